//! Weekly hours expanded over the horizon into sorted, disjoint time
//! intervals.

use crate::scenario::DayHours;
use crate::units::parse_time_of_day;

use super::DAY_S;

/// Sorted, disjoint, non-empty half-open intervals `[start, end)` in seconds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Intervals {
    spans: Vec<(f64, f64)>,
}

impl Intervals {
    /// The whole horizon.
    pub fn always(horizon_s: f64) -> Self {
        Intervals {
            spans: vec![(0.0, horizon_s)],
        }
    }

    /// Builds from spans in any order, merging touching ones, clipped to
    /// `[0, horizon_s)`.
    pub fn from_spans(mut spans: Vec<(f64, f64)>, horizon_s: f64) -> Self {
        spans.retain(|&(a, b)| b > a);
        spans.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(spans.len());
        for (a, b) in spans {
            let (a, b) = (a.max(0.0), b.min(horizon_s));
            if b <= a {
                continue;
            }
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        Intervals { spans: out }
    }

    /// The intervals.
    pub fn spans(&self) -> &[(f64, f64)] {
        &self.spans
    }

    /// Whether `t` lies inside.
    pub fn contains(&self, t: f64) -> bool {
        let i = self.spans.partition_point(|&(a, _)| a <= t);
        i > 0 && t < self.spans[i - 1].1
    }

    /// Start of the first interval that contains `t` or begins after it
    /// (`t` itself when inside); `None` when nothing is open from `t` on.
    pub fn next_open(&self, t: f64) -> Option<f64> {
        let i = self.spans.partition_point(|&(_, b)| b <= t);
        self.spans.get(i).map(|&(a, _)| a.max(t))
    }

    /// End of the interval containing `t`, if `t` is inside one.
    pub fn end_of_span(&self, t: f64) -> Option<f64> {
        let i = self.spans.partition_point(|&(a, _)| a <= t);
        (i > 0 && t < self.spans[i - 1].1).then(|| self.spans[i - 1].1)
    }

    /// Total length inside `[0, t)`, in O(log n) after the first call
    /// thanks to `prefix` (cumulative lengths, built by [`Self::prefix`]).
    pub fn measure_before(&self, prefix: &[f64], t: f64) -> f64 {
        let i = self.spans.partition_point(|&(a, _)| a <= t);
        if i == 0 {
            return 0.0;
        }
        let (a, b) = self.spans[i - 1];
        prefix[i - 1] + (t.min(b) - a)
    }

    /// Cumulative lengths of the intervals before each one, for
    /// [`Self::measure_before`].
    pub fn prefix(&self) -> Vec<f64> {
        let mut acc = 0.0;
        self.spans
            .iter()
            .map(|&(a, b)| {
                let before = acc;
                acc += b - a;
                before
            })
            .collect()
    }

    /// Total length inside `[from, to)`.
    pub fn overlap(&self, from: f64, to: f64) -> f64 {
        self.spans
            .iter()
            .map(|&(a, b)| (b.min(to) - a.max(from)).max(0.0))
            .sum()
    }

    /// Weekly ranges (seconds after midnight, Monday first) repeated over
    /// `days` days starting on weekday `first_weekday` (0 = Monday), except
    /// on the days listed in `closed_days`.
    pub fn weekly(
        week: &[Vec<(f64, f64)>; 7],
        first_weekday: usize,
        days: u32,
        closed_days: &[u32],
    ) -> Self {
        Self::weekly_where(week, first_weekday, days, |d| !closed_days.contains(&d))
    }

    /// The same weekly ranges on the days listed in `only_days` and no
    /// others: the hours those days would have had had they not been
    /// closed (a roster's hours on public holidays).
    pub fn weekly_on(
        week: &[Vec<(f64, f64)>; 7],
        first_weekday: usize,
        days: u32,
        only_days: &[u32],
    ) -> Self {
        Self::weekly_where(week, first_weekday, days, |d| only_days.contains(&d))
    }

    fn weekly_where(
        week: &[Vec<(f64, f64)>; 7],
        first_weekday: usize,
        days: u32,
        keep: impl Fn(u32) -> bool,
    ) -> Self {
        let mut spans = Vec::new();
        for d in 0..days {
            if !keep(d) {
                continue;
            }
            let base = f64::from(d) * DAY_S;
            for &(a, b) in &week[(first_weekday + d as usize) % 7] {
                spans.push((base + a, base + b));
            }
        }
        Intervals::from_spans(spans, f64::from(days) * DAY_S)
    }
}

/// Parses one day's hours: `"09:00-17:00"`, several such ranges, or
/// `"closed"`. Ranges must not overlap and must end after they start (split
/// a night shift at midnight).
pub fn day_ranges(hours: &DayHours) -> Result<Vec<(f64, f64)>, String> {
    let mut ranges = Vec::new();
    for text in &hours.0 {
        let t = text.trim();
        if t.eq_ignore_ascii_case("closed") || t.eq_ignore_ascii_case("off") {
            if hours.0.len() > 1 {
                return Err("`closed` cannot be combined with opening ranges".into());
            }
            return Ok(Vec::new());
        }
        let (a, b) = t.split_once('-').ok_or_else(|| {
            format!("`{t}` is not a range; expected \"HH:MM-HH:MM\" or \"closed\"")
        })?;
        let (a, b) = (parse_time_of_day(a)?, parse_time_of_day(b)?);
        if b <= a {
            return Err(format!(
                "`{t}` ends before it starts; a range must end after it starts \
                 (split a night shift at midnight: \"22:00-24:00\" and \"00:00-06:00\" on the next day)"
            ));
        }
        ranges.push((a, b));
    }
    ranges.sort_by(|x, y| x.0.total_cmp(&y.0));
    for w in ranges.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(format!(
                "ranges overlap: {} and {}",
                fmt_range(w[0]),
                fmt_range(w[1])
            ));
        }
    }
    Ok(ranges)
}

