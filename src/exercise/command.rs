//! What a line typed in an exercise means. These words are stable (scripts
//! and walkthroughs rely on them): `advance [N]` (or an empty line),
//! `undo`, `status`, `quit`, `help`, and a decision: an action kind
//! followed by `key=value` pairs in the scenario's action keys.

use super::decision::KINDS;

/// A command of the exercise.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Move N steps on (an empty line: one).
    Advance(Advance),
    /// Take back the last decision not yet in effect.
    Undo,
    /// Show the situation again.
    Status,
    /// List the commands.
    Help,
    /// List the levers: decisions, their keys and the scenario's plan.
    Levers,
    /// List the decisions taken.
    Decisions,
    /// Take the scenario's plan action now.
    Plan(String),
    /// End a decision now.
    End(String),
    /// Show what a decision would do and cost, without taking it.
    Preview(String, Vec<(String, String)>),
    /// Take a decision.
    Decide(String, Vec<(String, String)>),
    /// End the session (save, debrief).
    Quit,
}

/// How far `advance` moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Advance {
    /// A number of steps.
    Steps(u32),
    /// A duration (a whole number of steps).
    Span(f64),
}

/// The help text.
pub const HELP: &str = "\
Commands (the words are stable; scripts may rely on them):
  advance [N]        move the crisis N steps on (an empty line: one step);
                     `advance 1w` moves a week
  status             show the situation again
  levers             the decisions you can take, their keys and the plan's actions
  DECISION key=value ...
                     take a decision now, e.g.
                       hire pool=phone_team count=10 lead_time=2w training=2w
                       redeploy from=casework to=phone_team count=5
                       hours channel=hotline hours={weekdays=\"08:00-18:00\"}
                       lines channel=hotline lines=60
  ? DECISION ...     what a decision would do and cost, without taking it
  plan ID            take the scenario's own plan action ID now
  decisions          the decisions taken so far
  undo               take back the last decision, if it is not yet in effect
  end ID             stop decision ID from now on (staff go back, hours return)
  quit               end the exercise: save the decisions and write the debrief
  help               this text";

/// Parses one line.
pub fn parse(line: &str) -> Result<Command, String> {
    let words = split(line)?;
    let Some((first, rest)) = words.split_first() else {
        return Ok(Command::Advance(Advance::Steps(1)));
    };
    let word = first.to_lowercase();
    let no_args = |c: Command| {
        if rest.is_empty() {
            Ok(c)
        } else {
            Err(format!("`{word}` takes no arguments"))
        }
    };
    let one_id = |f: fn(String) -> Command, what: &str| match rest {
        [id] => Ok(f(id.clone())),
        _ => Err(format!("write `{word} {what}`")),
    };
    match word.as_str() {
        "advance" | "a" | "next" | "n" => match rest {
            [] => Ok(Command::Advance(Advance::Steps(1))),
            [n] => advance_arg(n).map(Command::Advance),
            _ => Err("write `advance`, `advance 3` (steps) or `advance 1w`".into()),
        },
        "undo" => no_args(Command::Undo),
        "status" | "s" => no_args(Command::Status),
        "help" | "h" | "?" if rest.is_empty() => Ok(Command::Help),
        "levers" => no_args(Command::Levers),
        "decisions" => no_args(Command::Decisions),
        "quit" | "q" | "exit" => no_args(Command::Quit),
        "plan" => one_id(Command::Plan, "ID (see `levers`)"),
        "end" => one_id(Command::End, "ID (see `decisions`)"),
        "?" => {
            let (kind, pairs) = decision(rest)?;
            Ok(Command::Preview(kind, pairs))
        }
        _ => {
            let (kind, pairs) = decision(&words)?;
            Ok(Command::Decide(kind, pairs))
        }
    }
}

/// `3` steps or `1w`.
fn advance_arg(n: &str) -> Result<Advance, String> {
    if let Ok(k) = n.parse::<u32>() {
        if k == 0 || k > 100_000 {
            return Err("advance: the number of steps must be between 1 and 100000".into());
        }
        return Ok(Advance::Steps(k));
    }
    match crate::units::Duration::parse(n) {
        Ok(d) if d.secs() > 0.0 => Ok(Advance::Span(d.secs())),
        _ => Err(format!(
            "advance: `{n}` is neither a number of steps nor a duration such as 1w"
        )),
    }
}

/// A decision: its kind and `key=value` pairs.
fn decision(words: &[String]) -> Result<(String, Vec<(String, String)>), String> {
    let Some((kind, rest)) = words.split_first() else {
        return Err("write a decision after `?`, e.g. `? hire pool=phone_team count=10`".into());
    };
    let kind = kind.to_lowercase();
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        let valid = [
            "advance",
            "status",
            "levers",
            "plan",
            "decisions",
            "undo",
            "end",
            "quit",
            "help",
        ]
        .iter()
        .copied()
        .chain(KINDS.iter().map(|(k, _)| *k));
        let hint = closest(&kind, valid)
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        return Err(format!(
            "unknown command `{kind}`: {hint}type `help` for the commands, `levers` for the decisions"
        ));
    }
    let mut pairs = Vec::new();
    for w in rest {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!(
                "`{w}`: write key=value, e.g. count=10 (`levers` lists the keys of {kind})"
            ));
        };
        let k = k.trim();
        if k.is_empty() || v.trim().is_empty() {
            return Err(format!("`{w}`: write key=value, e.g. count=10"));
        }
        pairs.push((k.to_string(), v.trim().to_string()));
    }
    Ok((kind, pairs))
}

