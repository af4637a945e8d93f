//! Problems found in a scenario, each tied to a key path and a line, and the
//! map from key paths to places in the source text that makes that possible.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// TOML key path, e.g. `channels.hotline.patience.mean` or `demand[0].rate`.
    pub path: String,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What would be valid (closest key name, allowed values …).
    pub hint: Option<String>,
}

/// Every problem found in one scenario file, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    /// File name (or `<bundled>`), as shown in messages.
    pub origin: String,
    /// The problems; never empty when returned as an error.
    pub items: Vec<Diagnostic>,
    /// The file's text, when known: each problem is then shown with its
    /// line and a caret under the value.
    pub text: Option<Arc<str>>,
}

impl Diagnostics {
    /// The same problems, shown with the lines of `text`.
    pub fn with_text(mut self, text: &Arc<str>) -> Self {
        self.text = Some(text.clone());
        self
    }

    /// Sorts by line (unknown lines last), keeping the order of equal lines.
    pub fn sort(&mut self) {
        self.items
            .sort_by_key(|d| (d.line.unwrap_or(usize::MAX), d.path.clone()));
        self.items.dedup();
    }
}

impl fmt::Display for Diagnostics {
    /// The number of problems, then each: `file:line: key.path: message`,
    /// the line of the file with a caret under the value (when the text is
    /// known), and what would be valid.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.items.len();
        writeln!(
            f,
            "{} has {n} problem{}:",
            self.origin,
            if n == 1 { "" } else { "s" }
        )?;
        let map = self.text.as_deref().and_then(|text| {
            DeTable::parse(text)
                .ok()
                .map(|root| (text, SourceMap::build(text, root.get_ref())))
        });
        for d in &self.items {
            match d.line {
                Some(line) => write!(f, "  {}:{line}: ", self.origin)?,
                None => write!(f, "  {}: ", self.origin)?,
            }
            if d.path.is_empty() {
                writeln!(f, "{}", d.message)?;
            } else {
                writeln!(f, "{}: {}", d.path, d.message)?;
            }
            let snippet = match (&map, d.line) {
                (Some((text, map)), Some(line)) => snippet(text, map, d, line),
                // A syntax error: the file has no tree, but the line is known.
                (None, Some(line)) => self
                    .text
                    .as_deref()
                    .and_then(|text| snippet(text, &SourceMap::lines_only(text), d, line)),
                _ => None,
            };
            if let Some(snippet) = snippet {
                for l in snippet.lines() {
                    writeln!(f, "    {l}")?;
                }
            }
            if let Some(hint) = &d.hint {
                writeln!(f, "      {hint}")?;
            }
        }
        Ok(())
    }
}

/// The line of a problem with a caret under its value (or its key, or the
/// whole line), drawn by annotate-snippets.
fn snippet(text: &str, map: &SourceMap, d: &Diagnostic, line: usize) -> Option<String> {
    let start = *map.line_starts.get(line - 1)?;
    let end = map
        .line_starts
        .get(line)
        .map_or(text.len(), |&e| e.saturating_sub(1));
    let source = text.get(start..end)?.trim_end_matches('\r');
    if source.trim().is_empty() {
        return None;
    }
    // The value's span if it starts on this line, else the key's, else
    // the line's text.
    let on_line = |r: &Range<usize>| r.start >= start && r.start <= end;
    let span = map
        .entries
        .get(&d.path)
        .and_then(|(key, value)| {
            let order = if d.message.starts_with("unknown key") {
                [key, value]
            } else {
                [value, key]
            };
            order
                .into_iter()
                .find(|r| on_line(r) && !r.is_empty())
                .cloned()
        })
        .map(|r| (r.start - start)..(r.end.min(start + source.len()) - start))
        .unwrap_or_else(|| {
            let lead = source.len() - source.trim_start().len();
            lead..source.trim_end().len()
        });
    use annotate_snippets::{AnnotationKind, Renderer, Snippet};
    let shown = Snippet::source(source)
        .line_start(line)
        .annotation(AnnotationKind::Primary.span(span));
    let report =
        &[annotate_snippets::Group::with_level(annotate_snippets::Level::ERROR).element(shown)];
    let text = Renderer::plain().render(report);
    Some(text.trim_end().to_string())
}

impl std::error::Error for Diagnostics {}

/// Where each key path sits in the source text.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// Path → (span of the key, span of the value).
    entries: BTreeMap<String, (Range<usize>, Range<usize>)>,
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
}

