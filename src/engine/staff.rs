//! Staff: cohorts of interchangeable people within a pool (the pool's own
//! staff, staff redeployed into it, each class of hires), their rosters
//! ("shapes": the share of present staff on duty over time, changed by
//! actions), daily absence, learning curves and paid hours.

use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand_distr::Distribution;

use super::{Kind, Sim, Tracer};
use crate::model::{DAY_S, Intervals, Model, Pool, staff_on_duty};

/// Where a cohort's staff come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Own,
    Redeployed,
    Hired,
}

/// A group of interchangeable staff of one pool.
#[derive(Debug, Clone)]
pub(super) struct Cohort {
    pub pool: usize,
    pub origin: Origin,
    /// Roster shape followed.
    pub shape: usize,
    /// People on the roster now (before absence).
    pub headcount: u32,
    /// People whose roster hours this cohort's pool pays (own staff stay
    /// paid by their pool while redeployed elsewhere).
    pub paid_headcount: u32,
    /// Present but not productive until then (training).
    pub training_until: f64,
    /// Learning curve: speed factor rises linearly from `start_speed` at
    /// `speed_from` to 1 after `ramp_s`.
    pub speed_from: f64,
    pub start_speed: f64,
    pub ramp_s: f64,
    pub absence: f64,
    /// Absence without overload.
    pub base_absence: f64,
    pub cost_per_hour: f64,
    /// Stable number for its absence draws.
    pub id: u64,
    /// Staff on duty (productive), idle, busy, leaving after their contact.
    pub on_duty: u32,
    pub idle: u32,
    pub busy: u32,
    pub leaving: u32,
    /// Staff present in training.
    pub training: u32,
    /// Absence draw of the current day: (day, headcount, absence, present).
    pub present_cache: (u64, u32, f64, u32),
}

impl Cohort {
    pub fn new(pool: usize, origin: Origin, shape: usize, p: &Pool, id: u64) -> Self {
        Cohort {
            pool,
            origin,
            shape,
            headcount: 0,
            paid_headcount: 0,
            training_until: f64::NEG_INFINITY,
            speed_from: f64::NEG_INFINITY,
            start_speed: 1.0,
            ramp_s: 0.0,
            absence: p.absence,
            base_absence: p.absence,
            cost_per_hour: p.cost_per_hour,
            id,
            on_duty: 0,
            idle: 0,
            busy: 0,
            leaving: 0,
            training: 0,
            present_cache: (u64::MAX, 0, 0.0, 0),
        }
    }

    /// Speed factor (learning curve) at `t`.
    #[inline]
    pub fn speed_at(&self, t: f64) -> f64 {
        if self.start_speed >= 1.0 || t >= self.speed_from + self.ramp_s {
            1.0
        } else if t <= self.speed_from {
            self.start_speed
        } else {
            self.start_speed + (1.0 - self.start_speed) * (t - self.speed_from) / self.ramp_s
        }
    }
}

/// One step of a roster shape, holding until the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Step {
    /// When it starts, seconds.
    pub at: f64,
    /// Share of the present staff on duty.
    pub frac: f64,
    /// Whether the roster's hours are paid: on duty (breaks included), or a
    /// holiday's roster hours in a pool that pays holidays.
    pub paid: bool,
}

/// A roster shape: the share of present staff on duty, as steps.
#[derive(Debug, Clone)]
pub(super) struct Shape {
    pub steps: Vec<Step>,
    /// Current share.
    pub frac: f64,
    /// Whether the current step is paid.
    pub paid: bool,
    /// Bumped when the steps are replaced, to invalidate scheduled events.
    pub epoch: u32,
    pub cohorts: Vec<usize>,
    /// Share of the staff on duty at each moment (below 1 when an overtime
    /// cap keeps people from working the whole roster).
    pub scale: f64,
    /// Multiplier of the cost of staff hours (overtime).
    pub cost_factor: f64,
}

/// The shape of a roster: on-duty intervals with a pool's breaks, with a
/// step at every midnight (absence is drawn per day). Time on duty is paid,
/// and so are `holiday_roster` (the hours the roster would have had on the
/// holidays) when the pool pays holidays.
pub(super) fn shape_of(
    pool: &Pool,
    on_duty: &Intervals,
    holiday_roster: &Intervals,
    horizon_s: f64,
) -> Vec<Step> {
    let mut p = pool.clone();
    if p.on_duty != *on_duty {
        // A roster of its own (hires with their hours): not the pool's
        // staffing table.
        p.staffing.clear();
    }
    p.on_duty = on_duty.clone();
    // Midnight steps: a zero absence still needs none, but cohorts that
    // join later may have one; always adding them keeps this simple.
    p.absence = 1e-9;
    let duty = p.duty_shape(horizon_s);
    let holidays = if pool.holiday_pay {
        holiday_roster.spans()
    } else {
        &[]
    };
    let mut times: Vec<f64> = duty.iter().map(|&(t, _)| t).collect();
    for &(a, b) in holidays {
        times.push(a);
        times.push(b);
    }
    times.retain(|&t| t < horizon_s);
    times.sort_by(f64::total_cmp);
    times.dedup();
    times
        .into_iter()
        .map(|at| {
            // `duty` starts at 0 and every time is at or after it.
            let i = duty.partition_point(|&(t, _)| t <= at);
            let frac = if i > 0 { duty[i - 1].1 } else { 0.0 };
            Step {
                at,
                frac,
                paid: frac > 0.0 || (pool.holiday_pay && holiday_roster.contains(at)),
            }
        })
        .collect()
}

