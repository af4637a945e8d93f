//! Strict reading of tables and values.
//!
//! serde's derived structs accept a sequence as well as a map, filling the
//! fields in order: `hours = ["09:00-16:00"]` would silently become
//! `hours = { daily = "09:00-16:00" }`. Every table-typed key of a scenario is
//! therefore read through [`table`] (or [`opt_table`], [`table_list`],
//! [`table_map`]), which accepts exactly a TOML table and otherwise says what
//! shape is expected, with an example ([`Shape::EXAMPLE`]).
//!
//! The same module holds the documented ranges of counts and money values
//! ([`count`], [`money`]); durations are bounded in [`crate::units`].

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};

/// A table type of the scenario format, with an example of how it is
/// written (shown when something else is found).
pub trait Shape {
    /// How the table is written, e.g.
    /// `patience = { dist = "exponential", mean = "2m" }`.
    const EXAMPLE: &'static str;
}

/// Reads a `T` from a TOML table, refusing arrays and plain values.
pub fn table<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Shape,
{
    T::deserialize(TableOnly {
        inner: deserializer,
        example: T::EXAMPLE,
    })
}

/// [`table`] for an optional key (use with `#[serde(default)]`).
pub fn opt_table<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Shape,
{
    table(deserializer).map(Some)
}

/// An array of tables (`[[demand]]`), each read by [`table`].
pub fn table_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Shape,
{
    let items = Vec::<Strict<T>>::deserialize(deserializer)?;
    Ok(items.into_iter().map(|s| s.0).collect())
}

/// Named tables (`[pools.NAME]`), each read by [`table`].
pub fn table_map<'de, D, T>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Shape,
{
    let items = BTreeMap::<String, Strict<T>>::deserialize(deserializer)?;
    Ok(items.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// A value read by [`table`].
struct Strict<T>(T);

impl<'de, T: Deserialize<'de> + Shape> Deserialize<'de> for Strict<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        table(deserializer).map(Strict)
    }
}

/// A deserializer that hands a struct's visitor only maps.
struct TableOnly<D> {
    inner: D,
    example: &'static str,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for TableOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_struct(
            name,
            fields,
            MapOnly {
                inner: visitor,
                example: self.example,
            },
        )
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// A struct visitor that accepts a map and nothing else.
struct MapOnly<V> {
    inner: V,
    example: &'static str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for MapOnly<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a table, e.g. {}", self.example)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(map)
    }
}

/// Largest count of people, lines, counters, sessions or attempts accepted.
pub const MAX_COUNT: u64 = 100_000;

/// Largest money value accepted (a cost per hour, per day or per hire).
pub const MAX_MONEY: f64 = 1e7;

/// A count between 0 and [`MAX_COUNT`].
pub fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let n = u64::deserialize(deserializer).map_err(|e| {
        de::Error::custom(format!(
            "{e}; a count is a whole number from 0 to {MAX_COUNT}"
        ))
    })?;
    if n > MAX_COUNT {
        return Err(de::Error::custom(format!(
            "{n} is more than the largest count accepted ({MAX_COUNT})"
        )));
    }
    Ok(n as u32)
}

/// [`count`] for an optional key.
pub fn opt_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    count(deserializer).map(Some)
}

/// A money value between 0 and [`MAX_MONEY`].
pub fn money<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let x = f64::deserialize(deserializer)?;
    if !(0.0..=MAX_MONEY).contains(&x) {
        return Err(de::Error::custom(format!(
            "{} is outside the range of a cost: 0 to {MAX_MONEY:.0} (in the scenario's currency)",
            crate::units::short_number(x)
        )));
    }
    // `-0` would print as "-0" in outputs.
    Ok(x + 0.0)
}

/// [`money`] for an optional key.
pub fn opt_money<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    money(deserializer).map(Some)
}

/// Smallest and largest multiplier accepted (`handle_factor`, `speed`,
/// model answers' `factor`): a hundredth to a hundred times.
pub const FACTOR_RANGE: (f64, f64) = (0.01, 100.0);

/// A multiplier within [`FACTOR_RANGE`] (for an optional key).
pub fn opt_factor<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let x = f64::deserialize(deserializer)?;
    let (lo, hi) = FACTOR_RANGE;
    if !(lo..=hi).contains(&x) {
        return Err(de::Error::custom(format!(
            "{} is outside the range of a multiplier: {lo} to {hi}",
            crate::units::short_number(x)
        )));
    }
    Ok(Some(x))
}
