//! Actions: `[plans.ID]` and `[[actions]]` — unique ids, plans switched on
//! or off, when an action is decided and undone (`at`/`when`,
//! `until`/`release`/`duration`), the keys that apply to each kind and the
//! keys each kind needs. What each kind does is checked in `effects.rs`,
//! conditions in `triggers.rs`.

use crate::model::{Action, Channel, Fire, Pool};
use crate::scenario::{ActionKind, ChannelKind, Scenario};

use super::calendar::Calendar;
use super::checker::Checker;

/// What actions refer to.
pub(super) struct ActionRefs<'r> {
    pub(super) sc: &'r Scenario,
    pub(super) channels: &'r [Channel],
    pub(super) pools: &'r [Pool],
    pub(super) channel_names: Vec<&'r str>,
    pub(super) pool_names: Vec<&'r str>,
    pub(super) topic_names: &'r [&'r str],
    pub(super) cal: &'r Calendar,
}

impl Checker<'_> {
    /// Checks the plans and actions; returns the actions that take part
    /// (those of enabled plans and those in no plan).
    pub(super) fn actions(
        &mut self,
        sc: &Scenario,
        channels: &[Channel],
        pools: &[Pool],
        topic_names: &[&str],
        cal: &Calendar,
    ) -> Vec<Action> {
        let refs = ActionRefs {
            sc,
            channels,
            pools,
            channel_names: channels.iter().map(|c| c.name.as_str()).collect(),
            pool_names: pools.iter().map(|p| p.name.as_str()).collect(),
            topic_names,
            cal,
        };
        let plan_names: Vec<&str> = sc.plans.keys().map(String::as_str).collect();
        let horizon_s = cal.horizon_s;
        let interval_s = cal.interval_s;
        let mut out = Vec::new();
        let mut ids: Vec<&str> = Vec::new();
        for (i, a) in sc.actions.iter().enumerate() {
            let path = format!("actions[{i}]");
            let before = self.problems.len();
            if a.id.trim().is_empty() {
                self.err(format!("{path}.id"), "must not be empty");
            } else if ids.contains(&a.id.as_str()) {
                self.err(
                    format!("{path}.id"),
                    format!("`{}` is used by an earlier action", a.id),
                );
            }
            ids.push(&a.id);
            let enabled = a.enabled
                && match &a.plan {
                    None => true,
                    Some(p) => {
                        match self.resolve(&format!("{path}.plan"), "plan", p, &plan_names) {
                            Some(_) => sc.plans[p].enabled,
                            None => false,
                        }
                    }
                };
            self.action_keys(&path, a);
            self.required_keys(&path, a, &refs);
            let start_date = self.start_date;
            let date_s = |d: &crate::scenario::Moment| d.secs_after(start_date).max(0.0);
            let fire = match (&a.at, &a.when) {
                (Some(d), None) => Some(Fire::At(date_s(d))),
                (None, Some(c)) => self
                    .condition(
                        &format!("{path}.when"),
                        c,
                        &refs.channel_names,
                        &refs.pool_names,
                        interval_s,
                    )
                    .map(Fire::When),
                (Some(_), Some(_)) => {
                    self.err_hint(
                        path.clone(),
                        "give either `at` (a date) or `when` (a trigger), not both",
                        "at = 2022-03-21, or when = { metric = \"service_level\", channel = \"hotline\", below = 0.6, window = \"1d\", for = \"2d\" }".into(),
                    );
                    None
                }
                (None, None) => {
                    self.err_hint(
                        path.clone(),
                        "missing: when is it decided? Give `at` (a date) or `when` (a trigger)",
                        "at = 2022-03-21, or when = { metric = \"service_level\", channel = \"hotline\", below = 0.6, window = \"1d\", for = \"2d\" }".into(),
                    );
                    None
                }
            };
            let release = match (&a.until, &a.release) {
                (None, None) => None,
                (Some(d), None) => Some(Fire::At(date_s(d))),
                (None, Some(c)) => self
                    .condition(
                        &format!("{path}.release"),
                        c,
                        &refs.channel_names,
                        &refs.pool_names,
                        interval_s,
                    )
                    .map(Fire::When),
                (Some(_), Some(_)) => {
                    self.err(
                        path.clone(),
                        "give either `until` (a date) or `release` (a condition), not both",
                    );
                    None
                }
            };
            if let (Some(Fire::At(a0)), Some(Fire::At(r0))) = (&fire, &release)
                && r0 <= a0
            {
                self.err(
                    format!("{path}.until"),
                    "must be after the action is decided (`at`)",
                );
            }
            let delay_s = a.delay.map_or(0.0, |d| d.secs());
            let duration_s = a.duration.map(|d| d.secs());
            if duration_s.is_some() && (a.until.is_some() || a.release.is_some()) {
                self.err(
                    format!("{path}.duration"),
                    "give one of `until`, `release` and `duration`",
                );
            }
            if duration_s.is_some_and(|d| d <= 0.0) {
                self.err(format!("{path}.duration"), "must be more than 0");
            }
            let effect = self.effect(&path, a, &refs);
            if self.problems.len() > before || !enabled {
                continue;
            }
            debug_assert!(
                fire.is_some() && effect.is_some(),
                "{path} is left out with no problem reported"
            );
            if let (Some(fire), Some(effect)) = (fire, effect) {
                if let Fire::At(t) = fire
                    && t >= horizon_s
                {
                    continue;
                }
                out.push(Action {
                    id: a.id.clone(),
                    fire,
                    delay_s,
                    release,
                    duration_s,
                    effect,
                    inject: None,
                });
            }
        }
        out
    }

    /// Keys that do not apply to an action's kind.
    fn action_keys(&mut self, path: &str, a: &crate::scenario::Action) {
        let present: [(&str, bool); 29] = [
            ("pool", a.pool.is_some()),
            ("from", a.from.is_some()),
            ("to", a.to.is_some()),
            ("count", a.count.is_some()),
            ("share", a.share.is_some()),
            ("lead_time", a.lead_time.is_some()),
            ("training", a.training.is_some()),
            ("start_speed", a.start_speed.is_some()),
            ("ramp", a.ramp.is_some()),
            ("attrition_per_month", a.attrition_per_month.is_some()),
            ("contract", a.contract.is_some()),
            ("cost_per_hour", a.cost_per_hour.is_some()),
            ("cost_per_hire", a.cost_per_hire.is_some()),
            ("trainers", a.trainers.is_some()),
            ("trainers_from", a.trainers_from.is_some()),
            ("switch_over", a.switch_over.is_some()),
            ("channel", a.channel.is_some()),
            ("hours", a.hours.is_some()),
            ("lines", a.lines.is_some()),
            ("counters", a.counters.is_some()),
            ("topic", a.topic.is_some()),
            (
                "deflect",
                a.deflect.is_some() || a.adoption.is_some() || a.factor.is_some(),
            ),
            ("takes", a.takes.is_some()),
            ("damping", a.damping.is_some()),
            ("overtime_cap", a.overtime_cap.is_some()),
            ("overtime_rate", a.overtime_rate.is_some()),
            ("offer_over", a.offer_over.is_some()),
            ("accept", a.accept.is_some()),
            ("within", a.within.is_some()),
        ];
        let allowed: &[&str] = match a.kind {
            ActionKind::Hire => &[
                "pool",
                "count",
                "lead_time",
                "training",
                "start_speed",
                "ramp",
                "attrition_per_month",
                "contract",
                "cost_per_hour",
                "cost_per_hire",
                "hours",
                "trainers",
                "trainers_from",
            ],
            ActionKind::Redeploy => &[
                "from",
                "to",
                "count",
                "share",
                "switch_over",
                "start_speed",
                "ramp",
            ],
            ActionKind::Hours => &["channel", "pool", "hours", "overtime_cap", "overtime_rate"],
            ActionKind::Lines => &["channel", "lines"],
            ActionKind::Counters => &["channel", "counters"],
            ActionKind::Deflect | ActionKind::ModelAnswers => &["topic", "channel", "deflect"],
            ActionKind::OpenChannel => &["topic", "channel", "from", "takes"],
            ActionKind::Support => &["pool", "damping"],
            ActionKind::Callbacks => &["channel", "offer_over", "accept", "within"],
        };
        let what = format!("a `{}` action", snake(&format!("{:?}", a.kind)));
        self.keys_apply(path, &present, allowed, &what, "");
        // The three keys folded into "deflect" above, by kind.
        if a.kind == ActionKind::Deflect && a.factor.is_some() {
            self.err(
                format!("{path}.factor"),
                "`factor` applies to `model_answers` actions",
            );
        }
        if a.kind == ActionKind::ModelAnswers && (a.deflect.is_some() || a.adoption.is_some()) {
            let key = if a.deflect.is_some() {
                "deflect"
            } else {
                "adoption"
            };
            self.err(
                format!("{path}.{key}"),
                format!("`{key}` applies to `deflect` actions"),
            );
        }
    }

    /// Keys the action's kind cannot do without, each missing one reported
    /// at its own path (the line is the action's) with what the kind needs;
    /// when either of two keys will do, at the action's path (so that a
    /// loader that removed one of them for a bad value leaves this out as
    /// its consequence). The effect builders leave an action with a missing
    /// key out without a second message.
    fn required_keys(&mut self, path: &str, a: &crate::scenario::Action, r: &ActionRefs) {
        let needs = needs(a.kind);
        let listed: Vec<String> = needs
            .iter()
            .map(|(keys, _)| {
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            })
            .collect();
        let last_is_either = needs.last().is_some_and(|(keys, _)| keys.len() > 1);
        let list = match listed.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!(
                "{}{} and {last}",
                rest.join(", "),
                if last_is_either { "," } else { "" }
            ),
            None => String::new(),
        };
        let kind = snake(&format!("{:?}", a.kind));
        let article = match a.kind {
            ActionKind::Hours | ActionKind::OpenChannel => "an",
            _ => "a",
        };
        for (keys, what) in needs {
            if keys.iter().any(|k| is_set(a, k)) {
                continue;
            }
            let missing = keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            let mut hint = format!("{article} `{kind}` action needs {list}");
            if let Some(example) = example(a, keys[0], r) {
                hint.push_str("; e.g. ");
                hint.push_str(&example);
            }
            let at = match keys {
                [key] => format!("{path}.{key}"),
                _ => path.to_string(),
            };
            self.err_hint(at, format!("missing {missing}: {what}"), hint);
        }
    }
}

