//! Simulated steady-state KPIs agree with the exact Erlang formulas.
//!
//! Each case runs the engine (the same one `surgesim run` uses) on a
//! textbook queue with fixed seeds and compares every KPI with the exact
//! value. The tolerance is derived from the confidence interval: 3.3
//! standard errors of the mean across replications (a 0.1 % two-sided
//! miss probability per comparison for an unbiased estimator), so the test
//! fails on any bias larger than the sampling noise.

use surgesim::analytic::{Exact, Queue, evaluate};
use surgesim::kpi::{CHANNEL_KPIS, POOL_KPIS, index_of};
use surgesim::runner::{RunOptions, run};
use surgesim::scenario::SingleQueue;
use surgesim::stats::t_quantile_975;
use surgesim::units::Duration;

use super::util::{model_of, queue};

/// Reads one exact value.
type Getter = fn(&Exact) -> f64;

/// Simulated KPI name, exact value getter.
const COMPARED: &[(&str, Getter)] = &[
    ("p_block", |e| e.p_block),
    ("p_wait", |e| e.p_wait),
    ("p_abandon", |e| e.p_abandon),
    ("asa_s", |e| e.asa_s),
    ("service_level_offered", |e| e.service_level),
    ("service_level", |e| e.service_level_handled),
    ("queue_mean_contacts", |e| e.mean_queue),
    ("occupancy", |e| e.occupancy),
];

fn check(q: SingleQueue, days: u32, warmup: &str, reps: u32, seed: u64) {
    let exact = evaluate(
        &Queue {
            arrival_rate: q.arrivals.as_per_sec(),
            service_rate: 1.0 / q.aht.secs(),
            agents: q.agents,
            lines: q.lines,
            abandon_rate: q.patience.map_or(0.0, |p| 1.0 / p.secs()),
        },
        q.answer_within.secs(),
    )
    .unwrap();
    let model = model_of(&q.scenario(days, Duration::parse(warmup).unwrap(), reps, seed));
    let result = run(&model, RunOptions::default()).unwrap();
    let t = t_quantile_975(reps as usize - 1);
    let mut report = String::new();
    let mut failed = false;
    for (key, get) in COMPARED {
        let stat = match index_of(CHANNEL_KPIS, key) {
            Some(i) => result.summary.channel_kpis[0][i],
            None => result.summary.pool_kpis[0][index_of(POOL_KPIS, key).unwrap()],
        };
        let want = get(&exact);
        let se = stat.ci95 / t;
        // Exact zeros (no blocking with unlimited lines) must be exact.
        let tol = 3.3 * se + 1e-12;
        let ok = (stat.mean - want).abs() <= tol;
        failed |= !ok;
        report.push_str(&format!(
            "{key:>24}: simulated {:.6} ± {:.6} (95 %), exact {want:.6}, |diff| {:.2} se {}\n",
            stat.mean,
            stat.ci95,
            (stat.mean - want).abs() / se.max(1e-300),
            if ok { "" } else { "<-- FAIL" }
        ));
    }
    assert!(
        !failed,
        "simulation disagrees with the exact values:\n{report}"
    );
}

#[test]
fn mm1_matches_erlang_c() {
    // rho = 0.75: P(wait) = 0.75, ASA = rho / (mu - lambda) = 135 s.
    check(queue("1/min", "45s", None, 1, None), 30, "2h", 16, 11);
}

#[test]
fn mmc_with_50_agents_matches_erlang_c() {
    // 45 Erlangs on 50 agents.
    check(queue("9/min", "5m", None, 50, None), 8, "4h", 12, 12);
}

#[test]
fn overloaded_mmc_plus_m_in_the_hundreds_matches_erlang_a() {
    // Offered load 1.2 × agents: 240 Erlangs on 200 agents, patience 2 min.
    check(
        queue("48/min", "5m", Some("2m"), 200, None),
        3,
        "2h",
        10,
        13,
    );
}

#[test]
fn mmck_with_few_lines_matches_the_finite_queue() {
    // 5 agents, 8 lines, 5 Erlangs offered: blocking and waiting both matter.
    check(queue("1/min", "5m", None, 5, Some(8)), 30, "2h", 12, 14);
}

#[test]
fn erlang_b_when_lines_equal_agents() {
    // K = c: a loss system; p_wait is exactly 0.
    check(queue("1.6/min", "5m", None, 10, Some(10)), 20, "1h", 12, 15);
}

#[test]
fn mmck_plus_m_matches() {
    check(
        queue("2.5/min", "4m", Some("1m"), 10, Some(14)),
        20,
        "1h",
        12,
        16,
    );
}
