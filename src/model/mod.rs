//! The compiled model: what the engine simulates. Names are resolved to
//! indices, durations are seconds from the scenario start, hours are expanded
//! into time intervals over the horizon, and demand is a piecewise-constant
//! rate per stream. Built once per run by [`compile`] and shared read-only by
//! every replication.

mod action;
mod compile;
mod schedule;
pub mod staffing_table;
mod surge;
pub mod table;
mod warnings;

pub use action::{Action, Effect, Fire, Hire, Metric, Redeploy, Trigger};
pub use compile::{compile, compile_loaded};
pub use schedule::{Intervals, day_ranges};
pub use surge::days_between;

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
    /// Currency of costs.
    pub currency: String,
    /// Channels, in scenario order (sorted by id).
    pub channels: Vec<Channel>,
    /// Topic ids.
    pub topics: Vec<String>,
    /// Per topic: cumulative language shares (last = 1).
    pub topic_languages: Vec<Vec<f64>>,
    /// Handle time per `topic * n_channels + channel`, where defined.
    pub handles: Vec<Option<Dist>>,
    /// Languages (one implicit `all` when the scenario has none).
    pub languages: Vec<Language>,
    /// Interpreting services.
    pub interpreters: Vec<Interpreter>,
    /// Staff pools (sorted by id).
    pub pools: Vec<Pool>,
    /// Demand streams, in scenario order.
    pub demands: Vec<DemandStream>,
    /// Queue classes.
    pub classes: Vec<Class>,
    /// `class_of[((channel * n_topics + topic) * n_languages + language) * 2
    /// + appointment]`, `usize::MAX` when the class cannot occur.
    pub class_of: Vec<usize>,
    /// Contingency actions of the enabled plans (and those in no plan).
    pub actions: Vec<Action>,
    /// Scripted events (`[[injects]]`), in scenario order: what the news
    /// says and when. Their mechanics live in `actions` and `demands`.
    pub injects: Vec<Inject>,
    /// Things worth knowing that do not stop the run (contacts nobody can
    /// serve, for instance).
    pub warnings: Vec<String>,
}

pub use crate::scenario::{ChannelKind, Closing};

/// A scripted event (an `[[injects]]` entry) as the news reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Inject {
    /// The scenario's id.
    pub id: String,
    /// `spike`, `wave`, `outage`, `sick_leave` or `rule`.
    pub kind: &'static str,
    /// The headline shown when it happens.
    pub news: String,
    /// When it starts, seconds.
    pub at_s: f64,
    /// When it ends, seconds (`None`: it lasts or fades by itself).
    pub end_s: Option<f64>,
}

/// A contact channel: a phone line, an e-mail inbox or a walk-in desk.
#[derive(Debug, Clone)]
pub struct Channel {
    /// Channel id.
    pub name: String,
    /// Phone, e-mail or desk.
    pub kind: ChannelKind,
    /// An internal work queue (case files), not contacted by the public:
    /// left out of public-service totals such as the overall service level
    /// of a comparison.
    pub internal: bool,
    /// Phone: most calls in the system at once (in service + waiting);
    /// `None` = unlimited.
    pub lines: Option<u32>,
    /// Desk: most visitors served at once; `None` = unlimited.
    pub counters: Option<u32>,
    /// Patience of waiting callers or visitors; `None` = nobody abandons.
    pub patience: Option<Dist>,
    /// Redial behaviour (phone); `None` = nobody calls again.
    pub redial: Option<RedialModel>,
    /// Service-level threshold, seconds (of business time when `business`
    /// is set).
    pub answer_within_s: f64,
    /// Service-level target share.
    pub sl_target: f64,
    /// When contacts are accepted, as sorted disjoint intervals (always for
    /// e-mail).
    pub open: Intervals,
    /// E-mail with a business clock: the business hours and their prefix
    /// sums (see [`Intervals::measure_before`]).
    pub business: Option<(Intervals, Vec<f64>)>,
    /// Desk: the closing-time rule.
    pub closing: Closing,
    /// Desk: turned-away visitors who come back.
    pub returns: Option<ReturnModel>,
    /// Desk: share of visitors with a booked slot.
    pub appointment_share: f64,
    /// Contacts that give up or are turned away and try another channel.
    pub switch: Option<SwitchModel>,
    /// Mean handle time of the channel's expected contacts, seconds (for
    /// the gate rule).
    pub mean_handle_s: f64,
    /// Pools that serve some of this channel's contacts, highest priority
    /// first.
    pub pools: Vec<usize>,
    /// Cost of one line (phone) or counter (desk) per day.
    pub cost_per_day: f64,
}

