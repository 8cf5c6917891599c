//! The stage table the page's Overview shows: every stage for the children in view with its
//! figures, and with a breakdown every group of it, each labelled; its export; and the checks
//! with the children over them.
//!
//! This module owns the page's compact form of [`crate::stats`] results (the Kaplan–Meier
//! curve stays in the core, where the charts are drawn) and the export's columns. Every
//! figure comes from `stats::compute`; nothing here is computed twice. Labels come from
//! [`crate::stats::breakdown`].

use super::sharing::{protect_stage_rows, Cell, RowShown, StageRow};
use crate::disclosure::{protect, CountTable, Rules, Shown, WITHHELD};
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
    /// For sharing: the headline counts as they may be shown (the page shows these instead).
    pub shared: Option<SharedCounts>,
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

/// A group's figures without the Kaplan–Meier curve (which stays in the worker). Each is a
/// number, `null` where there is none, or, for sharing, `"[c]"` where it is withheld.
#[derive(Serialize)]
pub struct Figures<'a> {
    pub started: Cell,
    pub completed: Cell,
    pub censored: Cell,
    pub median_days: Cell,
    pub q1_days: Cell,
    pub q3_days: Cell,
    pub min_days: Cell,
    pub max_days: Cell,
    pub within_target: Cell,
    pub within_target_pct: Cell,
    pub waiting_overdue: Cell,
    pub km: KmFigures<'a>,
}

/// The Kaplan–Meier figures of a group.
#[derive(Serialize)]
pub struct KmFigures<'a> {
    pub median_days: Cell,
    pub median_ci: [Cell; 2],
    pub q1_days: Cell,
    pub q3_days: Cell,
    pub restricted_mean: Option<&'a RestrictedMean>,
    /// Withheld for sharing (too few children): every figure above is `"[c]"`.
    pub withheld: bool,
}

/// A check's count, with the children over its limit (as indices into the session's children,
/// and as the page names them).
#[derive(Serialize)]
pub struct CheckView {
    pub id: String,
    pub label: String,
    pub longer_than: String,
    pub current: Cell,
    pub over: Cell,
    /// `[index, name]` of the first children over, longest first (none for sharing).
    pub children_over: Vec<(usize, String)>,
}

impl<'a> Figures<'a> {
    /// The compact form of a group's statistics.
    pub fn of(g: &'a GroupStats) -> Figures<'a> {
        let value = Cell::Value;
        let whole = |v: Option<u32>| Cell::Value(v.map(f64::from));
        Figures {
            started: Cell::count(g.started),
            completed: Cell::count(g.completed),
            censored: Cell::count(g.censored),
            median_days: value(g.median_days),
            q1_days: value(g.q1_days),
            q3_days: value(g.q3_days),
            min_days: whole(g.min_days),
            max_days: whole(g.max_days),
            within_target: whole(g.within_target),
            within_target_pct: value(g.within_target_pct),
            waiting_overdue: Cell::count(g.waiting_overdue),
            km: KmFigures {
                median_days: value(g.km.median_days),
                median_ci: g.km.median_ci.map(value),
                q1_days: value(g.km.q1_days),
                q3_days: value(g.km.q3_days),
                restricted_mean: g.km.restricted_mean.as_ref(),
                withheld: false,
            },
        }
    }

    /// A group's figures as the "for sharing" mode shows them (see [`super::sharing`]).
    pub fn shared(g: &'a GroupStats, shown: &RowShown) -> Figures<'a> {
        let mut f = Figures::of(g);
        let withheld = Cell::Withheld(WITHHELD);
        let count = |s: Option<Shown>| s.map_or(Cell::Value(None), Cell::shown);
        f.started = count(shown.counts[0]);
        f.completed = count(shown.counts[1]);
        f.censored = count(shown.counts[2]);
        f.within_target = count(shown.counts[3]);
        f.waiting_overdue = count(shown.counts[4]);
        // The shortest and longest waits are each one child's.
        let extreme = |c: Cell| if c == Cell::Value(None) { c } else { withheld };
        f.min_days = extreme(f.min_days);
        f.max_days = extreme(f.max_days);
        let hide = |c: &mut Cell| {
            if *c != Cell::Value(None) {
                *c = withheld;
            }
        };
        if !shown.completed_statistics {
            hide(&mut f.median_days);
            hide(&mut f.q1_days);
            hide(&mut f.q3_days);
        }
        if !shown.share {
            hide(&mut f.within_target_pct);
        }
        if !shown.km_statistics {
            f.km = KmFigures {
                median_days: withheld,
                median_ci: [withheld; 2],
                q1_days: withheld,
                q3_days: withheld,
                restricted_mean: None,
                withheld: true,
            };
        }
        f
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
    /// The rules of the "for sharing" mode, if on.
    pub sharing: Option<&'f Rules>,
    /// Pseudonymised, with a breakdown by team or authority: their neutral names.
    pub neutral: Option<&'f super::pseudonym::Neutral>,
}

/// The most children listed under a check.
const CHECK_CHILDREN: usize = 200;

/// The rows of the stage table in order (each stage's total, then its groups under
/// `breakdown`), with the group's value for each group row.
pub fn table_rows<'a>(
    stages: &'a [StageSummary],
    breakdown: Option<&str>,
) -> Vec<(StageRow<'a>, Option<&'a str>)> {
    let mut rows = Vec::new();
    for (k, s) in stages.iter().enumerate() {
        rows.push((
            StageRow {
                stage: k,
                total: true,
                stats: &s.stats,
            },
            None,
        ));
        if let Some(groups) = breakdown.and_then(|b| s.groups.get(b)) {
            for (value, g) in &groups.0 {
                rows.push((
                    StageRow {
                        stage: k,
                        total: false,
                        stats: g,
                    },
                    Some(value.as_str()),
                ));
            }
        }
    }
    rows
}

/// Each row's figures as shown: exact, or for sharing (protected all together).
fn shown_figures<'a>(
    rows: &[(StageRow<'a>, Option<&'a str>)],
    sharing: Option<&Rules>,
) -> Vec<Figures<'a>> {
    match sharing {
        None => rows.iter().map(|(r, _)| Figures::of(r.stats)).collect(),
        Some(rules) => {
            let plain: Vec<StageRow<'a>> = rows
                .iter()
                .map(|(r, _)| StageRow {
                    stage: r.stage,
                    total: r.total,
                    stats: r.stats,
                })
                .collect();
            let shown = protect_stage_rows(&plain, rules);
            plain
                .iter()
                .zip(&shown)
                .map(|(r, s)| Figures::shared(r.stats, s))
                .collect()
        }
    }
}

