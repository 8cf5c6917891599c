//! Applying one stage of a profile to one care period: when the stage started, when (and by
//! which milestone) it ended, or when it was censored, and how that compares with the target.
//!
//! This module owns the stage semantics that the tests, the page and the CLI rely on:
//! - only milestones dated on or before the "as at" date count (later ones had not happened
//!   "as at" then); `became_looked_after` is the care period's start and `left_care` its end;
//! - `placed_for_adoption` also happens at the start of the period's first placement with
//!   prospective adopters (whatever the input calls it, such as the template's "Prospective
//!   adopters" or SSDA903 A3–A6), and `returned_home` at the end of a period that ended in a
//!   placement at home with parents, so that a stage agrees with the placements and with the
//!   route to permanence even where no event says so; likewise `placement_order` happens at
//!   the start of a legal spell of category `adoption_authority` in the period (when the
//!   child's legal spells are given, as `stats::child` gives them);
//! - the stage starts at the first `from` milestone inside the period;
//! - it ends at the first `to` milestone (of any listed) on or after that start inside the
//!   period (a `to` on the start day ends it after 0 days); with `to_before_from = "zero"`, a
//!   `to` inside the period before the start ends it on the start day instead;
//! - days = end − start; with no end the stage is censored at the earlier of the "as at" date
//!   and the period's end; when the data ends before "as at" (the child's observed window
//!   closes earlier) and the period is still open then, it is censored at the end of the data
//!   (`end_of_data`), never waiting overdue, as nothing is known after it;
//! - journeys that start before the data: in a care period whose start is unknown (it began
//!   before the data), a stage starting on the period's first day starts on an unknown day
//!   (`start_unknown`): it has no target date, is never overdue, and its days are only a lower
//!   bound, so the statistics leave it out of their figures and count it. A stage with a
//!   known start before the first day the data covers was only seen because it was still
//!   running then: it enters the Kaplan–Meier risk set late (`entry_days`, the days from its
//!   start to the day before the data begins, so it is at risk from the data's first day on).
//!   A stage that ended (or was censored) before the data began was never at risk in the data
//!   (`before_data`) and is left out of the figures too;
//! - within target: end ≤ start + target (calendar arithmetic); only for ended stages;
//! - waiting overdue: not ended, the period still open at "as at" (no end, or an end after
//!   "as at"), and "as at" > start + target;
//! - with `require_any`, periods where none of those milestones happened by "as at" have no
//!   row for the stage;
//! - with `backdate_to_preceding_placement` (England's A10), an end on the day a placement of
//!   one of the listed types starts (or of one of the `same_carer_categories` whose recorded
//!   carer is that of the placement just before it; never of the `not_placement_types`) moves
//!   back to the start of the placement just before it when that one is of a listed category,
//!   and further back through earlier placements of those categories with the same recorded
//!   carer; never before the stage's start.
//!
//! It knows nothing about cohorts or statistics.

use super::profile::{Backdate, Stage, ToBeforeFrom};
use crate::model::{CarePeriod, LegalCategory, LegalSpell, Milestone, Observed, PlacementCategory};
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
    /// The stage starts when the care period does, and the period began before the data:
    /// `start` is only the first day seen.
    pub start_unknown: bool,
    /// For a stage that started before the data's first day: days from its start to the day
    /// before that first day (it is at risk from the next day on).
    pub entry_days: Option<u32>,
    /// The stage ended, or was censored, before the data's first day.
    pub before_data: bool,
}

/// Why a stage without an end is censored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CensoredBy {
    /// Still waiting at the "as at" date.
    AsAt,
    /// The care period ended (on or before "as at") without the stage ending.
    LeftCare,
    /// The data ends before "as at" with the care period still open: nothing is known after.
    EndOfData,
}

impl CensoredBy {
    /// The id used in JSON and CSV.
    pub fn id(self) -> &'static str {
        match self {
            CensoredBy::AsAt => "as_at",
            CensoredBy::LeftCare => "left_care",
            CensoredBy::EndOfData => "end_of_data",
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
    evaluate_with(stage, period, &FirstDates::of(period, as_at), as_at, None)
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
        let derived = [
            (
                Milestone::PlacedForAdoption,
                placed_with_adopters(period, as_at),
            ),
            (Milestone::ReturnedHome, left_care_home(period, as_at)),
        ];
        for (m, date) in derived {
            if let Some(d) = date {
                let slot = &mut first[m as usize];
                *slot = Some(slot.map_or(d, |e| e.min(d)));
            }
        }
        FirstDates { first }
    }

    /// Adds the starts of the child's legal spells of category `adoption_authority` (a
    /// placement order, a freeing order, a permanence order with authority to adopt) inside
    /// the period, on or before `as_at`, as `placement_order`.
    pub fn with_legal(
        mut self,
        legal: &[LegalSpell],
        period: &CarePeriod,
        as_at: NaiveDate,
    ) -> FirstDates {
        let order = legal
            .iter()
            .filter(|l| l.category == LegalCategory::AdoptionAuthority)
            .map(|l| l.start)
            .find(|&d| d <= as_at && period.contains(d));
        if let Some(d) = order {
            let slot = &mut self.first[Milestone::PlacementOrder as usize];
            *slot = Some(slot.map_or(d, |e| e.min(d)));
        }
        self
    }

