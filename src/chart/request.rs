//! One call for the command line, the page and other callers: pick a chart by kind, lay it out
//! from an analysed dataset (journeys and their statistics), and render it to SVG text, PNG
//! bytes or its table as CSV.
//!
//! This module owns the chart kinds, their parsing from the words people type, the checks on a
//! request (a timeline needs a child that exists; a stage or breakdown must be one the
//! statistics have) and the wiring from the statistics to each chart: stage rows to stage
//! brackets, stage summaries to the delay, survival and distribution charts, and a stage's
//! series through `qi::analyze` to a run or XmR chart. It reads no files: the caller passes the
//! data and writes the bytes where it likes.

use super::cohort::{cohort, cohort_order, CohortOptions, CohortRow, CohortSort};
use super::decomposition::{decomposition, DecompositionOptions};
use super::delay::{delay, DelayOptions};
use super::distribution::{distribution, DistributionOptions};
use super::figure::target_days;
use super::layout::Layout;
use super::spc::{spc, SpcOptions};
use super::stage::{cohort_brackets, stage_brackets};
use super::survival::{survival, SurvivalOptions};
use super::text::BundledMetrics;
use super::timeline::{timeline, TimelineOptions};
use super::RenderError;
use crate::model::Child;
use crate::qi::{self, Annotation, Direction, QiError, RuleSet, SpcConfig};
use crate::report::Report;
use crate::stats::decompose::Groups;
use crate::stats::{
    stage_series, Aggregate, CalendarDuration, ChildStats, Profile, StageSeries, StageSummary,
    UnknownStage,
};
use chrono::NaiveDate;
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// The charts `driftline chart --kind` can draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// One child's journey.
    Timeline,
    /// Every child's journey, one row each.
    Cohort,
    /// Median days per stage with the interquartile range, against the targets.
    Delay,
    /// Kaplan–Meier curves of the share still waiting in a stage.
    Km,
    /// The distribution of days in a stage (histogram and box plots).
    Histogram,
    /// A run chart of a stage's days.
    Run,
    /// An XmR (individuals) chart of a stage's days.
    Xmr,
    /// Where the days of time to permanence go: the stages' shares and what meeting each
    /// target would have saved.
    Decomposition,
}

/// The file formats charts render to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Svg,
    Png,
    /// The chart's table (its text alternative) as CSV.
    Csv,
}

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartRequest {
    pub kind: ChartKind,
    pub as_at: NaiveDate,
    /// The child's ID (required for a timeline).
    pub child: Option<String>,
    /// A stage id: the cohort view sorts by days in it; the delay chart shows only it; the
    /// survival, distribution, run and XmR charts are of it (by default the profile's
    /// `time_to_permanence`, or else its first stage).
    pub stage: Option<String>,
    /// A breakdown id (`placement`, `legal_status`, `age_at_entry`, `sex`, `local_authority`,
    /// `team`, `year_of_entry`, `route`, `attribute:NAME`) for the delay, survival,
    /// distribution and decomposition charts.
    pub breakdown: Option<String>,
    /// How a run or XmR chart's stage series is aggregated.
    pub aggregate: Aggregate,
    /// The run or XmR chart's settings (rules, baseline, rebasing, direction, target,
    /// annotations); the chart kind in it is set from [`ChartRequest::kind`]. Without a
    /// target, the stage's own target in days is used.
    pub spc: SpcConfig,
    pub pseudonymise: bool,
    /// Width in logical pixels.
    pub width: f32,
}

/// A run or XmR chart's settings as people write them (words and `YYYY-MM-DD` dates), from
/// the page's chart specs and the command line's flags alike. [`SpcSpec::config`] is the one
/// place they are checked: blank dates are skipped, rebase dates sorted and deduplicated, a
/// baseline of 0 means none, and a target that is not a finite number is no target.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct SpcSpec {
    /// `anhoej`, `ihi`, `mdc` or `nhse-2024`; absent or blank for the chart's default.
    pub rules: Option<String>,
    /// `lower`, `higher` or `neutral` (lower by default).
    pub direction: Option<String>,
    /// A target in days; absent for the stage's own target.
    pub target: Option<f64>,
    /// Fix the centre and limits after this many points.
    pub baseline: Option<usize>,
    /// Dates where a new segment starts.
    pub rebase: Vec<String>,
    /// Screen large moving ranges out (on by default).
    pub screen: Option<bool>,
    /// Tests of change.
    pub annotations: Vec<AnnotationSpec>,
}

