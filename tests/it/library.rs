//! The scenario library (`scenarios/*.toml`): every scenario and every one
//! of its variants compiles, runs a few replications, and passes
//! plausibility invariants: no negative counts, costs or waits; shares
//! between 0 and 1; every offered contact counted exactly once; the
//! scenario's header comment and sources are there.

use std::path::{Path, PathBuf};

use surgesim::engine::simulate;
use surgesim::kpi::{CHANNEL_KPIS, POOL_KPIS, RepRecord, TOTAL_KPIS};
use surgesim::model::{Model, compile_loaded};
use surgesim::scenario::load_file;

use super::conservation::conserved;

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

fn plausible(name: &str, model: &Model, rec: &RepRecord) {
    let check = |what: String, unit: &str, x: f64| {
        if x.is_nan() {
            return; // undefined (e.g. a wait when nobody was answered)
        }
        assert!(x >= 0.0, "{name}: {what} is negative: {x}");
        if unit == "share" {
            assert!(x <= 1.0 + 1e-9, "{name}: {what} is above 1: {x}");
        }
    };
    for (c, ch) in model.channels.iter().enumerate() {
        for (k, d) in CHANNEL_KPIS.iter().enumerate() {
            check(
                format!("{}.{}", ch.name, d.key),
                d.unit,
                rec.channel_kpis[c][k],
            );
        }
    }
    for (p, pool) in model.pools.iter().enumerate() {
        for (k, d) in POOL_KPIS.iter().enumerate() {
            check(
                format!("{}.{}", pool.name, d.key),
                d.unit,
                rec.pool_kpis[p][k],
            );
        }
    }
    for (k, d) in TOTAL_KPIS.iter().enumerate() {
        check(format!("total.{}", d.key), d.unit, rec.total_kpis[k]);
    }
}

#[test]
fn every_library_scenario_and_variant_runs_and_is_plausible() {
    let files = scenarios();
    assert!(
        files.len() >= 5,
        "the library has {} scenarios",
        files.len()
    );
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with('#'), "{name} lacks its header comment");
        let loaded = load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut arms = vec![(
            String::from("base"),
            compile_loaded(&loaded).unwrap_or_else(|e| panic!("{e}")),
        )];
        for v in &loaded.variants {
            let l = loaded.variant(&v.name).unwrap_or_else(|e| panic!("{e}"));
            arms.push((
                v.name.clone(),
                compile_loaded(&l).unwrap_or_else(|e| panic!("{e}")),
            ));
        }
        let base_model = &arms[0].1;
        assert!(!base_model.sources.is_empty(), "{name} cites no sources");
        for (arm, model) in &arms {
            let label = format!("{name} [{arm}]");
            // One replication per variant, two for the base.
            let reps = if arm == "base" { 2 } else { 1 };
            for r in 0..reps {
                let out = simulate(model, r);
                for (c, t) in out.channels.iter().enumerate() {
                    assert!(
                        conserved(&t.counts),
                        "{label}: channel {} does not add up: {:?}",
                        model.channels[c].name,
                        t.counts
                    );
                }
                let rec = RepRecord::from_outcome(model, &out);
                plausible(&label, model, &rec);
                let offered: f64 = out.channels.iter().map(|t| t.counts.offered).sum();
                assert!(offered > 0.0, "{label}: nobody made contact");
            }
        }
    }
}
