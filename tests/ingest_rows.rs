//! Row-level behaviour of the loader on small hand-written CSV tables: which rows are used,
//! which are rejected and why, header and label variants, user mappings, and whole-file
//! problems. Each case states its input inline.

use chrono::NaiveDate;
use driftline::diagnostics::{Code, Diagnostic, Severity};
use driftline::model::{LegalCategory, Milestone, PlacementCategory};
use driftline::{analyze, InputFile, Mapping, Options, Report};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn run(files: &[(&str, &str)]) -> Report {
    run_with(files, None)
}

fn run_with(files: &[(&str, &str)], mapping: Option<Mapping>) -> Report {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, text)| InputFile {
            name,
            bytes: text.as_bytes(),
        })
        .collect();
    let mut options = Options::new(d(2024, 3, 31));
    options.mapping = mapping;
    let r = analyze(&inputs, &options).expect("loads");
    let i = &r.input;
    assert_eq!(
        i.rows_read,
        i.rows_used + i.rows_rejected,
        "counting invariant"
    );
    r
}

fn rejections(r: &Report) -> Vec<&Diagnostic> {
    r.input
        .diagnostics
        .iter()
        .filter(|d| d.is_rejection())
        .collect()
}

fn codes(r: &Report, severity: Severity) -> Vec<Code> {
    r.input
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| d.code)
        .collect()
}

const PLACEMENTS: &str = "child_id,start_date,end_date,placement_type\n";

#[test]
fn each_rejection_code_names_file_row_column_and_reason() {
    // (row text, code, column, words the message must contain)
    let cases: [(&str, Code, &str, &str); 9] = [
        (
            ",01/01/2020,,Foster",
            Code::MissingValue,
            "child_id",
            "which child",
        ),
        ("C1,,,Foster", Code::MissingValue, "start_date", "start"),
        (
            "C1,01/01/2020,,",
            Code::MissingValue,
            "placement_type",
            "type",
        ),
        (
            "C1,31/02/2021,,Foster",
            Code::InvalidDate,
            "start_date",
            "February 2021 has 28 days",
        ),
        (
            "C1,29/02/2023,,Foster",
            Code::InvalidDate,
            "start_date",
            "28 days",
        ),
        (
            "C1,soon,,Foster",
            Code::InvalidDate,
            "start_date",
            "not a date",
        ),
        (
            "C1,01/01/2020,next week,Foster",
            Code::InvalidDate,
            "end_date",
            "not a date",
        ),
        (
            "C1,04/13/2021,,Foster",
            Code::MonthFirstDate,
            "start_date",
            "month-first",
        ),
        (
            "C1,01/01/2020,-5,Foster",
            Code::InvalidDate,
            "end_date",
            "not a date",
        ),
    ];
    for (row, code, column, words) in cases {
        let text = format!("{PLACEMENTS}C0,01/01/2019,,Foster\n{row}\n");
        let r = run(&[("p.csv", &text)]);
        assert_eq!((r.input.rows_read, r.input.rows_rejected), (2, 1), "{row}");
        let rej = rejections(&r);
        let diag = rej[0];
        assert_eq!(diag.code, code, "{row}");
        assert_eq!(diag.file.as_deref(), Some("p.csv"));
        assert_eq!(diag.row, Some(3), "{row}: the row number Excel shows");
        assert_eq!(diag.column.as_deref(), Some(column), "{row}");
        assert!(diag.message.contains(words), "{row}: {}", diag.message);
    }
}

#[test]
fn rejections_in_other_tables() {
    let r = run(&[
        (
            "e.csv",
            "child_id,date,event\nC1,,LAC review\nC1,01/02/2020,\nC1,01/02/2020,LAC review\n",
        ),
        (
            "l.csv",
            "child_id,start_date,legal_status\nC1,01/02/2020,\nC1,01/02/2020,CSO\n",
        ),
        (
            "p.csv",
            "child_id,start_date,placement_type\nC1,01/01/2020,Foster\n",
        ),
    ]);
    let rej: Vec<(Option<&str>, Option<u32>, Option<&str>)> = rejections(&r)
        .iter()
        .map(|d| (d.file.as_deref(), d.row, d.column.as_deref()))
        .collect();
    assert_eq!(
        rej,
        vec![
            (Some("e.csv"), Some(2), Some("date")),
            (Some("e.csv"), Some(3), Some("event")),
            (Some("l.csv"), Some(2), Some("legal_status")),
        ]
    );
    assert_eq!((r.input.rows_read, r.input.rows_used), (6, 3));
}

