//! Journeys that start before the data and data that ends before "as at" (an SSDA903 return
//! covers one year; several cover from the first's start to the last's end): unknown starts,
//! late entry into the Kaplan–Meier risk set (left truncation), censoring at the end of the
//! data. Every figure is worked by hand in the comments.

mod stats_support;

use driftline::chart::survival::steps;
use driftline::model::{Child, Milestone, Observed, PlacementCategory};
use driftline::stats::{
    compute, write_stage_csv, CensoredBy, Config, Profile, Statistics, TableOptions,
};
use stats_support::{build, d, Kid};

use Milestone::*;
use PlacementCategory::*;

/// Entering care to an order, target 6 months.
fn to_order() -> Profile {
    let json = r#"{"id":"t","label":"t","stages":[{"id":"s","label":"Entry to order",
        "from":"became_looked_after","to":"order_granted","target":"6 months"}]}"#;
    Profile::from_json(json).expect("valid test profile")
}

/// The data covers 1 Apr 2023 to 31 Mar 2024 (one return) for every child; "as at" is
/// 30 Jun 2024, after the data ends.
const AS_AT: &str = "2024-06-30";

fn window() -> Observed {
    Observed {
        from: d("2023-04-01"),
        to: d("2024-03-31"),
    }
}

/// The cohort, each child's stage worked out by hand:
/// - A: enters care 1 May 2023 (inside the data), order 10 Jun 2023: 30 + 10 = 40 days.
/// - B: enters care 22 Mar 2023 (before the data, start known), order 21 Apr 2023: 9 + 21 =
///   30 days; seen only because still waiting on 1 Apr 2023: entry 10 − 1 = 9 days (at risk
///   from day 10, 1 Apr, on).
/// - C: enters care 1 Jan 2023, still in care when the data ends on 31 Mar 2024: censored
///   there (end of data), 365 + 31 + 29 + 30 = 455 days; entry 31 + 28 + 31 − 1 = 89.
///   Its 6-month target (1 Jul 2023) passed, but nothing is known after 31 Mar 2024: not
///   waiting overdue, and not in care "as at".
/// - D: a period whose start is unknown (its first row is not a start of care), first seen
///   1 Apr 2023, order 1 May 2023: the start is unknown, left out and counted.
/// - E: enters care 1 Feb 2023, an order dated 15 Mar 2023 (before the data, 28 + 14 = 42
///   days), still in care later: entry 28 + 31 − 1 = 58 ≥ 42, never at risk in the data:
///   left out and counted.
/// - F: enters care 1 Jun 2023, leaves care from foster care 1 Sep 2023 with no order:
///   censored (left care) at 30 + 31 + 31 = 92 days.
fn cohort() -> Vec<Child> {
    let kids = vec![
        Kid::new("A")
            .placement("2023-05-01", "", Foster)
            .event("2023-06-10", OrderGranted),
        Kid::new("B")
            .placement("2023-03-22", "", Foster)
            .event("2023-04-21", OrderGranted),
        Kid::new("C").placement("2023-01-01", "", Foster),
        Kid::new("D")
            .born("2015-01-01")
            .placement("2023-04-01", "", Foster)
            .event("2023-05-01", OrderGranted),
        Kid::new("E")
            .placement("2023-02-01", "", Foster)
            .event("2023-03-15", OrderGranted),
        Kid::new("F").placement("2023-06-01", "2023-09-01", Foster),
    ];
    let mut children = build(kids, d(AS_AT));
    for c in &mut children {
        c.observed = Some(window());
        if &*c.id == "D" {
            c.care_periods[0].start_unknown = true;
        }
    }
    children
}

fn run() -> (Vec<Child>, Statistics) {
    let children = cohort();
    let s = compute(&children, &to_order(), d(AS_AT), &Config::default());
    (children, s)
}

