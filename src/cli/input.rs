//! The flags `analyze`, `chart` and `spc` share, each group one flattened `clap` struct: the
//! input ([`InputArgs`]: files, "as at", profile, mapping, resource limits) and a run or SPC
//! chart's settings ([`SpcArgs`]).
//!
//! This file owns those flags and their resolution into library inputs (bytes read, date
//! fixed, profile and mapping parsed): the first of the two stages every subcommand goes
//! through before it calls the library.

use super::files::{read_input, read_settings, Output};
use super::outcome::{Outcome, Refusal, Reporting, Status};
use super::{as_at_options, parse_date, say_as_at, Failure};
use chrono::NaiveDate;
use driftline::qi::{Annotation, ChartKind, Direction, RuleSet, SpcConfig};
use driftline::stats::Profile;
use driftline::{InputFile, Mapping, Options, Report};
use std::path::{Path, PathBuf};

/// The files to read and how to read them.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Spreadsheet files: xlsx, xlsm, xls, ods, csv or tsv. Give one workbook, or one file per
    /// table (children, placements, legal, events).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The date the analysis is "as at": waits are measured up to it and later dates are
    /// flagged. Defaults to the latest date in the files that is not after today (the day the
    /// extract was taken, as near as the data can tell).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_at: Option<NaiveDate>,
    /// The timescales: scotland (PACE and the Scottish regulations), england (the DfE's, with
    /// the adoption scorecard), or the path of a profile file (JSON, see README). Default:
    /// england for SSDA903 returns, scotland for anything else.
    #[arg(long, value_name = "NAME|PATH")]
    pub profile: Option<String>,
    /// With a profile that has the adoption scorecard (`england`): count children adopted from
    /// this date to the "as at" date (default: the three years to "as at"). The report's
    /// `adoption_scorecard` is the DfE's view (means over children adopted); its stages `a1`,
    /// `a2` and `a10` are the waiting view (every child with an adoption plan, censored).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub scorecard_from: Option<NaiveDate>,
    /// A saved column and label mapping (a JSON file holding no data).
    #[arg(long, value_name = "PATH")]
    pub mapping: Option<PathBuf>,
    /// Refuse any file larger than this many MiB (default 256, as in the page).
    #[arg(long, value_name = "MIB", value_parser = at_least_one, allow_negative_numbers = true)]
    pub max_file_mb: Option<u64>,
    /// Refuse a workbook whose zip parts expand to more than this many MiB (default 1024).
    #[arg(long, value_name = "MIB", value_parser = at_least_one, allow_negative_numbers = true)]
    pub max_uncompressed_mb: Option<u64>,
    /// Refuse a workbook with more cells than this, all sheets together (default 16000000).
    #[arg(long, value_name = "N", value_parser = at_least_one, allow_negative_numbers = true)]
    pub max_cells: Option<u64>,
    /// Exit with code 1 when any row was rejected (the output is still written).
    #[arg(long)]
    pub strict: bool,
    /// Write every problem found (rejected rows, warnings, notes, files not used) to this CSV
    /// file: severity, code, file, sheet, row, column, child_id, message.
    #[arg(long, value_name = "PATH.csv")]
    pub problems: Option<PathBuf>,
    /// Replace the --out and --problems files if they exist (never one of the inputs, never
    /// through a link).
    #[arg(long)]
    pub force: bool,
}

/// A whole number of 1 or more (a limit).
fn at_least_one(text: &str) -> Result<u64, String> {
    super::whole_number(text, 1)
}

