//! The `surgesim` binary: parse the command line, call the library, map
//! errors to exit codes (0 ok, 1 failure, 2 bad input; 130 / 143 after
//! SIGINT / SIGTERM, the output folder left as it was). A closed pipe on
//! standard output is not an error, and a closed or full standard error
//! changes no exit code.

use std::process::ExitCode;

use clap::Parser;

use surgesim::cli::{Cli, Command};
use surgesim::commands::{self, CommandError};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap: 0 for --help/--version, 2 for usage errors.
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    // Without it an interrupt still stops the run; only the clean-up of
    // its staging folder would wait for the next run.
    let _ = commands::handle_interrupts();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            commands::to_stderr(&format!("error: {}", e.to_string().trim_end()));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn run(cli: &Cli) -> Result<(), CommandError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &cli.command {
        Command::Run(args) => commands::run(args, &mut out),
        Command::Check(args) => commands::check(args, &mut out),
        Command::Erlang(args) => commands::erlang(args, &mut out),
        Command::Compare(args) => commands::compare(args, &mut out),
        Command::Merge(args) => commands::merge(args, &mut out),
        Command::Staff(args) => commands::staff(args, &mut out),
        Command::Exercise(args) => commands::exercise(args, &mut out),
        Command::Debrief(args) => commands::debrief(args, &mut out),
        Command::Init(args) => commands::init(args, &mut out),
        Command::Scenarios => commands::scenarios(&mut out),
        Command::Schema(args) => commands::schema(args, &mut out),
    }
}
