//! Silent traps: inputs that are valid but almost certainly not what the
//! planner meant. Each becomes a warning (with its key path and line) that
//! `check` and `run` print and the report lists; none stops a run.
//!
//! - a surge that lies wholly outside the horizon;
//! - an arrival table (`file`) that does not cover the whole horizon (there
//!   are no contacts from the entry before or after it);
//! - a pool without `hours` (on duty, and paid, 168 hours a week) serving
//!   channels that have opening hours;
//! - a demand entry whose channel is never open in the horizon;
//! - an action that can never take effect (decided after the horizon, or
//!   effective only after it) or whose trigger watches a channel the action
//!   does not change;
//! - a callback promise shorter than the channel's closed periods.

use std::path::Path;

use crate::scenario::{Scenario, SourceMap, join_path};
use crate::units::human_duration;

use super::surge::daily_volumes;
use super::table::read_arrivals;
use super::{Effect, Fire, Model};

/// The warnings of a compiled model, in file order.
pub fn traps(sc: &Scenario, model: &Model, source: &SourceMap, base_dir: &Path) -> Vec<String> {
    let mut out: Vec<(Option<usize>, String)> = Vec::new();
    let mut warn = |path: &str, message: String| {
        let line = source.line_of_path(path);
        let place = match line {
            Some(l) => format!("{path} (line {l})"),
            None => path.to_string(),
        };
        out.push((line, format!("{place}: {message}")));
    };
    let end_date = model
        .start
        .checked_add(jiff::Span::new().days(i64::from(model.days)))
        .unwrap_or(model.start);

    // Surges wholly outside the horizon.
    let surge_lists = sc
        .demand
        .iter()
        .enumerate()
        .map(|(i, d)| (format!("demand[{i}]"), &d.surges))
        .chain(
            sc.newcomers
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("newcomers[{i}]"), &n.surges)),
        );
    for (owner, surges) in surge_lists {
        for (j, s) in surges.iter().enumerate() {
            let Ok(days) = daily_volumes(s, model.start, model.days, base_dir) else {
                continue;
            };
            let inside: f64 = days.iter().sum();
            let height = s.peak_per_day.unwrap_or(1.0);
            if height > 0.0 && inside < 0.5 {
                warn(
                    &format!("{owner}.surges[{j}]"),
                    format!(
                        "this surge lies wholly outside the horizon ({} to {end_date}): it adds nothing",
                        model.start
                    ),
                );
            }
        }
    }

    // Arrival tables that do not cover the horizon.
    for (i, d) in sc.demand.iter().enumerate() {
        let Some(file) = &d.file else { continue };
        let Ok(table) = read_arrivals(&base_dir.join(file), model.start) else {
            continue;
        };
        let at = |s: f64| model.datetime_at(s).strftime("%Y-%m-%d %H:%M").to_string();
        let (a, b) = (table.first_s, table.end_s());
        let mut gaps = Vec::new();
        if a >= model.horizon_s || b <= 0.0 {
            gaps.push("the whole horizon".to_string());
        } else {
            if a > 0.0 {
                gaps.push(format!("from {} to {}", at(0.0), at(a)));
            }
            if b < model.horizon_s {
                gaps.push(format!("from {} to {}", at(b), at(model.horizon_s)));
            }
        }
        if !gaps.is_empty() {
            warn(
                &format!("demand[{i}].file"),
                format!(
                    "the arrival table {file} runs from {} to {}, so this entry has no contacts {} (the horizon runs {} to {end_date}); extend the table or shorten the horizon",
                    at(a),
                    at(b),
                    gaps.join(" and "),
                    model.start
                ),
            );
        }
    }

    // Channels whose hours some action changes (never-open is then a plan).
    let hours_changed = |c: usize| {
        model
            .actions
            .iter()
            .any(|a| matches!(a.effect, Effect::ChannelHours { channel, .. } if channel == c))
    };

    // Pools on duty around the clock serving channels with hours.
    for (name, pool) in &sc.pools {
        if pool.hours.is_some() {
            continue;
        }
        let Some(p) = model.pools.iter().position(|q| &q.name == name) else {
            continue;
        };
        let with_hours: Vec<&str> = model
            .channels
            .iter()
            .enumerate()
            .filter(|(c, ch)| {
                ch.pools.contains(&p)
                    && sc.channels.get(&ch.name).is_some_and(|s| s.hours.is_some())
                    && !hours_changed(*c)
            })
            .map(|(_, ch)| ch.name.as_str())
            .collect();
        if !with_hours.is_empty() {
            warn(
                &join_path("pools", name),
                format!(
                    "this pool has no `hours`, so its staff are on duty (and paid) 168 hours a week, while {} it serves {} opening hours; give the pool `hours` to match",
                    list(&with_hours, "channel"),
                    if with_hours.len() == 1 { "has" } else { "have" }
                ),
            );
        }
    }

    // Demand on channels that are never open.
    let mut seen = std::collections::BTreeSet::new();
    for d in &model.demands {
        let ch = &model.channels[d.channel];
        let open_s = ch.open.overlap(0.0, model.horizon_s);
        if open_s <= 0.0 && !hours_changed(d.channel) && seen.insert(d.origin.clone()) {
            warn(
                &d.origin,
                format!(
                    "channel `{}` is never open in the horizon, so these contacts are never offered",
                    ch.name
                ),
            );
        }
    }

    // Actions decided after the horizon (left out of the model).
    for (i, a) in sc.actions.iter().enumerate() {
        let in_run = a.enabled
            && a.plan
                .as_ref()
                .is_none_or(|p| sc.plans.get(p).is_none_or(|p| p.enabled));
        if let Some(at) = a.at
            && in_run
            && at.secs_after(model.start) >= model.horizon_s
        {
            warn(
                &format!("actions[{i}].at"),
                format!(
                    "action `{}` is decided after the horizon ends ({end_date}): it never fires",
                    a.id
                ),
            );
        }
    }

    // Actions that take effect too late, or watch the wrong channel.
    for a in &model.actions {
        let Some(i) = sc.actions.iter().position(|s| s.id == a.id) else {
            continue;
        };
        let path = format!("actions[{i}]");
        match &a.fire {
            Fire::At(t) if t + a.delay_s >= model.horizon_s => warn(
                &format!("{path}.delay"),
                format!(
                    "action `{}` takes effect only after the horizon ends ({end_date}): it changes nothing",
                    a.id
                ),
            ),
            Fire::When(trigger) if !trigger.metric.on_pool() => {
                let watched = trigger.target;
                if !affects(model, &a.effect, watched) {
                    warn(
                        &format!("{path}.when"),
                        format!(
                            "action `{}` is triggered by channel `{}`, which it does not change: check that the trigger names the right channel",
                            a.id, model.channels[watched].name
                        ),
                    );
                }
            }
            _ => {}
        }
        // Hires decided at a date who only start work after the horizon:
        // they are paid (hiring, training) but never answer anything.
        if let (Fire::At(t), Effect::Hire(h)) = (&a.fire, &a.effect) {
            let arrive_s = t + a.delay_s + h.lead_s;
            let work_s = arrive_s + h.training_s;
            if t + a.delay_s < model.horizon_s && work_s >= model.horizon_s {
                let arrive = if arrive_s < model.horizon_s {
                    format!(
                        "they arrive on {} and train until the horizon ends",
                        model.datetime_at(arrive_s).date()
                    )
                } else {
                    "they arrive only after the horizon ends".to_string()
                };
                warn(
                    &format!("{path}.lead_time"),
                    format!(
                        "the hires of action `{}` would start work on {}, after the horizon ends ({end_date}); {arrive}, so they cost money and answer nothing: decide earlier, shorten `lead_time` or `training`, or lengthen `days`",
                        a.id,
                        model.datetime_at(work_s).date()
                    ),
                );
            }
        }
        if let Effect::Callbacks {
            channel, within_s, ..
        } = a.effect
        {
            let (gap, from) = longest_closure(model, channel);
            if gap > within_s {
                warn(
                    &format!("{path}.within"),
                    format!(
                        "callbacks are promised within {}, but channel `{}` is closed for up to {} at a time (from {}): a request made before such a closure cannot be kept",
                        human_duration(within_s),
                        model.channels[channel].name,
                        human_duration(gap),
                        model.datetime_at(from).strftime("%a %Y-%m-%d %H:%M")
                    ),
                );
            }
        }
    }

    out.sort_by_key(|(line, _)| line.unwrap_or(usize::MAX));
    out.into_iter().map(|(_, w)| w).collect()
}

