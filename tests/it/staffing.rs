//! Staffing advice (`surgesim staff`): ISA against theory (Poisson quantile
//! when patience equals handle time, the Erlang A inverse for constant
//! arrivals), ISA against the stationary rule on a fast sinusoid, and the
//! staffing table read back as a pool's `staffing`.

use assert_cmd::Command;
use surgesim::model::{Model, Piece};
use surgesim::staffing::{Advice, Method, Options, Target, advise, fewest_agents};
use surgesim::units::Duration;

use crate::util::{model_of, queue, tempdir};

fn options(target: Target, step: &str, replications: u32, methods: Vec<Method>) -> Options {
    Options {
        channel: 0,
        target,
        step_s: Duration::parse(step).unwrap().secs(),
        replications,
        max_iterations: 10,
        methods,
        progress: false,
    }
}

fn plan(advice: &Advice, m: Method) -> &surgesim::staffing::Plan {
    advice.plans.iter().find(|p| p.method == m).unwrap()
}

/// The smallest s with P(Poisson(mean) >= s) <= alpha.
fn poisson_quantile(mean: f64, alpha: f64) -> u32 {
    let mut p = (-mean).exp();
    let mut cdf = p;
    let mut k = 0u32;
    // P(N >= k + 1) = 1 - cdf(k)
    while 1.0 - cdf > alpha {
        k += 1;
        p *= mean / f64::from(k);
        cdf += p;
    }
    k + 1
}

#[test]
fn with_patience_equal_to_handle_time_isa_is_the_poisson_quantile_and_stops_at_once() {
    // 3 calls a minute, 10 minutes each: 30 Erlangs; patience 10 minutes,
    // so the number in system is that of the infinite-server queue
    // whatever the staffing.
    let q = queue("3/min", "10m", Some("10m"), 40, None);
    let model = model_of(&q.scenario(1, Duration::from_secs(0.0), 1, 7));
    let alpha = 0.2;
    let advice = advise(
        &model,
        &options(Target::PWait(alpha), "30m", 300, vec![Method::Isa]),
    )
    .unwrap();
    let isa = plan(&advice, Method::Isa);
    assert!(isa.converged);
    assert!(
        isa.iterations.len() <= 2,
        "ISA should stop at once: {:?}",
        isa.iterations
    );
    let expected = poisson_quantile(30.0, alpha);
    // After the first hour (the queue starts empty; the infinite-server
    // load reaches 30 within a few handle times).
    for (j, &s) in isa.required.iter().enumerate().skip(2) {
        assert!(
            s.abs_diff(expected) <= 1,
            "step {j}: ISA {s} agents, Poisson quantile {expected}"
        );
    }
}

#[test]
fn with_constant_arrivals_isa_is_the_erlang_a_inverse() {
    // 2 calls a minute, 5 minutes each (10 Erlangs), patience 3 minutes.
    let q = queue("2/min", "5m", Some("3m"), 12, None);
    let model = model_of(&q.scenario(1, Duration::from_secs(0.0), 1, 11));
    let alpha = 0.2;
    let advice = advise(
        &model,
        &options(
            Target::PWait(alpha),
            "1h",
            300,
            vec![Method::Isa, Method::Sipp],
        ),
    )
    .unwrap();
    let erlang = fewest_agents(
        2.0 / 60.0,
        300.0,
        Some(180.0),
        None,
        20.0,
        Target::PWait(alpha),
    );
    let isa = plan(&advice, Method::Isa);
    for (j, &s) in isa.required.iter().enumerate().skip(1) {
        assert!(
            s.abs_diff(erlang) <= 1,
            "step {j}: ISA {s}, Erlang A inverse {erlang}"
        );
    }
    // The stationary rule is the Erlang inverse itself.
    assert!(
        plan(&advice, Method::Sipp)
            .required
            .iter()
            .all(|&s| s == erlang)
    );
    // And the achieved probability of waiting is near the target.
    let o = &isa.eval.overall[0];
    assert!(o.mean <= alpha + 0.03 && o.mean >= alpha - 0.12, "{o:?}");
}

