//! Quantities with units, as a user writes them: durations (`"20s"`, `"5m"`,
//! `"1.5h"`, `"2d"`, `"1h30m"`), rates (`"22/min"`, `"1140/h"`) and times of
//! day (`"09:00"`).
//!
//! Nothing in a scenario is a bare number of unknown unit: a duration is a
//! string with a unit, a count per day is a key whose name says so
//! (`per_day`). Internally every duration is seconds (`f64`) and every rate is
//! per second.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The duration units accepted after a number, with their length in seconds.
const DURATION_UNITS: &[(&str, f64)] = &[
    ("s", 1.0),
    ("sec", 1.0),
    ("secs", 1.0),
    ("second", 1.0),
    ("seconds", 1.0),
    ("m", 60.0),
    ("min", 60.0),
    ("mins", 60.0),
    ("minute", 60.0),
    ("minutes", 60.0),
    ("h", 3600.0),
    ("hr", 3600.0),
    ("hour", 3600.0),
    ("hours", 3600.0),
    ("d", 86_400.0),
    ("day", 86_400.0),
    ("days", 86_400.0),
    ("w", 604_800.0),
    ("week", 604_800.0),
    ("weeks", 604_800.0),
];

/// Longest duration accepted anywhere in a scenario: 3,660 days, the
/// longest horizon.
pub const MAX_DURATION_S: f64 = 3660.0 * 86_400.0;

/// The message for a unit that is not one of [`DURATION_UNITS`]: units are
/// case-sensitive (`M` could be minutes or months), so a unit that differs
/// only in case is named as the likely meaning, never taken.
fn unknown_unit(text: &str, unit: &str) -> String {
    let lower = unit.to_ascii_lowercase();
    let near = DURATION_UNITS.iter().find(|(name, _)| *name == lower);
    match near {
        Some((name, secs)) => format!(
            "`{text}`: unknown time unit `{unit}`; units are case-sensitive: did you mean `{name}` ({})? Expected {DURATION_HELP}",
            match *secs as u64 {
                1 => "seconds",
                60 => "minutes",
                3600 => "hours",
                86_400 => "days",
                _ => "weeks",
            }
        ),
        None if lower.starts_with("mo") || lower == "y" || lower.starts_with("year") => format!(
            "`{text}`: months and years are not units here (their length varies); write days or weeks, e.g. \"30d\" or \"52w\""
        ),
        None => format!("`{text}`: unknown time unit `{unit}`; expected {DURATION_HELP}"),
    }
}

/// What the error messages show as valid duration units.
pub const DURATION_HELP: &str = "a number followed by a unit: s, m (or min), h, d or w, e.g. \"20s\", \"5m\", \"1.5h\", \"1h30m\"";

/// What the error messages show as valid rates.
pub const RATE_HELP: &str = "a number per unit of time: \"22/min\", \"1140/h\", \"0.5/s\", \"300/d\" (units s, min, h, d, w)";

/// A non-negative length of time, stored in seconds.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Duration {
    secs: f64,
}

impl Duration {
    /// A duration of `secs` seconds (must be finite and non-negative).
    pub fn from_secs(secs: f64) -> Self {
        debug_assert!(secs.is_finite() && secs >= 0.0, "bad duration {secs}");
        Duration { secs }
    }

    /// Length in seconds.
    pub fn secs(self) -> f64 {
        self.secs
    }

    /// Parses `"20s"`, `"5m"`, `"1.5h"`, `"2d"`, `"1h30m"`, `"90 s"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let s = text.trim();
        if s.is_empty() {
            return Err(format!("empty duration; expected {DURATION_HELP}"));
        }
        if s.starts_with('-') {
            return Err(format!(
                "`{text}` is negative; a duration must be 0 or more"
            ));
        }
        let mut total = 0.0;
        let mut rest = s;
        while !rest.is_empty() {
            let num_len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
                .unwrap_or(rest.len());
            if num_len == 0 {
                return Err(format!(
                    "`{text}` is not a duration; expected {DURATION_HELP}"
                ));
            }
            let number: f64 = rest[..num_len]
                .replace('_', "")
                .parse()
                .map_err(|_| format!("`{text}` is not a duration; expected {DURATION_HELP}"))?;
            rest = rest[num_len..].trim_start();
            let unit_len = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let unit = &rest[..unit_len];
            if unit.is_empty() {
                return Err(format!(
                    "`{text}` has no unit; expected {DURATION_HELP} (a bare number could mean seconds or minutes)"
                ));
            }
            let factor = DURATION_UNITS
                .iter()
                .find(|(name, _)| *name == unit)
                .map(|(_, f)| *f)
                .ok_or_else(|| unknown_unit(text, unit))?;
            total += number * factor;
            rest = rest[unit_len..].trim_start();
        }
        if !total.is_finite() || total > MAX_DURATION_S {
            return Err(format!(
                "`{text}` is longer than the longest duration accepted, {} days (ten years)",
                MAX_DURATION_S / 86_400.0
            ));
        }
        Ok(Duration { secs: total })
    }
}

