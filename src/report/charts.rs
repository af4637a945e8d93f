//! Charts of a run, drawn with plotters: one drawing function per chart,
//! generic over the backend, rendered as SVG (for the report and for
//! people) and PNG (twice the size, for crisp text in slides). Text uses
//! DejaVu Sans, bundled with its licence (`assets/fonts/`), so charts render
//! on machines without system fonts.
//!
//! Charts are drawn per day (days are what planners read) from the
//! replications' daily series: the median with P25–P75 and P5–P95 bands
//! across replications (fan charts). Colours come from the Okabe–Ito
//! palette, which stays distinguishable for colour-blind readers.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::kpi::{CHANNEL_KPIS, INTERVAL_METRICS, POOL_INTERVAL_METRICS, index_of, series_width};
use crate::model::{ChannelKind, DAY_S, Model};
use crate::runner::RunResult;
use crate::stats::Stat;

/// The bundled font (DejaVu Sans; licence in `assets/fonts/`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// Okabe–Ito colours.
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const VERMILION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const SKY: RGBColor = RGBColor(86, 180, 233);
const GREY: RGBColor = RGBColor(90, 90, 90);

/// SVG size; PNGs are twice as large.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 420;

fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // A bundled, valid font cannot fail to register; if it did, drawing
        // reports `FontUnavailable` as a chart error.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// A chart's data, independent of the backend.
#[derive(Debug, Clone)]
pub enum Chart {
    /// A quantity per day across replications.
    Fan {
        title: String,
        y_label: String,
        /// One statistic per day.
        days: Vec<Stat>,
        /// Multiply values by this for display (100 for shares in %).
        scale: f64,
        /// A target line, in display units.
        target: Option<f64>,
        /// `(day, label)` markers (actions taking effect).
        markers: Vec<(f64, String)>,
    },
    /// Several lines per day (e.g. one per variant), with optional bands.
    Lines {
        title: String,
        y_label: String,
        lines: Vec<Line>,
        /// Multiply values by this for display.
        scale: f64,
        /// A horizontal reference line, in display units, and its label.
        reference: Option<(f64, String)>,
    },
    /// Labelled points with interval whiskers in both directions.
    Scatter {
        title: String,
        x_label: String,
        y_label: String,
        points: Vec<Point>,
        /// Legend text for filled and hollow points.
        legend: (String, String),
    },
    /// A histogram of one value per replication.
    Histogram {
        title: String,
        x_label: String,
        /// One value per replication (NaN values are left out and counted
        /// in `note`).
        values: Vec<f64>,
        /// A line under the title, e.g. how many replications never
        /// recovered.
        note: String,
    },
    /// Stacked areas per day (means), with vertical markers.
    Stacked {
        title: String,
        y_label: String,
        /// `(label, value per day)`, bottom first.
        layers: Vec<(String, Vec<f64>)>,
        /// `(day, label)` markers (actions taking effect).
        markers: Vec<(f64, String)>,
    },
}

/// One line of a [`Chart::Lines`] chart.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend label.
    pub label: String,
    /// One value per day (NaN: no value).
    pub values: Vec<f64>,
    /// A band around it per day, `(low, high)`, if any.
    pub band: Option<Vec<(f64, f64)>>,
}

/// One point of a [`Chart::Scatter`] chart, with its intervals.
#[derive(Debug, Clone)]
pub struct Point {
    /// Label written next to it.
    pub label: String,
    /// x and its interval.
    pub x: (f64, f64, f64),
    /// y and its interval.
    pub y: (f64, f64, f64),
    /// Drawn filled (e.g. on the cost-efficient frontier) or hollow.
    pub highlight: bool,
}

/// A named chart ready to render.
#[derive(Debug, Clone)]
pub struct NamedChart {
    /// Report section, e.g. `hotline (phone)`.
    pub section: String,
    /// File stem, e.g. `hotline_service_level`.
    pub name: String,
    /// What to draw.
    pub chart: Chart,
}

