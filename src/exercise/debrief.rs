//! The debrief: the trainees' decisions against two references on the same
//! random numbers (doing nothing, and the scenario's own contingency plan),
//! over many replications of which the exercise world is number 0; what
//! each decision cost and bought (the run without it, paired); and how
//! lucky the exercise world was among the possible ones.
//!
//! Every statistic is the project's usual one: the KPIs of each
//! replication as `run` computes them ([`RepRecord`]), their mean with a
//! 95 % interval, and paired differences ([`crate::compare::paired`]). So
//! the do-nothing reference is exactly what `surgesim run` gives for the
//! scenario with its plans switched off, on the same seed.

use std::fmt::Write;

use crate::compare::{Better, better, paired};
use crate::kpi::{
    CHANNEL_KPIS, INTERVAL_METRICS, POOL_INTERVAL_METRICS, RepRecord, TOTAL_KPIS, index_of,
    series_width,
};
use crate::model::{ChannelKind, Model};
use crate::report::charts::{Chart, Line};
use crate::report::html::esc;
use crate::report::table::group_thousands as thousands;
use crate::runner::{progress_bar, simulate_records, with_threads};
use crate::stats::Stat;

use super::{Decision, Session, World};

/// How to debrief.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Replications per world (the exercise world is number 0).
    pub replications: u32,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Progress bar on standard error.
    pub progress: bool,
    /// How long after its effect a decision's gains are counted, seconds.
    pub window_s: f64,
}

/// One world over the replications.
pub struct Arm {
    /// Short name: `your decisions`, `do nothing`, `the plan`.
    pub name: String,
    /// Its model.
    pub model: Model,
    /// Per replication, in order (daily series kept).
    pub records: Vec<RepRecord>,
}

/// What one decision cost and bought: the world with every decision
/// against the world without this one, paired.
pub struct DecisionValue {
    /// The decision.
    pub decision: Decision,
    /// Its effect in words.
    pub what: String,
    /// When it takes effect, seconds (infinite: a trigger that never held).
    pub effect_s: f64,
    /// Extra total cost over the horizon (with − without).
    pub cost: Stat,
    /// Extra contacts handled on the public channels in the window after
    /// its effect.
    pub handled: Stat,
    /// Fewer contacts lost (abandoned, blocked, turned away) in that window.
    pub lost_fewer: Stat,
}

/// A debrief.
pub struct Debrief {
    /// `your decisions`, `do nothing`, and `the plan` if the scenario has one.
    pub arms: Vec<Arm>,
    /// Per decision.
    pub decisions: Vec<DecisionValue>,
    /// How far the exercise was played, seconds.
    pub played_to_s: f64,
    /// Window of the decisions' gains, seconds.
    pub window_s: f64,
    /// The decisions as taken.
    pub taken: Vec<Decision>,
}

