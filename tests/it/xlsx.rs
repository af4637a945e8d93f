//! results.xlsx and compare.xlsx: read back with calamine, the sheets,
//! numbers stored as numbers, the same values as summary.json,
//! summary.csv and days.csv, real dates, native charts, and the same bytes
//! on every run and thread count.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use super::util::tempdir;

const TINY: &str = "tests/fixtures/tiny.toml";

fn surgesim() -> Command {
    Command::cargo_bin("surgesim").unwrap()
}

/// Runs the tiny fixture into `out` with `extra` arguments.
fn run_tiny(out: &Path, extra: &[&str]) {
    surgesim()
        .args(["run", TINY, "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn open(path: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    open_workbook_from_rs(Cursor::new(bytes)).expect("a readable workbook")
}

/// The rows of a sheet, header first.
fn rows(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    assert_eq!(range.start(), Some((0, 0)), "{sheet} starts at A1");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, got {other:?}"),
    }
}

/// A numeric cell's value; panics on text (a number stored as a string).
fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(x) => Some(*x),
        Data::Int(x) => Some(*x as f64),
        Data::Empty => None,
        other => panic!("expected a number, got {other:?}"),
    }
}

fn col(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|h| text(h) == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * b.abs() + abs
}

/// (scope, name, kpi) → mean, from summary.json (full precision).
fn json_means(dir: &Path) -> BTreeMap<(String, String, String), Option<f64>> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    let mut add = |scope: &str, name: &str, kpis: &serde_json::Value| {
        for (k, s) in kpis.as_object().unwrap() {
            out.insert(
                (scope.to_string(), name.to_string(), k.clone()),
                s["mean"].as_f64(),
            );
        }
    };
    for (list, scope, key) in [
        ("channels", "channel", "channel"),
        ("pools", "pool", "pool"),
        ("topics", "topic", "topic"),
        ("actions", "action", "action"),
    ] {
        for item in v[list].as_array().unwrap() {
            add(scope, item[key].as_str().unwrap(), &item["kpis"]);
        }
    }
    add("total", "all pools", &v["total"]);
    out
}

/// (scope, name, kpi) → mean as summary.csv writes it (six decimals).
fn csv_means(dir: &Path) -> Vec<((String, String, String), Option<f64>)> {
    let mut r = csv::Reader::from_path(dir.join("summary.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let key = (rec[0].to_string(), rec[1].to_string(), rec[2].to_string());
            (key, rec[4].parse::<f64>().ok())
        })
        .collect()
}

