//! Forecasts for the children still waiting: when each waiting stage is likely to end, the
//! chance of ending it by its target date or within the next 30 and 90 days, and how many
//! stages the whole team can expect to see end in the next 3, 6 and 12 months.
//!
//! This module owns those definitions. With `S` the stage's Kaplan–Meier survival (the share
//! still waiting after `d` days, from `stats::km`) of the *basis* group, and `t` the days the
//! child has waited on the "as at" date:
//! - a row is *waiting* when it is censored at the "as at" date while the child is in care
//!   (`censored_by = as_at`); only waiting rows get a forecast;
//! - the *basis* is the whole cohort (`cohort`), or, when a breakdown is chosen, the child's
//!   group in it (`<breakdown>:<group>`, the group the stage statistics put the row in) if that
//!   group has at least [`MIN_COMPLETIONS`] completed stages; otherwise the whole cohort, and
//!   the note says so. With fewer than [`MIN_COMPLETIONS`] completions in the whole cohort
//!   there is no forecast: every figure is `null` and the note says why;
//! - the conditional survival is `S(t + u) / S(t)`;
//! - `expected_date` is the stage's start plus the first day `d > t` with `S(d) ≤ S(t)/2`;
//!   the `range` uses `S(d) ≤ 0.75·S(t)` and `S(d) ≤ 0.25·S(t)` the same way. The
//!   comparisons allow `1e-9` so that a tie in exact arithmetic is a tie here. When the curve
//!   never falls that far (the data has not seen enough children wait that long and then
//!   finish), the date is `null`: "beyond what this data has seen". The range is given only
//!   when both of its ends are;
//! - `chance_by_target` is `1 − S(T)/S(t)` for the target day `T` (the target date's distance
//!   from the start) when `T > t`; `null` without a target or once it has passed;
//! - `chance_30_days` is `1 − S(t + 30)/S(t)`, `chance_90_days` likewise with 90 days;
//! - `S` stays flat after the last observed day (it does not fall to 0 when the longest wait
//!   is still open), so chances never assume completions the data has not seen;
//! - expected completions in the next `k` months (3, 6, 12) of a stage: the sum over the
//!   waiting rows with a forecast of `p = 1 − S(t + h)/S(t)`, `h` being the days from "as at"
//!   to "as at" plus `k` calendar months; the interval is that sum ± 1.96·√Σ p(1 − p) (each
//!   child a Bernoulli trial, independent of the others), clipped to [0, waiting rows with a
//!   forecast]. Rows without a forecast are counted apart (`without_forecast`).
//!
//! Time to permanence is a stage of the profile like any other, so its waiting rows get the
//! same forecast. The curves come from the stage statistics already computed
//! (`StageSummary::stats.km.curve` and its groups), so a forecast always agrees with the
//! Kaplan–Meier figures in the same report. It reads no clock: "as at" is a parameter.

use super::child::{ChildStats, StageRow};
use super::km::{KaplanMeier, Z95};
use super::stage::CensoredBy;
use super::summary::StageSummary;
use super::CalendarDuration;
use crate::compact::MaybeF64;
use crate::model::{Child, LegalCategory, PlacementCategory, Text};
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

/// A group needs at least this many completed stages to be the basis of a forecast.
pub const MIN_COMPLETIONS: u32 = 20;

/// The horizons of the expected completions, in months.
pub const HORIZONS_MONTHS: [u32; 3] = [3, 6, 12];

/// What every forecast assumes, in plain words, for wherever a forecast is shown.
pub const CAVEATS: [&str; 4] = [
    "A forecast assumes that the future will resemble the past recorded in this data: a change in practice, in the courts or in resources changes the odds.",
    "It treats children who left care without reaching the milestone as if they were like the children still waiting.",
    "It treats each care period as independent of the others, including a child's earlier periods and brothers and sisters.",
    "It is a planning aid for a team, not a prediction about one child's life: each child's own circumstances matter more than any average.",
];

/// How far two survival values may differ and still count as equal (rounding in the products
/// that make them).
const TIE: f64 = 1e-9;

/// Settings for the forecasts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForecastConfig {
    /// A breakdown id (`age_at_entry`, `placement`, …) whose groups are the basis, when they
    /// have enough completions; `None` for the whole cohort.
    pub breakdown: Option<String>,
    /// At least this many completed stages in a basis (20).
    pub min_completions: u32,
}

