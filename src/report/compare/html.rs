//! report.html of a comparison: arms, ranking by cost, differences from the
//! base, risk, charts and sources.

use std::fmt::Write as _;

use super::table::{by_cost, crn_note, fmt, fmt_diff, headline, label, targets_met};
use crate::compare::Comparison;
use crate::report::DrawnChart;
use crate::report::html::{CSS, esc, figures};
use crate::report::num;
use crate::report::table::group_thousands;
use crate::units::human_duration;

/// report.html of a comparison.
pub fn html(cmp: &Comparison, charts: &[DrawnChart], stop_note: &str) -> Vec<u8> {
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
