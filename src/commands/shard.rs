//! Writing shards: `run --partition K/N` and `compare --partition K/N`
//! simulate one slice of the replications and write its raw results and
//! `shard.json` into a shard folder (whole: staged, then swapped into
//! place, so a retried task replaces its folder cleanly). See
//! [`crate::shard`] for the files and `merge` for the way back.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::PartitionArgs;
use crate::compare::Arm;
use crate::kpi::RepRecord;
use crate::model::Model;
use crate::report::folder::OutputFolder;
use crate::report::manifest::Manifest;
use crate::runner::{
    ColumnStore, RunOptions, chunk_replications, progress_bar, series_widths, simulate_range,
    simulate_records, with_threads,
};
use crate::shard::{
    self, FORMAT, Partition, SHARD_FILE, ShardArm, ShardFile, ShardManifest, codec,
};

use super::compare::CompareSettings;
use super::run::RunSettings;
use super::{CommandError, stdout_err};

/// The `--partition` of the command line, resolved (environment variables
/// read for `auto`) and checked against `replications`; `None` without
/// `--partition`.
pub(super) fn partition_of(
    args: &PartitionArgs,
    replications: u32,
) -> Result<Option<Partition>, CommandError> {
    let Some(spec) = &args.partition else {
        return Ok(None);
    };
    let usage = |e: shard::PartitionError| CommandError::usage(&e.flag, e.message);
    let p =
        shard::resolve(spec, args.partitions, &|name| std::env::var(name).ok()).map_err(usage)?;
    p.check_fits(replications).map_err(usage)?;
    Ok(Some(p))
}

/// Replications per chunk of a shard's series file: about
/// [`crate::runner::CHUNK_BYTES`], whatever the number of threads, so that
/// a shard's bytes do not depend on it.
fn shard_chunk(model: &Model) -> usize {
    let row: usize = series_widths(model).iter().sum();
    chunk_replications(row as u64 * 4, 16)
}

/// A `run` shard to simulate and write.
pub(super) struct RunShard<'a> {
    pub model: &'a Model,
    pub settings: &'a RunSettings,
    pub partition: Partition,
    pub threads: Option<usize>,
    pub progress: bool,
}

impl RunShard<'_> {
    /// Simulates the slice and writes the shard into `folder`.
    pub fn write(&self, mut folder: OutputFolder) -> Result<Vec<PathBuf>, CommandError> {
        let model = self.model;
        let range = self.partition.range(model.replications);
        let csv = self.settings.format.iter().any(|f| f == "csv");
        let opts = RunOptions {
            threads: self.threads,
            progress: self.progress,
            replication_days: csv,
            chunk_replications: Some(shard_chunk(model)),
            ..RunOptions::default()
        };
        let mut sim = simulate_range(model, range.clone(), opts)
            .map_err(|e| CommandError::Failed(e.to_string()))?;
        let mut bytes = Vec::new();
        codec::write_records(&mut bytes, &sim.records).map_err(failed)?;
        folder.write(RECORDS, &bytes)?;
        drop(bytes);
        let widths = sim.widths;
        let store = &mut sim.store;
        folder.write_with(SERIES, &mut |w| codec::write_series(w, store, widths))?;
        if let Some(file) = &sim.replication_days {
            folder.write_from(DAYS, &mut file.as_ref())?;
        }
        let arm = ShardArm {
            name: self
                .settings
                .variant
                .clone()
                .unwrap_or_else(|| "base".into()),
            scenario_hash: model.scenario_hash.clone(),
        };
        let settings =
            serde_json::to_value(self.settings).map_err(|e| CommandError::Failed(e.to_string()))?;
        let slice = Slice {
            kind: "run",
            model,
            partition: self.partition,
            range,
            arms: vec![arm],
            settings,
        };
        finish(folder, slice)
    }
}

/// The file of a run shard's records.
pub(super) const RECORDS: &str = "records.bin";
/// The file of a run shard's series.
pub(super) const SERIES: &str = "series.bin";
/// A run shard's `replications_days.csv` (its header and its rows).
pub(super) const DAYS: &str = "replications_days.csv";

/// The records file of arm `a` of a comparison shard.
pub(super) fn arm_records(a: usize) -> String {
    format!("arm-{a}.records.bin")
}

/// The series file of arm `a` of a comparison shard.
pub(super) fn arm_series(a: usize) -> String {
    format!("arm-{a}.series.bin")
}