#[test]
fn a_month_first_column_is_reported_once_and_never_swapped() {
    let r = run(&[(
        "p.csv",
        &format!(
            "{PLACEMENTS}C1,03/25/2021,,Foster\nC1,04/13/2021,,Foster\nC2,04/03/2021,,Foster\n"
        ),
    )]);
    assert_eq!(r.input.rows_rejected, 2);
    let column_notes: Vec<_> = r
        .input
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MonthFirstColumn)
        .collect();
    assert_eq!(column_notes.len(), 1);
    assert!(
        column_notes[0].message.starts_with("2 date(s)"),
        "{}",
        column_notes[0].message
    );
    // The ambiguous date is read day-first.
    assert_eq!(r.children, 1);
    assert_eq!(&*r.journeys[0].id, "C2");
    assert_eq!(r.journeys[0].care_periods[0].start, d(2021, 3, 4));
}

#[test]
fn blank_rows_are_not_rows() {
    let r = run(&[(
        "p.csv",
        &format!("{PLACEMENTS}C1,01/01/2020,,Foster\n,,,\n\n  ,\t, ,\nC1,02/01/2020,,Foster\n"),
    )]);
    assert_eq!((r.input.rows_read, r.input.rows_used), (2, 2));
    // Row numbers count blank lines, as Excel would show them.
    let p = &r.journeys[0].care_periods[0].placements;
    assert_eq!(p[1].source.row, 6);
}

#[test]
fn header_variants_are_recognised() {
    let headers = [
        "Child ID,Start Date,End Date,Placement Type",
        "CHILD_ID,START_DATE,END_DATE,PLACEMENT_TYPE",
        "child id,placement start,placement end,type of placement",
        "Child Ref.,Date started,Date ended,Placement",
        "ID,From,To,Setting",
        "Person ID,Date placed,Date ceased,Placement category",
        "child_id*,start_date*,end_date,placement_type*",
    ];
    for h in headers {
        let r = run(&[("p.csv", &format!("{h}\nC1,01/01/2020,05/01/2020,Foster\n"))]);
        assert_eq!(r.input.tables[0].kind, "placements", "{h}");
        assert_eq!(r.placements, 1, "{h}");
        assert_eq!(
            r.journeys[0].care_periods[0].end,
            Some(d(2020, 1, 5)),
            "{h}"
        );
    }
    let events = [
        "Child ID,Event date,Event type,Notes",
        "ref,when,milestone,comments",
        "Child,Date,Event,Detail",
    ];
    for h in events {
        let r = run(&[("e.csv", &format!("{h}\nC1,01/01/2020,LAC review,x\n"))]);
        assert_eq!(r.input.tables[0].kind, "events", "{h}");
        assert_eq!(r.events, 1, "{h}");
    }
    let children = [
        "Child ID,DOB,Gender",
        "child_id,date of birth,sex,LA,Team",
        "Child Ref,Birth date,Local authority",
    ];
    for h in children {
        let r = run(&[("c.csv", &format!("{h}\nC1,01/01/2020,F,x,y\n"))]);
        assert_eq!(r.input.tables[0].kind, "children", "{h}");
    }
}

#[test]
fn date_forms_in_text() {
    let forms = [
        "04/03/2021",
        "4/3/2021",
        "4/3/21",
        "2021-03-04",
        "4 Mar 2021",
        "04-Mar-2021",
        "4 March 2021",
        "04.03.2021",
        "2021-03-04 00:00:00",
        "04/03/2021 09:30",
        "44259",
    ];
    for f in forms {
        let r = run(&[("p.csv", &format!("{PLACEMENTS}C1,{f},,Foster\n"))]);
        assert_eq!(r.input.rows_rejected, 0, "{f}");
        assert_eq!(r.journeys[0].care_periods[0].start, d(2021, 3, 4), "{f}");
    }
}

