//! The cohort generator: determinism, the realistic shape of the journeys it makes (measured
//! on the built model, not on the generator's internals), the headers its writers produce,
//! and round trips through `driftline::analyze` (template CSV and xlsx).

use chrono::NaiveDate;
use driftline::diagnostics::{Code, Diagnostic};
use driftline::generate::template::{self, CsvSink, DateStyle};
use driftline::generate::{cohort, ssda903, GenerateConfig};
use driftline::model::{
    build_children, CarePeriod, Child, Dataset, LegalCategory, Milestone, PlacementCategory,
    SourceRow,
};
use driftline::{analyze, InputFile, Options};
use std::collections::BTreeMap;

fn as_at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()
}

fn config(children: usize, seed: u64, messy_rate: f64) -> GenerateConfig {
    let mut c = GenerateConfig::new(children, seed, as_at());
    c.messy_rate = messy_rate;
    c
}

fn build(c: &GenerateConfig) -> (Dataset, Vec<Diagnostic>) {
    build_children(cohort(c), c.as_at, &|_| ("generated".to_string(), None))
}

fn ssda903_bytes(c: &GenerateConfig) -> Vec<Vec<u8>> {
    let sinks: [CsvSink<Vec<u8>>; 6] =
        std::array::from_fn(|_| CsvSink::new(Vec::new(), DateStyle::Uk));
    let mut w = ssda903::Ssda903Writer::new(sinks, c).unwrap();
    for j in driftline::generate::journeys(c) {
        w.write(&j).unwrap();
    }
    w.finish().1.into_iter().map(CsvSink::into_inner).collect()
}

fn share(n: usize, of: usize) -> f64 {
    n as f64 / of.max(1) as f64
}

fn median(mut v: Vec<i64>) -> i64 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Days from each period's first event of `from` to the first `to` on or after it.
fn gaps(
    periods: &[&CarePeriod],
    from: Milestone,
    to: Milestone,
    keep: impl Fn(&CarePeriod, NaiveDate) -> bool,
) -> Vec<i64> {
    periods
        .iter()
        .filter_map(|p| {
            let a = p.events.iter().find(|e| e.milestone == from)?.date;
            let b = p
                .events
                .iter()
                .find(|e| e.milestone == to && e.date >= a)?
                .date;
            keep(p, a).then_some((b - a).num_days())
        })
        .collect()
}

#[test]
fn the_same_seed_gives_identical_files_and_another_seed_does_not() {
    let a = config(300, 11, 0.05);
    let b = config(300, 12, 0.05);
    let csv_a = template::template_csv_bytes(&a, DateStyle::Uk).unwrap();
    assert_eq!(
        csv_a,
        template::template_csv_bytes(&a, DateStyle::Uk).unwrap()
    );
    let csv_b = template::template_csv_bytes(&b, DateStyle::Uk).unwrap();
    for (x, y) in csv_a.iter().zip(&csv_b) {
        assert_ne!(x, y);
    }
    assert_eq!(ssda903_bytes(&a), ssda903_bytes(&a));
    assert_ne!(ssda903_bytes(&a)[1], ssda903_bytes(&b)[1]);
    let xlsx_a = template::template_xlsx_bytes(&a).unwrap();
    assert_eq!(xlsx_a, template::template_xlsx_bytes(&a).unwrap());
    assert_ne!(xlsx_a, template::template_xlsx_bytes(&b).unwrap());
    assert_eq!(cohort(&a), cohort(&a));
}

#[test]
fn a_child_does_not_depend_on_how_many_children_are_generated() {
    let small = cohort(&config(50, 3, 0.05));
    let large = cohort(&config(200, 3, 0.05));
    assert_eq!(small.children[..], large.children[..50]);
    let n = small.placements.len();
    assert_eq!(small.placements[..], large.placements[..n]);
}

