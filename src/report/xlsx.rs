//! `results.xlsx`: the run as an Excel workbook for planners whose
//! spreadsheet reads commas as decimal separators. Numbers are stored as
//! numbers with number formats (shares as `0.0%`, durations as plain
//! seconds, counts with thousands separators, money with the currency),
//! dates as Excel dates, and the charts are native Excel charts that point
//! at the data sheets' cells.
//!
//! Sheets: **Summary** (the headline KPIs per channel, pool and in total,
//! with target and share of replications that met it), **KPIs** (every row
//! of summary.csv), **Charts**, **Days …** and **Weeks …** (one sheet per
//! channel and per pool, as days.csv and weeks.csv), **Actions** (as
//! actions.csv), **Costs** and **Scenario** (settings and sources). The
//! values come from the same statistics as the CSV files
//! ([`crate::runner::Summary`]); nothing is recomputed.
//!
//! The bytes are reproducible: the document's creation date is the
//! scenario's start date, and rust_xlsxwriter writes fixed zip times.

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartSolidFill, ChartType, DocProperties,
    ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::kpi::{
    ACTION_KPIS, CHANNEL_KPIS, INTERVAL_METRICS, KpiDef, POOL_INTERVAL_METRICS, POOL_KPIS,
    TOPIC_KPIS, TOTAL_KPIS, index_of, series_width,
};
use crate::model::{DAY_S, Model};
use crate::runner::RunResult;
use crate::stats::Stat;

use super::headline;

/// A workbook error as the renderers report errors.
pub(crate) fn xlsx_err(e: XlsxError) -> std::io::Error {
    std::io::Error::other(format!("the Excel workbook: {e}"))
}

/// The number formats of a workbook.
pub(crate) struct Formats {
    pub header: Format,
    pub share: Format,
    pub seconds: Format,
    pub count: Format,
    pub count_mean: Format,
    pub agents: Format,
    pub money: Format,
    pub days: Format,
    pub hours: Format,
    pub number: Format,
    pub integer: Format,
    pub date: Format,
    pub datetime: Format,
}

impl Formats {
    /// The formats, money in `currency` (a code like EUR).
    pub fn new(currency: &str) -> Formats {
        let cur: String = currency
            .chars()
            .filter(|c| !matches!(c, '"' | '\\'))
            .collect();
        let num = |f: &str| Format::new().set_num_format(f);
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color("#DDE6F0")
                .set_align(FormatAlign::Center),
            share: num("0.0%"),
            seconds: num("#,##0.0"),
            count: num("#,##0"),
            count_mean: num("#,##0.0"),
            agents: num("0.00"),
            money: num(&if cur.is_empty() {
                "#,##0.00".to_string()
            } else {
                format!("#,##0.00 \"{cur}\"")
            }),
            days: num("0.0"),
            hours: num("#,##0.0"),
            number: num("0.######"),
            integer: num("0"),
            date: num("yyyy-mm-dd"),
            datetime: num("yyyy-mm-dd hh:mm"),
        }
    }

    /// The format of a value of `unit` (a [`KpiDef`] unit) named `key`.
    pub fn of(&self, unit: &str, key: &str) -> &Format {
        match unit {
            "share" => &self.share,
            "seconds" => &self.seconds,
            "contacts"
                if key.contains("_mean") || key.contains("mean_") || key == "queue_contacts" =>
            {
                &self.count_mean
            }
            "contacts" => &self.count,
            "agents" => &self.agents,
            "currency" => &self.money,
            "days" => &self.days,
            "hours" => &self.hours,
            _ => &self.number,
        }
    }
}

/// One sheet being filled row by row, with the widths of its columns.
pub(crate) struct Sheet {
    pub ws: Worksheet,
    /// The next row to write.
    pub row: u32,
    columns: u16,
}

