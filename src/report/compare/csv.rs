//! compare.csv (one row per arm and KPI) and compare_risk.csv (the risk
//! measures per arm and channel).

use crate::compare::{Better, Comparison};
use crate::report::num;
use crate::report::words::kpi_words;

/// compare.csv: one row per arm and KPI; variants carry their paired
/// difference from the base.
pub fn csv(cmp: &Comparison) -> Result<Vec<u8>, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let e = |e: ::csv::Error| e.to_string();
    w.write_record([
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
    ])
    .map_err(e)?;
    for (a, arm) in cmp.arms.iter().enumerate() {
        for (i, k) in cmp.kpis.iter().enumerate() {
            let st = &cmp.stats[a][i];
            let better = match k.better {
                Better::Higher => "higher",
                Better::Lower => "lower",
                Better::Neither => "",
            };
            let mut row = vec![
                arm.name.clone(),
                k.scope.as_str().to_string(),
                k.name.clone(),
                k.key.to_string(),
                k.unit.to_string(),
                better.to_string(),
                num(st.mean),
                num(st.ci95),
                num(st.p5),
                num(st.p50),
                num(st.p95),
                st.n.to_string(),
            ];
            if a == 0 {
                row.extend(std::iter::repeat_n(String::new(), 8));
            } else {
                let p = &cmp.paired[a - 1][i];
                row.extend([
                    num(p.diff.mean),
                    num(p.diff.ci95),
                    num(p.diff.mean - p.diff.ci95),
                    num(p.diff.mean + p.diff.ci95),
                    if p.diff.ci95.is_finite() {
                        p.significant.to_string()
                    } else {
                        String::new()
                    },
                    num(p.share_better),
                    num(p.variance_ratio),
                    p.identical.to_string(),
                ]);
            }
            row.push(kpi_words(k.key));
            w.write_record(&row).map_err(e)?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// compare_risk.csv: the risk measures per arm and channel.
pub fn risk_csv(cmp: &Comparison) -> Result<Vec<u8>, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let e = |e: ::csv::Error| e.to_string();
    let k = num(cmp.settings.days_below);
    let x = num(cmp.settings.backlog_over);
    w.write_record([
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
    ])
    .map_err(e)?;
    for (a, arm) in cmp.arms.iter().enumerate() {
        for c in &cmp.risk[a].channels {
            w.write_record([
                arm.name.clone(),
                c.channel.clone(),
                num(c.target),
                num(c.p_days_below_over),
                num(c.recovery_day.mean),
                num(c.recovery_day.p50),
                num(c.recovery_day.p95),
                num(c.not_recovered),
                num(c.worst_day_wait_p95_s),
                c.p_backlog_over.map(num).unwrap_or_default(),
            ])
            .map_err(e)?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}
