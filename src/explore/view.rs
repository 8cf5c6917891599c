//! The page's charts: a chart spec (the plain object the page sends) turned into a layout
//! of the children the filters choose, with what the page shows beside it (the rows in view
//! of the cohort view, a QI chart's numbers, a statistical chart's table).
//!
//! This module owns the page's chart spec and its answer. Every statistical chart goes
//! through [`crate::chart::layout_chart`] with a [`ChartRequest`]; the timeline, the cohort
//! view (with its viewport) and the QI view are laid out here from the same chart modules.
//! It paints nothing: the boundary paints the layout.

use super::filter::Filters;
use crate::chart::{
    cohort, cohort_order, spc, timeline, BundledMetrics, ChartKind, ChartRequest, CohortOptions,
    CohortRow, CohortSort, SpcOptions, SpcSpec, StageBracket, Table, TimelineOptions, Viewport,
};
use crate::qi::{self, SpcChart};
use crate::report::Report;
use crate::stats::series::StageSeries;
use crate::stats::Aggregate;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A chart as the page asks for it. Every field is optional except `kind`:
///
/// ```js
/// {
///   kind: "timeline" | "cohort" | "qi" | "delay" | "km" | "histogram" | "run" | "xmr",
///   slot: "overview-km",        // where the page shows it (hit tests and exports name it)
///   child: 12 | "C0012",        // timeline: the child's index in the report, or its ID
///   width: 1000, scale: 2,      // CSS pixels; backing-store pixels per CSS pixel
///   pseudonymise: false,
///   filters: { team: "North" }, // the children charted
///   // cohort: sort ("entry", "wait" or a stage id), first_row, rows, row_height
///   // qi: { stage, chart, aggregation, rules, baseline, rebase, annotations, target }, height
///   // delay, km, histogram, run, xmr: stage, breakdown, aggregate, and the SPC settings
///   //   (rules, direction, target, baseline, rebase, screen, annotations; see SpcSpec)
/// }
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ChartQuery {
    pub kind: String,
    pub slot: String,
    pub child: Option<ChildRef>,
    pub width: Option<f32>,
    pub scale: f64,
    pub pseudonymise: bool,
    pub filters: Filters,
    pub sort: Option<String>,
    pub first_row: usize,
    pub rows: Option<usize>,
    pub row_height: Option<f32>,
    pub height: Option<f32>,
    pub qi: Option<QiSpec>,
    pub stage: Option<String>,
    pub breakdown: Option<String>,
    pub aggregate: Option<String>,
    /// The "for sharing" mode (`{ round }`), if on: the chart's table protected, and the
    /// chart drawn only where it shows nothing the table withholds.
    pub sharing: Option<super::sharing::Sharing>,
    /// A run or XmR chart's settings.
    #[serde(flatten)]
    pub spc: SpcSpec,
}

impl Default for ChartQuery {
    fn default() -> Self {
        ChartQuery {
            kind: String::new(),
            slot: "chart".into(),
            child: None,
            width: None,
            scale: 1.0,
            pseudonymise: false,
            filters: Filters::default(),
            sort: None,
            first_row: 0,
            rows: None,
            row_height: None,
            height: None,
            qi: None,
            stage: None,
            breakdown: None,
            aggregate: None,
            sharing: None,
            spc: SpcSpec::default(),
        }
    }
}

/// A child by index in the report or by ID.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum ChildRef {
    Index(u32),
    Id(String),
}

/// What the QI view asks for: a chart of one stage's completed waits.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct QiSpec {
    /// The stage id.
    pub stage: String,
    /// `run` or `xmr`.
    pub chart: String,
    /// `none` (one point per completed wait, dated when it ended), `month` or `quarter`
    /// (the median of the waits that ended in each).
    pub aggregation: String,
    /// `days` (the waits, as above) or `completions` (a run chart of how many completed the
    /// stage each month, with `forecast_months` forecast months after the data).
    pub measure: String,
    /// Forecast months after the data on a chart of completions (0 for none, at most 24).
    pub forecast_months: u32,
    /// The chart's settings (the target in days; the stage's own target when absent).
    #[serde(flatten)]
    pub spc: SpcSpec,
}