/// A test of change as written: `{ date, label }`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AnnotationSpec {
    pub date: String,
    pub label: String,
}

impl SpcSpec {
    /// The checked configuration (its chart kind is set later from the request's kind). The
    /// message says which setting is wrong and how.
    pub fn config(&self) -> Result<SpcConfig, String> {
        let bad = |what: &str, e: String| format!("{what}: {e}");
        let mut spc = SpcConfig::default();
        if let Some(r) = self
            .rules
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            spc.rules = Some(
                r.parse::<RuleSet>()
                    .map_err(|e| bad("rules", e.to_string()))?,
            );
        }
        if let Some(d) = self
            .direction
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            spc.direction = d
                .parse::<Direction>()
                .map_err(|e| bad("direction", e.to_string()))?;
        }
        spc.target = self.target.filter(|t| t.is_finite());
        spc.baseline = self.baseline.filter(|&n| n > 0);
        spc.screen = self.screen.unwrap_or(true);
        let date = |text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| format!("{text:?} is not a date written YYYY-MM-DD"))
        };
        for d in self.rebase.iter().filter(|d| !d.trim().is_empty()) {
            spc.rebase.push(date(d).map_err(|e| bad("rebase", e))?);
        }
        crate::sort::stable(&mut spc.rebase);
        spc.rebase.dedup();
        for a in self
            .annotations
            .iter()
            .filter(|a| !a.date.trim().is_empty())
        {
            spc.annotations.push(Annotation {
                date: date(&a.date).map_err(|e| bad("annotations", e))?,
                label: a.label.trim().to_string(),
            });
        }
        Ok(spc)
    }
}

/// The data charts are drawn from: the journeys and, aligned with them, what the statistics
/// found for each child, with the profile and the cohort's stage statistics. Build it from a
/// report with [`ChartInput::from_report`].
#[derive(Clone, Copy, Debug)]
pub struct ChartInput<'a> {
    pub children: &'a [Child],
    /// Aligned with `children`; empty when the statistics were not computed.
    pub stats: &'a [ChildStats],
    /// The profile the statistics applied (`None` when they were not computed).
    pub profile: Option<&'a Profile>,
    /// The cohort's statistics per stage, in profile order.
    pub stages: &'a [StageSummary],
}

/// Why a chart could not be drawn.
#[derive(Debug)]
pub enum ChartError {
    /// A timeline needs `--child`.
    ChildRequired,
    /// No child has this ID.
    UnknownChild(String),
    /// The chart needs the statistics, which the input lacks.
    NoStatistics(ChartKind),
    /// The profile has no such stage.
    UnknownStage(UnknownStage),
    /// No stage has groups for this breakdown.
    UnknownBreakdown {
        breakdown: String,
        known: Vec<String>,
    },
    /// The profile has no `time_to_permanence` stage to decompose.
    NoPermanenceStage,
    /// The stage's series cannot be charted (too few points, say).
    Qi(QiError),
    Render(RenderError),
}

