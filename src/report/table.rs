//! The short table printed after a run: the headline KPIs per channel and
//! pool (see [`super::headline`]), each with its 95 % confidence interval
//! and its spread across replications.

use std::fmt::Write;

use super::headline::{self, Fmt, show, show_ci, show_spread};
use crate::kpi::{TOPIC_KPIS, index_of};
use crate::model::Model;
use crate::runner::RunResult;
use crate::stats::Stat;

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

/// The table as text: per channel and pool the headline KPIs with the
/// mean, its 95 % interval, the median and P5–P95 across replications; for
/// each channel the share of replications that met its target and the
/// worst week.
pub fn render(model: &Model, result: &RunResult) -> String {
    let mut rows: Vec<[String; 6]> = Vec::new();
    let head = |name: String| {
        [
            name,
            "mean".into(),
            "95 % CI".into(),
            "median".into(),
            "P5 – P95".into(),
            String::new(),
        ]
    };
    let row = |label: String, s: &Stat, f: Fmt, note: String| {
        [
            format!("  {label}"),
            show(s.mean, f),
            show_ci(s, f),
            show(s.p50, f),
            show_spread(s, f),
            note,
        ]
    };
    for (c, ch) in model.channels.iter().enumerate() {
        rows.push(head(format!(
            "{} ({}{})",
            ch.name,
            ch.kind.word(),
            if ch.internal { ", internal" } else { "" }
        )));
        for (key, label, f) in headline::channel_rows(model, result, c) {
            let Some(s) = headline::channel_stat(result, c, key) else {
                continue;
            };
            let note = if key == "service_level" {
                let met = headline::met_share(result, c);
                if met.is_finite() {
                    format!("target met in {:.0} % of replications", 100.0 * met)
                } else {
                    String::new()
                }
            } else {
                String::new()
            };
            rows.push(row(label, s, f, note));
        }
        if let Some((week, st)) = headline::worst_week(model, result, c) {
            rows.push(row(
                format!("worst week: {week}, service level"),
                &st,
                Fmt::Share,
                String::new(),
            ));
        }
    }
    if model.topics.len() > 1 {
        for (t, topic) in model.topics.iter().enumerate() {
            rows.push(head(format!("topic {topic}")));
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
                rows.push(row(label.to_string(), s, f, String::new()));
            }
        }
    }
    for (p, pool) in model.pools.iter().enumerate() {
        rows.push(head(format!("pool {}", pool.name)));
        for (key, label, f) in headline::pool_rows(model) {
            let Some(s) = headline::pool_stat(result, p, key) else {
                continue;
            };
            if key == "total_cost" && s.mean == 0.0 {
                continue;
            }
            rows.push(row(label, s, f, String::new()));
        }
    }
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2, w3, w4) = (width(0), width(1), width(2), width(3), width(4));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} replications of {} days from {}, seed {}",
        model.name, model.replications, model.days, model.start, model.seed
    );
    for r in rows {
        let line = format!(
            "{:<w0$}  {:>w1$}  {:<w2$}  {:>w3$}  {:<w4$}  {}",
            r[0], r[1], r[2], r[3], r[4], r[5]
        );
        let _ = writeln!(out, "{}", line.trim_end());
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
