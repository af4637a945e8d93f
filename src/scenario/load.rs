//! Reading a scenario file: TOML syntax, then the serde types, collecting
//! every structural problem at once.
//!
//! serde stops at the first error. To report them all, the document is parsed
//! once into a spanned tree; after each error the offending key is removed
//! from the tree and deserialization is tried again. Spans come from the
//! original text, so every line number stays true.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Scenario;
use super::diagnostic::{Diagnostic, Diagnostics, SourceMap, suggest};
use super::variant::{self, VariantInfo};

/// A parsed scenario with what is needed to report problems in it.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The scenario as written.
    pub scenario: Scenario,
    /// Key paths → lines, for later diagnostics.
    pub source: SourceMap,
    /// File name as shown in messages.
    pub origin: String,
    /// Folder that relative paths in the scenario are resolved against.
    pub base_dir: PathBuf,
    /// FNV-1a 64-bit hash of the file's bytes (identifies the input in outputs).
    pub hash: String,
    /// The variants the file declares (`[variants.NAME]`), in file order.
    pub variants: Vec<VariantInfo>,
    /// The variant this is, if not the base scenario.
    pub variant: Option<String>,
    /// The file's text, to derive variants from.
    pub text: std::sync::Arc<str>,
}

impl LoadedScenario {
    /// The scenario with variant `name` applied (its problems reported at
    /// the variant's lines).
    pub fn variant(&self, name: &str) -> Result<LoadedScenario, Diagnostics> {
        parse_variant(&self.text, &self.origin, self.base_dir.clone(), Some(name)).map_err(
            |mut d| {
                for item in &mut d.items {
                    if !item.path.starts_with("variants.") {
                        item.message = format!("in variant `{name}`: {}", item.message);
                    }
                }
                d
            },
        )
    }
}

/// Largest scenario file read, bytes.
pub const MAX_SCENARIO_BYTES: u64 = 8 << 20;

/// Largest data table (CSV) read, bytes.
pub const MAX_TABLE_BYTES: u64 = 64 << 20;

