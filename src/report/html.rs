//! `report.html`: one self-contained file for people — the scenario, the
//! settings, a headline table per channel with targets met or not, the
//! charts inline (SVG), the actions taken, the cost, and the scenario's
//! notes and sources. Inline CSS, no scripts, no network.

use std::fmt::Write;

use crate::kpi::{
    ACTION_KPIS, INTERVAL_METRICS, POOL_INTERVAL_METRICS, POOL_KPIS, TOTAL_KPIS, index_of,
    series_width,
};
use crate::model::Model;
use crate::runner::RunResult;
use crate::stats::Stat;
use crate::units::human_duration;

use super::headline::{self, Fmt};
use super::table::group_thousands;

/// Escapes text for HTML.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1} %", 100.0 * x)
    } else {
        "n/a".into()
    }
}

fn count(x: f64) -> String {
    if x.is_finite() {
        group_thousands(x.round())
    } else {
        "n/a".into()
    }
}

pub(crate) const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1280px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:2px solid #0072B2;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#eef4fa}
#headline td:nth-child(2){text-align:left}td{font-variant-numeric:tabular-nums}
.weeks td:first-child,#headline td{white-space:nowrap}#headline td:nth-child(2){white-space:normal}
.met{color:#00734f;font-weight:bold}.missed{color:#b34700;font-weight:bold}
.muted{color:#666;font-size:.9em}figure{margin:.5em 0}svg{max-width:100%;height:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:.5em 1em}
ul.sources li{margin:.2em 0}";

/// Inline SVG charts, a heading and a grid per section.
pub(crate) fn figures(charts: &[super::DrawnChart]) -> String {
    let mut h = String::new();
    let mut section = "";
    for c in charts {
        if c.section != section {
            if !section.is_empty() {
                let _ = writeln!(h, "</div>");
            }
            section = &c.section;
            let _ = writeln!(h, "<h3>{}</h3>\n<div class=\"grid\">", esc(section));
        }
        let _ = writeln!(
            h,
            "<figure id=\"chart-{}\">{}</figure>",
            esc(&c.name),
            c.svg
        );
    }
    if !charts.is_empty() {
        let _ = writeln!(h, "</div>");
    }
    h
}

/// The week-by-week tables: per channel and per pool, the means across
/// replications of each week (from `weeks.csv`), the service level with
/// its P5–P95.
fn weeks(model: &Model, result: &RunResult) -> String {
    let mut h = String::new();
    let sm = &result.summary;
    let width = series_width(model);
    if sm.weeks.is_empty() || width == 0 {
        return h;
    }
    let nm = INTERVAL_METRICS.len();
    let npm = POOL_INTERVAL_METRICS.len();
    let nc = model.channels.len();
    let ch_k = |key: &str| index_of(INTERVAL_METRICS, key).expect("a channel metric");
    let pool_k = |key: &str| index_of(POOL_INTERVAL_METRICS, key).expect("a pool metric");
    let week_start = |w: usize| {
        model
            .datetime_at(w as f64 * 7.0 * crate::model::DAY_S)
            .date()
    };
    let _ = writeln!(
        h,
        "<h2>Week by week</h2>\n<p class=\"muted\">Means across replications per week (7 days from the start), from weeks.csv. Offered, abandoned and turned away count the contacts that arrived in the week; handled counts the services started in it (the work done); the backlog is the one at the end of the week.</p>"
    );
    let cell = |st: &Stat, f: Fmt| headline::show(st.mean, f);
    for (c, ch) in model.channels.iter().enumerate() {
        let callbacks = headline::channel_stat(result, c, "callback_requests_contacts")
            .is_some_and(|s| s.mean > 0.0);
        let _ = writeln!(
            h,
            "<h3>{} ({}{})</h3>\n<table class=\"weeks\"><thead><tr><th>week of</th><th>offered</th><th>handled</th><th>service level</th><th>P5 – P95</th><th>average wait of those answered{}</th><th>abandoned</th><th>turned away</th>{}<th>backlog at the end</th></tr></thead><tbody>",
            esc(&ch.name),
            ch.kind.word(),
            if ch.internal { ", internal" } else { "" },
            if callbacks { " live" } else { "" },
            if callbacks {
                "<th>callbacks requested</th><th>callbacks owed at the end</th>"
            } else {
                ""
            },
        );
        for (w, row) in sm.weeks.chunks_exact(width).enumerate() {
            let at = |key: &str| &row[c * nm + ch_k(key)];
            let sl = at("service_level");
            let extra = if callbacks {
                format!(
                    "<td>{}</td><td>{}</td>",
                    cell(at("callback_requests_contacts"), Fmt::Count),
                    cell(at("callbacks_owed_end_contacts"), Fmt::Count)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{extra}<td>{}</td></tr>",
                week_start(w),
                cell(at("offered_contacts"), Fmt::Count),
                cell(at("handled_by_event_contacts"), Fmt::Count),
                cell(sl, Fmt::Share),
                headline::show_spread(sl, Fmt::Share),
                cell(at("asa_s"), Fmt::Seconds),
                cell(at("abandoned_by_arrival_contacts"), Fmt::Count),
                cell(at("turned_away_contacts"), Fmt::Count),
                cell(at("backlog_end_contacts"), Fmt::Count),
            );
        }
        let _ = writeln!(h, "</tbody></table>");
    }
    let _ = writeln!(
        h,
        "<h3>Staff per week</h3>\n<table class=\"weeks\"><thead><tr><th>week of</th>{}</tr></thead><tbody>",
        model
            .pools
            .iter()
            .map(|p| format!(
                "<th>{}: on duty while rostered</th><th>{}: occupancy</th>",
                esc(&p.name),
                esc(&p.name)
            ))
            .collect::<String>()
    );
    for (w, row) in sm.weeks.chunks_exact(width).enumerate() {
        let cells: String = (0..model.pools.len())
            .map(|p| {
                let at = |key: &str| &row[nc * nm + p * npm + pool_k(key)];
                format!(
                    "<td>{}</td><td>{}</td>",
                    cell(at("pool_on_duty_rostered_agents"), Fmt::Agents),
                    cell(at("pool_occupancy"), Fmt::Share)
                )
            })
            .collect();
        let _ = writeln!(h, "<tr><td>{}</td>{cells}</tr>", week_start(w));
    }
    let _ = writeln!(h, "</tbody></table>");
    h
}

/// The bytes of `report.html`, with `charts` inlined (SVG), grouped by
/// section.
pub fn report(
    model: &Model,
    result: &RunResult,
    charts: &[super::DrawnChart],
) -> Result<Vec<u8>, String> {
    let mut h = String::new();
    let sm = &result.summary;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>\n",
        esc(&model.name)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&model.name));
    if !model.description.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(&model.description));
    }
    let end = model.datetime_at(model.horizon_s - 1.0).date();
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} days from {} to {}; {} replications, seed {}; reporting every {}; surgesim {}; scenario hash {}.</p>",
        model.days,
        model.start,
        end,
        model.replications,
        model.seed,
        human_duration(model.interval_s),
        env!("CARGO_PKG_VERSION"),
        esc(if model.scenario_hash.is_empty() {
            "n/a"
        } else {
            &model.scenario_hash
        })
    );
    for w in &model.warnings {
        let _ = writeln!(h, "<p class=\"missed\">Warning: {}</p>", esc(w));
    }

    // Headline table per channel.
    let _ = writeln!(
        h,
        "<h2>Headline results</h2>\n<p class=\"muted\">Mean across replications with its 95 % confidence interval, the median and the spread across replications (P5–P95). A channel's target counts as met in a replication when its service level reaches the target and, for a backlog, the work left at the end clears within the target time at the pace of the last four weeks; the last column says in how many replications that happened. Live calls and callbacks are counted apart.</p>"
    );
    let _ = writeln!(
        h,
        "<table id=\"headline\"><thead><tr><th>channel</th><th>KPI</th><th>mean</th><th>95 % interval</th><th>median</th><th>P5 – P95</th><th>target met</th></tr></thead><tbody>"
    );
    for (c, ch) in model.channels.iter().enumerate() {
        let kind = ch.kind.word();
        let name = format!(
            "{} ({kind}{})",
            esc(&ch.name),
            if ch.internal { ", internal" } else { "" }
        );
        let mut rows: Vec<(String, Stat, Fmt)> = headline::channel_rows(model, result, c)
            .into_iter()
            .filter_map(|(key, label, f)| {
                headline::channel_stat(result, c, key).map(|s| (label, *s, f))
            })
            .collect();
        if let Some((week, st)) = headline::worst_week(model, result, c) {
            rows.insert(
                1,
                (format!("worst week: {week}, service level"), st, Fmt::Share),
            );
        }
        for (i, (label, s, f)) in rows.iter().enumerate() {
            let met = if i == 0 {
                let share = headline::met_share(result, c);
                if share.is_finite() {
                    let class = if share >= 0.5 { "met" } else { "missed" };
                    format!(
                        "<td class=\"{class}\">in {:.0} % of replications</td>",
                        100.0 * share
                    )
                } else {
                    "<td>n/a</td>".into()
                }
            } else {
                "<td></td>".into()
            };
            let ci = if s.ci95.is_finite() {
                let lo = (s.mean - s.ci95).max(0.0);
                format!(
                    "{} – {}",
                    headline::show(lo, *f),
                    headline::show(s.mean + s.ci95, *f)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                h,
                "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{ci}</td><td>{}</td><td>{}</td>{met}</tr>",
                esc(label),
                headline::show(s.mean, *f),
                headline::show(s.p50, *f),
                headline::show_spread(s, *f),
            );
        }
    }
    let _ = writeln!(h, "</tbody></table>");

    h.push_str(&weeks(model, result));

    if !charts.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Over time</h2>\n<p class=\"muted\">Per day: the median across replications, with P25–P75 (dark) and P5–P95 (light) bands; grey lines mark the day actions took effect (median over the replications in which they fired). Histograms show how one result varies across replications.</p>"
        );
        h.push_str(&figures(charts));
    }

    // Scripted events.
    if !model.injects.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Scripted events</h2>\n<p class=\"muted\">Injects: events the scenario scripts and the plan did not foresee.</p>\n<table id=\"injects\"><thead><tr><th>when</th><th>event</th><th>news</th><th>what it does</th></tr></thead><tbody>"
        );
        for (i, inj) in model.injects.iter().enumerate() {
            let when = model.datetime_at(inj.at_s).strftime("%a %Y-%m-%d %H:%M");
            let until = inj.end_s.map_or(String::new(), |e| {
                format!(" to {}", model.datetime_at(e).strftime("%a %Y-%m-%d %H:%M"))
            });
            let _ = writeln!(
                h,
                "<tr><td>{}{}</td><td>{} ({})</td><td>{}</td><td>{}</td></tr>",
                esc(&when.to_string()),
                esc(&until),
                esc(&inj.id),
                esc(inj.kind),
                esc(&inj.news),
                esc(&model.describe_inject(i))
            );
        }
        let _ = writeln!(h, "</tbody></table>");
    }

    // Actions.
    if model.actions.iter().any(|a| a.inject.is_none()) {
        let _ = writeln!(
            h,
            "<h2>Contingency actions</h2>\n<table id=\"actions\"><thead><tr><th>action</th><th>effect</th><th>decided in</th><th>decision day (median)</th><th>undone in</th></tr></thead><tbody>"
        );
        for (a, st) in model
            .actions
            .iter()
            .zip(&sm.action_kpis)
            .filter(|(a, _)| a.inject.is_none())
        {
            let fired = st[index_of(ACTION_KPIS, "fired_share").expect("a KPI")];
            let day = st[index_of(ACTION_KPIS, "decision_day").expect("a KPI")];
            let released = st[index_of(ACTION_KPIS, "released_share").expect("a KPI")];
            let day_text = if day.n > 0 {
                let date = model.datetime_at(day.p50 * crate::model::DAY_S).date();
                format!("day {} ({date})", day.p50)
            } else {
                "—".into()
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{} of replications</td><td>{day_text}</td><td>{}</td></tr>",
                esc(&a.id),
                esc(&a.describe(model)),
                pct(fired.mean),
                pct(released.mean)
            );
        }
        let _ = writeln!(h, "</tbody></table>");
    }

    // Cost.
    let _ = writeln!(
        h,
        "<h2>Cost</h2>\n<table id=\"cost\"><thead><tr><th>pool</th><th>paid hours</th><th>staff cost ({0})</th><th>hiring cost ({0})</th><th>handled contacts</th><th>cost per handled contact ({0})</th></tr></thead><tbody>",
        esc(&model.currency)
    );
    for (p, pool) in model.pools.iter().enumerate() {
        let k = |key: &str| sm.pool_kpis[p][index_of(POOL_KPIS, key).expect("a KPI")].mean;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td></tr>",
            esc(&pool.name),
            count(k("paid_hours_h")),
            count(k("staff_cost")),
            count(k("hiring_cost")),
            count(k("handled_contacts")),
            k("cost_per_handled_contact")
        );
    }
    let t = |key: &str| sm.total_kpis[index_of(TOTAL_KPIS, key).expect("a KPI")].mean;
    let _ = writeln!(
        h,
        "<tr><th>all, with lines and counters ({})</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{:.2}</th></tr></tbody></table>",
        count(t("capacity_cost")),
        count(t("paid_hours_h")),
        count(t("staff_cost")),
        count(t("hiring_cost")),
        count(t("handled_contacts")),
        t("cost_per_handled_contact")
    );

    if !model.sources.is_empty() {
        let _ = writeln!(h, "<h2>Notes and sources</h2>\n<ul class=\"sources\">");
        for s in &model.sources {
            let _ = writeln!(h, "<li>{}</li>", esc(s));
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(
        h,
        "<p class=\"muted\">Definitions of every KPI are in summary.json and in the README; the numbers behind the charts are in days.csv and intervals.csv.</p>\n</body></html>"
    );
    Ok(h.into_bytes())
}