/// `ModelAnswers` → `model_answers`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

/// The keys an action kind needs: each entry is one key, or keys of which
/// any one will do, with what it gives.
fn needs(kind: ActionKind) -> &'static [(&'static [&'static str], &'static str)] {
    match kind {
        ActionKind::Hire => &[
            (&["pool"], "the pool the hires join"),
            (&["count"], "how many are hired"),
        ],
        ActionKind::Redeploy => &[
            (&["from"], "the pool the staff leave"),
            (&["to"], "the pool they join"),
            (&["count", "share"], "how many move"),
        ],
        ActionKind::Hours => &[
            (&["hours"], "the new hours"),
            (
                &["channel", "pool"],
                "whose hours change (a channel's opening hours or a pool's roster)",
            ),
        ],
        ActionKind::Lines => &[
            (&["channel"], "which phone channel"),
            (&["lines"], "the new number of lines"),
        ],
        ActionKind::Counters => &[
            (&["channel"], "which desk channel"),
            (&["counters"], "the new number of counters"),
        ],
        ActionKind::Deflect => &[
            (&["topic"], "which topic"),
            (&["deflect"], "the share of the topic's contacts taken away"),
        ],
        ActionKind::ModelAnswers => &[
            (&["topic"], "which topic"),
            (&["factor"], "the handle-time multiplier"),
        ],
        ActionKind::OpenChannel => &[
            (
                &["channel"],
                "the channel that opens (define it under [channels] too)",
            ),
            (&["topic"], "which topic"),
            (
                &["takes"],
                "the share of the topic's contacts it takes over",
            ),
        ],
        ActionKind::Support => &[
            (&["pool"], "which pool's staff"),
            (&["damping"], "the share of the overload effects it removes"),
        ],
        ActionKind::Callbacks => &[
            (&["channel"], "which phone channel"),
            (
                &["accept"],
                "the share of callers offered a callback who take it",
            ),
            (&["within"], "the promised time to call back"),
        ],
    }
}