/// The charts of a run.
pub fn charts(model: &Model, result: &RunResult) -> Vec<NamedChart> {
    let mut out = Vec::new();
    let days = &result.summary.days;
    if days.is_empty() {
        return out;
    }
    let width = series_width(model);
    let nm = INTERVAL_METRICS.len();
    let npm = POOL_INTERVAL_METRICS.len();
    let nc = model.channels.len();
    let nd = model.days as usize;
    let chan = |c: usize, key: &str| -> Vec<Stat> {
        let k = index_of(INTERVAL_METRICS, key).expect("a channel metric");
        (0..nd).map(|d| days[d * width + c * nm + k]).collect()
    };
    // Actions taking effect (median day over the replications in which
    // they did), optionally only those that concern one pool; actions on
    // the same day share a marker.
    let markers_for = |concerns: &dyn Fn(&crate::model::Effect) -> bool| -> Vec<(f64, String)> {
        let mut v: Vec<(f64, String)> = Vec::new();
        for (a, st) in model.actions.iter().zip(&result.summary.action_kpis) {
            if st[0].mean <= 0.0 || st[2].n == 0 {
                continue;
            }
            if !concerns(&a.effect) {
                continue;
            }
            // Hires show when they arrive, not when recruitment starts.
            let day = st[2].p50
                + match &a.effect {
                    crate::model::Effect::Hire(h) => (h.lead_s / DAY_S).floor(),
                    _ => 0.0,
                };
            match v.iter_mut().find(|(d, _)| *d == day) {
                Some((_, label)) => {
                    label.push_str(", ");
                    label.push_str(&a.id);
                }
                None => v.push((day, a.id.clone())),
            }
        }
        v
    };
    let rows = |c: usize, key: &str| -> Vec<f64> {
        result
            .records
            .iter()
            .map(|r| r.channel_kpis[c][index_of(CHANNEL_KPIS, key).expect("a channel KPI")])
            .collect()
    };
    for (c, ch) in model.channels.iter().enumerate() {
        let kind = ch.kind.word();
        let markers = markers_for(&|e| effect_on_pool_or_channel(model, e, None, Some(c)));
        let section = format!("{} ({kind})", ch.name);
        out.push(NamedChart {
            section: section.clone(),
            name: format!("{}_offered", ch.name),
            chart: Chart::Fan {
                title: format!("{} ({kind}): contacts offered per day", ch.name),
                y_label: "contacts per day".into(),
                days: chan(c, "offered_contacts"),
                scale: 1.0,
                target: None,
                markers: markers.clone(),
            },
        });
        let (key, what) = if ch.kind == ChannelKind::Email {
            ("backlog_end_contacts", "backlog at the end of the day")
        } else {
            ("queue_mean_contacts", "people waiting (day average)")
        };
        out.push(NamedChart {
            section: section.clone(),
            name: format!("{}_backlog", ch.name),
            chart: Chart::Fan {
                title: format!("{} ({kind}): {what}", ch.name),
                y_label: "contacts".into(),
                days: chan(c, key),
                scale: 1.0,
                target: None,
                markers: markers.clone(),
            },
        });
        let wait = chan(c, "asa_s");
        let top = wait
            .iter()
            .filter(|st| st.n > 0)
            .map(|st| st.p95)
            .fold(0.0f64, f64::max);
        let (unit, scale) = if top >= 4.0 * 3600.0 {
            ("hours", 1.0 / 3600.0)
        } else if top >= 120.0 {
            ("min", 1.0 / 60.0)
        } else {
            ("s", 1.0)
        };
        out.push(NamedChart {
            section: section.clone(),
            name: format!("{}_wait", ch.name),
            chart: Chart::Fan {
                title: format!(
                    "{} ({kind}): average wait of live contacts answered, by day of arrival",
                    ch.name
                ),
                y_label: format!("wait ({unit})"),
                days: wait,
                scale,
                target: None,
                markers: markers.clone(),
            },
        });
        out.push(NamedChart {
            section: section.clone(),
            name: format!("{}_service_level", ch.name),
            chart: Chart::Fan {
                title: format!(
                    "{} ({kind}): answered within {}",
                    ch.name,
                    crate::units::human_duration(ch.answer_within_s)
                ),
                y_label: "service level (%)".into(),
                days: chan(c, "service_level"),
                scale: 100.0,
                target: Some(100.0 * ch.sl_target),
                markers: markers.clone(),
            },
        });
        let mean = |key: &str| -> Vec<f64> {
            chan(c, key)
                .iter()
                .map(|st| if st.mean.is_finite() { st.mean } else { 0.0 })
                .collect()
        };
        let lost = vec![
            (
                if ch.kind == ChannelKind::Desk {
                    "left the queue"
                } else {
                    "abandoned (hung up)"
                }
                .to_string(),
                mean("abandoned_by_event_contacts"),
            ),
            (
                "blocked (all lines busy)".to_string(),
                mean("blocked_contacts"),
            ),
            ("turned away".to_string(), mean("turned_away_contacts")),
        ];
        if lost.iter().any(|(_, v)| v.iter().any(|&x| x > 0.0)) {
            out.push(NamedChart {
                section: section.clone(),
                name: format!("{}_lost", ch.name),
                chart: Chart::Stacked {
                    title: format!(
                        "{} ({kind}): contacts lost per day, on the day they were lost (mean)",
                        ch.name
                    ),
                    y_label: "contacts per day".into(),
                    layers: lost,
                    markers: markers.clone(),
                },
            });
        }
        out.push(NamedChart {
            section: section.clone(),
            name: format!("{}_handled", ch.name),
            chart: Chart::Fan {
                title: format!(
                    "{} ({kind}): contacts handled per day (services started that day{})",
                    ch.name,
                    if ch.kind == ChannelKind::Phone {
                        ", callbacks included"
                    } else {
                        ""
                    }
                ),
                y_label: "contacts per day".into(),
                days: chan(c, "handled_by_event_contacts"),
                scale: 1.0,
                target: None,
                markers: markers.clone(),
            },
        });
        if rows(c, "callback_requests_contacts")
            .iter()
            .any(|&x| x > 0.0)
        {
            out.push(NamedChart {
                section: section.clone(),
                name: format!("{}_callbacks", ch.name),
                chart: Chart::Fan {
                    title: format!("{} ({kind}): callbacks owed at the end of the day", ch.name),
                    y_label: "callbacks requested, not yet made".into(),
                    days: chan(c, "callbacks_owed_end_contacts"),
                    scale: 1.0,
                    target: None,
                    markers: markers.clone(),
                },
            });
        }
        // Distributions across replications.
        let recovery = rows(c, "sl_recovery_day");
        let n = recovery.len();
        let never = recovery.iter().filter(|x| x.is_nan()).count();
        let fell = recovery.iter().filter(|&&x| x > 0.0).count();
        if fell > 0 || never > 0 {
            out.push(NamedChart {
                section: section.clone(),
                name: format!("{}_recovery", ch.name),
                chart: Chart::Histogram {
                    title: format!(
                        "{} ({kind}): day the service level recovers for good",
                        ch.name
                    ),
                    x_label: format!(
                        "days from the start until the daily service level stays at or above {:.0} %",
                        100.0 * ch.sl_target
                    ),
                    values: recovery,
                    note: format!(
                        "{n} replications; {} never fell below target; {never} had not recovered by the last day",
                        n - fell - never
                    ),
                },
            });
        }
        let peak = rows(c, "queue_max_contacts");
        out.push(NamedChart {
            section: section.clone(),
            name: format!("{}_peak_backlog", ch.name),
            chart: Chart::Histogram {
                title: format!(
                    "{} ({kind}): peak {} across replications",
                    ch.name,
                    if ch.kind == ChannelKind::Email {
                        "backlog"
                    } else {
                        "queue"
                    }
                ),
                x_label: "largest number waiting at once (contacts)".into(),
                values: peak,
                note: format!("{n} replications"),
            },
        });
    }
    // Staff on duty per pool by origin, at 10:00 each day (intervals).
    let per_day = (DAY_S / model.interval_s).round() as usize;
    let at10 = ((10.0 * 3600.0) / model.interval_s) as usize;
    if model.interval_s < DAY_S {
        for (p, pool) in model.pools.iter().enumerate() {
            let get = |key: &str| -> Vec<f64> {
                let k = index_of(POOL_INTERVAL_METRICS, key).expect("a pool metric");
                (0..nd)
                    .map(|d| {
                        let i = (d * per_day + at10).min(model.n_intervals - 1);
                        let v = result.summary.intervals[i * width + nc * nm + p * npm + k].mean;
                        if v.is_finite() { v } else { 0.0 }
                    })
                    .collect()
            };
            out.push(NamedChart {
                section: "Staff on duty".into(),
                name: format!("{}_staff", pool.name),
                chart: Chart::Stacked {
                    title: format!("{}: staff on duty at 10:00, by origin", pool.name),
                    y_label: "staff".into(),
                    layers: vec![
                        ("own".into(), get("pool_own_on_duty_mean")),
                        ("redeployed".into(), get("pool_redeployed_on_duty_mean")),
                        ("hired, productive".into(), get("pool_hired_on_duty_mean")),
                        ("hired, in training".into(), get("pool_hired_training_mean")),
                    ],
                    markers: markers_for(&|e| effect_on_pool_or_channel(model, e, Some(p), None)),
                },
            });
        }
    }
    // Cumulative cost by pool.
    let cost_k = index_of(POOL_INTERVAL_METRICS, "pool_cost").expect("pool_cost");
    let layers: Vec<(String, Vec<f64>)> = model
        .pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let mut acc = 0.0;
            let v = (0..nd)
                .map(|d| {
                    let x = days[d * width + nc * nm + p * npm + cost_k].mean;
                    acc += if x.is_finite() { x } else { 0.0 };
                    acc / 1000.0
                })
                .collect();
            (pool.name.clone(), v)
        })
        .collect();
    out.push(NamedChart {
        section: "Cost".into(),
        name: "cost".into(),
        chart: Chart::Stacked {
            title: format!("Staff and hiring cost, cumulative ({})", model.currency),
            y_label: format!("thousand {}", model.currency),
            layers,
            markers: markers_for(&|_| true),
        },
    });
    out
}

