//! SSDA903 import (England's children-looked-after return): recognises the 903 tables by
//! their exact column names, whatever the file or sheet is called, reads their rows (each row
//! used or rejected with a reason), and once every file is read turns them into
//! [`crate::model::Records`].
//!
//! How episodes become journeys (`shared/domain.md` §4):
//! - A care period starts at an episode with RNE = S and ends at the first DEC whose REC is
//!   not X1. A period whose first episode has another RNE is reported (`period_without_start`)
//!   and starts there all the same.
//! - An episode with RNE L (legal status change only) continues the placement; RNE P, B, T or
//!   U starts a new one, a move unless PLACE is temporary (T0–T4). An RNE L whose PLACE
//!   differs from the previous episode's is reported and read as a new placement.
//! - Legal spells are runs of episodes with the same LS.
//! - An episode starting before the previous one ends (or while it is open) is reported
//!   (`episode_overlap`); the previous one is read as ending when the next starts.
//! - Unknown RNE, LS, PLACE or REC codes are reported once per code (`unknown_code`); the
//!   placement or legal status is read as `other`, an unknown RNE as a change of placement,
//!   an unknown REC as the end of the period.
//! - Events: each review (REVIEW) is a `lac_review`; PlacedAdoption.DATE_PLACED is the
//!   `adm_decision`; AD1.DATE_MATCH is `matched`; the start of the first LS E1/D1 episode of a
//!   period is the `placement_order`; the start of its first A3–A6 placement is
//!   `placed_for_adoption`; REC E11/E12 (adoption order), E41 (child arrangements order) and
//!   E43–E48 (special guardianship order) give `order_granted` on DEC; E4A/E4B give
//!   `returned_home`; each Missing row is a `missing` event.
//!
//! This module knows nothing about care-period building (that is `model::build`) or about
//! the template tables.

use super::file::Sheet;
use super::header::{self, normalise};
use super::labels::{legal_code, placement_code};
use super::summary::{ColumnMatch, InputSummary, TableSummary};
use super::template::{Sink, TableContext};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{
    ChildRecord, EventRecord, LegalRecord, Milestone, PlacementRecord, SourceRow, Text,
};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// The 903 tables the importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table903 {
    Header,
    Episodes,
    Reviews,
    Ad1,
    PlacedAdoption,
    Missing,
}

impl Table903 {
    const ALL: [Table903; 6] = [
        Table903::Episodes,
        Table903::Header,
        Table903::Reviews,
        Table903::Ad1,
        Table903::PlacedAdoption,
        Table903::Missing,
    ];

    /// The table kind shown in the load summary.
    pub fn id(self) -> &'static str {
        match self {
            Table903::Header => "ssda903_header",
            Table903::Episodes => "ssda903_episodes",
            Table903::Reviews => "ssda903_reviews",
            Table903::Ad1 => "ssda903_ad1",
            Table903::PlacedAdoption => "ssda903_placed_for_adoption",
            Table903::Missing => "ssda903_missing",
        }
    }

    /// The columns (normalised) a table must have to be recognised.
    fn required(self) -> &'static [&'static str] {
        match self {
            Table903::Header => &["child", "sex", "dob", "ethnic"],
            Table903::Episodes => &["child", "decom", "rne", "ls", "place", "dec", "rec"],
            Table903::Reviews => &["child", "review", "reviewcode"],
            Table903::Ad1 => &["child", "dateint", "datematch"],
            Table903::PlacedAdoption => &["child", "dateplaced"],
            Table903::Missing => &["child", "misstart", "misend"],
        }
    }

    /// Every column the importer reads.
    fn columns(self) -> &'static [&'static str] {
        match self {
            Table903::Header => &["child", "sex", "dob", "ethnic"],
            Table903::Episodes => &["child", "decom", "rne", "ls", "place", "dec", "rec"],
            Table903::Reviews => &["child", "review", "reviewcode"],
            Table903::Ad1 => &["child", "dateint", "datematch", "fostercare"],
            Table903::PlacedAdoption => &["child", "dateplaced", "dateplacedceased"],
            Table903::Missing => &["child", "missing", "misstart", "misend"],
        }
    }
}

