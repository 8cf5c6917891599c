//! Cohort statistics per stage, for everyone and for each breakdown group: counts, medians
//! and quartiles of completed stages, the share within target, who is waiting overdue, and
//! the Kaplan–Meier estimate that counts the waits still in progress.
//!
//! This module owns the aggregation and the breakdowns. Definitions:
//! - `started` = stage rows; `completed` = rows with an end; `censored` = the rest. Rows whose
//!   start is unknown (the care period began before the data) and rows that ended before the
//!   data began are not in these or any other figure: they are counted in `start_unknown` and
//!   `before_data` so that nothing disappears silently (see `stats::stage`).
//! - Rows that started before the data's first day enter the Kaplan–Meier risk set late
//!   (`entered_late`; R's `Surv(entry, time, event)`, see `stats::km`); the plain figures of
//!   completed stages include them as they are.
//! - `median_days`, `q1_days`, `q3_days`: of completed stages, by linear interpolation between
//!   order statistics (R's default type 7, Excel's `QUARTILE.INC`): the p-quantile of n sorted
//!   values x₀…xₙ₋₁ is x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋₊₁ − x_⌊h⌋) with h = (n − 1)p; the median is
//!   therefore the middle value, or the mean of the middle two for an even count.
//! - `within_target_pct`: completed stages within target as a percentage of completed stages,
//!   rounded half up to one decimal; `null` without a target or with nothing completed.
//! - Kaplan–Meier (see `stats::km`): the median and its interval, the 25% and 75% points, and
//!   the restricted mean up to the stage's longest observed time in the whole cohort (the same
//!   horizon for every group, so groups compare). The curve is given at 0 and at each event
//!   time, plus the last observed time when it is a censoring; the band is aligned with it;
//!   censoring times come with their counts.
//! - Breakdowns (group keys): `placement` and `legal_status` on the stage's start day,
//!   `age_at_entry` (band at the care period's start), `sex`, `local_authority`, `team`,
//!   `year_of_entry` (calendar year of the care period's start; `unknown` when the period began
//!   before the data), `route` (route to permanence of
//!   the care period) and `attribute:<name>` for each other column of the children table.
//!   Missing values form the group `unknown`. A breakdown whose only group is `unknown` is left
//!   out of that stage; a breakdown taken from the input's text (sex, authority, team,
//!   attributes) with more than `max_groups` values in the cohort is left out everywhere and
//!   listed in `breakdowns_omitted`.
//!
//! It does not decide stage semantics (that is `stats::stage`).

use super::child::{AgeBand, ChildStats, Route, StageRow};
use super::duration::CalendarDuration;
use super::km::{with_entries, KaplanMeier, KmConfig, RestrictedMean, TimeCount};
use super::profile::{Check, Profile};
use crate::compact::{Maybe, MaybeF64};
use crate::model::{Child, LegalCategory, PlacementCategory, Text};
use chrono::Datelike;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// The statistics of one stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageSummary {
    pub id: String,
    pub label: String,
    pub target: Option<CalendarDuration>,
    #[serde(flatten)]
    pub stats: GroupStats,
    /// Breakdown id → group value → the same statistics for that group.
    pub groups: OrderedMap<OrderedMap<GroupStats>>,
}

