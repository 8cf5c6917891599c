//! SSDA903 import (England's children-looked-after return), as authorities hold it: the CSV
//! tables of one return or of many (yearly files, or tables stacked with `LA` and `YEAR`
//! columns by regional pipelines), and the XML return (`xml`). Rows are read as files arrive
//! (each used or rejected with a reason); once every file is read the returns are reconciled
//! into one history per child (`reconcile`) and turned into [`crate::model::Records`]
//! (`episodes`).
//!
//! What is read from each table (recognised by the DfE's full column set, whatever the file or
//! sheet is called, before the template's own recognition; extra columns such as `LA` and
//! `YEAR` are allowed, and a table missing some columns is still known by its distinctive ones):
//! - Header: the children, with SEX (1 male, 2 female), DOB and ETHNIC (an attribute).
//! - Episodes: placements, legal spells and the events they imply (see `episodes`).
//! - Reviews: each REVIEW is a `lac_review` (REVIEW_CODE as its detail).
//! - AD1: DATE_MATCH is `matched`; FOSTER_CARE (1: adopted by the foster carers) is kept as
//!   the child attribute `FOSTER_CARE`.
//! - PlacedAdoption: DATE_PLACED is the `adm_decision` (should be placed for adoption).
//! - Missing: each row is a `missing` event.
//! - PrevPerm: PREV_PERM (the permanence arrangement the child had before) is the attribute
//!   `PREV_PERM`; UASC: the attribute `UASC` (Yes for the children listed, No for the others);
//!   DoLo: the attribute `DOLO` (Yes for the children listed).
//! - OC2, OC3 and the social-worker episodes say nothing about journeys: their rows are read,
//!   checked and counted as used.
//!
//! Every row belongs to a child the Header or the Episodes know (of the same authority);
//! another child's row is rejected (`unknown_child`) and no child is made up from it. The `LA`
//! column gives the child's local authority; children of different authorities who share an
//! id are told apart as `CHILD/LA`. Rows repeated across returns (a Header row a year) are
//! expected: the latest return's is used, and one note counts them.
//!
//! This module knows nothing about care-period building (that is `model::build`) or about
//! the template tables.

mod episodes;
mod reconcile;
pub mod returns;
pub mod xml;

use super::file::Sheet;
use super::header::{self, normalise};
use super::sheet::Cell;
use super::template::Sink;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::ingest::summary::{ColumnMatch, InputSummary, TableSummary};
use crate::model::{ChildFacts, ChildRecord, Milestone, Observed, SourceRow, Text};
use chrono::NaiveDate;
use returns::{Key, Label, Returns};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

/// The 903 tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table903 {
    Header,
    Episodes,
    Reviews,
    Ad1,
    PlacedAdoption,
    Missing,
    Oc2,
    Oc3,
    PrevPerm,
    Uasc,
    SocialWorker,
    Dolo,
}

