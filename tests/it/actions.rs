//! Contingency actions: each shows its effect in the right direction and
//! size on a scenario built for it; triggers fire within one window of
//! their condition and never before; bad actions are refused with their key
//! path.

use surgesim::engine::{RepOutcome, simulate};
use surgesim::model::{DAY_S, Model, compile_loaded};
use surgesim::scenario::parse_str;

use super::util::model_from_text;

const BASE: &str = r#"
[scenario]
name = "actions"
start = 2022-03-07
days = 20
interval = "1h"
seed = 11
replications = 4

[channels.hotline]
kind = "phone"
lines = 8
patience = { dist = "exponential", mean = "3m" }

[channels.inbox]
kind = "email"
answer_within = "1d"

[topics.q]
handle.hotline = { dist = "exponential", mean = "6m" }
handle.inbox = { dist = "exponential", mean = "10m" }

[[demand]]
topic = "q"
channel = "hotline"
rate = "60/h"

[[demand]]
topic = "q"
channel = "inbox"
per_day = 200

[pools.phones]
headcount = 5
serves = ["hotline"]
cost_per_hour = 40

[pools.back]
headcount = 6
serves = ["inbox"]
cost_per_hour = 40
"#;

fn with(actions: &str) -> Model {
    model_from_text(&format!("{BASE}\n{actions}"))
}

fn refused(actions: &str) -> String {
    let text = format!("{BASE}\n{actions}");
    let loaded = parse_str(&text, "t.toml", ".".into()).expect("parses");
    match compile_loaded(&loaded) {
        Ok(_) => panic!("accepted:\n{actions}"),
        Err(e) => e.to_string(),
    }
}

/// Mean wait of answered calls on the hotline in days `[from, to)`.
fn asa(m: &Model, out: &RepOutcome, from: usize, to: usize) -> f64 {
    let nc = m.channels.len();
    let h = m.channels.iter().position(|c| c.name == "hotline").unwrap();
    let (mut w, mut n) = (0.0, 0.0);
    for i in from * 24..to * 24 {
        let k = &out.channel_intervals[i * nc + h].counts;
        w += k.wait_answered_s;
        n += k.answered;
    }
    w / n
}

#[test]
fn hiring_productive_staff_changes_nothing_before_they_arrive_and_shortens_waits_after() {
    let base = with("");
    let hired = with(
        r#"
[[actions]]
id = "temps"
kind = "hire"
pool = "phones"
count = 6
at = 2022-03-17
cost_per_hire = 1000
"#,
    );
    for rep in 0..4 {
        let (a, b) = (simulate(&base, rep), simulate(&hired, rep));
        // Common random numbers: identical up to day 10, interval by
        // interval (calls of the day's last hour may still be waiting at
        // midnight, when the hires arrive, so the comparison stops an hour
        // earlier; waits longer than an hour are impossible in practice
        // with a mean patience of 3 minutes).
        let nc = base.channels.len();
        for i in 0..(10 * 24 - 1) * nc {
            assert_eq!(
                a.channel_intervals[i],
                b.channel_intervals[i],
                "replication {rep}, interval {}",
                i / nc
            );
        }
        assert!(asa(&hired, &b, 11, 20) < 0.5 * asa(&base, &a, 11, 20));
        assert_eq!(b.firings.len(), 1);
        assert_eq!(b.firings[0].decided_s, 10.0 * DAY_S);
        // Hiring cost: 6 × 1000 once; staff cost: 6 more people × 10 days × 24 h × 40.
        let p = hired.pools.iter().position(|p| p.name == "phones").unwrap();
        assert_eq!(b.pools[p].hiring_cost, 6000.0);
        let extra = b.pools[p].cost - a.pools[p].cost - 6000.0;
        assert!((extra - 6.0 * 10.0 * 24.0 * 40.0).abs() < 1e-6, "{extra}");
        assert!((b.pools[p].hired_area / 3600.0 - 6.0 * 240.0).abs() < 1e-6);
    }
}

