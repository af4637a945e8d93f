//! Demand and surges: `[[demand]]` (a constant `rate`, or a daily volume
//! shaped by weekday factors, surges, surge tables and hour weights) and
//! `[[newcomers]]` (people arriving who contact the agency after a delay),
//! turned into piecewise-constant arrival rates per channel.
//!
//! A `[[demand]]` entry's rate is one of: a constant `rate` while open; a
//! daily volume (`per_day` × weekday factor, plus surges) spread within
//! each day by `hour_weights`, by an `intraday` profile per weekday, or
//! evenly over the opening hours; or an arrival table (`file`, contacts per
//! step), with surges on top spread evenly over the opening hours. Shaped
//! surges follow their shape within the day: each piece of the rate (at
//! least hourly) carries the shape's exact average over that piece.

use crate::dist::Dist;
use crate::model::schedule::Intervals;
use crate::model::surge::{Shape, daily_volumes};
use crate::model::table::{Intraday, WEEKDAYS, read_arrivals, read_intraday};
use crate::model::{Channel, DAY_S, DemandStream, Piece};
use crate::scenario::Scenario;

use super::calendar::Calendar;
use super::checker::Checker;
use super::topics::Topics;

/// Most contacts of one demand stream in one replication.
const MAX_CONTACTS: f64 = 1e9;