/// Levels kept per pool, after the channel levels: `POOL_LEVELS` each.
pub(super) const POOL_LEVELS: usize = 10;
pub(super) const L_ON_DUTY: usize = 0;
pub(super) const L_BUSY: usize = 1;
pub(super) const L_DEFERRED: usize = 2;
pub(super) const L_OWN: usize = 3;
pub(super) const L_REDEPLOYED: usize = 4;
pub(super) const L_HIRED: usize = 5;
pub(super) const L_TRAINING: usize = 6;
pub(super) const L_PAID: usize = 7;
pub(super) const L_COST: usize = 8;
/// 1 while the pool's own roster has anyone on duty (its opening hours).
pub(super) const L_ROSTERED: usize = 9;

/// The cohorts and shapes of a model at the start of a replication: the
/// pools' own staff (cohort `p` follows shape `p`), then one empty cohort
/// per hire and per redeployment action, in action order.
pub(super) fn initial(m: &Model) -> (Vec<Cohort>, Vec<Shape>, Vec<Option<usize>>) {
    let np = m.pools.len();
    let mut shapes: Vec<Shape> = m
        .pools
        .iter()
        .map(|p| Shape {
            steps: shape_of(p, &p.on_duty, &p.holiday_roster, m.horizon_s),
            frac: 0.0,
            paid: false,
            epoch: 0,
            cohorts: Vec::new(),
            scale: 1.0,
            cost_factor: 1.0,
        })
        .collect();
    let mut cohorts: Vec<Cohort> = (0..np)
        .map(|p| {
            let mut c = Cohort::new(p, Origin::Own, p, &m.pools[p], p as u64);
            c.headcount = m.pools[p].headcount;
            c.paid_headcount = c.headcount;
            c
        })
        .collect();
    let mut action_cohort = vec![None; m.actions.len()];
    for (a, action) in m.actions.iter().enumerate() {
        let id = (np + a) as u64;
        match &action.effect {
            crate::model::Effect::Hire(h) => {
                let shape = match &h.roster {
                    None => h.pool,
                    Some((on_duty, holidays)) => {
                        shapes.push(Shape {
                            steps: shape_of(&m.pools[h.pool], on_duty, holidays, m.horizon_s),
                            frac: 0.0,
                            paid: false,
                            epoch: 0,
                            cohorts: Vec::new(),
                            scale: 1.0,
                            cost_factor: 1.0,
                        });
                        shapes.len() - 1
                    }
                };
                let mut c = Cohort::new(h.pool, Origin::Hired, shape, &m.pools[h.pool], id);
                c.cost_per_hour = h.cost_per_hour;
                action_cohort[a] = Some(cohorts.len());
                cohorts.push(c);
            }
            crate::model::Effect::Redeploy(r) => {
                let mut c = Cohort::new(r.to, Origin::Redeployed, r.to, &m.pools[r.to], id);
                c.absence = m.pools[r.from].absence;
                c.base_absence = c.absence;
                action_cohort[a] = Some(cohorts.len());
                cohorts.push(c);
            }
            _ => {}
        }
    }
    for (i, c) in cohorts.iter().enumerate() {
        shapes[c.shape].cohorts.push(i);
    }
    (cohorts, shapes, action_cohort)
}

