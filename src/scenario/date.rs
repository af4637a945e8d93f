//! Dates and moments as written: TOML dates (`2022-03-07`), local
//! date-times (`2022-03-08T14:00:00`) or strings of either, used by
//! `start`, `holidays`, surge dates and action `at` / `until`.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// A calendar date, written as a TOML date (`2022-03-07`) or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub jiff::civil::Date);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

/// The key under which the toml crate hands a date or date-time to a
/// visitor.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// A TOML date-time value as written, split into its parts.
struct WrittenDateTime<'a> {
    text: &'a str,
    date: &'a str,
    /// `HH:MM[:SS[.frac]]`, if written.
    time: Option<&'a str>,
    /// Whether it carries a UTC offset (`Z`, `+01:00`).
    offset: bool,
}

impl<'a> WrittenDateTime<'a> {
    fn split(text: &'a str) -> Self {
        let text = text.trim();
        let (date, rest) = match text.find(['T', 't', ' ']) {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None if text.contains(':') => ("", Some(text)),
            None => (text, None),
        };
        let (time, offset) = match rest {
            None => (None, false),
            Some(r) => match r.find(['Z', 'z', '+', '-']) {
                Some(i) => (Some(&r[..i]), true),
                None => (Some(r), false),
            },
        };
        WrittenDateTime {
            text,
            date,
            time,
            offset,
        }
    }

    fn date<E: de::Error>(&self) -> Result<jiff::civil::Date, E> {
        self.date.parse::<jiff::civil::Date>().map_err(|_| {
            E::custom(format!(
                "`{}` is not a date; expected YYYY-MM-DD",
                self.text
            ))
        })
    }
}

/// Reads a date or date-time (a TOML value or a string), handing its parts
/// to `finish`.
fn deserialize_datetime<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
    finish: fn(&WrittenDateTime<'_>) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct DateVisitor<T> {
        expecting: &'static str,
        finish: fn(&WrittenDateTime<'_>) -> Result<T, String>,
    }
    impl<'de, T> Visitor<'de> for DateVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.finish)(&WrittenDateTime::split(v)).map_err(E::custom)
        }
        // The toml crate hands a date-time over as a one-entry map under a
        // private key; any other table is not a date.
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let key = map.next_key::<String>()?;
            if key.as_deref() != Some(TOML_DATETIME_KEY) {
                return Err(de::Error::custom(format!(
                    "expected {}, found a table",
                    self.expecting
                )));
            }
            let value: String = map.next_value()?;
            self.visit_str(&value)
        }
    }
    deserializer.deserialize_any(DateVisitor { expecting, finish })
}

/// A moment: a date (at 00:00) or a local date-time, written as a TOML
/// date (`2022-03-08`), a local date-time (`2022-03-08T14:00:00`) or a
/// string of either. A UTC offset is refused: the scenario's clock is the
/// agency's local time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    /// The day.
    pub date: jiff::civil::Date,
    /// Seconds after midnight.
    pub time_s: f64,
}

impl Moment {
    /// Seconds after 00:00 of `start` (negative before it).
    pub fn secs_after(self, start: jiff::civil::Date) -> f64 {
        crate::model::days_between(start, self.date) * 86_400.0 + self.time_s
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.time_s == 0.0 {
            write!(f, "{}", self.date)
        } else {
            let s = self.time_s.round() as u32;
            write!(
                f,
                "{}T{:02}:{:02}:{:02}",
                self.date,
                s / 3600,
                s % 3600 / 60,
                s % 60
            )
        }
    }
}

impl Serialize for Moment {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_datetime(
            deserializer,
            "a date YYYY-MM-DD or a local date-time YYYY-MM-DDTHH:MM:SS",
            |w| {
                if w.offset {
                    return Err(format!(
                        "`{}` has a UTC offset; the scenario runs on the agency's local clock: write it without the offset, e.g. `{}T{}`",
                        w.text,
                        w.date,
                        w.time.unwrap_or("00:00:00")
                    ));
                }
                let date = w.date::<de::value::Error>().map_err(|e| e.to_string())?;
                let time_s = match w.time {
                    None => 0.0,
                    Some(t) => {
                        let time: jiff::civil::Time = t.parse().map_err(|_| {
                            format!("`{}` has no valid time of day; expected HH:MM:SS", w.text)
                        })?;
                        f64::from(time.hour()) * 3600.0
                            + f64::from(time.minute()) * 60.0
                            + f64::from(time.second())
                            + f64::from(time.subsec_nanosecond()) * 1e-9
                    }
                };
                Ok(Moment { date, time_s })
            },
        )
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_datetime(deserializer, "a date YYYY-MM-DD", |w| {
            if w.time.is_some() || w.offset {
                return Err(format!(
                    "`{}` has a time of day; this key takes a date only, YYYY-MM-DD",
                    w.text
                ));
            }
            w.date::<de::value::Error>()
                .map(Date)
                .map_err(|e| e.to_string())
        })
    }
}
