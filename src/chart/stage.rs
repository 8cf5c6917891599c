//! The chart's view of one stage of a journey (for example "looked after → permanence
//! recommendation"): where it starts and ends, its target and what that means in days.
//!
//! This module owns the small input struct the timeline and the cohort view draw. Building
//! stages from a journey is the statistics module's job; an adapter from its stage rows to
//! [`StageBracket`] lives beside the charts that need it.

use crate::model::SourceRow;
use chrono::NaiveDate;
use serde::Serialize;

/// One stage bracket to draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageBracket {
    /// The stage's stable id (used to sort the cohort view by a stage).
    pub id: String,
    /// "Looked after → recommendation".
    pub label: String,
    pub start: NaiveDate,
    /// `None` while the stage is still running at the "as at" date (censored).
    pub end: Option<NaiveDate>,
    pub target: Option<StageTarget>,
    /// The row of the event that ends (or else starts) the stage.
    pub source: Option<SourceRow>,
}

/// A stage's target: the date it falls due and how the timescale is said ("6 months").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageTarget {
    pub date: NaiveDate,
    pub label: String,
}

impl StageBracket {
    /// The last day counted: the end, or the "as at" date for a stage still running.
    pub fn until(&self, as_at: NaiveDate) -> NaiveDate {
        self.end.unwrap_or(as_at).max(self.start)
    }

    /// Days in the stage so far (to its end, or to `as_at` if still running).
    pub fn days(&self, as_at: NaiveDate) -> i64 {
        (self.until(as_at) - self.start).num_days()
    }

    /// Days beyond the target (0 when within it or when there is no target).
    pub fn days_over(&self, as_at: NaiveDate) -> i64 {
        match &self.target {
            Some(t) => (self.until(as_at) - t.date).num_days().max(0),
            None => 0,
        }
    }

    /// Whether the stage is still running at `as_at`.
    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }
}
