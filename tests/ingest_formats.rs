//! Every input format and encoding loads the same invented cohort to identical journeys.
//! Fixtures are made by `tests/fixtures/make_fixtures.py`.

use chrono::NaiveDate;
use driftline::diagnostics::Code;
use driftline::{analyze, InputFile, Options, Report};
use std::path::Path;

const TABLES: [&str; 4] = ["children", "placements", "legal", "events"];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn fixture(path: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn load(files: &[(String, Vec<u8>)]) -> Report {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    analyze(&inputs, &Options::new(d(2024, 3, 31))).expect("the fixture loads")
}

fn load_csv_folder(folder: &str) -> Report {
    let files: Vec<(String, Vec<u8>)> = TABLES
        .iter()
        .map(|t| (format!("{t}.csv"), fixture(&format!("{folder}/{t}.csv"))))
        .collect();
    load(&files)
}

fn load_workbook(name: &str) -> Report {
    load(&[(name.to_string(), fixture(name))])
}

fn journeys_json(r: &Report) -> serde_json::Value {
    serde_json::to_value(&r.journeys).unwrap()
}

fn assert_complete(r: &Report, what: &str) {
    let i = &r.input;
    assert_eq!(i.rows_read, i.rows_used + i.rows_rejected, "{what}");
    assert_eq!(
        i.rows_read,
        3 + 6 + 5 + 12,
        "{what}: every fixture row is read"
    );
    assert_eq!(i.rows_rejected, 0, "{what}: {:?}", i.diagnostics);
}

#[test]
fn the_reference_csv_builds_the_expected_journeys() {
    let r = load_csv_folder("csv_utf8");
    assert_complete(&r, "csv_utf8");
    assert_eq!(
        (r.children, r.care_periods, r.placements, r.moves),
        (3, 4, 6, 2)
    );
    let c1 = &r.journeys[0];
    assert_eq!(&*c1.id, "C001");
    assert_eq!(c1.date_of_birth, Some(d(2019, 11, 2)));
    assert_eq!(
        c1.attributes.get("ethnicity").map(|v| &**v),
        Some("White Scottish")
    );
    let p = &c1.care_periods[0];
    assert_eq!(
        (p.start, p.end, p.moves, p.placements.len()),
        (d(2020, 3, 1), None, 2, 3)
    );
    assert_eq!(c1.legal.len(), 4);
    assert_eq!(p.events.len(), 8);
    // C002: a gap of four months between placements makes two care periods.
    let c2 = &r.journeys[1];
    assert_eq!(c2.care_periods.len(), 2);
    assert_eq!(c2.care_periods[0].end, Some(d(2018, 9, 30)));
    assert_eq!(c2.care_periods[1].start, d(2019, 2, 1));
    // C003 left care on 28/02/2021 (the last placement's end).
    let c3 = &r.journeys[2];
    assert_eq!(c3.care_periods[0].end, Some(d(2021, 2, 28)));
    assert_eq!(
        c3.care_periods[0].placements[0].carer.as_deref(),
        Some("Zoë O’Neill")
    );
    // The unknown event label is kept as a custom event and listed once.
    assert_eq!(r.input.unknown_labels.len(), 1);
    assert_eq!(r.input.unknown_labels[0].label, "Sibling born");
}

#[test]
fn every_format_and_encoding_gives_identical_journeys() {
    let reference = load_csv_folder("csv_utf8");
    let expected = journeys_json(&reference);
    let variants: Vec<(&str, Report)> = vec![
        ("journey.xlsx", load_workbook("journey.xlsx")),
        ("journey_1904.xlsx", load_workbook("journey_1904.xlsx")),
        ("journey.xls", load_workbook("journey.xls")),
        ("journey.ods", load_workbook("journey.ods")),
        ("csv_utf8_bom_crlf", load_csv_folder("csv_utf8_bom_crlf")),
        ("csv_utf16", load_csv_folder("csv_utf16")),
        (
            "csv_cp1252_semicolon",
            load_csv_folder("csv_cp1252_semicolon"),
        ),
        ("csv_iso_dates", load_csv_folder("csv_iso_dates")),
    ];
    for (name, report) in &variants {
        assert_complete(report, name);
        assert_eq!(journeys_json(report), expected, "{name}");
    }
}

#[test]
fn formats_and_encodings_are_detected_from_the_bytes() {
    let r = load(&[("no-extension".to_string(), fixture("journey.xlsx"))]);
    assert_eq!(r.input.files[0].format, "xlsx");
    let r = load(&[("data.csv".to_string(), fixture("journey.xls"))]);
    assert_eq!(r.input.files[0].format, "xls");
    let r = load(&[("x.xlsx".to_string(), fixture("journey.ods"))]);
    assert_eq!(r.input.files[0].format, "ods");
    let r = load_csv_folder("csv_cp1252_semicolon");
    let f = &r.input.files[1];
    assert_eq!(
        (f.encoding.as_deref(), f.delimiter.as_deref()),
        (Some("windows-1252"), Some(";"))
    );
    let r = load_csv_folder("csv_utf16");
    let f = &r.input.files[0];
    assert_eq!(
        (f.encoding.as_deref(), f.delimiter.as_deref()),
        (Some("utf-16le"), Some("tab"))
    );
}

#[test]
fn excel_1900_leap_year_bug_is_rejected_not_misread() {
    let r = load_workbook("leap_bug.xlsx");
    let i = &r.input;
    assert_eq!((i.rows_read, i.rows_used, i.rows_rejected), (4, 2, 2));
    let rejected: Vec<_> = i.diagnostics.iter().filter(|d| d.is_rejection()).collect();
    assert_eq!(rejected.len(), 2);
    for diag in rejected {
        assert_eq!(diag.code, Code::InvalidDate);
        assert!(diag.message.contains("1900"), "{}", diag.message);
        assert_eq!(diag.sheet.as_deref(), Some("Events"));
        assert_eq!(diag.column.as_deref(), Some("date"));
    }
    let dates: Vec<NaiveDate> = r.journeys[0].all_events().map(|e| e.date).collect();
    assert_eq!(dates, vec![d(1900, 2, 28), d(1900, 3, 1)]);
}

#[test]
fn report_style_workbooks_find_the_header_and_skip_other_sheets() {
    let r = load_workbook("report_style.xlsx");
    let tables = &r.input.tables;
    assert_eq!(tables.len(), 2, "{tables:?}");
    assert_eq!(
        (tables[0].sheet.as_deref(), tables[0].header_row),
        (Some("Report"), 4)
    );
    assert_eq!(tables[0].kind, "placements");
    assert_eq!(
        (tables[1].sheet.as_deref(), tables[1].kind.as_str()),
        (Some("Lookups"), "events")
    );
    let sheets = &r.input.files[0].sheets;
    assert!(sheets[2].hidden);
    assert!(sheets[1].table.is_none(), "the Notes sheet is not a table");
    let codes: Vec<Code> = r.input.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&Code::HiddenSheetRead), "{codes:?}");
    assert!(codes.contains(&Code::TableIgnored), "{codes:?}");
    // Text dates in a workbook are read like CSV dates, rows numbered as Excel shows them.
    let p = &r.journeys[0].care_periods[0].placements;
    assert_eq!((p[0].start, p[0].source.row), (d(2022, 2, 1), 5));
    assert_eq!((p[1].start, p[1].source.row), (d(2022, 5, 1), 6));
}

