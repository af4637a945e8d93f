//! `[pools.ID]` tables: staff, their `serves` priority levels, `breaks`
//! and `wellbeing`.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::{WeekHours, strict, yes};
use crate::units::Duration;

/// A `[pools.ID]` table: a group of interchangeable staff.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Staff on duty during the pool's hours (with a `staffing` table: the
    /// people on the payroll, at least the table's largest number; default
    /// that number).
    #[serde(default, deserialize_with = "strict::opt_count")]
    #[schemars(schema_with = "super::schema::count")]
    pub headcount: Option<u32>,
    /// Or: a CSV table of the agents on duty over time (`start,agents`, or
    /// weekly `time,mon,…,sun`), relative to the scenario file; replaces
    /// `hours` and `breaks`.
    #[serde(default)]
    pub staffing: Option<String>,
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
    #[schemars(schema_with = "super::schema::share_below_one")]
    pub absence: f64,
    /// Speed factor: handle times are divided by it (default 1).
    #[serde(default, deserialize_with = "strict::opt_factor")]
    #[schemars(schema_with = "super::schema::factor")]
    pub speed: Option<f64>,
    /// Cost of one staff hour on duty, in the scenario's currency.
    #[serde(default, deserialize_with = "strict::money")]
    #[schemars(schema_with = "super::schema::money")]
    pub cost_per_hour: f64,
    /// Whether staff (and hires) are paid on public holidays the hours their
    /// roster would have had that day, without being on duty (default
    /// `true`: monthly salaries).
    #[serde(default = "yes")]
    pub holiday_pay: bool,
    /// Share of on-duty staff kept for deferred work (e-mail) when there is
    /// some, even while real-time contacts wait.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
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
            headcount: Some(0),
            staffing: None,
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
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wellbeing {
    /// Overload: occupancy above this over the trailing window.
    pub occupancy_over: f64,
    /// Trailing window (default one week).
    #[serde(default)]
    pub window: Option<Duration>,
    /// Absence share added while overloaded.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share")]
    pub absence_up: f64,
    /// Share of the pool's own staff who leave per month while overloaded.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::share_below_one")]
    pub attrition_per_month: f64,
}

/// A pool's break window.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Break {
    /// Start, `"12:00"`.
    pub from: String,
    /// End, `"13:00"`.
    pub to: String,
    /// Share of the staff on break in the window (0–1).
    #[schemars(schema_with = "super::schema::share")]
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
