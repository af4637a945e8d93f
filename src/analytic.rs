//! Exact steady-state formulas for Markovian call-centre queues.
//!
//! This module holds the closed-form and numerically exact results that the
//! discrete-event simulator is validated against, and that the
//! `surgesim erlang` command prints.
//!
//! # Model
//!
//! The general model is **M/M/c/K+M**: calls arrive as a Poisson process with
//! rate λ, handle times are exponential with rate μ (μ = 1 / AHT), there are
//! `c` agents and `K` lines (places in the system, in service plus waiting;
//! unlimited if `None`). Waiting calls are answered first come, first served,
//! and every waiting caller hangs up after an exponential patience with rate θ
//! (θ = 0: nobody abandons). A call that finds all `K` lines busy is blocked
//! and lost (no retry). If `K < c`, only `K` agents can ever be busy, so `c`
//! is replaced by `min(c, K)` everywhere (including occupancy).
//!
//! Special cases:
//!
//! | model        | lines `K` | abandonment θ |
//! |--------------|-----------|---------------|
//! | Erlang B     | `K = c`   | any           |
//! | Erlang C     | unlimited | 0             |
//! | Erlang A     | unlimited | > 0           |
//! | M/M/c/K      | finite    | 0             |
//! | M/M/c/K+M    | finite    | > 0           |
//!
//! The loss (B) and delay (C) formulas go back to Erlang (1917), "Solution of
//! some problems in the theory of probabilities of significance in automatic
//! telephone exchanges". The delay system with impatient callers was studied
//! by Palm (1946); the name "Erlang A" and its use for call-centre staffing
//! are due to Garnett, Mandelbaum & Reiman (2002), "Designing a call center
//! with impatient customers", *Manufacturing & Service Operations
//! Management* 4(3).
//!
//! # Definitions (see [`Exact`])
//!
//! Shares are fractions of **offered** calls unless said otherwise. By PASTA
//! an arriving call sees the stationary distribution π of the number of calls
//! in the system `n`:
//!
//! * blocked: `n = K`, so `p_block = π_K`;
//! * answered at once: `n < c`;
//! * has to wait: `c <= n < K`, so `p_wait = Σ_{n=c}^{K-1} π_n`
//!   (callers who later abandon are included).
//!
//! A waiting caller with `k = n - c` callers ahead advances at rate
//! `cμ + kθ` and abandons itself at rate θ. It is answered with probability
//! `cμ / (cμ + (k+1)θ)`; given that, its wait is a sum of independent
//! exponentials with rates `cμ + (i+1)θ`, `i = 0..=k`; its expected time in
//! queue, whatever the outcome, is `(k+1) / (cμ + (k+1)θ)`.
//!
//! # Numerics
//!
//! Nothing is computed through factorials or powers: the stationary
//! distribution is built by a ratio recursion from its mode (so every term is
//! at most about 1) and truncated with a rigorous geometric tail bound of 1e-18 of
//! the total; Erlang C uses the closed form on top of the stable Erlang B
//! recursion; the service level with abandonment (or finite `K`) uses
//! uniformization of the "callers ahead" chain with Poisson weights computed
//! from their mode. This is stable for thousands of agents and loads of
//! thousands of Erlangs (c = 2000 at 2400 Erlangs takes about 2 ms in a
//! release build).
//!
//! # Limits
//!
//! * Erlang C (unlimited lines, θ = 0) needs load < c; a load within a
//!   relative 1e-12 of `c` also counts as unstable, so that 22/min × 5 min is
//!   treated as exactly 110 Erlangs.
//! * Queues whose stationary distribution spreads over more than 5 million
//!   states (e.g. an overloaded queue whose callers almost never give up, so
//!   that (λ − cμ)/θ is huge) return [`AnalyticError::TooLarge`] instead of
//!   running for ever; so do absurdly long service-level thresholds.

use std::fmt;

/// Largest number of states of the stationary distribution that is built
/// explicitly (beyond this, [`AnalyticError::TooLarge`] is returned).
const MAX_STATES: usize = 5_000_000;

/// Largest number of elementary steps spent on one uniformization.
const MAX_WORK: f64 = 2.0e9;

/// Relative size of a neglected tail of the stationary distribution.
const TAIL_REL: f64 = 1e-18;

/// Relative mass left in the uniformized chain below which it is treated as
/// fully absorbed.
const ABSORBED_REL: f64 = 1e-17;

/// Erlang C counts as unstable when the load is within this relative
/// distance of the number of agents, so that a load meant to be exactly `c`
/// (e.g. 22/min × 5 min = 110 Erlangs, which is 109.99999999999999 in
/// floating point) is not reported as a barely stable queue with an absurd
/// wait.
const STABILITY_REL: f64 = 1e-12;

/// Poisson weights smaller than this, relative to the weight at the mode,
/// are neglected.
const POISSON_CUT: f64 = 1e-40;

/// A Markovian multi-server queue, all rates per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    /// λ > 0: arrival rate of calls (calls per second).
    pub arrival_rate: f64,
    /// μ > 0: service rate of one agent (1 / mean handle time in seconds).
    pub service_rate: f64,
    /// c >= 1: number of agents.
    pub agents: u32,
    /// K: total number of lines (in service plus waiting); `None` means
    /// unlimited; `Some(K)` requires `K >= 1`.
    pub lines: Option<u32>,
    /// θ >= 0: abandonment rate of one waiting caller (1 / mean patience in
    /// seconds); 0 means nobody abandons.
    pub abandon_rate: f64,
}

impl Queue {
    /// Offered load λ/μ in Erlangs.
    pub fn offered_load_erlangs(&self) -> f64 {
        self.arrival_rate / self.service_rate
    }

    /// Number of agents that can actually be busy: `min(c, K)`.
    pub fn effective_agents(&self) -> u32 {
        match self.lines {
            Some(k) => self.agents.min(k),
            None => self.agents,
        }
    }
}

/// Exact steady-state values of a [`Queue`].
///
/// Every share is a fraction in [0, 1] of OFFERED calls unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exact {
    /// Offered load λ/μ in Erlangs.
    pub offered_load_erlangs: f64,
    /// P(an arriving call finds all K lines busy) — blocked and lost.
    pub p_block: f64,
    /// P(an arriving call is not blocked but finds all agents busy): the call
    /// could not be answered at once (later abandoners included).
    pub p_wait: f64,
    /// Abandoned calls ÷ offered calls.
    pub p_abandon: f64,
    /// Answered calls ÷ offered calls (= 1 − `p_block` − `p_abandon`).
    pub p_answered: f64,
    /// Mean wait in queue of ANSWERED calls in seconds, zero waits included
    /// (NaN if nobody is answered).
    pub asa_s: f64,
    /// Mean time in queue of all non-blocked calls (answered and abandoned)
    /// in seconds, zero waits included.
    pub mean_wait_all_s: f64,
    /// Calls answered with a wait <= t ÷ offered calls.
    pub service_level: f64,
    /// Calls answered with a wait <= t ÷ (answered + abandoned) calls
    /// (= `service_level` / (1 − `p_block`)).
    pub service_level_handled: f64,
    /// Calls answered with a wait <= t ÷ answered calls.
    pub service_level_answered: f64,
    /// Mean number of busy agents ÷ c, with c = min(c, K).
    pub occupancy: f64,
    /// Mean number of calls waiting (not in service).
    pub mean_queue: f64,
    /// Mean number of busy agents (= `occupancy` · c).
    pub mean_busy_agents: f64,
}

