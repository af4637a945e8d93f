//! The scenario file as the user writes it: serde types that mirror the TOML
//! one to one, with `deny_unknown_fields` everywhere so that a typo is an
//! error, never a silently ignored key.
//!
//! A scenario has these parts (see the README's scenario reference):
//!
//! ```toml
//! [scenario]            # name, start date, length, reporting interval, seed …
//! [calendar]            # public holidays
//! [uncertainty]         # demand level and daily factors
//! [languages.uk]        # languages (optional)
//! [interpreters.remote] # interpreting services (optional)
//! [channels.hotline]    # kind = "phone" | "email" | "desk" and their keys
//! [topics.protection]   # channel and language shares, handle time per channel
//! [[demand]]            # contacts of a topic per day or hour, with surges
//! [[newcomers]]         # people arriving who make contacts later (optional)
//! [pools.phone_team]    # staff: serves, languages, hours, breaks, absence, speed, cost
//! ```
//!
//! Parsing ([`load`]) turns text into these types and collects every
//! structural problem (unknown keys, wrong types, bad units) with its key path
//! and line; [`crate::model::compile`] then checks meaning (references, ranges)
//! and builds the index-based [`crate::model::Model`].

mod diagnostic;
mod load;
mod single_queue;
mod strict;
mod variant;

pub use diagnostic::{
    Diagnostic, Diagnostics, SourceMap, join as join_path, suggest as closest_hint, suggest_list,
};
pub use load::{
    LoadedScenario, MAX_SCENARIO_BYTES, MAX_TABLE_BYTES, load_file, parse_str, parse_variant,
    read_text,
};
pub use single_queue::SingleQueue;
pub use strict::{FACTOR_RANGE, MAX_COUNT, MAX_MONEY};
pub use variant::VariantInfo;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::units::{Duration, Rate};

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name, dates, reporting and Monte Carlo settings.
    #[serde(deserialize_with = "strict::table")]
    pub scenario: Settings,
    /// Calendar facts shared by all channels and pools.
    #[serde(default, deserialize_with = "strict::table")]
    pub calendar: Calendar,
    /// How uncertain the demand is.
    #[serde(default, deserialize_with = "strict::table")]
    pub uncertainty: Uncertainty,
    /// Languages by id (absent: one language, nothing language-specific).
    #[serde(default, deserialize_with = "strict::table_map")]
    pub languages: BTreeMap<String, Language>,
    /// Interpreting services by id.
    #[serde(default, deserialize_with = "strict::table_map")]
    pub interpreters: BTreeMap<String, Interpreter>,
    /// Contact channels by id: phone lines, e-mail inboxes, walk-in desks.
    #[serde(default, deserialize_with = "strict::table_map")]
    pub channels: BTreeMap<String, Channel>,
    /// Topics (inquiry types) by id.
    #[serde(default, deserialize_with = "strict::table_map")]
    pub topics: BTreeMap<String, Topic>,
    /// Demand streams: which topic arrives on which channel, how many, when.
    #[serde(default, deserialize_with = "strict::table_list")]
    pub demand: Vec<Demand>,
    /// Newcomers (applicants) who each generate contacts after a delay.
    #[serde(default, deserialize_with = "strict::table_list")]
    pub newcomers: Vec<Newcomers>,
    /// Staff pools by id.
    #[serde(default, deserialize_with = "strict::table_map")]
    pub pools: BTreeMap<String, Pool>,
    /// Contingency plans by id: named groups of actions switched on or off
    /// as a whole.
    #[serde(default, deserialize_with = "strict::table_map")]
    pub plans: BTreeMap<String, Plan>,
    /// Contingency actions.
    #[serde(default, deserialize_with = "strict::table_list")]
    pub actions: Vec<Action>,
}

/// A `[plans.ID]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the plan's actions take part in the run.
    pub enabled: bool,
}

/// Kinds of contingency action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// External recruitment of a class of new staff into a pool.
    #[default]
    Hire,
    /// Staff moved from one pool to another.
    Redeploy,
    /// New opening hours of a channel or roster of a pool.
    Hours,
    /// A new number of phone lines.
    Lines,
    /// A new number of desk counters.
    Counters,
    /// Online information takes a share of a topic's contacts away.
    Deflect,
    /// Handle times of a topic multiplied by a factor (templates).
    ModelAnswers,
    /// A channel (a dedicated crisis line or inbox) takes over a share of a
    /// topic's new contacts.
    OpenChannel,
    /// Psychological support: damps the effects of overload on a pool's
    /// staff (see the pool's `wellbeing`).
    Support,
    /// Callers facing a long wait are offered a call back.
    Callbacks,
}

