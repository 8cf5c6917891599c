//! Behaviour tests for the statistical charts (delay, Kaplan–Meier, distribution, run and XmR
//! of a stage series) on a small hand-written cohort whose figures are worked out by hand in
//! the comments: the geometry (bars, whiskers, steps, ticks, points) must stand in the right
//! proportions to those figures, and the chart's table must carry them.

mod chart_fixtures;

use chart_fixtures::{as_at, input, seven_reviews as cohort, statistics};
use driftline::chart::{layout_chart, ChartKind, ChartRequest, HitTarget, Item, Layout};
use driftline::model::Child;
use driftline::stats::{Aggregate, StageSummary, Statistics};

fn request(kind: ChartKind, stage: Option<&str>, breakdown: Option<&str>) -> ChartRequest {
    let mut r = ChartRequest::new(kind, as_at());
    r.stage = stage.map(String::from);
    r.breakdown = breakdown.map(String::from);
    r
}

fn draw(children: &[Child], stats: &Statistics, request: &ChartRequest) -> Layout {
    layout_chart(input(children, stats), request).expect("the chart lays out")
}

fn stage<'a>(stats: &'a Statistics, id: &str) -> &'a StageSummary {
    stats
        .stages
        .iter()
        .find(|s| s.id == id)
        .expect("the profile has the stage")
}

fn texts(layout: &Layout) -> Vec<String> {
    layout
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

/// The hand-worked figures are the statistics' figures (so the charts below are checked
/// against numbers known independently of them).
#[test]
fn the_statistics_of_the_hand_cohort_are_the_hand_worked_ones() {
    let children = cohort();
    let stats = statistics(&children);
    let first = &stage(&stats, "first_review").stats;
    assert_eq!((first.started, first.completed, first.censored), (7, 4, 3));
    assert_eq!(first.median_days, Some(35.0));
    assert_eq!((first.q1_days, first.q3_days), (Some(27.5), Some(42.5)));
    assert_eq!(first.within_target, Some(3));
    assert_eq!(first.waiting_overdue, 1);
    let curve: Vec<(u32, f64)> = first.km.curve.clone();
    let expected = [
        (0, 1.0),
        (20, 5.0 / 6.0),
        (30, 5.0 / 8.0),
        (40, 5.0 / 12.0),
        (50, 5.0 / 24.0),
        (182, 5.0 / 24.0),
    ];
    assert_eq!(curve.len(), expected.len(), "{curve:?}");
    for ((t, s), (et, es)) in curve.iter().zip(expected) {
        assert_eq!(*t, et);
        assert!(close(*s, es, 1e-12), "S({t}) = {s}, expected {es}");
    }
    assert_eq!(first.km.censored, vec![(10, 1), (29, 1), (182, 1)]);
    let rec = &stage(&stats, "permanence_recommendation").stats;
    assert_eq!(rec.completed, 2);
    assert_eq!(rec.median_days, Some(181.5));
}

/// The bars of the delay chart: one row (and one hit region) per stage of the profile, a bar
/// exactly for the stages with a completed stage, each bar as long as its median on one day
/// scale, its whisker from the first to the third quartile on the same scale, and the figures
/// printed beside it.
#[test]
fn delay_bars_are_the_medians_and_whiskers_the_quartiles() {
    let children = cohort();
    let stats = statistics(&children);
    let layout = draw(&children, &stats, &request(ChartKind::Delay, None, None));
    assert_eq!(layout.hits.len(), stats.stages.len());
    // Day 0 of the scale: where the tick labelled "0" stands.
    let plot_x0 = layout
        .items
        .iter()
        .find_map(|i| match i {
            Item::Text(t) if t.text == "0" => Some(t.at.x),
            _ => None,
        })
        .expect("a tick at 0 days");
    let mut scale: Option<f64> = None;
    let mut drawn = 0;
    for hit in &layout.hits {
        let HitTarget::Bar { series, index } = hit.hit.target else {
            panic!("a delay hit is a bar: {:?}", hit.hit.target);
        };
        assert_eq!(series, 0);
        let s = &stats.stages[index];
        let row = hit.rect;
        let inside = |y: f32| y >= row.y && y <= row.y + row.h;
        // The bar: the rectangles in this row (within the target, then beyond it).
        let bars: Vec<_> = layout
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rect { rect, fill, .. }
                    if fill.is_some() && inside(rect.y + rect.h / 2.0) =>
                {
                    Some(*rect)
                }
                _ => None,
            })
            .collect();
        match s.stats.median_days {
            None => assert!(bars.is_empty(), "{}: no bar without a median", s.id),
            Some(m) => {
                drawn += 1;
                let left = bars.iter().map(|r| r.x).fold(f32::INFINITY, f32::min);
                let right = bars.iter().map(|r| r.x + r.w).fold(0.0, f32::max);
                assert!(close(f64::from(left), f64::from(plot_x0), 0.01));
                let k = f64::from(right - left) / m;
                match scale {
                    None => scale = Some(k),
                    Some(k0) => assert!(close(k, k0, 1e-3), "{}: scale {k} vs {k0}", s.id),
                }
                // The whisker: the horizontal line through the row's middle.
                let whisker = layout.items.iter().find_map(|i| match i {
                    Item::Line { from, to, .. }
                        if from.y == to.y && inside(from.y) && from.x > left + 0.5 =>
                    {
                        Some((from.x, to.x))
                    }
                    _ => None,
                });
                let (a, b) = whisker.expect("a whisker");
                let (q1, q3) = (s.stats.q1_days.unwrap(), s.stats.q3_days.unwrap());
                let k = scale.unwrap();
                assert!(close(f64::from(a - left), q1 * k, 0.05), "{}: q1", s.id);
                assert!(close(f64::from(b - left), q3 * k, 0.05), "{}: q3", s.id);
            }
        }
    }
    // Only first review and recommendation have completed stages (no child reached an order).
    assert_eq!(drawn, 2);
    let all = texts(&layout);
    assert!(all.contains(&"35 (27.5–42.5)".to_string()), "{all:?}");
    assert!(all.contains(&"75%".to_string()));
    // Quartiles 150.75 and 212.25 are shown to the nearest half day.
    assert!(all.contains(&"181.5 (151–212.5)".to_string()));
    // The table has the same figures, one row per stage.
    let csv = layout.table.as_ref().expect("a table").to_csv();
    assert!(csv.contains("first_review,Became looked after to first LAC review,all,7,4,3,35,27.5,42.5,20,50,6 weeks,42,3,75,1"), "{csv}");
}

