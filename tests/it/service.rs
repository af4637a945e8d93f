//! The whole service: e-mail backlogs, desks, topics, languages, skills,
//! interpreters, rosters with breaks and absence, switching, returns,
//! appointments and newcomers. Invariants on random scenarios (what the
//! engine did, from its trace, not only what it counted), exact results
//! where theory has them, and one behaviour test per mechanism.

use proptest::prelude::*;

use surgesim::analytic::{Queue, evaluate};
use surgesim::engine::{Counts, RepOutcome, Trace, simulate, simulate_traced};
use surgesim::kpi::{CHANNEL_KPIS, POOL_KPIS, index_of};
use surgesim::model::{ChannelKind, DAY_S, Model};
use surgesim::runner::{RunOptions, run};
use surgesim::stats::t_quantile_975;

use super::conservation::conserved;
use super::util::model_from_text;

/// Settings of a random whole-service scenario.
#[derive(Debug, Clone)]
struct Random {
    heads: (u32, u32, u32),
    back_speaks_uk: bool,
    interpreter: Option<u32>,
    counters: u32,
    gate: bool,
    appointments: f64,
    returns: f64,
    switch_abandon: f64,
    switch_turned: f64,
    absence: f64,
    break_share: f64,
    deferred_share: f64,
    volume: (u32, u32),
    uk_share: f64,
    hires: u32,
    trigger_sl: f64,
}