#[test]
fn hires_in_training_are_paid_but_do_not_serve_and_leavers_leave() {
    let m = with(
        r#"
[[actions]]
id = "temps"
kind = "hire"
pool = "phones"
count = 10
at = 2022-03-08
lead_time = "2d"
training = "5d"
start_speed = 0.5
ramp = "5d"
attrition_per_month = 0.5
"#,
    );
    let out = simulate(&m, 0);
    let p = m.pools.iter().position(|p| p.name == "phones").unwrap();
    let np = m.pools.len();
    let interval = |day: usize| &out.pool_intervals[(day * 24 + 12) * np + p];
    // Day 2: not yet there; days 3–7: in training; after: on duty.
    assert_eq!(interval(2).training_area, 0.0);
    assert_eq!(interval(5).training_area, 10.0 * 3600.0);
    assert_eq!(interval(5).hired_area, 0.0);
    assert!(interval(9).hired_area > 0.0);
    // Half leave per month: fewer left at the end than arrived.
    let last = interval(19).hired_area / 3600.0;
    assert!(last < 10.0 && last > 3.0, "{last}");
}

#[test]
fn deflection_removes_its_share_of_contacts() {
    let base = with("");
    let deflected = with(
        r#"
[[actions]]
id = "website"
kind = "deflect"
topic = "q"
channel = "inbox"
deflect = 0.3
at = 2022-03-07
"#,
    );
    let inbox = base
        .channels
        .iter()
        .position(|c| c.name == "inbox")
        .unwrap();
    let (mut before, mut after, mut gone) = (0.0, 0.0, 0.0);
    for rep in 0..20 {
        before += simulate(&base, rep).channels[inbox].counts.offered;
        let out = simulate(&deflected, rep);
        after += out.channels[inbox].counts.offered;
        gone += out.channels[inbox].counts.deflected;
    }
    // 20 × 4,000 e-mails: the share is 0.3 within 4 binomial sd (0.0065).
    let share = gone / before;
    assert!((share - 0.3).abs() < 0.01, "{share}");
    assert!((after + gone - before).abs() < 1e-9);
}

#[test]
fn a_trigger_fires_within_one_window_of_its_condition_and_never_before() {
    // E-mails jump from 200 to 2,000 a day on day 5; the trigger watches
    // the e-mails offered over a trailing day.
    let m = model_from_text(
        &format!(
            "{BASE}\n{}",
            r#"
[[actions]]
id = "overtime_team"
kind = "redeploy"
from = "phones"
to = "back"
count = 2
when = { metric = "offered", channel = "inbox", above = 800, window = "1d" }
delay = "1d"
"#
        )
        .replace(
            "per_day = 200",
            "per_day = 200\nsurges = [{ shape = \"step\", start = 2022-03-12, peak_per_day = 1800 }]",
        ),
    );
    for rep in 0..10 {
        let out = simulate(&m, rep);
        assert_eq!(out.firings.len(), 1, "replication {rep}");
        let f = &out.firings[0];
        let day = f.decided_s / DAY_S;
        // Not before the surge; within the day's window after it.
        assert!((5.0..=6.0).contains(&day), "decided on day {day}");
        assert!(f.value > 800.0);
        assert_eq!(f.effect_s, f.decided_s + DAY_S);
    }
}

#[test]
fn redeployment_moves_staff_and_brings_them_back() {
    let m = with(
        r#"
[[actions]]
id = "help_phones"
kind = "redeploy"
from = "back"
to = "phones"
count = 3
at = 2022-03-09
switch_over = "1d"
until = 2022-03-15
"#,
    );
    let out = simulate(&m, 0);
    let np = m.pools.len();
    let (phones, back) = (
        m.pools.iter().position(|p| p.name == "phones").unwrap(),
        m.pools.iter().position(|p| p.name == "back").unwrap(),
    );
    let on =
        |p: usize, day: usize| out.pool_intervals[(day * 24 + 12) * np + p].on_duty_area / 3600.0;
    let redeployed =
        |day: usize| out.pool_intervals[(day * 24 + 12) * np + phones].redeployed_area / 3600.0;
    assert_eq!((on(back, 1), on(phones, 1)), (6.0, 5.0));
    // Day 2: they left the back office, not yet on the phones.
    assert_eq!((on(back, 2), on(phones, 2)), (3.0, 5.0));
    // Days 3–7: on the phones.
    assert_eq!((on(back, 4), on(phones, 4), redeployed(4)), (3.0, 8.0, 3.0));
    // Released on day 8, back home after the switch-over.
    assert_eq!(on(phones, 8), 5.0);
    assert_eq!(on(back, 10), 6.0);
    assert_eq!(out.firings.len(), 2);
    assert!(out.firings[1].release);
    // The back office's work piles up meanwhile, and its pay does not move.
    let p = m.pools.iter().position(|p| p.name == "back").unwrap();
    assert!((out.pools[p].paid_area / 3600.0 - 6.0 * 480.0).abs() < 1e-6);
}

