//! Checking what a scenario means and building the [`Model`]: every problem
//! is collected (with its key path and line) before any is reported.

use std::path::Path;

use crate::dist::Dist;
use crate::scenario::{
    ChannelKind, Diagnostic, Diagnostics, DistKind, DistSpec, LoadedScenario, Scenario, SourceMap,
    WeekHours, closest_hint, suggest_list,
};

use super::schedule::{Intervals, day_ranges};
use super::surge::daily_volumes;
use super::{Channel, DAY_S, DemandStream, Model, Piece, Pool, RedialModel};

/// Longest horizon accepted, days (ten years).
const MAX_DAYS: u32 = 3660;

/// Compiles a scenario read from a file.
pub fn compile_loaded(loaded: &LoadedScenario) -> Result<Model, Diagnostics> {
    let mut model = compile(
        &loaded.scenario,
        &loaded.source,
        &loaded.origin,
        &loaded.base_dir,
    )?;
    model.scenario_hash = loaded.hash.clone();
    Ok(model)
}

/// Checks a scenario and builds the model; `source` gives lines for
/// messages (use [`SourceMap::empty`] for scenarios built in code) and
/// `base_dir` is where relative file names (surge tables) are looked up.
pub fn compile(
    sc: &Scenario,
    source: &SourceMap,
    origin: &str,
    base_dir: &Path,
) -> Result<Model, Diagnostics> {
    let mut ck = Checker {
        source,
        problems: Vec::new(),
        base_dir,
        holidays: Vec::new(),
        start_date: sc.scenario.start.0,
    };
    let model = ck.model(sc);
    if ck.problems.is_empty()
        && let Some(model) = model
    {
        return Ok(model);
    }
    let mut d = Diagnostics {
        origin: origin.to_string(),
        items: ck.problems,
    };
    d.sort();
    Err(d)
}

struct Checker<'a> {
    source: &'a SourceMap,
    problems: Vec<Diagnostic>,
    base_dir: &'a Path,
    /// Days of the horizon that are public holidays.
    holidays: Vec<u32>,
    /// Date of day 0.
    start_date: jiff::civil::Date,
}

