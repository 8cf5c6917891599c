//! Per-child facts "as at" a date: each stage's row, age at entry and at each event, route to
//! permanence, placement stability, current placement and legal status, and the profile's
//! checks (such as PACE Aim 1).
//!
//! This module owns those definitions:
//! - *Age* is in completed calendar months: the largest k with date of birth + k months ≤ the
//!   date (month ends clamp, so a child born on 31 January is 1 month old on 28 February).
//!   Before birth it is negative (−1 in the month before birth). Age bands at entry: `under_1`
//!   (including children who became looked after before birth), `1_to_4`, `5_to_11`,
//!   `12_and_over`, `unknown`.
//! - *Placements in the last 12 months*: placements (temporary ones excepted, as for moves)
//!   that started on or before "as at" and had not ended by "as at" − 12 months (ending on that
//!   day does not count). Three or more is flagged `unstable`.
//! - *Route to permanence* of a care period, from what happened by "as at": the latest of the
//!   orders granted in the period (an `order_granted` event, read from its label and detail:
//!   "authority to adopt" or "permanence" → `permanence_order`, other "adopt" → `adoption`,
//!   "kinship", "guardian" (special guardianship), "SGO", "child arrangements" or "residence"
//!   → `kinship_care_order`, anything else → `other_order`; or a legal spell of category
//!   adoption order, permanence order or kinship care order starting in the period) and
//!   `returned_home` events (→ `home`), an order winning a tie. With none: `home` if the
//!   child left care from, or is still in, a placement at home with parents (remaining at or
//!   returning home, often on a CSO); `left_care_other` if the period ended otherwise;
//!   `still_looked_after` if it is ongoing. (A period left from a placement at home also
//!   ends the stages that end at `returned_home`: see `stats::stage`.)
//! - *The end of the data*: when the child's data ends before "as at" (`Child::observed`),
//!   nothing is known after it: an open care period is followed to the end of the data (days
//!   in care, route), and the child is not "in care" at "as at" (no current status, no checks).
//! - *Current status*: the care period, placement and legal status in force on "as at".
//! - *Checks*: a child currently in one of the check's placement categories under one of its
//!   legal statuses; the spell began at the later of the start of the unbroken run of such
//!   placements and the start of the unbroken run of such legal spells (a new spell starting
//!   no later than the day after the previous ends continues the run); flagged when "as at"
//!   is after the spell's start + `longer_than`.
//!
//! It does not aggregate across children (that is `stats::summary`).

use super::forecast::Forecast;
use super::profile::{Check, Profile};
use super::stage::{days_between, evaluate_with, CensoredBy, FirstDates};
use crate::compact::Maybe;
use crate::model::{CarePeriod, Child, LegalCategory, Milestone, PlacementCategory, Text};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

/// Everything computed for one child. Written to JSON with the child, as [`StatsJson`]
/// (which lists these fields in order; it takes this struct apart field by field, so a field
/// added here does not compile until it is written there too).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChildStats {
    /// One row per care period and started stage, in care-period then profile order.
    pub stages: Vec<StageRow>,
    /// One entry per care period, in the same order as the child's care periods.
    pub care_period_stats: Vec<PeriodStats>,
    pub current: CurrentStatus,
    pub placements_last_12_months: u32,
    /// Three or more placements in the last 12 months.
    pub unstable: bool,
    /// The profile's checks that apply to the child now.
    pub checks: Vec<CheckHit>,
}

/// A child's statistics as the report writes them: the fields of [`ChildStats`] in order,
/// each care period's with the child's age in completed months at each of its events (in the
/// order of the period's `events`; left out when the date of birth is unknown or the period
/// has no events). The ages follow from the child, so they are worked out as they are
/// written rather than kept for every event (594,000 for 63,400 children).
#[derive(Serialize)]
#[serde(rename = "ChildStats")]
pub struct StatsJson<'a> {
    stages: &'a [StageRow],
    care_period_stats: PeriodsJson<'a>,
    current: &'a CurrentStatus,
    placements_last_12_months: u32,
    unstable: bool,
    #[serde(skip_serializing_if = "<[CheckHit]>::is_empty")]
    checks: &'a [CheckHit],
}

