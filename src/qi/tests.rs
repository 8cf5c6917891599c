//! Tests of the chart layout at the `analyze` boundary: hand-built edge cases for each rule,
//! segment and icon, the JSON shape of the CLI contract, and property tests. The reference
//! vectors are in `tests/qi_vectors.rs`.

use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// Daily dates from 2024-01-01, one per value.
fn daily(values: &[f64]) -> Vec<(NaiveDate, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| (d(2024, 1, 1) + chrono::Days::new(i as u64), v))
        .collect()
}

fn xmr(rules: RuleSet) -> SpcConfig {
    SpcConfig {
        rules: Some(rules),
        ..SpcConfig::new(ChartKind::Xmr)
    }
}

fn causes(chart: &SpcChart) -> Vec<Option<SpecialCause>> {
    chart.points.iter().map(|p| p.special_cause).collect()
}

/// A baseline of 12 alternating points (mean 10, every MR 2, AMR 2) that fixes the limits.
const BASE12: [f64; 12] = [9., 11., 9., 11., 9., 11., 9., 11., 9., 11., 9., 11.];

fn with_base(tail: &[f64]) -> Vec<f64> {
    let mut v = BASE12.to_vec();
    v.extend_from_slice(tail);
    v
}

fn fixed(rules: RuleSet) -> SpcConfig {
    SpcConfig {
        baseline: Some(12),
        ..xmr(rules)
    }
}

// --- Making Data Count rules --------------------------------------------------------------

#[test]
fn a_point_exactly_on_a_limit_is_inside() {
    let chart = analyze_values(&with_base(&[]), &fixed(RuleSet::Mdc)).expect("chart");
    let upper = chart.segments[0].lines.upper.expect("upper");
    let lower = chart.segments[0].lines.lower.expect("lower");
    // Mean 10 ± 2.66 × 2.
    assert!((upper - 15.32).abs() < 1e-12 && (lower - 4.68).abs() < 1e-12);
    let y = with_base(&[upper, 10.0, lower, 10.0, upper + 1e-9]);
    let chart = analyze_values(&y, &fixed(RuleSet::Mdc)).expect("chart");
    let c = causes(&chart);
    assert_eq!(c[12], None, "on the upper limit: not outside");
    assert_eq!(c[14], None, "on the lower limit: not outside");
    assert_eq!(c[16], Some(SpecialCause::AboveUpper), "just above: outside");
}

#[test]
fn two_of_three_close_points_on_the_same_side() {
    // 2-sigma lines at 10 ± 3.5467; 14 and 14.5 are close to the upper limit, 10.5 is above
    // the mean: 2 of 3 above; only the close points are marked.
    let y = with_base(&[14.0, 10.5, 14.5, 10.0]);
    let chart = analyze_values(&y, &fixed(RuleSet::Mdc)).expect("chart");
    let c = causes(&chart);
    assert_eq!(c[12], Some(SpecialCause::TwoInThreeAbove));
    assert_eq!(c[13], None, "the middle point is not close");
    assert_eq!(c[14], Some(SpecialCause::TwoInThreeAbove));
    // With the middle point below the mean the three are not on one side.
    let y = with_base(&[14.0, 9.5, 14.5, 10.0]);
    let chart = analyze_values(&y, &fixed(RuleSet::Mdc)).expect("chart");
    assert!(causes(&chart).iter().all(Option::is_none));
}

#[test]
fn nhse_2024_counts_beyond_limit_points_in_two_of_three() {
    // 16 is beyond the upper limit (15.32), 14 is close: the 2024 rules flag 14 as 2 of 3,
    // NHSRplotthedots does not (a beyond-limit point is not "close").
    let y = with_base(&[16.0, 14.0, 10.5, 10.0]);
    let mdc = analyze_values(&y, &fixed(RuleSet::Mdc)).expect("chart");
    assert_eq!(mdc.points[12].special_cause, Some(SpecialCause::AboveUpper));
    assert_eq!(mdc.points[13].special_cause, None);
    let nhse = analyze_values(&y, &fixed(RuleSet::Nhse2024)).expect("chart");
    assert_eq!(
        nhse.points[12].special_cause,
        Some(SpecialCause::AboveUpper)
    );
    assert_eq!(
        nhse.points[13].special_cause,
        Some(SpecialCause::TwoInThreeAbove)
    );
    assert_eq!(nhse.rules, RuleSet::Nhse2024);
}

