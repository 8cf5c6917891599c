//! A loaded analysis kept inside the worker's WebAssembly memory, so that the page fetches
//! only what each view shows (the summary, one page of a table, one child) instead of copying
//! the whole report to the main thread for every view.
//!
//! This module owns the page's queries over a report: paging, sorting, searching and filtering
//! the children and the problems, one child's detail, the pseudonymised forms (IDs → "Child n",
//! date of birth → age) and the CSV exports, whose cells are made inert for spreadsheets (a
//! cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`). It
//! computes no statistics of its own: every number comes from the report that
//! [`crate::analyze`] returns, so the page and the command line agree by construction. It
//! never reads the clock and never touches the network or storage.

use super::{js_error, read_files, read_options, to_js};
use crate::chart::{
    chronology, cohort, cohort_order, hit_test, render_svg, stage_brackets, timeline,
    BundledMetrics, ChronologyOptions, CohortOptions, CohortRow, CohortSort, Layout, StageBracket,
    TimelineOptions, Viewport,
};
use crate::diagnostics::Diagnostic;
use crate::ingest::preview;
use crate::model::{Child, LegalCategory, PlacementCategory, Text};
use crate::{InputFile, Report};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use wasm_bindgen::prelude::*;

/// The most rows one page of a table may hold.
const MAX_PAGE: usize = 1000;

/// One analysis, held for the page's views.
#[wasm_bindgen]
pub struct Session {
    report: Report,
    rows: Vec<ChildRow>,
    /// The last chart drawn in each slot of the page, for hit tests and exports.
    charts: HashMap<String, Layout>,
}

