//! Staff pay on public holidays: a pool with `hours` is closed on a holiday,
//! and with `holiday_pay` (the default) its staff and hires are still paid
//! the hours their roster would have had, with nobody on duty. Exact
//! numbers: paid hours and costs are integrals of step functions.

use assert_cmd::prelude::*;
use std::process::Command;
use surgesim::engine::{RepOutcome, simulate};
use surgesim::kpi::{POOL_KPIS, RepRecord, TOTAL_KPIS, index_of};
use surgesim::model::Model;

use super::util::{model_from_text, tempdir};

/// Two weeks from Monday 2022-03-07, hourly intervals; one pool `team` of
/// 6 staff on weekdays 09:00–17:00 at 30 an hour (absence is paid, so it
/// changes nothing here); `holidays` and `extra` are pasted in.
fn scenario(holidays: &str, team: &str, extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "pay"
start = 2022-03-07
days = 14
interval = "1h"
seed = 5
replications = 1

[calendar]
holidays = [{holidays}]

[channels.line]
kind = "phone"
hours = {{ weekdays = "09:00-17:00" }}
patience = {{ dist = "exponential", mean = "5m" }}

[topics.t]
handle.line = {{ dist = "exponential", mean = "4m" }}

[[demand]]
topic = "t"
channel = "line"
per_day = 200

[pools.team]
headcount = 6
serves = ["line"]
hours = {{ weekdays = "09:00-17:00" }}
absence = 0.1
cost_per_hour = 30
{team}

{extra}
"#
    )
}

/// Wednesday 2022-03-09 is day 2 of the horizon.
const HOLIDAY: &str = "2022-03-09";
const HOLIDAY_DAY: usize = 2;

fn pool_kpi(m: &Model, out: &RepOutcome, pool: &str, key: &str) -> f64 {
    let p = m.pools.iter().position(|p| p.name == pool).unwrap();
    RepRecord::from_outcome(m, out).pool_kpis[p][index_of(POOL_KPIS, key).unwrap()]
}

fn total_kpi(m: &Model, out: &RepOutcome, key: &str) -> f64 {
    RepRecord::from_outcome(m, out).total_kpis[index_of(TOTAL_KPIS, key).unwrap()]
}