#[test]
fn shift_is_seven_points_or_six_under_nhse_2024() {
    // The baseline ends above the mean, so the run starts after a point below it.
    let six_above = with_base(&[9.0, 10.5, 10.5, 10.5, 10.5, 10.5, 10.5]);
    let mdc = analyze_values(&six_above, &fixed(RuleSet::Mdc)).expect("chart");
    assert!(
        causes(&mdc).iter().all(Option::is_none),
        "6 is not a shift for MDC"
    );
    let nhse = analyze_values(&six_above, &fixed(RuleSet::Nhse2024)).expect("chart");
    assert_eq!(causes(&nhse)[12], None);
    assert!(causes(&nhse)[13..]
        .iter()
        .all(|c| *c == Some(SpecialCause::ShiftAbove)));
    let seven_below = with_base(&[9.5; 7]);
    let mdc = analyze_values(&seven_below, &fixed(RuleSet::Mdc)).expect("chart");
    assert!(causes(&mdc)[12..]
        .iter()
        .all(|c| *c == Some(SpecialCause::ShiftBelow)));
    // Delay: lower is better, so a shift below is an improvement.
    assert!(mdc.points[12..]
        .iter()
        .all(|p| p.variation == Variation::Improvement));
}

#[test]
fn a_point_on_the_mean_breaks_a_shift() {
    let y = with_base(&[10.5, 10.5, 10.5, 10.0, 10.5, 10.5, 10.5, 10.5]);
    let chart = analyze_values(&y, &fixed(RuleSet::Mdc)).expect("chart");
    assert!(causes(&chart).iter().all(Option::is_none));
}

#[test]
fn trends_of_seven_or_six_and_equal_neighbours_break_them() {
    let six_up = with_base(&[8.0, 8.5, 9.0, 9.5, 10.0, 10.5]);
    let mdc = analyze_values(&six_up, &fixed(RuleSet::Mdc)).expect("chart");
    assert!(causes(&mdc)[12..].iter().all(Option::is_none));
    let nhse = analyze_values(&six_up, &fixed(RuleSet::Nhse2024)).expect("chart");
    assert!(causes(&nhse)[12..]
        .iter()
        .all(|c| *c == Some(SpecialCause::TrendUp)));
    // The baseline ends at 11, so 11 → 10.6 → … is a falling run of 7 points.
    let seven_down = with_base(&[10.6, 10.4, 10.2, 10.0, 9.8, 9.6]);
    let mdc = analyze_values(&seven_down, &fixed(RuleSet::Mdc)).expect("chart");
    assert!(causes(&mdc)[11..]
        .iter()
        .all(|c| *c == Some(SpecialCause::TrendDown)));
    assert_eq!(mdc.points[12].variation, Variation::Improvement);
    // An equal neighbour breaks the trend.
    let flat = with_base(&[10.6, 10.4, 10.2, 10.2, 10.0, 9.8, 9.6]);
    let mdc = analyze_values(&flat, &fixed(RuleSet::Mdc)).expect("chart");
    assert!(causes(&mdc).iter().all(Option::is_none));
}

#[test]
fn precedence_outside_then_trend_then_two_of_three_then_shift() {
    // Seven rising points above the mean (a trend and a shift); 13.7 and 14.0 are beyond the
    // 2-sigma line (13.5467), so 2 of 3 too; 16 is outside the limits (15.32):
    // outside > trend > 2 of 3 > shift.
    let y = with_base(&[10.1, 10.2, 10.3, 10.4, 13.7, 14.0, 16.0]);
    let rules_only = |chart: &SpcChart| causes(chart)[12..].to_vec();
    let chart = analyze_values(&y, &fixed(RuleSet::Mdc)).expect("chart");
    let c = rules_only(&chart);
    assert!(
        c[..4].iter().all(|c| *c == Some(SpecialCause::TrendUp)),
        "trend beats shift"
    );
    assert_eq!(c[4], Some(SpecialCause::TrendUp), "trend beats 2 of 3");
    assert_eq!(c[5], Some(SpecialCause::TrendUp), "trend beats 2 of 3");
    assert_eq!(c[6], Some(SpecialCause::AboveUpper), "outside beats trend");
    // Break the trend (10.4 → 10.3) and 2 of 3 shows, beating the shift.
    let y = with_base(&[10.1, 10.2, 10.3, 10.3, 13.7, 14.0, 12.0]);
    let chart = analyze_values(&y, &fixed(RuleSet::Mdc)).expect("chart");
    let c = rules_only(&chart);
    assert!(c[..4].iter().all(|c| *c == Some(SpecialCause::ShiftAbove)));
    assert_eq!(c[4], Some(SpecialCause::TwoInThreeAbove));
    assert_eq!(c[5], Some(SpecialCause::TwoInThreeAbove));
    assert_eq!(c[6], Some(SpecialCause::ShiftAbove));
}

