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
