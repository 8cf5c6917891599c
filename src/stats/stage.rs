//! Applying one stage of a profile to one care period: when the stage started, when (and by
//! which milestone) it ended, or when it was censored, and how that compares with the target.
//!
//! This module owns the stage semantics that the tests, the page and the CLI rely on:
//! - only milestones dated on or before the "as at" date count (later ones had not happened
//!   "as at" then); `became_looked_after` is the care period's start and `left_care` its end;
//! - the stage starts at the first `from` milestone inside the period;
//! - it ends at the first `to` milestone (of any listed) on or after that start inside the
//!   period (a `to` on the start day ends it after 0 days); with `to_before_from = "zero"`, a
//!   `to` inside the period before the start ends it on the start day instead;
//! - days = end − start; with no end the stage is censored at the earlier of the "as at" date
//!   and the period's end;
//! - within target: end ≤ start + target (calendar arithmetic); only for ended stages;
//! - waiting overdue: not ended, the period still open at "as at" (no end, or an end after
//!   "as at"), and "as at" > start + target;
//! - with `require_any`, periods where none of those milestones happened by "as at" have no
//!   row for the stage;
//! - with `backdate_to_preceding_placement` (England's A10), an end on the day a placement of
//!   one of the listed types starts moves back to the start of the placement just before it
//!   when that one is of a listed category, and further back through earlier placements of
//!   those categories with the same recorded carer; never before the stage's start.
//!
//! It knows nothing about cohorts or statistics.

use super::profile::{Backdate, Stage, ToBeforeFrom};
use crate::model::{CarePeriod, Milestone};
use chrono::NaiveDate;
use serde::Serialize;

/// The outcome of one stage in one care period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageOutcome {
    pub start: NaiveDate,
    /// The day the stage ended, if it did by the "as at" date.
    pub end: Option<NaiveDate>,
    /// The milestone that ended the stage.
    pub ended_by: Option<Milestone>,
    /// Days from the start to the end, or to the censoring date.
    pub days: u32,
    /// Why an unended stage stopped being observed.
    pub censored_by: Option<CensoredBy>,
    /// Whether the end was moved back to an earlier placement's start
    /// (`backdate_to_preceding_placement`).
    pub backdated: bool,
    pub target_date: Option<NaiveDate>,
    /// For ended stages with a target: end ≤ target date.
    pub within_target: Option<bool>,
    /// Not ended, still in care at "as at", and "as at" is after the target date.
    pub overdue: bool,
}

/// Why a stage without an end is censored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CensoredBy {
    /// Still waiting at the "as at" date.
    AsAt,
    /// The care period ended (on or before "as at") without the stage ending.
    LeftCare,
}

impl CensoredBy {
    /// The id used in JSON and CSV.
    pub fn id(self) -> &'static str {
        match self {
            CensoredBy::AsAt => "as_at",
            CensoredBy::LeftCare => "left_care",
        }
    }
}

impl StageOutcome {
    /// Whether the stage ended (an event, in survival terms).
    pub fn completed(&self) -> bool {
        self.end.is_some()
    }
}

/// Applies `stage` to one care period "as at" `as_at`. `None` if the stage did not start in
/// the period by then, or the period lacks every `require_any` milestone.
pub fn evaluate(stage: &Stage, period: &CarePeriod, as_at: NaiveDate) -> Option<StageOutcome> {
    evaluate_with(stage, period, &FirstDates::of(period, as_at), as_at)
}

/// The first date of each milestone inside a care period, on or before "as at": computed once
/// per period and shared by all its stages.
#[derive(Clone, Debug)]
pub struct FirstDates {
    first: [Option<NaiveDate>; Milestone::ALL.len()],
}

impl FirstDates {
    /// Scans the period's events once.
    pub fn of(period: &CarePeriod, as_at: NaiveDate) -> FirstDates {
        let mut first = [None; Milestone::ALL.len()];
        if period.start <= as_at {
            first[Milestone::BecameLookedAfter as usize] = Some(period.start);
        }
        for e in period.events.iter().filter(|e| e.date <= as_at) {
            let slot = &mut first[e.milestone as usize];
            if slot.is_none() {
                *slot = Some(e.date);
            }
        }
        if let Some(end) = period.end.filter(|&e| e <= as_at) {
            let slot = &mut first[Milestone::LeftCare as usize];
            if slot.is_none() {
                *slot = Some(end);
            }
        }
        FirstDates { first }
    }

    /// The first date of `m`.
    pub fn first(&self, m: Milestone) -> Option<NaiveDate> {
        self.first[m as usize]
    }
}