/// Reads a text file of at most `limit` bytes. A longer file (or a device
/// such as `/dev/zero`), a folder and text that is not UTF-8 are errors that
/// say so, the last with its line and column.
pub fn read_text(path: &Path, limit: u64) -> Result<String, (String, Option<usize>)> {
    use std::io::Read;
    let no_line = |m: String| (m, None);
    if path.is_dir() {
        return Err(no_line(format!(
            "{} is a folder, not a file",
            path.display()
        )));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| no_line(format!("cannot read {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| no_line(format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() as u64 > limit {
        return Err(no_line(format!(
            "{} is larger than {} MiB, the most surgesim reads from one file",
            path.display(),
            limit >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        (
            format!(
                "{} is not UTF-8 text: an invalid byte at line {line}, column {column} (save the file as UTF-8)",
                path.display()
            ),
            Some(line),
        )
    })
}

/// Reads and parses a scenario file. I/O problems are reported as a
/// diagnostic without a line.
pub fn load_file(path: &Path) -> Result<LoadedScenario, Diagnostics> {
    let origin = path.display().to_string();
    let text = read_text(path, MAX_SCENARIO_BYTES).map_err(|(message, line)| Diagnostics {
        origin: origin.clone(),
        text: None,
        items: vec![Diagnostic {
            path: String::new(),
            line,
            message,
            hint: None,
        }],
    })?;
    let base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    parse_str(&text, &origin, base_dir)
}

/// Parses scenario text. `origin` names it in messages.
pub fn parse_str(
    text: &str,
    origin: &str,
    base_dir: PathBuf,
) -> Result<LoadedScenario, Diagnostics> {
    parse_variant(text, origin, base_dir, None)
}

/// Parses scenario text, with variant `variant` applied if given.
pub fn parse_variant(
    text: &str,
    origin: &str,
    base_dir: PathBuf,
    variant: Option<&str>,
) -> Result<LoadedScenario, Diagnostics> {
    let shown: std::sync::Arc<str> = std::sync::Arc::from(text);
    let fail = |items: Vec<Diagnostic>| {
        let mut d = Diagnostics {
            origin: origin.to_string(),
            items,
            text: Some(shown.clone()),
        };
        d.sort();
        d
    };
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let line = e.span().map(|s| line_in(text, s.start));
            let mut message = format!("TOML syntax error: {}", e.message().trim());
            if message.ends_with("duplicate key")
                && let Some(key) = e.span().and_then(|s| text.get(s)).map(str::trim)
                && !key.is_empty()
            {
                message = format!(
                    "TOML syntax error: duplicate key `{key}` (each key is set once per table)"
                );
            }
            return Err(fail(vec![Diagnostic {
                path: String::new(),
                line,
                message,
                hint: None,
            }]));
        }
    };
    let mut root = root;
    let declared = variant::take(root.get_mut());
    let (variants, mut shape) = variant::list(text, declared.as_ref());
    if let Some(name) = variant {
        shape = variant::apply(text, root.get_mut(), declared.as_ref(), name);
    }
    if !shape.is_empty() {
        return Err(fail(shape));
    }
    let source = SourceMap::build(text, root.get_ref());
    let mut odd = Vec::new();
    non_finite(text, root.get_ref(), &source, &mut odd);
    if !odd.is_empty() {
        return Err(fail(odd));
    }
    let mut tree: Spanned<DeTable<'_>> = root;
    let mut problems = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    // Full paths of the removed keys: the meaning of the rest of the file is
    // checked too, leaving out what touches a removed key (a consequence of
    // the removal, not a problem of its own).
    let mut removed_paths: Vec<String> = Vec::new();
    // Each round removes one key, so the loop ends; the cap guards against a
    // file with hundreds of problems.
    for _ in 0..200 {
        let attempt = Scenario::deserialize(toml::de::Deserializer::from(tree.clone()));
        let err = match attempt {
            Ok(scenario) => {
                if problems.is_empty() {
                    return Ok(LoadedScenario {
                        scenario,
                        source,
                        origin: origin.to_string(),
                        base_dir,
                        hash: fnv1a_hex(text.as_bytes()),
                        variants,
                        variant: variant.map(str::to_string),
                        text: std::sync::Arc::from(text),
                    });
                }
                if let Err(more) = crate::model::compile(&scenario, &source, origin, &base_dir) {
                    problems.extend(
                        more.items
                            .into_iter()
                            .filter(|d| !follows_from(d, &removed_paths)),
                    );
                }
                break;
            }
            Err(e) => e,
        };
        let message = err.message().trim().to_string();
        let path = err
            .span()
            .and_then(|s| source.path_at(s.start))
            .unwrap_or_default();
        if path.is_empty() {
            // Nothing to remove: report it and stop.
            let (message, hint) = explain(&message);
            problems.push(Diagnostic {
                path,
                line: err.span().map(|s| line_in(text, s.start)),
                message,
                hint,
            });
            break;
        }
        // A value already removed (an emptied array element) or a table
        // missing a key whose bad value was removed.
        let consequence = removed_paths.contains(&path)
            || (missing_field_name(&message).is_some()
                && (removed_paths.iter().any(|r| r.starts_with(path.as_str()))
                    || missing_field_name(&message)
                        .is_some_and(|n| removed.iter().any(|r| r == n))));
        if consequence {
            // A table is incomplete because a bad value in it was removed:
            // already reported. Leave the whole table out (an array
            // element's whole array, so that the other elements keep their
            // positions) and go on with the rest of the file.
            let whole = match path.rfind('[') {
                Some(cut) if path.ends_with(']') => path[..cut].to_string(),
                _ => path.clone(),
            };
            if !remove_path(tree.get_mut(), &whole, true) {
                break;
            }
            removed_paths.push(whole);
            continue;
        }
        let line = err
            .span()
            .map(|s| line_in(text, s.start))
            .or_else(|| source.line_of_path(&path));
        let (message, hint) = explain(&message);
        problems.push(Diagnostic {
            path: path.clone(),
            line,
            message,
            hint,
        });
        if !remove_path(tree.get_mut(), &path, false) {
            break;
        }
        removed.push(last_segment(&path).to_string());
        removed_paths.push(path);
    }
    Err(fail(problems))
}

/// Every `inf` and `nan` in the document: valid TOML, but no quantity of a
/// scenario can be infinite or undefined.
fn non_finite(text: &str, table: &DeTable<'_>, source: &SourceMap, out: &mut Vec<Diagnostic>) {
    fn value(text: &str, v: &Spanned<DeValue<'_>>, source: &SourceMap, out: &mut Vec<Diagnostic>) {
        match v.get_ref() {
            DeValue::Float(f) => {
                let x: f64 = f.as_str().parse().unwrap_or(f64::NAN);
                if !x.is_finite() {
                    out.push(Diagnostic {
                        path: source.path_at(v.span().start).unwrap_or_default(),
                        line: Some(line_in(text, v.span().start)),
                        message: format!("`{}` is not a number a scenario can use", f.as_str()),
                        hint: Some("every quantity is a finite number".into()),
                    });
                }
            }
            DeValue::Array(items) => {
                for item in items.iter() {
                    value(text, item, source, out);
                }
            }
            DeValue::Table(t) => non_finite(text, t, source, out),
            _ => {}
        }
    }
    for (_, v) in table.iter() {
        value(text, v, source, out);
    }
}

/// Whether a problem of meaning follows from values left out because they
/// were already reported: it concerns a removed key, names a removed table
/// (`unknown pool \`team\``), or says that something of a removed kind is
/// missing (`no pool serves channel \`phone\``). The root cause is reported;
/// its consequences are not.
fn follows_from(d: &Diagnostic, removed_paths: &[String]) -> bool {
    const SECTIONS: &[(&str, &str)] = &[
        ("pools", "pool"),
        ("channels", "channel"),
        ("topics", "topic"),
        ("languages", "language"),
        ("interpreters", "interpreter"),
        ("plans", "plan"),
        ("demand", "demand"),
        ("newcomers", "newcomer"),
        ("actions", "action"),
        ("injects", "inject"),
    ];
    removed_paths.iter().any(|r| {
        if r.starts_with(d.path.as_str()) || d.path.starts_with(r.as_str()) {
            return true;
        }
        let segs = segments(r);
        let section = match segs.first() {
            Some(Segment::Key(k)) => k.as_str(),
            _ => return false,
        };
        if section == "scenario" {
            // The settings themselves are incomplete: everything may follow.
            return true;
        }
        let Some((_, word)) = SECTIONS.iter().find(|(s, _)| *s == section) else {
            return false;
        };
        match segs.get(1) {
            // A whole named table (`pools.team`), or a whole section.
            Some(Segment::Key(name)) if segs.len() == 2 => {
                d.message.contains(&format!("`{name}`"))
                    || d.message.starts_with(&format!("no {word}"))
            }
            None | Some(Segment::Index(_)) if segs.len() <= 2 => {
                d.message.starts_with(&format!("no {word}"))
                    || d.message.contains(&format!("has no {section}"))
            }
            _ => false,
        }
    })
}

/// 1-based line of a byte offset in `text`.
fn line_in(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Turns serde's message into ours, in TOML's words, with a suggestion for
/// unknown names.
fn explain(message: &str) -> (String, Option<String>) {
    for (prefix, what) in [
        ("unknown field", "unknown key"),
        ("unknown variant", "unknown value"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let names = backticked(rest);
            if let Some((word, valid)) = names.split_first() {
                let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
                let hint = if valid.is_empty() {
                    None
                } else {
                    Some(suggest(word, &valid))
                };
                return (format!("{what} `{word}`"), hint);
            }
        }
    }
    if let Some(name) = missing_field_name(message) {
        return (format!("missing required key `{name}`"), None);
    }
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let (expected, more) = match expected.split_once("; ") {
            Some((e, more)) => (e, Some(more)),
            None => (expected, None),
        };
        // "a table, e.g. `hours = { … }`": the example goes in the hint.
        let (expected, example) = match expected.split_once(", e.g. ") {
            Some((e, example)) => (e, Some(format!("write it as {example}"))),
            None => (expected, None),
        };
        let mut text = format!(
            "expected {}, found {}",
            toml_words(expected),
            toml_found(found)
        );
        if let Some(more) = more {
            text.push_str("; ");
            text.push_str(more);
        }
        return (text, example);
    }
    if message == "wanted string or table" {
        return (
            "expected a name in quotes, e.g. `\"phone\"`".to_string(),
            None,
        );
    }
    (message.to_string(), None)
}

/// serde's name of an expected type, in TOML's words.
fn toml_words(expected: &str) -> String {
    let words = match expected {
        "a boolean" => "`true` or `false`",
        "a string" | "a borrowed string" => "a string in quotes",
        "a sequence" => "an array `[…]`",
        "a map" => "a table",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        e if e.starts_with("struct ") => "a table",
        e => e,
    };
    words.to_string()
}

/// serde's description of a value found, in TOML's words.
fn toml_found(found: &str) -> String {
    let value = backticked(found).into_iter().next();
    if found == "sequence" {
        "an array".into()
    } else if found == "map" {
        "a table".into()
    } else if let Some(s) = found.strip_prefix("string ") {
        format!("the string {s}")
    } else if let Some(v) = value {
        if found.starts_with("boolean") {
            format!("`{v}`")
        } else {
            format!("the number {v}")
        }
    } else {
        found.to_string()
    }
}

fn missing_field_name(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// The words between backticks, in order.
fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn last_segment(path: &str) -> &str {
    let cut = path.rfind(['.', '[']).map(|i| i + 1).unwrap_or(0);
    path[cut..].trim_end_matches(']').trim_matches('"')
}

/// Splits `a.b[2].c` into keys and indices.
fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or(r.len());
            if let Ok(i) = r[..end].parse() {
                out.push(Segment::Index(i));
            }
            rest = r.get(end + 1..).unwrap_or("");
            continue;
        }
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            out.push(Segment::Key(r[..end].to_string()));
            rest = r.get(end + 1..).unwrap_or("");
            continue;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        out.push(Segment::Key(rest[..end].to_string()));
        rest = &rest[end..];
    }
    out
}