impl Table903 {
    /// In the order their distinctive columns are tried.
    pub const ALL: [Table903; 12] = [
        Table903::Episodes,
        Table903::Header,
        Table903::Reviews,
        Table903::Ad1,
        Table903::PlacedAdoption,
        Table903::Missing,
        Table903::PrevPerm,
        Table903::Uasc,
        Table903::Oc2,
        Table903::Oc3,
        Table903::SocialWorker,
        Table903::Dolo,
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
            Table903::Oc2 => "ssda903_oc2",
            Table903::Oc3 => "ssda903_oc3",
            Table903::PrevPerm => "ssda903_previous_permanence",
            Table903::Uasc => "ssda903_uasc",
            Table903::SocialWorker => "ssda903_social_worker",
            Table903::Dolo => "ssda903_dolo",
        }
    }

    /// The table's name in words ("SSDA903 Episodes"), as the page shows it.
    pub fn label(self) -> &'static str {
        match self {
            Table903::Header => "SSDA903 Header",
            Table903::Episodes => "SSDA903 Episodes",
            Table903::Reviews => "SSDA903 Reviews",
            Table903::Ad1 => "SSDA903 AD1 (adopters)",
            Table903::PlacedAdoption => "SSDA903 Placed for adoption",
            Table903::Missing => "SSDA903 Missing",
            Table903::Oc2 => "SSDA903 OC2 (outcomes)",
            Table903::Oc3 => "SSDA903 OC3 (care leavers)",
            Table903::PrevPerm => "SSDA903 Previous permanence",
            Table903::Uasc => "SSDA903 UASC",
            Table903::SocialWorker => "SSDA903 Social worker",
            Table903::Dolo => "SSDA903 Deprivation of liberty",
        }
    }

    /// The DfE's columns of the table, normalised.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table903::Header => &["child", "sex", "dob", "ethnic", "upn", "mother", "mcdob"],
            Table903::Episodes => &[
                "child",
                "decom",
                "rne",
                "ls",
                "cin",
                "place",
                "placeprovider",
                "dec",
                "rec",
                "reasonplacechange",
                "homepost",
                "plpost",
                "urn",
            ],
            Table903::Reviews => &["child", "dob", "review", "reviewcode"],
            Table903::Ad1 => &[
                "child",
                "dob",
                "dateint",
                "datematch",
                "fostercare",
                "nbadoptr",
                "sexadoptr",
                "lsadoptr",
            ],
            Table903::PlacedAdoption => &[
                "child",
                "dob",
                "dateplaced",
                "dateplacedceased",
                "reasonplacedceased",
            ],
            Table903::Missing => &["child", "dob", "missing", "misstart", "misend"],
            Table903::Oc2 => &[
                "child",
                "dob",
                "sdqscore",
                "sdqreason",
                "convicted",
                "healthcheck",
                "immunisations",
                "teethcheck",
                "healthassessment",
                "substancemisuse",
                "interventionreceived",
                "interventionoffered",
            ],
            Table903::Oc3 => &["child", "dob", "intouch", "activ", "accom"],
            Table903::PrevPerm => &["child", "dob", "prevperm", "laperm", "dateperm"],
            Table903::Uasc => &["child", "dob", "sex", "duc"],
            Table903::SocialWorker => &["child", "dob", "swid", "swdecom", "swdec", "swreason"],
            Table903::Dolo => &["child", "dob", "dolostart", "doloend"],
        }
    }

    /// The columns that tell the table apart when some of the others are missing.
    fn distinctive(self) -> &'static [&'static str] {
        match self {
            Table903::Header => &["child", "sex", "dob", "ethnic"],
            Table903::Episodes => &["child", "decom", "rne", "ls", "place", "dec", "rec"],
            Table903::Reviews => &["child", "review", "reviewcode"],
            Table903::Ad1 => &["child", "dateint", "datematch"],
            Table903::PlacedAdoption => &["child", "dateplaced"],
            Table903::Missing => &["child", "misstart", "misend"],
            Table903::Oc2 => &["child", "convicted", "healthcheck", "immunisations"],
            Table903::Oc3 => &["child", "intouch", "activ", "accom"],
            Table903::PrevPerm => &["child", "prevperm"],
            Table903::Uasc => &["child", "duc"],
            Table903::SocialWorker => &["child", "swid"],
            Table903::Dolo => &["child", "dolostart"],
        }
    }
}

/// Decides whether a header row is a 903 table's: first by a table's full column set (the
/// largest that fits), then by its distinctive columns.
pub fn recognise(headers: &[String]) -> Option<Table903> {
    let names: HashSet<String> = headers.iter().map(|h| normalise(h)).collect();
    let has_all = |cols: &[&str]| cols.iter().all(|c| names.contains(*c));
    Table903::ALL
        .into_iter()
        .filter(|t| has_all(t.columns()))
        .max_by_key(|t| t.columns().len())
        .or_else(|| Table903::ALL.into_iter().find(|t| has_all(t.distinctive())))
}

/// Finds a 903 header among the first rows of a sheet: (table, header row, header texts).
pub fn detect(sheet: &Sheet<'_>) -> Option<(Table903, u32, Vec<String>)> {
    header::head_rows(&sheet.data, header::HEADER_SEARCH_ROWS)
        .into_iter()
        .find_map(|(row, headers)| recognise(&headers).map(|t| (t, row, headers)))
}

