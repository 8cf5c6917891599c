//! The journeys packed for the page (`Journeys::pack`, `report::packed`): each journey,
//! unpacked as the page's `driftline.js` unpacks it, must be exactly that child's element of
//! the report's JSON, with its keys in the same order and every number the same `f64` that
//! `JSON.parse` would give.

use driftline::report::packed::{PackedTables, Spill, CONSTANT, INT, LIST, NUMBER, OBJECT, STRING};
use driftline::{analyze, InputFile, Options, Report};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::path::Path;

/// A JSON value as JavaScript holds it: numbers are `f64`, objects keep their keys' order.
#[derive(Debug, PartialEq)]
enum Js {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Js>),
    Object(Vec<(String, Js)>),
}

impl<'de> Deserialize<'de> for Js {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Js, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Js;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Js, E> {
                Ok(Js::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Js, E> {
                Ok(Js::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Js, E> {
                Ok(Js::Number(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Js, E> {
                Ok(Js::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Js, E> {
                Ok(Js::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Js, E> {
                Ok(Js::Text(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Js, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Js::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Js, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.push((k, v));
                }
                Ok(Js::Object(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Unpacks the value at `words[*at]`, as `driftline.js` does.
fn unpack(words: &[u32], at: &mut usize, tables: &PackedTables) -> Js {
    let word = words[*at];
    *at += 1;
    let payload = word >> 3;
    match word & 7 {
        INT => Js::Number(f64::from((word as i32) >> 3)),
        STRING => Js::Text(tables.string(payload).expect("a string").to_owned()),
        NUMBER => Js::Number(tables.numbers[payload as usize]),
        LIST => Js::List((0..payload).map(|_| unpack(words, at, tables)).collect()),
        OBJECT => Js::Object(
            tables.shapes[payload as usize]
                .iter()
                .map(|&key| {
                    let key = tables.string(key).expect("a key").to_owned();
                    (key, unpack(words, at, tables))
                })
                .collect(),
        ),
        CONSTANT => match payload {
            0 => Js::Null,
            1 => Js::Bool(false),
            2 => Js::Bool(true),
            other => panic!("no constant {other}"),
        },
        kind => panic!("no kind {kind}"),
    }
}

fn read(dir: &Path, names: &[&str], as_at: (i32, u32, u32)) -> Report {
    let bytes: Vec<Vec<u8>> = names
        .iter()
        .map(|name| std::fs::read(dir.join(name)).expect("the file"))
        .collect();
    let files: Vec<InputFile<'_>> = names
        .iter()
        .zip(&bytes)
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let as_at = chrono::NaiveDate::from_ymd_opt(as_at.0, as_at.1, as_at.2).expect("a date");
    analyze(&files, &Options::new(as_at)).expect("the files analyse")
}

/// Packs the report's journeys `batch` at a time and checks each against the report's JSON.
fn check(report: &Report, batch: usize) {
    let mut batches: Vec<Vec<u32>> = Vec::new();
    let packed = report
        .journeys
        .pack(batch, |words| batches.push(words.to_vec()))
        .expect("the journeys pack");
    assert_eq!(packed.batch, batch);
    assert_eq!(batches.len(), report.journeys.len().div_ceil(batch));
    assert_eq!(packed.starts.len(), report.journeys.len());

    let json = serde_json::to_string(report).expect("the report serialises");
    let Js::Object(whole) = serde_json::from_str::<Js>(&json).expect("JSON") else {
        panic!("an object")
    };
    let Some((_, Js::List(listed))) = whole.iter().find(|(k, _)| k == "journeys") else {
        panic!("a list of journeys")
    };
    assert_eq!(listed.len(), report.journeys.len());
    for (i, expected) in listed.iter().enumerate() {
        let words = &batches[i / batch];
        let mut at = packed.starts[i] as usize;
        let got = unpack(words, &mut at, &packed.tables);
        assert_eq!(&got, expected, "journey {i}");
        // Each journey's words end where the next one's start.
        let next = match packed.starts.get(i + 1) {
            Some(&start) if (i + 1) % batch != 0 => start as usize,
            _ => words.len(),
        };
        assert_eq!(at, next, "journey {i} ends where the next starts");
    }
}

/// What `Report::pack_parts` hands over, kept in order.
#[derive(Default)]
struct Handed {
    words: Vec<Vec<u32>>,
    patches: Vec<(usize, u32)>,
    numbers: Vec<Vec<f64>>,
    string_ends: Vec<Vec<u32>>,
}

impl Spill for Handed {
    fn words(&mut self, words: &[u32]) {
        self.words.push(words.to_vec());
    }
    fn patch(&mut self, at: usize, word: u32) {
        self.patches.push((at, word));
    }
    fn numbers(&mut self, numbers: &[f64]) {
        self.numbers.push(numbers.to_vec());
    }
    fn string_ends(&mut self, ends: &[u32]) {
        self.string_ends.push(ends.to_vec());
    }
}

/// The web boundary's way: the summary's words and every number handed over a chunk at a
/// time while they are packed, then joined as the page joins them (the chunks in order, each
/// patch set), are exactly what `Report::pack` keeps whole, for chunks of one word on; so are
/// where the strings end, handed over the same way.
#[test]
fn the_summary_and_numbers_handed_over_in_chunks_join_to_the_whole_report_packed() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/demo");
    let names = ["children.csv", "placements.csv", "legal.csv", "events.csv"];
    let report = read(&demo, &names, (2024, 3, 31));
    let mut batches: Vec<Vec<u32>> = Vec::new();
    let whole = report
        .pack(16, |words| batches.push(words.to_vec()))
        .expect("the report packs");
    let bits = |numbers: &[f64]| numbers.iter().map(|n| n.to_bits()).collect::<Vec<_>>();
    let summary_words = whole.summary.len();
    let every_number = whole.journeys.tables.numbers.len();
    assert!(
        summary_words > 1000 && every_number > 1000,
        "enough to chunk"
    );
    for chunk in [1, 7, 500, 1 << 24] {
        let mut handed = Handed::default();
        let mut chunked: Vec<Vec<u32>> = Vec::new();
        let journeys = report
            .pack_parts(16, chunk, &mut handed, |words| chunked.push(words.to_vec()))
            .expect("the report packs");
        let mut summary = handed.words.concat();
        for &(at, word) in &handed.patches {
            summary[at] = word;
        }
        assert_eq!(summary, whole.summary, "chunks of {chunk}");
        let mut numbers = handed.numbers.concat();
        numbers.extend(&journeys.tables.numbers);
        assert_eq!(
            bits(&numbers),
            bits(&whole.journeys.tables.numbers),
            "chunks of {chunk}"
        );
        assert_eq!(chunked, batches, "the journeys' words are not chunked");
        assert_eq!(journeys.starts, whole.journeys.starts);
        assert_eq!(journeys.tables.strings, whole.journeys.tables.strings);
        let mut ends = handed.string_ends.concat();
        ends.extend(&journeys.tables.string_ends);
        assert_eq!(ends, whole.journeys.tables.string_ends, "chunks of {chunk}");
        assert_eq!(journeys.tables.shapes, whole.journeys.tables.shapes);
        // Handed over as they filled: every chunk of numbers is whole, and below the summary's
        // size its words left in several chunks, its own head (word 0) patched at the end.
        assert!(handed.numbers.iter().all(|c| c.len() == chunk));
        assert_eq!(handed.numbers.len(), every_number / chunk);
        if chunk < summary_words {
            assert!(handed.words.len() > 1, "chunks of {chunk}");
            assert!(handed.patches.iter().any(|&(at, _)| at == 0));
            assert!(handed.patches.iter().all(|&(at, _)| at < summary_words));
        } else {
            assert_eq!(handed.words.len(), 1);
            assert!(handed.patches.is_empty());
        }
    }
}

#[test]
fn the_report_without_its_journeys_unpacks_to_the_summarys_json() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/demo");
    let names = ["children.csv", "placements.csv", "legal.csv", "events.csv"];
    let report = read(&demo, &names, (2024, 3, 31));
    let mut batches: Vec<Vec<u32>> = Vec::new();
    let packed = report
        .pack(16, |words| batches.push(words.to_vec()))
        .expect("the report packs");
    let json = serde_json::to_string(&report.summary()).expect("the summary serialises");
    let expected = serde_json::from_str::<Js>(&json).expect("JSON");
    let mut at = 0;
    let got = unpack(&packed.summary, &mut at, &packed.journeys.tables);
    assert_eq!(got, expected);
    assert_eq!(at, packed.summary.len(), "one value");
    let Js::Object(keys) = &got else {
        panic!("an object")
    };
    assert!(keys.iter().any(|(k, _)| k == "stages"));
    assert!(keys.iter().all(|(k, _)| k != "journeys"));
    // The journeys after it share its tables.
    assert_eq!(batches.len(), report.journeys.len().div_ceil(16));
    let mut at = packed.journeys.starts[3] as usize;
    let third = unpack(&batches[0], &mut at, &packed.journeys.tables);
    let listed = serde_json::to_string(&report.journeys).expect("JSON");
    let Js::List(listed) = serde_json::from_str::<Js>(&listed).expect("JSON") else {
        panic!("a list")
    };
    assert_eq!(third, listed[3]);
}

#[test]
fn every_demo_journey_unpacks_to_its_json_in_batches_of_any_size() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/demo");
    let names = ["children.csv", "placements.csv", "legal.csv", "events.csv"];
    let report = read(&demo, &names, (2024, 3, 31));
    assert!(report.journeys.len() > 10, "the demo has children");
    for batch in [1, 7, report.journeys.len(), report.journeys.len() + 5] {
        check(&report, batch);
    }
}

#[test]
fn ssda903_returns_with_observed_windows_unpack_to_their_json() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ssda903-returns/five-years");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the fixture")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .into_string()
                .expect("a name")
        })
        .filter(|name| name.ends_with(".csv"))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let report = read(&dir, &names, (2022, 3, 31));
    assert!(!report.journeys.is_empty());
    let json = serde_json::to_string(&report.journeys).expect("JSON");
    assert!(
        json.contains("\"observed\""),
        "the returns say what they cover"
    );
    check(&report, 3);
}

#[test]
fn ids_and_labels_javascript_counts_differently_unpack_whole() {
    // IDs with accents, an emoji (two UTF-16 units), a byte-order mark and characters JSON
    // escapes; an extra column named __proto__, which JSON.parse keeps as an ordinary key.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("packed-ids-and-labels");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    std::fs::write(
        dir.join("children.csv"),
        "child_id,date_of_birth,sex,team,__proto__\n\
         \u{feff}Zoë,01/02/2015,Female,Nörth 😀,x\n\
         \"A\"\"quote\"\"\\slash\",03/04/2016,Male,South,y\n\
         😀1,05/06/2017,,,\n",
    )
    .expect("written");
    std::fs::write(
        dir.join("placements.csv"),
        "child_id,start_date,end_date,placement_type\n\
         \u{feff}Zoë,01/01/2020,01/06/2021,Foster care\n\
         \u{feff}Zoë,02/06/2021,,Kinship care\n\
         \"A\"\"quote\"\"\\slash\",01/03/2019,,Residential\n\
         😀1,10/10/2020,11/11/2020,Foster care\n",
    )
    .expect("written");
    let report = read(&dir, &["children.csv", "placements.csv"], (2023, 3, 31));
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(report.journeys.len(), 3);
    let json = serde_json::to_string(&report.journeys).expect("JSON");
    assert!(json.contains("\"__proto__\":\"x\""), "{json}");
    assert!(json.contains("😀"), "{json}");
    check(&report, 2);
}
