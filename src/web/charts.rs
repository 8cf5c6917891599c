//! Chart entry points for the page: every chart kind laid out from a session's analysis by a
//! plain JavaScript spec, painted on an HTML canvas crisp on HiDPI screens, with hit tests for
//! tooltips, the SVG export and the chart's table (its text alternative) as CSV.
//!
//! This module owns the JavaScript chart spec ([`ChartSpec`]), the canvas sizing (CSS size ×
//! `devicePixelRatio` for the backing store) and the JavaScript-facing [`ChartView`]. Layout,
//! wording, tables and hit regions come from `crate::chart` (one call,
//! [`crate::chart::layout_chart`], for every kind); the painter is the same one that writes
//! SVG natively and paints the worker's offscreen canvases (`super::offscreen`). Text
//! measurement never touches the DOM: layouts are measured with the bundled font metrics, and
//! the canvas paints with the matching font stack.
//!
//! # The chart spec
//!
//! Every field is optional except `kind`; unknown fields are ignored, so the worker's own
//! fields (`slot`, `scale`, `sort`, paging) can travel in the same object.
//!
//! ```js
//! {
//!   kind: "timeline" | "cohort" | "delay" | "km" | "histogram" | "run" | "xmr",
//!   child: 12 | "C0012",        // timeline: the child's index in the report, or its ID
//!   stage: "time_to_permanence", // km, histogram, run, xmr: the stage (this one by default);
//!                                // delay: only this stage; cohort: sort by days in it
//!   breakdown: "placement",     // delay, km, histogram: placement, legal_status, age_at_entry,
//!                               // sex, local_authority, team, year_of_entry, route, attribute:NAME
//!   aggregate: "none" | "month" | "quarter",                 // run, xmr
//!   rules: "anhoej" | "ihi" | "mdc" | "nhse-2024",           // run, xmr
//!   direction: "lower" | "higher" | "neutral",              // run, xmr (lower by default)
//!   target: 84,                 // run, xmr: in days (the stage's own target by default)
//!   baseline: 12, rebase: ["2024-01-01"], screen: true,     // xmr
//!   annotations: [{ date: "2024-02-01", label: "PDSA 1" }], // run, xmr
//!   width: 1000,                // CSS pixels
//!   pseudonymise: false,
//! }
//! ```
//!
//! From the worker, `session.drawChart(spec)` accepts these kinds and specs (see
//! `super::session`), and `session.chartTable(slot)` returns the drawn chart's table as CSV.
//! On the main thread, `session.chartView(spec)` returns a [`ChartView`] to draw on a canvas.

use super::js_error;
use super::session::Session;
use crate::chart::{
    cohort, hit_test, layout_chart, paint, render_svg, timeline, BundledMetrics, ChartError,
    ChartInput, ChartKind, ChartRequest, CohortOptions, CohortRow, Layout, PaintOptions,
    StageBracket, TimelineOptions,
};
use crate::model::Child;
use crate::qi::{Annotation, Direction, RuleSet, SpcConfig};
use crate::report::Report;
use crate::stats::Aggregate;
use chrono::NaiveDate;
use plotters_canvas::CanvasBackend;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// A chart spec as the page writes it (see the module documentation).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChartSpec {
    pub kind: String,
    pub child: Option<ChildRef>,
    pub stage: Option<String>,
    pub breakdown: Option<String>,
    pub aggregate: Option<String>,
    pub rules: Option<String>,
    pub direction: Option<String>,
    pub target: Option<f64>,
    pub baseline: Option<usize>,
    pub rebase: Vec<String>,
    pub screen: Option<bool>,
    pub annotations: Vec<SpecAnnotation>,
    pub width: Option<f32>,
    pub pseudonymise: bool,
}

/// A child by index in the report or by ID.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum ChildRef {
    Index(u32),
    Id(String),
}

/// A dated label for a test of change.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SpecAnnotation {
    pub date: String,
    pub label: String,
}

impl ChartSpec {
    /// Reads a spec from a JavaScript object.
    pub fn from_js(spec: &JsValue) -> Result<ChartSpec, JsValue> {
        serde_wasm_bindgen::from_value(spec.clone())
            .map_err(|err| js_error(&format!("the chart spec is not valid: {err}"), &[]))
    }

