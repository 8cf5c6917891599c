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

use super::profiles::read_profile;
use super::stages::{
    qi_chart, route_label, stage_table, stage_table_csv, CohortCounts, QiSpec, TableInput,
    AGE_BANDS,
};
use super::{js_error, read_files, read_options, to_js};
use crate::chart::{
    chronology, cohort, cohort_order, hit_test, render_svg, spc, stage_brackets, timeline,
    BundledMetrics, ChartInput, ChronologyOptions, CohortOptions, CohortRow, CohortSort, Layout,
    SpcOptions, StageBracket, Table, TimelineOptions, Viewport,
};
use crate::diagnostics::Diagnostic;
use crate::ingest::preview;
use crate::model::{Child, LegalCategory, PlacementCategory, Text};
use crate::qi::SpcChart;
use crate::stats::series::{stage_series, Aggregate};
use crate::stats::{
    self, CensoredBy, CheckSummary, ChildStats, Profile, Route, StageSummary, Statistics,
    TableOptions,
};
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
    /// The last QI chart analysed in each slot, for its table and CSV export.
    qi: HashMap<String, QiDrawn>,
    /// The statistics of the children the last filters chose (recomputed when they change).
    filtered: Option<Filtered>,
}

/// The statistics of a filtered cohort.
struct Filtered {
    /// The filters, written canonically.
    key: String,
    /// The children chosen, as indices into the report's journeys.
    indices: Vec<usize>,
    /// Those children (aligned with `statistics.children`), for the statistical charts.
    children: Vec<Child>,
    statistics: Statistics,
}

/// A QI chart as analysed, with the number of waits behind each point.
struct QiDrawn {
    chart: SpcChart,
    counts: Vec<usize>,
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

