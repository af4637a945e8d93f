//! Criterion benchmarks: the engine on the canonical queue, and an
//! end-to-end run of the bundled default scenario with 100 replications.
//! The ratio against a minimal simulation is `benches/ratio.rs`.

mod minimal_sim;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use surgesim::commands::BUNDLED_SCENARIO;
use surgesim::engine::simulate;
use surgesim::model::{compile, compile_loaded};
use surgesim::runner::{RunOptions, run};
use surgesim::scenario::{SingleQueue, SourceMap, parse_str};
use surgesim::units::{Duration, Rate};

fn canonical(c: &mut Criterion) {
    let q = SingleQueue {
        arrivals: Rate::parse("22/min").expect("rate"),
        aht: Duration::parse("5m").expect("aht"),
        patience: Some(Duration::parse("3m").expect("patience")),
        agents: 100,
        lines: None,
        answer_within: Duration::parse("20s").expect("threshold"),
    };
    let model = compile(
        &q.scenario(1, Duration::from_secs(0.0), 1, 7),
        &SourceMap::empty(),
        "bench",
        std::path::Path::new("."),
    )
    .expect("model");
    let calls = simulate(&model, 0).channels[0].counts.offered as u64;
    let mut g = c.benchmark_group("canonical_mmc_abandon_1day");
    g.throughput(Throughput::Elements(calls));
    g.sample_size(20);
    g.bench_function("engine", |b| b.iter(|| black_box(simulate(&model, 0))));
    g.bench_function("minimal", |b| {
        b.iter(|| {
            black_box(minimal_sim::simulate(
                22.0 / 60.0,
                300.0,
                Some(180.0),
                100,
                86_400.0,
                1,
            ))
        })
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let loaded = parse_str(BUNDLED_SCENARIO, "bundled", ".".into()).expect("bundled scenario");
    let mut model = compile_loaded(&loaded).expect("bundled model");
    model.replications = 20;
    let mut g = c.benchmark_group("end_to_end");
    g.sample_size(10);
    g.bench_function("crisis_scenario_20_replications", |b| {
        b.iter(|| black_box(run(&model, RunOptions::default()).expect("run")))
    });
    g.finish();
}

criterion_group!(benches, canonical, end_to_end);
criterion_main!(benches);
