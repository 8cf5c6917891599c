//! SSDA903 returns as authorities hold them: the public synthetic returns in
//! `tests/fixtures/ssda903-returns/` load in every combination a user would drop (every row
//! used or reported, counts pinned), five children's journeys are checked by hand against their
//! rows, the five yearly returns give the same journeys as the same returns stacked in one
//! table, and each reconciliation rule is worked by hand on a tiny table.

use chrono::NaiveDate;
use driftline::diagnostics::{Code, Severity};
use driftline::model::{Child, LegalCategory, Milestone, Observed, PlacementCategory};
use driftline::{analyze, InputFile, Options, Report};
use std::collections::BTreeMap;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap()
}

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ssda903-returns"
);

/// Files of a fixture folder, by name.
fn files(folder: &str, names: &[&str]) -> Vec<(String, Vec<u8>)> {
    names
        .iter()
        .map(|n| {
            let bytes = std::fs::read(format!("{DIR}/{folder}/{n}")).unwrap();
            (n.to_string(), bytes)
        })
        .collect()
}

const WHOLE: [&str; 13] = [
    "header.csv",
    "episodes.csv",
    "reviews.csv",
    "ad1.csv",
    "placed_for_adoption.csv",
    "placed_for_adoption_errors.csv",
    "missing.csv",
    "oc2.csv",
    "oc3.csv",
    "previous_permanence.csv",
    "uasc.csv",
    "sw_episodes.csv",
    "DoLo.csv",
];

const TABLES: [&str; 8] = [
    "header",
    "episodes",
    "reviews",
    "missing",
    "oc2",
    "oc3",
    "previous_permanence",
    "uasc",
];

fn year(y: u32) -> Vec<(String, Vec<u8>)> {
    let names: Vec<String> = TABLES.iter().map(|t| format!("{y}-{t}.csv")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    files("five-years", &names)
}

fn five_years() -> Vec<(String, Vec<u8>)> {
    (2017..=2021).flat_map(year).collect()
}

fn load(files: &[(String, Vec<u8>)], as_at: &str) -> Report {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    analyze(&inputs, &Options::new(d(as_at))).unwrap()
}

fn child<'a>(r: &'a Report, id: &str) -> &'a Child {
    r.journeys
        .iter()
        .find(|c| &*c.id == id)
        .unwrap_or_else(|| panic!("no child {id}"))
}

/// Every row is used or reported: the counts add up, and each rejected row has its message.
fn every_row_accounted_for(r: &Report) {
    let i = &r.input;
    assert_eq!(i.rows_read, i.rows_used + i.rows_rejected);
    let rejected = i
        .diagnostics
        .iter()
        .filter(|x| x.severity == Severity::Rejected)
        .count() as u64;
    assert_eq!(rejected, i.rows_rejected);
    for t in &i.tables {
        assert_eq!(t.rows_read, t.rows_used + t.rows_rejected, "{}", t.file);
    }
}

fn counts(r: &Report) -> (usize, usize, usize, usize) {
    (r.children, r.care_periods, r.placements, r.moves)
}

fn codes(r: &Report, severity: Severity) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for x in &r.input.diagnostics {
        if x.severity == severity {
            *out.entry(x.code.as_str()).or_default() += 1;
        }
    }
    out
}

/// Everything a journey says, without the rows it came from (which differ between the same
/// data in other files).
fn outline(c: &Child) -> String {
    let mut s = format!(
        "{} dob {:?} sex {:?} la {:?} attrs {:?} observed {:?}\n",
        c.id, c.date_of_birth, c.sex, c.local_authority, c.attributes, c.observed
    );
    for p in &c.care_periods {
        s += &format!(
            "  period {} {:?} unknown start {} moves {}\n",
            p.start, p.end, p.start_unknown, p.moves
        );
        for x in &p.placements {
            s += &format!(
                "    {} {:?} {:?} {} {:?} {:?} {:?} {}\n",
                x.start,
                x.end,
                x.category,
                x.placement_type,
                x.carer,
                x.legal_status,
                x.move_number.get(),
                x.temporary
            );
        }
        // Events of one day in a canonical order (the input's order differs between files).
        let mut events: Vec<String> = p
            .events
            .iter()
            .map(|e| format!("    event {} {:?} {:?}\n", e.date, e.milestone, e.detail))
            .collect();
        events.sort();
        s += &events.concat();
    }
    for l in &c.legal {
        s += &format!(
            "  legal {} {:?} {:?} {}\n",
            l.start, l.end, l.category, l.legal_status
        );
    }
    for e in &c.events_outside_care {
        s += &format!("  outside {} {:?} {:?}\n", e.date, e.milestone, e.detail);
    }
    s
}

fn outlines(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = r.journeys.iter().map(outline).collect();
    v.sort();
    v
}

