//! Forecasts for waiting children and the expected completions (`stats::forecast`), worked by
//! hand from small tables, and against lifelines' `KaplanMeierFitter.conditional_time_to_event_`.

mod stats_support;

use chrono::{Days, NaiveDate};
use driftline::model::{Child, Milestone, PlacementCategory};
use driftline::stats::forecast::{
    chance_within, conditional, curve_points, expected_count, row_group, Curve,
};
use driftline::stats::{
    compute, ChildStats, Config, ForecastConfig, KaplanMeier, KmConfig, Observation, Profile,
    StageRow, Statistics,
};
use stats_support::{build, d, Kid};

fn obs(pairs: &[(u32, bool)]) -> Vec<Observation> {
    pairs
        .iter()
        .map(|&(time, event)| Observation { time, event })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// The hand-worked table (days, ended?): 5 ✓, 8 ✓, 12 ✗, 15 ✓, 20 ✓, 20 ✗, 30 ✓, 40 ✗, 45 ✓,
/// 60 ✗. With n at risk and d ending at each time, S is the product of (1 − d/n):
///
/// | day | n  | d | S                        |
/// |-----|----|---|--------------------------|
/// | 5   | 10 | 1 | 9/10                     |
/// | 8   | 9  | 1 | 9/10 · 8/9 = 4/5         |
/// | 12  | 8  | 0 | 4/5 (censored)           |
/// | 15  | 7  | 1 | 4/5 · 6/7 = 24/35        |
/// | 20  | 6  | 1 | 24/35 · 5/6 = 4/7 (and one censored) |
/// | 30  | 4  | 1 | 4/7 · 3/4 = 3/7          |
/// | 40  | 3  | 0 | 3/7 (censored)           |
/// | 45  | 2  | 1 | 3/7 · 1/2 = 3/14         |
/// | 60  | 1  | 0 | 3/14 (censored)          |
fn table() -> Vec<(u32, f64)> {
    let km = KaplanMeier::fit(
        &obs(&[
            (5, true),
            (8, true),
            (12, false),
            (15, true),
            (20, true),
            (20, false),
            (30, true),
            (40, false),
            (45, true),
            (60, false),
        ]),
        &KmConfig::default(),
    );
    curve_points(&km)
}

#[test]
fn conditional_median_and_range_from_a_hand_worked_table() {
    let points = table();
    let curve = Curve::new(&points);
    // A child who has just started (t = 0, S = 1): the median is the first day with S ≤ 1/2,
    // 30 (3/7); the range's ends the first with S ≤ 3/4, 15 (24/35 ≈ 0.686), and with
    // S ≤ 1/4, 45 (3/14 ≈ 0.214).
    let c = conditional(curve, 0, None).expect("S(0) = 1");
    assert_eq!(
        (c.median_day, c.early_day, c.late_day),
        (Some(30), Some(15), Some(45))
    );
    // Waited 12 days (S = 4/5): half is 2/5 = 0.4, first reached at 45 (3/14), since 3/7 ≈
    // 0.43 at 30 is above it. Three quarters is 3/5: 24/35 ≈ 0.686 at 15 is above it, 4/7 ≈
    // 0.571 at 20 is below. A quarter is 1/5: the curve ends at 3/14 ≈ 0.214, so the range's
    // later end is beyond the data.
    let c = conditional(curve, 12, None).expect("S(12) = 4/5");
    assert_eq!(
        (c.median_day, c.early_day, c.late_day),
        (Some(45), Some(20), None)
    );
    // Waited 20 days (S = 4/7): three quarters of it is exactly 3/7, reached at 30 (a tie in
    // exact arithmetic counts as reached); half is 2/7 ≈ 0.286, reached at 45.
    let c = conditional(curve, 20, None).expect("S(20) = 4/7");
    assert_eq!((c.median_day, c.early_day), (Some(45), Some(30)));
}

#[test]
fn chance_by_the_target_and_within_30_and_90_days() {
    let points = table();
    let curve = Curve::new(&points);
    // Waited 12 days (S = 4/5), target on day 42: S(42) = 3/7, so the chance is
    // 1 − (3/7)/(4/5) = 1 − 15/28 = 13/28. Within 30 days: S(42) again, 13/28. Within 90
    // days: S(102) = 3/14, 1 − (3/14)/(4/5) = 1 − 15/56 = 41/56.
    let c = conditional(curve, 12, Some(42)).expect("S(12) = 4/5");
    assert!(close(
        c.chance_by_target.expect("target ahead"),
        13.0 / 28.0
    ));
    assert!(close(c.chance_30_days, 13.0 / 28.0));
    assert!(close(c.chance_90_days, 41.0 / 56.0));
    // Waited 20 days with the target on day 20 or earlier: the target has passed, no chance
    // "by the target"; the 30 and 90 days still apply: 1 − (3/14)/(4/7) = 1 − 3/8 = 5/8.
    let c = conditional(curve, 20, Some(20)).expect("S(20) = 4/7");
    assert_eq!(c.chance_by_target, None);
    assert!(close(c.chance_30_days, 5.0 / 8.0));
    assert!(close(chance_within(curve, 20, 90), 5.0 / 8.0));
}

#[test]
fn the_tail_beyond_what_the_data_has_seen() {
    let points = table();
    let curve = Curve::new(&points);
    // Waited 45 days (S = 3/14): no later drop, the curve stays at 3/14 after the last
    // censored wait (60); no likely date, no range, and no chance of finishing the data can
    // vouch for.
    let c = conditional(curve, 45, Some(50)).expect("S(45) = 3/14");
    assert_eq!((c.median_day, c.early_day, c.late_day), (None, None, None));
    assert_eq!(c.chance_by_target, Some(0.0));
    assert_eq!((c.chance_30_days, c.chance_90_days), (0.0, 0.0));
    // Waited past the longest wait (70 > 60): the same.
    assert_eq!(
        conditional(curve, 70, None).and_then(|c| c.median_day),
        None
    );
    // Where everyone at risk finished (S = 0), nobody waited that long: no conditional at all.
    let all_done = [(0, 1.0), (10, 0.0)];
    assert_eq!(conditional(Curve::new(&all_done), 10, None), None);
}

#[test]
fn sum_of_probabilities_and_its_interval() {
    // Chances 0.5, 0.2 and 0.9: expected 1.6; variance 0.25 + 0.16 + 0.09 = 0.5; the 95%
    // interval 1.6 ± 1.959963984540054 × √0.5 = 1.6 ± 1.385904..., clipped at 0 below.
    let (e, [lo, hi]) = expected_count([0.5, 0.2, 0.9]);
    let half = 1.959963984540054 * 0.5f64.sqrt();
    assert!(close(e, 1.6));
    assert!(close(lo, 1.6 - half) && close(hi, 1.6 + half), "{lo} {hi}");
    assert!((half - 1.385904).abs() < 1e-6);
    // Ten children at 0.05: 0.5 ± 1.96 × √0.475 = 0.5 ± 1.35...: the lower end is 0.
    let (e, [lo, hi]) = expected_count([0.05; 10]);
    assert!(close(e, 0.5));
    assert_eq!(lo, 0.0);
    assert!(close(hi, 0.5 + 1.959963984540054 * 0.475f64.sqrt()));
    // Four near-certain children cannot be expected to exceed four.
    let (_, [_, hi]) = expected_count([0.99; 4]);
    assert_eq!(hi, 4.0);
}

// lifelines 0.30.3 (numpy 2.4.6, pandas 2.3.3), run as:
//
// ```python
// from lifelines import KaplanMeierFitter
// from lifelines.utils import qth_survival_times
// T = [12, 20, 20, 35, 41, 41, 48, 60, 60, 73, 90, 102, 120, 150]
// E = [1,  1,  0,  1,  1,  0,  1,  1,  1,  0,  1,  1,   0,   0]
// kmf = KaplanMeierFitter().fit(T, E)
// sf = kmf.survival_function_
// print(kmf.conditional_time_to_event_)                       # LIFELINES_MEDIAN
// for f in (0.75, 0.25):                                      # the range's ends, the same way
//     q = qth_survival_times(sf.iloc[:, 0] * f, sf)
//     print(f, q.sort_index(ascending=False).values.ravel() - sf.index.values)
// ```
//
// `conditional_time_to_event_` is, at each time t of the survival table, the first time d in
// the table with S(d) ≤ S(t)/2 (`qth_survival_time`: `searchsorted` of −S for −q), minus t,
// or inf. That is Driftline's first-day rule. They differ only where S(d) equals the level
// exactly: lifelines computes S as exp(Σ log(1 − d/n)), whose rounding can leave S(d) a hair
// above the level, and compares without a tolerance. Here S(102) = S(60) · 3/4 · 2/3 =
// S(60)/2 exactly, but lifelines' S(102) exceeds its S(60)/2 by 2.8e-17, so it reports inf
// at t = 60 and 73 where the contract's rule (and Driftline) find 102; likewise at 0.75,
// S(90) = S(60) · 3/4 exactly, which lifelines misses (102 instead of 90).

const LIFELINES_T: [u32; 14] = [12, 20, 20, 35, 41, 41, 48, 60, 60, 73, 90, 102, 120, 150];
const LIFELINES_E: [bool; 14] = [
    true, true, false, true, true, false, true, true, true, false, true, true, false, false,
];
/// `(t, remaining)` from lifelines; `None` is its `inf`.
const LIFELINES_MEDIAN: [(u32, Option<u32>); 12] = [
    (0, Some(60)),
    (12, Some(48)),
    (20, Some(70)),
    (35, Some(55)),
    (41, Some(49)),
    (48, Some(54)),
    (60, None),
    (73, None),
    (90, None),
    (102, None),
    (120, None),
    (150, None),
];
const LIFELINES_075: [(u32, Option<u32>); 12] = [
    (0, Some(41)),
    (12, Some(36)),
    (20, Some(28)),
    (35, Some(25)),
    (41, Some(19)),
    (48, Some(12)),
    (60, Some(42)),
    (73, Some(29)),
    (90, Some(12)),
    (102, None),
    (120, None),
    (150, None),
];
const LIFELINES_025: [(u32, Option<u32>); 12] = [
    (0, Some(102)),
    (12, Some(90)),
    (20, None),
    (35, None),
    (41, None),
    (48, None),
    (60, None),
    (73, None),
    (90, None),
    (102, None),
    (120, None),
    (150, None),
];
/// Where the exact tie makes Driftline's answer differ from lifelines': `(t, median, 0.75)`
/// remaining days by the contract's rule.
const EXACT_TIES: [(u32, Option<u32>, Option<u32>); 2] =
    [(60, Some(42), Some(30)), (73, Some(29), Some(17))];

#[test]
fn conditional_median_and_range_against_lifelines() {
    let observations: Vec<Observation> = LIFELINES_T
        .iter()
        .zip(LIFELINES_E)
        .map(|(&time, event)| Observation { time, event })
        .collect();
    let points = curve_points(&KaplanMeier::fit(&observations, &KmConfig::default()));
    let curve = Curve::new(&points);
    for (i, &(t, median)) in LIFELINES_MEDIAN.iter().enumerate() {
        let c = conditional(curve, t, None).expect("S(t) > 0 throughout");
        let remaining = |day: Option<u32>| day.map(|d| d - t);
        let (want_median, want_early) = match EXACT_TIES.iter().find(|e| e.0 == t) {
            Some(&(_, m, e)) => (m, e),
            None => (median, LIFELINES_075[i].1),
        };
        assert_eq!(remaining(c.median_day), want_median, "median at t = {t}");
        assert_eq!(remaining(c.early_day), want_early, "0.75 at t = {t}");
        assert_eq!(remaining(c.late_day), LIFELINES_025[i].1, "0.25 at t = {t}");
    }
}

#[test]
fn three_rules_for_a_median_on_an_exact_flat() {
    // lifelines' g3 Control group (as in tests/stats_km.rs): S falls to exactly 1/2 at 32 and
    // stays there until 34. The contract's first-day rule gives 32; R's quantile.survfit the
    // midpoint of the flat, 33 (Driftline's KM median, kept for the stage statistics);
    // lifelines 0.30.3 gives 34 (`KaplanMeierFitter().fit([34, 32, 9, 19, 50, 48],
    // [1, 1, 1, 1, 0, 0]).conditional_time_to_event_` at 0), its S(32) being rounded just
    // above 1/2. At t = 19 (S = 2/3) the first day with S ≤ 1/3 is 34 (remaining 15), where
    // lifelines reports inf for the same reason.
    let km = KaplanMeier::fit(
        &obs(&[
            (34, true),
            (32, true),
            (9, true),
            (19, true),
            (50, false),
            (48, false),
        ]),
        &KmConfig::default(),
    );
    assert_eq!(km.median().estimate, Some(33.0));
    let points = curve_points(&km);
    let curve = Curve::new(&points);
    assert_eq!(
        conditional(curve, 0, None).and_then(|c| c.median_day),
        Some(32)
    );
    assert_eq!(
        conditional(curve, 19, None).and_then(|c| c.median_day),
        Some(34)
    );
}

/// A cohort for the first review (target 6 weeks = 42 days) "as at" 31 March 2024: twenty
/// children whose first reviews came after 10, 20, …, 200 days, and three still waiting after
/// 25, 55 and 205 days (W1, W2, W3). Nothing else happens, so every other stage is still
/// waiting for everyone, with no completions.
///
/// The Kaplan–Meier curve of the first review (23 waits): events at 10 and 20 (n = 23, 22);
/// W1 censored at 25; events at 30, 40, 50 (n = 20, 19, 18); W2 censored at 55; events at
/// 60 + 10j for j = 0…14 (n = 16 − j); W3 censored at 205. Relative to S(25) = S(20):
/// R(30) = 19/20, R(40) = 18/20, R(50) = 17/20, R(60 + 10j) = 17/20 · (15 − j)/16.
/// Relative to S(55) = S(50): Q(60 + 10j) = (15 − j)/16.
fn waiting_cohort(w1_sex: &str) -> (Vec<Child>, NaiveDate) {
    let as_at = d("2024-03-31");
    let mut kids = Vec::new();
    for k in 1..=20u64 {
        let start = d("2023-01-02");
        let review = start + Days::new(10 * k);
        let kid = Kid::new(&format!("C{k:02}"))
            .sex(if k % 2 == 0 { "F" } else { "M" })
            .placement("2023-01-02", "", PlacementCategory::Foster)
            .event(&review.to_string(), Milestone::LacReview);
        kids.push(kid);
    }
    for (id, waited) in [("W1", 25u64), ("W2", 55), ("W3", 205)] {
        let start = (as_at - Days::new(waited)).to_string();
        let mut kid = Kid::new(id).placement(&start, "", PlacementCategory::Foster);
        if id == "W1" {
            kid = kid.sex(w1_sex);
        }
        kids.push(kid);
    }
    (build(kids, as_at), as_at)
}

fn first_review_row<'a>(children: &[Child], s: &'a Statistics, id: &str) -> &'a StageRow {
    let i = children
        .iter()
        .position(|c| &*c.id == id)
        .expect("the child");
    s.children[i]
        .stages
        .iter()
        .find(|r| &*r.stage == "first_review")
        .expect("a first review row")
}