impl<T: Tracer> Sim<'_, T> {
    #[inline]
    pub(super) fn lvl_pool(&self, p: usize, which: usize) -> usize {
        2 * self.nc + p * POOL_LEVELS + which
    }

    /// Staff of cohort `co` present today (absence drawn per cohort, day and
    /// headcount from a generator of their own).
    fn present(&mut self, co: usize) -> u32 {
        let now = self.now;
        let c = &self.cohorts[co];
        // Sick leave (an inject) adds to the absence of the day, whatever
        // the wellbeing model made of it.
        let sick = self.sick[c.pool];
        let absence = if sick > 0.0 {
            (c.absence + sick).min(0.99)
        } else {
            c.absence
        };
        if absence <= 0.0 || c.headcount == 0 {
            return c.headcount;
        }
        let day = (now / DAY_S) as u64;
        if c.present_cache.0 == day
            && c.present_cache.1 == c.headcount
            && c.present_cache.2 == absence
        {
            return c.present_cache.3;
        }
        let seed = self.m.seed
            ^ self.replication.wrapping_mul(0xA076_1D64_78BD_642F)
            ^ c.id.wrapping_mul(0xE703_7ED1_A0B4_28DB)
            ^ day.wrapping_mul(0x8EBC_6AF0_9C88_C6E3);
        let mut rng = SmallRng::seed_from_u64(seed);
        let present = match rand_distr::Binomial::new(u64::from(c.headcount), 1.0 - absence) {
            Ok(b) => b.sample(&mut rng) as u32,
            Err(_) => c.headcount,
        };
        let c = &mut self.cohorts[co];
        c.present_cache = (day, c.headcount, absence, present);
        present
    }

    /// Brings cohort `co` to the number on duty its roster, headcount,
    /// absence and training call for now; updates the pool's totals and
    /// levels. Returns whether staff were added.
    pub(super) fn reconcile(&mut self, co: usize) -> bool {
        let now = self.now;
        let present = self.present(co);
        let shape = &self.shapes[self.cohorts[co].shape];
        let frac = shape.frac * shape.scale;
        let c = &mut self.cohorts[co];
        let p = c.pool;
        let on = staff_on_duty(present, frac);
        let (target, training) = if now < c.training_until {
            (0, on)
        } else {
            (on, 0)
        };
        c.training = training;
        let pool = &mut self.pools[p];
        let staying = c.on_duty - c.leaving;
        let added = target > staying;
        if target > staying {
            let mut add = target - staying;
            let back = add.min(c.leaving);
            c.leaving -= back;
            pool.leaving -= back;
            add -= back;
            c.on_duty += add;
            c.idle += add;
            pool.on_duty += add;
            pool.idle += add;
        } else if target < staying {
            let remove = staying - target;
            let from_idle = remove.min(c.idle);
            c.idle -= from_idle;
            c.on_duty -= from_idle;
            c.leaving += remove - from_idle;
            pool.idle -= from_idle;
            pool.on_duty -= from_idle;
            pool.leaving += remove - from_idle;
        }
        self.pool_levels(p);
        added
    }

    /// Sets the pool's levels from its cohorts.
    pub(super) fn pool_levels(&mut self, p: usize) {
        let now = self.now;
        let mut by = [0.0f64; POOL_LEVELS];
        for &co in &self.pool_cohorts[p] {
            let c = &self.cohorts[co];
            let on = f64::from(c.on_duty);
            match c.origin {
                Origin::Own => by[L_OWN] += on,
                Origin::Redeployed => by[L_REDEPLOYED] += on,
                Origin::Hired => by[L_HIRED] += on,
            }
            by[L_TRAINING] += f64::from(c.training);
            let shape = &self.shapes[c.shape];
            if shape.paid {
                let h = f64::from(c.paid_headcount) * shape.scale;
                by[L_PAID] += h;
                by[L_COST] += h * c.cost_per_hour * shape.cost_factor;
            }
        }
        by[L_ON_DUTY] = f64::from(self.pools[p].on_duty);
        by[L_ROSTERED] = if self.shapes[p].frac > 0.0 { 1.0 } else { 0.0 };
        for which in [
            L_ROSTERED,
            L_ON_DUTY,
            L_OWN,
            L_REDEPLOYED,
            L_HIRED,
            L_TRAINING,
            L_PAID,
            L_COST,
        ] {
            let l = self.lvl_pool(p, which);
            if self.levels.value(l) != by[which] {
                self.levels.set(l, now, by[which]);
            }
        }
    }

    /// A roster shape reaches step `step`.
    pub(super) fn on_shape(&mut self, s: usize, epoch: u32, step: usize) {
        if self.shapes[s].epoch != epoch {
            return;
        }
        let Step { frac, paid, .. } = self.shapes[s].steps[step];
        self.shapes[s].frac = frac;
        self.shapes[s].paid = paid;
        if let Some(next) = self.shapes[s].steps.get(step + 1)
            && next.at < self.m.horizon_s
        {
            self.schedule_shape(s, next.at, step + 1);
        }
        self.staff_changed_shape(s);
    }

    pub(super) fn schedule_shape(&mut self, s: usize, t: f64, step: usize) {
        let a = (s as u32) | (self.shapes[s].epoch << 16);
        self.cal.schedule(t, Kind::Duty, a, step as u32);
    }

    /// Every cohort of shape `s` follows its current share.
    fn staff_changed_shape(&mut self, s: usize) {
        for j in 0..self.shapes[s].cohorts.len() {
            let co = self.shapes[s].cohorts[j];
            self.staff_changed(co);
        }
    }

    /// After cohort `co` changed (roster, headcount, training): reconcile,
    /// send desk visitors home if nobody is left to serve them, let new
    /// staff take waiting work.
    pub(super) fn staff_changed(&mut self, co: usize) {
        let p = self.cohorts[co].pool;
        let before = self.pools[p].on_duty - self.pools[p].leaving;
        self.reconcile(co);
        let after = self.pools[p].on_duty - self.pools[p].leaving;
        if after < before {
            for j in 0..self.pool_desks[p].len() {
                let c = self.pool_desks[p][j];
                if self.chans[c].queue_len > 0 && !self.desk_staffed(c) {
                    self.send_home(c);
                }
            }
        }
        self.dispatch(p);
    }

    /// Replaces shape `s` from now on by a roster of new on-duty intervals.
    pub(super) fn replace_shape(&mut self, s: usize, steps: Vec<Step>) {
        let now = self.now;
        self.shapes[s].epoch = self.shapes[s].epoch.wrapping_add(1) & 0xFFFF;
        // The share now, then the future steps.
        let i = steps.partition_point(|st| st.at <= now);
        let (frac, paid) = if i > 0 {
            (steps[i - 1].frac, steps[i - 1].paid)
        } else {
            (0.0, false)
        };
        self.shapes[s].steps = steps;
        self.shapes[s].frac = frac;
        self.shapes[s].paid = paid;
        if let Some(next) = self.shapes[s].steps.get(i)
            && next.at < self.m.horizon_s
        {
            self.schedule_shape(s, next.at, i);
        }
        self.staff_changed_shape(s);
    }

    /// An idle cohort of pool `p` (own staff first, then the others in the
    /// order they were created).
    #[inline]
    pub(super) fn idle_cohort(&self, p: usize) -> usize {
        let list = &self.pool_cohorts[p];
        if list.len() == 1 {
            return list[0];
        }
        for &co in list {
            if self.cohorts[co].idle > 0 {
                return co;
            }
        }
        list[0]
    }
}

