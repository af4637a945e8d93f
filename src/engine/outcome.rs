//! What one replication produces: counts and time integrals per channel and
//! pool, for the whole measured period (after warm-up) and per reporting
//! interval. Everything is streamed while simulating: memory depends on the
//! number of intervals, never on the number of contacts.

/// Contact counts, attributed to the interval in which the attempt arrived.
/// Every offered attempt ends as exactly one of answered, abandoned, blocked
/// or waiting at the end: `offered = answered + abandoned + blocked +
/// waiting_at_end`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// First attempts (new callers), whether the channel was open or not.
    pub first_attempts: f64,
    /// Attempts that reached an open channel (first calls and redials).
    pub offered: f64,
    /// Of those, redials.
    pub redials: f64,
    /// Attempts that started service.
    pub answered: f64,
    /// Answered with a wait of at most the service-level threshold.
    pub answered_within: f64,
    /// Answered without waiting at all.
    pub answered_at_once: f64,
    /// Hung up while waiting.
    pub abandoned: f64,
    /// Found every line busy.
    pub blocked: f64,
    /// Still waiting when the horizon ended.
    pub waiting_at_end: f64,
    /// Attempts made while the channel was closed (not offered).
    pub closed: f64,
    /// Sum of the waits of answered attempts, seconds.
    pub wait_answered_s: f64,
    /// Sum of the waits of abandoned attempts, seconds.
    pub wait_abandoned_s: f64,
}

impl Counts {
    /// Adds another tally.
    pub fn add(&mut self, o: &Counts) {
        self.first_attempts += o.first_attempts;
        self.offered += o.offered;
        self.redials += o.redials;
        self.answered += o.answered;
        self.answered_within += o.answered_within;
        self.answered_at_once += o.answered_at_once;
        self.abandoned += o.abandoned;
        self.blocked += o.blocked;
        self.waiting_at_end += o.waiting_at_end;
        self.closed += o.closed;
        self.wait_answered_s += o.wait_answered_s;
        self.wait_abandoned_s += o.wait_abandoned_s;
    }
}

/// One channel over the measured period (after warm-up).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelTotals {
    /// Counts of attempts arriving after warm-up.
    pub counts: Counts,
    /// Time integral of the number waiting, call-seconds.
    pub queue_area: f64,
    /// Time integral of agents busy on this channel, agent-seconds.
    pub busy_area: f64,
    /// Longest queue seen.
    pub max_queue: u32,
    /// Callers waiting for their redial when the horizon ended.
    pub redial_pending_at_end: f64,
}

/// One channel in one reporting interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ChannelInterval {
    /// Counts of attempts arriving in the interval.
    pub counts: Counts,
    /// Time integral of the number waiting, call-seconds.
    pub queue_area: f64,
    /// Time integral of agents busy on this channel, agent-seconds.
    pub busy_area: f64,
    /// Time integral of agents on duty in the pools serving the channel,
    /// agent-seconds.
    pub on_duty_area: f64,
}

/// One pool over the measured period, or in one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PoolTally {
    /// Time integral of staff on duty (present, busy or idle), agent-seconds.
    pub on_duty_area: f64,
    /// Time integral of staff busy, agent-seconds.
    pub busy_area: f64,
}

/// Everything one replication measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepOutcome {
    /// Replication number.
    pub replication: u64,
    /// Per channel, after warm-up.
    pub channels: Vec<ChannelTotals>,
    /// Per pool, after warm-up.
    pub pools: Vec<PoolTally>,
    /// Per interval and channel: index `interval * n_channels + channel`.
    pub channel_intervals: Vec<ChannelInterval>,
    /// Per interval and pool: index `interval * n_pools + pool`.
    pub pool_intervals: Vec<PoolTally>,
    /// Events processed (for throughput figures).
    pub events: u64,
}