#[test]
fn waiting_children_get_forecasts_worked_by_hand() {
    let (children, as_at) = waiting_cohort("F");
    let s = compute(&children, &Profile::scotland(), as_at, &Config::default());

    // W1 waited 25 days, started 6 March 2024. Median: R ≤ 1/2 first at j = 6, day 120
    // (17/20 · 9/16 = 0.478; day 110 is 0.531). Range: R ≤ 3/4 first at day 70 (0.744; day
    // 60 is 0.797), R ≤ 1/4 first at day 170 (0.2125; day 160 is 0.266). By the target (day
    // 42): 1 − R(40) = 0.1. Within 30 days: 1 − R(55) = 1 − 17/20 = 0.15. Within 90 days:
    // 1 − R(115) = 1 − R(110) = 1 − 17/20 · 10/16 = 0.46875.
    let w1 = first_review_row(&children, &s, "W1");
    let start = d("2024-03-06");
    assert_eq!(w1.start, start);
    let f = w1.forecast.as_deref().expect("a forecast");
    assert_eq!(f.expected_date, Some(start + Days::new(120)));
    assert_eq!(
        f.range,
        Some([start + Days::new(70), start + Days::new(170)])
    );
    assert!(close(f.chance_by_target.get().expect("before target"), 0.1));
    assert!(close(f.chance_30_days.get().expect("a chance"), 0.15));
    assert!(close(f.chance_90_days.get().expect("a chance"), 0.46875));
    assert_eq!((&*f.basis, f.completions), ("cohort", 20));
    assert_eq!(
        &*f.note,
        "From the 20 completed stages of the whole cohort."
    );

    // W2 waited 55 days (started 5 February 2024): Q ≤ 1/2 exactly at j = 7 (8/16), day 130;
    // Q ≤ 3/4 exactly at j = 3 (12/16), day 90; Q ≤ 1/4 exactly at j = 11 (4/16), day 170.
    // Already past the target: no chance "by the target". Within 30 days: 1 − Q(80) = 1 −
    // 13/16 = 3/16; within 90: 1 − Q(140) = 1 − 7/16 = 9/16.
    let w2 = first_review_row(&children, &s, "W2");
    let start = d("2024-02-05");
    let f = w2.forecast.as_deref().expect("a forecast");
    assert_eq!(f.expected_date, Some(start + Days::new(130)));
    assert_eq!(
        f.range,
        Some([start + Days::new(90), start + Days::new(170)])
    );
    assert_eq!(f.chance_by_target.get(), None);
    assert!(close(f.chance_30_days.get().expect("a chance"), 3.0 / 16.0));
    assert!(close(f.chance_90_days.get().expect("a chance"), 9.0 / 16.0));

    // W3 waited 205 days, longer than anyone who finished: beyond what the data has seen.
    let f = first_review_row(&children, &s, "W3")
        .forecast
        .as_deref()
        .expect("a forecast");
    assert_eq!((f.expected_date, f.range), (None, None));
    assert_eq!(
        (f.chance_30_days.get(), f.chance_90_days.get()),
        (Some(0.0), Some(0.0))
    );
    assert!(
        f.note.contains("Beyond what this data has seen"),
        "{}",
        f.note
    );

    // Completed rows have no forecast.
    assert!(first_review_row(&children, &s, "C01").forecast.is_none());

    // Nobody has a permanence recommendation: 23 waiting, none completed, no forecast.
    let i = children.iter().position(|c| &*c.id == "W1").expect("W1");
    let pr = s.children[i]
        .stages
        .iter()
        .find(|r| &*r.stage == "permanence_recommendation")
        .expect("a row");
    let f = pr
        .forecast
        .as_deref()
        .expect("a forecast object saying why");
    assert_eq!(f.expected_date, None);
    assert_eq!(f.chance_30_days.get(), None);
    assert_eq!(f.completions, 0);
    assert_eq!(
        &*f.note,
        "No forecast: only 0 of these stages have been completed in the whole cohort, and a forecast needs at least 20."
    );
}

