//! Limits before work, not crashes during it: runs too large for memory
//! and absurd thread counts are refused up front with what to change, and
//! a closed or full standard error never turns an error into a panic.

use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;
use predicates::prelude::*;

use super::util::tempdir;

fn surgesim() -> Command {
    Command::cargo_bin("surgesim").expect("binary")
}

/// The bundled crisis over ten years at a 1-minute interval (valid).
fn decade_by_the_minute(dir: &std::path::Path) -> std::path::PathBuf {
    let text = surgesim::commands::BUNDLED_SCENARIO
        .replacen("days = 120 ", "days = 3660 ", 1)
        .replacen("interval = \"1h\" ", "interval = \"1m\" ", 1);
    assert!(text.contains("days = 3660 ") && text.contains("interval = \"1m\" "));
    let p = dir.join("decade.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_run_too_large_for_memory_is_refused_with_the_estimate_and_what_to_change() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let scenario = decade_by_the_minute(dir.path());
    // Even one replication: 5,270,400 intervals × 112 series.
    surgesim()
        .arg("run")
        .arg(&scenario)
        .args(["-q", "-n", "1", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--max-memory: this run needs about",
        ))
        .stderr(predicate::str::contains("5,270,400 reporting intervals"))
        .stderr(predicate::str::contains("interval = \"1h\"` or \"1d\""))
        .stderr(predicate::str::contains("memory allocation failed").not());
    // A million replications of the bundled crisis: refused, not grown.
    surgesim()
        .args(["run", "-q", "-n", "1000000", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1,000,000 replications"))
        .stderr(predicate::str::contains("run fewer replications (-n "));
    // The same for a comparison: arms × replications.
    surgesim()
        .args(["compare", "-q", "-n", "1000000", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("7 arms × 1,000,000 replications"))
        // The suggested count is a value the flag accepts (no separators).
        .stderr(predicate::str::is_match(r"\(-n [0-9]+ or fewer\)").unwrap());
    // Nothing was created.
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// `12 MB` → bytes, for the figures of the refusal message.
fn bytes_of(figure: &str) -> f64 {
    let (x, unit) = figure.trim().split_once(' ').expect("a number and a unit");
    let x: f64 = x.replace(',', "").parse().expect("a number");
    x * match unit {
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        other => panic!("unit {other}"),
    }
}

/// The figure just before `marker` in `text` (`… 12 MB{marker}`).
fn figure_before(text: &str, marker: &str) -> f64 {
    let end = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} in {text}"));
    let head = &text[..end];
    let start = head[..head.rfind(' ').unwrap()].rfind([' ', '(']).unwrap();
    bytes_of(&head[start + 1..])
}

#[test]
fn the_parts_of_a_refused_run_add_up_to_its_estimate() {
    let dir = tempdir();
    let out = dir.path().join("out");
    // Below the store's budget (series in memory) and beyond it
    // (spilled): the parts named must add up to the total given.
    for (command, n) in [("run", "100"), ("run", "10000")] {
        let o = surgesim()
            .args([command, "-q", "-n", n, "--max-memory", "1MB", "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let text = String::from_utf8(o).unwrap();
        let total = figure_before(&text, " of memory");
        let parts = [
            " in all)",
            " for their series kept in memory",
            " for the program itself",
        ]
        .map(|m| figure_before(&text, m));
        let busiest = text.split("at the busiest moment ").nth(1).expect(&text);
        let phase = bytes_of(busiest.split(" for ").next().unwrap());
        let sum = parts.iter().sum::<f64>() + phase;
        // Each figure is rounded to 2 or 3 significant digits.
        assert!(
            (sum - total).abs() <= 0.01 * total + 2e6,
            "{command} -n {n}: {parts:?} + {phase} = {sum}, not {total}: {text}"
        );
    }
    assert!(!out.exists());
}

#[test]
fn the_memory_limit_can_be_lowered_and_raised() {
    let dir = tempdir();
    let out = dir.path().join("out");
    surgesim()
        .args(["run", "-q", "-n", "2", "--max-memory", "10MB", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than the limit of 10 MB"))
        .stderr(predicate::str::contains(
            "raise the limit (--max-memory 1GB)",
        ));
    surgesim()
        .args(["run", "-q", "-n", "2", "--max-memory", "lots", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--max-memory: `lots` is not a size",
        ));
    surgesim()
        .args([
            "run",
            "-q",
            "-n",
            "2",
            "--format",
            "json",
            "--max-memory",
            "1GB",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
}

#[test]
fn absurd_thread_counts_are_refused_at_once() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = tempdir();
    for command in ["run", "compare"] {
        surgesim()
            .args([command, "-q", "-n", "2", "--threads", "10000", "--out"])
            .arg(dir.path().join("out"))
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "--threads: at most {} (4 per core; this machine has {cores} core",
                4 * cores
            )));
    }
    // More threads than replications (but within the cap) simply run.
    surgesim()
        .args(["run", "-q", "-n", "1", "--format", "json", "--threads"])
        .arg((4 * cores).to_string())
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success();
}

/// Exit code of `surgesim check missing.toml` with standard error `err`.
fn check_missing_with_stderr(err: Stdio) -> Option<i32> {
    StdCommand::new(cargo_bin("surgesim"))
        .args(["check", "missing.toml"])
        .stdout(Stdio::null())
        .stderr(err)
        .status()
        .unwrap()
        .code()
}

#[test]
fn a_closed_or_full_standard_error_is_not_a_panic() {
    // A pipe whose reader is gone (as in `2>&1 | true`): writes fail with
    // EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    assert_eq!(check_missing_with_stderr(writer.into()), Some(2));
    // A full device: writes fail with ENOSPC.
    if let Ok(full) = std::fs::File::create("/dev/full") {
        assert_eq!(check_missing_with_stderr(full.into()), Some(2));
    }
    // And a closed standard output is not an error for a command that
    // succeeds.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = StdCommand::new(cargo_bin("surgesim"))
        .args(["check", "scenarios/crisis.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(writer)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}
