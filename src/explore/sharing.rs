//! The "for sharing" mode: the page's tables of counts and statistics made safe to share
//! outside the team, by the rules of [`crate::disclosure`] (the GSS guidance on tables from
//! administrative sources, as the DfE applies it to children looked after statistics).
//!
//! This module owns which cells of each shared table are counts, how they add up, and what
//! each statistic is about; `disclosure` owns the rules. In this mode:
//!
//! - the stage table (the Overview's table, its CSV and the delay chart's numbers) has every
//!   count of 1–4 withheld as `[c]`, with secondary suppression over every way its counts add
//!   up (each breakdown's groups to the stage's total, and in every row those who completed
//!   and those who did not to those who started); where the groups or a row do not add up,
//!   the difference is a cell of its own, withheld when small, so a small difference cannot be
//!   worked out either;
//! - counts still shown are rounded to the nearest 5 if the user asks;
//! - a median, quartile or share of a group of fewer than 5 children is withheld (the days of
//!   those who completed for the completed figures; everyone who started for the
//!   Kaplan–Meier ones), as is every shortest and longest wait (each is one child's);
//! - a histogram's bins are protected against the column totals, and a QI chart's monthly or
//!   quarterly points against nothing but their own size (a point of fewer than 5 waits shows
//!   neither its count nor its median); one point per child, and the Kaplan–Meier curve's
//!   day-by-day table (each step is a child), are not given at all;
//! - a chart is drawn only when it shows nothing its table withholds or rounds: the delay
//!   chart and a QI chart when their tables are shown whole and unrounded; the Kaplan–Meier
//!   curve, the histogram and the cohort pictures never (they show single children).

use crate::disclosure::{
    protect, recoverable, statistic_allowed, CountTable, Relation, Rules, Shown,
};
use crate::stats::GroupStats;
use crate::table::Table;
use serde::{Deserialize, Serialize};

/// How a query asks for the "for sharing" mode: `{ round: true }` to round the counts still
/// shown to the nearest 5 as well. Absent (or `null`): the exact figures.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Sharing {
    pub round: bool,
}

impl Sharing {
    /// The disclosure rules of this mode.
    pub fn rules(self) -> Rules {
        Rules {
            round_to: self.round.then_some(5),
            ..Rules::default()
        }
    }
}

/// The note under every table for sharing, saying what was done to it.
pub fn note(rules: &Rules) -> String {
    let mut text = format!(
        "For sharing: counts from 1 to {} are withheld and shown as {}, as are other counts \
         where the totals would let a withheld count be worked out; medians, quartiles and \
         shares of groups of fewer than {} children, and every shortest and longest wait, are \
         withheld.",
        rules.min_count - 1,
        crate::disclosure::WITHHELD,
        rules.min_group
    );
    if let Some(to) = rules.round_to {
        text.push_str(&format!(
            " The other counts are rounded to the nearest {to}."
        ));
    }
    text
}

/// A cell of a shared table as the page shows it: a number, or text (`[c]`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Value(Option<f64>),
    Withheld(&'static str),
}

impl Cell {
    /// A count shown as it is.
    pub fn count(n: u32) -> Cell {
        Cell::Value(Some(f64::from(n)))
    }

    /// A count as protected.
    pub fn shown(s: Shown) -> Cell {
        match s {
            Shown::Count { value } => Cell::Value(Some(value as f64)),
            Shown::Primary | Shown::Secondary => Cell::Withheld(crate::disclosure::WITHHELD),
        }
    }

    /// The cell as CSV text: numbers in full, nothing for no value.
    pub fn text(self) -> String {
        match self {
            Cell::Value(Some(v)) => v.to_string(),
            Cell::Value(None) => String::new(),
            Cell::Withheld(t) => t.to_string(),
        }
    }

    pub fn is_withheld(self) -> bool {
        matches!(self, Cell::Withheld(_))
    }
}

/// The counts of a stage table row, in this order.
pub const COUNTS: [&str; 5] = [
    "started",
    "completed",
    "censored",
    "within_target",
    "waiting_overdue",
];

/// What may be shown of one row of the stage table (a stage's total or one of its groups).
#[derive(Clone, Debug, PartialEq)]
pub struct RowShown {
    /// [`COUNTS`], protected (`None` where the figure does not exist: no target).
    pub counts: [Option<Shown>; 5],
    /// The median, quartiles and share within target of those who completed.
    pub completed_statistics: bool,
    /// The share within target (its count and the completed count are both shown exactly).
    pub share: bool,
    /// The Kaplan–Meier figures (everyone who started).
    pub km_statistics: bool,
}

