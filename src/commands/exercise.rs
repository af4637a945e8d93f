//! `surgesim exercise` and `surgesim debrief`: the session loop (a terminal
//! or a script on standard input) and the debrief files.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{DebriefArgs, ExerciseArgs};
use crate::exercise::command::{Advance, HELP, parse};
use crate::exercise::{Command, DecisionsFile, Session, briefing, debrief as run_debrief, view};
use crate::report::folder::OutputFolder;
use crate::report::manifest::Manifest;
use crate::scenario::{LoadedScenario, load_file, parse_str};
use crate::units::Duration;

use super::{CommandError, stdout_err};

/// The bundled exercise scenario, compiled into the binary.
pub const BUNDLED_EXERCISE: &str = include_str!("../../scenarios/exercise.toml");

fn load(path: Option<&PathBuf>) -> Result<LoadedScenario, CommandError> {
    Ok(match path {
        Some(p) => load_file(p)?,
        None => parse_str(
            BUNDLED_EXERCISE,
            "<bundled exercise.toml>",
            PathBuf::from("."),
        )?,
    })
}

/// Writes `bytes` to `path` whole: a temporary file beside it, synced, then
/// renamed over it.
pub(super) fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CommandError> {
    let failed = |source| CommandError::Output {
        what: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = path.with_file_name(format!(".{name}.partial"));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}

fn usage(flag: &str, m: impl Into<String>) -> CommandError {
    CommandError::Usage {
        flag: flag.into(),
        message: m.into(),
    }
}

/// Reads a decisions file (exit 2 on problems).
fn read_decisions(path: &Path) -> Result<DecisionsFile, CommandError> {
    let text = crate::scenario::read_text(path, 16 << 20)
        .map_err(|(m, _)| usage("DECISIONS", format!("{}: {m}", path.display())))?;
    DecisionsFile::parse(&text, &path.display().to_string()).map_err(|m| usage("DECISIONS", m))
}

/// A session on `loaded` with the decisions of `file` (checked as if typed:
/// problems name the decision and the key).
fn session_from(
    loaded: LoadedScenario,
    seed: Option<u64>,
    step_s: f64,
    file: Option<&DecisionsFile>,
    origin: &str,
) -> Result<Session, CommandError> {
    let seed = seed.or(file.map(|f| f.seed));
    let mut s = Session::new(loaded, seed, step_s).map_err(|m| usage("SCENARIO", m))?;
    if let Some(f) = file {
        s.load_decisions(f)
            .map_err(|m| usage("--decisions", format!("{origin}: {m}")))?;
    }
    Ok(s)
}

/// Runs `surgesim exercise`.
pub fn exercise(args: &ExerciseArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let step_s = Duration::parse(&args.step)
        .map_err(|m| usage("--step", m))?
        .secs();
    if args.replications < 2 || args.replications > 100_000 {
        return Err(usage("-n", "must be between 2 and 100000"));
    }
    let loaded = load(args.scenario.as_ref())?;
    let decisions_path = args
        .decisions
        .clone()
        .unwrap_or_else(|| args.out.join("decisions.toml"));
    let resumed = if decisions_path.exists() {
        Some(read_decisions(&decisions_path)?)
    } else {
        None
    };
    if let Some(f) = &resumed
        && !f.scenario_hash.is_empty()
        && f.scenario_hash != loaded.hash
    {
        super::to_stderr(&format!(
            "note: {} was recorded on another version of the scenario ({}); its decisions are replayed on this one",
            decisions_path.display(),
            f.scenario
        ));
    }
    let origin = decisions_path.display().to_string();
    let mut s = session_from(loaded, args.seed, step_s, resumed.as_ref(), &origin)?;
    if let Some(f) = &resumed
        && let Some(p) = f.played_to
    {
        let to = p.secs_after(s.model().start);
        let ratio = to / step_s;
        s.jump_to((ratio.floor()) * step_s);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let clear = interactive && !args.plain;
    // The briefing, before anything else.
    let brief = briefing::briefing(s.loaded(), s.model(), s.seed, s.step_s);
    write_whole(&args.out.join("briefing.html"), brief.as_bytes())?;
    save(&s, &decisions_path)?;
    let say = |out: &mut dyn Write, text: &str| -> Result<(), CommandError> {
        out.write_all(text.as_bytes()).map_err(stdout_err)?;
        if !text.ends_with('\n') {
            out.write_all(b"\n").map_err(stdout_err)?;
        }
        out.flush().map_err(stdout_err)
    };
    say(
        out,
        &format!(
            "surgesim exercise: {}\nBriefing: {}   Decisions recorded in: {}\nOne step is {}; type `help` for the commands, `levers` for the decisions.{}\n",
            s.model().name,
            args.out.join("briefing.html").display(),
            decisions_path.display(),
            crate::units::human_duration(step_s),
            match &resumed {
                Some(f) => format!(
                    "\nResumed: {} decisions replayed, at {}.",
                    f.decisions.len(),
                    view::when(s.model(), s.now_s)
                ),
                None => String::new(),
            }
        ),
    )?;
    let mine = |d: &[crate::exercise::Decision]| -> Vec<String> {
        d.iter().map(|d| d.id.clone()).collect()
    };
    let mut news: Vec<String> = Vec::new();
    let show = |s: &mut Session, news: &[String]| -> String {
        let (now, step) = (s.now_s, s.step_s);
        let (m, w) = s.model_and_world();
        view::situation(m, w, now, step, news)
    };
    say(out, &show(&mut s, &news))?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            let prompt = if s.finished() {
                "the end> ".to_string()
            } else {
                format!("day {}> ", (s.now_s / 86_400.0).floor() as i64 + 1)
            };
            out.write_all(prompt.as_bytes()).map_err(stdout_err)?;
            out.flush().map_err(stdout_err)?;
        }
        let line = match lines.next() {
            None => break,
            Some(Ok(l)) => l,
            Some(Err(e)) => {
                return Err(CommandError::Failed(format!(
                    "cannot read standard input: {e}"
                )));
            }
        };
        let line = line.trim().to_string();
        if line.starts_with('#') {
            continue;
        }
        if !interactive {
            say(out, &format!("> {line}"))?;
        }
        let cmd = match parse(&line) {
            Ok(c) => c,
            Err(m) => {
                say(out, &format!("refused: {m}"))?;
                continue;
            }
        };
        match cmd {
            Command::Quit => break,
            Command::Help => say(out, HELP)?,
            Command::Status => say(out, &show(&mut s, &news))?,
            Command::Levers => say(out, &levers(&s))?,
            Command::Decisions => {
                if s.decisions.is_empty() {
                    say(out, "no decisions yet")?;
                } else {
                    let mut t = String::new();
                    for d in &s.decisions {
                        t.push_str(&format!("  {:<26} decided {}: {}\n", d.id, d.at, d.typed));
                    }
                    say(out, &t)?;
                }
            }
            Command::Advance(a) => {
                if s.finished() {
                    say(out, "the crisis is over: `quit` writes the debrief")?;
                    continue;
                }
                let steps = match a {
                    Advance::Steps(n) => n,
                    Advance::Span(d) => {
                        let k = d / s.step_s;
                        if (k - k.round()).abs() > 1e-9 || k.round() < 1.0 {
                            say(
                                out,
                                &format!(
                                    "refused: advance: {} is not a whole number of steps of {}",
                                    crate::units::human_duration(d),
                                    crate::units::human_duration(s.step_s)
                                ),
                            )?;
                            continue;
                        }
                        k.round() as u32
                    }
                };
                let (from, to) = s.advance(steps);
                let ids = mine(&s.decisions);
                let (m, w) = s.model_and_world();
                news = view::news(m, w, from, to, &|id| ids.iter().any(|x| x == id));
                save(&s, &decisions_path)?;
                let mut text = String::new();
                if clear {
                    text.push_str("\x1b[2J\x1b[H");
                }
                text.push_str(&show(&mut s, &news));
                if s.finished() {
                    text.push_str("\nThe crisis is over. `quit` saves the decisions and writes the debrief.\n");
                }
                say(out, &text)?;
            }
            Command::Undo => {
                let r = s.undo();
                save(&s, &decisions_path)?;
                say(out, &r.unwrap_or_else(|m| format!("refused: {m}")))?;
            }
            Command::End(id) => {
                let r = s.end(&id);
                save(&s, &decisions_path)?;
                say(out, &r.unwrap_or_else(|m| format!("refused: {m}")))?;
            }
            Command::Plan(id) => {
                let r = s.enact(&id);
                save(&s, &decisions_path)?;
                say(
                    out,
                    &r.map(|t| format!("decided {t}"))
                        .unwrap_or_else(|m| format!("refused: {m}")),
                )?;
            }
            Command::Decide(kind, pairs) => {
                let r = s.decide(&kind, &pairs);
                save(&s, &decisions_path)?;
                say(
                    out,
                    &r.map(|t| format!("decided {t}"))
                        .unwrap_or_else(|m| format!("refused: {m}")),
                )?;
            }
            Command::Preview(kind, pairs) => {
                // Decide, describe, take back: the session is as it was.
                let before = s.decisions.len();
                let r = s.decide(&kind, &pairs);
                if s.decisions.len() > before {
                    let _ = s.undo();
                }
                say(
                    out,
                    &r.map(|t| {
                        format!(
                            "would be {}",
                            t.replace("\n  (`undo` takes it back before it is in effect)", "")
                        )
                    })
                    .unwrap_or_else(|m| format!("refused: {m}")),
                )?;
            }
        }
    }
    save(&s, &decisions_path)?;
    say(
        out,
        &format!(
            "Exercise ended at {} with {} decisions, saved in {}.",
            view::when(s.model(), s.now_s),
            s.decisions.len(),
            decisions_path.display()
        ),
    )?;
    if args.no_debrief {
        return Ok(());
    }
    let dir = args.out.join("debrief");
    let text = write_debrief(
        &s,
        &dir,
        run_debrief::Options {
            replications: args.replications,
            threads: args.threads,
            progress: std::io::stderr().is_terminal(),
            window_s: 28.0 * 86_400.0,
        },
        &decisions_path,
    )?;
    say(out, &text)
}

