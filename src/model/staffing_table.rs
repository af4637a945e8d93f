//! Staffing tables: the agents of a pool on duty, read from a CSV file
//! instead of headcount × hours. Two layouts:
//!
//! - **dated**: `start,agents`, one row per step (a constant step from
//!   5 minutes to a day), `start` a date-time (`2022-03-07T08:00`,
//!   `2022-03-07 08:00`, seconds allowed) or a date (a daily step). The rows
//!   must cover the horizon; rows outside it are ignored. This is what
//!   `surgesim staff` writes.
//! - **weekly**: `time,mon,tue,wed,thu,fri,sat,sun`, one row per step of
//!   the day from `00:00` (a constant step that divides the day: 15 or 30
//!   minutes, an hour), repeated every week; public holidays (the
//!   calendar's closed days) have nobody on duty.
//!
//! The result is the pool's staffing as change points: `(t, agents)` from
//! `t` seconds after the start, the first at 0, consecutive values
//! different.

use std::path::Path;

use super::DAY_S;

/// A problem: the message (with file and line) and a hint.
pub type TableProblem = (String, Option<String>);

/// The most agents a table may put on duty at once.
const MAX_AGENTS: u32 = 1_000_000;

/// Parses a table's date-time, as arrival tables do
/// ([`super::table::parse_date_time`]).
pub fn parse_datetime(text: &str) -> Option<jiff::civil::DateTime> {
    super::table::parse_date_time(text).map(|(dt, _)| dt)
}

/// Seconds from the start of `start` (midnight) to `dt`.
fn seconds_from(start: jiff::civil::Date, dt: jiff::civil::DateTime) -> f64 {
    let origin = start.to_datetime(jiff::civil::Time::midnight());
    dt.duration_since(origin).as_secs_f64()
}

fn agents_of(text: &str) -> Result<u32, String> {
    let v: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of agents"))?;
    if !(v >= 0.0 && v.is_finite() && v == v.trunc()) {
        return Err(format!("{text} agents: must be a whole number, 0 or more"));
    }
    if v > f64::from(MAX_AGENTS) {
        return Err(format!("{text} agents: must be at most {MAX_AGENTS}"));
    }
    Ok(v as u32)
}

/// Reads a staffing table for a horizon of `days` days from `start`, whose
/// first day is weekday `first_weekday` (0 = Monday); `closed_days` are the
/// calendar's public holidays (days from the start).
pub fn read(
    path: &Path,
    start: jiff::civil::Date,
    days: u32,
    first_weekday: usize,
    closed_days: &[u32],
) -> Result<Vec<(f64, u32)>, TableProblem> {
    let text = crate::scenario::read_text(path, crate::scenario::MAX_TABLE_BYTES)
        .map_err(|(e, _)| (e, Some("the path is relative to the scenario file".into())))?;
    parse(
        &text,
        &path.display().to_string(),
        start,
        days,
        first_weekday,
        closed_days,
    )
}

/// [`read`] on the text of a file called `name`.
pub fn parse(
    text: &str,
    name: &str,
    start: jiff::civil::Date,
    days: u32,
    first_weekday: usize,
    closed_days: &[u32],
) -> Result<Vec<(f64, u32)>, TableProblem> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| (format!("{name}: {e}"), None))?
        .clone();
    let col = |h: &str| headers.iter().position(|x| x.eq_ignore_ascii_case(h));
    let horizon_s = f64::from(days) * DAY_S;
    let steps = if let (Some(sc), Some(ac)) = (col("start"), col("agents")) {
        dated(&mut rdr, name, sc, ac, start, horizon_s)?
    } else if let Some(tc) = col("time") {
        const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let mut cols = [0usize; 7];
        for (i, d) in DAYS.iter().enumerate() {
            cols[i] = col(d).ok_or_else(|| {
                (
                    format!("{name}: a weekly staffing table needs a column `{d}`"),
                    Some("header `time,mon,tue,wed,thu,fri,sat,sun`".into()),
                )
            })?;
        }
        weekly(&mut rdr, name, tc, cols, days, first_weekday, closed_days)?
    } else {
        return Err((
            format!(
                "{name}: the header must name the columns `start` and `agents` (dated) or `time,mon,tue,wed,thu,fri,sat,sun` (weekly)"
            ),
            Some("e.g. a first line `start,agents`, then rows like `2022-03-07T08:00,12`".into()),
        ));
    };
    let mut out: Vec<(f64, u32)> = Vec::with_capacity(steps.len());
    for (t, a) in steps {
        if t >= horizon_s {
            break;
        }
        match out.last() {
            Some(&(_, last)) if last == a => {}
            _ => out.push((t, a)),
        }
    }
    Ok(out)
}

