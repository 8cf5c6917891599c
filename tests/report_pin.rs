//! Pins the whole report of generated cohorts, so that performance work (which must not
//! change a single answer) is checked against the answers from before it.
//!
//! Each case generates a messy cohort (duplicates, rejected rows, overlaps, late events,
//! label variants), analyses it, and compares with `tests/snapshots/report_pin_<case>.json`:
//! readable JSON of the report without its journeys (counts, every problem, every stage's
//! figures for the cohort and each group; Kaplan–Meier curves by digest), a 64-bit FNV-1a
//! digest of each child's journey, and the digest of the report's full JSON. Run with `UPDATE_SNAPSHOTS=1` to rewrite the files after a deliberate change
//! of behaviour, and say why in the commit.

use chrono::NaiveDate;
use driftline::generate::template::{template_csv_bytes, template_xlsx_bytes, CSV_FILES};
use driftline::generate::{journeys, ssda903, CsvSink, DateStyle, GenerateConfig};
use driftline::{analyze, InputFile, Options, Report};
use std::collections::BTreeMap;

fn config() -> GenerateConfig {
    let mut c = GenerateConfig::new(1500, 8, NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    c.messy_rate = 0.05;
    c
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The pin: readable JSON of everything but the journeys (counts, every problem, the profile,
/// every stage's figures for the cohort and each breakdown group, the checks), then one line
/// per child (its ID and a digest of its journey's JSON), then the digest of the whole report
/// as a fast check. A change then shows in a diff as the figure, problem or child it touched.
fn pin(report: &Report) -> String {
    let mut summary = serde_json::to_value(report.summary()).expect("the summary serialises");
    // The Kaplan–Meier curves are pinned by their digest alone (thousands of steps).
    strip_curves(&mut summary);
    let journeys = serde_json::to_value(&report.journeys).expect("the journeys serialise");
    let children: BTreeMap<String, String> = journeys
        .as_array()
        .expect("a list")
        .iter()
        .enumerate()
        .map(|(i, child)| {
            let id = child["child_id"].as_str().unwrap_or_default();
            let text = serde_json::to_string(child).expect("a child serialises");
            (
                format!("{i:05} {id}"),
                format!("{:016x}", fnv1a(text.as_bytes())),
            )
        })
        .collect();
    let json = serde_json::to_string(report).expect("the report serialises");
    let pin = serde_json::json!({
        "summary": summary,
        "children": children,
        "report": {
            "json_bytes": json.len(),
            "fnv1a": format!("{:016x}", fnv1a(json.as_bytes())),
        },
    });
    let mut out = String::new();
    write_lines(&pin, 0, &mut out);
    out.push('\n');
    out
}

/// JSON with one line per value down to [`LINE_DEPTH`] levels and each deeper value compact
/// on its line: readable, diffable, and a third of the size of fully indented JSON.
fn write_lines(value: &serde_json::Value, depth: usize, out: &mut String) {
    const LINE_DEPTH: usize = 4;
    let indent = |n: usize| "  ".repeat(n);
    match value {
        serde_json::Value::Object(map) if depth < LINE_DEPTH && !map.is_empty() => {
            out.push_str("{\n");
            for (i, (key, v)) in map.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                out.push_str(&serde_json::to_string(key).expect("a key"));
                out.push_str(": ");
                write_lines(v, depth + 1, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&indent(depth));
            out.push('}');
        }
        serde_json::Value::Array(items) if depth < LINE_DEPTH && !items.is_empty() => {
            out.push_str("[\n");
            for (i, v) in items.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                write_lines(v, depth + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&indent(depth));
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Replaces each `curve` (a Kaplan–Meier curve's steps) by its length and digest.
fn strip_curves(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "curve" {
                    let text = v.to_string();
                    let steps = v.as_array().map_or(0, Vec::len);
                    *v = serde_json::json!({
                        "steps": steps,
                        "fnv1a": format!("{:016x}", fnv1a(text.as_bytes())),
                    });
                } else {
                    strip_curves(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_curves),
        _ => {}
    }
}

fn check(case: &str, files: &[(String, Vec<u8>)]) {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let options = Options::new(config().as_at);
    let report = analyze(&inputs, &options).expect("the cohort loads");
    let actual = pin(&report);
    let path = format!(
        "{}/tests/snapshots/report_pin_{case}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        // The first line that differs, so the failure says what changed.
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(0);
        panic!(
            "the {case} report changed from line {} of {path}:\n  pinned: {:?}\n  now:    {:?}\nif that is deliberate, rerun with UPDATE_SNAPSHOTS=1",
            line + 1,
            expected.lines().nth(line).unwrap_or(""),
            actual.lines().nth(line).unwrap_or(""),
        );
    }
}

#[test]
fn template_csv_report_is_unchanged() {
    let tables = template_csv_bytes(&config(), DateStyle::Uk).expect("CSV");
    let files: Vec<(String, Vec<u8>)> = CSV_FILES
        .iter()
        .map(|n| n.to_string())
        .zip(tables)
        .collect();
    check("csv", &files);
}

#[test]
fn template_xlsx_report_is_unchanged() {
    let bytes = template_xlsx_bytes(&config()).expect("xlsx");
    check("xlsx", &[("driftline.xlsx".to_string(), bytes)]);
}

#[test]
fn ssda903_report_is_unchanged() {
    let c = config();
    let sinks: [CsvSink<Vec<u8>>; 6] =
        std::array::from_fn(|_| CsvSink::new(Vec::new(), DateStyle::Uk));
    let mut w = ssda903::Ssda903Writer::new(sinks, &c).expect("headers");
    for j in journeys(&c) {
        w.write(&j).expect("rows");
    }
    let files: Vec<(String, Vec<u8>)> = ssda903::FILES
        .iter()
        .map(|n| n.to_string())
        .zip(w.finish().1.into_iter().map(CsvSink::into_inner))
        .collect();
    check("ssda903", &files);
}
