//! `surgesim erlang`: exact Erlang B / C / A values for one queue, and the
//! same queue simulated by the engine for comparison.

use std::io::Write;

use serde_json::{Map, Value, json};

use crate::analytic::{self, Exact, Queue};
use crate::cli::ErlangArgs;
use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, index_of};
use crate::model::compile;
use crate::runner::{RunOptions, run};
use crate::scenario::{SingleQueue, SourceMap};
use crate::stats::Stat;
use crate::units::{Duration, Rate};

use super::{CommandError, stdout_err};

/// The KPIs compared, with how they are read from the exact values.
const KEYS: &[(&str, &str)] = &[
    ("p_block", "blocked ÷ offered"),
    ("p_wait", "not answered at once ÷ offered"),
    ("p_abandon", "abandoned ÷ offered"),
    ("asa_s", "mean wait of answered calls, s"),
    ("service_level", "answered within threshold ÷ offered"),
    ("occupancy", "busy agents ÷ agents"),
];

fn exact_value(e: &Exact, key: &str) -> f64 {
    match key {
        "p_block" => e.p_block,
        "p_wait" => e.p_wait,
        "p_abandon" => e.p_abandon,
        "asa_s" => e.asa_s,
        "service_level" => e.service_level,
        "occupancy" => e.occupancy,
        _ => f64::NAN,
    }
}

fn duration(flag: &str, text: &str) -> Result<Duration, CommandError> {
    Duration::parse(text).map_err(|e| CommandError::usage(flag, e))
}

fn finite(x: f64) -> Value {
    crate::report::json_num(x)
}

