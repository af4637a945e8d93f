//! What `surgesim staff` shows: its charts, `staffing.json` and
//! `report.html`.

use super::*;

/// The charts, per day (days are what planners read): agent-hours
/// required against scheduled, and the achieved target metric.
pub(super) fn charts(model: &Model, advice: &Advice) -> Vec<NamedChart> {
    let ch = &model.channels[advice.channel];
    let section = format!("{} ({})", ch.name, ch.kind.word());
    let per_day = ((crate::model::DAY_S / advice.step_s).round() as usize).max(1);
    let daily_hours = |v: &[f64]| -> Vec<f64> {
        v.chunks(per_day)
            .map(|d| d.iter().sum::<f64>() * advice.step_s / 3600.0)
            .collect()
    };
    let mut lines: Vec<Line> = advice
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| Line {
            label: format!("required ({})", p.method.key().to_uppercase()),
            series: i,
            values: daily_hours(&p.required.iter().map(|&a| f64::from(a)).collect::<Vec<_>>()),
            band: None,
        })
        .collect();
    lines.push(Line {
        label: "scheduled now".into(),
        series: 2,
        values: daily_hours(&advice.scheduled),
        band: None,
    });
    let (metric, label, f) = match advice.target {
        Target::PWait(_) => ("p_wait", "probability of waiting", 0),
        Target::ServiceLevel(_) => ("service_level", "service level", 1),
        Target::Abandon(_) => ("abandon_share", "abandonment", 2),
    };
    let achieved: Vec<Line> = advice
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let v = &p.eval.daily[f];
            Line {
                label: format!("{} staffing", p.method.key().to_uppercase()),
                series: i,
                values: v.iter().map(|s| s.mean).collect(),
                band: Some(
                    v.iter()
                        .map(|s| {
                            let h = if s.ci95.is_finite() { s.ci95 } else { 0.0 };
                            (s.mean - h, s.mean + h)
                        })
                        .collect(),
                ),
            }
        })
        .collect();
    vec![
        NamedChart {
            section: section.clone(),
            name: format!("staffing_{}_agent_hours", ch.name),
            chart: Chart::Lines {
                title: format!("{}: agent-hours per day, required and scheduled", ch.name),
                y_label: "agent-hours".into(),
                lines,
                scale: 1.0,
                reference: None,
                markers: Vec::new(),
            },
        },
        NamedChart {
            section,
            name: format!("staffing_{}_{metric}", ch.name),
            chart: Chart::Lines {
                title: format!(
                    "{}: achieved {label} per day (mean, 95 % band) under each staffing",
                    ch.name
                ),
                y_label: format!("{label} (%)"),
                lines: achieved,
                scale: 100.0,
                reference: Some((100.0 * advice.target.value(), "target".into())),
                markers: Vec::new(),
            },
        },
    ]
}

pub(super) fn stat_json(s: &crate::stats::Stat) -> serde_json::Value {
    let f = |x: f64| {
        if x.is_finite() {
            serde_json::json!(x)
        } else {
            serde_json::Value::Null
        }
    };
    serde_json::json!({"mean": f(s.mean), "ci95_halfwidth": f(s.ci95), "p5": f(s.p5), "p50": f(s.p50), "p95": f(s.p95)})
}

