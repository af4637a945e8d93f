//! The situation as a duty manager sees it after each step: the last step's
//! and the last seven days' contacts per channel, service level, waits,
//! abandonment, callbacks owed, backlogs and their oldest item, people
//! turned away, staff on duty and in the hiring pipeline, cost so far,
//! trends as sparklines, and the news (injects, decisions taking effect,
//! hires arriving).

use crate::engine::{ChannelInterval, Counts, PoolTally, RepOutcome};
use crate::model::{ChannelKind, Effect, Model};
use crate::report::table::group_thousands as thousands;
use crate::units::human_duration;

/// `Tue 08 Mar 2022 14:00` (the time left out at midnight).
pub fn when(m: &Model, secs: f64) -> String {
    if !secs.is_finite() {
        return "when its trigger holds".into();
    }
    let at = super::moment_at(m.start, secs);
    let date = at.date.strftime("%a %d %b %Y").to_string();
    if at.time_s == 0.0 {
        date
    } else {
        let s = at.time_s as u32;
        format!("{date} {:02}:{:02}", s / 3600, s % 3600 / 60)
    }
}

/// Day number and date: `day 9 (Wed 16 Mar 2022)`.
pub fn day_label(m: &Model, secs: f64) -> String {
    format!(
        "day {} ({})",
        (secs / 86_400.0).floor() as i64 + 1,
        when(m, (secs / 86_400.0).floor() * 86_400.0)
    )
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.0} %", 100.0 * x)
    } else {
        "–".into()
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Sum of a channel's counts over intervals `[from, to)`.
fn counts(m: &Model, w: &RepOutcome, c: usize, from: usize, to: usize) -> (Counts, f64) {
    let nc = m.channels.len();
    let mut k = Counts::default();
    let mut busy = 0.0;
    for i in from..to.min(m.n_intervals) {
        let iv: &ChannelInterval = &w.channel_intervals[i * nc + c];
        k.add(&iv.counts);
        busy += iv.busy_area;
    }
    (k, busy)
}

fn pool_sum(m: &Model, w: &RepOutcome, p: usize, from: usize, to: usize) -> PoolTally {
    let np = m.pools.len();
    let mut t = PoolTally::default();
    for i in from..to.min(m.n_intervals) {
        let x = &w.pool_intervals[i * np + p];
        t.on_duty_area += x.on_duty_area;
        t.busy_area += x.busy_area;
        t.own_area += x.own_area;
        t.redeployed_area += x.redeployed_area;
        t.hired_area += x.hired_area;
        t.training_area += x.training_area;
        t.rostered_s += x.rostered_s;
        t.cost += x.cost;
        t.handled += x.handled;
    }
    t
}

/// `▁▂▃▅▇` from values in `[lo, hi]` (a space for a missing value).
pub fn sparkline(values: &[f64], lo: f64, hi: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                ' '
            } else {
                let x = ((v - lo) / (hi - lo).max(1e-12)).clamp(0.0, 1.0);
                BARS[((x * 7.0).round() as usize).min(7)]
            }
        })
        .collect()
}

/// Intervals per day.
fn per_day(m: &Model) -> usize {
    ((86_400.0 / m.interval_s).round() as usize).max(1)
}

