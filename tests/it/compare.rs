//! Policy comparison: variants, common random numbers, paired statistics,
//! sequential stopping, and the `compare` command's outputs and errors.
//! Most tests use `tests/fixtures/crn.toml`.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use surgesim::compare::{self, Arm, Better, RiskSettings};
use surgesim::engine::simulate;
use surgesim::kpi::{INTERVAL_METRICS, RepRecord, series_width};
use surgesim::model::{Model, compile_loaded};
use surgesim::scenario::{LoadedScenario, load_file};

use super::util::tempdir;

fn fixture() -> LoadedScenario {
    load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crn.toml")).unwrap()
}

fn model(loaded: &LoadedScenario, variant: Option<&str>) -> Model {
    match variant {
        None => compile_loaded(loaded).unwrap(),
        Some(v) => compile_loaded(&loaded.variant(v).unwrap()).unwrap(),
    }
}

fn records(m: &Model, n: u64) -> Vec<RepRecord> {
    (0..n)
        .map(|r| RepRecord::from_outcome(m, &simulate(m, r)))
        .collect()
}

/// Equal, NaN equal to NaN, bit for bit otherwise.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn all_kpis(r: &RepRecord) -> Vec<f64> {
    r.channel_kpis
        .iter()
        .chain(&r.topic_kpis)
        .chain(&r.pool_kpis)
        .flatten()
        .chain(&r.total_kpis)
        .copied()
        .collect()
}

#[test]
fn a_variant_identical_to_the_base_differs_by_exactly_zero_in_every_replication() {
    let loaded = fixture();
    let base = records(&model(&loaded, None), 8);
    let same_v = records(&model(&loaded, Some("same")), 8);
    for (a, b) in base.iter().zip(&same_v) {
        let (x, y) = (all_kpis(a), all_kpis(b));
        assert_eq!(x.len(), y.len());
        for (i, (p, q)) in x.iter().zip(&y).enumerate() {
            assert!(
                same(*p, *q),
                "replication {}: KPI {i}: {p} vs {q}",
                a.replication
            );
        }
        assert!(
            a.series
                .iter()
                .zip(&b.series)
                .all(|(p, q)| same(f64::from(*p), f64::from(*q)))
        );
    }
    // Through the comparison: every paired difference is exactly zero.
    let arms = vec![
        arm("base", &loaded, None, 8),
        arm("same", &loaded, Some("same"), 8),
    ];
    let cmp = compare::compare(arms, settings());
    for (k, p) in cmp.kpis.iter().zip(&cmp.paired[0]) {
        if p.diff.n > 0 {
            assert_eq!(p.diff.mean, 0.0, "{}", k.id());
            assert_eq!(p.diff.p5, 0.0, "{}", k.id());
            assert_eq!(p.diff.p95, 0.0, "{}", k.id());
            assert!(!p.significant, "{}", k.id());
        }
    }
}

#[test]
fn staff_added_from_day_30_leave_every_replication_unchanged_before_day_30() {
    // Interval metrics measured on the time axis (arrivals, queues,
    // backlogs, staff) must be identical before day 30. Outcomes are
    // counted by arrival (an e-mail that arrived on day 29 and was answered
    // on day 31 by the new staff counts on day 29), so they must be
    // identical for the phone line, which clears every day, but may differ
    // for e-mails still waiting on day 30.
    let loaded = fixture();
    let m = model(&loaded, None);
    let base = records(&m, 6);
    let hire = records(&model(&loaded, Some("hire_from_day30")), 6);
    let width = series_width(&m);
    let nm = INTERVAL_METRICS.len();
    let line = m.channels.iter().position(|c| c.name == "line").unwrap();
    let time_axis = [
        "offered_contacts",
        "closed_attempts",
        "queue_mean_contacts",
        "backlog_end_contacts",
        "oldest_age_end_s",
        "agents_on_duty_mean",
        "agents_busy_mean",
    ];
    let checked = |col: usize| -> bool {
        if col >= m.channels.len() * nm {
            return true; // pool metrics: staff on duty, busy, cost
        }
        let (c, k) = (col / nm, col % nm);
        c == line || time_axis.contains(&INTERVAL_METRICS[k].key)
    };
    let mut later_differs = false;
    for (a, b) in base.iter().zip(&hire) {
        assert_eq!(a.day_series.len(), b.day_series.len());
        for i in (0..30 * width).filter(|i| checked(i % width)) {
            assert!(
                same(f64::from(a.day_series[i]), f64::from(b.day_series[i])),
                "replication {}: day {}, column {} of {width}: {} vs {} before the hire",
                a.replication,
                i / width,
                i % width,
                a.day_series[i],
                b.day_series[i]
            );
        }
        later_differs |= a.day_series[30 * width..] != b.day_series[30 * width..];
    }
    assert!(later_differs, "the hire changed nothing after day 30");
}

