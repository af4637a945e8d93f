//! The CSV outputs: `summary.csv` (one row per KPI), `replications.csv` (one
//! row per replication), `intervals.csv` (one row per reporting interval and
//! channel or pool, with mean and percentiles across replications) and
//! `days.csv` and `weeks.csv` (the same per day and per week).

use crate::kpi::{
    ACTION_KPIS, CHANNEL_KPIS, INTERVAL_METRICS, POOL_INTERVAL_METRICS, POOL_KPIS, TOPIC_KPIS,
    TOTAL_KPIS, series_width,
};
use crate::model::Model;
use crate::runner::RunResult;

use super::num;

/// Leading columns, `scope` and `name`, then
/// `METRIC_mean,METRIC_ci95,METRIC_p5,METRIC_p50,METRIC_p95` for each channel metric and
/// each pool metric (a channel row leaves the pool columns empty, and the
/// other way round).
fn series_header(leading: &[&str], cols: &[&str]) -> Vec<String> {
    let mut header: Vec<String> = leading.iter().map(|s| s.to_string()).collect();
    header.push("scope".into());
    header.push("name".into());
    for d in INTERVAL_METRICS.iter().chain(POOL_INTERVAL_METRICS) {
        for s in cols {
            header.push(format!("{}_{s}", d.key));
        }
    }
    header
}

/// The statistics of intervals.csv, days.csv and weeks.csv: the mean with
/// its 95 % half-width across replications, and the band.
const BAND_CI: &[&str] = &["mean", "ci95", "p5", "p50", "p95"];

/// Appends the statistics `cols` of one row's metrics.
fn push_stats(row: &mut Vec<String>, stats: &[crate::stats::Stat], cols: &[&str]) {
    for s in stats {
        for &c in cols {
            row.push(num(match c {
                "mean" => s.mean,
                "ci95" => s.ci95,
                "p5" => s.p5,
                "p50" => s.p50,
                _ => s.p95,
            }));
        }
    }
}

fn push_empty(row: &mut Vec<String>, n: usize, cols: &[&str]) {
    row.extend(std::iter::repeat_n(String::new(), cols.len() * n));
}

/// Rows of one interval (or day) for every channel, then every pool, from
/// `stats` laid out like [`crate::kpi::RepRecord::series`].
fn series_rows(
    w: &mut csv::Writer<Vec<u8>>,
    model: &Model,
    leading: &[String],
    stats: &[crate::stats::Stat],
    cols: &[&str],
) -> Result<(), std::io::Error> {
    let nm = INTERVAL_METRICS.len();
    let npm = POOL_INTERVAL_METRICS.len();
    let nc = model.channels.len();
    for (c, ch) in model.channels.iter().enumerate() {
        let mut row = leading.to_vec();
        row.extend(["channel".to_string(), ch.name.clone()]);
        push_stats(&mut row, &stats[c * nm..(c + 1) * nm], cols);
        push_empty(&mut row, npm, cols);
        w.write_record(&row)?;
    }
    for (p, pool) in model.pools.iter().enumerate() {
        let mut row = leading.to_vec();
        row.extend(["pool".to_string(), pool.name.clone()]);
        push_empty(&mut row, nm, cols);
        let at = nc * nm + p * npm;
        push_stats(&mut row, &stats[at..at + npm], cols);
        w.write_record(&row)?;
    }
    Ok(())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, std::io::Error> {
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// `summary.csv`: scope, name, kpi, unit, mean, ci95_halfwidth, p5, p50, p95,
/// replications_defined.
pub fn summary(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scope",
        "name",
        "kpi",
        "unit",
        "mean",
        "ci95_halfwidth",
        "p5",
        "p50",
        "p95",
        "replications_defined",
    ])?;
    let groups = model
        .channels
        .iter()
        .zip(&result.summary.channel_kpis)
        .map(|(c, s)| ("channel", c.name.as_str(), CHANNEL_KPIS, s))
        .chain(
            model
                .topics
                .iter()
                .zip(&result.summary.topic_kpis)
                .map(|(t, s)| ("topic", t.as_str(), TOPIC_KPIS, s)),
        )
        .chain(
            model
                .actions
                .iter()
                .zip(&result.summary.action_kpis)
                .map(|(a, s)| ("action", a.id.as_str(), ACTION_KPIS, s)),
        )
        .chain(std::iter::once((
            "total",
            "all pools",
            TOTAL_KPIS,
            &result.summary.total_kpis,
        )))
        .chain(
            model
                .pools
                .iter()
                .zip(&result.summary.pool_kpis)
                .map(|(p, s)| ("pool", p.name.as_str(), POOL_KPIS, s)),
        );
    for (scope, name, defs, stats) in groups {
        for (d, s) in defs.iter().zip(stats) {
            w.write_record([
                scope,
                name,
                d.key,
                d.unit,
                &num(s.mean),
                &num(s.ci95),
                &num(s.p5),
                &num(s.p50),
                &num(s.p95),
                &s.n.to_string(),
            ])?;
        }
    }
    finish(w)
}

