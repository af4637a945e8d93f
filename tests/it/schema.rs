//! The JSON Schema of the scenario format (`surgesim schema`,
//! `scenario.schema.json`): the committed file is the command's output,
//! every shipped scenario validates against it, typos fail it, and every
//! key has a description for editors to show.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn committed() -> Value {
    let text = std::fs::read_to_string(root().join("scenario.schema.json"))
        .expect("scenario.schema.json at the repository root");
    serde_json::from_str(&text).expect("scenario.schema.json is JSON")
}

/// A TOML document as a taplo-like editor hands it to a JSON Schema
/// validator: dates and date-times become their written strings.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn document(text: &str) -> Value {
    toml_to_json(toml::from_str::<toml::Value>(text).expect("valid TOML"))
}

/// The validator's messages for `text` (empty: valid).
fn problems(text: &str) -> Vec<String> {
    let schema = committed();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    validator
        .iter_errors(&document(text))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_command_output_is_the_committed_file() {
    let out = Command::cargo_bin("surgesim")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let committed = std::fs::read(root().join("scenario.schema.json")).unwrap();
    assert!(
        out.stdout == committed,
        "scenario.schema.json is not the output of `surgesim schema`: a scenario type changed; \
         regenerate it with `cargo run -- schema --out scenario.schema.json`"
    );
}

#[test]
fn schema_out_writes_the_same_bytes() {
    let dir = crate::util::tempdir();
    let path = dir.path().join("s.json");
    Command::cargo_bin("surgesim")
        .unwrap()
        .args(["schema", "--out"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(root().join("scenario.schema.json")).unwrap()
    );
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["scenarios", "templates", "tests/fixtures"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_shipped_scenario_validates() {
    let files = scenario_files();
    assert!(files.len() >= 10, "{files:?}");
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        // Only files the parser accepts are scenarios to validate.
        if surgesim::scenario::load_file(path).is_err() {
            continue;
        }
        for p in problems(&text) {
            failures.push(format!("{}: {p}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn shipped_scenarios_name_the_schema_on_their_first_line() {
    for path in scenario_files() {
        if path.starts_with(root().join("tests")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.lines().next(),
            Some("#:schema ../scenario.schema.json"),
            "{}",
            path.display()
        );
    }
}

const QUICKSTART: &str = include_str!("../../scenarios/quickstart.toml");

#[test]
fn typos_fail_validation() {
    assert!(problems(QUICKSTART).is_empty());
    let typo_key = format!("{QUICKSTART}\n[channels.x]\nkindd = \"phone\"\n");
    assert!(!problems(&typo_key).is_empty(), "kindd accepted");
    let unknown_table = format!("{QUICKSTART}\n[poools.team]\nheadcount = 3\n");
    assert!(!problems(&unknown_table).is_empty(), "poools accepted");
    let bad_kind = format!("{QUICKSTART}\n[[actions]]\nid = \"a\"\nkind = \"hyre\"\n");
    assert!(!problems(&bad_kind).is_empty(), "kind hyre accepted");
    let good_kind = format!("{QUICKSTART}\n[[actions]]\nid = \"a\"\nkind = \"model_answers\"\n");
    assert!(
        problems(&good_kind).is_empty(),
        "{:?}",
        problems(&good_kind)
    );
}

#[test]
fn value_shapes_follow_the_parsers() {
    let with = |line: &str| format!("{QUICKSTART}\n[channels.x]\nkind = \"phone\"\n{line}\n");
    for ok in [
        "answer_within = \"30s\"",
        "answer_within = \"1h30m\"",
        "answer_within = \"2 min\"",
        "hours = { weekdays = \"09:00-16:00\", sat = [\"09:00-12:00\", \"13:00-14:00\"], sun = \"closed\" }",
        "lines = 100000",
        "service_level_target = 1",
        "redial = { after_busy = 1, after_abandon = 0.2 }",
        "patience = { dist = \"exponential\", mean = \"2m\" }",
    ] {
        assert!(
            problems(&with(ok)).is_empty(),
            "{ok}: {:?}",
            problems(&with(ok))
        );
    }
    for bad in [
        "answer_within = 30",
        "answer_within = \"30S\"",
        "answer_within = \"3 months\"",
        "hours = { weekday = \"09:00-16:00\" }",
        "hours = { mon = \"9-16\" }",
        "lines = 100001",
        "lines = -1",
        // Shares: the compiler's ranges.
        "service_level_target = 0",
        "service_level_target = 1.2",
        "redial = { after_busy = 1.5, after_abandon = 0.2 }",
        "patience = { dist = \"normal\", mean = \"2m\" }",
        "clock = \"wall\"",
    ] {
        assert!(!problems(&with(bad)).is_empty(), "{bad} accepted");
    }
    let moment = |at: &str| {
        format!(
            "{QUICKSTART}\n[[injects]]\nid = \"i\"\nkind = \"spike\"\nnews = \"n\"\nat = {at}\n"
        )
    };
    assert!(problems(&moment("2022-03-08")).is_empty());
    assert!(problems(&moment("2022-03-08T14:00:00")).is_empty());
    assert!(problems(&moment("\"2022-03-08T14:00\"")).is_empty());
    assert!(!problems(&moment("\"next monday\"")).is_empty());
    assert!(!problems(&moment("2022-03-08T14:00:00Z")).is_empty());
}

/// Paths of properties without a description.
fn undocumented(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(obj) => {
            for (k, v) in obj {
                let here = format!("{path}/{k}");
                if k == "properties"
                    && let Value::Object(props) = v
                {
                    for (name, prop) in props {
                        if prop
                            .get("description")
                            .and_then(Value::as_str)
                            .is_none_or(str::is_empty)
                        {
                            out.push(format!("{here}/{name}"));
                        }
                    }
                }
                undocumented(v, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                undocumented(v, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_has_a_description() {
    let schema = committed();
    let mut missing = Vec::new();
    undocumented(&schema, "", &mut missing);
    assert!(
        missing.is_empty(),
        "properties without a description:\n{}",
        missing.join("\n")
    );
    // The walk sees the tables' keys.
    let keys = schema["definitions"]["Channel"]["properties"]
        .as_object()
        .unwrap();
    assert!(keys.contains_key("kind") && keys.contains_key("patience"));
    assert_eq!(schema["title"], "surgesim scenario");
}