/// A trigger condition: a metric of the running replication over a trailing
/// window, compared with a threshold, holding for a time.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// `service_level`, `asa_s`, `abandon_share`, `queue`, `backlog`,
    /// `oldest_age_s`, `offered` (channel metrics) or `occupancy` (pool).
    pub metric: String,
    /// Channel id (channel metrics).
    #[serde(default)]
    pub channel: Option<String>,
    /// Pool id (`occupancy`).
    #[serde(default)]
    pub pool: Option<String>,
    /// Holds when the metric is below this.
    #[serde(default)]
    pub below: Option<f64>,
    /// Holds when the metric is above this.
    #[serde(default)]
    pub above: Option<f64>,
    /// Trailing window the metric is measured over (whole reporting
    /// intervals; default one day).
    #[serde(default)]
    pub window: Option<Duration>,
    /// How long the condition must hold before it counts (default: one
    /// check).
    #[serde(default, rename = "for")]
    pub hold: Option<Duration>,
}

/// An `[[actions]]` entry. Which keys apply depends on `kind`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Name used in logs and outputs.
    pub id: String,
    /// What the action does.
    pub kind: ActionKind,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// The plan it belongs to (absent: always on).
    #[serde(default)]
    pub plan: Option<String>,
    /// `false` leaves the action out (a variant can switch one action off).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Decided on this date (00:00), or at this local date-time
    /// (`2022-03-08T14:00:00`).
    #[serde(default)]
    pub at: Option<Moment>,
    /// Or decided when this condition holds.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub when: Option<Condition>,
    /// Time from the decision to the effect.
    #[serde(default)]
    pub delay: Option<Duration>,
    /// Undone on this date (00:00), or at this local date-time.
    #[serde(default)]
    pub until: Option<Moment>,
    /// Or undone when this condition holds (after the effect).
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub release: Option<Condition>,
    /// Or undone this long after its effect started.
    #[serde(default)]
    pub duration: Option<Duration>,
    /// Hire, redeploy, hours: the pool concerned (hire: the pool they join).
    #[serde(default)]
    pub pool: Option<String>,
    /// Redeploy: the pool they leave; open channel: the channel whose
    /// contacts it takes over (default: every other channel).
    #[serde(default)]
    pub from: Option<String>,
    /// Redeploy: the pool they join.
    #[serde(default)]
    pub to: Option<String>,
    /// Hire, redeploy: number of staff.
    #[serde(default, deserialize_with = "strict::opt_count")]
    pub count: Option<u32>,
    /// Redeploy: share of the home pool's headcount (instead of `count`).
    #[serde(default)]
    pub share: Option<f64>,
    /// Hire: recruitment lead time from the decision.
    #[serde(default)]
    pub lead_time: Option<Duration>,
    /// Hire: training period (paid, not productive).
    #[serde(default)]
    pub training: Option<Duration>,
    /// Hire, redeploy: speed at the start, as a share of full speed.
    #[serde(default)]
    pub start_speed: Option<f64>,
    /// Hire, redeploy: time to reach full speed (linear).
    #[serde(default)]
    pub ramp: Option<Duration>,
    /// Hire: share of hires who leave per month.
    #[serde(default)]
    pub attrition_per_month: Option<f64>,
    /// Hire: contract length from arrival.
    #[serde(default)]
    pub contract: Option<Duration>,
    /// Hire: cost of one staff hour on the roster.
    #[serde(default, deserialize_with = "strict::opt_money")]
    pub cost_per_hour: Option<f64>,
    /// Hire: one-off cost per hire.
    #[serde(default, deserialize_with = "strict::opt_money")]
    pub cost_per_hire: Option<f64>,
    /// Hire: staff who train the hires, off their own work during training.
    #[serde(default, deserialize_with = "strict::opt_count")]
    pub trainers: Option<u32>,
    /// Hire: the pool the trainers come from (default: the hires' pool).
    #[serde(default)]
    pub trainers_from: Option<String>,
    /// Redeploy: time from the decision's effect to work in the new pool.
    #[serde(default)]
    pub switch_over: Option<Duration>,
    /// Hours: the channel whose opening hours change.
    #[serde(default)]
    pub channel: Option<String>,
    /// Hours: the new hours; hire: the hires' roster (default the pool's).
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub hours: Option<WeekHours>,
    /// Lines: the new number of lines.
    #[serde(default, deserialize_with = "strict::opt_count")]
    pub lines: Option<u32>,
    /// Counters: the new number of counters.
    #[serde(default, deserialize_with = "strict::opt_count")]
    pub counters: Option<u32>,
    /// Deflect, model answers: the topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Deflect: share of the topic's contacts taken away at full effect.
    #[serde(default)]
    pub deflect: Option<f64>,
    /// Deflect: time from the effect's start to its full size (linear).
    #[serde(default)]
    pub adoption: Option<Duration>,
    /// Model answers: handle-time multiplier.
    #[serde(default, deserialize_with = "strict::opt_factor")]
    pub factor: Option<f64>,
    /// Open channel: share of the topic's new contacts it takes over.
    #[serde(default)]
    pub takes: Option<f64>,
    /// Support: share of the overload effects removed (0–1).
    #[serde(default)]
    pub damping: Option<f64>,
    /// Hours (pool): most overtime per person per week.
    #[serde(default)]
    pub overtime_cap: Option<Duration>,
    /// Hours (pool): pay multiplier of overtime hours (default 1.5).
    #[serde(default)]
    pub overtime_rate: Option<f64>,
    /// Callbacks: offered when the expected wait is above this.
    #[serde(default)]
    pub offer_over: Option<Duration>,
    /// Callbacks: share of the callers offered one who accept.
    #[serde(default)]
    pub accept: Option<f64>,
    /// Callbacks: the promised time to call back.
    #[serde(default)]
    pub within: Option<Duration>,
}

