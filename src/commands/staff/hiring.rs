//! The hiring half of `surgesim staff`: the weekly FTE, the hiring waves
//! (`fte_weekly.csv`, `hiring_plan.csv`, `hiring_plan.toml`) and their part of
//! the summary table and of the report.

use super::*;

pub(super) struct Hiring {
    pub(super) people: PeopleOptions,
    pub(super) weeks: Vec<Week>,
    pub(super) terms: Option<HireTerms>,
    pub(super) waves: Vec<Wave>,
}

pub(super) fn day(model: &Model, d: usize) -> String {
    model
        .datetime_at(d as f64 * crate::model::DAY_S)
        .date()
        .to_string()
}

/// The date of a time (the day it falls on; decisions are taken by then).
pub(super) fn date_of(model: &Model, t: f64) -> String {
    model.datetime_at(t.max(0.0)).date().to_string()
}

/// `fte_weekly.csv`.
pub(super) fn fte_csv(model: &Model, method: Method, hiring: &Hiring) -> std::io::Result<Vec<u8>> {
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
pub(super) fn waves_csv(model: &Model, hiring: &Hiring) -> std::io::Result<Vec<u8>> {
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
pub(super) fn actions_toml(model: &Model, advice: &Advice, hiring: &Hiring) -> String {
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
pub(super) fn people_table(model: &Model, hiring: &Hiring, c: usize) -> String {
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
pub(super) fn shared_pools(model: &Model, c: usize) -> Vec<&str> {
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
pub(super) fn shortfall(model: &Model, hiring: &Hiring) -> Option<String> {
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
pub(super) fn people_html(model: &Model, hiring: &Hiring) -> String {
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
pub(super) fn pools_serving(model: &Model, c: usize) -> String {
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
