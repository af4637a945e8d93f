//! A scenario built in code: one always-open phone line, one topic with
//! exponential handle times, one pool. `surgesim erlang --simulate` and the
//! validation tests use it to run the textbook queues through the engine.

use std::collections::BTreeMap;

use crate::units::{Duration, Rate};

use super::{Channel, ChannelKind, Demand, DistSpec, Pool, Redial, Scenario, Settings, Topic};

/// Parameters of an M/M/c/K+M queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SingleQueue {
    /// Arrival rate.
    pub arrivals: Rate,
    /// Mean handle time (exponential).
    pub aht: Duration,
    /// Mean patience (exponential); `None` = nobody abandons.
    pub patience: Option<Duration>,
    /// Agents, always on duty.
    pub agents: u32,
    /// Lines; `None` = unlimited.
    pub lines: Option<u32>,
    /// Service-level threshold.
    pub answer_within: Duration,
}

impl SingleQueue {
    /// The scenario: `days` days, a warm-up, `replications` replications.
    pub fn scenario(&self, days: u32, warmup: Duration, replications: u32, seed: u64) -> Scenario {
        let start = jiff::civil::date(2026, 1, 5); // a Monday
        Scenario {
            scenario: Settings {
                name: "single queue".into(),
                description: Some(format!(
                    "M/M/{}{}{}: {} arrivals, mean handle {}",
                    self.agents,
                    self.lines.map(|k| format!("/{k}")).unwrap_or_default(),
                    if self.patience.is_some() { "+M" } else { "" },
                    self.arrivals,
                    self.aht
                )),
                start: super::Date(start),
                days,
                interval: Duration::from_secs(3600.0),
                warmup,
                seed,
                replications,
                sources: Vec::new(),
                currency: "EUR".into(),
            },
            calendar: Default::default(),
            uncertainty: Default::default(),
            channels: BTreeMap::from([(
                "line".to_string(),
                Channel {
                    kind: ChannelKind::Phone,
                    description: None,
                    hours: None,
                    lines: self.lines,
                    patience: self.patience.map(DistSpec::exponential),
                    redial: None::<Redial>,
                    answer_within: Some(self.answer_within),
                    service_level_target: None,
                    ..Default::default()
                },
            )]),
            topics: BTreeMap::from([(
                "calls".to_string(),
                Topic {
                    description: None,
                    handle: BTreeMap::from([("line".to_string(), DistSpec::exponential(self.aht))]),
                    ..Default::default()
                },
            )]),
            demand: vec![Demand {
                topic: "calls".into(),
                channel: Some("line".into()),
                rate: Some(self.arrivals),
                per_day: None,
                weekday_factors: None,
                hour_weights: None,
                intraday: None,
                file: None,
                surges: Vec::new(),
            }],
            pools: BTreeMap::from([(
                "agents".to_string(),
                Pool {
                    description: None,
                    headcount: Some(self.agents),
                    serves: vec!["line".into()],
                    hours: None,
                    ..Default::default()
                },
            )]),
            languages: BTreeMap::new(),
            interpreters: BTreeMap::new(),
            newcomers: Vec::new(),
            plans: BTreeMap::new(),
            actions: Vec::new(),
            injects: Vec::new(),
        }
    }
}