/// Previews every file for the mapping step: the first rows of each sheet and how Driftline
/// would read them under `options.mapping` (see [`crate::ingest::preview`]).
#[wasm_bindgen]
pub fn preview(files: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let options = read_options(options)?;
    let files = read_files(files)?;
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile {
            name,
            bytes: bytes.as_slice(),
        })
        .collect();
    let preview = preview::preview(&inputs, options.mapping.as_ref(), &options.limits);
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
        to_js(&self.report)
    }

    /// Everything except the journeys and the list of problems: the counts, the files and
    /// tables, the unknown labels, the number of problems of each severity and the values
    /// each filter can take.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        let input = &self.report.input;
        let mut severities = SeverityCounts::default();
        for d in &input.diagnostics {
            match d.severity {
                crate::diagnostics::Severity::Fatal => severities.fatal += 1,
                crate::diagnostics::Severity::Rejected => severities.rejected += 1,
                crate::diagnostics::Severity::Warning => severities.warning += 1,
                crate::diagnostics::Severity::Info => severities.info += 1,
            }
        }
        let summary = Summary {
            as_at: self.report.as_at,
            files: &input.files,
            tables: &input.tables,
            rows_read: input.rows_read,
            rows_used: input.rows_used,
            rows_rejected: input.rows_rejected,
            unknown_labels: &input.unknown_labels,
            problems: input.diagnostics.len(),
            severities,
            children: self.report.children,
            care_periods: self.report.care_periods,
            placements: self.report.placements,
            events: self.report.events,
            moves: self.report.moves,
            in_care: self.rows.iter().filter(|r| r.in_care).count(),
            facets: self.facets(),
        };
        to_js(&summary)
    }

    /// One page of the problems: `{ total, matched, rows }` where each row is a diagnostic.
    /// `query` is `{ search, severity, sort, descending, offset, limit, pseudonymise }`.
    pub fn problems(&self, query: &JsValue) -> Result<JsValue, JsValue> {
        let query: ProblemQuery = read_query(query)?;
        let order = self.problem_order(&query);
        let rows: Vec<Diagnostic> = page(&order, query.offset, query.limit)
            .iter()
            .filter_map(|&i| self.report.input.diagnostics.get(i))
            .map(|d| self.shown_diagnostic(d, query.pseudonymise))
            .collect();
        to_js(&Page {
            total: self.report.input.diagnostics.len(),
            matched: order.len(),
            offset: query.offset.min(order.len()),
            rows,
        })
    }

    /// Every problem matching `query` (its paging ignored) as CSV text, safe to open in a
    /// spreadsheet.
    #[wasm_bindgen(js_name = problemsCsv)]
    pub fn problems_csv(&self, query: &JsValue) -> Result<String, JsValue> {
        let query: ProblemQuery = read_query(query)?;
        let mut csv = Csv::new(&[
            "severity", "code", "file", "sheet", "row", "column", "child_id", "message",
        ]);
        for &i in &self.problem_order(&query) {
            let Some(d) = self.report.input.diagnostics.get(i) else {
                continue;
            };
            let d = self.shown_diagnostic(d, query.pseudonymise);
            csv.row(&[
                severity_id(d.severity),
                d.code.as_str(),
                d.file.as_deref().unwrap_or(""),
                d.sheet.as_deref().unwrap_or(""),
                &d.row.map(|r| r.to_string()).unwrap_or_default(),
                d.column.as_deref().unwrap_or(""),
                d.child_id.as_deref().unwrap_or(""),
                &d.message,
            ]);
        }
        Ok(csv.finish())
    }

    /// One page of the children table: `{ total, matched, offset, rows }`. `query` is
    /// `{ search, sort, descending, offset, limit, filters, pseudonymise }`.
    pub fn children(&self, query: &JsValue) -> Result<JsValue, JsValue> {
        let query: ChildQuery = read_query(query)?;
        let order = self.child_order(&query);
        let rows: Vec<ShownRow<'_>> = page(&order, query.offset, query.limit)
            .iter()
            .filter_map(|&i| self.rows.get(i))
            .map(|r| r.shown(query.pseudonymise))
            .collect();
        to_js(&Page {
            total: self.rows.len(),
            matched: order.len(),
            offset: query.offset.min(order.len()),
            rows,
        })
    }

    /// Every child matching `query` as CSV text (the children table's columns).
    #[wasm_bindgen(js_name = childrenCsv)]
    pub fn children_csv(&self, query: &JsValue) -> Result<String, JsValue> {
        let query: ChildQuery = read_query(query)?;
        let mut csv = Csv::new(&[
            "child",
            "date_of_birth",
            "age",
            "sex",
            "local_authority",
            "team",
            "in_care",
            "placement",
            "placement_type",
            "legal_status",
            "became_looked_after",
            "days_in_care",
            "care_periods",
            "moves",
        ]);
        for &i in &self.child_order(&query) {
            let Some(r) = self.rows.get(i) else { continue };
            let s = r.shown(query.pseudonymise);
            csv.row(&[
                &s.child,
                &s.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
                &s.age_months.map(age_words).unwrap_or_default(),
                s.sex.as_deref().unwrap_or(""),
                s.local_authority.as_deref().unwrap_or(""),
                s.team.as_deref().unwrap_or(""),
                if s.in_care { "yes" } else { "no" },
                s.placement.map(|c| c.label()).unwrap_or(""),
                s.placement_type.as_deref().unwrap_or(""),
                s.legal_status.map(|c| c.label()).unwrap_or(""),
                &s.latest_entry.map(|d| d.to_string()).unwrap_or_default(),
                &s.days_in_care.map(|d| d.to_string()).unwrap_or_default(),
                &s.care_periods.to_string(),
                &s.moves.to_string(),
            ]);
        }
        Ok(csv.finish())
    }

    /// The index of the child with this ID (as written in the input), or `undefined`.
    #[wasm_bindgen(js_name = findChild)]
    pub fn find_child(&self, id: &str) -> Option<u32> {
        self.rows
            .iter()
            .position(|r| r.child_id.as_ref() == id)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// One child's journey for the detail view: the table row, placements, legal spells and
    /// the chronology (every dated item in date order, with where it came from). Pseudonymised
    /// when `pseudonymise` is true (no ID, no date of birth).
    pub fn child(&self, index: u32, pseudonymise: bool) -> Result<JsValue, JsValue> {
        let i = index as usize;
        let (Some(child), Some(row)) = (self.report.journeys.get(i), self.rows.get(i)) else {
            return Err(js_error(&format!("there is no child number {index}"), &[]));
        };
        let detail = ChildDetail {
            row: row.shown(pseudonymise),
            care_periods: child
                .care_periods
                .iter()
                .map(|p| PeriodView {
                    start: p.start,
                    end: p.end,
                    moves: p.moves,
                    placements: p
                        .placements
                        .iter()
                        .map(|pl| PlacementView {
                            start: pl.start,
                            end: pl.end,
                            category: pl.category,
                            category_label: pl.category.label(),
                            placement_type: pl.placement_type.clone(),
                            carer: pl.carer.clone(),
                            move_number: pl.move_number,
                            source: self.source(pl.source),
                        })
                        .collect(),
                })
                .collect(),
            legal: child
                .legal
                .iter()
                .map(|l| LegalView {
                    start: l.start,
                    end: l.end,
                    category: l.category,
                    category_label: l.category.label(),
                    legal_status: l.legal_status.clone(),
                    source: self.source(l.source),
                })
                .collect(),
            chronology: self.chronology(child, pseudonymise),
        };
        to_js(&detail)
    }

    /// Lays out a chart and paints it on an offscreen canvas at `spec.scale` times its CSS
    /// size. Resolves to `{ canvas, width, height, title, description, ... }`; the layout is
    /// kept under `spec.slot` for [`Session::hit_test`] and the exports.
    ///
    /// `spec` is `{ kind: "timeline" | "cohort", slot, child, width, scale, pseudonymise,
    /// sort, first_row, rows, row_height, filters }`, or a statistical chart: `{ kind: "delay"
    /// | "km" | "histogram" | "run" | "xmr", slot, scale, stage, breakdown, aggregate, ... }`
    /// as documented in `web::charts` (these are of the whole cohort; filters do not apply).
    #[wasm_bindgen(js_name = drawChart)]
    pub fn draw_chart(&mut self, spec: &JsValue) -> Result<JsValue, JsValue> {
        let raw = spec;
        let spec: ChartSpec = read_query(raw)?;
        let as_at = self.report.as_at;
        let width = if spec.width.is_finite() {
            spec.width.clamp(320.0, 4000.0)
        } else {
            1000.0
        };
        let mut info = ChartInfo::default();
        let layout = match spec.kind.as_str() {
            "timeline" => {
                let i = spec.child.unwrap_or(0) as usize;
                let child = self
                    .report
                    .journeys
                    .get(i)
                    .ok_or_else(|| js_error(&format!("there is no child number {i}"), &[]))?;
                let options = TimelineOptions {
                    width,
                    pseudonymise: spec.pseudonymise,
                    ..TimelineOptions::new(as_at)
                };
                let stages = self.stages_of(i);
                let drawn = timeline(child, &stages, &options, &BundledMetrics);
                info.hidden_labels = drawn.hidden_labels;
                drawn.layout
            }
            "cohort" => {
                let chosen: Vec<usize> = self
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.matches(&spec.filters))
                    .map(|(i, _)| i)
                    .collect();
                let brackets: Vec<Vec<StageBracket>> =
                    chosen.iter().map(|&i| self.stages_of(i)).collect();
                let rows: Vec<CohortRow<'_>> = chosen
                    .iter()
                    .zip(&brackets)
                    .filter_map(|(&i, stages)| {
                        let child = self.report.journeys.get(i)?;
                        Some(CohortRow { child, stages })
                    })
                    .collect();
                let sort = match spec.sort.as_deref() {
                    Some("entry") | None => CohortSort::EntryDate,
                    Some("wait") => CohortSort::LongestCurrentWait,
                    Some(stage) => CohortSort::Stage(stage.to_string()),
                };
                let order = cohort_order(&rows, &sort);
                let options = CohortOptions {
                    width,
                    row_height: if spec.row_height.is_finite() {
                        spec.row_height.clamp(0.5, 40.0)
                    } else {
                        14.0
                    },
                    sort,
                    viewport: Viewport {
                        dates: None,
                        first_row: spec.first_row.min(rows.len().saturating_sub(1)),
                        rows: spec.rows,
                    },
                    pseudonymise: spec.pseudonymise,
                    ..CohortOptions::new(as_at)
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
            _ => super::charts::layout_from_spec(&self.report, raw)?,
        };
        let canvas = super::offscreen::paint_offscreen(&layout, spec.scale)?;
        info.width = layout.width;
        info.height = layout.height;
        info.title = layout.title.clone();
        info.description = layout.description.clone();
        self.charts.insert(spec.slot, layout);
        let out = to_js(&info)?;
        js_sys::Reflect::set(&out, &JsValue::from_str("canvas"), &canvas)?;
        Ok(out)
    }

    /// What lies under the CSS pixel `(x, y)` of the chart in `slot`: `{ target, label,
    /// source, text_row }`, or `null`.
    #[wasm_bindgen(js_name = hitTest)]
    pub fn hit_test(&self, slot: &str, x: f32, y: f32) -> Result<JsValue, JsValue> {
        match self.charts.get(slot).and_then(|l| hit_test(l, x, y)) {
            Some(hit) => to_js(&hit),
            None => Ok(JsValue::NULL),
        }
    }

    /// The chart in `slot` as an SVG document (text escaped by the SVG writer).
    #[wasm_bindgen(js_name = chartSvg)]
    pub fn chart_svg(&self, slot: &str) -> Result<String, JsValue> {
        let layout = self
            .charts
            .get(slot)
            .ok_or_else(|| js_error("that chart has not been drawn", &[]))?;
        render_svg(layout).map_err(|e| js_error(&e.to_string(), &[]))
    }

    /// The numbers behind the chart in `slot` as CSV (its text alternative), safe for
    /// spreadsheets: the chronology for a timeline, the rows in view for the cohort view, the
    /// figures of a statistical chart.
    #[wasm_bindgen(js_name = chartTable)]
    pub fn chart_table(&self, slot: &str) -> Result<String, JsValue> {
        let layout = self
            .charts
            .get(slot)
            .ok_or_else(|| js_error("that chart has not been drawn", &[]))?;
        Ok(layout
            .table
            .as_ref()
            .map(|t| t.to_csv())
            .unwrap_or_default())
    }

    /// The chart in `slot` painted at `scale` times its CSS size (for a PNG export).
    #[wasm_bindgen(js_name = chartCanvas)]
    pub fn chart_canvas(&self, slot: &str, scale: f64) -> Result<JsValue, JsValue> {
        let layout = self
            .charts
            .get(slot)
            .ok_or_else(|| js_error("that chart has not been drawn", &[]))?;
        super::offscreen::paint_offscreen(layout, scale).map(JsValue::from)
    }

    /// The child's chronology as CSV (date, event, detail, source), safe for spreadsheets.
    #[wasm_bindgen(js_name = chronologyCsv)]
    pub fn chronology_csv(&self, index: u32, pseudonymise: bool) -> Result<String, JsValue> {
        let Some(child) = self.report.journeys.get(index as usize) else {
            return Err(js_error(&format!("there is no child number {index}"), &[]));
        };
        let mut csv = Csv::new(&["date", "age", "event", "detail", "key_decision", "source"]);
        for entry in self.chronology(child, pseudonymise) {
            csv.row(&[
                &entry.date.to_string(),
                entry.age.as_deref().unwrap_or(""),
                &entry.event,
                entry.detail.as_deref().unwrap_or(""),
                if entry.key { "yes" } else { "" },
                &entry.source.as_ref().map(Source::words).unwrap_or_default(),
            ]);
        }
        Ok(csv.finish())
    }
}

impl Session {
    /// Wraps a report, precomputing each child's row of the children table.
    pub fn from_report(report: Report) -> Session {
        let as_at = report.as_at;
        let rows = report
            .journeys
            .iter()
            .enumerate()
            .map(|(i, child)| ChildRow::new(i, child, as_at))
            .collect();
        Session {
            report,
            rows,
            charts: HashMap::new(),
        }
    }

    /// The report the session holds.
    pub fn report_ref(&self) -> &Report {
        &self.report
    }

    /// The stage brackets of the child at `index`, from the statistics.
    fn stages_of(&self, index: usize) -> Vec<StageBracket> {
        match (
            self.report.journeys.get(index),
            self.report.journeys.stats_of(index),
            self.report.profile.as_ref(),
        ) {
            (Some(child), Some(stats), Some(profile)) => stage_brackets(child, stats, profile),
            _ => Vec::new(),
        }
    }

    fn facets(&self) -> Facets {
        let mut facets = Facets::default();
        let mut sex = BTreeSet::new();
        let mut authority = BTreeSet::new();
        let mut team = BTreeSet::new();
        let mut years = BTreeSet::new();
        let mut placements = BTreeSet::new();
        let mut bands = BTreeSet::new();
        for r in &self.rows {
            sex.insert(r.sex.clone().unwrap_or_else(|| Text::from(UNKNOWN)));
            authority.insert(
                r.local_authority
                    .clone()
                    .unwrap_or_else(|| Text::from(UNKNOWN)),
            );
            team.insert(r.team.clone().unwrap_or_else(|| Text::from(UNKNOWN)));
            if let Some(d) = r.latest_entry {
                years.insert(d.year());
            }
            placements.insert(r.placement_key());
            bands.insert(r.age_band());
        }
        facets.sex = sex.into_iter().collect();
        facets.local_authority = authority.into_iter().collect();
        facets.team = team.into_iter().collect();
        facets.year_of_entry = years.into_iter().rev().collect();
        facets.placement = PlacementCategory::ALL
            .iter()
            .map(|c| c.id())
            .chain(std::iter::once(NOT_IN_CARE))
            .filter(|id| placements.contains(id))
            .map(|id| (id, placement_key_label(id)))
            .collect();
        facets.age_band = AGE_BANDS
            .iter()
            .filter(|(id, _)| bands.contains(id))
            .copied()
            .collect();
        facets
    }

    fn source(&self, row: crate::model::SourceRow) -> Option<Source> {
        let table = self.report.input.tables.get(row.table as usize)?;
        Some(Source {
            file: table.file.clone(),
            sheet: table.sheet.clone(),
            row: row.row,
        })
    }

    fn chronology(&self, child: &Child, pseudonymise: bool) -> Vec<ChronologyEntry> {
        let options = ChronologyOptions {
            as_at: self.report.as_at,
            pseudonymise,
        };
        chronology(child, &options)
            .rows
            .into_iter()
            .map(|r| ChronologyEntry {
                date: r.date,
                age: r.age,
                event: r.event,
                detail: Some(r.detail).filter(|d| !d.is_empty()),
                key: r.key,
                source: r.source.and_then(|s| self.source(s)),
            })
            .collect()
    }

    fn shown_diagnostic(&self, d: &Diagnostic, pseudonymise: bool) -> Diagnostic {
        let mut d = d.clone();
        if pseudonymise {
            if let Some(id) = d.child_id.take() {
                let row = self.rows.iter().find(|r| r.child_id.as_ref() == id);
                let name = row.map_or_else(|| "a child".to_string(), |r| r.pseudonym.clone());
                if !id.is_empty() {
                    d.message = d.message.replace(&id, &name);
                }
                // A message may quote the date of birth, in the input's way or as ISO.
                if let Some(dob) = row.and_then(|r| r.date_of_birth) {
                    for written in [
                        dob.format("%d/%m/%Y").to_string(),
                        dob.format("%Y-%m-%d").to_string(),
                    ] {
                        d.message = d.message.replace(&written, "(hidden)");
                    }
                }
                d.child_id = Some(name);
            }
        }
        d
    }

    fn problem_order(&self, query: &ProblemQuery) -> Vec<usize> {
        let needle = query.search.trim().to_lowercase();
        let diagnostics = &self.report.input.diagnostics;
        let mut order: Vec<usize> = (0..diagnostics.len())
            .filter(|&i| {
                let d = &diagnostics[i];
                let severity_ok = query
                    .severity
                    .as_deref()
                    .is_none_or(|s| s.is_empty() || s == severity_id(d.severity));
                severity_ok
                    && (needle.is_empty() || {
                        let d = self.shown_diagnostic(d, query.pseudonymise);
                        [
                            d.file.as_deref(),
                            d.sheet.as_deref(),
                            d.column.as_deref(),
                            d.child_id.as_deref(),
                            Some(d.message.as_str()),
                            Some(d.code.as_str()),
                        ]
                        .iter()
                        .flatten()
                        .any(|t| t.to_lowercase().contains(&needle))
                    })
            })
            .collect();
        let key = |d: &Diagnostic| -> SortKey {
            match query.sort.as_str() {
                "severity" => SortKey::Num(d.severity as i64),
                "file" => SortKey::text(d.file.as_deref()),
                "sheet" => SortKey::text(d.sheet.as_deref()),
                "row" => d
                    .row
                    .map_or(SortKey::Missing, |r| SortKey::Num(i64::from(r))),
                "column" => SortKey::text(d.column.as_deref()),
                "message" => SortKey::Text(d.message.to_lowercase()),
                "code" => SortKey::Text(d.code.as_str().to_string()),
                _ => SortKey::Missing,
            }
        };
        if !query.sort.is_empty() {
            let keys: Vec<SortKey> = (0..diagnostics.len())
                .map(|i| key(&diagnostics[i]))
                .collect();
            sort_by_keys(&mut order, &keys, query.descending);
        } else if query.descending {
            order.reverse();
        }
        order
    }

    fn child_order(&self, query: &ChildQuery) -> Vec<usize> {
        let needle = query.search.trim().to_lowercase();
        let mut order: Vec<usize> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.matches(&query.filters) && r.matches_search(&needle, query))
            .map(|(i, _)| i)
            .collect();
        if !query.sort.is_empty() {
            let keys: Vec<SortKey> = self.rows.iter().map(|r| r.sort_key(&query.sort)).collect();
            sort_by_keys(&mut order, &keys, query.descending);
        } else if query.descending {
            order.reverse();
        }
        order
    }
}