// --- qicharts2 and IHI on I charts and run charts -----------------------------------------

#[test]
fn anhoej_i_chart_marks_the_long_run_as_a_shift() {
    // 16 points, a run of 10 above the mean at the end; limit round(log2(16)) + 3 = 7.
    let y = [
        1., 3., 1., 3., 1., 3., 4., 4.5, 4., 4.5, 4., 4.5, 4., 4.5, 4., 4.5,
    ];
    let chart = analyze_values(&y, &xmr(RuleSet::Anhoej)).expect("chart");
    assert_eq!(chart.limits_convention, Some(LimitsConvention::Qicharts2));
    let runs = chart.runs.as_ref().expect("runs");
    assert!(runs.fired.contains(&RunsRule::LongestRun));
    let at = runs.longest_run_at.expect("longest run");
    assert_eq!((at.start, at.end), (6, 15));
    let c = causes(&chart);
    assert!(c[6..].iter().all(|c| *c == Some(SpecialCause::ShiftAbove)));
    assert!(c[..6].iter().all(Option::is_none));
}

#[test]
fn ihi_run_chart_marks_shifts_and_trends() {
    // Median of 1..=6 and 10..=15 is 8; 6 below then 6 above: two shifts; the rising values
    // are also trends, which take precedence.
    let y: Vec<f64> = [1., 2., 3., 4., 5., 6., 10., 11., 12., 13., 14., 15.].to_vec();
    let config = SpcConfig {
        rules: Some(RuleSet::Ihi),
        ..SpcConfig::new(ChartKind::Run)
    };
    let chart = analyze_values(&y, &config).expect("chart");
    let runs = chart.runs.as_ref().expect("runs");
    assert_eq!(runs.fired, vec![RunsRule::Shift, RunsRule::Trend]);
    assert_eq!(runs.longest_run_max, Some(5));
    assert_eq!(runs.crossings_min, None, "no crossings rule under IHI");
    assert!(causes(&chart)
        .iter()
        .all(|c| *c == Some(SpecialCause::TrendUp)));
    // Without the trend (values alternate within each side) the shifts show.
    let y = [1., 2., 1., 2., 1., 2., 14., 15., 14., 15., 14., 15.];
    let chart = analyze_values(&y, &config).expect("chart");
    let c = causes(&chart);
    assert!(c[..6].iter().all(|c| *c == Some(SpecialCause::ShiftBelow)));
    assert!(c[6..].iter().all(|c| *c == Some(SpecialCause::ShiftAbove)));
}

#[test]
fn run_chart_centre_is_the_median_of_the_baseline() {
    let y = [1., 2., 3., 4., 100., 200., 300.];
    let config = SpcConfig {
        baseline: Some(4),
        ..SpcConfig::new(ChartKind::Run)
    };
    let chart = analyze_values(&y, &config).expect("chart");
    assert_eq!(chart.segments.len(), 1);
    assert_eq!(chart.segments[0].lines.centre, 2.5);
    assert_eq!(chart.segments[0].lines.upper, None);
    assert!(chart.provisional);
    assert_eq!(chart.icons.assurance, None);
}

#[test]
fn mdc_rules_do_not_apply_to_run_charts() {
    let config = SpcConfig {
        rules: Some(RuleSet::Mdc),
        ..SpcConfig::new(ChartKind::Run)
    };
    let err = analyze_values(&[1., 2.], &config).expect_err("not for run charts");
    assert!(matches!(err, QiError::RulesNotForChart { .. }));
    assert!(err.to_string().contains("anhoej or ihi"));
}

// --- MR and T charts ----------------------------------------------------------------------

