//! The discrete-event engine: one replication of a [`Model`].
//!
//! State is a calendar of future events, a slab of live contacts (reused
//! slots, so nothing is allocated per contact once the slab has grown to the
//! largest number alive at once), a FIFO queue per class (channel × topic ×
//! language, and desk appointments), and counters per pool, desk and
//! interpreting service. Arrivals are a non-homogeneous Poisson process
//! generated exactly for the piecewise-constant rate (inversion of the
//! cumulative rate). Each contact's own attributes (handle time, patience,
//! language, appointment, and a seed for its later attempts) are drawn when
//! it first arrives, from its demand stream's own random streams, so that
//! scenarios that differ only in staffing see the same people.
//!
//! Agents of a pool are interchangeable: the pool counts idle, busy and
//! leaving agents. When a roster shrinks, idle agents leave at once and busy
//! ones finish their contact first.
//!
//! Routing: an arriving contact goes to an idle agent of the first pool in
//! its class's list that can take it (pools that speak the language by
//! priority level, then pools that need a free interpreter; a desk also
//! needs a free counter). A freed agent takes the waiting contact that comes
//! first by (real-time before deferred, priority level, appointments before
//! walk-ins, oldest first); while fewer than the pool's `deferred_share` of
//! its staff are on deferred work, deferred work comes first. Abandonment
//! events are cancelled lazily: a contact that was answered ignores its
//! abandonment event, and queue entries of contacts that left are skipped
//! when they reach the head.

mod actions;
mod calendar;
mod outcome;
mod staff;

pub use calendar::{Calendar, Event, Kind};
pub use outcome::{ChannelInterval, ChannelTotals, Counts, Firing, PoolTally, RepOutcome};

use std::collections::VecDeque;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

use crate::model::{ChannelKind, Closing, DAY_S, Model, Piece};
use crate::rng::{Process, caller_rng, stream};

/// Simulates replication `replication` of `model`.
pub fn simulate(model: &Model, replication: u64) -> RepOutcome {
    let mut sim = Sim::new(model, replication, NoTrace);
    sim.run();
    sim.finish().0
}

/// Simulates a replication and reports every service start and end and
/// every roster change to `tracer` (for tests that check what the engine
/// did, not only what it counted).
pub fn simulate_traced<T: Tracer>(model: &Model, replication: u64, tracer: T) -> (RepOutcome, T) {
    let mut sim = Sim::new(model, replication, tracer);
    sim.run();
    sim.finish()
}

/// Something that happened in a replication, as seen by a [`Tracer`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trace {
    /// An agent of `pool` starts serving a contact of `class`.
    Start {
        /// Time, seconds.
        time: f64,
        /// Pool index.
        pool: usize,
        /// Class index.
        class: usize,
        /// Interpreting service used, if any.
        interpreter: Option<usize>,
        /// Staff of the pool on duty and not leaving, after the start.
        staying: u32,
        /// Staff of the pool busy, after the start.
        busy: u32,
        /// Staff of the pool on duty (leaving ones included).
        on_duty: u32,
        /// Desk counters in use on the class's channel, after the start.
        counters_busy: u32,
        /// Sessions of the interpreting service in use, after the start.
        interpreter_busy: u32,
        /// Wait of the contact, seconds.
        wait: f64,
    },
    /// A service ends.
    End {
        /// Time, seconds.
        time: f64,
        /// Pool index.
        pool: usize,
        /// Class index.
        class: usize,
    },
}

/// Receives [`Trace`] events.
pub trait Tracer {
    /// Called for each event.
    fn trace(&mut self, event: Trace);
}

/// The tracer that does nothing (compiled away).
pub struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn trace(&mut self, _: Trace) {}
}

impl Tracer for Vec<Trace> {
    fn trace(&mut self, event: Trace) {
        self.push(event);
    }
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
    /// Waiting in a queue.
    Waiting,
    /// Being served.
    InService,
    /// Between a failed attempt and the next one (redial, return, switch).
    Pending,
}

/// Why an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Busy,
    Abandoned,
    TurnedAway,
}

const NO_INTERPRETER: u32 = u32::MAX;
/// Salt of the caller generator used for switching decisions.
const SWITCH_SALT: u64 = 0x5157_1C4E_D00D_F00D;
/// Salt of the caller generator used for callback decisions.
const CALLBACK_SALT: u64 = 0xCA11_BAC4_0FFE_12ED;

#[derive(Debug, Clone, Copy)]
struct Call {
    /// Arrival time of the current attempt.
    arrival: f64,
    /// Work content in seconds (before language, speed and interpreter).
    handle: f64,
    /// Patience for the current attempt (infinite: never abandons).
    patience: f64,
    /// Seed of the person's own generator (later attempts).
    seed: u64,
    /// Queue class.
    class: u32,
    /// Channel (copied from the class for speed).
    channel: u32,
    /// Bumped whenever the slot's meaning changes, to invalidate stale events
    /// and queue entries.
    generation: u32,
    /// Attempt number on the current channel, 1 = first.
    attempt: u32,
    /// Reporting interval of the current attempt's arrival.
    interval: u32,
    /// Interpreting service used in service, or `NO_INTERPRETER`.
    interpreter: u32,
    /// Whether the current attempt arrived after warm-up.
    counted: bool,
    /// Whether the contact came from another channel.
    switched: bool,
    state: State,
}

impl Call {
    const EMPTY: Call = Call {
        arrival: 0.0,
        handle: 0.0,
        patience: f64::INFINITY,
        seed: 0,
        class: 0,
        channel: 0,
        generation: 0,
        attempt: 0,
        interval: 0,
        interpreter: NO_INTERPRETER,
        counted: false,
        switched: false,
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
    /// End of the current opening span (desk gate rule).
    close_at: f64,
    in_system: u32,
    /// Live contacts waiting (callbacks owed apart).
    queue_len: u32,
    /// Callbacks owed (requested, not yet made).
    owed: u32,
    counters_busy: u32,
    /// Counters in place now (actions change them); `u32::MAX`: unlimited.
    counters: u32,
    /// Mean service time of the channel's recent services, seconds: an
    /// exponentially weighted mean over about the last 50 (what the gate
    /// rule and the callback offer expect the next contacts to take).
    service_mean_s: f64,
}

/// Weight of the newest service in [`ChannelState::service_mean_s`].
const SERVICE_MEAN_WEIGHT: f64 = 1.0 / 50.0;

#[derive(Clone, Copy, Default)]
struct PoolState {
    on_duty: u32,
    idle: u32,
    busy: u32,
    /// Busy agents who leave when they finish (their shift has ended).
    leaving: u32,
    /// Busy on deferred work.
    busy_deferred: u32,
}

/// Fixed facts about a class, gathered for the hot paths.
#[derive(Clone, Copy)]
struct ClassInfo {
    channel: u32,
    deferred: bool,
    /// A phone line's callback queue (deferred, apart from the live queue).
    callback: bool,
    /// A desk's class (its services take a counter).
    desk: bool,
    appointment: bool,
    /// Multiplier of handle time from the language.
    factor: f64,
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
    #[inline(always)]
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

