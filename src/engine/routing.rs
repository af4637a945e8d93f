//! Routing and service: offering a contact to the pools of its class,
//! starting and ending service, and what a freed agent takes next
//! (priority levels, deferred work within `deferred_share`, appointments
//! before walk-ins, oldest first).

use super::*;

impl<T: Tracer> Sim<'_, T> {
    /// Whether someone on duty could serve class `k` (now or later today).
    pub(super) fn staffed(&self, k: usize) -> bool {
        self.m.classes[k].pools.iter().any(|&(p, interp)| {
            let pool = &self.pools[p];
            pool.on_duty > pool.leaving && interp.is_none_or(|i| self.interp_cap[i] > 0)
        })
    }

    /// An attempt reaches its channel.
    pub(super) fn offer(&mut self, idx: u32) {
        let now = self.now;
        let interval = self.now_interval;
        let counted = now >= self.m.warmup_s;
        let call = &mut self.calls[idx as usize];
        call.arrival = now;
        call.interval = interval;
        call.counted = counted;
        let c = call.channel as usize;
        let k = call.class as usize;
        let is_repeat = call.attempt > 1;
        let switched_in = call.switched && !is_repeat;
        let first = !is_repeat && !call.switched;
        if !self.chans[c].open {
            self.tally(idx, |k| {
                if first {
                    k.first_attempts += 1.0;
                }
                k.closed += 1.0;
            });
            self.release(idx);
            return;
        }
        let appointment = self.info[k].appointment;
        // Adding 0 or 1 rather than branching: which kind of attempt comes
        // next is hard to predict in a model with redials and switching.
        let one = |b: bool| f64::from(u8::from(b));
        self.tally(idx, |k| {
            k.first_attempts += one(first);
            k.offered += 1.0;
            k.redials += one(is_repeat);
            k.switched_in += one(switched_in);
            k.appointments += one(appointment);
        });
        let m = self.m;
        let channel = &m.channels[c];
        if let Some(lines) = self.lines[c]
            && self.chans[c].in_system >= lines
        {
            self.tally(idx, |k| k.blocked += 1.0);
            self.after_failure(idx, Failure::Busy);
            return;
        }
        if channel.kind == ChannelKind::Desk
            && channel.closing == Closing::Gate
            && !appointment
            && !self.gate_admits(c)
        {
            self.tally(idx, |k| k.turned_away += 1.0);
            self.after_failure(idx, Failure::TurnedAway);
            return;
        }
        self.chans[c].in_system += 1;
        let counter_free = self.chans[c].counters_busy < self.chans[c].counters;
        if counter_free {
            for &(p, interp) in &m.classes[k].pools {
                if self.pools[p].idle > 0
                    && interp.is_none_or(|i| self.interp_busy[i] < self.interp_cap[i])
                {
                    self.tally(idx, |k| k.answered_at_once += 1.0);
                    self.start_service(idx, p, interp);
                    return;
                }
            }
        }
        // Nobody on duty can take it: for real-time channels whenever that
        // happens; for deferred work only while some of the channel's staff
        // are on duty (e-mail arriving at night is normal, e-mail that the
        // staff at work cannot handle is not).
        if !self.staffed(k)
            && (!self.info[k].deferred
                || m.channels[c]
                    .pools
                    .iter()
                    .any(|&p| self.pools[p].on_duty > self.pools[p].leaving))
        {
            self.tally(idx, |k| k.unstaffed += 1.0);
        }
        let k = match self.callbacks[c] {
            Some(a) if !appointment => self.offer_callback(idx, a, k),
            _ => k,
        };
        // Wait.
        let call = &mut self.calls[idx as usize];
        call.state = State::Waiting;
        let generation = call.generation;
        let patience = call.patience;
        self.queues[k].push_back((idx, generation));
        self.class_grew(k);
        let ch = &mut self.chans[c];
        if self.info[k].callback {
            // Owed callbacks wait apart from the live queue.
            ch.owed += 1;
            return;
        }
        ch.queue_len += 1;
        let qlen = ch.queue_len;
        let l = self.lvl_queue(c);
        self.levels.set(l, now, f64::from(qlen));
        // Without a branch: whether the queue grows past its longest is
        // hard to predict.
        let longest = &mut self.max_queue[c];
        *longest = (*longest).max(qlen * u32::from(counted));
        self.calls[idx as usize].abandon = if patience.is_finite() {
            self.cal
                .schedule_ticket(now + patience, Kind::Abandon, idx, generation)
        } else {
            Ticket::NONE
        };
    }

    /// Staff on duty now, and staying, in the pools that serve channel `c`.
    pub(super) fn channel_staff(&self, c: usize) -> u32 {
        self.m.channels[c]
            .pools
            .iter()
            .map(|&p| self.pools[p].on_duty - self.pools[p].leaving)
            .sum()
    }

    #[inline]
    pub(super) fn start_service(&mut self, idx: u32, p: usize, interp: Option<usize>) {
        let now = self.now;
        let m = self.m;
        let call = &mut self.calls[idx as usize];
        call.state = State::InService;
        let c = call.channel as usize;
        let k = call.class as usize;
        let wait = now - call.arrival;
        let arrival = call.arrival;
        let info = self.info[k];
        let channel = &m.channels[c];
        let within = match &channel.business {
            None => wait <= channel.answer_within_s,
            Some((iv, prefix)) => {
                iv.measure_before(prefix, now) - iv.measure_before(prefix, arrival)
                    <= channel.answer_within_s
            }
        };
        let handle = call.handle;
        let co = self.idle_cohort(p);
        let speed = m.pools[p].speed * self.cohorts[co].speed_at(now);
        let mut service = handle * info.factor;
        // Dividing by 1 changes nothing; skipping it saves a division on
        // the usual path.
        if speed != 1.0 {
            service /= speed;
        }
        let call = &mut self.calls[idx as usize];
        let counted = call.counted;
        call.interpreter = interp.map_or(NO_INTERPRETER, |i| i as u32);
        if let Some(i) = interp {
            service += m.interpreters[i].extra_s;
            self.interp_busy[i] += 1;
            let v = f64::from(self.interp_busy[i]);
            let l = self.lvl_interp(i);
            self.levels.set(l, now, v);
        }
        let ch = &mut self.chans[c];
        ch.service_mean_s += (service - ch.service_mean_s) * SERVICE_MEAN_WEIGHT;
        if info.callback {
            self.callback_made(idx, c, wait, counted);
        } else {
            self.tally(idx, |k| {
                k.answered += 1.0;
                k.wait_answered_s += wait;
                if within {
                    k.answered_within += 1.0;
                }
            });
            if counted {
                self.max_wait[c] = self.max_wait[c].max(wait);
            }
        }
        let interval = self.now_interval as usize;
        // Event time: the service starts now.
        self.counts[interval * self.nc + c].handled_event += 1.0;
        if now >= m.warmup_s {
            self.kpi_counts[k].handled_event += 1.0;
        }
        let pc = &mut self.pool_counts[interval * self.np + p];
        pc.handled += 1.0;
        if interp.is_some() {
            pc.interpreted += 1.0;
        }
        if now >= m.warmup_s {
            let pk = &mut self.pool_kpi[p];
            pk.handled += 1.0;
            if interp.is_some() {
                pk.interpreted += 1.0;
            }
        }
        if info.desk {
            self.chans[c].counters_busy += 1;
        }
        let cohort = &mut self.cohorts[co];
        cohort.idle -= 1;
        cohort.busy += 1;
        let pool = &mut self.pools[p];
        pool.idle -= 1;
        pool.busy += 1;
        let busy = pool.busy;
        if info.deferred {
            pool.busy_deferred += 1;
            let v = f64::from(pool.busy_deferred);
            let l = self.lvl_pool_deferred(p);
            self.levels.set(l, now, v);
        }
        let l = self.lvl_pool_busy(p);
        self.levels.set(l, now, f64::from(busy));
        let l = self.lvl_chan_busy(c);
        let v = self.levels.value(l) + 1.0;
        self.levels.set(l, now, v);
        let pool = self.pools[p];
        self.tracer.trace(Trace::Start {
            time: now,
            pool: p,
            class: k,
            interpreter: interp,
            staying: pool.on_duty - pool.leaving,
            busy: pool.busy,
            on_duty: pool.on_duty,
            counters_busy: self.chans[c].counters_busy,
            interpreter_busy: interp.map_or(0, |i| self.interp_busy[i]),
            wait,
        });
        self.cal
            .schedule(now + service, Kind::ServiceEnd, idx, co as u32);
    }

    pub(super) fn on_service_end(&mut self, idx: u32, co: usize) {
        let now = self.now;
        let p = self.cohorts[co].pool;
        let call = self.calls[idx as usize];
        let c = call.channel as usize;
        let k = call.class as usize;
        self.tracer.trace(Trace::End {
            time: now,
            pool: p,
            class: k,
        });
        self.chans[c].in_system -= 1;
        let l = self.lvl_chan_busy(c);
        let v = self.levels.value(l) - 1.0;
        self.levels.set(l, now, v);
        let mut resource_freed = false;
        if self.info[k].desk {
            self.chans[c].counters_busy -= 1;
            resource_freed = self.chans[c].queue_len > 0;
        }
        if call.interpreter != NO_INTERPRETER {
            let i = call.interpreter as usize;
            self.interp_busy[i] -= 1;
            let v = f64::from(self.interp_busy[i]);
            let l = self.lvl_interp(i);
            self.levels.set(l, now, v);
            resource_freed = true;
        }
        self.release(idx);
        let deferred = self.info[k].deferred;
        let pool = &mut self.pools[p];
        pool.busy -= 1;
        let busy = pool.busy;
        if deferred {
            pool.busy_deferred -= 1;
            let v = f64::from(pool.busy_deferred);
            let l = self.lvl_pool_deferred(p);
            self.levels.set(l, now, v);
        }
        let l = self.lvl_pool_busy(p);
        self.levels.set(l, now, f64::from(busy));
        let cohort = &mut self.cohorts[co];
        cohort.busy -= 1;
        if cohort.leaving > 0 {
            cohort.leaving -= 1;
            cohort.on_duty -= 1;
            let pool = &mut self.pools[p];
            pool.leaving -= 1;
            pool.on_duty -= 1;
            self.pool_levels(p);
        } else {
            cohort.idle += 1;
            self.pools[p].idle += 1;
            self.dispatch(p);
        }
        if resource_freed {
            self.dispatch_all();
        }
    }

    /// Every pool with idle staff looks for work (after a counter or an
    /// interpreter became free).
    pub(super) fn dispatch_all(&mut self) {
        for q in 0..self.np {
            if self.pools[q].idle > 0 {
                self.dispatch(q);
            }
        }
    }

    /// Arrival time of the first contact still waiting in class `k`,
    /// dropping stale entries at the head.
    #[inline]
    pub(super) fn head(&mut self, k: usize) -> Option<f64> {
        if self.class_len[k] == 0 {
            return None;
        }
        while let Some(&(idx, generation)) = self.queues[k].front() {
            let call = &self.calls[idx as usize];
            if call.generation == generation && call.state == State::Waiting {
                return Some(call.arrival);
            }
            self.queues[k].pop_front();
        }
        None
    }

    /// Idle agents of pool `p` take waiting contacts.
    pub(super) fn dispatch(&mut self, p: usize) {
        let m = self.m;
        let routes = &m.pools[p].routes;
        if let [r] = routes.as_slice() {
            // One queue: no choice to make.
            let info = self.info[r.class];
            while self.pools[p].idle > 0
                && self.chans[info.channel as usize].counters_busy
                    < self.chans[info.channel as usize].counters
                && r.interpreter
                    .is_none_or(|i| self.interp_busy[i] < self.interp_cap[i])
                && self.head(r.class).is_some()
            {
                let idx = self.pop_waiting(r.class);
                self.start_service(idx, p, r.interpreter);
            }
            return;
        }
        while self.pools[p].idle > 0 {
            let pool = self.pools[p];
            let reserve = m.pools[p].deferred_share > 0.0
                && f64::from(pool.busy_deferred)
                    < (m.pools[p].deferred_share * f64::from(pool.on_duty - pool.leaving)).round();
            let mut best: Option<((bool, u32, bool, f64), usize)> = None;
            // The routes whose class has contacts waiting, in route order.
            let w0 = self.route_words[p];
            debug_assert!(routes.iter().enumerate().all(|(ri, r)| {
                let bit = self.route_bits[w0 + ri / 64] >> (ri % 64) & 1 == 1;
                bit == (self.class_len[r.class] > 0)
            }));
            for w in w0..self.route_words[p + 1] {
                let mut bits = self.route_bits[w];
                while bits != 0 {
                    let ri = (w - w0) * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let r = &routes[ri];
                    let k = r.class;
                    debug_assert!(self.class_len[k] > 0);
                    let info = self.info[k];
                    if self.chans[info.channel as usize].counters_busy
                        >= self.chans[info.channel as usize].counters
                    {
                        continue;
                    }
                    if let Some(i) = r.interpreter
                        && self.interp_busy[i] >= self.interp_cap[i]
                    {
                        continue;
                    }
                    let Some(head) = self.head(k) else { continue };
                    let key = (info.deferred != reserve, r.level, !info.appointment, head);
                    let better = match &best {
                        None => true,
                        Some((b, _)) => {
                            (key.0, key.1, key.2) < (b.0, b.1, b.2)
                                || ((key.0, key.1, key.2) == (b.0, b.1, b.2) && key.3 < b.3)
                        }
                    };
                    if better {
                        best = Some((key, ri));
                    }
                }
            }
            let Some((_, ri)) = best else { return };
            let r = routes[ri];
            let idx = self.pop_waiting(r.class);
            self.start_service(idx, p, r.interpreter);
        }
    }

    /// Removes the head of class `k` (which [`Self::head`] found valid).
    #[inline]
    pub(super) fn pop_waiting(&mut self, k: usize) -> u32 {
        let (idx, generation) = self.queues[k]
            .pop_front()
            .expect("head() found a waiting contact");
        self.class_shrank(k);
        // Answered: its abandonment will not happen. Cancelled, it still
        // counts as a simulated event (as it did when it ran and was
        // ignored), so that the count stays what it was.
        let call = &mut self.calls[idx as usize];
        if call.abandon != Ticket::NONE {
            let t = call.arrival + call.patience;
            let ticket = std::mem::replace(&mut call.abandon, Ticket::NONE);
            if self.cal.cancel(ticket, t, Kind::Abandon, idx, generation) && t <= self.m.horizon_s {
                self.events += 1;
            }
        }
        let c = self.info[k].channel as usize;
        let ch = &mut self.chans[c];
        if self.info[k].callback {
            ch.owed -= 1;
            return idx;
        }
        ch.queue_len -= 1;
        let q = ch.queue_len;
        let l = self.lvl_queue(c);
        self.levels.set(l, self.now, f64::from(q));
        idx
    }
}
