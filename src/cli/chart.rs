//! `driftline chart`: reads spreadsheet files, analyses them with [`driftline::analyze`] (the
//! journeys and their statistics) and draws one chart to an SVG or PNG file, or writes the
//! chart's numbers as CSV, with [`driftline::chart::render_chart`].
//!
//! This file owns the chart subcommand's arguments and writing the output file; the chart
//! itself (layout, wording, pixels, table) comes from the library.

use super::files::Output;
use super::input::{InputArgs, SpcArgs};
use super::outcome::Status;
use super::Failure;
use driftline::chart::{render_chart, ChartInput, ChartKind, ChartRequest, OutputFormat};
use driftline::qi;
use driftline::stats::Aggregate;
use std::path::PathBuf;

/// `driftline chart FILE... [--as-at YYYY-MM-DD] [--profile NAME|PATH] [--mapping PATH] --kind
/// timeline|cohort|delay|km|histogram|run|xmr|decomposition [--child ID] [--stage ID]
/// [--breakdown ID] [--aggregate none|month|quarter] [SPC settings] [--pseudonymise] [--width PX]
/// --out PATH.svg|PATH.png|PATH.csv`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
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
    /// For run and xmr.
    #[command(flatten)]
    spc: SpcArgs,
    /// Leave out names, IDs, carers and dates of birth (for sharing).
    #[arg(long)]
    pseudonymise: bool,
    /// The chart's width in pixels (PNG files are drawn at twice this for print).
    #[arg(long, value_name = "PX", default_value_t = 1200.0)]
    width: f32,
    /// The output file; its extension chooses the format: .svg, .png, or .csv for the
    /// chart's numbers. It is created new: an existing file is left alone unless --force.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<Status, Failure> {
    let out = args.out.to_string_lossy();
    let format = OutputFormat::from_path(&out).ok_or_else(|| {
        Failure::new(format!(
            "--out {out}: the file must end in .svg, .png or .csv"
        ))
    })?;
    if !(200.0..=20_000.0).contains(&args.width) {
        return Err(Failure::new("--width must be between 200 and 20000 pixels"));
    }
    let extension = args
        .out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let output = Output::check(
        &args.out,
        args.input.force,
        &args.input.files,
        &[extension.as_str()],
    )?;
    let plan = args.input.resolve()?;
    let (report, outcome) = plan.analyze()?;
    let request = ChartRequest {
        child: args.child.clone(),
        stage: args.stage.clone(),
        breakdown: args.breakdown.clone(),
        aggregate: args.aggregate,
        // The chart kind in it is set from the request's kind.
        spc: args.spc.config(qi::ChartKind::Xmr),
        pseudonymise: args.pseudonymise,
        width: args.width,
        ..ChartRequest::new(args.kind, report.as_at)
    };
    let bytes = render_chart(ChartInput::from_report(&report), &request, format)
        .map_err(|err| Failure::new(err.to_string()))?;
    output.write(&bytes)?;
    plan.finish(&outcome)
}
