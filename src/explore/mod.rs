//! Exploring one analysed report, as the page does: the children and problems tables (search,
//! filters, natural sort, paging), one child's detail, the stage table of the children the
//! filters choose (with their own statistics, computed once per set of filters), the charts
//! of those children, pseudonymised views and every export.
//!
//! This module owns the page's logic; `web` only converts JavaScript values to these queries
//! and the answers back. It computes no statistic of its own: per-filter statistics come from
//! [`crate::stats::compute`] over the chosen children, and a profile change goes through
//! [`Report::set_statistics`], so the page and the command line agree by construction. It
//! never reads the clock and performs no I/O.
//!
//! - `rows`: one row per child (the current-stage rule, days in care, sort keys).
//! - `filter`: the global filters and their facets.
//! - `order`: sort keys, natural order and paging.
//! - `pseudonym`: "Child n" and scrubbing problems' messages.
//! - `detail`: one child's journey for the detail view.
//! - `stages`: the stage table and its export.
//! - `view`: the page's chart spec and what is shown beside a chart.
//! - `export`: the exports' columns.
//! - `sharing`: the "for sharing" mode (disclosure control of the shared tables and charts).
//! - `query`: the queries and pages, and the list of queries the worker allows.
//! - `vocabulary`: every word the page shows that is not data, in one answer.

pub mod detail;
pub mod export;
pub mod filter;
pub mod forecast;
pub mod order;
pub mod pseudonym;
pub mod query;
pub mod rows;
pub mod sharing;
pub mod stages;
pub mod view;
pub mod vocabulary;

pub use detail::{ChildDetail, ChronologyEntry, Source};
pub use filter::{Facets, Filters, NeutralNames};
pub use query::{ChildQuery, Page, ProblemQuery, StageQuery, StageRowsQuery, QUERIES};
pub use rows::{ChildRow, CurrentStage, ShownRow};
pub use stages::{CohortCounts, StageTable};
pub use view::{ChartInfo, ChartQuery, ChildRef, QiInfo, QiSpec};

use crate::chart::request::stage_target_days;
use crate::chart::{
    hit_test, layout_chart, render_svg, stage_brackets, ChartInput, Hit, HitTarget, Layout,
    StageBracket, Table,
};
use crate::diagnostics::{Diagnostic, Severity};
use crate::disclosure;
use crate::model::{Child, Text};
use crate::report::{FileSummary, Report, TableSummary, UnknownLabel};
use crate::stats::series::stage_series;
use crate::stats::{self, CheckSummary, ChildStats, Profile, StageSummary, Statistics};
use crate::{AsAtBasis, ProfileBasis};
use chrono::NaiveDate;
use order::{page, sort_indices, SortKey};
use pseudonym::Hidden;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// A question about the report that has no answer (no such child, chart or stage), with a
/// message for the person who asked.
#[derive(Clone, Debug, PartialEq)]
pub struct ExploreError(pub String);

impl fmt::Display for ExploreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExploreError {}

impl From<String> for ExploreError {
    fn from(message: String) -> Self {
        ExploreError(message)
    }
}

/// One analysed report being explored, with each child's row, the statistics of the last
/// filters and the charts last drawn in each of the page's slots.
pub struct Explorer {
    report: Report,
    rows: rows::Rows,
    /// The statistics of the children the last filters chose.
    filtered: Option<Filtered>,
    /// The last chart drawn in each slot, for hit tests and exports.
    charts: HashMap<String, Layout>,
    /// For a cohort view drawn in a slot: the children of its rows (a row's hit target is
    /// its index among them), as indices into the report.
    cohort_children: HashMap<String, Vec<usize>>,
    /// The breakdown whose groups the forecasts are read from (`explore::forecast`).
    forecast_breakdown: Option<String>,
}

