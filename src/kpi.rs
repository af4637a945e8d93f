//! Key performance indicators: their names, units and exact definitions, and
//! their computation from one replication's tallies. The definitions here are
//! the ones printed in the README and in `summary.json`.

use crate::engine::{ChannelInterval, ChannelTotals, Counts, PoolTally, RepOutcome};
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
        "offered attempts answered live by an agent (on a phone line: callbacks apart, see callbacks_made_contacts)",
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
        "turned_away_contacts",
        "contacts",
        "offered desk visitors turned away at the gate or sent home when the last staff left",
    ),
    def(
        "waiting_at_end_contacts",
        "contacts",
        "offered attempts still waiting (live queue or backlog; callbacks owed apart) when the horizon ended; offered = answered + abandoned + blocked + turned away + waiting at end + callback requests",
    ),
    def(
        "late_at_end_contacts",
        "contacts",
        "of those, waiting longer than the service-level threshold already (on the channel's clock): certain to miss it, and counted as late in service_level",
    ),
    def(
        "waiting_at_end_share",
        "share",
        "waiting at the end ÷ offered: the share of the measured period's arrivals not yet answered when it ended",
    ),
    def(
        "backlog_clear_days",
        "days",
        "days the live queue or backlog left at the end would take to clear at the channel's throughput (services started) of the last four weeks; 0 when nothing waits; undefined when work waits and nothing was handled",
    ),
    def(
        "redial_attempts",
        "contacts",
        "offered attempts that were repeats: phone redials and desk visitors coming back",
    ),
    def(
        "switched_in_contacts",
        "contacts",
        "offered contacts from people who gave up on, or were turned away by, another channel",
    ),
    def(
        "switched_out_contacts",
        "contacts",
        "failed attempts (blocked, abandoned, turned away) whose person then tried another channel",
    ),
    def(
        "appointment_contacts",
        "contacts",
        "offered desk visitors with a booked slot",
    ),
    def(
        "deflected_contacts",
        "contacts",
        "new contacts answered by online information instead (deflection actions); not in first_attempts",
    ),
    def(
        "callback_requests_contacts",
        "contacts",
        "offered phone calls whose caller accepted a callback and left the line; they are neither answered nor waiting in the live figures",
    ),
    def(
        "callbacks_made_contacts",
        "contacts",
        "callback requests called back within the horizon",
    ),
    def(
        "callbacks_owed_at_end_contacts",
        "contacts",
        "callback requests not yet called back when the horizon ended; requests = made + owed at the end",
    ),
    def(
        "callbacks_kept_share",
        "share",
        "callbacks made within the promised time ÷ (callbacks made + callbacks owed at the end past their promise)",
    ),
    def(
        "callback_wait_mean_s",
        "seconds",
        "mean calendar time from the request to the call back, of the callbacks made (nights and weekends included)",
    ),
    def(
        "callback_wait_p90_s",
        "seconds",
        "90th percentile of the calendar time from the request to the call back",
    ),
    def(
        "callback_wait_max_s",
        "seconds",
        "longest calendar time from the request to the call back",
    ),
    def(
        "callback_working_wait_mean_s",
        "seconds",
        "mean working time (while the line is open) from the request to the call back",
    ),
    def(
        "callback_working_wait_p90_s",
        "seconds",
        "90th percentile of the working time from the request to the call back",
    ),
    def(
        "callback_working_wait_max_s",
        "seconds",
        "longest working time from the request to the call back",
    ),
    def(
        "unstaffed_contacts",
        "contacts",
        "offered attempts that arrived while no one on duty could serve them (no pool with the skill, the language or a free interpreter service on duty; for e-mail, counted only while some of the channel's staff are on duty); they wait",
    ),
    def(
        "closed_attempts",
        "contacts",
        "attempts made while the channel was closed (not offered)",
    ),
    def(
        "service_level",
        "share",
        "live contacts answered within the threshold ÷ (answered + abandoned + still waiting at the end past the threshold); the contact-centre convention, with work left waiting too long counted as late; callbacks are not in it",
    ),
    def(
        "service_level_offered",
        "share",
        "live contacts answered within the threshold ÷ live attempts offered (offered − callback requests; blocked, abandoned, turned away and still waiting count as failures)",
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
        "service_level_with_callbacks",
        "share",
        "(live contacts answered within the threshold + callbacks made within their promise) ÷ (answered + abandoned + late at the end + callbacks made + callbacks owed at the end past their promise): a callback counts as on time when its promise is kept",
    ),
    def(
        "target_met",
        "share",
        "1 in a replication whose service_level reached the channel's target and whose end backlog clears within the threshold time (backlog_clear_days; business-clock thresholds taken as working weeks of the business hours), else 0; its mean is the share of replications that met the target",
    ),
    def(
        "asa_s",
        "seconds",
        "average speed of answer: mean wait of live contacts answered, zero waits included (callbacks apart)",
    ),
    def(
        "wait_max_s",
        "seconds",
        "longest wait of a live contact answered",
    ),
    def(
        "mean_wait_abandoned_s",
        "seconds",
        "mean wait of abandoned attempts before hanging up",
    ),
    def(
        "queue_mean_contacts",
        "contacts",
        "time-average number of live contacts waiting (for e-mail: the backlog; callbacks owed apart)",
    ),
    def(
        "queue_max_contacts",
        "contacts",
        "largest number of live contacts waiting at once (for e-mail: the largest backlog; callbacks owed apart)",
    ),
    def(
        "agents_busy_mean",
        "agents",
        "time-average number of agents busy on this channel (callbacks included)",
    ),
    def(
        "capacity_cost",
        "currency",
        "lines (phone) or counters (desk) in place × days × cost_per_day, actions included",
    ),
    def(
        "days_below_target",
        "days",
        "measured days with contacts whose daily service level was below the channel's target",
    ),
    def(
        "sl_recovery_day",
        "days",
        "days from the scenario start to the first day after which the daily service level stays at or above target until the end (0 if it never fell below; undefined if it is still below on the last day)",
    ),
    def(
        "worst_day_asa_s",
        "seconds",
        "the worst day's average speed of answer",
    ),
];

