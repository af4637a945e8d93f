//! Shards: a run or comparison split across machines (array jobs of Slurm,
//! Kubernetes or AWS Batch) and merged back, byte for byte the same as on
//! one machine.
//!
//! `--partition K/N` runs slice K of the replications ([`partition`]) and
//! writes a shard folder: the raw per-replication results ([`codec`]: every
//! KPI, firing and series value bit for bit) and `shard.json`
//! ([`ShardManifest`]: what produced them and a SHA-256 of every file).
//! `surgesim merge` checks that a set of shards belongs together and covers
//! every replication once ([`check_set`], [`verify_files`]), then feeds the
//! records, in replication order, to the same summary and output code as a
//! single run. No partial statistic ever leaves a shard, so nothing is
//! averaged: every mean and percentile is computed from all replications.

pub mod codec;
pub mod partition;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use partition::{PARTITIONS_VAR, Partition, PartitionError, resolve};

/// The manifest's name in a shard folder.
pub const SHARD_FILE: &str = "shard.json";

/// The value of [`ShardManifest::format`].
pub const FORMAT: &str = "surgesim-shard/1";

/// A shard folder's `shard.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardManifest {
    /// Always [`FORMAT`]: the layout of the shard's files.
    pub format: String,
    /// What was split: `run` or `compare`.
    pub kind: String,
    /// Version of surgesim that wrote the shard; a merge needs one version.
    pub tool_version: String,
    /// The random number generators of the engine
    /// ([`crate::rng::GENERATOR`]).
    pub generator: String,
    /// FNV-1a 64-bit hash of the scenario file (as in manifest.json).
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications of the whole run (per arm), R.
    pub replications: u32,
    /// This shard's slice, K (from 1).
    pub partition: u32,
    /// Slices, N.
    pub partitions: u32,
    /// First replication of the slice.
    pub first_replication: u64,
    /// One past the last replication of the slice.
    pub end_replication: u64,
    /// The arms (`run`: one, the variant or `base`), in order, each with the
    /// hash of its scenario file.
    pub arms: Vec<ShardArm>,
    /// The command's arguments that shape the outputs, replayed by the
    /// merge (scenario path, variant, outputs, …).
    pub settings: serde_json::Value,
    /// Every other file of the shard.
    pub files: Vec<ShardFile>,
}

/// An arm of a shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardArm {
    /// Its name.
    pub name: String,
    /// Hash of its scenario file.
    pub scenario_hash: String,
}

/// A file of a shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardFile {
    /// Name within the shard folder.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Rows (replications) it holds.
    pub rows: u64,
}

impl ShardManifest {
    /// The bytes of `shard.json`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// Why shards cannot be merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// The shards are not a whole, consistent set, or one is damaged (bad
    /// input: exit code 2).
    #[error("{0}")]
    Refused(String),
    /// Reading failed (exit code 1).
    #[error("cannot read {what}: {source}")]
    Io {
        /// What was being read.
        what: String,
        /// Cause.
        source: std::io::Error,
    },
}

/// A shard as given to the merge: its folder and its manifest.
#[derive(Debug, Clone)]
pub struct Shard {
    /// The folder as named on the command line.
    pub dir: PathBuf,
    /// Its `shard.json`.
    pub manifest: ShardManifest,
}

impl Shard {
    /// "shard 3 of 4 (out/shard-3-of-4)", for messages.
    pub fn name(&self) -> String {
        format!(
            "shard {} of {} ({})",
            self.manifest.partition,
            self.manifest.partitions,
            self.dir.display()
        )
    }

    /// Reads `dir/shard.json`.
    pub fn open(dir: &Path) -> Result<Shard, ShardError> {
        let path = dir.join(SHARD_FILE);
        let bytes = std::fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ShardError::Refused(format!(
                    "{} is not a shard folder: it has no {SHARD_FILE} (write shards with `surgesim run --partition K/N`)",
                    dir.display()
                ))
            } else {
                ShardError::Io {
                    what: path.display().to_string(),
                    source: e,
                }
            }
        })?;
        let manifest: ShardManifest = serde_json::from_slice(&bytes).map_err(|e| {
            ShardError::Refused(format!(
                "{}: {SHARD_FILE} is not a surgesim shard manifest ({e}); the shard is damaged or of another version: rerun it",
                dir.display()
            ))
        })?;
        if manifest.format != FORMAT {
            return Err(ShardError::Refused(format!(
                "{}: shard format `{}`, this surgesim reads `{FORMAT}`; rerun the shards with one version",
                dir.display(),
                manifest.format
            )));
        }
        Ok(Shard {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// The entry of file `path` in the manifest.
    pub fn file(&self, path: &str) -> Result<&ShardFile, ShardError> {
        self.manifest
            .files
            .iter()
            .find(|f| f.path == path)
            .ok_or_else(|| {
                ShardError::Refused(format!(
                    "{}: {SHARD_FILE} lists no {path}; the shard is incomplete: rerun it",
                    self.name()
                ))
            })
    }
}

/// Lower-case hex of `digest`.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks every file of `shard` against its size and SHA-256 in
/// `shard.json`, reading each once.
pub fn verify_files(shard: &Shard) -> Result<(), ShardError> {
    for f in &shard.manifest.files {
        let path = shard.dir.join(&f.path);
        let refused = |why: &str| {
            ShardError::Refused(format!(
                "{}: {} {why}; the shard is corrupted or was changed after it was written: rerun that shard",
                shard.name(),
                f.path
            ))
        };
        let mut file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(refused("is missing"));
            }
            Err(source) => {
                return Err(ShardError::Io {
                    what: path.display().to_string(),
                    source,
                });
            }
        };
        let mut hash = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(|source| ShardError::Io {
                what: path.display().to_string(),
                source,
            })?;
            if n == 0 {
                break;
            }
            hash.update(&buf[..n]);
            total += n as u64;
        }
        if total != f.bytes {
            return Err(refused(&format!(
                "has {total} bytes, {SHARD_FILE} says {}",
                f.bytes
            )));
        }
        if hex(&hash.finalize()) != f.sha256 {
            return Err(refused(&format!(
                "does not match its SHA-256 in {SHARD_FILE}"
            )));
        }
    }
    Ok(())
}

