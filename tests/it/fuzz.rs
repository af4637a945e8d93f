//! A mutation campaign over the shipped scenarios (issue 12): deletions,
//! duplications, type swaps, extreme numbers, unit and date garbage and
//! structure swaps, a few thousand mutants through `check` (in process,
//! with panics caught) and a sample through a 2-replication `run` of the
//! real binary. For every mutant:
//!
//! - the outcome is "accepted" or "refused with exit code 2", never a panic
//!   or another code;
//! - every problem reported names a line;
//! - an accepted mutant whose compiled model differs from its parent's is
//!   told apart by `check`'s output: the model a planner is shown changed
//!   too, never silently.
//!
//! Mutants that once failed are kept in `tests/fixtures/mutants/` (copy a
//! new one from `target/mutants/`, where a failing run leaves them, as
//! `PARENT--K.toml`) and are checked on every run. `SURGESIM_FUZZ_MUTANTS=N` sets the mutants per
//! scenario (default 400) and `SURGESIM_FUZZ_SEED=S` their seed (default 12).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use surgesim::cli::{Cli, Command};

use super::util::tempdir;

/// Shipped scenarios and the data tables they read.
fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    out.sort();
    out
}

/// What `check` did with a file.
#[derive(Debug)]
enum Outcome {
    /// Accepted: `check`'s output and the compiled models (base and each
    /// variant, without the file hash), as text.
    Accepted { shown: String, models: String },
    /// Refused with this exit code and message.
    Refused { code: i32, message: String },
    /// A panic.
    Panicked(String),
}

/// Runs `check` in process on `path`, and compiles it (and its variants)
/// to compare models.
fn check(path: &Path) -> Outcome {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let cli = match <Cli as clap::Parser>::try_parse_from([
            "surgesim".as_ref(),
            "check".as_ref(),
            path.as_os_str(),
        ]) {
            Ok(c) => c,
            Err(e) => panic!("bad arguments: {e}"),
        };
        let Command::Check(args) = &cli.command else {
            unreachable!()
        };
        let mut out = Vec::new();
        match surgesim::commands::check(args, &mut out) {
            Ok(()) => {
                let loaded = surgesim::scenario::load_file(path).expect("check accepted it");
                let mut models = String::new();
                let mut base = surgesim::model::compile_loaded(&loaded).expect("compiles");
                forget_notes(&mut base);
                models.push_str(&format!("{base:?}"));
                for v in &loaded.variants {
                    let l = loaded.variant(&v.name).expect("variant parses");
                    let mut m = surgesim::model::compile_loaded(&l).expect("variant compiles");
                    forget_notes(&mut m);
                    models.push_str(&format!("\n{}: {m:?}", v.name));
                }
                Outcome::Accepted {
                    shown: String::from_utf8_lossy(&out).into_owned(),
                    models,
                }
            }
            Err(e) => Outcome::Refused {
                code: e.exit_code(),
                message: e.to_string(),
            },
        }
    }));
    result.unwrap_or_else(|p| {
        Outcome::Panicked(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        )
    })
}

/// Leaves out what is not behaviour: the file hash, the free-text
/// description and the sources (shown in the report, not by `check`).
fn forget_notes(m: &mut surgesim::model::Model) {
    m.scenario_hash.clear();
    m.description.clear();
    m.sources.clear();
}

/// Values a mutation puts in place of a value.
const VALUES: &[&str] = &[
    "\"x\"",
    "\"\"",
    "1",
    "-1",
    "0",
    "-0",
    "-0.0",
    "1.5",
    "true",
    "[]",
    "{}",
    "[1, 2]",
    "[\"09:00-16:00\"]",
    "{ x = 1 }",
    "2022-03-07",
    "2022-03-07T10:00:00",
    "2022-03-07T23:59:00-05:00",
    "10:00:00",
    "1e305",
    "-1e305",
    "4294967295",
    "18446744073709551615",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "\"5M\"",
    "\"5\"",
    "\"m\"",
    "\"-5m\"",
    "\"5mo\"",
    "\"99999999999999999999d\"",
    "\"1e9/s\"",
    "\"10/H\"",
    "2022-02-30",
    "0000-01-01",
    "9999-12-31",
    "\"2022-13-01\"",
    "\"25:00-26:00\"",
    "\"16:00-09:00\"",
    "\"closed\"",
];

