//! England's adoption scorecard as the DfE computes it (`stats::scorecard`), on a small cohort
//! whose every figure is worked by hand below: a disruption, foster-carer adoptions known by
//! the AD1 flag and by the placement code, a match before the order, children not placed or
//! not adopted, and a journey that began before the data.

mod stats_support;

use driftline::model::{Child, LegalCategory, Milestone, PlacementCategory};
use driftline::stats::scorecard::{FosterCarerSource, Reason};
use driftline::stats::{compute, Config, Profile, Scorecard, ScorecardRow};
use stats_support::{build, d, Kid};

use Milestone::*;
use PlacementCategory::*;

/// "As at" 31 March 2024: the default window is 1 April 2021 to 31 March 2024.
const AS_AT: &str = "2024-03-31";

fn adopted(kid: Kid, date: &str) -> Kid {
    kid.event_labelled(date, OrderGranted, "Order granted", Some("Adoption order"))
}

/// The cohort. Days by hand (entering care → moving in, etc.):
/// 1 `plain`: care 1 Jun 2021 (foster, carer Oak), placement order 10 Jan 2022, matched
///   1 Mar 2022, placed (A6, carer Elm) 1 Apr 2022, adopted 1 Dec 2022.
///   A1 = 1 Jun 2021 → 1 Apr 2022 = 304; A10 = 304 (A6: not the foster carers);
///   A2 = 10 Jan → 1 Mar 2022 = 50; A3: 1 Apr 2022 is before 1 Aug 2022 (14 months): yes.
/// 2 `disrupted`: care 1 May 2021, placement order 1 Oct 2021, matched 1 Dec 2021, placed
///   (A6, family X) 1 Jan 2022 until 31 Mar 2022 (disrupted), foster 1 Apr–30 Sep 2022,
///   matched again 1 Sep 2022, placed (A6, family Y) 1 Oct 2022, adopted 1 Jun 2023.
///   A1 runs to the family who adopted: 1 May 2021 → 1 Oct 2022 = 518 (not 245 to the
///   first placement); A10 = 518; A2 = 1 Oct 2021 → 1 Sep 2022 (the match with Y) = 335;
///   A3: 1 Oct 2022 is not before 1 Jul 2022: no. One earlier adoptive placement.
/// 3 `flag`: template labels, no carers: residential 1 Sep 2021, foster 1 Nov 2021,
///   "Prospective adopters" 1 Dec 2022, adopted 1 Sep 2023; AD1 FOSTER_CARE = 1 (child
///   attribute `foster_care`); placement order (legal status) 1 Jun 2022, matched 15 May 2022.
///   A1 = 1 Sep 2021 → 1 Dec 2022 = 456; A10 = 1 Sep 2021 → 1 Nov 2021 = 61; A2 = 0 (the
///   match came before the order); A3: 1 Dec 2022 is not before 1 Nov 2022: no.
/// 4 `code`: foster (Birch) 1 Dec 2021, foster (Rowan, U4) 1 Jan 2022, a change of type with
///   Rowan (U5) 1 May 2022, placed with Rowan (A5) 1 Sep 2022, adopted 1 May 2023; placement
///   order 1 Aug 2022, matched 20 Aug 2022. A1 = 1 Dec 2021 → 1 Sep 2022 = 274; A10 goes back
///   through Rowan's placements to 1 Jan 2022, not to Birch's: 31; A2 = 19; A3: yes
///   (before 1 Feb 2023).
/// 5 `unplaced`: foster from 1 Jul 2021, adopted 1 Jan 2023 from that foster placement,
///   nothing saying the adopters are the foster carers, no placement order: left out of A1
///   and A10 (not placed for adoption) and A2 (no placement order).
/// 6 `unknown`: a period that began before the data (first seen 1 Apr 2021), placement order
///   1 Feb 2022, matched 1 Apr 2022, placed (A6) 1 May 2022, adopted 1 Feb 2023: A1 and A10
///   left out (start unknown); A2 = 1 Feb → 1 Apr 2022 = 59 counts.
/// 7 `early`: adopted 31 Mar 2021, the day before the window: not counted.
/// 8 `waiting`: placement order 1 Jun 2023, not adopted: not in the scorecard.
fn cohort() -> Vec<Kid> {
    vec![
        adopted(
            Kid::new("plain")
                .placement_typed("2021-06-01", "2022-03-31", Foster, "U4", Some("Oak"))
                .placement_typed(
                    "2022-04-01",
                    "2022-12-01",
                    ProspectiveAdopters,
                    "A6",
                    Some("Elm"),
                )
                .event("2022-01-10", PlacementOrder)
                .event("2022-03-01", Matched),
            "2022-12-01",
        ),
        adopted(
            Kid::new("disrupted")
                .placement_typed("2021-05-01", "2021-12-31", Foster, "U4", Some("Oak"))
                .placement_typed(
                    "2022-01-01",
                    "2022-03-31",
                    ProspectiveAdopters,
                    "A6",
                    Some("X"),
                )
                .placement_typed("2022-04-01", "2022-09-30", Foster, "U4", Some("Oak"))
                .placement_typed(
                    "2022-10-01",
                    "2023-06-01",
                    ProspectiveAdopters,
                    "A6",
                    Some("Y"),
                )
                .event("2021-10-01", PlacementOrder)
                .event("2021-12-01", Matched)
                .event("2022-09-01", Matched),
            "2023-06-01",
        ),
        adopted(
            Kid::new("flag")
                .attribute("foster_care", "1")
                .placement_typed(
                    "2021-09-01",
                    "2021-10-31",
                    Residential,
                    "Children's home",
                    None,
                )
                .placement_typed("2021-11-01", "2022-11-30", Foster, "Foster", None)
                .placement_typed(
                    "2022-12-01",
                    "2023-09-01",
                    ProspectiveAdopters,
                    "Prospective adopters",
                    None,
                )
                .legal("2022-06-01", "", LegalCategory::AdoptionAuthority)
                .event("2022-05-15", Matched),
            "2023-09-01",
        ),
        adopted(
            Kid::new("code")
                .placement_typed("2021-12-01", "2021-12-31", Foster, "U4", Some("Birch"))
                .placement_typed("2022-01-01", "2022-04-30", Foster, "U4", Some("Rowan"))
                .placement_typed("2022-05-01", "2022-08-31", Foster, "U5", Some("Rowan"))
                .placement_typed(
                    "2022-09-01",
                    "2023-05-01",
                    ProspectiveAdopters,
                    "A5",
                    Some("Rowan"),
                )
                .event("2022-08-01", PlacementOrder)
                .event("2022-08-20", Matched),
            "2023-05-01",
        ),
        adopted(
            Kid::new("unplaced").placement_typed("2021-07-01", "2023-01-01", Foster, "U4", None),
            "2023-01-01",
        ),
        adopted(
            Kid::new("unknown")
                .placement_typed("2021-04-01", "2022-04-30", Foster, "U4", None)
                .placement_typed("2022-05-01", "2023-02-01", ProspectiveAdopters, "A6", None)
                .event("2022-02-01", PlacementOrder)
                .event("2022-04-01", Matched),
            "2023-02-01",
        ),
        adopted(
            Kid::new("early")
                .placement_typed("2019-01-01", "2020-01-31", Foster, "U4", None)
                .placement_typed("2020-02-01", "2021-03-31", ProspectiveAdopters, "A6", None),
            "2021-03-31",
        ),
        Kid::new("waiting")
            .placement_typed("2022-06-01", "", Foster, "U4", None)
            .event("2023-06-01", PlacementOrder),
    ]
}

