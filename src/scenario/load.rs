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

/// Reads and parses a scenario file. I/O problems are reported as a
/// diagnostic without a line.
pub fn load_file(path: &Path) -> Result<LoadedScenario, Diagnostics> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Diagnostics {
        origin: origin.clone(),
        items: vec![Diagnostic {
            path: String::new(),
            line: None,
            message: format!("cannot read the scenario file: {e}"),
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
    let fail = |items: Vec<Diagnostic>| {
        let mut d = Diagnostics {
            origin: origin.to_string(),
            items,
        };
        d.sort();
        d
    };
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let line = e.span().map(|s| line_in(text, s.start));
            return Err(fail(vec![Diagnostic {
                path: String::new(),
                line,
                message: format!("TOML syntax error: {}", e.message().trim()),
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
                    let related = |p: &str| {
                        removed_paths
                            .iter()
                            .any(|r| r.starts_with(p) || p.starts_with(r.as_str()))
                    };
                    problems.extend(more.items.into_iter().filter(|d| !related(&d.path)));
                }
                break;
            }
            Err(e) => e,
        };
        let message = err.message().trim().to_string();
        if let Some(name) = missing_field_name(&message)
            && removed.iter().any(|r| r == name)
        {
            // A consequence of removing a bad value: already reported.
            break;
        }
        let path = err
            .span()
            .and_then(|s| source.path_at(s.start))
            .unwrap_or_default();
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
        if path.is_empty() || !remove_path(tree.get_mut(), &path) {
            break;
        }
        removed.push(last_segment(&path).to_string());
        removed_paths.push(path);
    }
    Err(fail(problems))
}

/// 1-based line of a byte offset in `text`.
fn line_in(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Turns serde's message into ours, with a suggestion for unknown names.
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
    (message.to_string(), None)
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
fn remove_path(root: &mut DeTable<'_>, path: &str) -> bool {
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