/// Decides whether a header row is a 903 table's.
pub fn recognise(headers: &[String]) -> Option<Table903> {
    let names: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    Table903::ALL
        .into_iter()
        .find(|t| t.required().iter().all(|c| names.iter().any(|n| n == c)))
}

/// Finds a 903 header among the first rows of a sheet: (table, header row, header texts).
pub fn detect(sheet: &Sheet<'_>) -> Option<(Table903, u32, Vec<String>)> {
    header::head_rows(&sheet.data, header::HEADER_SEARCH_ROWS)
        .into_iter()
        .find_map(|(row, headers)| recognise(&headers).map(|t| (t, row, headers)))
}

struct Episode {
    child: Text,
    decom: NaiveDate,
    rne: Text,
    ls: Text,
    place: Text,
    dec: Option<NaiveDate>,
    rec: Option<Text>,
    source: SourceRow,
}

struct Dated {
    child: Text,
    date: NaiveDate,
    /// The end of a missing episode, or the ceasing of a placed-for-adoption decision.
    until: Option<NaiveDate>,
    code: Option<Text>,
    source: SourceRow,
}

/// The 903 rows read so far, waiting for every file before journeys are built.
#[derive(Default)]
pub struct Collector {
    children: Vec<ChildRecord>,
    episodes: Vec<Episode>,
    reviews: Vec<Dated>,
    matches: Vec<Dated>,
    decisions: Vec<Dated>,
    missing: Vec<Dated>,
    /// (column, code) already reported as unknown.
    reported: std::collections::HashSet<(&'static str, String)>,
}

impl Collector {
    /// Whether any 903 table was read.
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
            && self.episodes.is_empty()
            && self.reviews.is_empty()
            && self.matches.is_empty()
            && self.decisions.is_empty()
            && self.missing.is_empty()
    }
}

/// Reads the rows of a recognised 903 sheet into the collector and adds its table summary.
/// Returns the table's index.
pub fn read_sheet(
    file: &str,
    sheet: &Sheet<'_>,
    (table, header_row, headers): (Table903, u32, Vec<String>),
    collector: &mut Collector,
    sink: &mut Sink,
    summary: &mut InputSummary,
) -> usize {
    let index = summary.tables.len();
    let ctx = TableContext {
        index: index as u32,
        file,
        sheet: sheet.name.as_deref(),
    };
    let names: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let col = |name: &str| names.iter().position(|n| n == name);
    let cols: HashMap<&'static str, usize> = table
        .columns()
        .iter()
        .filter_map(|c| col(c).map(|i| (*c, i)))
        .collect();
    let is_1904 = sheet.data.is_1904();
    let (mut read, mut rejected) = (0u64, 0u64);
    sheet.data.for_each_row(&mut |row, cells| {
        if row <= header_row || cells.iter().all(|c| c.is_blank()) {
            return true;
        }
        read += 1;
        let reader = RowReader {
            ctx: &ctx,
            headers: &headers,
            cols: &cols,
            cells,
            row,
            is_1904,
        };
        if let Err(d) = reader.read(table, collector, sink) {
            rejected += 1;
            sink.row_problem(*d);
        }
        true
    });
    let first_column = sheet.data.first_column();
    summary.tables.push(TableSummary {
        file: file.to_string(),
        sheet: sheet.name.clone(),
        kind: table.id().to_string(),
        header_row,
        columns: headers
            .iter()
            .enumerate()
            .map(|(i, h)| ColumnMatch {
                field: if cols.values().any(|c| *c == i) {
                    h.trim().to_ascii_uppercase()
                } else {
                    "ignored".to_string()
                },
                header: h.clone(),
                index: i + first_column,
            })
            .collect(),
        rows_read: read,
        rows_used: read - rejected,
        rows_rejected: rejected,
    });
    index
}

struct RowReader<'a> {
    ctx: &'a TableContext<'a>,
    headers: &'a [String],
    cols: &'a HashMap<&'static str, usize>,
    cells: &'a [super::sheet::Cell<'a>],
    row: u32,
    is_1904: bool,
}

type Rejection = Box<Diagnostic>;

