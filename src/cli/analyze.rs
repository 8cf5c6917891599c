//! `driftline analyze`: reads spreadsheet files, runs [`driftline::analyze`] and writes the
//! report as JSON (the same shape the page's `analyze` returns), as a summary table to read,
//! or as CSV, to standard output or an `--out` file.
//!
//! Arguments are handled in two stages: clap records and checks them ([`Args`], with the
//! input flags every subcommand shares), then `InputArgs::resolve` turns them into
//! ready-to-run library inputs (bytes read, date fixed, mapping parsed). This file owns the
//! output formats; it computes no statistics.

use super::files::Output;
use super::input::InputArgs;
use super::outcome::Status;
use super::summary::summary_text;
use super::{write_report, Failure};
use clap::ValueEnum;
use driftline::stats::TableOptions;
use std::path::PathBuf;

/// `driftline analyze FILE... [--as-at YYYY-MM-DD] [--profile NAME|PATH] [--mapping PATH]
/// [--breakdown ID] [--format json|summary|json-summary|csv] [--out PATH] [--problems PATH]
/// [--strict] [--force] [--max-file-mb MIB] [--max-uncompressed-mb MIB] [--max-cells N]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Split the summary's stages by this breakdown (placement, legal_status, age_at_entry,
    /// sex, local_authority, team, year_of_entry, route or attribute:NAME), and base each
    /// waiting child's forecast on their group in it where the group has at least 20
    /// completions (on the whole cohort otherwise, the default).
    #[arg(long, value_name = "ID")]
    breakdown: Option<String>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write the output to this file instead of standard output (its name must end in .json,
    /// .txt or .csv, as the format). It is created new: an existing file is left alone unless
    /// --force.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
}

/// How the report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// The full report: journeys, statistics and every problem (the page's `analyze`).
    Json,
    /// A table to read: counts, and per stage the children started, completed and waiting,
    /// the median days, within target and overdue (split by --breakdown).
    Summary,
    /// The JSON report without the journeys (counts, problems, stage statistics, checks).
    JsonSummary,
    /// The per-child stage table: one row per child, care period and stage (columns:
    /// `driftline help columns`).
    Csv,
}

impl Format {
    /// The file name extensions of the format.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Json | Format::JsonSummary => &["json"],
            Format::Summary => &["txt"],
            Format::Csv => &["csv"],
        }
    }
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<Status, Failure> {
    let out = args
        .out
        .as_deref()
        .map(|path| {
            Output::check(
                path,
                args.input.force,
                &args.input.files,
                args.format.extensions(),
            )
        })
        .transpose()?;
    let mut plan = args.input.resolve()?;
    plan.options.breakdown.clone_from(&args.breakdown);
    let (report, outcome) = plan.analyze()?;
    if let Some(b) = &plan.options.breakdown {
        check_breakdown(&report, b)?;
    }
    let out = out.as_ref();
    match args.format {
        Format::Json => write_report(out, |out| {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }),
        Format::Summary => write_report(out, |out| {
            out.write_all(summary_text(&report, args.breakdown.as_deref()).as_bytes())
        }),
        Format::JsonSummary => write_report(out, |out| {
            serde_json::to_writer_pretty(&mut *out, &report.summary())?;
            writeln!(out)
        }),
        Format::Csv => write_report(out, |out| {
            report.write_stage_csv(out, &TableOptions::default())
        }),
    }?;
    plan.finish(&outcome)
}

/// Fails unless some stage has groups for the breakdown (otherwise every forecast would
/// quietly fall back to the whole cohort).
fn check_breakdown(report: &driftline::Report, breakdown: &str) -> Result<(), Failure> {
    if report
        .stages
        .iter()
        .any(|s| s.groups.get(breakdown).is_some())
    {
        return Ok(());
    }
    let mut known: Vec<&str> = Vec::new();
    for s in &report.stages {
        for k in s.groups.keys() {
            if !known.contains(&k) {
                known.push(k);
            }
        }
    }
    Err(Failure::new(format!(
        "--breakdown {breakdown}: no such breakdown in this data; choose one of {}",
        known.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::super::{parse_date, today_utc};
    use chrono::NaiveDate;

    #[test]
    fn dates_must_be_iso() {
        let cases = [
            ("2024-03-31", NaiveDate::from_ymd_opt(2024, 3, 31)),
            ("2024-02-29", NaiveDate::from_ymd_opt(2024, 2, 29)),
            ("2023-02-29", None),
            ("31/03/2024", None),
            ("2024-3-31", None),
            ("", None),
            ("2024-03-31x", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_date(text).ok(), expected, "{text:?}");
        }
    }

    #[test]
    fn today_is_the_utc_date_of_the_system_clock() {
        // An independent computation of the same date, either side of the one under test.
        let independent = || {
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock after 1970")
                .as_secs();
            chrono::DateTime::from_timestamp(seconds as i64, 0)
                .expect("a timestamp")
                .date_naive()
        };
        let before = independent();
        let today = today_utc().expect("a usable clock");
        let after = independent();
        assert!(
            today == before || today == after,
            "{today} not in {before}..={after}"
        );
    }
}