    /// The full report as JSON text, as `driftline analyze --format json` writes it. For a
    /// large report, `JSON.parse` of this text builds the object many times faster than
    /// [`Session::report`], which crosses from wasm to JavaScript once per value.
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self) -> Result<String, JsValue> {
        serde_json::to_string(&self.report)
            .map_err(|err| js_error(&format!("cannot convert the report: {err}"), &[]))
    }

    /// The timescale profile in force, as a plain object in the JSON shape of a saved profile.
    pub fn profile(&self) -> Result<JsValue, JsValue> {
        to_js(self.profile_ref())
    }

    /// Applies another timescale profile (a built-in name, a profile object or its JSON text)
    /// to the journeys already built, without reading the files again, and resolves to the new
    /// summary. Throws, changing nothing, if the profile is not valid.
    #[wasm_bindgen(js_name = setProfile)]
    pub fn set_profile(&mut self, profile: JsValue) -> Result<JsValue, JsValue> {
        let profile = read_profile(Some(profile)).map_err(|err| js_error(&err.message, &[]))?;
        let statistics = stats::compute(
            &self.report.journeys.children,
            &profile,
            self.report.as_at,
            &stats::Config::default(),
        );
        let report = &mut self.report;
        report.journeys.stats = statistics.children;
        report.profile = Some(statistics.profile);
        report.stages = statistics.stages;
        report.checks = statistics.checks;
        report.breakdowns_omitted = statistics.breakdowns_omitted;
        report.expected_completions = statistics.expected_completions;
        report.decomposition = statistics.decomposition;
        self.rows = build_rows(&self.report);
        self.filtered = None;
        self.charts.clear();
        self.qi.clear();
        self.summary()
    }

    /// The stage table for the children the filters choose: `query` is `{ filters,
    /// breakdown, pseudonymise }`. The statistics are computed by `stats::compute` over
    /// exactly those children (and kept until the filters change); with no filter they are
    /// the report's own.
    pub fn stages(&mut self, query: &JsValue) -> Result<JsValue, JsValue> {
        let query: StageQuery = read_query(query)?;
        self.filter_statistics(&query.filters);
        let (stages, checks, matched) = self.cohort_statistics(&query.filters);
        let names: HashMap<&str, usize> = self
            .rows
            .iter()
            .map(|r| (r.child_id.as_ref(), r.index))
            .collect();
        let rows = &self.rows;
        let name_of = |id: &str| {
            let &i = names.get(id)?;
            let r = rows.get(i)?;
            Some((i, r.name(query.pseudonymise)))
        };
        let mut counts = CohortCounts::default();
        for r in self.rows.iter().filter(|r| r.matches(&query.filters)) {
            counts.in_care += usize::from(r.in_care);
            counts.overdue += usize::from(!r.overdue.is_empty());
            counts.unstable += usize::from(r.unstable);
        }
        let table = stage_table(&TableInput {
            profile: self.profile_ref(),
            stages,
            checks,
            matched,
            total: self.rows.len(),
            counts,
            breakdown: query.breakdown.as_deref(),
            name_of: &name_of,
        });
        to_js(&table)
    }

    /// The stage table (as [`Session::stages`] shows it) as CSV text.
    #[wasm_bindgen(js_name = stagesCsv)]
    pub fn stages_csv(&mut self, query: &JsValue) -> Result<String, JsValue> {
        let query: StageQuery = read_query(query)?;
        self.filter_statistics(&query.filters);
        let (stages, _, _) = self.cohort_statistics(&query.filters);
        Ok(stage_table_csv(stages, query.breakdown.as_deref()))
    }

    /// The per-child stage table (the command line's `--format csv`) for the children the
    /// filters choose, or for one child: `query` is `{ filters, child, pseudonymise }`.
    /// Pseudonymised, IDs become "Child n" and the children table's other columns are left
    /// out.
    #[wasm_bindgen(js_name = stageRowsCsv)]
    pub fn stage_rows_csv(&self, query: &JsValue) -> Result<String, JsValue> {
        let query: StageRowsQuery = read_query(query)?;
        let indices: Vec<usize> = match query.child {
            Some(i) if (i as usize) < self.rows.len() => vec![i as usize],
            Some(i) => return Err(js_error(&format!("there is no child number {i}"), &[])),
            None => self.chosen(&query.filters),
        };
        let profile = self.profile_ref();
        let children = &self.report.journeys.children;
        let none = ChildStats::default();
        let stats_of = |i: usize| self.report.journeys.stats.get(i).unwrap_or(&none);
        let mut out = Vec::new();
        let written = if query.pseudonymise {
            let hidden: Vec<(Child, usize)> = indices
                .iter()
                .filter_map(|&i| {
                    let mut c = children.get(i)?.clone();
                    c.id = Text::from(self.rows.get(i)?.pseudonym.as_str());
                    c.date_of_birth = None;
                    c.attributes.clear();
                    Some((c, i))
                })
                .collect();
            let journeys = hidden.iter().map(|(c, i)| (c, stats_of(*i)));
            stats::write_stage_csv(&mut out, profile, journeys, &TableOptions::default())
        } else {
            let journeys = indices
                .iter()
                .filter_map(|&i| Some((children.get(i)?, stats_of(i))));
            stats::write_stage_csv(&mut out, profile, journeys, &TableOptions::default())
        };
        written.map_err(|e| js_error(&format!("cannot write the table: {e}"), &[]))?;
        String::from_utf8(out).map_err(|e| js_error(&e.to_string(), &[]))
    }

    /// The QI chart last drawn in `slot` (its numbers) as CSV text: one row per point with
    /// the waits behind it, the centre line, the limits and any special cause.
    #[wasm_bindgen(js_name = qiCsv)]
    pub fn qi_csv(&self, slot: &str) -> Result<String, JsValue> {
        let drawn = self
            .qi
            .get(slot)
            .ok_or_else(|| js_error("that chart has not been drawn", &[]))?;
        let mut csv = Csv::new(&[
            "date",
            "waits",
            "days",
            "centre",
            "lower_limit",
            "upper_limit",
            "segment",
            "variation",
            "special_cause",
        ]);
        let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
        for (i, p) in drawn.chart.points.iter().enumerate() {
            let lines = drawn.chart.lines_of(p);
            csv.row(&[
                &p.date.map(|d| d.to_string()).unwrap_or_default(),
                &drawn
                    .counts
                    .get(i)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                &p.value.to_string(),
                &num(lines.map(|l| l.centre)),
                &num(lines.and_then(|l| l.lower)),
                &num(lines.and_then(|l| l.upper)),
                &(p.segment + 1).to_string(),
                &serde_id(&p.variation),
                &p.special_cause.map(|c| serde_id(&c)).unwrap_or_default(),
            ]);
        }
        Ok(csv.finish())
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
            overdue: self.rows.iter().filter(|r| !r.overdue.is_empty()).count(),
            profile: ProfileName {
                id: &self.profile_ref().id,
                label: &self.profile_ref().label,
            },
            stages: self
                .profile_ref()
                .stages
                .iter()
                .map(|s| (s.id.as_str(), s.label.as_str()))
                .collect(),
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
            "current_stage",
            "days_waiting",
            "overdue_stages",
            "placements_last_12_months",
            "unstable",
            "route",
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
                s.current_stage.as_ref().map_or("", |c| c.label.as_str()),
                &s.current_stage
                    .as_ref()
                    .map(|c| c.days.to_string())
                    .unwrap_or_default(),
                &s.overdue.join("; "),
                &s.placements_last_12_months.to_string(),
                if s.unstable { "yes" } else { "no" },
                s.route_label.unwrap_or(""),
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
        // Pseudonymised, carers are named as the chronology and the timeline name them.
        let carers = crate::chart::chronology::CarerNames::new(child, pseudonymise);
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
                            carer: pl
                                .carer
                                .as_ref()
                                .map(|_| Text::from(carers.name(pl).as_str())),
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
            stages: self.stage_rows(i),
            checks: self.check_hits(i),
        };
        to_js(&detail)
    }

    /// Lays out a chart and paints it on an offscreen canvas at `spec.scale` times its CSS
    /// size. Resolves to `{ canvas, width, height, title, description, ... }`; the layout is
    /// kept under `spec.slot` for [`Session::hit_test`] and the exports.
    ///
    /// `spec` is `{ kind: "timeline" | "cohort", slot, child, width, scale, pseudonymise,
    /// sort, first_row, rows, row_height, filters }`, or a statistical chart: `{ kind: "delay"
    /// | "km" | "histogram" | "run" | "xmr", slot, scale, stage, breakdown, aggregate,
    /// filters, ... }` as documented in `web::charts`, drawn from the statistics of the
    /// children the filters choose; its answer then also holds the chart's `table` (`{ columns,
    /// rows, notes }`, the numbers behind it).
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
                let chosen = self.chosen(&spec.filters);
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
            "qi" => {
                let q = spec.qi.clone().unwrap_or_default();
                let aggregate = match q.aggregation.as_str() {
                    "" => Aggregate::None,
                    text => text.parse::<Aggregate>().map_err(|e| js_error(&e, &[]))?,
                };
                let indices = self.chosen(&spec.filters);
                let series = stage_series(
                    indices
                        .iter()
                        .filter_map(|&i| self.report.journeys.stats.get(i)),
                    self.profile_ref(),
                    &q.stage,
                    aggregate,
                )
                .map_err(|_| js_error(&format!("there is no stage {}", q.stage), &[]))?;
                if series.points.is_empty() {
                    return Err(js_error(
                        &format!(
                            "No child in view has completed \"{}\" yet, so there is nothing to chart.",
                            series.label
                        ),
                        &[],
                    ));
                }
                let counts: Vec<usize> = series.points.iter().map(|p| p.n).collect();
                let chart = qi_chart(&series, &q).map_err(|e| js_error(&e, &[]))?;
                let what = match q.aggregation.as_str() {
                    "month" => "median days, by month completed",
                    "quarter" => "median days, by quarter completed",
                    _ => "days for each child, by date completed",
                };
                let options = SpcOptions {
                    width,
                    height: if spec.height.is_finite() {
                        spec.height.clamp(240.0, 2000.0)
                    } else {
                        440.0
                    },
                    ..SpcOptions::new(&format!("{}: {what}", series.label), "days")
                };
                let layout = spc(&chart, &options, &BundledMetrics);
                info.qi = Some(QiInfo {
                    stage: series.stage.clone(),
                    stage_label: series.label.clone(),
                    counts: counts.clone(),
                    chart: chart.clone(),
                });
                self.qi.insert(spec.slot.clone(), QiDrawn { chart, counts });
                layout
            }
            _ => {
                self.filter_statistics(&spec.filters);
                let layout = self.statistical_layout(raw, &spec.filters)?;
                info.table.clone_from(&layout.table);
                layout
            }
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
        let rows = build_rows(&report);
        Session {
            report,
            rows,
            charts: HashMap::new(),
            qi: HashMap::new(),
            filtered: None,
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

    /// The profile in force (the default one if the report somehow has none).
    fn profile_ref(&self) -> &Profile {
        static DEFAULT: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
        self.report
            .profile
            .as_ref()
            .unwrap_or_else(|| DEFAULT.get_or_init(Profile::default))
    }

    /// The children the filters choose, as indices into the report's journeys.
    fn chosen(&self, filters: &Filters) -> Vec<usize> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.matches(filters))
            .map(|(i, _)| i)
            .collect()
    }

    /// Computes the statistics of the children the filters choose, unless they are already
    /// at hand (no filter: the report's; the same filters as last time: those).
    fn filter_statistics(&mut self, filters: &Filters) {
        if filters.is_empty() {
            return;
        }
        let key = filters.key();
        if self.filtered.as_ref().is_some_and(|f| f.key == key) {
            return;
        }
        let indices = self.chosen(filters);
        let children: Vec<Child> = indices
            .iter()
            .filter_map(|&i| self.report.journeys.children.get(i).cloned())
            .collect();
        let statistics = stats::compute(
            &children,
            self.profile_ref(),
            self.report.as_at,
            &stats::Config::default(),
        );
        self.filtered = Some(Filtered {
            key,
            indices,
            children,
            statistics,
        });
    }

    /// A statistical chart (delay, km, histogram, run, xmr) of the children the filters
    /// choose (after [`Session::filter_statistics`]): with no filter, of the whole report.
    fn statistical_layout(&self, raw: &JsValue, filters: &Filters) -> Result<Layout, JsValue> {
        let input = match &self.filtered {
            Some(f) if !filters.is_empty() && f.key == filters.key() => ChartInput {
                children: &f.children,
                stats: &f.statistics.children,
                profile: Some(&f.statistics.profile),
                stages: &f.statistics.stages,
            },
            _ => ChartInput::from_report(&self.report),
        };
        super::charts::layout_from_input(&self.report, input, raw)
    }

    /// The stage and check statistics for the filters and how many children they cover
    /// (after [`Session::filter_statistics`]).
    fn cohort_statistics(&self, filters: &Filters) -> (&[StageSummary], &[CheckSummary], usize) {
        let key = filters.key();
        match &self.filtered {
            Some(f) if !filters.is_empty() && f.key == key => {
                (&f.statistics.stages, &f.statistics.checks, f.indices.len())
            }
            _ => (&self.report.stages, &self.report.checks, self.rows.len()),
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
        let mut routes = BTreeSet::new();
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
            routes.insert(r.route_key());
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
        facets.route = Route::ALL
            .iter()
            .filter(|r| routes.contains(r.id()))
            .map(|r| (r.id(), route_label(*r)))
            .chain(
                routes
                    .contains(UNKNOWN)
                    .then_some((UNKNOWN, "Never looked after")),
            )
            .collect();
        facets.age_band = AGE_BANDS
            .iter()
            .filter(|(id, _)| bands.contains(id))
            .copied()
            .collect();
        facets
    }

    /// The child's stage table: one row per care period and started stage.
    fn stage_rows(&self, index: usize) -> Vec<StageRowView<'_>> {
        let profile = self.profile_ref();
        let Some(stats) = self.report.journeys.stats_of(index) else {
            return Vec::new();
        };
        stats
            .stages
            .iter()
            .map(|r| {
                let stage = profile.stages.get(r.stage_index);
                StageRowView {
                    stage: &r.stage,
                    label: stage.map_or(&*r.stage, |s| s.label.as_str()),
                    care_period: r.care_period_index + 1,
                    start: r.start,
                    end: r.end,
                    days: r.days,
                    status: match (r.end, r.censored_by) {
                        (Some(_), _) => "completed",
                        (None, Some(CensoredBy::LeftCare)) => "left_care",
                        (None, _) => "waiting",
                    },
                    ended_by: r.ended_by.map(|m| m.label()),
                    target: stage.and_then(|s| s.target).map(|t| t.to_string()),
                    target_date: r.target_date,
                    within_target: r.within_target,
                    overdue: r.overdue,
                    backdated: r.backdated,
                }
            })
            .collect()
    }

    /// The profile's checks that apply to the child now.
    fn check_hits(&self, index: usize) -> Vec<CheckHitView<'_>> {
        let profile = self.profile_ref();
        let Some(stats) = self.report.journeys.stats_of(index) else {
            return Vec::new();
        };
        stats
            .checks
            .iter()
            .map(|h| CheckHitView {
                label: profile
                    .checks
                    .iter()
                    .find(|c| *c.id == *h.check)
                    .map_or(&*h.check, |c| c.label.as_str()),
                since: h.since,
                days: h.days,
                due: h.due,
                over: h.over,
            })
            .collect()
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

