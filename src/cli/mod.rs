//! The command line: parses arguments and dispatches to one subcommand.
//!
//! Each subcommand is one file in this folder holding a clap `Args` struct and a
//! `run(&Args) -> Result<(), Failure>` function; adding a subcommand is one new file plus one
//! arm of [`Command`]. This module owns turning arguments, files and standard output into
//! library calls and exit codes. It computes nothing itself: every answer comes from the
//! `driftline` library.

mod analyze;
mod chart;
mod files;
mod generate;
mod input;
mod spc;
mod template;

use clap::{Parser, Subcommand};
use driftline::Options;
use std::fmt;
use std::process::ExitCode;

/// Runs the command line and returns the process exit code: 0 on success, 2 on a usage error,
/// an unreadable file or a load that produced nothing usable.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // `--help` and `--version` are "errors" that print to stdout and succeed.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match &cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Chart(args) => chart::run(args),
        Command::Template(args) => template::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Spc(args) => spc::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // A message may quote a cell or a file name: nothing in it reaches the terminal as
            // a control sequence (an escape, a bidi override), only as `⟨U+001B⟩`.
            for line in failure.message.lines() {
                eprintln!("driftline: {}", driftline::visible::visible_text(line));
            }
            ExitCode::from(2)
        }
    }
}

/// Drift and delay in children's journeys through care, from spreadsheets, on this computer.
#[derive(Debug, Parser)]
#[command(name = "driftline", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands, one file each in `src/cli/`.
#[derive(Debug, Subcommand)]
enum Command {
    /// Read spreadsheets and print the report (journeys, counts and every problem found).
    Analyze(analyze::Args),
    /// Draw a chart (a child's timeline, the cohort view) to an SVG or PNG file.
    Chart(chart::Args),
    /// Write the Driftline template workbook (.xlsx) to fill in.
    Template(template::Args),
    /// Write a synthetic cohort (template CSV or xlsx, or SSDA903 CSV) for demos and tests.
    Generate(generate::Args),
    /// Run chart or SPC chart (XmR, MR, T) of one column of a CSV or spreadsheet, as JSON.
    Spc(spc::Args),
}

/// Why a subcommand could not do its job, in words for the person at the terminal. Every
/// failure exits with code 2.
#[derive(Debug)]
pub struct Failure {
    message: String,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses a command-line date, which must be written `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    let b = text.as_bytes();
    let well_formed = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) if well_formed => Ok(date),
        _ => Err(format!("expected a date written YYYY-MM-DD, got {text:?}")),
    }
}

/// Today's date in UTC, from the system clock. Only the command line reads the clock; the
/// library always takes the date as a parameter.
pub(crate) fn today_utc() -> Result<chrono::NaiveDate, Failure> {
    let clock_error = || Failure::new("the system clock is unusable; pass --as-at YYYY-MM-DD");
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| clock_error())?
        .as_secs();
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(seconds / 86_400)))
        .ok_or_else(clock_error)
}

/// The library's options for an "as at" date given on the command line or, without one, for
/// the latest date in the files (not after today): an extract is as at the day it was taken.
pub(crate) fn as_at_options(given: Option<chrono::NaiveDate>) -> Result<Options, Failure> {
    Ok(match given {
        Some(date) => Options::new(date),
        None => Options::as_at_latest_in_data(today_utc()?),
    })
}

/// Says on standard error which "as at" date and timescales a report used when they were not
/// given, and why.
pub(crate) fn say_as_at(report: &driftline::Report) {
    if report.as_at_basis != driftline::AsAtBasis::Given {
        eprintln!(
            "driftline: as at {}, {} (give --as-at YYYY-MM-DD to change it)",
            report.as_at.format("%Y-%m-%d"),
            report.as_at_basis.words()
        );
    }
    if report.profile_basis != driftline::ProfileBasis::Given {
        if let Some(profile) = &report.profile {
            eprintln!(
                "driftline: timescales: {} ({}), because {} (give --profile to change them)",
                driftline::visible::visible(&profile.label),
                driftline::visible::visible(&profile.id),
                report.profile_basis.words()
            );
        }
    }
}

/// Writes to standard output, turning a closed pipe or full disk into a [`Failure`] instead of
/// the panic that `println!` would give.
fn write_stdout(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write(&mut out)
        .and_then(|()| std::io::Write::flush(&mut out))
        .map_err(|err| Failure::new(format!("cannot write the output: {err}")))
}