/// [`evaluate`] with the period's first dates already found.
pub fn evaluate_with(
    stage: &Stage,
    period: &CarePeriod,
    firsts: &FirstDates,
    as_at: NaiveDate,
) -> Option<StageOutcome> {
    if period.start > as_at {
        return None;
    }
    if !stage.require_any.is_empty()
        && !stage.require_any.iter().any(|&m| firsts.first(m).is_some())
    {
        return None;
    }
    let start = firsts.first(stage.from)?;

    let mut end: Option<(NaiveDate, Milestone)> = None;
    if stage.to_before_from == ToBeforeFrom::Zero {
        let earlier = stage
            .to
            .iter()
            .find(|&&m| firsts.first(m).is_some_and(|d| d < start));
        if let Some(&m) = earlier {
            end = Some((start, m));
        }
    }
    if end.is_none() {
        for &m in &stage.to {
            let found = match firsts.first(m) {
                None => None,
                Some(d) if d >= start => Some(d),
                // An earlier one does not count: look for the first on or after the start.
                Some(_) => occurrences(period, m, as_at).find(|&d| d >= start),
            };
            if let Some(d) = found {
                if end.is_none_or(|(best, _)| d < best) {
                    end = Some((d, m));
                }
            }
        }
    }
    let mut backdated = false;
    if let (Some((date, m)), Some(rule)) = (end, &stage.backdate_to_preceding_placement) {
        if let Some(earlier) = backdate(period, date, rule) {
            let earlier = earlier.max(start);
            backdated = earlier != date;
            end = Some((earlier, m));
        }
    }

    let target_date = stage.target.and_then(|t| t.after(start));
    let open_at_as_at = period.end.is_none_or(|e| e > as_at);
    let outcome = match end {
        Some((date, m)) => StageOutcome {
            start,
            end: Some(date),
            ended_by: Some(m),
            days: days_between(start, date),
            censored_by: None,
            backdated,
            target_date,
            within_target: target_date.map(|t| date <= t),
            overdue: false,
        },
        None => {
            let (censor, by) = match period.end {
                Some(e) if e <= as_at => (e, CensoredBy::LeftCare),
                _ => (as_at, CensoredBy::AsAt),
            };
            StageOutcome {
                start,
                end: None,
                ended_by: None,
                days: days_between(start, censor),
                censored_by: Some(by),
                backdated: false,
                target_date,
                within_target: None,
                overdue: open_at_as_at && target_date.is_some_and(|t| as_at > t),
            }
        }
    };
    Some(outcome)
}

/// Days from `a` to `b` (0 if `b` is earlier, which the callers never ask).
pub(crate) fn days_between(a: NaiveDate, b: NaiveDate) -> u32 {
    u32::try_from((b - a).num_days()).unwrap_or(0)
}

/// The dates of milestone `m` inside `period`, on or before `as_at`, in date order.
fn occurrences(
    period: &CarePeriod,
    m: Milestone,
    as_at: NaiveDate,
) -> impl Iterator<Item = NaiveDate> + '_ {
    let start = (m == Milestone::BecameLookedAfter).then_some(period.start);
    let end = if m == Milestone::LeftCare {
        period.end
    } else {
        None
    };
    start
        .into_iter()
        .chain(
            period
                .events
                .iter()
                .filter(move |e| e.milestone == m)
                .map(|e| e.date),
        )
        .chain(end)
        .filter(move |&d| d <= as_at)
}

/// The start of the foster placement that preceded a placement of one of `rule`'s types
/// starting on `end`, if there is one.
fn backdate(period: &CarePeriod, end: NaiveDate, rule: &Backdate) -> Option<NaiveDate> {
    let matches_type = |t: &str| {
        rule.placement_types
            .iter()
            .any(|w| w.trim().eq_ignore_ascii_case(t.trim()))
    };
    let i = period
        .placements
        .iter()
        .position(|p| p.start == end && matches_type(&p.placement_type))?;
    let mut j = i.checked_sub(1)?;
    let preceding = |k: usize| rule.preceding.contains(&period.placements[k].category);
    if !preceding(j) {
        return None;
    }
    // Earlier placements with the same recorded carer (e.g. a change of placement type with
    // the same carer) belong to the same foster placement.
    while j > 0 && preceding(j - 1) {
        let (earlier, later) = (&period.placements[j - 1], &period.placements[j]);
        match (&earlier.carer, &later.carer) {
            (Some(a), Some(b)) if a.trim().eq_ignore_ascii_case(b.trim()) => j -= 1,
            _ => break,
        }
    }
    Some(period.placements[j].start)
}