#[test]
fn the_whole_return_loads_with_every_table_recognised() {
    let r = load(&files("whole-return", &WHOLE), "31/03/2019");
    every_row_accounted_for(&r);
    let tables: Vec<(&str, &str, u64, u64, u64)> = r
        .input
        .tables
        .iter()
        .map(|t| {
            (
                t.file.as_str(),
                t.kind.as_str(),
                t.rows_read,
                t.rows_used,
                t.rows_rejected,
            )
        })
        .collect();
    // Each file's lines less its header (`grep -c ''`). The DoLo and social-worker rows are
    // about CHILD10, whom neither the Header nor the Episodes know: rejected.
    assert_eq!(
        tables,
        [
            ("header.csv", "ssda903_header", 2675, 2675, 0),
            ("episodes.csv", "ssda903_episodes", 5050, 5050, 0),
            ("reviews.csv", "ssda903_reviews", 12582, 12582, 0),
            ("ad1.csv", "ssda903_ad1", 29, 29, 0),
            (
                "placed_for_adoption.csv",
                "ssda903_placed_for_adoption",
                29,
                29,
                0
            ),
            (
                "placed_for_adoption_errors.csv",
                "ssda903_placed_for_adoption",
                30,
                30,
                0
            ),
            ("missing.csv", "ssda903_missing", 43, 43, 0),
            ("oc2.csv", "ssda903_oc2", 2675, 2675, 0),
            ("oc3.csv", "ssda903_oc3", 53, 53, 0),
            (
                "previous_permanence.csv",
                "ssda903_previous_permanence",
                2675,
                2675,
                0
            ),
            ("uasc.csv", "ssda903_uasc", 132, 132, 0),
            ("sw_episodes.csv", "ssda903_social_worker", 1, 0, 1),
            ("DoLo.csv", "ssda903_dolo", 1, 0, 1),
        ]
    );
    let unknown: Vec<(Option<&str>, Option<u32>, Option<&str>)> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.code == Code::UnknownChild)
        .map(|x| (x.file.as_deref(), x.row, x.child_id.as_deref()))
        .collect();
    assert_eq!(
        unknown,
        [
            (Some("sw_episodes.csv"), Some(2), Some("CHILD10")),
            (Some("DoLo.csv"), Some(2), Some("CHILD10")),
        ]
    );
    // No child is made up from those rows: the children are the Header's 2,675, each with
    // the Header's sex (1 male, 2 female).
    assert_eq!(counts(&r), (2675, 2244, 4275, 1661));
    assert!(r.journeys.iter().all(|c| &*c.id != "CHILD10"));
    let header = std::fs::read_to_string(format!("{DIR}/whole-return/header.csv")).unwrap();
    let mut sexes: BTreeMap<String, String> = BTreeMap::new();
    for line in header.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        sexes.insert(cells[0].to_string(), cells[1].to_string());
    }
    assert_eq!(sexes.len(), 2675);
    for c in &r.journeys {
        let want = match sexes[&*c.id].as_str() {
            "1" => "Male",
            "2" => "Female",
            other => other,
        };
        assert_eq!(c.sex.as_deref(), Some(want), "child {}", c.id);
    }
    // The single return covers 1 April 2017 to 31 March 2018 (3,625 of its 3,637 episode ends
    // fall in that year; the other 12 are stray).
    let window = Some(Observed {
        from: d("01/04/2017"),
        to: d("31/03/2018"),
    });
    assert!(r.journeys.iter().all(|c| c.observed == window));
    // 132 children are listed as unaccompanied; every other child is not.
    let uasc = |v: &str| {
        r.journeys
            .iter()
            .filter(|c| c.attributes.get("UASC").map(|x| &**x) == Some(v))
            .count()
    };
    assert_eq!((uasc("Yes"), uasc("No")), (132, 2675 - 132));
    assert_eq!(
        r.journeys
            .iter()
            .filter(|c| c.attributes.contains_key("PREV_PERM"))
            .count(),
        2675
    );
}

#[test]
fn child_988635_of_the_whole_return_by_hand() {
    // header.csv row 101: 988635, SEX 1, DOB 15/06/2013, ETHNIC AOTH.
    // episodes.csv rows 194-196:
    //   06/10/2016 L D1 P3 → 19/07/2017 X1 (RNE L: the period began before the return)
    //   19/07/2017 P D1 T0 → 07/09/2017 X1 (temporary: not a move; a new carer)
    //   07/09/2017 P D1 Z1 → open           (a move, a new carer)
    // ad1.csv row 2: DATE_MATCH 22/11/2015, FOSTER_CARE 1. placed_for_adoption.csv row 2:
    // DATE_PLACED 22/11/2015; placed_for_adoption_errors.csv rows 2-3: 22/11/2016 and
    // 22/11/2015 again (a repeat from another file, counted once). previous_permanence.csv row
    // 101: PREV_PERM Z1. Not in uasc.csv. Reviews 05/07/2016 and 25/03/2018.
    let r = load(&files("whole-return", &WHOLE), "31/03/2019");
    let c = child(&r, "988635");
    assert_eq!(c.sex.as_deref(), Some("Male"));
    assert_eq!(c.date_of_birth, Some(d("15/06/2013")));
    let attrs: Vec<(&str, &str)> = c.attributes.iter().map(|(k, v)| (&**k, &**v)).collect();
    assert_eq!(
        attrs,
        [
            ("ETHNIC", "AOTH"),
            ("FOSTER_CARE", "1"),
            ("PREV_PERM", "Z1"),
            ("UASC", "No")
        ]
    );
    assert_eq!(c.care_periods.len(), 1);
    let p = &c.care_periods[0];
    assert_eq!(
        (p.start, p.end, p.start_unknown, p.moves),
        (d("06/10/2016"), None, true, 1)
    );
    let placements: Vec<(NaiveDate, PlacementCategory, Option<&str>, bool)> = p
        .placements
        .iter()
        .map(|x| (x.start, x.category, x.carer.as_deref(), x.temporary))
        .collect();
    assert_eq!(
        placements,
        [
            (
                d("06/10/2016"),
                PlacementCategory::Independent,
                Some("carer 1"),
                false
            ),
            (
                d("19/07/2017"),
                PlacementCategory::Other,
                Some("carer 2"),
                true
            ),
            (
                d("07/09/2017"),
                PlacementCategory::Other,
                Some("carer 3"),
                false
            ),
        ]
    );
    // Inside the period (from 06/10/2016): the placement order on the first D1 episode's
    // start, the decision of 22/11/2016 and the review of 25/03/2018.
    let inside: Vec<(NaiveDate, Milestone)> =
        p.events.iter().map(|e| (e.date, e.milestone)).collect();
    assert_eq!(
        inside,
        [
            (d("06/10/2016"), Milestone::PlacementOrder),
            (d("22/11/2016"), Milestone::AdmDecision),
            (d("25/03/2018"), Milestone::LacReview),
        ]
    );
    let mut outside: Vec<(NaiveDate, Milestone)> = c
        .events_outside_care
        .iter()
        .map(|e| (e.date, e.milestone))
        .collect();
    outside.sort();
    assert_eq!(
        outside,
        [
            (d("22/11/2015"), Milestone::AdmDecision),
            (d("22/11/2015"), Milestone::Matched),
            (d("05/07/2016"), Milestone::LacReview),
        ]
    );
    // The start before the return is information, not a warning.
    let notes: Vec<(Severity, Code, Option<u32>)> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.child_id.as_deref() == Some("988635"))
        .filter(|x| x.code == Code::PeriodWithoutStart)
        .map(|x| (x.severity, x.code, x.row))
        .collect();
    assert_eq!(
        notes,
        [(Severity::Info, Code::PeriodWithoutStart, Some(194))]
    );
}

