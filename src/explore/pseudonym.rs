//! Pseudonymised views: a child's ID becomes "Child n", where n is the child's position in
//! the report (so the same child has the same name in every table, filter, sort and export),
//! and the date of birth is hidden. A problem's message is scrubbed too: the ID it quotes is
//! replaced by the pseudonym, and a date of birth it quotes (as the input wrote it, day first,
//! or as ISO) by "(hidden)".
//!
//! This module owns the name and the scrubbing. Carers are named by
//! [`crate::chart::chronology`]'s own rule, which the timeline and the chronology share.

use crate::diagnostics::Diagnostic;
use chrono::NaiveDate;

pub use crate::model::pseudonym;

/// A child as pseudonymisation needs it: the pseudonym and the date of birth to hide.
pub struct Hidden<'a> {
    pub pseudonym: &'a str,
    pub date_of_birth: Option<NaiveDate>,
}

/// A problem as a pseudonymised view shows it (unchanged when `pseudonymise` is false).
/// `child` finds the child a problem is about by ID; a problem about a child it does not
/// know names "a child".
pub fn shown_diagnostic<'a>(
    d: &Diagnostic,
    child: &dyn Fn(&str) -> Option<Hidden<'a>>,
    pseudonymise: bool,
) -> Diagnostic {
    let mut d = d.clone();
    if !pseudonymise {
        return d;
    }
    if let Some(id) = d.child_id.take() {
        let hidden = child(&id);
        let name = hidden
            .as_ref()
            .map_or_else(|| "a child".to_string(), |h| h.pseudonym.to_string());
        if !id.is_empty() {
            d.message = d.message.replace(&id, &name);
        }
        if let Some(dob) = hidden.and_then(|h| h.date_of_birth) {
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
