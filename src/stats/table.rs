//! The per-child stage table as CSV, for analysts who open it in Excel: one row per child,
//! care period and started stage.
//!
//! This module owns the table's columns: dates are ISO `yyyy-mm-dd`, yes/no flags are `yes`,
//! `no` or blank when not applicable. A stage whose start is unknown (its care period began
//! before the data) has blank `start` and `days` cells, and such a period blank
//! `care_period_start` and `year_of_entry` cells. The cells are written by
//! [`crate::table::CsvWriter`], whose one rule makes text inert for spreadsheets; the file
//! starts with a UTF-8 byte-order mark unless told otherwise. It computes nothing.

use super::child::{ChildStats, StageRow};
use super::profile::Profile;
use super::stage::CensoredBy;
use crate::model::{Child, Text};
use crate::table::CsvWriter;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::io;

/// Settings for [`write_stage_csv`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableOptions {
    /// Start with a UTF-8 byte-order mark (for Excel).
    pub byte_order_mark: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            byte_order_mark: true,
        }
    }
}

/// The fixed columns, in order; one column per child attribute follows, headed by the
/// attribute's name.
pub const COLUMNS: [&str; 32] = [
    "child_id",
    "care_period",
    "care_period_start",
    "care_period_end",
    "stage",
    "stage_label",
    "start",
    "end",
    "days",
    "status",
    "censored",
    "ended_by",
    "target",
    "target_date",
    "within_target",
    "overdue",
    "backdated",
    "placement_at_start",
    "legal_status_at_start",
    "age_at_start_years",
    "age_band_at_entry",
    "sex",
    "local_authority",
    "team",
    "year_of_entry",
    "route",
    "moves",
    "placements_last_12_months",
    "unstable",
    "current_placement",
    "current_legal_status",
    "in_care",
];

/// Writes the stage table. `journeys` is iterated twice (once for the attribute names).
pub fn write_stage_csv<'a, W, I>(
    out: W,
    profile: &Profile,
    journeys: I,
    options: &TableOptions,
) -> io::Result<()>
where
    W: io::Write,
    I: IntoIterator<Item = (&'a Child, &'a ChildStats)> + Clone,
{
    let attributes: BTreeSet<&Text> = journeys
        .clone()
        .into_iter()
        .flat_map(|(c, _)| c.attributes.keys())
        .collect();
    let mut w = CsvWriter::new(out, options.byte_order_mark)?;
    let mut header: Vec<&str> = COLUMNS.to_vec();
    header.extend(attributes.iter().map(|a| &***a));
    w.row(&header)?;

    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for (child, stats) in journeys {
        for row in &stats.stages {
            record.clear();
            push_row(&mut record, child, stats, row, profile, &attributes);
            w.row(&record)?;
        }
    }
    w.finish()?;
    Ok(())
}

fn push_row(
    record: &mut Vec<String>,
    child: &Child,
    stats: &ChildStats,
    row: &StageRow,
    profile: &Profile,
    attributes: &BTreeSet<&Text>,
) {
    let period = child.care_periods.get(row.care_period_index);
    let period_stats = stats.care_period_stats.get(row.care_period_index);
    let stage = profile.stages.get(row.stage_index);
    let text = |s: Option<&str>| s.map_or(String::new(), str::to_string);
    let date = |d: Option<NaiveDate>| d.map_or(String::new(), |d| d.to_string());
    let flag = |b: Option<bool>| match b {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => String::new(),
    };
    let status = match row.censored_by {
        None => "completed",
        Some(CensoredBy::AsAt) => "waiting",
        Some(CensoredBy::LeftCare) => "left_care",
        Some(CensoredBy::EndOfData) => "end_of_data",
    };
    let has_target = stage.is_some_and(|s| s.target.is_some());
    record.extend([
        text(Some(&child.id)),
        (row.care_period_index + 1).to_string(),
        date(period.filter(|p| !p.start_unknown).map(|p| p.start)),
        date(period.and_then(|p| p.end)),
        text(Some(&row.stage)),
        text(stage.map(|s| s.label.as_str())),
        // A start before the data is unknown: no start, and no days from the first day seen.
        date((!row.start_unknown).then_some(row.start)),
        date(row.end),
        if row.start_unknown {
            String::new()
        } else {
            row.days.to_string()
        },
        status.to_string(),
        flag(Some(row.censored)),
        row.ended_by.map_or(String::new(), |m| m.id().to_string()),
        stage
            .and_then(|s| s.target)
            .map_or(String::new(), |t| t.to_string()),
        date(row.target_date),
        flag(row.within_target),
        flag(has_target.then_some(row.overdue)),
        flag(Some(row.backdated)),
        row.placement.map_or(String::new(), |c| c.id().to_string()),
        row.legal_status
            .map_or(String::new(), |c| c.id().to_string()),
        row.age_months_at_start
            .get()
            .map_or(String::new(), |m| m.div_euclid(12).to_string()),
        period_stats.map_or(String::new(), |p| p.age_band.id().to_string()),
        text(child.sex.as_deref()),
        text(child.local_authority.as_deref()),
        text(child.team.as_deref()),
        period
            .filter(|p| !p.start_unknown)
            .map_or(String::new(), |p| {
                use chrono::Datelike;
                p.start.year().to_string()
            }),
        period_stats.map_or(String::new(), |p| p.route.id().to_string()),
        period.map_or(String::new(), |p| p.moves.to_string()),
        stats.placements_last_12_months.to_string(),
        flag(Some(stats.unstable)),
        stats
            .current
            .placement
            .map_or(String::new(), |c| c.id().to_string()),
        stats
            .current
            .legal_status
            .map_or(String::new(), |c| c.id().to_string()),
        flag(Some(stats.current.in_care)),
    ]);
    for a in attributes {
        record.push(text(child.attributes.get(*a).map(|v| &**v)));
    }
}
