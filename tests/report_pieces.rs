//! The journeys as separate pieces of JSON (`Journeys::json_pieces`), which the web boundary
//! sends to the page so that `analyze()` builds a journey only when the embedder reads it:
//! each piece must be exactly that child's element of the report's JSON.

use driftline::{analyze, InputFile, Options};
use std::path::Path;

#[test]
fn each_piece_is_the_childs_element_of_the_report_json() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/demo");
    let names = ["children.csv", "placements.csv", "legal.csv", "events.csv"];
    let bytes: Vec<Vec<u8>> = names
        .iter()
        .map(|name| std::fs::read(demo.join(name)).expect("the demo file"))
        .collect();
    let files: Vec<InputFile<'_>> = names
        .iter()
        .zip(&bytes)
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let as_at = chrono::NaiveDate::from_ymd_opt(2024, 3, 31).expect("a date");
    let report = analyze(&files, &Options::new(as_at)).expect("the demo analyses");
    assert!(report.journeys.len() > 10, "the demo has children");

    let pieces = report.journeys.json_pieces().expect("the pieces");
    assert_eq!(pieces.offsets.len(), report.journeys.len() + 1);
    assert_eq!(pieces.offsets[0], 0);
    assert_eq!(*pieces.offsets.last().unwrap() as usize, pieces.bytes.len());
    assert!(pieces.offsets.windows(2).all(|w| w[0] < w[1]));

    let whole = serde_json::to_value(&report).expect("the report serialises");
    let listed = whole["journeys"].as_array().expect("a list of journeys");
    assert_eq!(listed.len(), report.journeys.len());
    let mut joined = Vec::new();
    for (i, child) in report.journeys.iter().enumerate() {
        let piece = &pieces.bytes[pieces.offsets[i] as usize..pieces.offsets[i + 1] as usize];
        let value: serde_json::Value = serde_json::from_slice(piece).expect("each piece is JSON");
        assert_eq!(value["child_id"].as_str(), Some(&*child.id), "child {i}");
        assert_eq!(&value, &listed[i], "child {i}");
        joined.push(std::str::from_utf8(piece).expect("UTF-8"));
    }
    // Byte for byte the compact JSON of the whole list.
    let list = serde_json::to_string(&report.journeys).expect("the list serialises");
    assert_eq!(format!("[{}]", joined.join(",")), list);
}
