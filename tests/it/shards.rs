//! Shards and their merge: `--partition K/N` slices, `surgesim merge`
//! gives the single run's files byte for byte (run and compare, shards run
//! as separate processes with different thread counts), refuses sets that
//! are not whole or not of one run, and damaged files; `--partition auto`
//! reads the array-job engines' variables; the job files in contrib/ hold
//! commands that parse.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clap::Parser;
use surgesim::cli::Cli;

use super::util::{tempdir, tree};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The engines' variables, removed so the host's never leak in.
const ENGINE_VARS: &[&str] = &[
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "SLURM_ARRAY_TASK_COUNT",
    "JOB_COMPLETION_INDEX",
    "SURGESIM_PARTITIONS",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "AWS_BATCH_JOB_ARRAY_SIZE",
];

fn surgesim() -> Command {
    let mut c = Command::cargo_bin("surgesim").expect("binary");
    c.current_dir(ROOT);
    for v in ENGINE_VARS {
        c.env_remove(v);
    }
    c
}

/// Runs `args` then `extra`, expecting success.
fn ok(args: &[&str], extra: &[&Path]) {
    surgesim().args(args).args(extra).assert().success();
}

/// Runs `merge` of `shards` into `out`; returns (exit code, stderr).
fn merge(shards: &[PathBuf], out: &Path) -> (i32, String) {
    let o = surgesim()
        .arg("merge")
        .args(shards)
        .arg("-q")
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Asserts that two folders hold the same files with the same bytes.
fn assert_same_folders(single: &Path, merged: &Path) {
    let (a, b) = (tree(single), tree(merged));
    let names =
        |t: &std::collections::BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the merged folder has other files");
    assert!(a.len() > 5, "a real result set: {:?}", names(&a));
    for (name, bytes) in &a {
        assert!(
            b[name] == *bytes,
            "{name} differs between the single run and the merge"
        );
    }
}

#[test]
fn four_shard_processes_merge_into_the_single_runs_files_byte_for_byte() {
    let dir = tempdir();
    let shards = dir.path().join("shards");
    let base = ["run", "tests/fixtures/tiny.toml", "-q", "-n", "9"];
    for k in 1..=4 {
        let part = format!("{k}/4");
        // Each shard on its own thread count: nothing may depend on it.
        let threads = if k % 2 == 0 { "2" } else { "1" };
        let mut args = base.to_vec();
        args.extend(["--partition", &part, "-j", threads, "--out"]);
        ok(&args, &[&shards]);
    }
    let dirs: Vec<PathBuf> = (1..=4)
        .map(|k| shards.join(format!("shard-{k}-of-4")))
        .collect();
    // Slice K covers floor((K-1)·9/4) .. floor(K·9/4).
    let ranges: Vec<(u64, u64)> = dirs
        .iter()
        .map(|d| {
            let m: serde_json::Value =
                serde_json::from_slice(&std::fs::read(d.join("shard.json")).unwrap()).unwrap();
            (
                m["first_replication"].as_u64().unwrap(),
                m["end_replication"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranges, [(0, 2), (2, 4), (4, 6), (6, 9)]);
    let single = dir.path().join("single");
    let mut args = base.to_vec();
    args.extend(["-j", "2", "--out"]);
    ok(&args, &[&single]);
    let merged = dir.path().join("merged");
    // In any order.
    let mut given = dirs.clone();
    given.reverse();
    let (code, err) = merge(&given, &merged);
    assert_eq!(code, 0, "{err}");
    assert!(tree(&single).contains_key("replications_days.csv"));
    assert!(tree(&single).contains_key("results.xlsx"));
    assert_same_folders(&single, &merged);
    // A retried shard replaces its folder whole, with the same bytes.
    let before = tree(&dirs[2]);
    let mut args = base.to_vec();
    args.extend(["--partition", "3/4", "--out"]);
    ok(&args, &[&shards]);
    assert_eq!(tree(&dirs[2]), before);
}

#[test]
fn compare_shards_merge_into_the_single_comparisons_files_byte_for_byte() {
    let dir = tempdir();
    let shards = dir.path().join("shards");
    let base = [
        "compare",
        "tests/fixtures/crn.toml",
        "--variants",
        "two_more",
        "-q",
        "-n",
        "6",
    ];
    for k in 1..=4 {
        let part = format!("{k}/4");
        let mut args = base.to_vec();
        args.extend(["--partition", &part, "--out"]);
        ok(&args, &[&shards]);
    }
    let single = dir.path().join("single");
    let mut args = base.to_vec();
    args.push("--out");
    ok(&args, &[&single]);
    let dirs: Vec<PathBuf> = (1..=4)
        .map(|k| shards.join(format!("shard-{k}-of-4")))
        .collect();
    let merged = dir.path().join("merged");
    let (code, err) = merge(&dirs, &merged);
    assert_eq!(code, 0, "{err}");
    assert!(tree(&single).contains_key("compare.json"));
    assert_same_folders(&single, &merged);
}

/// Shards of the tiny scenario (JSON only, quick) into `dir/name`.
fn quick_shards(dir: &Path, name: &str, n: u32, extra: &[&str]) -> Vec<PathBuf> {
    let out = dir.join(name);
    for k in 1..=n {
        let part = format!("{k}/{n}");
        let mut args = vec![
            "run",
            "tests/fixtures/tiny.toml",
            "-q",
            "-n",
            "8",
            "--format",
            "json",
            "--no-charts",
            "--partition",
            &part,
        ];
        args.extend(extra);
        args.push("--out");
        ok(&args, &[&out]);
    }
    (1..=n)
        .map(|k| out.join(format!("shard-{k}-of-{n}")))
        .collect()
}

#[test]
fn incomplete_mixed_and_damaged_shard_sets_are_refused_by_number() {
    let dir = tempdir();
    let d = dir.path();
    let good = quick_shards(d, "good", 4, &[]);
    let out = d.join("merged");
    let refused = |shards: &[PathBuf], wanted: &[&str]| {
        let (code, err) = merge(shards, &out);
        assert_eq!(code, 2, "exit code 2 for bad shards: {err}");
        for w in wanted {
            assert!(err.contains(w), "`{w}` in: {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists(), "nothing written: {err}");
    };
    // Missing: shards 2 and 4.
    refused(
        &[good[0].clone(), good[2].clone()],
        &["missing shards 2, 4 of 4"],
    );
    // Overlapping: shard 3 given twice (another copy of it).
    let copy = d.join("copy-of-3");
    std::fs::create_dir(&copy).unwrap();
    for (name, bytes) in tree(&good[2]) {
        std::fs::write(copy.join(name), bytes).unwrap();
    }
    let mut twice = good.clone();
    twice.push(copy.clone());
    refused(&twice, &["overlapping", "3 (", "copy-of-3"]);
    // A shard of another seed.
    let seeded = quick_shards(d, "seed8", 4, &["--seed", "8"]);
    let mut mixed = good.clone();
    mixed[3] = seeded[3].clone();
    refused(&mixed, &["shard 4 of 4", "seed 8", "seed 7"]);
    // A shard of another scenario (the same file with one more agent).
    let text = std::fs::read_to_string(Path::new(ROOT).join("tests/fixtures/tiny.toml"))
        .unwrap()
        .replace("headcount = 3", "headcount = 4");
    let other = d.join("other.toml");
    std::fs::write(&other, text).unwrap();
    let other_dir = d.join("other");
    let mut args: Vec<String> = [
        "run",
        "-q",
        "-n",
        "8",
        "--format",
        "json",
        "--no-charts",
        "--partition",
        "2/4",
        "--out",
    ]
    .map(String::from)
    .to_vec();
    args.insert(1, other.display().to_string());
    args.push(other_dir.display().to_string());
    surgesim().args(&args).assert().success();
    let mut mixed = good.clone();
    mixed[1] = other_dir.join("shard-2-of-4");
    refused(&mixed, &["shard 2 of 4", "scenario hash"]);
    // The scenario changed after the shards ran: the merge, which loads
    // it again, refuses it.
    let moving = d.join("moving.toml");
    std::fs::copy(Path::new(ROOT).join("tests/fixtures/tiny.toml"), &moving).unwrap();
    let moved: Vec<PathBuf> = (1..=2)
        .map(|k| {
            let out = d.join("moving");
            let part = format!("{k}/2");
            let mut c = surgesim();
            c.arg("run")
                .arg(&moving)
                .args([
                    "-q",
                    "-n",
                    "8",
                    "--format",
                    "json",
                    "--no-charts",
                    "--partition",
                    &part,
                    "--out",
                ])
                .arg(&out);
            c.assert().success();
            out.join(format!("shard-{k}-of-2"))
        })
        .collect();
    let edited = std::fs::read_to_string(&moving)
        .unwrap()
        .replace("per_day = 60", "per_day = 61");
    std::fs::write(&moving, edited).unwrap();
    refused(
        &moved,
        &["has changed since the shards were written", "moving.toml"],
    );
    // A shard of another version.
    let old = d.join("old-version");
    std::fs::create_dir(&old).unwrap();
    for (name, bytes) in tree(&good[0]) {
        let bytes = if name == "shard.json" {
            String::from_utf8(bytes)
                .unwrap()
                .replace(
                    &format!("\"tool_version\": \"{}\"", env!("CARGO_PKG_VERSION")),
                    "\"tool_version\": \"0.0.1\"",
                )
                .into_bytes()
        } else {
            bytes
        };
        std::fs::write(old.join(name), bytes).unwrap();
    }
    let mut mixed = good.clone();
    mixed[0] = old;
    refused(&mixed, &["version 0.0.1", "shard 1 of 4"]);
    // A corrupted file: one bit of shard 3's records flipped.
    let records = good[2].join("records.bin");
    let mut bytes = std::fs::read(&records).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x10;
    std::fs::write(&records, &bytes).unwrap();
    refused(&good, &["shard 3 of 4", "records.bin", "SHA-256"]);
    // Not a shard folder at all.
    refused(&[d.join("nowhere")], &["nowhere", "shard.json"]);
}

/// An engine's variables, the shard folder they give and its replications.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, (u64, u64));

#[test]
fn partition_auto_reads_slurm_kubernetes_and_aws_batch_variables() {
    let dir = tempdir();
    let cases: &[Case] = &[
        // Slurm array 4-7: task 5 is the second of 4.
        (
            "slurm",
            &[
                ("SLURM_ARRAY_TASK_ID", "5"),
                ("SLURM_ARRAY_TASK_MIN", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ],
            "shard-2-of-4",
            (2, 4),
        ),
        // Kubernetes: index 2 (from 0) of SURGESIM_PARTITIONS = 4.
        (
            "k8s",
            &[("JOB_COMPLETION_INDEX", "2"), ("SURGESIM_PARTITIONS", "4")],
            "shard-3-of-4",
            (4, 6),
        ),
        // AWS Batch: index 3 (from 0) of 4.
        (
            "aws",
            &[
                ("AWS_BATCH_JOB_ARRAY_INDEX", "3"),
                ("AWS_BATCH_JOB_ARRAY_SIZE", "4"),
            ],
            "shard-4-of-4",
            (6, 8),
        ),
    ];
    for (name, vars, folder, range) in cases {
        let out = dir.path().join(name);
        let mut c = surgesim();
        c.args([
            "run",
            "tests/fixtures/tiny.toml",
            "-q",
            "-n",
            "8",
            "--format",
            "json",
        ])
        .args(["--no-charts", "--partition", "auto", "--out"])
        .arg(&out);
        for (k, v) in *vars {
            c.env(k, v);
        }
        c.assert().success();
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(folder).join("shard.json")).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (
                m["first_replication"].as_u64().unwrap(),
                m["end_replication"].as_u64().unwrap()
            ),
            *range,
            "{name}"
        );
    }
    // Explicit K/N wins over the environment.
    let out = dir.path().join("explicit");
    surgesim()
        .args([
            "run",
            "tests/fixtures/tiny.toml",
            "-q",
            "-n",
            "8",
            "--format",
            "json",
        ])
        .args(["--no-charts", "--partition", "1/2", "--out"])
        .arg(&out)
        .env("AWS_BATCH_JOB_ARRAY_INDEX", "3")
        .env("AWS_BATCH_JOB_ARRAY_SIZE", "4")
        .assert()
        .success();
    assert!(out.join("shard-1-of-2/shard.json").exists());
}

#[test]
fn partitions_outside_one_to_n_are_usage_errors() {
    let dir = tempdir();
    for (spec, wanted) in [
        ("0/4", "K runs from 1 to N"),
        ("5/4", "K runs from 1 to N"),
        ("x/4", "not a whole number"),
        ("4", "write K/N"),
        ("auto", "SLURM_ARRAY_TASK_ID"),
        ("9/9", "at most 8 partitions"),
    ] {
        let o = surgesim()
            .args([
                "run",
                "tests/fixtures/tiny.toml",
                "-q",
                "-n",
                "8",
                "--partition",
                spec,
                "--out",
            ])
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{spec}: {err}");
        assert!(
            err.contains("--partition") && err.contains(wanted),
            "{spec}: {err}"
        );
        assert!(!dir.path().join("out").exists(), "{spec}: nothing written");
    }
    let o = surgesim()
        .args([
            "compare",
            "tests/fixtures/crn.toml",
            "-q",
            "--precision",
            "total.total_cost=1",
        ])
        .args(["--partition", "1/2", "--out"])
        .arg(dir.path().join("cmp"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--partition") && err.contains("--precision"),
        "{err}"
    );
}

/// Splits a shell command line into words (double quotes kept together,
/// `$VAR` and `"${VAR}"` words replaced by 1: they are numbers here).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out.into_iter()
        .map(|w| {
            if w.starts_with('$') {
                "1".to_string()
            } else {
                w
            }
        })
        .collect()
}

/// Every `surgesim …` command in `text`: shell lines, and YAML `command:`
/// arrays (directly, or inside `sh -c`).
fn commands_in(text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(array) = t.strip_prefix("command:") {
            let v: Vec<String> = serde_json::from_str(array.trim()).expect("a JSON-style array");
            if v[0] == "surgesim" {
                found.push(v);
            } else if let Some(script) = v.last().filter(|s| s.starts_with("surgesim ")) {
                found.push(words(script));
            }
        } else if t.starts_with("surgesim ") {
            found.push(words(t));
        }
    }
    found
}

#[test]
fn the_job_files_commands_parse() {
    let files = [
        "contrib/slurm/run.sbatch",
        "contrib/slurm/merge.sbatch",
        "contrib/kubernetes/shards-job.yaml",
        "contrib/kubernetes/merge-job.yaml",
        "README.md",
    ];
    let mut kinds = Vec::new();
    for f in files {
        let mut text = std::fs::read_to_string(Path::new(ROOT).join(f)).unwrap();
        if f == "README.md" {
            // Only the shell examples (```sh blocks), not the synopsis.
            let mut inside = false;
            text = text
                .lines()
                .filter(|l| {
                    if l.starts_with("```") {
                        inside = *l == "```sh";
                        return false;
                    }
                    inside
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
        let found = commands_in(&text);
        if f != "README.md" {
            assert!(!found.is_empty(), "{f} has a surgesim command");
        }
        for cmd in found {
            if f == "README.md"
                && !cmd
                    .iter()
                    .any(|w| w == "merge" || w.starts_with("--partition"))
            {
                continue;
            }
            if let Err(e) = Cli::try_parse_from(&cmd) {
                panic!("{f}: `{}` does not parse: {e}", cmd.join(" "));
            }
            kinds.push(cmd[1].clone());
        }
    }
    assert!(kinds.iter().any(|k| k == "run") && kinds.iter().any(|k| k == "merge"));
    // The words of a shell line.
    assert_eq!(
        words(r#"surgesim run -j "$SLURM_CPUS_PER_TASK" --out results"#),
        ["surgesim", "run", "-j", "1", "--out", "results"]
    );
    assert!(Cli::try_parse_from(["surgesim", "run", "--partitions", "4"]).is_err());
}
