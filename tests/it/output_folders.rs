//! Output folders are whole: a run writes a staging folder beside the
//! target and swaps it into place with its manifest, never mixes two runs'
//! files, refuses folders holding other files, and leaves the previous
//! results as they were when interrupted (a real SIGINT / SIGTERM sent to
//! the binary).

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;
use predicates::prelude::*;
use sha2::{Digest, Sha256};

use super::util::{tempdir, tree};

fn surgesim() -> Command {
    Command::cargo_bin("surgesim").expect("binary")
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A quick full run of the tiny fixture into `out`.
fn tiny_run(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    surgesim()
        .args(["run", "-q", "tests/fixtures/tiny.toml"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
}

/// The process id of a process that has ended.
fn ended_pid() -> u32 {
    let mut child = StdCommand::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn the_manifest_lists_every_file_with_its_size_and_checksum() {
    let dir = tempdir();
    let out = dir.path().join("out");
    tiny_run(&out, &["-n", "3"]).success();
    let files = tree(&out);
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["tool"], "surgesim");
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["command"], "run");
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["replications"], 3);
    let summary: serde_json::Value = serde_json::from_slice(&files["summary.json"]).unwrap();
    assert_eq!(manifest["scenario_hash"], summary["run"]["scenario_hash"]);
    assert_eq!(
        manifest["scenario_hash"].as_str().unwrap().len(),
        16,
        "FNV-1a 64 in hex"
    );
    let listed: Vec<&serde_json::Value> = manifest["files"].as_array().unwrap().iter().collect();
    // Every file but the manifest itself, once, sorted.
    let on_disk: Vec<&String> = files.keys().filter(|k| *k != "manifest.json").collect();
    let paths: Vec<&str> = listed.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, on_disk);
    assert!(paths.contains(&"report.html") && paths.iter().any(|p| p.starts_with("charts/")));
    for f in listed {
        let bytes = &files[f["path"].as_str().unwrap()];
        assert_eq!(f["bytes"], bytes.len() as u64, "{f}");
        let sha: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], sha, "{f}");
    }
    // Nothing is left beside the folder.
    assert_eq!(names(dir.path()), ["out"]);
}

#[test]
fn a_csv_only_run_after_a_full_run_leaves_no_report_or_charts() {
    let dir = tempdir();
    let out = dir.path().join("out");
    tiny_run(&out, &["-n", "2"]).success();
    assert!(out.join("report.html").exists() && out.join("charts").is_dir());
    tiny_run(&out, &["-n", "2", "--format", "csv"]).success();
    assert_eq!(
        names(&out),
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
    assert_eq!(names(dir.path()), ["out"], "no staging or old folder left");
}

#[test]
fn an_older_versions_result_folder_is_replaced_whole() {
    // Known file names only, no manifest, and the truncated temporary file
    // an interrupted older version left.
    let dir = tempdir();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    for f in [
        "summary.csv",
        "intervals.csv",
        "report.html",
        ".intervals.csv.tmp-4242",
    ] {
        std::fs::write(out.join(f), "old").unwrap();
    }
    std::fs::write(out.join("charts/hotline_sl.png"), "old").unwrap();
    tiny_run(&out, &["-n", "2", "--format", "json"]).success();
    assert_eq!(names(&out), ["manifest.json", "summary.json"]);
}

#[test]
fn a_folder_with_other_files_is_refused_and_left_untouched() {
    let dir = tempdir();
    let out = dir.path().join("mine");
    std::fs::create_dir_all(out.join("data")).unwrap();
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    std::fs::write(out.join("summary.csv"), "mine too").unwrap();
    std::fs::write(out.join("data/raw.csv"), "1,2").unwrap();
    let before = tree(&out);
    for command in ["run", "compare"] {
        let args: &[&str] = if command == "run" {
            &["run", "-q", "-n", "2", "tests/fixtures/tiny.toml"]
        } else {
            &["compare", "-q", "-n", "2", "tests/fixtures/crn.toml"]
        };
        surgesim()
            .args(args)
            .arg("--out")
            .arg(&out)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("data/, notes.txt"))
            .stderr(predicate::str::contains("pick another --out, or empty"))
            .stderr(predicate::str::contains("panicked").not());
        assert_eq!(tree(&out), before, "{command} changed the user's folder");
        assert_eq!(
            names(dir.path()),
            ["mine"],
            "{command} left a staging folder"
        );
    }
    // A result folder to which a user added a file is not replaced either.
    let results = dir.path().join("results");
    tiny_run(&results, &["-n", "2", "--format", "csv"]).success();
    std::fs::write(results.join("my_analysis.xlsx"), "precious").unwrap();
    tiny_run(&results, &["-n", "2"])
        .code(2)
        .stderr(predicate::str::contains("(my_analysis.xlsx)"));
    assert_eq!(
        std::fs::read(results.join("my_analysis.xlsx")).unwrap(),
        b"precious"
    );
}

