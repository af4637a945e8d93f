//! Scripted events (`[[injects]]`, issue 14): each kind changes what it
//! says and nothing else (common random numbers: the same callers before
//! the event and on the other channel), does what it says (an outage
//! blocks every call, sick leave removes its share of the staff, a rule
//! lengthens calls by its factor, a spike and a wave bring their expected
//! contacts), and a mistake in an inject is refused with the key, the line
//! and what would be valid.

use surgesim::engine::{RepOutcome, simulate};
use surgesim::model::Model;

use super::util::{model_from_text, tempdir};
use super::validation::{line_of, surgesim, write_scenario};

/// Two phone lines, each with its own topic and its own pool, no
/// redials, no switching: whatever happens on one cannot reach the other.
const TWO_LINES: &str = r#"
[scenario]
name = "two separate lines"
start = 2022-03-07
days = 14
interval = "1h"
seed = 14
replications = 1

[channels.line_a]
kind = "phone"
hours = { daily = "08:00-16:00" }
lines = 30
patience = { dist = "exponential", mean = "5m" }

[channels.line_b]
kind = "phone"
hours = { daily = "08:00-16:00" }
lines = 30
patience = { dist = "exponential", mean = "5m" }

[topics.a]
handle.line_a = { dist = "exponential", mean = "4m" }

[topics.b]
handle.line_b = { dist = "exponential", mean = "4m" }

[[demand]]
topic = "a"
channel = "line_a"
per_day = 600

[[demand]]
topic = "b"
channel = "line_b"
per_day = 600

[[newcomers]]
per_day = 20
contacts = [{ topic = "a", channel = "line_a", per_person = 1.5, delay = { dist = "exponential", mean = "1h" } }]

[pools.team_a]
headcount = 10
serves = ["line_a"]
hours = { daily = "08:00-16:00" }

[pools.team_b]
headcount = 10
serves = ["line_b"]
hours = { daily = "08:00-16:00" }
"#;

/// Day 3 (Thursday 10 March) at noon: interval 84 of the hourly grid.
const AT: &str = "2022-03-10T12:00:00";
const AT_INTERVAL: usize = 3 * 24 + 12;

fn with(inject: &str) -> Model {
    model_from_text(&format!("{TWO_LINES}\n[[injects]]\n{inject}\n"))
}

/// The sums of a channel's counts over intervals `from..to` of a run.
fn counts(
    out: &RepOutcome,
    m: &Model,
    c: usize,
    from: usize,
    to: usize,
) -> surgesim::engine::Counts {
    let nc = m.channels.len();
    let mut k = surgesim::engine::Counts::default();
    for i in from..to {
        k.add(&out.channel_intervals[i * nc + c].counts);
    }
    k
}

fn channel(m: &Model, name: &str) -> usize {
    m.channels.iter().position(|c| c.name == name).unwrap()
}

fn pool(m: &Model, name: &str) -> usize {
    m.pools.iter().position(|p| p.name == name).unwrap()
}