/// Channel KPIs computed from the daily series (the last ones of
/// [`CHANNEL_KPIS`]): days below target, recovery day, worst day's wait.
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

/// Topic KPIs over the measured period, all channels together.
pub const TOPIC_KPIS: &[KpiDef] = &[
    def(
        "first_attempts",
        "contacts",
        "new contacts on any channel, open or not",
    ),
    def(
        "offered_contacts",
        "contacts",
        "attempts that reached an open channel",
    ),
    def("answered_contacts", "contacts", "offered attempts served"),
    def(
        "lost_contacts",
        "contacts",
        "offered attempts abandoned, blocked or turned away",
    ),
    def(
        "waiting_at_end_contacts",
        "contacts",
        "offered attempts still waiting when the horizon ended",
    ),
    def(
        "service_level",
        "share",
        "answered within each channel's threshold ÷ (answered + abandoned)",
    ),
    def(
        "asa_s",
        "seconds",
        "mean wait of answered attempts, all channels together",
    ),
];

/// Pool KPIs over the measured period.
pub const POOL_KPIS: &[KpiDef] = &[
    def(
        "agents_on_duty_rostered_mean",
        "agents",
        "average number of staff on duty while the pool's own roster is open (its working hours, breaks included): what a planner sees on the floor",
    ),
    def(
        "agents_on_duty_mean",
        "agents",
        "time-average number of staff on duty over all hours of the measured period, nights and weekends included (busy or idle; absent staff and breaks excluded)",
    ),
    def(
        "agents_busy_mean",
        "agents",
        "time-average number of staff busy",
    ),
    def("occupancy", "share", "busy staff time ÷ staff time on duty"),
    def(
        "deferred_share_of_busy",
        "share",
        "busy time on deferred work (e-mail) ÷ busy time",
    ),
    def(
        "handled_contacts",
        "contacts",
        "contacts whose service started",
    ),
    def(
        "interpreted_contacts",
        "contacts",
        "of those, served through an interpreter",
    ),
    def(
        "paid_hours_h",
        "hours",
        "staff hours on the roster paid by the pool: its own staff (also while redeployed elsewhere) and its hires, training included; absence and breaks are paid, and the roster hours of holidays when the pool has `holiday_pay`",
    ),
    def(
        "staff_cost",
        "currency",
        "paid hours × cost per hour (hires at their own rate), in the scenario's currency",
    ),
    def(
        "hiring_cost",
        "currency",
        "one-off costs of the hires who arrived",
    ),
    def("total_cost", "currency", "staff cost + hiring cost"),
    def(
        "cost_per_handled_contact",
        "currency",
        "total cost ÷ handled contacts",
    ),
    def(
        "redeployed_in_mean",
        "agents",
        "time-average staff redeployed into the pool on duty",
    ),
    def(
        "hired_on_duty_mean",
        "agents",
        "time-average hired staff on duty and productive",
    ),
    def(
        "hired_in_training_mean",
        "agents",
        "time-average hired staff present in training",
    ),
    def(
        "overloaded_days",
        "days",
        "days at whose end the pool's occupancy over its wellbeing window was above its threshold",
    ),
    def(
        "overload_leavers",
        "agents",
        "own staff who left because of sustained overload (wellbeing model)",
    ),
];

