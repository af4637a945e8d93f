//! Surges: extra contacts per day on top of a demand's baseline, of a given
//! shape or read from a CSV table of real daily figures.
//!
//! Shapes are evaluated continuously: [`Shape::integral`] gives the exact
//! number of extra contacts between any two times (closed-form integrals of
//! the step, the linear ramp, the exponential decay and the logistic
//! curve). A day's volume is the integral over the day (a ramp over 10 days
//! has 5 % of its height on average on its first day), and within the day
//! the demand compiler gives each piece of the rate (an hour, an intraday
//! slot) the shape's exact average over that piece. Ramps start at
//! midnight of `start`; a logistic is at half height at noon of
//! `midpoint`.

use std::path::Path;

use crate::scenario::{Date, Surge, SurgeShape};

use super::DAY_S;

/// A problem in one surge: the key (within the surge), what is wrong, and a
/// hint.
pub type SurgeProblem = (&'static str, String, Option<String>);

/// Days from `from` to `to` (negative if `to` comes first).
pub fn days_between(from: jiff::civil::Date, to: jiff::civil::Date) -> f64 {
    (to.duration_since(from).as_secs() as f64 / DAY_S).round()
}

/// Whether each shape needs (true) or forbids (false) each key.
fn keys_for(shape: SurgeShape) -> &'static [&'static str] {
    match shape {
        SurgeShape::Step => &["start", "peak_per_day", "end"],
        SurgeShape::Ramp => &["start", "peak_per_day", "ramp", "end"],
        SurgeShape::RampDecay => &["start", "peak_per_day", "to_peak", "half_life"],
        SurgeShape::Logistic => &["midpoint", "peak_per_day", "growth"],
        SurgeShape::Table => &["file"],
    }
}

const OPTIONAL: &[&str] = &["end"];

