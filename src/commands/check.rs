//! `surgesim check`: validate a scenario and say what it means, with the
//! exact Erlang estimate for each channel's busiest hour.

use std::fmt::Write as _;
use std::io::Write;

use crate::analytic::{self, Queue};
use crate::cli::CheckArgs;
use crate::model::{ChannelKind, Closing, DAY_S, DemandStream, Model, compile_loaded};
use crate::report::table::group_thousands;
use crate::scenario::{LoadedScenario, load_file};
use crate::units::human_duration;

use super::{CommandError, stdout_err};

/// Runs the command, printing to `out`.
pub fn check(args: &CheckArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let loaded = load_file(&args.scenario)?;
    let model = compile_loaded(&loaded)?;
    let mut text = describe(&model);
    text.push_str(&check_variants(&loaded)?);
    out.write_all(text.as_bytes()).map_err(stdout_err)
}

/// Loads and compiles variant `name`; every problem names the variant.
pub fn compile_variant(
    loaded: &LoadedScenario,
    name: &str,
) -> Result<(LoadedScenario, Model), crate::scenario::Diagnostics> {
    let l = loaded.variant(name)?;
    match compile_loaded(&l) {
        Ok(m) => Ok((l, m)),
        Err(mut d) => {
            for item in &mut d.items {
                if !item.message.starts_with("in variant") {
                    item.message = format!("in variant `{name}`: {}", item.message);
                }
            }
            Err(d)
        }
    }
}

/// Compiles every variant of the scenario; lists them, or reports all
/// their problems at once.
pub fn check_variants(loaded: &LoadedScenario) -> Result<String, CommandError> {
    let mut s = String::new();
    if loaded.variants.is_empty() {
        return Ok(s);
    }
    let mut problems: Option<crate::scenario::Diagnostics> = None;
    let _ = writeln!(s, "\nvariants (compare them with `surgesim compare`):");
    let base = compile_loaded(loaded).ok();
    for v in &loaded.variants {
        match compile_variant(loaded, &v.name) {
            Ok((_, vm)) => {
                let what = if v.description.is_empty() {
                    String::new()
                } else {
                    format!(": {}", v.description)
                };
                let _ = writeln!(s, "  {}{what}", v.name);
                for c in &v.changes {
                    let _ = writeln!(s, "      {c}");
                }
                // What the changes mean once compiled: actions that take
                // part only in the variant, or differently, and its own
                // warnings.
                let base_lines: Vec<String> = base.as_ref().map(part_lines).unwrap_or_default();
                let lines: Vec<String> = part_lines(&vm);
                for line in &lines {
                    if !base_lines.contains(line) {
                        let _ = writeln!(s, "      takes part: {line}");
                    }
                }
                for line in &base_lines {
                    if !lines.contains(line) {
                        let _ = writeln!(s, "      left out: {line}");
                    }
                }
                for w in &vm.warnings {
                    if base.as_ref().is_none_or(|b| !b.warnings.contains(w)) {
                        let _ = writeln!(s, "      warning: {w}");
                    }
                }
            }
            Err(d) => match &mut problems {
                Some(all) => all.items.extend(d.items),
                None => problems = Some(d),
            },
        }
    }
    match problems {
        Some(mut all) => {
            all.items.dedup();
            Err(all.into())
        }
        None => Ok(s),
    }
}

/// Expected first attempts on channel `c` in `[a, b)`, and their mean handle
/// time (weighted by volume).
fn expected(model: &Model, c: usize, a: f64, b: f64) -> (f64, f64) {
    let mut n = 0.0;
    let mut work = 0.0;
    for d in model.demands.iter().filter(|d| d.channel == c) {
        let x = d.expected_between(a, b, model.horizon_s);
        n += x;
        work += x * d.handle.mean();
    }
    (n, if n > 0.0 { work / n } else { f64::NAN })
}