    /// The library request for this spec over `report`.
    pub fn request(&self, report: &Report) -> Result<ChartRequest, JsValue> {
        let kind: ChartKind = self.kind.parse().map_err(|e: String| js_error(&e, &[]))?;
        let bad = |what: &str, e: String| js_error(&format!("{what}: {e}"), &[]);
        let mut request = ChartRequest::new(kind, report.as_at);
        request.child = match &self.child {
            Some(ChildRef::Index(i)) => Some(
                report
                    .journeys
                    .get(*i as usize)
                    .map(|c| c.id.to_string())
                    .ok_or_else(|| js_error(&format!("there is no child number {i}"), &[]))?,
            ),
            Some(ChildRef::Id(id)) => Some(id.clone()),
            None => None,
        };
        request.stage.clone_from(&self.stage);
        request.breakdown.clone_from(&self.breakdown);
        if let Some(a) = &self.aggregate {
            request.aggregate = a.parse::<Aggregate>().map_err(|e| bad("aggregate", e))?;
        }
        let mut spc = SpcConfig::default();
        if let Some(r) = &self.rules {
            spc.rules = Some(
                r.parse::<RuleSet>()
                    .map_err(|e| bad("rules", e.to_string()))?,
            );
        }
        if let Some(d) = &self.direction {
            spc.direction = d
                .parse::<Direction>()
                .map_err(|e| bad("direction", e.to_string()))?;
        }
        spc.target = self.target;
        spc.baseline = self.baseline;
        spc.screen = self.screen.unwrap_or(true);
        for d in &self.rebase {
            spc.rebase
                .push(parse_date(d).map_err(|e| bad("rebase", e))?);
        }
        for a in &self.annotations {
            spc.annotations.push(Annotation {
                date: parse_date(&a.date).map_err(|e| bad("annotations", e))?,
                label: a.label.clone(),
            });
        }
        request.spc = spc;
        request.pseudonymise = self.pseudonymise;
        request.width = match self.width {
            Some(w) if w.is_finite() => w.clamp(320.0, 4000.0),
            _ => 1000.0,
        };
        Ok(request)
    }
}

/// Lays out the chart `spec` asks for from `report` (any kind; the layout carries its table).
pub fn layout_from_spec(report: &Report, spec: &JsValue) -> Result<Layout, JsValue> {
    layout_from_input(report, ChartInput::from_report(report), spec)
}

/// Lays out the chart `spec` asks for from `input`: a part of `report`'s children with their
/// own statistics (the page's filters), or the whole report. `report` gives the "as at" date
/// and resolves a child's index to its ID.
pub fn layout_from_input(
    report: &Report,
    input: ChartInput<'_>,
    spec: &JsValue,
) -> Result<Layout, JsValue> {
    let spec = ChartSpec::from_js(spec)?;
    let request = spec.request(report)?;
    layout_chart(input, &request).map_err(|e| chart_error(&e))
}

fn chart_error(e: &ChartError) -> JsValue {
    js_error(&e.to_string(), &[])
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    super::parse_date(text).ok_or_else(|| format!("{text:?} is not a date written YYYY-MM-DD"))
}

/// Paints `layout` on `canvas` at the layout's CSS size: the backing store is
/// `devicePixelRatio` times larger and the painter scales every coordinate, so lines and text
/// stay sharp on HiDPI screens. Call again after a resize (with a layout made for the new
/// width) or when the ratio changes (zooming, moving to another screen).
pub fn draw_layout(
    canvas: &HtmlCanvasElement,
    layout: &Layout,
    device_pixel_ratio: f64,
) -> Result<(), JsValue> {
    let ratio = if device_pixel_ratio.is_finite() && device_pixel_ratio > 0.0 {
        device_pixel_ratio.min(8.0)
    } else {
        1.0
    };
    let css_w = f64::from(layout.width);
    let css_h = f64::from(layout.height);
    canvas.set_width((css_w * ratio).round().max(1.0) as u32);
    canvas.set_height((css_h * ratio).round().max(1.0) as u32);
    let style = canvas.style();
    style.set_property("width", &format!("{css_w}px"))?;
    style.set_property("height", &format!("{css_h}px"))?;
    let mut backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| JsValue::from_str("the canvas has no 2D context"))?;
    paint(layout, &mut backend, &PaintOptions::canvas(ratio as f32))
        .map_err(|e| JsValue::from_str(&format!("drawing the chart failed: {e}")))
}