#[test]
fn with_few_lines_isa_counts_blocked_callers_as_blocked_not_waiting() {
    // 60 Erlangs offered to 40 lines: the lines are taken much of the time,
    // so the number in system sits at 40 often; those callers are blocked,
    // and no more agents than lines are ever advised.
    let q = queue("12/min", "5m", Some("2m"), 40, Some(40));
    let model = model_of(&q.scenario(1, Duration::from_secs(0.0), 1, 13));
    let alpha = 0.2;
    let advice = advise(
        &model,
        &options(Target::PWait(alpha), "1h", 200, vec![Method::Isa]),
    )
    .unwrap();
    let isa = plan(&advice, Method::Isa);
    for j in 1..advice.n_steps() {
        let st = &isa.eval.p_wait[j];
        assert!(
            isa.required[j] <= 40,
            "step {j}: {} agents for 40 lines",
            isa.required[j]
        );
        assert!(
            st.mean <= alpha + 2.0 * st.ci95,
            "step {j}: {:.3} ± {:.3}",
            st.mean,
            st.ci95
        );
        assert!(isa.eval.blocked_share[j].mean > 0.05);
    }
}

/// A single queue whose arrival rate is a sinusoid with a period of `period`
/// seconds, in 5-minute pieces (the piece's mean rate).
fn sinusoid(mean_per_s: f64, amplitude: f64, period: f64, days: u32) -> Model {
    let q = queue("3/min", "10m", Some("20m"), 40, None);
    let mut model = model_of(&q.scenario(days, Duration::from_secs(0.0), 1, 5));
    let horizon = model.horizon_s;
    let piece = 300.0;
    let w = 2.0 * std::f64::consts::PI / period;
    model.demands[0].pieces = (0..(horizon / piece) as usize)
        .map(|i| {
            let (a, b) = (i as f64 * piece, (i + 1) as f64 * piece);
            // Exact mean of λ(1 + A sin ωt) over the piece.
            let mean =
                mean_per_s * (1.0 + amplitude * ((w * a).cos() - (w * b).cos()) / (w * piece));
            Piece {
                start_s: a,
                rate_per_s: mean,
            }
        })
        .collect();
    model
}

#[test]
fn on_a_fast_sinusoid_isa_holds_the_target_where_the_stationary_rule_swings() {
    // 3 calls a minute on average, ±60 %, a period of 60 minutes (six
    // mean handle times of 10 minutes), patience 20 minutes; 5-minute steps.
    let period = 3600.0;
    let model = sinusoid(3.0 / 60.0, 0.6, period, 1);
    let alpha = 0.2;
    let advice = advise(
        &model,
        &options(
            Target::PWait(alpha),
            "5m",
            300,
            vec![Method::Isa, Method::Sipp],
        ),
    )
    .unwrap();
    let isa = plan(&advice, Method::Isa);
    let sipp = plan(&advice, Method::Sipp);
    // From the second period on (the queue starts empty).
    let steps = 12..advice.n_steps();
    // The error is the replications' (the contacts of one replication's
    // step share its queue, so they are not independent trials): the
    // mean's 95 % half-width across replications.
    for j in steps.clone() {
        let st = &isa.eval.p_wait[j];
        // Whole agents: the achieved value sits at or below α, by at most
        // what one agent changes (about 0.1 at this load).
        assert!(
            st.mean <= alpha + 2.0 * st.ci95 && st.mean >= alpha - 0.12 - 2.0 * st.ci95,
            "step {j}: ISA achieves {:.3} ± {:.3} (α = {alpha})",
            st.mean,
            st.ci95
        );
    }
    let sipp_p: Vec<f64> = steps.clone().map(|j| sipp.eval.p_wait[j].mean).collect();
    let (lo, hi) = sipp_p
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    assert!(
        hi > alpha + 0.15 && lo < alpha - 0.08,
        "the stationary rule should swing far from α: {lo:.3} to {hi:.3}"
    );
    // The staffing peak lags the arrival peak (at a quarter period): on
    // average over the periods, the busiest step of ISA's staffing comes
    // after the busiest step of arrivals.
    let per = (period / advice.step_s) as usize;
    let mut isa_phase = vec![0.0; per];
    let mut arr_phase = vec![0.0; per];
    for j in steps {
        isa_phase[j % per] += f64::from(isa.required[j]);
        arr_phase[j % per] += advice.expected_offered[j];
    }
    let argmax = |v: &[f64]| {
        v.iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0
    };
    let (a, s) = (argmax(&arr_phase), argmax(&isa_phase));
    assert!(
        s > a && s <= a + 3,
        "ISA's staffing peak (step {s} of the period) should lag the arrival peak (step {a})"
    );
}

