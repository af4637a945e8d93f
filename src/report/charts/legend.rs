//! Legends and point labels: the legend band below the plot, sized to its
//! labels so that it never covers data, the placement of point labels so
//! that none covers another or a marker, and point markers.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{Entry, FAMILY, Key, Shape};

/// Draws `entries` in a band along the bottom of `root`, in as many
/// columns as the longest label allows, and returns the area above it for
/// the chart: the legend never covers data, whatever the data.
pub(super) fn legend_band<DB: DrawingBackend>(
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
pub(super) fn place_labels(
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
pub(super) fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
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

#[cfg(test)]
mod tests {
    use super::super::style::{register, series_style};
    use super::super::{HEIGHT, WIDTH};
    use super::*;

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
