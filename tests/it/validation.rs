//! Scenario validation through the real binary: a full valid scenario with
//! phone, e-mail, desk, languages, an interpreter, newcomers and two pools,
//! and one bad input at a time (each reported with its key path, its line,
//! a readable message and exit code 2, never a panic).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

use super::util::tempdir;

pub(super) fn surgesim() -> Command {
    Command::cargo_bin("surgesim").expect("binary")
}

pub(super) fn write_scenario(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("scenario.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// A small valid scenario that uses every part of the format.
pub(super) const BASE: &str = r#"
[scenario]
name = "validation base"
start = 2022-03-07
days = 3
replications = 4

[languages.nl]
description = "Dutch"

[languages.uk]
description = "Ukrainian"
handle_factor = 1.1

[interpreters.remote]
languages = ["uk"]
capacity = 2
extra = "4m"
hours = { weekdays = "08:00-17:00" }

[channels.hotline]
kind = "phone"
hours = { weekdays = "09:00-16:00" }
lines = 20
patience = { dist = "exponential", mean = "2m" }
redial = { after_busy = 0.5, after_abandon = 0.3, delay = { dist = "exponential", mean = "30m" }, max_attempts = 3 }

[channels.inbox]
kind = "email"
answer_within = "2d"
clock = "business"
business_hours = { weekdays = "08:00-16:00" }

[channels.desk]
kind = "desk"
hours = { weekdays = "09:00-15:00" }
counters = 4
closing = "gate"
answer_within = "30m"
returns = { share = 0.5, after = "1d" }
switch = { to = "hotline", after_turned_away = 0.2, delay = { dist = "exponential", mean = "1h" } }

[topics.permits]
channels = { hotline = 0.5, inbox = 0.3, desk = 0.2 }
languages = { nl = 0.8, uk = 0.2 }
handle.hotline = { dist = "exponential", mean = "6m" }
handle.inbox = { dist = "lognormal", mean = "10m", sd = "4m" }
handle.desk = { dist = "exponential", mean = "12m" }

[topics.protection]
channels = { hotline = 0.6, inbox = 0.4 }
languages = { nl = 0.3, uk = 0.7 }
handle.hotline = { dist = "exponential", mean = "8m" }
handle.inbox = { dist = "lognormal", mean = "12m", sd = "5m" }
handle.desk = { dist = "exponential", mean = "15m" }

[[demand]]
topic = "permits"
per_day = 120

[[newcomers]]
per_day = 0
surges = [
  { shape = "ramp_decay", start = 2022-03-07, to_peak = "1d", half_life = "3d", peak_per_day = 60 },
]
contacts = [
  { topic = "protection", per_person = 0.5, delay = { dist = "exponential", mean = "1d" } },
  { topic = "permits", channel = "desk", per_person = 0.3, delay = { dist = "exponential", mean = "2d" } },
]

[pools.front]
headcount = 6
serves = ["hotline", "desk"]
languages = ["nl", "uk"]
hours = { weekdays = "08:45-16:15" }
breaks = [{ from = "12:00", to = "13:00", share = 0.5 }]
absence = 0.1
speed = 1.0
cost_per_hour = 30.0

[pools.back]
headcount = 4
serves = [["inbox:permits", "inbox:protection"], "hotline"]
languages = ["nl"]
hours = { weekdays = "08:00-16:00" }
deferred_share = 0.5
"#;

/// `BASE` with each `(from, to)` replaced once; `from` must occur.
pub(super) fn mutate(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "`{from}` is not in the scenario");
        text = text.replacen(from, to, 1);
    }
    text
}

/// 1-based line of the first occurrence of `needle` in `text`.
pub(super) fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the scenario"));
    text[..at].matches('\n').count() + 1
}

/// `scenario.toml:LINE: PATH:` for the line of `needle` in `text`.
pub(super) fn at(text: &str, needle: &str, path: &str) -> String {
    format!("scenario.toml:{}: {path}:", line_of(text, needle))
}