/// `replications.csv`: one row per replication, one column per channel KPI
/// (`channel.kpi`) and pool KPI (`pool.kpi`).
pub fn replications(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["replication".to_string()];
    for c in &model.channels {
        header.extend(CHANNEL_KPIS.iter().map(|d| format!("{}.{}", c.name, d.key)));
    }
    for t in &model.topics {
        header.extend(TOPIC_KPIS.iter().map(|d| format!("topic.{t}.{}", d.key)));
    }
    for p in &model.pools {
        header.extend(POOL_KPIS.iter().map(|d| format!("{}.{}", p.name, d.key)));
    }
    header.extend(TOTAL_KPIS.iter().map(|d| format!("total.{}", d.key)));
    w.write_record(&header)?;
    for r in &result.records {
        let mut row = vec![r.replication.to_string()];
        for values in r
            .channel_kpis
            .iter()
            .chain(&r.topic_kpis)
            .chain(&r.pool_kpis)
        {
            row.extend(values.iter().map(|&v| num(v)));
        }
        row.extend(r.total_kpis.iter().map(|&v| num(v)));
        w.write_record(&row)?;
    }
    finish(w)
}

/// `intervals.csv`: per interval, one row per channel and one per pool,
/// each metric's mean with its 95 % half-width, P5, P50 and P95 across
/// replications.
pub fn intervals(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    use rayon::prelude::*;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(series_header(
        &["interval_start", "interval_end", "in_warmup"],
        BAND_CI,
    ))?;
    let mut bytes = finish(w)?;
    let width = series_width(model);
    // The rows of a block of intervals are formatted on their own (in
    // parallel) and joined in order: the same bytes as one writer gives.
    const BLOCK: usize = 256;
    let blocks: Vec<Vec<u8>> = (0..model.n_intervals.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut w = csv::Writer::from_writer(Vec::new());
            for i in b * BLOCK..((b + 1) * BLOCK).min(model.n_intervals) {
                let start = model.interval_start(i);
                let end = start + model.interval_len(i);
                let warm = if start < model.warmup_s {
                    "true"
                } else {
                    "false"
                };
                let leading = [
                    model.datetime_at(start).to_string(),
                    model.datetime_at(end).to_string(),
                    warm.to_string(),
                ];
                series_rows(
                    &mut w,
                    model,
                    &leading,
                    &result.summary.intervals[i * width..(i + 1) * width],
                    BAND_CI,
                )?;
            }
            finish(w)
        })
        .collect::<Result<_, _>>()?;
    for b in blocks {
        bytes.extend_from_slice(&b);
    }
    Ok(bytes)
}

