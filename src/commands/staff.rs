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
                markers: Vec::new(),
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
                markers: Vec::new(),
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
fn json(model: &Model, advice: &Advice, hiring: &Hiring, elapsed_s: f64) -> Vec<u8> {
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
        "people": {
            "method": advice.plans[0].method.key(),
            "shrinkage": hiring.people.shrinkage,
            "absence": hiring.people.absence,
            "paid_hours_per_fte_week_h": hiring.people.paid_week_s / 3600.0,
            "occupancy_cap": hiring.people.occupancy_cap,
            "weeks": hiring.weeks.iter().map(|w| serde_json::json!({
                "week_start": day(model, w.first_day),
                "days": w.days,
                "required_agent_hours_h": w.required_hours,
                "required_fte": w.required_fte,
                "available_fte": w.available_fte,
                "gap_fte": w.gap_fte,
                "hired_fte": w.hired_fte,
            })).collect::<Vec<_>>(),
            "hiring_terms_from": hiring.terms.as_ref().and_then(|t| t.from_action.clone()),
            "waves": hiring.waves.iter().map(|v| serde_json::json!({
                "wave": v.number,
                "pool": hiring.terms.as_ref().map(|t| model.pools[t.pool].name.clone()),
                "hires": v.hires,
                "decide_by": date_of(model, v.decide_by_s),
                "arrive": date_of(model, v.arrive_s),
                "productive_from": date_of(model, v.productive_s),
                "late": v.late,
                "cost": v.cost,
            })).collect::<Vec<_>>(),
        },
    });
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The report: settings, one row per method, the charts, and how the
/// advice was made.
fn html(
    model: &Model,
    advice: &Advice,
    hiring: &Hiring,
    charts: &[crate::report::DrawnChart],
) -> String {
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
        "<p class=\"muted\">Pools that serve the channel: {}. A pool that serves several channels needs at most the sum of their requirements at each step (less when their peaks differ); it counts in full in each channel's scheduled figure. Scheduled now: {} agent-hours in the pools that serve the channel, as rostered (before absence and actions). ISA sets each step's agents to the smallest number that the channel's number in system, simulated with the previous staffing, reaches with probability at most α, and repeats on the same replications until no step changes by more than one agent; targets other than the probability of waiting use the modified offered load (the number in system with ample staff) in a stationary Erlang A queue. SIPP uses the step's mean arrival rate in the same stationary queue. Both are then simulated on fresh replications: the figures above are what each staffing achieves. The channel is staffed on its own by dedicated agents; actions, other channels and absence are left out (see the README, “Staffing advice”).</p>",
        esc(&pools_serving(model, advice.channel)),
        crate::report::table::group_thousands(
            (advice.scheduled.iter().sum::<f64>() * advice.step_s / 3600.0).round()
        )
    );
    h.push_str(&crate::report::html::figures(charts));
    h.push_str(&people_html(model, hiring));
    h.push_str("</body></html>\n");
    h
}

/// The weekly FTE and the hiring plan.
struct Hiring {
    people: PeopleOptions,
    weeks: Vec<Week>,
    terms: Option<HireTerms>,
    waves: Vec<Wave>,
}

fn day(model: &Model, d: usize) -> String {
    model
        .datetime_at(d as f64 * crate::model::DAY_S)
        .date()
        .to_string()
}

/// The date of a time (the day it falls on; decisions are taken by then).
fn date_of(model: &Model, t: f64) -> String {
    model.datetime_at(t.max(0.0)).date().to_string()
}

