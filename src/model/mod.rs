//! The compiled model: what the engine simulates. Names are resolved to
//! indices, durations are seconds from the scenario start, hours are expanded
//! into time intervals over the horizon, and demand is a piecewise-constant
//! rate per stream. Built once per run by [`compile`] and shared read-only by
//! every replication.

mod compile;
mod schedule;
mod surge;

pub use compile::{compile, compile_loaded};
pub use schedule::{Intervals, day_ranges};

use crate::dist::Dist;

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;

/// A scenario ready to simulate.
#[derive(Debug, Clone)]
pub struct Model {
    /// Scenario name.
    pub name: String,
    /// Scenario description.
    pub description: String,
    /// Sources and notes.
    pub sources: Vec<String>,
    /// Date of day 0.
    pub start: jiff::civil::Date,
    /// Number of simulated days.
    pub days: u32,
    /// End of the simulated time, seconds.
    pub horizon_s: f64,
    /// Reporting interval, seconds.
    pub interval_s: f64,
    /// Number of reporting intervals (the last may be shorter).
    pub n_intervals: usize,
    /// KPIs exclude contacts arriving before this time, seconds.
    pub warmup_s: f64,
    /// Coefficient of variation of the per-replication demand level (0 = none).
    pub level_cv: f64,
    /// Coefficient of variation of the per-day demand factor (0 = none).
    pub daily_cv: f64,
    /// Master seed.
    pub seed: u64,
    /// Replications to run.
    pub replications: u32,
    /// Hash of the scenario text (empty for models built in code).
    pub scenario_hash: String,
    /// Channels, in scenario order (sorted by id).
    pub channels: Vec<Channel>,
    /// Topic ids.
    pub topics: Vec<String>,
    /// Staff pools (sorted by id).
    pub pools: Vec<Pool>,
    /// Demand streams, in scenario order.
    pub demands: Vec<DemandStream>,
}

/// A phone channel.
#[derive(Debug, Clone)]
pub struct Channel {
    /// Channel id.
    pub name: String,
    /// Most calls in the system at once (in service + waiting); `None` = unlimited.
    pub lines: Option<u32>,
    /// Patience of waiting callers; `None` = nobody abandons.
    pub patience: Option<Dist>,
    /// Redial behaviour; `None` = nobody calls again.
    pub redial: Option<RedialModel>,
    /// Service-level threshold, seconds.
    pub answer_within_s: f64,
    /// Service-level target share.
    pub sl_target: f64,
    /// When the channel is open, as sorted disjoint intervals.
    pub open: Intervals,
    /// Pools that answer this channel, highest priority first.
    pub pools: Vec<usize>,
}

/// How callers call again.
#[derive(Debug, Clone)]
pub struct RedialModel {
    /// Probability of calling again after a busy signal.
    pub after_busy: f64,
    /// Probability of calling again after giving up.
    pub after_abandon: f64,
    /// Delay before the next attempt.
    pub delay: Dist,
    /// Most attempts per caller (first included).
    pub max_attempts: u32,
}

/// A staff pool.
#[derive(Debug, Clone)]
pub struct Pool {
    /// Pool id.
    pub name: String,
    /// Headcount on duty during its hours.
    pub headcount: u32,
    /// Channels served, highest priority first.
    pub serves: Vec<usize>,
    /// When the pool is on duty.
    pub on_duty: Intervals,
}

impl Pool {
    /// Steps of the number of staff on duty: `(time, count)` from time 0,
    /// each holding until the next.
    pub fn duty_steps(&self) -> Vec<(f64, u32)> {
        let mut steps = vec![(0.0, 0)];
        for &(a, b) in self.on_duty.spans() {
            steps.push((a, self.headcount));
            steps.push((b, 0));
        }
        // Merge steps at equal times (the later wins) and drop no-ops.
        let mut out: Vec<(f64, u32)> = Vec::with_capacity(steps.len());
        for (t, n) in steps {
            if let Some(last) = out.last_mut()
                && last.0 == t
            {
                last.1 = n;
                continue;
            }
            out.push((t, n));
        }
        out.dedup_by(|b, a| a.1 == b.1);
        out
    }
}

/// One piece of a piecewise-constant arrival rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    /// Start of the piece, seconds; it lasts until the next piece starts.
    pub start_s: f64,
    /// Arrivals per second during the piece.
    pub rate_per_s: f64,
}

/// Contacts of one topic on one channel.
#[derive(Debug, Clone)]
pub struct DemandStream {
    /// Topic index.
    pub topic: usize,
    /// Channel index.
    pub channel: usize,
    /// The arrival rate over the horizon; the first piece starts at 0.
    pub pieces: Vec<Piece>,
    /// Handle time of these contacts.
    pub handle: Dist,
}

impl DemandStream {
    /// Expected number of arrivals in `[from_s, to_s)`.
    pub fn expected_between(&self, from_s: f64, to_s: f64, horizon_s: f64) -> f64 {
        let mut total = 0.0;
        for (i, p) in self.pieces.iter().enumerate() {
            let end = self.pieces.get(i + 1).map_or(horizon_s, |n| n.start_s);
            let a = p.start_s.max(from_s);
            let b = end.min(to_s);
            if b > a {
                total += p.rate_per_s * (b - a);
            }
        }
        total
    }
}

impl Model {
    /// Date and time of a moment, seconds after the start.
    pub fn datetime_at(&self, t_s: f64) -> jiff::civil::DateTime {
        let day = (t_s / DAY_S).floor();
        let secs = (t_s - day * DAY_S).round() as i64;
        let date = self
            .start
            .checked_add(jiff::Span::new().days(day as i64))
            .unwrap_or(self.start);
        let midnight = date.to_datetime(jiff::civil::Time::midnight());
        midnight
            .checked_add(jiff::Span::new().seconds(secs))
            .unwrap_or(midnight)
    }

    /// Start time of reporting interval `i`, seconds.
    pub fn interval_start(&self, i: usize) -> f64 {
        i as f64 * self.interval_s
    }

    /// Length of reporting interval `i` (the last may be cut by the horizon).
    pub fn interval_len(&self, i: usize) -> f64 {
        (self.horizon_s - self.interval_start(i)).min(self.interval_s)
    }
}
