//! Property tests of the statistics on random cohorts and random survival data.

mod stats_support;

use chrono::{Days, NaiveDate};
use driftline::model::{Milestone, PlacementCategory};
use driftline::stats::{
    compute, ConfType, Config, GroupStats, KaplanMeier, KmConfig, Observation, Profile, Z95,
};
use proptest::prelude::*;
use stats_support::{build, Kid};

const MILESTONES: [Milestone; 10] = [
    Milestone::LacReview,
    Milestone::PermanenceRecommendation,
    Milestone::Panel,
    Milestone::AdmDecision,
    Milestone::ApplicationLodged,
    Milestone::OrderGranted,
    Milestone::ReturnedHome,
    Milestone::PlacementOrder,
    Milestone::Matched,
    Milestone::PlacedForAdoption,
];

/// One random child: entry day, placements (category, length; the last may be open), events
/// (milestone, day after entry), and an optional age at entry in days.
#[derive(Clone, Debug)]
struct Spec {
    entry: u64,
    placements: Vec<(usize, u64)>,
    open: bool,
    events: Vec<(usize, u64)>,
    age_at_entry: Option<u64>,
    sex: usize,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u64..3000,
        prop::collection::vec((0usize..8, 1u64..700), 1..4),
        any::<bool>(),
        prop::collection::vec((0usize..MILESTONES.len(), 0u64..1200), 0..10),
        prop::option::of(0u64..6000),
        0usize..3,
    )
        .prop_map(
            |(entry, placements, open, events, age_at_entry, sex)| Spec {
                entry,
                placements,
                open,
                events,
                age_at_entry,
                sex,
            },
        )
}

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).expect("valid")
}

fn day(n: u64) -> String {
    base()
        .checked_add_days(Days::new(n))
        .expect("in range")
        .to_string()
}

fn kid(i: usize, s: &Spec) -> Kid {
    let mut k = Kid::new(&format!("c{i}")).sex(["F", "M", ""][s.sex]);
    if let Some(age) = s.age_at_entry {
        let dob = base()
            .checked_add_days(Days::new(s.entry + 6000))
            .and_then(|d| d.checked_sub_days(Days::new(age + 6000)))
            .expect("in range");
        k = k.born(&dob.to_string());
    }
    let mut start = s.entry;
    for (j, &(cat, len)) in s.placements.iter().enumerate() {
        let last = j + 1 == s.placements.len();
        let end = if last && s.open {
            String::new()
        } else {
            day(start + len)
        };
        k = k.placement(&day(start), &end, PlacementCategory::ALL[cat]);
        start += len + 1;
    }
    for &(m, offset) in &s.events {
        k = k.event(&day(s.entry + offset), MILESTONES[m]);
    }
    k
}

