//! Outputs of `surgesim compare`: compare.json, compare.csv,
//! compare_risk.csv, the comparison charts and report.html, and the
//! terminal table. Pure functions from a [`Comparison`] to bytes.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::charts::{self, Chart, Line, NamedChart, Point};
use super::html::{CSS, esc, figures};
use super::num;
use super::table::group_thousands;
use super::words::kpi_words;
use crate::compare::{Better, Comparison, KpiRef, Scope};
use crate::kpi::{INTERVAL_METRICS, index_of, series_width};
use crate::model::ChannelKind;
use crate::stats::Stat;
use crate::units::human_duration;

/// The KPIs shown in the tables and the report (all are in the files).
fn headline(cmp: &Comparison) -> Vec<usize> {
    let base = &cmp.arms[0].model;
    let mut keys: Vec<(Scope, String, &str)> = Vec::new();
    for ch in &base.channels {
        let mut ks = vec!["service_level", "asa_s"];
        match ch.kind {
            ChannelKind::Phone => ks.push("p_abandon"),
            ChannelKind::Email => ks.push("queue_max_contacts"),
            ChannelKind::Desk => ks.push("turned_away_contacts"),
        }
        ks.extend(["days_below_target", "sl_recovery_day"]);
        for k in ks {
            keys.push((Scope::Channel, ch.name.clone(), k));
        }
    }
    for k in [
        crate::compare::OVERALL_SL,
        "total_cost",
        "cost_per_handled_contact",
    ] {
        keys.push((Scope::Total, "all".into(), k));
    }
    keys.iter()
        .filter_map(|(s, n, k)| {
            cmp.kpis
                .iter()
                .position(|r| r.scope == *s && &r.name == n && r.key == *k)
        })
        .collect()
}

/// A KPI's value for people.
fn fmt(k: &KpiRef, x: f64, currency: &str) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    match k.unit {
        "share" => format!("{:.1} %", 100.0 * x),
        "seconds" => human_duration(x.abs()).replace("n/a", "0 s"),
        "currency" if x.abs() >= 100.0 => format!("{} {currency}", group_thousands(x)),
        "currency" => format!("{x:.2} {currency}"),
        "days" => format!("{x:.1} d"),
        _ if x.abs() >= 100.0 => group_thousands(x),
        _ => format!("{x:.1}"),
    }
}

/// A difference for people (percentage points for shares, signed).
fn fmt_diff(k: &KpiRef, x: f64, currency: &str) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let sign = if x > 0.0 {
        "+"
    } else if x < 0.0 {
        "−"
    } else {
        "±"
    };
    let body = match k.unit {
        "share" => format!("{:.1} pp", 100.0 * x.abs()),
        _ => fmt(k, x.abs(), currency),
    };
    format!("{sign}{body}")
}

/// A KPI for people: whose it is, and its key in words with the unit.
fn label(k: &KpiRef) -> String {
    let words = kpi_words(k.key);
    match k.scope {
        Scope::Total => words,
        Scope::Channel => format!("{}: {words}", k.name),
        Scope::Topic => format!("topic {}: {words}", k.name),
        Scope::Pool => format!("pool {}: {words}", k.name),
    }
}

/// The median variance ratio of variant `v` over the headline KPIs it
/// changes: what the pairing kept of the variance of independent runs.
/// KPIs the variant leaves identical are left out (their ratio of 0 says
/// nothing about the pairing).
pub fn median_variance_ratio(cmp: &Comparison, v: usize) -> f64 {
    let mut r: Vec<f64> = headline(cmp)
        .into_iter()
        .map(|i| &cmp.paired[v][i])
        .filter(|p| !p.identical)
        .map(|p| p.variance_ratio)
        .filter(|x| x.is_finite())
        .collect();
    r.sort_by(f64::total_cmp);
    crate::stats::percentile_sorted(&r, 0.5)
}