impl Default for QiSpec {
    fn default() -> Self {
        QiSpec {
            stage: String::new(),
            chart: "run".into(),
            aggregation: "none".into(),
            measure: "days".into(),
            forecast_months: 0,
            spc: SpcSpec::default(),
        }
    }
}

/// What the page shows beside a chart.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ChartInfo {
    pub width: f32,
    pub height: f32,
    pub title: String,
    pub description: String,
    /// Timeline: event labels left out for lack of room.
    pub hidden_labels: usize,
    /// Cohort view: rows in all, the first in view and how many are in view.
    pub total_rows: usize,
    pub first_row: usize,
    pub shown_rows: usize,
    /// Cohort view: the children in view, in order, as indices into the report.
    pub children: Vec<usize>,
    pub qi: Option<QiInfo>,
    /// The numbers behind a statistical chart.
    pub table: Option<Table>,
    /// QI chart of completions: the forecast months after the data.
    pub forecast: Vec<ForecastMonth>,
}

/// A forecast month of the QI chart of completions.
#[derive(Clone, Debug, Serialize)]
pub struct ForecastMonth {
    /// The month's first day.
    pub month: chrono::NaiveDate,
    /// The children in view expected to complete the stage that month, with a 95% interval.
    pub expected: f64,
    pub interval: [f64; 2],
    /// The waiting rows whose chances were summed.
    pub waiting: u32,
}

/// A QI chart's numbers, for the table under it.
#[derive(Clone, Debug, Serialize)]
pub struct QiInfo {
    pub stage: String,
    pub stage_label: String,
    /// Waits behind each point.
    pub counts: Vec<usize>,
    pub chart: SpcChart,
}

impl ChartQuery {
    /// The width asked for, within 320 to 4000 CSS pixels (1000 by default).
    pub fn width(&self) -> f32 {
        match self.width {
            Some(w) if w.is_finite() => w.clamp(320.0, 4000.0),
            _ => 1000.0,
        }
    }

    /// The library request for a statistical chart of this spec over `report`.
    pub fn request(&self, report: &Report) -> Result<ChartRequest, String> {
        let kind: ChartKind = self.kind.parse()?;
        let mut request = ChartRequest::new(kind, report.as_at);
        request.child = match &self.child {
            Some(ChildRef::Index(i)) => Some(
                report
                    .journeys
                    .get(*i as usize)
                    .map(|c| c.id.to_string())
                    .ok_or_else(|| format!("there is no child number {i}"))?,
            ),
            Some(ChildRef::Id(id)) => Some(id.clone()),
            None => None,
        };
        request.stage.clone_from(&self.stage);
        request.breakdown.clone_from(&self.breakdown);
        if let Some(a) = &self.aggregate {
            request.aggregate = a
                .parse::<Aggregate>()
                .map_err(|e| format!("aggregate: {e}"))?;
        }
        request.spc = self.spc.config()?;
        request.pseudonymise = self.pseudonymise;
        request.width = self.width();
        Ok(request)
    }

    /// The cohort view's order.
    pub fn cohort_sort(&self) -> CohortSort {
        match self.sort.as_deref() {
            Some("entry") | None => CohortSort::EntryDate,
            Some("wait") => CohortSort::LongestCurrentWait,
            Some(stage) => CohortSort::Stage(stage.to_string()),
        }
    }
}

impl QiSpec {
    /// How the waits are aggregated.
    pub fn aggregate(&self) -> Result<Aggregate, String> {
        match self.aggregation.as_str() {
            "" => Ok(Aggregate::None),
            text => text.parse::<Aggregate>(),
        }
    }
}

/// Lays out one child's timeline.
pub fn timeline_layout(
    report: &Report,
    index: usize,
    stages: &[StageBracket],
    query: &ChartQuery,
    info: &mut ChartInfo,
) -> Result<crate::chart::Layout, String> {
    let child = report
        .journeys
        .get(index)
        .ok_or_else(|| format!("there is no child number {index}"))?;
    let options = TimelineOptions {
        width: query.width(),
        pseudonymise: query.pseudonymise,
        position: Some(index),
        ..TimelineOptions::new(report.as_at)
    };
    let drawn = timeline(child, stages, &options, &BundledMetrics);
    info.hidden_labels = drawn.hidden_labels;
    Ok(drawn.layout)
}