const SMALL: &str = r#"
[scenario]
name = "Staffing table round trip"
start = "2026-03-02"
days = 7
interval = "1h"
replications = 40
seed = 3

[channels.line]
kind = "phone"
hours = { weekdays = "08:00-16:00" }
answer_within = "20s"
service_level_target = 0.8
patience = { dist = "exponential", mean = "3m" }

[topics.general]
handle = { line = { dist = "exponential", mean = "5m" } }

[[demand]]
topic = "general"
channel = "line"
per_day = 800
hour_weights = [0,0,0,0,0,0,0,0, 1,2,3,3,2,2,1,1, 0,0,0,0,0,0,0,0]

[pools.team]
POOL
serves = ["line"]
"#;

#[test]
fn a_staffing_table_written_by_staff_reproduces_its_evaluation_when_read_back() {
    let dir = tempdir();
    let scenario = dir.path().join("small.toml");
    std::fs::write(&scenario, SMALL.replace("POOL", "headcount = 12")).unwrap();
    let out = dir.path().join("advice");
    Command::cargo_bin("surgesim")
        .unwrap()
        .args([
            "staff",
            "--channel",
            "line",
            "--target",
            "p_wait=0.25",
            "-n",
            "200",
            "--method",
            "isa",
            "-q",
            "--no-charts",
            "-o",
        ])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let table = std::fs::read_to_string(out.join("staffing_isa.csv")).unwrap();
    assert!(
        table.starts_with("start,agents\n2026-03-02T00:00,0\n"),
        "{table}"
    );
    let csv = std::fs::read_to_string(out.join("staffing.csv")).unwrap();
    assert!(csv.starts_with("start,channel,method,required_agents,scheduled_agents,p_wait,p_wait_ci95,service_level,service_level_ci95,abandon_share,abandon_share_ci95,occupancy,occupancy_ci95"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("staffing.json")).unwrap()).unwrap();
    let eval_sl = &json["plans"][0]["overall"]["service_level"];
    // Read back as the pool's staffing.
    std::fs::copy(
        out.join("staffing_isa.csv"),
        dir.path().join("staffing.csv"),
    )
    .unwrap();
    std::fs::write(
        &scenario,
        SMALL.replace("POOL", "staffing = \"staffing.csv\""),
    )
    .unwrap();
    let run = dir.path().join("run");
    Command::cargo_bin("surgesim")
        .unwrap()
        .args(["run", "-n", "200", "-q", "--format", "json", "-o"])
        .arg(&run)
        .arg(&scenario)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("summary.json")).unwrap()).unwrap();
    let kpis = summary["channels"][0]["kpis"]["service_level"].clone();
    let (m1, h1) = (
        eval_sl["mean"].as_f64().unwrap(),
        eval_sl["ci95_halfwidth"].as_f64().unwrap(),
    );
    let (m2, h2) = (
        kpis["mean"].as_f64().unwrap(),
        kpis["ci95_halfwidth"].as_f64().unwrap(),
    );
    assert!(
        (m1 - m2).abs() <= h1 + h2,
        "the run with the table ({m2:.4} ± {h2:.4}) should reproduce the evaluation ({m1:.4} ± {h1:.4})"
    );
}