fn save(s: &Session, path: &Path) -> Result<(), CommandError> {
    write_whole(path, s.decisions_file().to_toml().as_bytes())
}

/// The levers: decisions with examples in the scenario's names, and the
/// scenario's plan actions.
fn levers(s: &Session) -> String {
    let m = s.model();
    let mut t = String::from(
        "Decisions (kind key=value ...; the keys are the scenario's action keys, see the README):\n",
    );
    for (kind, what) in crate::exercise::decision::KINDS {
        t.push_str(&format!(
            "  {kind:<14} {what}\n  {:<14} e.g. {}\n",
            "",
            briefing::example(m, kind)
        ));
    }
    t.push_str(&format!(
        "Pools: {}\nChannels: {}\nTopics: {}\n",
        m.pools
            .iter()
            .map(|p| format!("{} ({})", p.name, p.headcount))
            .collect::<Vec<_>>()
            .join(", "),
        m.channels
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        m.topics.join(", ")
    ));
    let plan: Vec<&crate::scenario::Action> = s
        .loaded()
        .scenario
        .actions
        .iter()
        .filter(|a| a.plan.is_some())
        .collect();
    if !plan.is_empty() {
        t.push_str("The contingency plan's measures (`plan ID` takes one now):\n");
        for a in plan {
            t.push_str(&format!(
                "  {:<24} {}\n",
                a.id,
                a.description.as_deref().unwrap_or("")
            ));
        }
    }
    t
}