#[test]
fn the_xml_return_loads_with_every_element_used() {
    let r = load(&files("whole-return", &["fake_903.xml"]), "31/03/2019");
    every_row_accounted_for(&r);
    assert_eq!(r.input.files[0].format, "ssda903-xml");
    // Element counts in the file: 253 CHILD (HEADER), 459 EPISODE, 1,206 AREVIEW, 3 HEADERs
    // with AD1 fields, 3 AD_PLACED, 6 AMISSING, 253 OC2, 6 HEADERs with OC3 fields, 253
    // PERMANENCE, 12 HEADERs with UASC 1.
    let tables: Vec<(&str, u64, u64)> = r
        .input
        .tables
        .iter()
        .map(|t| (t.kind.as_str(), t.rows_read, t.rows_used))
        .collect();
    assert_eq!(
        tables,
        [
            ("ssda903_header", 253, 253),
            ("ssda903_episodes", 459, 459),
            ("ssda903_reviews", 1206, 1206),
            ("ssda903_ad1", 3, 3),
            ("ssda903_placed_for_adoption", 3, 3),
            ("ssda903_missing", 6, 6),
            ("ssda903_oc2", 253, 253),
            ("ssda903_oc3", 6, 6),
            ("ssda903_previous_permanence", 253, 253),
            ("ssda903_uasc", 12, 12),
        ]
    );
    // No element left unread.
    assert!(!r
        .input
        .diagnostics
        .iter()
        .any(|x| x.code == Code::TableIgnored || x.severity == Severity::Fatal));
    assert_eq!(counts(&r), (253, 208, 386, 144));
    // The first child, by hand: CHILDID 907440, SEX 2, DOB 28/07/2010; EPISODEs 06/01/2017 T
    // J3 R5 → 06/10/2017 X1 and 06/10/2017 T J3 P2 → 07/03/2018 E11. RNE T both times: one
    // carer throughout, and the period began before the return.
    let c = child(&r, "907440");
    assert_eq!(c.sex.as_deref(), Some("Female"));
    assert_eq!(c.attributes.get("UASC").map(|v| &**v), Some("No"));
    let p = &c.care_periods[0];
    assert_eq!(
        (p.start, p.end, p.start_unknown, p.moves),
        (d("06/01/2017"), Some(d("07/03/2018")), true, 1)
    );
    let carers: Vec<Option<&str>> = p.placements.iter().map(|x| x.carer.as_deref()).collect();
    assert_eq!(carers, [Some("carer 1"), Some("carer 1")]);
    assert_eq!(
        p.events
            .last()
            .map(|e| (e.date, e.milestone, e.detail.as_deref())),
        Some((
            d("07/03/2018"),
            Milestone::OrderGranted,
            Some("Adoption order")
        ))
    );
}

#[test]
fn the_xml_return_is_no_longer_refused() {
    // An XML file that is not a return is still refused, without telling anyone to resave a
    // return; the return itself is read.
    let other = b"<?xml version='1.0'?><Workbook><Table/></Workbook>".to_vec();
    let inputs = [InputFile {
        name: "book.xml",
        bytes: &other,
    }];
    let err = analyze(&inputs, &Options::new(d("31/03/2019"))).unwrap_err();
    let message = &err.diagnostics[0].message;
    assert!(message.contains("neither an SSDA903 return"), "{message}");
}

#[test]
fn each_year_alone_and_all_five_together() {
    // Each year alone: children (Header rows), periods, placements, moves, as counted apart
    // from the Rust code by `tests/fixtures/count_903.py` (which gives the whole return's
    // 2,675, 2,244, 4,275, 1,661 and the XML return's 253, 208, 386, 144 too).
    let alone: Vec<(usize, usize, usize, usize)> = (2017..=2021)
        .map(|y| counts(&load(&year(y), "31/03/2022")))
        .collect();
    for y in 2017..=2021 {
        every_row_accounted_for(&load(&year(y), "31/03/2022"));
    }
    assert_eq!(
        alone,
        [
            (819, 708, 1279, 571),
            (572, 459, 812, 353),
            (362, 301, 547, 246),
            (226, 191, 355, 164),
            (144, 122, 223, 101),
        ]
    );
    // All five: one history. The 910 (CHILD, DECOM) pairs open in one year's return and
    // closed in the next are counted once, so 875 periods, 2,308 placements and 1,433 moves
    // (read as five separate returns would make 1,201, 3,054 and 1,853).
    let r = load(&five_years(), "31/03/2022");
    every_row_accounted_for(&r);
    assert_eq!(counts(&r), (820, 875, 2308, 1433));
    let info = codes(&r, Severity::Info);
    assert_eq!(info.get("episode_superseded"), Some(&910));
    assert_eq!(info.get("censored_at_return_end"), Some(&24));
    assert_eq!(info.get("episode_withdrawn"), None);
    // Repeats of Header rows are counted in one note, never listed one by one.
    let repeats: Vec<&str> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.code == Code::RepeatedAcrossReturns)
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(repeats.len(), 1);
    assert!(repeats[0].contains("Header 1303"), "{}", repeats[0]);
    assert!(!r
        .input
        .diagnostics
        .iter()
        .any(|x| x.code == Code::DuplicateRow
            && x.file.as_deref().is_some_and(|f| f.contains("header"))));
    // The five returns cover 1 April 2017 to 31 March 2022.
    let c = child(&r, "296227");
    assert_eq!(
        c.observed,
        Some(Observed {
            from: d("01/04/2017"),
            to: d("31/03/2022")
        })
    );
}

