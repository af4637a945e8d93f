//! The memory a run needs, estimated before it starts ([`Footprint`]), so
//! that `--max-memory` refuses a run that cannot fit up front.

use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, TOPIC_KPIS, series_width};
use crate::model::Model;
use crate::stats::Stat;

use super::{BLOCK_BYTES, chunk_replications, series_widths, spill_budget};

/// Memory that does not grow with the run: the program, the model, fonts
/// and chart buffers (measured: 39 MB resident for one replication of the
/// bundled crisis with all its outputs, of which about 30 MB are the
/// replication, its statistics and intervals.csv).
pub const BASE_BYTES: u64 = 32_000_000;

/// Bytes of one row of intervals.csv, days.csv or weeks.csv (measured on
/// the bundled crisis: 364 bytes a row of intervals.csv with the `_ci95`
/// columns; rounded up).
const CSV_ROW_BYTES: u64 = 380;

/// Bytes of one cell of results.xlsx while the workbook is built and
/// saved: rust_xlsxwriter's cell map, the sheet's XML and the compressed
/// copy (an estimate; the workbook holds the day and week statistics, three
/// cells a metric, and the summary tables).
const XLSX_CELL_BYTES: u64 = 128;

/// Engine state of one replication in flight apart from its interval
/// tallies: queues, staff, calendar (measured: each extra worker thread
/// adds about 10 MB on the bundled crisis, of which about 5 MB are its
/// tallies and record).
const ENGINE_BYTES: u64 = 8_000_000;

/// What one model's run keeps in memory, by what it grows with; see
/// [`Footprint::total`]. Estimated from the layout of [`RepRecord`],
/// [`crate::engine::RepOutcome`], the series store and [`Summary`] before
/// anything runs, so that a run that cannot fit is refused up front rather
/// than failing halfway.
///
/// A run ([`super::run`]) keeps only the KPIs of each replication; the
/// series of a chunk of replications (about [`super::CHUNK_BYTES`]) are in
/// flight twice (in the records, then transposed) while the next chunk's
/// records are made (at most three chunks in all), and go to the
/// [`super::ColumnStore`], which holds at most its spill budget
/// ([`super::SPILL_BYTES`]) in memory and the rest in a temporary file
/// ([`Footprint::stored_per_replication`] bytes of disk per replication).
/// The statistics are then read in place (a store in memory) or back from
/// the file by blocks of [`BLOCK_BYTES`].
///
/// Calibration (`/usr/bin/time -v`, maximum resident set size, two
/// workers, all outputs): the bundled crisis (120 days, hourly, 112
/// series, 1.35 MB of series per replication) peaks at 272 MB for 100
/// replications (in memory), 410 MB for 1,000, 5,000 and 10,000 alike
/// (spilled: the peak is when the store reaches its budget, with a chunk
/// in flight), estimated here at 320 MB, 444 MB, 460 MB and 479 MB
/// (MB = 10⁶ bytes; results.xlsx, since added, is estimated at 6 MB more
/// and changed no measured peak: 317–339 MB for the default run with or
/// without it); before the store it grew by 1.35 MB per replication. At a 1-minute interval one
/// replication took 1.64 GB and three 1.84 GB before the store, against
/// 1.8 GB and 1.9 GB estimated here (mostly the statistics of every
/// interval and intervals.csv). A comparison keeps no interval series but
/// holds about 107 KB per arm and replication for 62 KB of daily and weekly series
/// (freed interval series leave the heap fragmented), hence the factor 2
/// on kept series without intervals.
///
/// [`RepRecord`]: crate::kpi::RepRecord
/// [`Summary`]: super::Summary
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    /// Kept per replication (its [`crate::kpi::RepRecord`]), bytes.
    pub per_replication: u64,
    /// Per worker thread while a replication is simulated, bytes.
    pub per_worker: u64,
    /// Series per replication that go to the series store (in memory up
    /// to the spill budget, on disk beyond), bytes; 0 when the series are
    /// not kept.
    pub stored_per_replication: u64,
    /// Bytes the series store holds in memory at most.
    pub spill_budget: u64,
    /// The statistics across replications ([`super::Summary`]), bytes.
    pub statistics: u64,
    /// The result files held while they are written, bytes.
    pub files: u64,
    /// Reporting intervals of the horizon.
    pub intervals: usize,
    /// Series per interval ([`series_width`]).
    pub series: usize,
}

/// A [`Footprint`]'s peak for a number of replications, by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// The records kept (their KPIs), bytes.
    pub kept: u64,
    /// The series store's part in memory, bytes.
    pub stored: u64,
    /// While simulating: the replications in flight and the chunk's
    /// series, bytes.
    pub simulate: u64,
    /// While summarising: one block of columns and the statistics, bytes.
    pub summarise: u64,
    /// While writing: the statistics and the files, bytes.
    pub report: u64,
}