#[test]
fn each_inject_changes_its_channel_after_it_happens_and_nothing_else() {
    let base = model_from_text(TWO_LINES);
    let cases = [
        format!(
            "id = \"tv\"\nkind = \"spike\"\nnews = \"n\"\nat = {AT}\ntopic = \"a\"\nchannel = \"line_a\"\ncontacts = 800"
        ),
        format!("id = \"wave\"\nkind = \"wave\"\nnews = \"n\"\nat = {AT}\npeople = 300"),
        format!(
            "id = \"down\"\nkind = \"outage\"\nnews = \"n\"\nat = {AT}\nchannel = \"line_a\"\nduration = \"2h\""
        ),
        format!(
            "id = \"flu\"\nkind = \"sick_leave\"\nnews = \"n\"\nat = {AT}\npool = \"team_a\"\nshare = 0.4\nduration = \"3d\""
        ),
        format!(
            "id = \"rule\"\nkind = \"rule\"\nnews = \"n\"\nat = {AT}\ntopic = \"a\"\nfactor = 1.5"
        ),
    ];
    let (a, b) = (channel(&base, "line_a"), channel(&base, "line_b"));
    let pb = pool(&base, "team_b");
    let pa = pool(&base, "team_a");
    let (nc, np) = (base.channels.len(), base.pools.len());
    for inject in &cases {
        let m = with(inject);
        // A wave's newcomers are counted by whole days (as every
        // [[newcomers]] entry): those of the day of `at` are spread over
        // that day. Everything else starts at `at`.
        let from = if inject.contains("\"wave\"") {
            3 * 24
        } else {
            AT_INTERVAL
        };
        assert_eq!(m.injects.len(), 1, "{inject}");
        for rep in 0..3 {
            let (x, y) = (simulate(&base, rep), simulate(&m, rep));
            for i in 0..base.n_intervals {
                let (xb, yb) = (
                    format!("{:?}", x.channel_intervals[i * nc + b]),
                    format!("{:?}", y.channel_intervals[i * nc + b]),
                );
                assert_eq!(xb, yb, "{inject}: line_b differs in interval {i}");
                let (xp, yp) = (
                    format!("{:?}", x.pool_intervals[i * np + pb]),
                    format!("{:?}", y.pool_intervals[i * np + pb]),
                );
                assert_eq!(xp, yp, "{inject}: team_b differs in interval {i}");
                if i < from {
                    assert_eq!(
                        format!("{:?}", x.channel_intervals[i * nc + a]),
                        format!("{:?}", y.channel_intervals[i * nc + a]),
                        "{inject}: line_a differs in interval {i}, before the inject"
                    );
                    assert_eq!(
                        format!("{:?}", x.pool_intervals[i * np + pa]),
                        format!("{:?}", y.pool_intervals[i * np + pa]),
                        "{inject}: team_a differs in interval {i}, before the inject"
                    );
                }
            }
            let after = |o: &RepOutcome| {
                format!(
                    "{:?}",
                    &o.channel_intervals[AT_INTERVAL * nc..]
                        .iter()
                        .skip(a)
                        .step_by(nc)
                        .collect::<Vec<_>>()
                )
            };
            assert_ne!(
                after(&x),
                after(&y),
                "{inject}: line_a unchanged after the inject"
            );
        }
    }
}

#[test]
fn an_outage_blocks_every_call_while_it_lasts_then_service_resumes() {
    let m = with(&format!(
        "id = \"down\"\nkind = \"outage\"\nnews = \"The exchange is down\"\nat = {AT}\nchannel = \"line_a\"\nduration = \"2h\"\nlines = 0"
    ));
    let a = channel(&m, "line_a");
    for rep in 0..5 {
        let out = simulate(&m, rep);
        let during = counts(&out, &m, a, AT_INTERVAL, AT_INTERVAL + 2);
        assert!(during.offered > 50.0, "{during:?}");
        assert_eq!(
            during.answered, 0.0,
            "answered during the outage: {during:?}"
        );
        assert_eq!(during.blocked, during.offered, "{during:?}");
        let next = counts(&out, &m, a, AT_INTERVAL + 2, AT_INTERVAL + 4);
        assert_eq!(next.blocked, 0.0, "blocked after the outage: {next:?}");
        assert!(next.answered > 0.8 * next.offered, "{next:?}");
        // The outage is fired and undone once.
        let fired: Vec<bool> = out.firings.iter().map(|f| f.release).collect();
        assert_eq!(fired, [false, true]);
    }
    assert!(
        m.actions[0]
            .describe(&m)
            .starts_with("inject (outage): 0 lines")
    );
}

#[test]
fn an_outage_gives_back_the_lines_an_action_set_meanwhile() {
    // An action cuts line_a to one line during the outage: after the
    // outage the line has that one, not the scenario's 30, and the action
    // does not end the outage early.
    let text = format!(
        "{}\n[[actions]]\nid = \"more_lines\"\nkind = \"lines\"\nchannel = \"line_a\"\nlines = 1\nat = 2022-03-10T13:00:00\n\n[[injects]]\nid = \"down\"\nkind = \"outage\"\nnews = \"n\"\nat = {AT}\nchannel = \"line_a\"\nduration = \"2h\"\n",
        TWO_LINES
    );
    let m = model_from_text(&text);
    let a = channel(&m, "line_a");
    let out = simulate(&m, 0);
    // With one line most calls are blocked after the outage too.
    let next = counts(&out, &m, a, AT_INTERVAL + 2, AT_INTERVAL + 4);
    assert!(next.blocked > 0.3 * next.offered, "{next:?}");
    let during = counts(&out, &m, a, AT_INTERVAL + 1, AT_INTERVAL + 2);
    assert_eq!(
        during.answered, 0.0,
        "the action ended the outage early: {during:?}"
    );
}

