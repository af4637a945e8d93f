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

use std::sync::{Condvar, Mutex, PoisonError};

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
    let store = ColumnStore::new(row, budget);
    let days_file = if opts.replication_days {
        let mut w = std::io::BufWriter::new(tempfile::tempfile()?);
        w.write_all(&crate::report::csv::replication_days_header())?;
        Some(w)
    } else {
        None
    };
    let t = std::time::Instant::now();
    let line = Pipeline::new(model, range, chunk, Sink::new(store, days_file, n as usize));
    rayon::broadcast(|_| line.work(&bar));
    // What the workers left ready when the last one stopped.
    line.drain(true);
    let Sink {
        store,
        days: days_file,
        records,
        result,
        store_s,
    } = line
        .sink
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    result?;
    let phases = RunPhases {
        simulate_s: t.elapsed().as_secs_f64(),
        store_s,
        summarise_s: 0.0,
    };
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

/// The replications of a run in flight: every worker of the pool takes the
/// next replication number as soon as it has finished one, so they are
/// busy until the last replication, with no pause at the end of a chunk;
/// the finished records wait for the rest of their chunk, and a complete
/// chunk goes to the series store (in chunk order, whichever worker is
/// free) while the others go on simulating. A worker waits only if the
/// store falls behind by a whole chunk, so that at most two chunks of
/// records (and one chunk transposed) are in memory.
struct Pipeline<'a> {
    model: &'a Model,
    /// Replications to run end before this; chunk length.
    end: u64,
    chunk: u64,
    waiting: Mutex<Waiting>,
    /// Signalled when a chunk has been stored or the run failed.
    stored: Condvar,
    sink: Mutex<Sink>,
}

/// The records between the simulation and the store.
struct Waiting {
    /// The next replication to start.
    next: u64,
    /// Replications below this are stored (or being stored).
    cut: u64,
    /// Replications below this are stored.
    stored: u64,
    /// Finished replications from `cut` on.
    finished: std::collections::BTreeMap<u64, RepRecord>,
    /// Complete chunks, in order, not yet stored.
    ready: std::collections::VecDeque<Vec<RepRecord>>,
    /// A worker failed (an error storing, or a panic): the others stop.
    failed: bool,
}

/// Where complete chunks go.
struct Sink {
    store: ColumnStore,
    days: Option<std::io::BufWriter<std::fs::File>>,
    /// The records, in replication order, their series moved to the store.
    records: Vec<RepRecord>,
    result: std::io::Result<()>,
    /// Seconds spent storing (alongside the simulation).
    store_s: f64,
}

impl Sink {
    fn new(
        store: ColumnStore,
        days: Option<std::io::BufWriter<std::fs::File>>,
        replications: usize,
    ) -> Self {
        Sink {
            store,
            days,
            records: Vec::with_capacity(replications),
            result: Ok(()),
            store_s: 0.0,
        }
    }

    /// Stores one chunk of records (the `replications_days.csv` rows,
    /// the series) and keeps the records.
    fn take(&mut self, model: &Model, mut recs: Vec<RepRecord>) -> std::io::Result<()> {
        use std::io::Write;
        if let Some(w) = &mut self.days {
            let rows: Vec<Vec<u8>> = recs
                .par_iter()
                .map(|r| crate::report::csv::replication_days_rows(model, r))
                .collect::<std::io::Result<_>>()?;
            for r in rows {
                w.write_all(&r)?;
            }
        }
        store_series(&mut self.store, &mut recs)?;
        self.records.append(&mut recs);
        Ok(())
    }
}

/// Stops the other workers if this one panics (they would otherwise wait
/// for a chunk that never comes).
struct StopOthers<'a, 'm>(&'a Pipeline<'m>);

impl Drop for StopOthers<'_, '_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.fail();
        }
    }
}

