//! A loaded analysis kept inside the worker's WebAssembly memory, so that the page fetches
//! only what each view shows (the summary, one page of a table, one child) instead of copying
//! the whole report to the main thread for every view.
//!
//! This module is the boundary only: each method reads its query from a JavaScript value,
//! asks [`crate::explore::Explorer`] (where the filters, sorting, paging, pseudonymisation,
//! statistics per filter and exports live, tested natively) and converts the answer back.
//! Charts are laid out by the explorer and painted here on an `OffscreenCanvas`.

use super::charts::ChartView;
use super::convert::{js_error, to_js};
use super::profiles::read_profile;
use super::{read_files, read_options};
use crate::explore::forecast::ForecastQuery;
use crate::explore::{
    ChartQuery, ChildQuery, ExploreError, Explorer, ProblemQuery, StageQuery, StageRowsQuery,
};
use crate::ingest::preview;
use crate::report::packed::Spill;
use crate::{InputFile, Report};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// One analysis, held for the page's views.
#[wasm_bindgen]
pub struct Session {
    explorer: Explorer,
}

/// Previews every file for the mapping step: the first rows of each sheet and how Driftline
/// would read them under `options.mapping` (see [`crate::ingest::preview`]), with the
/// children's IDs and dates of birth hidden when `options.pseudonymise` is true.
#[wasm_bindgen]
pub fn preview(files: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    // Pseudonymised, the children's IDs and dates of birth are hidden here too.
    let pseudonymise = super::get(options, "pseudonymise").is_some_and(|p| p.is_truthy());
    let options = read_options(options)?;
    let files = read_files(files)?;
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile {
            name,
            bytes: bytes.as_slice(),
        })
        .collect();
    let preview = preview::preview_shown(
        &inputs,
        options.mapping.as_ref(),
        &options.limits,
        pseudonymise,
    );
    to_js(&preview)
}

#[wasm_bindgen]
impl Session {
    /// Reads and analyses the files (the same arguments as `analyze`). Throws the same
    /// `Error`, with `diagnostics`, when nothing usable could be read.
    #[wasm_bindgen(constructor)]
    pub fn new(files: &JsValue, options: &JsValue) -> Result<Session, JsValue> {
        let report = super::run(files, options)?;
        Ok(Session::from_report(report))
    }

    /// The full report as a plain object, exactly what `analyze` returns.
    pub fn report(&self) -> Result<JsValue, JsValue> {
        to_js(self.report_ref())
    }

    /// The report in two parts, for `analyze` to build each journey only when it is read:
    /// `{ summary, journeys, offsets }`, where `summary` is the report without the journeys as
    /// JSON text (`driftline analyze --format json-summary`), `journeys` a `Uint8Array` of every
    /// journey's compact JSON one after another and `offsets` a `Uint32Array` of where each
    /// starts, and after the last where it ends (see [`crate::report::Journeys::json_pieces`]).
    #[wasm_bindgen(js_name = reportParts)]
    pub fn report_parts(&self) -> Result<JsValue, JsValue> {
        let report = self.report_ref();
        let failed =
            |err: serde_json::Error| js_error(&format!("cannot convert the report: {err}"), &[]);
        let summary = serde_json::to_string(&report.summary()).map_err(failed)?;
        let pieces = report.journeys.json_pieces().map_err(failed)?;
        let out = js_sys::Object::new();
        js_sys::Reflect::set(&out, &"summary".into(), &summary.into())?;
        let bytes = js_sys::Uint8Array::from(pieces.bytes.as_slice());
        drop(pieces.bytes);
        js_sys::Reflect::set(&out, &"journeys".into(), &bytes)?;
        let offsets = js_sys::Uint32Array::from(pieces.offsets.as_slice());
        js_sys::Reflect::set(&out, &"offsets".into(), &offsets)?;
        Ok(out.into())
    }