#[test]
fn mr_chart_plots_moving_ranges_against_their_mean() {
    let y = [10., 12., 11., 15., 14., 40.];
    let chart = analyze(&daily(&y), &SpcConfig::new(ChartKind::Mr)).expect("chart");
    let mrs: Vec<f64> = chart.points.iter().map(|p| p.value).collect();
    assert_eq!(mrs, vec![2., 1., 4., 1., 26.]);
    assert_eq!(
        chart.points[0].date,
        Some(d(2024, 1, 2)),
        "dated at the later point"
    );
    let amr = 34.0 / 5.0;
    let p = chart.lines_of(&chart.points[0]).expect("lines");
    assert!((p.centre - amr).abs() < 1e-12);
    assert!((p.upper.expect("upper") - 3.267 * amr).abs() < 1e-12);
    assert_eq!(p.lower, Some(0.0));
    assert_eq!(
        chart.points[4].special_cause,
        Some(SpecialCause::AboveUpper)
    );
    assert_eq!(chart.points[4].variation, Variation::NeutralHigh);
    assert_eq!(chart.runs, None);
}

#[test]
fn t_chart_transforms_and_back_transforms() {
    let days = [8., 40., 10., 60., 9., 50., 12., 70., 10., 45., 11., 55.];
    let chart = analyze_values(&days, &SpcConfig::new(ChartKind::T)).expect("chart");
    // An independent computation of the same chart on t^(1/3.6).
    let t: Vec<f64> = days.iter().map(|v: &f64| v.powf(1.0 / 3.6)).collect();
    let mean = t.iter().sum::<f64>() / t.len() as f64;
    let mrs: Vec<f64> = t.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let amr = mrs.iter().sum::<f64>() / mrs.len() as f64;
    assert!(
        mrs.iter().all(|m| *m < 3.267 * amr),
        "nothing to screen here"
    );
    let p = chart.segments[0].lines;
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
    assert!(close(p.centre, mean.powf(3.6)));
    assert!(close(
        p.upper.expect("upper"),
        (mean + 2.66 * amr).powf(3.6)
    ));
    let lower = mean - 2.66 * amr;
    assert!(
        lower < 0.0,
        "this series has a negative transformed lower limit"
    );
    assert_eq!(
        p.lower,
        Some(0.0),
        "a negative transformed lower limit becomes 0"
    );
    assert_eq!(
        chart.points[0].value, 8.0,
        "values are plotted untransformed"
    );
    // The lower 2-sigma line is positive here and back-transformed.
    let lower2 = mean - 2.0 * 2.66 / 3.0 * amr;
    assert!(lower2 > 0.0);
    assert!(close(
        p.lower_2sigma.expect("lower 2-sigma"),
        lower2.powf(3.6)
    ));
    // With more spread it is negative too, and has no back-transform (as in qicharts2).
    let days = [2., 60., 5., 90., 3., 40., 8., 120., 4., 70., 6., 100.];
    let chart = analyze_values(&days, &SpcConfig::new(ChartKind::T)).expect("chart");
    assert_eq!(chart.segments[0].lines.lower, Some(0.0));
    assert_eq!(chart.segments[0].lines.lower_2sigma, None);
}

#[test]
fn t_chart_needs_positive_durations() {
    let events = [d(2024, 1, 1), d(2024, 2, 1), d(2024, 2, 1), d(2024, 3, 1)];
    let gaps = series::days_between(&events);
    let err = analyze(&gaps, &SpcConfig::new(ChartKind::T)).expect_err("a zero gap");
    assert_eq!(
        err,
        QiError::NonPositiveDuration {
            index: 1,
            date: Some(d(2024, 2, 1)),
            value: 0.0
        }
    );
    assert!(err.to_string().contains("greater than zero"));
}

// --- Baselines, rebasing, errors ----------------------------------------------------------