const UNKNOWN: &str = "unknown";
const NOT_IN_CARE: &str = "not_in_care";
const AGE_BANDS: [(&str, &str); 5] = [
    ("under_1", "Under 1"),
    ("1_to_4", "1 to 4"),
    ("5_to_11", "5 to 11"),
    ("12_and_over", "12 and over"),
    ("unknown", "Age not known"),
];

fn placement_key_label(id: &str) -> &'static str {
    PlacementCategory::from_id(id).map_or("Not in care", |c| c.label())
}

/// One child's row of the children table, computed once when the session opens.
#[derive(Clone, Debug)]
struct ChildRow {
    index: usize,
    child_id: Text,
    pseudonym: String,
    date_of_birth: Option<NaiveDate>,
    age_months: Option<i32>,
    age_at_entry_months: Option<i32>,
    sex: Option<Text>,
    local_authority: Option<Text>,
    team: Option<Text>,
    in_care: bool,
    latest_entry: Option<NaiveDate>,
    left_care: Option<NaiveDate>,
    care_periods: usize,
    days_in_care: Option<i64>,
    moves: u32,
    placement: Option<PlacementCategory>,
    placement_type: Option<Text>,
    legal_status: Option<LegalCategory>,
    legal_label: Option<Text>,
}

/// A row as a view shows it: pseudonymised or not.
#[derive(Serialize)]
struct ShownRow<'a> {
    index: usize,
    child: String,
    date_of_birth: Option<NaiveDate>,
    age_months: Option<i32>,
    sex: &'a Option<Text>,
    local_authority: &'a Option<Text>,
    team: &'a Option<Text>,
    in_care: bool,
    latest_entry: Option<NaiveDate>,
    left_care: Option<NaiveDate>,
    care_periods: usize,
    days_in_care: Option<i64>,
    moves: u32,
    placement: Option<PlacementCategory>,
    placement_label: Option<&'static str>,
    placement_type: &'a Option<Text>,
    legal_status: Option<LegalCategory>,
    legal_status_label: Option<&'static str>,
    legal_label: &'a Option<Text>,
}

