//! Issue 12, "accepted but wrong" and "errors people can act on": inputs
//! that serde would have taken field by field, dates that lost their time,
//! values outside any sensible range and units in the wrong case are all
//! refused with the key, the line, a caret under the value and what would
//! be valid. Each test here failed before the fix.

use super::util::tempdir;
use super::validation::{BASE, at, line_of, mutate, refused, surgesim, write_scenario};

#[test]
fn arrays_are_refused_where_a_table_is_expected() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            r#"hours = { weekdays = "09:00-16:00" }"#,
            r#"hours = ["09:00-16:00"]"#,
            "channels.hotline.hours",
            "hours = {",
        ),
        (
            r#"patience = { dist = "exponential", mean = "2m" }"#,
            r#"patience = ["exponential", "2m"]"#,
            "channels.hotline.patience",
            "patience = { dist",
        ),
        (
            r#"handle.desk = { dist = "exponential", mean = "12m" }"#,
            r#"handle.desk = ["exponential", "12m"]"#,
            "topics.permits.handle.desk",
            "patience = { dist",
        ),
        (
            r#"redial = { after_busy = 0.5, after_abandon = 0.3, delay = { dist = "exponential", mean = "30m" }, max_attempts = 3 }"#,
            r#"redial = [0.5, 0.3]"#,
            "channels.hotline.redial",
            "redial = {",
        ),
        (
            r#"breaks = [{ from = "12:00", to = "13:00", share = 0.5 }]"#,
            r#"breaks = [["12:00", "13:00", 0.5]]"#,
            "pools.front.breaks[0]",
            "[[pools.team.breaks]]",
        ),
        (
            "per_day = 120\n",
            "per_day = 120\nweekday_factors = [1.2, 1.1]\n",
            "demand[0].weekday_factors",
            "weekday_factors = {",
        ),
        (
            "per_day = 120\n",
            "per_day = 120\nsurges = [[\"step\", 2022-03-08]]\n",
            "demand[0].surges[0]",
            "[[demand.surges]]",
        ),
    ];
    for (from, to, path, example) in cases {
        let text = mutate(&[(from, to)]);
        let needle = to.lines().last().unwrap();
        let stderr = refused(
            &text,
            &[
                &at(&text, needle, path),
                "expected a table, found an array",
                example,
                "has 1 problem:",
            ],
        );
        assert!(
            stderr.contains("^^^"),
            "no caret under the value:\n{stderr}"
        );
    }
}

#[test]
fn an_action_trigger_must_be_a_table() {
    let text = format!(
        "{BASE}\n[[actions]]\nid = \"more\"\nkind = \"lines\"\nchannel = \"hotline\"\nlines = 30\nwhen = [\"service_level\", \"hotline\", 0.5]\n"
    );
    refused(
        &text,
        &[
            &at(&text, "when = [", "actions[0].when"),
            "expected a table, found an array",
            "when = { metric",
        ],
    );
}

#[test]
fn a_date_is_exactly_a_date() {
    let text = mutate(&[(
        "start = 2022-03-07",
        r#"start = { anything = "2022-03-07" }"#,
    )]);
    refused(
        &text,
        &[
            &at(&text, "start = {", "scenario.start"),
            "expected a date YYYY-MM-DD, found a table",
        ],
    );
    for written in [
        "2022-03-07T23:59:00-05:00",
        "2022-03-07T08:00:00",
        "2022-03-07 08:00",
    ] {
        let text = mutate(&[("start = 2022-03-07", &format!("start = {written}"))]);
        refused(
            &text,
            &[
                &at(&text, "start = 2022", "scenario.start"),
                "has a time of day; this key takes a date only",
            ],
        );
    }
    // A date as a string stays valid.
    let text = mutate(&[("start = 2022-03-07", r#"start = "2022-03-07""#)]);
    let dir = tempdir();
    let p = write_scenario(dir.path(), &text);
    surgesim().arg("check").arg(&p).assert().success();
}

#[test]
fn counts_durations_and_money_have_a_range() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "headcount = 6",
            "headcount = 4294967295",
            "pools.front.headcount",
            "more than the largest count accepted (100000)",
        ),
        (
            "lines = 20",
            "lines = 2.5",
            "channels.hotline.lines",
            "a count is a whole number from 0 to 100000",
        ),
        (
            "cost_per_hour = 30.0",
            "cost_per_hour = 1e305",
            "pools.front.cost_per_hour",
            "1e305 is outside the range of a cost",
        ),
        (
            r#"mean = "2m""#,
            r#"mean = "99999999999999999999d""#,
            "channels.hotline.patience.mean",
            "longer than the longest duration accepted, 3660 days",
        ),
        (
            "absence = 0.1",
            "absence = nan",
            "pools.front.absence",
            "`nan` is not a number a scenario can use",
        ),
        (
            "speed = 1.0",
            "speed = inf",
            "pools.front.speed",
            "`inf` is not a number a scenario can use",
        ),
    ];
    for (from, to, path, message) in cases {
        let text = mutate(&[(from, to)]);
        refused(&text, &[&at(&text, to, path), message]);
    }
}

