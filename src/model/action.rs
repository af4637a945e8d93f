//! Contingency actions as the engine runs them: what fires when, and what it
//! changes. Built by [`super::compile`] from the scenario's `[[actions]]`
//! entries of enabled plans.

use super::schedule::Intervals;

/// A compiled action.
#[derive(Debug, Clone)]
pub struct Action {
    /// The scenario's id.
    pub id: String,
    /// When it is decided.
    pub fire: Fire,
    /// Seconds from the decision to the effect.
    pub delay_s: f64,
    /// When it is undone, if ever.
    pub release: Option<Fire>,
    /// Or this long after its effect started, seconds.
    pub duration_s: Option<f64>,
    /// What it does.
    pub effect: Effect,
    /// The scripted event (index into [`super::Model::injects`]) whose
    /// mechanics this is; `None` for a contingency action of the plan.
    pub inject: Option<usize>,
}

/// When an action is decided (or undone).
#[derive(Debug, Clone)]
pub enum Fire {
    /// At this time, seconds.
    At(f64),
    /// When the trigger holds.
    When(Trigger),
}

/// A condition on the running replication, checked at the end of every
/// reporting interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// What is measured.
    pub metric: Metric,
    /// Channel or pool index.
    pub target: usize,
    /// `true`: holds when the metric is below the threshold; `false`: above.
    pub below: bool,
    /// Threshold.
    pub threshold: f64,
    /// Trailing window, in reporting intervals.
    pub window: usize,
    /// Consecutive checks the condition must hold.
    pub hold: usize,
}

/// Metrics a trigger can watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Channel: answered within the threshold ÷ (answered + abandoned) of
    /// the attempts that arrived in the window and have ended.
    ServiceLevel,
    /// Channel: mean wait of the answered attempts of the window, seconds.
    Asa,
    /// Channel: abandoned ÷ offered of the window's attempts.
    AbandonShare,
    /// Channel: time-average number waiting over the window.
    Queue,
    /// Channel: number waiting at the end of the window.
    Backlog,
    /// Channel: age of the oldest waiting contact at the end of the window,
    /// seconds.
    OldestAge,
    /// Channel: attempts offered in the window.
    Offered,
    /// Pool: busy ÷ on-duty staff time over the window.
    Occupancy,
}

