//! Every file of the bad corpus (`tests/fixtures/bad/`, made by `make_bad_files.py`) through
//! `driftline::analyze`: each is refused with one specific plain-English message and code, or
//! loads what it can with the expected diagnostics, and the counting invariant holds. No file
//! may panic or abort the process. Times are printed (run with `--nocapture`) but not
//! asserted: speed belongs to the benchmarks. And each resource limit, set low, refuses a
//! small ordinary file with a message naming the limit.

#[path = "../fuzz/bodies.rs"]
mod bodies;

use chrono::NaiveDate;
use driftline::diagnostics::{Code, Severity};
use driftline::{analyze, InputFile, Limits, Options, Report};
use std::path::Path;
use std::time::Instant;

fn as_at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()
}

fn read(path: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn run(name: &str, bytes: &[u8], options: &Options) -> Result<Report, driftline::Error> {
    let started = Instant::now();
    let result = analyze(&[InputFile { name, bytes }], options);
    eprintln!("{name}: {:?}", started.elapsed());
    bodies::check(result.clone());
    result
}

fn load_bad(name: &str) -> Result<Report, driftline::Error> {
    run(name, &read(&format!("bad/{name}")), &Options::new(as_at()))
}

/// The file is refused with one fatal diagnostic of `code` whose message contains `needle`.
fn refused(name: &str, code: Code, needle: &str) {
    let err = match load_bad(name) {
        Err(e) => e,
        Ok(r) => panic!("{name} loaded: {:?}", r.input.diagnostics),
    };
    assert_eq!(err.diagnostics.len(), 1, "{name}: {:?}", err.diagnostics);
    let d = &err.diagnostics[0];
    assert_eq!(
        (d.severity, d.code),
        (Severity::Fatal, code),
        "{name}: {d:?}"
    );
    assert_eq!(d.file.as_deref(), Some(name));
    assert!(d.message.contains(needle), "{name}: {}", d.message);
}

/// The file loads with these row counts; returns the report for further checks.
fn loads(name: &str, read: u64, used: u64, rejected: u64) -> Report {
    let r = load_bad(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let i = &r.input;
    assert_eq!(
        (i.rows_read, i.rows_used, i.rows_rejected),
        (read, used, rejected),
        "{name}: {:?}",
        i.diagnostics
    );
    r
}

/// `(row, code)` of every diagnostic of the given severity, in order.
fn located(r: &Report, severity: Severity) -> Vec<(Option<u32>, Code)> {
    r.input
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| (d.row, d.code))
        .collect()
}

fn message_for(r: &Report, row: u32) -> &str {
    r.input
        .diagnostics
        .iter()
        .find(|d| d.row == Some(row) && d.is_rejection())
        .map(|d| d.message.as_str())
        .unwrap_or_else(|| panic!("no rejection at row {row}"))
}

#[test]
fn files_that_are_not_spreadsheets_are_refused_by_what_they_are() {
    refused("empty.csv", Code::EmptyFile, "The file is empty");
    refused("blank_lines.csv", Code::EmptyFile, "The file is empty");
    refused("random.bin", Code::NotASpreadsheet, "binary data");
    refused(
        "not_a_workbook.zip",
        Code::NotASpreadsheet,
        "zip archive, not a workbook",
    );
    refused("word_document.docx", Code::NotASpreadsheet, "Word document");
    refused("html_table.xls", Code::NotASpreadsheet, "web page (HTML)");
    refused(
        "xml_spreadsheet_2003.xls",
        Code::NotASpreadsheet,
        "XML Spreadsheet 2003",
    );
    refused("report.pdf.xlsx", Code::NotASpreadsheet, "PDF");
    refused("excel4.xls", Code::UnsupportedFormat, "Excel 4 or earlier");
    refused(
        "xlsb_short_record.xlsb",
        Code::UnsupportedFormat,
        "Excel binary workbook (.xlsb)",
    );
}

#[test]
fn damaged_and_protected_workbooks_are_refused_with_what_to_do() {
    refused(
        "truncated.xlsx",
        Code::CorruptWorkbook,
        "damaged or incomplete",
    );
    refused(
        "sst_count_100_billion.xlsx",
        Code::CorruptWorkbook,
        "says it holds 100,000,000,000 entries",
    );
    refused(
        "beyond_grid.xlsx",
        Code::CorruptWorkbook,
        "beyond the last row or column",
    );
    refused(
        "encrypted.xlsx",
        Code::EncryptedWorkbook,
        "remove the password",
    );
    refused(
        "encrypted.xls",
        Code::EncryptedWorkbook,
        "remove the password",
    );
}

#[test]
fn zip_bombs_are_refused_before_they_expand() {
    // Declared sizes add up to 4 GB: refused from the zip's directory, nothing decompressed.
    refused("zip_bomb.xlsx", Code::TooLarge, "zip bomb");
    // Declared sizes lie (10 kB declared, 512 MB inside): the zip reader stops at the
    // declared size, so the expansion is bounded by what the directory says.
    refused(
        "zip_bomb_lying_sizes.xlsx",
        Code::CorruptWorkbook,
        "zip bomb",
    );
}

#[test]
fn xml_entity_expansion_is_never_performed() {
    refused(
        "billion_laughs.xlsx",
        Code::CorruptWorkbook,
        "entity definitions",
    );
}

#[test]
fn sheets_that_would_exhaust_memory_are_refused_before_they_are_laid_out() {
    refused(
        "sparse_huge_range.xlsx",
        Code::TooLarge,
        "from cell A1 to cell XFD1048576: read as a table that is 17,179,869,184 cells",
    );
    refused("xls_huge_range.xls", Code::TooLarge, "4,294,967,296 cells");
    refused("ods_repeat_bomb.ods", Code::TooLarge, "text in its cells");
    for name in [
        "xlsx_string_amplification.xlsx",
        "xls_string_amplification.xls",
        "ods_string_amplification.ods",
    ] {
        refused(name, Code::TooLarge, "256 MB of text");
    }
}

#[test]
fn an_xls_whose_dimensions_record_lies_is_read_from_its_cells() {
    // DIMENSIONS claims 4 billion rows × 65,535 columns; the sheet holds a header only, read
    // as a placements table without a row of data: nothing usable, said as such.
    refused(
        "xls_lying_dimensions.xls",
        Code::NoDataRows,
        "has a header row but no rows of data",
    );
}

#[test]
fn an_old_biff5_workbook_loads() {
    let r = loads("biff5.xls", 3, 3, 0);
    assert_eq!(r.input.files[0].format, "xls");
    assert_eq!(r.children, 2);
}

#[test]
fn csv_damage_is_reported_where_it_is() {
    // A quote opens in row 3 and never closes: rows 4 and 5 are swallowed, and said to be;
    // the placement type that swallowed them holds their line breaks, which are shown.
    let r = loads("csv_unbalanced_quotes.csv", 2, 2, 0);
    assert_eq!(
        located(&r, Severity::Warning),
        vec![
            (Some(3), Code::UnclosedQuote),
            (Some(3), Code::HiddenCharacters)
        ]
    );
    // NUL bytes are dropped around values and ignored inside labels.
    let r = loads("csv_nul_bytes.csv", 4, 4, 0);
    assert!(
        r.input.unknown_labels.is_empty(),
        "{:?}",
        r.input.unknown_labels
    );
    // \r\n, \n and a lone \r: every row keeps the number a text editor shows.
    let r = loads("csv_mixed_line_endings.csv", 4, 4, 0);
    let mut rows: Vec<u32> = r
        .journeys
        .iter()
        .flat_map(|c| c.care_periods.iter())
        .flat_map(|p| p.placements.iter())
        .map(|p| p.source.row)
        .collect();
    rows.sort();
    assert_eq!(rows, vec![2, 3, 4, 5]);
    // UTF-8 and Windows-1252 in one file: both read.
    let r = loads("csv_mixed_encodings.csv", 5, 5, 0);
    assert_eq!(
        r.input.files[0].encoding.as_deref(),
        Some("utf-8 mixed with windows-1252")
    );
    let types: Vec<&str> = r
        .journeys
        .iter()
        .flat_map(|c| c.care_periods.iter())
        .flat_map(|p| p.placements.iter())
        .map(|p| &*p.placement_type)
        .collect();
    assert!(types.contains(&"Kinship – aunt"), "{types:?}");
    assert!(types.contains(&"Foster – Zoë"), "{types:?}");
}

#[test]
fn very_wide_sheets_load() {
    loads("wide_16384_columns.xlsx", 2, 2, 0);
    loads("wide_20000_columns.csv", 2, 2, 0);
    let r = loads("wide_20000_columns_right.csv", 1, 1, 0);
    assert_eq!(r.input.tables[0].columns.len(), 20_000);
}

#[test]
fn a_10_mb_cell_is_cut_and_never_quoted_in_full() {
    let r = loads("cell_10mb.xlsx", 2, 1, 1);
    assert!(r
        .input
        .diagnostics
        .iter()
        .any(|d| d.code == Code::CellTruncated && d.row == Some(2)));
    let detail = r.journeys[0].events_outside_care[0]
        .detail
        .as_deref()
        .unwrap_or_default();
    assert_eq!(detail.chars().count(), Limits::default().max_cell_chars);
    let msg = message_for(&r, 3);
    assert!(msg.len() < 300, "{} characters", msg.len());
    assert!(msg.contains("AAAA…\" is not a date"), "{msg}");
}

#[test]
fn formula_errors_reject_their_rows_by_name() {
    let r = loads("formula_errors.xlsx", 4, 1, 3);
    assert_eq!(
        located(&r, Severity::Rejected),
        vec![
            (Some(2), Code::InvalidDate),
            (Some(3), Code::InvalidValue),
            (Some(4), Code::InvalidValue)
        ]
    );
    assert!(message_for(&r, 2).contains("spreadsheet error #N/A"));
    assert!(message_for(&r, 3).contains("child id is the spreadsheet error #REF!"));
    assert!(message_for(&r, 4).contains("#DIV/0!"));
}

#[test]
fn merged_header_cells_and_hidden_sheets() {
    let r = loads("merged_header.xlsx", 2, 2, 0);
    assert_eq!(r.input.tables[0].header_row, 2);
    let r = loads("hidden_sheets.xlsx", 2, 2, 0);
    assert_eq!(r.input.tables[0].sheet.as_deref(), Some("Placements"));
    assert!(r
        .input
        .diagnostics
        .iter()
        .any(|d| d.code == Code::HiddenSheetRead && d.sheet.as_deref() == Some("Placements")));
}

#[test]
fn dates_at_and_beyond_the_calendar_edges() {
    let r = loads("dates_edge.xlsx", 10, 4, 6);
    let rejected: Vec<u32> = located(&r, Severity::Rejected)
        .into_iter()
        .map(|(row, code)| {
            assert_eq!(code, Code::InvalidDate);
            row.unwrap()
        })
        .collect();
    assert_eq!(rejected, vec![2, 4, 5, 6, 8, 10]);
    assert!(message_for(&r, 2).contains("-5, which is not an Excel date"));
    assert!(message_for(&r, 4).contains("2958466, which is not an Excel date"));
    assert!(message_for(&r, 5).contains("1900 leap-year bug"));
    assert!(message_for(&r, 6).contains("February 2023 has 28 days"));
    assert!(message_for(&r, 8).contains("February 2100 has 28 days"));
    // 31/12/9999 is a real day: used, and flagged as after the "as at" date.
    let ids: Vec<&str> = r.journeys.iter().map(|c| &*c.id).collect();
    assert_eq!(ids, vec!["Y9999", "T29FEB24", "T9999", "ENDMAX"]);
    assert!(r
        .input
        .diagnostics
        .iter()
        .any(|d| d.code == Code::FutureDate && d.row == Some(3)));
    let r = loads("dates_edge.csv", 7, 2, 5);
    let rejected: Vec<Option<u32>> = located(&r, Severity::Rejected)
        .into_iter()
        .map(|(row, _)| row)
        .collect();
    assert_eq!(rejected, vec![Some(2), Some(3), Some(5), Some(7), Some(8)]);
}

#[test]
fn the_counting_invariant_holds_over_the_whole_bad_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "py") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        // `run` checks the invariant, per table and against the rejection diagnostics.
        let _ = run(
            &name,
            &std::fs::read(&path).unwrap(),
            &Options::new(as_at()),
        );
        seen += 1;
    }
    assert!(seen >= 40, "{seen} files");
}

