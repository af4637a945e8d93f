//! The discrete-event engine: one replication of a [`Model`].
//!
//! State is a calendar of future events, a slab of live calls (reused slots,
//! so nothing is allocated per call once the slab has grown to the largest
//! number of calls alive at once), a FIFO queue per channel and counters per
//! pool. Arrivals are a non-homogeneous Poisson process generated exactly for
//! the piecewise-constant rate (inversion of the cumulative rate). Each call's
//! own attributes (handle time, patience, and a seed for its redials) are
//! drawn when it first arrives, from its demand stream's own random streams,
//! so that scenarios that differ only in staffing see the same callers.
//!
//! Agents of a pool are interchangeable: the pool counts idle, busy and
//! leaving agents. When a roster shrinks, idle agents leave at once and busy
//! ones finish their call first. An arriving call goes to an idle agent of
//! the highest-priority pool that serves its channel; a freed agent takes the
//! oldest waiting call of the first channel in its priority list that has
//! one. Abandonment events are cancelled lazily: a call that was answered
//! ignores its abandonment event, and queue entries of calls that left are
//! skipped when they reach the head.

mod calendar;
mod outcome;

pub use calendar::{Calendar, Event, Kind};
pub use outcome::{ChannelInterval, ChannelTotals, Counts, PoolTally, RepOutcome};

use std::collections::VecDeque;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

use crate::model::{DAY_S, Model, Piece};
use crate::rng::{Process, caller_rng, stream};

/// Simulates replication `replication` of `model`.
pub fn simulate(model: &Model, replication: u64) -> RepOutcome {
    let mut sim = Sim::new(model, replication);
    sim.run();
    sim.finish()
}

/// This replication's demand multiplier for each day: a level factor for
/// the whole replication times a factor per day, both gamma with mean 1 and
/// the scenario's coefficients of variation, from a stream of their own (so
/// that staffing changes leave them as they are). Empty when demand is
/// certain.
pub fn demand_factors(m: &Model, replication: u64) -> Vec<f64> {
    if m.level_cv <= 0.0 && m.daily_cv <= 0.0 {
        return Vec::new();
    }
    let mut rng = stream(m.seed, replication, Process::DemandLevel, 0);
    let gamma = |cv: f64, rng: &mut ChaCha8Rng| -> f64 {
        if cv <= 0.0 {
            return 1.0;
        }
        let shape = 1.0 / (cv * cv);
        match rand_distr::Gamma::new(shape, 1.0 / shape) {
            Ok(g) => g.sample(rng),
            Err(_) => 1.0,
        }
    };
    let level = gamma(m.level_cv, &mut rng);
    (0..m.days)
        .map(|_| level * gamma(m.daily_cv, &mut rng))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Slot not in use.
    Free,
    /// Waiting in a channel queue.
    Waiting,
    /// Being served.
    InService,
    /// Between a failed attempt and the next one.
    RedialPending,
}

#[derive(Debug, Clone, Copy)]
struct Call {
    /// Arrival time of the current attempt.
    arrival: f64,
    /// Work content in seconds.
    handle: f64,
    /// Patience for the current attempt (infinite: never abandons).
    patience: f64,
    /// Seed of the caller's own generator (redials).
    seed: u64,
    /// Demand stream.
    stream: u32,
    /// Channel (copied from the stream for speed).
    channel: u32,
    /// Bumped whenever the slot's meaning changes, to invalidate stale events
    /// and queue entries.
    generation: u32,
    /// Attempt number, 1 = first call.
    attempt: u32,
    /// Reporting interval of the current attempt's arrival.
    interval: u32,
    /// Whether the current attempt arrived after warm-up.
    counted: bool,
    state: State,
}

impl Call {
    const EMPTY: Call = Call {
        arrival: 0.0,
        handle: 0.0,
        patience: f64::INFINITY,
        seed: 0,
        stream: 0,
        channel: 0,
        generation: 0,
        attempt: 0,
        interval: 0,
        counted: false,
        state: State::Free,
    };
}

/// Per demand stream: its random streams and where its arrivals stand.
struct StreamState {
    arrivals: ChaCha8Rng,
    handle: ChaCha8Rng,
    patience: ChaCha8Rng,
    callers: ChaCha8Rng,
    /// Current piece of the rate function.
    piece: usize,
}