fn children(kids: Vec<Kid>) -> Vec<Child> {
    let mut children = build(kids, d(AS_AT));
    for c in &mut children {
        if &*c.id == "unknown" {
            c.care_periods[0].start_unknown = true;
        }
    }
    children
}

fn scorecard_of(children: &[Child], config: &Config) -> Scorecard {
    compute(children, &Profile::england(), d(AS_AT), config)
        .scorecard
        .expect("England's profile has the scorecard")
}

fn row<'a>(s: &'a Scorecard, id: &str) -> &'a ScorecardRow {
    s.children
        .iter()
        .find(|r| &*r.child_id == id)
        .unwrap_or_else(|| panic!("{id} is adopted in the window"))
}

#[test]
fn each_adopted_child_is_worked_out_by_hand() {
    let s = scorecard_of(&children(cohort()), &Config::default());
    assert_eq!((s.window_from, s.window_to), (d("2021-04-01"), d(AS_AT)));
    let ids: Vec<&str> = s.children.iter().map(|r| &*r.child_id).collect();
    assert_eq!(
        ids,
        ["plain", "disrupted", "flag", "code", "unplaced", "unknown"]
    );

    let plain = row(&s, "plain");
    assert_eq!(
        (plain.a1_days, plain.a10_days, plain.a2_days),
        (Some(304), Some(304), Some(50))
    );
    assert_eq!(plain.a3_within, Some(true));
    assert!(!plain.foster_carer_adoption);
    assert_eq!(
        plain.foster_carer_source,
        Some(FosterCarerSource::PlacementCode)
    );

    let disrupted = row(&s, "disrupted");
    assert_eq!(disrupted.moved_in, Some(d("2022-10-01")));
    assert_eq!(disrupted.earlier_adoptive_placements, 1);
    assert_eq!(disrupted.matched, Some(d("2022-09-01")));
    assert_eq!(
        (disrupted.a1_days, disrupted.a10_days, disrupted.a2_days),
        (Some(518), Some(518), Some(335))
    );
    assert_eq!(disrupted.a3_within, Some(false));

    let flag = row(&s, "flag");
    assert!(flag.foster_carer_adoption);
    assert_eq!(
        flag.foster_carer_source,
        Some(FosterCarerSource::FosterCareFlag)
    );
    assert_eq!(flag.foster_placement_start, Some(d("2021-11-01")));
    assert_eq!(flag.placement_order, Some(d("2022-06-01")));
    assert_eq!(
        (flag.a1_days, flag.a10_days, flag.a2_days),
        (Some(456), Some(61), Some(0))
    );

    let code = row(&s, "code");
    assert!(code.foster_carer_adoption);
    assert_eq!(
        code.foster_carer_source,
        Some(FosterCarerSource::PlacementCode)
    );
    assert_eq!(code.foster_placement_start, Some(d("2022-01-01")));
    assert_eq!(
        (code.a1_days, code.a10_days, code.a2_days),
        (Some(274), Some(31), Some(19))
    );

    let unplaced = row(&s, "unplaced");
    assert_eq!(unplaced.a1_excluded, Some(Reason::NotPlacedForAdoption));
    assert_eq!(unplaced.a10_excluded, Some(Reason::NotPlacedForAdoption));
    assert_eq!(unplaced.a2_excluded, Some(Reason::NoPlacementOrder));

    let unknown = row(&s, "unknown");
    assert_eq!(unknown.entered_care, None);
    assert_eq!(unknown.a1_excluded, Some(Reason::StartUnknown));
    assert_eq!(unknown.a2_days, Some(59));
}