/// `fte_weekly.csv`.
fn fte_csv(model: &Model, method: Method, hiring: &Hiring) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "week_start",
        "week_end",
        "days",
        "method",
        "required_agent_hours_h",
        "required_fte",
        "available_fte",
        "gap_fte",
        "hired_fte",
        "gap_after_hiring_fte",
    ])?;
    for wk in &hiring.weeks {
        w.write_record([
            day(model, wk.first_day),
            day(model, wk.first_day + wk.days - 1),
            wk.days.to_string(),
            method.key().to_string(),
            num(wk.required_hours),
            num(wk.required_fte),
            num(wk.available_fte),
            num(wk.gap_fte),
            num(wk.hired_fte),
            num(wk.gap_fte - wk.hired_fte),
        ])?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// `hiring_plan.csv`.
fn waves_csv(model: &Model, hiring: &Hiring) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "wave",
        "pool",
        "hires",
        "decide_by",
        "arrive",
        "productive_from",
        "late",
        "cost",
    ])?;
    if let Some(t) = &hiring.terms {
        for v in &hiring.waves {
            w.write_record([
                v.number.to_string(),
                model.pools[t.pool].name.clone(),
                v.hires.to_string(),
                date_of(model, v.decide_by_s),
                date_of(model, v.arrive_s),
                date_of(model, v.productive_s),
                v.late.to_string(),
                num(v.cost.round()),
            ])?;
        }
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// `hiring_plan.toml`: the waves as `[[actions]]` to paste into the
/// scenario.
fn actions_toml(model: &Model, advice: &Advice, hiring: &Hiring) -> String {
    let ch = &model.channels[advice.channel].name;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Hiring plan for {ch} from `surgesim staff` ({} staffing, {}).\n# Paste into the scenario and run `surgesim run` or `surgesim compare` to\n# see it in the whole service. `at` is the latest date to decide each wave.",
        advice.plans[0].method.key().to_uppercase(),
        advice.target
    );
    let Some(terms) = &hiring.terms else {
        let _ = writeln!(t, "# No pool serves {ch}: nothing to hire into.");
        return t;
    };
    if hiring.waves.is_empty() {
        let _ = writeln!(t, "# No wave needed: the rosters cover every week.");
    }
    let secs = |s: f64| Duration::from_secs(s).to_string();
    for v in &hiring.waves {
        let _ = writeln!(t, "\n[[actions]]");
        let _ = writeln!(t, "id = \"{ch}_staff_wave_{}\"", v.number);
        let _ = writeln!(t, "kind = \"hire\"");
        let _ = writeln!(
            t,
            "description = \"wave {} of the staffing advice for {ch}: productive from {}{}\"",
            v.number,
            date_of(model, v.productive_s),
            if v.late {
                " (already late: decide at once)"
            } else {
                ""
            }
        );
        let _ = writeln!(t, "pool = \"{}\"", model.pools[terms.pool].name);
        let _ = writeln!(t, "count = {}", v.hires);
        let _ = writeln!(t, "at = {}", date_of(model, v.decide_by_s));
        let _ = writeln!(t, "lead_time = \"{}\"", secs(terms.lead_s));
        let _ = writeln!(t, "training = \"{}\"", secs(terms.training_s));
        if terms.start_speed < 1.0 {
            let _ = writeln!(
                t,
                "start_speed = {}",
                crate::units::trim_float(terms.start_speed)
            );
            let _ = writeln!(t, "ramp = \"{}\"", secs(terms.ramp_s));
        }
        if terms.leave_rate > 0.0 {
            let monthly = 1.0 - (-terms.leave_rate * 30.0 * crate::model::DAY_S).exp();
            let _ = writeln!(
                t,
                "attrition_per_month = {}",
                crate::units::trim_float((monthly * 1e6).round() / 1e6)
            );
        }
        if let Some(c) = terms.contract_s {
            let _ = writeln!(t, "contract = \"{}\"", secs(c));
        }
        let _ = writeln!(
            t,
            "cost_per_hour = {}",
            crate::units::trim_float(terms.cost_per_hour)
        );
        let _ = writeln!(
            t,
            "cost_per_hire = {}",
            crate::units::trim_float(terms.cost_per_hire)
        );
    }
    t
}

