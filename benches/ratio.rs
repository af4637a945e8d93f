//! The engine's cost per call as a ratio to a minimal hand-written
//! simulation of the same queue, measured alternately in the same run (the
//! machine is shared and noisy, so only the ratio is meaningful).
//!
//! Run with `cargo bench --bench ratio`. Canonical case: M/M/100+M, arrivals
//! 22/min, handle 5 min and patience 3 min (both exponential), unlimited
//! lines; and the same without abandonment. One thread; the engine's time
//! includes building its random streams and all its statistics.
//!
//! A last line prices the whole service: the engine's CPU per offered
//! contact (every attempt on every channel) on the bundled 120-day crisis,
//! as a ratio to its CPU per call on the M/M/100+M queue, alternating in
//! the same way (target: at most 3).

mod minimal_sim;

use std::hint::black_box;

use surgesim::commands::BUNDLED_SCENARIO;
use surgesim::engine::simulate;
use surgesim::model::{Model, compile, compile_loaded};
use surgesim::scenario::{SingleQueue, SourceMap, parse_str};
use surgesim::units::{Duration, Rate};

const ROUNDS: usize = 41;
const DAYS: u32 = 3;

fn model(patience: Option<&str>) -> Model {
    let q = SingleQueue {
        arrivals: Rate::parse("22/min").expect("rate"),
        aht: Duration::parse("5m").expect("aht"),
        patience: patience.map(|p| Duration::parse(p).expect("patience")),
        agents: 100,
        lines: None,
        answer_within: Duration::parse("20s").expect("threshold"),
    };
    let sc = q.scenario(DAYS, Duration::from_secs(0.0), 1, 42);
    compile(&sc, &SourceMap::empty(), "bench", std::path::Path::new(".")).expect("model")
}

/// CPU time of the calling thread, in seconds: unlike the wall clock, it
/// does not count the time another process held the core.
fn cpu_s() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this too with
    // other flags: do one quick round then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { ROUNDS };
    println!(
        "engine cost per call vs a minimal simulation of the same queue ({rounds} alternating rounds, {DAYS} simulated days each, one thread)"
    );
    println!(
        "{:<28} {:>14} {:>14} {:>8} {:>8} {:>16}",
        "case", "minimal ns/call", "engine ns/call", "ratio", "of best", "engine calls/s"
    );
    for (label, patience) in [
        ("M/M/100+M (abandonment)", Some("3m")),
        ("M/M/100 (no abandonment)", None),
    ] {
        let m = model(patience);
        let horizon = f64::from(DAYS) * 86_400.0;
        let mut base = Vec::new();
        let mut eng = Vec::new();
        let mut ratios = Vec::new();
        for r in 0..rounds {
            let t = cpu_s();
            let res = black_box(minimal_sim::simulate(
                22.0 / 60.0,
                300.0,
                patience.map(|_| 180.0),
                100,
                horizon,
                r as u64 + 1,
            ));
            let b = (cpu_s() - t) * 1e9 / res.calls as f64;
            let t = cpu_s();
            let out = black_box(simulate(&m, r as u64));
            let calls = out.channels[0].counts.offered;
            let e = (cpu_s() - t) * 1e9 / calls;
            base.push(b);
            eng.push(e);
            ratios.push(e / b);
        }
        let best = min(&eng) / min(&base);
        let (b, e, ratio) = (median(base), median(eng), median(ratios));
        println!(
            "{label:<28} {b:>14.0} {e:>14.0} {ratio:>8.2} {best:>8.2} {:>16.0}",
            1e9 / e
        );
    }
    println!(
        "ratio = median over rounds of (engine ns/call ÷ minimal ns/call); of best = the engine's fastest round ÷ the minimal's fastest (noise only ever adds time); targets: at most 1.0 with abandonment, 1.2 without"
    );
    crisis(rounds, &model(Some("3m")));
}

/// The bundled crisis's CPU per offered contact against the single queue's
/// per call, alternating.
fn crisis(rounds: usize, queue: &Model) {
    let loaded = parse_str(BUNDLED_SCENARIO, "bundled", ".".into()).expect("bundled scenario");
    let crisis = compile_loaded(&loaded).expect("bundled model");
    let mut per_contact = Vec::new();
    let mut per_call = Vec::new();
    let mut ratios = Vec::new();
    for r in 0..rounds {
        let t = cpu_s();
        let out = black_box(simulate(queue, r as u64));
        let q = (cpu_s() - t) * 1e9 / out.channels[0].counts.offered;
        let t = cpu_s();
        let out = black_box(simulate(&crisis, r as u64));
        let contacts: f64 = out.channels.iter().map(|c| c.counts.offered).sum();
        let c = (cpu_s() - t) * 1e9 / contacts;
        per_contact.push(c);
        per_call.push(q);
        ratios.push(c / q);
    }
    println!(
        "{:<28} {:>14} {:>14.0} {:>8.2} {:>8.2} {:>16.0}",
        "bundled crisis, per contact",
        "",
        median(per_contact.clone()),
        median(ratios),
        min(&per_contact) / min(&per_call),
        1e9 / median(per_contact)
    );
    println!(
        "crisis ratio = median of (crisis ns per offered contact ÷ M/M/100+M ns per call); target at most 3"
    );
}
