//! `surgesim erlang`: exact Erlang B / C / A values for one queue, and the
//! same queue simulated by the engine for comparison.

use std::io::Write;

use serde_json::{Map, Value, json};

use crate::analytic::{self, Exact, Queue};
use crate::cli::ErlangArgs;
use crate::kpi::{CHANNEL_KPIS, POOL_KPIS, index_of};
use crate::model::compile;
use crate::runner::{RunOptions, run};
use crate::scenario::{SingleQueue, SourceMap};
use crate::stats::Stat;
use crate::units::{Duration, Rate};

use super::{CommandError, stdout_err};

/// The KPIs compared, with how they are read from the exact values.
const KEYS: &[(&str, &str)] = &[
    ("p_block", "blocked ÷ offered"),
    ("p_wait", "not answered at once ÷ offered"),
    ("p_abandon", "abandoned ÷ offered"),
    ("asa_s", "mean wait of answered calls, s"),
    ("service_level", "answered within threshold ÷ offered"),
    ("occupancy", "busy agents ÷ agents"),
];

fn exact_value(e: &Exact, key: &str) -> f64 {
    match key {
        "p_block" => e.p_block,
        "p_wait" => e.p_wait,
        "p_abandon" => e.p_abandon,
        "asa_s" => e.asa_s,
        "service_level" => e.service_level,
        "occupancy" => e.occupancy,
        _ => f64::NAN,
    }
}

fn duration(flag: &str, text: &str) -> Result<Duration, CommandError> {
    Duration::parse(text).map_err(|e| CommandError::usage(flag, e))
}

fn finite(x: f64) -> Value {
    crate::report::json_num(x)
}

