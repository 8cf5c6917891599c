//! `driftline spc FILE [--column NAME] [--date-column NAME] [--chart run|xmr|mr|t]
//! [--rules anhoej|ihi|mdc|nhse-2024] [--baseline N] [--rebase DATE...] [--no-screen]
//! [--direction lower|higher|neutral] [--target X] [--annotate DATE=LABEL...] --format json`.
//!
//! This file owns the arguments and their resolution into a [`SpcConfig`]; the series comes
//! from `driftline::ingest::series` and the chart from `driftline::qi`.

use super::{parse_date, write_stdout, Failure};
use chrono::NaiveDate;
use driftline::ingest::series::{read_series, SeriesColumns};
use driftline::qi::{self, Annotation, ChartKind, Direction, RuleSet, SpcConfig};
use driftline::{InputFile, Limits};
use std::path::PathBuf;

/// `driftline spc`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A CSV file or spreadsheet holding the measure.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The column of values (header text); by default the first column of numbers.
    #[arg(long, value_name = "NAME")]
    column: Option<String>,
    /// The column of dates (header text); by default the first column of dates. Without one,
    /// points are charted in file order.
    #[arg(long, value_name = "NAME")]
    date_column: Option<String>,
    /// run, xmr, mr or t.
    #[arg(long, default_value = "xmr", value_parser = str::parse::<ChartKind>)]
    chart: ChartKind,
    /// anhoej, ihi (run charts), mdc or nhse-2024 (SPC charts); the chart's default otherwise.
    #[arg(long, value_parser = str::parse::<RuleSet>)]
    rules: Option<RuleSet>,
    /// Fix the centre and limits after the first N points (12 or more recommended).
    #[arg(long, value_name = "N")]
    baseline: Option<usize>,
    /// Start a new segment, with its own centre and limits, at each of these dates.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, num_args = 1..)]
    rebase: Vec<NaiveDate>,
    /// Do not screen large moving ranges out of the limits (as the MDC Excel tool).
    #[arg(long)]
    no_screen: bool,
    /// Which way is better: lower (the default, for delay), higher or neutral.
    #[arg(long, default_value = "lower", value_parser = str::parse::<Direction>)]
    direction: Direction,
    /// A target in the units of the values, for the assurance icon.
    #[arg(long, value_name = "X")]
    target: Option<f64>,
    /// A dated label for a test of change, such as 2024-02-01=PDSA 1.
    #[arg(long, value_name = "YYYY-MM-DD=LABEL", value_parser = parse_annotation)]
    annotate: Vec<Annotation>,
    /// The output format (JSON only).
    #[arg(long, default_value = "json", value_parser = ["json"])]
    format: String,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let bytes = std::fs::read(&args.file)
        .map_err(|err| Failure::new(format!("cannot read {}: {err}", args.file.display())))?;
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let file = InputFile {
        name: &name,
        bytes: &bytes,
    };
    let columns = SeriesColumns {
        value: args.column.as_deref(),
        date: args.date_column.as_deref(),
    };
    let series = read_series(&file, &columns, &Limits::default())
        .map_err(|err| Failure::new(err.to_string()))?;
    for d in &series.diagnostics {
        let row = d.row.map(|r| format!("row {r}: ")).unwrap_or_default();
        eprintln!("driftline: {name}: {row}{} (row left out)", d.message);
    }
    let config = SpcConfig {
        chart: args.chart,
        rules: args.rules,
        baseline: args.baseline,
        rebase: args.rebase.clone(),
        screen: !args.no_screen,
        direction: args.direction,
        target: args.target,
        annotations: args.annotate.clone(),
    };
    let dated: Option<Vec<(NaiveDate, f64)>> = series
        .points
        .iter()
        .map(|&(d, v)| d.map(|d| (d, v)))
        .collect();
    let chart = match dated {
        Some(points) if series.date_column.is_some() => qi::analyze(&points, &config),
        _ => {
            let values: Vec<f64> = series.points.iter().map(|&(_, v)| v).collect();
            qi::analyze_values(&values, &config)
        }
    }
    .map_err(|err| Failure::new(format!("{name}: {err}")))?;
    write_stdout(|out| {
        serde_json::to_writer_pretty(&mut *out, &chart).map_err(std::io::Error::other)?;
        writeln!(out)
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