/// The `[scenario]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Short name shown in outputs.
    pub name: String,
    /// What the scenario represents (free text).
    #[serde(default)]
    pub description: Option<String>,
    /// Date of day 0 (gives the weekdays), e.g. `2022-03-07`.
    pub start: Date,
    /// Length of the simulated horizon in days.
    pub days: u32,
    /// Reporting interval (`"15m"`, `"1h"`, `"1d"`); must divide a day.
    #[serde(default = "default_interval")]
    pub interval: Duration,
    /// Time at the start excluded from the KPIs (steady-state studies).
    #[serde(default)]
    pub warmup: Duration,
    /// Master seed of all random streams.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Number of Monte Carlo replications.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Sources and notes (cited figures, estimates), shown in reports.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Currency of costs (a label, e.g. `"EUR"`).
    #[serde(default = "default_currency")]
    pub currency: String,
}

fn default_currency() -> String {
    "EUR".into()
}

fn default_interval() -> Duration {
    Duration::from_secs(3600.0)
}
fn default_seed() -> u64 {
    1
}
fn default_replications() -> u32 {
    100
}

/// The `[calendar]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Public holidays: every channel and pool is closed on these dates.
    #[serde(default)]
    pub holidays: Vec<Date>,
}

/// The `[uncertainty]` table: demand is not known in advance.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// Coefficient of variation of a per-replication level factor (gamma,
    /// mean 1) that multiplies all demand: how wrong the forecast may be.
    #[serde(default)]
    pub level_cv: f64,
    /// Coefficient of variation of a per-day factor (gamma, mean 1, drawn
    /// independently for each day) that multiplies all demand of that day.
    #[serde(default)]
    pub daily_cv: f64,
}

/// Kinds of channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// Real-time calls with lines, patience and redials.
    #[default]
    Phone,
    /// Deferred work (e-mail, web forms): a backlog, no abandonment.
    Email,
    /// Walk-in service point with counters.
    Desk,
}

impl ChannelKind {
    /// The word for people: `phone`, `e-mail`, `desk`.
    pub fn word(self) -> &'static str {
        match self {
            ChannelKind::Phone => "phone",
            ChannelKind::Email => "e-mail",
            ChannelKind::Desk => "desk",
        }
    }
}

/// A `[channels.ID]` table. Which keys apply depends on `kind`; the model
/// compiler rejects keys that do not apply to the kind.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// `"phone"`, `"email"` or `"desk"`.
    pub kind: ChannelKind,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// An internal work queue (case files, decisions), not a channel the
    /// public contacts: left out of public-service totals.
    #[serde(default)]
    pub internal: bool,
    /// Opening hours per weekday; absent = always open.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub hours: Option<WeekHours>,
    /// Phone: number of trunk lines (calls in service + waiting); beyond it
    /// callers hear a busy signal. Absent = unlimited.
    #[serde(default, deserialize_with = "strict::opt_count")]
    pub lines: Option<u32>,
    /// Phone: how long a caller waits before hanging up. Absent = nobody
    /// abandons.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub patience: Option<DistSpec>,
    /// Phone: callers who call again after a busy signal or after giving up.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub redial: Option<Redial>,
    /// Service-level threshold: answered within this wait (default `"20s"`).
    #[serde(default)]
    pub answer_within: Option<Duration>,
    /// Service-level target as a share, e.g. `0.8` (default 0.8).
    #[serde(default)]
    pub service_level_target: Option<f64>,
    /// E-mail: how the target wait is counted, `"calendar"` (default) or
    /// `"business"` (only time within `business_hours`).
    #[serde(default)]
    pub clock: Option<Clock>,
    /// E-mail: office hours for the business clock.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub business_hours: Option<WeekHours>,
    /// Desk: service points; at most this many visitors are served at once.
    #[serde(default, deserialize_with = "strict::opt_count")]
    pub counters: Option<u32>,
    /// Desk: what happens towards closing time.
    #[serde(default)]
    pub closing: Option<Closing>,
    /// Desk: visitors turned away who come back on a later day.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub returns: Option<Returns>,
    /// Desk: share of visitors with a booked slot.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub appointments: Option<Appointments>,
    /// Phone and desk: people who give up or are turned away and try
    /// another channel instead.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub switch: Option<Switch>,
    /// Phone: cost of one line per day; desk: cost of one counter per day
    /// (in the scenario's currency; counts the lines or counters in place,
    /// actions included).
    #[serde(default, deserialize_with = "strict::opt_money")]
    pub cost_per_day: Option<f64>,
}

