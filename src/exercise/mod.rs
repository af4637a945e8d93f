//! Preparedness exercises: a crisis played a step at a time by a team of
//! trainees, who see what a duty manager would see and take the decisions a
//! contingency plan offers.
//!
//! The world the trainees see is one replication (number 0 of the trainer's
//! seed) of the scenario with its contingency plans switched off and the
//! trainees' decisions added as `[[actions]]` of a plan called `exercise`,
//! each decided at the moment it was typed (`at`). Injects stay in: they
//! are the scenario's script. Since every random number of the engine
//! comes from streams of their own (per demand stream, per person, per
//! action), a decision taken at time t changes nothing before t: the world
//! is simply simulated again from the start with the decisions so far, and
//! shown up to the present. That is what makes a session replayable from
//! its decisions file alone, and what lets the debrief run the same
//! decisions on many replications.
//!
//! Files:
//! - `mod.rs`: the session ([`Session`]): decisions, time, the world;
//! - `command.rs`: what a typed line means ([`Command`]);
//! - `decision.rs`: a decision as `[[actions]]` TOML, and decisions files;
//! - `view.rs`: the situation as a duty manager sees it, and the news;
//! - `debrief.rs`: the outcome against doing nothing and the scenario's own
//!   plan, on the same random numbers, over many replications;
//! - `briefing.rs`: the printable briefing page.

pub mod briefing;
pub mod command;
pub mod debrief;
pub mod decision;
pub mod view;

pub use command::Command;
pub use decision::{Decision, DecisionsFile};

use crate::engine::{RepOutcome, simulate};
use crate::model::{Effect, Model, compile};
use crate::scenario::{LoadedScenario, Moment, Plan, Scenario};

/// The plan that holds the trainees' decisions.
pub const PLAN: &str = "exercise";

/// Which world to build from the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum World {
    /// Plans off, the trainees' decisions on.
    Trainees,
    /// Plans off, no decisions: doing nothing.
    Nothing,
    /// The scenario as written, with its enabled plans (all its plans when
    /// none is enabled).
    Plan,
}

/// A running exercise.
pub struct Session {
    loaded: LoadedScenario,
    /// Seed of the world (and of the debrief's replications).
    pub seed: u64,
    /// Seconds the world moves at each `advance`.
    pub step_s: f64,
    /// The present, seconds from the start.
    pub now_s: f64,
    /// Decisions so far, in the order taken.
    pub decisions: Vec<Decision>,
    model: Model,
    world: RepOutcome,
    dirty: bool,
}

impl Session {
    /// Starts an exercise at the scenario's start, with no decisions.
    pub fn new(loaded: LoadedScenario, seed: Option<u64>, step_s: f64) -> Result<Session, String> {
        let seed = seed.unwrap_or(loaded.scenario.scenario.seed);
        let model = build(&loaded, World::Trainees, &[], seed)?;
        if step_s.is_nan() || step_s <= 0.0 {
            return Err("--step must be longer than zero".into());
        }
        let ratio = step_s / model.interval_s;
        if (ratio - ratio.round()).abs() > 1e-9 || ratio.round() < 1.0 {
            return Err(format!(
                "--step must be a whole number of the scenario's reporting intervals ({})",
                crate::units::human_duration(model.interval_s)
            ));
        }
        if step_s > model.horizon_s {
            return Err(format!(
                "--step {} is longer than the scenario ({} days)",
                crate::units::human_duration(step_s),
                model.days
            ));
        }
        let world = simulate(&model, 0);
        Ok(Session {
            loaded,
            seed,
            step_s,
            now_s: 0.0,
            decisions: Vec::new(),
            model,
            world,
            dirty: false,
        })
    }

    /// The scenario as loaded.
    pub fn loaded(&self) -> &LoadedScenario {
        &self.loaded
    }

    /// The model of the world with the decisions so far.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The world with the decisions so far, simulated over the whole
    /// horizon; only what lies before [`Session::now_s`] may be shown.
    pub fn world(&mut self) -> &RepOutcome {
        self.refresh();
        &self.world
    }

    /// The model and the world together.
    pub fn model_and_world(&mut self) -> (&Model, &RepOutcome) {
        self.refresh();
        (&self.model, &self.world)
    }

    fn refresh(&mut self) {
        if self.dirty {
            self.world = simulate(&self.model, 0);
            self.dirty = false;
        }
    }

    /// Whether the horizon is reached.
    pub fn finished(&self) -> bool {
        self.now_s >= self.model.horizon_s - 1e-6
    }

    /// The present as a moment of the scenario's calendar.
    pub fn now_moment(&self) -> Moment {
        moment_at(self.model.start, self.now_s)
    }

    /// Takes a decision now: `kind` and its `key=value` pairs. Returns what
    /// it does, when it takes effect and what it costs; refuses impossible
    /// decisions with the reason, leaving the session as it was.
    pub fn decide(&mut self, kind: &str, pairs: &[(String, String)]) -> Result<String, String> {
        let id = self.next_id(kind);
        let d = Decision::new(&id, kind, self.now_moment(), pairs)?;
        self.try_add(d)
    }

