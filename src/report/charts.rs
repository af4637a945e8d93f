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

use crate::kpi::{INTERVAL_METRICS, POOL_INTERVAL_METRICS, index_of, series_width};
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

/// A named chart ready to render.
#[derive(Debug, Clone)]
pub struct NamedChart {
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
    for (c, ch) in model.channels.iter().enumerate() {
        let kind = match ch.kind {
            ChannelKind::Phone => "phone",
            ChannelKind::Email => "e-mail",
            ChannelKind::Desk => "desk",
        };
        out.push(NamedChart {
            name: format!("{}_offered", ch.name),
            chart: Chart::Fan {
                title: format!("{} ({kind}): contacts offered per day", ch.name),
                y_label: "contacts per day".into(),
                days: chan(c, "offered_contacts"),
                scale: 1.0,
                target: None,
            },
        });
        let (key, what) = if ch.kind == ChannelKind::Email {
            ("backlog_end_contacts", "backlog at the end of the day")
        } else {
            ("queue_mean_contacts", "people waiting (day average)")
        };
        out.push(NamedChart {
            name: format!("{}_backlog", ch.name),
            chart: Chart::Fan {
                title: format!("{} ({kind}): {what}", ch.name),
                y_label: "contacts".into(),
                days: chan(c, key),
                scale: 1.0,
                target: None,
            },
        });
        out.push(NamedChart {
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
            },
        });
    }
    // Staff on duty per pool by origin, at 10:00 each day (intervals).
    let per_day = (DAY_S / model.interval_s).round() as usize;
    let at10 = ((10.0 * 3600.0) / model.interval_s) as usize;
    // Actions taking effect (median day over the replications in which
    // they did), optionally only those that concern one pool; actions on
    // the same day share a marker.
    let markers_for = |pool: Option<usize>| -> Vec<(f64, String)> {
        let mut v: Vec<(f64, String)> = Vec::new();
        for (a, st) in model.actions.iter().zip(&result.summary.action_kpis) {
            if st[0].mean <= 0.0 || st[2].n == 0 {
                continue;
            }
            let concerns = match (&a.effect, pool) {
                (_, None) => true,
                (crate::model::Effect::Hire(h), Some(p)) => h.pool == p,
                (crate::model::Effect::Redeploy(r), Some(p)) => r.from == p || r.to == p,
                (crate::model::Effect::PoolHours { pool: q, .. }, Some(p)) => *q == p,
                (crate::model::Effect::Support { pool: q, .. }, Some(p)) => *q == p,
                _ => false,
            };
            if !concerns {
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
                    markers: markers_for(Some(p)),
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
        name: "cost".into(),
        chart: Chart::Stacked {
            title: format!("Staff and hiring cost, cumulative ({})", model.currency),
            y_label: format!("thousand {}", model.currency),
            layers,
            markers: markers_for(None),
        },
    });
    out
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
    let text = |size: u32| (FAMILY, (size * s) as f64).into_font();
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
            let mut cc = frame(root, title, y_label, nd, top, s, &date_label).map_err(err)?;
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
            let mut cc = frame(root, title, y_label, nd, top, s, &date_label).map_err(err)?;
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
            for (day, label) in markers {
                let x = *day + 0.5;
                cc.draw_series(LineSeries::new([(x, 0.0), (x, top)], GREY.stroke_width(s)))
                    .map_err(err)?;
                cc.draw_series(std::iter::once(Text::new(
                    label.clone(),
                    (x + nd * 0.004, top * 0.97),
                    text(10).transform(FontTransform::Rotate90),
                )))
                .map_err(err)?;
            }
            legend(&mut cc, s).map_err(err)?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}

/// A chart with days on the x axis and a value on the y axis.
type Frame<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart's frame: caption, dates on the x axis (days from the start),
/// the y axis from 0 to `top`, labels in the bundled font.
fn frame<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label: &str,
    nd: f64,
    top: f64,
    s: u32,
    date_label: &dyn Fn(&f64) -> String,
) -> Result<Frame<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let text = |size: u32| (FAMILY, (size * s) as f64).into_font();
    let mut cc = ChartBuilder::on(root)
        .caption(title, text(18))
        .margin(12 * s)
        .x_label_area_size(36 * s)
        .y_label_area_size(60 * s)
        .build_cartesian_2d(0.0..nd, 0.0..top)?;
    cc.configure_mesh()
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(date_label)
        .x_desc("date")
        .y_desc(y_label)
        .label_style(text(12))
        .axis_desc_style(text(13))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    Ok(cc)
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