/// How an e-mail channel counts the time to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    /// Elapsed time, nights and weekends included.
    Calendar,
    /// Only time within the channel's `business_hours`.
    Business,
}

/// A desk's rule for closing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Closing {
    /// The gate closes at closing time; everyone inside is served while
    /// staff are on duty.
    ServeAll,
    /// Before closing, visitors are turned away at the gate when the queue
    /// ahead of them cannot be served before closing time.
    Gate,
}

/// The `returns` table of a desk.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Returns {
    /// Share of turned-away visitors who come back (0–1).
    pub share: f64,
    /// Time until they come back (moved to the next opening if closed).
    #[serde(default)]
    pub after: Option<Duration>,
}

/// The `appointments` table of a desk.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Appointments {
    /// Share of visitors who booked a slot (0–1); they arrive at their slot
    /// time and are served before walk-in visitors.
    pub share: f64,
}

/// The `switch` table of a phone or desk channel.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    /// Channel id they turn to.
    pub to: String,
    /// Share of callers who finally gave up (no redial) and switch.
    #[serde(default)]
    pub after_abandon: f64,
    /// Share of visitors turned away (and not returning) who switch.
    #[serde(default)]
    pub after_turned_away: f64,
    /// Time until the new contact.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub delay: Option<DistSpec>,
}

/// A `[languages.ID]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Multiplier of handle times for contacts in this language (default 1).
    #[serde(default, deserialize_with = "strict::opt_factor")]
    pub handle_factor: Option<f64>,
}

/// An `[interpreters.ID]` table: a limited interpreting service.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Interpreter {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Languages it interprets.
    pub languages: Vec<String>,
    /// Sessions at once.
    #[serde(deserialize_with = "strict::count")]
    pub capacity: u32,
    /// Handle time added when an agent works through an interpreter.
    pub extra: Duration,
    /// When it is available; absent = always.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub hours: Option<WeekHours>,
}

/// The `redial` table of a phone channel.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Redial {
    /// Share of callers who call again after a busy signal (0–1).
    #[serde(default)]
    pub after_busy: f64,
    /// Share of callers who call again after giving up (0–1).
    #[serde(default)]
    pub after_abandon: f64,
    /// Time from the failed attempt to the next one.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub delay: Option<DistSpec>,
    /// Most attempts per caller, the first included (absent = no limit).
    #[serde(default, deserialize_with = "strict::opt_count")]
    pub max_attempts: Option<u32>,
}

/// A `[topics.ID]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Handle-time distribution per channel id.
    #[serde(deserialize_with = "strict::table_map")]
    pub handle: BTreeMap<String, DistSpec>,
    /// Shares of the topic's contacts per channel id (sum 1), used by
    /// demand and newcomer entries that name no channel.
    #[serde(default)]
    pub channels: Option<BTreeMap<String, f64>>,
    /// Shares of the topic's contacts per language id (sum 1).
    #[serde(default)]
    pub languages: Option<BTreeMap<String, f64>>,
}

/// A `[[demand]]` entry: contacts of one topic on one channel.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Topic id.
    pub topic: String,
    /// Channel id; absent = split by the topic's `channels` shares.
    #[serde(default)]
    pub channel: Option<String>,
    /// A constant arrival rate while the channel is open (`"22/min"`).
    #[serde(default)]
    pub rate: Option<Rate>,
    /// Or: contacts per day (on a weekday with factor 1), spread over the
    /// day by `hour_weights`, or evenly over the opening hours.
    #[serde(default)]
    pub per_day: Option<f64>,
    /// Multipliers of `per_day` by weekday (default 1 each).
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub weekday_factors: Option<WeekdayFactors>,
    /// 24 relative weights, hour 0 to hour 23 (contacts in closed hours are
    /// not offered and are counted as such).
    #[serde(default)]
    pub hour_weights: Option<Vec<f64>>,
    /// Extra contacts per day on top of `per_day`.
    #[serde(default, deserialize_with = "strict::table_list")]
    pub surges: Vec<Surge>,
}