struct ChannelState {
    open: bool,
    in_system: u32,
    queue_len: u32,
    queue: VecDeque<(u32, u32)>,
}

#[derive(Clone, Copy, Default)]
struct PoolState {
    on_duty: u32,
    idle: u32,
    busy: u32,
    /// Busy agents who leave when they finish (their shift has ended).
    leaving: u32,
}

/// Time integrals of piecewise-constant levels, split by reporting interval.
struct Levels {
    value: Vec<f64>,
    last: Vec<f64>,
    /// `[interval * n + level]`
    area: Vec<f64>,
    /// After warm-up, per level.
    kpi_area: Vec<f64>,
    n: usize,
    interval_s: f64,
    inv_interval: f64,
    n_intervals: usize,
    warmup_s: f64,
    /// The interval that the latest integration reached, and its bounds.
    cur: usize,
    cur_start: f64,
    cur_end: f64,
}

impl Levels {
    fn new(n: usize, model: &Model) -> Self {
        Levels {
            value: vec![0.0; n],
            last: vec![0.0; n],
            area: vec![0.0; n * model.n_intervals],
            kpi_area: vec![0.0; n],
            n,
            interval_s: model.interval_s,
            inv_interval: 1.0 / model.interval_s,
            n_intervals: model.n_intervals,
            warmup_s: model.warmup_s,
            cur: 0,
            cur_start: 0.0,
            cur_end: model.interval_s,
        }
    }

    /// Accumulates level `l` up to `now`.
    #[inline]
    fn integrate(&mut self, l: usize, now: f64) {
        let v = self.value[l];
        let last = self.last[l];
        self.last[l] = now;
        if v == 0.0 || now <= last {
            return;
        }
        // Fast path: both ends in the current interval, after warm-up.
        if last >= self.cur_start && now <= self.cur_end && last >= self.warmup_s {
            let d = v * (now - last);
            self.area[self.cur * self.n + l] += d;
            self.kpi_area[l] += d;
            return;
        }
        self.integrate_slow(l, v, last, now);
    }

    #[cold]
    fn integrate_slow(&mut self, l: usize, v: f64, last: f64, now: f64) {
        if now > self.warmup_s {
            self.kpi_area[l] += v * (now - last.max(self.warmup_s));
        }
        let mut i = ((last * self.inv_interval) as usize).min(self.n_intervals - 1);
        let mut t = last;
        loop {
            let end = (i + 1) as f64 * self.interval_s;
            if now <= end || i + 1 == self.n_intervals {
                self.area[i * self.n + l] += v * (now - t);
                break;
            }
            self.area[i * self.n + l] += v * (end - t);
            t = end;
            i += 1;
        }
        // Move the current interval forward to the one holding `now`.
        if now > self.cur_end {
            self.cur = i;
            self.cur_start = i as f64 * self.interval_s;
            self.cur_end = (i + 1) as f64 * self.interval_s;
        }
    }

    #[inline]
    fn set(&mut self, l: usize, now: f64, value: f64) {
        self.integrate(l, now);
        self.value[l] = value;
    }
}

struct Sim<'m> {
    m: &'m Model,
    now: f64,
    cal: Calendar,
    calls: Vec<Call>,
    free: Vec<u32>,
    streams: Vec<StreamState>,
    chans: Vec<ChannelState>,
    pools: Vec<PoolState>,
    /// Duty roster steps per pool.
    duty: Vec<Vec<(f64, u32)>>,
    /// Opening boundaries per channel: open at even indices, close at odd.
    hours: Vec<Vec<f64>>,
    levels: Levels,
    /// Demand multiplier per day (level × daily factor); empty = all 1.
    day_factors: Vec<f64>,
    /// Counts per interval and channel.
    counts: Vec<Counts>,
    /// Counts after warm-up per channel.
    kpi_counts: Vec<Counts>,
    max_queue: Vec<u32>,
    events: u64,
    nc: usize,
    np: usize,
    replication: u64,
}

