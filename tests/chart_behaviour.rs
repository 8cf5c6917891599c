//! Behaviour of the charts checked against independently computed facts: headline numbers,
//! stage wording, pseudonymisation, hit testing, cohort ordering and viewports, and the
//! property that event labels never overlap, whatever the events.

mod chart_fixtures;

use chart_fixtures::{as_at, child_17, child_returns, d, synthetic_cohort, Fixture};
use driftline::chart::labels::{place_labels, LabelRequest, PlacerConfig};
use driftline::chart::{
    chronology, cohort, cohort_order, hit_test, layout_chart, timeline, BundledMetrics, ChartError,
    ChartKind, ChartRequest, ChronologyOptions, ChronologyRef, CohortOptions, CohortRow,
    CohortSort, HitTarget, Item, Layout, OutputFormat, TimelineOptions, Viewport,
};
use driftline::model::{Milestone, PlacementCategory};
use proptest::prelude::*;

fn texts(layout: &Layout) -> Vec<String> {
    layout.texts().map(str::to_string).collect()
}

fn all_text(layout: &Layout) -> String {
    let mut s = format!("{}\n{}\n", layout.title, layout.description);
    for t in layout.texts() {
        s.push_str(t);
        s.push('\n');
    }
    for h in &layout.hits {
        s.push_str(&h.hit.label);
        s.push('\n');
    }
    s
}

#[test]
fn the_title_states_time_looked_after_and_moves() {
    let (child, stages) = child_17();
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    // Looked after from 15 Feb 2021 to 30 Nov 2023: 2 years, 9 months and 15 days; five
    // placements in one period make four moves.
    assert_eq!(
        t.layout.title,
        "Child 17 · 2 years 9 months looked after · 4 moves"
    );
}

#[test]
fn every_stage_says_its_days_its_target_and_how_far_over() {
    let (child, stages) = child_17();
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    let all = texts(&t.layout);
    // The Scotland profile's stages, from the statistics. 15 Feb 2021 to the first review on
    // 29 Mar 2021 is 42 days, on the 6-week target.
    assert!(all.contains(
        &"Became looked after to first LAC review: 42 days · target 6 weeks".to_string()
    ));
    assert!(all.contains(&"· within target".to_string()));
    // 15 Feb 2021 to 16 Mar 2022 is 394 days; the 6-month target fell on 15 Aug 2021, 213
    // days before the recommendation.
    assert!(all.contains(
        &"Became looked after to permanence recommendation: 394 days · target 6 months".to_string()
    ));
    assert!(all.contains(&"· 213 days over".to_string()));
    // 16 Mar 2022 to 27 Jul 2022 is 133 days, 49 days past the 12-week target (8 Jun 2022).
    assert!(all.contains(&"· 49 days over".to_string()));
    assert!(all.contains(&"Panel to agency decision maker: 14 days · target 14 days".to_string()));
    assert!(
        all.contains(&"ADM decision to application lodged: 161 days · no target set".to_string())
    );
    // 15 Feb 2021 to the order on 8 Aug 2023: 730 days to 15 Feb 2023, then 174.
    assert!(all.contains(&"Time to permanence: 904 days · no target set".to_string()));
    // A running stage counts to the "as at" date: 1 Jun 2020 to 30 Nov 2023 is 1277 days,
    // 1094 beyond 1 Dec 2020.
    let (child, stages) = child_returns();
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    let all = texts(&t.layout);
    assert!(all.contains(
        &"Became looked after to permanence recommendation: 1277 days so far · target 6 months"
            .to_string()
    ));
    assert!(all.contains(&"· 1094 days over".to_string()));
    // The first care period ended (30 Sep 2019) before any recommendation: 263 days from
    // 10 Jan 2019, 82 of them after the target (10 Jul 2019), then the child went home.
    assert!(all.contains(
        &"Became looked after to permanence recommendation: 263 days · target 6 months".to_string()
    ));
    assert!(all.contains(&"· 82 days over, then left care".to_string()));
    assert!(all.contains(&"Time to permanence: 263 days · no target set".to_string()));
}