fn random_scenario(r: &Random) -> String {
    let back_languages = if r.back_speaks_uk {
        r#"["nl", "uk"]"#
    } else {
        r#"["nl"]"#
    };
    let interpreter = r
        .interpreter
        .map(|cap| {
            format!(
                "[interpreters.remote]\nlanguages = [\"uk\"]\ncapacity = {cap}\nextra = \"3m\"\nhours = {{ weekdays = \"08:00-15:00\" }}\n"
            )
        })
        .unwrap_or_default();
    let closing = if r.gate { "gate" } else { "serve_all" };
    let uk = r.uk_share;
    let nl = 1.0 - uk;
    format!(
        r#"
[scenario]
name = "random service"
start = 2022-03-10
days = 5
interval = "1h"
seed = 9
replications = 1

[languages.nl]
[languages.uk]
handle_factor = 1.2

{interpreter}
[channels.hotline]
kind = "phone"
hours = {{ weekdays = "09:00-16:00", sat = "10:00-12:00" }}
lines = 12
patience = {{ dist = "exponential", mean = "90s" }}
redial = {{ after_busy = 0.5, after_abandon = 0.3, delay = {{ dist = "exponential", mean = "30m" }}, max_attempts = 3 }}
switch = {{ to = "inbox", after_abandon = {sa}, delay = {{ dist = "exponential", mean = "1h" }} }}

[channels.inbox]
kind = "email"
answer_within = "8h"
clock = "business"
business_hours = {{ weekdays = "08:00-16:00" }}

[channels.desk]
kind = "desk"
hours = {{ weekdays = "09:00-13:00" }}
counters = {counters}
closing = "{closing}"
answer_within = "20m"
patience = {{ dist = "exponential", mean = "1h" }}
returns = {{ share = {returns}, after = "1d" }}
switch = {{ to = "hotline", after_turned_away = {st}, delay = {{ dist = "exponential", mean = "2h" }} }}
appointments = {{ share = {appt} }}

[topics.permit]
channels = {{ hotline = 0.5, inbox = 0.2, desk = 0.3 }}
languages = {{ nl = {nl}, uk = {uk} }}
handle.hotline = {{ dist = "lognormal", mean = "6m", sd = "3m" }}
handle.inbox = {{ dist = "exponential", mean = "10m" }}
handle.desk = {{ dist = "gamma", mean = "12m", sd = "6m" }}

[topics.asylum]
channels = {{ hotline = 0.6, inbox = 0.4 }}
languages = {{ nl = 0.3, uk = 0.7 }}
handle.hotline = {{ dist = "lognormal", mean = "9m", sd = "4m" }}
handle.inbox = {{ dist = "exponential", mean = "15m" }}
handle.desk = {{ dist = "exponential", mean = "15m" }}

[[demand]]
topic = "permit"
per_day = {v0}
weekday_factors = {{ sat = 0.3, sun = 0 }}

[[newcomers]]
per_day = {v1}
contacts = [
  {{ topic = "asylum", per_person = 1.0, delay = {{ dist = "exponential", mean = "1d" }} }},
  {{ topic = "permit", channel = "desk", per_person = 0.3, delay = {{ dist = "uniform", min = "0s", max = "2d" }} }},
]

[pools.phone]
headcount = {h0}
serves = ["hotline"]
languages = ["nl"]
hours = {{ weekdays = "08:30-16:00", sat = "10:00-12:00" }}
breaks = [{{ from = "12:00", to = "13:00", share = {brk} }}]
absence = {abs}

[pools.back]
headcount = {h1}
serves = [["inbox:permit", "inbox:asylum"], "hotline:asylum"]
languages = {back_languages}
hours = {{ weekdays = "08:00-16:00" }}
deferred_share = {ds}
speed = 1.25

[pools.front]
headcount = {h2}
serves = ["desk", "hotline"]
hours = {{ weekdays = "08:45-13:30" }}
absence = {abs}

[[actions]]
id = "temps"
kind = "hire"
pool = "phone"
count = {hires}
at = 2022-03-11
lead_time = "3h"
training = "1d"
start_speed = 0.5
ramp = "1d"
attrition_per_month = 0.9
contract = "3d"

[[actions]]
id = "help"
kind = "redeploy"
from = "front"
to = "phone"
count = 1
when = {{ metric = "service_level", channel = "hotline", below = {tsl}, window = "2h" }}
delay = "1h"
switch_over = "30m"
release = {{ metric = "service_level", channel = "hotline", above = 0.95, window = "3h", for = "1h" }}

[[actions]]
id = "counters"
kind = "counters"
channel = "desk"
counters = {more_counters}
at = 2022-03-14
until = 2022-03-15

[[actions]]
id = "web"
kind = "deflect"
topic = "permit"
deflect = 0.3
at = 2022-03-11
adoption = "1d"

[[actions]]
id = "templates"
kind = "model_answers"
topic = "asylum"
factor = 0.8
at = 2022-03-12

[[actions]]
id = "callbacks"
kind = "callbacks"
channel = "hotline"
offer_over = "3m"
accept = 0.5
within = "3h"
at = 2022-03-11
until = 2022-03-14
"#,
        sa = r.switch_abandon,
        st = r.switch_turned,
        counters = r.counters,
        returns = r.returns,
        appt = r.appointments,
        v0 = r.volume.0,
        v1 = r.volume.1,
        h0 = r.heads.0,
        h1 = r.heads.1,
        h2 = r.heads.2,
        brk = r.break_share,
        abs = r.absence,
        ds = r.deferred_share,
        hires = r.hires,
        tsl = r.trigger_sl,
        more_counters = r.counters + 2,
    )
}

