//! Every CSV file the command line writes, read back as Excel would: a strict CSV reader (the
//! `csv` crate, every record as wide as the header), a UTF-8 byte-order mark, ISO dates in
//! every date column, plain numbers in every number column (negative ones included, never
//! `'-3`), nothing but the table in the file (no `#` note lines), and no cell a spreadsheet
//! would run as a formula.
#![cfg(not(target_arch = "wasm32"))]

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

/// The demo files, with text that looks like formulas and numbers in the children's table: a
/// team `=1+2`, a local authority `@North` and an extra column holding `-3 days` and `+44`.
fn files(dir: &Path) -> Vec<String> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/demo");
    let mut out = Vec::new();
    for name in ["children.csv", "placements.csv", "legal.csv", "events.csv"] {
        let mut text = std::fs::read_to_string(demo.join(name)).expect("demo file");
        if name == "children.csv" {
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            lines[0].push_str(",note");
            for (i, line) in lines.iter_mut().enumerate().skip(1) {
                line.push_str(match i % 3 {
                    0 => ",-3 days",
                    1 => ",+44",
                    _ => ",",
                });
            }
            lines[1] = lines[1].replace(",South,", ",\"=1+2\",");
            lines[2] = lines[2].replace("Benholm", "@North");
            text = lines.join("\n") + "\n";
        }
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        out.push(path.to_string_lossy().into_owned());
    }
    out
}

/// A chart to write: its kind, its flags, its date columns and its number columns.
type ChartCase = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// What one CSV file must hold.
struct Expect {
    file: PathBuf,
    dates: &'static [&'static str],
    numbers: &'static [&'static str],
}

fn is_iso_date(cell: &str) -> bool {
    let b = cell.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_ok()
}

fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && cell.parse::<f64>().is_ok()
}

/// Reads `expect.file` strictly and checks every cell; returns the data rows.
fn check(expect: &Expect) -> Vec<Vec<String>> {
    let name = expect.file.display().to_string();
    let bytes = std::fs::read(&expect.file).unwrap_or_else(|_| panic!("{name} written"));
    check_bytes(&name, &bytes, expect.dates, expect.numbers)
}

/// Reads a CSV document strictly and checks every cell; returns the data rows.
fn check_bytes(name: &str, bytes: &[u8], dates: &[&str], numbers: &[&str]) -> Vec<Vec<String>> {
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or_else(|| panic!("{name}: no byte-order mark"));
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .iter()
        .map(String::from)
        .collect();
    for column in dates.iter().chain(numbers) {
        assert!(
            header.iter().any(|h| h == column),
            "{name}: no {column} in {header:?}"
        );
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.unwrap_or_else(|e| panic!("{name}: record {i}: {e}"));
        let cells: Vec<String> = record.iter().map(String::from).collect();
        assert!(
            !cells[0].starts_with('#'),
            "{name}: a note line in the data: {cells:?}"
        );
        for (column, cell) in header.iter().zip(&cells) {
            if cell.is_empty() {
                continue;
            }
            let at = format!("{name}, row {}, {column}: {cell:?}", i + 2);
            if dates.contains(&column.as_str()) {
                assert!(is_iso_date(cell), "{at} is not an ISO date");
            }
            if numbers.contains(&column.as_str()) {
                assert!(is_plain_number(cell), "{at} is not a plain number");
            }
            // Nothing a spreadsheet would run: a cell starting like a formula is a number.
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                assert!(is_plain_number(cell), "{at} could run as a formula");
            }
        }
        rows.push(cells);
    }
    assert!(!rows.is_empty(), "{name}: no rows");
    rows
}

