//! `driftline analyze --format summary`: the report as a table to read in a terminal.
//!
//! The headline counts, then one line per stage (and, with `--breakdown`, one per group under
//! it) with the children who started it, completed it and are still waiting, the median days
//! of those completed, how many completed within the target and how many are waiting beyond
//! it; then the profile's checks and, with England's profile, the adoption scorecard.
//!
//! This file owns the layout only; every figure is the report's (`driftline::stats`).

use driftline::stats::{breakdown_label, group_label, GroupStats, StageSummary};
use driftline::Report;
use std::fmt::Write;

/// The summary as text, ending in a line feed.
pub fn summary_text(report: &Report, breakdown: Option<&str>) -> String {
    let mut out = String::new();
    let profile = report
        .profile
        .as_ref()
        .map(|p| format!("timescales: {}", p.label))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Driftline summary as at {} · {profile}",
        report.as_at.format("%Y-%m-%d")
    );
    let _ = writeln!(
        out,
        "{} children · {} care periods · {} placements · {} moves · {} events",
        thousands(report.children as u64),
        thousands(report.care_periods as u64),
        thousands(report.placements as u64),
        thousands(report.moves as u64),
        thousands(report.events as u64),
    );
    let input = &report.input;
    let _ = writeln!(
        out,
        "Rows: {} read, {} used, {} rejected",
        thousands(input.rows_read),
        thousands(input.rows_used),
        thousands(input.rows_rejected)
    );
    if let Some(b) = breakdown {
        let _ = writeln!(
            out,
            "Each stage split by {}",
            breakdown_label(b).to_lowercase()
        );
    }
    out.push('\n');

    let mut rows: Vec<[String; 8]> = vec![[
        "Stage".into(),
        "Target".into(),
        "Started".into(),
        "Completed".into(),
        "Not ended".into(),
        "Median days".into(),
        "Within target".into(),
        "Overdue".into(),
    ]];
    for stage in &report.stages {
        rows.push(stage_row(stage, &stage.label, &stage.stats, true));
        let groups = breakdown.and_then(|b| stage.groups.get(b).map(|g| (b, g)));
        if let Some((b, groups)) = groups {
            for (value, g) in &groups.0 {
                let label = format!("  {}", group_label(b, value));
                rows.push(stage_row(stage, &label, g, false));
            }
        }
    }
    let widths: Vec<usize> = (0..8)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c > 0 {
                line.push_str("  ");
            }
            // Text left, numbers right.
            if c < 2 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            let _ = writeln!(out, "{}", "-".repeat(total));
        }
    }
    let _ = writeln!(
        out,
        "Not ended: still waiting on the \"as at\" date, or left care first. Median days: of the stages completed. Overdue: still waiting beyond the target."
    );

    if !report.checks.is_empty() {
        out.push('\n');
        for check in &report.checks {
            let _ = writeln!(
                out,
                "{}: {} of the {} children currently so",
                check.label, check.over, check.current
            );
        }
    }
    if let Some(card) = &report.adoption_scorecard {
        out.push('\n');
        let _ = writeln!(
            out,
            "Adoption scorecard (DfE), children adopted {} to {}: {}",
            card.window_from.format("%Y-%m-%d"),
            card.window_to.format("%Y-%m-%d"),
            card.adopted
        );
        for m in [&card.a1, &card.a2, &card.a10] {
            let mean = m
                .mean_days_rounded
                .map_or_else(|| "no mean".to_string(), |d| format!("mean {d} days"));
            let within = match m.within_threshold {
                Some(true) => "within",
                Some(false) => "over",
                None => "no figure against",
            };
            let _ = writeln!(
                out,
                "  {}: {mean} over {} children, {within} the threshold of {} days",
                m.label, m.children, m.threshold_days
            );
        }
    }
    if input.rows_rejected > 0 {
        out.push('\n');
        let _ = writeln!(
            out,
            "{} rows were rejected: --problems FILE lists them with their file, row and column.",
            thousands(input.rows_rejected)
        );
    }
    out
}

/// The widest a stage's label is shown; longer ones are cut with an ellipsis.
const LABEL_CHARS: usize = 60;

/// A stage's line (`first`), or a group's under it (without the target again).
fn stage_row(stage: &StageSummary, label: &str, g: &GroupStats, first: bool) -> [String; 8] {
    let label = match label.char_indices().nth(LABEL_CHARS - 1) {
        Some((at, _)) => format!("{}…", label[..at].trim_end()),
        None => label.to_string(),
    };
    let within = match (g.within_target, g.within_target_pct) {
        (Some(n), Some(pct)) => format!("{} ({pct:.0}%)", thousands(u64::from(n))),
        (Some(n), None) => thousands(u64::from(n)),
        _ => "–".to_string(),
    };
    [
        label,
        match (first, stage.target) {
            (false, _) => String::new(),
            (true, Some(t)) => t.to_string(),
            (true, None) => "none".to_string(),
        },
        thousands(u64::from(g.started)),
        thousands(u64::from(g.completed)),
        thousands(u64::from(g.censored)),
        g.median_days
            .map_or_else(|| "–".to_string(), |d| driftline::table::number(d, 1)),
        within,
        if stage.target.is_some() {
            thousands(u64::from(g.waiting_overdue))
        } else {
            "–".to_string()
        },
    ]
}

/// 12345 as "12,345".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
