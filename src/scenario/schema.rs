//! The JSON Schema of the scenario format (`surgesim schema`,
//! `scenario.schema.json`), for editors with TOML support (taplo, VS Code's
//! Even Better TOML): key completion, documentation on hover, typos flagged
//! while a scenario is typed.
//!
//! The schema is derived with `schemars` from the same serde types the
//! parser reads, so their doc comments are the descriptions and
//! `deny_unknown_fields` becomes `additionalProperties: false`. The value
//! types with hand-written parsers (durations, rates, dates, moments, hours,
//! `serves` levels) and the range-checked numbers of [`super::strict`]
//! (counts, money, multipliers) have hand-written schemas here that describe
//! what their parsers accept. Nothing here runs when a scenario is loaded.
//!
//! Dates: TOML dates and local date-times reach a JSON Schema validator as
//! strings (`2022-03-07`, `2022-03-08T14:00:00`); the schema accepts those
//! strings, which is also what the parser accepts when a date is written as
//! a string.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

use super::strict::{FACTOR_RANGE, MAX_COUNT, MAX_MONEY};
use super::{Date, DayHours, Moment, Scenario, ServesLevel};
use crate::units::{DURATION_HELP, Duration, RATE_HELP, Rate};

/// A number as the duration parser reads it: digits with `_` separators and
/// an optional decimal point.
const NUMBER: &str = r"(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)";

/// The duration units, longest first within each family so that the
/// pattern reads like the parser's table (units are case-sensitive).
const UNIT: &str = "(?:seconds|second|secs|sec|s|minutes|minute|mins|min|m|hours|hour|hr|h|days|day|d|weeks|week|w)";

/// A date as written in a string: `YYYY-MM-DD`.
const DATE: &str = r"[0-9]{4}-[0-9]{2}-[0-9]{2}";

fn duration_pattern() -> String {
    format!(r"^\s*(?:{NUMBER}\s*{UNIT}\s*)+$")
}

fn rate_pattern() -> String {
    format!(r"^\s*{NUMBER}\s*/\s*(?:{NUMBER}\s*)?{UNIT}(?:\s*{NUMBER}\s*{UNIT})*\s*$")
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": format!(
                "A length of time: {DURATION_HELP}. Units (case-sensitive): s, sec, secs, second, seconds; m, min, mins, minute, minutes; h, hr, hour, hours; d, day, days; w, week, weeks. Never a bare number; at most 3660 days."
            ),
            "pattern": duration_pattern(),
            "examples": ["30s", "5m", "1.5h", "1h30m", "2d", "1w"],
        })
    }
}

impl JsonSchema for Rate {
    fn schema_name() -> Cow<'static, str> {
        "Rate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": format!(
                "An arrival rate: {RATE_HELP}; a count per a multiple of a unit (\"22/5min\") works too."
            ),
            "pattern": rate_pattern(),
            "examples": ["10/h", "22/min", "300/d"],
        })
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "description": "A calendar date: a TOML local date (2022-03-07, unquoted) or a string \"2022-03-07\"; no time of day.",
            "pattern": format!(r"^\s*{DATE}\s*$"),
            "examples": ["2022-03-07"],
        })
    }
}

impl JsonSchema for Moment {
    fn schema_name() -> Cow<'static, str> {
        "Moment".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A moment on the agency's local clock: a TOML local date (2022-03-08, meaning 00:00) or a local date-time (2022-03-08T14:00:00), unquoted or as a string; no UTC offset.",
            "anyOf": [
                {
                    "type": "string",
                    "format": "date",
                    "description": "A local date, at 00:00.",
                    "pattern": format!(r"^\s*{DATE}\s*$"),
                },
                {
                    "type": "string",
                    "format": "partial-date-time",
                    "description": "A local date-time, without a UTC offset.",
                    "pattern": format!(
                        r"^\s*{DATE}[Tt ][0-9]{{2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:\.[0-9]+)?)?\s*$"
                    ),
                },
            ],
            "examples": ["2022-03-08", "2022-03-08T14:00:00"],
        })
    }
}

