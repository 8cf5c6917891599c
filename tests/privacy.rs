//! Privacy and safety of what Driftline shows and writes (issue 18), natively:
//! - IDs are what they look like: invisible characters (Unicode Cc and Cf) in IDs and labels
//!   are reported by file, row and column, shown visibly (`⟨U+202E⟩`) wherever they appear,
//!   and never reach a CSV, an SVG, a PNG or the terminal raw; IDs are composed (NFC) before
//!   children are matched, and IDs that differ only by invisible characters are flagged.
//! - Pseudonymise covers every output: no view, tooltip, chart, export or problem message of a
//!   pseudonymised explorer holds an ID, a date of birth (even one that could not be read), a
//!   carer's name or a label as written (a placement type, a legal status or an event named
//!   in free text), in a cohort seeded with names.
#![cfg(not(target_arch = "wasm32"))]

use driftline::diagnostics::{Code, Diagnostic};
use driftline::explore::{ChildQuery, Explorer};
use driftline::{analyze, InputFile, Options, Report};
use std::path::PathBuf;
use std::process::Command;

/// Five children. K02-00050 and K02-00051 are plain; the third child's ID holds a
/// right-to-left override (it displays as K02-00050), the fourth a zero-width space (it
/// displays as K02-00051); the fifth's team holds a bell and a terminal escape sequence, and
/// its ID is written with a decomposed é in the children table and a composed one in the
/// placements table.
const CHILDREN: &str = "child_id,date_of_birth,sex,team
K02-00050,01/03/2015,F,North
K02-\u{202e}05000,02/04/2016,M,North
K02-00051,01/01/2014,F,South
K02-000\u{200b}51,02/02/2013,M,South
Ame\u{301}lie-1,03/03/2012,F,West\u{7}\u{1b}]0;pwned\u{7}
";
const PLACEMENTS: &str = "child_id,start_date,end_date,placement_type,carer
K02-00050,01/01/2020,,Foster care,Ann Carer
K02-\u{202e}05000,01/02/2020,,Foster care,Bob\u{1b}[31m Carer
K02-00051,01/03/2020,,Kinship care,Cath Carer
K02-000\u{200b}51,01/04/2020,,Kinship care,Dan Carer
Am\u{e9}lie-1,01/05/2020,,Foster\u{7} care,Eve Carer
";

fn options() -> Options {
    Options::new(chrono::NaiveDate::from_ymd_opt(2024, 6, 30).expect("a date"))
}

fn report() -> Report {
    let files = [
        InputFile {
            name: "children.csv",
            bytes: CHILDREN.as_bytes(),
        },
        InputFile {
            name: "placements.csv",
            bytes: PLACEMENTS.as_bytes(),
        },
    ];
    analyze(&files, &options()).expect("the cohort loads")
}

fn with_code(report: &Report, code: Code) -> Vec<&Diagnostic> {
    report
        .input
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect()
}

/// Whether `text` holds a control (Cc) or format (Cf) character other than tab and line
/// breaks, by the characters this test knows it put in.
fn has_raw(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{7}' | '\u{1b}' | '\u{200b}' | '\u{202e}' | '\u{301}'))
}

#[test]
fn ids_are_shown_visibly_and_matched_composed() {
    let r = report();
    let ids: Vec<&str> = r.journeys.children.iter().map(|c| &*c.id).collect();
    // Five children, not six: the decomposed and the composed Amélie are one child.
    assert_eq!(
        ids,
        [
            "K02-00050",
            "K02-⟨U+202E⟩05000",
            "K02-00051",
            "K02-000⟨U+200B⟩51",
            "Amélie-1",
        ]
    );
    let amelie = &r.journeys.children[4];
    assert_eq!(amelie.care_periods.len(), 1, "her placement joined her");
    assert_eq!(
        amelie.team.as_deref(),
        Some("West⟨U+0007⟩⟨U+001B⟩]0;pwned⟨U+0007⟩")
    );
    let placement = &amelie.care_periods[0].placements[0];
    assert_eq!(&*placement.placement_type, "Foster⟨U+0007⟩ care");
    let bob = &r.journeys.children[1].care_periods[0].placements[0];
    assert_eq!(bob.carer.as_deref(), Some("Bob⟨U+001B⟩[31m Carer"));
}

#[test]
fn invisible_characters_are_reported_by_file_row_and_column() {
    let r = report();
    let found: Vec<(Option<&str>, Option<u32>, Option<&str>)> =
        with_code(&r, Code::HiddenCharacters)
            .iter()
            .map(|d| (d.file.as_deref(), d.row, d.column.as_deref()))
            .collect();
    assert_eq!(
        found,
        [
            (Some("children.csv"), Some(3), Some("child_id")),
            (Some("children.csv"), Some(5), Some("child_id")),
            (Some("children.csv"), Some(6), Some("team")),
            (Some("placements.csv"), Some(3), Some("child_id")),
            (Some("placements.csv"), Some(3), Some("carer")),
            (Some("placements.csv"), Some(5), Some("child_id")),
            (Some("placements.csv"), Some(6), Some("placement_type")),
        ]
    );
    let rlo = with_code(&r, Code::HiddenCharacters)[0];
    assert_eq!(
        rlo.message,
        "The child id \"K02-⟨U+202E⟩05000\" in column \"child_id\" holds invisible characters: U+202E (right-to-left override). They can make it look like another value (another child's ID), so they are shown as ⟨U+202E⟩ and kept as part of it. Check the export."
    );
    // The decomposed é is not hidden (it is a combining accent, not Cc or Cf): Amélie's
    // children row is reported for the team only.
    assert!(r.input.diagnostics.iter().all(|d| !has_raw(&d.message)));
}

#[test]
fn ids_that_differ_only_by_invisible_characters_are_flagged() {
    let r = report();
    let flagged = with_code(&r, Code::LookAlikeIds);
    // K02-000⟨U+200B⟩51 is K02-00051 without the zero-width space. The override's ID,
    // K02-05000 without it, is another string (it only displays as K02-00050), and is
    // reported as holding an invisible character above.
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let d = flagged[0];
    assert_eq!(d.child_id.as_deref(), Some("K02-000⟨U+200B⟩51"));
    assert_eq!((d.file.as_deref(), d.row), (Some("children.csv"), Some(5)));
    assert!(
        d.message.starts_with(
            "Children \"K02-00051\" (children.csv row 4) and \"K02-000⟨U+200B⟩51\" (children.csv row 5) have IDs that look the same"
        ),
        "{}",
        d.message
    );
}

#[test]
fn csv_exports_hold_no_invisible_character() {
    let e = Explorer::new(report());
    let csv = e.children_table(&ChildQuery::default()).to_csv();
    assert!(!has_raw(&csv), "{csv}");
    assert!(csv.contains("K02-⟨U+202E⟩05000"));
    let problems = e
        .problems_table(&driftline::explore::ProblemQuery::default())
        .to_csv();
    assert!(!has_raw(&problems));
    for i in 0..5 {
        let chronology = e.chronology_table(i, false).expect("a child").to_csv();
        assert!(!has_raw(&chronology), "{chronology}");
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("privacy");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir.join(name)
}

/// The hostile cohort written to files for the command line.
fn files() -> Vec<String> {
    let dir = scratch("hostile");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    [("children.csv", CHILDREN), ("placements.csv", PLACEMENTS)]
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write");
            path.to_string_lossy().into_owned()
        })
        .collect()
}