impl Default for ForecastConfig {
    fn default() -> Self {
        ForecastConfig {
            breakdown: None,
            min_completions: MIN_COMPLETIONS,
        }
    }
}

/// A survival step function: `(day, S)` at day 0 and at each day where it falls (and possibly
/// at the last observed day), ascending; `S` holds from each point to the next.
#[derive(Clone, Copy, Debug)]
pub struct Curve<'a> {
    points: &'a [(u32, f64)],
}

impl<'a> Curve<'a> {
    /// A curve from its points (the shape of [`super::KmSummary::curve`]).
    pub fn new(points: &'a [(u32, f64)]) -> Curve<'a> {
        Curve { points }
    }

    /// `S(d)`: the value of the last point on or before `d` (1 before the first).
    pub fn at(&self, d: u32) -> f64 {
        let i = self.points.partition_point(|p| p.0 <= d);
        i.checked_sub(1).map_or(1.0, |i| self.points[i].1)
    }

    /// The first day after `after` on which `S ≤ level` (within [`TIE`]), if the curve gets
    /// there.
    pub fn first_at_or_below(&self, after: u32, level: f64) -> Option<u32> {
        let from = self.points.partition_point(|p| p.0 <= after);
        let rest = &self.points[from..];
        // S never rises, so the points above the level come first.
        let k = rest.partition_point(|p| p.1 > level + TIE);
        rest.get(k).map(|p| p.0)
    }
}

/// The points of a fitted curve in the shape [`Curve`] reads: day 0 and every event time.
pub fn curve_points(km: &KaplanMeier) -> Vec<(u32, f64)> {
    std::iter::once((0, 1.0))
        .chain(
            km.rows
                .iter()
                .filter(|r| r.n_event > 0)
                .map(|r| (r.time, r.surv)),
        )
        .collect()
}

/// The conditional figures for one wait of `t` days, in days from the stage's start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conditional {
    /// The first day `d > t` with `S(d) ≤ S(t)/2`.
    pub median_day: Option<u32>,
    /// The same with `0.75·S(t)` (the earlier end of the range).
    pub early_day: Option<u32>,
    /// The same with `0.25·S(t)` (the later end of the range).
    pub late_day: Option<u32>,
    /// `1 − S(T)/S(t)` for a target day `T > t`.
    pub chance_by_target: Option<f64>,
    /// `1 − S(t + 30)/S(t)`.
    pub chance_30_days: f64,
    /// `1 − S(t + 90)/S(t)`.
    pub chance_90_days: f64,
}

/// The conditional figures for a wait of `t` days with the target on day `target_day` (if
/// any); `None` when `S(t)` is 0 (nobody in the data waited this long without finishing).
pub fn conditional(curve: Curve<'_>, t: u32, target_day: Option<u32>) -> Option<Conditional> {
    let s_t = curve.at(t);
    if s_t <= 0.0 {
        return None;
    }
    Some(Conditional {
        median_day: curve.first_at_or_below(t, 0.5 * s_t),
        early_day: curve.first_at_or_below(t, 0.75 * s_t),
        late_day: curve.first_at_or_below(t, 0.25 * s_t),
        chance_by_target: target_day
            .filter(|&day| day > t)
            .map(|day| chance_within(curve, t, day - t)),
        chance_30_days: chance_within(curve, t, 30),
        chance_90_days: chance_within(curve, t, 90),
    })
}

/// `1 − S(t + u)/S(t)`: the chance that a wait of `t` days ends within `u` more days (0 when
/// `S(t)` is 0).
pub fn chance_within(curve: Curve<'_>, t: u32, u: u32) -> f64 {
    let s_t = curve.at(t);
    if s_t <= 0.0 {
        return 0.0;
    }
    (1.0 - curve.at(t.saturating_add(u)) / s_t).clamp(0.0, 1.0)
}

/// The expected number of successes of independent trials with chances `p` and its interval,
/// `Σp ± 1.96·√Σp(1 − p)`, clipped to `[0, n]`.
pub fn expected_count(probabilities: impl IntoIterator<Item = f64>) -> (f64, [f64; 2]) {
    let (mut sum, mut var, mut n) = (0.0, 0.0, 0.0);
    for p in probabilities {
        sum += p;
        var += p * (1.0 - p);
        n += 1.0;
    }
    let half = Z95 * f64::sqrt(var);
    (sum, [(sum - half).max(0.0), (sum + half).min(n)])
}