impl fmt::Display for Duration {
    /// Shortest exact form in the largest unit that divides it: `20s`, `5m`,
    /// `1.5h`; fractions of a second are kept.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.secs;
        for (unit, len) in [("d", 86_400.0), ("h", 3600.0), ("m", 60.0)] {
            if s >= len && ((s / len) * 100.0).fract() == 0.0 {
                return write!(f, "{}{unit}", trim_float(s / len));
            }
        }
        write!(f, "{}s", trim_float(s))
    }
}

/// A number without trailing zeros (`1.5`, `20`, `0.333333`).
pub fn trim_float(x: f64) -> String {
    let text = format!("{x:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// A number as a person reads it in a message: `2.5`, `1e305`, `-0.5`.
pub fn short_number(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e9 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        trim_float(x)
    }
}

/// Human form of a duration for reports: `45 s`, `3 min 20 s`, `2 h 5 min`.
pub fn human_duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "n/a".to_string();
    }
    if secs == 0.0 {
        return "0 s".to_string();
    }
    if secs < 10.0 {
        return format!("{secs:.1} s");
    }
    if secs < 60.0 {
        return format!("{secs:.0} s");
    }
    let total = secs.round() as u64;
    let (d, h, m, s) = (
        total / 86_400,
        (total % 86_400) / 3600,
        (total % 3600) / 60,
        total % 60,
    );
    if d > 0 && h == 0 {
        format!("{d} d")
    } else if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 && m == 0 {
        format!("{h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else if s > 0 {
        format!("{m} min {s} s")
    } else {
        format!("{m} min")
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;
        impl Visitor<'_> for DurationVisitor {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a duration string with a unit ({DURATION_HELP})")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write it as a string with a unit, e.g. \"{v}s\" or \"{v}m\""
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write it as a string with a unit, e.g. \"{v}m\""
                )))
            }
        }
        deserializer.deserialize_any(DurationVisitor)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// An event rate (arrivals per unit of time), stored per second.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Rate {
    per_sec: f64,
}

impl Rate {
    /// A rate of `per_sec` events per second.
    pub fn per_sec(per_sec: f64) -> Self {
        Rate { per_sec }
    }

    /// Events per second.
    pub fn as_per_sec(self) -> f64 {
        self.per_sec
    }

    /// Parses `"22/min"`, `"1140/h"`, `"19 / min"`, `"300/d"`, `"0.5/s"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (num, unit) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not a rate; expected {RATE_HELP}"))?;
        let num = num.trim().replace('_', "");
        let count: f64 = num
            .parse()
            .map_err(|_| format!("`{text}` is not a rate; expected {RATE_HELP}"))?;
        if !count.is_finite() {
            return Err(format!("`{text}` is not a finite rate"));
        }
        if count < 0.0 {
            return Err(format!("`{text}` is negative; a rate must be 0 or more"));
        }
        let unit = unit.trim();
        // "22/5min" is allowed too: a count per a multiple of a unit.
        let per = if unit
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        {
            Duration::parse(unit).map_err(|e| format!("`{text}`: {e}"))?
        } else {
            Duration::parse(&format!("1{unit}")).map_err(|_| {
                let lower = unit.to_ascii_lowercase();
                if DURATION_UNITS.iter().any(|(n, _)| *n == lower) {
                    format!(
                        "`{text}`: unknown time unit `{unit}`; units are case-sensitive: did you mean `{lower}`? Expected {RATE_HELP}"
                    )
                } else {
                    format!("`{text}`: unknown time unit `{unit}`; expected {RATE_HELP}")
                }
            })?
        };
        if per.secs() <= 0.0 {
            return Err(format!("`{text}`: the time unit must be longer than zero"));
        }
        Ok(Rate {
            per_sec: count / per.secs(),
        })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_min = self.per_sec * 60.0;
        if per_min >= 1.0 {
            write!(f, "{}/min", trim_float(per_min))
        } else {
            write!(f, "{}/h", trim_float(self.per_sec * 3600.0))
        }
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RateVisitor;
        impl Visitor<'_> for RateVisitor {
            type Value = Rate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a rate string ({RATE_HELP})")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Rate, E> {
                Rate::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Rate, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write it as a string such as \"{v}/h\" or \"{v}/min\""
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Rate, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Rate, E> {
                Err(E::custom(format!(
                    "`{v}` has no unit; write it as a string such as \"{v}/h\""
                )))
            }
        }
        deserializer.deserialize_any(RateVisitor)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// A time of day in seconds after midnight, `"00:00"` to `"24:00"`.
