//! `surgesim run`: simulate a scenario and write the result files.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::cli::{OutputFormat, RunArgs};
use crate::model::{Model, compile_loaded};
use crate::report;
use crate::report::folder::{OutputFolder, Stage};
use crate::report::manifest::{Manifest, ManifestVariant};
use crate::runner::{RunOptions, run as run_model};
use crate::scenario::{LoadedScenario, load_file, parse_str};

use super::phases::{Phases, timed};
use super::{CommandError, limits, stdout_err};

/// The default scenario, compiled into the binary.
pub const BUNDLED_SCENARIO: &str = include_str!("../../scenarios/crisis.toml");

/// Loads the scenario named on the command line, or the bundled one.
pub fn load_scenario(path: Option<&PathBuf>) -> Result<LoadedScenario, CommandError> {
    Ok(match path {
        Some(p) => load_file(p)?,
        None => parse_str(
            BUNDLED_SCENARIO,
            "<bundled crisis.toml>",
            PathBuf::from("."),
        )?,
    })
}

/// What of `run`'s arguments shapes its results: the model, the seed,
/// the replications and the files. A shard records it in its shard.json
/// and `merge` replays it, so the merged files are the single run's.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// The scenario file as named (none: the bundled crisis).
    pub scenario: Option<PathBuf>,
    /// `--variant`.
    pub variant: Option<String>,
    /// `--decisions`, as named.
    pub decisions: Option<PathBuf>,
    /// `-n`.
    pub replications: Option<u32>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--format`, by name.
    pub format: Vec<String>,
    /// `--no-charts`.
    pub no_charts: bool,
}

impl RunSettings {
    /// The settings of `args`.
    pub fn of(args: &RunArgs) -> Self {
        use clap::ValueEnum;
        RunSettings {
            scenario: args.scenario.clone(),
            variant: args.variant.clone(),
            decisions: args.decisions.clone(),
            replications: args.replications,
            seed: args.seed,
            format: args
                .format
                .iter()
                .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
                .collect(),
            no_charts: args.no_charts,
        }
    }

    /// The outputs to write.
    fn formats(&self) -> Result<Vec<OutputFormat>, CommandError> {
        use clap::ValueEnum;
        self.format
            .iter()
            .map(|f| {
                OutputFormat::from_str(f, false)
                    .map_err(|_| CommandError::usage("--format", format!("unknown output `{f}`")))
            })
            .collect()
    }
}

/// The model that `settings` run: the scenario (a variant, or the
/// decisions as the plan), with the seed and replications given.
pub(super) fn model_of(settings: &RunSettings) -> Result<Model, CommandError> {
    let loaded = load_scenario(settings.scenario.as_ref())?;
    let mut model = match (&settings.variant, &settings.decisions) {
        (_, Some(d)) => super::exercise::decisions_model(&loaded, d)?,
        (Some(v), None) => super::check::compile_variant(&loaded, v)?.1,
        (None, None) => compile_loaded(&loaded)?,
    };
    if let Some(v) = &settings.variant {
        model.name = format!("{} — variant {v}", model.name);
    }
    if let Some(d) = &settings.decisions {
        model.name = format!("{} — decisions {}", model.name, d.display());
    }
    if let Some(n) = settings.replications {
        if n == 0 || n > 1_000_000 {
            return Err(CommandError::usage(
                "--replications",
                format!("must be between 1 and 1000000 (got {n})"),
            ));
        }
        model.replications = n;
    }
    if let Some(s) = settings.seed {
        model.seed = s;
    }
    Ok(model)
}

/// Runs the command; the table goes to `out`, notes to standard error.
pub fn run(args: &RunArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let mut phases = Phases::start();
    let settings = RunSettings::of(args);
    let model = model_of(&settings)?;
    let partition = super::shard::partition_of(&args.shard, model.replications)?;
    let replications = partition.map_or(u64::from(model.replications), |p| {
        let r = p.range(model.replications);
        r.end - r.start
    });
    // Limits before work: threads, memory, the output folder.
    let threads = limits::threads(args.threads, replications)?;
    let limit = limits::memory_limit(args.max_memory.as_deref())?;
    limits::check_memory(
        &[limits::Planned {
            model: &model,
            replications,
        }],
        limits::workers(threads),
        true,
        limit,
        "-n",
    )?;
    let dir = match partition {
        Some(p) => args.out.join(p.folder_name()),
        None => args.out.clone(),
    };
    let (folder, notes) = OutputFolder::prepare(&dir)?;
    for n in notes {
        super::to_stderr(&format!("note: {n}"));
    }
    phases.end("load and check the scenario");
    let progress = !args.quiet && std::io::stderr().is_terminal();
    if let Some(p) = partition {
        let job = super::shard::RunShard {
            model: &model,
            settings: &settings,
            partition: p,
            threads,
            progress,
        };
        let written = job.write(folder)?;
        if !args.quiet {
            super::shard::print_written(p, &model, &dir, &written, out)?;
        }
        return Ok(());
    }
    let started = std::time::Instant::now();
    let result = run_model(
        &model,
        RunOptions {
            threads,
            progress,
            replication_days: settings.formats()?.contains(&OutputFormat::Csv),
            ..RunOptions::default()
        },
    )
    .map_err(|e| CommandError::Failed(e.to_string()))?;
    let elapsed = started.elapsed().as_secs_f64();
    phases.add("  simulate", result.phases.simulate_s);
    phases.add("    store the series (alongside)", result.phases.store_s);
    phases.add("  summarise", result.phases.summarise_s);
    phases.end("simulate and summarise");
    let mut model = model;
    let written = write_results(&mut model, &result, &settings, threads, folder, &mut phases)?;
    if !args.quiet {
        print_results(&model, &result, &args.out, &written, elapsed, out)?;
    }
    if args.timings {
        super::to_stderr(phases.table().trim_end());
    }
    Ok(())
}

/// What [`write_results`] wrote.
pub(super) struct Written {
    /// Every file, under the folder's name as given.
    files: Vec<PathBuf>,
    /// Charts drawn (an SVG and a PNG each).
    charts: usize,
}

/// The half of `run` after the replications, shared with `merge`: the
/// overflow warning, the files rendered and written into `folder`, the
/// manifest, the folder swapped into place.
pub(super) fn write_results(
    model: &mut Model,
    result: &crate::runner::RunResult,
    settings: &RunSettings,
    threads: Option<usize>,
    mut folder: OutputFolder,
    phases: &mut Phases,
) -> Result<Written, CommandError> {
    let overflowed = report::non_finite_kpis(model, &result.records, Some(&result.summary));
    if !overflowed.is_empty() {
        let w = format!(
            "these KPIs overflowed (their values are too large to represent) and are written as empty cells and null: {}",
            overflowed.join(", ")
        );
        super::to_stderr(&format!("warning: {w}"));
        model.warnings.push(w);
    }
    let formats = settings.formats()?;
    let want = |f: OutputFormat| formats.contains(&f);
    let draw = !settings.no_charts && (want(OutputFormat::Charts) || want(OutputFormat::Report));
    // The files and the charts are independent: drawn side by side (and
    // each set in parallel inside), on the run's worker threads; each file
    // is written as soon as it is made, and reaches the disk while the
    // others are made.
    let model = &*model;
    let rendered = folder.staged(|stage| {
        crate::runner::with_threads(threads, || render(model, result, want, draw, stage))
    })?;
    let rendered = rendered.map_err(|e| CommandError::Failed(e.to_string()))??;
    phases.add("  tables (json, csv)", rendered.tables_s);
    phases.add("  results.xlsx", rendered.workbook_s);
    phases.add("  charts", rendered.charts_s);
    phases.add("  report.html", rendered.report_s);
    phases.add("  replications_days.csv", rendered.days_s);
    phases.add("  render and write the files", rendered.total_s);
    phases.end("render, write and sync the files");
    let charts = rendered.charts;
    let mut manifest = Manifest::new("run", &model.scenario_hash, model.seed, model.replications);
    if let Some(v) = &settings.variant {
        manifest.variants.push(ManifestVariant {
            name: v.clone(),
            scenario_hash: model.scenario_hash.clone(),
        });
    }
    let files = folder.finish(manifest)?;
    phases.end("finish the folder (manifest, swap)");
    Ok(Written { files, charts })
}

/// The table of results and what was written, on `out`.
pub(super) fn print_results(
    model: &Model,
    result: &crate::runner::RunResult,
    dir: &std::path::Path,
    written: &Written,
    elapsed: f64,
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    let charts = dir.join("charts");
    let mut shown: Vec<String> = written
        .files
        .iter()
        .filter(|p| !p.starts_with(&charts))
        .map(|p| p.display().to_string())
        .collect();
    if written.charts > 0 {
        shown.push(format!("{} charts in {}", written.charts, charts.display()));
    }
    let mut text = report::table::render(model, result);
    text.push_str(&format!(
        "\n{} events in {elapsed:.1} s. Wrote {}\n",
        report::table::group_thousands(result.summary.events as f64),
        shown.join(", ")
    ));
    out.write_all(text.as_bytes()).map_err(stdout_err)
}

/// What [`render`] made, and how long each part took (they overlap).
struct Rendered {
    /// Charts drawn (an SVG and a PNG each).
    charts: usize,
    tables_s: f64,
    workbook_s: f64,
    charts_s: f64,
    report_s: f64,
    days_s: f64,
    /// From the start of the rendering until the last file is written.
    total_s: f64,
}

/// Renders the chosen outputs and writes each on `stage` as soon as it is
/// made: the tables, the workbook, the charts and `replications_days.csv`
/// side by side, then the report (which embeds the charts). The manifest
/// lists them in this order: summary.json, the CSV tables, results.xlsx,
/// the charts, report.html, replications_days.csv.
fn render(
    model: &Model,
    result: &crate::runner::RunResult,
    want: impl Fn(OutputFormat) -> bool + Sync,
    draw: bool,
    stage: &Stage<'_>,
) -> Result<Rendered, CommandError> {
    use rayon::prelude::*;
    let started = std::time::Instant::now();
    let failed = |source| CommandError::Output {
        what: "the results".into(),
        source,
    };
    let write_all = |group: u32, files: &[(&str, Vec<u8>)]| -> Result<(), CommandError> {
        files
            .par_iter()
            .enumerate()
            .try_for_each(|(i, (name, bytes))| stage.write((group, i as u32), name, bytes))
            .map_err(CommandError::from)
    };
    // The JSON and the CSV tables side by side too.
    let tables = || -> Result<(), CommandError> {
        let (json, csv) = rayon::join(
            || -> Result<(), CommandError> {
                if want(OutputFormat::Json) {
                    write_all(0, &report::render_json(model, result).map_err(failed)?)?;
                }
                Ok(())
            },
            || -> Result<(), CommandError> {
                if want(OutputFormat::Csv) {
                    write_all(1, &report::render_csv(model, result).map_err(failed)?)?;
                }
                Ok(())
            },
        );
        json.and(csv)
    };
    let charts = || -> Result<(Vec<report::DrawnChart>, usize), CommandError> {
        if !draw {
            return Ok((Vec::new(), 0));
        }
        let (drawn, files) = report::render_charts(model, result, want(OutputFormat::Charts))
            .map_err(CommandError::Failed)?;
        files
            .par_iter()
            .enumerate()
            .try_for_each(|(i, (name, bytes))| stage.write((3, i as u32), name, bytes))?;
        Ok((drawn, files.len() / 2))
    };
    let workbook = || -> Result<(), CommandError> {
        if want(OutputFormat::Xlsx) {
            let bytes = report::xlsx::results(model, result).map_err(failed)?;
            stage.write((2, 0), "results.xlsx", &bytes)?;
        }
        Ok(())
    };
    let days = || -> Result<(), CommandError> {
        if let Some(file) = &result.replication_days {
            stage.copy((5, 0), "replications_days.csv", file)?;
        }
        Ok(())
    };
    let (((tables, tables_s), (workbook, workbook_s)), ((charts, charts_s), (days, days_s))) =
        rayon::join(
            || rayon::join(|| timed(tables), || timed(workbook)),
            || rayon::join(|| timed(charts), || timed(days)),
        );
    tables?;
    workbook?;
    days?;
    let (drawn, charts) = charts?;
    let (report, report_s) = timed(|| -> Result<(), CommandError> {
        if want(OutputFormat::Report) {
            let html = report::html::report(model, result, &drawn).map_err(CommandError::Failed)?;
            stage.write((4, 0), "report.html", &html)?;
        }
        Ok(())
    });
    report?;
    Ok(Rendered {
        charts,
        tables_s,
        workbook_s,
        charts_s,
        report_s,
        days_s,
        total_s: started.elapsed().as_secs_f64(),
    })
}