/// The terminal lines about people (for channel `c`).
fn people_table(model: &Model, hiring: &Hiring, c: usize) -> String {
    let mut t = String::new();
    let p = &hiring.people;
    let worst = hiring
        .weeks
        .iter()
        .max_by(|a, b| a.gap_fte.total_cmp(&b.gap_fte));
    let _ = writeln!(
        t,
        "People: FTE of {} paid hours a week, shrinkage {:.0} %, absence {:.0} %{}",
        crate::units::trim_float(p.paid_week_s / 3600.0),
        100.0 * p.shrinkage,
        100.0 * p.absence,
        p.occupancy_cap.map_or(String::new(), |c| format!(
            ", occupancy at most {:.0} %",
            100.0 * c
        ))
    );
    if let Some(w) = worst {
        let _ = writeln!(
            t,
            "  largest gap: week of {}, {:.1} FTE required against {:.1} on the rosters",
            day(model, w.first_day),
            w.required_fte,
            w.available_fte
        );
    }
    match &hiring.terms {
        Some(terms) if !hiring.waves.is_empty() => {
            for v in &hiring.waves {
                let _ = writeln!(
                    t,
                    "  wave {}: hire {} into {}, decide by {}{}, productive from {}, cost {}",
                    v.number,
                    v.hires,
                    model.pools[terms.pool].name,
                    date_of(model, v.decide_by_s),
                    if v.late { " (already late)" } else { "" },
                    date_of(model, v.productive_s),
                    crate::report::table::group_thousands(v.cost.round())
                );
            }
        }
        Some(_) => {}
        None => {}
    }
    if let Some(text) = shortfall(model, hiring) {
        let _ = writeln!(t, "  {text}");
    } else if hiring.waves.is_empty() {
        let _ = writeln!(t, "  no hiring needed: the rosters cover every week");
    }
    // The rosters' FTE count in full against this channel alone, breaks
    // included.
    let shared = shared_pools(model, c);
    let breaks = model.channels[c]
        .pools
        .iter()
        .any(|&p| !model.pools[p].breaks.is_empty());
    if !shared.is_empty() || breaks {
        let mut why = Vec::new();
        if !shared.is_empty() {
            why.push(format!(
                "the {} {} also {} other channels, but {} rostered FTE count in full here",
                if shared.len() == 1 { "pool" } else { "pools" },
                shared.join(", "),
                if shared.len() == 1 { "serves" } else { "serve" },
                if shared.len() == 1 { "its" } else { "their" },
            ));
        }
        if breaks {
            why.push("breaks are left out".to_string());
        }
        let _ = writeln!(
            t,
            "  caution: {}; `surgesim run` plays all channels, breaks and actions together",
            why.join(", and ")
        );
    }
    t
}

/// The pools serving channel `c` that also serve another channel.
fn shared_pools(model: &Model, c: usize) -> Vec<&str> {
    model.channels[c]
        .pools
        .iter()
        .filter(|&&p| {
            model
                .channels
                .iter()
                .enumerate()
                .any(|(o, ch)| o != c && ch.pools.contains(&p))
        })
        .map(|&p| model.pools[p].name.as_str())
        .collect()
}

/// The weeks still short after the hiring plan (by more than half an FTE),
/// said in words: they come sooner than hiring can deliver.
fn shortfall(model: &Model, hiring: &Hiring) -> Option<String> {
    let short: Vec<&Week> = hiring
        .weeks
        .iter()
        .filter(|w| w.gap_fte - w.hired_fte > 0.5)
        .collect();
    let (first, last) = (short.first()?, short.last()?);
    let most = short
        .iter()
        .map(|w| w.gap_fte - w.hired_fte)
        .fold(0.0f64, f64::max);
    let delay = hiring
        .terms
        .as_ref()
        .map_or(0.0, |t| t.lead_s + t.training_s);
    Some(format!(
        "{} week{} from {} to {} stay short by up to {most:.1} FTE: sooner than hiring delivers ({} from decision to productive); cover {} by redeployment, overtime or longer hours",
        short.len(),
        if short.len() == 1 { "" } else { "s" },
        day(model, first.first_day),
        day(model, last.first_day + last.days - 1),
        Duration::from_secs(delay),
        if short.len() == 1 { "it" } else { "them" }
    ))
}

