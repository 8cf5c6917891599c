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
        .join("tests/fixtures/hand_counted")
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
    // Without --profile the command line lets the data choose the timescales.
    let options = Options {
        profile_from_data: true,
        ..Options::new(date)
    };
    driftline::analyze(&inputs, &options)
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
fn a_mapping_file_is_applied() {
    let path = scratch("mapping").join("mapping.json");
    std::fs::write(
        &path,
        r#"{ "labels": { "event": { "Sibling contact review": "lac_review" } } }"#,
    )
    .expect("write");
    let without = analyze_demo(&["--as-at", "2025-03-31"]);
    let with = analyze_demo(&[
        "--as-at",
        "2025-03-31",
        "--mapping",
        &path.to_string_lossy(),
    ]);
    assert!(with.status.success(), "{}", stderr(&with));
    let unknown = |output: &Output| {
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        report["input"]["unknown_labels"].as_array().map(Vec::len)
    };
    assert_eq!(unknown(&without), Some(1));
    assert_eq!(unknown(&with), Some(0));
}

#[test]
fn analyze_prints_the_librarys_answer() {
    let output = analyze_demo(&["--as-at", "2025-03-31"]);
    assert_library_answer(&output, "2025-03-31");
}

fn library_report(as_at: &str, profile: driftline::stats::Profile) -> driftline::Report {
    let bytes: Vec<(&str, Vec<u8>)> = DEMO
        .iter()
        .map(|name| (*name, std::fs::read(demo_path(name)).expect("demo file")))
        .collect();
    let inputs: Vec<InputFile<'_>> = bytes
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let mut options =
        Options::new(chrono::NaiveDate::parse_from_str(as_at, "%Y-%m-%d").expect("a date"));
    options.profile = profile;
    driftline::analyze(&inputs, &options).expect("the demo loads")
}

#[test]
fn csv_is_the_librarys_per_child_stage_table() {
    let output = analyze_demo(&["--as-at", "2025-03-31", "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = library_report("2025-03-31", driftline::stats::Profile::default());
    let mut expected = Vec::new();
    report
        .write_stage_csv(&mut expected, &driftline::stats::TableOptions::default())
        .expect("write");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&expected)
    );
    // One row per child, care period and started stage, under a header row.
    let started: u64 = report
        .stages
        .iter()
        .map(|s| u64::from(s.stats.started))
        .sum();
    let rows = csv::Reader::from_reader(output.stdout.as_slice())
        .records()
        .count() as u64;
    assert_eq!(rows, started);
}