impl ChildRow {
    fn new(index: usize, child: &Child, as_at: NaiveDate) -> ChildRow {
        let latest = child.care_periods.iter().rev().find(|p| p.start <= as_at);
        let current = latest.filter(|p| p.contains(as_at));
        let placement = current.and_then(|p| p.placement_on(as_at));
        let legal = current.and_then(|_| child.legal_on(as_at));
        let days_in_care = latest.map(|p| {
            let until = p.end.map_or(as_at, |e| e.min(as_at));
            (until - p.start).num_days().max(0)
        });
        ChildRow {
            index,
            child_id: child.id.clone(),
            pseudonym: format!("Child {}", index + 1),
            date_of_birth: child.date_of_birth,
            age_months: child.date_of_birth.and_then(|d| months_between(d, as_at)),
            age_at_entry_months: match (child.date_of_birth, latest) {
                (Some(d), Some(p)) => months_between(d, p.start),
                _ => None,
            },
            sex: child.sex.clone(),
            local_authority: child.local_authority.clone(),
            team: child.team.clone(),
            in_care: current.is_some(),
            latest_entry: latest.map(|p| p.start),
            left_care: latest.and_then(|p| p.end).filter(|e| *e <= as_at),
            care_periods: child.care_periods.len(),
            days_in_care,
            moves: child.care_periods.iter().map(|p| p.moves).sum(),
            placement: placement.map(|p| p.category),
            placement_type: placement.map(|p| p.placement_type.clone()),
            legal_status: legal.map(|l| l.category),
            legal_label: legal.map(|l| l.legal_status.clone()),
        }
    }

