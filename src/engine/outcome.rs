//! What one replication produces: counts and time integrals per channel,
//! topic and pool, for the whole measured period (after warm-up) and per
//! reporting interval. Everything is streamed while simulating: memory
//! depends on the number of intervals, never on the number of contacts.

/// Contact counts, attributed to the interval in which the attempt arrived
/// (the cohort view), except the `*_event` fields, which count what happened
/// in the interval whatever the contact's arrival (the workload view; in a
/// replication's totals: what happened after warm-up). Every offered attempt ends as exactly one of
/// answered (live), abandoned, blocked, turned away, waiting at the end or a
/// callback request: `offered = answered + abandoned + blocked + turned_away
/// + waiting_at_end + callbacks`; and every callback request is made or
/// still owed: `callbacks = callbacks_made + callbacks_owed_at_end`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// First attempts (new contacts), whether the channel was open or not.
    pub first_attempts: f64,
    /// Attempts that reached an open channel (first attempts, redials,
    /// returns and switched-in contacts).
    pub offered: f64,
    /// Of those, repeat attempts: phone redials and desk visitors coming back.
    pub redials: f64,
    /// Of those, contacts that came from another channel.
    pub switched_in: f64,
    /// Of those, desk visitors with a booked slot.
    pub appointments: f64,
    /// Of those, attempts that arrived while no one on duty could serve them.
    pub unstaffed: f64,
    /// Attempts that started service live (for a phone line: not callbacks).
    pub answered: f64,
    /// Answered with a wait of at most the service-level threshold.
    pub answered_within: f64,
    /// Answered without waiting at all.
    pub answered_at_once: f64,
    /// Gave up while waiting.
    pub abandoned: f64,
    /// Found every line busy.
    pub blocked: f64,
    /// Desk visitors turned away (at the gate, or sent home when staff left).
    pub turned_away: f64,
    /// Still waiting when the horizon ended (callbacks owed apart).
    pub waiting_at_end: f64,
    /// Of those, waiting longer than the service-level threshold already
    /// (on the channel's clock): certain to be late.
    pub waiting_late_at_end: f64,
    /// Attempts made while the channel was closed (not offered).
    pub closed: f64,
    /// Failed attempts (blocked, abandoned, turned away) whose person then
    /// turned to another channel.
    pub switched_out: f64,
    /// New contacts that did not come because online information answered
    /// them (deflection actions); not counted in `first_attempts`.
    pub deflected: f64,
    /// Callers who accepted a callback (they left the line and wait as
    /// deferred work, apart from the live queue).
    pub callbacks: f64,
    /// Of those, called back (the agent's call started).
    pub callbacks_made: f64,
    /// Callbacks made within the promised time.
    pub callbacks_kept: f64,
    /// Callbacks still owed when the horizon ended.
    pub callbacks_owed_at_end: f64,
    /// Of those, owed past their promised time already.
    pub callbacks_late_at_end: f64,
    /// Sum of the times from the request to the call back, calendar
    /// seconds.
    pub callback_wait_s: f64,
    /// The same counted only while the line was open (working time).
    pub callback_wait_working_s: f64,
    /// Sum of the waits of answered attempts, seconds.
    pub wait_answered_s: f64,
    /// Sum of the waits of abandoned attempts, seconds.
    pub wait_abandoned_s: f64,
    /// Event time: services that started in the interval (live answers,
    /// e-mails answered, visitors served, callbacks made).
    pub handled_event: f64,
    /// Event time: contacts that gave up waiting in the interval.
    pub abandoned_event: f64,
    /// Event time: callbacks made in the interval.
    pub callbacks_made_event: f64,
}

impl Counts {
    /// Adds another tally.
    pub fn add(&mut self, o: &Counts) {
        self.first_attempts += o.first_attempts;
        self.offered += o.offered;
        self.redials += o.redials;
        self.switched_in += o.switched_in;
        self.appointments += o.appointments;
        self.unstaffed += o.unstaffed;
        self.answered += o.answered;
        self.answered_within += o.answered_within;
        self.answered_at_once += o.answered_at_once;
        self.abandoned += o.abandoned;
        self.blocked += o.blocked;
        self.turned_away += o.turned_away;
        self.waiting_at_end += o.waiting_at_end;
        self.waiting_late_at_end += o.waiting_late_at_end;
        self.closed += o.closed;
        self.switched_out += o.switched_out;
        self.deflected += o.deflected;
        self.callbacks += o.callbacks;
        self.callbacks_made += o.callbacks_made;
        self.callbacks_kept += o.callbacks_kept;
        self.callbacks_owed_at_end += o.callbacks_owed_at_end;
        self.callbacks_late_at_end += o.callbacks_late_at_end;
        self.callback_wait_s += o.callback_wait_s;
        self.callback_wait_working_s += o.callback_wait_working_s;
        self.wait_answered_s += o.wait_answered_s;
        self.wait_abandoned_s += o.wait_abandoned_s;
        self.handled_event += o.handled_event;
        self.abandoned_event += o.abandoned_event;
        self.callbacks_made_event += o.callbacks_made_event;
    }
}