    /// The report in packed parts, for `analyze` to build each journey only when it is read
    /// (see [`crate::report::packed`] for the format): `{ summary, batch, starts, words,
    /// numbers, strings, stringEnds, shapes }`, where `summary` is the words of the report
    /// without the journeys (`driftline analyze --format json-summary`), `words` a list of
    /// `Uint32Array`s, one per `batch` journeys, `starts` a `Uint32Array` of where each journey
    /// starts in its batch's words, `numbers` a `Float64Array`, `strings` the strings' UTF-8
    /// bytes, `stringEnds` a `Uint32Array` of where each string ends in UTF-16 units once
    /// decoded, and `shapes` each object shape's keys as JSON text. The summary's words, the
    /// numbers and the strings' ends are copied out of wasm memory a chunk at a time while they
    /// are packed, and each
    /// batch's words once it is packed, so the packing's own room in this memory is the
    /// strings' tables, one batch and a chunk, not the whole report's.
    #[wasm_bindgen(js_name = reportPacked)]
    pub fn report_packed(&self) -> Result<JsValue, JsValue> {
        /// Journeys a batch: about 240 kB of words for the benchmark's cohort. Memory that
        /// holds the report has few free gaps that large, so a larger batch's room is new
        /// memory: 1,024 a batch with chunks of 65,536 below set `analyze()`'s peak 1.1 MB
        /// higher than these, and 4,096 a batch another 3.4 MB.
        const BATCH: usize = 256;
        /// The summary's words, the numbers and the strings' ends leave wasm memory this many
        /// at a time (64 kB of words, 128 kB of numbers).
        const CHUNK: usize = 16_384;
        self.report_packed_in(BATCH, CHUNK)
    }

    /// The timescale profile in force, as a plain object in the JSON shape of a saved profile.
    pub fn profile(&self) -> Result<JsValue, JsValue> {
        to_js(self.explorer.profile())
    }

    /// Applies another timescale profile (a built-in name, a profile object or its JSON text)
    /// to the journeys already built, without reading the files again, and resolves to the new
    /// summary. Throws, changing nothing, if the profile is not valid.
    #[wasm_bindgen(js_name = setProfile)]
    pub fn set_profile(&mut self, profile: JsValue) -> Result<JsValue, JsValue> {
        let profile = read_profile(Some(profile)).map_err(|err| js_error(&err.message, &[]))?;
        self.explorer.set_profile(&profile);
        self.summary()
    }

    /// The stage table for the children the filters choose: `query` is `{ filters,
    /// breakdown, pseudonymise }`.
    pub fn stages(&mut self, query: &JsValue) -> Result<JsValue, JsValue> {
        let query: StageQuery = read_query(query)?;
        to_js(&self.explorer.stages(&query))
    }

    /// The stage table (as [`Session::stages`] shows it) as CSV text.
    #[wasm_bindgen(js_name = stagesCsv)]
    pub fn stages_csv(&mut self, query: &JsValue) -> Result<String, JsValue> {
        let query: StageQuery = read_query(query)?;
        Ok(self.explorer.stages_table(&query).to_csv())
    }

    /// The notes of the stage table [`Session::stages_csv`] writes (for sharing, the rules
    /// its counts follow), as plain text; empty when it has none.
    #[wasm_bindgen(js_name = stagesNotes)]
    pub fn stages_notes(&mut self, query: &JsValue) -> Result<String, JsValue> {
        let query: StageQuery = read_query(query)?;
        Ok(self
            .explorer
            .stages_table(&query)
            .notes_text()
            .unwrap_or_default())
    }

    /// The per-child stage table (the command line's `--format csv`) for the children the
    /// filters choose, or for one child: `query` is `{ filters, child, pseudonymise }`.
    #[wasm_bindgen(js_name = stageRowsCsv)]
    pub fn stage_rows_csv(&self, query: &JsValue) -> Result<String, JsValue> {
        let query: StageRowsQuery = read_query(query)?;
        self.explorer.stage_rows_csv(&query).map_err(explore_error)
    }

    /// The QI chart last drawn in `slot` (its numbers) as CSV text.
    #[wasm_bindgen(js_name = qiCsv)]
    pub fn qi_csv(&self, slot: &str) -> Result<String, JsValue> {
        let table = self.explorer.chart_table(slot).map_err(explore_error)?;
        Ok(table.to_csv())
    }

