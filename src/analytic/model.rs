//! The queue description ([`Queue`]), the exact results ([`Exact`]), the
//! errors ([`AnalyticError`]) and the validation of parameters shared by
//! every formula.

use std::fmt;

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

pub(super) fn invalid(name: &'static str, value: f64, expected: &'static str) -> AnalyticError {
    AnalyticError::InvalidParameter {
        name,
        value,
        expected,
    }
}

pub(super) fn validate(q: &Queue) -> Result<(), AnalyticError> {
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

pub(super) fn validate_threshold(answer_within_s: f64) -> Result<(), AnalyticError> {
    if !(answer_within_s.is_finite() && answer_within_s >= 0.0) {
        return Err(invalid(
            "answer_within_s",
            answer_within_s,
            "a finite time >= 0 seconds",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::evaluate;
    use crate::analytic::test_support::*;

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
}