enum Segment {
    Key(String),
    Index(usize),
}

/// Removes the key or array element at `path`; false if it is not there.
/// An array element is emptied (`hard`: removed with its whole array).
fn remove_path(root: &mut DeTable<'_>, path: &str, hard: bool) -> bool {
    if hard && path.ends_with(']') {
        let cut = path.rfind('[').unwrap_or(0);
        return remove_path(root, &path[..cut], true);
    }
    let segs = segments(path);
    let Some((last, parents)) = segs.split_last() else {
        return false;
    };
    // Walk to the container of the last segment.
    enum Container<'a, 'i> {
        Table(&'a mut DeTable<'i>),
        Value(&'a mut DeValue<'i>),
    }
    let mut here = Container::Table(root);
    for seg in parents {
        let next: Option<&mut DeValue<'_>> = match (here, seg) {
            (Container::Table(t), Segment::Key(k)) => t.get_mut(k.as_str()).map(|v| v.get_mut()),
            (Container::Value(DeValue::Table(t)), Segment::Key(k)) => {
                t.get_mut(k.as_str()).map(|v| v.get_mut())
            }
            (Container::Value(DeValue::Array(a)), Segment::Index(i)) => {
                a.get_mut(*i).map(|v| v.get_mut())
            }
            _ => None,
        };
        match next {
            Some(v) => here = Container::Value(v),
            None => return false,
        }
    }
    match (here, last) {
        (Container::Table(t), Segment::Key(k)) => t.remove(k.as_str()).is_some(),
        (Container::Value(DeValue::Table(t)), Segment::Key(k)) => t.remove(k.as_str()).is_some(),
        (Container::Value(DeValue::Array(a)), Segment::Index(i)) if *i < a.len() => {
            // Replace rather than remove, so later indices keep their paths.
            if let Some(item) = a.get_mut(*i) {
                *item = Spanned::new(item.span(), DeValue::Table(DeTable::new()));
            }
            // An empty table may itself be invalid; if so, the next round
            // reports its missing keys, which is true of the source too.
            true
        }
        _ => false,
    }
}

