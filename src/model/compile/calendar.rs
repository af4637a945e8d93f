//! Calendar and units: the `[scenario]` settings (horizon, reporting
//! interval, warm-up, replications), `[calendar]` holidays, `[uncertainty]`,
//! and weekly hours (opening hours and rosters) expanded over the horizon.

use crate::model::DAY_S;
use crate::model::schedule::{Intervals, day_ranges};
use crate::scenario::{Scenario, WeekHours};

use super::checker::Checker;

/// Longest horizon accepted, days (ten years).
const MAX_DAYS: u32 = 3660;

/// What the settings fix for every later area.
pub(super) struct Calendar {
    /// Number of simulated days (clamped to a usable value when refused).
    pub(super) days: u32,
    /// End of the simulated time, seconds.
    pub(super) horizon_s: f64,
    /// Reporting interval, seconds (one hour when the given one is refused).
    pub(super) interval_s: f64,
    /// Weekday of day 0 (0 = Monday).
    pub(super) first_weekday: usize,
}

impl Checker<'_> {
    /// Checks the scenario settings, holidays and uncertainty.
    pub(super) fn settings(&mut self, sc: &Scenario) -> Calendar {
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
            let day = crate::model::surge::days_between(s.start.0, h.0);
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
        Calendar {
            days,
            horizon_s,
            interval_s,
            first_weekday,
        }
    }

    /// Opening hours over the horizon (closed on holidays).
    pub(super) fn hours(&mut self, path: &str, week: &WeekHours, cal: &Calendar) -> Intervals {
        let ranges = self.week_ranges(path, week);
        Intervals::weekly(&ranges, cal.first_weekday, cal.days, &self.holidays)
    }

    /// A roster: its hours on duty (closed on holidays), and the hours it
    /// would have had on the holidays (paid without duty when the pool
    /// pays holidays).
    pub(super) fn roster(
        &mut self,
        path: &str,
        week: &WeekHours,
        cal: &Calendar,
    ) -> (Intervals, Intervals) {
        let ranges = self.week_ranges(path, week);
        (
            Intervals::weekly(&ranges, cal.first_weekday, cal.days, &self.holidays),
            Intervals::weekly_on(&ranges, cal.first_weekday, cal.days, &self.holidays),
        )
    }

    /// Reports weekly hours that open on no day (`{}`, or every day
    /// `"closed"`) at `path`: a channel never open, a roster never on duty.
    /// Hours that do not parse are reported by [`Self::hours`] and
    /// [`Self::roster`] and not again here. (An `hours` action may close a
    /// channel or a roster for a while, so it does not call this.)
    pub(super) fn opens_some_day(
        &mut self,
        path: &str,
        week: &WeekHours,
        message: &str,
        instead: &str,
    ) {
        let mut open = false;
        for (_, hours) in week.resolve().into_iter().flatten() {
            match day_ranges(hours) {
                Ok(ranges) => open |= !ranges.is_empty(),
                Err(_) => return,
            }
        }
        if !open {
            self.err_hint(path, message, format!("e.g. {instead}"));
        }
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
}

/// Seconds on duty in a week of these hours (ranges that do not parse
/// count as nothing; they are reported elsewhere).
pub(super) fn week_seconds(week: &WeekHours) -> f64 {
    week.resolve()
        .iter()
        .flatten()
        .filter_map(|(_, h)| day_ranges(h).ok())
        .flatten()
        .map(|(a, b)| b - a)
        .sum()
}
