//! One test per problem found by the bad corpus and by fuzzing, named after what was found.
//! Each loads the input that showed the problem (a file in `tests/fixtures/bad/`, a minimised
//! fuzz input in `tests/fixtures/regressions/`, or bytes built here) and checks the fixed
//! behaviour. Before each fix, the test failed as its name says: the process aborted, ran
//! out of memory, panicked, or gave the wrong answer.

#[path = "../fuzz/bodies.rs"]
mod bodies;

use chrono::NaiveDate;
use driftline::diagnostics::{Code, Severity};
use driftline::{analyze, Error, InputFile, Options, Report};
use std::path::Path;

fn fixture(path: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn load(name: &str, bytes: &[u8]) -> Result<Report, Error> {
    let options = Options::new(NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    let result = analyze(&[InputFile { name, bytes }], &options);
    bodies::check(result.clone());
    result
}

fn fatal(name: &str, bytes: &[u8]) -> (Code, String) {
    let e = load(name, bytes).expect_err("refused");
    (e.diagnostics[0].code, e.diagnostics[0].message.clone())
}

fn bad(name: &str) -> Vec<u8> {
    fixture(&format!("bad/{name}"))
}

// --- Found by the bad corpus --------------------------------------------------------------

#[test]
fn xlsx_value_in_the_last_cell_aborted_laying_out_17_billion_cells() {
    let (code, msg) = fatal("s.xlsx", &bad("sparse_huge_range.xlsx"));
    assert_eq!(code, Code::TooLarge);
    assert!(msg.contains("XFD1048576"), "{msg}");
}

#[test]
fn xlsx_row_beyond_the_grid_aborted_laying_out_the_sheet() {
    let (code, msg) = fatal("b.xlsx", &bad("beyond_grid.xlsx"));
    assert_eq!(code, Code::CorruptWorkbook);
    assert!(msg.contains("A4294967295"), "{msg}");
}

#[test]
fn xlsx_one_shared_string_in_many_cells_exhausted_memory() {
    let (code, _) = fatal("a.xlsx", &bad("xlsx_string_amplification.xlsx"));
    assert_eq!(code, Code::TooLarge);
}

#[test]
fn ods_long_string_repeated_over_columns_exhausted_memory() {
    let (code, _) = fatal("a.ods", &bad("ods_string_amplification.ods"));
    assert_eq!(code, Code::TooLarge);
}

#[test]
fn ods_repeated_rows_and_columns_expanded_to_100_million_cells() {
    // calamine stopped at its own 100-million-cell cap after seconds and gigabytes, with a
    // technical message; the guard refuses from the XML before anything is expanded.
    let (code, msg) = fatal("r.ods", &bad("ods_repeat_bomb.ods"));
    assert_eq!(code, Code::TooLarge);
    assert!(!msg.contains("Cell limit exceeded"), "{msg}");
}

#[test]
fn ods_trailing_empty_repeated_rows_are_not_counted() {
    // LibreOffice ends a sheet with an empty row repeated to the bottom of the grid and an
    // empty cell repeated to its right edge. calamine drops them; the guard must not count
    // them, or every LibreOffice file would be refused.
    let content = br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="P"><table:table-row><table:table-cell office:value-type="string"><text:p>child_id</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>start_date</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>placement_type</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16381"/></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>C1</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="2020-06-18"/><table:table-cell office:value-type="string"><text:p>Foster</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16381"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let r = load("lo.ods", &bodies::ods_from_content(content)).expect("loads");
    assert_eq!((r.input.rows_read, r.input.rows_used), (1, 1));
}

#[test]
fn xls_two_cells_far_apart_aborted_laying_out_4_billion_cells() {
    let (code, msg) = fatal("h.xls", &bad("xls_huge_range.xls"));
    assert_eq!(code, Code::TooLarge);
    assert!(msg.contains("4,294,967,296 cells"), "{msg}");
}

#[test]
fn xls_lying_dimensions_record_aborted_reserving_space() {
    // Read without aborting: its one table is recognised, and holds no row of data.
    let (code, msg) = fatal("d.xls", &bad("xls_lying_dimensions.xls"));
    assert_eq!(code, Code::NoDataRows);
    assert!(
        msg.starts_with("The placements table (sheet Sheet1)"),
        "{msg}"
    );
}

#[test]
fn xls_one_shared_string_in_many_cells_copied_600_mb() {
    let (code, _) = fatal("a.xls", &bad("xls_string_amplification.xls"));
    assert_eq!(code, Code::TooLarge);
}

#[test]
fn xml_spreadsheet_2003_was_called_a_web_page() {
    let (code, msg) = fatal("x.xls", &bad("xml_spreadsheet_2003.xls"));
    assert_eq!(code, Code::NotASpreadsheet);
    assert!(msg.contains("XML Spreadsheet 2003"), "{msg}");
    assert!(!msg.contains("web page"), "{msg}");
}

#[test]
fn csv_unclosed_quote_swallowed_the_rest_of_the_file_silently() {
    let r = load("q.csv", &bad("csv_unbalanced_quotes.csv")).unwrap();
    let d: Vec<_> = r
        .input
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::UnclosedQuote)
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].severity, d[0].row), (Severity::Warning, Some(3)));
    // A lone quote inside an unquoted field is read literally and is not reported.
    let ok = "child_id,start_date,placement_type,carer\nC1,01/01/2020,Foster,Bed 5\" wide\nC2,02/02/2020,Foster,\n";
    let r = load("ok.csv", ok.as_bytes()).unwrap();
    assert_eq!(r.input.rows_used, 2);
    assert!(r
        .input
        .diagnostics
        .iter()
        .all(|d| d.code != Code::UnclosedQuote));
}