#[test]
fn rebase_starts_at_the_first_point_on_or_after_the_date() {
    let mut y: Vec<f64> = (0..30).map(|i| f64::from(i % 3)).collect();
    y.extend((0..10).map(|i| 10.0 + f64::from(i % 2)));
    let series = daily(&y);
    // 2024-01-30 12:00 does not exist as a date; 2024-01-31 is the 31st point (index 30).
    let config = SpcConfig {
        rebase: vec![d(2024, 1, 31), d(2024, 1, 31), d(2025, 1, 1)],
        ..SpcConfig::default()
    };
    let chart = analyze(&series, &config).expect("chart");
    assert_eq!(
        chart.segments.len(),
        2,
        "duplicates and dates after the end are ignored"
    );
    assert_eq!(chart.segments[1].start, 30);
    assert_eq!(chart.segments[1].start_date, Some(d(2024, 1, 31)));
    assert_eq!(chart.segments[0].lines.centre, 1.0);
    assert_eq!(chart.segments[1].lines.centre, 10.5);
    assert!(!chart.segments[0].provisional);
    assert!(chart.segments[1].provisional, "10 points");
    assert!(chart.provisional, "the most recent segment is provisional");
    assert!(chart.points[30..].iter().all(|p| p.segment == 1));
    assert_eq!(chart.points[30].moving_range, None, "no MR across a rebase");
    // Serialised, each point carries its own segment's lines.
    let json = serde_json::to_value(&chart).expect("json");
    assert_eq!(json["points"][29]["centre"], 1.0);
    assert_eq!(json["points"][30]["centre"], 10.5);
    assert_eq!(json["points"][30]["upper"], json["segments"][1]["upper"]);
    assert_eq!(json["segments"][1]["start_date"], "2024-01-31");
}

#[test]
fn short_segments_and_baselines_are_errors_not_panics() {
    let series = daily(&[1., 2., 3., 4.]);
    let config = SpcConfig {
        rebase: vec![d(2024, 1, 4)],
        ..SpcConfig::default()
    };
    let err = analyze(&series, &config).expect_err("a one-point segment");
    assert_eq!(
        err,
        QiError::TooFewPoints {
            segment_start: Some(d(2024, 1, 4)),
            needed: 2,
            got: 1
        }
    );
    let config = SpcConfig {
        baseline: Some(1),
        ..SpcConfig::default()
    };
    assert!(matches!(
        analyze(&series, &config),
        Err(QiError::InvalidBaseline { baseline: 1, .. })
    ));
    assert_eq!(analyze(&[], &SpcConfig::default()), Err(QiError::Empty));
    assert_eq!(
        analyze_values(&[1.0, f64::INFINITY], &SpcConfig::default()),
        Err(QiError::NonFinite {
            index: 1,
            date: None
        })
    );
    let config = SpcConfig {
        rebase: vec![d(2024, 1, 1)],
        ..SpcConfig::default()
    };
    assert_eq!(
        analyze_values(&[1.0, 2.0], &config),
        Err(QiError::RebaseWithoutDates)
    );
    let config = SpcConfig {
        target: Some(f64::NAN),
        ..SpcConfig::default()
    };
    assert!(matches!(
        analyze_values(&[1.0, 2.0], &config),
        Err(QiError::InvalidTarget { .. })
    ));
}

#[test]
fn points_are_put_in_date_order() {
    let series = [
        (d(2024, 3, 1), 3.0),
        (d(2024, 1, 1), 1.0),
        (d(2024, 2, 1), 2.0),
    ];
    let chart = analyze(&series, &SpcConfig::default()).expect("chart");
    let values: Vec<f64> = chart.points.iter().map(|p| p.value).collect();
    assert_eq!(values, vec![1.0, 2.0, 3.0]);
    let err = analyze(
        &[(d(2024, 3, 1), 3.0), (d(2024, 1, 1), f64::NAN)],
        &SpcConfig::default(),
    )
    .expect_err("NaN");
    assert_eq!(
        err,
        QiError::NonFinite {
            index: 1,
            date: Some(d(2024, 1, 1))
        },
        "the index is the position in the input as given"
    );
}

// --- Icons, annotations, options, JSON ----------------------------------------------------