fn placement_key_label(id: &str) -> &'static str {
    PlacementCategory::from_id(id).map_or("Not in care", |c| c.label())
}

/// Every child's row of the children table.
fn build_rows(report: &Report) -> Vec<ChildRow> {
    let fallback = Profile::default();
    let profile = report.profile.as_ref().unwrap_or(&fallback);
    report
        .journeys
        .iter()
        .enumerate()
        .map(|(i, child)| {
            ChildRow::new(i, child, report.journeys.stats_of(i), profile, report.as_at)
        })
        .collect()
}

/// One child's row of the children table, computed once when the session opens (and again
/// when the profile changes).
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
    /// The route to permanence of the most recent care period.
    route: Option<Route>,
    /// The stage the child is waiting in now, if in care.
    current_stage: Option<CurrentStage>,
    /// The labels of the stages the child is waiting in beyond their target.
    overdue: Vec<String>,
    placements_last_12_months: u32,
    unstable: bool,
    /// The labels of the profile's checks the child is over (such as PACE Aim 1).
    checks_over: Vec<String>,
}

/// The stage a child in care is waiting in now: of the stages still running in the current
/// care period, the one that started last (the first in the profile's order on a tie).
#[derive(Clone, Debug, Serialize)]
struct CurrentStage {
    id: String,
    label: String,
    start: NaiveDate,
    days: u32,
    target: Option<String>,
    target_date: Option<NaiveDate>,
    overdue: bool,
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
    route: Option<Route>,
    route_label: Option<&'static str>,
    current_stage: &'a Option<CurrentStage>,
    overdue: &'a [String],
    placements_last_12_months: u32,
    unstable: bool,
    checks_over: &'a [String],
}