#[test]
fn messiness_changes_values_but_not_the_journeys() {
    let clean = build(&config(300, 5, 0.0)).0;
    let messy = build(&config(300, 5, 0.1)).0;
    let shape = |d: &Dataset| -> Vec<(NaiveDate, usize, Vec<PlacementCategory>)> {
        d.children
            .iter()
            .flat_map(|c| c.care_periods.iter())
            .map(|p| {
                (
                    p.start,
                    p.events
                        .iter()
                        .filter(|e| e.milestone == Milestone::OrderGranted)
                        .count(),
                    p.placements.iter().map(|x| x.category).collect(),
                )
            })
            .collect()
    };
    let (a, b) = (shape(&clean), shape(&messy));
    assert_eq!(a.len(), b.len());
    // Only the unknown label for supported accommodation changes a category.
    let differing = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.0 != y.0 || x.1 != y.1 || x.2.len() != y.2.len())
        .count();
    assert_eq!(differing, 0);
}

#[test]
fn the_cohort_has_the_intended_shape() {
    let c = config(4000, 2024, 0.0);
    let (data, diagnostics) = build(&c);
    let children = &data.children;
    let n = children.len();
    assert_eq!(n, 4000);
    let periods: Vec<&CarePeriod> = children.iter().flat_map(|c| &c.care_periods).collect();

    // Clean data: nothing to report. The pre-birth planning meetings are before the birth and
    // outside care by design, and are expected there: neither a warning nor a note.
    let mut codes: BTreeMap<Code, usize> = BTreeMap::new();
    for d in &diagnostics {
        *codes.entry(d.code).or_default() += 1;
    }
    let prebirth: usize = children
        .iter()
        .flat_map(|c| &c.events_outside_care)
        .filter(|e| &*e.label == "Pre-birth planning meeting")
        .count();
    assert!(prebirth > 0);
    assert_eq!(codes, BTreeMap::new());

    // Many infants: 22% of first entries are before the first birthday.
    let infants = children
        .iter()
        .filter(|c| (c.care_periods[0].start - c.date_of_birth.unwrap()).num_days() < 365)
        .count();
    assert!((0.19..0.25).contains(&share(infants, n)), "{infants}");
    let newborn = children
        .iter()
        .filter(|c| (c.care_periods[0].start - c.date_of_birth.unwrap()).num_days() < 7)
        .count();
    assert!((0.07..0.13).contains(&share(newborn, n)), "{newborn}");

    // Kinship is a large share of first placements away from home.
    let away: Vec<PlacementCategory> = periods
        .iter()
        .filter_map(|p| {
            p.placements
                .iter()
                .map(|x| x.category)
                .find(|c| *c != PlacementCategory::HomeWithParents)
        })
        .collect();
    let kinship = away
        .iter()
        .filter(|c| **c == PlacementCategory::Kinship)
        .count();
    assert!(
        (0.2..0.35).contains(&share(kinship, away.len())),
        "{kinship}"
    );

    // Some children come back into care; many are still looked after at the "as at" date.
    let returned = children.iter().filter(|c| c.care_periods.len() > 1).count();
    assert!((0.04..0.16).contains(&share(returned, n)), "{returned}");
    assert!(children.iter().any(|c| c.care_periods.len() >= 3));
    let open = children
        .iter()
        .filter(|c| c.care_periods.last().unwrap().end.is_none())
        .count();
    assert!((0.25..0.5).contains(&share(open, n)), "{open}");
    let waiting = periods
        .iter()
        .filter(|p| {
            p.end.is_none()
                && p.events
                    .iter()
                    .any(|e| e.milestone == Milestone::PermanenceRecommendation)
                && !p
                    .events
                    .iter()
                    .any(|e| e.milestone == Milestone::OrderGranted)
        })
        .count();
    assert!(share(waiting, n) > 0.02, "{waiting}");

    // Looked after at home on a supervision order, some for more than two years.
    let at_home_long = periods
        .iter()
        .filter(|p| {
            p.placements
                .iter()
                .all(|x| x.category == PlacementCategory::HomeWithParents)
                && (p.end.unwrap_or(c.as_at) - p.start).num_days() > 730
        })
        .count();
    assert!(share(at_home_long, periods.len()) > 0.01, "{at_home_long}");

    // Several moves for some.
    let many_moves = periods.iter().filter(|p| p.moves >= 3).count();
    assert!(share(many_moves, periods.len()) > 0.05, "{many_moves}");

    // Every route to permanence, with its order.
    let details: BTreeMap<String, usize> = periods
        .iter()
        .flat_map(|p| &p.events)
        .filter(|e| e.milestone == Milestone::OrderGranted)
        .fold(BTreeMap::new(), |mut m, e| {
            *m.entry(e.detail.as_deref().unwrap_or("").to_string())
                .or_default() += 1;
            m
        });
    for order in [
        "Adoption order",
        "Kinship care order",
        "Permanence order",
        "Permanence order with authority to adopt",
    ] {
        assert!(details.get(order).copied().unwrap_or(0) > 10, "{order}");
    }
    let returned_home = periods
        .iter()
        .filter(|p| {
            p.events
                .iter()
                .any(|e| e.milestone == Milestone::ReturnedHome)
        })
        .count();
    assert!(share(returned_home, periods.len()) > 0.3, "{returned_home}");

    // Concurrency: the carers a child was fostered with become the adopters.
    let concurrency = periods
        .iter()
        .filter(|p| {
            p.placements.iter().any(|x| {
                x.category == PlacementCategory::ProspectiveAdopters
                    && p.placements
                        .iter()
                        .any(|y| y.category == PlacementCategory::Foster && y.carer == x.carer)
            })
        })
        .count();
    assert!(concurrency > 10, "{concurrency}");

    // Legal status runs emergency → interim → compulsory for some.
    let sequence = children
        .iter()
        .filter(|c| {
            let cats: Vec<LegalCategory> = c.legal.iter().map(|l| l.category).collect();
            cats.windows(3).any(|w| {
                w == [
                    LegalCategory::Emergency,
                    LegalCategory::Interim,
                    LegalCategory::Compulsory,
                ]
            })
        })
        .count();
    assert!(sequence > 100, "{sequence}");

    // Repeats and reversals: deferred panels and withdrawn recommendations.
    let two_panels = periods
        .iter()
        .filter(|p| {
            p.events
                .iter()
                .filter(|e| e.milestone == Milestone::Panel)
                .count()
                >= 2
        })
        .count();
    assert!(two_panels > 10, "{two_panels}");
    assert!(periods
        .iter()
        .flat_map(|p| &p.events)
        .any(|e| &*e.label == "Recommendation withdrawn"));

    // Gaps in the chain: recommendation → panel has a median of about 10 weeks before the
    // test of change (18 months before "as at"), shorter after it, and longer for kinship.
    let change = NaiveDate::from_ymd_opt(2022, 9, 30).unwrap();
    let kin = |p: &CarePeriod| p.placements[0].category == PlacementCategory::Kinship;
    let before = gaps(
        &periods,
        Milestone::PermanenceRecommendation,
        Milestone::Panel,
        |p, d| d < change && !kin(p),
    );
    let after = gaps(
        &periods,
        Milestone::PermanenceRecommendation,
        Milestone::Panel,
        |p, d| d >= change && !kin(p),
    );
    let kin_before = gaps(
        &periods,
        Milestone::PermanenceRecommendation,
        Milestone::Panel,
        |p, d| d < change && kin(p),
    );
    assert!(before.len() > 200 && after.len() > 50 && kin_before.len() > 50);
    let (mb, ma, mk) = (median(before), median(after), median(kin_before));
    assert!((60..=85).contains(&mb), "{mb}");
    assert!(ma < mb * 3 / 4, "{ma} vs {mb}");
    assert!(mk > mb, "{mk} vs {mb}");
    let adm = gaps(
        &periods,
        Milestone::Panel,
        Milestone::AdmDecision,
        |_, _| true,
    );
    assert!((9..=16).contains(&median(adm.clone())), "{:?}", median(adm));
}