/// Checks that `shards` come from one run (kind, version, generator,
/// scenario, seed, arms, replications, number of partitions, settings) and
/// cover every replication exactly once; returns them in replication
/// order. Missing and doubled shards are listed by number.
pub fn check_set(mut shards: Vec<Shard>) -> Result<Vec<Shard>, ShardError> {
    let Some(first) = shards.first().cloned() else {
        return Err(ShardError::Refused(
            "SHARD_DIR: name at least one shard folder".into(),
        ));
    };
    let a = &first.manifest;
    for s in &shards[1..] {
        let b = &s.manifest;
        let differ = |what: &str, x: String, y: String| {
            ShardError::Refused(format!(
                "{} has {what} {y}, but {} has {what} {x}: these shards are not of one run and cannot be merged; rerun the odd shard with the same scenario, seed, version and arguments",
                s.name(),
                first.name()
            ))
        };
        if a.kind != b.kind {
            return Err(differ("kind", a.kind.clone(), b.kind.clone()));
        }
        if a.tool_version != b.tool_version {
            return Err(differ(
                "surgesim version",
                a.tool_version.clone(),
                b.tool_version.clone(),
            ));
        }
        if a.generator != b.generator {
            return Err(differ(
                "generator",
                a.generator.clone(),
                b.generator.clone(),
            ));
        }
        if a.scenario_hash != b.scenario_hash {
            return Err(differ(
                "scenario hash",
                a.scenario_hash.clone(),
                b.scenario_hash.clone(),
            ));
        }
        if a.seed != b.seed {
            return Err(differ("seed", a.seed.to_string(), b.seed.to_string()));
        }
        if a.replications != b.replications {
            return Err(differ(
                "replications",
                a.replications.to_string(),
                b.replications.to_string(),
            ));
        }
        if a.partitions != b.partitions {
            return Err(differ(
                "partitions",
                a.partitions.to_string(),
                b.partitions.to_string(),
            ));
        }
        if a.arms != b.arms {
            let names = |m: &ShardManifest| {
                m.arms
                    .iter()
                    .map(|x| format!("{} ({})", x.name, x.scenario_hash))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(differ("arms", names(a), names(b)));
        }
        if a.settings != b.settings {
            return Err(differ(
                "arguments",
                a.settings.to_string(),
                b.settings.to_string(),
            ));
        }
    }
    let n = a.partitions;
    for s in &shards {
        let m = &s.manifest;
        let p = Partition {
            index: m.partition,
            count: n,
        };
        if m.partition == 0
            || m.partition > n
            || p.range(m.replications) != (m.first_replication..m.end_replication)
        {
            return Err(ShardError::Refused(format!(
                "{} holds replications {}..{}, which is not slice {} of {n} of {} replications; the shard is damaged: rerun it",
                s.name(),
                m.first_replication,
                m.end_replication,
                m.partition,
                m.replications
            )));
        }
    }
    shards.sort_by_key(|s| s.manifest.partition);
    let mut missing = Vec::new();
    let mut doubled = Vec::new();
    for k in 1..=n {
        let of_k: Vec<&Shard> = shards
            .iter()
            .filter(|s| s.manifest.partition == k)
            .collect();
        match of_k.len() {
            0 => missing.push(k.to_string()),
            1 => {}
            _ => doubled.push(format!(
                "{k} ({})",
                of_k.iter()
                    .map(|s| s.dir.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if !missing.is_empty() || !doubled.is_empty() {
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("missing shards {} of {n}", missing.join(", ")));
        }
        if !doubled.is_empty() {
            parts.push(format!(
                "overlapping shards (given more than once) {}",
                doubled.join("; ")
            ));
        }
        return Err(ShardError::Refused(format!(
            "the shards do not cover replications 0..{} exactly once: {}; name each of the {n} shard folders once",
            a.replications,
            parts.join("; ")
        )));
    }
    Ok(shards)
}
