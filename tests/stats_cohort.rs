//! Cohort statistics, breakdown groups, checks, per-child facts, the report's JSON contract
//! and the CSV stage table, on small hand-written cohorts whose figures are worked out by
//! hand in the comments.

mod stats_support;

use driftline::model::{Dataset, LegalCategory, Milestone, PlacementCategory};
use driftline::report::{InputSummary, Report};
use driftline::stats::{compute, Config, GroupStats, Profile, Route, Statistics, TableOptions};
use serde_json::Value;
use stats_support::{build, d, Kid};

use Milestone::*;
use PlacementCategory::*;

const AS_AT: &str = "2024-06-30";

fn first_review_only() -> Profile {
    Profile::from_json(
        r#"{"id":"t","label":"t","stages":[{"id":"first_review","label":"First review",
            "from":"became_looked_after","to":"lac_review","target":"6 weeks"}]}"#,
    )
    .expect("valid")
}

/// Five children in 2024, "as at" 30 June 2024; the 6-week first review.
///
/// | child | entry  | placement | review | days | outcome              | sex | team  | age at entry |
/// |-------|--------|-----------|--------|------|----------------------|-----|-------|--------------|
/// | c1    | 1 Jan  | foster    | 20 Jan | 19   | within target        | F   | North | under 1      |
/// | c2    | 1 Feb  | kinship   | 1 Apr  | 60   | late (due 14 Mar)    | M   | North | 5 to 11      |
/// | c3    | 1 Mar  | foster    | none   | 121  | waiting, overdue     | F   | South | 12 and over  |
/// | c4    | 10 Jan | foster    | none   | 15   | left care 25 Jan     | M   | South | 1 to 4       |
/// | c5    | 1 Apr  | kinship   | 11 Apr | 10   | within target        | ?   | North | unknown      |
fn cohort() -> Vec<Kid> {
    vec![
        Kid::new("c1")
            .born("2023-10-01")
            .sex("F")
            .team("North")
            .placement("2024-01-01", "", Foster)
            .event("2024-01-20", LacReview),
        Kid::new("c2")
            .born("2019-02-01")
            .sex("M")
            .team("North")
            .placement("2024-02-01", "", Kinship)
            .event("2024-04-01", LacReview),
        Kid::new("c3")
            .born("2011-05-01")
            .sex("F")
            .team("South")
            .placement("2024-03-01", "", Foster),
        Kid::new("c4")
            .born("2021-01-01")
            .sex("M")
            .team("South")
            .placement("2024-01-10", "2024-01-25", Foster),
        Kid::new("c5")
            .team("North")
            .placement("2024-04-01", "", Kinship)
            .event("2024-04-11", LacReview),
    ]
}

fn run(kids: Vec<Kid>, profile: &Profile) -> (Vec<driftline::model::Child>, Statistics) {
    let children = build(kids, d(AS_AT));
    let s = compute(&children, profile, d(AS_AT), &Config::default());
    (children, s)
}

