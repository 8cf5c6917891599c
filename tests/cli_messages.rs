//! Each mistake an analyst makes on the command line gets a message that suggests the fix:
//! the exit code, and the words.
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

fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("messages-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

fn demo() -> Vec<String> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/demo");
    ["children.csv", "placements.csv", "legal.csv", "events.csv"]
        .iter()
        .map(|f| demo.join(f).to_string_lossy().into_owned())
        .collect()
}

/// Runs `command` on the demo files with `extra` and returns the output.
fn on_demo(command: &str, extra: &[&str]) -> Output {
    let files = demo();
    let mut args = vec![command];
    args.extend(files.iter().map(String::as_str));
    args.extend(extra);
    driftline(&args)
}

/// Asserts exit code 2, nothing on standard output and `words` in the message.
fn refused(output: &Output, words: &str) {
    let said = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(output.stdout.is_empty());
    assert!(said.contains(words), "expected {words:?} in:\n{said}");
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn dates_say_what_is_wrong_and_how_to_write_them() {
    refused(
        &on_demo("analyze", &["--as-at", "2025-02-30"]),
        "the day 2025-02-30 does not exist (February 2025 has 28 days, not 30)",
    );
    refused(
        &on_demo("analyze", &["--as-at", "31/03/2025"]),
        "write dates as YYYY-MM-DD (year, month, day): for 31 March 2025 write 2025-03-31",
    );
    // Day-first gives no date, month-first does.
    refused(
        &on_demo("analyze", &["--as-at", "03/25/2025"]),
        "if you mean 25 March 2025, write 2025-03-25",
    );
    refused(
        &on_demo("analyze", &["--as-at", "tomorrow"]),
        "expected a date written YYYY-MM-DD (such as 2024-03-31), got \"tomorrow\"",
    );
}

#[test]
fn negative_numbers_are_values_with_their_own_message() {
    // Never clap's "to pass '-3' as a value, use '-- -3'".
    for (output, words) in [
        (
            on_demo(
                "chart",
                &["--kind", "xmr", "--baseline", "-3", "--out", "x.svg"],
            ),
            "invalid value '-3' for '--baseline <N>': expected a whole number of 1 or more, got -3",
        ),
        (
            on_demo("analyze", &["--max-file-mb", "-1"]),
            "expected a whole number of 1 or more, got -1",
        ),
        (
            on_demo(
                "chart",
                &["--kind", "cohort", "--width", "-5", "--out", "x.svg"],
            ),
            "--width must be between 200 and 20000 pixels",
        ),
        (
            driftline(&[
                "generate",
                "--children",
                "-5",
                "--as-at",
                "2024-03-31",
                "--out",
                "g",
            ]),
            "expected a whole number of 1 or more, got -5",
        ),
        (
            driftline(&[
                "generate",
                "--messy-rate",
                "-0.1",
                "--as-at",
                "2024-03-31",
                "--out",
                "g",
            ]),
            "--messy-rate must be between 0 and 1",
        ),
    ] {
        refused(&output, words);
        assert!(!stderr(&output).contains("use '--"), "{}", stderr(&output));
    }
}

#[test]
fn a_child_id_in_the_wrong_case_gets_the_close_match_and_where_ids_are() {
    let dir = scratch("child");
    let out = dir.join("child.svg").to_string_lossy().into_owned();
    let output = on_demo(
        "chart",
        &[
            "--as-at",
            "2024-03-31",
            "--kind",
            "timeline",
            "--child",
            "c0000038",
            "--out",
            &out,
        ],
    );
    refused(
        &output,
        "no child with ID \"c0000038\" is in children.csv, placements.csv, legal.csv, events.csv. Did you mean \"C0000038\"? (IDs must match exactly, capitals included.)",
    );
    assert!(
        stderr(&output).contains("Every child's ID is in the child_id column"),
        "{}",
        stderr(&output)
    );
    assert!(!Path::new(&out).exists());
    // An ID far from every other: no guess, but where to find the IDs.
    let output = on_demo(
        "chart",
        &[
            "--as-at",
            "2024-03-31",
            "--kind",
            "timeline",
            "--child",
            "Z",
            "--out",
            &out,
        ],
    );
    refused(&output, "no child with ID \"Z\" is in");
    assert!(
        !stderr(&output).contains("Did you mean"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_flag_a_chart_does_not_use_is_refused_not_ignored() {
    let dir = scratch("flags");
    let out = dir.join("x.svg").to_string_lossy().into_owned();
    refused(
        &on_demo(
            "chart",
            &[
                "--kind",
                "timeline",
                "--child",
                "C0000038",
                "--annotate",
                "2024-01-01=PDSA 1",
                "--out",
                &out,
            ],
        ),
        "--annotate does not change a timeline chart (it applies to run and xmr); leave it out",
    );
    refused(
        &on_demo(
            "chart",
            &["--kind", "cohort", "--breakdown", "sex", "--out", &out],
        ),
        "--breakdown does not change a cohort chart (it applies to delay, km, histogram and decomposition)",
    );
    refused(
        &on_demo(
            "chart",
            &["--kind", "delay", "--child", "C0000038", "--out", &out],
        ),
        "--child does not change a delay chart (it applies to timeline)",
    );
    refused(
        &on_demo("chart", &["--kind", "timeline", "--out", &out]),
        "a timeline needs --child ID",
    );
}

#[test]
fn files_and_folders_get_plain_messages() {
    let dir = scratch("files");
    let folder = dir.join("data");
    std::fs::create_dir_all(&folder).expect("a folder");
    refused(
        &driftline(&["analyze", &folder.to_string_lossy()]),
        "is a folder, not a file: give the files in it (such as",
    );
    let out = dir.join("no/such/chart.svg").to_string_lossy().into_owned();
    refused(
        &on_demo("chart", &["--kind", "cohort", "--out", &out]),
        "the folder",
    );
    assert!(
        stderr(&on_demo("chart", &["--kind", "cohort", "--out", &out]))
            .contains("does not exist; create it first")
    );
    let template = dir.join("t.csv").to_string_lossy().into_owned();
    refused(&driftline(&["template", "--out", &template]), "--out");
    assert!(stderr(&driftline(&["template", "--out", &template])).contains("must end in .xlsx"));
    assert!(!Path::new(&template).exists());
}

/// One point per completed stage, for a cohort of 2,000 children, is over 300 points: the
/// command suggests a point per month or quarter (and does not with --aggregate).
#[test]
fn a_crowded_run_chart_suggests_grouping_by_month() {
    let dir = scratch("aggregate");
    let cohort = dir.join("cohort");
    let made = driftline(&[
        "generate",
        "--children",
        "2000",
        "--as-at",
        "2024-03-31",
        "--out",
        &cohort.to_string_lossy(),
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    let files: Vec<String> = ["children.csv", "placements.csv", "legal.csv", "events.csv"]
        .iter()
        .map(|f| cohort.join(f).to_string_lossy().into_owned())
        .collect();
    let chart = |extra: &[&str], out: &str| {
        let mut args = vec!["chart"];
        args.extend(files.iter().map(String::as_str));
        args.extend([
            "--as-at",
            "2024-03-31",
            "--kind",
            "run",
            "--stage",
            "first_review",
        ]);
        args.extend(extra);
        let out = dir.join(out).to_string_lossy().into_owned();
        args.extend(["--out", &out]);
        driftline(&args)
    };
    let single = chart(&[], "single.svg");
    assert_eq!(single.status.code(), Some(0), "{}", stderr(&single));
    // The number of points is the number of first reviews completed: the stage table's
    // count for the same files.
    let summary = {
        let mut args = vec!["analyze"];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--as-at", "2024-03-31", "--format", "json-summary"]);
        driftline(&args)
    };
    let report: serde_json::Value = serde_json::from_slice(&summary.stdout).expect("JSON");
    let completed = report["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["id"] == "first_review")
        .expect("first_review")["completed"]
        .as_u64()
        .expect("a count");
    assert!(completed > 300, "{completed}");
    assert!(
        stderr(&single).contains(&format!(
            "the chart has {completed} points, one per completed stage; --aggregate month (or quarter) draws one point per month"
        )),
        "{}",
        stderr(&single)
    );
    let monthly = chart(&["--aggregate", "month"], "monthly.svg");
    assert_eq!(monthly.status.code(), Some(0), "{}", stderr(&monthly));
    assert!(
        !stderr(&monthly).contains("--aggregate month"),
        "{}",
        stderr(&monthly)
    );
}

/// A pseudonymised timeline names the child by their position in the report (never "Child 1"
/// for everyone, never their ID), and its CSV holds no file or row to trace them by.
#[test]
fn pseudonymised_timelines_carry_no_link_back() {
    let dir = scratch("pseudonymised");
    let mut titles = Vec::new();
    for id in ["C0000005", "C0000038"] {
        let svg = dir.join(format!("{id}.svg")).to_string_lossy().into_owned();
        let csv = dir.join(format!("{id}.csv")).to_string_lossy().into_owned();
        for out in [&svg, &csv] {
            let output = on_demo(
                "chart",
                &[
                    "--as-at",
                    "2024-03-31",
                    "--kind",
                    "timeline",
                    "--child",
                    id,
                    "--pseudonymise",
                    "--out",
                    out,
                ],
            );
            assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        }
        let svg = std::fs::read_to_string(&svg).expect("the SVG");
        assert!(!svg.contains(id), "{id} is in its pseudonymised timeline");
        let title = svg
            .split("<title")
            .nth(1)
            .and_then(|t| t.split_once('>'))
            .map(|(_, rest)| rest.split('<').next().unwrap_or("").to_string())
            .expect("a title");
        titles.push(title);
        let csv = std::fs::read_to_string(&csv).expect("the CSV");
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        assert!(!header.iter().any(|h| h.contains("row")), "{header:?}");
        let source = header
            .iter()
            .position(|h| h == "source")
            .expect("a source column");
        for record in reader.records() {
            let record = record.expect("a record");
            assert_eq!(&record[source], "", "{record:?}");
            assert!(!record.iter().any(|c| c.contains(id)), "{record:?}");
        }
    }
    assert_ne!(titles[0], titles[1], "{titles:?}");
    // The same timeline, not pseudonymised, names its sources by file and row.
    let csv = dir.join("named.csv").to_string_lossy().into_owned();
    let output = on_demo(
        "chart",
        &[
            "--as-at",
            "2024-03-31",
            "--kind",
            "timeline",
            "--child",
            "C0000038",
            "--out",
            &csv,
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&csv).expect("the CSV");
    assert!(text.contains("\"placements.csv, row "), "{text}");
}
