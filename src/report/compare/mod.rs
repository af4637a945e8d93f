//! Outputs of `surgesim compare`: compare.json, compare.csv,
//! compare_risk.csv, compare.xlsx, the comparison charts and report.html, and the
//! terminal table. Pure functions from a [`Comparison`] to bytes.

mod charts;
mod csv;
mod html;
mod json;
mod table;
mod xlsx;

pub use self::csv::{csv, risk_csv};
pub use charts::chart_list;
pub use html::html;
pub use json::json;
pub use table::{median_variance_ratio, table};
pub use xlsx::xlsx;

use crate::compare::Comparison;

/// Every file of a comparison: compare.json, compare.csv,
/// compare_risk.csv, compare.xlsx, charts (with `with_charts`) and report.html.
pub fn render(
    cmp: &Comparison,
    with_charts: bool,
    stop_note: &str,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = vec![
        ("compare.json".to_string(), json(cmp, stop_note)?),
        ("compare.csv".to_string(), csv(cmp)?),
        ("compare_risk.csv".to_string(), risk_csv(cmp)?),
        ("compare.xlsx".to_string(), xlsx(cmp)?),
    ];
    let mut drawn = Vec::new();
    if with_charts {
        let model = &cmp.arms[0].model;
        for c in chart_list(cmp) {
            let svg = super::charts::svg(model, &c.chart)?;
            files.push((format!("charts/{}.svg", c.name), svg.clone().into_bytes()));
            files.push((
                format!("charts/{}.png", c.name),
                super::charts::png(model, &c.chart)?,
            ));
            drawn.push(super::DrawnChart {
                section: c.section,
                name: c.name,
                svg,
            });
        }
    }
    files.push(("report.html".to_string(), html(cmp, &drawn, stop_note)));
    Ok(files)
}
