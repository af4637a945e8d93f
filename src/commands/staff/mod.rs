//! `surgesim staff`: staffing advice for one channel (ISA and the
//! stationary rule), written as staffing.csv, one staffing table per
//! method, charts and report.html.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

use crate::cli::{StaffArgs, StaffMethod};
use crate::model::{Model, compile_loaded};
use crate::report::charts::{Chart, Line, NamedChart};
use crate::report::folder::OutputFolder;
use crate::report::manifest::Manifest;
use crate::report::num;
use crate::staffing::people::{self, HireTerms, PeopleOptions, Wave, Week};
use crate::staffing::{Advice, Method, Options, Target, advise};
use crate::units::Duration;

use super::run::load_scenario;
use super::{CommandError, limits, stdout_err};

mod hiring;
mod output;

use hiring::*;
use output::*;

/// Runs the command; the summary table goes to `out`.
pub fn staff(args: &StaffArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let loaded = load_scenario(args.scenario.as_ref())?;
    let mut model = match &args.variant {
        Some(v) => super::check::compile_variant(&loaded, v)?.1,
        None => compile_loaded(&loaded)?,
    };
    if let Some(s) = args.seed {
        model.seed = s;
    }
    let names: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
    let channel = names
        .iter()
        .position(|n| *n == args.channel)
        .ok_or_else(|| {
            CommandError::usage(
                "--channel",
                format!(
                    "the scenario has no channel `{}`; its channels: {}",
                    args.channel,
                    names.join(", ")
                ),
            )
        })?;
    let target = Target::parse(&args.target).map_err(|m| CommandError::usage("--target", m))?;
    let step_s = Duration::parse(&args.step)
        .map_err(|m| CommandError::usage("--step", m))?
        .secs();
    crate::staffing::check_step(step_s).map_err(|m| CommandError::usage("--step", m))?;
    if (step_s - model.interval_s).abs() > 0.5 && (step_s / model.interval_s).fract() != 0.0 {
        // Any step works for the simulation (it samples on its own
        // sub-intervals); nothing to refuse.
    }
    if args.replications < 2 || args.replications > 100_000 {
        return Err(CommandError::usage(
            "--replications",
            format!(
                "must be from 2 to 100000 (got {}): the advice needs a spread across replications",
                args.replications
            ),
        ));
    }
    if args.max_iterations == 0 || args.max_iterations > 100 {
        return Err(CommandError::usage(
            "--max-iterations",
            format!("must be from 1 to 100 (got {})", args.max_iterations),
        ));
    }
    if !(0.0..0.9).contains(&args.shrinkage) {
        return Err(CommandError::usage(
            "--shrinkage",
            format!("must be a share from 0 up to 0.9 (got {})", args.shrinkage),
        ));
    }
    if let Some(cap) = args.occupancy_cap
        && !(cap > 0.0 && cap <= 1.0)
    {
        return Err(CommandError::usage(
            "--occupancy-cap",
            format!("must be a share above 0 and at most 1 (got {cap})"),
        ));
    }
    let first_pool = model.channels[channel].pools.first().copied();
    let paid_week_s = match &args.paid_hours {
        Some(text) => {
            let d = Duration::parse(text)
                .map_err(|m| CommandError::usage("--paid-hours", m))?
                .secs();
            if !(3600.0..=7.0 * crate::model::DAY_S).contains(&d) {
                return Err(CommandError::usage(
                    "--paid-hours",
                    format!("must be from 1h to a week's 168h (got {text})"),
                ));
            }
            d
        }
        None => first_pool.map_or(40.0 * 3600.0, |p| model.pools[p].weekly_s),
    };
    let people = PeopleOptions {
        shrinkage: args.shrinkage,
        paid_week_s,
        occupancy_cap: args.occupancy_cap,
        absence: first_pool.map_or(0.0, |p| model.pools[p].absence),
    };
    let threads = limits::threads(args.threads, u64::from(args.replications))?;
    let (mut folder, notes) = OutputFolder::prepare(&args.out)?;
    for n in notes {
        super::to_stderr(&format!("note: {n}"));
    }
    let methods = match args.method {
        StaffMethod::Isa => vec![Method::Isa],
        StaffMethod::Sipp => vec![Method::Sipp],
        StaffMethod::Both => vec![Method::Isa, Method::Sipp],
    };
    let opts = Options {
        channel,
        target,
        step_s,
        replications: args.replications,
        max_iterations: args.max_iterations,
        methods,
        progress: !args.quiet && std::io::stderr().is_terminal(),
    };
    let started = std::time::Instant::now();
    let advice = crate::runner::with_threads(threads, || advise(&model, &opts))
        .map_err(|e| CommandError::Failed(e.to_string()))?
        .map_err(CommandError::Failed)?;
    let elapsed = started.elapsed().as_secs_f64();
    let failed = |source| CommandError::Output {
        what: "the staffing advice".into(),
        source,
    };
    folder.write(
        "staffing.csv",
        &staffing_csv(&model, &advice).map_err(failed)?,
    )?;
    for plan in &advice.plans {
        folder.write(
            &format!("staffing_{}.csv", plan.method.key()),
            &table_csv(&model, &advice, &plan.required).map_err(failed)?,
        )?;
    }
    // People: the first method's staffing (ISA when it ran).
    let plan = &advice.plans[0];
    let mut weeks = people::weeks(&model, &advice, plan, &people);
    let terms = people::hire_terms(&model, channel);
    let waves = match &terms {
        Some(t) => people::hiring_plan(model.horizon_s, &mut weeks, t, paid_week_s),
        None => Vec::new(),
    };
    let hiring = Hiring {
        people,
        weeks,
        terms,
        waves,
    };
    folder.write(
        "fte_weekly.csv",
        &fte_csv(&model, plan.method, &hiring).map_err(failed)?,
    )?;
    folder.write(
        "hiring_plan.csv",
        &waves_csv(&model, &hiring).map_err(failed)?,
    )?;
    folder.write(
        "hiring_plan.toml",
        actions_toml(&model, &advice, &hiring).as_bytes(),
    )?;
    folder.write("staffing.json", &json(&model, &advice, &hiring, elapsed))?;
    let charts = charts(&model, &advice);
    let mut drawn = Vec::new();
    if !args.no_charts {
        for c in &charts {
            let svg = crate::report::charts::svg(&model, &c.chart).map_err(CommandError::Failed)?;
            let png = crate::report::charts::png(&model, &c.chart).map_err(CommandError::Failed)?;
            folder.write(&format!("charts/{}.svg", c.name), svg.as_bytes())?;
            folder.write(&format!("charts/{}.png", c.name), &png)?;
            drawn.push(crate::report::DrawnChart {
                section: c.section.clone(),
                name: c.name.clone(),
                svg,
            });
        }
    }
    folder.write(
        "report.html",
        html(&model, &advice, &hiring, &drawn).as_bytes(),
    )?;
    let manifest = Manifest::new("staff", &model.scenario_hash, model.seed, args.replications);
    let files = folder.finish(manifest)?;
    if !args.quiet {
        let mut text = summary_table(&model, &advice);
        text.push_str(&people_table(&model, &hiring, advice.channel));
        let shown: Vec<String> = files
            .iter()
            .filter(|p| !p.starts_with(args.out.join("charts")))
            .map(|p| p.display().to_string())
            .collect();
        let _ = writeln!(
            text,
            "\nAdvice in {elapsed:.1} s. Wrote {}{}",
            shown.join(", "),
            if drawn.is_empty() {
                String::new()
            } else {
                format!(
                    ", {} charts in {}",
                    drawn.len(),
                    args.out.join("charts").display()
                )
            }
        );
        out.write_all(text.as_bytes()).map_err(stdout_err)?;
    }
    Ok(())
}