fn driftline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args(args)
        .output()
        .expect("run driftline")
}

/// Whether `svg` is well-formed XML, read to its end.
fn well_formed(svg: &str) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

#[test]
fn charts_of_hostile_labels_are_well_formed_svg_and_png() {
    let inputs = files();
    for (child, name) in [
        ("K02-⟨U+202E⟩05000", "rlo"),
        ("Amélie-1", "amelie"),
        ("K02-000⟨U+200B⟩51", "zwsp"),
    ] {
        for format in ["svg", "png"] {
            let out = scratch(&format!("{name}.{format}"));
            let _ = std::fs::remove_file(&out);
            let mut args = vec!["chart", "--kind", "timeline", "--child", child];
            args.extend([
                "--as-at",
                "2024-06-30",
                "--out",
                out.to_str().expect("a path"),
            ]);
            args.extend(inputs.iter().map(String::as_str));
            let run = driftline(&args);
            assert!(
                run.status.success(),
                "{child} {format}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
            let bytes = std::fs::read(&out).expect("written");
            if format == "svg" {
                let svg = String::from_utf8(bytes).expect("UTF-8");
                well_formed(&svg).unwrap_or_else(|e| panic!("{child}: {e}"));
                assert!(!has_raw(&svg));
                assert!(svg.contains(&format!("Child {child}")), "{svg}");
            } else {
                assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
            }
        }
    }
}

#[test]
fn the_terminal_gets_no_escape_sequence() {
    let inputs = files();
    // A child that is not there: the message quotes what was asked for.
    let asked = "X\u{1b}]0;pwned\u{7}\u{202e}";
    let out = scratch("none.svg");
    let mut args = vec!["chart", "--kind", "timeline", "--child", asked];
    args.extend([
        "--as-at",
        "2024-06-30",
        "--out",
        out.to_str().expect("a path"),
    ]);
    args.extend(inputs.iter().map(String::as_str));
    let run = driftline(&args);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!has_raw(&stderr), "{stderr:?}");
    assert!(
        stderr.contains("X⟨U+001B⟩]0;pwned⟨U+0007⟩⟨U+202E⟩"),
        "{stderr}"
    );
    // The per-child CSV on standard output.
    let mut args = vec!["analyze", "--format", "csv", "--as-at", "2024-06-30"];
    args.extend(inputs.iter().map(String::as_str));
    let run = driftline(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8(run.stdout).expect("UTF-8");
    assert!(!has_raw(&stdout), "{stdout:?}");
    assert!(stdout.contains("K02-⟨U+202E⟩05000"));
}
