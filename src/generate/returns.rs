//! The SSDA903 return as authorities hold and submit it, made from a generated cohort: the
//! whole history (the six tables [`super::ssda903::Ssda903Writer`] writes) cut into yearly
//! returns, and any set of 903 tables written as the XML return.
//!
//! A yearly return covers 1 April to 31 March and holds every episode open on any day of its
//! year (its DEC blank or on or after 1 April, as the DfE collects them): an episode that runs
//! on past 31 March is written open (DEC and REC blank) and again, closed, in the returns of
//! the years after, as authorities' returns repeat it.
//! The Header holds the children with an episode in the year; each review, missing, AD1 and
//! PlacedAdoption row goes into the return of the year its date falls in (or, for a child with
//! no episode that year, the child's next return, else their last). The years run from the
//! first episode's to the "as at" date's.
//!
//! The XML return (`EXPSSDA903/CHILD/{HEADER, EPISODE…}`, the element names `ingest` reads)
//! holds the same rows: a `CHILD` per Header row, AD1's fields in its `HEADER` (one AD1 row a
//! child, as the return allows), and the other tables' rows as `AREVIEW`, `AMISSING` and
//! `AD_PLACED` elements.
//!
//! This module knows nothing about reading returns (that is `ingest`).

use super::ssda903::{Ssda903Writer, FILES, HEADERS};
use super::template::{Cell, CsvSink, DateStyle, RowSink};
use super::{journeys, GenerateConfig};
use chrono::{Datelike, NaiveDate};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::collections::HashMap;
use std::io::{self, Write};

/// One cell, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    Blank,
}

impl Value {
    fn cell(&self) -> Cell<'_> {
        match self {
            Value::Text(s) => Cell::Text(s),
            Value::Date(d) => Cell::Date(*d),
            Value::Blank => Cell::Blank,
        }
    }

    fn date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Date(d) => d.format("%d/%m/%Y").to_string(),
            Value::Blank => String::new(),
        }
    }
}

type Row = Vec<Value>;

/// The six 903 tables in memory, in [`FILES`] order, data rows only.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tables {
    pub rows: [Vec<Row>; 6],
}

/// One table being written into memory.
#[derive(Default)]
struct Memory(Vec<Row>);

impl RowSink for Memory {
    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        self.0.push(
            cells
                .iter()
                .map(|c| match *c {
                    Cell::Text(s) => Value::Text(s.to_string()),
                    Cell::Date(d) | Cell::ShortDate(d) => Value::Date(d),
                    Cell::Blank => Value::Blank,
                })
                .collect(),
        );
        Ok(())
    }
}

/// The cohort's whole history as the six 903 tables.
pub fn history(config: &GenerateConfig) -> io::Result<Tables> {
    let sinks: [Memory; 6] = std::array::from_fn(|_| Memory::default());
    let mut w = Ssda903Writer::new(sinks, config)?;
    for j in journeys(config) {
        w.write(&j)?;
    }
    let (_, sinks) = w.finish();
    // The writer wrote each header first.
    Ok(Tables {
        rows: sinks.map(|m| m.0.into_iter().skip(1).collect()),
    })
}

/// One yearly return: the year it covers (named by the year it begins) and its tables.
#[derive(Clone, Debug, PartialEq)]
pub struct Return {
    pub year: i32,
    pub tables: Tables,
}

/// The year (1 April to 31 March) a date falls in, named by the calendar year it begins.
fn year_of(d: NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

fn span(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(year + 1, 3, 31).unwrap_or(NaiveDate::MAX),
    )
}

/// The column of each event table's date, by table index.
const EVENT_DATE: [(usize, usize); 4] = [(2, 2), (3, 3), (4, 2), (5, 3)];