/// Per-interval pool series.
pub const POOL_INTERVAL_METRICS: &[KpiDef] = &[
    def(
        "pool_on_duty_rostered_mean",
        "agents",
        "average staff of the pool on duty while its own roster was open in the interval (undefined when it was closed throughout)",
    ),
    def(
        "pool_on_duty_mean",
        "agents",
        "time-average staff of the pool on duty during the whole interval",
    ),
    def(
        "pool_busy_mean",
        "agents",
        "time-average staff of the pool busy during the interval",
    ),
    def(
        "pool_occupancy",
        "share",
        "busy ÷ on-duty staff time of the pool in the interval",
    ),
    def(
        "pool_handled_contacts",
        "contacts",
        "contacts whose service by the pool started in the interval",
    ),
    def(
        "pool_own_on_duty_mean",
        "agents",
        "time-average of the pool's own staff on duty",
    ),
    def(
        "pool_redeployed_on_duty_mean",
        "agents",
        "time-average of staff redeployed into the pool on duty",
    ),
    def(
        "pool_hired_training_mean",
        "agents",
        "time-average of hired staff present in training",
    ),
    def(
        "pool_hired_on_duty_mean",
        "agents",
        "time-average of hired staff on duty and productive",
    ),
    def(
        "pool_cost",
        "currency",
        "staff cost of the interval (paid holiday hours included) plus hiring costs of hires arriving in it",
    ),
];

