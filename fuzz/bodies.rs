//! The bodies of the fuzz targets, as plain functions.
//!
//! Each cargo-fuzz target in `fuzz/fuzz_targets/` is one line calling a function here, and the
//! stable test `tests/fuzz_corpus.rs` includes this same file to run every committed seed and
//! regression input through every body, so `cargo test` needs no nightly toolchain. A body
//! must never panic on any input: a panic (or an abort, a timeout, or memory beyond libFuzzer's
//! `-rss_limit_mb`) is a finding. Where a report comes out, the body checks the counting
//! invariant `rows_read = rows_used + rows_rejected` and its per-table and per-diagnostic
//! forms.
//!
//! This file owns the targets' behaviour only; what counts as a correct reading of a file is
//! asserted by the ordinary tests.

#![allow(dead_code)]

use chrono::{Datelike, NaiveDate};
use driftline::date::{format_uk, from_excel_serial, parse_date_text};
use driftline::diagnostics::{Code, Severity};
use driftline::ingest::file::{self, Format, Sheet};
use driftline::ingest::header::{self, TableKind};
use driftline::ingest::labels::{self, LabelReader};
use driftline::ingest::sheet::Cell;
use driftline::ingest::text;
use driftline::{analyze, InputFile, Limits, Mapping, Options, Report};
use std::io::Write;

/// A target's body.
pub type Body = fn(&[u8]);

/// Every target: its name (the cargo-fuzz binary and the seed folder) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("workbook_zip", workbook_zip),
    ("xlsx_sheet_xml", xlsx_sheet_xml),
    ("ods_content_xml", ods_content_xml),
    ("xls", xls),
    ("csv", csv),
    ("date", date),
    ("header", header),
    ("mapping", mapping),
    ("analyze", analyze_files),
];

/// Limits a little tighter than the defaults, so the fuzzer reaches each limit quickly and
/// an input that is slow only because it is legitimately big is not reported as a hang.
pub fn fuzz_limits() -> Limits {
    Limits {
        max_file_bytes: 8 * 1024 * 1024,
        max_uncompressed_bytes: 64 * 1024 * 1024,
        max_cells: 1_000_000,
        max_text_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    }
}

fn options() -> Options {
    let mut o = Options::new(NaiveDate::from_ymd_opt(2024, 3, 31).expect("a real date"));
    o.limits = fuzz_limits();
    o
}

/// Raw bytes forced through the zip workbook path (xlsx, xlsm, xlsb and ods are all zips):
/// the sheets are opened and every cell visited, then the same bytes go through `analyze`.
pub fn workbook_zip(data: &[u8]) {
    if let Ok((_, sheets)) = file::open_workbook(data, Format::Xlsx, &fuzz_limits()) {
        walk(&sheets);
    }
    analyze_one("fuzz.xlsx", data);
}

/// Raw bytes forced through the old binary Excel (BIFF, `.xls`) path.
pub fn xls(data: &[u8]) {
    if let Ok((_, sheets)) = file::open_workbook(data, Format::Xls, &fuzz_limits()) {
        walk(&sheets);
    }
    analyze_one("fuzz.xls", data);
}

/// The separator between parts of a structured input (sheet XML, shared strings, …).
pub const PART_SEPARATOR: &[u8] = b"\n@@PART@@\n";

/// Fuzzed XML wrapped in an otherwise valid xlsx: the first part is `xl/worksheets/sheet1.xml`,
/// the second (optional) `xl/sharedStrings.xml`, the third (optional) `xl/styles.xml`.
/// Wrapping keeps the zip valid, so the fuzzer spends its time in the XML readers.
pub fn xlsx_sheet_xml(data: &[u8]) {
    let bytes = xlsx_from_parts(data);
    analyze_one("fuzz.xlsx", &bytes);
}

/// Fuzzed XML wrapped in an otherwise valid ods as its `content.xml`.
pub fn ods_content_xml(data: &[u8]) {
    let bytes = ods_from_content(data);
    analyze_one("fuzz.ods", &bytes);
}

/// Bytes through the text path: decoding, delimiter sniffing, csv records; then `analyze`.
pub fn csv(data: &[u8]) {
    if let Ok(decoded) = file::decode_text(data) {
        let dialect = text::sniff(&decoded.text);
        let mut rows = 0u64;
        let mut last = 0u32;
        text::for_each_record(&decoded.text, dialect, &mut |row, fields| {
            // Row numbers never go backwards.
            assert!(row >= last, "row {row} after row {last}");
            last = row;
            rows += fields.len() as u64;
            true
        });
    }
    analyze_one("fuzz.csv", data);
}

