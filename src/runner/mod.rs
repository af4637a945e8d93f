//! Monte Carlo replications in parallel (rayon), gathered in replication
//! order, and their summary. Each replication draws only from its own random
//! streams, so results are identical whatever the number of threads.
//!
//! Memory: replications run in chunks (in parallel within a chunk). Each
//! chunk's interval, daily and weekly series move into a [`ColumnStore`],
//! transposed, and leave the records, which keep only their KPIs; the
//! store spills to a temporary file above a byte budget. The statistics of
//! every column (exact percentiles: all values of a column, sorted) are then
//! computed block of columns by block, in parallel. So a run holds the KPIs
//! of every replication, one chunk and one block, whatever its length;
//! see [`Footprint`].

mod footprint;
pub mod store;

pub use footprint::{BASE_BYTES, Footprint, Parts};
pub use store::ColumnStore;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::engine::simulate;
use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, RepRecord, TOPIC_KPIS, series_width};
use crate::model::Model;
use crate::stats::Stat;

/// Bytes the series store holds in memory before it spills to a temporary
/// file, unless [`RunOptions::spill_bytes`] or the environment variable
/// `SURGESIM_SPILL_BYTES` says otherwise.
pub const SPILL_BYTES: u64 = 256_000_000;

/// Bytes of series a chunk of replications aims at (the chunk is at least
/// four replications per worker thread, so that they stay busy).
pub const CHUNK_BYTES: u64 = 64_000_000;

/// Bytes of one block of columns read back for the statistics.
pub const BLOCK_BYTES: u64 = 64_000_000;

/// How to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// Bytes of series held in memory before they spill to a temporary
    /// file (0: spill from the start); `None`: `SURGESIM_SPILL_BYTES` if
    /// set, else [`SPILL_BYTES`]. The results do not depend on it.
    pub spill_bytes: Option<u64>,
    /// Replications per chunk; `None`: `SURGESIM_CHUNK_REPLICATIONS` if
    /// set, else about [`CHUNK_BYTES`] of series. The results do not depend
    /// on it.
    pub chunk_replications: Option<usize>,
    /// Keep every replication's daily main metrics as `replications_days.csv`
    /// rows, in a temporary file ([`RunResult::replication_days`]).
    pub replication_days: bool,
}

/// The replications and their summary.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// One record per replication, in replication order, with its KPIs;
    /// its series (interval, daily, weekly) are left empty: their
    /// statistics are in [`Summary`].
    pub records: Vec<RepRecord>,
    /// Statistics across replications.
    pub summary: Summary,
    /// Wall-clock seconds of the run's phases: simulating (with the
    /// per-replication records), storing the series, summarising.
    pub phases: RunPhases,
    /// With [`RunOptions::replication_days`]: `replications_days.csv`, in a
    /// temporary file (rewound), written as the replications ran.
    pub replication_days: Option<std::sync::Arc<std::fs::File>>,
}

/// Wall-clock seconds of the phases of [`run`] (for `run --timings`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunPhases {
    /// Simulating the replications and condensing each into its record.
    pub simulate_s: f64,
    /// Moving the series into the column store (in memory or spilled).
    pub store_s: f64,
    /// Statistics across replications.
    pub summarise_s: f64,
}

/// Statistics across replications.
#[derive(Debug, Clone)]
pub struct Summary {
    /// `[channel][kpi]` in [`CHANNEL_KPIS`] order.
    pub channel_kpis: Vec<Vec<Stat>>,
    /// `[topic][kpi]` in [`TOPIC_KPIS`] order.
    pub topic_kpis: Vec<Vec<Stat>>,
    /// `[pool][kpi]` in [`POOL_KPIS`] order.
    pub pool_kpis: Vec<Vec<Stat>>,
    /// `[action][kpi]` in [`ACTION_KPIS`](crate::kpi::ACTION_KPIS) order.
    pub action_kpis: Vec<Vec<Stat>>,
    /// In [`TOTAL_KPIS`](crate::kpi::TOTAL_KPIS) order.
    pub total_kpis: Vec<Stat>,
    /// Per interval, laid out like [`RepRecord::series`].
    pub intervals: Vec<Stat>,
    /// Per day, laid out like [`RepRecord::day_series`]; empty when the
    /// reporting interval is longer than a day.
    pub days: Vec<Stat>,
    /// The same per week (7 days from the start, the last one possibly
    /// shorter), laid out like [`RepRecord::week_series`].
    pub weeks: Vec<Stat>,
    /// Events processed in all replications.
    pub events: u64,
}

