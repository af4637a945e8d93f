//! Tidy outputs for analysts: long tables beside the wide ones, every
//! replication's daily metrics, and a data dictionary that lists every
//! column of every CSV file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;

use crate::util::tempdir;

fn run_tiny(out: &Path) {
    Command::cargo_bin("surgesim")
        .expect("binary")
        .args([
            "run",
            "-q",
            "tests/fixtures/tiny.toml",
            "-n",
            "7",
            "--format",
            "csv",
            "--out",
        ])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
}

fn read(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn long_tables_hold_the_wide_tables_numbers() {
    let dir = tempdir();
    run_tiny(dir.path());
    let (wh, wide) = read(&dir.path().join("days.csv"));
    let (lh, long) = read(&dir.path().join("days_long.csv"));
    assert_eq!(
        &lh[..6],
        ["date", "weekday", "scope", "name", "metric", "unit"]
    );
    let col = |h: &[String], n: &str| h.iter().position(|c| c == n).unwrap();
    let mut by_key: BTreeMap<(String, String, String, String), Vec<String>> = BTreeMap::new();
    for r in &long {
        by_key.insert(
            (r[0].clone(), r[2].clone(), r[3].clone(), r[4].clone()),
            r.clone(),
        );
    }
    let mut checked = 0;
    for r in &wide {
        for (j, name) in wh.iter().enumerate().skip(4) {
            let Some(metric) = name.strip_suffix("_mean") else {
                continue;
            };
            if r[j].is_empty() {
                continue;
            }
            let l = &by_key[&(r[0].clone(), r[2].clone(), r[3].clone(), metric.to_string())];
            assert_eq!(l[col(&lh, "mean")], r[j], "{name} on {}", r[0]);
            assert_eq!(
                l[col(&lh, "p95")],
                r[wh.iter()
                    .position(|c| *c == format!("{metric}_p95"))
                    .unwrap()]
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    // Only the row's own scope: no empty cross cells in the long table.
    assert!(long.iter().all(|r| !r[col(&lh, "metric")].is_empty()));
    assert!(
        long.iter()
            .filter(|r| r[2] == "pool")
            .all(|r| r[4].starts_with("pool_"))
    );
}

#[test]
fn replications_days_give_the_daily_statistics_back() {
    let dir = tempdir();
    run_tiny(dir.path());
    let (rh, reps) = read(&dir.path().join("replications_days.csv"));
    let (wh, wide) = read(&dir.path().join("days.csv"));
    let reps_seen: BTreeSet<&str> = reps.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(reps_seen.len(), 7);
    let at = |h: &[String], n: &str| h.iter().position(|c| c == n).unwrap();
    // The mean of each replication's offered contacts is days.csv's mean.
    for w in &wide {
        if w[2] != "channel" {
            continue;
        }
        let values: Vec<f64> = reps
            .iter()
            .filter(|r| r[1] == w[0] && r[2] == "channel" && r[3] == w[3])
            .map(|r| r[at(&rh, "offered_contacts")].parse().unwrap())
            .collect();
        assert_eq!(values.len(), 7);
        let mean = values.iter().sum::<f64>() / 7.0;
        let expected: f64 = w[at(&wh, "offered_contacts_mean")].parse().unwrap();
        assert!((mean - expected).abs() < 1e-6, "{} {mean} {expected}", w[0]);
    }
}

#[test]
fn every_column_of_every_csv_is_in_the_data_dictionary() {
    let dir = tempdir();
    run_tiny(dir.path());
    let (_, dict) = read(&dir.path().join("columns.csv"));
    let known: BTreeSet<(String, String)> =
        dict.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    let mut files = 0;
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".csv") || name == "columns.csv" {
            continue;
        }
        files += 1;
        let (header, _) = read(&p);
        for c in header {
            // replications.csv names columns after the channels and pools.
            let generic = if name == "replications.csv" {
                match c.split_once('.') {
                    Some(("total", k)) => format!("total.{k}"),
                    Some(("topic", rest)) => {
                        format!("topic.TOPIC.{}", rest.split_once('.').unwrap().1)
                    }
                    Some((scope, k)) if scope == "line" || scope == "mail" => {
                        format!("CHANNEL.{k}")
                    }
                    Some((_, k)) => format!("POOL.{k}"),
                    None => c.clone(),
                }
            } else {
                c.clone()
            };
            assert!(
                known.contains(&(name.clone(), generic.clone())),
                "{name}: {c} ({generic}) is not in columns.csv"
            );
            for stat in ["mean", "ci95", "p5", "p50", "p95"] {
                assert!(
                    !c.ends_with(&format!("_mean_{stat}")),
                    "{name}: {c} doubles a statistic"
                );
            }
        }
    }
    assert_eq!(files, 9);
    assert!(
        dict.iter().all(|r| !r[3].is_empty()),
        "every column has a definition"
    );
}