/// Split by placement, each stage has one row for everyone and one per group with data, and
/// each group's bar is that group's median.
#[test]
fn delay_by_breakdown_draws_a_bar_per_group() {
    let children = cohort();
    let stats = statistics(&children);
    let layout = draw(
        &children,
        &stats,
        &request(ChartKind::Delay, Some("first_review"), Some("placement")),
    );
    let s = stage(&stats, "first_review");
    let groups = s.groups.get("placement").expect("placement groups");
    // Foster: A, B, D, E, G (20, 50, 40 completed: median 40); kinship: C, F (30: median 30).
    let mut medians: Vec<(String, Option<f64>)> = groups
        .0
        .iter()
        .map(|(k, g)| (k.clone(), g.median_days))
        .collect();
    medians.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        medians,
        vec![
            ("foster".to_string(), Some(40.0)),
            ("kinship".to_string(), Some(30.0))
        ]
    );
    assert_eq!(layout.hits.len(), 1 + groups.0.len());
    let all = texts(&layout);
    for label in ["All children", "Foster care", "Kinship care"] {
        assert!(all.contains(&label.to_string()), "{label}: {all:?}");
    }
    assert!(all.contains(&"40 (30–45)".to_string()), "{all:?}");
    assert!(all.contains(&"30 (30–30)".to_string()), "{all:?}");
}