#[test]
fn placement_and_event_labels_map_to_categories_and_milestones() {
    let r = run(&[
        (
            "p.csv",
            &format!(
                "{PLACEMENTS}A,01/01/2020,01/02/2020,Kinship care\nA,01/02/2020,01/03/2020,Foster care\nA,01/03/2020,01/04/2020,Residential\nA,01/04/2020,01/05/2020,Prospective adopters\nA,01/05/2020,01/06/2020,Home with parents\nA,01/06/2020,01/07/2020,U1\nA,01/07/2020,01/08/2020,K1\nA,01/08/2020,,Treehouse\n"
            ),
        ),
        ("e.csv", "child_id,date,event\nA,02/01/2020,Looked after review\nA,03/01/2020,Adoption and permanence panel\nA,04/01/2020,Agency decision maker\nA,05/01/2020,Petition lodged\nA,06/01/2020,Sibling born\n"),
    ]);
    use PlacementCategory::*;
    let cats: Vec<PlacementCategory> = r.journeys[0].care_periods[0]
        .placements
        .iter()
        .map(|p| p.category)
        .collect();
    assert_eq!(
        cats,
        vec![
            Kinship,
            Foster,
            Residential,
            ProspectiveAdopters,
            HomeWithParents,
            Kinship,
            Secure,
            Other
        ]
    );
    let ms: Vec<Milestone> = r.journeys[0].all_events().map(|e| e.milestone).collect();
    use Milestone::*;
    assert_eq!(
        ms,
        vec![LacReview, Panel, AdmDecision, ApplicationLodged, Custom]
    );
    let unknown: Vec<(&str, &str)> = r
        .input
        .unknown_labels
        .iter()
        .map(|u| (u.field.as_str(), u.label.as_str()))
        .collect();
    assert_eq!(
        unknown,
        vec![("event", "Sibling born"), ("placement_type", "Treehouse")]
    );
}

#[test]
fn legal_status_comes_from_placements_when_there_is_no_legal_table() {
    let r = run(&[(
        "p.csv",
        "child_id,start_date,end_date,placement_type,legal_status\nC1,01/01/2020,01/02/2020,Foster,Voluntary (s25)\nC1,01/02/2020,01/03/2020,Kinship,Voluntary (s25)\nC1,01/03/2020,,Kinship,CSO\n",
    )]);
    let legal = &r.journeys[0].legal;
    assert_eq!(legal.len(), 2);
    assert_eq!(
        (legal[0].category, legal[0].start, legal[0].end),
        (LegalCategory::Voluntary, d(2020, 1, 1), Some(d(2020, 3, 1)))
    );
    assert_eq!(
        (legal[1].category, legal[1].end),
        (LegalCategory::Compulsory, None)
    );
}

#[test]
fn a_mapping_overrides_header_row_kind_columns_and_labels() {
    let text = "Moves export\nref,in,out,kind,who\nC1,01/01/2020,01/02/2020,Gran's house,Gran\nC1,01/02/2020,,Big house,Unit 3\n";
    // Automatic recognition cannot read this table ("in", "out", "kind", "who").
    let inputs = [InputFile {
        name: "moves.csv",
        bytes: text.as_bytes(),
    }];
    let err = analyze(&inputs, &Options::new(d(2024, 3, 31))).unwrap_err();
    assert_eq!(err.diagnostics[0].code, Code::NoTableRecognised);
    let mapping = Mapping::from_json(
        r#"{ "tables": [ { "file": "moves.csv", "kind": "placements", "header_row": 2,
             "columns": { "child_id": "ref", "start_date": "in", "end_date": "C", "placement_type": "kind", "carer": "who" } } ],
             "labels": { "placement_type": { "gran's house": "kinship", "Big house": "residential" } } }"#,
    )
    .unwrap();
    let r = run_with(&[("moves.csv", text)], Some(mapping));
    assert_eq!(r.input.tables[0].header_row, 2);
    let p = &r.journeys[0].care_periods[0].placements;
    assert_eq!(
        (p[0].category, p[0].end),
        (PlacementCategory::Kinship, Some(d(2020, 2, 1)))
    );
    assert_eq!(
        (p[1].category, p[1].carer.as_deref()),
        (PlacementCategory::Residential, Some("Unit 3"))
    );
    assert!(r.input.unknown_labels.is_empty());
}