pub fn parse_time_of_day(text: &str) -> Result<f64, String> {
    let bad = || format!("`{text}` is not a time of day; expected HH:MM between 00:00 and 24:00");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(f64::from(h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(Duration::parse("20s").unwrap().secs(), 20.0);
        assert_eq!(Duration::parse("5m").unwrap().secs(), 300.0);
        assert_eq!(Duration::parse("1.5h").unwrap().secs(), 5400.0);
        assert_eq!(Duration::parse("2d").unwrap().secs(), 172_800.0);
        assert_eq!(Duration::parse("1h30m").unwrap().secs(), 5400.0);
        assert_eq!(Duration::parse("90 sec").unwrap().secs(), 90.0);
        assert_eq!(Duration::parse("0s").unwrap().secs(), 0.0);
    }

    #[test]
    fn durations_without_unit_or_negative_are_rejected() {
        assert!(Duration::parse("20").unwrap_err().contains("no unit"));
        assert!(Duration::parse("-5m").unwrap_err().contains("negative"));
        assert!(
            Duration::parse("5 parsecs")
                .unwrap_err()
                .contains("unknown time unit")
        );
        assert!(Duration::parse("").is_err());
        assert!(Duration::parse("m").is_err());
    }

    #[test]
    fn durations_display_round_trip() {
        for text in ["20s", "5m", "1.5h", "2d", "0.5s"] {
            let d = Duration::parse(text).unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(Duration::parse(&d.to_string()).unwrap(), d);
        }
    }

    #[test]
    fn rates_parse_per_unit() {
        assert!((Rate::parse("22/min").unwrap().as_per_sec() - 22.0 / 60.0).abs() < 1e-15);
        assert!((Rate::parse("1140/h").unwrap().as_per_sec() - 1140.0 / 3600.0).abs() < 1e-15);
        assert!((Rate::parse("19 / min").unwrap().as_per_sec() - 19.0 / 60.0).abs() < 1e-15);
        assert!((Rate::parse("10/15min").unwrap().as_per_sec() - 10.0 / 900.0).abs() < 1e-15);
        assert!(Rate::parse("22").is_err());
        assert!(Rate::parse("-3/h").unwrap_err().contains("negative"));
        assert!(
            Rate::parse("3/fortnight")
                .unwrap_err()
                .contains("unknown time unit")
        );
    }

    #[test]
    fn times_of_day() {
        assert_eq!(parse_time_of_day("09:30").unwrap(), 34_200.0);
        assert_eq!(parse_time_of_day("24:00").unwrap(), 86_400.0);
        assert!(parse_time_of_day("24:30").is_err());
        assert!(parse_time_of_day("9h").is_err());
        assert!(parse_time_of_day("12:60").is_err());
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(200.0), "3 min 20 s");
        assert_eq!(human_duration(45.0), "45 s");
        assert_eq!(human_duration(7500.0), "2 h 5 min");
        assert_eq!(human_duration(2.25), "2.2 s");
    }

    #[test]
    fn units_are_case_sensitive_and_suggested() {
        let e = Duration::parse("6M").unwrap_err();
        assert!(
            e.contains("case-sensitive") && e.contains("`m` (minutes)"),
            "{e}"
        );
        assert!(Duration::parse("6H").is_err());
        assert!(Duration::parse("2mo").unwrap_err().contains("months"));
        let e = Rate::parse("20/MIN").unwrap_err();
        assert!(e.contains("did you mean `min`"), "{e}");
        assert_eq!(Duration::parse("6m").unwrap().secs(), 360.0);
    }

    #[test]
    fn durations_have_a_range() {
        assert!(Duration::parse("3660d").is_ok());
        let e = Duration::parse("3661d").unwrap_err();
        assert!(e.contains("3660 days"), "{e}");
        let huge = format!("{}s", "9".repeat(320));
        assert!(Duration::parse(&huge).is_err());
    }
}
