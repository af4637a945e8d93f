//! Limits checked before any work starts: how many worker threads, and
//! whether the memory a run needs fits. A run that cannot fit is refused up
//! front (exit code 2) with the estimate and what to change, instead of
//! growing until the machine runs out or aborting with "memory allocation
//! failed" halfway.

use crate::model::Model;
use crate::report::table::group_thousands;
use crate::runner::Footprint;
use crate::units::human_duration;

use super::CommandError;

/// At most this many worker threads per core.
pub const THREADS_PER_CORE: usize = 4;

/// The memory limit when `--max-memory` is not given: 4 GB, or what the
/// machine has if that is less.
pub const DEFAULT_MAX_MEMORY: u64 = 4_000_000_000;

/// Cores of this machine (1 if unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Validates `--threads`: at least 1, at most [`THREADS_PER_CORE`] × the
/// cores (refused above: more threads cannot make a run faster, and
/// thousands of them only stall the machine); more threads than `work`
/// items (replications) are clamped silently. `None` stays `None` (one
/// thread per core).
pub fn threads(requested: Option<usize>, work: u64) -> Result<Option<usize>, CommandError> {
    let Some(t) = requested else {
        return Ok(None);
    };
    if t == 0 {
        return Err(CommandError::usage("--threads", "must be at least 1"));
    }
    let cores = cores();
    let most = cores * THREADS_PER_CORE;
    if t > most {
        return Err(CommandError::usage(
            "--threads",
            format!(
                "at most {most} ({THREADS_PER_CORE} per core; this machine has {cores} {}), got {t}; results do not depend on it, and leaving it out uses one thread per core",
                if cores == 1 { "core" } else { "cores" }
            ),
        ));
    }
    let work = usize::try_from(work.max(1)).unwrap_or(usize::MAX);
    Ok(Some(t.min(work)))
}

/// Worker threads a run will use.
pub fn workers(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(cores)
}