#[test]
fn sick_leave_takes_its_share_of_the_staff_off_duty() {
    // Monday 14 March for five days; staff on duty between 10:00 and
    // 15:00 (no roster change) against the first five days.
    let m = with(
        "id = \"flu\"\nkind = \"sick_leave\"\nnews = \"n\"\nat = 2022-03-14\npool = \"team_a\"\nshare = 0.3\nduration = \"5d\"",
    );
    let p = pool(&m, "team_a");
    let np = m.pools.len();
    let reps = 60;
    let on_duty = |out: &RepOutcome, first_day: usize| -> f64 {
        (first_day..first_day + 5)
            .flat_map(|d| (10..15).map(move |h| d * 24 + h))
            .map(|i| out.pool_intervals[i * np + p].on_duty_area)
            .sum::<f64>()
    };
    let (mut before, mut during) = (0.0, 0.0);
    for rep in 0..reps {
        let out = simulate(&m, rep);
        before += on_duty(&out, 0);
        during += on_duty(&out, 7);
    }
    let ratio = during / before;
    // 10 staff, each present with probability 0.7 on each of 5 × reps days:
    // the mean present has sd sqrt(10 × 0.7 × 0.3 / (5 reps)) of 10.
    let sd = (10.0f64 * 0.7 * 0.3 / (5.0 * reps as f64)).sqrt() / 10.0;
    assert!(
        (ratio - 0.7).abs() < 3.3 * sd,
        "on duty during sick leave / before = {ratio:.4}, expected 0.7 ± {:.4}",
        3.3 * sd
    );
    // Back to everyone afterwards.
    let out = simulate(&m, 0);
    let hour = 13 * 24 + 12;
    assert_eq!(
        out.pool_intervals[hour * np + p].on_duty_area,
        10.0 * 3600.0
    );
}

#[test]
fn sick_leave_adds_to_the_pools_own_absence() {
    // Base absence 0.2 plus 0.5 sick: 30 % present.
    let text = TWO_LINES.replacen(
        "serves = [\"line_a\"]",
        "serves = [\"line_a\"]\nabsence = 0.2",
        1,
    );
    let m = model_from_text(&format!(
        "{text}\n[[injects]]\nid = \"flu\"\nkind = \"sick_leave\"\nnews = \"n\"\nat = 2022-03-07\npool = \"team_a\"\nshare = 0.5\nduration = \"14d\"\n"
    ));
    let p = pool(&m, "team_a");
    let np = m.pools.len();
    let reps = 30;
    let mut area = 0.0;
    for rep in 0..reps {
        let out = simulate(&m, rep);
        area += (0..14)
            .flat_map(|d| (10..15).map(move |h| d * 24 + h))
            .map(|i| out.pool_intervals[i * np + p].on_duty_area)
            .sum::<f64>();
    }
    let mean = area / (reps as f64 * 14.0 * 5.0 * 3600.0);
    let sd = (10.0f64 * 0.3 * 0.7 / (14.0 * reps as f64)).sqrt();
    assert!(
        (mean - 3.0).abs() < 3.3 * sd,
        "mean on duty {mean:.3}, expected 3 ± {:.3}",
        3.3 * sd
    );
}

#[test]
fn a_rule_lengthens_the_topics_calls_by_its_factor() {
    let base = model_from_text(TWO_LINES);
    let m = with(
        "id = \"rule\"\nkind = \"rule\"\nnews = \"n\"\nat = 2022-03-07\ntopic = \"a\"\nfactor = 1.5",
    );
    let (a, b) = (channel(&m, "line_a"), channel(&m, "line_b"));
    let nc = m.channels.len();
    let per_answered = |model: &Model, c: usize| {
        let (mut busy, mut answered) = (0.0, 0.0);
        for rep in 0..20 {
            let out = simulate(model, rep);
            for i in 0..model.n_intervals {
                busy += out.channel_intervals[i * nc + c].busy_area;
                answered += out.channel_intervals[i * nc + c].counts.answered;
            }
        }
        busy / answered
    };
    let ratio = per_answered(&m, a) / per_answered(&base, a);
    // ~160,000 answered calls a side: the mean of exponential handle times
    // is known to about 0.25 % (1 / sqrt(n)); 2 % is far outside chance.
    assert!(
        (ratio - 1.5).abs() < 0.03,
        "busy per answered call × {ratio:.4}"
    );
    let other = per_answered(&m, b) / per_answered(&base, b);
    assert_eq!(other, 1.0, "line_b changed");
}