impl<'a> StatsJson<'a> {
    /// `stats` are `child`'s.
    pub fn new(child: &'a Child, stats: &'a ChildStats) -> StatsJson<'a> {
        // Every field named (no `..`): a field added to `ChildStats` must be written here.
        let ChildStats {
            stages,
            care_period_stats: _,
            current,
            placements_last_12_months,
            unstable,
            checks,
        } = stats;
        StatsJson {
            stages,
            care_period_stats: PeriodsJson { child, stats },
            current,
            placements_last_12_months: *placements_last_12_months,
            unstable: *unstable,
            checks,
        }
    }
}

/// Every care period's statistics, each with its period.
struct PeriodsJson<'a> {
    child: &'a Child,
    stats: &'a ChildStats,
}

impl Serialize for PeriodsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let dob = self.child.date_of_birth;
        let periods = &self.child.care_periods;
        serializer.collect_seq(
            self.stats
                .care_period_stats
                .iter()
                .enumerate()
                .map(|(i, stats)| {
                    // Every field named (no `..`), as in `StatsJson::new`.
                    let PeriodStats {
                        age_months_at_entry,
                        age_band,
                        route,
                        days_in_care,
                    } = *stats;
                    PeriodJson {
                        age_months_at_entry,
                        age_band,
                        route,
                        days_in_care,
                        ages: EventAges {
                            dob,
                            events: periods.get(i).map_or(&[][..], |p| &p.events),
                        },
                    }
                }),
        )
    }
}

/// One care period's statistics as the report writes them.
#[derive(Serialize)]
#[serde(rename = "PeriodStats")]
struct PeriodJson<'a> {
    age_months_at_entry: Option<i32>,
    age_band: AgeBand,
    route: Route,
    days_in_care: u32,
    #[serde(
        rename = "event_age_months",
        skip_serializing_if = "EventAges::is_empty"
    )]
    ages: EventAges<'a>,
}

/// The child's age in completed months at each of a period's events.
struct EventAges<'a> {
    dob: Option<NaiveDate>,
    events: &'a [crate::model::Event],
}

impl EventAges<'_> {
    fn is_empty(&self) -> bool {
        self.dob.is_none() || self.events.is_empty()
    }
}

impl Serialize for EventAges<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let dob = self.dob;
        serializer.collect_seq(
            self.events
                .iter()
                .filter_map(|e| dob.map(|b| age_months(b, e.date))),
        )
    }
}

/// One stage in one care period of one child.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageRow {
    /// The stage id.
    pub stage: Text,
    /// The stage's position in the profile.
    #[serde(skip)]
    pub stage_index: usize,
    /// Index into the child's `care_periods` (0-based).
    pub care_period_index: usize,
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub start: NaiveDate,
    #[serde(serialize_with = "crate::date::iso::option")]
    pub end: Option<NaiveDate>,
    pub days: u32,
    pub censored: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub censored_by: Option<CensoredBy>,
    pub ended_by: Option<Milestone>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub backdated: bool,
    #[serde(serialize_with = "crate::date::iso::option")]
    pub target_date: Option<NaiveDate>,
    pub within_target: Option<bool>,
    pub overdue: bool,
    /// The stage starts when its care period does, and the period began before the data:
    /// `start` is only the first day seen, `days` a lower bound, and the statistics leave the
    /// row out of their figures (they count it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub start_unknown: bool,
    /// The stage started before the data's first day: the days from its start to the day
    /// before it. The row enters the Kaplan–Meier risk set after these days (left truncation).
    #[serde(skip_serializing_if = "Maybe::is_none")]
    pub entry_days: Maybe<u32>,
    /// The stage ended, or was censored, before the data's first day: it was never at risk
    /// in the data, and the statistics leave it out of their figures (they count it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub before_data: bool,
    /// The placement category on the stage's start day.
    pub placement: Option<PlacementCategory>,
    /// The legal status category on the stage's start day.
    pub legal_status: Option<LegalCategory>,
    /// Age in completed months on the start day (negative before birth).
    pub age_months_at_start: Maybe<i32>,
    /// Age in completed months on the end day.
    pub age_months_at_end: Maybe<i32>,
    /// For a row waiting at "as at" (censored while the child is in care), when it is likely
    /// to end (see `stats::forecast`); `null` for every other row.
    pub forecast: Option<Box<Forecast>>,
}