/// Extra contacts on each day of the horizon, or the problems found.
pub fn daily_volumes(
    surge: &Surge,
    start: jiff::civil::Date,
    days: u32,
    base_dir: &Path,
) -> Result<Vec<f64>, Vec<SurgeProblem>> {
    let mut problems: Vec<SurgeProblem> = Vec::new();
    let present: [(&'static str, bool); 9] = [
        ("start", surge.start.is_some()),
        ("end", surge.end.is_some()),
        ("peak_per_day", surge.peak_per_day.is_some()),
        ("ramp", surge.ramp.is_some()),
        ("to_peak", surge.to_peak.is_some()),
        ("half_life", surge.half_life.is_some()),
        ("midpoint", surge.midpoint.is_some()),
        ("growth", surge.growth.is_some()),
        ("file", surge.file.is_some()),
    ];
    let wanted = keys_for(surge.shape);
    let shape_name = format!("{:?}", surge.shape);
    let example = example(surge.shape);
    for (key, is_set) in present {
        if is_set && !wanted.contains(&key) {
            problems.push((
                key,
                format!("`{key}` does not apply to a {shape_name} surge"),
                Some(format!("e.g. {example}")),
            ));
        }
        if !is_set && wanted.contains(&key) && !OPTIONAL.contains(&key) {
            problems.push((
                key,
                format!("a {shape_name} surge needs `{key}`"),
                Some(format!("e.g. {example}")),
            ));
        }
    }
    if let Some(p) = surge.peak_per_day
        && !(p >= 0.0 && p.is_finite())
    {
        problems.push((
            "peak_per_day",
            format!("must be 0 or more contacts a day (got {p})"),
            None,
        ));
    }
    for (key, d) in [
        ("ramp", surge.ramp),
        ("to_peak", surge.to_peak),
        ("half_life", surge.half_life),
        ("growth", surge.growth),
    ] {
        if let Some(d) = d
            && d.secs() <= 0.0
        {
            problems.push((key, "must be longer than 0".to_string(), None));
        }
    }
    if let (Some(a), Some(b)) = (surge.start, surge.end)
        && b.0 <= a.0
    {
        problems.push(("end", format!("{b} is not after the start {a}"), None));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if surge.shape == SurgeShape::Table {
        let file = surge.file.as_deref().unwrap_or_default();
        return read_table(&base_dir.join(file), start, days)
            .map_err(|(msg, hint)| vec![("file", msg, hint)]);
    }
    let shape = Shape::new(surge, start).unwrap_or(Shape::None);
    Ok((0..days)
        .map(|day| shape.integral(f64::from(day), f64::from(day) + 1.0))
        .collect())
}

/// A checked surge shape as a function of time (days since the horizon
/// starts), in extra contacts per day; its integral gives the contacts
/// between two times exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// No shape (a table, read by day).
    None,
    /// `peak` from `from` until `until`.
    Step { peak: f64, from: f64, until: f64 },
    /// Linear from 0 at `from` to `peak` at `from + ramp`, until `until`.
    Ramp {
        peak: f64,
        from: f64,
        ramp: f64,
        until: f64,
    },
    /// Linear to `peak` at `from + up`, then halving every `half`.
    RampDecay {
        peak: f64,
        from: f64,
        up: f64,
        half: f64,
    },
    /// `peak / (1 + exp(-(t - mid) / scale))`.
    Logistic { peak: f64, mid: f64, scale: f64 },
}

impl Shape {
    /// The shape of a checked surge (`None` for a table).
    pub fn new(surge: &Surge, start: jiff::civil::Date) -> Option<Shape> {
        let peak = surge.peak_per_day.unwrap_or(0.0);
        let secs_days = |d: Option<crate::units::Duration>| d.map_or(1.0, |d| d.secs() / DAY_S);
        let reference = |d: Option<Date>| d.map_or(0.0, |d| days_between(start, d.0));
        let from = reference(surge.start);
        let until = surge
            .end
            .map_or(f64::INFINITY, |e| days_between(start, e.0));
        Some(match surge.shape {
            SurgeShape::Step => Shape::Step { peak, from, until },
            SurgeShape::Ramp => Shape::Ramp {
                peak,
                from,
                ramp: secs_days(surge.ramp),
                until,
            },
            SurgeShape::RampDecay => Shape::RampDecay {
                peak,
                from,
                up: secs_days(surge.to_peak),
                half: secs_days(surge.half_life),
            },
            SurgeShape::Logistic => Shape::Logistic {
                peak,
                // Half height at noon of the midpoint day.
                mid: reference(surge.midpoint) + 0.5,
                // 10 % → 90 % takes 2 ln 9 scale units.
                scale: secs_days(surge.growth) / (2.0 * 9f64.ln()),
            },
            SurgeShape::Table => return None,
        })
    }

    /// Extra contacts per day at time `t` (days since the horizon starts).
    #[cfg(test)]
    pub fn at(&self, t: f64) -> f64 {
        match *self {
            Shape::None => 0.0,
            Shape::Step { peak, from, until } => {
                if t >= from && t < until {
                    peak
                } else {
                    0.0
                }
            }
            Shape::Ramp {
                peak,
                from,
                ramp,
                until,
            } => {
                if t >= from && t < until {
                    peak * ((t - from) / ramp).min(1.0)
                } else {
                    0.0
                }
            }
            Shape::RampDecay {
                peak,
                from,
                up,
                half,
            } => {
                let x = t - from;
                if x < 0.0 {
                    0.0
                } else if x <= up {
                    peak * x / up
                } else {
                    peak * 0.5f64.powf((x - up) / half)
                }
            }
            Shape::Logistic { peak, mid, scale } => peak / (1.0 + (-(t - mid) / scale).exp()),
        }
    }

    /// Extra contacts between times `a` and `b` (days since the horizon
    /// starts, `a <= b`): the closed-form integral of the shape.
    pub fn integral(&self, a: f64, b: f64) -> f64 {
        if b <= a {
            return 0.0;
        }
        // Integral of a linear rise `peak * (t - from) / len` over [x, y].
        let rise = |peak: f64, from: f64, len: f64, x: f64, y: f64| {
            if y <= x {
                0.0
            } else {
                peak / (2.0 * len) * ((y - from).powi(2) - (x - from).powi(2))
            }
        };
        match *self {
            Shape::None => 0.0,
            Shape::Step { peak, from, until } => peak * (b.min(until) - a.max(from)).max(0.0),
            Shape::Ramp {
                peak,
                from,
                ramp,
                until,
            } => {
                let (x, y) = (a.max(from), b.min(until));
                if y <= x {
                    return 0.0;
                }
                let top = from + ramp;
                rise(peak, from, ramp, x, y.min(top)) + peak * (y - x.max(top)).max(0.0)
            }
            Shape::RampDecay {
                peak,
                from,
                up,
                half,
            } => {
                let top = from + up;
                let x = a.max(from);
                let up_part = rise(peak, from, up, x, b.min(top));
                let (x, y) = (a.max(top), b);
                let decay = if y > x {
                    // ∫ peak 2^(-(t - top)/half) dt = peak half / ln 2 × [2^(-(x - top)/half) - 2^(-(y - top)/half)].
                    let k = std::f64::consts::LN_2 / half;
                    peak / k * ((-(x - top) * k).exp() - (-(y - top) * k).exp())
                } else {
                    0.0
                };
                up_part + decay
            }
            Shape::Logistic { peak, mid, scale } => {
                // ∫ peak / (1 + e^(-(t - mid)/s)) dt = peak s ln(1 + e^((t - mid)/s)).
                let softplus = |z: f64| {
                    if z > 0.0 {
                        z + (-z).exp().ln_1p()
                    } else {
                        z.exp().ln_1p()
                    }
                };
                peak * scale * (softplus((b - mid) / scale) - softplus((a - mid) / scale))
            }
        }
    }
}

fn example(shape: SurgeShape) -> &'static str {
    match shape {
        SurgeShape::Step => "{ shape = \"step\", start = 2022-03-09, peak_per_day = 300 }",
        SurgeShape::Ramp => {
            "{ shape = \"ramp\", start = 2022-03-09, ramp = \"14d\", peak_per_day = 300 }"
        }
        SurgeShape::RampDecay => {
            "{ shape = \"ramp_decay\", start = 2022-03-09, to_peak = \"4d\", half_life = \"10d\", peak_per_day = 400 }"
        }
        SurgeShape::Logistic => {
            "{ shape = \"logistic\", midpoint = 2022-03-20, growth = \"10d\", peak_per_day = 300 }"
        }
        SurgeShape::Table => {
            "{ shape = \"table\", file = \"inflow.csv\" } with columns date,contacts"
        }
    }
}