/// One episode row.
#[derive(Clone, Debug)]
struct Episode {
    child: Text,
    decom: NaiveDate,
    rne: Text,
    ls: Text,
    place: Text,
    dec: Option<NaiveDate>,
    rec: Option<Text>,
    source: SourceRow,
    /// Its return (an index into [`Returns::list`]).
    ret: u32,
    /// Its return's rank among its authority's returns (set once every file is read).
    rank: usize,
    /// Ended by reconciliation for a reason not known (the child left between returns).
    ended: bool,
}

impl Episode {
    /// Whether two rows say the same thing about an episode.
    fn same_as(&self, other: &Episode) -> bool {
        (
            self.decom,
            self.dec,
            &self.rne,
            &self.ls,
            &self.place,
            &self.rec,
        ) == (
            other.decom,
            other.dec,
            &other.rne,
            &other.ls,
            &other.place,
            &other.rec,
        )
    }
}

/// What a dated row says.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum What {
    Review(Option<Text>),
    Decision,
    Matched,
    Missing {
        code: Option<Text>,
        until: Option<NaiveDate>,
    },
}

/// Any row but a Header or Episodes row: it must be about a child those know.
#[derive(Clone, Debug)]
struct Other {
    child: Text,
    ret: u32,
    source: SourceRow,
    /// A dated event, if the row gives one.
    event: Option<(NaiveDate, What)>,
    /// A child attribute, if the row gives one.
    attribute: Option<(&'static str, Text)>,
}

/// A Header row.
struct HeaderRow {
    record: ChildRecord,
    ret: u32,
}

/// The 903 rows read so far, waiting for every file before journeys are built.
#[derive(Default)]
pub struct Collector {
    returns: Returns,
    children: Vec<HeaderRow>,
    episodes: Vec<Episode>,
    others: Vec<Other>,
    /// Whether a UASC table (or an XML return, which says it of every child) was read.
    uasc_read: bool,
}

impl Collector {
    /// Whether any 903 table was read.
    pub fn is_empty(&self) -> bool {
        self.children.is_empty() && self.episodes.is_empty() && self.others.is_empty()
    }
}

/// Where a table's rows go and how its columns are found.
pub(crate) struct TableReader<'a> {
    pub table: Table903,
    pub index: u32,
    pub file: &'a str,
    pub sheet: Option<&'a str>,
    pub headers: Vec<String>,
    /// The column of each normalised name read.
    cols: HashMap<&'static str, usize>,
    /// The year in the file's name, the label of rows without a YEAR.
    file_year: Option<Text>,
    is_1904: bool,
    pub read: u64,
    pub rejected: u64,
}

type Rejection = Box<Diagnostic>;

impl<'a> TableReader<'a> {
    pub fn new(
        table: Table903,
        index: u32,
        file: &'a str,
        sheet: Option<&'a str>,
        headers: Vec<String>,
        is_1904: bool,
    ) -> Self {
        let names: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        let cols = table
            .columns()
            .iter()
            .chain(&["la", "year"])
            .filter_map(|c| names.iter().position(|n| n == c).map(|i| (*c, i)))
            .collect();
        TableReader {
            table,
            index,
            file,
            sheet,
            headers,
            cols,
            file_year: returns::year_in_name(file).map(Text::from),
            is_1904,
            read: 0,
            rejected: 0,
        }
    }

