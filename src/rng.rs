//! Reproducible random streams: one independent generator per
//! (master seed, replication, random process).
//!
//! All streams of a run share the ChaCha8 key derived from the master seed.
//! The replication number selects the ChaCha stream (nonce), and the process
//! selects a block of 2^40 words (8 TiB of output, far more than any process
//! draws) within it: `word_pos = process << 40`. Processes are numbered by
//! kind and by the index of the thing they belong to (a demand stream, a
//! pool), so adding a demand stream never shifts the numbers another one
//! draws. That is what makes common random numbers work: two scenarios that
//! differ only in staffing see exactly the same callers.

use rand::SeedableRng;
use rand::rngs::{ChaCha8Rng, SmallRng};

/// What a random stream is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Process {
    /// Arrival times of a demand stream.
    Arrivals = 1,
    /// Handle times of a demand stream's contacts.
    HandleTimes = 2,
    /// Patience of a demand stream's callers (first attempts).
    Patience = 3,
    /// Seeds of each caller's own generator (redial decisions, delays, and the
    /// patience of later attempts).
    Callers = 4,
    /// The demand level of a replication and its daily factors.
    DemandLevel = 5,
    /// Staff absent per day, per pool (no longer used: absence draws come
    /// from per-cohort, per-day generators; kept so numbers do not shift).
    Absence = 6,
    /// Deflection draws of a demand stream.
    Deflection = 7,
    /// Random parts of an action (hires who leave early).
    Actions = 8,
    /// Contacts taken over by an opened channel: which, and their new
    /// attributes.
    Reroute = 9,
    /// Staff who leave an overloaded pool.
    Wellbeing = 10,
}

/// Bits of the word position given to each process.
const PROCESS_SHIFT: u32 = 40;
/// Bits of the process number given to the index within a kind.
const INDEX_BITS: u32 = 20;

/// The generators the engine draws from, as a shard records them: shards
/// of different generators cannot be merged.
pub const GENERATOR: &str = "ChaCha8Rng (rand 0.10; stream = replication, word position = process << 40) + SmallRng per caller";

/// The generator of `process` for thing `index` in `replication`.
pub fn stream(seed: u64, replication: u64, process: Process, index: usize) -> ChaCha8Rng {
    assert!(
        (index as u64) < (1 << INDEX_BITS),
        "too many random processes of one kind"
    );
    let id = ((process as u64) << INDEX_BITS) | index as u64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // set_stream resets the position, so it comes first.
    rng.set_stream(replication);
    rng.set_word_pos(u128::from(id) << PROCESS_SHIFT);
    rng
}

/// A small generator for one caller's attempt `attempt` (1 = first call),
/// from the seed drawn for that caller when it first arrived. Being derived
/// from the caller alone, its draws do not depend on what other callers did.
pub fn caller_rng(caller_seed: u64, attempt: u32) -> SmallRng {
    SmallRng::seed_from_u64(caller_seed ^ u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn first(mut r: impl Rng) -> u64 {
        r.next_u64()
    }

    #[test]
    fn streams_are_distinct_and_reproducible() {
        let a = first(stream(7, 0, Process::Arrivals, 0));
        assert_eq!(a, first(stream(7, 0, Process::Arrivals, 0)));
        assert_ne!(a, first(stream(7, 1, Process::Arrivals, 0)));
        assert_ne!(a, first(stream(7, 0, Process::HandleTimes, 0)));
        assert_ne!(a, first(stream(7, 0, Process::Arrivals, 1)));
        assert_ne!(a, first(stream(8, 0, Process::Arrivals, 0)));
    }
}