fn arm(name: &str, loaded: &LoadedScenario, variant: Option<&str>, n: u64) -> Arm {
    let m = model(loaded, variant);
    Arm {
        name: name.into(),
        description: String::new(),
        changes: Vec::new(),
        records: records(&m, n),
        model: m,
    }
}

fn settings() -> RiskSettings {
    RiskSettings {
        days_below: 5.0,
        backlog_over: 100.0,
    }
}

#[test]
fn paired_intervals_are_narrower_than_unpaired_ones_on_a_staffing_change() {
    let loaded = fixture();
    let n = 30;
    let arms = vec![
        arm("base", &loaded, None, n),
        arm("two_more", &loaded, Some("two_more"), n),
    ];
    let cmp = compare::compare(arms, settings());
    let i = cmp
        .kpis
        .iter()
        .position(|k| k.id() == "channel.line.service_level")
        .unwrap();
    let p = cmp.paired[0][i];
    assert_eq!(cmp.kpis[i].better, Better::Higher);
    // The measured variance ratio: Var(d) / (Var(a) + Var(b)).
    assert!(
        p.variance_ratio < 0.5,
        "variance ratio {}",
        p.variance_ratio
    );
    // The unpaired (Welch-style) half-width from the two arms' own spreads.
    let (a, b) = (cmp.stats[0][i], cmp.stats[1][i]);
    let unpaired = (a.ci95.powi(2) + b.ci95.powi(2)).sqrt();
    assert!(
        p.diff.ci95 < 0.75 * unpaired,
        "paired {} vs unpaired {unpaired}",
        p.diff.ci95
    );
    assert!(p.significant && p.diff.mean > 0.0);
    assert_eq!(p.share_better, 1.0);
    // More staff cost more, and the frontier keeps both (cheaper or better).
    assert!(cmp.risk[1].total_cost.mean > cmp.risk[0].total_cost.mean);
    assert_eq!(cmp.frontier, vec![true, true]);
}