/// Runs the debrief of `session`'s decisions.
pub fn debrief(session: &Session, opts: Options) -> Result<Debrief, String> {
    let taken = session.decisions.clone();
    let mut models = vec![
        (
            "your decisions".to_string(),
            session.build(World::Trainees, &taken)?,
        ),
        (
            "do nothing".to_string(),
            session.build(World::Nothing, &[])?,
        ),
    ];
    let has_plan = session
        .loaded()
        .scenario
        .actions
        .iter()
        .any(|a| a.plan.is_some() && a.enabled);
    if has_plan {
        models.push(("the plan".to_string(), session.build(World::Plan, &[])?));
    }
    let mut without = Vec::new();
    for i in 0..taken.len() {
        let mut rest = taken.clone();
        rest.remove(i);
        without.push(session.build(World::Trainees, &rest)?);
    }
    let n = u64::from(opts.replications.max(2));
    let total = n * (models.len() + without.len()) as u64;
    let bar = progress_bar(total, opts.progress);
    let (arms, without_records) = with_threads(opts.threads, || {
        let arms: Vec<Arm> = models
            .into_iter()
            .map(|(name, mut model)| {
                model.replications = n as u32;
                let records = simulate_records(&model, 0..n, &bar, false);
                Arm {
                    name,
                    model,
                    records,
                }
            })
            .collect();
        let w: Vec<Vec<RepRecord>> = without
            .iter()
            .map(|m| simulate_records(m, 0..n, &bar, false))
            .collect();
        (arms, w)
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let m = &arms[0].model;
    let total_cost = index_of(TOTAL_KPIS, "total_cost").expect("total_cost");
    let mut decisions = Vec::new();
    for (i, d) in taken.iter().enumerate() {
        let a = m
            .actions
            .iter()
            .find(|a| a.id == d.id)
            .ok_or("a decision is missing from the model")?;
        let effect_s = arms[0].records[0]
            .firings
            .iter()
            .find(|f| !f.release && m.actions[f.action].id == d.id)
            .map_or(super::effect_time(a), |f| f.effect_s);
        let with = &arms[0].records;
        let wo = &without_records[i];
        let cost = diff(with, wo, |r| r.total_kpis[total_cost]);
        let from = effect_s.min(m.horizon_s);
        let to = (from + opts.window_s).min(m.horizon_s);
        let handled = diff(with, wo, |r| {
            window_sum(m, r, from, to, &["handled_by_event_contacts"])
        });
        let lost = diff(wo, with, |r| {
            window_sum(
                m,
                r,
                from,
                to,
                &[
                    "abandoned_by_arrival_contacts",
                    "blocked_contacts",
                    "turned_away_contacts",
                ],
            )
        });
        decisions.push(DecisionValue {
            decision: d.clone(),
            what: a.describe(m),
            effect_s,
            cost,
            handled,
            lost_fewer: lost,
        });
    }
    Ok(Debrief {
        arms,
        decisions,
        played_to_s: session.now_s,
        window_s: opts.window_s,
        taken,
    })
}

/// Statistics of `f(a) − f(b)` per replication.
fn diff(a: &[RepRecord], b: &[RepRecord], f: impl Fn(&RepRecord) -> f64) -> Stat {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| f(x) - f(y)).collect();
    Stat::of(&d)
}

/// Sum over the public channels of daily metrics `keys` for the days in
/// `[from_s, to_s)`.
fn window_sum(m: &Model, r: &RepRecord, from_s: f64, to_s: f64, keys: &[&str]) -> f64 {
    let width = series_width(m);
    let nm = INTERVAL_METRICS.len();
    let (d0, d1) = (
        (from_s / 86_400.0).floor() as usize,
        (to_s / 86_400.0).ceil() as usize,
    );
    let idx: Vec<usize> = keys
        .iter()
        .filter_map(|k| index_of(INTERVAL_METRICS, k))
        .collect();
    let mut s = 0.0;
    for d in d0..d1.min(m.days as usize) {
        for (c, ch) in m.channels.iter().enumerate() {
            if ch.internal {
                continue;
            }
            for &k in &idx {
                let v = f64::from(r.day_series[d * width + c * nm + k]);
                if v.is_finite() {
                    s += v;
                }
            }
        }
    }
    s
}

/// A headline KPI: its label, how to read it from a record, which way is
/// better, and how to show it.
struct Headline {
    label: String,
    value: Box<dyn Fn(&RepRecord) -> f64>,
    better: Better,
    show: fn(f64) -> String,
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1} %", 100.0 * x)
    } else {
        "–".into()
    }
}
fn pct_points(x: f64) -> String {
    if x.is_finite() {
        format!("{:+.1} points", 100.0 * x)
    } else {
        "–".into()
    }
}
fn count(x: f64) -> String {
    if x.is_finite() {
        thousands(x)
    } else {
        "–".into()
    }
}
fn signed(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x >= 0.0 {
        format!("+{}", thousands(x))
    } else {
        format!("−{}", thousands(-x))
    }
}
fn secs(x: f64) -> String {
    crate::units::human_duration(x)
}