/// Expected arrivals of one demand stream in each of `count` consecutive
/// windows `[i·width_s, (i+1)·width_s)`, in one pass over its pieces: each
/// piece visits only the windows it overlaps (and one on either side), so
/// the work is linear in pieces + windows, where calling
/// [`DemandStream::expected_between`] per window rescans every piece for
/// every window. Each window gets the same terms in the same order as
/// `expected_between`, so the sums are bit for bit the same. `visits`
/// counts the (piece, window) pairs looked at.
fn per_window(
    d: &DemandStream,
    width_s: f64,
    count: usize,
    horizon_s: f64,
    visits: &mut usize,
) -> Vec<f64> {
    let mut out = vec![0.0; count];
    for (i, p) in d.pieces.iter().enumerate() {
        let end = d.pieces.get(i + 1).map_or(horizon_s, |n| n.start_s);
        if end.is_nan() || p.start_s.is_nan() || end <= p.start_s {
            continue;
        }
        let lo = (p.start_s / width_s).floor().max(1.0) as usize - 1;
        let hi = ((end / width_s).ceil().max(0.0) as usize)
            .saturating_add(1)
            .min(count);
        for (w, slot) in out.iter_mut().enumerate().take(hi).skip(lo) {
            *visits += 1;
            let from_s = w as f64 * width_s;
            let to_s = (w + 1) as f64 * width_s;
            let a = p.start_s.max(from_s);
            let b = end.min(to_s);
            if b > a {
                *slot += p.rate_per_s * (b - a);
            }
        }
    }
    out
}

/// Expected first attempts on channel `c` in each of `count` consecutive
/// windows of `width_s` seconds from the start: what [`expected`] gives
/// window by window, in one pass.
fn expected_per_window(
    model: &Model,
    c: usize,
    width_s: f64,
    count: usize,
    visits: &mut usize,
) -> Vec<f64> {
    let mut n = vec![0.0; count];
    for d in model.demands.iter().filter(|d| d.channel == c) {
        let x = per_window(d, width_s, count, model.horizon_s, visits);
        for (total, x) in n.iter_mut().zip(x) {
            *total += x;
        }
    }
    n
}