/// A `[[newcomers]]` entry: people arriving (applicants) who each generate
/// contacts on several channels after delays.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Newcomers {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Newcomers per day (on a weekday with factor 1).
    #[serde(default)]
    pub per_day: Option<f64>,
    /// Multipliers of `per_day` by weekday.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub weekday_factors: Option<WeekdayFactors>,
    /// Extra newcomers per day.
    #[serde(default, deserialize_with = "strict::table_list")]
    pub surges: Vec<Surge>,
    /// The contacts each newcomer makes.
    #[serde(deserialize_with = "strict::table_list")]
    pub contacts: Vec<NewcomerContact>,
}

/// One kind of contact a newcomer makes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewcomerContact {
    /// Topic id.
    pub topic: String,
    /// Channel id; absent = split by the topic's `channels` shares.
    #[serde(default)]
    pub channel: Option<String>,
    /// Mean number of such contacts per newcomer.
    pub per_person: f64,
    /// Time from arrival to the contact (its day; the hour follows
    /// `hour_weights` or the channel's opening hours).
    #[serde(deserialize_with = "strict::table")]
    pub delay: DistSpec,
    /// 24 relative weights for the hour of the day.
    #[serde(default)]
    pub hour_weights: Option<Vec<f64>>,
}

/// Shapes of a surge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SurgeShape {
    /// Full height from `start` (until `end`, if given).
    Step,
    /// Rises linearly from 0 at `start` to full height after `ramp`.
    Ramp,
    /// Rises linearly to `peak_per_day` after `to_peak`, then halves every
    /// `half_life`.
    RampDecay,
    /// S-curve centred on `midpoint`, rising from 10 % to 90 % of its height
    /// within `growth`.
    Logistic,
    /// A daily table read from a CSV file (`date,contacts`).
    Table,
}

/// A `[[demand.surges]]` entry: extra contacts per day of a shape.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Surge {
    /// The shape.
    pub shape: SurgeShape,
    /// First day (step, ramp, ramp_decay).
    #[serde(default)]
    pub start: Option<Date>,
    /// Day after the last (step, ramp); absent = until the horizon ends.
    #[serde(default)]
    pub end: Option<Date>,
    /// Height: extra contacts per day at full strength.
    #[serde(default)]
    pub peak_per_day: Option<f64>,
    /// Ramp: time from `start` to full height.
    #[serde(default)]
    pub ramp: Option<Duration>,
    /// Ramp-and-decay: time from `start` to the peak.
    #[serde(default)]
    pub to_peak: Option<Duration>,
    /// Ramp-and-decay: time in which the surge halves after its peak.
    #[serde(default)]
    pub half_life: Option<Duration>,
    /// Logistic: the day at which the surge is at half height.
    #[serde(default)]
    pub midpoint: Option<Date>,
    /// Logistic: time to rise from 10 % to 90 % of the height.
    #[serde(default)]
    pub growth: Option<Duration>,
    /// Table: CSV file with columns `date,contacts`, relative to the
    /// scenario file.
    #[serde(default)]
    pub file: Option<String>,
}

/// Multipliers per weekday.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeekdayFactors {
    /// Monday.
    #[serde(default = "one")]
    pub mon: f64,
    /// Tuesday.
    #[serde(default = "one")]
    pub tue: f64,
    /// Wednesday.
    #[serde(default = "one")]
    pub wed: f64,
    /// Thursday.
    #[serde(default = "one")]
    pub thu: f64,
    /// Friday.
    #[serde(default = "one")]
    pub fri: f64,
    /// Saturday.
    #[serde(default = "one")]
    pub sat: f64,
    /// Sunday.
    #[serde(default = "one")]
    pub sun: f64,
}

fn one() -> f64 {
    1.0
}

impl WeekdayFactors {
    /// Factors Monday first, with their key names.
    pub fn by_day(&self) -> [(&'static str, f64); 7] {
        [
            ("mon", self.mon),
            ("tue", self.tue),
            ("wed", self.wed),
            ("thu", self.thu),
            ("fri", self.fri),
            ("sat", self.sat),
            ("sun", self.sun),
        ]
    }
}

/// A `[pools.ID]` table: a group of interchangeable staff.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Staff on duty during the pool's hours.
    #[serde(deserialize_with = "strict::count")]
    pub headcount: u32,
    /// What this pool answers, highest priority first: `"channel"` (all its
    /// topics) or `"channel:topic"`; an inner list is one priority level.
    pub serves: Vec<ServesLevel>,
    /// Languages the staff speak; absent = all.
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    /// Hours on duty per weekday; absent = always.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub hours: Option<WeekHours>,
    /// Breaks: a share of the staff off duty in a daily window.
    #[serde(default, deserialize_with = "strict::table_list")]
    pub breaks: Vec<Break>,
    /// Share of staff absent on a day (drawn per day and replication).
    #[serde(default)]
    pub absence: f64,
    /// Speed factor: handle times are divided by it (default 1).
    #[serde(default, deserialize_with = "strict::opt_factor")]
    pub speed: Option<f64>,
    /// Cost of one staff hour on duty, in the scenario's currency.
    #[serde(default, deserialize_with = "strict::money")]
    pub cost_per_hour: f64,
    /// Whether staff (and hires) are paid on public holidays the hours their
    /// roster would have had that day, without being on duty (default
    /// `true`: monthly salaries).
    #[serde(default = "yes")]
    pub holiday_pay: bool,
    /// Share of on-duty staff kept for deferred work (e-mail) when there is
    /// some, even while real-time contacts wait.
    #[serde(default)]
    pub deferred_share: f64,
    /// Staff wellbeing: sustained overload raises absence and makes staff
    /// leave.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub wellbeing: Option<Wellbeing>,
    /// Contract hours per person per week (default: the roster's average
    /// weekly hours); rosters longer than this are overtime.
    #[serde(default)]
    pub weekly_hours: Option<Duration>,
}

