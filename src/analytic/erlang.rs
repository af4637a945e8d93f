//! Erlang B (loss) and Erlang C (delay): the stable Erlang B recursion, the
//! Erlang C closed form on top of it, and the exact values of an Erlang C
//! queue (unlimited lines, no abandonment).

use super::erlang_a::Chain;
use super::{AnalyticError, Exact};

/// Erlang C counts as unstable when the load is within this relative
/// distance of the number of agents, so that a load meant to be exactly `c`
/// (e.g. 22/min × 5 min = 110 Erlangs, which is 109.99999999999999 in
/// floating point) is not reported as a barely stable queue with an absurd
/// wait.
const STABILITY_REL: f64 = 1e-12;

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

/// Closed-form Erlang C (unlimited lines, no abandonment).
pub(super) fn erlang_c_exact(ch: &Chain, t: f64) -> Result<Exact, AnalyticError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::evaluate;
    use crate::analytic::test_support::*;

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
}
