//! `driftline chart`: reads spreadsheet files, builds every child's journey with
//! [`driftline::analyze`] and draws one chart to an SVG or PNG file with
//! [`driftline::chart::render_chart`].
//!
//! This file owns the chart subcommand's arguments and writing the output file; the chart
//! itself (layout, wording, pixels) comes from the library.

use super::{parse_date, today_utc, Failure};
use chrono::NaiveDate;
use driftline::chart::{render_chart, ChartInput, ChartKind, ChartRequest, OutputFormat};
use driftline::{InputFile, Options};
use std::path::PathBuf;

/// `driftline chart FILE... [--as-at YYYY-MM-DD] --kind timeline|cohort|delay|km|run|xmr
/// [--child ID] [--stage ID] [--pseudonymise] [--width PX] --out PATH.svg|PATH.png`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spreadsheet files: xlsx, xlsm, xls, ods, csv or tsv.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The date the chart is "as at". Defaults to today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_at: Option<NaiveDate>,
    /// The chart: timeline (one child), cohort (every child), delay, km, run or xmr.
    #[arg(long, value_parser = |s: &str| s.parse::<ChartKind>())]
    kind: ChartKind,
    /// The child to draw (required for a timeline).
    #[arg(long, value_name = "ID")]
    child: Option<String>,
    /// A stage id: the cohort view is sorted by days in it.
    #[arg(long, value_name = "ID")]
    stage: Option<String>,
    /// Leave out names, IDs, carers and dates of birth (for sharing).
    #[arg(long)]
    pseudonymise: bool,
    /// The chart's width in pixels (PNG files are drawn at twice this for print).
    #[arg(long, value_name = "PX", default_value_t = 1200.0)]
    width: f32,
    /// The output file; its extension (.svg or .png) chooses the format.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let out = args.out.to_string_lossy();
    let format = OutputFormat::from_path(&out)
        .ok_or_else(|| Failure::new(format!("--out {out}: the file must end in .svg or .png")))?;
    if !(200.0..=20_000.0).contains(&args.width) {
        return Err(Failure::new("--width must be between 200 and 20000 pixels"));
    }
    let as_at = match args.as_at {
        Some(date) => date,
        None => today_utc()?,
    };
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
    let report = driftline::analyze(&inputs, &Options::new(as_at))
        .map_err(|err| Failure::new(format!("nothing usable could be read:\n{err}")))?;
    let request = ChartRequest {
        child: args.child.clone(),
        stage: args.stage.clone(),
        pseudonymise: args.pseudonymise,
        width: args.width,
        ..ChartRequest::new(args.kind, as_at)
    };
    // Stage brackets come from the delay statistics once they are computed; until then the
    // charts show the journeys without stages.
    let input = ChartInput {
        children: &report.journeys,
        stages: &[],
    };
    let bytes =
        render_chart(input, &request, format).map_err(|err| Failure::new(err.to_string()))?;
    std::fs::write(&args.out, bytes)
        .map_err(|err| Failure::new(format!("cannot write {out}: {err}")))
}
