//! `surgesim init` and `surgesim scenarios`: the bundled scenarios (and a
//! short starter) written out of the binary as editable files, so that a
//! user with only the binary has a scenario to start from.

use std::io::Write;
use std::path::Path;

use crate::cli::InitArgs;

use super::{CommandError, stdout_err};

/// A bundled scenario: its name, files (name, text) and what it is.
pub struct Template {
    /// Name as typed (`surgesim init crisis`).
    pub name: &'static str,
    /// What it represents, in one line.
    pub description: &'static str,
    /// The files: the scenario first, then its tables.
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! file {
    ($name:literal) => {
        ($name, include_str!(concat!("../../scenarios/", $name)))
    };
}

/// Every template, the starter first.
pub const TEMPLATES: &[Template] = &[
    Template {
        name: "starter",
        description: "a short commented starter: one agency, a phone line and an inbox, a surge, one hire (runs as it is)",
        files: &[("starter.toml", include_str!("../../templates/starter.toml"))],
    },
    Template {
        name: "quickstart",
        description: "one phone line, steady demand, seven agents, two weeks; checkable by hand with `surgesim erlang`",
        files: &[file!("quickstart.toml")],
    },
    Template {
        name: "crisis",
        description: "a migration agency in the 2022 temporary-protection influx, 120 days: hotline, inbox, desk, case files, a contingency plan (the bundled scenario)",
        files: &[file!("crisis.toml")],
    },
    Template {
        name: "exercise",
        description: "a regional immigration office over six weeks, with a contingency plan and five injects: the bundled preparedness exercise",
        files: &[file!("exercise.toml")],
    },
    Template {
        name: "registration_centre",
        description: "Belgium's registration centre from March 2022, 75 days: walk-in registration, booking, the phone line (with its daily arrival tables)",
        files: &[
            file!("registration_centre.toml"),
            file!("registration_centre_arrivals.csv"),
            file!("registration_centre_booked.csv"),
            file!("registration_centre_walkin.csv"),
        ],
    },
    Template {
        name: "long_wave",
        description: "a national agency through the asylum autumn of 2015, June to December, hiring about 200 a month (with its inflow table)",
        files: &[file!("long_wave.toml"), file!("long_wave_inflow.csv")],
    },
    Template {
        name: "small_agency",
        description: "a five-person customer service that gets a year's renewal questions in one week, over three weeks",
        files: &[file!("small_agency_week.toml")],
    },
    Template {
        name: "helpline",
        description: "a national Ukraine helpline's first month (Belgium 2022: 6,253 calls, 10 agents)",
        files: &[file!("helpline.toml")],
    },
];

/// Runs `surgesim scenarios`.
pub fn scenarios(out: &mut dyn Write) -> Result<(), CommandError> {
    let mut s = String::from(
        "Bundled scenarios (`surgesim init NAME [DIR]` writes one as editable files):\n\n",
    );
    for t in TEMPLATES {
        let files: Vec<&str> = t.files.iter().map(|f| f.0).collect();
        s.push_str(&format!(
            "  {:<20} {}\n  {:<20} files: {}\n",
            t.name,
            t.description,
            "",
            files.join(", ")
        ));
    }
    s.push_str("\n`surgesim init` without a name writes the starter.\n");
    out.write_all(s.as_bytes()).map_err(stdout_err)
}

/// The schema's file name beside the written scenarios.
const SCHEMA_FILE: &str = "scenario.schema.json";

/// `text` of the bundled file `file` with its `#:schema` line (which names
/// the repository's schema, one folder up) pointing at the schema written
/// beside it.
fn local_schema_line(file: &str, text: &str) -> String {
    match text.strip_prefix("#:schema ../scenario.schema.json\n") {
        Some(rest) if file.ends_with(".toml") => format!("#:schema {SCHEMA_FILE}\n{rest}"),
        _ => text.to_string(),
    }
}

/// Runs `surgesim init`.
pub fn init(args: &InitArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let name = args.template.as_deref().unwrap_or("starter");
    let Some(t) = TEMPLATES.iter().find(|t| t.name == name) else {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        return Err(CommandError::Usage {
            flag: "TEMPLATE".into(),
            message: format!(
                "no bundled scenario `{name}`; valid: {} (`surgesim scenarios` describes them)",
                names.join(", ")
            ),
        });
    };
    let dir = args.dir.as_deref().unwrap_or(Path::new("."));
    if dir.exists() && !dir.is_dir() {
        return Err(CommandError::Usage {
            flag: "DIR".into(),
            message: format!("{} is not a folder", dir.display()),
        });
    }
    // The files to write: the template's, each scenario naming the schema
    // beside it, and the schema itself, so that an editor with TOML support
    // completes and checks keys in the user's folder too.
    let schema = crate::scenario::scenario_schema_json();
    let mut files: Vec<(&str, String)> = t
        .files
        .iter()
        .map(|(f, text)| (*f, local_schema_line(f, text)))
        .collect();
    files.push((SCHEMA_FILE, schema));
    let existing: Vec<String> = files
        .iter()
        .map(|(f, text)| (dir.join(f), text))
        // An identical schema from an earlier `init` is no conflict.
        .filter(|(p, text)| {
            p.exists()
                && !(p.ends_with(SCHEMA_FILE)
                    && std::fs::read(p).is_ok_and(|b| b == text.as_bytes()))
        })
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() && !args.force {
        return Err(CommandError::Usage {
            flag: "DIR".into(),
            message: format!(
                "{} already there; nothing was written (--force replaces {})",
                existing.join(", "),
                if existing.len() == 1 { "it" } else { "them" }
            ),
        });
    }
    let failed = |what: &Path, source| CommandError::Output {
        what: what.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    let mut written = Vec::new();
    for (file, text) in &files {
        let path = dir.join(file);
        super::exercise::write_whole(&path, text.as_bytes())?;
        written.push(path.display().to_string());
    }
    let scenario = dir.join(t.files[0].0);
    let msg = format!(
        "Wrote {}.\nNext:\n  surgesim check {s}    # what it means, and any problem\n  surgesim run {s}      # results and report.html in out/\n",
        written.join(", "),
        s = scenario.display()
    );
    out.write_all(msg.as_bytes()).map_err(stdout_err)
}
