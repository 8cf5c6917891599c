//! Where the days go: time to permanence split into the stages it passes through, the days
//! spent beyond each stage's target, and what the journeys would have taken had every stage
//! over its target taken exactly its target.
//!
//! This module owns those definitions:
//! - the *permanence stage* is the profile's stage `time_to_permanence` (without one there is
//!   no decomposition); a *journey* is a care period, and it is *completed* when its
//!   permanence stage has ended by "as at". Its interval is `[P_start, P_end]`, `T` days;
//! - the *path* is the longest chain of the profile's other stages that starts where the
//!   permanence stage starts, each stage starting at a milestone that ends the one before,
//!   and stops at a milestone that ends time to permanence; on a tie the first in profile
//!   order. Scotland's is recommendation, panel, ADM, lodging, order; England's is A1 alone.
//!   Stages on the path are consecutive, so their days add up to (at most) the journey;
//! - `stages` lists every stage but the permanence stage, in profile order, with `on_path`;
//! - a stage's days in a completed journey are the days its row's interval (start to end, or
//!   to where it was censored) shares with `[P_start, P_end]`, 0 when the journey has no row
//!   for it; `median_days` and `mean_days` are over the completed journeys (zeros included),
//!   so the means of the path's stages add up to at most the mean time to permanence and a
//!   stacked bar of them splits it. The median is the middle value, or the mean of the middle
//!   two (as `stats::summary`);
//! - `days_over_target` sums, over every row of the stage (completed journeys or not), the
//!   days from the target date to the end for completed stages and to "as at" for rows still
//!   waiting in care (the excess so far); rows censored by leaving care add nothing.
//!   `children_over_target` counts the children with any such days. Both are `null` for a
//!   stage without a target;
//! - the *counterfactual* time of a completed journey is `T` less the days, inside the
//!   journey, that its completed path stages spent beyond their target dates (the union of
//!   the intervals from each target date to its stage's end, so that overlapping stages in
//!   untidy data are not counted twice). Stages off the path (the first review, say) do not
//!   hold the journey up in this model and save nothing. `counterfactual` holds the median and
//!   mean of those times, `time_to_permanence` those of `T`, over the completed journeys;
//! - `groups`: the same for every breakdown the stage statistics have, a journey belonging to
//!   one group: its care period's age band, year, route and the child's fields as in
//!   `stats::summary`, and placement and legal status on the care period's first day (where
//!   time to permanence starts). Groups are in the stage statistics' order, `unknown` last;
//!   a breakdown whose only group is `unknown` is left out.
//!
//! It reads no clock and fits no curves.

use super::child::{ChildStats, StageRow};
use super::forecast::Breakdown;
use super::profile::Profile;
use super::stage::{days_between, CensoredBy};
use super::summary::{OrderedMap, StageSummary};
use crate::model::{Child, LegalCategory, Milestone, PlacementCategory};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

/// The id of the stage that measures the whole journey.
pub const PERMANENCE_STAGE: &str = "time_to_permanence";

/// The decomposition of the cohort and of every breakdown group.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Decomposition {
    /// The stage measuring the whole journey.
    pub permanence_stage: String,
    /// The consecutive stages that split it, in order.
    pub path: Vec<String>,
    #[serde(flatten)]
    pub all: DecompositionGroup,
    /// Breakdown id → group value → the same figures for that group.
    pub groups: OrderedMap<OrderedMap<DecompositionGroup>>,
}

/// The figures of one group of journeys (or the whole cohort).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DecompositionGroup {
    /// Completed journeys.
    pub journeys: u32,
    pub stages: Vec<StageDays>,
    /// The median and mean of the completed journeys' time to permanence.
    pub time_to_permanence: Days,
    /// The same had every path stage over its target taken exactly its target.
    pub counterfactual: Days,
}

/// One stage's share of the journeys and its days beyond target.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StageDays {
    pub stage: String,
    pub on_path: bool,
    pub median_days: Option<f64>,
    pub mean_days: Option<f64>,
    pub days_over_target: Option<u64>,
    pub children_over_target: Option<u32>,
}

/// A median and a mean of days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Days {
    pub median_days: Option<f64>,
    pub mean_days: Option<f64>,
}

/// Which breakdowns' groups to decompose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Groups<'a> {
    /// Every breakdown the stage statistics have.
    All,
    /// Only this one.
    Only(&'a str),
    /// None: the whole cohort only.
    None,
}

