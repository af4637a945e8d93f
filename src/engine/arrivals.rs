//! Arrivals: the next arrival of each demand stream, generated exactly for
//! the piecewise-constant rate, and what happens when a contact arrives
//! (its attributes, deflection and rerouting, the first offer).

use super::*;

impl<T: Tracer> Sim<'_, T> {
    /// Next arrival of stream `d` after `t`, by inverting the cumulative
    /// rate: an Exp(1) amount of "rate × time" is used up piece by piece
    /// (and day by day when demand has a random daily factor).
    pub(super) fn next_arrival(&mut self, d: usize, mut t: f64) -> Option<f64> {
        let pieces: &[Piece] = &self.m.demands[d].pieces;
        let st = &mut self.streams[d];
        let mut need: f64 = Exp1.sample(&mut st.arrivals);
        let horizon = self.m.horizon_s;
        let factors = &self.day_factors;
        loop {
            let p = pieces.get(st.piece)?;
            let piece_end = pieces.get(st.piece + 1).map_or(horizon, |n| n.start_s);
            let (end, rate) = if factors.is_empty() {
                (piece_end, p.rate_per_s)
            } else {
                let day = ((t / DAY_S) as usize).min(factors.len() - 1);
                (
                    piece_end.min((day + 1) as f64 * DAY_S),
                    p.rate_per_s * factors[day],
                )
            };
            if rate > 0.0 {
                let dt = need / rate;
                if t + dt < end {
                    return Some(t + dt);
                }
                need -= rate * (end - t);
            }
            if end >= piece_end {
                if st.piece + 1 >= pieces.len() {
                    return None;
                }
                st.piece += 1;
            }
            t = end;
        }
    }

    pub(super) fn on_arrival(&mut self, d: usize) {
        let now = self.now;
        if let Some(t) = self.next_arrival(d, now) {
            self.cal.schedule(t, Kind::Arrival, d as u32, 0);
        }
        let m = self.m;
        let demand = &m.demands[d];
        let channel = &m.channels[demand.channel];
        let st = &mut self.streams[d];
        let handle = demand.handle.sample(&mut st.handle);
        let patience = match &channel.patience {
            Some(p) => p.sample(&mut st.patience),
            None => f64::INFINITY,
        };
        // Language and appointment come from the callers stream, then the
        // person's own seed.
        let cum = &m.topic_languages[demand.topic];
        let language = if cum.len() > 1 {
            let u: f64 = st.callers.random();
            cum.iter().position(|&x| u < x).unwrap_or(cum.len() - 1)
        } else {
            0
        };
        let appointment = channel.appointment_share > 0.0
            && st.callers.random::<f64>() < channel.appointment_share;
        let seed = if self.needs_seed[demand.channel] {
            st.callers.next_u64()
        } else {
            0
        };
        if !self.deflections[demand.topic * self.nc + demand.channel].is_empty()
            && self.deflected(d, now)
        {
            let interval = self.now_interval as usize;
            self.counts[interval * self.nc + demand.channel].deflected += 1.0;
            if now >= m.warmup_s {
                self.deflected_kpi[demand.channel] += 1.0;
            }
            return;
        }
        let mut class =
            self.demand_classes[d * m.languages.len() + language][usize::from(appointment)];
        let (mut channel_idx, mut handle, mut patience, mut seed) =
            (demand.channel, handle, patience, seed);
        if !self.reroutes[demand.topic * self.nc + demand.channel].is_empty()
            && let Some((to, h, p, s)) = self.rerouted(d)
        {
            channel_idx = to;
            handle = h;
            patience = p;
            seed = s;
            class = m
                .class_index(to, demand.topic, language, false)
                .map_or(u32::MAX, |k| k as u32);
        }
        debug_assert!(
            class != u32::MAX,
            "the compiler creates a class for every demand stream and language"
        );
        let idx = self.alloc();
        let call = &mut self.calls[idx as usize];
        call.handle = handle;
        call.patience = patience;
        call.seed = seed;
        call.class = class;
        call.channel = channel_idx as u32;
        call.attempt = 1;
        call.switched = false;
        call.interpreter = NO_INTERPRETER;
        self.offer(idx);
    }
}
