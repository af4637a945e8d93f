//! `surgesim compare`: the base scenario and its variants (or a second
//! file) on common random numbers, with paired statistics, risk measures
//! and a cost ranking.

use std::io::{IsTerminal, Write};

use crate::cli::CompareArgs;
use crate::compare::{self, Arm, RiskSettings};
use crate::model::{Model, compile_loaded};
use crate::report;
use crate::report::folder::OutputFolder;
use crate::report::manifest::{Manifest, ManifestVariant};
use crate::runner::{progress_bar, simulate_records, with_threads};

use super::run::load_scenario;
use super::{CommandError, limits, stdout_err};

/// An arm before it has run.
struct Plan {
    name: String,
    description: String,
    changes: Vec<String>,
    model: Model,
}

/// What of `compare`'s arguments shapes its results (recorded by a shard,
/// replayed by `merge`; `--precision` runs are not split).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareSettings {
    /// The scenario file as named (none: the bundled crisis).
    pub scenario: Option<std::path::PathBuf>,
    /// The second scenario file.
    pub other: Option<std::path::PathBuf>,
    /// `--variants`.
    pub variants: Vec<String>,
    /// `--decisions`.
    pub decisions: Option<std::path::PathBuf>,
    /// `-n`.
    pub replications: Option<u32>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--days-below`.
    pub days_below: f64,
    /// `--backlog-over`.
    pub backlog_over: f64,
    /// `--no-charts`.
    pub no_charts: bool,
}

impl CompareSettings {
    /// The settings of `args`.
    pub fn of(args: &CompareArgs) -> Self {
        CompareSettings {
            scenario: args.scenario.clone(),
            other: args.other.clone(),
            variants: args.variants.clone(),
            decisions: args.decisions.clone(),
            replications: args.replications,
            seed: args.seed,
            days_below: args.days_below,
            backlog_over: args.backlog_over,
            no_charts: args.no_charts,
        }
    }
}

/// The arms of `settings`, checked, on one seed and one replication count
/// (the first batch with --precision): common random numbers.
pub(super) fn arms_of(settings: &CompareSettings) -> Result<Vec<Arm>, CommandError> {
    let mut plans = plans(settings)?;
    for (flag, x) in [
        ("--days-below", settings.days_below),
        ("--backlog-over", settings.backlog_over),
    ] {
        if !(x >= 0.0 && x.is_finite()) {
            return Err(CommandError::usage(flag, "must be zero or more"));
        }
    }
    let seed = settings.seed.unwrap_or(plans[0].model.seed);
    let first = settings.replications.unwrap_or(plans[0].model.replications);
    if first == 0 || first > 1_000_000 {
        return Err(CommandError::usage(
            "--replications",
            format!("must be between 1 and 1000000 (got {first})"),
        ));
    }
    for p in &mut plans {
        p.model.seed = seed;
        p.model.replications = first;
    }
    Ok(plans
        .into_iter()
        .map(|p| Arm {
            name: p.name,
            description: p.description,
            changes: p.changes,
            model: p.model,
            records: Vec::new(),
        })
        .collect())
}

/// The arms to run: the base and its variants, or two files.
fn plans(args: &CompareSettings) -> Result<Vec<Plan>, CommandError> {
    let loaded = load_scenario(args.scenario.as_ref())?;
    let base = compile_loaded(&loaded)?;
    let mut out = vec![Plan {
        name: "base".into(),
        description: "the scenario as written".into(),
        changes: Vec::new(),
        model: base,
    }];
    if let Some(other) = &args.other {
        if !args.variants.is_empty() {
            return Err(CommandError::usage(
                "--variants",
                "compares variants of one scenario; with a second file, leave it out",
            ));
        }
        let stem = |p: &std::path::Path| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "other".into())
        };
        let first = args
            .scenario
            .as_deref()
            .map_or_else(|| "crisis".to_string(), stem);
        let mut second = stem(other);
        if second == first || second == "base" {
            second = format!("{second} (2)");
        }
        out[0].name = first;
        out[0].description = out[0].model.description.clone();
        let l = crate::scenario::load_file(other)?;
        let model = compile_loaded(&l)?;
        out.push(Plan {
            name: second,
            description: model.description.clone(),
            changes: vec![format!("scenario file {}", other.display())],
            model,
        });
        return Ok(out);
    }
    if let Some(path) = &args.decisions {
        out.push(Plan {
            name: "decisions".into(),
            description: format!(
                "the decisions of {}, the scenario's plans off",
                path.display()
            ),
            changes: vec![format!("decisions file {}", path.display())],
            model: super::exercise::decisions_model(&loaded, path)?,
        });
        if args.variants.is_empty() {
            return Ok(out);
        }
    }
    let names: Vec<String> = if args.variants.is_empty() {
        loaded.variants.iter().map(|v| v.name.clone()).collect()
    } else {
        args.variants.clone()
    };
    if names.is_empty() {
        return Err(CommandError::usage(
            "SCENARIO",
            format!(
                "{} declares no variants: add [variants.NAME] tables (see the README), or name a second scenario file to compare with",
                loaded.origin
            ),
        ));
    }
    for name in names {
        if out.iter().any(|p| p.name == name) {
            return Err(CommandError::usage(
                "--variants",
                format!("`{name}` is named twice"),
            ));
        }
        let (_, model) = super::check::compile_variant(&loaded, &name)?;
        let info = loaded.variants.iter().find(|v| v.name == name);
        out.push(Plan {
            description: info.map(|v| v.description.clone()).unwrap_or_default(),
            changes: info.map(|v| v.changes.clone()).unwrap_or_default(),
            model,
            name,
        });
    }
    Ok(out)
}

/// `--precision KPI=H`.
fn parse_precision(spec: &str) -> Result<(String, f64), CommandError> {
    let bad = |m: &str| CommandError::usage("--precision", m.to_string());
    let (kpi, h) = spec
        .split_once('=')
        .ok_or_else(|| bad("write KPI=H, e.g. hotline.service_level=0.01"))?;
    let h: f64 = h
        .trim()
        .parse()
        .map_err(|_| bad(&format!("`{h}` is not a number")))?;
    if !(h > 0.0 && h.is_finite()) {
        return Err(bad("the half-width must be a positive number"));
    }
    Ok((kpi.trim().to_string(), h))
}

/// Runs the command; the table goes to `out`.
pub fn compare(args: &CompareArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let settings = CompareSettings::of(args);
    if args.shard.partition.is_some() && args.precision.is_some() {
        return Err(CommandError::usage(
            "--partition",
            "cannot split a --precision run (each batch depends on the ones before); give a fixed -n with --partition, or leave --partition out",
        ));
    }
    let mut arms = arms_of(&settings)?;
    let first = arms[0].model.replications;
    let partition = super::shard::partition_of(&args.shard, first)?;
    let precision = args.precision.as_deref().map(parse_precision).transpose()?;
    let max = if precision.is_some() {
        if args.max_replications < first {
            return Err(CommandError::usage(
                "--max-replications",
                format!("must be at least the first batch ({first})"),
            ));
        }
        args.max_replications
    } else {
        first
    };
    let slice = partition.map_or(u64::from(max), |p| {
        let r = p.range(first);
        r.end - r.start
    });
    // Limits before work: threads, memory, the output folder.
    let threads = limits::threads(args.threads, slice)?;
    let limit = limits::memory_limit(args.max_memory.as_deref())?;
    let planned: Vec<limits::Planned> = arms
        .iter()
        .map(|a| limits::Planned {
            model: &a.model,
            replications: slice,
        })
        .collect();
    let fewer = if precision.is_some() {
        "--max-replications"
    } else {
        "-n"
    };
    limits::check_memory(&planned, limits::workers(threads), false, limit, fewer)?;
    let dir = match partition {
        Some(p) => args.out.join(p.folder_name()),
        None => args.out.clone(),
    };
    let (folder, notes) = OutputFolder::prepare(&dir)?;
    for n in notes {
        super::to_stderr(&format!("note: {n}"));
    }
    let show = !args.quiet && std::io::stderr().is_terminal();
    if let Some(p) = partition {
        let job = super::shard::CompareShard {
            arms: &arms,
            settings: &settings,
            partition: p,
            threads,
            progress: show,
        };
        let written = job.write(folder)?;
        if !args.quiet {
            super::shard::print_written(p, &arms[0].model, &dir, &written, out)?;
        }
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut target = u64::from(first);
    let mut stop_note = String::new();
    loop {
        let done = arms[0].records.len() as u64;
        let bar = progress_bar((target - done) * arms.len() as u64, show);
        let batch: Vec<Vec<crate::kpi::RepRecord>> = with_threads(threads, || {
            arms.iter()
                .map(|a| simulate_records(&a.model, done..target, &bar, false))
                .collect()
        })
        .map_err(|e| CommandError::Failed(e.to_string()))?;
        bar.finish_and_clear();
        for (a, recs) in arms.iter_mut().zip(batch) {
            a.records.extend(recs);
        }
        let Some((spec, h)) = &precision else { break };
        let kpis = compare::kpi_refs(&arms);
        let Some(k) = compare::find_kpi(&kpis, spec) else {
            let mut names: Vec<String> = kpis
                .iter()
                .map(|k| {
                    if k.scope == compare::Scope::Total {
                        format!("total.{}", k.key)
                    } else {
                        format!("{}.{}", k.name, k.key)
                    }
                })
                .collect();
            names.truncate(12);
            return Err(CommandError::usage(
                "--precision",
                format!(
                    "no KPI `{spec}`; write CHANNEL.KPI, POOL.KPI, TOPIC.KPI or total.KPI, e.g. {}",
                    names.join(", ")
                ),
            ));
        };
        let widest = (1..arms.len())
            .map(|a| compare::half_width(&compare::differences(k, &arms, a)))
            .fold(
                0.0f64,
                |m, x| if x.is_nan() { f64::INFINITY } else { m.max(x) },
            );
        let n = target;
        if widest <= *h {
            stop_note = format!(
                "stopped after {n} replications: the widest 95 % half-width of a difference in {spec} is {} ≤ {h}",
                report::num(widest)
            );
            break;
        }
        if n >= u64::from(max) {
            stop_note = format!(
                "reached --max-replications {max}: the widest 95 % half-width of a difference in {spec} is still {} > {h}",
                report::num(widest)
            );
            break;
        }
        // The half-width shrinks like 1/√n: aim for what would reach the
        // target, at least 20 % more, at most the maximum. Deterministic,
        // since the results are.
        let want = if widest.is_finite() {
            (n as f64 * (widest / h).powi(2) * 1.1).ceil() as u64
        } else {
            2 * n
        };
        target = want.max(n + n.div_ceil(5)).min(u64::from(max));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (cmp, written) = write_comparison(arms, &settings, &stop_note, folder)?;
    if !args.quiet {
        print_comparison(&cmp, &stop_note, &written, &args.out, elapsed, out)?;
    }
    Ok(())
}

/// The half of `compare` after the replications, shared with `merge`:
/// the overflow warning, the paired statistics, the files written into
/// `folder`, the manifest, the folder swapped into place.
pub(super) fn write_comparison(
    mut arms: Vec<Arm>,
    settings: &CompareSettings,
    stop_note: &str,
    mut folder: OutputFolder,
) -> Result<(compare::Comparison, Vec<std::path::PathBuf>), CommandError> {
    for a in &mut arms {
        a.model.replications = a.records.len() as u32;
    }
    let mut overflowed = Vec::new();
    for a in &arms {
        for k in report::non_finite_kpis(&a.model, &a.records, None) {
            overflowed.push(format!("{} ({})", k, a.name));
        }
    }
    if !overflowed.is_empty() {
        super::to_stderr(&format!(
            "warning: these KPIs overflowed (their values are too large to represent) and are written as empty cells and null: {}",
            overflowed.join(", ")
        ));
    }
    let risk = RiskSettings {
        days_below: settings.days_below,
        backlog_over: settings.backlog_over,
    };
    let cmp = compare::compare(arms, risk);
    let files = report::compare::render(&cmp, !settings.no_charts, stop_note)
        .map_err(CommandError::Failed)?;
    for (name, bytes) in &files {
        folder.write(name, bytes)?;
    }
    drop(files);
    let base = &cmp.arms[0].model;
    let mut manifest = Manifest::new(
        "compare",
        &base.scenario_hash,
        base.seed,
        cmp.replications as u32,
    );
    manifest.variants = cmp.arms[1..]
        .iter()
        .map(|a| ManifestVariant {
            name: a.name.clone(),
            scenario_hash: a.model.scenario_hash.clone(),
        })
        .collect();
    let written = folder.finish(manifest)?;
    Ok((cmp, written))
}

/// The comparison's table and what was written, on `out`.
pub(super) fn print_comparison(
    cmp: &compare::Comparison,
    stop_note: &str,
    written: &[std::path::PathBuf],
    dir: &std::path::Path,
    elapsed: f64,
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    let mut text = report::compare::table(cmp);
    if !stop_note.is_empty() {
        text.push_str(&format!("\n{stop_note}\n"));
    }
    let shown: Vec<String> = written
        .iter()
        .filter(|p| !p.starts_with(dir.join("charts")))
        .map(|p| p.display().to_string())
        .collect();
    let n_charts = written.len() - shown.len();
    text.push_str(&format!(
        "\n{} arms × {} replications in {elapsed:.1} s. Wrote {}{}\n",
        cmp.arms.len(),
        cmp.replications,
        shown.join(", "),
        if n_charts > 0 {
            format!(
                " and {n_charts} chart files in {}",
                dir.join("charts").display()
            )
        } else {
            String::new()
        }
    ));
    out.write_all(text.as_bytes()).map_err(stdout_err)
}