impl RowReader<'_> {
    fn column_name(&self, name: &str) -> String {
        self.cols
            .get(name)
            .and_then(|i| self.headers.get(*i))
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|| name.to_ascii_uppercase())
    }

    fn reject(&self, name: &str, code: Code, child: Option<&str>, message: String) -> Rejection {
        let mut d = Diagnostic::new(Severity::Rejected, code, message)
            .file(self.ctx.file)
            .sheet(self.ctx.sheet)
            .row(self.row)
            .column(self.column_name(name));
        if let Some(c) = child {
            d = d.child(c);
        }
        Box::new(d)
    }

    fn text(&self, name: &str) -> Option<String> {
        let i = *self.cols.get(name)?;
        let t = self.cells.get(i)?.text();
        (!t.is_empty()).then(|| t.into_owned())
    }

    fn date(&self, name: &str, child: &str) -> Result<Option<NaiveDate>, Rejection> {
        let Some(i) = self.cols.get(name) else {
            return Ok(None);
        };
        let Some(cell) = self.cells.get(*i) else {
            return Ok(None);
        };
        if cell.is_blank() {
            return Ok(None);
        }
        cell.date(self.is_1904).map(Some).map_err(|e| {
            let shown = cell.text().into_owned();
            let code = match e {
                crate::date::DateError::MonthFirst { .. } => Code::MonthFirstDate,
                _ => Code::InvalidDate,
            };
            self.reject(
                name,
                code,
                Some(child),
                format!("{} \"{shown}\" {e}.", self.column_name(name)),
            )
        })
    }

    fn required_date(&self, name: &str, child: &str, why: &str) -> Result<NaiveDate, Rejection> {
        self.date(name, child)?.ok_or_else(|| {
            self.reject(
                name,
                Code::MissingValue,
                Some(child),
                format!("{} is blank; {why}", self.column_name(name)),
            )
        })
    }

    fn source(&self) -> SourceRow {
        SourceRow {
            table: self.ctx.index,
            row: self.row,
        }
    }

    fn read(&self, table: Table903, c: &mut Collector, sink: &mut Sink) -> Result<(), Rejection> {
        let Some(child) = self.text("child") else {
            return Err(self.reject(
                "child",
                Code::MissingValue,
                None,
                "CHILD is blank; every row must say which child it is about.".into(),
            ));
        };
        let child = sink.intern(&child);
        let source = self.source();
        match table {
            Table903::Header => {
                let dob = sink.date_of_birth(self.date("dob", &child));
                let sex = self.text("sex").map(|s| {
                    sink.intern(match s.as_str() {
                        "1" => "Male",
                        "2" => "Female",
                        other => other,
                    })
                });
                let mut attributes = BTreeMap::new();
                if let Some(e) = self.text("ethnic") {
                    attributes.insert(sink.intern("ETHNIC"), sink.intern(&e));
                }
                c.children.push(ChildRecord {
                    child_id: child,
                    date_of_birth: dob,
                    sex,
                    local_authority: None,
                    team: None,
                    attributes,
                    source,
                });
            }
            Table903::Episodes => {
                let decom =
                    self.required_date("decom", &child, "an episode needs the date it started.")?;
                let dec = self.date("dec", &child)?;
                let mut code = |name: &str| {
                    self.text(name)
                        .map(|s| sink.intern(&s.to_ascii_uppercase()))
                };
                let (rne, ls, place, rec) = (code("rne"), code("ls"), code("place"), code("rec"));
                let blank = Text::from("");
                c.episodes.push(Episode {
                    child,
                    decom,
                    rne: rne.unwrap_or_else(|| blank.clone()),
                    ls: ls.unwrap_or_else(|| blank.clone()),
                    place: place.unwrap_or(blank),
                    dec,
                    rec,
                    source,
                });
            }
            Table903::Reviews => {
                let date = self.required_date("review", &child, "a review needs its date.")?;
                let code = self.text("reviewcode").map(|s| sink.intern(&s));
                c.reviews.push(Dated {
                    child,
                    date,
                    until: None,
                    code,
                    source,
                });
            }
            Table903::Ad1 => {
                // DATE_INT is the decision to place for adoption, which PlacedAdoption also
                // carries; the match is what AD1 adds.
                let _ = self.date("dateint", &child)?;
                if let Some(date) = self.date("datematch", &child)? {
                    let code = self.text("fostercare").map(|s| sink.intern(&s));
                    c.matches.push(Dated {
                        child,
                        date,
                        until: None,
                        code,
                        source,
                    });
                }
            }
            Table903::PlacedAdoption => {
                let date = self.required_date(
                    "dateplaced",
                    &child,
                    "the decision that the child should be placed for adoption needs its date.",
                )?;
                let until = self.date("dateplacedceased", &child)?;
                c.decisions.push(Dated {
                    child,
                    date,
                    until,
                    code: None,
                    source,
                });
            }
            Table903::Missing => {
                let date = self.required_date(
                    "misstart",
                    &child,
                    "a missing episode needs the date it started.",
                )?;
                let until = self.date("misend", &child)?;
                let code = self
                    .text("missing")
                    .map(|s| sink.intern(&s.to_ascii_uppercase()));
                c.missing.push(Dated {
                    child,
                    date,
                    until,
                    code,
                    source,
                });
            }
        }
        Ok(())
    }
}