impl<'a> ChartInput<'a> {
    /// Everything in an analysed report.
    pub fn from_report(report: &'a Report) -> ChartInput<'a> {
        ChartInput {
            children: &report.journeys.children,
            stats: &report.journeys.stats,
            profile: report.profile.as_ref(),
            stages: &report.stages,
        }
    }
}

impl ChartRequest {
    pub fn new(kind: ChartKind, as_at: NaiveDate) -> ChartRequest {
        ChartRequest {
            kind,
            as_at,
            child: None,
            stage: None,
            breakdown: None,
            aggregate: Aggregate::None,
            spc: SpcConfig::default(),
            pseudonymise: false,
            width: 1200.0,
        }
    }
}

/// Lays out the requested chart. The layout carries its table ([`Layout::table`]).
pub fn layout_chart(input: ChartInput<'_>, request: &ChartRequest) -> Result<Layout, ChartError> {
    let profile_label = input.profile.map(|p| p.label.clone()).unwrap_or_default();
    match request.kind {
        ChartKind::Timeline => {
            let id = request.child.as_deref().ok_or(ChartError::ChildRequired)?;
            let i = input
                .children
                .iter()
                .position(|c| c.id.as_ref() == id)
                .ok_or_else(|| ChartError::UnknownChild(id.to_string()))?;
            let child = &input.children[i];
            let stages = match (input.stats.get(i), input.profile) {
                (Some(stats), Some(profile)) => stage_brackets(child, stats, profile),
                _ => Vec::new(),
            };
            let options = TimelineOptions {
                width: request.width,
                pseudonymise: request.pseudonymise,
                position: Some(i),
                ..TimelineOptions::new(request.as_at)
            };
            Ok(timeline(child, &stages, &options, &BundledMetrics).layout)
        }
        ChartKind::Cohort => {
            if let (Some(id), Some(profile)) = (&request.stage, input.profile) {
                check_stage(profile, id)?;
            }
            let brackets = match input.profile {
                Some(profile) => cohort_brackets(input.children, input.stats, profile),
                None => Vec::new(),
            };
            let rows: Vec<CohortRow<'_>> = input
                .children
                .iter()
                .enumerate()
                .map(|(i, child)| CohortRow {
                    child,
                    stages: brackets.get(i).map(Vec::as_slice).unwrap_or(&[]),
                })
                .collect();
            let sort = match &request.stage {
                Some(id) => CohortSort::Stage(id.clone()),
                None => CohortSort::LongestCurrentWait,
            };
            let order = cohort_order(&rows, &sort);
            // Files are for reading: label rows when there are few, band them when many.
            let row_height = if rows.len() <= 120 {
                14.0
            } else {
                (1400.0 / rows.len() as f32).clamp(0.1, 14.0)
            };
            let options = CohortOptions {
                width: request.width,
                row_height,
                sort,
                pseudonymise: request.pseudonymise,
                // Pseudonymised, each child is named by its position among the input's.
                positions: (0..rows.len()).collect(),
                ..CohortOptions::new(request.as_at)
            };
            Ok(cohort(&rows, &order, &options, &BundledMetrics).layout)
        }
        ChartKind::Delay => {
            let profile = input
                .profile
                .ok_or(ChartError::NoStatistics(request.kind))?;
            check_breakdown(input.stages, request.breakdown.as_deref())?;
            let chosen: Vec<StageSummary> = match &request.stage {
                Some(id) => {
                    check_stage(profile, id)?;
                    input
                        .stages
                        .iter()
                        .filter(|s| s.id == *id)
                        .cloned()
                        .collect()
                }
                None => input.stages.to_vec(),
            };
            let options = DelayOptions {
                breakdown: request.breakdown.clone(),
                width: request.width,
                profile: profile_label,
                ..DelayOptions::new(request.as_at)
            };
            Ok(delay(&chosen, &options, &BundledMetrics))
        }
        ChartKind::Km => {
            let stage = chosen_stage(input, request)?;
            check_breakdown(std::slice::from_ref(stage), request.breakdown.as_deref())?;
            let options = SurvivalOptions {
                breakdown: request.breakdown.clone(),
                width: request.width,
                profile: profile_label,
                ..SurvivalOptions::new(request.as_at)
            };
            Ok(survival(stage, &options, &BundledMetrics))
        }
        ChartKind::Histogram => {
            let stage = chosen_stage(input, request)?;
            check_breakdown(std::slice::from_ref(stage), request.breakdown.as_deref())?;
            let options = DistributionOptions {
                breakdown: request.breakdown.clone(),
                width: request.width,
                profile: profile_label,
                ..DistributionOptions::new(request.as_at)
            };
            Ok(distribution(stage, input.stats, &options, &BundledMetrics))
        }
        ChartKind::Run | ChartKind::Xmr => {
            let stage = chosen_stage(input, request)?;
            let profile = input
                .profile
                .ok_or(ChartError::NoStatistics(request.kind))?;
            stage_chart(input, profile, stage, request)
        }
        ChartKind::Decomposition => {
            let profile = input
                .profile
                .ok_or(ChartError::NoStatistics(request.kind))?;
            check_breakdown(input.stages, request.breakdown.as_deref())?;
            let d = crate::stats::decompose::decompose(
                input.children,
                input.stats,
                profile,
                input.stages,
                request.as_at,
                match request.breakdown.as_deref() {
                    Some(b) => Groups::Only(b),
                    None => Groups::None,
                },
            )
            .ok_or(ChartError::NoPermanenceStage)?;
            let options = DecompositionOptions {
                breakdown: request.breakdown.clone(),
                width: request.width,
                ..DecompositionOptions::new(request.as_at)
            };
            Ok(decomposition(&d, profile, &options, &BundledMetrics))
        }
    }
}

/// A run or XmR chart of a stage's days.
fn stage_chart(
    input: ChartInput<'_>,
    profile: &Profile,
    stage: &StageSummary,
    request: &ChartRequest,
) -> Result<Layout, ChartError> {
    let series = stage_series(input.stats, profile, &stage.id, request.aggregate)
        .map_err(ChartError::UnknownStage)?;
    let mut config = request.spc.clone();
    config.chart = match request.kind {
        ChartKind::Run => qi::ChartKind::Run,
        _ => qi::ChartKind::Xmr,
    };
    if config.target.is_none() {
        config.target = stage_target_days(stage.target);
    }
    let chart = qi::analyze(&series.values(), &config).map_err(ChartError::Qi)?;
    let title = match request.aggregate {
        Aggregate::None => format!("{}: days per completed stage, by end date", stage.label),
        Aggregate::Month => format!(
            "{}: median days of the stages ending each month",
            stage.label
        ),
        Aggregate::Quarter => format!(
            "{}: median days of the stages ending each quarter",
            stage.label
        ),
    };
    let mut options = SpcOptions::new(&title, "days");
    options.width = request.width;
    // Days in a stage cannot be negative.
    options.non_negative = true;
    match request.aggregate {
        Aggregate::None => {
            let names: Vec<String> = series
                .points
                .iter()
                .map(|p| match (p.child, request.pseudonymise) {
                    (Some(i), false) => input
                        .children
                        .get(i)
                        .map(|c| c.id.to_string())
                        .unwrap_or_default(),
                    _ => String::new(),
                })
                .collect();
            options.point_notes = names
                .iter()
                .map(|n| {
                    if n.is_empty() {
                        String::new()
                    } else {
                        format!("child {n}")
                    }
                })
                .collect();
            if !request.pseudonymise {
                options.extra_columns.push(("child".into(), names));
            }
        }
        Aggregate::Month | Aggregate::Quarter => {
            options.point_notes = series
                .points
                .iter()
                .map(|p| {
                    if p.n == 1 {
                        "1 stage".to_string()
                    } else {
                        format!("median of {} stages", p.n)
                    }
                })
                .collect();
            options.extra_columns.push((
                "n".into(),
                series.points.iter().map(|p| p.n.to_string()).collect(),
            ));
            options.extra_columns.push((
                "period_end".into(),
                series
                    .points
                    .iter()
                    .map(|p| {
                        // ISO, as every CSV writes dates.
                        p.period_end.map(|d| d.to_string()).unwrap_or_default()
                    })
                    .collect(),
            ));
        }
    }
    options.note = not_ended_note(&series, request.as_at);
    Ok(spc(&chart, &options, &BundledMetrics))
}

/// "27 stages not ended by 31 Mar 2024 left out": the note of a stage's run or XmR chart
/// (the command line's and the page's) when some of its stages had not ended.
pub fn not_ended_note(series: &StageSeries, as_at: NaiveDate) -> Option<String> {
    (series.not_ended > 0).then(|| {
        format!(
            "{} not ended by {} left out",
            super::figure::count(series.not_ended, "stage", "stages"),
            super::axis::date_long(as_at)
        )
    })
}

/// A stage's own target in whole days (a month counts 30.4375 days), the default target of
/// every run and XmR chart of a stage: the page's, the command line's `chart` and `spc`.
pub fn stage_target_days(target: Option<CalendarDuration>) -> Option<f64> {
    target.map(|t| target_days(t).round())
}

/// The stage a single-stage chart is of: the one asked for, or `time_to_permanence`, or the
/// first.
fn chosen_stage<'a>(
    input: ChartInput<'a>,
    request: &ChartRequest,
) -> Result<&'a StageSummary, ChartError> {
    let profile = input
        .profile
        .ok_or(ChartError::NoStatistics(request.kind))?;
    let id = match &request.stage {
        Some(id) => id.as_str(),
        None if input.stages.iter().any(|s| s.id == "time_to_permanence") => "time_to_permanence",
        None => input
            .stages
            .first()
            .map(|s| s.id.as_str())
            .ok_or(ChartError::NoStatistics(request.kind))?,
    };
    check_stage(profile, id)?;
    input
        .stages
        .iter()
        .find(|s| s.id == id)
        .ok_or(ChartError::NoStatistics(request.kind))
}