#[test]
fn more_lines_fewer_busy_signals_and_model_answers_shorter_work() {
    let base = with("");
    let more = with(
        r#"
[[actions]]
id = "lines"
kind = "lines"
channel = "hotline"
lines = 400
at = 2022-03-07

[[actions]]
id = "templates"
kind = "model_answers"
topic = "q"
channel = "inbox"
factor = 0.5
at = 2022-03-07
"#,
    );
    let (h, e) = (
        base.channels
            .iter()
            .position(|c| c.name == "hotline")
            .unwrap(),
        base.channels
            .iter()
            .position(|c| c.name == "inbox")
            .unwrap(),
    );
    let (a, b) = (simulate(&base, 0), simulate(&more, 0));
    assert!(a.channels[h].counts.blocked > 100.0);
    assert_eq!(b.channels[h].counts.blocked, 0.0);
    // Half the handle time: half the busy time for the same e-mails.
    let ratio = (b.channels[e].busy_area / b.channels[e].counts.answered)
        / (a.channels[e].busy_area / a.channels[e].counts.answered);
    assert!((ratio - 0.5).abs() < 0.05, "{ratio}");
}

#[test]
fn a_plan_switched_off_changes_nothing() {
    let plan = |enabled: bool| {
        with(&format!(
            r#"
[plans.surge]
enabled = {enabled}

[[actions]]
id = "temps"
plan = "surge"
kind = "hire"
pool = "phones"
count = 6
at = 2022-03-10
"#
        ))
    };
    let (off, base) = (plan(false), with(""));
    assert!(off.actions.is_empty());
    assert_eq!(simulate(&off, 3), simulate(&base, 3));
    assert_eq!(plan(true).actions.len(), 1);
}

#[test]
fn bad_actions_are_refused_with_their_key_path() {
    let e = refused(
        r#"
[[actions]]
id = "a"
kind = "hire"
pool = "phonez"
count = 3
at = 2022-03-10
"#,
    );
    assert!(
        e.contains("actions[0].pool") && e.contains("did you mean `phones`"),
        "{e}"
    );
    let e = refused(
        r#"
[[actions]]
id = "a"
kind = "redeploy"
from = "back"
to = "phones"
count = 7
at = 2022-03-10
"#,
    );
    assert!(
        e.contains("actions[0].count") && e.contains("the 6 staff of pool `back`"),
        "{e}"
    );
    let e = refused(
        r#"
[[actions]]
id = "a"
kind = "lines"
channel = "hotline"
lines = 60
when = { metric = "servicelevel", channel = "hotline", below = 0.5 }
"#,
    );
    assert!(
        e.contains("actions[0].when.metric") && e.contains("did you mean `service_level`"),
        "{e}"
    );
    let e = refused(
        r#"
[[actions]]
id = "a"
kind = "lines"
channel = "inbox"
lines = 60
pool = "phones"
"#,
    );
    assert!(
        e.contains("actions[0].pool") && e.contains("does not apply"),
        "{e}"
    );
    assert!(e.contains("Give `at`"), "{e}");
    assert!(
        e.contains("actions[0].channel") && e.contains("phone"),
        "{e}"
    );
    let e = refused(
        r#"
[[actions]]
id = "a"
plan = "nope"
kind = "counters"
channel = "hotline"
counters = 3
at = 2022-03-10
"#,
    );
    assert!(
        e.contains("actions[0].plan") && e.contains("unknown plan"),
        "{e}"
    );
}

#[test]
fn the_bundled_plan_can_be_switched_off_in_one_line_and_helps() {
    use surgesim::commands::BUNDLED_SCENARIO;
    assert!(BUNDLED_SCENARIO.contains("[plans.surge_plan]"));
    let on = model_from_text(BUNDLED_SCENARIO);
    // The one line a planner changes.
    assert_eq!(BUNDLED_SCENARIO.matches("enabled = true").count(), 1);
    let off_text = BUNDLED_SCENARIO.replace("enabled = true", "enabled = false");
    let off = model_from_text(&off_text);
    assert!(!on.actions.is_empty());
    assert!(off.actions.is_empty());
    let h = on
        .channels
        .iter()
        .position(|c| c.name == "hotline")
        .unwrap();
    let sl = |m: &Model, rep| {
        let k = &simulate(m, rep).channels[h].counts;
        k.answered_within / (k.answered + k.abandoned)
    };
    for rep in 0..3 {
        assert!(sl(&on, rep) > sl(&off, rep) + 0.05, "replication {rep}");
    }
}

