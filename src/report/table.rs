//! The short table printed after a run: the headline KPIs per channel and
//! pool, each with its 95 % confidence interval.

use std::fmt::Write;

use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, index_of};
use crate::model::Model;
use crate::runner::RunResult;
use crate::stats::Stat;

/// How to show one KPI.
#[derive(Clone, Copy)]
enum Fmt {
    Count,
    Share,
    Seconds,
    Agents,
}

fn show(x: f64, f: Fmt) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    match f {
        Fmt::Count => group_thousands(x.round()),
        Fmt::Share => format!("{:.1} %", 100.0 * x),
        Fmt::Seconds => format!("{x:.1} s"),
        Fmt::Agents => format!("{x:.2}"),
    }
}

fn show_ci(s: &Stat, f: Fmt) -> String {
    if !s.ci95.is_finite() {
        return String::new();
    }
    match f {
        Fmt::Count => format!("± {}", group_thousands(s.ci95.round())),
        Fmt::Share => format!("± {:.1}", 100.0 * s.ci95),
        Fmt::Seconds => format!("± {:.1}", s.ci95),
        Fmt::Agents => format!("± {:.2}", s.ci95),
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

const CHANNEL_ROWS: &[(&str, &str, Fmt)] = &[
    ("offered_contacts", "offered (incl. redials)", Fmt::Count),
    ("answered_contacts", "answered", Fmt::Count),
    ("service_level", "service level", Fmt::Share),
    ("asa_s", "average speed of answer", Fmt::Seconds),
    ("p_abandon", "abandoned", Fmt::Share),
    ("p_block", "busy signal", Fmt::Share),
    ("closed_attempts", "calls while closed", Fmt::Count),
    ("queue_max_contacts", "longest queue", Fmt::Agents),
];

/// The table as text.
pub fn render(model: &Model, result: &RunResult) -> String {
    let mut rows: Vec<[String; 3]> = Vec::new();
    for (c, ch) in model.channels.iter().enumerate() {
        rows.push([
            format!("channel {}", ch.name),
            "mean".into(),
            "95 % CI".into(),
        ]);
        for &(key, label, f) in CHANNEL_ROWS {
            let Some(k) = index_of(CHANNEL_KPIS, key) else {
                continue;
            };
            let s = &result.summary.channel_kpis[c][k];
            let label = if key == "service_level" {
                format!(
                    "{label} ({} s, target {:.0} %)",
                    ch.answer_within_s,
                    100.0 * ch.sl_target
                )
            } else {
                label.to_string()
            };
            rows.push([format!("  {label}"), show(s.mean, f), show_ci(s, f)]);
        }
    }
    for (p, pool) in model.pools.iter().enumerate() {
        rows.push([
            format!("pool {}", pool.name),
            "mean".into(),
            "95 % CI".into(),
        ]);
        for (key, label, f) in [
            (
                "agents_on_duty_mean",
                "staff on duty (time average)",
                Fmt::Agents,
            ),
            ("occupancy", "occupancy", Fmt::Share),
        ] {
            let Some(k) = index_of(POOL_KPIS, key) else {
                continue;
            };
            let s = &result.summary.pool_kpis[p][k];
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