/// Whether an action's effect concerns pool `pool` or channel `channel`
/// (directly, or through a pool that serves it).
fn effect_on_pool_or_channel(
    model: &Model,
    effect: &crate::model::Effect,
    pool: Option<usize>,
    channel: Option<usize>,
) -> bool {
    use crate::model::Effect as E;
    let serves = |p: usize| {
        channel.is_some_and(|c| {
            model.pools[p]
                .routes
                .iter()
                .any(|r| model.classes[r.class].channel == c)
        })
    };
    let on_pool = |p: usize| pool == Some(p) || serves(p);
    let on_channel = |c: Option<usize>| channel.is_some() && (c.is_none() || c == channel);
    match effect {
        E::Hire(h) => on_pool(h.pool),
        E::Redeploy(r) => on_pool(r.from) || on_pool(r.to),
        E::PoolHours { pool: q, .. } | E::Support { pool: q, .. } => on_pool(*q),
        E::ChannelHours { channel: c, .. }
        | E::Lines { channel: c, .. }
        | E::Counters { channel: c, .. }
        | E::Callbacks { channel: c, .. } => on_channel(Some(*c)),
        E::Deflect { channel: c, .. } | E::ModelAnswers { channel: c, .. } => on_channel(*c),
        E::Reroute { from, to, .. } => on_channel(*from) || on_channel(Some(*to)),
    }
}

