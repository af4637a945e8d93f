//! Inverse staffing: the fewest agents that reach a service-level target,
//! by binary search over [`evaluate`].

#[cfg(doc)]
use super::Exact;
use super::model::{invalid, validate, validate_threshold};
use super::{AnalyticError, Queue, evaluate};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::test_support::*;

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
}