#[test]
fn means_medians_thresholds_and_a3() {
    let s = scorecard_of(&children(cohort()), &Config::default());
    assert_eq!(s.adopted, 6);
    // A1 over plain, disrupted, flag, code: 304 + 518 + 456 + 274 = 1552, mean 388 (at or
    // below 426: within); median of 274, 304, 456, 518 = (304 + 456) / 2 = 380.
    assert_eq!(s.a1.children, 4);
    assert_eq!(s.a1.mean_days, Some(388.0));
    assert_eq!(s.a1.mean_days_rounded, Some(388));
    assert_eq!(s.a1.median_days, Some(380.0));
    assert_eq!(s.a1.threshold_days, 426);
    assert_eq!(s.a1.within_threshold, Some(true));
    assert_eq!(s.a1.excluded.not_placed_for_adoption, 1);
    assert_eq!(s.a1.excluded.start_unknown, 1);
    assert_eq!(s.a1.censored_view.as_deref(), Some("a1"));
    // A10: 304 + 518 + 61 + 31 = 914, mean 228.5, published as 229 (half up); median of
    // 31, 61, 304, 518 = (61 + 304) / 2 = 182.5.
    assert_eq!(s.a10.mean_days, Some(228.5));
    assert_eq!(s.a10.mean_days_rounded, Some(229));
    assert_eq!(s.a10.median_days, Some(182.5));
    assert_eq!(s.a10.threshold_days, 426);
    // A2 over plain, disrupted, flag, code, unknown: 50 + 335 + 0 + 19 + 59 = 463, mean 92.6,
    // published as 93 (within 121); median of 0, 19, 50, 59, 335 = 50.
    assert_eq!(s.a2.children, 5);
    assert!((s.a2.mean_days.expect("mean") - 92.6).abs() < 1e-12);
    assert_eq!(s.a2.mean_days_rounded, Some(93));
    assert_eq!(s.a2.median_days, Some(50.0));
    assert_eq!(s.a2.threshold_days, 121);
    assert_eq!(s.a2.within_threshold, Some(true));
    assert_eq!(s.a2.excluded.no_placement_order, 1);
    // A3: plain and code moved in within 14 months; disrupted and flag did not: 2 of 4, 50%.
    assert_eq!(
        (s.a3.children, s.a3.moved_in_within, s.a3.pct),
        (4, 2, Some(50.0))
    );
}

