//! The terminal table of `surgesim compare`, and the pieces of it the other
//! outputs share: the headline KPIs, values and differences for people, the
//! ranking by cost, the targets met and the common-random-numbers note.

use std::fmt::Write as _;

use crate::compare::{Comparison, KpiRef, Scope};
use crate::model::ChannelKind;
use crate::report::table::group_thousands;
use crate::report::words::kpi_words;
use crate::units::human_duration;

/// The KPIs shown in the tables and the report (all are in the files).
pub(super) fn headline(cmp: &Comparison) -> Vec<usize> {
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
pub(super) fn fmt(k: &KpiRef, x: f64, currency: &str) -> String {
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
pub(super) fn fmt_diff(k: &KpiRef, x: f64, currency: &str) -> String {
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
pub(super) fn label(k: &KpiRef) -> String {
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
pub(super) fn crn_note(cmp: &Comparison, v: usize) -> String {
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
pub(super) fn by_cost(cmp: &Comparison) -> Vec<usize> {
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
pub(super) fn targets_met(cmp: &Comparison, a: usize) -> Vec<String> {
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