impl Default for Pool {
    /// An empty pool with the defaults a scenario file gets.
    fn default() -> Self {
        Pool {
            description: None,
            headcount: 0,
            serves: Vec::new(),
            languages: None,
            hours: None,
            breaks: Vec::new(),
            absence: 0.0,
            speed: None,
            cost_per_hour: 0.0,
            holiday_pay: yes(),
            deferred_share: 0.0,
            wellbeing: None,
            weekly_hours: None,
        }
    }
}

/// A pool's `wellbeing` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Wellbeing {
    /// Overload: occupancy above this over the trailing window.
    pub occupancy_over: f64,
    /// Trailing window (default one week).
    #[serde(default)]
    pub window: Option<Duration>,
    /// Absence share added while overloaded.
    #[serde(default)]
    pub absence_up: f64,
    /// Share of the pool's own staff who leave per month while overloaded.
    #[serde(default)]
    pub attrition_per_month: f64,
}

/// A pool's break window.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Break {
    /// Start, `"12:00"`.
    pub from: String,
    /// End, `"13:00"`.
    pub to: String,
    /// Share of the staff on break in the window (0–1).
    pub share: f64,
}

/// One priority level of a pool's `serves` list: one entry, or a list of
/// entries that share the level.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ServesLevel(pub Vec<String>);

impl From<&str> for ServesLevel {
    fn from(entry: &str) -> Self {
        ServesLevel(vec![entry.to_string()])
    }
}

impl<'de> Deserialize<'de> for ServesLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LevelVisitor;
        impl<'de> Visitor<'de> for LevelVisitor {
            type Value = ServesLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "\"channel\", \"channel:topic\", or a list of those sharing one priority level",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ServesLevel, E> {
                Ok(ServesLevel(vec![v.to_string()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ServesLevel, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    out.push(item);
                }
                Ok(ServesLevel(out))
            }
        }
        deserializer.deserialize_any(LevelVisitor)
    }
}

/// Hours per weekday: each key is a day (`mon` … `sun`) or a group
/// (`weekdays` = Mon–Fri, `weekend` = Sat–Sun, `daily` = every day); each
/// value is `"09:00-17:00"`, a list of such ranges, or `"closed"`. A day's
/// own key overrides its group, and `weekdays`/`weekend` override `daily`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    /// Every day.
    #[serde(default)]
    pub daily: Option<DayHours>,
    /// Monday to Friday.
    #[serde(default)]
    pub weekdays: Option<DayHours>,
    /// Saturday and Sunday.
    #[serde(default)]
    pub weekend: Option<DayHours>,
    /// Monday.
    #[serde(default)]
    pub mon: Option<DayHours>,
    /// Tuesday.
    #[serde(default)]
    pub tue: Option<DayHours>,
    /// Wednesday.
    #[serde(default)]
    pub wed: Option<DayHours>,
    /// Thursday.
    #[serde(default)]
    pub thu: Option<DayHours>,
    /// Friday.
    #[serde(default)]
    pub fri: Option<DayHours>,
    /// Saturday.
    #[serde(default)]
    pub sat: Option<DayHours>,
    /// Sunday.
    #[serde(default)]
    pub sun: Option<DayHours>,
}

impl WeekHours {
    /// For each weekday (Monday first): the key that decides it and its
    /// ranges, or `None` if no key covers the day (closed).
    pub fn resolve(&self) -> [Option<(&'static str, &DayHours)>; 7] {
        let own = [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ];
        let mut out = [None; 7];
        for (i, (key, value)) in own.iter().enumerate() {
            let group = if i < 5 {
                ("weekdays", &self.weekdays)
            } else {
                ("weekend", &self.weekend)
            };
            out[i] = value
                .as_ref()
                .map(|v| (*key, v))
                .or_else(|| group.1.as_ref().map(|v| (group.0, v)))
                .or_else(|| self.daily.as_ref().map(|v| ("daily", v)));
        }
        out
    }
}

/// The hours of one day as written: one range string or a list of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct DayHours(pub Vec<String>);

impl<'de> Deserialize<'de> for DayHours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DayVisitor;
        impl<'de> Visitor<'de> for DayVisitor {
            type Value = DayHours;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"09:00-17:00\", a list of such ranges, or \"closed\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DayHours, E> {
                Ok(DayHours(vec![v.to_string()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<DayHours, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    out.push(item);
                }
                Ok(DayHours(out))
            }
        }
        deserializer.deserialize_any(DayVisitor)
    }
}