/// Mean and sd over `reps` replications of the extra first attempts on
/// `c` that `m` has over `base`.
fn extra_first_attempts(base: &Model, m: &Model, c: usize, reps: u64) -> (f64, f64) {
    let diffs: Vec<f64> = (0..reps)
        .map(|rep| {
            let (x, y) = (simulate(base, rep), simulate(m, rep));
            let n = |o: &RepOutcome| counts(o, base, c, 0, base.n_intervals).first_attempts;
            n(&y) - n(&x)
        })
        .collect();
    let mean = diffs.iter().sum::<f64>() / reps as f64;
    let var = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (reps as f64 - 1.0);
    (mean, var.sqrt())
}

#[test]
fn a_spike_brings_its_contacts() {
    let base = model_from_text(TWO_LINES);
    let m = with(&format!(
        "id = \"tv\"\nkind = \"spike\"\nnews = \"n\"\nat = {AT}\ntopic = \"a\"\nchannel = \"line_a\"\ncontacts = 300\nhalf_life = \"12h\""
    ));
    let a = channel(&m, "line_a");
    // The extra stream comes last and holds the 300 (the tail after the
    // horizon, 2^-21 of them, aside).
    let extra = m.demands.last().unwrap();
    assert_eq!(m.demands.len(), base.demands.len() + 1);
    let expected = extra.expected_between(0.0, m.horizon_s, m.horizon_s);
    assert!((expected - 300.0).abs() < 0.01, "{expected}");
    // Only while line_a is open (the demand entry's spread: its opening
    // hours), none before the news.
    assert_eq!(
        extra.expected_between(0.0, 3.5 * 86_400.0, m.horizon_s),
        0.0
    );
    assert_eq!(
        extra.expected_between(
            3.5 * 86_400.0 + 4.0 * 3600.0,
            4.0 * 86_400.0 + 8.0 * 3600.0,
            m.horizon_s
        ),
        0.0
    );
    let reps = 200;
    let (mean, sd) = extra_first_attempts(&base, &m, a, reps);
    let half = 2.6 * sd / (reps as f64).sqrt();
    assert!(
        (mean - expected).abs() < half,
        "extra first attempts {mean:.1} ± {half:.1}, expected {expected:.1}"
    );
    // Poisson: the variance is the mean.
    assert!(
        (sd * sd / expected - 1.0).abs() < 0.3,
        "variance {} vs {expected}",
        sd * sd
    );
}

#[test]
fn a_wave_brings_its_newcomers_contacts() {
    let base = model_from_text(TWO_LINES);
    let m = with(&format!(
        "id = \"wave\"\nkind = \"wave\"\nnews = \"n\"\nat = {AT}\npeople = 400\nto_peak = \"1d\"\nhalf_life = \"1d\""
    ));
    let a = channel(&m, "line_a");
    // 400 people × 1.5 contacts each; the wave's tail after day 14 is
    // 2^-9.5 of it.
    let extra: f64 = m.demands[base.demands.len()..]
        .iter()
        .map(|d| d.expected_between(0.0, m.horizon_s, m.horizon_s))
        .sum();
    let tail = 400.0 * 1.5 * 0.5f64.powf(9.5)
        / (0.5 + 1.0 / std::f64::consts::LN_2)
        / std::f64::consts::LN_2;
    assert!(
        (extra - (600.0 - tail)).abs() < 3.0,
        "expected extra contacts {extra:.1}, want {:.1}",
        600.0 - tail
    );
    let reps = 200;
    let (mean, sd) = extra_first_attempts(&base, &m, a, reps);
    let half = 2.6 * sd / (reps as f64).sqrt();
    assert!(
        (mean - extra).abs() < half,
        "extra first attempts {mean:.1} ± {half:.1}, expected {extra:.1}"
    );
}

#[test]
fn disabled_injects_and_variants_leave_the_model_as_without() {
    let text = format!(
        "{TWO_LINES}\n[[injects]]\nid = \"down\"\nkind = \"outage\"\nnews = \"n\"\nat = {AT}\nchannel = \"line_a\"\nduration = \"2h\"\n\n[variants.calm]\ninjects.down.enabled = false\n"
    );
    let loaded = surgesim::scenario::parse_str(&text, "t.toml", ".".into()).unwrap();
    let calm = loaded.variant("calm").unwrap();
    let m = surgesim::model::compile_loaded(&calm).unwrap();
    assert!(m.injects.is_empty());
    assert!(m.actions.is_empty());
    let base = model_from_text(TWO_LINES);
    assert_eq!(
        format!("{:?}", simulate(&m, 0)),
        format!("{:?}", simulate(&base, 0))
    );
}

