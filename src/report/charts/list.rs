//! Which charts a run has, and their data: one [`NamedChart`] per chart,
//! built from the replications' daily and per-interval series.

use crate::kpi::{CHANNEL_KPIS, INTERVAL_METRICS, POOL_INTERVAL_METRICS, index_of, series_width};
use crate::model::{ChannelKind, DAY_S, Model};
use crate::runner::RunResult;
use crate::stats::Stat;

use super::{Chart, NamedChart};

/// The charts of a run.
pub fn charts(model: &Model, result: &RunResult) -> Vec<NamedChart> {
    let mut out = Vec::new();
    let days = &result.summary.days;
    if days.is_empty() {
        return out;
    }
    let width = series_width(model);
    let nm = INTERVAL_METRICS.len();
    let npm = POOL_INTERVAL_METRICS.len();
    let nc = model.channels.len();
    let nd = model.days as usize;
    let chan = |c: usize, key: &str| -> Vec<Stat> {
        let k = index_of(INTERVAL_METRICS, key).expect("a channel metric");
        (0..nd).map(|d| days[d * width + c * nm + k]).collect()
    };
    // Actions taking effect (median day over the replications in which
    // they did), optionally only those that concern one pool; actions on
    // the same day share a marker.
    let markers_for = |concerns: &dyn Fn(&crate::model::Effect) -> bool| -> Vec<(f64, String)> {
        let mut v: Vec<(f64, String)> = Vec::new();
        for (a, st) in model.actions.iter().zip(&result.summary.action_kpis) {
            if st[0].mean <= 0.0 || st[2].n == 0 {
                continue;
            }
            if !concerns(&a.effect) {
                continue;
            }
            // Hires show when they arrive, not when recruitment starts.
            let day = st[2].p50
                + match &a.effect {
                    crate::model::Effect::Hire(h) => (h.lead_s / DAY_S).floor(),
                    _ => 0.0,
                };
            match v.iter_mut().find(|(d, _)| *d == day) {
                Some((_, label)) => {
                    label.push_str(", ");
                    label.push_str(&a.id);
                }
                None => v.push((day, a.id.clone())),
            }
        }
        v
    };
    let rows = |c: usize, key: &str| -> Vec<f64> {
        result
            .records
            .iter()
            .map(|r| r.channel_kpis[c][index_of(CHANNEL_KPIS, key).expect("a channel KPI")])
            .collect()
    };
    for (c, ch) in model.channels.iter().enumerate() {
        let kind = ch.kind.word();
        let markers = markers_for(&|e| effect_on_pool_or_channel(model, e, None, Some(c)));
        let section = format!("{} ({kind})", ch.name);
        // A fan chart of one daily series of this channel.
        let fan = |suffix: &str,
                   title: String,
                   y_label: &str,
                   days: Vec<Stat>,
                   scale: f64,
                   target: Option<f64>| NamedChart {
            section: section.clone(),
            name: format!("{}_{suffix}", ch.name),
            chart: Chart::Fan {
                title,
                y_label: y_label.to_string(),
                days,
                scale,
                target,
                markers: markers.clone(),
            },
        };
        out.push(fan(
            "offered",
            format!("{} ({kind}): contacts offered per day", ch.name),
            "contacts per day",
            chan(c, "offered_contacts"),
            1.0,
            None,
        ));
        let (key, what) = if ch.kind == ChannelKind::Email {
            ("backlog_end_contacts", "backlog at the end of the day")
        } else {
            ("queue_contacts", "people waiting (day average)")
        };
        out.push(fan(
            "backlog",
            format!("{} ({kind}): {what}", ch.name),
            "contacts",
            chan(c, key),
            1.0,
            None,
        ));
        let wait = chan(c, "asa_s");
        let top = wait
            .iter()
            .filter(|st| st.n > 0)
            .map(|st| st.p95)
            .fold(0.0f64, f64::max);
        let (unit, scale) = if top >= 4.0 * 3600.0 {
            ("hours", 1.0 / 3600.0)
        } else if top >= 120.0 {
            ("min", 1.0 / 60.0)
        } else {
            ("s", 1.0)
        };
        out.push(fan(
            "wait",
            format!(
                "{} ({kind}): average wait of live contacts answered, by day of arrival",
                ch.name
            ),
            &format!("wait ({unit})"),
            wait,
            scale,
            None,
        ));
        out.push(fan(
            "service_level",
            format!(
                "{} ({kind}): {} {}",
                ch.name,
                if ch.kind == ChannelKind::Phone {
                    "live calls answered"
                } else {
                    "answered"
                },
                crate::report::headline::target_words(ch)
            ),
            "service level (%)",
            chan(c, "service_level"),
            100.0,
            Some(100.0 * ch.sl_target),
        ));
        let mean = |key: &str| -> Vec<f64> {
            chan(c, key)
                .iter()
                .map(|st| if st.mean.is_finite() { st.mean } else { 0.0 })
                .collect()
        };
        let lost = vec![
            (
                if ch.kind == ChannelKind::Desk {
                    "left the queue"
                } else {
                    "abandoned (hung up)"
                }
                .to_string(),
                mean("abandoned_by_event_contacts"),
            ),
            (
                "blocked (all lines busy)".to_string(),
                mean("blocked_contacts"),
            ),
            ("turned away".to_string(), mean("turned_away_contacts")),
        ];
        if lost.iter().any(|(_, v)| v.iter().any(|&x| x > 0.0)) {
            out.push(NamedChart {
                section: section.clone(),
                name: format!("{}_lost", ch.name),
                chart: Chart::Stacked {
                    title: format!(
                        "{} ({kind}): contacts lost per day, on the day they were lost (mean)",
                        ch.name
                    ),
                    y_label: "contacts per day".into(),
                    layers: lost,
                    markers: markers.clone(),
                },
            });
        }
        out.push(fan(
            "handled",
            format!(
                "{} ({kind}): contacts handled per day (services started that day{})",
                ch.name,
                if ch.kind == ChannelKind::Phone {
                    ", callbacks included"
                } else {
                    ""
                }
            ),
            "contacts per day",
            chan(c, "handled_by_event_contacts"),
            1.0,
            None,
        ));
        if rows(c, "callback_requests_contacts")
            .iter()
            .any(|&x| x > 0.0)
        {
            out.push(fan(
                "callbacks",
                format!("{} ({kind}): callbacks owed at the end of the day", ch.name),
                "callbacks requested, not yet made",
                chan(c, "callbacks_owed_end_contacts"),
                1.0,
                None,
            ));
        }
        // Distributions across replications.
        let recovery = rows(c, "sl_recovery_day");
        let n = recovery.len();
        let never = recovery.iter().filter(|x| x.is_nan()).count();
        let fell = recovery.iter().filter(|&&x| x > 0.0).count();
        if fell > 0 || never > 0 {
            out.push(NamedChart {
                section: section.clone(),
                name: format!("{}_recovery", ch.name),
                chart: Chart::Histogram {
                    title: format!(
                        "{} ({kind}): day the service level recovers for good",
                        ch.name
                    ),
                    x_label: format!(
                        "days from the start until the daily service level stays at or above {:.0} %",
                        100.0 * ch.sl_target
                    ),
                    values: recovery,
                    note: format!(
                        "{n} replications; {} never fell below target; {never} had not recovered by the last day",
                        n - fell - never
                    ),
                },
            });
        }
        let peak = rows(c, "queue_max_contacts");
        out.push(NamedChart {
            section: section.clone(),
            name: format!("{}_peak_backlog", ch.name),
            chart: Chart::Histogram {
                title: format!(
                    "{} ({kind}): peak {} across replications",
                    ch.name,
                    if ch.kind == ChannelKind::Email {
                        "backlog"
                    } else {
                        "queue"
                    }
                ),
                x_label: "largest number waiting at once (contacts)".into(),
                values: peak,
                note: format!("{n} replications"),
            },
        });
    }
    // Staff on duty per pool by origin, at 10:00 each day (intervals).
    let per_day = (DAY_S / model.interval_s).round() as usize;
    let at10 = ((10.0 * 3600.0) / model.interval_s) as usize;
    if model.interval_s < DAY_S {
        for (p, pool) in model.pools.iter().enumerate() {
            let get = |key: &str| -> Vec<f64> {
                let k = index_of(POOL_INTERVAL_METRICS, key).expect("a pool metric");
                (0..nd)
                    .map(|d| {
                        let i = (d * per_day + at10).min(model.n_intervals - 1);
                        let v = result.summary.intervals[i * width + nc * nm + p * npm + k].mean;
                        if v.is_finite() { v } else { 0.0 }
                    })
                    .collect()
            };
            out.push(NamedChart {
                section: "Staff on duty".into(),
                name: format!("{}_staff", pool.name),
                chart: Chart::Stacked {
                    title: format!("{}: staff on duty at 10:00, by origin", pool.name),
                    y_label: "staff".into(),
                    layers: vec![
                        ("own".into(), get("pool_own_on_duty_agents")),
                        ("redeployed".into(), get("pool_redeployed_on_duty_agents")),
                        ("hired, productive".into(), get("pool_hired_on_duty_agents")),
                        (
                            "hired, in training".into(),
                            get("pool_hired_training_agents"),
                        ),
                    ],
                    markers: markers_for(&|e| effect_on_pool_or_channel(model, e, Some(p), None)),
                },
            });
        }
    }
    // Cumulative cost by pool.
    let cost_k = index_of(POOL_INTERVAL_METRICS, "pool_cost").expect("pool_cost");
    let layers: Vec<(String, Vec<f64>)> = model
        .pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let mut acc = 0.0;
            let v = (0..nd)
                .map(|d| {
                    let x = days[d * width + nc * nm + p * npm + cost_k].mean;
                    acc += if x.is_finite() { x } else { 0.0 };
                    acc / 1000.0
                })
                .collect();
            (pool.name.clone(), v)
        })
        .collect();
    out.push(NamedChart {
        section: "Cost".into(),
        name: "cost".into(),
        chart: Chart::Stacked {
            title: format!("Staff and hiring cost, cumulative ({})", model.currency),
            y_label: format!("thousand {}", model.currency),
            layers,
            markers: markers_for(&|_| true),
        },
    });
    out
}

