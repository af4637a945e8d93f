//! Key performance indicators: their names, units and exact definitions, and
//! their computation from one replication's tallies. The definitions here are
//! the ones printed in the README and in `summary.json`.

use crate::engine::{ChannelInterval, ChannelTotals, PoolTally, RepOutcome};
use crate::model::Model;

/// A KPI's name (with its unit), unit and definition.
#[derive(Debug, Clone, Copy)]
pub struct KpiDef {
    /// Column / key name; the suffix says the unit.
    pub key: &'static str,
    /// Unit in words.
    pub unit: &'static str,
    /// Exact definition.
    pub doc: &'static str,
}

const fn def(key: &'static str, unit: &'static str, doc: &'static str) -> KpiDef {
    KpiDef { key, unit, doc }
}

/// Channel KPIs over the measured period (attempts arriving after warm-up).
pub const CHANNEL_KPIS: &[KpiDef] = &[
    def(
        "first_attempts",
        "contacts",
        "new callers: first attempts, whether the channel was open or not",
    ),
    def(
        "offered_contacts",
        "contacts",
        "attempts (first calls and redials) that reached the channel while it was open",
    ),
    def(
        "answered_contacts",
        "contacts",
        "offered attempts that reached an agent",
    ),
    def(
        "abandoned_contacts",
        "contacts",
        "offered attempts whose caller hung up while waiting",
    ),
    def(
        "blocked_contacts",
        "contacts",
        "offered attempts that found every line busy",
    ),
    def(
        "waiting_at_end_contacts",
        "contacts",
        "offered attempts still waiting when the horizon ended; offered = answered + abandoned + blocked + waiting at end",
    ),
    def(
        "redial_attempts",
        "contacts",
        "offered attempts that were redials",
    ),
    def(
        "closed_attempts",
        "contacts",
        "attempts made while the channel was closed (not offered)",
    ),
    def(
        "service_level",
        "share",
        "answered within the threshold ÷ (answered + abandoned); the contact-centre convention",
    ),
    def(
        "service_level_offered",
        "share",
        "answered within the threshold ÷ offered (blocked and abandoned count as failures)",
    ),
    def(
        "service_level_answered",
        "share",
        "answered within the threshold ÷ answered",
    ),
    def(
        "p_wait",
        "share",
        "offered attempts not answered at once (abandoners and those still waiting included) ÷ offered",
    ),
    def("p_abandon", "share", "abandoned ÷ offered"),
    def("p_block", "share", "blocked ÷ offered"),
    def(
        "asa_s",
        "seconds",
        "average speed of answer: mean wait of answered attempts, zero waits included",
    ),
    def(
        "mean_wait_abandoned_s",
        "seconds",
        "mean wait of abandoned attempts before hanging up",
    ),
    def(
        "queue_mean_contacts",
        "contacts",
        "time-average number of callers waiting",
    ),
    def(
        "queue_max_contacts",
        "contacts",
        "largest number of callers waiting at once",
    ),
    def(
        "agents_busy_mean",
        "agents",
        "time-average number of agents busy on this channel",
    ),
];

/// Pool KPIs over the measured period.
pub const POOL_KPIS: &[KpiDef] = &[
    def(
        "agents_on_duty_mean",
        "agents",
        "time-average number of staff on duty (busy or idle)",
    ),
    def(
        "agents_busy_mean",
        "agents",
        "time-average number of staff busy",
    ),
    def("occupancy", "share", "busy staff time ÷ staff time on duty"),
];

/// Per-interval channel series (values for one interval of one replication).
pub const INTERVAL_METRICS: &[KpiDef] = &[
    def(
        "offered_contacts",
        "contacts",
        "attempts arriving in the interval that reached the open channel",
    ),
    def(
        "answered_contacts",
        "contacts",
        "of those, answered (at any later time)",
    ),
    def("abandoned_contacts", "contacts", "of those, abandoned"),
    def("blocked_contacts", "contacts", "of those, blocked"),
    def(
        "closed_attempts",
        "contacts",
        "attempts arriving in the interval while the channel was closed",
    ),
    def(
        "service_level",
        "share",
        "answered within the threshold ÷ (answered + abandoned), of the attempts arriving in the interval",
    ),
    def(
        "asa_s",
        "seconds",
        "mean wait of the answered attempts arriving in the interval",
    ),
    def(
        "queue_mean_contacts",
        "contacts",
        "time-average number waiting during the interval",
    ),
    def(
        "agents_on_duty_mean",
        "agents",
        "time-average staff on duty in the pools that serve the channel",
    ),
    def(
        "agents_busy_mean",
        "agents",
        "time-average staff busy on this channel",
    ),
];

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Channel KPI values in [`CHANNEL_KPIS`] order.
pub fn channel_values(t: &ChannelTotals, measured_s: f64) -> Vec<f64> {
    let k = &t.counts;
    let handled = k.answered + k.abandoned;
    vec![
        k.first_attempts,
        k.offered,
        k.answered,
        k.abandoned,
        k.blocked,
        k.waiting_at_end,
        k.redials,
        k.closed,
        ratio(k.answered_within, handled),
        ratio(k.answered_within, k.offered),
        ratio(k.answered_within, k.answered),
        ratio(k.offered - k.blocked - k.answered_at_once, k.offered),
        ratio(k.abandoned, k.offered),
        ratio(k.blocked, k.offered),
        ratio(k.wait_answered_s, k.answered),
        ratio(k.wait_abandoned_s, k.abandoned),
        ratio(t.queue_area, measured_s),
        f64::from(t.max_queue),
        ratio(t.busy_area, measured_s),
    ]
}

