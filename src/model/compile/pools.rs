//! Pools: `[pools.ID]` with what they serve (channels and "channel:topic"
//! pairs by priority level), the languages they speak, their roster,
//! breaks, absence, speed, pay and wellbeing, and the routes from queue
//! classes to each pool.

use crate::model::schedule::Intervals;
use crate::model::{DAY_S, Interpreter, Pool, Route, WellbeingModel};
use crate::scenario::{Scenario, suggest_list};
use crate::units::parse_time_of_day;

use super::calendar::{Calendar, week_seconds};
use super::checker::Checker;
use super::languages::Languages;
use super::routing::Classes;

/// Names the pools refer to.
pub(super) struct PoolRefs<'r> {
    pub(super) channel_names: &'r [&'r str],
    pub(super) topic_names: &'r [&'r str],
    pub(super) langs: &'r Languages<'r>,
    pub(super) interpreters: &'r [Interpreter],
    pub(super) classes: &'r Classes,
}

impl Checker<'_> {
    /// Checks `[pools.ID]` and builds the pools with their routes.
    pub(super) fn pools(&mut self, sc: &Scenario, cal: &Calendar, refs: &PoolRefs) -> Vec<Pool> {
        let mut pools = Vec::new();
        for (name, p) in &sc.pools {
            let path = crate::scenario::join_path("pools", name);
            pools.push(self.pool(&path, name, p, cal, refs));
        }
        pools
    }

    fn pool(
        &mut self,
        path: &str,
        name: &str,
        p: &crate::scenario::Pool,
        cal: &Calendar,
        refs: &PoolRefs,
    ) -> Pool {
        if p.serves.is_empty() {
            self.err_hint(
                format!("{path}.serves"),
                "the pool serves nothing",
                format!(
                    "list channels (or \"channel:topic\" pairs): {}",
                    suggest_list(refs.channel_names)
                ),
            );
        }
        let staffing = self.staffing_table(path, p, cal);
        let table_max = staffing.iter().map(|&(_, a)| a).max().unwrap_or(0);
        let headcount = match (p.headcount, &p.staffing) {
            (Some(h), _) => h,
            (None, Some(_)) => table_max,
            (None, None) => {
                self.err_hint(
                    path.to_string(),
                    "the pool needs `headcount` (the staff on duty during its hours) or a `staffing` table",
                    "headcount = 20, or staffing = \"tables/phone_staffing.csv\"".into(),
                );
                0
            }
        };
        if headcount > 1_000_000 {
            self.err(format!("{path}.headcount"), "must be at most 1000000");
        }
        if p.staffing.is_some() && headcount < table_max {
            self.err_hint(
                format!("{path}.headcount"),
                format!(
                    "is {headcount}, but the staffing table puts up to {table_max} agents on duty at once"
                ),
                format!("leave `headcount` out (it is then {table_max}), or give at least {table_max}"),
            );
        }
        let speaks = self.speaks(path, p, refs.langs);
        let pairs = self.serves(path, p, refs);
        let routes = routes(&pairs, &speaks, refs);
        let (on_duty, holiday_roster) = match &p.hours {
            _ if p.staffing.is_some() => (
                Intervals::from_spans(table_spans(&staffing, cal.horizon_s), cal.horizon_s),
                Intervals::default(),
            ),
            None => (Intervals::always(cal.horizon_s), Intervals::default()),
            Some(h) => {
                let hpath = format!("{path}.hours");
                self.opens_some_day(
                    &hpath,
                    h,
                    "is on duty on no day: the pool's staff would never work",
                    "hours = { weekdays = \"08:00-16:00\" }, or leave `hours` out for on duty around the clock",
                );
                self.roster(&hpath, h, cal)
            }
        };
        let breaks = self.breaks(path, p);
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
        let wellbeing = p
            .wellbeing
            .as_ref()
            .map(|w| self.wellbeing(&format!("{path}.wellbeing"), w, cal.interval_s));
        if let Some(w) = p.weekly_hours
            && !(w.secs() > 0.0 && w.secs() <= 7.0 * DAY_S)
        {
            self.err(
                format!("{path}.weekly_hours"),
                format!("must be more than 0 and at most a week (got {w})"),
            );
        }
        let weekly_s = p.weekly_hours.map_or_else(
            || {
                if staffing.is_empty() {
                    p.hours.as_ref().map_or(7.0 * DAY_S, week_seconds)
                } else {
                    // The table's average week per person on the payroll.
                    let agent_s: f64 = table_spans_weighted(&staffing, cal.horizon_s);
                    let weeks = cal.horizon_s / (7.0 * DAY_S);
                    (agent_s / f64::from(headcount.max(1)) / weeks).clamp(1.0, 7.0 * DAY_S)
                }
            },
            |d| d.secs(),
        );
        Pool {
            name: name.to_string(),
            headcount,
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
            staffing,
        }
    }

    /// A pool's `staffing` table, checked against its other keys; empty
    /// without one.
    fn staffing_table(
        &mut self,
        path: &str,
        p: &crate::scenario::Pool,
        cal: &Calendar,
    ) -> Vec<(f64, u32)> {
        let Some(file) = &p.staffing else {
            return Vec::new();
        };
        for (key, set) in [
            ("hours", p.hours.is_some()),
            ("breaks", !p.breaks.is_empty()),
        ] {
            if set {
                self.err_hint(
                    format!("{path}.{key}"),
                    format!("`{key}` does not apply to a pool with a `staffing` table"),
                    "the table gives the agents on duty at every step: breaks and hours are in it"
                        .into(),
                );
            }
        }
        let file_path = self.base_dir.join(file);
        match crate::model::staffing_table::read(
            &file_path,
            self.start_date,
            cal.days,
            cal.first_weekday,
            &self.holidays,
        ) {
            Ok(steps) => {
                if steps.iter().all(|&(_, a)| a == 0) {
                    self.err(
                        format!("{path}.staffing"),
                        "the table puts nobody on duty at any time in the horizon",
                    );
                }
                steps
            }
            Err((message, hint)) => {
                let key = format!("{path}.staffing");
                match hint {
                    Some(h) => self.err_hint(key, message, h),
                    None => self.err(key, message),
                }
                Vec::new()
            }
        }
    }

    /// The languages a pool speaks (all when it does not say).
    fn speaks(&mut self, path: &str, p: &crate::scenario::Pool, langs: &Languages) -> Vec<bool> {
        let nl = langs.list.len();
        let Some(list) = &p.languages else {
            return vec![true; nl];
        };
        let mut speaks = vec![false; nl];
        if list.is_empty() && langs.explicit {
            self.err_hint(
                format!("{path}.languages"),
                "the pool speaks no language, so it can serve nobody without an interpreter",
                format!(
                    "list at least one of: {}, or leave the key out (speaks all)",
                    langs.names.join(", ")
                ),
            );
        }
        if !langs.explicit {
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
                &langs.names,
            ) {
                speaks[i] = true;
            }
        }
        speaks
    }

    /// The (channel, topic, priority level) pairs a pool serves, the first
    /// entry that covers a pair deciding its level.
    fn serves(
        &mut self,
        path: &str,
        p: &crate::scenario::Pool,
        refs: &PoolRefs,
    ) -> Vec<(usize, usize, u32)> {
        let nt = refs.topic_names.len();
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
                let Some(c) = self.resolve(&epath, "channel", cname, refs.channel_names) else {
                    continue;
                };
                let topics: Vec<usize> = match tname {
                    None => (0..nt).collect(),
                    Some(tn) => match self.resolve(&epath, "topic", tn, refs.topic_names) {
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
        pairs
    }

    /// Breaks: `(from, to, share)` in seconds after midnight.
    fn breaks(&mut self, path: &str, p: &crate::scenario::Pool) -> Vec<(f64, f64, f64)> {
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
        breaks
    }

    /// A pool's `wellbeing`: how sustained overload wears its staff down.
    fn wellbeing(
        &mut self,
        wp: &str,
        w: &crate::scenario::Wellbeing,
        interval_s: f64,
    ) -> WellbeingModel {
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
            leave_per_day: 1.0 - (1.0 - w.attrition_per_month.clamp(0.0, 0.999)).powf(1.0 / 30.0),
        }
    }
}