/// Facts about one care period. Written to JSON with the period's ages at its events, which
/// follow from the child's date of birth and are not kept (see [`StatsJson`]).
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodStats {
    /// Age at entry to care (`None` when unknown, as for a period that began before the data).
    pub age_months_at_entry: Option<i32>,
    pub age_band: AgeBand,
    pub route: Route,
    /// Days in care up to the period's end, "as at" or the end of the data, whichever is
    /// earliest (from the first day seen when the period began before the data: a lower
    /// bound).
    pub days_in_care: u32,
}

/// Where the child is "as at".
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CurrentStatus {
    /// In care on "as at" (never when the data ends before it).
    pub in_care: bool,
    /// Index of the care period in force, if in care.
    pub care_period_index: Maybe<u32>,
    pub placement: Option<PlacementCategory>,
    pub placement_type: Option<Text>,
    pub legal_status: Option<LegalCategory>,
    pub age_months: Maybe<i32>,
}

/// A check that applies to a child now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckHit {
    pub check: Text,
    /// When the current spell in the check's status began.
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub since: NaiveDate,
    pub days: u32,
    /// `since` + `longer_than`.
    #[serde(serialize_with = "crate::date::iso::option")]
    pub due: Option<NaiveDate>,
    /// "As at" is after `due`.
    pub over: bool,
}

/// Age at entry to care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    #[serde(rename = "under_1")]
    Under1,
    #[serde(rename = "1_to_4")]
    OneToFour,
    #[serde(rename = "5_to_11")]
    FiveToEleven,
    #[serde(rename = "12_and_over")]
    TwelveAndOver,
    Unknown,
}

/// How a care period's journey to permanence went (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    Home,
    PermanenceOrder,
    KinshipCareOrder,
    Adoption,
    OtherOrder,
    LeftCareOther,
    StillLookedAfter,
}

impl AgeBand {
    /// Every band, in display order.
    pub const ALL: [AgeBand; 5] = [
        AgeBand::Under1,
        AgeBand::OneToFour,
        AgeBand::FiveToEleven,
        AgeBand::TwelveAndOver,
        AgeBand::Unknown,
    ];

    /// The band for an age in completed months (negative: before birth).
    pub fn from_months(months: Option<i32>) -> AgeBand {
        match months {
            None => AgeBand::Unknown,
            Some(m) if m < 12 => AgeBand::Under1,
            Some(m) if m < 60 => AgeBand::OneToFour,
            Some(m) if m < 144 => AgeBand::FiveToEleven,
            Some(_) => AgeBand::TwelveAndOver,
        }
    }

    /// The id used in JSON and CSV.
    pub fn id(self) -> &'static str {
        match self {
            AgeBand::Under1 => "under_1",
            AgeBand::OneToFour => "1_to_4",
            AgeBand::FiveToEleven => "5_to_11",
            AgeBand::TwelveAndOver => "12_and_over",
            AgeBand::Unknown => "unknown",
        }
    }

    /// How the band is said on the page and in charts.
    pub fn label(self) -> &'static str {
        match self {
            AgeBand::Under1 => "Under 1",
            AgeBand::OneToFour => "1 to 4",
            AgeBand::FiveToEleven => "5 to 11",
            AgeBand::TwelveAndOver => "12 and over",
            AgeBand::Unknown => "Age not known",
        }
    }

    /// The band with this id.
    pub fn from_id(id: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|b| b.id() == id)
    }
}

impl Route {
    /// Every route, in display order.
    pub const ALL: [Route; 7] = [
        Route::Home,
        Route::PermanenceOrder,
        Route::KinshipCareOrder,
        Route::Adoption,
        Route::OtherOrder,
        Route::LeftCareOther,
        Route::StillLookedAfter,
    ];