/// Runs the debrief and writes its folder whole; returns the summary text.
fn write_debrief(
    s: &Session,
    dir: &Path,
    opts: run_debrief::Options,
    decisions: &Path,
) -> Result<String, CommandError> {
    let (mut folder, notes) = OutputFolder::prepare(dir)?;
    for n in notes {
        super::to_stderr(&format!("note: {n}"));
    }
    let d = run_debrief::debrief(s, opts).map_err(CommandError::Failed)?;
    let m = d.model();
    let mut drawn = Vec::new();
    for (name, chart) in d.charts() {
        let svg = crate::report::charts::svg(m, &chart).map_err(CommandError::Failed)?;
        let png = crate::report::charts::png(m, &chart).map_err(CommandError::Failed)?;
        folder.write(&format!("charts/{name}.svg"), svg.as_bytes())?;
        folder.write(&format!("charts/{name}.png"), &png)?;
        drawn.push((name, svg));
    }
    folder.write("debrief.html", d.html(&drawn).as_bytes())?;
    let json =
        serde_json::to_vec_pretty(&d.json()).map_err(|e| CommandError::Failed(e.to_string()))?;
    folder.write("debrief.json", &json)?;
    let text = d.summary_text();
    folder.write("summary.txt", text.as_bytes())?;
    folder.write("decisions.toml", s.decisions_file().to_toml().as_bytes())?;
    let _ = decisions;
    let manifest = Manifest::new("debrief", &m.scenario_hash, m.seed, opts.replications);
    folder.finish(manifest)?;
    Ok(format!(
        "{text}\nWrote {}\n",
        dir.join("debrief.html").display()
    ))
}

/// Runs `surgesim debrief`.
pub fn debrief(args: &DebriefArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    if args.replications < 2 || args.replications > 100_000 {
        return Err(usage("-n", "must be between 2 and 100000"));
    }
    let window_s = Duration::parse(&args.window)
        .map_err(|m| usage("--window", m))?
        .secs();
    if window_s.is_nan() || window_s <= 0.0 {
        return Err(usage("--window", "must be longer than zero"));
    }
    let loaded = load_file(&args.scenario)?;
    let file = read_decisions(&args.decisions)?;
    let origin = args.decisions.display().to_string();
    let mut s = session_from(loaded, None, file.step_s, Some(&file), &origin)?;
    if let Some(p) = file.played_to {
        s.jump_to(p.secs_after(s.model().start));
    }
    let text = write_debrief(
        &s,
        &args.out,
        run_debrief::Options {
            replications: args.replications,
            threads: args.threads,
            progress: !args.quiet && std::io::stderr().is_terminal(),
            window_s,
        },
        &args.decisions,
    )?;
    if !args.quiet {
        out.write_all(text.as_bytes()).map_err(stdout_err)?;
    }
    Ok(())
}

/// The model of `run --decisions FILE`: the scenario's plans off, the
/// file's decisions on.
pub fn decisions_model(
    loaded: &LoadedScenario,
    path: &Path,
) -> Result<crate::model::Model, CommandError> {
    let file = read_decisions(path)?;
    crate::exercise::build(
        loaded,
        crate::exercise::World::Trainees,
        &file.decisions,
        file.seed,
    )
    .map_err(|m| usage("--decisions", format!("{}: {m}", path.display())))
}
