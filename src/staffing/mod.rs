//! Staffing advice for one channel: how many agents each step of the
//! horizon needs to meet a target, by two methods, each checked by the
//! same simulation.
//!
//! - **ISA**, the iterative staffing algorithm (Feldman, Mandelbaum,
//!   Massey & Whitt, "Staffing of time-varying queues to achieve
//!   time-stable performance", Management Science 54(2), 2008): start
//!   from ample staffing, simulate, set each step's staffing to the
//!   smallest `s` with P(number in system ≥ s) ≤ α, and repeat with the
//!   new staffing, on the same replications (common random numbers),
//!   until no step changes by more than one agent. The probability is
//!   taken over the replications and the sample times in the step (the
//!   ends of the model's sub-intervals), so it is the step's time-average
//!   P(N ≥ s): by PASTA, the share of the step's arrivals that would find
//!   all `s` agents busy (with a limit of K lines, the times with every
//!   line taken count as blocking, not waiting, and `s` is at most K; a
//!   desk gets at most its counters).
//!   Targets `service_level` and `abandon` use the
//!   modified-offered-load rule instead (Jennings, Mandelbaum, Massey &
//!   Whitt 1996): the ample run's mean number in system is the step's
//!   offered load, which lags the arrivals and includes redials and
//!   returns; the step gets the fewest agents that meet the target in a
//!   stationary Erlang A (Erlang C without patience) queue with that
//!   load.
//! - **SIPP**, stationary independent period by period: each step gets the
//!   fewest agents that meet the target in a stationary Erlang A queue at
//!   the step's mean arrival rate (what a staffing spreadsheet does).
//!
//! When a step needs fewer agents than the one before while all are busy,
//! the surplus agents finish the contact in hand and then go off duty
//! (nobody is cut off).
//!
//! [`isolate`] builds the model the methods simulate.

pub mod isolate;
pub mod people;
mod stationary;

use rayon::prelude::*;

use crate::engine::{RepOutcome, simulate};
use crate::kpi::live_service_level;
use crate::model::{DAY_S, Model, staff_on_duty};
use crate::stats::Stat;

pub use isolate::{isolate, table};
pub use stationary::fewest_agents;

/// What the staffing must reach in every step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Probability that an arriving contact has to wait, at most α.
    PWait(f64),
    /// Share answered within the channel's threshold, at least X.
    ServiceLevel(f64),
    /// Share of offered contacts who abandon, at most p.
    Abandon(f64),
}

/// A share above 0 and below 1, written `0.2` or `20%`; `valid` says what
/// the whole flag may be.
pub fn parse_share(value: &str, valid: &str) -> Result<f64, String> {
    let v: f64 = match value.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0),
        None => value.parse::<f64>(),
    }
    .map_err(|_| format!("`{value}` is not a number; give {valid}"))?;
    if !(v > 0.0 && v < 1.0) {
        return Err(format!(
            "the target must be a share above 0 and below 1 (got {v})"
        ));
    }
    Ok(v)
}

impl Target {
    /// Parses `p_wait=0.2`, `service_level=0.8` (or `80%`), `abandon=0.05`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let valid = "p_wait=ALPHA, service_level=SHARE or abandon=SHARE (e.g. p_wait=0.2, service_level=80%)";
        let (key, value) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not METRIC=VALUE; give {valid}"))?;
        let key = key.trim();
        if !matches!(key, "p_wait" | "service_level" | "abandon") {
            return Err(format!("unknown target metric `{key}`; give {valid}"));
        }
        let v = parse_share(value.trim(), valid)?;
        match key {
            "p_wait" => Ok(Target::PWait(v)),
            "service_level" => Ok(Target::ServiceLevel(v)),
            "abandon" => Ok(Target::Abandon(v)),
            other => Err(format!("unknown target metric `{other}`; give {valid}")),
        }
    }

    /// The metric's name as in `staffing.csv`.
    pub fn key(&self) -> &'static str {
        match self {
            Target::PWait(_) => "p_wait",
            Target::ServiceLevel(_) => "service_level",
            Target::Abandon(_) => "abandon_share",
        }
    }

    /// The target value.
    pub fn value(&self) -> f64 {
        match self {
            Target::PWait(v) | Target::ServiceLevel(v) | Target::Abandon(v) => *v,
        }
    }

    /// Whether `x` meets the target.
    pub fn met_by(&self, x: f64) -> bool {
        match self {
            Target::PWait(v) | Target::Abandon(v) => x <= *v,
            Target::ServiceLevel(v) => x >= *v,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::PWait(v) => write!(f, "probability of waiting at most {:.1} %", v * 100.0),
            Target::ServiceLevel(v) => write!(f, "service level at least {:.1} %", v * 100.0),
            Target::Abandon(v) => write!(f, "abandonment at most {:.1} %", v * 100.0),
        }
    }
}