#[test]
fn units_are_case_sensitive() {
    let text = mutate(&[(r#"mean = "2m""#, r#"mean = "6M""#)]);
    refused(
        &text,
        &[
            &at(&text, r#"mean = "6M""#, "channels.hotline.patience.mean"),
            "units are case-sensitive: did you mean `m` (minutes)?",
        ],
    );
}

#[test]
fn a_misspelt_key_is_reported_without_its_consequences() {
    let text = mutate(&[("headcount = 6", "headcont = 6")]);
    let stderr = refused(
        &text,
        &[
            &at(&text, "headcont = 6", "pools.front.headcont"),
            "did you mean `headcount`?",
            "has 1 problem:",
        ],
    );
    assert!(!stderr.contains("no pool serves"), "{stderr}");
}

#[test]
fn syntax_problems_name_the_key_and_the_line() {
    let text = mutate(&[("days = 3", "days = 3\ndays = 4")]);
    refused(
        &text,
        &["scenario.toml:6: TOML syntax error: duplicate key `days`"],
    );
    let deep = format!("{BASE}\nx = {}{}\n", "[".repeat(300), "]".repeat(300));
    let stderr = refused(&deep, &["scenario.toml:", "recursion"]);
    assert!(
        stderr.contains(&format!("scenario.toml:{}:", BASE.lines().count() + 2)),
        "{stderr}"
    );
}

#[test]
fn a_file_that_is_not_utf8_names_the_line() {
    let dir = tempdir();
    let p = dir.path().join("scenario.toml");
    let mut bytes = BASE.as_bytes().to_vec();
    let at = BASE.find("validation base").unwrap();
    bytes[at] = 0xff;
    std::fs::write(&p, bytes).unwrap();
    surgesim()
        .arg("check")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("scenario.toml:3:"))
        .stderr(predicates::str::contains(
            "not UTF-8 text: an invalid byte at line 3, column 9",
        ));
}

#[test]
fn a_device_or_a_folder_is_not_a_scenario() {
    surgesim()
        .args(["check", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("larger than 8 MiB"));
    let dir = tempdir();
    surgesim()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is a folder, not a file"));
}

#[test]
fn a_table_is_read_with_a_size_cap() {
    let dir = tempdir();
    let text = mutate(&[(
        "per_day = 120\n",
        "per_day = 120\nsurges = [{ shape = \"table\", file = \"/dev/zero\" }]\n",
    )]);
    let p = write_scenario(dir.path(), &text);
    surgesim()
        .arg("check")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("larger than 64 MiB"));
}

#[test]
fn no_hint_lists_nothing() {
    // No plans are defined: the hint says so instead of "valid here:".
    let text = format!(
        "{BASE}\n[[actions]]\nid = \"more\"\nkind = \"lines\"\nplan = \"surge\"\nchannel = \"hotline\"\nlines = 30\nat = 2022-03-08\n"
    );
    let stderr = refused(&text, &["unknown plan `surge`"]);
    assert!(!stderr.contains("valid here: \n"), "{stderr}");
    for line in stderr.lines() {
        assert!(line.trim_end() != "valid here:", "{stderr}");
    }
}

/// `surgesim check` on `text`: exit 0, and the warnings it prints.
fn warnings(text: &str) -> String {
    let dir = tempdir();
    let p = write_scenario(dir.path(), text);
    let out = surgesim().arg("check").arg(&p).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    stdout
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn silent_traps_are_warned_about_with_their_line() {
    assert_eq!(warnings(BASE), "", "the base scenario has no traps");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            mutate(&[(
                "per_day = 120\n",
                "per_day = 120\nsurges = [{ shape = \"step\", start = 2023-01-01, peak_per_day = 50 }]\n",
            )]),
            "demand[0].surges[0] (line {}): this surge lies wholly outside the horizon",
            "surges = [{ shape = \"step\"",
        ),
        (
            mutate(&[("hours = { weekdays = \"08:45-16:15\" }\n", "")]),
            "pools.front (line {}): this pool has no `hours`, so its staff are on duty (and paid) 168 hours a week, while channels `desk` and `hotline`",
            "[pools.front]",
        ),
        (
            mutate(&[(
                "hours = { weekdays = \"09:00-16:00\" }",
                "hours = { sat = \"09:00-16:00\" }",
            )]),
            "demand[0] (line {}): channel `hotline` is never open in the horizon",
            "[[demand]]",
        ),
        (
            format!(
                "{BASE}\n[[actions]]\nid = \"late\"\nkind = \"lines\"\nchannel = \"hotline\"\nlines = 30\nat = 2022-04-01\n"
            ),
            "actions[0].at (line {}): action `late` is decided after the horizon ends (2022-03-10): it never fires",
            "at = 2022-04-01",
        ),
        (
            format!(
                "{BASE}\n[[actions]]\nid = \"slow\"\nkind = \"lines\"\nchannel = \"hotline\"\nlines = 30\nat = 2022-03-08\ndelay = \"5d\"\n"
            ),
            "actions[0].delay (line {}): action `slow` takes effect only after the horizon ends",
            "delay = \"5d\"",
        ),
        (
            format!(
                "{BASE}\n[[actions]]\nid = \"temps\"\nkind = \"hire\"\npool = \"front\"\ncount = 2\nat = 2022-03-07\nlead_time = \"1d\"\ntraining = \"3d\"\n"
            ),
            "actions[0].lead_time (line {}): the hires of action `temps` would start work on 2022-03-11, after the horizon ends (2022-03-10); they arrive on 2022-03-08 and train until the horizon ends, so they cost money and answer nothing",
            "lead_time = \"1d\"",
        ),
        (
            format!(
                "{BASE}\n[[actions]]\nid = \"wrong\"\nkind = \"lines\"\nchannel = \"hotline\"\nlines = 30\nwhen = {{ metric = \"backlog\", channel = \"inbox\", above = 100 }}\n"
            ),
            "actions[0].when (line {}): action `wrong` is triggered by channel `inbox`, which it does not change",
            "when = {",
        ),
        (
            format!(
                "{BASE}\n[[actions]]\nid = \"cb\"\nkind = \"callbacks\"\nchannel = \"hotline\"\nat = 2022-03-07\noffer_over = \"5m\"\naccept = 0.5\nwithin = \"4h\"\n"
            ),
            "actions[0].within (line {}): callbacks are promised within 4 h, but channel `hotline` is closed for up to 17 h at a time (from Mon 2022-03-07 16:00)",
            "within = \"4h\"",
        ),
    ];
    for (text, expected, needle) in cases {
        let expected = expected.replace("{}", &line_of(&text, needle).to_string());
        let w = warnings(&text);
        assert!(w.contains(&expected), "expected {expected:?} in\n{w}");
    }
}

#[test]
fn an_action_is_decided_at_its_time_of_day() {
    let action = |at: &str| {
        format!(
            "{BASE}\n[[actions]]\nid = \"more\"\nkind = \"lines\"\nchannel = \"hotline\"\nlines = 30\nat = {at}\nuntil = 2022-03-09T12:30:00\n"
        )
    };
    let dir = tempdir();
    let p = write_scenario(dir.path(), &action("2022-03-08T14:00:00"));
    surgesim()
        .arg("check")
        .arg(&p)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "more: 30 lines on hotline; decided on 2022-03-08 14:00, effect after 0 s; undone on 2022-03-09 12:30",
        ));
    let p = write_scenario(dir.path(), &action("2022-03-08"));
    surgesim()
        .arg("check")
        .arg(&p)
        .assert()
        .success()
        .stdout(predicates::str::contains("decided on 2022-03-08, effect"));
    let text = action("2022-03-08T14:00:00+01:00");
    refused(
        &text,
        &[
            &at(&text, "at = 2022-03-08T14", "actions[0].at"),
            "has a UTC offset; the scenario runs on the agency's local clock",
        ],
    );
}

#[test]
fn a_variant_needs_a_name() {
    let text = format!("{BASE}\n[variants.\"\"]\npools.front.headcount = 7\n");
    refused(
        &text,
        &[
            &at(&text, "[variants.\"\"]", "variants.\"\""),
            "a variant's name is not empty",
        ],
    );
}
