//! Invariants on random scenarios: every offered attempt ends as exactly one
//! of answered, abandoned, blocked or still waiting; nobody is served by staff
//! who are not there; staffing changes do not change who calls (common
//! random numbers).

use proptest::prelude::*;

use surgesim::engine::{Counts, RepOutcome, simulate};
use surgesim::model::Model;

use super::util::model_from_text;

/// A random but valid scenario: two phone channels, two pools with
/// different hours and priorities, optional lines, patience and redials.
fn scenario(
    lines: Option<u32>,
    patience_s: Option<u32>,
    redial: Option<(f64, f64)>,
    heads: (u32, u32),
    per_day: (u32, u32),
    warmup_h: u32,
) -> String {
    let lines = lines.map(|k| format!("lines = {k}")).unwrap_or_default();
    let patience = patience_s
        .map(|p| format!("patience = {{ dist = \"exponential\", mean = \"{p}s\" }}"))
        .unwrap_or_default();
    let redial = redial
        .map(|(b, a)| {
            format!(
                "redial = {{ after_busy = {b}, after_abandon = {a}, delay = {{ dist = \"uniform\", min = \"1m\", max = \"20m\" }}, max_attempts = 4 }}"
            )
        })
        .unwrap_or_default();
    format!(
        r#"
[scenario]
name = "random"
start = 2022-03-11
days = 3
interval = "30m"
warmup = "{warmup_h}h"
seed = 5
replications = 1

[channels.general]
kind = "phone"
hours = {{ weekdays = ["08:00-12:00", "13:00-16:30"], sat = "10:00-14:00" }}
{lines}
{patience}
{redial}

[channels.crisis]
kind = "phone"
{patience}

[topics.a]
handle.general = {{ dist = "lognormal", mean = "6m", sd = "3m" }}
handle.crisis = {{ dist = "erlang", k = 2, mean = "8m" }}

[[demand]]
topic = "a"
channel = "general"
per_day = {}
hour_weights = [0,0,0,0,0,0,1,1,3,3,2,2,1,2,2,2,1,1,1,0,0,0,0,0]

[[demand]]
topic = "a"
channel = "crisis"
per_day = {}
weekday_factors = {{ sat = 0.5, sun = 0.2 }}

[pools.front]
headcount = {}
serves = ["general", "crisis"]
hours = {{ weekdays = "08:00-16:30", sat = "10:00-14:00" }}

[pools.back]
headcount = {}
serves = ["crisis", "general"]
hours = {{ daily = ["07:00-11:00", "12:00-20:00"] }}
"#,
        per_day.0, per_day.1, heads.0, heads.1
    )
}

/// Every offered attempt ends exactly once; repeats and first attempts
/// account for everything offered.
pub fn conserved(k: &Counts) -> bool {
    k.offered - k.redials - k.switched_in + k.closed >= k.first_attempts
        && k.offered
            == k.answered + k.abandoned + k.blocked + k.turned_away + k.waiting_at_end + k.callbacks
        && k.callbacks == k.callbacks_made + k.callbacks_owed_at_end
        && k.callbacks_kept <= k.callbacks_made
        && k.callbacks_late_at_end <= k.callbacks_owed_at_end
        && k.waiting_late_at_end <= k.waiting_at_end
        && k.callbacks_made_event <= k.handled_event
        && k.answered_within <= k.answered
        && k.answered_at_once <= k.answered
        && k.redials <= k.offered
}