// --- Each limit, set low, refuses an ordinary file with a message naming it ---------------

fn with_limits(limits: Limits) -> Options {
    let mut o = Options::new(as_at());
    o.limits = limits;
    o
}

fn refused_by(name: &str, bytes: &[u8], limits: Limits, needle: &str) {
    let err = run(name, bytes, &with_limits(limits)).expect_err("over the limit");
    let d = &err.diagnostics[0];
    assert_eq!(d.code, Code::TooLarge, "{name}: {d:?}");
    assert!(d.message.contains(needle), "{name}: {}", d.message);
}

#[test]
fn the_file_size_limit() {
    let csv = read("csv_utf8/placements.csv");
    let limits = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    refused_by(
        "placements.csv",
        &csv,
        limits.clone(),
        "more than the limit",
    );
    refused_by(
        "journey.xlsx",
        &read("journey.xlsx"),
        limits,
        "more than the limit",
    );
}

#[test]
fn the_uncompressed_size_limit() {
    let limits = Limits {
        max_uncompressed_bytes: 1024,
        ..Limits::default()
    };
    refused_by(
        "journey.xlsx",
        &read("journey.xlsx"),
        limits.clone(),
        "would expand",
    );
    refused_by("journey.ods", &read("journey.ods"), limits, "would expand");
}