/// FNV-1a 64-bit hash as 16 hex digits.
pub fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[scenario]
name = "t"
start = 2022-03-07
days = 1

[channels.hotline]
kind = "phone"

[topics.general]
handle.hotline = { dist = "exponential", mean = "5m" }

[[demand]]
topic = "general"
channel = "hotline"
rate = "10/h"

[pools.team]
headcount = 2
serves = ["hotline"]
"#;

    fn parse(text: &str) -> Result<LoadedScenario, Diagnostics> {
        parse_str(text, "test.toml", PathBuf::from("."))
    }

    #[test]
    fn a_good_file_parses() {
        let s = parse(GOOD).unwrap();
        assert_eq!(s.scenario.scenario.days, 1);
        assert_eq!(
            s.scenario.demand[0].rate.unwrap().as_per_sec(),
            10.0 / 3600.0
        );
        assert_eq!(s.scenario.scenario.start.to_string(), "2022-03-07");
    }

    #[test]
    fn every_typo_is_reported_with_path_line_and_suggestion() {
        let text = GOOD
            .replace("kind = \"phone\"", "kind = \"phone\"\nlnes = 3")
            .replace("headcount = 2", "headcont = 2\nheadcount = 2");
        let err = parse(&text).unwrap_err();
        assert_eq!(err.items.len(), 2, "{err}");
        let first = &err.items[0];
        assert_eq!(first.path, "channels.hotline.lnes");
        assert_eq!(first.line, Some(9));
        assert!(
            first
                .hint
                .as_deref()
                .unwrap()
                .contains("did you mean `lines`"),
            "{err}"
        );
        assert_eq!(err.items[1].path, "pools.team.headcont");
        assert!(
            err.items[1]
                .hint
                .as_deref()
                .unwrap()
                .contains("`headcount`")
        );
    }

    #[test]
    fn bad_values_are_reported_with_their_key() {
        let text = GOOD
            .replace("rate = \"10/h\"", "rate = \"10\"")
            .replace("mean = \"5m\"", "mean = 5");
        let err = parse(&text).unwrap_err();
        let paths: Vec<&str> = err.items.iter().map(|d| d.path.as_str()).collect();
        assert!(paths.contains(&"demand[0].rate"), "{err}");
        assert!(
            paths.contains(&"topics.general.handle.hotline.mean"),
            "{err}"
        );
        assert!(err.to_string().contains("has no unit"), "{err}");
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let err = parse("[scenario\nname = 1").unwrap_err();
        assert_eq!(err.items.len(), 1);
        assert_eq!(err.items[0].line, Some(1));
        assert!(err.items[0].message.contains("syntax"));
    }

    #[test]
    fn unknown_kinds_suggest_valid_ones() {
        let err = parse(&GOOD.replace("kind = \"phone\"", "kind = \"phnoe\"")).unwrap_err();
        assert_eq!(err.items[0].path, "channels.hotline.kind");
        assert!(
            err.items[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("did you mean `phone`"),
            "{err}"
        );
    }

    #[test]
    fn missing_sections_are_named() {
        let err = parse("[scenario]\nname = \"x\"\nstart = 2022-01-01\n").unwrap_err();
        assert!(
            err.to_string().contains("missing required key `days`"),
            "{err}"
        );
    }
}
