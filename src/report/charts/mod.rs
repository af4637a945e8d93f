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
//!
//! Files:
//! - `mod.rs`: the chart data types ([`Chart`], [`Line`], [`Point`],
//!   [`NamedChart`]) and the SVG size;
//! - `list.rs`: which charts a run has, and their data ([`charts`]);
//! - `draw.rs`: drawing a chart on any backend ([`draw`]) and rendering
//!   it as SVG ([`svg`]) or PNG ([`png`]);
//! - `axes.rs`: a chart's frame, axes and tick labels, action markers;
//! - `legend.rs`: the legend band, point labels and markers;
//! - `style.rs`: the bundled font, the palette and series styles.

mod axes;
mod draw;
mod legend;
mod list;
mod style;

pub use draw::{draw, png, svg};
pub use list::charts;

use crate::stats::Stat;

/// SVG size; PNGs are twice as large.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 420;

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
        /// `(day, label)` markers (decisions and events taking effect).
        markers: Vec<(f64, String)>,
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