impl Channel {
    /// Whether the channel's work is deferred (e-mail) rather than real time.
    pub fn deferred(&self) -> bool {
        self.kind == ChannelKind::Email
    }
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

/// Turned-away desk visitors who come back.
#[derive(Debug, Clone)]
pub struct ReturnModel {
    /// Probability of coming back.
    pub share: f64,
    /// Delay, seconds (moved to the next opening when the desk is closed).
    pub after_s: f64,
}

/// People who switch to another channel.
#[derive(Debug, Clone)]
pub struct SwitchModel {
    /// Target channel.
    pub to: usize,
    /// Probability after finally giving up (busy or abandoned, no redial).
    pub after_abandon: f64,
    /// Probability after being turned away and not returning.
    pub after_turned_away: f64,
    /// Delay before the new contact.
    pub delay: Dist,
}

/// A language.
#[derive(Debug, Clone)]
pub struct Language {
    /// Language id.
    pub name: String,
    /// Multiplier of handle times.
    pub handle_factor: f64,
}

/// An interpreting service.
#[derive(Debug, Clone)]
pub struct Interpreter {
    /// Id.
    pub name: String,
    /// Which languages it interprets (indexed by language).
    pub languages: Vec<bool>,
    /// Sessions at once while available.
    pub capacity: u32,
    /// Seconds added to the handle time.
    pub extra_s: f64,
    /// When it is available.
    pub open: Intervals,
}

/// A staff pool.
#[derive(Debug, Clone)]
pub struct Pool {
    /// Pool id.
    pub name: String,
    /// Staff on the roster.
    pub headcount: u32,
    /// When the pool is on duty.
    pub on_duty: Intervals,
    /// The hours its roster would have had on the public holidays, on which
    /// it is closed (empty without `hours`: such a pool is on duty on
    /// holidays).
    pub holiday_roster: Intervals,
    /// Whether its staff and hires are paid their roster hours on holidays
    /// (without being on duty).
    pub holiday_pay: bool,
    /// Break windows: `(from, to, share)` in seconds after midnight.
    pub breaks: Vec<(f64, f64, f64)>,
    /// Share of staff absent on a day.
    pub absence: f64,
    /// Handle times are divided by this.
    pub speed: f64,
    /// Cost per staff hour on the roster.
    pub cost_per_hour: f64,
    /// Share of on-duty staff kept for deferred work.
    pub deferred_share: f64,
    /// Languages spoken, indexed by language.
    pub languages: Vec<bool>,
    /// What the pool serves: queue classes with their priority level.
    pub routes: Vec<Route>,
    /// Effects of sustained overload, if modelled.
    pub wellbeing: Option<WellbeingModel>,
    /// Contract hours per person per week, seconds.
    pub weekly_s: f64,
    /// Agents on duty from a staffing table, as change points `(t, agents)`
    /// (empty: headcount × hours); `headcount` is then at least the
    /// largest number, and the roster's share on duty is agents ÷
    /// headcount.
    pub staffing: Vec<(f64, u32)>,
}

/// Effects of sustained overload on a pool's staff, checked at the end of
/// every day.
#[derive(Debug, Clone, PartialEq)]
pub struct WellbeingModel {
    /// Overloaded when occupancy over the window is above this.
    pub occupancy_over: f64,
    /// Trailing window, in reporting intervals.
    pub window: usize,
    /// Absence share added while overloaded.
    pub absence_up: f64,
    /// Probability per day that one of the pool's own staff leaves while
    /// overloaded.
    pub leave_per_day: f64,
}

/// One queue class a pool may serve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Route {
    /// Class index.
    pub class: usize,
    /// Priority level (0 = highest).
    pub level: u32,
    /// Interpreter needed (the pool lacks the language), if any.
    pub interpreter: Option<usize>,
}