/// One waiting stage row's forecast, as the report carries it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Forecast {
    /// The likely date the stage ends (the conditional median).
    #[serde(serialize_with = "crate::date::iso::option")]
    pub expected_date: Option<NaiveDate>,
    /// The middle half of the likely dates: `[25%, 75%]` of those who waited this long.
    pub range: Option<[NaiveDate; 2]>,
    pub chance_by_target: MaybeF64,
    /// `null` only when there is no forecast (too few completions).
    pub chance_30_days: MaybeF64,
    pub chance_90_days: MaybeF64,
    /// `cohort` or `<breakdown>:<group>`.
    pub basis: Text,
    /// Completed stages in the basis.
    pub completions: u32,
    /// Why the figures are what they are, in words.
    pub note: Text,
}

/// The team's expected completions of one stage over one horizon.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpectedCompletions {
    pub stage: String,
    pub months: u32,
    /// The sum of the waiting rows' chances.
    pub expected: f64,
    /// `expected ± 1.96·√Σp(1 − p)`, clipped to `[0, waiting with a forecast]`.
    pub interval: [f64; 2],
    /// Rows waiting at "as at".
    pub waiting: u32,
    /// Waiting rows without a forecast (too few completions), left out of `expected`.
    pub without_forecast: u32,
}

/// The breakdown group a stage row belongs to, named as the stage statistics name it
/// (see `stats::summary`): placement and legal status on the stage's first day, the care
/// period's age band, year and route, and the child's own fields (trimmed; blank or
/// "unknown" is `unknown`). `None` for a breakdown that is none of these.
pub fn row_group<'a>(
    breakdown: &str,
    child: &'a Child,
    stats: &ChildStats,
    row: &StageRow,
) -> Option<Cow<'a, str>> {
    group_of(
        breakdown,
        child,
        stats,
        row.care_period_index,
        row.placement,
        row.legal_status,
    )
}

/// The group of care period `period` of `child` in a breakdown, given the placement and legal
/// status that stand for the period (see [`row_group`]).
pub fn group_of<'a>(
    breakdown: &str,
    child: &'a Child,
    stats: &ChildStats,
    period: usize,
    placement: Option<PlacementCategory>,
    legal_status: Option<LegalCategory>,
) -> Option<Cow<'a, str>> {
    Breakdown::parse(breakdown)?.group(child, stats, period, placement, legal_status)
}

/// A breakdown id, read once (see [`row_group`] for what each means).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breakdown<'b> {
    Placement,
    LegalStatus,
    AgeAtEntry,
    Route,
    YearOfEntry,
    Sex,
    LocalAuthority,
    Team,
    /// `attribute:NAME`: a column of the children table.
    Attribute(&'b str),
}

impl<'b> Breakdown<'b> {
    /// The breakdown an id names, if any.
    pub fn parse(id: &'b str) -> Option<Breakdown<'b>> {
        Some(match id {
            "placement" => Breakdown::Placement,
            "legal_status" => Breakdown::LegalStatus,
            "age_at_entry" => Breakdown::AgeAtEntry,
            "route" => Breakdown::Route,
            "year_of_entry" => Breakdown::YearOfEntry,
            "sex" => Breakdown::Sex,
            "local_authority" => Breakdown::LocalAuthority,
            "team" => Breakdown::Team,
            other => Breakdown::Attribute(other.strip_prefix("attribute:")?),
        })
    }

    /// For a breakdown of the child's own text (sex, authority, team, attributes), that text
    /// as recorded, before it is trimmed and blanks become `unknown`; `None` for the others.
    pub fn raw(self, child: &Child) -> Option<Option<&str>> {
        match self {
            Breakdown::Sex => Some(child.sex.as_deref()),
            Breakdown::LocalAuthority => Some(child.local_authority.as_deref()),
            Breakdown::Team => Some(child.team.as_deref()),
            Breakdown::Attribute(name) => Some(child.attributes.get(name).map(|v| &**v)),
            _ => None,
        }
    }

    /// The group of care period `period` of `child`.
    pub fn group<'a>(
        self,
        child: &'a Child,
        stats: &ChildStats,
        period: usize,
        placement: Option<PlacementCategory>,
        legal_status: Option<LegalCategory>,
    ) -> Option<Cow<'a, str>> {
        let facts = stats.care_period_stats.get(period);
        let text = |v: Option<&'a str>| -> Cow<'a, str> {
            match v.map(str::trim) {
                Some(s) if !s.is_empty() && !s.eq_ignore_ascii_case("unknown") => Cow::Borrowed(s),
                _ => Cow::Borrowed("unknown"),
            }
        };
        Some(match self {
            Breakdown::Placement => Cow::Borrowed(placement.map_or("unknown", |c| c.id())),
            Breakdown::LegalStatus => Cow::Borrowed(legal_status.map_or("unknown", |c| c.id())),
            Breakdown::AgeAtEntry => Cow::Borrowed(facts?.age_band.id()),
            Breakdown::Route => Cow::Borrowed(facts?.route.id()),
            Breakdown::YearOfEntry => {
                Cow::Owned(child.care_periods.get(period)?.start.year().to_string())
            }
            Breakdown::Sex => text(child.sex.as_deref()),
            Breakdown::LocalAuthority => text(child.local_authority.as_deref()),
            Breakdown::Team => text(child.team.as_deref()),
            Breakdown::Attribute(name) => text(child.attributes.get(name).map(|v| &**v)),
        })
    }
}