/// Per-interval channel series (values for one interval of one
/// replication). Names say the attribution: `_by_arrival` and the plain
/// counts of arrivals (offered, blocked, turned away, callback requests,
/// closed) count the attempts that arrived in the interval, whatever
/// became of them later (the cohort view: what became of the people who
/// came then); `_by_event` counts what happened in the interval (the
/// workload view: how much work was done then).
pub const INTERVAL_METRICS: &[KpiDef] = &[
    def(
        "offered_contacts",
        "contacts",
        "attempts arriving in the interval that reached the open channel",
    ),
    def(
        "answered_by_arrival_contacts",
        "contacts",
        "of those, answered live (at any later time)",
    ),
    def(
        "abandoned_by_arrival_contacts",
        "contacts",
        "of those, abandoned (at any later time)",
    ),
    def("blocked_contacts", "contacts", "of those, blocked"),
    def(
        "turned_away_contacts",
        "contacts",
        "of those, turned away (at the gate, or sent home later)",
    ),
    def(
        "callback_requests_contacts",
        "contacts",
        "of those, callers who accepted a callback and left the line",
    ),
    def(
        "closed_attempts",
        "contacts",
        "attempts arriving in the interval while the channel was closed",
    ),
    def(
        "handled_by_event_contacts",
        "contacts",
        "services that started in the interval, whenever the contact arrived: live answers, e-mails answered, visitors served and callbacks made",
    ),
    def(
        "abandoned_by_event_contacts",
        "contacts",
        "contacts that gave up waiting in the interval, whenever they arrived",
    ),
    def(
        "callbacks_made_by_event_contacts",
        "contacts",
        "callbacks made in the interval, whenever they were requested",
    ),
    def(
        "service_level",
        "share",
        "of the live attempts arriving in the interval: answered within the threshold ÷ (answered + abandoned + still waiting at the end of the horizon past the threshold)",
    ),
    def(
        "asa_s",
        "seconds",
        "mean wait of the live attempts arriving in the interval and answered",
    ),
    def(
        "queue_mean_contacts",
        "contacts",
        "time-average number of live contacts waiting during the interval (callbacks owed apart)",
    ),
    def(
        "backlog_end_contacts",
        "contacts",
        "number of live contacts waiting (the backlog) at the end of the interval",
    ),
    def(
        "callbacks_owed_end_contacts",
        "contacts",
        "callbacks requested and not yet made at the end of the interval",
    ),
    def(
        "oldest_age_end_s",
        "seconds",
        "age of the oldest live contact waiting at the end of the interval (0 when none waits)",
    ),
    def(
        "agents_on_duty_mean",
        "agents",
        "time-average staff on duty in the pools that serve the channel",
    ),
    def(
        "agents_busy_mean",
        "agents",
        "time-average staff busy on this channel (callbacks included)",
    ),
];

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Channel KPI values in [`CHANNEL_KPIS`] order.
/// Service level of live contacts: answered within the threshold ÷
/// (answered + abandoned + still waiting at the end past the threshold).
pub fn live_service_level(k: &Counts) -> f64 {
    ratio(
        k.answered_within,
        k.answered + k.abandoned + k.waiting_late_at_end,
    )
}

/// Channel KPI values in [`CHANNEL_KPIS`] order, up to the ones computed
/// from the interval series (see [`RepRecord::from_outcome`]).
pub fn channel_values(t: &ChannelTotals, measured_s: f64) -> Vec<f64> {
    let k = &t.counts;
    let callbacks_due = k.callbacks_made + k.callbacks_late_at_end;
    let made = |x: f64| if k.callbacks_made > 0.0 { x } else { f64::NAN };
    vec![
        k.first_attempts,
        k.offered,
        k.answered,
        k.abandoned,
        k.blocked,
        k.turned_away,
        k.waiting_at_end,
        k.waiting_late_at_end,
        ratio(k.waiting_at_end, k.offered),
        f64::NAN, // backlog_clear_days, from the intervals
        k.redials,
        k.switched_in,
        k.switched_out,
        k.appointments,
        k.deflected,
        k.callbacks,
        k.callbacks_made,
        k.callbacks_owed_at_end,
        ratio(k.callbacks_kept, callbacks_due),
        ratio(k.callback_wait_s, k.callbacks_made),
        made(t.callback_wait_p90_s),
        made(t.callback_wait_max_s),
        ratio(k.callback_wait_working_s, k.callbacks_made),
        made(t.callback_working_p90_s),
        made(t.callback_working_max_s),
        k.unstaffed,
        k.closed,
        live_service_level(k),
        ratio(k.answered_within, k.offered - k.callbacks),
        ratio(k.answered_within, k.answered),
        ratio(k.offered - k.blocked - k.answered_at_once, k.offered),
        ratio(k.abandoned, k.offered),
        ratio(k.blocked, k.offered),
        ratio(
            k.answered_within + k.callbacks_kept,
            k.answered + k.abandoned + k.waiting_late_at_end + callbacks_due,
        ),
        f64::NAN, // target_met, from the intervals
        ratio(k.wait_answered_s, k.answered),
        t.max_wait_s,
        ratio(k.wait_abandoned_s, k.abandoned),
        ratio(t.queue_area, measured_s),
        f64::from(t.max_queue),
        ratio(t.busy_area, measured_s),
        t.capacity_cost,
    ]
}