/// A staffing method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The iterative staffing algorithm (by simulation).
    Isa,
    /// Stationary independent period by period (Erlang per step).
    Sipp,
}

impl Method {
    /// Its name in outputs.
    pub fn key(&self) -> &'static str {
        match self {
            Method::Isa => "isa",
            Method::Sipp => "sipp",
        }
    }
}

/// What to advise.
#[derive(Debug, Clone)]
pub struct Options {
    /// Channel index.
    pub channel: usize,
    /// The target every step must meet.
    pub target: Target,
    /// Staffing step, seconds (divides the day, from 5 minutes).
    pub step_s: f64,
    /// Replications per ISA iteration, and for each final evaluation.
    pub replications: u32,
    /// At most this many ISA iterations.
    pub max_iterations: u32,
    /// The methods, in order.
    pub methods: Vec<Method>,
    /// Show progress on standard error.
    pub progress: bool,
}

/// One ISA iteration.
#[derive(Debug, Clone)]
pub struct Iteration {
    /// 1 for the run with ample staffing.
    pub number: u32,
    /// Largest change of any step's staffing it caused, agents.
    pub max_change: u32,
    /// Agent-hours of the staffing it produced.
    pub agent_hours: f64,
}

/// The achieved performance of a staffing, per step and overall, across
/// fresh replications.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Per step: probability of waiting, service level, abandonment share,
    /// occupancy of the dedicated agents (each across replications).
    pub p_wait: Vec<Stat>,
    pub service_level: Vec<Stat>,
    pub abandon_share: Vec<Stat>,
    pub occupancy: Vec<Stat>,
    /// Per step: share of offered contacts blocked (every line taken).
    pub blocked_share: Vec<Stat>,
    /// Per step: the pooled probability of waiting (waited ÷ offered, all
    /// replications together) and the contacts offered in all.
    pub p_wait_pooled: Vec<f64>,
    pub offered_total: Vec<f64>,
    /// Per day: the same four over the day's steps.
    pub daily: [Vec<Stat>; 4],
    /// Over the measured period: the same four.
    pub overall: [Stat; 4],
}

/// One method's advice.
#[derive(Debug, Clone)]
pub struct Plan {
    pub method: Method,
    /// Agents per step.
    pub required: Vec<u32>,
    /// ISA's iterations (empty for SIPP).
    pub iterations: Vec<Iteration>,
    /// Whether ISA stopped because no step changed by more than one agent
    /// (always true for SIPP).
    pub converged: bool,
    /// The staffing's performance in the final evaluation.
    pub eval: Evaluation,
}

/// The advice for one channel.
#[derive(Debug, Clone)]
pub struct Advice {
    pub channel: usize,
    pub target: Target,
    pub step_s: f64,
    /// Sample interval of the simulations, seconds.
    pub sample_s: f64,
    pub replications: u32,
    /// Per step: staff on duty in the scenario's pools that serve the
    /// channel (time-average, as rostered, before absence and actions).
    pub scheduled: Vec<f64>,
    /// Per step: expected contacts offered while open (first attempts).
    pub expected_offered: Vec<f64>,
    /// Per step: mean number in system with ample staffing (the offered
    /// load in agents, redials and returns included), when ISA ran.
    pub offered_load: Vec<f64>,
    pub plans: Vec<Plan>,
}