/// One basis: a curve, its completions and its words, shared by every row it serves.
struct Basis<'a> {
    curve: Curve<'a>,
    completions: u32,
    name: Text,
    note: Text,
    tail_note: Text,
    partial_note: Text,
}

/// Where each stage's forecasts come from: the cohort, and the chosen breakdown's groups.
struct StageBases<'a> {
    cohort: Option<Basis<'a>>,
    /// Why there is no forecast when the cohort is too small.
    none_note: Text,
    groups: HashMap<&'a str, Basis<'a>>,
    /// Notes for groups too small to be a basis, by group.
    fallback_notes: HashMap<&'a str, (Text, Text, Text)>,
}

/// Adds a forecast to every waiting stage row in `stats` (aligned with `children`) and returns
/// the expected completions per stage (in profile order) and horizon.
pub fn forecast_rows(
    children: &[Child],
    stats: &mut [ChildStats],
    stages: &[StageSummary],
    as_at: NaiveDate,
    config: &ForecastConfig,
) -> Vec<ExpectedCompletions> {
    let bases: Vec<StageBases<'_>> = stages.iter().map(|s| stage_bases(s, config)).collect();
    let horizons: Vec<u32> = HORIZONS_MONTHS
        .iter()
        .map(|&k| {
            CalendarDuration::months(k)
                .after(as_at)
                .map_or(0, |end| super::stage::days_between(as_at, end))
        })
        .collect();
    // Per stage and horizon: Σp, Σp(1 − p), rows with a forecast; per stage: waiting rows.
    let mut sums = vec![[(0.0f64, 0.0f64, 0u32); 3]; stages.len()];
    let mut waiting = vec![(0u32, 0u32); stages.len()];
    for (child, cs) in children.iter().zip(stats.iter_mut()) {
        let mut rows = std::mem::take(&mut cs.stages);
        for row in rows.iter_mut() {
            if row.censored_by != Some(CensoredBy::AsAt) {
                continue;
            }
            let Some(sb) = bases.get(row.stage_index) else {
                continue;
            };
            waiting[row.stage_index].0 += 1;
            let group = config
                .breakdown
                .as_deref()
                .and_then(|b| row_group(b, child, cs, row));
            let (basis, fallback) = sb.resolve(group.as_deref());
            let fallback = fallback.cloned();
            let Some(basis) = basis else {
                waiting[row.stage_index].1 += 1;
                row.forecast = Some(Box::new(Forecast {
                    expected_date: None,
                    range: None,
                    chance_by_target: MaybeF64::NONE,
                    chance_30_days: MaybeF64::NONE,
                    chance_90_days: MaybeF64::NONE,
                    basis: Text::from("cohort"),
                    completions: sb.cohort_completions(stages, row.stage_index),
                    note: sb.none_note.clone(),
                }));
                continue;
            };
            let target_day = row
                .target_date
                .map(|d| super::stage::days_between(row.start, d));
            let t = row.days;
            let c = conditional(basis.curve, t, target_day);
            let date =
                |d: Option<u32>| d.and_then(|d| row.start.checked_add_days(Days::new(d.into())));
            let (expected_date, early, late) = match c {
                Some(c) => (date(c.median_day), date(c.early_day), date(c.late_day)),
                None => (None, None, None),
            };
            let range = match (early, late) {
                (Some(a), Some(b)) => Some([a, b]),
                _ => None,
            };
            let (normal, tail, partial) = match &fallback {
                Some((n, t, p)) => (n, t, p),
                None => (&basis.note, &basis.tail_note, &basis.partial_note),
            };
            let note = if expected_date.is_none() {
                tail.clone()
            } else if range.is_none() {
                partial.clone()
            } else {
                normal.clone()
            };
            for (k, &h) in horizons.iter().enumerate() {
                let p = chance_within(basis.curve, t, h);
                let acc = &mut sums[row.stage_index][k];
                acc.0 += p;
                acc.1 += p * (1.0 - p);
                acc.2 += 1;
            }
            row.forecast = Some(Box::new(Forecast {
                expected_date,
                range,
                chance_by_target: c.and_then(|c| c.chance_by_target).into(),
                chance_30_days: Some(c.map_or(0.0, |c| c.chance_30_days)).into(),
                chance_90_days: Some(c.map_or(0.0, |c| c.chance_90_days)).into(),
                basis: basis.name.clone(),
                completions: basis.completions,
                note,
            }));
        }
        cs.stages = rows;
    }
    let mut out = Vec::with_capacity(stages.len() * HORIZONS_MONTHS.len());
    for (si, stage) in stages.iter().enumerate() {
        for (k, &months) in HORIZONS_MONTHS.iter().enumerate() {
            let (sum, var, n) = sums[si][k];
            let half = Z95 * var.sqrt();
            out.push(ExpectedCompletions {
                stage: stage.id.clone(),
                months,
                expected: sum,
                interval: [(sum - half).max(0.0), (sum + half).min(f64::from(n))],
                waiting: waiting[si].0,
                without_forecast: waiting[si].1,
            });
        }
    }
    out
}

