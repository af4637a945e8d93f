//! The CSV outputs: `summary.csv` (one row per KPI), `replications.csv` (one
//! row per replication) and `intervals.csv` (one row per reporting interval
//! and channel, with mean and percentiles across replications).

use crate::kpi::{CHANNEL_KPIS, INTERVAL_METRICS, POOL_KPIS};
use crate::model::Model;
use crate::runner::RunResult;

use super::num;

/// Leading columns, then `METRIC_mean,METRIC_p5,METRIC_p50,METRIC_p95` for
/// each interval metric.
fn series_header(leading: &[&str]) -> Vec<String> {
    let mut header: Vec<String> = leading.iter().map(|s| s.to_string()).collect();
    for d in INTERVAL_METRICS {
        for s in ["mean", "p5", "p50", "p95"] {
            header.push(format!("{}_{s}", d.key));
        }
    }
    header
}

/// Appends the statistics of one row's metrics (`stats` holds them in
/// [`INTERVAL_METRICS`] order).
fn push_stats(row: &mut Vec<String>, stats: &[crate::stats::Stat]) {
    for s in stats {
        row.extend([num(s.mean), num(s.p5), num(s.p50), num(s.p95)]);
    }
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
    for p in &model.pools {
        header.extend(POOL_KPIS.iter().map(|d| format!("{}.{}", p.name, d.key)));
    }
    w.write_record(&header)?;
    for r in &result.records {
        let mut row = vec![r.replication.to_string()];
        for values in r.channel_kpis.iter().chain(&r.pool_kpis) {
            row.extend(values.iter().map(|&v| num(v)));
        }
        w.write_record(&row)?;
    }
    finish(w)
}

/// `intervals.csv`: per interval and channel, each metric's mean, P5, P50
/// and P95 across replications.
pub fn intervals(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(series_header(&[
        "interval_start",
        "interval_end",
        "in_warmup",
        "channel",
    ]))?;
    let nc = model.channels.len();
    let nm = INTERVAL_METRICS.len();
    for i in 0..model.n_intervals {
        let start = model.interval_start(i);
        let end = start + model.interval_len(i);
        let start_text = model.datetime_at(start).to_string();
        let end_text = model.datetime_at(end).to_string();
        let warm = if start < model.warmup_s {
            "true"
        } else {
            "false"
        };
        for (c, ch) in model.channels.iter().enumerate() {
            let mut row = vec![
                start_text.clone(),
                end_text.clone(),
                warm.to_string(),
                ch.name.clone(),
            ];
            let at = (i * nc + c) * nm;
            push_stats(&mut row, &result.summary.intervals[at..at + nm]);
            w.write_record(&row)?;
        }
    }
    finish(w)
}

/// `days.csv`: per day and channel, each interval metric over the whole day
/// (mean, P5, P50, P95 across replications). Empty (header only) when the
/// reporting interval is longer than a day.
pub fn days(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(series_header(&["date", "weekday", "channel"]))?;
    let nc = model.channels.len();
    let nm = INTERVAL_METRICS.len();
    if !result.summary.days.is_empty() {
        for day in 0..model.days as usize {
            let date = model.datetime_at(day as f64 * crate::model::DAY_S).date();
            for (c, ch) in model.channels.iter().enumerate() {
                let mut row = vec![
                    date.to_string(),
                    format!("{:?}", date.weekday()),
                    ch.name.clone(),
                ];
                let at = (day * nc + c) * nm;
                push_stats(&mut row, &result.summary.days[at..at + nm]);
                w.write_record(&row)?;
            }
        }
    }
    finish(w)
}