/// Decomposes the journeys of `children` (with `stats` aligned to them) "as at" `as_at`, by
/// the breakdowns of `stages` that `which` chooses. `None` when the profile has no permanence
/// stage.
pub fn decompose(
    children: &[Child],
    stats: &[ChildStats],
    profile: &Profile,
    stages: &[StageSummary],
    as_at: NaiveDate,
    which: Groups<'_>,
) -> Option<Decomposition> {
    let p = profile
        .stages
        .iter()
        .position(|s| s.id == PERMANENCE_STAGE)?;
    let path = path_of(profile, p);
    let listed: Vec<usize> = (0..profile.stages.len()).filter(|&i| i != p).collect();
    let facts = Facts::gather(children, stats, profile, p, &path, &listed, as_at);

    let shape = Shape {
        profile,
        listed: &listed,
        path: &path,
    };
    // Finished at once, so that its lists are freed before the groups' are made.
    let all = {
        let mut all = Acc::with_capacity(listed.len(), facts.journeys.len());
        for j in 0..facts.journeys.len() {
            all.add_journey(&facts, j);
        }
        for e in &facts.excess {
            all.add_excess(e);
        }
        all.finish(&shape)
    };
    let mut groups = Vec::new();
    for (b, order) in breakdowns(stages, which) {
        let mut labels: Vec<String> = order;
        let Some(period_key) = facts.keys(children, stats, &b, &mut labels) else {
            continue;
        };
        let mut sizes = vec![0usize; labels.len()];
        for journey in &facts.journeys {
            sizes[period_key[journey.period as usize]] += 1;
        }
        let mut accs: Vec<Acc> = sizes
            .iter()
            .map(|&n| Acc::with_capacity(listed.len(), n))
            .collect();
        for (j, journey) in facts.journeys.iter().enumerate() {
            accs[period_key[journey.period as usize]].add_journey(&facts, j);
        }
        for e in &facts.excess {
            accs[period_key[e.period as usize]].add_excess(e);
        }
        let mut present: Vec<usize> = (0..labels.len()).filter(|&k| !accs[k].is_empty()).collect();
        // `unknown` last.
        crate::sort::stable_by_key(&mut present, |&k| labels[k] == "unknown");
        if present.is_empty() || present.iter().all(|&k| labels[k] == "unknown") {
            continue;
        }
        let values = present
            .into_iter()
            .map(|k| (labels[k].clone(), accs[k].finish(&shape)))
            .collect();
        groups.push((b, OrderedMap(values)));
    }
    Some(Decomposition {
        permanence_stage: profile.stages[p].id.clone(),
        path: path.iter().map(|&i| profile.stages[i].id.clone()).collect(),
        all,
        groups: OrderedMap(groups),
    })
}

/// The longest chain of stages from where stage `p` starts (see the module documentation).
pub fn path_of(profile: &Profile, p: usize) -> Vec<usize> {
    fn walk(
        profile: &Profile,
        p: usize,
        at: Milestone,
        current: &mut Vec<usize>,
        best: &mut Vec<usize>,
    ) {
        let ends = &profile.stages[p].to;
        for (i, s) in profile.stages.iter().enumerate() {
            if i == p || s.from != at || current.contains(&i) {
                continue;
            }
            current.push(i);
            if current.len() > best.len() {
                best.clone_from(current);
            }
            for &m in &s.to {
                if !ends.contains(&m) {
                    walk(profile, p, m, current, best);
                }
            }
            current.pop();
        }
    }
    let mut best = Vec::new();
    walk(
        profile,
        p,
        profile.stages[p].from,
        &mut Vec::new(),
        &mut best,
    );
    best
}

/// The breakdowns of the stage statistics, each with its groups in their order of first
/// appearance.
fn breakdowns(stages: &[StageSummary], which: Groups<'_>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for s in stages {
        for (b, groups) in &s.groups.0 {
            let wanted = match which {
                Groups::All => true,
                Groups::Only(o) => o == b,
                Groups::None => false,
            };
            if !wanted {
                continue;
            }
            let at = match out.iter().position(|(k, _)| k == b) {
                Some(i) => i,
                None => {
                    out.push((b.clone(), Vec::new()));
                    out.len() - 1
                }
            };
            for g in groups.keys() {
                if !out[at].1.iter().any(|x| x == g) {
                    out[at].1.push(g.to_string());
                }
            }
        }
    }
    out
}