/// Bytes in `text`: a number with a unit, `B`, `kB`/`KB`, `MB`, `GB`, `TB`
/// (powers of 1,000) or `KiB`, `MiB`, `GiB`, `TiB` (powers of 1,024);
/// case does not matter, a space before the unit is allowed.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let example = "write a number and a unit, e.g. 8GB, 512MB or 16GiB";
    let number: f64 = number
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{text}` is not a size; {example}"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024f64.powi(2),
        "gib" => 1024f64.powi(3),
        "tib" => 1024f64.powi(4),
        "" => return Err(format!("`{text}` has no unit; {example}")),
        u => return Err(format!("unknown unit `{u}` in `{text}`; {example}")),
    };
    let bytes = number * factor;
    if !(1e6..1e18).contains(&bytes) {
        return Err(format!("`{text}` is out of range: between 1MB and 1000PB"));
    }
    Ok(bytes as u64)
}

/// Total memory of the machine (Linux: `MemTotal` in /proc/meminfo).
fn machine_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The limit: `--max-memory` if given, else [`DEFAULT_MAX_MEMORY`] or the
/// machine's memory if that is less.
pub fn memory_limit(flag: Option<&str>) -> Result<u64, CommandError> {
    match flag {
        Some(text) => parse_size(text).map_err(|m| CommandError::usage("--max-memory", m)),
        None => Ok(machine_memory().map_or(DEFAULT_MAX_MEMORY, |m| m.min(DEFAULT_MAX_MEMORY))),
    }
}

/// Bytes for people: "1.8 GB", "420 MB", "1.4 MB", "62 kB".
pub fn human_bytes(b: u64) -> String {
    let x = b as f64;
    if x >= 1e12 {
        format!("{:.1} TB", x / 1e12)
    } else if x >= 1e9 {
        format!("{:.1} GB", x / 1e9)
    } else if x >= 1e7 {
        format!("{:.0} MB", x / 1e6)
    } else if x >= 1e6 {
        format!("{:.1} MB", x / 1e6)
    } else {
        format!("{:.0} kB", (x / 1e3).max(1.0))
    }
}

/// The smallest `--max-memory` value (whole GB) that admits `bytes`.
fn flag_for(bytes: u64) -> String {
    format!("{}GB", bytes.div_ceil(1_000_000_000))
}

/// One model and how many of its replications a command keeps.
pub struct Planned<'a> {
    /// The model (an arm, for a comparison).
    pub model: &'a Model,
    /// Replications kept in memory at most.
    pub replications: u64,
}

/// Refuses (exit code 2) a run of `planned` on `workers` threads whose
/// estimated peak memory exceeds `limit`, with the estimate, what it is
/// made of and what to change; `keep_series` as in
/// [`crate::runner::simulate_records`]; `fewer` names the flag that lowers
/// the replications (`-n` or `--max-replications`).
pub fn check_memory(
    planned: &[Planned],
    workers: usize,
    keep_series: bool,
    limit: u64,
    fewer: &str,
) -> Result<u64, CommandError> {
    let prints: Vec<Footprint> = planned
        .iter()
        .map(|p| Footprint::of(p.model, keep_series))
        .collect();
    // Each arm keeps its records; the replications in flight are those
    // of one arm at a time.
    let parts: Vec<crate::runner::Parts> = planned
        .iter()
        .zip(&prints)
        .map(|(p, f)| f.parts(p.replications, workers))
        .collect();
    let sum = |f: &dyn Fn(&crate::runner::Parts) -> u64| -> u64 {
        parts.iter().map(f).fold(0, u64::saturating_add)
    };
    let kept = sum(&|p| p.kept);
    let all = crate::runner::Parts {
        kept,
        stored: sum(&|p| p.stored),
        simulate: parts.iter().map(|p| p.simulate).max().unwrap_or(0),
        summarise: sum(&|p| p.summarise),
        report: sum(&|p| p.report),
    };
    let report = all.report;
    let total = all.total();
    if total <= limit {
        return Ok(total);
    }
    let m = planned[0].model;
    let f = &prints[0];
    let n: u64 = planned.iter().map(|p| p.replications).sum();
    let count = |n: u64, what: &str| {
        format!(
            "{} {what}{}",
            group_thousands(n as f64),
            if n == 1 { "" } else { "s" }
        )
    };
    let runs = if planned.len() > 1 {
        format!(
            "{} × {}",
            count(planned.len() as u64, "arm"),
            count(planned[0].replications, "replication")
        )
    } else {
        count(n, "replication")
    };
    let mut msg = format!(
        "this run needs about {} of memory, more than the limit of {}: {runs} × {} each",
        human_bytes(total),
        human_bytes(limit),
        human_bytes(f.per_replication),
    );
    if keep_series {
        // The parts named add up to the total (`Parts::total`): the
        // program, the KPIs, the series in memory and the largest phase.
        let phase = if all.simulate >= all.summarise && all.simulate >= report {
            format!(
                "{} for the replications in flight and their series",
                human_bytes(all.simulate),
            )
        } else if all.summarise >= report {
            format!(
                "{} for a block of series and the statistics of every interval while summarising",
                human_bytes(all.summarise)
            )
        } else {
            format!(
                "{} for the statistics of every interval and the files",
                human_bytes(report)
            )
        };
        msg.push_str(&format!(
            " (their KPIs, {} in all), {} for their series kept in memory ({} reporting intervals: {} days every {}, × {} series; beyond {} they go to a temporary file), {} for the program itself, and at the busiest moment {phase}",
            human_bytes(kept),
            human_bytes(all.stored),
            group_thousands(f.intervals as f64),
            m.days,
            human_duration(m.interval_s),
            f.series,
            human_bytes(f.spill_budget),
            human_bytes(crate::runner::BASE_BYTES),
        ));
    }
    msg.push_str(". To fit, ");
    let mut fixes = Vec::new();
    if keep_series && m.interval_s < crate::model::DAY_S {
        let coarser = if m.interval_s < 3600.0 {
            "`interval = \"1h\"` or \"1d\""
        } else {
            "`interval = \"1d\"`"
        };
        fixes.push(format!(
            "report less often ({coarser} in [scenario]: the per-interval series grow with the number of intervals)"
        ));
    }
    let fixed = total - kept;
    if kept > 0 && fixed < limit {
        // Every arm runs the same replications.
        let reps = planned[0].replications;
        let fit = (reps as f64 * (limit - fixed) as f64 / kept as f64).floor() as u64;
        if (1..reps).contains(&fit) {
            // Plain digits: the value is to be typed or pasted as a flag.
            fixes.push(format!("run fewer replications ({fewer} {fit} or fewer)"));
        }
    }
    let raise = format!(
        "raise the limit (--max-memory {}) if the machine has that much",
        flag_for(total)
    );
    fixes.push(if fixes.is_empty() {
        raise
    } else {
        format!("or {raise}")
    });
    msg.push_str(&fixes.join(", "));
    Err(CommandError::usage("--max-memory", msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_need_a_unit_and_mean_what_they_say() {
        assert_eq!(parse_size("8GB"), Ok(8_000_000_000));
        assert_eq!(parse_size("8 gb"), Ok(8_000_000_000));
        assert_eq!(parse_size("512MB"), Ok(512_000_000));
        assert_eq!(parse_size("1.5GiB"), Ok(1_610_612_736));
        assert!(parse_size("8").unwrap_err().contains("no unit"));
        assert!(
            parse_size("8 parsecs")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(parse_size("-1GB").is_err());
        assert!(parse_size("10B").unwrap_err().contains("out of range"));
    }

    #[test]
    fn threads_above_four_per_core_are_refused_and_above_the_work_clamped() {
        let most = cores() * THREADS_PER_CORE;
        assert_eq!(threads(None, 10).unwrap(), None);
        assert_eq!(threads(Some(most), 1_000).unwrap(), Some(most));
        assert_eq!(threads(Some(most), 3).unwrap(), Some(3.min(most)));
        let err = threads(Some(most + 1), 1_000).unwrap_err().to_string();
        assert!(err.contains(&format!("at most {most}")), "{err}");
        assert!(threads(Some(0), 10).is_err());
    }
}
