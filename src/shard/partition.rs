//! `--partition K/N`: which contiguous slice of the replications a shard
//! runs, given on the command line or read from the environment of an
//! array-job engine (Slurm, Kubernetes Indexed Jobs, AWS Batch).
//!
//! Slice `K` of `N` (K from 1) covers replications
//! `floor((K-1)·R/N) .. floor(K·R/N)` of `0..R`: the slices are contiguous,
//! cover every replication exactly once and differ in size by at most one.

use std::ops::Range;

/// The environment variable that gives the number of partitions where the
/// engine does not export it (Kubernetes Indexed Jobs).
pub const PARTITIONS_VAR: &str = "SURGESIM_PARTITIONS";

/// Slice `index` of `count` (1 ≤ index ≤ count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// K, from 1.
    pub index: u32,
    /// N.
    pub count: u32,
}

/// A `--partition` that cannot be used: the flag (or environment
/// variable) at fault and what would be valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag}: {message}")]
pub struct PartitionError {
    /// `--partition`, `--partitions` or an environment variable.
    pub flag: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

fn bad(flag: &str, message: impl Into<String>) -> PartitionError {
    PartitionError {
        flag: flag.to_string(),
        message: message.into(),
    }
}

impl Partition {
    /// The replications of this slice of `0..replications`.
    pub fn range(self, replications: u32) -> Range<u64> {
        let (k, n, r) = (
            u64::from(self.index),
            u64::from(self.count),
            u64::from(replications),
        );
        (k - 1) * r / n..k * r / n
    }

    /// The shard folder's default name: `shard-K-of-N`.
    pub fn folder_name(self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }

    /// Checks that each of the `count` slices of `replications` holds at
    /// least one replication.
    pub fn check_fits(self, replications: u32) -> Result<(), PartitionError> {
        if self.count > replications {
            return Err(bad(
                "--partition",
                format!(
                    "{} partitions of {replications} replications would leave some empty; use at most {replications} partitions or more replications (-n)",
                    self.count
                ),
            ));
        }
        Ok(())
    }
}

/// Parses a whole number from `text` for `flag`.
fn number(flag: &str, what: &str, text: &str) -> Result<u32, PartitionError> {
    text.trim().parse::<u32>().map_err(|_| {
        bad(
            flag,
            format!("{what} `{}` is not a whole number", text.trim()),
        )
    })
}

/// Resolves `--partition SPEC` (`K/N` or `auto`) with the optional
/// `--partitions N`, reading the environment through `var` (so that tests
/// can give their own). Explicit `K/N` wins over the environment, and
/// `--partitions` over a count from the environment. With `auto`, the
/// first engine whose index variable is set is used:
///
/// - Slurm job arrays: `SLURM_ARRAY_TASK_ID`, counted from
///   `SLURM_ARRAY_TASK_MIN` (arrays may start at 0 or 1) in steps of
///   `SLURM_ARRAY_TASK_STEP` (default 1); N = `SLURM_ARRAY_TASK_COUNT`;
/// - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (from 0); N from
///   `--partitions` or `SURGESIM_PARTITIONS` (Kubernetes does not export
///   the completions);
/// - AWS Batch array jobs: `AWS_BATCH_JOB_ARRAY_INDEX` (from 0);
///   N = `AWS_BATCH_JOB_ARRAY_SIZE`.
pub fn resolve(
    spec: &str,
    partitions: Option<u32>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Partition, PartitionError> {
    let spec = spec.trim();
    let p = if spec.eq_ignore_ascii_case("auto") {
        from_environment(partitions, var)?
    } else {
        let Some((k, n)) = spec.split_once('/') else {
            return Err(bad(
                "--partition",
                format!("`{spec}`: write K/N (e.g. 2/8: the second of 8 slices) or auto"),
            ));
        };
        let index = number("--partition", "K", k)?;
        let count = number("--partition", "N", n)?;
        if let Some(m) = partitions.filter(|&m| m != count) {
            return Err(bad(
                "--partitions",
                format!("{m} disagrees with --partition {spec}; leave --partitions out"),
            ));
        }
        Partition { index, count }
    };
    if p.count == 0 {
        return Err(bad(
            "--partition",
            "N must be at least 1 (K/N: slice K of N, K from 1 to N)",
        ));
    }
    if p.index == 0 || p.index > p.count {
        return Err(bad(
            "--partition",
            format!(
                "slice {} of {} does not exist; K runs from 1 to N ({})",
                p.index, p.count, p.count
            ),
        ));
    }
    Ok(p)
}

/// `--partition auto`: the index and count from the environment.
fn from_environment(
    partitions: Option<u32>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Partition, PartitionError> {
    let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let count_from = |name: &str| -> Result<u32, PartitionError> {
        match (partitions, get(name)) {
            (Some(n), _) => Ok(n),
            (None, Some(v)) => number(name, "the count", &v),
            (None, None) => Err(bad(
                "--partition",
                format!(
                    "auto: {name} is not set; give the number of partitions with --partitions N"
                ),
            )),
        }
    };
    if let Some(id) = get("SLURM_ARRAY_TASK_ID") {
        let id = number("SLURM_ARRAY_TASK_ID", "the task id", &id)?;
        let min = match get("SLURM_ARRAY_TASK_MIN") {
            Some(v) => number("SLURM_ARRAY_TASK_MIN", "the first task id", &v)?,
            None => 0,
        };
        let step = match get("SLURM_ARRAY_TASK_STEP") {
            Some(v) => number("SLURM_ARRAY_TASK_STEP", "the step", &v)?.max(1),
            None => 1,
        };
        if id < min || (id - min) % step != 0 {
            return Err(bad(
                "SLURM_ARRAY_TASK_ID",
                format!("task {id} is not in an array that starts at {min} in steps of {step}"),
            ));
        }
        let count = count_from("SLURM_ARRAY_TASK_COUNT")?;
        return Ok(Partition {
            index: (id - min) / step + 1,
            count,
        });
    }
    if let Some(i) = get("JOB_COMPLETION_INDEX") {
        let i = number("JOB_COMPLETION_INDEX", "the index", &i)?;
        let count = count_from(PARTITIONS_VAR)?;
        return Ok(Partition {
            index: i.saturating_add(1),
            count,
        });
    }
    if let Some(i) = get("AWS_BATCH_JOB_ARRAY_INDEX") {
        let i = number("AWS_BATCH_JOB_ARRAY_INDEX", "the index", &i)?;
        let count = count_from("AWS_BATCH_JOB_ARRAY_SIZE")?;
        return Ok(Partition {
            index: i.saturating_add(1),
            count,
        });
    }
    Err(bad(
        "--partition",
        "auto: none of SLURM_ARRAY_TASK_ID (Slurm), JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch) is set; outside an array job give K/N, e.g. --partition 1/4",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn slices_cover_every_replication_once_in_order() {
        for r in [1u32, 7, 10, 101] {
            for n in 1..=r.min(9) {
                let mut next = 0;
                for k in 1..=n {
                    let range = Partition { index: k, count: n }.range(r);
                    assert_eq!(range.start, next);
                    assert!(!range.is_empty(), "{k}/{n} of {r}");
                    next = range.end;
                }
                assert_eq!(next, u64::from(r));
            }
        }
        assert_eq!(Partition { index: 2, count: 4 }.range(10), 2..5);
    }

    #[test]
    fn explicit_and_environment_partitions() {
        let none = env(&[]);
        assert_eq!(
            resolve("3/4", None, &none),
            Ok(Partition { index: 3, count: 4 })
        );
        for bad in ["0/4", "5/4", "x/4", "3", "1/0", "auto"] {
            let e = resolve(bad, None, &none).unwrap_err();
            assert_eq!(e.flag, "--partition", "{bad}: {e}");
        }
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("JOB_COMPLETION_INDEX", "3"),
        ]);
        assert_eq!(
            resolve("auto", None, &slurm),
            Ok(Partition { index: 1, count: 4 })
        );
        // Explicit K/N wins over the environment.
        assert_eq!(
            resolve("2/4", None, &slurm),
            Ok(Partition { index: 2, count: 4 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "3"), ("SURGESIM_PARTITIONS", "5")]);
        assert_eq!(
            resolve("auto", None, &k8s),
            Ok(Partition { index: 4, count: 5 })
        );
        assert_eq!(
            resolve("auto", Some(8), &k8s),
            Ok(Partition { index: 4, count: 8 })
        );
        let k8s_alone = env(&[("JOB_COMPLETION_INDEX", "3")]);
        assert!(resolve("auto", None, &k8s_alone).is_err());
        let aws = env(&[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "2"),
        ]);
        assert_eq!(
            resolve("auto", None, &aws),
            Ok(Partition { index: 2, count: 2 })
        );
        let past = env(&[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "2"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "2"),
        ]);
        assert!(resolve("auto", None, &past).is_err());
    }
}