/// One completed journey.
struct Journey {
    /// The global index of its care period.
    period: u32,
    days: u32,
    counterfactual: u32,
}

/// Days beyond target of one stage row.
struct Excess {
    child: u32,
    period: u32,
    /// Index into the listed stages.
    listed: u32,
    days: u32,
}

/// Where a care period is found, and what stands for it in the placement and legal status
/// breakdowns.
struct PeriodKey {
    child: u32,
    period: u32,
    placement: Option<PlacementCategory>,
    legal: Option<LegalCategory>,
}

/// What the aggregation needs, gathered in one pass over the rows.
struct Facts {
    journeys: Vec<Journey>,
    /// `shares[j * listed + k]`: days of listed stage `k` in journey `j`.
    shares: Vec<u32>,
    listed: usize,
    excess: Vec<Excess>,
    /// Every care period by global index: the child, the period's index within the child,
    /// and the placement and legal status on its first day.
    periods: Vec<PeriodKey>,
}

impl Facts {
    fn gather(
        children: &[Child],
        stats: &[ChildStats],
        profile: &Profile,
        p: usize,
        path: &[usize],
        listed: &[usize],
        as_at: NaiveDate,
    ) -> Facts {
        let mut slot = vec![usize::MAX; profile.stages.len()];
        for (k, &i) in listed.iter().enumerate() {
            slot[i] = k;
        }
        // Sized at once (a journey for each completed row of stage `p` at most), so that no
        // list doubles: wasm memory, which never shrinks, would keep the room of both copies.
        let periods: usize = children.iter().map(|c| c.care_periods.len()).sum();
        let journeys = stats
            .iter()
            .flat_map(|cs| &cs.stages)
            .filter(|r| r.stage_index == p && r.end.is_some())
            .count();
        let mut facts = Facts {
            journeys: Vec::with_capacity(journeys),
            shares: Vec::with_capacity(journeys.saturating_mul(listed.len())),
            listed: listed.len(),
            excess: Vec::new(),
            periods: Vec::with_capacity(periods),
        };
        let mut intervals: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        for (ci, (child, cs)) in children.iter().zip(stats).enumerate() {
            let mut rows: &[StageRow] = &cs.stages;
            for pi in 0..child.care_periods.len() {
                let global = facts.periods.len() as u32;
                let period = &child.care_periods[pi];
                facts.periods.push(PeriodKey {
                    child: ci as u32,
                    period: pi as u32,
                    placement: period
                        .placement_on(period.start)
                        .or_else(|| period.placements.first())
                        .map(|p| p.category),
                    legal: child.legal_on(period.start).map(|l| l.category),
                });
                let n = rows
                    .iter()
                    .take_while(|r| r.care_period_index == pi)
                    .count();
                let (period_rows, rest) = rows.split_at(n);
                rows = rest;
                for r in period_rows {
                    let Some(&k) = slot.get(r.stage_index).filter(|&&k| k != usize::MAX) else {
                        continue;
                    };
                    let days = excess_days(r, as_at);
                    if days > 0 {
                        facts.excess.push(Excess {
                            child: ci as u32,
                            period: global,
                            listed: k as u32,
                            days,
                        });
                    }
                }
                let Some(perm) = period_rows.iter().find(|r| r.stage_index == p) else {
                    continue;
                };
                let Some(p_end) = perm.end else {
                    continue;
                };
                let p_start = perm.start;
                let at = facts.shares.len();
                facts.shares.resize(at + listed.len(), 0);
                intervals.clear();
                for r in period_rows {
                    let Some(&k) = slot.get(r.stage_index).filter(|&&k| k != usize::MAX) else {
                        continue;
                    };
                    let end = r
                        .start
                        .checked_add_days(chrono::Days::new(r.days.into()))
                        .unwrap_or(r.start);
                    facts.shares[at + k] = overlap((r.start, end), (p_start, p_end));
                    if let (Some(e), Some(t), true) =
                        (r.end, r.target_date, path.contains(&r.stage_index))
                    {
                        let (a, b) = (t.max(p_start), e.min(p_end));
                        if a < b {
                            intervals.push((a, b));
                        }
                    }
                }
                let saved = union_days(&mut intervals);
                facts.journeys.push(Journey {
                    period: global,
                    days: perm.days,
                    counterfactual: perm.days.saturating_sub(saved),
                });
            }
        }
        facts
    }

