//! Drawing a chart with plotters: [`draw`] on any backend, one arm per
//! kind of [`Chart`] (fans with their P25–P75 and P5–P95 bands, lines,
//! scatter, histogram, stacked areas), and rendering as SVG or PNG.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::Model;

use super::axes::{draw_markers, frame, group, nice_step};
use super::legend::{draw_marker, legend_band, place_labels};
use super::style::{
    BLUE, Entry, FAMILY, GREEN, GREY, Key, ORANGE, PURPLE, SKY, Shape, VERMILION, register,
    series_style,
};
use super::{Chart, HEIGHT, Point, WIDTH};
use crate::stats::Stat;

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
            markers,
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
            draw_markers(&mut cc, markers, nd, hi, s).map_err(err)?;
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