#[test]
fn a_messy_cohort_has_the_messy_things() {
    let c = config(1500, 9, 0.1);
    let (data, diagnostics) = build(&c);
    let count = |code: Code| diagnostics.iter().filter(|d| d.code == code).count();
    assert!(count(Code::DuplicateRow) > 10);
    assert!(count(Code::OverlappingPlacements) > 5);
    assert!(count(Code::FutureDate) > 10);
    let placements: Vec<_> = data
        .children
        .iter()
        .flat_map(|c| &c.care_periods)
        .flat_map(|p| &p.placements)
        .collect();
    assert!(placements.iter().any(|p| &*p.placement_type == "foster"));
    assert!(placements.iter().any(
        |p| &*p.placement_type == "Bed and breakfast" && p.category == PlacementCategory::Other
    ));
    assert!(placements
        .iter()
        .any(|p| p.carer.is_none() && p.category != PlacementCategory::HomeWithParents));
    assert!(data.children.iter().any(|c| c.sex.is_none()));
}

#[test]
fn the_writers_use_the_template_and_ssda903_headers() {
    let c = config(20, 1, 0.0);
    let csv = template::template_csv_bytes(&c, DateStyle::Iso).unwrap();
    let expected = [
        "child_id,date_of_birth,sex,local_authority,team",
        "child_id,start_date,end_date,placement_type,carer,legal_status",
        "child_id,start_date,end_date,legal_status",
        "child_id,date,event,detail",
    ];
    for (bytes, header) in csv.iter().zip(expected) {
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.lines().next(), Some(header));
        // ISO dates throughout.
        let second = text.lines().nth(1).unwrap();
        assert!(second.split(',').nth(1).unwrap().chars().nth(4) == Some('-'));
    }
    // The exact SSDA903 column names (the DfE's SSDA903 specification).
    let expected = [
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
        "CHILD,DOB,REVIEW,REVIEW_CODE",
        "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR",
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED",
        "CHILD,DOB,MISSING,MIS_START,MIS_END",
    ];
    for (bytes, header) in ssda903_bytes(&c).iter().zip(expected) {
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.lines().next(), Some(header));
    }
}