/// A laid-out chart held on the Rust side: draw it, ask what is under the pointer, export it
/// as SVG, or read its numbers.
#[wasm_bindgen]
pub struct ChartView {
    layout: Layout,
}

impl ChartView {
    /// Wraps a layout made by any chart module.
    pub fn new(layout: Layout) -> ChartView {
        ChartView { layout }
    }

    /// Any chart kind from an analysed report.
    pub fn from_request(report: &Report, request: &ChartRequest) -> Result<ChartView, ChartError> {
        layout_chart(ChartInput::from_report(report), request).map(ChartView::new)
    }

    /// A child's timeline at `options.width` CSS pixels.
    pub fn timeline(
        child: &Child,
        stages: &[StageBracket],
        options: &TimelineOptions,
    ) -> ChartView {
        ChartView::new(timeline(child, stages, options, &BundledMetrics).layout)
    }

    /// The cohort view of `rows` in display `order` (see `chart::cohort_order`).
    pub fn cohort(rows: &[CohortRow<'_>], order: &[usize], options: &CohortOptions) -> ChartView {
        ChartView::new(cohort(rows, order, options, &BundledMetrics).layout)
    }

    /// The layout, for tests and for the text alternative.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}

#[wasm_bindgen]
impl ChartView {
    /// The chart's CSS width.
    #[wasm_bindgen(getter)]
    pub fn width(&self) -> f32 {
        self.layout.width
    }

    /// The chart's CSS height.
    #[wasm_bindgen(getter)]
    pub fn height(&self) -> f32 {
        self.layout.height
    }

    /// Paints the chart on `canvas` (pass `window.devicePixelRatio`).
    pub fn draw(&self, canvas: &HtmlCanvasElement, device_pixel_ratio: f64) -> Result<(), JsValue> {
        draw_layout(canvas, &self.layout, device_pixel_ratio)
    }

    /// What is under the CSS pixel `(x, y)` (relative to the canvas's top left): an object
    /// with `target` (`kind` and indices), `label` (tooltip text), `source` (`table`, `row`)
    /// and `text_row` (the row of the chart's table), or `null`.
    #[wasm_bindgen(js_name = hitTest)]
    pub fn hit_test(&self, x: f32, y: f32) -> Result<JsValue, JsValue> {
        match hit_test(&self.layout, x, y) {
            Some(hit) => serde_wasm_bindgen::to_value(&hit).map_err(JsValue::from),
            None => Ok(JsValue::NULL),
        }
    }

    /// The chart as an SVG document (for download or printing).
    pub fn svg(&self) -> Result<String, JsValue> {
        render_svg(&self.layout).map_err(|e| JsValue::from_str(&e.to_string()))
    }

    /// The numbers behind the chart as CSV (its text alternative; cells are safe to open in
    /// a spreadsheet).
    pub fn table(&self) -> String {
        self.layout
            .table
            .as_ref()
            .map(|t| t.to_csv())
            .unwrap_or_default()
    }

    /// The chart's accessible title.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String {
        self.layout.title.clone()
    }

    /// The chart's accessible description.
    #[wasm_bindgen(getter)]
    pub fn description(&self) -> String {
        self.layout.description.clone()
    }
}

#[wasm_bindgen]
impl Session {
    /// Any chart of this analysis as a [`ChartView`] for a canvas on the page (see the chart
    /// spec in this module's documentation). Throws an `Error` saying why when the spec names
    /// an unknown kind, child, stage or breakdown.
    #[wasm_bindgen(js_name = chartView)]
    pub fn chart_view(&self, spec: &JsValue) -> Result<ChartView, JsValue> {
        layout_from_spec(self.report_ref(), spec).map(ChartView::new)
    }
}