/// A number of points, 1 or more.
fn points(text: &str) -> Result<usize, String> {
    super::whole_number(text, 1).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// A mapping or profile file holds settings, never data: 1 MiB is far more than any needs.
const SETTINGS_MAX_BYTES: u64 = 1024 * 1024;

/// The input resolved into what the library takes.
pub struct Plan {
    /// Each file's name (as shown in messages) and its bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// The names of every file given, in order (those refused included).
    pub names: Vec<String>,
    /// Files refused before reading (over the size limit); the others are read.
    pub refused: Vec<Refusal>,
    pub options: Options,
    /// Where the problems go (--problems), checked before anything is read.
    pub problems: Option<Output>,
    pub strict: bool,
    problems_name: String,
}

impl InputArgs {
    /// Reads the files and fixes the options (without --as-at, the library takes the latest
    /// date in the files that is not after today).
    pub fn resolve(&self) -> Result<Plan, Failure> {
        let mut options = as_at_options(self.as_at)?;
        match &self.profile {
            Some(profile) => options.profile = read_profile(profile)?,
            None => options.profile_from_data = true,
        }
        if let Some(from) = self.scorecard_from {
            // Without --as-at the date comes from the data, so only a given one is checked
            // here; the library keeps the window inside "as at" either way.
            if let Some(as_at) = self.as_at.filter(|&as_at| from > as_at) {
                return Err(Failure::new(format!(
                    "--scorecard-from {from} is after the \"as at\" date {as_at}: the scorecard counts adoptions from that date to \"as at\"."
                )));
            }
            options.scorecard_from = Some(from);
        }
        if let Some(path) = &self.mapping {
            options.mapping = Some(read_mapping(path)?);
        }
        const MIB: u64 = 1024 * 1024;
        if let Some(mb) = self.max_file_mb {
            options.limits.max_file_bytes = mb.saturating_mul(MIB);
        }
        if let Some(mb) = self.max_uncompressed_mb {
            options.limits.max_uncompressed_bytes = mb.saturating_mul(MIB);
        }
        if let Some(n) = self.max_cells {
            options.limits.max_cells = n;
        }
        let problems = self
            .problems
            .as_deref()
            .map(|path| Output::check(path, self.force, &self.files, &["csv"]))
            .transpose()?;
        let mut files = Vec::new();
        let mut names = Vec::new();
        let mut refused = Vec::new();
        for path in &self.files {
            let name = display_name(path);
            names.push(name.clone());
            match read_input(path, options.limits.max_file_bytes, "--max-file-mb") {
                Ok(bytes) => files.push((name, bytes)),
                // A file over the limit is refused and named; the others are still read.
                Err(failure) if failure.too_large => {
                    let reason = failure
                        .message
                        .strip_prefix(&format!("{name}: "))
                        .unwrap_or(&failure.message)
                        .to_string();
                    refused.push(Refusal { name, reason });
                }
                Err(failure) => return Err(failure),
            }
        }
        if files.is_empty() {
            let why: Vec<String> = refused
                .iter()
                .map(|r| format!("{}: {}", r.name, r.reason))
                .collect();
            return Err(Failure::new(why.join("\n")));
        }
        Ok(Plan {
            files,
            names,
            refused,
            options,
            problems,
            strict: self.strict,
            problems_name: self
                .problems
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        })
    }
}

impl Plan {
    /// Analyses the files, and fails (saying what was read) when nothing in them can be
    /// used: no data rows, or no care period to time.
    pub fn analyze(&self) -> Result<(Report, Outcome), Failure> {
        let inputs: Vec<InputFile<'_>> = self
            .files
            .iter()
            .map(|(name, bytes)| InputFile {
                name,
                bytes: bytes.as_slice(),
            })
            .collect();
        let report = driftline::analyze(&inputs, &self.options)
            .map_err(|err| Failure::new(format!("nothing usable could be read:\n{err}")))?;
        let mut outcome = Outcome::of_load(&self.names, &self.refused, &report.input);
        outcome.note_care_periods(&report);
        outcome.check_usable(&self.reporting())?;
        say_as_at(&report);
        Ok((report, outcome))
    }

    /// Says what was read, writes the problems, and returns the exit status.
    pub fn finish(&self, outcome: &Outcome) -> Result<Status, Failure> {
        outcome.finish(&self.reporting())
    }

    /// How the summary is finished.
    pub fn reporting(&self) -> Reporting<'_> {
        Reporting {
            strict: self.strict,
            problems: self.problems.as_ref(),
            problems_name: self.problems_name.clone(),
        }
    }
}