/// The situation at `now_s` after a step of `step_s`: only what happened
/// before `now_s` is shown.
pub fn situation(m: &Model, w: &RepOutcome, now_s: f64, step_s: f64, news: &[String]) -> String {
    let mut s = String::new();
    let now_i = ((now_s / m.interval_s).round() as usize).min(m.n_intervals);
    let step_i = ((step_s / m.interval_s).round() as usize).max(1);
    let from_i = now_i.saturating_sub(step_i);
    let pd = per_day(m);
    let week_i = now_i.saturating_sub(7 * pd);
    let step_words = if (step_s - 86_400.0).abs() < 1.0 {
        "yesterday".to_string()
    } else {
        format!("last {}", human_duration(step_s))
    };
    let done_days = now_s / 86_400.0;
    s.push_str(&format!(
        "══ {} · {:.0} of {} days played · {} ══\n",
        if now_s >= m.horizon_s - 1e-6 {
            format!("the end ({})", when(m, m.horizon_s))
        } else {
            format!("{} 00:00", day_label(m, now_s)).replace(" 00:00", "")
        },
        done_days.floor(),
        m.days,
        m.name
    ));
    if now_i == 0 {
        s.push_str(
            "The crisis has not started yet: nothing has happened. Take decisions, or `advance`.\n",
        );
    }
    if !news.is_empty() {
        s.push_str("\nNEWS\n");
        for n in news {
            s.push_str(&format!("  • {n}\n"));
        }
    }
    if now_i > 0 {
        s.push_str(&format!(
            "\n{:<24}{:>14}{:>14}   trend, last 14 days\n",
            "", step_words, "last 7 days"
        ));
    }
    // Public channels first, internal work queues last.
    let order = m
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.internal)
        .chain(m.channels.iter().enumerate().filter(|(_, c)| c.internal));
    for (c, ch) in order {
        if now_i == 0 {
            break;
        }
        let (k, _) = counts(m, w, c, from_i, now_i);
        let (kw, _) = counts(m, w, c, week_i, now_i);
        let last = &w.channel_intervals[(now_i - 1) * m.channels.len() + c];
        let kind = match ch.kind {
            ChannelKind::Phone => "phone",
            ChannelKind::Email => "e-mail",
            ChannelKind::Desk => "desk",
        };
        let internal = if ch.internal { ", internal" } else { "" };
        s.push_str(&format!("{} ({kind}{internal})\n", ch.name));
        let row = |s: &mut String, label: &str, a: String, b: String, trend: String| {
            s.push_str(&format!("  {label:<22}{a:>14}{b:>14}   {trend}\n"));
        };
        let days: Vec<(usize, usize)> = {
            let first_day = (now_i / pd).saturating_sub(14);
            (first_day..now_i.div_ceil(pd))
                .map(|d| (d * pd, ((d + 1) * pd).min(now_i)))
                .collect()
        };
        let daily = |f: &dyn Fn(&Counts, &ChannelInterval) -> f64| -> Vec<f64> {
            days.iter()
                .map(|&(a, b)| {
                    let (k, _) = counts(m, w, c, a, b);
                    let end = &w.channel_intervals[(b - 1) * m.channels.len() + c];
                    f(&k, end)
                })
                .collect()
        };
        let threshold = human_duration(ch.answer_within_s);
        let offered_trend = daily(&|k, _| k.offered);
        let hi = offered_trend
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(1.0, f64::max);
        row(
            &mut s,
            if ch.kind == ChannelKind::Email {
                "received"
            } else {
                "offered"
            },
            thousands(k.offered),
            thousands(kw.offered),
            sparkline(&offered_trend, 0.0, hi),
        );
        match ch.kind {
            ChannelKind::Phone | ChannelKind::Desk => {
                let sl = crate::kpi::live_service_level;
                row(
                    &mut s,
                    &format!("within {threshold} (≥ {})", pct(ch.sl_target)),
                    pct(sl(&k)),
                    pct(sl(&kw)),
                    sparkline(&daily(&|k, _| sl(k)), 0.0, 1.0),
                );
                row(
                    &mut s,
                    "average wait",
                    human_duration(ratio(k.wait_answered_s, k.answered)),
                    human_duration(ratio(kw.wait_answered_s, kw.answered)),
                    String::new(),
                );
                if ch.kind == ChannelKind::Phone {
                    row(
                        &mut s,
                        "abandoned",
                        pct(ratio(k.abandoned, k.offered)),
                        pct(ratio(kw.abandoned, kw.offered)),
                        sparkline(&daily(&|k, _| ratio(k.abandoned, k.offered)), 0.0, 0.5),
                    );
                    if ch.lines.is_some() {
                        row(
                            &mut s,
                            "busy signal (all lines)",
                            pct(ratio(k.blocked, k.offered)),
                            pct(ratio(kw.blocked, kw.offered)),
                            String::new(),
                        );
                    }
                    if k.callbacks + kw.callbacks + last.callbacks_owed_end > 0.0 {
                        row(
                            &mut s,
                            "callbacks requested",
                            thousands(k.callbacks),
                            thousands(kw.callbacks),
                            format!("owed now: {}", thousands(last.callbacks_owed_end)),
                        );
                    }
                } else {
                    row(
                        &mut s,
                        "turned away",
                        thousands(k.turned_away),
                        thousands(kw.turned_away),
                        String::new(),
                    );
                    if k.abandoned + kw.abandoned > 0.0 {
                        row(
                            &mut s,
                            "left the queue",
                            thousands(k.abandoned),
                            thousands(kw.abandoned),
                            String::new(),
                        );
                    }
                }
            }
            ChannelKind::Email => {
                row(
                    &mut s,
                    "answered",
                    thousands(k.handled_event),
                    thousands(kw.handled_event),
                    String::new(),
                );
                let backlog = daily(&|_, end| end.backlog_end);
                let hi = backlog
                    .iter()
                    .copied()
                    .filter(|x| x.is_finite())
                    .fold(1.0, f64::max);
                row(
                    &mut s,
                    "backlog now",
                    thousands(last.backlog_end),
                    String::new(),
                    format!(
                        "{}   oldest waiting {}",
                        sparkline(&backlog, 0.0, hi),
                        human_duration(last.oldest_age_end_s)
                    ),
                );
            }
        }
        if ch.kind != ChannelKind::Email
            && (last.backlog_end > 0.0 || last.callbacks_owed_end > 0.0)
        {
            s.push_str(&format!(
                "  now: {} waiting, the oldest for {}\n",
                thousands(last.backlog_end),
                human_duration(last.oldest_age_end_s)
            ));
        }
    }
    // Staff.
    if now_i > 0 {
        s.push_str(&format!(
            "\n{:<24}{:>10}{:>10}{:>12}{:>10}{:>10}{:>12}\n",
            "staff (average on duty)", "own", "moved in", "hired", "training", "busy", "headcount"
        ));
    }
    for (p, pool) in m.pools.iter().enumerate() {
        if now_i == 0 {
            break;
        }
        let t = pool_sum(m, w, p, from_i, now_i);
        let r = t.rostered_s.max(1.0);
        s.push_str(&format!(
            "  {:<22}{:>10.1}{:>10.1}{:>12.1}{:>10.1}{:>10}{:>12}\n",
            pool.name,
            t.own_area / r,
            t.redeployed_area / r,
            t.hired_area / r,
            t.training_area / r,
            pct(ratio(t.busy_area, t.on_duty_area)),
            pool.headcount
        ));
    }
    // The pipeline: hires decided, not yet productive.
    let mut pipeline = Vec::new();
    for a in &m.actions {
        if let Effect::Hire(h) = &a.effect {
            let effect = super::effect_time(a);
            let decided = w.firings.iter().any(|f| {
                m.actions.get(f.action).map(|x| &x.id) == Some(&a.id)
                    && !f.release
                    && f.decided_s < now_s
            });
            let productive = effect + h.lead_s + h.training_s;
            if decided && productive > now_s {
                pipeline.push(format!(
                    "{} × {} ({}): arrive {}, take contacts from {}",
                    h.count,
                    m.pools[h.pool].name,
                    a.id,
                    when(m, effect + h.lead_s),
                    when(m, productive)
                ));
            }
        }
    }
    if !pipeline.is_empty() {
        s.push_str("  hiring pipeline:\n");
        for p in pipeline {
            s.push_str(&format!("    {p}\n"));
        }
    }
    if now_i > 0 {
        let np = m.pools.len();
        let (mut step_cost, mut total) = (0.0, 0.0);
        for i in 0..now_i {
            for p in 0..np {
                let c = w.pool_intervals[i * np + p].cost;
                total += c;
                if i >= from_i {
                    step_cost += c;
                }
            }
        }
        s.push_str(&format!(
            "\nstaff cost so far {} {} ({} {})\n",
            thousands(total),
            m.currency,
            step_words,
            thousands(step_cost)
        ));
    }
    s
}