/// What is said once about variant `v` as a whole: that it is identical to
/// the base, or what common random numbers bought.
fn crn_note(cmp: &Comparison, v: usize) -> String {
    let (name, base) = (&cmp.arms[v + 1].name, &cmp.arms[0].name);
    if cmp.identical_to_base(v) {
        return format!(
            "{name} is identical to {base} on every KPI (it changes nothing that matters here)"
        );
    }
    if headline(cmp).iter().all(|&i| cmp.paired[v][i].identical) {
        return format!(
            "{name} is identical to {base} on every KPI shown here; other KPIs differ (compare.csv)"
        );
    }
    let r = median_variance_ratio(cmp, v);
    if r.is_finite() {
        format!(
            "common random numbers: median variance ratio {r:.2} over these KPIs, so the paired intervals are {:.2} × as wide as independent runs would give",
            r.sqrt()
        )
    } else {
        String::new()
    }
}

/// The terminal table: ranking, then the headline differences.
pub fn table(cmp: &Comparison) -> String {
    let cur = &cmp.arms[0].model.currency;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Ranking by total cost ({} replications per arm, common random numbers; * = on the cost-efficient frontier)",
        cmp.replications
    );
    let _ = writeln!(
        s,
        "  {:<22} {:>26} {:>22}   targets met",
        "arm",
        format!("total cost ({cur})"),
        "overall service level"
    );
    for a in by_cost(cmp) {
        let r = &cmp.risk[a];
        let met = targets_met(cmp, a);
        let _ = writeln!(
            s,
            "{} {:<22} {:>26} {:>22}   {}",
            if cmp.frontier[a] { "*" } else { " " },
            cmp.arms[a].name,
            format!(
                "{} ± {}",
                group_thousands(r.total_cost.mean),
                group_thousands(r.total_cost.ci95)
            ),
            format!(
                "{:.1} % ± {:.1}",
                100.0 * r.overall_service_level.mean,
                100.0 * r.overall_service_level.ci95
            ),
            met.join(", ")
        );
    }
    // The KPI in words comes last: it is the one long column.
    let rows = headline(cmp);
    for (v, pv) in cmp.paired.iter().enumerate() {
        let arm = &cmp.arms[v + 1];
        if cmp.identical_to_base(v) {
            let _ = writeln!(
                s,
                "\n{} − {}: {}",
                arm.name,
                cmp.arms[0].name,
                crn_note(cmp, v)
            );
            continue;
        }
        let _ = writeln!(
            s,
            "\n{} − {} (mean difference, 95 % interval; * interval excludes zero)\n  {}",
            arm.name,
            cmp.arms[0].name,
            crn_note(cmp, v)
        );
        let _ = writeln!(
            s,
            "  {:>14} {:>30} {:>7}  {:>9}  KPI",
            "difference", "95 % interval", "better", "var ratio"
        );
        for &i in &rows {
            let k = &cmp.kpis[i];
            let p = &pv[i];
            if p.identical {
                let _ = writeln!(
                    s,
                    "  {:>14} {:>30} {:>7}  {:>9}  {}",
                    "identical",
                    "",
                    "",
                    "",
                    label(k)
                );
                continue;
            }
            let lo = p.diff.mean - p.diff.ci95;
            let hi = p.diff.mean + p.diff.ci95;
            let interval = if p.diff.ci95.is_finite() {
                format!("{} to {}", fmt_diff(k, lo, cur), fmt_diff(k, hi, cur))
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "{} {:>14} {:>30} {:>7}  {:>9}  {}",
                if p.significant { "*" } else { " " },
                fmt_diff(k, p.diff.mean, cur),
                interval,
                if p.share_better.is_finite() {
                    format!("{:.0} %", 100.0 * p.share_better)
                } else {
                    String::new()
                },
                if p.variance_ratio.is_finite() {
                    format!("{:.2}", p.variance_ratio)
                } else {
                    String::new()
                },
                label(k)
            );
        }
    }
    s
}

/// Arm indices from the cheapest to the dearest (mean total cost).
fn by_cost(cmp: &Comparison) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cmp.arms.len()).collect();
    order.sort_by(|&a, &b| {
        cmp.risk[a]
            .total_cost
            .mean
            .total_cmp(&cmp.risk[b].total_cost.mean)
    });
    order
}

