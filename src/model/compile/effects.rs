//! What each action kind does: the checks and the [`Effect`] of a `hire`,
//! `redeploy`, `hours`, `lines`, `counters`, `callbacks`, `support`,
//! `open_channel`, `deflect` and `model_answers` action. A key the kind
//! needs is reported missing in `actions.rs`; here a missing one only
//! leaves the effect out.

use crate::model::{DAY_S, Effect, Hire, Redeploy};
use crate::scenario::{Action, ActionKind, ChannelKind};
use crate::units::Duration;

use super::actions::ActionRefs;
use super::calendar::week_seconds;
use super::channels::with_article;
use super::checker::Checker;

impl Checker<'_> {
    /// Checks the keys of an action's kind and builds its effect.
    pub(super) fn effect(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        match a.kind {
            ActionKind::Hire => self.hire(path, a, r),
            ActionKind::Redeploy => self.redeploy(path, a, r),
            ActionKind::Hours => self.new_hours(path, a, r),
            ActionKind::Lines | ActionKind::Counters => self.capacity(path, a, r),
            ActionKind::Callbacks => self.callbacks(path, a, r),
            ActionKind::Support => self.support(path, a, r),
            ActionKind::OpenChannel => self.open_channel(path, a, r),
            ActionKind::Deflect => self.deflect(path, a, r),
            ActionKind::ModelAnswers => self.model_answers(path, a, r),
        }
    }

    fn pool_ref(
        &mut self,
        path: &str,
        key: &str,
        v: &Option<String>,
        r: &ActionRefs,
    ) -> Option<usize> {
        v.as_ref()
            .and_then(|name| self.resolve(&format!("{path}.{key}"), "pool", name, &r.pool_names))
    }

    fn channel_ref(&mut self, path: &str, v: &Option<String>, r: &ActionRefs) -> Option<usize> {
        v.as_ref().and_then(|name| {
            self.resolve(
                &format!("{path}.channel"),
                "channel",
                name,
                &r.channel_names,
            )
        })
    }

    fn topic_ref(&mut self, path: &str, v: &Option<String>, r: &ActionRefs) -> Option<usize> {
        v.as_ref()
            .and_then(|name| self.resolve(&format!("{path}.topic"), "topic", name, r.topic_names))
    }

    fn start_speed(&mut self, path: &str, v: Option<f64>) -> f64 {
        let s = v.unwrap_or(1.0);
        if !(s > 0.0 && s <= 1.0) {
            self.err(
                format!("{path}.start_speed"),
                format!("must be a share above 0 and at most 1 (got {s})"),
            );
        }
        s
    }

    fn hire(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let pools = r.pools;
        let p = self.pool_ref(path, "pool", &a.pool, r);
        let count = a.count.unwrap_or(0);
        if a.count == Some(0) {
            self.err(format!("{path}.count"), "hire at least 1 person");
        }
        let start_speed = self.start_speed(path, a.start_speed);
        let attrition = a.attrition_per_month.unwrap_or(0.0);
        if !(0.0..1.0).contains(&attrition) {
            self.err(
                format!("{path}.attrition_per_month"),
                format!("must be a share from 0 up to (not including) 1 (got {attrition})"),
            );
        }
        for (key, v) in [
            ("cost_per_hour", a.cost_per_hour),
            ("cost_per_hire", a.cost_per_hire),
        ] {
            if let Some(v) = v
                && !(v >= 0.0 && v.is_finite())
            {
                self.err(
                    format!("{path}.{key}"),
                    format!("must be 0 or more (got {v})"),
                );
            }
        }
        let roster = a.hours.as_ref().map(|h| {
            let hpath = format!("{path}.hours");
            self.opens_some_day(
                &hpath,
                h,
                "is on duty on no day: the hires would never work",
                "hours = { weekdays = \"08:00-16:00\" }, or leave `hours` out for the pool's roster",
            );
            self.roster(&hpath, h, r.cal)
        });
        let trainer_pool = match &a.trainers_from {
            Some(_) => self.pool_ref(path, "trainers_from", &a.trainers_from, r),
            None => p,
        };
        let trainers = match (a.trainers, trainer_pool) {
            (Some(n), Some(tp)) if n > 0 => {
                if n > pools[tp].headcount {
                    self.err(
                        format!("{path}.trainers"),
                        format!(
                            "must be at most the {} staff of pool `{}` (got {n})",
                            pools[tp].headcount, pools[tp].name
                        ),
                    );
                }
                if a.training.is_none() {
                    self.err(
                        format!("{path}.trainers"),
                        "trainers need a `training` period",
                    );
                }
                Some((tp, n))
            }
            _ => {
                if a.trainers_from.is_some() && a.trainers.is_none() {
                    self.err(
                        format!("{path}.trainers_from"),
                        "give `trainers` (how many) too",
                    );
                }
                None
            }
        };
        p.filter(|_| a.count.is_some()).map(|p| {
            Effect::Hire(Hire {
                pool: p,
                count,
                lead_s: secs(a.lead_time),
                training_s: secs(a.training),
                start_speed,
                ramp_s: secs(a.ramp),
                leave_rate: -(1.0 - attrition).ln() / (30.0 * DAY_S),
                contract_s: a.contract.map(|d| d.secs()),
                cost_per_hour: a.cost_per_hour.unwrap_or(pools[p].cost_per_hour),
                cost_per_hire: a.cost_per_hire.unwrap_or(0.0),
                roster,
                trainers,
            })
        })
    }

    fn redeploy(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let pools = r.pools;
        let from = self.pool_ref(path, "from", &a.from, r);
        let to = self.pool_ref(path, "to", &a.to, r);
        if from.is_some() && from == to {
            self.err(format!("{path}.to"), "staff must move to another pool");
        }
        let start_speed = self.start_speed(path, a.start_speed);
        let count = match (a.count, a.share, from) {
            (Some(_), Some(_), _) => {
                self.err(path.to_string(), "give either `count` or `share`, not both");
                None
            }
            (Some(n), None, Some(f)) => {
                if n == 0 || n > pools[f].headcount {
                    self.err(
                        format!("{path}.count"),
                        format!(
                            "must be between 1 and the {} staff of pool `{}` (got {n})",
                            pools[f].headcount, pools[f].name
                        ),
                    );
                }
                Some(n)
            }
            (None, Some(sh), Some(f)) => {
                self.share(&format!("{path}.share"), sh);
                let n = (sh * f64::from(pools[f].headcount)).round() as u32;
                if n == 0 {
                    self.err(
                        format!("{path}.share"),
                        format!(
                            "moves nobody: {sh} of {} staff rounds to 0",
                            pools[f].headcount
                        ),
                    );
                }
                Some(n)
            }
            _ => None,
        };
        match (from, to, count) {
            (Some(from), Some(to), Some(count)) => Some(Effect::Redeploy(Redeploy {
                from,
                to,
                count,
                switch_s: secs(a.switch_over),
                start_speed,
                ramp_s: secs(a.ramp),
            })),
            _ => None,
        }
    }

    /// An `hours` action: new opening hours of a channel or a new roster
    /// of a pool (with overtime against the pool's contract hours).
    fn new_hours(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let pools = r.pools;
        let hours = a
            .hours
            .as_ref()
            .map(|h| self.roster(&format!("{path}.hours"), h, r.cal));
        match (&a.channel, &a.pool) {
            (None, None) => None,
            (Some(_), Some(_)) => {
                self.err_hint(
                    path.to_string(),
                    "give exactly one of `channel` (opening hours) or `pool` (roster)",
                    "use two actions to change both".into(),
                );
                None
            }
            (Some(_), None) => {
                let c = self.channel_ref(path, &a.channel, r);
                if let Some(c) = c
                    && r.channels[c].kind == ChannelKind::Email
                {
                    self.err(
                        format!("{path}.channel"),
                        "e-mail has no opening hours; change the roster of the pools that answer it",
                    );
                }
                c.zip(hours)
                    .map(|(channel, (open, _))| Effect::ChannelHours { channel, open })
            }
            (None, Some(_)) => {
                let rate = a.overtime_rate.unwrap_or(1.5);
                if !(rate >= 1.0 && rate.is_finite()) {
                    self.err(
                        format!("{path}.overtime_rate"),
                        format!("must be 1 or more (got {rate})"),
                    );
                }
                let cap = a.overtime_cap.map(|d| d.secs());
                let pool = self.pool_ref(path, "pool", &a.pool, r);
                if let Some(p) = pool
                    && !pools[p].staffing.is_empty()
                {
                    self.err_hint(
                        format!("{path}.hours"),
                        format!(
                            "pool `{}` has a staffing table: its staff on duty come from the table, not from hours",
                            pools[p].name
                        ),
                        "change the table instead (a variant may point `staffing` at another file)".into(),
                    );
                }
                pool.zip(hours).map(|(p, (on_duty, holiday_roster))| {
                    // Weekly hours per person of the new roster
                    // against the contract: overtime, capped.
                    let contract = pools[p].weekly_s;
                    let roster = a.hours.as_ref().map_or(0.0, week_seconds);
                    let overtime = (roster - contract).max(0.0);
                    let worked = cap.map_or(overtime, |c| overtime.min(c));
                    let scale = if roster > 0.0 {
                        ((contract + worked) / roster).min(1.0)
                    } else {
                        1.0
                    };
                    let paid = contract.min(roster) + worked;
                    let cost_factor = if paid > 0.0 {
                        (contract.min(roster) + rate * worked) / paid
                    } else {
                        1.0
                    };
                    Effect::PoolHours {
                        pool: p,
                        on_duty,
                        holiday_roster,
                        scale,
                        cost_factor,
                    }
                })
            }
        }
    }

    /// A `lines` or `counters` action: a new number of phone lines or desk
    /// counters.
    fn capacity(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let channels = r.channels;
        let lines = a.kind == ActionKind::Lines;
        let (key, want, value) = if lines {
            ("lines", ChannelKind::Phone, a.lines)
        } else {
            ("counters", ChannelKind::Desk, a.counters)
        };
        let c = self.channel_ref(path, &a.channel, r);
        if let Some(c) = c
            && channels[c].kind != want
        {
            self.err(
                format!("{path}.channel"),
                format!(
                    "`{key}` applies to {} channel; `{}` is {} channel",
                    with_article(want),
                    channels[c].name,
                    with_article(channels[c].kind)
                ),
            );
        }
        match value {
            None => None,
            Some(0) => {
                self.err(
                    format!("{path}.{key}"),
                    format!("missing or 0: the new number of {key}"),
                );
                None
            }
            Some(n) => c.map(|channel| {
                if lines {
                    Effect::Lines { channel, lines: n }
                } else {
                    Effect::Counters {
                        channel,
                        counters: n,
                    }
                }
            }),
        }
    }

    fn callbacks(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let channels = r.channels;
        let c = self.channel_ref(path, &a.channel, r);
        if let Some(c) = c
            && channels[c].kind != ChannelKind::Phone
        {
            self.err(
                format!("{path}.channel"),
                format!(
                    "callbacks apply to a phone channel; `{}` is {} channel",
                    channels[c].name,
                    with_article(channels[c].kind)
                ),
            );
        }
        let accept = a.accept.unwrap_or(-1.0);
        if a.accept.is_some() {
            self.share(&format!("{path}.accept"), accept);
        }
        let within_s = a.within.map_or(0.0, |d| d.secs());
        if a.within.is_some() && within_s <= 0.0 {
            self.err_hint(
                format!("{path}.within"),
                "missing or not above 0: the promised time to call back",
                "e.g. within = \"4h\"".into(),
            );
        }
        if a.accept.is_none() || a.within.is_none() {
            return None;
        }
        c.map(|channel| Effect::Callbacks {
            channel,
            offer_over_s: a.offer_over.map_or(0.0, |d| d.secs()),
            accept,
            within_s,
        })
    }

    fn support(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let pools = r.pools;
        let p = self.pool_ref(path, "pool", &a.pool, r);
        let damping = a.damping.unwrap_or(-1.0);
        if a.damping.is_some() {
            self.share(&format!("{path}.damping"), damping);
        }
        if let Some(p) = p
            && pools[p].wellbeing.is_none()
        {
            self.err_hint(
                format!("{path}.pool"),
                format!(
                    "pool `{}` has no `wellbeing` model, so support changes nothing",
                    pools[p].name
                ),
                format!(
                    "add [pools.{}.wellbeing] with occupancy_over, absence_up, attrition_per_month",
                    pools[p].name
                ),
            );
        }
        p.filter(|_| a.damping.is_some())
            .map(|pool| Effect::Support { pool, damping })
    }

    fn open_channel(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let (channel_names, topic_names) = (&r.channel_names, r.topic_names);
        let t = self.topic_ref(path, &a.topic, r);
        let to = self.channel_ref(path, &a.channel, r);
        let from = a
            .from
            .as_ref()
            .and_then(|name| self.resolve(&format!("{path}.from"), "channel", name, channel_names));
        if from.is_some() && from == to {
            self.err(
                format!("{path}.from"),
                "a channel cannot take over its own contacts",
            );
        }
        let share = a.takes.unwrap_or(-1.0);
        if a.takes.is_some() {
            self.share(&format!("{path}.takes"), share);
        }
        if let (Some(t), Some(to)) = (t, to)
            && !r.sc.topics[topic_names[t]]
                .handle
                .contains_key(channel_names[to])
        {
            self.err_hint(
                format!(
                    "{}.handle",
                    crate::scenario::join_path("topics", topic_names[t])
                ),
                format!(
                    "no handle time for channel `{}`, which {path} opens for this topic",
                    channel_names[to]
                ),
                format!(
                    "add handle.{} = {{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }}",
                    channel_names[to]
                ),
            );
        }
        match (t, to, a.takes) {
            (Some(topic), Some(to), Some(_)) => Some(Effect::Reroute {
                topic,
                from,
                to,
                share,
            }),
            _ => None,
        }
    }

    /// The topic (required) and channel (optional) of a `deflect` or
    /// `model_answers` action.
    fn topic_on_channel(
        &mut self,
        path: &str,
        a: &Action,
        r: &ActionRefs,
    ) -> (Option<usize>, Option<usize>) {
        let t = self.topic_ref(path, &a.topic, r);
        let c = self.channel_ref(path, &a.channel, r);
        (t, c)
    }

    fn deflect(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let (t, c) = self.topic_on_channel(path, a, r);
        let share = a.deflect.unwrap_or(-1.0);
        if a.deflect.is_some() {
            self.share(&format!("{path}.deflect"), share);
        }
        t.filter(|_| a.deflect.is_some())
            .map(|topic| Effect::Deflect {
                topic,
                channel: c,
                share,
                adoption_s: secs(a.adoption),
            })
    }

    fn model_answers(&mut self, path: &str, a: &Action, r: &ActionRefs) -> Option<Effect> {
        let (t, c) = self.topic_on_channel(path, a, r);
        let factor = a.factor.unwrap_or(-1.0);
        if a.factor.is_some() && !(factor > 0.0 && factor.is_finite()) {
            self.err_hint(
                format!("{path}.factor"),
                "missing or not above 0: the handle-time multiplier",
                "e.g. factor = 0.7 (30 % shorter)".into(),
            );
        }
        t.filter(|_| a.factor.is_some())
            .map(|topic| Effect::ModelAnswers {
                topic,
                channel: c,
                factor,
            })
    }
}

/// Seconds of an optional duration (0 when absent).
fn secs(d: Option<Duration>) -> f64 {
    d.map_or(0.0, |d| d.secs())
}