/// Why an exact value could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum AnalyticError {
    /// A parameter is not finite or out of its range.
    InvalidParameter {
        /// Name of the parameter.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// What was expected instead.
        expected: &'static str,
    },
    /// No steady state: unlimited lines, no abandonment and load >= agents.
    Unstable {
        /// Offered load in Erlangs.
        load: f64,
        /// Number of agents.
        agents: u32,
    },
    /// The exact computation would need an unreasonable number of states or
    /// steps (e.g. a huge queue with almost no abandonment, or an enormous
    /// service-level threshold).
    TooLarge {
        /// What grew too large.
        what: &'static str,
        /// Its size.
        size: f64,
        /// The limit.
        limit: f64,
    },
}

impl fmt::Display for AnalyticError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalyticError::InvalidParameter {
                name,
                value,
                expected,
            } => write!(f, "invalid {name} = {value}: expected {expected}"),
            AnalyticError::Unstable { load, agents } => write!(
                f,
                "no steady state: offered load {load} Erlangs >= {agents} agents \
                 with unlimited lines and no abandonment"
            ),
            AnalyticError::TooLarge { what, size, limit } => write!(
                f,
                "exact computation too large: {what} would be about {size:.3e} (limit {limit:.3e})"
            ),
        }
    }
}

impl std::error::Error for AnalyticError {}

/// Erlang B blocking probability of `servers` servers offered `load_erlangs`.
///
/// Uses the stable recursion `B(0) = 1`, `B(n) = A·B(n−1) / (n + A·B(n−1))`.
/// Returns 1 for `servers == 0`, 1 for an infinite load and NaN for a
/// negative or NaN load.
pub fn erlang_b(servers: u32, load_erlangs: f64) -> f64 {
    let a = load_erlangs;
    if a.is_nan() || a < 0.0 {
        return f64::NAN;
    }
    if a.is_infinite() {
        return 1.0;
    }
    let mut b = 1.0;
    for n in 1..=servers {
        let ab = a * b;
        b = ab / (f64::from(n) + ab);
    }
    b
}

/// Erlang C probability that a call has to wait, with `servers` servers
/// offered `load_erlangs` (unlimited queue, no abandonment).
///
/// Returns 1 if `load_erlangs >= servers` (no steady state: everyone waits)
/// and NaN for a negative or NaN load.
pub fn erlang_c(servers: u32, load_erlangs: f64) -> f64 {
    let a = load_erlangs;
    if a.is_nan() || a < 0.0 {
        return f64::NAN;
    }
    let c = f64::from(servers);
    if a >= c {
        return 1.0;
    }
    let b = erlang_b(servers, a);
    // C = c B / (c − A (1 − B)); the denominator is > c − A > 0.
    c * b / (c - a * (1.0 - b))
}

fn invalid(name: &'static str, value: f64, expected: &'static str) -> AnalyticError {
    AnalyticError::InvalidParameter {
        name,
        value,
        expected,
    }
}

fn validate(q: &Queue) -> Result<(), AnalyticError> {
    if !(q.arrival_rate.is_finite() && q.arrival_rate > 0.0) {
        return Err(invalid(
            "arrival_rate",
            q.arrival_rate,
            "a finite rate > 0 per second",
        ));
    }
    if !(q.service_rate.is_finite() && q.service_rate > 0.0) {
        return Err(invalid(
            "service_rate",
            q.service_rate,
            "a finite rate > 0 per second",
        ));
    }
    if q.agents == 0 {
        return Err(invalid("agents", 0.0, "at least 1 agent"));
    }
    if q.lines == Some(0) {
        return Err(invalid("lines", 0.0, "at least 1 line, or unlimited"));
    }
    if !(q.abandon_rate.is_finite() && q.abandon_rate >= 0.0) {
        return Err(invalid(
            "abandon_rate",
            q.abandon_rate,
            "a finite rate >= 0 per second",
        ));
    }
    let load = q.offered_load_erlangs();
    if !(load.is_finite() && load > 0.0) {
        return Err(invalid(
            "offered load (arrival_rate / service_rate)",
            load,
            "a finite load > 0 Erlangs",
        ));
    }
    Ok(())
}

fn validate_threshold(answer_within_s: f64) -> Result<(), AnalyticError> {
    if !(answer_within_s.is_finite() && answer_within_s >= 0.0) {
        return Err(invalid(
            "answer_within_s",
            answer_within_s,
            "a finite time >= 0 seconds",
        ));
    }
    Ok(())
}

/// Exact steady-state values of `q`, with the service level measured against
/// the threshold `answer_within_s` seconds.
///
/// Errors: [`AnalyticError::InvalidParameter`] for non-finite or out-of-range
/// parameters, [`AnalyticError::Unstable`] for Erlang C (unlimited lines, no
/// abandonment) with load >= agents (within a relative 1e-12, to absorb
/// rounding of λ/μ), and [`AnalyticError::TooLarge`] if the
/// state space or the uniformization would be unreasonably large.
pub fn evaluate(q: &Queue, answer_within_s: f64) -> Result<Exact, AnalyticError> {
    validate(q)?;
    validate_threshold(answer_within_s)?;
    let chain = Chain::new(q);
    if chain.lines.is_none() && chain.theta == 0.0 {
        erlang_c_exact(&chain, answer_within_s)
    } else {
        general_exact(&chain, answer_within_s)
    }
}

/// Fewest agents in `1..=max_agents` whose [`Exact::service_level`]
/// (answered within `answer_within_s` ÷ offered) is at least `target`.
///
/// `q.agents` is ignored. Returns `Ok(None)` if even `max_agents` agents are
/// not enough (for Erlang C this includes `max_agents` <= load). The search is
/// a binary search that relies on the service level increasing with the
/// number of agents; for Erlang C it starts at the smallest stable staffing.
/// Note that the share answered within t can never exceed the share not
/// blocked, so a finite `lines` caps what staffing can reach.
pub fn agents_for_service_level(
    q: &Queue,
    answer_within_s: f64,
    target: f64,
    max_agents: u32,
) -> Result<Option<u32>, AnalyticError> {
    let probe = Queue { agents: 1, ..*q };
    validate(&probe)?;
    validate_threshold(answer_within_s)?;
    if !(target.is_finite() && (0.0..=1.0).contains(&target)) {
        return Err(invalid("target", target, "a fraction in [0, 1]"));
    }
    if max_agents == 0 {
        return Err(invalid("max_agents", 0.0, "at least 1 agent"));
    }
    let sl = |agents: u32| -> Result<f64, AnalyticError> {
        evaluate(&Queue { agents, ..*q }, answer_within_s).map(|e| e.service_level)
    };

    let mut lo: u32 = 1;
    if q.lines.is_none() && q.abandon_rate == 0.0 {
        let load = q.offered_load_erlangs();
        if load >= f64::from(max_agents) {
            return Ok(None);
        }
        // load < max_agents <= u32::MAX, so the cast cannot saturate badly.
        lo = (load.floor() as u32).saturating_add(1).max(1);
    }
    // Smallest stable staffing (rounding of λ/μ may need one more step).
    let sl_lo = loop {
        match sl(lo) {
            Ok(v) => break v,
            Err(AnalyticError::Unstable { .. }) => {
                if lo >= max_agents {
                    return Ok(None);
                }
                lo += 1;
            }
            Err(e) => return Err(e),
        }
    };
    if sl_lo >= target {
        return Ok(Some(lo));
    }
    let mut hi = max_agents;
    if hi == lo || sl(hi)? < target {
        return Ok(None);
    }
    // Invariant: sl(lo) < target <= sl(hi).
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if sl(mid)? >= target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Some(hi))
}

