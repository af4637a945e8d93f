//! Contingency actions in the running replication: when they are decided
//! (a date, or a trigger checked at the end of every reporting interval),
//! their effect after the decision delay, and their undoing. Injects that
//! work as actions (outages, sick leave, rules) run here too; an outage
//! holds the lines or counters it sets until it ends, whatever an action
//! does meanwhile, and then gives back what the channel would have.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp};

use super::{Firing, Kind, Sim, Tracer, staff};
use crate::model::{Effect, Fire, Intervals, Metric, Model, Trigger};
use crate::rng::{Process, stream};

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Waiting for its date or trigger.
    Armed,
    /// Decided; the effect comes after the delay.
    Decided,
    /// In effect.
    Active,
    /// Undone (or its release came before its effect).
    Released,
}

#[derive(Debug, Clone)]
pub(super) struct ActionState {
    pub phase: Phase,
    /// Consecutive checks at which the firing condition held.
    hold: usize,
    /// Consecutive checks at which the release condition held.
    release_hold: usize,
}

pub(super) fn initial(m: &Model) -> Vec<ActionState> {
    m.actions
        .iter()
        .map(|_| ActionState {
            phase: Phase::Armed,
            hold: 0,
            release_hold: 0,
        })
        .collect()
}

// Action event codes.
const DECIDE: u32 = 0;
const EFFECT: u32 = 1;
const RELEASE: u32 = 2;

// Cohort event codes.
const HIRES_ARRIVE: u32 = 0;
const TRAINING_ENDS: u32 = 1;
const ONE_LEAVES: u32 = 2;
const CONTRACTS_END: u32 = 3;
const REDEPLOYED_ARRIVE: u32 = 4;
const REDEPLOYED_RETURN: u32 = 5;

