//! The stationary rule: the fewest agents that meet a target in a
//! stationary Markovian queue (Erlang C, or Erlang A with exponential
//! patience, with the channel's lines if it has a limit), by
//! [`crate::analytic::evaluate`].

use super::Target;
use crate::analytic::{Queue, evaluate};

/// Most agents the search tries.
const MAX_AGENTS: u32 = 1_000_000;

/// The fewest agents meeting `target` at an arrival rate of `lambda` per
/// second, a mean handle time of `mean_handle_s` and a mean patience of
/// `patience_s` (`None`: nobody abandons), with `lines` lines (`None`:
/// unlimited) and the service-level threshold `answer_within_s`. 0 when
/// nothing arrives; the lines (or the search's limit) when no staffing
/// meets the target (a service level above the share the lines let in).
pub fn fewest_agents(
    lambda: f64,
    mean_handle_s: f64,
    patience_s: Option<f64>,
    lines: Option<u32>,
    answer_within_s: f64,
    target: Target,
) -> u32 {
    if !(lambda > 0.0 && lambda.is_finite()) {
        return 0;
    }
    let cap = lines.unwrap_or(MAX_AGENTS).clamp(1, MAX_AGENTS);
    let theta = patience_s.map_or(0.0, |p| if p > 0.0 { 1.0 / p } else { 0.0 });
    let meets = |agents: u32| -> bool {
        let q = Queue {
            arrival_rate: lambda,
            service_rate: 1.0 / mean_handle_s,
            agents,
            lines,
            abandon_rate: theta,
        };
        match evaluate(&q, answer_within_s.max(0.0)) {
            Ok(e) => target.met_by(match target {
                Target::PWait(_) => e.p_wait,
                Target::ServiceLevel(_) => e.service_level,
                Target::Abandon(_) => e.p_abandon,
            }),
            // Unstable (Erlang C at or above the load) or too large.
            Err(_) => false,
        }
    };
    // Every metric improves with more agents: find a staffing that meets
    // the target by doubling from the load, then the fewest by bisection.
    let load = lambda * mean_handle_s;
    let mut lo = (load.floor() as u32).min(cap.saturating_sub(1)); // may not meet
    let mut hi = ((load.ceil() as u32).max(1) + 1).min(cap);
    while !meets(hi) {
        if hi >= cap {
            return cap;
        }
        lo = hi;
        hi = hi.saturating_mul(2).min(cap);
    }
    if lo >= 1 && meets(lo) {
        // The load's floor already meets it (abandonment): search below.
        let mut l = 0;
        let mut h = lo;
        while h - l > 1 {
            let mid = l + (h - l) / 2;
            if mid >= 1 && meets(mid) {
                h = mid
            } else {
                l = mid
            }
        }
        return h;
    }
    // Invariant: lo does not meet, hi meets.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::erlang_c;

    #[test]
    fn erlang_c_inverse_for_a_delay_target() {
        // 10 Erlangs: the fewest agents with P(wait) <= 0.2, by Erlang C.
        let lambda = 10.0 / 300.0;
        let s = fewest_agents(lambda, 300.0, None, None, 20.0, Target::PWait(0.2));
        assert!(erlang_c(s, 10.0) <= 0.2, "{s}");
        assert!(erlang_c(s - 1, 10.0) > 0.2, "{s}");
        assert_eq!(s, 14);
    }

    #[test]
    fn nothing_arriving_needs_nobody_and_lines_cap_the_staffing() {
        assert_eq!(
            fewest_agents(0.0, 300.0, None, None, 20.0, Target::PWait(0.2)),
            0
        );
        // A service level above what 5 lines let in at 20 Erlangs.
        let s = fewest_agents(
            20.0 / 300.0,
            300.0,
            Some(180.0),
            Some(5),
            20.0,
            Target::ServiceLevel(0.9),
        );
        assert_eq!(s, 5);
    }

    #[test]
    fn abandonment_can_need_fewer_agents_than_the_load() {
        // 50 Erlangs, impatient callers, a lenient abandonment target.
        let s = fewest_agents(
            50.0 / 300.0,
            300.0,
            Some(30.0),
            None,
            20.0,
            Target::Abandon(0.3),
        );
        assert!(s < 50, "{s}");
        assert!(s >= 1);
    }
}
