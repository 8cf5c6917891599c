//! The stage table the page's Overview shows: every stage for the children in view with its
//! figures, and with a breakdown every group of it, each labelled; its export; and the checks
//! with the children over them.
//!
//! This module owns the page's compact form of [`crate::stats`] results (the Kaplan–Meier
//! curve stays in the core, where the charts are drawn) and the export's columns. Every
//! figure comes from `stats::compute`; nothing here is computed twice. Labels come from
//! [`crate::stats::breakdown`].

use crate::stats::{
    breakdown_label, group_label, Breakdown, CheckSummary, GroupStats, Profile, RestrictedMean,
    StageSummary,
};
use crate::table::Table;
use serde::Serialize;

/// The stage table the Overview shows: every stage for the children in view, and, with a
/// breakdown, every group of it.
#[derive(Serialize)]
pub struct StageTable<'a> {
    pub profile_id: &'a str,
    pub profile_label: &'a str,
    /// Children the figures are for (after the filters) and in all.
    pub matched: usize,
    pub total: usize,
    /// Counts of the children in view.
    pub counts: CohortCounts,
    /// The breakdown shown, if any, with its label.
    pub breakdown: Option<(String, String)>,
    /// The breakdowns that have groups for at least one stage, as `[id, label]`.
    pub breakdowns: Vec<(String, String)>,
    pub stages: Vec<StageView<'a>>,
    pub checks: Vec<CheckView>,
}

/// How many of the children in view are in care, waiting beyond a target, and moved three or
/// more times in the last 12 months.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct CohortCounts {
    pub in_care: usize,
    pub overdue: usize,
    pub unstable: usize,
}

/// One stage row of the table, with its groups under the breakdown shown.
#[derive(Serialize)]
pub struct StageView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub description: &'a str,
    /// The target as written ("6 weeks"), if any.
    pub target: Option<String>,
    #[serde(flatten)]
    pub figures: Figures<'a>,
    /// `[value, label, figures]` for each group of the breakdown shown.
    pub groups: Vec<(String, String, Figures<'a>)>,
}

/// A group's figures without the Kaplan–Meier curve (which stays in the worker).
#[derive(Serialize)]
pub struct Figures<'a> {
    pub started: u32,
    pub completed: u32,
    pub censored: u32,
    pub median_days: Option<f64>,
    pub q1_days: Option<f64>,
    pub q3_days: Option<f64>,
    pub min_days: Option<u32>,
    pub max_days: Option<u32>,
    pub within_target: Option<u32>,
    pub within_target_pct: Option<f64>,
    pub waiting_overdue: u32,
    pub km: KmFigures<'a>,
}

/// The Kaplan–Meier figures of a group.
#[derive(Serialize)]
pub struct KmFigures<'a> {
    pub median_days: Option<f64>,
    pub median_ci: [Option<f64>; 2],
    pub q1_days: Option<f64>,
    pub q3_days: Option<f64>,
    pub restricted_mean: &'a Option<RestrictedMean>,
}

/// A check's count, with the children over its limit (as indices into the session's children,
/// and as the page names them).
#[derive(Serialize)]
pub struct CheckView {
    pub id: String,
    pub label: String,
    pub longer_than: String,
    pub current: u32,
    pub over: u32,
    /// `[index, name]` of the first children over, longest first.
    pub children_over: Vec<(usize, String)>,
}