impl Sheet {
    /// A sheet named `name` with a frozen header row `header`.
    pub fn new(name: &str, header: &[String], f: &Formats) -> Result<Sheet, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &f.header)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(Sheet {
            ws,
            row: 1,
            columns: header.len() as u16,
        })
    }

    /// A number in `fmt`, or an empty cell when undefined or not
    /// representable (as the CSV files write it).
    pub fn num(&mut self, col: u16, x: f64, fmt: &Format) -> Result<(), XlsxError> {
        if x.is_finite() {
            // -0.0 + 0.0 is +0.0.
            self.ws
                .write_number_with_format(self.row, col, x + 0.0, fmt)?;
        }
        Ok(())
    }

    /// A text cell.
    pub fn text(&mut self, col: u16, s: &str) -> Result<(), XlsxError> {
        if !s.is_empty() {
            self.ws.write_string(self.row, col, s)?;
        }
        Ok(())
    }

    /// Ends a row.
    pub fn next(&mut self) {
        self.row += 1;
    }

    /// Autofilter over the table, column widths to fit; the worksheet.
    pub fn finish(mut self) -> Result<Worksheet, XlsxError> {
        if self.columns > 0 {
            self.ws
                .autofilter(0, 0, self.row.saturating_sub(1).max(1), self.columns - 1)?;
        }
        self.ws.set_autofit_max_width(400);
        self.ws.autofit();
        Ok(self.ws)
    }
}

/// The Excel serial day number of a civil date (days since 1899-12-30).
pub(crate) fn excel_day(d: jiff::civil::Date) -> f64 {
    // Civil days since 1970-01-01 (Howard Hinnant's algorithm).
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let unix_days = era * 146_097 + doe - 719_468;
    // 1970-01-01 is Excel day 25569.
    (unix_days + 25_569) as f64
}

/// The Excel date and time of a moment `t_s` seconds after the start.
fn excel_at(model: &Model, t_s: f64) -> f64 {
    excel_day(model.start) + t_s / DAY_S
}

/// Document properties with a fixed creation date: the scenario's start.
pub(crate) fn properties(model: &Model, title: &str) -> DocProperties {
    let s = model.start;
    let props = DocProperties::new()
        .set_title(title)
        .set_author(format!("surgesim {}", env!("CARGO_PKG_VERSION")));
    let year = u16::try_from(s.year()).unwrap_or(2000);
    match ExcelDateTime::from_ymd(year, s.month() as u8, s.day() as u8) {
        Ok(date) => props.set_creation_datetime(&date),
        // Out of Excel's range (before 1900): a fixed date all the same.
        Err(_) => match ExcelDateTime::from_ymd(2000, 1, 1) {
            Ok(date) => props.set_creation_datetime(&date),
            Err(_) => props,
        },
    }
}

/// Makes a valid, unique sheet name from `wanted`: without the characters
/// Excel refuses, at most 31 characters, not used before (ignoring case).
pub(crate) fn sheet_name(wanted: &str, used: &mut Vec<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim_matches('\'').to_string();
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(&clean, 31);
    let mut k = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        let suffix = format!(" ({k})");
        name = format!("{}{suffix}", cut(&clean, 31 - suffix.len()));
        k += 1;
    }
    used.push(name.clone());
    name
}

/// The header of a statistics table: `scope, name, kpi, unit, mean, …`.
fn stats_header(extra: &[&str]) -> Vec<String> {
    let mut h: Vec<String> = ["scope", "name", "kpi"].map(String::from).to_vec();
    h.extend(extra.iter().map(|s| s.to_string()));
    h.extend(
        [
            "unit",
            "mean",
            "ci95_halfwidth",
            "ci95_low",
            "ci95_high",
            "p50",
            "p5",
            "p95",
            "replications_defined",
        ]
        .map(String::from),
    );
    h
}

/// Writes one statistics row from column 0: scope, name, kpi, the `extra`
/// texts, unit, then the statistics in `fmt`; returns the next column.
fn stats_row(
    sh: &mut Sheet,
    f: &Formats,
    (scope, name, d): (&str, &str, &KpiDef),
    extra: &[&str],
    s: &Stat,
) -> Result<u16, XlsxError> {
    sh.text(0, scope)?;
    sh.text(1, name)?;
    sh.text(2, d.key)?;
    let mut c = 3;
    for e in extra {
        sh.text(c, e)?;
        c += 1;
    }
    sh.text(c, d.unit)?;
    let fmt = f.of(d.unit, d.key);
    let (low, high) = if s.ci95.is_finite() {
        (s.mean - s.ci95, s.mean + s.ci95)
    } else {
        (f64::NAN, f64::NAN)
    };
    for (i, x) in [s.mean, s.ci95, low, high, s.p50, s.p5, s.p95]
        .into_iter()
        .enumerate()
    {
        sh.num(c + 1 + i as u16, x, fmt)?;
    }
    sh.num(c + 8, s.n as f64, &f.count)?;
    Ok(c + 9)
}