    /// Reads one data row (`row` as the user sees it).
    pub fn row(&mut self, row: u32, cells: &[Cell<'_>], c: &mut Collector, sink: &mut Sink) {
        self.read += 1;
        let r = RowReader {
            t: self,
            cells,
            row,
        };
        if let Err(d) = r.read(c, sink) {
            self.rejected += 1;
            sink.row_problem(*d);
        }
    }

    /// The table's summary for the load report.
    pub fn summary(&self, header_row: u32, first_column: usize) -> TableSummary {
        TableSummary {
            file: self.file.to_string(),
            sheet: self.sheet.map(str::to_string),
            kind: self.table.id().to_string(),
            header_row,
            columns: self
                .headers
                .iter()
                .enumerate()
                .map(|(i, h)| ColumnMatch {
                    field: if self.cols.values().any(|c| *c == i) {
                        h.trim().to_ascii_uppercase()
                    } else {
                        "ignored".to_string()
                    },
                    header: h.clone(),
                    index: i + first_column,
                })
                .collect(),
            rows_read: self.read,
            rows_used: self.read - self.rejected,
            rows_rejected: self.rejected,
        }
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
    let mut reader = TableReader::new(
        table,
        index as u32,
        file,
        sheet.name.as_deref(),
        headers,
        sheet.data.is_1904(),
    );
    sheet.data.for_each_row(&mut |row, cells| {
        if row > header_row && !cells.iter().all(|c| c.is_blank()) {
            reader.row(row, cells, collector, sink);
        }
        true
    });
    summary
        .tables
        .push(reader.summary(header_row, sheet.data.first_column()));
    index
}

struct RowReader<'a, 'b> {
    t: &'a TableReader<'b>,
    cells: &'a [Cell<'a>],
    row: u32,
}

impl RowReader<'_, '_> {
    fn column_name(&self, name: &str) -> String {
        self.t
            .cols
            .get(name)
            .and_then(|i| self.t.headers.get(*i))
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|| name.to_ascii_uppercase())
    }

    fn reject(&self, name: &str, code: Code, child: Option<&str>, message: String) -> Rejection {
        let mut d = Diagnostic::new(Severity::Rejected, code, message)
            .file(self.t.file)
            .sheet(self.t.sheet)
            .row(self.row)
            .column(self.column_name(name));
        if let Some(c) = child {
            d = d.child(c);
        }
        Box::new(d)
    }

    /// A column's text, invisible characters written visibly (`⟨U+202E⟩`).
    fn text(&self, name: &str) -> Option<String> {
        let i = *self.t.cols.get(name)?;
        let t = self.cells.get(i)?.text();
        (!t.is_empty()).then(|| crate::visible::visible(&t).into_owned())
    }

    /// Reports each of the row's columns whose text holds invisible characters.
    fn report_hidden(&self, child: &str, sink: &mut Sink) {
        let mut columns: Vec<(&str, usize)> = self.t.cols.iter().map(|(n, i)| (*n, *i)).collect();
        crate::sort::stable_by_key(&mut columns, |&(_, i)| i);
        for (name, i) in columns {
            let Some(Cell::Text(raw)) = self.cells.get(i) else {
                continue;
            };
            let column = self.column_name(name);
            let what = format!("{} value", name.to_ascii_uppercase());
            if let Some(d) = crate::ingest::template::hidden_problem(&what, &column, raw, false) {
                sink.row_problem(
                    d.file(self.t.file)
                        .sheet(self.t.sheet)
                        .row(self.row)
                        .column(column)
                        .child(child),
                );
            }
        }
    }