impl<'m> Sim<'m> {
    fn new(m: &'m Model, replication: u64) -> Self {
        let nc = m.channels.len();
        let np = m.pools.len();
        let streams = (0..m.demands.len())
            .map(|d| StreamState {
                arrivals: stream(m.seed, replication, Process::Arrivals, d),
                handle: stream(m.seed, replication, Process::HandleTimes, d),
                patience: stream(m.seed, replication, Process::Patience, d),
                callers: stream(m.seed, replication, Process::Callers, d),
                piece: 0,
            })
            .collect();
        let chans = (0..nc)
            .map(|_| ChannelState {
                open: false,
                in_system: 0,
                queue_len: 0,
                queue: VecDeque::with_capacity(256),
            })
            .collect();
        let hours = m
            .channels
            .iter()
            .map(|c| c.open.spans().iter().flat_map(|&(a, b)| [a, b]).collect())
            .collect();
        let mut sim = Sim {
            m,
            now: 0.0,
            cal: Calendar::with_capacity(1024),
            calls: Vec::with_capacity(1024),
            free: Vec::with_capacity(1024),
            streams,
            chans,
            pools: vec![PoolState::default(); np],
            duty: m.pools.iter().map(|p| p.duty_steps()).collect(),
            hours,
            levels: Levels::new(2 * nc + 2 * np, m),
            day_factors: demand_factors(m, replication),
            counts: vec![Counts::default(); nc * m.n_intervals],
            kpi_counts: vec![Counts::default(); nc],
            max_queue: vec![0; nc],
            events: 0,
            nc,
            np,
            replication,
        };
        // Rosters and opening hours first, so that at equal times they act
        // before arrivals.
        for p in 0..np {
            if let Some(&(t, _)) = sim.duty[p].first() {
                sim.cal.schedule(t, Kind::Duty, p as u32, 0);
            }
        }
        for c in 0..nc {
            if let Some(&t) = sim.hours[c].first() {
                sim.cal.schedule(t, Kind::Hours, c as u32, 0);
            }
        }
        for d in 0..m.demands.len() {
            if let Some(t) = sim.next_arrival(d, 0.0) {
                sim.cal.schedule(t, Kind::Arrival, d as u32, 0);
            }
        }
        sim
    }

    // Level indices.
    #[inline]
    fn lvl_queue(&self, c: usize) -> usize {
        c
    }
    #[inline]
    fn lvl_chan_busy(&self, c: usize) -> usize {
        self.nc + c
    }
    #[inline]
    fn lvl_on_duty(&self, p: usize) -> usize {
        2 * self.nc + p
    }
    #[inline]
    fn lvl_pool_busy(&self, p: usize) -> usize {
        2 * self.nc + self.np + p
    }

    /// Next arrival of stream `d` after `t`, by inverting the cumulative
    /// rate: an Exp(1) amount of "rate × time" is used up piece by piece
    /// (and day by day when demand has a random daily factor).
    fn next_arrival(&mut self, d: usize, mut t: f64) -> Option<f64> {
        let pieces: &[Piece] = &self.m.demands[d].pieces;
        let st = &mut self.streams[d];
        let mut need: f64 = Exp1.sample(&mut st.arrivals);
        let horizon = self.m.horizon_s;
        let factors = &self.day_factors;
        loop {
            let p = pieces.get(st.piece)?;
            let piece_end = pieces.get(st.piece + 1).map_or(horizon, |n| n.start_s);
            let (end, rate) = if factors.is_empty() {
                (piece_end, p.rate_per_s)
            } else {
                let day = ((t / DAY_S) as usize).min(factors.len() - 1);
                (
                    piece_end.min((day + 1) as f64 * DAY_S),
                    p.rate_per_s * factors[day],
                )
            };
            if rate > 0.0 {
                let dt = need / rate;
                if t + dt < end {
                    return Some(t + dt);
                }
                need -= rate * (end - t);
            }
            if end >= piece_end {
                if st.piece + 1 >= pieces.len() {
                    return None;
                }
                st.piece += 1;
            }
            t = end;
        }
    }

    fn run(&mut self) {
        let horizon = self.m.horizon_s;
        while let Some(ev) = self.cal.pop() {
            let t = ev.time();
            if t > horizon {
                break;
            }
            self.now = t;
            self.events += 1;
            match ev.kind {
                Kind::Arrival => self.on_arrival(ev.a as usize),
                Kind::ServiceEnd => self.on_service_end(ev.a, ev.b as usize),
                Kind::Abandon => self.on_abandon(ev.a, ev.b),
                Kind::Redial => self.on_redial(ev.a, ev.b),
                Kind::Duty => self.on_duty(ev.a as usize, ev.b as usize),
                Kind::Hours => self.on_hours(ev.a as usize, ev.b as usize),
            }
        }
        self.now = horizon;
    }