#[test]
fn results_xlsx_has_the_sheets_and_stores_numbers_as_numbers() {
    let out = tempdir();
    run_tiny(out.path(), &[]);
    let mut wb = open(&out.path().join("results.xlsx"));
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Charts",
            "Days line",
            "Days mail",
            "Days pool team",
            "Weeks line",
            "Weeks mail",
            "Weeks pool team",
            "Costs",
            "Actions",
            "KPIs",
            "Scenario",
        ]
    );
    let summary = rows(&mut wb, "Summary");
    let h = &summary[0];
    let (mean, ci, p5, p95, n) = (
        col(h, "mean"),
        col(h, "ci95_halfwidth"),
        col(h, "p5"),
        col(h, "p95"),
        col(h, "replications_defined"),
    );
    assert!(summary.len() > 10);
    for r in &summary[1..] {
        assert!(matches!(r[mean], Data::Float(_)), "{r:?}");
        for c in [ci, p5, p95] {
            number(&r[c]);
        }
        assert_eq!(number(&r[n]), Some(4.0), "4 replications: {r:?}");
    }
    // Settings as numbers and a real date.
    let scenario = rows(&mut wb, "Scenario");
    let setting = |k: &str| {
        scenario
            .iter()
            .find(|r| text(&r[0]) == k)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no setting {k}"))
    };
    assert_eq!(number(&setting("seed")), Some(7.0));
    assert_eq!(number(&setting("days")), Some(3.0));
    assert_eq!(number(&setting("interval_s")), Some(21_600.0));
    match setting("start") {
        Data::DateTime(d) => assert_eq!(d.as_f64(), 44_627.0, "2022-03-07"),
        other => panic!("start is not a date: {other:?}"),
    }
    assert_eq!(text(&setting("source")), "made up for the tests (E)");
    // Actions as actions.csv: as many rows, dates as dates.
    let actions = rows(&mut wb, "Actions");
    let csv_rows = std::fs::read_to_string(out.path().join("actions.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(actions.len(), csv_rows);
    for r in &actions[1..] {
        assert!(matches!(r[3], Data::DateTime(_)), "{r:?}");
        number(&r[0]);
    }
}

#[test]
fn summary_sheets_hold_the_numbers_of_summary_json_and_csv() {
    let out = tempdir();
    run_tiny(out.path(), &[]);
    let json = json_means(out.path());
    let csv = csv_means(out.path());
    let mut wb = open(&out.path().join("results.xlsx"));
    // KPIs: every row of summary.csv, in its order.
    let kpis = rows(&mut wb, "KPIs");
    let mean = col(&kpis[0], "mean");
    assert_eq!(kpis.len() - 1, csv.len(), "one row per summary.csv row");
    for (r, (key, csv_mean)) in kpis[1..].iter().zip(&csv) {
        let got = (text(&r[0]), text(&r[1]), text(&r[2]));
        assert_eq!(&got, key);
        let x = number(&r[mean]);
        let want = json[key];
        assert_eq!(x.is_some(), want.is_some(), "{key:?}");
        if let (Some(x), Some(w)) = (x, want) {
            assert!(close(x, w, 1e-9, 0.0), "{key:?}: {x} vs json {w}");
        }
        if let (Some(x), Some(c)) = (x, *csv_mean) {
            // summary.csv has six decimals.
            assert!(close(x, c, 1e-9, 5e-7), "{key:?}: {x} vs csv {c}");
        }
    }
    // Summary: the headline rows, each the same mean as summary.json, with
    // the target on the service level.
    let summary = rows(&mut wb, "Summary");
    let h = &summary[0];
    let (mean, target, met) = (col(h, "mean"), col(h, "target"), col(h, "target_met_share"));
    let mut service_levels = 0;
    for r in &summary[1..] {
        let key = (text(&r[0]), text(&r[1]), text(&r[2]));
        let want = json
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?} is not a KPI"));
        let x = number(&r[mean]);
        assert_eq!(x.is_some(), want.is_some(), "{key:?}");
        if let (Some(x), Some(w)) = (x, *want) {
            assert!(close(x, w, 1e-9, 0.0), "{key:?}: {x} vs {w}");
        }
        if key.2 == "service_level" && key.0 == "channel" {
            service_levels += 1;
            let t = if key.1 == "line" { 0.8 } else { 0.9 };
            assert_eq!(number(&r[target]), Some(t));
            let met_json = json[&(key.0.clone(), key.1.clone(), "target_met".to_string())];
            assert_eq!(number(&r[met]), met_json);
        }
    }
    assert_eq!(service_levels, 2, "one per channel");
    for scope in ["pool", "total"] {
        assert!(
            summary[1..].iter().any(|r| text(&r[0]) == scope),
            "no {scope} rows"
        );
    }
    // Costs: the pool's total cost.
    let costs = rows(&mut wb, "Costs");
    let m = col(&costs[0], "mean");
    let total = costs
        .iter()
        .find(|r| text(&r[0]) == "pool" && text(&r[2]) == "total_cost")
        .expect("the pool's total cost");
    let want = json[&("pool".into(), "team".into(), "total_cost".into())].unwrap();
    assert!(want > 0.0 && close(number(&total[m]).unwrap(), want, 1e-9, 0.0));
}