#[test]
fn staff_refuses_bad_arguments_with_exit_code_2() {
    for (args, needle) in [
        (
            vec!["--channel", "nope", "--target", "p_wait=0.2"],
            "no channel `nope`",
        ),
        (
            vec!["--channel", "hotline", "--target", "asa=0.2"],
            "unknown target metric",
        ),
        (
            vec!["--channel", "hotline", "--target", "p_wait=20"],
            "above 0 and below 1",
        ),
        (
            vec![
                "--channel",
                "hotline",
                "--target",
                "p_wait=0.2",
                "--step",
                "7h",
            ],
            "divide the day",
        ),
        (
            vec!["--channel", "hotline", "--target", "p_wait=0.2", "-n", "1"],
            "from 2",
        ),
    ] {
        let dir = tempdir();
        let assert = Command::cargo_bin("surgesim")
            .unwrap()
            .arg("staff")
            .args(&args)
            .arg("-o")
            .arg(dir.path().join("o"))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

const GROWING: &str = r#"
[scenario]
name = "Hiring plan check"
start = 2026-03-02
days = 56
interval = "1h"
replications = 20
seed = 9

[channels.line]
kind = "phone"
hours = { weekdays = "08:00-16:00" }
answer_within = "20s"
service_level_target = 0.8
patience = { dist = "exponential", mean = "3m" }

[topics.general]
handle = { line = { dist = "exponential", mean = "5m" } }

[[demand]]
topic = "general"
channel = "line"
per_day = 800
hour_weights = [0,0,0,0,0,0,0,0, 1,1,1,1,1,1,1,1, 0,0,0,0,0,0,0,0]
surges = [{ shape = "step", start = 2026-03-30, peak_per_day = 800 }]

[pools.team]
headcount = 12
hours = { weekdays = "08:00-16:00" }
serves = ["line"]

# The hiring terms `staff` uses (one hire on the last day, arriving after
# the horizon).
[[actions]]
id = "terms"
kind = "hire"
pool = "team"
count = 1
at = 2026-04-26
lead_time = "1w"
training = "1w"
"#;

/// `METRIC_mean` of the pool rows of weeks.csv, per week.
fn weekly_pool(weeks_csv: &str, metric: &str) -> Vec<f64> {
    let mut lines = weeks_csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let scope = header.iter().position(|h| *h == "scope").unwrap();
    let col = header
        .iter()
        .position(|h| *h == format!("{metric}_mean"))
        .unwrap();
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[scope] == "pool")
        .map(|r| r[col].parse().unwrap())
        .collect()
}

#[test]
fn the_hiring_plan_run_as_actions_closes_the_weekly_gap() {
    let dir = tempdir();
    let scenario = dir.path().join("growing.toml");
    std::fs::write(&scenario, GROWING).unwrap();
    let out = dir.path().join("advice");
    Command::cargo_bin("surgesim")
        .unwrap()
        .args([
            "staff",
            "--channel",
            "line",
            "--target",
            "p_wait=0.2",
            "-n",
            "100",
            "--method",
            "isa",
            "--shrinkage",
            "0",
            "-q",
            "--no-charts",
            "-o",
        ])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let plan = std::fs::read_to_string(out.join("hiring_plan.csv")).unwrap();
    let waves: Vec<&str> = plan.lines().skip(1).collect();
    assert!(!waves.is_empty(), "the surge should need hires: {plan}");
    // Wave 1 is productive from the surge's first week, decided two weeks
    // (lead time and training) before.
    assert!(
        waves[0].starts_with("1,team,")
            && waves[0].contains(",2026-03-16,2026-03-23,2026-03-30,false,"),
        "{}",
        waves[0]
    );
    let fte = std::fs::read_to_string(out.join("fte_weekly.csv")).unwrap();
    let required: Vec<f64> = fte
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap().parse().unwrap())
        .collect();
    // Run the scenario without and with the plan's actions.
    let on_duty_hours = |text: &str, name: &str| -> Vec<f64> {
        std::fs::write(&scenario, text).unwrap();
        let run = dir.path().join(name);
        Command::cargo_bin("surgesim")
            .unwrap()
            .args(["run", "-n", "20", "-q", "--format", "csv", "-o"])
            .arg(&run)
            .arg(&scenario)
            .assert()
            .success();
        let weeks = std::fs::read_to_string(run.join("weeks.csv")).unwrap();
        weekly_pool(&weeks, "pool_on_duty_agents")
            .iter()
            .map(|m| m * 168.0)
            .collect()
    };
    let actions = std::fs::read_to_string(out.join("hiring_plan.toml")).unwrap();
    let without = on_duty_hours(GROWING, "without");
    let with = on_duty_hours(&format!("{GROWING}\n{actions}"), "with");
    for w in 4..required.len() {
        assert!(
            without[w] < required[w] - 1.0,
            "week {w}: without hires {:.0} h on duty should fall short of {:.0} h",
            without[w],
            required[w]
        );
        assert!(
            with[w] >= required[w] - 1.0,
            "week {w}: with the plan {:.0} h on duty against {:.0} h required",
            with[w],
            required[w]
        );
    }
}