impl<'a> Pipeline<'a> {
    fn new(model: &'a Model, range: std::ops::Range<u64>, chunk: u64, sink: Sink) -> Self {
        Pipeline {
            model,
            end: range.end,
            chunk: chunk.max(1),
            waiting: Mutex::new(Waiting {
                next: range.start,
                cut: range.start,
                stored: range.start,
                finished: std::collections::BTreeMap::new(),
                ready: std::collections::VecDeque::new(),
                failed: false,
            }),
            stored: Condvar::new(),
            sink: Mutex::new(sink),
        }
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fail(&self) {
        self.waiting().failed = true;
        self.stored.notify_all();
    }

    /// One worker's share: replications until none is left.
    fn work(&self, bar: &ProgressBar) {
        let _guard = StopOthers(self);
        while let Some(r) = self.next() {
            let rec = RepRecord::from_outcome(self.model, &simulate(self.model, r));
            bar.inc(1);
            self.finish(r, rec);
            self.drain(false);
        }
    }

    /// The next replication to run, once the store is at most a chunk
    /// behind; `None` when none is left or the run failed.
    fn next(&self) -> Option<u64> {
        let mut w = self.waiting();
        loop {
            if w.failed || w.next >= self.end {
                return None;
            }
            if w.next < w.stored + 2 * self.chunk {
                break;
            }
            if !w.ready.is_empty() {
                // Store it here rather than wait for another worker.
                drop(w);
                self.drain(true);
                w = self.waiting();
                continue;
            }
            w = self.stored.wait(w).unwrap_or_else(PoisonError::into_inner);
        }
        w.next += 1;
        Some(w.next - 1)
    }

    /// Files replication `r`'s record; a chunk it completes becomes ready.
    fn finish(&self, r: u64, rec: RepRecord) {
        let mut w = self.waiting();
        w.finished.insert(r, rec);
        loop {
            let hi = (w.cut + self.chunk).min(self.end);
            if w.cut >= hi || w.finished.range(w.cut..hi).count() as u64 != hi - w.cut {
                break;
            }
            let rest = w.finished.split_off(&hi);
            let chunk = std::mem::replace(&mut w.finished, rest);
            w.ready.push_back(chunk.into_values().collect());
            w.cut = hi;
            // A worker waiting for the store may store it.
            self.stored.notify_all();
        }
    }

    /// Stores the ready chunks, in order: if `block`, after waiting for
    /// the store; otherwise only if no other worker is storing.
    fn drain(&self, block: bool) {
        use std::sync::TryLockError;
        let mut sink = if block {
            self.sink.lock().unwrap_or_else(PoisonError::into_inner)
        } else {
            match self.sink.try_lock() {
                Ok(s) => s,
                Err(TryLockError::WouldBlock) => return,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
            }
        };
        loop {
            let Some(recs) = self.waiting().ready.pop_front() else {
                return;
            };
            let n = recs.len() as u64;
            let t = std::time::Instant::now();
            // After a failure the rest is not stored.
            let done = match &sink.result {
                Ok(()) => sink.take(self.model, recs),
                Err(_) => Ok(()),
            };
            sink.store_s += t.elapsed().as_secs_f64();
            let mut w = self.waiting();
            w.stored += n;
            if let Err(e) = done {
                w.failed = true;
                if sink.result.is_ok() {
                    sink.result = Err(e);
                }
            }
            drop(w);
            self.stored.notify_all();
        }
    }
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
    // The KPIs beside the series (the series in parallel inside).
    let (kpis, columns) = rayon::join(|| kpi_stats(model, records), || column_stats(store));
    let KpiStats {
        channel_kpis,
        topic_kpis,
        pool_kpis,
        action_kpis,
        total_kpis,
    } = kpis;
    let mut columns = columns?;
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

/// The statistics of the KPIs, laid out as in [`Summary`].
struct KpiStats {
    channel_kpis: Vec<Vec<Stat>>,
    topic_kpis: Vec<Vec<Stat>>,
    pool_kpis: Vec<Vec<Stat>>,
    action_kpis: Vec<Vec<Stat>>,
    total_kpis: Vec<Stat>,
}

/// The statistics across `records` of every KPI.
fn kpi_stats(model: &Model, records: &[RepRecord]) -> KpiStats {
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
    KpiStats {
        channel_kpis,
        topic_kpis,
        pool_kpis,
        action_kpis,
        total_kpis,
    }
}

/// The [`Stat`] of every column of `store`, in column order: a column's
/// values as `f64`, NaN left out, sorted; the columns in parallel, read in
/// place from a store in memory, or block of columns by block (about
/// [`BLOCK_BYTES`] each) from a spilled one.
pub fn column_stats(store: &mut ColumnStore) -> std::io::Result<Vec<Stat>> {
    let rows = store.rows();
    let width = store.width();
    // A store in memory is read in place: one block, no copy.
    let per_block = if store.spilled() {
        usize::try_from(BLOCK_BYTES / (4 * rows.max(1) as u64))
            .unwrap_or(usize::MAX)
            .max(1)
    } else {
        width.max(1)
    };
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