/// The birth-death chain of the number of calls in the system.
#[derive(Debug, Clone, Copy)]
struct Chain {
    lambda: f64,
    mu: f64,
    theta: f64,
    /// Effective number of agents, min(c, K).
    c: u64,
    /// Number of lines K.
    lines: Option<u64>,
}

impl Chain {
    fn new(q: &Queue) -> Chain {
        Chain {
            lambda: q.arrival_rate,
            mu: q.service_rate,
            theta: q.abandon_rate,
            c: u64::from(q.effective_agents()),
            lines: q.lines.map(u64::from),
        }
    }

    fn cap(&self) -> u64 {
        self.lines.unwrap_or(u64::MAX)
    }

    /// Death rate in state n: min(n, c)·μ + max(n − c, 0)·θ.
    fn death(&self, n: u64) -> f64 {
        let busy = n.min(self.c);
        busy as f64 * self.mu + (n - busy) as f64 * self.theta
    }

    /// A state where the unnormalised distribution is (about) maximal.
    fn mode(&self) -> Result<u64, AnalyticError> {
        let load = self.lambda / self.mu;
        let c = self.c as f64;
        let m = if load < c {
            load.floor() as u64
        } else if self.theta > 0.0 {
            let extra = ((self.lambda - c * self.mu) / self.theta).floor();
            if extra > MAX_STATES as f64 {
                return Err(AnalyticError::TooLarge {
                    what: "mean queue length (arrival surplus / abandonment rate)",
                    size: extra,
                    limit: MAX_STATES as f64,
                });
            }
            self.c + extra as u64
        } else {
            match self.lines {
                Some(k) => k,
                None => {
                    return Err(AnalyticError::Unstable {
                        load,
                        agents: u32::try_from(self.c).unwrap_or(u32::MAX),
                    });
                }
            }
        };
        Ok(m.min(self.cap()))
    }
}

/// Unnormalised stationary distribution on the states `lo..lo + w.len()`.
#[derive(Debug, Clone)]
struct Dist {
    lo: u64,
    w: Vec<f64>,
    total: f64,
}

impl Dist {
    /// (n, π_n) pairs.
    fn probs(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        self.w
            .iter()
            .enumerate()
            .map(move |(i, &w)| (self.lo + i as u64, w / self.total))
    }
}

fn too_many_states(n: usize) -> AnalyticError {
    AnalyticError::TooLarge {
        what: "number of states of the stationary distribution",
        size: n as f64,
        limit: MAX_STATES as f64,
    }
}

/// Stationary distribution by the ratio recursion from the mode, truncated on
/// both sides once a geometric bound of the neglected tail falls below
/// `TAIL_REL` of the running total. Terms below the mode have ratios
/// `w_{n−1}/w_n = death(n)/λ` that shrink as n decreases, terms above have
/// ratios `λ/death(n+1)` that shrink as n increases, which makes the bounds
/// valid.
fn stationary(ch: &Chain) -> Result<Dist, AnalyticError> {
    let m = ch.mode()?;
    let mut sum = 1.0;

    let mut down: Vec<f64> = Vec::new();
    let mut w = 1.0;
    let mut n = m;
    while n > 0 {
        let q = ch.death(n) / ch.lambda;
        if q < 1.0 && w * q / (1.0 - q) <= TAIL_REL * sum {
            break;
        }
        w *= q;
        n -= 1;
        down.push(w);
        sum += w;
        if down.len() > MAX_STATES {
            return Err(too_many_states(down.len()));
        }
    }
    let lo = n;

    let mut up: Vec<f64> = Vec::new();
    w = 1.0;
    n = m;
    let cap = ch.cap();
    while n < cap {
        let r = ch.lambda / ch.death(n + 1);
        if r < 1.0 && w * r / (1.0 - r) <= TAIL_REL * sum {
            break;
        }
        w *= r;
        n += 1;
        up.push(w);
        sum += w;
        if down.len() + up.len() > MAX_STATES {
            return Err(too_many_states(down.len() + up.len()));
        }
    }

    // Sum small terms first.
    let total = down.iter().rev().sum::<f64>() + 1.0 + up.iter().rev().sum::<f64>();
    let mut all = Vec::with_capacity(down.len() + 1 + up.len());
    all.extend(down.iter().rev());
    all.push(1.0);
    all.extend(up);
    Ok(Dist { lo, w: all, total })
}

/// Closed-form Erlang C (unlimited lines, no abandonment).
fn erlang_c_exact(ch: &Chain, t: f64) -> Result<Exact, AnalyticError> {
    let agents = u32::try_from(ch.c).unwrap_or(u32::MAX);
    let c = ch.c as f64;
    let load = ch.lambda / ch.mu;
    if load >= c * (1.0 - STABILITY_REL) {
        return Err(AnalyticError::Unstable { load, agents });
    }
    let p_wait = erlang_c(agents, load);
    // Rate at which the queue drains: cμ − λ = μ(c − A).
    let gap = ch.mu * (c - load);
    let asa = p_wait / gap;
    let sl = 1.0 - p_wait * (-gap * t).exp();
    let occupancy = load / c;
    Ok(Exact {
        offered_load_erlangs: load,
        p_block: 0.0,
        p_wait,
        p_abandon: 0.0,
        p_answered: 1.0,
        asa_s: asa,
        mean_wait_all_s: asa,
        service_level: sl,
        service_level_handled: sl,
        service_level_answered: sl,
        occupancy,
        mean_queue: p_wait * load / (c - load),
        mean_busy_agents: load,
    })
}

/// Everything else: finite lines and/or abandonment, from the stationary
/// distribution.
fn general_exact(ch: &Chain, t: f64) -> Result<Exact, AnalyticError> {
    let dist = stationary(ch)?;
    let c = ch.c;
    let cf = c as f64;
    let cmu = cf * ch.mu;
    let theta = ch.theta;

    let mut p_block = 0.0;
    let mut p_immediate = 0.0;
    let mut p_wait = 0.0;
    let mut answered_after_wait = 0.0;
    let mut abandoned = 0.0;
    let mut asa_num = 0.0;
    let mut wait_all_num = 0.0;
    let mut mean_queue = 0.0;
    // Masses of waiting arrivals by number of callers ahead, from k0 on.
    let mut waiting: Vec<f64> = Vec::new();
    let mut k0: Option<u64> = None;

    // Harmonic sum H_{k} = Σ_{i=0}^{k} 1/(cμ + (i+1)θ), started below the
    // window if needed (only when θ > 0; the mode guard bounds the loop).
    let mut harmonic = 0.0;
    if theta > 0.0 && dist.lo > c {
        for i in 0..(dist.lo - c) {
            harmonic += 1.0 / (cmu + (i + 1) as f64 * theta);
        }
    }

    for (n, p) in dist.probs() {
        if n < c {
            p_immediate += p;
            continue;
        }
        let k = n - c;
        let kf = k as f64;
        mean_queue += p * kf;
        if Some(n) == ch.lines {
            p_block += p;
            continue;
        }
        p_wait += p;
        let nu = cmu + (kf + 1.0) * theta;
        let h = if theta > 0.0 {
            harmonic += 1.0 / nu;
            harmonic
        } else {
            (kf + 1.0) / cmu
        };
        let served = cmu / nu;
        answered_after_wait += p * served;
        abandoned += p * (kf + 1.0) * theta / nu;
        asa_num += p * served * h;
        wait_all_num += p * (kf + 1.0) / nu;
        if k0.is_none() {
            k0 = Some(k);
        }
        waiting.push(p);
    }

    let sl_wait = match k0 {
        Some(k0) => served_within(&waiting, k0, cmu, theta, t)?,
        None => 0.0,
    };
    // With unlimited lines nothing is blocked: use an exact 1 rather than a
    // sum that may round to 0.9999999999999999.
    let p_not_blocked = if ch.lines.is_some() {
        p_immediate + p_wait
    } else {
        1.0
    };
    let p_answered = p_immediate + answered_after_wait;
    let service_level = p_immediate + sl_wait;
    let occupancy = ch.lambda * p_answered / (ch.mu * cf);
    Ok(Exact {
        offered_load_erlangs: ch.lambda / ch.mu,
        p_block,
        p_wait,
        p_abandon: abandoned,
        p_answered,
        asa_s: asa_num / p_answered,
        mean_wait_all_s: wait_all_num / p_not_blocked,
        service_level,
        service_level_handled: service_level / p_not_blocked,
        service_level_answered: service_level / p_answered,
        occupancy,
        mean_queue,
        mean_busy_agents: occupancy * cf,
    })
}