impl<T: Tracer> Sim<'_, T> {
    /// Schedules the actions decided on a date.
    pub(super) fn schedule_actions(&mut self) {
        for (a, action) in self.m.actions.iter().enumerate() {
            if let Fire::At(t) = action.fire {
                self.cal.schedule(t, Kind::Action, a as u32, DECIDE);
            }
        }
    }

    fn decide(&mut self, a: usize, value: f64) {
        let now = self.now;
        let action = &self.m.actions[a];
        self.acts[a].phase = Phase::Decided;
        let effect_s = now + action.delay_s;
        self.firings.push(Firing {
            action: a,
            release: false,
            decided_s: now,
            effect_s,
            value,
        });
        if effect_s <= self.m.horizon_s {
            self.cal.schedule(effect_s, Kind::Action, a as u32, EFFECT);
        }
    }

    fn release_action(&mut self, a: usize, value: f64) {
        let now = self.now;
        let was = self.acts[a].phase;
        self.acts[a].phase = Phase::Released;
        self.firings.push(Firing {
            action: a,
            release: true,
            decided_s: now,
            effect_s: now,
            value,
        });
        if was == Phase::Active {
            self.undo(a);
        }
    }

    pub(super) fn on_action(&mut self, a: usize, code: u32) {
        match code {
            DECIDE => {
                if self.acts[a].phase == Phase::Armed {
                    self.decide(a, f64::NAN);
                }
            }
            EFFECT => {
                if self.acts[a].phase != Phase::Decided {
                    return;
                }
                self.acts[a].phase = Phase::Active;
                self.apply(a);
                let end = match (&self.m.actions[a].release, self.m.actions[a].duration_s) {
                    (Some(Fire::At(t)), _) => Some(t.max(self.now)),
                    (_, Some(d)) => Some(self.now + d),
                    _ => None,
                };
                if let Some(t) = end
                    && t <= self.m.horizon_s
                {
                    self.cal.schedule(t, Kind::Action, a as u32, RELEASE);
                }
            }
            _ => {
                if self.acts[a].phase == Phase::Active {
                    self.release_action(a, f64::NAN);
                }
            }
        }
    }

    /// The action's effect starts now.
    fn apply(&mut self, a: usize) {
        let m = self.m;
        let now = self.now;
        match &m.actions[a].effect {
            Effect::Hire(h) => {
                let co = self.action_cohort[a].expect("a cohort per hire");
                let t = now + h.lead_s;
                if t <= m.horizon_s {
                    self.cal.schedule(t, Kind::Cohort, co as u32, HIRES_ARRIVE);
                }
            }
            Effect::Redeploy(r) => {
                // They leave their pool now and work in the other after the
                // switch-over.
                let own = &mut self.cohorts[r.from];
                own.headcount = own.headcount.saturating_sub(r.count);
                self.staff_changed(r.from);
                let co = self.action_cohort[a].expect("a cohort per redeployment");
                let t = now + r.switch_s;
                if t <= m.horizon_s {
                    self.cal
                        .schedule(t, Kind::Cohort, co as u32, REDEPLOYED_ARRIVE);
                }
            }
            Effect::ChannelHours { channel, open } => self.set_channel_hours(*channel, open),
            Effect::PoolHours {
                pool,
                on_duty,
                holiday_roster,
                scale,
                cost_factor,
            } => {
                self.shapes[*pool].scale = *scale;
                self.shapes[*pool].cost_factor = *cost_factor;
                let steps = staff::shape_of(&m.pools[*pool], on_duty, holiday_roster, m.horizon_s);
                self.splice_shape(*pool, steps);
            }
            Effect::Lines { channel, lines } => {
                let c = *channel;
                if m.actions[a].inject.is_some() {
                    self.outages[c] += 1;
                } else {
                    self.base_capacity[c] = Some(*lines);
                }
                if m.actions[a].inject.is_some() || self.outages[c] == 0 {
                    self.lines[c] = Some(*lines);
                    self.set_capacity(c, f64::from(*lines));
                }
            }
            Effect::Counters { channel, counters } => {
                let c = *channel;
                if m.actions[a].inject.is_some() {
                    self.outages[c] += 1;
                } else {
                    self.base_capacity[c] = Some(*counters);
                }
                if m.actions[a].inject.is_some() || self.outages[c] == 0 {
                    self.set_counters(c, *counters);
                    self.set_capacity(c, f64::from(*counters));
                }
            }
            Effect::Absence { pool, .. } => self.recompute_absence(*pool),
            Effect::Deflect { topic, channel, .. } => {
                for c in self.channels_of(*channel) {
                    self.deflections[topic * self.nc + c].push(a);
                }
            }
            Effect::Reroute {
                topic, from, to, ..
            } => {
                for c in self.channels_of(*from) {
                    if c != *to {
                        self.reroutes[topic * self.nc + c].push(a);
                    }
                }
            }
            Effect::ModelAnswers { .. } => self.recompute_factors(),
            Effect::Support { pool, .. } => self.recompute_damping(*pool),
            Effect::Callbacks { channel, .. } => self.callbacks[*channel] = Some(a),
        }
    }

    /// The action's effect ends now.
    fn undo(&mut self, a: usize) {
        let m = self.m;
        match &m.actions[a].effect {
            Effect::Hire(_) => {
                let co = self.action_cohort[a].expect("a cohort per hire");
                self.end_contracts(co);
            }
            Effect::Redeploy(r) => {
                let co = self.action_cohort[a].expect("a cohort per redeployment");
                let c = &mut self.cohorts[co];
                let away = c.headcount;
                c.headcount = 0;
                self.staff_changed(co);
                let t = self.now + r.switch_s;
                if away > 0 && t <= m.horizon_s {
                    self.cal
                        .schedule(t, Kind::Cohort, co as u32, REDEPLOYED_RETURN);
                } else if away == 0 {
                    // Released before they arrived: they go straight back.
                    let own = &mut self.cohorts[r.from];
                    own.headcount = (own.headcount + r.count).min(m.pools[r.from].headcount);
                    self.staff_changed(r.from);
                }
            }
            Effect::ChannelHours { channel, .. } => {
                let open = m.channels[*channel].open.clone();
                self.set_channel_hours(*channel, &open);
            }
            Effect::PoolHours { pool, .. } => {
                self.shapes[*pool].scale = 1.0;
                self.shapes[*pool].cost_factor = 1.0;
                let p = &m.pools[*pool];
                let steps = staff::shape_of(p, &p.on_duty, &p.holiday_roster, m.horizon_s);
                self.splice_shape(*pool, steps);
            }
            Effect::Lines { channel, .. } | Effect::Counters { channel, .. } => {
                let c = *channel;
                if m.actions[a].inject.is_some() {
                    // An outage ends: back to what the channel would have
                    // now without it (an action may have changed it).
                    self.outages[c] = self.outages[c].saturating_sub(1);
                } else {
                    self.base_capacity[c] = m.channels[c].lines.or(m.channels[c].counters);
                }
                if self.outages[c] == 0 {
                    let base = self.base_capacity[c];
                    if m.channels[c].kind == crate::model::ChannelKind::Desk {
                        self.set_counters(c, base.unwrap_or(u32::MAX));
                    } else {
                        self.lines[c] = base;
                    }
                    self.set_capacity(c, f64::from(base.unwrap_or(0)));
                }
            }
            Effect::Absence { pool, .. } => self.recompute_absence(*pool),
            Effect::Deflect { topic, channel, .. } => {
                for c in self.channels_of(*channel) {
                    self.deflections[topic * self.nc + c].retain(|&x| x != a);
                }
            }
            Effect::Reroute { topic, from, .. } => {
                for c in self.channels_of(*from) {
                    self.reroutes[topic * self.nc + c].retain(|&x| x != a);
                }
            }
            Effect::ModelAnswers { .. } => self.recompute_factors(),
            Effect::Support { pool, .. } => self.recompute_damping(*pool),
            Effect::Callbacks { channel, .. } => {
                if self.callbacks[*channel] == Some(a) {
                    self.callbacks[*channel] = None;
                }
            }
        }
    }

    /// Extra absence in effect for pool `p` (sick leave): every cohort of
    /// the pool draws who is present again.
    fn recompute_absence(&mut self, p: usize) {
        let m = self.m;
        self.sick[p] = m
            .actions
            .iter()
            .enumerate()
            .filter(|&(a, _)| self.acts[a].phase == Phase::Active)
            .filter_map(|(_, action)| match action.effect {
                Effect::Absence { pool, share } if pool == p => Some(share),
                _ => None,
            })
            .sum();
        for j in 0..self.pool_cohorts[p].len() {
            let co = self.pool_cohorts[p][j];
            self.staff_changed(co);
        }
    }

    /// The strongest support in effect for pool `p`.
    fn recompute_damping(&mut self, p: usize) {
        let m = self.m;
        self.damping[p] = m
            .actions
            .iter()
            .enumerate()
            .filter(|&(a, _)| self.acts[a].phase == Phase::Active)
            .filter_map(|(_, action)| match action.effect {
                Effect::Support { pool, damping } if pool == p => Some(damping),
                _ => None,
            })
            .fold(0.0, f64::max);
    }

    /// Whether a new contact of demand stream `d` goes to a channel opened
    /// by an action instead, and which; draws from the stream's own
    /// generator (also its new handle time, patience and seed).
    pub(super) fn rerouted(&mut self, d: usize) -> Option<(usize, f64, f64, u64)> {
        let m = self.m;
        let demand = &m.demands[d];
        let seed = m.seed;
        let rep = self.replication;
        let rng: &mut ChaCha8Rng =
            self.reroute_rng[d].get_or_insert_with(|| stream(seed, rep, Process::Reroute, d));
        let u: f64 = rng.random();
        let mut acc = 0.0;
        for &a in &self.reroutes[demand.topic * self.nc + demand.channel] {
            if let Effect::Reroute {
                to, share, topic, ..
            } = m.actions[a].effect
            {
                acc += share;
                if u < acc.min(1.0) {
                    let handle = m.handle(topic, to)?.sample(rng);
                    let patience = match &m.channels[to].patience {
                        Some(p) => p.sample(rng),
                        None => f64::INFINITY,
                    };
                    return Some((to, handle, patience, rand::Rng::next_u64(rng)));
                }
            }
        }
        None
    }

    fn channels_of(&self, channel: Option<usize>) -> Vec<usize> {
        match channel {
            Some(c) => vec![c],
            None => (0..self.nc).collect(),
        }
    }

    /// Counters in place at desk `c` become `n`: every reader (dispatch,
    /// the gate rule, a visitor's arrival) reads `chans[c].counters`.
    fn set_counters(&mut self, c: usize, n: u32) {
        self.chans[c].counters = n;
        self.dispatch_all();
    }

    /// Handle-time factors of every class: language × active model answers.
    fn recompute_factors(&mut self) {
        let m = self.m;
        for (k, class) in m.classes.iter().enumerate() {
            let mut f = m.languages[class.language].handle_factor;
            for (a, action) in m.actions.iter().enumerate() {
                if let Effect::ModelAnswers {
                    topic,
                    channel,
                    factor,
                } = &action.effect
                    && self.acts[a].phase == Phase::Active
                    && *topic == class.topic
                    && channel.is_none_or(|c| c == class.channel)
                {
                    f *= factor;
                }
            }
            self.info[k].factor = f;
        }
    }

    /// Replaces a pool's roster from now on.
    fn splice_shape(&mut self, s: usize, new_steps: Vec<staff::Step>) {
        let now = self.now;
        let mut steps: Vec<staff::Step> = self.shapes[s]
            .steps
            .iter()
            .copied()
            .filter(|st| st.at < now)
            .collect();
        let i = new_steps.partition_point(|st| st.at <= now);
        let (frac, paid) = if i > 0 {
            (new_steps[i - 1].frac, new_steps[i - 1].paid)
        } else {
            (0.0, false)
        };
        steps.push(staff::Step {
            at: now,
            frac,
            paid,
        });
        steps.extend(new_steps[i..].iter().copied());
        self.replace_shape(s, steps);
    }

    /// New opening hours of channel `c` from now on.
    fn set_channel_hours(&mut self, c: usize, open: &Intervals) {
        let now = self.now;
        let mut spans: Vec<(f64, f64)> = Vec::new();
        // Keep the past as it was, take the new hours from now.
        let horizon = self.m.horizon_s;
        for w in self.hours[c].chunks(2) {
            let (a, b) = (w[0], w.get(1).copied().unwrap_or(horizon));
            if a < now {
                spans.push((a, b.min(now)));
            }
        }
        for &(a, b) in open.spans() {
            if b > now {
                spans.push((a.max(now), b));
            }
        }
        let merged = Intervals::from_spans(spans, self.m.horizon_s);
        self.hours[c] = merged.spans().iter().flat_map(|&(a, b)| [a, b]).collect();
        self.hours_epoch[c] = self.hours_epoch[c].wrapping_add(1) & 0xFFFF;
        let k = self.hours[c].partition_point(|&t| t <= now);
        let is_open = k % 2 == 1;
        self.chans[c].open = is_open;
        self.chans[c].close_at = if is_open {
            self.hours[c].get(k).copied().unwrap_or(f64::INFINITY)
        } else {
            f64::INFINITY
        };
        if let Some(&t) = self.hours[c].get(k)
            && t < self.m.horizon_s
        {
            let a = (c as u32) | (self.hours_epoch[c] << 16);
            self.cal.schedule(t, Kind::Hours, a, k as u32);
        }
    }

    /// Whether a new contact of demand stream `d` is answered by online
    /// information instead (a deflection in effect).
    pub(super) fn deflected(&mut self, d: usize, now: f64) -> bool {
        let m = self.m;
        let demand = &m.demands[d];
        let mut share = 0.0;
        for &a in &self.deflections[demand.topic * self.nc + demand.channel] {
            if let Effect::Deflect {
                share: s,
                adoption_s,
                ..
            } = m.actions[a].effect
            {
                let since = self
                    .firings
                    .iter()
                    .rev()
                    .find(|f| f.action == a && !f.release)
                    .map_or(now, |f| f.effect_s);
                let grown = if adoption_s > 0.0 {
                    ((now - since) / adoption_s).clamp(0.0, 1.0)
                } else {
                    1.0
                };
                share += s * grown;
            }
        }
        let seed = m.seed;
        let rep = self.replication;
        let rng: &mut ChaCha8Rng =
            self.deflect_rng[d].get_or_insert_with(|| stream(seed, rep, Process::Deflection, d));
        rng.random::<f64>() < share.min(1.0)
    }

    pub(super) fn on_cohort(&mut self, co: usize, code: u32) {
        let m = self.m;
        let now = self.now;
        let Some(a) = self.action_cohort.iter().position(|&x| x == Some(co)) else {
            return;
        };
        match (&m.actions[a].effect, code) {
            (Effect::Hire(h), HIRES_ARRIVE) => {
                if self.acts[a].phase != Phase::Active {
                    return; // released before they arrived
                }
                let c = &mut self.cohorts[co];
                c.headcount = h.count;
                c.paid_headcount = h.count;
                c.training_until = now + h.training_s;
                c.speed_from = now + h.training_s;
                c.start_speed = h.start_speed;
                c.ramp_s = h.ramp_s;
                let interval = self.now_interval as usize;
                self.one_off[interval * self.np + h.pool] += f64::from(h.count) * h.cost_per_hire;
                if h.training_s > 0.0 && now + h.training_s <= m.horizon_s {
                    self.cal
                        .schedule(now + h.training_s, Kind::Cohort, co as u32, TRAINING_ENDS);
                }
                if let Some((tp, n)) = h.trainers
                    && h.training_s > 0.0
                {
                    // Trainers leave their own work for the training.
                    let own = &mut self.cohorts[tp];
                    own.headcount = own.headcount.saturating_sub(n);
                    self.staff_changed(tp);
                }
                let end = h.contract_s.map_or(f64::INFINITY, |c| now + c);
                if h.leave_rate > 0.0 {
                    let mut rng = stream(m.seed, self.replication, Process::Actions, a);
                    if let Ok(exp) = Exp::new(h.leave_rate) {
                        for _ in 0..h.count {
                            let t = now + exp.sample(&mut rng);
                            if t < end && t <= m.horizon_s {
                                self.cal.schedule(t, Kind::Cohort, co as u32, ONE_LEAVES);
                            }
                        }
                    }
                }
                if end <= m.horizon_s {
                    self.cal
                        .schedule(end, Kind::Cohort, co as u32, CONTRACTS_END);
                }
                self.staff_changed(co);
            }
            (Effect::Hire(h), TRAINING_ENDS) => {
                self.staff_changed(co);
                if let Some((tp, n)) = h.trainers {
                    let own = &mut self.cohorts[tp];
                    own.headcount = (own.headcount + n).min(m.pools[tp].headcount);
                    self.staff_changed(tp);
                }
            }
            (Effect::Hire(_), ONE_LEAVES) => {
                let c = &mut self.cohorts[co];
                c.headcount = c.headcount.saturating_sub(1);
                c.paid_headcount = c.paid_headcount.saturating_sub(1);
                self.staff_changed(co);
            }
            (Effect::Hire(_), CONTRACTS_END) => self.end_contracts(co),
            (Effect::Redeploy(r), REDEPLOYED_ARRIVE) => {
                if self.acts[a].phase != Phase::Active {
                    return;
                }
                let c = &mut self.cohorts[co];
                c.headcount = r.count;
                c.speed_from = now;
                c.start_speed = r.start_speed;
                c.ramp_s = r.ramp_s;
                self.staff_changed(co);
            }
            (Effect::Redeploy(r), REDEPLOYED_RETURN) => {
                let own = &mut self.cohorts[r.from];
                own.headcount = (own.headcount + r.count).min(m.pools[r.from].headcount);
                self.staff_changed(r.from);
            }
            _ => {}
        }
    }

    fn end_contracts(&mut self, co: usize) {
        let c = &mut self.cohorts[co];
        c.headcount = 0;
        c.paid_headcount = 0;
        self.staff_changed(co);
    }

    /// At the end of reporting interval `i`: checks the triggers.
    pub(super) fn check_triggers(&mut self, i: usize) {
        let m = self.m;
        for a in 0..m.actions.len() {
            let action = &m.actions[a];
            let (trigger, releasing) = match (self.acts[a].phase, &action.fire, &action.release) {
                (Phase::Armed, Fire::When(t), _) => (t, false),
                (Phase::Active, _, Some(Fire::When(t))) => (t, true),
                _ => continue,
            };
            let value = self.metric(trigger, i);
            let holds = if trigger.below {
                value < trigger.threshold
            } else {
                value > trigger.threshold
            };
            let st = &mut self.acts[a];
            let count = if releasing {
                &mut st.release_hold
            } else {
                &mut st.hold
            };
            *count = if holds { *count + 1 } else { 0 };
            if *count >= trigger.hold {
                if releasing {
                    self.release_action(a, value);
                } else {
                    self.decide(a, value);
                }
            }
        }
    }

    /// A trigger's metric over the window ending with interval `i`
    /// (NaN when undefined, which never satisfies a condition).
    fn metric(&mut self, tr: &Trigger, i: usize) -> f64 {
        let now = self.now;
        let nc = self.nc;
        let from = (i + 1).saturating_sub(tr.window);
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let c = tr.target;
        let sum = |f: &dyn Fn(&super::Counts) -> f64| -> f64 {
            (from..=i).map(|j| f(&self.counts[j * nc + c])).sum()
        };
        match tr.metric {
            Metric::ServiceLevel => ratio(
                sum(&|k| k.answered_within),
                sum(&|k| k.answered + k.abandoned),
            ),
            Metric::Asa => ratio(sum(&|k| k.wait_answered_s), sum(&|k| k.answered)),
            Metric::AbandonShare => ratio(sum(&|k| k.abandoned), sum(&|k| k.offered)),
            Metric::Offered => sum(&|k| k.offered),
            Metric::Backlog => self.snapshots[i * nc + c].0,
            Metric::OldestAge => self.snapshots[i * nc + c].1,
            Metric::Queue => {
                let l = self.lvl_queue(c);
                self.levels.integrate(l, now);
                let n = self.levels.n;
                let area: f64 = (from..=i).map(|j| self.levels.area[j * n + l]).sum();
                area / ((i + 1 - from) as f64 * self.m.interval_s)
            }
            Metric::Occupancy => {
                let (lb, lo) = (
                    self.lvl_pool(c, staff::L_BUSY),
                    self.lvl_pool(c, staff::L_ON_DUTY),
                );
                self.levels.integrate(lb, now);
                self.levels.integrate(lo, now);
                let n = self.levels.n;
                let busy: f64 = (from..=i).map(|j| self.levels.area[j * n + lb]).sum();
                let on: f64 = (from..=i).map(|j| self.levels.area[j * n + lo]).sum();
                ratio(busy, on)
            }
        }
    }
}
