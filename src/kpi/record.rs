//! What the runner keeps of one replication ([`RepRecord`]) and how it is
//! condensed from the engine's outcome: KPI values, and the interval, daily
//! and weekly series.

use crate::engine::{ChannelInterval, Counts, PoolTally, RepOutcome};
use crate::model::Model;

use super::defs::{BACKLOG_CLEAR, SERVICE_LEVEL, TARGET_MET, index_of};
use super::metrics::{INTERVAL_METRICS, series_width};
use super::values::{
    channel_values, interval_values, pool_interval_values, pool_values, threshold_days,
    topic_values, total_values,
};

/// Channel KPIs computed from the daily series (the last ones of
/// [`CHANNEL_KPIS`](super::CHANNEL_KPIS)): days below target, recovery day, worst day's wait.
fn day_kpis(model: &Model, day_series: &[f32], c: usize) -> [f64; 3] {
    let width = series_width(model);
    if day_series.is_empty() || width == 0 {
        return [f64::NAN; 3];
    }
    let nm = INTERVAL_METRICS.len();
    let sl_k = index_of(INTERVAL_METRICS, "service_level").unwrap_or(0);
    let asa_k = index_of(INTERVAL_METRICS, "asa_s").unwrap_or(0);
    let target = model.channels[c].sl_target;
    let first = (model.warmup_s / crate::model::DAY_S).ceil() as usize;
    let mut below = 0.0;
    let mut last_below: Option<usize> = None;
    let mut worst = f64::NAN;
    for (d, day) in day_series.chunks_exact(width).enumerate().skip(first) {
        let sl = f64::from(day[c * nm + sl_k]);
        if !sl.is_nan() && sl < target {
            below += 1.0;
            last_below = Some(d);
        }
        let asa = f64::from(day[c * nm + asa_k]);
        if !asa.is_nan() && (worst.is_nan() || asa > worst) {
            worst = asa;
        }
    }
    let days = day_series.len() / width;
    let recovery = match last_below {
        None => 0.0,
        Some(d) if d + 1 >= days => f64::NAN,
        Some(d) => (d + 1) as f64,
    };
    [below, recovery, worst]
}

/// What the runner keeps of one replication: KPI values and the interval
/// series (as `f32`, which is plenty for reporting and halves the memory).
#[derive(Debug, Clone, PartialEq)]
pub struct RepRecord {
    /// Replication number.
    pub replication: u64,
    /// `[channel][kpi]` in [`CHANNEL_KPIS`](super::CHANNEL_KPIS) order.
    pub channel_kpis: Vec<Vec<f64>>,
    /// `[topic][kpi]` in [`TOPIC_KPIS`](super::TOPIC_KPIS) order.
    pub topic_kpis: Vec<Vec<f64>>,
    /// `[pool][kpi]` in [`POOL_KPIS`](super::POOL_KPIS) order.
    pub pool_kpis: Vec<Vec<f64>>,
    /// In [`TOTAL_KPIS`](super::TOTAL_KPIS) order.
    pub total_kpis: Vec<f64>,
    /// Per interval, the channel metrics then the pool metrics:
    /// `[interval * width + channel * n_metrics + metric]` and
    /// `[interval * width + n_channels * n_metrics + pool * n_pool_metrics +
    /// metric]`, where `width` is [`series_width`].
    pub series: Vec<f32>,
    /// The same per day; empty when the reporting interval is longer than a
    /// day.
    pub day_series: Vec<f32>,
    /// The same per week (7 days from the start; the last week may be
    /// shorter); empty when the reporting interval is longer than a day.
    pub week_series: Vec<f32>,
    /// Contingency actions decided or undone, in time order.
    pub firings: Vec<crate::engine::Firing>,
    /// Events the engine processed.
    pub events: u64,
}

