//! The command line says what it did with every file: a summary on standard error after each
//! command, exit code 2 when a file given was not used or nothing usable was read, 1 for
//! rejected rows under --strict, and the problems as CSV with --problems. Also the readable
//! `--format summary` and `--out` on `analyze` and `spc`.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn driftline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args(args)
        .output()
        .expect("run the driftline binary")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("outcome-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Four placement rows written by hand: row 3 has no child id and row 4 an impossible date,
/// so 2 of the 4 are used (children C1 and C3, one care period each).
const PLACEMENTS: &str = "child_id,start_date,end_date,placement_type\n\
C1,2020-01-01,,Foster care\n\
,2020-02-01,,Foster care\n\
C2,2020-02-30,,Foster care\n\
C3,2021-05-01,,Residential care\n";

fn placements(dir: &Path) -> String {
    let p = dir.join("placements.csv");
    std::fs::write(&p, PLACEMENTS).expect("write");
    path(&p)
}

/// A Word document: a zip holding `word/document.xml`.
fn word_document(dir: &Path) -> String {
    let p = dir.join("report.docx");
    let file = std::fs::File::create(&p).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).expect("zip");
    zip.write_all(b"<Types/>").expect("zip");
    zip.start_file("word/document.xml", options).expect("zip");
    zip.write_all(b"<w:document/>").expect("zip");
    zip.finish().expect("zip");
    path(&p)
}