/// Every KPI group of summary.csv, in its order: (scope, name, defs,
/// statistics).
fn kpi_groups<'a>(
    model: &'a Model,
    result: &'a RunResult,
) -> Vec<(&'static str, &'a str, &'static [KpiDef], &'a [Stat])> {
    let s = &result.summary;
    let mut g: Vec<(&'static str, &'a str, &'static [KpiDef], &'a [Stat])> = Vec::new();
    for (c, st) in model.channels.iter().zip(&s.channel_kpis) {
        g.push(("channel", c.name.as_str(), CHANNEL_KPIS, st));
    }
    for (t, st) in model.topics.iter().zip(&s.topic_kpis) {
        g.push(("topic", t.as_str(), TOPIC_KPIS, st));
    }
    for (a, st) in model.actions.iter().zip(&s.action_kpis) {
        g.push(("action", a.id.as_str(), ACTION_KPIS, st));
    }
    g.push(("total", "all pools", TOTAL_KPIS, &s.total_kpis));
    for (p, st) in model.pools.iter().zip(&s.pool_kpis) {
        g.push(("pool", p.name.as_str(), POOL_KPIS, st));
    }
    g
}

/// Summary: the headline KPIs of the terminal table and the report, per
/// channel, pool and in total, with the target and the share of
/// replications that met it.
fn summary_sheet(model: &Model, result: &RunResult, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut header = stats_header(&["label"]);
    header.extend(["target".to_string(), "target_met_share".to_string()]);
    let mut sh = Sheet::new("Summary", &header, f)?;
    let target_col = header.len() as u16 - 2;
    for (c, ch) in model.channels.iter().enumerate() {
        for (key, label, _) in headline::channel_rows(model, result, c) {
            let (Some(k), Some(s)) = (
                index_of(CHANNEL_KPIS, key),
                headline::channel_stat(result, c, key),
            ) else {
                continue;
            };
            stats_row(
                &mut sh,
                f,
                ("channel", &ch.name, &CHANNEL_KPIS[k]),
                &[&label],
                s,
            )?;
            if key == "service_level" {
                sh.num(target_col, ch.sl_target, &f.share)?;
                sh.num(target_col + 1, headline::met_share(result, c), &f.share)?;
            }
            sh.next();
        }
    }
    for (p, pool) in model.pools.iter().enumerate() {
        for (key, label, _) in headline::pool_rows(model) {
            let (Some(k), Some(s)) = (
                index_of(POOL_KPIS, key),
                headline::pool_stat(result, p, key),
            ) else {
                continue;
            };
            stats_row(
                &mut sh,
                f,
                ("pool", &pool.name, &POOL_KPIS[k]),
                &[&label],
                s,
            )?;
            sh.next();
        }
    }
    for (d, s) in TOTAL_KPIS.iter().zip(&result.summary.total_kpis) {
        stats_row(&mut sh, f, ("total", "all pools", d), &[d.doc], s)?;
        sh.next();
    }
    let mut ws = sh.finish()?;
    // The definitions in words can be long: a readable width.
    ws.set_column_width(3, 60)?;
    Ok(ws)
}

/// KPIs: every row of summary.csv, with the definition.
fn kpis_sheet(model: &Model, result: &RunResult, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut header = stats_header(&[]);
    header.push("definition".into());
    let mut sh = Sheet::new("KPIs", &header, f)?;
    for (scope, name, defs, stats) in kpi_groups(model, result) {
        for (d, s) in defs.iter().zip(stats) {
            let c = stats_row(&mut sh, f, (scope, name, d), &[], s)?;
            sh.text(c, d.doc)?;
            sh.next();
        }
    }
    let mut ws = sh.finish()?;
    ws.set_column_width(header.len() as u16 - 1, 80)?;
    Ok(ws)
}