/// The report's section on people and hiring.
fn people_html(model: &Model, hiring: &Hiring) -> String {
    use crate::report::html::esc;
    let mut h = String::new();
    let p = &hiring.people;
    let _ = writeln!(
        h,
        "<h2 id=\"people\">People and hiring</h2>\n<p class=\"muted\">Required FTE = on-queue agent-hours ÷ ({} paid hours per FTE a week × (1 − shrinkage {:.0} %) × (1 − absence {:.0} %)){}; available FTE = rostered hours of the pools that serve the channel ÷ paid hours per FTE (a pool that also serves other channels counts in full).</p>",
        crate::units::trim_float(p.paid_week_s / 3600.0),
        100.0 * p.shrinkage,
        100.0 * p.absence,
        p.occupancy_cap.map_or(String::new(), |c| format!(
            ", steps kept at most {:.0} % busy",
            100.0 * c
        ))
    );
    let _ = writeln!(
        h,
        "<table><thead><tr><th>week</th><th>agent-hours</th><th>required FTE</th><th>on the rosters</th><th>gap</th><th>hired (effective)</th><th>gap after hiring</th></tr></thead><tbody>"
    );
    for w in &hiring.weeks {
        let class = if w.gap_fte - w.hired_fte > 0.5 {
            " class=\"missed\""
        } else {
            ""
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td{class}>{:.1}</td></tr>",
            day(model, w.first_day),
            crate::report::table::group_thousands(w.required_hours.round()),
            w.required_fte,
            w.available_fte,
            w.gap_fte,
            w.hired_fte,
            w.gap_fte - w.hired_fte
        );
    }
    let _ = writeln!(h, "</tbody></table>");
    if let Some(terms) = &hiring.terms {
        let _ = writeln!(
            h,
            "<h3>Hiring plan</h3><p class=\"muted\">Terms {}: {} lead time, {} training{}. A wave is productive from the first week it is for; its latest decision date is that day less the lead time and the training. The waves are in <code>hiring_plan.toml</code> as <code>[[actions]]</code>: paste them into the scenario and run it to see them in the whole service.</p>",
            terms.from_action.as_ref().map_or(
                "(no hire action in the scenario: defaults)".to_string(),
                |a| { format!("of the scenario's action <code>{}</code>", esc(a)) }
            ),
            Duration::from_secs(terms.lead_s),
            Duration::from_secs(terms.training_s),
            if terms.start_speed < 1.0 {
                format!(
                    ", starting at {:.0} % speed, full after {}",
                    100.0 * terms.start_speed,
                    Duration::from_secs(terms.ramp_s)
                )
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            h,
            "<table><thead><tr><th>wave</th><th>pool</th><th>hires</th><th>decide by</th><th>arrive</th><th>productive from</th><th>cost</th></tr></thead><tbody>"
        );
        for v in &hiring.waves {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td{}>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                v.number,
                esc(&model.pools[terms.pool].name),
                v.hires,
                if v.late { " class=\"missed\"" } else { "" },
                date_of(model, v.decide_by_s),
                if v.late { " (already late)" } else { "" },
                date_of(model, v.arrive_s),
                date_of(model, v.productive_s),
                crate::report::table::group_thousands(v.cost.round())
            );
        }
        if hiring.waves.is_empty() {
            let _ = writeln!(h, "<tr><td colspan=\"7\">no wave</td></tr>");
        }
        let _ = writeln!(h, "</tbody></table>");
        if let Some(text) = shortfall(model, hiring) {
            let _ = writeln!(h, "<p class=\"missed\">{}.</p>", esc(&text));
        }
    }
    h
}

/// The pools that serve the channel, each with the other channels it
/// serves: how a channel's requirement maps to pools.
fn pools_serving(model: &Model, c: usize) -> String {
    let parts: Vec<String> = model.channels[c]
        .pools
        .iter()
        .map(|&p| {
            let others: Vec<&str> = model
                .channels
                .iter()
                .enumerate()
                .filter(|(o, ch)| *o != c && ch.pools.contains(&p))
                .map(|(_, ch)| ch.name.as_str())
                .collect();
            if others.is_empty() {
                format!("{} (only this channel)", model.pools[p].name)
            } else {
                format!("{} (also {})", model.pools[p].name, others.join(", "))
            }
        })
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join("; ")
    }
}
