//! Checking what a scenario means and building the [`Model`]: every problem
//! is collected (with its key path and line) before any is reported.

use std::path::Path;

use crate::dist::Dist;
use crate::scenario::{
    ActionKind, ChannelKind, Clock, Closing, Diagnostic, Diagnostics, DistKind, DistSpec,
    LoadedScenario, Scenario, SourceMap, WeekHours, closest_hint, suggest_list,
};
use crate::units::parse_time_of_day;

use super::schedule::{Intervals, day_ranges};
use super::surge::daily_volumes;
use super::{
    Action, Channel, Class, DAY_S, DemandStream, Effect, Fire, Hire, Interpreter, Language, Metric,
    Model, Piece, Pool, Redeploy, RedialModel, ReturnModel, Route, SwitchModel, Trigger,
    WellbeingModel,
};

/// Longest horizon accepted, days (ten years).
const MAX_DAYS: u32 = 3660;
/// Most contacts of one demand stream in one replication.
const MAX_CONTACTS: f64 = 1e9;

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
        if sc.demand.is_empty() && sc.newcomers.is_empty() {
            self.err_hint(
                "demand",
                "the scenario has no demand",
                "add a [[demand]] entry with topic, channel and rate or per_day, or a [[newcomers]] entry".into(),
            );
        }

        // Languages.
        let mut languages: Vec<Language> = Vec::new();
        for (name, l) in &sc.languages {
            let path = crate::scenario::join_path("languages", name);
            let f = l.handle_factor.unwrap_or(1.0);
            if !(f > 0.0 && f.is_finite()) {
                self.err(
                    format!("{path}.handle_factor"),
                    format!("must be more than 0 (got {f})"),
                );
            }
            languages.push(Language {
                name: name.clone(),
                handle_factor: f,
            });
        }
        let explicit_languages = !languages.is_empty();
        if !explicit_languages {
            languages.push(Language {
                name: "all".into(),
                handle_factor: 1.0,
            });
        }
        let language_names: Vec<&str> = sc.languages.keys().map(String::as_str).collect();
        let nl = languages.len();

        // Channels.
        let mut channels = Vec::new();
        for (name, ch) in &sc.channels {
            let path = crate::scenario::join_path("channels", name);
            self.channel_keys(&path, ch);
            if ch.lines == Some(0) {
                self.err(
                    format!("{path}.lines"),
                    "must be at least 1 (leave it out for unlimited lines)",
                );
            }
            if ch.counters == Some(0) {
                self.err(
                    format!("{path}.counters"),
                    "must be at least 1 (leave it out for unlimited counters)",
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
            let answer_within_s = match (ch.kind, ch.answer_within) {
                (_, Some(d)) => {
                    if d.secs() <= 0.0 && ch.kind != ChannelKind::Phone {
                        self.err(format!("{path}.answer_within"), "must be more than 0");
                    }
                    d.secs()
                }
                (ChannelKind::Phone, None) => 20.0,
                (kind, None) => {
                    let example = if kind == ChannelKind::Email {
                        "answer_within = \"2d\" (answered within two days)"
                    } else {
                        "answer_within = \"30m\" (served within half an hour)"
                    };
                    self.err_hint(
                        path.clone(),
                        format!(
                            "missing `answer_within`: the service-level threshold of this {} channel",
                            kind_name(kind)
                        ),
                        format!("e.g. {example}"),
                    );
                    0.0
                }
            };
            let open = match &ch.hours {
                Some(h) if ch.kind != ChannelKind::Email => {
                    self.hours(&format!("{path}.hours"), h, first_weekday, days)
                }
                _ => Intervals::always(horizon_s),
            };
            let clock = ch.clock.unwrap_or(if ch.business_hours.is_some() {
                Clock::Business
            } else {
                Clock::Calendar
            });
            let business = match (clock, &ch.business_hours) {
                (Clock::Business, Some(h)) if ch.kind == ChannelKind::Email => {
                    let iv = self.hours(&format!("{path}.business_hours"), h, first_weekday, days);
                    let prefix = iv.prefix();
                    Some((iv, prefix))
                }
                (Clock::Business, None) if ch.kind == ChannelKind::Email => {
                    self.err_hint(
                        format!("{path}.clock"),
                        "a business clock needs `business_hours`",
                        "e.g. business_hours = { weekdays = \"08:00-17:00\" }, or clock = \"calendar\"".into(),
                    );
                    None
                }
                _ => None,
            };
            if let Some(c) = ch.cost_per_day {
                let capacity = match ch.kind {
                    ChannelKind::Phone => ch.lines.is_some(),
                    ChannelKind::Desk => ch.counters.is_some(),
                    ChannelKind::Email => false,
                };
                if !(c >= 0.0 && c.is_finite()) {
                    self.err(
                        format!("{path}.cost_per_day"),
                        format!("must be 0 or more (got {c})"),
                    );
                } else if !capacity {
                    self.err_hint(
                        format!("{path}.cost_per_day"),
                        "a cost per line or counter needs a number of them",
                        "give `lines` (phone) or `counters` (desk)".into(),
                    );
                }
            }
            let returns = ch.returns.as_ref().map(|r| {
                self.share(&format!("{path}.returns.share"), r.share);
                let after_s = r.after.map_or(DAY_S, |d| d.secs());
                if after_s <= 0.0 {
                    self.err(format!("{path}.returns.after"), "must be more than 0");
                }
                ReturnModel {
                    share: r.share,
                    after_s,
                }
            });
            let appointment_share = ch.appointments.as_ref().map_or(0.0, |a| {
                self.share(&format!("{path}.appointments.share"), a.share);
                a.share
            });
            channels.push(Channel {
                name: name.clone(),
                kind: ch.kind,
                internal: ch.internal,
                lines: ch.lines,
                counters: ch.counters,
                patience,
                redial,
                answer_within_s,
                sl_target,
                open,
                business,
                closing: ch.closing.unwrap_or(Closing::ServeAll),
                returns,
                appointment_share,
                switch: None,
                mean_handle_s: 0.0,
                pools: Vec::new(),
                cost_per_day: ch.cost_per_day.unwrap_or(0.0),
            });
        }
        // Switches (need every channel's index).
        for (c, (name, ch)) in sc.channels.iter().enumerate() {
            let Some(sw) = &ch.switch else { continue };
            let path = format!("{}.switch", crate::scenario::join_path("channels", name));
            let to = self.resolve(&format!("{path}.to"), "channel", &sw.to, &channel_names);
            if to == Some(c) {
                self.err(format!("{path}.to"), "a channel cannot switch to itself");
            }
            self.share(&format!("{path}.after_abandon"), sw.after_abandon);
            self.share(&format!("{path}.after_turned_away"), sw.after_turned_away);
            if ch.kind == ChannelKind::Phone && sw.after_turned_away > 0.0 {
                self.err_hint(
                    format!("{path}.after_turned_away"),
                    "phone callers are never turned away (they hear a busy signal)",
                    "use after_abandon: it covers callers who gave up after a busy signal or a wait".into(),
                );
            }
            let delay = match &sw.delay {
                Some(d) => self.dist(&format!("{path}.delay"), d, true),
                None => Some(Dist::Deterministic(0.0)),
            };
            if let (Some(to), Some(delay)) = (to, delay) {
                channels[c].switch = Some(SwitchModel {
                    to,
                    after_abandon: sw.after_abandon,
                    after_turned_away: sw.after_turned_away,
                    delay,
                });
            }
        }

        // Interpreters.
        let mut interpreters = Vec::new();
        for (name, it) in &sc.interpreters {
            let path = crate::scenario::join_path("interpreters", name);
            let mut langs = vec![false; nl];
            if it.languages.is_empty() {
                self.err(format!("{path}.languages"), "lists no language");
            }
            for (j, l) in it.languages.iter().enumerate() {
                if let Some(i) = self.resolve(
                    &format!("{path}.languages[{j}]"),
                    "language",
                    l,
                    &language_names,
                ) {
                    langs[i] = true;
                }
            }
            if it.capacity == 0 {
                self.err(
                    format!("{path}.capacity"),
                    "must be at least 1 session at once",
                );
            }
            let open = match &it.hours {
                None => Intervals::always(horizon_s),
                Some(h) => self.hours(&format!("{path}.hours"), h, first_weekday, days),
            };
            interpreters.push(Interpreter {
                name: name.clone(),
                languages: langs,
                capacity: it.capacity,
                extra_s: it.extra.secs(),
                open,
            });
        }

        // Topics: handle times, channel and language shares.
        let nc = channels.len();
        let nt = topic_names.len();
        let mut handles: Vec<Option<Dist>> = vec![None; nt * nc];
        let mut topic_channels: Vec<Option<Vec<(usize, f64)>>> = vec![None; nt];
        let mut topic_languages: Vec<Vec<f64>> = Vec::with_capacity(nt);
        for (t, (name, topic)) in sc.topics.iter().enumerate() {
            let tpath = crate::scenario::join_path("topics", name);
            for (key, spec) in &topic.handle {
                let path = format!("{tpath}.handle.{key}");
                if let Some(c) = channel_names.iter().position(|n| n == key) {
                    handles[t * nc + c] = self.dist(&path, spec, false);
                } else {
                    self.err_hint(
                        path,
                        format!("unknown channel `{key}`"),
                        closest_hint(key, &channel_names),
                    );
                }
            }
            if let Some(shares) = &topic.channels {
                let list = self.shares(
                    &format!("{tpath}.channels"),
                    shares,
                    "channel",
                    &channel_names,
                );
                topic_channels[t] = Some(list);
            }
            let mut lang = vec![0.0; nl];
            match (&topic.languages, explicit_languages) {
                (Some(shares), true) => {
                    for (l, v) in self.shares(
                        &format!("{tpath}.languages"),
                        shares,
                        "language",
                        &language_names,
                    ) {
                        lang[l] = v;
                    }
                }
                (Some(_), false) => self.err_hint(
                    format!("{tpath}.languages"),
                    "the scenario defines no languages",
                    "add a [languages.ID] table for each language, e.g. [languages.uk]".into(),
                ),
                (None, true) => self.err_hint(
                    tpath.clone(),
                    "missing `languages`: the shares of this topic's contacts per language",
                    format!(
                        "e.g. languages = {{ {} = 1.0 }}; languages defined: {}",
                        language_names[0],
                        language_names.join(", ")
                    ),
                ),
                (None, false) => lang[0] = 1.0,
            }
            let mut acc = 0.0;
            let cumulative: Vec<f64> = lang
                .iter()
                .map(|v| {
                    acc += v;
                    acc
                })
                .collect();
            topic_languages.push(cumulative);
        }

        // Demand streams, from [[demand]] and [[newcomers]].
        let mut demands: Vec<DemandStream> = Vec::new();
        for (i, d) in sc.demand.iter().enumerate() {
            let path = format!("demand[{i}]");
            let topic = self.resolve(&format!("{path}.topic"), "topic", &d.topic, &topic_names);
            let daily = if d.rate.is_some() {
                self.rate_only(&path, d)
            } else {
                self.daily(
                    &path,
                    d.rate.is_some(),
                    d.per_day,
                    d.weekday_factors.as_ref(),
                    &d.surges,
                    days,
                    first_weekday,
                )
            };
            if let Some(w) = &d.hour_weights {
                self.hour_weights(&format!("{path}.hour_weights"), w);
            }
            let Some(topic) = topic else { continue };
            let Some(targets) = self.targets(
                &path,
                d.channel.as_deref(),
                topic,
                &topic_channels,
                &channel_names,
                &sc.topics,
            ) else {
                continue;
            };
            let Some(daily) = daily else { continue };
            for (c, share) in targets {
                let Some(handle) =
                    self.handle_for(&handles, nc, topic, c, &sc.topics, &channel_names, &path)
                else {
                    continue;
                };
                let pieces = match (&daily, d.rate) {
                    (_, Some(rate)) => {
                        rate_pieces(rate.as_per_sec() * share, &channels[c].open, horizon_s)
                    }
                    (v, None) => {
                        let scaled: Vec<f64> = v.iter().map(|x| x * share).collect();
                        pieces_from_daily(
                            &scaled,
                            d.hour_weights.as_deref(),
                            &channels[c].open,
                            horizon_s,
                        )
                    }
                };
                demands.push(DemandStream {
                    topic,
                    channel: c,
                    pieces,
                    handle,
                    origin: path.clone(),
                });
            }
        }
        for (i, n) in sc.newcomers.iter().enumerate() {
            let path = format!("newcomers[{i}]");
            if n.per_day.is_none() && n.surges.is_empty() {
                self.err_hint(
                    path.clone(),
                    "no newcomers: give `per_day`, `surges` or both",
                    "e.g. per_day = 50 and surges = [{ shape = \"ramp_decay\", start = 2022-03-07, to_peak = \"14d\", half_life = \"30d\", peak_per_day = 900 }]".into(),
                );
            }
            if n.contacts.is_empty() {
                self.err_hint(
                    format!("{path}.contacts"),
                    "newcomers who make no contacts have no effect",
                    "e.g. contacts = [{ topic = \"protection\", per_person = 1.2, delay = { dist = \"exponential\", mean = \"5d\" } }]".into(),
                );
            }
            let daily = self.daily(
                &path,
                false,
                Some(n.per_day.unwrap_or(0.0)),
                n.weekday_factors.as_ref(),
                &n.surges,
                days,
                first_weekday,
            );
            for (j, k) in n.contacts.iter().enumerate() {
                let cpath = format!("{path}.contacts[{j}]");
                if !(k.per_person >= 0.0 && k.per_person.is_finite()) {
                    self.err(
                        format!("{cpath}.per_person"),
                        format!(
                            "must be 0 or more contacts per newcomer (got {})",
                            k.per_person
                        ),
                    );
                }
                let delay = self.dist(&format!("{cpath}.delay"), &k.delay, true);
                if let Some(w) = &k.hour_weights {
                    self.hour_weights(&format!("{cpath}.hour_weights"), w);
                }
                let topic =
                    self.resolve(&format!("{cpath}.topic"), "topic", &k.topic, &topic_names);
                let Some(topic) = topic else { continue };
                let Some(targets) = self.targets(
                    &cpath,
                    k.channel.as_deref(),
                    topic,
                    &topic_channels,
                    &channel_names,
                    &sc.topics,
                ) else {
                    continue;
                };
                let (Some(daily), Some(delay)) = (&daily, delay) else {
                    continue;
                };
                let contacts = convolve_days(daily, &delay, k.per_person);
                for (c, share) in targets {
                    let Some(handle) =
                        self.handle_for(&handles, nc, topic, c, &sc.topics, &channel_names, &cpath)
                    else {
                        continue;
                    };
                    let mut scaled: Vec<f64> = contacts.iter().map(|x| x * share).collect();
                    if k.hour_weights.is_none() {
                        carry_to_open_days(&mut scaled, &channels[c].open);
                    }
                    demands.push(DemandStream {
                        topic,
                        channel: c,
                        pieces: pieces_from_daily(
                            &scaled,
                            k.hour_weights.as_deref(),
                            &channels[c].open,
                            horizon_s,
                        ),
                        handle,
                        origin: cpath.clone(),
                    });
                }
            }
        }

        // Volumes the engine can simulate: at most a billion contacts per
        // stream and replication (far beyond any agency; a typo such as
        // `1e300/s` would otherwise run for ever).
        for d in &demands {
            let total = d.expected_between(0.0, horizon_s, horizon_s);
            if total.is_nan() || total > MAX_CONTACTS {
                self.err_hint(
                    d.origin.clone(),
                    format!(
                        "about {total:.3e} contacts on channel `{}` over the horizon: more than the {MAX_CONTACTS:.0e} a replication can simulate",
                        channel_names[d.channel]
                    ),
                    "check the rate or volume and its unit (\"22/min\", per_day = 1200)".into(),
                );
            }
        }

        // Queue classes: every (channel, topic, language) that demand or a
        // switch can produce, plus desk appointments.
        let mut wanted = vec![false; nc * nt * nl * 2];
        let mut callback_channels: Vec<usize> = Vec::new();
        let key =
            |c: usize, t: usize, l: usize, a: bool| ((c * nt + t) * nl + l) * 2 + usize::from(a);
        let lang_share = |t: usize, l: usize| {
            let cum = &topic_languages[t];
            cum[l] - if l == 0 { 0.0 } else { cum[l - 1] }
        };
        for d in &demands {
            for l in 0..nl {
                if lang_share(d.topic, l) > 0.0 {
                    wanted[key(d.channel, d.topic, l, false)] = true;
                    if channels[d.channel].appointment_share > 0.0 {
                        wanted[key(d.channel, d.topic, l, true)] = true;
                    }
                }
            }
        }
        // Phone channels with callbacks: a deferred queue per class (the
        // class's second, "booked" slot, which desks use for appointments).
        for a in &sc.actions {
            if a.kind != ActionKind::Callbacks {
                continue;
            }
            let Some(c) = a
                .channel
                .as_ref()
                .and_then(|cn| channel_names.iter().position(|n| n == cn))
            else {
                continue;
            };
            if channels[c].kind != ChannelKind::Phone {
                continue;
            }
            callback_channels.push(c);
        }
        // Channels opened by actions take over contacts of a topic.
        for a in &sc.actions {
            if a.kind != ActionKind::OpenChannel {
                continue;
            }
            let (Some(tn), Some(cn)) = (&a.topic, &a.channel) else {
                continue;
            };
            let (Some(t), Some(to)) = (
                topic_names.iter().position(|n| n == tn),
                channel_names.iter().position(|n| n == cn),
            ) else {
                continue;
            };
            let from = a
                .from
                .as_ref()
                .and_then(|f| channel_names.iter().position(|n| n == f));
            if demands
                .iter()
                .any(|d| d.topic == t && d.channel != to && from.is_none_or(|f| f == d.channel))
            {
                for l in 0..nl {
                    if lang_share(t, l) > 0.0 {
                        wanted[key(to, t, l, false)] = true;
                    }
                }
            }
        }
        // Switch targets, until nothing changes (switches may chain).
        // (Callback queues are added after the switches, below.)
        let mut changed = true;
        while changed {
            changed = false;
            for c in 0..nc {
                let Some(sw) = &channels[c].switch else {
                    continue;
                };
                for t in 0..nt {
                    for l in 0..nl {
                        let from = wanted[key(c, t, l, false)] || wanted[key(c, t, l, true)];
                        if from && !wanted[key(sw.to, t, l, false)] {
                            wanted[key(sw.to, t, l, false)] = true;
                            changed = true;
                            let tname = topic_names[t];
                            if handles[t * nc + sw.to].is_none()
                                && !sc.topics[tname].handle.contains_key(channel_names[sw.to])
                            {
                                self.err_hint(
                                    format!("{}.handle", crate::scenario::join_path("topics", topic_names[t])),
                                    format!(
                                        "no handle time for channel `{}`, to which channels.{}.switch sends this topic",
                                        channel_names[sw.to], channel_names[c]
                                    ),
                                    format!("add handle.{} = {{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }}", channel_names[sw.to]),
                                );
                            }
                        }
                    }
                }
            }
        }
        for &c in &callback_channels {
            for t in 0..nt {
                for l in 0..nl {
                    if wanted[key(c, t, l, false)] {
                        wanted[key(c, t, l, true)] = true;
                    }
                }
            }
        }
        let mut classes = Vec::new();
        let mut class_of = vec![usize::MAX; wanted.len()];
        for c in 0..nc {
            for t in 0..nt {
                for l in 0..nl {
                    for a in [false, true] {
                        if wanted[key(c, t, l, a)] {
                            class_of[key(c, t, l, a)] = classes.len();
                            classes.push(Class {
                                channel: c,
                                topic: t,
                                language: l,
                                appointment: a,
                                pools: Vec::new(),
                            });
                        }
                    }
                }
            }
        }

        // Pools and their routes.
        let mut pools = Vec::new();
        for (name, p) in &sc.pools {
            let path = crate::scenario::join_path("pools", name);
            if p.serves.is_empty() {
                self.err_hint(
                    format!("{path}.serves"),
                    "the pool serves nothing",
                    format!(
                        "list channels (or \"channel:topic\" pairs): {}",
                        suggest_list(&channel_names)
                    ),
                );
            }
            if p.headcount > 1_000_000 {
                self.err(format!("{path}.headcount"), "must be at most 1000000");
            }
            let mut speaks = vec![true; nl];
            if let Some(list) = &p.languages {
                speaks = vec![false; nl];
                if list.is_empty() && explicit_languages {
                    self.err_hint(
                        format!("{path}.languages"),
                        "the pool speaks no language, so it can serve nobody without an interpreter",
                        format!(
                            "list at least one of: {}, or leave the key out (speaks all)",
                            language_names.join(", ")
                        ),
                    );
                }
                if !explicit_languages {
                    self.err_hint(
                        format!("{path}.languages"),
                        "the scenario defines no languages",
                        "add a [languages.ID] table for each language".into(),
                    );
                }
                for (j, l) in list.iter().enumerate() {
                    if let Some(i) = self.resolve(
                        &format!("{path}.languages[{j}]"),
                        "language",
                        l,
                        &language_names,
                    ) {
                        speaks[i] = true;
                    }
                }
            }
            let mut pairs: Vec<(usize, usize, u32)> = Vec::new();
            for (level, entries) in p.serves.iter().enumerate() {
                let multi = entries.0.len() > 1;
                if entries.0.is_empty() {
                    self.err(format!("{path}.serves[{level}]"), "an empty priority level");
                }
                for (j, entry) in entries.0.iter().enumerate() {
                    let epath = if multi {
                        format!("{path}.serves[{level}][{j}]")
                    } else {
                        format!("{path}.serves[{level}]")
                    };
                    let (cname, tname) = match entry.split_once(':') {
                        Some((c, t)) => (c.trim(), Some(t.trim())),
                        None => (entry.trim(), None),
                    };
                    let Some(c) = self.resolve(&epath, "channel", cname, &channel_names) else {
                        continue;
                    };
                    let topics: Vec<usize> = match tname {
                        None => (0..nt).collect(),
                        Some(tn) => match self.resolve(&epath, "topic", tn, &topic_names) {
                            Some(t) => vec![t],
                            None => continue,
                        },
                    };
                    for t in topics {
                        if pairs.iter().any(|&(pc, pt, _)| pc == c && pt == t) {
                            if tname.is_some() {
                                self.err(
                                    epath.clone(),
                                    format!("`{entry}` is already covered by an earlier entry"),
                                );
                            }
                            continue;
                        }
                        pairs.push((c, t, level as u32));
                    }
                }
            }
            let mut routes = Vec::new();
            for (k, class) in classes.iter().enumerate() {
                let Some(&(_, _, level)) = pairs
                    .iter()
                    .find(|&&(c, t, _)| c == class.channel && t == class.topic)
                else {
                    continue;
                };
                let interpreter = if speaks[class.language] {
                    None
                } else {
                    match interpreters
                        .iter()
                        .position(|it| it.languages[class.language])
                    {
                        Some(i) => Some(i),
                        None => continue,
                    }
                };
                routes.push(Route {
                    class: k,
                    level,
                    interpreter,
                });
            }
            let (on_duty, holiday_roster) = match &p.hours {
                None => (Intervals::always(horizon_s), Intervals::default()),
                Some(h) => self.roster(&format!("{path}.hours"), h, first_weekday, days),
            };
            let mut breaks = Vec::new();
            for (j, b) in p.breaks.iter().enumerate() {
                let bpath = format!("{path}.breaks[{j}]");
                let from = parse_time_of_day(&b.from);
                let to = parse_time_of_day(&b.to);
                match (from, to) {
                    (Ok(a), Ok(z)) if z > a => breaks.push((a, z, b.share)),
                    (Ok(_), Ok(_)) => self.err(
                        bpath.clone(),
                        format!(
                            "the break ends (`to = \"{}\"`) before it starts (`from = \"{}\"`)",
                            b.to, b.from
                        ),
                    ),
                    (Err(e), _) => self.err(format!("{bpath}.from"), e),
                    (_, Err(e)) => self.err(format!("{bpath}.to"), e),
                }
                self.share(&format!("{bpath}.share"), b.share);
            }
            if !(0.0..1.0).contains(&p.absence) {
                self.err(
                    format!("{path}.absence"),
                    format!(
                        "must be a share from 0 up to (not including) 1 (got {})",
                        p.absence
                    ),
                );
            }
            let speed = p.speed.unwrap_or(1.0);
            if !(speed > 0.0 && speed.is_finite()) {
                self.err(
                    format!("{path}.speed"),
                    format!("must be more than 0 (got {speed})"),
                );
            }
            if !(p.cost_per_hour >= 0.0 && p.cost_per_hour.is_finite()) {
                self.err(
                    format!("{path}.cost_per_hour"),
                    format!("must be 0 or more (got {})", p.cost_per_hour),
                );
            }
            self.share(&format!("{path}.deferred_share"), p.deferred_share);
            let wellbeing = p.wellbeing.as_ref().map(|w| {
                let wp = format!("{path}.wellbeing");
                if !(w.occupancy_over > 0.0 && w.occupancy_over <= 1.0) {
                    self.err(
                        format!("{wp}.occupancy_over"),
                        format!(
                            "must be a share above 0 and at most 1 (got {})",
                            w.occupancy_over
                        ),
                    );
                }
                self.share(&format!("{wp}.absence_up"), w.absence_up);
                if !(0.0..1.0).contains(&w.attrition_per_month) {
                    self.err(
                        format!("{wp}.attrition_per_month"),
                        format!(
                            "must be a share from 0 up to (not including) 1 (got {})",
                            w.attrition_per_month
                        ),
                    );
                }
                let window_s = w.window.map_or(7.0 * DAY_S, |d| d.secs());
                if window_s < interval_s {
                    self.err(
                        format!("{wp}.window"),
                        "shorter than the reporting interval",
                    );
                }
                WellbeingModel {
                    occupancy_over: w.occupancy_over,
                    window: ((window_s / interval_s).round() as usize).max(1),
                    absence_up: w.absence_up,
                    leave_per_day: 1.0
                        - (1.0 - w.attrition_per_month.clamp(0.0, 0.999)).powf(1.0 / 30.0),
                }
            });
            if let Some(w) = p.weekly_hours
                && !(w.secs() > 0.0 && w.secs() <= 7.0 * DAY_S)
            {
                self.err(
                    format!("{path}.weekly_hours"),
                    format!("must be more than 0 and at most a week (got {w})"),
                );
            }
            let weekly_s = p.weekly_hours.map_or_else(
                || p.hours.as_ref().map_or(7.0 * DAY_S, week_seconds),
                |d| d.secs(),
            );
            pools.push(Pool {
                name: name.clone(),
                headcount: p.headcount,
                on_duty,
                holiday_roster,
                holiday_pay: p.holiday_pay,
                breaks,
                absence: p.absence,
                speed,
                cost_per_hour: p.cost_per_hour,
                deferred_share: p.deferred_share,
                wellbeing,
                weekly_s,
                languages: speaks,
                routes,
            });
        }
        // Each class's pools in the order an arriving contact tries them.
        for (k, class) in classes.iter_mut().enumerate() {
            let mut ranked: Vec<(bool, u32, usize, Option<usize>)> = pools
                .iter()
                .enumerate()
                .filter_map(|(p, pool)| {
                    pool.routes
                        .iter()
                        .find(|r| r.class == k)
                        .map(|r| (r.interpreter.is_some(), r.level, p, r.interpreter))
                })
                .collect();
            ranked.sort_by_key(|&(i, l, p, _)| (i, l, p));
            class.pools = ranked.into_iter().map(|(_, _, p, i)| (p, i)).collect();
        }
        for (c, ch) in channels.iter_mut().enumerate() {
            let mut ranked: Vec<(u32, usize)> = pools
                .iter()
                .enumerate()
                .filter_map(|(p, pool)| {
                    pool.routes
                        .iter()
                        .filter(|r| classes[r.class].channel == c)
                        .map(|r| r.level)
                        .min()
                        .map(|level| (level, p))
                })
                .collect();
            ranked.sort();
            ch.pools = ranked.into_iter().map(|(_, p)| p).collect();
            // Mean handle time weighted by expected volume (gate rule).
            let (mut num, mut den) = (0.0, 0.0);
            for d in demands.iter().filter(|d| d.channel == c) {
                let v = d.expected_between(0.0, horizon_s, horizon_s);
                num += v * d.handle.mean();
                den += v;
            }
            ch.mean_handle_s = if den > 0.0 { num / den } else { 0.0 };
        }
        let mut warnings = Vec::new();
        for (c, ch) in channels.iter().enumerate() {
            let has_demand = classes.iter().any(|k| k.channel == c);
            if ch.pools.is_empty() && has_demand {
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
        for class in &classes {
            if class.pools.is_empty() && !channels[class.channel].pools.is_empty() {
                let lang = if explicit_languages {
                    format!(" in language `{}`", languages[class.language].name)
                } else {
                    String::new()
                };
                warnings.push(format!(
                    "no pool serves topic `{}`{lang} on channel `{}` (no pool lists it, speaks the language, or has an interpreter for it): these contacts wait until the end",
                    topic_names[class.topic], channels[class.channel].name
                ));
            }
        }

        let actions = self.actions(
            sc,
            &channels,
            &pools,
            &topic_names,
            first_weekday,
            days,
            interval_s,
        );

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
            currency: s.currency.clone(),
            channels,
            topics: topic_names.iter().map(|t| t.to_string()).collect(),
            topic_languages,
            handles,
            languages,
            interpreters,
            pools,
            demands,
            classes,
            class_of,
            actions,
            warnings,
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
        let ranges = self.week_ranges(path, week);
        Intervals::weekly(&ranges, first_weekday, days, &self.holidays)
    }

    /// A roster: its hours on duty (closed on holidays), and the hours it
    /// would have had on the holidays (paid without duty when the pool
    /// pays holidays).
    fn roster(
        &mut self,
        path: &str,
        week: &WeekHours,
        first_weekday: usize,
        days: u32,
    ) -> (Intervals, Intervals) {
        let ranges = self.week_ranges(path, week);
        (
            Intervals::weekly(&ranges, first_weekday, days, &self.holidays),
            Intervals::weekly_on(&ranges, first_weekday, days, &self.holidays),
        )
    }

    /// Ranges per weekday (Monday first), each day's problems reported once
    /// per key.
    fn week_ranges(&mut self, path: &str, week: &WeekHours) -> [Vec<(f64, f64)>; 7] {
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
        ranges
    }

    /// Checks the plans and actions; returns the actions that take part
    /// (those of enabled plans and those in no plan).
    #[allow(clippy::too_many_arguments)]
    fn actions(
        &mut self,
        sc: &Scenario,
        channels: &[Channel],
        pools: &[Pool],
        topic_names: &[&str],
        first_weekday: usize,
        days: u32,
        interval_s: f64,
    ) -> Vec<Action> {
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
        let pool_names: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
        let plan_names: Vec<&str> = sc.plans.keys().map(String::as_str).collect();
        let horizon_s = f64::from(days) * DAY_S;
        let mut out = Vec::new();
        let mut ids: Vec<&str> = Vec::new();
        for (i, a) in sc.actions.iter().enumerate() {
            let path = format!("actions[{i}]");
            let before = self.problems.len();
            if a.id.trim().is_empty() {
                self.err(format!("{path}.id"), "must not be empty");
            } else if ids.contains(&a.id.as_str()) {
                self.err(
                    format!("{path}.id"),
                    format!("`{}` is used by an earlier action", a.id),
                );
            }
            ids.push(&a.id);
            let enabled = a.enabled
                && match &a.plan {
                    None => true,
                    Some(p) => {
                        match self.resolve(&format!("{path}.plan"), "plan", p, &plan_names) {
                            Some(_) => sc.plans[p].enabled,
                            None => false,
                        }
                    }
                };
            self.action_keys(&path, a);
            let start_date = self.start_date;
            let date_s = |d: &crate::scenario::Date| {
                (super::surge::days_between(start_date, d.0) * DAY_S).max(0.0)
            };
            let fire = match (&a.at, &a.when) {
                (Some(d), None) => Some(Fire::At(date_s(d))),
                (None, Some(c)) => self
                    .condition(
                        &format!("{path}.when"),
                        c,
                        &channel_names,
                        &pool_names,
                        interval_s,
                    )
                    .map(Fire::When),
                (Some(_), Some(_)) => {
                    self.err_hint(
                        path.clone(),
                        "give either `at` (a date) or `when` (a trigger), not both",
                        "at = 2022-03-21, or when = { metric = \"service_level\", channel = \"hotline\", below = 0.6, window = \"1d\", for = \"2d\" }".into(),
                    );
                    None
                }
                (None, None) => {
                    self.err_hint(
                        path.clone(),
                        "missing: when is it decided? Give `at` (a date) or `when` (a trigger)",
                        "at = 2022-03-21, or when = { metric = \"service_level\", channel = \"hotline\", below = 0.6, window = \"1d\", for = \"2d\" }".into(),
                    );
                    None
                }
            };
            let release = match (&a.until, &a.release) {
                (None, None) => None,
                (Some(d), None) => Some(Fire::At(date_s(d))),
                (None, Some(c)) => self
                    .condition(
                        &format!("{path}.release"),
                        c,
                        &channel_names,
                        &pool_names,
                        interval_s,
                    )
                    .map(Fire::When),
                (Some(_), Some(_)) => {
                    self.err(
                        path.clone(),
                        "give either `until` (a date) or `release` (a condition), not both",
                    );
                    None
                }
            };
            if let (Some(Fire::At(a0)), Some(Fire::At(r0))) = (&fire, &release)
                && r0 <= a0
            {
                self.err(
                    format!("{path}.until"),
                    "must be after the action is decided (`at`)",
                );
            }
            let delay_s = a.delay.map_or(0.0, |d| d.secs());
            let duration_s = a.duration.map(|d| d.secs());
            if duration_s.is_some() && (a.until.is_some() || a.release.is_some()) {
                self.err(
                    format!("{path}.duration"),
                    "give one of `until`, `release` and `duration`",
                );
            }
            if duration_s.is_some_and(|d| d <= 0.0) {
                self.err(format!("{path}.duration"), "must be more than 0");
            }
            let pool = |ck: &mut Self, key: &str, v: &Option<String>| -> Option<usize> {
                v.as_ref().and_then(|name| {
                    ck.resolve(&format!("{path}.{key}"), "pool", name, &pool_names)
                })
            };
            let channel = |ck: &mut Self, v: &Option<String>| -> Option<usize> {
                v.as_ref().and_then(|name| {
                    ck.resolve(&format!("{path}.channel"), "channel", name, &channel_names)
                })
            };
            let topic = |ck: &mut Self, v: &Option<String>| -> Option<usize> {
                v.as_ref().and_then(|name| {
                    ck.resolve(&format!("{path}.topic"), "topic", name, topic_names)
                })
            };
            let speed = |ck: &mut Self, v: Option<f64>| -> f64 {
                let s = v.unwrap_or(1.0);
                if !(s > 0.0 && s <= 1.0) {
                    ck.err(
                        format!("{path}.start_speed"),
                        format!("must be a share above 0 and at most 1 (got {s})"),
                    );
                }
                s
            };
            let secs = |d: Option<crate::units::Duration>| d.map_or(0.0, |d| d.secs());
            let effect = match a.kind {
                ActionKind::Hire => {
                    let p = pool(self, "pool", &a.pool);
                    let count = a.count.unwrap_or(0);
                    if count == 0 {
                        self.err(format!("{path}.count"), "hire at least 1 person");
                    }
                    let start_speed = speed(self, a.start_speed);
                    let attrition = a.attrition_per_month.unwrap_or(0.0);
                    if !(0.0..1.0).contains(&attrition) {
                        self.err(
                            format!("{path}.attrition_per_month"),
                            format!(
                                "must be a share from 0 up to (not including) 1 (got {attrition})"
                            ),
                        );
                    }
                    for (key, v) in [
                        ("cost_per_hour", a.cost_per_hour),
                        ("cost_per_hire", a.cost_per_hire),
                    ] {
                        if let Some(v) = v
                            && !(v >= 0.0 && v.is_finite())
                        {
                            self.err(
                                format!("{path}.{key}"),
                                format!("must be 0 or more (got {v})"),
                            );
                        }
                    }
                    let roster = a
                        .hours
                        .as_ref()
                        .map(|h| self.roster(&format!("{path}.hours"), h, first_weekday, days));
                    let trainer_pool = match &a.trainers_from {
                        Some(_) => pool(self, "trainers_from", &a.trainers_from),
                        None => p,
                    };
                    let trainers = match (a.trainers, trainer_pool) {
                        (Some(n), Some(tp)) if n > 0 => {
                            if n > pools[tp].headcount {
                                self.err(
                                    format!("{path}.trainers"),
                                    format!(
                                        "must be at most the {} staff of pool `{}` (got {n})",
                                        pools[tp].headcount, pools[tp].name
                                    ),
                                );
                            }
                            if a.training.is_none() {
                                self.err(
                                    format!("{path}.trainers"),
                                    "trainers need a `training` period",
                                );
                            }
                            Some((tp, n))
                        }
                        _ => {
                            if a.trainers_from.is_some() && a.trainers.is_none() {
                                self.err(
                                    format!("{path}.trainers_from"),
                                    "give `trainers` (how many) too",
                                );
                            }
                            None
                        }
                    };
                    p.map(|p| {
                        Effect::Hire(Hire {
                            pool: p,
                            count,
                            lead_s: secs(a.lead_time),
                            training_s: secs(a.training),
                            start_speed,
                            ramp_s: secs(a.ramp),
                            leave_rate: -(1.0 - attrition).ln() / (30.0 * DAY_S),
                            contract_s: a.contract.map(|d| d.secs()),
                            cost_per_hour: a.cost_per_hour.unwrap_or(pools[p].cost_per_hour),
                            cost_per_hire: a.cost_per_hire.unwrap_or(0.0),
                            roster,
                            trainers,
                        })
                    })
                }
                ActionKind::Redeploy => {
                    let from = pool(self, "from", &a.from);
                    let to = pool(self, "to", &a.to);
                    if from.is_some() && from == to {
                        self.err(format!("{path}.to"), "staff must move to another pool");
                    }
                    let start_speed = speed(self, a.start_speed);
                    let count = match (a.count, a.share, from) {
                        (Some(_), Some(_), _) => {
                            self.err(path.clone(), "give either `count` or `share`, not both");
                            None
                        }
                        (None, None, _) => {
                            self.err_hint(
                                path.clone(),
                                "missing: how many move? Give `count` or `share`",
                                "count = 5, or share = 0.25 of the home pool".into(),
                            );
                            None
                        }
                        (Some(n), None, Some(f)) => {
                            if n == 0 || n > pools[f].headcount {
                                self.err(
                                    format!("{path}.count"),
                                    format!(
                                        "must be between 1 and the {} staff of pool `{}` (got {n})",
                                        pools[f].headcount, pools[f].name
                                    ),
                                );
                            }
                            Some(n)
                        }
                        (None, Some(sh), Some(f)) => {
                            self.share(&format!("{path}.share"), sh);
                            let n = (sh * f64::from(pools[f].headcount)).round() as u32;
                            if n == 0 {
                                self.err(
                                    format!("{path}.share"),
                                    format!(
                                        "moves nobody: {sh} of {} staff rounds to 0",
                                        pools[f].headcount
                                    ),
                                );
                            }
                            Some(n)
                        }
                        _ => None,
                    };
                    match (from, to, count) {
                        (Some(from), Some(to), Some(count)) => Some(Effect::Redeploy(Redeploy {
                            from,
                            to,
                            count,
                            switch_s: secs(a.switch_over),
                            start_speed,
                            ramp_s: secs(a.ramp),
                        })),
                        _ => None,
                    }
                }
                ActionKind::Hours => {
                    let hours = a
                        .hours
                        .as_ref()
                        .map(|h| self.roster(&format!("{path}.hours"), h, first_weekday, days));
                    if hours.is_none() {
                        self.err_hint(
                            path.clone(),
                            "missing `hours`: the new hours",
                            "e.g. hours = { weekdays = \"08:00-20:00\", sat = \"09:00-13:00\" }"
                                .into(),
                        );
                    }
                    match (&a.channel, &a.pool) {
                        (Some(_), Some(_)) | (None, None) => {
                            self.err_hint(
                                path.clone(),
                                "give exactly one of `channel` (opening hours) or `pool` (roster)",
                                "use two actions to change both".into(),
                            );
                            None
                        }
                        (Some(_), None) => {
                            let c = channel(self, &a.channel);
                            if let Some(c) = c
                                && channels[c].kind == ChannelKind::Email
                            {
                                self.err(format!("{path}.channel"), "e-mail has no opening hours; change the roster of the pools that answer it");
                            }
                            c.zip(hours)
                                .map(|(channel, (open, _))| Effect::ChannelHours { channel, open })
                        }
                        (None, Some(_)) => {
                            let rate = a.overtime_rate.unwrap_or(1.5);
                            if !(rate >= 1.0 && rate.is_finite()) {
                                self.err(
                                    format!("{path}.overtime_rate"),
                                    format!("must be 1 or more (got {rate})"),
                                );
                            }
                            let cap = a.overtime_cap.map(|d| d.secs());
                            pool(self, "pool", &a.pool).zip(hours).map(
                                |(p, (on_duty, holiday_roster))| {
                                    // Weekly hours per person of the new roster
                                    // against the contract: overtime, capped.
                                    let contract = pools[p].weekly_s;
                                    let roster = a.hours.as_ref().map_or(0.0, week_seconds);
                                    let overtime = (roster - contract).max(0.0);
                                    let worked = cap.map_or(overtime, |c| overtime.min(c));
                                    let scale = if roster > 0.0 {
                                        ((contract + worked) / roster).min(1.0)
                                    } else {
                                        1.0
                                    };
                                    let paid = contract.min(roster) + worked;
                                    let cost_factor = if paid > 0.0 {
                                        (contract.min(roster) + rate * worked) / paid
                                    } else {
                                        1.0
                                    };
                                    Effect::PoolHours {
                                        pool: p,
                                        on_duty,
                                        holiday_roster,
                                        scale,
                                        cost_factor,
                                    }
                                },
                            )
                        }
                    }
                }
                ActionKind::Lines | ActionKind::Counters => {
                    let lines = a.kind == ActionKind::Lines;
                    let (key, want, value) = if lines {
                        ("lines", ChannelKind::Phone, a.lines)
                    } else {
                        ("counters", ChannelKind::Desk, a.counters)
                    };
                    let c = channel(self, &a.channel);
                    if a.channel.is_none() {
                        self.err(format!("{path}.channel"), "missing: which channel?");
                    }
                    if let Some(c) = c
                        && channels[c].kind != want
                    {
                        self.err(
                            format!("{path}.channel"),
                            format!(
                                "`{key}` applies to {} channel; `{}` is {} channel",
                                with_article(want),
                                channels[c].name,
                                with_article(channels[c].kind)
                            ),
                        );
                    }
                    match value {
                        None | Some(0) => {
                            self.err(
                                format!("{path}.{key}"),
                                format!("missing or 0: the new number of {key}"),
                            );
                            None
                        }
                        Some(n) => c.map(|channel| {
                            if lines {
                                Effect::Lines { channel, lines: n }
                            } else {
                                Effect::Counters {
                                    channel,
                                    counters: n,
                                }
                            }
                        }),
                    }
                }
                ActionKind::Callbacks => {
                    let c = channel(self, &a.channel);
                    if a.channel.is_none() {
                        self.err(format!("{path}.channel"), "missing: which phone channel?");
                    }
                    if let Some(c) = c
                        && channels[c].kind != ChannelKind::Phone
                    {
                        self.err(
                            format!("{path}.channel"),
                            format!(
                                "callbacks apply to a phone channel; `{}` is {} channel",
                                channels[c].name,
                                with_article(channels[c].kind)
                            ),
                        );
                    }
                    let accept = a.accept.unwrap_or(-1.0);
                    if a.accept.is_none() {
                        self.err_hint(
                            path.clone(),
                            "missing `accept`: the share of callers offered a callback who take it",
                            "e.g. accept = 0.6".into(),
                        );
                    } else {
                        self.share(&format!("{path}.accept"), accept);
                    }
                    let within_s = a.within.map_or(0.0, |d| d.secs());
                    if within_s <= 0.0 {
                        self.err_hint(
                            format!("{path}.within"),
                            "missing or not above 0: the promised time to call back",
                            "e.g. within = \"4h\"".into(),
                        );
                    }
                    c.map(|channel| Effect::Callbacks {
                        channel,
                        offer_over_s: a.offer_over.map_or(0.0, |d| d.secs()),
                        accept,
                        within_s,
                    })
                }
                ActionKind::Support => {
                    let p = pool(self, "pool", &a.pool);
                    if a.pool.is_none() {
                        self.err(format!("{path}.pool"), "missing: which pool's staff?");
                    }
                    let damping = a.damping.unwrap_or(-1.0);
                    if a.damping.is_none() {
                        self.err_hint(
                            path.clone(),
                            "missing `damping`: the share of the overload effects it removes",
                            "e.g. damping = 0.5".into(),
                        );
                    } else {
                        self.share(&format!("{path}.damping"), damping);
                    }
                    if let Some(p) = p
                        && pools[p].wellbeing.is_none()
                    {
                        self.err_hint(
                            format!("{path}.pool"),
                            format!("pool `{}` has no `wellbeing` model, so support changes nothing", pools[p].name),
                            format!("add [pools.{}.wellbeing] with occupancy_over, absence_up, attrition_per_month", pools[p].name),
                        );
                    }
                    p.map(|pool| Effect::Support { pool, damping })
                }
                ActionKind::OpenChannel => {
                    let t = topic(self, &a.topic);
                    if a.topic.is_none() {
                        self.err(format!("{path}.topic"), "missing: which topic?");
                    }
                    let to = channel(self, &a.channel);
                    if a.channel.is_none() {
                        self.err(
                            format!("{path}.channel"),
                            "missing: the channel that opens (define it under [channels] too)",
                        );
                    }
                    let from = a.from.as_ref().and_then(|name| {
                        self.resolve(&format!("{path}.from"), "channel", name, &channel_names)
                    });
                    if from.is_some() && from == to {
                        self.err(
                            format!("{path}.from"),
                            "a channel cannot take over its own contacts",
                        );
                    }
                    let share = a.takes.unwrap_or(-1.0);
                    if a.takes.is_none() {
                        self.err_hint(
                            path.clone(),
                            "missing `takes`: the share of the topic's contacts it takes over",
                            "e.g. takes = 0.6".into(),
                        );
                    } else {
                        self.share(&format!("{path}.takes"), share);
                    }
                    if let (Some(t), Some(to)) = (t, to)
                        && !sc.topics[topic_names[t]]
                            .handle
                            .contains_key(channel_names[to])
                    {
                        self.err_hint(
                            format!("{}.handle", crate::scenario::join_path("topics", topic_names[t])),
                            format!(
                                "no handle time for channel `{}`, which {path} opens for this topic",
                                channel_names[to]
                            ),
                            format!(
                                "add handle.{} = {{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }}",
                                channel_names[to]
                            ),
                        );
                    }
                    match (t, to) {
                        (Some(topic), Some(to)) => Some(Effect::Reroute {
                            topic,
                            from,
                            to,
                            share,
                        }),
                        _ => None,
                    }
                }
                ActionKind::Deflect | ActionKind::ModelAnswers => {
                    let t = topic(self, &a.topic);
                    if a.topic.is_none() {
                        self.err(format!("{path}.topic"), "missing: which topic?");
                    }
                    let c = channel(self, &a.channel);
                    if a.kind == ActionKind::Deflect {
                        let share = a.deflect.unwrap_or(-1.0);
                        if a.deflect.is_none() {
                            self.err_hint(
                                path.clone(),
                                "missing `deflect`: the share of the topic's contacts taken away",
                                "e.g. deflect = 0.3".into(),
                            );
                        } else {
                            self.share(&format!("{path}.deflect"), share);
                        }
                        t.map(|topic| Effect::Deflect {
                            topic,
                            channel: c,
                            share,
                            adoption_s: secs(a.adoption),
                        })
                    } else {
                        let factor = a.factor.unwrap_or(-1.0);
                        if !(factor > 0.0 && factor.is_finite()) {
                            self.err_hint(
                                format!("{path}.factor"),
                                "missing or not above 0: the handle-time multiplier",
                                "e.g. factor = 0.7 (30 % shorter)".into(),
                            );
                        }
                        t.map(|topic| Effect::ModelAnswers {
                            topic,
                            channel: c,
                            factor,
                        })
                    }
                }
            };
            if self.problems.len() > before || !enabled {
                continue;
            }
            if let (Some(fire), Some(effect)) = (fire, effect) {
                if let Fire::At(t) = fire
                    && t >= horizon_s
                {
                    continue;
                }
                out.push(Action {
                    id: a.id.clone(),
                    fire,
                    delay_s,
                    release,
                    duration_s,
                    effect,
                });
            }
        }
        out
    }

    /// Keys that do not apply to an action's kind.
    fn action_keys(&mut self, path: &str, a: &crate::scenario::Action) {
        let present: [(&str, bool); 29] = [
            ("pool", a.pool.is_some()),
            ("from", a.from.is_some()),
            ("to", a.to.is_some()),
            ("count", a.count.is_some()),
            ("share", a.share.is_some()),
            ("lead_time", a.lead_time.is_some()),
            ("training", a.training.is_some()),
            ("start_speed", a.start_speed.is_some()),
            ("ramp", a.ramp.is_some()),
            ("attrition_per_month", a.attrition_per_month.is_some()),
            ("contract", a.contract.is_some()),
            ("cost_per_hour", a.cost_per_hour.is_some()),
            ("cost_per_hire", a.cost_per_hire.is_some()),
            ("trainers", a.trainers.is_some()),
            ("trainers_from", a.trainers_from.is_some()),
            ("switch_over", a.switch_over.is_some()),
            ("channel", a.channel.is_some()),
            ("hours", a.hours.is_some()),
            ("lines", a.lines.is_some()),
            ("counters", a.counters.is_some()),
            ("topic", a.topic.is_some()),
            (
                "deflect",
                a.deflect.is_some() || a.adoption.is_some() || a.factor.is_some(),
            ),
            ("takes", a.takes.is_some()),
            ("damping", a.damping.is_some()),
            ("overtime_cap", a.overtime_cap.is_some()),
            ("overtime_rate", a.overtime_rate.is_some()),
            ("offer_over", a.offer_over.is_some()),
            ("accept", a.accept.is_some()),
            ("within", a.within.is_some()),
        ];
        let allowed: &[&str] = match a.kind {
            ActionKind::Hire => &[
                "pool",
                "count",
                "lead_time",
                "training",
                "start_speed",
                "ramp",
                "attrition_per_month",
                "contract",
                "cost_per_hour",
                "cost_per_hire",
                "hours",
                "trainers",
                "trainers_from",
            ],
            ActionKind::Redeploy => &[
                "from",
                "to",
                "count",
                "share",
                "switch_over",
                "start_speed",
                "ramp",
            ],
            ActionKind::Hours => &["channel", "pool", "hours", "overtime_cap", "overtime_rate"],
            ActionKind::Lines => &["channel", "lines"],
            ActionKind::Counters => &["channel", "counters"],
            ActionKind::Deflect | ActionKind::ModelAnswers => &["topic", "channel", "deflect"],
            ActionKind::OpenChannel => &["topic", "channel", "from", "takes"],
            ActionKind::Support => &["pool", "damping"],
            ActionKind::Callbacks => &["channel", "offer_over", "accept", "within"],
        };
        let what = format!("a `{}` action", snake(&format!("{:?}", a.kind)));
        self.keys_apply(path, &present, allowed, &what, "");
        // The three keys folded into "deflect" above, by kind.
        if a.kind == ActionKind::Deflect && a.factor.is_some() {
            self.err(
                format!("{path}.factor"),
                "`factor` applies to `model_answers` actions",
            );
        }
        if a.kind == ActionKind::ModelAnswers && (a.deflect.is_some() || a.adoption.is_some()) {
            let key = if a.deflect.is_some() {
                "deflect"
            } else {
                "adoption"
            };
            self.err(
                format!("{path}.{key}"),
                format!("`{key}` applies to `deflect` actions"),
            );
        }
    }

    /// Checks a trigger condition.
    fn condition(
        &mut self,
        path: &str,
        c: &crate::scenario::Condition,
        channel_names: &[&str],
        pool_names: &[&str],
        interval_s: f64,
    ) -> Option<Trigger> {
        let names: Vec<&str> = Metric::ALL.iter().map(|(n, _)| *n).collect();
        let metric = self
            .resolve(&format!("{path}.metric"), "metric", &c.metric, &names)
            .map(|i| Metric::ALL[i].1);
        let target = match metric {
            Some(m) if m.on_pool() => {
                if c.channel.is_some() {
                    self.err(
                        format!("{path}.channel"),
                        format!("`{}` is measured on a pool: give `pool`", c.metric),
                    );
                }
                match &c.pool {
                    Some(p) => self.resolve(&format!("{path}.pool"), "pool", p, pool_names),
                    None => {
                        self.err(
                            path.to_string(),
                            format!("missing `pool`: `{}` is measured on a pool", c.metric),
                        );
                        None
                    }
                }
            }
            Some(_) => {
                if c.pool.is_some() {
                    self.err(
                        format!("{path}.pool"),
                        format!("`{}` is measured on a channel: give `channel`", c.metric),
                    );
                }
                match &c.channel {
                    Some(ch) => {
                        self.resolve(&format!("{path}.channel"), "channel", ch, channel_names)
                    }
                    None => {
                        self.err(
                            path.to_string(),
                            format!("missing `channel`: `{}` is measured on a channel", c.metric),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        let (below, threshold) = match (c.below, c.above) {
            (Some(x), None) => (true, x),
            (None, Some(x)) => (false, x),
            _ => {
                self.err_hint(
                    path.to_string(),
                    "give exactly one of `below` and `above`",
                    "e.g. below = 0.6".into(),
                );
                (true, f64::NAN)
            }
        };
        if !threshold.is_finite() && (c.below.is_some() != c.above.is_some()) {
            self.err(path.to_string(), "the threshold must be a number");
        }
        let window_s = c.window.map_or(DAY_S, |d| d.secs());
        if window_s < interval_s {
            self.err_hint(
                format!("{path}.window"),
                format!(
                    "shorter than the reporting interval ({})",
                    crate::units::human_duration(interval_s)
                ),
                "triggers are checked at the end of each reporting interval, over whole intervals"
                    .into(),
            );
        }
        let window = ((window_s / interval_s).round() as usize).max(1);
        let hold = (c.hold.map_or(0.0, |d| d.secs()) / interval_s).round() as usize + 1;
        Some(Trigger {
            metric: metric?,
            target: target?,
            below,
            threshold,
            window,
            hold,
        })
    }

    /// Reports each key that is set but does not apply to `what` ("an
    /// e-mail channel", "a `lines` action"), naming the keys that do.
    fn keys_apply(
        &mut self,
        path: &str,
        present: &[(&str, bool)],
        allowed: &[&str],
        what: &str,
        why: &str,
    ) {
        for &(key, set) in present {
            if set && !allowed.contains(&key) {
                self.err_hint(
                    format!("{path}.{key}"),
                    format!("`{key}` does not apply to {what}{why}"),
                    format!("{what} takes: {}", allowed.join(", ")),
                );
            }
        }
    }

    /// Keys that do not apply to the channel's kind.
    fn channel_keys(&mut self, path: &str, ch: &crate::scenario::Channel) {
        let present: [(&str, bool); 12] = [
            ("hours", ch.hours.is_some()),
            ("lines", ch.lines.is_some()),
            ("patience", ch.patience.is_some()),
            ("redial", ch.redial.is_some()),
            ("clock", ch.clock.is_some()),
            ("business_hours", ch.business_hours.is_some()),
            ("counters", ch.counters.is_some()),
            ("closing", ch.closing.is_some()),
            ("returns", ch.returns.is_some()),
            ("appointments", ch.appointments.is_some()),
            ("switch", ch.switch.is_some()),
            ("cost_per_day", ch.cost_per_day.is_some()),
        ];
        let allowed: &[&str] = match ch.kind {
            ChannelKind::Phone => &[
                "hours",
                "lines",
                "patience",
                "redial",
                "switch",
                "cost_per_day",
            ],
            ChannelKind::Email => &["clock", "business_hours"],
            ChannelKind::Desk => &[
                "hours",
                "counters",
                "closing",
                "patience",
                "returns",
                "appointments",
                "switch",
                "cost_per_day",
            ],
        };
        let why = match ch.kind {
            ChannelKind::Email => {
                " (e-mails arrive at any time and wait in the backlog; staff hours say when they are answered)"
            }
            _ => "",
        };
        let what = format!("{} channel", with_article(ch.kind));
        self.keys_apply(path, &present, allowed, &what, why);
    }

    /// Checks a table of shares that must name known things and sum to 1.
    fn shares(
        &mut self,
        path: &str,
        shares: &std::collections::BTreeMap<String, f64>,
        what: &str,
        names: &[&str],
    ) -> Vec<(usize, f64)> {
        let mut out = Vec::new();
        let mut sum = 0.0;
        for (key, &v) in shares {
            let kpath = format!("{path}.{key}");
            self.share(&kpath, v);
            sum += v;
            if let Some(i) = self.resolve(&kpath, what, key, names)
                && v > 0.0
            {
                out.push((i, v));
            }
        }
        if (sum - 1.0).abs() > 1e-6 {
            self.err_hint(
                path.to_string(),
                format!(
                    "the shares add up to {} instead of 1",
                    crate::units::trim_float(sum)
                ),
                "adjust them so that they sum to 1, e.g. { a = 0.7, b = 0.3 }".into(),
            );
        }
        out
    }

    /// The channels a demand entry's contacts go to, with shares.
    fn targets(
        &mut self,
        path: &str,
        channel: Option<&str>,
        topic: usize,
        topic_channels: &[Option<Vec<(usize, f64)>>],
        channel_names: &[&str],
        topics: &std::collections::BTreeMap<String, crate::scenario::Topic>,
    ) -> Option<Vec<(usize, f64)>> {
        match channel {
            Some(name) => self
                .resolve(&format!("{path}.channel"), "channel", name, channel_names)
                .map(|c| vec![(c, 1.0)]),
            None => match &topic_channels[topic] {
                Some(list) => Some(list.clone()),
                None => {
                    let tname = topics.keys().nth(topic).map_or("", String::as_str);
                    self.err_hint(
                        format!("{path}.channel"),
                        format!(
                            "missing: give `channel`, or channel shares for topic `{tname}`"
                        ),
                        format!(
                            "e.g. channel = \"{}\", or in [topics.{tname}]: channels = {{ {} = 1.0 }}",
                            channel_names.first().unwrap_or(&"hotline"),
                            channel_names.first().unwrap_or(&"hotline")
                        ),
                    );
                    None
                }
            },
        }
    }

    /// The handle time of a topic on a channel, or a problem.
    #[allow(clippy::too_many_arguments)]
    fn handle_for(
        &mut self,
        handles: &[Option<Dist>],
        nc: usize,
        topic: usize,
        c: usize,
        topics: &std::collections::BTreeMap<String, crate::scenario::Topic>,
        channel_names: &[&str],
        path: &str,
    ) -> Option<Dist> {
        if let Some(h) = &handles[topic * nc + c] {
            return Some(h.clone());
        }
        let (tname, topic_def) = topics.iter().nth(topic)?;
        if !topic_def.handle.contains_key(channel_names[c]) {
            self.err_hint(
                format!("{}.handle", crate::scenario::join_path("topics", tname)),
                format!(
                    "no handle time for channel `{}`, which {path} sends this topic to",
                    channel_names[c]
                ),
                format!(
                    "add handle.{} = {{ dist = \"lognormal\", mean = \"7m\", sd = \"3m\" }}",
                    channel_names[c]
                ),
            );
        }
        None
    }

    /// Checks a demand entry with a constant `rate`; returns an empty daily
    /// table (the rate is used directly).
    fn rate_only(&mut self, path: &str, d: &crate::scenario::Demand) -> Option<Vec<f64>> {
        let before = self.problems.len();
        if d.per_day.is_some() {
            self.err_hint(
                path.to_string(),
                "give either `rate` or `per_day`, not both",
                "rate = \"22/min\" is a constant rate while open; per_day = 1200 is a daily volume"
                    .into(),
            );
        }
        if !d.surges.is_empty() {
            self.err_hint(
                format!("{path}.surges"),
                "surges add contacts per day and need a daily baseline",
                "use per_day = N (0 for none) instead of rate".into(),
            );
        }
        for (key, set) in [
            ("weekday_factors", d.weekday_factors.is_some()),
            ("hour_weights", d.hour_weights.is_some()),
        ] {
            if set {
                self.err_hint(
                    format!("{path}.{key}"),
                    format!("`{key}` shapes a daily volume and does not apply to `rate`"),
                    "use per_day = N instead of rate to shape demand by weekday and hour".into(),
                );
            }
        }
        (self.problems.len() == before).then(Vec::new)
    }

    /// Daily volumes over the horizon: baseline × weekday factor, plus
    /// shaped surges (which follow the weekday factors) and tables (taken
    /// as they are).
    #[allow(clippy::too_many_arguments)]
    fn daily(
        &mut self,
        path: &str,
        has_rate: bool,
        per_day: Option<f64>,
        weekday_factors: Option<&crate::scenario::WeekdayFactors>,
        surges: &[crate::scenario::Surge],
        days: u32,
        first_weekday: usize,
    ) -> Option<Vec<f64>> {
        let before = self.problems.len();
        let Some(per_day) = per_day else {
            if !has_rate {
                self.err_hint(
                    path.to_string(),
                    "no volume: give `rate` or `per_day`",
                    "rate = \"22/min\" is a constant rate while open; per_day = 1200 is a daily volume".into(),
                );
            }
            return None;
        };
        if !(per_day >= 0.0 && per_day.is_finite()) {
            self.err(
                format!("{path}.per_day"),
                format!("must be 0 or more a day (got {per_day})"),
            );
        }
        let factors = weekday_factors.map(|w| w.by_day());
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
        let mut shaped = vec![0.0; days as usize];
        let mut table = vec![0.0; days as usize];
        for (j, surge) in surges.iter().enumerate() {
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
        Some(
            (0..days as usize)
                .map(|day| {
                    let wd = (first_weekday + day) % 7;
                    (per_day + shaped[day]) * factors.map_or(1.0, |f| f[wd].1) + table[day]
                })
                .collect(),
        )
    }

    fn hour_weights(&mut self, path: &str, w: &[f64]) {
        if w.len() != 24 {
            self.err_hint(
                path.to_string(),
                format!("has {} values; it needs 24 (hour 0 to hour 23)", w.len()),
                "e.g. zeros at night and relative weights for the open hours".into(),
            );
        } else if w.iter().any(|x| !(*x >= 0.0 && x.is_finite())) {
            self.err(path.to_string(), "weights must be 0 or more");
        } else if w.iter().sum::<f64>() <= 0.0 {
            self.err(path.to_string(), "at least one weight must be above 0");
        }
    }
}

/// Seconds on duty in a week of these hours (ranges that do not parse
/// count as nothing; they are reported elsewhere).
fn week_seconds(week: &WeekHours) -> f64 {
    week.resolve()
        .iter()
        .flatten()
        .filter_map(|(_, h)| day_ranges(h).ok())
        .flatten()
        .map(|(a, b)| b - a)
        .sum()
}

/// "a phone", "an e-mail", "a desk".
fn with_article(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Phone => "a phone",
        ChannelKind::Email => "an e-mail",
        ChannelKind::Desk => "a desk",
    }
}

/// `ModelAnswers` → `model_answers`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

fn kind_name(kind: ChannelKind) -> &'static str {
    kind.word()
}

/// A constant rate while `open`.
fn rate_pieces(rate_per_s: f64, open: &Intervals, horizon_s: f64) -> Vec<Piece> {
    let mut spans = vec![Piece {
        start_s: 0.0,
        rate_per_s: 0.0,
    }];
    for &(a, b) in open.spans() {
        spans.push(Piece {
            start_s: a,
            rate_per_s,
        });
        spans.push(Piece {
            start_s: b,
            rate_per_s: 0.0,
        });
    }
    normalise(spans, horizon_s)
}

/// Daily volumes spread over each day by hour weights, or evenly over the
/// opening hours (a day with no opening hours gets its contacts spread over
/// the whole day: they come, and are counted as not offered).
fn pieces_from_daily(
    volumes: &[f64],
    hour_weights: Option<&[f64]>,
    open: &Intervals,
    horizon_s: f64,
) -> Vec<Piece> {
    let mut pieces = vec![Piece {
        start_s: 0.0,
        rate_per_s: 0.0,
    }];
    for (day, &volume) in volumes.iter().enumerate() {
        let base = day as f64 * DAY_S;
        match hour_weights {
            Some(w) if w.len() == 24 => {
                let total: f64 = w.iter().sum();
                for (h, wh) in w.iter().enumerate() {
                    pieces.push(Piece {
                        start_s: base + h as f64 * 3600.0,
                        rate_per_s: if total > 0.0 {
                            volume * wh / total / 3600.0
                        } else {
                            0.0
                        },
                    });
                }
            }
            _ => {
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
                    pieces.push(Piece {
                        start_s: base,
                        rate_per_s: volume / DAY_S,
                    });
                }
            }
        }
    }
    normalise(pieces, horizon_s)
}

/// Moves the volume of days on which the channel never opens to its next
/// open day (newcomers who need the agency wait for it to open); volume
/// after the last open day stays where it is (counted as closed attempts).
fn carry_to_open_days(volumes: &mut [f64], open: &Intervals) {
    let is_open: Vec<bool> = (0..volumes.len())
        .map(|d| open.overlap(d as f64 * DAY_S, (d + 1) as f64 * DAY_S) > 0.0)
        .collect();
    let mut carry = 0.0;
    for d in 0..volumes.len() {
        if is_open[d] {
            volumes[d] += carry;
            carry = 0.0;
        } else if is_open[d..].iter().any(|&o| o) {
            carry += volumes[d];
            volumes[d] = 0.0;
        }
    }
}

/// Contacts per day made by the newcomers of each day: each newcomer
/// (arriving uniformly within its day) makes on average `per_person`
/// contacts, each after a delay from `delay`. The result is exact for
/// Poisson newcomers: their contacts form a Poisson process whose daily
/// rate is this convolution.
fn convolve_days(newcomers: &[f64], delay: &Dist, per_person: f64) -> Vec<f64> {
    let days = newcomers.len();
    // q[j]: probability that a contact falls on day j after the newcomer's
    // day, averaging the arrival time over the day (midpoint rule).
    const STEPS: usize = 24;
    let mut q = vec![0.0; days];
    for (j, qj) in q.iter_mut().enumerate() {
        let mut p = 0.0;
        for s in 0..STEPS {
            let u = (s as f64 + 0.5) / STEPS as f64;
            let lo = (j as f64 - u) * DAY_S;
            let hi = (j as f64 + 1.0 - u) * DAY_S;
            p += delay.cdf(hi) - if lo < 0.0 { 0.0 } else { delay.cdf(lo) };
        }
        *qj = p / STEPS as f64;
    }
    let mut out = vec![0.0; days];
    for (d, &n) in newcomers.iter().enumerate() {
        if n == 0.0 {
            continue;
        }
        for (j, &qj) in q[..days - d].iter().enumerate() {
            out[d + j] += n * per_person * qj;
        }
    }
    out
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
        assert_eq!(m.pools[0].duty_steps(m.horizon_s)[1], (8.5 * 3600.0, 10));
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