/// Checks what the engine did against the model's rules, service by
/// service.
fn check_trace(model: &Model, trace: &[Trace], hires: u32) -> Result<(), TestCaseError> {
    let np = model.pools.len();
    let mut busy = vec![0u32; np];
    for ev in trace {
        match *ev {
            Trace::Start {
                time,
                pool,
                class,
                interpreter,
                staying,
                busy: reported_busy,
                on_duty,
                counters_busy,
                interpreter_busy,
                wait,
            } => {
                busy[pool] += 1;
                let p = &model.pools[pool];
                let k = &model.classes[class];
                let ch = &model.channels[k.channel];
                // Skills: the pool lists this channel and topic, and either
                // speaks the language or works through the interpreter the
                // route names.
                let route = p.routes.iter().find(|r| r.class == class);
                prop_assert!(route.is_some(), "pool {} served class {class}", p.name);
                let route = route.unwrap();
                prop_assert_eq!(route.interpreter, interpreter);
                match interpreter {
                    None => prop_assert!(p.languages[k.language], "language not spoken"),
                    Some(i) => {
                        prop_assert!(!p.languages[k.language]);
                        let it = &model.interpreters[i];
                        prop_assert!(it.languages[k.language]);
                        prop_assert!(interpreter_busy <= it.capacity);
                        prop_assert!(it.open.contains(time), "interpreter closed at {time}");
                    }
                }
                // Hours: a service starts only while the pool is rostered
                // and someone of it is on duty and staying.
                prop_assert!(p.on_duty.contains(time), "{} off duty at {time}", p.name);
                prop_assert!(staying >= 1);
                // Nobody serves two contacts at once.
                prop_assert_eq!(busy[pool], reported_busy);
                prop_assert!(reported_busy <= on_duty);
                // Hires join the phone pool; one person may be redeployed
                // into it from the front desk.
                let extra = if p.name == "phone" { hires + 1 } else { 0 };
                prop_assert!(
                    on_duty <= p.headcount + extra,
                    "{} on duty in {}",
                    on_duty,
                    p.name
                );
                // Desks never exceed their counters.
                if ch.kind == ChannelKind::Desk {
                    // The `counters` action adds two on 2022-03-14 (day 4)
                    // until the next day (the desk is closed at midnight).
                    let day = (time / DAY_S) as u32;
                    let extra = if day == 4 { 2 } else { 0 };
                    prop_assert!(counters_busy <= ch.counters.unwrap_or(u32::MAX) + extra);
                }
                prop_assert!(wait >= 0.0);
            }
            Trace::End { pool, .. } => {
                prop_assert!(busy[pool] > 0);
                busy[pool] -= 1;
            }
        }
    }
    Ok(())
}

