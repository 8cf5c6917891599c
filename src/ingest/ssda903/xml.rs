//! The SSDA903 return as it is submitted to the DfE: one XML file, `EXPSSDA903` holding a
//! `CHILD` element per child, each with a `HEADER` and its `EPISODE`s. Read here as it
//! streams past (one child at a time, with quick-xml), into the same rows as the CSV tables,
//! so that the XML return and its tables give the same journeys.
//!
//! Element names follow the DfE's schema ("Expanded SSDA903 Return", root element
//! `EXPSSDA903`) as the public 903 validator reads it (`data-to-insight/csc-validator-be-903`,
//! `lac_validator/ingress.py`, `read_xml_from_text`):
//! - `CHILD/HEADER`: `CHILDID` (the CSV tables' CHILD), SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB
//!   (the Header table); `UASC` (1 when unaccompanied) and DUC (the UASC table); DATE_INT,
//!   DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR (AD1); IN_TOUCH, ACTIV, ACCOM
//!   (OC3).
//! - `CHILD/HEADER/AREVIEW` (Reviews: REVIEW, REVIEW_CODE), `AMISSING` (Missing: MISSING,
//!   MIS_START, MIS_END), `OC2` (its fields), `PERMANENCE` (PrevPerm: PREV_PERM, LA_PERM,
//!   DATE_PERM), `AD_PLACED` (PlacedAdoption: DATE_PLACED, DATE_PLACED_CEASED,
//!   REASON_PLACED_CEASED).
//! - `CHILD/EPISODE`: DECOM, RNE, LS, CIN, `PL` (the CSV tables' PLACE), PLACE_PROVIDER, DEC,
//!   REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN.
//!
//! Each kind of row is a table of its own in the load summary (the sheet named after its
//! element), and a row's number is its element's place among the file's elements of that
//! kind (the third `EPISODE` is row 3). An element the return does not define is listed once
//! per name as not read. Entity references other than XML's own five and character
//! references are refused, as a spreadsheet's would be.

use super::{Collector, Table903, TableReader};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::ingest::sheet::Cell;
use crate::ingest::summary::{InputSummary, SheetSummary};
use crate::ingest::template::Sink;
use quick_xml::events::Event;
use std::collections::BTreeMap;

