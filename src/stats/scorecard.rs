//! England's adoption scorecard as the Department for Education publishes it: A1, A2 and A10
//! as the mean (and median) days over the children adopted in a window, against their
//! thresholds, and A3, the share of A1's children who waited less than 14 months.
//!
//! The reference is the DfE's "Adoption scorecards: methodology and guidance" (for example
//! "Adoption Scorecards: year ending March 2018 – Methodology and guidance document", March
//! 2019), with the published indicator definitions (A2's, as LG Inform carries them: "children
//! who were not placed for adoption prior to the adoption order are excluded. Children with no
//! placement order or freeing order are also excluded. A time of zero is assigned to children
//! who were matched before court authority was received").
//!
//! This module owns those definitions. Each is a fact about one care period of one child:
//! - *Adopted*: the period has an adoption order (an `order_granted` event read as an
//!   adoption, as the route to permanence reads it: SSDA903 REC E11/E12; or a legal spell of
//!   category `adoption_order` starting in it) dated in the window, on or before "as at". The
//!   window is the profile's (three years: the day after "as at" three years before, to "as
//!   at", which is 1 April to 31 March for an "as at" of 31 March) unless the caller chooses
//!   its first day.
//! - *Moved in with the family who adopted*: the start of the run of placements with
//!   prospective adopters (SSDA903 A3–A6, the template's "Prospective adopters") that the child
//!   was in when adopted, going back through adjacent placements with prospective adopters
//!   unless both carers are recorded and differ. An earlier adoptive placement that ended (a
//!   disruption) does not end A1; it is counted in `earlier_adoptive_placements`.
//! - *A1*: days from entering care (the care period's start) to moving in. Children left out:
//!   the care period began before the data (`start_unknown`), or the child was not in a
//!   placement with prospective adopters when adopted (`not_placed_for_adoption`).
//! - *A10*: as A1, but for a child adopted by their foster carers, to the start of the foster
//!   placement with those carers: the foster or kinship placement just before the move-in
//!   (or, for a child adopted from their foster placement without being placed for adoption,
//!   the placement they were in), going back through earlier foster or kinship placements
//!   with the same recorded carer (a change of placement type with the same carer; the
//!   SSDA903 importer follows the same carer through RNE T and U episodes). Adopted by foster
//!   carers: the AD1 `FOSTER_CARE` flag where the input has it (a child attribute named
//!   `foster_care`, or the match event's detail), else the placement code (A3 and A5 are
//!   placements with the current foster carers, A4 and A6 are not), else (input without
//!   codes) the adopters' recorded carer is the foster placement's.
//! - *A2*: days from court authority to place (the first placement order or freeing order of
//!   the period: a `placement_order` event or a legal spell of category `adoption_authority`)
//!   to the match with the family who adopted (the latest `matched` event on or before the
//!   move-in), 0 when the match came first. Left out: no placement or freeing order
//!   (`no_placement_order`), not placed for adoption before the order
//!   (`not_placed_for_adoption`), no match recorded (`no_match`), or an order dated on the
//!   first day of a period that began before the data (`start_unknown`).
//! - *A3*: of A1's children, those who moved in before the day 14 calendar months after they
//!   entered care.
//! - Means are of whole days; `mean_days_rounded` rounds half up to a whole day, as the DfE
//!   publishes them, and a measure is within its threshold when that rounded mean is at or
//!   below it. Medians are the middle value (or the mean of the middle two).
//!
//! Where Driftline departs from the DfE, and why:
//! - The DfE's windows are three collection years (1 April to 31 March); Driftline's ends on
//!   "as at", so choose 31 March for the DfE's window.
//! - A1 is timed from the start of the care period in which the child was adopted; a period
//!   that began before the data is left out (and counted) rather than timed from the first row
//!   seen, since a return that starts mid-journey does not say when the child entered care.
//! - A3 is read as "less than 14 calendar months", with calendar arithmetic (31 January + 14
//!   months is 31 March of the next year), as Driftline's targets are.
//! - The scorecard averages over children adopted, so the children waiting longest (not yet
//!   placed) are missing from it. The profile's stages `a1`, `a2` and `a10` keep them: every
//!   care period with an adoption plan, the waits still running counted as censored
//!   (Kaplan–Meier). Each measure names that stage in `censored_view`.
//!
//! It does not read files, build journeys or compute the stage statistics.