    /// Every care period's group in breakdown `b`, by global index, as an index into
    /// `labels` (which starts with the groups' known order and gains any new ones); `None`
    /// for an id that names no breakdown.
    fn keys(
        &self,
        children: &[Child],
        stats: &[ChildStats],
        b: &str,
        labels: &mut Vec<String>,
    ) -> Option<Vec<usize>> {
        let breakdown = Breakdown::parse(b)?;
        let mut index: HashMap<String, usize> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect();
        // Labels are mostly shared allocations (vocabulary ids, the loaders' interned text):
        // remember recent ones by address, so most periods need no hashing.
        let mut recent: Vec<(usize, usize, usize)> = Vec::new();
        let mut years: HashMap<i32, usize> = HashMap::new();
        self.periods
            .iter()
            .map(|p| {
                let ci = p.child as usize;
                let child = &children[ci];
                if breakdown == Breakdown::YearOfEntry {
                    if let Some(period) = child.care_periods.get(p.period as usize) {
                        let year = period.start.year();
                        if let Some(&k) = years.get(&year) {
                            return k;
                        }
                        let k = key_for(&year.to_string(), labels, &mut index);
                        years.insert(year, k);
                        return k;
                    }
                }
                let group =
                    || breakdown.group(child, &stats[ci], p.period as usize, p.placement, p.legal);
                // The child's own text is recognised by the recorded text's address (before
                // trimming); other labels are vocabulary ids, by their own address.
                let (address, label) = match breakdown.raw(child) {
                    Some(text) => (
                        text.map_or((0, 0), |s| (s.as_ptr() as usize, s.len())),
                        None,
                    ),
                    None => {
                        let label = group();
                        let l = label.as_deref().unwrap_or("unknown");
                        ((l.as_ptr() as usize, l.len()), label)
                    }
                };
                if let Some(&(_, _, k)) = recent.iter().find(|r| (r.0, r.1) == address) {
                    return k;
                }
                let label = label.or_else(group);
                let k = key_for(label.as_deref().unwrap_or("unknown"), labels, &mut index);
                if recent.len() < 64 {
                    recent.push((address.0, address.1, k));
                }
                k
            })
            .collect::<Vec<usize>>()
            .into()
    }
}

/// The index of `label` in `labels`, adding it if new.
fn key_for(label: &str, labels: &mut Vec<String>, index: &mut HashMap<String, usize>) -> usize {
    match index.get(label) {
        Some(&k) => k,
        None => {
            labels.push(label.to_string());
            index.insert(label.to_string(), labels.len() - 1);
            labels.len() - 1
        }
    }
}

/// Days beyond target of a row: to the end for a completed stage, to "as at" for one still
/// waiting in care, none otherwise.
fn excess_days(row: &StageRow, as_at: NaiveDate) -> u32 {
    let Some(target) = row.target_date else {
        return 0;
    };
    let until = match (row.end, row.censored_by) {
        (Some(end), _) => end,
        (None, Some(CensoredBy::AsAt)) => as_at,
        _ => return 0,
    };
    if until > target {
        days_between(target, until)
    } else {
        0
    }
}