/// Whether a key that [`needs`] lists is set.
fn is_set(a: &crate::scenario::Action, key: &str) -> bool {
    match key {
        "pool" => a.pool.is_some(),
        "from" => a.from.is_some(),
        "to" => a.to.is_some(),
        "count" => a.count.is_some(),
        "share" => a.share.is_some(),
        "hours" => a.hours.is_some(),
        "channel" => a.channel.is_some(),
        "lines" => a.lines.is_some(),
        "counters" => a.counters.is_some(),
        "topic" => a.topic.is_some(),
        "deflect" => a.deflect.is_some(),
        "factor" => a.factor.is_some(),
        "takes" => a.takes.is_some(),
        "damping" => a.damping.is_some(),
        "accept" => a.accept.is_some(),
        "within" => a.within.is_some(),
        _ => panic!("`{key}` is listed as needed but has no field"),
    }
}

/// An example value for a missing key, naming what the scenario defines
/// (`None` when it defines nothing that would fit).
fn example(a: &crate::scenario::Action, key: &str, r: &ActionRefs) -> Option<String> {
    let named = |key: &str, name: Option<&&str>| name.map(|n| format!("{key} = \"{n}\""));
    let channel_of = |want: ChannelKind| {
        r.channels
            .iter()
            .find(|c| c.kind == want)
            .map(|c| format!("channel = \"{}\"", c.name))
    };
    // Staff move between two different pools.
    let other_pool = |other: &Option<String>| {
        r.pool_names
            .iter()
            .find(|p| other.as_deref() != Some(**p))
            .map(|p| format!("{key} = \"{p}\""))
    };
    match (a.kind, key) {
        (ActionKind::Lines | ActionKind::Callbacks, "channel") => channel_of(ChannelKind::Phone),
        (ActionKind::Counters, "channel") => channel_of(ChannelKind::Desk),
        (ActionKind::Hours, "channel") => {
            let channel = r.channels.iter().find(|c| c.kind != ChannelKind::Email);
            match (channel, r.pool_names.first()) {
                (Some(c), Some(p)) => Some(format!(
                    "channel = \"{}\" (its opening hours) or pool = \"{p}\" (its roster)",
                    c.name
                )),
                (Some(c), None) => Some(format!("channel = \"{}\"", c.name)),
                (None, Some(p)) => Some(format!("pool = \"{p}\"")),
                (None, None) => None,
            }
        }
        (_, "channel") => named("channel", r.channel_names.first()),
        (_, "from") => other_pool(&a.to),
        (_, "to") => other_pool(&a.from),
        (_, "pool") => named(key, r.pool_names.first()),
        (_, "topic") => named("topic", r.topic_names.first()),
        (ActionKind::Hire, "count") => Some("count = 10".into()),
        (_, "count") => Some("count = 5, or share = 0.25 of the home pool".into()),
        (_, "hours") => {
            Some("hours = { weekdays = \"08:00-20:00\", sat = \"09:00-13:00\" }".into())
        }
        (_, "lines") => Some("lines = 60".into()),
        (_, "counters") => Some("counters = 30".into()),
        (_, "deflect") => Some("deflect = 0.3".into()),
        (_, "factor") => Some("factor = 0.7 (30 % shorter)".into()),
        (_, "takes") => Some("takes = 0.6".into()),
        (_, "damping") => Some("damping = 0.5".into()),
        (_, "accept") => Some("accept = 0.6".into()),
        (_, "within") => Some("within = \"4h\"".into()),
        _ => None,
    }
}