/// `channel \`a\`` or `channels \`a\` and \`b\``.
fn list(names: &[&str], word: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [one] => format!("{word} {one}"),
        [rest @ .., last] => format!("{word}s {} and {last}", rest.join(", ")),
        [] => String::new(),
    }
}

/// Whether pool `p` serves channel `c`.
fn serves(model: &Model, p: usize, c: usize) -> bool {
    model.channels[c].pools.contains(&p)
}

/// Whether a topic has demand on channel `c`.
fn topic_on(model: &Model, topic: usize, c: usize) -> bool {
    model
        .classes
        .iter()
        .any(|k| k.topic == topic && k.channel == c)
}

/// Whether an action's effect changes channel `c` directly: its capacity,
/// hours, staff, demand or handle times.
fn affects(model: &Model, effect: &Effect, c: usize) -> bool {
    match effect {
        Effect::Hire(h) => serves(model, h.pool, c),
        Effect::Redeploy(r) => serves(model, r.from, c) || serves(model, r.to, c),
        Effect::ChannelHours { channel, .. }
        | Effect::Lines { channel, .. }
        | Effect::Counters { channel, .. }
        | Effect::Callbacks { channel, .. } => *channel == c,
        Effect::PoolHours { pool, .. }
        | Effect::Support { pool, .. }
        | Effect::Absence { pool, .. } => serves(model, *pool, c),
        Effect::Deflect { topic, channel, .. } | Effect::ModelAnswers { topic, channel, .. } => {
            channel.map_or_else(|| topic_on(model, *topic, c), |ch| ch == c)
        }
        Effect::Reroute { from, to, .. } => *to == c || from.is_none_or(|f| f == c),
    }
}

/// The longest closed period of channel `c` between two openings in the
/// horizon and when it starts, seconds (0 for a channel always open).
fn longest_closure(model: &Model, c: usize) -> (f64, f64) {
    model.channels[c]
        .open
        .spans()
        .windows(2)
        .map(|w| (w[1].0 - w[0].1, w[0].1))
        .fold((0.0, 0.0), |best, x| if x.0 > best.0 { x } else { best })
}