impl Checker<'_> {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        let d = self.source.diag(path, message, None);
        self.problems.push(d);
    }

    fn err_hint(&mut self, path: impl Into<String>, message: impl Into<String>, hint: String) {
        let d = self.source.diag(path, message, Some(hint));
        self.problems.push(d);
    }

    /// Index of `name` among `names`, or a problem at `path` naming the
    /// closest valid one.
    fn resolve(&mut self, path: &str, what: &str, name: &str, names: &[&str]) -> Option<usize> {
        if let Some(i) = names.iter().position(|n| *n == name) {
            return Some(i);
        }
        let hint = if names.is_empty() {
            format!("the scenario defines no {what}s")
        } else {
            closest_hint(name, names)
        };
        self.err_hint(path, format!("unknown {what} `{name}`"), hint);
        None
    }

    fn share(&mut self, path: &str, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.err(
                path,
                format!("must be a share between 0 and 1 (got {value})"),
            );
        }
    }

    fn model(&mut self, sc: &Scenario) -> Option<Model> {
        let s = &sc.scenario;
        if s.days == 0 || s.days > MAX_DAYS {
            self.err(
                "scenario.days",
                format!("must be between 1 and {MAX_DAYS} days (got {})", s.days),
            );
        }
        let days = s.days.clamp(1, MAX_DAYS);
        let horizon_s = f64::from(days) * DAY_S;
        let interval_s = s.interval.secs();
        let divides_day = interval_s > 0.0 && (DAY_S / interval_s).fract() == 0.0;
        let whole_days = interval_s > 0.0 && (interval_s / DAY_S).fract() == 0.0;
        if interval_s < 60.0 || !(divides_day || whole_days) {
            self.err_hint(
                "scenario.interval",
                format!("`{}` is not a usable reporting interval", s.interval),
                "use at least 1 minute, dividing a day evenly (\"15m\", \"30m\", \"1h\", \"4h\") or a whole number of days (\"1d\", \"7d\")".into(),
            );
        }
        let interval_s = if interval_s >= 60.0 && (divides_day || whole_days) {
            interval_s
        } else {
            3600.0
        };
        if s.warmup.secs() >= horizon_s {
            self.err(
                "scenario.warmup",
                format!(
                    "`{}` is not shorter than the horizon of {days} days",
                    s.warmup
                ),
            );
        }
        if s.replications == 0 || s.replications > 1_000_000 {
            self.err(
                "scenario.replications",
                format!("must be between 1 and 1000000 (got {})", s.replications),
            );
        }
        let first_weekday = s.start.0.weekday().to_monday_zero_offset() as usize;
        // Holidays outside the horizon are harmless and ignored.
        for h in &sc.calendar.holidays {
            let day = super::surge::days_between(s.start.0, h.0);
            if day >= 0.0 && day < f64::from(days) {
                self.holidays.push(day as u32);
            }
        }
        let u = &sc.uncertainty;
        for (key, v) in [("level_cv", u.level_cv), ("daily_cv", u.daily_cv)] {
            if !(0.0..=5.0).contains(&v) {
                self.err(
                    format!("uncertainty.{key}"),
                    format!("must be a coefficient of variation between 0 and 5 (got {v})"),
                );
            }
        }

        let channel_names: Vec<&str> = sc.channels.keys().map(String::as_str).collect();
        let topic_names: Vec<&str> = sc.topics.keys().map(String::as_str).collect();
        if sc.channels.is_empty() {
            self.err_hint(
                "channels",
                "the scenario has no channels",
                "add one, e.g. [channels.hotline] with kind = \"phone\"".into(),
            );
        }
        if sc.demand.is_empty() {
            self.err_hint(
                "demand",
                "the scenario has no demand",
                "add a [[demand]] entry with topic, channel and rate or per_day".into(),
            );
        }

        // Channels.
        let mut channels = Vec::new();
        for (name, ch) in &sc.channels {
            let path = crate::scenario::join_path("channels", name);
            if ch.kind != ChannelKind::Phone {
                self.err_hint(
                    format!("{path}.kind"),
                    format!("channel kind `{:?}` is not available yet", ch.kind).to_lowercase(),
                    "this version simulates phone channels (kind = \"phone\"); e-mail and desks are planned".into(),
                );
            }
            if ch.lines == Some(0) {
                self.err(
                    format!("{path}.lines"),
                    "must be at least 1 (leave it out for unlimited lines)",
                );
            }
            let patience = ch
                .patience
                .as_ref()
                .and_then(|p| self.dist(&format!("{path}.patience"), p, false));
            let redial = match &ch.redial {
                None => None,
                Some(r) => {
                    let rp = format!("{path}.redial");
                    self.share(&format!("{rp}.after_busy"), r.after_busy);
                    self.share(&format!("{rp}.after_abandon"), r.after_abandon);
                    if r.max_attempts == Some(0) {
                        self.err(format!("{rp}.max_attempts"), "must be at least 1");
                    }
                    let delay = match &r.delay {
                        Some(d) => self.dist(&format!("{rp}.delay"), d, true),
                        None => {
                            if r.after_busy > 0.0 || r.after_abandon > 0.0 {
                                self.err_hint(
                                    format!("{rp}.delay"),
                                    "missing: how long callers wait before calling again",
                                    "e.g. delay = { dist = \"exponential\", mean = \"15m\" }"
                                        .into(),
                                );
                            }
                            None
                        }
                    };
                    delay.map(|delay| RedialModel {
                        after_busy: r.after_busy,
                        after_abandon: r.after_abandon,
                        delay,
                        max_attempts: r.max_attempts.unwrap_or(u32::MAX),
                    })
                }
            };
            let sl_target = ch.service_level_target.unwrap_or(0.8);
            if !(sl_target > 0.0 && sl_target <= 1.0) {
                self.err(
                    format!("{path}.service_level_target"),
                    format!("must be a share above 0 and at most 1 (got {sl_target})"),
                );
            }
            let open = match &ch.hours {
                None => Intervals::always(horizon_s),
                Some(h) => self.hours(&format!("{path}.hours"), h, first_weekday, days),
            };
            channels.push(Channel {
                name: name.clone(),
                lines: ch.lines,
                patience,
                redial,
                answer_within_s: ch.answer_within.map_or(20.0, |d| d.secs()),
                sl_target,
                open,
                pools: Vec::new(),
            });
        }

        // Pools.
        let mut pools = Vec::new();
        for (name, p) in &sc.pools {
            let path = crate::scenario::join_path("pools", name);
            let mut serves = Vec::new();
            if p.serves.is_empty() {
                self.err_hint(
                    format!("{path}.serves"),
                    "the pool serves no channel",
                    suggest_list(&channel_names),
                );
            }
            for (i, ch) in p.serves.iter().enumerate() {
                if let Some(c) = self.resolve(
                    &format!("{path}.serves[{i}]"),
                    "channel",
                    ch,
                    &channel_names,
                ) {
                    if serves.contains(&c) {
                        self.err(
                            format!("{path}.serves[{i}]"),
                            format!("`{ch}` is listed twice"),
                        );
                    }
                    serves.push(c);
                }
            }
            let on_duty = match &p.hours {
                None => Intervals::always(horizon_s),
                Some(h) => self.hours(&format!("{path}.hours"), h, first_weekday, days),
            };
            pools.push(Pool {
                name: name.clone(),
                headcount: p.headcount,
                serves,
                on_duty,
            });
        }
        // Each channel's pools by priority: position in the pool's list, then pool order.
        for (c, ch) in channels.iter_mut().enumerate() {
            let mut ranked: Vec<(usize, usize)> = pools
                .iter()
                .enumerate()
                .filter_map(|(p, pool)| {
                    pool.serves
                        .iter()
                        .position(|&s| s == c)
                        .map(|rank| (rank, p))
                })
                .collect();
            ranked.sort();
            ch.pools = ranked.into_iter().map(|(_, p)| p).collect();
        }

        // Topics: handle keys must name channels.
        for (name, topic) in &sc.topics {
            for key in topic.handle.keys() {
                let path = format!(
                    "{}.handle.{key}",
                    crate::scenario::join_path("topics", name)
                );
                if !channel_names.contains(&key.as_str()) {
                    self.err_hint(
                        path,
                        format!("unknown channel `{key}`"),
                        closest_hint(key, &channel_names),
                    );
                }
            }
        }

        // Demand.
        let mut demands = Vec::new();
        for (i, d) in sc.demand.iter().enumerate() {
            let path = format!("demand[{i}]");
            let topic = self.resolve(&format!("{path}.topic"), "topic", &d.topic, &topic_names);
            let channel = self.resolve(
                &format!("{path}.channel"),
                "channel",
                &d.channel,
                &channel_names,
            );
            let handle = match (topic, channel) {
                (Some(_), Some(_)) => match sc.topics[&d.topic].handle.get(&d.channel) {
                    Some(spec) => self.dist(
                        &format!(
                            "{}.handle.{}",
                            crate::scenario::join_path("topics", &d.topic),
                            d.channel
                        ),
                        spec,
                        false,
                    ),
                    None => {
                        self.err_hint(
                            format!("{}.handle", crate::scenario::join_path("topics", &d.topic)),
                            format!("no handle time for channel `{}`, which demand[{i}] sends this topic to", d.channel),
                            format!("add handle.{} = {{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }}", d.channel),
                        );
                        None
                    }
                },
                _ => None,
            };
            let pieces = channel
                .and_then(|c| self.demand_pieces(&path, d, &channels[c].open, first_weekday, days));
            if let (Some(topic), Some(channel), Some(handle), Some(pieces)) =
                (topic, channel, handle, pieces)
            {
                demands.push(DemandStream {
                    topic,
                    channel,
                    pieces,
                    handle,
                });
            }
        }
        for (c, ch) in channels.iter().enumerate() {
            if ch.pools.is_empty() && demands.iter().any(|d| d.channel == c) {
                self.err_hint(
                    crate::scenario::join_path("channels", &ch.name),
                    format!(
                        "no pool serves channel `{}`, so its contacts can never be answered",
                        ch.name
                    ),
                    format!("add \"{}\" to the `serves` list of a pool", ch.name),
                );
            }
        }

        if !self.problems.is_empty() {
            return None;
        }
        let n_intervals = (horizon_s / interval_s).ceil() as usize;
        Some(Model {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            sources: s.sources.clone(),
            start: s.start.0,
            days,
            horizon_s,
            interval_s,
            n_intervals,
            warmup_s: s.warmup.secs(),
            level_cv: sc.uncertainty.level_cv,
            daily_cv: sc.uncertainty.daily_cv,
            seed: s.seed,
            replications: s.replications,
            scenario_hash: String::new(),
            channels,
            topics: topic_names.iter().map(|t| t.to_string()).collect(),
            pools,
            demands,
        })
    }

    /// Checks a distribution's keys for its kind and builds it.
    fn dist(&mut self, path: &str, spec: &DistSpec, allow_zero: bool) -> Option<Dist> {
        let present = [
            ("mean", spec.mean.is_some()),
            ("sd", spec.sd.is_some()),
            ("min", spec.min.is_some()),
            ("max", spec.max.is_some()),
            ("k", spec.k.is_some()),
        ];
        let (needed, example): (&[&str], &str) = match spec.dist {
            DistKind::Exponential => (&["mean"], "{ dist = \"exponential\", mean = \"3m\" }"),
            DistKind::Deterministic => (&["mean"], "{ dist = \"deterministic\", mean = \"5m\" }"),
            DistKind::Uniform => (
                &["min", "max"],
                "{ dist = \"uniform\", min = \"2m\", max = \"6m\" }",
            ),
            DistKind::Lognormal => (
                &["mean", "sd"],
                "{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }",
            ),
            DistKind::Gamma => (
                &["mean", "sd"],
                "{ dist = \"gamma\", mean = \"7m\", sd = \"3m\" }",
            ),
            DistKind::Erlang => (
                &["k", "mean"],
                "{ dist = \"erlang\", k = 3, mean = \"5m\" }",
            ),
        };
        let kind = format!("{:?}", spec.dist).to_lowercase();
        let before = self.problems.len();
        for (key, is_set) in present {
            if is_set && !needed.contains(&key) {
                self.err_hint(
                    format!("{path}.{key}"),
                    format!("`{key}` does not apply to a {kind} distribution"),
                    format!(
                        "a {kind} distribution takes {}: {example}",
                        needed.join(" and ")
                    ),
                );
            }
        }
        for key in needed {
            let is_set = present.iter().any(|(k, s)| k == key && *s);
            if !is_set {
                self.err_hint(
                    path.to_string(),
                    format!("a {kind} distribution needs `{key}`"),
                    format!("e.g. {example}"),
                );
            }
        }
        if self.problems.len() > before {
            return None;
        }
        let secs = |d: Option<crate::units::Duration>| d.map_or(0.0, |d| d.secs());
        let (mean, sd) = (secs(spec.mean), secs(spec.sd));
        let built = match spec.dist {
            DistKind::Exponential => Dist::exponential(mean),
            DistKind::Deterministic => {
                if mean > 0.0 || allow_zero {
                    Ok(Dist::Deterministic(mean))
                } else {
                    Err("the mean must be more than 0".to_string())
                }
            }
            DistKind::Uniform => {
                let (lo, hi) = (secs(spec.min), secs(spec.max));
                if hi < lo || (hi == 0.0 && !allow_zero) {
                    Err(format!("max ({hi} s) must be above min ({lo} s)"))
                } else {
                    Ok(Dist::Uniform {
                        low: lo,
                        width: hi - lo,
                    })
                }
            }
            DistKind::Lognormal => Dist::lognormal(mean, sd),
            DistKind::Gamma => Dist::gamma(mean, sd),
            DistKind::Erlang => Dist::erlang(spec.k.unwrap_or(0), mean),
        };
        match built {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(path.to_string(), e);
                None
            }
        }
    }

    fn hours(
        &mut self,
        path: &str,
        week: &WeekHours,
        first_weekday: usize,
        days: u32,
    ) -> Intervals {
        let mut ranges: [Vec<(f64, f64)>; 7] = Default::default();
        let mut checked: Vec<&str> = Vec::new();
        for (day, resolved) in week.resolve().into_iter().enumerate() {
            let Some((key, hours)) = resolved else {
                continue;
            };
            match day_ranges(hours) {
                Ok(r) => ranges[day] = r,
                Err(e) => {
                    if !checked.contains(&key) {
                        self.err(format!("{path}.{key}"), e);
                    }
                }
            }
            checked.push(key);
        }
        Intervals::weekly(&ranges, first_weekday, days, &self.holidays)
    }

    /// The arrival rate of a demand entry over the horizon.
    fn demand_pieces(
        &mut self,
        path: &str,
        d: &crate::scenario::Demand,
        open: &Intervals,
        first_weekday: usize,
        days: u32,
    ) -> Option<Vec<Piece>> {
        let horizon_s = f64::from(days) * DAY_S;
        match (d.rate, d.per_day) {
            (Some(_), Some(_)) => {
                self.err_hint(
                    path.to_string(),
                    "give either `rate` or `per_day`, not both",
                    "rate = \"22/min\" is a constant rate while open; per_day = 1200 is a daily volume".into(),
                );
                None
            }
            (None, None) => {
                self.err_hint(
                    path.to_string(),
                    "no volume: give `rate` or `per_day`",
                    "rate = \"22/min\" is a constant rate while open; per_day = 1200 is a daily volume".into(),
                );
                None
            }
            (Some(rate), None) => {
                if !d.surges.is_empty() {
                    self.err_hint(
                        format!("{path}.surges"),
                        "surges add contacts per day and need a daily baseline",
                        "use per_day = N (0 for none) instead of rate".into(),
                    );
                }
                for key in ["weekday_factors", "hour_weights"] {
                    let set = if key == "hour_weights" {
                        d.hour_weights.is_some()
                    } else {
                        d.weekday_factors.is_some()
                    };
                    if set {
                        self.err_hint(
                            format!("{path}.{key}"),
                            format!("`{key}` shapes a daily volume and does not apply to `rate`"),
                            "use per_day = N instead of rate to shape demand by weekday and hour"
                                .into(),
                        );
                    }
                }
                let mut spans = vec![Piece {
                    start_s: 0.0,
                    rate_per_s: 0.0,
                }];
                for &(a, b) in open.spans() {
                    spans.push(Piece {
                        start_s: a,
                        rate_per_s: rate.as_per_sec(),
                    });
                    spans.push(Piece {
                        start_s: b,
                        rate_per_s: 0.0,
                    });
                }
                Some(normalise(spans, horizon_s))
            }
            (None, Some(per_day)) => {
                let before = self.problems.len();
                if !(per_day >= 0.0 && per_day.is_finite()) {
                    self.err(
                        format!("{path}.per_day"),
                        format!("must be 0 or more contacts a day (got {per_day})"),
                    );
                }
                let factors = d.weekday_factors.as_ref().map(|w| w.by_day());
                if let Some(f) = &factors {
                    for (day, v) in f {
                        if !(*v >= 0.0 && v.is_finite()) {
                            self.err(
                                format!("{path}.weekday_factors.{day}"),
                                format!("must be 0 or more (got {v})"),
                            );
                        }
                    }
                }
                if let Some(w) = &d.hour_weights {
                    if w.len() != 24 {
                        self.err_hint(
                            format!("{path}.hour_weights"),
                            format!("has {} values; it needs 24 (hour 0 to hour 23)", w.len()),
                            "e.g. zeros at night and relative weights for the open hours".into(),
                        );
                    } else if w.iter().any(|x| !(*x >= 0.0 && x.is_finite())) {
                        self.err(format!("{path}.hour_weights"), "weights must be 0 or more");
                    } else if w.iter().sum::<f64>() <= 0.0 {
                        self.err(
                            format!("{path}.hour_weights"),
                            "at least one weight must be above 0",
                        );
                    }
                }
                // Surges: shaped ones follow the weekday factors, tables are
                // real daily figures and are taken as they are.
                let mut shaped = vec![0.0; days as usize];
                let mut table = vec![0.0; days as usize];
                for (j, surge) in d.surges.iter().enumerate() {
                    match daily_volumes(surge, self.start_date, days, self.base_dir) {
                        Ok(v) => {
                            let target = if surge.shape == crate::scenario::SurgeShape::Table {
                                &mut table
                            } else {
                                &mut shaped
                            };
                            for (t, x) in target.iter_mut().zip(v) {
                                *t += x;
                            }
                        }
                        Err(problems) => {
                            for (key, message, hint) in problems {
                                let p = format!("{path}.surges[{j}].{key}");
                                match hint {
                                    Some(h) => self.err_hint(p, message, h),
                                    None => self.err(p, message),
                                }
                            }
                        }
                    }
                }
                if self.problems.len() > before {
                    return None;
                }
                let mut pieces = vec![Piece {
                    start_s: 0.0,
                    rate_per_s: 0.0,
                }];
                for day in 0..days {
                    let wd = (first_weekday + day as usize) % 7;
                    let volume = (per_day + shaped[day as usize])
                        * factors.map_or(1.0, |f| f[wd].1)
                        + table[day as usize];
                    let base = f64::from(day) * DAY_S;
                    match &d.hour_weights {
                        Some(w) => {
                            let total: f64 = w.iter().sum();
                            for (h, wh) in w.iter().enumerate() {
                                pieces.push(Piece {
                                    start_s: base + h as f64 * 3600.0,
                                    rate_per_s: volume * wh / total / 3600.0,
                                });
                            }
                        }
                        None => {
                            let open_s = open.overlap(base, base + DAY_S);
                            if open_s > 0.0 {
                                pieces.push(Piece {
                                    start_s: base,
                                    rate_per_s: 0.0,
                                });
                                for &(a, b) in open.spans() {
                                    let (a, b) = (a.max(base), b.min(base + DAY_S));
                                    if b > a {
                                        pieces.push(Piece {
                                            start_s: a,
                                            rate_per_s: volume / open_s,
                                        });
                                        pieces.push(Piece {
                                            start_s: b,
                                            rate_per_s: 0.0,
                                        });
                                    }
                                }
                            } else {
                                // Closed all day: the day's contacts still come, and
                                // are counted as not offered.
                                pieces.push(Piece {
                                    start_s: base,
                                    rate_per_s: volume / DAY_S,
                                });
                            }
                        }
                    }
                }
                Some(normalise(pieces, horizon_s))
            }
        }
    }
}