/// Runs the command, printing to `out`.
pub fn erlang(args: &ErlangArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let arrivals = match (&args.arrivals, &args.volumes) {
        (Some(_), Some(_)) => {
            return Err(CommandError::usage(
                "--arrivals",
                "--volumes gives the arrivals per interval: leave --arrivals out",
            ));
        }
        (Some(a), None) => {
            let r = Rate::parse(a).map_err(|e| CommandError::usage("--arrivals", e))?;
            if r.as_per_sec() <= 0.0 {
                return Err(CommandError::usage("--arrivals", "must be more than 0"));
            }
            r
        }
        // Replaced per interval.
        _ => Rate::parse("1/h").map_err(|e| CommandError::usage("--arrivals", e))?,
    };
    for (flag, v) in [
        ("--shrinkage", args.shrinkage),
        ("--occupancy-cap", args.occupancy_cap),
    ] {
        if let Some(x) = v
            && !(x > 0.0 && x < 1.0 || (flag == "--occupancy-cap" && x == 1.0))
        {
            return Err(CommandError::usage(
                flag,
                format!("must be a share above 0 and below 1 (got {x})"),
            ));
        }
    }
    let aht = duration("--aht", &args.aht)?;
    if aht.secs() <= 0.0 {
        return Err(CommandError::usage("--aht", "must be longer than 0"));
    }
    let patience = match &args.patience {
        Some(p) => {
            let d = duration("--patience", p)?;
            if d.secs() <= 0.0 {
                return Err(CommandError::usage(
                    "--patience",
                    "must be longer than 0 (leave it out for no abandonment)",
                ));
            }
            Some(d)
        }
        None => None,
    };
    let answer_within = duration("--answer-within", &args.answer_within)?;
    if args.lines == Some(0) {
        return Err(CommandError::usage(
            "--lines",
            "must be at least 1 (leave it out for unlimited)",
        ));
    }
    let mut queue = Queue {
        arrival_rate: arrivals.as_per_sec(),
        service_rate: 1.0 / aht.secs(),
        agents: args.agents.unwrap_or(1),
        lines: args.lines,
        abandon_rate: patience.map_or(0.0, |p| 1.0 / p.secs()),
    };
    if args.agents == Some(0) {
        return Err(CommandError::usage("--agents", "must be at least 1"));
    }

    let goal = match &args.agents_for {
        Some(text) => Some(Goal::parse(text).map_err(|m| CommandError::usage("--agents-for", m))?),
        None => None,
    };
    if let Some(path) = &args.volumes {
        let goal = goal.unwrap_or(Goal::ServiceLevel(0.8));
        let text = volumes(path, &queue, answer_within.secs(), goal, args)?;
        return out.write_all(text.as_bytes()).map_err(stdout_err);
    }
    if let Some(range) = &args.table {
        let text = table(range, &queue, answer_within.secs(), args)?;
        return out.write_all(text.as_bytes()).map_err(stdout_err);
    }
    if let Some(goal) = goal {
        let n =
            fewest(&queue, answer_within.secs(), goal, args.occupancy_cap)?.ok_or_else(|| {
                CommandError::Failed(format!(
                    "no number of agents up to {MAX_AGENTS} reaches {}",
                    goal.describe(answer_within)
                ))
            })?;
        queue.agents = n;
        let exact = analytic::evaluate(&queue, answer_within.secs())
            .map_err(|e| CommandError::Failed(e.to_string()))?;
        let fte = args.shrinkage.map(|s| f64::from(n) / (1.0 - s));
        let text = if args.json {
            let mut s = serde_json::to_string_pretty(&json!({
                "agents": n,
                "target": {"metric": goal.key(), "value": goal.value()},
                "answer_within_s": answer_within.secs(),
                "occupancy_cap": args.occupancy_cap,
                "shrinkage": args.shrinkage,
                "fte": fte.map(finite),
                "offered_load_erlangs": finite(exact.offered_load_erlangs),
                "service_level": finite(exact.service_level),
                "asa_s": finite(exact.asa_s),
                "p_wait": finite(exact.p_wait),
                "p_abandon": finite(exact.p_abandon),
                "occupancy": finite(exact.occupancy),
            }))
            .map_err(|e| CommandError::Failed(e.to_string()))?;
            s.push('\n');
            s
        } else {
            format!(
                "{n} agents{} for {}{}: service level {:.2} % (answered within {answer_within} ÷ offered), ASA {}, P(wait) {:.2} %, abandonment {:.2} %, occupancy {:.2} %; offered load {} Erlangs\n",
                fte.map_or(String::new(), |f| format!(
                    " ({} FTE at {:.0} % shrinkage)",
                    round_display(f),
                    100.0 * args.shrinkage.unwrap_or(0.0)
                )),
                goal.describe(answer_within),
                args.occupancy_cap.map_or(String::new(), |c| format!(
                    " and occupancy at most {:.0} %",
                    100.0 * c
                )),
                100.0 * exact.service_level,
                seconds(exact.asa_s),
                100.0 * exact.p_wait,
                100.0 * exact.p_abandon,
                100.0 * exact.occupancy,
                round_display(exact.offered_load_erlangs),
            )
        };
        return out.write_all(text.as_bytes()).map_err(stdout_err);
    }

    let exact = analytic::evaluate(&queue, answer_within.secs())
        .map_err(|e| CommandError::usage("--agents", e.to_string()))?;

    let simulated = if args.simulate {
        if args.days == 0 || args.replications < 2 {
            return Err(CommandError::usage(
                "--days/--replications",
                "need at least 1 day and 2 replications",
            ));
        }
        let warmup = duration("--warmup", &args.warmup)?;
        let sq = SingleQueue {
            arrivals,
            aht,
            patience,
            agents: queue.agents,
            lines: args.lines,
            answer_within,
        };
        let scenario = sq.scenario(args.days, warmup, args.replications, args.seed);
        let model = compile(
            &scenario,
            &SourceMap::empty(),
            "erlang",
            std::path::Path::new("."),
        )?;
        let threads = super::limits::threads(args.threads, u64::from(args.replications))?;
        super::limits::check_memory(
            &[super::limits::Planned {
                model: &model,
                replications: u64::from(args.replications),
            }],
            super::limits::workers(threads),
            true,
            super::limits::memory_limit(None)?,
            "--replications",
        )?;
        let result = run(
            &model,
            RunOptions {
                threads,
                progress: false,
                ..RunOptions::default()
            },
        )
        .map_err(|e| CommandError::Failed(e.to_string()))?;
        let ch = &result.summary.channel_kpis[0];
        let pool = &result.summary.pool_kpis[0];
        let get = |key: &str| -> Stat {
            let ck = match key {
                "service_level" => "service_level_offered",
                k => k,
            };
            if key == "occupancy" {
                index_of(POOL_KPIS, "occupancy").map(|i| pool[i])
            } else {
                index_of(CHANNEL_KPIS, ck).map(|i| ch[i])
            }
            .unwrap_or(Stat::of(&[]))
        };
        Some(KEYS.iter().map(|(k, _)| (*k, get(k))).collect::<Vec<_>>())
    } else {
        None
    };

    let text = if args.json {
        let mut ex = Map::new();
        ex.insert(
            "offered_load_erlangs".into(),
            finite(exact.offered_load_erlangs),
        );
        for (k, _) in KEYS {
            ex.insert(k.to_string(), finite(exact_value(&exact, k)));
        }
        ex.insert("p_answered".into(), finite(exact.p_answered));
        ex.insert(
            "service_level_handled".into(),
            finite(exact.service_level_handled),
        );
        ex.insert(
            "service_level_answered".into(),
            finite(exact.service_level_answered),
        );
        ex.insert("mean_queue".into(), finite(exact.mean_queue));
        let mut doc = Map::new();
        doc.insert("exact".into(), Value::Object(ex));
        if let Some(sim) = &simulated {
            let mut sm = Map::new();
            for (k, s) in sim {
                sm.insert(
                    k.to_string(),
                    json!({"mean": finite(s.mean), "ci95": finite(s.ci95)}),
                );
            }
            doc.insert("simulated".into(), Value::Object(sm));
        }
        let mut s = serde_json::to_string_pretty(&Value::Object(doc))
            .map_err(|e| CommandError::Failed(e.to_string()))?;
        s.push('\n');
        s
    } else {
        let mut s = format!(
            "M/M/{}{}{}: arrivals {}, mean handle {}, offered load {} Erlangs{}\n",
            queue.agents,
            args.lines.map(|k| format!("/{k}")).unwrap_or_default(),
            if patience.is_some() { "+M" } else { "" },
            arrivals,
            aht,
            round_display(exact.offered_load_erlangs),
            patience
                .map(|p| format!(", mean patience {p}"))
                .unwrap_or_default(),
        );
        s.push_str(&format!("service level threshold: {answer_within}\n\n"));
        s.push_str(&format!("{:<16} {:>12}", "KPI", "exact"));
        if simulated.is_some() {
            s.push_str(&format!(
                " {:>12} {:>10} {:>6}",
                "simulated", "± 95 %", "agree"
            ));
        }
        s.push_str("  definition\n");
        for (i, (k, doc)) in KEYS.iter().enumerate() {
            let e = exact_value(&exact, k);
            s.push_str(&format!("{k:<16} {e:>12.6}"));
            if let Some(sim) = &simulated {
                let st = &sim[i].1;
                let agree = if st.covers(e) { "yes" } else { "no" };
                s.push_str(&format!(" {:>12.6} {:>10.6} {agree:>6}", st.mean, st.ci95));
            }
            s.push_str(&format!("  {doc}\n"));
        }
        if simulated.is_some() {
            s.push_str(&format!(
                "\nsimulated: {} replications of {} days after a {} warm-up, seed {}; \
                 \"agree\" = the exact value lies within the 95 % interval (expect about 1 in 20 to miss by chance)\n",
                args.replications, args.days, args.warmup, args.seed
            ));
        }
        s
    };
    out.write_all(text.as_bytes()).map_err(stdout_err)
}

