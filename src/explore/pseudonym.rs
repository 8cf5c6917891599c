//! Pseudonymised views: a child's ID becomes "Child n", where n is the child's position in
//! the report (so the same child has the same name in every table, filter, sort and export),
//! and the date of birth is hidden. A problem's message is scrubbed too: the ID it quotes is
//! replaced by the pseudonym, and a date of birth it quotes (as the input wrote it, day first,
//! or as ISO) by "(hidden)".
//!
//! This module owns the name and the scrubbing. Carers are named by
//! [`crate::chart::chronology`]'s own rule, which the timeline and the chronology share.

use super::rows::ChildRow;
use crate::diagnostics::Diagnostic;
use chrono::NaiveDate;

/// The pseudonym of the child at `index` (0-based) in the report: "Child {index + 1}".
pub fn pseudonym(index: usize) -> String {
    format!("Child {}", index + 1)
}

/// A problem as a pseudonymised view shows it (unchanged when `pseudonymise` is false).
/// A problem about a child not among `rows` names "a child".
pub fn shown_diagnostic(d: &Diagnostic, rows: &[ChildRow], pseudonymise: bool) -> Diagnostic {
    let mut d = d.clone();
    if !pseudonymise {
        return d;
    }
    if let Some(id) = d.child_id.take() {
        let row = rows.iter().find(|r| r.child_id.as_ref() == id);
        let name = row.map_or_else(|| "a child".to_string(), |r| r.pseudonym.clone());
        if !id.is_empty() {
            d.message = d.message.replace(&id, &name);
        }
        if let Some(dob) = row.and_then(|r| r.date_of_birth) {
            d.message = hide_date(&d.message, dob);
        }
        d.child_id = Some(name);
    }
    d
}

/// `text` with `date` written day first (`dd/mm/yyyy`) or as ISO replaced by "(hidden)".
fn hide_date(text: &str, date: NaiveDate) -> String {
    let mut text = text.to_string();
    for written in [
        date.format("%d/%m/%Y").to_string(),
        date.format("%Y-%m-%d").to_string(),
    ] {
        text = text.replace(&written, "(hidden)");
    }
    text
}
