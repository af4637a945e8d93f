//! A decision of the trainees as an `[[actions]]` entry of the scenario
//! format, and the decisions file that records a session.
//!
//! A decisions file is valid scenario syntax (`[plans.exercise]` and
//! `[[actions]]` entries) plus an `[exercise]` table that says which
//! scenario, seed and step it was played with and how far:
//!
//! ```toml
//! [exercise]
//! scenario = "scenarios/exercise.toml"
//! scenario_hash = "0c5f…"
//! seed = 2022
//! step = "1d"
//! played_to = 2022-03-21
//!
//! [plans.exercise]
//! description = "decisions taken in the exercise"
//! enabled = true
//!
//! [[actions]]
//! id = "d01_hire"
//! plan = "exercise"
//! kind = "hire"
//! at = 2022-03-08
//! pool = "phone_team"
//! count = 10
//! ```

use crate::scenario::{Action, ActionKind, Moment};

/// Action kinds as typed, with what they do.
pub const KINDS: [(&str, &str); 10] = [
    ("hire", "recruit a class of new staff into a pool"),
    ("redeploy", "move staff from one pool to another"),
    (
        "hours",
        "new opening hours of a channel, or a new roster of a pool",
    ),
    ("lines", "a new number of phone lines"),
    ("counters", "a new number of desk counters"),
    (
        "deflect",
        "online information takes a share of a topic's contacts away",
    ),
    (
        "model_answers",
        "model answers multiply a topic's handle times",
    ),
    (
        "open_channel",
        "a channel takes over a share of a topic's new contacts",
    ),
    (
        "support",
        "psychological support damps the effects of overload",
    ),
    (
        "callbacks",
        "callers facing a long wait are offered a call back",
    ),
];

/// Keys the exercise sets itself.
const RESERVED: [&str; 5] = ["id", "kind", "plan", "at", "enabled"];

/// One decision: an action of kind `kind` decided at `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Action id (`d03_hire`).
    pub id: String,
    /// Action kind as written (`hire`).
    pub kind: String,
    /// When it was decided.
    pub at: Moment,
    /// The other keys, in the order given.
    pub keys: Vec<(String, toml::Value)>,
    /// The command as typed (or rebuilt from the file).
    pub typed: String,
}

impl Decision {
    /// A decision from a typed command; values that are not TOML (`2w`)
    /// are taken as strings.
    pub fn new(
        id: &str,
        kind: &str,
        at: Moment,
        pairs: &[(String, String)],
    ) -> Result<Decision, String> {
        if !KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(format!(
                "unknown decision `{kind}`; the decisions are {}",
                KINDS.map(|(k, _)| k).join(", ")
            ));
        }
        let mut keys: Vec<(String, toml::Value)> = Vec::new();
        for (k, v) in pairs {
            if RESERVED.contains(&k.as_str()) {
                return Err(format!(
                    "`{k}` is set by the exercise (the decision is taken now, in the plan `{}`)",
                    super::PLAN
                ));
            }
            if keys.iter().any(|(x, _)| x == k) {
                return Err(format!("`{k}` is given twice"));
            }
            keys.push((k.clone(), value_of(v)));
        }
        let typed = std::iter::once(kind.to_string())
            .chain(pairs.iter().map(|(k, v)| format!("{k}={v}")))
            .collect::<Vec<_>>()
            .join(" ");
        // One order (the file's, by name), so that a decision read back
        // from its file is the decision typed.
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let d = Decision {
            id: id.to_string(),
            kind: kind.to_string(),
            at,
            keys,
            typed,
        };
        d.action()?;
        Ok(d)
    }

    /// The scenario's plan action `a` taken at `at` instead of its own
    /// date or trigger (its other keys as written).
    pub fn from_plan_action(id: &str, a: &Action, at: Moment) -> Result<Decision, String> {
        let table = toml::Table::try_from(a).map_err(|e| format!("cannot copy `{}`: {e}", a.id))?;
        let kind = table
            .get("kind")
            .and_then(|v| v.as_str())
            .unwrap_or("hire")
            .to_string();
        let mut keys = Vec::new();
        for (k, v) in table {
            if RESERVED.contains(&k.as_str()) || k == "when" || k == "description" {
                continue;
            }
            keys.push((k, v));
        }
        let typed = format!("plan {}", a.id);
        let d = Decision {
            id: id.to_string(),
            kind,
            at,
            keys,
            typed,
        };
        d.action()?;
        Ok(d)
    }

    /// The entry as the scenario format reads it.
    pub fn action(&self) -> Result<Action, String> {
        let mut t = toml::Table::new();
        t.insert("id".into(), toml::Value::String(self.id.clone()));
        t.insert("plan".into(), toml::Value::String(super::PLAN.into()));
        t.insert("kind".into(), toml::Value::String(self.kind.clone()));
        t.insert("at".into(), moment_value(self.at));
        for (k, v) in &self.keys {
            t.insert(k.clone(), v.clone());
        }
        t.try_into::<Action>().map_err(|e| {
            let m = e.to_string();
            let m = m.trim();
            if m.contains("unknown field") {
                format!("{m}\n(`levers` lists the keys of each decision)")
            } else {
                m.to_string()
            }
        })
    }

    /// The kind as the format knows it.
    pub fn action_kind(&self) -> Option<ActionKind> {
        self.action().ok().map(|a| a.kind)
    }

    /// Ends the decision at `at` (replaces its own end, if any).
    pub fn set_until(&mut self, at: Moment) -> Result<(), String> {
        self.keys
            .retain(|(k, _)| k != "until" && k != "duration" && k != "release");
        self.keys.push(("until".into(), moment_value(at)));
        self.action().map(drop)
    }

    /// The `[[actions]]` entry, with the command as typed in a comment.
    pub fn to_toml(&self) -> String {
        let mut s = format!(
            "[[actions]]\n# typed: {}\nid = {}\nplan = {}\nkind = {}\nat = {}\n",
            self.typed.replace('\n', " "),
            toml::Value::String(self.id.clone()),
            toml::Value::String(super::PLAN.into()),
            toml::Value::String(self.kind.clone()),
            self.at
        );
        for (k, v) in &self.keys {
            s.push_str(&format!("{k} = {v}\n"));
        }
        s
    }
}

