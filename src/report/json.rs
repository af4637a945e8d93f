//! `summary.json`: the run's settings, the KPI definitions, and every KPI
//! per channel and pool with its mean, 95 % half-width and percentiles.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::kpi::{ACTION_KPIS, CHANNEL_KPIS, KpiDef, POOL_KPIS, TOPIC_KPIS, TOTAL_KPIS};
use crate::model::Model;
use crate::runner::RunResult;
use crate::stats::Stat;

/// A finite number, or null ([`super::json_num`]).
fn val(x: f64) -> Value {
    super::json_num(x)
}

fn stat(s: &Stat) -> Value {
    json!({
        "mean": val(s.mean),
        "ci95_halfwidth": val(s.ci95),
        "p5": val(s.p5),
        "p50": val(s.p50),
        "p95": val(s.p95),
        "replications_defined": s.n,
    })
}

fn kpis(defs: &[KpiDef], stats: &[Stat]) -> Value {
    let mut m = Map::new();
    for (d, s) in defs.iter().zip(stats) {
        m.insert(d.key.to_string(), stat(s));
    }
    Value::Object(m)
}

fn definitions(defs: &[KpiDef]) -> Value {
    let mut m = Map::new();
    for d in defs {
        m.insert(
            d.key.to_string(),
            json!({"unit": d.unit, "definition": d.doc}),
        );
    }
    Value::Object(m)
}

/// Settings that identify a run.
#[derive(Debug, Serialize)]
struct RunInfo<'a> {
    surgesim_version: &'a str,
    scenario: &'a str,
    scenario_hash: &'a str,
    start_date: String,
    days: u32,
    interval_s: f64,
    warmup_s: f64,
    seed: u64,
    replications: u32,
    currency: &'a str,
    events_simulated: u64,
    warnings: &'a [String],
}

/// The bytes of `summary.json`.
pub fn summary(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    let info = RunInfo {
        surgesim_version: env!("CARGO_PKG_VERSION"),
        scenario: &model.name,
        scenario_hash: &model.scenario_hash,
        start_date: model.start.to_string(),
        days: model.days,
        interval_s: model.interval_s,
        warmup_s: model.warmup_s,
        seed: model.seed,
        replications: model.replications,
        currency: &model.currency,
        events_simulated: result.summary.events,
        warnings: &model.warnings,
    };
    let channels: Vec<Value> = model
        .channels
        .iter()
        .zip(&result.summary.channel_kpis)
        .map(|(c, s)| {
            json!({
                "channel": c.name,
                "kind": format!("{:?}", c.kind).to_lowercase(),
                "answer_within_s": c.answer_within_s,
                "answer_clock": if c.business.is_some() { "business" } else { "calendar" },
                "service_level_target": c.sl_target,
                "kpis": kpis(CHANNEL_KPIS, s),
            })
        })
        .collect();
    let topics: Vec<Value> = model
        .topics
        .iter()
        .zip(&result.summary.topic_kpis)
        .map(|(t, s)| json!({"topic": t, "kpis": kpis(TOPIC_KPIS, s)}))
        .collect();
    let pools: Vec<Value> = model
        .pools
        .iter()
        .zip(&result.summary.pool_kpis)
        .map(|(p, s)| {
            json!({
                "pool": p.name,
                "headcount": p.headcount,
                "cost_per_hour": p.cost_per_hour,
                "kpis": kpis(POOL_KPIS, s),
            })
        })
        .collect();
    let actions: Vec<Value> = model
        .actions
        .iter()
        .zip(&result.summary.action_kpis)
        .map(|(a, s)| {
            let mut v =
                json!({"action": a.id, "effect": a.describe(model), "kpis": kpis(ACTION_KPIS, s)});
            if let (Some(i), Some(o)) = (a.inject, v.as_object_mut()) {
                o.insert("inject".into(), json!(model.injects.get(i).map(|x| x.kind)));
            }
            v
        })
        .collect();
    let doc = json!({
        "run": info,
        "definitions": {
            "channel": definitions(CHANNEL_KPIS),
            "topic": definitions(TOPIC_KPIS),
            "pool": definitions(POOL_KPIS),
            "action": definitions(ACTION_KPIS),
            "total": definitions(TOTAL_KPIS),
            "statistics": "mean across replications; ci95_halfwidth = Student t(0.975, n-1) × sd / sqrt(n); p5/p50/p95 = percentiles across replications (linear interpolation); replications where a KPI is undefined (e.g. no call answered) are left out and replications_defined says how many counted",
        },
        "channels": channels,
        "topics": topics,
        "pools": pools,
        "actions": actions,
        "total": kpis(TOTAL_KPIS, &result.summary.total_kpis),
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}