#[test]
fn a_desk_gets_no_more_agents_than_counters() {
    let text = r#"
[scenario]
name = "Busy desk"
start = 2026-03-02
days = 2
interval = "1h"
replications = 10
seed = 4

[channels.desk]
kind = "desk"
hours = { weekdays = "09:00-16:00" }
counters = 5
answer_within = "30m"
service_level_target = 0.8
patience = { dist = "exponential", mean = "2h" }

[topics.visit]
handle = { desk = { dist = "exponential", mean = "20m" } }

[[demand]]
topic = "visit"
channel = "desk"
rate = "30/h"

[pools.front]
headcount = 5
hours = { weekdays = "09:00-16:00" }
serves = ["desk"]
"#;
    let model = crate::util::model_from_text(text);
    let advice = advise(
        &model,
        &options(
            Target::PWait(0.3),
            "1h",
            40,
            vec![Method::Isa, Method::Sipp],
        ),
    )
    .unwrap();
    for p in &advice.plans {
        assert!(
            p.required.iter().all(|&s| s <= 5),
            "{}: {:?}",
            p.method.key(),
            p.required
        );
        // 10 Erlangs on 5 counters: the target cannot be met.
        assert!(p.eval.overall[0].mean > 0.3, "{:?}", p.eval.overall[0]);
    }
}