/// Where every stage's forecasts come from under one [`ForecastConfig`], built once and asked
/// row by row: the same choice of basis as [`forecast_rows`] makes.
pub struct Bases<'a> {
    stages: Vec<StageBases<'a>>,
    breakdown: Option<&'a str>,
}

impl<'a> Bases<'a> {
    /// The bases of `stages` (the cohort's stage statistics, in profile order).
    pub fn new(stages: &'a [StageSummary], config: &'a ForecastConfig) -> Bases<'a> {
        Bases {
            stages: stages.iter().map(|s| stage_bases(s, config)).collect(),
            breakdown: config.breakdown.as_deref(),
        }
    }

    /// The curve a waiting row's forecast is read from, or `None` when the row is not waiting
    /// "as at" or has no forecast (too few completions).
    pub fn curve_of(&self, child: &Child, stats: &ChildStats, row: &StageRow) -> Option<Curve<'a>> {
        if row.censored_by != Some(CensoredBy::AsAt) {
            return None;
        }
        let sb = self.stages.get(row.stage_index)?;
        let group = self.breakdown.and_then(|b| row_group(b, child, stats, row));
        sb.resolve(group.as_deref()).0.map(|b| b.curve)
    }
}

/// Expected completions in some windows of days after "as at", over some waiting rows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WindowExpectation {
    /// The window's first and last day after "as at" (day 1 is the day after).
    pub from_day: u32,
    pub to_day: u32,
    /// `Σ p`, each row's chance of ending in the window.
    pub expected: f64,
    /// `expected ± 1.96·√Σp(1 − p)`, clipped to `[0, rows]`.
    pub interval: [f64; 2],
    /// The waiting rows with a forecast that were summed.
    pub rows: u32,
}