#[test]
fn profiles_by_name_and_by_file() {
    let england = analyze_demo(&["--as-at", "2025-03-31", "--profile", "england"]);
    assert!(england.status.success(), "{}", stderr(&england));
    let printed: serde_json::Value = serde_json::from_slice(&england.stdout).expect("JSON");
    let expected = serde_json::to_value(library_report(
        "2025-03-31",
        driftline::stats::Profile::england(),
    ))
    .expect("json");
    assert_eq!(printed, expected);
    let ids: Vec<&str> = printed["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert!(ids.contains(&"a2"), "{ids:?}");
    // A profile file with one stage.
    let path = scratch("profile").join("profile.json");
    std::fs::write(
        &path,
        r#"{ "id": "review_only", "label": "Review only", "stages": [ { "id": "first_review", "label": "To first review", "from": "became_looked_after", "to": "lac_review", "target": "6 weeks" } ] }"#,
    )
    .expect("write");
    let custom = analyze_demo(&[
        "--as-at",
        "2025-03-31",
        "--profile",
        &path.to_string_lossy(),
    ]);
    assert!(custom.status.success(), "{}", stderr(&custom));
    let printed: serde_json::Value = serde_json::from_slice(&custom.stdout).expect("JSON");
    assert_eq!(printed["stages"].as_array().map(Vec::len), Some(1));
    // Neither a built-in name nor a readable file.
    let bad = analyze_demo(&["--as-at", "2025-03-31", "--profile", "wales"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("not a built-in profile"),
        "{}",
        stderr(&bad)
    );
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
            &["analyze", &children, "--profile", "no-such-profile"],
            "not a built-in profile",
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
fn resource_limits_can_be_set_and_each_refuses_with_its_own_message() {
    let dir = scratch("limits");
    // A CSV just over 1 MiB: refused under --max-file-mb 1, read under the default.
    let mut big = String::from("child_id,start_date,placement_type\n");
    let mut n = 0;
    while big.len() <= 1024 * 1024 {
        n += 1;
        big.push_str(&format!("C{n:07},2015-01-01,Foster care\n"));
    }
    let big_path = dir.join("placements.csv");
    std::fs::write(&big_path, &big).expect("write");
    let big_path = big_path.to_string_lossy().into_owned();
    let refused = driftline(&[
        "analyze",
        &big_path,
        "--as-at",
        "2024-03-31",
        "--max-file-mb",
        "1",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    // Refused from its size on disk, before a byte is read.
    assert!(
        message.contains("placements.csv: The file is 1 MB, more than the limit of 1 MB"),
        "{message}"
    );
    assert!(message.contains("Nothing was read"), "{message}");
    assert!(message.contains("--max-file-mb"), "{message}");
    let read = driftline(&["analyze", &big_path, "--as-at", "2024-03-31"]);
    assert_eq!(read.status.code(), Some(0), "{}", stderr(&read));
    let report: serde_json::Value = serde_json::from_slice(&read.stdout).expect("json");
    assert_eq!(report["input"]["rows_read"], n);

    // A workbook with more cells than --max-cells allows.
    let workbook = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/journey.xlsx")
        .to_string_lossy()
        .into_owned();
    let refused = driftline(&[
        "analyze",
        &workbook,
        "--as-at",
        "2024-03-31",
        "--max-cells",
        "10",
    ]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("cells"), "{}", stderr(&refused));
    let read = driftline(&["analyze", &workbook, "--as-at", "2024-03-31"]);
    assert_eq!(read.status.code(), Some(0), "{}", stderr(&read));
    // Zero is not a limit.
    let zero = driftline(&["analyze", &big_path, "--max-file-mb", "0"]);
    assert_eq!(zero.status.code(), Some(2));
    assert!(stderr(&zero).contains("--max-file-mb"), "{}", stderr(&zero));
}

#[test]
fn summary_is_the_report_without_its_journeys() {
    let full = analyze_demo(&["--as-at", "2024-03-31", "--format", "json"]);
    let summary = analyze_demo(&["--as-at", "2024-03-31", "--format", "json-summary"]);
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    assert_eq!(summary.status.code(), Some(0), "{}", stderr(&summary));
    let mut full: serde_json::Value = serde_json::from_slice(&full.stdout).expect("json");
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).expect("json");
    let journeys = full
        .as_object_mut()
        .and_then(|o| o.remove("journeys"))
        .expect("the full report has journeys");
    assert!(!journeys.as_array().expect("a list").is_empty());
    assert_eq!(summary, full);
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
        stderr(&output).contains("no/such/folder does not exist; create it first"),
        "{}",
        stderr(&output)
    );
}

/// The demo dataset's figures, counted by hand from `tests/fixtures/hand_counted/*.csv`.
#[test]
fn demo_dataset_reads_as_counted_by_hand() {
    let output = analyze_demo(&["--as-at", "2025-03-31"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let input = &report["input"];
    // 10 children, 21 placements, 21 legal spells and 52 events: 104 data rows, of which one
    // placement (DL008's, ending on 31/02/2024) is rejected.
    assert_eq!(input["rows_read"], 104);
    assert_eq!(input["rows_used"], 103);
    assert_eq!(input["rows_rejected"], 1);
    assert_eq!(input["files"].as_array().map(Vec::len), Some(4));
    assert_eq!(input["tables"].as_array().map(Vec::len), Some(4));
    assert_eq!(report["children"], 10);
    // DL010 leaves care on 05/01/2024 and returns on 14/03/2024: two care periods.
    assert_eq!(report["care_periods"], 11);
    assert_eq!(report["placements"], 20);
    assert_eq!(report["events"], 52);
    // Moves: DL001 1, DL002 2, DL003 1, DL005 2, DL007 2, DL010 1 (first period).
    assert_eq!(report["moves"], 9);
    let rejected: Vec<&serde_json::Value> = input["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "rejected")
        .collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["file"], "placements.csv");
    assert_eq!(rejected[0]["row"], 17);
    assert_eq!(rejected[0]["column"], "end_date");
    assert_eq!(rejected[0]["code"], "invalid_date");
    let unknown = input["unknown_labels"].as_array().expect("unknown labels");
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["label"], "Sibling contact review");
}

/// Without --as-at, the report is as at the day the extract was taken, as near as the data
/// can tell: the latest date in the files that is not after today. Here the rows' dates are
///   placements: 03/01/2022–14/07/2023, 15/07/2023– (open)   → latest 15/07/2023
///   events:     20/06/2023 review, 01/01/2099 (a typing error) → 2099 is after today, ignored
/// and the dates of birth (which are no evidence of an extract's date) are earlier anyway.
/// So the report is as at 2023-07-15, and says why, on standard error and in the JSON.
#[test]
fn as_at_defaults_to_the_latest_date_in_the_files() {
    let dir = scratch("as_at_default");
    let children = dir.join("children.csv");
    let placements = dir.join("placements.csv");
    let events = dir.join("events.csv");
    std::fs::write(&children, "child_id,date_of_birth\nA1,02/02/2015\n").unwrap();
    std::fs::write(
        &placements,
        "child_id,start_date,end_date,placement_type\n\
         A1,03/01/2022,14/07/2023,Foster care\n\
         A1,15/07/2023,,Kinship care\n",
    )
    .unwrap();
    std::fs::write(
        &events,
        "child_id,date,event\nA1,20/06/2023,LAC review\nA1,01/01/2099,LAC review\n",
    )
    .unwrap();
    let files: Vec<String> = [&children, &placements, &events]
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["analyze"];
    args.extend(files.iter().map(String::as_str));
    let output = driftline(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["as_at"], "2023-07-15");
    assert_eq!(report["as_at_basis"], "latest_date_in_data");
    assert!(
        stderr(&output).contains("as at 2023-07-15, the latest date in your files"),
        "{}",
        stderr(&output)
    );
    // Given, the date is used as it is and needs no reason.
    args.extend(["--as-at", "2024-01-31"]);
    let output = driftline(&args);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["as_at"], "2024-01-31");
    assert!(report.get("as_at_basis").is_none());
    assert!(!stderr(&output).contains("as at"), "{}", stderr(&output));
}

/// One list of labels on the template's "Read me" sheet: each label in column B with the
/// other accepted spellings, comma-separated, in column D.
fn read_me_labels(title: &str) -> Vec<(String, Vec<String>)> {
    let out = scratch(&format!("read_me_{}", title.len())).join("template.xlsx");
    let output = driftline(&["template", "--out", &out.to_string_lossy()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bytes = std::fs::read(&out).expect("the workbook");
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx");
    let range = workbook
        .worksheet_range("Read me")
        .expect("the read-me sheet");
    let cell = |row: &[calamine::Data], col: usize| row.get(col).map(|c| c.to_string());
    let mut rows = range
        .rows()
        .skip_while(|row| cell(row, 0).as_deref() != Some(title));
    assert!(rows.next().is_some(), "the read-me has a {title} list");
    rows.map_while(|row| {
        let label = cell(row, 1).filter(|label| !label.is_empty())?;
        let also = cell(row, 3)
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        Some((label, also))
    })
    .collect()
}

/// Every label and alternative the template's "Read me" promises is recognised as the
/// category or milestone whose label it is listed under.
#[test]
fn read_me_labels_are_all_recognised() {
    use driftline::model::{LegalCategory, Milestone, PlacementCategory};
    let placements = read_me_labels("Placement types (placement_type)");
    let legal = read_me_labels("Legal statuses (legal_status)");
    let events = read_me_labels("Events (event)");
    assert_eq!(placements.len(), PlacementCategory::ALL.len());
    assert_eq!(legal.len(), LegalCategory::ALL.len());
    assert_eq!(events.len(), Milestone::ALL.len() - 1);

    let expand = |lists: &[(String, Vec<String>)], id: &dyn Fn(&str) -> &'static str| {
        let mut all = Vec::new();
        for (label, also) in lists {
            let expected = id(label);
            all.push((label.clone(), expected));
            all.extend(also.iter().map(|a| (a.clone(), expected)));
        }
        all
    };
    let placement_id = |label: &str| {
        PlacementCategory::ALL
            .iter()
            .find(|c| c.label() == label)
            .expect("a category")
            .id()
    };
    let legal_id = |label: &str| {
        LegalCategory::ALL
            .iter()
            .find(|c| c.label() == label)
            .expect("a category")
            .id()
    };
    let event_id = |label: &str| {
        Milestone::ALL
            .iter()
            .find(|m| m.label() == label)
            .expect("a milestone")
            .id()
    };
    let placements = expand(&placements, &placement_id);
    let legal = expand(&legal, &legal_id);
    let events = expand(&events, &event_id);

    // One child per placement label; child P0 also carries every legal status and event, on
    // consecutive days so that their order is known.
    let dir = scratch("read_me_labels");
    let day = |n: usize| {
        let date = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date")
            + chrono::Days::new(n as u64);
        date.format("%d/%m/%Y").to_string()
    };
    let mut placement_csv = String::from("child_id,start_date,placement_type\n");
    for (i, (label, _)) in placements.iter().enumerate() {
        placement_csv += &format!("P{i},01/01/2020,\"{label}\"\n");
    }
    let mut legal_csv = String::from("child_id,start_date,end_date,legal_status\n");
    for (i, (label, _)) in legal.iter().enumerate() {
        legal_csv += &format!("P0,{},{},\"{label}\"\n", day(i), day(i));
    }
    let mut events_csv = String::from("child_id,date,event\n");
    for (i, (label, _)) in events.iter().enumerate() {
        events_csv += &format!("P0,{},\"{label}\"\n", day(i));
    }
    let mut paths = Vec::new();
    for (name, text) in [
        ("placements.csv", placement_csv),
        ("legal.csv", legal_csv),
        ("events.csv", events_csv),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        paths.push(path.to_string_lossy().into_owned());
    }
    let mut args = vec!["analyze", "--as-at", "2030-01-01"];
    args.extend(paths.iter().map(String::as_str));
    let output = driftline(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["input"]["unknown_labels"], serde_json::json!([]));
    assert_eq!(report["input"]["rows_rejected"], 0);

    let journeys = report["journeys"].as_array().expect("journeys");
    for (i, (label, expected)) in placements.iter().enumerate() {
        let child = journeys
            .iter()
            .find(|c| c["child_id"] == format!("P{i}"))
            .expect("the child");
        let category = &child["care_periods"][0]["placements"][0]["category"];
        assert_eq!(category, expected, "placement type {label:?}");
    }
    let p0 = journeys.iter().find(|c| c["child_id"] == "P0").expect("P0");
    let spells = p0["legal"].as_array().expect("legal spells");
    assert_eq!(spells.len(), legal.len());
    for ((label, expected), spell) in legal.iter().zip(spells) {
        assert_eq!(&spell["category"], expected, "legal status {label:?}");
    }
    let found: Vec<&serde_json::Value> = p0["care_periods"][0]["events"]
        .as_array()
        .expect("events")
        .iter()
        .collect();
    assert_eq!(found.len(), events.len());
    for ((label, expected), event) in events.iter().zip(found) {
        assert_eq!(&event["milestone"], expected, "event {label:?}");
    }
}

/// The command line never destroys a user's file: `generate` into a folder of real exports,
/// `chart --out` naming one of its own inputs, and `template --out` over a CSV are refused
/// with exit code 2 and the files are left byte for byte as they were.
#[test]
fn outputs_never_replace_the_users_files() {
    let dir = scratch("never_overwrite");
    let children = dir.join("children.csv");
    let real = "child_id,date_of_birth\nREAL-1,01/02/2015\n";
    std::fs::write(&children, real).unwrap();
    let dir_arg = dir.to_string_lossy().into_owned();
    let generated = driftline(&[
        "generate",
        "--children",
        "5",
        "--as-at",
        "2024-03-31",
        "--out",
        &dir_arg,
    ]);
    assert_eq!(generated.status.code(), Some(2), "{}", stderr(&generated));
    assert!(
        stderr(&generated).contains("already holds children.csv"),
        "{}",
        stderr(&generated)
    );
    assert_eq!(std::fs::read_to_string(&children).unwrap(), real);
    assert!(!dir.join("placements.csv").exists(), "nothing is written");

    let placements = dir.join("placements.csv");
    let rows = "child_id,start_date,end_date,placement_type\nREAL-1,01/03/2020,,Foster care\n";
    std::fs::write(&placements, rows).unwrap();
    let p = placements.to_string_lossy().into_owned();
    let c = children.to_string_lossy().into_owned();
    let chart = driftline(&["chart", &c, &p, "--kind", "cohort", "--out", &p, "--force"]);
    assert_eq!(chart.status.code(), Some(2), "{}", stderr(&chart));
    assert!(
        stderr(&chart).contains("is one of the files being read"),
        "{}",
        stderr(&chart)
    );
    assert_eq!(std::fs::read_to_string(&placements).unwrap(), rows);

    let template = driftline(&["template", "--out", &c]);
    assert_eq!(template.status.code(), Some(2));
    assert!(
        stderr(&template).contains("must end in .xlsx"),
        "{}",
        stderr(&template)
    );
    assert_eq!(std::fs::read_to_string(&children).unwrap(), real);

    // --force replaces what the command itself writes, in a folder of its own.
    let fresh = dir.join("cohort");
    let fresh_arg = fresh.to_string_lossy().into_owned();
    let args = [
        "generate",
        "--children",
        "5",
        "--as-at",
        "2024-03-31",
        "--out",
        &fresh_arg,
    ];
    assert_eq!(driftline(&args).status.code(), Some(0));
    assert_eq!(driftline(&args).status.code(), Some(2));
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(driftline(&forced).status.code(), Some(0));
}

#[test]
fn the_adoption_scorecard_is_in_the_england_report_with_its_window() {
    let as_at = "2025-03-31";
    let chosen = analyze_demo(&[
        "--as-at",
        as_at,
        "--profile",
        "england",
        "--scorecard-from",
        "2024-04-01",
        "--format",
        "json-summary",
    ]);
    assert!(chosen.status.success(), "{}", stderr(&chosen));
    let printed: serde_json::Value = serde_json::from_slice(&chosen.stdout).expect("JSON");
    let scorecard = &printed["adoption_scorecard"];
    assert_eq!(scorecard["window_from"], "2024-04-01");
    assert_eq!(scorecard["window_to"], as_at);
    // The same as the library's answer with that window.
    let bytes: Vec<(&str, Vec<u8>)> = DEMO
        .iter()
        .map(|name| (*name, std::fs::read(demo_path(name)).expect("demo file")))
        .collect();
    let inputs: Vec<InputFile<'_>> = bytes
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let mut options =
        Options::new(chrono::NaiveDate::parse_from_str(as_at, "%Y-%m-%d").expect("a date"));
    options.profile = driftline::stats::Profile::england();
    options.scorecard_from = chrono::NaiveDate::from_ymd_opt(2024, 4, 1);
    let report = driftline::analyze(&inputs, &options).expect("the demo loads");
    let expected = serde_json::to_value(report.summary()).expect("json");
    assert_eq!(printed, expected);
    // Which is which: each measure names its censored (waiting) view among the stages.
    assert_eq!(scorecard["a1"]["censored_view"], "a1");
    // By default the window is the three years to "as at": 1 April 2022 to 31 March 2025.
    let default = analyze_demo(&[
        "--as-at",
        as_at,
        "--profile",
        "england",
        "--format",
        "json-summary",
    ]);
    let printed: serde_json::Value = serde_json::from_slice(&default.stdout).expect("JSON");
    assert_eq!(printed["adoption_scorecard"]["window_from"], "2022-04-01");
    // Scotland's profile has no scorecard, and the field is left out.
    let scotland = analyze_demo(&["--as-at", as_at, "--format", "json-summary"]);
    let printed: serde_json::Value = serde_json::from_slice(&scotland.stdout).expect("JSON");
    assert!(printed.get("adoption_scorecard").is_none());
    // A window starting after "as at" is refused.
    let bad = analyze_demo(&["--as-at", as_at, "--scorecard-from", "2025-04-01"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--scorecard-from"),
        "{}",
        stderr(&bad)
    );
}

/// The timescales follow the data unless --profile says otherwise: an SSDA903 return is
/// England's collection, so England's timescales; the demo's template tables, Scotland's. A
/// return also says which days it covers: the validator's fake return is the year 1 April 2017
/// to 31 March 2018 (its episodes end in that year but for a stray one dated 1 April 2018), so
/// without --as-at it is as at 31 March 2018, not the stray date.
#[test]
fn the_profile_and_the_date_follow_the_data() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ssda903-returns/whole-return");
    let header = dir.join("header.csv").to_string_lossy().into_owned();
    let episodes = dir.join("episodes.csv").to_string_lossy().into_owned();
    let output = driftline(&["analyze", &header, &episodes, "--format", "json-summary"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["profile"]["id"], "england");
    assert_eq!(report["profile_basis"], "ssda903_input");
    assert_eq!(report["as_at"], "2018-03-31");
    assert_eq!(report["as_at_basis"], "end_of_data");
    let said = stderr(&output);
    assert!(
        said.contains("because your files are an SSDA903 return"),
        "{said}"
    );
    assert!(
        said.contains("as at 2018-03-31, the last day your returns cover"),
        "{said}"
    );

    let chosen = driftline(&[
        "analyze",
        &header,
        &episodes,
        "--format",
        "json-summary",
        "--profile",
        "scotland",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&chosen.stdout).expect("JSON");
    assert_eq!(report["profile"]["id"], "scotland");
    assert!(report.get("profile_basis").is_none());

    let demo = analyze_demo(&["--format", "json-summary", "--as-at", "2024-03-31"]);
    let report: serde_json::Value = serde_json::from_slice(&demo.stdout).expect("JSON");
    assert_eq!(report["profile"]["id"], "scotland");
    assert_eq!(report["profile_basis"], "other_input");
}

#[test]
fn breakdown_bases_the_forecasts_on_groups() {
    let output = analyze_demo(&["--as-at", "2024-03-31", "--breakdown", "age_at_entry"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let bytes: Vec<(&str, Vec<u8>)> = DEMO
        .iter()
        .map(|name| (*name, std::fs::read(demo_path(name)).expect("demo file")))
        .collect();
    let inputs: Vec<InputFile<'_>> = bytes
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let mut options = Options::new(chrono::NaiveDate::from_ymd_opt(2024, 3, 31).expect("date"));
    options.profile_from_data = true;
    options.breakdown = Some("age_at_entry".into());
    let report = driftline::analyze(&inputs, &options).expect("the demo loads");
    assert_eq!(printed, serde_json::to_value(&report).expect("serialise"));
    // Every waiting row names its basis: a group of the breakdown, or the cohort with a note
    // saying which group was too small.
    let forecasts: Vec<&serde_json::Value> = printed["journeys"]
        .as_array()
        .expect("journeys")
        .iter()
        .flat_map(|j| j["stages"].as_array().expect("stages"))
        .map(|r| &r["forecast"])
        .filter(|f| !f.is_null())
        .collect();
    assert!(!forecasts.is_empty());
    assert!(forecasts.iter().all(|f| {
        let basis = f["basis"].as_str().unwrap_or("");
        let note = f["note"].as_str().unwrap_or("");
        basis.starts_with("age_at_entry:")
            || note.starts_with("The group age_at_entry: ")
            || note.starts_with("No forecast")
    }));

    let unknown = analyze_demo(&["--as-at", "2024-03-31", "--breakdown", "shoe_size"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("--breakdown shoe_size: no such breakdown"),
        "{}",
        stderr(&unknown)
    );
}

/// A profile with too many stages is refused at once, in words, before any file is analysed
/// (20,000 stages took the page's worker to 2 GB).
#[test]
fn a_profile_of_twenty_thousand_stages_is_refused_quickly() {
    let dir = scratch("huge_profile");
    let stages = |n: usize| {
        let list: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"s{i}","label":"","from":"became_looked_after","to":"left_care"}}"#
                )
            })
            .collect();
        format!(
            r#"{{"id":"big","label":"Big","stages":[{}]}}"#,
            list.join(",")
        )
    };
    for (n, expected) in [
        (20_000, "a profile or mapping is at most 1024 kB"),
        (
            101,
            "The profile has 101 stages; a profile has at most 100 (each is measured for every child).",
        ),
    ] {
        let path = dir.join(format!("stages-{n}.json"));
        std::fs::write(&path, stages(n)).expect("write");
        let started = std::time::Instant::now();
        let out = analyze_demo(&["--as-at", "2025-03-31", "--profile", &path.to_string_lossy()]);
        let took = started.elapsed();
        assert_eq!(out.status.code(), Some(2), "{n} stages");
        assert!(stderr(&out).contains(expected), "{n} stages: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(took < std::time::Duration::from_secs(5), "{n} stages took {took:?}");
    }
}
