//! Outputs of a run. Each format is a pure function from results to bytes
//! (`json.rs`, `csv.rs`, `xlsx.rs`, `table.rs`, `manifest.rs`); [`folder`] is the one
//! place that writes files, as a whole folder: into a staging folder beside
//! the target, `manifest.json` last, then swapped into place, so that an
//! interrupted run never leaves half a result set or a mix of two.

pub mod charts;
pub mod compare;
pub mod csv;
pub mod folder;
pub mod headline;
pub mod html;
pub mod json;
pub mod manifest;
pub mod table;
pub mod words;
pub mod xlsx;

use crate::model::Model;
use crate::runner::RunResult;

/// A file to write: name within the output folder and its bytes.
pub type OutputFile = (&'static str, Vec<u8>);

/// Every result file of a run, in the order they are written.
pub fn render_all(model: &Model, result: &RunResult) -> Result<Vec<OutputFile>, std::io::Error> {
    let mut files = render_json(model, result)?;
    files.extend(render_csv(model, result)?);
    Ok(files)
}

/// `summary.json`.
pub fn render_json(model: &Model, result: &RunResult) -> Result<Vec<OutputFile>, std::io::Error> {
    Ok(vec![("summary.json", json::summary(model, result)?)])
}

/// The CSV files of a run.
/// Rendered in parallel, returned in this order.
pub fn render_csv(model: &Model, result: &RunResult) -> Result<Vec<OutputFile>, std::io::Error> {
    use rayon::prelude::*;
    type Render = fn(&Model, &RunResult) -> Result<Vec<u8>, std::io::Error>;
    let files: [(&'static str, Render); 9] = [
        ("summary.csv", csv::summary),
        ("replications.csv", csv::replications),
        ("intervals.csv", csv::intervals),
        ("days.csv", csv::days),
        ("weeks.csv", csv::weeks),
        ("days_long.csv", csv::days_long),
        ("weeks_long.csv", csv::weeks_long),
        ("actions.csv", csv::actions),
        ("columns.csv", csv::columns),
    ];
    files
        .par_iter()
        .map(|&(name, f)| Ok((name, f(model, result)?)))
        .collect()
}

/// A chart drawn as SVG, for the report.
#[derive(Debug, Clone)]
pub struct DrawnChart {
    /// The report section it belongs to.
    pub section: String,
    /// File stem.
    pub name: String,
    /// SVG text.
    pub svg: String,
}

/// Draws every chart of a run as SVG (for the report) and, with `files`,
/// also as PNG, returning the chart files `charts/NAME.svg` and
/// `charts/NAME.png`.
#[allow(clippy::type_complexity)]
pub fn render_charts(
    model: &Model,
    result: &RunResult,
    files: bool,
) -> Result<(Vec<DrawnChart>, Vec<(String, Vec<u8>)>), String> {
    use rayon::prelude::*;
    // Each chart is drawn on its own (SVG and PNG side by side); the
    // results keep the list's order.
    let each: Vec<(DrawnChart, Option<[(String, Vec<u8>); 2]>)> = charts::charts(model, result)
        .into_par_iter()
        .map(|c| {
            let (svg, png) = rayon::join(
                || charts::svg(model, &c.chart),
                || files.then(|| charts::png(model, &c.chart)).transpose(),
            );
            let svg = svg?;
            let files = png?.map(|png| {
                [
                    (format!("charts/{}.svg", c.name), svg.clone().into_bytes()),
                    (format!("charts/{}.png", c.name), png),
                ]
            });
            let drawn = DrawnChart {
                section: c.section,
                name: c.name,
                svg,
            };
            Ok((drawn, files))
        })
        .collect::<Result<_, String>>()?;
    let mut drawn = Vec::with_capacity(each.len());
    let mut out = Vec::new();
    for (d, f) in each {
        drawn.push(d);
        out.extend(f.into_iter().flatten());
    }
    Ok((drawn, out))
}

/// A number for CSV/text output: fixed, reproducible formatting.
///
/// An empty cell means the value is undefined (NaN: no call answered, no
/// replication defined it) or not representable (±infinity, an overflow;
/// [`non_finite_kpis`] names those so that the commands can warn). Negative
/// zero, and anything that rounds to it at six decimals, prints as `0`.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// A number for JSON: `null` when undefined or not representable (as an
/// empty CSV cell, see [`num`]); negative zero written as `0.0`.
pub fn json_num(x: f64) -> serde_json::Value {
    if x.is_finite() {
        // -0.0 + 0.0 is +0.0; every other value is unchanged.
        serde_json::json!(x + 0.0)
    } else {
        serde_json::Value::Null
    }
}

/// The KPIs whose value overflowed to ±infinity in some replication of
/// `records` or in the statistics across replications (`summary`, when
/// given), as `scope name.kpi`. The outputs write such values as empty
/// cells and `null`, which would otherwise read as "undefined": the
/// commands warn about these.
pub fn non_finite_kpis(
    model: &Model,
    records: &[crate::kpi::RepRecord],
    summary: Option<&crate::runner::Summary>,
) -> Vec<String> {
    use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, RepRecord, TOPIC_KPIS, TOTAL_KPIS};
    use crate::stats::Stat;
    let stat_inf = |s: Option<&Stat>| {
        s.is_some_and(|s| {
            [s.mean, s.ci95, s.p5, s.p25, s.p50, s.p75, s.p95]
                .into_iter()
                .any(f64::is_infinite)
        })
    };
    let mut out = Vec::new();
    let mut check = |label: String, per_rep: &dyn Fn(&RepRecord) -> f64, s: Option<&Stat>| {
        if stat_inf(s) || records.iter().any(|r| per_rep(r).is_infinite()) {
            out.push(label);
        }
    };
    for (c, ch) in model.channels.iter().enumerate() {
        for (k, d) in CHANNEL_KPIS.iter().enumerate() {
            let s = summary.map(|s| &s.channel_kpis[c][k]);
            check(
                format!("channel {}.{}", ch.name, d.key),
                &|r| r.channel_kpis[c][k],
                s,
            );
        }
    }
    for (t, name) in model.topics.iter().enumerate() {
        for (k, d) in TOPIC_KPIS.iter().enumerate() {
            let s = summary.map(|s| &s.topic_kpis[t][k]);
            check(
                format!("topic {name}.{}", d.key),
                &|r| r.topic_kpis[t][k],
                s,
            );
        }
    }
    for (p, pool) in model.pools.iter().enumerate() {
        for (k, d) in POOL_KPIS.iter().enumerate() {
            let s = summary.map(|s| &s.pool_kpis[p][k]);
            check(
                format!("pool {}.{}", pool.name, d.key),
                &|r| r.pool_kpis[p][k],
                s,
            );
        }
    }
    for (k, d) in TOTAL_KPIS.iter().enumerate() {
        let s = summary.map(|s| &s.total_kpis[k]);
        check(format!("total {}", d.key), &|r| r.total_kpis[k], s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_never_print_negative_zero_or_infinity() {
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(-1e-9), "0", "rounds to zero at six decimals");
        assert_eq!(num(-0.4), "-0.4");
        assert_eq!(num(-2.0), "-2");
        assert_eq!(num(1.25), "1.25");
        assert_eq!(num(f64::NAN), "");
        assert_eq!(num(f64::INFINITY), "");
        assert_eq!(num(f64::NEG_INFINITY), "");
        let json = |x: f64| serde_json::to_string(&json_num(x)).unwrap();
        assert_eq!(json(-0.0), "0.0");
        assert_eq!(json(-0.5), "-0.5");
        assert_eq!(json(f64::INFINITY), "null");
        assert_eq!(json(f64::NAN), "null");
    }
}