    #[inline]
    fn alloc(&mut self) -> u32 {
        match self.free.pop() {
            Some(i) => i,
            None => {
                self.calls.push(Call::EMPTY);
                (self.calls.len() - 1) as u32
            }
        }
    }

    #[inline]
    fn release(&mut self, idx: u32) {
        let call = &mut self.calls[idx as usize];
        call.state = State::Free;
        call.generation = call.generation.wrapping_add(1);
        self.free.push(idx);
    }

    #[inline]
    fn interval_of(&self, t: f64) -> u32 {
        ((t * self.levels.inv_interval) as usize).min(self.m.n_intervals - 1) as u32
    }

    /// Applies `f` to the counts of the call's attempt: its interval's, and
    /// the KPI counts if it arrived after warm-up.
    #[inline]
    fn tally(&mut self, idx: u32, f: impl Fn(&mut Counts)) {
        let call = &self.calls[idx as usize];
        let c = call.channel as usize;
        f(&mut self.counts[call.interval as usize * self.nc + c]);
        if call.counted {
            f(&mut self.kpi_counts[c]);
        }
    }

    fn on_arrival(&mut self, d: usize) {
        let now = self.now;
        if let Some(t) = self.next_arrival(d, now) {
            self.cal.schedule(t, Kind::Arrival, d as u32, 0);
        }
        let demand = &self.m.demands[d];
        let channel = &self.m.channels[demand.channel];
        let st = &mut self.streams[d];
        let handle = demand.handle.sample(&mut st.handle);
        let patience = match &channel.patience {
            Some(p) => p.sample(&mut st.patience),
            None => f64::INFINITY,
        };
        let seed = if channel.redial.is_some() {
            st.callers.next_u64()
        } else {
            0
        };
        let idx = self.alloc();
        let call = &mut self.calls[idx as usize];
        call.handle = handle;
        call.patience = patience;
        call.seed = seed;
        call.stream = d as u32;
        call.channel = demand.channel as u32;
        call.attempt = 1;
        self.offer(idx);
    }

    /// An attempt reaches its channel at `now`.
    fn offer(&mut self, idx: u32) {
        let now = self.now;
        let interval = self.interval_of(now);
        let counted = now >= self.m.warmup_s;
        let call = &mut self.calls[idx as usize];
        call.arrival = now;
        call.interval = interval;
        call.counted = counted;
        let c = call.channel as usize;
        let is_redial = call.attempt > 1;
        if !is_redial {
            self.tally(idx, |k| k.first_attempts += 1.0);
        }
        if !self.chans[c].open {
            self.tally(idx, |k| k.closed += 1.0);
            self.release(idx);
            return;
        }
        self.tally(idx, |k| {
            k.offered += 1.0;
            if is_redial {
                k.redials += 1.0;
            }
        });
        let channel = &self.m.channels[c];
        if let Some(lines) = channel.lines
            && self.chans[c].in_system >= lines
        {
            self.tally(idx, |k| k.blocked += 1.0);
            self.after_failure(idx, true);
            return;
        }
        self.chans[c].in_system += 1;
        for i in 0..channel.pools.len() {
            let p = self.m.channels[c].pools[i];
            if self.pools[p].idle > 0 {
                self.tally(idx, |k| k.answered_at_once += 1.0);
                self.start_service(idx, p);
                return;
            }
        }
        // Wait.
        let call = &mut self.calls[idx as usize];
        call.state = State::Waiting;
        let generation = call.generation;
        let patience = call.patience;
        let ch = &mut self.chans[c];
        ch.queue.push_back((idx, generation));
        ch.queue_len += 1;
        let qlen = ch.queue_len;
        let l = self.lvl_queue(c);
        self.levels.set(l, now, f64::from(qlen));
        if counted && qlen > self.max_queue[c] {
            self.max_queue[c] = qlen;
        }
        if patience.is_finite() {
            self.cal
                .schedule(now + patience, Kind::Abandon, idx, generation);
        }
    }

