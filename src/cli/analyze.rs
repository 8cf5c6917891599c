//! `driftline analyze`: reads spreadsheet files, runs [`driftline::analyze`] and prints the
//! report as JSON (the same shape the page's `analyze` returns) or as CSV.
//!
//! Arguments are handled in two stages: clap records and checks them ([`Args`], with the
//! input flags every subcommand shares), then `InputArgs::resolve` turns them into
//! ready-to-run library inputs (bytes read, date fixed, mapping parsed). This file owns the
//! output formats; it computes no statistics.

use super::input::InputArgs;
use super::{write_stdout, Failure};
use clap::ValueEnum;
use driftline::stats::TableOptions;

/// `driftline analyze FILE... [--as-at YYYY-MM-DD] [--profile NAME|PATH] [--mapping PATH]
/// [--breakdown ID] [--format json|summary|csv] [--max-file-mb MIB] [--max-uncompressed-mb MIB]
/// [--max-cells N]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Base each waiting child's forecast on their group in this breakdown (placement,
    /// legal_status, age_at_entry, sex, local_authority, team, year_of_entry, route or
    /// attribute:NAME) where the group has at least 20 completions; on the whole cohort
    /// otherwise (the default).
    #[arg(long, value_name = "ID")]
    breakdown: Option<String>,
    /// The output format: `json` is the full report; `summary` is the report without the
    /// journeys; `csv` is the per-child stage table (one row per child, care period and stage).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

/// How the report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    /// The JSON report without the journeys (counts, problems, stage statistics, checks).
    Summary,
    Csv,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let mut plan = args.input.resolve()?;
    plan.options.breakdown.clone_from(&args.breakdown);
    let report = plan.analyze()?;
    if let Some(b) = &plan.options.breakdown {
        check_breakdown(&report, b)?;
    }
    match args.format {
        Format::Json => write_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }),
        Format::Summary => write_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &report.summary())?;
            writeln!(out)
        }),
        Format::Csv => write_stdout(|out| report.write_stage_csv(out, &TableOptions::default())),
    }
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