#[test]
fn three_children_of_the_five_years_by_hand() {
    let r = load(&five_years(), "31/03/2022");

    // 296227. 2017-episodes.csv rows 3-4: 11/09/2017 S C1 U5 → 13/09/2017 X1; 13/09/2017 P C1
    // U4 → open. 2018-episodes.csv rows 2-3: 13/09/2017 P C1 U4 → 02/10/2018 X1 (the same
    // episode, closed: it supersedes row 4 of 2017); 02/10/2018 L V3 U4 → 01/11/2018 E17.
    // One period 11/09/2017-01/11/2018; U5 then U4 (a move, a new carer); the L episode
    // continues U4. Legal: C1 then V3.
    let c = child(&r, "296227");
    assert_eq!(c.care_periods.len(), 1);
    let p = &c.care_periods[0];
    assert_eq!(
        (p.start, p.end, p.start_unknown, p.moves),
        (d("11/09/2017"), Some(d("01/11/2018")), false, 1)
    );
    let placements: Vec<(NaiveDate, Option<NaiveDate>, &str, Option<&str>)> = p
        .placements
        .iter()
        .map(|x| (x.start, x.end, &*x.placement_type, x.carer.as_deref()))
        .collect();
    assert_eq!(
        placements,
        [
            (
                d("11/09/2017"),
                Some(d("13/09/2017")),
                "U5",
                Some("carer 1")
            ),
            (
                d("13/09/2017"),
                Some(d("01/11/2018")),
                "U4",
                Some("carer 2")
            ),
        ]
    );
    let legal: Vec<(NaiveDate, Option<NaiveDate>, LegalCategory)> = c
        .legal
        .iter()
        .map(|l| (l.start, l.end, l.category))
        .collect();
    assert_eq!(
        legal,
        [
            (
                d("11/09/2017"),
                Some(d("02/10/2018")),
                LegalCategory::Interim
            ),
            (
                d("02/10/2018"),
                Some(d("01/11/2018")),
                LegalCategory::Voluntary
            ),
        ]
    );
    let notes: Vec<(Option<&str>, Option<u32>, Code, bool)> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.child_id.as_deref() == Some("296227") && x.code != Code::EventOutsideCare)
        .map(|x| {
            (
                x.file.as_deref(),
                x.row,
                x.code,
                x.message.contains("2018-episodes.csv row 2"),
            )
        })
        .collect();
    assert_eq!(
        notes,
        [(
            Some("2017-episodes.csv"),
            Some(4),
            Code::EpisodeSuperseded,
            true
        )]
    );

    // 225242. 2017 rows 24-26: 28/02/2017 L L2 U4 → 08/07/2017 X1; 08/07/2017 L C1 U4 →
    // 27/03/2018 X1; 27/03/2018 L J2 U4 → open (superseded by 2018 row 10, closed 08/12/2018).
    // 2018 row 11: 08/12/2018 B J2 U5 → open (superseded by 2019 row 4, closed 09/09/2019).
    // 2019 row 5: 09/09/2019 B D1 U5 → 20/11/2019 X1; row 6: 20/11/2019 P D1 A6 → open
    // (superseded by 2020 row 2, closed 01/05/2020). 2020 row 3: 01/05/2020 P D1 U5 → open,
    // and the 2021 return has no episode of the child: censored at 31/03/2021, the end of
    // their last return (the authority's returns run to 31/03/2022).
    // One period from 28/02/2017 (RNE L, before the returns: start unknown), still open; U4
    // (the L episodes continue it), U5 (B: a move, new carer), U5 (B again), A6 (P), U5 (P):
    // four moves, five carers. The placement order on the first D1 start (09/09/2019), placed
    // for adoption on the first A3-A6 start (20/11/2019).
    let c = child(&r, "225242");
    assert_eq!(
        c.observed,
        Some(Observed {
            from: d("01/04/2017"),
            to: d("31/03/2021")
        })
    );
    assert_eq!(c.care_periods.len(), 1);
    let p = &c.care_periods[0];
    assert_eq!(
        (p.start, p.end, p.start_unknown, p.moves),
        (d("28/02/2017"), None, true, 4)
    );
    let placements: Vec<(NaiveDate, &str, Option<&str>)> = p
        .placements
        .iter()
        .map(|x| (x.start, &*x.placement_type, x.carer.as_deref()))
        .collect();
    assert_eq!(
        placements,
        [
            (d("28/02/2017"), "U4", Some("carer 1")),
            (d("08/12/2018"), "U5", Some("carer 2")),
            (d("09/09/2019"), "U5", Some("carer 3")),
            (d("20/11/2019"), "A6", Some("carer 4")),
            (d("01/05/2020"), "U5", Some("carer 5")),
        ]
    );
    let events: Vec<(NaiveDate, Milestone)> = p
        .events
        .iter()
        .filter(|e| e.milestone != Milestone::LacReview && e.milestone != Milestone::Missing)
        .map(|e| (e.date, e.milestone))
        .collect();
    assert_eq!(
        events,
        [
            (d("09/09/2019"), Milestone::PlacementOrder),
            (d("20/11/2019"), Milestone::PlacedForAdoption),
        ]
    );
    let mut notes: Vec<(String, u32, Code)> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.child_id.as_deref() == Some("225242"))
        .filter(|x| x.code != Code::EventOutsideCare && x.code != Code::FutureDate)
        .map(|x| {
            (
                x.file.clone().unwrap_or_default(),
                x.row.unwrap_or(0),
                x.code,
            )
        })
        .collect();
    notes.sort();
    assert_eq!(
        notes,
        [
            ("2017-episodes.csv".into(), 24, Code::PeriodWithoutStart),
            ("2017-episodes.csv".into(), 26, Code::EpisodeSuperseded),
            ("2018-episodes.csv".into(), 11, Code::EpisodeSuperseded),
            ("2019-episodes.csv".into(), 6, Code::EpisodeSuperseded),
            ("2020-episodes.csv".into(), 3, Code::CensoredAtReturnEnd),
        ]
    );

    // 53693. 2017 rows 42-43: 09/05/2017 S E1 U4 → 05/11/2017 X1; 05/11/2017 P E1 K2 → open.
    // No episode in 2018 (a Header row only). 2019 rows 10-11: 05/11/2017 P E1 K2 →
    // 10/02/2020 X1 (the 2017 row's episode, closed: it supersedes it); 10/02/2020 P E1 U5 →
    // 01/04/2020 X1. 2020 row 4: 01/04/2020 P E1 U4 → 31/10/2020 E11 (adopted). The 2019
    // episode ending on 01/04/2020, the first day of the 2020 return, hands over to the 2020
    // episode that starts that day: it was not open in 2020, so nothing is withdrawn.
    // One period 09/05/2017-31/10/2020, three moves, legal E1 throughout, placement order on
    // 09/05/2017 and the adoption order on 31/10/2020.
    let c = child(&r, "53693");
    assert_eq!(c.care_periods.len(), 1);
    let p = &c.care_periods[0];
    assert_eq!(
        (p.start, p.end, p.start_unknown, p.moves),
        (d("09/05/2017"), Some(d("31/10/2020")), false, 3)
    );
    let starts: Vec<(NaiveDate, &str)> = p
        .placements
        .iter()
        .map(|x| (x.start, &*x.placement_type))
        .collect();
    assert_eq!(
        starts,
        [
            (d("09/05/2017"), "U4"),
            (d("05/11/2017"), "K2"),
            (d("10/02/2020"), "U5"),
            (d("01/04/2020"), "U4"),
        ]
    );
    let legal: Vec<(NaiveDate, Option<NaiveDate>, &str)> = c
        .legal
        .iter()
        .map(|l| (l.start, l.end, &*l.legal_status))
        .collect();
    assert_eq!(legal, [(d("09/05/2017"), Some(d("31/10/2020")), "E1")]);
    let events: Vec<(NaiveDate, Milestone, Option<&str>)> = p
        .events
        .iter()
        .filter(|e| e.milestone != Milestone::LacReview)
        .map(|e| (e.date, e.milestone, e.detail.as_deref()))
        .collect();
    assert_eq!(
        events,
        [
            (d("09/05/2017"), Milestone::PlacementOrder, None),
            (
                d("31/10/2020"),
                Milestone::OrderGranted,
                Some("Adoption order")
            ),
        ]
    );
}