/// Errors of the runner.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// Cause.
        source: rayon::ThreadPoolBuildError,
    },
    /// The series could not be written to or read from the temporary file.
    #[error("cannot keep the series in a temporary file: {0}")]
    Spill(#[from] std::io::Error),
}

/// Values per replication of the interval, daily and weekly series of
/// `model`, as [`RepRecord::from_outcome`] lays them out.
pub fn series_widths(model: &Model) -> [usize; 3] {
    let width = series_width(model);
    if model.interval_s <= crate::model::DAY_S {
        let days = model.days as usize;
        [
            model.n_intervals * width,
            days * width,
            days.div_ceil(7) * width,
        ]
    } else {
        [model.n_intervals * width, 0, 0]
    }
}

/// Replications per chunk for rows of `row_bytes` on `workers` threads:
/// about [`CHUNK_BYTES`], at least four per worker.
pub fn chunk_replications(row_bytes: u64, workers: usize) -> usize {
    let by_bytes = usize::try_from(CHUNK_BYTES / row_bytes.max(1)).unwrap_or(usize::MAX);
    by_bytes.max(4 * workers.max(1)).min(4096)
}

/// The series store's budget in memory: `option` if given, else
/// `SURGESIM_SPILL_BYTES` if set, else [`SPILL_BYTES`].
pub fn spill_budget(option: Option<u64>) -> u64 {
    option
        .or_else(|| from_env("SURGESIM_SPILL_BYTES"))
        .unwrap_or(SPILL_BYTES)
}

/// A number from the environment variable `name`, if set.
fn from_env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.trim().parse().ok()
}

/// Runs `model.replications` replications.
pub fn run(model: &Model, opts: RunOptions) -> Result<RunResult, RunError> {
    let n = u64::from(model.replications);
    let work = || -> Result<RunResult, RunError> {
        let mut sim = simulate_chunks(model, 0..n, opts)?;
        let t = std::time::Instant::now();
        let summary = summarise_store(model, &sim.records, &mut sim.store, sim.widths)?;
        sim.phases.summarise_s = t.elapsed().as_secs_f64();
        Ok(RunResult {
            records: sim.records,
            summary,
            phases: sim.phases,
            replication_days: sim.replication_days,
        })
    };
    with_threads(opts.threads, work)?
}

/// Replications `range` of a model, simulated but not summarised (a shard,
/// see [`crate::shard`]): their records with the KPIs, the series in a
/// [`ColumnStore`].
#[derive(Debug)]
pub struct Simulated {
    /// One record per replication, in replication order, its series moved
    /// into [`Self::store`].
    pub records: Vec<RepRecord>,
    /// The interval, daily and weekly series, one row per record.
    pub store: ColumnStore,
    /// Values per row of the three series, as [`series_widths`].
    pub widths: [usize; 3],
    /// With [`RunOptions::replication_days`]: `replications_days.csv` (its
    /// header and these replications' rows), in a temporary file (rewound).
    pub replication_days: Option<std::sync::Arc<std::fs::File>>,
    /// Wall-clock seconds of simulating and storing.
    pub phases: RunPhases,
}

/// Simulates replications `range` of `model` (on `opts.threads` workers)
/// without summarising them.
pub fn simulate_range(
    model: &Model,
    range: std::ops::Range<u64>,
    opts: RunOptions,
) -> Result<Simulated, RunError> {
    with_threads(opts.threads, || simulate_chunks(model, range, opts))?
}