fn check_invariants(model: &Model, out: &RepOutcome) -> Result<(), TestCaseError> {
    let nc = model.channels.len();
    let np = model.pools.len();
    let mut sums = vec![Counts::default(); nc];
    for (j, iv) in out.channel_intervals.iter().enumerate() {
        prop_assert!(
            conserved(&iv.counts),
            "interval {} channel {}: {:?}",
            j / nc,
            j % nc,
            iv.counts
        );
        prop_assert!(iv.queue_area >= 0.0 && iv.busy_area >= -1e-9);
        if model.interval_start(j / nc) >= model.warmup_s {
            sums[j % nc].add(&iv.counts);
        }
    }
    for (c, t) in out.channels.iter().enumerate() {
        prop_assert!(conserved(&t.counts), "channel {c}: {:?}", t.counts);
        // With a warm-up on an interval boundary, KPIs are the sum of the
        // measured intervals.
        let (mut a, mut b) = (t.counts, sums[c]);
        // Waits are sums of floats, added in another order: compare apart.
        prop_assert!(
            (a.wait_answered_s - b.wait_answered_s).abs() <= 1e-9 * a.wait_answered_s.abs()
        );
        prop_assert!(
            (a.wait_abandoned_s - b.wait_abandoned_s).abs() <= 1e-9 * a.wait_abandoned_s.abs()
        );
        for (x, y) in [
            (a.callback_wait_s, b.callback_wait_s),
            (a.callback_wait_working_s, b.callback_wait_working_s),
        ] {
            prop_assert!((x - y).abs() <= 1e-9 * x.abs());
        }
        (
            a.wait_answered_s,
            b.wait_answered_s,
            a.wait_abandoned_s,
            b.wait_abandoned_s,
        ) = (0.0, 0.0, 0.0, 0.0);
        (a.callback_wait_s, b.callback_wait_s) = (0.0, 0.0);
        (a.callback_wait_working_s, b.callback_wait_working_s) = (0.0, 0.0);
        prop_assert_eq!(a, b);
    }
    for (j, p) in out.pool_intervals.iter().enumerate() {
        // Busy staff never exceed staff present.
        prop_assert!(
            p.busy_area <= p.on_duty_area + 1e-6,
            "pool {} interval {}: {:?}",
            j % np,
            j / np,
            p
        );
        // Nobody is present beyond the headcount.
        let cap = f64::from(model.pools[j % np].headcount) * model.interval_len(j / np);
        prop_assert!(p.on_duty_area <= cap + 1e-6);
    }
    // Off duty means nobody present, except staff finishing a call after the
    // end of their shift: in a whole interval off duty and with no queue
    // before it, nobody is busy.
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn every_attempt_ends_exactly_once(
        lines in prop::option::of(1u32..12),
        patience in prop::option::of(20u32..600),
        redial in prop::option::of((0.0f64..1.0, 0.0f64..1.0)),
        heads in (0u32..6, 1u32..6),
        per_day in (50u32..600, 10u32..300),
        warmup_h in 0u32..3,
        rep in 0u64..1000,
    ) {
        let model = model_from_text(&scenario(lines, patience, redial, heads, per_day, warmup_h));
        let out = simulate(&model, rep);
        check_invariants(&model, &out)?;
    }
}

#[test]
fn staffing_does_not_change_who_calls() {
    // Common random numbers: the same first attempts, interval by interval,
    // whatever the staffing (redials differ, first calls must not).
    let a = model_from_text(&scenario(
        Some(6),
        Some(90),
        Some((0.5, 0.5)),
        (2, 1),
        (400, 100),
        0,
    ));
    let b = model_from_text(&scenario(
        Some(6),
        Some(90),
        Some((0.5, 0.5)),
        (5, 4),
        (400, 100),
        0,
    ));
    for rep in 0..5 {
        let (oa, ob) = (simulate(&a, rep), simulate(&b, rep));
        let first = |k: &Counts| k.first_attempts;
        let mut differs = false;
        for (x, y) in oa.channel_intervals.iter().zip(&ob.channel_intervals) {
            assert_eq!(first(&x.counts), first(&y.counts));
            differs |= x.counts != y.counts;
        }
        // And the staffing really changed the outcome.
        assert!(differs, "replication {rep}: staffing had no effect at all");
    }
}

#[test]
fn per_day_volume_is_offered_on_average() {
    // No abandonment, ample staff: offered per day = per_day × weekday factor
    // (days 0–2 are Fri, Sat, Sun: factors 1, 0.5, 0.2 on the crisis line).
    let model = model_from_text(&scenario(None, None, None, (30, 30), (400, 300), 0));
    let reps = 200;
    let crisis = model
        .channels
        .iter()
        .position(|c| c.name == "crisis")
        .unwrap();
    let per_day_of = |out: &RepOutcome, day: usize| -> f64 {
        let per_day = (86_400.0 / model.interval_s) as usize;
        (day * per_day..(day + 1) * per_day)
            .map(|i| {
                out.channel_intervals[i * model.channels.len() + crisis]
                    .counts
                    .offered
            })
            .sum()
    };
    for (day, want) in [(0, 300.0), (1, 150.0), (2, 60.0)] {
        let xs: Vec<f64> = (0..reps)
            .map(|r| per_day_of(&simulate(&model, r), day))
            .collect();
        let mean = xs.iter().sum::<f64>() / reps as f64;
        // Poisson: sd of the mean = sqrt(want / reps); allow 3.5 sd.
        let tol = 3.5 * (want / reps as f64).sqrt();
        assert!(
            (mean - want).abs() < tol,
            "day {day}: mean {mean}, expected {want} ± {tol}"
        );
    }
}
