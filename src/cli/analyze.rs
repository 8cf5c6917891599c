//! `driftline analyze`: reads spreadsheet files, runs [`driftline::analyze`] and prints the
//! report as JSON (the same shape the page's `analyze` returns) or as CSV.
//!
//! Arguments are handled in two stages: clap records and checks them ([`Args`]), then
//! [`Plan::resolve`] turns them into ready-to-run library inputs (bytes read, date fixed,
//! mapping parsed). This file owns that resolution and the output formats; it computes no
//! statistics.

use super::{parse_date, today_utc, write_stdout, Failure};
use chrono::NaiveDate;
use clap::ValueEnum;
use driftline::stats::{Profile, TableOptions};
use driftline::{InputFile, Mapping, Options};
use std::path::{Path, PathBuf};

/// `driftline analyze FILE... [--as-at YYYY-MM-DD] [--profile NAME|PATH] [--mapping PATH]
/// [--breakdown ID] [--format json|summary|csv] [--max-file-mb MIB] [--max-uncompressed-mb MIB]
/// [--max-cells N]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spreadsheet files: xlsx, xlsm, xls, ods, csv or tsv. Give one workbook, or one file per
    /// table (children, placements, legal, events).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The date the analysis is "as at": waits are measured up to it and later dates are
    /// flagged. Defaults to today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_at: Option<NaiveDate>,
    /// A timescale profile, by name or by the path of a profile file.
    #[arg(long, value_name = "NAME|PATH")]
    profile: Option<String>,
    /// A saved column and label mapping (a JSON file holding no data).
    #[arg(long, value_name = "PATH")]
    mapping: Option<PathBuf>,
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
    /// Refuse any file larger than this many MiB (default 256, as in the page).
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..))]
    max_file_mb: Option<u64>,
    /// Refuse a workbook whose zip parts expand to more than this many MiB (default 1024).
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..))]
    max_uncompressed_mb: Option<u64>,
    /// Refuse a workbook with more cells than this, all sheets together (default 16000000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_cells: Option<u64>,
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
    let plan = Plan::resolve(args)?;
    let files: Vec<InputFile<'_>> = plan
        .files
        .iter()
        .map(|(name, bytes)| InputFile {
            name,
            bytes: bytes.as_slice(),
        })
        .collect();
    let report = driftline::analyze(&files, &plan.options)
        .map_err(|err| Failure::new(format!("nothing usable could be read:\n{err}")))?;
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

/// Arguments resolved into what the library takes.
struct Plan {
    /// Each file's name (as shown in messages) and its bytes.
    files: Vec<(String, Vec<u8>)>,
    options: Options,
}

impl Plan {
    fn resolve(args: &Args) -> Result<Plan, Failure> {
        let as_at = match args.as_at {
            Some(date) => date,
            None => today_utc()?,
        };
        let mut options = Options::new(as_at);
        if let Some(profile) = &args.profile {
            options.profile = read_profile(profile)?;
        }
        if let Some(path) = &args.mapping {
            options.mapping = Some(read_mapping(path)?);
        }
        options.breakdown.clone_from(&args.breakdown);
        const MIB: u64 = 1024 * 1024;
        if let Some(mb) = args.max_file_mb {
            options.limits.max_file_bytes = mb.saturating_mul(MIB);
        }
        if let Some(mb) = args.max_uncompressed_mb {
            options.limits.max_uncompressed_bytes = mb.saturating_mul(MIB);
        }
        if let Some(n) = args.max_cells {
            options.limits.max_cells = n;
        }
        let files = args
            .files
            .iter()
            .map(|path| {
                let bytes = std::fs::read(path).map_err(|err| {
                    Failure::new(format!("cannot read {}: {err}", path.display()))
                })?;
                Ok((display_name(path), bytes))
            })
            .collect::<Result<_, Failure>>()?;
        Ok(Plan { files, options })
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

/// The name a file is known by in the report: its file name, as the page shows it.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A built-in profile by name (`scotland`, `england`), or a profile file.
pub(super) fn read_profile(name_or_path: &str) -> Result<Profile, Failure> {
    if let Some(profile) = Profile::built_in(name_or_path) {
        return Ok(profile);
    }
    let text = std::fs::read_to_string(name_or_path).map_err(|err| {
        Failure::new(format!(
            "--profile {name_or_path}: not a built-in profile (scotland, england) and not a readable file ({err})"
        ))
    })?;
    Profile::from_json(&text)
        .map_err(|err| Failure::new(format!("{name_or_path} is not a valid profile: {err}")))
}

fn read_mapping(path: &Path) -> Result<Mapping, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Failure::new(format!("cannot read {}: {err}", path.display())))?;
    Mapping::from_json(&text).map_err(|err| {
        Failure::new(format!(
            "{} is not a valid Driftline mapping: {err}",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