/// Simulates replications `range` chunk by chunk on the current pool,
/// moving each chunk's series into a column store.
fn simulate_chunks(
    model: &Model,
    range: std::ops::Range<u64>,
    opts: RunOptions,
) -> Result<Simulated, RunError> {
    use std::io::Write;
    let n = range.end.saturating_sub(range.start);
    let bar = progress_bar(n, opts.progress);
    let budget = spill_budget(opts.spill_bytes);
    let widths = match series_widths(model) {
        // Without replications the daily and weekly statistics are empty.
        [intervals, ..] if n == 0 => [intervals, 0, 0],
        w => w,
    };
    let row: usize = widths.iter().sum();
    let chunk = opts
        .chunk_replications
        .or_else(|| from_env("SURGESIM_CHUNK_REPLICATIONS"))
        .unwrap_or_else(|| chunk_replications(row as u64 * 4, rayon::current_num_threads()))
        .max(1) as u64;
    let mut store = ColumnStore::new(row, budget);
    let mut days_file = if opts.replication_days {
        let mut w = std::io::BufWriter::new(tempfile::tempfile()?);
        w.write_all(&crate::report::csv::replication_days_header())?;
        Some(w)
    } else {
        None
    };
    let mut records = Vec::with_capacity(n as usize);
    let mut start = range.start;
    let mut phases = RunPhases::default();
    let clock = std::time::Instant::now;
    while start < range.end {
        let end = (start + chunk).min(range.end);
        let t = clock();
        let mut recs = simulate_records(model, start..end, &bar, true);
        if let Some(w) = &mut days_file {
            let rows: Vec<Vec<u8>> = recs
                .par_iter()
                .map(|r| crate::report::csv::replication_days_rows(model, r))
                .collect::<std::io::Result<_>>()?;
            for r in rows {
                w.write_all(&r)?;
            }
        }
        let t2 = clock();
        store_series(&mut store, &mut recs)?;
        phases.simulate_s += (t2 - t).as_secs_f64();
        phases.store_s += t2.elapsed().as_secs_f64();
        records.append(&mut recs);
        start = end;
    }
    bar.finish_and_clear();
    let replication_days = match days_file {
        Some(w) => {
            use std::io::Seek;
            let mut f = w.into_inner().map_err(|e| e.into_error())?;
            f.seek(std::io::SeekFrom::Start(0))?;
            Some(std::sync::Arc::new(f))
        }
        None => None,
    };
    Ok(Simulated {
        records,
        store,
        widths,
        replication_days,
        phases,
    })
}

/// Moves the series of `recs` into `store` (one row per record: interval,
/// daily, weekly series) and frees them in the records.
fn store_series(store: &mut ColumnStore, recs: &mut [RepRecord]) -> std::io::Result<()> {
    let rows: Vec<Vec<&[f32]>> = recs
        .iter()
        .map(|r| vec![&r.series[..], &r.day_series[..], &r.week_series[..]])
        .collect();
    store.push_chunk(&rows)?;
    for r in recs {
        r.series = Vec::new();
        r.day_series = Vec::new();
        r.week_series = Vec::new();
    }
    Ok(())
}

/// Simulates replications `range` of `model` on the current rayon pool, in
/// replication order; `keep_series` keeps the per-interval series (large:
/// intervals × metrics per replication), otherwise only the daily ones.
pub fn simulate_records(
    model: &Model,
    range: std::ops::Range<u64>,
    bar: &ProgressBar,
    keep_series: bool,
) -> Vec<RepRecord> {
    range
        .into_par_iter()
        .map(|r| {
            let out = simulate(model, r);
            let mut rec = RepRecord::from_outcome(model, &out);
            if !keep_series {
                rec.series = Vec::new();
            }
            bar.inc(1);
            rec
        })
        .collect()
}

/// Runs `work` on a pool of `threads` workers (`None`: rayon's global pool,
/// one per core).
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> Result<T, RunError> {
    match threads {
        Some(threads) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| RunError::Threads { threads, source })?
            .install(work)),
        None => Ok(work()),
    }
}

/// A progress bar for `n` replications on standard error (hidden unless
/// `show`).
pub fn progress_bar(n: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(n);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} replications ({rate}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        ),
    );
    bar
}

/// Statistics across replications of every KPI and interval metric, from
/// records that still hold their series (as [`simulate_records`] returns
/// them); the intervals are left out if any record has none.
pub fn summarise(model: &Model, records: &[RepRecord]) -> Summary {
    let intervals = if records.iter().any(|r| r.series.is_empty()) {
        0
    } else {
        model.n_intervals * series_width(model)
    };
    let first = records.first();
    let widths = [
        intervals,
        first.map_or(0, |r| r.day_series.len()),
        first.map_or(0, |r| r.week_series.len()),
    ];
    let mut store = ColumnStore::new(widths.iter().sum(), u64::MAX);
    let rows: Vec<Vec<&[f32]>> = records
        .iter()
        .map(|r| {
            vec![
                &r.series[..widths[0]],
                &r.day_series[..],
                &r.week_series[..],
            ]
        })
        .collect();
    let held = store.push_chunk(&rows).and_then(|()| {
        drop(rows);
        summarise_store(model, records, &mut store, widths)
    });
    // In memory (no budget), nothing to fail.
    held.unwrap_or_else(|e| unreachable!("a column store in memory failed: {e}"))
}

