//! `surgesim init` and `surgesim scenarios`: templates out of the binary.

use assert_cmd::Command;

use crate::util::tempdir;

fn surgesim() -> Command {
    Command::cargo_bin("surgesim").expect("binary")
}

#[test]
fn the_starter_runs_as_it_is() {
    let dir = tempdir();
    surgesim().arg("init").arg(dir.path()).assert().code(2); // a folder is not a template
    surgesim()
        .args(["init", "starter"])
        .arg(dir.path())
        .assert()
        .success();
    let starter = dir.path().join("starter.toml");
    surgesim().arg("check").arg(&starter).assert().success();
    surgesim()
        .arg("run")
        .arg(&starter)
        .args(["-n", "4", "-q", "--format", "csv"])
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    assert!(dir.path().join("out/summary.csv").is_file());
    // Without a name, in the current folder: the starter.
    let here = tempdir();
    surgesim()
        .arg("init")
        .current_dir(here.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read(here.path().join("starter.toml")).unwrap(),
        std::fs::read(&starter).unwrap()
    );
}

#[test]
fn every_template_is_written_whole_and_checks() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let listing = surgesim()
        .arg("scenarios")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let listing = String::from_utf8(listing).unwrap();
    for t in surgesim::commands::TEMPLATES {
        assert!(listing.contains(t.name), "{} not listed", t.name);
        let dir = tempdir();
        surgesim()
            .arg("init")
            .arg(t.name)
            .arg(dir.path())
            .assert()
            .success();
        for (file, _) in t.files {
            let written = std::fs::read(dir.path().join(file)).unwrap();
            let shipped = if t.name == "starter" {
                root.join("templates").join(file)
            } else {
                root.join("scenarios").join(file)
            };
            let shipped = String::from_utf8(std::fs::read(shipped).unwrap()).unwrap();
            // Scenarios name the schema written beside them.
            let shipped = shipped.replacen(
                "#:schema ../scenario.schema.json\n",
                "#:schema scenario.schema.json\n",
                1,
            );
            assert_eq!(String::from_utf8(written).unwrap(), shipped, "{file}");
        }
        assert_eq!(
            std::fs::read(dir.path().join("scenario.schema.json")).unwrap(),
            std::fs::read(root.join("scenario.schema.json")).unwrap()
        );
        // The scenario finds its tables beside it.
        surgesim()
            .arg("check")
            .arg(dir.path().join(t.files[0].0))
            .assert()
            .success();
        // A second time: refused, nothing replaced; with --force, replaced.
        let e = surgesim()
            .arg("init")
            .arg(t.name)
            .arg(dir.path())
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        assert!(String::from_utf8(e).unwrap().contains("already there"));
        surgesim()
            .arg("init")
            .arg(t.name)
            .arg(dir.path())
            .arg("--force")
            .assert()
            .success();
    }
    // Two templates in one folder share the schema.
    let both = tempdir();
    for t in ["quickstart", "crisis"] {
        surgesim()
            .arg("init")
            .arg(t)
            .arg(both.path())
            .assert()
            .success();
    }
    let e = surgesim()
        .args(["init", "crysis"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let e = String::from_utf8(e).unwrap();
    assert!(
        e.contains("no bundled scenario `crysis`") && e.contains("crisis"),
        "{e}"
    );
}

/// `mean` of `kpi` for `scope,name` in a `summary.csv`.
fn mean(summary: &str, key: &str) -> f64 {
    let line = summary
        .lines()
        .find(|l| l.starts_with(&format!("{key},")))
        .unwrap_or_else(|| panic!("{key} in summary.csv"));
    line.split(',').nth(4).unwrap().parse().unwrap()
}

#[test]
fn the_readme_walkthrough_gives_the_figures_it_shows() {
    // README, "Your first scenario": the starter as it is, then with two
    // more advisers.
    let dir = tempdir();
    surgesim()
        .args(["init", "starter"])
        .arg(dir.path())
        .assert()
        .success();
    let starter = dir.path().join("starter.toml");
    let run = |out: &str| {
        surgesim()
            .arg("run")
            .arg(&starter)
            .args(["-q", "--format", "csv", "-o"])
            .arg(dir.path().join(out))
            .assert()
            .success();
        std::fs::read_to_string(dir.path().join(out).join("summary.csv")).unwrap()
    };
    let round = |v: f64, digits: i32| (v * 10f64.powi(digits)).round() / 10f64.powi(digits);
    let before = run("before");
    assert_eq!(
        round(mean(&before, "channel,phone,service_level"), 3),
        0.666
    );
    assert_eq!(round(mean(&before, "channel,phone,p_abandon"), 3), 0.222);
    assert_eq!(mean(&before, "pool,advisers,total_cost"), 90_024.0);
    let text = std::fs::read_to_string(&starter).unwrap();
    assert_eq!(text.matches("headcount = 12").count(), 1);
    std::fs::write(&starter, text.replace("headcount = 12", "headcount = 14")).unwrap();
    let after = run("after");
    assert_eq!(round(mean(&after, "channel,phone,service_level"), 3), 0.777);
    assert_eq!(round(mean(&after, "channel,phone,p_abandon"), 3), 0.149);
    assert_eq!(mean(&after, "pool,advisers,total_cost"), 101_224.0);
}