fn check_group(g: &GroupStats, what: &str) {
    assert_eq!(g.started, g.completed + g.censored, "{what}: started");
    match (g.min_days, g.max_days) {
        (Some(lo), Some(hi)) => {
            let (lo, hi) = (f64::from(lo), f64::from(hi));
            for (name, v) in [
                ("median", g.median_days),
                ("q1", g.q1_days),
                ("q3", g.q3_days),
            ] {
                let v = v.unwrap_or_else(|| panic!("{what}: {name} missing"));
                assert!(
                    lo <= v && v <= hi,
                    "{what}: {name} {v} outside [{lo}, {hi}]"
                );
            }
            let (q1, m, q3) = (
                g.q1_days.unwrap_or(0.0),
                g.median_days.unwrap_or(0.0),
                g.q3_days.unwrap_or(0.0),
            );
            assert!(q1 <= m && m <= q3, "{what}: quartiles out of order");
        }
        _ => {
            assert_eq!(g.completed, 0, "{what}: min/max missing");
            assert_eq!(g.median_days, None, "{what}: median without completions");
        }
    }
    if let Some(p) = g.within_target_pct {
        assert!((0.0..=100.0).contains(&p), "{what}: pct {p}");
    }
    assert!(g.waiting_overdue <= g.censored, "{what}: overdue");
    let curve = &g.km.curve;
    assert!(
        curve
            .windows(2)
            .all(|w| w[0].0 <= w[1].0 && w[1].1 <= w[0].1),
        "{what}: KM curve not a falling step"
    );
    if let (Some(m), Some(last)) = (g.km.median_days, curve.last()) {
        assert!(m >= 0.0 && m <= f64::from(last.0), "{what}: KM median {m}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cohort_statistics_are_consistent(specs in prop::collection::vec(spec(), 1..40)) {
        let as_at = base().checked_add_days(Days::new(3500)).expect("in range");
        let kids: Vec<Kid> = specs.iter().enumerate().map(|(i, s)| kid(i, s)).collect();
        let children = build(kids, as_at);
        for profile in [Profile::scotland(), Profile::england()] {
            let s = compute(&children, &profile, as_at, &Config::default());
            for stage in &s.stages {
                check_group(&stage.stats, &stage.id);
                for (breakdown, values) in &stage.groups.0 {
                    let mut started = 0;
                    for (value, g) in &values.0 {
                        check_group(g, &format!("{} {breakdown}={value}", stage.id));
                        started += g.started;
                    }
                    prop_assert_eq!(started, stage.stats.started);
                }
            }
            // The cohort figures agree with the per-child rows, computed afresh here.
            for stage in &s.stages {
                let rows: Vec<_> = s
                    .children
                    .iter()
                    .flat_map(|c| c.stages.iter())
                    .filter(|r| *r.stage == *stage.id)
                    .collect();
                let mut done: Vec<u32> =
                    rows.iter().filter(|r| r.end.is_some()).map(|r| r.days).collect();
                done.sort_unstable();
                prop_assert_eq!(stage.stats.started as usize, rows.len());
                prop_assert_eq!(stage.stats.completed as usize, done.len());
                let n = done.len();
                let expected_median = (n > 0).then(|| {
                    (f64::from(done[(n - 1) / 2]) + f64::from(done[n / 2])) / 2.0
                });
                prop_assert_eq!(stage.stats.median_days, expected_median);
                let overdue = rows.iter().filter(|r| r.overdue).count();
                prop_assert_eq!(stage.stats.waiting_overdue as usize, overdue);
            }
            // Every row's days agree with its dates.
            for (child, cs) in children.iter().zip(&s.children) {
                for r in &cs.stages {
                    let period = &child.care_periods[r.care_period_index];
                    let to = match r.end {
                        Some(e) => e,
                        None => period.end.map_or(as_at, |e| e.min(as_at)),
                    };
                    prop_assert_eq!(i64::from(r.days), (to - r.start).num_days());
                    prop_assert_eq!(r.censored, r.end.is_none());
                    prop_assert!(!(r.overdue && r.end.is_some()));
                }
            }
        }
    }

    #[test]
    fn km_without_censoring_is_the_empirical_survival(
        times in prop::collection::vec(0u32..400, 1..200),
    ) {
        let obs: Vec<Observation> =
            times.iter().map(|&time| Observation { time, event: true }).collect();
        let km = KaplanMeier::fit(&obs, &KmConfig::default());
        let n = times.len() as f64;
        for row in &km.rows {
            let beyond = times.iter().filter(|&&t| t > row.time).count() as f64;
            prop_assert!((row.surv - beyond / n).abs() < 1e-12,
                "S({}) = {} vs {}", row.time, row.surv, beyond / n);
        }
        // With nothing censored, R's median rule gives the plain sample median.
        let mut sorted = times.clone();
        sorted.sort_unstable();
        let k = sorted.len();
        let sample_median = if k % 2 == 1 {
            f64::from(sorted[k / 2])
        } else {
            (f64::from(sorted[k / 2 - 1]) + f64::from(sorted[k / 2])) / 2.0
        };
        prop_assert_eq!(km.median().estimate, Some(sample_median));
    }

    #[test]
    fn km_bands_contain_the_curve(
        obs in prop::collection::vec((0u32..300, any::<bool>()), 1..150),
        conf in prop_oneof![Just(ConfType::Log), Just(ConfType::LogLog), Just(ConfType::Plain)],
    ) {
        let obs: Vec<Observation> =
            obs.into_iter().map(|(time, event)| Observation { time, event }).collect();
        let km = KaplanMeier::fit(&obs, &KmConfig { conf_type: conf, z: Z95 });
        let mut at_risk = obs.len() as u32;
        for row in &km.rows {
            prop_assert_eq!(row.n_risk, at_risk);
            at_risk -= row.n_event + row.n_censor;
            if let (Some(lo), Some(hi)) = (row.lower, row.upper) {
                prop_assert!(lo <= row.surv + 1e-12 && row.surv <= hi + 1e-12);
                prop_assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
            }
        }
        prop_assert_eq!(at_risk, 0);
        let m = km.median();
        if let (Some(lo), Some(est)) = (m.lower, m.estimate) {
            prop_assert!(lo <= est);
        }
    }
}