impl Advice {
    /// Number of steps.
    pub fn n_steps(&self) -> usize {
        self.scheduled.len()
    }
}

/// First replication number of the final evaluations: far from the
/// iterations' `0..R`, so they are fresh.
const EVAL_BASE: u64 = 1 << 40;

/// Checks a staffing step against the model: 5 minutes to a day, dividing
/// the day.
pub fn check_step(step_s: f64) -> Result<(), String> {
    if !(300.0..=DAY_S).contains(&step_s) || (DAY_S / step_s).fract().abs() > 1e-9 {
        return Err(format!(
            "the step must divide the day and be from 5 minutes to a day (got {})",
            crate::units::Duration::from_secs(step_s)
        ));
    }
    Ok(())
}

/// Sample interval for a step: one-minute samples, from 2 up to 12 per
/// step (an hourly step is sampled every 5 minutes).
fn sample_for(step_s: f64) -> f64 {
    let k = (step_s / 60.0).round().clamp(2.0, 12.0);
    step_s / k
}

/// The advice for `opts.channel` of `model`.
pub fn advise(model: &Model, opts: &Options) -> Result<Advice, String> {
    check_step(opts.step_s)?;
    let c = opts.channel;
    let ch = &model.channels[c];
    let n_steps = (model.horizon_s / opts.step_s).ceil() as usize;
    let sample_s = sample_for(opts.step_s);
    let expected = expected_offered(model, c, opts.step_s, n_steps);
    let open_s = open_time(model, c, opts.step_s, n_steps);
    let scheduled = scheduled(model, c, opts.step_s, n_steps);
    let mean_handle = ch.mean_handle_s.max(1e-9);
    let patience = ch.patience.as_ref().map(|d| d.mean());
    let erlang = |lambda: f64| -> u32 {
        fewest_agents(
            lambda,
            mean_handle,
            patience,
            ch.lines,
            ch.answer_within_s,
            opts.target,
        )
    };
    let mut plans = Vec::new();
    let mut offered_load = Vec::new();
    for &method in &opts.methods {
        let (required, iterations, converged) = match method {
            Method::Sipp => {
                let mut cache = std::collections::HashMap::new();
                let required = (0..n_steps)
                    .map(|j| {
                        if open_s[j] <= 0.0 || expected[j] <= 0.0 {
                            return 0;
                        }
                        let lambda = expected[j] / open_s[j];
                        (*cache
                            .entry(lambda.to_bits())
                            .or_insert_with(|| erlang(lambda)))
                        .min(ch.counters.unwrap_or(u32::MAX))
                    })
                    .collect();
                (required, Vec::new(), true)
            }
            Method::Isa => {
                let (required, iterations, converged, load) = isa(
                    model,
                    opts,
                    sample_s,
                    n_steps,
                    &expected,
                    &erlang,
                    mean_handle,
                );
                offered_load = load;
                (required, iterations, converged)
            }
        };
        if opts.progress {
            eprintln!(
                "{}: evaluating the staffing on fresh replications",
                method.key()
            );
        }
        let eval = evaluate(model, opts, sample_s, &required, n_steps);
        plans.push(Plan {
            method,
            required,
            iterations,
            converged,
            eval,
        });
    }
    Ok(Advice {
        channel: c,
        target: opts.target,
        step_s: opts.step_s,
        sample_s,
        replications: opts.replications,
        scheduled,
        expected_offered: expected,
        offered_load,
        plans,
    })
}

/// Number in system at every sample time of every replication in `reps`,
/// `[rep][sample]`.
fn in_system(model: &Model, reps: std::ops::Range<u64>, progress: bool) -> Vec<Vec<u32>> {
    let bar = crate::runner::progress_bar(reps.end - reps.start, progress);
    let out = reps
        .into_par_iter()
        .map(|r| {
            let o = simulate(model, r);
            bar.inc(1);
            o.channel_intervals
                .iter()
                .map(|iv| (iv.backlog_end + iv.in_service_end).round().max(0.0) as u32)
                .collect()
        })
        .collect();
    bar.finish_and_clear();
    out
}