impl Metric {
    /// Names as written in scenarios, with the metric.
    pub const ALL: [(&'static str, Metric); 8] = [
        ("service_level", Metric::ServiceLevel),
        ("asa_s", Metric::Asa),
        ("abandon_share", Metric::AbandonShare),
        ("queue", Metric::Queue),
        ("backlog", Metric::Backlog),
        ("oldest_age_s", Metric::OldestAge),
        ("offered", Metric::Offered),
        ("occupancy", Metric::Occupancy),
    ];

    /// Whether it is measured on a pool (otherwise on a channel).
    pub fn on_pool(self) -> bool {
        self == Metric::Occupancy
    }
}

/// What an action changes.
#[derive(Debug, Clone)]
pub enum Effect {
    /// A class of new staff joins a pool.
    Hire(Hire),
    /// Staff move from one pool to another.
    Redeploy(Redeploy),
    /// A channel's opening hours change.
    ChannelHours {
        /// Channel index.
        channel: usize,
        /// The new hours over the whole horizon (used from the effect on).
        open: Intervals,
    },
    /// A pool's roster changes.
    PoolHours {
        /// Pool index.
        pool: usize,
        /// The new roster over the whole horizon (used from the effect on).
        on_duty: Intervals,
        /// The hours the new roster would have had on the holidays.
        holiday_roster: Intervals,
        /// Share of the staff on duty at each moment of the new roster
        /// (below 1 when the overtime cap stops everyone working all of it).
        scale: f64,
        /// Cost multiplier of the staff hours (overtime paid more).
        cost_factor: f64,
    },
    /// A channel's number of lines changes.
    Lines {
        /// Channel index.
        channel: usize,
        /// New number of lines.
        lines: u32,
    },
    /// A desk's number of counters changes.
    Counters {
        /// Channel index.
        channel: usize,
        /// New number of counters.
        counters: u32,
    },
    /// A share of a topic's new contacts go elsewhere (online information).
    Deflect {
        /// Topic index.
        topic: usize,
        /// Channel index, or all channels.
        channel: Option<usize>,
        /// Share taken away at full effect.
        share: f64,
        /// Seconds from the effect to the full share (linear adoption).
        adoption_s: f64,
    },
    /// A channel takes over a share of a topic's new contacts.
    Reroute {
        /// Topic index.
        topic: usize,
        /// Channel whose contacts it takes over, or every other channel.
        from: Option<usize>,
        /// The channel that takes them.
        to: usize,
        /// Share taken over.
        share: f64,
    },
    /// Callers facing a long wait are offered a call back; those who accept
    /// leave the line and become deferred work.
    Callbacks {
        /// Phone channel.
        channel: usize,
        /// Offered when the expected wait is above this, seconds.
        offer_over_s: f64,
        /// Share who accept.
        accept: f64,
        /// Promised time to call back, seconds.
        within_s: f64,
    },
    /// Psychological support for a pool's staff.
    Support {
        /// Pool index.
        pool: usize,
        /// Share of the overload effects removed.
        damping: f64,
    },
    /// A pool's staff are more often absent (sick leave, an inject): each
    /// cohort's absence share is raised by `share` (at most 0.99).
    Absence {
        /// Pool index.
        pool: usize,
        /// Extra absence share.
        share: f64,
    },
    /// Handle times of a topic multiplied by a factor.
    ModelAnswers {
        /// Topic index.
        topic: usize,
        /// Channel index, or all channels.
        channel: Option<usize>,
        /// Multiplier.
        factor: f64,
    },
}

/// External recruitment.
#[derive(Debug, Clone)]
pub struct Hire {
    /// Pool they join.
    pub pool: usize,
    /// Number hired.
    pub count: u32,
    /// Seconds from the effect (decision + delay) to arrival.
    pub lead_s: f64,
    /// Seconds of training after arrival (paid, not productive).
    pub training_s: f64,
    /// Speed when training ends, as a share of full speed.
    pub start_speed: f64,
    /// Seconds from the end of training to full speed.
    pub ramp_s: f64,
    /// Rate at which hires leave, per second (from the monthly share).
    pub leave_rate: f64,
    /// Seconds from arrival to the end of contracts.
    pub contract_s: Option<f64>,
    /// Cost per staff hour on the roster.
    pub cost_per_hour: f64,
    /// One-off cost per hire.
    pub cost_per_hire: f64,
    /// Their own roster, if not the pool's: `(on duty, the hours it would
    /// have had on the holidays)`.
    pub roster: Option<(Intervals, Intervals)>,
    /// Trainers taken off their own pool's work during the training:
    /// `(pool, count)`.
    pub trainers: Option<(usize, u32)>,
}

/// Internal redeployment.
#[derive(Debug, Clone)]
pub struct Redeploy {
    /// Home pool.
    pub from: usize,
    /// Pool they join.
    pub to: usize,
    /// Number moved.
    pub count: u32,
    /// Seconds between leaving the home pool and working in the new one.
    pub switch_s: f64,
    /// Speed at the start in the new pool, as a share of its full speed.
    pub start_speed: f64,
    /// Seconds to full speed.
    pub ramp_s: f64,
}

impl Action {
    /// The effect in words, e.g. "hire 20 into phone_team"; a scripted
    /// event's starts with its kind: "inject (outage): 0 lines on hotline".
    pub fn describe(&self, m: &super::Model) -> String {
        let text = self.effect_words(m);
        match self.inject.and_then(|i| m.injects.get(i)) {
            Some(inj) => format!("inject ({}): {text}", inj.kind),
            None => text,
        }
    }