#[test]
fn icons_follow_the_last_point_and_the_target() {
    // The last point is a special cause below the lower limit.
    let y = with_base(&[1.0]);
    let mut config = fixed(RuleSet::Mdc);
    config.target = Some(20.0);
    let chart = analyze_values(&y, &config).expect("chart");
    assert_eq!(chart.icons.variation, Some(VariationIcon::ImprovementLow));
    // Lower is better and the target is above the upper limit: every point passes.
    assert_eq!(chart.icons.assurance, Some(AssuranceIcon::ConsistentPass));
    config.direction = Direction::Higher;
    let chart = analyze_values(&y, &config).expect("chart");
    assert_eq!(chart.icons.variation, Some(VariationIcon::ConcernLow));
    assert_eq!(chart.icons.assurance, Some(AssuranceIcon::ConsistentFail));
    config.target = Some(12.0);
    let chart = analyze_values(&y, &config).expect("chart");
    assert_eq!(chart.icons.assurance, Some(AssuranceIcon::HitAndMiss));
    config.direction = Direction::Neutral;
    let chart = analyze_values(&y, &config).expect("chart");
    assert_eq!(chart.icons.variation, Some(VariationIcon::NeutralLow));
    assert_eq!(
        chart.icons.assurance, None,
        "no assurance without a direction"
    );
    // A target exactly on a limit is hit and miss.
    let plain = analyze_values(&BASE12, &fixed(RuleSet::Mdc)).expect("chart");
    let mut config = fixed(RuleSet::Mdc);
    config.target = plain.segments[0].lines.upper;
    let chart = analyze_values(&BASE12, &config).expect("chart");
    assert_eq!(chart.icons.assurance, Some(AssuranceIcon::HitAndMiss));
    assert_eq!(chart.icons.variation, Some(VariationIcon::CommonCause));
}

#[test]
fn annotations_are_sorted_and_placed_at_their_point() {
    let config = SpcConfig {
        annotations: vec![
            Annotation {
                date: d(2024, 1, 10),
                label: "PDSA 2: panel dates booked at the review".into(),
            },
            Annotation {
                date: d(2024, 1, 3),
                label: "PDSA 1: tracker".into(),
            },
            Annotation {
                date: d(2025, 1, 1),
                label: "later".into(),
            },
        ],
        ..SpcConfig::default()
    };
    let chart = analyze(&daily(&[5., 6., 5., 7., 6., 5., 8., 6.]), &config).expect("chart");
    let placed: Vec<(&str, Option<usize>)> = chart
        .annotations
        .iter()
        .map(|a| (a.label.as_str(), a.point))
        .collect();
    assert_eq!(
        placed,
        vec![
            ("PDSA 1: tracker", Some(2)),
            ("PDSA 2: panel dates booked at the review", None),
            ("later", None)
        ]
    );
}

#[test]
fn options_parse_from_strings_with_helpful_errors() {
    assert_eq!("run".parse::<ChartKind>(), Ok(ChartKind::Run));
    assert_eq!(" XmR ".parse::<ChartKind>(), Ok(ChartKind::Xmr));
    assert_eq!("mr".parse::<ChartKind>(), Ok(ChartKind::Mr));
    assert_eq!("t".parse::<ChartKind>(), Ok(ChartKind::T));
    assert_eq!("nhse-2024".parse::<RuleSet>(), Ok(RuleSet::Nhse2024));
    assert_eq!("NHSE_2024".parse::<RuleSet>(), Ok(RuleSet::Nhse2024));
    assert_eq!("anhøj".parse::<RuleSet>(), Ok(RuleSet::Anhoej));
    assert_eq!("ihi".parse::<RuleSet>(), Ok(RuleSet::Ihi));
    assert_eq!("mdc".parse::<RuleSet>(), Ok(RuleSet::Mdc));
    assert_eq!("higher".parse::<Direction>(), Ok(Direction::Higher));
    assert_eq!("lower".parse::<Direction>(), Ok(Direction::Lower));
    assert_eq!("neutral".parse::<Direction>(), Ok(Direction::Neutral));
    let err = "p".parse::<ChartKind>().expect_err("unknown chart");
    assert_eq!(
        err.to_string(),
        "unknown chart 'p': expected run, xmr, mr or t"
    );
    let err = "nelson".parse::<RuleSet>().expect_err("unknown rules");
    assert!(err.to_string().contains("anhoej, ihi, mdc or nhse-2024"));
    let err = "sideways"
        .parse::<Direction>()
        .expect_err("unknown direction");
    assert!(err.to_string().contains("lower, higher or neutral"));
    // Display round-trips.
    for rules in [
        RuleSet::Anhoej,
        RuleSet::Ihi,
        RuleSet::Mdc,
        RuleSet::Nhse2024,
    ] {
        assert_eq!(rules.to_string().parse::<RuleSet>(), Ok(rules));
    }
}