fn headlines(m: &Model) -> Vec<Headline> {
    let mut v = Vec::new();
    let k = |key: &str| index_of(CHANNEL_KPIS, key).expect("channel KPI");
    let t = |key: &str| index_of(TOTAL_KPIS, key).expect("total KPI");
    let osl = t("overall_service_level");
    v.push(Headline {
        label: "overall service level (public channels)".into(),
        value: Box::new(move |r| r.total_kpis[osl]),
        better: better("overall_service_level"),
        show: pct,
    });
    for (c, ch) in m.channels.iter().enumerate() {
        if ch.internal {
            let w = k("waiting_at_end_contacts");
            v.push(Headline {
                label: format!("{}: waiting at the end (internal)", ch.name),
                value: Box::new(move |r| r.channel_kpis[c][w]),
                better: better("waiting_at_end_contacts"),
                show: count,
            });
            continue;
        }
        let sl = k("service_level");
        v.push(Headline {
            label: format!("{}: service level", ch.name),
            value: Box::new(move |r| r.channel_kpis[c][sl]),
            better: better("service_level"),
            show: pct,
        });
        match ch.kind {
            ChannelKind::Phone => {
                let a = k("p_abandon");
                v.push(Headline {
                    label: format!("{}: abandoned", ch.name),
                    value: Box::new(move |r| r.channel_kpis[c][a]),
                    better: better("p_abandon"),
                    show: pct,
                });
                let w = k("asa_s");
                v.push(Headline {
                    label: format!("{}: average wait", ch.name),
                    value: Box::new(move |r| r.channel_kpis[c][w]),
                    better: better("asa_s"),
                    show: secs,
                });
            }
            ChannelKind::Desk => {
                let a = k("turned_away_contacts");
                v.push(Headline {
                    label: format!("{}: turned away", ch.name),
                    value: Box::new(move |r| r.channel_kpis[c][a]),
                    better: better("turned_away_contacts"),
                    show: count,
                });
            }
            ChannelKind::Email => {
                let w = k("waiting_at_end_contacts");
                v.push(Headline {
                    label: format!("{}: backlog at the end", ch.name),
                    value: Box::new(move |r| r.channel_kpis[c][w]),
                    better: better("waiting_at_end_contacts"),
                    show: count,
                });
            }
        }
    }
    let cost = t("total_cost");
    v.push(Headline {
        label: format!("total cost ({})", m.currency),
        value: Box::new(move |r| r.total_kpis[cost]),
        better: better("total_cost"),
        show: count,
    });
    v
}

fn values(arm: &Arm, f: &dyn Fn(&RepRecord) -> f64) -> Vec<f64> {
    arm.records.iter().map(f).collect()
}

/// Share of the replications whose value is below the exercise world's.
fn rank(values: &[f64], x: f64) -> f64 {
    let defined: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if defined.is_empty() || !x.is_finite() {
        return f64::NAN;
    }
    defined.iter().filter(|v| **v < x).count() as f64 / defined.len() as f64
}

impl Debrief {
    /// The trainees' model.
    pub fn model(&self) -> &Model {
        &self.arms[0].model
    }

