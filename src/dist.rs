//! Duration distributions ready to sample, built from a checked
//! [`DistSpec`](crate::scenario::DistSpec). All values are seconds.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp, Gamma, LogNormal};

/// A distribution of non-negative durations in seconds.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always the same value.
    Deterministic(f64),
    /// Exponential; the mean is kept for reports.
    Exponential { dist: Exp<f64>, mean: f64 },
    /// Uniform on `[low, low + width)`.
    Uniform { low: f64, width: f64 },
    /// Log-normal with the given mean (parameters derived from mean and sd);
    /// `mu` and `sigma` are those of the underlying normal.
    LogNormal {
        dist: LogNormal<f64>,
        mean: f64,
        mu: f64,
        sigma: f64,
    },
    /// Gamma (Erlang-k is a gamma with integer shape k).
    Gamma {
        dist: Gamma<f64>,
        mean: f64,
        shape: f64,
    },
}

impl Dist {
    /// Exponential with mean `mean_s` (> 0).
    pub fn exponential(mean_s: f64) -> Result<Dist, String> {
        if !(mean_s > 0.0 && mean_s.is_finite()) {
            return Err("the mean must be more than 0".into());
        }
        let dist = Exp::new(1.0 / mean_s).map_err(|e| e.to_string())?;
        Ok(Dist::Exponential { dist, mean: mean_s })
    }

    /// Log-normal with mean `mean_s` and standard deviation `sd_s`.
    pub fn lognormal(mean_s: f64, sd_s: f64) -> Result<Dist, String> {
        if !(mean_s > 0.0 && sd_s > 0.0) {
            return Err("mean and sd must both be more than 0".into());
        }
        let cv = sd_s / mean_s;
        let dist = LogNormal::from_mean_cv(mean_s, cv).map_err(|e| e.to_string())?;
        let sigma2 = (1.0 + cv * cv).ln();
        Ok(Dist::LogNormal {
            dist,
            mean: mean_s,
            mu: mean_s.ln() - sigma2 / 2.0,
            sigma: sigma2.sqrt(),
        })
    }

    /// Gamma with mean `mean_s` and standard deviation `sd_s`.
    pub fn gamma(mean_s: f64, sd_s: f64) -> Result<Dist, String> {
        if !(mean_s > 0.0 && sd_s > 0.0) {
            return Err("mean and sd must both be more than 0".into());
        }
        let shape = (mean_s / sd_s).powi(2);
        let dist = Gamma::new(shape, mean_s / shape).map_err(|e| e.to_string())?;
        Ok(Dist::Gamma {
            dist,
            mean: mean_s,
            shape,
        })
    }

    /// Erlang with `k` phases and mean `mean_s`.
    pub fn erlang(k: u32, mean_s: f64) -> Result<Dist, String> {
        if k == 0 || mean_s.is_nan() || mean_s <= 0.0 {
            return Err("k must be at least 1 and the mean more than 0".into());
        }
        let shape = f64::from(k);
        let dist = Gamma::new(shape, mean_s / shape).map_err(|e| e.to_string())?;
        Ok(Dist::Gamma {
            dist,
            mean: mean_s,
            shape,
        })
    }

    /// Draws one value (seconds, never negative).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Deterministic(v) => *v,
            Dist::Exponential { dist, .. } => dist.sample(rng),
            Dist::Uniform { low, width } => low + width * rng.random::<f64>(),
            Dist::LogNormal { dist, .. } => dist.sample(rng),
            Dist::Gamma { dist, .. } => dist.sample(rng),
        }
    }

    /// Probability of a value at most `x` seconds.
    pub fn cdf(&self, x: f64) -> f64 {
        if x < 0.0 {
            return 0.0;
        }
        match self {
            Dist::Deterministic(v) => {
                if x >= *v {
                    1.0
                } else {
                    0.0
                }
            }
            Dist::Exponential { mean, .. } => 1.0 - (-x / mean).exp(),
            Dist::Uniform { low, width } => {
                if *width <= 0.0 {
                    if x >= *low { 1.0 } else { 0.0 }
                } else {
                    ((x - low) / width).clamp(0.0, 1.0)
                }
            }
            Dist::LogNormal { mu, sigma, .. } => {
                if x <= 0.0 {
                    return 0.0;
                }
                0.5 * statrs::function::erf::erfc(
                    -(x.ln() - mu) / (sigma * std::f64::consts::SQRT_2),
                )
            }
            Dist::Gamma { mean, shape, .. } => {
                if x <= 0.0 {
                    return 0.0;
                }
                statrs::function::gamma::gamma_lr(*shape, x * shape / mean)
            }
        }
    }

    /// Mean in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Deterministic(v) => *v,
            Dist::Exponential { mean, .. }
            | Dist::LogNormal { mean, .. }
            | Dist::Gamma { mean, .. } => *mean,
            Dist::Uniform { low, width } => low + width / 2.0,
        }
    }

    /// Whether this is an exponential distribution (for analytic estimates).
    pub fn is_exponential(&self) -> bool {
        matches!(self, Dist::Exponential { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    fn moments(d: &Dist) -> (f64, f64) {
        let mut rng = SmallRng::seed_from_u64(3);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt())
    }

    #[test]
    fn sampled_moments_match_the_parameters() {
        // Tolerances: ~5 standard errors of the sample mean / sd for n = 200k.
        let cases = [
            (Dist::exponential(300.0).unwrap(), 300.0, 300.0),
            (Dist::lognormal(420.0, 180.0).unwrap(), 420.0, 180.0),
            (Dist::gamma(300.0, 100.0).unwrap(), 300.0, 100.0),
            (Dist::erlang(4, 300.0).unwrap(), 300.0, 150.0),
            (
                Dist::Uniform {
                    low: 60.0,
                    width: 120.0,
                },
                120.0,
                120.0 / 12f64.sqrt(),
            ),
            (Dist::Deterministic(42.0), 42.0, 0.0),
        ];
        for (d, mean, sd) in cases {
            let (m, s) = moments(&d);
            assert!(
                (m - mean).abs() < 5.0 * sd.max(1e-9) / 447.0 + 1e-9,
                "{d:?}: mean {m}"
            );
            assert!((s - sd).abs() < 0.02 * sd.max(1e-9) + 1e-9, "{d:?}: sd {s}");
            assert_eq!(d.mean(), mean);
        }
    }

    #[test]
    fn cdf_matches_the_samples() {
        let cases = [
            Dist::exponential(300.0).unwrap(),
            Dist::lognormal(420.0, 180.0).unwrap(),
            Dist::gamma(300.0, 100.0).unwrap(),
            Dist::erlang(4, 300.0).unwrap(),
            Dist::Uniform {
                low: 60.0,
                width: 120.0,
            },
        ];
        for d in cases {
            let mut rng = SmallRng::seed_from_u64(5);
            let n = 100_000;
            let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            for q in [100.0, 250.0, 400.0, 700.0] {
                let empirical = xs.iter().filter(|&&x| x <= q).count() as f64 / n as f64;
                // 5 standard errors of a proportion with n = 100k.
                assert!(
                    (empirical - d.cdf(q)).abs() < 0.008,
                    "{d:?} at {q}: {empirical} vs {}",
                    d.cdf(q)
                );
            }
        }
        assert_eq!(Dist::Deterministic(5.0).cdf(4.9), 0.0);
        assert_eq!(Dist::Deterministic(5.0).cdf(5.0), 1.0);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Dist::exponential(0.0).is_err());
        assert!(Dist::lognormal(10.0, 0.0).is_err());
        assert!(Dist::erlang(0, 10.0).is_err());
    }
}