    /// Everything except the journeys and the list of problems (see
    /// [`crate::explore::Summary`]).
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        to_js(&self.explorer.summary())
    }

    /// One page of the problems: `{ total, matched, offset, rows }`. `query` is `{ search,
    /// severity, sort, descending, offset, limit, pseudonymise }`.
    pub fn problems(&self, query: &JsValue) -> Result<JsValue, JsValue> {
        let query: ProblemQuery = read_query(query)?;
        to_js(&self.explorer.problems(&query))
    }

    /// Every problem matching `query` (its paging ignored) as CSV text.
    #[wasm_bindgen(js_name = problemsCsv)]
    pub fn problems_csv(&self, query: &JsValue) -> Result<String, JsValue> {
        let query: ProblemQuery = read_query(query)?;
        Ok(self.explorer.problems_table(&query).to_csv())
    }

    /// One page of the children table: `{ total, matched, offset, rows }`. `query` is
    /// `{ search, sort, descending, offset, limit, filters, pseudonymise }`.
    pub fn children(&self, query: &JsValue) -> Result<JsValue, JsValue> {
        let query: ChildQuery = read_query(query)?;
        to_js(&self.explorer.children(&query))
    }

    /// Every child matching `query` as CSV text (the children table's columns).
    #[wasm_bindgen(js_name = childrenCsv)]
    pub fn children_csv(&self, query: &JsValue) -> Result<String, JsValue> {
        let query: ChildQuery = read_query(query)?;
        Ok(self.explorer.children_table(&query).to_csv())
    }

    /// The index of the child with this ID (as written in the input), or `undefined`.
    #[wasm_bindgen(js_name = findChild)]
    pub fn find_child(&self, id: &str) -> Option<u32> {
        self.explorer
            .find_child(id)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// One child's journey for the detail view, pseudonymised when `pseudonymise` is true.
    pub fn child(&self, index: u32, pseudonymise: bool) -> Result<JsValue, JsValue> {
        let detail = self
            .explorer
            .child(index as usize, pseudonymise)
            .map_err(explore_error)?;
        to_js(&detail)
    }

    /// Lays out a chart (see [`crate::explore::ChartQuery`]) and paints it on an offscreen
    /// canvas at `spec.scale` times its CSS size. Resolves to `{ canvas, width, height,
    /// title, description, ... }`; the layout is kept under `spec.slot` for
    /// [`Session::hit_test`] and the exports.
    #[wasm_bindgen(js_name = drawChart)]
    pub fn draw_chart(&mut self, spec: &JsValue) -> Result<JsValue, JsValue> {
        let query: ChartQuery = read_query(spec)?;
        let (layout, info) = self.explorer.draw(&query).map_err(explore_error)?;
        let canvas = super::offscreen::paint_offscreen(layout, query.scale)?;
        let out = to_js(&info)?;
        js_sys::Reflect::set(&out, &JsValue::from_str("canvas"), &canvas)?;
        Ok(out)
    }

    /// Lays out a chart (see [`crate::explore::ChartQuery`]) for painting on the page's main
    /// thread: JSON text of `{ width, height, title, description, ..., layout }`, the layout
    /// for `drawLayout` (`super::charts`). The layout is kept under `spec.slot` for
    /// [`Session::hit_test`] and the exports, as [`Session::draw_chart`] keeps it.
    #[wasm_bindgen(js_name = chartLayout)]
    pub fn chart_layout(&mut self, spec: &JsValue) -> Result<String, JsValue> {
        let query: ChartQuery = read_query(spec)?;
        let (layout, info) = self.explorer.draw(&query).map_err(explore_error)?;
        let layout = serde_json::to_value(layout).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let mut out = serde_json::to_value(&info).map_err(|e| JsValue::from_str(&e.to_string()))?;
        if let Some(map) = out.as_object_mut() {
            map.insert("layout".into(), layout);
        }
        Ok(out.to_string())
    }

    /// What lies under the CSS pixel `(x, y)` of the chart in `slot`: `{ target, label,
    /// source, text_row }`, or `null`.
    #[wasm_bindgen(js_name = hitTest)]
    pub fn hit_test(&self, slot: &str, x: f32, y: f32) -> Result<JsValue, JsValue> {
        match self.explorer.hit_test(slot, x, y) {
            Some(hit) => to_js(&hit),
            None => Ok(JsValue::NULL),
        }
    }

    /// The chart in `slot` as an SVG document (text escaped by the SVG writer).
    #[wasm_bindgen(js_name = chartSvg)]
    pub fn chart_svg(&self, slot: &str) -> Result<String, JsValue> {
        self.explorer.chart_svg(slot).map_err(explore_error)
    }

    /// The numbers behind the chart in `slot` as CSV (its text alternative).
    #[wasm_bindgen(js_name = chartTable)]
    pub fn chart_table(&self, slot: &str) -> Result<String, JsValue> {
        let table = self.explorer.chart_table(slot).map_err(explore_error)?;
        Ok(if table.columns.is_empty() {
            String::new()
        } else {
            table.to_csv()
        })
    }

    /// The notes of the chart in `slot` (what its numbers leave unsaid) as plain text, one
    /// line each: what the command line writes beside the chart's CSV as `NAME.notes.txt`.
    /// Empty when the chart's table has no notes.
    #[wasm_bindgen(js_name = chartNotes)]
    pub fn chart_notes(&self, slot: &str) -> Result<String, JsValue> {
        let table = self.explorer.chart_table(slot).map_err(explore_error)?;
        Ok(table.notes_text().unwrap_or_default())
    }

    /// The chart in `slot` painted at `scale` times its CSS size (for a PNG export).
    #[wasm_bindgen(js_name = chartCanvas)]
    pub fn chart_canvas(&self, slot: &str, scale: f64) -> Result<JsValue, JsValue> {
        let layout = self.explorer.drawn(slot).map_err(explore_error)?;
        super::offscreen::paint_offscreen(layout, scale).map(JsValue::from)
    }

    /// Any chart of this analysis (of every child) as a [`ChartView`] for a canvas on the
    /// page (see [`crate::explore::ChartQuery`]). Throws an `Error` saying why when the spec
    /// names an unknown kind, child, stage or breakdown.
    #[wasm_bindgen(js_name = chartView)]
    pub fn chart_view(&self, spec: &JsValue) -> Result<ChartView, JsValue> {
        let query: ChartQuery = read_query(spec)?;
        self.explorer
            .layout(&query)
            .map(ChartView::new)
            .map_err(explore_error)
    }

    /// The Forecast view (see [`crate::explore::forecast`]): `query` is `{ filters, breakdown,
    /// pseudonymise }`; its breakdown becomes the basis of every forecast.
    pub fn forecast(&mut self, query: &JsValue) -> Result<JsValue, JsValue> {
        let query: ForecastQuery = read_query(query)?;
        to_js(&self.explorer.forecast(&query))
    }

    /// Makes `breakdown` (a breakdown id, or `null` for the whole cohort) the basis of every
    /// forecast, as `driftline analyze --breakdown` does, and returns the basis now in force.
    #[wasm_bindgen(js_name = forecastBasis)]
    pub fn forecast_basis(&mut self, breakdown: Option<String>) -> Option<String> {
        self.explorer.set_forecast_basis(breakdown.as_deref());
        self.explorer.forecast_basis().map(str::to_string)
    }

    /// England's adoption scorecard for the children the filters choose (`{ filters }`) as
    /// CSV (empty without a scorecard).
    #[wasm_bindgen(js_name = scorecardCsv)]
    pub fn scorecard_csv(&mut self, query: &JsValue) -> Result<String, JsValue> {
        let query: ForecastQuery = read_query(query)?;
        let table = self.explorer.scorecard_table(&query.filters);
        Ok(if table.columns.is_empty() {
            String::new()
        } else {
            table.to_csv()
        })
    }

    /// The notes of the scorecard [`Session::scorecard_csv`] writes, as plain text (empty
    /// without a scorecard).
    #[wasm_bindgen(js_name = scorecardNotes)]
    pub fn scorecard_notes(&mut self, query: &JsValue) -> Result<String, JsValue> {
        let query: ForecastQuery = read_query(query)?;
        let table = self.explorer.scorecard_table(&query.filters);
        Ok(table.notes_text().unwrap_or_default())
    }

    /// The child's chronology as CSV (date, age, event, detail, key decision, source).
    #[wasm_bindgen(js_name = chronologyCsv)]
    pub fn chronology_csv(&self, index: u32, pseudonymise: bool) -> Result<String, JsValue> {
        let table = self
            .explorer
            .chronology_table(index as usize, pseudonymise)
            .map_err(explore_error)?;
        Ok(table.to_csv())
    }
}