/// What lies under a point of a chart, with the child it is about when the chart is the
/// cohort view (the child's index in the report, whatever the row's position on screen).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShownHit {
    #[serde(flatten)]
    pub hit: Hit,
    /// The index in the report of the child whose row this is (cohort view only).
    pub child: Option<usize>,
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

/// Everything except the journeys and the list of problems: the counts, the files and
/// tables, the unknown labels, the number of problems of each severity and the values each
/// filter can take.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub as_at: NaiveDate,
    /// Why the report is as at that date, and the reason in words ("the latest date in your
    /// files").
    pub as_at_basis: AsAtBasis,
    pub as_at_words: &'static str,
    /// Why the statistics use their profile, and the reason in words ("your files are an
    /// SSDA903 return (England)").
    pub profile_basis: ProfileBasis,
    pub profile_words: &'static str,
    pub files: &'a [FileSummary],
    pub tables: &'a [TableSummary],
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_rejected: u64,
    pub unknown_labels: &'a [UnknownLabel],
    pub problems: usize,
    pub severities: SeverityCounts,
    pub children: usize,
    pub care_periods: usize,
    pub placements: usize,
    pub events: usize,
    pub moves: usize,
    pub in_care: usize,
    /// Children waiting in at least one stage beyond its target.
    pub overdue: usize,
    pub profile: ProfileName<'a>,
    /// `[id, label]` of each stage of the profile.
    pub stages: Vec<(&'a str, &'a str)>,
    /// `[id, days]` of each stage: its own target in days (the QI charts' default target).
    pub stage_target_days: Vec<(&'a str, Option<f64>)>,
    pub facets: Facets,
    /// The facets as a pseudonymised page offers them: teams and authorities by their
    /// neutral names ("Team A"), which the filters take too.
    pub pseudonymised_facets: Facets,
    /// Each team's and authority's name with its neutral name, so that a team chosen stays
    /// chosen when Pseudonymise is switched on or off.
    pub neutral_names: NeutralNames,
}

/// How many problems there are of each severity.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct SeverityCounts {
    pub fatal: usize,
    pub rejected: usize,
    pub warning: usize,
    pub info: usize,
}

#[derive(Serialize)]
pub struct ProfileName<'a> {
    pub id: &'a str,
    pub label: &'a str,
}

impl Explorer {
    /// Explores `report`, computing each child's row once.
    pub fn new(report: Report) -> Explorer {
        let rows = rows::build_rows(&report);
        Explorer {
            report,
            rows,
            filtered: None,
            charts: HashMap::new(),
            cohort_children: HashMap::new(),
            forecast_breakdown: None,
        }
    }

    /// The report explored.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Every child's row, in the report's order.
    pub fn rows(&self) -> &rows::Rows {
        &self.rows
    }

    /// The profile in force (the default one if the report somehow has none).
    pub fn profile(&self) -> &Profile {
        static DEFAULT: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
        self.report
            .profile
            .as_ref()
            .unwrap_or_else(|| DEFAULT.get_or_init(Profile::default))
    }

    /// Applies another timescale profile to the journeys already built; every row, cached
    /// statistic and drawn chart is recomputed or forgotten.
    pub fn set_profile(&mut self, profile: &Profile) {
        let statistics = stats::compute(
            &self.report.journeys.children,
            profile,
            self.report.as_at,
            &stats::Config::default(),
        );
        self.report.set_statistics(statistics);
        // The user chose it.
        self.report.profile_basis = ProfileBasis::Given;
        self.rows = rows::build_rows(&self.report);
        self.filtered = None;
        self.charts.clear();
        self.cohort_children.clear();
        // The new statistics' forecasts are the whole cohort's.
        self.forecast_breakdown = None;
    }