/// Whether the start of a file is an XML 903 return: its first element is `EXPSSDA903`.
pub fn is_return(head: &str) -> bool {
    let mut rest = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    // Past the declaration, comments and processing instructions to the first element.
    loop {
        if let Some(r) = rest.strip_prefix("<?") {
            let Some(end) = r.find("?>") else {
                return false;
            };
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let Some(end) = r.find("-->") else {
                return false;
            };
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("<!") {
            // A document type, perhaps with an internal subset in brackets.
            let close = match (r.find('['), r.find('>')) {
                (Some(open), Some(gt)) if open < gt => r[open..].find("]>").map(|e| open + e + 1),
                (_, gt) => gt,
            };
            let Some(end) = close else {
                return false;
            };
            rest = &r[end + 1..];
        } else {
            break;
        }
        rest = rest.trim_start();
    }
    rest.strip_prefix("<EXPSSDA903")
        .is_some_and(|r| r.starts_with(['>', ' ', '/', '\t', '\r', '\n']))
}

/// The columns of each table as the XML gives them: (column, element).
fn elements(table: Table903) -> &'static [(&'static str, &'static str)] {
    match table {
        Table903::Header => &[
            ("CHILD", "CHILDID"),
            ("SEX", "SEX"),
            ("DOB", "DOB"),
            ("ETHNIC", "ETHNIC"),
            ("UPN", "UPN"),
            ("MOTHER", "MOTHER"),
            ("MC_DOB", "MC_DOB"),
        ],
        Table903::Episodes => &[
            ("CHILD", "CHILDID"),
            ("DECOM", "DECOM"),
            ("RNE", "RNE"),
            ("LS", "LS"),
            ("CIN", "CIN"),
            ("PLACE", "PL"),
            ("PLACE_PROVIDER", "PLACE_PROVIDER"),
            ("DEC", "DEC"),
            ("REC", "REC"),
            ("REASON_PLACE_CHANGE", "REASON_PLACE_CHANGE"),
            ("HOME_POST", "HOME_POST"),
            ("PL_POST", "PL_POST"),
            ("URN", "URN"),
        ],
        Table903::Reviews => &[
            ("CHILD", "CHILDID"),
            ("DOB", "DOB"),
            ("REVIEW", "REVIEW"),
            ("REVIEW_CODE", "REVIEW_CODE"),
        ],
        Table903::Ad1 => &[
            ("CHILD", "CHILDID"),
            ("DOB", "DOB"),
            ("DATE_INT", "DATE_INT"),
            ("DATE_MATCH", "DATE_MATCH"),
            ("FOSTER_CARE", "FOSTER_CARE"),
            ("NB_ADOPTR", "NB_ADOPTR"),
            ("SEX_ADOPTR", "SEX_ADOPTR"),
            ("LS_ADOPTR", "LS_ADOPTR"),
        ],
        Table903::PlacedAdoption => &[
            ("CHILD", "CHILDID"),
            ("DOB", "DOB"),
            ("DATE_PLACED", "DATE_PLACED"),
            ("DATE_PLACED_CEASED", "DATE_PLACED_CEASED"),
            ("REASON_PLACED_CEASED", "REASON_PLACED_CEASED"),
        ],
        Table903::Missing => &[
            ("CHILD", "CHILDID"),
            ("DOB", "DOB"),
            ("MISSING", "MISSING"),
            ("MIS_START", "MIS_START"),
            ("MIS_END", "MIS_END"),
        ],
        Table903::Oc2 => &[
            ("CHILD", "CHILDID"),
            ("DOB", "DOB"),
            ("SDQ_SCORE", "SDQ_SCORE"),
            ("SDQ_REASON", "SDQ_REASON"),
            ("CONVICTED", "CONVICTED"),
            ("HEALTH_CHECK", "HEALTH_CHECK"),
            ("IMMUNISATIONS", "IMMUNISATIONS"),
            ("TEETH_CHECK", "TEETH_CHECK"),
            ("HEALTH_ASSESSMENT", "HEALTH_ASSESSMENT"),
            ("SUBSTANCE_MISUSE", "SUBSTANCE_MISUSE"),
            ("INTERVENTION_RECEIVED", "INTERVENTION_RECEIVED"),
            ("INTERVENTION_OFFERED", "INTERVENTION_OFFERED"),
        ],
        Table903::Oc3 => &[
            ("CHILD", "CHILDID"),
            ("DOB", "DOB"),
            ("IN_TOUCH", "IN_TOUCH"),
            ("ACTIV", "ACTIV"),
            ("ACCOM", "ACCOM"),
        ],
        Table903::PrevPerm => &[
            ("CHILD", "CHILDID"),
            ("DOB", "DOB"),
            ("PREV_PERM", "PREV_PERM"),
            ("LA_PERM", "LA_PERM"),
            ("DATE_PERM", "DATE_PERM"),
        ],
        Table903::Uasc => &[
            ("CHILD", "CHILDID"),
            ("DOB", "DOB"),
            ("SEX", "SEX"),
            ("DUC", "DUC"),
        ],
        Table903::SocialWorker | Table903::Dolo => &[],
    }
}

/// The element holding a table's rows under `CHILD/HEADER` (or `CHILD` for episodes); `None`
/// for the tables whose fields sit in `HEADER` itself.
fn row_element(table: Table903) -> Option<&'static str> {
    Some(match table {
        Table903::Episodes => "EPISODE",
        Table903::Reviews => "AREVIEW",
        Table903::Missing => "AMISSING",
        Table903::Oc2 => "OC2",
        Table903::PrevPerm => "PERMANENCE",
        Table903::PlacedAdoption => "AD_PLACED",
        _ => return None,
    })
}

/// The tables an XML return holds, in the order they are listed.
const TABLES: [Table903; 10] = [
    Table903::Header,
    Table903::Episodes,
    Table903::Reviews,
    Table903::Ad1,
    Table903::PlacedAdoption,
    Table903::Missing,
    Table903::Oc2,
    Table903::Oc3,
    Table903::PrevPerm,
    Table903::Uasc,
];

/// The elements directly under `HEADER` that are fields of the header-level tables.
fn header_field(name: &str) -> bool {
    [
        Table903::Header,
        Table903::Ad1,
        Table903::Oc3,
        Table903::Uasc,
    ]
    .iter()
    .any(|t| elements(*t).iter().any(|(_, e)| *e == name))
        || name == "UASC"
}

