//! Demand read from CSV files at the resolution real data has: arrival
//! tables (`start,contacts`, a constant step from 5 minutes to a day, as
//! telephony systems export them) and intraday profiles per weekday
//! (`time,mon,…,sun`, a row per 15 or 30 minutes).
//!
//! Errors name the file and line and say what would be valid; they are
//! reported by the demand compiler at the key (`demand[2].file`).

use std::path::Path;

use crate::units::human_duration;

use super::{DAY_S, Piece};

/// A problem in a table: the message (with file and line) and a hint.
pub type TableProblem = (String, Option<String>);

/// Shortest step of an arrival table, seconds.
pub const MIN_STEP_S: f64 = 300.0;

/// An arrival table: contacts per row, rows a constant step apart.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalTable {
    /// Start of the first row, seconds from midnight of the horizon's first
    /// day (negative if the table starts before the horizon).
    pub first_s: f64,
    /// The step between rows, seconds.
    pub step_s: f64,
    /// Contacts in each row.
    pub counts: Vec<f64>,
}

impl ArrivalTable {
    /// End of the last row, seconds from the horizon's start.
    pub fn end_s(&self) -> f64 {
        self.first_s + self.step_s * self.counts.len() as f64
    }

    /// The rate, constant within each row (contacts ÷ step), zero before
    /// and after the table, cut to `[0, horizon_s)`; the first piece starts
    /// at 0.
    pub fn pieces(&self, horizon_s: f64) -> Vec<Piece> {
        let mut out = vec![Piece {
            start_s: 0.0,
            rate_per_s: 0.0,
        }];
        for (i, &n) in self.counts.iter().enumerate() {
            let a = self.first_s + self.step_s * i as f64;
            let b = a + self.step_s;
            if b <= 0.0 || a >= horizon_s {
                continue;
            }
            out.push(Piece {
                start_s: a.max(0.0),
                rate_per_s: n / self.step_s,
            });
        }
        out.push(Piece {
            start_s: self.end_s().max(0.0),
            rate_per_s: 0.0,
        });
        out
    }
}

/// Reads the text of a table, with a hint on where relative paths start.
fn text_of(path: &Path) -> Result<String, TableProblem> {
    crate::scenario::read_text(path, crate::scenario::MAX_TABLE_BYTES)
        .map_err(|(e, _)| (e, Some("the path is relative to the scenario file".into())))
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
}

/// Parses `2022-03-07T08:00`, `2022-03-07 08:00`, `2022-03-07T08:00:00`
/// or a date alone (midnight); the flag says whether it was a date alone.
pub fn parse_date_time(text: &str) -> Option<(jiff::civil::DateTime, bool)> {
    let b = text.as_bytes();
    if b.len() == 10 {
        let d: jiff::civil::Date = text.parse().ok()?;
        return Some((d.to_datetime(jiff::civil::Time::midnight()), true));
    }
    if !(b.len() == 16 || b.len() == 19) || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    let (date, time) = (&text[..10], &text[11..]);
    let d: jiff::civil::Date = date.parse().ok()?;
    let t: jiff::civil::Time = time.parse().ok()?;
    Some((d.to_datetime(t), false))
}