    /// The summary (see [`Summary`]).
    pub fn summary(&self) -> Summary<'_> {
        let input = &self.report.input;
        let mut severities = SeverityCounts::default();
        for d in &input.diagnostics {
            match d.severity {
                Severity::Fatal => severities.fatal += 1,
                Severity::Rejected => severities.rejected += 1,
                Severity::Warning => severities.warning += 1,
                Severity::Info => severities.info += 1,
            }
        }
        let profile = self.profile();
        Summary {
            as_at: self.report.as_at,
            as_at_basis: self.report.as_at_basis,
            as_at_words: self.report.as_at_basis.words(),
            profile_basis: self.report.profile_basis,
            profile_words: self.report.profile_basis.words(),
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
                id: &profile.id,
                label: &profile.label,
            },
            stages: profile
                .stages
                .iter()
                .map(|s| (s.id.as_str(), s.label.as_str()))
                .collect(),
            stage_target_days: profile
                .stages
                .iter()
                .map(|s| (s.id.as_str(), stage_target_days(s.target)))
                .collect(),
            facets: rows::facets(&self.rows, false),
            pseudonymised_facets: rows::facets(&self.rows, true),
            neutral_names: rows::neutral_names(&self.rows),
        }
    }

    /// The children the filters choose, as indices into the report's journeys.
    pub fn chosen(&self, filters: &Filters) -> Vec<usize> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.matches(filters))
            .map(|(i, _)| i)
            .collect()
    }

    // --- Problems -------------------------------------------------------------------------

    /// One page of the problems, as shown.
    pub fn problems(&self, query: &ProblemQuery) -> Page<Diagnostic> {
        let order = self.problem_order(query);
        let rows = page(&order, query.offset, query.limit)
            .iter()
            .filter_map(|&i| self.report.input.diagnostics.get(i))
            .map(|d| self.shown_diagnostic(d, query.pseudonymise))
            .collect();
        Page {
            total: self.report.input.diagnostics.len(),
            matched: order.len(),
            offset: query.offset.min(order.len()),
            rows,
        }
    }

    /// Every problem matching `query` (its paging ignored), as shown.
    pub fn problems_table(&self, query: &ProblemQuery) -> Table {
        let diagnostics = &self.report.input.diagnostics;
        export::problems_table(
            self.problem_order(query)
                .into_iter()
                .filter_map(|i| diagnostics.get(i))
                .map(|d| self.shown_diagnostic(d, query.pseudonymise)),
        )
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
                    .is_none_or(|s| s.is_empty() || s == export::severity_id(d.severity));
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
        let keys: Vec<SortKey> = if query.sort.is_empty() {
            Vec::new()
        } else {
            diagnostics.iter().map(key).collect()
        };
        sort_indices(&mut order, &keys, &query.sort, query.descending);
        order
    }

    // --- Children -------------------------------------------------------------------------

    /// A problem as shown, pseudonymised or not.
    fn shown_diagnostic(&self, d: &Diagnostic, pseudonymise: bool) -> Diagnostic {
        let child = |id: &str| {
            let r = self.rows.iter().find(|r| r.child_id.as_ref() == id)?;
            Some(Hidden {
                pseudonym: r.pseudonym(),
                date_of_birth: r.date_of_birth,
            })
        };
        pseudonym::shown_diagnostic(d, &child, pseudonymise)
    }

    /// One page of the children table.
    pub fn children(&self, query: &ChildQuery) -> Page<ShownRow<'_>> {
        let order = self.child_order(query);
        let rows = page(&order, query.offset, query.limit)
            .iter()
            .filter_map(|&i| self.rows.get(i))
            .map(|r| r.shown(query.pseudonymise))
            .collect();
        Page {
            total: self.rows.len(),
            matched: order.len(),
            offset: query.offset.min(order.len()),
            rows,
        }
    }

    /// Every child matching `query` (its paging ignored), with the children table's columns.
    pub fn children_table(&self, query: &ChildQuery) -> Table {
        export::children_table(
            self.child_order(query)
                .into_iter()
                .filter_map(|i| self.rows.get(i))
                .map(|r| r.shown(query.pseudonymise)),
        )
    }

    fn child_order(&self, query: &ChildQuery) -> Vec<usize> {
        let needle = query.search.trim().to_lowercase();
        // The last likely date the query keeps (see `ChildQuery::likely_within_months`).
        let likely_by = query.likely_within_months.map(|m| {
            stats::CalendarDuration::months(m)
                .after(self.report.as_at)
                .unwrap_or(NaiveDate::MAX)
        });
        let mut order: Vec<usize> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.matches(&query.filters)
                    && r.matches_search(&needle, query.pseudonymise)
                    && likely_by.is_none_or(|last| {
                        r.current_stage
                            .as_ref()
                            .and_then(|s| s.expected_date)
                            .is_some_and(|d| d <= last)
                    })
            })
            .map(|(i, _)| i)
            .collect();
        let keys: Vec<SortKey> = if query.sort.is_empty() {
            Vec::new()
        } else {
            self.rows.iter().map(|r| r.sort_key(&query.sort)).collect()
        };
        sort_indices(&mut order, &keys, &query.sort, query.descending);
        order
    }

    /// The index of the child with this ID (as written in the input).
    pub fn find_child(&self, id: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.child_id.as_ref() == id)
    }

    /// One child's journey for the detail view.
    pub fn child(&self, index: usize, pseudonymise: bool) -> Result<ChildDetail<'_>, ExploreError> {
        let (Some(child), Some(row)) = (self.report.journeys.get(index), self.rows.get(index))
        else {
            return Err(no_child(index));
        };
        Ok(detail::child_detail(
            &self.report,
            self.profile(),
            child,
            row,
            pseudonymise,
        ))
    }

    /// The child's chronology as a table (date, age, event, detail, key decision, source).
    pub fn chronology_table(
        &self,
        index: usize,
        pseudonymise: bool,
    ) -> Result<Table, ExploreError> {
        let child = self
            .report
            .journeys
            .get(index)
            .ok_or_else(|| no_child(index))?;
        let entries = detail::chronology_entries(&self.report, child, pseudonymise);
        Ok(export::chronology_table(&entries))
    }

    // --- Stages ---------------------------------------------------------------------------

    /// The stage table for the children the filters choose, computed by `stats::compute`
    /// over exactly those children (and kept until the filters change); with no filter, the
    /// report's own.
    pub fn stages(&mut self, query: &StageQuery) -> StageTable<'_> {
        self.filter_statistics(&query.filters);
        let mut counts = CohortCounts::default();
        for r in self.rows.iter().filter(|r| r.matches(&query.filters)) {
            counts.in_care += usize::from(r.in_care);
            counts.overdue += usize::from(!r.overdue.is_empty());
            counts.unstable += usize::from(r.unstable);
        }
        let names: HashMap<&str, &ChildRow> =
            self.rows.iter().map(|r| (r.child_id.as_ref(), r)).collect();
        let pseudonymise = query.pseudonymise;
        let name_of = |id: &str| {
            let r = names.get(id)?;
            Some((r.index, r.name(pseudonymise)))
        };
        let (stages, checks, matched) = self.cohort_statistics(&query.filters);
        let rules = query.sharing.map(sharing::Sharing::rules);
        let neutrals = pseudonym::Neutrals::of(&self.report);
        let neutral = query
            .breakdown
            .as_deref()
            .filter(|_| pseudonymise)
            .and_then(|b| neutrals.of_breakdown(b));
        stages::stage_table(&stages::TableInput {
            profile: self.profile(),
            stages,
            checks,
            matched,
            total: self.rows.len(),
            counts,
            breakdown: query.breakdown.as_deref(),
            name_of: &name_of,
            sharing: rules.as_ref(),
            neutral,
        })
    }

    /// The stage table (as [`Explorer::stages`] shows it) to export.
    pub fn stages_table(&mut self, query: &StageQuery) -> Table {
        self.filter_statistics(&query.filters);
        let (stages, _, _) = self.cohort_statistics(&query.filters);
        let rules = query.sharing.map(sharing::Sharing::rules);
        let mut table =
            stages::stage_table_export(stages, query.breakdown.as_deref(), rules.as_ref());
        // Pseudonymised, the groups of a breakdown by team or authority are named neutrally.
        if query.pseudonymise {
            let breakdown = query.breakdown.as_deref().unwrap_or("");
            if let Some(neutral) = pseudonym::Neutrals::of(&self.report).of_breakdown(breakdown) {
                neutral.rename_table(&mut table);
            }
        }
        table
    }

    /// The per-child stage table (the command line's `--format csv`) for the children the
    /// filters choose, or for one child, as CSV. Pseudonymised, IDs become the children's
    /// pseudonyms and the other columns about the child (attributes) are left out.
    pub fn stage_rows_csv(&self, query: &StageRowsQuery) -> Result<String, ExploreError> {
        let indices: Vec<usize> = match query.child {
            Some(i) if (i as usize) < self.rows.len() => vec![i as usize],
            Some(i) => return Err(no_child(i as usize)),
            None => self.chosen(&query.filters),
        };
        let profile = self.profile();
        let children = &self.report.journeys.children;
        let none = ChildStats::default();
        let stats_of = |i: usize| self.report.journeys.stats.get(i).unwrap_or(&none);
        let mut out = Vec::new();
        let options = stats::TableOptions::default();
        let written = if query.pseudonymise {
            let hidden: Vec<(Child, usize)> = indices
                .iter()
                .filter_map(|&i| {
                    let mut c = children.get(i)?.clone();
                    c.id = Text::from(self.rows.get(i)?.pseudonym());
                    c.date_of_birth = None;
                    c.attributes.clear();
                    let row = self.rows.get(i)?;
                    c.team.clone_from(&row.neutral_team);
                    c.local_authority.clone_from(&row.neutral_authority);
                    Some((c, i))
                })
                .collect();
            let journeys = hidden.iter().map(|(c, i)| (c, stats_of(*i)));
            stats::write_stage_csv(&mut out, profile, journeys, &options)
        } else {
            let journeys = indices
                .iter()
                .filter_map(|&i| Some((children.get(i)?, stats_of(i))));
            stats::write_stage_csv(&mut out, profile, journeys, &options)
        };
        written.map_err(|e| ExploreError(format!("cannot write the table: {e}")))?;
        String::from_utf8(out).map_err(|e| ExploreError(e.to_string()))
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
            self.profile(),
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

    /// The filtered statistics, if these filters' are at hand.
    fn filtered_for(&self, filters: &Filters) -> Option<&Filtered> {
        let f = self.filtered.as_ref()?;
        (!filters.is_empty() && f.key == filters.key()).then_some(f)
    }

    /// The stage and check statistics for the filters and how many children they cover
    /// (after [`Explorer::filter_statistics`]).
    fn cohort_statistics(&self, filters: &Filters) -> (&[StageSummary], &[CheckSummary], usize) {
        match self.filtered_for(filters) {
            Some(f) => (&f.statistics.stages, &f.statistics.checks, f.indices.len()),
            None => (&self.report.stages, &self.report.checks, self.rows.len()),
        }
    }

    /// The chart input for the children the filters choose (after
    /// [`Explorer::filter_statistics`]): with no filter, the whole report.
    fn chart_input(&self, filters: &Filters) -> ChartInput<'_> {
        match self.filtered_for(filters) {
            Some(f) => ChartInput {
                children: &f.children,
                stats: &f.statistics.children,
                profile: Some(&f.statistics.profile),
                stages: &f.statistics.stages,
            },
            None => ChartInput::from_report(&self.report),
        }
    }

    // --- Charts ---------------------------------------------------------------------------

    /// Lays out the chart `query` asks for, of the children its filters choose, keeps it
    /// under its slot, and answers what the page shows beside it.
    pub fn draw(&mut self, query: &ChartQuery) -> Result<(&Layout, ChartInfo), ExploreError> {
        let mut info = ChartInfo::default();
        let layout = match query.kind.as_str() {
            "timeline" => {
                let index = match &query.child {
                    Some(ChildRef::Index(i)) => *i as usize,
                    Some(ChildRef::Id(id)) => self
                        .find_child(id)
                        .ok_or_else(|| ExploreError(format!("no child with ID \"{id}\"")))?,
                    None => 0,
                };
                let stages = self.stages_of(index);
                view::timeline_layout(&self.report, index, &stages, query, &mut info)?
            }
            "cohort" => {
                let chosen = self.chosen(&query.filters);
                let brackets: Vec<Vec<StageBracket>> =
                    chosen.iter().map(|&i| self.stages_of(i)).collect();
                let layout =
                    view::cohort_layout(&self.report, &chosen, &brackets, query, &mut info);
                self.cohort_children.insert(query.slot.clone(), chosen);
                layout
            }
            "qi" if query
                .qi
                .as_ref()
                .is_some_and(|q| q.measure == "completions") =>
            {
                let spec = query.qi.clone().unwrap_or_default();
                self.completions_chart(&spec, query, &mut info)?
            }
            "qi" => {
                let mut spec = query.qi.clone().unwrap_or_default();
                // Without a target of its own, the chart has the stage's.
                if spec.spc.target.is_none() {
                    let own = self.profile().stages.iter().find(|s| s.id == spec.stage);
                    spec.spc.target = stage_target_days(own.and_then(|s| s.target));
                }
                let aggregate = spec.aggregate()?;
                let indices = self.chosen(&query.filters);
                let series = stage_series(
                    indices
                        .iter()
                        .filter_map(|&i| self.report.journeys.stats.get(i)),
                    self.profile(),
                    &spec.stage,
                    aggregate,
                )
                .map_err(|_| ExploreError(format!("there is no stage {}", spec.stage)))?;
                view::qi_layout(&series, self.report.as_at, &spec, query, &mut info)?
            }
            _ => {
                self.filter_statistics(&query.filters);
                let request = query.request(&self.report)?;
                let layout = layout_chart(self.chart_input(&query.filters), &request)
                    .map_err(|e| ExploreError(e.to_string()))?;
                info.table.clone_from(&layout.table);
                layout
            }
        };
        let mut layout = match query.sharing {
            Some(share) => self.for_sharing(layout, query, share.rules(), &mut info)?,
            None => layout,
        };
        // Pseudonymised, a chart by team or authority names its groups neutrally.
        if query.pseudonymise {
            let breakdown = query.breakdown.as_deref().unwrap_or("");
            if let Some(neutral) = pseudonym::Neutrals::of(&self.report).of_breakdown(breakdown) {
                neutral.rename_chart(&mut layout);
                info.table.clone_from(&layout.table);
            }
        }
        info.width = layout.width;
        info.height = layout.height;
        info.title = layout.title.clone();
        info.description = layout.description.clone();
        if query.kind != "cohort" {
            self.cohort_children.remove(&query.slot);
        }
        let slot = self.charts.entry(query.slot.clone()).or_default();
        *slot = layout;
        Ok((slot, info))
    }

    /// A chart laid out for `query` as the "for sharing" mode shows it (see [`sharing`]):
    /// its table protected, and the chart itself replaced by a note where it would show more
    /// than the table.
    fn for_sharing(
        &self,
        mut layout: Layout,
        query: &ChartQuery,
        rules: disclosure::Rules,
        info: &mut ChartInfo,
    ) -> Result<Layout, ExploreError> {
        let kind = query.kind.as_str();
        let (table, drawn) = match kind {
            "delay" => {
                let (stages, _, _) = self.cohort_statistics(&query.filters);
                let breakdown = query.breakdown.as_deref().filter(|b| !b.is_empty());
                let mut table = stages::stage_table_export(stages, breakdown, Some(&rules));
                // The delay chart's own name for those who did not complete.
                for c in table.columns.iter_mut().filter(|c| *c == "censored") {
                    *c = "not_ended".to_string();
                }
                let rows = stages::table_rows(stages, breakdown);
                let plain: Vec<sharing::StageRow<'_>> = rows.into_iter().map(|(r, _)| r).collect();
                let shown = sharing::protect_stage_rows(&plain, &rules);
                let changed = sharing::changes_anything(&plain, &shown, &rules);
                (Some(table), !changed)
            }
            "histogram" => {
                let table = layout
                    .table
                    .as_ref()
                    .map(|t| sharing::protect_columns(t, &["completed", "still_waiting"], &rules));
                (table, false)
            }
            "qi" => {
                let per_child = query
                    .qi
                    .as_ref()
                    .is_none_or(|q| matches!(q.aggregation.as_str(), "" | "none"));
                let exact = layout.table.clone().unwrap_or_default();
                let table = sharing::protect_qi(&exact, per_child, &rules)?;
                let changed = sharing::qi_changes_anything(&exact, &rules);
                (Some(table), !changed)
            }
            // The Kaplan–Meier curve's table is a row per step (a child's wait ending):
            // nothing of it is given.
            "km" => (Some(Table::default()), false),
            // A chart of children (the cohort pictures, a timeline) has no counts to protect
            // and is not for sharing.
            _ => (Some(Table::default()), false),
        };
        if let Some(qi) = info.qi.as_mut() {
            if !drawn {
                qi.chart.points.clear();
            }
            qi.counts.clear();
        }
        if !drawn {
            let title = layout.title.clone();
            layout = sharing::withheld_chart(query.width(), &title, sharing::why_withheld(kind));
        }
        layout.table = table;
        info.table.clone_from(&layout.table);
        Ok(layout)
    }

    /// Lays out the chart `query` asks for from the whole report, without keeping it (for
    /// an embedder drawing on its own canvas).
    pub fn layout(&self, query: &ChartQuery) -> Result<Layout, ExploreError> {
        let request = query.request(&self.report)?;
        let mut layout = layout_chart(ChartInput::from_report(&self.report), &request)
            .map_err(|e| ExploreError(e.to_string()))?;
        if query.pseudonymise {
            let breakdown = query.breakdown.as_deref().unwrap_or("");
            if let Some(neutral) = pseudonym::Neutrals::of(&self.report).of_breakdown(breakdown) {
                neutral.rename_chart(&mut layout);
            }
        }
        Ok(layout)
    }

    /// The chart last drawn in `slot`.
    pub fn drawn(&self, slot: &str) -> Result<&Layout, ExploreError> {
        self.charts
            .get(slot)
            .ok_or_else(|| ExploreError("that chart has not been drawn".into()))
    }

    /// What lies under the CSS pixel `(x, y)` of the chart in `slot`, and, on a row of
    /// the cohort view, which child's row it is.
    pub fn hit_test(&self, slot: &str, x: f32, y: f32) -> Option<ShownHit> {
        let hit = hit_test(self.charts.get(slot)?, x, y)?;
        let child = match hit.target {
            HitTarget::CohortRow { row, .. } => self
                .cohort_children
                .get(slot)
                .and_then(|children| children.get(row).copied()),
            _ => None,
        };
        Some(ShownHit { hit, child })
    }

    /// The chart in `slot` as an SVG document.
    pub fn chart_svg(&self, slot: &str) -> Result<String, ExploreError> {
        render_svg(self.drawn(slot)?).map_err(|e| ExploreError(e.to_string()))
    }

    /// The numbers behind the chart in `slot` (empty for a chart without a table).
    pub fn chart_table(&self, slot: &str) -> Result<Table, ExploreError> {
        Ok(self.drawn(slot)?.table.clone().unwrap_or_default())
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
}

fn no_child(index: usize) -> ExploreError {
    ExploreError(format!("there is no child number {index}"))
}