/// One child's elements: the `HEADER` fields, and the rows below it or beside it.
#[derive(Default)]
struct ChildElements {
    header: BTreeMap<String, String>,
    /// (row element, its fields), in file order.
    rows: Vec<(String, BTreeMap<String, String>)>,
}

/// Reads an XML return. Returns the sheets (one per table) for the file's summary; XML that
/// cannot be read to its end is reported as fatal, and the rows read before the fault are kept.
pub fn read(
    file: &str,
    text: &str,
    collector: &mut Collector,
    sink: &mut Sink,
    summary: &mut InputSummary,
) -> Vec<SheetSummary> {
    let base = summary.tables.len() as u32;
    let mut readers: Vec<TableReader<'_>> = TABLES
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let headers = elements(*t).iter().map(|(c, _)| c.to_string()).collect();
            TableReader::new(
                *t,
                base + i as u32,
                file,
                Some(sheet_name(*t)),
                headers,
                false,
            )
        })
        .collect();
    // The XML says of every child whether they are unaccompanied.
    collector.uasc_read = true;
    let mut unknown: BTreeMap<String, u64> = BTreeMap::new();
    let mut rows = [0u32; TABLES.len()];
    let result = walk(
        text,
        &mut |child: ChildElements| emit(child, &mut readers, &mut rows, collector, sink),
        &mut unknown,
    );
    let mut sheets = Vec::new();
    for (i, r) in readers.iter().enumerate() {
        summary.tables.push(r.summary(0, 0));
        sheets.push(SheetSummary {
            name: Some(sheet_name(TABLES[i]).to_string()),
            hidden: false,
            table: Some(base as usize + i),
        });
    }
    for (name, n) in unknown {
        sink.diagnostics.push(
            Diagnostic::new(
                Severity::Info,
                Code::TableIgnored,
                format!("The element {name} ({n} of them) is not part of the SSDA903 return as Driftline reads it, so it was not read."),
            )
            .file(file),
        );
    }
    if let Err(message) = result {
        sink.diagnostics
            .push(Diagnostic::new(Severity::Fatal, Code::CorruptWorkbook, message).file(file));
    }
    sheets
}

/// The sheet name a table of an XML return is listed under.
fn sheet_name(t: Table903) -> &'static str {
    match t {
        Table903::Header => "HEADER",
        Table903::Ad1 => "HEADER (AD1)",
        Table903::Oc3 => "HEADER (OC3)",
        Table903::Uasc => "HEADER (UASC)",
        other => row_element(other).unwrap_or("HEADER"),
    }
}

/// Turns one child's elements into table rows.
fn emit(
    child: ChildElements,
    readers: &mut [TableReader<'_>],
    rows: &mut [u32; TABLES.len()],
    collector: &mut Collector,
    sink: &mut Sink,
) {
    let h = &child.header;
    let mut row = |t: usize, fields: &BTreeMap<String, String>, c: &mut Collector, s: &mut Sink| {
        let table = TABLES[t];
        let cells: Vec<Cell<'_>> = elements(table)
            .iter()
            .map(|(_, e)| match fields.get(*e).or_else(|| h.get(*e)) {
                Some(v) => Cell::Text(v.as_str()),
                None => Cell::Empty,
            })
            .collect();
        rows[t] += 1;
        readers[t].row(rows[t], &cells, c, s);
    };
    let none = BTreeMap::new();
    row(0, &none, collector, sink);
    let has_any = |t: Table903| {
        elements(t)
            .iter()
            .skip(2)
            .any(|(_, e)| h.get(*e).is_some_and(|v| !v.is_empty()))
    };
    if has_any(Table903::Ad1) {
        row(3, &none, collector, sink);
    }
    if has_any(Table903::Oc3) {
        row(7, &none, collector, sink);
    }
    let uasc = h.get("UASC").is_some_and(|v| v.trim() == "1")
        || h.get("DUC").is_some_and(|v| !v.trim().is_empty());
    if uasc {
        row(9, &none, collector, sink);
    }
    for (name, fields) in &child.rows {
        if let Some(t) = TABLES.iter().position(|t| row_element(*t) == Some(name)) {
            row(t, fields, collector, sink);
        }
    }
}

/// The elements under `HEADER` that hold rows of their own.
const HEADER_ROWS: [&str; 5] = ["AREVIEW", "AMISSING", "OC2", "PERMANENCE", "AD_PLACED"];

/// Walks the XML, handing each `CHILD` to `each` when it closes. Counts elements it does not
/// read in `unknown`. An error is a message for the user.
fn walk(
    text: &str,
    each: &mut dyn FnMut(ChildElements),
    unknown: &mut BTreeMap<String, u64>,
) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    // The open elements, outermost first.
    let mut path: Vec<String> = Vec::new();
    let mut child = ChildElements::default();
    let mut value = String::new();
    let mut seen_root = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "The XML return could not be read past byte {}: {e}. The children before that point were read. Check that the file is complete (not cut short while copying), or export the return again.",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                open(&mut path, &mut child, name, &mut seen_root)?;
                value.clear();
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                open(&mut path, &mut child, name, &mut seen_root)?;
                value.clear();
                close(&mut path, &mut child, &mut value, each, unknown);
            }
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::CData(t) => value.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let c = match &*name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                match c {
                    Some(c) => value.push(c),
                    None => return Err(format!("The XML return uses the entity &{name};, which an SSDA903 return never does (it may be built to expand to an enormous size when read), so it was not read further.")),
                }
            }
            Event::End(_) => close(&mut path, &mut child, &mut value, each, unknown),
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(
            "The XML file holds no EXPSSDA903 element, so it is not an SSDA903 return.".into(),
        );
    }
    Ok(())
}