/// Costs: the pools' hours and costs, the channels' capacity costs and the
/// totals.
fn costs_sheet(model: &Model, result: &RunResult, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut sh = Sheet::new("Costs", &stats_header(&[]), f)?;
    let money = |d: &KpiDef| matches!(d.unit, "currency" | "hours");
    for (scope, name, defs, stats) in kpi_groups(model, result) {
        if !matches!(scope, "pool" | "total" | "channel") {
            continue;
        }
        for (d, s) in defs.iter().zip(stats) {
            if money(d) {
                stats_row(&mut sh, f, (scope, name, d), &[], s)?;
                sh.next();
            }
        }
    }
    sh.finish()
}

/// A channel's or a pool's metrics within the series layout of
/// [`crate::kpi::RepRecord::series`]: (offset, definitions).
fn metrics_of(model: &Model, scope: Scope) -> (usize, &'static [KpiDef]) {
    let nm = INTERVAL_METRICS.len();
    match scope {
        Scope::Channel(c) => (c * nm, INTERVAL_METRICS),
        Scope::Pool(p) => (
            model.channels.len() * nm + p * POOL_INTERVAL_METRICS.len(),
            POOL_INTERVAL_METRICS,
        ),
    }
}

/// A channel or a pool.
#[derive(Clone, Copy)]
enum Scope {
    Channel(usize),
    Pool(usize),
}

/// The statistics written per metric in the day and week sheets.
const SERIES_STATS: [&str; 3] = ["mean", "p5", "p95"];

/// The column of `stat` of metric `key` in a day or week sheet whose
/// metrics start at column `first`.
fn series_col(defs: &[KpiDef], first: u16, key: &str, stat: &str) -> Option<u16> {
    let k = index_of(defs, key)?;
    let s = SERIES_STATS.iter().position(|&x| x == stat)?;
    Some(first + (k * SERIES_STATS.len() + s) as u16)
}

/// Writes a row's metrics (mean, P5, P95 each) from column `first`.
fn series_cells(
    sh: &mut Sheet,
    f: &Formats,
    first: u16,
    defs: &[KpiDef],
    stats: &[Stat],
) -> Result<(), XlsxError> {
    for (k, (d, s)) in defs.iter().zip(stats).enumerate() {
        let fmt = f.of(d.unit, d.key);
        let at = first + (k * SERIES_STATS.len()) as u16;
        sh.num(at, s.mean, fmt)?;
        sh.num(at + 1, s.p5, fmt)?;
        sh.num(at + 2, s.p95, fmt)?;
    }
    Ok(())
}

fn series_header(leading: &[&str], defs: &[KpiDef]) -> Vec<String> {
    let mut h: Vec<String> = leading.iter().map(|s| s.to_string()).collect();
    for d in defs {
        for s in SERIES_STATS {
            h.push(format!("{}_{s}", d.key));
        }
    }
    h
}

/// Days: one row per day (date, weekday, each metric's mean, P5 and P95
/// across replications), as days.csv; empty when the reporting interval is
/// longer than a day.
fn days_sheet(
    model: &Model,
    result: &RunResult,
    f: &Formats,
    name: &str,
    scope: Scope,
) -> Result<Worksheet, XlsxError> {
    let (at, defs) = metrics_of(model, scope);
    let mut sh = Sheet::new(name, &series_header(&["date", "weekday"], defs), f)?;
    let width = series_width(model);
    if !result.summary.days.is_empty() {
        for day in 0..model.days as usize {
            let date = model.datetime_at(day as f64 * DAY_S).date();
            sh.num(0, excel_day(date), &f.date)?;
            sh.text(1, &format!("{:?}", date.weekday()))?;
            let row = &result.summary.days[day * width..(day + 1) * width];
            series_cells(&mut sh, f, 2, defs, &row[at..at + defs.len()])?;
            sh.next();
        }
    }
    sh.finish()
}