/// `days.csv`: per day, one row per channel and one per pool, each metric
/// over the whole day (mean with its 95 % half-width, P5, P50, P95 across
/// replications); backlog
/// snapshots are those at the end of the day. Header only when the
/// reporting interval is longer than a day.
pub fn days(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(series_header(&["date", "weekday"], BAND_CI))?;
    let width = series_width(model);
    if !result.summary.days.is_empty() {
        for day in 0..model.days as usize {
            let date = model.datetime_at(day as f64 * crate::model::DAY_S).date();
            let leading = [date.to_string(), format!("{:?}", date.weekday())];
            series_rows(
                &mut w,
                model,
                &leading,
                &result.summary.days[day * width..(day + 1) * width],
                BAND_CI,
            )?;
        }
    }
    finish(w)
}

/// `weeks.csv`: per week (7 days from the start; the last may be shorter),
/// one row per channel and one per pool, each metric over the whole week
/// (mean with its 95 % half-width, P5, P50, P95 across replications);
/// backlog snapshots are those at the end of the week. Counts add up to
/// the run's totals. Header only when the reporting interval is longer than
/// a day.
pub fn weeks(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(series_header(&["week_start", "week_end", "days"], BAND_CI))?;
    let width = series_width(model);
    if !result.summary.weeks.is_empty() {
        for (week, stats) in result.summary.weeks.chunks_exact(width).enumerate() {
            let first = week * 7;
            let last = (first + 6).min(model.days as usize - 1);
            let date = |d: usize| model.datetime_at(d as f64 * crate::model::DAY_S).date();
            let leading = [
                date(first).to_string(),
                date(last).to_string(),
                (last + 1 - first).to_string(),
            ];
            series_rows(&mut w, model, &leading, stats, BAND_CI)?;
        }
    }
    finish(w)
}

/// The main daily metrics of `replications_days.csv`: channel ones, then
/// pool ones.
pub const REPLICATION_DAY_METRICS: [&[&str]; 2] = [
    &[
        "offered_contacts",
        "answered_by_arrival_contacts",
        "abandoned_by_arrival_contacts",
        "blocked_contacts",
        "turned_away_contacts",
        "handled_by_event_contacts",
        "service_level",
        "asa_s",
        "backlog_end_contacts",
        "oldest_age_end_s",
    ],
    &[
        "pool_on_duty_rostered_agents",
        "pool_occupancy",
        "pool_handled_contacts",
        "pool_cost",
    ],
];

/// The header line of `replications_days.csv`.
pub fn replication_days_header() -> Vec<u8> {
    let mut cols = vec!["replication", "date", "scope", "name"];
    cols.extend(REPLICATION_DAY_METRICS[0]);
    cols.extend(REPLICATION_DAY_METRICS[1]);
    let mut s = cols.join(",");
    s.push('\n');
    s.into_bytes()
}

/// The `replications_days.csv` rows of one replication: per day, one row per
/// channel (its metrics, the pool columns empty) and one per pool.
pub fn replication_days_rows(model: &Model, r: &crate::kpi::RepRecord) -> std::io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let width = series_width(model);
    let nm = INTERVAL_METRICS.len();
    let npm = POOL_INTERVAL_METRICS.len();
    let nc = model.channels.len();
    let idx = |defs: &[crate::kpi::KpiDef], keys: &[&str]| -> Vec<usize> {
        keys.iter()
            .map(|k| crate::kpi::index_of(defs, k).expect("a series metric"))
            .collect()
    };
    let ci = idx(INTERVAL_METRICS, REPLICATION_DAY_METRICS[0]);
    let pi = idx(POOL_INTERVAL_METRICS, REPLICATION_DAY_METRICS[1]);
    let days = r.day_series.len() / width.max(1);
    for day in 0..days {
        let date = model
            .datetime_at(day as f64 * crate::model::DAY_S)
            .date()
            .to_string();
        let at = day * width;
        for (c, ch) in model.channels.iter().enumerate() {
            let mut row = vec![
                r.replication.to_string(),
                date.clone(),
                "channel".into(),
                ch.name.clone(),
            ];
            row.extend(
                ci.iter()
                    .map(|&k| num(f64::from(r.day_series[at + c * nm + k]))),
            );
            row.extend(std::iter::repeat_n(String::new(), pi.len()));
            w.write_record(&row)?;
        }
        for (p, pool) in model.pools.iter().enumerate() {
            let mut row = vec![
                r.replication.to_string(),
                date.clone(),
                "pool".into(),
                pool.name.clone(),
            ];
            row.extend(std::iter::repeat_n(String::new(), ci.len()));
            row.extend(
                pi.iter()
                    .map(|&k| num(f64::from(r.day_series[at + nc * nm + p * npm + k]))),
            );
            w.write_record(&row)?;
        }
    }
    finish(w)
}

