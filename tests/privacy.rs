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
use driftline::explore::{
    ChartQuery, ChildQuery, Explorer, ProblemQuery, StageQuery, StageRowsQuery,
};
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
    // K02-⟨U+202E⟩05000 is K02-05000 without the override, but the override shows "05000"
    // right to left, "00050": it displays as K02-00050 (children.csv row 2), and is flagged
    // with it. K02-000⟨U+200B⟩51 is K02-00051 without the zero-width space. K02-00050 and
    // K02-00051 are two ordinary IDs, and Amélie-1 looks like no other: neither is flagged.
    assert_eq!(flagged.len(), 2, "{flagged:?}");
    let d = flagged[0];
    assert_eq!(d.child_id.as_deref(), Some("K02-⟨U+202E⟩05000"));
    assert_eq!((d.file.as_deref(), d.row), (Some("children.csv"), Some(3)));
    assert!(
        d.message.starts_with(
            "Children \"K02-00050\" (children.csv row 2) and \"K02-⟨U+202E⟩05000\" (children.csv row 3) have IDs that look the same"
        ),
        "{}",
        d.message
    );
    let d = flagged[1];
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

// --- Pseudonymise covers every output --------------------------------------------------------

/// Three children named in their IDs; one date of birth written month-first (unreadable, so
/// quoted in a problem); carers named; a placement type, a legal status and an event label
/// written as free text naming people; event details naming people.
const NAMED_CHILDREN: &str = "child_id,date_of_birth,sex,local_authority,team
SMITH-JOHN-01,03/04/2015,Female,Aldmoor,North
JONES-AMY-02,12/13/2016,Male,Aldmoor,South
BROWN-ZOE-03,25/06/2019,Female,Benholm,North
";
const NAMED_PLACEMENTS: &str = "child_id,start_date,end_date,placement_type,carer,legal_status
SMITH-JOHN-01,01/03/2023,,Foster care with Gran Smith,Margaret Smith,CSO per Sheriff Brown
JONES-AMY-02,01/06/2023,01/09/2023,Kinship care,Uncle Bob Jones,Interim CSO
BROWN-ZOE-03,01/07/2023,,Foster care,Pat Green,Interim CSO
";
const NAMED_EVENTS: &str = "child_id,date,event,detail
SMITH-JOHN-01,01/03/2023,Became looked after,Removed from Jane Doe's house
SMITH-JOHN-01,05/04/2023,Contact with mum Jane Doe,
BROWN-ZOE-03,01/08/2023,LAC review,Chaired by Ms Violet Grey
JONES-AMY-02,20/06/2023,Review with Auntie Rose,
";

/// Everything that must not be seen pseudonymised: the IDs, each date of birth as written and
/// as ISO, the carers, every name in the free text, the teams and the local authorities.
const SECRETS: [&str; 20] = [
    "SMITH-JOHN-01",
    "JONES-AMY-02",
    "BROWN-ZOE-03",
    "03/04/2015",
    "2015-04-03",
    "12/13/2016",
    "13 December 2016",
    "25/06/2019",
    "2019-06-25",
    "Margaret",
    "Uncle Bob",
    "Pat Green",
    "Gran Smith",
    "Sheriff Brown",
    "Jane Doe",
    "Auntie Rose",
    "North",
    "South",
    "Aldmoor",
    "Benholm",
];

fn named_explorer() -> Explorer {
    let files = [
        InputFile {
            name: "children.csv",
            bytes: NAMED_CHILDREN.as_bytes(),
        },
        InputFile {
            name: "placements.csv",
            bytes: NAMED_PLACEMENTS.as_bytes(),
        },
        InputFile {
            name: "events.csv",
            bytes: NAMED_EVENTS.as_bytes(),
        },
    ];
    let mut options = options();
    options.mapping = Some(
        driftline::ingest::Mapping::from_json(
            r#"{"labels":{"event":{"Review with Auntie Rose":"lac_review"}}}"#,
        )
        .expect("a mapping"),
    );
    Explorer::new(analyze(&files, &options).expect("the cohort loads"))
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serialises")
}