impl Checker<'_> {
    /// Checks `[[demand]]` and `[[newcomers]]` and builds their streams.
    pub(super) fn demands(
        &mut self,
        sc: &Scenario,
        cal: &Calendar,
        channels: &[Channel],
        topics: &Topics,
    ) -> Vec<DemandStream> {
        if sc.demand.is_empty() && sc.newcomers.is_empty() {
            self.err_hint(
                "demand",
                "the scenario has no demand",
                "add a [[demand]] entry with topic, channel and rate or per_day, or a [[newcomers]] entry".into(),
            );
        }
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
        let horizon_s = cal.horizon_s;
        let mut demands: Vec<DemandStream> = Vec::new();
        for (i, d) in sc.demand.iter().enumerate() {
            let path = format!("demand[{i}]");
            let topic = self.resolve(&format!("{path}.topic"), "topic", &d.topic, &topics.names);
            let table = if d.file.is_some() {
                self.file_only(&path, d)
            } else {
                None
            };
            let daily = if d.file.is_some() {
                self.daily(&path, false, Some(0.0), None, &d.surges, cal)
            } else if d.rate.is_some() {
                self.rate_only(&path, d).map(|_| Daily::default())
            } else {
                self.daily(
                    &path,
                    d.rate.is_some(),
                    d.per_day,
                    d.weekday_factors.as_ref(),
                    &d.surges,
                    cal,
                )
            };
            if let Some(w) = &d.hour_weights {
                self.hour_weights(&format!("{path}.hour_weights"), w);
            }
            let intraday = match (&d.intraday, &d.hour_weights) {
                (Some(_), Some(_)) => {
                    self.err_hint(
                        format!("{path}.intraday"),
                        "give either `hour_weights` or `intraday`, not both",
                        "intraday = \"profile.csv\" spreads each weekday by 15 or 30 minutes; hour_weights the same 24 weights every day".into(),
                    );
                    None
                }
                (Some(file), None) => self.intraday(&path, file, daily.as_ref(), cal),
                _ => None,
            };
            let spread = match (&intraday, &d.hour_weights) {
                (Some(p), _) => Spread::Intraday(p),
                (None, Some(w)) if w.len() == 24 => Spread::Hours(w),
                _ => Spread::Open,
            };
            let Some(topic) = topic else { continue };
            let Some(targets) =
                self.targets(&path, d.channel.as_deref(), topic, topics, &channel_names)
            else {
                continue;
            };
            let Some(daily) = daily else { continue };
            if d.file.is_some() && table.is_none() {
                continue;
            }
            for (c, share) in targets {
                let Some(handle) =
                    self.handle_for(topics, &sc.topics, topic, c, &channel_names, &path)
                else {
                    continue;
                };
                let open = &channels[c].open;
                let pieces = match (&table, d.rate) {
                    (Some(t), _) => {
                        let mut from_table = t.pieces(horizon_s);
                        for p in &mut from_table {
                            p.rate_per_s *= share;
                        }
                        let from_table = normalise(from_table, horizon_s);
                        if daily.is_zero() {
                            from_table
                        } else {
                            let extra = daily.pieces(share, Spread::Open, open, cal, horizon_s);
                            sum_pieces(&from_table, &extra, horizon_s)
                        }
                    }
                    (None, Some(rate)) => rate_pieces(rate.as_per_sec() * share, open, horizon_s),
                    (None, None) => daily.pieces(share, spread, open, cal, horizon_s),
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
            let streams = self.newcomers(&path, n, sc, cal, channels, topics);
            demands.extend(streams);
        }
        self.volume_limit(&demands, &channel_names, horizon_s);
        demands
    }

    /// Checks one `[[newcomers]]` entry and builds its streams.
    fn newcomers(
        &mut self,
        path: &str,
        n: &crate::scenario::Newcomers,
        sc: &Scenario,
        cal: &Calendar,
        channels: &[Channel],
        topics: &Topics,
    ) -> Vec<DemandStream> {
        let mut demands = Vec::new();
        if n.per_day.is_none() && n.surges.is_empty() {
            self.err_hint(
                path.to_string(),
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
            path,
            false,
            Some(n.per_day.unwrap_or(0.0)),
            n.weekday_factors.as_ref(),
            &n.surges,
            cal,
        );
        demands.extend(self.contact_streams(
            path,
            path,
            n,
            daily.as_ref(),
            sc,
            cal,
            channels,
            topics,
        ));
        demands
    }

    /// The demand streams of the contacts that the newcomers of `daily`
    /// make, as newcomers entry `n` (at `path`) describes them; each
    /// stream's origin is `origin.contacts[j]`.
    #[allow(clippy::too_many_arguments)]
    fn contact_streams(
        &mut self,
        path: &str,
        origin: &str,
        n: &crate::scenario::Newcomers,
        daily: Option<&Daily>,
        sc: &Scenario,
        cal: &Calendar,
        channels: &[Channel],
        topics: &Topics,
    ) -> Vec<DemandStream> {
        let mut demands = Vec::new();
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
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
            let topic = self.resolve(&format!("{cpath}.topic"), "topic", &k.topic, &topics.names);
            let Some(topic) = topic else { continue };
            let Some(targets) =
                self.targets(&cpath, k.channel.as_deref(), topic, topics, &channel_names)
            else {
                continue;
            };
            let (Some(daily), Some(delay)) = (daily, delay) else {
                continue;
            };
            let contacts = convolve_days(&daily.totals(), &delay, k.per_person);
            for (c, share) in targets {
                let Some(handle) =
                    self.handle_for(topics, &sc.topics, topic, c, &channel_names, &cpath)
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
                    pieces: Daily::of(scaled).pieces(
                        1.0,
                        match k.hour_weights.as_deref() {
                            Some(w) if w.len() == 24 => Spread::Hours(w),
                            _ => Spread::Open,
                        },
                        &channels[c].open,
                        cal,
                        cal.horizon_s,
                    ),
                    handle,
                    origin: format!("{origin}.contacts[{j}]"),
                });
            }
        }
        demands
    }

    /// The extra first contacts of a `spike` inject: `contacts` in all
    /// (over an unbounded horizon), starting at `at_s` (a one-minute rise)
    /// and halving every `half_s`, on channel `c` of topic `t`. They follow
    /// the weekday factors and the spread within the day (`intraday`,
    /// `hour_weights`, or evenly over the opening hours) of the first
    /// `[[demand]]` entry of the topic on the channel, or come evenly round
    /// the clock when there is none; the height is scaled so that the
    /// expected total is `contacts` whatever the factors and the spread
    /// leave out. Beyond the horizon the last week's pattern is assumed.
    /// `None` when the entry's factors leave no time for the contacts.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn spike_pieces(
        &mut self,
        sc: &Scenario,
        topic_name: &str,
        c: usize,
        channels: &[Channel],
        topics: &Topics,
        cal: &Calendar,
        at_s: f64,
        half_s: f64,
        contacts: f64,
    ) -> Option<Vec<Piece>> {
        let channel_name = channels[c].name.as_str();
        let topic = topics.names.iter().position(|n| *n == topic_name);
        let first = sc.demand.iter().find(|d| {
            d.topic == topic_name
                && match &d.channel {
                    Some(name) => name == channel_name,
                    None => topic.is_some_and(|t| {
                        topics.channels[t]
                            .as_ref()
                            .is_some_and(|list| list.iter().any(|&(ch, sh)| ch == c && sh > 0.0))
                    }),
                }
        });
        let days = cal.days as usize;
        let by_day = first
            .filter(|d| d.file.is_none() && d.rate.is_none())
            .and_then(|d| d.weekday_factors.as_ref())
            .map(|w| w.by_day());
        let factor: Vec<f64> = (0..days)
            .map(|day| by_day.map_or(1.0, |f| f[(cal.first_weekday + day) % 7].1))
            .collect();
        // The profile is read again (its problems, if any, are reported
        // for the demand entry).
        let profile = first
            .filter(|d| d.file.is_none() && d.rate.is_none())
            .and_then(|d| d.intraday.as_ref())
            .and_then(|f| read_intraday(&self.base_dir.join(f)).ok());
        const FLAT: [f64; 24] = [1.0; 24];
        let spread = match (first, &profile) {
            (None, _) => Spread::Hours(&FLAT),
            (Some(_), Some(p)) => Spread::Intraday(p),
            (Some(d), None) => match d.hour_weights.as_deref() {
                Some(w) if w.len() == 24 && d.file.is_none() && d.rate.is_none() => {
                    Spread::Hours(w)
                }
                _ => Spread::Open,
            },
        };
        // One minute from the news to the full rate.
        let shape = Shape::RampDecay {
            peak: 1.0,
            from: at_s / DAY_S,
            up: 60.0 / DAY_S,
            half: half_s / DAY_S,
        };
        let unit = Daily {
            base: vec![0.0; days],
            factor,
            shapes: vec![shape],
        };
        let horizon_s = cal.horizon_s;
        let mut pieces = unit.pieces(1.0, spread, &channels[c].open, cal, horizon_s);
        let expected = |pieces: &[Piece], from: f64, to: f64| {
            let mut total = 0.0;
            for (i, p) in pieces.iter().enumerate() {
                let end = pieces.get(i + 1).map_or(horizon_s, |n| n.start_s);
                let (a, b) = (p.start_s.max(from), end.min(to));
                if b > a {
                    total += p.rate_per_s * (b - a);
                }
            }
            total
        };
        let inside = expected(&pieces, 0.0, horizon_s);
        let h_days = horizon_s / DAY_S;
        let week = h_days.min(7.0);
        let shape_last_week = shape.integral(h_days - week, h_days);
        let ratio = if shape_last_week > 1e-300 {
            expected(&pieces, horizon_s - week * DAY_S, horizon_s) / shape_last_week
        } else {
            factor_mean(&unit.factor)
        };
        let total = inside + ratio * shape.integral(h_days, f64::INFINITY);
        if !(total > 0.0 && total.is_finite()) {
            return None;
        }
        let scale = contacts / total;
        for p in &mut pieces {
            p.rate_per_s *= scale;
        }
        Some(pieces)
    }

    /// The streams of a `wave` inject: `people` extra newcomers in all
    /// (over an unbounded horizon), rising linearly from `at_s` to a peak
    /// after `up_s` and halving every `half_s` (every day alike: the
    /// entry's weekday factors are not used), who make the contacts of
    /// newcomers entry `n`. Problems of the entry's contacts are reported
    /// for the entry, not again here.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn wave_streams(
        &mut self,
        origin: &str,
        n: &crate::scenario::Newcomers,
        sc: &Scenario,
        cal: &Calendar,
        channels: &[Channel],
        topics: &Topics,
        (at_s, up_s, half_s, people): (f64, f64, f64, f64),
    ) -> Vec<DemandStream> {
        let (up, half) = (up_s / DAY_S, half_s / DAY_S);
        // ∫ of the ramp and decay: peak × (up / 2 + half / ln 2).
        let peak = people / (up / 2.0 + half / std::f64::consts::LN_2);
        let days = cal.days as usize;
        let daily = Daily {
            base: vec![0.0; days],
            factor: vec![1.0; days],
            shapes: vec![Shape::RampDecay {
                peak,
                from: at_s / DAY_S,
                up,
                half,
            }],
        };
        let before = self.problems.len();
        let streams =
            self.contact_streams(origin, origin, n, Some(&daily), sc, cal, channels, topics);
        self.problems.truncate(before);
        streams
    }

    /// Volumes the engine can simulate: at most a billion contacts per
    /// stream and replication (far beyond any agency; a typo such as
    /// `1e300/s` would otherwise run for ever).
    fn volume_limit(&mut self, demands: &[DemandStream], channel_names: &[&str], horizon_s: f64) {
        for d in demands {
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
    }

    /// The channels a demand entry's contacts go to, with shares.
    fn targets(
        &mut self,
        path: &str,
        channel: Option<&str>,
        topic: usize,
        topics: &Topics,
        channel_names: &[&str],
    ) -> Option<Vec<(usize, f64)>> {
        match channel {
            Some(name) => self
                .resolve(&format!("{path}.channel"), "channel", name, channel_names)
                .map(|c| vec![(c, 1.0)]),
            None => match &topics.channels[topic] {
                Some(list) => Some(list.clone()),
                None => {
                    let tname = topics.names.get(topic).copied().unwrap_or("");
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

    /// Checks a demand entry with a constant `rate` (used directly, with no
    /// daily volume): `Some` when it has no problems.
    fn rate_only(&mut self, path: &str, d: &crate::scenario::Demand) -> Option<()> {
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
            ("intraday", d.intraday.is_some()),
        ] {
            if set {
                self.err_hint(
                    format!("{path}.{key}"),
                    format!("`{key}` shapes a daily volume and does not apply to `rate`"),
                    "use per_day = N instead of rate to shape demand by weekday and hour".into(),
                );
            }
        }
        (self.problems.len() == before).then_some(())
    }

    /// Checks a demand entry with an arrival table `file` (which replaces
    /// the keys that make a rate) and reads the table.
    fn file_only(
        &mut self,
        path: &str,
        d: &crate::scenario::Demand,
    ) -> Option<crate::model::table::ArrivalTable> {
        for (key, set) in [
            ("rate", d.rate.is_some()),
            ("per_day", d.per_day.is_some()),
            ("weekday_factors", d.weekday_factors.is_some()),
            ("hour_weights", d.hour_weights.is_some()),
            ("intraday", d.intraday.is_some()),
        ] {
            if set {
                self.err_hint(
                    format!("{path}.{key}"),
                    format!("`{key}` does not apply with `file`: the arrival table gives the contacts of every interval"),
                    "remove it, or use per_day with hour_weights or intraday instead of file; surges may add to a table".into(),
                );
            }
        }
        let file = d.file.as_deref().unwrap_or_default();
        match read_arrivals(&self.base_dir.join(file), self.start_date) {
            Ok(t) => Some(t),
            Err((message, hint)) => {
                let key = format!("{path}.file");
                match hint {
                    Some(h) => self.err_hint(key, message, h),
                    None => self.err(key, message),
                }
                None
            }
        }
    }

    /// Reads an `intraday` profile and checks that each weekday with
    /// contacts has some weight.
    fn intraday(
        &mut self,
        path: &str,
        file: &str,
        daily: Option<&Daily>,
        cal: &Calendar,
    ) -> Option<Intraday> {
        let key = format!("{path}.intraday");
        let profile = match read_intraday(&self.base_dir.join(file)) {
            Ok(p) => p,
            Err((message, hint)) => {
                match hint {
                    Some(h) => self.err_hint(key, message, h),
                    None => self.err(key, message),
                }
                return None;
            }
        };
        let daily = daily?;
        let totals = daily.totals();
        let mut reported = [false; 7];
        for (day, &v) in totals.iter().enumerate() {
            let wd = (cal.first_weekday + day) % 7;
            if v > 0.0 && !reported[wd] && profile.weights[wd].iter().sum::<f64>() <= 0.0 {
                reported[wd] = true;
                let date = self
                    .start_date
                    .checked_add(jiff::Span::new().days(day as i64))
                    .unwrap_or(self.start_date);
                self.err_hint(
                    key.clone(),
                    format!(
                        "{}: the column `{}` is all 0, but {date} has {} contacts to spread",
                        self.base_dir.join(file).display(),
                        WEEKDAYS[wd],
                        crate::units::trim_float(v)
                    ),
                    format!("give `{}` some weight, or a weekday factor of 0 (`weekday_factors = {{ {} = 0 }}`)", WEEKDAYS[wd], WEEKDAYS[wd]),
                );
            }
        }
        Some(profile)
    }

    /// Daily volumes over the horizon: baseline × weekday factor and
    /// tables (taken as they are), plus shaped surges (which follow the
    /// weekday factors), kept as functions of time.
    fn daily(
        &mut self,
        path: &str,
        has_rate: bool,
        per_day: Option<f64>,
        weekday_factors: Option<&crate::scenario::WeekdayFactors>,
        surges: &[crate::scenario::Surge],
        cal: &Calendar,
    ) -> Option<Daily> {
        let days = cal.days;
        let before = self.problems.len();
        let Some(per_day) = per_day else {
            if !has_rate {
                self.err_hint(
                    path.to_string(),
                    "no volume: give `rate`, `per_day` or `file`",
                    "rate = \"22/min\" is a constant rate while open; per_day = 1200 is a daily volume; file = \"calls.csv\" an arrival table with columns start,contacts".into(),
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
        let mut shapes = Vec::new();
        let mut table = vec![0.0; days as usize];
        for (j, surge) in surges.iter().enumerate() {
            match daily_volumes(surge, self.start_date, days, self.base_dir) {
                Ok(v) => match Shape::new(surge, self.start_date) {
                    Some(shape) => shapes.push(shape),
                    None => {
                        for (t, x) in table.iter_mut().zip(v) {
                            *t += x;
                        }
                    }
                },
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
        let factor: Vec<f64> = (0..days as usize)
            .map(|day| factors.map_or(1.0, |f| f[(cal.first_weekday + day) % 7].1))
            .collect();
        Some(Daily {
            base: (0..days as usize)
                .map(|day| per_day * factor[day] + table[day])
                .collect(),
            factor,
            shapes,
        })
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

/// The mean of daily factors (1 when there are none).
fn factor_mean(factor: &[f64]) -> f64 {
    if factor.is_empty() {
        1.0
    } else {
        factor.iter().sum::<f64>() / factor.len() as f64
    }
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

/// How a day's volume is spread within the day.
#[derive(Clone, Copy)]
enum Spread<'a> {
    /// 24 relative weights, the same every day.
    Hours(&'a [f64]),
    /// Weights per weekday and 15- or 30-minute slot.
    Intraday(&'a Intraday),
    /// Evenly over the opening hours (over the whole day when closed).
    Open,
}

/// A demand entry's volume per day: a part known by day (`base`: the
/// baseline × weekday factor, and surge tables) and shaped surges, which are
/// multiplied by the day's `factor` and follow their shape within the day.
#[derive(Debug, Clone, Default)]
struct Daily {
    base: Vec<f64>,
    factor: Vec<f64>,
    shapes: Vec<Shape>,
}

impl Daily {
    /// Volumes known by day only.
    fn of(base: Vec<f64>) -> Daily {
        Daily {
            factor: vec![1.0; base.len()],
            base,
            shapes: Vec::new(),
        }
    }

    /// Whether no contacts come from this volume.
    fn is_zero(&self) -> bool {
        self.shapes.is_empty() && self.base.iter().all(|&v| v == 0.0)
    }

    /// The volume of each day (shaped surges integrated over the day).
    fn totals(&self) -> Vec<f64> {
        (0..self.base.len())
            .map(|day| {
                let (a, b) = (day as f64, day as f64 + 1.0);
                let surge: f64 = self.shapes.iter().map(|s| s.integral(a, b)).sum();
                self.base[day] + self.factor[day] * surge
            })
            .collect()
    }

    /// Shaped surges' mean extra contacts per day over `[a_s, b_s)`
    /// (seconds), times the day's factor.
    fn surge_mean(&self, day: usize, a_s: f64, b_s: f64) -> f64 {
        if self.shapes.is_empty() || b_s <= a_s {
            return 0.0;
        }
        let (a, b) = (a_s / DAY_S, b_s / DAY_S);
        let total: f64 = self.shapes.iter().map(|s| s.integral(a, b)).sum();
        self.factor[day] * total / (b - a)
    }

    /// The piecewise-constant rate, times `share`. Each day's volume is
    /// spread by `spread`; a shaped surge adds, in each piece (an hour, a
    /// profile slot, an hour of an opening span), its exact mean over the
    /// piece with the piece's weight, so a constant surge adds exactly its
    /// height a day. Contacts that fall in closed hours are not offered.
    fn pieces(
        &self,
        share: f64,
        spread: Spread<'_>,
        open: &Intervals,
        cal: &Calendar,
        horizon_s: f64,
    ) -> Vec<Piece> {
        let mut pieces = vec![Piece {
            start_s: 0.0,
            rate_per_s: 0.0,
        }];
        let with_shapes = !self.shapes.is_empty();
        for (day, &base_volume) in self.base.iter().enumerate() {
            let base = day as f64 * DAY_S;
            let volume = base_volume * share;
            // Contacts a day in [a, b): the day's volume plus the surges' mean.
            let level = |a: f64, b: f64| volume + share * self.surge_mean(day, a, b);
            let slots = |weights: &[f64], slot_s: f64, pieces: &mut Vec<Piece>| {
                let total: f64 = weights.iter().sum();
                for (h, wh) in weights.iter().enumerate() {
                    let a = base + h as f64 * slot_s;
                    pieces.push(Piece {
                        start_s: a,
                        rate_per_s: if total > 0.0 {
                            level(a, a + slot_s) * wh / total / slot_s
                        } else {
                            0.0
                        },
                    });
                }
            };
            match spread {
                Spread::Hours(w) => slots(w, 3600.0, &mut pieces),
                Spread::Intraday(p) => {
                    let wd = (cal.first_weekday + day) % 7;
                    slots(&p.weights[wd], p.slot_s, &mut pieces);
                }
                Spread::Open => {
                    let open_s = open.overlap(base, base + DAY_S);
                    if open_s > 0.0 {
                        pieces.push(Piece {
                            start_s: base,
                            rate_per_s: 0.0,
                        });
                        for &(a, b) in open.spans() {
                            let (a, b) = (a.max(base), b.min(base + DAY_S));
                            if b > a {
                                let mut x = a;
                                while x < b {
                                    let y = if with_shapes {
                                        ((x / 3600.0).floor() * 3600.0 + 3600.0).min(b)
                                    } else {
                                        b
                                    };
                                    pieces.push(Piece {
                                        start_s: x,
                                        rate_per_s: level(x, y) / open_s,
                                    });
                                    x = y;
                                }
                                pieces.push(Piece {
                                    start_s: b,
                                    rate_per_s: 0.0,
                                });
                            }
                        }
                    } else if with_shapes {
                        slots(&[1.0; 24], 3600.0, &mut pieces);
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
}

/// The sum of two piecewise-constant rates (each starting at 0).
fn sum_pieces(a: &[Piece], b: &[Piece], horizon_s: f64) -> Vec<Piece> {
    let mut starts: Vec<f64> = a.iter().chain(b).map(|p| p.start_s).collect();
    starts.sort_by(f64::total_cmp);
    starts.dedup();
    let rate_at = |ps: &[Piece], t: f64| {
        let i = ps.partition_point(|p| p.start_s <= t);
        if i == 0 { 0.0 } else { ps[i - 1].rate_per_s }
    };
    let out = starts
        .into_iter()
        .map(|t| Piece {
            start_s: t,
            rate_per_s: rate_at(a, t) + rate_at(b, t),
        })
        .collect();
    normalise(out, horizon_s)
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
    use super::super::tests::{BASE, build};
    use crate::model::DAY_S;

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
}
