//! `surgesim run`: simulate a scenario and write the result files.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::cli::{OutputFormat, RunArgs};
use crate::model::{Model, compile_loaded};
use crate::report;
use crate::runner::{RunOptions, run as run_model};
use crate::scenario::{LoadedScenario, load_file, parse_str};

use super::{CommandError, stdout_err};

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

/// Applies command-line overrides to the model.
fn apply_overrides(model: &mut Model, args: &RunArgs) -> Result<(), CommandError> {
    if let Some(n) = args.replications {
        if n == 0 || n > 1_000_000 {
            return Err(CommandError::usage(
                "--replications",
                format!("must be between 1 and 1000000 (got {n})"),
            ));
        }
        model.replications = n;
    }
    if let Some(s) = args.seed {
        model.seed = s;
    }
    if args.threads == Some(0) {
        return Err(CommandError::usage("--threads", "must be at least 1"));
    }
    Ok(())
}

/// Runs the command; the table goes to `out`.
pub fn run(args: &RunArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let loaded = load_scenario(args.scenario.as_ref())?;
    let mut model = match &args.variant {
        Some(v) => super::check::compile_variant(&loaded, v)?.1,
        None => compile_loaded(&loaded)?,
    };
    if let Some(v) = &args.variant {
        model.name = format!("{} — variant {v}", model.name);
    }
    apply_overrides(&mut model, args)?;
    let started = std::time::Instant::now();
    let result = run_model(
        &model,
        RunOptions {
            threads: args.threads,
            progress: !args.quiet && std::io::stderr().is_terminal(),
        },
    )
    .map_err(|e| CommandError::Failed(e.to_string()))?;
    let elapsed = started.elapsed().as_secs_f64();
    let want = |f: OutputFormat| args.format.contains(&f);
    let mut files = Vec::new();
    let render = |source| CommandError::Output {
        what: "the results".into(),
        source,
    };
    if want(OutputFormat::Json) {
        files.extend(report::render_json(&model, &result).map_err(render)?);
    }
    if want(OutputFormat::Csv) {
        files.extend(report::render_csv(&model, &result).map_err(render)?);
    }
    let draw = !args.no_charts && (want(OutputFormat::Charts) || want(OutputFormat::Report));
    let (drawn, mut named) = if draw {
        report::render_charts(&model, &result, want(OutputFormat::Charts))
            .map_err(CommandError::Failed)?
    } else {
        (Vec::new(), Vec::new())
    };
    let n_charts = named.len() / 2;
    if want(OutputFormat::Report) {
        named.push((
            "report.html".to_string(),
            report::html::report(&model, &result, &drawn).map_err(CommandError::Failed)?,
        ));
    }
    let mut written =
        report::write_files(&args.out, &files).map_err(|source| CommandError::Output {
            what: format!("into {}", args.out.display()),
            source,
        })?;
    let named_files =
        report::write_named(&args.out, &named).map_err(|source| CommandError::Output {
            what: format!("charts into {}", args.out.display()),
            source,
        })?;
    if n_charts > 0 {
        written.push(args.out.join("charts").join(format!("({n_charts} charts)")));
    }
    if want(OutputFormat::Report) {
        written.extend(named_files.last().cloned());
    }
    if !args.quiet {
        let mut text = report::table::render(&model, &result);
        text.push_str(&format!(
            "\n{} events in {elapsed:.1} s. Wrote {}\n",
            report::table::group_thousands(result.summary.events as f64),
            written
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.write_all(text.as_bytes()).map_err(stdout_err)?;
    }
    Ok(())
}