/// Cuts a history into yearly returns (see the module comment). Rows that cannot be placed in
/// a year (a blank CHILD or an impossible date, from a messy cohort) go into the first return.
pub fn yearly(history: &Tables, as_at: NaiveDate) -> Vec<Return> {
    let [header, episodes, ..] = &history.rows;
    let first = episodes
        .iter()
        .filter_map(|r| r.get(1).and_then(Value::date))
        .min();
    let Some(first) = first else {
        return Vec::new();
    };
    let years: Vec<i32> = (year_of(first)..=year_of(as_at)).collect();
    let mut out: Vec<Return> = years
        .iter()
        .map(|&year| Return {
            year,
            tables: Tables::default(),
        })
        .collect();
    // Episodes, and which years each child is in.
    let mut in_year: HashMap<String, Vec<usize>> = HashMap::new();
    for row in episodes {
        let child = row[0].text();
        let (Some(decom), true) = (row[1].date(), !child.is_empty()) else {
            out[0].tables.rows[1].push(row.clone());
            continue;
        };
        let dec = row[7].date();
        if decom > as_at {
            continue;
        }
        for (k, &year) in years.iter().enumerate() {
            let (from, to) = span(year);
            let open = decom <= to && dec.is_none_or(|d| d >= from);
            if !open {
                continue;
            }
            let mut copy = row.clone();
            if dec.is_some_and(|d| d > to) {
                copy[7] = Value::Blank;
                copy[8] = Value::Blank;
            }
            out[k].tables.rows[1].push(copy);
            let years_in = in_year.entry(child.clone()).or_default();
            if years_in.last() != Some(&k) {
                years_in.push(k);
            }
        }
    }
    // Header rows: each year the child is in (a child with no episode: the last return).
    for row in header {
        let child = row[0].text();
        match in_year.get(&child) {
            Some(ks) if !child.is_empty() => {
                for &k in ks {
                    out[k].tables.rows[0].push(row.clone());
                }
            }
            _ if child.is_empty() => out[0].tables.rows[0].push(row.clone()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.tables.rows[0].push(row.clone());
                }
            }
        }
    }
    // The other tables: the return of the year the row's date falls in.
    for (table, col) in EVENT_DATE {
        for row in &history.rows[table] {
            let child = row[0].text();
            let date = row
                .get(col)
                .and_then(Value::date)
                .or_else(|| (table == 3).then(|| row[2].date()).flatten());
            let k = match (date, in_year.get(&child)) {
                (Some(date), Some(ks)) => {
                    let year = year_of(date);
                    ks.iter()
                        .copied()
                        .find(|&k| years[k] >= year)
                        .or(ks.last().copied())
                        .unwrap_or(0)
                }
                (_, Some(ks)) => ks.last().copied().unwrap_or(0),
                _ => out.len() - 1,
            };
            out[k].tables.rows[table].push(row.clone());
        }
    }
    out
}

impl Tables {
    /// Writes the six tables, each with its header, to `sinks` (in [`FILES`] order).
    pub fn write<S: RowSink>(&self, sinks: &mut [S; 6]) -> io::Result<[u64; 6]> {
        let mut counts = [0u64; 6];
        for (i, (sink, rows)) in sinks.iter_mut().zip(&self.rows).enumerate() {
            let header: Vec<Cell<'_>> = HEADERS[i].iter().map(|h| Cell::Text(h)).collect();
            sink.row(&header)?;
            for row in rows {
                let cells: Vec<Cell<'_>> = row.iter().map(Value::cell).collect();
                sink.row(&cells)?;
            }
            counts[i] = rows.len() as u64;
        }
        Ok(counts)
    }

    /// The six tables as CSV files: (file name, bytes), in [`FILES`] order.
    pub fn csv_files(&self, style: DateStyle) -> io::Result<Vec<(String, Vec<u8>)>> {
        let mut sinks: [CsvSink<Vec<u8>>; 6] =
            std::array::from_fn(|_| CsvSink::new(Vec::new(), style));
        self.write(&mut sinks)?;
        Ok(FILES
            .iter()
            .zip(sinks)
            .map(|(name, s)| (name.to_string(), s.into_inner()))
            .collect())
    }

    /// Writes the tables as the XML return. Returns the `CHILD` elements written.
    pub fn write_xml<W: Write>(&self, out: W) -> io::Result<u64> {
        let mut w = quick_xml::Writer::new_with_indent(out, b' ', 1);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        w.write_event(Event::Start(BytesStart::new("EXPSSDA903")))?;
        // Each child's rows of the other tables, in table order.
        let mut by_child: HashMap<String, [Vec<&Row>; 6]> = HashMap::new();
        for (t, rows) in self.rows.iter().enumerate().skip(1) {
            for row in rows {
                by_child.entry(row[0].text()).or_default()[t].push(row);
            }
        }
        let mut children = 0;
        for header in &self.rows[0] {
            let child = header[0].text();
            let rows = by_child.remove(&child).unwrap_or_default();
            write_child(&mut w, header, &rows)?;
            children += 1;
        }
        // Rows of children with no Header row (none in a generated cohort) have no CHILD to go
        // in: the XML return cannot hold them.
        w.write_event(Event::End(BytesEnd::new("EXPSSDA903")))?;
        Ok(children)
    }
}

