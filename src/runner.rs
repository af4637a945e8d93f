//! Monte Carlo replications in parallel (rayon), gathered in replication
//! order, and their summary. Each replication draws only from its own random
//! streams, so results are identical whatever the number of threads.

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::engine::simulate;
use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, RepRecord, TOPIC_KPIS, series_width};
use crate::model::Model;
use crate::stats::Stat;

/// How to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
    /// Show a progress bar on standard error.
    pub progress: bool,
}

/// The replications and their summary.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// One record per replication, in replication order.
    pub records: Vec<RepRecord>,
    /// Statistics across replications.
    pub summary: Summary,
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
    /// `[action][kpi]` in [`ACTION_KPIS`] order.
    pub action_kpis: Vec<Vec<Stat>>,
    /// In [`TOTAL_KPIS`] order.
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
}

/// Runs `model.replications` replications.
pub fn run(model: &Model, opts: RunOptions) -> Result<RunResult, RunError> {
    let n = u64::from(model.replications);
    let bar = progress_bar(n, opts.progress);
    let work = || simulate_records(model, 0..n, &bar, true);
    let records = with_threads(opts.threads, work)?;
    bar.finish_and_clear();
    let summary = summarise(model, &records);
    Ok(RunResult { records, summary })
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

/// Statistics across replications of every KPI and interval metric.
pub fn summarise(model: &Model, records: &[RepRecord]) -> Summary {
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
    let columns = |get: &dyn Fn(&RepRecord) -> &[f32], width: usize| -> Vec<Stat> {
        let mut buf = Vec::with_capacity(records.len());
        (0..width)
            .map(|j| {
                buf.clear();
                buf.extend(
                    records
                        .iter()
                        .map(|r| f64::from(get(r)[j]))
                        .filter(|x| !x.is_nan()),
                );
                buf.sort_by(f64::total_cmp);
                Stat::of_sorted(&buf)
            })
            .collect()
    };
    let intervals = if records.iter().any(|r| r.series.is_empty()) {
        Vec::new()
    } else {
        columns(&|r| &r.series, model.n_intervals * series_width(model))
    };
    let day_width = records.first().map_or(0, |r| r.day_series.len());
    let days = columns(&|r| &r.day_series, day_width);
    let week_width = records.first().map_or(0, |r| r.week_series.len());
    let weeks = columns(&|r| &r.week_series, week_width);
    Summary {
        channel_kpis,
        topic_kpis,
        pool_kpis,
        action_kpis,
        total_kpis,
        intervals,
        days,
        weeks,
        events: records.iter().map(|r| r.events).sum(),
    }
}

/// Memory that does not grow with the run: the program, the model, fonts
/// and chart buffers (measured: 39 MB resident for one replication of the
/// bundled crisis with all its outputs, of which about 30 MB are the
/// replication, its statistics and intervals.csv).
pub const BASE_BYTES: u64 = 32_000_000;

/// Bytes of one row of intervals.csv, days.csv or weeks.csv (measured on
/// the bundled crisis: 250 to 290 bytes a row; rounded up).
const CSV_ROW_BYTES: u64 = 300;

/// Engine state of one replication in flight apart from its interval
/// tallies: queues, staff, calendar (measured: each extra worker thread
/// adds about 10 MB on the bundled crisis, of which about 5 MB are its
/// tallies and record).
const ENGINE_BYTES: u64 = 8_000_000;

/// What one model's run keeps in memory, by what it grows with; see
/// [`Footprint::total`]. Estimated from the layout of [`RepRecord`],
/// [`crate::engine::RepOutcome`] and [`Summary`] before anything runs, so
/// that a run that cannot fit is refused up front rather than failing
/// halfway.
///
/// Calibration (`/usr/bin/time -v`, maximum resident set size, one worker,
/// `--format csv,json`): the bundled crisis (120 days, hourly, 112 series)
/// grows by 1.36 MB per replication (173 MB at 100 replications, 65 MB at
/// 20), where [`RepRecord::series`] alone is 2,880 × 112 × 4 bytes =
/// 1.29 MB; at a 1-minute interval one replication takes 1.64 GB and three
/// 1.84 GB, against 1.77 GB and 1.93 GB estimated here. A comparison keeps
/// no interval series but holds about 107 KB per arm and replication for
/// 62 KB of daily and weekly series (freed interval series leave the heap
/// fragmented), hence the factor 2 on kept series without intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    /// Kept per replication (its [`RepRecord`]), bytes.
    pub per_replication: u64,
    /// Per worker thread while a replication is simulated, bytes.
    pub per_worker: u64,
    /// The statistics across replications ([`Summary`]), bytes.
    pub statistics: u64,
    /// The result files held while they are written, bytes.
    pub files: u64,
    /// Reporting intervals of the horizon.
    pub intervals: usize,
    /// Series per interval ([`series_width`]).
    pub series: usize,
}

impl Footprint {
    /// Of a run of `model`; `keep_series` as in [`simulate_records`].
    pub fn of(model: &Model, keep_series: bool) -> Footprint {
        use crate::engine::{ChannelInterval, Counts, PoolTally};
        use std::mem::size_of;
        let nc = model.channels.len() as u64;
        let np = model.pools.len() as u64;
        let nt = model.topics.len() as u64;
        let width = series_width(model) as u64;
        let intervals = model.n_intervals as u64;
        let (days, weeks) = if model.interval_s <= crate::model::DAY_S {
            let d = u64::from(model.days);
            (d, d.div_ceil(7))
        } else {
            (0, 0)
        };
        let kpis = nc * CHANNEL_KPIS.len() as u64
            + nt * TOPIC_KPIS.len() as u64
            + np * POOL_KPIS.len() as u64
            + crate::kpi::TOTAL_KPIS.len() as u64;
        // Vec headers, firings and the allocator's rounding.
        let record_fixed = kpis * 8 + (nc + nt + np + 8) * 24 + 1024;
        let series_bytes = intervals * width * 4;
        let daily_bytes = (days + weeks) * width * 4;
        let per_replication = if keep_series {
            series_bytes + daily_bytes + record_fixed
        } else {
            2 * daily_bytes + record_fixed
        };
        let tallies = intervals
            * (nc * size_of::<ChannelInterval>() as u64 + np * size_of::<PoolTally>() as u64)
            + nc * nt * size_of::<Counts>() as u64;
        // The outcome's tallies, plus the whole record built from them.
        let per_worker = ENGINE_BYTES + tallies + series_bytes + daily_bytes + record_fixed;
        let stat = size_of::<Stat>() as u64;
        let kept_intervals = if keep_series { intervals } else { 0 };
        let statistics = (kept_intervals + days + weeks) * width * stat;
        let rows = (kept_intervals + days + weeks) * (nc + np);
        let files = rows * CSV_ROW_BYTES;
        Footprint {
            per_replication,
            per_worker,
            statistics,
            files,
            intervals: model.n_intervals,
            series: width as usize,
        }
    }

    /// Peak bytes of `replications` replications on `workers` threads:
    /// the fixed part, the records kept, and the larger of the simulation
    /// (replications in flight) and the reporting (statistics and files).
    pub fn total(&self, replications: u64, workers: usize) -> u64 {
        let simulate = (workers as u64).saturating_mul(self.per_worker);
        let report = self.statistics.saturating_add(self.files);
        BASE_BYTES
            .saturating_add(replications.saturating_mul(self.per_replication))
            .saturating_add(simulate.max(report))
    }
}