/// The Kaplan–Meier curve: its horizontal levels are the statistics' survival values on a
/// linear scale, it steps down at the event days, it has a tick at each censoring time and
/// the target is a vertical line at 42 days on the same day scale.
#[test]
fn km_steps_are_the_survival_values_with_ticks_and_the_target() {
    let children = cohort();
    let stats = statistics(&children);
    let layout = draw(
        &children,
        &stats,
        &request(ChartKind::Km, Some("first_review"), None),
    );
    let km = &stage(&stats, "first_review").stats.km;
    let curve = layout
        .items
        .iter()
        .find_map(|i| match i {
            Item::Polyline { points, stroke } if stroke.width >= 2.0 => Some(points.clone()),
            _ => None,
        })
        .expect("a curve");
    // The distinct heights of the curve, in order.
    let mut levels: Vec<f32> = Vec::new();
    for p in &curve {
        if levels.last().is_none_or(|l| (l - p.y).abs() > 0.01) {
            levels.push(p.y);
        }
    }
    let mut values: Vec<f64> = Vec::new();
    for (_, s) in &km.curve {
        if values.last().is_none_or(|v| (v - s).abs() > 1e-12) {
            values.push(*s);
        }
    }
    assert_eq!(levels.len(), values.len(), "{levels:?} vs {values:?}");
    // y = y(1) + (1 − S) · k for one k.
    let y1 = f64::from(levels[0]);
    let k = (f64::from(levels[levels.len() - 1]) - y1) / (1.0 - values[values.len() - 1]);
    assert!(k > 0.0, "lower survival is drawn lower");
    for (y, s) in levels.iter().zip(&values) {
        assert!(close(f64::from(*y), y1 + (1.0 - s) * k, 0.05), "S = {s}");
    }
    // The steps fall at 20, 30, 40 and 50 days, on a linear day scale from day 0.
    let x0 = f64::from(curve[0].x);
    let drops: Vec<f64> = curve
        .windows(2)
        .filter(|w| w[1].y > w[0].y + 0.01)
        .map(|w| f64::from(w[0].x))
        .collect();
    assert_eq!(drops.len(), 4);
    let per_day = (drops[1] - x0) / 30.0;
    for (x, day) in drops.iter().zip([20.0, 30.0, 40.0, 50.0]) {
        assert!(close(*x, x0 + day * per_day, 0.05), "step at day {day}");
    }
    // Censoring ticks: short vertical lines on the curve at 10, 29 and 182 days.
    let color = layout
        .items
        .iter()
        .find_map(|i| match i {
            Item::Polyline { stroke, .. } if stroke.width >= 2.0 => Some(stroke.color),
            _ => None,
        })
        .expect("the curve's colour");
    let mut ticks: Vec<f64> = layout
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Line { from, to, stroke }
                if from.x == to.x
                    && stroke.color == color
                    && (to.y - from.y - 9.0).abs() < 0.01 =>
            {
                Some((f64::from(from.x) - x0) / per_day)
            }
            _ => None,
        })
        .collect();
    ticks.sort_by(f64::total_cmp);
    assert_eq!(ticks.len(), 3, "{ticks:?}");
    for (t, day) in ticks.iter().zip([10.0, 29.0, 182.0]) {
        assert!(close(*t, day, 0.05), "tick at {t}, expected {day}");
    }
    // The target: a vertical dashed line at 42 days.
    let target = layout.items.iter().any(|i| match i {
        Item::Line { from, to, stroke } => {
            from.x == to.x
                && stroke.dash.is_some()
                && close((f64::from(from.x) - x0) / per_day, 42.0, 0.05)
        }
        _ => false,
    });
    assert!(target, "a target line at 42 days");
    assert!(texts(&layout)
        .iter()
        .any(|t| t.starts_with("target 6 weeks")));
    // The table lists every time with the numbers at risk worked out above.
    let csv = layout.table.as_ref().expect("a table").to_csv();
    for row in [
        "all,10,100,",
        "all,20,83.33,",
        "all,30,62.5,",
        "all,40,41.67,",
        "all,50,20.83,",
    ] {
        assert!(csv.contains(row), "{row} in\n{csv}");
    }
    let table = layout.table.as_ref().expect("a table");
    let at_risk: Vec<&str> = table.rows.iter().map(|r| r[5].as_str()).collect();
    // At 0, 10, 20, 29, 30, 40, 50, 182 days: 7, 7, 6, 5, 4, 3, 2, 1.
    assert_eq!(at_risk, ["7", "7", "6", "5", "4", "3", "2", "1"]);
}

/// One curve per group of a breakdown, each with its own survival values.
#[test]
fn km_by_breakdown_draws_one_curve_per_group() {
    let children = cohort();
    let stats = statistics(&children);
    let layout = draw(
        &children,
        &stats,
        &request(ChartKind::Km, Some("first_review"), Some("placement")),
    );
    let curves = layout
        .items
        .iter()
        .filter(|i| matches!(i, Item::Polyline { stroke, .. } if stroke.width >= 2.0))
        .count();
    let groups = stage(&stats, "first_review")
        .groups
        .get("placement")
        .expect("groups");
    assert_eq!(curves, groups.0.len());
    let series: std::collections::BTreeSet<usize> = layout
        .hits
        .iter()
        .filter_map(|h| match h.hit.target {
            HitTarget::Curve { series, .. } => Some(series),
            _ => None,
        })
        .collect();
    assert_eq!(series.len(), groups.0.len());
}

