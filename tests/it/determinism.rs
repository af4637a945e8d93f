//! Same scenario and seed, same bytes, whatever the number of threads.

use surgesim::commands::BUNDLED_SCENARIO;
use surgesim::report::manifest::{Manifest, ManifestFile};
use surgesim::report::render_all;
use surgesim::runner::{RunOptions, run};

use super::util::model_from_text;

#[test]
fn outputs_are_identical_on_one_or_many_threads() {
    let mut model = model_from_text(BUNDLED_SCENARIO);
    model.replications = 9;
    let files = |model: &surgesim::model::Model, threads| {
        let r = run(
            model,
            RunOptions {
                threads: Some(threads),
                progress: false,
                ..RunOptions::default()
            },
        )
        .unwrap();
        render_all(model, &r).unwrap()
    };
    // The manifest of the files: no time, no thread count in it.
    let (hash, reps) = (model.scenario_hash.clone(), model.replications);
    let manifest = |files: &[(&str, Vec<u8>)], seed: u64| {
        let mut m = Manifest::new("run", &hash, seed, reps);
        m.files = files.iter().map(|(n, b)| ManifestFile::of(n, b)).collect();
        m.to_bytes()
    };
    let one = files(&model, 1);
    for threads in [2, 5] {
        let many = files(&model, threads);
        for ((name, a), (_, b)) in one.iter().zip(&many) {
            assert!(a == b, "{name} differs between 1 and {threads} threads");
        }
        assert!(
            manifest(&one, model.seed) == manifest(&many, model.seed),
            "manifest.json differs between 1 and {threads} threads"
        );
    }
    // And a different seed really changes the results.
    model.seed += 1;
    let other = files(&model, 2);
    assert_ne!(
        one[0].1, other[0].1,
        "summary.json did not change with the seed"
    );
    assert_ne!(
        manifest(&one, model.seed - 1),
        manifest(&other, model.seed),
        "manifest.json did not change with the seed"
    );
}

#[test]
fn the_day_table_adds_up_the_intervals() {
    let mut model = model_from_text(BUNDLED_SCENARIO);
    model.replications = 6;
    let r = run(
        &model,
        RunOptions {
            threads: Some(2),
            progress: false,
            ..RunOptions::default()
        },
    )
    .unwrap();
    let nm = surgesim::kpi::series_width(&model);
    let per_day = (86_400.0 / model.interval_s) as usize;
    assert_eq!(r.summary.days.len(), model.days as usize * nm);
    for day in 0..model.days as usize {
        // Metric 0 is offered contacts: a day's mean is the sum of its
        // intervals' means.
        let want: f64 = (day * per_day..(day + 1) * per_day)
            .map(|i| r.summary.intervals[i * nm].mean)
            .sum();
        let got = r.summary.days[day * nm].mean;
        assert!(
            (got - want).abs() <= 1e-3 * want.max(1.0),
            "day {day}: {got} vs {want}"
        );
        // Service level of the day (metric 6) is a share.
        let sl = r.summary.days[day * nm + 6];
        assert!(
            sl.n == 0 || (sl.p5 >= 0.0 && sl.p95 <= 1.0),
            "day {day}: {sl:?}"
        );
    }
    let files = render_all(&model, &r).unwrap();
    let (_, days_csv) = files.iter().find(|(n, _)| *n == "days.csv").unwrap();
    let text = String::from_utf8(days_csv.clone()).unwrap();
    // One row per day for each channel and each pool.
    let rows = model.channels.len() + model.pools.len();
    assert_eq!(text.lines().count(), model.days as usize * rows + 1);
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("2022-03-07,Monday,channel,")
    );
}

#[test]
fn the_whole_folder_is_identical_on_one_or_two_threads() {
    // Through the command: tables, charts (drawn in parallel) and the
    // report, rendered on the run's worker threads.
    let dir = super::util::tempdir();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.toml");
    let manifest = |threads: &str| {
        let out = dir.path().join(format!("j{threads}"));
        assert_cmd::Command::cargo_bin("surgesim")
            .expect("binary")
            .args(["run", scenario, "-q", "-n", "3", "-j", threads, "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read_to_string(out.join("manifest.json")).expect("manifest.json")
    };
    let one = manifest("1");
    assert!(one.contains("charts/"), "the folder has charts: {one}");
    assert!(
        one.contains("report.html"),
        "the folder has the report: {one}"
    );
    assert_eq!(one, manifest("2"), "outputs differ between 1 and 2 threads");
}