#[test]
fn placements_are_coloured_and_patterned_by_category() {
    let (child, stages) = child_17();
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    let (kinship, kinship_pattern, _) =
        driftline::chart::palette::placement(PlacementCategory::Kinship);
    let bar = t
        .layout
        .items
        .iter()
        .find(|i| matches!(i, Item::Rect { fill: Some(f), .. } if *f == kinship));
    match bar {
        Some(Item::Rect { pattern, .. }) => assert_eq!(*pattern, kinship_pattern),
        _ => panic!("no kinship bar"),
    }
    assert!(
        kinship_pattern.is_some(),
        "kinship is patterned as well as coloured"
    );
    // Every category differs from every other by colour and by pattern, so that neither is
    // the only code.
    let all: Vec<_> = PlacementCategory::ALL
        .iter()
        .map(|c| driftline::chart::palette::placement(*c))
        .collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert!(a.0 != b.0, "colours differ");
            assert!(
                a.1.map(|p| p.kind) != b.1.map(|p| p.kind),
                "patterns differ"
            );
        }
    }
}

#[test]
fn pseudonymised_timelines_and_chronologies_leave_out_names_ids_and_birth_dates() {
    let (child, stages) = child_returns();
    let options = TimelineOptions {
        pseudonymise: true,
        ..TimelineOptions::new(as_at())
    };
    let t = timeline(&child, &stages, &options, &BundledMetrics);
    let chron = chronology(
        &child,
        &ChronologyOptions {
            as_at: as_at(),
            pseudonymise: true,
        },
    );
    let everything = format!(
        "{}\n{}\n{}",
        all_text(&t.layout),
        chron.to_text(),
        chron.to_csv()
    );
    for secret in [
        "B-204",
        "Oakfield",
        "Khan",
        "Grandmother",
        "Emergency carers",
        "10 May 2011",
        "10/05/2011",
        "Said she wants",
        "own words",
    ] {
        assert!(!everything.contains(secret), "{secret:?} leaked");
    }
    assert!(t.layout.title.starts_with("Child 1 · "));
    assert!(t.layout.description.contains("Aged 12 years 6 months"));
    // The same carer keeps the same pseudonym on the chart and in the chronology.
    assert!(texts(&t.layout).iter().any(|s| s.starts_with("Carer D")));
    assert!(chron.rows.iter().any(|r| r.event == "Move 1: to Carer D"));
}

#[test]
fn hit_tests_name_placements_events_and_stages_with_their_rows() {
    let (child, stages) = child_17();
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    let layout = &t.layout;
    // The centre of every region is answered by that region or by one drawn over it.
    let mut seen_event = false;
    for region in &layout.hits {
        let (x, y) = (
            region.rect.x + region.rect.w / 2.0,
            region.rect.y + region.rect.h / 2.0,
        );
        let hit = hit_test(layout, x, y).expect("something is under a region's centre");
        if let HitTarget::Event { index } = hit.target {
            let event = child.all_events().nth(index).expect("event index is valid");
            assert_eq!(hit.source, Some(event.source));
            let row = &t.chronology.rows[hit.text_row.expect("events have a chronology row")];
            assert_eq!(row.date, event.date);
            assert_eq!(row.refers_to, ChronologyRef::Event { index });
            seen_event = true;
        }
    }
    assert!(seen_event);
    // The third placement (Maternal aunt) under its bar's centre.
    let region = layout
        .hits
        .iter()
        .find(|h| {
            h.hit.target
                == HitTarget::Placement {
                    period: 0,
                    index: 2,
                }
        })
        .expect("placement region");
    let hit = hit_test(layout, region.rect.x + 3.0, region.rect.y + 3.0).expect("hit");
    assert_eq!(
        hit.target,
        HitTarget::Placement {
            period: 0,
            index: 2
        }
    );
    assert_eq!(hit.source, Some(child.care_periods[0].placements[2].source));
    assert!(hit
        .label
        .starts_with("Maternal aunt · Kinship care · 1 Sep 2021 to 14 Jun 2022"));
    // The top-left corner is empty.
    assert_eq!(hit_test(layout, 2.0, 2.0), None);
    // A stage's bar.
    let region = layout
        .hits
        .iter()
        .find(|h| h.hit.target == HitTarget::Stage { index: 1 })
        .expect("stage");
    let hit = hit_test(
        layout,
        region.rect.x + 1.0,
        region.rect.y + region.rect.h / 2.0,
    )
    .expect("hit");
    assert_eq!(hit.target, HitTarget::Stage { index: 1 });
}

