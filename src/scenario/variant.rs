//! Variants: named, small overrides of a scenario, declared in the same
//! file under `[variants.NAME]`.
//!
//! A variant is a table of keys to change, written as dotted keys from the
//! top of the file: `pools.phone_team.headcount = 30`,
//! `plans.surge_plan.enabled = false`, `actions.phone_temps.count = 40`.
//! Arrays of tables are entered by an element's `id` (actions) or by its
//! position (`demand.0.per_day = 200`). A plain value or an inline table
//! (`hours = { daily = "08:00-18:00" }`) replaces the value at that key; a
//! dotted or standard table goes one level deeper. Tables that name things
//! (a pool, a channel, an action) must exist in the base scenario, so a
//! typo is an error with the valid names; a value may set a key that the
//! base leaves at its default.
//!
//! The overrides are applied to the parsed document, whose spans point into
//! the one file, so every problem in a variant is reported at the line of
//! the variant that caused it.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, suggest};

/// A variant's name, description and where it is declared.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantInfo {
    /// Name, the key under `[variants]`.
    pub name: String,
    /// Free text (`description = "..."`), empty if none.
    pub description: String,
    /// 1-based line of its declaration.
    pub line: Option<usize>,
    /// What it changes, as written: `pools.phone_team.headcount = 30`.
    pub changes: Vec<String>,
}

/// The leaf changes of a variant table, as `path = value` from the text.
fn changes(text: &str, table: &DeTable<'_>, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in table.iter() {
        let k = key.get_ref();
        if prefix.is_empty() && RESERVED.contains(&k.as_ref()) {
            continue;
        }
        let path = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        match value.get_ref() {
            DeValue::Table(t) if !is_inline(text, value) => changes(text, t, &path, out),
            _ => {
                let written = text.get(value.span()).unwrap_or("…").trim();
                out.push(format!("{path} = {written}"));
            }
        }
    }
}

/// Keys reserved in a variant table (not overrides).
const RESERVED: &[&str] = &["description"];

/// Removes `[variants]` from the document and returns it.
pub fn take<'i>(root: &mut DeTable<'i>) -> Option<Spanned<DeValue<'i>>> {
    root.remove("variants")
}

/// The variants declared, in file order, and problems with their shape.
pub fn list(
    text: &str,
    variants: Option<&Spanned<DeValue<'_>>>,
) -> (Vec<VariantInfo>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let Some(v) = variants else {
        return (out, problems);
    };
    let DeValue::Table(t) = v.get_ref() else {
        problems.push(diag(
            text,
            v.span().start,
            "variants",
            "must be a table of named variants: [variants.NAME]",
            None,
        ));
        return (out, problems);
    };
    for (key, value) in t.iter() {
        let name = key.get_ref().to_string();
        let path = super::diagnostic::join("variants", &name);
        let DeValue::Table(body) = value.get_ref() else {
            problems.push(diag(
                text,
                key.span().start,
                &path,
                "must be a table of keys to change",
                None,
            ));
            continue;
        };
        if name == "base"
            || name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            problems.push(diag(
                text,
                key.span().start,
                &path,
                "a variant's name is not empty, uses letters, digits, `_` and `-`, and is not `base`",
                None,
            ));
        }
        let description = match body.get("description").map(|d| d.get_ref()) {
            None => String::new(),
            Some(DeValue::String(s)) => s.to_string(),
            Some(_) => {
                problems.push(diag(
                    text,
                    key.span().start,
                    &format!("{path}.description"),
                    "must be a string",
                    None,
                ));
                String::new()
            }
        };
        let mut changed = Vec::new();
        changes(text, body, "", &mut changed);
        out.push(VariantInfo {
            name,
            description,
            line: Some(line_in(text, key.span().start)),
            changes: changed,
        });
    }
    out.sort_by_key(|v| v.line);
    (out, problems)
}

/// Applies variant `name` to `root`; problems name the variant's keys.
pub fn apply<'i>(
    text: &str,
    root: &mut DeTable<'i>,
    variants: Option<&Spanned<DeValue<'i>>>,
    name: &str,
) -> Vec<Diagnostic> {
    let (infos, mut problems) = list(text, variants);
    if !problems.is_empty() {
        return problems;
    }
    let body = variants.and_then(|v| match v.get_ref() {
        DeValue::Table(t) => t.get(name),
        _ => None,
    });
    let Some(body) = body else {
        let names: Vec<&str> = infos.iter().map(|i| i.name.as_str()).collect();
        let hint = if names.is_empty() {
            Some("the scenario declares no variants; add [variants.NAME] tables".to_string())
        } else {
            Some(suggest(name, &names))
        };
        problems.push(Diagnostic {
            path: format!("variants.{name}"),
            line: None,
            message: format!("no variant `{name}` in the scenario"),
            hint,
        });
        return problems;
    };
    if let DeValue::Table(t) = body.get_ref() {
        let mut ov = t.clone();
        for r in RESERVED {
            ov.remove(*r);
        }
        merge(text, root, &ov, &format!("variants.{name}"), &mut problems);
    }
    problems
}