    /// The demand of the exercise world (its first attempts, all public
    /// channels) against the other worlds: the share of them with less.
    pub fn luck(&self) -> (f64, f64) {
        let m = self.model();
        let fa = index_of(CHANNEL_KPIS, "first_attempts").expect("first_attempts");
        let demand = |r: &RepRecord| -> f64 {
            m.channels
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.internal)
                .map(|(c, _)| r.channel_kpis[c][fa])
                .sum()
        };
        let v = values(&self.arms[0], &demand);
        (v[0], rank(&v, v[0]))
    }

    /// The short text for the terminal.
    pub fn summary_text(&self) -> String {
        let m = self.model();
        let mut s = String::new();
        let n = self.arms[0].records.len();
        let _ = writeln!(
            s,
            "Debrief: {} replications of each world on the same random numbers; the exercise world is number 0.",
            n
        );
        let (demand, rank) = self.luck();
        let _ = writeln!(
            s,
            "The exercise world had {} new contacts: more than {:.0} % of the possible worlds ({}).",
            thousands(demand),
            100.0 * rank,
            luck_words(rank)
        );
        let _ = writeln!(s);
        let names: Vec<&str> = self.arms.iter().map(|a| a.name.as_str()).collect();
        let _ = writeln!(
            s,
            "{:<44}{:>16}{}",
            "",
            "this world",
            names.iter().map(|n| format!("{n:>18}")).collect::<String>()
        );
        for h in headlines(m) {
            let _ = write!(
                s,
                "{:<44}{:>16}",
                h.label,
                (h.show)((h.value)(&self.arms[0].records[0]))
            );
            for a in &self.arms {
                let st = Stat::of(&values(a, &*h.value));
                let _ = write!(s, "{:>18}", (h.show)(st.mean));
            }
            let _ = writeln!(s);
        }
        if !self.decisions.is_empty() {
            let _ = writeln!(
                s,
                "\nWhat each decision cost and bought (against the same world without it):"
            );
            for d in &self.decisions {
                let _ = writeln!(
                    s,
                    "  {:<24} cost {:>10} {}, {:>8} more contacts handled and {:>8} fewer lost in the {} after its effect",
                    d.decision.id,
                    signed(d.cost.mean),
                    m.currency,
                    signed(d.handled.mean),
                    signed(d.lost_fewer.mean),
                    crate::units::human_duration(self.window_s)
                );
            }
        }
        s
    }

    /// The debrief as JSON.
    pub fn json(&self) -> serde_json::Value {
        let m = self.model();
        let stat = |st: &Stat| {
            serde_json::json!({
                "mean": crate::report::json_num(st.mean),
                "ci95": crate::report::json_num(st.ci95),
                "p5": crate::report::json_num(st.p5),
                "p50": crate::report::json_num(st.p50),
                "p95": crate::report::json_num(st.p95),
                "n": st.n,
            })
        };
        let kpis: Vec<serde_json::Value> = headlines(m)
            .iter()
            .map(|h| {
                let arms: Vec<serde_json::Value> = self
                    .arms
                    .iter()
                    .map(|a| {
                        let v = values(a, &*h.value);
                        let mut o =
                            serde_json::json!({ "arm": a.name, "stat": stat(&Stat::of(&v)) });
                        if a.name != self.arms[0].name {
                            let p = paired(&v, &values(&self.arms[0], &*h.value), h.better);
                            o["yours_minus_this"] = stat(&p.diff);
                            o["yours_better_share"] = crate::report::json_num(p.share_better);
                        }
                        o
                    })
                    .collect();
                serde_json::json!({
                    "kpi": h.label,
                    "exercise_world": crate::report::json_num((h.value)(&self.arms[0].records[0])),
                    "arms": arms,
                })
            })
            .collect();
        let decisions: Vec<serde_json::Value> = self
            .decisions
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": d.decision.id,
                    "typed": d.decision.typed,
                    "decided": d.decision.at.to_string(),
                    "effect_day": crate::report::json_num(d.effect_s / 86_400.0),
                    "what": d.what,
                    "extra_cost": stat(&d.cost),
                    "extra_handled_contacts": stat(&d.handled),
                    "fewer_lost_contacts": stat(&d.lost_fewer),
                })
            })
            .collect();
        let (demand, rank) = self.luck();
        serde_json::json!({
            "scenario": m.name,
            "seed": m.seed,
            "replications": self.arms[0].records.len(),
            "played_to_day": self.played_to_s / 86_400.0,
            "window_days": self.window_s / 86_400.0,
            "exercise_world": { "replication": 0, "first_attempts": demand, "share_of_worlds_with_less_demand": crate::report::json_num(rank) },
            "kpis": kpis,
            "decisions": decisions,
        })
    }

    /// Markers: decisions taking effect and injects, by day.
    fn markers(&self) -> Vec<(f64, String)> {
        let m = self.model();
        let mut v: Vec<(f64, String)> = self
            .decisions
            .iter()
            .filter(|d| d.effect_s.is_finite() && d.effect_s < m.horizon_s)
            .map(|d| ((d.effect_s / 86_400.0).floor(), d.decision.id.clone()))
            .collect();
        for i in &m.injects {
            v.push(((i.at_s / 86_400.0).floor(), format!("inject: {}", i.id)));
        }
        v.push((
            (self.played_to_s / 86_400.0).floor().max(0.0),
            "end of play".into(),
        ));
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    }

    /// The charts: per public channel the daily service level of each
    /// world (means) and of the exercise world; the daily staff cost; the
    /// distribution of the overall service level with your decisions.
    pub fn charts(&self) -> Vec<(String, Chart)> {
        let m = self.model();
        let width = series_width(m);
        let nm = INTERVAL_METRICS.len();
        let days = m.days as usize;
        let sl = index_of(INTERVAL_METRICS, "service_level").expect("service_level");
        let backlog = index_of(INTERVAL_METRICS, "backlog_end_contacts").expect("backlog");
        let mut out = Vec::new();
        let mean_day = |a: &Arm, at: usize| -> Vec<f64> {
            (0..days)
                .map(|d| {
                    let v: Vec<f64> = a
                        .records
                        .iter()
                        .map(|r| f64::from(r.day_series[d * width + at]))
                        .collect();
                    Stat::of(&v).mean
                })
                .collect()
        };
        for (c, ch) in m.channels.iter().enumerate() {
            if ch.internal {
                continue;
            }
            let (metric, title, y, scale, reference) = if ch.kind == ChannelKind::Email {
                (
                    backlog,
                    format!("{}: backlog at the end of each day", ch.name),
                    "contacts waiting".to_string(),
                    1.0,
                    None,
                )
            } else {
                (
                    sl,
                    format!("{}: service level per day", ch.name),
                    format!(
                        "% within {}",
                        crate::units::human_duration(ch.answer_within_s)
                    ),
                    100.0,
                    Some((100.0 * ch.sl_target, "target".to_string())),
                )
            };
            let at = c * nm + metric;
            let mut lines: Vec<Line> = self
                .arms
                .iter()
                .enumerate()
                .map(|(i, a)| Line {
                    label: format!("{} (mean of {})", a.name, a.records.len()),
                    series: i,
                    values: mean_day(a, at),
                    band: None,
                })
                .collect();
            lines.push(Line {
                label: "the exercise world (your decisions)".into(),
                series: self.arms.len(),
                values: (0..days)
                    .map(|d| f64::from(self.arms[0].records[0].day_series[d * width + at]))
                    .collect(),
                band: None,
            });
            out.push((
                format!("{}_timeline", ch.name),
                Chart::Lines {
                    title,
                    y_label: y,
                    lines,
                    scale,
                    reference,
                    markers: self.markers(),
                },
            ));
        }
        // Staff cost per day, cumulative.
        let cost = index_of(POOL_INTERVAL_METRICS, "pool_cost").expect("pool_cost");
        let npm = POOL_INTERVAL_METRICS.len();
        let lines: Vec<Line> = self
            .arms
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut acc = 0.0;
                let values = (0..days)
                    .map(|d| {
                        let v: Vec<f64> = a
                            .records
                            .iter()
                            .map(|r| {
                                (0..m.pools.len())
                                    .map(|p| {
                                        f64::from(
                                            r.day_series[d * width
                                                + m.channels.len() * nm
                                                + p * npm
                                                + cost],
                                        )
                                    })
                                    .sum()
                            })
                            .collect();
                        acc += Stat::of(&v).mean;
                        acc
                    })
                    .collect();
                Line {
                    label: a.name.clone(),
                    series: i,
                    values,
                    band: None,
                }
            })
            .collect();
        out.push((
            "cost".into(),
            Chart::Lines {
                title: format!("Staff cost so far ({}), mean", m.currency),
                y_label: m.currency.clone(),
                lines,
                scale: 1.0,
                reference: None,
                markers: self.markers(),
            },
        ));
        let osl = index_of(TOTAL_KPIS, "overall_service_level").expect("overall_service_level");
        let v: Vec<f64> = self.arms[0]
            .records
            .iter()
            .map(|r| 100.0 * r.total_kpis[osl])
            .collect();
        out.push((
            "distribution".into(),
            Chart::Histogram {
                title: "Overall service level with your decisions, across the possible worlds"
                    .into(),
                x_label: "% of public contacts within target".into(),
                note: format!("the exercise world: {:.1} %", v[0]),
                values: v,
            },
        ));
        out
    }

    /// The HTML debrief, with the charts (`(name, svg)`) inline.
    pub fn html(&self, charts: &[(String, String)]) -> String {
        let m = self.model();
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Debrief: {}</title><style>{}\ntd.t,th.t{{text-align:left}}@media print{{body{{max-width:none}}}}</style></head><body>\n",
            esc(&m.name),
            crate::report::html::CSS
        );
        let _ = writeln!(h, "<h1>Debrief: {}</h1>", esc(&m.name));
        let n = self.arms[0].records.len();
        let (demand, rank) = self.luck();
        let _ = writeln!(
            h,
            "<p>Played to {} ({:.0} of {} days); the rest of the horizon runs on with the decisions as they stood. Each world below is {} replications on the same random numbers (seed {}); the world the trainees saw is replication 0. It had {} new contacts, more than {:.0} % of the possible worlds: <b>{}</b>.</p>",
            esc(&super::view::when(m, self.played_to_s)),
            self.played_to_s / 86_400.0,
            m.days,
            n,
            m.seed,
            thousands(demand),
            100.0 * rank,
            luck_words(rank)
        );
        let _ = writeln!(
            h,
            "<h2>Outcome</h2>\n<table><tr><th>KPI</th><th>the exercise world</th>"
        );
        for a in &self.arms {
            let _ = write!(h, "<th>{} (mean ± 95 %)</th>", esc(&a.name));
        }
        for a in &self.arms[1..] {
            let _ = write!(h, "<th>yours − {} (paired)</th>", esc(&a.name));
        }
        let _ = writeln!(h, "</tr>");
        for hl in headlines(m) {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td>",
                esc(&hl.label),
                (hl.show)((hl.value)(&self.arms[0].records[0]))
            );
            for a in &self.arms {
                let st = Stat::of(&values(a, &*hl.value));
                let _ = write!(
                    h,
                    "<td class=\"n\">{} ± {}</td>",
                    (hl.show)(st.mean),
                    (hl.show)(st.ci95).trim_start_matches('+')
                );
            }
            let yours = values(&self.arms[0], &*hl.value);
            for a in &self.arms[1..] {
                let p = paired(&values(a, &*hl.value), &yours, hl.better);
                let show = if (hl.show)(1.0).ends_with('%') {
                    pct_points
                } else {
                    signed
                };
                let verdict = if !p.significant {
                    "no clear difference".to_string()
                } else if p.share_better > 0.5 {
                    format!("better in {:.0} % of worlds", 100.0 * p.share_better)
                } else {
                    format!("worse in {:.0} % of worlds", 100.0 * (1.0 - p.share_better))
                };
                let _ = write!(
                    h,
                    "<td class=\"n\">{} ({})</td>",
                    show(p.diff.mean),
                    verdict
                );
            }
            let _ = writeln!(h, "</tr>");
        }
        let _ = writeln!(h, "</table>");
        let _ = writeln!(h, "<h2>Timeline</h2><div class=\"grid\">");
        for (_, svg) in charts {
            let _ = writeln!(h, "<figure>{svg}</figure>");
        }
        let _ = writeln!(h, "</div>");
        let _ = writeln!(
            h,
            "<h2>What each decision cost and bought</h2>\n<p>Each decision against the same decisions without it, on the same random numbers ({} replications): the extra cost over the whole horizon, and the contacts handled and lost on the public channels in the {} after it took effect (mean ± 95 %).</p>",
            n,
            crate::units::human_duration(self.window_s)
        );
        if self.decisions.is_empty() {
            let _ = writeln!(h, "<p>No decision was taken.</p>");
        } else {
            let _ = writeln!(
                h,
                "<table><tr><th>decision</th><th class=\"t\">typed</th><th>decided</th><th>in effect</th><th class=\"t\">what</th><th>extra cost ({})</th><th>more contacts handled</th><th>fewer contacts lost</th></tr>",
                esc(&m.currency)
            );
            for d in &self.decisions {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"t\"><code>{}</code></td><td>{}</td><td>{}</td><td class=\"t\">{}</td><td class=\"n\">{} ± {}</td><td class=\"n\">{} ± {}</td><td class=\"n\">{} ± {}</td></tr>",
                    esc(&d.decision.id),
                    esc(&d.decision.typed),
                    esc(&d.decision.at.to_string()),
                    esc(&super::view::when(m, d.effect_s)),
                    esc(&d.what),
                    signed(d.cost.mean),
                    count(d.cost.ci95),
                    signed(d.handled.mean),
                    count(d.handled.ci95),
                    signed(d.lost_fewer.mean),
                    count(d.lost_fewer.ci95)
                );
            }
            let _ = writeln!(h, "</table>");
        }
        if !m.injects.is_empty() {
            let _ = writeln!(
                h,
                "<h2>Injects</h2>\n<table><tr><th>when</th><th>until</th><th>kind</th><th>news</th></tr>"
            );
            for i in &m.injects {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"t\">{}</td></tr>",
                    esc(&super::view::when(m, i.at_s)),
                    esc(&i.end_s.map_or("–".into(), |e| super::view::when(m, e))),
                    esc(i.kind),
                    esc(&i.news)
                );
            }
            let _ = writeln!(h, "</table>");
        }
        let _ = writeln!(
            h,
            "<p class=\"muted\">Do nothing: the scenario with its contingency plans switched off (injects stay). The plan: the scenario as written. Replay these decisions with <code>surgesim debrief SCENARIO DECISIONS</code>; run them as a plan with <code>surgesim run SCENARIO --decisions DECISIONS</code>.</p></body></html>"
        );
        h
    }
}

/// Words for a demand rank.
fn luck_words(rank: f64) -> &'static str {
    if !rank.is_finite() {
        "unknown"
    } else if rank >= 0.9 {
        "a very busy world, worse than most"
    } else if rank >= 0.7 {
        "a busier world than usual"
    } else if rank > 0.3 {
        "a typical world"
    } else if rank > 0.1 {
        "a quieter world than usual"
    } else {
        "a lucky, quiet world"
    }
}