fn surgesim() -> Command {
    let mut c = Command::cargo_bin("surgesim").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn compare_writes_its_files_and_is_identical_on_one_or_two_threads() {
    let dir = tempdir();
    let run = |threads: &str, out: &Path| {
        surgesim()
            .args([
                "compare",
                "tests/fixtures/crn.toml",
                "-n",
                "6",
                "-q",
                "-j",
                threads,
            ])
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run("1", &a);
    run("2", &b);
    for f in [
        "compare.json",
        "compare.csv",
        "compare_risk.csv",
        "report.html",
        "manifest.json",
    ] {
        let x = std::fs::read(a.join(f)).unwrap();
        assert!(!x.is_empty(), "{f} is empty");
        assert_eq!(
            x,
            std::fs::read(b.join(f)).unwrap(),
            "{f} depends on the threads"
        );
    }
    let csv = std::fs::read_to_string(a.join("compare.csv")).unwrap();
    assert!(csv.starts_with("arm,scope,name,kpi,unit,better,mean,ci95_halfwidth"));
    for arm in ["base", "same", "hire_from_day30", "two_more"] {
        assert!(
            csv.lines()
                .any(|l| l.starts_with(&format!("{arm},channel,line,service_level,")))
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["replications_per_arm"], 6);
    assert_eq!(json["arms"].as_array().unwrap().len(), 4);
    let html = std::fs::read_to_string(a.join("report.html")).unwrap();
    for id in [
        "id=\"ranking\"",
        "id=\"differences\"",
        "id=\"risk\"",
        "<svg",
    ] {
        assert!(html.contains(id), "report.html lacks {id}");
    }
    for chart in [
        "compare_cost_service",
        "compare_line_service_level",
        "compare_line_sl_difference",
        "compare_mail_backlog",
    ] {
        assert!(
            a.join("charts").join(format!("{chart}.svg")).exists(),
            "{chart}"
        );
        assert!(
            a.join("charts").join(format!("{chart}.png")).exists(),
            "{chart}"
        );
    }
}

#[test]
fn sequential_stopping_stops_and_reproduces_for_the_same_seed() {
    let dir = tempdir();
    let run = |out: &Path| -> String {
        let o = surgesim()
            .args([
                "compare",
                "tests/fixtures/crn.toml",
                "--variants",
                "two_more",
                "-n",
                "5",
                "--precision",
                "line.service_level=0.02",
                "--max-replications",
                "400",
                "--no-charts",
                "--out",
            ])
            .arg(out)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(o).unwrap()
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let text = run(&a);
    assert!(text.contains("stopped after"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("compare.json")).unwrap()).unwrap();
    let n = json["replications_per_arm"].as_u64().unwrap();
    assert!(n > 5 && n < 400, "{n} replications");
    // The half-width reached the target.
    let row = std::fs::read_to_string(a.join("compare.csv"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("two_more,channel,line,service_level,"))
        .unwrap()
        .to_string();
    let half: f64 = row.split(',').nth(13).unwrap().parse().unwrap();
    assert!(half <= 0.02, "{row}");
    run(&b);
    assert_eq!(
        std::fs::read(a.join("compare.csv")).unwrap(),
        std::fs::read(b.join("compare.csv")).unwrap()
    );
}

#[test]
fn two_scenario_files_can_be_compared() {
    let dir = tempdir();
    let out = surgesim()
        .args([
            "compare",
            "tests/fixtures/crn.toml",
            "tests/fixtures/tiny.toml",
            "-n",
            "3",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("tiny − crn"), "{text}");
}

#[test]
fn bad_variants_are_input_errors_with_lines_and_hints() {
    let dir = tempdir();
    let out = surgesim()
        .args([
            "compare",
            "tests/fixtures/crn.toml",
            "--variants",
            "two_mor",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("no variant `two_mor`") && err.contains("did you mean `two_more`"),
        "{err}"
    );

    let text = std::fs::read_to_string("tests/fixtures/crn.toml").unwrap()
        + "\n[variants.typo]\npools.teem.headcount = 3\n";
    let f = dir.path().join("typo.toml");
    std::fs::write(&f, text).unwrap();
    let out = surgesim()
        .arg("check")
        .arg(&f)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("variants.typo.pools.teem") && err.contains("did you mean `team`"),
        "{err}"
    );
    assert!(
        err.contains(":82:") || err.contains(":83:") || err.contains(":84:"),
        "no line: {err}"
    );

    // A bad value in a variant is reported at the variant's line, naming it.
    let base = std::fs::read_to_string("tests/fixtures/crn.toml").unwrap();
    let line = base.lines().count() + 3;
    let text = base + "\n[variants.none_hired]\nactions.hire_day30.count = 0\n";
    let f = dir.path().join("zero.toml");
    std::fs::write(&f, text).unwrap();
    let out = surgesim()
        .arg("check")
        .arg(&f)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains(&format!(
            ":{line}: actions[0].count: in variant `none_hired`"
        )),
        "{err}"
    );

    let text = std::fs::read_to_string("tests/fixtures/tiny.toml").unwrap();
    let f = dir.path().join("none.toml");
    std::fs::write(&f, text).unwrap();
    let out = surgesim()
        .arg("compare")
        .arg(&f)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("declares no variants")
    );
}

#[test]
fn a_variant_can_switch_one_action_off() {
    // The plan switched on but its only action switched off: the same as
    // the base, replication by replication.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crn.toml"),
    )
    .unwrap()
        + "\n[variants.plan_on_action_off]\nplans.extra.enabled = true\nactions.hire_day30.enabled = false\n";
    let loaded =
        surgesim::scenario::parse_str(&text, "crn+", std::path::PathBuf::from(".")).unwrap();
    let base = records(&model(&loaded, None), 3);
    let off = records(&model(&loaded, Some("plan_on_action_off")), 3);
    let on = records(&model(&loaded, Some("hire_from_day30")), 3);
    for ((a, b), c) in base.iter().zip(&off).zip(&on) {
        assert!(
            all_kpis(a)
                .iter()
                .zip(all_kpis(b))
                .all(|(x, y)| same(*x, y))
        );
        assert!(
            all_kpis(a)
                .iter()
                .zip(all_kpis(c))
                .any(|(x, y)| !same(*x, y))
        );
    }
}

/// A public phone line and an inbox served by one team, and case files
/// worked by a back office of `back` staff (an internal queue when
/// `internal`); nothing is shared between the two sides.
fn with_case_files(back: u32, internal: bool) -> String {
    format!(
        r#"
[scenario]
name = "internal queue"
start = 2022-03-07
days = 10
interval = "1h"
seed = 4

[channels.line]
kind = "phone"
hours = {{ weekdays = "09:00-16:00" }}
patience = {{ dist = "exponential", mean = "2m" }}
answer_within = "30s"

[channels.mail]
kind = "email"
answer_within = "8h"

[channels.files]
kind = "email"
internal = {internal}
answer_within = "1d"

[topics.info]
handle.line = {{ dist = "exponential", mean = "5m" }}
handle.mail = {{ dist = "exponential", mean = "10m" }}

[topics.case]
handle.files = {{ dist = "exponential", mean = "1h" }}

[[demand]]
topic = "info"
channel = "line"
per_day = 300

[[demand]]
topic = "info"
channel = "mail"
per_day = 40

[[demand]]
topic = "case"
channel = "files"
per_day = 30

[pools.team]
headcount = 6
serves = ["line", "mail"]
hours = {{ weekdays = "09:00-16:00" }}
absence = 0.1

[pools.back]
headcount = {back}
serves = ["files"]
hours = {{ weekdays = "08:00-16:00" }}
"#
    )
}

fn text_arm(name: &str, text: &str, n: u64) -> Arm {
    let m = super::util::model_from_text(text);
    Arm {
        name: name.into(),
        description: String::new(),
        changes: Vec::new(),
        records: records(&m, n),
        model: m,
    }
}

/// Per replication: the overall service level of the second arm minus the
/// first's, and the same for `files.service_level`.
fn overall_and_files_differences(internal: bool) -> (Vec<f64>, Vec<f64>) {
    let n = 6;
    let arms = vec![
        text_arm("base", &with_case_files(2, internal), n),
        text_arm("more_back", &with_case_files(4, internal), n),
    ];
    // The public channels are the same, replication by replication.
    let public: Vec<usize> = ["line", "mail"]
        .iter()
        .map(|n| {
            arms[0]
                .model
                .channels
                .iter()
                .position(|c| c.name == *n)
                .unwrap()
        })
        .collect();
    for (a, b) in arms[0].records.iter().zip(&arms[1].records) {
        for &c in &public {
            let (x, y) = (&a.channel_kpis[c], &b.channel_kpis[c]);
            assert!(x.iter().zip(y).all(|(p, q)| same(*p, *q)), "channel {c}");
        }
    }
    let cmp = compare::compare(arms, settings());
    let overall = compare::find_kpi(&cmp.kpis, "total.overall_service_level").unwrap();
    let files = compare::find_kpi(&cmp.kpis, "files.service_level").unwrap();
    (
        compare::differences(overall, &cmp.arms, 1),
        compare::differences(files, &cmp.arms, 1),
    )
}

#[test]
fn an_internal_queue_does_not_move_the_overall_service_level() {
    let (overall, files) = overall_and_files_differences(true);
    // The back office's files are decided much faster with twice the staff …
    let mean_files = files.iter().sum::<f64>() / files.len() as f64;
    assert!(mean_files > 0.1, "{files:?}");
    // … and the public sees no difference at all.
    assert_eq!(overall, vec![0.0; overall.len()]);
    // Counted as a public channel, the same files would move it.
    let (counted, _) = overall_and_files_differences(false);
    assert!(counted.iter().all(|&d| d != 0.0), "{counted:?}");
    assert!(counted.iter().sum::<f64>() > 0.0, "{counted:?}");
}

#[test]
fn a_variant_that_changes_nothing_is_called_identical_once_not_zero_times_as_wide() {
    let dir = tempdir();
    let (text, html) = compare_without_charts(
        &[
            "tests/fixtures/crn.toml",
            "--variants",
            "same,two_more",
            "-n",
            "4",
        ],
        dir.path(),
    );
    // Said once, in the arm's header; no table of zeros under it.
    assert_eq!(
        text.matches("same − base: same is identical to base on every KPI")
            .count(),
        1,
        "{text}"
    );
    let same_section = text
        .split("\nsame − base")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .unwrap();
    assert!(!same_section.contains("difference"), "{same_section}");
    assert!(!text.contains("0.00 ×") && !html.contains("0.00 ×"));
    // The variant that does change something keeps its statistics.
    assert!(text.contains("two_more − base (mean difference"), "{text}");
    assert!(html.contains("<th>same<br><span class=\"muted\">identical to base on every KPI"));
    // In the report's differences, every cell of `same` (the first variant
    // column) says identical, with no difference or share better.
    let table = html
        .split("id=\"differences\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap();
    let rows: Vec<&str> = table.split("<tr><td>").skip(1).collect();
    assert!(rows.len() >= 10, "{table}");
    for row in rows {
        let cells: Vec<&str> = row.split("</td>").collect();
        assert_eq!(cells[1], "<td class=\"muted\">identical", "{row}");
        assert!(!cells[2].contains("identical"), "{row}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("compare.json")).unwrap()).unwrap();
    let arms = json["arms"].as_array().unwrap();
    let flag =
        |name: &str| arms.iter().find(|a| a["name"] == name).unwrap()["identical_to_base"].clone();
    assert_eq!(flag("base"), serde_json::Value::Null);
    assert_eq!(flag("same"), true);
    assert_eq!(flag("two_more"), false);
    let sl = json["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "line" && k["kpi"] == "service_level")
        .unwrap();
    let diffs = sl["differences"].as_array().unwrap();
    assert_eq!(diffs[0]["variant"], "same");
    assert_eq!(diffs[0]["identical"], true);
    assert_eq!(diffs[1]["identical"], false);
}

#[test]
fn the_differences_name_kpis_in_words_and_unchanged_kpis_identical() {
    let dir = tempdir();
    let (text, html) =
        compare_without_charts(&["scenarios/quickstart.toml", "-n", "5"], dir.path());
    for words in [
        "line: average wait of those answered (phone: live calls, s)",
        "line: service level (on time ÷ answered + abandoned + late at the end; phone: live calls, %)",
        "line: abandonment (abandoned ÷ offered, %)",
        "cost per handled contact (total cost ÷ handled contacts, currency)",
    ] {
        assert!(text.contains(words), "the table lacks `{words}`:\n{text}");
        assert!(html.contains(words), "report.html lacks `{words}`");
    }
    assert!(!text.contains("line.asa_s") && !text.contains("line.service_level"));
    // Longer patience changes no cost: that row says so, without a zero
    // difference or a share of 0 % better.
    let section = text
        .split("\nlonger_patience − base")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    let row = section
        .lines()
        .find(|l| l.ends_with("  total cost (currency)"))
        .unwrap_or_else(|| panic!("no total cost row:\n{section}"));
    assert!(row.contains("identical"), "{row}");
    assert!(!row.contains('%') && !row.contains("0.00"), "{row}");
    assert!(
        !section.contains("identical to base on every KPI"),
        "{section}"
    );
    // The files keep the machine key and add the words.
    let csv = std::fs::read_to_string(dir.path().join("compare.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header[3], "kpi");
    assert_eq!(*header.last().unwrap(), "kpi_words");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("one_more_agent,channel,line,asa_s,")
                && l.ends_with(",\"average wait of those answered (phone: live calls, s)\"")),
        "{csv}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("compare.json")).unwrap()).unwrap();
    let asa = json["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi"] == "asa_s")
        .unwrap();
    assert_eq!(
        asa["kpi_words"],
        "average wait of those answered (phone: live calls, s)"
    );
}

/// Runs `surgesim compare ARGS --no-charts --out DIR`; its terminal text
/// and report.html.
fn compare_without_charts(args: &[&str], dir: &std::path::Path) -> (String, String) {
    let out = surgesim()
        .arg("compare")
        .args(args)
        .args(["--no-charts", "--out"])
        .arg(dir)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    (String::from_utf8(out).unwrap(), html)
}
