//! Scripted events: `[[injects]]` — unique ids (among injects and
//! actions), `at` within the horizon, the keys that apply to each kind and
//! the keys each kind needs, and their mechanics: a `spike` and a `wave`
//! become extra demand streams (appended after the scenario's, so that its
//! own streams keep their random numbers), an `outage`, `sick_leave` and
//! `rule` become actions (appended after the scenario's, marked with the
//! inject they come from).

use crate::model::{Action, Channel, DAY_S, DemandStream, Effect, Fire, Inject};
use crate::scenario::{ChannelKind, InjectKind, Scenario};

use super::calendar::Calendar;
use super::checker::Checker;
use super::topics::Topics;

/// What the injects add to the model.
#[derive(Default)]
pub(super) struct InjectParts {
    /// The enabled injects, in scenario order.
    pub(super) injects: Vec<Inject>,
    /// Extra demand streams (spikes, waves).
    pub(super) streams: Vec<DemandStream>,
    /// Extra actions (outages, sick leave, rules), `inject` set.
    pub(super) actions: Vec<Action>,
}

/// Most contacts or people one inject may add.
const MAX_EXTRA: f64 = 1e8;

impl Checker<'_> {
    /// Checks the `[[injects]]` entries and builds what they add.
    pub(super) fn injects(
        &mut self,
        sc: &Scenario,
        cal: &Calendar,
        channels: &[Channel],
        topics: &Topics,
    ) -> InjectParts {
        let mut out = InjectParts::default();
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
        let pool_names: Vec<&str> = sc.pools.keys().map(String::as_str).collect();
        let mut ids: Vec<&str> = Vec::new();
        for (i, inj) in sc.injects.iter().enumerate() {
            let path = format!("injects[{i}]");
            let before = self.problems.len();
            if inj.id.trim().is_empty() {
                self.err(format!("{path}.id"), "must not be empty");
            } else if ids.contains(&inj.id.as_str()) {
                self.err(
                    format!("{path}.id"),
                    format!("`{}` is used by an earlier inject", inj.id),
                );
            } else if sc.actions.iter().any(|a| a.id == inj.id) {
                self.err_hint(
                    format!("{path}.id"),
                    format!("`{}` is the id of an action", inj.id),
                    "injects and actions share one list of names in the outputs: give the inject another id".into(),
                );
            }
            ids.push(&inj.id);
            if inj.news.trim().is_empty() {
                self.err_hint(
                    format!("{path}.news"),
                    "must not be empty: it is the headline shown when the event happens",
                    "e.g. news = \"The minister announces on TV that …\"".into(),
                );
            }
            let at_s = inj.at.secs_after(self.start_date);
            if !(0.0..cal.horizon_s).contains(&at_s) {
                let last = self
                    .start_date
                    .checked_add(jiff::Span::new().days(i64::from(cal.days) - 1))
                    .unwrap_or(self.start_date);
                self.err_hint(
                    format!("{path}.at"),
                    format!("{} is outside the horizon", inj.at),
                    format!(
                        "an inject happens from {} to {last}T23:59:59",
                        self.start_date
                    ),
                );
            }
            self.inject_keys(&path, inj);
            self.inject_needs(&path, inj, &channel_names, &pool_names, topics);
            let duration_s = inj.duration.map(|d| d.secs());
            if duration_s.is_some_and(|d| d <= 0.0) {
                self.err(format!("{path}.duration"), "must be longer than 0");
            }
            let index = out.injects.len();
            let mechanics = match inj.kind {
                InjectKind::Spike => self.spike(&path, inj, sc, cal, channels, topics, at_s),
                InjectKind::Wave => self.wave(&path, inj, sc, cal, channels, topics, at_s),
                InjectKind::Outage => self
                    .outage(&path, inj, channels, &channel_names)
                    .map(|e| Mechanics::Action(e, duration_s)),
                InjectKind::SickLeave => self
                    .sick_leave(&path, inj, &pool_names)
                    .map(|e| Mechanics::Action(e, duration_s)),
                InjectKind::Rule => self
                    .rule(&path, inj, topics, &channel_names)
                    .map(|e| Mechanics::Action(e, duration_s)),
            };
            if self.problems.len() > before || !inj.enabled {
                continue;
            }
            let Some(mechanics) = mechanics else {
                continue;
            };
            let end_s = match inj.kind {
                InjectKind::Spike | InjectKind::Wave => None,
                _ => duration_s.map(|d| at_s + d),
            };
            out.injects.push(Inject {
                id: inj.id.clone(),
                kind: inj.kind.name(),
                news: inj.news.trim().to_string(),
                at_s,
                end_s,
            });
            match mechanics {
                Mechanics::Streams(s) => out.streams.extend(s),
                Mechanics::Action(effect, duration_s) => out.actions.push(Action {
                    id: inj.id.clone(),
                    fire: Fire::At(at_s),
                    delay_s: 0.0,
                    release: None,
                    duration_s,
                    effect,
                    inject: Some(index),
                }),
            }
        }
        out
    }

    /// Keys that do not apply to an inject's kind.
    fn inject_keys(&mut self, path: &str, inj: &crate::scenario::Inject) {
        let present: [(&str, bool); 13] = [
            ("topic", inj.topic.is_some()),
            ("channel", inj.channel.is_some()),
            ("contacts", inj.contacts.is_some()),
            ("half_life", inj.half_life.is_some()),
            ("people", inj.people.is_some()),
            ("to_peak", inj.to_peak.is_some()),
            ("newcomers", inj.newcomers.is_some()),
            ("duration", inj.duration.is_some()),
            ("lines", inj.lines.is_some()),
            ("counters", inj.counters.is_some()),
            ("pool", inj.pool.is_some()),
            ("share", inj.share.is_some()),
            ("factor", inj.factor.is_some()),
        ];
        let allowed: &[&str] = match inj.kind {
            InjectKind::Spike => &["topic", "channel", "contacts", "half_life"],
            InjectKind::Wave => &["people", "to_peak", "half_life", "newcomers"],
            InjectKind::Outage => &["channel", "duration", "lines", "counters"],
            InjectKind::SickLeave => &["pool", "share", "duration"],
            InjectKind::Rule => &["topic", "channel", "factor", "duration"],
        };
        let what = format!("a `{}` inject", inj.kind.name());
        self.keys_apply(path, &present, allowed, &what, "");
    }

    /// Keys the inject's kind cannot do without, each missing one reported
    /// at its own path with what the kind needs and an example.
    fn inject_needs(
        &mut self,
        path: &str,
        inj: &crate::scenario::Inject,
        channel_names: &[&str],
        pool_names: &[&str],
        topics: &Topics,
    ) {
        let needs: &[(&str, &str)] = match inj.kind {
            InjectKind::Spike => &[
                ("topic", "which topic the extra contacts are about"),
                ("channel", "the channel they come on"),
                ("contacts", "how many extra first contacts in all"),
            ],
            InjectKind::Wave => &[("people", "how many extra newcomers in all")],
            InjectKind::Outage => &[
                ("channel", "which phone line or desk fails"),
                ("duration", "how long the outage lasts"),
            ],
            InjectKind::SickLeave => &[
                ("pool", "whose staff fall ill"),
                ("share", "the extra share of staff absent"),
                ("duration", "how long it lasts"),
            ],
            InjectKind::Rule => &[
                ("topic", "the topic whose handle times change"),
                ("factor", "the handle-time multiplier"),
            ],
        };
        let list = needs
            .iter()
            .map(|(k, _)| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let first = |names: &[&str], fallback: &str| {
            names
                .first()
                .map_or(fallback.to_string(), |n| n.to_string())
        };
        for &(key, what) in needs {
            let set = match key {
                "topic" => inj.topic.is_some(),
                "channel" => inj.channel.is_some(),
                "contacts" => inj.contacts.is_some(),
                "people" => inj.people.is_some(),
                "duration" => inj.duration.is_some(),
                "pool" => inj.pool.is_some(),
                "share" => inj.share.is_some(),
                "factor" => inj.factor.is_some(),
                _ => panic!("`{key}` is listed as needed but has no field"),
            };
            if set {
                continue;
            }
            let example = match key {
                "topic" => format!("topic = \"{}\"", first(&topics.names, "general")),
                "channel" => format!("channel = \"{}\"", first(channel_names, "hotline")),
                "contacts" => "contacts = 1500".into(),
                "people" => "people = 2000".into(),
                "duration" => "duration = \"4h\"".into(),
                "pool" => format!("pool = \"{}\"", first(pool_names, "team")),
                "share" => "share = 0.3".into(),
                _ => "factor = 1.25 (25 % longer)".into(),
            };
            self.err_hint(
                format!("{path}.{key}"),
                format!("missing `{key}`: {what}"),
                format!(
                    "a `{}` inject needs {list}; e.g. {example}",
                    inj.kind.name()
                ),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn spike(
        &mut self,
        path: &str,
        inj: &crate::scenario::Inject,
        sc: &Scenario,
        cal: &Calendar,
        channels: &[Channel],
        topics: &Topics,
        at_s: f64,
    ) -> Option<Mechanics> {
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
        let t = inj
            .topic
            .as_ref()
            .and_then(|n| self.resolve(&format!("{path}.topic"), "topic", n, &topics.names));
        let c = inj
            .channel
            .as_ref()
            .and_then(|n| self.resolve(&format!("{path}.channel"), "channel", n, &channel_names));
        let contacts = inj.contacts?;
        if !(contacts > 0.0 && contacts <= MAX_EXTRA) {
            self.err_hint(
                format!("{path}.contacts"),
                format!("must be more than 0 and at most {MAX_EXTRA:.0e} (got {contacts})"),
                "the expected extra first contacts in all, e.g. contacts = 1500".to_string(),
            );
        }
        let half_s = self.positive(path, "half_life", inj.half_life, DAY_S);
        let (t, c) = (t?, c?);
        let handle = self.handle_for(topics, &sc.topics, t, c, &channel_names, path)?;
        let Some(pieces) = self.spike_pieces(
            sc,
            topics.names[t],
            c,
            channels,
            topics,
            cal,
            at_s,
            half_s,
            contacts,
        ) else {
            self.err_hint(
                path.to_string(),
                format!(
                    "the spike's contacts have no time to come: the first [[demand]] entry of topic `{}` on channel `{}` has a weekday factor or hour weight of 0 at every time from `at` on",
                    topics.names[t], channel_names[c]
                ),
                "the spike follows that entry's weekday factors and spread within the day; give them some weight".into(),
            );
            return None;
        };
        Some(Mechanics::Streams(vec![DemandStream {
            topic: t,
            channel: c,
            pieces,
            handle,
            origin: path.to_string(),
        }]))
    }

    #[allow(clippy::too_many_arguments)]
    fn wave(
        &mut self,
        path: &str,
        inj: &crate::scenario::Inject,
        sc: &Scenario,
        cal: &Calendar,
        channels: &[Channel],
        topics: &Topics,
        at_s: f64,
    ) -> Option<Mechanics> {
        let people = inj.people?;
        if !(people > 0.0 && people <= MAX_EXTRA) {
            self.err_hint(
                format!("{path}.people"),
                format!("must be more than 0 and at most {MAX_EXTRA:.0e} (got {people})"),
                "the expected extra newcomers in all, e.g. people = 2000".to_string(),
            );
        }
        let half_s = self.positive(path, "half_life", inj.half_life, 7.0 * DAY_S);
        let up_s = inj.to_peak.map_or(3.0 * DAY_S, |d| d.secs());
        if up_s < 0.0 {
            self.err(format!("{path}.to_peak"), "must be 0 or longer");
        }
        let k = inj.newcomers.unwrap_or(0) as usize;
        let Some(n) = sc.newcomers.get(k) else {
            if sc.newcomers.is_empty() {
                self.err_hint(
                    path.to_string(),
                    "a `wave` inject brings more newcomers like those of a [[newcomers]] entry, and the scenario has none",
                    "add a [[newcomers]] entry (per_day = 0 will do) with the contacts newcomers make".into(),
                );
            } else {
                self.err_hint(
                    format!("{path}.newcomers"),
                    format!("there is no [[newcomers]] entry {k}"),
                    format!(
                        "the position of a [[newcomers]] entry, 0 to {}",
                        sc.newcomers.len() - 1
                    ),
                );
            }
            return None;
        };
        let streams = self.wave_streams(
            path,
            n,
            sc,
            cal,
            channels,
            topics,
            (at_s, up_s.max(0.0), half_s, people),
        );
        Some(Mechanics::Streams(streams))
    }

    fn outage(
        &mut self,
        path: &str,
        inj: &crate::scenario::Inject,
        channels: &[Channel],
        channel_names: &[&str],
    ) -> Option<Effect> {
        let c = inj
            .channel
            .as_ref()
            .and_then(|n| self.resolve(&format!("{path}.channel"), "channel", n, channel_names))?;
        inj.duration?;
        match channels[c].kind {
            ChannelKind::Email => {
                self.err_hint(
                    format!("{path}.channel"),
                    format!(
                        "`{}` is an e-mail channel: e-mail has no lines or counters to fail",
                        channels[c].name
                    ),
                    "an outage applies to a phone channel (its lines) or a desk (its counters); for an e-mail system that is down, use sick_leave on the pools that answer it".into(),
                );
                None
            }
            ChannelKind::Phone => {
                if inj.counters.is_some() {
                    self.err(
                        format!("{path}.counters"),
                        format!("`{}` is a phone channel: give `lines`", channels[c].name),
                    );
                }
                Some(Effect::Lines {
                    channel: c,
                    lines: inj.lines.unwrap_or(0),
                })
            }
            ChannelKind::Desk => {
                if inj.lines.is_some() {
                    self.err(
                        format!("{path}.lines"),
                        format!("`{}` is a desk: give `counters`", channels[c].name),
                    );
                }
                Some(Effect::Counters {
                    channel: c,
                    counters: inj.counters.unwrap_or(0),
                })
            }
        }
    }

    fn sick_leave(
        &mut self,
        path: &str,
        inj: &crate::scenario::Inject,
        pool_names: &[&str],
    ) -> Option<Effect> {
        let p = inj
            .pool
            .as_ref()
            .and_then(|n| self.resolve(&format!("{path}.pool"), "pool", n, pool_names));
        let share = inj.share?;
        if !(share > 0.0 && share < 1.0) {
            self.err_hint(
                format!("{path}.share"),
                format!("must be a share above 0 and below 1 (got {share})"),
                "the extra share of the pool's staff absent, e.g. share = 0.3".into(),
            );
        }
        inj.duration?;
        p.map(|pool| Effect::Absence { pool, share })
    }

    fn rule(
        &mut self,
        path: &str,
        inj: &crate::scenario::Inject,
        topics: &Topics,
        channel_names: &[&str],
    ) -> Option<Effect> {
        let t = inj
            .topic
            .as_ref()
            .and_then(|n| self.resolve(&format!("{path}.topic"), "topic", n, &topics.names));
        let c = match &inj.channel {
            Some(n) => {
                Some(self.resolve(&format!("{path}.channel"), "channel", n, channel_names)?)
            }
            None => None,
        };
        let factor = inj.factor?;
        t.map(|topic| Effect::ModelAnswers {
            topic,
            channel: c,
            factor,
        })
    }

    /// An optional duration above 0, in seconds (`default_s` when absent).
    fn positive(
        &mut self,
        path: &str,
        key: &str,
        d: Option<crate::units::Duration>,
        default_s: f64,
    ) -> f64 {
        match d {
            None => default_s,
            Some(d) if d.secs() > 0.0 => d.secs(),
            Some(_) => {
                self.err(format!("{path}.{key}"), "must be longer than 0");
                default_s
            }
        }
    }
}

/// How an inject works in the model.
enum Mechanics {
    /// Extra demand streams.
    Streams(Vec<DemandStream>),
    /// An action from `at`, undone after the duration (if any).
    Action(Effect, Option<f64>),
}
