//! Abandonment, busy signals, turned-away visitors, redials, returns and
//! switching to another channel.

use super::*;

impl<T: Tracer> Sim<'_, T> {
    pub(super) fn on_abandon(&mut self, idx: u32, generation: u32) {
        let call = &self.calls[idx as usize];
        if call.generation != generation || call.state != State::Waiting {
            return; // answered before its patience ran out
        }
        let now = self.now;
        let c = call.channel as usize;
        let k = call.class as usize;
        let wait = now - call.arrival;
        self.class_shrank(k);
        let ch = &mut self.chans[c];
        ch.queue_len -= 1;
        ch.in_system -= 1;
        let q = ch.queue_len;
        let l = self.lvl_queue(c);
        self.levels.set(l, now, f64::from(q));
        // Mark it so that its queue entry is skipped.
        self.calls[idx as usize].state = State::Pending;
        self.tally(idx, |k| {
            k.abandoned += 1.0;
            k.wait_abandoned_s += wait;
        });
        self.tally_event(idx, |k| k.abandoned_event += 1.0);
        self.after_failure(idx, Failure::Abandoned);
    }

    /// After a busy signal, an abandonment or being turned away: the person
    /// may try again on the same channel, or switch to another.
    pub(super) fn after_failure(&mut self, idx: u32, why: Failure) {
        let m = self.m;
        let call = self.calls[idx as usize];
        let channel = &m.channels[call.channel as usize];
        let now = self.now;
        match why {
            Failure::Busy | Failure::Abandoned => {
                if let Some(r) = &channel.redial
                    && call.attempt < r.max_attempts
                {
                    let mut rng = caller_rng(call.seed, call.attempt);
                    let p = if why == Failure::Busy {
                        r.after_busy
                    } else {
                        r.after_abandon
                    };
                    if rng.random::<f64>() < p {
                        let delay = r.delay.sample(&mut rng);
                        let patience = match &channel.patience {
                            Some(d) => d.sample(&mut rng),
                            None => f64::INFINITY,
                        };
                        self.retry(idx, now + delay, patience, None);
                        return;
                    }
                }
            }
            Failure::TurnedAway => {
                if let Some(r) = &channel.returns {
                    let mut rng = caller_rng(call.seed, call.attempt);
                    if rng.random::<f64>() < r.share
                        && let Some(t) = self.next_open(call.channel as usize, now + r.after_s)
                    {
                        let patience = match &channel.patience {
                            Some(d) => d.sample(&mut rng),
                            None => f64::INFINITY,
                        };
                        self.retry(idx, t, patience, None);
                        return;
                    }
                }
            }
        }
        if let Some(sw) = &channel.switch {
            let p = if why == Failure::TurnedAway {
                sw.after_turned_away
            } else {
                sw.after_abandon
            };
            let mut rng = caller_rng(call.seed ^ SWITCH_SALT, call.attempt);
            if p > 0.0 && rng.random::<f64>() < p {
                let class = &m.classes[call.class as usize];
                let to = sw.to;
                let target = m
                    .class_index(to, class.topic, class.language, false)
                    .expect("the compiler creates the classes that switches lead to");
                let handle = m
                    .handle(class.topic, to)
                    .expect("the compiler checks handle times for switch targets")
                    .sample(&mut rng);
                let delay = sw.delay.sample(&mut rng);
                let patience = match &m.channels[to].patience {
                    Some(d) => d.sample(&mut rng),
                    None => f64::INFINITY,
                };
                self.tally(idx, |k| k.switched_out += 1.0);
                let call = &mut self.calls[idx as usize];
                call.handle = handle;
                call.class = target as u32;
                call.channel = to as u32;
                call.attempt = 0; // retry() makes it 1
                call.switched = true;
                self.retry(idx, now + delay, patience, Some(()));
                return;
            }
        }
        self.release(idx);
    }

    /// Schedules the next attempt of a contact at `at`.
    pub(super) fn retry(&mut self, idx: u32, at: f64, patience: f64, _switch: Option<()>) {
        let call = &mut self.calls[idx as usize];
        call.state = State::Pending;
        call.patience = patience;
        call.attempt += 1;
        call.generation = call.generation.wrapping_add(1);
        let generation = call.generation;
        if at <= self.m.horizon_s {
            self.cal.schedule(at, Kind::Redial, idx, generation);
        } else {
            // Beyond the horizon: it stays pending and is counted as such.
        }
    }

    pub(super) fn on_redial(&mut self, idx: u32, generation: u32) {
        let call = &self.calls[idx as usize];
        if call.generation != generation || call.state != State::Pending {
            return;
        }
        let c = call.channel as usize;
        let now = self.now;
        // A visitor who comes back "at the next opening" arrives at the very
        // instant the channel opens, and that event may not have run yet
        // (it was scheduled later): come again just after it.
        if !self.chans[c].open && now < self.m.horizon_s && self.opens_at(c, now) {
            self.cal.schedule(now, Kind::Redial, idx, generation);
            return;
        }
        self.offer(idx);
    }
}