/// The statistics of one group of stage rows (or the whole cohort).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct GroupStats {
    pub started: u32,
    pub completed: u32,
    pub censored: u32,
    pub median_days: Option<f64>,
    pub q1_days: Option<f64>,
    pub q3_days: Option<f64>,
    pub min_days: Option<u32>,
    pub max_days: Option<u32>,
    /// Completed within target (`null` without a target).
    pub within_target: Option<u32>,
    pub within_target_pct: Option<f64>,
    pub waiting_overdue: u32,
    /// Rows in the figures that entered the Kaplan–Meier risk set late (left truncation).
    #[serde(skip_serializing_if = "is_zero")]
    pub entered_late: u32,
    /// Rows left out of every figure: the stage starts with a care period that began before
    /// the data, so its start is unknown.
    #[serde(skip_serializing_if = "is_zero")]
    pub start_unknown: u32,
    /// Rows left out of every figure: the stage ended (or was censored) before the data began.
    #[serde(skip_serializing_if = "is_zero")]
    pub before_data: u32,
    pub km: KmSummary,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The Kaplan–Meier estimate of a group, in the compact form the report carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct KmSummary {
    pub median_days: Option<f64>,
    /// The median's 95% interval: where the lower and upper bands cross 0.5.
    pub median_ci: [Option<f64>; 2],
    pub q1_days: Option<f64>,
    pub q3_days: Option<f64>,
    pub restricted_mean: Option<RestrictedMean>,
    /// `[days, S]` at 0, at each event time, and at the last time if it is a censoring.
    pub curve: Vec<(u32, f64)>,
    /// `[lower, upper]` aligned with `curve`.
    /// (In eight bytes a bound, NaN for none: a summary holds a band point for every event
    /// time of every stage and group.)
    pub band: Vec<[MaybeF64; 2]>,
    /// `[days, number censored]` at each censoring time.
    pub censored: Vec<(u32, u32)>,
    /// `[days, number entering]` for rows that entered the risk set late: they are at risk
    /// from the day after `days` on (so the number at risk can rise between times).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entered: Vec<(u32, u32)>,
}

/// How many children a check applies to now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckSummary {
    pub id: String,
    pub label: String,
    pub longer_than: CalendarDuration,
    /// Children currently in the check's status.
    pub current: u32,
    /// Of those, children in it for longer than `longer_than`.
    pub over: u32,
    /// The ids of the children over, longest first.
    pub children_over: Vec<Text>,
}

/// A breakdown left out because it has too many values to be a useful grouping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OmittedBreakdown {
    pub breakdown: String,
    pub values: usize,
}

/// A map that keeps its insertion order when serialised (groups in their natural order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> OrderedMap<V> {
    /// The value for `key`, if present.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Settings for the aggregation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SummaryConfig {
    pub km: KmConfig,
    /// Breakdowns with more distinct values than this are left out.
    pub max_groups: usize,
}

/// One subject of a group, ready for the statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Obs {
    days: u32,
    event: bool,
    within: bool,
    overdue: bool,
    /// A late entry into the risk set (days).
    entry: Maybe<u32>,
    left_out: LeftOut,
}

/// Why a row is left out of the figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum LeftOut {
    #[default]
    No,
    StartUnknown,
    BeforeData,
}

/// A breakdown: its id and the labels of its values, indexed by key.
struct Dim {
    id: String,
    labels: Vec<String>,
    /// Key indices in display order.
    order: Vec<u32>,
    unknown: u32,
    /// Values come from the input (not a fixed vocabulary or a year), so there may be many.
    free_text: bool,
}