    /// Takes the scenario's own plan action `id` now (its keys as written,
    /// decided at the present instead of its date or trigger).
    pub fn enact(&mut self, id: &str) -> Result<String, String> {
        let Some(a) = self.loaded.scenario.actions.iter().find(|a| a.id == id) else {
            let ids: Vec<&str> = self
                .loaded
                .scenario
                .actions
                .iter()
                .filter(|a| a.plan.is_some())
                .map(|a| a.id.as_str())
                .collect();
            return Err(if ids.is_empty() {
                format!("no action `{id}`: the scenario has no contingency plan")
            } else {
                format!(
                    "no action `{id}` in the scenario; its plan has: {}",
                    ids.join(", ")
                )
            });
        };
        let new_id = self.next_id(&a.id);
        let d = Decision::from_plan_action(&new_id, a, self.now_moment())?;
        self.try_add(d)
    }

    fn next_id(&self, what: &str) -> String {
        let taken = |id: &str| {
            self.decisions.iter().any(|d| d.id == id)
                || self.loaded.scenario.actions.iter().any(|a| a.id == id)
        };
        let mut n = self.decisions.len() + 1;
        loop {
            let id = format!("d{n:02}_{what}");
            if !taken(&id) {
                return id;
            }
            n += 1;
        }
    }

    fn try_add(&mut self, d: Decision) -> Result<String, String> {
        let mut all = self.decisions.clone();
        all.push(d);
        let model = build(&self.loaded, World::Trainees, &all, self.seed)?;
        let Some(a) = model
            .actions
            .iter()
            .find(|a| Some(&a.id) == all.last().map(|d| &d.id))
        else {
            return Err("the decision is switched off (enabled = false)".into());
        };
        self.feasible(&model, a)?;
        let text = view::describe_decision(&model, a, self.now_s);
        self.model = model;
        self.decisions = all;
        self.dirty = true;
        Ok(text)
    }

    /// Refuses what the agency cannot do: moving more staff than a pool
    /// has left after the redeployments already decided.
    fn feasible(&self, model: &Model, a: &crate::model::Action) -> Result<(), String> {
        if let Effect::Redeploy(r) = &a.effect {
            let out: u32 = model
                .actions
                .iter()
                .filter(|b| b.id != a.id && self.decisions.iter().any(|d| d.id == b.id))
                .filter_map(|b| match &b.effect {
                    Effect::Redeploy(o) if o.from == r.from && !self.ended(b) => Some(o.count),
                    _ => None,
                })
                .sum();
            let pool = &model.pools[r.from];
            let left = pool.headcount.saturating_sub(out);
            if r.count > left {
                return Err(format!(
                    "{} has {} staff{}: cannot move {}",
                    pool.name,
                    left,
                    if out > 0 {
                        format!(" left ({} of {} already redeployed)", out, pool.headcount)
                    } else {
                        String::new()
                    },
                    r.count
                ));
            }
            if r.count == 0 {
                return Err("count must be at least 1".into());
            }
        }
        if let Effect::Hire(h) = &a.effect
            && h.count == 0
        {
            return Err("count must be at least 1".into());
        }
        Ok(())
    }

    /// Whether a decided action is undone by now (an `until` in the past).
    fn ended(&self, a: &crate::model::Action) -> bool {
        match &a.release {
            Some(crate::model::Fire::At(t)) => *t <= self.now_s,
            _ => false,
        }
    }

    /// Takes back the last decision if it is not yet in effect.
    pub fn undo(&mut self) -> Result<String, String> {
        let Some(last) = self.decisions.last() else {
            return Err("no decision to take back".into());
        };
        let effect_s = self
            .model
            .actions
            .iter()
            .find(|a| a.id == last.id)
            .map_or(f64::INFINITY, effect_time);
        if effect_s < self.now_s {
            return Err(format!(
                "{} took effect on {}: it can no longer be taken back (`end {}` stops it from now on)",
                last.id,
                view::when(&self.model, effect_s),
                last.id
            ));
        }
        let gone = self.decisions.pop().expect("a last decision");
        self.model = build(&self.loaded, World::Trainees, &self.decisions, self.seed)?;
        self.dirty = true;
        Ok(format!("taken back: {} ({})", gone.id, gone.typed))
    }

    /// Ends decision `id` now (sets its `until` to the present): staff go
    /// back, hours return to what they were.
    pub fn end(&mut self, id: &str) -> Result<String, String> {
        let Some(i) = self.decisions.iter().position(|d| d.id == id) else {
            let ids: Vec<&str> = self.decisions.iter().map(|d| d.id.as_str()).collect();
            return Err(if ids.is_empty() {
                format!("no decision `{id}`: none taken yet")
            } else {
                format!("no decision `{id}`; the decisions are: {}", ids.join(", "))
            });
        };
        let mut all = self.decisions.clone();
        all[i].set_until(self.now_moment())?;
        let model = build(&self.loaded, World::Trainees, &all, self.seed)?;
        self.model = model;
        self.decisions = all;
        self.dirty = true;
        Ok(format!(
            "{id} ends on {}",
            view::when(&self.model, self.now_s)
        ))
    }