    fn shown(&self, pseudonymise: bool) -> ShownRow<'_> {
        ShownRow {
            index: self.index,
            child: if pseudonymise {
                self.pseudonym.clone()
            } else {
                self.child_id.to_string()
            },
            date_of_birth: if pseudonymise {
                None
            } else {
                self.date_of_birth
            },
            age_months: self.age_months,
            sex: &self.sex,
            local_authority: &self.local_authority,
            team: &self.team,
            in_care: self.in_care,
            latest_entry: self.latest_entry,
            left_care: self.left_care,
            care_periods: self.care_periods,
            days_in_care: self.days_in_care,
            moves: self.moves,
            placement: self.placement,
            placement_label: self.placement.map(|c| c.label()),
            placement_type: &self.placement_type,
            legal_status: self.legal_status,
            legal_status_label: self.legal_status.map(|c| c.label()),
            legal_label: &self.legal_label,
        }
    }

    fn placement_key(&self) -> &'static str {
        match (self.in_care, self.placement) {
            (true, Some(c)) => c.id(),
            (true, None) => PlacementCategory::Other.id(),
            (false, _) => NOT_IN_CARE,
        }
    }

    fn age_band(&self) -> &'static str {
        match self.age_at_entry_months {
            None => "unknown",
            Some(m) if m < 12 => "under_1",
            Some(m) if m < 60 => "1_to_4",
            Some(m) if m < 144 => "5_to_11",
            Some(_) => "12_and_over",
        }
    }

    fn matches(&self, filters: &Filters) -> bool {
        let text = |want: &Option<String>, have: &Option<Text>| {
            want.as_deref()
                .is_none_or(|w| w.is_empty() || have.as_deref().unwrap_or(UNKNOWN) == w)
        };
        let exact = |want: &Option<String>, have: &str| {
            want.as_deref().is_none_or(|w| w.is_empty() || w == have)
        };
        text(&filters.sex, &self.sex)
            && text(&filters.local_authority, &self.local_authority)
            && text(&filters.team, &self.team)
            && exact(&filters.placement, self.placement_key())
            && exact(&filters.age_band, self.age_band())
            && filters.year_of_entry.as_deref().is_none_or(|y| {
                y.is_empty() || self.latest_entry.is_some_and(|d| d.year().to_string() == y)
            })
    }

    fn matches_search(&self, needle: &str, query: &ChildQuery) -> bool {
        if needle.is_empty() {
            return true;
        }
        let id: &str = if query.pseudonymise {
            &self.pseudonym
        } else {
            &self.child_id
        };
        [
            Some(id),
            self.placement_type.as_deref(),
            self.placement.map(|c| c.label()),
            self.legal_label.as_deref(),
            self.legal_status.map(|c| c.label()),
            self.local_authority.as_deref(),
            self.team.as_deref(),
        ]
        .iter()
        .flatten()
        .any(|t| t.to_lowercase().contains(needle))
    }

    fn sort_key(&self, column: &str) -> SortKey {
        let num = |v: Option<i64>| v.map_or(SortKey::Missing, SortKey::Num);
        match column {
            // Child IDs sort as people read them: "C2" before "C10".
            "child" => SortKey::Natural(self.child_id.to_lowercase()),
            "pseudonym" => SortKey::Num(self.index as i64),
            "date_of_birth" => num(self.date_of_birth.map(|d| i64::from(d.num_days_from_ce()))),
            "age" => num(self.age_months.map(i64::from)),
            "sex" => SortKey::text(self.sex.as_deref()),
            "local_authority" => SortKey::text(self.local_authority.as_deref()),
            "team" => SortKey::text(self.team.as_deref()),
            "placement" => SortKey::text(self.placement.map(|c| c.label())),
            "legal_status" => SortKey::text(self.legal_status.map(|c| c.label())),
            "latest_entry" => num(self.latest_entry.map(|d| i64::from(d.num_days_from_ce()))),
            "days_in_care" => num(self.days_in_care),
            "care_periods" => SortKey::Num(self.care_periods as i64),
            "moves" => SortKey::Num(i64::from(self.moves)),
            _ => SortKey::Num(self.index as i64),
        }
    }
}

