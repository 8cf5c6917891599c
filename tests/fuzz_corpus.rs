//! The fuzz targets' bodies over every committed input, on stable Rust: the curated seeds
//! (`fuzz/seeds/`), the minimised inputs of past findings (`tests/fixtures/regressions/`), the
//! bad corpus and the ordinary fixtures. Every body runs on every input, whatever target the
//! input was made for: a body must never panic on any bytes, and the bodies check the
//! counting invariant wherever a report comes out. The nightly fuzzers
//! (`fuzz/run.sh TARGET SECONDS`) search for new inputs; this test keeps the found ones
//! passing.

#[path = "../fuzz/bodies.rs"]
mod bodies;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if !path
            .extension()
            .is_some_and(|e| e == "py" || e == "md" || e == "sh")
        {
            out.push(path);
        }
    }
}

/// Inputs up to this size run through every body. The few larger files (the wide sheets, the
/// amplification files, the 10 MB cell) take seconds each in a debug build and run through
/// `analyze` in `tests/robustness.rs` instead.
const MAX_INPUT: u64 = 64 * 1024;

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    files_under(&root.join("fuzz/seeds"), &mut out);
    files_under(&root.join("tests/fixtures"), &mut out);
    out.retain(|p| p.metadata().is_ok_and(|m| m.len() <= MAX_INPUT));
    out.sort();
    out
}

#[test]
fn every_committed_input_through_every_fuzz_target() {
    let inputs = inputs();
    assert!(inputs.len() > 100, "{} inputs", inputs.len());
    let mut failures = Vec::new();
    for path in &inputs {
        let bytes = std::fs::read(path).unwrap();
        for (target, body) in bodies::TARGETS {
            if catch_unwind(AssertUnwindSafe(|| body(&bytes))).is_err() {
                failures.push(format!("{target} on {}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_structured_targets_build_readable_workbooks() {
    // The wrapping the XML targets rely on: a sheet given as XML is read as a workbook.
    let sheet = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>child_id</t></is></c><c r="B1" t="inlineStr"><is><t>start_date</t></is></c><c r="C1" t="inlineStr"><is><t>placement_type</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>C1</t></is></c><c r="B2" s="1"><v>44000</v></c><c r="C2" t="inlineStr"><is><t>Foster</t></is></c></row></sheetData></worksheet>"#;
    let xlsx = bodies::xlsx_from_parts(sheet);
    let opts = driftline::Options::new(chrono::NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    let r = driftline::analyze(
        &[driftline::InputFile {
            name: "x.xlsx",
            bytes: &xlsx,
        }],
        &opts,
    )
    .expect("the wrapped sheet loads");
    assert_eq!((r.input.rows_read, r.input.rows_used), (1, 1));
    let content = br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="P"><table:table-row><table:table-cell office:value-type="string"><text:p>child_id</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>start_date</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>placement_type</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>C1</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="2020-06-18"/><table:table-cell office:value-type="string"><text:p>Foster</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let ods = bodies::ods_from_content(content);
    let r = driftline::analyze(
        &[driftline::InputFile {
            name: "x.ods",
            bytes: &ods,
        }],
        &opts,
    )
    .expect("the wrapped content loads");
    assert_eq!((r.input.rows_read, r.input.rows_used), (1, 1));
}