/// A queue: contacts of one topic in one language on one channel (desk
/// appointments have a queue of their own).
#[derive(Debug, Clone)]
pub struct Class {
    /// Channel index.
    pub channel: usize,
    /// Topic index.
    pub topic: usize,
    /// Language index.
    pub language: usize,
    /// Desk visitors with a booked slot.
    pub appointment: bool,
    /// Pools that serve it, in the order an arriving contact tries them:
    /// pools speaking the language first, by priority level, then those
    /// needing an interpreter.
    pub pools: Vec<(usize, Option<usize>)>,
}

impl Pool {
    /// The roster's shape: `(time, share of the present staff on duty)` from
    /// time 0, each holding until the next; 0 off duty, `1 - share` during
    /// breaks. Steps are added at each midnight when absence varies by day.
    pub fn duty_shape(&self, horizon_s: f64) -> Vec<(f64, f64)> {
        if !self.staffing.is_empty() {
            return self.table_shape(horizon_s);
        }
        let mut points: Vec<f64> = vec![0.0];
        for &(a, b) in self.on_duty.spans() {
            points.push(a);
            points.push(b);
        }
        let days = (horizon_s / DAY_S).ceil() as usize;
        for d in 0..days {
            let base = d as f64 * DAY_S;
            if self.absence > 0.0 {
                points.push(base);
            }
            for &(a, b, _) in &self.breaks {
                points.push(base + a);
                points.push(base + b);
            }
        }
        points.retain(|&t| t < horizon_s);
        points.sort_by(f64::total_cmp);
        points.dedup();
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len());
        for t in points {
            let frac = if self.on_duty.contains(t) {
                let tod = t - (t / DAY_S).floor() * DAY_S;
                let off: f64 = self
                    .breaks
                    .iter()
                    .filter(|&&(a, b, _)| tod >= a && tod < b)
                    .map(|&(_, _, s)| s)
                    .sum();
                (1.0 - off).max(0.0)
            } else {
                0.0
            };
            out.push((t, frac));
        }
        out
    }

    /// [`Self::duty_shape`] of a pool whose staff on duty come from a
    /// staffing table: agents ÷ headcount at each of the table's change
    /// points, and at each midnight when absence varies by day.
    fn table_shape(&self, horizon_s: f64) -> Vec<(f64, f64)> {
        let head = f64::from(self.headcount.max(1));
        let mut points: Vec<f64> = self.staffing.iter().map(|&(t, _)| t).collect();
        points.push(0.0);
        if self.absence > 0.0 {
            let days = (horizon_s / DAY_S).ceil() as usize;
            points.extend((0..days).map(|d| d as f64 * DAY_S));
        }
        points.retain(|&t| t < horizon_s);
        points.sort_by(f64::total_cmp);
        points.dedup();
        points
            .into_iter()
            .map(|t| {
                let i = self.staffing.partition_point(|&(a, _)| a <= t);
                let agents = if i > 0 { self.staffing[i - 1].1 } else { 0 };
                (t, f64::from(agents) / head)
            })
            .collect()
    }

    /// Steps of the number of staff on duty with everybody present:
    /// `(time, count)` from time 0, each holding until the next.
    pub fn duty_steps(&self, horizon_s: f64) -> Vec<(f64, u32)> {
        let mut out: Vec<(f64, u32)> = self
            .duty_shape(horizon_s)
            .into_iter()
            .map(|(t, f)| (t, staff_on_duty(self.headcount, f)))
            .collect();
        out.dedup_by(|b, a| a.1 == b.1);
        out
    }

    /// Rostered staff hours over `[from, to)` (absence and breaks are paid,
    /// and holidays when the pool pays them).
    pub fn paid_hours(&self, from: f64, to: f64) -> f64 {
        let holidays = if self.holiday_pay {
            self.holiday_roster.overlap(from, to)
        } else {
            0.0
        };
        f64::from(self.headcount) * (self.on_duty.overlap(from, to) + holidays) / 3600.0
    }
}

