//! The headline figures of a run, shared by the terminal table and
//! `report.html`: which KPIs a planner reads per channel and pool, their
//! labels in words with units, the target in words (working days on a
//! business clock), the share of replications that met it, and the worst
//! week.

use crate::kpi::{CHANNEL_KPIS, INTERVAL_METRICS, POOL_KPIS, index_of, series_width};
use crate::model::{Channel, ChannelKind, DAY_S, Model};
use crate::runner::RunResult;
use crate::stats::Stat;
use crate::units::human_duration;

use super::table::group_thousands;

/// How to show a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fmt {
    /// A whole number with thousands separators.
    Count,
    /// A share, as a percentage.
    Share,
    /// A duration.
    Seconds,
    /// A number of days.
    Days,
    /// Agents, two decimals.
    Agents,
    /// Money, whole units.
    Money,
}

/// A value in words.
pub fn show(x: f64, f: Fmt) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    match f {
        Fmt::Count | Fmt::Money => group_thousands(x.round()),
        Fmt::Share => format!("{:.1} %", 100.0 * x),
        Fmt::Seconds => human_duration(x),
        Fmt::Days => format!("{x:.1} d"),
        Fmt::Agents => format!("{x:.2}"),
    }
}

/// The 95 % half-width of a mean, in words (`± 1.5`), empty when undefined.
pub fn show_ci(s: &Stat, f: Fmt) -> String {
    if !s.ci95.is_finite() {
        return String::new();
    }
    match f {
        Fmt::Share => format!("± {:.1}", 100.0 * s.ci95),
        Fmt::Agents => format!("± {:.2}", s.ci95),
        _ => format!("± {}", show(s.ci95, f)),
    }
}

/// P5–P95 across replications, in words.
pub fn show_spread(s: &Stat, f: Fmt) -> String {
    if !s.p5.is_finite() || !s.p95.is_finite() {
        return String::new();
    }
    format!("{} – {}", show(s.p5, f), show(s.p95, f))
}

/// The service-level threshold in words: "within 1 min", "within 2 working
/// days of 8 h", "within 16 working hours".
pub fn target_words(ch: &Channel) -> String {
    let Some((iv, _)) = &ch.business else {
        return format!("within {}", human_duration(ch.answer_within_s));
    };
    // Business hours of a working day: the average over days that have any.
    let mut per_day: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
    for &(a, b) in iv.spans() {
        *per_day.entry((a / DAY_S).floor() as i64).or_default() += b - a;
    }
    let day_s = if per_day.is_empty() {
        0.0
    } else {
        per_day.values().sum::<f64>() / per_day.len() as f64
    };
    let hours = ch.answer_within_s / 3600.0;
    if day_s > 0.0 {
        let days = ch.answer_within_s / day_s;
        if days >= 1.0 && (days - days.round()).abs() < 0.05 {
            let n = days.round();
            return format!(
                "within {n} working day{} of {}",
                if n == 1.0 { "" } else { "s" },
                human_duration(day_s)
            );
        }
    }
    format!(
        "within {} working hour{}",
        fmt_number(hours),
        if hours == 1.0 { "" } else { "s" }
    )
}