/// One mutant of `text`, and a short description of the mutation.
fn mutate(text: &str, rng: &mut ChaCha8Rng) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    let candidates: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = lines[i].trim();
            !l.is_empty() && !l.starts_with('#')
        })
        .collect();
    let i = candidates[rng.random_range(0..candidates.len())];
    let line = lines[i];
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let what;
    match rng.random_range(0..10u32) {
        0 => {
            out.remove(i);
            what = format!("delete line {}", i + 1);
        }
        1 => {
            out.insert(i, line.to_string());
            what = format!("duplicate line {}", i + 1);
        }
        2 if line.trim_start().starts_with("[[") => {
            out[i] = line.replacen("[[", "[", 1).replacen("]]", "]", 1);
            what = format!("array of tables to table at line {}", i + 1);
        }
        2 if line.trim_start().starts_with('[') => {
            out[i] = line.replacen('[', "[[", 1).replacen(']', "]]", 1);
            what = format!("table to array of tables at line {}", i + 1);
        }
        3 if line.contains('{') => {
            out[i] = line.replacen('{', "[", 1).replacen('}', "]", 1);
            what = format!("inline table to array at line {}", i + 1);
        }
        4 if line.contains('"') => {
            // Garbage inside a string: a unit, a digit, a letter case.
            let garbage = ["M", "H", "0", "-", "mo", "", "99999999999", ":"];
            let g = garbage[rng.random_range(0..garbage.len())];
            let at = line.rfind('"').unwrap();
            out[i] = format!("{}{g}{}", &line[..at], &line[at..]);
            what = format!("`{g}` into a string at line {}", i + 1);
        }
        _ => {
            let Some(eq) = line.find(" = ") else {
                out.remove(i);
                return (out.join("\n"), format!("delete line {}", i + 1));
            };
            let v = VALUES[rng.random_range(0..VALUES.len())];
            out[i] = format!("{} = {v}", &line[..eq]);
            what = format!("`{v}` as the value at line {}", i + 1);
        }
    }
    (out.join("\n"), what)
}

