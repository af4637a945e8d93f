//! Duration distributions as written, e.g. the `handle`, `patience` and
//! `delay` tables (`{ dist = "lognormal", mean = "7m", sd = "3m" }`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::strict;
use crate::units::Duration;

/// Kinds of probability distribution for durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
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
    #[schemars(schema_with = "super::schema::count")]
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