#[test]
fn every_file_is_accounted_for_on_standard_error() {
    let dir = scratch("summary");
    let placements = placements(&dir);
    let output = driftline(&["analyze", &placements, "--as-at", "2021-12-31"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("driftline: placements.csv: placements, 4 rows: 2 used, 2 rejected"),
        "{said}"
    );
    assert!(
        said.contains("in all: 4 rows: 2 used, 2 rejected"),
        "{said}"
    );
    assert!(said.contains("--problems FILE lists them as CSV"), "{said}");
}

#[test]
fn a_word_document_is_named_not_dropped_and_the_exit_code_is_2() {
    let dir = scratch("docx");
    let placements = placements(&dir);
    let docx = word_document(&dir);
    let output = driftline(&[
        "analyze",
        &placements,
        &docx,
        "--as-at",
        "2021-12-31",
        "--format",
        "csv",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("report.docx: NOT USED: This is a Word document"),
        "{said}"
    );
    assert!(
        said.contains(
            "report.docx not used, so the output is of the other files only: exit code 2"
        ),
        "{said}"
    );
    // The other file's output is still written: C1 and C3, each in the three stages that
    // start on entering care (first review, permanence recommendation, time to permanence).
    let csv = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(csv.lines().count(), 1 + 2 * 3, "{csv}");
}

#[test]
fn a_file_over_the_size_limit_is_refused_and_the_others_read() {
    let dir = scratch("too-large");
    let placements = placements(&dir);
    let mut events = String::from("child_id,date,event\n");
    while events.len() <= 1024 * 1024 {
        events.push_str("C1,2020-01-01,Became looked after\n");
    }
    let events_path = dir.join("events.csv");
    std::fs::write(&events_path, events).expect("write");
    let output = driftline(&[
        "analyze",
        &placements,
        &path(&events_path),
        "--as-at",
        "2021-12-31",
        "--max-file-mb",
        "1",
        "--format",
        "summary",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("events.csv: NOT USED: The file is 1 MB, more than the limit of 1 MB"),
        "{said}"
    );
    assert!(said.contains("--max-file-mb changes the limit"), "{said}");
    assert!(said.contains("exit code 2"), "{said}");
    // The summary of the file that was read.
    let summary = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(summary.contains("2 children · 2 care periods"), "{summary}");
}

#[test]
fn nothing_usable_exits_2_and_writes_nothing() {
    let dir = scratch("nothing");
    // The empty template workbook.
    let template = path(&dir.join("template.xlsx"));
    assert!(driftline(&["template", "--out", &template])
        .status
        .success());
    // A CSV with a header row and no data.
    let header_only = dir.join("children.csv");
    std::fs::write(&header_only, "child_id,date_of_birth,sex\n").expect("write");
    for (file, said) in [
        (
            template.clone(),
            "driftline: template.xlsx: The children table (sheet Children) has a header row but no rows of data under it.",
        ),
        (
            path(&header_only),
            "driftline: children.csv: The children table has a header row but no rows of data under it.",
        ),
    ] {
        let output = driftline(&["analyze", &file, "--as-at", "2024-03-31"]);
        assert_eq!(output.status.code(), Some(2), "{file}: {}", stderr(&output));
        assert!(output.stdout.is_empty(), "{file}");
        let err = stderr(&output);
        assert!(err.starts_with("driftline: nothing usable could be read:\n"), "{err}");
        assert!(err.contains(said), "{err}");
    }
    // Every row rejected: nothing usable either, and the problems say why.
    let rejected = dir.join("placements.csv");
    std::fs::write(
        &rejected,
        "child_id,start_date,placement_type\n,2020-01-01,Foster care\nC2,2020-02-30,Foster care\n",
    )
    .expect("write");
    let problems = dir.join("problems.csv");
    let output = driftline(&[
        "analyze",
        &path(&rejected),
        "--as-at",
        "2024-03-31",
        "--problems",
        &path(&problems),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let err = stderr(&output);
    assert!(
        err.contains("placements.csv: placements, 2 rows: 0 used, 2 rejected"),
        "{err}"
    );
    assert!(
        err.contains("nothing usable was read: every one of the 2 rows was rejected"),
        "{err}"
    );
    let listed = std::fs::read_to_string(&problems).expect("the problems");
    assert_eq!(listed.lines().count(), 3, "{listed}");
}

/// Children and events without placements: no care period, so every stage is empty. The
/// report is still written (the page shows the same), and standard error says why in capitals.
#[test]
fn journeys_without_placements_are_not_an_empty_success_without_a_word() {
    let dir = scratch("no-placements");
    let children = dir.join("children.csv");
    std::fs::write(&children, "child_id,date_of_birth\nC1,2015-01-01\n").expect("write");
    let events = dir.join("events.csv");
    std::fs::write(&events, "child_id,date,event\nC1,2020-01-01,LAC review\n").expect("write");
    let output = driftline(&[
        "analyze",
        &path(&children),
        &path(&events),
        "--as-at",
        "2021-12-31",
        "--format",
        "csv",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let csv = String::from_utf8_lossy(&output.stdout);
    assert_eq!(csv.lines().count(), 1, "a header only: {csv}");
    let said = stderr(&output);
    assert!(
        said.contains("NO JOURNEYS: no child has a care period, because no placements were given (tables read: children, events), so every stage is empty"),
        "{said}"
    );
    assert!(said.contains("give the placements table"), "{said}");
}

#[test]
fn strict_turns_rejected_rows_into_exit_code_1() {
    let dir = scratch("strict");
    let placements = placements(&dir);
    let output = driftline(&["analyze", &placements, "--as-at", "2021-12-31", "--strict"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!output.stdout.is_empty(), "the report is still written");
    assert!(
        stderr(&output).contains("2 rows were rejected and --strict was given: exit code 1"),
        "{}",
        stderr(&output)
    );
    // Clean input under --strict exits 0.
    let clean = dir.join("clean.csv");
    std::fs::write(
        &clean,
        "child_id,start_date,placement_type\nC1,2020-01-01,Foster care\n",
    )
    .expect("write");
    let output = driftline(&[
        "analyze",
        &path(&clean),
        "--as-at",
        "2021-12-31",
        "--strict",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn problems_are_written_as_csv() {
    let dir = scratch("problems");
    let placements = placements(&dir);
    let problems = dir.join("problems.csv");
    let output = driftline(&[
        "analyze",
        &placements,
        "--as-at",
        "2021-12-31",
        "--problems",
        &path(&problems),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("(2 problems written to"),
        "{}",
        stderr(&output)
    );
    let bytes = std::fs::read(&problems).expect("the problems file");
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "a byte-order mark"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        ["severity", "code", "file", "sheet", "row", "column", "child_id", "message"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a record").iter().map(String::from).collect())
        .collect();
    let located: Vec<[&str; 5]> = rows
        .iter()
        .map(|r| [&*r[0], &*r[1], &*r[2], &*r[4], &*r[5]])
        .collect();
    assert_eq!(
        located,
        [
            [
                "rejected",
                "missing_value",
                "placements.csv",
                "3",
                "child_id"
            ],
            [
                "rejected",
                "invalid_date",
                "placements.csv",
                "4",
                "start_date"
            ],
        ]
    );
    assert!(
        rows[1][7].contains("February 2020 has 29 days"),
        "{:?}",
        rows[1]
    );
    // The file is created new, like every output.
    let again = driftline(&[
        "analyze",
        &placements,
        "--as-at",
        "2021-12-31",
        "--problems",
        &path(&problems),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

/// The summary's stage lines for the four hand-written rows as at 31 December 2021: C1 (in
/// care from 1 January 2020) and C3 (from 1 May 2021) have started every stage that starts on
/// entering care and completed none; both are beyond 6 weeks and 6 months.
#[test]
fn the_summary_is_a_table_to_read() {
    let dir = scratch("table");
    let placements = placements(&dir);
    let output = driftline(&[
        "analyze",
        &placements,
        "--as-at",
        "2021-12-31",
        "--format",
        "summary",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(!text.trim_start().starts_with('{'), "not JSON: {text}");
    assert!(text.starts_with("Driftline summary as at 2021-12-31 · timescales: Scotland (PACE)\n"));
    assert!(text.contains("2 children · 2 care periods · 2 placements · 0 moves · 0 events"));
    assert!(text.contains("Rows: 4 read, 2 used, 2 rejected"));
    let cells = |label: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no line for {label}: {text}"));
        line[label.len()..]
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    // Target, started, completed, not ended, median days, within target, overdue.
    assert_eq!(
        cells("Became looked after to first LAC review"),
        ["6 weeks", "2", "0", "2", "–", "0", "2"]
    );
    assert_eq!(
        cells("Became looked after to permanence recommendation"),
        ["6 months", "2", "0", "2", "–", "0", "2"]
    );
    assert_eq!(
        cells("Time to permanence"),
        ["none", "2", "0", "2", "–", "–", "–"]
    );
}

#[test]
fn the_demo_summary_is_short_and_split_by_a_breakdown() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/demo");
    let files: Vec<String> = ["children.csv", "placements.csv", "legal.csv", "events.csv"]
        .iter()
        .map(|f| path(&demo.join(f)))
        .collect();
    let mut args: Vec<&str> = vec!["analyze"];
    args.extend(files.iter().map(String::as_str));
    args.extend([
        "--as-at",
        "2024-03-31",
        "--format",
        "summary",
        "--breakdown",
        "age_at_entry",
    ]);
    let output = driftline(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(text.len() < 10_000, "{} bytes", text.len());
    assert!(text.contains("Each stage split by age at entry"), "{text}");
    // Under each of the 7 stages, the groups of the breakdown.
    assert_eq!(text.matches("\n  Under 1 ").count(), 7, "{text}");
}

#[test]
fn analyze_and_spc_write_their_output_with_out() {
    let dir = scratch("out");
    let placements = placements(&dir);
    let printed = driftline(&[
        "analyze",
        &placements,
        "--as-at",
        "2021-12-31",
        "--format",
        "csv",
    ]);
    let out = dir.join("stages.csv");
    let written = driftline(&[
        "analyze",
        &placements,
        "--as-at",
        "2021-12-31",
        "--format",
        "csv",
        "--out",
        &path(&out),
    ]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(written.stdout.is_empty());
    assert_eq!(std::fs::read(&out).expect("written"), printed.stdout);
    // The extension must be the format's, and the file is not replaced without --force.
    let wrong = driftline(&[
        "analyze",
        &placements,
        "--format",
        "csv",
        "--out",
        &path(&dir.join("stages.json")),
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("must end in .csv"),
        "{}",
        stderr(&wrong)
    );
    let again = driftline(&[
        "analyze",
        &placements,
        "--format",
        "csv",
        "--out",
        &path(&out),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );

    // spc: a measure by hand, 1..=12 on the first of each month of 2024.
    let waits = dir.join("waits.csv");
    let mut text = String::from("date,days\n");
    for m in 1..=12 {
        text.push_str(&format!("2024-{m:02}-01,{m}\n"));
    }
    std::fs::write(&waits, text).expect("write");
    let chart = dir.join("chart.json");
    let spc = driftline(&["spc", &path(&waits), "--out", &path(&chart)]);
    assert_eq!(spc.status.code(), Some(0), "{}", stderr(&spc));
    assert!(spc.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&chart).expect("written")).expect("JSON");
    assert_eq!(json["points"].as_array().map(Vec::len), Some(12));
    assert!(
        stderr(&spc)
            .contains("waits.csv: the column \"days\" dated by \"date\", 12 rows, all used"),
        "{}",
        stderr(&spc)
    );
}

/// A measure with 5 good rows and 13 whose value is not a number: the first 10 bad rows are
/// named, the other 3 counted, all 13 are in --problems, and --strict exits 1.
#[test]
fn spc_names_the_first_rows_left_out_and_counts_the_rest() {
    let dir = scratch("spc-rows");
    let waits = dir.join("waits.csv");
    let mut text = String::from("date,days\n");
    for m in 1..=5 {
        text.push_str(&format!("2024-{m:02}-01,{m}\n"));
    }
    for d in 1..=13 {
        text.push_str(&format!("2024-07-{d:02},not known\n"));
    }
    std::fs::write(&waits, text).expect("write");
    let problems = dir.join("problems.csv");
    let output = driftline(&[
        "spc",
        &path(&waits),
        "--column",
        "days",
        "--date-column",
        "date",
        "--chart",
        "run",
        "--strict",
        "--problems",
        &path(&problems),
    ]);
    let said = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert_eq!(said.matches("(row left out)").count(), 10, "{said}");
    assert!(said.contains("waits.csv: 3 more rows left out"), "{said}");
    assert!(said.contains("18 rows: 5 used, 13 rejected"), "{said}");
    let listed = std::fs::read_to_string(&problems).expect("problems");
    assert_eq!(listed.lines().count(), 1 + 13, "{listed}");
}
