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
//! [plans.surge_plan]    # contingency plans, and [[actions]] with their triggers
//! [[injects]]           # scripted events: spikes, outages, sick leave, new rules
//! ```
//!
//! Parsing ([`load`]) turns text into these types and collects every
//! structural problem (unknown keys, wrong types, bad units) with its key path
//! and line; [`crate::model::compile`] then checks meaning (references, ranges)
//! and builds the index-based [`crate::model::Model`].

mod action;
mod channel;
mod date;
mod demand;
mod diagnostic;
mod dist;
mod hours;
mod inject;
mod language;
mod load;
mod pool;
mod schema;
mod settings;
mod single_queue;
mod strict;
mod variant;

pub use action::{Action, ActionKind, Condition, Plan};
pub use channel::{Appointments, Channel, ChannelKind, Clock, Closing, Redial, Returns, Switch};
pub use date::{Date, Moment};
pub use demand::{Demand, NewcomerContact, Newcomers, Surge, SurgeShape, Topic, WeekdayFactors};
pub use diagnostic::{
    Diagnostic, Diagnostics, SourceMap, join as join_path, suggest as closest_hint, suggest_list,
};
pub use dist::{DistKind, DistSpec};
pub use hours::{DayHours, WeekHours};
pub use inject::{Inject, InjectKind};
pub use language::{Interpreter, Language};
pub use load::{
    LoadedScenario, MAX_SCENARIO_BYTES, MAX_TABLE_BYTES, load_file, parse_str, parse_variant,
    read_text,
};
pub use pool::{Break, Pool, ServesLevel, Wellbeing};
pub use schema::{scenario_schema, scenario_schema_json};
pub use settings::{Calendar, Settings, Uncertainty};
pub use single_queue::SingleQueue;
pub use strict::{FACTOR_RANGE, MAX_COUNT, MAX_MONEY};
pub use variant::VariantInfo;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
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
    /// Scripted events the plan did not foresee.
    #[serde(
        default,
        deserialize_with = "strict::table_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub injects: Vec<Inject>,
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
    Inject => "`[[injects]]` with `id = \"tv\"`, `kind = \"spike\"`, `news = \"…\"`, `at = 2022-03-16T10:00:00`",
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