/// The cells with values and the dense area of the fixture cohort, counted from its CSV
/// copy (the workbooks hold the same four tables).
fn cohort_cells() -> (u64, u64) {
    let (mut values, mut area) = (0u64, 0u64);
    for t in ["children", "placements", "legal", "events"] {
        let text = String::from_utf8(read(&format!("csv_utf8/{t}.csv"))).unwrap();
        let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
        values += rows.iter().flatten().filter(|f| !f.is_empty()).count() as u64;
        area += (rows.len() * rows[0].len()) as u64;
    }
    (values, area)
}

#[test]
fn the_cell_limit_counts_every_sheet_of_a_file() {
    let (values, area) = cohort_cells();
    // Half the cohort's cells: refused, whichever sheet crosses the line.
    let limit = values / 2;
    let limits = Limits {
        max_cells: limit,
        ..Limits::default()
    };
    for name in ["journey.xlsx", "journey.xls", "journey.ods"] {
        refused_by(name, &read(name), limits.clone(), &format!("{limit} cells"));
    }
    // Twice its area (an .ods row costs a little more than its cells): read in full.
    let limits = Limits {
        max_cells: 2 * area,
        ..Limits::default()
    };
    for name in ["journey.xlsx", "journey.xls", "journey.ods"] {
        let r = run(name, &read(name), &with_limits(limits.clone())).expect("within the limit");
        assert_eq!(r.input.rows_read, 26, "{name}");
    }
}