/// `surgesim check` on `text`: exit code 2, and each `(needle, path,
/// words)` reported at the line of `needle` with its path and words.
fn refused_at(text: &str, expect: &[(&str, &str, &str)]) -> String {
    let dir = tempdir();
    let p = write_scenario(dir.path(), text);
    let out = surgesim().arg("check").arg(&p).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(!stderr.contains("panicked"), "a panic:\n{stderr}");
    for (needle, path, words) in expect {
        let at = format!("scenario.toml:{}: {path}:", line_of(text, needle));
        assert!(stderr.contains(&at), "missing {at:?} in\n{stderr}");
        assert!(stderr.contains(words), "missing {words:?} in\n{stderr}");
    }
    stderr
}

const INJECT: &str = r#"
[[injects]]
id = "tv"
kind = "spike"
news = "The minister speaks"
at = 2022-03-10T12:00:00
topic = "a"
channel = "line_a"
contacts = 500
"#;

fn injected(edits: &[(&str, &str)]) -> String {
    let mut inject = INJECT.to_string();
    for (from, to) in edits {
        assert!(inject.contains(from), "`{from}` is not in the inject");
        inject = inject.replacen(from, to, 1);
    }
    format!("{TWO_LINES}{inject}")
}

#[test]
fn a_valid_inject_is_listed_by_check() {
    let dir = tempdir();
    let p = write_scenario(dir.path(), &injected(&[]));
    let out = surgesim().arg("check").arg(&p).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("scripted events (injects):"), "{stdout}");
    assert!(
        stdout.contains("tv (spike) on 2022-03-10 12:00: \"The minister speaks\""),
        "{stdout}"
    );
    assert!(stdout.contains("500 a on line_a"), "{stdout}");
}