impl Session {
    /// Wraps a report.
    pub fn from_report(report: Report) -> Session {
        Session {
            explorer: Explorer::new(report),
        }
    }

    /// The report the session holds.
    pub fn report_ref(&self) -> &Report {
        self.explorer.report()
    }

    /// The explorer the session answers from.
    pub fn explorer(&self) -> &Explorer {
        &self.explorer
    }

    /// [`Session::report_packed`] with `batch` journeys a batch, and the summary's words, the
    /// numbers and the strings' ends copied out `chunk` at a time (for tests of the joining).
    pub fn report_packed_in(&self, batch: usize, chunk: usize) -> Result<JsValue, JsValue> {
        let words = js_sys::Array::new();
        let mut out = ToJs::default();
        let packed = self
            .report_ref()
            .pack_parts(batch, chunk, &mut out, |batch| {
                words.push(&js_sys::Uint32Array::from(batch));
            })
            .map_err(|err| js_error(&format!("cannot pack the report: {err}"), &[]))?;
        let tables = packed.tables;
        let shapes = tables.shapes_json();
        let summary = out.summary();
        let numbers = join_f64(&out.numbers, &tables.numbers);
        let string_ends = join_u32(&out.string_ends, &tables.string_ends);
        let out = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&out, &key.into(), value);
        set("summary", &summary)?;
        set("batch", &JsValue::from(packed.batch as u32))?;
        set(
            "starts",
            &js_sys::Uint32Array::from(packed.starts.as_slice()),
        )?;
        set("words", &words)?;
        set("numbers", &numbers)?;
        set(
            "strings",
            &js_sys::Uint8Array::from(tables.strings.as_bytes()),
        )?;
        set("stringEnds", &string_ends)?;
        set("shapes", &shapes.into())?;
        Ok(out.into())
    }
}