#[test]
fn ssda903_episodes_are_consistently_coded() {
    let c = config(600, 4, 0.0);
    let tables = ssda903_bytes(&c);
    let episodes = String::from_utf8(tables[1].clone()).unwrap();
    let rows: Vec<Vec<&str>> = episodes
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let mut by_child: BTreeMap<&str, Vec<&Vec<&str>>> = BTreeMap::new();
    for r in &rows {
        by_child.entry(r[0]).or_default().push(r);
    }
    let mut recs: BTreeMap<&str, usize> = BTreeMap::new();
    for eps in by_child.values() {
        assert_eq!(eps[0][2], "S", "a child's first episode starts a period");
        for w in eps.windows(2) {
            let (prev, next) = (w[0], w[1]);
            if prev[8] == "X1" {
                // Care continues: the next episode starts the day this one ends, and is
                // not a new period.
                assert_eq!(prev[7], next[1]);
                assert_ne!(next[2], "S");
                let moved = prev[5] != next[5] || prev[11] != next[11];
                let legal = prev[3] != next[3];
                match next[2] {
                    "L" => assert!(legal && !moved, "{prev:?} {next:?}"),
                    "P" | "T" => assert!(!legal),
                    "B" | "U" => assert!(legal),
                    other => panic!("unexpected RNE {other}"),
                }
            } else {
                assert_eq!(
                    next[2], "S",
                    "after a REC other than X1 a new period starts"
                );
            }
        }
        for e in eps {
            if !e[8].is_empty() {
                *recs.entry(e[8]).or_default() += 1;
            }
        }
    }
    for code in ["X1", "E11", "E4A", "E4B", "E41", "E45", "E5", "E8"] {
        assert!(recs.contains_key(code), "{code} in {recs:?}");
    }
    // Adoption: AD1 and PlacedAdoption rows, with the match on or after the decision.
    let ad1 = String::from_utf8(tables[3].clone()).unwrap();
    let ad1_rows: Vec<Vec<&str>> = ad1
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert!(!ad1_rows.is_empty());
    let date = |s: &str| NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap();
    for r in &ad1_rows {
        assert!(date(r[3]) >= date(r[2]));
        assert!(by_child[r[0]]
            .iter()
            .any(|e| e[8] == "E11" || e[8] == "E12"));
    }
    assert!(
        ad1_rows.iter().any(|r| r[4] == "1"),
        "some adopted by their foster carers"
    );
}