/// One row of the stage table to protect: the stage it belongs to, whether it is the
/// stage's total (otherwise one of its groups), and its figures.
pub struct StageRow<'a> {
    pub stage: usize,
    pub total: bool,
    pub stats: &'a GroupStats,
}

fn counts_of(g: &GroupStats) -> [Option<u32>; 5] {
    [
        Some(g.started),
        Some(g.completed),
        Some(g.censored),
        g.within_target,
        Some(g.waiting_overdue),
    ]
}

/// The stage table's counts as a [`CountTable`]: one cell per row and count (a count that
/// does not exist is a zero with no relation), then one cell per difference where a
/// relation does not add up exactly. Relations: in every stage and count, the total row is
/// the sum of the group rows (plus the difference); in every row, started = completed +
/// not completed (plus the difference).
pub fn stage_count_table(rows: &[StageRow<'_>]) -> CountTable {
    let width = COUNTS.len();
    let mut counts: Vec<u64> = rows
        .iter()
        .flat_map(|r| counts_of(r.stats).map(|c| u64::from(c.unwrap_or(0))))
        .collect();
    let mut relations = Vec::new();
    let mut relate = |counts: &mut Vec<u64>, total: usize, mut parts: Vec<usize>| {
        let sum: u64 = parts.iter().map(|&p| counts[p]).sum();
        match counts[total].checked_sub(sum) {
            // A group the table does not show: its count is a cell of its own.
            Some(rest) if rest > 0 => {
                counts.push(rest);
                parts.push(counts.len() - 1);
            }
            Some(_) => {}
            // The parts overlap (more than the total): no exact relation to declare.
            None => return,
        }
        relations.push(Relation { total, parts });
    };
    // started = completed + not completed, in every row.
    for r in 0..rows.len() {
        relate(&mut counts, r * width, vec![r * width + 1, r * width + 2]);
    }
    // The total row of each stage = the sum of its groups, for every count that exists.
    let mut r = 0;
    while r < rows.len() {
        let stage = rows[r].stage;
        let end = (r..rows.len())
            .find(|&k| rows[k].stage != stage)
            .unwrap_or(rows.len());
        let total = (r..end).find(|&k| rows[k].total);
        let groups: Vec<usize> = (r..end).filter(|&k| !rows[k].total).collect();
        if let (Some(t), false) = (total, groups.is_empty()) {
            for c in 0..width {
                let exists = counts_of(rows[t].stats)[c].is_some()
                    && groups
                        .iter()
                        .all(|&g| counts_of(rows[g].stats)[c].is_some());
                if exists {
                    relate(
                        &mut counts,
                        t * width + c,
                        groups.iter().map(|&g| g * width + c).collect(),
                    );
                }
            }
        }
        r = end;
    }
    CountTable { counts, relations }
}

/// Protects the stage table's rows (see the module documentation).
pub fn protect_stage_rows(rows: &[StageRow<'_>], rules: &Rules) -> Vec<RowShown> {
    let table = stage_count_table(rows);
    let shown = protect(&table, rules);
    let width = COUNTS.len();
    rows.iter()
        .enumerate()
        .map(|(r, row)| {
            let exists = counts_of(row.stats);
            let mut counts = [None; 5];
            for c in 0..width {
                counts[c] = exists[c].map(|_| shown[r * width + c]);
            }
            let g = row.stats;
            let completed_statistics = statistic_allowed(u64::from(g.completed), rules);
            let exact = |s: Option<Shown>| {
                matches!(s, Some(Shown::Count { .. })) && rules.round_to.is_none()
            };
            RowShown {
                completed_statistics,
                share: completed_statistics && exact(counts[1]) && exact(counts[3]),
                km_statistics: statistic_allowed(u64::from(g.started), rules),
                counts,
            }
        })
        .collect()
}

/// Whether protecting withheld or rounded anything in these rows.
pub fn changes_anything(rows: &[StageRow<'_>], shown: &[RowShown], rules: &Rules) -> bool {
    rules.round_to.is_some()
        || rows.iter().zip(shown).any(|(row, s)| {
            let g = row.stats;
            s.counts.iter().flatten().any(|c| c.is_withheld())
                || (!s.completed_statistics && g.median_days.is_some())
                || (!s.km_statistics && g.km.median_days.is_some())
                || (!s.share && g.within_target_pct.is_some())
        })
}

/// Protects a table whose `count_columns` each add up, over its rows, to a total that is
/// shown elsewhere (a histogram's bins to the stage's completed and waiting): every count of
/// 1–4 is withheld, with secondary suppression against those totals. If the totals
/// themselves would have to be withheld for the bins to be safe (they are shown in the stage
/// table), every non-zero count of that column is withheld instead. Other columns are kept.
pub fn protect_columns(table: &Table, count_columns: &[&str], rules: &Rules) -> Table {
    let mut out = table.clone();
    for name in count_columns {
        let Some(col) = table.columns.iter().position(|c| c == name) else {
            continue;
        };
        let values: Vec<u64> = table
            .rows
            .iter()
            .map(|r| r.get(col).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0))
            .collect();
        let mut counts = values.clone();
        counts.push(values.iter().sum());
        let total = counts.len() - 1;
        let counts_table = CountTable {
            counts,
            relations: vec![Relation {
                total,
                parts: (0..values.len()).collect(),
            }],
        };
        let mut shown = protect(&counts_table, rules);
        // The total is known (from the stage table): check with it shown.
        if shown[total].is_withheld() {
            shown[total] = Shown::Count {
                value: counts_table.counts[total],
            };
            if !recoverable(&counts_table, &shown).is_empty() {
                for (s, &v) in shown.iter_mut().zip(&counts_table.counts).take(total) {
                    if v > 0 {
                        *s = Shown::Secondary;
                    }
                }
            }
        }
        for (row, s) in out.rows.iter_mut().zip(&shown) {
            if let Some(cell) = row.get_mut(col) {
                *cell = s.to_string();
            }
        }
    }
    out.notes.push(note(rules));
    out
}

/// A QI chart's numbers for sharing: each point's count of waits with 1–4 withheld (and
/// rounded if asked), and the point's value (a median of those waits) withheld where fewer
/// than 5 waits are behind it. Refused for one point per child.
pub fn protect_qi(table: &Table, per_child: bool, rules: &Rules) -> Result<Table, String> {
    if per_child {
        return Err(
            "A chart of one point per child cannot be shared: each point is one child's wait. \
             Choose a median per month or per quarter."
                .to_string(),
        );
    }
    let col = |name: &str| table.columns.iter().position(|c| c == name);
    let (Some(waits), Some(days)) = (col("waits"), col("days")) else {
        return Ok(table.clone());
    };
    let mut out = table.clone();
    for row in &mut out.rows {
        let n: u64 = row.get(waits).and_then(|v| v.parse().ok()).unwrap_or(0);
        let shown = protect(
            &CountTable {
                counts: vec![n],
                relations: Vec::new(),
            },
            rules,
        )[0];
        row[waits] = shown.to_string();
        if !statistic_allowed(n, rules) {
            row[days] = crate::disclosure::WITHHELD.to_string();
        }
    }
    out.notes.push(note(rules));
    Ok(out)
}

/// Whether a QI table for sharing changed anything (so the chart, showing every value, may
/// not be drawn).
pub fn qi_changes_anything(table: &Table, rules: &Rules) -> bool {
    rules.round_to.is_some() || {
        let waits = table.columns.iter().position(|c| c == "waits");
        table.rows.iter().any(|r| {
            let n: u64 = waits
                .and_then(|w| r.get(w))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            !statistic_allowed(n, rules) || (n > 0 && n < rules.min_count)
        })
    }
}

/// What is drawn in place of a chart that would show more than its table may: the chart's
/// title and why it is left out, and no figure at all.
pub fn withheld_chart(width: f32, title: &str, why: &str) -> crate::chart::Layout {
    use crate::chart::figure::title_block;
    use crate::chart::BundledMetrics;
    let mut items = Vec::new();
    let y = title_block(&mut items, width, title, why, &BundledMetrics);
    crate::chart::Layout {
        width,
        height: y + 16.0,
        title: format!("{title} (not drawn for sharing)"),
        description: why.to_string(),
        items,
        ..crate::chart::Layout::default()
    }
}

/// Why a chart of this kind is not drawn for sharing.
pub fn why_withheld(kind: &str) -> &'static str {
    match kind {
        "km" => "Not drawn for sharing: each step of the curve is a child's wait ending. The medians and quartiles below may be shared.",
        "histogram" => "Not drawn for sharing: a bar or a box plot's whisker can be a single child's wait. The numbers below are protected for sharing.",
        "cohort" | "timeline" => "Not drawn for sharing: it shows every child's journey.",
        _ => "Not drawn for sharing: it would show figures that its table withholds or rounds. The numbers below are protected for sharing.",
    }
}
