//! `surgesim merge`: the shards of a run or comparison back into its
//! results, byte for byte the files the single run writes. The shards are
//! checked first (one run, every replication once, every file intact);
//! then their records are read one shard at a time in replication order,
//! their series pushed chunk by chunk into the same column store a run
//! fills (spilling to a temporary file above its budget, so memory stays
//! bounded), and the same summary and output code as `run` and `compare`
//! writes the folder.

use std::io::{BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::cli::MergeArgs;
use crate::kpi::RepRecord;
use crate::model::Model;
use crate::report::folder::OutputFolder;
use crate::runner::{
    ColumnStore, RunPhases, RunResult, series_widths, spill_budget, summarise_store,
};
use crate::shard::{Shard, ShardError, check_set, codec, verify_files};

use super::phases::Phases;
use super::shard::{DAYS, RECORDS, SERIES, arm_records, arm_series};
use super::{CommandError, limits};

/// Runs the command; the table goes to `out`.
pub fn merge(args: &MergeArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let started = std::time::Instant::now();
    let shards = args
        .shards
        .iter()
        .map(|d| Shard::open(d))
        .collect::<Result<Vec<_>, _>>()?;
    let shards = check_set(shards)?;
    // Every file checked before any work, so a damaged shard is named
    // before anything is written.
    for s in &shards {
        verify_files(s)?;
    }
    match shards[0].manifest.kind.as_str() {
        "run" => merge_run(args, &shards, out, started),
        "compare" => merge_compare(args, &shards, out, started),
        other => Err(ShardError::Refused(format!(
            "{}: shard kind `{other}`; this surgesim merges shards of `run` and `compare`",
            shards[0].name()
        ))
        .into()),
    }
}

fn refused(message: String) -> CommandError {
    ShardError::Refused(message).into()
}

/// The settings a shard recorded.
fn settings_of<T: serde::de::DeserializeOwned>(shard: &Shard) -> Result<T, CommandError> {
    serde_json::from_value(shard.manifest.settings.clone()).map_err(|e| {
        refused(format!(
            "{}: its recorded arguments cannot be read ({e}); rerun the shards with this version",
            shard.name()
        ))
    })
}

/// Refuses a model whose scenario is not the one the shards ran.
fn same_scenario(shard: &Shard, hash: &str, name: &str) -> Result<(), CommandError> {
    if shard.manifest.scenario_hash != hash
        && shard.manifest.arms.iter().all(|a| a.scenario_hash != hash)
    {
        return Err(refused(format!(
            "the scenario file of {name} has changed since the shards were written (its hash is {hash}, {} says {}); merge needs the scenario the shards ran, at the path they name (run merge from the same folder)",
            shard.name(),
            shard.manifest.scenario_hash
        )));
    }
    Ok(())
}

/// Opens file `name` of `shard` for reading.
fn open(shard: &Shard, name: &str) -> Result<BufReader<std::fs::File>, CommandError> {
    shard.file(name)?;
    let path = shard.dir.join(name);
    std::fs::File::open(&path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|source| {
            ShardError::Io {
                what: path.display().to_string(),
                source,
            }
            .into()
        })
}

/// A file of `shard` whose contents cannot be used.
fn damaged(shard: &Shard, name: &str, e: impl std::fmt::Display) -> CommandError {
    refused(format!(
        "{}: {name} cannot be read ({e}); rerun that shard",
        shard.name()
    ))
}

/// The records of `shard`'s file `name`, checked against its slice.
fn read_records(shard: &Shard, name: &str) -> Result<Vec<RepRecord>, CommandError> {
    let mut r = open(shard, name)?;
    let records = codec::read_records(&mut r).map_err(|e| damaged(shard, name, e))?;
    let m = &shard.manifest;
    let ok = records.len() as u64 == m.end_replication - m.first_replication
        && records
            .first()
            .is_none_or(|r| r.replication == m.first_replication);
    if !ok {
        return Err(damaged(
            shard,
            name,
            format!(
                "it holds {} replications, not {}..{}",
                records.len(),
                m.first_replication,
                m.end_replication
            ),
        ));
    }
    Ok(records)
}

/// Checks that a series file's rows and widths fit its records.
fn check_series<R: Read>(
    shard: &Shard,
    name: &str,
    reader: &codec::SeriesReader<R>,
    rows: usize,
    widths: [usize; 3],
) -> Result<(), CommandError> {
    if reader.rows != rows || reader.widths != widths {
        return Err(damaged(
            shard,
            name,
            format!(
                "{} rows of {:?} values, the scenario needs {rows} of {widths:?}",
                reader.rows, reader.widths
            ),
        ));
    }
    Ok(())
}

/// The output folder: `--out`, else the command's default.
fn out_dir(args: &MergeArgs, default: &str) -> PathBuf {
    args.out.clone().unwrap_or_else(|| PathBuf::from(default))
}

fn merge_run(
    args: &MergeArgs,
    shards: &[Shard],
    out: &mut dyn Write,
    started: std::time::Instant,
) -> Result<(), CommandError> {
    let settings: super::run::RunSettings = settings_of(&shards[0])?;
    let mut model = super::run::model_of(&settings)?;
    same_scenario(
        &shards[0],
        &model.scenario_hash,
        &scenario_name(settings.scenario.as_deref()),
    )?;
    let n = u64::from(model.replications);
    let threads = limits::threads(args.threads, n)?;
    let limit = limits::memory_limit(None)?;
    limits::check_memory(
        &[limits::Planned {
            model: &model,
            replications: n,
        }],
        limits::workers(threads),
        true,
        limit,
        "-n",
    )?;
    let dir = out_dir(args, "out");
    let (folder, notes) = OutputFolder::prepare(&dir)?;
    for n in notes {
        super::to_stderr(&format!("note: {n}"));
    }
    let widths = series_widths(&model);
    let result = crate::runner::with_threads(threads, || gather_run(&model, shards, widths))
        .map_err(|e| CommandError::Failed(e.to_string()))??;
    let elapsed = started.elapsed().as_secs_f64();
    let mut phases = Phases::start();
    let written =
        super::run::write_results(&mut model, &result, &settings, threads, folder, &mut phases)?;
    if !args.quiet {
        super::run::print_results(&model, &result, &dir, &written, elapsed, out)?;
    }
    Ok(())
}

/// "the bundled crisis" or the file's name, for messages.
fn scenario_name(path: Option<&Path>) -> String {
    path.map_or_else(
        || "the bundled crisis".to_string(),
        |p| p.display().to_string(),
    )
}

/// The run's records and summary from its shards, in replication order.
fn gather_run(
    model: &Model,
    shards: &[Shard],
    widths: [usize; 3],
) -> Result<RunResult, CommandError> {
    let io = |e: std::io::Error| CommandError::Failed(format!("cannot keep the series: {e}"));
    let mut store = ColumnStore::new(widths.iter().sum(), spill_budget(None));
    let mut records = Vec::with_capacity(model.replications as usize);
    let mut days = None;
    for s in shards {
        let mut recs = read_records(s, RECORDS)?;
        let mut series =
            codec::SeriesReader::new(open(s, SERIES)?).map_err(|e| damaged(s, SERIES, e))?;
        check_series(s, SERIES, &series, recs.len(), widths)?;
        while let Some((rows, data)) = series.next_chunk().map_err(|e| damaged(s, SERIES, e))? {
            store.push_transposed(rows, data).map_err(io)?;
        }
        records.append(&mut recs);
        if s.manifest.files.iter().any(|f| f.path == DAYS) {
            let file = match &mut days {
                Some(f) => f,
                None => {
                    let mut f = tempfile::tempfile().map_err(io)?;
                    f.write_all(&crate::report::csv::replication_days_header())
                        .map_err(io)?;
                    days.insert(f)
                }
            };
            append_days(s, file)?;
        }
    }
    let summary = summarise_store(model, &records, &mut store, widths).map_err(io)?;
    let replication_days = match days {
        Some(mut f) => {
            f.rewind().map_err(io)?;
            Some(std::sync::Arc::new(f))
        }
        None => None,
    };
    Ok(RunResult {
        records,
        summary,
        phases: RunPhases::default(),
        replication_days,
    })
}

/// Appends the rows of `shard`'s `replications_days.csv` (after its
/// header) to `to`.
fn append_days(shard: &Shard, to: &mut std::fs::File) -> Result<(), CommandError> {
    let header = crate::report::csv::replication_days_header();
    let mut r = open(shard, DAYS)?;
    let mut head = vec![0u8; header.len()];
    r.read_exact(&mut head)
        .map_err(|e| damaged(shard, DAYS, e))?;
    if head != header {
        return Err(damaged(shard, DAYS, "its header is not this version's"));
    }
    std::io::copy(&mut r, to)
        .map_err(|e| CommandError::Failed(format!("cannot copy {DAYS}: {e}")))?;
    Ok(())
}

fn merge_compare(
    args: &MergeArgs,
    shards: &[Shard],
    out: &mut dyn Write,
    started: std::time::Instant,
) -> Result<(), CommandError> {
    let settings: super::compare::CompareSettings = settings_of(&shards[0])?;
    let mut arms = super::compare::arms_of(&settings)?;
    let recorded = &shards[0].manifest.arms;
    let same = arms.len() == recorded.len()
        && arms
            .iter()
            .zip(recorded)
            .all(|(a, b)| a.name == b.name && a.model.scenario_hash == b.scenario_hash);
    if !same {
        return Err(refused(format!(
            "the scenario files have changed since the shards were written: the arms are now {}, {} ran {}; merge needs the scenarios the shards ran, at the paths they name",
            arms.iter()
                .map(|a| format!("{} ({})", a.name, a.model.scenario_hash))
                .collect::<Vec<_>>()
                .join(", "),
            shards[0].name(),
            recorded
                .iter()
                .map(|a| format!("{} ({})", a.name, a.scenario_hash))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let n = u64::from(arms[0].model.replications);
    let threads = limits::threads(args.threads, n)?;
    let limit = limits::memory_limit(None)?;
    let planned: Vec<limits::Planned> = arms
        .iter()
        .map(|a| limits::Planned {
            model: &a.model,
            replications: n,
        })
        .collect();
    limits::check_memory(&planned, limits::workers(threads), false, limit, "-n")?;
    let dir = out_dir(args, "out/compare");
    let (folder, notes) = OutputFolder::prepare(&dir)?;
    for n in notes {
        super::to_stderr(&format!("note: {n}"));
    }
    for s in shards {
        for (a, arm) in arms.iter_mut().enumerate() {
            let mut recs = read_records(s, &arm_records(a))?;
            let name = arm_series(a);
            let mut series =
                codec::SeriesReader::new(open(s, &name)?).map_err(|e| damaged(s, &name, e))?;
            let [_, d, w] = series_widths(&arm.model);
            check_series(s, &name, &series, recs.len(), [0, d, w])?;
            let mut at = 0;
            while let Some((rows, data)) = series.next_chunk().map_err(|e| damaged(s, &name, e))? {
                codec::untranspose_into(&mut recs[at..at + rows], &data, [0, d, w]);
                at += rows;
            }
            arm.records.append(&mut recs);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (cmp, written) = super::compare::write_comparison(arms, &settings, "", folder)?;
    if !args.quiet {
        super::compare::print_comparison(&cmp, "", &written, &dir, elapsed, out)?;
    }
    Ok(())
}