/// The start of step `j`, as written in the tables.
fn step_start(model: &Model, advice: &Advice, j: usize) -> String {
    model
        .datetime_at(j as f64 * advice.step_s)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// `staffing.csv`: per step and method, the advice and its evaluation.
fn staffing_csv(model: &Model, advice: &Advice) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "start",
        "channel",
        "method",
        "required_agents",
        "scheduled_agents",
        "p_wait",
        "p_wait_ci95",
        "service_level",
        "service_level_ci95",
        "abandon_share",
        "abandon_share_ci95",
        "occupancy",
        "occupancy_ci95",
        "expected_offered_contacts",
        "offered_load_agents",
        "blocked_share",
        "blocked_share_ci95",
    ])?;
    let ch = &model.channels[advice.channel].name;
    for plan in &advice.plans {
        let e = &plan.eval;
        for j in 0..advice.n_steps() {
            let load = advice.offered_load.get(j).copied().unwrap_or(f64::NAN);
            w.write_record([
                step_start(model, advice, j),
                ch.clone(),
                plan.method.key().to_string(),
                plan.required[j].to_string(),
                num(advice.scheduled[j]),
                num(e.p_wait[j].mean),
                num(e.p_wait[j].ci95),
                num(e.service_level[j].mean),
                num(e.service_level[j].ci95),
                num(e.abandon_share[j].mean),
                num(e.abandon_share[j].ci95),
                num(e.occupancy[j].mean),
                num(e.occupancy[j].ci95),
                num(advice.expected_offered[j]),
                num(load),
                num(e.blocked_share[j].mean),
                num(e.blocked_share[j].ci95),
            ])?;
        }
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// A staffing table in the input format (`start,agents`).
fn table_csv(model: &Model, advice: &Advice, agents: &[u32]) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["start", "agents"])?;
    for (j, a) in agents.iter().enumerate() {
        w.write_record([step_start(model, advice, j), a.to_string()])?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// Steps with contacts offered whose mean achieved value meets the target,
/// and how many steps had contacts.
fn steps_meeting(advice: &Advice, plan: &crate::staffing::Plan) -> (usize, usize) {
    let e = &plan.eval;
    let values = match advice.target {
        Target::PWait(_) => &e.p_wait,
        Target::ServiceLevel(_) => &e.service_level,
        Target::Abandon(_) => &e.abandon_share,
    };
    let mut met = 0;
    let mut with = 0;
    for (j, v) in values.iter().enumerate() {
        if e.offered_total[j] > 0.0 && v.mean.is_finite() {
            with += 1;
            if advice.target.met_by(v.mean) {
                met += 1;
            }
        }
    }
    (met, with)
}

fn agent_hours(advice: &Advice, agents: &[u32]) -> f64 {
    agents.iter().map(|&a| f64::from(a)).sum::<f64>() * advice.step_s / 3600.0
}

fn pct(s: &crate::stats::Stat) -> String {
    if s.mean.is_finite() {
        format!("{:.1} % ± {:.1}", 100.0 * s.mean, 100.0 * s.ci95.max(0.0))
    } else {
        "n/a".into()
    }
}

/// The terminal table: one block per method.
fn summary_table(model: &Model, advice: &Advice) -> String {
    let ch = &model.channels[advice.channel];
    let mut t = String::new();
    let _ = writeln!(
        t,
        "Staffing advice for {} ({}): {}; steps of {}, {} replications per iteration and per evaluation",
        ch.name,
        ch.kind.word(),
        advice.target,
        Duration::from_secs(advice.step_s),
        advice.replications
    );
    let scheduled: f64 = advice.scheduled.iter().sum::<f64>() * advice.step_s / 3600.0;
    let _ = writeln!(
        t,
        "  scheduled now (pools serving the channel, as rostered): {} agent-hours; pools: {}",
        crate::report::table::group_thousands(scheduled.round()),
        pools_serving(model, advice.channel)
    );
    for plan in &advice.plans {
        let (met, with) = steps_meeting(advice, plan);
        let peak = plan.required.iter().copied().max().unwrap_or(0);
        let iters = match plan.method {
            Method::Isa => format!(
                ", {} iteration{}{}",
                plan.iterations.len(),
                if plan.iterations.len() == 1 { "" } else { "s" },
                if plan.converged {
                    ""
                } else {
                    " (not converged)"
                }
            ),
            Method::Sipp => String::new(),
        };
        let _ = writeln!(
            t,
            "{}{iters}: {} agent-hours, peak {peak} agents; target met in {met} of {with} steps with contacts",
            plan.method.key(),
            crate::report::table::group_thousands(agent_hours(advice, &plan.required).round()),
        );
        let o = &plan.eval.overall;
        let _ = writeln!(
            t,
            "  achieved over the period: probability of waiting {}, service level {}, abandonment {}, occupancy {}",
            pct(&o[0]),
            pct(&o[1]),
            pct(&o[2]),
            pct(&o[3])
        );
    }
    t
}
