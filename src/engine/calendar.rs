//! The event calendar: events ordered by time, then by insertion order, so
//! that events at equal times run in the order they were scheduled and every
//! run is exactly reproducible.
//!
//! It is a timing wheel with a heap behind it. Time is cut into buckets of
//! a fixed width (chosen from the model: about one event per two buckets at
//! the busiest demand, see [`bucket_width`]); the wheel holds the events of
//! the next [`BUCKETS`] buckets, each bucket a short linked list in one slab,
//! with a bitmap of the buckets in use. Events further ahead wait in a
//! 4-ary heap (`dary_heap`) and move to the wheel when it reaches them;
//! with one demand stream, its next arrival waits in a slot of its own. A
//! pop finds the first bucket in use from the bitmap and takes the event
//! with the smallest (time, sequence) key in it. Because a later bucket only
//! holds later times, that is the smallest key of all: the order is exactly
//! the one a single heap gives, only cheaper (a push and a pop cost a few
//! instructions instead of a walk down a heap of every pending event).

use dary_heap::QuaternaryHeap;
use std::cmp::Ordering;

/// Buckets in the wheel (a power of two, at most 64 × 64 for the two-level
/// bitmap).
pub const BUCKETS: usize = 4096;
const MASK: u64 = BUCKETS as u64 - 1;
const WORDS: usize = BUCKETS / 64;
const NIL: u32 = u32::MAX;

/// What happens at an event. The two payload words mean different things per
/// kind (see the engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// Next arrival of demand stream `a`.
    Arrival,
    /// Call `a` (generation `b`) calls again.
    Redial,
    /// Call `a` (generation `b`) reaches the end of its patience.
    Abandon,
    /// Call `a` finishes service by an agent of pool `b`.
    ServiceEnd,
    /// Pool `a` reaches step `b` of its duty roster.
    Duty,
    /// Channel `a` reaches boundary `b` of its opening hours.
    Hours,
    /// Interpreting service `a` reaches boundary `b` of its hours.
    Interpreter,
    /// End of reporting interval `a`: snapshots of backlogs.
    Tick,
    /// Action `a`: step `b` of its life (decided, effect, release …).
    Action,
    /// Cohort `a`: event `b` (arrival, end of training, a leaver, …).
    Cohort,
}

/// One scheduled event.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// Time: the bits of a non-negative f64, which order like the numbers.
    t: u64,
    /// Insertion sequence.
    seq: u64,
    /// What happens.
    pub kind: Kind,
    /// First payload word.
    pub a: u32,
    /// Second payload word.
    pub b: u32,
}

impl Event {
    /// Event time in seconds.
    #[inline]
    pub fn time(&self) -> f64 {
        f64::from_bits(self.t)
    }

