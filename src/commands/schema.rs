//! `surgesim schema`: the JSON Schema of the scenario format
//! ([`crate::scenario::scenario_schema_json`]), printed or written to a
//! file, for editors with TOML support. The repository's
//! `scenario.schema.json` is this output.

use std::io::Write;

use crate::cli::SchemaArgs;
use crate::scenario::scenario_schema_json;

use super::{CommandError, stdout_err};

/// Prints the schema, or writes it to `--out`.
pub fn schema(args: &SchemaArgs, out: &mut dyn Write) -> Result<(), CommandError> {
    let text = scenario_schema_json();
    match &args.out {
        None => out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(stdout_err),
        Some(path) => super::exercise::write_whole(path, text.as_bytes()),
    }
}