/// Completed calendar months from `from` to `to` (negative before), or `None` if unknowable.
fn months_between(from: NaiveDate, to: NaiveDate) -> Option<i32> {
    let mut months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        // A birthday on the 31st is reached at the end of a shorter month.
        let last_day = last_day_of_month(to);
        if !(to.day() == last_day && from.day() > last_day) {
            months -= 1;
        }
    }
    Some(months)
}

fn last_day_of_month(d: NaiveDate) -> u32 {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|first| first.pred_opt())
        .map_or(28, |last| last.day())
}

/// "7 years 3 months", "11 months", "not yet born".
fn age_words(months: i32) -> String {
    if months < 0 {
        return "not yet born".into();
    }
    let (y, m) = (months / 12, months % 12);
    let unit = |n: i32, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (y, m) {
        (0, m) => unit(m, "month"),
        (y, 0) => unit(y, "year"),
        (y, m) => format!("{} {}", unit(y, "year"), unit(m, "month")),
    }
}

/// A sortable value; missing values sort last in either direction.
#[derive(Clone, Debug, PartialEq)]
enum SortKey {
    Num(i64),
    Text(String),
    /// Text compared with runs of digits as numbers.
    Natural(String),
    Missing,
}

impl SortKey {
    fn text(value: Option<&str>) -> SortKey {
        value.map_or(SortKey::Missing, |t| SortKey::Text(t.to_lowercase()))
    }