/// A run or SPC chart's settings.
#[derive(Debug, clap::Args)]
pub struct SpcArgs {
    /// The rules for special causes: anhoej or ihi (run charts), mdc or nhse-2024 (XmR, MR and
    /// T charts). Default: anhoej for a run chart, mdc for the others.
    #[arg(long, value_name = "RULES", value_parser = str::parse::<RuleSet>)]
    pub rules: Option<RuleSet>,
    /// Fix the centre and limits after the first N points (12 or more recommended).
    #[arg(long, value_name = "N", value_parser = points, allow_negative_numbers = true)]
    pub baseline: Option<usize>,
    /// Start a new segment, with its own centre and limits, at each of these dates.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, num_args = 1..)]
    pub rebase: Vec<NaiveDate>,
    /// Do not screen large moving ranges out of the limits (as the MDC Excel tool).
    #[arg(long)]
    pub no_screen: bool,
    /// Which way is better: lower (the default, for delay), higher or neutral.
    #[arg(long, value_parser = str::parse::<Direction>)]
    pub direction: Option<Direction>,
    /// A target in the units of the values, for the assurance icon (for a stage, in days; by
    /// default the stage's own target).
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub target: Option<f64>,
    /// A dated label for a test of change, such as 2024-02-01=PDSA 1.
    #[arg(long, value_name = "YYYY-MM-DD=LABEL", value_parser = parse_annotation)]
    pub annotate: Vec<Annotation>,
}

impl SpcArgs {
    /// The SPC flags given, by name (to refuse them where they do not apply).
    pub fn given(&self) -> Vec<&'static str> {
        let mut given = Vec::new();
        let mut flag = |is: bool, name: &'static str| {
            if is {
                given.push(name);
            }
        };
        flag(self.rules.is_some(), "--rules");
        flag(self.baseline.is_some(), "--baseline");
        flag(!self.rebase.is_empty(), "--rebase");
        flag(self.no_screen, "--no-screen");
        flag(self.direction.is_some(), "--direction");
        flag(self.target.is_some(), "--target");
        flag(!self.annotate.is_empty(), "--annotate");
        given
    }

    /// The configuration of a `chart` chart: rebase dates in order, each once, as the page
    /// has them (see `driftline::chart::SpcSpec`).
    pub fn config(&self, chart: ChartKind) -> SpcConfig {
        let mut rebase = self.rebase.clone();
        rebase.sort();
        rebase.dedup();
        SpcConfig {
            chart,
            rules: self.rules,
            baseline: self.baseline.filter(|&n| n > 0),
            rebase,
            screen: !self.no_screen,
            direction: self.direction.unwrap_or_default(),
            target: self.target.filter(|t| t.is_finite()),
            annotations: self.annotate.clone(),
        }
    }
}

/// The name a file is known by in the report: its file name, as the page shows it.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A built-in profile by name (`scotland`, `england`), or a profile file.
fn read_profile(name_or_path: &str) -> Result<Profile, Failure> {
    if let Some(profile) = Profile::built_in(name_or_path) {
        return Ok(profile);
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        return Err(Failure::new(format!(
            "--profile {name_or_path}: not a built-in profile (scotland, england) and not a file"
        )));
    }
    let text = read_settings(path, "--profile", SETTINGS_MAX_BYTES)?;
    Profile::from_json(&text)
        .map_err(|err| Failure::new(format!("{name_or_path} is not a valid profile: {err}")))
}

fn read_mapping(path: &Path) -> Result<Mapping, Failure> {
    let text = read_settings(path, "--mapping", SETTINGS_MAX_BYTES)?;
    Mapping::from_json(&text).map_err(|err| {
        Failure::new(format!(
            "{} is not a valid Driftline mapping: {err}",
            path.display()
        ))
    })
}

fn parse_annotation(text: &str) -> Result<Annotation, String> {
    let (date, label) = text
        .split_once('=')
        .ok_or_else(|| format!("expected YYYY-MM-DD=LABEL, got {text:?}"))?;
    Ok(Annotation {
        date: parse_date(date.trim())?,
        label: label.trim().to_string(),
    })
}
