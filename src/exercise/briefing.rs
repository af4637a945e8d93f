//! The briefing page handed to the trainees at the start: the situation,
//! the targets, the staff, the levers with their lead times and costs, the
//! scenario's own plan (for the trainer), and how to play. HTML that prints
//! on A4 (print styles, no scripts, no external files).

use std::fmt::Write;

use crate::model::{ChannelKind, Model};
use crate::report::html::esc;
use crate::scenario::LoadedScenario;
use crate::units::{human_duration, trim_float};

use super::decision::KINDS;

const PRINT_CSS: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;border-bottom:1px solid #999;margin-top:1.4em}
table{border-collapse:collapse;margin:.4em 0;width:100%}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right}code{font-family:'DejaVu Sans Mono',monospace;font-size:.92em}
.muted{color:#555;font-size:.9em}.box{border:2px solid #333;padding:.5em 1em;margin:1em 0}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}table,tr{break-inside:avoid}a{color:#222;text-decoration:none}}
@page{size:A4;margin:15mm}";

/// The briefing of `model` (the trainees' world, before any decision).
pub fn briefing(loaded: &LoadedScenario, model: &Model, seed: u64, step_s: f64) -> String {
    let mut h = String::new();
    let m = model;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Briefing: {}</title><style>{PRINT_CSS}</style></head><body>\n",
        esc(&m.name)
    );
    let _ = writeln!(h, "<h1>Briefing: {}</h1>", esc(&m.name));
    let end = super::view::when(m, m.horizon_s - 86_400.0);
    let _ = writeln!(
        h,
        "<p class=\"muted\">Preparedness exercise · {} days from {} to {} · one step = {} · world {} (seed) · scenario <code>{}</code></p>",
        m.days,
        super::view::when(m, 0.0),
        end,
        human_duration(step_s),
        seed,
        esc(&loaded.origin)
    );
    let _ = writeln!(h, "<h2>The situation</h2>\n<p>{}</p>", esc(&m.description));
    let _ = writeln!(
        h,
        "<div class=\"box\"><b>Your role.</b> You are the duty management team. Each step you see yesterday's figures and the news; you may take decisions before the next step. Decisions take effect after their lead times. Nobody knows in advance how large the crisis will be: the forecasts may be wrong by a wide margin.</div>"
    );
    // Targets.
    let _ = writeln!(
        h,
        "<h2>Targets</h2>\n<table><tr><th>channel</th><th>kind</th><th>open</th><th>target</th><th>capacity</th></tr>"
    );
    for ch in &m.channels {
        let kind = match ch.kind {
            ChannelKind::Phone => "phone",
            ChannelKind::Email => "e-mail",
            ChannelKind::Desk => "walk-in desk",
        };
        let open_h = ch.open.overlap(0.0, (7.0 * 86_400.0f64).min(m.horizon_s)) / 3600.0;
        let capacity = match (ch.lines, ch.counters) {
            (Some(l), _) => format!("{l} lines"),
            (_, Some(c)) => format!("{c} counters"),
            _ => "–".into(),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}{}</td><td>{kind}</td><td class=\"n\">{:.0} h a week</td><td>{:.0} % within {}</td><td>{capacity}</td></tr>",
            esc(&ch.name),
            if ch.internal { " (internal work)" } else { "" },
            open_h,
            100.0 * ch.sl_target,
            if ch.business.is_some() {
                format!(
                    "{} of business hours",
                    trim_float(ch.answer_within_s / 3600.0) + " h"
                )
            } else {
                human_duration(ch.answer_within_s)
            }
        );
    }
    let _ = writeln!(h, "</table>");
    // Staff.
    let _ = writeln!(
        h,
        "<h2>Staff</h2>\n<table><tr><th>pool</th><th>headcount</th><th>serves</th><th>cost per hour</th><th>what they do</th></tr>"
    );
    for p in &m.pools {
        let serves: Vec<&str> = m
            .channels
            .iter()
            .enumerate()
            .filter(|(c, _)| {
                m.channels[*c].pools.contains(
                    &m.pools
                        .iter()
                        .position(|q| q.name == p.name)
                        .unwrap_or(usize::MAX),
                )
            })
            .map(|(_, ch)| ch.name.as_str())
            .collect();
        let desc = loaded
            .scenario
            .pools
            .get(&p.name)
            .and_then(|x| x.description.clone())
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{} {}</td><td>{}</td></tr>",
            esc(&p.name),
            p.headcount,
            esc(&serves.join(", ")),
            trim_float(p.cost_per_hour),
            esc(&m.currency),
            esc(&desc)
        );
    }
    let _ = writeln!(h, "</table>");
    // Levers.
    let _ = writeln!(
        h,
        "<h2>Levers</h2>\n<p>Type a decision as its kind followed by <code>key=value</code> pairs (the scenario file's action keys). Typical lead times and costs are those of the scenario's own plan below; you may choose others, and the tool shows the cost before the next step.</p>\n<table><tr><th>decision</th><th>what it does</th><th>example</th></tr>"
    );
    for (kind, what) in KINDS {
        let _ = writeln!(
            h,
            "<tr><td><code>{kind}</code></td><td>{}</td><td><code>{}</code></td></tr>",
            esc(what),
            esc(&example(m, kind))
        );
    }
    let _ = writeln!(h, "</table>");
    // The plan's actions as levers with their lead times and costs.
    let plan_actions: Vec<&crate::scenario::Action> = loaded
        .scenario
        .actions
        .iter()
        .filter(|a| a.plan.is_some())
        .collect();
    if !plan_actions.is_empty() {
        let _ = writeln!(
            h,
            "<h2>The contingency plan's measures</h2>\n<p>Type <code>plan ID</code> to take one now, with its keys as written. The plan itself is off: only your decisions change the world. The debrief compares your result with this plan played as written.</p>\n<table><tr><th>ID</th><th>kind</th><th>what</th><th>lead time</th><th>cost</th></tr>"
        );
        for a in plan_actions {
            let kind = toml::Value::try_from(a.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let lead = [
                a.delay
                    .map(|d| format!("decision {}", human_duration(d.secs()))),
                a.lead_time
                    .map(|d| format!("recruitment {}", human_duration(d.secs()))),
                a.training
                    .map(|d| format!("training {}", human_duration(d.secs()))),
                a.switch_over
                    .map(|d| format!("switch-over {}", human_duration(d.secs()))),
                a.adoption
                    .map(|d| format!("adoption {}", human_duration(d.secs()))),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let cost = match (a.cost_per_hire, a.cost_per_hour) {
                (None, None) => String::new(),
                (hire, hour) => format!(
                    "{}{}",
                    hire.map_or(String::new(), |c| format!(
                        "{} {} a hire; ",
                        trim_float(c),
                        m.currency
                    )),
                    hour.map_or(String::new(), |c| format!(
                        "{} {}/h",
                        trim_float(c),
                        m.currency
                    ))
                ),
            };
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.id),
                esc(&kind),
                esc(a.description.as_deref().unwrap_or("")),
                esc(if lead.is_empty() { "at once" } else { &lead }),
                esc(&cost)
            );
        }
        let _ = writeln!(h, "</table>");
    }
    let _ = writeln!(
        h,
        "<h2>How to play</h2>\n<pre>{}</pre>\n<p class=\"muted\">The injects (unplanned events) are not listed here: they reach you as news.</p>",
        esc(super::command::HELP)
    );
    let _ = writeln!(h, "</body></html>");
    h
}

