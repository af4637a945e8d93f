//! Charts: every run draws SVG and PNG charts with the bundled font; the
//! SVG holds its titles and axis labels as text, the PNG decodes at twice
//! the SVG size and is not blank.

use std::process::Command;

use assert_cmd::prelude::*;

fn surgesim() -> Command {
    Command::cargo_bin("surgesim").expect("binary")
}

use super::util::tempdir;

#[test]
fn a_run_draws_svg_and_png_charts_with_text_and_ink() {
    let dir = tempdir();
    surgesim()
        .args(["run", "-n", "3", "-q", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let charts = dir.path().join("charts");
    let svg = std::fs::read_to_string(charts.join("hotline_service_level.svg")).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
    assert!(svg.trim_end().ends_with("</svg>"));
    for text in [
        "hotline (phone): live calls answered within 1 min",
        "service level (%)",
        "date",
        "median",
        "target",
    ] {
        assert!(svg.contains(text), "the SVG lacks `{text}`");
    }
    // Every SVG is well-formed XML with an <svg> root and text in it.
    let mut n_svg = 0;
    for entry in std::fs::read_dir(&charts).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "svg") {
            let text = std::fs::read_to_string(&p).unwrap();
            let doc = roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", p.display()));
            assert_eq!(doc.root_element().tag_name().name(), "svg");
            assert!(
                doc.descendants().any(|n| n.has_tag_name("text")),
                "{} has no text",
                p.display()
            );
            n_svg += 1;
        }
    }
    assert!(n_svg >= 25, "{n_svg} SVG charts");
    // Every channel and pool has its charts, and the cost chart exists.
    for name in [
        "hotline_offered",
        "hotline_backlog",
        "hotline_wait",
        "hotline_lost",
        "hotline_recovery",
        "hotline_peak_backlog",
        "desk_lost",
        "inbox_backlog",
        "desk_service_level",
        "phone_team_staff",
        "cost",
    ] {
        for ext in ["svg", "png"] {
            let p = charts.join(format!("{name}.{ext}"));
            assert!(p.exists(), "{} is missing", p.display());
        }
    }
    // The report: one self-contained file with the headline table, the
    // charts inline, and nothing loaded from elsewhere.
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<table id=\"headline\">"));
    assert!(html.contains("Migration agency, Ukraine influx"));
    assert!(html.contains("Contingency actions") && html.contains("caseworkers_to_phones"));
    assert!(html.contains("Notes and sources"));
    assert!(html.matches("<svg").count() >= 17);
    for external in ["src=", "href=", "<script", "<link", "@import"] {
        assert!(
            !html.contains(external),
            "the report loads something: `{external}`"
        );
    }
    let png = std::fs::File::open(charts.join("phone_team_staff.png")).unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1600, 840));
    let pixels = &buf[..info.buffer_size()];
    let non_white = pixels.chunks(3).filter(|p| p != &[255, 255, 255]).count();
    let share = non_white as f64 / (pixels.len() / 3) as f64;
    assert!(share > 0.05 && share < 0.9, "ink share {share}");
}