#[test]
fn an_opened_channel_takes_its_share_of_the_topic() {
    let extra = r#"
[channels.crisis_line]
kind = "phone"

[pools.crisis_team]
headcount = 3
serves = ["crisis_line"]
"#;
    let text = format!("{BASE}\n{extra}").replace(
        "handle.inbox = { dist = \"exponential\", mean = \"10m\" }",
        "handle.inbox = { dist = \"exponential\", mean = \"10m\" }\nhandle.crisis_line = { dist = \"exponential\", mean = \"6m\" }",
    );
    let base = model_from_text(&text);
    let opened = model_from_text(&format!(
        "{text}\n{}",
        r#"
[[actions]]
id = "crisis_line"
kind = "open_channel"
channel = "crisis_line"
topic = "q"
from = "hotline"
takes = 0.4
at = 2022-03-17
"#
    ));
    let (h, c) = (
        base.channels
            .iter()
            .position(|x| x.name == "hotline")
            .unwrap(),
        base.channels
            .iter()
            .position(|x| x.name == "crisis_line")
            .unwrap(),
    );
    let nc = base.channels.len();
    let (mut moved, mut total) = (0.0, 0.0);
    for rep in 0..6 {
        let (a, b) = (simulate(&base, rep), simulate(&opened, rep));
        // Nothing reaches the new line before it opens (day 10); after,
        // the same callers arrive, split between the two lines.
        for i in 0..20 * 24 {
            let first =
                |o: &RepOutcome, ch: usize| o.channel_intervals[i * nc + ch].counts.first_attempts;
            assert_eq!(first(&a, h), first(&b, h) + first(&b, c), "interval {i}");
            if i < 10 * 24 {
                assert_eq!(first(&b, c), 0.0);
            } else {
                moved += first(&b, c);
                total += first(&a, h);
            }
        }
    }
    // 6 × 10 days × 1,440 calls: the share is 0.4 within 4 binomial sd.
    let share = moved / total;
    assert!((share - 0.4).abs() < 4.0 * (0.24 / total).sqrt(), "{share}");
}

#[test]
fn trainers_leave_their_work_while_they_train_the_hires() {
    let m = with(
        r#"
[[actions]]
id = "temps"
kind = "hire"
pool = "phones"
count = 4
at = 2022-03-09
training = "3d"
trainers = 2
"#,
    );
    let out = simulate(&m, 0);
    let np = m.pools.len();
    let p = m.pools.iter().position(|p| p.name == "phones").unwrap();
    let at = |day: usize| &out.pool_intervals[(day * 24 + 12) * np + p];
    assert_eq!(at(1).own_area / 3600.0, 5.0);
    // Days 2–4: 2 of the 5 train the 4 hires.
    assert_eq!(at(3).own_area / 3600.0, 3.0);
    assert_eq!(at(3).training_area / 3600.0, 4.0);
    // Day 5 on: everybody works.
    assert_eq!(at(6).own_area / 3600.0, 5.0);
    assert_eq!(at(6).hired_area / 3600.0, 4.0);
}

#[test]
fn sustained_overload_wears_staff_down_and_support_damps_it() {
    let wellbeing = r#"
[pools.phones.wellbeing]
occupancy_over = 0.8
window = "2d"
absence_up = 0.3
attrition_per_month = 0.5
"#;
    let text = format!("{BASE}\n{wellbeing}");
    let worn = model_from_text(&text);
    let supported = model_from_text(&format!(
        "{text}\n{}",
        r#"
[[actions]]
id = "support"
kind = "support"
pool = "phones"
damping = 1.0
at = 2022-03-07
"#
    ));
    let without = model_from_text(BASE);
    let p = worn.pools.iter().position(|p| p.name == "phones").unwrap();
    let (mut on_worn, mut on_supported, mut on_without, mut left) = (0.0, 0.0, 0.0, 0.0);
    for rep in 0..4 {
        let (a, b, c) = (
            simulate(&worn, rep),
            simulate(&supported, rep),
            simulate(&without, rep),
        );
        // 6 Erlangs on 5 agents: overloaded every day.
        assert!(
            a.pools[p].overloaded_days >= 18.0,
            "{}",
            a.pools[p].overloaded_days
        );
        left += a.pools[p].leavers;
        on_worn += a.pools[p].on_duty_area;
        on_supported += b.pools[p].on_duty_area;
        on_without += c.pools[p].on_duty_area;
        // Full support removes the effects: same staff as without the model.
        assert_eq!(b.pools[p].leavers, 0.0);
    }
    assert!(left > 0.0);
    assert!(on_worn < 0.8 * on_without, "{on_worn} vs {on_without}");
    assert_eq!(on_supported, on_without);
}

