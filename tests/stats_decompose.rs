//! Where the days go (`stats::decompose`), worked by hand on four journeys under Scotland's
//! profile "as at" 31 March 2024.

mod stats_support;

use driftline::model::{Child, Milestone, PlacementCategory};
use driftline::stats::{compute, Config, DecompositionGroup, Profile, StageDays};
use stats_support::{build, d, Kid};

use Milestone::*;

/// Targets: first review 6 weeks (off the path), permanence recommendation 6 months,
/// recommendation to panel 12 weeks (84 days), panel to ADM 14 days, then no targets.
///
/// - A (F): in care 1 Jan 2022. Review 1 Feb (31 days). Recommendation 1 Aug 2022: 212 days,
///   target date 1 Jul, 31 days over. Panel 1 Nov: 92 days, target date 24 Oct, 8 over. ADM
///   10 Nov: 9 days. Lodged 1 Dec: 21 days. Order 1 Mar 2023: 90 days. Time to permanence
///   424 days (212 + 92 + 9 + 21 + 90); had the targets been met, 424 − 31 − 8 = 385.
/// - B (M): in care 1 Jan 2022. Review 1 Mar: 59 days, target date 12 Feb, 17 over (off the
///   path: saves nothing). Returned home and left care 1 May 2022: 120 days, all of them
///   waiting for a recommendation that never came (censored by leaving care, not over its
///   target date of 1 Jul). Counterfactual 120.
/// - C (F): in care 1 Jan 2022. Review 10 Feb (40). Recommendation 1 Jun: 151 days. Panel
///   1 Jul: 30. ADM 31 Jul: 30, target date 15 Jul, 16 over. Lodged 10 Aug: 10. Order 1 Oct:
///   52. Time to permanence 273; counterfactual 273 − 16 = 257.
/// - D (M): in care 1 Jun 2023, review 1 Jul (30). Still waiting for a recommendation "as at":
///   target date 1 Dec 2023, 121 days over so far (Dec 31 + Jan 31 + Feb 29 + Mar 30). Not a
///   completed journey.
fn cohort() -> Vec<Child> {
    use PlacementCategory::Foster;
    let a = Kid::new("A")
        .sex("F")
        .placement("2022-01-01", "", Foster)
        .event("2022-02-01", LacReview)
        .event("2022-08-01", PermanenceRecommendation)
        .event("2022-11-01", Panel)
        .event("2022-11-10", AdmDecision)
        .event("2022-12-01", ApplicationLodged)
        .event("2023-03-01", OrderGranted);
    let b = Kid::new("B")
        .sex("M")
        .placement("2022-01-01", "2022-05-01", Foster)
        .event("2022-03-01", LacReview)
        .event("2022-05-01", ReturnedHome);
    let c = Kid::new("C")
        .sex("F")
        .placement("2022-01-01", "", Foster)
        .event("2022-02-10", LacReview)
        .event("2022-06-01", PermanenceRecommendation)
        .event("2022-07-01", Panel)
        .event("2022-07-31", AdmDecision)
        .event("2022-08-10", ApplicationLodged)
        .event("2022-10-01", OrderGranted);
    let dd = Kid::new("D")
        .sex("M")
        .placement("2023-06-01", "", Foster)
        .event("2023-07-01", LacReview);
    build(vec![a, b, c, dd], d("2024-03-31"))
}

