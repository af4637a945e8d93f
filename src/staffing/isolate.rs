//! The channel on its own: a copy of the compiled model with only the
//! channel, its demand (first attempts, newcomers' contacts, redials and
//! returns as the channel models them) and one pool of dedicated agents
//! whose staff on duty follow a staffing table, one number per step.
//!
//! Left out, so that the advice answers "what does this demand need":
//! the contingency actions (hiring, redeployment, deflection, model
//! answers), the other channels and pools (a pool that serves several
//! channels is advised per channel, see the README), switching to other
//! channels (those contacts leave), interpreters (calls that need one are
//! served directly, at their language's handle factor), breaks, absence
//! and learning curves (they are added back when agents become people:
//! shrinkage).

use crate::model::{Channel, Class, DAY_S, Intervals, Model, Pool, Route};

/// The model of channel `c` alone, reporting every `sample_s` seconds,
/// with `agents[j]` dedicated agents on duty in step `j` of `step_s`
/// seconds.
pub fn isolate(model: &Model, c: usize, step_s: f64, sample_s: f64, agents: &[u32]) -> Model {
    let nc = model.channels.len();
    let nt = model.topics.len();
    let nl = model.languages.len();
    let mut m = model.clone();
    let mut ch: Channel = model.channels[c].clone();
    ch.switch = None;
    ch.pools = vec![0];
    m.channels = vec![ch];
    m.handles = (0..nt).map(|t| model.handles[t * nc + c].clone()).collect();
    m.demands = model
        .demands
        .iter()
        .filter(|d| d.channel == c)
        .cloned()
        .map(|mut d| {
            d.channel = 0;
            d
        })
        .collect();
    let mut classes: Vec<Class> = Vec::new();
    let mut class_of = vec![usize::MAX; nt * nl * 2];
    for (k, class) in model.classes.iter().enumerate() {
        if class.channel != c {
            continue;
        }
        let _ = k;
        let i = (class.topic * nl + class.language) * 2 + usize::from(class.appointment);
        class_of[i] = classes.len();
        classes.push(Class {
            channel: 0,
            pools: vec![(0, None)],
            ..class.clone()
        });
    }
    let routes = (0..classes.len())
        .map(|class| Route {
            class,
            level: 0,
            interpreter: None,
        })
        .collect();
    m.classes = classes;
    m.class_of = class_of;
    m.interpreters = Vec::new();
    m.actions = Vec::new();
    m.interval_s = sample_s;
    m.n_intervals = (m.horizon_s / sample_s).ceil() as usize;
    let staffing = table(agents, step_s, m.horizon_s);
    m.pools = vec![Pool {
        name: "advised".into(),
        headcount: agents.iter().copied().max().unwrap_or(0).max(1),
        on_duty: Intervals::always(m.horizon_s),
        holiday_roster: Intervals::default(),
        holiday_pay: false,
        breaks: Vec::new(),
        absence: 0.0,
        speed: 1.0,
        cost_per_hour: 0.0,
        deferred_share: 0.0,
        languages: vec![true; nl],
        routes,
        wellbeing: None,
        weekly_s: 7.0 * DAY_S,
        staffing,
    }];
    m
}

/// Change points of a staffing of `agents[j]` in step `j`.
pub fn table(agents: &[u32], step_s: f64, horizon_s: f64) -> Vec<(f64, u32)> {
    let mut out: Vec<(f64, u32)> = Vec::new();
    for (j, &a) in agents.iter().enumerate() {
        let t = j as f64 * step_s;
        if t >= horizon_s {
            break;
        }
        match out.last() {
            Some(&(_, last)) if last == a => {}
            _ => out.push((t, a)),
        }
    }
    if out.is_empty() {
        out.push((0.0, 0));
    }
    out
}