/// An explorer's refusal as a JavaScript `Error`.
pub(super) fn explore_error(e: ExploreError) -> JsValue {
    js_error(&e.0, &[])
}

/// A query object (or `undefined`/`null` for the defaults) as the core's query type.
pub(super) fn read_query<T: for<'de> Deserialize<'de> + Default>(
    query: &JsValue,
) -> Result<T, JsValue> {
    if query.is_undefined() || query.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(query.clone())
        .map_err(|err| js_error(&format!("the query is not valid: {err}"), &[]))
}

/// The summary's words, the report's numbers and where its strings end, copied out of wasm
/// memory chunk by chunk as [`crate::report::Report::pack_parts`] packs them (see [`Spill`]),
/// and joined in JavaScript.
#[derive(Default)]
struct ToJs {
    summary: Vec<js_sys::Uint32Array>,
    /// Each (position, word) to set once the summary's words are joined.
    patches: Vec<(u32, u32)>,
    numbers: Vec<js_sys::Float64Array>,
    string_ends: Vec<js_sys::Uint32Array>,
}

impl Spill for ToJs {
    fn words(&mut self, words: &[u32]) {
        self.summary.push(js_sys::Uint32Array::from(words));
    }

    fn patch(&mut self, at: usize, word: u32) {
        // Positions are below 2^32: the packer counts a value's words in a `u32`.
        self.patches.push((at as u32, word));
    }

    fn numbers(&mut self, numbers: &[f64]) {
        self.numbers.push(js_sys::Float64Array::from(numbers));
    }

    fn string_ends(&mut self, ends: &[u32]) {
        self.string_ends.push(js_sys::Uint32Array::from(ends));
    }
}

impl ToJs {
    /// The summary's words as one array, its patches set.
    fn summary(&self) -> js_sys::Uint32Array {
        let joined = join_u32(&self.summary, &[]);
        for &(at, word) in &self.patches {
            joined.set_index(at, word);
        }
        joined
    }
}

/// Defines `$name(chunks, last)`: `chunks`, then `last`, as one `$array` (js-sys's typed
/// arrays share no trait to write this once as a generic function).
macro_rules! join_typed {
    ($name:ident, $array:ty, $item:ty) => {
        fn $name(chunks: &[$array], last: &[$item]) -> $array {
            let length = chunks.iter().map(|c| c.length()).sum::<u32>() + last.len() as u32;
            let joined = <$array>::new_with_length(length);
            let mut at = 0;
            for chunk in chunks {
                joined.set(chunk, at);
                at += chunk.length();
            }
            joined.set(&<$array>::from(last), at);
            joined
        }
    };
}

join_typed!(join_u32, js_sys::Uint32Array, u32);
join_typed!(join_f64, js_sys::Float64Array, f64);
