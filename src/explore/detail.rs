//! One child's journey as the detail view shows it: the children-table row, care periods with
//! their placements, legal spells, the chronology (every dated item in date order, with the
//! file, sheet and row it came from), the child's stage rows and the checks that apply now.
//!
//! This module owns those views' shapes. The chronology's wording and the carers' pseudonyms
//! are [`crate::chart::chronology`]'s, so the table, the timeline and the export agree.

use super::rows::{ChildRow, ShownRow};
use crate::chart::chronology::{chronology, CarerNames, ChronologyOptions};
use crate::model::{Child, LegalCategory, PlacementCategory, SourceRow, Text};
use crate::report::Report;
use crate::stats::{CensoredBy, Forecast, Profile};
use chrono::NaiveDate;
use serde::Serialize;

/// Everything the detail view shows of one child.
#[derive(Serialize)]
pub struct ChildDetail<'a> {
    pub row: ShownRow<'a>,
    pub care_periods: Vec<PeriodView>,
    pub legal: Vec<LegalView>,
    pub chronology: Vec<ChronologyEntry>,
    pub stages: Vec<StageRowView<'a>>,
    pub checks: Vec<CheckHitView<'a>>,
}

/// One row of a child's stage table.
#[derive(Serialize)]
pub struct StageRowView<'a> {
    pub stage: &'a str,
    pub label: &'a str,
    /// 1-based, as people count care periods.
    pub care_period: usize,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub days: u32,
    /// `completed`, `waiting` or `left_care`.
    pub status: &'static str,
    pub ended_by: Option<&'static str>,
    pub target: Option<String>,
    pub target_date: Option<NaiveDate>,
    pub within_target: Option<bool>,
    pub overdue: bool,
    pub backdated: bool,
    /// For a stage still waiting "as at": when it is likely to end (see `stats::forecast`).
    pub forecast: Option<&'a Forecast>,
}

/// A check that applies to the child now.
#[derive(Serialize)]
pub struct CheckHitView<'a> {
    pub label: &'a str,
    pub since: NaiveDate,
    pub days: u32,
    pub due: Option<NaiveDate>,
    pub over: bool,
}

#[derive(Serialize)]
pub struct PeriodView {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub moves: u32,
    pub placements: Vec<PlacementView>,
}

#[derive(Serialize)]
pub struct PlacementView {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub category: PlacementCategory,
    pub category_label: &'static str,
    pub placement_type: Text,
    pub carer: Option<Text>,
    pub move_number: Option<u32>,
    pub source: Option<Source>,
}

#[derive(Serialize)]
pub struct LegalView {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub category: LegalCategory,
    pub category_label: &'static str,
    pub legal_status: Text,
    pub source: Option<Source>,
}

/// One dated item of the chronology.
#[derive(Clone, Debug, Serialize)]
pub struct ChronologyEntry {
    pub date: NaiveDate,
    pub age: Option<String>,
    pub event: String,
    pub detail: Option<String>,
    pub key: bool,
    pub source: Option<Source>,
}

/// Where a row came from: the file, the sheet (for workbooks) and the row number, with the
/// same in words.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    pub file: String,
    pub sheet: Option<String>,
    pub row: u32,
    /// "children.xlsx, sheet Children, row 12".
    pub words: String,
}

impl Source {
    /// The source of `row` among the report's tables.
    pub fn of(report: &Report, row: SourceRow) -> Option<Source> {
        let table = report.input.tables.get(row.table as usize)?;
        let words = match &table.sheet {
            Some(sheet) => format!("{}, sheet {sheet}, row {}", table.file, row.row),
            None => format!("{}, row {}", table.file, row.row),
        };
        Some(Source {
            file: table.file.clone(),
            sheet: table.sheet.clone(),
            row: row.row,
            words,
        })
    }
}

/// The detail of the child at `index` (whose row is `row`), pseudonymised when asked (no ID,
/// no date of birth, carers named by the chronology's rule, placement types and legal
/// statuses by their categories).
pub fn child_detail<'a>(
    report: &'a Report,
    profile: &'a Profile,
    child: &Child,
    row: &'a ChildRow,
    pseudonymise: bool,
) -> ChildDetail<'a> {
    let index = row.index;
    let carers = CarerNames::new(child, pseudonymise);
    ChildDetail {
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
                        // As written it is free text ("Foster care with Gran Smith"):
                        // pseudonymised, the category stands for it.
                        placement_type: if pseudonymise {
                            Text::from(pl.category.label())
                        } else {
                            pl.placement_type.clone()
                        },
                        carer: pl
                            .carer
                            .as_ref()
                            .map(|_| Text::from(carers.name(pl).as_str())),
                        move_number: pl.move_number.get(),
                        source: Source::of(report, pl.source),
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
                category_label: l.category.label_as_written(&l.legal_status),
                legal_status: if pseudonymise {
                    Text::from(l.category.label_as_written(&l.legal_status))
                } else {
                    l.legal_status.clone()
                },
                source: Source::of(report, l.source),
            })
            .collect(),
        chronology: chronology_entries(report, child, pseudonymise),
        stages: stage_rows(report, profile, index),
        checks: check_hits(report, profile, index),
    }
}

/// The child's chronology, with each item's source.
pub fn chronology_entries(
    report: &Report,
    child: &Child,
    pseudonymise: bool,
) -> Vec<ChronologyEntry> {
    let options = ChronologyOptions {
        as_at: report.as_at,
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
            // A file and row number would lead back to the child: none when pseudonymised.
            source: r
                .source
                .filter(|_| !pseudonymise)
                .and_then(|s| Source::of(report, s)),
        })
        .collect()
}

/// The child's stage table: one row per care period and started stage.
fn stage_rows<'a>(report: &'a Report, profile: &'a Profile, index: usize) -> Vec<StageRowView<'a>> {
    let Some(stats) = report.journeys.stats_of(index) else {
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
                    (None, Some(CensoredBy::EndOfData)) => "end_of_data",
                    (None, _) => "waiting",
                },
                ended_by: r.ended_by.map(|m| m.label()),
                target: stage.and_then(|s| s.target).map(|t| t.to_string()),
                target_date: r.target_date,
                within_target: r.within_target,
                overdue: r.overdue,
                backdated: r.backdated,
                forecast: r.forecast.as_deref(),
            }
        })
        .collect()
}

/// The profile's checks that apply to the child now.
fn check_hits<'a>(report: &'a Report, profile: &'a Profile, index: usize) -> Vec<CheckHitView<'a>> {
    let Some(stats) = report.journeys.stats_of(index) else {
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