    /// Moves the world `steps` steps on (stopping at the horizon); returns
    /// the time span passed.
    pub fn advance(&mut self, steps: u32) -> (f64, f64) {
        self.refresh();
        let from = self.now_s;
        for _ in 0..steps {
            if self.finished() {
                break;
            }
            self.now_s = (self.now_s + self.step_s).min(self.model.horizon_s);
        }
        (from, self.now_s)
    }

    /// Moves the present to `to_s` (resuming a recorded session).
    pub fn jump_to(&mut self, to_s: f64) {
        self.now_s = to_s.clamp(0.0, self.model.horizon_s);
    }

    /// Loads recorded decisions (resume or replay), checking them as if
    /// they had been typed.
    pub fn load_decisions(&mut self, file: &DecisionsFile) -> Result<(), String> {
        let model = build(&self.loaded, World::Trainees, &file.decisions, self.seed)?;
        self.model = model;
        self.decisions = file.decisions.clone();
        self.dirty = true;
        Ok(())
    }

    /// The recorded decisions as a decisions file.
    pub fn decisions_file(&self) -> DecisionsFile {
        DecisionsFile {
            scenario: self.loaded.origin.clone(),
            scenario_hash: self.loaded.hash.clone(),
            seed: self.seed,
            step_s: self.step_s,
            played_to: Some(self.now_moment()),
            decisions: self.decisions.clone(),
        }
    }

    /// The model of another world on the same seed.
    pub fn build(&self, world: World, decisions: &[Decision]) -> Result<Model, String> {
        build(&self.loaded, world, decisions, self.seed)
    }
}

/// When an action first changes the world: its effect (a date's decision
/// plus its delay), or never if it waits for a trigger.
pub fn effect_time(a: &crate::model::Action) -> f64 {
    match a.fire {
        crate::model::Fire::At(t) => t + a.delay_s,
        crate::model::Fire::When(_) => f64::INFINITY,
    }
}

/// The moment `secs` after 00:00 of `start`.
pub fn moment_at(start: jiff::civil::Date, secs: f64) -> Moment {
    let days = (secs / 86_400.0).floor();
    let date = start
        .checked_add(jiff::Span::new().days(days as i64))
        .unwrap_or(start);
    Moment {
        date,
        time_s: (secs - days * 86_400.0).round(),
    }
}

/// The scenario of `world` with `decisions`.
pub fn scenario_of(
    loaded: &LoadedScenario,
    world: World,
    decisions: &[Decision],
) -> Result<Scenario, String> {
    let mut sc = loaded.scenario.clone();
    match world {
        World::Plan => {
            if !sc.plans.values().any(|p| p.enabled) {
                for p in sc.plans.values_mut() {
                    p.enabled = true;
                }
            }
        }
        World::Nothing | World::Trainees => {
            for p in sc.plans.values_mut() {
                p.enabled = false;
            }
        }
    }
    if world == World::Trainees {
        if sc.plans.contains_key(PLAN) {
            return Err(format!(
                "the scenario already has a plan called `{PLAN}`; rename it to play an exercise"
            ));
        }
        sc.plans.insert(
            PLAN.to_string(),
            Plan {
                description: Some("decisions taken in the exercise".into()),
                enabled: true,
            },
        );
        for d in decisions {
            sc.actions.push(d.action()?);
        }
    }
    Ok(sc)
}

/// Compiles the model of `world`.
pub fn build(
    loaded: &LoadedScenario,
    world: World,
    decisions: &[Decision],
    seed: u64,
) -> Result<Model, String> {
    let sc = scenario_of(loaded, world, decisions)?;
    let first_decision = loaded.scenario.actions.len();
    let mut model =
        compile(&sc, &loaded.source, &loaded.origin, &loaded.base_dir).map_err(|d| {
            // Problems of a decision are shown without the scenario's file
            // and lines (the decision was typed, not read from there).
            let mut lines = Vec::new();
            for item in &d.items {
                let (path, decision) = decision_path(&item.path, first_decision, decisions);
                let mut text = match decision {
                    Some(id) => format!("{id}: {path}: {}", item.message),
                    None => format!("{}: {}: {}", d.origin, item.path, item.message),
                };
                if let Some(h) = &item.hint {
                    text.push_str(&format!(" ({h})"));
                }
                lines.push(text);
            }
            lines.join("\n")
        })?;
    model.seed = seed;
    model.scenario_hash = loaded.hash.clone();
    Ok(model)
}

/// `actions[12].count` → (`count`, the decision's id) when it is a decision.
fn decision_path<'a>(
    path: &'a str,
    first: usize,
    decisions: &'a [Decision],
) -> (&'a str, Option<&'a str>) {
    let Some(rest) = path.strip_prefix("actions[") else {
        return (path, None);
    };
    let Some((index, tail)) = rest.split_once(']') else {
        return (path, None);
    };
    let Ok(i) = index.parse::<usize>() else {
        return (path, None);
    };
    if i < first {
        return (path, None);
    }
    match decisions.get(i - first) {
        Some(d) => (tail.trim_start_matches('.'), Some(d.id.as_str())),
        None => (path, None),
    }
}
