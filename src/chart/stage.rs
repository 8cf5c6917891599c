//! The chart's view of one stage of a journey (for example "became looked after to permanence
//! recommendation"): where it starts and ends, how many days it counted, its target, and
//! whether it finished within the target, is still running overdue, or stopped being observed
//! when the child left care.
//!
//! This module owns [`StageBracket`], the small input the timeline and the cohort view draw,
//! and the adapter that builds brackets from the statistics' stage rows
//! ([`crate::stats::StageRow`]). It decides nothing about stages: every number (days, target
//! date, within target, censoring, overdue) is the statistics' own, so the charts and the
//! report always agree.

use crate::model::{Child, Milestone, SourceRow};
use crate::stats::{CensoredBy, ChildStats, Forecast, Profile, StageRow};
use chrono::{Days, NaiveDate};
use serde::Serialize;

/// One stage bracket to draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageBracket {
    /// The stage's id in the profile (the cohort view sorts by it).
    pub id: String,
    /// The stage's label in the profile.
    pub label: String,
    pub start: NaiveDate,
    /// The day the stage ended, if it did by the "as at" date.
    pub end: Option<NaiveDate>,
    /// Days from the start to the end, or to the censoring date for a stage that has not
    /// ended.
    pub days: u32,
    /// Why a stage without an end stopped being observed: still waiting at the "as at" date,
    /// or the care period ended first.
    pub censored_by: Option<CensoredBy>,
    pub target: Option<StageTarget>,
    /// For ended stages with a target: whether the end fell on or before the target date.
    pub within_target: Option<bool>,
    /// Still waiting at the "as at" date, in care, past the target date.
    pub overdue: bool,
    /// The row of the event that ended the stage (or else started it), for the chronology.
    pub source: Option<SourceRow>,
    /// For a stage still running at the "as at" date: when it is likely to end, from the
    /// statistics' forecast ([`crate::stats::Forecast`]).
    pub forecast: Option<BracketForecast>,
}

/// A waiting stage's forecast as the timeline draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BracketForecast {
    /// The conditional median: half of those who waited this long had finished by then.
    /// `None` when the data's curve never falls that far ("beyond what this data has seen").
    pub expected: Option<NaiveDate>,
    /// The middle half of the likely dates (25% and 75%).
    pub range: Option<[NaiveDate; 2]>,
    /// The chance of ending by the target date, in whole percent (a target still ahead).
    pub chance_by_target: Option<u32>,
    /// The chance of ending within the next 90 days, in whole percent.
    pub chance_90_days: Option<u32>,
    /// What the forecast rests on, in words.
    pub note: String,
}

impl BracketForecast {
    /// The drawable part of a statistics forecast; `None` when there is no forecast at all
    /// (too few completions).
    pub fn from_forecast(f: &Forecast) -> Option<BracketForecast> {
        let pct = |p: Option<f64>| {
            p.filter(|p| p.is_finite())
                .map(|p| (p * 100.0).round() as u32)
        };
        f.chance_30_days.get()?;
        Some(BracketForecast {
            expected: f.expected_date,
            range: f.range,
            chance_by_target: pct(f.chance_by_target.get()),
            chance_90_days: pct(f.chance_90_days.get()),
            note: f.note.to_string(),
        })
    }
}

/// A stage's target: the date it falls due and how the timescale is said ("6 months").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageTarget {
    pub date: NaiveDate,
    pub label: String,
}

impl StageBracket {
    /// The last day counted: the end, or the censoring date.
    pub fn until(&self) -> NaiveDate {
        self.start
            .checked_add_days(Days::new(u64::from(self.days)))
            .unwrap_or(self.start)
    }

    /// Days counted (to the end, or to the censoring date).
    pub fn days(&self) -> i64 {
        i64::from(self.days)
    }

    /// Days beyond the target up to the last day counted (0 when within it or without a
    /// target).
    pub fn days_over(&self) -> i64 {
        match &self.target {
            Some(t) => (self.until() - t.date).num_days().max(0),
            None => 0,
        }
    }

    /// Whether the stage is still running at the "as at" date (not ended, child in care).
    pub fn is_open(&self) -> bool {
        self.censored_by == Some(CensoredBy::AsAt)
    }

    /// Whether the care period ended before the stage did.
    pub fn left_care(&self) -> bool {
        self.censored_by == Some(CensoredBy::LeftCare)
    }

    /// One bracket from a statistics row of `child`, with the stage's label and target wording
    /// from `profile`. `None` if the profile has no such stage.
    pub fn from_row(child: &Child, row: &StageRow, profile: &Profile) -> Option<StageBracket> {
        let stage = profile
            .stages
            .get(row.stage_index)
            .filter(|s| *s.id == *row.stage)
            .or_else(|| profile.stages.iter().find(|s| *s.id == *row.stage))?;
        let target = match (row.target_date, stage.target) {
            (Some(date), Some(duration)) => Some(StageTarget {
                date,
                label: duration.to_string(),
            }),
            _ => None,
        };
        let period = child.care_periods.get(row.care_period_index);
        let find = |m: Option<Milestone>, on: Option<NaiveDate>| {
            let (m, on) = (m?, on?);
            period?
                .events
                .iter()
                .find(|e| e.milestone == m && e.date == on)
                .map(|e| e.source)
        };
        // The ending event (on its own date; a backdated end names the event after it), or
        // else the starting event.
        let ending = find(row.ended_by, row.end).or_else(|| {
            let m = row.ended_by?;
            period?
                .events
                .iter()
                .find(|e| e.milestone == m && e.date >= row.start)
                .map(|e| e.source)
        });
        let source = ending.or_else(|| find(Some(stage.from), Some(row.start)));
        Some(StageBracket {
            id: stage.id.clone(),
            label: stage.label.clone(),
            start: row.start,
            end: row.end,
            days: row.days,
            censored_by: row.censored_by,
            target,
            within_target: row.within_target,
            overdue: row.overdue,
            source,
            forecast: row
                .forecast
                .as_deref()
                .and_then(BracketForecast::from_forecast),
        })
    }
}

/// Every stage of one child as brackets, in the statistics' order (care period, then profile
/// order).
pub fn stage_brackets(child: &Child, stats: &ChildStats, profile: &Profile) -> Vec<StageBracket> {
    stats
        .stages
        .iter()
        .filter_map(|row| StageBracket::from_row(child, row, profile))
        .collect()
}

/// Every child's brackets, aligned with `children` (a child without statistics has none).
pub fn cohort_brackets(
    children: &[Child],
    stats: &[ChildStats],
    profile: &Profile,
) -> Vec<Vec<StageBracket>> {
    children
        .iter()
        .enumerate()
        .map(|(i, child)| match stats.get(i) {
            Some(s) => stage_brackets(child, s, profile),
            None => Vec::new(),
        })
        .collect()
}