/// Whether an action's effect concerns pool `pool` or channel `channel`
/// (directly, or through a pool that serves it).
fn effect_on_pool_or_channel(
    model: &Model,
    effect: &crate::model::Effect,
    pool: Option<usize>,
    channel: Option<usize>,
) -> bool {
    use crate::model::Effect as E;
    let serves = |p: usize| {
        channel.is_some_and(|c| {
            model.pools[p]
                .routes
                .iter()
                .any(|r| model.classes[r.class].channel == c)
        })
    };
    let on_pool = |p: usize| pool == Some(p) || serves(p);
    let on_channel = |c: Option<usize>| channel.is_some() && (c.is_none() || c == channel);
    match effect {
        E::Hire(h) => on_pool(h.pool),
        E::Redeploy(r) => on_pool(r.from) || on_pool(r.to),
        E::PoolHours { pool: q, .. } | E::Support { pool: q, .. } | E::Absence { pool: q, .. } => {
            on_pool(*q)
        }
        E::ChannelHours { channel: c, .. }
        | E::Lines { channel: c, .. }
        | E::Counters { channel: c, .. }
        | E::Callbacks { channel: c, .. } => on_channel(Some(*c)),
        E::Deflect { channel: c, .. } | E::ModelAnswers { channel: c, .. } => on_channel(*c),
        E::Reroute { from, to, .. } => on_channel(*from) || on_channel(Some(*to)),
    }
}