/// Runs `surgesim check` on `text`; asserts exit code 2, no panic, and that
/// stderr contains each of `expect`; returns stderr.
pub(super) fn refused(text: &str, expect: &[&str]) -> String {
    let dir = tempdir();
    let p = write_scenario(dir.path(), text);
    let out = surgesim().arg("check").arg(&p).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(!stderr.contains("panicked"), "a panic:\n{stderr}");
    for e in expect {
        assert!(stderr.contains(e), "missing {e:?} in\n{stderr}");
    }
    stderr
}

/// The key paths of the problems in `check`'s stderr, with their lines.
fn reported(stderr: &str) -> Vec<(usize, String)> {
    stderr
        .lines()
        .filter_map(|l| {
            let rest = l.trim_start().split_once("scenario.toml:")?.1;
            let (line, rest) = rest.split_once(": ")?;
            let (path, _) = rest.split_once(": ")?;
            Some((line.parse().ok()?, path.to_string()))
        })
        .collect()
}

#[test]
fn the_base_scenario_is_valid_and_runs() {
    let dir = tempdir();
    let p = write_scenario(dir.path(), BASE);
    surgesim()
        .arg("check")
        .arg(&p)
        .assert()
        .success()
        .stdout(predicate::str::contains("validation base"))
        .stdout(predicate::str::contains("warning:").not())
        .stderr(predicate::str::contains("panicked").not());

    let out = tempdir();
    surgesim()
        .arg("run")
        .arg(&p)
        .args(["-n", "2", "-q", "--out"])
        .arg(out.path())
        .assert()
        .success();

    let summary = std::fs::read_to_string(out.path().join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    assert!(
        lines.next().unwrap().starts_with("scope,name,kpi,"),
        "{summary}"
    );
    let rows: BTreeSet<(String, String)> = lines
        .map(|l| {
            let mut f = l.split(',');
            (f.next().unwrap().into(), f.next().unwrap().into())
        })
        .collect();
    for (scope, name) in [
        ("topic", "permits"),
        ("topic", "protection"),
        ("pool", "front"),
        ("pool", "back"),
        ("channel", "hotline"),
        ("channel", "inbox"),
        ("channel", "desk"),
    ] {
        assert!(
            rows.contains(&(scope.into(), name.into())),
            "no {scope} row for {name} in summary.csv"
        );
    }

    let intervals = std::fs::read_to_string(out.path().join("intervals.csv")).unwrap();
    let header: Vec<&str> = intervals.lines().next().unwrap().split(',').collect();
    let scope = header
        .iter()
        .position(|h| *h == "scope")
        .expect("scope column");
    let pool_rows = intervals
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(scope) == Some("pool"))
        .count();
    // 3 days of hourly intervals for each of the two pools.
    assert_eq!(pool_rows, 2 * 3 * 24, "pool rows in intervals.csv");
}