/// An example command of `kind` with the scenario's own names.
pub fn example(m: &Model, kind: &str) -> String {
    let pool = |i: usize| m.pools.get(i).map_or("POOL", |p| p.name.as_str());
    let phone = m
        .channels
        .iter()
        .find(|c| c.kind == ChannelKind::Phone)
        .or(m.channels.first())
        .map_or("CHANNEL", |c| c.name.as_str());
    let desk = m
        .channels
        .iter()
        .find(|c| c.kind == ChannelKind::Desk)
        .map_or(phone, |c| c.name.as_str());
    let serving = m
        .channels
        .iter()
        .find(|c| c.name == phone)
        .and_then(|c| c.pools.first().copied())
        .unwrap_or(0);
    let other = (0..m.pools.len())
        .find(|&p| p != serving)
        .unwrap_or(serving);
    // A topic the public asks about (of a channel that is not internal).
    let topic = m
        .classes
        .iter()
        .find(|k| !m.channels[k.channel].internal)
        .map_or(m.topics.first().map_or("TOPIC", String::as_str), |k| {
            m.topics[k.topic].as_str()
        });
    match kind {
        "hire" => format!(
            "hire pool={} count=10 lead_time=4w training=2w",
            pool(serving)
        ),
        "redeploy" => format!("redeploy from={} to={} count=4", pool(other), pool(serving)),
        "hours" => format!("hours channel={phone} hours={{weekdays=\"08:00-18:00\"}}"),
        "lines" => format!("lines channel={phone} lines=60"),
        "counters" => format!("counters channel={desk} counters=25"),
        "deflect" => format!("deflect topic={topic} deflect=0.2 delay=1w adoption=2w"),
        "model_answers" => format!("model_answers topic={topic} factor=0.8 delay=1w"),
        "open_channel" => format!("open_channel to=CHANNEL topic={topic} takes=0.3"),
        "support" => format!("support pool={} damping=0.5", pool(serving)),
        "callbacks" => format!("callbacks channel={phone} offer_over=2m accept=0.5 within=1d"),
        _ => kind.to_string(),
    }
}