    /// The ordering key: time, then insertion sequence.
    #[inline(always)]
    fn key(&self) -> (u64, u64) {
        (self.t, self.seq)
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so that the max-heap pops the earliest event.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// The width of the calendar's buckets for demand whose busiest total
/// arrival rate is `peak_rate_per_s`: about one event every two buckets at
/// that rate (a contact brings about three events: its arrival, its service
/// end and perhaps an abandonment), between 0.1 ms and 1 hour.
pub fn bucket_width(peak_rate_per_s: f64) -> f64 {
    if peak_rate_per_s.is_finite() && peak_rate_per_s > 0.0 {
        (1.0 / (6.0 * peak_rate_per_s)).clamp(1e-4, 3600.0)
    } else {
        60.0
    }
}

/// An event in the wheel's slab, linked both ways within its bucket.
#[derive(Debug, Clone, Copy)]
struct Node {
    ev: Event,
    next: u32,
    /// The node before, or `HEAD | slot` for the first of bucket `slot`.
    prev: u32,
}

/// Marks a node's `prev` as "first of its bucket".
const HEAD: u32 = 1 << 31;

/// A handle on a scheduled event that may be cancelled
/// ([`Calendar::cancel`]); `NONE` when it cannot be (it waits beyond the
/// wheel, or none was scheduled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u32);

impl Ticket {
    /// No event to cancel.
    pub const NONE: Ticket = Ticket(NIL);
}

/// Future events, earliest first.
#[derive(Debug)]
pub struct Calendar {
    /// Buckets per second.
    inv_width: f64,
    /// Absolute index of the first bucket the wheel covers: every event in
    /// the wheel lies in buckets `cur .. cur + BUCKETS`, every event in
    /// `far` in later ones.
    cur: u64,
    /// First node of each bucket (slot = absolute index mod `BUCKETS`).
    heads: Box<[u32]>,
    /// Buckets in use, one bit each.
    bits: Box<[u64; WORDS]>,
    /// Words of `bits` that are not zero.
    summary: u64,
    nodes: Vec<Node>,
    /// First free node.
    free: u32,
    /// Events in the wheel.
    in_wheel: usize,
    /// The wheel's earliest event, when known (`NIL`: to be found).
    min: u32,
    /// Events beyond the wheel.
    far: QuaternaryHeap<Event>,
    /// Bucket of the earliest far event (`u64::MAX` when there is none).
    far_bucket: u64,
    /// Whether an arrival may wait in `arrival` rather than in the wheel
    /// (when the model has one demand stream, whose next arrival is always
    /// pending: a slot is cheaper than a bucket).
    arrival_slot: bool,
    /// An arrival waiting apart from the wheel.
    arrival: Option<Event>,
    seq: u64,
}

impl Calendar {
    /// An empty calendar with buckets `width_s` seconds wide and room for
    /// `capacity` events in its wheel; with `arrival_slot`, an arrival waits
    /// apart from the wheel when no other arrival does (meant for models
    /// with one demand stream; the order is the same either way).
    pub fn new(width_s: f64, capacity: usize, arrival_slot: bool) -> Self {
        debug_assert!(width_s > 0.0);
        Calendar {
            inv_width: 1.0 / width_s,
            cur: 0,
            heads: vec![NIL; BUCKETS].into_boxed_slice(),
            bits: Box::new([0; WORDS]),
            summary: 0,
            nodes: Vec::with_capacity(capacity),
            free: NIL,
            in_wheel: 0,
            min: NIL,
            far: QuaternaryHeap::new(),
            far_bucket: u64::MAX,
            arrival_slot,
            arrival: None,
            seq: 0,
        }
    }

    /// Absolute bucket of time bits `t` (times are not negative; `as`
    /// saturates, and is monotone).
    #[inline(always)]
    fn bucket(&self, t: u64) -> u64 {
        (f64::from_bits(t) * self.inv_width) as i64 as u64
    }

    /// Schedules an event at time `t` (seconds, >= 0).
    #[inline]
    pub fn schedule(&mut self, t: f64, kind: Kind, a: u32, b: u32) {
        self.schedule_ticket(t, kind, a, b);
    }

    /// Schedules an event at time `t` (seconds, >= 0), and returns a ticket
    /// to cancel it with.
    #[inline]
    pub fn schedule_ticket(&mut self, t: f64, kind: Kind, a: u32, b: u32) -> Ticket {
        debug_assert!(t >= 0.0, "event in negative time: {t}");
        // +0.0 normalises a -0.0, whose bits would sort last.
        let bits = (t + 0.0).to_bits();
        self.seq += 1;
        let ev = Event {
            t: bits,
            seq: self.seq,
            kind,
            a,
            b,
        };
        if kind == Kind::Arrival && self.arrival_slot && self.arrival.is_none() {
            self.arrival = Some(ev);
            return Ticket::NONE;
        }
        let bucket = self.bucket(bits);
        if bucket < self.cur.saturating_add(BUCKETS as u64) {
            // An event before `cur` (in the past) goes to the first bucket,
            // where its key still puts it first.
            let i = self.insert(bucket.max(self.cur), ev);
            if self.min != NIL && ev.key() < self.nodes[self.min as usize].ev.key() {
                self.min = i;
            }
            Ticket(i)
        } else {
            self.far_bucket = self.far_bucket.min(bucket);
            self.far.push(ev);
            Ticket::NONE
        }
    }

    /// Cancels the event of `ticket` if it is still the pending event
    /// `kind`, `a`, `b` at time `t`; returns whether it did. (A ticket
    /// whose event has run may name a node reused since.)
    pub fn cancel(&mut self, ticket: Ticket, t: f64, kind: Kind, a: u32, b: u32) -> bool {
        let i = ticket.0;
        let Some(node) = self.nodes.get(i as usize) else {
            return false;
        };
        let ev = node.ev;
        if ev.kind != kind || ev.a != a || ev.b != b || ev.t != (t + 0.0).to_bits() {
            return false;
        }
        if node.prev == NIL {
            return false; // free
        }
        self.unlink(i);
        if self.min == i {
            self.min = NIL;
        }
        true
    }

    /// Puts `ev` into the wheel's bucket `bucket`.
    #[inline(always)]
    fn insert(&mut self, bucket: u64, ev: Event) -> u32 {
        let slot = (bucket & MASK) as usize;
        let head = self.heads[slot];
        let node = Node {
            ev,
            next: head,
            prev: HEAD | slot as u32,
        };
        let i = if self.free != NIL {
            let i = self.free;
            self.free = self.nodes[i as usize].next;
            self.nodes[i as usize] = node;
            i
        } else {
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        };
        if head != NIL {
            self.nodes[head as usize].prev = i;
        }
        self.heads[slot] = i;
        self.bits[slot / 64] |= 1 << (slot % 64);
        self.summary |= 1 << (slot / 64);
        self.in_wheel += 1;
        i
    }

    /// Takes node `i` out of its bucket and frees it.
    #[inline(always)]
    fn unlink(&mut self, i: u32) {
        let Node { next, prev, .. } = self.nodes[i as usize];
        if prev & HEAD != 0 {
            let slot = (prev & !HEAD) as usize;
            self.heads[slot] = next;
            if next == NIL {
                self.bits[slot / 64] &= !(1 << (slot % 64));
                if self.bits[slot / 64] == 0 {
                    self.summary &= !(1 << (slot / 64));
                }
            }
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next != NIL {
            self.nodes[next as usize].prev = prev;
        }
        let n = &mut self.nodes[i as usize];
        n.next = self.free;
        n.prev = NIL;
        self.free = i;
        self.in_wheel -= 1;
    }

    /// The first slot in use at or after `from`, going round the wheel.
    #[inline(always)]
    fn first_slot(&self, from: usize) -> usize {
        let w = from / 64;
        let here = self.bits[w] & (u64::MAX << (from % 64));
        if here != 0 {
            return w * 64 + here.trailing_zeros() as usize;
        }
        let later = self.summary & (!1u64).wrapping_shl(w as u32);
        let word = if later != 0 {
            later.trailing_zeros() as usize
        } else {
            // Round the wheel: the first word in use from the start (this
            // may be `w` itself, for its bits before `from`).
            self.summary.trailing_zeros() as usize
        };
        word * 64 + self.bits[word].trailing_zeros() as usize
    }

    /// Moves the far events that the wheel now covers into it.
    #[inline]
    fn pull_far(&mut self) {
        let end = self.cur.saturating_add(BUCKETS as u64);
        while let Some(e) = self.far.peek() {
            let bucket = self.bucket(e.t);
            if bucket >= end {
                self.far_bucket = bucket;
                return;
            }
            let e = self.far.pop().expect("peeked");
            self.insert(bucket.max(self.cur), e);
        }
        self.far_bucket = u64::MAX;
    }

    /// Finds the wheel's earliest event (moving `cur` up to its bucket),
    /// or `NIL` when wheel and far heap are empty.
    #[inline]
    fn find_min(&mut self) -> u32 {
        if self.min != NIL {
            return self.min;
        }
        if self.in_wheel == 0 {
            let Some(first) = self.far.peek() else {
                return NIL;
            };
            self.cur = self.bucket(first.t).max(self.cur);
            self.pull_far();
        }
        let from = (self.cur & MASK) as usize;
        let slot = self.first_slot(from);
        let ahead = (slot as u64).wrapping_sub(from as u64) & MASK;
        if ahead > 0 {
            self.cur += ahead;
            if self.far_bucket < self.cur.saturating_add(BUCKETS as u64) {
                self.pull_far();
            }
        }
        // The smallest key in the bucket.
        let nodes = &self.nodes;
        let mut best = self.heads[slot];
        let mut i = nodes[best as usize].next;
        while i != NIL {
            if nodes[i as usize].ev.key() < nodes[best as usize].ev.key() {
                best = i;
            }
            i = nodes[i as usize].next;
        }
        self.min = best;
        best
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<Event> {
        let m = self.find_min();
        if let Some(a) = self.arrival
            && (m == NIL || a.key() < self.nodes[m as usize].ev.key())
        {
            self.arrival = None;
            return Some(a);
        }
        if m == NIL {
            return None;
        }
        let ev = self.nodes[m as usize].ev;
        self.unlink(m);
        self.min = NIL;
        Some(ev)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.in_wheel + self.far.len() + usize::from(self.arrival.is_some())
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_ties_in_insertion_order() {
        let mut c = Calendar::new(1.0, 8, true);
        c.schedule(5.0, Kind::Arrival, 1, 0);
        c.schedule(1.5, Kind::Arrival, 2, 0);
        c.schedule(5.0, Kind::Abandon, 3, 0);
        c.schedule(0.0, Kind::Duty, 4, 0);
        c.schedule(1e9, Kind::Hours, 5, 0);
        c.schedule(5.0, Kind::Tick, 6, 0);
        c.schedule(1.5, Kind::ServiceEnd, 7, 0);
        let order: Vec<(f64, u32)> = std::iter::from_fn(|| c.pop())
            .map(|e| (e.time(), e.a))
            .collect();
        assert_eq!(
            order,
            vec![
                (0.0, 4),
                (1.5, 2),
                (1.5, 7),
                (5.0, 1),
                (5.0, 3),
                (5.0, 6),
                (1e9, 5)
            ]
        );
    }

    /// The wheel gives exactly the order of one heap of (time, sequence),
    /// whatever the bucket width: events at equal times, in the same
    /// bucket, far beyond the wheel, in the past, an arrival apart, rounds of
    /// the wheel and cancelled events.
    #[test]
    fn the_wheel_pops_in_the_order_of_one_heap() {
        use proptest::prelude::*;
        use std::collections::BTreeMap;
        #[derive(Debug, Clone)]
        enum Op {
            Schedule(f64, bool),
            Pop,
            Cancel(usize),
        }
        let delay = prop_oneof![
            Just(0.0),
            0.0..2.0f64,
            0.0..500.0f64,
            1e3..1e7f64,
            (0u32..5).prop_map(f64::from),
            Just(-1.0),
        ];
        let op = prop_oneof![
            4 => (delay, proptest::bool::weighted(0.2)).prop_map(|(d, a)| Op::Schedule(d, a)),
            3 => Just(Op::Pop),
            1 => (0usize..1000).prop_map(Op::Cancel),
        ];
        let ops = proptest::collection::vec(op, 1..400);
        let width = prop_oneof![Just(1e-3), Just(0.05), Just(0.7), Just(10.0), Just(3600.0)];
        proptest!(ProptestConfig::with_cases(300), |(ops in ops, width in width, slot: bool)| {
            let mut c = Calendar::new(width, 4, slot);
            // Pending events by (time bits, n), with their ticket.
            let mut reference: BTreeMap<(u64, u32), (Ticket, f64, Kind)> = BTreeMap::new();
            let mut now = 0.0f64;
            let mut n = 0u32;
            let pop = |c: &mut Calendar, reference: &mut BTreeMap<(u64, u32), (Ticket, f64, Kind)>, now: &mut f64| {
                let got = c.pop().map(|e| (e.time().to_bits(), e.a));
                let want = reference.pop_first().map(|(k, _)| k);
                prop_assert_eq!(got, want);
                if let Some((t, _)) = got {
                    *now = f64::from_bits(t);
                }
                prop_assert_eq!(c.len(), reference.len());
                Ok(())
            };
            for op in ops {
                match op {
                    Op::Schedule(d, arrival) => {
                        // A "past" event: at the latest time popped minus a
                        // little, as an action decided late might be.
                        let t = if d < 0.0 { (now - 0.5).max(0.0) } else { now + d };
                        n += 1;
                        let kind = if arrival { Kind::Arrival } else { Kind::Abandon };
                        let ticket = c.schedule_ticket(t, kind, n, 7);
                        // Sequence numbers grow with `n`: they order ties.
                        reference.insert(((t + 0.0).to_bits(), n), (ticket, t, kind));
                    }
                    Op::Pop => pop(&mut c, &mut reference, &mut now)?,
                    Op::Cancel(i) => {
                        if reference.is_empty() {
                            continue;
                        }
                        let key = *reference.keys().nth(i % reference.len()).expect("in range");
                        let (ticket, t, kind) = reference[&key];
                        // A wrong description never cancels.
                        prop_assert!(!c.cancel(ticket, t, kind, key.1, 8));
                        if c.cancel(ticket, t, kind, key.1, 7) {
                            reference.remove(&key);
                        } else {
                            // Only events the wheel does not hold refuse.
                            prop_assert!(ticket == Ticket::NONE);
                        }
                        prop_assert_eq!(c.len(), reference.len());
                    }
                }
            }
            while !reference.is_empty() {
                pop(&mut c, &mut reference, &mut now)?;
            }
            prop_assert!(c.pop().is_none());
        });
    }
}