/// Draws `chart` on `root` (any plotters backend).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    model: &Model,
    chart: &Chart,
    scale_px: u32,
) -> Result<(), String> {
    register();
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("cannot draw a chart: {e}");
    root.fill(&WHITE).map_err(err)?;
    let s = scale_px;
    let nd = model.days as f64;
    let start = model.start;
    let date_label = move |x: &f64| -> String {
        let d = start
            .checked_add(jiff::Span::new().days(x.round() as i64))
            .unwrap_or(start);
        format!("{} {}", d.day(), month(d.month()))
    };
    match chart {
        Chart::Fan {
            title,
            y_label,
            days,
            scale,
            target,
            markers,
        } => {
            let pts = |f: &dyn Fn(&Stat) -> f64| -> Vec<(f64, f64)> {
                days.iter()
                    .enumerate()
                    .filter(|(_, st)| st.n > 0)
                    .map(|(d, st)| (d as f64 + 0.5, f(st) * scale))
                    .collect()
            };
            let top = days
                .iter()
                .filter(|st| st.n > 0)
                .map(|st| st.p95 * scale)
                .chain(target.iter().copied())
                .fold(0.0f64, f64::max)
                .max(1e-9)
                * 1.08;
            let mut cc = frame(
                root,
                title,
                "date",
                y_label,
                0.0..nd,
                0.0..top,
                s,
                &date_label,
            )
            .map_err(err)?;
            for (lo, hi, alpha, label) in [
                (
                    pts(&|st| st.p5),
                    pts(&|st| st.p95),
                    0.18,
                    "P5–P95 of replications",
                ),
                (pts(&|st| st.p25), pts(&|st| st.p75), 0.35, "P25–P75"),
            ] {
                let mut poly = hi.clone();
                poly.extend(lo.iter().rev());
                cc.draw_series(std::iter::once(Polygon::new(
                    poly,
                    BLUE.mix(alpha).filled(),
                )))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 16, y + 5)], BLUE.mix(alpha).filled())
                });
            }
            cc.draw_series(LineSeries::new(pts(&|st| st.p50), BLUE.stroke_width(2 * s)))
                .map_err(err)?
                .label("median")
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], BLUE.stroke_width(2))
                });
            if let Some(t) = target {
                let t = *t;
                cc.draw_series(LineSeries::new(
                    [(0.0, t), (nd, t)],
                    VERMILION.stroke_width(2 * s),
                ))
                .map_err(err)?
                .label("target")
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], VERMILION.stroke_width(2))
                });
            }
            draw_markers(&mut cc, markers, nd, top, s).map_err(err)?;
            legend(&mut cc, s).map_err(err)?;
        }
        Chart::Stacked {
            title,
            y_label,
            layers,
            markers,
        } => {
            let n = layers.first().map_or(0, |l| l.1.len());
            let mut tops = vec![0.0f64; n];
            for (_, v) in layers {
                for (t, x) in tops.iter_mut().zip(v) {
                    *t += x;
                }
            }
            let top = tops.iter().copied().fold(0.0f64, f64::max).max(1e-9) * 1.1;
            let mut cc = frame(
                root,
                title,
                "date",
                y_label,
                0.0..nd,
                0.0..top,
                s,
                &date_label,
            )
            .map_err(err)?;
            let colours = [BLUE, ORANGE, GREEN, SKY, PURPLE, VERMILION, GREY];
            let mut below = vec![0.0f64; n];
            for (j, (label, v)) in layers.iter().enumerate() {
                if v.iter().all(|&x| x == 0.0) {
                    for (b, x) in below.iter_mut().zip(v) {
                        *b += x;
                    }
                    continue;
                }
                let colour = colours[j % colours.len()];
                let upper: Vec<(f64, f64)> = below
                    .iter()
                    .zip(v)
                    .enumerate()
                    .map(|(d, (b, x))| (d as f64 + 0.5, b + x))
                    .collect();
                let mut poly = upper.clone();
                poly.extend(
                    below
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(d, b)| (d as f64 + 0.5, *b)),
                );
                cc.draw_series(std::iter::once(Polygon::new(
                    poly,
                    colour.mix(0.75).filled(),
                )))
                .map_err(err)?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 16, y + 5)], colour.mix(0.75).filled())
                });
                for (b, x) in below.iter_mut().zip(v) {
                    *b += x;
                }
            }
            draw_markers(&mut cc, markers, nd, top, s).map_err(err)?;
            legend(&mut cc, s).map_err(err)?;
        }
        Chart::Lines {
            title,
            y_label,
            lines,
            scale,
            reference,
        } => {
            let fin = |x: f64| x.is_finite();
            let all = lines.iter().flat_map(|l| {
                l.values.iter().copied().chain(
                    l.band
                        .iter()
                        .flat_map(|b| b.iter().flat_map(|&(lo, hi)| [lo, hi])),
                )
            });
            let (mut lo, mut hi) = all
                .filter(|x| fin(*x))
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                    (a.min(x * scale), b.max(x * scale))
                });
            if let Some((r, _)) = reference {
                lo = lo.min(*r);
                hi = hi.max(*r);
            }
            if !lo.is_finite() {
                (lo, hi) = (0.0, 1.0);
            }
            lo = lo.min(0.0);
            let pad = (hi - lo).max(1e-9) * 0.08;
            let (lo, hi) = (if lo < 0.0 { lo - pad } else { lo }, hi + pad);
            let mut cc = frame(
                root,
                title,
                "date",
                y_label,
                0.0..nd,
                lo..hi,
                s,
                &date_label,
            )
            .map_err(err)?;
            if let Some((r, label)) = reference {
                let r = *r;
                cc.draw_series(LineSeries::new(
                    [(0.0, r), (nd, r)],
                    GREY.stroke_width(2 * s),
                ))
                .map_err(err)?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], GREY.stroke_width(2))
                });
            }
            let colours = [BLUE, VERMILION, GREEN, ORANGE, PURPLE, SKY, GREY];
            // Runs of defined values, so that gaps (closed days) stay gaps.
            let runs = |v: &[f64]| -> Vec<Vec<(f64, f64)>> {
                let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
                for (d, x) in v.iter().enumerate() {
                    if x.is_finite() {
                        out.last_mut()
                            .expect("one run")
                            .push((d as f64 + 0.5, x * scale));
                    } else if !out.last().expect("one run").is_empty() {
                        out.push(Vec::new());
                    }
                }
                out.retain(|r| !r.is_empty());
                out
            };
            for (j, line) in lines.iter().enumerate() {
                let colour = colours[j % colours.len()];
                if let Some(band) = &line.band {
                    let lo_v: Vec<f64> = band.iter().map(|b| b.0).collect();
                    let hi_v: Vec<f64> = band.iter().map(|b| b.1).collect();
                    for (l, h) in runs(&lo_v).into_iter().zip(runs(&hi_v)) {
                        let mut poly = h.clone();
                        poly.extend(l.iter().rev());
                        cc.draw_series(std::iter::once(Polygon::new(
                            poly,
                            colour.mix(0.18).filled(),
                        )))
                        .map_err(err)?;
                    }
                }
                let mut first = true;
                for run in runs(&line.values) {
                    let series = cc
                        .draw_series(LineSeries::new(run, colour.stroke_width(2 * s)))
                        .map_err(err)?;
                    if first {
                        series.label(line.label.as_str()).legend(move |(x, y)| {
                            PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2))
                        });
                        first = false;
                    }
                }
            }
            legend(&mut cc, s).map_err(err)?;
        }
        Chart::Scatter {
            title,
            x_label,
            y_label,
            points,
            legend: (filled, hollow),
        } => {
            let xs = points.iter().flat_map(|p| [p.x.1, p.x.2, p.x.0]);
            let ys = points.iter().flat_map(|p| [p.y.1, p.y.2, p.y.0]);
            let range = |it: &mut dyn Iterator<Item = f64>| {
                let (lo, hi) = it
                    .filter(|x| x.is_finite())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                        (a.min(x), b.max(x))
                    });
                if !lo.is_finite() {
                    (0.0, 1.0)
                } else {
                    let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.02).max(1e-9);
                    (lo - pad, hi + pad)
                }
            };
            let (x0, x1) = range(&mut xs.into_iter());
            let (y0, y1) = range(&mut ys.into_iter());
            let x_fmt = |x: &f64| group(*x);
            let mut cc =
                frame(root, title, x_label, y_label, x0..x1, y0..y1, s, &x_fmt).map_err(err)?;
            for p in points {
                let colour = if p.highlight { BLUE } else { GREY };
                for seg in [
                    [(p.x.1, p.y.0), (p.x.2, p.y.0)],
                    [(p.x.0, p.y.1), (p.x.0, p.y.2)],
                ] {
                    if seg.iter().all(|(a, b)| a.is_finite() && b.is_finite()) {
                        cc.draw_series(LineSeries::new(seg, colour.stroke_width(2 * s)))
                            .map_err(err)?;
                    }
                }
            }
            let mut shown = (false, false);
            for p in points {
                if !(p.x.0.is_finite() && p.y.0.is_finite()) {
                    continue;
                }
                let style = if p.highlight {
                    BLUE.filled()
                } else {
                    GREY.stroke_width(2 * s)
                };
                let series = cc
                    .draw_series(std::iter::once(Circle::new(
                        (p.x.0, p.y.0),
                        (6 * s) as i32,
                        style,
                    )))
                    .map_err(err)?;
                let first = if p.highlight {
                    &mut shown.0
                } else {
                    &mut shown.1
                };
                if !*first {
                    *first = true;
                    let label = if p.highlight { filled } else { hollow };
                    series
                        .label(label.as_str())
                        .legend(move |(x, y)| Circle::new((x + 8, y), 5, style));
                }
                cc.draw_series(std::iter::once(Text::new(
                    p.label.clone(),
                    (p.x.0 + (x1 - x0) * 0.012, p.y.0 + (y1 - y0) * 0.015),
                    (FAMILY, (12 * s) as f64).into_font(),
                )))
                .map_err(err)?;
            }
            cc.configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(GREY)
                .label_font((FAMILY, (12 * s) as f64).into_font())
                .position(SeriesLabelPosition::LowerRight)
                .draw()
                .map_err(err)?;
        }
        Chart::Histogram {
            title,
            x_label,
            values,
            note,
        } => {
            let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (lo, hi) = if v.is_empty() {
                (0.0, 1.0)
            } else if hi - lo < 1e-9 {
                (lo - 0.5, hi + 0.5)
            } else {
                (lo, hi)
            };
            // Square-root rule, 5 to 30 bins, on round widths.
            let bins = ((v.len() as f64).sqrt().ceil() as usize).clamp(5, 30);
            let mut width = nice_step((hi - lo) / bins as f64);
            if v.iter().all(|x| x.fract() == 0.0) {
                // Counts and day numbers: whole bins.
                width = width.max(1.0);
            }
            let start = (lo / width).floor() * width;
            let nb = (((hi - start) / width).floor() as usize + 1).max(1);
            let mut counts = vec![0usize; nb];
            for x in &v {
                let b = (((x - start) / width).floor() as usize).min(nb - 1);
                counts[b] += 1;
            }
            let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.15;
            let end = start + nb as f64 * width;
            let fmt = |x: &f64| group(*x);
            let mut cc = frame(
                root,
                title,
                x_label,
                "replications",
                start..end,
                0.0..top,
                s,
                &fmt,
            )
            .map_err(err)?;
            cc.draw_series(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(b, n)| {
                        let x0 = start + b as f64 * width;
                        Rectangle::new(
                            [(x0 + width * 0.04, 0.0), (x0 + width * 0.96, *n as f64)],
                            BLUE.mix(0.8).filled(),
                        )
                    }),
            )
            .map_err(err)?;
            cc.draw_series(std::iter::once(Text::new(
                note.clone(),
                (start + (end - start) * 0.01, top * 0.97),
                (FAMILY, (12 * s) as f64).into_font().color(&GREY),
            )))
            .map_err(err)?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}