/// Each event row keeps its detail, and a detail that repeats is held once: the events of two
/// children and of one child's two periods point at one copy of "Interim CSO made", as their
/// labels point at one "Children's hearing" (a national extract repeats a dozen details on
/// hundreds of thousands of rows).
#[test]
fn repeated_event_details_are_read_as_written_and_held_once() {
    let files = [
        (
            "children.csv".to_string(),
            b"child_id,date_of_birth\nA1,01/01/2015\nB2,01/01/2016\n".to_vec(),
        ),
        (
            "placements.csv".to_string(),
            b"child_id,start_date,end_date,placement_type\n\
              A1,01/02/2020,01/03/2021,Foster care\n\
              A1,01/06/2022,,Foster care\n\
              B2,01/02/2020,,Kinship care\n"
                .to_vec(),
        ),
        (
            "events.csv".to_string(),
            b"child_id,date,event,detail\n\
              A1,10/02/2020,Children's hearing,Interim CSO made\n\
              A1,10/06/2022,Children's hearing,Interim CSO made\n\
              B2,11/02/2020,Children's hearing,Interim CSO made\n\
              B2,12/02/2020,LAC review,\n\
              B2,13/02/2020,Children's hearing,Interim  CSO made\n"
                .to_vec(),
        ),
    ];
    let r = load(&files);
    assert_eq!(
        r.input.rows_read, r.input.rows_used,
        "{:?}",
        r.input.diagnostics
    );
    let events: Vec<&driftline::model::Event> =
        r.journeys.iter().flat_map(|c| c.all_events()).collect();
    let read: Vec<(NaiveDate, &str, Option<&str>)> = events
        .iter()
        .map(|e| (e.date, &*e.label, e.detail.as_deref()))
        .collect();
    assert_eq!(
        read,
        [
            (
                d(2020, 2, 10),
                "Children's hearing",
                Some("Interim CSO made")
            ),
            (
                d(2022, 6, 10),
                "Children's hearing",
                Some("Interim CSO made")
            ),
            (
                d(2020, 2, 11),
                "Children's hearing",
                Some("Interim CSO made")
            ),
            (d(2020, 2, 12), "LAC review", None),
            (
                d(2020, 2, 13),
                "Children's hearing",
                Some("Interim  CSO made")
            ),
        ]
    );
    let detail = |i: usize| events[i].detail.as_ref().unwrap();
    for i in [1, 2] {
        assert!(
            std::sync::Arc::ptr_eq(detail(0), detail(i)),
            "event {i}'s detail is a copy"
        );
        assert!(std::sync::Arc::ptr_eq(&events[0].label, &events[i].label));
    }
    // A detail that differs (two spaces) is its own text.
    assert!(!std::sync::Arc::ptr_eq(detail(0), detail(4)));
}