fn fmt_number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// One headline row: KPI key, label, format.
pub type Row = (&'static str, String, Fmt);

/// The headline rows of channel `c` (service level first).
pub fn channel_rows(model: &Model, result: &RunResult, c: usize) -> Vec<Row> {
    let ch = &model.channels[c];
    let mean = |key: &str| {
        index_of(CHANNEL_KPIS, key).map_or(0.0, |k| result.summary.channel_kpis[c][k].mean)
    };
    let calendar_note = if ch.business.is_some() {
        " (calendar time)"
    } else {
        ""
    };
    let live = if ch.kind == ChannelKind::Phone && mean("callback_requests_contacts") > 0.0 {
        "live calls"
    } else {
        ""
    };
    let mut rows: Vec<Row> = vec![(
        "service_level",
        format!(
            "service level{}: answered {} (target {:.0} %)",
            if live.is_empty() {
                ""
            } else {
                " of live calls"
            },
            target_words(ch),
            100.0 * ch.sl_target
        ),
        Fmt::Share,
    )];
    let s = |x: &str| x.to_string();
    match ch.kind {
        ChannelKind::Phone => {
            rows.extend([
                ("offered_contacts", s("offered (incl. redials)"), Fmt::Count),
                ("answered_contacts", s("answered live"), Fmt::Count),
                (
                    "asa_s",
                    s("average speed of answer, live calls"),
                    Fmt::Seconds,
                ),
                ("p_abandon", s("abandoned"), Fmt::Share),
                ("p_block", s("busy signal"), Fmt::Share),
                (
                    "switched_out_contacts",
                    s("gave up and switched channel"),
                    Fmt::Count,
                ),
                ("closed_attempts", s("calls while closed"), Fmt::Count),
                ("queue_max_contacts", s("longest live queue"), Fmt::Count),
            ]);
            if !live.is_empty() {
                rows.extend([
                    (
                        "callback_requests_contacts",
                        s("callbacks requested (left the line)"),
                        Fmt::Count,
                    ),
                    ("callbacks_made_contacts", s("callbacks made"), Fmt::Count),
                    (
                        "callbacks_owed_at_end_contacts",
                        s("callbacks still owed at the end"),
                        Fmt::Count,
                    ),
                    (
                        "callbacks_kept_share",
                        s("callbacks made within the promise"),
                        Fmt::Share,
                    ),
                    (
                        "callback_wait_mean_s",
                        s("time to call back, mean (calendar time)"),
                        Fmt::Seconds,
                    ),
                    (
                        "callback_wait_p90_s",
                        s("time to call back, P90 (calendar time)"),
                        Fmt::Seconds,
                    ),
                    (
                        "callback_working_wait_mean_s",
                        s("time to call back, mean (while the line is open)"),
                        Fmt::Seconds,
                    ),
                    (
                        "service_level_with_callbacks",
                        s("on time, callbacks kept counted as on time"),
                        Fmt::Share,
                    ),
                ]);
            }
        }
        ChannelKind::Email => rows.extend([
            ("offered_contacts", s("received"), Fmt::Count),
            ("answered_contacts", s("answered"), Fmt::Count),
            (
                "asa_s",
                format!("average time to answer{calendar_note}"),
                Fmt::Seconds,
            ),
            (
                "wait_max_s",
                format!("longest time to answer{calendar_note}"),
                Fmt::Seconds,
            ),
            ("queue_max_contacts", s("largest backlog"), Fmt::Count),
            (
                "waiting_at_end_contacts",
                s("backlog at the end"),
                Fmt::Count,
            ),
            (
                "late_at_end_contacts",
                s("of which already past the target"),
                Fmt::Count,
            ),
            (
                "waiting_at_end_share",
                s("share of arrivals still waiting at the end"),
                Fmt::Share,
            ),
            (
                "backlog_clear_days",
                s("days to clear the end backlog at the last 4 weeks' pace"),
                Fmt::Days,
            ),
            (
                "unstaffed_contacts",
                s("nobody at work could answer"),
                Fmt::Count,
            ),
        ]),
        ChannelKind::Desk => rows.extend([
            (
                "offered_contacts",
                s("visitors (incl. returns)"),
                Fmt::Count,
            ),
            ("answered_contacts", s("served"), Fmt::Count),
            ("asa_s", s("average wait"), Fmt::Seconds),
            ("p_abandon", s("left the queue"), Fmt::Share),
            ("turned_away_contacts", s("turned away"), Fmt::Count),
            ("closed_attempts", s("came while closed"), Fmt::Count),
            ("queue_max_contacts", s("longest queue"), Fmt::Count),
        ]),
    }
    rows
}

/// The headline rows of a pool.
pub fn pool_rows(model: &Model) -> Vec<Row> {
    vec![
        (
            "agents_on_duty_rostered_mean",
            "staff on duty (average while rostered)".to_string(),
            Fmt::Agents,
        ),
        ("occupancy", "occupancy".to_string(), Fmt::Share),
        (
            "handled_contacts",
            "contacts handled".to_string(),
            Fmt::Count,
        ),
        (
            "total_cost",
            format!("cost ({}), staff and hiring", model.currency),
            Fmt::Money,
        ),
    ]
}

/// The statistics of a channel KPI.
pub fn channel_stat<'a>(result: &'a RunResult, c: usize, key: &str) -> Option<&'a Stat> {
    index_of(CHANNEL_KPIS, key).map(|k| &result.summary.channel_kpis[c][k])
}