/// Reads an arrival table (`start,contacts`).
pub fn read_arrivals(path: &Path, start: jiff::civil::Date) -> Result<ArrivalTable, TableProblem> {
    let text = text_of(path)?;
    let shown = path.display();
    let mut rdr = reader(&text);
    let header_hint = || {
        Some(
            "e.g. a first line `start,contacts`, then rows like `2022-03-07 08:00,42`, one per step (5 minutes to 1 day)"
                .to_string(),
        )
    };
    let headers = rdr
        .headers()
        .map_err(|e| (format!("{shown}: {e}"), None))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(sc), Some(vc)) = (col("start"), col("contacts")) else {
        return Err((
            format!(
                "{shown}:1: the header must name the columns `start` and `contacts` (got `{}`)",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
            header_hint(),
        ));
    };
    let origin = start.to_datetime(jiff::civil::Time::midnight());
    // (seconds from the origin, line, text, date alone)
    let mut rows: Vec<(f64, u64, String, bool)> = Vec::new();
    let mut counts = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(|e| (format!("{shown}: {e}"), None))?;
        let line = row.position().map_or(0, |p| p.line());
        let bad = |what: String, hint: &str| {
            (
                format!("{shown}:{line}: {what}"),
                Some(hint.to_string()).filter(|h| !h.is_empty()),
            )
        };
        let when_text = row.get(sc).unwrap_or_default();
        let Some((when, date_only)) = parse_date_time(when_text) else {
            return Err(bad(
                format!("`{when_text}` is not a date-time"),
                "write 2022-03-07T08:00, 2022-03-07 08:00, 2022-03-07T08:00:00, or a date alone (2022-03-07) for a daily table",
            ));
        };
        let value_text = row.get(vc).unwrap_or_default();
        let value: f64 = value_text.parse().map_err(|_| {
            bad(
                format!("`{value_text}` is not a number of contacts"),
                "a count of 0 or more, e.g. 42",
            )
        })?;
        if !(value >= 0.0 && value.is_finite()) {
            return Err(bad(
                format!("{value} contacts: must be 0 or more"),
                "a count of 0 or more, e.g. 42",
            ));
        }
        let secs = when.duration_since(origin).as_secs_f64();
        if let Some((prev, pline, ptext, _)) = rows.last()
            && secs <= *prev
        {
            return Err(bad(
                format!(
                    "{when_text} does not come after {ptext} on line {pline}: the rows must be sorted by `start`, each listed once"
                ),
                "sort the rows by time, oldest first, and remove repeated rows",
            ));
        }
        rows.push((secs, line, when_text.to_string(), date_only));
        counts.push(value);
    }
    let Some(first) = rows.first() else {
        return Err((format!("{shown}: the table has no rows"), header_hint()));
    };
    let step_s = if rows.len() == 1 {
        if !first.3 {
            return Err((
                format!(
                    "{shown}:{}: one row with a time of day: the step cannot be told",
                    first.1
                ),
                Some("give at least two rows, or a date alone for a daily table".into()),
            ));
        }
        DAY_S
    } else {
        rows[1].0 - rows[0].0
    };
    if !(MIN_STEP_S..=DAY_S).contains(&step_s) {
        return Err((
            format!(
                "{shown}:{}: a step of {} from line {} to line {}: the step must be from 5 minutes to 1 day",
                rows[1].1,
                human_duration(step_s),
                rows[0].1,
                rows[1].1
            ),
            Some("export the data every 5, 15, 30 or 60 minutes, or by day".into()),
        ));
    }
    for w in rows.windows(2).skip(1) {
        let gap = w[1].0 - w[0].0;
        if (gap - step_s).abs() > 1e-6 {
            return Err((
                format!(
                    "{shown}:{}: the step is not constant: {} from line {} to line {}, but {} from line {} to line {} (a missing or extra row?)",
                    w[1].1,
                    human_duration(step_s),
                    rows[0].1,
                    rows[1].1,
                    human_duration(gap),
                    w[0].1,
                    w[1].1
                ),
                Some(format!(
                    "every row must start {} after the previous one; give intervals without contacts a row with 0",
                    human_duration(step_s)
                )),
            ));
        }
    }
    Ok(ArrivalTable {
        first_s: first.0,
        step_s,
        counts,
    })
}

/// An intraday profile: per weekday (Monday first), relative weights of
/// the slots of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct Intraday {
    /// Length of a slot, seconds (900 or 1800).
    pub slot_s: f64,
    /// Weights per weekday, Monday first, one per slot.
    pub weights: [Vec<f64>; 7],
}

