//! Wall-clock time of each phase of a command, printed with `--timings`
//! (to find where the serial time of a run goes).

use std::time::Instant;

/// Phases in the order they ended.
#[derive(Debug)]
pub struct Phases {
    started: Instant,
    last: Instant,
    done: Vec<(String, f64)>,
}

impl Phases {
    /// Starts the clock.
    pub fn start() -> Self {
        let now = Instant::now();
        Phases {
            started: now,
            last: now,
            done: Vec::new(),
        }
    }

    /// Ends the phase `name`: the time since the previous phase ended.
    pub fn end(&mut self, name: &str) {
        let now = Instant::now();
        self.done
            .push((name.to_string(), (now - self.last).as_secs_f64()));
        self.last = now;
    }

    /// Records a phase timed elsewhere (e.g. one of several run side by
    /// side), without moving the clock.
    pub fn add(&mut self, name: &str, seconds: f64) {
        self.done.push((name.to_string(), seconds));
    }

    /// The table: one line per phase, then the total.
    pub fn table(&self) -> String {
        let width = self.done.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        let mut s = String::from("timings (wall clock):\n");
        for (name, secs) in &self.done {
            s.push_str(&format!("  {name:<width$}  {secs:>8.3} s\n"));
        }
        let total = (self.last - self.started).as_secs_f64();
        s.push_str(&format!("  {:<width$}  {total:>8.3} s\n", "total"));
        s
    }
}

/// Runs `f` and returns its result with its wall-clock seconds.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_listed_in_order_with_a_total() {
        let mut p = Phases::start();
        p.end("load");
        p.add("charts (side by side)", 1.5);
        p.end("simulate");
        let t = p.table();
        let load = t.find("load").expect("load listed");
        let sim = t.find("simulate").expect("simulate listed");
        assert!(load < sim, "{t}");
        assert!(t.contains("    1.500 s"), "{t}");
        assert!(
            t.trim_end().lines().last().unwrap().contains("total"),
            "{t}"
        );
    }
}