/// `staffing.json`: the settings, each method's iterations and overall
/// performance.
pub(super) fn json(model: &Model, advice: &Advice, hiring: &Hiring, elapsed_s: f64) -> Vec<u8> {
    let plans: Vec<serde_json::Value> = advice
        .plans
        .iter()
        .map(|p| {
            let (met, with) = steps_meeting(advice, p);
            let o = &p.eval.overall;
            serde_json::json!({
                "method": p.method.key(),
                "converged": p.converged,
                "iterations": p.iterations.iter().map(|i| serde_json::json!({
                    "iteration": i.number,
                    "max_change_agents": i.max_change,
                    "agent_hours_h": i.agent_hours,
                })).collect::<Vec<_>>(),
                "agent_hours_h": agent_hours(advice, &p.required),
                "peak_agents": p.required.iter().copied().max().unwrap_or(0),
                "steps_meeting_target": met,
                "steps_with_contacts": with,
                "overall": {
                    "p_wait": stat_json(&o[0]),
                    "service_level": stat_json(&o[1]),
                    "abandon_share": stat_json(&o[2]),
                    "occupancy": stat_json(&o[3]),
                },
            })
        })
        .collect();
    let v = serde_json::json!({
        "surgesim_version": env!("CARGO_PKG_VERSION"),
        "scenario": model.name,
        "scenario_hash": model.scenario_hash,
        "seed": model.seed,
        "channel": model.channels[advice.channel].name,
        "target": {"metric": advice.target.key(), "value": advice.target.value()},
        "step_s": advice.step_s,
        "sample_s": advice.sample_s,
        "replications": advice.replications,
        "elapsed_s": (elapsed_s * 10.0).round() / 10.0,
        "scheduled_agent_hours_h": advice.scheduled.iter().sum::<f64>() * advice.step_s / 3600.0,
        "plans": plans,
        "people": {
            "method": advice.plans[0].method.key(),
            "shrinkage": hiring.people.shrinkage,
            "absence": hiring.people.absence,
            "paid_hours_per_fte_week_h": hiring.people.paid_week_s / 3600.0,
            "occupancy_cap": hiring.people.occupancy_cap,
            "weeks": hiring.weeks.iter().map(|w| serde_json::json!({
                "week_start": day(model, w.first_day),
                "days": w.days,
                "required_agent_hours_h": w.required_hours,
                "required_fte": w.required_fte,
                "available_fte": w.available_fte,
                "gap_fte": w.gap_fte,
                "hired_fte": w.hired_fte,
            })).collect::<Vec<_>>(),
            "hiring_terms_from": hiring.terms.as_ref().and_then(|t| t.from_action.clone()),
            "waves": hiring.waves.iter().map(|v| serde_json::json!({
                "wave": v.number,
                "pool": hiring.terms.as_ref().map(|t| model.pools[t.pool].name.clone()),
                "hires": v.hires,
                "decide_by": date_of(model, v.decide_by_s),
                "arrive": date_of(model, v.arrive_s),
                "productive_from": date_of(model, v.productive_s),
                "late": v.late,
                "cost": v.cost,
            })).collect::<Vec<_>>(),
        },
    });
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The report: settings, one row per method, the charts, and how the
/// advice was made.
pub(super) fn html(
    model: &Model,
    advice: &Advice,
    hiring: &Hiring,
    charts: &[crate::report::DrawnChart],
) -> String {
    use crate::report::html::{CSS, esc};
    let ch = &model.channels[advice.channel];
    let mut h = String::new();
    let title = format!("Staffing advice: {} — {}", esc(&ch.name), esc(&model.name));
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{CSS}</style></head><body>\n<h1>{title}</h1>\n"
    );
    let _ = writeln!(
        h,
        "<p class=\"muted\">Target: {}. Steps of {}; {} replications per ISA iteration and per final evaluation (fresh replications); seed {}; surgesim {}; scenario hash {}.</p>",
        esc(&advice.target.to_string()),
        Duration::from_secs(advice.step_s),
        advice.replications,
        model.seed,
        env!("CARGO_PKG_VERSION"),
        esc(&model.scenario_hash)
    );
    let _ = writeln!(
        h,
        "<h2 id=\"staffing\">Staffing</h2>\n<table><thead><tr><th>method</th><th>iterations</th><th>agent-hours</th><th>peak agents</th><th>steps meeting the target</th><th>probability of waiting</th><th>service level</th><th>abandonment</th><th>occupancy</th></tr></thead><tbody>"
    );
    for plan in &advice.plans {
        let (met, with) = steps_meeting(advice, plan);
        let o = &plan.eval.overall;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{met} of {with}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            plan.method.key().to_uppercase(),
            match plan.method {
                Method::Isa => format!(
                    "{}{}",
                    plan.iterations.len(),
                    if plan.converged {
                        ""
                    } else {
                        " (not converged)"
                    }
                ),
                Method::Sipp => "–".into(),
            },
            crate::report::table::group_thousands(agent_hours(advice, &plan.required).round()),
            plan.required.iter().copied().max().unwrap_or(0),
            pct(&o[0]),
            pct(&o[1]),
            pct(&o[2]),
            pct(&o[3]),
        );
    }
    let _ = writeln!(h, "</tbody></table>");
    let _ = writeln!(
        h,
        "<p class=\"muted\">Pools that serve the channel: {}. A pool that serves several channels needs at most the sum of their requirements at each step (less when their peaks differ); it counts in full in each channel's scheduled figure. Scheduled now: {} agent-hours in the pools that serve the channel, as rostered (before absence and actions). ISA sets each step's agents to the smallest number that the channel's number in system, simulated with the previous staffing, reaches with probability at most α, and repeats on the same replications until no step changes by more than one agent; targets other than the probability of waiting use the modified offered load (the number in system with ample staff) in a stationary Erlang A queue. SIPP uses the step's mean arrival rate in the same stationary queue. Both are then simulated on fresh replications: the figures above are what each staffing achieves. The channel is staffed on its own by dedicated agents; actions, other channels and absence are left out (see the README, “Staffing advice”).</p>",
        esc(&pools_serving(model, advice.channel)),
        crate::report::table::group_thousands(
            (advice.scheduled.iter().sum::<f64>() * advice.step_s / 3600.0).round()
        )
    );
    h.push_str(&crate::report::html::figures(charts));
    h.push_str(&people_html(model, hiring));
    h.push_str("</body></html>\n");
    h
}