/// Weekday columns of an intraday profile, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Reads an intraday profile (`time,mon,tue,wed,thu,fri,sat,sun`, 96 or
/// 48 rows from `00:00`).
pub fn read_intraday(path: &Path) -> Result<Intraday, TableProblem> {
    let text = text_of(path)?;
    let shown = path.display();
    let mut rdr = reader(&text);
    let hint = || {
        Some(
            "e.g. a first line `time,mon,tue,wed,thu,fri,sat,sun`, then 96 rows `00:00,…`, `00:15,…` to `23:45,…` (or 48 rows every 30 minutes)"
                .to_string(),
        )
    };
    let headers = rdr
        .headers()
        .map_err(|e| (format!("{shown}: {e}"), None))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let tc = col("time");
    let days: Vec<Option<usize>> = WEEKDAYS.iter().map(|d| col(d)).collect();
    let (Some(tc), true) = (tc, days.iter().all(Option::is_some)) else {
        return Err((
            format!(
                "{shown}:1: the header must name the columns `time,mon,tue,wed,thu,fri,sat,sun` (got `{}`)",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
            hint(),
        ));
    };
    let days: Vec<usize> = days.into_iter().flatten().collect();
    let mut times: Vec<(f64, u64)> = Vec::new();
    let mut weights: [Vec<f64>; 7] = Default::default();
    for row in rdr.records() {
        let row = row.map_err(|e| (format!("{shown}: {e}"), None))?;
        let line = row.position().map_or(0, |p| p.line());
        let time_text = row.get(tc).unwrap_or_default();
        let time: Option<jiff::civil::Time> = if time_text.len() == 5 || time_text.len() == 8 {
            time_text.parse().ok()
        } else {
            None
        };
        let Some(time) = time else {
            return Err((
                format!("{shown}:{line}: `{time_text}` is not a time of day HH:MM"),
                hint(),
            ));
        };
        times.push((
            f64::from(time.hour()) * 3600.0
                + f64::from(time.minute()) * 60.0
                + f64::from(time.second()),
            line,
        ));
        for (k, &c) in days.iter().enumerate() {
            let v_text = row.get(c).unwrap_or_default();
            let v: f64 = v_text.parse().map_err(|_| {
                (
                    format!(
                        "{shown}:{line}: `{v_text}` ({}) is not a number",
                        WEEKDAYS[k]
                    ),
                    Some("relative weights of 0 or more".into()),
                )
            })?;
            if !(v >= 0.0 && v.is_finite()) {
                return Err((
                    format!(
                        "{shown}:{line}: weight {v} ({}): weights must be 0 or more",
                        WEEKDAYS[k]
                    ),
                    Some("relative weights of 0 or more".into()),
                ));
            }
            weights[k].push(v);
        }
    }
    let n = times.len();
    if n != 96 && n != 48 {
        return Err((
            format!(
                "{shown}: {n} rows; an intraday profile needs 96 (every 15 minutes) or 48 (every 30 minutes), from 00:00"
            ),
            hint(),
        ));
    }
    let slot_s = DAY_S / n as f64;
    for (i, &(t, line)) in times.iter().enumerate() {
        let want = slot_s * i as f64;
        if t != want {
            let h = (want / 3600.0) as u32;
            let m = ((want % 3600.0) / 60.0) as u32;
            return Err((
                format!(
                    "{shown}:{line}: row {} must start at {h:02}:{m:02} (rows every {} from 00:00)",
                    i + 1,
                    human_duration(slot_s)
                ),
                hint(),
            ));
        }
    }
    Ok(Intraday { slot_s, weights })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("surgesim-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const START: jiff::civil::Date = jiff::civil::date(2022, 3, 7);

    #[test]
    fn date_times_in_three_spellings_and_dates_alone() {
        for t in [
            "2022-03-07T08:00",
            "2022-03-07 08:00",
            "2022-03-07T08:00:00",
        ] {
            let (dt, alone) = parse_date_time(t).unwrap();
            assert_eq!(dt, jiff::civil::date(2022, 3, 7).at(8, 0, 0, 0), "{t}");
            assert!(!alone);
        }
        assert!(parse_date_time("2022-03-07").unwrap().1);
        for bad in [
            "2022-03-07T8:00",
            "07/03/2022 08:00",
            "2022-03-07X08:00",
            "",
        ] {
            assert!(parse_date_time(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_15_minute_table_becomes_pieces() {
        let p = write(
            "a.csv",
            "start,contacts\n2022-03-07 08:00,30\n# a note\n2022-03-07 08:15,60\n2022-03-07T08:30:00,0\n",
        );
        let t = read_arrivals(&p, START).unwrap();
        assert_eq!(t.first_s, 8.0 * 3600.0);
        assert_eq!(t.step_s, 900.0);
        let pieces = t.pieces(DAY_S);
        assert_eq!(pieces.len(), 5);
        assert_eq!(pieces[1].start_s, 8.0 * 3600.0);
        assert_eq!(pieces[1].rate_per_s, 30.0 / 900.0);
        assert_eq!(pieces[4].start_s, 8.75 * 3600.0);
        assert_eq!(pieces[4].rate_per_s, 0.0);
        // A daily table of dates alone; one row means a day.
        let p = write("d.csv", "start,contacts\n2022-03-06,10\n");
        let t = read_arrivals(&p, START).unwrap();
        assert_eq!((t.first_s, t.step_s), (-DAY_S, DAY_S));
        assert_eq!(t.pieces(DAY_S)[0].rate_per_s, 0.0);
    }

    #[test]
    fn arrival_table_errors_name_file_and_line() {
        let cases = [
            ("time,n\n", ":1: the header"),
            (
                "start,contacts\n2022-03-07 8h,1\n",
                ":2: `2022-03-07 8h` is not a date-time",
            ),
            (
                "start,contacts\n2022-03-07 08:00,-1\n2022-03-07 08:15,1\n",
                ":2: -1 contacts",
            ),
            (
                "start,contacts\n2022-03-07 08:00,x\n",
                ":2: `x` is not a number",
            ),
            (
                "start,contacts\n2022-03-07 08:00,1\n2022-03-07 08:15,1\n2022-03-07 09:00,1\n",
                ":4: the step is not constant: 15 min from line 2 to line 3, but 45 min from line 3 to line 4",
            ),
            (
                "start,contacts\n2022-03-07 08:00,1\n2022-03-07 08:01,1\n",
                ":3: a step of 1 min",
            ),
            (
                "start,contacts\n2022-03-07,1\n2022-03-09,1\n",
                ":3: a step of 2 d",
            ),
            (
                "start,contacts\n2022-03-07 08:15,1\n2022-03-07 08:00,1\n",
                ":3: 2022-03-07 08:00 does not come after 2022-03-07 08:15 on line 2",
            ),
            (
                "start,contacts\n2022-03-07 08:00,1\n",
                ":2: one row with a time of day",
            ),
            ("start,contacts\n", "no rows"),
        ];
        for (i, (text, want)) in cases.iter().enumerate() {
            let p = write(&format!("e{i}.csv"), text);
            let (msg, _) = read_arrivals(&p, START).unwrap_err();
            assert!(msg.contains(&format!("e{i}.csv")), "{msg}");
            assert!(msg.contains(want), "case {i}: {msg}");
        }
        let (msg, hint) = read_arrivals(Path::new("/nonexistent/x.csv"), START).unwrap_err();
        assert!(msg.contains("cannot read /nonexistent/x.csv"), "{msg}");
        assert!(hint.unwrap().contains("relative to the scenario file"));
    }

    fn profile(rows: usize, f: impl Fn(usize) -> String) -> String {
        let mut s = String::from("time,mon,tue,wed,thu,fri,sat,sun\n");
        let slot = 1440 / rows;
        for i in 0..rows {
            let m = i * slot;
            s.push_str(&format!("{:02}:{:02},{}\n", m / 60, m % 60, f(i)));
        }
        s
    }

    #[test]
    fn intraday_profiles_are_read_and_checked() {
        let p = write("p.csv", &profile(48, |i| format!("{i},1,1,1,1,0,0")));
        let t = read_intraday(&p).unwrap();
        assert_eq!(t.slot_s, 1800.0);
        assert_eq!(t.weights[0][3], 3.0);
        assert_eq!(t.weights[6][3], 0.0);
        let p = write("q.csv", &profile(96, |_| "1,1,1,1,1,1,1".into()));
        assert_eq!(read_intraday(&p).unwrap().slot_s, 900.0);
        let p = write("r.csv", &profile(24, |_| "1,1,1,1,1,1,1".into()));
        assert!(read_intraday(&p).unwrap_err().0.contains("24 rows"));
        let p = write("s.csv", &profile(48, |_| "1,1,1,-1,1,1,1".into()));
        assert!(
            read_intraday(&p)
                .unwrap_err()
                .0
                .contains("s.csv:2: weight -1 (thu)")
        );
        let text = profile(48, |_| "1,1,1,1,1,1,1".into()).replace("00:30", "00:45");
        let p = write("t.csv", &text);
        let msg = read_intraday(&p).unwrap_err().0;
        assert!(msg.contains("t.csv:3: row 2 must start at 00:30"), "{msg}");
        let p = write("u.csv", "time,mon\n");
        assert!(
            read_intraday(&p)
                .unwrap_err()
                .0
                .contains("u.csv:1: the header")
        );
    }
}