/// Runs the command, printing to `out`.
pub fn erlang(args: &ErlangArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let arrivals = Rate::parse(&args.arrivals).map_err(|e| CommandError::usage("--arrivals", e))?;
    if arrivals.as_per_sec() <= 0.0 {
        return Err(CommandError::usage("--arrivals", "must be more than 0"));
    }
    let aht = duration("--aht", &args.aht)?;
    if aht.secs() <= 0.0 {
        return Err(CommandError::usage("--aht", "must be longer than 0"));
    }
    let patience = match &args.patience {
        Some(p) => {
            let d = duration("--patience", p)?;
            if d.secs() <= 0.0 {
                return Err(CommandError::usage(
                    "--patience",
                    "must be longer than 0 (leave it out for no abandonment)",
                ));
            }
            Some(d)
        }
        None => None,
    };
    let answer_within = duration("--answer-within", &args.answer_within)?;
    if args.lines == Some(0) {
        return Err(CommandError::usage(
            "--lines",
            "must be at least 1 (leave it out for unlimited)",
        ));
    }
    let mut queue = Queue {
        arrival_rate: arrivals.as_per_sec(),
        service_rate: 1.0 / aht.secs(),
        agents: args.agents.unwrap_or(1),
        lines: args.lines,
        abandon_rate: patience.map_or(0.0, |p| 1.0 / p.secs()),
    };
    if args.agents == Some(0) {
        return Err(CommandError::usage("--agents", "must be at least 1"));
    }

    if let Some(target) = args.agents_for {
        if !(target > 0.0 && target < 1.0) {
            return Err(CommandError::usage(
                "--agents-for",
                "must be a share between 0 and 1, e.g. 0.8",
            ));
        }
        let found =
            analytic::agents_for_service_level(&queue, answer_within.secs(), target, 100_000)
                .map_err(|e| CommandError::usage("--agents-for", e.to_string()))?;
        let Some(n) = found else {
            return Err(CommandError::Failed(format!(
                "no number of agents up to 100000 reaches a service level of {target}"
            )));
        };
        queue.agents = n;
        let exact = analytic::evaluate(&queue, answer_within.secs())
            .map_err(|e| CommandError::Failed(e.to_string()))?;
        let text = if args.json {
            let mut s = serde_json::to_string_pretty(&json!({
                "agents": n,
                "target": target,
                "answer_within_s": answer_within.secs(),
                "service_level": finite(exact.service_level),
            }))
            .map_err(|e| CommandError::Failed(e.to_string()))?;
            s.push('\n');
            s
        } else {
            format!(
                "{n} agents: service level {:.2} % (answered within {} ÷ offered) for a target of {:.2} %\n",
                100.0 * exact.service_level,
                answer_within,
                100.0 * target
            )
        };
        return out.write_all(text.as_bytes()).map_err(stdout_err);
    }

    let exact = analytic::evaluate(&queue, answer_within.secs())
        .map_err(|e| CommandError::usage("--agents", e.to_string()))?;

    let simulated = if args.simulate {
        if args.days == 0 || args.replications < 2 {
            return Err(CommandError::usage(
                "--days/--replications",
                "need at least 1 day and 2 replications",
            ));
        }
        let warmup = duration("--warmup", &args.warmup)?;
        let sq = SingleQueue {
            arrivals,
            aht,
            patience,
            agents: queue.agents,
            lines: args.lines,
            answer_within,
        };
        let scenario = sq.scenario(args.days, warmup, args.replications, args.seed);
        let model = compile(
            &scenario,
            &SourceMap::empty(),
            "erlang",
            std::path::Path::new("."),
        )?;
        let threads = super::limits::threads(args.threads, u64::from(args.replications))?;
        super::limits::check_memory(
            &[super::limits::Planned {
                model: &model,
                replications: u64::from(args.replications),
            }],
            super::limits::workers(threads),
            true,
            super::limits::memory_limit(None)?,
            "--replications",
        )?;
        let result = run(
            &model,
            RunOptions {
                threads,
                progress: false,
                ..RunOptions::default()
            },
        )
        .map_err(|e| CommandError::Failed(e.to_string()))?;
        let ch = &result.summary.channel_kpis[0];
        let pool = &result.summary.pool_kpis[0];
        let get = |key: &str| -> Stat {
            let ck = match key {
                "service_level" => "service_level_offered",
                k => k,
            };
            if key == "occupancy" {
                index_of(POOL_KPIS, "occupancy").map(|i| pool[i])
            } else {
                index_of(CHANNEL_KPIS, ck).map(|i| ch[i])
            }
            .unwrap_or(Stat::of(&[]))
        };
        Some(KEYS.iter().map(|(k, _)| (*k, get(k))).collect::<Vec<_>>())
    } else {
        None
    };

    let text = if args.json {
        let mut ex = Map::new();
        ex.insert(
            "offered_load_erlangs".into(),
            finite(exact.offered_load_erlangs),
        );
        for (k, _) in KEYS {
            ex.insert(k.to_string(), finite(exact_value(&exact, k)));
        }
        ex.insert("p_answered".into(), finite(exact.p_answered));
        ex.insert(
            "service_level_handled".into(),
            finite(exact.service_level_handled),
        );
        ex.insert(
            "service_level_answered".into(),
            finite(exact.service_level_answered),
        );
        ex.insert("mean_queue".into(), finite(exact.mean_queue));
        let mut doc = Map::new();
        doc.insert("exact".into(), Value::Object(ex));
        if let Some(sim) = &simulated {
            let mut sm = Map::new();
            for (k, s) in sim {
                sm.insert(
                    k.to_string(),
                    json!({"mean": finite(s.mean), "ci95": finite(s.ci95)}),
                );
            }
            doc.insert("simulated".into(), Value::Object(sm));
        }
        let mut s = serde_json::to_string_pretty(&Value::Object(doc))
            .map_err(|e| CommandError::Failed(e.to_string()))?;
        s.push('\n');
        s
    } else {
        let mut s = format!(
            "M/M/{}{}{}: arrivals {}, mean handle {}, offered load {:.2} Erlangs{}\n",
            queue.agents,
            args.lines.map(|k| format!("/{k}")).unwrap_or_default(),
            if patience.is_some() { "+M" } else { "" },
            arrivals,
            aht,
            exact.offered_load_erlangs,
            patience
                .map(|p| format!(", mean patience {p}"))
                .unwrap_or_default(),
        );
        s.push_str(&format!("service level threshold: {answer_within}\n\n"));
        s.push_str(&format!("{:<16} {:>12}", "KPI", "exact"));
        if simulated.is_some() {
            s.push_str(&format!(
                " {:>12} {:>10} {:>6}",
                "simulated", "± 95 %", "agree"
            ));
        }
        s.push_str("  definition\n");
        for (i, (k, doc)) in KEYS.iter().enumerate() {
            let e = exact_value(&exact, k);
            s.push_str(&format!("{k:<16} {e:>12.6}"));
            if let Some(sim) = &simulated {
                let st = &sim[i].1;
                let agree = if st.covers(e) { "yes" } else { "no" };
                s.push_str(&format!(" {:>12.6} {:>10.6} {agree:>6}", st.mean, st.ci95));
            }
            s.push_str(&format!("  {doc}\n"));
        }
        if simulated.is_some() {
            s.push_str(&format!(
                "\nsimulated: {} replications of {} days after a {} warm-up, seed {}; \
                 \"agree\" = the exact value lies within the 95 % interval (expect about 1 in 20 to miss by chance)\n",
                args.replications, args.days, args.warmup, args.seed
            ));
        }
        s
    };
    out.write_all(text.as_bytes()).map_err(stdout_err)
}
