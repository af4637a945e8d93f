//! KPI and interval-metric values from one replication's tallies.

use crate::engine::{ChannelInterval, ChannelTotals, Counts, PoolTally};
use crate::model::Model;

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Channel KPI values in [`CHANNEL_KPIS`](super::CHANNEL_KPIS) order.
/// Service level of live contacts: answered within the threshold ÷
/// (answered + abandoned + still waiting at the end past the threshold).
pub fn live_service_level(k: &Counts) -> f64 {
    ratio(
        k.answered_within,
        k.answered + k.abandoned + k.waiting_late_at_end,
    )
}

/// Channel KPI values in [`CHANNEL_KPIS`](super::CHANNEL_KPIS) order, up to the ones computed
/// from the interval series (see [`RepRecord::from_outcome`](super::RepRecord::from_outcome)).
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

/// Topic KPI values in [`TOPIC_KPIS`](super::TOPIC_KPIS) order.
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

/// Pool KPI values in [`POOL_KPIS`](super::POOL_KPIS) order.
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

/// Interval metric values in [`INTERVAL_METRICS`](super::INTERVAL_METRICS) order.
pub fn interval_values(iv: &ChannelInterval, len_s: f64) -> [f64; 19] {
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
        iv.in_service_end,
        ratio(iv.on_duty_area, len_s),
        ratio(iv.busy_area, len_s),
    ]
}

/// Pool interval values in [`POOL_INTERVAL_METRICS`](super::POOL_INTERVAL_METRICS) order.
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

/// The overall service level of the public-facing channels (see
/// [`TOTAL_KPIS`](super::TOTAL_KPIS)).
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

/// Total KPI values in [`TOTAL_KPIS`](super::TOTAL_KPIS) order.
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
