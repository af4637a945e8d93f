//! Demand shapes, tables, uncertainty and holidays reach the simulation as
//! specified.

use surgesim::engine::{RepOutcome, simulate};
use surgesim::model::{Model, compile_loaded};
use surgesim::scenario::load_file;

use super::util::{model_from_text, tempdir};
use super::validation::surgesim;

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
    // The surge follows its shape within the day: the day's extra volume is
    // its mean over the opening hours (08:00-18:00, where the contacts are
    // spread), exactly.
    let want = |day: usize| {
        let integral = |t: f64| {
            if t <= 2.0 {
                400.0 * t * t / 4.0
            } else {
                400.0 + 400.0 * 2.0 / std::f64::consts::LN_2 * (1.0 - 0.5f64.powf((t - 2.0) / 2.0))
            }
        };
        let (a, b) = (day as f64 + 8.0 / 24.0, day as f64 + 18.0 / 24.0);
        let surge = (integral(b) - integral(a)) / (b - a);
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

/// Compiles `text` written as `s.toml` next to the given files.
fn model_with_files(text: &str, files: &[(&str, &str)]) -> (Model, tempfile::TempDir) {
    let dir = tempdir();
    for (name, body) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let model = compile_loaded(&load_file(&dir.path().join("s.toml")).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    (model, dir)
}

const QUARTER: &str = "start,contacts\n2022-03-07 08:00,12\n2022-03-07T08:15,30\n2022-03-07 08:30:00,0\n2022-03-07 08:45,45\n2022-03-07 09:00,6\n";

#[test]
fn a_15_minute_arrival_table_gives_its_volume_per_interval() {
    let text = base("file = \"tables/calls.csv\"", "").replace("days = 14", "days = 1");
    let (model, _dir) = model_with_files(&text, &[("tables/calls.csv", QUARTER)]);
    let d = &model.demands[0];
    let at = |h: f64| h * 3600.0;
    for (i, want) in [12.0, 30.0, 0.0, 45.0, 6.0].into_iter().enumerate() {
        let a = at(8.0) + 900.0 * i as f64;
        let got = d.expected_between(a, a + 900.0, model.horizon_s);
        assert!((got - want).abs() < 1e-9, "row {i}: {got} vs {want}");
        // Constant within the row.
        let half = d.expected_between(a, a + 450.0, model.horizon_s);
        assert!((half - want / 2.0).abs() < 1e-9);
    }
    assert_eq!(d.expected_between(0.0, at(8.0), model.horizon_s), 0.0);
    assert_eq!(
        d.expected_between(at(9.25), model.horizon_s, model.horizon_s),
        0.0
    );
    // The table covers a quarter of the day: a warning says which part is not.
    let w = model.warnings.join("\n");
    assert!(w.contains("demand[0].file"), "{w}");
    assert!(w.contains("no contacts from 2022-03-07 00:00 to 2022-03-07 08:00 and from 2022-03-07 09:15 to 2022-03-08 00:00"), "{w}");

    // Simulated: the mean first attempts per 15 minutes within 4 standard errors.
    let text = text.replace("interval = \"1d\"", "interval = \"15m\"");
    let (model, _dir) = model_with_files(&text, &[("tables/calls.csv", QUARTER)]);
    let reps = 400;
    let mean = mean_per_day(&model, reps);
    for (i, want) in [12.0, 30.0, 0.0, 45.0, 6.0].into_iter().enumerate() {
        let got = mean[32 + i];
        let tol = 4.0 * (want / reps as f64).sqrt() + 1e-9;
        assert!(
            (got - want).abs() <= tol,
            "row {i}: {got} vs {want} ± {tol}"
        );
    }
    assert_eq!(mean[31], 0.0);
    assert_eq!(mean[37], 0.0);
}

#[test]
fn surges_add_to_an_arrival_table_over_the_opening_hours() {
    let text = base(
        "file = \"calls.csv\"\nsurges = [{ shape = \"step\", start = 2022-03-07, peak_per_day = 100 }]",
        "",
    )
    .replace("days = 14", "days = 1");
    let (model, _dir) = model_with_files(&text, &[("calls.csv", QUARTER)]);
    let d = &model.demands[0];
    // 100 a day over 10 open hours: 2.5 per 15 minutes, on top of the table.
    let got = d.expected_between(8.25 * 3600.0, 8.5 * 3600.0, model.horizon_s);
    assert!((got - 32.5).abs() < 1e-9, "{got}");
    let day = d.expected_between(0.0, model.horizon_s, model.horizon_s);
    assert!((day - (93.0 + 100.0)).abs() < 1e-9, "{day}");
}

#[test]
fn a_daily_arrival_table_of_dates_alone_has_a_daily_step() {
    let csv = "start,contacts\n2022-03-06,999\n2022-03-07,240\n2022-03-08,480\n";
    let text = base("file = \"d.csv\"", "").replace("days = 14", "days = 2");
    let (model, _dir) = model_with_files(&text, &[("d.csv", csv)]);
    let d = &model.demands[0];
    // A day's contacts come at a constant rate through the day (those at
    // night find the line closed).
    assert!((d.expected_between(0.0, 86_400.0, model.horizon_s) - 240.0).abs() < 1e-9);
    assert!((d.expected_between(86_400.0, 86_400.0 + 3600.0, model.horizon_s) - 20.0).abs() < 1e-9);
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
}

#[test]
fn a_continuous_ramp_integrates_to_its_closed_form() {
    // Even hour weights: each day's volume is the integral of the ramp.
    let text = base(
        "per_day = 0\nhour_weights = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\nsurges = [{ shape = \"ramp\", start = 2022-03-08, ramp = \"36h\", peak_per_day = 240 }]",
        "",
    );
    let model = model_from_text(&text);
    let d = &model.demands[0];
    let day = |k: f64| d.expected_between(k * 86_400.0, (k + 1.0) * 86_400.0, model.horizon_s);
    assert_eq!(day(0.0), 0.0);
    // ∫0^1 240 t / 1.5 dt = 80; ∫1^1.5 240 t / 1.5 dt + 0.5 × 240 = 100 + 120.
    assert!((day(1.0) - 80.0).abs() < 1e-9, "{}", day(1.0));
    assert!((day(2.0) - 220.0).abs() < 1e-9, "{}", day(2.0));
    assert!((day(3.0) - 240.0).abs() < 1e-9, "{}", day(3.0));
    // Within the day the rate follows the ramp hour by hour: hour h of the
    // first day carries 240 / 1.5 × (h + 0.5) / 24 a day for an hour.
    for h in [0.0, 7.0, 23.0] {
        let a = 86_400.0 + h * 3600.0;
        let got = d.expected_between(a, a + 3600.0, model.horizon_s);
        let want = 240.0 / 1.5 * (h + 0.5) / 24.0 / 24.0;
        assert!((got - want).abs() < 1e-9, "hour {h}: {got} vs {want}");
    }
}

fn profile_csv() -> String {
    // Monday: 09:00-09:30 weight 1, 09:30-10:00 weight 3; every other day
    // even from 08:00 to 18:00; Sunday nothing.
    let mut s = String::from("time,mon,tue,wed,thu,fri,sat,sun\n");
    for i in 0..48 {
        let mon = match i {
            18 => 1,
            19 => 3,
            _ => 0,
        };
        let other = i32::from((16..36).contains(&i));
        s.push_str(&format!(
            "{:02}:{:02},{mon},{other},{other},{other},{other},{other},0\n",
            i / 2,
            if i % 2 == 0 { 0 } else { 30 }
        ));
    }
    s
}

#[test]
fn a_weekday_30_minute_profile_spreads_volume_as_given() {
    let text = base(
        "per_day = 400\nweekday_factors = { sun = 0 }\nintraday = \"profile.csv\"",
        "",
    );
    let (model, _dir) = model_with_files(&text, &[("profile.csv", &profile_csv())]);
    let d = &model.demands[0];
    let slot = |day: f64, i: f64| {
        let a = day * 86_400.0 + i * 1800.0;
        d.expected_between(a, a + 1800.0, model.horizon_s)
    };
    // Monday 7 March.
    assert!((slot(0.0, 18.0) - 100.0).abs() < 1e-9);
    assert!((slot(0.0, 19.0) - 300.0).abs() < 1e-9);
    assert_eq!(slot(0.0, 20.0), 0.0);
    // Tuesday: 400 over 20 half-hours.
    assert!((slot(1.0, 16.0) - 20.0).abs() < 1e-9);
    assert!((slot(1.0, 35.0) - 20.0).abs() < 1e-9);
    assert_eq!(slot(1.0, 36.0), 0.0);
    // Sunday: no volume, no weight.
    assert_eq!(
        d.expected_between(6.0 * 86_400.0, 7.0 * 86_400.0, model.horizon_s),
        0.0
    );
    // A surge follows the profile too (a step of 200 a day from Tuesday).
    let text = text.replace(
        "intraday = \"profile.csv\"",
        "intraday = \"profile.csv\"\nsurges = [{ shape = \"step\", start = 2022-03-08, peak_per_day = 200 }]",
    );
    let (model, _dir) = model_with_files(&text, &[("profile.csv", &profile_csv())]);
    let d = &model.demands[0];
    let a = 86_400.0 + 16.0 * 1800.0;
    assert!((d.expected_between(a, a + 1800.0, model.horizon_s) - 30.0).abs() < 1e-9);
    assert!((d.expected_between(0.0, 86_400.0, model.horizon_s) - 400.0).abs() < 1e-9);
}

/// `surgesim check` on a scenario with these files: exit 2, and stderr.
fn refused_with_files(demand: &str, files: &[(&str, &str)]) -> String {
    let dir = tempdir();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let p = dir.path().join("s.toml");
    std::fs::write(&p, base(demand, "")).unwrap();
    let out = surgesim().arg("check").arg(&p).assert().code(2);
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

#[test]
fn every_bad_arrival_table_exits_2_naming_file_and_line() {
    let cases: &[(&str, &str)] = &[
        (
            "date,contacts\n2022-03-07,1\n",
            "t.csv:1: the header must name the columns `start` and `contacts`",
        ),
        (
            "start,contacts\n07.03.2022 08:00,1\n",
            "t.csv:2: `07.03.2022 08:00` is not a date-time",
        ),
        (
            "start,contacts\n2022-03-07 08:00,1\n2022-03-07 08:15,-3\n",
            "t.csv:3: -3 contacts: must be 0 or more",
        ),
        (
            "start,contacts\n2022-03-07 08:00,many\n",
            "t.csv:2: `many` is not a number of contacts",
        ),
        (
            "start,contacts\n2022-03-07 08:00,1\n2022-03-07 08:15,1\n2022-03-07 08:30,1\n2022-03-07 09:00,1\n",
            "t.csv:5: the step is not constant: 15 min from line 2 to line 3, but 30 min from line 4 to line 5",
        ),
        (
            "start,contacts\n2022-03-07 08:00,1\n2022-03-07 08:02,1\n",
            "t.csv:3: a step of 2 min from line 2 to line 3: the step must be from 5 minutes to 1 day",
        ),
        (
            "start,contacts\n2022-03-07,1\n2022-03-14,1\n",
            "t.csv:3: a step of 7 d from line 2 to line 3",
        ),
        (
            "start,contacts\n2022-03-07 09:00,1\n2022-03-07 08:45,1\n",
            "t.csv:3: 2022-03-07 08:45 does not come after 2022-03-07 09:00 on line 2: the rows must be sorted",
        ),
    ];
    for (csv, want) in cases {
        let stderr = refused_with_files("file = \"t.csv\"", &[("t.csv", csv)]);
        assert!(stderr.contains("demand[0].file"), "{stderr}");
        assert!(stderr.contains(want), "missing {want:?} in\n{stderr}");
    }
    let stderr = refused_with_files("file = \"absent.csv\"", &[]);
    assert!(
        stderr.contains("cannot read") && stderr.contains("absent.csv"),
        "{stderr}"
    );
    assert!(stderr.contains("relative to the scenario file"), "{stderr}");
    // `file` replaces the keys that make a rate.
    let stderr = refused_with_files(
        "file = \"t.csv\"\nper_day = 5\nhour_weights = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]",
        &[("t.csv", QUARTER)],
    );
    for key in ["demand[0].per_day", "demand[0].hour_weights"] {
        assert!(
            stderr.contains(&format!("{key}: `")) && stderr.contains("does not apply with `file`"),
            "{key}: {stderr}"
        );
    }
}

#[test]
fn a_bad_intraday_profile_exits_2_naming_file_and_line() {
    let good = profile_csv();
    let cases: Vec<(String, &str, &str)> = vec![
        (
            good.replace("time,", "slot,"),
            "per_day = 10",
            "p.csv:1: the header must name the columns `time,mon,tue,wed,thu,fri,sat,sun`",
        ),
        (
            good.lines().take(30).collect::<Vec<_>>().join("\n"),
            "per_day = 10",
            "p.csv: 29 rows; an intraday profile needs 96",
        ),
        (
            good.replacen("00:30,0", "00:40,0", 1),
            "per_day = 10",
            "p.csv:3: row 2 must start at 00:30",
        ),
        (
            good.replacen("09:00,1", "09:00,-1", 1),
            "per_day = 10",
            "p.csv:20: weight -1 (mon)",
        ),
        (
            good.clone(),
            "per_day = 10",
            "the column `sun` is all 0, but 2022-03-13 has 10 contacts",
        ),
        (
            good.clone(),
            "per_day = 10\nhour_weights = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]",
            "give either `hour_weights` or `intraday`",
        ),
    ];
    for (csv, extra, want) in &cases {
        let stderr =
            refused_with_files(&format!("{extra}\nintraday = \"p.csv\""), &[("p.csv", csv)]);
        assert!(stderr.contains("demand[0].intraday"), "{stderr}");
        assert!(stderr.contains(want), "missing {want:?} in\n{stderr}");
    }
}