impl<'a> Figures<'a> {
    /// The compact form of a group's statistics.
    pub fn of(g: &'a GroupStats) -> Figures<'a> {
        Figures {
            started: g.started,
            completed: g.completed,
            censored: g.censored,
            median_days: g.median_days,
            q1_days: g.q1_days,
            q3_days: g.q3_days,
            min_days: g.min_days,
            max_days: g.max_days,
            within_target: g.within_target,
            within_target_pct: g.within_target_pct,
            waiting_overdue: g.waiting_overdue,
            km: KmFigures {
                median_days: g.km.median_days,
                median_ci: g.km.median_ci,
                q1_days: g.km.q1_days,
                q3_days: g.km.q3_days,
                restricted_mean: &g.km.restricted_mean,
            },
        }
    }
}

/// Everything [`stage_table`] needs.
pub struct TableInput<'a, 'f> {
    pub profile: &'a Profile,
    pub stages: &'a [StageSummary],
    pub checks: &'a [CheckSummary],
    pub matched: usize,
    pub total: usize,
    pub counts: CohortCounts,
    pub breakdown: Option<&'f str>,
    /// Turns a child ID into `(index, name as shown)`, or `None` if it is not in view.
    pub name_of: &'f dyn Fn(&str) -> Option<(usize, String)>,
}

/// The most children listed under a check.
const CHECK_CHILDREN: usize = 200;

/// Builds the stage table.
pub fn stage_table<'a>(input: &TableInput<'a, '_>) -> StageTable<'a> {
    let breakdown = input
        .breakdown
        .filter(|b| !b.is_empty())
        .map(|b| (b.to_string(), breakdown_label(b)));
    let mut available: Vec<String> = Vec::new();
    for s in input.stages {
        for key in s.groups.keys() {
            if !available.iter().any(|a| a == key) {
                available.push(key.to_string());
            }
        }
    }
    // The fixed breakdowns first, in their order, then the attributes as found.
    let mut breakdowns: Vec<(String, String)> = Breakdown::ALL
        .iter()
        .filter(|b| available.iter().any(|a| a == b.id()))
        .map(|b| (b.id().to_string(), b.label().to_string()))
        .collect();
    for a in &available {
        if Breakdown::from_id(a).is_none() {
            breakdowns.push((a.clone(), breakdown_label(a)));
        }
    }
    let stages = input
        .stages
        .iter()
        .map(|s| {
            let description = input
                .profile
                .stages
                .iter()
                .find(|p| p.id == s.id)
                .map_or("", |p| p.description.as_str());
            let groups = match &breakdown {
                Some((b, _)) => s
                    .groups
                    .get(b)
                    .map(|g| {
                        g.0.iter()
                            .map(|(value, stats)| {
                                (value.clone(), group_label(b, value), Figures::of(stats))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            StageView {
                id: &s.id,
                label: &s.label,
                description,
                target: s.target.map(|t| t.to_string()),
                figures: Figures::of(&s.stats),
                groups,
            }
        })
        .collect();
    let checks = input
        .checks
        .iter()
        .map(|c| CheckView {
            id: c.id.clone(),
            label: c.label.clone(),
            longer_than: c.longer_than.to_string(),
            current: c.current,
            over: c.over,
            children_over: c
                .children_over
                .iter()
                .filter_map(|id| (input.name_of)(id))
                .take(CHECK_CHILDREN)
                .collect(),
        })
        .collect();
    StageTable {
        profile_id: &input.profile.id,
        profile_label: &input.profile.label,
        matched: input.matched,
        total: input.total,
        counts: input.counts,
        breakdown,
        breakdowns,
        stages,
        checks,
    }
}

/// The stage table as a table to export: one row per stage, and one per stage and group
/// under `breakdown`.
pub fn stage_table_export(stages: &[StageSummary], breakdown: Option<&str>) -> Table {
    let mut table = Table::new(&[
        "stage",
        "stage_label",
        "target",
        "breakdown",
        "group",
        "started",
        "completed",
        "censored",
        "median_days",
        "q1_days",
        "q3_days",
        "within_target",
        "within_target_pct",
        "waiting_overdue",
        "km_median_days",
        "km_median_lower",
        "km_median_upper",
    ]);
    // Every digit of the figure as computed (the shortest text that reads back the same).
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut row = |s: &StageSummary, b: &str, group: &str, g: &GroupStats| {
        table.push(vec![
            s.id.clone(),
            s.label.clone(),
            s.target.map(|t| t.to_string()).unwrap_or_default(),
            b.to_string(),
            group.to_string(),
            g.started.to_string(),
            g.completed.to_string(),
            g.censored.to_string(),
            num(g.median_days),
            num(g.q1_days),
            num(g.q3_days),
            g.within_target.map(|n| n.to_string()).unwrap_or_default(),
            num(g.within_target_pct),
            g.waiting_overdue.to_string(),
            num(g.km.median_days),
            num(g.km.median_ci[0]),
            num(g.km.median_ci[1]),
        ]);
    };
    for s in stages {
        row(s, "", "", &s.stats);
        if let Some((b, groups)) = breakdown.and_then(|b| s.groups.get(b).map(|g| (b, g))) {
            for (value, g) in &groups.0 {
                row(s, b, value, g);
            }
        }
    }
    table
}
