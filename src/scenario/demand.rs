//! Where contacts come from: `[topics.ID]` tables, `[[demand]]` and
//! `[[newcomers]]` entries, their `[[demand.surges]]` and `weekday_factors`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Date, DistSpec, strict};
use crate::units::{Duration, Rate};

/// A `[topics.ID]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
    /// Or: an intraday profile per weekday, a CSV file (relative to the
    /// scenario file) with columns `time,mon,tue,wed,thu,fri,sat,sun` and a
    /// row per 15 or 30 minutes: relative weights that spread each day's
    /// volume over that weekday (instead of `hour_weights`).
    #[serde(default)]
    pub intraday: Option<String>,
    /// Or: an arrival table, a CSV file (relative to the scenario file)
    /// with columns `start,contacts` and a constant step from 5 minutes to
    /// a day; replaces `rate`, `per_day`, `weekday_factors`, `hour_weights`
    /// and `intraday` (surges add on top).
    #[serde(default)]
    pub file: Option<String>,
    /// Extra contacts per day on top of `per_day` (or of the `file` table).
    #[serde(default, deserialize_with = "strict::table_list")]
    pub surges: Vec<Surge>,
}

/// A `[[newcomers]]` entry: people arriving (applicants) who each generate
/// contacts on several channels after delays.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
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