/// Makes journeys comparable across loads: the rows they came from differ by file layout.
fn without_sources(mut children: Vec<Child>) -> Vec<Child> {
    let none = SourceRow { table: 0, row: 0 };
    for c in &mut children {
        c.source = c.source.map(|_| none);
        for l in &mut c.legal {
            l.source = none;
        }
        for e in &mut c.events_outside_care {
            e.source = none;
        }
        for p in &mut c.care_periods {
            for x in &mut p.placements {
                x.source = none;
            }
            for e in &mut p.events {
                e.source = none;
            }
        }
    }
    children
}

fn rows(records: &driftline::model::Records) -> u64 {
    (records.children.len() + records.placements.len() + records.legal.len() + records.events.len())
        as u64
}

#[test]
fn template_csv_loads_back_to_the_same_journeys() {
    for (style, messy) in [(DateStyle::Uk, 0.05), (DateStyle::Iso, 0.0)] {
        let c = config(400, 21, messy);
        let records = cohort(&c);
        let expected_rows = rows(&records);
        let expected = build_children(records, c.as_at, &|_| (String::new(), None)).0;
        let csv = template::template_csv_bytes(&c, style).unwrap();
        let files: Vec<InputFile<'_>> = template::CSV_FILES
            .iter()
            .zip(&csv)
            .map(|(name, bytes)| InputFile { name, bytes })
            .collect();
        let report = analyze(&files, &Options::new(c.as_at)).unwrap();
        let written: u64 = csv
            .iter()
            .map(|b| b.iter().filter(|x| **x == b'\n').count() as u64 - 1)
            .sum();
        assert_eq!(report.input.rows_read, written);
        assert_eq!(report.input.rows_used, expected_rows);
        assert_eq!(
            report.input.rows_rejected,
            written - expected_rows,
            "every broken row written is rejected"
        );
        // The generator's own labels are known to the reader, messy or not.
        assert!(!report
            .input
            .unknown_labels
            .iter()
            .any(|u| u.label == "Recommendation withdrawn"));
        if messy > 0.0 {
            assert!(report.input.rows_rejected > 0);
        } else {
            assert_eq!(report.input.rows_rejected, 0);
        }
        assert_eq!(
            without_sources(report.into_children()),
            without_sources(expected.children)
        );
    }
}

#[test]
fn template_xlsx_loads_back_to_the_same_journeys() {
    let c = config(300, 22, 0.05);
    let records = cohort(&c);
    let expected_rows = rows(&records);
    let expected = build_children(records, c.as_at, &|_| (String::new(), None)).0;
    let bytes = template::template_xlsx_bytes(&c).unwrap();
    let files = [InputFile {
        name: template::XLSX_FILE,
        bytes: &bytes,
    }];
    let report = analyze(&files, &Options::new(c.as_at)).unwrap();
    assert_eq!(report.input.rows_used, expected_rows);
    assert_eq!(
        report.input.rows_read,
        report.input.rows_used + report.input.rows_rejected
    );
    assert!(report.input.rows_rejected > 0);
    let sheets: Vec<&str> = report
        .input
        .tables
        .iter()
        .filter_map(|t| t.sheet.as_deref())
        .collect();
    assert_eq!(sheets, template::SHEETS);
    assert_eq!(
        without_sources(report.into_children()),
        without_sources(expected.children)
    );
}