#[test]
fn csv_lone_carriage_return_put_later_rows_one_too_high() {
    let text = "child_id,start_date,placement_type\rC1,01/01/2020,Foster\rC2,31/02/2020,Foster\r";
    let r = load("cr.csv", text.as_bytes()).unwrap();
    let rejected: Vec<_> = r
        .input
        .diagnostics
        .iter()
        .filter(|d| d.is_rejection())
        .collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].row, Some(3));
}

#[test]
fn formula_error_in_child_id_became_a_child_called_ref() {
    let r = load("f.xlsx", &bad("formula_errors.xlsx")).unwrap();
    assert!(r.journeys.iter().all(|c| !c.id.starts_with('#')));
    assert!(r
        .journeys
        .iter()
        .flat_map(|c| c.care_periods.iter())
        .flat_map(|p| p.placements.iter())
        .all(|p| !p.placement_type.starts_with('#')));
}

#[test]
fn cell_10mb_was_quoted_in_full_in_its_message() {
    let r = load("c.xlsx", &bad("cell_10mb.xlsx")).unwrap();
    let longest = r.input.diagnostics.iter().map(|d| d.message.len()).max();
    assert!(longest < Some(400), "{longest:?}");
}

#[test]
fn zip_entry_larger_than_declared_gave_a_technical_message() {
    let (code, msg) = fatal("z.xlsx", &bad("zip_bomb_lying_sizes.xlsx"));
    assert_eq!(code, Code::CorruptWorkbook);
    assert!(
        msg.contains("zip bomb") && !msg.contains("I/O error"),
        "{msg}"
    );
}

#[test]
fn xml_entity_definitions_gave_a_technical_message() {
    let (code, msg) = fatal("l.xlsx", &bad("billion_laughs.xlsx"));
    assert_eq!(code, Code::CorruptWorkbook);
    assert!(
        msg.contains("entity definitions") && !msg.contains("Xml error"),
        "{msg}"
    );
}

#[test]
fn every_row_wrong_needed_18_times_the_file_in_messages() {
    // 30,000 rows, every one an impossible date: the rows are all counted, the first 10,000
    // listed, the rest summed in one note (a 26 MB file of such rows peaked at 477 MB).
    let mut csv = String::from("child_id,start_date,placement_type\n");
    for i in 0..30_000 {
        csv.push_str(&format!("C{i},31/02/2020,Foster\n"));
    }
    let r = load("all_wrong.csv", csv.as_bytes()).unwrap();
    assert_eq!(r.input.rows_rejected, 30_000);
    let listed = r
        .input
        .diagnostics
        .iter()
        .filter(|d| d.is_rejection())
        .count();
    assert_eq!(listed, driftline::diagnostics::DEFAULT_MAX_LISTED);
    let note = r
        .input
        .diagnostics
        .iter()
        .find(|d| d.code == Code::ProblemsNotListed)
        .expect("a note counts the rest");
    assert!(
        note.message.starts_with("20000 more rejected rows"),
        "{}",
        note.message
    );
}