impl RepRecord {
    /// Condenses a replication's outcome.
    pub fn from_outcome(model: &Model, out: &RepOutcome) -> Self {
        let measured_s = model.horizon_s - model.warmup_s;
        let nc = model.channels.len();
        let np = model.pools.len();
        let nt = model.topics.len();
        let width = series_width(model);
        let mut series = Vec::with_capacity(model.n_intervals * width);
        for i in 0..model.n_intervals {
            let len = model.interval_len(i);
            for iv in &out.channel_intervals[i * nc..(i + 1) * nc] {
                series.extend(interval_values(iv, len).iter().map(|&v| v as f32));
            }
            for t in &out.pool_intervals[i * np..(i + 1) * np] {
                series.extend(pool_interval_values(t, len).iter().map(|&v| v as f32));
            }
        }
        let per_day = (crate::model::DAY_S / model.interval_s).round() as usize;
        let (mut day_series, mut week_series) = (Vec::new(), Vec::new());
        if model.interval_s <= crate::model::DAY_S {
            let days = model.days as usize;
            day_series.reserve(days * width);
            for day in 0..days {
                let range = day * per_day..((day + 1) * per_day).min(model.n_intervals);
                aggregate(model, out, range, &mut day_series);
            }
            for week in 0..days.div_ceil(7) {
                let range = week * 7 * per_day..((week + 1) * 7 * per_day).min(model.n_intervals);
                aggregate(model, out, range, &mut week_series);
            }
        }
        let topic_kpis = (0..nt)
            .map(|t| {
                let mut k = Counts::default();
                for c in 0..nc {
                    k.add(&out.topic_counts[c * nt + t]);
                }
                topic_values(&k)
            })
            .collect();
        let channel_kpis = out
            .channels
            .iter()
            .enumerate()
            .map(|(c, t)| {
                let mut v = channel_values(t, measured_s);
                let clear = backlog_clear_days(model, out, c);
                v[BACKLOG_CLEAR] = clear;
                let sl = v[SERVICE_LEVEL];
                v[TARGET_MET] = if sl.is_nan() {
                    f64::NAN
                } else {
                    let ch = &model.channels[c];
                    let met = sl >= ch.sl_target && clear <= threshold_days(model, c);
                    if met { 1.0 } else { 0.0 }
                };
                v.extend(day_kpis(model, &day_series, c));
                v
            })
            .collect();
        RepRecord {
            replication: out.replication,
            day_series,
            week_series,
            channel_kpis,
            topic_kpis,
            pool_kpis: out
                .pools
                .iter()
                .map(|t| pool_values(t, measured_s))
                .collect(),
            total_kpis: total_values(model, &out.pools, &out.channels),
            series,
            firings: out.firings.clone(),
            events: out.events,
        }
    }
}

/// Sums the intervals `range` of a replication into one row of channel then
/// pool values (a day, a week), appended to `series`. Counts and time
/// integrals add up; the backlog snapshots are those of the last interval.
fn aggregate(
    model: &Model,
    out: &RepOutcome,
    range: std::ops::Range<usize>,
    series: &mut Vec<f32>,
) {
    let nc = model.channels.len();
    let np = model.pools.len();
    let len_s: f64 = range.clone().map(|i| model.interval_len(i)).sum();
    for c in 0..nc {
        let mut sum = ChannelInterval::default();
        for i in range.clone() {
            let iv = &out.channel_intervals[i * nc + c];
            sum.counts.add(&iv.counts);
            sum.queue_area += iv.queue_area;
            sum.busy_area += iv.busy_area;
            sum.on_duty_area += iv.on_duty_area;
        }
        if let Some(last) = range.clone().last() {
            let iv = &out.channel_intervals[last * nc + c];
            sum.backlog_end = iv.backlog_end;
            sum.callbacks_owed_end = iv.callbacks_owed_end;
            sum.oldest_age_end_s = iv.oldest_age_end_s;
            sum.in_service_end = iv.in_service_end;
        }
        series.extend(interval_values(&sum, len_s).iter().map(|&v| v as f32));
    }
    for p in 0..np {
        let mut sum = PoolTally::default();
        for i in range.clone() {
            let t = &out.pool_intervals[i * np + p];
            sum.on_duty_area += t.on_duty_area;
            sum.rostered_s += t.rostered_s;
            sum.busy_area += t.busy_area;
            sum.handled += t.handled;
            sum.own_area += t.own_area;
            sum.redeployed_area += t.redeployed_area;
            sum.training_area += t.training_area;
            sum.hired_area += t.hired_area;
            sum.cost += t.cost;
        }
        series.extend(pool_interval_values(&sum, len_s).iter().map(|&v| v as f32));
    }
}

/// Days the backlog left at the end of channel `c` would take to clear at
/// its throughput (services started) over the last four weeks of the
/// measured period (or all of it, if shorter).
fn backlog_clear_days(model: &Model, out: &RepOutcome, c: usize) -> f64 {
    let nc = model.channels.len();
    let n = model.n_intervals;
    let Some(last) = out.channel_intervals.get((n - 1) * nc + c) else {
        return f64::NAN;
    };
    let backlog = last.backlog_end + last.callbacks_owed_end;
    if backlog == 0.0 {
        return 0.0;
    }
    let from_s = (model.horizon_s - 28.0 * crate::model::DAY_S).max(model.warmup_s);
    let (mut handled, mut span_s) = (0.0, 0.0);
    for i in 0..n {
        let start = i as f64 * model.interval_s;
        if start >= from_s {
            handled += out.channel_intervals[i * nc + c].counts.handled_event;
            span_s += model.interval_len(i);
        }
    }
    if handled <= 0.0 || span_s <= 0.0 {
        return f64::NAN;
    }
    backlog / (handled / (span_s / crate::model::DAY_S))
}
