//! The KPI definition tables: names, units and exact definitions of the
//! channel, topic, pool, agency and action KPIs.

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

pub(super) const fn def(key: &'static str, unit: &'static str, doc: &'static str) -> KpiDef {
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

/// Index of a KPI key in a definition list.
pub fn index_of(defs: &[KpiDef], key: &str) -> Option<usize> {
    defs.iter().position(|d| d.key == key)
}

pub(super) const BACKLOG_CLEAR: usize = 9;
pub(super) const SERVICE_LEVEL: usize = 27;
pub(super) const TARGET_MET: usize = 34;

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