#[test]
fn xlsx_shared_strings_declaring_100_billion_entries_aborted_reserving_them() {
    for name in ["sst_count_100_billion.xlsx", "sst_count_max.xlsx"] {
        let (code, msg) = fatal(name, &bad(name));
        assert_eq!(code, Code::CorruptWorkbook, "{name}");
        assert!(msg.contains("table of shared text says it holds"), "{msg}");
    }
}

#[test]
fn xlsb_short_shared_strings_record_panicked() {
    let (code, msg) = fatal("b.xlsb", &bad("xlsb_short_record.xlsb"));
    assert_eq!(code, Code::UnsupportedFormat);
    assert!(
        msg.contains("save it as") || msg.contains("Save As"),
        "{msg}"
    );
}

// --- Found by fuzzing ---------------------------------------------------------------------

/// `content.xml` of an ods: the fuzz input as the `ods_content_xml` target wraps it.
fn ods_content(xml: &str) -> Vec<u8> {
    bodies::ods_from_content(xml.as_bytes())
}

const ODS_HEAD: &str = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>"#;

fn refused_as_never_closed(name: &str, bytes: &[u8], what: &str) {
    let (code, msg) = fatal(name, bytes);
    assert_eq!(code, Code::CorruptWorkbook, "{msg}");
    assert!(msg.contains(&format!("ends inside {what}")), "{msg}");
}

#[test]
fn fuzz_ods_unclosed_sheet_hang() {
    // The minimised fuzz input: a named sheet whose end tag never comes. calamine's
    // `read_table` waited for it at the end of the file for ever.
    let found = fixture("regressions/ods_content_xml/unclosed_sheet_hang.xml");
    refused_as_never_closed("f.ods", &bodies::ods_from_content(&found), "a sheet");
    let xml = format!(
        r#"{ODS_HEAD}<table:table table:name="P"><table:table-row><table:table-cell office:value-type="string"><text:p>child_id</text:p></table:table-cell></table:table-row>"#
    );
    refused_as_never_closed("s.ods", &ods_content(&xml), "a sheet");
}

#[test]
fn fuzz_ods_unclosed_cell_comment_hang() {
    // calamine skips a text cell's comment up to `</office:annotation>`, for ever if it never
    // comes.
    let xml = format!(
        r#"{ODS_HEAD}<table:table table:name="P"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>note</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    refused_as_never_closed("c.ods", &ods_content(&xml), "a cell comment");
}

#[test]
fn ods_comment_that_swallows_the_sheet_end_hang() {
    // The comment closes only after `</table:table>`, so calamine, skipping the comment and
    // then reading the cell's text, never sees the sheet end: a guard that merely balanced
    // tags would have let this through.
    let xml = format!(
        r#"{ODS_HEAD}<table:table table:name="P"><table:table-row><table:table-cell office:value-type="string"><office:annotation></table:table-cell></table:table-row></office:annotation></table:table></table:table-cell></table:table-row>"#
    );
    refused_as_never_closed("w.ods", &ods_content(&xml), "a sheet");
}

#[test]
fn fuzz_workbook_zip_header_row_of_9596_columns_timed_out() {
    // The fuzz input: one CSV row of 9,596 made-up headers. Header search walked the whole
    // row once for every synonym of every field, for every table kind and candidate row.
    let found = fixture("regressions/workbook_zip/header_row_of_9596_columns_timeout.csv");
    let e = load("wide.csv", &found).expect_err("no table in made-up headers");
    assert_eq!(e.diagnostics.len(), 1);
    assert_eq!(e.diagnostics[0].code, Code::NoTableRecognised);
    assert_eq!(e.diagnostics[0].file.as_deref(), Some("wide.csv"));
    // A real header far to the right of 20,000 other columns is still found, each field at
    // its leftmost column, and its rows are read.
    let junk: Vec<String> = (0..20_000).map(|i| format!("x{i}")).collect();
    let header = format!("{},child_id,date_of_birth,sex,child_id\n", junk.join(","));
    let blanks = ",".repeat(20_000);
    let csv = format!("{header}{blanks}C1,01/02/2015,F,C9\n{blanks}C2,03/04/2016,M,C9\n");
    let report = load("children.csv", csv.as_bytes()).expect("the children table is found");
    assert_eq!(report.input.rows_read, 2);
    assert_eq!(report.input.rows_used, 2);
    let ids: Vec<&str> = report.journeys.iter().map(|c| &*c.id).collect();
    assert_eq!(ids, ["C1", "C2"]);
}