#[test]
fn a_mapping_can_ignore_a_table() {
    let mapping = Mapping::from_json(r#"{"tables":[{"file":"old.csv","kind":"ignore"}]}"#).unwrap();
    let r = run_with(
        &[
            ("old.csv", &format!("{PLACEMENTS}C9,01/01/2020,,Foster\n")),
            ("new.csv", &format!("{PLACEMENTS}C1,01/01/2020,,Foster\n")),
        ],
        Some(mapping),
    );
    assert_eq!(r.children, 1);
    assert_eq!(&*r.journeys[0].id, "C1");
}

#[test]
fn data_quality_checks_are_warnings_not_rejections() {
    let r = run(&[
        ("c.csv", "child_id,date_of_birth\nA,01/06/2020\nB,01/01/2019\nB,01/01/2019\nD,31/31/2020\n"),
        (
            "p.csv",
            &format!("{PLACEMENTS}A,01/01/2021,01/12/2020,Foster\nA,01/02/2021,01/05/2021,Foster\nA,01/04/2021,,Kinship\nA,01/04/2021,,Kinship\nE,01/05/2024,,Foster\n"),
        ),
        ("e.csv", "child_id,date,event\nA,01/01/2020,LAC review\nB,01/02/2020,LAC review\nA,01/05/2025,Panel\n"),
    ]);
    assert_eq!(r.input.rows_rejected, 0, "{:?}", rejections(&r));
    let mut warned = codes(&r, Severity::Warning);
    warned.sort();
    warned.dedup();
    assert_eq!(
        warned,
        vec![
            Code::InvalidDate,
            Code::EndBeforeStart,
            Code::OverlappingPlacements,
            Code::EventBeforeBirth,
            Code::EventsWithoutPlacements,
            Code::DuplicateRow,
            Code::FutureDate,
        ]
    );
    // The unreadable date of birth keeps the child, without a date of birth.
    let child_d = r.journeys.iter().find(|c| &*c.id == "D").unwrap();
    assert_eq!(child_d.date_of_birth, None);
    // The duplicate placement is counted once; the placement that ended before it started
    // lasts one day, so the next one (a month later) starts a new care period.
    let a = &r.journeys[0];
    let spans: Vec<(NaiveDate, Option<NaiveDate>)> = a
        .care_periods
        .iter()
        .flat_map(|p| &p.placements)
        .map(|p| (p.start, p.end))
        .collect();
    assert_eq!(
        spans,
        vec![
            (d(2021, 1, 1), Some(d(2021, 1, 1))),
            (d(2021, 2, 1), Some(d(2021, 5, 1))),
            (d(2021, 4, 1), None)
        ]
    );
    assert_eq!(a.care_periods.len(), 2);
}

#[test]
fn care_periods_follow_the_one_day_rule_and_explicit_events() {
    let r = run(&[
        (
            "p.csv",
            &format!("{PLACEMENTS}A,01/01/2020,10/01/2020,Foster\nA,11/01/2020,20/01/2020,Foster\nA,22/01/2020,30/01/2020,Kinship\nA,01/03/2020,,Foster\n"),
        ),
        ("e.csv", "child_id,date,event\nA,25/12/2019,Became looked after\nA,15/02/2020,LAC review\nA,01/02/2020,Left care\n"),
    ]);
    let periods = &r.journeys[0].care_periods;
    // 10/01 → 11/01 is "no later than one day after": same period; 20/01 → 22/01 is not.
    assert_eq!(periods.len(), 3);
    assert_eq!(
        (periods[0].start, periods[0].end, periods[0].moves),
        (d(2019, 12, 25), Some(d(2020, 1, 20)), 1)
    );
    // The left-care event after the last placement's end sets the period's end.
    assert_eq!(
        (periods[1].start, periods[1].end),
        (d(2020, 1, 22), Some(d(2020, 2, 1)))
    );
    assert_eq!(periods[2].end, None);
    // The review on 15/02 falls between periods.
    assert_eq!(r.journeys[0].events_outside_care.len(), 1);
    assert!(codes(&r, Severity::Info).contains(&Code::EventOutsideCare));
}

#[test]
fn whole_file_problems_give_one_clear_message() {
    let zip_not_workbook: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    let cases: [(&str, &[u8], Code, &str); 6] = [
        ("empty.csv", b"", Code::EmptyFile, "empty"),
        ("blank.csv", b"  \n\n", Code::EmptyFile, "empty"),
        (
            "random.bin",
            &[
                0u8, 1, 2, 3, 0xff, 0xfe, 7, 8, 0, 0, 0, 9, 0x10, 0x11, 0x12, 0x13,
            ],
            Code::NotASpreadsheet,
            "binary",
        ),
        (
            "legacy.xls",
            b"<html><body><table><tr><td>child_id</td></tr></table></body></html>",
            Code::NotASpreadsheet,
            "web page",
        ),
        (
            "archive.zip",
            zip_not_workbook,
            Code::NotASpreadsheet,
            "zip archive",
        ),
        (
            "cut.xlsx",
            b"PK\x03\x04\x14\0\0\0\x08\0",
            Code::CorruptWorkbook,
            "damaged",
        ),
    ];
    for (name, bytes, code, words) in cases {
        let err = analyze(&[InputFile { name, bytes }], &Options::new(d(2024, 3, 31))).unwrap_err();
        assert_eq!(err.diagnostics.len(), 1, "{name}");
        let diag = &err.diagnostics[0];
        assert_eq!(
            (diag.code, diag.file.as_deref()),
            (code, Some(name)),
            "{name}"
        );
        assert!(diag.message.contains(words), "{name}: {}", diag.message);
        // With a good file beside it, the load goes ahead and the bad file is reported.
        let good = format!("{PLACEMENTS}C1,01/01/2020,,Foster\n");
        let r = analyze(
            &[
                InputFile { name, bytes },
                InputFile {
                    name: "good.csv",
                    bytes: good.as_bytes(),
                },
            ],
            &Options::new(d(2024, 3, 31)),
        )
        .expect("the good file loads");
        assert_eq!(r.placements, 1);
        assert!(r
            .input
            .diagnostics
            .iter()
            .any(|d| d.code == code && d.severity == Severity::Fatal));
    }
}

proptest! {
    /// Whatever the rows hold, every non-blank data row is either used or rejected.
    #[test]
    fn every_row_is_used_or_rejected(rows in proptest::collection::vec(
        (
            prop_oneof!["C[0-9]", Just(String::new()), "[ a-z,\"]{0,4}"],
            prop_oneof!["(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/20[0-2][0-9]", "[0-9/]{0,10}", Just(String::new())],
            prop_oneof![Just(String::new()), "(0[1-9]|[12][0-9])/(0[1-9]|1[0-2])/202[0-4]", "[a-z]{0,3}"],
            prop_oneof!["Foster|Kinship|Residential|U[1-6]", "[A-Za-z ]{0,8}"],
        ),
        0..40,
    )) {
        let mut text = String::from(PLACEMENTS);
        let mut non_blank = 0u64;
        for (id, start, end, ptype) in &rows {
            let cells = [id, start, end, ptype].map(|c| format!("\"{}\"", c.replace('"', "\"\"")));
            if [id, start, end, ptype].iter().any(|c| !c.trim().is_empty()) {
                non_blank += 1;
            }
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        let inputs = [InputFile { name: "p.csv", bytes: text.as_bytes() }];
        let result = analyze(&inputs, &Options::new(d(2024, 3, 31)));
        if non_blank == 0 {
            // A header without a row of data is nothing usable, said as such.
            let err = result.expect_err("no data rows");
            prop_assert!(err.diagnostics.iter().any(|d| d.code == Code::NoDataRows));
            return Ok(());
        }
        let r = result.expect("the header is always recognised");
        let i = &r.input;
        prop_assert_eq!(i.rows_read, non_blank);
        prop_assert_eq!(i.rows_read, i.rows_used + i.rows_rejected);
        prop_assert_eq!(i.rows_rejected as usize, rejections(&r).len());
        let placements_in_model: usize = r.journeys.iter().flat_map(|c| &c.care_periods).map(|p| p.placements.len()).sum();
        let duplicates = i.diagnostics.iter().filter(|d| d.code == Code::DuplicateRow).count();
        prop_assert_eq!(placements_in_model + duplicates, i.rows_used as usize);
    }
}
