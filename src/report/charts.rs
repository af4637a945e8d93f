//! Charts of a run, drawn with plotters: one drawing function per chart,
//! generic over the backend, rendered as SVG (for the report and for
//! people) and PNG (twice the size, for crisp text in slides). Text uses
//! DejaVu Sans, bundled with its licence (`assets/fonts/`), so charts render
//! on machines without system fonts.
//!
//! Charts are drawn per day (days are what planners read) from the
//! replications' daily series: the median with P25–P75 and P5–P95 bands
//! across replications (fan charts). Colours come from the Okabe–Ito
//! palette, which stays distinguishable for colour-blind readers. Series
//! that stand for the same thing in several charts (a comparison's arms)
//! carry a series number and keep its style (colour, then dash pattern or
//! marker shape) in every chart; grey is kept for targets and references.
//! Legends sit in a band below the plot, sized to their labels, so that
//! they never cover data.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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

/// Colours of series that stand for the same thing across charts (the
/// arms of a comparison): the Okabe–Ito colours except the grey kept for
/// targets and references (and the yellow, too faint on white).
const SERIES_COLOURS: [RGBColor; 6] = [BLUE, VERMILION, GREEN, ORANGE, PURPLE, SKY];

/// Dash patterns `(dash, gap)` in pixels at SVG size, one per round of
/// [`SERIES_COLOURS`]; the first is solid.
const SERIES_DASHES: [Option<(u32, u32)>; 4] = [None, Some((9, 5)), Some((2, 4)), Some((16, 5))];

/// A point marker's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// Marker shapes, one per round of [`SERIES_COLOURS`].
const SERIES_SHAPES: [Shape; 4] = [
    Shape::Circle,
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
];

/// How series `i` is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SeriesStyle {
    colour: RGBColor,
    /// `(dash, gap)` at SVG size, or solid.
    dash: Option<(u32, u32)>,
    shape: Shape,
}

/// The style of series `i`: the colours in turn, then again with the next
/// dash pattern and marker shape, so that no two of the first 24 series
/// look alike and none is grey.
fn series_style(i: usize) -> SeriesStyle {
    let n = SERIES_COLOURS.len();
    SeriesStyle {
        colour: SERIES_COLOURS[i % n],
        dash: SERIES_DASHES[(i / n) % SERIES_DASHES.len()],
        shape: SERIES_SHAPES[(i / n) % SERIES_SHAPES.len()],
    }
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
enum Key {
    /// A line in a colour, solid or dashed `(dash, gap)`.
    Line(RGBColor, Option<(u32, u32)>),
    /// A filled box (areas and bands).
    Area(RGBAColor),
    /// A point marker, filled or hollow.
    Marker(RGBColor, Shape, bool),
}

/// One entry of a legend.
#[derive(Debug, Clone)]
struct Entry {
    label: String,
    key: Key,
}

impl Entry {
    fn new(label: &str, key: Key) -> Self {
        Entry {
            label: label.to_string(),
            key,
        }
    }
}

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
    /// Which series style (colour, then dash pattern) it is drawn in: what
    /// stands for the same thing in several charts (a comparison's arm)
    /// gets the same number in each.
    pub series: usize,
    /// One value per day (NaN: no value).
    pub values: Vec<f64>,
    /// A band around it per day, `(low, high)`, if any.
    pub band: Option<Vec<(f64, f64)>>,
}