impl ChildRow {
    fn new(
        index: usize,
        child: &Child,
        stats: Option<&ChildStats>,
        profile: &Profile,
        as_at: NaiveDate,
    ) -> ChildRow {
        let latest_index = child.care_periods.iter().rposition(|p| p.start <= as_at);
        let latest = latest_index.and_then(|i| child.care_periods.get(i));
        let current = latest.filter(|p| p.contains(as_at));
        let placement = current.and_then(|p| p.placement_on(as_at));
        let legal = current.and_then(|_| child.legal_on(as_at));
        let days_in_care = latest.map(|p| {
            let until = p.end.map_or(as_at, |e| e.min(as_at));
            (until - p.start).num_days().max(0)
        });
        let route = latest_index
            .and_then(|i| stats?.care_period_stats.get(i))
            .map(|p| p.route);
        let waiting: Vec<&stats::StageRow> = match (stats, current) {
            (Some(s), Some(_)) => s
                .stages
                .iter()
                .filter(|r| {
                    Some(r.care_period_index) == latest_index
                        && r.end.is_none()
                        && r.censored_by == Some(CensoredBy::AsAt)
                })
                .collect(),
            _ => Vec::new(),
        };
        let stage_label = |id: &str| {
            profile
                .stages
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| id.to_string(), |s| s.label.clone())
        };
        let current_stage = waiting
            .iter()
            .max_by(|a, b| {
                a.start
                    .cmp(&b.start)
                    .then_with(|| b.stage_index.cmp(&a.stage_index))
            })
            .map(|r| CurrentStage {
                id: r.stage.to_string(),
                label: stage_label(&r.stage),
                start: r.start,
                days: r.days,
                target: profile
                    .stages
                    .get(r.stage_index)
                    .and_then(|s| s.target)
                    .map(|t| t.to_string()),
                target_date: r.target_date,
                overdue: r.overdue,
            });
        let overdue = waiting
            .iter()
            .filter(|r| r.overdue)
            .map(|r| stage_label(&r.stage))
            .collect();
        let checks_over = stats
            .map(|s| {
                s.checks
                    .iter()
                    .filter(|h| h.over)
                    .map(|h| {
                        profile
                            .checks
                            .iter()
                            .find(|c| *c.id == *h.check)
                            .map_or_else(|| h.check.to_string(), |c| c.label.clone())
                    })
                    .collect()
            })
            .unwrap_or_default();
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
            route,
            current_stage,
            overdue,
            placements_last_12_months: stats.map_or(0, |s| s.placements_last_12_months),
            unstable: stats.is_some_and(|s| s.unstable),
            checks_over,
        }
    }

    /// The child's name as shown: the ID, or "Child n" when pseudonymised.
    fn name(&self, pseudonymise: bool) -> String {
        if pseudonymise {
            self.pseudonym.clone()
        } else {
            self.child_id.to_string()
        }
    }

    fn shown(&self, pseudonymise: bool) -> ShownRow<'_> {
        ShownRow {
            index: self.index,
            child: self.name(pseudonymise),
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
            route: self.route,
            route_label: self.route.map(route_label),
            current_stage: &self.current_stage,
            overdue: &self.overdue,
            placements_last_12_months: self.placements_last_12_months,
            unstable: self.unstable,
            checks_over: &self.checks_over,
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

    fn route_key(&self) -> &'static str {
        self.route.map_or(UNKNOWN, Route::id)
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
            && exact(&filters.route, self.route_key())
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
            self.current_stage.as_ref().map(|s| s.label.as_str()),
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
            "current_stage" => num(self.current_stage.as_ref().map(|s| i64::from(s.days))),
            "overdue" => SortKey::Num(self.overdue.len() as i64 + self.checks_over.len() as i64),
            "placements_last_12_months" => SortKey::Num(i64::from(self.placements_last_12_months)),
            "route" => SortKey::text(self.route.map(route_label)),
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

/// The id an enum serialises to (its snake_case name).
fn serde_id<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
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

/// The global filters: each is a value id, or empty/absent for everyone. A child is chosen by
/// its most recent care period (placement now, age at entry, year of entry, route) and its
/// own details (sex, authority, team).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct Filters {
    placement: Option<String>,
    age_band: Option<String>,
    sex: Option<String>,
    local_authority: Option<String>,
    team: Option<String>,
    year_of_entry: Option<String>,
    route: Option<String>,
}

