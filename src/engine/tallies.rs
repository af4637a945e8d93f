//! Counting: indices of the level integrals, per-interval tallies by
//! arrival and by event, interval ticks and snapshots, and the
//! replication's outcome.

use super::*;

impl<T: Tracer> Sim<'_, T> {
    // Level indices.
    #[inline]
    pub(super) fn lvl_queue(&self, c: usize) -> usize {
        c
    }

    #[inline]
    pub(super) fn lvl_chan_busy(&self, c: usize) -> usize {
        self.nc + c
    }

    #[inline]
    pub(super) fn lvl_pool_busy(&self, p: usize) -> usize {
        self.lvl_pool(p, staff::L_BUSY)
    }

    #[inline]
    pub(super) fn lvl_pool_deferred(&self, p: usize) -> usize {
        self.lvl_pool(p, staff::L_DEFERRED)
    }

    #[inline]
    pub(super) fn lvl_interp(&self, i: usize) -> usize {
        2 * self.nc + staff::POOL_LEVELS * self.np + i
    }

    #[inline]
    pub(super) fn interval_of(&self, t: f64) -> u32 {
        interval_at(t, self.levels.inv_interval, self.m.n_intervals)
    }

    /// Moves the clock to `t` (never backwards), keeping the interval of
    /// now at hand: most events fall in the interval of the one before, and
    /// a comparison is cheaper than the conversion in [`Self::interval_of`].
    #[inline(always)]
    pub(super) fn set_now(&mut self, t: f64) {
        debug_assert!(t >= self.now);
        self.now = t;
        if t >= self.now_interval_end {
            self.advance_interval(t);
        }
    }

    /// Sets the interval of now from `t`, and the first time that
    /// [`Self::interval_of`] puts in a later interval: found from the
    /// nominal boundary by stepping one representable time at a time, so
    /// that the cached interval is exactly what the conversion would give
    /// (the conversion is monotone in `t`).
    #[cold]
    pub(super) fn advance_interval(&mut self, t: f64) {
        let i = self.interval_of(t);
        self.now_interval = i;
        self.now_interval_end = interval_end(i, self.m.interval_s, self.m.n_intervals);
    }

    /// Applies `f` to the counts of the contact's attempt: its interval's,
    /// and the KPI counts of its channel and topic if it arrived after
    /// warm-up.
    #[inline]
    pub(super) fn tally(&mut self, idx: u32, f: impl Fn(&mut Counts)) {
        let call = &self.calls[idx as usize];
        let c = call.channel as usize;
        f(&mut self.counts[call.interval as usize * self.nc + c]);
        if call.counted {
            f(&mut self.kpi_counts[call.class as usize]);
        }
    }

    /// Applies `f` to the event-time counts of the contact's channel: those
    /// of the interval holding now, and the KPI counts of its class if now
    /// is after warm-up.
    #[inline]
    pub(super) fn tally_event(&mut self, idx: u32, f: impl Fn(&mut Counts)) {
        let i = self.now_interval as usize;
        let call = &self.calls[idx as usize];
        f(&mut self.counts[i * self.nc + call.channel as usize]);
        if self.now >= self.m.warmup_s {
            f(&mut self.kpi_counts[call.class as usize]);
        }
    }

    /// Backlog snapshot per channel at the end of interval `i`.
    pub(super) fn on_tick(&mut self, i: usize) {
        self.snapshot(i);
        if !self.acts.is_empty() {
            self.check_triggers(i);
        }
        let end = (i + 1) as f64 * self.m.interval_s;
        if (end / DAY_S).fract() == 0.0 {
            self.wellbeing(i);
        }
        if i + 2 < self.m.n_intervals {
            let t = (i + 2) as f64 * self.m.interval_s;
            self.cal.schedule(t, Kind::Tick, (i + 1) as u32, 0);
        }
    }

    pub(super) fn snapshot(&mut self, i: usize) {
        let now = self.now;
        let mut oldest = vec![f64::INFINITY; self.nc];
        for k in 0..self.m.classes.len() {
            if self.info[k].callback {
                continue;
            }
            if let Some(a) = self.head(k) {
                let c = self.info[k].channel as usize;
                oldest[c] = oldest[c].min(a);
            }
        }
        for (c, o) in oldest.into_iter().enumerate() {
            let age = if o.is_finite() { now - o } else { 0.0 };
            let ch = &self.chans[c];
            let in_service = self.levels.value(self.lvl_chan_busy(c));
            self.snapshots[i * self.nc + c] =
                (f64::from(ch.queue_len), age, f64::from(ch.owed), in_service);
        }
    }

    pub(super) fn finish(mut self) -> (RepOutcome, T) {
        let now = self.m.horizon_s;
        self.set_now(now);
        for c in 0..self.nc {
            let n = self.capacity_now[c];
            self.set_capacity(c, n);
        }
        self.snapshot(self.m.n_intervals - 1);
        for l in 0..self.levels.n {
            self.levels.integrate(l, now);
        }
        let nc = self.nc;
        let np = self.np;
        let ni = self.m.interpreters.len();
        let mut pending = vec![0.0; nc];
        for i in 0..self.calls.len() {
            let call = self.calls[i];
            let c = call.channel as usize;
            match call.state {
                State::Waiting if self.info[call.class as usize].callback => {
                    let late = self
                        .callback_promise_s(c)
                        .is_some_and(|w| now - call.arrival > w);
                    self.tally(i as u32, |k| {
                        k.callbacks_owed_at_end += 1.0;
                        if late {
                            k.callbacks_late_at_end += 1.0;
                        }
                    });
                }
                State::Waiting => {
                    let late = self.late(c, call.arrival, now);
                    self.tally(i as u32, |k| {
                        k.waiting_at_end += 1.0;
                        if late {
                            k.waiting_late_at_end += 1.0;
                        }
                    });
                }
                State::Pending => pending[c] += 1.0,
                _ => {}
            }
        }
        let percentiles = |v: &mut Vec<(f64, f64)>| {
            if v.is_empty() {
                return [0.0; 4];
            }
            let mut cal: Vec<f64> = v.iter().map(|x| x.0).collect();
            let mut work: Vec<f64> = v.iter().map(|x| x.1).collect();
            cal.sort_by(f64::total_cmp);
            work.sort_by(f64::total_cmp);
            [
                crate::stats::percentile_sorted(&cal, 0.9),
                cal[cal.len() - 1],
                crate::stats::percentile_sorted(&work, 0.9),
                work[work.len() - 1],
            ]
        };
        let callback_stats: Vec<[f64; 4]> =
            self.callback_waits.iter_mut().map(percentiles).collect();
        let lv = &self.levels;
        let channels = (0..nc)
            .map(|c| {
                let mut counts = Counts::default();
                for (k, class) in self.m.classes.iter().enumerate() {
                    if class.channel == c {
                        counts.add(&self.kpi_counts[k]);
                    }
                }
                counts.deflected = self.deflected_kpi[c];
                let [
                    callback_wait_p90_s,
                    callback_wait_max_s,
                    callback_working_p90_s,
                    callback_working_max_s,
                ] = callback_stats[c];
                ChannelTotals {
                    counts,
                    queue_area: lv.kpi_area(c),
                    busy_area: lv.kpi_area(nc + c),
                    max_queue: self.max_queue[c],
                    max_wait_s: self.max_wait[c],
                    callback_wait_p90_s,
                    callback_wait_max_s,
                    callback_working_p90_s,
                    callback_working_max_s,
                    redial_pending_at_end: pending[c],
                    capacity_cost: self.capacity_area[c] * self.m.channels[c].cost_per_day / DAY_S,
                }
            })
            .collect();
        let pl =
            |area: &[f64], p: usize, which: usize| area[2 * nc + p * staff::POOL_LEVELS + which];
        let tally = |area: &[f64], p: usize, counts: &PoolTally, one_off: f64| {
            let cost_rate_area = pl(area, p, staff::L_COST);
            PoolTally {
                on_duty_area: pl(area, p, staff::L_ON_DUTY),
                busy_area: pl(area, p, staff::L_BUSY),
                deferred_area: pl(area, p, staff::L_DEFERRED),
                handled: counts.handled,
                interpreted: counts.interpreted,
                own_area: pl(area, p, staff::L_OWN),
                redeployed_area: pl(area, p, staff::L_REDEPLOYED),
                hired_area: pl(area, p, staff::L_HIRED),
                training_area: pl(area, p, staff::L_TRAINING),
                paid_area: pl(area, p, staff::L_PAID),
                rostered_s: pl(area, p, staff::L_ROSTERED),
                overloaded_days: counts.overloaded_days,
                leavers: counts.leavers,
                cost: cost_rate_area / 3600.0 + one_off,
                hiring_cost: one_off,
            }
        };
        let kpi_area: Vec<f64> = (0..lv.n).map(|l| lv.kpi_area(l)).collect();
        let warm_interval = self.interval_of(self.m.warmup_s) as usize;
        let pools = (0..np)
            .map(|p| {
                let one_off: f64 = (warm_interval..self.m.n_intervals)
                    .map(|i| self.one_off[i * np + p])
                    .sum();
                let mut counts = self.pool_kpi[p];
                for i in warm_interval..self.m.n_intervals {
                    counts.overloaded_days += self.pool_counts[i * np + p].overloaded_days;
                    counts.leavers += self.pool_counts[i * np + p].leavers;
                }
                tally(&kpi_area, p, &counts, one_off)
            })
            .collect();
        let interpreter_busy_area = (0..ni)
            .map(|i| lv.kpi_area(2 * nc + staff::POOL_LEVELS * np + i))
            .collect();
        let mut channel_intervals = Vec::with_capacity(self.m.n_intervals * nc);
        let mut pool_intervals = Vec::with_capacity(self.m.n_intervals * np);
        for i in 0..self.m.n_intervals {
            let area = &lv.area[i * lv.n..(i + 1) * lv.n];
            for p in 0..np {
                let pc = self.pool_counts[i * np + p];
                pool_intervals.push(tally(area, p, &pc, self.one_off[i * np + p]));
            }
            for c in 0..nc {
                let on_duty_area = self.m.channels[c]
                    .pools
                    .iter()
                    .map(|&p| pl(area, p, staff::L_ON_DUTY))
                    .sum();
                let (backlog_end, oldest_age_end_s, callbacks_owed_end, in_service_end) =
                    self.snapshots[i * nc + c];
                channel_intervals.push(ChannelInterval {
                    counts: self.counts[i * nc + c],
                    queue_area: area[c],
                    busy_area: area[nc + c],
                    on_duty_area,
                    backlog_end,
                    callbacks_owed_end,
                    oldest_age_end_s,
                    in_service_end,
                });
            }
        }
        let mut topic_counts = vec![Counts::default(); nc * self.nt];
        for (k, class) in self.m.classes.iter().enumerate() {
            topic_counts[class.channel * self.nt + class.topic].add(&self.kpi_counts[k]);
        }
        let outcome = RepOutcome {
            replication: self.replication,
            channels,
            topic_counts,
            pools,
            interpreter_busy_area,
            channel_intervals,
            pool_intervals,
            firings: std::mem::take(&mut self.firings),
            events: self.events,
        };
        (outcome, self.tracer)
    }
}

