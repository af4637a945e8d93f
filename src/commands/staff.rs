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
use crate::staffing::{Advice, Method, Options, Target, advise};
use crate::units::Duration;

use super::run::load_scenario;
use super::{CommandError, limits, stdout_err};

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
    folder.write("staffing.json", &json(&model, &advice, elapsed))?;
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
    folder.write("report.html", html(&model, &advice, &drawn).as_bytes())?;
    let manifest = Manifest::new("staff", &model.scenario_hash, model.seed, args.replications);
    let files = folder.finish(manifest)?;
    if !args.quiet {
        let mut text = summary_table(&model, &advice);
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
        "  scheduled now (pools serving the channel, as rostered): {} agent-hours",
        crate::report::table::group_thousands(scheduled.round())
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

/// The charts, per day (days are what planners read): agent-hours
/// required against scheduled, and the achieved target metric.
fn charts(model: &Model, advice: &Advice) -> Vec<NamedChart> {
    let ch = &model.channels[advice.channel];
    let section = format!("{} ({})", ch.name, ch.kind.word());
    let per_day = ((crate::model::DAY_S / advice.step_s).round() as usize).max(1);
    let daily_hours = |v: &[f64]| -> Vec<f64> {
        v.chunks(per_day)
            .map(|d| d.iter().sum::<f64>() * advice.step_s / 3600.0)
            .collect()
    };
    let mut lines: Vec<Line> = advice
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| Line {
            label: format!("required ({})", p.method.key().to_uppercase()),
            series: i,
            values: daily_hours(&p.required.iter().map(|&a| f64::from(a)).collect::<Vec<_>>()),
            band: None,
        })
        .collect();
    lines.push(Line {
        label: "scheduled now".into(),
        series: 2,
        values: daily_hours(&advice.scheduled),
        band: None,
    });
    let (metric, label, f) = match advice.target {
        Target::PWait(_) => ("p_wait", "probability of waiting", 0),
        Target::ServiceLevel(_) => ("service_level", "service level", 1),
        Target::Abandon(_) => ("abandon_share", "abandonment", 2),
    };
    let achieved: Vec<Line> = advice
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let v = &p.eval.daily[f];
            Line {
                label: format!("{} staffing", p.method.key().to_uppercase()),
                series: i,
                values: v.iter().map(|s| s.mean).collect(),
                band: Some(
                    v.iter()
                        .map(|s| {
                            let h = if s.ci95.is_finite() { s.ci95 } else { 0.0 };
                            (s.mean - h, s.mean + h)
                        })
                        .collect(),
                ),
            }
        })
        .collect();
    vec![
        NamedChart {
            section: section.clone(),
            name: format!("staffing_{}_agent_hours", ch.name),
            chart: Chart::Lines {
                title: format!("{}: agent-hours per day, required and scheduled", ch.name),
                y_label: "agent-hours".into(),
                lines,
                scale: 1.0,
                reference: None,
            },
        },
        NamedChart {
            section,
            name: format!("staffing_{}_{metric}", ch.name),
            chart: Chart::Lines {
                title: format!(
                    "{}: achieved {label} per day (mean, 95 % band) under each staffing",
                    ch.name
                ),
                y_label: format!("{label} (%)"),
                lines: achieved,
                scale: 100.0,
                reference: Some((100.0 * advice.target.value(), "target".into())),
            },
        },
    ]
}

fn stat_json(s: &crate::stats::Stat) -> serde_json::Value {
    let f = |x: f64| {
        if x.is_finite() {
            serde_json::json!(x)
        } else {
            serde_json::Value::Null
        }
    };
    serde_json::json!({"mean": f(s.mean), "ci95_halfwidth": f(s.ci95), "p5": f(s.p5), "p50": f(s.p50), "p95": f(s.p95)})
}

