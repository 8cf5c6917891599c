//! The chronology: the timeline's text alternative, built from the same model, in the style
//! of a social work chronology (date, age, significant event, detail, source row).
//!
//! This module owns the rows, their wording and their plain-text and CSV forms, and the
//! pseudonyms used for carers. It draws nothing; the timeline's hit regions point at these
//! rows by index.

use super::axis::{date_short, duration_words, whole_months};
use crate::model::{Child, SourceRow};
use crate::table::Table;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// A child's chronology.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chronology {
    /// "Child 17 · chronology as at 30/11/2023".
    pub title: String,
    pub rows: Vec<ChronologyRow>,
}

/// One dated entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChronologyRow {
    pub date: NaiveDate,
    /// The child's age on the date ("1y 4m"), when the date of birth is known.
    pub age: Option<String>,
    /// The significant event.
    pub event: String,
    /// What it meant: carer, legal status, duration, the detail written in the input.
    pub detail: String,
    /// The spreadsheet row it came from.
    pub source: Option<SourceRow>,
    /// Key decisions (recommendation, panel, ADM, lodging, orders, matching).
    pub key: bool,
    pub refers_to: ChronologyRef,
}

/// What a chronology row describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChronologyRef {
    Birth,
    CareStart {
        period: usize,
    },
    CareEnd {
        period: usize,
    },
    Placement {
        period: usize,
        index: usize,
    },
    Legal {
        index: usize,
    },
    /// Index into the child's events in date order ([`Child::all_events`]).
    Event {
        index: usize,
    },
}

/// Options for [`chronology`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChronologyOptions {
    pub as_at: NaiveDate,
    /// Leave out the child's ID, date of birth, carers' names and free-text details.
    pub pseudonymise: bool,
}