    #[inline]
    fn start_service(&mut self, idx: u32, p: usize) {
        let now = self.now;
        let call = &mut self.calls[idx as usize];
        call.state = State::InService;
        let c = call.channel as usize;
        let wait = now - call.arrival;
        let handle = call.handle;
        let within = wait <= self.m.channels[c].answer_within_s;
        self.tally(idx, |k| {
            k.answered += 1.0;
            k.wait_answered_s += wait;
            if within {
                k.answered_within += 1.0;
            }
        });
        let pool = &mut self.pools[p];
        pool.idle -= 1;
        pool.busy += 1;
        let busy = pool.busy;
        let l = self.lvl_pool_busy(p);
        self.levels.set(l, now, f64::from(busy));
        let l = self.lvl_chan_busy(c);
        let v = self.levels.value[l] + 1.0;
        self.levels.set(l, now, v);
        self.cal
            .schedule(now + handle, Kind::ServiceEnd, idx, p as u32);
    }

    fn on_service_end(&mut self, idx: u32, p: usize) {
        let now = self.now;
        let c = self.calls[idx as usize].channel as usize;
        self.chans[c].in_system -= 1;
        let l = self.lvl_chan_busy(c);
        let v = self.levels.value[l] - 1.0;
        self.levels.set(l, now, v);
        self.release(idx);
        let pool = &mut self.pools[p];
        pool.busy -= 1;
        let busy = pool.busy;
        let l = self.lvl_pool_busy(p);
        self.levels.set(l, now, f64::from(busy));
        let pool = &mut self.pools[p];
        if pool.leaving > 0 {
            pool.leaving -= 1;
            pool.on_duty -= 1;
            let on = pool.on_duty;
            let l = self.lvl_on_duty(p);
            self.levels.set(l, now, f64::from(on));
        } else {
            pool.idle += 1;
            self.dispatch(p);
        }
    }