/// The five years' tables stacked, one table per kind, with `LA` and `YEAR` columns added as
/// regional pipelines do; `label` gives each year's YEAR value.
fn stacked(label: impl Fn(u32) -> u32) -> Vec<(String, Vec<u8>)> {
    TABLES
        .iter()
        .map(|t| {
            let mut out = String::new();
            for y in 2017..=2021 {
                let text =
                    std::fs::read_to_string(format!("{DIR}/five-years/{y}-{t}.csv")).unwrap();
                let mut lines = text.lines();
                let head = lines.next().unwrap();
                if y == 2017 {
                    out += &format!("{head},LA,YEAR\n");
                }
                for line in lines.filter(|l| !l.trim().is_empty()) {
                    out += &format!("{line},E09000099,{}\n", label(y));
                }
            }
            (format!("ssda903_{t}.csv"), out.into_bytes())
        })
        .collect()
}

#[test]
fn five_yearly_returns_and_the_same_returns_stacked_give_the_same_journeys() {
    let yearly = load(&five_years(), "31/03/2022");
    // Labelled by the year each return begins, or by the year it ends: labels only order
    // returns, and the years covered are read from the dates.
    for label in [|y: u32| y, |y: u32| y + 1] {
        let stacked = load(&stacked(label), "31/03/2022");
        every_row_accounted_for(&stacked);
        assert_eq!(counts(&stacked), counts(&yearly));
        let mut want = outlines(&yearly);
        // The stacked tables name the authority.
        for w in &mut want {
            *w = w.replacen(" la None ", " la Some(\"E09000099\") ", 1);
        }
        assert_eq!(outlines(&stacked), want);
    }
}

// --- Each reconciliation rule on a tiny table ------------------------------------------------

const EPISODES: &str =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

/// An episodes table: `rows` as `CHILD,DECOM,RNE,LS,PLACE,DEC,REC[,LA,YEAR]`.
fn episodes(name: &str, extra: &str, rows: &[&str]) -> (String, Vec<u8>) {
    let mut out = format!("{EPISODES}{extra}\n");
    for r in rows {
        let c: Vec<&str> = r.split(',').collect();
        out += &format!(
            "{},{},{},{},N1,{},PR1,{},{},,,,{}\n",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            c[5],
            c[6],
            c[7..].iter().map(|x| format!(",{x}")).collect::<String>()
        );
    }
    (name.to_string(), out.into_bytes())
}

/// Z's episodes fix the year a tiny return covers: ended 1 July and 1 September of `year`.
fn anchor(year: i32) -> [String; 2] {
    [
        format!("Z,01/05/{year},S,V2,U6,01/07/{year},E8"),
        format!("Z,01/08/{year},S,V2,U6,01/09/{year},E8"),
    ]
}

fn rows_of(year: i32, rows: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = rows.iter().map(|s| s.to_string()).collect();
    v.extend(anchor(year));
    v
}

fn table(name: &str, year: i32, rows: &[&str]) -> (String, Vec<u8>) {
    let rows = rows_of(year, rows);
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    episodes(name, "", &refs)
}

fn info_rows(r: &Report, code: Code) -> Vec<(String, u32)> {
    r.input
        .diagnostics
        .iter()
        .filter(|x| x.code == code)
        .map(|x| (x.file.clone().unwrap_or_default(), x.row.unwrap_or(0)))
        .collect()
}

fn periods(c: &Child) -> Vec<(NaiveDate, Option<NaiveDate>, Vec<&str>)> {
    c.care_periods
        .iter()
        .map(|p| {
            (
                p.start,
                p.end,
                p.placements.iter().map(|x| &*x.placement_type).collect(),
            )
        })
        .collect()
}

#[test]
fn a_closed_copy_beats_an_open_one() {
    // 2019 (1 April 2019 - 31 March 2020): row 2, A 01/06/2019 S U4 open. 2020: row 2, the same
    // episode closed 01/06/2020 E4A. One period 01/06/2019-01/06/2020 and a note on the 2019
    // row citing the 2020 row.
    let r = load(
        &[
            table("2019-episodes.csv", 2019, &["A,01/06/2019,S,C2,U4,,"]),
            table(
                "2020-episodes.csv",
                2020,
                &["A,01/06/2019,S,C2,U4,01/06/2020,E4A"],
            ),
        ],
        "31/03/2021",
    );
    every_row_accounted_for(&r);
    assert_eq!(
        periods(child(&r, "A")),
        [(d("01/06/2019"), Some(d("01/06/2020")), vec!["U4"])]
    );
    assert_eq!(
        info_rows(&r, Code::EpisodeSuperseded),
        [("2019-episodes.csv".to_string(), 2)]
    );
    // The closed copy wins even when the open copy is in the later return.
    let r = load(
        &[
            table(
                "2019-episodes.csv",
                2019,
                &["A,01/06/2019,S,C2,U4,01/02/2020,E4A"],
            ),
            table("2020-episodes.csv", 2020, &["A,01/06/2019,S,C2,U4,,"]),
        ],
        "31/03/2021",
    );
    assert_eq!(
        periods(child(&r, "A")),
        [(d("01/06/2019"), Some(d("01/02/2020")), vec!["U4"])]
    );
    assert_eq!(
        info_rows(&r, Code::EpisodeSuperseded),
        [("2020-episodes.csv".to_string(), 2)]
    );
}

#[test]
fn a_later_return_beats_an_earlier_one() {
    // Both returns close A's episode of 01/06/2019 on 01/02/2020, the 2019 return with E8
    // (other), the 2020 return (a correction) with E11 (adopted): the later one is used, so the
    // period ends with an adoption order.
    let r = load(
        &[
            table(
                "2019-episodes.csv",
                2019,
                &["A,01/06/2019,S,C2,U4,01/02/2020,E8"],
            ),
            table(
                "2020-episodes.csv",
                2020,
                &["A,01/06/2019,S,C2,U4,01/02/2020,E11"],
            ),
        ],
        "31/03/2021",
    );
    let a = child(&r, "A");
    let orders: Vec<(NaiveDate, Option<&str>)> = a.care_periods[0]
        .events
        .iter()
        .map(|e| (e.date, e.detail.as_deref()))
        .collect();
    assert_eq!(orders, [(d("01/02/2020"), Some("Adoption order"))]);
    assert_eq!(
        info_rows(&r, Code::EpisodeSuperseded),
        [("2019-episodes.csv".to_string(), 2)]
    );
}