#[test]
fn expected_completions_worked_by_hand() {
    let (children, as_at) = waiting_cohort("F");
    let s = compute(&children, &Profile::scotland(), as_at, &Config::default());
    let find = |stage: &str, months: u32| {
        s.expected_completions
            .iter()
            .find(|e| e.stage == stage && e.months == months)
            .expect("an entry")
    };
    // 3 months: 31 March to 30 June 2024 is 91 days. W1: 1 − R(116) = 1 − R(110) = 0.46875;
    // W2: 1 − Q(146) = 1 − Q(140) = 9/16; W3: 0. Sum 1.03125; variance 0.46875 · 0.53125 +
    // 0.5625 · 0.4375 + 0 = 0.4951171875.
    let e = find("first_review", 3);
    assert!(close(e.expected, 1.03125));
    let half = 1.959963984540054 * 0.4951171875f64.sqrt();
    assert!(close(e.interval[0], 0.0), "1.03 − 1.38 is below 0");
    assert!(close(e.interval[1], 1.03125 + half));
    assert_eq!((e.waiting, e.without_forecast), (3, 0));
    // 6 months (183 days) and 12 months (365): the curve is flat after day 200, where
    // R(200) = 17/20 · 1/16 · 1/2 = 0.053125 and Q(200) = 1/16. W1: 0.946875; W2: 15/16.
    // Sum 1.884375; variance 0.946875 · 0.053125 + 0.9375 · 0.0625 = 0.108896484375.
    for months in [6, 12] {
        let e = find("first_review", months);
        let half = 1.959963984540054 * 0.108896484375f64.sqrt();
        assert!(close(e.expected, 1.884375), "{months}: {}", e.expected);
        assert!(close(e.interval[0], 1.884375 - half));
        assert!(close(e.interval[1], 1.884375 + half));
    }
    // No completions of a permanence recommendation: 23 waiting, none forecast.
    let e = find("permanence_recommendation", 12);
    assert_eq!((e.expected, e.interval), (0.0, [0.0, 0.0]));
    assert_eq!((e.waiting, e.without_forecast), (23, 23));
}