#[test]
fn mistakes_in_injects_are_refused_with_key_line_and_what_is_valid() {
    // A typo'd key: the closest valid one.
    let text = injected(&[("contacts = 500", "contacs = 500")]);
    refused_at(
        &text,
        &[("contacs", "injects[0].contacs", "did you mean `contacts`?")],
    );
    // An unknown kind: the kinds there are.
    let text = injected(&[("kind = \"spike\"", "kind = \"spkie\"")]);
    refused_at(
        &text,
        &[("kind = \"spkie\"", "injects[0].kind", "sick_leave")],
    );
    // A missing key a kind needs: at the table's path, with an example.
    let text = injected(&[("contacts = 500\n", "")]);
    refused_at(
        &text,
        &[("[[injects]]", "injects[0].contacts", "contacts = 1500")],
    );
    // Unknown names: the closest one defined.
    let text = injected(&[
        ("topic = \"a\"", "topic = \"aa\""),
        ("channel = \"line_a\"", "channel = \"line_c\""),
    ]);
    refused_at(
        &text,
        &[
            ("topic = \"aa\"", "injects[0].topic", "unknown topic `aa`"),
            (
                "channel = \"line_c\"",
                "injects[0].channel",
                "Valid here: `line_a`, `line_b`",
            ),
        ],
    );
    // A date outside the horizon, with the horizon.
    let text = injected(&[("at = 2022-03-10T12:00:00", "at = 2022-04-10T12:00:00")]);
    refused_at(
        &text,
        &[(
            "at = 2022-04-10",
            "injects[0].at",
            "from 2022-03-07 to 2022-03-20",
        )],
    );
    // A key of another kind.
    let text = injected(&[("contacts = 500", "contacts = 500\nshare = 0.3")]);
    refused_at(
        &text,
        &[(
            "share = 0.3",
            "injects[0].share",
            "does not apply to a `spike` inject",
        )],
    );
    // A duplicate id, and an id an action has.
    let text = format!(
        "{}{}\n[[actions]]\nid = \"tv2\"\nkind = \"lines\"\nchannel = \"line_a\"\nlines = 40\nat = 2022-03-08\n{}",
        injected(&[]),
        INJECT,
        INJECT.replace("id = \"tv\"", "id = \"tv2\"")
    );
    let second = text.match_indices("id = \"tv\"").nth(1).unwrap().0;
    let stderr = refused_at(&text, &[]);
    let line = text[..second].matches('\n').count() + 1;
    assert!(
        stderr.contains(&format!(
            "scenario.toml:{line}: injects[1].id: `tv` is used by an earlier inject"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("injects[2].id: `tv2` is the id of an action"),
        "{stderr}"
    );
}

#[test]
fn mistakes_in_each_kind_are_refused() {
    let sick = "id = \"flu\"\nkind = \"sick_leave\"\nnews = \"n\"\nat = 2022-03-08\npool = \"team_a\"\nshare = 1.2\nduration = \"1w\"\n";
    let text = format!("{TWO_LINES}\n[[injects]]\n{sick}");
    refused_at(
        &text,
        &[("share = 1.2", "injects[0].share", "above 0 and below 1")],
    );
    let text = format!(
        "{TWO_LINES}\n[[injects]]\n{}",
        sick.replace("team_a", "team_c")
            .replace("share = 1.2", "share = 0.2")
    );
    refused_at(
        &text,
        &[(
            "team_c",
            "injects[0].pool",
            "Valid here: `team_a`, `team_b`",
        )],
    );
    let rule =
        "id = \"r\"\nkind = \"rule\"\nnews = \"n\"\nat = 2022-03-08\ntopic = \"a\"\nfactor = 0\n";
    let text = format!("{TWO_LINES}\n[[injects]]\n{rule}");
    refused_at(&text, &[("factor = 0", "injects[0].factor", "multiplier")]);
    let outage = "id = \"o\"\nkind = \"outage\"\nnews = \"n\"\nat = 2022-03-08\nchannel = \"inbox\"\nduration = \"4h\"\n";
    let text = format!("{TWO_LINES}\n[channels.inbox]\nkind = \"email\"\n\n[[injects]]\n{outage}");
    refused_at(
        &text,
        &[(
            "channel = \"inbox\"",
            "injects[0].channel",
            "e-mail channel",
        )],
    );
    let text = format!(
        "{TWO_LINES}\n[[injects]]\n{}",
        outage
            .replace("channel = \"inbox\"\n", "channel = \"line_a\"\n")
            .replace("duration = \"4h\"\n", "")
    );
    refused_at(
        &text,
        &[(
            "[[injects]]",
            "injects[0].duration",
            "how long the outage lasts",
        )],
    );
    let wave =
        "id = \"w\"\nkind = \"wave\"\nnews = \"n\"\nat = 2022-03-08\npeople = 100\nnewcomers = 3\n";
    let text = format!("{TWO_LINES}\n[[injects]]\n{wave}");
    refused_at(
        &text,
        &[("newcomers = 3", "injects[0].newcomers", "0 to 0")],
    );
}

#[test]
fn a_spike_follows_its_demand_entrys_weekdays_and_hours_and_keeps_its_total() {
    // Closed at weekends and weighted by hour: the spike's 1,000 contacts
    // all come on weekdays, only in hours with weight, and add up to 1,000
    // over an unbounded horizon.
    let text = TWO_LINES.replacen(
        "channel = \"line_a\"\nper_day = 600",
        "channel = \"line_a\"\nper_day = 600\nweekday_factors = { sat = 0, sun = 0 }\nhour_weights = [0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]",
        1,
    );
    let m = model_from_text(&format!(
        "{text}\n[[injects]]\nid = \"tv\"\nkind = \"spike\"\nnews = \"n\"\nat = 2022-03-11T12:00:00\ntopic = \"a\"\nchannel = \"line_a\"\ncontacts = 1000\n"
    ));
    let d = m.demands.last().unwrap();
    let h = m.horizon_s;
    let day = 86_400.0;
    // All but the tail after the horizon: from day 14, 9.5 half-lives
    // after the news, 2^-9.5 = 0.14 % of the shape (more per weekday).
    let total = d.expected_between(0.0, h, h);
    assert!(total < 1000.0 && total > 995.0, "{total}");
    // Friday 11 March from noon, then the weekend (days 5 and 6): none.
    assert_eq!(d.expected_between(0.0, 4.0 * day + 12.0 * 3600.0, h), 0.0);
    assert_eq!(d.expected_between(5.0 * day, 7.0 * day, h), 0.0);
    // Monday from 08:00 the hour weights hold: 08-09 has twice 09-10
    // (within the decay over one hour, 2^(-1/24)).
    let (a, b) = (
        d.expected_between(7.0 * day + 8.0 * 3600.0, 7.0 * day + 9.0 * 3600.0, h),
        d.expected_between(7.0 * day + 9.0 * 3600.0, 7.0 * day + 10.0 * 3600.0, h),
    );
    assert!(a > 0.0 && (a / b / 2.0 - 1.0).abs() < 0.03, "{a} {b}");
    assert_eq!(
        d.expected_between(7.0 * day + 16.0 * 3600.0, 8.0 * day + 8.0 * 3600.0, h),
        0.0
    );
}