fn stage<'a>(g: &'a DecompositionGroup, id: &str) -> &'a StageDays {
    g.stages.iter().find(|s| s.stage == id).expect(id)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn decomposition_with_its_counterfactual_worked_by_hand() {
    let children = cohort();
    let s = compute(
        &children,
        &Profile::scotland(),
        d("2024-03-31"),
        &Config::default(),
    );
    let dec = s.decomposition.expect("Scotland has time to permanence");
    assert_eq!(dec.permanence_stage, "time_to_permanence");
    let all = &dec.all;
    assert_eq!(all.journeys, 3);
    // Time to permanence: 424, 120, 273 → median 273, mean 817/3.
    assert_eq!(all.time_to_permanence.median_days, Some(273.0));
    assert!(close(all.time_to_permanence.mean_days, 817.0 / 3.0));
    // Had every path stage over its target taken its target: 385, 120, 257 → median 257,
    // mean 762/3 = 254.
    assert_eq!(all.counterfactual.median_days, Some(257.0));
    assert!(close(all.counterfactual.mean_days, 254.0));

    // Each stage's days in A, B, C (0 where the journey never reached it).
    // first review: 31, 59, 40 → median 40, mean 130/3; over: B's 17 (D's 30 days are
    // within), one child.
    let s1 = stage(all, "first_review");
    assert!(!s1.on_path);
    assert_eq!(s1.median_days, Some(40.0));
    assert!(close(s1.mean_days, 130.0 / 3.0));
    assert_eq!(
        (s1.days_over_target, s1.children_over_target),
        (Some(17), Some(1))
    );
    // Recommendation: 212, 120, 151 → median 151, mean 161; over: A's 31 and D's 121 so far.
    let s2 = stage(all, "permanence_recommendation");
    assert!(s2.on_path);
    assert_eq!(s2.median_days, Some(151.0));
    assert!(close(s2.mean_days, 161.0));
    assert_eq!(
        (s2.days_over_target, s2.children_over_target),
        (Some(152), Some(2))
    );
    // To panel: 92, 0, 30 → median 30, mean 122/3; over: A's 8.
    let s3 = stage(all, "recommendation_to_panel");
    assert_eq!(s3.median_days, Some(30.0));
    assert!(close(s3.mean_days, 122.0 / 3.0));
    assert_eq!(
        (s3.days_over_target, s3.children_over_target),
        (Some(8), Some(1))
    );
    // To ADM: 9, 0, 30 → median 9, mean 13; over: C's 16.
    let s4 = stage(all, "panel_to_adm");
    assert_eq!(s4.median_days, Some(9.0));
    assert!(close(s4.mean_days, 13.0));
    assert_eq!(
        (s4.days_over_target, s4.children_over_target),
        (Some(16), Some(1))
    );
    // No targets: to lodging 21, 0, 10; to order 90, 0, 52.
    let s5 = stage(all, "adm_to_lodging");
    assert_eq!(s5.median_days, Some(10.0));
    assert!(close(s5.mean_days, 31.0 / 3.0));
    assert_eq!((s5.days_over_target, s5.children_over_target), (None, None));
    let s6 = stage(all, "lodging_to_order");
    assert_eq!(s6.median_days, Some(52.0));
    assert!(close(s6.mean_days, 142.0 / 3.0));
    // The path's means add up to the mean time to permanence: 161 + 122/3 + 13 + 31/3 +
    // 142/3 = 817/3.
    let path_mean: f64 = all
        .stages
        .iter()
        .filter(|s| s.on_path)
        .filter_map(|s| s.mean_days)
        .sum();
    assert!(close(Some(path_mean), 817.0 / 3.0));
}

#[test]
fn decomposition_by_a_breakdown() {
    let children = cohort();
    let s = compute(
        &children,
        &Profile::scotland(),
        d("2024-03-31"),
        &Config::default(),
    );
    let dec = s.decomposition.expect("a decomposition");
    let sex = dec.groups.get("sex").expect("by sex");
    assert_eq!(sex.keys().collect::<Vec<_>>(), ["F", "M"]);
    // F: A and C. Time to permanence 424, 273 → 348.5 both ways; counterfactual 385, 257 →
    // 321 both ways.
    let f = sex.get("F").expect("F");
    assert_eq!(f.journeys, 2);
    assert_eq!(f.time_to_permanence.median_days, Some(348.5));
    assert!(close(f.time_to_permanence.mean_days, 348.5));
    assert_eq!(f.counterfactual.median_days, Some(321.0));
    assert_eq!(
        stage(f, "permanence_recommendation").days_over_target,
        Some(31)
    );
    // M: B's journey (120, nothing saved), D's 121 days over so far, B's 17 at first review.
    let m = sex.get("M").expect("M");
    assert_eq!(m.journeys, 1);
    assert_eq!(m.counterfactual.median_days, Some(120.0));
    assert_eq!(
        stage(m, "permanence_recommendation").days_over_target,
        Some(121)
    );
    assert_eq!(stage(m, "first_review").days_over_target, Some(17));
    // Year of entry: D alone entered in 2023, with no completed journey but days over target.
    let year = dec.groups.get("year_of_entry").expect("by year");
    let y2023 = year.get("2023").expect("2023");
    assert_eq!(y2023.journeys, 0);
    assert_eq!(y2023.counterfactual.median_days, None);
    assert_eq!(
        stage(y2023, "permanence_recommendation").children_over_target,
        Some(1)
    );
    // Nobody's age is known: a breakdown with only `unknown` is left out.
    assert!(dec.groups.get("age_at_entry").is_none());
}

#[test]
fn england_splits_time_to_permanence_at_a1() {
    let children = cohort();
    let s = compute(
        &children,
        &Profile::england(),
        d("2024-03-31"),
        &Config::default(),
    );
    let dec = s.decomposition.expect("England has time to permanence");
    assert_eq!(dec.path, ["a1"]);
    // Nobody here had an adoption decision: A1 and A10 have no rows, so nothing is saved.
    assert_eq!(
        dec.all.counterfactual.median_days,
        dec.all.time_to_permanence.median_days
    );
}