/// A typed value: TOML if it parses as a TOML value, else a string.
fn value_of(raw: &str) -> toml::Value {
    let raw = raw.trim();
    if let Ok(mut t) = toml::from_str::<toml::Table>(&format!("v = {raw}"))
        && let Some(v) = t.remove("v")
    {
        return v;
    }
    toml::Value::String(raw.trim_matches('"').to_string())
}

/// A moment as a TOML date or local date-time.
fn moment_value(m: Moment) -> toml::Value {
    value_of(&m.to_string())
}

/// A recorded session.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionsFile {
    /// The scenario file as named when playing.
    pub scenario: String,
    /// Its hash (a different file is reported, not refused).
    pub scenario_hash: String,
    /// Seed of the world.
    pub seed: u64,
    /// Step, seconds.
    pub step_s: f64,
    /// How far the session was played.
    pub played_to: Option<Moment>,
    /// The decisions, in the order taken.
    pub decisions: Vec<Decision>,
}

impl DecisionsFile {
    /// The file's text.
    pub fn to_toml(&self) -> String {
        let mut s = String::from(
            "# Decisions of a surgesim exercise, in the scenario's [[actions]] syntax.\n\
             # Resume or replay:  surgesim exercise SCENARIO --decisions THIS_FILE\n\
             # Debrief:           surgesim debrief SCENARIO THIS_FILE\n\
             # As a plan:         surgesim run SCENARIO --decisions THIS_FILE\n\
             # (or paste [plans.exercise] and the [[actions]] into the scenario).\n\n",
        );
        s.push_str("[exercise]\n");
        s.push_str(&format!(
            "scenario = {}\n",
            toml::Value::String(self.scenario.clone())
        ));
        s.push_str(&format!(
            "scenario_hash = {}\n",
            toml::Value::String(self.scenario_hash.clone())
        ));
        s.push_str(&format!("seed = {}\n", self.seed));
        s.push_str(&format!(
            "step = {}\n",
            toml::Value::String(short_duration(self.step_s))
        ));
        if let Some(p) = self.played_to {
            s.push_str(&format!("played_to = {p}\n"));
        }
        s.push_str(&format!(
            "\n[plans.{}]\ndescription = \"decisions taken in the exercise\"\nenabled = true\n",
            super::PLAN
        ));
        for d in &self.decisions {
            s.push('\n');
            s.push_str(&d.to_toml());
        }
        s
    }