#[test]
fn json_matches_the_cli_contract() {
    let mut config = SpcConfig::new(ChartKind::Xmr);
    config.rules = Some(RuleSet::Nhse2024);
    config.target = Some(20.0);
    let chart = analyze(&daily(&with_base(&[1.0])), &config).expect("chart");
    let json = serde_json::to_value(&chart).expect("json");
    assert_eq!(json["chart"], "xmr");
    assert_eq!(json["rules"], "nhse-2024");
    // The runs analysis is reported under every rule set (the contract's `runs` object).
    for key in [
        "n_useful",
        "longest_run",
        "longest_run_max",
        "crossings",
        "crossings_min",
        "signal",
    ] {
        assert!(json["runs"].get(key).is_some(), "runs.{key}");
    }
    let point = &json["points"][12];
    for key in [
        "value",
        "centre",
        "lower",
        "upper",
        "lower_2sigma",
        "upper_2sigma",
        "special_cause",
        "variation",
    ] {
        assert!(point.get(key).is_some(), "points[] has {key}");
    }
    assert_eq!(point["special_cause"], "below_lower");
    assert_eq!(point["variation"], "improvement");
    assert_eq!(json["points"][0]["special_cause"], serde_json::Value::Null);
    assert_eq!(json["points"][0]["variation"], "common");
    assert_eq!(json["points"][0]["date"], "2024-01-01");
    assert_eq!(json["icons"]["variation"], "improvement_low");
    assert_eq!(json["icons"]["assurance"], "consistent_pass");

    let chart = analyze_values(&[1., 3., 1., 3., 5., 5.], &SpcConfig::new(ChartKind::Run))
        .expect("run chart");
    let json = serde_json::to_value(&chart).expect("json");
    let runs = &json["runs"];
    for key in [
        "n_useful",
        "longest_run",
        "longest_run_max",
        "crossings",
        "crossings_min",
        "signal",
    ] {
        assert!(runs.get(key).is_some(), "runs has {key}");
    }
    assert_eq!(json["rules"], "anhoej");
    assert_eq!(json["points"][0]["upper"], serde_json::Value::Null);
}

// --- Properties ---------------------------------------------------------------------------

fn any_rules() -> impl Strategy<Value = RuleSet> {
    prop_oneof![
        Just(RuleSet::Mdc),
        Just(RuleSet::Nhse2024),
        Just(RuleSet::Anhoej),
        Just(RuleSet::Ihi)
    ]
}

fn series() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1000.0f64..1000.0, 2..120)
}