#[test]
fn an_episode_a_later_return_no_longer_has_is_withdrawn() {
    // 2019: A 01/06/2019 S U4 → 01/01/2020 X1 (row 2); 01/01/2020 P U6 → open (row 3). 2020,
    // a corrected account: A 02/01/2020 P U5 → 01/10/2020 E8 (row 2). By its own dates the
    // 2019 row 3 episode was open in the 2020 return's year (it is open on 1 April 2020), and
    // that return holds A but no episode starting 01/01/2020: withdrawn. The U4 episode then
    // ends (X1) a day before the next one starts: that gap is closed.
    let r = load(
        &[
            table(
                "2019-episodes.csv",
                2019,
                &[
                    "A,01/06/2019,S,C2,U4,01/01/2020,X1",
                    "A,01/01/2020,P,C2,U6,,",
                ],
            ),
            table(
                "2020-episodes.csv",
                2020,
                &["A,02/01/2020,P,C2,U5,01/10/2020,E8"],
            ),
        ],
        "31/03/2021",
    );
    every_row_accounted_for(&r);
    assert_eq!(
        periods(child(&r, "A")),
        [(d("01/06/2019"), Some(d("01/10/2020")), vec!["U4", "U5"])]
    );
    assert_eq!(
        info_rows(&r, Code::EpisodeWithdrawn),
        [("2019-episodes.csv".to_string(), 3)]
    );
    assert_eq!(
        info_rows(&r, Code::GapAfterX1Closed),
        [("2019-episodes.csv".to_string(), 2)]
    );
    assert!(info_rows(&r, Code::EpisodeSuperseded).is_empty());
}

#[test]
fn an_open_episode_followed_by_another_ends_where_it_begins_and_overlaps_are_cut() {
    // One return: A 01/06/2019 S U4 → open (row 2), 01/09/2019 P U6 → 01/02/2020 X1 (row 3,
    // overlapping the open one), 01/01/2020 P U5 → 01/03/2020 E8 (row 4, starting before row 3
    // ends). Each earlier episode is read as ending when the next starts, with a warning
    // naming the earlier row's file.
    let r = load(
        &[table(
            "2019-episodes.csv",
            2019,
            &[
                "A,01/06/2019,S,C2,U4,,",
                "A,01/09/2019,P,C2,U6,01/02/2020,X1",
                "A,01/01/2020,P,C2,U5,01/03/2020,E8",
            ],
        )],
        "31/03/2021",
    );
    let a = child(&r, "A");
    let spans: Vec<(NaiveDate, Option<NaiveDate>)> = a.care_periods[0]
        .placements
        .iter()
        .map(|x| (x.start, x.end))
        .collect();
    assert_eq!(
        spans,
        [
            (d("01/06/2019"), Some(d("01/09/2019"))),
            (d("01/09/2019"), Some(d("01/01/2020"))),
            (d("01/01/2020"), Some(d("01/03/2020"))),
        ]
    );
    let overlaps: Vec<(u32, bool)> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.code == Code::EpisodeOverlap)
        .map(|x| (x.row.unwrap(), x.message.contains("2019-episodes.csv row")))
        .collect();
    assert_eq!(overlaps, [(3, true), (4, true)]);
}

#[test]
fn a_gap_after_x1_is_closed() {
    // 2019: A 01/06/2019 S U4 → 01/03/2020 X1 (row 2). 2020: A 15/04/2020 P U6 → 01/10/2020 E8
    // (row 2). X1 says the next episode starts the day this one ends; read as lasting until
    // 15/04/2020: one period, not two. With RNE S after the gap, the gap stays: two periods.
    let r = load(
        &[
            table(
                "2019-episodes.csv",
                2019,
                &["A,01/06/2019,S,C2,U4,01/03/2020,X1"],
            ),
            table(
                "2020-episodes.csv",
                2020,
                &["A,15/04/2020,P,C2,U6,01/10/2020,E8"],
            ),
        ],
        "31/03/2021",
    );
    assert_eq!(
        periods(child(&r, "A")),
        [(d("01/06/2019"), Some(d("01/10/2020")), vec!["U4", "U6"])]
    );
    assert_eq!(
        info_rows(&r, Code::GapAfterX1Closed),
        [("2019-episodes.csv".to_string(), 2)]
    );
    let r = load(
        &[
            table(
                "2019-episodes.csv",
                2019,
                &["A,01/06/2019,S,C2,U4,01/03/2020,X1"],
            ),
            table(
                "2020-episodes.csv",
                2020,
                &["A,15/04/2020,S,C2,U6,01/10/2020,E8"],
            ),
        ],
        "31/03/2021",
    );
    assert_eq!(child(&r, "A").care_periods.len(), 2);
    assert!(info_rows(&r, Code::GapAfterX1Closed).is_empty());
}

#[test]
fn a_child_who_leaves_the_returns_is_censored_and_one_who_comes_back_left_between_them() {
    // Three returns. A: 01/06/2019 S U4 open in 2019, absent from 2020 and 2021: censored at
    // 31/03/2020, the end of the 2019 return. B: 01/06/2019 S U4 open in 2019, absent from 2020,
    // back in 2021 with 01/06/2021 S U6 → 01/09/2021 E8: the 2019 episode ended by
    // 31/03/2020 (the day before the 2020 return begins), for a reason not known.
    let r = load(
        &[
            table(
                "2019-episodes.csv",
                2019,
                &["A,01/06/2019,S,C2,U4,,", "B,01/06/2019,S,C2,U4,,"],
            ),
            table("2020-episodes.csv", 2020, &[]),
            table(
                "2021-episodes.csv",
                2021,
                &["B,01/06/2021,S,C2,U6,01/09/2021,E8"],
            ),
        ],
        "31/03/2022",
    );
    let a = child(&r, "A");
    assert_eq!(
        a.observed,
        Some(Observed {
            from: d("01/04/2019"),
            to: d("31/03/2020")
        })
    );
    assert_eq!(periods(a), [(d("01/06/2019"), None, vec!["U4"])]);
    let b = child(&r, "B");
    assert_eq!(
        b.observed,
        Some(Observed {
            from: d("01/04/2019"),
            to: d("31/03/2022")
        })
    );
    assert_eq!(
        periods(b),
        [
            (d("01/06/2019"), Some(d("31/03/2020")), vec!["U4"]),
            (d("01/06/2021"), Some(d("01/09/2021")), vec!["U6"]),
        ]
    );
    assert_eq!(
        info_rows(&r, Code::CensoredAtReturnEnd),
        [("2019-episodes.csv".to_string(), 2)]
    );
    assert_eq!(
        info_rows(&r, Code::EpisodeEndedBetweenReturns),
        [("2019-episodes.csv".to_string(), 3)]
    );
}