    /// The first date of `m`.
    pub fn first(&self, m: Milestone) -> Option<NaiveDate> {
        self.first[m as usize]
    }
}

/// The start of the period's first placement with prospective adopters, on or before `as_at`.
fn placed_with_adopters(period: &CarePeriod, as_at: NaiveDate) -> Option<NaiveDate> {
    period
        .placements
        .iter()
        .find(|p| p.category == PlacementCategory::ProspectiveAdopters)
        .map(|p| p.start)
        .filter(|&d| d <= as_at)
}

/// The period's end, on or before `as_at`, if the child left care from a placement at home
/// with parents.
pub(crate) fn left_care_home(period: &CarePeriod, as_at: NaiveDate) -> Option<NaiveDate> {
    let end = period.end.filter(|&e| e <= as_at)?;
    period
        .placement_on(end)
        .filter(|p| p.category == PlacementCategory::HomeWithParents)
        .map(|_| end)
}

/// [`evaluate`] with the period's first dates already found, and the days the data covers
/// for the child (`None`: whole journeys).
pub fn evaluate_with(
    stage: &Stage,
    period: &CarePeriod,
    firsts: &FirstDates,
    as_at: NaiveDate,
    observed: Option<Observed>,
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

    let start_unknown = period.start_unknown && start == period.start;
    let target_date = stage
        .target
        .filter(|_| !start_unknown)
        .and_then(|t| t.after(start));
    // The last day anything is known: "as at", or the end of the data if that is earlier.
    let data_end = observed.map_or(as_at, |o| o.to.min(as_at));
    let open_at_as_at = period.end.is_none_or(|e| e > as_at) && data_end == as_at;
    let mut outcome = match end {
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
            start_unknown,
            entry_days: None,
            before_data: false,
        },
        None => {
            let (censor, by) = match period.end {
                Some(e) if e <= data_end => (e, CensoredBy::LeftCare),
                _ if data_end < as_at => (data_end, CensoredBy::EndOfData),
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
                start_unknown,
                entry_days: None,
                before_data: false,
            }
        }
    };
    if let Some(first_day) = observed.map(|o| o.from).filter(|&f| start < f) {
        // At risk from the data's first day: entry on the day before it.
        let entry = days_between(start, first_day) - 1;
        outcome.entry_days = Some(entry);
        outcome.before_data = outcome.days <= entry;
    }
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
    let end = match m {
        Milestone::LeftCare => period.end,
        Milestone::ReturnedHome => left_care_home(period, as_at),
        _ => None,
    };
    let mut all: Vec<NaiveDate> = start
        .into_iter()
        .chain(
            period
                .events
                .iter()
                .filter(move |e| e.milestone == m)
                .map(|e| e.date),
        )
        .chain(end)
        .chain(if m == Milestone::PlacedForAdoption {
            adopters_starts(period)
        } else {
            Vec::new()
        })
        .filter(move |&d| d <= as_at)
        .collect();
    all.sort_unstable();
    all.into_iter()
}

/// The starts of every placement with prospective adopters in the period.
fn adopters_starts(period: &CarePeriod) -> Vec<NaiveDate> {
    period
        .placements
        .iter()
        .filter(|p| p.category == PlacementCategory::ProspectiveAdopters)
        .map(|p| p.start)
        .collect()
}

/// The start of the foster placement that preceded a placement of one of `rule`'s types (or,
/// with `same_carer_categories`, of one of those categories with the same recorded carer)
/// starting on `end`, if there is one.
fn backdate(period: &CarePeriod, end: NaiveDate, rule: &Backdate) -> Option<NaiveDate> {
    let listed = |types: &[String], t: &str| {
        types
            .iter()
            .any(|w| w.trim().eq_ignore_ascii_case(t.trim()))
    };
    let by_type = |t: &str| listed(&rule.placement_types, t);
    let i = period.placements.iter().position(|p| {
        p.start == end
            && (by_type(&p.placement_type) || rule.same_carer_categories.contains(&p.category))
    })?;
    let placed = &period.placements[i];
    if listed(&rule.not_placement_types, &placed.placement_type) {
        return None;
    }
    let mut j = i.checked_sub(1)?;
    let preceding = |k: usize| rule.preceding.contains(&period.placements[k].category);
    if !preceding(j) {
        return None;
    }
    if !by_type(&placed.placement_type) && !same_carer(placed, &period.placements[j]) {
        return None;
    }
    // Earlier placements with the same recorded carer (e.g. a change of placement type with
    // the same carer) belong to the same foster placement.
    while j > 0 && preceding(j - 1) && same_carer(&period.placements[j - 1], &period.placements[j])
    {
        j -= 1;
    }
    Some(period.placements[j].start)
}

/// Whether two placements have the same recorded carer (both recorded, equal ignoring case
/// and surrounding spaces).
pub(crate) fn same_carer(a: &crate::model::Placement, b: &crate::model::Placement) -> bool {
    match (&a.carer, &b.carer) {
        (Some(x), Some(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
        _ => false,
    }
}
