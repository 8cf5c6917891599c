//! `driftline chart`: reads spreadsheet files, analyses them with [`driftline::analyze`] (the
//! journeys and their statistics) and draws one chart to an SVG or PNG file, or writes the
//! chart's numbers as CSV, with [`driftline::chart::layout_chart`] and the renderers.
//!
//! This file owns the chart subcommand's arguments and writing the output file; the chart
//! itself (layout, wording, pixels, table) comes from the library.

use super::files::{write_table, Output};
use super::input::{InputArgs, SpcArgs};
use super::outcome::Status;
use super::Failure;
use driftline::chart::{
    layout_chart, render_png, render_svg, ChartInput, ChartKind, ChartRequest, Layout, OutputFormat,
};
use driftline::explore::detail::chronology_entries;
use driftline::explore::export::chronology_table;
use driftline::explore::pseudonym::Neutrals;
use driftline::qi;
use driftline::stats::{stage_series, Aggregate};
use driftline::Report;
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
    /// For run and xmr: one point per completed stage (none, the default), or the median per
    /// month or quarter of the end date.
    #[arg(long, value_parser = str::parse::<Aggregate>)]
    aggregate: Option<Aggregate>,
    /// For run and xmr.
    #[command(flatten)]
    spc: SpcArgs,
    /// Leave out names, IDs, carers and dates of birth (for sharing).
    #[arg(long)]
    pseudonymise: bool,
    /// The chart's width in pixels (PNG files are drawn at twice this for print).
    #[arg(
        long,
        value_name = "PX",
        default_value_t = 1200.0,
        allow_negative_numbers = true
    )]
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
    check_flags_apply(args)?;
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
    let child = match &args.child {
        Some(id) => Some(find_child(&report, id, &plan.names)?),
        None => None,
    };
    let request = ChartRequest {
        child: args.child.clone(),
        stage: args.stage.clone(),
        breakdown: args.breakdown.clone(),
        aggregate: args.aggregate.unwrap_or_default(),
        // The chart kind in it is set from the request's kind.
        spc: args.spc.config(qi::ChartKind::Xmr),
        pseudonymise: args.pseudonymise,
        width: args.width,
        ..ChartRequest::new(args.kind, report.as_at)
    };
    match (format, child) {
        // A child's chronology: the page's own table, its sources named by file and row (and
        // left out when pseudonymised).
        (OutputFormat::Csv, Some(index)) if args.kind == ChartKind::Timeline => {
            let entries = chronology_entries(&report, &report.journeys[index], args.pseudonymise);
            output.write(chronology_table(&entries).to_csv().as_bytes())?;
        }
        (OutputFormat::Csv, _) => {
            let layout = pseudonymised_layout(&report, &request)?;
            let table = layout.table.unwrap_or_default();
            write_table(
                &output,
                &args.out,
                &table,
                args.input.force,
                &args.input.files,
            )?;
        }
        _ => {
            let layout = pseudonymised_layout(&report, &request)?;
            let bytes = match format {
                OutputFormat::Png => render_png(&layout, 2.0),
                _ => render_svg(&layout).map(String::into_bytes),
            }
            .map_err(|err| Failure::new(err.to_string()))?;
            output.write(&bytes)?;
        }
    }
    if matches!(args.kind, ChartKind::Run | ChartKind::Xmr) && args.aggregate.is_none() {
        suggest_aggregate(&report, &request);
    }
    plan.finish(&outcome)
}

/// The chart `request` asks for; pseudonymised, a chart by team or authority names its groups
/// neutrally ("Team A"), as the page does.
fn pseudonymised_layout(report: &Report, request: &ChartRequest) -> Result<Layout, Failure> {
    let mut layout = layout_chart(ChartInput::from_report(report), request)
        .map_err(|err| Failure::new(err.to_string()))?;
    if request.pseudonymise {
        let breakdown = request.breakdown.as_deref().unwrap_or("");
        if let Some(neutral) = Neutrals::of(report).of_breakdown(breakdown) {
            neutral.rename_chart(&mut layout);
        }
    }
    Ok(layout)
}