fn check_stage(profile: &Profile, id: &str) -> Result<(), ChartError> {
    if profile.stages.iter().any(|s| s.id == id) {
        Ok(())
    } else {
        Err(ChartError::UnknownStage(UnknownStage {
            stage: id.to_string(),
            known: profile.stages.iter().map(|s| s.id.clone()).collect(),
        }))
    }
}

fn check_breakdown(stages: &[StageSummary], breakdown: Option<&str>) -> Result<(), ChartError> {
    let Some(b) = breakdown else {
        return Ok(());
    };
    if stages.iter().any(|s| s.groups.get(b).is_some()) {
        return Ok(());
    }
    let mut known: Vec<String> = Vec::new();
    for s in stages {
        for k in s.groups.keys() {
            if !known.iter().any(|x| x == k) {
                known.push(k.to_string());
            }
        }
    }
    Err(ChartError::UnknownBreakdown {
        breakdown: b.to_string(),
        known,
    })
}

/// Lays out and renders the requested chart (PNG at twice the logical size, for print; CSV is
/// the chart's table).
#[cfg(not(target_arch = "wasm32"))]
pub fn render_chart(
    input: ChartInput<'_>,
    request: &ChartRequest,
    format: OutputFormat,
) -> Result<Vec<u8>, ChartError> {
    let layout = layout_chart(input, request)?;
    match format {
        OutputFormat::Svg => super::render_svg(&layout)
            .map(String::into_bytes)
            .map_err(ChartError::Render),
        OutputFormat::Png => super::render_png(&layout, 2.0).map_err(ChartError::Render),
        OutputFormat::Csv => Ok(layout
            .table
            .map(|t| t.to_csv())
            .unwrap_or_default()
            .into_bytes()),
    }
}