/// The statistics of a pool KPI.
pub fn pool_stat<'a>(result: &'a RunResult, p: usize, key: &str) -> Option<&'a Stat> {
    index_of(POOL_KPIS, key).map(|k| &result.summary.pool_kpis[p][k])
}

/// Share of replications in which channel `c` met its target (see the
/// `target_met` KPI), NaN when undefined.
pub fn met_share(result: &RunResult, c: usize) -> f64 {
    channel_stat(result, c, "target_met").map_or(f64::NAN, |s| s.mean)
}

/// The week with the lowest mean service level of channel `c`: its first
/// date, and the statistics of its service level.
pub fn worst_week(model: &Model, result: &RunResult, c: usize) -> Option<(String, Stat)> {
    let width = series_width(model);
    let k = index_of(INTERVAL_METRICS, "service_level")?;
    let nm = INTERVAL_METRICS.len();
    let first_week = (model.warmup_s / (7.0 * DAY_S)).ceil() as usize;
    let (w, st) = result
        .summary
        .weeks
        .chunks_exact(width)
        .enumerate()
        .skip(first_week)
        .map(|(w, row)| (w, row[c * nm + k]))
        .filter(|(_, st)| st.mean.is_finite())
        .min_by(|a, b| a.1.mean.total_cmp(&b.1.mean))?;
    let date = model.datetime_at(w as f64 * 7.0 * DAY_S).date();
    Some((format!("week of {} {}", weekday(date), date), st))
}

/// The short English weekday of a date.
fn weekday(d: jiff::civil::Date) -> &'static str {
    use jiff::civil::Weekday::*;
    match d.weekday() {
        Monday => "Mon",
        Tuesday => "Tue",
        Wednesday => "Wed",
        Thursday => "Thu",
        Friday => "Fri",
        Saturday => "Sat",
        Sunday => "Sun",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Intervals;

    fn channel(within_s: f64, business: Option<Intervals>) -> Channel {
        Channel {
            name: "x".into(),
            kind: ChannelKind::Email,
            internal: false,
            lines: None,
            counters: None,
            patience: None,
            redial: None,
            answer_within_s: within_s,
            sl_target: 0.8,
            open: Intervals::always(7.0 * DAY_S),
            business: business.map(|iv| {
                let mut prefix = Vec::new();
                let mut acc = 0.0;
                for &(a, b) in iv.spans() {
                    prefix.push(acc);
                    acc += b - a;
                }
                (iv, prefix)
            }),
            closing: crate::model::Closing::ServeAll,
            returns: None,
            appointment_share: 0.0,
            switch: None,
            mean_handle_s: 0.0,
            pools: Vec::new(),
            cost_per_day: 0.0,
        }
    }

    #[test]
    fn business_targets_read_as_working_days_or_hours() {
        // Five working days of 8 hours.
        let spans = (0..5)
            .map(|d| {
                let a = d as f64 * DAY_S + 8.0 * 3600.0;
                (a, a + 8.0 * 3600.0)
            })
            .collect();
        let week = Intervals::from_spans(spans, 7.0 * DAY_S);
        assert_eq!(
            target_words(&channel(80.0 * 3600.0, Some(week.clone()))),
            "within 10 working days of 8 h"
        );
        assert_eq!(
            target_words(&channel(8.0 * 3600.0, Some(week.clone()))),
            "within 1 working day of 8 h"
        );
        assert_eq!(
            target_words(&channel(4.0 * 3600.0, Some(week))),
            "within 4 working hours"
        );
        assert_eq!(target_words(&channel(60.0, None)), "within 1 min");
    }
}
