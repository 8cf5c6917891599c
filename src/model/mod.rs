//! The typed model of each child's journey: child → care periods → placements, with legal
//! spells and events alongside, every item pointing back at the spreadsheet row it came from.
//!
//! This module owns the data types and the vocabulary ids. It knows nothing about file
//! formats (that is `ingest`) or about timescales and statistics (that is `stats`). Building
//! the model from parsed rows is `model::build`.

mod build;
mod categories;

pub use build::{
    build_children, build_children_listing, ChildFacts, ChildRecord, EventRecord, LegalRecord,
    PlacementRecord, Records,
};
pub use categories::{is_pre_birth_event, LegalCategory, Milestone, PlacementCategory};

use crate::compact::Maybe;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Shared, immutable text. Labels such as carer names or placement types repeat across many
/// rows; the loaders intern them so a million-row file does not allocate a million strings.
pub type Text = Arc<str>;

/// Where an item came from: an index into [`crate::ingest::summary::InputSummary::tables`] and the
/// row number the user sees in their spreadsheet (header row = 1 for a table whose header
/// is on the first row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRow {
    pub table: u32,
    pub row: u32,
}

/// Every child in a load, in order of first appearance in the input.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dataset {
    pub children: Vec<Child>,
}

/// One child and everything known about their journey.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Child {
    #[serde(rename = "child_id")]
    pub id: Text,
    #[serde(serialize_with = "crate::date::iso::option")]
    pub date_of_birth: Option<NaiveDate>,
    pub sex: Option<Text>,
    pub local_authority: Option<Text>,
    pub team: Option<Text>,
    /// Any other column of the children table, kept for breakdowns.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<Text, Text>,
    /// Care periods in date order.
    pub care_periods: Vec<CarePeriod>,
    /// Legal spells in date order (legal status is its own timeline beside placements).
    pub legal: Vec<LegalSpell>,
    /// Events whose dates fall in no care period; they stay on the child's timeline.
    pub events_outside_care: Vec<Event>,
    /// The children-table row this child came from, if there was one.
    pub source: Option<SourceRow>,
    /// The days the data speaks for, when the input says so: an SSDA903 return covers 1 April
    /// to 31 March, and several returns of one authority cover from the first's start to the
    /// last's end. Before `from` the child's history is unseen (a care period already open then
    /// entered the data late); after `to` nothing is known (an open period is censored there,
    /// not "in care today"). `None` for input taken to hold whole journeys (the template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<Observed>,
}

/// The first and last day an input covers for a child (both inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub from: NaiveDate,
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub to: NaiveDate,
}

/// A maximal run of placements, each starting no later than one day after the previous ends.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CarePeriod {
    /// The day the child became looked after: an explicit `became_looked_after` event inside
    /// the period if there is one, else the first placement's start.
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub start: NaiveDate,
    /// The day care ended (`left_care` event or the last placement's end); `None` if ongoing.
    #[serde(serialize_with = "crate::date::iso::option")]
    pub end: Option<NaiveDate>,
    pub placements: Vec<Placement>,
    /// Events inside the period (start and end days inclusive), in date order.
    pub events: Vec<Event>,
    /// Placements after the first that count as moves (temporary placements do not).
    pub moves: u32,
    /// The period began before the data: its first record is not a start of care (an SSDA903
    /// episode whose RNE is not S) or it begins on the first day the data covers. `start` is
    /// then the first day seen, not the day the child became looked after, and nothing may be
    /// timed from it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub start_unknown: bool,
}

/// One placement: where and with whom the child lived.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placement {
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub start: NaiveDate,
    #[serde(serialize_with = "crate::date::iso::option")]
    pub end: Option<NaiveDate>,
    pub category: PlacementCategory,
    /// The placement type as written in the input (a label or an SSDA903 PLACE code).
    pub placement_type: Text,
    pub carer: Option<Text>,
    pub legal_status: Option<Text>,
    /// The move number within the care period (1 for the first move); `None` for the first
    /// placement and for temporary placements.
    pub move_number: Maybe<u32>,
    /// Temporary placements (SSDA903 T0–T4) are shown but not counted as moves.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub temporary: bool,
    pub source: SourceRow,
}

/// A spell under one legal status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LegalSpell {
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub start: NaiveDate,
    #[serde(serialize_with = "crate::date::iso::option")]
    pub end: Option<NaiveDate>,
    pub category: LegalCategory,
    /// The legal status as written in the input.
    pub legal_status: Text,
    pub source: SourceRow,
}

/// A dated event: a milestone such as a review, a panel or an order, or a custom event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub date: NaiveDate,
    pub milestone: Milestone,
    /// The label as written in the input (or the milestone's label for derived events).
    pub label: Text,
    pub detail: Option<Text>,
    pub source: SourceRow,
}

impl Child {
    /// All events of the child (inside and outside care periods) in date order.
    pub fn all_events(&self) -> impl Iterator<Item = &Event> {
        let mut all: Vec<&Event> = self
            .care_periods
            .iter()
            .flat_map(|p| p.events.iter())
            .chain(self.events_outside_care.iter())
            .collect();
        crate::sort::stable_by_key(&mut all, |e| e.date);
        all.into_iter()
    }

    /// The legal spell in force on `date`, if any.
    pub fn legal_on(&self, date: NaiveDate) -> Option<&LegalSpell> {
        self.legal
            .iter()
            .rev()
            .find(|l| l.start <= date && l.end.is_none_or(|e| e >= date))
    }
}

impl CarePeriod {
    /// The placement the child was in on `date`, if any (the later one on a changeover day).
    pub fn placement_on(&self, date: NaiveDate) -> Option<&Placement> {
        self.placements
            .iter()
            .rev()
            .find(|p| p.start <= date && p.end.is_none_or(|e| e >= date))
    }

    /// Whether `date` lies inside the period (start and end days inclusive; open periods
    /// contain every later date).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|e| date <= e)
    }
}

/// The name of the child at `position` (0-based) among a dataset's children wherever a view
/// is pseudonymised: "Child {position + 1}". Every table, chart and export uses it, so the
/// same child has the same name in each.
pub fn pseudonym(position: usize) -> String {
    format!("Child {}", position + 1)
}
