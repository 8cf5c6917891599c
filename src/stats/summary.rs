//! Cohort statistics per stage, for everyone and for each breakdown group: counts, medians
//! and quartiles of completed stages, the share within target, who is waiting overdue, and
//! the Kaplan–Meier estimate that counts the waits still in progress.
//!
//! This module owns the aggregation and the breakdowns. Definitions:
//! - `started` = stage rows; `completed` = rows with an end; `censored` = the rest.
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
//!   `year_of_entry` (calendar year of the care period's start), `route` (route to permanence of
//!   the care period) and `attribute:<name>` for each other column of the children table.
//!   Missing values form the group `unknown`. A breakdown whose only group is `unknown` is left
//!   out of that stage; a breakdown taken from the input's text (sex, authority, team,
//!   attributes) with more than `max_groups` values in the cohort is left out everywhere and
//!   listed in `breakdowns_omitted`.
//!
//! It does not decide stage semantics (that is `stats::stage`).

use super::child::{AgeBand, ChildStats, Route};
use super::duration::CalendarDuration;
use super::km::{KaplanMeier, KmConfig, Observation, RestrictedMean};
use super::profile::{Check, Profile};
use crate::model::{Child, LegalCategory, PlacementCategory, Text};
use chrono::Datelike;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::{BTreeSet, HashMap};

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
    pub km: KmSummary,
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
    pub band: Vec<(Option<f64>, Option<f64>)>,
    /// `[days, number censored]` at each censoring time.
    pub censored: Vec<(u32, u32)>,
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

    // Stage rows grouped by stage, each with its period's global index and its own keys.
    let n_stages = profile.stages.len();
    let mut rows: Vec<Vec<Row>> = vec![Vec::new(); n_stages];
    for (ci, cs) in stats.iter().enumerate() {
        let base = periods.offsets[ci];
        for r in &cs.stages {
            let Some(bucket) = rows.get_mut(r.stage_index) else {
                continue;
            };
            bucket.push(Row {
                obs: Obs {
                    days: r.days,
                    event: r.end.is_some(),
                    within: r.within_target == Some(true),
                    overdue: r.overdue,
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
            });
        }
    }

    let mut scratch = Scratch::default();
    let summaries = profile
        .stages
        .iter()
        .zip(rows)
        .map(|(stage, mut rows)| {
            rows.sort_unstable_by_key(|r| r.obs.days);
            let has_target = stage.target.is_some();
            let horizon = rows.last().map(|r| r.obs.days);
            let all: Vec<Obs> = rows.iter().map(|r| r.obs).collect();
            let stats = group_stats(&all, has_target, horizon, &config.km, &mut scratch);
            let mut groups = Vec::new();
            let mut emit = |dim: &Dim, key_of: &dyn Fn(&Row) -> u32| {
                let by_key = split_by_key(&rows, dim.labels.len(), key_of, &mut scratch);
                let present: Vec<u32> = dim
                    .order
                    .iter()
                    .copied()
                    .filter(|&k| !by_key[k as usize].is_empty())
                    .collect();
                if present.is_empty() || present == [dim.unknown] {
                    return;
                }
                let values = present
                    .into_iter()
                    .map(|k| {
                        let g = group_stats(
                            &by_key[k as usize],
                            has_target,
                            horizon,
                            &config.km,
                            &mut scratch,
                        );
                        (dim.labels[k as usize].clone(), g)
                    })
                    .collect();
                groups.push((dim.id.clone(), OrderedMap(values)));
            };
            emit(&placement_dim, &|r: &Row| r.placement);
            emit(&legal_dim, &|r: &Row| r.legal);
            for &d in &period_dims {
                let n_dims = periods.dims.len();
                let keys = &periods.keys;
                emit(&periods.dims[d], &|r: &Row| {
                    keys[r.period as usize * n_dims + d]
                });
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
            over.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
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

/// Reused buffers.
#[derive(Default)]
struct Scratch {
    completed: Vec<u32>,
    km_obs: Vec<Observation>,
}

/// Splits rows (sorted by days) into one sorted list per key.
fn split_by_key(
    rows: &[Row],
    n_keys: usize,
    key_of: &dyn Fn(&Row) -> u32,
    _scratch: &mut Scratch,
) -> Vec<Vec<Obs>> {
    let mut counts = vec![0usize; n_keys];
    let keys: Vec<u32> = rows.iter().map(key_of).collect();
    for &k in &keys {
        counts[k as usize] += 1;
    }
    let mut out: Vec<Vec<Obs>> = counts.iter().map(|&c| Vec::with_capacity(c)).collect();
    for (r, &k) in rows.iter().zip(&keys) {
        out[k as usize].push(r.obs);
    }
    out
}

/// The statistics of observations sorted by days.
fn group_stats(
    obs: &[Obs],
    has_target: bool,
    horizon: Option<u32>,
    km_config: &KmConfig,
    scratch: &mut Scratch,
) -> GroupStats {
    let started = obs.len() as u32;
    scratch.completed.clear();
    scratch
        .completed
        .extend(obs.iter().filter(|o| o.event).map(|o| o.days));
    let done = &scratch.completed;
    let completed = done.len() as u32;
    let within = obs.iter().filter(|o| o.event && o.within).count() as u32;
    let waiting_overdue = obs.iter().filter(|o| !o.event && o.overdue).count() as u32;
    let within_target_pct = (has_target && completed > 0).then(|| percent(within, completed));
    let km = if obs.is_empty() {
        KmSummary::default()
    } else {
        scratch.km_obs.clear();
        scratch.km_obs.extend(obs.iter().map(|o| Observation {
            time: o.days,
            event: o.event,
        }));
        km_summary(
            &KaplanMeier::fit_sorted(&scratch.km_obs, km_config),
            horizon,
        )
    };
    GroupStats {
        started,
        completed,
        censored: started - completed,
        median_days: median(done),
        q1_days: quantile7(done, 0.25),
        q3_days: quantile7(done, 0.75),
        min_days: done.first().copied(),
        max_days: done.last().copied(),
        within_target: has_target.then_some(within),
        within_target_pct,
        waiting_overdue,
        km,
    }
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

fn km_summary(km: &KaplanMeier, horizon: Option<u32>) -> KmSummary {
    let q = km.quantiles(&[0.25, 0.5, 0.75]);
    let mut curve = Vec::new();
    let mut band = Vec::new();
    let mut censored = Vec::new();
    // The curve at 0: S = 1 with σ = 0.
    let (lo0, hi0) = match km.config.conf_type {
        super::km::ConfType::LogLog => (None, None),
        _ => (Some(1.0), Some(1.0)),
    };
    curve.push((0, 1.0));
    band.push((lo0, hi0));
    for r in &km.rows {
        if r.n_event > 0 {
            curve.push((r.time, r.surv));
            band.push((r.lower, r.upper));
        }
        if r.n_censor > 0 {
            censored.push((r.time, r.n_censor));
        }
    }
    if let Some(last) = km.rows.last() {
        if last.n_event == 0 && last.time > 0 {
            curve.push((last.time, last.surv));
            band.push((last.lower, last.upper));
        }
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

/// The period-level breakdown keys of every care period, flattened.
struct PeriodKeys {
    dims: Vec<Dim>,
    /// `keys[period * dims.len() + dim]`.
    keys: Vec<u32>,
    /// The global index of each child's first care period.
    offsets: Vec<u32>,
}

/// Interns the text values of one breakdown; missing and blank values become `unknown`.
struct Interner<'a> {
    map: HashMap<&'a str, u32>,
    labels: Vec<&'a str>,
}

/// The key given to missing values until the breakdown is finished.
const MISSING: u32 = u32::MAX;

impl<'a> Interner<'a> {
    fn new() -> Self {
        Interner {
            map: HashMap::new(),
            labels: Vec::new(),
        }
    }

    fn key(&mut self, value: Option<&'a str>) -> u32 {
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
        order.sort_by(|&a, &b| labels[a as usize].cmp(&labels[b as usize]));
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
        let mut keys = Vec::with_capacity(total_periods * n_dims);
        let mut offsets = Vec::with_capacity(children.len());
        let mut years: Vec<i32> = Vec::new();
        let mut year_index: HashMap<i32, u32> = HashMap::new();
        let mut next = 0u32;
        for (child, cs) in children.iter().zip(stats) {
            offsets.push(next);
            for (pi, period) in child.care_periods.iter().enumerate() {
                next += 1;
                let ps = cs.care_period_stats.get(pi);
                let band = ps.map_or(AgeBand::Unknown, |p| p.age_band);
                let route = ps.map_or(Route::StillLookedAfter, |p| p.route);
                keys.push(AgeBand::ALL.iter().position(|b| *b == band).unwrap_or(0) as u32);
                let year = period.start.year();
                keys.push(*year_index.entry(year).or_insert_with(|| {
                    years.push(year);
                    years.len() as u32 - 1
                }));
                keys.push(Route::ALL.iter().position(|r| *r == route).unwrap_or(0) as u32);
                keys.push(text[0].key(child.sex.as_deref()));
                keys.push(text[1].key(child.local_authority.as_deref()));
                keys.push(text[2].key(child.team.as_deref()));
                for (a, name) in attribute_names.iter().enumerate() {
                    let v = child.attributes.get(*name).map(|v| &**v);
                    keys.push(text[3 + a].key(v));
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
        year_order.sort_by_key(|&k| years[k as usize]);
        let year_unknown = year_labels.len() as u32;
        year_labels.push("unknown".into());
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
        for (i, k) in keys.iter_mut().enumerate() {
            if *k == MISSING {
                *k = dims[i % n_dims].unknown;
            }
        }
        PeriodKeys {
            dims,
            keys,
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