/// Opens an element: a row element starts a new row of the child.
fn open(
    path: &mut Vec<String>,
    child: &mut ChildElements,
    name: String,
    seen_root: &mut bool,
) -> Result<(), String> {
    if path.is_empty() {
        if name != "EXPSSDA903" {
            return Err(format!("This XML file's first element is {name}, not EXPSSDA903, so it is not an SSDA903 return."));
        }
        *seen_root = true;
    }
    if path.len() >= 8 {
        return Err("The XML return nests elements deeper than an SSDA903 return does, so it was not read further.".into());
    }
    let parents: Vec<&str> = path.iter().map(String::as_str).collect();
    let row = match parents.as_slice() {
        ["EXPSSDA903", "CHILD"] => name == "EPISODE",
        ["EXPSSDA903", "CHILD", "HEADER"] => HEADER_ROWS.contains(&name.as_str()),
        _ => false,
    };
    if row {
        child.rows.push((name.clone(), BTreeMap::new()));
    }
    path.push(name);
    Ok(())
}

/// Closes the innermost element: a field's value is stored, a child is handed on.
fn close(
    path: &mut Vec<String>,
    child: &mut ChildElements,
    value: &mut String,
    each: &mut dyn FnMut(ChildElements),
    unknown: &mut BTreeMap<String, u64>,
) {
    let Some(name) = path.pop() else {
        return;
    };
    let parents: Vec<&str> = path.iter().map(String::as_str).collect();
    let mut field = |row: &str| {
        let known = TABLES
            .iter()
            .find(|t| row_element(**t) == Some(row))
            .is_some_and(|t| elements(*t).iter().any(|(_, e)| *e == name));
        match child.rows.last_mut() {
            Some((n, fields)) if known && n == row => {
                fields.insert(name.clone(), std::mem::take(value));
            }
            _ => *unknown.entry(format!("{row}/{name}")).or_default() += 1,
        }
    };
    match parents.as_slice() {
        [] => {}
        ["EXPSSDA903"] if name == "CHILD" => each(std::mem::take(child)),
        ["EXPSSDA903", "CHILD"] if name == "HEADER" || name == "EPISODE" => {}
        ["EXPSSDA903", "CHILD", "HEADER"] if HEADER_ROWS.contains(&name.as_str()) => {}
        ["EXPSSDA903", "CHILD", "HEADER"] if header_field(&name) => {
            child.header.insert(name, std::mem::take(value));
        }
        ["EXPSSDA903", "CHILD", "HEADER", row] => field(row),
        ["EXPSSDA903", "CHILD", "EPISODE"] => field("EPISODE"),
        _ => {
            let at = parents.last().map_or(String::new(), |p| format!("{p}/"));
            *unknown.entry(format!("{at}{name}")).or_default() += 1;
        }
    }
    value.clear();
}
