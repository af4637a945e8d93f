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
//!
//! # Layout
//!
//! | file               | holds                                                        |
//! |--------------------|--------------------------------------------------------------|
//! | `mod.rs`           | this overview, [`evaluate`] (dispatch) and the re-exports    |
//! | `model.rs`         | [`Queue`], [`Exact`], [`AnalyticError`], parameter checks    |
//! | `erlang.rs`        | [`erlang_b`], [`erlang_c`] and the Erlang C closed form      |
//! | `erlang_a.rs`      | Erlang A and finite lines: chain, stationary distribution    |
//! | `service_level.rs` | uniformization for the service level with abandonment        |
//! | `staffing.rs`      | inverse staffing: [`agents_for_service_level`]               |

// Declared first so that its `assert_close!` macro is in scope below.
#[cfg(test)]
#[macro_use]
mod test_support;

mod erlang;
mod erlang_a;
mod model;
mod service_level;
mod staffing;

pub use erlang::{erlang_b, erlang_c};
pub use model::{AnalyticError, Exact, Queue};
pub use staffing::agents_for_service_level;

use erlang::erlang_c_exact;
use erlang_a::{Chain, general_exact};
use model::{validate, validate_threshold};

/// Largest number of states of the stationary distribution that is built
/// explicitly (beyond this, [`AnalyticError::TooLarge`] is returned).
const MAX_STATES: usize = 5_000_000;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::test_support::*;

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
}