/// Pool KPI values in [`POOL_KPIS`] order.
pub fn pool_values(t: &PoolTally, measured_s: f64) -> Vec<f64> {
    vec![
        ratio(t.on_duty_area, measured_s),
        ratio(t.busy_area, measured_s),
        ratio(t.busy_area, t.on_duty_area),
    ]
}

/// Interval metric values in [`INTERVAL_METRICS`] order.
pub fn interval_values(iv: &ChannelInterval, len_s: f64) -> [f64; 10] {
    let k = &iv.counts;
    [
        k.offered,
        k.answered,
        k.abandoned,
        k.blocked,
        k.closed,
        ratio(k.answered_within, k.answered + k.abandoned),
        ratio(k.wait_answered_s, k.answered),
        ratio(iv.queue_area, len_s),
        ratio(iv.on_duty_area, len_s),
        ratio(iv.busy_area, len_s),
    ]
}

/// What the runner keeps of one replication: KPI values and the interval
/// series (as `f32`, which is plenty for reporting and halves the memory).
#[derive(Debug, Clone, PartialEq)]
pub struct RepRecord {
    /// Replication number.
    pub replication: u64,
    /// `[channel][kpi]` in [`CHANNEL_KPIS`] order.
    pub channel_kpis: Vec<Vec<f64>>,
    /// `[pool][kpi]` in [`POOL_KPIS`] order.
    pub pool_kpis: Vec<Vec<f64>>,
    /// `[(interval * n_channels + channel) * n_metrics + metric]`.
    pub series: Vec<f32>,
    /// The same metrics per day: `[(day * n_channels + channel) * n_metrics
    /// + metric]`; empty when the reporting interval is longer than a day.
    pub day_series: Vec<f32>,
    /// Events the engine processed.
    pub events: u64,
}

impl RepRecord {
    /// Condenses a replication's outcome.
    pub fn from_outcome(model: &Model, out: &RepOutcome) -> Self {
        let measured_s = model.horizon_s - model.warmup_s;
        let mut series = Vec::with_capacity(out.channel_intervals.len() * INTERVAL_METRICS.len());
        let nc = model.channels.len();
        for (j, iv) in out.channel_intervals.iter().enumerate() {
            let len = model.interval_len(j / nc.max(1));
            series.extend(interval_values(iv, len).iter().map(|&v| v as f32));
        }
        let mut day_series = Vec::new();
        let per_day = (crate::model::DAY_S / model.interval_s).round() as usize;
        if model.interval_s <= crate::model::DAY_S && nc > 0 {
            for day in 0..model.days as usize {
                for c in 0..nc {
                    let mut sum = ChannelInterval::default();
                    for i in day * per_day..((day + 1) * per_day).min(model.n_intervals) {
                        let iv = &out.channel_intervals[i * nc + c];
                        sum.counts.add(&iv.counts);
                        sum.queue_area += iv.queue_area;
                        sum.busy_area += iv.busy_area;
                        sum.on_duty_area += iv.on_duty_area;
                    }
                    let values = interval_values(&sum, crate::model::DAY_S);
                    day_series.extend(values.iter().map(|&v| v as f32));
                }
            }
        }
        RepRecord {
            replication: out.replication,
            day_series,
            channel_kpis: out
                .channels
                .iter()
                .map(|t| channel_values(t, measured_s))
                .collect(),
            pool_kpis: out
                .pools
                .iter()
                .map(|t| pool_values(t, measured_s))
                .collect(),
            series,
            events: out.events,
        }
    }
}

/// Index of a KPI key in a definition list.
pub fn index_of(defs: &[KpiDef], key: &str) -> Option<usize> {
    defs.iter().position(|d| d.key == key)
}