fn group<'a>(s: &'a Statistics, breakdown: &str, value: &str) -> &'a GroupStats {
    s.stages[0]
        .groups
        .get(breakdown)
        .unwrap_or_else(|| panic!("breakdown {breakdown}"))
        .get(value)
        .unwrap_or_else(|| panic!("{breakdown} = {value}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn whole_cohort_figures() {
    let (_, s) = run(cohort(), &first_review_only());
    let g = &s.stages[0].stats;
    assert_eq!((g.started, g.completed, g.censored), (5, 3, 2));
    // Completed: 10, 19, 60.
    assert_eq!(g.median_days, Some(19.0));
    assert_eq!(g.q1_days, Some(14.5));
    assert_eq!(g.q3_days, Some(39.5));
    assert_eq!((g.min_days, g.max_days), (Some(10), Some(60)));
    assert_eq!(g.within_target, Some(2));
    assert_eq!(g.within_target_pct, Some(66.7));
    assert_eq!(g.waiting_overdue, 1);
    // KM: 10 (event, 5 at risk) S = 0.8; 15 censored; 19 (3 at risk) S = 0.8 × 2/3;
    // 60 (2 at risk) S = 0.8 × 2/3 × 1/2; 121 censored. The median is 60.
    let km = &g.km;
    assert_eq!(km.median_days, Some(60.0));
    let expected_curve = [
        (0, 1.0),
        (10, 0.8),
        (19, 0.8 * 2.0 / 3.0),
        (60, 0.8 / 3.0),
        (121, 0.8 / 3.0),
    ];
    assert_eq!(km.curve.len(), expected_curve.len());
    for (got, want) in km.curve.iter().zip(expected_curve) {
        assert_eq!(got.0, want.0);
        assert!(close(got.1, want.1), "{got:?} vs {want:?}");
    }
    assert_eq!(km.censored, [(15, 1), (121, 1)]);
    // Restricted mean to 121: 10 + 0.8 × 9 + 0.5333… × 41 + 0.2666… × 61.
    let rm = km.restricted_mean.expect("restricted mean");
    assert_eq!(rm.horizon, 121);
    let expected = 10.0 + 0.8 * 9.0 + (1.6 / 3.0) * 41.0 + (0.8 / 3.0) * 61.0;
    assert!(close(rm.mean, expected), "{} vs {expected}", rm.mean);
}

#[test]
fn groups_by_placement_team_sex_age_and_route() {
    let (_, s) = run(cohort(), &first_review_only());
    let foster = group(&s, "placement", "foster");
    assert_eq!(
        (foster.started, foster.completed, foster.censored),
        (3, 1, 2)
    );
    assert_eq!(foster.median_days, Some(19.0));
    assert_eq!(foster.within_target_pct, Some(100.0));
    assert_eq!(foster.waiting_overdue, 1);
    // Foster KM: 15 censored, 19 event with 2 at risk → S = 0.5, then flat to the censored
    // 121: R's rule gives the midpoint of 19 and 121.
    assert_eq!(foster.km.median_days, Some(70.0));
    let kinship = group(&s, "placement", "kinship");
    assert_eq!((kinship.started, kinship.completed), (2, 2));
    assert_eq!(kinship.median_days, Some(35.0));
    assert_eq!(kinship.within_target_pct, Some(50.0));

    let south = group(&s, "team", "South");
    assert_eq!((south.started, south.completed), (2, 0));
    assert_eq!(south.median_days, None);
    assert_eq!(south.within_target_pct, None);
    assert_eq!(south.waiting_overdue, 1);
    assert_eq!(group(&s, "team", "North").started, 3);

    let sexes: Vec<&str> = s.stages[0].groups.get("sex").expect("sex").keys().collect();
    assert_eq!(sexes, ["F", "M", "unknown"]);
    let bands: Vec<&str> = s.stages[0]
        .groups
        .get("age_at_entry")
        .expect("age")
        .keys()
        .collect();
    assert_eq!(
        bands,
        ["under_1", "1_to_4", "5_to_11", "12_and_over", "unknown"]
    );
    assert_eq!(group(&s, "year_of_entry", "2024").started, 5);
    assert_eq!(group(&s, "route", "left_care_other").started, 1);
    assert_eq!(group(&s, "route", "still_looked_after").started, 4);
    // No legal data at all: the breakdown would be a single `unknown` group, so it is left out.
    assert!(s.stages[0].groups.get("legal_status").is_none());
}

#[test]
fn every_breakdown_partitions_the_stage() {
    let (_, s) = run(cohort(), &Profile::scotland());
    for stage in &s.stages {
        for (breakdown, values) in &stage.groups.0 {
            let started: u32 = values.0.iter().map(|(_, g)| g.started).sum();
            let completed: u32 = values.0.iter().map(|(_, g)| g.completed).sum();
            let overdue: u32 = values.0.iter().map(|(_, g)| g.waiting_overdue).sum();
            assert_eq!(started, stage.stats.started, "{} {breakdown}", stage.id);
            assert_eq!(completed, stage.stats.completed, "{} {breakdown}", stage.id);
            assert_eq!(
                overdue, stage.stats.waiting_overdue,
                "{} {breakdown}",
                stage.id
            );
        }
    }
}

#[test]
fn attributes_become_breakdowns_and_id_like_ones_are_omitted() {
    let kids: Vec<Kid> = (0..5)
        .map(|i| {
            Kid::new(&format!("k{i}"))
                .attribute("ethnicity", if i % 2 == 0 { "White" } else { "Mixed" })
                .attribute("case_number", &format!("N{i}"))
                .placement("2024-01-01", "", Foster)
        })
        .collect();
    let children = build(kids, d(AS_AT));
    let config = Config {
        max_groups: 4,
        ..Config::default()
    };
    let s = compute(&children, &first_review_only(), d(AS_AT), &config);
    let ethnicity = s.stages[0]
        .groups
        .get("attribute:ethnicity")
        .expect("attribute breakdown");
    assert_eq!(ethnicity.keys().collect::<Vec<_>>(), ["Mixed", "White"]);
    assert_eq!(ethnicity.get("White").map(|g| g.started), Some(3));
    assert!(s.stages[0].groups.get("attribute:case_number").is_none());
    assert_eq!(s.breakdowns_omitted.len(), 1);
    assert_eq!(s.breakdowns_omitted[0].breakdown, "attribute:case_number");
    assert_eq!(s.breakdowns_omitted[0].values, 5);
}

#[test]
fn pace_aim_1_check_counts_children_at_home_on_a_cso_for_over_two_years() {
    use LegalCategory::*;
    let kids = vec![
        // Since 1 Mar 2021 (the CSO began after the return home): due 1 Mar 2023, over.
        Kid::new("h1")
            .placement("2021-01-01", "", HomeWithParents)
            .legal("2021-01-01", "2021-02-28", Voluntary)
            .legal("2021-03-01", "", Compulsory),
        // Home since 1 Jan 2023: not yet 2 years.
        Kid::new("h2")
            .placement("2023-01-01", "", HomeWithParents)
            .legal("2022-12-01", "", Compulsory),
        // In foster care: not in the check's status.
        Kid::new("h3")
            .placement("2020-01-01", "", Foster)
            .legal("2020-01-01", "", Compulsory),
        // At home since 2020 but on a CSO only since 1 Jan 2024.
        Kid::new("h4")
            .placement("2020-01-01", "", HomeWithParents)
            .legal("2020-01-01", "2023-12-31", Voluntary)
            .legal("2024-01-01", "", Compulsory),
        // Unbroken runs of home placements and of CSOs since 1 Jan 2020: over, the longest.
        Kid::new("h5")
            .placement("2020-01-01", "2020-12-31", HomeWithParents)
            .placement("2021-01-01", "", HomeWithParents)
            .legal("2020-01-01", "2021-06-30", Compulsory)
            .legal("2021-07-01", "", Compulsory),
    ];
    let (_, s) = run(kids, &Profile::scotland());
    let check = &s.checks[0];
    assert_eq!(check.id, "home_on_cso_over_2_years");
    assert_eq!(check.current, 4);
    assert_eq!(check.over, 2);
    let over: Vec<&str> = check.children_over.iter().map(|c| &**c).collect();
    assert_eq!(over, ["h5", "h1"]);
    let h1 = &s.children[0].checks[0];
    assert_eq!(h1.since, d("2021-03-01"));
    assert_eq!(h1.due, Some(d("2023-03-01")));
    // 365 + 365 + 366 days to 1 Mar 2024, then 121 to 30 Jun.
    assert_eq!(h1.days, 1217);
    assert!(s.children[2].checks.is_empty());
    assert_eq!(s.children[3].checks[0].since, d("2024-01-01"));
    assert!(!s.children[3].checks[0].over);
}

#[test]
fn placements_in_the_last_12_months_and_stability() {
    // The window runs from 30 Jun 2023 (exclusive) to 30 Jun 2024. The first placement ended
    // on 1 Jun 2023, before it; the other three overlap it: unstable.
    let unstable = Kid::new("u")
        .placement("2023-01-01", "2023-06-01", Foster)
        .placement("2023-06-02", "2023-09-30", Foster)
        .placement("2023-10-01", "2024-01-31", Residential)
        .placement("2024-02-01", "", Kinship);
    let settled = Kid::new("s")
        .placement("2023-01-01", "2023-06-30", Foster)
        .placement("2023-07-01", "", Kinship);
    let (_, s) = run(vec![unstable, settled], &first_review_only());
    assert_eq!(s.children[0].placements_last_12_months, 3);
    assert!(s.children[0].unstable);
    // Ending on the window's first day does not count: only the kinship placement does.
    assert_eq!(s.children[1].placements_last_12_months, 1);
    assert!(!s.children[1].unstable);
}

#[test]
fn route_to_permanence_from_orders_returns_and_endings() {
    let kids = vec![
        Kid::new("po")
            .placement("2020-01-01", "", Foster)
            .event_labelled(
                "2022-01-10",
                OrderGranted,
                "Order granted",
                Some("Permanence Order"),
            ),
        Kid::new("adopted")
            .placement("2020-01-01", "2022-01-01", ProspectiveAdopters)
            .legal("2022-01-01", "", LegalCategory::AdoptionOrder),
        Kid::new("returned")
            .placement("2020-01-01", "2020-06-01", Foster)
            .event("2020-06-01", ReturnedHome),
        Kid::new("home_end")
            .placement("2020-01-01", "2020-03-31", Foster)
            .placement("2020-04-01", "2020-09-30", HomeWithParents),
        Kid::new("moved_away").placement("2020-01-01", "2020-09-30", Foster),
        Kid::new("at_home").placement("2023-01-01", "", HomeWithParents),
        Kid::new("waiting").placement("2023-01-01", "", Foster),
        Kid::new("po_then_adoption")
            .placement("2020-01-01", "2023-01-01", Foster)
            .event_labelled("2021-01-10", OrderGranted, "Permanence order", None)
            .event_labelled("2023-01-01", OrderGranted, "Adoption order", None),
    ];
    let (_, s) = run(kids, &first_review_only());
    let routes: Vec<Route> = s
        .children
        .iter()
        .map(|c| c.care_period_stats[0].route)
        .collect();
    assert_eq!(
        routes,
        [
            Route::PermanenceOrder,
            Route::Adoption,
            Route::Home,
            Route::Home,
            Route::LeftCareOther,
            Route::Home,
            Route::StillLookedAfter,
            Route::Adoption,
        ]
    );
}

#[test]
fn current_status_and_ages() {
    let kid = Kid::new("a")
        .born("2020-02-29")
        .placement("2023-03-01", "2023-12-31", Foster)
        .placement("2024-01-01", "", Kinship)
        .legal("2023-03-01", "", LegalCategory::Compulsory)
        .event("2023-03-20", LacReview)
        .event("2024-02-28", LacReview);
    // No date of birth: no ages.
    let unborn = Kid::new("b")
        .placement("2023-03-01", "", Foster)
        .event("2023-03-20", LacReview);
    // A care period without events (ended 30 Jun 2023, the next from 1 Sep 2023).
    let eventless = Kid::new("c")
        .born("2010-06-15")
        .placement("2023-01-01", "2023-06-30", Foster)
        .placement("2023-09-01", "", Foster)
        .event("2023-09-10", LacReview);
    let (children, s) = run(vec![kid, unborn, eventless], &first_review_only());
    let c = &s.children[0];
    assert!(c.current.in_care);
    assert_eq!(c.current.care_period_index.get(), Some(0));
    assert_eq!(c.current.placement, Some(Kinship));
    assert_eq!(c.current.legal_status, Some(LegalCategory::Compulsory));
    // Born 29 Feb 2020: 52 months old from 29 Jun 2024, 53 from 29 Jul.
    assert_eq!(c.current.age_months.get(), Some(52));
    let p = &c.care_period_stats[0];
    // 28 Feb 2023 is 36 months (29 Feb clamps to 28 Feb in 2023); 1 Mar 2023 is still 36.
    assert_eq!(p.age_months_at_entry, Some(36));
    assert_eq!(
        p.days_in_care,
        (d(AS_AT) - d("2023-03-01")).num_days() as u32
    );

    // The ages at the period's events are written with the journey, worked out from the date
    // of birth as it is written: 20 Mar 2023 is 36 months; 28 Feb 2024 is still 47 (48 from
    // 29 Feb 2024).
    let stats = compute(
        &children,
        &first_review_only(),
        d(AS_AT),
        &Config::default(),
    );
    let report =
        Report::new(d(AS_AT), InputSummary::default(), Dataset { children }).with_statistics(stats);
    let json: Value = serde_json::to_value(&report).expect("serialises");
    let periods = |i: usize| json["journeys"][i]["care_period_stats"].clone();
    assert_eq!(
        periods(0)[0]["event_age_months"],
        serde_json::json!([36, 47])
    );
    assert_eq!(periods(0)[0]["age_months_at_entry"], 36);
    assert!(periods(1)[0].get("event_age_months").is_none());
    assert_eq!(periods(1)[0]["age_band"], "unknown");
    // Born 15 Jun 2010: the first period has no events, the second one at 158 months
    // (13 years 2 months on 10 Sep 2023).
    assert_eq!(periods(2).as_array().map(Vec::len), Some(2));
    assert!(periods(2)[0].get("event_age_months").is_none());
    assert_eq!(periods(2)[1]["event_age_months"], serde_json::json!([158]));
}

#[test]
fn report_json_keeps_the_journey_shape_and_adds_the_stages() {
    let children = build(cohort(), d(AS_AT));
    let stats = compute(
        &children,
        &Profile::scotland(),
        d(AS_AT),
        &Config::default(),
    );
    let report =
        Report::new(d(AS_AT), InputSummary::default(), Dataset { children }).with_statistics(stats);
    let json: Value = serde_json::to_value(&report).expect("serialises");

    let stage = &json["stages"][0];
    for key in [
        "id",
        "label",
        "target",
        "started",
        "completed",
        "censored",
        "median_days",
        "within_target_pct",
        "waiting_overdue",
        "km",
        "groups",
    ] {
        assert!(stage.get(key).is_some(), "stages[0] lacks {key}");
    }
    assert_eq!(stage["id"], "first_review");
    assert_eq!(stage["target"], "6 weeks");
    assert_eq!(stage["median_days"], 19.0);
    assert_eq!(stage["km"]["median_days"], 60.0);
    assert_eq!(stage["km"]["median_ci"].as_array().map(Vec::len), Some(2));
    assert_eq!(stage["km"]["curve"][0], serde_json::json!([0, 1.0]));
    assert_eq!(stage["groups"]["placement"]["foster"]["started"], 3);
    assert!(stage["groups"]["placement"]["foster"]["km"]["curve"].is_array());
    assert_eq!(json["stages"][6]["id"], "time_to_permanence");
    assert_eq!(json["stages"][6]["target"], Value::Null);
    assert_eq!(json["stages"][6]["within_target_pct"], Value::Null);
    assert_eq!(json["checks"][0]["id"], "home_on_cso_over_2_years");
    assert_eq!(json["profile"]["id"], "scotland");

    let journey = &json["journeys"][0];
    assert_eq!(journey["child_id"], "c1");
    let period = &journey["care_periods"][0];
    for key in ["start", "end", "placements", "events", "moves"] {
        assert!(period.get(key).is_some(), "care_periods[0] lacks {key}");
    }
    let row = &journey["stages"][0];
    assert_eq!(row["stage"], "first_review");
    assert_eq!(row["care_period_index"], 0);
    assert_eq!(row["start"], "2024-01-01");
    assert_eq!(row["end"], "2024-01-20");
    assert_eq!(row["days"], 19);
    assert_eq!(row["censored"], false);
    assert_eq!(row["target_date"], "2024-02-12");
    assert_eq!(row["within_target"], true);
    assert_eq!(row["overdue"], false);
    assert_eq!(json["journeys"][2]["stages"][0]["overdue"], true);
    assert_eq!(journey["current"]["placement"], "foster");
    assert_eq!(journey["care_period_stats"][0]["age_band"], "under_1");
    // The journeys still read as a list of children, with the statistics beside them.
    assert_eq!(&*report.journeys[0].id, "c1");
    let children: &[driftline::model::Child] = &report.journeys;
    assert_eq!(children.len(), 5);
    // c1 started the three stages that run from becoming looked after.
    assert_eq!(report.journeys.stats_of(0).map(|s| s.stages.len()), Some(3));
    // The report writes the stage table itself (for `--format csv`).
    let mut csv_out = Vec::new();
    let options = TableOptions {
        byte_order_mark: false,
    };
    report
        .write_stage_csv(&mut csv_out, &options)
        .expect("writes");
    let text = String::from_utf8(csv_out).expect("utf-8");
    let started: usize = report.journeys.stats.iter().map(|s| s.stages.len()).sum();
    assert!(text.starts_with("child_id,care_period,care_period_start,"));
    assert_eq!(text.lines().count(), 1 + started);
}

#[test]
fn stage_table_csv_has_one_row_per_started_stage_and_inert_cells() {
    let mut kids = cohort();
    kids.push(
        Kid::new("=HYPERLINK(\"http://x\")")
            .team("-North")
            .placement("2024-05-01", "", Foster),
    );
    let children = build(kids, d(AS_AT));
    let profile = first_review_only();
    let stats = compute(&children, &profile, d(AS_AT), &Config::default());
    let mut out = Vec::new();
    let journeys = children.iter().zip(&stats.children);
    driftline::stats::write_stage_csv(&mut out, &profile, journeys, &TableOptions::default())
        .expect("writes");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.starts_with("\u{feff}child_id,care_period,"));
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 6);
    let c2 = &rows[1];
    assert_eq!(&c2[col("child_id")], "c2");
    assert_eq!(&c2[col("care_period")], "1");
    assert_eq!(&c2[col("start")], "2024-02-01");
    assert_eq!(&c2[col("end")], "2024-04-01");
    assert_eq!(&c2[col("days")], "60");
    assert_eq!(&c2[col("status")], "completed");
    assert_eq!(&c2[col("target")], "6 weeks");
    assert_eq!(&c2[col("target_date")], "2024-03-14");
    assert_eq!(&c2[col("within_target")], "no");
    assert_eq!(&c2[col("age_band_at_entry")], "5_to_11");
    assert_eq!(&rows[2][col("status")], "waiting");
    assert_eq!(&rows[2][col("overdue")], "yes");
    assert_eq!(&rows[3][col("status")], "left_care");
    assert_eq!(&rows[3][col("within_target")], "");
    let hostile = &rows[5];
    assert_eq!(&hostile[col("child_id")], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&hostile[col("team")], "'-North");
}
