//! `driftline chart`: reads spreadsheet files, analyses them with [`driftline::analyze`] (the
//! journeys and their statistics) and draws one chart to an SVG or PNG file, or writes the
//! chart's numbers as CSV, with [`driftline::chart::render_chart`].
//!
//! This file owns the chart subcommand's arguments and writing the output file; the chart
//! itself (layout, wording, pixels, table) comes from the library.

use super::analyze::read_profile;
use super::spc::parse_annotation;
use super::{parse_date, today_utc, Failure};
use chrono::NaiveDate;
use driftline::chart::{render_chart, ChartInput, ChartKind, ChartRequest, OutputFormat};
use driftline::qi::{Annotation, Direction, RuleSet, SpcConfig};
use driftline::stats::Aggregate;
use driftline::{InputFile, Options};
use std::path::PathBuf;

/// `driftline chart FILE... [--as-at YYYY-MM-DD] --kind
/// timeline|cohort|delay|km|histogram|run|xmr|decomposition [--child ID] [--stage ID] [--breakdown ID]
/// [--aggregate none|month|quarter] [--profile NAME|PATH] [--pseudonymise] [--width PX]
/// --out PATH.svg|PATH.png|PATH.csv`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spreadsheet files: xlsx, xlsm, xls, ods, csv or tsv.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The date the chart is "as at". Defaults to today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_at: Option<NaiveDate>,
    /// The chart: timeline (one child), cohort (every child), delay (median days per stage),
    /// km (time in a stage, Kaplan–Meier), histogram (days in a stage), run or xmr (a stage's
    /// days over time), decomposition (where the days of time to permanence go).
    #[arg(long, value_parser = |s: &str| s.parse::<ChartKind>())]
    kind: ChartKind,
    /// The child to draw (required for a timeline).
    #[arg(long, value_name = "ID")]
    child: Option<String>,
    /// A stage id: the cohort view is sorted by days in it, the delay chart shows only it, and
    /// km, histogram, run and xmr are of it (time_to_permanence by default).
    #[arg(long, value_name = "ID")]
    stage: Option<String>,
    /// Split delay, km, histogram and decomposition by a breakdown: placement, legal_status, age_at_entry,
    /// sex, local_authority, team, year_of_entry, route or attribute:NAME.
    #[arg(long, value_name = "ID")]
    breakdown: Option<String>,
    /// For run and xmr: one point per completed stage (none), or the median per month or
    /// quarter of the end date.
    #[arg(long, default_value = "none", value_parser = str::parse::<Aggregate>)]
    aggregate: Aggregate,
    /// A timescale profile, by name (scotland, england) or by the path of a profile file.
    #[arg(long, value_name = "NAME|PATH")]
    profile: Option<String>,
    /// For run and xmr: anhoej, ihi (run charts), mdc or nhse-2024 (XmR charts).
    #[arg(long, value_parser = str::parse::<RuleSet>)]
    rules: Option<RuleSet>,
    /// For xmr: fix the centre and limits after the first N points.
    #[arg(long, value_name = "N")]
    baseline: Option<usize>,
    /// For run and xmr: start a new segment at each of these dates.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, num_args = 1..)]
    rebase: Vec<NaiveDate>,
    /// For xmr: do not screen large moving ranges out of the limits.
    #[arg(long)]
    no_screen: bool,
    /// For run and xmr: which way is better (lower by default, for delay).
    #[arg(long, default_value = "lower", value_parser = str::parse::<Direction>)]
    direction: Direction,
    /// For xmr: a target in days (by default the stage's own target).
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    target: Option<f64>,
    /// For run and xmr: a dated label for a test of change, such as 2024-02-01=PDSA 1.
    #[arg(long, value_name = "YYYY-MM-DD=LABEL", value_parser = parse_annotation)]
    annotate: Vec<Annotation>,
    /// Leave out names, IDs, carers and dates of birth (for sharing).
    #[arg(long)]
    pseudonymise: bool,
    /// The chart's width in pixels (PNG files are drawn at twice this for print).
    #[arg(long, value_name = "PX", default_value_t = 1200.0)]
    width: f32,
    /// The output file; its extension chooses the format: .svg, .png, or .csv for the
    /// chart's numbers.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let out = args.out.to_string_lossy();
    let format = OutputFormat::from_path(&out).ok_or_else(|| {
        Failure::new(format!(
            "--out {out}: the file must end in .svg, .png or .csv"
        ))
    })?;
    if !(200.0..=20_000.0).contains(&args.width) {
        return Err(Failure::new("--width must be between 200 and 20000 pixels"));
    }
    let as_at = match args.as_at {
        Some(date) => date,
        None => today_utc()?,
    };
    let mut options = Options::new(as_at);
    if let Some(profile) = &args.profile {
        options.profile = read_profile(profile)?;
    }
    let files = args
        .files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path)
                .map_err(|err| Failure::new(format!("cannot read {}: {err}", path.display())))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            Ok((name, bytes))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile {
            name,
            bytes: bytes.as_slice(),
        })
        .collect();
    let report = driftline::analyze(&inputs, &options)
        .map_err(|err| Failure::new(format!("nothing usable could be read:\n{err}")))?;
    let request = ChartRequest {
        child: args.child.clone(),
        stage: args.stage.clone(),
        breakdown: args.breakdown.clone(),
        aggregate: args.aggregate,
        spc: SpcConfig {
            rules: args.rules,
            baseline: args.baseline,
            rebase: args.rebase.clone(),
            screen: !args.no_screen,
            direction: args.direction,
            target: args.target,
            annotations: args.annotate.clone(),
            ..SpcConfig::default()
        },
        pseudonymise: args.pseudonymise,
        width: args.width,
        ..ChartRequest::new(args.kind, as_at)
    };
    let bytes = render_chart(ChartInput::from_report(&report), &request, format)
        .map_err(|err| Failure::new(err.to_string()))?;
    std::fs::write(&args.out, bytes)
        .map_err(|err| Failure::new(format!("cannot write {out}: {err}")))
}