    fn date(&self, name: &str, child: &str) -> Result<Option<NaiveDate>, Rejection> {
        let Some(i) = self.t.cols.get(name) else {
            return Ok(None);
        };
        let Some(cell) = self.cells.get(*i) else {
            return Ok(None);
        };
        if cell.is_blank() {
            return Ok(None);
        }
        cell.date(self.t.is_1904).map(Some).map_err(|e| {
            let shown = crate::visible::visible(&cell.text()).into_owned();
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
            table: self.t.index,
            row: self.row,
        }
    }

    fn read(&self, c: &mut Collector, sink: &mut Sink) -> Result<(), Rejection> {
        let Some(child) = self.text("child") else {
            return Err(self.reject(
                "child",
                Code::MissingValue,
                None,
                "CHILD is blank; every row must say which child it is about.".into(),
            ));
        };
        let child = sink.intern_child(&child);
        self.report_hidden(&child, sink);
        let la = self.text("la").map(|s| sink.intern(&s));
        let label = match self.text("year") {
            Some(y) => Label::Year(sink.intern(&y)),
            None => match &self.t.file_year {
                Some(y) => Label::Year(y.clone()),
                None => Label::File(sink.intern(self.t.file)),
            },
        };
        let ret = c.returns.of(Key { la, label });
        let source = self.source();
        let mut other = |event: Option<(NaiveDate, What)>, attribute| {
            c.others.push(Other {
                child: child.clone(),
                ret,
                source,
                event,
                attribute,
            });
        };
        match self.t.table {
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
                let la = c.returns.list[ret as usize].key.la.clone();
                c.children.push(HeaderRow {
                    record: ChildRecord {
                        child_id: child,
                        date_of_birth: dob,
                        sex,
                        local_authority: la,
                        team: None,
                        attributes,
                        source,
                    },
                    ret,
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
                c.returns.episode(ret, decom, dec);
                c.episodes.push(Episode {
                    child,
                    decom,
                    rne: rne.unwrap_or_else(|| blank.clone()),
                    ls: ls.unwrap_or_else(|| blank.clone()),
                    place: place.unwrap_or(blank),
                    dec,
                    rec,
                    source,
                    ret,
                    rank: 0,
                    ended: false,
                });
            }
            Table903::Reviews => {
                let date = self.required_date("review", &child, "a review needs its date.")?;
                let code = self.text("reviewcode").map(|s| sink.intern(&s));
                other(Some((date, What::Review(code))), None);
            }
            Table903::Ad1 => {
                // DATE_INT is the decision to place for adoption, which PlacedAdoption also
                // carries; the match and whether the adopters are the foster carers are what
                // AD1 adds.
                let _ = self.date("dateint", &child)?;
                let matched = self.date("datematch", &child)?;
                let foster = self
                    .text("fostercare")
                    .map(|s| ("FOSTER_CARE", sink.intern(&s)));
                other(matched.map(|d| (d, What::Matched)), foster);
            }
            Table903::PlacedAdoption => {
                let date = self.required_date(
                    "dateplaced",
                    &child,
                    "the decision that the child should be placed for adoption needs its date.",
                )?;
                let _ = self.date("dateplacedceased", &child)?;
                other(Some((date, What::Decision)), None);
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
                other(Some((date, What::Missing { code, until })), None);
            }
            Table903::PrevPerm => {
                let _ = self.date("dateperm", &child)?;
                let prev = self
                    .text("prevperm")
                    .map(|s| ("PREV_PERM", sink.intern(&s)));
                other(None, prev);
            }
            Table903::Uasc => {
                let _ = self.date("duc", &child)?;
                c.uasc_read = true;
                other(None, Some(("UASC", sink.intern("Yes"))));
            }
            Table903::Dolo => {
                let _ = self.date("dolostart", &child)?;
                let _ = self.date("doloend", &child)?;
                other(None, Some(("DOLO", sink.intern("Yes"))));
            }
            Table903::Oc2 | Table903::Oc3 | Table903::SocialWorker => other(None, None),
        }
        Ok(())
    }
}

/// Turns every collected 903 row into records in `sink`: returns reconciled, rows for children
/// no Header or Episodes row knows rejected (their tables' counts corrected in `summary`).
pub fn finish(collector: Collector, sink: &mut Sink, summary: &mut InputSummary) {
    let Collector {
        mut returns,
        children,
        episodes,
        others,
        uasc_read,
    } = collector;
    returns.settle();
    let la_of = |ret: u32| returns.list[ret as usize].key.la.clone();

    // The children known, and the id each is shown by.
    let mut known: HashMap<(Option<Text>, Text), Text> = HashMap::default();
    let mut las_of_id: HashMap<Text, HashSet<Option<Text>>> = HashMap::default();
    for (child, ret) in children
        .iter()
        .map(|h| (&h.record.child_id, h.ret))
        .chain(episodes.iter().map(|e| (&e.child, e.ret)))
    {
        las_of_id
            .entry(child.clone())
            .or_default()
            .insert(la_of(ret));
    }
    for (id, las) in &las_of_id {
        for la in las {
            let shown = match la {
                Some(la) if las.len() > 1 => sink.intern(&format!("{id}/{la}")),
                _ => id.clone(),
            };
            known.insert((la.clone(), id.clone()), shown);
        }
    }
    let shown = |la: &Option<Text>, child: &Text| known.get(&(la.clone(), child.clone())).cloned();
    let places: Vec<(String, Option<String>, String)> = summary
        .tables
        .iter()
        .map(|t| (t.file.clone(), t.sheet.clone(), t.kind.clone()))
        .collect();
    let locate = |src: SourceRow| -> (String, Option<String>) {
        match places.get(src.table as usize) {
            Some((file, sheet, _)) => (file.clone(), sheet.clone()),
            None => (String::new(), None),
        }
    };
    let rank_of = |ret: u32| returns.list[ret as usize].rank;

    // Header rows: the latest return's row of each child; repeats across returns are expected.
    let mut repeats: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut best: HashMap<Text, (u32, usize)> = HashMap::default();
    for (i, h) in children.iter().enumerate() {
        let Some(id) = shown(&la_of(h.ret), &h.record.child_id) else {
            continue;
        };
        let rank = rank_of(h.ret);
        let e = best.entry(id).or_insert((rank, i));
        if rank >= e.0 {
            *e = (rank, i);
        }
    }
    let mut chosen: HashMap<Text, usize> = HashMap::default();
    let mut records: Vec<ChildRecord> = Vec::with_capacity(children.len());
    for (i, h) in children.iter().enumerate() {
        let la = la_of(h.ret);
        let Some(id) = shown(&la, &h.record.child_id) else {
            continue;
        };
        let (_, best_i) = best[&id];
        let best_ret = children[best_i].ret;
        if i != best_i && h.ret != best_ret {
            *repeats.entry("Header").or_default() += 1;
            continue;
        }
        let mut record = h.record.clone();
        record.child_id = id.clone();
        if i == best_i {
            chosen.insert(id, records.len());
        }
        records.push(record);
    }

    // The other tables' rows: attributes and events of known children; the rest rejected.
    let mut attributes: HashMap<Text, BTreeMap<&'static str, (u32, Text)>> = HashMap::default();
    // The return each event was first seen in: a repeat within it is kept (and reported as a
    // duplicate when journeys are built), a repeat from another return is expected.
    let mut seen_events: HashMap<(Text, NaiveDate, What), u32> = HashMap::default();
    let mut events: Vec<(Text, NaiveDate, What, SourceRow)> = Vec::new();
    for o in others {
        let la = la_of(o.ret);
        let Some(id) = shown(&la, &o.child) else {
            let (file, sheet) = locate(o.source);
            let kind = places
                .get(o.source.table as usize)
                .map_or(String::new(), |p| p.2.clone());
            if let Some(t) = summary.tables.get_mut(o.source.table as usize) {
                t.rows_used -= 1;
                t.rows_rejected += 1;
            }
            let whose = match &la {
                Some(la) => format!("of authority {la} "),
                None => String::new(),
            };
            sink.row_problem(
                Diagnostic::new(
                    Severity::Rejected,
                    Code::UnknownChild,
                    format!("This {} row is about child {} {whose}but no Header or Episodes row is; it is not used, and no child is made from it.", kind.trim_start_matches("ssda903_"), o.child),
                )
                .file(file)
                .sheet(sheet)
                .row(o.source.row)
                .column("CHILD")
                .child(&*o.child),
            );
            continue;
        };
        let rank = rank_of(o.ret);
        if let Some((key, value)) = o.attribute {
            let slot = attributes.entry(id.clone()).or_default();
            match slot.get(key) {
                Some((r, _)) if *r > rank => {}
                _ => {
                    slot.insert(key, (rank, value));
                }
            }
        }
        if let Some((date, what)) = o.event {
            let first = *seen_events
                .entry((id.clone(), date, what.clone()))
                .or_insert(o.ret);
            if first != o.ret {
                let table = match what {
                    What::Review(_) => "Reviews",
                    What::Decision => "PlacedAdoption",
                    What::Matched => "AD1",
                    What::Missing { .. } => "Missing",
                };
                *repeats.entry(table).or_default() += 1;
                continue;
            }
            events.push((id, date, what, o.source));
        }
    }
    if uasc_read {
        for &i in chosen.values() {
            let id = &records[i].child_id;
            attributes
                .entry(id.clone())
                .or_default()
                .entry("UASC")
                .or_insert((0, Text::from("No")));
        }
    }
    for (id, attrs) in attributes {
        if let Some(&i) = chosen.get(&id) {
            for (key, (_, value)) in attrs {
                records[i].attributes.insert(sink.intern(key), value);
            }
        }
    }
    // What bounds an unknown start: the date of birth and any previous permanence.
    let mut before_care: HashMap<Text, String> = HashMap::default();
    for (id, &i) in &chosen {
        let r = &records[i];
        let mut known = Vec::new();
        if let Some(dob) = r.date_of_birth {
            known.push(format!("born {}", crate::date::format_uk(dob)));
        }
        if let Some(prev) = r.attributes.get("PREV_PERM").filter(|p| &***p != "Z1") {
            known.push(format!("previous permanence {prev}"));
        }
        before_care.insert(id.clone(), known.join(", "));
    }
    sink.records.children.extend(records);

    // Episodes: each child's copies from every return reconciled, then built.
    let mut by_child: HashMap<Text, Vec<Episode>> = HashMap::default();
    let mut order: Vec<(Text, Option<Text>)> = Vec::new();
    for mut e in episodes {
        let la = la_of(e.ret);
        let Some(id) = shown(&la, &e.child) else {
            continue;
        };
        e.rank = rank_of(e.ret) as usize;
        let list = by_child.entry(id.clone()).or_default();
        if list.is_empty() {
            order.push((id, la));
        }
        list.push(e);
    }
    let mut coverage_by_la: HashMap<Option<Text>, Vec<Option<returns::Coverage>>> =
        HashMap::default();
    for r in &returns.list {
        let list = coverage_by_la.entry(r.key.la.clone()).or_default();
        let rank = r.rank as usize;
        if list.len() <= rank {
            list.resize(rank + 1, None);
        }
        list[rank] = if r.episodes > 0 { r.coverage } else { None };
    }
    let mut facts: HashMap<Text, ChildFacts> = HashMap::default();
    let mut reported = std::collections::HashSet::new();
    for (id, la) in order {
        let copies = by_child.remove(&id).unwrap_or_default();
        let covers = coverage_by_la.get(&la).map_or(&[][..], Vec::as_slice);
        let outcome = reconcile::reconcile(copies, covers);
        *repeats.entry("Episodes").or_default() += outcome.repeats;
        for c in &outcome.corrections {
            let d = correction_note(c, &id, &locate, covers, &returns, &la);
            sink.row_problem(d);
        }
        let observed = returns.observed(&la).map(|c| Observed {
            from: c.from,
            to: outcome.censored.map_or(c.to, |d| d.min(c.to)),
        });
        let mut b = episodes::Builder {
            sink,
            locate: &locate,
            reported: &mut reported,
        };
        let known = before_care.get(&id).map_or("", String::as_str);
        let unknown_starts =
            b.child_episodes(&id, &outcome.episodes, observed.map(|o| o.from), known);
        facts.insert(
            id.clone(),
            ChildFacts {
                child_id: id,
                local_authority: la,
                observed,
                unknown_starts,
            },
        );
    }
    // Children with no episodes still have their authority's window.
    for h in &children {
        let la = la_of(h.ret);
        if let Some(id) = shown(&la, &h.record.child_id) {
            if !facts.contains_key(&id) {
                let observed = returns.observed(&la).map(|c| Observed {
                    from: c.from,
                    to: c.to,
                });
                facts.insert(
                    id.clone(),
                    ChildFacts {
                        child_id: id,
                        local_authority: la,
                        observed,
                        unknown_starts: Vec::new(),
                    },
                );
            }
        }
    }
    let mut facts: Vec<ChildFacts> = facts.into_values().collect();
    // Hot: one per child (see `crate::sort`).
    #[allow(clippy::disallowed_methods)]
    facts.sort_by(|a, b| a.child_id.cmp(&b.child_id));
    sink.records.facts.extend(facts);

    for (id, date, what, source) in events {
        let (milestone, detail) = match what {
            What::Review(code) => (Milestone::LacReview, code),
            What::Decision => (
                Milestone::AdmDecision,
                Some(sink.intern("Should be placed for adoption")),
            ),
            What::Matched => (Milestone::Matched, None),
            What::Missing { code, until } => {
                let what = match code.as_deref() {
                    Some("A") => "Away without authorisation",
                    _ => "Missing",
                };
                let detail = match until {
                    Some(u) => format!("{what} until {}", crate::date::format_uk(u)),
                    None => what.to_string(),
                };
                (Milestone::Missing, Some(sink.intern(&detail)))
            }
        };
        sink.milestone_event(id, date, milestone, detail, source);
    }

    let repeated: Vec<String> = repeats
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    if !repeated.is_empty() {
        sink.diagnostics.push(Diagnostic::new(
            Severity::Info,
            Code::RepeatedAcrossReturns,
            format!("Rows that repeat a row of another return, as returns of consecutive years do, were counted once ({}). They are used, and not listed one by one.", repeated.join(", ")),
        ));
    }
}

/// The information row for one reconciliation correction.
fn correction_note(
    c: &reconcile::Correction,
    child: &str,
    locate: &dyn Fn(SourceRow) -> (String, Option<String>),
    covers: &[Option<returns::Coverage>],
    returns: &Returns,
    la: &Option<Text>,
) -> Diagnostic {
    use reconcile::Rule;
    let at = |src: SourceRow| {
        let (file, sheet) = locate(src);
        match sheet {
            Some(s) => format!("{file} ({s}) row {}", src.row),
            None => format!("{file} row {}", src.row),
        }
    };
    let uk = |d: Option<NaiveDate>| d.map_or(String::new(), crate::date::format_uk);
    let return_named = |rank: Option<usize>| {
        let Some(rank) = rank else {
            return String::new();
        };
        let files: Vec<String> = returns
            .list
            .iter()
            .filter(|r| &r.key.la == la && r.rank as usize == rank)
            .map(|r| match &r.key.label {
                Label::Year(y) => format!("the {y} return"),
                Label::File(f) => format!("the return in {f}"),
            })
            .collect();
        let span = covers
            .get(rank)
            .copied()
            .flatten()
            .map_or(String::new(), |c| {
                format!(
                    ", covering {} to {}",
                    crate::date::format_uk(c.from),
                    crate::date::format_uk(c.to)
                )
            });
        format!("{}{span}", files.join(", "))
    };
    let (code, message) = match c.rule {
        Rule::ClosedCopy => (
            Code::EpisodeSuperseded,
            format!("Episode superseded (a closed copy beats an open one): this row leaves the episode open; {} holds the same episode (same CHILD and DECOM) closed, and that copy is used.", c.by_row.map_or(String::new(), at)),
        ),
        Rule::LaterReturn => (
            Code::EpisodeSuperseded,
            format!("Episode superseded (a later return beats an earlier one): {} holds the same episode (same CHILD and DECOM) in a later return, and that copy is used.", c.by_row.map_or(String::new(), at)),
        ),
        Rule::Withdrawn => (
            Code::EpisodeWithdrawn,
            format!("Episode withdrawn (a later return covering its dates no longer has it): {} includes child {child} but not this episode, which by its dates was open in that year; it is not used.", return_named(c.by_return)),
        ),
        Rule::EndedBetweenReturns => (
            Code::EpisodeEndedBetweenReturns,
            format!("Episode ended between returns: it is open here, but child {child} is not in the next return ({}), so they left care by {}; the episode is read as ending then, for a reason not known.", return_named(c.by_return), uk(c.date)),
        ),
        Rule::Censored => (
            Code::CensoredAtReturnEnd,
            format!("Journey censored at the end of the child's last return: the episode is open here, and the authority's later returns ({}) do not include child {child}, so the journey is followed to {} only, not taken as still in care.", return_named(c.by_return), uk(c.date)),
        ),
        Rule::GapClosed => (
            Code::GapAfterX1Closed,
            format!("Gap after X1 closed: the episode ends on {} with REC X1 (a new episode the same day), but the next episode ({}) starts later; it is read as lasting until the next one starts.", uk(c.date), c.by_row.map_or(String::new(), at)),
        ),
    };
    let (file, sheet) = locate(c.row);
    Diagnostic::new(Severity::Info, code, message)
        .file(file)
        .sheet(sheet)
        .row(c.row.row)
        .child(child)
}