#[test]
fn every_csv_the_command_line_writes_reads_back_as_excel_would() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-csv");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    let inputs = files(&dir);
    let input_args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let out = |name: &str| dir.join(name);
    let run = |extra: &[&str]| {
        let mut args = vec![extra[0]];
        args.extend(&input_args);
        args.extend(["--as-at", "2024-03-31"]);
        args.extend(&extra[1..]);
        let output = driftline(&args);
        assert!(
            output.status.code() == Some(0),
            "{extra:?}: {}",
            stderr(&output)
        );
    };

    let stages = out("stages.csv");
    let problems = out("problems.csv");
    run(&[
        "analyze",
        "--format",
        "csv",
        "--out",
        &stages.to_string_lossy(),
        "--problems",
        &problems.to_string_lossy(),
    ]);
    let mut expectations = vec![
        Expect {
            file: stages.clone(),
            dates: &[
                "care_period_start",
                "care_period_end",
                "start",
                "end",
                "target_date",
            ],
            numbers: &[
                "care_period",
                "days",
                "age_at_start_years",
                "year_of_entry",
                "moves",
                "placements_last_12_months",
            ],
        },
        Expect {
            file: problems,
            dates: &[],
            numbers: &["row"],
        },
    ];
    // Each chart: its kind, its flags, its date columns and its number columns.
    let charts: [ChartCase; 9] = [
        ("timeline", &["--child", "C0000001"], &["date"], &[]),
        (
            "cohort",
            &[],
            &["entered_care"],
            &[
                "row",
                "moves",
                "days",
                "days_beyond_target",
                "stages_overdue",
            ],
        ),
        (
            "delay",
            &["--breakdown", "age_at_entry"],
            &[],
            &[
                "started",
                "completed",
                "not_ended",
                "median_days",
                "q1_days",
                "q3_days",
                "min_days",
                "max_days",
                "target_days",
                "within_target",
                "within_target_pct",
                "waiting_overdue",
            ],
        ),
        (
            "km",
            &[],
            &[],
            &[
                "days",
                "still_waiting_pct",
                "lower_95_pct",
                "upper_95_pct",
                "at_risk",
                "ended",
                "censored",
            ],
        ),
        (
            "histogram",
            &[],
            &[],
            &["days_from", "days_to", "completed", "still_waiting"],
        ),
        (
            "run",
            &["--aggregate", "month"],
            &["date", "period_end"],
            &["value", "centre", "segment", "n"],
        ),
        (
            "xmr",
            &[],
            &["date"],
            &["value", "centre", "lower", "upper", "segment"],
        ),
        (
            "decomposition",
            &["--breakdown", "sex"],
            &[],
            &[
                "journeys",
                "median_days",
                "mean_days",
                "days_over_target",
                "children_over_target",
            ],
        ),
        (
            "cohort",
            &["--pseudonymise", "--stage", "first_review"],
            &["entered_care"],
            &["row", "days"],
        ),
    ];
    for (i, (kind, extra, dates, numbers)) in charts.iter().enumerate() {
        let file = out(&format!("{i}-{kind}.csv"));
        let mut args = vec!["chart", "--kind", kind, "--out"];
        let shown = file.to_string_lossy().into_owned();
        args.push(&shown);
        args.extend(*extra);
        run(&args);
        expectations.push(Expect {
            file,
            dates,
            numbers,
        });
    }
    let mut all = Vec::new();
    for expect in &expectations {
        all.push(check(expect));
    }

    // Negative numbers stay numbers: the XmR chart's lower limit is below zero.
    let xmr = &all[2 + 6];
    assert!(
        xmr.iter().any(|r| r[3].starts_with('-')),
        "a negative lower limit: {:?}",
        &xmr[..2]
    );
    // Text that could be a formula is inert: the team "=1+2" and the note "-3 days" and
    // "+44", and the local authority "@North", are each written after a quote.
    let stage_rows = &all[0];
    let cells: Vec<&str> = stage_rows.iter().flatten().map(String::as_str).collect();
    for inert in ["'=1+2", "'-3 days", "'+44", "'@North"] {
        assert!(cells.contains(&inert), "{inert} not in the stage table");
    }
    // Notes are beside the table, not in it.
    let notes = std::fs::read_to_string(out("6-xmr.notes.txt")).expect("the xmr notes");
    assert!(notes.starts_with("Variation: "), "{notes}");
}