/// The Overview's headline counts as shown for sharing: each on its own, with 1–4 withheld
/// and the rest rounded if asked.
#[derive(Serialize)]
pub struct SharedCounts {
    pub children: Cell,
    pub in_care: Cell,
    pub overdue: Cell,
    pub unstable: Cell,
    /// Counts still shown are rounded to the nearest 5.
    pub rounded: bool,
    /// What was done to the figures, in words (as under every table for sharing).
    pub note: String,
}

/// A count shown on its own (no total it adds up to), as the rules allow.
fn lone_count(n: usize, rules: &Rules) -> Cell {
    let table = CountTable {
        counts: vec![n as u64],
        relations: Vec::new(),
    };
    Cell::shown(protect(&table, rules)[0])
}

/// Builds the stage table (for sharing when `input.sharing` says so).
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
    let b = breakdown.as_ref().map(|(b, _)| b.as_str());
    let rows = table_rows(input.stages, b);
    let mut figures = shown_figures(&rows, input.sharing).into_iter();
    let mut stages: Vec<StageView<'a>> = Vec::new();
    for ((row, group), f) in rows.iter().zip(figures.by_ref()) {
        match group {
            None => {
                let s = &input.stages[row.stage];
                let description = input
                    .profile
                    .stages
                    .iter()
                    .find(|p| p.id == s.id)
                    .map_or("", |p| p.description.as_str());
                stages.push(StageView {
                    id: &s.id,
                    label: &s.label,
                    description,
                    target: s.target.map(|t| t.to_string()),
                    figures: f,
                    groups: Vec::new(),
                });
            }
            Some(value) => {
                if let (Some(view), Some(b)) = (stages.last_mut(), b) {
                    let named = input.neutral.and_then(|n| n.name(value));
                    match named {
                        Some(name) => view.groups.push((name.to_string(), name.to_string(), f)),
                        None => view
                            .groups
                            .push((value.to_string(), group_label(b, value), f)),
                    }
                }
            }
        }
    }
    let checks = input
        .checks
        .iter()
        .map(|c| {
            let (current, over) = match input.sharing {
                Some(rules) => (
                    lone_count(c.current as usize, rules),
                    lone_count(c.over as usize, rules),
                ),
                None => (Cell::count(c.current), Cell::count(c.over)),
            };
            CheckView {
                id: c.id.clone(),
                label: c.label.clone(),
                longer_than: c.longer_than.to_string(),
                current,
                over,
                // A list of children is never for sharing.
                children_over: if input.sharing.is_some() {
                    Vec::new()
                } else {
                    c.children_over
                        .iter()
                        .filter_map(|id| (input.name_of)(id))
                        .take(CHECK_CHILDREN)
                        .collect()
                },
            }
        })
        .collect();
    let shared = input.sharing.map(|rules| SharedCounts {
        children: lone_count(input.matched, rules),
        in_care: lone_count(input.counts.in_care, rules),
        overdue: lone_count(input.counts.overdue, rules),
        unstable: lone_count(input.counts.unstable, rules),
        rounded: rules.round_to.is_some(),
        note: super::sharing::note(rules),
    });
    StageTable {
        profile_id: &input.profile.id,
        profile_label: &input.profile.label,
        matched: input.matched,
        total: input.total,
        counts: input.counts,
        shared,
        breakdown,
        breakdowns,
        stages,
        checks,
    }
}

/// The stage table as a table to export: one row per stage, and one per stage and group
/// under `breakdown`; for sharing, protected as the page shows it.
pub fn stage_table_export(
    stages: &[StageSummary],
    breakdown: Option<&str>,
    sharing: Option<&Rules>,
) -> Table {
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
    let rows = table_rows(stages, breakdown);
    let figures = shown_figures(&rows, sharing);
    // Every digit of the figure as computed (the shortest text that reads back the same).
    for ((row, group), f) in rows.iter().zip(&figures) {
        let s = &stages[row.stage];
        table.push(vec![
            s.id.clone(),
            s.label.clone(),
            s.target.map(|t| t.to_string()).unwrap_or_default(),
            group.map_or(String::new(), |_| breakdown.unwrap_or("").to_string()),
            group.unwrap_or("").to_string(),
            f.started.text(),
            f.completed.text(),
            f.censored.text(),
            f.median_days.text(),
            f.q1_days.text(),
            f.q3_days.text(),
            f.within_target.text(),
            f.within_target_pct.text(),
            f.waiting_overdue.text(),
            f.km.median_days.text(),
            f.km.median_ci[0].text(),
            f.km.median_ci[1].text(),
        ]);
    }
    if let Some(rules) = sharing {
        table.notes.push(super::sharing::note(rules));
    }
    table
}
