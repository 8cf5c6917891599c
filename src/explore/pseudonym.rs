//! Pseudonymised views: a child's ID becomes "Child n", where n is the child's position in
//! the report (so the same child has the same name in every table, filter, sort and export),
//! and the date of birth is hidden. A problem's message is scrubbed too: the ID it quotes is
//! replaced by the pseudonym, a date of birth it quotes (as the input wrote it, day first,
//! or as ISO) by "(hidden)", and so is every value it quotes between double quotes (a date
//! of birth the reader could not read, "12/13/2015"; a label as written, "Foster care with
//! Gran Smith"; another child's ID), except the problem's own column, file and sheet, which
//! the view shows beside it anyway.
//!
//! This module owns the name and the scrubbing. Carers are named by
//! [`crate::chart::chronology`]'s own rule, which the timeline and the chronology share.

use crate::diagnostics::{Code, Diagnostic};
use crate::ingest::template::KEPT_WITHOUT_BIRTH;
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
            d.message = replace_id(&d.message, &id, &name);
        }
        if let Some(dob) = hidden.and_then(|h| h.date_of_birth) {
            d.message = hide_date(&d.message, dob);
        }
        d.child_id = Some(name);
    }
    // A date that could not be read says what it might have meant ("only makes sense
    // month-first (as 13 December 2016)", "February 2016 has 29 days"): for a date of birth,
    // that is the date of birth. Pseudonymised, only the column and what to do are said.
    if let Some(message) = unreadable_date(&d) {
        d.message = message;
    }
    let keep: Vec<&str> = [d.column.as_deref(), d.file.as_deref(), d.sheet.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    d.message = hide_quoted(&d.message, &keep);
    d
}

/// The pseudonymised message of a problem with a date that could not be read, or `None` for
/// another problem.
fn unreadable_date(d: &Diagnostic) -> Option<String> {
    let column = d.column.as_deref().unwrap_or("a column");
    let kept = if d.message.ends_with(KEPT_WITHOUT_BIRTH) {
        KEPT_WITHOUT_BIRTH
    } else {
        ""
    };
    match d.code {
        Code::MonthFirstDate | Code::MonthFirstColumn => Some(format!(
            "A date in column \"{column}\" only makes sense month-first (the value is hidden while pseudonymised). Driftline reads dates day-first (dd/mm/yyyy): correct the column or export it again day-first.{kept}"
        )),
        Code::InvalidDate => Some(format!(
            "A date in column \"{column}\" could not be read (the value is hidden while pseudonymised).{kept}"
        )),
        _ => None,
    }
}

/// `text` with every value between double quotes replaced by "(hidden)", unless it is one of
/// `keep`. An unpaired quote hides the rest of the text.
pub fn hide_quoted(text: &str, keep: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        match after.find('"') {
            Some(close) => {
                let quoted = &after[..close];
                if keep.contains(&quoted) || quoted == "(hidden)" {
                    out.push_str(quoted);
                } else {
                    out.push_str("(hidden)");
                }
                out.push('"');
                rest = &after[close + 1..];
            }
            None => {
                out.push_str("(hidden)");
                return out;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` with every mention of the ID `id` replaced by `name`: only where the ID stands as
/// a word of its own (so ID "1" leaves "12" alone), and together with a "child " or
/// "Child " written before it, since the name says "Child" already ("Child C6 appears…"
/// becomes "Child 6 appears…", never "Child Child 6 appears…").
fn replace_id(text: &str, id: &str, name: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(id) {
        let before = &rest[..at];
        let after = &rest[at + id.len()..];
        let stands_alone = !word(before.chars().next_back()) && !word(after.chars().next());
        if stands_alone {
            let kept = before
                .strip_suffix("Child ")
                .or_else(|| before.strip_suffix("child "))
                .unwrap_or(before);
            out.push_str(kept);
            out.push_str(name);
        } else {
            out.push_str(before);
            out.push_str(id);
        }
        rest = after;
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_hidden_but_the_column() {
        assert_eq!(
            hide_quoted(
                "The date of birth \"12/13/2015\" only makes sense month-first (column \"DOB\").",
                &["DOB"]
            ),
            "The date of birth \"(hidden)\" only makes sense month-first (column \"DOB\")."
        );
        assert_eq!(
            hide_quoted("Labels: \"Foster care with Gran Smith\", \"Kin\"", &[]),
            "Labels: \"(hidden)\", \"(hidden)\""
        );
        assert_eq!(
            hide_quoted("a \"b \"c\" d \"e", &[]),
            "a \"(hidden)\"c\"(hidden)\"e"
        );
        // An unpaired quote hides the rest.
        assert_eq!(hide_quoted("a \"b, c", &[]), "a \"(hidden)");
        assert_eq!(hide_quoted("nothing quoted", &[]), "nothing quoted");
    }

    #[test]
    fn an_id_is_replaced_as_a_word_with_the_word_child_before_it() {
        assert_eq!(
            replace_id("Child C6 appears more than once", "C6", "Child 4"),
            "Child 4 appears more than once"
        );
        assert_eq!(
            replace_id(
                "This row is about child 6 but no Header row is",
                "6",
                "Child 2"
            ),
            "This row is about Child 2 but no Header row is"
        );
        // "6" inside "16" or "C6" is not the ID 6.
        assert_eq!(
            replace_id("16 rows; C6; 6.", "6", "Child 9"),
            "16 rows; C6; Child 9."
        );
        assert_eq!(replace_id("no mention", "Q1", "Child 1"), "no mention");
    }
}