/// What the scenario means, as text.
pub fn describe(model: &Model) -> String {
    let mut s = String::new();
    let end = model.datetime_at(model.horizon_s - 1.0).date();
    let _ = writeln!(s, "{} — OK", model.name);
    let _ = writeln!(
        s,
        "  {} days, {} ({}) to {} ({}); reporting every {}; warm-up {}; {} replications, seed {}",
        model.days,
        model.start,
        weekday(model.start),
        end,
        weekday(end),
        human_duration(model.interval_s),
        human_duration(model.warmup_s),
        model.replications,
        model.seed
    );
    if model.level_cv > 0.0 || model.daily_cv > 0.0 {
        let _ = writeln!(
            s,
            "  demand uncertainty: level factor cv {:.0} % per replication, daily factor cv {:.0} % (expected values below are without it)",
            100.0 * model.level_cv,
            100.0 * model.daily_cv
        );
    }
    if model.languages.len() > 1 || model.languages.iter().any(|l| l.handle_factor != 1.0) {
        let langs: Vec<String> = model
            .languages
            .iter()
            .map(|l| {
                format!(
                    "{} (handle times ×{})",
                    l.name,
                    crate::units::trim_float(l.handle_factor)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "
languages: {}",
            langs.join(", ")
        );
    }
    for i in &model.interpreters {
        let langs: Vec<&str> = model
            .languages
            .iter()
            .zip(&i.languages)
            .filter(|(_, on)| **on)
            .map(|(l, _)| l.name.as_str())
            .collect();
        let _ = writeln!(
            s,
            "interpreter {}: {}; {} sessions at once, {} added to each contact; available {:.1} h in the first week",
            i.name,
            langs.join(", "),
            i.capacity,
            human_duration(i.extra_s),
            i.open.overlap(0.0, (7.0 * DAY_S).min(model.horizon_s)) / 3600.0
        );
    }
    for (c, ch) in model.channels.iter().enumerate() {
        let open_week = ch.open.overlap(0.0, (7.0 * DAY_S).min(model.horizon_s));
        let kind = ch.kind.word();
        let _ = writeln!(s, "\nchannel {} ({kind})", ch.name);
        if ch.internal {
            let _ = writeln!(s, "  internal work queue, not in public-service totals");
        }
        match ch.kind {
            ChannelKind::Phone => {
                let _ = writeln!(
                    s,
                    "  open {:.1} h in the first week; lines: {}; patience: {}; redials: {}",
                    open_week / 3600.0,
                    ch.lines.map_or("unlimited".into(), |k| k.to_string()),
                    ch.patience
                        .as_ref()
                        .map_or("nobody abandons".into(), |p| format!(
                            "mean {}",
                            human_duration(p.mean())
                        )),
                    ch.redial.as_ref().map_or("none".into(), |r| format!(
                        "{:.0} % after a busy signal, {:.0} % after giving up, after {} on average, {}",
                        100.0 * r.after_busy,
                        100.0 * r.after_abandon,
                        human_duration(r.delay.mean()),
                        if r.max_attempts == u32::MAX {
                            "no limit of attempts".to_string()
                        } else {
                            format!("at most {} attempts", r.max_attempts)
                        }
                    ))
                );
            }
            ChannelKind::Email => {
                let _ = writeln!(
                    s,
                    "  e-mails arrive at any time and wait in the backlog; answer times count {}",
                    if ch.business.is_some() {
                        "business hours only"
                    } else {
                        "calendar time"
                    }
                );
            }
            ChannelKind::Desk => {
                let _ = writeln!(
                    s,
                    "  open {:.1} h in the first week; counters: {}; closing: {}; patience: {}; returns: {}; appointments: {:.0} %",
                    open_week / 3600.0,
                    ch.counters.map_or("unlimited".into(), |k| k.to_string()),
                    match ch.closing {
                        Closing::ServeAll => "everyone inside is served",
                        Closing::Gate =>
                            "the gate closes when the queue cannot be served before closing",
                    },
                    ch.patience
                        .as_ref()
                        .map_or("nobody leaves".into(), |p| format!(
                            "mean {}",
                            human_duration(p.mean())
                        )),
                    ch.returns.as_ref().map_or("none".into(), |r| format!(
                        "{:.0} % of those turned away, after {}",
                        100.0 * r.share,
                        human_duration(r.after_s)
                    )),
                    100.0 * ch.appointment_share
                );
            }
        }
        if ch.cost_per_day > 0.0 {
            let _ = writeln!(
                s,
                "  cost {} {} a day per {}",
                crate::units::trim_float(ch.cost_per_day),
                model.currency,
                if ch.kind == ChannelKind::Desk {
                    "counter"
                } else {
                    "line"
                }
            );
        }
        if let Some(sw) = &ch.switch {
            let _ = writeln!(
                s,
                "  switching to {}: {:.0} % of those who give up, {:.0} % of those turned away",
                model.channels[sw.to].name,
                100.0 * sw.after_abandon,
                100.0 * sw.after_turned_away
            );
        }
        let _ = writeln!(
            s,
            "  target: {:.0} % answered within {}",
            100.0 * ch.sl_target,
            human_duration(ch.answer_within_s)
        );
        let mut visits = 0;
        let per_day = expected_per_window(model, c, DAY_S, model.days as usize, &mut visits);
        let total: f64 = per_day.iter().sum();
        let (dmax, vmax) =
            per_day.iter().enumerate().fold(
                (0, f64::MIN),
                |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc },
            );
        let (dmin, vmin) =
            per_day.iter().enumerate().fold(
                (0, f64::MAX),
                |acc, (i, &v)| if v < acc.1 { (i, v) } else { acc },
            );
        let date = |d: usize| model.datetime_at(d as f64 * DAY_S).date();
        let _ = writeln!(
            s,
            "  offered first attempts (expected): {} in all, {} a day on average, most {} on {} ({}), fewest {} on {} ({})",
            group_thousands(total),
            group_thousands(total / f64::from(model.days)),
            group_thousands(vmax),
            date(dmax),
            weekday(date(dmax)),
            group_thousands(vmin),
            date(dmin),
            weekday(date(dmin))
        );
        // Busiest hour.
        let hours = (model.horizon_s / 3600.0) as usize;
        let (h, n) = expected_per_window(model, c, 3600.0, hours, &mut visits)
            .into_iter()
            .enumerate()
            .fold((0, 0.0), |acc, x| if x.1 > acc.1 { x } else { acc });
        if n <= 0.0 || ch.kind == ChannelKind::Email {
            let (_, aht) = expected(model, c, 0.0, model.horizon_s);
            if ch.kind == ChannelKind::Email && total > 0.0 {
                let _ = writeln!(
                    s,
                    "  workload: {:.0} staff hours a day on average (mean handle {})",
                    total * aht / 3600.0 / f64::from(model.days),
                    human_duration(aht)
                );
            }
            continue;
        }
        let (a, b) = (h as f64 * 3600.0, (h + 1) as f64 * 3600.0);
        let aht = expected(model, c, a, b).1;
        let staff: u32 = ch
            .pools
            .iter()
            .filter(|&&p| model.pools[p].on_duty.overlap(a, b) >= 1800.0)
            .map(|&p| model.pools[p].headcount)
            .sum();
        // A desk serves at most as many at once as it has counters.
        let agents = staff.min(ch.counters.unwrap_or(u32::MAX));
        let _ = writeln!(
            s,
            "  busiest hour: {} ({}), {:.0} contacts expected, mean handle {}, offered load {:.1} Erlangs, {agents} staff on duty in all pools that serve it (an upper bound when pools are shared)",
            model.datetime_at(a),
            weekday(model.datetime_at(a).date()),
            n,
            human_duration(aht),
            n * aht / 3600.0
        );
        let queue = Queue {
            arrival_rate: n / 3600.0,
            service_rate: 1.0 / aht,
            agents: agents.max(1),
            lines: ch.lines,
            abandon_rate: ch.patience.as_ref().map_or(0.0, |p| 1.0 / p.mean()),
        };
        let _ = writeln!(
            s,
            "  exact steady-state estimate for that hour (Erlang {}; exponential handle times and patience with the same means, no redials):",
            match (ch.lines.is_some(), ch.patience.is_some()) {
                (false, false) => "C",
                (false, true) => "A",
                (true, false) => "C with finite lines, M/M/c/K",
                (true, true) => "A with finite lines, M/M/c/K+M",
            }
        );
        if agents == 0 {
            let _ = writeln!(s, "    no agent is on duty then");
        } else {
            match analytic::evaluate(&queue, ch.answer_within_s) {
                Ok(e) => {
                    let _ = writeln!(
                        s,
                        "    service level {:.1} % (answered within {} ÷ answered + abandoned), mean wait of answered {}, abandoned {:.1} %, busy signal {:.1} %, occupancy {:.1} %",
                        100.0 * e.service_level_handled,
                        human_duration(ch.answer_within_s),
                        human_duration(e.asa_s),
                        100.0 * e.p_abandon,
                        100.0 * e.p_block,
                        100.0 * e.occupancy
                    );
                }
                Err(e) => {
                    let _ = writeln!(s, "    {e}");
                }
            }
            let target = ch.sl_target.min(0.9999);
            if let Ok(Some(need)) = analytic::agents_for_service_level(
                &queue,
                ch.answer_within_s,
                target * (1.0 - 1e-12),
                100_000,
            ) {
                let _ = writeln!(
                    s,
                    "    agents needed for {:.0} % answered within {} (of offered): {need}",
                    100.0 * ch.sl_target,
                    human_duration(ch.answer_within_s)
                );
            }
        }
    }
    for pool in &model.pools {
        let week = pool
            .on_duty
            .overlap(0.0, (7.0 * DAY_S).min(model.horizon_s));
        let mut serves: Vec<(u32, String)> = Vec::new();
        for r in &pool.routes {
            let k = &model.classes[r.class];
            let label = format!(
                "{}:{}",
                model.channels[k.channel].name, model.topics[k.topic]
            );
            if !serves.iter().any(|(_, l)| *l == label) {
                serves.push((r.level, label));
            }
        }
        serves.sort_by_key(|(l, _)| *l);
        let _ = writeln!(
            s,
            "\npool {}: {} staff, on duty {:.1} h in the first week; absence {:.0} %; speed ×{}; cost {} {}/h",
            pool.name,
            pool.headcount,
            week / 3600.0,
            100.0 * pool.absence,
            crate::units::trim_float(pool.speed),
            crate::units::trim_float(pool.cost_per_hour),
            model.currency
        );
        let _ = writeln!(s, "  {}", holidays_line(pool, model.horizon_s));
        if let Some(w) = &pool.wellbeing {
            let _ = writeln!(
                s,
                "  wellbeing: overloaded above {:.0} % occupancy over {} intervals; then absence +{:.1} points and {:.2} % of staff leave a day",
                100.0 * w.occupancy_over,
                w.window,
                100.0 * w.absence_up,
                100.0 * w.leave_per_day
            );
        }
        if !pool.breaks.is_empty() {
            let hm = |t: f64| {
                format!(
                    "{:02}:{:02}",
                    (t / 3600.0) as u32,
                    (t % 3600.0 / 60.0) as u32
                )
            };
            let breaks: Vec<String> = pool
                .breaks
                .iter()
                .map(|&(a, b, share)| {
                    format!("{}-{} ({:.0} % of staff)", hm(a), hm(b), 100.0 * share)
                })
                .collect();
            let _ = writeln!(s, "  breaks: {}", breaks.join(", "));
        }
        let _ = writeln!(
            s,
            "  serves (priority order): {}",
            serves
                .iter()
                .map(|(l, x)| format!("{}. {x}", l + 1))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if model.languages.len() > 1 {
            let spoken: Vec<&str> = model
                .languages
                .iter()
                .zip(&pool.languages)
                .filter(|(_, s)| **s)
                .map(|(l, _)| l.name.as_str())
                .collect();
            let _ = writeln!(s, "  speaks: {}", spoken.join(", "));
        }
        if pool.deferred_share > 0.0 {
            let _ = writeln!(
                s,
                "  keeps {:.0} % of its staff for deferred work when there is some",
                100.0 * pool.deferred_share
            );
        }
    }
    if model.actions.iter().any(|a| a.inject.is_none()) {
        let _ = writeln!(s, "\ncontingency actions taking part:");
    }
    for a in model.actions.iter().filter(|a| a.inject.is_none()) {
        let _ = writeln!(s, "  {}", action_line(model, a));
    }
    if !model.injects.is_empty() {
        let _ = writeln!(s, "\nscripted events (injects):");
    }
    for i in 0..model.injects.len() {
        let _ = writeln!(s, "  {}", inject_line(model, i, "\n    "));
    }
    for w in &model.warnings {
        let _ = writeln!(s, "\nwarning: {w}");
    }
    s
}

/// The plan's actions and the injects, one line each, as `check` lists
/// them (to show what a variant changes).
fn part_lines(model: &Model) -> Vec<String> {
    model
        .actions
        .iter()
        .filter(|a| a.inject.is_none())
        .map(|a| action_line(model, a))
        .chain((0..model.injects.len()).map(|i| inject_line(model, i, " — ")))
        .collect()
}

/// An inject as `check` lists it: when, the news, then (after `sep`) what
/// it does.
fn inject_line(model: &Model, i: usize, sep: &str) -> String {
    let inj = &model.injects[i];
    let until = inj
        .end_s
        .map_or(String::new(), |e| format!(" until {}", moment(model, e)));
    format!(
        "{} ({}) on {}{until}: \"{}\"{sep}{}",
        inj.id,
        inj.kind,
        moment(model, inj.at_s),
        inj.news,
        model.describe_inject(i)
    )
}

/// An action as `check` lists it: what, when, after what delay, until when.
fn action_line(model: &Model, a: &crate::model::Action) -> String {
    let when = match &a.fire {
        crate::model::Fire::At(t) => format!("decided on {}", moment(model, *t)),
        crate::model::Fire::When(tr) => describe_trigger(model, tr),
    };
    let release = match &a.release {
        None => String::new(),
        Some(crate::model::Fire::At(t)) => format!("; undone on {}", moment(model, *t)),
        Some(crate::model::Fire::When(tr)) => format!("; undone {}", describe_trigger(model, tr)),
    };
    let duration = a
        .duration_s
        .map_or(String::new(), |d| format!("; lasts {}", human_duration(d)));
    format!(
        "{}: {}; {when}, effect after {}{release}{duration}",
        a.id,
        a.describe(model),
        human_duration(a.delay_s)
    )
}

/// A moment as a date, with its time of day when it is not midnight.
fn moment(model: &Model, t: f64) -> String {
    let dt = model.datetime_at(t);
    if dt.time() == jiff::civil::Time::midnight() {
        dt.date().to_string()
    } else {
        dt.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// Whether the pool pays holidays, and how many roster hours that is.
fn holidays_line(pool: &crate::model::Pool, horizon_s: f64) -> String {
    let (paid, key) = if pool.holiday_pay {
        ("paid", "true")
    } else {
        ("unpaid", "false")
    };
    let hours = pool.holiday_roster.overlap(0.0, horizon_s) / 3600.0;
    if hours == 0.0 {
        format!("holidays {paid} (holiday_pay = {key}); no roster hours fall on a holiday")
    } else if pool.holiday_pay {
        format!(
            "holidays {paid} (holiday_pay = {key}): the roster's {hours:.1} h per person on holidays are paid, with nobody on duty"
        )
    } else {
        format!(
            "holidays {paid} (holiday_pay = {key}): the roster's {hours:.1} h per person on holidays are not paid"
        )
    }
}

fn describe_trigger(model: &Model, tr: &crate::model::Trigger) -> String {
    let name = crate::model::Metric::ALL
        .iter()
        .find(|(_, m)| *m == tr.metric)
        .map_or("?", |(n, _)| n);
    let on = if tr.metric.on_pool() {
        model.pools[tr.target].name.as_str()
    } else {
        model.channels[tr.target].name.as_str()
    };
    let held = if tr.hold > 1 {
        format!(
            " for {} ({} checks in a row, one at the end of each reporting interval)",
            human_duration((tr.hold - 1) as f64 * model.interval_s),
            tr.hold
        )
    } else {
        " at the end of a reporting interval".to_string()
    };
    format!(
        "when {name} of {on} over the last {} is {} {}{held}",
        human_duration(tr.window as f64 * model.interval_s),
        if tr.below { "below" } else { "above" },
        crate::units::trim_float(tr.threshold),
    )
}

fn weekday(d: jiff::civil::Date) -> String {
    format!("{:?}", d.weekday())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::BUNDLED_SCENARIO;

    fn crisis(days: u32) -> Model {
        let text = BUNDLED_SCENARIO.replacen("days = 120 ", &format!("days = {days} "), 1);
        let loaded = crate::scenario::parse_str(&text, "crisis.toml", "scenarios".into())
            .unwrap_or_else(|e| panic!("{e}"));
        compile_loaded(&loaded).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn one_pass_gives_the_same_numbers_as_window_by_window() {
        let model = crisis(120);
        for c in 0..model.channels.len() {
            for (width, count) in [(DAY_S, 120), (3600.0, 120 * 24)] {
                let fast = expected_per_window(&model, c, width, count, &mut 0);
                for (w, x) in fast.iter().enumerate() {
                    let slow = expected(&model, c, w as f64 * width, (w + 1) as f64 * width).0;
                    assert_eq!(x.to_bits(), slow.to_bits(), "channel {c}, window {w}");
                }
            }
        }
    }

    #[test]
    fn one_pass_visits_each_piece_once_not_once_per_window() {
        let model = crisis(730);
        let hours = 730 * 24;
        for c in 0..model.channels.len() {
            let mut visits = 0;
            let n = expected_per_window(&model, c, 3600.0, hours, &mut visits);
            assert!(n.iter().sum::<f64>() > 0.0, "channel {c} has demand");
            let streams: Vec<_> = model.demands.iter().filter(|d| d.channel == c).collect();
            let pieces: usize = streams.iter().map(|d| d.pieces.len()).sum();
            // Linear: every window once per stream, plus a few per piece.
            let bound = streams.len() * hours + 3 * pieces;
            assert!(
                visits <= bound,
                "channel {c}: {visits} visits for {pieces} pieces and {hours} windows (bound {bound})"
            );
            // Rescanning every piece per window would be far more.
            assert!(
                pieces * hours > 10 * bound,
                "the test can tell the two apart"
            );
        }
    }
}
