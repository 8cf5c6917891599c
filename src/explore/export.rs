//! The page's exports as tables (the one CSV writer in [`crate::table`] writes them): the
//! problems, the children, a child's chronology and a QI chart's numbers. Each export shows
//! what its view shows, pseudonymised when the view is.
//!
//! This module owns the exports' columns and nothing else.

use super::detail::ChronologyEntry;
use super::rows::ShownRow;
use crate::diagnostics::{Diagnostic, Severity};
use crate::qi::SpcChart;
use crate::table::Table;

/// The id of a severity, as the page filters by it.
pub fn severity_id(s: Severity) -> &'static str {
    match s {
        Severity::Fatal => "fatal",
        Severity::Rejected => "rejected",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The problems, as shown.
pub fn problems_table(problems: impl IntoIterator<Item = Diagnostic>) -> Table {
    let mut table = Table::new(&[
        "severity", "code", "file", "sheet", "row", "column", "child_id", "message",
    ]);
    for d in problems {
        table.push(vec![
            severity_id(d.severity).to_string(),
            d.code.as_str().to_string(),
            d.file.unwrap_or_default(),
            d.sheet.unwrap_or_default(),
            d.row.map(|r| r.to_string()).unwrap_or_default(),
            d.column.unwrap_or_default(),
            d.child_id.unwrap_or_default(),
            d.message,
        ]);
    }
    table
}

/// The children table's columns, with each row as shown.
pub fn children_table<'a>(rows: impl IntoIterator<Item = ShownRow<'a>>) -> Table {
    let mut table = Table::new(&[
        "child",
        "date_of_birth",
        "age",
        "sex",
        "local_authority",
        "team",
        "in_care",
        "placement",
        "placement_type",
        "legal_status",
        "became_looked_after",
        "days_in_care",
        "care_periods",
        "moves",
        "current_stage",
        "days_waiting",
        "likely_by",
        "chance_by_target",
        "overdue_stages",
        "placements_last_12_months",
        "unstable",
        "route",
    ]);
    let text = |t: &Option<crate::model::Text>| t.as_deref().unwrap_or("").to_string();
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    for s in rows {
        table.push(vec![
            s.child.clone(),
            s.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            s.age.clone().unwrap_or_default(),
            text(s.sex),
            text(&s.local_authority),
            text(&s.team),
            yes_no(s.in_care),
            s.placement_label.unwrap_or("").to_string(),
            text(s.placement_type),
            s.legal_status_label.unwrap_or("").to_string(),
            s.latest_entry.map(|d| d.to_string()).unwrap_or_default(),
            s.days_in_care.map(|d| d.to_string()).unwrap_or_default(),
            s.care_periods.to_string(),
            s.moves.to_string(),
            s.current_stage
                .as_ref()
                .map_or(String::new(), |c| c.label.to_string()),
            s.current_stage
                .as_ref()
                .map(|c| c.days.to_string())
                .unwrap_or_default(),
            s.current_stage
                .as_ref()
                .and_then(|c| c.expected_date)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            s.current_stage
                .as_ref()
                .and_then(|c| c.chance_by_target.get())
                .map(|p| crate::table::number(p, 3))
                .unwrap_or_default(),
            s.overdue.join("; "),
            s.placements_last_12_months.to_string(),
            yes_no(s.unstable),
            s.route_label.unwrap_or("").to_string(),
        ]);
    }
    table
}

/// A child's chronology: date, age, event, detail, key decision, source.
pub fn chronology_table(entries: &[ChronologyEntry]) -> Table {
    let mut table = Table::new(&["date", "age", "event", "detail", "key_decision", "source"]);
    for e in entries {
        table.push(vec![
            e.date.to_string(),
            e.age.clone().unwrap_or_default(),
            e.event.clone(),
            e.detail.clone().unwrap_or_default(),
            if e.key { "yes" } else { "" }.to_string(),
            e.source
                .as_ref()
                .map(|s| s.words.clone())
                .unwrap_or_default(),
        ]);
    }
    table
}

/// A QI chart's numbers: one row per point with the waits behind it, the centre line, the
/// limits and any special cause.
pub fn qi_table(chart: &SpcChart, counts: &[usize]) -> Table {
    let mut table = Table::new(&[
        "date",
        "waits",
        "days",
        "centre",
        "lower_limit",
        "upper_limit",
        "segment",
        "variation",
        "special_cause",
    ]);
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for (i, p) in chart.points.iter().enumerate() {
        let lines = chart.lines_of(p);
        table.push(vec![
            p.date.map(|d| d.to_string()).unwrap_or_default(),
            counts.get(i).map(|n| n.to_string()).unwrap_or_default(),
            p.value.to_string(),
            num(lines.map(|l| l.centre)),
            num(lines.and_then(|l| l.lower)),
            num(lines.and_then(|l| l.upper)),
            (p.segment + 1).to_string(),
            p.variation.id().to_string(),
            p.special_cause
                .map_or(String::new(), |c| c.id().to_string()),
        ]);
    }
    table
}
