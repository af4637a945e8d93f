//! Opening hours and rosters as written: the `hours` tables of channels,
//! pools, interpreters and actions (`mon` … `sun`, `weekdays`, `weekend`,
//! `daily`).

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// Hours per weekday: each key is a day (`mon` … `sun`) or a group
/// (`weekdays` = Mon–Fri, `weekend` = Sat–Sun, `daily` = every day); each
/// value is `"09:00-17:00"`, a list of such ranges, or `"closed"`. A day's
/// own key overrides its group, and `weekdays`/`weekend` override `daily`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