fn erlang(args: &[&str]) -> (i32, String, String) {
    let o = Command::cargo_bin("surgesim")
        .unwrap()
        .arg("erlang")
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_erlang_table_gives_every_kpi_per_number_of_agents() {
    let (code, out, _) = erlang(&[
        "--arrivals",
        "180/h",
        "--aht",
        "5m",
        "--table",
        "14-18",
        "--shrinkage",
        "0.3",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // 180 an hour of 5 minutes: exactly 15 Erlangs, shown as such.
    assert_eq!(v["offered_load_erlangs"], 15.0);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    // Erlang C at or above the load is unstable: no values.
    assert!(rows[1]["p_wait"].is_null());
    let c16 = surgesim::analytic::erlang_c(16, 15.0);
    assert!((rows[2]["p_wait"].as_f64().unwrap() - c16).abs() < 1e-9);
    assert!((rows[2]["fte"].as_f64().unwrap() - 16.0 / 0.7).abs() < 1e-9);
    let (_, text, _) = erlang(&["--arrivals", "180/h", "--aht", "5m", "--table", "16-16"]);
    assert!(text.starts_with("offered load 15 Erlangs"), "{text}");
}

#[test]
fn the_erlang_calculator_staffs_for_asa_occupancy_and_interval_volumes() {
    // ASA: the fewest agents with a mean wait of answered calls <= 20 s.
    let (code, out, _) = erlang(&[
        "--arrivals",
        "180/h",
        "--aht",
        "5m",
        "--agents-for",
        "asa=20s",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let n = v["agents"].as_u64().unwrap() as u32;
    let asa = |agents: u32| {
        surgesim::analytic::evaluate(
            &surgesim::analytic::Queue {
                arrival_rate: 0.05,
                service_rate: 1.0 / 300.0,
                agents,
                lines: None,
                abandon_rate: 0.0,
            },
            20.0,
        )
        .unwrap()
        .asa_s
    };
    assert!(asa(n) <= 20.0 && asa(n - 1) > 20.0, "{n}");
    // An occupancy cap adds agents when the target alone runs them hotter.
    let (_, out, _) = erlang(&[
        "--arrivals",
        "180/h",
        "--aht",
        "5m",
        "--agents-for",
        "asa=60s",
        "--occupancy-cap",
        "0.8",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["occupancy"].as_f64().unwrap() <= 0.8);
    // Volumes: contacts per interval in, agents per interval out.
    let dir = tempdir();
    let file = dir.path().join("volumes.csv");
    std::fs::write(
        &file,
        "start,contacts\n2026-03-02T08:00,120\n2026-03-02T08:30,200\n2026-03-02T09:00,0\n",
    )
    .unwrap();
    let (code, out, err) = erlang(&[
        "--volumes",
        file.to_str().unwrap(),
        "--aht",
        "5m",
        "--agents-for",
        "0.8",
    ]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(
        rows[0],
        "start,contacts,load_erlangs,agents,fte,service_level,asa_s,p_wait,p_abandon,occupancy"
    );
    // 120 in 30 minutes of 5 minutes each: 20 Erlangs.
    let first: Vec<&str> = rows[1].split(',').collect();
    assert_eq!(&first[..3], ["2026-03-02T08:00", "120", "20"]);
    let agents: u32 = first[3].parse().unwrap();
    let q = surgesim::analytic::Queue {
        arrival_rate: 120.0 / 1800.0,
        service_rate: 1.0 / 300.0,
        agents: 1,
        lines: None,
        abandon_rate: 0.0,
    };
    assert_eq!(
        Some(agents),
        surgesim::analytic::agents_for_service_level(&q, 20.0, 0.8, 1000).unwrap()
    );
    assert!(
        rows[3].starts_with("2026-03-02T09:00,0,0,0,0,"),
        "{}",
        rows[3]
    );
    // Bad input names the flag and exits 2.
    for (args, needle) in [
        (
            vec![
                "--arrivals",
                "180/h",
                "--aht",
                "5m",
                "--agents-for",
                "asa=0s",
            ],
            "longer than 0",
        ),
        (
            vec![
                "--arrivals",
                "180/h",
                "--aht",
                "5m",
                "--agents-for",
                "speed=3",
            ],
            "unknown target",
        ),
        (
            vec!["--arrivals", "180/h", "--aht", "5m", "--table", "20-10"],
            "FROM <= TO",
        ),
        (
            vec!["--volumes", "/nonexistent.csv", "--aht", "5m"],
            "--volumes",
        ),
    ] {
        let (code, _, err) = erlang(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn advice_for_a_channel_whose_staff_also_serve_another_warns_that_the_rosters_count_in_full() {
    // The starter's advisers answer the phone and e-mail and take lunch
    // breaks: the per-channel advice cannot see either.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempdir();
    let out = Command::cargo_bin("surgesim")
        .unwrap()
        .args([
            "staff",
            "--channel",
            "phone",
            "--target",
            "service_level=0.8",
            "-n",
            "40",
            "--method",
            "sipp",
            "--no-charts",
            "-o",
        ])
        .arg(dir.path().join("advice"))
        .arg(root.join("templates/starter.toml"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains(
            "caution: the pool advisers also serves other channels, but its rostered FTE count in full here, and breaks are left out"
        ),
        "{stdout}"
    );
}