impl JsonSchema for DayHours {
    fn schema_name() -> Cow<'static, str> {
        "DayHours".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let time = "(?:[01]?[0-9]|2[0-4]):[0-5][0-9]";
        let range = format!(r"^\s*{time}\s*-\s*{time}\s*$");
        let closed = r"^\s*(?:[Cc][Ll][Oo][Ss][Ee][Dd]|[Oo][Ff][Ff])\s*$";
        json_schema!({
            "description": "The hours of one day, local time: a range \"HH:MM-HH:MM\" (00:00 to 24:00; the end after the start), a list of such ranges that do not overlap, or \"closed\".",
            "anyOf": [
                {
                    "type": "string",
                    "description": "One range \"09:00-17:00\", or \"closed\".",
                    "anyOf": [{ "pattern": range }, { "pattern": closed }],
                },
                {
                    "type": "array",
                    "description": "Several ranges, e.g. [\"08:00-12:00\", \"13:00-16:00\"].",
                    "items": {
                        "type": "string",
                        "anyOf": [{ "pattern": range }, { "pattern": closed }],
                    },
                },
            ],
            "examples": ["09:00-16:00", ["08:00-12:00", "13:00-16:00"], "closed"],
        })
    }
}

impl JsonSchema for ServesLevel {
    fn schema_name() -> Cow<'static, str> {
        "ServesLevel".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let entry = "^[^:]+(?::[^:]+)?$";
        json_schema!({
            "description": "One priority level: \"channel\" (all its topics), \"channel:topic\", or a list of those that share the level.",
            "anyOf": [
                { "type": "string", "description": "\"channel\" or \"channel:topic\".", "pattern": entry },
                {
                    "type": "array",
                    "description": "Entries sharing one priority level.",
                    "items": { "type": "string", "pattern": entry },
                },
            ],
        })
    }
}

/// A count of people, lines, counters, sessions or attempts
/// ([`super::strict::count`]).
pub(super) fn count(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_COUNT,
    })
}

/// A money value in the scenario's currency ([`super::strict::money`]).
pub(super) fn money(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "number",
        "minimum": 0,
        "maximum": MAX_MONEY,
    })
}

/// A multiplier ([`super::strict::opt_factor`]).
pub(super) fn factor(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "number",
        "minimum": FACTOR_RANGE.0,
        "maximum": FACTOR_RANGE.1,
    })
}

/// A share from 0 to 1 (`Checker::share` in the compiler).
pub(super) fn share(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "number", "minimum": 0, "maximum": 1 })
}

/// A share above 0 and at most 1 (a service-level target, a start speed).
pub(super) fn share_above_zero(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "number", "exclusiveMinimum": 0, "maximum": 1 })
}

/// A share from 0 up to, not including, 1 (absence, attrition per month).
pub(super) fn share_below_one(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "number", "minimum": 0, "exclusiveMaximum": 1 })
}

/// A share above 0 and below 1 (the extra absence of a sick-leave inject).
pub(super) fn share_open(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 })
}

/// A trigger metric's name (`crate::model::Metric::ALL`).
pub(super) fn metric(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<&str> = crate::model::Metric::ALL.iter().map(|(n, _)| *n).collect();
    json_schema!({
        "type": "string",
        "enum": names,
    })
}

/// What the schema says about itself.
const DESCRIPTION: &str = "A surgesim scenario file (TOML): [scenario], [calendar], [uncertainty], [languages.ID], [interpreters.ID], [channels.ID], [topics.ID], [[demand]], [[newcomers]], [pools.ID], [plans.ID], [[actions]], [[injects]] and [variants.NAME]. Generated by `surgesim schema`; the README's section \"The scenario file\" documents every key. The schema checks keys and value shapes; `surgesim check` also checks references, ranges and which keys apply to a kind.";

/// The JSON Schema of a scenario file, as pretty-printed JSON with sorted
/// keys (the same bytes on every run and build) and a final newline.
pub fn scenario_schema_json() -> String {
    let mut text =
        serde_json::to_string_pretty(&scenario_schema()).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// The JSON Schema of a scenario file (draft-07, which taplo and most
/// editors read), keys sorted.
pub fn scenario_schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut root = generator.into_root_schema_for::<Scenario>().to_value();
    if let Some(obj) = root.as_object_mut() {
        obj.insert("title".into(), "surgesim scenario".into());
        obj.insert("description".into(), DESCRIPTION.into());
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            props.insert("variants".into(), variants());
        }
    }
    no_null(&mut root);
    enums(&mut root);
    sorted(root)
}