/// A number of jumps beyond which a Poisson(x) variable lies with
/// probability below e^{-70} (Bernstein bound).
fn poisson_right(x: f64) -> f64 {
    (x + 15.0 * x.sqrt() + 50.0).ceil()
}

/// A number of jumps below which a Poisson(x) variable lies with probability
/// below e^{-100}.
fn poisson_left(x: f64) -> f64 {
    (x - 15.0 * x.sqrt() - 50.0).floor().max(0.0)
}

/// Normalised Poisson(x) probabilities on the window `lo..lo + len` where
/// they exceed `POISSON_CUT` times the probability at the mode. Computed by
/// ratios from the mode, so nothing underflows for large x.
fn poisson_window(x: f64) -> (u64, Vec<f64>) {
    let m = x.floor() as u64;
    let mut left: Vec<f64> = Vec::new();
    let mut u = 1.0;
    let mut j = m;
    while j > 0 {
        u *= j as f64 / x;
        if u < POISSON_CUT {
            break;
        }
        j -= 1;
        left.push(u);
    }
    let lo = j;
    let mut right: Vec<f64> = Vec::new();
    u = 1.0;
    j = m;
    loop {
        u *= x / (j + 1) as f64;
        if u < POISSON_CUT {
            break;
        }
        j += 1;
        right.push(u);
    }
    let total = left.iter().sum::<f64>() + 1.0 + right.iter().sum::<f64>();
    let mut w = Vec::with_capacity(left.len() + 1 + right.len());
    w.extend(left.iter().rev().map(|v| v / total));
    w.push(1.0 / total);
    w.extend(right.iter().map(|v| v / total));
    (lo, w)
}

