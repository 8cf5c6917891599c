//! `driftline spc FILE [--column NAME] [--date-column NAME] [--chart run|xmr|mr|t]
//! [--rules anhoej|ihi|mdc|nhse-2024] [--baseline N] [--rebase DATE...] [--no-screen]
//! [--direction lower|higher|neutral] [--target X] [--annotate DATE=LABEL...] --format json`,
//! or `driftline spc FILE... --stage ID [--aggregate none|month|quarter] [--as-at DATE]
//! [--profile NAME|PATH] [--mapping PATH] [limits] ...` for the days of one stage of the
//! journeys in the files (with the stage's own target unless --target is given).
//!
//! This file owns its own arguments (the input and SPC flags are shared with `analyze` and
//! `chart`, in `input.rs`); a user's series
//! comes from `driftline::ingest::series`, a stage's from `driftline::stats::stage_series`
//! over [`driftline::analyze`]'s statistics, and the chart from `driftline::qi`.

use super::input::{InputArgs, SpcArgs};
use super::{write_stdout, Failure};
use chrono::NaiveDate;
use driftline::chart::request::stage_target_days;
use driftline::ingest::series::{read_series, SeriesColumns};
use driftline::qi::{self, ChartKind, SpcConfig};
use driftline::stats::{stage_series, Aggregate};
use driftline::InputFile;

/// `driftline spc`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The files: one CSV file or spreadsheet holding the measure, or with --stage the
    /// journeys' files (one workbook, or one file per table), read with these options.
    #[command(flatten)]
    input: InputArgs,
    /// Chart the days of this stage of the journeys in the files (one point per completed
    /// stage, by its end date) instead of a column.
    #[arg(long, value_name = "ID", conflicts_with_all = ["column", "date_column"])]
    stage: Option<String>,
    /// With --stage: the median per month or quarter of the end date instead of single
    /// stages.
    #[arg(long, default_value = "none", value_parser = str::parse::<Aggregate>, requires = "stage")]
    aggregate: Aggregate,
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
    #[command(flatten)]
    spc: SpcArgs,
    /// The output format (JSON only).
    #[arg(long, default_value = "json", value_parser = ["json"])]
    format: String,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let config = args.spc.config(args.chart);
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
    if args.input.files.len() != 1 {
        return Err(Failure::new(
            "give one file holding the measure (or --stage ID to chart a stage of the journeys in several files)",
        ));
    }
    if args.input.as_at.is_some() || args.input.profile.is_some() || args.input.mapping.is_some() {
        return Err(Failure::new(
            "--as-at, --profile and --mapping read journeys: use them with --stage ID",
        ));
    }
    let plan = args.input.resolve()?;
    let (name, bytes) = &plan.files[0];
    let input = InputFile { name, bytes };
    let columns = SeriesColumns {
        value: args.column.as_deref(),
        date: args.date_column.as_deref(),
    };
    let series = read_series(&input, &columns, &plan.options.limits)
        .map_err(|err| Failure::new(err.to_string()))?;
    for d in &series.diagnostics {
        let row = d.row.map(|r| format!("row {r}: ")).unwrap_or_default();
        eprintln!(
            "driftline: {}: {row}{} (row left out)",
            driftline::visible::visible(name),
            driftline::visible::visible_text(&d.message)
        );
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
    let plan = args.input.resolve()?;
    let report = plan.analyze()?;
    let as_at = report.as_at;
    let profile = report.profile.as_ref().unwrap_or(&plan.options.profile);
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
