//! Scripted events: `[[injects]]` entries, things that happen to the agency
//! that its plan did not foresee (a TV announcement, a telephone outage,
//! sick leave, a new rule). Which keys apply depends on `kind`; the keys a
//! kind needs and their ranges are checked in
//! `crate::model::compile::injects`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Moment, strict, yes};
use crate::units::Duration;

/// Kinds of scripted event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InjectKind {
    /// Extra first contacts of a topic on a channel, decaying
    /// exponentially from `at` (news that makes people call).
    #[default]
    Spike,
    /// A second wave of newcomers who make the contacts of a
    /// `[[newcomers]]` entry.
    Wave,
    /// A phone channel's lines or a desk's counters fail for a time.
    Outage,
    /// Extra absence in a pool for a time.
    SickLeave,
    /// Handle times of a topic multiplied by a factor (a new rule or
    /// procedure).
    Rule,
}

impl InjectKind {
    /// The kind as written in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            InjectKind::Spike => "spike",
            InjectKind::Wave => "wave",
            InjectKind::Outage => "outage",
            InjectKind::SickLeave => "sick_leave",
            InjectKind::Rule => "rule",
        }
    }
}

/// An `[[injects]]` entry.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    /// Name used in outputs (unique among injects and actions).
    pub id: String,
    /// What happens.
    pub kind: InjectKind,
    /// The headline shown when it happens.
    pub news: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// `false` leaves the inject out (a variant can switch one off).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// When it happens: a date (00:00) or a local date-time.
    pub at: Moment,
    /// Spike, rule: the topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Spike, outage: the channel; rule: the channel (default: all of the
    /// topic's channels).
    #[serde(default)]
    pub channel: Option<String>,
    /// Spike: expected extra first contacts in all.
    #[serde(default)]
    pub contacts: Option<f64>,
    /// Spike, wave: time in which the extra contacts (newcomers) halve.
    #[serde(default)]
    pub half_life: Option<Duration>,
    /// Wave: expected extra newcomers in all.
    #[serde(default)]
    pub people: Option<f64>,
    /// Wave: time from `at` to the peak of the wave.
    #[serde(default)]
    pub to_peak: Option<Duration>,
    /// Wave: the `[[newcomers]]` entry (its position) whose contacts the
    /// wave's newcomers make.
    #[serde(default, deserialize_with = "strict::opt_count")]
    #[schemars(schema_with = "super::schema::count")]
    pub newcomers: Option<u32>,
    /// Outage, sick leave, rule: how long it lasts (rule: default for
    /// good).
    #[serde(default)]
    pub duration: Option<Duration>,
    /// Outage of a phone channel: lines left working (default 0).
    #[serde(default, deserialize_with = "strict::opt_count")]
    #[schemars(schema_with = "super::schema::count")]
    pub lines: Option<u32>,
    /// Outage of a desk: counters left working (default 0).
    #[serde(default, deserialize_with = "strict::opt_count")]
    #[schemars(schema_with = "super::schema::count")]
    pub counters: Option<u32>,
    /// Sick leave: the pool.
    #[serde(default)]
    pub pool: Option<String>,
    /// Sick leave: extra absence share (0–1, exclusive).
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share_open")]
    pub share: Option<f64>,
    /// Rule: handle-time multiplier.
    #[serde(default, deserialize_with = "strict::opt_factor")]
    #[schemars(schema_with = "super::schema::factor")]
    pub factor: Option<f64>,
}
