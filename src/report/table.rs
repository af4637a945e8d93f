//! The short table printed after a run: the headline KPIs per channel and
//! pool, each with its 95 % confidence interval.

use std::fmt::Write;

use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, TOPIC_KPIS, index_of};
use crate::model::{ChannelKind, Model};
use crate::runner::RunResult;
use crate::stats::Stat;
use crate::units::human_duration;

/// How to show one KPI.
#[derive(Clone, Copy)]
enum Fmt {
    Count,
    Share,
    Seconds,
    Agents,
    Money,
}

fn show(x: f64, f: Fmt) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    match f {
        Fmt::Count => group_thousands(x.round()),
        Fmt::Share => format!("{:.1} %", 100.0 * x),
        Fmt::Seconds => human_duration(x),
        Fmt::Agents => format!("{x:.2}"),
        Fmt::Money => group_thousands(x.round()),
    }
}

fn show_ci(s: &Stat, f: Fmt) -> String {
    if !s.ci95.is_finite() {
        return String::new();
    }
    match f {
        Fmt::Count => format!("± {}", group_thousands(s.ci95.round())),
        Fmt::Share => format!("± {:.1}", 100.0 * s.ci95),
        Fmt::Seconds => format!("± {}", human_duration(s.ci95)),
        Fmt::Agents => format!("± {:.2}", s.ci95),
        Fmt::Money => format!("± {}", group_thousands(s.ci95.round())),
    }
}

/// `12345` → `12,345`.
pub fn group_thousands(x: f64) -> String {
    let neg = x < 0.0;
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg { format!("-{out}") } else { out }
}

/// Rows per channel kind: KPI key, label, format.
fn channel_rows(kind: ChannelKind) -> &'static [(&'static str, &'static str, Fmt)] {
    match kind {
        ChannelKind::Phone => &[
            ("offered_contacts", "offered (incl. redials)", Fmt::Count),
            ("answered_contacts", "answered", Fmt::Count),
            ("service_level", "service level", Fmt::Share),
            ("asa_s", "average speed of answer", Fmt::Seconds),
            ("p_abandon", "abandoned", Fmt::Share),
            ("p_block", "busy signal", Fmt::Share),
            (
                "switched_out_contacts",
                "gave up and switched channel",
                Fmt::Count,
            ),
            ("closed_attempts", "calls while closed", Fmt::Count),
            ("queue_max_contacts", "longest queue", Fmt::Count),
        ],
        ChannelKind::Email => &[
            ("offered_contacts", "received", Fmt::Count),
            ("answered_contacts", "answered", Fmt::Count),
            ("service_level", "service level", Fmt::Share),
            ("asa_s", "average time to answer", Fmt::Seconds),
            ("wait_max_s", "longest time to answer", Fmt::Seconds),
            ("queue_max_contacts", "largest backlog", Fmt::Count),
            ("waiting_at_end_contacts", "backlog at the end", Fmt::Count),
            (
                "unstaffed_contacts",
                "nobody at work could answer",
                Fmt::Count,
            ),
        ],
        ChannelKind::Desk => &[
            ("offered_contacts", "visitors (incl. returns)", Fmt::Count),
            ("answered_contacts", "served", Fmt::Count),
            ("service_level", "service level", Fmt::Share),
            ("asa_s", "average wait", Fmt::Seconds),
            ("p_abandon", "left the queue", Fmt::Share),
            ("turned_away_contacts", "turned away", Fmt::Count),
            ("closed_attempts", "came while closed", Fmt::Count),
            ("queue_max_contacts", "longest queue", Fmt::Count),
        ],
    }
}

/// The table as text.
pub fn render(model: &Model, result: &RunResult) -> String {
    let mut rows: Vec<[String; 3]> = Vec::new();
    for (c, ch) in model.channels.iter().enumerate() {
        let kind = ch.kind.word();
        rows.push([
            format!("{} ({kind})", ch.name),
            "mean".into(),
            "95 % CI".into(),
        ]);
        for &(key, label, f) in channel_rows(ch.kind) {
            let Some(k) = index_of(CHANNEL_KPIS, key) else {
                continue;
            };
            let s = &result.summary.channel_kpis[c][k];
            let label = if key == "service_level" {
                format!(
                    "{label} (within {}{}, target {:.0} %)",
                    human_duration(ch.answer_within_s),
                    if ch.business.is_some() {
                        " of business hours"
                    } else {
                        ""
                    },
                    100.0 * ch.sl_target
                )
            } else {
                label.to_string()
            };
            rows.push([format!("  {label}"), show(s.mean, f), show_ci(s, f)]);
        }
    }
    if model.topics.len() > 1 {
        for (t, topic) in model.topics.iter().enumerate() {
            rows.push([format!("topic {topic}"), "mean".into(), "95 % CI".into()]);
            for (key, label, f) in [
                ("offered_contacts", "offered, all channels", Fmt::Count),
                (
                    "lost_contacts",
                    "abandoned, blocked or turned away",
                    Fmt::Count,
                ),
                ("service_level", "service level", Fmt::Share),
            ] {
                let Some(k) = index_of(TOPIC_KPIS, key) else {
                    continue;
                };
                let s = &result.summary.topic_kpis[t][k];
                rows.push([format!("  {label}"), show(s.mean, f), show_ci(s, f)]);
            }
        }
    }
    for (p, pool) in model.pools.iter().enumerate() {
        rows.push([
            format!("pool {}", pool.name),
            "mean".into(),
            "95 % CI".into(),
        ]);
        let cost_label = format!("cost ({}), staff and hiring", model.currency);
        for (key, label, f) in [
            (
                "agents_on_duty_mean",
                "staff on duty (average over all hours)",
                Fmt::Agents,
            ),
            ("occupancy", "occupancy", Fmt::Share),
            ("handled_contacts", "contacts handled", Fmt::Count),
            ("total_cost", cost_label.as_str(), Fmt::Money),
        ] {
            let Some(k) = index_of(POOL_KPIS, key) else {
                continue;
            };
            let s = &result.summary.pool_kpis[p][k];
            if key == "total_cost" && s.mean == 0.0 {
                continue;
            }
            rows.push([format!("  {label}"), show(s.mean, f), show_ci(s, f)]);
        }
    }
    let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} replications of {} days from {}, seed {}",
        model.name, model.replications, model.days, model.start, model.seed
    );
    for r in rows {
        let _ = writeln!(out, "{:<w0$}  {:>w1$}  {}", r[0], r[1], r[2]);
    }
    for w in &model.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1234567.0), "1,234,567");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(-1000.0), "-1,000");
        assert_eq!(group_thousands(0.0), "0");
    }
}