    /// The id used in JSON and CSV.
    pub fn id(self) -> &'static str {
        match self {
            Route::Home => "home",
            Route::PermanenceOrder => "permanence_order",
            Route::KinshipCareOrder => "kinship_care_order",
            Route::Adoption => "adoption",
            Route::OtherOrder => "other_order",
            Route::LeftCareOther => "left_care_other",
            Route::StillLookedAfter => "still_looked_after",
        }
    }

    /// What an "Order granted" event must say to give a route other than "Other order", for
    /// a hint beside that route (the words [`order_route`] looks for).
    pub const ORDER_WORDS: &'static str = "An order counts as \u{201c}Other order\u{201d} when its event names no kind of order. \
         Write the kind in the event or its detail: \u{201c}adoption\u{201d} for an adoption order; \
         \u{201c}permanence\u{201d} or \u{201c}authority to adopt\u{201d} for a permanence order; \
         \u{201c}kinship\u{201d}, \u{201c}guardian\u{201d}, \u{201c}SGO\u{201d}, \u{201c}child arrangements\u{201d} \
         or \u{201c}residence\u{201d} for a kinship care order (such as \u{201c}Order granted\u{201d} with the detail \
         \u{201c}Adoption order\u{201d}).";

    /// How the route is said on the page.
    pub fn label(self) -> &'static str {
        match self {
            Route::Home => "Home (remained or returned)",
            Route::PermanenceOrder => "Permanence Order",
            Route::KinshipCareOrder => "Kinship Care Order or similar",
            Route::Adoption => "Adoption",
            Route::OtherOrder => "Other order",
            Route::LeftCareOther => "Left care another way",
            Route::StillLookedAfter => "Still looked after",
        }
    }

    /// The route with this id.
    pub fn from_id(id: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|r| r.id() == id)
    }

    /// Orders win ties with a return home on the same day; earlier in this list wins.
    fn tie_rank(self) -> u8 {
        match self {
            Route::Adoption => 0,
            Route::PermanenceOrder => 1,
            Route::KinshipCareOrder => 2,
            Route::OtherOrder => 3,
            _ => 4,
        }
    }
}

