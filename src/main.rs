//! The `claimlink` command line: parses arguments, calls the library, maps outcomes to
//! exit codes (0 success, 1 a run with per-line errors, 2 bad usage or a failed run).
//! The arguments and the handlers are in `cli`; this file only dispatches.

mod cli;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use cli::args::{Cli, Command};

/// Keeps freed memory in the process between batches: returning it to the OS and faulting
/// it back in costs more than the inference itself on small batches.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}

/// Ends the process quietly, as Unix filters do, when the reader of stdout goes away
/// (`claimlink run big.jsonl | head`); Rust ignores SIGPIPE, so printing would panic.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: resets one signal disposition; called before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    tune_malloc();
    restore_sigpipe();
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("claimlink: error: {}", chain(&e));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes, each said once: a cause whose text the message before it
/// already includes (as "cannot write X: No space left") is not repeated.
fn chain(error: &anyhow::Error) -> String {
    let mut said = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !said.contains(&text) {
            if !said.is_empty() {
                said.push_str(": ");
            }
            said.push_str(&text);
        }
    }
    said
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => cli::run::run_command(args),
        Command::Eval(command) => cli::eval::eval_command(command),
        Command::Train(command) => cli::train::train_command(command),
        Command::Models(args) => cli::models_command(&args),
        Command::Bench(args) => cli::run::bench_command(args),
        Command::Index(args) => cli::index::index_command(&args),
        Command::Search(args) => cli::index::search_command(&args),
        Command::Export(args) => cli::export::export_command(&args),
        Command::Report(args) => cli::report::report_command(&args),
    }
}