    /// Idle agents of pool `p` take waiting calls, by channel priority.
    fn dispatch(&mut self, p: usize) {
        let m = self.m;
        'agents: while self.pools[p].idle > 0 {
            for &c in &m.pools[p].serves {
                if let Some(idx) = self.pop_waiting(c) {
                    self.start_service(idx, p);
                    continue 'agents;
                }
            }
            return;
        }
    }

    /// The oldest call still waiting on channel `c`, removed from its queue.
    #[inline]
    fn pop_waiting(&mut self, c: usize) -> Option<u32> {
        if self.chans[c].queue_len == 0 {
            return None;
        }
        while let Some((idx, generation)) = self.chans[c].queue.pop_front() {
            let call = &self.calls[idx as usize];
            if call.generation == generation && call.state == State::Waiting {
                let ch = &mut self.chans[c];
                ch.queue_len -= 1;
                let q = ch.queue_len;
                let l = self.lvl_queue(c);
                self.levels.set(l, self.now, f64::from(q));
                return Some(idx);
            }
        }
        None
    }

    fn on_abandon(&mut self, idx: u32, generation: u32) {
        let call = &self.calls[idx as usize];
        if call.generation != generation || call.state != State::Waiting {
            return; // answered before its patience ran out
        }
        let now = self.now;
        let c = call.channel as usize;
        let wait = now - call.arrival;
        let ch = &mut self.chans[c];
        ch.queue_len -= 1;
        ch.in_system -= 1;
        let q = ch.queue_len;
        let l = self.lvl_queue(c);
        self.levels.set(l, now, f64::from(q));
        self.tally(idx, |k| {
            k.abandoned += 1.0;
            k.wait_abandoned_s += wait;
        });
        self.after_failure(idx, false);
    }

    /// After a busy signal or an abandonment: the caller may call again.
    fn after_failure(&mut self, idx: u32, busy: bool) {
        let m = self.m;
        let call = self.calls[idx as usize];
        let channel = &m.channels[call.channel as usize];
        if let Some(r) = &channel.redial
            && call.attempt < r.max_attempts
        {
            let mut rng = caller_rng(call.seed, call.attempt);
            let p = if busy { r.after_busy } else { r.after_abandon };
            if rng.random::<f64>() < p {
                let delay = r.delay.sample(&mut rng);
                let patience = match &channel.patience {
                    Some(d) => d.sample(&mut rng),
                    None => f64::INFINITY,
                };
                let call = &mut self.calls[idx as usize];
                call.state = State::RedialPending;
                call.patience = patience;
                call.attempt += 1;
                call.generation = call.generation.wrapping_add(1);
                let generation = call.generation;
                self.cal
                    .schedule(self.now + delay, Kind::Redial, idx, generation);
                return;
            }
        }
        self.release(idx);
    }

    fn on_redial(&mut self, idx: u32, generation: u32) {
        let call = &self.calls[idx as usize];
        if call.generation == generation && call.state == State::RedialPending {
            self.offer(idx);
        }
    }

    fn on_duty(&mut self, p: usize, step: usize) {
        let now = self.now;
        let target = self.duty[p][step].1;
        if let Some(&(t, _)) = self.duty[p].get(step + 1)
            && t < self.m.horizon_s
        {
            self.cal
                .schedule(t, Kind::Duty, p as u32, (step + 1) as u32);
        }
        let pool = &mut self.pools[p];
        let staying = pool.on_duty - pool.leaving;
        if target > staying {
            let mut add = target - staying;
            let back = add.min(pool.leaving);
            pool.leaving -= back;
            add -= back;
            pool.on_duty += add;
            pool.idle += add;
        } else if target < staying {
            let remove = staying - target;
            let from_idle = remove.min(pool.idle);
            pool.idle -= from_idle;
            pool.on_duty -= from_idle;
            pool.leaving += remove - from_idle;
        }
        let on = pool.on_duty;
        let l = self.lvl_on_duty(p);
        self.levels.set(l, now, f64::from(on));
        self.dispatch(p);
    }

    fn on_hours(&mut self, c: usize, k: usize) {
        self.chans[c].open = k.is_multiple_of(2);
        if let Some(&t) = self.hours[c].get(k + 1)
            && t < self.m.horizon_s
        {
            self.cal.schedule(t, Kind::Hours, c as u32, (k + 1) as u32);
        }
    }

    fn finish(mut self) -> RepOutcome {
        let now = self.m.horizon_s;
        for l in 0..self.levels.n {
            self.levels.integrate(l, now);
        }
        let nc = self.nc;
        let np = self.np;
        let mut redial_pending = vec![0.0; nc];
        for i in 0..self.calls.len() {
            let call = self.calls[i];
            match call.state {
                State::Waiting => self.tally(i as u32, |k| k.waiting_at_end += 1.0),
                State::RedialPending => redial_pending[call.channel as usize] += 1.0,
                _ => {}
            }
        }
        let lv = &self.levels;
        let channels = (0..nc)
            .map(|c| ChannelTotals {
                counts: self.kpi_counts[c],
                queue_area: lv.kpi_area[c],
                busy_area: lv.kpi_area[nc + c],
                max_queue: self.max_queue[c],
                redial_pending_at_end: redial_pending[c],
            })
            .collect();
        let pools = (0..np)
            .map(|p| PoolTally {
                on_duty_area: lv.kpi_area[2 * nc + p],
                busy_area: lv.kpi_area[2 * nc + np + p],
            })
            .collect();
        let mut channel_intervals = Vec::with_capacity(self.m.n_intervals * nc);
        let mut pool_intervals = Vec::with_capacity(self.m.n_intervals * np);
        for i in 0..self.m.n_intervals {
            let area = &lv.area[i * lv.n..(i + 1) * lv.n];
            for p in 0..np {
                pool_intervals.push(PoolTally {
                    on_duty_area: area[2 * nc + p],
                    busy_area: area[2 * nc + np + p],
                });
            }
            for c in 0..nc {
                let on_duty_area = self.m.channels[c]
                    .pools
                    .iter()
                    .map(|&p| area[2 * nc + p])
                    .sum();
                channel_intervals.push(ChannelInterval {
                    counts: self.counts[i * nc + c],
                    queue_area: area[c],
                    busy_area: area[nc + c],
                    on_duty_area,
                });
            }
        }
        RepOutcome {
            replication: self.replication,
            channels,
            pools,
            channel_intervals,
            pool_intervals,
            events: self.events,
        }
    }
}