/// Most agents the searches try.
const MAX_AGENTS: u32 = 100_000;

/// A figure shown to people: at most two decimals, trailing zeros dropped
/// (`15`, not `14.999999999999998`; `6.25`).
fn round_display(x: f64) -> String {
    crate::units::trim_float((x * 100.0).round() / 100.0)
}

/// Seconds shown as `12.3 s`.
fn seconds(x: f64) -> String {
    if x.is_finite() {
        format!("{} s", round_display(x))
    } else {
        "n/a".into()
    }
}

/// What `--agents-for` asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Goal {
    ServiceLevel(f64),
    Asa(f64),
    PWait(f64),
    Abandon(f64),
}

impl Goal {
    fn parse(text: &str) -> Result<Goal, String> {
        let valid = "a share (0.8), service_level=0.8, asa=20s, p_wait=0.2 or abandon=0.05";
        let (key, value) = text.split_once('=').unwrap_or(("service_level", text));
        let (key, value) = (key.trim(), value.trim());
        if !matches!(key, "asa" | "service_level" | "sl" | "p_wait" | "abandon") {
            return Err(format!("unknown target `{key}`; give {valid}"));
        }
        if key == "asa" {
            let d = Duration::parse(value).map_err(|e| format!("{e}; give {valid}"))?;
            if d.secs() <= 0.0 {
                return Err("the ASA target must be longer than 0".into());
            }
            return Ok(Goal::Asa(d.secs()));
        }
        let v = crate::staffing::parse_share(value, valid)?;
        match key {
            "service_level" | "sl" => Ok(Goal::ServiceLevel(v)),
            "p_wait" => Ok(Goal::PWait(v)),
            "abandon" => Ok(Goal::Abandon(v)),
            other => Err(format!("unknown target `{other}`; give {valid}")),
        }
    }