#[test]
fn out_naming_a_file_or_a_device_is_not_a_folder() {
    let dir = tempdir();
    let file = dir.path().join("results.csv");
    std::fs::write(&file, "mine").unwrap();
    for (out, what) in [
        (file.clone(), "is a regular file, not a folder"),
        (PathBuf::from("/dev/null"), "is a device, not a folder"),
    ] {
        for command in ["run", "compare"] {
            surgesim()
                .args([command, "-q", "-n", "2"])
                .arg("--out")
                .arg(&out)
                .assert()
                .code(2)
                .stderr(predicate::str::contains(what))
                .stderr(predicate::str::contains("panicked").not());
        }
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"mine");
    assert_eq!(names(dir.path()), ["results.csv"]);
}

#[test]
fn folders_left_by_runs_that_ended_without_cleaning_up_are_removed_or_restored() {
    let dir = tempdir();
    let out = dir.path().join("out");
    // A staging folder of a dead process, and the previous results that a
    // dead process had moved aside before it could put its own in place.
    let dead = ended_pid();
    let staging = dir.path().join(format!(".out.staging-{dead}"));
    std::fs::create_dir_all(staging.join("charts")).unwrap();
    std::fs::write(staging.join("intervals.csv"), "half").unwrap();
    tiny_run(
        &dir.path().join("previous"),
        &["-n", "2", "--format", "json"],
    )
    .success();
    let old = dir.path().join(format!(".out.old-{dead}"));
    std::fs::rename(dir.path().join("previous"), &old).unwrap();
    let previous = tree(&old);
    tiny_run(&out, &["-n", "2", "--format", "json", "-s", "5"])
        .success()
        .stderr(predicate::str::contains(format!(
            "note: removed {}",
            staging.display()
        )))
        .stderr(predicate::str::contains(format!(
            "note: restored {}",
            out.display()
        )));
    assert_eq!(names(dir.path()), ["out"]);
    // The restored previous results were then replaced by the new run.
    let now = tree(&out);
    assert_eq!(now.len(), previous.len());
    assert_ne!(now["summary.json"], previous["summary.json"]);
}

/// Starts a long run into `out`, waits for its staging folder, sends
/// `signal` and returns the exit code.
fn interrupt_a_run(out: &Path, signal: &str) -> Option<i32> {
    let mut child = StdCommand::new(cargo_bin("surgesim"))
        .args(["run", "-q", "-n", "2000", "--format", "csv,json", "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let staging = out
        .parent()
        .unwrap()
        .join(format!(".out.staging-{}", child.id()));
    let started = Instant::now();
    while !staging.is_dir() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no staging folder {} after 60 s",
            staging.display()
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let it simulate a little.
    std::thread::sleep(Duration::from_millis(300));
    let killed = StdCommand::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("interrupted: removed the unfinished results"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    output.status.code()
}

#[test]
fn an_interrupted_run_leaves_the_previous_results_as_they_were() {
    let dir = tempdir();
    let out = dir.path().join("out");
    surgesim()
        .args(["run", "-q", "-n", "2", "--out"])
        .arg(&out)
        .assert()
        .success();
    let before = tree(&out);
    assert!(before.contains_key("manifest.json") && before.contains_key("report.html"));
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        assert_eq!(interrupt_a_run(&out, signal), Some(code), "after {signal}");
        assert_eq!(
            names(dir.path()),
            ["out"],
            "a staging folder is left after {signal}"
        );
        let after = tree(&out);
        assert!(
            after.keys().all(|k| !k.contains(".tmp-")),
            "temporary files after {signal}"
        );
        assert!(
            after == before,
            "the previous results changed after {signal}"
        );
    }
}

#[test]
fn another_commands_results_inside_the_folder_are_kept_and_carried_over() {
    // `run` writes out/, `compare` out/compare/, `staff` out/staff/ by
    // default: a run after them replaces out/ and keeps theirs, whole.
    let dir = tempdir();
    let out = dir.path().join("out");
    tiny_run(&out, &[]).success();
    let cmp = out.join("compare");
    surgesim()
        .arg("compare")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml"))
        .args(["-n", "3", "-q", "--no-charts", "-o"])
        .arg(&cmp)
        .assert()
        .success();
    let before = tree(&cmp);
    tiny_run(&out, &["--format", "csv"]).success();
    assert_eq!(tree(&cmp), before, "the comparison moved over whole");
    assert!(
        !out.join("report.html").exists(),
        "the run's own files were replaced"
    );
    // A folder that is not a result set is still foreign.
    std::fs::create_dir(out.join("notes")).unwrap();
    tiny_run(&out, &[])
        .code(2)
        .stderr(predicate::str::contains("notes/"));
}