/// Weeks: one row per week of 7 days from the start (the last may be
/// shorter), as weeks.csv.
fn weeks_sheet(
    model: &Model,
    result: &RunResult,
    f: &Formats,
    name: &str,
    scope: Scope,
) -> Result<Worksheet, XlsxError> {
    let (at, defs) = metrics_of(model, scope);
    let header = series_header(&["week_start", "week_end", "days"], defs);
    let mut sh = Sheet::new(name, &header, f)?;
    let width = series_width(model);
    if !result.summary.weeks.is_empty() {
        for (week, stats) in result.summary.weeks.chunks_exact(width).enumerate() {
            let first = week * 7;
            let last = (first + 6).min(model.days as usize - 1);
            let date = |d: usize| model.datetime_at(d as f64 * DAY_S).date();
            sh.num(0, excel_day(date(first)), &f.date)?;
            sh.num(1, excel_day(date(last)), &f.date)?;
            sh.num(2, (last + 1 - first) as f64, &f.integer)?;
            series_cells(&mut sh, f, 3, defs, &stats[at..at + defs.len()])?;
            sh.next();
        }
    }
    sh.finish()
}

/// The rows of an Excel sheet.
const EXCEL_ROWS: u32 = 1_048_576;

/// Actions: one row per decision in each replication, as actions.csv (up
/// to the rows a sheet holds, then a note).
fn actions_sheet(model: &Model, result: &RunResult, f: &Formats) -> Result<Worksheet, XlsxError> {
    let header = [
        "replication",
        "action",
        "event",
        "decided_at",
        "effective_at",
        "decision_day",
        "trigger_value",
        "effect",
    ]
    .map(String::from);
    let mut sh = Sheet::new("Actions", &header, f)?;
    'records: for r in &result.records {
        for fi in &r.firings {
            if sh.row + 1 >= EXCEL_ROWS {
                sh.text(1, "more decisions than a sheet holds: see actions.csv")?;
                sh.next();
                break 'records;
            }
            let a = &model.actions[fi.action];
            sh.num(0, r.replication as f64, &f.integer)?;
            sh.text(1, &a.id)?;
            sh.text(2, if fi.release { "released" } else { "decided" })?;
            sh.num(3, excel_at(model, fi.decided_s), &f.datetime)?;
            sh.num(4, excel_at(model, fi.effect_s), &f.datetime)?;
            sh.num(5, (fi.decided_s / DAY_S).floor(), &f.integer)?;
            sh.num(6, fi.value, &f.number)?;
            sh.text(7, &a.describe(model))?;
            sh.next();
        }
    }
    sh.finish()
}

/// Scenario: the run's settings and the scenario's sources.
fn scenario_sheet(model: &Model, result: &RunResult, f: &Formats) -> Result<Worksheet, XlsxError> {
    let mut sh = Sheet::new("Scenario", &["setting".into(), "value".into()], f)?;
    let text = |sh: &mut Sheet, k: &str, v: &str| -> Result<(), XlsxError> {
        sh.text(0, k)?;
        sh.text(1, v)?;
        sh.next();
        Ok(())
    };
    let number = |sh: &mut Sheet, k: &str, v: f64, fmt: &Format| -> Result<(), XlsxError> {
        sh.text(0, k)?;
        sh.num(1, v, fmt)?;
        sh.next();
        Ok(())
    };
    text(&mut sh, "scenario", &model.name)?;
    text(&mut sh, "description", &model.description)?;
    number(&mut sh, "start", excel_day(model.start), &f.date)?;
    number(&mut sh, "days", f64::from(model.days), &f.integer)?;
    number(&mut sh, "interval_s", model.interval_s, &f.seconds)?;
    number(&mut sh, "warmup_s", model.warmup_s, &f.seconds)?;
    // A seed beyond 2^53 is not exact as a number: text then.
    if model.seed < (1 << 53) {
        number(&mut sh, "seed", model.seed as f64, &f.integer)?;
    } else {
        text(&mut sh, "seed", &model.seed.to_string())?;
    }
    number(
        &mut sh,
        "replications",
        f64::from(model.replications),
        &f.count,
    )?;
    text(&mut sh, "currency", &model.currency)?;
    text(&mut sh, "scenario_hash", &model.scenario_hash)?;
    text(&mut sh, "surgesim_version", env!("CARGO_PKG_VERSION"))?;
    number(
        &mut sh,
        "events_simulated",
        result.summary.events as f64,
        &f.count,
    )?;
    text(
        &mut sh,
        "durations",
        "seconds (columns and KPIs ending in _s), shares as percentages",
    )?;
    for s in &model.sources {
        text(&mut sh, "source", s)?;
    }
    for w in &model.warnings {
        text(&mut sh, "warning", w)?;
    }
    let mut ws = sh.finish()?;
    ws.set_column_width(1, 80)?;
    Ok(ws)
}