fn cohort_rows(
    data: &[(driftline::model::Child, Vec<driftline::chart::StageBracket>)],
) -> Vec<CohortRow<'_>> {
    data.iter()
        .map(|(c, s)| CohortRow {
            child: c,
            stages: s,
        })
        .collect()
}

#[test]
fn cohort_orders_follow_their_keys() {
    let data = synthetic_cohort(300, 3);
    let rows = cohort_rows(&data);
    let entry = |i: usize| rows[i].child.care_periods.first().map(|p| p.start);
    let order = cohort_order(&rows, &CohortSort::EntryDate);
    assert_eq!(order.len(), rows.len());
    for w in order.windows(2) {
        assert!(entry(w[0]) <= entry(w[1]));
    }
    // A wait is current when the stage has not ended and its care period is still open at the
    // "as at" date; a stage whose period ended first counts to the period's end.
    let period_end = |i: usize, start: chrono::NaiveDate| {
        rows[i]
            .child
            .care_periods
            .iter()
            .find(|p| p.start <= start && p.end.is_none_or(|e| e >= start))
            .and_then(|p| p.end)
            .filter(|e| *e <= as_at())
    };
    let wait = |i: usize| {
        rows[i]
            .stages
            .iter()
            .filter(|s| s.end.is_none() && period_end(i, s.start).is_none())
            .map(|s| (as_at() - s.start).num_days())
            .max()
    };
    let order = cohort_order(&rows, &CohortSort::LongestCurrentWait);
    let waits: Vec<Option<i64>> = order.iter().map(|&i| wait(i)).collect();
    let first_none = waits
        .iter()
        .position(Option::is_none)
        .unwrap_or(waits.len());
    assert!(
        waits[first_none..].iter().all(Option::is_none),
        "children without a running stage come last"
    );
    for w in waits[..first_none].windows(2) {
        assert!(w[0] >= w[1]);
    }
    let id = "recommendation_to_panel".to_string();
    let days = |i: usize| {
        rows[i]
            .stages
            .iter()
            .filter(|s| s.id == id)
            .map(|s| {
                let until = s.end.or(period_end(i, s.start)).unwrap_or(as_at());
                (until - s.start).num_days()
            })
            .max()
    };
    let order = cohort_order(&rows, &CohortSort::Stage(id.clone()));
    let ds: Vec<Option<i64>> = order.iter().map(|&i| days(i)).collect();
    let first_none = ds.iter().position(Option::is_none).unwrap_or(ds.len());
    assert!(first_none > 0 && ds[first_none..].iter().all(Option::is_none));
    for w in ds[..first_none].windows(2) {
        assert!(w[0] >= w[1]);
    }
}