/// The date parser: text forms and Excel serials in both date systems.
pub fn date(data: &[u8]) {
    if data.len() >= 8 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&data[..8]);
        let serial = f64::from_le_bytes(b);
        for is_1904 in [false, true] {
            if let Ok(d) = from_excel_serial(serial, is_1904) {
                assert!((1900..=9999).contains(&d.year()), "{serial} → {d}");
                // Whole days only: the time of day is dropped, never rounded up.
                assert_eq!(from_excel_serial(serial.floor(), is_1904), Ok(d));
            }
            let cell = Cell::Number(serial);
            let _ = cell.date(is_1904);
        }
    }
    let s = String::from_utf8_lossy(data);
    if let Ok(d) = parse_date_text(&s) {
        assert!((1..=9999).contains(&d.year()), "{s:?} → {d}");
        // What was read can be written and read back to the same day.
        assert_eq!(parse_date_text(&format_uk(d)), Ok(d), "{s:?}");
        assert_eq!(
            parse_date_text(&d.format("%Y-%m-%d").to_string()),
            Ok(d),
            "{s:?}"
        );
    } else if let Err(e) = parse_date_text(&s) {
        // Every error explains itself.
        assert!(!e.to_string().is_empty());
    }
    let _ = Cell::Text(&s).date(false);
}

/// Header recognition and label mapping over rows of text (lines split at tabs or commas).
pub fn header(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let rows: Vec<(u32, Vec<String>)> = s
        .split('\n')
        .take(header::HEADER_SEARCH_ROWS)
        .enumerate()
        .map(|(i, line)| {
            let cells = line.split(['\t', ',']).map(str::to_string).collect();
            (i as u32 + 1, cells)
        })
        .collect();
    if let Some(r) = header::recognise(&rows) {
        for f in r.kind.required() {
            assert!(r.column_of(*f).is_some(), "a recognised table has {f:?}");
        }
        assert_eq!(r.columns.len(), r.headers.len());
    }
    let mut reader = LabelReader::default();
    for (_, cells) in &rows {
        for kind in TableKind::ALL {
            let cols = header::map_columns(kind, cells);
            assert_eq!(cols.len(), cells.len());
            // Each field is used at most once.
            for (i, c) in cols.iter().enumerate() {
                if let Some(c) = c {
                    assert!(!cols[i + 1..].contains(&Some(*c)));
                }
            }
        }
        for c in cells {
            let _ = header::normalise(c);
            let _ = labels::placement_category(c);
            let _ = labels::legal_category(c);
            let _ = labels::milestone(c);
            let _ = reader.placement(c);
            let _ = reader.legal(c);
            let _ = reader.event(c);
        }
    }
}

/// The mapping JSON: parsed and validated; a valid mapping round-trips and drives a load of a
/// small multi-table CSV set.
pub fn mapping(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    match Mapping::from_json(&s) {
        Ok(m) => {
            let json = serde_json::to_string(&m).expect("a mapping serialises");
            assert_eq!(Mapping::from_json(&json).as_ref(), Ok(&m), "round trip");
            let mut o = options();
            o.mapping = Some(m);
            let files = sample_files();
            let inputs: Vec<InputFile<'_>> = files
                .iter()
                .map(|(name, bytes)| InputFile { name, bytes })
                .collect();
            check(analyze(&inputs, &o));
        }
        Err(e) => assert!(!e.is_empty()),
    }
}

/// The whole path over up to four files, split at [`FILE_SEPARATOR`].
pub fn analyze_files(data: &[u8]) {
    let parts: Vec<&[u8]> = split(data, FILE_SEPARATOR).into_iter().take(4).collect();
    let names = ["a.csv", "b.xlsx", "c.xls", "d.ods"];
    let inputs: Vec<InputFile<'_>> = parts
        .iter()
        .zip(names)
        .map(|(bytes, name)| InputFile { name, bytes })
        .collect();
    check(analyze(&inputs, &options()));
}

/// The separator between files of the `analyze` target.
pub const FILE_SEPARATOR: &[u8] = b"\n@@FILE@@\n";

/// Runs one file through `analyze` and checks what comes out.
pub fn analyze_one(name: &str, data: &[u8]) {
    check(analyze(&[InputFile { name, bytes: data }], &options()));
}

/// Checks a result of `analyze`: the counting invariant (overall, per table, and against the
/// rejection diagnostics), located rejections, non-empty messages, and that the report
/// serialises.
pub fn check(result: Result<Report, driftline::Error>) {
    match result {
        Ok(r) => check_report(&r),
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error explains itself");
            for d in &e.diagnostics {
                assert_eq!(d.severity, Severity::Fatal, "{d:?}");
                assert!(!d.message.trim().is_empty());
            }
        }
    }
}