/// Every answer, chart (its texts and tooltips) and export of a view, pseudonymised or not.
fn outputs(e: &mut Explorer, pseudonymise: bool) -> Vec<(String, String)> {
    let p = pseudonymise;
    let query = |extra: &str| format!(r#"{{"pseudonymise":{p}{extra}}}"#);
    let mut out = Vec::new();
    let problems: ProblemQuery = serde_json::from_str(&query("")).expect("q");
    out.push(("problems".into(), json(&e.problems(&problems))));
    out.push(("problems.csv".into(), e.problems_table(&problems).to_csv()));
    let children: ChildQuery = serde_json::from_str(&query("")).expect("q");
    out.push(("children".into(), json(&e.children(&children))));
    out.push(("children.csv".into(), e.children_table(&children).to_csv()));
    for i in 0..3 {
        out.push((format!("child {i}"), json(&e.child(i, p).expect("a child"))));
        out.push((
            format!("chronology {i}.csv"),
            e.chronology_table(i, p).expect("a child").to_csv(),
        ));
        let one: StageRowsQuery =
            serde_json::from_str(&query(&format!(r#","child":{i}"#))).expect("q");
        out.push((
            format!("stage rows {i}.csv"),
            e.stage_rows_csv(&one).expect("rows"),
        ));
        let chart: ChartQuery = serde_json::from_str(&query(&format!(
            r#","kind":"timeline","slot":"t","child":{i}"#
        )))
        .expect("q");
        let (layout, info) = e.draw(&chart).expect("a timeline");
        // The layout's JSON holds every text drawn and every tooltip (hit regions' labels).
        out.push((format!("timeline {i}"), json(layout) + &json(&info)));
        out.push((format!("timeline {i}.svg"), e.chart_svg("t").expect("svg")));
        out.push((
            format!("timeline {i}.csv"),
            e.chart_table("t").expect("a table").to_csv(),
        ));
    }
    let stages: StageQuery = serde_json::from_str(&query("")).expect("q");
    out.push(("stages".into(), json(&e.stages(&stages))));
    out.push(("stages.csv".into(), e.stages_table(&stages).to_csv()));
    // By team and by authority: the stage table, its export, and the charts of a breakdown.
    let stage = e.summary().stages[0].0.to_string();
    for b in ["team", "local_authority"] {
        let by: StageQuery =
            serde_json::from_str(&query(&format!(r#","breakdown":"{b}""#))).expect("q");
        out.push((format!("stages by {b}"), json(&e.stages(&by))));
        out.push((format!("stages by {b}.csv"), e.stages_table(&by).to_csv()));
        for kind in ["delay", "km", "histogram"] {
            let chart: ChartQuery = serde_json::from_str(&query(&format!(
                r#","kind":"{kind}","slot":"b","stage":"{stage}","breakdown":"{b}""#
            )))
            .expect("q");
            let (layout, info) = e.draw(&chart).expect("a chart");
            out.push((format!("{kind} by {b}"), json(layout) + &json(&info)));
            out.push((format!("{kind} by {b}.svg"), e.chart_svg("b").expect("svg")));
            out.push((
                format!("{kind} by {b}.csv"),
                e.chart_table("b").expect("a table").to_csv(),
            ));
            out.push((
                format!("{kind} by {b} (embed)"),
                json(&e.layout(&chart).expect("a chart")),
            ));
        }
    }
    // The filters' values as the page offers them.
    let facets = if p {
        json(&e.summary().pseudonymised_facets)
    } else {
        json(&e.summary().facets)
    };
    out.push(("filters".into(), facets));
    let cohort: ChartQuery =
        serde_json::from_str(&query(r#","kind":"cohort","slot":"c""#)).expect("q");
    let (layout, info) = e.draw(&cohort).expect("the cohort view");
    out.push(("cohort".into(), json(layout) + &json(&info)));
    out.push(("cohort.svg".into(), e.chart_svg("c").expect("svg")));
    out.push((
        "cohort.csv".into(),
        e.chart_table("c").expect("a table").to_csv(),
    ));
    out
}

#[test]
fn nothing_named_survives_pseudonymisation() {
    let mut e = named_explorer();
    // Not pseudonymised, every secret is somewhere (so the search below can find them).
    let plain: String = outputs(&mut e, false)
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    // (Dates of birth that were read are shown as ISO, not as written.)
    for secret in SECRETS
        .iter()
        .filter(|s| !["03/04/2015", "25/06/2019"].contains(s))
    {
        assert!(
            plain.contains(secret),
            "the plain views never show {secret}"
        );
    }
    for (what, text) in outputs(&mut e, true) {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
        }
    }
}

#[test]
fn pseudonymised_views_say_what_they_hide() {
    let e = named_explorer();
    let q: ProblemQuery =
        serde_json::from_str(r#"{"search":"month-first","pseudonymise":true}"#).expect("q");
    let messages: Vec<String> = e.problems(&q).rows.into_iter().map(|d| d.message).collect();
    // The month-first date of birth, and what it would mean, are hidden.
    assert!(
        messages.iter().any(|m| m
            == "A date in column \"date_of_birth\" only makes sense month-first (the value is hidden while pseudonymised). Driftline reads dates day-first (dd/mm/yyyy): correct the column or export it again day-first. The child is kept without a date of birth."),
        "{messages:?}"
    );
    // The placement type and legal status as written give way to their categories.
    let detail = e.child(0, true).expect("a child");
    let placement = &detail.care_periods[0].placements[0];
    assert_eq!(&*placement.placement_type, placement.category_label);
    assert_eq!(placement.carer.as_deref(), Some("Carer A"));
    let legal = json(&e.children(&serde_json::from_str(r#"{"pseudonymise":true}"#).expect("q")));
    assert!(legal.contains(r#""placement_type":null"#), "{legal}");
    // Events are named by their milestones: the mapped review, and the unrecognised contact.
    let chronology = e.chronology_table(0, true).expect("a child").to_csv();
    assert!(
        chronology.contains("Other event (wording withheld)"),
        "{chronology}"
    );
    let chronology = e.chronology_table(1, true).expect("a child").to_csv();
    assert!(chronology.contains(",LAC review,"), "{chronology}");
}

#[test]
fn teams_and_authorities_are_named_neutrally_and_filters_take_either_name() {
    let mut e = named_explorer();
    // In order of first appearance among the children: North (SMITH-JOHN-01) is Team A,
    // South (JONES-AMY-02) Team B; Aldmoor is Authority A, Benholm Authority B.
    let summary = e.summary();
    let pairs = |v: &[(driftline::model::Text, String)]| -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.clone())).collect()
    };
    let named = |a: &str| (a.to_string(), a.to_string());
    assert_eq!(
        pairs(&summary.pseudonymised_facets.team),
        [named("Team A"), named("Team B")]
    );
    assert_eq!(
        pairs(&summary.pseudonymised_facets.local_authority),
        [named("Authority A"), named("Authority B")]
    );
    // Not pseudonymised, the facets are the names themselves, as before.
    assert_eq!(
        pairs(&summary.facets.team),
        [named("North"), named("South")]
    );
    // Each name beside its neutral name, so that the page keeps a team chosen across the
    // switch.
    let both = |v: &[(driftline::model::Text, driftline::model::Text)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        both(&summary.neutral_names.team),
        [pair("North", "Team A"), pair("South", "Team B")]
    );
    assert_eq!(
        both(&summary.neutral_names.local_authority),
        [
            pair("Aldmoor", "Authority A"),
            pair("Benholm", "Authority B")
        ]
    );
    // The children of a team, chosen by either name.
    let children = |filter: &str, pseudonymise: bool| -> Vec<(String, Option<String>)> {
        let q: ChildQuery = serde_json::from_str(&format!(
            r#"{{"pseudonymise":{pseudonymise},"filters":{filter}}}"#
        ))
        .expect("q");
        e.children(&q)
            .rows
            .iter()
            .map(|r| (r.child.clone(), r.team.as_deref().map(str::to_string)))
            .collect()
    };
    let team_a = vec![
        ("Child 1".to_string(), Some("Team A".to_string())),
        ("Child 3".to_string(), Some("Team A".to_string())),
    ];
    assert_eq!(children(r#"{"team":"Team A"}"#, true), team_a);
    assert_eq!(children(r#"{"team":"North"}"#, true), team_a);
    assert_eq!(
        children(r#"{"team":"Team B"}"#, true),
        [("Child 2".to_string(), Some("Team B".to_string()))]
    );
    assert_eq!(
        children(r#"{"local_authority":"Authority B"}"#, true),
        [("Child 3".to_string(), Some("Team A".to_string()))]
    );
    // Not pseudonymised, the real names are shown.
    assert_eq!(
        children(r#"{"team":"South"}"#, false),
        [("JONES-AMY-02".to_string(), Some("South".to_string()))]
    );
    // The stage table's groups by team.
    let q: StageQuery =
        serde_json::from_str(r#"{"pseudonymise":true,"breakdown":"team"}"#).expect("q");
    let table = e.stages(&q);
    let groups: Vec<(&str, &str)> = table.stages[0]
        .groups
        .iter()
        .map(|(v, l, _)| (v.as_str(), l.as_str()))
        .collect();
    // The first stage (became looked after to first review) is started by all three
    // children: North's two and South's one.
    assert_eq!(groups, [("Team A", "Team A"), ("Team B", "Team B")]);
}

#[test]
fn the_command_lines_charts_by_team_name_no_team_when_pseudonymised() {
    let dir = scratch("named");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let inputs: Vec<String> = [
        ("children.csv", NAMED_CHILDREN),
        ("placements.csv", NAMED_PLACEMENTS),
        ("events.csv", NAMED_EVENTS),
    ]
    .iter()
    .map(|(name, text)| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path.to_string_lossy().into_owned()
    })
    .collect();
    for (kind, breakdown, out, groups) in [
        (
            "delay",
            "team",
            "delay.svg",
            ["North", "South", "Team A", "Team B"],
        ),
        (
            "delay",
            "team",
            "delay.csv",
            ["North", "South", "Team A", "Team B"],
        ),
        (
            "km",
            "local_authority",
            "km.svg",
            ["Aldmoor", "Benholm", "Authority A", "Authority B"],
        ),
    ] {
        let [real_a, real_b, neutral_a, neutral_b] = groups;
        for pseudonymise in [false, true] {
            let path = dir.join(format!("{pseudonymise}-{out}"));
            let _ = std::fs::remove_file(&path);
            let mut args = vec![
                "chart",
                "--kind",
                kind,
                "--stage",
                "first_review",
                "--breakdown",
                breakdown,
                "--as-at",
                "2024-06-30",
                "--out",
                path.to_str().expect("a path"),
            ];
            if pseudonymise {
                args.push("--pseudonymise");
            }
            args.extend(inputs.iter().map(String::as_str));
            let run = driftline(&args);
            assert!(
                run.status.success(),
                "{out}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
            let text = std::fs::read_to_string(&path).expect("written");
            // Not pseudonymised, the groups are named as written; pseudonymised, neutrally
            // (in order of first appearance), and no real name is left.
            let (shown, hidden) = if pseudonymise {
                ([neutral_a, neutral_b], [real_a, real_b])
            } else {
                ([real_a, real_b], [neutral_a, neutral_b])
            };
            for name in shown {
                assert!(text.contains(name), "{out} lacks {name}:\n{text}");
            }
            for name in hidden {
                assert!(!text.contains(name), "{out} shows {name}:\n{text}");
            }
        }
    }
}