impl Filters {
    fn values(&self) -> [&Option<String>; 7] {
        [
            &self.placement,
            &self.age_band,
            &self.sex,
            &self.local_authority,
            &self.team,
            &self.year_of_entry,
            &self.route,
        ]
    }

    /// Whether no filter is set (everyone is chosen).
    fn is_empty(&self) -> bool {
        self.values()
            .iter()
            .all(|v| v.as_deref().is_none_or(str::is_empty))
    }

    /// The filters written canonically, to tell whether they changed.
    fn key(&self) -> String {
        let mut key = String::new();
        for v in self.values() {
            key.push_str(v.as_deref().unwrap_or(""));
            key.push('\u{1f}');
        }
        key
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StageQuery {
    filters: Filters,
    breakdown: Option<String>,
    pseudonymise: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StageRowsQuery {
    filters: Filters,
    child: Option<u32>,
    pseudonymise: bool,
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
    route: Vec<(&'static str, &'static str)>,
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
    /// Children waiting in at least one stage beyond its target.
    overdue: usize,
    profile: ProfileName<'a>,
    /// `[id, label]` of each stage of the profile.
    stages: Vec<(&'a str, &'a str)>,
    facets: Facets,
}

#[derive(Serialize)]
struct ProfileName<'a> {
    id: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct ChildDetail<'a> {
    row: ShownRow<'a>,
    care_periods: Vec<PeriodView>,
    legal: Vec<LegalView>,
    chronology: Vec<ChronologyEntry>,
    stages: Vec<StageRowView<'a>>,
    checks: Vec<CheckHitView<'a>>,
}

/// One row of a child's stage table.
#[derive(Serialize)]
struct StageRowView<'a> {
    stage: &'a str,
    label: &'a str,
    /// 1-based, as people count care periods.
    care_period: usize,
    start: NaiveDate,
    end: Option<NaiveDate>,
    days: u32,
    /// `completed`, `waiting` or `left_care`.
    status: &'static str,
    ended_by: Option<&'static str>,
    target: Option<String>,
    target_date: Option<NaiveDate>,
    within_target: Option<bool>,
    overdue: bool,
    backdated: bool,
}

/// A check that applies to the child now.
#[derive(Serialize)]
struct CheckHitView<'a> {
    label: &'a str,
    since: NaiveDate,
    days: u32,
    due: Option<NaiveDate>,
    over: bool,
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
    height: f32,
    filters: Filters,
    qi: Option<QiSpec>,
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
            height: 440.0,
            filters: Filters::default(),
            qi: None,
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
    qi: Option<QiInfo>,
    /// The numbers behind a statistical chart.
    table: Option<Table>,
}

/// A QI chart's numbers, for the table under it.
#[derive(Serialize)]
struct QiInfo {
    stage: String,
    stage_label: String,
    /// Waits behind each point.
    counts: Vec<usize>,
    chart: SpcChart,
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