    fn key(&self) -> &'static str {
        match self {
            Goal::ServiceLevel(_) => "service_level",
            Goal::Asa(_) => "asa_s",
            Goal::PWait(_) => "p_wait",
            Goal::Abandon(_) => "p_abandon",
        }
    }

    fn value(&self) -> f64 {
        match self {
            Goal::ServiceLevel(v) | Goal::Asa(v) | Goal::PWait(v) | Goal::Abandon(v) => *v,
        }
    }

    fn met(&self, e: &Exact) -> bool {
        match self {
            Goal::ServiceLevel(v) => e.service_level >= *v,
            Goal::Asa(v) => e.asa_s <= *v,
            Goal::PWait(v) => e.p_wait <= *v,
            Goal::Abandon(v) => e.p_abandon <= *v,
        }
    }

    fn describe(&self, within: Duration) -> String {
        match self {
            Goal::ServiceLevel(v) => {
                format!("a service level of {:.0} % within {within}", 100.0 * v)
            }
            Goal::Asa(v) => format!("an ASA of at most {}", seconds(*v)),
            Goal::PWait(v) => format!("a probability of waiting of at most {:.0} %", 100.0 * v),
            Goal::Abandon(v) => format!("abandonment of at most {:.0} %", 100.0 * v),
        }
    }
}