/// A chart with days on the x axis and a value on the y axis.
type Frame<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart's frame: caption, the x axis over `x` with `x_label` for its ticks, the y axis from 0 to
/// `top` with thousands separators, labels in the bundled font.
#[allow(clippy::too_many_arguments)]
fn frame<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    s: u32,
    x_label: &dyn Fn(&f64) -> String,
) -> Result<Frame<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let span = y.end - y.start;
    let text = |size: u32| (FAMILY, (size * s) as f64).into_font();
    let mut cc = ChartBuilder::on(root)
        .caption(title, text(18))
        .margin(12 * s)
        .margin_right(28 * s)
        .x_label_area_size(36 * s)
        .y_label_area_size(64 * s)
        .build_cartesian_2d(x, y)?;
    let y_fmt = |y: &f64| {
        if span >= 20.0 {
            group(*y)
        } else if span >= 2.0 {
            format!("{y:.1}")
        } else {
            format!("{y:.2}")
        }
    };
    cc.configure_mesh()
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(x_label)
        .y_label_formatter(&y_fmt)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(text(12))
        .axis_desc_style(text(13))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    Ok(cc)
}

/// Vertical markers with rotated labels (actions taking effect).
fn draw_markers<'a, DB: DrawingBackend + 'a>(
    cc: &mut Frame<'a, DB>,
    markers: &[(f64, String)],
    nd: f64,
    top: f64,
    s: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for (day, label) in markers {
        let x = *day + 0.5;
        cc.draw_series(LineSeries::new(
            [(x, 0.0), (x, top)],
            GREY.mix(0.8).stroke_width(s),
        ))?;
        // Long lists of actions on one day are cut to fit the height.
        let label = if label.chars().count() > 40 {
            let mut cut: String = label.chars().take(38).collect();
            cut.push('…');
            cut
        } else {
            label.clone()
        };
        cc.draw_series(std::iter::once(Text::new(
            label,
            (x + nd * 0.004, top * 0.97),
            (FAMILY, (10 * s) as f64)
                .into_font()
                .color(&GREY)
                .transform(FontTransform::Rotate90),
        )))?;
    }
    Ok(())
}