/// Whether a table value was written inline (`{ ... }`).
fn is_inline(text: &str, value: &Spanned<DeValue<'_>>) -> bool {
    text.get(value.span().start..)
        .is_some_and(|s| s.trim_start().starts_with('{'))
}

fn merge<'i>(
    text: &str,
    base: &mut DeTable<'i>,
    ov: &DeTable<'i>,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) {
    for (key, value) in ov.iter() {
        let k = key.get_ref().to_string();
        let here = format!("{path}.{k}");
        let deeper = matches!(value.get_ref(), DeValue::Table(_)) && !is_inline(text, value);
        match base.get_mut(k.as_str()) {
            Some(existing) => {
                let existing_span = existing.span();
                match (existing.get_mut(), value.get_ref(), deeper) {
                    (DeValue::Table(bt), DeValue::Table(ot), true) => {
                        merge(text, bt, ot, &here, problems);
                    }
                    (DeValue::Array(items), DeValue::Table(ot), true) => {
                        merge_array(text, items, ot, &here, problems);
                    }
                    (_, _, true) => problems.push(diag(
                        text,
                        key.span().start,
                        &here,
                        "the base scenario has a plain value here; set it with `= value`",
                        None,
                    )),
                    _ => {
                        let _ = existing_span;
                        // Key and value from the variant, so that problems
                        // with the new value point at the variant's line.
                        base.remove(k.as_str());
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
            None if deeper => {
                let valid: Vec<String> =
                    base.iter().map(|(k, _)| k.get_ref().to_string()).collect();
                let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
                problems.push(diag(
                    text,
                    key.span().start,
                    &here,
                    &format!("the base scenario has no `{k}` here to change"),
                    if valid.is_empty() {
                        None
                    } else {
                        Some(suggest(&k, &valid))
                    },
                ));
            }
            None => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Enters array elements by `id` (or `name`) or by position.
fn merge_array<'i>(
    text: &str,
    items: &mut [Spanned<DeValue<'i>>],
    ov: &DeTable<'i>,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let id_of = |item: &Spanned<DeValue<'_>>| -> Option<String> {
        match item.get_ref() {
            DeValue::Table(t) => {
                ["id", "name"]
                    .iter()
                    .find_map(|k| match t.get(*k).map(|v| v.get_ref()) {
                        Some(DeValue::String(s)) => Some(s.to_string()),
                        _ => None,
                    })
            }
            _ => None,
        }
    };
    for (key, value) in ov.iter() {
        let sel = key.get_ref().to_string();
        let here = format!("{path}.{sel}");
        let found = match sel.parse::<usize>() {
            Ok(i) if i < items.len() => Some(i),
            Ok(_) => None,
            Err(_) => items
                .iter()
                .position(|it| id_of(it).as_deref() == Some(sel.as_str())),
        };
        let Some(i) = found else {
            let ids: Vec<String> = items.iter().filter_map(id_of).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let hint = if ids.is_empty() {
                format!(
                    "enter an element by its position, 0 to {}",
                    items.len().saturating_sub(1)
                )
            } else {
                suggest(&sel, &ids)
            };
            problems.push(diag(
                text,
                key.span().start,
                &here,
                &format!("no element `{sel}` in the base scenario's list"),
                Some(hint),
            ));
            continue;
        };
        match (items[i].get_mut(), value.get_ref()) {
            (DeValue::Table(bt), DeValue::Table(ot)) if !is_inline(text, value) => {
                merge(text, bt, ot, &here, problems);
            }
            _ => problems.push(diag(
                text,
                key.span().start,
                &here,
                "change an element's keys one by one, e.g. `actions.ID.count = 40`",
                None,
            )),
        }
    }
}

fn diag(text: &str, offset: usize, path: &str, message: &str, hint: Option<String>) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        line: Some(line_in(text, offset)),
        message: message.to_string(),
        hint,
    }
}

fn line_in(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
