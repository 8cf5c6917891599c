//! `driftline spc FILE [--column NAME] [--date-column NAME] [--chart run|xmr|mr|t]
//! [--rules anhoej|ihi|mdc|nhse-2024] [--baseline N] [--rebase DATE...] [--no-screen]
//! [--direction lower|higher|neutral] [--target X] [--annotate DATE=LABEL...] [--format json|csv]
//! [--out PATH]`,
//! or `driftline spc FILE... --stage ID [--aggregate none|month|quarter] [--as-at DATE]
//! [--profile NAME|PATH] [--mapping PATH] [limits] ...` for the days of one stage of the
//! journeys in the files (with the stage's own target unless --target is given).
//!
//! This file owns its own arguments (the input and SPC flags are shared with `analyze` and
//! `chart`, in `input.rs`); a user's series
//! comes from `driftline::ingest::series`, a stage's from `driftline::stats::stage_series`
//! over [`driftline::analyze`]'s statistics, and the chart from `driftline::qi`.

use super::files::{write_table, Output};
use super::input::{InputArgs, Plan, SpcArgs};
use super::outcome::{Outcome, Status};
use super::{write_report, Failure};
use chrono::NaiveDate;
use driftline::chart::request::stage_target_days;
use driftline::chart::spc::{spc_data, SpcOptions};
use driftline::ingest::series::{read_series, SeriesColumns};
use driftline::qi::{self, ChartKind, SpcConfig};
use driftline::stats::{stage_series, Aggregate};
use driftline::InputFile;
use std::path::PathBuf;

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
    /// The chart: run (median and runs), xmr (individuals and moving range), mr (the moving
    /// ranges) or t (time between rare events).
    #[arg(long, default_value = "xmr", value_parser = str::parse::<ChartKind>)]
    chart: ChartKind,
    #[command(flatten)]
    spc: SpcArgs,
    /// The output format: json (the chart's points, centre, limits and signals) or csv (one
    /// row per point, as `chart --kind xmr --out x.csv` writes).
    #[arg(long, default_value = "json", value_parser = ["json", "csv"])]
    format: String,
    /// Write the output to this file (ending in .json or .csv, as the format) instead of
    /// standard output. It is created new: an existing file is left alone unless --force.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<Status, Failure> {
    let config = args.spc.config(args.chart);
    if args.stage.is_none() {
        check_column_args(args)?;
    }
    let csv = args.format == "csv";
    let out = args
        .out
        .as_deref()
        .map(|path| {
            let extension = if csv { "csv" } else { "json" };
            Output::check(path, args.input.force, &args.input.files, &[extension])
        })
        .transpose()?;
    let plan = args.input.resolve()?;
    let (chart, outcome) = match &args.stage {
        Some(stage) => stage_chart(args, &plan, stage, &config)?,
        None => column_chart(args, &plan, &config)?,
    };
    if csv {
        let table = spc_data(&chart, &SpcOptions::new("", ""));
        match (&out, &args.out) {
            (Some(output), Some(path)) => {
                write_table(output, path, &table, args.input.force, &args.input.files)?;
            }
            _ => {
                write_report(None, |out| out.write_all(table.to_csv().as_bytes()))?;
                for note in &table.notes {
                    eprintln!("driftline: {note}");
                }
            }
        }
    } else {
        write_report(out.as_ref(), |out| {
            serde_json::to_writer_pretty(&mut *out, &chart).map_err(std::io::Error::other)?;
            writeln!(out)
        })?;
    }
    plan.finish(&outcome)
}

/// Checks the arguments of a chart of a column, before any file is read.
fn check_column_args(args: &Args) -> Result<(), Failure> {
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
    Ok(())
}

/// The chart of one column of one file.
fn column_chart(
    args: &Args,
    plan: &Plan,
    config: &SpcConfig,
) -> Result<(qi::SpcChart, Outcome), Failure> {
    let Some((name, bytes)) = plan.files.first() else {
        return Err(Failure::new("no file to read"));
    };
    let input = InputFile { name, bytes };
    let columns = SeriesColumns {
        value: args.column.as_deref(),
        date: args.date_column.as_deref(),
    };
    let series = read_series(&input, &columns, &plan.options.limits)
        .map_err(|err| Failure::new(err.to_string()))?;
    // The first few rows left out, one line each; the rest are counted (all with --problems).
    const SHOWN: usize = 10;
    for d in series.diagnostics.iter().take(SHOWN) {
        let row = d.row.map(|r| format!("row {r}: ")).unwrap_or_default();
        eprintln!(
            "driftline: {}: {row}{} (row left out)",
            driftline::visible::visible(name),
            driftline::visible::visible_text(&d.message)
        );
    }
    if series.diagnostics.len() > SHOWN {
        eprintln!(
            "driftline: {name}: {} more rows left out (--problems FILE lists them all)",
            series.diagnostics.len() - SHOWN
        );
    }
    let outcome = Outcome::of_series(name, &series);
    outcome.check_usable(&plan.reporting())?;
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
    .map(|chart| (chart, outcome))
    .map_err(|err| Failure::new(format!("{name}: {err}")))
}

/// The chart of one stage's days over the journeys in the files.
fn stage_chart(
    args: &Args,
    plan: &Plan,
    stage: &str,
    config: &SpcConfig,
) -> Result<(qi::SpcChart, Outcome), Failure> {
    let (report, outcome) = plan.analyze()?;
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
        .map(|chart| (chart, outcome))
        .map_err(|err| Failure::new(format!("stage {stage}: {err}")))
}
