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
//! walk-ins, oldest first), looking only at the routes whose queue has
//! contacts waiting (a bit per route); while fewer than the pool's `deferred_share` of
//! its staff are on deferred work, deferred work comes first. A contact
//! answered from the queue has its abandonment event taken out of the
//! calendar (still counted as a simulated event); one that leaves the queue
//! otherwise, or whose event waits beyond the calendar's wheel, ignores it
//! when it comes; queue entries of contacts that left are skipped when they
//! reach the head.
//!
//! Where each mechanism lives: `mod.rs` holds the state and the event loop
//! that dispatches (`Sim::run`); `calendar.rs` the future events;
//! `arrivals.rs` arrival streams and first offers; `routing.rs` offers,
//! service and what a freed agent takes next; `hours.rs` opening hours,
//! desks and their gate, interpreters, lines and counters; `callbacks.rs`
//! callback offers and owed callbacks; `retries.rs` abandonment, busy
//! signals, redials, returns and switching; `staff.rs` rosters, breaks,
//! absence, hires and redeployments; `actions.rs` triggers and effects;
//! `tallies.rs` per-interval counts, level integrals and the outcome;
//! `outcome.rs` the outcome's types.

mod actions;
mod arrivals;
mod calendar;
mod callbacks;
mod hours;
mod outcome;
mod retries;
mod routing;
mod staff;
mod tallies;

pub use calendar::{Calendar, Event, Kind, Ticket};
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
    /// The current wait's abandonment event, to cancel when it is answered.
    abandon: Ticket,
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
        abandon: Ticket::NONE,
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

/// One level: its value now, when it was last integrated, and its
/// integral after warm-up (together, so that a change touches one place).
#[derive(Clone, Copy, Default)]
struct Level {
    value: f64,
    last: f64,
    kpi_area: f64,
}

/// Time integrals of piecewise-constant levels, split by reporting interval.
struct Levels {
    levels: Vec<Level>,
    /// `[interval * n + level]`
    area: Vec<f64>,
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
            levels: vec![Level::default(); n],
            area: vec![0.0; n * model.n_intervals],
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

    /// Level `l` now.
    #[inline(always)]
    fn value(&self, l: usize) -> f64 {
        self.levels[l].value
    }

    /// Integral of level `l` after warm-up, so far.
    fn kpi_area(&self, l: usize) -> f64 {
        self.levels[l].kpi_area
    }

    /// Accumulates level `l` up to `now`.
    #[inline(always)]
    fn integrate(&mut self, l: usize, now: f64) {
        let lv = &mut self.levels[l];
        let v = lv.value;
        let last = lv.last;
        lv.last = now;
        if v == 0.0 || now <= last {
            return;
        }
        // Fast path: both ends in the current interval, after warm-up.
        if last >= self.cur_start && now <= self.cur_end && last >= self.warmup_s {
            let d = v * (now - last);
            lv.kpi_area += d;
            self.area[self.cur * self.n + l] += d;
            return;
        }
        self.integrate_slow(l, v, last, now);
    }

    #[cold]
    fn integrate_slow(&mut self, l: usize, v: f64, last: f64, now: f64) {
        if now > self.warmup_s {
            self.levels[l].kpi_area += v * (now - last.max(self.warmup_s));
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
        self.levels[l].value = value;
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
    /// Per pool, one bit per route (in route order), set while the route's
    /// class has contacts waiting: words `route_words[p]..route_words[p + 1]`
    /// of `route_bits`. A freed agent looks only at those routes.
    route_bits: Vec<u64>,
    route_words: Vec<usize>,
    /// Per class: the route bits that stand for it (word, mask).
    class_route_bits: Vec<Vec<(usize, u64)>>,
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
    /// Per channel: outages (injects) in effect.
    outages: Vec<u32>,
    /// Per channel: the lines or counters it would have without outages
    /// (the scenario's, or an action's in effect).
    base_capacity: Vec<Option<u32>>,
    /// Per pool: extra absence share of sick leave in effect.
    sick: Vec<f64>,
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
    snapshots: Vec<(f64, f64, f64, f64)>,
    max_queue: Vec<u32>,
    max_wait: Vec<f64>,
    /// Per channel: (calendar, working) times from request to call back of
    /// the callbacks made after warm-up, for their percentiles.
    callback_waits: Vec<Vec<(f64, f64)>>,
    events: u64,
    /// The reporting interval holding `now` (`interval_of(now)`), and the
    /// first time that falls in a later one (see [`Sim::set_now`]).
    now_interval: u32,
    now_interval_end: f64,
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
        let mut route_words = vec![0];
        let mut class_route_bits = vec![Vec::new(); m.classes.len()];
        for pool in &m.pools {
            let first = *route_words.last().expect("starts with 0");
            for (ri, r) in pool.routes.iter().enumerate() {
                class_route_bits[r.class].push((first + ri / 64, 1u64 << (ri % 64)));
            }
            route_words.push(first + pool.routes.len().div_ceil(64));
        }
        let (cohorts, shapes, action_cohort) = staff::initial(m);
        let mut pool_cohorts = vec![Vec::new(); np];
        for (i, c) in cohorts.iter().enumerate() {
            pool_cohorts[c.pool].push(i);
        }
        let mut sim = Sim {
            m,
            now: 0.0,
            cal: Calendar::new(
                calendar::bucket_width(
                    m.demands
                        .iter()
                        .map(|d| d.pieces.iter().map(|p| p.rate_per_s).fold(0.0, f64::max))
                        .sum(),
                ),
                1024,
                m.demands.len() == 1,
            ),
            calls: Vec::with_capacity(1024),
            free: Vec::with_capacity(1024),
            streams,
            chans,
            pools: vec![PoolState::default(); np],
            queues: (0..m.classes.len())
                .map(|_| VecDeque::with_capacity(64))
                .collect(),
            class_len: vec![0; m.classes.len()],
            route_bits: vec![0; *route_words.last().expect("starts with 0")],
            route_words,
            class_route_bits,
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
            outages: vec![0; nc],
            base_capacity: m.channels.iter().map(|c| c.lines.or(c.counters)).collect(),
            sick: vec![0.0; np],
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
            snapshots: vec![(0.0, 0.0, 0.0, 0.0); nc * m.n_intervals],
            max_queue: vec![0; nc],
            max_wait: vec![0.0; nc],
            callback_waits: vec![Vec::new(); nc],
            events: 0,
            now_interval: 0,
            now_interval_end: 0.0,
            nc,
            np,
            nt,
            replication,
            tracer,
        };
        sim.advance_interval(0.0);
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

    fn run(&mut self) {
        let horizon = self.m.horizon_s;
        while let Some(ev) = self.cal.pop() {
            let t = ev.time();
            if t > horizon {
                break;
            }
            self.set_now(t);
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
        self.set_now(horizon);
    }

    /// One more contact waits in class `k`.
    #[inline(always)]
    fn class_grew(&mut self, k: usize) {
        self.class_len[k] += 1;
        if self.class_len[k] == 1 {
            for &(w, bit) in &self.class_route_bits[k] {
                self.route_bits[w] |= bit;
            }
        }
    }

    /// One contact fewer waits in class `k`.
    #[inline(always)]
    fn class_shrank(&mut self, k: usize) {
        self.class_len[k] -= 1;
        if self.class_len[k] == 0 {
            for &(w, bit) in &self.class_route_bits[k] {
                self.route_bits[w] &= !bit;
            }
        }
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
}