/// A number with thousands separators (rounded to an integer).
fn group(x: f64) -> String {
    crate::report::table::group_thousands(x)
}

/// A round bin width (1, 2 or 5 × a power of ten) at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw.is_nan() || raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&w| w >= raw * 0.999)
        .unwrap_or(10.0 * p)
}

/// The legend, upper right, in the bundled font.
fn legend<'a, DB: DrawingBackend + 'a>(
    cc: &mut Frame<'a, DB>,
    s: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    cc.configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(GREY)
        .label_font((FAMILY, (12 * s) as f64).into_font())
        .position(SeriesLabelPosition::UpperRight)
        .draw()
}

fn month(m: i8) -> &'static str {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][((m - 1).clamp(0, 11)) as usize]
}

/// Renders a chart as SVG text.
pub fn svg(model: &Model, chart: &Chart) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, model, chart, 1)?;
    }
    Ok(out)
}

/// Renders a chart as PNG bytes, twice the SVG size.
pub fn png(model: &Model, chart: &Chart) -> Result<Vec<u8>, String> {
    let (w, h) = (2 * WIDTH, 2 * HEIGHT);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root, model, chart, 2)?;
    }
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc
            .write_header()
            .map_err(|e| format!("cannot encode a PNG: {e}"))?;
        writer
            .write_image_data(&buf)
            .map_err(|e| format!("cannot encode a PNG: {e}"))?;
    }
    Ok(bytes)
}
