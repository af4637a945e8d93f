//! Checking what a scenario means and building the [`Model`]: every problem
//! is collected (with its key path and line) before any is reported.
//!
//! The rules live by area, each file checking and building one part of the
//! scenario, in the order [`Checker::model`] calls them (later areas use
//! what earlier ones built):
//!
//! | file | rules for |
//! |---|---|
//! | `checker.rs` | the shared [`Checker`]: problems with key paths and lines, names, shares, distributions, keys that apply to a kind |
//! | `calendar.rs` | `[scenario]` (horizon, interval, warm-up, replications), `[calendar]` holidays, `[uncertainty]`, weekly hours and rosters |
//! | `languages.rs` | `[languages.ID]` and `[interpreters.ID]` |
//! | `channels.rs` | `[channels.ID]`: keys by kind, hours, clocks, capacities, patience, redials, returns, appointments, switches |
//! | `topics.rs` | `[topics.ID]`: handle times, channel and language shares |
//! | `demand.rs` | `[[demand]]` and `[[newcomers]]`: rates, daily volumes, weekday factors, surges and surge tables, hour weights, the volume limit |
//! | `routing.rs` | queue classes, the order in which classes and channels try pools, channels and topics no pool serves |
//! | `pools.rs` | `[pools.ID]`: what they serve, languages, rosters, breaks, absence, speed, pay, wellbeing, routes |
//! | `actions.rs` | `[plans.ID]` and `[[actions]]`: ids, plans, when decided and undone, keys by kind |
//! | `effects.rs` | what each action kind does (`hire`, `redeploy`, `hours`, …) |
//! | `triggers.rs` | conditions (`when`, `release`) |
//! | `injects.rs` | `[[injects]]`: ids, `at`, keys by kind; spikes and waves as extra demand streams, outages, sick leave and rules as extra actions |

mod actions;
mod calendar;
mod channels;
mod checker;
mod demand;
mod effects;
mod injects;
mod languages;
mod pools;
mod routing;
mod topics;
mod triggers;

use std::path::Path;

use crate::scenario::{Diagnostics, LoadedScenario, Scenario, SourceMap};

use super::Model;
use checker::Checker;
use pools::PoolRefs;

/// Compiles a scenario read from a file.
pub fn compile_loaded(loaded: &LoadedScenario) -> Result<Model, Diagnostics> {
    let mut model = compile(
        &loaded.scenario,
        &loaded.source,
        &loaded.origin,
        &loaded.base_dir,
    )
    .map_err(|d| d.with_text(&loaded.text))?;
    model.scenario_hash = loaded.hash.clone();
    Ok(model)
}

/// Checks a scenario and builds the model; `source` gives lines for
/// messages (use [`SourceMap::empty`] for scenarios built in code) and
/// `base_dir` is where relative file names (surge tables) are looked up.
pub fn compile(
    sc: &Scenario,
    source: &SourceMap,
    origin: &str,
    base_dir: &Path,
) -> Result<Model, Diagnostics> {
    let mut ck = Checker {
        source,
        problems: Vec::new(),
        base_dir,
        holidays: Vec::new(),
        start_date: sc.scenario.start.0,
    };
    let model = ck.model(sc);
    if ck.problems.is_empty()
        && let Some(mut model) = model
    {
        let traps = crate::model::warnings::traps(sc, &model, source, base_dir);
        model.warnings.extend(traps);
        return Ok(model);
    }
    let mut d = Diagnostics {
        origin: origin.to_string(),
        items: ck.problems,
        text: None,
    };
    d.sort();
    Err(d)
}