#[test]
fn a_pool_serving_an_unknown_channel_names_the_closest() {
    let text = mutate(&[(
        r#"serves = ["hotline", "desk"]"#,
        r#"serves = ["hotlne", "desk"]"#,
    )]);
    refused(
        &text,
        &[
            &at(&text, r#"serves = ["hotlne""#, "pools.front.serves[0]"),
            "unknown channel `hotlne`",
            "did you mean `hotline`",
        ],
    );
}

#[test]
fn a_pool_serving_an_unknown_topic_is_refused() {
    let text = mutate(&[(r#""inbox:protection""#, r#""inbox:unknown_topic""#)]);
    refused(
        &text,
        &[
            &at(&text, "inbox:unknown_topic", "pools.back.serves[0][1]"),
            "unknown topic `unknown_topic`",
            "`permits`, `protection`",
        ],
    );
}

#[test]
fn a_pool_speaking_an_unknown_language_is_refused() {
    let text = mutate(&[(
        r#"languages = ["nl", "uk"]"#,
        r#"languages = ["nl", "ukk"]"#,
    )]);
    refused(
        &text,
        &[
            &at(
                &text,
                r#"languages = ["nl", "ukk"]"#,
                "pools.front.languages[1]",
            ),
            "unknown language `ukk`",
            "did you mean `uk`",
        ],
    );
}

#[test]
fn topic_channel_shares_must_add_up_to_one() {
    let text = mutate(&[(
        "channels = { hotline = 0.6, inbox = 0.4 }",
        "channels = { hotline = 0.5, inbox = 0.4 }",
    )]);
    refused(
        &text,
        &[
            &at(
                &text,
                "channels = { hotline = 0.5, inbox = 0.4 }",
                "topics.protection.channels",
            ),
            "add up to 0.9",
        ],
    );
}

#[test]
fn topic_language_shares_must_add_up_to_one() {
    let text = mutate(&[(
        "languages = { nl = 0.3, uk = 0.7 }",
        "languages = { nl = 0.3, uk = 0.6 }",
    )]);
    refused(
        &text,
        &[
            &at(
                &text,
                "languages = { nl = 0.3, uk = 0.6 }",
                "topics.protection.languages",
            ),
            "add up to 0.9",
        ],
    );
}

#[test]
fn a_topic_without_language_shares_is_refused_when_languages_exist() {
    let text = mutate(&[("languages = { nl = 0.3, uk = 0.7 }\n", "")]);
    refused(
        &text,
        &[
            &at(&text, "[topics.protection]", "topics.protection"),
            "missing `languages`",
            "languages defined: nl, uk",
        ],
    );
}

#[test]
fn a_zero_handle_time_is_refused() {
    // On the desk, which no switch leads to (see the ignored test below for
    // a switch target).
    let text = mutate(&[(
        r#"handle.desk = { dist = "exponential", mean = "12m" }"#,
        r#"handle.desk = { dist = "exponential", mean = "0s" }"#,
    )]);
    let stderr = refused(
        &text,
        &[
            &at(&text, r#"mean = "0s""#, "topics.permits.handle.desk"),
            "the mean must be more than 0",
            "has 1 problem:",
        ],
    );
    assert!(!stderr.contains("no handle time"), "{stderr}");
}

#[test]
fn an_invalid_handle_time_on_a_switch_target_is_reported_once() {
    let text = mutate(&[(
        r#"handle.hotline = { dist = "exponential", mean = "6m" }"#,
        r#"handle.hotline = { dist = "exponential", mean = "0s" }"#,
    )]);
    let stderr = refused(
        &text,
        &[
            &at(&text, r#"mean = "0s""#, "topics.permits.handle.hotline"),
            "the mean must be more than 0",
        ],
    );
    assert!(!stderr.contains("no handle time"), "{stderr}");
    assert!(stderr.contains("has 1 problem:"), "{stderr}");
}

#[test]
fn an_absurd_volume_is_refused_before_running() {
    let text = mutate(&[(r#"per_day = 120"#, r#"rate = "1e300/s""#)]);
    refused(&text, &["demand[0]", "more than the 1e9"]);
}

#[test]
fn a_pool_that_speaks_no_language_is_refused() {
    let text = mutate(&[(r#"languages = ["nl"]"#, r#"languages = []"#)]);
    refused(&text, &["pools.back.languages", "speaks no language"]);
}

#[test]
fn a_negative_duration_is_refused() {
    let text = mutate(&[(
        r#"handle.hotline = { dist = "exponential", mean = "8m" }"#,
        r#"handle.hotline = { dist = "exponential", mean = "-5m" }"#,
    )]);
    refused(
        &text,
        &[
            &at(
                &text,
                r#"mean = "-5m""#,
                "topics.protection.handle.hotline.mean",
            ),
            "`-5m` is negative",
        ],
    );
    // A plain duration key as well.
    let text = mutate(&[(r#"extra = "4m""#, r#"extra = "-5m""#)]);
    refused(
        &text,
        &[
            &at(&text, r#"extra = "-5m""#, "interpreters.remote.extra"),
            "`-5m` is negative",
        ],
    );
}

#[test]
fn overlapping_hours_are_refused() {
    let text = mutate(&[(
        r#"hours = { weekdays = "09:00-16:00" }"#,
        r#"hours = { weekdays = ["09:00-12:00", "11:00-15:00"] }"#,
    )]);
    refused(
        &text,
        &[
            &at(&text, "11:00-15:00", "channels.hotline.hours.weekdays"),
            "overlap",
            "09:00-12:00 and 11:00-15:00",
        ],
    );
}

#[test]
fn a_missing_surge_table_names_the_file() {
    let text = mutate(&[(
        "per_day = 120\n",
        "per_day = 120\nsurges = [{ shape = \"table\", file = \"missing.csv\" }]\n",
    )]);
    refused(
        &text,
        &[
            &at(&text, "missing.csv", "demand[0].surges[0].file"),
            "missing.csv",
            "relative to the scenario file",
        ],
    );
}

#[test]
fn keys_that_do_not_apply_to_the_channel_kind_are_refused() {
    let text = mutate(&[
        ("clock = \"business\"", "lines = 10\nclock = \"business\""),
        (
            "counters = 4",
            "counters = 4\nredial = { after_busy = 0.5, delay = { dist = \"exponential\", mean = \"30m\" } }",
        ),
    ]);
    let stderr = refused(
        &text,
        &[
            &at(&text, "lines = 10", "channels.inbox.lines"),
            &at(
                &text,
                "redial = { after_busy = 0.5, delay",
                "channels.desk.redial",
            ),
            "`redial` does not apply to a desk channel",
            "a desk channel takes: hours, counters",
        ],
    );
    assert!(
        stderr.contains("`lines` does not apply to an e-mail channel"),
        "{stderr}"
    );
}

#[test]
fn a_desk_with_no_counters_is_refused() {
    let text = mutate(&[("counters = 4", "counters = 0")]);
    refused(
        &text,
        &[
            &at(&text, "counters = 0", "channels.desk.counters"),
            "must be at least 1",
        ],
    );
}

#[test]
fn a_business_clock_needs_business_hours() {
    let text = mutate(&[("business_hours = { weekdays = \"08:00-16:00\" }\n", "")]);
    refused(
        &text,
        &[
            &at(&text, "clock = \"business\"", "channels.inbox.clock"),
            "needs `business_hours`",
        ],
    );
}

#[test]
fn an_email_channel_needs_answer_within() {
    let text = mutate(&[("answer_within = \"2d\"\n", "")]);
    refused(
        &text,
        &[
            &at(&text, "[channels.inbox]", "channels.inbox"),
            "missing `answer_within`",
            "answer_within = \"2d\"",
        ],
    );
}

#[test]
fn a_switch_to_an_unknown_channel_is_refused() {
    let text = mutate(&[(
        r#"switch = { to = "hotline""#,
        r#"switch = { to = "hotlien""#,
    )]);
    refused(
        &text,
        &[
            &at(&text, "switch = { to", "channels.desk.switch.to"),
            "unknown channel `hotlien`",
            "did you mean `hotline`",
        ],
    );
}

#[test]
fn a_channel_cannot_switch_to_itself() {
    let text = mutate(&[(r#"switch = { to = "hotline""#, r#"switch = { to = "desk""#)]);
    refused(
        &text,
        &[
            &at(&text, "switch = { to", "channels.desk.switch.to"),
            "cannot switch to itself",
        ],
    );
}

#[test]
fn phone_callers_are_never_turned_away() {
    let text = mutate(&[(
        "max_attempts = 3 }",
        "max_attempts = 3 }\nswitch = { to = \"inbox\", after_turned_away = 0.2 }",
    )]);
    refused(
        &text,
        &[
            &at(
                &text,
                "switch = { to = \"inbox\"",
                "channels.hotline.switch.after_turned_away",
            ),
            "never turned away",
            "use after_abandon",
        ],
    );
}

#[test]
fn newcomers_without_a_volume_are_refused() {
    let text = mutate(&[(
        "per_day = 0\nsurges = [\n  { shape = \"ramp_decay\", start = 2022-03-07, to_peak = \"1d\", half_life = \"3d\", peak_per_day = 60 },\n]\n",
        "",
    )]);
    refused(
        &text,
        &[&at(&text, "[[newcomers]]", "newcomers[0]"), "no newcomers"],
    );
}

#[test]
fn a_newcomer_contact_with_an_unknown_topic_is_refused() {
    let text = mutate(&[(
        r#"{ topic = "protection", per_person"#,
        r#"{ topic = "protectoin", per_person"#,
    )]);
    refused(
        &text,
        &[
            &at(&text, "protectoin", "newcomers[0].contacts[0].topic"),
            "unknown topic `protectoin`",
            "did you mean `protection`",
        ],
    );
}

#[test]
fn a_break_that_ends_before_it_starts_is_refused() {
    let text = mutate(&[(
        r#"{ from = "12:00", to = "13:00""#,
        r#"{ from = "13:00", to = "12:00""#,
    )]);
    refused(
        &text,
        &[
            &at(&text, "breaks = [", "pools.front.breaks[0]"),
            "before it starts",
        ],
    );
}

#[test]
fn full_absence_is_refused() {
    let text = mutate(&[("absence = 0.1", "absence = 1.0")]);
    refused(
        &text,
        &[
            &at(&text, "absence = 1.0", "pools.front.absence"),
            "not including) 1",
        ],
    );
}

#[test]
fn zero_speed_is_refused() {
    let text = mutate(&[("speed = 1.0", "speed = 0")]);
    refused(
        &text,
        &[
            &at(&text, "speed = 0", "pools.front.speed"),
            "0 is outside the range of a multiplier: 0.01 to 100",
        ],
    );
}

#[test]
fn a_deferred_share_above_one_is_refused() {
    let text = mutate(&[("deferred_share = 0.5", "deferred_share = 1.5")]);
    refused(
        &text,
        &[
            &at(&text, "deferred_share = 1.5", "pools.back.deferred_share"),
            "between 0 and 1 (got 1.5)",
        ],
    );
}

#[test]
fn a_negative_cost_is_refused() {
    let text = mutate(&[("cost_per_hour = 30.0", "cost_per_hour = -3")]);
    refused(
        &text,
        &[
            &at(&text, "cost_per_hour = -3", "pools.front.cost_per_hour"),
            "-3 is outside the range of a cost: 0 to 10000000",
        ],
    );
}

#[test]
fn several_problems_are_all_reported_in_file_order() {
    let text = mutate(&[
        (
            r#"serves = ["hotline", "desk"]"#,
            r#"serves = ["hotlne", "desk"]"#,
        ),
        (
            "channels = { hotline = 0.6, inbox = 0.4 }",
            "channels = { hotline = 0.5, inbox = 0.4 }",
        ),
        ("counters = 4", "counters = 0"),
        ("answer_within = \"2d\"\n", ""),
        ("speed = 1.0", "speed = 0"),
        ("deferred_share = 0.5", "deferred_share = 1.5"),
    ]);
    let stderr = refused(&text, &["has 6 problems:"]);
    let found = reported(&stderr);
    let paths: BTreeSet<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
    let expected = [
        "channels.inbox",
        "channels.desk.counters",
        "topics.protection.channels",
        "pools.front.serves[0]",
        "pools.front.speed",
        "pools.back.deferred_share",
    ];
    for p in expected {
        assert!(paths.contains(p), "missing {p} in\n{stderr}");
    }
    assert!(paths.len() >= 4, "{stderr}");
    let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
    assert!(lines.is_sorted(), "not in file order:\n{stderr}");

    // `run` refuses the same file the same way and writes nothing.
    let dir = tempdir();
    let p = write_scenario(dir.path(), &text);
    let out = dir.path().join("out");
    surgesim()
        .arg("run")
        .arg(&p)
        .args(["-n", "1", "-q", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has 6 problems:"))
        .stderr(predicate::str::contains("panicked").not());
    assert!(!out.join("summary.csv").exists());
}

#[test]
fn an_unserved_language_is_a_warning_not_an_error() {
    // Without the interpreter nobody answers Ukrainian e-mail: the back
    // office (the only pool on the inbox) speaks Dutch only.
    let text = mutate(&[(
        "[interpreters.remote]\nlanguages = [\"uk\"]\ncapacity = 2\nextra = \"4m\"\nhours = { weekdays = \"08:00-17:00\" }\n",
        "",
    )]);
    let dir = tempdir();
    let p = write_scenario(dir.path(), &text);
    let out = surgesim().arg("check").arg(&p).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let warnings: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    for topic in ["permits", "protection"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(&format!("topic `{topic}`"))
                    && w.contains("language `uk`")
                    && w.contains("channel `inbox`")),
            "no warning for {topic} in uk on the inbox in\n{stdout}"
        );
    }
    // The phone and the desk are still served in Ukrainian (front speaks it).
    assert!(
        !warnings
            .iter()
            .any(|w| w.contains("channel `hotline`") || w.contains("channel `desk`")),
        "{stdout}"
    );
}

#[test]
fn a_switch_to_a_channel_without_a_handle_time_is_refused() {
    // `permits` no longer goes to the hotline by itself, but visitors turned
    // away at the desk switch to it.
    let text = mutate(&[
        (
            r#"handle.hotline = { dist = "exponential", mean = "6m" }"#,
            "",
        ),
        (
            "channels = { hotline = 0.5, inbox = 0.3, desk = 0.2 }",
            "channels = { inbox = 0.6, desk = 0.4 }",
        ),
    ]);
    refused(
        &text,
        &[
            &at(
                &text,
                r#"handle.inbox = { dist = "lognormal", mean = "10m""#,
                "topics.permits.handle",
            ),
            "no handle time for channel `hotline`",
            "channels.desk.switch",
            "add handle.hotline",
        ],
    );
}

/// Checks that `action` (the keys of one valid `[[actions]]` entry, one a
/// line, added to `base`) is accepted, and that leaving out any one of the
/// `required` keys (key, path of the problem, message, example) is refused
/// with one problem at that path on the action's line, saying what is
/// missing, with a hint that says what the kind needs and gives an example.
fn refuses_each_missing_key(
    base: &str,
    action: &str,
    required: &[(&str, &str, &str, &str)],
    needs: &str,
) {
    let entry = |lines: &str| format!("{base}\n[[actions]]\nid = \"a\"\nat = 2022-03-08\n{lines}");
    let dir = tempdir();
    let valid = write_scenario(dir.path(), &entry(action));
    surgesim().arg("check").arg(&valid).assert().success();
    for (key, path, missing, example) in required {
        let kept: String = action
            .lines()
            .filter(|l| !l.starts_with(&format!("{key} =")))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(kept.len(), action.len(), "`{key}` is not in the action");
        let text = entry(&kept);
        refused(
            &text,
            &[
                "has 1 problem:",
                &at(&text, "[[actions]]", path),
                missing,
                &format!("{needs}; e.g. {example}"),
            ],
        );
    }
}

#[test]
fn a_hire_without_pool_or_count_is_refused() {
    refuses_each_missing_key(
        BASE,
        "kind = \"hire\"\npool = \"front\"\ncount = 3\n",
        &[
            (
                "pool",
                "actions[0].pool",
                "missing `pool`: the pool the hires join",
                "pool = \"back\"",
            ),
            (
                "count",
                "actions[0].count",
                "missing `count`: how many are hired",
                "count = 10",
            ),
        ],
        "a `hire` action needs `pool` and `count`",
    );
}

#[test]
fn a_redeploy_without_from_to_or_count_is_refused() {
    refuses_each_missing_key(
        BASE,
        "kind = \"redeploy\"\nfrom = \"back\"\nto = \"front\"\ncount = 1\n",
        &[
            (
                "from",
                "actions[0].from",
                "missing `from`",
                "from = \"back\"",
            ),
            ("to", "actions[0].to", "missing `to`", "to = \"front\""),
            (
                "count",
                "actions[0]",
                "missing `count` or `share`: how many move",
                "count = 5, or share = 0.25",
            ),
        ],
        "a `redeploy` action needs `from`, `to`, and `count` or `share`",
    );
}

#[test]
fn an_hours_action_without_hours_or_whose_hours_is_refused() {
    refuses_each_missing_key(
        BASE,
        "kind = \"hours\"\nchannel = \"hotline\"\nhours = { weekdays = \"08:00-18:00\" }\n",
        &[
            (
                "hours",
                "actions[0].hours",
                "missing `hours`: the new hours",
                "hours = { weekdays =",
            ),
            (
                "channel",
                "actions[0]",
                "missing `channel` or `pool`",
                "channel = \"desk\" (its opening hours) or pool = \"back\" (its roster)",
            ),
        ],
        "an `hours` action needs `hours`, and `channel` or `pool`",
    );
}

#[test]
fn a_lines_action_without_channel_or_lines_is_refused() {
    // The example names a phone channel (the first channel is the desk).
    refuses_each_missing_key(
        BASE,
        "kind = \"lines\"\nchannel = \"hotline\"\nlines = 30\n",
        &[
            (
                "channel",
                "actions[0].channel",
                "missing `channel`: which phone channel",
                "channel = \"hotline\"",
            ),
            ("lines", "actions[0].lines", "missing `lines`", "lines = 60"),
        ],
        "a `lines` action needs `channel` and `lines`",
    );
}

#[test]
fn a_counters_action_without_channel_or_counters_is_refused() {
    refuses_each_missing_key(
        BASE,
        "kind = \"counters\"\nchannel = \"desk\"\ncounters = 6\n",
        &[
            (
                "channel",
                "actions[0].channel",
                "missing `channel`: which desk channel",
                "channel = \"desk\"",
            ),
            (
                "counters",
                "actions[0].counters",
                "missing `counters`",
                "counters = 30",
            ),
        ],
        "a `counters` action needs `channel` and `counters`",
    );
}

#[test]
fn a_deflect_action_without_topic_or_share_is_refused() {
    refuses_each_missing_key(
        BASE,
        "kind = \"deflect\"\ntopic = \"permits\"\ndeflect = 0.2\n",
        &[
            (
                "topic",
                "actions[0].topic",
                "missing `topic`",
                "topic = \"permits\"",
            ),
            (
                "deflect",
                "actions[0].deflect",
                "missing `deflect`",
                "deflect = 0.3",
            ),
        ],
        "a `deflect` action needs `topic` and `deflect`",
    );
}

#[test]
fn a_model_answers_action_without_topic_or_factor_is_refused() {
    refuses_each_missing_key(
        BASE,
        "kind = \"model_answers\"\ntopic = \"permits\"\nfactor = 0.8\n",
        &[
            (
                "topic",
                "actions[0].topic",
                "missing `topic`",
                "topic = \"permits\"",
            ),
            (
                "factor",
                "actions[0].factor",
                "missing `factor`: the handle-time multiplier",
                "factor = 0.7",
            ),
        ],
        "a `model_answers` action needs `topic` and `factor`",
    );
}

#[test]
fn an_open_channel_action_without_channel_topic_or_takes_is_refused() {
    refuses_each_missing_key(
        BASE,
        "kind = \"open_channel\"\nchannel = \"inbox\"\ntopic = \"permits\"\ntakes = 0.5\n",
        &[
            (
                "channel",
                "actions[0].channel",
                "missing `channel`: the channel that opens",
                "channel = \"desk\"",
            ),
            (
                "topic",
                "actions[0].topic",
                "missing `topic`",
                "topic = \"permits\"",
            ),
            (
                "takes",
                "actions[0].takes",
                "missing `takes`",
                "takes = 0.6",
            ),
        ],
        "an `open_channel` action needs `channel`, `topic` and `takes`",
    );
}

#[test]
fn a_support_action_without_pool_or_damping_is_refused() {
    let base = mutate(&[(
        "cost_per_hour = 30.0\n",
        "cost_per_hour = 30.0\nwellbeing = { occupancy_over = 0.9, absence_up = 0.05, attrition_per_month = 0.03 }\n",
    )]);
    refuses_each_missing_key(
        &base,
        "kind = \"support\"\npool = \"front\"\ndamping = 0.5\n",
        &[
            (
                "pool",
                "actions[0].pool",
                "missing `pool`: which pool's staff",
                "pool = \"back\"",
            ),
            (
                "damping",
                "actions[0].damping",
                "missing `damping`",
                "damping = 0.5",
            ),
        ],
        "a `support` action needs `pool` and `damping`",
    );
}

#[test]
fn a_callbacks_action_without_channel_accept_or_within_is_refused() {
    refuses_each_missing_key(
        BASE,
        "kind = \"callbacks\"\nchannel = \"hotline\"\naccept = 0.5\nwithin = \"4h\"\n",
        &[
            (
                "channel",
                "actions[0].channel",
                "missing `channel`: which phone channel",
                "channel = \"hotline\"",
            ),
            (
                "accept",
                "actions[0].accept",
                "missing `accept`",
                "accept = 0.6",
            ),
            (
                "within",
                "actions[0].within",
                "missing `within`: the promised time to call back",
                "within = \"4h\"",
            ),
        ],
        "a `callbacks` action needs `channel`, `accept` and `within`",
    );
}

#[test]
fn a_bad_value_for_either_of_two_keys_is_not_also_reported_missing() {
    // `pool = 3` is refused for its type; that the hours action then has
    // neither `channel` nor `pool` follows from it and is left out.
    let text = format!(
        "{BASE}\n[[actions]]\nid = \"a\"\nat = 2022-03-08\nkind = \"hours\"\npool = 3\nhours = {{ weekdays = \"08:00-18:00\" }}\n"
    );
    let stderr = refused(
        &text,
        &["has 1 problem:", &at(&text, "pool = 3", "actions[0].pool")],
    );
    assert!(!stderr.contains("missing"), "{stderr}");
}

#[test]
fn channel_hours_that_open_on_no_day_are_refused() {
    // `{}` used to be read as a line that is never open ("open -0.0 h"),
    // with an expected volume it could never receive.
    for hours in [
        "hours = {}",
        "hours = { daily = \"closed\" }",
        "hours = { weekdays = \"closed\", weekend = [] }",
    ] {
        let text = mutate(&[("hours = { weekdays = \"09:00-16:00\" }", hours)]);
        refused(
            &text,
            &[
                "has 1 problem:",
                &at(&text, hours, "channels.hotline.hours"),
                "opens on no day",
                "e.g. hours = { weekdays = \"08:00-16:00\" }, or leave `hours` out for always open",
            ],
        );
    }
}

#[test]
fn a_roster_on_duty_on_no_day_is_refused() {
    let text = mutate(&[("hours = { weekdays = \"08:45-16:15\" }", "hours = {}")]);
    refused(
        &text,
        &[
            "has 1 problem:",
            &at(&text, "hours = {}", "pools.front.hours"),
            "is on duty on no day",
            "or leave `hours` out for on duty around the clock",
        ],
    );
    // The roster of hires.
    let text = format!(
        "{BASE}\n[[actions]]\nid = \"a\"\nat = 2022-03-08\nkind = \"hire\"\npool = \"front\"\ncount = 2\nhours = {{ daily = \"closed\" }}\n"
    );
    refused(
        &text,
        &[
            "has 1 problem:",
            &at(&text, "hours = { daily", "actions[0].hours"),
            "is on duty on no day",
            "or leave `hours` out for the pool's roster",
        ],
    );
}

#[test]
fn business_and_interpreter_hours_that_open_on_no_day_are_refused() {
    let text = mutate(&[(
        "business_hours = { weekdays = \"08:00-16:00\" }",
        "business_hours = {}",
    )]);
    refused(
        &text,
        &[
            "has 1 problem:",
            &at(
                &text,
                "business_hours = {}",
                "channels.inbox.business_hours",
            ),
            "opens on no day",
            "or clock = \"calendar\"",
        ],
    );
    let text = mutate(&[("hours = { weekdays = \"08:00-17:00\" }", "hours = {}")]);
    refused(
        &text,
        &[
            "has 1 problem:",
            &at(&text, "hours = {}", "interpreters.remote.hours"),
            "opens on no day",
            "or leave `hours` out for always available",
        ],
    );
}

#[test]
fn hours_that_do_not_parse_are_not_also_reported_as_never_open() {
    let text = mutate(&[(
        "hours = { weekdays = \"09:00-16:00\" }",
        "hours = { weekdays = \"9-4\" }",
    )]);
    let stderr = refused(
        &text,
        &[
            "has 1 problem:",
            &at(&text, "\"9-4\"", "channels.hotline.hours.weekdays"),
        ],
    );
    assert!(!stderr.contains("no day"), "{stderr}");
}