/// Mass of waiting arrivals that is answered within `t` seconds.
///
/// `a[i]` is the probability that a call arrives with `k0 + i` callers ahead
/// of it. The tagged caller's number of callers ahead is a pure-death chain:
/// `k+1 → k` at rate `cμ + (k+1)θ`, `0 → answered` at rate `cμ`, and from
/// every state `→ abandoned` at rate θ. Uniformization with rate Λ at least
/// the largest total rate: P(answered by t) = Σ_j Poisson(Λt; j) · D_j, where
/// D_j is the mass absorbed in "answered" within j jumps of the embedded
/// chain.
fn served_within(a: &[f64], k0: u64, cmu: f64, theta: f64, t: f64) -> Result<f64, AnalyticError> {
    if a.is_empty() || t <= 0.0 {
        return Ok(0.0);
    }
    let top_full = k0 + a.len() as u64 - 1;
    // A caller with k ahead needs at least k + 1 jumps; states that cannot be
    // answered within the Poisson range are dropped (twice, since a smaller
    // top lowers Λ).
    let mut top = top_full;
    let mut lambda_u = cmu + (top as f64 + 1.0) * theta;
    for _ in 0..2 {
        let r = poisson_right(lambda_u * t);
        if k0 as f64 >= r {
            return Ok(0.0);
        }
        top = top.min(r as u64 - 1);
        lambda_u = cmu + (top as f64 + 1.0) * theta;
    }
    let x = lambda_u * t;
    let r_jumps = poisson_right(x);
    let l_jumps = poisson_left(x);
    if top >= 4 * MAX_STATES as u64 {
        // Only for absurd thresholds: the vector would not fit in memory.
        return Err(AnalyticError::TooLarge {
            what: "states of the uniformized queue-position chain",
            size: top as f64 + 1.0,
            limit: 4.0 * MAX_STATES as f64,
        });
    }
    let len = (top + 1) as usize;
    let mut v = vec![0.0; len];
    for (i, &m) in a.iter().enumerate() {
        let k = k0 + i as u64;
        if k > top {
            break;
        }
        v[k as usize] = m;
    }
    let initial: f64 = v.iter().sum();
    if initial == 0.0 {
        return Ok(0.0);
    }
    // move[k]: probability of the jump k+1 → k; stay[k]: of staying in k.
    let moves: Vec<f64> = (0..len)
        .map(|k| (cmu + (k as f64 + 1.0) * theta) / lambda_u)
        .collect();
    let stay: Vec<f64> = (0..len)
        .map(|k| (top - k as u64) as f64 * theta / lambda_u)
        .collect();
    let serve = cmu / lambda_u;

    // D_j for j >= l_start only (earlier weights are negligible).
    let l_start = l_jumps as u64;
    let mut d: Vec<f64> = Vec::new();
    let mut served = 0.0;
    let mut j: u64 = 0;
    let mut hi = len - 1;
    let mut work = 0.0;
    if l_start == 0 {
        d.push(0.0);
    }
    while (j as f64) < r_jumps {
        served += v[0] * serve;
        let mut remaining = 0.0;
        for k in 0..hi {
            let nv = v[k] * stay[k] + v[k + 1] * moves[k];
            v[k] = nv;
            remaining += nv;
        }
        v[hi] *= stay[hi];
        remaining += v[hi];
        while hi > 0 && v[hi] == 0.0 {
            hi -= 1;
        }
        j += 1;
        if j >= l_start {
            d.push(served);
        }
        work += (hi + 1) as f64;
        if remaining <= ABSORBED_REL * initial {
            break;
        }
        if work > MAX_WORK {
            return Err(AnalyticError::TooLarge {
                what: "uniformization steps for the service level",
                size: work,
                limit: MAX_WORK,
            });
        }
    }
    if j < l_start || d.is_empty() {
        // Absorbed long before the Poisson mass starts: everything that will
        // ever be answered is answered by t.
        return Ok(served);
    }
    let (w_lo, weights) = poisson_window(x);
    let last = d.len() - 1;
    let mut acc = 0.0;
    for (i, w) in weights.iter().enumerate() {
        let jj = w_lo + i as u64;
        if jj < l_start {
            continue;
        }
        let idx = ((jj - l_start) as usize).min(last);
        acc += w * d[idx];
    }
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr, $tol:expr) => {{
            let (a, b, tol) = ($a as f64, $b as f64, $tol as f64);
            assert!(
                close(a, b, tol),
                "{} = {a:.15e} vs {} = {b:.15e} (tol {tol:e})",
                stringify!($a),
                stringify!($b)
            );
        }};
    }

    fn queue(lambda: f64, mu: f64, c: u32, lines: Option<u32>, theta: f64) -> Queue {
        Queue {
            arrival_rate: lambda,
            service_rate: mu,
            agents: c,
            lines,
            abandon_rate: theta,
        }
    }

    /// Erlang B from its definition (A^c/c!) / Σ_k A^k/k!, summed naively.
    fn naive_b(c: u32, a: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 1.0;
        for k in 1..=c {
            term *= a / f64::from(k);
            sum += term;
        }
        term / sum
    }

    /// Erlang C from its definition, summed naively.
    fn naive_c(c: u32, a: f64) -> f64 {
        let cf = f64::from(c);
        let mut term = 1.0;
        let mut sum = 1.0;
        for k in 1..c {
            term *= a / f64::from(k);
            sum += term;
        }
        let top = term * a / cf * cf / (cf - a);
        top / (sum + top)
    }

    /// Cumulative distribution of an Erlang(n, rate) variable at t, by the
    /// Poisson sum (fine for small n and rate·t).
    fn erlang_cdf(n: u32, rate: f64, t: f64) -> f64 {
        let x = rate * t;
        let mut term = (-x).exp();
        let mut sum = 0.0;
        for j in 0..n {
            if j > 0 {
                term *= x / f64::from(j);
            }
            sum += term;
        }
        1.0 - sum
    }

    /// Independent brute-force solution for small systems: direct products
    /// from π_0, flow-balance/Little formulas, and a fourth-order Runge-Kutta
    /// integration of the tagged caller's forward equations for the service
    /// level and the mean wait of answered calls.
    struct Brute {
        p_block: f64,
        p_wait: f64,
        p_abandon: f64,
        p_answered: f64,
        asa: f64,
        mean_wait_all: f64,
        service_level: f64,
        mean_queue: f64,
        busy: f64,
    }

    fn brute(q: &Queue, t: f64, horizon: f64, h: f64) -> Brute {
        let lam = q.arrival_rate;
        let mu = q.service_rate;
        let th = q.abandon_rate;
        let c = match q.lines {
            Some(k) => q.agents.min(k),
            None => q.agents,
        } as usize;
        let death = |n: usize| n.min(c) as f64 * mu + n.saturating_sub(c) as f64 * th;
        // Finite K: all states; unlimited: stop once past c the terms are
        // decreasing and negligible.
        let mut pi = vec![1.0];
        let mut n = 0;
        loop {
            if let Some(k) = q.lines {
                if n == k as usize {
                    break;
                }
            } else if n > c + 5 && pi[n] < pi[n - 1] && pi[n] < 1e-22 * pi.iter().sum::<f64>() {
                break;
            }
            n += 1;
            let prev = pi[n - 1];
            pi.push(prev * lam / death(n));
        }
        let nmax = n;
        let z: f64 = pi.iter().sum();
        for p in &mut pi {
            *p /= z;
        }
        let p_block = if q.lines.is_some() { pi[nmax] } else { 0.0 };
        let waiting_top = if q.lines.is_some() { nmax - 1 } else { nmax };
        let p_wait: f64 = (c..=waiting_top).map(|n| pi[n]).sum();
        let mean_queue: f64 = (c..=nmax).map(|n| (n - c) as f64 * pi[n]).sum();
        let busy: f64 = (0..=nmax).map(|n| n.min(c) as f64 * pi[n]).sum();
        let p_abandon = th * mean_queue / lam;
        let p_answered = 1.0 - p_block - p_abandon;
        let mean_wait_all = mean_queue / (lam * (1.0 - p_block));
        let immediate: f64 = (0..c.min(nmax + 1)).map(|n| pi[n]).sum();

        // Tagged caller: y[k] = mass with k ahead, then S (answered), I (∫ s dS).
        let cmu = c as f64 * mu;
        let m = if waiting_top >= c {
            waiting_top - c + 1
        } else {
            0
        };
        let mut y = vec![0.0; m + 2];
        y[..m].copy_from_slice(&pi[c..c + m]);
        let deriv = |s: f64, y: &[f64], d: &mut [f64]| {
            for k in 0..m {
                let nu = cmu + (k as f64 + 1.0) * th;
                let inflow = if k + 1 < m { nu * y[k + 1] } else { 0.0 };
                d[k] = -nu * y[k] + inflow;
            }
            if m > 0 {
                d[m] = cmu * y[0];
                d[m + 1] = s * cmu * y[0];
            }
        };
        let len = m + 2;
        let (mut k1, mut k2, mut k3, mut k4, mut tmp) = (
            vec![0.0; len],
            vec![0.0; len],
            vec![0.0; len],
            vec![0.0; len],
            vec![0.0; len],
        );
        let mut rk4 = |s: f64, y: &mut [f64], h: f64| {
            deriv(s, y, &mut k1);
            for i in 0..len {
                tmp[i] = y[i] + 0.5 * h * k1[i];
            }
            deriv(s + 0.5 * h, &tmp, &mut k2);
            for i in 0..len {
                tmp[i] = y[i] + 0.5 * h * k2[i];
            }
            deriv(s + 0.5 * h, &tmp, &mut k3);
            for i in 0..len {
                tmp[i] = y[i] + h * k3[i];
            }
            deriv(s + h, &tmp, &mut k4);
            for i in 0..len {
                y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
            }
        };
        let steps_t = (t / h).round() as usize;
        let mut s = 0.0;
        for _ in 0..steps_t {
            rk4(s, &mut y, h);
            s += h;
        }
        let service_level = immediate + y[m];
        let steps_rest = ((horizon - t) / h).round() as usize;
        for _ in 0..steps_rest {
            rk4(s, &mut y, h);
            s += h;
        }
        let asa = y[m + 1] / p_answered;
        Brute {
            p_block,
            p_wait,
            p_abandon,
            p_answered,
            asa,
            mean_wait_all,
            service_level,
            mean_queue,
            busy,
        }
    }

    /// Σ π_n min(n, c) from the module's own stationary distribution.
    fn busy_from_distribution(q: &Queue) -> f64 {
        let ch = Chain::new(q);
        if ch.lines.is_none() && ch.theta == 0.0 {
            return q.offered_load_erlangs();
        }
        let d = stationary(&ch).expect("stationary distribution");
        d.probs().map(|(n, p)| n.min(ch.c) as f64 * p).sum()
    }

    fn check_consistency(q: &Queue, t: f64, e: &Exact) {
        let lam = q.arrival_rate;
        for (name, v) in [
            ("p_block", e.p_block),
            ("p_wait", e.p_wait),
            ("p_abandon", e.p_abandon),
            ("p_answered", e.p_answered),
            ("service_level", e.service_level),
            ("service_level_handled", e.service_level_handled),
            ("service_level_answered", e.service_level_answered),
            ("occupancy", e.occupancy),
        ] {
            assert!(
                (-1e-12..=1.0 + 1e-12).contains(&v),
                "{name} = {v} out of [0, 1] for {q:?}, t = {t}"
            );
        }
        assert!(e.asa_s >= 0.0 && e.mean_wait_all_s >= 0.0 && e.mean_queue >= 0.0);
        assert_close!(e.p_block + e.p_abandon + e.p_answered, 1.0, 1e-12);
        assert!(e.p_block + e.p_wait <= 1.0 + 1e-12);
        // Little's law for the queue.
        assert_close!(
            e.mean_queue,
            lam * (1.0 - e.p_block) * e.mean_wait_all_s,
            1e-10
        );
        // Abandonment flow balance θ·Lq = λ·p_abandon.
        assert_close!(q.abandon_rate * e.mean_queue, lam * e.p_abandon, 1e-10);
        // Busy agents two ways.
        assert_close!(e.mean_busy_agents, busy_from_distribution(q), 1e-10);
        assert_close!(
            e.occupancy,
            lam * (1.0 - e.p_block - e.p_abandon)
                / (q.service_rate * f64::from(q.effective_agents())),
            1e-12
        );
        // Service level between "answered at once" and "answered at all".
        let at_once = 1.0 - e.p_block - e.p_wait;
        assert!(e.service_level >= at_once - 1e-12, "{e:?}");
        assert!(e.service_level <= e.p_answered + 1e-12, "{e:?}");
        assert_close!(
            e.service_level_handled,
            e.service_level / (1.0 - e.p_block),
            1e-12
        );
        assert_close!(
            e.service_level_answered,
            e.service_level / e.p_answered,
            1e-12
        );
        // Without abandonment every non-blocked call is answered.
        if q.abandon_rate == 0.0 {
            assert_close!(e.asa_s, e.mean_wait_all_s, 1e-12);
        }
    }

    #[test]
    fn erlang_b_table_values() {
        assert_close!(erlang_b(1, 1.0), 0.5, 1e-15);
        assert_close!(erlang_b(10, 5.0), 0.018_384_570_336_648_13, 1e-13);
        assert_close!(erlang_b(100, 110.0), 0.136_114_838_911_917_45, 1e-12);
        assert_eq!(erlang_b(0, 3.0), 1.0);
        assert_eq!(erlang_b(5, 0.0), 0.0);
        assert_eq!(erlang_b(5, f64::INFINITY), 1.0);
        assert!(erlang_b(5, -1.0).is_nan());
        assert!(erlang_b(5, f64::NAN).is_nan());
        for c in [1_u32, 2, 3, 7, 15, 30] {
            for a in [0.1, 0.9, 2.5, 10.0, 24.0] {
                // Textbook inverse recursion 1/B(n) = 1 + n/A · 1/B(n−1).
                let mut inv = 1.0;
                for n in 1..=c {
                    inv = 1.0 + f64::from(n) / a * inv;
                }
                assert_close!(erlang_b(c, a), 1.0 / inv, 1e-13);
                assert_close!(erlang_b(c, a), naive_b(c, a), 1e-13);
            }
        }
    }

    #[test]
    fn erlang_b_large_is_finite() {
        let b = erlang_b(2000, 2000.0);
        assert!(b > 0.0 && b < 1.0);
        // B(c, c) ~ sqrt(2 / (π c)) for large c.
        assert_close!(b, (2.0 / (std::f64::consts::PI * 2000.0)).sqrt(), 0.02);
        assert!(erlang_b(2000, 1.0e-3) >= 0.0);
        assert!(erlang_b(2000, 5000.0) < 1.0);
    }

    #[test]
    fn erlang_c_values() {
        assert_close!(erlang_c(2, 1.0), 1.0 / 3.0, 1e-15);
        // Classic example: 10 agents, 8 Erlangs → about 0.409.
        assert_close!(erlang_c(10, 8.0), 0.409_180_150_796_443_54, 1e-13);
        assert_close!(erlang_c(1, 0.3), 0.3, 1e-15);
        assert_eq!(erlang_c(3, 3.0), 1.0);
        assert_eq!(erlang_c(3, 7.5), 1.0);
        assert_eq!(erlang_c(0, 0.5), 1.0);
        assert!(erlang_c(3, -0.5).is_nan());
        for c in [1_u32, 2, 5, 12, 40] {
            for frac in [0.05, 0.5, 0.9, 0.99] {
                let a = frac * f64::from(c);
                assert_close!(erlang_c(c, a), naive_c(c, a), 1e-12);
            }
        }
        let big = erlang_c(2000, 1999.0);
        assert!(big > 0.0 && big < 1.0, "{big}");
    }

    #[test]
    fn mm1_closed_forms() {
        let (lam, mu) = (0.6, 1.0);
        let q = queue(lam, mu, 1, None, 0.0);
        let t = 2.0;
        let e = evaluate(&q, t).expect("M/M/1");
        let rho = lam / mu;
        assert_close!(e.p_wait, rho, 1e-14);
        assert_close!(e.asa_s, rho / (mu - lam), 1e-14);
        assert_close!(e.mean_queue, rho * rho / (1.0 - rho), 1e-14);
        assert_close!(e.service_level, 1.0 - rho * (-(mu - lam) * t).exp(), 1e-14);
        assert_close!(e.occupancy, rho, 1e-14);
        assert_eq!(e.p_block, 0.0);
        assert_eq!(e.p_abandon, 0.0);
        check_consistency(&q, t, &e);
    }

    #[test]
    fn mm1k_closed_forms() {
        let mu = 1.0;
        let k = 5_u32;
        for lam in [0.8, 1.0, 1.3] {
            let q = queue(lam, mu, 1, Some(k), 0.0);
            let t = 1.7;
            let e = evaluate(&q, t).expect("M/M/1/K");
            let rho: f64 = lam / mu;
            let pi: Vec<f64> = (0..=k)
                .map(|n| {
                    if (rho - 1.0).abs() < 1e-15 {
                        1.0 / f64::from(k + 1)
                    } else {
                        rho.powi(n as i32) * (1.0 - rho) / (1.0 - rho.powi(k as i32 + 1))
                    }
                })
                .collect();
            let pk = pi[k as usize];
            let lq: f64 = (1..=k).map(|n| f64::from(n - 1) * pi[n as usize]).sum();
            let mean_wait = lq / (lam * (1.0 - pk));
            // An arrival finding n in system needs n completions at rate μ.
            let sl = pi[0]
                + (1..k)
                    .map(|n| pi[n as usize] * erlang_cdf(n, mu, t))
                    .sum::<f64>();
            assert_close!(e.p_block, pk, 1e-14);
            assert_close!(e.p_wait, 1.0 - pi[0] - pk, 1e-14);
            assert_close!(e.mean_queue, lq, 1e-14);
            assert_close!(e.asa_s, mean_wait, 1e-13);
            assert_close!(e.mean_wait_all_s, mean_wait, 1e-13);
            assert_close!(e.service_level, sl, 1e-13);
            assert_close!(e.occupancy, 1.0 - pi[0], 1e-14);
            assert_close!(e.p_answered, 1.0 - pk, 1e-14);
            check_consistency(&q, t, &e);
        }
    }

    #[test]
    fn small_systems_match_brute_force() {
        let cases = [
            queue(3.0, 1.0, 2, None, 0.5),
            queue(1.5, 1.0, 3, None, 0.2),
            queue(5.0, 1.0, 4, Some(9), 0.7),
            queue(4.0, 1.0, 5, Some(12), 0.0),
            queue(2.0, 1.5, 1, Some(3), 1.0),
            queue(2.0, 0.7, 5, None, 0.05),
            queue(2.0, 1.0, 4, Some(2), 0.3),
            queue(0.4, 1.0, 1, None, 2.0),
        ];
        let t = 0.8;
        for q in cases {
            let e = evaluate(&q, t).expect("small system");
            let b = brute(&q, t, 30.0, 2e-3);
            let tol = 1e-9;
            assert_close!(e.p_block, b.p_block, tol);
            assert_close!(e.p_wait, b.p_wait, tol);
            assert_close!(e.p_abandon, b.p_abandon, tol);
            assert_close!(e.p_answered, b.p_answered, tol);
            assert_close!(e.mean_queue, b.mean_queue, tol);
            assert_close!(e.mean_wait_all_s, b.mean_wait_all, tol);
            assert_close!(e.mean_busy_agents, b.busy, tol);
            assert_close!(e.service_level, b.service_level, tol);
            assert_close!(e.asa_s, b.asa, tol);
            check_consistency(&q, t, &e);
        }
    }

    #[test]
    fn consistency_over_a_grid() {
        let mu = 1.0 / 300.0;
        for c in [1_u32, 3, 10, 50] {
            for load_per_agent in [0.3, 0.9, 1.0, 1.4] {
                let lam = load_per_agent * f64::from(c) * mu;
                for theta in [0.0, mu / 10.0, mu, 1.0 / 30.0] {
                    for lines in [None, Some(c), Some(c + 3), Some(2 * c + 5), Some(c / 2 + 1)] {
                        let q = queue(lam, mu, c, lines, theta);
                        let mut last_sl = -1.0;
                        for t in [0.0, 10.0, 60.0, 600.0] {
                            match evaluate(&q, t) {
                                Ok(e) => {
                                    check_consistency(&q, t, &e);
                                    assert!(e.service_level >= last_sl - 1e-13);
                                    last_sl = e.service_level;
                                    if t == 0.0 {
                                        assert_close!(
                                            e.service_level,
                                            1.0 - e.p_block - e.p_wait,
                                            1e-13
                                        );
                                    }
                                }
                                Err(AnalyticError::Unstable { .. }) => {
                                    assert!(lines.is_none() && theta == 0.0);
                                    assert!(load_per_agent >= 1.0);
                                }
                                Err(err) => panic!("{q:?}: {err}"),
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn tiny_abandonment_approaches_erlang_c() {
        let mu = 1.0 / 300.0;
        let q = queue(8.0 * mu, mu, 10, None, 0.0);
        let c = evaluate(&q, 20.0).expect("Erlang C");
        assert_close!(c.p_wait, erlang_c(10, 8.0), 1e-14);
        let a = evaluate(
            &Queue {
                abandon_rate: 1e-12,
                ..q
            },
            20.0,
        )
        .expect("Erlang A");
        for (x, y) in [
            (a.p_wait, c.p_wait),
            (a.asa_s, c.asa_s),
            (a.mean_wait_all_s, c.mean_wait_all_s),
            (a.service_level, c.service_level),
            (a.mean_queue, c.mean_queue),
            (a.occupancy, c.occupancy),
            (a.p_answered, c.p_answered),
        ] {
            assert_close!(x, y, 1e-8);
        }
        assert!(a.p_abandon < 1e-8);
    }

    #[test]
    fn huge_line_count_matches_erlang_c() {
        // Finite-K path (distribution + uniformization) against the closed
        // form, also with a long threshold (Poisson mean 1000 jumps).
        let mu = 1.0 / 300.0;
        for (c, load, t) in [(10_u32, 8.0, 20.0), (100, 95.0, 3000.0), (100, 99.5, 60.0)] {
            let q = queue(load * mu, mu, c, None, 0.0);
            let exact = evaluate(&q, t).expect("Erlang C");
            let big = evaluate(
                &Queue {
                    lines: Some(1_000_000),
                    ..q
                },
                t,
            )
            .expect("M/M/c/K");
            assert_close!(big.p_wait, exact.p_wait, 1e-12);
            assert_close!(big.asa_s, exact.asa_s, 1e-11);
            assert_close!(big.mean_queue, exact.mean_queue, 1e-11);
            assert_close!(big.service_level, exact.service_level, 1e-12);
            assert!(big.p_block < 1e-15);
        }
    }

    #[test]
    fn lines_equal_agents_is_erlang_b() {
        let mu = 1.0 / 180.0;
        for theta in [0.0, 0.01] {
            for (c, load) in [(1_u32, 1.0), (10, 5.0), (30, 45.0), (2000, 2100.0)] {
                let q = queue(load * mu, mu, c, Some(c), theta);
                let e = evaluate(&q, 15.0).expect("Erlang B");
                let b = erlang_b(c, load);
                assert_close!(e.p_block, b, 1e-12);
                assert_eq!(e.p_wait, 0.0);
                assert_eq!(e.asa_s, 0.0);
                assert_eq!(e.p_abandon, 0.0);
                assert_close!(e.service_level, 1.0 - b, 1e-12);
                assert_close!(e.occupancy, load * (1.0 - b) / f64::from(c), 1e-12);
                check_consistency(&q, 15.0, &e);
            }
        }
        // Fewer lines than agents: only K agents can be busy.
        let q = queue(5.0 * mu, mu, 10, Some(4), 0.0);
        let e = evaluate(&q, 15.0).expect("K < c");
        let f = evaluate(&Queue { agents: 4, ..q }, 15.0).expect("K = c");
        assert_eq!(e, f);
        assert_close!(e.p_block, erlang_b(4, 5.0), 1e-13);
    }

    #[test]
    fn large_systems_are_stable_and_fast() {
        let mu = 1.0 / 300.0;
        let e = evaluate(&queue(1999.0 * mu, mu, 2000, None, 0.0), 20.0).expect("C");
        assert!(e.p_wait > 0.0 && e.p_wait < 1.0 && e.service_level.is_finite());
        assert!(e.asa_s.is_finite() && e.asa_s > 0.0);

        let start = std::time::Instant::now();
        let q = queue(2400.0 * mu, mu, 2000, None, 1.0 / 180.0);
        let e = evaluate(&q, 60.0).expect("A");
        let elapsed = start.elapsed();
        check_consistency(&q, 60.0, &e);
        assert!(e.p_abandon > 0.1 && e.p_abandon < 0.25, "{e:?}");
        assert!(e.occupancy > 0.99);
        // Debug builds are much slower than release (where it is ~1 ms).
        assert!(elapsed.as_secs_f64() < 1.0, "took {elapsed:?}");

        for q in [
            queue(2400.0 * mu, mu, 2000, Some(2100), 0.0),
            queue(2400.0 * mu, mu, 2000, Some(2300), 1.0 / 180.0),
            queue(1900.0 * mu, mu, 2000, Some(2500), 0.0),
            queue(3000.0 * mu, mu, 2000, None, 1.0 / 30.0),
            queue(1.0e-6 * mu, mu, 2000, None, 1.0 / 180.0),
        ] {
            let e = evaluate(&q, 60.0).expect("large");
            check_consistency(&q, 60.0, &e);
        }
    }

    #[test]
    fn enormous_line_count_does_not_hang() {
        // Overloaded M/M/c/K with K = u32::MAX: the system sits near K.
        let q = queue(2.0, 1.0, 1, Some(u32::MAX), 0.0);
        let e = evaluate(&q, 30.0).expect("huge K");
        assert_close!(e.p_block, 0.5, 1e-12);
        assert_close!(e.p_answered, 0.5, 1e-12);
        assert!(e.service_level < 1e-12);
        assert!(e.asa_s > 1e9);
        // Stable with huge K: same as Erlang C.
        let q = queue(0.5, 1.0, 1, Some(u32::MAX), 0.0);
        let e = evaluate(&q, 3.0).expect("huge K");
        assert_close!(e.service_level, 1.0 - 0.5 * (-0.5_f64 * 3.0).exp(), 1e-12);
    }

    #[test]
    fn long_threshold_reaches_answered_share() {
        let mu = 1.0 / 300.0;
        let q = queue(120.0 * mu, mu, 100, None, 1.0 / 180.0);
        let e = evaluate(&q, 1.0e6).expect("long t");
        assert_close!(e.service_level, e.p_answered, 1e-13);
        let e = evaluate(&q, 1.0e12).expect("absurd t");
        assert_close!(e.service_level, e.p_answered, 1e-13);
    }

    #[test]
    fn staffing_search() {
        let mu = 1.0 / 300.0;
        let lam = 22.0 / 60.0;
        for theta in [0.0, 1.0 / 180.0] {
            let q = queue(lam, mu, 1, None, theta);
            let n = agents_for_service_level(&q, 20.0, 0.8, 2000)
                .expect("search")
                .expect("enough agents");
            let at = |c: u32| evaluate(&Queue { agents: c, ..q }, 20.0);
            assert!(at(n).expect("meets").service_level >= 0.8);
            match at(n - 1) {
                Ok(e) => assert!(e.service_level < 0.8),
                Err(err) => assert!(matches!(err, AnalyticError::Unstable { .. })),
            }
            if theta == 0.0 {
                assert_eq!(n, 119, "Erlang C staffing for 110 Erlangs, 80/20");
            }
            // Not enough room.
            assert_eq!(agents_for_service_level(&q, 20.0, 0.8, n - 1), Ok(None));
            assert_eq!(agents_for_service_level(&q, 20.0, 0.8, n), Ok(Some(n)));
        }
        // Erlang C: a target of 0 gives the smallest stable staffing.
        let q = queue(lam, mu, 1, None, 0.0);
        assert_eq!(agents_for_service_level(&q, 20.0, 0.0, 500), Ok(Some(111)));
        assert_eq!(agents_for_service_level(&q, 20.0, 0.5, 110), Ok(None));
        // Finite lines cap what can be reached.
        let q = queue(lam, mu, 1, Some(100), 0.0);
        assert_eq!(agents_for_service_level(&q, 20.0, 0.99, 2000), Ok(None));
        let n = agents_for_service_level(&q, 20.0, 0.5, 2000)
            .expect("search")
            .expect("reachable");
        let sl = |c: u32| {
            evaluate(&Queue { agents: c, ..q }, 20.0)
                .expect("eval")
                .service_level
        };
        assert!(sl(n) >= 0.5 && sl(n - 1) < 0.5);
        // Parameter errors.
        assert!(agents_for_service_level(&q, 20.0, 1.5, 10).is_err());
        assert!(agents_for_service_level(&q, 20.0, 0.5, 0).is_err());
        assert!(agents_for_service_level(&q, -1.0, 0.5, 10).is_err());
    }

    #[test]
    fn invalid_parameters_are_rejected() {
        let good = queue(1.0, 0.5, 3, None, 0.1);
        assert!(evaluate(&good, 10.0).is_ok());
        let bad = [
            Queue {
                arrival_rate: 0.0,
                ..good
            },
            Queue {
                arrival_rate: -1.0,
                ..good
            },
            Queue {
                arrival_rate: f64::NAN,
                ..good
            },
            Queue {
                arrival_rate: f64::INFINITY,
                ..good
            },
            Queue {
                service_rate: 0.0,
                ..good
            },
            Queue {
                service_rate: f64::NAN,
                ..good
            },
            Queue { agents: 0, ..good },
            Queue {
                lines: Some(0),
                ..good
            },
            Queue {
                abandon_rate: -0.1,
                ..good
            },
            Queue {
                abandon_rate: f64::INFINITY,
                ..good
            },
            Queue {
                arrival_rate: 1e300,
                service_rate: 1e-300,
                ..good
            },
        ];
        for q in bad {
            let err = evaluate(&q, 10.0).expect_err("must be rejected");
            assert!(
                matches!(err, AnalyticError::InvalidParameter { .. }),
                "{q:?}: {err}"
            );
            assert!(!err.to_string().is_empty());
        }
        for t in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                evaluate(&good, t),
                Err(AnalyticError::InvalidParameter {
                    name: "answer_within_s",
                    ..
                })
            ));
        }
        let unstable = queue(3.0, 1.0, 3, None, 0.0);
        let err = evaluate(&unstable, 10.0).expect_err("unstable");
        assert_eq!(
            err,
            AnalyticError::Unstable {
                load: 3.0,
                agents: 3
            }
        );
        assert!(err.to_string().contains("steady state"));
        // Abandonment so rare that the queue would hold ~1e12 callers.
        let err = evaluate(&queue(2.0, 1.0, 1, None, 1e-12), 10.0).expect_err("too large");
        assert!(matches!(err, AnalyticError::TooLarge { .. }), "{err}");
        assert!(err.to_string().contains("too large"));
    }

    /// The canonical case used across the project: 100 agents, 22 calls per
    /// minute, 5 min handle time (110 Erlangs), 3 min mean patience, 20 s
    /// service-level threshold.
    ///
    /// The references were computed independently with 400-digit arithmetic
    /// (direct products for π, closed-form hypoexponential distribution of
    /// the wait for the service level):
    ///
    /// ```text
    ///                      unlimited lines        110 lines
    /// p_block              0                      0.056577689048812441
    /// p_wait               0.76137805209418872    0.61382278680848807
    /// p_abandon            0.10339580110027782    0.051578825130611981
    /// p_answered           0.89660419889972218    0.89184348582057558
    /// asa_s                18.647428837020165     9.7784227044834535
    /// mean_wait_all_s      18.611244198050007     9.8409677360179775
    /// service_level        0.52900251261281601    0.71877540880784117
    /// occupancy            0.98626461878969440    0.98102783440263314
    /// mean_queue           6.8241228726183359     3.4042024586203907
    /// ```
    #[test]
    fn canonical_case() {
        let q = queue(22.0 / 60.0, 1.0 / 300.0, 100, None, 1.0 / 180.0);
        let q110 = Queue {
            lines: Some(110),
            ..q
        };
        let references = [
            (
                q,
                [
                    0.0,
                    0.761_378_052_094_188_7,
                    0.103_395_801_100_277_82,
                    0.896_604_198_899_722_2,
                    18.647_428_837_020_165,
                    18.611_244_198_050_006,
                    0.529_002_512_612_816_1,
                    0.986_264_618_789_694_4,
                    6.824_122_872_618_336,
                ],
            ),
            (
                q110,
                [
                    0.056_577_689_048_812_44,
                    0.613_822_786_808_488_1,
                    0.051_578_825_130_611_98,
                    0.891_843_485_820_575_6,
                    9.778_422_704_483_454,
                    9.840_967_736_017_978,
                    0.718_775_408_807_841_2,
                    0.981_027_834_402_633_2,
                    3.404_202_458_620_390_7,
                ],
            ),
        ];
        for (q, r) in references {
            let e = evaluate(&q, 20.0).expect("canonical");
            println!("{:?} lines: {e:#?}", q.lines);
            check_consistency(&q, 20.0, &e);
            assert_close!(e.offered_load_erlangs, 110.0, 1e-14);
            let got = [
                e.p_block,
                e.p_wait,
                e.p_abandon,
                e.p_answered,
                e.asa_s,
                e.mean_wait_all_s,
                e.service_level,
                e.occupancy,
                e.mean_queue,
            ];
            for (g, want) in got.into_iter().zip(r) {
                assert_close!(g, want, 1e-12);
            }
            assert_close!(e.mean_busy_agents, 100.0 * e.occupancy, 1e-14);
        }
    }

    #[test]
    fn service_level_increases_with_agents() {
        let mu = 1.0 / 300.0;
        for lines in [None, Some(110)] {
            let q = queue(22.0 / 60.0, mu, 1, lines, 1.0 / 180.0);
            let mut last = -1.0;
            for c in (1..=140).step_by(3) {
                let e = evaluate(&Queue { agents: c, ..q }, 20.0).expect("eval");
                assert!(e.service_level >= last - 1e-15, "c = {c}: {e:?}");
                last = e.service_level;
            }
        }
    }
}