#[test]
fn a_small_breakdown_group_falls_back_to_the_cohort_and_says_so() {
    let (children, as_at) = waiting_cohort("F");
    let config = Config {
        forecast: Some(ForecastConfig {
            breakdown: Some("sex".into()),
            ..ForecastConfig::default()
        }),
        ..Config::default()
    };
    let s = compute(&children, &Profile::scotland(), as_at, &config);
    // W1 is in the group F, which has 10 completed first reviews (C02, C04, …, C20): too
    // few, so the whole cohort's 20 are used and the forecast is W1's cohort forecast.
    let f = first_review_row(&children, &s, "W1")
        .forecast
        .as_deref()
        .expect("a forecast");
    assert_eq!((&*f.basis, f.completions), ("cohort", 20));
    assert_eq!(
        &*f.note,
        "The group sex: F has only 10 completed stages (fewer than 20), so the whole cohort's 20 are used."
    );
    let d0 = d("2024-03-06");
    assert_eq!(f.expected_date, Some(d0 + Days::new(120)));

    // With a threshold of 10 the group F is its own basis: 11 waits, events at 20 (n = 11),
    // W1 censored at 25, then events at 40 + 20j for j = 0…8 with n = 9 − j. Relative to
    // S(25): (8 − j)/9 at 40 + 20j, first ≤ 1/2 at j = 4 (4/9), day 120.
    let config = Config {
        forecast: Some(ForecastConfig {
            breakdown: Some("sex".into()),
            min_completions: 10,
        }),
        ..Config::default()
    };
    let s = compute(&children, &Profile::scotland(), as_at, &config);
    let f = first_review_row(&children, &s, "W1")
        .forecast
        .as_deref()
        .expect("a forecast");
    assert_eq!((&*f.basis, f.completions), ("sex:F", 10));
    assert_eq!(f.expected_date, Some(d0 + Days::new(120)));
}

