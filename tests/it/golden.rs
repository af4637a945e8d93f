//! Outputs stay byte-identical while the engine and the writers are
//! reorganised (issue 15): every shipped scenario, three replications, CSV
//! and JSON; the run's `manifest.json` (every file with its SHA-256) must
//! equal the one committed in `tests/fixtures/golden/`. A change of results
//! that is meant (a new KPI, a fixed mechanism) is blessed with
//! `SURGESIM_BLESS_GOLDEN=1 cargo test --test it golden` and shows in the
//! commit as changed checksums.

use std::path::Path;

use super::util::tempdir;

#[test]
fn shipped_scenarios_give_the_committed_outputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let golden = root.join("tests/fixtures/golden");
    let bless = std::env::var_os("SURGESIM_BLESS_GOLDEN").is_some();
    let mut names: Vec<String> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let dir = tempdir();
    let mut changed = Vec::new();
    for name in names {
        let out = dir.path().join(&name);
        assert_cmd::Command::cargo_bin("surgesim")
            .unwrap()
            .arg("run")
            .arg(root.join("scenarios").join(format!("{name}.toml")))
            .args(["-n", "3", "-q", "--format", "csv,json", "--out"])
            .arg(&out)
            .assert()
            .success();
        let got = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        let path = golden.join(format!("{name}.manifest.json"));
        if bless {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing: bless it", path.display()));
        if got != want {
            let files: Vec<&str> = got
                .lines()
                .filter(|l| l.contains("sha256") && !want.contains(l.trim()))
                .collect();
            changed.push(format!(
                "{name}: {} file(s) differ ({files:?})",
                files.len()
            ));
        }
    }
    assert!(
        changed.is_empty(),
        "outputs differ from tests/fixtures/golden/ (bless with SURGESIM_BLESS_GOLDEN=1 if meant):\n{}",
        changed.join("\n")
    );
}