#[test]
fn the_year_a_return_covers_is_read_from_its_dates_not_its_label() {
    // The same two returns, labelled by the year they begin (2019, 2020) or by the year they
    // end (2020, 2021) in a YEAR column, or by nothing at all (files named without a year):
    // the same journeys, and A is censored at 31/03/2020 every time.
    let rows = |year: i32, label: &str, rows: &[&str]| -> Vec<String> {
        rows_of(year, rows)
            .into_iter()
            .map(|r| format!("{r},E1,{label}"))
            .collect()
    };
    let mut results = Vec::new();
    for (first, second) in [("2019", "2020"), ("2020", "2021")] {
        let mut all = rows(2019, first, &["A,01/06/2019,S,C2,U4,,"]);
        all.extend(rows(2020, second, &["B,01/06/2020,S,C2,U4,,"]));
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let r = load(&[episodes("stacked.csv", ",LA,YEAR", &refs)], "31/03/2021");
        every_row_accounted_for(&r);
        results.push(outlines(&r));
        assert_eq!(child(&r, "A").observed.map(|o| o.to), Some(d("31/03/2020")));
    }
    let r = load(
        &[
            table("first.csv", 2019, &["A,01/06/2019,S,C2,U4,,"]),
            table("second.csv", 2020, &["B,01/06/2020,S,C2,U4,,"]),
        ],
        "31/03/2021",
    );
    assert_eq!(child(&r, "A").observed.map(|o| o.to), Some(d("31/03/2020")));
    assert_eq!(results[0], results[1]);
}

#[test]
fn the_la_column_gives_the_authority_and_keeps_authorities_apart() {
    // Authority E1 has returns for 2019 and 2020, authority E2 for 2019 only. Child A of E1 is
    // open in 2019 and absent in 2020: censored at 31/03/2020. Child C of E2 is open in 2019:
    // E2 has no later return, so C is followed to 31/03/2020 as well, by E2's own window,
    // whatever E1 holds. Both authorities have a child "X": they are told apart as X/E1 and
    // X/E2.
    let mut all: Vec<String> = Vec::new();
    for (la, year, rows) in [
        (
            "E1",
            2019,
            vec![
                "A,01/06/2019,S,C2,U4,,",
                "X,01/06/2019,S,C2,U4,01/07/2019,E8",
            ],
        ),
        ("E1", 2020, vec!["B,01/06/2020,S,C2,U4,,"]),
        (
            "E2",
            2019,
            vec![
                "C,01/06/2019,S,C2,U4,,",
                "X,01/08/2019,S,C2,U6,01/09/2019,E8",
            ],
        ),
    ] {
        all.extend(
            rows_of(year, &rows)
                .into_iter()
                .map(|r| format!("{r},{la},{year}")),
        );
    }
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let r = load(&[episodes("regional.csv", ",LA,YEAR", &refs)], "31/03/2021");
    every_row_accounted_for(&r);
    let a = child(&r, "A");
    assert_eq!(a.local_authority.as_deref(), Some("E1"));
    assert_eq!(a.observed.map(|o| o.to), Some(d("31/03/2020")));
    let c = child(&r, "C");
    assert_eq!(c.local_authority.as_deref(), Some("E2"));
    assert_eq!(
        c.observed,
        Some(Observed {
            from: d("01/04/2019"),
            to: d("31/03/2020")
        })
    );
    assert!(info_rows(&r, Code::CensoredAtReturnEnd)
        .iter()
        .all(|(_, row)| *row == 2));
    let x1 = child(&r, "X/E1");
    let x2 = child(&r, "X/E2");
    assert_eq!(
        periods(x1),
        [(d("01/06/2019"), Some(d("01/07/2019")), vec!["U4"])]
    );
    assert_eq!(
        periods(x2),
        [(d("01/08/2019"), Some(d("01/09/2019")), vec!["U6"])]
    );
    // Z exists in both authorities too.
    assert!(r.journeys.iter().any(|c| &*c.id == "Z/E1"));
}