use super::child::order_route;
use super::child::Route;
use super::duration::CalendarDuration;
use super::profile::Profile;
use super::summary::{median, percent};
use crate::model::{
    CarePeriod, Child, LegalCategory, Milestone, Placement, PlacementCategory, Text,
};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The scorecard's settings, part of a profile (England's has them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardSpec {
    /// The window of adoption dates, ending on the "as at" date.
    pub window: CalendarDuration,
    /// A1's and A10's threshold in days (the DfE's: 426, 14 months).
    pub a1_threshold_days: u32,
    /// A2's threshold in days (the DfE's: 121, 4 months).
    pub a2_threshold_days: u32,
    /// A3 counts waits shorter than this (14 months).
    pub a3_within: CalendarDuration,
}

impl ScorecardSpec {
    /// The DfE's thresholds and a three-year window.
    pub fn dfe() -> ScorecardSpec {
        ScorecardSpec {
            window: CalendarDuration::years(3),
            a1_threshold_days: 426,
            a2_threshold_days: 121,
            a3_within: CalendarDuration::months(14),
        }
    }
}

/// The scorecard over the children adopted in a window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scorecard {
    /// What these figures are, and where the censored view is, in words.
    pub description: String,
    /// The first and last adoption dates counted (both inclusive).
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub window_from: NaiveDate,
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub window_to: NaiveDate,
    /// Children adopted in the window (care periods with an adoption order in it).
    pub adopted: u32,
    pub a1: Measure,
    pub a2: Measure,
    pub a10: Measure,
    pub a3: Share,
    /// One row per child adopted in the window, in the children's order.
    pub children: Vec<ScorecardRow>,
}

/// One of A1, A2 and A10.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    pub id: String,
    pub label: String,
    pub threshold_days: u32,
    /// Children counted (adopted in the window and not left out).
    pub children: u32,
    pub mean_days: Option<f64>,
    /// The mean rounded half up to a whole day, as published.
    pub mean_days_rounded: Option<u32>,
    pub median_days: Option<f64>,
    /// The rounded mean is at or below the threshold.
    pub within_threshold: Option<bool>,
    /// Adopted children left out, by reason.
    pub excluded: Excluded,
    /// The id of the profile's stage that shows every care period with an adoption plan,
    /// counting the children still waiting as censored (Kaplan–Meier), if it has one.
    pub censored_view: Option<String>,
}

/// Adopted children a measure leaves out, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Excluded {
    pub start_unknown: u32,
    pub not_placed_for_adoption: u32,
    pub no_placement_order: u32,
    pub no_match: u32,
}

/// A3: the share of A1's children who waited less than `within`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Share {
    pub id: String,
    pub label: String,
    pub within: CalendarDuration,
    /// A1's children.
    pub children: u32,
    /// Of those, the ones who moved in before entering care + `within`.
    pub moved_in_within: u32,
    /// A percentage rounded half up to one decimal.
    pub pct: Option<f64>,
}

/// Why a measure leaves an adopted child out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    StartUnknown,
    NotPlacedForAdoption,
    NoPlacementOrder,
    NoMatch,
}

/// How a foster-carer adoption was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FosterCarerSource {
    /// The AD1 `FOSTER_CARE` flag.
    FosterCareFlag,
    /// The adoptive placement's SSDA903 code (A3/A5 yes, A4/A6 no).
    PlacementCode,
    /// The adopters' recorded carer is (or is not) the foster placement's.
    SameCarer,
}

