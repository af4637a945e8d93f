//! The README's KPI tables are the definitions the code carries (the same
//! text that `summary.json` prints), so they cannot drift. Run with
//! `SURGESIM_BLESS_README=1` to rewrite them from the definitions.

use surgesim::kpi::{
    ACTION_KPIS, CHANNEL_KPIS, INTERVAL_METRICS, KpiDef, POOL_INTERVAL_METRICS, POOL_KPIS,
    TOPIC_KPIS, TOTAL_KPIS,
};

/// The README's tables: the line that comes before each, and its rows.
const TABLES: &[(&str, &[KpiDef])] = &[
    ("### Channel KPIs", CHANNEL_KPIS),
    ("### Topic KPIs", TOPIC_KPIS),
    ("### Pool KPIs", POOL_KPIS),
    ("### Action statistics", ACTION_KPIS),
    ("### Totals", TOTAL_KPIS),
    ("Channel rows (`scope = channel`)", INTERVAL_METRICS),
    ("Pool rows (`scope = pool`)", POOL_INTERVAL_METRICS),
];

const HEADER: &str = "| KPI | unit | definition |";

fn rows(defs: &[KpiDef]) -> Vec<String> {
    let mut out = vec![HEADER.to_string(), "|---|---|---|".to_string()];
    out.extend(
        defs.iter()
            .map(|d| format!("| `{}` | {} | {} |", d.key, d.unit, d.doc)),
    );
    out
}

/// The README with every KPI table replaced by the definitions.
fn regenerated(readme: &str) -> String {
    let mut lines: Vec<String> = readme.lines().map(str::to_string).collect();
    for (anchor, defs) in TABLES {
        let at = lines
            .iter()
            .position(|l| l.starts_with(anchor))
            .unwrap_or_else(|| panic!("the README has no `{anchor}`"));
        let start = at
            + lines[at..]
                .iter()
                .position(|l| l == HEADER)
                .unwrap_or_else(|| panic!("no KPI table after `{anchor}`"));
        let end = start
            + lines[start..]
                .iter()
                .position(|l| !l.starts_with('|'))
                .unwrap_or(lines.len() - start);
        lines.splice(start..end, rows(defs));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[test]
fn readme_kpi_tables_are_the_definitions() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let fresh = regenerated(&readme);
    if std::env::var_os("SURGESIM_BLESS_README").is_some() {
        std::fs::write(path, &fresh).unwrap();
        return;
    }
    assert!(
        fresh == readme,
        "the README's KPI tables differ from the definitions in src/kpi/; run `SURGESIM_BLESS_README=1 cargo test --test it docs` and review the diff"
    );
}