/// One channel over the measured period (after warm-up).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelTotals {
    /// Counts of attempts arriving after warm-up.
    pub counts: Counts,
    /// Time integral of the number waiting, contact-seconds.
    pub queue_area: f64,
    /// Time integral of agents busy on this channel, agent-seconds.
    pub busy_area: f64,
    /// Longest queue (backlog) seen.
    pub max_queue: u32,
    /// Longest wait of an answered contact, seconds.
    pub max_wait_s: f64,
    /// Time from a callback request to the call back, seconds: the 90th
    /// percentile and the longest, in calendar time and in working time
    /// (while the line is open); 0 when no callback was made (the KPIs are
    /// then undefined).
    pub callback_wait_p90_s: f64,
    pub callback_wait_max_s: f64,
    pub callback_working_p90_s: f64,
    pub callback_working_max_s: f64,
    /// People waiting for their redial, return or switch when the horizon
    /// ended.
    pub redial_pending_at_end: f64,
    /// Cost of the lines or counters in place (`cost_per_day`).
    pub capacity_cost: f64,
}

/// One channel in one reporting interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ChannelInterval {
    /// Counts of attempts arriving in the interval.
    pub counts: Counts,
    /// Time integral of the number waiting, contact-seconds.
    pub queue_area: f64,
    /// Time integral of agents busy on this channel, agent-seconds.
    pub busy_area: f64,
    /// Time integral of agents on duty in the pools serving the channel,
    /// agent-seconds.
    pub on_duty_area: f64,
    /// Contacts waiting (the backlog) at the end of the interval, callbacks
    /// owed apart.
    pub backlog_end: f64,
    /// Callbacks owed at the end of the interval.
    pub callbacks_owed_end: f64,
    /// Age of the oldest waiting contact at the end of the interval,
    /// seconds (0 when none waits).
    pub oldest_age_end_s: f64,
    /// Contacts of the channel in service at the end of the interval (staff
    /// busy on it, callbacks being made included).
    pub in_service_end: f64,
}

/// One pool over the measured period, or in one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PoolTally {
    /// Time integral of staff on duty (present, busy or idle), agent-seconds.
    pub on_duty_area: f64,
    /// Time integral of staff busy, agent-seconds.
    pub busy_area: f64,
    /// Time integral of staff busy on deferred work (e-mail), agent-seconds.
    pub deferred_area: f64,
    /// Contacts whose service started.
    pub handled: f64,
    /// Of those, served through an interpreter.
    pub interpreted: f64,
    /// Time integrals of staff on duty by origin, agent-seconds: the pool's
    /// own, redeployed into it, hired (productive), hired in training.
    pub own_area: f64,
    pub redeployed_area: f64,
    pub hired_area: f64,
    pub training_area: f64,
    /// Time integral of staff on the paid roster, staff-seconds.
    pub paid_area: f64,
    /// Time during which the pool's own roster had anyone on duty, seconds
    /// (its opening hours).
    pub rostered_s: f64,
    /// Staff cost (roster hours × rate) plus one-off hiring costs.
    pub cost: f64,
    /// Of which one-off hiring costs.
    pub hiring_cost: f64,
    /// Days at whose end the pool was overloaded (wellbeing model).
    pub overloaded_days: f64,
    /// Own staff who left because of overload.
    pub leavers: f64,
}

/// Everything one replication measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepOutcome {
    /// Replication number.
    pub replication: u64,
    /// Per channel, after warm-up.
    pub channels: Vec<ChannelTotals>,
    /// Per channel and topic, after warm-up: `channel * n_topics + topic`.
    pub topic_counts: Vec<Counts>,
    /// Per pool, after warm-up.
    pub pools: Vec<PoolTally>,
    /// Per interpreting service: time integral of sessions in progress
    /// after warm-up, session-seconds.
    pub interpreter_busy_area: Vec<f64>,
    /// Per interval and channel: index `interval * n_channels + channel`.
    pub channel_intervals: Vec<ChannelInterval>,
    /// Per interval and pool: index `interval * n_pools + pool`.
    pub pool_intervals: Vec<PoolTally>,
    /// Decisions taken on contingency actions, in time order.
    pub firings: Vec<Firing>,
    /// Events processed (for throughput figures).
    pub events: u64,
}

/// A contingency action decided or undone in a replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Firing {
    /// Action index in the model.
    pub action: usize,
    /// `false`: the action was decided; `true`: it was undone.
    pub release: bool,
    /// When it was decided, seconds.
    pub decided_s: f64,
    /// When it takes effect, seconds.
    pub effect_s: f64,
    /// The trigger's measured value (NaN for a date).
    pub value: f64,
}
