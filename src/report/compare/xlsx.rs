//! compare.xlsx: the comparison as an Excel workbook, with the cells and
//! number formats of results.xlsx ([`crate::report::xlsx`]).
//!
//! Sheets: **Comparison** (one row per arm and KPI, as compare.csv: mean,
//! 95 % half-width, percentiles and, for the variants, the paired
//! difference from the base with its interval, the share of replications
//! better and whether it is significant), **Risk** (as compare_risk.csv),
//! **Service level per day** (each public channel's daily service level,
//! mean across replications, one column per arm) and **Charts** (per
//! public channel, a native line chart of those columns).

use rust_xlsxwriter::{Chart, ChartType, Workbook, Worksheet, XlsxError};

use crate::compare::{Better, Comparison};
use crate::model::DAY_S;
use crate::report::xlsx::{Formats, Sheet, excel_day, properties, sheet_name, xlsx_err};

use super::charts::arm_lines;

/// The bytes of compare.xlsx.
pub fn xlsx(cmp: &Comparison) -> Result<Vec<u8>, String> {
    build(cmp).map_err(|e| xlsx_err(e).to_string())
}

/// Comparison: as compare.csv.
fn comparison_sheet(cmp: &Comparison, f: &Formats) -> Result<Worksheet, XlsxError> {
    let header = [
        "arm",
        "scope",
        "name",
        "kpi",
        "unit",
        "better",
        "mean",
        "ci95_halfwidth",
        "p5",
        "p50",
        "p95",
        "replications_defined",
        "diff_mean",
        "diff_ci95_halfwidth",
        "diff_low",
        "diff_high",
        "diff_significant",
        "share_better",
        "variance_ratio",
        "diff_identical",
        "kpi_words",
    ]
    .map(String::from);
    let mut sh = Sheet::new("Comparison", &header, f)?;
    for (a, arm) in cmp.arms.iter().enumerate() {
        for (i, k) in cmp.kpis.iter().enumerate() {
            let st = &cmp.stats[a][i];
            let fmt = f.of(k.unit, k.key);
            sh.text(0, &arm.name)?;
            sh.text(1, k.scope.as_str())?;
            sh.text(2, &k.name)?;
            sh.text(3, k.key)?;
            sh.text(4, k.unit)?;
            sh.text(
                5,
                match k.better {
                    Better::Higher => "higher",
                    Better::Lower => "lower",
                    Better::Neither => "",
                },
            )?;
            for (c, x) in [st.mean, st.ci95, st.p5, st.p50, st.p95]
                .into_iter()
                .enumerate()
            {
                sh.num(6 + c as u16, x, fmt)?;
            }
            sh.num(11, st.n as f64, &f.count)?;
            if a > 0 {
                let p = &cmp.paired[a - 1][i];
                let d = &p.diff;
                for (c, x) in [d.mean, d.ci95, d.mean - d.ci95, d.mean + d.ci95]
                    .into_iter()
                    .enumerate()
                {
                    sh.num(12 + c as u16, x, fmt)?;
                }
                if d.ci95.is_finite() {
                    sh.ws.write_boolean(sh.row, 16, p.significant)?;
                }
                sh.num(17, p.share_better, &f.share)?;
                sh.num(18, p.variance_ratio, &f.number)?;
                sh.ws.write_boolean(sh.row, 19, p.identical)?;
            }
            sh.text(20, &crate::report::words::kpi_words(k.key))?;
            sh.next();
        }
    }
    sh.finish()
}