/// `(staff on duty, cost)` of pool `pool` in each hour of day `day`.
fn day_of(m: &Model, out: &RepOutcome, pool: &str, day: usize) -> Vec<(f64, f64)> {
    let np = m.pools.len();
    let p = m.pools.iter().position(|p| p.name == pool).unwrap();
    (0..24)
        .map(|h| {
            let t = &out.pool_intervals[(day * 24 + h) * np + p];
            (t.on_duty_area / 3600.0, t.cost)
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn a_paid_holiday_costs_what_a_working_day_does_with_nobody_on_duty() {
    let none = model_from_text(&scenario("", "", ""));
    let paid = model_from_text(&scenario(HOLIDAY, "", ""));
    let (a, b) = (simulate(&none, 0), simulate(&paid, 0));
    // 6 staff × 8 h × 10 weekdays, holiday or not, at 30 an hour.
    for (m, out) in [(&none, &a), (&paid, &b)] {
        assert!(close(pool_kpi(m, out, "team", "paid_hours_h"), 480.0));
        assert!(close(pool_kpi(m, out, "team", "staff_cost"), 14_400.0));
        assert!(close(pool_kpi(m, out, "team", "total_cost"), 14_400.0));
        assert!(close(total_kpi(m, out, "paid_hours_h"), 480.0));
        assert!(close(total_kpi(m, out, "total_cost"), 14_400.0));
    }
    // On the holiday: nobody on duty, the line closed, and 6 × 30 paid in
    // each hour of the roster, 09:00 to 17:00, nothing outside it.
    for (h, (on, cost)) in day_of(&paid, &b, "team", HOLIDAY_DAY)
        .into_iter()
        .enumerate()
    {
        assert_eq!(on, 0.0, "hour {h}");
        let want = if (9..17).contains(&h) { 180.0 } else { 0.0 };
        assert!(close(cost, want), "hour {h}: {cost}");
    }
    assert_eq!(
        b.channel_intervals[HOLIDAY_DAY * 24 + 10].counts.offered,
        0.0
    );
    // The day without the holiday had 6 on duty (less absence).
    assert!(day_of(&none, &a, "team", HOLIDAY_DAY)[10].0 > 0.0);
}

#[test]
fn without_holiday_pay_a_holiday_is_unpaid() {
    let m = model_from_text(&scenario(HOLIDAY, "holiday_pay = false", ""));
    let out = simulate(&m, 0);
    // 6 staff × 8 h × 9 paid weekdays.
    assert!(close(pool_kpi(&m, &out, "team", "paid_hours_h"), 432.0));
    assert!(close(pool_kpi(&m, &out, "team", "staff_cost"), 12_960.0));
    assert!(close(total_kpi(&m, &out, "total_cost"), 12_960.0));
    for (h, (on, cost)) in day_of(&m, &out, "team", HOLIDAY_DAY)
        .into_iter()
        .enumerate()
    {
        assert_eq!((on, cost), (0.0, 0.0), "hour {h}");
    }
    // The next day is paid as usual.
    assert!(close(day_of(&m, &out, "team", HOLIDAY_DAY + 1)[9].1, 180.0));
}

#[test]
fn redeployed_staff_and_hires_are_paid_on_a_holiday_by_their_pool() {
    // Two of the team work in `back` from the start, still paid by the
    // team; three hires at 20 an hour on their own roster 10:00–14:00 from
    // day 1; `back` does not pay holidays.
    let m = model_from_text(&scenario(
        HOLIDAY,
        "",
        r#"
[pools.back]
headcount = 4
serves = ["line"]
hours = { weekdays = "09:00-17:00" }
cost_per_hour = 50
holiday_pay = false

[[actions]]
id = "lend"
kind = "redeploy"
from = "team"
to = "back"
count = 2
at = 2022-03-07

[[actions]]
id = "temps"
kind = "hire"
pool = "team"
count = 3
at = 2022-03-07
lead_time = "1d"
cost_per_hour = 20
hours = { weekdays = "10:00-14:00" }
"#,
    ));
    let out = simulate(&m, 0);
    let team = day_of(&m, &out, "team", HOLIDAY_DAY);
    for (h, &(on, cost)) in team.iter().enumerate() {
        assert_eq!(on, 0.0, "hour {h}");
        let hires = if (10..14).contains(&h) {
            3.0 * 20.0
        } else {
            0.0
        };
        let own = if (9..17).contains(&h) {
            6.0 * 30.0
        } else {
            0.0
        };
        assert!(close(cost, own + hires), "hour {h}: {cost}");
    }
    for (h, &(on, cost)) in day_of(&m, &out, "back", HOLIDAY_DAY).iter().enumerate() {
        assert_eq!((on, cost), (0.0, 0.0), "hour {h}");
    }
    // Team: 6 × 8 h × 10 days, and the hires 3 × 4 h on the 9 weekdays
    // from day 1 to day 11 (the holiday included). Back: 4 × 8 h × 9.
    assert!(close(
        pool_kpi(&m, &out, "team", "paid_hours_h"),
        480.0 + 108.0
    ));
    assert!(close(
        pool_kpi(&m, &out, "team", "staff_cost"),
        14_400.0 + 108.0 * 20.0
    ));
    assert!(close(pool_kpi(&m, &out, "back", "paid_hours_h"), 288.0));
    assert!(close(
        total_kpi(&m, &out, "total_cost"),
        16_560.0 + 288.0 * 50.0
    ));
}

#[test]
fn a_holiday_pays_the_roster_in_effect_with_its_overtime() {
    // From the start the team works 08:00–18:00: 50 h a week against 40
    // contract hours, the 10 extra at 1.5 ×, so every hour costs
    // 30 × (40 + 1.5 × 10) / 50 = 33.
    let m = model_from_text(&scenario(
        HOLIDAY,
        "",
        r#"
[[actions]]
id = "longer"
kind = "hours"
pool = "team"
hours = { weekdays = "08:00-18:00" }
at = 2022-03-07
"#,
    ));
    let out = simulate(&m, 0);
    for (h, (on, cost)) in day_of(&m, &out, "team", HOLIDAY_DAY)
        .into_iter()
        .enumerate()
    {
        assert_eq!(on, 0.0, "hour {h}");
        let want = if (8..18).contains(&h) {
            6.0 * 33.0
        } else {
            0.0
        };
        assert!(close(cost, want), "hour {h}: {cost}");
    }
    assert!(close(pool_kpi(&m, &out, "team", "paid_hours_h"), 600.0));
    assert!(close(
        pool_kpi(&m, &out, "team", "staff_cost"),
        600.0 * 33.0
    ));
}

/// `surgesim check` on a scenario text.
fn check(text: &str) -> String {
    let dir = tempdir();
    let p = dir.path().join("pay.toml");
    std::fs::write(&p, text).unwrap();
    let out = Command::cargo_bin("surgesim")
        .expect("binary")
        .arg("check")
        .arg(&p)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn check_says_whether_each_pool_pays_holidays() {
    let paid = check(&scenario(HOLIDAY, "", ""));
    assert!(
        paid.contains(
            "holidays paid (holiday_pay = true): the roster's 8.0 h per person on holidays are paid, with nobody on duty"
        ),
        "{paid}"
    );
    let unpaid = check(&scenario(HOLIDAY, "holiday_pay = false", ""));
    assert!(
        unpaid.contains(
            "holidays unpaid (holiday_pay = false): the roster's 8.0 h per person on holidays are not paid"
        ),
        "{unpaid}"
    );
    let none = check(&scenario("", "", ""));
    assert!(
        none.contains("holidays paid (holiday_pay = true); no roster hours fall on a holiday"),
        "{none}"
    );
}