/// Refuses a flag given for a kind of chart it does not change, rather than ignore it.
fn check_flags_apply(args: &Args) -> Result<(), Failure> {
    use ChartKind::*;
    let kind = args.kind;
    let spc = matches!(kind, Run | Xmr);
    let mut given: Vec<(&str, bool, &str)> = vec![
        ("--child", args.child.is_some(), "timeline"),
        (
            "--stage",
            args.stage.is_some(),
            "cohort, delay, km, histogram, run and xmr",
        ),
        (
            "--breakdown",
            args.breakdown.is_some(),
            "delay, km, histogram and decomposition",
        ),
        ("--aggregate", args.aggregate.is_some(), "run and xmr"),
    ];
    for flag in args.spc.given() {
        given.push((flag, true, "run and xmr"));
    }
    for (flag, is_given, applies_to) in given {
        let applies = match flag {
            "--child" => kind == Timeline,
            "--stage" => matches!(kind, Cohort | Delay | Km | Histogram | Run | Xmr),
            "--breakdown" => matches!(kind, Delay | Km | Histogram | Decomposition),
            _ => spc,
        };
        if is_given && !applies {
            return Err(Failure::new(format!(
                "{flag} does not change a {} chart (it applies to {applies_to}); leave it out, or choose one of those with --kind",
                kind.id()
            )));
        }
    }
    if kind == Timeline && args.child.is_none() {
        return Err(Failure::new(
            "a timeline needs --child ID: it draws one child (the IDs are in the child_id column of your files)",
        ));
    }
    Ok(())
}

/// The index of the child with this ID, or a message naming the closest IDs.
fn find_child(report: &Report, id: &str, files: &[String]) -> Result<usize, Failure> {
    if let Some(i) = report.journeys.iter().position(|c| c.id.as_ref() == id) {
        return Ok(i);
    }
    // The IDs nearest to the one given, ignoring capitals: the nearest only, and only if
    // near (a letter or two).
    let wanted = id.trim().to_lowercase();
    let scored: Vec<(usize, &str)> = report
        .journeys
        .iter()
        .map(|c| c.id.as_ref())
        .map(|other| (edit_distance(&other.to_lowercase(), &wanted), other))
        .collect();
    let nearest = scored.iter().map(|(d, _)| *d).min().unwrap_or(usize::MAX);
    let mut close: Vec<(usize, &str)> = scored
        .into_iter()
        .filter(|(d, _)| *d == nearest && *d <= 2)
        .collect();
    close.sort();
    close.truncate(5);
    let mut message = format!("no child with ID \"{id}\" is in {}", files.join(", "));
    if close.is_empty() {
        message.push('.');
    } else {
        let names: Vec<String> = close.iter().map(|(_, c)| format!("\"{c}\"")).collect();
        message.push_str(&format!(
            ". Did you mean {}? (IDs must match exactly, capitals included.)",
            names.join(" or ")
        ));
    }
    message.push_str(
        "\nEvery child's ID is in the child_id column of your children or placements table, and of `driftline analyze FILE... --format csv`.",
    );
    Err(Failure::new(message))
}

/// The number of single-character edits between two short texts (for suggestions).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            previous = here;
        }
    }
    row[b.len()]
}

/// With one point per stage, a chart of thousands of points is hard to read: suggests
/// grouping by month or quarter.
fn suggest_aggregate(report: &Report, request: &ChartRequest) {
    let Some(profile) = report.profile.as_ref() else {
        return;
    };
    let stage = request.stage.as_deref().unwrap_or("time_to_permanence");
    let Ok(series) = stage_series(&report.journeys.stats, profile, stage, Aggregate::None) else {
        return;
    };
    let points = series.values().len();
    if points > AGGREGATE_ABOVE {
        eprintln!(
            "driftline: the chart has {points} points, one per completed stage; --aggregate month (or quarter) draws one point per month, easier to read"
        );
    }
}

/// More single points than this, and `--aggregate` is suggested.
const AGGREGATE_ABOVE: usize = 300;
