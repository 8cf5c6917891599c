//! Stage semantics pinned on small hand-written journeys: every branch of the rules in
//! `stats::stage`'s module documentation, each case's expected dates and days worked out by hand in
//! its comment.

mod stats_support;

use driftline::model::{Child, LegalCategory, Milestone, PlacementCategory};
use driftline::stats::{compute, CensoredBy, ChildStats, Config, Profile, StageRow};
use stats_support::{build, d, Kid};

use Milestone::*;
use PlacementCategory::*;

/// A profile with one stage `s` given as the JSON fields after `"id"` and `"label"`.
fn one_stage(fields: &str) -> Profile {
    let json = format!(r#"{{"id":"t","label":"t","stages":[{{"id":"s","label":"S",{fields}}}]}}"#);
    Profile::from_json(&json).expect("valid test profile")
}

fn stats(kids: Vec<Kid>, profile: &Profile, as_at: &str) -> (Vec<Child>, Vec<ChildStats>) {
    let children = build(kids, d(as_at));
    let s = compute(&children, profile, d(as_at), &Config::default());
    (children, s.children)
}

/// The stage rows of a single child.
fn rows(kid: Kid, profile: &Profile, as_at: &str) -> Vec<StageRow> {
    let (_, mut s) = stats(vec![kid], profile, as_at);
    s.remove(0).stages
}

fn only(kid: Kid, profile: &Profile, as_at: &str) -> StageRow {
    let mut r = rows(kid, profile, as_at);
    assert_eq!(r.len(), 1, "expected one stage row, got {r:?}");
    r.remove(0)
}

fn first_review() -> Profile {
    one_stage(r#""from":"became_looked_after","to":"lac_review","target":"6 weeks""#)
}

#[test]
fn censored_by_as_at_and_overdue() {
    // In care from 1 Jan 2024, no review by 1 Mar 2024: 31 + 29 = 60 days and counting.
    // The 6-week target date is 12 Feb 2024, before "as at": overdue.
    let kid = Kid::new("a").placement("2024-01-01", "", Foster);
    let r = only(kid, &first_review(), "2024-03-01");
    assert_eq!(r.start, d("2024-01-01"));
    assert_eq!(r.end, None);
    assert_eq!(r.days, 60);
    assert!(r.censored);
    assert_eq!(r.censored_by, Some(CensoredBy::AsAt));
    assert_eq!(r.target_date, Some(d("2024-02-12")));
    assert_eq!(r.within_target, None);
    assert!(r.overdue);
}

#[test]
fn waiting_but_not_yet_overdue_on_the_target_day() {
    // "As at" is the target date itself: not after it, so not overdue.
    let kid = Kid::new("a").placement("2024-01-01", "", Foster);
    let r = only(kid, &first_review(), "2024-02-12");
    assert_eq!(r.days, 42);
    assert!(r.censored);
    assert!(!r.overdue);
    // One day later it is.
    let kid = Kid::new("a").placement("2024-01-01", "", Foster);
    assert!(only(kid, &first_review(), "2024-02-13").overdue);
}

#[test]
fn censored_by_leaving_care() {
    // Care ended on 20 Jan 2024 with no review: censored at the period's end (19 days), and
    // not overdue because the child is no longer waiting.
    let kid = Kid::new("a").placement("2024-01-01", "2024-01-20", Foster);
    let r = only(kid, &first_review(), "2024-06-01");
    assert_eq!(r.days, 19);
    assert!(r.censored);
    assert_eq!(r.censored_by, Some(CensoredBy::LeftCare));
    assert!(!r.overdue);
}

#[test]
fn period_ending_after_as_at_is_censored_at_as_at_and_still_open() {
    let kid = Kid::new("a").placement("2024-01-01", "2024-12-31", Foster);
    let r = only(kid, &first_review(), "2024-03-01");
    assert_eq!(r.days, 60);
    assert_eq!(r.censored_by, Some(CensoredBy::AsAt));
    assert!(r.overdue);
}

#[test]
fn same_day_end_is_zero_days_and_within_target() {
    let kid = Kid::new("a")
        .placement("2024-01-01", "", Foster)
        .event("2024-01-01", LacReview);
    let r = only(kid, &first_review(), "2024-03-01");
    assert_eq!(r.end, Some(d("2024-01-01")));
    assert_eq!(r.days, 0);
    assert!(!r.censored);
    assert_eq!(r.ended_by, Some(LacReview));
    assert_eq!(r.within_target, Some(true));
    assert!(!r.overdue);
}

#[test]
fn completed_late_is_not_within_target_and_not_overdue() {
    // Review on 13 Feb 2024, a day after the 12 Feb target date: 43 days.
    let kid = Kid::new("a")
        .placement("2024-01-01", "", Foster)
        .event("2024-02-13", LacReview);
    let r = only(kid, &first_review(), "2024-03-01");
    assert_eq!(r.days, 43);
    assert_eq!(r.within_target, Some(false));
    assert!(!r.overdue);
}

#[test]
fn month_end_targets_clamp_to_the_end_of_the_shorter_month() {
    let profile =
        one_stage(r#""from":"permanence_recommendation","to":"panel","target":"1 month""#);
    // (recommendation, panel, target date, within)
    let cases = [
        ("2023-01-31", "2023-02-28", "2023-02-28", true),
        ("2023-01-31", "2023-03-01", "2023-02-28", false),
        ("2024-01-31", "2024-02-29", "2024-02-29", true),
        ("2024-03-31", "2024-04-30", "2024-04-30", true),
        ("2024-03-31", "2024-05-01", "2024-04-30", false),
    ];
    for (rec, panel, target, within) in cases {
        let kid = Kid::new("a")
            .placement("2022-06-01", "", Kinship)
            .event(rec, PermanenceRecommendation)
            .event(panel, Panel);
        let r = only(kid, &profile, "2024-12-31");
        assert_eq!(r.target_date, Some(d(target)), "{rec} → {panel}");
        assert_eq!(r.within_target, Some(within), "{rec} → {panel}");
        assert_eq!(r.days, (d(panel) - d(rec)).num_days() as u32);
    }
}

#[test]
fn repeated_from_events_start_at_the_first() {
    // Recommendations on 1 Mar and 1 May; the panel on 1 Jun is 92 days after the first.
    let profile =
        one_stage(r#""from":"permanence_recommendation","to":"panel","target":"12 weeks""#);
    let kid = Kid::new("a")
        .placement("2023-01-01", "", Foster)
        .event("2023-03-01", PermanenceRecommendation)
        .event("2023-05-01", PermanenceRecommendation)
        .event("2023-06-01", Panel);
    let r = only(kid, &profile, "2023-12-31");
    assert_eq!(r.start, d("2023-03-01"));
    assert_eq!(r.days, 92);
    // 1 Mar + 12 weeks = 24 May: the panel was late.
    assert_eq!(r.target_date, Some(d("2023-05-24")));
    assert_eq!(r.within_target, Some(false));
}

#[test]
fn a_to_before_the_from_is_ignored_by_default() {
    let profile = one_stage(r#""from":"permanence_recommendation","to":"panel""#);
    // A panel on 1 Feb, before the recommendation on 1 Mar, does not end the stage; the
    // panel on 10 Apr does (40 days).
    let kid = Kid::new("a")
        .placement("2023-01-01", "", Foster)
        .event("2023-02-01", Panel)
        .event("2023-03-01", PermanenceRecommendation)
        .event("2023-04-10", Panel);
    let r = only(kid, &profile, "2023-12-31");
    assert_eq!(r.end, Some(d("2023-04-10")));
    assert_eq!(r.days, 40);
    // Without the later panel the stage is still open at "as at" (305 days).
    let kid = Kid::new("a")
        .placement("2023-01-01", "", Foster)
        .event("2023-02-01", Panel)
        .event("2023-03-01", PermanenceRecommendation);
    let r = only(kid, &profile, "2023-12-31");
    assert!(r.censored);
    assert_eq!(r.days, 305);
    // No target: never overdue.
    assert!(!r.overdue);
    assert_eq!(r.target_date, None);
}

#[test]
fn a_to_before_the_from_counts_as_zero_days_when_the_stage_says_so() {
    // England's A2: matched on 1 Feb, placement order on 1 Mar: 0 days, within target.
    let profile = Profile::england();
    let kid = Kid::new("a")
        .placement("2022-06-01", "", Foster)
        .event("2023-02-01", Matched)
        .event("2023-03-01", PlacementOrder);
    let all = rows(kid, &profile, "2023-12-31");
    let a2 = all.iter().find(|r| &*r.stage == "a2").expect("a2 row");
    assert_eq!(a2.start, d("2023-03-01"));
    assert_eq!(a2.end, Some(d("2023-03-01")));
    assert_eq!(a2.days, 0);
    assert_eq!(a2.ended_by, Some(Matched));
    assert_eq!(a2.within_target, Some(true));
}

#[test]
fn a2_excludes_children_without_a_placement_order() {
    let kid = Kid::new("a")
        .placement("2022-06-01", "", Foster)
        .event("2023-02-01", Matched);
    let all = rows(kid, &Profile::england(), "2023-12-31");
    assert!(all.iter().all(|r| &*r.stage != "a2"), "{all:?}");
}

#[test]
fn milestones_after_as_at_have_not_happened_yet() {
    // The review is dated after "as at": the stage is still waiting; and a stage whose
    // `from` is after "as at" has not started.
    let kid = Kid::new("a")
        .placement("2024-01-01", "", Foster)
        .event("2024-04-01", LacReview);
    let r = only(kid, &first_review(), "2024-03-01");
    assert!(r.censored);
    assert_eq!(r.days, 60);
    let profile = one_stage(r#""from":"lac_review","to":"panel""#);
    let kid = Kid::new("a")
        .placement("2024-01-01", "", Foster)
        .event("2024-04-01", LacReview);
    assert!(rows(kid, &profile, "2024-03-01").is_empty());
}

#[test]
fn the_first_of_several_to_milestones_ends_the_stage() {
    let profile = Profile::scotland();
    let kid = Kid::new("a")
        .placement("2020-01-01", "2021-03-01", Foster)
        .event("2021-03-01", ReturnedHome)
        .event_labelled("2021-03-01", OrderGranted, "Order granted", None);
    let all = rows(kid, &profile, "2022-01-01");
    let ttp = all
        .iter()
        .find(|r| &*r.stage == "time_to_permanence")
        .expect("time to permanence");
    // Both on 1 Mar 2021 (425 days); the profile lists order_granted first.
    assert_eq!(ttp.days, 425);
    assert_eq!(ttp.ended_by, Some(OrderGranted));
    let kid = Kid::new("a")
        .placement("2020-01-01", "2021-03-01", Foster)
        .event("2021-02-01", ReturnedHome)
        .event_labelled("2021-03-01", OrderGranted, "Order granted", None);
    let all = rows(kid, &profile, "2022-01-01");
    let ttp = all
        .iter()
        .find(|r| &*r.stage == "time_to_permanence")
        .expect("time to permanence");
    assert_eq!(ttp.ended_by, Some(ReturnedHome));
    assert_eq!(ttp.days, 397);
}

#[test]
fn each_care_period_is_measured_separately() {
    // Two periods: the first ends without a review (censored by leaving care after 30 days),
    // the second starts on 1 Jun and has its review on 20 Jun (19 days). The review on
    // 20 Jun does not end the first period's stage.
    let kid = Kid::new("a")
        .placement("2024-01-01", "2024-01-31", Foster)
        .placement("2024-06-01", "", Residential)
        .event("2024-06-20", LacReview);
    let r = rows(kid, &first_review(), "2024-12-31");
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].care_period_index, 0);
    assert_eq!(
        (r[0].days, r[0].censored_by),
        (30, Some(CensoredBy::LeftCare))
    );
    assert_eq!(r[1].care_period_index, 1);
    assert_eq!((r[1].start, r[1].days), (d("2024-06-01"), 19));
    assert_eq!(r[1].placement, Some(Residential));
}

#[test]
fn require_any_limits_the_stage_to_its_population() {
    // A1 follows only care periods with an adoption decision, order, match or placement.
    let profile = Profile::england();
    let without = Kid::new("a").placement("2022-01-01", "", Foster);
    assert!(rows(without, &profile, "2023-12-31")
        .iter()
        .all(|r| &*r.stage != "a1"));
    let with = Kid::new("a")
        .placement("2022-01-01", "", Foster)
        .event("2022-09-01", AdmDecision);
    let all = rows(with, &profile, "2023-12-31");
    let a1 = all.iter().find(|r| &*r.stage == "a1").expect("a1");
    // 1 Jan 2022 + 14 months = 1 Mar 2023; still waiting at 31 Dec 2023: overdue.
    assert_eq!(a1.target_date, Some(d("2023-03-01")));
    assert!(a1.overdue);
    assert_eq!(a1.days, 729);
}

#[test]
fn a10_counts_foster_carer_adoptions_from_the_foster_placement() {
    // Residential from 1 Jun 2021, foster (U4) from 1 Jan 2022, then placed for adoption on
    // 1 Jun 2023. A1 ends on 1 Jun 2023 (730 days). With the current foster carers (A3 with
    // consent, A5 under a placement order), A10 ends at the start of the foster placement,
    // 1 Jan 2022 (214 days).
    let kid = |adoption_type: &str| {
        Kid::new("a")
            .placement("2021-06-01", "2021-12-31", Residential)
            .placement_typed("2022-01-01", "2023-05-31", Foster, "U4", None)
            .placement_typed("2023-06-01", "", ProspectiveAdopters, adoption_type, None)
            .event("2023-06-01", PlacedForAdoption)
    };
    for foster_carers in ["A3", "A5"] {
        let all = rows(kid(foster_carers), &Profile::england(), "2023-12-31");
        let get = |id: &str| all.iter().find(|r| &*r.stage == id).expect(id).clone();
        let (a1, a10) = (get("a1"), get("a10"));
        assert_eq!((a1.end, a1.days), (Some(d("2023-06-01")), 730));
        assert_eq!(
            (a10.end, a10.days),
            (Some(d("2022-01-01")), 214),
            "{foster_carers}"
        );
        assert!(a10.backdated);
        assert_eq!(a10.ended_by, Some(PlacedForAdoption));
    }
    // Placed with adopters who are not the foster carers (A4, A6): A10 equals A1.
    for other_adopters in ["A4", "A6"] {
        let all = rows(kid(other_adopters), &Profile::england(), "2023-12-31");
        let a10 = all.iter().find(|r| &*r.stage == "a10").expect("a10");
        assert_eq!((a10.days, a10.backdated), (730, false), "{other_adopters}");
    }
}

#[test]
fn a10_follows_the_same_carer_back_through_changes_of_foster_placement_type() {
    // Foster with carer "Rowan" from 1 Mar 2022 (U4), a change of type with the same carer
    // on 1 Sep 2022 (U5), then A5 on 1 Jun 2023: A10 ends on 1 Mar 2022 (273 days from
    // 1 Jun 2021). A different carer before that is not followed.
    let kid = |adoption_type: &str| {
        Kid::new("a")
            .placement_typed("2021-06-01", "2022-02-28", Foster, "U4", Some("Birch"))
            .placement_typed("2022-03-01", "2022-08-31", Foster, "U4", Some("Rowan"))
            .placement_typed("2022-09-01", "2023-05-31", Foster, "U5", Some("Rowan"))
            .placement_typed(
                "2023-06-01",
                "",
                ProspectiveAdopters,
                adoption_type,
                Some("Rowan"),
            )
            .event("2023-06-01", PlacedForAdoption)
    };
    let all = rows(kid("A5"), &Profile::england(), "2023-12-31");
    let a10 = all.iter().find(|r| &*r.stage == "a10").expect("a10");
    assert_eq!(a10.end, Some(d("2022-03-01")));
    assert_eq!(a10.days, 273);
    // A6 says the adopters are not the foster carers, whatever carer is recorded: no
    // backdating (2 years from 1 Jun 2021 to 1 Jun 2023 = 730 days).
    let all = rows(kid("A6"), &Profile::england(), "2023-12-31");
    let a10 = all.iter().find(|r| &*r.stage == "a10").expect("a10");
    assert_eq!((a10.end, a10.days), (Some(d("2023-06-01")), 730));
    // Template input names no code: a "Prospective adopters" placement with the foster
    // carer's name is the foster carer's adoption (273 days), with another name it is not.
    let all = rows(
        kid("Prospective adopters"),
        &Profile::england(),
        "2023-12-31",
    );
    let a10 = all.iter().find(|r| &*r.stage == "a10").expect("a10");
    assert_eq!((a10.end, a10.days), (Some(d("2022-03-01")), 273));
    let other = Kid::new("b")
        .placement_typed("2021-06-01", "2023-05-31", Foster, "Foster", Some("Rowan"))
        .placement_typed(
            "2023-06-01",
            "",
            ProspectiveAdopters,
            "Prospective adopters",
            Some("Ash"),
        );
    let all = rows(other, &Profile::england(), "2023-12-31");
    let a10 = all.iter().find(|r| &*r.stage == "a10").expect("a10");
    assert_eq!((a10.end, a10.backdated), (Some(d("2023-06-01")), false));
}

#[test]
fn left_care_as_a_to_milestone_is_the_period_end() {
    let profile = one_stage(r#""from":"became_looked_after","to":"left_care""#);
    let kid = Kid::new("a").placement("2024-01-01", "2024-03-01", Foster);
    let r = only(kid, &profile, "2024-12-31");
    assert_eq!(r.end, Some(d("2024-03-01")));
    assert_eq!(r.days, 60);
}

#[test]
fn breakdown_facts_are_taken_on_the_stage_start_day() {
    // Kinship from 1 Jan, foster from 1 Mar; voluntary until 28 Feb, then compulsory. The
    // recommendation on 15 Mar starts the stage in foster care under compulsory measures.
    let profile = one_stage(r#""from":"permanence_recommendation","to":"panel""#);
    let kid = Kid::new("a")
        .born("2022-07-15")
        .placement("2024-01-01", "2024-02-29", Kinship)
        .placement("2024-03-01", "", Foster)
        .legal("2024-01-01", "2024-02-28", LegalCategory::Voluntary)
        .legal("2024-02-29", "", LegalCategory::Compulsory)
        .event("2024-03-15", PermanenceRecommendation);
    let r = only(kid, &profile, "2024-06-30");
    assert_eq!(r.placement, Some(Foster));
    assert_eq!(r.legal_status, Some(LegalCategory::Compulsory));
    // Born 15 Jul 2022: 12 months to 15 Jul 2023, 8 more to 15 Mar 2024.
    assert_eq!(r.age_months_at_start.get(), Some(20));
}

#[test]
fn a_prospective_adopters_placement_is_placed_for_adoption_without_an_event() {
    // Template input: foster from 1 Jan 2022, "Prospective adopters" from 1 Jan 2023 and no
    // "placed for adoption" event. A1 (entering care to placed for adoption) ends on
    // 1 Jan 2023: 365 days, within 14 months (target 1 Mar 2023).
    let kid = Kid::new("a")
        .placement_typed("2022-01-01", "2022-12-31", Foster, "Foster", None)
        .placement_typed(
            "2023-01-01",
            "",
            ProspectiveAdopters,
            "Prospective adopters",
            None,
        );
    let all = rows(kid, &Profile::england(), "2023-06-30");
    let a1 = all
        .iter()
        .find(|r| &*r.stage == "a1")
        .expect("a1: the placement is a plan");
    assert_eq!(a1.end, Some(d("2023-01-01")));
    assert_eq!(a1.days, 365);
    assert_eq!(a1.ended_by, Some(PlacedForAdoption));
    assert_eq!(a1.within_target, Some(true));
}

#[test]
fn leaving_care_home_ends_time_to_permanence_as_the_route_says() {
    // Foster from 1 Jan 2022, home with parents from 1 Jul 2022, care ends 31 Dec 2022 and
    // no "returned home" event. The route is `home`, and time to permanence ends with it on
    // 31 Dec 2022: 364 days (2022 is not a leap year), not censored.
    let kid = Kid::new("a")
        .placement("2022-01-01", "2022-06-30", Foster)
        .placement("2022-07-01", "2022-12-31", HomeWithParents);
    let (_, s) = stats(vec![kid], &Profile::scotland(), "2023-06-30");
    let row = s[0]
        .stages
        .iter()
        .find(|r| &*r.stage == "time_to_permanence")
        .expect("time to permanence");
    assert_eq!(row.end, Some(d("2022-12-31")));
    assert_eq!(row.days, 364);
    assert_eq!(row.ended_by, Some(ReturnedHome));
    assert!(!row.censored);
    assert_eq!(s[0].care_period_stats[0].route.id(), "home");
    // Leaving care from foster care instead: route `left_care_other`, stage censored.
    let kid = Kid::new("b").placement("2022-01-01", "2022-12-31", Foster);
    let (_, s) = stats(vec![kid], &Profile::scotland(), "2023-06-30");
    let row = s[0]
        .stages
        .iter()
        .find(|r| &*r.stage == "time_to_permanence")
        .expect("time to permanence");
    assert_eq!(row.censored_by, Some(CensoredBy::LeftCare));
    assert_eq!(s[0].care_period_stats[0].route.id(), "left_care_other");
}

#[test]
fn a2_starts_at_a_placement_order_legal_status_without_an_event() {
    // Template input: a legal status of category adoption_authority (placement order) from
    // 1 Jun 2022 and a match on 1 Aug 2022, no "placement order" event: A2 runs from the
    // legal status, 30 + 31 = 61 days, within 4 months (1 Oct 2022).
    let kid = Kid::new("a")
        .placement("2022-01-01", "", Foster)
        .legal("2022-01-01", "2022-05-31", LegalCategory::Interim)
        .legal("2022-06-01", "", LegalCategory::AdoptionAuthority)
        .event("2022-08-01", Matched);
    let all = rows(kid, &Profile::england(), "2023-06-30");
    let a2 = all.iter().find(|r| &*r.stage == "a2").expect("a2");
    assert_eq!((a2.start, a2.end), (d("2022-06-01"), Some(d("2022-08-01"))));
    assert_eq!((a2.days, a2.within_target), (61, Some(true)));
}
