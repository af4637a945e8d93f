//! The checker every area shares: where problems are collected, each with
//! its key path and line, and the checks that several areas use (names,
//! shares, distributions, keys that apply to a kind).

use std::collections::BTreeMap;
use std::path::Path;

use crate::dist::Dist;
use crate::scenario::{Diagnostic, DistKind, DistSpec, SourceMap, closest_hint};

/// Collects the problems of one scenario while the areas are checked and
/// built.
pub(super) struct Checker<'a> {
    /// Lines of key paths, for messages.
    pub(super) source: &'a SourceMap,
    /// Every problem found so far, in the order found.
    pub(super) problems: Vec<Diagnostic>,
    /// Where relative file names (surge tables) are looked up.
    pub(super) base_dir: &'a Path,
    /// Days of the horizon that are public holidays.
    pub(super) holidays: Vec<u32>,
    /// Date of day 0.
    pub(super) start_date: jiff::civil::Date,
}

impl Checker<'_> {
    pub(super) fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        let d = self.source.diag(path, message, None);
        self.problems.push(d);
    }

    pub(super) fn err_hint(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: String,
    ) {
        let d = self.source.diag(path, message, Some(hint));
        self.problems.push(d);
    }

    /// Index of `name` among `names`, or a problem at `path` naming the
    /// closest valid one.
    pub(super) fn resolve(
        &mut self,
        path: &str,
        what: &str,
        name: &str,
        names: &[&str],
    ) -> Option<usize> {
        if let Some(i) = names.iter().position(|n| *n == name) {
            return Some(i);
        }
        let hint = if names.is_empty() {
            format!("the scenario defines no {what}s")
        } else {
            closest_hint(name, names)
        };
        self.err_hint(path, format!("unknown {what} `{name}`"), hint);
        None
    }

    pub(super) fn share(&mut self, path: &str, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.err(
                path,
                format!("must be a share between 0 and 1 (got {value})"),
            );
        }
    }

    /// Checks a table of shares that must name known things and sum to 1.
    pub(super) fn shares(
        &mut self,
        path: &str,
        shares: &BTreeMap<String, f64>,
        what: &str,
        names: &[&str],
    ) -> Vec<(usize, f64)> {
        let mut out = Vec::new();
        let mut sum = 0.0;
        for (key, &v) in shares {
            let kpath = format!("{path}.{key}");
            self.share(&kpath, v);
            sum += v;
            if let Some(i) = self.resolve(&kpath, what, key, names)
                && v > 0.0
            {
                out.push((i, v));
            }
        }
        if (sum - 1.0).abs() > 1e-6 {
            self.err_hint(
                path.to_string(),
                format!(
                    "the shares add up to {} instead of 1",
                    crate::units::trim_float(sum)
                ),
                "adjust them so that they sum to 1, e.g. { a = 0.7, b = 0.3 }".into(),
            );
        }
        out
    }

    /// Reports each key that is set but does not apply to `what` ("an
    /// e-mail channel", "a `lines` action"), naming the keys that do.
    pub(super) fn keys_apply(
        &mut self,
        path: &str,
        present: &[(&str, bool)],
        allowed: &[&str],
        what: &str,
        why: &str,
    ) {
        for &(key, set) in present {
            if set && !allowed.contains(&key) {
                self.err_hint(
                    format!("{path}.{key}"),
                    format!("`{key}` does not apply to {what}{why}"),
                    format!("{what} takes: {}", allowed.join(", ")),
                );
            }
        }
    }

    /// Checks a distribution's keys for its kind and builds it.
    pub(super) fn dist(&mut self, path: &str, spec: &DistSpec, allow_zero: bool) -> Option<Dist> {
        let present = [
            ("mean", spec.mean.is_some()),
            ("sd", spec.sd.is_some()),
            ("min", spec.min.is_some()),
            ("max", spec.max.is_some()),
            ("k", spec.k.is_some()),
        ];
        let (needed, example): (&[&str], &str) = match spec.dist {
            DistKind::Exponential => (&["mean"], "{ dist = \"exponential\", mean = \"3m\" }"),
            DistKind::Deterministic => (&["mean"], "{ dist = \"deterministic\", mean = \"5m\" }"),
            DistKind::Uniform => (
                &["min", "max"],
                "{ dist = \"uniform\", min = \"2m\", max = \"6m\" }",
            ),
            DistKind::Lognormal => (
                &["mean", "sd"],
                "{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }",
            ),
            DistKind::Gamma => (
                &["mean", "sd"],
                "{ dist = \"gamma\", mean = \"7m\", sd = \"3m\" }",
            ),
            DistKind::Erlang => (
                &["k", "mean"],
                "{ dist = \"erlang\", k = 3, mean = \"5m\" }",
            ),
        };
        let kind = format!("{:?}", spec.dist).to_lowercase();
        let before = self.problems.len();
        for (key, is_set) in present {
            if is_set && !needed.contains(&key) {
                self.err_hint(
                    format!("{path}.{key}"),
                    format!("`{key}` does not apply to a {kind} distribution"),
                    format!(
                        "a {kind} distribution takes {}: {example}",
                        needed.join(" and ")
                    ),
                );
            }
        }
        for key in needed {
            let is_set = present.iter().any(|(k, s)| k == key && *s);
            if !is_set {
                self.err_hint(
                    path.to_string(),
                    format!("a {kind} distribution needs `{key}`"),
                    format!("e.g. {example}"),
                );
            }
        }
        if self.problems.len() > before {
            return None;
        }
        let secs = |d: Option<crate::units::Duration>| d.map_or(0.0, |d| d.secs());
        let (mean, sd) = (secs(spec.mean), secs(spec.sd));
        let built = match spec.dist {
            DistKind::Exponential => Dist::exponential(mean),
            DistKind::Deterministic => {
                if mean > 0.0 || allow_zero {
                    Ok(Dist::Deterministic(mean))
                } else {
                    Err("the mean must be more than 0".to_string())
                }
            }
            DistKind::Uniform => {
                let (lo, hi) = (secs(spec.min), secs(spec.max));
                if hi < lo || (hi == 0.0 && !allow_zero) {
                    Err(format!("max ({hi} s) must be above min ({lo} s)"))
                } else {
                    Ok(Dist::Uniform {
                        low: lo,
                        width: hi - lo,
                    })
                }
            }
            DistKind::Lognormal => Dist::lognormal(mean, sd),
            DistKind::Gamma => Dist::gamma(mean, sd),
            DistKind::Erlang => Dist::erlang(spec.k.unwrap_or(0), mean),
        };
        match built {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(path.to_string(), e);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{BASE, build};

    #[test]
    fn distribution_keys_must_fit_the_kind() {
        let text = BASE.replace(
            "{ dist = \"exponential\", mean = \"5m\" }",
            "{ dist = \"lognormal\", mean = \"5m\", k = 3 }",
        );
        let err = build(&text).unwrap_err().to_string();
        assert!(err.contains("`k` does not apply to a lognormal"), "{err}");
        assert!(err.contains("needs `sd`"), "{err}");
    }
}