impl OutputFormat {
    /// The format for an output path, from its extension (`.svg`, `.png` or `.csv`, any case).
    pub fn from_path(path: &str) -> Option<OutputFormat> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(OutputFormat::Svg),
            "png" => Some(OutputFormat::Png),
            "csv" => Some(OutputFormat::Csv),
            _ => None,
        }
    }
}

impl ChartKind {
    pub const ALL: [ChartKind; 8] = [
        ChartKind::Timeline,
        ChartKind::Cohort,
        ChartKind::Delay,
        ChartKind::Km,
        ChartKind::Histogram,
        ChartKind::Run,
        ChartKind::Xmr,
        ChartKind::Decomposition,
    ];

    /// The word used on the command line and in the page's chart specs.
    pub fn id(self) -> &'static str {
        match self {
            ChartKind::Timeline => "timeline",
            ChartKind::Cohort => "cohort",
            ChartKind::Delay => "delay",
            ChartKind::Km => "km",
            ChartKind::Histogram => "histogram",
            ChartKind::Run => "run",
            ChartKind::Xmr => "xmr",
            ChartKind::Decomposition => "decomposition",
        }
    }
}

impl FromStr for ChartKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChartKind::ALL
            .into_iter()
            .find(|k| k.id().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let all: Vec<&str> = ChartKind::ALL.iter().map(|k| k.id()).collect();
                format!(
                    "unknown chart kind \"{s}\"; choose one of {}",
                    all.join(", ")
                )
            })
    }
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::ChildRequired => f.write_str("a timeline needs --child ID"),
            ChartError::UnknownChild(id) => write!(f, "no child with ID \"{id}\" was found"),
            ChartError::NoStatistics(kind) => write!(
                f,
                "the {} chart needs the delay statistics, which were not computed for this input",
                kind.id()
            ),
            ChartError::UnknownStage(e) => write!(f, "{e}"),
            ChartError::UnknownBreakdown { breakdown, known } if known.is_empty() => write!(
                f,
                "no breakdown \"{breakdown}\": the statistics have no groups for these stages"
            ),
            ChartError::UnknownBreakdown { breakdown, known } => write!(
                f,
                "no breakdown \"{breakdown}\"; choose one of {}",
                known.join(", ")
            ),
            ChartError::NoPermanenceStage => f.write_str(
                "the decomposition needs a stage with the id time_to_permanence in the profile",
            ),
            ChartError::Qi(e) => write!(f, "the stage's series cannot be charted: {e}"),
            ChartError::Render(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ChartError {}