/// Turns every collected 903 row into records in `sink`, reporting inconsistencies.
/// `locate` gives the file and sheet of a table index.
pub fn finish(collector: Collector, sink: &mut Sink, summary: &InputSummary) {
    let Collector {
        children,
        mut episodes,
        reviews,
        matches,
        decisions,
        missing,
        mut reported,
    } = collector;
    let locate = |src: SourceRow| -> (String, Option<String>) {
        match summary.tables.get(src.table as usize) {
            Some(t) => (t.file.clone(), t.sheet.clone()),
            None => (String::new(), None),
        }
    };
    let mut b = Builder {
        sink,
        locate: &locate,
        reported: &mut reported,
    };
    b.sink.records.children.extend(children);

    // Episodes grouped by child in order of first appearance, then by start.
    let mut order: HashMap<Text, usize> = HashMap::new();
    for e in &episodes {
        let n = order.len();
        order.entry(e.child.clone()).or_insert(n);
    }
    episodes.sort_by(|a, b| {
        (order[&a.child], a.decom, a.source).cmp(&(order[&b.child], b.decom, b.source))
    });
    let mut start = 0;
    while start < episodes.len() {
        let end = episodes[start..]
            .iter()
            .position(|e| e.child != episodes[start].child)
            .map_or(episodes.len(), |n| start + n);
        b.child_episodes(&episodes[start..end]);
        start = end;
    }

    for r in reviews {
        b.event(r.child, r.date, Milestone::LacReview, r.code, r.source);
    }
    for d in decisions {
        b.event(
            d.child,
            d.date,
            Milestone::AdmDecision,
            Some(Text::from("Should be placed for adoption")),
            d.source,
        );
    }
    for m in matches {
        b.event(m.child, m.date, Milestone::Matched, None, m.source);
    }
    for m in missing {
        let what = match m.code.as_deref() {
            Some("A") => "Away without authorisation",
            _ => "Missing",
        };
        let detail = match m.until {
            Some(u) => format!("{what} until {}", crate::date::format_uk(u)),
            None => what.to_string(),
        };
        b.event(
            m.child,
            m.date,
            Milestone::Missing,
            Some(Text::from(detail)),
            m.source,
        );
    }
}

struct Builder<'a> {
    sink: &'a mut Sink,
    locate: &'a dyn Fn(SourceRow) -> (String, Option<String>),
    reported: &'a mut std::collections::HashSet<(&'static str, String)>,
}

/// What a REC code says about the end of a period.
fn rec_event(rec: &str) -> Option<(Milestone, &'static str)> {
    Some(match rec {
        "E11" | "E12" => (Milestone::OrderGranted, "Adoption order"),
        "E41" => (Milestone::OrderGranted, "Child arrangements order"),
        "E43" | "E44" | "E45" | "E46" | "E47" | "E48" => {
            (Milestone::OrderGranted, "Special guardianship order")
        }
        "E4A" | "E4B" => (Milestone::ReturnedHome, "Returned home"),
        _ => return None,
    })
}