#[test]
fn a_row_for_a_child_no_header_or_episode_knows_is_rejected() {
    // Header: A. Episodes: B. Reviews: A (row 2), B (row 3), C (row 4): C's review is rejected,
    // and there is no child C.
    let header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA,1,01/01/2015,WBRI,,,\n";
    let reviews =
        "CHILD,DOB,REVIEW,REVIEW_CODE\nA,,01/02/2020,PN1\nB,,01/02/2020,PN1\nC,,01/02/2020,PN1\n";
    let r = load(
        &[
            ("header.csv".into(), header.as_bytes().to_vec()),
            table("episodes.csv", 2019, &["B,01/06/2019,S,C2,U4,,"]),
            ("reviews.csv".into(), reviews.as_bytes().to_vec()),
        ],
        "31/03/2021",
    );
    every_row_accounted_for(&r);
    let rejected: Vec<(String, u32, Option<&str>)> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.code == Code::UnknownChild)
        .map(|x| {
            (
                x.file.clone().unwrap(),
                x.row.unwrap(),
                x.child_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(rejected, [("reviews.csv".to_string(), 4, Some("C"))]);
    assert!(r.journeys.iter().all(|c| &*c.id != "C"));
    let reviews = r
        .input
        .tables
        .iter()
        .find(|t| t.file == "reviews.csv")
        .unwrap();
    assert_eq!(
        (reviews.rows_read, reviews.rows_used, reviews.rows_rejected),
        (3, 2, 1)
    );
}

// --- A generated cohort as yearly returns and as the XML return --------------------------------

/// A journey's outline without the UASC attribute: the XML return says of every child whether
/// they are unaccompanied, the generated CSV tables have no UASC table.
fn outlines_without_uasc(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = r
        .journeys
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.attributes.remove("UASC");
            outline(&c)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_generated_cohort_as_yearly_returns_and_as_xml_gives_the_history_s_journeys() {
    use driftline::generate::{returns, DateStyle, GenerateConfig};
    let c = GenerateConfig::new(400, 12, d("31/03/2024"));
    let history = returns::history(&c).unwrap();
    let single = load(&history.csv_files(DateStyle::Uk).unwrap(), "31/03/2024");
    every_row_accounted_for(&single);
    let want = outlines_without_uasc(&single);
    assert!(single.care_periods > 400 && single.moves > 0);

    // Yearly returns: each episode open on a 31 March is written open in that year's return
    // and again, closed, in the next ones.
    let yearly = returns::yearly(&history, c.as_at);
    assert!(yearly.len() >= 5, "{} returns", yearly.len());
    let repeated = yearly.iter().flat_map(|r| &r.tables.rows[1]).count() - history.rows[1].len();
    assert!(repeated > 100, "{repeated} repeated episodes");
    let files = returns::yearly_csv_files(&yearly, DateStyle::Uk).unwrap();
    let r = load(&files, "31/03/2024");
    every_row_accounted_for(&r);
    assert_eq!(outlines_without_uasc(&r), want);
    // Each open copy of an episode that a later return closes is superseded; the open copies
    // of an episode still open at the end say the same thing and are counted once, quietly.
    // Nothing else needs correcting.
    let mut copies: BTreeMap<(String, String), (usize, bool)> = BTreeMap::new();
    for row in yearly.iter().flat_map(|r| &r.tables.rows[1]) {
        let key = (format!("{:?}", row[0]), format!("{:?}", row[1]));
        let entry = copies.entry(key).or_default();
        entry.0 += 1;
        entry.1 |= row[7] != returns::Value::Blank;
    }
    let superseded: usize = copies
        .values()
        .filter(|(_, closed)| *closed)
        .map(|(n, _)| n - 1)
        .sum();
    let info = codes(&r, Severity::Info);
    assert_eq!(info.get("episode_superseded").copied(), Some(superseded));
    for code in [
        "episode_withdrawn",
        "censored_at_return_end",
        "gap_after_x1_closed",
    ] {
        assert_eq!(info.get(code), None, "{code}");
    }
    assert!(codes(&r, Severity::Warning).is_empty());

    // The history as one XML return, and each yearly return as XML.
    let xml = returns::xml_bytes(&history).unwrap();
    let r = load(&[("ssda903.xml".to_string(), xml)], "31/03/2024");
    every_row_accounted_for(&r);
    assert_eq!(outlines_without_uasc(&r), want);
    let xml_years: Vec<(String, Vec<u8>)> = yearly
        .iter()
        .map(|y| {
            (
                format!("{}-ssda903.xml", y.year),
                returns::xml_bytes(&y.tables).unwrap(),
            )
        })
        .collect();
    let r = load(&xml_years, "31/03/2024");
    every_row_accounted_for(&r);
    assert_eq!(outlines_without_uasc(&r), want);
}

#[test]
fn a_broken_xml_return_is_reported_not_trusted() {
    let child = "<CHILD><HEADER><CHILDID>1</CHILDID><SEX>1</SEX><DOB>01/01/2015</DOB></HEADER>\
        <EPISODE><DECOM>01/06/2019</DECOM><RNE>S</RNE><LS>C2</LS><PL>U4</PL><DEC /><REC /></EPISODE></CHILD>";
    // Cut short inside the second child: the first child is read, and the fault is named.
    let cut = format!("<?xml version='1.0'?><EXPSSDA903>{child}<CHILD><HEADER><CHILDID>2</CHI");
    let r = load(&[("cut.xml".to_string(), cut.into_bytes())], "31/03/2021");
    assert_eq!(r.children, 1);
    let fatal: Vec<&str> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.severity == Severity::Fatal)
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(fatal.len(), 1);
    assert!(
        fatal[0].contains("could not be read past byte"),
        "{}",
        fatal[0]
    );
    assert!(!fatal[0].contains("Excel"), "{}", fatal[0]);
    // An entity of its own (the start of a "billion laughs") is refused, not expanded.
    let entity = format!(
        "<?xml version='1.0'?><!DOCTYPE EXPSSDA903 [<!ENTITY a \"aaaa\">]><EXPSSDA903>{}</EXPSSDA903>",
        child.replace("<SEX>1</SEX>", "<SEX>&a;</SEX>")
    );
    let inputs = [InputFile {
        name: "entity.xml",
        bytes: entity.as_bytes(),
    }];
    let r = analyze(&inputs, &Options::new(d("31/03/2021")));
    let diagnostics = match r {
        Ok(r) => r.input.diagnostics,
        Err(e) => e.diagnostics,
    };
    assert!(diagnostics
        .iter()
        .any(|x| x.severity == Severity::Fatal && x.message.contains("&a;")));
    // Elements the return does not define are listed once per name, not silently dropped.
    let extra = format!(
        "<EXPSSDA903>{}</EXPSSDA903>",
        child.replace("<SEX>1</SEX>", "<SEX>1</SEX><SHOE_SIZE>3</SHOE_SIZE>")
    );
    let r = load(
        &[("extra.xml".to_string(), extra.into_bytes())],
        "31/03/2021",
    );
    let notes: Vec<&str> = r
        .input
        .diagnostics
        .iter()
        .filter(|x| x.code == Code::TableIgnored)
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("HEADER/SHOE_SIZE"), "{}", notes[0]);
}

#[test]
fn the_returns_dropped_together_in_other_combinations() {
    // The five years with the XML return, and the whole return's tables with it: the XML
    // return's 253 children are none of theirs, and a return of the same year that does not
    // hold a child says nothing about them, so each set keeps its own journeys and counts.
    let xml = files("whole-return", &["fake_903.xml"]);
    let mut with_xml = five_years();
    with_xml.extend(xml.clone());
    let r = load(&with_xml, "31/03/2022");
    every_row_accounted_for(&r);
    assert_eq!(counts(&r), (820 + 253, 875 + 208, 2308 + 386, 1433 + 144));
    let mut with_xml = files("whole-return", &WHOLE);
    with_xml.extend(xml.clone());
    let r = load(&with_xml, "31/03/2019");
    every_row_accounted_for(&r);
    assert_eq!(counts(&r), (2675 + 253, 2244 + 208, 4275 + 386, 1661 + 144));
    // The XML return first and the tables after: the same.
    let mut xml_first = xml;
    xml_first.extend(files("whole-return", &WHOLE));
    assert_eq!(outlines(&load(&xml_first, "31/03/2019")), outlines(&r));
}