impl Parts {
    /// Peak bytes: the fixed part, the records and the store, and the
    /// largest of the three phases.
    pub fn total(&self) -> u64 {
        BASE_BYTES
            .saturating_add(self.kept)
            .saturating_add(self.stored)
            .saturating_add(self.simulate.max(self.summarise).max(self.report))
    }
}

impl Footprint {
    /// Of a run of `model`; `keep_series` as in
    /// [`super::simulate_records`] (true: a run, whose series go to the
    /// store; false: a comparison, which keeps only the daily series in
    /// its records).
    pub fn of(model: &Model, keep_series: bool) -> Footprint {
        use crate::engine::{ChannelInterval, Counts, PoolTally};
        use std::mem::size_of;
        let nc = model.channels.len() as u64;
        let np = model.pools.len() as u64;
        let nt = model.topics.len() as u64;
        let width = series_width(model) as u64;
        let intervals = model.n_intervals as u64;
        let [_, day_values, week_values] = series_widths(model);
        let days = day_values as u64 / width.max(1);
        let weeks = week_values as u64 / width.max(1);
        let kpis = nc * CHANNEL_KPIS.len() as u64
            + nt * TOPIC_KPIS.len() as u64
            + np * POOL_KPIS.len() as u64
            + crate::kpi::TOTAL_KPIS.len() as u64;
        // Vec headers, firings and the allocator's rounding.
        let record_fixed = kpis * 8 + (nc + nt + np + 8) * 24 + 1024;
        let series_bytes = intervals * width * 4;
        let daily_bytes = (days + weeks) * width * 4;
        let tallies = intervals
            * (nc * size_of::<ChannelInterval>() as u64 + np * size_of::<PoolTally>() as u64)
            + nc * nt * size_of::<Counts>() as u64;
        let (per_replication, per_worker, stored) = if keep_series {
            // The record being built is counted in the chunk's series.
            (
                record_fixed,
                ENGINE_BYTES + tallies + record_fixed,
                series_bytes + daily_bytes,
            )
        } else {
            (
                2 * daily_bytes + record_fixed,
                ENGINE_BYTES + tallies + series_bytes + daily_bytes + record_fixed,
                0,
            )
        };
        let stat = size_of::<Stat>() as u64;
        let kept_intervals = if keep_series { intervals } else { 0 };
        let statistics = (kept_intervals + days + weeks) * width * stat;
        let rows = (kept_intervals + days + weeks) * (nc + np);
        // results.xlsx (a run only): mean, P5 and P95 of every daily and
        // weekly metric, and about 16 cells a KPI in its summary sheets.
        let workbook = if keep_series {
            ((days + weeks) * width * 3 + kpis * 16) * XLSX_CELL_BYTES
        } else {
            0
        };
        let files = rows * CSV_ROW_BYTES + workbook;
        Footprint {
            per_replication,
            per_worker,
            stored_per_replication: stored,
            spill_budget: if keep_series { spill_budget(None) } else { 0 },
            statistics,
            files,
            intervals: model.n_intervals,
            series: width as usize,
        }
    }

    /// The peak of `replications` replications on `workers` threads, by
    /// part.
    pub fn parts(&self, replications: u64, workers: usize) -> Parts {
        let stored_all = replications.saturating_mul(self.stored_per_replication);
        let chunk = if self.stored_per_replication == 0 {
            0
        } else {
            let reps = chunk_replications(self.stored_per_replication, workers) as u64;
            // A chunk in the records and transposed while it is stored,
            // the next one's records meanwhile (see `Pipeline`).
            3 * reps.min(replications) * self.stored_per_replication
        };
        // A store in memory is read in place; a spilled one by blocks.
        let block = if self.stored_per_replication == 0 || stored_all <= self.spill_budget {
            0
        } else {
            stored_all.min(BLOCK_BYTES)
        };
        Parts {
            kept: replications.saturating_mul(self.per_replication),
            stored: stored_all.min(self.spill_budget),
            simulate: (workers as u64)
                .saturating_mul(self.per_worker)
                .saturating_add(chunk),
            summarise: block.saturating_add(self.statistics),
            report: self.statistics.saturating_add(self.files),
        }
    }

    /// Peak bytes of `replications` replications on `workers` threads
    /// ([`Parts::total`]).
    pub fn total(&self, replications: u64, workers: usize) -> u64 {
        self.parts(replications, workers).total()
    }
}