/// Builds the chronology of one child, in date order.
pub fn chronology(child: &Child, options: &ChronologyOptions) -> Chronology {
    let names = CarerNames::new(child, options.pseudonymise);
    let dob = child.date_of_birth;
    let age = |d: NaiveDate| dob.filter(|b| *b <= d).map(|b| age_short(b, d));
    let mut rows: Vec<(u8, ChronologyRow)> = Vec::new();
    let events: Vec<_> = child.all_events().collect();
    let has_event = |m: crate::model::Milestone, d: NaiveDate| {
        events.iter().any(|e| e.milestone == m && e.date == d)
    };

    if let (Some(b), false) = (dob, options.pseudonymise) {
        rows.push((
            0,
            ChronologyRow {
                date: b,
                age: None,
                event: "Born".into(),
                detail: String::new(),
                source: child.source,
                key: false,
                refers_to: ChronologyRef::Birth,
            },
        ));
    }
    let many = child.care_periods.len() > 1;
    for (pi, period) in child.care_periods.iter().enumerate() {
        let first_source = period.placements.first().map(|p| p.source);
        if !has_event(crate::model::Milestone::BecameLookedAfter, period.start) {
            rows.push((
                1,
                ChronologyRow {
                    date: period.start,
                    age: age(period.start),
                    event: "Became looked after".into(),
                    detail: if many {
                        format!("Care period {} of {}", pi + 1, child.care_periods.len())
                    } else {
                        String::new()
                    },
                    source: first_source,
                    key: false,
                    refers_to: ChronologyRef::CareStart { period: pi },
                },
            ));
        }
        for (i, p) in period.placements.iter().enumerate() {
            let carer = names.name(p);
            let category = p.category.label().to_lowercase();
            let event = if i == 0 {
                format!("Placed with {carer}")
            } else if p.temporary {
                format!("Temporary placement with {carer}")
            } else if let Some(n) = p.move_number.get() {
                format!("Move {n}: to {carer}")
            } else {
                format!("Placed with {carer}")
            };
            let length = match p.end {
                Some(e) => format!(
                    "{} ({} days)",
                    duration_words(p.start, e),
                    (e - p.start).num_days()
                ),
                None => format!(
                    "ongoing, {} so far",
                    duration_words(p.start, options.as_at.max(p.start))
                ),
            };
            let mut detail = format!("{category}; {length}");
            // The type as written is free text: pseudonymised, the category alone.
            if p.placement_type.as_ref() != p.category.label()
                && !p.placement_type.is_empty()
                && !options.pseudonymise
            {
                detail = format!("{} ({}); {length}", category, p.placement_type);
            }
            rows.push((
                2,
                ChronologyRow {
                    date: p.start,
                    age: age(p.start),
                    event,
                    detail,
                    source: Some(p.source),
                    key: false,
                    refers_to: ChronologyRef::Placement {
                        period: pi,
                        index: i,
                    },
                },
            ));
        }
        if let Some(end) = period.end {
            if !has_event(crate::model::Milestone::LeftCare, end) {
                rows.push((
                    5,
                    ChronologyRow {
                        date: end,
                        age: age(end),
                        event: "Left care".into(),
                        detail: format!("after {}", duration_words(period.start, end)),
                        source: period.placements.last().map(|p| p.source),
                        key: false,
                        refers_to: ChronologyRef::CareEnd { period: pi },
                    },
                ));
            }
        }
    }
    for (i, l) in child.legal.iter().enumerate() {
        let mut detail = l.category.label_as_written(&l.legal_status).to_string();
        if let Some(e) = l.end {
            detail.push_str(&format!(" until {}", date_short(e)));
        }
        rows.push((
            3,
            ChronologyRow {
                date: l.start,
                age: age(l.start),
                event: if options.pseudonymise {
                    format!("Legal status: {}", l.category.label())
                } else {
                    format!("Legal status: {}", l.legal_status)
                },
                detail,
                source: Some(l.source),
                key: false,
                refers_to: ChronologyRef::Legal { index: i },
            },
        ));
    }
    for (i, e) in events.iter().enumerate() {
        let inside = child.care_periods.iter().any(|p| p.contains(e.date));
        // Pseudonymised, an event is named by its milestone, never as written (a label mapped
        // to a milestone may still name someone).
        let event = match (options.pseudonymise, e.milestone) {
            (true, crate::model::Milestone::Custom) => "Other event (wording withheld)".to_string(),
            (true, m) => m.label().to_string(),
            (false, _) => e.label.to_string(),
        };
        let mut detail = match (&e.detail, options.pseudonymise) {
            (Some(d), false) => d.to_string(),
            (Some(_), true) => "(detail withheld)".to_string(),
            (None, _) => String::new(),
        };
        if !inside && !child.care_periods.is_empty() {
            detail = if detail.is_empty() {
                "Outside care".to_string()
            } else {
                format!("Outside care; {detail}")
            };
        }
        rows.push((
            4,
            ChronologyRow {
                date: e.date,
                age: age(e.date),
                event,
                detail,
                source: Some(e.source),
                key: e.milestone.is_key_decision(),
                refers_to: ChronologyRef::Event { index: i },
            },
        ));
    }
    crate::sort::stable_by_key(&mut rows, |(k, r)| (r.date, *k, r.source));
    let name = if options.pseudonymise {
        "Child 1".to_string()
    } else {
        format!("Child {}", child.id)
    };
    Chronology {
        title: format!("{name} · chronology as at {}", date_short(options.as_at)),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}

impl Chronology {
    /// The index of the row that describes `what`.
    pub fn row_of(&self, what: ChronologyRef) -> Option<usize> {
        self.rows.iter().position(|r| r.refers_to == what)
    }

    /// The chronology as an aligned plain-text table.
    pub fn to_text(&self) -> String {
        let header = ["Date", "Age", "Event", "Detail", "Source"];
        let cells: Vec<[String; 5]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    date_short(r.date),
                    r.age.clone().unwrap_or_default(),
                    if r.key {
                        format!("{} *", r.event)
                    } else {
                        r.event.clone()
                    },
                    r.detail.clone(),
                    r.source.map(source_text).unwrap_or_default(),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cols: &[String]| {
            let mut s = String::new();
            for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                s.push_str(c);
                if i + 1 < cols.len() {
                    s.push_str(&" ".repeat(w - c.chars().count()));
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = format!("{}\n", self.title);
        out.push_str(&line(&header.map(String::from)));
        for row in &cells {
            out.push_str(&line(row));
        }
        out.push_str("* key decision\n");
        out
    }

    /// The chronology as CSV (RFC 4180 quoting), for dropping into a report.
    pub fn to_csv(&self) -> String {
        self.to_table().to_csv()
    }

    /// The chronology as a table (the timeline's text alternative). Its rows' sources are
    /// left out: the chart knows them only by table number, which means nothing in a file and
    /// would lead back to the child's rows when pseudonymised. The page's and the command
    /// line's chronology CSV (`explore::export::chronology_table`) name the file and row.
    pub fn to_table(&self) -> Table {
        let mut table = Table::new(&["date", "age", "event", "detail", "key_decision"]);
        for r in &self.rows {
            table.push(vec![
                // ISO, as every export writes dates (spreadsheets read it in any locale).
                r.date.to_string(),
                r.age.clone().unwrap_or_default(),
                r.event.clone(),
                r.detail.clone(),
                if r.key { "yes".into() } else { String::new() },
            ]);
        }
        table
    }
}

fn source_text(s: SourceRow) -> String {
    format!("table {} row {}", s.table, s.row)
}

/// An age in short form: "3m", "1y 4m".
pub fn age_short(dob: NaiveDate, date: NaiveDate) -> String {
    let m = whole_months(dob, date);
    match (m / 12, m % 12) {
        (0, m) => format!("{m}m"),
        (y, 0) => format!("{y}y"),
        (y, m) => format!("{y}y {m}m"),
    }
}

/// Carers' names as shown: as written, or "Carer A", "Carer B"… in order of first appearance
/// when pseudonymised. A placement without a carer is named by its category.
pub(crate) struct CarerNames {
    pseudonyms: Option<HashMap<String, String>>,
}

impl CarerNames {
    pub(crate) fn new(child: &Child, pseudonymise: bool) -> CarerNames {
        if !pseudonymise {
            return CarerNames { pseudonyms: None };
        }
        let mut map = HashMap::new();
        for p in child.care_periods.iter().flat_map(|c| c.placements.iter()) {
            if let Some(c) = &p.carer {
                let n = map.len();
                map.entry(c.to_string()).or_insert_with(|| pseudonym(n));
            }
        }
        CarerNames {
            pseudonyms: Some(map),
        }
    }

    /// The name to show for a placement's carer.
    pub(crate) fn name(&self, p: &crate::model::Placement) -> String {
        match (&p.carer, &self.pseudonyms) {
            (Some(c), None) => c.to_string(),
            (Some(c), Some(map)) => map
                .get(c.as_ref())
                .cloned()
                .unwrap_or_else(|| "Carer".into()),
            (None, _) => unnamed(p.category).to_string(),
        }
    }

    /// The short name for a placement bar: the carer, or the category when there is none.
    pub(crate) fn bar_label(&self, p: &crate::model::Placement) -> String {
        match &p.carer {
            Some(_) => self.name(p),
            None => super::palette::placement_short(p.category).to_string(),
        }
    }
}

fn unnamed(category: crate::model::PlacementCategory) -> &'static str {
    use crate::model::PlacementCategory as C;
    match category {
        C::HomeWithParents => "parents",
        C::Kinship => "kinship carers",
        C::Foster => "foster carers",
        C::ProspectiveAdopters => "prospective adopters",
        C::Residential => "a residential home",
        C::Secure => "secure accommodation",
        C::Independent => "supported accommodation",
        C::Other => "other carers",
    }
}

fn pseudonym(n: usize) -> String {
    match u8::try_from(n).ok().filter(|n| *n < 26) {
        Some(i) => format!("Carer {}", char::from(b'A' + i)),
        None => format!("Carer {}", n + 1),
    }
}
