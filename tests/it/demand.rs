//! Demand shapes, tables, uncertainty and holidays reach the simulation as
//! specified.

use surgesim::engine::{RepOutcome, simulate};
use surgesim::model::{Model, compile_loaded};
use surgesim::scenario::load_file;

use super::util::{model_from_text, tempdir};

fn base(extra_demand: &str, extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "demand"
start = 2022-03-07
days = 14
interval = "1d"
seed = 3

{extra}

[channels.line]
kind = "phone"
hours = {{ daily = "08:00-18:00" }}

[topics.t]
handle.line = {{ dist = "exponential", mean = "1m" }}

[[demand]]
topic = "t"
channel = "line"
{extra_demand}

[pools.p]
headcount = 60
serves = ["line"]
hours = {{ daily = "08:00-18:00" }}
"#
    )
}

/// First attempts per day (interval = 1 day) of one replication.
fn per_day(model: &Model, out: &RepOutcome) -> Vec<f64> {
    (0..model.n_intervals)
        .map(|i| out.channel_intervals[i].counts.first_attempts)
        .collect()
}

fn mean_per_day(model: &Model, reps: u64) -> Vec<f64> {
    let mut sum = vec![0.0; model.n_intervals];
    for r in 0..reps {
        for (s, x) in sum.iter_mut().zip(per_day(model, &simulate(model, r))) {
            *s += x;
        }
    }
    sum.iter().map(|s| s / reps as f64).collect()
}

#[test]
fn a_csv_table_reproduces_its_daily_totals() {
    let dir = tempdir();
    let table = [(7, 350.0), (8, 630.0), (9, 520.0), (10, 410.0), (12, 90.0)];
    let mut csv = String::from("date,contacts\n");
    for (day, n) in table {
        csv.push_str(&format!("2022-03-{day:02},{n}\n"));
    }
    std::fs::write(dir.path().join("inflow.csv"), csv).unwrap();
    let text = base(
        "per_day = 0\nsurges = [{ shape = \"table\", file = \"inflow.csv\" }]",
        "",
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let model = compile_loaded(&load_file(&dir.path().join("s.toml")).unwrap()).unwrap();
    let reps = 100;
    let mean = mean_per_day(&model, reps);
    for (day, want) in table {
        let got = mean[(day - 7) as usize];
        // Poisson counts: 3.5 standard errors of the mean over `reps` days.
        let tol = 3.5 * (want / reps as f64).sqrt();
        assert!(
            (got - want).abs() < tol,
            "2022-03-{day}: {got} vs {want} ± {tol}"
        );
    }
    assert_eq!(mean[4], 0.0, "a day missing from the table has no surge");
}

#[test]
fn a_ramp_and_decay_surge_adds_to_the_baseline_with_weekday_factors() {
    let text = base(
        "per_day = 100\nweekday_factors = { sun = 0.5 }\nsurges = [{ shape = \"ramp_decay\", start = 2022-03-07, to_peak = \"2d\", half_life = \"2d\", peak_per_day = 400 }]",
        "",
    );
    let model = model_from_text(&text);
    let want = |day: usize| {
        let t = day as f64 + 0.5;
        let surge = if t <= 2.0 {
            400.0 * t / 2.0
        } else {
            400.0 * 0.5f64.powf((t - 2.0) / 2.0)
        };
        let factor = if day % 7 == 6 { 0.5 } else { 1.0 };
        (100.0 + surge) * factor
    };
    for day in 0..14 {
        let got = model.demands[0].expected_between(
            day as f64 * 86_400.0,
            (day + 1) as f64 * 86_400.0,
            model.horizon_s,
        );
        assert!(
            (got - want(day)).abs() < 1e-6,
            "day {day}: {got} vs {}",
            want(day)
        );
    }
}

#[test]
fn uncertain_demand_is_over_dispersed_as_specified() {
    // Var(N) = m + cv² m² for a gamma level factor with mean 1.
    let reps = 300;
    for cv in [0.0, 0.3] {
        let text = base("per_day = 200", &format!("[uncertainty]\nlevel_cv = {cv}"));
        let model = model_from_text(&text);
        let totals: Vec<f64> = (0..reps)
            .map(|r| per_day(&model, &simulate(&model, r)).iter().sum())
            .collect();
        let m = 200.0 * 14.0;
        let mean = totals.iter().sum::<f64>() / reps as f64;
        let var = totals.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (reps - 1) as f64;
        let want = m + cv * cv * m * m;
        let ratio = var / want;
        // The sample variance of 300 values is within ±25 % with high probability
        // (its relative sd is about sqrt(2/299) ≈ 8 % for normal data).
        assert!(
            (0.75..1.25).contains(&ratio),
            "cv {cv}: variance {var}, expected {want}"
        );
        assert!(
            (mean - m).abs() < 4.0 * (want / reps as f64).sqrt(),
            "cv {cv}: mean {mean}"
        );
    }
}

#[test]
fn uncertainty_does_not_break_common_random_numbers() {
    let a = model_from_text(&base(
        "per_day = 500",
        "[uncertainty]\nlevel_cv = 0.3\ndaily_cv = 0.2",
    ));
    let b = model_from_text(
        &base(
            "per_day = 500",
            "[uncertainty]\nlevel_cv = 0.3\ndaily_cv = 0.2",
        )
        .replace("headcount = 60", "headcount = 3"),
    );
    for r in 0..4 {
        assert_eq!(per_day(&a, &simulate(&a, r)), per_day(&b, &simulate(&b, r)));
    }
}

#[test]
fn holidays_close_channels_and_pools() {
    let model = model_from_text(&base(
        "per_day = 300",
        "[calendar]\nholidays = [2022-03-09, 2023-01-01]",
    ));
    let out = simulate(&model, 0);
    let day2 = &out.channel_intervals[2];
    assert_eq!(day2.counts.offered, 0.0);
    assert!(
        day2.counts.closed > 200.0,
        "the day's callers find the line closed: {:?}",
        day2.counts
    );
    assert_eq!(out.pool_intervals[2].on_duty_area, 0.0);
    assert!(out.channel_intervals[3].counts.offered > 200.0);
}

#[test]
fn bad_surges_and_missing_tables_name_their_keys() {
    let dir = tempdir();
    let text = base(
        "per_day = 10\nsurges = [{ shape = \"table\", file = \"nope.csv\" }, { shape = \"ramp\", start = 2022-03-08, peak_per_day = -4 }]",
        "[uncertainty]\nlevel_cv = -1",
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let err = load_file(&dir.path().join("s.toml"))
        .and_then(|l| compile_loaded(&l).map(|_| ()))
        .unwrap_err()
        .to_string();
    for want in [
        "demand[0].surges[0].file: cannot read",
        "demand[0].surges[1].ramp: a Ramp surge needs `ramp`",
        "demand[0].surges[1].peak_per_day: must be 0 or more",
        "uncertainty.level_cv",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}