/// For the waiting rows of stage `stage_index` among the children `chosen` (indices into
/// `children` and `stats`), the expected number ending in each window `(a, b)`: a row that
/// has waited `t` days ends in days `a..=b` after "as at" with chance
/// `(S(t + a − 1) − S(t + b))/S(t)`, i.e. `chance_within(t, b) − chance_within(t, a − 1)`.
/// Windows are independent sums (each with its own interval).
pub fn expected_in_windows(
    children: &[Child],
    stats: &[ChildStats],
    chosen: impl IntoIterator<Item = usize>,
    bases: &Bases<'_>,
    stage_index: usize,
    windows: &[(u32, u32)],
) -> Vec<WindowExpectation> {
    let mut sums = vec![(0.0f64, 0.0f64); windows.len()];
    let mut rows = 0u32;
    for i in chosen {
        let (Some(child), Some(cs)) = (children.get(i), stats.get(i)) else {
            continue;
        };
        for row in cs.stages.iter().filter(|r| r.stage_index == stage_index) {
            let Some(curve) = bases.curve_of(child, cs, row) else {
                continue;
            };
            rows += 1;
            for (acc, &(a, b)) in sums.iter_mut().zip(windows) {
                let p = window_chance(curve, row.days, a, b);
                acc.0 += p;
                acc.1 += p * (1.0 - p);
            }
        }
    }
    sums.into_iter()
        .zip(windows)
        .map(|((sum, var), &(a, b))| {
            let half = Z95 * var.sqrt();
            WindowExpectation {
                from_day: a,
                to_day: b,
                expected: sum,
                interval: [(sum - half).max(0.0), (sum + half).min(f64::from(rows))],
                rows,
            }
        })
        .collect()
}

/// The chance that a wait of `t` days ends in days `a..=b` after "as at":
/// `chance_within(t, b) − chance_within(t, a − 1)`.
fn window_chance(curve: Curve<'_>, t: u32, a: u32, b: u32) -> f64 {
    let before = chance_within(curve, t, a.saturating_sub(1));
    (chance_within(curve, t, b) - before).clamp(0.0, 1.0)
}

/// The team's expected completions (as [`forecast_rows`] returns them for everyone) over the
/// children `chosen` only, every row's forecast read from the same bases.
pub fn expected_completions_of(
    children: &[Child],
    stats: &[ChildStats],
    chosen: &[usize],
    stages: &[StageSummary],
    as_at: NaiveDate,
    config: &ForecastConfig,
) -> Vec<ExpectedCompletions> {
    let bases = Bases::new(stages, config);
    let windows: Vec<(u32, u32)> = HORIZONS_MONTHS
        .iter()
        .map(|&k| (1, horizon_days(as_at, k)))
        .collect();
    // One pass over the chosen children's rows: per stage, waiting rows, rows with a
    // forecast, and per horizon Σp and Σp(1 − p).
    let mut waiting = vec![0u32; stages.len()];
    let mut forecast = vec![0u32; stages.len()];
    let mut sums = vec![[(0.0f64, 0.0f64); HORIZONS_MONTHS.len()]; stages.len()];
    for &i in chosen {
        let (Some(child), Some(cs)) = (children.get(i), stats.get(i)) else {
            continue;
        };
        for row in &cs.stages {
            let si = row.stage_index;
            if row.censored_by != Some(CensoredBy::AsAt) || si >= stages.len() {
                continue;
            }
            waiting[si] += 1;
            let Some(curve) = bases.curve_of(child, cs, row) else {
                continue;
            };
            forecast[si] += 1;
            for (acc, &(a, b)) in sums[si].iter_mut().zip(&windows) {
                let p = window_chance(curve, row.days, a, b);
                acc.0 += p;
                acc.1 += p * (1.0 - p);
            }
        }
    }
    let mut out = Vec::with_capacity(stages.len() * HORIZONS_MONTHS.len());
    for (si, stage) in stages.iter().enumerate() {
        for (k, &months) in HORIZONS_MONTHS.iter().enumerate() {
            let (sum, var) = sums[si][k];
            let half = Z95 * var.sqrt();
            out.push(ExpectedCompletions {
                stage: stage.id.clone(),
                months,
                expected: sum,
                interval: [
                    (sum - half).max(0.0),
                    (sum + half).min(f64::from(forecast[si])),
                ],
                waiting: waiting[si],
                without_forecast: waiting[si] - forecast[si],
            });
        }
    }
    out
}

/// Days from `as_at` to `as_at` plus `months` calendar months.
pub fn horizon_days(as_at: NaiveDate, months: u32) -> u32 {
    CalendarDuration::months(months)
        .after(as_at)
        .map_or(0, |end| super::stage::days_between(as_at, end))
}

/// The calendar months after the one holding `as_at`, as windows of days after `as_at`
/// (`(first day − as_at, last day − as_at)`), with each month's first day: `count` of them.
pub fn month_windows(as_at: NaiveDate, count: u32) -> Vec<(NaiveDate, (u32, u32))> {
    let mut out = Vec::new();
    let Some(mut first) = NaiveDate::from_ymd_opt(as_at.year(), as_at.month(), 1) else {
        return out;
    };
    for _ in 0..count {
        let Some(next) = first.checked_add_months(chrono::Months::new(1)) else {
            break;
        };
        let Some(after) = next.checked_add_months(chrono::Months::new(1)) else {
            break;
        };
        let last = after.pred_opt().unwrap_or(after);
        out.push((
            next,
            (
                super::stage::days_between(as_at, next),
                super::stage::days_between(as_at, last),
            ),
        ));
        first = next;
    }
    out
}