/// Risk: as compare_risk.csv.
fn risk_sheet(cmp: &Comparison, f: &Formats) -> Result<Worksheet, XlsxError> {
    let k = crate::report::num(cmp.settings.days_below);
    let x = crate::report::num(cmp.settings.backlog_over);
    let header = vec![
        "arm".to_string(),
        "channel".into(),
        "service_level_target_share".into(),
        format!("p_days_below_target_over_{k}_share"),
        "recovery_day_mean_days".into(),
        "recovery_day_p50_days".into(),
        "recovery_day_p95_days".into(),
        "not_recovered_share".into(),
        "worst_day_wait_p95_s".into(),
        format!("p_peak_backlog_over_{x}_share"),
    ];
    let mut sh = Sheet::new("Risk", &header, f)?;
    for (a, arm) in cmp.arms.iter().enumerate() {
        for c in &cmp.risk[a].channels {
            sh.text(0, &arm.name)?;
            sh.text(1, &c.channel)?;
            sh.num(2, c.target, &f.share)?;
            sh.num(3, c.p_days_below_over, &f.share)?;
            sh.num(4, c.recovery_day.mean, &f.days)?;
            sh.num(5, c.recovery_day.p50, &f.days)?;
            sh.num(6, c.recovery_day.p95, &f.days)?;
            sh.num(7, c.not_recovered, &f.share)?;
            sh.num(8, c.worst_day_wait_p95_s, &f.seconds)?;
            if let Some(p) = c.p_backlog_over {
                sh.num(9, p, &f.share)?;
            }
            sh.next();
        }
    }
    sh.finish()
}

fn build(cmp: &Comparison) -> Result<Vec<u8>, XlsxError> {
    let base = &cmp.arms[0].model;
    let f = Formats::new(&base.currency);
    let mut wb = Workbook::new();
    wb.set_properties(&properties(
        base,
        &format!("surgesim comparison: {}", base.name),
    ));
    wb.push_worksheet(comparison_sheet(cmp, &f)?);
    wb.push_worksheet(risk_sheet(cmp, &f)?);
    // Daily service level per public channel and arm, when the reporting
    // interval is a day or shorter (otherwise there are no daily series).
    let public: Vec<&crate::model::Channel> =
        base.channels.iter().filter(|c| !c.internal).collect();
    if base.interval_s <= DAY_S && !public.is_empty() && base.days > 0 {
        let name = sheet_name(
            "Service level per day",
            &mut vec!["Comparison".into(), "Risk".into(), "Charts".into()],
        );
        let mut header = vec!["date".to_string()];
        for ch in &public {
            for arm in &cmp.arms {
                header.push(format!("{} service_level_mean {}", ch.name, arm.name));
            }
        }
        let mut sh = Sheet::new(&name, &header, &f)?;
        let days = base.days as usize;
        for d in 0..days {
            sh.num(0, excel_day(base.start) + d as f64, &f.date)?;
            sh.next();
        }
        let mut charts = Vec::new();
        let mut col: u16 = 1;
        for ch in &public {
            let lines = arm_lines(cmp, &ch.name, "service_level");
            let mut chart = Chart::new(ChartType::Line);
            chart.title().set_name(&format!(
                "{}: daily service level per arm (mean; target {:.0} %)",
                ch.name,
                100.0 * ch.sl_target
            ));
            for line in &lines {
                for (d, &v) in line.values.iter().take(days).enumerate() {
                    sh.row = 1 + d as u32;
                    sh.num(col, v, &f.share)?;
                }
                chart
                    .add_series()
                    .set_name((name.as_str(), 0, col))
                    .set_categories((name.as_str(), 1, 0, days as u32, 0))
                    .set_values((name.as_str(), 1, col, days as u32, col));
                col += 1;
            }
            chart.x_axis().set_name("day").set_num_format("dd mmm");
            chart
                .y_axis()
                .set_name("answered within threshold")
                .set_num_format("0%");
            chart.set_width(720).set_height(330);
            charts.push(chart);
        }
        sh.row = 1 + days as u32;
        wb.push_worksheet(sh.finish()?);
        let mut ws = Worksheet::new();
        ws.set_name("Charts")?;
        for (i, chart) in charts.iter().enumerate() {
            ws.insert_chart((i / 2) as u32 * 18, (i % 2) as u16 * 12, chart)?;
        }
        wb.push_worksheet(ws);
    }
    wb.save_to_buffer()
}
