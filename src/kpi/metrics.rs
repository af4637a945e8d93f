//! The per-interval series: channel and pool metrics of one interval (or
//! day, or week) of one replication.

use crate::model::Model;

use super::defs::{KpiDef, def};

/// Per-interval pool series.
pub const POOL_INTERVAL_METRICS: &[KpiDef] = &[
    def(
        "pool_on_duty_rostered_agents",
        "agents",
        "average staff of the pool on duty while its own roster was open in the interval (undefined when it was closed throughout)",
    ),
    def(
        "pool_on_duty_agents",
        "agents",
        "time-average staff of the pool on duty during the whole interval",
    ),
    def(
        "pool_busy_agents",
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
        "pool_own_on_duty_agents",
        "agents",
        "time-average of the pool's own staff on duty",
    ),
    def(
        "pool_redeployed_on_duty_agents",
        "agents",
        "time-average of staff redeployed into the pool on duty",
    ),
    def(
        "pool_hired_training_agents",
        "agents",
        "time-average of hired staff present in training",
    ),
    def(
        "pool_hired_on_duty_agents",
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
        "queue_contacts",
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
        "in_service_end_contacts",
        "contacts",
        "contacts of the channel in service at the end of the interval (callbacks being made included); with `backlog_end_contacts`, the number in the system then",
    ),
    def(
        "agents_on_duty",
        "agents",
        "time-average staff on duty in the pools that serve the channel",
    ),
    def(
        "agents_busy",
        "agents",
        "time-average staff busy on this channel (callbacks included)",
    ),
];

/// Values per interval (or day) in a [`RepRecord`](super::RepRecord) series.
pub fn series_width(model: &Model) -> usize {
    model.channels.len() * INTERVAL_METRICS.len() + model.pools.len() * POOL_INTERVAL_METRICS.len()
}
