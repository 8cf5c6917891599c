//! `driftline spc FILE [--column NAME] [--date-column NAME] [--chart run|xmr|mr|t]
//! [--rules anhoej|ihi|mdc|nhse-2024] [--baseline N] [--rebase DATE...] [--no-screen]
//! [--direction lower|higher|neutral] [--target X] [--annotate DATE=LABEL...] --format json`,
//! or `driftline spc FILE... --stage ID [--aggregate none|month|quarter] [--as-at DATE]
//! [--profile NAME|PATH] ...` for the days of one stage of the journeys in the files.
//!
//! This file owns the arguments and their resolution into a [`SpcConfig`]; a user's series
//! comes from `driftline::ingest::series`, a stage's from `driftline::stats::stage_series`
//! over [`driftline::analyze`]'s statistics, and the chart from `driftline::qi`.

use super::analyze::read_profile;
use super::{parse_date, today_utc, write_stdout, Failure};
use chrono::NaiveDate;
use driftline::chart::request::stage_target_days;
use driftline::ingest::series::{read_series, SeriesColumns};
use driftline::qi::{self, Annotation, ChartKind, Direction, RuleSet, SpcConfig};
use driftline::stats::{stage_series, Aggregate};
use driftline::{InputFile, Limits, Options};
use std::path::PathBuf;

/// `driftline spc`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A CSV file or spreadsheet holding the measure; with --stage, the journeys' files (one
    /// workbook, or one file per table).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Chart the days of this stage of the journeys in the files (one point per completed
    /// stage, by its end date) instead of a column.
    #[arg(long, value_name = "ID", conflicts_with_all = ["column", "date_column"])]
    stage: Option<String>,
    /// With --stage: the median per month or quarter of the end date instead of single
    /// stages.
    #[arg(long, default_value = "none", value_parser = str::parse::<Aggregate>, requires = "stage")]
    aggregate: Aggregate,
    /// With --stage: the date the journeys are "as at". Defaults to today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, requires = "stage")]
    as_at: Option<NaiveDate>,
    /// With --stage: a timescale profile, by name or by the path of a profile file.
    #[arg(long, value_name = "NAME|PATH", requires = "stage")]
    profile: Option<String>,
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
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
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
    let chart = match &args.stage {
        Some(stage) => stage_chart(args, stage, &config)?,
        None => column_chart(args, &config)?,
    };
    write_stdout(|out| {
        serde_json::to_writer_pretty(&mut *out, &chart).map_err(std::io::Error::other)?;
        writeln!(out)
    })
}

/// The chart of one column of one file.
fn column_chart(args: &Args, config: &SpcConfig) -> Result<qi::SpcChart, Failure> {
    let [file] = args.files.as_slice() else {
        return Err(Failure::new(
            "give one file holding the measure (or --stage ID to chart a stage of the journeys in several files)",
        ));
    };
    let bytes = std::fs::read(file)
        .map_err(|err| Failure::new(format!("cannot read {}: {err}", file.display())))?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let input = InputFile {
        name: &name,
        bytes: &bytes,
    };
    let columns = SeriesColumns {
        value: args.column.as_deref(),
        date: args.date_column.as_deref(),
    };
    let series = read_series(&input, &columns, &Limits::default())
        .map_err(|err| Failure::new(err.to_string()))?;
    for d in &series.diagnostics {
        let row = d.row.map(|r| format!("row {r}: ")).unwrap_or_default();
        eprintln!("driftline: {name}: {row}{} (row left out)", d.message);
    }
    let dated: Option<Vec<(NaiveDate, f64)>> = series
        .points
        .iter()
        .map(|&(d, v)| d.map(|d| (d, v)))
        .collect();
    match dated {
        Some(points) if series.date_column.is_some() => qi::analyze(&points, config),
        _ => {
            let values: Vec<f64> = series.points.iter().map(|&(_, v)| v).collect();
            qi::analyze_values(&values, config)
        }
    }
    .map_err(|err| Failure::new(format!("{name}: {err}")))
}

/// The chart of one stage's days over the journeys in the files.
fn stage_chart(args: &Args, stage: &str, config: &SpcConfig) -> Result<qi::SpcChart, Failure> {
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
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
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
    let profile = report.profile.as_ref().unwrap_or(&options.profile);
    let series = stage_series(&report.journeys.stats, profile, stage, args.aggregate)
        .map_err(|err| Failure::new(err.to_string()))?;
    if series.not_ended > 0 {
        eprintln!(
            "driftline: {} stage(s) not ended by {as_at} are not in the series",
            series.not_ended
        );
    }
    // Without --target, the stage's own target, as every chart of a stage has it.
    let mut config = config.clone();
    if config.target.is_none() {
        let own = profile.stages.iter().find(|s| s.id == stage);
        config.target = stage_target_days(own.and_then(|s| s.target));
    }
    qi::analyze(&series.values(), &config)
        .map_err(|err| Failure::new(format!("stage {stage}: {err}")))
}

pub(super) fn parse_annotation(text: &str) -> Result<Annotation, String> {
    let (date, label) = text
        .split_once('=')
        .ok_or_else(|| format!("expected YYYY-MM-DD=LABEL, got {text:?}"))?;
    Ok(Annotation {
        date: parse_date(date.trim())?,
        label: label.trim().to_string(),
    })
}
