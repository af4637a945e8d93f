//! The real binary, with good and bad input.

use std::io::Read;
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;

use super::util::tempdir;

fn surgesim() -> Command {
    Command::cargo_bin("surgesim").expect("binary")
}

const GOOD: &str = r#"
[scenario]
name = "cli test"
start = 2022-03-07
days = 2
replications = 4

[channels.hotline]
kind = "phone"
hours = { daily = "09:00-17:00" }
patience = { dist = "exponential", mean = "1m" }

[topics.general]
handle.hotline = { dist = "exponential", mean = "5m" }

[[demand]]
topic = "general"
channel = "hotline"
rate = "40/h"

[pools.team]
headcount = 4
serves = ["hotline"]
hours = { daily = "09:00-17:00" }
"#;

fn write_scenario(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("scenario.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn run_without_a_scenario_uses_the_bundled_one() {
    let dir = tempdir();
    surgesim()
        .args(["run", "-n", "3", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("service level"))
        .stdout(predicate::str::contains("Migration agency"));
    for f in [
        "summary.json",
        "summary.csv",
        "replications.csv",
        "intervals.csv",
    ] {
        let bytes = std::fs::read(dir.path().join(f)).unwrap();
        assert!(bytes.len() > 100, "{f} is too small");
    }
    let replications = std::fs::read_to_string(dir.path().join("replications.csv")).unwrap();
    assert_eq!(replications.lines().count(), 4, "header + 3 replications");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["run"]["replications"], 3);
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn run_writes_the_same_bytes_with_any_thread_count() {
    let (a, b) = (tempdir(), tempdir());
    let dir = tempdir();
    let scenario = write_scenario(dir.path(), GOOD);
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        surgesim()
            .arg("run")
            .arg(&scenario)
            .args(["--quiet", "-n", "6", "--threads", threads, "--out"])
            .arg(out.path())
            .assert()
            .success()
            .stdout("");
    }
    for f in [
        "summary.json",
        "summary.csv",
        "replications.csv",
        "intervals.csv",
        "report.html",
        "manifest.json",
    ] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn a_misspelled_key_names_key_line_and_the_right_name() {
    let dir = tempdir();
    let p = write_scenario(dir.path(), &GOOD.replace("patience =", "paitence ="));
    surgesim()
        .arg("check")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("channels.hotline.paitence"))
        .stderr(predicate::str::contains("scenario.toml:11"))
        .stderr(predicate::str::contains("did you mean `patience`"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_negative_rate_is_refused_with_its_key_and_line() {
    let dir = tempdir();
    let p = write_scenario(dir.path(), &GOOD.replace("\"40/h\"", "\"-40/h\""));
    surgesim()
        .arg("run")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("demand[0].rate"))
        .stderr(predicate::str::contains(":19:"))
        .stderr(predicate::str::contains("negative"));
}

#[test]
fn several_problems_are_reported_together() {
    let dir = tempdir();
    let text = GOOD
        .replace("serves = [\"hotline\"]", "serves = [\"hotlin\"]")
        .replace("headcount = 4", "headcount = 4\nshift = 3")
        .replace("topic = \"general\"", "topic = \"genral\"")
        .replace("\"40/h\"", "\"-40/h\"");
    let p = write_scenario(dir.path(), &text);
    let assert = surgesim().arg("check").arg(&p).assert().code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    // The unknown key is structural; the bad references are semantic: all three at once.
    assert!(err.contains("pools.team.shift"), "{err}");
    assert!(err.contains("did you mean `hotline`"), "{err}");
    assert!(err.contains("did you mean `general`"), "{err}");
    assert!(err.contains("demand[0].rate: `-40/h` is negative"), "{err}");
    // The bad rate is not also reported as a missing volume.
    assert!(!err.contains("no volume"), "{err}");
    assert!(err.contains("has 4 problems"), "{err}");
}

#[test]
fn a_broken_file_and_a_missing_file_are_bad_input() {
    let dir = tempdir();
    let p = write_scenario(dir.path(), "[scenario\nname = ");
    surgesim()
        .arg("check")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("syntax"));
    surgesim()
        .args(["run", "/no/such/scenario.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn check_describes_a_good_scenario() {
    let dir = tempdir();
    let p = write_scenario(dir.path(), GOOD);
    surgesim()
        .arg("check")
        .arg(&p)
        .assert()
        .success()
        .stdout(predicate::str::contains("busiest hour"))
        .stdout(predicate::str::contains("40 contacts expected"))
        .stdout(predicate::str::contains("agents needed"));
}

#[test]
fn check_marks_internal_work_queues() {
    let dir = tempdir();
    let text = GOOD.replace(
        "[topics.general]",
        "[channels.files]\nkind = \"email\"\ninternal = true\nanswer_within = \"1d\"\n\n[topics.general]",
    );
    let p = write_scenario(dir.path(), &text);
    let out = surgesim().arg("check").arg(&p).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let marked = "internal work queue, not in public-service totals";
    let files = text
        .find("channel files (e-mail)")
        .expect("the files channel");
    let hotline = text.find("channel hotline (phone)").expect("the hotline");
    // Said once, of the files (listed first) and not of the hotline.
    assert_eq!(text.matches(marked).count(), 1, "{text}");
    let at = text.find(marked).unwrap();
    assert!(files < at && at < hotline, "{text}");
}

#[test]
fn erlang_exact_and_simulated_agree() {
    let out = surgesim()
        .args([
            "erlang",
            "--agents",
            "100",
            "--arrivals",
            "22/min",
            "--aht",
            "5m",
            "--patience",
            "3m",
            "--simulate",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    // Exact Erlang A values for this queue (see the src/analytic/ tests).
    assert!((v["exact"]["p_abandon"].as_f64().unwrap() - 0.103_395_8).abs() < 1e-6);
    assert!((v["exact"]["asa_s"].as_f64().unwrap() - 18.647_43).abs() < 1e-4);
    for key in [
        "p_block",
        "p_wait",
        "p_abandon",
        "asa_s",
        "service_level",
        "occupancy",
    ] {
        let exact = v["exact"][key].as_f64().unwrap();
        let mean = v["simulated"][key]["mean"].as_f64().unwrap();
        let ci = v["simulated"][key]["ci95"].as_f64().unwrap();
        // 3.3 standard errors (ci95 / t(19) = se).
        let tol = 3.3 * ci / 2.093 + 1e-12;
        assert!(
            (mean - exact).abs() <= tol,
            "{key}: simulated {mean} ± {ci}, exact {exact}"
        );
    }
}

#[test]
fn erlang_agents_for_a_target() {
    // Erlang C: 110 Erlangs, 80 % within 20 s needs 119 agents.
    surgesim()
        .args([
            "erlang",
            "--arrivals",
            "22/min",
            "--aht",
            "5m",
            "--agents-for",
            "0.8",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("119 agents"));
}

#[test]
fn erlang_rejects_a_rate_without_unit() {
    surgesim()
        .args([
            "erlang",
            "--agents",
            "10",
            "--arrivals",
            "22",
            "--aht",
            "5m",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--arrivals"));
    surgesim()
        .args([
            "erlang",
            "--agents",
            "10",
            "--arrivals",
            "2/min",
            "--aht",
            "5",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--aht"))
        .stderr(predicate::str::contains("no unit"));
}

#[test]
fn help_explains_units_and_defaults() {
    surgesim()
        .args(["erlang", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("22/min"))
        .stdout(predicate::str::contains("[default: 20s]"));
    surgesim()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("bundled"))
        .stdout(predicate::str::contains("[default: out]"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let bin = assert_cmd::cargo::cargo_bin("surgesim");
    let mut child = StdCommand::new(bin)
        .args([
            "erlang",
            "--agents",
            "10",
            "--arrivals",
            "100/h",
            "--aht",
            "5m",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of the pipe before the program writes.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit {status:?}, stderr {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn timings_list_every_phase_on_standard_error_and_change_no_file() {
    let dir = tempdir();
    let sc = write_scenario(dir.path(), GOOD);
    let plain = dir.path().join("plain");
    let timed = dir.path().join("timed");
    surgesim()
        .arg("run")
        .arg(&sc)
        .args(["-q", "--out"])
        .arg(&plain)
        .assert()
        .success()
        .stderr(predicate::str::contains("timings").not());
    let out = surgesim()
        .arg("run")
        .arg(&sc)
        .args(["-q", "--timings", "--out"])
        .arg(&timed)
        .assert()
        .success()
        .stdout("");
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let mut at = 0;
    for phase in [
        "timings (wall clock):",
        "load and check the scenario",
        "simulate",
        "store the series",
        "summarise",
        "tables (json, csv)",
        "charts",
        "report.html",
        "render and write the files",
        "render, write and sync the files",
        "finish the folder",
        "total",
    ] {
        let found = err[at..]
            .find(phase)
            .unwrap_or_else(|| panic!("{phase:?} missing or out of order in:\n{err}"));
        at += found + phase.len();
    }
    for line in err.lines().skip(1) {
        let secs = line.trim_end().strip_suffix(" s").expect("seconds");
        let v: f64 = secs
            .split_whitespace()
            .last()
            .unwrap()
            .parse()
            .expect("a number");
        assert!(v >= 0.0, "{line}");
    }
    assert_eq!(
        std::fs::read(plain.join("manifest.json")).unwrap(),
        std::fs::read(timed.join("manifest.json")).unwrap(),
        "--timings changes no output"
    );
}
