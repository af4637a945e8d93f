//! A chart's frame and axes: caption, ticks and their labels (thousands
//! separators, round bin widths) in the bundled font, and vertical markers
//! for actions taking effect.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::style::{FAMILY, GREY};

/// A chart with days on the x axis and a value on the y axis.
pub(super) type Frame<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart's frame: caption, the x axis over `x` with `x_label` for its ticks, the y axis from 0 to
/// `top` with thousands separators, labels in the bundled font.
#[allow(clippy::too_many_arguments)]
pub(super) fn frame<'a, DB: DrawingBackend>(
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
pub(super) fn draw_markers<'a, DB: DrawingBackend + 'a>(
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
pub(super) fn group(x: f64) -> String {
    crate::report::table::group_thousands(x)
}

/// A round bin width (1, 2 or 5 × a power of ten) at least `raw`.
pub(super) fn nice_step(raw: f64) -> f64 {
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
