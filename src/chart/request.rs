//! One call for the command line and other callers: pick a chart by kind, lay it out from a
//! loaded dataset, and render it to SVG text or PNG bytes.
//!
//! This module owns the chart kinds, their parsing from the command line's words, and the
//! checks on a request (a timeline needs a child that exists). It reads no files: the caller
//! passes the children and their stages and writes the bytes where it likes.

use super::cohort::{cohort, cohort_order, CohortOptions, CohortRow, CohortSort};
use super::layout::Layout;
use super::stage::StageBracket;
use super::text::BundledMetrics;
use super::timeline::{timeline, TimelineOptions};
use super::RenderError;
use crate::model::Child;
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

/// The charts `driftline chart --kind` can draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Timeline,
    Cohort,
    Delay,
    Km,
    Run,
    Xmr,
}

/// The file formats charts render to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Svg,
    Png,
}

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartRequest {
    pub kind: ChartKind,
    pub as_at: NaiveDate,
    /// The child's ID (required for a timeline).
    pub child: Option<String>,
    /// A stage id: the cohort view sorts by days in it.
    pub stage: Option<String>,
    pub pseudonymise: bool,
    /// Width in logical pixels.
    pub width: f32,
}

/// The children to draw and, for each (same index), the stages computed for them. A shorter
/// `stages` slice means no stages for the remaining children.
#[derive(Clone, Copy, Debug)]
pub struct ChartInput<'a> {
    pub children: &'a [Child],
    pub stages: &'a [Vec<StageBracket>],
}

/// Why a chart could not be drawn.
#[derive(Debug)]
pub enum ChartError {
    /// A timeline needs `--child`.
    ChildRequired,
    /// No child has this ID.
    UnknownChild(String),
    /// The chart kind needs statistics this build cannot compute yet.
    NotAvailable(ChartKind),
    Render(RenderError),
}

impl ChartRequest {
    pub fn new(kind: ChartKind, as_at: NaiveDate) -> ChartRequest {
        ChartRequest {
            kind,
            as_at,
            child: None,
            stage: None,
            pseudonymise: false,
            width: 1200.0,
        }
    }
}

/// Lays out the requested chart.
pub fn layout_chart(input: ChartInput<'_>, request: &ChartRequest) -> Result<Layout, ChartError> {
    let no_stages: &[StageBracket] = &[];
    let stages_of = |i: usize| input.stages.get(i).map(Vec::as_slice).unwrap_or(no_stages);
    match request.kind {
        ChartKind::Timeline => {
            let id = request.child.as_deref().ok_or(ChartError::ChildRequired)?;
            let i = input
                .children
                .iter()
                .position(|c| c.id.as_ref() == id)
                .ok_or_else(|| ChartError::UnknownChild(id.to_string()))?;
            let options = TimelineOptions {
                width: request.width,
                pseudonymise: request.pseudonymise,
                ..TimelineOptions::new(request.as_at)
            };
            Ok(timeline(&input.children[i], stages_of(i), &options, &BundledMetrics).layout)
        }
        ChartKind::Cohort => {
            let rows: Vec<CohortRow<'_>> = input
                .children
                .iter()
                .enumerate()
                .map(|(i, child)| CohortRow {
                    child,
                    stages: stages_of(i),
                })
                .collect();
            let sort = match &request.stage {
                Some(id) => CohortSort::Stage(id.clone()),
                None => CohortSort::LongestCurrentWait,
            };
            let order = cohort_order(&rows, &sort, request.as_at);
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
                ..CohortOptions::new(request.as_at)
            };
            Ok(cohort(&rows, &order, &options, &BundledMetrics).layout)
        }
        kind => Err(ChartError::NotAvailable(kind)),
    }
}

/// Lays out and renders the requested chart (PNG at twice the logical size, for print).
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
    }
}

impl OutputFormat {
    /// The format for an output path, from its extension (`.svg` or `.png`, any case).
    pub fn from_path(path: &str) -> Option<OutputFormat> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(OutputFormat::Svg),
            "png" => Some(OutputFormat::Png),
            _ => None,
        }
    }
}

impl ChartKind {
    pub const ALL: [ChartKind; 6] = [
        ChartKind::Timeline,
        ChartKind::Cohort,
        ChartKind::Delay,
        ChartKind::Km,
        ChartKind::Run,
        ChartKind::Xmr,
    ];

    /// The word used on the command line.
    pub fn id(self) -> &'static str {
        match self {
            ChartKind::Timeline => "timeline",
            ChartKind::Cohort => "cohort",
            ChartKind::Delay => "delay",
            ChartKind::Km => "km",
            ChartKind::Run => "run",
            ChartKind::Xmr => "xmr",
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
            ChartError::NotAvailable(kind) => write!(
                f,
                "the {} chart needs the delay statistics, which this build does not compute yet",
                kind.id()
            ),
            ChartError::Render(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ChartError {}