/// Staff on duty out of `present` when a share `frac` of them works.
pub fn staff_on_duty(present: u32, frac: f64) -> u32 {
    (f64::from(present) * frac).round() as u32
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
    /// Where the entry came from (`demand[2]`, `newcomers[0].contacts[1]`).
    pub origin: String,
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
    /// The demand streams that inject `i` (a spike or a wave) adds, by
    /// index into `demands`. They come after the scenario's own streams, in
    /// the order of the injects; each names its entry (`injects[N]`) as its
    /// origin.
    pub fn inject_streams(&self, i: usize) -> Vec<usize> {
        let entry = |d: &DemandStream| {
            d.origin
                .strip_prefix("injects[")
                .and_then(|rest| rest.split(']').next())
                .map(str::to_string)
        };
        let mut entries: Vec<String> = Vec::new();
        for d in &self.demands {
            if let Some(e) = entry(d)
                && !entries.contains(&e)
            {
                entries.push(e);
            }
        }
        let with_streams: Vec<usize> = (0..self.injects.len())
            .filter(|&k| matches!(self.injects[k].kind, "spike" | "wave"))
            .collect();
        let Some(pos) = with_streams.iter().position(|&k| k == i) else {
            return Vec::new();
        };
        let Some(e) = entries.get(pos) else {
            return Vec::new();
        };
        (0..self.demands.len())
            .filter(|&d| entry(&self.demands[d]).as_ref() == Some(e))
            .collect()
    }

    /// The inject's effect in words: the actions it works through, or the
    /// extra contacts it brings within the horizon.
    pub fn describe_inject(&self, i: usize) -> String {
        let acts: Vec<String> = self
            .actions
            .iter()
            .filter(|a| a.inject == Some(i))
            .map(|a| a.effect_words(self))
            .collect();
        if !acts.is_empty() {
            return acts.join("; ");
        }
        let streams = self.inject_streams(i);
        let mut by_channel: Vec<(usize, usize, f64)> = Vec::new();
        for d in streams {
            let s = &self.demands[d];
            let n = s.expected_between(0.0, self.horizon_s, self.horizon_s);
            match by_channel
                .iter_mut()
                .find(|(t, c, _)| *t == s.topic && *c == s.channel)
            {
                Some(x) => x.2 += n,
                None => by_channel.push((s.topic, s.channel, n)),
            }
        }
        let parts: Vec<String> = by_channel
            .iter()
            .map(|&(t, c, n)| format!("{:.0} {} on {}", n, self.topics[t], self.channels[c].name))
            .collect();
        format!(
            "extra first contacts expected within the horizon: {}",
            if parts.is_empty() {
                "none".to_string()
            } else {
                parts.join(", ")
            }
        )
    }

    /// The class of a contact, if it can occur.
    #[inline]
    pub fn class_index(
        &self,
        channel: usize,
        topic: usize,
        language: usize,
        appointment: bool,
    ) -> Option<usize> {
        let i = ((channel * self.topics.len() + topic) * self.languages.len() + language) * 2
            + usize::from(appointment);
        self.class_of.get(i).copied().filter(|&k| k != usize::MAX)
    }

    /// Handle-time distribution of a topic on a channel.
    pub fn handle(&self, topic: usize, channel: usize) -> Option<&Dist> {
        self.handles[topic * self.channels.len() + channel].as_ref()
    }

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