/// A line chart of a metric's daily mean with its P5–P95 band, from a day
/// sheet of `days` rows. The band is the chart's up-down bars between its
/// first series (P5) and its last (P95), edged by them as dashed lines:
/// unlike a stacked area, it leaves days without a value (a closed
/// weekend) empty instead of dropping to zero.
fn band_chart(
    sheet: &str,
    days: u32,
    col_of: impl Fn(&str) -> Option<u16>,
    title: &str,
    y: (&str, &str),
) -> Option<Chart> {
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name(title);
    for stat in ["p5", "mean", "p95"] {
        let col = col_of(stat)?;
        let s = chart.add_series();
        s.set_name((sheet, 0, col))
            .set_categories((sheet, 1, 0, days, 0))
            .set_values((sheet, 1, col, days, col));
        if stat == "mean" {
            s.set_format(ChartFormat::new().set_line(ChartLine::new().set_width(2.0)));
        } else {
            // Thin dashed edges: the band for readers that draw no up-down
            // bars on a line chart (LibreOffice).
            s.set_format(
                ChartFormat::new().set_line(
                    ChartLine::new()
                        .set_width(0.75)
                        .set_color("#5B9BD5")
                        .set_dash_type(ChartLineDashType::Dash),
                ),
            );
        }
    }
    chart.set_up_down_bars(true).set_up_bar_format(
        ChartFormat::new().set_no_line().set_solid_fill(
            ChartSolidFill::new()
                .set_color("#9DC3E6")
                .set_transparency(30),
        ),
    );
    chart.x_axis().set_name("day").set_num_format("dd mmm");
    chart.y_axis().set_name(y.0).set_num_format(y.1);
    chart.set_width(720).set_height(330);
    Some(chart)
}

/// Charts: per public channel the daily service level and backlog (mean
/// with its P5–P95 band), per pool the staff on duty by origin, stacked. Each
/// series points at a day sheet's cells.
fn charts_sheet(
    model: &Model,
    result: &RunResult,
    day_sheets: &[(Scope, String)],
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("Charts")?;
    let days = model.days;
    let mut charts: Vec<Chart> = Vec::new();
    if !result.summary.days.is_empty() && days > 0 {
        for (scope, sheet) in day_sheets {
            match *scope {
                Scope::Channel(c) => {
                    let ch = &model.channels[c];
                    if ch.internal {
                        continue;
                    }
                    let col = |key: &'static str| {
                        move |stat: &str| series_col(INTERVAL_METRICS, 2, key, stat)
                    };
                    charts.extend(band_chart(
                        sheet,
                        days,
                        col("service_level"),
                        &format!(
                            "{}: service level per day (mean and P5–P95 band; target {:.0} %)",
                            ch.name,
                            100.0 * ch.sl_target
                        ),
                        ("answered within threshold", "0%"),
                    ));
                    charts.extend(band_chart(
                        sheet,
                        days,
                        col("backlog_end_contacts"),
                        &format!(
                            "{}: backlog at the end of each day (mean and P5–P95 band)",
                            ch.name
                        ),
                        ("contacts waiting", "#,##0"),
                    ));
                }
                Scope::Pool(p) => {
                    let mut chart = Chart::new(ChartType::AreaStacked);
                    chart.title().set_name(&format!(
                        "{}: staff on duty by origin (daily mean)",
                        model.pools[p].name
                    ));
                    for key in [
                        "pool_own_on_duty_agents",
                        "pool_redeployed_on_duty_agents",
                        "pool_hired_on_duty_agents",
                        "pool_hired_training_agents",
                    ] {
                        let Some(col) = series_col(POOL_INTERVAL_METRICS, 2, key, "mean") else {
                            continue;
                        };
                        chart
                            .add_series()
                            .set_name((sheet.as_str(), 0, col))
                            .set_categories((sheet.as_str(), 1, 0, days, 0))
                            .set_values((sheet.as_str(), 1, col, days, col));
                    }
                    chart.x_axis().set_name("day").set_num_format("dd mmm");
                    chart.y_axis().set_name("agents").set_num_format("0.0");
                    chart.set_width(720).set_height(330);
                    charts.push(chart);
                }
            }
        }
    }
    if charts.is_empty() {
        ws.write_string(0, 0, "No daily statistics: no charts.")?;
    }
    // Two charts a row, 18 rows apart.
    for (i, chart) in charts.iter().enumerate() {
        let row = (i / 2) as u32 * 18;
        let col = (i % 2) as u16 * 12;
        ws.insert_chart(row, col, chart)?;
    }
    Ok(ws)
}