/// The fewest agents meeting `goal` (and the occupancy cap), every metric
/// improving with more agents: doubling, then bisection. `None` when even
/// [`MAX_AGENTS`] do not.
fn fewest(
    q: &Queue,
    within_s: f64,
    goal: Goal,
    cap: Option<f64>,
) -> Result<Option<u32>, CommandError> {
    if let Goal::ServiceLevel(target) = goal
        && cap.is_none()
    {
        return analytic::agents_for_service_level(q, within_s, target, MAX_AGENTS)
            .map_err(|e| CommandError::usage("--agents-for", e.to_string()));
    }
    let meets = |agents: u32| -> bool {
        match analytic::evaluate(&Queue { agents, ..*q }, within_s) {
            Ok(e) => goal.met(&e) && cap.is_none_or(|c| e.occupancy <= c),
            Err(_) => false,
        }
    };
    let mut lo = 0u32;
    let mut hi = (q.offered_load_erlangs().ceil() as u32).clamp(1, MAX_AGENTS);
    while !meets(hi) {
        if hi >= MAX_AGENTS {
            return Ok(None);
        }
        lo = hi;
        hi = hi.saturating_mul(2).min(MAX_AGENTS);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if mid >= 1 && meets(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Some(hi))
}

/// `--table FROM-TO`: every KPI per number of agents.
fn table(range: &str, q: &Queue, within_s: f64, args: &ErlangArgs) -> Result<String, CommandError> {
    let bad = || CommandError::usage("--table", format!("`{range}` is not FROM-TO, e.g. 10-20"));
    let (a, b) = range.split_once('-').ok_or_else(bad)?;
    let (from, to): (u32, u32) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if from == 0 || to < from || to - from > 10_000 {
        return Err(CommandError::usage(
            "--table",
            format!("needs 1 <= FROM <= TO and at most 10001 rows (got {range})"),
        ));
    }
    let rows: Vec<(u32, Option<Exact>)> = (from..=to)
        .map(|n| {
            (
                n,
                analytic::evaluate(&Queue { agents: n, ..*q }, within_s).ok(),
            )
        })
        .collect();
    let fte = |n: u32| args.shrinkage.map(|s| f64::from(n) / (1.0 - s));
    if args.json {
        let v: Vec<Value> = rows
            .iter()
            .map(|(n, e)| {
                let mut m = Map::new();
                m.insert("agents".into(), json!(n));
                if let Some(f) = fte(*n) {
                    m.insert("fte".into(), finite(f));
                }
                for (k, _) in KEYS {
                    m.insert(
                        k.to_string(),
                        e.as_ref()
                            .map_or(Value::Null, |e| finite(exact_value(e, k))),
                    );
                }
                Value::Object(m)
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&json!({
            "offered_load_erlangs": finite(q.offered_load_erlangs()),
            "answer_within_s": within_s,
            "rows": v,
        }))
        .map_err(|e| CommandError::Failed(e.to_string()))?;
        s.push('\n');
        return Ok(s);
    }
    let mut s = format!(
        "offered load {} Erlangs; service level = answered within {} ÷ offered; unstable rows (Erlang C at or above the load) are left empty\n",
        round_display(q.offered_load_erlangs()),
        Duration::from_secs(within_s)
    );
    s.push_str(&format!("{:>7}", "agents"));
    if args.shrinkage.is_some() {
        s.push_str(&format!(" {:>8}", "FTE"));
    }
    for h in [
        "P(block)",
        "P(wait)",
        "abandon",
        "ASA (s)",
        "serv. lvl",
        "occupancy",
    ] {
        s.push_str(&format!(" {h:>10}"));
    }
    s.push('\n');
    for (n, e) in &rows {
        s.push_str(&format!("{n:>7}"));
        if let Some(f) = fte(*n) {
            s.push_str(&format!(" {:>8}", round_display(f)));
        }
        match e {
            Some(e) => {
                for (i, (k, _)) in KEYS.iter().enumerate() {
                    let v = exact_value(e, k);
                    if i == 3 {
                        s.push_str(&format!(
                            " {:>10}",
                            if v.is_finite() {
                                format!("{v:.1}")
                            } else {
                                "n/a".into()
                            }
                        ));
                    } else {
                        s.push_str(&format!(" {:>9.2}%", 100.0 * v));
                    }
                }
            }
            None => s.push_str(&format!(" {:>10}", "unstable")),
        }
        s.push('\n');
    }
    Ok(s)
}

/// `--volumes FILE`: contacts per interval in, agents per interval out.
fn volumes(
    path: &std::path::Path,
    q: &Queue,
    within_s: f64,
    goal: Goal,
    args: &ErlangArgs,
) -> Result<String, CommandError> {
    let origin = jiff::civil::date(2000, 1, 3);
    let t = crate::model::table::read_arrivals(path, origin).map_err(|(m, h)| {
        CommandError::usage(
            "--volumes",
            match h {
                Some(h) => format!("{m} ({h})"),
                None => m,
            },
        )
    })?;
    let start_of = |i: usize| {
        let secs = (t.first_s + t.step_s * i as f64).round() as i64;
        origin
            .to_datetime(jiff::civil::Time::midnight())
            .checked_add(jiff::Span::new().seconds(secs))
            .map(|d| d.strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "start",
        "contacts",
        "load_erlangs",
        "agents",
        "fte",
        "service_level",
        "asa_s",
        "p_wait",
        "p_abandon",
        "occupancy",
    ];
    w.write_record(header)
        .map_err(|e| CommandError::Failed(e.to_string()))?;
    let mut json_rows = Vec::new();
    for (i, &n) in t.counts.iter().enumerate() {
        let lambda = n / t.step_s;
        let (agents, e) = if lambda > 0.0 {
            let qi = Queue {
                arrival_rate: lambda,
                ..*q
            };
            let a = fewest(&qi, within_s, goal, args.occupancy_cap)?.ok_or_else(|| {
                CommandError::Failed(format!(
                    "{}: no number of agents up to {MAX_AGENTS} reaches {}",
                    start_of(i),
                    goal.describe(Duration::from_secs(within_s))
                ))
            })?;
            (
                a,
                analytic::evaluate(&Queue { agents: a, ..qi }, within_s).ok(),
            )
        } else {
            (0, None)
        };
        let fte = args
            .shrinkage
            .map_or(f64::from(agents), |s| f64::from(agents) / (1.0 - s));
        let get = |f: &dyn Fn(&Exact) -> f64| e.as_ref().map_or(f64::NAN, f);
        let row = [
            start_of(i),
            crate::report::num(n),
            crate::report::num((lambda / q.service_rate * 1e6).round() / 1e6),
            agents.to_string(),
            crate::report::num((fte * 1e6).round() / 1e6),
            crate::report::num(get(&|e| e.service_level)),
            crate::report::num(get(&|e| e.asa_s)),
            crate::report::num(get(&|e| e.p_wait)),
            crate::report::num(get(&|e| e.p_abandon)),
            crate::report::num(get(&|e| e.occupancy)),
        ];
        if args.json {
            let mut m = Map::new();
            for (k, v) in header.iter().zip(&row) {
                m.insert(
                    k.to_string(),
                    match v.parse::<f64>() {
                        _ if *k == "agents" => json!(agents),
                        Ok(x) if *k != "start" => finite(x),
                        _ if v.is_empty() => Value::Null,
                        _ => json!(v),
                    },
                );
            }
            json_rows.push(Value::Object(m));
        } else {
            w.write_record(&row)
                .map_err(|e| CommandError::Failed(e.to_string()))?;
        }
    }
    if args.json {
        let mut s = serde_json::to_string_pretty(&json!({
            "target": {"metric": goal.key(), "value": goal.value()},
            "answer_within_s": within_s,
            "step_s": t.step_s,
            "rows": json_rows,
        }))
        .map_err(|e| CommandError::Failed(e.to_string()))?;
        s.push('\n');
        return Ok(s);
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CommandError::Failed(e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
