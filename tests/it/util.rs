//! Helpers shared by the integration tests.

use surgesim::model::{Model, compile, compile_loaded};
use surgesim::scenario::{Scenario, SingleQueue, SourceMap, parse_str};
use surgesim::units::{Duration, Rate};

/// A single queue with exponential handle times (and patience, if given).
pub fn queue(
    arrivals: &str,
    aht: &str,
    patience: Option<&str>,
    agents: u32,
    lines: Option<u32>,
) -> SingleQueue {
    SingleQueue {
        arrivals: Rate::parse(arrivals).unwrap(),
        aht: Duration::parse(aht).unwrap(),
        patience: patience.map(|p| Duration::parse(p).unwrap()),
        agents,
        lines,
        answer_within: Duration::parse("20s").unwrap(),
    }
}

/// Compiles a scenario built in code.
pub fn model_of(sc: &Scenario) -> Model {
    compile(sc, &SourceMap::empty(), "test", std::path::Path::new("."))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Compiles scenario text.
pub fn model_from_text(text: &str) -> Model {
    let loaded = parse_str(text, "test.toml", ".".into()).unwrap_or_else(|e| panic!("{e}"));
    compile_loaded(&loaded).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh temporary folder for one test.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// Every file under `dir` (relative path → bytes).
pub fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(
        root: &std::path::Path,
        dir: &std::path::Path,
        out: &mut std::collections::BTreeMap<String, Vec<u8>>,
    ) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}
