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
            assert_eq!(written, std::fs::read(shipped).unwrap(), "{file}");
        }
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
