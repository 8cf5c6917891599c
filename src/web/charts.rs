//! The main-thread chart path: a laid-out chart ([`ChartView`]) painted with plotters-canvas
//! on an embedder's own `HTMLCanvasElement`, crisp on HiDPI screens, with hit tests for
//! tooltips, the SVG export and the chart's table as CSV. The worker lays charts out (it holds
//! the data) and sends the layout as JSON ([`draw_layout_json`]); it paints the same layouts on
//! an `OffscreenCanvas` (`super::offscreen`) with the same painter for its own bitmaps.
//!
//! This module owns the canvas sizing (CSS size × `devicePixelRatio` for the backing store)
//! and the JavaScript-facing [`ChartView`]. Layout, wording, tables and hit regions come from
//! `crate::chart`; the chart spec is [`crate::explore::ChartQuery`]. Text measurement never
//! touches the DOM: layouts are measured with the bundled font metrics, and the canvas paints
//! with the matching font stack (the page registers the bundled font under its first name) and
//! no kerning, so drawn text is exactly as wide as measured.

use crate::chart::{
    cohort, hit_test, paint, render_svg, timeline, BundledMetrics, CohortOptions, CohortRow,
    Layout, PaintOptions, StageBracket, TimelineOptions,
};
use crate::model::Child;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

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
    // The same context plotters-canvas draws on (a canvas has one 2D context).
    if let Some(context) = canvas.get_context("2d")? {
        super::offscreen::text_as_measured(&context);
    }
    let mut backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| JsValue::from_str("the canvas has no 2D context"))?;
    paint(layout, &mut backend, &PaintOptions::canvas(ratio as f32))
        .map_err(|e| JsValue::from_str(&format!("drawing the chart failed: {e}")))
}

/// Paints a layout laid out elsewhere (the worker's `Session.chartLayout`, as JSON) on an
/// embedder's own `canvas` with plotters-canvas, on the page's main thread, at the screen's
/// `devicePixelRatio`. Returns the [`ChartView`] for hit tests and the SVG. This is the same
/// layout and the same painter as the worker's `OffscreenCanvas` path.
#[wasm_bindgen(js_name = drawLayout)]
pub fn draw_layout_json(
    canvas: &HtmlCanvasElement,
    layout: &str,
    device_pixel_ratio: f64,
) -> Result<ChartView, JsValue> {
    let view = ChartView::from_json(layout)?;
    view.draw(canvas, device_pixel_ratio)?;
    Ok(view)
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

    /// A layout sent as JSON (by the worker, which holds the data).
    pub fn from_json(json: &str) -> Result<ChartView, JsValue> {
        serde_json::from_str(json)
            .map(ChartView::new)
            .map_err(|e| JsValue::from_str(&format!("the chart's layout could not be read: {e}")))
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