/// The histogram counts each completed stage once and each running wait once.
#[test]
fn histogram_counts_every_stage_once() {
    let children = cohort();
    let stats = statistics(&children);
    let layout = draw(
        &children,
        &stats,
        &request(ChartKind::Histogram, Some("first_review"), None),
    );
    let table = layout.table.as_ref().expect("a table");
    let col = |name: &str| {
        table
            .columns
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", table.columns))
    };
    let (done, waiting) = (col("completed"), col("still_waiting"));
    let sum = |c: usize| -> u32 {
        table
            .rows
            .iter()
            .map(|r| r.get(c).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0))
            .sum()
    };
    let sums = (sum(done), sum(waiting));
    let csv = table.to_csv();
    // Four completed; E and F still waiting (G left care and is not shown).
    assert_eq!(sums, (4, 2), "{csv}");
}

/// A run chart of single stages has one point per completed stage, at its days, and an XmR
/// chart of the same series has the same points.
#[test]
fn run_and_xmr_charts_plot_one_point_per_completed_stage() {
    let children = cohort();
    let stats = statistics(&children);
    for kind in [ChartKind::Run, ChartKind::Xmr] {
        let mut r = request(kind, Some("first_review"), None);
        r.aggregate = Aggregate::None;
        let layout = draw(&children, &stats, &r);
        let points: Vec<_> = layout
            .hits
            .iter()
            .filter(|h| matches!(h.hit.target, HitTarget::Point { .. }))
            .collect();
        assert_eq!(points.len(), 4, "{kind:?}");
        let table = layout.table.as_ref().expect("a table");
        let csv = table.to_csv();
        // In order of the review dates: A (21 Jan, 20), B (20 Feb, 50), C (3 Mar, 30),
        // D (10 Apr, 40).
        let dates: Vec<&str> = table.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            dates,
            ["2023-01-21", "2023-02-20", "2023-03-03", "2023-04-10"]
        );
        let values: Vec<&str> = table.rows.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(values, ["20", "50", "30", "40"], "{kind:?}: {csv}");
        let child = table
            .columns
            .iter()
            .position(|c| c == "child")
            .expect("a child column");
        let who: Vec<&str> = table.rows.iter().map(|r| r[child].as_str()).collect();
        assert_eq!(who, ["A", "B", "C", "D"]);
    }
}

/// The Kaplan–Meier chart's time axis counts days, as every other chart does, even when the
/// longest wait (182 days, child F) is past six months: round steps of days from day 0 to at
/// least 182.
#[test]
fn km_time_is_counted_in_days() {
    let children = cohort();
    let stats = statistics(&children);
    let layout = draw(
        &children,
        &stats,
        &request(ChartKind::Km, Some("first_review"), None),
    );
    let all = texts(&layout);
    assert!(
        all.iter().any(|t| t == "days since the stage began"),
        "{all:?}"
    );
    assert!(!all
        .iter()
        .any(|t| t.contains("months since") || t.contains("years since")));
    // The tick labels under the plot: 0, then equal steps, the last at least 182.
    let axis_y = layout
        .items
        .iter()
        .find_map(|i| match i {
            Item::Text(t) if t.text == "days since the stage began" => Some(t.at.y - 16.0),
            _ => None,
        })
        .expect("the axis title");
    let ticks: Vec<f64> = layout
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) if (t.at.y - axis_y).abs() < 0.5 => t.text.replace(',', "").parse().ok(),
            _ => None,
        })
        .collect();
    assert!(ticks.len() >= 3, "{ticks:?}");
    assert_eq!(ticks[0], 0.0);
    let step = ticks[1] - ticks[0];
    for w in ticks.windows(2) {
        assert!((w[1] - w[0] - step).abs() < 1e-9, "{ticks:?}");
    }
    assert!(*ticks.last().unwrap() >= 182.0, "{ticks:?}");
}
