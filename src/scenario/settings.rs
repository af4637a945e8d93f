//! The `[scenario]` table (name, dates, reporting and Monte Carlo
//! settings, with their defaults), `[calendar]` and `[uncertainty]`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Date;
use crate::units::Duration;

/// The `[scenario]` table.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Public holidays: every channel and pool is closed on these dates.
    #[serde(default)]
    pub holidays: Vec<Date>,
}

/// The `[uncertainty]` table: demand is not known in advance.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
