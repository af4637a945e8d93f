//! Exercises: a session driven from a script, decisions on time with their
//! lead times, refusals, replay, the debrief's references, and the screen
//! under a pseudo-terminal.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use surgesim::exercise::{DecisionsFile, Session};
use surgesim::scenario::load_file;

use crate::util::tempdir;

const DAY: f64 = 86_400.0;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exercise_small.toml")
}

fn session() -> Session {
    let loaded = load_file(&fixture()).unwrap_or_else(|e| panic!("{e}"));
    Session::new(loaded, None, DAY).expect("session")
}

fn pairs(text: &str) -> Vec<(String, String)> {
    text.split_whitespace()
        .map(|w| {
            let (k, v) = w.split_once('=').expect("key=value");
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// Pool `p`'s tallies summed over the days `[from, to)`.
fn pool_days(s: &mut Session, p: usize, from: f64, to: f64) -> surgesim::engine::PoolTally {
    let (m, w) = s.model_and_world();
    let np = m.pools.len();
    let per_day = (DAY / m.interval_s) as usize;
    let mut t = surgesim::engine::PoolTally::default();
    for i in (from as usize * per_day)..(to as usize * per_day) {
        let x = &w.pool_intervals[i * np + p];
        t.training_area += x.training_area;
        t.hired_area += x.hired_area;
        t.redeployed_area += x.redeployed_area;
    }
    t
}

#[test]
fn decisions_take_effect_after_their_lead_times() {
    let mut s = session();
    let phone = s
        .model()
        .pools
        .iter()
        .position(|p| p.name == "phone")
        .unwrap();
    s.advance(1); // Tue 8 March 00:00
    let text = s
        .decide(
            "hire",
            &pairs("pool=phone count=3 lead_time=1w training=2d"),
        )
        .expect("a valid hire");
    // Decided on day 1, they arrive on day 8 (Tue 15 March) and work from
    // day 10 (Thu 17 March).
    assert!(text.contains("arrive Tue 15 Mar 2022"), "{text}");
    assert!(
        text.contains("take contacts from Thu 17 Mar 2022"),
        "{text}"
    );
    s.advance(20);
    let before = pool_days(&mut s, phone, 0.0, 8.0);
    assert_eq!(before.training_area + before.hired_area, 0.0);
    let training = pool_days(&mut s, phone, 8.0, 10.0);
    assert!(training.training_area > 0.0 && training.hired_area == 0.0);
    // 3 staff in training for 7 roster hours on each of the 2 weekdays.
    assert!(
        (training.training_area / 3600.0 - 3.0 * 7.0 * 2.0).abs() < 1e-6,
        "{}",
        training.training_area / 3600.0
    );
    let after = pool_days(&mut s, phone, 10.0, 21.0);
    assert!(after.hired_area > 0.0 && after.training_area == 0.0);

    // A redeployment with a switch-over works in the new pool from then on.
    let mut s = session();
    s.advance(2);
    s.decide(
        "redeploy",
        &pairs("from=back to=phone count=2 switch_over=1d"),
    )
    .expect("a valid redeployment");
    s.advance(5);
    assert_eq!(pool_days(&mut s, phone, 0.0, 3.0).redeployed_area, 0.0);
    assert!(pool_days(&mut s, phone, 3.0, 5.0).redeployed_area > 0.0);
}

#[test]
fn impossible_decisions_are_refused_and_the_session_goes_on() {
    let mut s = session();
    s.advance(1);
    let e = s
        .decide("redeploy", &pairs("from=back to=phone count=9"))
        .unwrap_err();
    assert!(e.contains("8 staff of pool `back`"), "{e}");
    let e = s.decide("hire", &pairs("pool=phnoe count=3")).unwrap_err();
    assert!(
        e.contains("unknown pool `phnoe`") && e.contains("did you mean `phone`"),
        "{e}"
    );
    let e = s
        .decide("hire", &pairs("pool=phone count=3 colour=red"))
        .unwrap_err();
    assert!(e.contains("colour"), "{e}");
    let e = s.decide("fire", &pairs("pool=phone")).unwrap_err();
    assert!(e.contains("unknown decision `fire`"), "{e}");
    assert!(s.decisions.is_empty());
    s.decide("redeploy", &pairs("from=back to=phone count=5"))
        .expect("5 of 8");
    let e = s
        .decide("redeploy", &pairs("from=back to=phone count=4"))
        .unwrap_err();
    assert!(
        e.contains("3 staff left (5 of 8 already redeployed)"),
        "{e}"
    );
    assert_eq!(s.decisions.len(), 1);
    // Once in effect, a decision cannot be taken back, only ended.
    s.advance(1);
    let e = s.undo().unwrap_err();
    assert!(e.contains("can no longer be taken back"), "{e}");
    let id = s.decisions[0].id.clone();
    s.end(&id).expect("ended");
    // Ended: the staff are back, so 8 can move again.
    s.decide("redeploy", &pairs("from=back to=phone count=8"))
        .expect("all 8 again");
    // Not yet in effect: undo takes it back.
    s.decide("hire", &pairs("pool=phone count=2 delay=3d"))
        .expect("a hire");
    assert!(s.undo().unwrap().contains("taken back"));
    assert_eq!(s.decisions.len(), 2);
}

#[test]
fn decisions_change_nothing_before_they_are_taken() {
    let mut plain = session();
    plain.advance(28);
    let mut s = session();
    s.advance(5);
    s.decide("redeploy", &pairs("from=back to=phone count=4"))
        .unwrap();
    s.decide("lines", &pairs("channel=line lines=5")).unwrap();
    s.advance(23);
    // What was seen before the decision stays as it was: everything that
    // happened then (arrivals, services, waits, staff) and the state at
    // each interval's end. Counts by arrival cohort are another matter: an
    // e-mail that came before the decision may be answered after it.
    let nc = s.model().channels.len();
    let np = s.model().pools.len();
    let seen = |w: &surgesim::engine::RepOutcome| -> Vec<[f64; 11]> {
        w.channel_intervals[..5 * 24 * nc]
            .iter()
            .map(|iv| {
                let k = &iv.counts;
                [
                    k.first_attempts,
                    k.offered,
                    k.handled_event,
                    k.abandoned_event,
                    k.callbacks_made_event,
                    iv.queue_area,
                    iv.busy_area,
                    iv.on_duty_area,
                    iv.backlog_end,
                    iv.oldest_age_end_s,
                    iv.in_service_end,
                ]
            })
            .collect()
    };
    assert_eq!(seen(plain.world()), seen(s.world()));
    assert_eq!(
        plain.world().pool_intervals[..5 * 24 * np].to_vec(),
        s.world().pool_intervals[..5 * 24 * np].to_vec()
    );
    assert_ne!(plain.world().channel_intervals, s.world().channel_intervals);
}

fn surgesim() -> Command {
    Command::cargo_bin("surgesim").expect("binary")
}

const SCRIPT: &str = "\
advance
hire pool=phone count=3 lead_time=1w training=2d
redeploy from=back to=phone count=99
rdeploy from=back to=phone count=2
redeploy from=back to=phone count=2
advance 3
status
? lines channel=line lines=30
plan temps
advance 1w
decisions
quit
";

/// Plays `SCRIPT` into `dir`; returns standard output.
fn play(dir: &Path, debrief: bool) -> String {
    let mut cmd = surgesim();
    cmd.arg("exercise")
        .arg(fixture())
        .arg("-o")
        .arg(dir)
        .args(["-n", "6", "-j", "2"]);
    if !debrief {
        cmd.arg("--no-debrief");
    }
    let out = cmd
        .write_stdin(SCRIPT)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn a_scripted_session_records_its_decisions_and_replays_them_exactly() {
    let dir = tempdir();
    let ex = dir.path().join("ex");
    let text = play(&ex, true);
    // The refusals are clear and the session went on.
    assert!(text.contains("refused: d02_redeploy: count: must be between 1 and the 8 staff of pool `back` (got 99)"), "{text}");
    assert!(
        text.contains("refused: unknown command `rdeploy`: did you mean `redeploy`?"),
        "{text}"
    );
    assert!(text.contains("NEWS"), "{text}");
    assert!(text.contains("new staff arrive in phone"), "{text}");
    assert!(text.contains("would be d"), "{text}");
    assert!(text.contains("Debrief: 6 replications"), "{text}");
    for f in [
        "briefing.html",
        "decisions.toml",
        "debrief/debrief.html",
        "debrief/debrief.json",
        "debrief/summary.txt",
    ] {
        assert!(ex.join(f).is_file(), "{f}");
    }
    // The file: three decisions with their times, in [[actions]] syntax.
    let recorded = std::fs::read_to_string(ex.join("decisions.toml")).unwrap();
    let file = DecisionsFile::parse(&recorded, "decisions.toml").unwrap();
    assert_eq!(file.decisions.len(), 3);
    assert_eq!(file.decisions[0].at.to_string(), "2022-03-08");
    assert_eq!(file.decisions[2].at.to_string(), "2022-03-11");
    assert_eq!(file.played_to.unwrap().to_string(), "2022-03-18");
    // Replayed in a new session, the world is the same, to the last tally.
    let mut live = session();
    live.advance(1);
    live.decide(
        "hire",
        &pairs("pool=phone count=3 lead_time=1w training=2d"),
    )
    .unwrap();
    live.decide("redeploy", &pairs("from=back to=phone count=2"))
        .unwrap();
    live.advance(3);
    live.enact("temps").unwrap();
    let mut replay = session();
    replay.load_decisions(&file).unwrap();
    // (Debug text: a date's firing carries a NaN trigger value.)
    assert_eq!(
        format!("{:?}", live.world()),
        format!("{:?}", replay.world())
    );
    // `debrief` from the file writes the same debrief, byte for byte.
    let again = dir.path().join("again");
    surgesim()
        .arg("debrief")
        .arg(fixture())
        .arg(ex.join("decisions.toml"))
        .arg("-o")
        .arg(&again)
        .args(["-n", "6", "-q", "-j", "1"])
        .assert()
        .success();
    for f in ["debrief.json", "debrief.html", "summary.txt"] {
        assert_eq!(
            std::fs::read(ex.join("debrief").join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
    // Resuming: the session starts where it stopped, with the decisions.
    let out = surgesim()
        .arg("exercise")
        .arg(fixture())
        .arg("-o")
        .arg(&ex)
        .arg("--no-debrief")
        .write_stdin("decisions\nquit\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("Resumed: 3 decisions replayed, at Fri 18 Mar 2022"),
        "{out}"
    );
}

/// The mean of `kpi` of channel `name` in a run's summary.json.
fn run_mean(dir: &Path, name: &str, kpi: &str) -> f64 {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    let ch = v["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == name)
        .unwrap();
    ch["kpis"][kpi]["mean"].as_f64().unwrap()
}

/// The mean of the debrief's KPI `label` in arm `arm`.
fn debrief_mean(dir: &Path, label: &str, arm: &str) -> f64 {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("debrief.json")).unwrap()).unwrap();
    let k = v["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi"] == label)
        .unwrap();
    let a = k["arms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["arm"] == arm)
        .unwrap();
    a["stat"]["mean"].as_f64().unwrap()
}

#[test]
fn the_debrief_references_are_plain_runs_on_the_same_seed() {
    let dir = tempdir();
    let ex = dir.path().join("ex");
    play(&ex, true);
    let deb = ex.join("debrief");
    // Do nothing = the scenario with its plan switched off.
    let text = std::fs::read_to_string(fixture()).unwrap();
    let off = dir.path().join("no_plan.toml");
    std::fs::write(
        &off,
        text.replace(
            "[plans.plan]\nenabled = true",
            "[plans.plan]\nenabled = false",
        ),
    )
    .unwrap();
    let run = |scenario: &Path, extra: &[&str], out: &Path| {
        surgesim()
            .arg("run")
            .arg(scenario)
            .args(["-n", "6", "-q", "--format", "json"])
            .args(extra)
            .arg("-o")
            .arg(out)
            .assert()
            .success();
    };
    run(&off, &[], &dir.path().join("nothing"));
    run(&fixture(), &[], &dir.path().join("plan"));
    let decisions = ex.join("decisions.toml");
    run(
        &fixture(),
        &["--decisions", decisions.to_str().unwrap()],
        &dir.path().join("yours"),
    );
    for (arm, out) in [
        ("do nothing", "nothing"),
        ("the plan", "plan"),
        ("your decisions", "yours"),
    ] {
        for kpi in ["service_level", "p_abandon"] {
            let label = if kpi == "service_level" {
                "line: service level"
            } else {
                "line: abandoned"
            };
            assert_eq!(
                debrief_mean(&deb, label, arm),
                run_mean(&dir.path().join(out), "line", kpi),
                "{arm} {kpi}"
            );
        }
    }
}

#[test]
fn a_broken_decisions_file_names_the_line_and_the_key() {
    let dir = tempdir();
    let f = dir.path().join("d.toml");
    std::fs::write(
        &f,
        "[exercise]\nseed = 7\n\n[[actions]]\nid = \"d01_hire\"\nkind = \"hire\"\nat = 2022-03-08\npool = \"phone\"\ncount = 3\n\n[[actions]]\nid = \"d02_hire\"\nkind = \"hire\"\nat = 2022-03-08\npool = \"phone\"\ncuont = 3\n",
    )
    .unwrap();
    let out = surgesim()
        .arg("debrief")
        .arg(fixture())
        .arg(&f)
        .arg("-o")
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let e = String::from_utf8(out).unwrap();
    assert!(
        e.contains("d.toml:11: actions[1]") && e.contains("cuont"),
        "{e}"
    );
    // A decision the scenario cannot take names the decision and the key.
    std::fs::write(
        &f,
        "[exercise]\nseed = 7\n\n[[actions]]\nid = \"d01_hire\"\nkind = \"hire\"\nat = 2022-03-08\npool = \"phnoe\"\ncount = 3\n",
    )
    .unwrap();
    let out = surgesim()
        .arg("debrief")
        .arg(fixture())
        .arg(&f)
        .arg("-o")
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let e = String::from_utf8(out).unwrap();
    assert!(e.contains("d01_hire: pool: unknown pool `phnoe`"), "{e}");
}

#[test]
fn the_screen_renders_and_takes_keys_in_a_terminal() {
    let dir = tempdir();
    let bin = assert_cmd::cargo::cargo_bin("surgesim");
    let cmd = format!(
        "{} exercise {} -o {} --no-debrief",
        bin.display(),
        fixture().display(),
        dir.path().join("ex").display()
    );
    let mut p = rexpect::spawn(&cmd, Some(60_000)).expect("a pseudo-terminal");
    p.exp_string("day 1>").expect("the first prompt");
    p.send_line("advance").unwrap();
    p.exp_string("staff (average on duty)")
        .expect("the situation");
    p.exp_string("day 2>").expect("the next prompt");
    p.send_line("hire pool=phone count=2").unwrap();
    p.exp_string("decided d01_hire").expect("the decision");
    p.exp_string("day 2>").unwrap();
    p.send_line("help").unwrap();
    p.exp_string("advance [N]").expect("the help");
    p.send_line("quit").unwrap();
    p.exp_string("Exercise ended").expect("the end");
    p.exp_eof().expect("exit");
}
