//! Runs the engine alone, for profilers and instruction counters: N
//! replications of the ratio bench's canonical queue (M/M/100 with or
//! without exponential patience of 3 minutes, 3 days) or of the bundled
//! crisis, and prints the contacts offered.
//!
//! ```text
//! cargo build --profile bench --example engine_loop
//! valgrind --tool=cachegrind target/release/examples/engine_loop queue 1
//! valgrind --tool=cachegrind target/release/examples/engine_loop queue 3
//! ```
//!
//! The difference of the two instruction counts divided by the difference
//! of the two contact counts is the engine's cost per contact, without the
//! fixed costs (start-up, compiling the model). The first argument is
//! `queue` (with abandonment), `queue-no-abandonment`, `minimal` or
//! `minimal-no-abandonment` (the bench's hand-written reference loop), or
//! `crisis`; the second the replications (default 3).

#[path = "../benches/minimal_sim.rs"]
mod minimal_sim;

use surgesim::commands::BUNDLED_SCENARIO;
use surgesim::engine::simulate;
use surgesim::model::{Model, compile, compile_loaded};
use surgesim::scenario::{SingleQueue, SourceMap, parse_str};
use surgesim::units::{Duration, Rate};

fn queue(patience: Option<&str>) -> Model {
    let q = SingleQueue {
        arrivals: Rate::parse("22/min").expect("rate"),
        aht: Duration::parse("5m").expect("handle time"),
        patience: patience.map(|p| Duration::parse(p).expect("patience")),
        agents: 100,
        lines: None,
        answer_within: Duration::parse("20s").expect("threshold"),
    };
    let sc = q.scenario(3, Duration::from_secs(0.0), 1, 42);
    compile(&sc, &SourceMap::empty(), "queue", std::path::Path::new(".")).expect("model")
}

fn engine(m: &Model, reps: u64) -> f64 {
    (0..reps)
        .map(|r| {
            simulate(m, r)
                .channels
                .iter()
                .map(|c| c.counts.offered)
                .sum::<f64>()
        })
        .sum()
}

fn minimal(patience: Option<f64>, reps: u64) -> f64 {
    (0..reps)
        .map(|r| {
            minimal_sim::simulate(22.0 / 60.0, 300.0, patience, 100, 3.0 * 86_400.0, r + 1).calls
                as f64
        })
        .sum()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "queue".into());
    let reps: u64 = match args.next().map(|r| r.parse()) {
        None => 3,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("the second argument is a number of replications");
            std::process::exit(2);
        }
    };
    let contacts = match what.as_str() {
        "queue" => engine(&queue(Some("3m")), reps),
        "queue-no-abandonment" => engine(&queue(None), reps),
        "minimal" => minimal(Some(180.0), reps),
        "minimal-no-abandonment" => minimal(None, reps),
        "crisis" => {
            let loaded =
                parse_str(BUNDLED_SCENARIO, "bundled", ".".into()).expect("bundled scenario");
            engine(&compile_loaded(&loaded).expect("bundled model"), reps)
        }
        other => {
            eprintln!(
                "unknown case {other:?}: queue, queue-no-abandonment, minimal, minimal-no-abandonment or crisis"
            );
            std::process::exit(2);
        }
    };
    println!("{contacts}");
}
