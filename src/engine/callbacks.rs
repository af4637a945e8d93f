//! Callbacks: the offer to callers facing a long wait, owed callbacks kept
//! apart from live calls, and whether a promise was kept.

use super::*;

impl<T: Tracer> Sim<'_, T> {
    /// The callbacks action of channel `c` (for callbacks still waiting after
    /// the action was undone).
    pub(super) fn callback_action(&self, c: usize) -> Option<usize> {
        self.m.actions.iter().position(
            |a| matches!(a.effect, crate::model::Effect::Callbacks { channel, .. } if channel == c),
        )
    }

    /// A caller who would wait long on a phone line with callbacks is
    /// offered one; if they accept they leave the line and wait in the
    /// class's callback queue (deferred work). Returns the class to queue in.
    pub(super) fn offer_callback(&mut self, idx: u32, a: usize, k: usize) -> usize {
        let m = self.m;
        let crate::model::Effect::Callbacks {
            offer_over_s,
            accept,
            ..
        } = m.actions[a].effect
        else {
            return k;
        };
        let c = self.info[k].channel as usize;
        // The live queue's expected wait (owed callbacks are not ahead of a
        // live caller), at the line's recent mean service time.
        let staff = self.channel_staff(c);
        let ahead = f64::from(self.chans[c].queue_len) + 1.0;
        let expected = if staff == 0 {
            f64::INFINITY
        } else {
            ahead * self.chans[c].service_mean_s / f64::from(staff)
        };
        if expected <= offer_over_s {
            return k;
        }
        let call = self.calls[idx as usize];
        let mut rng = caller_rng(call.seed ^ CALLBACK_SALT, call.attempt);
        if rng.random::<f64>() >= accept {
            return k;
        }
        let class = &m.classes[k];
        let Some(cb) = m.class_index(c, class.topic, class.language, true) else {
            return k;
        };
        self.tally(idx, |k| k.callbacks += 1.0);
        self.chans[c].in_system -= 1;
        let call = &mut self.calls[idx as usize];
        call.class = cb as u32;
        call.patience = f64::INFINITY;
        cb
    }

    /// A callback is made now (the agent's call starts): it takes a line
    /// again, and has its own tallies, apart from the live calls'.
    #[cold]
    #[inline(never)]
    pub(super) fn callback_made(&mut self, idx: u32, c: usize, wait: f64, counted: bool) {
        let now = self.now;
        let arrival = self.calls[idx as usize].arrival;
        self.chans[c].in_system += 1;
        let kept = self.callback_promise_s(c).is_none_or(|w| wait <= w);
        let working = self.open_between(c, arrival, now);
        self.tally(idx, |k| {
            k.callbacks_made += 1.0;
            k.callback_wait_s += wait;
            k.callback_wait_working_s += working;
            if kept {
                k.callbacks_kept += 1.0;
            }
        });
        self.tally_event(idx, |k| k.callbacks_made_event += 1.0);
        if counted {
            self.callback_waits[c].push((wait, working));
        }
    }

    /// The promised callback time of channel `c`'s callbacks action (the one
    /// in effect, or the one that was, for callbacks still owed after it
    /// was undone).
    pub(super) fn callback_promise_s(&self, c: usize) -> Option<f64> {
        let a = self.callbacks[c].or_else(|| self.callback_action(c))?;
        match self.m.actions[a].effect {
            crate::model::Effect::Callbacks { within_s, .. } => Some(within_s),
            _ => None,
        }
    }

    /// Whether a contact that arrived at `arrival` and still waits at `now`
    /// has waited longer than channel `c`'s threshold, on its clock.
    pub(super) fn late(&self, c: usize, arrival: f64, now: f64) -> bool {
        let ch = &self.m.channels[c];
        let waited = match &ch.business {
            None => now - arrival,
            Some((iv, prefix)) => {
                iv.measure_before(prefix, now) - iv.measure_before(prefix, arrival)
            }
        };
        waited > ch.answer_within_s
    }
}