#[test]
fn the_cohort_viewport_lays_out_only_visible_rows_and_hits_give_dates() {
    let data = synthetic_cohort(1000, 11);
    let rows = cohort_rows(&data);
    let order = cohort_order(&rows, &CohortSort::EntryDate);
    let options = CohortOptions {
        viewport: Viewport {
            dates: Some((d("2020-01-01"), d("2023-12-31"))),
            first_row: 500,
            rows: Some(25),
        },
        ..CohortOptions::new(as_at())
    };
    let c = cohort(&rows, &order, &options, &BundledMetrics);
    assert_eq!(c.shown, 500..525);
    let row_hits: Vec<_> = c
        .layout
        .hits
        .iter()
        .filter(|h| matches!(h.hit.target, HitTarget::CohortRow { .. }))
        .collect();
    assert_eq!(row_hits.len(), 25);
    // The first visible row is the 501st in entry order, and the date under the pointer
    // follows the axis: the middle of the axis is the middle of the date range.
    let first = row_hits[0];
    let axis = c.layout.date_axis.expect("cohort has a date axis");
    let x = (axis.x0 + axis.x1) / 2.0;
    let hit = hit_test(&c.layout, x, first.rect.y + first.rect.h / 2.0).expect("hit");
    let mid = d("2020-01-01")
        + chrono::Days::new(((d("2023-12-31") - d("2020-01-01")).num_days() / 2) as u64);
    match hit.target {
        HitTarget::CohortRow { row, date } => {
            assert_eq!(row, order[500]);
            assert!((date - mid).num_days().abs() <= 1, "{date} vs {mid}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn chart_requests_check_their_inputs() {
    let (a, _) = child_17();
    let children = vec![a];
    let stats = chart_fixtures::statistics(&children);
    let input = chart_fixtures::input(&children, &stats);
    let mut request = ChartRequest::new(ChartKind::Timeline, as_at());
    assert!(matches!(
        layout_chart(input, &request),
        Err(ChartError::ChildRequired)
    ));
    request.child = Some("nobody".into());
    assert!(
        matches!(layout_chart(input, &request), Err(ChartError::UnknownChild(id)) if id == "nobody")
    );
    request.child = Some("17".into());
    assert!(layout_chart(input, &request).is_ok());
    let cohort = ChartRequest::new(ChartKind::Cohort, as_at());
    assert!(layout_chart(input, &cohort).is_ok());
    assert_eq!("KM".parse::<ChartKind>(), Ok(ChartKind::Km));
    assert!("pie".parse::<ChartKind>().is_err());
    assert_eq!(
        OutputFormat::from_path("out/Chart.PNG"),
        Some(OutputFormat::Png)
    );
    assert_eq!(
        OutputFormat::from_path("chart.svg"),
        Some(OutputFormat::Svg)
    );
    assert_eq!(OutputFormat::from_path("chart"), None);
}

#[test]
fn png_output_is_a_png_of_twice_the_logical_size() {
    let (a, _) = child_17();
    let children = vec![a];
    let stats = chart_fixtures::statistics(&children);
    let mut request = ChartRequest::new(ChartKind::Timeline, as_at());
    request.child = Some("17".into());
    request.width = 600.0;
    let input = chart_fixtures::input(&children, &stats);
    let png = driftline::chart::render_chart(input, &request, OutputFormat::Png).expect("png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    assert_eq!(width, 1200);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the events, no two placed labels' boxes intersect and every label stays on
    /// the chart.
    #[test]
    fn event_labels_never_overlap(events in prop::collection::vec((0u64..1100, 0usize..19, 0usize..4), 0..45), width in 500f32..1600.0) {
        let mut f = Fixture::new("P", Some("2019-06-01"))
            .placement("2020-01-01", None, PlacementCategory::Foster, Some("Carer"));
        let labels = ["Meeting", "A rather long custom event label", "Review", "Visit"];
        for (day, m, l) in &events {
            let date = d("2020-01-01") + chrono::Days::new(*day);
            let milestone = Milestone::ALL[*m];
            let label = if milestone == Milestone::Custom { Some(labels[*l]) } else { None };
            f = f.event(&date.to_string(), milestone, label);
        }
        let child = f.build();
        let options = TimelineOptions { width, ..TimelineOptions::new(as_at()) };
        let t = timeline(&child, &[], &options, &BundledMetrics);
        let boxes = &t.layout.label_boxes;
        for (i, a) in boxes.iter().enumerate() {
            prop_assert!(a.x >= 0.0 && a.right() <= width, "label inside the chart: {a:?}");
            for b in &boxes[i + 1..] {
                prop_assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    /// The placer itself: labels keep their width, stay in bounds and below the row limit,
    /// and labels on one row keep their gap.
    #[test]
    fn placed_labels_keep_gaps(reqs in prop::collection::vec((0f32..1000.0, 10f32..160.0, 0u8..2), 0..60)) {
        let requests: Vec<LabelRequest> = reqs.iter().map(|(a, w, p)| LabelRequest { anchor: *a, width: *w, priority: *p }).collect();
        let config = PlacerConfig { min_x: 0.0, max_x: 1000.0, ..PlacerConfig::default() };
        let placed = place_labels(&requests, &config);
        let items: Vec<(usize, _)> = placed.iter().enumerate().filter_map(|(i, p)| p.map(|p| (i, p))).collect();
        for (i, a) in &items {
            prop_assert!(a.x0 >= 0.0 && a.x1 <= 1000.0);
            prop_assert!((a.x1 - a.x0 - requests[*i].width).abs() < 1e-3);
            prop_assert!(a.row < config.max_rows);
            for (j, b) in &items {
                if i != j && a.row == b.row {
                    prop_assert!(a.x1 + config.gap <= b.x0 + 1e-3 || b.x1 + config.gap <= a.x0 + 1e-3, "{a:?} and {b:?} too close");
                }
            }
        }
    }

    /// Labels whose anchors are further apart than their widths all go on the first row.
    #[test]
    fn sparse_labels_share_the_first_row(n in 1usize..12, width in 10f32..60.0) {
        let requests: Vec<LabelRequest> = (0..n).map(|i| LabelRequest { anchor: 40.0 + i as f32 * (width + 20.0), width, priority: (i % 2) as u8 }).collect();
        let config = PlacerConfig { min_x: 0.0, max_x: 2000.0, ..PlacerConfig::default() };
        for p in place_labels(&requests, &config) {
            prop_assert_eq!(p.map(|p| p.row), Some(0));
        }
    }
}

#[test]
fn zooming_to_a_date_range_keeps_everything_inside_the_plot() {
    let (child, stages) = child_17();
    let options = TimelineOptions {
        range: Some((d("2022-01-01"), d("2022-12-31"))),
        ..TimelineOptions::new(as_at())
    };
    let t = timeline(&child, &stages, &options, &BundledMetrics);
    let axis = t.layout.date_axis.expect("axis");
    assert_eq!((axis.start, axis.end), (d("2022-01-01"), d("2022-12-31")));
    let in_range = child
        .all_events()
        .filter(|e| e.date >= d("2022-01-01") && e.date <= d("2022-12-31"))
        .count();
    let mut markers = 0;
    for h in &t.layout.hits {
        match h.hit.target {
            HitTarget::Placement { .. } | HitTarget::Legal { .. } => {
                assert!(
                    h.rect.x >= axis.x0 - 0.01 && h.rect.right() <= axis.x1 + 0.01,
                    "{h:?}"
                );
            }
            HitTarget::Event { .. } if h.rect.h < 20.0 && h.rect.w < 20.0 => markers += 1,
            _ => {}
        }
    }
    // Each event in range has a marker region (label regions are wider than 20 pixels).
    assert_eq!(markers, in_range);
}

#[test]
fn labels_that_do_not_fit_are_counted_and_the_chronology_keeps_every_event() {
    let mut f =
        Fixture::new("crowd", None).placement("2022-01-01", None, PlacementCategory::Foster, None);
    for i in 0..30 {
        let date = d("2022-03-01") + chrono::Days::new(i);
        f = f.event(&date.to_string(), Milestone::LacReview, None);
    }
    let child = f.build();
    let options = TimelineOptions {
        max_label_rows: 2,
        ..TimelineOptions::new(as_at())
    };
    let t = timeline(&child, &[], &options, &BundledMetrics);
    let shown = t.layout.label_boxes.len();
    assert!(t.hidden_labels > 0);
    // Two reference-line labels ("became looked after", "as at") are label boxes too.
    assert_eq!(shown - 2 + t.hidden_labels, 30);
    let note = format!(
        "{} labels not shown for lack of room: the chronology lists every event",
        t.hidden_labels
    );
    assert!(t.layout.texts().any(|s| s == note), "note present");
    let events_in_chronology = t
        .chronology
        .rows
        .iter()
        .filter(|r| matches!(r.refers_to, ChronologyRef::Event { .. }))
        .count();
    assert_eq!(events_in_chronology, 30);
}

#[test]
fn spc_points_are_shaped_and_coloured_by_variation_and_answer_hit_tests() {
    use driftline::chart::layout::MarkerShape;
    use driftline::chart::{palette, spc, spc_table, SpcOptions};
    use driftline::qi::{analyze, SpcConfig, Variation};
    // Twelve steady months, then eight much lower ones: with lower better, the run below the
    // mean is a special cause improvement; the 300 is above the upper limit, a concern.
    let mut values = vec![
        100.0, 104.0, 98.0, 101.0, 97.0, 300.0, 103.0, 99.0, 102.0, 96.0, 100.0, 101.0,
    ];
    values.extend([60.0, 58.0, 61.0, 57.0, 59.0, 62.0, 56.0, 60.0]);
    let points: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                d("2022-01-01")
                    .checked_add_months(chrono::Months::new(i as u32))
                    .unwrap(),
                *v,
            )
        })
        .collect();
    let chart = analyze(&points, &SpcConfig::default()).expect("chart");
    assert_eq!(chart.points[5].variation, Variation::Concern);
    assert_eq!(chart.points[19].variation, Variation::Improvement);
    let layout = spc(&chart, &SpcOptions::new("Days", "days"), &BundledMetrics);
    let markers: Vec<(MarkerShape, driftline::chart::layout::Color)> = layout
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Marker {
                shape,
                fill: Some(f),
                size,
                ..
            } if *size < 20.0 => Some((*shape, *f)),
            _ => None,
        })
        .collect();
    // One marker per point plus the legend's.
    assert!(markers.contains(&(MarkerShape::Square, palette::VERMILLION)));
    assert!(markers.contains(&(MarkerShape::Diamond, palette::BLUE)));
    for (i, p) in chart.points.iter().enumerate() {
        let region = layout
            .hits
            .iter()
            .find(|h| {
                h.hit.target
                    == HitTarget::Point {
                        series: 0,
                        index: i,
                    }
            })
            .expect("every point has a region");
        let hit = hit_test(&layout, region.rect.x + 6.0, region.rect.y + 6.0).expect("hit");
        assert_eq!(
            hit.target,
            HitTarget::Point {
                series: 0,
                index: i
            }
        );
        assert!(
            hit.label.contains(&format!(": {} days", p.value)),
            "{}",
            hit.label
        );
    }
    // Higher values sit higher on the chart.
    let y = |i: usize| {
        layout
            .hits
            .iter()
            .find(|h| {
                h.hit.target
                    == HitTarget::Point {
                        series: 0,
                        index: i,
                    }
            })
            .map(|h| h.rect.y)
            .unwrap()
    };
    assert!(y(5) < y(0) && y(0) < y(12));
    // The table has a header and a line per point (the icons' words are a note, kept out of
    // the CSV).
    assert_eq!(spc_table(&chart).lines().count(), values.len() + 1);
}

#[test]
fn the_spc_legend_names_the_target_line_only_when_there_is_one() {
    use driftline::chart::{spc, SpcOptions};
    use driftline::qi::{analyze, ChartKind, SpcConfig};
    let points: Vec<_> = [120.0, 90.0, 130.0, 100.0, 95.0, 110.0, 105.0, 99.0]
        .iter()
        .enumerate()
        .map(|(i, v)| (d("2023-01-01") + chrono::Days::new(30 * i as u64), *v))
        .collect();
    for chart_kind in [ChartKind::Run, ChartKind::Xmr] {
        for target in [None, Some(100.0)] {
            let config = SpcConfig {
                chart: chart_kind,
                target,
                ..SpcConfig::default()
            };
            let chart = analyze(&points, &config).expect("chart");
            let layout = spc(&chart, &SpcOptions::new("Days", "days"), &BundledMetrics);
            let legend_says_target = texts(&layout).iter().any(|t| t == "target");
            assert_eq!(
                legend_says_target,
                target.is_some(),
                "{chart_kind:?} with target {target:?}"
            );
        }
    }
}