#[test]
fn callbacks_take_waiting_callers_off_the_line() {
    let base = with("");
    let cb = with(
        r#"
[[actions]]
id = "callbacks"
kind = "callbacks"
channel = "hotline"
offer_over = "2m"
accept = 0.7
within = "4h"
at = 2022-03-07
"#,
    );
    let h = base
        .channels
        .iter()
        .position(|c| c.name == "hotline")
        .unwrap();
    let (a, b) = (simulate(&base, 0), simulate(&cb, 0));
    let (ka, kb) = (&a.channels[h].counts, &b.channels[h].counts);
    // Callers who accept leave the queue and the line: fewer abandon or
    // find the lines busy, and they are called back as deferred work.
    assert!(kb.callbacks > 100.0, "{kb:?}");
    assert!(
        kb.abandoned + kb.blocked < 0.8 * (ka.abandoned + ka.blocked),
        "{ka:?}\n{kb:?}"
    );
    assert!(kb.callbacks_kept > 0.0 && kb.callbacks_kept <= kb.callbacks_made);
    // Callbacks are apart from the live calls: requested = made + owed, and
    // every offered call ends once.
    assert_eq!(kb.callbacks, kb.callbacks_made + kb.callbacks_owed_at_end);
    assert_eq!(
        kb.offered,
        kb.answered + kb.abandoned + kb.blocked + kb.turned_away + kb.waiting_at_end + kb.callbacks
    );
}

#[test]
fn longer_hours_let_evening_callers_in_and_keep_staff_longer() {
    let text = BASE
        .replace(
            "lines = 8\n",
            "lines = 8\nhours = { weekdays = \"08:00-16:00\" }\n",
        )
        .replace(
            "rate = \"60/h\"",
            "per_day = 400\nhour_weights = [0,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0]",
        )
        .replace(
            "headcount = 5\nserves = [\"hotline\"]",
            "headcount = 5\nserves = [\"hotline\"]\nhours = { weekdays = \"08:00-16:00\" }",
        );
    let base = model_from_text(&text);
    let longer = model_from_text(&format!(
        "{text}\n{}",
        r#"
[[actions]]
id = "evening_line"
kind = "hours"
channel = "hotline"
hours = { weekdays = "08:00-18:00" }
at = 2022-03-14

[[actions]]
id = "evening_roster"
kind = "hours"
pool = "phones"
hours = { weekdays = "08:00-18:00" }
at = 2022-03-14
"#
    ));
    let h = base
        .channels
        .iter()
        .position(|c| c.name == "hotline")
        .unwrap();
    let p = base.pools.iter().position(|p| p.name == "phones").unwrap();
    let nc = base.channels.len();
    let np = base.pools.len();
    let (a, b) = (simulate(&base, 0), simulate(&longer, 0));
    let closed = |o: &RepOutcome, from: usize, to: usize| -> f64 {
        (from * 24..to * 24)
            .map(|i| o.channel_intervals[i * nc + h].counts.closed)
            .sum()
    };
    // Week 1 unchanged; from day 7 the 16:00-18:00 callers (2/10 of the
    // weekday volume) get through.
    assert_eq!(closed(&a, 0, 7), closed(&b, 0, 7));
    assert!(closed(&a, 7, 20) > 500.0);
    assert_eq!(closed(&b, 7, 12), 0.0);
    // Staff on duty at 17:00 on a weekday after the change, not before.
    let at17 = |o: &RepOutcome, day: usize| o.pool_intervals[(day * 24 + 17) * np + p].on_duty_area;
    assert_eq!(at17(&b, 4), 0.0);
    assert_eq!(at17(&b, 8), 5.0 * 3600.0);
    // Longer rosters cost more.
    assert!(b.pools[p].cost > a.pools[p].cost);
}