#[test]
fn a_chosen_window_counts_adoptions_from_its_first_day() {
    // From 1 Mar 2023: disrupted (1 Jun 2023), flag (1 Sep 2023) and code (1 May 2023).
    let config = Config {
        scorecard_from: Some(d("2023-03-01")),
        ..Config::default()
    };
    let s = scorecard_of(&children(cohort()), &config);
    let ids: Vec<&str> = s.children.iter().map(|r| &*r.child_id).collect();
    assert_eq!(ids, ["disrupted", "flag", "code"]);
    // A1: 518 + 456 + 274 = 1248, mean 416.
    assert_eq!(s.a1.mean_days, Some(416.0));
}

#[test]
fn the_ad1_flag_wins_over_the_placement_code_and_can_sit_on_the_match() {
    // `code` with FOSTER_CARE = 0: A10 is A1 (274), whatever A5 says.
    let kids = vec![adopted(
        Kid::new("code")
            .attribute("FOSTER_CARE", "0")
            .placement_typed("2021-12-01", "2021-12-31", Foster, "U4", Some("Birch"))
            .placement_typed("2022-01-01", "2022-08-31", Foster, "U4", Some("Rowan"))
            .placement_typed(
                "2022-09-01",
                "2023-05-01",
                ProspectiveAdopters,
                "A5",
                Some("Rowan"),
            ),
        "2023-05-01",
    )];
    let s = scorecard_of(&children(kids), &Config::default());
    let r = row(&s, "code");
    assert_eq!(
        r.foster_carer_source,
        Some(FosterCarerSource::FosterCareFlag)
    );
    assert_eq!((r.a1_days, r.a10_days), (Some(274), Some(274)));
    // `flag` with the flag on its match event instead of an attribute: A10 is still 61.
    let kids = vec![adopted(
        Kid::new("flag")
            .placement_typed(
                "2021-09-01",
                "2021-10-31",
                Residential,
                "Children's home",
                None,
            )
            .placement_typed("2021-11-01", "2022-11-30", Foster, "Foster", None)
            .placement_typed(
                "2022-12-01",
                "2023-09-01",
                ProspectiveAdopters,
                "Prospective adopters",
                None,
            )
            .event_labelled("2022-05-15", Matched, "Matched", Some("FOSTER_CARE 1")),
        "2023-09-01",
    )];
    let s = scorecard_of(&children(kids), &Config::default());
    assert_eq!(row(&s, "flag").a10_days, Some(61));
    // Without the flag or a code, the template's carers decide: both placements are Ash's,
    // so the foster carers adopted and A10 runs to the foster placement (61 days).
    let kids = vec![adopted(
        Kid::new("flag")
            .placement_typed(
                "2021-09-01",
                "2021-10-31",
                Residential,
                "Children's home",
                None,
            )
            .placement_typed("2021-11-01", "2022-11-30", Foster, "Foster", Some("Ash"))
            .placement_typed(
                "2022-12-01",
                "2023-09-01",
                ProspectiveAdopters,
                "Prospective adopters",
                Some("Ash"),
            ),
        "2023-09-01",
    )];
    let s = scorecard_of(&children(kids), &Config::default());
    let r = row(&s, "flag");
    assert_eq!(r.foster_carer_source, Some(FosterCarerSource::SameCarer));
    assert_eq!(r.a10_days, Some(61));
}

#[test]
fn only_profiles_that_ask_for_it_have_a_scorecard() {
    let children = children(cohort());
    let scotland = compute(
        &children,
        &Profile::scotland(),
        d(AS_AT),
        &Config::default(),
    );
    assert!(scotland.scorecard.is_none());
    let s = scorecard_of(&children, &Config::default());
    assert!(s.description.contains("censored_view"), "{}", s.description);
}