/// Reads `date,contacts` rows; days of the horizon not in the table get 0.
fn read_table(
    path: &Path,
    start: jiff::civil::Date,
    days: u32,
) -> Result<Vec<f64>, (String, Option<String>)> {
    let text = crate::scenario::read_text(path, crate::scenario::MAX_TABLE_BYTES)
        .map_err(|(e, _)| (e, Some("the path is relative to the scenario file".into())))?;
    let mut out = vec![0.0; days as usize];
    let mut seen = std::collections::BTreeSet::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| (format!("{}: {e}", path.display()), None))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(dc), Some(vc)) = (col("date"), col("contacts")) else {
        return Err((
            format!(
                "{}: the header must name the columns `date` and `contacts`",
                path.display()
            ),
            Some("e.g. a first line `date,contacts`, then rows like `2022-03-09,350`".into()),
        ));
    };
    for row in rdr.records() {
        let row = row.map_err(|e| (format!("{}: {e}", path.display()), None))?;
        let line = row.position().map_or(0, |p| p.line());
        let bad = |what: String| (format!("{}:{line}: {what}", path.display()), None);
        let date_text = row.get(dc).unwrap_or_default();
        let date: jiff::civil::Date = date_text
            .parse()
            .map_err(|_| bad(format!("`{date_text}` is not a date YYYY-MM-DD")))?;
        let value_text = row.get(vc).unwrap_or_default();
        let value: f64 = value_text
            .parse()
            .map_err(|_| bad(format!("`{value_text}` is not a number of contacts")))?;
        if !(value >= 0.0 && value.is_finite()) {
            return Err(bad(format!("{value} contacts: must be 0 or more")));
        }
        if !seen.insert(date) {
            return Err(bad(format!("{date} is listed twice")));
        }
        let d = days_between(start, date);
        if d >= 0.0 && d < f64::from(days) {
            out[d as usize] = value;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Duration;

    fn surge(shape: SurgeShape) -> Surge {
        Surge {
            shape,
            start: None,
            end: None,
            peak_per_day: Some(100.0),
            ramp: None,
            to_peak: None,
            half_life: None,
            midpoint: None,
            growth: None,
            file: None,
        }
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date(jiff::civil::date(y, m, day))
    }

    const START: jiff::civil::Date = jiff::civil::date(2022, 3, 1);

    #[test]
    fn step_and_ramp() {
        let mut s = surge(SurgeShape::Step);
        s.start = Some(d(2022, 3, 3));
        s.end = Some(d(2022, 3, 5));
        let v = daily_volumes(&s, START, 6, Path::new(".")).unwrap();
        assert_eq!(v, vec![0.0, 0.0, 100.0, 100.0, 0.0, 0.0]);
        let mut r = surge(SurgeShape::Ramp);
        r.start = Some(d(2022, 3, 2));
        r.ramp = Some(Duration::parse("4d").unwrap());
        let v = daily_volumes(&r, START, 7, Path::new(".")).unwrap();
        assert_eq!(v, vec![0.0, 12.5, 37.5, 62.5, 87.5, 100.0, 100.0]);
    }

    /// Midpoint-rule integral of the shape with many steps.
    fn numeric(shape: &Shape, a: f64, b: f64) -> f64 {
        let n = 200_000;
        let h = (b - a) / f64::from(n);
        (0..n)
            .map(|i| shape.at(a + (f64::from(i) + 0.5) * h) * h)
            .sum()
    }

    #[test]
    fn ramp_then_decay_halves_each_half_life() {
        let mut s = surge(SurgeShape::RampDecay);
        s.start = Some(d(2022, 3, 1));
        s.to_peak = Some(Duration::parse("2d").unwrap());
        s.half_life = Some(Duration::parse("3d").unwrap());
        let v = daily_volumes(&s, START, 9, Path::new(".")).unwrap();
        assert_eq!(v[0], 25.0);
        assert_eq!(v[1], 75.0);
        // Day 2 is the integral of the decay over t in [2, 3] days: it
        // exceeds the old mid-day value (convexity), and halves after 3 days.
        let exact = 100.0 * 3.0 / std::f64::consts::LN_2 * (1.0 - 0.5f64.powf(1.0 / 3.0));
        assert!((v[2] - exact).abs() < 1e-9, "{} vs {exact}", v[2]);
        assert!(v[2] > 100.0 * 0.5f64.powf(0.5 / 3.0));
        assert!((v[5] / v[2] - 0.5).abs() < 1e-9);
        let shape = Shape::new(&s, START).unwrap();
        assert_eq!(shape.at(2.0), 100.0);
        assert!((shape.at(5.0) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn logistic_rises_from_10_to_90_percent_within_growth() {
        let mut s = surge(SurgeShape::Logistic);
        s.midpoint = Some(d(2022, 3, 11));
        s.growth = Some(Duration::parse("8d").unwrap());
        let shape = Shape::new(&s, START).unwrap();
        // Half height at noon of the midpoint (day 10), 10 % and 90 % four
        // days either side.
        assert!((shape.at(10.5) - 50.0).abs() < 1e-9);
        assert!((shape.at(6.5) - 10.0).abs() < 1e-9);
        assert!((shape.at(14.5) - 90.0).abs() < 1e-9);
        let v = daily_volumes(&s, START, 21, Path::new(".")).unwrap();
        // Symmetric about the midpoint: the midpoint day averages 50.
        assert!((v[10] - 50.0).abs() < 1e-9);
        assert!((v[6] + v[14] - 100.0).abs() < 1e-9);
    }

    #[test]
    fn integrals_are_exact_for_every_shape() {
        let mut shapes = Vec::new();
        let mut st = surge(SurgeShape::Step);
        st.start = Some(d(2022, 3, 3));
        st.end = Some(d(2022, 3, 6));
        shapes.push(st);
        let mut r = surge(SurgeShape::Ramp);
        r.start = Some(d(2022, 3, 2));
        r.ramp = Some(Duration::parse("30h").unwrap());
        r.end = Some(d(2022, 3, 9));
        shapes.push(r);
        let mut rd = surge(SurgeShape::RampDecay);
        rd.start = Some(d(2022, 3, 2));
        rd.to_peak = Some(Duration::parse("1.5d").unwrap());
        rd.half_life = Some(Duration::parse("5h").unwrap());
        shapes.push(rd);
        let mut l = surge(SurgeShape::Logistic);
        l.midpoint = Some(d(2022, 3, 4));
        l.growth = Some(Duration::parse("20h").unwrap());
        shapes.push(l);
        for s in &shapes {
            let shape = Shape::new(s, START).unwrap();
            for (a, b) in [(0.0, 10.0), (1.3, 1.4), (2.0, 3.25), (3.1, 3.6), (2.5, 9.5)] {
                let (x, y) = (shape.integral(a, b), numeric(&shape, a, b));
                // The midpoint rule is off by up to a step's height × the
                // step at each jump of a step or ramp.
                let tol = 1e-6 + 2.0 * 100.0 * (b - a) / 200_000.0;
                assert!(
                    (x - y).abs() < tol,
                    "{:?} over [{a}, {b}]: {x} vs {y}",
                    s.shape
                );
            }
            // Additive over adjacent pieces.
            let whole = shape.integral(1.0, 5.0);
            let parts: f64 = (0..96)
                .map(|i| shape.integral(1.0 + f64::from(i) / 24.0, 1.0 + f64::from(i + 1) / 24.0))
                .sum();
            assert!((whole - parts).abs() < 1e-9, "{:?}", s.shape);
        }
    }

    #[test]
    fn keys_must_fit_the_shape() {
        let mut s = surge(SurgeShape::Step);
        s.ramp = Some(Duration::parse("3d").unwrap());
        let problems = daily_volumes(&s, START, 3, Path::new(".")).unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|p| p.0).collect();
        assert_eq!(keys, vec!["start", "ramp"]);
    }

    #[test]
    fn tables_are_read_and_checked() {
        let dir = std::env::temp_dir().join(format!("surgesim-surge-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("t.csv"),
            "date,contacts\n2022-03-02,350\n# note\n2022-03-03, 630\n2022-04-30,1\n",
        )
        .unwrap();
        let mut s = surge(SurgeShape::Table);
        s.peak_per_day = None;
        s.file = Some("t.csv".into());
        let v = daily_volumes(&s, START, 4, &dir).unwrap();
        assert_eq!(v, vec![0.0, 350.0, 630.0, 0.0]);
        std::fs::write(dir.join("t.csv"), "date,contacts\n2022-03-02,-5\n").unwrap();
        let e = daily_volumes(&s, START, 4, &dir).unwrap_err();
        assert!(e[0].1.contains("t.csv:2"), "{:?}", e);
        s.file = Some("missing.csv".into());
        let e = daily_volumes(&s, START, 4, &dir).unwrap_err();
        assert!(e[0].1.contains("cannot read"), "{:?}", e);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