/// The bytes of `results.xlsx`.
pub fn results(model: &Model, result: &RunResult) -> Result<Vec<u8>, std::io::Error> {
    build(model, result).map_err(xlsx_err)
}

fn build(model: &Model, result: &RunResult) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new(&model.currency);
    let mut used: Vec<String> = ["Summary", "KPIs", "Charts", "Actions", "Costs", "Scenario"]
        .map(String::from)
        .to_vec();
    let scopes: Vec<(Scope, &str, &str)> = model
        .channels
        .iter()
        .enumerate()
        .map(|(c, ch)| (Scope::Channel(c), "", ch.name.as_str()))
        .chain(
            model
                .pools
                .iter()
                .enumerate()
                .map(|(p, pool)| (Scope::Pool(p), "pool ", pool.name.as_str())),
        )
        .collect();
    let day_sheets: Vec<(Scope, String)> = scopes
        .iter()
        .map(|&(s, kind, name)| (s, sheet_name(&format!("Days {kind}{name}"), &mut used)))
        .collect();
    let week_sheets: Vec<(Scope, String)> = scopes
        .iter()
        .map(|&(s, kind, name)| (s, sheet_name(&format!("Weeks {kind}{name}"), &mut used)))
        .collect();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(
        model,
        &format!("surgesim results: {}", model.name),
    ));
    wb.push_worksheet(summary_sheet(model, result, &f)?);
    wb.push_worksheet(charts_sheet(model, result, &day_sheets)?);
    for (scope, name) in &day_sheets {
        wb.push_worksheet(days_sheet(model, result, &f, name, *scope)?);
    }
    for (scope, name) in &week_sheets {
        wb.push_worksheet(weeks_sheet(model, result, &f, name, *scope)?);
    }
    wb.push_worksheet(costs_sheet(model, result, &f)?);
    wb.push_worksheet(actions_sheet(model, result, &f)?);
    wb.push_worksheet(kpis_sheet(model, result, &f)?);
    wb.push_worksheet(scenario_sheet(model, result, &f)?);
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_days_count_from_1899_12_30() {
        let d = |y, m, dd| excel_day(jiff::civil::date(y, m, dd));
        assert_eq!(d(1970, 1, 1), 25_569.0);
        assert_eq!(d(2022, 3, 7), 44_627.0);
        assert_eq!(d(2000, 2, 29), 36_585.0);
        assert_eq!(d(1900, 3, 1), 61.0);
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = vec!["Summary".to_string()];
        assert_eq!(sheet_name("summary", &mut used), "summary (2)");
        assert_eq!(sheet_name("Days a/b:c", &mut used), "Days a_b_c");
        let long = "Days a very long channel name indeed, really";
        let first = sheet_name(long, &mut used);
        let second = sheet_name(long, &mut used);
        assert_eq!(first.chars().count(), 31);
        assert!(second.chars().count() <= 31 && second.ends_with(" (2)"));
        assert_ne!(first, second);
    }
}
