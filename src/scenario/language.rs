//! `[languages.ID]` and `[interpreters.ID]` tables.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{WeekHours, strict};
use crate::units::Duration;

/// A `[languages.ID]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Multiplier of handle times for contacts in this language (default 1).
    #[serde(default, deserialize_with = "strict::opt_factor")]
    #[schemars(schema_with = "super::schema::factor")]
    pub handle_factor: Option<f64>,
}

/// An `[interpreters.ID]` table: a limited interpreting service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interpreter {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Languages it interprets.
    pub languages: Vec<String>,
    /// Sessions at once.
    #[serde(deserialize_with = "strict::count")]
    #[schemars(schema_with = "super::schema::count")]
    pub capacity: u32,
    /// Handle time added when an agent works through an interpreter.
    pub extra: Duration,
    /// When it is available; absent = always.
    #[serde(default, deserialize_with = "strict::opt_table")]
    pub hours: Option<WeekHours>,
}