    /// The effect in words, without the inject's kind.
    pub fn effect_words(&self, m: &super::Model) -> String {
        let human = crate::units::human_duration;
        let pool = |p: usize| m.pools[p].name.as_str();
        let channel = |c: usize| m.channels[c].name.as_str();
        let on =
            |c: &Option<usize>| c.map_or("all channels".to_string(), |c| channel(c).to_string());
        match &self.effect {
            Effect::Hire(h) => {
                let mut text = format!(
                    "hire {} into {} (arrive after {} d, train {} d",
                    h.count,
                    pool(h.pool),
                    crate::units::trim_float(h.lead_s / 86_400.0),
                    crate::units::trim_float(h.training_s / 86_400.0)
                );
                text.push_str(&speed_words(h.start_speed, h.ramp_s));
                if h.leave_rate > 0.0 {
                    let per_month = 1.0 - (-h.leave_rate * 30.0 * 86_400.0).exp();
                    text.push_str(&format!(", {:.1} % leave a month", 100.0 * per_month));
                }
                if let Some(c) = h.contract_s {
                    text.push_str(&format!(", contracts of {}", human(c)));
                }
                text.push_str(&format!(
                    ", cost {} {cur}/h and {} {cur} per hire",
                    crate::units::trim_float(h.cost_per_hour),
                    crate::units::trim_float(h.cost_per_hire),
                    cur = m.currency
                ));
                if h.roster.is_some() {
                    text.push_str(", own roster");
                }
                if let Some((p, n)) = h.trainers {
                    text.push_str(&format!(", {n} trainers from {}", pool(p)));
                }
                text.push(')');
                text
            }
            Effect::Redeploy(r) => format!(
                "redeploy {} from {} to {} (switch-over {}{})",
                r.count,
                pool(r.from),
                pool(r.to),
                human(r.switch_s),
                speed_words(r.start_speed, r.ramp_s)
            ),
            Effect::ChannelHours { channel: c, open } => format!(
                "new opening hours of {} ({:.1} h open in the horizon's first week)",
                channel(*c),
                open.overlap(0.0, (7.0 * 86_400.0f64).min(m.horizon_s)) / 3600.0
            ),
            Effect::PoolHours {
                pool: p,
                on_duty,
                scale,
                cost_factor,
                ..
            } => format!(
                "new roster of {} ({:.1} h on duty in the horizon's first week, staff on duty × {}, pay × {})",
                pool(*p),
                on_duty.overlap(0.0, (7.0 * 86_400.0f64).min(m.horizon_s)) / 3600.0,
                crate::units::trim_float(*scale),
                crate::units::trim_float(*cost_factor)
            ),
            Effect::Lines { channel: c, lines } => format!("{} lines on {}", lines, channel(*c)),
            Effect::Counters {
                channel: c,
                counters,
            } => format!("{} counters at {}", counters, channel(*c)),
            Effect::Deflect {
                topic,
                channel: c,
                share,
                adoption_s,
            } => format!(
                "online information takes {:.0} % of {} on {} (full effect after {})",
                100.0 * share,
                m.topics[*topic],
                on(c),
                human(*adoption_s)
            ),
            Effect::Callbacks {
                channel: c,
                offer_over_s,
                accept,
                within_s,
            } => format!(
                "callbacks on {} when the wait would exceed {}: {:.0} % accept, called back within {}",
                channel(*c),
                crate::units::human_duration(*offer_over_s),
                100.0 * accept,
                crate::units::human_duration(*within_s)
            ),
            Effect::Support { pool: p, damping } => format!(
                "support for {}: overload effects × {}",
                pool(*p),
                crate::units::trim_float(1.0 - damping)
            ),
            Effect::Reroute {
                topic,
                from,
                to,
                share,
            } => format!(
                "{} takes {:.0} % of {} from {}",
                channel(*to),
                100.0 * share,
                m.topics[*topic],
                from.map_or("every other channel".to_string(), |c| channel(c)
                    .to_string())
            ),
            Effect::Absence { pool: p, share } => {
                format!("absence in {} up by {:.0} points", pool(*p), 100.0 * share)
            }
            Effect::ModelAnswers {
                topic,
                channel: c,
                factor,
            } if self.inject.is_some() => format!(
                "handle time of {} on {} × {}",
                m.topics[*topic],
                on(c),
                crate::units::trim_float(*factor)
            ),
            Effect::ModelAnswers {
                topic,
                channel: c,
                factor,
            } => format!(
                "model answers: handle time of {} on {} × {}",
                m.topics[*topic],
                on(c),
                crate::units::trim_float(*factor)
            ),
        }
    }
}

/// `, start at 50 % speed, full speed after 4 w` (nothing at full speed).
fn speed_words(start_speed: f64, ramp_s: f64) -> String {
    if start_speed >= 1.0 && ramp_s == 0.0 {
        return String::new();
    }
    format!(
        ", start at {:.0} % speed, full speed after {}",
        100.0 * start_speed,
        crate::units::human_duration(ramp_s)
    )
}