/// The statistics of the long tables: every one [`crate::stats::Stat`] has.
pub const LONG_STATS: &[&str] = &["mean", "ci95", "p5", "p25", "p50", "p75", "p95"];

/// The long (tidy) rows of one day or week: one row per channel or pool and
/// metric, with `leading` first; only the metrics of the row's scope.
fn long_rows(
    w: &mut csv::Writer<Vec<u8>>,
    model: &Model,
    leading: &[String],
    stats: &[crate::stats::Stat],
) -> Result<(), std::io::Error> {
    let nm = INTERVAL_METRICS.len();
    let npm = POOL_INTERVAL_METRICS.len();
    let nc = model.channels.len();
    let mut row = |scope: &str, name: &str, d: &crate::kpi::KpiDef, s: &crate::stats::Stat| {
        let mut r = leading.to_vec();
        r.extend([
            scope.to_string(),
            name.to_string(),
            d.key.to_string(),
            d.unit.to_string(),
        ]);
        r.extend([s.mean, s.ci95, s.p5, s.p25, s.p50, s.p75, s.p95].map(num));
        r.push(s.n.to_string());
        w.write_record(&r)
    };
    for (c, ch) in model.channels.iter().enumerate() {
        for (k, d) in INTERVAL_METRICS.iter().enumerate() {
            row("channel", &ch.name, d, &stats[c * nm + k])?;
        }
    }
    for (p, pool) in model.pools.iter().enumerate() {
        for (k, d) in POOL_INTERVAL_METRICS.iter().enumerate() {
            row("pool", &pool.name, d, &stats[nc * nm + p * npm + k])?;
        }
    }
    Ok(())
}

/// The header of a long table after its leading columns.
fn long_header(leading: &[&str]) -> Vec<String> {
    leading
        .iter()
        .chain(&["scope", "name", "metric", "unit"])
        .chain(LONG_STATS)
        .chain(&["replications_defined"])
        .map(|s| s.to_string())
        .collect()
}

/// `days_long.csv`: the statistics of `days.csv` in long (tidy) form: one
/// row per date, scope, name and metric, with the metric's unit, mean, 95 %
/// half-width, P5, P25, P50, P75, P95 and the replications in which it was
/// defined.
pub fn days_long(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(long_header(&["date", "weekday"]))?;
    let width = series_width(model);
    if !result.summary.days.is_empty() {
        for day in 0..model.days as usize {
            let date = model.datetime_at(day as f64 * crate::model::DAY_S).date();
            let leading = [date.to_string(), format!("{:?}", date.weekday())];
            long_rows(
                &mut w,
                model,
                &leading,
                &result.summary.days[day * width..(day + 1) * width],
            )?;
        }
    }
    finish(w)
}

/// `weeks_long.csv`: `weeks.csv` in long form, as [`days_long`].
pub fn weeks_long(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(long_header(&["week_start", "week_end", "days"]))?;
    let width = series_width(model);
    if !result.summary.weeks.is_empty() {
        for (week, stats) in result.summary.weeks.chunks_exact(width).enumerate() {
            let first = week * 7;
            let last = (first + 6).min(model.days as usize - 1);
            let date = |d: usize| model.datetime_at(d as f64 * crate::model::DAY_S).date();
            let leading = [
                date(first).to_string(),
                date(last).to_string(),
                (last + 1 - first).to_string(),
            ];
            long_rows(&mut w, model, &leading, stats)?;
        }
    }
    finish(w)
}