/// See [`check`].
pub fn check_report(r: &Report) {
    let i = &r.input;
    assert_eq!(
        i.rows_read,
        i.rows_used + i.rows_rejected,
        "counting invariant"
    );
    let (mut read, mut used, mut rejected) = (0, 0, 0);
    for t in &i.tables {
        assert_eq!(t.rows_read, t.rows_used + t.rows_rejected, "table {t:?}");
        read += t.rows_read;
        used += t.rows_used;
        rejected += t.rows_rejected;
    }
    assert_eq!(
        (read, used, rejected),
        (i.rows_read, i.rows_used, i.rows_rejected)
    );
    let rejections = i.diagnostics.iter().filter(|d| d.is_rejection()).count() as u64;
    // Past `Limits::max_listed_problems`, rejections are counted in a note, not listed.
    let capped = i
        .diagnostics
        .iter()
        .any(|d| d.code == Code::ProblemsNotListed);
    if capped {
        assert!(rejections <= i.rows_rejected, "listed rejections are rows");
    } else {
        assert_eq!(
            rejections, i.rows_rejected,
            "one diagnostic per rejected row"
        );
    }
    for d in &i.diagnostics {
        assert!(!d.message.trim().is_empty(), "{d:?}");
        if d.is_rejection() {
            assert!(
                d.file.is_some() && d.row.is_some() && d.column.is_some(),
                "{d:?}"
            );
        }
    }
    serde_json::to_string(r).expect("the report serialises");
}

/// Visits every cell of every sheet the way the loader does.
fn walk(sheets: &[Sheet<'_>]) {
    for sheet in sheets {
        let head = header::head_rows(&sheet.data, header::HEADER_SEARCH_ROWS);
        let _ = header::recognise(&head);
        let is_1904 = sheet.data.is_1904();
        sheet.data.for_each_row(&mut |_, cells| {
            for c in cells {
                let _ = c.text();
                let _ = c.is_blank();
                let _ = c.date(is_1904);
            }
            true
        });
    }
}

/// Splits `data` at every occurrence of `sep`.
pub fn split<'a>(data: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(sep.len()).position(|w| w == sep) {
        parts.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    parts.push(rest);
    parts
}

/// A stored (uncompressed) zip of the given entries.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        w.start_file(*name, opts)
            .expect("an in-memory zip entry starts");
        w.write_all(bytes)
            .expect("an in-memory zip entry is written");
    }
    w.finish().expect("an in-memory zip finishes").into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Placements" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// A style sheet whose second cell format is a date, so `s="1"` cells are dates.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

const EMPTY_SST: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#;

/// See [`xlsx_sheet_xml`].
pub fn xlsx_from_parts(data: &[u8]) -> Vec<u8> {
    let parts = split(data, PART_SEPARATOR);
    let sheet = parts.first().copied().unwrap_or_default();
    let sst = parts.get(1).copied().unwrap_or(EMPTY_SST.as_bytes());
    let styles = parts.get(2).copied().unwrap_or(STYLES.as_bytes());
    zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
        ("xl/styles.xml", styles),
    ])
}

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// See [`ods_content_xml`]. The `mimetype` entry comes first, stored, as the format requires.
pub fn ods_from_content(content: &[u8]) -> Vec<u8> {
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".as_slice(),
        ),
        ("META-INF/manifest.xml", ODS_MANIFEST.as_bytes()),
        ("content.xml", content),
    ])
}

/// A small template-shaped load (one file per table) for the mapping target.
pub fn sample_files() -> Vec<(String, Vec<u8>)> {
    let files = [
        ("children.csv", "child_id,date_of_birth,sex\nC1,01/02/2015,F\nC2,2016-03-04,M\n"),
        (
            "placements.csv",
            "Report\n\nChild ID,Start date,End date,Placement type,Carer,Legal status\nC1,01/01/2020,31/03/2020,Foster,A,C2\nC1,01/04/2020,,Kinship,B,Interim care order\nC2,05/05/2021,,Residential,,S20\n",
        ),
        ("legal.csv", "child_id;start_date;legal_status\nC1;01/01/2020;V2\n"),
        (
            "events.csv",
            "child_id\tdate\tevent\tdetail\nC1\t02/01/2020\tLAC review\tfirst\nC2\t13/25/2021\tPanel\t\n",
        ),
    ];
    files
        .iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect()
}
