//! Snapshot tests (insta) of the outputs of a tiny fixed-seed scenario
//! (`tests/fixtures/tiny.toml`): summary.csv, summary.json and the text of
//! report.html. A change in any of them shows as a reviewable diff
//! (`cargo insta review`); the version number is redacted so that a
//! release does not change the snapshots.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;

use super::util::tempdir;

fn run_tiny(out: &Path) {
    Command::cargo_bin("surgesim")
        .expect("binary")
        .args(["run", "-q", "-j", "2", "tests/fixtures/tiny.toml", "--out"])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
}

fn redact_version(s: &str) -> String {
    s.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

/// The text a reader sees in an HTML page: tags and inline SVG removed,
/// whitespace collapsed, one line per block element.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    // Drop <style> and <svg> blocks whole.
    let mut cleaned = String::new();
    while let Some(i) = rest.find('<') {
        cleaned.push_str(&rest[..i]);
        let tail = &rest[i..];
        let skip_to = |end: &str| tail.find(end).map(|j| j + end.len());
        let jump = if tail.starts_with("<style") {
            skip_to("</style>").map(|j| (j, ""))
        } else if tail.starts_with("<svg") {
            skip_to("</svg>").map(|j| (j, "[chart]"))
        } else {
            None
        };
        match jump {
            Some((j, stand_in)) => {
                cleaned.push_str(stand_in);
                rest = &tail[j..];
            }
            None => {
                let close = tail.find('>').map_or(tail.len(), |j| j + 1);
                let tag = &tail[..close];
                let block = [
                    "<tr", "</tr", "<p", "<h1", "<h2", "<h3", "<li", "<div", "<br", "<figure",
                ]
                .iter()
                .any(|b| tag.starts_with(b));
                cleaned.push_str(if block {
                    "\n"
                } else if tag.starts_with("<td") || tag.starts_with("<th") {
                    " | "
                } else {
                    " "
                });
                rest = &tail[close..];
            }
        }
    }
    cleaned.push_str(rest);
    for line in cleaned.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if !words.is_empty() {
            out.push_str(&words.join(" "));
            out.push('\n');
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

#[test]
fn tiny_scenario_outputs_match_their_snapshots() {
    let dir = tempdir();
    run_tiny(dir.path());
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    insta::assert_snapshot!("tiny_summary_csv", read("summary.csv"));
    insta::assert_snapshot!("tiny_summary_json", redact_version(&read("summary.json")));
    insta::assert_snapshot!(
        "tiny_report_text",
        redact_version(&visible_text(&read("report.html")))
    );
}