    /// Reads a decisions file; problems name the file, the line and the key.
    pub fn parse(text: &str, origin: &str) -> Result<DecisionsFile, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            format!(
                "{origin}{}: {}",
                line.map_or(String::new(), |l| format!(":{l}")),
                e.message()
            )
        })?;
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[actions]]"))
            .map(|(i, _)| i + 1)
            .collect();
        let line_of_key = |key: &str| {
            text.lines()
                .position(|l| {
                    let l = l.trim_start();
                    l.starts_with(key) || l.starts_with(&format!("[{key}"))
                })
                .map_or(String::new(), |i| format!(":{}", i + 1))
        };
        let bad = |line: String, m: String| format!("{origin}{line}: {m}");
        let mut file = DecisionsFile {
            scenario: String::new(),
            scenario_hash: String::new(),
            seed: 0,
            step_s: 86_400.0,
            played_to: None,
            decisions: Vec::new(),
        };
        let mut seed = None;
        for (key, value) in &table {
            match key.as_str() {
                "exercise" => {
                    let Some(t) = value.as_table() else {
                        return Err(bad(line_of_key(key), "`exercise` must be a table".into()));
                    };
                    for (k, v) in t {
                        let here = line_of_key(k);
                        match k.as_str() {
                            "scenario" => file.scenario = v.as_str().unwrap_or_default().into(),
                            "scenario_hash" => {
                                file.scenario_hash = v.as_str().unwrap_or_default().into()
                            }
                            "seed" => {
                                seed = Some(v.as_integer().filter(|s| *s >= 0).ok_or_else(|| {
                                    bad(
                                        here.clone(),
                                        "exercise.seed: must be a whole number, 0 or more".into(),
                                    )
                                })? as u64)
                            }
                            "step" => {
                                let d = v
                                    .as_str()
                                    .ok_or_else(|| "a duration such as \"1d\"".to_string())
                                    .and_then(crate::units::Duration::parse)
                                    .map_err(|m| {
                                        bad(here.clone(), format!("exercise.step: {m}"))
                                    })?;
                                file.step_s = d.secs();
                            }
                            "played_to" => {
                                file.played_to = Some(parse_moment(v).map_err(|m| {
                                    bad(here.clone(), format!("exercise.played_to: {m}"))
                                })?)
                            }
                            other => {
                                return Err(bad(
                                    here,
                                    format!(
                                        "exercise.{other}: unknown key; valid: scenario, scenario_hash, seed, step, played_to"
                                    ),
                                ));
                            }
                        }
                    }
                }
                "plans" => {
                    let ok = value
                        .as_table()
                        .is_some_and(|t| t.keys().all(|k| k == super::PLAN));
                    if !ok {
                        return Err(bad(
                            line_of_key("[plans"),
                            format!("plans: a decisions file has one plan, `{}`", super::PLAN),
                        ));
                    }
                }
                "actions" => {
                    let Some(list) = value.as_array() else {
                        return Err(bad(
                            line_of_key(key),
                            "`actions` must be [[actions]] tables".into(),
                        ));
                    };
                    for (i, v) in list.iter().enumerate() {
                        let here = headers.get(i).map_or(String::new(), |l| format!(":{l}"));
                        let mut d =
                            decision_of(v).map_err(|m| bad(here, format!("actions[{i}]: {m}")))?;
                        // The command as typed, from the comment under the header.
                        if let Some(typed) = headers
                            .get(i)
                            .and_then(|l| text.lines().nth(*l))
                            .and_then(|l| l.trim().strip_prefix("# typed: "))
                        {
                            d.typed = typed.trim().to_string();
                        }
                        if file.decisions.iter().any(|o| o.id == d.id) {
                            return Err(bad(
                                headers.get(i).map_or(String::new(), |l| format!(":{l}")),
                                format!(
                                    "actions[{i}].id: `{}` is used by an earlier decision",
                                    d.id
                                ),
                            ));
                        }
                        file.decisions.push(d);
                    }
                }
                other => {
                    return Err(bad(
                        line_of_key(other),
                        format!(
                            "`{other}`: unknown table; a decisions file has [exercise], [plans.exercise] and [[actions]]"
                        ),
                    ));
                }
            }
        }
        file.seed =
            seed.ok_or_else(|| bad(line_of_key("[exercise"), "exercise.seed is missing".into()))?;
        Ok(file)
    }
}

/// A decision from an `[[actions]]` table of a decisions file.
fn decision_of(v: &toml::Value) -> Result<Decision, String> {
    let t = v.as_table().ok_or("must be a table")?;
    let text = |k: &str| -> Result<String, String> {
        t.get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("{k}: missing (a string)"))
    };
    let id = text("id")?;
    let kind = text("kind")?;
    if let Some(p) = t.get("plan")
        && p.as_str() != Some(super::PLAN)
    {
        return Err(format!("plan: must be `{}` (got {p})", super::PLAN));
    }
    let at = parse_moment(
        t.get("at")
            .ok_or("at: missing (the moment it was decided)")?,
    )
    .map_err(|m| format!("at: {m}"))?;
    let keys: Vec<(String, toml::Value)> = t
        .iter()
        .filter(|(k, _)| !RESERVED.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let typed = std::iter::once(kind.clone())
        .chain(keys.iter().map(|(k, v)| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(" ");
    let d = Decision {
        id,
        kind,
        at,
        keys,
        typed,
    };
    d.action()?;
    Ok(d)
}

/// A TOML date or local date-time as a moment.
fn parse_moment(v: &toml::Value) -> Result<Moment, String> {
    let mut t = toml::Table::new();
    t.insert("at".into(), v.clone());
    #[derive(serde::Deserialize)]
    struct At {
        at: Moment,
    }
    t.try_into::<At>()
        .map(|a| a.at)
        .map_err(|e| e.message().trim().to_string())
}

/// `86400` → `1d`, `14400` → `4h`, `900` → `15m`.
pub fn short_duration(secs: f64) -> String {
    for (unit, len) in [
        ("w", 604_800.0),
        ("d", 86_400.0),
        ("h", 3600.0),
        ("m", 60.0),
    ] {
        let n = secs / len;
        if n >= 1.0 && (n - n.round()).abs() < 1e-9 {
            return format!("{}{unit}", n.round());
        }
    }
    format!("{}s", secs.round())
}