/// The classes a pool serves, at their level, through an interpreter when
/// the pool does not speak the class's language (a class neither spoken
/// nor interpreted has no route to this pool).
fn routes(pairs: &[(usize, usize, u32)], speaks: &[bool], refs: &PoolRefs) -> Vec<Route> {
    let mut routes = Vec::new();
    for (k, class) in refs.classes.list.iter().enumerate() {
        let Some(&(_, _, level)) = pairs
            .iter()
            .find(|&&(c, t, _)| c == class.channel && t == class.topic)
        else {
            continue;
        };
        let interpreter = if speaks[class.language] {
            None
        } else {
            match refs
                .interpreters
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
    routes
}

/// The spans in which a staffing table has anyone on duty.
fn table_spans(steps: &[(f64, u32)], horizon_s: f64) -> Vec<(f64, f64)> {
    steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.1 > 0)
        .map(|(i, &(t, _))| (t, steps.get(i + 1).map_or(horizon_s, |n| n.0)))
        .collect()
}

/// Agent-seconds on duty in a staffing table over the horizon.
fn table_spans_weighted(steps: &[(f64, u32)], horizon_s: f64) -> f64 {
    steps
        .iter()
        .enumerate()
        .map(|(i, &(t, a))| f64::from(a) * (steps.get(i + 1).map_or(horizon_s, |n| n.0) - t))
        .sum()
}