/// Age in completed calendar months on `date` for a child born on `dob` (negative before
/// birth).
pub fn age_months(dob: NaiveDate, date: NaiveDate) -> i32 {
    // dob + k months lands in date's month when k is the months between them, on dob's day
    // clamped to that month's length; it is on or before `date` unless that day is later.
    let apart = (date.year() - dob.year()) * 12 + date.month() as i32 - dob.month() as i32;
    let landing_day = dob.day().min(days_in_month(date.year(), date.month()));
    if landing_day > date.day() {
        apart - 1
    } else {
        apart
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

/// Computes everything for one child "as at" `as_at`.
pub fn child_stats(
    child: &Child,
    profile: &Profile,
    stage_ids: &[Text],
    check_ids: &[Text],
    as_at: NaiveDate,
) -> ChildStats {
    child_stats_cached(
        child,
        profile,
        stage_ids,
        check_ids,
        as_at,
        &mut RouteCache::default(),
    )
}

/// Remembers the route read from recently seen order labels, so each distinct label is read
/// once (orders carry few distinct labels).
#[derive(Default)]
pub(crate) struct RouteCache<'a> {
    seen: Vec<(&'a str, Option<&'a str>, Route)>,
}

impl<'a> RouteCache<'a> {
    fn route(&mut self, label: &'a str, detail: Option<&'a str>) -> Route {
        let same = |a: &str, b: &str| a.len() == b.len() && (a.as_ptr() == b.as_ptr() || a == b);
        let hit = self.seen.iter().find(|(l, d, _)| {
            same(l, label)
                && match (d, detail) {
                    (None, None) => true,
                    (Some(a), Some(b)) => same(a, b),
                    _ => false,
                }
        });
        if let Some(&(_, _, r)) = hit {
            return r;
        }
        let r = order_route(label, detail);
        if self.seen.len() < 64 {
            self.seen.push((label, detail, r));
        }
        r
    }
}

/// [`child_stats`] sharing a cache across children.
pub(crate) fn child_stats_cached<'a>(
    child: &'a Child,
    profile: &Profile,
    stage_ids: &[Text],
    check_ids: &[Text],
    as_at: NaiveDate,
    routes: &mut RouteCache<'a>,
) -> ChildStats {
    let dob = child.date_of_birth;
    let age = |d: NaiveDate| dob.map(|b| age_months(b, d));
    // The last day anything is known about the child: "as at", or the end of the data.
    let data_end = child.observed.map_or(as_at, |o| o.to.min(as_at));
    let mut stages = Vec::with_capacity(child.care_periods.len() * profile.stages.len());
    let mut care_period_stats = Vec::with_capacity(child.care_periods.len());
    for (pi, period) in child.care_periods.iter().enumerate() {
        let firsts = FirstDates::of(period, as_at).with_legal(&child.legal, period, as_at);
        for (si, (stage, id)) in profile.stages.iter().zip(stage_ids).enumerate() {
            let Some(o) = evaluate_with(stage, period, &firsts, as_at, child.observed) else {
                continue;
            };
            let placement = period
                .placement_on(o.start)
                .or_else(|| period.placements.first())
                .map(|p| p.category);
            stages.push(StageRow {
                stage: id.clone(),
                stage_index: si,
                care_period_index: pi,
                start: o.start,
                end: o.end,
                days: o.days,
                censored: o.end.is_none(),
                censored_by: o.censored_by,
                ended_by: o.ended_by,
                backdated: o.backdated,
                target_date: o.target_date,
                within_target: o.within_target,
                overdue: o.overdue,
                start_unknown: o.start_unknown,
                entry_days: o.entry_days.into(),
                before_data: o.before_data,
                placement,
                legal_status: child.legal_on(o.start).map(|l| l.category),
                age_months_at_start: age(o.start).into(),
                age_months_at_end: o.end.and_then(age).into(),
                forecast: None,
            });
        }
        // A period that began before the data was entered at an unknown age.
        let entry_age = age(period.start).filter(|_| !period.start_unknown);
        let observed_to = period.end.map_or(data_end, |e| e.min(data_end));
        care_period_stats.push(PeriodStats {
            age_months_at_entry: entry_age,
            age_band: AgeBand::from_months(entry_age),
            route: route(child, period, as_at, data_end, routes),
            days_in_care: days_between(period.start, observed_to),
        });
    }

    // Nothing is known about "as at" when the data ends before it.
    let current_index = child
        .care_periods
        .iter()
        .position(|p| p.start <= as_at && p.end.is_none_or(|e| e >= as_at))
        .filter(|_| data_end == as_at);
    let current_placement = current_index
        .and_then(|i| child.care_periods[i].placement_on(as_at))
        .filter(|p| p.start <= as_at);
    let current = CurrentStatus {
        in_care: current_index.is_some(),
        care_period_index: current_index.and_then(|i| u32::try_from(i).ok()).into(),
        placement: current_placement.map(|p| p.category),
        placement_type: current_placement.map(|p| p.placement_type.clone()),
        legal_status: current_index
            .and_then(|_| child.legal_on(as_at))
            .map(|l| l.category),
        age_months: age(as_at).into(),
    };

    let placements_last_12_months = placements_in_year_to(child, as_at);
    let checks = profile
        .checks
        .iter()
        .zip(check_ids)
        .filter_map(|(c, id)| check_hit(child, current_index, c, id, as_at))
        .collect();
    // The rows outlive the computation (the report holds them): give back the room
    // reserved for stages that did not apply.
    stages.shrink_to_fit();
    ChildStats {
        stages,
        care_period_stats,
        current,
        placements_last_12_months,
        unstable: placements_last_12_months >= 3,
        checks,
    }
}