#[test]
fn charts_can_be_left_out() {
    let dir = tempdir();
    surgesim()
        .args(["run", "-n", "2", "-q", "--no-charts", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(!dir.path().join("charts").exists());
    assert!(dir.path().join("summary.json").exists());
    // The report is still written, without charts.
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("<table id=\"headline\">"));
    assert!(!html.contains("<svg"));
}

#[test]
fn the_build_has_no_system_font_libraries() {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "-e", "normal", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!(
            "skipped: cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("plotters"));
    for bad in ["font-kit", "fontconfig", "freetype"] {
        assert!(!tree.contains(bad), "`{bad}` is in the build");
    }
}

#[test]
fn format_chooses_the_outputs() {
    let dir = tempdir();
    let csv_only = dir.path().join("csv");
    surgesim()
        .args([
            "run",
            "tests/fixtures/tiny.toml",
            "-q",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&csv_only)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&csv_only)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "actions.csv",
            "columns.csv",
            "days.csv",
            "days_long.csv",
            "intervals.csv",
            "manifest.json",
            "replications.csv",
            "replications_days.csv",
            "summary.csv",
            "weeks.csv",
            "weeks_long.csv"
        ]
    );
    let report_only = dir.path().join("report");
    surgesim()
        .args([
            "run",
            "tests/fixtures/tiny.toml",
            "-q",
            "--format",
            "report,json",
            "--out",
        ])
        .arg(&report_only)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    assert!(report_only.join("summary.json").exists());
    assert!(!report_only.join("summary.csv").exists());
    assert!(!report_only.join("charts").exists());
    let html = std::fs::read_to_string(report_only.join("report.html")).unwrap();
    assert!(html.contains("<svg"), "the report has its charts inline");
    // A misspelt format is a usage error that lists the valid ones.
    let out = surgesim()
        .args(["run", "-q", "--format", "pdf", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("csv") && err.contains("report"), "{err}");
}

/// The paint of an SVG element: its stroke, else its fill.
fn paint(n: roxmltree::Node) -> Option<String> {
    [n.attribute("stroke"), n.attribute("fill")]
        .into_iter()
        .flatten()
        .find(|c| *c != "none")
        .map(str::to_string)
}

/// Every text of an SVG chart with the paint of the element drawn just
/// before it: for a legend entry its key, for a point's label its marker.
fn keyed_texts(svg: &str) -> Vec<(String, Option<String>)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let elements: Vec<roxmltree::Node> = doc
        .root_element()
        .children()
        .filter(|n| n.is_element())
        .collect();
    elements
        .iter()
        .enumerate()
        .filter(|(_, n)| n.has_tag_name("text"))
        .map(|(i, n)| {
            let before = i.checked_sub(1).and_then(|j| paint(elements[j]));
            (n.text().unwrap_or("").trim().to_string(), before)
        })
        .collect()
}

#[test]
fn each_arm_keeps_one_colour_in_every_comparison_chart_and_none_is_the_targets() {
    use std::collections::{BTreeMap, BTreeSet};
    let dir = tempdir();
    surgesim()
        .args([
            "compare",
            "tests/fixtures/crn.toml",
            "-n",
            "3",
            "-q",
            "--out",
        ])
        .arg(dir.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let arms = ["base", "same", "hire_from_day30", "two_more"];
    let mut colours: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut charts: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut references = BTreeSet::new();
    let mut n_charts = 0;
    for entry in std::fs::read_dir(dir.path().join("charts")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if p.extension().is_none_or(|e| e != "svg") || !name.starts_with("compare_") {
            continue;
        }
        n_charts += 1;
        let svg = std::fs::read_to_string(&p).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        // Polylines of data (a legend key has two points).
        let line_paints: BTreeSet<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .filter(|n| {
                n.attribute("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .count()
                    >= 4
            })
            .filter_map(paint)
            .collect();
        for (text, before) in keyed_texts(&svg) {
            if text == "target" || text == "no difference" {
                references.insert(before.clone().expect("a key"));
            }
            let Some(arm) = arms
                .iter()
                .find(|a| text == **a || text == format!("{a} − base"))
            else {
                continue;
            };
            let c = before.unwrap_or_else(|| panic!("{name}: `{text}` has no key"));
            if !name.ends_with("cost_service") {
                assert!(
                    line_paints.contains(&c),
                    "{name}: no line is drawn in {c}, the colour of `{text}`"
                );
            }
            colours.entry(arm).or_default().insert(c);
            charts.entry(arm).or_default().insert(name.clone());
        }
    }
    assert_eq!(
        n_charts, 6,
        "cost-service, then per channel service level and difference, and the e-mail backlog"
    );
    for arm in arms {
        // The base has no difference from itself; the variants are in all.
        let want = if arm == "base" { 4 } else { 6 };
        assert_eq!(charts[arm].len(), want, "{arm} is in {:?}", charts[arm]);
        assert_eq!(
            colours[arm].len(),
            1,
            "{arm} is drawn in {:?}",
            colours[arm]
        );
    }
    let used: BTreeSet<&String> = colours.values().flatten().collect();
    assert_eq!(
        used.len(),
        arms.len(),
        "two arms share a colour: {colours:?}"
    );
    assert!(!references.is_empty());
    for r in &references {
        assert!(
            !used.contains(r),
            "an arm is drawn in the reference colour {r}"
        );
    }
}
