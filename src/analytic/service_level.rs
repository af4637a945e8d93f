//! The service level of waiting callers with abandonment: uniformization of
//! the tagged caller's "callers ahead" chain, with Poisson weights computed
//! by ratios from their mode.

use super::{AnalyticError, MAX_STATES};

/// Largest number of elementary steps spent on one uniformization.
const MAX_WORK: f64 = 2.0e9;

/// Relative mass left in the uniformized chain below which it is treated as
/// fully absorbed.
const ABSORBED_REL: f64 = 1e-17;

/// Poisson weights smaller than this, relative to the weight at the mode,
/// are neglected.
const POISSON_CUT: f64 = 1e-40;

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
pub(super) fn served_within(
    a: &[f64],
    k0: u64,
    cmu: f64,
    theta: f64,
    t: f64,
) -> Result<f64, AnalyticError> {
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
    use crate::analytic::test_support::*;
    use crate::analytic::{Queue, evaluate};

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