/// Writes `<name>value</name>`, or `<name />` for a blank.
fn field<W: Write>(w: &mut quick_xml::Writer<W>, name: &str, value: &Value) -> io::Result<()> {
    let text = value.text();
    if text.is_empty() {
        w.write_event(Event::Empty(BytesStart::new(name)))?;
    } else {
        w.create_element(name)
            .write_text_content(BytesText::new(&text))?;
    }
    Ok(())
}

/// Writes the columns `cols` (column index, element name) of `row` inside `<name>`.
fn group<W: Write>(
    w: &mut quick_xml::Writer<W>,
    name: &str,
    row: &Row,
    cols: &[(usize, &str)],
) -> io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    for &(i, element) in cols {
        field(w, element, row.get(i).unwrap_or(&Value::Blank))?;
    }
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

fn write_child<W: Write>(
    w: &mut quick_xml::Writer<W>,
    header: &Row,
    rows: &[Vec<&Row>; 6],
) -> io::Result<()> {
    let blank = Value::Blank;
    let at = |row: &Row, i: usize| row.get(i).cloned().unwrap_or(Value::Blank);
    w.write_event(Event::Start(BytesStart::new("CHILD")))?;
    w.write_event(Event::Start(BytesStart::new("HEADER")))?;
    for (i, name) in [
        (0, "CHILDID"),
        (4, "UPN"),
        (1, "SEX"),
        (2, "DOB"),
        (3, "ETHNIC"),
    ] {
        field(w, name, &at(header, i))?;
    }
    field(w, "UASC", &blank)?;
    if let Some(ad1) = rows[3].first() {
        for (i, name) in [
            (2, "DATE_INT"),
            (3, "DATE_MATCH"),
            (4, "FOSTER_CARE"),
            (5, "NB_ADOPTR"),
            (6, "SEX_ADOPTR"),
            (7, "LS_ADOPTR"),
        ] {
            field(w, name, &at(ad1, i))?;
        }
    }
    for review in &rows[2] {
        group(w, "AREVIEW", review, &[(2, "REVIEW"), (3, "REVIEW_CODE")])?;
    }
    for missing in &rows[5] {
        group(
            w,
            "AMISSING",
            missing,
            &[(2, "MISSING"), (3, "MIS_START"), (4, "MIS_END")],
        )?;
    }
    field(w, "MOTHER", &at(header, 5))?;
    field(w, "MC_DOB", &at(header, 6))?;
    for placed in &rows[4] {
        group(
            w,
            "AD_PLACED",
            placed,
            &[
                (2, "DATE_PLACED"),
                (3, "DATE_PLACED_CEASED"),
                (4, "REASON_PLACED_CEASED"),
            ],
        )?;
    }
    w.write_event(Event::End(BytesEnd::new("HEADER")))?;
    for episode in &rows[1] {
        group(
            w,
            "EPISODE",
            episode,
            &[
                (1, "DECOM"),
                (2, "RNE"),
                (3, "LS"),
                (4, "CIN"),
                (5, "PL"),
                (11, "PL_POST"),
                (10, "HOME_POST"),
                (12, "URN"),
                (6, "PLACE_PROVIDER"),
                (7, "DEC"),
                (8, "REC"),
                (9, "REASON_PLACE_CHANGE"),
            ],
        )?;
    }
    w.write_event(Event::End(BytesEnd::new("CHILD")))?;
    Ok(())
}

/// The XML return of `tables` as bytes.
pub fn xml_bytes(tables: &Tables) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    tables.write_xml(&mut out)?;
    Ok(out)
}

/// Each yearly return's CSV files, named `<year>-<table>.csv` (the year it begins).
pub fn yearly_csv_files(
    returns: &[Return],
    style: DateStyle,
) -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for r in returns {
        for (name, bytes) in r.tables.csv_files(style)? {
            files.push((format!("{}-{name}", r.year), bytes));
        }
    }
    Ok(files)
}
