//! Pseudonymised views: a child's ID becomes "Child n", where n is the child's position in
//! the report (so the same child has the same name in every table, filter, sort and export),
//! and the date of birth is hidden. A problem's message is scrubbed too: the ID it quotes is
//! replaced by the pseudonym, a date of birth it quotes (as the input wrote it, day first,
//! or as ISO) by "(hidden)", and so is every value it quotes between double quotes (a date
//! of birth the reader could not read, "12/13/2015"; a label as written, "Foster care with
//! Gran Smith"; another child's ID), except the problem's own column, file and sheet, which
//! the view shows beside it anyway.
//!
//! Teams and local authorities are named too, since a team's name can tell who a child is:
//! pseudonymised, each becomes "Team A", "Team B" … ("Authority A" …), lettered in the order
//! they first appear among the report's children, and never the name of a real team. A
//! filter may be given either name.
//!
//! This module owns the names and the scrubbing. Carers are named by
//! [`crate::chart::chronology`]'s own rule, which the timeline and the chronology share.

use crate::diagnostics::{Code, Diagnostic};
use crate::ingest::template::KEPT_WITHOUT_BIRTH;
use crate::model::Text;
use crate::report::Report;
use chrono::NaiveDate;
use std::collections::HashMap;

pub use crate::model::pseudonym;

/// A child as pseudonymisation needs it: the pseudonym and the date of birth to hide.
pub struct Hidden {
    pub pseudonym: String,
    pub date_of_birth: Option<NaiveDate>,
}

/// The neutral names of one kind of group (teams, or local authorities): real name to
/// neutral name and back (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct Neutral {
    names: HashMap<Text, Text>,
    reals: HashMap<Text, Text>,
}

/// The letters of the `n`th name (0 is "A", 25 "Z", 26 "AA" …).
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl Neutral {
    /// Names `values` (in order, each once) "`word` A", "`word` B" …, skipping a name that
    /// is one of the values.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a Text>, word: &str) -> Neutral {
        let values: Vec<&Text> = values.into_iter().collect();
        let taken: std::collections::HashSet<&str> = values.iter().map(|v| &***v).collect();
        let mut neutral = Neutral::default();
        let mut next = 0;
        for v in values {
            if neutral.names.contains_key(v) {
                continue;
            }
            let name = loop {
                let name = format!("{word} {}", letters(next));
                next += 1;
                if !taken.contains(name.as_str()) {
                    break Text::from(name);
                }
            };
            neutral.names.insert(v.clone(), name.clone());
            neutral.reals.insert(name, v.clone());
        }
        neutral
    }

    /// The neutral name of `real`, if it is one of the values.
    pub fn name(&self, real: &str) -> Option<&Text> {
        self.names.get(real)
    }

    /// The real name the neutral name `name` stands for.
    pub fn real(&self, name: &str) -> Option<&Text> {
        self.reals.get(name)
    }
}

/// The neutral names of the report's teams and local authorities.
#[derive(Clone, Debug, Default)]
pub struct Neutrals {
    pub team: Neutral,
    pub local_authority: Neutral,
}

impl Neutrals {
    /// Names the teams and authorities of `report`'s children in order of first appearance.
    pub fn of(report: &Report) -> Neutrals {
        let children = &report.journeys.children;
        Neutrals {
            team: Neutral::new(children.iter().filter_map(|c| c.team.as_ref()), "Team"),
            local_authority: Neutral::new(
                children.iter().filter_map(|c| c.local_authority.as_ref()),
                "Authority",
            ),
        }
    }

    /// The names of a breakdown's groups, if it is by team or authority.
    pub fn of_breakdown(&self, breakdown: &str) -> Option<&Neutral> {
        match breakdown {
            "team" => Some(&self.team),
            "local_authority" => Some(&self.local_authority),
            _ => None,
        }
    }
}

