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
mod outcome;
mod spc;
mod summary;
mod template;

use clap::{Parser, Subcommand};
use driftline::Options;
use outcome::{exit_codes, Status};
use std::fmt;
use std::process::ExitCode;

/// Runs the command line and returns the process exit code (see `outcome::exit_codes!`): 0 on
/// success, 1 when rows were rejected under `--strict`, 2 on a usage error, an unreadable or
/// unused file, or a load that produced nothing usable.
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
        Command::Template(args) => template::run(args).map(|()| Status::Done),
        Command::Generate(args) => generate::run(args).map(|()| Status::Done),
        Command::Spc(args) => spc::run(args),
        Command::Columns => {
            write_stdout(|out| out.write_all(COLUMNS.as_bytes())).map(|()| Status::Done)
        }
    };
    match result {
        Ok(status) => ExitCode::from(status.code()),
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
#[command(name = "driftline", version, about, long_about = None, after_help = concat!("Examples (the demo data, as at 31 March 2024):\n  driftline analyze www/demo/*.csv --as-at 2024-03-31 --format summary\n  driftline chart www/demo/*.csv --as-at 2024-03-31 --kind timeline --child C0000038 --out child.svg\n  driftline help analyze      every option of a command\n  driftline columns           the columns of every CSV file\n\n", exit_codes!()))]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands, one file each in `src/cli/`.
#[derive(Debug, Subcommand)]
enum Command {
    /// Read spreadsheets and print the report: a summary table, the full JSON, or one CSV row
    /// per child, care period and stage.
    #[command(after_help = concat!(
        "Examples (the demo data, as at 31 March 2024):\n",
        "  driftline analyze www/demo/*.csv --as-at 2024-03-31 --format summary --breakdown age_at_entry\n",
        "  driftline analyze www/demo/*.csv --as-at 2024-03-31 --format csv --out stages.csv --problems problems.csv\n",
        "  driftline analyze returns/*.csv --profile england --format json --out report.json\n",
        "\nThe columns of the CSV files: driftline columns\n\n",
        exit_codes!()
    ))]
    Analyze(analyze::Args),
    /// Draw a chart to SVG or PNG, or write its numbers as CSV: timeline (one child), cohort
    /// (every child), delay, km, histogram, run, xmr or decomposition.
    #[command(after_help = concat!(
        "Examples (the demo data, as at 31 March 2024):\n",
        "  driftline chart www/demo/*.csv --as-at 2024-03-31 --kind timeline --child C0000038 --out child.svg\n",
        "  driftline chart www/demo/*.csv --as-at 2024-03-31 --kind delay --breakdown age_at_entry --out delay.csv\n",
        "  driftline chart www/demo/*.csv --as-at 2024-03-31 --kind xmr --stage first_review --aggregate quarter --out reviews.png\n",
        "\nThe columns of the CSV files: driftline columns\n\n",
        exit_codes!()
    ))]
    Chart(chart::Args),
    /// Write the Driftline template workbook (.xlsx) to fill in.
    #[command(
        after_help = "Examples:\n  driftline template --out template.xlsx\n  driftline template --out template.xlsx --force      replace it"
    )]
    Template(template::Args),
    /// Write a synthetic cohort (template CSV or xlsx, or SSDA903 tables or XML) for demos and
    /// tests.
    #[command(after_help = concat!(
        "Examples:\n",
        "  driftline generate --children 150 --seed 8 --as-at 2024-03-31 --messy-rate 0.03 --out demo\n",
        "      (the page's demo data, www/demo)\n",
        "  driftline generate --children 20000 --as-at 2025-03-31 --format ssda903-returns --out returns\n",
        "  driftline generate --children 500 --as-at 2025-03-31 --format template-xlsx --out cohort"
    ))]
    Generate(generate::Args),
    /// Run, XmR, MR or T chart of a column of a CSV file or spreadsheet, or of a stage's days,
    /// as JSON or CSV (to draw a stage's run or XmR chart: chart --kind run or xmr).
    #[command(after_help = concat!(
        "Examples:\n",
        "  driftline spc waits.csv --column days --date-column date --chart xmr\n",
        "  driftline spc waits.csv --chart run --rules ihi --format csv --out run.csv\n",
        "  driftline spc www/demo/*.csv --as-at 2024-03-31 --stage first_review --aggregate month --out reviews.json\n",
        "\nwaits.csv is any CSV file or sheet with a header row, a column of dates and a column of\n",
        "numbers, such as:\n  date,days\n  2024-01-01,40\n  2024-02-01,52\n\n",
        exit_codes!()
    ))]
    Spc(spc::Args),
    /// Describe every column of every CSV file Driftline writes (also `driftline help columns`).
    #[command(after_long_help = COLUMNS)]
    Columns,
}

/// The columns of every CSV file, from `docs/csv-columns.md`.
const COLUMNS: &str = include_str!("../../docs/csv-columns.md");

/// Why a subcommand could not do its job, in words for the person at the terminal. Every
/// failure exits with code 2.
#[derive(Debug)]
pub struct Failure {
    message: String,
    /// The failure is an input file over the size limit: the file is refused, and the others
    /// are still read.
    too_large: bool,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            too_large: false,
        }
    }

    /// The failure to read an input file larger than the limit.
    pub fn too_large(message: impl Into<String>) -> Self {
        Failure {
            too_large: true,
            ..Failure::new(message)
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses a command-line date, which must be written `YYYY-MM-DD`; otherwise says what is
/// wrong and, for a date written another way (`31/03/2025`), how to write it.
pub(crate) fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    use driftline::date::{parse_date_text, DateError};
    let b = text.as_bytes();
    let well_formed = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    if well_formed {
        if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(date);
        }
    }
    let long = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
    Err(match parse_date_text(text.trim()) {
        Ok(date) => format!(
            "write dates as YYYY-MM-DD (year, month, day): for {} write {}",
            long(date),
            date.format("%Y-%m-%d")
        ),
        Err(err @ DateError::Impossible { .. }) => format!(
            "the day {text} does not exist ({})",
            err.to_string().trim_start_matches("is not a real date: ")
        ),
        Err(DateError::MonthFirst { month_first }) => format!(
            "write dates as YYYY-MM-DD (year, month, day): if you mean {}, write {}",
            long(month_first),
            month_first.format("%Y-%m-%d")
        ),
        Err(_) => format!("expected a date written YYYY-MM-DD (such as 2024-03-31), got {text:?}"),
    })
}

/// Parses a whole number of at least `min`, saying what was expected otherwise (a negative
/// number is a value here, never mistaken for an option).
pub(crate) fn whole_number(text: &str, min: u64) -> Result<u64, String> {
    match text.trim().parse::<i128>() {
        Ok(n) if n >= i128::from(min) && n <= i128::from(u64::MAX) => Ok(n as u64),
        Ok(_) => Err(format!(
            "expected a whole number of {min} or more, got {text}"
        )),
        Err(_) => Err(format!(
            "expected a whole number of {min} or more (such as 12), got {text:?}"
        )),
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

/// Writes a report to the `--out` file if one was given (its bytes as written, so that no
/// shell re-encodes them), or else to standard output.
fn write_report(
    out: Option<&files::Output>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    match out {
        Some(output) => {
            let mut bytes = Vec::new();
            write(&mut bytes)
                .map_err(|err| Failure::new(format!("cannot build the output: {err}")))?;
            output.write(&bytes)
        }
        None => write_stdout(write),
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