/// A `compare` shard to simulate and write.
pub(super) struct CompareShard<'a> {
    pub arms: &'a [Arm],
    pub settings: &'a CompareSettings,
    pub partition: Partition,
    pub threads: Option<usize>,
    pub progress: bool,
}

impl CompareShard<'_> {
    /// Simulates the slice of every arm and writes the shard into `folder`.
    pub fn write(&self, mut folder: OutputFolder) -> Result<Vec<PathBuf>, CommandError> {
        let base = &self.arms[0].model;
        let range = self.partition.range(base.replications);
        let rows = range.end - range.start;
        let bar = progress_bar(rows * self.arms.len() as u64, self.progress);
        let records: Vec<Vec<RepRecord>> = with_threads(self.threads, || {
            self.arms
                .iter()
                .map(|a| simulate_records(&a.model, range.clone(), &bar, false))
                .collect()
        })
        .map_err(|e| CommandError::Failed(e.to_string()))?;
        bar.finish_and_clear();
        for (a, recs) in records.iter().enumerate() {
            let mut bytes = Vec::new();
            codec::write_records(&mut bytes, recs).map_err(failed)?;
            folder.write(&arm_records(a), &bytes)?;
            drop(bytes);
            let widths = [
                0,
                recs.first().map_or(0, |r| r.day_series.len()),
                recs.first().map_or(0, |r| r.week_series.len()),
            ];
            let mut store = ColumnStore::new(widths.iter().sum(), u64::MAX);
            for part in recs.chunks(shard_chunk(&self.arms[a].model)) {
                let rows: Vec<Vec<&[f32]>> = part
                    .iter()
                    .map(|r| vec![&r.day_series[..], &r.week_series[..]])
                    .collect();
                store.push_chunk(&rows).map_err(failed)?;
            }
            folder.write_with(&arm_series(a), &mut |w| {
                codec::write_series(w, &mut store, widths)
            })?;
        }
        let arms = self
            .arms
            .iter()
            .map(|a| ShardArm {
                name: a.name.clone(),
                scenario_hash: a.model.scenario_hash.clone(),
            })
            .collect();
        let settings =
            serde_json::to_value(self.settings).map_err(|e| CommandError::Failed(e.to_string()))?;
        let slice = Slice {
            kind: "compare",
            model: base,
            partition: self.partition,
            range,
            arms,
            settings,
        };
        finish(folder, slice)
    }
}

fn failed(e: std::io::Error) -> CommandError {
    CommandError::Failed(format!("cannot write the shard: {e}"))
}

/// What a shard's `shard.json` says beside its files.
struct Slice<'a> {
    kind: &'a str,
    /// The model of the first arm.
    model: &'a Model,
    partition: Partition,
    range: std::ops::Range<u64>,
    arms: Vec<ShardArm>,
    settings: serde_json::Value,
}

/// Writes `shard.json` (the files so far with their checksums) and swaps
/// the folder into place.
fn finish(mut folder: OutputFolder, slice: Slice) -> Result<Vec<PathBuf>, CommandError> {
    let Slice {
        kind,
        model,
        partition,
        range,
        arms,
        settings,
    } = slice;
    let rows = range.end - range.start;
    let files = folder
        .files()
        .iter()
        .map(|f| ShardFile {
            path: f.path.clone(),
            bytes: f.bytes,
            sha256: f.sha256.clone(),
            rows,
        })
        .collect();
    let manifest = ShardManifest {
        format: FORMAT.into(),
        kind: kind.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        generator: crate::rng::GENERATOR.into(),
        scenario_hash: model.scenario_hash.clone(),
        seed: model.seed,
        replications: model.replications,
        partition: partition.index,
        partitions: partition.count,
        first_replication: range.start,
        end_replication: range.end,
        arms,
        settings,
        files,
    };
    folder.write(SHARD_FILE, &manifest.to_bytes())?;
    let written = folder.finish(Manifest::new(
        "shard",
        &model.scenario_hash,
        model.seed,
        model.replications,
    ))?;
    Ok(written)
}

/// What a shard run says when it is done.
pub(super) fn print_written(
    p: Partition,
    model: &Model,
    dir: &Path,
    written: &[PathBuf],
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    let r = p.range(model.replications);
    let text = format!(
        "Shard {} of {}: replications {}..{} of {}. Wrote {} files to {}; merge all {} shards with `surgesim merge`.\n",
        p.index,
        p.count,
        r.start,
        r.end,
        model.replications,
        written.len(),
        dir.display(),
        p.count
    );
    out.write_all(text.as_bytes()).map_err(stdout_err)
}