#[test]
fn the_forecast_serialises_as_the_report_contract_says() {
    let (children, as_at) = waiting_cohort("F");
    let s = compute(&children, &Profile::scotland(), as_at, &Config::default());
    let row = first_review_row(&children, &s, "W1");
    // The keys in the contract's order (serde_json's `Value` would sort them).
    let text = serde_json::to_string(&row.forecast).expect("json");
    let keys = [
        "expected_date",
        "range",
        "chance_by_target",
        "chance_30_days",
        "chance_90_days",
        "basis",
        "completions",
        "note",
    ];
    let at: Vec<usize> = keys
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).expect(k))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    let w1 = serde_json::to_value(row).expect("json");
    let f = w1["forecast"].as_object().expect("an object");
    assert_eq!(f.len(), keys.len());
    assert_eq!(f["expected_date"], "2024-07-04");
    assert_eq!(f["range"], serde_json::json!(["2024-05-15", "2024-08-23"]));
    let done = serde_json::to_value(first_review_row(&children, &s, "C01")).expect("json");
    assert!(done["forecast"].is_null());
}

/// Every row's group, as `row_group` names it, is the group the stage statistics counted it
/// in: re-counting the rows by it gives every group's `started`.
#[test]
fn row_groups_agree_with_the_stage_statistics() {
    use driftline::generate::template::{template_csv_bytes, CSV_FILES};
    use driftline::generate::{DateStyle, GenerateConfig};
    let mut config = GenerateConfig::new(400, 3, d("2024-03-31"));
    config.messy_rate = 0.05;
    let tables = template_csv_bytes(&config, DateStyle::Uk).expect("CSV");
    let files: Vec<driftline::InputFile<'_>> = CSV_FILES
        .iter()
        .zip(&tables)
        .map(|(name, bytes)| driftline::InputFile { name, bytes })
        .collect();
    let report = driftline::analyze(&files, &driftline::Options::new(config.as_at)).expect("loads");
    let stats: &[ChildStats] = &report.journeys.stats;
    let mut checked = 0;
    for stage in &report.stages {
        for (b, groups) in &stage.groups.0 {
            for (g, expected) in &groups.0 {
                let n = report
                    .journeys
                    .iter()
                    .zip(stats)
                    .flat_map(|(c, cs)| cs.stages.iter().map(move |r| (c, cs, r)))
                    .filter(|(c, cs, r)| {
                        *r.stage == *stage.id
                            && row_group(b, c, cs, r).is_some_and(|x| x == g.as_str())
                    })
                    .count();
                assert_eq!(n as u32, expected.started, "{} {b} {g}", stage.id);
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} groups");
}