    #[inline(always)]
    fn set(&mut self, l: usize, now: f64, value: f64) {
        self.integrate(l, now);
        self.value[l] = value;
    }
}

struct Sim<'m, T: Tracer> {
    m: &'m Model,
    now: f64,
    cal: Calendar,
    calls: Vec<Call>,
    free: Vec<u32>,
    streams: Vec<StreamState>,
    chans: Vec<ChannelState>,
    pools: Vec<PoolState>,
    queues: Vec<VecDeque<(u32, u32)>>,
    class_len: Vec<u32>,
    info: Vec<ClassInfo>,
    interp_busy: Vec<u32>,
    interp_cap: Vec<u32>,
    interp_hours: Vec<Vec<f64>>,
    /// Staff cohorts: the pools' own (index = pool), then one per hire or
    /// redeployment action.
    cohorts: Vec<staff::Cohort>,
    /// Roster shapes: the pools' (index = pool), then hires' own rosters.
    shapes: Vec<staff::Shape>,
    /// Cohorts of each pool.
    pool_cohorts: Vec<Vec<usize>>,
    /// The cohort each action fills, if any.
    action_cohort: Vec<Option<usize>>,
    /// Contingency actions' state.
    acts: Vec<actions::ActionState>,
    /// Every decision taken (actions fired or released).
    firings: Vec<Firing>,
    /// One-off costs per pool (hiring), after warm-up and per interval.
    one_off: Vec<f64>,
    /// Current lines per channel (actions change them).
    lines: Vec<Option<u32>>,
    /// Deflection actions in effect per `topic * n_channels + channel`.
    deflections: Vec<Vec<usize>>,
    /// Per demand stream: its deflection draws.
    deflect_rng: Vec<Option<ChaCha8Rng>>,
    /// Deflected contacts after warm-up per channel.
    deflected_kpi: Vec<f64>,
    /// Open-channel actions in effect per `topic * n_channels + channel`.
    reroutes: Vec<Vec<usize>>,
    /// Per demand stream: its rerouting draws.
    reroute_rng: Vec<Option<ChaCha8Rng>>,
    /// Per pool: share of overload effects removed by support actions.
    damping: Vec<f64>,
    /// Per channel: the callbacks action in effect.
    callbacks: Vec<Option<usize>>,
    /// Per channel: lines or counters in place since `capacity_since`, and
    /// their time integral after warm-up (unit-seconds).
    capacity_now: Vec<f64>,
    capacity_since: Vec<f64>,
    capacity_area: Vec<f64>,
    /// Per pool: draws of staff leaving because of overload.
    wellbeing_rng: Vec<Option<ChaCha8Rng>>,
    /// Opening boundaries per channel: open at even indices, close at odd.
    hours: Vec<Vec<f64>>,
    /// Bumped when a channel's hours are replaced (invalidates events).
    hours_epoch: Vec<u32>,
    /// Per channel: whether its contacts need a personal seed.
    needs_seed: Vec<bool>,
    /// Per pool: desk channels it serves.
    pool_desks: Vec<Vec<usize>>,
    levels: Levels,
    /// Demand multiplier per day (level × daily factor); empty = all 1.
    day_factors: Vec<f64>,
    /// Counts per interval and channel.
    counts: Vec<Counts>,
    /// Counts after warm-up per class.
    kpi_counts: Vec<Counts>,
    /// Per demand stream and language: its walk-in class, then (for desks
    /// with appointments) its appointment class; `u32::MAX` when it cannot
    /// occur.
    demand_classes: Vec<[u32; 2]>,
    pool_counts: Vec<PoolTally>,
    pool_kpi: Vec<PoolTally>,
    /// Per interval and channel at its end: live backlog, age of the
    /// oldest live contact waiting, callbacks owed.
    snapshots: Vec<(f64, f64, f64)>,
    max_queue: Vec<u32>,
    max_wait: Vec<f64>,
    /// Per channel: (calendar, working) times from request to call back of
    /// the callbacks made after warm-up, for their percentiles.
    callback_waits: Vec<Vec<(f64, f64)>>,
    events: u64,
    nc: usize,
    np: usize,
    nt: usize,
    replication: u64,
    tracer: T,
}