impl Checker<'_> {
    /// Checks every area in turn and builds the model when nothing is
    /// wrong.
    fn model(&mut self, sc: &Scenario) -> Option<Model> {
        let cal = self.settings(sc);
        let langs = self.languages(sc);
        let mut channels = self.channels(sc, &cal);
        let channel_names: Vec<&str> = sc.channels.keys().map(String::as_str).collect();
        let interpreters = self.interpreters(sc, &langs, &cal);
        let topics = self.topics(sc, &langs, &channel_names);
        let demands = self.demands(sc, &cal, &channels, &topics);
        let injects = self.injects(sc, &cal, &channels, &topics);
        // The injects' streams come after the scenario's, so that those
        // keep their random numbers (streams are numbered).
        let mut all_demands = demands.clone();
        all_demands.extend(injects.streams);
        let mut classes = self.classes(sc, &channels, &topics, &all_demands, langs.list.len());
        let pools = self.pools(
            sc,
            &cal,
            &PoolRefs {
                channel_names: &channel_names,
                topic_names: &topics.names,
                langs: &langs,
                interpreters: &interpreters,
                classes: &classes,
            },
        );
        // The gate rule's mean handle time is the scenario's own: an inject
        // changes nothing before it happens.
        routing::rank(
            &mut classes.list,
            &mut channels,
            &pools,
            &demands,
            cal.horizon_s,
        );
        let warnings = self.unserved(&classes.list, &channels, &langs, &topics.names);
        let mut actions = self.actions(sc, &channels, &pools, &topics.names, &cal);
        actions.extend(injects.actions);

        if !self.problems.is_empty() {
            return None;
        }
        let s = &sc.scenario;
        let n_intervals = (cal.horizon_s / cal.interval_s).ceil() as usize;
        Some(Model {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            sources: s.sources.clone(),
            start: s.start.0,
            days: cal.days,
            horizon_s: cal.horizon_s,
            interval_s: cal.interval_s,
            n_intervals,
            warmup_s: s.warmup.secs(),
            level_cv: sc.uncertainty.level_cv,
            daily_cv: sc.uncertainty.daily_cv,
            seed: s.seed,
            replications: s.replications,
            scenario_hash: String::new(),
            currency: s.currency.clone(),
            channels,
            topics: topics.names.iter().map(|t| t.to_string()).collect(),
            topic_languages: topics.languages,
            handles: topics.handles,
            languages: langs.list,
            interpreters,
            pools,
            demands: all_demands,
            classes: classes.list,
            class_of: classes.class_of,
            actions,
            injects: injects.injects,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;

    /// A small valid scenario that the unit tests of every area mutate.
    pub(super) const BASE: &str = r#"
[scenario]
name = "t"
start = 2022-03-07   # a Monday
days = 7

[channels.hotline]
kind = "phone"
hours = { weekdays = "09:00-17:00" }

[topics.general]
handle.hotline = { dist = "exponential", mean = "5m" }

[[demand]]
topic = "general"
channel = "hotline"
per_day = 800
weekday_factors = { mon = 1.5, sat = 0, sun = 0 }

[pools.team]
headcount = 10
serves = ["hotline"]
hours = { weekdays = "08:30-17:00" }
"#;

    /// Compiles scenario text.
    pub(super) fn build(text: &str) -> Result<Model, Diagnostics> {
        let l = parse_str(text, "t.toml", ".".into()).map_err(|e| {
            panic!("parse failed: {e}");
        })?;
        compile_loaded(&l)
    }

    #[test]
    fn semantic_problems_are_all_reported() {
        let text = BASE
            .replace("per_day = 800", "per_day = -5")
            .replace("serves = [\"hotline\"]", "serves = [\"hotlnie\"]")
            .replace("topic = \"general\"", "topic = \"genral\"")
            .replace("\"08:30-17:00\"", "\"17:00-08:30\"");
        let err = build(&text).unwrap_err();
        let text = err.to_string();
        for expect in [
            "demand[0].per_day",
            "did you mean `hotline`",
            "did you mean `general`",
            "pools.team.hours.weekdays",
        ] {
            assert!(text.contains(expect), "missing {expect:?} in\n{text}");
        }
        assert!(err.items.iter().all(|d| d.line.is_some()), "{text}");
    }
}
