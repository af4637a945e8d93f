//! The contingency part of the format: `[plans.ID]` tables and `[[actions]]`
//! entries with their `when` / `release` trigger conditions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Moment, WeekHours, strict, yes};
use crate::units::Duration;

/// A `[plans.ID]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the plan's actions take part in the run.
    pub enabled: bool,
}

/// Kinds of contingency action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// `service_level`, `asa_s`, `abandon_share`, `queue`, `backlog`,
    /// `oldest_age_s`, `offered` (channel metrics) or `occupancy` (pool).
    #[schemars(schema_with = "super::schema::metric")]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
    #[schemars(schema_with = "super::schema::count")]
    pub count: Option<u32>,
    /// Redeploy: share of the home pool's headcount (instead of `count`).
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
    pub share: Option<f64>,
    /// Hire: recruitment lead time from the decision.
    #[serde(default)]
    pub lead_time: Option<Duration>,
    /// Hire: training period (paid, not productive).
    #[serde(default)]
    pub training: Option<Duration>,
    /// Hire, redeploy: speed at the start, as a share of full speed.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share_above_zero")]
    pub start_speed: Option<f64>,
    /// Hire, redeploy: time to reach full speed (linear).
    #[serde(default)]
    pub ramp: Option<Duration>,
    /// Hire: share of hires who leave per month.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share_below_one")]
    pub attrition_per_month: Option<f64>,
    /// Hire: contract length from arrival.
    #[serde(default)]
    pub contract: Option<Duration>,
    /// Hire: cost of one staff hour on the roster.
    #[serde(default, deserialize_with = "strict::opt_money")]
    #[schemars(schema_with = "super::schema::money")]
    pub cost_per_hour: Option<f64>,
    /// Hire: one-off cost per hire.
    #[serde(default, deserialize_with = "strict::opt_money")]
    #[schemars(schema_with = "super::schema::money")]
    pub cost_per_hire: Option<f64>,
    /// Hire: staff who train the hires, off their own work during training.
    #[serde(default, deserialize_with = "strict::opt_count")]
    #[schemars(schema_with = "super::schema::count")]
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
    #[schemars(schema_with = "super::schema::count")]
    pub lines: Option<u32>,
    /// Counters: the new number of counters.
    #[serde(default, deserialize_with = "strict::opt_count")]
    #[schemars(schema_with = "super::schema::count")]
    pub counters: Option<u32>,
    /// Deflect, model answers: the topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Deflect: share of the topic's contacts taken away at full effect.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
    pub deflect: Option<f64>,
    /// Deflect: time from the effect's start to its full size (linear).
    #[serde(default)]
    pub adoption: Option<Duration>,
    /// Model answers: handle-time multiplier.
    #[serde(default, deserialize_with = "strict::opt_factor")]
    #[schemars(schema_with = "super::schema::factor")]
    pub factor: Option<f64>,
    /// Open channel: share of the topic's new contacts it takes over.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
    pub takes: Option<f64>,
    /// Support: share of the overload effects removed (0–1).
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
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
    #[schemars(schema_with = "super::schema::share")]
    pub accept: Option<f64>,
    /// Callbacks: the promised time to call back.
    #[serde(default)]
    pub within: Option<Duration>,
}