fn placements_in_year_to(child: &Child, as_at: NaiveDate) -> u32 {
    let Some(window_start) = as_at.checked_sub_months(Months::new(12)) else {
        return 0;
    };
    let count = child
        .care_periods
        .iter()
        .flat_map(|p| p.placements.iter())
        .filter(|p| !p.temporary && p.start <= as_at && p.end.is_none_or(|e| e > window_start))
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

fn route<'a>(
    child: &Child,
    period: &'a CarePeriod,
    as_at: NaiveDate,
    data_end: NaiveDate,
    routes: &mut RouteCache<'a>,
) -> Route {
    let in_period = |d: NaiveDate| d <= as_at && period.contains(d);
    let mut best: Option<(NaiveDate, Route)> = None;
    let mut consider = |date: NaiveDate, r: Route| {
        let better = match best {
            None => true,
            Some((d, b)) => date > d || (date == d && r.tie_rank() < b.tie_rank()),
        };
        if better {
            best = Some((date, r));
        }
    };
    for e in period.events.iter().filter(|e| in_period(e.date)) {
        match e.milestone {
            Milestone::OrderGranted => {
                consider(e.date, routes.route(&e.label, e.detail.as_deref()))
            }
            Milestone::ReturnedHome => consider(e.date, Route::Home),
            _ => {}
        }
    }
    for l in child.legal.iter().filter(|l| in_period(l.start)) {
        let r = match l.category {
            LegalCategory::AdoptionOrder => Route::Adoption,
            LegalCategory::PermanenceOrder => Route::PermanenceOrder,
            LegalCategory::KinshipCareOrder => Route::KinshipCareOrder,
            _ => continue,
        };
        consider(l.start, r);
    }
    if let Some((_, r)) = best {
        return r;
    }
    let ended = period.end.is_some_and(|e| e <= as_at);
    let at_home = |d: NaiveDate| {
        period
            .placement_on(d)
            .is_some_and(|p| p.category == PlacementCategory::HomeWithParents)
    };
    match period.end {
        Some(e) if ended && at_home(e) => Route::Home,
        _ if ended => Route::LeftCareOther,
        _ if at_home(data_end) => Route::Home,
        _ => Route::StillLookedAfter,
    }
}

/// Reads the kind of order from an `order_granted` event's label and detail.
pub(crate) fn order_route(label: &str, detail: Option<&str>) -> Route {
    let has = |w: &str| {
        contains_ignoring_case(label, w) || detail.is_some_and(|d| contains_ignoring_case(d, w))
    };
    if has("authority to adopt") || has("permanence") {
        Route::PermanenceOrder
    } else if has("adopt") {
        Route::Adoption
    } else if has("kinship")
        || has("guardian")
        || has("sgo")
        || has("child arrangement")
        || has("residence")
    {
        Route::KinshipCareOrder
    } else {
        Route::OtherOrder
    }
}

/// Whether `haystack` contains the lower-case ASCII `needle`, ignoring ASCII case.
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

fn check_hit(
    child: &Child,
    current_index: Option<usize>,
    check: &Check,
    id: &Text,
    as_at: NaiveDate,
) -> Option<CheckHit> {
    let period = &child.care_periods[current_index?];
    // The unbroken run of qualifying placements up to "as at".
    let current = period
        .placements
        .iter()
        .rposition(|p| p.start <= as_at && p.end.is_none_or(|e| e >= as_at))?;
    if !check
        .placement
        .contains(&period.placements[current].category)
    {
        return None;
    }
    let mut first = current;
    while first > 0 {
        let (prev, next) = (&period.placements[first - 1], &period.placements[first]);
        if check.placement.contains(&prev.category) && continues(prev.end, next.start) {
            first -= 1;
        } else {
            break;
        }
    }
    let placement_since = period.placements[first].start;
    // The unbroken run of qualifying legal spells up to "as at".
    let legal = &child.legal;
    let current_legal = legal
        .iter()
        .rposition(|l| l.start <= as_at && l.end.is_none_or(|e| e >= as_at))?;
    if !check.legal_status.contains(&legal[current_legal].category) {
        return None;
    }
    let mut first_legal = current_legal;
    while first_legal > 0 {
        let (prev, next) = (&legal[first_legal - 1], &legal[first_legal]);
        if check.legal_status.contains(&prev.category) && continues(prev.end, next.start) {
            first_legal -= 1;
        } else {
            break;
        }
    }
    let since = placement_since.max(legal[first_legal].start);
    let due = check.longer_than.after(since);
    Some(CheckHit {
        check: id.clone(),
        since,
        days: days_between(since, as_at),
        due,
        over: due.is_some_and(|d| as_at > d),
    })
}