/// `[variants.NAME]`: read from the document before the scenario types
/// (see [`super::variant`]), so it has no serde type of its own.
fn variants() -> Value {
    serde_json::json!({
        "type": "object",
        "description": "Variants by name (letters, digits, `_` and `-`; not `base`): small overrides of this scenario, written as dotted keys from the top of the file (`pools.phone_team.headcount = 30`, `actions.temps.count = 40`, `demand.0.per_day = 200`); run one with `--variant NAME`.",
        "propertyNames": { "pattern": "^[A-Za-z0-9_-]+$", "not": { "const": "base" } },
        "additionalProperties": {
            "type": "object",
            "description": "A variant: keys to change, as dotted keys from the top of the file, and an optional `description`.",
            "properties": {
                "description": { "type": "string", "description": "What the variant changes (free text), shown in outputs." }
            }
        }
    })
}

/// Removes what schemars derives for `Option` fields (a `null` type and a
/// `null` default) and Rust number formats. TOML has no null; an absent key is how a value is left
/// out, and every `Option` field of the format is also `#[serde(default)]`.
fn no_null(value: &mut Value) {
    match value {
        Value::Object(obj) => {
            if obj.get("default") == Some(&Value::Null) {
                obj.remove("default");
            }
            // Rust's number widths (`double`, `uint32`) are no JSON Schema
            // formats; the ranges say what is accepted.
            if obj.get("format").and_then(Value::as_str).is_some_and(|f| {
                f.starts_with("int") || f.starts_with("uint") || f == "double" || f == "float"
            }) {
                obj.remove("format");
            }
            if let Some(Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    obj.insert("type".into(), only);
                }
            }
            let null = serde_json::json!({ "type": "null" });
            if let Some(Value::Array(branches)) = obj.get_mut("anyOf")
                && branches.contains(&null)
            {
                {
                    branches.retain(|b| *b != null);
                    if branches.len() == 1 {
                        let only = branches.remove(0);
                        obj.remove("anyOf");
                        match only {
                            // A `$ref` with siblings is read as the `$ref`
                            // alone in draft-07: keep it inside `allOf`.
                            Value::Object(o) if o.contains_key("$ref") => {
                                obj.insert("allOf".into(), Value::Array(vec![Value::Object(o)]));
                            }
                            Value::Object(o) => {
                                for (k, v) in o {
                                    obj.entry(k).or_insert(v);
                                }
                            }
                            other => {
                                obj.insert("allOf".into(), Value::Array(vec![other]));
                            }
                        }
                    }
                }
            }
            for v in obj.values_mut() {
                no_null(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(no_null),
        _ => {}
    }
}

/// Adds `"type": "string"` and an `enum` of the values to every `oneOf` of
/// string constants (the derived schema of a documented unit enum), so
/// that editors complete the values; the `oneOf` keeps each value's
/// description.
fn enums(value: &mut Value) {
    match value {
        Value::Object(obj) => {
            let consts: Option<Vec<Value>> = match obj.get("oneOf") {
                Some(Value::Array(items)) if !items.is_empty() => items
                    .iter()
                    .map(|i| i.get("const").filter(|c| c.is_string()).cloned())
                    .collect(),
                _ => None,
            };
            if let Some(consts) = consts {
                obj.insert("type".into(), "string".into());
                obj.insert("enum".into(), Value::Array(consts));
            }
            for v in obj.values_mut() {
                enums(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(enums),
        _ => {}
    }
}

/// The value with every object's keys in sorted order, whether or not
/// `serde_json` preserves insertion order in this build.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(obj) => {
            let mut entries: Vec<(String, Value)> = obj.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(k, sorted(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_deterministic_and_titled() {
        let a = scenario_schema_json();
        assert_eq!(a, scenario_schema_json());
        let v: Value = serde_json::from_str(&a).unwrap();
        assert_eq!(v["title"], "surgesim scenario");
        assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(v["additionalProperties"], false);
    }

    #[test]
    fn strict_ranges_are_the_parsers() {
        let v = scenario_schema();
        let lines = &v["definitions"]["Channel"]["properties"]["lines"];
        assert_eq!(lines["maximum"], MAX_COUNT);
        let speed = &v["definitions"]["Pool"]["properties"]["speed"];
        assert_eq!(speed["minimum"], FACTOR_RANGE.0);
        assert_eq!(speed["maximum"], FACTOR_RANGE.1);
    }
}
