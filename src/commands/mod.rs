//! The commands behind the CLI. Each takes its parsed arguments, validates
//! them once, calls the library and writes to the given output stream; none
//! of them exits the process. Errors say whether the input was at fault
//! ([`CommandError::exit_code`] 2) or something else failed (1).

mod check;
mod compare;
mod erlang;
mod exercise;
mod init;
mod interrupt;
pub mod limits;
mod merge;
mod phases;
mod run;
mod schema;
mod shard;
mod staff;

pub use check::check;
pub use compare::compare;
pub use erlang::erlang;
pub use exercise::{debrief, exercise};
pub use init::{TEMPLATES, Template, init, scenarios};
pub use interrupt::handle_interrupts;
pub use merge::merge;
pub use run::{BUNDLED_SCENARIO, run};
pub use schema::schema;
pub use staff::staff;

use std::io::{self, Write};

use crate::report::folder::FolderError;
use crate::scenario::Diagnostics;

/// What went wrong in a command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// The scenario has problems (bad input: exit code 2).
    #[error("{0}")]
    Scenario(#[from] Diagnostics),
    /// A command-line value is invalid (bad input: exit code 2).
    #[error("{flag}: {message}")]
    Usage {
        /// The flag at fault, e.g. `--arrivals`.
        flag: String,
        /// What is wrong and what would be valid.
        message: String,
    },
    /// Writing output failed (exit code 1).
    #[error("cannot write {what}: {source}")]
    Output {
        /// What was being written.
        what: String,
        /// Cause.
        source: io::Error,
    },
    /// The output folder cannot take the results: bad input (not a folder,
    /// foreign files: exit code 2) or a file system failure (1).
    #[error("--out: {0}")]
    Folder(#[from] FolderError),
    /// Shards that cannot be merged: bad input (exit code 2) or a file
    /// that cannot be read (1).
    #[error("{0}")]
    Shard(#[from] crate::shard::ShardError),
    /// Anything else (exit code 1).
    #[error("{0}")]
    Failed(String),
}

impl CommandError {
    /// The process exit code: 2 for bad input, 1 for other failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            CommandError::Scenario(_) | CommandError::Usage { .. } => 2,
            CommandError::Folder(e) if e.is_input() => 2,
            CommandError::Shard(crate::shard::ShardError::Refused(_)) => 2,
            _ => 1,
        }
    }

    /// Whether this is a closed pipe on standard output (not an error).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CommandError::Output { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    fn usage(flag: &str, message: impl Into<String>) -> Self {
        CommandError::Usage {
            flag: flag.to_string(),
            message: message.into(),
        }
    }
}

/// Wraps an error writing to standard output.
fn stdout_err(source: io::Error) -> CommandError {
    CommandError::Output {
        what: "to standard output".into(),
        source,
    }
}

/// Writes a line to standard error, ignoring failure: a closed or full
/// standard error must not turn a result or a clean error into a panic.
pub fn to_stderr(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
    let _ = err.flush();
}