impl Neutral {
    /// `text` with every real name that stands as words of its own (not inside a longer
    /// word) replaced by its neutral name, the longest names first, in one pass (a neutral
    /// name put in is never read again).
    pub fn rename(&self, text: &str) -> String {
        let mut reals: Vec<(&str, &str)> = self.names.iter().map(|(r, n)| (&**r, &**n)).collect();
        reals.retain(|(r, _)| !r.is_empty());
        crate::sort::stable_by(&mut reals, |a, b| {
            b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0))
        });
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        'scan: while at < text.len() {
            let rest = &text[at..];
            if !word(text[..at].chars().next_back()) {
                for (real, name) in &reals {
                    if rest.starts_with(real) && !word(rest[real.len()..].chars().next()) {
                        out.push_str(name);
                        at += real.len();
                        continue 'scan;
                    }
                }
            }
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            at += c.len_utf8().max(1);
        }
        out
    }

    /// A chart drawn by this breakdown's groups with every group named neutrally: its texts,
    /// tooltips, title and description, and the table behind it.
    pub fn rename_chart(&self, layout: &mut crate::chart::layout::Layout) {
        if self.names.is_empty() {
            return;
        }
        for item in &mut layout.items {
            if let crate::chart::layout::Item::Text(t) = item {
                t.text = self.rename(&t.text);
            }
        }
        for hit in &mut layout.hits {
            hit.hit.label = self.rename(&hit.hit.label);
        }
        layout.title = self.rename(&layout.title);
        layout.description = self.rename(&layout.description);
        if let Some(table) = layout.table.as_mut() {
            self.rename_table(table);
        }
    }

    /// A table with every cell and note's real names given neutrally.
    pub fn rename_table(&self, table: &mut crate::table::Table) {
        if self.names.is_empty() {
            return;
        }
        for row in &mut table.rows {
            for cell in row.iter_mut() {
                *cell = self.rename(cell);
            }
        }
        for note in &mut table.notes {
            *note = self.rename(note);
        }
    }
}

/// A problem as a pseudonymised view shows it (unchanged when `pseudonymise` is false).
/// `child` finds the child a problem is about by ID; a problem about a child it does not
/// know names "a child".
pub fn shown_diagnostic(
    d: &Diagnostic,
    child: &dyn Fn(&str) -> Option<Hidden>,
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
    fn teams_are_lettered_in_order_and_never_as_a_real_team() {
        let values: Vec<Text> = ["North", "Team A", "South", "North"]
            .into_iter()
            .map(Text::from)
            .collect();
        let n = Neutral::new(&values, "Team");
        // "Team A" is a real team's name: North is Team B, the real Team A is Team C, South
        // Team D.
        assert_eq!(n.name("North").map(|t| &**t), Some("Team B"));
        assert_eq!(n.name("Team A").map(|t| &**t), Some("Team C"));
        assert_eq!(n.name("South").map(|t| &**t), Some("Team D"));
        assert_eq!(n.real("Team B").map(|t| &**t), Some("North"));
        assert_eq!(n.real("Team A"), None);
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
        assert_eq!(letters(52), "BA");
    }

    #[test]
    fn real_names_are_renamed_as_words_longest_first() {
        let values: Vec<Text> = ["North", "North East", "B"]
            .into_iter()
            .map(Text::from)
            .collect();
        // In order of appearance: North is Team A, North East Team B, B Team C.
        let n = Neutral::new(&values, "Team");
        assert_eq!(n.name("North East").map(|t| &**t), Some("Team B"));
        assert_eq!(n.name("B").map(|t| &**t), Some("Team C"));
        assert_eq!(
            n.rename("North East, North, Northern · B"),
            "Team B, Team A, Northern · Team C"
        );
        // A neutral name put in is not renamed again ("Team B" holds "B").
        assert_eq!(n.rename("B"), "Team C");
        assert_eq!(n.rename("Stage 1 · North"), "Stage 1 · Team A");
    }

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
