//! # surgesim
//!
//! A contact-centre surge simulator for public services: what happens to an
//! agency's phone lines, e-mail inboxes and service desks when a crisis
//! hits, and what staffing would hold them. A scenario (TOML) describes
//! channels, topics, languages, demand (with surges and newcomers) and staff
//! pools with skills and rosters; [`model::compile`] checks it and builds a [`model::Model`];
//! [`engine::simulate`] plays one replication with a discrete-event engine;
//! [`runner::run`] plays many in parallel with reproducible random streams;
//! [`report`] turns the results into files; [`analytic`] gives the exact
//! Erlang values the engine is validated against.
//!
//! ```
//! use surgesim::analytic::{Queue, evaluate};
//! use surgesim::runner::{RunOptions, run};
//! use surgesim::scenario::parse_str;
//! use surgesim::model::compile_loaded;
//!
//! let text = r#"
//! [scenario]
//! name = "quickstart"
//! start = 2026-01-05
//! days = 5
//! warmup = "2h"
//! replications = 8
//!
//! [channels.line]
//! kind = "phone"
//! answer_within = "20s"
//!
//! [topics.calls]
//! handle.line = { dist = "exponential", mean = "5m" }
//!
//! [[demand]]
//! topic = "calls"
//! channel = "line"
//! rate = "9/min"
//!
//! [pools.agents]
//! headcount = 50
//! serves = ["line"]
//! "#;
//! let loaded = parse_str(text, "quickstart.toml", ".".into()).expect("valid scenario");
//! let model = compile_loaded(&loaded).expect("valid model");
//! let result = run(&model, RunOptions::default()).expect("run");
//!
//! // Probability of waiting, simulated and exact (Erlang C, 45 Erlangs on 50 agents).
//! let k = surgesim::kpi::index_of(surgesim::kpi::CHANNEL_KPIS, "p_wait").unwrap();
//! let simulated = result.summary.channel_kpis[0][k];
//! let exact = evaluate(
//!     &Queue { arrival_rate: 9.0 / 60.0, service_rate: 1.0 / 300.0, agents: 50, lines: None, abandon_rate: 0.0 },
//!     20.0,
//! )
//! .unwrap();
//! assert!((simulated.mean - exact.p_wait).abs() < 4.0 * simulated.ci95);
//! ```

pub mod analytic;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod dist;
pub mod engine;
pub mod exercise;
pub mod kpi;
pub mod model;
pub mod report;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod shard;
pub mod staffing;
pub mod stats;
pub mod units;