fn fmt_range((a, b): (f64, f64)) -> String {
    let hm = |s: f64| {
        format!(
            "{:02}:{:02}",
            (s / 3600.0) as u32,
            ((s % 3600.0) / 60.0) as u32
        )
    };
    format!("{}-{}", hm(a), hm(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(v: &[&str]) -> DayHours {
        DayHours(v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn ranges_parse_and_reject_overlaps() {
        assert_eq!(
            day_ranges(&day(&["09:00-12:00", "13:00-17:00"])).unwrap(),
            vec![(32_400.0, 43_200.0), (46_800.0, 61_200.0)]
        );
        assert!(day_ranges(&day(&["closed"])).unwrap().is_empty());
        assert!(
            day_ranges(&day(&["09:00-12:00", "11:00-13:00"]))
                .unwrap_err()
                .contains("overlap")
        );
        assert!(
            day_ranges(&day(&["17:00-09:00"]))
                .unwrap_err()
                .contains("ends before")
        );
        assert!(day_ranges(&day(&["9-5"])).is_err());
    }

    #[test]
    fn business_time_and_next_opening() {
        let iv = Intervals::from_spans(vec![(10.0, 20.0), (30.0, 40.0)], 100.0);
        let pre = iv.prefix();
        assert_eq!(iv.measure_before(&pre, 5.0), 0.0);
        assert_eq!(iv.measure_before(&pre, 15.0), 5.0);
        assert_eq!(iv.measure_before(&pre, 25.0), 10.0);
        assert_eq!(iv.measure_before(&pre, 35.0), 15.0);
        assert_eq!(iv.measure_before(&pre, 99.0), 20.0);
        assert_eq!(iv.next_open(5.0), Some(10.0));
        assert_eq!(iv.next_open(12.0), Some(12.0));
        assert_eq!(iv.next_open(20.0), Some(30.0));
        assert_eq!(iv.next_open(41.0), None);
        assert_eq!(iv.end_of_span(12.0), Some(20.0));
        assert_eq!(iv.end_of_span(25.0), None);
    }

    #[test]
    fn weekly_hours_expand_and_merge() {
        let mut week: [Vec<(f64, f64)>; 7] = Default::default();
        for d in week.iter_mut().take(5) {
            d.push((9.0 * 3600.0, 17.0 * 3600.0));
        }
        week[5].push((0.0, DAY_S));
        week[6].push((0.0, DAY_S));
        // Start on a Friday, three days: Fri 9-17, Sat+Sun merged.
        let iv = Intervals::weekly(&week, 4, 3, &[]);
        assert_eq!(iv.spans(), &[(32_400.0, 61_200.0), (DAY_S, 3.0 * DAY_S)]);
        assert!(iv.contains(40_000.0));
        assert!(!iv.contains(61_200.0));
        assert!(iv.contains(DAY_S));
        assert_eq!(iv.overlap(0.0, DAY_S), 8.0 * 3600.0);
    }

    #[test]
    fn a_closed_day_keeps_the_hours_it_would_have_had_apart() {
        let mut week: [Vec<(f64, f64)>; 7] = Default::default();
        for d in week.iter_mut().take(5) {
            d.push((9.0 * 3600.0, 17.0 * 3600.0));
        }
        // Start on a Monday, one week, Wednesday (day 2) closed.
        let open = Intervals::weekly(&week, 0, 7, &[2]);
        let closed = Intervals::weekly_on(&week, 0, 7, &[2]);
        assert_eq!(open.overlap(0.0, 7.0 * DAY_S), 4.0 * 8.0 * 3600.0);
        assert_eq!(
            closed.spans(),
            &[(2.0 * DAY_S + 32_400.0, 2.0 * DAY_S + 61_200.0)]
        );
        // A closed Saturday would have had no hours.
        assert!(Intervals::weekly_on(&week, 0, 7, &[5]).spans().is_empty());
    }
}