/// Statistics across replications: the KPIs from `records`, the interval,
/// daily and weekly series from `store` (one row per record, the three
/// series of `widths` values one after the other).
pub fn summarise_store(
    model: &Model,
    records: &[RepRecord],
    store: &mut ColumnStore,
    widths: [usize; 3],
) -> std::io::Result<Summary> {
    let nc = model.channels.len();
    let np = model.pools.len();
    let stat_of = |f: &dyn Fn(&RepRecord) -> f64| -> Stat {
        Stat::of(&records.iter().map(f).collect::<Vec<_>>())
    };
    let channel_kpis = (0..nc)
        .map(|c| {
            (0..CHANNEL_KPIS.len())
                .map(|k| stat_of(&|r| r.channel_kpis[c][k]))
                .collect()
        })
        .collect();
    let topic_kpis = (0..model.topics.len())
        .map(|t| {
            (0..TOPIC_KPIS.len())
                .map(|k| stat_of(&|r| r.topic_kpis[t][k]))
                .collect()
        })
        .collect();
    let pool_kpis = (0..np)
        .map(|p| {
            (0..POOL_KPIS.len())
                .map(|k| stat_of(&|r| r.pool_kpis[p][k]))
                .collect()
        })
        .collect();
    let total_kpis = (0..crate::kpi::TOTAL_KPIS.len())
        .map(|k| stat_of(&|r| r.total_kpis[k]))
        .collect();
    let n = records.len().max(1) as f64;
    let action_kpis = (0..model.actions.len())
        .map(|a| {
            let fired: Vec<&crate::engine::Firing> = records
                .iter()
                .filter_map(|r| r.firings.iter().find(|f| f.action == a && !f.release))
                .collect();
            let released = records
                .iter()
                .filter(|r| r.firings.iter().any(|f| f.action == a && f.release))
                .count();
            let share = |k: usize| {
                let x = k as f64 / n;
                Stat {
                    mean: x,
                    ci95: f64::NAN,
                    p5: x,
                    p25: x,
                    p50: x,
                    p75: x,
                    p95: x,
                    n: records.len(),
                }
            };
            let days = |f: &dyn Fn(&crate::engine::Firing) -> f64| {
                let mut v: Vec<f64> = fired
                    .iter()
                    .map(|x| f(x))
                    .filter(|&t| t <= model.horizon_s)
                    .map(|t| (t / crate::model::DAY_S).floor())
                    .collect();
                v.sort_by(f64::total_cmp);
                Stat::of_sorted(&v)
            };
            vec![
                share(fired.len()),
                days(&|x| x.decided_s),
                days(&|x| x.effect_s),
                share(released),
            ]
        })
        .collect();
    let mut columns = column_stats(store)?;
    let weeks = columns.split_off(widths[0] + widths[1]);
    let days = columns.split_off(widths[0]);
    let intervals = columns;
    Ok(Summary {
        channel_kpis,
        topic_kpis,
        pool_kpis,
        action_kpis,
        total_kpis,
        intervals,
        days,
        weeks,
        events: records.iter().map(|r| r.events).sum(),
    })
}

/// The [`Stat`] of every column of `store`, in column order: a column's
/// values as `f64`, NaN left out, sorted; read block of columns by block
/// (about [`BLOCK_BYTES`] each), the columns of a block in parallel.
pub fn column_stats(store: &mut ColumnStore) -> std::io::Result<Vec<Stat>> {
    let rows = store.rows();
    let width = store.width();
    let per_block = usize::try_from(BLOCK_BYTES / (4 * rows.max(1) as u64))
        .unwrap_or(usize::MAX)
        .max(1);
    let mut stats = Vec::with_capacity(width);
    let mut buf = Vec::new();
    let mut start = 0;
    while start < width {
        let end = (start + per_block).min(width);
        let block = store.read_block(start..end, &mut buf)?;
        let block_stats: Vec<Stat> = (0..block.columns())
            .into_par_iter()
            .map_init(
                || Vec::with_capacity(rows),
                |v: &mut Vec<f64>, j| {
                    v.clear();
                    v.extend(block.column(j).map(f64::from).filter(|x| !x.is_nan()));
                    // Values equal under total_cmp have the same bits, so an
                    // unstable sort gives the same order as a stable one.
                    v.sort_unstable_by(f64::total_cmp);
                    Stat::of_sorted(v)
                },
            )
            .collect();
        stats.extend(block_stats);
        start = end;
    }
    Ok(stats)
}