/// One adopted child's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScorecardRow {
    pub child_id: Text,
    /// Index into the child's care periods.
    pub care_period_index: usize,
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub adopted: NaiveDate,
    /// The care period's start, `None` when it began before the data.
    #[serde(serialize_with = "crate::date::iso::option")]
    pub entered_care: Option<NaiveDate>,
    /// The start of the placement with the family who adopted.
    #[serde(serialize_with = "crate::date::iso::option")]
    pub moved_in: Option<NaiveDate>,
    /// Placements with prospective adopters before that family's (disruptions).
    pub earlier_adoptive_placements: u32,
    pub a1_days: Option<u32>,
    pub foster_carer_adoption: bool,
    /// How `foster_carer_adoption` was decided (`None`: nothing said so).
    pub foster_carer_source: Option<FosterCarerSource>,
    /// For a foster-carer adoption, the start of the foster placement with the adopters.
    #[serde(serialize_with = "crate::date::iso::option")]
    pub foster_placement_start: Option<NaiveDate>,
    pub a10_days: Option<u32>,
    #[serde(serialize_with = "crate::date::iso::option")]
    pub placement_order: Option<NaiveDate>,
    #[serde(serialize_with = "crate::date::iso::option")]
    pub matched: Option<NaiveDate>,
    pub a2_days: Option<u32>,
    /// A3: moved in less than 14 months after entering care (A1's children only).
    pub a3_within: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a1_excluded: Option<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a2_excluded: Option<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a10_excluded: Option<Reason>,
}