impl<T: Tracer> Sim<'_, T> {
    /// At the end of a day (interval `i` ends at midnight): pools whose
    /// occupancy over their window was above their threshold are
    /// overloaded: more absence, and some of their own staff leave; both
    /// damped by support actions in effect.
    pub(super) fn wellbeing(&mut self, i: usize) {
        let m = self.m;
        let now = self.now;
        for p in 0..self.np {
            let Some(w) = &m.pools[p].wellbeing else {
                continue;
            };
            let from = (i + 1).saturating_sub(w.window);
            let (lb, lo) = (self.lvl_pool(p, L_BUSY), self.lvl_pool(p, L_ON_DUTY));
            self.levels.integrate(lb, now);
            self.levels.integrate(lo, now);
            let n = self.levels.n;
            let busy: f64 = (from..=i).map(|j| self.levels.area[j * n + lb]).sum();
            let on: f64 = (from..=i).map(|j| self.levels.area[j * n + lo]).sum();
            let overloaded = on > 0.0 && busy / on > w.occupancy_over;
            let effect = 1.0 - self.damping[p];
            for j in 0..self.pool_cohorts[p].len() {
                let co = self.pool_cohorts[p][j];
                let c = &mut self.cohorts[co];
                c.absence = if overloaded {
                    (c.base_absence + w.absence_up * effect).min(0.99)
                } else {
                    c.base_absence
                };
            }
            if overloaded {
                self.pool_counts[i * self.np + p].overloaded_days += 1.0;
                let own = &self.cohorts[p];
                let rate = w.leave_per_day * effect;
                if rate > 0.0 && own.headcount > 0 {
                    let seed = m.seed;
                    let rep = self.replication;
                    let rng = self.wellbeing_rng[p].get_or_insert_with(|| {
                        crate::rng::stream(seed, rep, crate::rng::Process::Wellbeing, p)
                    });
                    let leavers = match rand_distr::Binomial::new(u64::from(own.headcount), rate) {
                        Ok(b) => b.sample(rng) as u32,
                        Err(_) => 0,
                    };
                    if leavers > 0 {
                        let own = &mut self.cohorts[p];
                        own.headcount -= leavers;
                        own.paid_headcount = own.paid_headcount.saturating_sub(leavers);
                        self.pool_counts[i * self.np + p].leavers += f64::from(leavers);
                    }
                }
            }
            for j in 0..self.pool_cohorts[p].len() {
                let co = self.pool_cohorts[p][j];
                self.staff_changed(co);
            }
        }
    }
}