    fn compare(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Natural(a), SortKey::Natural(b)) => natural_cmp(a, b),
            (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
            (SortKey::Missing, _) => Ordering::Greater,
            (_, SortKey::Missing) => Ordering::Less,
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortKey::Num(_) => 0,
            SortKey::Text(_) => 1,
            SortKey::Natural(_) => 2,
            SortKey::Missing => 3,
        }
    }
}

/// A stable sort of `order` by `keys[index]`, missing values last either way.
fn sort_by_keys(order: &mut [usize], keys: &[SortKey], descending: bool) {
    let missing = SortKey::Missing;
    order.sort_by(|&a, &b| {
        let (ka, kb) = (
            keys.get(a).unwrap_or(&missing),
            keys.get(b).unwrap_or(&missing),
        );
        match (ka, kb) {
            (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
            (SortKey::Missing, _) => Ordering::Greater,
            (_, SortKey::Missing) => Ordering::Less,
            _ if descending => kb.compare(ka),
            _ => ka.compare(kb),
        }
    });
}

fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[zeros.min(digits.len().saturating_sub(1))..]
}

fn page(order: &[usize], offset: usize, limit: usize) -> &[usize] {
    let start = offset.min(order.len());
    let end = start
        .saturating_add(limit.clamp(1, MAX_PAGE))
        .min(order.len());
    &order[start..end]
}

fn severity_id(s: crate::diagnostics::Severity) -> &'static str {
    match s {
        crate::diagnostics::Severity::Fatal => "fatal",
        crate::diagnostics::Severity::Rejected => "rejected",
        crate::diagnostics::Severity::Warning => "warning",
        crate::diagnostics::Severity::Info => "info",
    }
}

fn read_query<T: for<'de> Deserialize<'de> + Default>(query: &JsValue) -> Result<T, JsValue> {
    if query.is_undefined() || query.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(query.clone())
        .map_err(|err| js_error(&format!("the query is not valid: {err}"), &[]))
}

#[derive(Deserialize)]
#[serde(default)]
struct ProblemQuery {
    search: String,
    severity: Option<String>,
    sort: String,
    descending: bool,
    offset: usize,
    limit: usize,
    pseudonymise: bool,
}

impl Default for ProblemQuery {
    fn default() -> Self {
        ProblemQuery {
            search: String::new(),
            severity: None,
            sort: String::new(),
            descending: false,
            offset: 0,
            limit: 100,
            pseudonymise: false,
        }
    }
}

#[derive(Deserialize)]
#[serde(default)]
struct ChildQuery {
    search: String,
    sort: String,
    descending: bool,
    offset: usize,
    limit: usize,
    pseudonymise: bool,
    filters: Filters,
}