/// Kinds of probability distribution for durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DistKind {
    /// Exponential with the given `mean`.
    Exponential,
    /// Always exactly `mean`.
    Deterministic,
    /// Uniform between `min` and `max`.
    Uniform,
    /// Log-normal with the given `mean` and standard deviation `sd`.
    Lognormal,
    /// Gamma with the given `mean` and standard deviation `sd`.
    Gamma,
    /// Erlang with `k` phases and the given `mean`.
    Erlang,
}

/// A duration distribution as written, e.g.
/// `{ dist = "lognormal", mean = "7m", sd = "3m" }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DistSpec {
    /// Which distribution.
    pub dist: DistKind,
    /// Mean (exponential, deterministic, lognormal, gamma, erlang).
    #[serde(default)]
    pub mean: Option<Duration>,
    /// Standard deviation (lognormal, gamma).
    #[serde(default)]
    pub sd: Option<Duration>,
    /// Lower bound (uniform).
    #[serde(default)]
    pub min: Option<Duration>,
    /// Upper bound (uniform).
    #[serde(default)]
    pub max: Option<Duration>,
    /// Number of phases (erlang).
    #[serde(default, deserialize_with = "strict::opt_count")]
    pub k: Option<u32>,
}

impl DistSpec {
    /// An exponential distribution with the given mean.
    pub fn exponential(mean: Duration) -> Self {
        DistSpec {
            dist: DistKind::Exponential,
            mean: Some(mean),
            sd: None,
            min: None,
            max: None,
            k: None,
        }
    }
}

/// A calendar date, written as a TOML date (`2022-03-07`) or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub jiff::civil::Date);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

/// The key under which the toml crate hands a date or date-time to a
/// visitor.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// A TOML date-time value as written, split into its parts.
struct WrittenDateTime<'a> {
    text: &'a str,
    date: &'a str,
    /// `HH:MM[:SS[.frac]]`, if written.
    time: Option<&'a str>,
    /// Whether it carries a UTC offset (`Z`, `+01:00`).
    offset: bool,
}

impl<'a> WrittenDateTime<'a> {
    fn split(text: &'a str) -> Self {
        let text = text.trim();
        let (date, rest) = match text.find(['T', 't', ' ']) {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None if text.contains(':') => ("", Some(text)),
            None => (text, None),
        };
        let (time, offset) = match rest {
            None => (None, false),
            Some(r) => match r.find(['Z', 'z', '+', '-']) {
                Some(i) => (Some(&r[..i]), true),
                None => (Some(r), false),
            },
        };
        WrittenDateTime {
            text,
            date,
            time,
            offset,
        }
    }

    fn date<E: de::Error>(&self) -> Result<jiff::civil::Date, E> {
        self.date.parse::<jiff::civil::Date>().map_err(|_| {
            E::custom(format!(
                "`{}` is not a date; expected YYYY-MM-DD",
                self.text
            ))
        })
    }
}

/// Reads a date or date-time (a TOML value or a string), handing its parts
/// to `finish`.
fn deserialize_datetime<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
    finish: fn(&WrittenDateTime<'_>) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct DateVisitor<T> {
        expecting: &'static str,
        finish: fn(&WrittenDateTime<'_>) -> Result<T, String>,
    }
    impl<'de, T> Visitor<'de> for DateVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.finish)(&WrittenDateTime::split(v)).map_err(E::custom)
        }
        // The toml crate hands a date-time over as a one-entry map under a
        // private key; any other table is not a date.
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let key = map.next_key::<String>()?;
            if key.as_deref() != Some(TOML_DATETIME_KEY) {
                return Err(de::Error::custom(format!(
                    "expected {}, found a table",
                    self.expecting
                )));
            }
            let value: String = map.next_value()?;
            self.visit_str(&value)
        }
    }
    deserializer.deserialize_any(DateVisitor { expecting, finish })
}

/// A moment: a date (at 00:00) or a local date-time, written as a TOML
/// date (`2022-03-08`), a local date-time (`2022-03-08T14:00:00`) or a
/// string of either. A UTC offset is refused: the scenario's clock is the
/// agency's local time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    /// The day.
    pub date: jiff::civil::Date,
    /// Seconds after midnight.
    pub time_s: f64,
}

