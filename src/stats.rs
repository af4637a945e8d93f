//! Statistics across replications: mean, 95 % confidence half-width
//! (Student t), and percentiles.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Summary of one quantity across replications. Replications where the
/// quantity is undefined (NaN, e.g. a wait when nobody was answered) are left
/// out, and `n` says how many counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    /// Mean across replications.
    pub mean: f64,
    /// Half-width of the 95 % confidence interval of the mean (Student t
    /// with n − 1 degrees of freedom); NaN with fewer than 2 values.
    pub ci95: f64,
    /// 5th percentile across replications.
    pub p5: f64,
    /// 25th percentile across replications.
    pub p25: f64,
    /// Median across replications.
    pub p50: f64,
    /// 75th percentile across replications.
    pub p75: f64,
    /// 95th percentile across replications.
    pub p95: f64,
    /// Replications in which the quantity was defined.
    pub n: usize,
}

impl Stat {
    /// Summarises `values`, ignoring NaNs.
    pub fn of(values: &[f64]) -> Stat {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        v.sort_by(f64::total_cmp);
        Stat::of_sorted(&v)
    }

    /// Summarises values already sorted and free of NaN.
    pub fn of_sorted(v: &[f64]) -> Stat {
        let n = v.len();
        if n == 0 {
            return Stat {
                mean: f64::NAN,
                ci95: f64::NAN,
                p5: f64::NAN,
                p25: f64::NAN,
                p50: f64::NAN,
                p75: f64::NAN,
                p95: f64::NAN,
                n: 0,
            };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let ci95 = if n >= 2 {
            let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            t_quantile_975(n - 1) * (var / n as f64).sqrt()
        } else {
            f64::NAN
        };
        Stat {
            mean,
            ci95,
            p5: percentile_sorted(v, 0.05),
            p25: percentile_sorted(v, 0.25),
            p50: percentile_sorted(v, 0.50),
            p75: percentile_sorted(v, 0.75),
            p95: percentile_sorted(v, 0.95),
            n,
        }
    }

    /// Whether `x` lies within the 95 % confidence interval.
    pub fn covers(&self, x: f64) -> bool {
        (self.mean - x).abs() <= self.ci95
    }
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (the
/// factor of a two-sided 95 % interval).
pub fn t_quantile_975(df: usize) -> f64 {
    // The summary asks for the same one hundreds of thousands of times (a
    // column per interval and series, nearly all with every replication):
    // the last one asked for on this thread is kept.
    thread_local! {
        static LAST: std::cell::Cell<Option<(usize, f64)>> = const { std::cell::Cell::new(None) };
    }
    if let Some((d, t)) = LAST.get()
        && d == df
    {
        return t;
    }
    let t = match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => f64::NAN,
    };
    LAST.set(Some((df, t)));
    t
}

/// Percentile `q` (0–1) of sorted values, interpolating linearly between
/// order statistics (Hyndman & Fan type 7, the default of R and numpy).
pub fn percentile_sorted(v: &[f64], q: f64) -> f64 {
    match v.len() {
        0 => f64::NAN,
        1 => v[0],
        n => {
            let h = (n - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        assert!((t_quantile_975(1) - 12.7062).abs() < 1e-3);
        assert!((t_quantile_975(9) - 2.2622).abs() < 1e-4);
        assert!((t_quantile_975(99) - 1.9842).abs() < 1e-4);
    }

    #[test]
    fn summary_of_known_values() {
        let s = Stat::of(&[1.0, 2.0, 3.0, 4.0, f64::NAN, 5.0]);
        assert_eq!(s.n, 5);
        assert_eq!(s.mean, 3.0);
        assert_eq!(s.p50, 3.0);
        assert!((s.p5 - 1.2).abs() < 1e-12);
        assert!((s.p95 - 4.8).abs() < 1e-12);
        // sd = sqrt(2.5); half-width = t(4) * sd / sqrt(5) = 2.7764 * 0.7071
        assert!((s.ci95 - 2.776_445 * (2.5f64 / 5.0).sqrt()).abs() < 1e-5);
        assert!(Stat::of(&[7.0]).ci95.is_nan());
        assert_eq!(Stat::of(&[]).n, 0);
    }
}