impl Default for ChildQuery {
    fn default() -> Self {
        ChildQuery {
            search: String::new(),
            sort: String::new(),
            descending: false,
            offset: 0,
            limit: 100,
            pseudonymise: false,
            filters: Filters::default(),
        }
    }
}

/// The global filters: each is a value id, or empty/absent for everyone.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct Filters {
    placement: Option<String>,
    age_band: Option<String>,
    sex: Option<String>,
    local_authority: Option<String>,
    team: Option<String>,
    year_of_entry: Option<String>,
}

#[derive(Serialize)]
struct Page<T> {
    total: usize,
    matched: usize,
    offset: usize,
    rows: Vec<T>,
}

#[derive(Default, Serialize)]
struct SeverityCounts {
    fatal: usize,
    rejected: usize,
    warning: usize,
    info: usize,
}

#[derive(Default, Serialize)]
struct Facets {
    placement: Vec<(&'static str, &'static str)>,
    age_band: Vec<(&'static str, &'static str)>,
    sex: Vec<Text>,
    local_authority: Vec<Text>,
    team: Vec<Text>,
    year_of_entry: Vec<i32>,
}

#[derive(Serialize)]
struct Summary<'a> {
    as_at: NaiveDate,
    files: &'a [crate::report::FileSummary],
    tables: &'a [crate::report::TableSummary],
    rows_read: u64,
    rows_used: u64,
    rows_rejected: u64,
    unknown_labels: &'a [crate::report::UnknownLabel],
    problems: usize,
    severities: SeverityCounts,
    children: usize,
    care_periods: usize,
    placements: usize,
    events: usize,
    moves: usize,
    in_care: usize,
    facets: Facets,
}

#[derive(Serialize)]
struct ChildDetail<'a> {
    row: ShownRow<'a>,
    care_periods: Vec<PeriodView>,
    legal: Vec<LegalView>,
    chronology: Vec<ChronologyEntry>,
}

#[derive(Serialize)]
struct PeriodView {
    start: NaiveDate,
    end: Option<NaiveDate>,
    moves: u32,
    placements: Vec<PlacementView>,
}

#[derive(Serialize)]
struct PlacementView {
    start: NaiveDate,
    end: Option<NaiveDate>,
    category: PlacementCategory,
    category_label: &'static str,
    placement_type: Text,
    carer: Option<Text>,
    move_number: Option<u32>,
    source: Option<Source>,
}

#[derive(Serialize)]
struct LegalView {
    start: NaiveDate,
    end: Option<NaiveDate>,
    category: LegalCategory,
    category_label: &'static str,
    legal_status: Text,
    source: Option<Source>,
}

#[derive(Serialize)]
struct ChronologyEntry {
    date: NaiveDate,
    age: Option<String>,
    event: String,
    detail: Option<String>,
    key: bool,
    source: Option<Source>,
}

#[derive(Deserialize)]
#[serde(default)]
struct ChartSpec {
    kind: String,
    slot: String,
    child: Option<u32>,
    width: f32,
    scale: f64,
    pseudonymise: bool,
    sort: Option<String>,
    first_row: usize,
    rows: Option<usize>,
    row_height: f32,
    filters: Filters,
}

impl Default for ChartSpec {
    fn default() -> Self {
        ChartSpec {
            kind: String::new(),
            slot: "chart".into(),
            child: None,
            width: 1000.0,
            scale: 1.0,
            pseudonymise: false,
            sort: None,
            first_row: 0,
            rows: None,
            row_height: 14.0,
            filters: Filters::default(),
        }
    }
}

#[derive(Default, Serialize)]
struct ChartInfo {
    width: f32,
    height: f32,
    title: String,
    description: String,
    hidden_labels: usize,
    total_rows: usize,
    first_row: usize,
    shown_rows: usize,
    children: Vec<usize>,
}

#[derive(Clone, Debug, Serialize)]
struct Source {
    file: String,
    sheet: Option<String>,
    row: u32,
}

impl Source {
    fn words(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}, sheet {sheet}, row {}", self.file, self.row),
            None => format!("{}, row {}", self.file, self.row),
        }
    }
}

/// CSV text whose cells cannot be read as formulas by a spreadsheet.
pub struct Csv {
    text: String,
}

impl Csv {
    /// Starts a CSV document with its header row.
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv {
            text: String::new(),
        };
        csv.row(header);
        csv
    }

    /// Appends one row.
    pub fn row(&mut self, cells: &[&str]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            push_cell(&mut self.text, cell);
        }
        self.text.push_str("\r\n");
    }

    /// The document.
    pub fn finish(self) -> String {
        self.text
    }
}

/// Writes one cell: a leading `'` makes a would-be formula inert; quotes when needed.
pub fn push_cell(out: &mut String, cell: &str) {
    let inert = matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    let quote = inert
        || cell
            .chars()
            .any(|c| matches!(c, ',' | '"' | '\n' | '\r' | ';' | '\t'));
    if quote {
        out.push('"');
    }
    if inert {
        out.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}