fn dated(
    rdr: &mut csv::Reader<&[u8]>,
    name: &str,
    sc: usize,
    ac: usize,
    start: jiff::civil::Date,
    horizon_s: f64,
) -> Result<Vec<(f64, u32)>, TableProblem> {
    // (seconds from the start, agents, line)
    let mut rows: Vec<(f64, u32, u64)> = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(|e| (format!("{name}: {e}"), None))?;
        let line = row.position().map_or(0, |p| p.line());
        let bad = |what: String| (format!("{name}:{line}: {what}"), None);
        let t_text = row.get(sc).unwrap_or_default();
        let dt = parse_datetime(t_text).ok_or_else(|| {
            (
                format!("{name}:{line}: `{t_text}` is not a date-time"),
                Some("write `2022-03-07T08:00`, `2022-03-07 08:00` or a date `2022-03-07`".into()),
            )
        })?;
        let agents = agents_of(row.get(ac).unwrap_or_default()).map_err(bad)?;
        rows.push((seconds_from(start, dt), agents, line));
    }
    let (Some(first), Some(last)) = (rows.first().copied(), rows.last().copied()) else {
        return Err((format!("{name}: the table has no rows"), None));
    };
    let step = if rows.len() >= 2 {
        rows[1].0 - rows[0].0
    } else {
        DAY_S
    };
    if !(300.0..=DAY_S).contains(&step) {
        return Err((
            format!(
                "{name}:{}: the step from line {} is {}; it must be from 5 minutes to a day",
                rows[1].2,
                rows[0].2,
                crate::units::Duration::from_secs(step)
            ),
            None,
        ));
    }
    for w in rows.windows(2) {
        let d = w[1].0 - w[0].0;
        if (d - step).abs() > 0.5 {
            return Err((
                format!(
                    "{name}:{}: this row starts {} after line {}, but the table's step is {} (lines {} and {}); rows must be sorted, one per step",
                    w[1].2,
                    crate::units::Duration::from_secs(d),
                    w[0].2,
                    crate::units::Duration::from_secs(step),
                    rows[0].2,
                    rows[1].2
                ),
                None,
            ));
        }
    }
    if first.0 > 0.0 {
        return Err((
            format!(
                "{name}:{}: the table starts after the horizon does; it must cover the whole horizon",
                first.2
            ),
            Some("add rows from the scenario's start (0 agents when nobody is on duty)".into()),
        ));
    }
    if last.0 + step < horizon_s - 0.5 {
        return Err((
            format!(
                "{name}:{}: the table ends before the horizon does; it must cover the whole horizon",
                last.2
            ),
            Some("add rows up to the scenario's last day (0 agents when nobody is on duty)".into()),
        ));
    }
    // The step holding at the start, then the later ones.
    let from = rows.partition_point(|r| r.0 <= 0.0).saturating_sub(1);
    Ok(rows[from..]
        .iter()
        .map(|&(t, a, _)| (t.max(0.0), a))
        .collect())
}

fn weekly(
    rdr: &mut csv::Reader<&[u8]>,
    name: &str,
    tc: usize,
    cols: [usize; 7],
    days: u32,
    first_weekday: usize,
    closed_days: &[u32],
) -> Result<Vec<(f64, u32)>, TableProblem> {
    // (second of the day, agents per weekday, line)
    let mut rows: Vec<(f64, [u32; 7], u64)> = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(|e| (format!("{name}: {e}"), None))?;
        let line = row.position().map_or(0, |p| p.line());
        let bad = |what: String| (format!("{name}:{line}: {what}"), None);
        let t_text = row.get(tc).unwrap_or_default();
        let tod = crate::units::parse_time_of_day(t_text).map_err(|_| {
            (
                format!("{name}:{line}: `{t_text}` is not a time of day"),
                Some("write `08:00`, `08:15`, …".into()),
            )
        })?;
        let mut agents = [0u32; 7];
        for (i, &c) in cols.iter().enumerate() {
            agents[i] = agents_of(row.get(c).unwrap_or_default()).map_err(bad)?;
        }
        rows.push((tod, agents, line));
    }
    if rows.is_empty() {
        return Err((format!("{name}: the table has no rows"), None));
    }
    if rows[0].0 != 0.0 {
        return Err((
            format!("{name}:{}: the first row must be at 00:00", rows[0].2),
            None,
        ));
    }
    let step = if rows.len() >= 2 {
        rows[1].0 - rows[0].0
    } else {
        DAY_S
    };
    let n = (DAY_S / step).round();
    if step < 300.0 || (n * step - DAY_S).abs() > 0.5 {
        return Err((
            format!(
                "{name}:{}: a step of {} does not divide the day into steps of 5 minutes or more",
                rows.get(1).map_or(rows[0].2, |r| r.2),
                crate::units::Duration::from_secs(step)
            ),
            Some("use a step of 15 or 30 minutes, or an hour".into()),
        ));
    }
    for (i, r) in rows.iter().enumerate() {
        if (r.0 - i as f64 * step).abs() > 0.5 {
            return Err((
                format!(
                    "{name}:{}: expected {} here (one row per {} from 00:00, sorted)",
                    r.2,
                    clock(i as f64 * step),
                    crate::units::Duration::from_secs(step)
                ),
                None,
            ));
        }
    }
    if rows.len() as f64 != n {
        return Err((
            format!(
                "{name}: the table has {} rows; a day at a step of {} needs {n}",
                rows.len(),
                crate::units::Duration::from_secs(step)
            ),
            None,
        ));
    }
    let mut out = Vec::with_capacity(days as usize * rows.len());
    for day in 0..days {
        let wd = (first_weekday + day as usize) % 7;
        let closed = closed_days.contains(&day);
        for r in &rows {
            let a = if closed { 0 } else { r.1[wd] };
            out.push((f64::from(day) * DAY_S + r.0, a));
        }
    }
    Ok(out)
}

