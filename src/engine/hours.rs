//! Opening hours and capacity: when a channel is open (hours that actions
//! change included), a desk's gate at closing time and visitors sent home,
//! interpreters' hours, and lines or counters over time.

use super::*;

impl<T: Tracer> Sim<'_, T> {
    /// Time within channel `c`'s opening hours (as they stand, actions
    /// included) between `a` and `b`.
    pub(super) fn open_between(&self, c: usize, a: f64, b: f64) -> f64 {
        let h = &self.hours[c];
        let horizon = self.m.horizon_s;
        // Boundaries come in pairs (open, close); skip spans closing by `a`.
        let mut i = h.partition_point(|&t| t <= a) & !1;
        let mut total = 0.0;
        while i < h.len() {
            let (o, e) = (h[i], h.get(i + 1).copied().unwrap_or(horizon));
            if o >= b {
                break;
            }
            total += (e.min(b) - o.max(a)).max(0.0);
            i += 2;
        }
        total
    }

    /// The first moment at or after `t` at which channel `c` is open (by
    /// its hours as they stand, actions included).
    pub(super) fn next_open(&self, c: usize, t: f64) -> Option<f64> {
        let h = &self.hours[c];
        let i = h.partition_point(|&x| x <= t);
        if i % 2 == 1 {
            Some(t)
        } else {
            h.get(i).copied()
        }
    }

    /// Desk gate rule: admit a visitor only if the queue ahead can be served
    /// before closing, at the desk's recent mean service time with the
    /// counters in place now (actions included) that staff on duty can use.
    pub(super) fn gate_admits(&self, c: usize) -> bool {
        let servers = self.channel_staff(c).min(self.chans[c].counters);
        if servers == 0 {
            return false;
        }
        let ch = &self.chans[c];
        let ahead = f64::from(ch.queue_len);
        let expected_start = self.now + ahead * ch.service_mean_s / f64::from(servers);
        expected_start < ch.close_at
    }

    /// Whether channel `c`'s hours (as they stand) open exactly at `t`.
    pub(super) fn opens_at(&self, c: usize, t: f64) -> bool {
        let h = &self.hours[c];
        let i = h.partition_point(|&x| x < t);
        i % 2 == 0 && h.get(i) == Some(&t)
    }

    pub(super) fn desk_staffed(&self, c: usize) -> bool {
        self.m.channels[c]
            .pools
            .iter()
            .any(|&p| self.pools[p].on_duty > self.pools[p].leaving)
    }

    /// Turns away everyone waiting at desk `c`.
    pub(super) fn send_home(&mut self, c: usize) {
        let m = self.m;
        for k in 0..m.classes.len() {
            if self.info[k].channel as usize != c {
                continue;
            }
            while self.head(k).is_some() {
                let idx = self.pop_waiting(k);
                self.chans[c].in_system -= 1;
                self.calls[idx as usize].state = State::Pending;
                self.tally(idx, |k| k.turned_away += 1.0);
                self.after_failure(idx, Failure::TurnedAway);
            }
        }
    }

    pub(super) fn on_hours(&mut self, c: usize, epoch: u32, k: usize) {
        if epoch != self.hours_epoch[c] {
            return;
        }
        let open = k.is_multiple_of(2);
        self.chans[c].open = open;
        self.chans[c].close_at = if open {
            self.hours[c].get(k + 1).copied().unwrap_or(f64::INFINITY)
        } else {
            f64::INFINITY
        };
        if let Some(&t) = self.hours[c].get(k + 1)
            && t < self.m.horizon_s
        {
            let a = (c as u32) | (epoch << 16);
            self.cal.schedule(t, Kind::Hours, a, (k + 1) as u32);
        }
    }

    pub(super) fn on_interpreter(&mut self, i: usize, k: usize) {
        let open = k.is_multiple_of(2);
        self.interp_cap[i] = if open {
            self.m.interpreters[i].capacity
        } else {
            0
        };
        if let Some(&t) = self.interp_hours[i].get(k + 1)
            && t < self.m.horizon_s
        {
            self.cal
                .schedule(t, Kind::Interpreter, i as u32, (k + 1) as u32);
        }
        if open {
            self.dispatch_all();
        }
    }

    /// Lines or counters of channel `c` become `n` now.
    pub(super) fn set_capacity(&mut self, c: usize, n: f64) {
        let now = self.now;
        let from = self.capacity_since[c].max(self.m.warmup_s);
        if now > from {
            self.capacity_area[c] += self.capacity_now[c] * (now - from);
        }
        self.capacity_since[c] = now;
        self.capacity_now[c] = n;
    }
}