/// Splits on spaces outside quotes, braces and brackets.
fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let (mut depth, mut quote) = (0i32, None::<char>);
    for ch in line.trim().chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(ch);
                cur.push(ch);
            }
            (None, '{' | '[') => {
                depth += 1;
                cur.push(ch);
            }
            (None, '}' | ']') => {
                depth -= 1;
                cur.push(ch);
            }
            (None, c) if c.is_whitespace() && depth == 0 => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if quote.is_some() {
        return Err("a quote is not closed".into());
    }
    if depth != 0 {
        return Err("a brace or bracket is not closed".into());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    Ok(words)
}

/// The closest word by edit distance (at most 2 edits).
fn closest<'a>(word: &str, valid: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let dist = |a: &str, b: &str| {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev[j] + usize::from(ca != *cb);
                cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
            }
            prev = cur;
        }
        prev[b.len()]
    };
    valid
        .map(|v| (dist(word, v), v))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_decisions() {
        assert_eq!(parse("").unwrap(), Command::Advance(Advance::Steps(1)));
        assert_eq!(
            parse("advance 3").unwrap(),
            Command::Advance(Advance::Steps(3))
        );
        assert_eq!(
            parse("advance 1w").unwrap(),
            Command::Advance(Advance::Span(604_800.0))
        );
        assert_eq!(parse("undo").unwrap(), Command::Undo);
        assert_eq!(parse("quit").unwrap(), Command::Quit);
        assert_eq!(
            parse("hire pool=phone_team count=10 lead_time=2w").unwrap(),
            Command::Decide(
                "hire".into(),
                vec![
                    ("pool".into(), "phone_team".into()),
                    ("count".into(), "10".into()),
                    ("lead_time".into(), "2w".into())
                ]
            )
        );
        assert_eq!(
            parse(r#"hours channel=hotline hours={ weekdays = "08:00-18:00" }"#).unwrap(),
            Command::Decide(
                "hours".into(),
                vec![
                    ("channel".into(), "hotline".into()),
                    ("hours".into(), r#"{ weekdays = "08:00-18:00" }"#.into())
                ]
            )
        );
        assert!(
            parse("hier pool=x")
                .unwrap_err()
                .contains("did you mean `hire`")
        );
        assert!(parse("hire pool").unwrap_err().contains("key=value"));
        assert!(parse("advance 0").is_err());
        assert!(parse("undo 2").is_err());
    }
}
