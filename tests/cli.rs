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
    let mut big = String::from("child_id,date_of_birth,sex\n");
    let mut n = 0;
    while big.len() <= 1024 * 1024 {
        n += 1;
        big.push_str(&format!("C{n:07},2015-01-01,F\n"));
    }
    let big_path = dir.join("children.csv");
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
    assert!(
        message.contains("children.csv: The file is 1 MB, more than the limit of 1 MB"),
        "{message}"
    );
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
    let summary = analyze_demo(&["--as-at", "2024-03-31", "--format", "summary"]);
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
        stderr(&output).contains("cannot write"),
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

#[test]
fn as_at_defaults_to_today() {
    let before = today();
    let output = analyze_demo(&[]);
    let after = today();
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let as_at = report["as_at"].as_str().expect("as_at");
    assert!(
        as_at == before || as_at == after,
        "{as_at} not in {before}..={after}"
    );
}

/// Today in UTC, computed independently of the command line's own code.
fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let seconds = i64::try_from(seconds).expect("a plausible time");
    let date = chrono::DateTime::from_timestamp(seconds, 0).expect("a timestamp");
    date.date_naive().to_string()
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