#[test]
fn the_text_limit() {
    let limits = Limits {
        max_text_bytes: 100,
        ..Limits::default()
    };
    for name in ["journey.xlsx", "journey.xls", "journey.ods"] {
        refused_by(name, &read(name), limits.clone(), "of text");
    }
}

#[test]
fn the_cell_length_limit_cuts_with_a_warning() {
    let csv = "child_id,start_date,placement_type,carer\nC1,01/01/2020,Foster,Mr and Mrs Longname-Smith\nC2,02/02/2021,Kinship,Aunt\n";
    let limits = Limits {
        max_cell_chars: 10,
        ..Limits::default()
    };
    let r = run("p.csv", csv.as_bytes(), &with_limits(limits)).unwrap();
    let carers: Vec<&str> = r
        .journeys
        .iter()
        .map(|c| c.care_periods[0].placements[0].carer.as_deref().unwrap())
        .collect();
    assert_eq!(carers, vec!["Mr and Mrs", "Aunt"]);
    let d: Vec<_> = r
        .input
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::CellTruncated)
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].row, d[0].column.as_deref()), (Some(2), Some("carer")));
    assert!(d[0].message.contains("longer than 10 characters"));
}

#[test]
fn limits_read_from_json_fill_in_defaults() {
    let l: Limits = serde_json::from_str(r#"{"max_cells": 5}"#).unwrap();
    assert_eq!(l.max_cells, 5);
    assert_eq!(l.max_file_bytes, Limits::default().max_file_bytes);
}

#[test]
fn the_listing_limit_counts_what_it_does_not_list() {
    let mut csv = String::from("child_id,start_date,placement_type\n");
    for i in 0..30 {
        csv.push_str(&format!("C{i},31/02/2020,Foster\n"));
    }
    csv.push_str("C99,01/01/2020,Foster\n");
    let limits = Limits {
        max_listed_problems: 10,
        ..Limits::default()
    };
    let r = run("p.csv", csv.as_bytes(), &with_limits(limits)).unwrap();
    assert_eq!(
        (r.input.rows_read, r.input.rows_used, r.input.rows_rejected),
        (31, 1, 30)
    );
    let listed: Vec<u32> = r
        .input
        .diagnostics
        .iter()
        .filter(|d| d.is_rejection())
        .map(|d| d.row.unwrap())
        .collect();
    assert_eq!(listed, (2..12).collect::<Vec<u32>>());
    let notes: Vec<_> = r
        .input
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::ProblemsNotListed)
        .collect();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]
            .message
            .starts_with("20 more rejected rows with code invalid_date"),
        "{}",
        notes[0].message
    );
}
