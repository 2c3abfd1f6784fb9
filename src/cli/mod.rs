//! The command line's parts, a module of the `claimlink` binary (not of the library):
//! the arguments, and one handler per subcommand that calls the library and prints.

pub(crate) mod args;
pub(crate) mod eval;
pub(crate) mod export;
pub(crate) mod index;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod train;

use std::process::ExitCode;

use anyhow::{Context, Result};

use args::ModelArgs;

/// `claimlink models`: the model folders and how they were trained.
pub(crate) fn models_command(args: &ModelArgs) -> Result<ExitCode> {
    let paths = args.paths();
    let report = claimlink::model_paths::describe(&paths)
        .with_context(|| format!("cannot list models in {}", paths.models.display()))?;
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}
