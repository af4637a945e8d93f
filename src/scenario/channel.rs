//! `[channels.ID]` tables: the channel kinds (phone, e-mail, desk) and
//! their sub-tables `redial`, `returns`, `appointments` and `switch`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{DistSpec, WeekHours, strict};
use crate::units::Duration;

/// Kinds of channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
    #[schemars(schema_with = "super::schema::count")]
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
    #[schemars(schema_with = "super::schema::share_above_zero")]
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
    #[schemars(schema_with = "super::schema::count")]
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
    #[schemars(schema_with = "super::schema::money")]
    pub cost_per_day: Option<f64>,
}

/// How an e-mail channel counts the time to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    /// Elapsed time, nights and weekends included.
    Calendar,
    /// Only time within the channel's `business_hours`.
    Business,
}

/// A desk's rule for closing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Returns {
    /// Share of turned-away visitors who come back (0–1).
    #[schemars(schema_with = "super::schema::share")]
    pub share: f64,
    /// Time until they come back (moved to the next opening if closed).
    #[serde(default)]
    pub after: Option<Duration>,
}

/// The `appointments` table of a desk.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appointments {
    /// Share of visitors who booked a slot (0–1); they arrive at their slot
    /// time and are served before walk-in visitors.
    #[schemars(schema_with = "super::schema::share")]
    pub share: f64,
}

/// The `switch` table of a phone or desk channel.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    /// Channel id they turn to.
    pub to: String,
    /// Share of callers who finally gave up (no redial) and switch.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
    pub after_abandon: f64,
    /// Share of visitors turned away (and not returning) who switch.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
    pub after_turned_away: f64,
    /// Time until the new contact.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub delay: Option<DistSpec>,
}

/// The `redial` table of a phone channel.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redial {
    /// Share of callers who call again after a busy signal (0–1).
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
    pub after_busy: f64,
    /// Share of callers who call again after giving up (0–1).
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
    pub after_abandon: f64,
    /// Time from the failed attempt to the next one.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub delay: Option<DistSpec>,
    /// Most attempts per caller, the first included (absent = no limit).
    #[serde(default, deserialize_with = "strict::opt_count")]
    #[schemars(schema_with = "super::schema::count")]
    pub max_attempts: Option<u32>,
}