/// Lays out the cohort view of the children `chosen` (indices into the report), whose stage
/// brackets are `brackets`, in the spec's order and viewport.
pub fn cohort_layout(
    report: &Report,
    chosen: &[usize],
    brackets: &[Vec<StageBracket>],
    query: &ChartQuery,
    info: &mut ChartInfo,
) -> crate::chart::Layout {
    let rows: Vec<CohortRow<'_>> = chosen
        .iter()
        .zip(brackets)
        .filter_map(|(&i, stages)| {
            let child = report.journeys.get(i)?;
            Some(CohortRow { child, stages })
        })
        .collect();
    let sort = query.cohort_sort();
    let order = cohort_order(&rows, &sort);
    let options = CohortOptions {
        width: query.width(),
        row_height: match query.row_height {
            Some(h) if h.is_finite() => h.clamp(0.5, 40.0),
            _ => 14.0,
        },
        sort,
        viewport: Viewport {
            dates: None,
            first_row: query.first_row.min(rows.len().saturating_sub(1)),
            rows: query.rows,
        },
        pseudonymise: query.pseudonymise,
        // Pseudonymised, each child has the name it has in every other view.
        positions: chosen.to_vec(),
        ..CohortOptions::new(report.as_at)
    };
    let drawn = cohort(&rows, &order, &options, &BundledMetrics);
    info.total_rows = rows.len();
    info.first_row = drawn.shown.start;
    info.shown_rows = drawn.shown.len();
    // The children in view, in order, so the page can open one.
    info.children = order
        .get(drawn.shown.clone())
        .unwrap_or(&[])
        .iter()
        .filter_map(|&k| chosen.get(k).copied())
        .collect();
    drawn.layout
}

/// Analyses a stage series for the QI view and lays its chart out.
pub fn qi_layout(
    series: &StageSeries,
    as_at: NaiveDate,
    spec: &QiSpec,
    query: &ChartQuery,
    info: &mut ChartInfo,
) -> Result<crate::chart::Layout, String> {
    if series.points.is_empty() {
        return Err(format!(
            "No child in view has completed \"{}\" yet, so there is nothing to chart.",
            series.label
        ));
    }
    let counts: Vec<usize> = series.points.iter().map(|p| p.n).collect();
    let kind = match spec.chart.as_str() {
        "run" => qi::ChartKind::Run,
        "xmr" => qi::ChartKind::Xmr,
        other => return Err(format!("unknown chart {other}: use run or xmr")),
    };
    let mut config = spec.spc.config()?;
    config.chart = kind;
    let chart = qi::analyze(&series.values(), &config).map_err(|e| e.to_string())?;
    let what = match spec.aggregation.as_str() {
        "month" => "median days, by month completed",
        "quarter" => "median days, by quarter completed",
        _ => "days for each child, by date completed",
    };
    let options = SpcOptions {
        width: query.width(),
        height: match query.height {
            Some(h) if h.is_finite() => h.clamp(240.0, 2000.0),
            _ => 440.0,
        },
        // Days in a stage cannot be negative.
        non_negative: true,
        ..SpcOptions::new(&format!("{}: {what}", series.label), "days")
    };
    let mut layout = spc(&chart, &options, &BundledMetrics);
    // The chart's numbers are the QI view's: each point with the waits behind it.
    // Its notes are the command line's (`driftline chart --kind run|xmr`).
    let mut table = super::export::qi_table(&chart, &counts);
    table.notes.push(crate::chart::spc::icon_words(&chart));
    table
        .notes
        .extend(crate::chart::request::not_ended_note(series, as_at));
    layout.table = Some(table);
    // The page shows the same table under the chart.
    info.table.clone_from(&layout.table);
    info.qi = Some(QiInfo {
        stage: series.stage.clone(),
        stage_label: series.label.clone(),
        counts,
        chart,
    });
    Ok(layout)
}
