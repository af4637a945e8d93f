//! The look shared by all charts: the bundled font, the Okabe–Ito
//! palette, the style (colour, dash pattern, marker shape) of numbered
//! series, and legend entries.

use std::sync::Once;

use plotters::prelude::*;

/// The bundled font (DejaVu Sans; licence in `assets/fonts/`).
static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub(super) const FAMILY: &str = "sans-serif";

/// Okabe–Ito colours.
pub(super) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(super) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(super) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(super) const VERMILION: RGBColor = RGBColor(213, 94, 0);
pub(super) const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub(super) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(super) const GREY: RGBColor = RGBColor(90, 90, 90);

/// Colours of series that stand for the same thing across charts (the
/// arms of a comparison): the Okabe–Ito colours except the grey kept for
/// targets and references (and the yellow, too faint on white).
pub(super) const SERIES_COLOURS: [RGBColor; 6] = [BLUE, VERMILION, GREEN, ORANGE, PURPLE, SKY];

/// Dash patterns `(dash, gap)` in pixels at SVG size, one per round of
/// [`SERIES_COLOURS`]; the first is solid.
pub(super) const SERIES_DASHES: [Option<(u32, u32)>; 4] =
    [None, Some((9, 5)), Some((2, 4)), Some((16, 5))];

/// A point marker's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// Marker shapes, one per round of [`SERIES_COLOURS`].
pub(super) const SERIES_SHAPES: [Shape; 4] = [
    Shape::Circle,
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
];

/// How series `i` is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct SeriesStyle {
    pub(super) colour: RGBColor,
    /// `(dash, gap)` at SVG size, or solid.
    pub(super) dash: Option<(u32, u32)>,
    pub(super) shape: Shape,
}

/// The style of series `i`: the colours in turn, then again with the next
/// dash pattern and marker shape, so that no two of the first 24 series
/// look alike and none is grey.
pub(super) fn series_style(i: usize) -> SeriesStyle {
    let n = SERIES_COLOURS.len();
    SeriesStyle {
        colour: SERIES_COLOURS[i % n],
        dash: SERIES_DASHES[(i / n) % SERIES_DASHES.len()],
        shape: SERIES_SHAPES[(i / n) % SERIES_SHAPES.len()],
    }
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
pub(super) enum Key {
    /// A line in a colour, solid or dashed `(dash, gap)`.
    Line(RGBColor, Option<(u32, u32)>),
    /// A filled box (areas and bands).
    Area(RGBAColor),
    /// A point marker, filled or hollow.
    Marker(RGBColor, Shape, bool),
}

/// One entry of a legend.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) label: String,
    pub(super) key: Key,
}

impl Entry {
    pub(super) fn new(label: &str, key: Key) -> Self {
        Entry {
            label: label.to_string(),
            key,
        }
    }
}

pub(super) fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // A bundled, valid font cannot fail to register; if it did, drawing
        // reports `FontUnavailable` as a chart error.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
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
}
