//! compare.json: every arm and KPI with its statistics and paired
//! differences.

use serde_json::{Value, json};

use super::table::{median_variance_ratio, targets_met};
use crate::compare::Comparison;
use crate::report::words::kpi_words;
use crate::stats::Stat;

fn stat_json(s: &Stat) -> Value {
    let f = crate::report::json_num;
    json!({
        "mean": f(s.mean), "ci95_halfwidth": f(s.ci95), "p5": f(s.p5), "p25": f(s.p25),
        "p50": f(s.p50), "p75": f(s.p75), "p95": f(s.p95), "replications_defined": s.n,
    })
}

fn opt(x: f64) -> Value {
    crate::report::json_num(x)
}

/// compare.json.
pub fn json(cmp: &Comparison, stop_note: &str) -> Result<Vec<u8>, String> {
    let base = &cmp.arms[0].model;
    let arms: Vec<Value> = cmp
        .arms
        .iter()
        .enumerate()
        .map(|(a, arm)| {
            let r = &cmp.risk[a];
            json!({
                "name": arm.name,
                "identical_to_base": (a > 0).then(|| cmp.identical_to_base(a - 1)),
                "description": arm.description,
                "changes": arm.changes,
                "scenario_hash": arm.model.scenario_hash,
                "on_frontier": cmp.frontier[a],
                "targets_met": targets_met(cmp, a),
                "total_cost": stat_json(&r.total_cost),
                "cost_per_handled_contact": stat_json(&r.cost_per_handled_contact),
                "overall_service_level": stat_json(&r.overall_service_level),
                "risk": r.channels.iter().map(|c| json!({
                    "channel": c.channel,
                    "service_level_target": c.target,
                    "p_days_below_target_over_k": opt(c.p_days_below_over),
                    "recovery_day": stat_json(&c.recovery_day),
                    "not_recovered_share": opt(c.not_recovered),
                    "worst_day_wait_p95_s": opt(c.worst_day_wait_p95_s),
                    "p_peak_backlog_over_x": c.p_backlog_over.map(opt),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let kpis: Vec<Value> = cmp
        .kpis
        .iter()
        .enumerate()
        .map(|(i, k)| {
            json!({
                "scope": k.scope.as_str(),
                "name": k.name,
                "kpi": k.key,
                "kpi_words": kpi_words(k.key),
                "unit": k.unit,
                "better": k.better,
                "arms": cmp.arms.iter().enumerate().map(|(a, arm)| json!({
                    "arm": arm.name, "stat": stat_json(&cmp.stats[a][i]),
                })).collect::<Vec<_>>(),
                "differences": cmp.paired.iter().enumerate().map(|(v, pv)| {
                    let p = &pv[i];
                    json!({
                        "variant": cmp.arms[v + 1].name,
                        "identical": p.identical,
                        "difference": stat_json(&p.diff),
                        "significant": p.significant,
                        "share_better": opt(p.share_better),
                        "variance_ratio": opt(p.variance_ratio),
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "surgesim_version": env!("CARGO_PKG_VERSION"),
        "scenario": base.name,
        "seed": base.seed,
        "replications_per_arm": cmp.replications,
        "common_random_numbers": "every arm runs replications 0..n with the same seed; replication r draws every random quantity from streams keyed by (seed, r, process)",
        "currency": base.currency,
        "risk_settings": {
            "days_below_target_k": cmp.settings.days_below,
            "peak_backlog_x": cmp.settings.backlog_over,
        },
        "sequential_stopping": stop_note,
        "median_variance_ratio_by_variant": (0..cmp.paired.len())
            .map(|v| json!({"variant": cmp.arms[v + 1].name, "median_variance_ratio": opt(median_variance_ratio(cmp, v))}))
            .collect::<Vec<_>>(),
        "arms": arms,
        "kpis": kpis,
    });
    let mut out = serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(out)
}