/// One point of a [`Chart::Scatter`] chart, with its intervals.
#[derive(Debug, Clone)]
pub struct Point {
    /// Label written next to it and in the legend.
    pub label: String,
    /// Which series style (colour, then marker shape) it is drawn in, as
    /// for [`Line::series`].
    pub series: usize,
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
        // A fan chart of one daily series of this channel.
        let fan = |suffix: &str,
                   title: String,
                   y_label: &str,
                   days: Vec<Stat>,
                   scale: f64,
                   target: Option<f64>| NamedChart {
            section: section.clone(),
            name: format!("{}_{suffix}", ch.name),
            chart: Chart::Fan {
                title,
                y_label: y_label.to_string(),
                days,
                scale,
                target,
                markers: markers.clone(),
            },
        };
        out.push(fan(
            "offered",
            format!("{} ({kind}): contacts offered per day", ch.name),
            "contacts per day",
            chan(c, "offered_contacts"),
            1.0,
            None,
        ));
        let (key, what) = if ch.kind == ChannelKind::Email {
            ("backlog_end_contacts", "backlog at the end of the day")
        } else {
            ("queue_mean_contacts", "people waiting (day average)")
        };
        out.push(fan(
            "backlog",
            format!("{} ({kind}): {what}", ch.name),
            "contacts",
            chan(c, key),
            1.0,
            None,
        ));
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
        out.push(fan(
            "wait",
            format!(
                "{} ({kind}): average wait of live contacts answered, by day of arrival",
                ch.name
            ),
            &format!("wait ({unit})"),
            wait,
            scale,
            None,
        ));
        out.push(fan(
            "service_level",
            format!(
                "{} ({kind}): {} {}",
                ch.name,
                if ch.kind == ChannelKind::Phone {
                    "live calls answered"
                } else {
                    "answered"
                },
                crate::report::headline::target_words(ch)
            ),
            "service level (%)",
            chan(c, "service_level"),
            100.0,
            Some(100.0 * ch.sl_target),
        ));
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
        out.push(fan(
            "handled",
            format!(
                "{} ({kind}): contacts handled per day (services started that day{})",
                ch.name,
                if ch.kind == ChannelKind::Phone {
                    ", callbacks included"
                } else {
                    ""
                }
            ),
            "contacts per day",
            chan(c, "handled_by_event_contacts"),
            1.0,
            None,
        ));
        if rows(c, "callback_requests_contacts")
            .iter()
            .any(|&x| x > 0.0)
        {
            out.push(fan(
                "callbacks",
                format!("{} ({kind}): callbacks owed at the end of the day", ch.name),
                "callbacks requested, not yet made",
                chan(c, "callbacks_owed_end_contacts"),
                1.0,
                None,
            ));
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
            let bands = [
                (
                    pts(&|st| st.p5),
                    pts(&|st| st.p95),
                    0.18,
                    "P5–P95 of replications",
                ),
                (pts(&|st| st.p25), pts(&|st| st.p75), 0.35, "P25–P75"),
            ];
            let mut entries: Vec<Entry> = bands
                .iter()
                .map(|(_, _, alpha, label)| Entry::new(label, Key::Area(BLUE.mix(*alpha))))
                .collect();
            entries.push(Entry::new("median", Key::Line(BLUE, None)));
            if target.is_some() {
                entries.push(Entry::new("target", Key::Line(VERMILION, None)));
            }
            let area = legend_band(root, &entries, s).map_err(err)?;
            let mut cc = frame(
                &area,
                title,
                "date",
                y_label,
                0.0..nd,
                0.0..top,
                s,
                &date_label,
            )
            .map_err(err)?;
            for (lo, hi, alpha, _) in bands {
                let mut poly = hi;
                poly.extend(lo.iter().rev());
                cc.draw_series(std::iter::once(Polygon::new(
                    poly,
                    BLUE.mix(alpha).filled(),
                )))
                .map_err(err)?;
            }
            cc.draw_series(LineSeries::new(pts(&|st| st.p50), BLUE.stroke_width(2 * s)))
                .map_err(err)?;
            if let Some(t) = target {
                let t = *t;
                cc.draw_series(LineSeries::new(
                    [(0.0, t), (nd, t)],
                    VERMILION.stroke_width(2 * s),
                ))
                .map_err(err)?;
            }
            draw_markers(&mut cc, markers, nd, top, s).map_err(err)?;
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
            let colours = [BLUE, ORANGE, GREEN, SKY, PURPLE, VERMILION, GREY];
            let colour = |j: usize| colours[j % colours.len()].mix(0.75);
            let shown = |v: &[f64]| v.iter().any(|&x| x != 0.0);
            let entries: Vec<Entry> = layers
                .iter()
                .enumerate()
                .filter(|(_, (_, v))| shown(v))
                .map(|(j, (label, _))| Entry::new(label, Key::Area(colour(j))))
                .collect();
            let area = legend_band(root, &entries, s).map_err(err)?;
            let mut cc = frame(
                &area,
                title,
                "date",
                y_label,
                0.0..nd,
                0.0..top,
                s,
                &date_label,
            )
            .map_err(err)?;
            let mut below = vec![0.0f64; n];
            for (j, (_, v)) in layers.iter().enumerate() {
                if shown(v) {
                    let upper: Vec<(f64, f64)> = below
                        .iter()
                        .zip(v)
                        .enumerate()
                        .map(|(d, (b, x))| (d as f64 + 0.5, b + x))
                        .collect();
                    let mut poly = upper;
                    poly.extend(
                        below
                            .iter()
                            .enumerate()
                            .rev()
                            .map(|(d, b)| (d as f64 + 0.5, *b)),
                    );
                    cc.draw_series(std::iter::once(Polygon::new(poly, colour(j).filled())))
                        .map_err(err)?;
                }
                for (b, x) in below.iter_mut().zip(v) {
                    *b += x;
                }
            }
            draw_markers(&mut cc, markers, nd, top, s).map_err(err)?;
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
            let mut entries = Vec::new();
            if let Some((_, label)) = reference {
                entries.push(Entry::new(label, Key::Line(GREY, None)));
            }
            for line in lines {
                let st = series_style(line.series);
                entries.push(Entry::new(&line.label, Key::Line(st.colour, st.dash)));
            }
            let area = legend_band(root, &entries, s).map_err(err)?;
            let mut cc = frame(
                &area,
                title,
                "date",
                y_label,
                0.0..nd,
                lo..hi,
                s,
                &date_label,
            )
            .map_err(err)?;
            if let Some((r, _)) = reference {
                let r = *r;
                cc.draw_series(LineSeries::new(
                    [(0.0, r), (nd, r)],
                    GREY.stroke_width(2 * s),
                ))
                .map_err(err)?;
            }
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
            // Bands first, so that no band hides another series' line.
            for line in lines {
                let colour = series_style(line.series).colour;
                if let Some(band) = &line.band {
                    let lo_v: Vec<f64> = band.iter().map(|b| b.0).collect();
                    let hi_v: Vec<f64> = band.iter().map(|b| b.1).collect();
                    for (l, h) in runs(&lo_v).into_iter().zip(runs(&hi_v)) {
                        let mut poly = h;
                        poly.extend(l.iter().rev());
                        cc.draw_series(std::iter::once(Polygon::new(
                            poly,
                            colour.mix(0.18).filled(),
                        )))
                        .map_err(err)?;
                    }
                }
            }
            for line in lines {
                let st = series_style(line.series);
                for run in runs(&line.values) {
                    let stroke = st.colour.stroke_width(2 * s);
                    match st.dash {
                        None => cc.draw_series(LineSeries::new(run, stroke)).map(drop),
                        Some((on, off)) => cc
                            .draw_series(DashedLineSeries::new(
                                run,
                                (on * s) as i32,
                                (off * s) as i32,
                                stroke,
                            ))
                            .map(drop),
                    }
                    .map_err(err)?;
                }
            }
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
            let mut entries: Vec<Entry> = points
                .iter()
                .map(|p| {
                    let st = series_style(p.series);
                    Entry::new(&p.label, Key::Marker(st.colour, st.shape, p.highlight))
                })
                .collect();
            for (text, full) in [(filled, true), (hollow, false)] {
                if points.iter().any(|p| p.highlight == full) {
                    entries.push(Entry::new(text, Key::Marker(GREY, Shape::Circle, full)));
                }
            }
            let area = legend_band(root, &entries, s).map_err(err)?;
            let x_fmt = |x: &f64| group(*x);
            let mut cc =
                frame(&area, title, x_label, y_label, x0..x1, y0..y1, s, &x_fmt).map_err(err)?;
            for p in points {
                let colour = series_style(p.series).colour;
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
            let font: TextStyle = (FAMILY, (12 * s) as f64).into_font().into();
            let plot_right = cc.plotting_area().get_pixel_range().0.end;
            let shown: Vec<&Point> = points
                .iter()
                .filter(|p| p.x.0.is_finite() && p.y.0.is_finite())
                .collect();
            let mut anchors = Vec::with_capacity(shown.len());
            let mut sizes = Vec::with_capacity(shown.len());
            for p in &shown {
                anchors.push(cc.backend_coord(&(p.x.0, p.y.0)));
                let (w, h) = area.estimate_text_size(&p.label, &font).map_err(err)?;
                sizes.push((w as i32, h as i32));
            }
            let r = (6 * s) as i32;
            let at = place_labels(&anchors, &sizes, r, r + (4 * s) as i32, plot_right);
            let base = area.get_base_pixel();
            // Each marker, then its label.
            for (p, (x, y)) in shown.iter().zip(at) {
                let st = series_style(p.series);
                draw_marker(
                    cc.plotting_area(),
                    (p.x.0, p.y.0),
                    st.shape,
                    st.colour,
                    p.highlight,
                    s,
                )
                .map_err(err)?;
                area.draw_text(
                    &p.label,
                    &font.pos(Pos::new(HPos::Left, VPos::Top)),
                    (x - base.0, y - base.1),
                )
                .map_err(err)?;
            }
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

/// Draws `entries` in a band along the bottom of `root`, in as many
/// columns as the longest label allows, and returns the area above it for
/// the chart: the legend never covers data, whatever the data.
fn legend_band<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    s: u32,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    if entries.is_empty() {
        return Ok(root.clone());
    }
    let font: TextStyle = (FAMILY, (12 * s) as f64).into_font().into();
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let px = |x: u32| (x * s) as i32;
    let (key_w, gap, col_gap, row_h) = (px(22), px(6), px(20), px(18));
    // Aligned with the plot: its left label area, its right margin.
    let (left, right) = (px(76), px(28));
    let avail = (w - left - right).max(key_w + gap + 1);
    // Labels too long for one column are cut.
    let mut labels = Vec::with_capacity(entries.len());
    let mut widths = Vec::with_capacity(entries.len());
    for e in entries {
        let mut label = e.label.clone();
        let mut lw = root.estimate_text_size(&label, &font)?.0 as i32;
        while lw > avail - key_w - gap && label.chars().count() > 1 {
            let keep = label.chars().count().saturating_sub(2);
            label = label.chars().take(keep).collect::<String>() + "…";
            lw = root.estimate_text_size(&label, &font)?.0 as i32;
        }
        widths.push(key_w + gap + lw);
        labels.push(label);
    }
    // The most columns that fit, each as wide as its widest entry; entries
    // go along the rows.
    let n = entries.len();
    let column_widths = |cols: usize| -> Vec<i32> {
        (0..cols)
            .map(|k| {
                widths
                    .iter()
                    .skip(k)
                    .step_by(cols)
                    .copied()
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let total = |cw: &[i32]| cw.iter().sum::<i32>() + (cw.len() as i32 - 1) * col_gap;
    let cols = (1..=n)
        .rev()
        .find(|&c| total(&column_widths(c)) <= avail)
        .unwrap_or(1);
    let cw = column_widths(cols);
    let rows = n.div_ceil(cols) as i32;
    let band_h = px(4) + rows * row_h + px(8);
    let (plot, band) = root.split_vertically(h - band_h);
    let x0 = left + (avail - total(&cw)) / 2;
    let col_x: Vec<i32> = cw
        .iter()
        .scan(x0, |x, w| {
            let at = *x;
            *x += w + col_gap;
            Some(at)
        })
        .collect();
    for (j, (e, label)) in entries.iter().zip(&labels).enumerate() {
        let (row, col) = ((j / cols) as i32, j % cols);
        let x = col_x[col];
        let y = px(4) + row * row_h + row_h / 2;
        match e.key {
            Key::Line(colour, None) => band.draw(&PathElement::new(
                vec![(x, y), (x + key_w, y)],
                colour.stroke_width(2 * s),
            ))?,
            Key::Line(colour, Some((on, off))) => band.draw(&DashedPathElement::new(
                vec![(x, y), (x + key_w, y)],
                px(on),
                px(off),
                colour.stroke_width(2 * s),
            ))?,
            Key::Area(colour) => band.draw(&Rectangle::new(
                [(x, y - px(5)), (x + key_w, y + px(5))],
                colour.filled(),
            ))?,
            Key::Marker(colour, shape, filled) => {
                draw_marker(&band, (x + key_w / 2, y), shape, colour, filled, s)?
            }
        }
        band.draw_text(
            label,
            &font.pos(Pos::new(HPos::Left, VPos::Center)),
            (x + key_w + gap, y),
        )?;
    }
    Ok(plot)
}

/// Where to write the labels of points at `anchors` (pixels), of `sizes`
/// `(width, height)`, markers of radius `r`: the top-left corner of each,
/// beside its point (`offset` to the right, or to the left where the
/// right edge `right` would cut it), moved up or down as little as needed
/// so that no label covers another label or a marker.
fn place_labels(
    anchors: &[(i32, i32)],
    sizes: &[(i32, i32)],
    r: i32,
    offset: i32,
    right: i32,
) -> Vec<(i32, i32)> {
    // Boxes as (left, top, right, bottom).
    let mut taken: Vec<(i32, i32, i32, i32)> = anchors
        .iter()
        .map(|&(x, y)| (x - r, y - r, x + r, y + r))
        .collect();
    let mut out = Vec::with_capacity(anchors.len());
    for (&(ax, ay), &(w, h)) in anchors.iter().zip(sizes) {
        let y0 = ay - h / 2;
        let free = |x: i32, up: bool, taken: &[(i32, i32, i32, i32)]| -> i32 {
            let mut y = y0;
            while let Some(&(_, t, _, b)) = taken
                .iter()
                .find(|&&(l, t, rr, b)| x < rr && l < x + w && y < b && t < y + h)
            {
                y = if up { t - h - 1 } else { b + 1 };
            }
            y
        };
        let mut xs = Vec::with_capacity(2);
        if ax + offset + w <= right {
            xs.push(ax + offset);
        }
        xs.push(ax - offset - w);
        let best = xs
            .iter()
            .flat_map(|&x| [(x, free(x, false, &taken)), (x, free(x, true, &taken))])
            .min_by_key(|&(_, y)| (y - y0).abs())
            .unwrap_or((ax + offset, y0));
        taken.push((best.0, best.1, best.0 + w, best.1 + h));
        out.push(best);
    }
    out
}

/// Draws a point marker at `at` (in `area`'s coordinates): filled, or
/// hollow with a coloured outline.
fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    shape: Shape,
    colour: RGBColor,
    filled: bool,
    s: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    CT::From: Clone,
{
    let r = (6 * s) as i32;
    let style = if filled {
        colour.filled()
    } else {
        colour.stroke_width(2 * s)
    };
    let outline = |pts: Vec<(i32, i32)>| {
        let mut closed = pts.clone();
        closed.push(pts[0]);
        closed
    };
    let at = EmptyElement::at(at);
    match shape {
        Shape::Circle => area.draw(&(at + Circle::new((0, 0), r, style))),
        Shape::Square => {
            let q = r * 5 / 6;
            area.draw(&(at + Rectangle::new([(-q, -q), (q, q)], style)))
        }
        Shape::Triangle | Shape::Diamond => {
            let pts = if shape == Shape::Triangle {
                vec![(0, -r), (r, r * 3 / 4), (-r, r * 3 / 4)]
            } else {
                vec![(0, -r), (r, 0), (0, r), (-r, 0)]
            };
            if filled {
                area.draw(&(at + Polygon::new(pts, style)))
            } else {
                area.draw(&(at + PathElement::new(outline(pts), style)))
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_styles_differ_for_two_dozen_series_and_none_is_grey() {
        let styles: Vec<SeriesStyle> = (0..24).map(series_style).collect();
        for (i, a) in styles.iter().enumerate() {
            assert_ne!(a.colour, GREY, "series {i}");
            for (j, b) in styles.iter().enumerate().skip(i + 1) {
                assert!(
                    a.colour != b.colour || (a.dash != b.dash && a.shape != b.shape),
                    "series {i} and {j} look alike"
                );
            }
        }
        // The first round is solid circles: what most comparisons show.
        assert!(
            styles[..6]
                .iter()
                .all(|s| s.dash.is_none() && s.shape == Shape::Circle)
        );
        assert_eq!(series_style(6).colour, series_style(0).colour);
        assert_ne!(series_style(6).dash, None);
    }

    #[test]
    fn labels_of_points_on_top_of_each_other_cover_neither_labels_nor_markers() {
        let anchors = [(400, 200), (402, 201), (401, 199), (790, 200)];
        let sizes = [(80, 12), (60, 12), (90, 12), (70, 12)];
        let r = 6;
        let at = place_labels(&anchors, &sizes, r, 10, 800);
        let boxes: Vec<(i32, i32, i32, i32)> = at
            .iter()
            .zip(&sizes)
            .map(|(&(x, y), &(w, h))| (x, y, x + w, y + h))
            .collect();
        let overlap = |a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)| {
            a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
        };
        for (i, &a) in boxes.iter().enumerate() {
            for &b in &boxes[i + 1..] {
                assert!(!overlap(a, b), "{a:?} and {b:?}");
            }
            for &(x, y) in &anchors {
                assert!(
                    !overlap(a, (x - r, y - r, x + r, y + r)),
                    "{a:?} covers ({x}, {y})"
                );
            }
        }
        // The point at the right edge has its label on its left.
        assert!(boxes[3].2 <= 790 && boxes[3].2 > 700, "{:?}", boxes[3]);
        // The first label sits right beside its point.
        assert_eq!(at[0], (410, 194));
    }

    #[test]
    fn the_legend_band_lies_below_the_area_it_leaves_for_the_plot() {
        register();
        let entries: Vec<Entry> = (0..9)
            .map(|i| {
                let st = series_style(i);
                Entry::new(
                    &format!("variant number {i} − base"),
                    Key::Line(st.colour, st.dash),
                )
            })
            .collect();
        let layout = |entries: &[Entry]| -> (i32, Vec<i32>) {
            let mut out = String::new();
            let bottom = {
                let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
                let plot = legend_band(&root, entries, 1).unwrap();
                plot.get_pixel_range().1.end
            };
            let doc = roxmltree::Document::parse(&out).unwrap();
            let ys = doc
                .descendants()
                .filter(|n| n.has_tag_name("text"))
                .map(|n| n.attribute("y").unwrap().parse().unwrap())
                .collect();
            (bottom, ys)
        };
        let (bottom, ys) = layout(&entries);
        assert_eq!(ys.len(), 9);
        let rows: std::collections::BTreeSet<i32> = ys.iter().copied().collect();
        assert!(rows.len() >= 2, "{ys:?}");
        // Text is drawn centred on its y: half a line of 12 px above it.
        for y in &ys {
            assert!(*y - 6 >= bottom && *y < HEIGHT as i32, "{y} vs {bottom}");
        }
        assert!(bottom > HEIGHT as i32 * 3 / 4, "the legend takes {bottom}");
        // Two short entries: one row, and no legend at all leaves the
        // whole area.
        let (one_row, ys) = layout(&entries[..2]);
        assert_eq!(ys[0], ys[1]);
        assert!(one_row > bottom);
        assert_eq!(layout(&[]).0, HEIGHT as i32);
    }
}