#[test]
fn spc_csv_reads_back_as_excel_would() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-csv-spc");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    // Days waiting by month, written by hand, one of them negative (a data error kept as a
    // value): the file the README's spc example reads.
    let waits = dir.join("waits.csv");
    let mut text = String::from("date,days\n");
    for (m, days) in [40, 52, -3, 61, 45, 38, 70, 55, 49, 43, 58, 50]
        .iter()
        .enumerate()
    {
        text.push_str(&format!("2024-{:02}-01,{days}\n", m + 1));
    }
    std::fs::write(&waits, text).expect("write");
    let chart = dir.join("chart.csv");
    let output = driftline(&[
        "spc",
        &waits.to_string_lossy(),
        "--format",
        "csv",
        "--out",
        &chart.to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = check(&Expect {
        file: chart,
        dates: &["date"],
        numbers: &["value", "centre", "lower", "upper", "segment"],
    });
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0][0], "2024-01-01");
    assert_eq!(rows[2][1], "-3");
}

/// The page's exports are written by the same writer: each is read back the same way, from
/// the exploration layer the page's worker calls (`driftline::explore`).
#[test]
fn every_csv_the_page_writes_reads_back_as_excel_would() {
    use driftline::explore::{
        ChartQuery, ChildQuery, Explorer, ProblemQuery, StageQuery, StageRowsQuery,
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("page-csv");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    let paths = files(&dir);
    let bytes: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            let name = Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(p).expect("read"))
        })
        .collect();
    let inputs: Vec<driftline::InputFile<'_>> = bytes
        .iter()
        .map(|(name, bytes)| driftline::InputFile { name, bytes })
        .collect();
    let as_at = chrono::NaiveDate::from_ymd_opt(2024, 3, 31).unwrap();
    let report = driftline::analyze(&inputs, &driftline::Options::new(as_at)).expect("the demo");
    let mut e = Explorer::new(report);
    let problems: ProblemQuery = serde_json::from_str("{}").unwrap();
    check_bytes(
        "problems",
        e.problems_table(&problems).to_csv().as_bytes(),
        &[],
        &["row"],
    );
    let children: ChildQuery = serde_json::from_str("{}").unwrap();
    let rows = check_bytes(
        "children",
        e.children_table(&children).to_csv().as_bytes(),
        &["date_of_birth", "became_looked_after"],
        &[
            "days_in_care",
            "care_periods",
            "moves",
            "days_waiting",
            "placements_last_12_months",
        ],
    );
    assert_eq!(rows.len(), 150);
    check_bytes(
        "chronology",
        e.chronology_table(0, false).unwrap().to_csv().as_bytes(),
        &["date"],
        &[],
    );
    let all: StageRowsQuery = serde_json::from_str("{}").unwrap();
    check_bytes(
        "stage rows",
        e.stage_rows_csv(&all).unwrap().as_bytes(),
        &[
            "care_period_start",
            "care_period_end",
            "start",
            "end",
            "target_date",
        ],
        &["care_period", "days", "moves"],
    );
    let stages: StageQuery = serde_json::from_str(r#"{"breakdown":"age_at_entry"}"#).unwrap();
    check_bytes(
        "stages",
        e.stages_table(&stages).to_csv().as_bytes(),
        &[],
        &[
            "started",
            "completed",
            "censored",
            "median_days",
            "within_target_pct",
            "waiting_overdue",
        ],
    );
    for kind in [
        "cohort",
        "delay",
        "km",
        "histogram",
        "run",
        "xmr",
        "decomposition",
    ] {
        let chart: ChartQuery =
            serde_json::from_str(&format!(r#"{{"kind":"{kind}","slot":"{kind}"}}"#)).unwrap();
        e.draw(&chart).unwrap_or_else(|err| panic!("{kind}: {err}"));
        let table = e.chart_table(kind).expect("a table");
        let dates: &[&str] = match kind {
            "cohort" => &["entered_care"],
            "run" | "xmr" => &["date"],
            _ => &[],
        };
        check_bytes(kind, table.to_csv().as_bytes(), dates, &[]);
    }
}