#[test]
fn an_hours_action_may_close_a_line_for_a_while() {
    // Hours that open on no day are refused in a channel's own table, but an
    // `hours` action may close the line from its effect until it is undone.
    let m = with(
        r#"
[[actions]]
id = "close"
kind = "hours"
channel = "hotline"
hours = {}
at = 2022-03-09
until = 2022-03-11
"#,
    );
    let h = m.channels.iter().position(|c| c.name == "hotline").unwrap();
    let nc = m.channels.len();
    let out = simulate(&m, 0);
    let sum = |from: usize, to: usize, f: fn(&surgesim::engine::Counts) -> f64| -> f64 {
        (from * 24..to * 24)
            .map(|i| f(&out.channel_intervals[i * nc + h].counts))
            .sum()
    };
    // 60 calls an hour reach the line before and after, none while closed.
    assert!(sum(0, 2, |k| k.offered) > 2000.0);
    assert_eq!(sum(2, 4, |k| k.offered), 0.0);
    assert!(sum(2, 4, |k| k.closed) > 2000.0);
    assert!(sum(4, 6, |k| k.offered) > 2000.0);
}

#[test]
fn lines_and_counters_cost_what_is_in_place() {
    let text = BASE.replace("lines = 8\n", "lines = 8\ncost_per_day = 2.5\n");
    let m = model_from_text(&format!(
        "{text}\n{}",
        r#"
[[actions]]
id = "lines"
kind = "lines"
channel = "hotline"
lines = 20
at = 2022-03-17
until = 2022-03-22
"#
    ));
    let out = simulate(&m, 0);
    let h = m.channels.iter().position(|c| c.name == "hotline").unwrap();
    // 8 lines for 15 days, 20 lines for 5 days, at 2.5 a line-day.
    let want = (8.0 * 15.0 + 20.0 * 5.0) * 2.5;
    assert!(
        (out.channels[h].capacity_cost - want).abs() < 1e-6,
        "{}",
        out.channels[h].capacity_cost
    );
    // A cost without a number of lines to count is refused.
    let bad = BASE.replace(
        "[channels.inbox]\nkind = \"email\"",
        "[channels.inbox]\nkind = \"email\"\ncost_per_day = 3.0",
    );
    let loaded = parse_str(&bad, "t.toml", ".".into()).expect("parses");
    let e = compile_loaded(&loaded).expect_err("refused").to_string();
    assert!(e.contains("channels.inbox.cost_per_day"), "{e}");
}

#[test]
fn longer_rosters_are_overtime_capped_per_person_and_paid_more() {
    let text = BASE.replace(
        "headcount = 5\nserves = [\"hotline\"]\ncost_per_hour = 40",
        "headcount = 10\nserves = [\"hotline\"]\ncost_per_hour = 40\nhours = { weekdays = \"08:00-16:00\" }\nweekly_hours = \"40h\"",
    );
    let m = model_from_text(&format!(
        "{text}\n{}",
        r#"
[[actions]]
id = "evenings"
kind = "hours"
pool = "phones"
hours = { weekdays = "08:00-18:00" }
overtime_cap = "5h"
overtime_rate = 1.5
at = 2022-03-14
"#
    ));
    let out = simulate(&m, 0);
    let np = m.pools.len();
    let p = m.pools.iter().position(|p| p.name == "phones").unwrap();
    let at = |day: usize, hour: usize| out.pool_intervals[(day * 24 + hour) * np + p];
    // Before: 10 on duty 08-16. After: 50 roster hours a week against 40
    // contract hours and at most 5 of overtime: 45/50 of the staff at any
    // moment, 9 of 10, from 08:00 to 18:00.
    assert_eq!(at(2, 10).on_duty_area / 3600.0, 10.0);
    assert_eq!(at(2, 17).on_duty_area, 0.0);
    assert_eq!(at(9, 10).on_duty_area / 3600.0, 9.0);
    assert_eq!(at(9, 17).on_duty_area / 3600.0, 9.0);
    // Pay: 45 paid hours a person a week, 5 of them at 1.5 ×:
    // 10 × 40 h/week... per hour of roster: 10 × 0.9 × 40 × (40 + 7.5) / 45.
    let cost = at(9, 10).cost;
    assert!(
        (cost - 10.0 * 0.9 * 40.0 * 47.5 / 45.0).abs() < 1e-6,
        "{cost}"
    );
}