impl<'m, T: Tracer> Sim<'m, T> {
    fn new(m: &'m Model, replication: u64, tracer: T) -> Self {
        let nc = m.channels.len();
        let np = m.pools.len();
        let nt = m.topics.len();
        let ni = m.interpreters.len();
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
            .map(|c| ChannelState {
                open: false,
                close_at: f64::INFINITY,
                in_system: 0,
                queue_len: 0,
                owed: 0,
                counters_busy: 0,
                counters: m.channels[c].counters.unwrap_or(u32::MAX),
                service_mean_s: m.channels[c].mean_handle_s,
            })
            .collect();
        let hours = m
            .channels
            .iter()
            .map(|c| c.open.spans().iter().flat_map(|&(a, b)| [a, b]).collect())
            .collect();
        let interp_hours = m
            .interpreters
            .iter()
            .map(|c| c.open.spans().iter().flat_map(|&(a, b)| [a, b]).collect())
            .collect();
        let info = m
            .classes
            .iter()
            .map(|k| {
                let ch = &m.channels[k.channel];
                let callback = ch.kind == ChannelKind::Phone && k.appointment;
                ClassInfo {
                    channel: k.channel as u32,
                    // E-mail, and phone callbacks (the class's "booked" slot).
                    deferred: ch.deferred() || callback,
                    callback,
                    desk: ch.kind == ChannelKind::Desk,
                    // Desk appointments; for a phone line's callbacks this
                    // ranks them before e-mail at the same priority level.
                    appointment: k.appointment,
                    factor: m.languages[k.language].handle_factor,
                }
            })
            .collect();
        let needs_seed = m
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| {
                c.redial.is_some()
                    || c.returns.is_some()
                    || c.switch.is_some()
                    || m.actions.iter().any(|a| {
                        matches!(a.effect, crate::model::Effect::Callbacks { channel, .. } if channel == i)
                    })
            })
            .collect();
        let pool_desks = (0..np)
            .map(|p| {
                (0..nc)
                    .filter(|&c| {
                        m.channels[c].kind == ChannelKind::Desk && m.channels[c].pools.contains(&p)
                    })
                    .collect()
            })
            .collect();
        let (cohorts, shapes, action_cohort) = staff::initial(m);
        let mut pool_cohorts = vec![Vec::new(); np];
        for (i, c) in cohorts.iter().enumerate() {
            pool_cohorts[c.pool].push(i);
        }
        let mut sim = Sim {
            m,
            now: 0.0,
            cal: Calendar::with_capacity(1024),
            calls: Vec::with_capacity(1024),
            free: Vec::with_capacity(1024),
            streams,
            chans,
            pools: vec![PoolState::default(); np],
            queues: (0..m.classes.len())
                .map(|_| VecDeque::with_capacity(64))
                .collect(),
            class_len: vec![0; m.classes.len()],
            info,
            interp_busy: vec![0; ni],
            interp_cap: vec![0; ni],
            interp_hours,
            cohorts,
            shapes,
            pool_cohorts,
            action_cohort,
            acts: actions::initial(m),
            firings: Vec::new(),
            one_off: vec![0.0; np * m.n_intervals],
            lines: m.channels.iter().map(|c| c.lines).collect(),
            deflections: vec![Vec::new(); nt * nc],
            deflect_rng: (0..m.demands.len()).map(|_| None).collect(),
            deflected_kpi: vec![0.0; nc],
            reroutes: vec![Vec::new(); nt * nc],
            reroute_rng: (0..m.demands.len()).map(|_| None).collect(),
            damping: vec![0.0; np],
            callbacks: vec![None; nc],
            capacity_now: m
                .channels
                .iter()
                .map(|c| f64::from(c.lines.or(c.counters).unwrap_or(0)))
                .collect(),
            capacity_since: vec![0.0; nc],
            capacity_area: vec![0.0; nc],
            wellbeing_rng: (0..np).map(|_| None).collect(),
            hours_epoch: vec![0; nc],
            hours,
            needs_seed,
            pool_desks,
            levels: Levels::new(2 * nc + staff::POOL_LEVELS * np + ni, m),
            day_factors: demand_factors(m, replication),
            counts: vec![Counts::default(); nc * m.n_intervals],
            kpi_counts: vec![Counts::default(); m.classes.len()],
            demand_classes: m
                .demands
                .iter()
                .flat_map(|d| {
                    (0..m.languages.len()).map(move |l| {
                        let get = |a| {
                            m.class_index(d.channel, d.topic, l, a)
                                .map_or(u32::MAX, |k| k as u32)
                        };
                        [get(false), get(true)]
                    })
                })
                .collect(),
            pool_counts: vec![PoolTally::default(); np * m.n_intervals],
            pool_kpi: vec![PoolTally::default(); np],
            snapshots: vec![(0.0, 0.0, 0.0); nc * m.n_intervals],
            max_queue: vec![0; nc],
            max_wait: vec![0.0; nc],
            callback_waits: vec![Vec::new(); nc],
            events: 0,
            nc,
            np,
            nt,
            replication,
            tracer,
        };
        // Rosters, interpreters and opening hours first, so that at equal
        // times they act before arrivals.
        for s in 0..sim.shapes.len() {
            if let Some(first) = sim.shapes[s].steps.first() {
                sim.schedule_shape(s, first.at, 0);
            }
        }
        sim.schedule_actions();
        for i in 0..ni {
            if let Some(&t) = sim.interp_hours[i].first() {
                sim.cal.schedule(t, Kind::Interpreter, i as u32, 0);
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
        if m.n_intervals > 1 {
            sim.cal.schedule(m.interval_s, Kind::Tick, 0, 0);
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
    fn lvl_pool_busy(&self, p: usize) -> usize {
        self.lvl_pool(p, staff::L_BUSY)
    }
    #[inline]
    fn lvl_pool_deferred(&self, p: usize) -> usize {
        self.lvl_pool(p, staff::L_DEFERRED)
    }
    #[inline]
    fn lvl_interp(&self, i: usize) -> usize {
        2 * self.nc + staff::POOL_LEVELS * self.np + i
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
                Kind::Duty => self.on_shape((ev.a & 0xFFFF) as usize, ev.a >> 16, ev.b as usize),
                Kind::Action => self.on_action(ev.a as usize, ev.b),
                Kind::Cohort => self.on_cohort(ev.a as usize, ev.b),
                Kind::Hours => self.on_hours((ev.a & 0xFFFF) as usize, ev.a >> 16, ev.b as usize),
                Kind::Interpreter => self.on_interpreter(ev.a as usize, ev.b as usize),
                Kind::Tick => self.on_tick(ev.a as usize),
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

    /// Applies `f` to the counts of the contact's attempt: its interval's,
    /// and the KPI counts of its channel and topic if it arrived after
    /// warm-up.
    #[inline]
    fn tally(&mut self, idx: u32, f: impl Fn(&mut Counts)) {
        let call = &self.calls[idx as usize];
        let c = call.channel as usize;
        f(&mut self.counts[call.interval as usize * self.nc + c]);
        if call.counted {
            f(&mut self.kpi_counts[call.class as usize]);
        }
    }

    /// Applies `f` to the event-time counts of the contact's channel: those
    /// of the interval holding now, and the KPI counts of its class if now
    /// is after warm-up.
    #[inline]
    fn tally_event(&mut self, idx: u32, f: impl Fn(&mut Counts)) {
        let i = self.interval_of(self.now) as usize;
        let call = &self.calls[idx as usize];
        f(&mut self.counts[i * self.nc + call.channel as usize]);
        if self.now >= self.m.warmup_s {
            f(&mut self.kpi_counts[call.class as usize]);
        }
    }

    /// Time within channel `c`'s opening hours (as they stand, actions
    /// included) between `a` and `b`.
    fn open_between(&self, c: usize, a: f64, b: f64) -> f64 {
        let h = &self.hours[c];
        let horizon = self.m.horizon_s;
        // Boundaries come in pairs (open, close); skip spans closing by `a`.
        let mut i = h.partition_point(|&t| t <= a) & !1;
        let mut total = 0.0;
        while i < h.len() {
            let (o, e) = (h[i], h.get(i + 1).copied().unwrap_or(horizon));
            if o >= b {
                break;
            }
            total += (e.min(b) - o.max(a)).max(0.0);
            i += 2;
        }
        total
    }

    /// The first moment at or after `t` at which channel `c` is open (by
    /// its hours as they stand, actions included).
    fn next_open(&self, c: usize, t: f64) -> Option<f64> {
        let h = &self.hours[c];
        let i = h.partition_point(|&x| x <= t);
        if i % 2 == 1 {
            Some(t)
        } else {
            h.get(i).copied()
        }
    }

    fn on_arrival(&mut self, d: usize) {
        let now = self.now;
        if let Some(t) = self.next_arrival(d, now) {
            self.cal.schedule(t, Kind::Arrival, d as u32, 0);
        }
        let m = self.m;
        let demand = &m.demands[d];
        let channel = &m.channels[demand.channel];
        let st = &mut self.streams[d];
        let handle = demand.handle.sample(&mut st.handle);
        let patience = match &channel.patience {
            Some(p) => p.sample(&mut st.patience),
            None => f64::INFINITY,
        };
        // Language and appointment come from the callers stream, then the
        // person's own seed.
        let cum = &m.topic_languages[demand.topic];
        let language = if cum.len() > 1 {
            let u: f64 = st.callers.random();
            cum.iter().position(|&x| u < x).unwrap_or(cum.len() - 1)
        } else {
            0
        };
        let appointment = channel.appointment_share > 0.0
            && st.callers.random::<f64>() < channel.appointment_share;
        let seed = if self.needs_seed[demand.channel] {
            st.callers.next_u64()
        } else {
            0
        };
        if !self.deflections[demand.topic * self.nc + demand.channel].is_empty()
            && self.deflected(d, now)
        {
            let interval = self.interval_of(now) as usize;
            self.counts[interval * self.nc + demand.channel].deflected += 1.0;
            if now >= m.warmup_s {
                self.deflected_kpi[demand.channel] += 1.0;
            }
            return;
        }
        let mut class =
            self.demand_classes[d * m.languages.len() + language][usize::from(appointment)];
        let (mut channel_idx, mut handle, mut patience, mut seed) =
            (demand.channel, handle, patience, seed);
        if !self.reroutes[demand.topic * self.nc + demand.channel].is_empty()
            && let Some((to, h, p, s)) = self.rerouted(d)
        {
            channel_idx = to;
            handle = h;
            patience = p;
            seed = s;
            class = m
                .class_index(to, demand.topic, language, false)
                .map_or(u32::MAX, |k| k as u32);
        }
        debug_assert!(
            class != u32::MAX,
            "the compiler creates a class for every demand stream and language"
        );
        let idx = self.alloc();
        let call = &mut self.calls[idx as usize];
        call.handle = handle;
        call.patience = patience;
        call.seed = seed;
        call.class = class;
        call.channel = channel_idx as u32;
        call.attempt = 1;
        call.switched = false;
        call.interpreter = NO_INTERPRETER;
        self.offer(idx);
    }

    /// The callbacks action of channel `c` (for callbacks still waiting after
    /// the action was undone).
    fn callback_action(&self, c: usize) -> Option<usize> {
        self.m.actions.iter().position(
            |a| matches!(a.effect, crate::model::Effect::Callbacks { channel, .. } if channel == c),
        )
    }

    /// Whether someone on duty could serve class `k` (now or later today).
    fn staffed(&self, k: usize) -> bool {
        self.m.classes[k].pools.iter().any(|&(p, interp)| {
            let pool = &self.pools[p];
            pool.on_duty > pool.leaving && interp.is_none_or(|i| self.interp_cap[i] > 0)
        })
    }

    /// An attempt reaches its channel.
    fn offer(&mut self, idx: u32) {
        let now = self.now;
        let interval = self.interval_of(now);
        let counted = now >= self.m.warmup_s;
        let call = &mut self.calls[idx as usize];
        call.arrival = now;
        call.interval = interval;
        call.counted = counted;
        let c = call.channel as usize;
        let k = call.class as usize;
        let is_repeat = call.attempt > 1;
        let switched_in = call.switched && !is_repeat;
        if !is_repeat && !call.switched {
            self.tally(idx, |k| k.first_attempts += 1.0);
        }
        if !self.chans[c].open {
            self.tally(idx, |k| k.closed += 1.0);
            self.release(idx);
            return;
        }
        let appointment = self.info[k].appointment;
        self.tally(idx, |k| {
            k.offered += 1.0;
            if is_repeat {
                k.redials += 1.0;
            }
            if switched_in {
                k.switched_in += 1.0;
            }
            if appointment {
                k.appointments += 1.0;
            }
        });
        let m = self.m;
        let channel = &m.channels[c];
        if let Some(lines) = self.lines[c]
            && self.chans[c].in_system >= lines
        {
            self.tally(idx, |k| k.blocked += 1.0);
            self.after_failure(idx, Failure::Busy);
            return;
        }
        if channel.kind == ChannelKind::Desk
            && channel.closing == Closing::Gate
            && !appointment
            && !self.gate_admits(c)
        {
            self.tally(idx, |k| k.turned_away += 1.0);
            self.after_failure(idx, Failure::TurnedAway);
            return;
        }
        self.chans[c].in_system += 1;
        let counter_free = self.chans[c].counters_busy < self.chans[c].counters;
        if counter_free {
            for &(p, interp) in &m.classes[k].pools {
                if self.pools[p].idle > 0
                    && interp.is_none_or(|i| self.interp_busy[i] < self.interp_cap[i])
                {
                    self.tally(idx, |k| k.answered_at_once += 1.0);
                    self.start_service(idx, p, interp);
                    return;
                }
            }
        }
        // Nobody on duty can take it: for real-time channels whenever that
        // happens; for deferred work only while some of the channel's staff
        // are on duty (e-mail arriving at night is normal, e-mail that the
        // staff at work cannot handle is not).
        if !self.staffed(k)
            && (!self.info[k].deferred
                || m.channels[c]
                    .pools
                    .iter()
                    .any(|&p| self.pools[p].on_duty > self.pools[p].leaving))
        {
            self.tally(idx, |k| k.unstaffed += 1.0);
        }
        let k = match self.callbacks[c] {
            Some(a) if !appointment => self.offer_callback(idx, a, k),
            _ => k,
        };
        // Wait.
        let call = &mut self.calls[idx as usize];
        call.state = State::Waiting;
        let generation = call.generation;
        let patience = call.patience;
        self.queues[k].push_back((idx, generation));
        self.class_len[k] += 1;
        let ch = &mut self.chans[c];
        if self.info[k].callback {
            // Owed callbacks wait apart from the live queue.
            ch.owed += 1;
            return;
        }
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

    /// Staff on duty now, and staying, in the pools that serve channel `c`.
    fn channel_staff(&self, c: usize) -> u32 {
        self.m.channels[c]
            .pools
            .iter()
            .map(|&p| self.pools[p].on_duty - self.pools[p].leaving)
            .sum()
    }

    /// Desk gate rule: admit a visitor only if the queue ahead can be served
    /// before closing, at the desk's recent mean service time with the
    /// counters in place now (actions included) that staff on duty can use.
    fn gate_admits(&self, c: usize) -> bool {
        let servers = self.channel_staff(c).min(self.chans[c].counters);
        if servers == 0 {
            return false;
        }
        let ch = &self.chans[c];
        let ahead = f64::from(ch.queue_len);
        let expected_start = self.now + ahead * ch.service_mean_s / f64::from(servers);
        expected_start < ch.close_at
    }

    /// A caller who would wait long on a phone line with callbacks is
    /// offered one; if they accept they leave the line and wait in the
    /// class's callback queue (deferred work). Returns the class to queue in.
    fn offer_callback(&mut self, idx: u32, a: usize, k: usize) -> usize {
        let m = self.m;
        let crate::model::Effect::Callbacks {
            offer_over_s,
            accept,
            ..
        } = m.actions[a].effect
        else {
            return k;
        };
        let c = self.info[k].channel as usize;
        // The live queue's expected wait (owed callbacks are not ahead of a
        // live caller), at the line's recent mean service time.
        let staff = self.channel_staff(c);
        let ahead = f64::from(self.chans[c].queue_len) + 1.0;
        let expected = if staff == 0 {
            f64::INFINITY
        } else {
            ahead * self.chans[c].service_mean_s / f64::from(staff)
        };
        if expected <= offer_over_s {
            return k;
        }
        let call = self.calls[idx as usize];
        let mut rng = caller_rng(call.seed ^ CALLBACK_SALT, call.attempt);
        if rng.random::<f64>() >= accept {
            return k;
        }
        let class = &m.classes[k];
        let Some(cb) = m.class_index(c, class.topic, class.language, true) else {
            return k;
        };
        self.tally(idx, |k| k.callbacks += 1.0);
        self.chans[c].in_system -= 1;
        let call = &mut self.calls[idx as usize];
        call.class = cb as u32;
        call.patience = f64::INFINITY;
        cb
    }

    /// A callback is made now (the agent's call starts): it takes a line
    /// again, and has its own tallies, apart from the live calls'.
    #[cold]
    #[inline(never)]
    fn callback_made(&mut self, idx: u32, c: usize, wait: f64, counted: bool) {
        let now = self.now;
        let arrival = self.calls[idx as usize].arrival;
        self.chans[c].in_system += 1;
        let kept = self.callback_promise_s(c).is_none_or(|w| wait <= w);
        let working = self.open_between(c, arrival, now);
        self.tally(idx, |k| {
            k.callbacks_made += 1.0;
            k.callback_wait_s += wait;
            k.callback_wait_working_s += working;
            if kept {
                k.callbacks_kept += 1.0;
            }
        });
        self.tally_event(idx, |k| k.callbacks_made_event += 1.0);
        if counted {
            self.callback_waits[c].push((wait, working));
        }
    }

    #[inline]
    fn start_service(&mut self, idx: u32, p: usize, interp: Option<usize>) {
        let now = self.now;
        let m = self.m;
        let call = &mut self.calls[idx as usize];
        call.state = State::InService;
        let c = call.channel as usize;
        let k = call.class as usize;
        let wait = now - call.arrival;
        let arrival = call.arrival;
        let info = self.info[k];
        let channel = &m.channels[c];
        let within = match &channel.business {
            None => wait <= channel.answer_within_s,
            Some((iv, prefix)) => {
                iv.measure_before(prefix, now) - iv.measure_before(prefix, arrival)
                    <= channel.answer_within_s
            }
        };
        let handle = call.handle;
        let co = self.idle_cohort(p);
        let speed = m.pools[p].speed * self.cohorts[co].speed_at(now);
        let mut service = handle * info.factor / speed;
        let call = &mut self.calls[idx as usize];
        let counted = call.counted;
        call.interpreter = interp.map_or(NO_INTERPRETER, |i| i as u32);
        if let Some(i) = interp {
            service += m.interpreters[i].extra_s;
            self.interp_busy[i] += 1;
            let v = f64::from(self.interp_busy[i]);
            let l = self.lvl_interp(i);
            self.levels.set(l, now, v);
        }
        let ch = &mut self.chans[c];
        ch.service_mean_s += (service - ch.service_mean_s) * SERVICE_MEAN_WEIGHT;
        if info.callback {
            self.callback_made(idx, c, wait, counted);
        } else {
            self.tally(idx, |k| {
                k.answered += 1.0;
                k.wait_answered_s += wait;
                if within {
                    k.answered_within += 1.0;
                }
            });
            if counted && wait > self.max_wait[c] {
                self.max_wait[c] = wait;
            }
        }
        let interval = self.interval_of(now) as usize;
        // Event time: the service starts now.
        self.counts[interval * self.nc + c].handled_event += 1.0;
        if now >= m.warmup_s {
            self.kpi_counts[k].handled_event += 1.0;
        }
        let pc = &mut self.pool_counts[interval * self.np + p];
        pc.handled += 1.0;
        if interp.is_some() {
            pc.interpreted += 1.0;
        }
        if now >= m.warmup_s {
            let pk = &mut self.pool_kpi[p];
            pk.handled += 1.0;
            if interp.is_some() {
                pk.interpreted += 1.0;
            }
        }
        if info.desk {
            self.chans[c].counters_busy += 1;
        }
        let cohort = &mut self.cohorts[co];
        cohort.idle -= 1;
        cohort.busy += 1;
        let pool = &mut self.pools[p];
        pool.idle -= 1;
        pool.busy += 1;
        let busy = pool.busy;
        if info.deferred {
            pool.busy_deferred += 1;
            let v = f64::from(pool.busy_deferred);
            let l = self.lvl_pool_deferred(p);
            self.levels.set(l, now, v);
        }
        let l = self.lvl_pool_busy(p);
        self.levels.set(l, now, f64::from(busy));
        let l = self.lvl_chan_busy(c);
        let v = self.levels.value[l] + 1.0;
        self.levels.set(l, now, v);
        let pool = self.pools[p];
        self.tracer.trace(Trace::Start {
            time: now,
            pool: p,
            class: k,
            interpreter: interp,
            staying: pool.on_duty - pool.leaving,
            busy: pool.busy,
            on_duty: pool.on_duty,
            counters_busy: self.chans[c].counters_busy,
            interpreter_busy: interp.map_or(0, |i| self.interp_busy[i]),
            wait,
        });
        self.cal
            .schedule(now + service, Kind::ServiceEnd, idx, co as u32);
    }

    fn on_service_end(&mut self, idx: u32, co: usize) {
        let now = self.now;
        let p = self.cohorts[co].pool;
        let call = self.calls[idx as usize];
        let c = call.channel as usize;
        let k = call.class as usize;
        self.tracer.trace(Trace::End {
            time: now,
            pool: p,
            class: k,
        });
        self.chans[c].in_system -= 1;
        let l = self.lvl_chan_busy(c);
        let v = self.levels.value[l] - 1.0;
        self.levels.set(l, now, v);
        let mut resource_freed = false;
        if self.info[k].desk {
            self.chans[c].counters_busy -= 1;
            resource_freed = self.chans[c].queue_len > 0;
        }
        if call.interpreter != NO_INTERPRETER {
            let i = call.interpreter as usize;
            self.interp_busy[i] -= 1;
            let v = f64::from(self.interp_busy[i]);
            let l = self.lvl_interp(i);
            self.levels.set(l, now, v);
            resource_freed = true;
        }
        self.release(idx);
        let deferred = self.info[k].deferred;
        let pool = &mut self.pools[p];
        pool.busy -= 1;
        let busy = pool.busy;
        if deferred {
            pool.busy_deferred -= 1;
            let v = f64::from(pool.busy_deferred);
            let l = self.lvl_pool_deferred(p);
            self.levels.set(l, now, v);
        }
        let l = self.lvl_pool_busy(p);
        self.levels.set(l, now, f64::from(busy));
        let cohort = &mut self.cohorts[co];
        cohort.busy -= 1;
        if cohort.leaving > 0 {
            cohort.leaving -= 1;
            cohort.on_duty -= 1;
            let pool = &mut self.pools[p];
            pool.leaving -= 1;
            pool.on_duty -= 1;
            self.pool_levels(p);
        } else {
            cohort.idle += 1;
            self.pools[p].idle += 1;
            self.dispatch(p);
        }
        if resource_freed {
            self.dispatch_all();
        }
    }

    /// Every pool with idle staff looks for work (after a counter or an
    /// interpreter became free).
    fn dispatch_all(&mut self) {
        for q in 0..self.np {
            if self.pools[q].idle > 0 {
                self.dispatch(q);
            }
        }
    }

    /// Arrival time of the first contact still waiting in class `k`,
    /// dropping stale entries at the head.
    #[inline]
    fn head(&mut self, k: usize) -> Option<f64> {
        if self.class_len[k] == 0 {
            return None;
        }
        while let Some(&(idx, generation)) = self.queues[k].front() {
            let call = &self.calls[idx as usize];
            if call.generation == generation && call.state == State::Waiting {
                return Some(call.arrival);
            }
            self.queues[k].pop_front();
        }
        None
    }

    /// Idle agents of pool `p` take waiting contacts.
    fn dispatch(&mut self, p: usize) {
        let m = self.m;
        let routes = &m.pools[p].routes;
        if let [r] = routes.as_slice() {
            // One queue: no choice to make.
            let info = self.info[r.class];
            while self.pools[p].idle > 0
                && self.chans[info.channel as usize].counters_busy
                    < self.chans[info.channel as usize].counters
                && r.interpreter
                    .is_none_or(|i| self.interp_busy[i] < self.interp_cap[i])
                && self.head(r.class).is_some()
            {
                let idx = self.pop_waiting(r.class);
                self.start_service(idx, p, r.interpreter);
            }
            return;
        }
        while self.pools[p].idle > 0 {
            let pool = self.pools[p];
            let reserve = m.pools[p].deferred_share > 0.0
                && f64::from(pool.busy_deferred)
                    < (m.pools[p].deferred_share * f64::from(pool.on_duty - pool.leaving)).round();
            let mut best: Option<((bool, u32, bool, f64), usize)> = None;
            for (ri, r) in routes.iter().enumerate() {
                let k = r.class;
                if self.class_len[k] == 0 {
                    continue;
                }
                let info = self.info[k];
                if self.chans[info.channel as usize].counters_busy
                    >= self.chans[info.channel as usize].counters
                {
                    continue;
                }
                if let Some(i) = r.interpreter
                    && self.interp_busy[i] >= self.interp_cap[i]
                {
                    continue;
                }
                let Some(head) = self.head(k) else { continue };
                let key = (info.deferred != reserve, r.level, !info.appointment, head);
                let better = match &best {
                    None => true,
                    Some((b, _)) => {
                        (key.0, key.1, key.2) < (b.0, b.1, b.2)
                            || ((key.0, key.1, key.2) == (b.0, b.1, b.2) && key.3 < b.3)
                    }
                };
                if better {
                    best = Some((key, ri));
                }
            }
            let Some((_, ri)) = best else { return };
            let r = routes[ri];
            let idx = self.pop_waiting(r.class);
            self.start_service(idx, p, r.interpreter);
        }
    }

    /// Removes the head of class `k` (which [`Self::head`] found valid).
    #[inline]
    fn pop_waiting(&mut self, k: usize) -> u32 {
        let (idx, _) = self.queues[k]
            .pop_front()
            .expect("head() found a waiting contact");
        self.class_len[k] -= 1;
        let c = self.info[k].channel as usize;
        let ch = &mut self.chans[c];
        if self.info[k].callback {
            ch.owed -= 1;
            return idx;
        }
        ch.queue_len -= 1;
        let q = ch.queue_len;
        let l = self.lvl_queue(c);
        self.levels.set(l, self.now, f64::from(q));
        idx
    }

    fn on_abandon(&mut self, idx: u32, generation: u32) {
        let call = &self.calls[idx as usize];
        if call.generation != generation || call.state != State::Waiting {
            return; // answered before its patience ran out
        }
        let now = self.now;
        let c = call.channel as usize;
        let k = call.class as usize;
        let wait = now - call.arrival;
        self.class_len[k] -= 1;
        let ch = &mut self.chans[c];
        ch.queue_len -= 1;
        ch.in_system -= 1;
        let q = ch.queue_len;
        let l = self.lvl_queue(c);
        self.levels.set(l, now, f64::from(q));
        // Mark it so that its queue entry is skipped.
        self.calls[idx as usize].state = State::Pending;
        self.tally(idx, |k| {
            k.abandoned += 1.0;
            k.wait_abandoned_s += wait;
        });
        self.tally_event(idx, |k| k.abandoned_event += 1.0);
        self.after_failure(idx, Failure::Abandoned);
    }

    /// After a busy signal, an abandonment or being turned away: the person
    /// may try again on the same channel, or switch to another.
    fn after_failure(&mut self, idx: u32, why: Failure) {
        let m = self.m;
        let call = self.calls[idx as usize];
        let channel = &m.channels[call.channel as usize];
        let now = self.now;
        match why {
            Failure::Busy | Failure::Abandoned => {
                if let Some(r) = &channel.redial
                    && call.attempt < r.max_attempts
                {
                    let mut rng = caller_rng(call.seed, call.attempt);
                    let p = if why == Failure::Busy {
                        r.after_busy
                    } else {
                        r.after_abandon
                    };
                    if rng.random::<f64>() < p {
                        let delay = r.delay.sample(&mut rng);
                        let patience = match &channel.patience {
                            Some(d) => d.sample(&mut rng),
                            None => f64::INFINITY,
                        };
                        self.retry(idx, now + delay, patience, None);
                        return;
                    }
                }
            }
            Failure::TurnedAway => {
                if let Some(r) = &channel.returns {
                    let mut rng = caller_rng(call.seed, call.attempt);
                    if rng.random::<f64>() < r.share
                        && let Some(t) = self.next_open(call.channel as usize, now + r.after_s)
                    {
                        let patience = match &channel.patience {
                            Some(d) => d.sample(&mut rng),
                            None => f64::INFINITY,
                        };
                        self.retry(idx, t, patience, None);
                        return;
                    }
                }
            }
        }
        if let Some(sw) = &channel.switch {
            let p = if why == Failure::TurnedAway {
                sw.after_turned_away
            } else {
                sw.after_abandon
            };
            let mut rng = caller_rng(call.seed ^ SWITCH_SALT, call.attempt);
            if p > 0.0 && rng.random::<f64>() < p {
                let class = &m.classes[call.class as usize];
                let to = sw.to;
                let target = m
                    .class_index(to, class.topic, class.language, false)
                    .expect("the compiler creates the classes that switches lead to");
                let handle = m
                    .handle(class.topic, to)
                    .expect("the compiler checks handle times for switch targets")
                    .sample(&mut rng);
                let delay = sw.delay.sample(&mut rng);
                let patience = match &m.channels[to].patience {
                    Some(d) => d.sample(&mut rng),
                    None => f64::INFINITY,
                };
                self.tally(idx, |k| k.switched_out += 1.0);
                let call = &mut self.calls[idx as usize];
                call.handle = handle;
                call.class = target as u32;
                call.channel = to as u32;
                call.attempt = 0; // retry() makes it 1
                call.switched = true;
                self.retry(idx, now + delay, patience, Some(()));
                return;
            }
        }
        self.release(idx);
    }

    /// Schedules the next attempt of a contact at `at`.
    fn retry(&mut self, idx: u32, at: f64, patience: f64, _switch: Option<()>) {
        let call = &mut self.calls[idx as usize];
        call.state = State::Pending;
        call.patience = patience;
        call.attempt += 1;
        call.generation = call.generation.wrapping_add(1);
        let generation = call.generation;
        if at <= self.m.horizon_s {
            self.cal.schedule(at, Kind::Redial, idx, generation);
        } else {
            // Beyond the horizon: it stays pending and is counted as such.
        }
    }

    fn on_redial(&mut self, idx: u32, generation: u32) {
        let call = &self.calls[idx as usize];
        if call.generation != generation || call.state != State::Pending {
            return;
        }
        let c = call.channel as usize;
        let now = self.now;
        // A visitor who comes back "at the next opening" arrives at the very
        // instant the channel opens, and that event may not have run yet
        // (it was scheduled later): come again just after it.
        if !self.chans[c].open && now < self.m.horizon_s && self.opens_at(c, now) {
            self.cal.schedule(now, Kind::Redial, idx, generation);
            return;
        }
        self.offer(idx);
    }

    /// Whether channel `c`'s hours (as they stand) open exactly at `t`.
    fn opens_at(&self, c: usize, t: f64) -> bool {
        let h = &self.hours[c];
        let i = h.partition_point(|&x| x < t);
        i % 2 == 0 && h.get(i) == Some(&t)
    }

    fn desk_staffed(&self, c: usize) -> bool {
        self.m.channels[c]
            .pools
            .iter()
            .any(|&p| self.pools[p].on_duty > self.pools[p].leaving)
    }

    /// Turns away everyone waiting at desk `c`.
    fn send_home(&mut self, c: usize) {
        let m = self.m;
        for k in 0..m.classes.len() {
            if self.info[k].channel as usize != c {
                continue;
            }
            while self.head(k).is_some() {
                let idx = self.pop_waiting(k);
                self.chans[c].in_system -= 1;
                self.calls[idx as usize].state = State::Pending;
                self.tally(idx, |k| k.turned_away += 1.0);
                self.after_failure(idx, Failure::TurnedAway);
            }
        }
    }

    fn on_hours(&mut self, c: usize, epoch: u32, k: usize) {
        if epoch != self.hours_epoch[c] {
            return;
        }
        let open = k.is_multiple_of(2);
        self.chans[c].open = open;
        self.chans[c].close_at = if open {
            self.hours[c].get(k + 1).copied().unwrap_or(f64::INFINITY)
        } else {
            f64::INFINITY
        };
        if let Some(&t) = self.hours[c].get(k + 1)
            && t < self.m.horizon_s
        {
            let a = (c as u32) | (epoch << 16);
            self.cal.schedule(t, Kind::Hours, a, (k + 1) as u32);
        }
    }

    fn on_interpreter(&mut self, i: usize, k: usize) {
        let open = k.is_multiple_of(2);
        self.interp_cap[i] = if open {
            self.m.interpreters[i].capacity
        } else {
            0
        };
        if let Some(&t) = self.interp_hours[i].get(k + 1)
            && t < self.m.horizon_s
        {
            self.cal
                .schedule(t, Kind::Interpreter, i as u32, (k + 1) as u32);
        }
        if open {
            self.dispatch_all();
        }
    }

    /// Backlog snapshot per channel at the end of interval `i`.
    fn on_tick(&mut self, i: usize) {
        self.snapshot(i);
        if !self.acts.is_empty() {
            self.check_triggers(i);
        }
        let end = (i + 1) as f64 * self.m.interval_s;
        if (end / DAY_S).fract() == 0.0 {
            self.wellbeing(i);
        }
        if i + 2 < self.m.n_intervals {
            let t = (i + 2) as f64 * self.m.interval_s;
            self.cal.schedule(t, Kind::Tick, (i + 1) as u32, 0);
        }
    }

    fn snapshot(&mut self, i: usize) {
        let now = self.now;
        let mut oldest = vec![f64::INFINITY; self.nc];
        for k in 0..self.m.classes.len() {
            if self.info[k].callback {
                continue;
            }
            if let Some(a) = self.head(k) {
                let c = self.info[k].channel as usize;
                oldest[c] = oldest[c].min(a);
            }
        }
        for (c, o) in oldest.into_iter().enumerate() {
            let age = if o.is_finite() { now - o } else { 0.0 };
            let ch = &self.chans[c];
            self.snapshots[i * self.nc + c] = (f64::from(ch.queue_len), age, f64::from(ch.owed));
        }
    }

    /// The promised callback time of channel `c`'s callbacks action (the one
    /// in effect, or the one that was, for callbacks still owed after it
    /// was undone).
    fn callback_promise_s(&self, c: usize) -> Option<f64> {
        let a = self.callbacks[c].or_else(|| self.callback_action(c))?;
        match self.m.actions[a].effect {
            crate::model::Effect::Callbacks { within_s, .. } => Some(within_s),
            _ => None,
        }
    }

    /// Whether a contact that arrived at `arrival` and still waits at `now`
    /// has waited longer than channel `c`'s threshold, on its clock.
    fn late(&self, c: usize, arrival: f64, now: f64) -> bool {
        let ch = &self.m.channels[c];
        let waited = match &ch.business {
            None => now - arrival,
            Some((iv, prefix)) => {
                iv.measure_before(prefix, now) - iv.measure_before(prefix, arrival)
            }
        };
        waited > ch.answer_within_s
    }

    /// Lines or counters of channel `c` become `n` now.
    fn set_capacity(&mut self, c: usize, n: f64) {
        let now = self.now;
        let from = self.capacity_since[c].max(self.m.warmup_s);
        if now > from {
            self.capacity_area[c] += self.capacity_now[c] * (now - from);
        }
        self.capacity_since[c] = now;
        self.capacity_now[c] = n;
    }

    fn finish(mut self) -> (RepOutcome, T) {
        let now = self.m.horizon_s;
        self.now = now;
        for c in 0..self.nc {
            let n = self.capacity_now[c];
            self.set_capacity(c, n);
        }
        self.snapshot(self.m.n_intervals - 1);
        for l in 0..self.levels.n {
            self.levels.integrate(l, now);
        }
        let nc = self.nc;
        let np = self.np;
        let ni = self.m.interpreters.len();
        let mut pending = vec![0.0; nc];
        for i in 0..self.calls.len() {
            let call = self.calls[i];
            let c = call.channel as usize;
            match call.state {
                State::Waiting if self.info[call.class as usize].callback => {
                    let late = self
                        .callback_promise_s(c)
                        .is_some_and(|w| now - call.arrival > w);
                    self.tally(i as u32, |k| {
                        k.callbacks_owed_at_end += 1.0;
                        if late {
                            k.callbacks_late_at_end += 1.0;
                        }
                    });
                }
                State::Waiting => {
                    let late = self.late(c, call.arrival, now);
                    self.tally(i as u32, |k| {
                        k.waiting_at_end += 1.0;
                        if late {
                            k.waiting_late_at_end += 1.0;
                        }
                    });
                }
                State::Pending => pending[c] += 1.0,
                _ => {}
            }
        }
        let percentiles = |v: &mut Vec<(f64, f64)>| {
            if v.is_empty() {
                return [0.0; 4];
            }
            let mut cal: Vec<f64> = v.iter().map(|x| x.0).collect();
            let mut work: Vec<f64> = v.iter().map(|x| x.1).collect();
            cal.sort_by(f64::total_cmp);
            work.sort_by(f64::total_cmp);
            [
                crate::stats::percentile_sorted(&cal, 0.9),
                cal[cal.len() - 1],
                crate::stats::percentile_sorted(&work, 0.9),
                work[work.len() - 1],
            ]
        };
        let callback_stats: Vec<[f64; 4]> =
            self.callback_waits.iter_mut().map(percentiles).collect();
        let lv = &self.levels;
        let channels = (0..nc)
            .map(|c| {
                let mut counts = Counts::default();
                for (k, class) in self.m.classes.iter().enumerate() {
                    if class.channel == c {
                        counts.add(&self.kpi_counts[k]);
                    }
                }
                counts.deflected = self.deflected_kpi[c];
                let [
                    callback_wait_p90_s,
                    callback_wait_max_s,
                    callback_working_p90_s,
                    callback_working_max_s,
                ] = callback_stats[c];
                ChannelTotals {
                    counts,
                    queue_area: lv.kpi_area[c],
                    busy_area: lv.kpi_area[nc + c],
                    max_queue: self.max_queue[c],
                    max_wait_s: self.max_wait[c],
                    callback_wait_p90_s,
                    callback_wait_max_s,
                    callback_working_p90_s,
                    callback_working_max_s,
                    redial_pending_at_end: pending[c],
                    capacity_cost: self.capacity_area[c] * self.m.channels[c].cost_per_day / DAY_S,
                }
            })
            .collect();
        let pl =
            |area: &[f64], p: usize, which: usize| area[2 * nc + p * staff::POOL_LEVELS + which];
        let tally = |area: &[f64], p: usize, counts: &PoolTally, one_off: f64| {
            let cost_rate_area = pl(area, p, staff::L_COST);
            PoolTally {
                on_duty_area: pl(area, p, staff::L_ON_DUTY),
                busy_area: pl(area, p, staff::L_BUSY),
                deferred_area: pl(area, p, staff::L_DEFERRED),
                handled: counts.handled,
                interpreted: counts.interpreted,
                own_area: pl(area, p, staff::L_OWN),
                redeployed_area: pl(area, p, staff::L_REDEPLOYED),
                hired_area: pl(area, p, staff::L_HIRED),
                training_area: pl(area, p, staff::L_TRAINING),
                paid_area: pl(area, p, staff::L_PAID),
                rostered_s: pl(area, p, staff::L_ROSTERED),
                overloaded_days: counts.overloaded_days,
                leavers: counts.leavers,
                cost: cost_rate_area / 3600.0 + one_off,
                hiring_cost: one_off,
            }
        };
        let warm_interval = self.interval_of(self.m.warmup_s) as usize;
        let pools = (0..np)
            .map(|p| {
                let one_off: f64 = (warm_interval..self.m.n_intervals)
                    .map(|i| self.one_off[i * np + p])
                    .sum();
                let mut counts = self.pool_kpi[p];
                for i in warm_interval..self.m.n_intervals {
                    counts.overloaded_days += self.pool_counts[i * np + p].overloaded_days;
                    counts.leavers += self.pool_counts[i * np + p].leavers;
                }
                tally(&lv.kpi_area, p, &counts, one_off)
            })
            .collect();
        let interpreter_busy_area = (0..ni)
            .map(|i| lv.kpi_area[2 * nc + staff::POOL_LEVELS * np + i])
            .collect();
        let mut channel_intervals = Vec::with_capacity(self.m.n_intervals * nc);
        let mut pool_intervals = Vec::with_capacity(self.m.n_intervals * np);
        for i in 0..self.m.n_intervals {
            let area = &lv.area[i * lv.n..(i + 1) * lv.n];
            for p in 0..np {
                let pc = self.pool_counts[i * np + p];
                pool_intervals.push(tally(area, p, &pc, self.one_off[i * np + p]));
            }
            for c in 0..nc {
                let on_duty_area = self.m.channels[c]
                    .pools
                    .iter()
                    .map(|&p| pl(area, p, staff::L_ON_DUTY))
                    .sum();
                let (backlog_end, oldest_age_end_s, callbacks_owed_end) =
                    self.snapshots[i * nc + c];
                channel_intervals.push(ChannelInterval {
                    counts: self.counts[i * nc + c],
                    queue_area: area[c],
                    busy_area: area[nc + c],
                    on_duty_area,
                    backlog_end,
                    callbacks_owed_end,
                    oldest_age_end_s,
                });
            }
        }
        let mut topic_counts = vec![Counts::default(); nc * self.nt];
        for (k, class) in self.m.classes.iter().enumerate() {
            topic_counts[class.channel * self.nt + class.topic].add(&self.kpi_counts[k]);
        }
        let outcome = RepOutcome {
            replication: self.replication,
            channels,
            topic_counts,
            pools,
            interpreter_busy_area,
            channel_intervals,
            pool_intervals,
            firings: std::mem::take(&mut self.firings),
            events: self.events,
        };
        (outcome, self.tracer)
    }
}