/// Topic KPI values in [`TOPIC_KPIS`] order.
pub fn topic_values(k: &Counts) -> Vec<f64> {
    vec![
        k.first_attempts,
        k.offered,
        k.answered,
        k.abandoned + k.blocked + k.turned_away,
        k.waiting_at_end,
        ratio(k.answered_within, k.answered + k.abandoned),
        ratio(k.wait_answered_s, k.answered),
    ]
}

/// Pool KPI values in [`POOL_KPIS`] order.
pub fn pool_values(t: &PoolTally, measured_s: f64) -> Vec<f64> {
    let staff_cost = t.cost - t.hiring_cost;
    vec![
        ratio(t.on_duty_area, t.rostered_s),
        ratio(t.on_duty_area, measured_s),
        ratio(t.busy_area, measured_s),
        ratio(t.busy_area, t.on_duty_area),
        ratio(t.deferred_area, t.busy_area),
        t.handled,
        t.interpreted,
        t.paid_area / 3600.0,
        staff_cost,
        t.hiring_cost,
        t.cost,
        ratio(t.cost, t.handled),
        ratio(t.redeployed_area, measured_s),
        ratio(t.hired_area, measured_s),
        ratio(t.training_area, measured_s),
        t.overloaded_days,
        t.leavers,
    ]
}

/// Interval metric values in [`INTERVAL_METRICS`] order.
pub fn interval_values(iv: &ChannelInterval, len_s: f64) -> [f64; 18] {
    let k = &iv.counts;
    [
        k.offered,
        k.answered,
        k.abandoned,
        k.blocked,
        k.turned_away,
        k.callbacks,
        k.closed,
        k.handled_event,
        k.abandoned_event,
        k.callbacks_made_event,
        live_service_level(k),
        ratio(k.wait_answered_s, k.answered),
        ratio(iv.queue_area, len_s),
        iv.backlog_end,
        iv.callbacks_owed_end,
        iv.oldest_age_end_s,
        ratio(iv.on_duty_area, len_s),
        ratio(iv.busy_area, len_s),
    ]
}