#[test]
fn more_counters_serve_more_visitors_at_once_for_a_while() {
    let text = r#"
[scenario]
name = "counters"
start = 2022-03-07
days = 10
seed = 5
replications = 1

[channels.desk]
kind = "desk"
hours = { daily = "09:00-15:00" }
counters = 2
answer_within = "15m"

[topics.visit]
handle.desk = { dist = "exponential", mean = "10m" }

[[demand]]
topic = "visit"
channel = "desk"
rate = "15/h"

[pools.staff]
headcount = 6
serves = ["desk"]
hours = { daily = "09:00-16:00" }
"#;
    let base = model_from_text(text);
    let more = model_from_text(&format!(
        "{text}\n{}",
        r#"
[[actions]]
id = "counters"
kind = "counters"
channel = "desk"
counters = 5
at = 2022-03-10
duration = "3d"
"#
    ));
    let (a, b) = (simulate(&base, 0), simulate(&more, 0));
    let nc = 1;
    let wait = |o: &RepOutcome, from: usize, to: usize| -> f64 {
        let (mut w, mut n) = (0.0, 0.0);
        for i in from * 24..to * 24 {
            let k = &o.channel_intervals[i * nc].counts;
            w += k.wait_answered_s;
            n += k.answered;
        }
        w / n
    };
    // 2.5 Erlangs on 2 counters: a queue that grows all day; on 5 counters
    // almost no wait. Days 3-5 have the counters, then they are gone.
    assert!(
        wait(&b, 3, 6) < 0.1 * wait(&a, 3, 6),
        "{} vs {}",
        wait(&b, 3, 6),
        wait(&a, 3, 6)
    );
    assert_eq!(b.firings.len(), 2);
    assert_eq!(b.firings[1].decided_s, 6.0 * DAY_S);
    assert!(wait(&b, 7, 10) > 0.5 * wait(&a, 7, 10));
}

#[test]
fn the_readme_examples_of_every_action_kind_are_valid() {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("One example of each kind")
        .expect("the README shows an example of each action kind");
    let block = &readme[start..];
    let from = block.find("```toml\n").unwrap() + "```toml\n".len();
    let to = block[from..].find("```").unwrap() + from;
    let examples = &block[from..to];
    let base = r#"
[scenario]
name = "readme examples"
start = 2022-03-07
days = 60
seed = 1
replications = 1

[channels.hotline]
kind = "phone"
lines = 30
patience = { dist = "exponential", mean = "1m" }

[channels.crisis_line]
kind = "phone"

[channels.inbox]
kind = "email"
answer_within = "2d"

[channels.desk]
kind = "desk"
hours = { weekdays = "09:00-15:00" }
counters = 10
answer_within = "30m"

[topics.protection]
channels = { hotline = 0.5, inbox = 0.3, desk = 0.2 }
handle.hotline = { dist = "exponential", mean = "8m" }
handle.crisis_line = { dist = "exponential", mean = "8m" }
handle.inbox = { dist = "exponential", mean = "12m" }
handle.desk = { dist = "exponential", mean = "15m" }

[[demand]]
topic = "protection"
per_day = 600

[pools.phone_team]
headcount = 12
serves = ["hotline", "crisis_line"]
hours = { weekdays = "08:45-16:15" }
wellbeing = { occupancy_over = 0.9, absence_up = 0.05, attrition_per_month = 0.03 }

[pools.backoffice]
headcount = 10
serves = ["inbox", "hotline"]
hours = { weekdays = "08:00-16:00" }

[pools.desk_staff]
headcount = 12
serves = ["desk"]
hours = { weekdays = "08:45-15:30" }
"#;
    let m = model_from_text(&format!("{base}\n{examples}"));
    let kinds = [
        "hire",
        "redeploy",
        "hours",
        "lines",
        "counters",
        "open_channel",
        "deflect",
        "model_answers",
        "callbacks",
        "support",
    ];
    for k in kinds {
        assert!(
            examples.contains(&format!("kind = \"{k}\"")),
            "no README example of `{k}`"
        );
    }
    assert_eq!(m.actions.len(), 11);
    let out = simulate(&m, 0);
    assert!(!out.firings.is_empty());
}
