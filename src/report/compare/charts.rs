//! The comparison charts: cost against service per arm, and per channel the
//! daily service level, its paired difference from the base and the e-mail
//! backlog.

use crate::compare::Comparison;
use crate::kpi::{INTERVAL_METRICS, index_of, series_width};
use crate::model::ChannelKind;
use crate::report::charts::{Chart, Line, NamedChart, Point};
use crate::stats::Stat;

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
pub(super) fn arm_lines(cmp: &Comparison, channel: &str, key: &str) -> Vec<Line> {
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
                markers: Vec::new(),
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
                    markers: Vec::new(),
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
                    markers: Vec::new(),
                },
            });
        }
    }
    out
}
