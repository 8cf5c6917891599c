//! The `driftline` command line: a thin shell over the library. Argument parsing and the
//! subcommands live in `src/cli/`; nothing here computes anything.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// The command line is native only; the wasm build of the crate is the library.
#[cfg(target_arch = "wasm32")]
fn main() {}