/// Channels whose mean service level meets its target in arm `a`.
/// The channels whose target arm `a` meets: the mean service level reaches
/// the target, and the mean end backlog clears within the threshold time at
/// the pace of the last four weeks (see the `target_met` KPI), so a backlog
/// that piles up never reads as met.
fn targets_met(cmp: &Comparison, a: usize) -> Vec<String> {
    let mean_of = |name: &str, key: &str| {
        cmp.kpis
            .iter()
            .position(|k| k.scope == Scope::Channel && k.name == name && k.key == key)
            .map(|i| cmp.stats[a][i].mean)
    };
    let m = &cmp.arms[a].model;
    cmp.kpis
        .iter()
        .filter(|k| k.scope == Scope::Channel && k.key == "service_level")
        .filter_map(|k| {
            let c = m.channels.iter().position(|c| c.name == k.name)?;
            let sl = mean_of(&k.name, "service_level")?;
            let clear = mean_of(&k.name, "backlog_clear_days").unwrap_or(0.0);
            // Undefined (work waits, nothing handled) is not within.
            let within = clear <= crate::kpi::threshold_days(m, c);
            (sl >= m.channels[c].sl_target && within).then(|| k.name.clone())
        })
        .collect()
}

fn stat_json(s: &Stat) -> Value {
    let f = super::json_num;
    json!({
        "mean": f(s.mean), "ci95_halfwidth": f(s.ci95), "p5": f(s.p5), "p25": f(s.p25),
        "p50": f(s.p50), "p75": f(s.p75), "p95": f(s.p95), "replications_defined": s.n,
    })
}