impl Moment {
    /// Seconds after 00:00 of `start` (negative before it).
    pub fn secs_after(self, start: jiff::civil::Date) -> f64 {
        crate::model::days_between(start, self.date) * 86_400.0 + self.time_s
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.time_s == 0.0 {
            write!(f, "{}", self.date)
        } else {
            let s = self.time_s.round() as u32;
            write!(
                f,
                "{}T{:02}:{:02}:{:02}",
                self.date,
                s / 3600,
                s % 3600 / 60,
                s % 60
            )
        }
    }
}

impl Serialize for Moment {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_datetime(
            deserializer,
            "a date YYYY-MM-DD or a local date-time YYYY-MM-DDTHH:MM:SS",
            |w| {
                if w.offset {
                    return Err(format!(
                        "`{}` has a UTC offset; the scenario runs on the agency's local clock: write it without the offset, e.g. `{}T{}`",
                        w.text,
                        w.date,
                        w.time.unwrap_or("00:00:00")
                    ));
                }
                let date = w.date::<de::value::Error>().map_err(|e| e.to_string())?;
                let time_s = match w.time {
                    None => 0.0,
                    Some(t) => {
                        let time: jiff::civil::Time = t.parse().map_err(|_| {
                            format!("`{}` has no valid time of day; expected HH:MM:SS", w.text)
                        })?;
                        f64::from(time.hour()) * 3600.0
                            + f64::from(time.minute()) * 60.0
                            + f64::from(time.second())
                            + f64::from(time.subsec_nanosecond()) * 1e-9
                    }
                };
                Ok(Moment { date, time_s })
            },
        )
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_datetime(deserializer, "a date YYYY-MM-DD", |w| {
            if w.time.is_some() || w.offset {
                return Err(format!(
                    "`{}` has a time of day; this key takes a date only, YYYY-MM-DD",
                    w.text
                ));
            }
            w.date::<de::value::Error>()
                .map(Date)
                .map_err(|e| e.to_string())
        })
    }
}

fn yes() -> bool {
    true
}

/// How each table of the format is written, for messages (see
/// [`strict::Shape`]).
macro_rules! shapes {
    ($($t:ty => $example:expr),* $(,)?) => {
        $(impl strict::Shape for $t { const EXAMPLE: &'static str = $example; })*
    };
}

shapes! {
    Settings => "`[scenario]` with `name = \"…\"`, `start = 2022-03-07`, `days = 120`",
    Calendar => "`[calendar]` with `holidays = [2022-04-15]`",
    Uncertainty => "`[uncertainty]` with `level_cv = 0.2`, `daily_cv = 0.1`",
    Language => "`[languages.uk]` with `handle_factor = 1.2`",
    Interpreter => "`[interpreters.remote]` with `languages = [\"uk\"]`, `capacity = 4`, `extra = \"5m\"`",
    Channel => "`[channels.hotline]` with `kind = \"phone\"`",
    Topic => "`[topics.general]` with `handle.hotline = { dist = \"exponential\", mean = \"6m\" }`",
    Pool => "`[pools.team]` with `headcount = 20`, `serves = [\"hotline\"]`",
    Plan => "`[plans.surge_plan]` with `enabled = true`",
    Demand => "`[[demand]]` with `topic = \"general\"`, `channel = \"hotline\"`, `per_day = 500`",
    Newcomers => "`[[newcomers]]` with `per_day = 100` and `[[newcomers.contacts]]`",
    NewcomerContact => "`[[newcomers.contacts]]` with `topic = \"general\"`, `per_person = 1.5`, `delay = { dist = \"exponential\", mean = \"3d\" }`",
    Action => "`[[actions]]` with `id = \"temps\"`, `kind = \"hire\"`, `pool = \"team\"`, `count = 10`",
    Surge => "`[[demand.surges]]` with `shape = \"step\"`, `start = 2022-03-14`, `peak_per_day = 400`",
    Break => "`[[pools.team.breaks]]` with `from = \"12:00\"`, `to = \"13:00\"`, `share = 0.5`",
    Condition => "`when = { metric = \"service_level\", channel = \"hotline\", below = 0.5 }`",
    WeekHours => "`hours = { weekdays = \"08:00-16:00\", sat = \"09:00-12:00\" }`",
    DistSpec => "`patience = { dist = \"exponential\", mean = \"2m\" }`",
    Redial => "`redial = { after_busy = 0.6, after_abandon = 0.4, delay = { dist = \"exponential\", mean = \"15m\" } }`",
    Returns => "`returns = { share = 0.5, after = \"1d\" }`",
    Appointments => "`appointments = { share = 0.3 }`",
    Switch => "`switch = { to = \"inbox\", after_abandon = 0.2 }`",
    WeekdayFactors => "`weekday_factors = { mon = 1.3, fri = 0.8 }`",
    Wellbeing => "`wellbeing = { occupancy_over = 0.9, absence_up = 0.05 }`",
}