/// Pool interval values in [`POOL_INTERVAL_METRICS`] order.
pub fn pool_interval_values(t: &PoolTally, len_s: f64) -> [f64; 10] {
    [
        ratio(t.on_duty_area, t.rostered_s),
        ratio(t.on_duty_area, len_s),
        ratio(t.busy_area, len_s),
        ratio(t.busy_area, t.on_duty_area),
        t.handled,
        ratio(t.own_area, len_s),
        ratio(t.redeployed_area, len_s),
        ratio(t.training_area, len_s),
        ratio(t.hired_area, len_s),
        t.cost,
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
    /// `[topic][kpi]` in [`TOPIC_KPIS`] order.
    pub topic_kpis: Vec<Vec<f64>>,
    /// `[pool][kpi]` in [`POOL_KPIS`] order.
    pub pool_kpis: Vec<Vec<f64>>,
    /// In [`TOTAL_KPIS`] order.
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

/// KPIs of the whole agency (all pools together), in [`TOTAL_KPIS`] order.
pub const TOTAL_KPIS: &[KpiDef] = &[
    def(
        "capacity_cost",
        "currency",
        "cost of lines and counters, all channels",
    ),
    def(
        "paid_hours_h",
        "hours",
        "staff hours on the roster of all pools, training and paid holidays included",
    ),
    def("staff_cost", "currency", "staff cost of all pools"),
    def(
        "hiring_cost",
        "currency",
        "one-off hiring costs of all pools",
    ),
    def(
        "total_cost",
        "currency",
        "staff cost + hiring cost + capacity cost",
    ),
    def(
        "handled_contacts",
        "contacts",
        "contacts whose service started, all pools",
    ),
    def(
        "cost_per_handled_contact",
        "currency",
        "total cost ÷ handled contacts",
    ),
    def(
        "overall_service_level",
        "share",
        "all public-facing channels together (internal work queues left out): (live contacts answered within their channel's threshold + callbacks made within their promise) ÷ (answered + abandoned + blocked + turned away + still waiting at the end past the threshold + callbacks made + callbacks owed past their promise); so turning people away or blocking them lowers it",
    ),
];

/// The overall service level of the public-facing channels (see
/// [`TOTAL_KPIS`]).
pub fn overall_service_level(model: &Model, channels: &[ChannelTotals]) -> f64 {
    let (mut on_time, mut all) = (0.0, 0.0);
    for (ch, t) in model.channels.iter().zip(channels) {
        if ch.internal {
            continue;
        }
        let k = &t.counts;
        on_time += k.answered_within + k.callbacks_kept;
        all += k.answered
            + k.abandoned
            + k.blocked
            + k.turned_away
            + k.waiting_late_at_end
            + k.callbacks_made
            + k.callbacks_late_at_end;
    }
    ratio(on_time, all)
}

/// Total KPI values in [`TOTAL_KPIS`] order.
pub fn total_values(model: &Model, pools: &[PoolTally], channels: &[ChannelTotals]) -> Vec<f64> {
    let capacity: f64 = channels.iter().map(|c| c.capacity_cost).sum();
    let paid: f64 = pools.iter().map(|t| t.paid_area).sum::<f64>() / 3600.0;
    let cost: f64 = pools.iter().map(|t| t.cost).sum();
    let hiring: f64 = pools.iter().map(|t| t.hiring_cost).sum();
    let handled: f64 = pools.iter().map(|t| t.handled).sum();
    let total = cost + capacity;
    vec![
        capacity,
        paid,
        cost - hiring,
        hiring,
        total,
        handled,
        ratio(total, handled),
        overall_service_level(model, channels),
    ]
}

/// Statistics of each action across replications, in [`ACTION_KPIS`] order.
pub const ACTION_KPIS: &[KpiDef] = &[
    def(
        "fired_share",
        "share",
        "share of replications in which the action was decided",
    ),
    def(
        "decision_day",
        "days",
        "day of the decision after the start (0 = the first day), over the replications in which it was decided",
    ),
    def(
        "effect_day",
        "days",
        "day the effect started, over the replications in which it started within the horizon",
    ),
    def(
        "released_share",
        "share",
        "share of replications in which the action was undone",
    ),
];

/// Values per interval (or day) in a [`RepRecord`] series.
pub fn series_width(model: &Model) -> usize {
    model.channels.len() * INTERVAL_METRICS.len() + model.pools.len() * POOL_INTERVAL_METRICS.len()
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

/// Index of a KPI key in a definition list.
pub fn index_of(defs: &[KpiDef], key: &str) -> Option<usize> {
    defs.iter().position(|d| d.key == key)
}

const BACKLOG_CLEAR: usize = 9;
const SERVICE_LEVEL: usize = 27;
const TARGET_MET: usize = 34;

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

/// Channel `c`'s service-level threshold in calendar days: on the calendar
/// clock the threshold itself; on a business clock, the calendar time in
/// which the business hours add up to it on average (10 working days of
/// 8 hours, 5 days a week: 14 days).
pub fn threshold_days(model: &Model, c: usize) -> f64 {
    let ch = &model.channels[c];
    match &ch.business {
        None => ch.answer_within_s / crate::model::DAY_S,
        Some((iv, _)) => {
            let business: f64 = iv.spans().iter().map(|&(a, b)| b - a).sum();
            if business <= 0.0 {
                f64::INFINITY
            } else {
                ch.answer_within_s * model.horizon_s / business / crate::model::DAY_S
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_indices_name_their_kpis() {
        assert_eq!(CHANNEL_KPIS[BACKLOG_CLEAR].key, "backlog_clear_days");
        assert_eq!(CHANNEL_KPIS[SERVICE_LEVEL].key, "service_level");
        assert_eq!(CHANNEL_KPIS[TARGET_MET].key, "target_met");
    }
}