/// Copies the data tables beside the scenarios into `dir`.
fn copy_tables(dir: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// Checks the rules for one mutant; returns what broke, if anything.
fn verdict(parent: &Outcome, mutant: &Outcome) -> Option<String> {
    match mutant {
        Outcome::Panicked(p) => Some(format!("panicked: {p}")),
        Outcome::Refused { code, message } => {
            if *code != 2 {
                return Some(format!("exit code {code}: {message}"));
            }
            // Every problem names a line: `FILE:LINE: …` after the header.
            let unlined: Vec<&str> = message
                .lines()
                .skip(1)
                .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
                .filter(|l| {
                    let rest = l.trim_start();
                    let Some((_, after)) = rest.split_once(".toml") else {
                        return true;
                    };
                    !after.starts_with(':')
                        || !after[1..]
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_digit())
                })
                .collect();
            (!unlined.is_empty()).then(|| format!("a problem without a line: {unlined:?}"))
        }
        Outcome::Accepted { shown, models } => match parent {
            Outcome::Accepted {
                shown: parent_shown,
                models: parent_models,
            } if models != parent_models && shown == parent_shown => {
                let at = models
                    .bytes()
                    .zip(parent_models.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let around = |m: &str| {
                    let mut from = at.saturating_sub(60);
                    while !m.is_char_boundary(from) {
                        from -= 1;
                    }
                    let mut to = (at + 60).min(m.len());
                    while !m.is_char_boundary(to) {
                        to += 1;
                    }
                    m[from..to].to_string()
                };
                Some(format!(
                    "the model changed but `check` shows exactly the same: …{}… instead of …{}…",
                    around(models),
                    around(parent_models)
                ))
            }
            _ => None,
        },
    }
}

#[test]
fn mutants_of_the_shipped_scenarios_are_refused_clearly_or_shown() {
    let per_scenario: usize = std::env::var("SURGESIM_FUZZ_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let seed: u64 = std::env::var("SURGESIM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let dir = tempdir();
    copy_tables(dir.path());
    let mut failures = Vec::new();
    let mut counts = [0usize; 2];
    let mut sample: Vec<(String, String)> = Vec::new();
    for (n, scenario) in shipped().iter().enumerate() {
        let text = std::fs::read_to_string(scenario).unwrap();
        let name = scenario.file_name().unwrap().to_string_lossy().into_owned();
        let parent_path = dir.path().join(&name);
        std::fs::write(&parent_path, &text).unwrap();
        let parent = check(&parent_path);
        assert!(
            matches!(parent, Outcome::Accepted { .. }),
            "{name} itself: {parent:?}"
        );
        let mut rng = ChaCha8Rng::seed_from_u64(seed + n as u64);
        let path = dir.path().join(format!("mutant-{name}"));
        for k in 0..per_scenario {
            let (mutant, what) = mutate(&text, &mut rng);
            std::fs::write(&path, &mutant).unwrap();
            let outcome = check(&path);
            counts[usize::from(matches!(outcome, Outcome::Accepted { .. }))] += 1;
            if let Some(broke) = verdict(&parent, &outcome) {
                failures.push(format!("{name}, mutant {k} ({what}): {broke}"));
                let keep = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("target")
                    .join("mutants");
                std::fs::create_dir_all(&keep).unwrap();
                std::fs::write(keep.join(format!("{name}-{k}.toml")), &mutant).unwrap();
            }
            if k % 50 == 7 {
                sample.push((name.clone(), mutant));
            }
        }
    }
    eprintln!(
        "{} mutants: {} refused with exit code 2, {} accepted; {} sampled for a run",
        counts[0] + counts[1],
        counts[0],
        counts[1],
        sample.len()
    );
    assert!(
        failures.is_empty(),
        "{} mutants broke a rule (kept in target/mutants/):\n{}",
        failures.len(),
        failures.join("\n")
    );

    // A sample through the real binary: a 2-replication run.
    for (k, (name, mutant)) in sample.iter().enumerate() {
        let path = dir.path().join(format!("run-{k}-{name}"));
        std::fs::write(&path, mutant).unwrap();
        let out = dir.path().join(format!("out-{k}"));
        let result = assert_cmd::Command::cargo_bin("surgesim")
            .unwrap()
            .arg("run")
            .arg(&path)
            .args(["-n", "2", "-q", "--format", "csv", "--no-charts", "--out"])
            .arg(&out)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let code = result.status.code();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            matches!(code, Some(0) | Some(2)) && !stderr.contains("panicked"),
            "run of a mutant of {name}: exit {code:?}\n{stderr}\n--- mutant ---\n{mutant}"
        );
    }
}

#[test]
fn mutants_that_once_failed_stay_fixed() {
    // `PARENT--K.toml`: mutant K of `scenarios/PARENT.toml`, kept because it
    // once broke a rule.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut kept: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/mutants"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    kept.sort();
    assert!(!kept.is_empty());
    let tmp = tempdir();
    copy_tables(tmp.path());
    for p in kept {
        let file = p.file_name().unwrap().to_string_lossy().into_owned();
        let parent_name = file.split("--").next().unwrap();
        let parent_path = tmp.path().join(format!("{parent_name}.toml"));
        std::fs::copy(
            root.join("scenarios").join(format!("{parent_name}.toml")),
            &parent_path,
        )
        .unwrap();
        let parent = check(&parent_path);
        let target = tmp.path().join(&file);
        std::fs::copy(&p, &target).unwrap();
        if let Some(broke) = verdict(&parent, &check(&target)) {
            panic!("{}: {broke}", p.display());
        }
    }
}