/// `columns.csv`: every column of every CSV file of a run, with its unit and
/// definition, generated from the same definitions as `summary.json`'s, so
/// that the data dictionary cannot drift from the data.
pub fn columns(_model: &Model, _result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["file", "column", "unit", "definition"])?;
    for (file, column, unit, doc) in data_dictionary() {
        w.write_record([file, column.as_str(), unit, doc.as_str()])?;
    }
    finish(w)
}

/// The data dictionary: `(file, column, unit, definition)`.
pub fn data_dictionary() -> Vec<(&'static str, String, &'static str, String)> {
    let mut v: Vec<(&'static str, String, &'static str, String)> = Vec::new();
    for (c, u, d) in [
        (
            "scope",
            "",
            "`channel`, `topic`, `pool`, `action` or `total`",
        ),
        (
            "name",
            "",
            "the channel's, topic's, pool's or action's id (`all pools` for totals)",
        ),
        (
            "kpi",
            "",
            "the KPI's name; its definition is in summary.json's `definitions` and in the README's KPI tables",
        ),
        ("unit", "", "the KPI's unit"),
        ("mean", "the KPI's unit", "mean across replications"),
        (
            "ci95_halfwidth",
            "the KPI's unit",
            "half-width of the 95 % confidence interval of the mean (Student t)",
        ),
        ("p5", "the KPI's unit", "5th percentile across replications"),
        ("p50", "the KPI's unit", "median across replications"),
        (
            "p95",
            "the KPI's unit",
            "95th percentile across replications",
        ),
        (
            "replications_defined",
            "replications",
            "replications in which the KPI was defined",
        ),
    ] {
        v.push(("summary.csv", c.into(), u, d.into()));
    }
    v.push((
        "replications.csv",
        "replication".into(),
        "",
        "replication number (0 … n − 1)".into(),
    ));
    for (scope, defs) in [
        ("CHANNEL", CHANNEL_KPIS),
        ("topic.TOPIC", TOPIC_KPIS),
        ("POOL", POOL_KPIS),
    ] {
        for d in defs {
            v.push((
                "replications.csv",
                format!("{scope}.{}", d.key),
                d.unit,
                d.doc.to_string(),
            ));
        }
    }
    for d in TOTAL_KPIS {
        v.push((
            "replications.csv",
            format!("total.{}", d.key),
            d.unit,
            d.doc.to_string(),
        ));
    }
    for (c, u, d) in [
        ("replication", "", "replication number"),
        ("action", "", "the action's (or inject's) id"),
        (
            "event",
            "",
            "what happened: decided, released, inject, inject ended",
        ),
        ("decided_at", "local date-time", "when it was decided"),
        ("effective_at", "local date-time", "when it took effect"),
        (
            "decision_day",
            "days",
            "day of the decision (0 = the first day)",
        ),
        (
            "trigger_value",
            "the trigger's unit",
            "the measured value that fired a trigger (empty for a date)",
        ),
        ("effect", "", "what it does, in words"),
    ] {
        v.push(("actions.csv", c.into(), u, d.into()));
    }
    for (c, u, d) in [
        ("replication", "", "replication number (0 … n − 1)"),
        ("date", "date", "the day"),
        (
            "scope",
            "",
            "`channel` or `pool`: which columns the row has",
        ),
        ("name", "", "the channel's or pool's id"),
    ] {
        v.push(("replications_days.csv", c.into(), u, d.into()));
    }
    for (defs, keys) in [
        (INTERVAL_METRICS, REPLICATION_DAY_METRICS[0]),
        (POOL_INTERVAL_METRICS, REPLICATION_DAY_METRICS[1]),
    ] {
        for k in keys {
            if let Some(d) = defs.iter().find(|d| d.key == *k) {
                v.push((
                    "replications_days.csv",
                    d.key.to_string(),
                    d.unit,
                    format!("this replication's value over the day: {}", d.doc),
                ));
            }
        }
    }
    let stat_words = |s: &str| -> &'static str {
        match s {
            "mean" => "mean across replications",
            "ci95" => "half-width of the 95 % confidence interval of the mean (Student t)",
            "p5" => "5th percentile across replications",
            "p25" => "25th percentile across replications",
            "p50" => "median across replications",
            "p75" => "75th percentile across replications",
            _ => "95th percentile across replications",
        }
    };
    for (file, leading) in [
        (
            "intervals.csv",
            &[
                (
                    "interval_start",
                    "local date-time",
                    "start of the reporting interval",
                ),
                ("interval_end", "local date-time", "its end"),
                (
                    "in_warmup",
                    "true/false",
                    "whether it starts in the warm-up",
                ),
            ][..],
        ),
        (
            "days.csv",
            &[
                ("date", "date", "the day"),
                ("weekday", "name", "its weekday"),
            ][..],
        ),
        (
            "weeks.csv",
            &[
                (
                    "week_start",
                    "date",
                    "first day of the week (7 days from the start)",
                ),
                (
                    "week_end",
                    "date",
                    "its last day (the last week may be shorter)",
                ),
                ("days", "days", "days in the week"),
            ][..],
        ),
    ] {
        for (c, u, d) in leading {
            v.push((file, c.to_string(), *u, d.to_string()));
        }
        v.push((
            file,
            "scope".into(),
            "",
            "`channel` or `pool`: which metrics the row has (the other scope's columns are empty)"
                .into(),
        ));
        v.push((file, "name".into(), "", "the channel's or pool's id".into()));
        for d in INTERVAL_METRICS.iter().chain(POOL_INTERVAL_METRICS) {
            for s in BAND_CI {
                v.push((
                    file,
                    format!("{}_{s}", d.key),
                    d.unit,
                    format!("{}: {}", stat_words(s), d.doc),
                ));
            }
        }
        let long = match file {
            "intervals.csv" => continue,
            "days.csv" => "days_long.csv",
            _ => "weeks_long.csv",
        };
        for (c, u, d) in leading {
            v.push((long, c.to_string(), *u, d.to_string()));
        }
        v.push((long, "scope".into(), "", "`channel` or `pool`".into()));
        v.push((long, "name".into(), "", "the channel's or pool's id".into()));
        v.push((
            long,
            "metric".into(),
            "",
            "the metric's name: see the rows of days.csv, whose column is METRIC_STATISTIC".into(),
        ));
        v.push((long, "unit".into(), "", "the metric's unit".into()));
        for s in LONG_STATS {
            v.push((
                long,
                s.to_string(),
                "the metric's unit",
                stat_words(s).to_string(),
            ));
        }
        v.push((long, "replications_defined".into(), "replications", "replications in which the metric was defined (a service level of an interval without contacts is not)".into()));
    }
    v
}

/// `actions.csv`: one row per decision in each replication: replication,
/// action, event (`decided` or `released`), decided_at, effective_at,
/// decision_day, trigger_value (empty for a date), effect.
pub fn actions(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "replication",
        "action",
        "event",
        "decided_at",
        "effective_at",
        "decision_day",
        "trigger_value",
        "effect",
    ])?;
    for r in &result.records {
        for f in &r.firings {
            let a = &model.actions[f.action];
            w.write_record([
                r.replication.to_string(),
                a.id.clone(),
                match (a.inject.is_some(), f.release) {
                    (false, false) => "decided",
                    (false, true) => "released",
                    (true, false) => "inject",
                    (true, true) => "inject ended",
                }
                .to_string(),
                model.datetime_at(f.decided_s).to_string(),
                model.datetime_at(f.effect_s).to_string(),
                (f.decided_s / crate::model::DAY_S).floor().to_string(),
                num(f.value),
                a.describe(model),
            ])?;
        }
    }
    finish(w)
}
