//! Tests of the `driftline` command line, run as a separate process: exit codes, messages,
//! and that its output is exactly the library's answer for the same files.
#![cfg(not(target_arch = "wasm32"))]

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use driftline::{InputFile, Options};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DEMO: [&str; 4] = ["children.csv", "placements.csv", "legal.csv", "events.csv"];

fn driftline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args(args)
        .output()
        .expect("run the driftline binary")
}

fn demo_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("www/demo")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A scratch directory for one test, emptied first.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// What the library answers for the demo files: the report as JSON, or the error's text.
fn library_answer(as_at: &str) -> Result<serde_json::Value, String> {
    let bytes: Vec<(&str, Vec<u8>)> = DEMO
        .iter()
        .map(|name| (*name, std::fs::read(demo_path(name)).expect("demo file")))
        .collect();
    let inputs: Vec<InputFile<'_>> = bytes
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let date = chrono::NaiveDate::parse_from_str(as_at, "%Y-%m-%d").expect("a date");
    driftline::analyze(&inputs, &Options::new(date))
        .map(|report| serde_json::to_value(report).expect("serialise"))
        .map_err(|err| err.to_string())
}

fn analyze_demo(extra: &[&str]) -> Output {
    let paths: Vec<String> = DEMO.iter().map(|name| demo_path(name)).collect();
    let mut args = vec!["analyze"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(extra);
    driftline(&args)
}

/// Asserts that the command's output is the library's answer for the demo files.
fn assert_library_answer(output: &Output, as_at: &str) {
    match library_answer(as_at) {
        Ok(expected) => {
            assert!(output.status.success(), "{}", stderr(output));
            let printed: serde_json::Value =
                serde_json::from_slice(&output.stdout).expect("JSON on stdout");
            assert_eq!(printed, expected);
        }
        Err(expected) => {
            assert_eq!(output.status.code(), Some(2));
            assert!(output.stdout.is_empty());
            let err = stderr(output);
            let mut printed = err.lines();
            assert_eq!(
                printed.next(),
                Some("driftline: nothing usable could be read:")
            );
            let expected: Vec<String> = expected
                .lines()
                .map(|l| format!("driftline: {l}"))
                .collect();
            assert_eq!(printed.collect::<Vec<_>>(), expected);
        }
    }
}

#[test]
fn analyze_prints_the_librarys_answer() {
    let output = analyze_demo(&["--as-at", "2025-03-31"]);
    assert_library_answer(&output, "2025-03-31");
}

#[test]
fn csv_has_one_row_per_placement_of_the_report() {
    let output = analyze_demo(&["--as-at", "2025-03-31", "--format", "csv"]);
    match library_answer("2025-03-31") {
        Ok(report) => {
            assert!(output.status.success(), "{}", stderr(&output));
            let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
            let headers = reader.headers().expect("a header row").clone();
            assert_eq!(&headers[0], "child_id");
            assert_eq!(&headers[4], "placement_start");
            let rows: Vec<(String, String)> = reader
                .records()
                .map(|row| {
                    let row = row.expect("a CSV row");
                    (row[0].to_string(), row[4].to_string())
                })
                .collect();
            let mut expected = Vec::new();
            for child in report["journeys"].as_array().expect("journeys") {
                for period in child["care_periods"].as_array().expect("care periods") {
                    for placement in period["placements"].as_array().expect("placements") {
                        expected.push((
                            child["child_id"].as_str().expect("id").to_string(),
                            placement["start"].as_str().expect("start").to_string(),
                        ));
                    }
                }
            }
            assert_eq!(rows, expected);
        }
        Err(_) => assert_eq!(output.status.code(), Some(2)),
    }
}

#[test]
fn usage_and_input_errors_exit_2_with_a_message() {
    let dir = scratch("usage_errors");
    let bad_mapping = dir.join("mapping.json");
    std::fs::write(&bad_mapping, "{ not json").expect("write");
    let bad_mapping = bad_mapping.to_string_lossy().into_owned();
    let missing = dir.join("missing.csv").to_string_lossy().into_owned();
    let children = demo_path("children.csv");
    let cases: [(&[&str], &str); 8] = [
        (&["analyze"], "required"),
        (&["analyze", &children, "--bogus"], "--bogus"),
        (&["analyse", &children], "unrecognized subcommand"),
        (&["analyze", &missing], "cannot read"),
        (
            &["analyze", &children, "--as-at", "31/03/2025"],
            "YYYY-MM-DD",
        ),
        (&["analyze", &children, "--format", "xml"], "xml"),
        (
            &["analyze", &children, "--profile", "scotland"],
            "profiles are not supported",
        ),
        (
            &["analyze", &children, "--mapping", &bad_mapping],
            "not a valid Driftline mapping",
        ),
    ];
    for (args, expected) in cases {
        let output = driftline(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let message = stderr(&output);
        assert!(message.contains(expected), "{args:?}: {message}");
        assert!(!message.contains("panicked"), "{args:?}: {message}");
    }
}

#[test]
fn help_and_version_succeed() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["analyze", "--help"],
        &["template", "--help"],
    ] {
        let output = driftline(args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert!(!output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn template_writes_the_four_tables_and_a_read_me() {
    let out = scratch("template").join("template.xlsx");
    let output = driftline(&["template", "--out", &out.to_string_lossy()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bytes = std::fs::read(&out).expect("the workbook was written");
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a valid xlsx");
    assert_eq!(
        workbook.sheet_names(),
        ["Read me", "Children", "Placements", "Legal", "Events"]
    );
    let expected: [(&str, &[&str]); 4] = [
        (
            "Children",
            &[
                "child_id",
                "date_of_birth",
                "sex",
                "local_authority",
                "team",
            ],
        ),
        (
            "Placements",
            &[
                "child_id",
                "start_date",
                "end_date",
                "placement_type",
                "carer",
                "legal_status",
            ],
        ),
        (
            "Legal",
            &["child_id", "start_date", "end_date", "legal_status"],
        ),
        ("Events", &["child_id", "date", "event", "detail"]),
    ];
    for (sheet, headers) in expected {
        let range = workbook.worksheet_range(sheet).expect("the sheet");
        let first_row: Vec<String> = range
            .rows()
            .next()
            .expect("a header row")
            .iter()
            .map(|cell| cell.to_string())
            .collect();
        assert_eq!(first_row, headers, "{sheet}");
        assert_eq!(range.height(), 1, "{sheet} holds no data rows");
    }
    let read_me = workbook
        .worksheet_range("Read me")
        .expect("the read-me sheet");
    let text: Vec<String> = read_me
        .cells()
        .map(|(_, _, cell)| cell.to_string())
        .collect();
    for column in ["child_id", "placement_type", "legal_status", "event"] {
        assert!(
            text.iter().any(|cell| cell == column),
            "{column} is explained"
        );
    }
    assert!(text.iter().any(|cell| cell == "Required"));
    assert!(text.iter().any(|cell| cell == "Kinship care"));
    assert!(text.iter().any(|cell| cell == "LAC review"));
}

#[test]
fn template_to_an_unwritable_path_exits_2() {
    let out = scratch("template_unwritable").join("no/such/folder/template.xlsx");
    let output = driftline(&["template", "--out", &out.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot write"),
        "{}",
        stderr(&output)
    );
}