fn clock(s: f64) -> String {
    let m = (s / 60.0).round() as u32;
    format!("{:02}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: jiff::civil::Date = jiff::civil::date(2022, 3, 7); // a Monday

    fn dated_ok(text: &str, days: u32) -> Vec<(f64, u32)> {
        parse(text, "t.csv", START, days, 0, &[]).unwrap()
    }

    fn err(text: &str, days: u32) -> String {
        parse(text, "t.csv", START, days, 0, &[]).unwrap_err().0
    }

    #[test]
    fn dated_table_gives_change_points() {
        let v = dated_ok(
            "start,agents\n2022-03-07T00:00,0\n2022-03-07 12:00,5\n2022-03-08,5\n2022-03-08T12:00,2\n",
            2,
        );
        assert_eq!(v, vec![(0.0, 0), (43_200.0, 5), (129_600.0, 2)]);
    }

    #[test]
    fn dated_table_before_the_start_and_after_the_end_is_cut() {
        let v = dated_ok(
            "start,agents\n2022-03-06,9\n2022-03-07,3\n2022-03-08,4\n2022-03-09,7\n",
            1,
        );
        assert_eq!(v, vec![(0.0, 3)]);
    }

    #[test]
    fn dated_table_errors_name_lines() {
        let e = err(
            "start,agents\n2022-03-07T00:00,1\n2022-03-07T01:00,1\n2022-03-07T03:00,1\n",
            1,
        );
        assert!(e.contains("t.csv:4:") && e.contains("lines 2 and 3"), "{e}");
        let e = err("start,agents\n2022-03-07T00:00,1\n2022-03-07T00:01,1\n", 1);
        assert!(e.contains("5 minutes to a day"), "{e}");
        let e = err(
            "start,agents\n2022-03-07T00:00,1.5\n2022-03-07T12:00,1\n",
            1,
        );
        assert!(e.contains("t.csv:2:") && e.contains("whole number"), "{e}");
        let e = err("start,agents\n2022-03-07T00:00,1\n2022-03-07T12:00,1\n", 2);
        assert!(e.contains("t.csv:3:") && e.contains("ends before"), "{e}");
        let e = err("start,agents\n2022-03-07T01:00,1\n2022-03-07T13:00,1\n", 1);
        assert!(e.contains("starts after"), "{e}");
        let e = err("start,agents\nyesterday,1\n", 1);
        assert!(
            e.contains("t.csv:2:") && e.contains("not a date-time"),
            "{e}"
        );
        let e = err("when,agents\n2022-03-07,1\n", 1);
        assert!(e.contains("header"), "{e}");
    }

    #[test]
    fn weekly_table_repeats_and_closes_holidays() {
        let mut text = String::from("time,mon,tue,wed,thu,fri,sat,sun\n");
        for h in 0..24 {
            let a = if (8..16).contains(&h) { 4 } else { 0 };
            text.push_str(&format!("{h:02}:00,{a},{a},{a},{a},{a},0,0\n"));
        }
        let v = parse(&text, "w.csv", START, 8, 0, &[1]).unwrap();
        assert_eq!(
            v,
            vec![
                (8.0 * 3600.0, 4),
                (16.0 * 3600.0, 0),
                // Tuesday is a holiday; Wednesday to Friday work.
                (2.0 * DAY_S + 8.0 * 3600.0, 4),
                (2.0 * DAY_S + 16.0 * 3600.0, 0),
                (3.0 * DAY_S + 8.0 * 3600.0, 4),
                (3.0 * DAY_S + 16.0 * 3600.0, 0),
                (4.0 * DAY_S + 8.0 * 3600.0, 4),
                (4.0 * DAY_S + 16.0 * 3600.0, 0),
                (7.0 * DAY_S + 8.0 * 3600.0, 4),
                (7.0 * DAY_S + 16.0 * 3600.0, 0),
            ]
            .into_iter()
            .fold(vec![(0.0, 0)], |mut acc, x| {
                acc.push(x);
                acc
            })
        );
        let e = parse(
            "time,mon,tue,wed,thu,fri,sat,sun\n00:00,1,1,1,1,1,1,1\n00:15,1,1,1,1,1,1,1\n",
            "w.csv",
            START,
            1,
            0,
            &[],
        )
        .unwrap_err()
        .0;
        assert!(e.contains("has 2 rows") && e.contains("96"), "{e}");
    }
}