fn check_counts(model: &Model, out: &RepOutcome) -> Result<(), TestCaseError> {
    let nc = model.channels.len();
    let mut switched_in = 0.0;
    let mut switched_out = 0.0;
    for (j, iv) in out.channel_intervals.iter().enumerate() {
        prop_assert!(
            conserved(&iv.counts),
            "interval {} channel {}: {:?}",
            j / nc,
            j % nc,
            iv.counts
        );
        prop_assert!(iv.backlog_end >= 0.0 && iv.oldest_age_end_s >= 0.0);
        switched_in += iv.counts.switched_in;
        switched_out += iv.counts.switched_out;
        let ch = &model.channels[j % nc];
        if ch.kind == ChannelKind::Email {
            prop_assert_eq!(
                iv.counts.abandoned + iv.counts.blocked + iv.counts.turned_away,
                0.0
            );
        }
        if ch.kind != ChannelKind::Desk {
            prop_assert_eq!(iv.counts.turned_away, 0.0);
        }
    }
    // A switch is counted when the person leaves and again when they reach
    // the other channel open, unless they are still on their way at the end
    // (or find it closed).
    prop_assert!(switched_in <= switched_out);
    let pending: f64 = out.channels.iter().map(|c| c.redial_pending_at_end).sum();
    let closed: f64 = out.channels.iter().map(|c| c.counts.closed).sum();
    prop_assert!(switched_out - switched_in <= pending + closed);
    for (c, t) in out.channels.iter().enumerate() {
        prop_assert!(conserved(&t.counts), "channel {c}: {:?}", t.counts);
    }
    // Topics add up to channels.
    let nt = model.topics.len();
    for c in 0..nc {
        let mut sum = Counts::default();
        for t in 0..nt {
            sum.add(&out.topic_counts[c * nt + t]);
        }
        prop_assert_eq!(sum.offered, out.channels[c].counts.offered);
        prop_assert_eq!(sum.answered, out.channels[c].counts.answered);
    }
    for p in &out.pool_intervals {
        prop_assert!(p.busy_area <= p.on_duty_area + 1e-6);
        prop_assert!(p.deferred_area <= p.busy_area + 1e-6);
        prop_assert!(p.interpreted <= p.handled);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn the_whole_service_keeps_its_rules(
        heads in (0u32..6, 0u32..5, 1u32..6),
        back_speaks_uk in any::<bool>(),
        interpreter in prop::option::of(1u32..3),
        counters in 1u32..5,
        gate in any::<bool>(),
        appointments in 0.0f64..0.6,
        returns in 0.0f64..1.0,
        switch_abandon in 0.0f64..0.5,
        switch_turned in 0.0f64..0.5,
        absence in 0.0f64..0.4,
        break_share in 0.0f64..0.7,
        deferred_share in 0.0f64..1.0,
        volume in (20u32..300, 0u32..100),
        uk_share in 0.0f64..1.0,
        hires in 1u32..6,
        trigger_sl in 0.0f64..1.0,
        rep in 0u64..1000,
    ) {
        let r = Random {
            heads, back_speaks_uk, interpreter, counters, gate, appointments, returns,
            switch_abandon, switch_turned, absence, break_share, deferred_share, volume, uk_share,
            hires, trigger_sl,
        };
        let model = model_from_text(&random_scenario(&r));
        let (out, trace) = simulate_traced(&model, rep, Vec::new());
        check_counts(&model, &out)?;
        check_trace(&model, &trace, hires)?;
        // The trace and the counts agree on how many services started:
        // live answers and callbacks made by arrival, all of them by event.
        let starts = trace.iter().filter(|e| matches!(e, Trace::Start { .. })).count();
        let answered: f64 = out
            .channel_intervals
            .iter()
            .map(|i| i.counts.answered + i.counts.callbacks_made)
            .sum();
        prop_assert_eq!(starts as f64, answered);
        let handled: f64 = out.channel_intervals.iter().map(|i| i.counts.handled_event).sum();
        prop_assert_eq!(starts as f64, handled);
    }
}

/// 3.3 standard errors of the mean across replications.
fn close(stat: &surgesim::stats::Stat, want: f64, reps: u32) -> bool {
    let se = stat.ci95 / t_quantile_975(reps as usize - 1);
    (stat.mean - want).abs() <= 3.3 * se + 1e-12
}

#[test]
fn a_desk_with_ample_staff_matches_erlang_c_on_its_counters() {
    // 4 counters, 30 staff: the counters are the servers. 3 visitors every
    // 10 minutes, 12 minutes each: 3.6 Erlangs on 4 counters (M/M/4).
    let text = r#"
[scenario]
name = "desk"
start = 2022-03-07
days = 40
warmup = "1d"
seed = 3
replications = 12

[channels.desk]
kind = "desk"
counters = 4
answer_within = "10m"

[topics.visit]
handle.desk = { dist = "exponential", mean = "12m" }

[[demand]]
topic = "visit"
channel = "desk"
rate = "18/h"

[pools.staff]
headcount = 30
serves = ["desk"]
"#;
    let model = model_from_text(text);
    let result = run(&model, RunOptions::default()).unwrap();
    let exact = evaluate(
        &Queue {
            arrival_rate: 18.0 / 3600.0,
            service_rate: 1.0 / 720.0,
            agents: 4,
            lines: None,
            abandon_rate: 0.0,
        },
        600.0,
    )
    .unwrap();
    let kpi = |key| result.summary.channel_kpis[0][index_of(CHANNEL_KPIS, key).unwrap()];
    let reps = model.replications;
    for (key, want) in [
        ("p_wait", exact.p_wait),
        ("asa_s", exact.asa_s),
        ("service_level_offered", exact.service_level),
        ("queue_mean_contacts", exact.mean_queue),
    ] {
        let s = kpi(key);
        assert!(
            close(&s, want, reps),
            "{key}: simulated {s:?}, exact {want}"
        );
    }
    // Staff are busy exactly as much as the counters: 3.6 of 30.
    let busy = result.summary.pool_kpis[0][index_of(POOL_KPIS, "agents_busy_mean").unwrap()];
    assert!(close(&busy, 3.6, reps), "busy {busy:?}");
}

const INBOX: &str = r#"
[scenario]
name = "inbox"
start = 2022-03-07
days = 56
seed = 4
replications = 20

[channels.inbox]
kind = "email"
answer_within = "8h"
CLOCK

[topics.question]
handle.inbox = { dist = "exponential", mean = "10m" }

[[demand]]
topic = "question"
channel = "inbox"
per_day = 100

[pools.back]
headcount = 4
serves = ["inbox"]
hours = { weekdays = "09:00-17:00" }
"#;

#[test]
fn an_inbox_answers_what_arrives_when_capacity_suffices() {
    // 700 e-mails a week against 4 × 40 h × 6 an hour = 960: the long-run
    // throughput is the arrival rate; nothing is answered outside office
    // hours; the backlog at the end is at most a weekend's worth.
    let model = model_from_text(&INBOX.replace("CLOCK", ""));
    let mut answered = Vec::new();
    for rep in 0..u64::from(model.replications) {
        let (out, trace) = simulate_traced(&model, rep, Vec::new());
        let k = &out.channels[0].counts;
        assert_eq!(k.offered, k.answered + k.waiting_at_end);
        assert!(k.waiting_at_end < 400.0, "backlog {k:?}");
        for ev in &trace {
            if let Trace::Start { time, .. } = ev {
                assert!(model.pools[0].on_duty.contains(*time));
            }
        }
        // Answered per day, counting the final backlog as not yet due.
        answered.push(k.answered / f64::from(model.days));
    }
    let n = answered.len() as f64;
    let mean = answered.iter().sum::<f64>() / n;
    // Poisson arrivals: sd of a replication's daily mean is sqrt(100 / 56).
    let tol = 4.0 * (100.0 / 56.0 / n).sqrt() + 300.0 / 56.0 / 2.0;
    assert!((mean - 100.0).abs() < tol, "throughput {mean} a day");
}

#[test]
fn the_business_clock_does_not_count_nights_and_weekends() {
    // Ample staff answer everything on the next working morning: within 8
    // business hours always; within 8 calendar hours only for e-mails that
    // arrive in the working day.
    let ample = |clock: &str| {
        let text = INBOX
            .replace("CLOCK", clock)
            .replace("headcount = 4", "headcount = 40")
            .replace("replications = 20", "replications = 4");
        let model = model_from_text(&text);
        let result = run(&model, RunOptions::default()).unwrap();
        result.summary.channel_kpis[0][index_of(CHANNEL_KPIS, "service_level").unwrap()].mean
    };
    let business = ample("clock = \"business\"\nbusiness_hours = { weekdays = \"09:00-17:00\" }");
    let calendar = ample("clock = \"calendar\"");
    assert_eq!(business, 1.0);
    // E-mails arriving between 09:00 and 17:00 on weekdays (8/24 × 5/7 of
    // them) and those of 01:00–09:00 on Tuesday to Friday are within 8 h.
    assert!(calendar > 0.3 && calendar < 0.5, "calendar {calendar}");
}

fn desk(closing: &str, pool_hours: &str) -> String {
    format!(
        r#"
[scenario]
name = "desk rules"
start = 2022-03-07
days = 10
seed = 6
replications = 1

[channels.desk]
kind = "desk"
hours = {{ weekdays = "09:00-12:00" }}
counters = 3
closing = "{closing}"
answer_within = "15m"

[topics.visit]
handle.desk = {{ dist = "exponential", mean = "10m" }}

[[demand]]
topic = "visit"
channel = "desk"
rate = "30/h"

[pools.staff]
headcount = 3
serves = ["desk"]
hours = {pool_hours}
"#
    )
}

#[test]
fn the_gate_closes_when_the_queue_cannot_be_served_before_closing() {
    // 30 an hour on 3 counters of 10 minutes (18 an hour): overloaded.
    let model = model_from_text(&desk("gate", r#"{ weekdays = "09:00-12:30" }"#));
    let (out, trace) = simulate_traced(&model, 0, Vec::new());
    let k = &out.channels[0].counts;
    assert!(k.turned_away > 0.0, "{k:?}");
    // Admitted visitors are expected to start before closing: services
    // start no later than a little after 12:00.
    let late = trace
        .iter()
        .filter(|e| matches!(e, Trace::Start { time, .. } if (time % DAY_S) > 12.5 * 3600.0))
        .count();
    assert_eq!(late, 0);
}

#[test]
fn serve_all_serves_everyone_inside_while_staff_stay() {
    // Staff always there: everyone inside at closing is served.
    let always = model_from_text(&desk("serve_all", "{ daily = \"00:00-24:00\" }"));
    let out = simulate(&always, 0);
    let k = &out.channels[0].counts;
    assert_eq!(k.turned_away, 0.0);
    assert_eq!(k.answered + k.waiting_at_end, k.offered);
    // Staff leave at 13:00: whoever still waits then is sent home.
    let leave = model_from_text(&desk("serve_all", r#"{ weekdays = "09:00-13:00" }"#));
    let out = simulate(&leave, 0);
    let k = &out.channels[0].counts;
    assert!(k.turned_away > 0.0, "{k:?}");
    assert_eq!(k.waiting_at_end, 0.0);
}

#[test]
fn turned_away_visitors_come_back_or_switch() {
    let base = desk("gate", r#"{ weekdays = "09:00-12:30" }"#);
    let with_returns = base.replace(
        "answer_within = \"15m\"",
        "answer_within = \"15m\"\nreturns = { share = 1.0, after = \"1d\" }",
    );
    let out = simulate(&model_from_text(&with_returns), 0);
    let k = &out.channels[0].counts;
    assert!(k.redials > 0.0, "nobody came back: {k:?}");
    // Everyone who was turned away and not still on their way came back.
    let switched = base
        .replace(
            "answer_within = \"15m\"",
            "answer_within = \"15m\"\nswitch = { to = \"inbox\", after_turned_away = 1.0 }",
        )
        .replace(
            "[topics.visit]",
            "[channels.inbox]\nkind = \"email\"\nanswer_within = \"2d\"\n\n[topics.visit]\nhandle.inbox = { dist = \"exponential\", mean = \"5m\" }",
        )
        .replace("serves = [\"desk\"]", "serves = [\"desk\", \"inbox\"]");
    let model = model_from_text(&switched);
    let out = simulate(&model, 0);
    let desk = model
        .channels
        .iter()
        .position(|c| c.name == "desk")
        .unwrap();
    let inbox = model
        .channels
        .iter()
        .position(|c| c.name == "inbox")
        .unwrap();
    let d = &out.channels[desk].counts;
    let e = &out.channels[inbox].counts;
    // Switching with no delay: every visitor turned away writes at once.
    assert_eq!(d.switched_out, d.turned_away);
    assert_eq!(e.switched_in, d.turned_away);
    assert_eq!(e.offered, e.switched_in);
}

#[test]
fn callers_who_give_up_write_instead() {
    let text = r#"
[scenario]
name = "switch"
start = 2022-03-07
days = 3
seed = 2
replications = 1

[channels.hotline]
kind = "phone"
patience = { dist = "exponential", mean = "30s" }
switch = { to = "inbox", after_abandon = 1.0 }

[channels.inbox]
kind = "email"
answer_within = "1d"

[topics.q]
handle.hotline = { dist = "exponential", mean = "5m" }
handle.inbox = { dist = "exponential", mean = "8m" }

[[demand]]
topic = "q"
channel = "hotline"
rate = "40/h"

[pools.agents]
headcount = 2
serves = ["hotline", "inbox"]
"#;
    let model = model_from_text(text);
    let out = simulate(&model, 1);
    let (h, e) = (&out.channels[0].counts, &out.channels[1].counts);
    assert!(h.abandoned > 100.0);
    assert_eq!(h.switched_out, h.abandoned);
    assert_eq!(e.switched_in, h.abandoned);
    assert_eq!(e.first_attempts, 0.0);
}

#[test]
fn appointments_are_served_before_walk_ins() {
    let text = desk("serve_all", "{ daily = \"00:00-24:00\" }").replace(
        "answer_within = \"15m\"",
        "answer_within = \"15m\"\nappointments = { share = 0.3 }",
    );
    let model = model_from_text(&text);
    let (out, trace) = simulate_traced(&model, 0, Vec::new());
    let (mut wa, mut na, mut ww, mut nw) = (0.0, 0.0, 0.0, 0.0);
    for ev in &trace {
        if let Trace::Start { class, wait, .. } = *ev {
            if model.classes[class].appointment {
                wa += wait;
                na += 1.0;
            } else {
                ww += wait;
                nw += 1.0;
            }
        }
    }
    assert!(
        out.channels[0].counts.appointments == na + out.channels[0].counts.waiting_at_end.min(na)
    );
    assert!(na > 50.0 && nw > 50.0);
    assert!(
        wa / na < 0.2 * ww / nw,
        "appointments wait {} vs walk-ins {}",
        wa / na,
        ww / nw
    );
}

#[test]
fn interpreters_serve_languages_the_staff_lack_and_take_longer() {
    let text = r#"
[scenario]
name = "interpreters"
start = 2022-03-07
days = 20
seed = 8
replications = 1

[languages.nl]
[languages.uk]

[interpreters.remote]
languages = ["uk"]
capacity = 1
extra = "5m"

[channels.hotline]
kind = "phone"

[topics.q]
languages = { nl = 0.5, uk = 0.5 }
handle.hotline = { dist = "deterministic", mean = "5m" }

[[demand]]
topic = "q"
channel = "hotline"
rate = "4/h"

[pools.agents]
headcount = 5
serves = ["hotline"]
languages = ["nl"]
"#;
    let model = model_from_text(text);
    let (out, trace) = simulate_traced(&model, 0, Vec::new());
    let pool = &out.pools[0];
    let mut interpreted = 0.0;
    let mut open_sessions = 0i32;
    let mut order = Vec::new();
    for ev in &trace {
        match *ev {
            Trace::Start {
                class,
                interpreter,
                interpreter_busy,
                ..
            } => {
                let uk = model.languages[model.classes[class].language].name == "uk";
                assert_eq!(interpreter.is_some(), uk);
                if uk {
                    interpreted += 1.0;
                    assert_eq!(interpreter_busy, 1);
                    open_sessions += 1;
                }
                order.push(uk);
            }
            Trace::End { .. } => {}
        }
    }
    assert!(open_sessions > 0);
    assert_eq!(pool.interpreted, interpreted);
    // Busy time: 5 min a contact, plus 5 min with an interpreter.
    let want = 300.0 * pool.handled + 300.0 * pool.interpreted;
    assert!(
        (pool.busy_area - want).abs() < 600.0,
        "{} vs {want}",
        pool.busy_area
    );
}

#[test]
fn contacts_nobody_can_serve_wait_and_are_reported() {
    let text = r#"
[scenario]
name = "unserved"
start = 2022-03-07
days = 2
seed = 8
replications = 1

[languages.nl]
[languages.uk]

[channels.hotline]
kind = "phone"

[topics.q]
languages = { nl = 0.5, uk = 0.5 }
handle.hotline = { dist = "exponential", mean = "5m" }

[[demand]]
topic = "q"
channel = "hotline"
rate = "4/h"

[pools.agents]
headcount = 5
serves = ["hotline"]
languages = ["nl"]
"#;
    let model = model_from_text(text);
    assert_eq!(model.warnings.len(), 1, "{:?}", model.warnings);
    assert!(model.warnings[0].contains("`uk`"));
    let out = simulate(&model, 0);
    let k = &out.channels[0].counts;
    assert!(k.unstaffed > 50.0);
    assert_eq!(k.waiting_at_end, k.unstaffed);
}

#[test]
fn the_deferred_reserve_keeps_e_mail_moving() {
    // One pool, phones always overloaded; e-mail is deferred work.
    let text = |share: f64| {
        format!(
            r#"
[scenario]
name = "reserve"
start = 2022-03-07
days = 5
seed = 8
replications = 1

[channels.hotline]
kind = "phone"

[channels.inbox]
kind = "email"
answer_within = "1d"

[topics.q]
handle.hotline = {{ dist = "exponential", mean = "5m" }}
handle.inbox = {{ dist = "exponential", mean = "5m" }}

[[demand]]
topic = "q"
channel = "hotline"
rate = "90/h"

[[demand]]
topic = "q"
channel = "inbox"
rate = "10/h"

[pools.agents]
headcount = 6
serves = ["inbox", "hotline"]
deferred_share = {share}
"#
        )
    };
    let starved = simulate(&model_from_text(&text(0.0)), 0);
    let reserved = simulate(&model_from_text(&text(0.5)), 0);
    // Without a reserve, real-time work always comes first: the inbox only
    // gets the moments when no call waits.
    assert!(starved.channels[1].counts.answered < 0.2 * starved.channels[1].counts.offered);
    // With half the staff kept for e-mail, it keeps up.
    assert!(reserved.channels[1].counts.answered > 0.9 * reserved.channels[1].counts.offered);
    let deferred = reserved.pools[0].deferred_area / reserved.pools[0].busy_area;
    assert!(deferred > 0.1 && deferred < 0.6, "{deferred}");
}

#[test]
fn absence_and_breaks_thin_the_roster() {
    let text = r#"
[scenario]
name = "absence"
start = 2022-03-07
days = 60
seed = 8
replications = 1

[channels.hotline]
kind = "phone"

[topics.q]
handle.hotline = { dist = "exponential", mean = "5m" }

[[demand]]
topic = "q"
channel = "hotline"
rate = "1/h"

[pools.agents]
headcount = 20
serves = ["hotline"]
absence = 0.25
breaks = [{ from = "12:00", to = "13:00", share = 0.5 }]
"#;
    let model = model_from_text(text);
    let out = simulate(&model, 0);
    let on_duty = out.pools[0].on_duty_area / model.horizon_s;
    // 20 × 0.75 = 15 on average, 7.5 during the break hour:
    // 15 × (23 + 0.5) / 24 = 14.69; a day's count has sd 1.94, the mean of
    // 60 days 0.25.
    assert!((on_duty - 14.6875).abs() < 1.0, "{on_duty}");
    let noon: f64 = (0..model.days as usize)
        .map(|d| out.pool_intervals[d * 24 + 12].on_duty_area / 3600.0)
        .sum::<f64>()
        / f64::from(model.days);
    assert!((noon - 7.5).abs() < 0.8, "{noon}");
}

#[test]
fn newcomers_make_their_contacts_after_the_delay() {
    let text = r#"
[scenario]
name = "newcomers"
start = 2022-03-07
days = 30
seed = 8
replications = 1

[channels.inbox]
kind = "email"
answer_within = "2d"

[channels.desk]
kind = "desk"
hours = { weekdays = "09:00-15:00" }
answer_within = "30m"

[topics.q]
handle.inbox = { dist = "exponential", mean = "5m" }
handle.desk = { dist = "exponential", mean = "5m" }

[[newcomers]]
per_day = 100
contacts = [
  { topic = "q", channel = "inbox", per_person = 0.5, delay = { dist = "deterministic", mean = "2d" } },
  { topic = "q", channel = "desk", per_person = 0.4, delay = { dist = "exponential", mean = "3d" } },
]

[pools.staff]
headcount = 5
serves = ["inbox", "desk"]
"#;
    let model = model_from_text(text);
    let stream = |name: &str| {
        let c = model.channels.iter().position(|c| c.name == name).unwrap();
        model.demands.iter().find(|d| d.channel == c).unwrap()
    };
    // Exactly two days later: nothing on days 0 and 1, then 50 a day.
    let inbox = stream("inbox");
    for day in 0..30 {
        let got = inbox.expected_between(
            day as f64 * DAY_S,
            (day + 1) as f64 * DAY_S,
            model.horizon_s,
        );
        let want = if day < 2 { 0.0 } else { 50.0 };
        assert!((got - want).abs() < 1e-6, "day {day}: {got}");
    }
    // Exponential delay onto a desk open on weekdays only: weekend contacts
    // wait for Monday, nothing is lost before the horizon's last open day.
    let desk = stream("desk");
    let total = desk.expected_between(0.0, model.horizon_s, model.horizon_s);
    let day = |d: u32| {
        desk.expected_between(
            f64::from(d) * DAY_S,
            f64::from(d + 1) * DAY_S,
            model.horizon_s,
        )
    };
    assert_eq!(day(5), 0.0); // Saturday
    assert!(day(7) > day(4)); // Monday carries the weekend
    // 0.4 × 100 a day for 30 days, less the contacts due after the horizon:
    // 40 × Σ_d P(delay > 30 - d days) ≈ 40 × 3 × (1 - e^-10).
    let want = 0.4 * 100.0 * 30.0 - 40.0 * 3.0 * (1.0 - (-10.0f64).exp());
    assert!((total - want).abs() < 0.02 * want, "{total} vs {want}");
}