#[test]
fn each_row_says_how_the_data_saw_it() {
    let (children, s) = run();
    let row = |id: &str| {
        let i = children.iter().position(|c| &*c.id == id).expect(id);
        s.children[i].stages[0].clone()
    };
    let a = row("A");
    assert_eq!(
        (a.days, a.entry_days.get(), a.start_unknown),
        (40, None, false)
    );
    let b = row("B");
    assert_eq!(
        (b.days, b.entry_days.get(), b.before_data),
        (30, Some(9), false)
    );
    let c = row("C");
    assert_eq!(c.censored_by, Some(CensoredBy::EndOfData));
    assert_eq!((c.days, c.entry_days.get()), (455, Some(89)));
    assert_eq!(c.target_date, Some(d("2023-07-01")));
    assert!(!c.overdue, "nothing is known after the data ends");
    let dd = row("D");
    assert!(dd.start_unknown);
    assert_eq!((dd.target_date, dd.within_target), (None, None));
    // D was born 1 Jan 2015, but entered care on an unknown day: no age at entry.
    let di = children.iter().position(|c| &*c.id == "D").expect("D");
    assert_eq!(
        s.children[di].care_period_stats[0].age_months_at_entry,
        None
    );
    assert_eq!(s.children[di].care_period_stats[0].age_band.id(), "unknown");
    // In the CSV table, D's start, days, care period start and year of entry are blank.
    let mut csv_bytes = Vec::new();
    let journeys = children.iter().zip(&s.children);
    let options = TableOptions {
        byte_order_mark: false,
    };
    write_stage_csv(&mut csv_bytes, &s.profile, journeys, &options).expect("CSV");
    let mut reader = csv::Reader::from_reader(csv_bytes.as_slice());
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let d_row = reader
        .records()
        .map(|r| r.expect("record"))
        .find(|r| &r[col("child_id")] == "D")
        .expect("D's row");
    for name in ["start", "days", "care_period_start", "year_of_entry"] {
        assert_eq!(&d_row[col(name)], "", "{name}");
    }
    assert_eq!(&d_row[col("end")], "2023-05-01");
    let e = row("E");
    assert_eq!(
        (e.days, e.entry_days.get(), e.before_data),
        (42, Some(58), true)
    );
    let f = row("F");
    assert_eq!((f.days, f.censored_by), (92, Some(CensoredBy::LeftCare)));
    // C is still in care when the data ends, but not "in care" as at 30 Jun 2024.
    let ci = children.iter().position(|c| &*c.id == "C").expect("C");
    assert!(!s.children[ci].current.in_care);
    assert_eq!(
        s.children[ci].care_period_stats[0].route.id(),
        "still_looked_after"
    );
    // Days in care stop at the end of the data: 455.
    assert_eq!(s.children[ci].care_period_stats[0].days_in_care, 455);
}

#[test]
fn the_summary_counts_rows_left_out_and_enters_late_rows_late() {
    let (_, s) = run();
    let g = &s.stages[0].stats;
    // In the figures: A, B, C, F. D (start unknown) and E (before the data) are counted.
    assert_eq!((g.started, g.completed, g.censored), (4, 2, 2));
    assert_eq!((g.start_unknown, g.before_data, g.entered_late), (1, 1, 2));
    // Completed: 30 (B) and 40 (A): median 35, both within 6 months.
    assert_eq!(g.median_days, Some(35.0));
    assert_eq!(g.within_target, Some(2));
    assert_eq!(g.waiting_overdue, 0);
    // Kaplan–Meier with delayed entry (at risk at t: entry < t ≤ time):
    //   t = 30: A, B (9 < 30), F = 3 (C enters after 89)  1 event  S = 2/3
    //   t = 40: A, F = 2                                   1 event  S = 1/3
    //   t = 92: F, C (89 < 92) = 2                         F censored
    //   t = 455: C = 1                                     C censored
    // (Timed from entry for all, C would be at risk at 30 and 40: S = 3/4 × 2/3 = 1/2.)
    // The median: the first time S ≤ 0.5, 40.
    let km = &g.km;
    assert_eq!(km.curve.len(), 4);
    let expected = [(0, 1.0), (30, 2.0 / 3.0), (40, 1.0 / 3.0), (455, 1.0 / 3.0)];
    for ((t, s), (et, es)) in km.curve.iter().zip(expected) {
        assert_eq!(*t, et);
        assert!((s - es).abs() < 1e-12, "S({t}) = {s}, expected {es}");
    }
    assert_eq!(km.median_days, Some(40.0));
    assert_eq!(km.censored, [(92, 1), (455, 1)]);
    assert_eq!(km.entered, [(9, 1), (89, 1)]);
    // The survival chart recovers the numbers at risk from the summary: 3, 2, 2, 1.
    let at_risk: Vec<(u32, u32)> = steps(g)
        .iter()
        .filter(|st| st.time > 0)
        .map(|st| (st.time, st.at_risk))
        .collect();
    assert_eq!(at_risk, [(30, 3), (40, 2), (92, 2), (455, 1)]);
    // Groups count rows left out too: D's year of entry is unknown, E's is 2023.
    let years = s.stages[0].groups.get("year_of_entry").expect("years");
    let unknown = years.get("unknown").expect("D's group");
    assert_eq!((unknown.started, unknown.start_unknown), (0, 1));
    assert_eq!(years.get("2023").expect("2023").before_data, 1);
}

#[test]
fn whole_journeys_are_unchanged_by_the_window_rules() {
    // The same children without an observed window (template input): every row is in the
    // figures, none entered late, and C is censored "as at" (30 Jun 2024): 365 + 181 = 546
    // days, overdue (target 1 Jul 2023).
    let mut children = cohort();
    for c in &mut children {
        c.observed = None;
        for p in &mut c.care_periods {
            p.start_unknown = false;
        }
    }
    let s = compute(&children, &to_order(), d(AS_AT), &Config::default());
    let g = &s.stages[0].stats;
    assert_eq!(
        (g.started, g.entered_late, g.start_unknown, g.before_data),
        (6, 0, 0, 0)
    );
    assert!(g.km.entered.is_empty());
    let ci = children.iter().position(|c| &*c.id == "C").expect("C");
    let c = &s.children[ci].stages[0];
    assert_eq!(
        (c.days, c.censored_by, c.overdue),
        (546, Some(CensoredBy::AsAt), true)
    );
    assert!(s.children[ci].current.in_care);
}