/// `staffing.json`: the settings, each method's iterations and overall
/// performance.
fn json(model: &Model, advice: &Advice, elapsed_s: f64) -> Vec<u8> {
    let plans: Vec<serde_json::Value> = advice
        .plans
        .iter()
        .map(|p| {
            let (met, with) = steps_meeting(advice, p);
            let o = &p.eval.overall;
            serde_json::json!({
                "method": p.method.key(),
                "converged": p.converged,
                "iterations": p.iterations.iter().map(|i| serde_json::json!({
                    "iteration": i.number,
                    "max_change_agents": i.max_change,
                    "agent_hours_h": i.agent_hours,
                })).collect::<Vec<_>>(),
                "agent_hours_h": agent_hours(advice, &p.required),
                "peak_agents": p.required.iter().copied().max().unwrap_or(0),
                "steps_meeting_target": met,
                "steps_with_contacts": with,
                "overall": {
                    "p_wait": stat_json(&o[0]),
                    "service_level": stat_json(&o[1]),
                    "abandon_share": stat_json(&o[2]),
                    "occupancy": stat_json(&o[3]),
                },
            })
        })
        .collect();
    let v = serde_json::json!({
        "surgesim_version": env!("CARGO_PKG_VERSION"),
        "scenario": model.name,
        "scenario_hash": model.scenario_hash,
        "seed": model.seed,
        "channel": model.channels[advice.channel].name,
        "target": {"metric": advice.target.key(), "value": advice.target.value()},
        "step_s": advice.step_s,
        "sample_s": advice.sample_s,
        "replications": advice.replications,
        "elapsed_s": (elapsed_s * 10.0).round() / 10.0,
        "scheduled_agent_hours_h": advice.scheduled.iter().sum::<f64>() * advice.step_s / 3600.0,
        "plans": plans,
    });
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The report: settings, one row per method, the charts, and how the
/// advice was made.
fn html(model: &Model, advice: &Advice, charts: &[crate::report::DrawnChart]) -> String {
    use crate::report::html::{CSS, esc};
    let ch = &model.channels[advice.channel];
    let mut h = String::new();
    let title = format!("Staffing advice: {} — {}", esc(&ch.name), esc(&model.name));
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{CSS}</style></head><body>\n<h1>{title}</h1>\n"
    );
    let _ = writeln!(
        h,
        "<p class=\"muted\">Target: {}. Steps of {}; {} replications per ISA iteration and per final evaluation (fresh replications); seed {}; surgesim {}; scenario hash {}.</p>",
        esc(&advice.target.to_string()),
        Duration::from_secs(advice.step_s),
        advice.replications,
        model.seed,
        env!("CARGO_PKG_VERSION"),
        esc(&model.scenario_hash)
    );
    let _ = writeln!(
        h,
        "<h2 id=\"staffing\">Staffing</h2>\n<table><thead><tr><th>method</th><th>iterations</th><th>agent-hours</th><th>peak agents</th><th>steps meeting the target</th><th>probability of waiting</th><th>service level</th><th>abandonment</th><th>occupancy</th></tr></thead><tbody>"
    );
    for plan in &advice.plans {
        let (met, with) = steps_meeting(advice, plan);
        let o = &plan.eval.overall;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{met} of {with}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            plan.method.key().to_uppercase(),
            match plan.method {
                Method::Isa => format!(
                    "{}{}",
                    plan.iterations.len(),
                    if plan.converged {
                        ""
                    } else {
                        " (not converged)"
                    }
                ),
                Method::Sipp => "–".into(),
            },
            crate::report::table::group_thousands(agent_hours(advice, &plan.required).round()),
            plan.required.iter().copied().max().unwrap_or(0),
            pct(&o[0]),
            pct(&o[1]),
            pct(&o[2]),
            pct(&o[3]),
        );
    }
    let _ = writeln!(h, "</tbody></table>");
    let _ = writeln!(
        h,
        "<p class=\"muted\">Scheduled now: {} agent-hours in the pools that serve the channel, as rostered (before absence and actions). ISA sets each step's agents to the smallest number that the channel's number in system, simulated with the previous staffing, reaches with probability at most α, and repeats on the same replications until no step changes by more than one agent; targets other than the probability of waiting use the modified offered load (the number in system with ample staff) in a stationary Erlang A queue. SIPP uses the step's mean arrival rate in the same stationary queue. Both are then simulated on fresh replications: the figures above are what each staffing achieves. The channel is staffed on its own by dedicated agents; actions, other channels and absence are left out (see the README, “Staffing advice”).</p>",
        crate::report::table::group_thousands(
            (advice.scheduled.iter().sum::<f64>() * advice.step_s / 3600.0).round()
        )
    );
    h.push_str(&crate::report::html::figures(charts));
    h.push_str("</body></html>\n");
    h
}