/// The scorecard for `children` "as at" `as_at`: the window is `from` to `as_at` when given,
/// else the spec's window ending on `as_at`.
pub fn scorecard(
    children: &[Child],
    profile: &Profile,
    spec: &ScorecardSpec,
    as_at: NaiveDate,
    from: Option<NaiveDate>,
) -> Scorecard {
    let window_from = from.unwrap_or_else(|| {
        spec.window
            .before(as_at)
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .unwrap_or(NaiveDate::MIN)
    });
    let window_to = as_at;
    let mut rows = Vec::new();
    for child in children {
        for (pi, period) in child.care_periods.iter().enumerate() {
            let Some(adopted) = adoption_date(child, period, as_at) else {
                continue;
            };
            if adopted < window_from || adopted > window_to {
                continue;
            }
            rows.push(row(child, pi, period, adopted, spec));
        }
    }
    let stage_named = |id: &str| profile.stages.iter().any(|s| s.id == id).then(|| id.into());
    let a1 = measure(
        "a1",
        "A1: entering care to moving in with the adoptive family",
        spec.a1_threshold_days,
        rows.iter().map(|r| (r.a1_days, r.a1_excluded)),
        stage_named("a1"),
    );
    let a2 = measure(
        "a2",
        "A2: court authority to place to the match with the adoptive family",
        spec.a2_threshold_days,
        rows.iter().map(|r| (r.a2_days, r.a2_excluded)),
        stage_named("a2"),
    );
    let a10 = measure(
        "a10",
        "A10: entering care to moving in with the adoptive family, adjusted for foster carer adoptions",
        spec.a1_threshold_days,
        rows.iter().map(|r| (r.a10_days, r.a10_excluded)),
        stage_named("a10"),
    );
    let a3_children = count(rows.iter().filter(|r| r.a3_within.is_some()));
    let a3_moved_in = count(rows.iter().filter(|r| r.a3_within == Some(true)));
    let a3 = Share {
        id: "a3".into(),
        label: format!(
            "A3: children who moved in with their adoptive family less than {} after entering care",
            spec.a3_within
        ),
        within: spec.a3_within,
        children: a3_children,
        moved_in_within: a3_moved_in,
        pct: (a3_children > 0).then(|| percent(a3_moved_in, a3_children)),
    };
    let adopted = count(rows.iter());
    let description = format!(
        "The DfE adoption scorecard: means over the {adopted} children adopted from {} to {} (each measure's `children`; the children it leaves out, by reason, in `excluded`). Children still waiting are not in it: the stages named by each measure's `censored_view` follow every care period with an adoption plan, counting the waits still running as censored (Kaplan–Meier).",
        crate::date::format_uk(window_from),
        crate::date::format_uk(window_to),
    );
    Scorecard {
        description,
        window_from,
        window_to,
        adopted,
        a1,
        a2,
        a10,
        a3,
        children: rows,
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

fn measure(
    id: &str,
    label: &str,
    threshold_days: u32,
    values: impl Iterator<Item = (Option<u32>, Option<Reason>)>,
    censored_view: Option<String>,
) -> Measure {
    let mut days: Vec<u32> = Vec::new();
    let mut excluded = Excluded::default();
    for (d, why) in values {
        match (d, why) {
            (Some(d), _) => days.push(d),
            (None, Some(Reason::StartUnknown)) => excluded.start_unknown += 1,
            (None, Some(Reason::NotPlacedForAdoption)) => excluded.not_placed_for_adoption += 1,
            (None, Some(Reason::NoPlacementOrder)) => excluded.no_placement_order += 1,
            (None, Some(Reason::NoMatch) | None) => excluded.no_match += 1,
        }
    }
    days.sort_unstable();
    let n = days.len() as u64;
    let total: u64 = days.iter().map(|&d| u64::from(d)).sum();
    let mean_days = (n > 0).then(|| total as f64 / n as f64);
    // Half up: ⌊(2 × total + n) / (2n)⌋.
    let mean_days_rounded =
        (n > 0).then(|| u32::try_from((2 * total + n) / (2 * n)).unwrap_or(u32::MAX));
    Measure {
        id: id.into(),
        label: label.into(),
        threshold_days,
        children: u32::try_from(n).unwrap_or(u32::MAX),
        mean_days,
        mean_days_rounded,
        median_days: median(&days),
        within_threshold: mean_days_rounded.map(|m| m <= threshold_days),
        excluded,
        censored_view,
    }
}

/// The date of the period's adoption order, if it has one by "as at".
fn adoption_date(child: &Child, period: &CarePeriod, as_at: NaiveDate) -> Option<NaiveDate> {
    let in_period = |d: NaiveDate| d <= as_at && period.contains(d);
    let by_event = period
        .events
        .iter()
        .filter(|e| e.milestone == Milestone::OrderGranted && in_period(e.date))
        .find(|e| order_route(&e.label, e.detail.as_deref()) == Route::Adoption)
        .map(|e| e.date);
    let by_legal = child
        .legal
        .iter()
        .filter(|l| l.category == LegalCategory::AdoptionOrder && in_period(l.start))
        .map(|l| l.start)
        .min();
    match (by_event, by_legal) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn row(
    child: &Child,
    care_period_index: usize,
    period: &CarePeriod,
    adopted: NaiveDate,
    spec: &ScorecardSpec,
) -> ScorecardRow {
    let placements = &period.placements;
    let entered_care = (!period.start_unknown).then_some(period.start);
    // The placement the child was in when adopted.
    let at_adoption = placements.iter().rposition(|p| p.start <= adopted);
    let adoptive = at_adoption.filter(|&k| is_adoptive(&placements[k]));
    let run_start = adoptive.map(|k| adoptive_run_start(placements, k));
    let moved_in = run_start.map(|k| placements[k].start);
    let earlier_adoptive_placements = count(
        placements[..run_start.unwrap_or(0)]
            .iter()
            .filter(|p| is_adoptive(p)),
    );

    // Adopted by foster carers?
    let flag = foster_care_flag(child, period);
    let code = run_start.and_then(|k| placement_code_says(&placements[k].placement_type));
    let preceding = |k: usize| k.checked_sub(1).filter(|&j| is_foster(&placements[j]));
    let carer = run_start.and_then(|k| {
        let j = preceding(k)?;
        match (&placements[k].carer, &placements[j].carer) {
            (Some(_), Some(_)) => Some(same_carer(&placements[k], &placements[j])),
            _ => None,
        }
    });
    let (foster_carer_adoption, foster_carer_source) = match (flag, code, carer) {
        (Some(f), _, _) => (f, Some(FosterCarerSource::FosterCareFlag)),
        (None, Some(c), _) => (c, Some(FosterCarerSource::PlacementCode)),
        (None, None, Some(s)) => (s, Some(FosterCarerSource::SameCarer)),
        (None, None, None) => (false, None),
    };
    // The foster placement with the adopters: the one before the move-in, or (adopted from
    // foster care without a placement for adoption) the one the child was in.
    let foster_index = if !foster_carer_adoption {
        None
    } else if let Some(k) = run_start {
        preceding(k)
    } else {
        at_adoption.filter(|&k| is_foster(&placements[k]))
    };
    let foster_placement_start = foster_index.map(|j| {
        let mut j = j;
        while j > 0
            && is_foster(&placements[j - 1])
            && same_carer(&placements[j - 1], &placements[j])
        {
            j -= 1;
        }
        placements[j].start
    });
    let days_from_entry = |d: NaiveDate| entered_care.map(|e| days(e, d));

    // A1 and A3.
    let (a1_days, a1_excluded) = match (entered_care, moved_in) {
        (None, _) => (None, Some(Reason::StartUnknown)),
        (_, None) => (None, Some(Reason::NotPlacedForAdoption)),
        (Some(_), Some(m)) => (days_from_entry(m), None),
    };
    let a3_within = match (entered_care, moved_in, a1_days) {
        (Some(e), Some(m), Some(_)) => Some(spec.a3_within.after(e).is_none_or(|t| m < t)),
        _ => None,
    };
    // A10.
    let a10_end = foster_placement_start.or(moved_in);
    let (a10_days, a10_excluded) = match (entered_care, a10_end) {
        (None, _) => (None, Some(Reason::StartUnknown)),
        (_, None) => (None, Some(Reason::NotPlacedForAdoption)),
        (Some(_), Some(end)) => (days_from_entry(end), None),
    };
    // A2.
    let placement_order = placement_order(child, period, adopted);
    let matched = moved_in.and_then(|m| {
        period
            .events
            .iter()
            .filter(|e| e.milestone == Milestone::Matched && e.date <= m)
            .map(|e| e.date)
            .max()
    });
    let (a2_days, a2_excluded) = match (placement_order, moved_in, matched) {
        (None, _, _) => (None, Some(Reason::NoPlacementOrder)),
        (Some(o), _, _) if period.start_unknown && o == period.start => {
            (None, Some(Reason::StartUnknown))
        }
        (_, None, _) => (None, Some(Reason::NotPlacedForAdoption)),
        (_, _, None) => (None, Some(Reason::NoMatch)),
        (Some(o), Some(_), Some(m)) => (Some(if m < o { 0 } else { days(o, m) }), None),
    };
    ScorecardRow {
        child_id: child.id.clone(),
        care_period_index,
        adopted,
        entered_care,
        moved_in,
        earlier_adoptive_placements,
        a1_days,
        foster_carer_adoption,
        foster_carer_source,
        foster_placement_start,
        a10_days,
        placement_order,
        matched,
        a2_days,
        a3_within,
        a1_excluded,
        a2_excluded,
        a10_excluded,
    }
}

fn days(a: NaiveDate, b: NaiveDate) -> u32 {
    u32::try_from((b - a).num_days()).unwrap_or(0)
}

fn is_adoptive(p: &Placement) -> bool {
    p.category == PlacementCategory::ProspectiveAdopters
}

fn is_foster(p: &Placement) -> bool {
    matches!(
        p.category,
        PlacementCategory::Foster | PlacementCategory::Kinship
    )
}

/// Whether two placements have the same recorded carer.
fn same_carer(a: &Placement, b: &Placement) -> bool {
    super::stage::same_carer(a, b)
}

/// The first placement of the run of placements with one family of prospective adopters that
/// ends with placement `k`: adjacent (no gap of more than a day) placements with prospective
/// adopters, unless both carers are recorded and differ.
fn adoptive_run_start(placements: &[Placement], k: usize) -> usize {
    let mut k = k;
    while k > 0 {
        let (prev, next) = (&placements[k - 1], &placements[k]);
        let adjacent = prev
            .end
            .is_none_or(|e| next.start <= e.checked_add_days(Days::new(1)).unwrap_or(e));
        let other_family = prev.carer.is_some() && next.carer.is_some() && !same_carer(prev, next);
        if is_adoptive(prev) && adjacent && !other_family {
            k -= 1;
        } else {
            break;
        }
    }
    k
}

/// What an SSDA903 adoptive placement code says about the adopters being the current foster
/// carers: A3 and A5 yes, A4 and A6 no; other types say nothing.
fn placement_code_says(placement_type: &str) -> Option<bool> {
    match placement_type.trim().to_ascii_uppercase().as_str() {
        "A3" | "A5" => Some(true),
        "A4" | "A6" => Some(false),
        _ => None,
    }
}

/// The AD1 `FOSTER_CARE` flag for a period: on a match event's detail in the period, else a
/// child attribute named `foster_care` (any case, spaces or underscores).
fn foster_care_flag(child: &Child, period: &CarePeriod) -> Option<bool> {
    let from_event = period
        .events
        .iter()
        .rev()
        .filter(|e| e.milestone == Milestone::Matched)
        .find_map(|e| e.detail.as_deref().and_then(read_foster_care));
    from_event.or_else(|| {
        child
            .attributes
            .iter()
            .find(|(k, _)| squeeze(k) == "fostercare")
            .and_then(|(_, v)| parse_flag(v))
    })
}

/// Reads a `FOSTER_CARE` value from an event's detail: a bare flag (`1`, `0`, `yes`, …) or
/// one after "foster care" / "FOSTER_CARE" and a separator.
fn read_foster_care(detail: &str) -> Option<bool> {
    let lower = detail.trim().to_ascii_lowercase();
    let rest = ["foster_care", "foster care", "fostercare"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    parse_flag(rest.trim_start_matches([':', '=', ' ']))
}

/// `1`, `y`, `yes`, `true` → true; `0`, `n`, `no`, `false` → false (any case).
fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "y" | "yes" | "true" => Some(true),
        "0" | "n" | "no" | "false" => Some(false),
        _ => None,
    }
}

/// Lower-case letters and digits only.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The period's first placement or freeing order on or before the adoption: a
/// `placement_order` event or the start of a legal spell of category `adoption_authority`.
fn placement_order(child: &Child, period: &CarePeriod, adopted: NaiveDate) -> Option<NaiveDate> {
    let in_period = |d: NaiveDate| d <= adopted && period.contains(d);
    let by_event = period
        .events
        .iter()
        .filter(|e| e.milestone == Milestone::PlacementOrder && in_period(e.date))
        .map(|e| e.date)
        .min();
    let by_legal = child
        .legal
        .iter()
        .filter(|l| l.category == LegalCategory::AdoptionAuthority && in_period(l.start))
        .map(|l| l.start)
        .min();
    match (by_event, by_legal) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foster_care_flags_read_as_the_ad1_table_writes_them() {
        let cases = [
            ("1", Some(true)),
            ("0", Some(false)),
            ("FOSTER_CARE: 1", Some(true)),
            ("Foster care = no", Some(false)),
            ("yes", Some(true)),
            ("Matched at panel", None),
        ];
        for (detail, expected) in cases {
            assert_eq!(read_foster_care(detail), expected, "{detail}");
        }
        assert_eq!(squeeze("FOSTER_CARE"), "fostercare");
        assert_eq!(squeeze("Foster care"), "fostercare");
    }

    #[test]
    fn placement_codes_say_whether_the_adopters_are_the_foster_carers() {
        assert_eq!(placement_code_says("a3"), Some(true));
        assert_eq!(placement_code_says("A5"), Some(true));
        assert_eq!(placement_code_says("A4"), Some(false));
        assert_eq!(placement_code_says(" A6 "), Some(false));
        assert_eq!(placement_code_says("Prospective adopters"), None);
    }
}
