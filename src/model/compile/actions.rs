//! Actions: `[plans.ID]` and `[[actions]]` — unique ids, plans switched on
//! or off, when an action is decided and undone (`at`/`when`,
//! `until`/`release`/`duration`) and the keys that apply to each kind. What
//! each kind does is checked in `effects.rs`, conditions in `triggers.rs`.

use crate::model::{Action, Channel, DAY_S, Fire, Pool};
use crate::scenario::{ActionKind, Scenario};

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
            let start_date = self.start_date;
            let date_s = |d: &crate::scenario::Date| {
                (crate::model::surge::days_between(start_date, d.0) * DAY_S).max(0.0)
            };
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