/// The smallest `s` with at most a share `alpha` of `values` at or above
/// `s`.
pub fn quantile_rule(values: &mut [u32], alpha: f64) -> u32 {
    let n = values.len();
    if n == 0 {
        return 0;
    }
    values.sort_unstable();
    // At most `allowed` values may be >= s.
    let allowed = ((alpha * n as f64) + 1e-9).floor() as usize;
    if allowed >= n {
        return 0;
    }
    values[n - 1 - allowed] + 1
}

#[allow(clippy::type_complexity)]
fn isa(
    model: &Model,
    opts: &Options,
    sample_s: f64,
    n_steps: usize,
    expected: &[f64],
    erlang: &(dyn Fn(f64) -> u32 + Sync),
    mean_handle: f64,
) -> (Vec<u32>, Vec<Iteration>, bool, Vec<f64>) {
    let c = opts.channel;
    let lines = model.channels[c].lines;
    let k = (opts.step_s / sample_s).round() as usize;
    // Ample: far above the largest stationary load.
    let peak = expected
        .iter()
        .map(|e| e / opts.step_s * mean_handle)
        .fold(0.0f64, f64::max);
    let ample = (3.0 * peak + 10.0 * peak.sqrt() + 20.0).ceil() as u32;
    let mut staffing = vec![ample; n_steps];
    let mut iterations = Vec::new();
    let mut load = Vec::new();
    let reps = 0..u64::from(opts.replications);
    for number in 1..=opts.max_iterations.max(1) {
        if opts.progress {
            eprintln!("isa: iteration {number}");
        }
        let m = isolate(model, c, opts.step_s, sample_s, &staffing);
        let samples = in_system(&m, reps.clone(), opts.progress);
        let pairs: Vec<(u32, f64)> = (0..n_steps)
            .into_par_iter()
            .map(|j| {
                let from = j * k;
                let to = ((j + 1) * k).min(m.n_intervals);
                // The step's time-average by the trapezoid rule: its start
                // (the previous sample; empty at time 0) and end once, the
                // samples between twice.
                let mut v: Vec<u32> = Vec::with_capacity(samples.len() * 2 * (to - from + 1));
                for s in &samples {
                    v.push(if from == 0 { 0 } else { s[from - 1] });
                    for &x in &s[from..to.saturating_sub(1)] {
                        v.extend([x, x]);
                    }
                    if to > from {
                        v.push(s[to - 1]);
                    }
                }
                let busy = v.iter().any(|&x| x > 0);
                if !busy && expected[j] <= 0.0 {
                    return (0, 0.0);
                }
                let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len().max(1) as f64;
                let s = match opts.target {
                    Target::PWait(alpha) => match lines {
                        // With every line taken a caller is blocked, not
                        // kept waiting: those times count in the
                        // probability's denominator only, and more agents
                        // than lines serve no one.
                        Some(k) => {
                            for x in v.iter_mut() {
                                if *x >= k {
                                    *x = 0;
                                }
                            }
                            quantile_rule(&mut v, alpha).min(k)
                        }
                        None => quantile_rule(&mut v, alpha),
                    },
                    _ => erlang(mean / mean_handle),
                };
                (s, mean)
            })
            .collect();
        if number == 1 {
            load = pairs.iter().map(|p| p.1).collect();
        }
        // A desk serves at most as many visitors at once as it has
        // counters: more agents than counters serve no one.
        let counters = model.channels[c].counters.unwrap_or(u32::MAX);
        let next: Vec<u32> = pairs.iter().map(|p| p.0.min(counters)).collect();
        let max_change = next
            .iter()
            .zip(&staffing)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap_or(0);
        let agent_hours = next.iter().map(|&a| f64::from(a)).sum::<f64>() * opts.step_s / 3600.0;
        iterations.push(Iteration {
            number,
            max_change,
            agent_hours,
        });
        staffing = next;
        // The modified-offered-load rule needs only the ample run.
        if max_change <= 1 || !matches!(opts.target, Target::PWait(_)) {
            return (staffing, iterations, true, load);
        }
    }
    (staffing, iterations, false, load)
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// The performance of `agents` per step on fresh replications.
fn evaluate(
    model: &Model,
    opts: &Options,
    sample_s: f64,
    agents: &[u32],
    n_steps: usize,
) -> Evaluation {
    let m = isolate(model, opts.channel, opts.step_s, sample_s, agents);
    let k = (opts.step_s / sample_s).round() as usize;
    let reps = EVAL_BASE..EVAL_BASE + u64::from(opts.replications);
    let bar = crate::runner::progress_bar(reps.end - reps.start, opts.progress);
    let steps_per_day = ((DAY_S / opts.step_s).round() as usize).max(1);
    let n_days = n_steps.div_ceil(steps_per_day);
    // Per replication: per step and per day (offered, waited, p_wait, sl,
    // abandon, occupancy), and overall.
    type PerRep = (Vec<[f64; 7]>, Vec<[f64; 7]>, [f64; 4]);
    let per_rep: Vec<PerRep> = reps
        .into_par_iter()
        .map(|r| {
            let o: RepOutcome = simulate(&m, r);
            bar.inc(1);
            let sums = |from: usize, to: usize| {
                let mut counts = crate::engine::Counts::default();
                let (mut busy, mut on_duty) = (0.0, 0.0);
                for i in from..to.min(m.n_intervals) {
                    counts.add(&o.channel_intervals[i].counts);
                    busy += o.pool_intervals[i].busy_area;
                    on_duty += o.pool_intervals[i].on_duty_area;
                }
                let waited = waited(&counts);
                [
                    counts.offered,
                    waited,
                    ratio(waited, counts.offered),
                    live_service_level(&counts),
                    ratio(counts.abandoned, counts.offered),
                    ratio(busy, on_duty),
                    ratio(counts.blocked, counts.offered),
                ]
            };
            let steps = (0..n_steps).map(|j| sums(j * k, (j + 1) * k)).collect();
            let days = (0..n_days)
                .map(|d| sums(d * steps_per_day * k, (d + 1) * steps_per_day * k))
                .collect();
            let t = &o.channels[0].counts;
            let p = &o.pools[0];
            let overall = [
                ratio(waited(t), t.offered),
                live_service_level(t),
                ratio(t.abandoned, t.offered),
                ratio(p.busy_area, p.on_duty_area),
            ];
            (steps, days, overall)
        })
        .collect();
    bar.finish_and_clear();
    let col = |f: usize| -> Vec<Stat> {
        (0..n_steps)
            .into_par_iter()
            .map(|j| Stat::of(&per_rep.iter().map(|r| r.0[j][f]).collect::<Vec<f64>>()))
            .collect()
    };
    let day_col = |f: usize| -> Vec<Stat> {
        (0..n_days)
            .map(|d| Stat::of(&per_rep.iter().map(|r| r.1[d][f]).collect::<Vec<f64>>()))
            .collect()
    };
    let offered_total: Vec<f64> = (0..n_steps)
        .map(|j| per_rep.iter().map(|r| r.0[j][0]).sum())
        .collect();
    let waited_total: Vec<f64> = (0..n_steps)
        .map(|j| per_rep.iter().map(|r| r.0[j][1]).sum())
        .collect();
    let overall =
        std::array::from_fn(|f| Stat::of(&per_rep.iter().map(|r| r.2[f]).collect::<Vec<f64>>()));
    Evaluation {
        p_wait: col(2),
        service_level: col(3),
        abandon_share: col(4),
        occupancy: col(5),
        blocked_share: col(6),
        p_wait_pooled: waited_total
            .iter()
            .zip(&offered_total)
            .map(|(&w, &o)| ratio(w, o))
            .collect(),
        offered_total,
        daily: [day_col(2), day_col(3), day_col(4), day_col(5)],
        overall,
    }
}

/// Contacts that could not be answered at once (blocked and turned-away
/// ones apart): they waited, whatever became of them.
fn waited(k: &crate::engine::Counts) -> f64 {
    (k.offered - k.blocked - k.turned_away - k.answered_at_once).max(0.0)
}

/// Expected first attempts per step that reach the open channel.
pub fn expected_offered(model: &Model, c: usize, step_s: f64, n_steps: usize) -> Vec<f64> {
    let open = &model.channels[c].open;
    let mut out = vec![0.0; n_steps];
    for d in model.demands.iter().filter(|d| d.channel == c) {
        for (i, p) in d.pieces.iter().enumerate() {
            if p.rate_per_s <= 0.0 {
                continue;
            }
            let end = d.pieces.get(i + 1).map_or(model.horizon_s, |n| n.start_s);
            let mut j = (p.start_s / step_s) as usize;
            while j < n_steps {
                let (a, b) = (j as f64 * step_s, (j + 1) as f64 * step_s);
                if a >= end {
                    break;
                }
                out[j] += p.rate_per_s * open.overlap(a.max(p.start_s), b.min(end));
                j += 1;
            }
        }
    }
    out
}

/// Time the channel is open in each step, seconds.
fn open_time(model: &Model, c: usize, step_s: f64, n_steps: usize) -> Vec<f64> {
    let open = &model.channels[c].open;
    (0..n_steps)
        .map(|j| open.overlap(j as f64 * step_s, (j + 1) as f64 * step_s))
        .collect()
}

/// Time-average staff on duty per step in the pools that serve channel `c`,
/// as rostered (headcount × roster share; absence and actions left out).
pub fn scheduled(model: &Model, c: usize, step_s: f64, n_steps: usize) -> Vec<f64> {
    let mut out = vec![0.0; n_steps];
    for &p in &model.channels[c].pools {
        let pool = &model.pools[p];
        let shape = pool.duty_shape(model.horizon_s);
        for (i, &(t, frac)) in shape.iter().enumerate() {
            let end = shape.get(i + 1).map_or(model.horizon_s, |n| n.0);
            let agents = f64::from(staff_on_duty(pool.headcount, frac));
            if agents == 0.0 {
                continue;
            }
            let mut j = (t / step_s) as usize;
            while j < n_steps {
                let (a, b) = (j as f64 * step_s, (j + 1) as f64 * step_s);
                if a >= end {
                    break;
                }
                out[j] += agents * (b.min(end) - a.max(t)).max(0.0) / step_s;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_rule_is_the_smallest_staffing_meeting_alpha() {
        // 10 values: P(N >= s) <= 0.2 allows 2 values at or above s.
        let mut v = vec![0, 1, 1, 2, 2, 3, 3, 4, 5, 9];
        assert_eq!(quantile_rule(&mut v, 0.2), 5);
        // s = 5: values >= 5 are {5, 9}: 2 of 10. s = 4 would give 3.
        let mut v = vec![7; 10];
        assert_eq!(quantile_rule(&mut v, 0.05), 8);
        assert_eq!(quantile_rule(&mut [], 0.1), 0);
    }

    #[test]
    fn targets_parse_and_refuse() {
        assert_eq!(Target::parse("p_wait=0.2"), Ok(Target::PWait(0.2)));
        assert_eq!(
            Target::parse("service_level=80%"),
            Ok(Target::ServiceLevel(0.8))
        );
        assert_eq!(Target::parse("abandon = 0.05"), Ok(Target::Abandon(0.05)));
        assert!(Target::parse("p_wait=2").unwrap_err().contains("share"));
        assert!(Target::parse("asa=20").unwrap_err().contains("p_wait="));
        assert!(
            Target::parse("p_wait")
                .unwrap_err()
                .contains("METRIC=VALUE")
        );
    }

    #[test]
    fn steps_must_divide_the_day() {
        assert!(check_step(3600.0).is_ok());
        assert!(check_step(900.0).is_ok());
        assert!(check_step(7.0 * 3600.0).is_err());
        assert!(check_step(60.0).is_err());
    }
}