proptest! {
    #[test]
    fn limits_are_symmetric_about_the_centre(y in series(), rules in any_rules(), screen: bool) {
        let config = SpcConfig { screen, ..xmr(rules) };
        let chart = analyze_values(&y, &config).expect("chart");
        for s in &chart.segments {
            let (lo, hi) = (s.lines.lower.expect("lower"), s.lines.upper.expect("upper"));
            let (lo2, hi2) = (s.lines.lower_2sigma.expect("lower"), s.lines.upper_2sigma.expect("upper"));
            let tol = 1e-9 * (1.0 + s.lines.centre.abs() + (hi - lo));
            prop_assert!(((hi - s.lines.centre) - (s.lines.centre - lo)).abs() <= tol);
            prop_assert!(((hi2 - s.lines.centre) - (s.lines.centre - lo2)).abs() <= tol);
            prop_assert!(lo <= lo2 && lo2 <= s.lines.centre && s.lines.centre <= hi2 && hi2 <= hi);
        }
    }

    #[test]
    fn scaling_the_series_scales_centre_and_limits(
        y in series(),
        rules in any_rules(),
        k in 0.001f64..1000.0,
        power in -20i32..20,
    ) {
        let base = analyze_values(&y, &xmr(rules)).expect("chart");
        let scaled: Vec<f64> = y.iter().map(|v| v * k).collect();
        let chart = analyze_values(&scaled, &xmr(rules)).expect("chart");
        let (a, b) = (&base.segments[0], &chart.segments[0]);
        let width = a.lines.upper.expect("upper") - a.lines.lower.expect("lower");
        let tol = |x: f64| 1e-9 * k * (x.abs() + width + 1e-300);
        prop_assert!((b.lines.centre - k * a.lines.centre).abs() <= tol(a.lines.centre));
        for (x, y) in [(a.lines.lower, b.lines.lower), (a.lines.upper, b.lines.upper), (a.lines.lower_2sigma, b.lines.lower_2sigma)] {
            let (x, y) = (x.expect("line"), y.expect("line"));
            prop_assert!((y - k * x).abs() <= tol(x));
        }
        // Scaling by a power of two is exact, so every comparison, and every signal, is the
        // same.
        let two = 2f64.powi(power);
        let scaled: Vec<f64> = y.iter().map(|v| v * two).collect();
        let chart = analyze_values(&scaled, &xmr(rules)).expect("chart");
        prop_assert_eq!(chart.segments[0].lines.centre, two * a.lines.centre);
        prop_assert_eq!(chart.segments[0].lines.upper, a.lines.upper.map(|u| u * two));
        prop_assert_eq!(causes(&chart), causes(&base));
    }

    #[test]
    fn a_constant_series_has_zero_width_limits_and_no_signals(
        c in -1000.0f64..1000.0,
        n in 2usize..200,
        rules in any_rules(),
        chart_kind in prop_oneof![Just(ChartKind::Xmr), Just(ChartKind::T), Just(ChartKind::Run)],
    ) {
        let c = if chart_kind == ChartKind::T { c.abs() + 1.0 } else { c };
        let rules = match (chart_kind, rules) {
            (ChartKind::Run, RuleSet::Mdc | RuleSet::Nhse2024) => RuleSet::Anhoej,
            (_, r) => r,
        };
        let config = SpcConfig { rules: Some(rules), ..SpcConfig::new(chart_kind) };
        let chart = analyze_values(&vec![c; n], &config).expect("chart");
        for point in &chart.points {
            prop_assert_eq!(point.special_cause, None);
            let p = chart.lines_of(point).expect("lines");
            if chart_kind == ChartKind::Xmr {
                prop_assert_eq!(p.centre, c);
                prop_assert_eq!(p.lower, Some(c));
                prop_assert_eq!(p.upper, Some(c));
            } else if chart_kind == ChartKind::T {
                // c^(1/3.6)^3.6 is c up to rounding; the width is exactly zero.
                prop_assert!((p.centre - c).abs() <= 1e-12 * c);
                prop_assert_eq!(p.lower, Some(p.centre));
                prop_assert_eq!(p.upper, Some(p.centre));
            }
        }
        if let Some(runs) = &chart.runs {
            prop_assert!(!runs.signal);
        }
        prop_assert_eq!(chart.icons.variation, Some(VariationIcon::CommonCause));
    }

    #[test]
    fn reversing_the_direction_swaps_improvement_and_concern(
        y in series(),
        rules in any_rules(),
        target in -1000.0f64..1000.0,
    ) {
        let lower = SpcConfig { direction: Direction::Lower, target: Some(target), ..xmr(rules) };
        let higher = SpcConfig { direction: Direction::Higher, ..lower.clone() };
        let a = analyze_values(&y, &lower).expect("chart");
        let b = analyze_values(&y, &higher).expect("chart");
        prop_assert_eq!(causes(&a), causes(&b));
        for (p, q) in a.points.iter().zip(&b.points) {
            let swapped = match p.variation {
                Variation::Improvement => Variation::Concern,
                Variation::Concern => Variation::Improvement,
                other => other,
            };
            prop_assert_eq!(q.variation, swapped);
        }
        let swapped_icon = |icon| match icon {
            VariationIcon::ImprovementHigh => VariationIcon::ConcernHigh,
            VariationIcon::ImprovementLow => VariationIcon::ConcernLow,
            VariationIcon::ConcernHigh => VariationIcon::ImprovementHigh,
            VariationIcon::ConcernLow => VariationIcon::ImprovementLow,
            other => other,
        };
        prop_assert_eq!(b.icons.variation, a.icons.variation.map(swapped_icon));
        let swapped_assurance = |icon| match icon {
            AssuranceIcon::ConsistentPass => AssuranceIcon::ConsistentFail,
            AssuranceIcon::ConsistentFail => AssuranceIcon::ConsistentPass,
            AssuranceIcon::HitAndMiss => AssuranceIcon::HitAndMiss,
        };
        prop_assert_eq!(b.icons.assurance, a.icons.assurance.map(swapped_assurance));
        prop_assert_eq!(Direction::Lower.reversed(), Direction::Higher);
    }
}