impl SourceMap {
    /// An empty map (for scenarios built in code): every line is unknown.
    pub fn empty() -> Self {
        SourceMap::default()
    }

    /// A map that knows only where lines start (for a file that does not
    /// parse).
    fn lines_only(text: &str) -> Self {
        SourceMap {
            entries: BTreeMap::new(),
            line_starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// Indexes every key of a parsed document.
    pub fn build(text: &str, root: &DeTable<'_>) -> Self {
        let mut map = SourceMap {
            entries: BTreeMap::new(),
            line_starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        };
        map.index_table("", root);
        map
    }

    fn index_table(&mut self, prefix: &str, table: &DeTable<'_>) {
        for (key, value) in table.iter() {
            let path = join(prefix, key.get_ref());
            self.index_value(&path, key.span(), value);
        }
    }

    fn index_value(&mut self, path: &str, key_span: Range<usize>, value: &Spanned<DeValue<'_>>) {
        self.entries
            .insert(path.to_string(), (key_span.clone(), value.span()));
        match value.get_ref() {
            DeValue::Table(t) => self.index_table(path, t),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    // An array-of-tables element's own span is its header.
                    self.index_value(&item_path, item.span(), item);
                }
            }
            _ => {}
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> Option<usize> {
        if self.line_starts.is_empty() {
            return None;
        }
        Some(self.line_starts.partition_point(|&s| s <= offset))
    }

    /// Line of the key at `path`, or of its nearest ancestor that exists.
    pub fn line_of_path(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some((key, _)) = self.entries.get(p) {
                return self.line_of(key.start);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// The innermost key path whose key or value contains `offset`.
    pub fn path_at(&self, offset: usize) -> Option<String> {
        self.entries
            .iter()
            .filter_map(|(path, (key, value))| {
                [key, value]
                    .into_iter()
                    .filter(|r| r.contains(&offset) || (r.start == offset && r.is_empty()))
                    .map(|r| r.len())
                    .min()
                    .map(|len| (len, path))
            })
            .min_by_key(|(len, path)| (*len, std::cmp::Reverse(path.len())))
            .map(|(_, path)| path.clone())
    }

    /// Whether a key path exists in the file.
    pub fn contains(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    /// A diagnostic at `path` with the line looked up here.
    pub fn diag(
        &self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Diagnostic {
        let path = path.into();
        // A whole section missing from the file: shown at `[scenario]`,
        // where the file starts.
        let line = self
            .line_of_path(&path)
            .or_else(|| self.line_of_path("scenario"));
        Diagnostic {
            line,
            path,
            message: message.into(),
            hint,
        }
    }
}

/// `prefix.key`, quoting keys that are not bare TOML keys.
pub fn join(prefix: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_string()
    } else {
        format!("\"{key}\"")
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A hint listing the valid names.
pub fn suggest_list(valid: &[&str]) -> String {
    if valid.is_empty() {
        return "nothing of this kind is defined in the scenario".to_string();
    }
    format!("valid here: {}", backtick_list(valid))
}

fn backtick_list(valid: &[&str]) -> String {
    valid
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A hint naming the closest valid name and listing all of them.
pub fn suggest(word: &str, valid: &[&str]) -> String {
    if valid.is_empty() {
        return suggest_list(valid);
    }
    let list = backtick_list(valid);
    match closest(word, valid.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? Valid here: {list}"),
        None => format!("valid here: {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["patience", "lines", "hours", "redial"];
        assert_eq!(closest("paitence", keys), Some("patience"));
        assert_eq!(closest("line", keys), Some("lines"));
        assert_eq!(closest("zzzz", keys), None);
    }

    #[test]
    fn paths_quote_odd_keys() {
        assert_eq!(join("", "channels"), "channels");
        assert_eq!(join("channels", "hot line"), "channels.\"hot line\"");
    }

    #[test]
    fn lines_of_offsets() {
        let text = "a = 1\nb = 2\n\nc = 3\n";
        let root = DeTable::parse(text).unwrap();
        let map = SourceMap::build(text, root.get_ref());
        assert_eq!(map.line_of_path("a"), Some(1));
        assert_eq!(map.line_of_path("c"), Some(4));
        assert_eq!(
            map.path_at(text.find("c =").unwrap()),
            Some("c".to_string())
        );
    }
}
