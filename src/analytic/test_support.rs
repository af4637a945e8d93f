//! Helpers shared by the unit tests of the analytic modules: tolerant
//! comparison, naive reference formulas, a brute-force solver for small
//! systems and consistency checks of an [`Exact`].

use super::erlang_a::{Chain, stationary};
use super::{Exact, Queue};

pub(super) fn close(a: f64, b: f64, tol: f64) -> bool {
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

pub(super) fn queue(lambda: f64, mu: f64, c: u32, lines: Option<u32>, theta: f64) -> Queue {
    Queue {
        arrival_rate: lambda,
        service_rate: mu,
        agents: c,
        lines,
        abandon_rate: theta,
    }
}

/// Erlang B from its definition (A^c/c!) / Σ_k A^k/k!, summed naively.
pub(super) fn naive_b(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..=c {
        term *= a / f64::from(k);
        sum += term;
    }
    term / sum
}

/// Erlang C from its definition, summed naively.
pub(super) fn naive_c(c: u32, a: f64) -> f64 {
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
pub(super) fn erlang_cdf(n: u32, rate: f64, t: f64) -> f64 {
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
pub(super) struct Brute {
    pub(super) p_block: f64,
    pub(super) p_wait: f64,
    pub(super) p_abandon: f64,
    pub(super) p_answered: f64,
    pub(super) asa: f64,
    pub(super) mean_wait_all: f64,
    pub(super) service_level: f64,
    pub(super) mean_queue: f64,
    pub(super) busy: f64,
}

pub(super) fn brute(q: &Queue, t: f64, horizon: f64, h: f64) -> Brute {
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
pub(super) fn busy_from_distribution(q: &Queue) -> f64 {
    let ch = Chain::new(q);
    if ch.lines.is_none() && ch.theta == 0.0 {
        return q.offered_load_erlangs();
    }
    let d = stationary(&ch).expect("stationary distribution");
    d.probs().map(|(n, p)| n.min(ch.c) as f64 * p).sum()
}

pub(super) fn check_consistency(q: &Queue, t: f64, e: &Exact) {
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
        lam * (1.0 - e.p_block - e.p_abandon) / (q.service_rate * f64::from(q.effective_agents())),
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
