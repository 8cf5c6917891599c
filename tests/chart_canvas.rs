//! Draws charts on a real canvas in headless Chromium and checks real pixels: the backing
//! store is scaled by the device pixel ratio, bars have their category's colour where the
//! layout put them, the background is white, and hit tests answer through the JS boundary.
//!
//! Run with `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test
//! chart_canvas`. Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

mod chart_fixtures;

use chart_fixtures::{as_at, child_17, synthetic_cohort};
use driftline::chart::{
    cohort_order, palette, CohortOptions, CohortRow, CohortSort, HitTarget, Layout, TimelineOptions,
};
use driftline::model::PlacementCategory;
use driftline::web::charts::ChartView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn new_canvas() -> HtmlCanvasElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .expect("create canvas")
        .dyn_into()
        .expect("a canvas element");
    document
        .body()
        .expect("a body")
        .append_child(&canvas)
        .expect("attach");
    canvas
}

/// The colour of the device pixel under the CSS point `(x, y)`.
fn pixel(canvas: &HtmlCanvasElement, ratio: f64, x: f32, y: f32) -> (u8, u8, u8) {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("context")
        .expect("2d")
        .dyn_into()
        .expect("a 2D context");
    let data = ctx
        .get_image_data(
            (f64::from(x) * ratio).round(),
            (f64::from(y) * ratio).round(),
            1.0,
            1.0,
        )
        .expect("image data")
        .data();
    (data[0], data[1], data[2])
}

fn close(a: (u8, u8, u8), b: (u8, u8, u8)) -> bool {
    let d = |p: u8, q: u8| (i16::from(p) - i16::from(q)).abs();
    d(a.0, b.0) <= 6 && d(a.1, b.1) <= 6 && d(a.2, b.2) <= 6
}

fn region(layout: &Layout, target: HitTarget) -> driftline::chart::Rect {
    layout
        .hits
        .iter()
        .find(|h| h.hit.target == target)
        .map(|h| h.rect)
        .expect("the layout has the region")
}

#[wasm_bindgen_test]
fn the_timeline_is_painted_at_device_resolution_in_its_colours() {
    let (child, stages) = child_17();
    let view = ChartView::timeline(&child, &stages, &TimelineOptions::new(as_at()));
    let canvas = new_canvas();
    let ratio = 2.0;
    view.draw(&canvas, ratio).expect("draws");
    assert_eq!(
        canvas.width(),
        (f64::from(view.width()) * ratio).round() as u32
    );
    assert_eq!(
        canvas.height(),
        (f64::from(view.height()) * ratio).round() as u32
    );
    // Carer D's bar (the fourth placement, foster care, solid) near its top-left corner.
    let bar = region(
        view.layout(),
        HitTarget::Placement {
            period: 0,
            index: 3,
        },
    );
    let (foster, _, _) = palette::placement(PlacementCategory::Foster);
    let got = pixel(&canvas, ratio, bar.x + 4.0, bar.y + 4.0);
    assert!(
        close(got, (foster.r, foster.g, foster.b)),
        "foster bar pixel {got:?}"
    );
    // The top-left corner is background.
    assert_eq!(pixel(&canvas, ratio, 3.0, 3.0), (255, 255, 255));
}

#[wasm_bindgen_test]
fn hit_tests_answer_through_the_js_boundary() {
    let (child, stages) = child_17();
    let view = ChartView::timeline(&child, &stages, &TimelineOptions::new(as_at()));
    let bar = region(
        view.layout(),
        HitTarget::Placement {
            period: 0,
            index: 2,
        },
    );
    let hit = view.hit_test(bar.x + 3.0, bar.y + 3.0).expect("hit test");
    let label = js_sys::Reflect::get(&hit, &"label".into()).expect("label");
    assert!(label
        .as_string()
        .unwrap_or_default()
        .starts_with("Maternal aunt"));
    assert!(view.hit_test(2.0, 2.0).expect("hit test").is_null());
}