/// Days shared by two intervals.
fn overlap(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> u32 {
    let (start, end) = (a.0.max(b.0), a.1.min(b.1));
    if end > start {
        days_between(start, end)
    } else {
        0
    }
}

/// The days covered by a set of intervals (each `[start, end)` in days).
fn union_days(intervals: &mut [(NaiveDate, NaiveDate)]) -> u32 {
    intervals.sort_unstable();
    let mut total = 0;
    let mut current: Option<(NaiveDate, NaiveDate)> = None;
    for &(a, b) in intervals.iter() {
        current = match current {
            Some((s, e)) if a <= e => Some((s, e.max(b))),
            Some((s, e)) => {
                total += days_between(s, e);
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((s, e)) = current {
        total += days_between(s, e);
    }
    total
}

/// Which stages the figures are for.
struct Shape<'a> {
    profile: &'a Profile,
    listed: &'a [usize],
    path: &'a [usize],
}

/// A group's journeys and excess days.
struct Acc {
    days: Vec<u32>,
    counterfactual: Vec<u32>,
    /// Per listed stage, its days in each journey.
    shares: Vec<Vec<u32>>,
    over: Vec<u64>,
    children_over: Vec<u32>,
    /// Per listed stage, the last child counted (rows come in child order).
    last_child: Vec<Option<u32>>,
}

impl Acc {
    /// Room for `journeys` journeys of `listed` stages.
    fn with_capacity(listed: usize, journeys: usize) -> Acc {
        Acc {
            days: Vec::with_capacity(journeys),
            counterfactual: Vec::with_capacity(journeys),
            shares: (0..listed).map(|_| Vec::with_capacity(journeys)).collect(),
            over: vec![0; listed],
            children_over: vec![0; listed],
            last_child: vec![None; listed],
        }
    }

    fn is_empty(&self) -> bool {
        self.days.is_empty() && self.children_over.iter().all(|&n| n == 0)
    }

    fn add_journey(&mut self, facts: &Facts, j: usize) {
        let journey = &facts.journeys[j];
        self.days.push(journey.days);
        self.counterfactual.push(journey.counterfactual);
        let row = &facts.shares[j * facts.listed..(j + 1) * facts.listed];
        for (k, &d) in row.iter().enumerate() {
            self.shares[k].push(d);
        }
    }

    fn add_excess(&mut self, e: &Excess) {
        let k = e.listed as usize;
        self.over[k] += u64::from(e.days);
        if self.last_child[k] != Some(e.child) {
            self.last_child[k] = Some(e.child);
            self.children_over[k] += 1;
        }
    }

    fn finish(&mut self, shape: &Shape<'_>) -> DecompositionGroup {
        let stages = shape
            .listed
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let stage = &shape.profile.stages[i];
                let has_target = stage.target.is_some();
                StageDays {
                    stage: stage.id.clone(),
                    on_path: shape.path.contains(&i),
                    median_days: median_of(&mut self.shares[k]),
                    mean_days: mean_of(&self.shares[k]),
                    days_over_target: has_target.then_some(self.over[k]),
                    children_over_target: has_target.then_some(self.children_over[k]),
                }
            })
            .collect();
        DecompositionGroup {
            journeys: u32::try_from(self.days.len()).unwrap_or(u32::MAX),
            stages,
            time_to_permanence: Days {
                median_days: median_of(&mut self.days),
                mean_days: mean_of(&self.days),
            },
            counterfactual: Days {
                median_days: median_of(&mut self.counterfactual),
                mean_days: mean_of(&self.counterfactual),
            },
        }
    }
}

/// The middle value, or the mean of the middle two (as `stats::summary::median` of the sorted
/// values), found
/// without sorting.
fn median_of(values: &mut [u32]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, &mut upper, _) = values.select_nth_unstable(n / 2);
    if n % 2 == 1 {
        return Some(f64::from(upper));
    }
    let lower = below.iter().copied().max().unwrap_or(upper);
    Some((f64::from(lower) + f64::from(upper)) / 2.0)
}

fn mean_of(values: &[u32]) -> Option<f64> {
    (!values.is_empty())
        .then(|| values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn the_path_of_each_built_in_profile() {
        let ids = |p: &Profile| {
            let i = p
                .stages
                .iter()
                .position(|s| s.id == PERMANENCE_STAGE)
                .expect("a permanence stage");
            path_of(p, i)
                .into_iter()
                .map(|k| p.stages[k].id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&Profile::scotland()),
            [
                "permanence_recommendation",
                "recommendation_to_panel",
                "panel_to_adm",
                "adm_to_lodging",
                "lodging_to_order"
            ]
        );
        assert_eq!(ids(&Profile::england()), ["a1"]);
    }

    #[test]
    fn medians_without_sorting() {
        assert_eq!(median_of(&mut []), None);
        assert_eq!(median_of(&mut [7]), Some(7.0));
        assert_eq!(median_of(&mut [9, 1, 4]), Some(4.0));
        assert_eq!(median_of(&mut [10, 1, 3, 2]), Some(2.5));
        assert_eq!(median_of(&mut [0, 0, 5, 0]), Some(0.0));
    }

    #[test]
    fn overlapping_intervals_count_once() {
        // [1, 11) and [6, 21) cover 20 days; [25, 30) adds 5.
        let mut v = vec![
            (d(2024, 1, 6), d(2024, 1, 21)),
            (d(2024, 1, 1), d(2024, 1, 11)),
            (d(2024, 1, 25), d(2024, 1, 30)),
        ];
        assert_eq!(union_days(&mut v), 25);
        assert_eq!(union_days(&mut []), 0);
    }
}