/// Computes every stage's statistics. `stats` is aligned with `children`.
pub fn summarise(
    children: &[Child],
    stats: &[ChildStats],
    profile: &Profile,
    config: &SummaryConfig,
) -> (Vec<StageSummary>, Vec<OmittedBreakdown>) {
    let periods = PeriodKeys::build(children, stats);
    let placement_dim = enum_dim(
        "placement",
        PlacementCategory::ALL.iter().map(|c| c.id()).collect(),
    );
    let legal_dim = enum_dim(
        "legal_status",
        LegalCategory::ALL.iter().map(|c| c.id()).collect(),
    );
    let mut omitted = Vec::new();
    let mut period_dims: Vec<usize> = Vec::new();
    for (i, dim) in periods.dims.iter().enumerate() {
        // Every breakdown has an `unknown` value besides the ones seen.
        let values = dim.labels.len().saturating_sub(1);
        if dim.free_text && values > config.max_groups {
            omitted.push(OmittedBreakdown {
                breakdown: dim.id.clone(),
                values,
            });
        } else {
            period_dims.push(i);
        }
    }

    // A stage row with its period's global index and its own keys.
    let row = |r: &StageRow, base: u32| Row {
        obs: Obs {
            days: r.days,
            event: r.end.is_some(),
            within: r.within_target == Some(true),
            overdue: r.overdue,
            entry: r.entry_days,
            left_out: if r.start_unknown {
                LeftOut::StartUnknown
            } else if r.before_data {
                LeftOut::BeforeData
            } else {
                LeftOut::No
            },
        },
        period: base + r.care_period_index as u32,
        placement: r.placement.map_or(placement_dim.unknown, |c| {
            PlacementCategory::ALL
                .iter()
                .position(|x| *x == c)
                .unwrap_or(0) as u32
        }),
        legal: r.legal_status.map_or(legal_dim.unknown, |c| {
            LegalCategory::ALL.iter().position(|x| *x == c).unwrap_or(0) as u32
        }),
    };
    // Each stage's rows (each with its period's global index and its own keys) are gathered,
    // ordered and read in the same four lists, made once at the size of the stage with the
    // most rows: wasm memory never shrinks, and lists made afresh for each stage would each
    // need room of their own above what the earlier ones left in pieces.
    let mut counts = vec![0usize; profile.stages.len()];
    for r in stats.iter().flat_map(|cs| &cs.stages) {
        if let Some(n) = counts.get_mut(r.stage_index) {
            *n += 1;
        }
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    let mut rows: Vec<Row> = Vec::with_capacity(most);
    let mut order: Vec<u32> = Vec::with_capacity(most);
    let mut sorted: Vec<Obs> = Vec::with_capacity(most);
    let mut keys: Vec<u32> = Vec::with_capacity(most);

    let summaries = profile
        .stages
        .iter()
        .enumerate()
        .map(|(stage_index, stage)| {
            rows.clear();
            for (cs, &base) in stats.iter().zip(&periods.offsets) {
                for r in cs.stages.iter().filter(|r| r.stage_index == stage_index) {
                    rows.push(row(r, base));
                }
            }
            // Rows stay in child order (so reading each care period's keys streams through
            // memory); `order` visits them by ascending days.
            order_by_days(&rows, &mut order);
            sorted.clear();
            sorted.extend(order.iter().map(|&i| rows[i as usize].obs));
            let has_target = stage.target.is_some();
            let horizon = sorted
                .iter()
                .rev()
                .find(|o| o.left_out == LeftOut::No)
                .map(|o| o.days);
            let finish = |acc: &Acc| acc.stats(has_target, horizon, &config.km);
            let mut total = Acc::default();
            for &o in &sorted {
                total.add(o);
            }
            let stats = finish(&total);
            let mut groups = Vec::new();
            let sources = [(&placement_dim, Key::Placement), (&legal_dim, Key::Legal)]
                .into_iter()
                .chain(
                    period_dims
                        .iter()
                        .map(|&d| (&periods.dims[d], Key::Period(d))),
                );
            for (dim, source) in sources {
                keys.clear();
                match source {
                    Key::Placement => keys.extend(rows.iter().map(|r| r.placement)),
                    Key::Legal => keys.extend(rows.iter().map(|r| r.legal)),
                    Key::Period(d) => {
                        let column = periods.columns.get(d).map_or(&[][..], Vec::as_slice);
                        keys.extend(rows.iter().map(|r| {
                            column
                                .get(r.period as usize)
                                .copied()
                                .unwrap_or(dim.unknown)
                        }));
                    }
                }
                let mut accs: Vec<Acc> = (0..dim.labels.len()).map(|_| Acc::default()).collect();
                for (&i, &o) in order.iter().zip(&sorted) {
                    let k = keys.get(i as usize).copied().unwrap_or(dim.unknown);
                    if let Some(acc) = accs.get_mut(k as usize) {
                        acc.add(o);
                    }
                }
                let present: Vec<u32> = dim
                    .order
                    .iter()
                    .copied()
                    .filter(|&k| accs.get(k as usize).is_some_and(|a| !a.is_empty()))
                    .collect();
                if present.is_empty() || present == [dim.unknown] {
                    continue;
                }
                let values = present
                    .into_iter()
                    .map(|k| (dim.labels[k as usize].clone(), finish(&accs[k as usize])))
                    .collect();
                groups.push((dim.id.clone(), OrderedMap(values)));
            }
            StageSummary {
                id: stage.id.clone(),
                label: stage.label.clone(),
                target: stage.target,
                stats,
                groups: OrderedMap(groups),
            }
        })
        .collect();
    (summaries, omitted)
}

/// Counts the children each check applies to.
pub fn summarise_checks(
    children: &[Child],
    stats: &[ChildStats],
    checks: &[Check],
) -> Vec<CheckSummary> {
    checks
        .iter()
        .map(|check| {
            let mut current = 0;
            let mut over: Vec<(u32, &Text)> = Vec::new();
            for (child, cs) in children.iter().zip(stats) {
                for hit in cs.checks.iter().filter(|h| *h.check == *check.id) {
                    current += 1;
                    if hit.over {
                        over.push((hit.days, &child.id));
                    }
                }
            }
            crate::sort::stable_by(&mut over, |a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            CheckSummary {
                id: check.id.clone(),
                label: check.label.clone(),
                longer_than: check.longer_than,
                current,
                over: u32::try_from(over.len()).unwrap_or(u32::MAX),
                children_over: over.into_iter().map(|(_, id)| id.clone()).collect(),
            }
        })
        .collect()
}

#[derive(Clone, Copy)]
struct Row {
    obs: Obs,
    period: u32,
    placement: u32,
    legal: u32,
}

/// Where a breakdown's key comes from.
#[derive(Clone, Copy)]
enum Key {
    Placement,
    Legal,
    /// A care-period breakdown (index into `PeriodKeys::dims`).
    Period(usize),
}

/// The indices of `rows` in ascending order of days, into `order` (a counting sort: days are
/// small whole numbers).
fn order_by_days(rows: &[Row], order: &mut Vec<u32>) {
    order.clear();
    let Some(max) = rows.iter().map(|r| r.obs.days).max() else {
        return;
    };
    let max = max as usize;
    if max > rows.len().saturating_mul(8).max(1 << 16) {
        order.extend(0..rows.len() as u32);
        crate::sort::stable_by_key(order, |&i| rows[i as usize].obs.days);
        return;
    }
    let mut starts = vec![0u32; max + 2];
    for r in rows {
        starts[r.obs.days as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    order.resize(rows.len(), 0);
    for (i, r) in rows.iter().enumerate() {
        let slot = &mut starts[r.obs.days as usize];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
}

/// A group's running totals, fed with observations in ascending order of days.
#[derive(Default)]
struct Acc {
    /// Events and censorings per distinct day, ascending.
    hist: Vec<TimeCount>,
    within: u32,
    overdue: u32,
    /// Late entries (days), in the order seen.
    entries: Vec<u32>,
    start_unknown: u32,
    before_data: u32,
}

impl Acc {
    /// Whether no row at all reached the group (rows left out count).
    fn is_empty(&self) -> bool {
        self.hist.is_empty() && self.start_unknown == 0 && self.before_data == 0
    }

    fn add(&mut self, o: Obs) {
        match o.left_out {
            LeftOut::No => {}
            LeftOut::StartUnknown => {
                self.start_unknown += 1;
                return;
            }
            LeftOut::BeforeData => {
                self.before_data += 1;
                return;
            }
        }
        self.entries.extend(o.entry.get());
        match self.hist.last_mut() {
            Some(last) if last.time == o.days => last.add(o.event),
            _ => {
                let mut c = TimeCount {
                    time: o.days,
                    ..TimeCount::default()
                };
                c.add(o.event);
                self.hist.push(c);
            }
        }
        self.within += u32::from(o.event && o.within);
        self.overdue += u32::from(!o.event && o.overdue);
    }

    /// The group's statistics.
    fn stats(&self, has_target: bool, horizon: Option<u32>, km_config: &KmConfig) -> GroupStats {
        let completed: u32 = self.hist.iter().map(|c| c.events).sum();
        let started: u32 = completed + self.hist.iter().map(|c| c.censored).sum::<u32>();
        let n = completed as usize;
        // Order statistics of the completed days needed for the median and the quartiles.
        let (q1_at, q3_at) = (type7_positions(n, 0.25), type7_positions(n, 0.75));
        let (m_lo, m_hi) = (n.saturating_sub(1) / 2, n / 2);
        let mut wanted = vec![
            0,
            n.saturating_sub(1),
            m_lo,
            m_hi,
            q1_at.0,
            q1_at.1,
            q3_at.0,
            q3_at.1,
        ];
        wanted.sort_unstable();
        wanted.dedup();
        let values = completed_order_stats(&self.hist, &wanted);
        let at = |k: usize| {
            wanted
                .iter()
                .position(|&w| w == k)
                .and_then(|i| values.get(i))
                .map(|&v| f64::from(v))
        };
        let interpolate = |(lo, hi, frac): (usize, usize, f64)| {
            let (a, b) = (at(lo)?, at(hi)?);
            Some(a + frac * (b - a))
        };
        let has_completed = n > 0;
        let km = if self.hist.is_empty() {
            KmSummary::default()
        } else if self.entries.is_empty() {
            km_summary(
                &KaplanMeier::fit_counts(&self.hist, km_config),
                horizon,
                &[],
            )
        } else {
            let mut entries = self.entries.clone();
            entries.sort_unstable();
            let counts = with_entries(&self.hist, &entries);
            km_summary(
                &KaplanMeier::fit_counts(&counts, km_config),
                horizon,
                &counts,
            )
        };
        GroupStats {
            started,
            completed,
            censored: started - completed,
            median_days: has_completed
                .then(|| Some((at(m_lo)? + at(m_hi)?) / 2.0))
                .flatten(),
            q1_days: has_completed.then(|| interpolate(q1_at)).flatten(),
            q3_days: has_completed.then(|| interpolate(q3_at)).flatten(),
            min_days: has_completed.then(|| values.first().copied()).flatten(),
            max_days: has_completed.then(|| values.last().copied()).flatten(),
            within_target: has_target.then_some(self.within),
            within_target_pct: (has_target && completed > 0)
                .then(|| percent(self.within, completed)),
            waiting_overdue: self.overdue,
            entered_late: u32::try_from(self.entries.len()).unwrap_or(u32::MAX),
            start_unknown: self.start_unknown,
            before_data: self.before_data,
            km,
        }
    }
}

/// The order-statistic positions and the weight for R's type 7 quantile of `n` values.
fn type7_positions(n: usize, p: f64) -> (usize, usize, f64) {
    let last = n.saturating_sub(1);
    let h = last as f64 * p;
    let lo = h.floor() as usize;
    (lo, (lo + 1).min(last), h - h.floor())
}

/// The completed days at the given ascending positions (0-based, among completed stages).
fn completed_order_stats(hist: &[TimeCount], positions: &[usize]) -> Vec<u32> {
    let mut out = Vec::with_capacity(positions.len());
    let mut wanted = positions.iter().peekable();
    let mut seen = 0usize;
    for c in hist.iter().filter(|c| c.events > 0) {
        seen += c.events as usize;
        while let Some(&&k) = wanted.peek() {
            if k < seen {
                out.push(c.time);
                wanted.next();
            } else {
                break;
            }
        }
    }
    out
}

/// `part / whole` as a percentage rounded half up to one decimal.
pub fn percent(part: u32, whole: u32) -> f64 {
    let tenths = (u64::from(part) * 2000 + u64::from(whole)) / (2 * u64::from(whole));
    tenths as f64 / 10.0
}

/// The median of sorted values: the middle one, or the mean of the middle two.
pub fn median(sorted: &[u32]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(f64::from(sorted[n / 2])),
        _ => Some((f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0),
    }
}

/// The `p` quantile of sorted values by linear interpolation (R type 7, Excel
/// `QUARTILE.INC`).
pub fn quantile7(sorted: &[u32], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p;
    let lo = h.floor() as usize;
    let frac = h - h.floor();
    let a = f64::from(sorted[lo]);
    let b = f64::from(sorted[(lo + 1).min(last)]);
    Some(a + frac * (b - a))
}

/// The compact summary of a fit; `counts` are the counts it was fitted to when some entered
/// late (empty otherwise).
fn km_summary(km: &KaplanMeier, horizon: Option<u32>, counts: &[TimeCount]) -> KmSummary {
    let q = km.quantiles(&[0.25, 0.5, 0.75]);
    // Each list is made at its size: a session keeps them all (a curve for every group of
    // every stage), and lists grown by doubling would keep a quarter of their room unused on
    // average.
    let last_censored = km
        .rows
        .last()
        .is_some_and(|last| last.n_event == 0 && last.time > 0);
    let points = 1 + km.rows.iter().filter(|r| r.n_event > 0).count() + usize::from(last_censored);
    let mut curve = Vec::with_capacity(points);
    let mut band = Vec::with_capacity(points);
    let mut censored = Vec::with_capacity(km.rows.iter().filter(|r| r.n_censor > 0).count());
    // The curve at 0: S = 1 with σ = 0.
    let (lo0, hi0) = match km.config.conf_type {
        super::km::ConfType::LogLog => (None, None),
        _ => (Some(1.0), Some(1.0)),
    };
    curve.push((0, 1.0));
    band.push([lo0.into(), hi0.into()]);
    for r in &km.rows {
        if r.n_event > 0 {
            curve.push((r.time, r.surv));
            band.push([r.lower.into(), r.upper.into()]);
        }
        if r.n_censor > 0 {
            censored.push((r.time, r.n_censor));
        }
    }
    if let Some(last) = km.rows.last().filter(|_| last_censored) {
        curve.push((last.time, last.surv));
        band.push([last.lower.into(), last.upper.into()]);
    }
    KmSummary {
        median_days: q[1].estimate,
        median_ci: [q[1].lower, q[1].upper],
        q1_days: q[0].estimate,
        q3_days: q[2].estimate,
        restricted_mean: horizon.map(|h| km.restricted_mean(h)),
        curve,
        band,
        censored,
        entered: counts
            .iter()
            .filter(|c| c.entered > 0)
            .map(|c| (c.time, c.entered))
            .collect(),
    }
}

fn enum_dim(id: &str, ids: Vec<&str>) -> Dim {
    let mut labels: Vec<String> = ids.into_iter().map(String::from).collect();
    let unknown = labels.len() as u32;
    labels.push("unknown".into());
    Dim {
        id: id.into(),
        order: (0..labels.len() as u32).collect(),
        labels,
        unknown,
        free_text: false,
    }
}

/// The period-level breakdown keys of every care period, one column per breakdown (a pass
/// over one breakdown reads only its own column).
struct PeriodKeys {
    dims: Vec<Dim>,
    /// `columns[dim][period]`.
    columns: Vec<Vec<u32>>,
    /// The global index of each child's first care period.
    offsets: Vec<u32>,
}

/// A fast, non-cryptographic hasher (FxHash's multiply-rotate) for interning short,
/// trusted-size keys; nothing here is exposed to hash flooding beyond slowing one analysis.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_i32(&mut self, i: i32) {
        self.add(u64::from(i as u32));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Interns the text values of one breakdown; missing and blank values become `unknown`.
struct Interner<'a> {
    map: FxMap<&'a str, u32>,
    labels: Vec<&'a str>,
    /// Keys of recently seen strings by address: the loaders share one allocation per
    /// distinct label, so most lookups end here without hashing.
    by_address: Vec<(usize, usize, u32)>,
}

/// The key given to missing values until the breakdown is finished.
const MISSING: u32 = u32::MAX;

impl<'a> Interner<'a> {
    fn new() -> Self {
        Interner {
            map: FxMap::default(),
            labels: Vec::new(),
            by_address: Vec::new(),
        }
    }

    fn key(&mut self, value: Option<&'a str>) -> u32 {
        let Some(text) = value else {
            return MISSING;
        };
        let address = (text.as_ptr() as usize, text.len());
        if let Some(&(_, _, k)) = self.by_address.iter().find(|(p, l, _)| (*p, *l) == address) {
            return k;
        }
        let k = self.key_by_text(text);
        if self.by_address.len() < 64 {
            self.by_address.push((address.0, address.1, k));
        }
        k
    }

    fn key_by_text(&mut self, value: &'a str) -> u32 {
        let value = Some(value);
        let Some(v) = value
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("unknown"))
        else {
            return MISSING;
        };
        let next = self.labels.len() as u32;
        *self.map.entry(v).or_insert_with(|| {
            self.labels.push(v);
            next
        })
    }

    /// The finished breakdown: values in alphabetical order, `unknown` last.
    fn finish(self, id: String) -> Dim {
        let mut labels: Vec<String> = self.labels.iter().map(|s| s.to_string()).collect();
        let unknown = labels.len() as u32;
        labels.push("unknown".into());
        let mut order: Vec<u32> = (0..unknown).collect();
        crate::sort::stable_by(&mut order, |&a, &b| {
            labels[a as usize].cmp(&labels[b as usize])
        });
        order.push(unknown);
        Dim {
            id,
            labels,
            order,
            unknown,
            free_text: true,
        }
    }
}

impl PeriodKeys {
    fn build(children: &[Child], stats: &[ChildStats]) -> PeriodKeys {
        let attribute_names: BTreeSet<&str> = children
            .iter()
            .flat_map(|c| c.attributes.keys().map(|k| &**k))
            .collect();
        let attribute_names: Vec<&str> = attribute_names.into_iter().collect();
        // Per period, in this order: age_at_entry, year_of_entry, route, sex,
        // local_authority, team, then one per attribute.
        const TEXT: usize = 3;
        let n_text = 3 + attribute_names.len();
        let n_dims = TEXT + n_text;
        let mut text: Vec<Interner<'_>> = (0..n_text).map(|_| Interner::new()).collect();
        let total_periods: usize = children.iter().map(|c| c.care_periods.len()).sum();
        let mut columns: Vec<Vec<u32>> = (0..n_dims)
            .map(|_| Vec::with_capacity(total_periods))
            .collect();
        let mut offsets = Vec::with_capacity(children.len());
        let mut years: Vec<i32> = Vec::new();
        let mut year_index: FxMap<i32, u32> = FxMap::default();
        let mut next = 0u32;
        for (child, cs) in children.iter().zip(stats) {
            offsets.push(next);
            for (pi, period) in child.care_periods.iter().enumerate() {
                next += 1;
                let ps = cs.care_period_stats.get(pi);
                let band = ps.map_or(AgeBand::Unknown, |p| p.age_band);
                let route = ps.map_or(Route::StillLookedAfter, |p| p.route);
                // A period that began before the data has no known year of entry.
                let year = period.start.year();
                let year_key = if period.start_unknown {
                    MISSING
                } else {
                    *year_index.entry(year).or_insert_with(|| {
                        years.push(year);
                        years.len() as u32 - 1
                    })
                };
                let fixed = [
                    AgeBand::ALL.iter().position(|b| *b == band).unwrap_or(0) as u32,
                    year_key,
                    Route::ALL.iter().position(|r| *r == route).unwrap_or(0) as u32,
                    text[0].key(child.sex.as_deref()),
                    text[1].key(child.local_authority.as_deref()),
                    text[2].key(child.team.as_deref()),
                ];
                for (column, k) in columns.iter_mut().zip(fixed) {
                    column.push(k);
                }
                for (a, name) in attribute_names.iter().enumerate() {
                    let v = child.attributes.get(*name).map(|v| &**v);
                    let k = text[3 + a].key(v);
                    columns[6 + a].push(k);
                }
            }
        }
        let mut dims = Vec::with_capacity(n_dims);
        dims.push(enum_like(
            "age_at_entry",
            AgeBand::ALL.iter().map(|b| b.id()).collect(),
        ));
        let mut year_labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();
        let mut year_order: Vec<u32> = (0..years.len() as u32).collect();
        crate::sort::stable_by_key(&mut year_order, |&k| years[k as usize]);
        let year_unknown = year_labels.len() as u32;
        year_labels.push("unknown".into());
        year_order.push(year_unknown);
        dims.push(Dim {
            id: "year_of_entry".into(),
            labels: year_labels,
            order: year_order,
            unknown: year_unknown,
            free_text: false,
        });
        dims.push(enum_like(
            "route",
            Route::ALL.iter().map(|r| r.id()).collect(),
        ));
        for (i, interner) in text.into_iter().enumerate() {
            let id = match i {
                0 => "sex".to_string(),
                1 => "local_authority".to_string(),
                2 => "team".to_string(),
                _ => format!("attribute:{}", attribute_names[i - 3]),
            };
            dims.push(interner.finish(id));
        }
        // Missing text values point at their breakdown's `unknown`.
        for (column, dim) in columns.iter_mut().zip(&dims) {
            for k in column.iter_mut().filter(|k| **k == MISSING) {
                *k = dim.unknown;
            }
        }
        PeriodKeys {
            dims,
            columns,
            offsets,
        }
    }
}

/// A breakdown over a fixed vocabulary whose last value is `unknown`.
fn enum_like(id: &str, ids: Vec<&str>) -> Dim {
    let labels: Vec<String> = ids.into_iter().map(String::from).collect();
    let unknown = labels
        .iter()
        .position(|l| l == "unknown")
        .unwrap_or(labels.len()) as u32;
    Dim {
        id: id.into(),
        order: (0..labels.len() as u32).collect(),
        labels,
        unknown,
        free_text: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_quartiles_of_small_sets() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7.0));
        assert_eq!(median(&[1, 4]), Some(2.5));
        assert_eq!(median(&[1, 2, 10]), Some(2.0));
        assert_eq!(median(&[1, 2, 3, 10]), Some(2.5));
        // Type 7 on 1, 2, 3, 10: h = 0.75 → 1.75; h = 2.25 → 3 + 0.25 × 7 = 4.75.
        assert_eq!(quantile7(&[1, 2, 3, 10], 0.25), Some(1.75));
        assert_eq!(quantile7(&[1, 2, 3, 10], 0.75), Some(4.75));
        assert_eq!(quantile7(&[1, 2, 3, 10], 0.5), median(&[1, 2, 3, 10]));
        assert_eq!(quantile7(&[5], 0.75), Some(5.0));
    }

    #[test]
    fn percentages_round_half_up_to_one_decimal() {
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(1, 8), 12.5);
        // 1/16 = 6.25% → 6.3 (half up), 1/1600 = 0.0625% → 0.1.
        assert_eq!(percent(1, 16), 6.3);
        assert_eq!(percent(1, 1600), 0.1);
        assert_eq!(percent(0, 5), 0.0);
        assert_eq!(percent(5, 5), 100.0);
    }
}