#[wasm_bindgen_test]
fn the_cohort_view_is_painted_on_canvas() {
    let data = synthetic_cohort(300, 5);
    let rows: Vec<CohortRow> = data
        .iter()
        .map(|(c, s)| CohortRow {
            child: c,
            stages: s,
        })
        .collect();
    let order = cohort_order(&rows, &CohortSort::EntryDate);
    let view = ChartView::cohort(&rows, &order, &CohortOptions::new(as_at()));
    let canvas = new_canvas();
    view.draw(&canvas, 1.0).expect("draws");
    // The first row's first placement starts at the row's entry date: its colour is there.
    let first = &data[order[0]].0;
    let p = &first.care_periods[0].placements[0];
    let (fill, _, _) = palette::placement(p.category);
    let axis = view.layout().date_axis.expect("axis");
    let scale = driftline::chart::axis::DateScale::new(axis.start, axis.end, axis.x0, axis.x1);
    let row = view
        .layout()
        .hits
        .iter()
        .find(|h| matches!(h.hit.target, HitTarget::CohortRow { .. }))
        .expect("a row")
        .rect;
    let got = pixel(&canvas, 1.0, scale.x(p.start) + 2.0, row.y + row.h * 0.4);
    assert!(
        close(got, (fill.r, fill.g, fill.b)),
        "first placement pixel {got:?}"
    );
}

/// Every pixel of a canvas (or offscreen canvas) context, RGBA.
fn pixels_of(data: web_sys::ImageData) -> Vec<u8> {
    data.data().0
}

/// The main-thread path: the layout crosses as JSON (as the worker sends it), is painted with
/// plotters-canvas on an embedder's own canvas, and comes out as the worker's OffscreenCanvas
/// painter draws the same layout; hit tests answer from the layout that crossed.
#[wasm_bindgen_test]
fn the_main_thread_paints_the_workers_layout_as_the_worker_does() {
    let (child, stages) = child_17();
    let layout = driftline::chart::timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &driftline::chart::BundledMetrics,
    )
    .layout;
    let json = serde_json::to_string(&layout).expect("a layout serialises");
    let canvas = new_canvas();
    let ratio = 2.0;
    let view = driftline::web::charts::draw_layout_json(&canvas, &json, ratio).expect("draws");
    // The layout that crossed is the one laid out (less what stays behind: label boxes and
    // the table).
    let mut sent = layout.clone();
    sent.label_boxes.clear();
    sent.table = None;
    assert_eq!(view.layout(), &sent);
    let offscreen =
        driftline::web::offscreen::paint_offscreen(&layout, ratio).expect("paints offscreen");
    assert_eq!(
        (canvas.width(), canvas.height()),
        (offscreen.width(), offscreen.height())
    );
    let main: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("context")
        .expect("2d")
        .dyn_into()
        .expect("a 2D context");
    let worker: web_sys::OffscreenCanvasRenderingContext2d = offscreen
        .get_context("2d")
        .expect("context")
        .expect("2d")
        .dyn_into()
        .expect("a 2D context");
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    let a = pixels_of(main.get_image_data(0.0, 0.0, w, h).expect("image data"));
    let b = pixels_of(worker.get_image_data(0.0, 0.0, w, h).expect("image data"));
    assert_eq!(a.len(), b.len());
    let differ = a
        .chunks(4)
        .zip(b.chunks(4))
        .filter(|(p, q)| p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let total = a.len() / 4;
    // Anti-aliasing may differ at a few edges; the picture is the same.
    assert!(
        differ * 200 < total,
        "{differ} of {total} pixels differ between the two paths"
    );
    // A placement bar is painted in its colour on the main-thread canvas.
    let bar = region(
        view.layout(),
        HitTarget::Placement {
            period: 0,
            index: 3,
        },
    );
    let (foster, _, _) = palette::placement(PlacementCategory::Foster);
    assert!(close(
        pixel(&canvas, ratio, bar.x + 4.0, bar.y + 4.0),
        (foster.r, foster.g, foster.b)
    ));
    let hit = view.hit_test(bar.x + 3.0, bar.y + 3.0).expect("hit test");
    let label = js_sys::Reflect::get(&hit, &"label".into()).expect("label");
    assert!(label.as_string().unwrap_or_default().starts_with("Carer D"));
    // A layout that is not one says so.
    assert!(driftline::web::charts::draw_layout_json(&canvas, "{}", 1.0).is_err());
}