/// The reporting interval (of `n`, each `1 / inv_interval` seconds) that
/// holds time `t`: the last one for every time after the horizon.
#[inline]
fn interval_at(t: f64, inv_interval: f64, n: usize) -> u32 {
    ((t * inv_interval) as usize).min(n - 1) as u32
}

/// The first time that [`interval_at`] puts after interval `i` (infinite
/// for the last interval). It is found from the nominal boundary by
/// stepping one representable time at a time, so that it agrees with the
/// rounding of [`interval_at`] exactly; that function is monotone in the
/// time, so every time from the last one in interval `i` up to this one
/// is in interval `i`.
fn interval_end(i: u32, interval_s: f64, n: usize) -> f64 {
    if i as usize + 1 >= n {
        return f64::INFINITY;
    }
    let inv = 1.0 / interval_s;
    let mut b = f64::from(i + 1) * interval_s;
    while b > 0.0 && interval_at(b.next_down(), inv, n) > i {
        b = b.next_down();
    }
    while interval_at(b, inv, n) <= i {
        b = b.next_up();
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The cached end of an interval is exactly where the division
        /// moves on: the time before it is still in the interval, and it is
        /// in a later one, for widths that are not powers of two and for
        /// boundaries far from zero.
        #[test]
        fn the_end_of_an_interval_is_where_the_division_moves_on(
            interval_s in prop_oneof![Just(900.0), Just(3600.0), Just(86_400.0), 0.1..100_000.0f64],
            i in 0u32..100_000,
            extra in 2usize..10,
        ) {
            let n = i as usize + extra;
            let inv = 1.0 / interval_s;
            let end = interval_end(i, interval_s, n);
            prop_assert!(interval_at(end, inv, n) > i);
            prop_assert!(interval_at(end.next_down(), inv, n) <= i);
            // Times just before the end are in interval i (if it has any).
            let start = if i == 0 { 0.0 } else { interval_end(i - 1, interval_s, n) };
            prop_assert!(interval_at(start, inv, n) == i);
            prop_assert!(interval_at(end.next_down(), inv, n) == i);
        }
    }

    #[test]
    fn the_last_interval_never_ends() {
        assert_eq!(interval_end(2, 3600.0, 3), f64::INFINITY);
        assert_eq!(interval_at(1e12, 1.0 / 3600.0, 3), 2);
    }
}