fn opt(x: f64) -> Value {
    super::json_num(x)
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

/// compare.csv: one row per arm and KPI; variants carry their paired
/// difference from the base.
pub fn csv(cmp: &Comparison) -> Result<Vec<u8>, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let e = |e: ::csv::Error| e.to_string();
    w.write_record([
        "arm",
        "scope",
        "name",
        "kpi",
        "unit",
        "better",
        "mean",
        "ci95_halfwidth",
        "p5",
        "p50",
        "p95",
        "replications_defined",
        "diff_mean",
        "diff_ci95_halfwidth",
        "diff_low",
        "diff_high",
        "diff_significant",
        "share_better",
        "variance_ratio",
        "diff_identical",
        "kpi_words",
    ])
    .map_err(e)?;
    for (a, arm) in cmp.arms.iter().enumerate() {
        for (i, k) in cmp.kpis.iter().enumerate() {
            let st = &cmp.stats[a][i];
            let better = match k.better {
                Better::Higher => "higher",
                Better::Lower => "lower",
                Better::Neither => "",
            };
            let mut row = vec![
                arm.name.clone(),
                k.scope.as_str().to_string(),
                k.name.clone(),
                k.key.to_string(),
                k.unit.to_string(),
                better.to_string(),
                num(st.mean),
                num(st.ci95),
                num(st.p5),
                num(st.p50),
                num(st.p95),
                st.n.to_string(),
            ];
            if a == 0 {
                row.extend(std::iter::repeat_n(String::new(), 8));
            } else {
                let p = &cmp.paired[a - 1][i];
                row.extend([
                    num(p.diff.mean),
                    num(p.diff.ci95),
                    num(p.diff.mean - p.diff.ci95),
                    num(p.diff.mean + p.diff.ci95),
                    if p.diff.ci95.is_finite() {
                        p.significant.to_string()
                    } else {
                        String::new()
                    },
                    num(p.share_better),
                    num(p.variance_ratio),
                    p.identical.to_string(),
                ]);
            }
            row.push(kpi_words(k.key));
            w.write_record(&row).map_err(e)?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// compare_risk.csv: the risk measures per arm and channel.
pub fn risk_csv(cmp: &Comparison) -> Result<Vec<u8>, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let e = |e: ::csv::Error| e.to_string();
    let k = num(cmp.settings.days_below);
    let x = num(cmp.settings.backlog_over);
    w.write_record([
        "arm".to_string(),
        "channel".into(),
        "service_level_target_share".into(),
        format!("p_days_below_target_over_{k}_share"),
        "recovery_day_mean_days".into(),
        "recovery_day_p50_days".into(),
        "recovery_day_p95_days".into(),
        "not_recovered_share".into(),
        "worst_day_wait_p95_s".into(),
        format!("p_peak_backlog_over_{x}_share"),
    ])
    .map_err(e)?;
    for (a, arm) in cmp.arms.iter().enumerate() {
        for c in &cmp.risk[a].channels {
            w.write_record([
                arm.name.clone(),
                c.channel.clone(),
                num(c.target),
                num(c.p_days_below_over),
                num(c.recovery_day.mean),
                num(c.recovery_day.p50),
                num(c.recovery_day.p95),
                num(c.not_recovered),
                num(c.worst_day_wait_p95_s),
                c.p_backlog_over.map(num).unwrap_or_default(),
            ])
            .map_err(e)?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// Daily values of a channel metric in one arm, one vector per replication.
fn daily(cmp: &Comparison, a: usize, channel: &str, key: &str) -> Vec<Vec<f64>> {
    let arm = &cmp.arms[a];
    let m = &arm.model;
    let Some(c) = m.channels.iter().position(|ch| ch.name == channel) else {
        return Vec::new();
    };
    let width = series_width(m);
    let nm = INTERVAL_METRICS.len();
    let k = index_of(INTERVAL_METRICS, key).expect("an interval metric");
    arm.records
        .iter()
        .map(|r| {
            r.day_series
                .chunks_exact(width.max(1))
                .map(|day| f64::from(day[c * nm + k]))
                .collect()
        })
        .collect()
}

/// Per day: the mean over replications where defined.
fn mean_by_day(reps: &[Vec<f64>]) -> Vec<f64> {
    let days = reps.iter().map(Vec::len).max().unwrap_or(0);
    (0..days)
        .map(|d| {
            let v: Vec<f64> = reps
                .iter()
                .filter_map(|r| r.get(d).copied())
                .filter(|x| x.is_finite())
                .collect();
            if v.is_empty() {
                f64::NAN
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        })
        .collect()
}

/// One line per arm: a channel metric's daily mean across replications.
/// Arm `a` is series `a` in every chart, so it keeps its colour.
fn arm_lines(cmp: &Comparison, channel: &str, key: &str) -> Vec<Line> {
    cmp.arms
        .iter()
        .enumerate()
        .map(|(a, arm)| Line {
            label: arm.name.clone(),
            series: a,
            values: mean_by_day(&daily(cmp, a, channel, key)),
            band: None,
        })
        .collect()
}

/// The comparison charts.
pub fn chart_list(cmp: &Comparison) -> Vec<NamedChart> {
    let base = &cmp.arms[0].model;
    let cur = &base.currency;
    let mut out = Vec::new();
    out.push(NamedChart {
        section: "Cost and service".into(),
        name: "compare_cost_service".into(),
        chart: Chart::Scatter {
            title: "Cost against service, per arm (mean and 95 % interval)".into(),
            x_label: format!("total cost ({cur})"),
            y_label: "answered within threshold, public channels (%)".into(),
            points: cmp
                .arms
                .iter()
                .enumerate()
                .map(|(a, arm)| {
                    let c = cmp.risk[a].total_cost;
                    let s = cmp.risk[a].overall_service_level;
                    let ci = |st: &Stat, f: f64| {
                        let h = if st.ci95.is_finite() { st.ci95 } else { 0.0 };
                        (f * st.mean, f * (st.mean - h), f * (st.mean + h))
                    };
                    Point {
                        label: arm.name.clone(),
                        series: a,
                        x: ci(&c, 1.0),
                        y: ci(&s, 100.0),
                        highlight: cmp.frontier[a],
                    }
                })
                .collect(),
            legend: (
                "cost-efficient (no arm cheaper and better)".into(),
                "beaten by another arm".into(),
            ),
        },
    });
    if base.interval_s > crate::model::DAY_S {
        return out;
    }
    for ch in &base.channels {
        let kind = ch.kind.word();
        let section = format!("{} ({kind})", ch.name);
        let lines = arm_lines(cmp, &ch.name, "service_level");
        out.push(NamedChart {
            section: section.clone(),
            name: format!("compare_{}_service_level", ch.name),
            chart: Chart::Lines {
                title: format!("{} ({kind}): daily service level per arm (mean)", ch.name),
                y_label: "service level (%)".into(),
                lines,
                scale: 100.0,
                reference: Some((100.0 * ch.sl_target, "target".into())),
            },
        });
        // Paired daily differences from the base, with 95 % bands.
        let base_days = daily(cmp, 0, &ch.name, "service_level");
        let lines: Vec<Line> = (1..cmp.arms.len())
            .map(|a| {
                let var_days = daily(cmp, a, &ch.name, "service_level");
                let days = base_days.first().map_or(0, Vec::len);
                let mut values = Vec::with_capacity(days);
                let mut band = Vec::with_capacity(days);
                for d in 0..days {
                    let diffs: Vec<f64> = base_days
                        .iter()
                        .zip(&var_days)
                        .filter_map(|(b, v)| Some(v.get(d)? - b.get(d)?))
                        .filter(|x| x.is_finite())
                        .collect();
                    let st = Stat::of(&diffs);
                    values.push(st.mean);
                    let h = if st.ci95.is_finite() { st.ci95 } else { 0.0 };
                    band.push((st.mean - h, st.mean + h));
                }
                Line {
                    label: format!("{} − {}", cmp.arms[a].name, cmp.arms[0].name),
                    // The variant's own colour, as in the other charts.
                    series: a,
                    values,
                    band: Some(band),
                }
            })
            .collect();
        if !lines.is_empty() {
            out.push(NamedChart {
                section: section.clone(),
                name: format!("compare_{}_sl_difference", ch.name),
                chart: Chart::Lines {
                    title: format!(
                        "{} ({kind}): difference in daily service level from {} (95 % band)",
                        ch.name, cmp.arms[0].name
                    ),
                    y_label: "difference (percentage points)".into(),
                    lines,
                    scale: 100.0,
                    reference: Some((0.0, "no difference".into())),
                },
            });
        }
        if ch.kind == ChannelKind::Email {
            let lines = arm_lines(cmp, &ch.name, "backlog_end_contacts");
            out.push(NamedChart {
                section,
                name: format!("compare_{}_backlog", ch.name),
                chart: Chart::Lines {
                    title: format!(
                        "{} ({kind}): backlog at the end of the day per arm (mean)",
                        ch.name
                    ),
                    y_label: "contacts".into(),
                    lines,
                    scale: 1.0,
                    reference: None,
                },
            });
        }
    }
    out
}

/// Every file of a comparison: compare.json, compare.csv,
/// compare_risk.csv, charts (with `with_charts`) and report.html.
pub fn render(
    cmp: &Comparison,
    with_charts: bool,
    stop_note: &str,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = vec![
        ("compare.json".to_string(), json(cmp, stop_note)?),
        ("compare.csv".to_string(), csv(cmp)?),
        ("compare_risk.csv".to_string(), risk_csv(cmp)?),
    ];
    let mut drawn = Vec::new();
    if with_charts {
        let model = &cmp.arms[0].model;
        for c in chart_list(cmp) {
            let svg = charts::svg(model, &c.chart)?;
            files.push((format!("charts/{}.svg", c.name), svg.clone().into_bytes()));
            files.push((
                format!("charts/{}.png", c.name),
                charts::png(model, &c.chart)?,
            ));
            drawn.push(super::DrawnChart {
                section: c.section,
                name: c.name,
                svg,
            });
        }
    }
    files.push(("report.html".to_string(), html(cmp, &drawn, stop_note)));
    Ok(files)
}

/// report.html of a comparison.
pub fn html(cmp: &Comparison, charts: &[super::DrawnChart], stop_note: &str) -> Vec<u8> {
    let base = &cmp.arms[0].model;
    let cur = &base.currency;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Comparison: {}</title><style>{CSS}\n.frontier{{background:#e8f4ec;font-weight:bold}}</style></head><body>\n",
        esc(&base.name)
    );
    let _ = writeln!(
        h,
        "<h1>Comparison of staffing policies: {}</h1>",
        esc(&base.name)
    );
    let _ = writeln!(h, "<p>{}</p>", esc(&base.description));
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} arms × {} replications, seed {}, common random numbers (replication r sees the same callers, handle times, patience and demand in every arm); surgesim {}.{}</p>",
        cmp.arms.len(),
        cmp.replications,
        base.seed,
        env!("CARGO_PKG_VERSION"),
        if stop_note.is_empty() {
            String::new()
        } else {
            format!(" Sequential stopping: {}.", esc(stop_note))
        }
    );
    let _ = writeln!(
        h,
        "<h2>Arms</h2>\n<table id=\"arms\"><thead><tr><th>arm</th><th>description</th><th>changes to the base</th></tr></thead><tbody>"
    );
    for arm in &cmp.arms {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td style=\"text-align:left\">{}</td><td style=\"text-align:left\"><code>{}</code></td></tr>",
            esc(&arm.name),
            esc(&arm.description),
            arm.changes
                .iter()
                .map(|c| esc(c))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    let _ = writeln!(h, "</tbody></table>");

    // Ranking.
    let _ = writeln!(
        h,
        "<h2>Ranking by cost</h2>\n<p class=\"muted\">Highlighted: the cost-efficient frontier, arms that no other arm beats on both total cost and the share of contacts answered within their channel's threshold on the public channels (internal work queues left out). Mean and 95 % interval.</p>\n<table id=\"ranking\"><thead><tr><th>arm</th><th>total cost ({})</th><th>cost per handled contact</th><th>answered within threshold, public channels</th><th>targets met</th></tr></thead><tbody>",
        esc(cur)
    );
    for a in by_cost(cmp) {
        let r = &cmp.risk[a];
        let _ = writeln!(
            h,
            "<tr{}><td>{}</td><td>{} ± {}</td><td>{:.2} {}</td><td>{:.1} % ± {:.1}</td><td>{}</td></tr>",
            if cmp.frontier[a] {
                " class=\"frontier\""
            } else {
                ""
            },
            esc(&cmp.arms[a].name),
            group_thousands(r.total_cost.mean),
            group_thousands(r.total_cost.ci95),
            r.cost_per_handled_contact.mean,
            esc(cur),
            100.0 * r.overall_service_level.mean,
            100.0 * r.overall_service_level.ci95,
            esc(&targets_met(cmp, a).join(", "))
        );
    }
    let _ = writeln!(h, "</tbody></table>");

    // Differences.
    let _ = writeln!(
        h,
        "<h2>Differences from {}</h2>\n<p class=\"muted\">Per replication, variant minus base, then the mean and its 95 % interval; <b>bold</b> where the interval excludes zero. “Better” is the share of replications in which the variant did strictly better. The variance ratio is Var(difference) ÷ (Var(variant) + Var(base)): what the pairing kept of the noise of independent runs (0.1 means a tenfold gain in precision for the same replications).</p>",
        esc(&cmp.arms[0].name)
    );
    let _ = writeln!(
        h,
        "<table id=\"differences\"><thead><tr><th>KPI</th>{}</tr></thead><tbody>",
        cmp.arms[1..]
            .iter()
            .enumerate()
            .map(|(v, a)| if cmp.identical_to_base(v) {
                format!(
                    "<th>{}<br><span class=\"muted\">identical to {} on every KPI</span></th>",
                    esc(&a.name),
                    esc(&cmp.arms[0].name)
                )
            } else {
                format!("<th>{}</th>", esc(&a.name))
            })
            .collect::<String>()
    );
    for i in headline(cmp) {
        let k = &cmp.kpis[i];
        let _ = write!(
            h,
            "<tr><td>{} <span class=\"muted\">(base {})</span></td>",
            esc(&label(k)),
            esc(&fmt(k, cmp.stats[0][i].mean, cur))
        );
        for pv in &cmp.paired {
            let p = &pv[i];
            if p.identical {
                let _ = write!(h, "<td class=\"muted\">identical</td>");
                continue;
            }
            let text = format!(
                "{} [{} to {}]{}{}",
                fmt_diff(k, p.diff.mean, cur),
                fmt_diff(k, p.diff.mean - p.diff.ci95, cur),
                fmt_diff(k, p.diff.mean + p.diff.ci95, cur),
                if p.share_better.is_finite() {
                    format!("; better in {:.0} %", 100.0 * p.share_better)
                } else {
                    String::new()
                },
                if p.variance_ratio.is_finite() {
                    format!("; var. ratio {:.2}", p.variance_ratio)
                } else {
                    String::new()
                }
            );
            let cell = if p.significant {
                format!("<b>{}</b>", esc(&text))
            } else {
                esc(&text)
            };
            let _ = write!(h, "<td>{cell}</td>");
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</tbody></table>");
    let _ = writeln!(h, "<ul class=\"muted\">");
    for v in 0..cmp.paired.len() {
        let _ = writeln!(
            h,
            "<li>{}: {}</li>",
            esc(&cmp.arms[v + 1].name),
            esc(&crn_note(cmp, v))
        );
    }
    let _ = writeln!(h, "</ul>");

    // Risk.
    let _ = writeln!(
        h,
        "<h2>Risk</h2>\n<p class=\"muted\">Across replications: the probability that a channel's daily service level is below target on more than {} days; the day it recovers for good (median and P95 over the replications in which it did; and how often it had not by the end); the worst day's average wait (P95 across replications); for e-mail, the probability that the backlog exceeds {} contacts.</p>\n<table id=\"risk\"><thead><tr><th>arm</th><th>channel</th><th>P(more than {} days below target)</th><th>recovery day (median, P95)</th><th>not recovered</th><th>worst day's wait (P95)</th><th>P(backlog over {})</th></tr></thead><tbody>",
        num(cmp.settings.days_below),
        group_thousands(cmp.settings.backlog_over),
        num(cmp.settings.days_below),
        group_thousands(cmp.settings.backlog_over)
    );
    let pct = |x: f64| {
        if x.is_finite() {
            format!("{:.0} %", 100.0 * x)
        } else {
            "n/a".into()
        }
    };
    for (a, arm) in cmp.arms.iter().enumerate() {
        for c in &cmp.risk[a].channels {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&arm.name),
                esc(&c.channel),
                pct(c.p_days_below_over),
                if c.recovery_day.n > 0 {
                    format!(
                        "day {:.0}, day {:.0}",
                        c.recovery_day.p50, c.recovery_day.p95
                    )
                } else {
                    "n/a".into()
                },
                pct(c.not_recovered),
                if c.worst_day_wait_p95_s.is_finite() {
                    human_duration(c.worst_day_wait_p95_s)
                } else {
                    "n/a".into()
                },
                c.p_backlog_over.map(pct).unwrap_or_default()
            );
        }
    }
    let _ = writeln!(h, "</tbody></table>");

    if !charts.is_empty() {
        let _ = writeln!(h, "<h2>Charts</h2>");
        h.push_str(&figures(charts));
    }
    if !base.sources.is_empty() {
        let _ = writeln!(h, "<h2>Notes and sources</h2>\n<ul class=\"sources\">");
        for s in &base.sources {
            let _ = writeln!(h, "<li>{}</li>", esc(s));
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(
        h,
        "<p class=\"muted\">Every KPI of every arm, with its paired difference, is in compare.csv and compare.json; risk measures in compare_risk.csv.</p>\n</body></html>"
    );
    h.into_bytes()
}