#[test]
fn day_sheets_have_a_row_per_day_with_dates_and_the_days_csv_means() {
    let out = tempdir();
    run_tiny(out.path(), &[]);
    let mut wb = open(&out.path().join("results.xlsx"));
    let days = rows(&mut wb, "Days line");
    assert_eq!(days.len(), 1 + 3, "header and 3 days");
    let sl = col(&days[0], "service_level_mean");
    let (p5, p95) = (
        col(&days[0], "service_level_p5"),
        col(&days[0], "service_level_p95"),
    );
    let mut csv = csv::Reader::from_path(out.path().join("days.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    let at = header
        .iter()
        .position(|h| h == "service_level_mean")
        .unwrap();
    let line: Vec<csv::StringRecord> = csv
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[2] == "channel" && &r[3] == "line")
        .collect();
    assert_eq!(line.len(), 3);
    for (d, (r, c)) in days[1..].iter().zip(&line).enumerate() {
        match &r[0] {
            Data::DateTime(x) => assert_eq!(x.as_f64(), 44_627.0 + d as f64),
            other => panic!("day {d} is not a date: {other:?}"),
        }
        assert_eq!(text(&r[1]), c[1].to_string(), "weekday");
        let x = number(&r[sl]).expect("a service level");
        let want: f64 = c[at].parse().unwrap();
        assert!(close(x, want, 1e-9, 5e-7), "day {d}: {x} vs {want}");
        let (lo, hi) = (number(&r[p5]).unwrap(), number(&r[p95]).unwrap());
        assert!(lo <= x && x <= hi, "day {d}: {lo} ≤ {x} ≤ {hi}");
    }
    // Weeks: one (short) week, its dates and length.
    let weeks = rows(&mut wb, "Weeks pool team");
    assert_eq!(weeks.len(), 2);
    assert!(matches!(weeks[1][1], Data::DateTime(ref x) if x.as_f64() == 44_629.0));
    assert_eq!(number(&weeks[1][2]), Some(3.0));
    number(&weeks[1][col(&weeks[0], "pool_on_duty_agents_mean")]).expect("staff on duty");
}

/// Whether the zip archive names an entry `name` (names are stored
/// uncompressed in the local headers and the central directory).
fn has_entry(bytes: &[u8], name: &str) -> bool {
    bytes.windows(name.len()).any(|w| w == name.as_bytes())
}

#[test]
fn results_xlsx_has_native_charts() {
    let out = tempdir();
    run_tiny(out.path(), &[]);
    let bytes = std::fs::read(out.path().join("results.xlsx")).unwrap();
    // Two public channels (service level, backlog) and one pool (staff
    // by origin): five charts on one drawing.
    for i in 1..=5 {
        assert!(
            has_entry(&bytes, &format!("xl/charts/chart{i}.xml")),
            "chart{i}"
        );
    }
    assert!(!has_entry(&bytes, "xl/charts/chart6.xml"));
    assert!(has_entry(&bytes, "xl/drawings/drawing1.xml"));
}

#[test]
fn results_xlsx_is_the_same_bytes_on_every_run_and_thread_count() {
    let (a, b, c) = (tempdir(), tempdir(), tempdir());
    run_tiny(a.path(), &["-j", "1"]);
    // The creation date is fixed: a later run gives the same bytes.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_tiny(b.path(), &["-j", "2"]);
    run_tiny(c.path(), &["-j", "1"]);
    let read = |d: &tempfile::TempDir| std::fs::read(d.path().join("results.xlsx")).unwrap();
    let first = read(&a);
    assert!(first.len() > 1000);
    assert!(first == read(&b), "-j 1 and -j 2 differ");
    assert!(first == read(&c), "two runs a second apart differ");
}

#[test]
fn format_without_xlsx_writes_no_workbook_and_xlsx_alone_writes_only_it() {
    let (csv_only, xlsx_only) = (tempdir(), tempdir());
    run_tiny(csv_only.path(), &["--format", "csv"]);
    assert!(!csv_only.path().join("results.xlsx").exists());
    assert!(csv_only.path().join("summary.csv").exists());
    run_tiny(xlsx_only.path(), &["--format", "xlsx"]);
    assert!(xlsx_only.path().join("results.xlsx").exists());
    assert!(!xlsx_only.path().join("summary.csv").exists());
    assert!(!xlsx_only.path().join("report.html").exists());
}

#[test]
fn compare_writes_a_readable_workbook() {
    let out = tempdir();
    surgesim()
        .args([
            "compare",
            "tests/fixtures/crn.toml",
            "-n",
            "4",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let mut wb = open(&out.path().join("compare.xlsx"));
    assert_eq!(
        wb.sheet_names(),
        ["Comparison", "Risk", "Service level per day", "Charts"]
    );
    let cmp = rows(&mut wb, "Comparison");
    let mut csv = csv::Reader::from_path(out.path().join("compare.csv")).unwrap();
    let csv_rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(cmp.len() - 1, csv_rows.len());
    let h = &cmp[0];
    let (mean, diff, sig) = (
        col(h, "mean"),
        col(h, "diff_mean"),
        col(h, "diff_significant"),
    );
    for (r, c) in cmp[1..].iter().zip(&csv_rows) {
        assert_eq!(text(&r[0]), &c[0]);
        assert_eq!(text(&r[3]), &c[3]);
        for (x, s) in [(number(&r[mean]), &c[6]), (number(&r[diff]), &c[12])] {
            match (x, s.parse::<f64>().ok()) {
                (Some(x), Some(w)) => assert!(close(x, w, 1e-9, 5e-7), "{x} vs {w}"),
                (x, w) => assert_eq!(x.is_some(), w.is_some(), "{c:?}"),
            }
        }
        match (&r[sig], &c[16]) {
            (Data::Bool(b), s) => assert_eq!(b.to_string(), s),
            (Data::Empty, s) => assert_eq!(s, ""),
            (other, _) => panic!("diff_significant: {other:?}"),
        }
    }
    let risk = rows(&mut wb, "Risk");
    let risk_csv = std::fs::read_to_string(out.path().join("compare_risk.csv")).unwrap();
    assert_eq!(risk.len(), risk_csv.lines().count());
    // 45 days, one column per arm and public channel.
    let daily = rows(&mut wb, "Service level per day");
    assert_eq!(daily.len(), 1 + 45);
    assert!(matches!(daily[1][0], Data::DateTime(_)));
    assert!(number(&daily[1][1]).is_some_and(|x| (0.0..=1.0).contains(&x)));
    let bytes = std::fs::read(out.path().join("compare.xlsx")).unwrap();
    assert!(has_entry(&bytes, "xl/charts/chart1.xml"));
}