const KNOWN_REC: [&str; 27] = [
    "X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E43", "E44", "E45",
    "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E1", "E10", "E4",
];

impl Builder<'_> {
    fn warn(&mut self, code: Code, src: SourceRow, child: &str, column: &str, message: String) {
        let (file, sheet) = (self.locate)(src);
        self.sink.row_problem(
            Diagnostic::new(Severity::Warning, code, message)
                .file(file)
                .sheet(sheet)
                .row(src.row)
                .column(column)
                .child(child),
        );
    }

    /// Reports an unknown code once per column and code.
    fn unknown(
        &mut self,
        column: &'static str,
        value: &str,
        src: SourceRow,
        child: &str,
        treated: &str,
    ) {
        if self.reported.insert((column, value.to_string())) {
            let shown = if value.is_empty() { "(blank)" } else { value };
            self.warn(
                Code::UnknownCode,
                src,
                child,
                column,
                format!("{column} {shown} is not a code Driftline knows; it is read as {treated}. Other rows with this code are read the same way and not listed again."),
            );
        }
    }

    fn event(
        &mut self,
        child: Text,
        date: NaiveDate,
        milestone: Milestone,
        detail: Option<Text>,
        source: SourceRow,
    ) {
        self.sink.records.events.push(EventRecord {
            child_id: child,
            date,
            milestone,
            label: Text::from(milestone.label()),
            detail,
            source,
        });
    }

    /// One child's episodes, sorted by start.
    fn child_episodes(&mut self, eps: &[Episode]) {
        let mut in_period = false;
        let mut placement_order_seen = false;
        let mut adopters_seen = false;
        // Index into records.placements of the current placement.
        let mut current: Option<usize> = None;
        let mut legal: Option<usize> = None;
        let mut prev: Option<&Episode> = None;
        for (i, e) in eps.iter().enumerate() {
            let child = &*e.child;
            // Exact repeats are reported and counted once.
            if let Some(p) = prev {
                if p.decom == e.decom
                    && p.dec == e.dec
                    && p.rne == e.rne
                    && p.ls == e.ls
                    && p.place == e.place
                    && p.rec == e.rec
                {
                    self.warn(
                        Code::DuplicateRow,
                        e.source,
                        child,
                        "DECOM",
                        format!(
                            "This episode repeats the one on row {} exactly; it is counted once.",
                            p.source.row
                        ),
                    );
                    continue;
                }
            }
            let rne = &*e.rne;
            let known_rne = matches!(rne, "S" | "L" | "P" | "T" | "B" | "U");
            if !known_rne {
                self.unknown("RNE", rne, e.source, child, "a change of placement");
            }
            // Does the previous episode's end say care continues?
            let continues = match prev {
                Some(p) => in_period && p.rec.as_deref().is_none_or(|r| r == "X1"),
                None => false,
            };
            if let Some(p) = prev {
                let overlaps = match p.dec {
                    Some(d) => e.decom < d,
                    None => true,
                };
                if overlaps {
                    let ends = match p.dec {
                        Some(d) => format!("ends on {}", crate::date::format_uk(d)),
                        None => "has no end date".to_string(),
                    };
                    self.warn(
                        Code::EpisodeOverlap,
                        e.source,
                        child,
                        "DECOM",
                        format!(
                            "This episode starts on {} but the previous one (row {}) {ends}; the previous one is read as ending when this one starts.",
                            crate::date::format_uk(e.decom),
                            p.source.row
                        ),
                    );
                    if let Some(ci) = current {
                        self.sink.records.placements[ci].end = Some(e.decom);
                    }
                    if let Some(li) = legal {
                        self.sink.records.legal[li].end = Some(e.decom);
                    }
                }
                if p.rec.as_deref() == Some("X1") && p.dec.is_none() {
                    // Nothing to do: an open episode followed by another is reported above.
                }
            }
            let starts = rne == "S" || !continues;
            if starts && rne != "S" {
                self.warn(
                    Code::PeriodWithoutStart,
                    e.source,
                    child,
                    "RNE",
                    format!(
                        "This episode begins a period of care (no earlier episode continues into it) but its RNE is {}, not S; the period is read as starting here.",
                        if rne.is_empty() { "blank" } else { rne }
                    ),
                );
            }
            if starts {
                placement_order_seen = false;
                adopters_seen = false;
            }
            let place_changed = prev.is_none_or(|p| p.place != e.place);
            let new_placement = starts || rne != "L" || place_changed;
            if !starts && rne == "L" && place_changed {
                let before = prev.map_or("", |p| &*p.place);
                self.warn(
                    Code::InvalidValue,
                    e.source,
                    child,
                    "RNE",
                    format!("RNE L says only the legal status changed, but PLACE changed from {before} to {}; read as a change of placement.", e.place),
                );
            }

            // The placement.
            let category = {
                let n = normalise(&e.place);
                match placement_code(&n) {
                    Some(c) => c,
                    None => {
                        self.unknown("PLACE", &e.place, e.source, child, "other");
                        crate::model::PlacementCategory::Other
                    }
                }
            };
            // Counted so unknown codes are listed in the load summary.
            if !e.place.is_empty() {
                let _ = self.sink.labels.placement(&e.place);
            }
            let temporary = matches!(&*e.place, "T0" | "T1" | "T2" | "T3" | "T4");
            if new_placement {
                self.sink.records.placements.push(PlacementRecord {
                    child_id: e.child.clone(),
                    start: e.decom,
                    end: e.dec,
                    category,
                    placement_type: e.place.clone(),
                    carer: None,
                    legal_status: (!e.ls.is_empty()).then(|| e.ls.clone()),
                    temporary,
                    starts_period: starts,
                    ends_period: false,
                    source: e.source,
                });
                current = Some(self.sink.records.placements.len() - 1);
            } else if let Some(ci) = current {
                self.sink.records.placements[ci].end = e.dec;
            }

            // The legal status.
            let ls_category = match legal_code(&normalise(&e.ls)) {
                Some(c) => c,
                None => {
                    self.unknown("LS", &e.ls, e.source, child, "other");
                    crate::model::LegalCategory::Other
                }
            };
            if !e.ls.is_empty() {
                let _ = self.sink.labels.legal(&e.ls);
            }
            let same_ls =
                !starts && legal.is_some_and(|li| self.sink.records.legal[li].legal_status == e.ls);
            if same_ls {
                if let Some(li) = legal {
                    self.sink.records.legal[li].end = e.dec;
                }
            } else {
                self.sink.records.legal.push(LegalRecord {
                    child_id: e.child.clone(),
                    start: e.decom,
                    end: e.dec,
                    category: ls_category,
                    legal_status: e.ls.clone(),
                    source: e.source,
                });
                legal = Some(self.sink.records.legal.len() - 1);
            }

            // Derived events.
            if !placement_order_seen && matches!(&*e.ls, "E1" | "D1") {
                placement_order_seen = true;
                self.event(
                    e.child.clone(),
                    e.decom,
                    Milestone::PlacementOrder,
                    None,
                    e.source,
                );
            }
            if !adopters_seen && new_placement && matches!(&*e.place, "A3" | "A4" | "A5" | "A6") {
                adopters_seen = true;
                self.event(
                    e.child.clone(),
                    e.decom,
                    Milestone::PlacedForAdoption,
                    None,
                    e.source,
                );
            }

            // The end of the period.
            in_period = true;
            if let (Some(dec), Some(rec)) = (e.dec, e.rec.as_deref()) {
                if rec != "X1" {
                    if !KNOWN_REC.contains(&rec) {
                        self.unknown("REC", rec, e.source, child, "the end of the period of care");
                    }
                    if let Some(ci) = current {
                        self.sink.records.placements[ci].ends_period = true;
                    }
                    if let Some((m, detail)) = rec_event(rec) {
                        self.event(e.child.clone(), dec, m, Some(Text::from(detail)), e.source);
                    }
                    in_period = false;
                } else if eps.get(i + 1).is_none() {
                    self.warn(
                        Code::InvalidValue,
                        e.source,
                        child,
                        "REC",
                        "REC X1 says a new episode starts the day this one ends, but there is no later episode; the period is read as ending here.".into(),
                    );
                }
            }
            prev = Some(e);
        }
    }
}
