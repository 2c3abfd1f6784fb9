//! The command line's parts, a module of the `claimlink` binary (not of the library):
//! the arguments, and one handler per subcommand that calls the library and prints.

pub mod args;
pub mod eval;
pub mod export;
pub mod index;
pub mod report;
pub mod run;
pub mod train;

use std::process::ExitCode;

use anyhow::{Context, Result};

use args::ModelArgs;

/// `claimlink models`: the model folders and how they were trained.
pub fn models_command(args: &ModelArgs) -> Result<ExitCode> {
    let paths = args.paths();
    let report = claimlink::model_paths::describe(&paths)
        .with_context(|| format!("cannot list models in {}", paths.models.display()))?;
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}