/// Whether something starting on `next_start` continues a spell that ended on `prev_end`.
fn continues(prev_end: Option<NaiveDate>, next_start: NaiveDate) -> bool {
    match prev_end {
        None => true,
        Some(e) => next_start <= e.checked_add_days(Days::new(1)).unwrap_or(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn age_in_completed_months() {
        let cases = [
            (d(2020, 1, 31), d(2020, 2, 28), 0),
            (d(2020, 1, 31), d(2020, 2, 29), 1),
            (d(2021, 1, 31), d(2021, 2, 28), 1),
            (d(2020, 5, 10), d(2020, 5, 10), 0),
            (d(2020, 5, 10), d(2021, 5, 9), 11),
            (d(2020, 5, 10), d(2021, 5, 10), 12),
            (d(2020, 2, 29), d(2021, 2, 28), 12),
            (d(2020, 5, 10), d(2020, 5, 1), -1),
            (d(2020, 5, 10), d(2020, 4, 10), -1),
            (d(2020, 5, 10), d(2020, 4, 9), -2),
            (d(2010, 6, 15), d(2024, 3, 31), 165),
        ];
        for (dob, date, expected) in cases {
            assert_eq!(age_months(dob, date), expected, "{dob} → {date}");
        }
    }

    #[test]
    fn age_agrees_with_calendar_month_arithmetic() {
        // The definition: the largest k with dob + k months ≤ date (chrono clamps month ends).
        let by_definition = |dob: NaiveDate, date: NaiveDate| {
            let add = |k: i32| {
                if k >= 0 {
                    dob.checked_add_months(Months::new(k as u32))
                } else {
                    dob.checked_sub_months(Months::new(k.unsigned_abs()))
                }
            };
            let mut k = -100;
            while add(k + 1).is_some_and(|d| d <= date) {
                k += 1;
            }
            k
        };
        let dobs = [
            d(2020, 1, 31),
            d(2020, 2, 29),
            d(2019, 3, 30),
            d(2021, 12, 31),
            d(2022, 6, 15),
        ];
        for dob in dobs {
            let mut date = d(2018, 11, 20);
            while date < d(2024, 12, 31) {
                assert_eq!(
                    age_months(dob, date),
                    by_definition(dob, date),
                    "{dob} → {date}"
                );
                date = date + chrono::Days::new(3);
            }
        }
    }

    #[test]
    fn age_bands_at_their_edges() {
        let cases = [
            (None, AgeBand::Unknown),
            (Some(-3), AgeBand::Under1),
            (Some(11), AgeBand::Under1),
            (Some(12), AgeBand::OneToFour),
            (Some(59), AgeBand::OneToFour),
            (Some(60), AgeBand::FiveToEleven),
            (Some(143), AgeBand::FiveToEleven),
            (Some(144), AgeBand::TwelveAndOver),
        ];
        for (months, band) in cases {
            assert_eq!(AgeBand::from_months(months), band, "{months:?}");
        }
    }

    #[test]
    fn order_labels_map_to_routes() {
        let cases = [
            (
                "Order granted",
                Some("Permanence Order"),
                Route::PermanenceOrder,
            ),
            (
                "Permanence order with authority to adopt",
                None,
                Route::PermanenceOrder,
            ),
            ("Adoption order", None, Route::Adoption),
            (
                "Order granted",
                Some("Kinship Care Order"),
                Route::KinshipCareOrder,
            ),
            ("Special guardianship order", None, Route::KinshipCareOrder),
            ("Child arrangements order", None, Route::KinshipCareOrder),
            ("Order granted", None, Route::OtherOrder),
        ];
        for (label, detail, route) in cases {
            assert_eq!(order_route(label, detail), route, "{label} {detail:?}");
        }
    }
}