/// Sorts pieces by start (a later piece at the same time wins), drops
/// pieces at or beyond the horizon and merges equal neighbours.
fn normalise(pieces: Vec<Piece>, horizon_s: f64) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        if p.start_s >= horizon_s {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.start_s == p.start_s => last.rate_per_s = p.rate_per_s,
            _ => out.push(p),
        }
    }
    out.dedup_by(|b, a| a.rate_per_s == b.rate_per_s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;

    const BASE: &str = r#"
[scenario]
name = "t"
start = 2022-03-07   # a Monday
days = 7

[channels.hotline]
kind = "phone"
hours = { weekdays = "09:00-17:00" }

[topics.general]
handle.hotline = { dist = "exponential", mean = "5m" }

[[demand]]
topic = "general"
channel = "hotline"
per_day = 800
weekday_factors = { mon = 1.5, sat = 0, sun = 0 }

[pools.team]
headcount = 10
serves = ["hotline"]
hours = { weekdays = "08:30-17:00" }
"#;

    fn build(text: &str) -> Result<Model, Diagnostics> {
        let l = parse_str(text, "t.toml", ".".into()).map_err(|e| {
            panic!("parse failed: {e}");
        })?;
        compile_loaded(&l)
    }

    #[test]
    fn daily_volume_spreads_over_opening_hours() {
        let m = build(BASE).unwrap();
        let d = &m.demands[0];
        // Monday: 1200 contacts between 09:00 and 17:00.
        assert!((d.expected_between(0.0, DAY_S, m.horizon_s) - 1200.0).abs() < 1e-6);
        assert!(
            (d.expected_between(9.0 * 3600.0, 17.0 * 3600.0, m.horizon_s) - 1200.0).abs() < 1e-6
        );
        // Week: 1200 + 4 × 800.
        assert!((d.expected_between(0.0, m.horizon_s, m.horizon_s) - 4400.0).abs() < 1e-6);
        assert_eq!(m.pools[0].duty_steps()[1], (8.5 * 3600.0, 10));
    }

    #[test]
    fn semantic_problems_are_all_reported() {
        let text = BASE
            .replace("per_day = 800", "per_day = -5")
            .replace("serves = [\"hotline\"]", "serves = [\"hotlnie\"]")
            .replace("topic = \"general\"", "topic = \"genral\"")
            .replace("\"08:30-17:00\"", "\"17:00-08:30\"");
        let err = build(&text).unwrap_err();
        let text = err.to_string();
        for expect in [
            "demand[0].per_day",
            "did you mean `hotline`",
            "did you mean `general`",
            "pools.team.hours.weekdays",
        ] {
            assert!(text.contains(expect), "missing {expect:?} in\n{text}");
        }
        assert!(err.items.iter().all(|d| d.line.is_some()), "{text}");
    }

    #[test]
    fn distribution_keys_must_fit_the_kind() {
        let text = BASE.replace(
            "{ dist = \"exponential\", mean = \"5m\" }",
            "{ dist = \"lognormal\", mean = \"5m\", k = 3 }",
        );
        let err = build(&text).unwrap_err().to_string();
        assert!(err.contains("`k` does not apply to a lognormal"), "{err}");
        assert!(err.contains("needs `sd`"), "{err}");
    }
}
