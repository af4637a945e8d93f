//! Erlang A and finite lines (M/M/c/K+M in general): the birth-death chain
//! of the number of calls in the system, its stationary distribution built
//! by a ratio recursion from the mode, and the exact values derived from it
//! (the service level itself is in [`super::service_level`]).

use super::service_level::served_within;
use super::{AnalyticError, Exact, MAX_STATES, Queue};

/// Relative size of a neglected tail of the stationary distribution.
const TAIL_REL: f64 = 1e-18;

/// The birth-death chain of the number of calls in the system.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chain {
    pub(super) lambda: f64,
    pub(super) mu: f64,
    pub(super) theta: f64,
    /// Effective number of agents, min(c, K).
    pub(super) c: u64,
    /// Number of lines K.
    pub(super) lines: Option<u64>,
}

impl Chain {
    pub(super) fn new(q: &Queue) -> Chain {
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
pub(super) struct Dist {
    lo: u64,
    w: Vec<f64>,
    total: f64,
}

impl Dist {
    /// (n, π_n) pairs.
    pub(super) fn probs(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
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
pub(super) fn stationary(ch: &Chain) -> Result<Dist, AnalyticError> {
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

/// Everything else: finite lines and/or abandonment, from the stationary
/// distribution.
pub(super) fn general_exact(ch: &Chain, t: f64) -> Result<Exact, AnalyticError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::test_support::*;
    use crate::analytic::{erlang_b, erlang_c, evaluate};

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
}