impl<'a> StageBases<'a> {
    /// The basis of a row in `group` (the chosen breakdown's, if any): the group's own when
    /// it has enough completions, else the cohort's (`None` when even that is too small),
    /// with the notes that say why the group's was not used.
    fn resolve(&self, group: Option<&str>) -> (Option<&Basis<'a>>, Option<&(Text, Text, Text)>) {
        match group.and_then(|g| self.groups.get(g)) {
            Some(b) => (Some(b), None),
            None => (
                self.cohort.as_ref(),
                group.and_then(|g| self.fallback_notes.get(g)),
            ),
        }
    }

    fn cohort_completions(&self, stages: &[StageSummary], stage: usize) -> u32 {
        stages.get(stage).map_or(0, |s| s.stats.completed)
    }
}

fn stage_bases<'a>(stage: &'a StageSummary, config: &ForecastConfig) -> StageBases<'a> {
    let min = config.min_completions;
    let n = stage.stats.completed;
    let cohort = (n >= min).then(|| {
        basis(
            &stage.stats.km.curve,
            n,
            "cohort".into(),
            "the whole cohort",
        )
    });
    let none_note = Text::from(format!(
        "No forecast: only {n} of these stages have been completed in the whole cohort, and a forecast needs at least {min}."
    ));
    let mut groups = HashMap::new();
    let mut fallback_notes = HashMap::new();
    if let Some(b) = config.breakdown.as_deref() {
        for (key, g) in stage.groups.get(b).map(|m| m.0.as_slice()).unwrap_or(&[]) {
            if g.completed >= min {
                let words = format!("the group {b}: {key}");
                groups.insert(
                    key.as_str(),
                    basis(
                        &g.km.curve,
                        g.completed,
                        format!("{b}:{key}").into(),
                        &words,
                    ),
                );
            } else if cohort.is_some() {
                let why = format!(
                    "The group {b}: {key} has only {} completed stages (fewer than {min}), so the whole cohort's {n} are used.",
                    g.completed
                );
                fallback_notes.insert(
                    key.as_str(),
                    (
                        Text::from(why.as_str()),
                        Text::from(format!("{why} {}", tail_words())),
                        Text::from(format!("{why} {}", partial_words())),
                    ),
                );
            }
        }
    }
    StageBases {
        cohort,
        none_note,
        groups,
        fallback_notes,
    }
}

fn basis<'a>(curve: &'a [(u32, f64)], completions: u32, name: Text, words: &str) -> Basis<'a> {
    let note = format!("From the {completions} completed stages of {words}.");
    Basis {
        curve: Curve::new(curve),
        completions,
        name,
        tail_note: Text::from(format!("{note} {}", tail_words())),
        partial_note: Text::from(format!("{note} {}", partial_words())),
        note: Text::from(note),
    }
}

fn tail_words() -> &'static str {
    "Beyond what this data has seen: fewer than half of those who had waited this long went on to finish within the data, so no likely date is given."
}

fn partial_words() -> &'static str {
    "The range is not given: its later end is beyond what this data has seen."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_reads_as_a_step_function() {
        let points = [(0, 1.0), (10, 0.8), (20, 0.5)];
        let c = Curve::new(&points);
        assert_eq!(c.at(0), 1.0);
        assert_eq!(c.at(9), 1.0);
        assert_eq!(c.at(10), 0.8);
        assert_eq!(c.at(25), 0.5);
        assert_eq!(c.first_at_or_below(0, 0.8), Some(10));
        assert_eq!(c.first_at_or_below(10, 0.8), Some(20));
        assert_eq!(c.first_at_or_below(0, 0.4), None);
    }

    #[test]
    fn expected_count_of_certain_and_impossible_trials_has_no_spread() {
        assert_eq!(expected_count([1.0, 1.0, 0.0]), (2.0, [2.0, 2.0]));
        assert_eq!(expected_count([]), (0.0, [0.0, 0.0]));
    }
}