/// What happened in `(from_s, to_s]`: injects, decisions and plan actions
/// taking effect or ending, hires arriving and starting work.
pub fn news(
    m: &Model,
    w: &RepOutcome,
    from_s: f64,
    to_s: f64,
    mine: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut items: Vec<(f64, String)> = Vec::new();
    let within = |t: f64| t >= from_s && t < to_s;
    for inj in &m.injects {
        if within(inj.at_s) {
            items.push((inj.at_s, format!("{} — {}", when(m, inj.at_s), inj.news)));
        }
        if let Some(e) = inj.end_s
            && within(e)
        {
            items.push((e, format!("{} — over: {}", when(m, e), inj.news)));
        }
    }
    for f in &w.firings {
        let Some(a) = m.actions.get(f.action) else {
            continue;
        };
        if a.inject.is_some() {
            continue;
        }
        let whose = if mine(&a.id) {
            "your decision"
        } else {
            "standing rule"
        };
        if f.release {
            if within(f.effect_s) {
                items.push((
                    f.effect_s,
                    format!(
                        "{} — ended: {} ({whose} {})",
                        when(m, f.effect_s),
                        a.describe(m),
                        a.id
                    ),
                ));
            }
            continue;
        }
        if f.value.is_finite() && within(f.decided_s) && whose != "your decision" {
            items.push((
                f.decided_s,
                format!(
                    "{} — triggered: {} ({})",
                    when(m, f.decided_s),
                    a.describe(m),
                    a.id
                ),
            ));
        }
        if within(f.effect_s) {
            items.push((
                f.effect_s,
                format!(
                    "{} — in effect: {} ({whose} {})",
                    when(m, f.effect_s),
                    a.describe(m),
                    a.id
                ),
            ));
        }
        if let Effect::Hire(h) = &a.effect {
            let arrive = f.effect_s + h.lead_s;
            let work = arrive + h.training_s;
            if within(arrive) && h.lead_s > 0.0 {
                items.push((
                    arrive,
                    format!(
                        "{} — {} new staff arrive in {}{} ({})",
                        when(m, arrive),
                        h.count,
                        m.pools[h.pool].name,
                        if h.training_s > 0.0 {
                            " and start training"
                        } else {
                            ""
                        },
                        a.id
                    ),
                ));
            }
            if within(work) && h.training_s > 0.0 {
                items.push((
                    work,
                    format!(
                        "{} — {} new staff of {} start taking contacts ({})",
                        when(m, work),
                        h.count,
                        m.pools[h.pool].name,
                        a.id
                    ),
                ));
            }
        }
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    items.into_iter().map(|(_, t)| t).collect()
}

/// A decision as confirmed to the trainees: what it does, when it takes
/// effect, what it costs.
pub fn describe_decision(m: &Model, a: &crate::model::Action, now_s: f64) -> String {
    let mut s = format!("{}: {}\n", a.id, a.describe(m));
    let effect = super::effect_time(a);
    s.push_str(&format!("  decided {}", when(m, now_s)));
    if effect.is_finite() && effect > now_s {
        s.push_str(&format!(", in effect {}", when(m, effect)));
    }
    let cur = &m.currency;
    match &a.effect {
        Effect::Hire(h) => {
            s.push_str(&format!(
                "; they arrive {} and take contacts from {}\n",
                when(m, effect + h.lead_s),
                when(m, effect + h.lead_s + h.training_s)
            ));
            let roster = h.roster.as_ref().map_or(&m.pools[h.pool].on_duty, |r| &r.0);
            let week = 7.0f64 * 86_400.0;
            let hours =
                roster.overlap(0.0, week.min(m.horizon_s)) / 3600.0 * week / week.min(m.horizon_s);
            s.push_str(&format!(
                "  cost: {} {cur} one-off ({} × {}) and about {} {cur} a week on the roster from their arrival ({} × {:.1} h × {} {cur}/h)",
                thousands(f64::from(h.count) * h.cost_per_hire),
                h.count,
                crate::units::trim_float(h.cost_per_hire),
                thousands(f64::from(h.count) * hours * h.cost_per_hour),
                h.count,
                hours,
                crate::units::trim_float(h.cost_per_hour)
            ));
            if let Some((p, n)) = h.trainers {
                s.push_str(&format!(
                    "; {n} trainers from {} are off their work during the training",
                    m.pools[p].name
                ));
            }
        }
        Effect::Redeploy(r) => {
            s.push_str(&format!(
                "; they work in {} from {}\n  cost: no new pay; {} has {} fewer staff, and its own work waits",
                m.pools[r.to].name,
                when(m, effect + r.switch_s),
                m.pools[r.from].name,
                r.count
            ));
        }
        Effect::PoolHours {
            pool,
            on_duty,
            scale,
            cost_factor,
            ..
        } => {
            let p = &m.pools[*pool];
            let week = 7.0f64 * 86_400.0;
            let old = p.on_duty.overlap(0.0, week.min(m.horizon_s)) / 3600.0;
            let new = on_duty.overlap(0.0, week.min(m.horizon_s)) / 3600.0 * scale;
            s.push_str(&format!(
                "\n  cost: {:.1} → {:.1} staffed hours a week per person, pay × {} on the extra hours: about {} {cur} more a week for {} staff",
                old,
                new,
                crate::units::trim_float(*cost_factor),
                thousands((new - old).max(0.0) * f64::from(p.headcount) * p.cost_per_hour * cost_factor),
                p.headcount
            ));
        }
        Effect::Lines { channel, lines }
        | Effect::Counters {
            channel,
            counters: lines,
        } => {
            let ch = &m.channels[*channel];
            let before = ch.lines.or(ch.counters).unwrap_or(0);
            if ch.cost_per_day > 0.0 {
                s.push_str(&format!(
                    "\n  cost: {} → {} at {} {cur} a day each: {} {cur} a day",
                    before,
                    lines,
                    crate::units::trim_float(ch.cost_per_day),
                    thousands(f64::from(*lines) * ch.cost_per_day)
                ));
            } else {
                s.push_str(&format!(
                    "\n  {} → {}; no cost in the scenario",
                    before, lines
                ));
            }
        }
        _ => s.push_str("\n  no cost in the scenario"),
    }
    s.push_str("\n  (`undo` takes it back before it is in effect)");
    s
}
