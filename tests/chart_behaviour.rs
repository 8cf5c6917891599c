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

/// The x of `date` on a layout's date axis, worked from the axis's ends.
fn x_at(layout: &Layout, date: chrono::NaiveDate) -> f32 {
    let a = layout.date_axis.as_ref().expect("a date axis");
    let span = (a.end - a.start).num_days() as f32;
    a.x0 + (date - a.start).num_days() as f32 / span * (a.x1 - a.x0)
}

/// The box a text item covers horizontally, measured with the bundled metrics.
fn text_span(t: &driftline::chart::layout::TextItem) -> (f32, f32) {
    use driftline::chart::layout::Anchor;
    use driftline::chart::TextMeasure;
    let w = BundledMetrics.width(&t.text, t.size, t.weight);
    match t.anchor {
        Anchor::Start => (t.at.x, t.at.x + w),
        Anchor::Middle => (t.at.x - w / 2.0, t.at.x + w / 2.0),
        Anchor::End => (t.at.x - w, t.at.x),
    }
}

fn text_items(layout: &Layout) -> Vec<&driftline::chart::layout::TextItem> {
    layout
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// A waiting stage's forecast: the child of the returns fixture is still waiting for a
/// permanence recommendation on 30 Nov 2023, well past its six months.
fn returns_with_forecast(
    forecast: driftline::chart::stage::BracketForecast,
) -> (
    driftline::model::Child,
    Vec<driftline::chart::StageBracket>,
    usize,
) {
    let (child, mut stages) = child_returns();
    let open = stages
        .iter()
        .position(|s| s.is_open() && s.id == "permanence_recommendation")
        .expect("the recommendation stage is still running");
    stages[open].forecast = Some(forecast);
    (child, stages, open)
}

#[test]
fn a_waiting_stage_shows_its_forecast_as_a_bracket_marked_as_a_forecast() {
    use driftline::chart::layout::MarkerShape;
    use driftline::chart::stage::BracketForecast;
    let note = "From the 40 completed stages of the whole cohort.";
    let (child, stages, open) = returns_with_forecast(BracketForecast {
        expected: Some(d("2024-03-15")),
        range: Some([d("2024-01-10"), d("2024-06-20")]),
        chance_by_target: None,
        chance_90_days: Some(35),
        note: note.into(),
    });
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    let layout = &t.layout;
    // The target date has passed, so the chance is of the next 90 days.
    let words = "forecast: likely by March 2024 (middle half January–June 2024) · 35% chance within 90 days";
    assert!(
        texts(layout).iter().any(|t| t == words),
        "{:?}",
        texts(layout)
    );
    // The axis runs on to the likely date, which is after "as at".
    let axis = layout.date_axis.as_ref().unwrap();
    assert!(axis.end >= d("2024-03-15"));
    // The middle half: a dashed box from 10 Jan to 20 Jun 2024 (or to the chart's end).
    let (xa, xb) = (
        x_at(layout, d("2024-01-10")),
        x_at(layout, d("2024-06-20")).min(axis.x1),
    );
    let bracket = layout.items.iter().find_map(|i| match i {
        Item::Rect {
            rect,
            stroke: Some(s),
            ..
        } if s.dash.is_some() && (rect.x - xa).abs() < 0.6 => Some(*rect),
        _ => None,
    });
    let bracket = bracket.expect("a dashed box from the range's start");
    assert!(
        (bracket.right() - xb).abs() < 0.6,
        "{bracket:?} ends at {xb}"
    );
    // The likely date: a hollow diamond inside the box.
    let xm = x_at(layout, d("2024-03-15"));
    let diamond = layout.items.iter().find_map(|i| match i {
        Item::Marker {
            at,
            shape: MarkerShape::Diamond,
            fill: Some(f),
            ..
        } if *f == driftline::chart::palette::WHITE && (at.x - xm).abs() < 0.6 => Some(*at),
        _ => None,
    });
    let diamond = diamond.expect("a hollow diamond at the likely date");
    assert!(bracket.contains(diamond.x, diamond.y));
    // A dotted line joins "as at" to the box.
    let x_as = x_at(layout, as_at());
    assert!(layout.items.iter().any(|i| matches!(i,
        Item::Line { from, to, stroke } if stroke.dash.is_some()
            && (from.x - x_as).abs() < 0.6 && (to.x - xa).abs() < 0.6)));
    // Its tooltip names the stage, the dates, what it rests on, and that it is a forecast.
    let hit = hit_test(layout, diamond.x, diamond.y).expect("the bracket answers");
    assert_eq!(hit.target, HitTarget::Stage { index: open });
    assert!(hit.label.starts_with("Forecast for "), "{}", hit.label);
    assert!(hit.label.contains("15 Mar 2024") && hit.label.contains("10 Jan 2024"));
    assert!(hit.label.contains(note));
    // The legend says what the bracket is.
    assert!(texts(layout)
        .iter()
        .any(|t| t == "forecast: likely date, middle half of likely dates"));

    // Without the forecast nothing of it is drawn.
    let (child, plain) = child_returns();
    let t = timeline(
        &child,
        &plain,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    assert!(!all_text(&t.layout).contains("forecast"));
}

#[test]
fn a_forecast_beyond_the_data_says_so_and_a_target_ahead_gets_its_chance() {
    use driftline::chart::stage::BracketForecast;
    let (child, stages, _) = returns_with_forecast(BracketForecast {
        expected: None,
        range: None,
        chance_by_target: None,
        chance_90_days: Some(12),
        note: "From the 25 completed stages of the whole cohort.".into(),
    });
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    assert!(texts(&t.layout)
        .iter()
        .any(|t| t == "forecast: beyond what this data has seen · 12% chance within 90 days"));
    // No likely date, so the axis ends near "as at" (its padding only).
    let axis = t.layout.date_axis.as_ref().unwrap();
    assert!(axis.end < d("2024-06-01"), "{:?}", axis.end);

    // A stage still within its target: the chance is of ending by the target date. The
    // seven-reviews child E came into care on 1 Nov 2023 and waits for a first review due
    // 13 Dec 2023 (six weeks).
    let children = chart_fixtures::seven_reviews();
    let e = &children[4];
    let mut stages = chart_fixtures::brackets(e);
    let first = stages
        .iter()
        .position(|s| s.id == "first_review" && s.is_open())
        .expect("E waits for a first review");
    assert!(!stages[first].overdue);
    stages[first].forecast = Some(BracketForecast {
        expected: Some(d("2023-12-20")),
        range: Some([d("2023-12-05"), d("2024-01-15")]),
        chance_by_target: Some(40),
        chance_90_days: Some(90),
        note: "From the 30 completed stages of the whole cohort.".into(),
    });
    let t = timeline(e, &stages, &TimelineOptions::new(as_at()), &BundledMetrics);
    assert!(
        texts(&t.layout).iter().any(|t| t
            == "forecast: likely by December 2023 (middle half December 2023–January 2024) · 40% chance by the target date"),
        "{:?}",
        texts(&t.layout)
    );
}

#[test]
fn forecasts_reach_the_brackets_from_the_statistics() {
    let (children, stats) = chart_fixtures::generated(400, 11);
    let mut drawn = 0;
    for (child, cs) in children.iter().zip(&stats.children) {
        let brackets = driftline::chart::stage_brackets(child, cs, &stats.profile);
        for (row, b) in cs.stages.iter().zip(&brackets) {
            match row.forecast.as_deref() {
                Some(f) if f.chance_30_days.get().is_some() => {
                    let bf = b.forecast.as_ref().expect("a drawable forecast");
                    assert_eq!(bf.expected, f.expected_date);
                    assert_eq!(bf.range, f.range);
                    assert_eq!(
                        bf.chance_by_target,
                        f.chance_by_target.get().map(|p| (p * 100.0).round() as u32)
                    );
                    assert_eq!(bf.note, f.note.to_string());
                    drawn += 1;
                }
                // Too few completions: nothing to draw.
                _ => assert!(b.forecast.is_none()),
            }
        }
    }
    assert!(drawn > 0, "some waiting stage has a forecast");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Event markers never overlap, every label sits over its own marker, and no leader line
    /// is hidden behind another label's box.
    #[test]
    fn event_markers_stay_apart_and_leaders_stay_visible(events in prop::collection::vec((0u64..1100, 0usize..19), 1..40), width in 500f32..1600.0) {
        let mut f = Fixture::new("P", Some("2019-06-01"))
            .placement("2020-01-01", None, PlacementCategory::Foster, Some("Carer"));
        for (day, m) in &events {
            let date = d("2020-01-01") + chrono::Days::new(*day);
            let milestone = Milestone::ALL[*m];
            let label = (milestone == Milestone::Custom).then_some("Visit");
            f = f.event(&date.to_string(), milestone, label);
        }
        let child = f.build();
        let options = TimelineOptions { width, ..TimelineOptions::new(as_at()) };
        let t = timeline(&child, &[], &options, &BundledMetrics);
        let layout = &t.layout;
        // Per event: its marker's region and its label's box (both answer hit tests).
        let mut markers = Vec::new();
        let mut labels = Vec::new();
        for h in &layout.hits {
            if let HitTarget::Event { index } = h.hit.target {
                if layout.label_boxes.contains(&h.rect) {
                    labels.push((index, h.rect));
                } else {
                    markers.push((index, h.rect.inflate(-3.0)));
                }
            }
        }
        for (i, (_, a)) in markers.iter().enumerate() {
            for (_, b) in &markers[i + 1..] {
                prop_assert!(!a.inflate(-0.2).intersects(&b.inflate(-0.2)), "markers {a:?} and {b:?} overlap");
            }
        }
        for (_, m) in &markers {
            prop_assert!(m.x >= 0.0 && m.right() <= width, "marker {m:?} is off the {width} px chart");
        }
        for (index, b) in &labels {
            let m = markers.iter().find(|(i, _)| i == index).map(|(_, r)| r).expect("a marker");
            let x = m.x + m.w / 2.0;
            prop_assert!(b.x - 0.5 <= x && x <= b.right() + 0.5, "label {b:?} is not over its marker at {x}");
        }
        // A leader drawn before a box it passes through would be hidden by it.
        let leader = driftline::chart::palette::TICK;
        for (i, item) in layout.items.iter().enumerate() {
            let Item::Line { from, to, stroke } = item else { continue };
            if stroke.color != leader { continue; }
            for (j, other) in layout.items.iter().enumerate() {
                if let Item::Rect { rect, fill: Some(f), .. } = other {
                    let passes = rect.x < from.x && from.x < rect.right()
                        && rect.y < to.y.max(from.y) && from.y.min(to.y) < rect.bottom();
                    if *f == driftline::chart::palette::WHITE && passes && layout.label_boxes.contains(rect) {
                        prop_assert!(j < i, "leader at x {} is hidden behind {rect:?}", from.x);
                    }
                }
            }
        }
    }
}

#[test]
fn every_word_of_a_timeline_stays_on_the_chart() {
    // Born 25 Nov 2018: the fifth birthday falls five days before "as at", at the right edge.
    let child = Fixture::new("A5", Some("2018-11-25"))
        .placement("2021-01-04", None, PlacementCategory::Foster, Some("Carer"))
        .event("2021-02-01", Milestone::LacReview, None)
        .build();
    let (c17, s17) = child_17();
    let (cr, sr) = child_returns();
    let a5 = chart_fixtures::brackets(&child);
    for (child, stages) in [(&child, &a5), (&c17, &s17), (&cr, &sr)] {
        for width in [480.0, 640.0, 900.0, 1200.0, 1600.0] {
            let options = TimelineOptions {
                width,
                ..TimelineOptions::new(as_at())
            };
            let t = timeline(child, stages, &options, &BundledMetrics);
            for text in text_items(&t.layout) {
                let (a, b) = text_span(text);
                assert!(
                    a >= 0.0 && b <= width,
                    "{:?} runs off a chart {width} wide ({a}..{b})",
                    text.text
                );
            }
            if child.id.as_ref() == "A5" {
                assert!(texts(&t.layout).iter().any(|t| t == "age 5"));
            }
        }
    }
}

#[test]
fn stage_words_keep_clear_of_care_lines_and_gaps_when_there_is_room() {
    let (child, stages) = child_returns();
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    let layout = &t.layout;
    // The care starts and ends, and the gap between the periods (30 Sep 2019 to 1 Jun 2020).
    let lines: Vec<f32> = ["2019-01-10", "2019-09-30", "2020-06-01"]
        .iter()
        .map(|s| x_at(layout, d(s)))
        .collect();
    let gap = (x_at(layout, d("2019-09-30")), x_at(layout, d("2020-06-01")));
    let mut checked = 0;
    for (i, item) in layout.items.iter().enumerate() {
        let Item::Text(text) = item else { continue };
        // The stages' words start with the stage's name and say their days.
        let Some(stage) = stages
            .iter()
            .find(|s| text.text.starts_with(&format!("{}: ", s.label)))
        else {
            continue;
        };
        let (a, b) = text_span(text);
        // In the second care period there is room beside every bar: no line, no gap crossed.
        if stage.start >= d("2020-06-01") {
            for x in &lines {
                assert!(
                    !(a < *x && *x < b),
                    "{:?} runs over the line at {x}",
                    text.text
                );
            }
            assert!(
                !(a < gap.1 && gap.0 < b),
                "{:?} runs over the gap in care",
                text.text
            );
        }
        // Wherever they go, they sit on a white ground drawn just before them, so a line or
        // a shaded gap they cross stays behind the words.
        let ground = layout.items[..i].iter().rev().find_map(|p| match p {
            Item::Rect {
                rect,
                fill: Some(f),
                ..
            } if f.r == 255 && f.g == 255 && f.b == 255 => Some(*rect),
            _ => None,
        });
        let ground = ground.expect("a white ground");
        assert!(
            ground.x <= a + 0.5
                && b - 0.5 <= ground.right()
                && ground.y < text.at.y
                && text.at.y < ground.bottom(),
            "{:?} ({a}..{b}) is not on its ground {ground:?}",
            text.text
        );
        checked += 1;
    }
    assert_eq!(checked, stages.len());
}

#[test]
fn a_short_light_legal_spell_is_outlined_wide_enough_and_not_struck_through() {
    use driftline::model::LegalCategory;
    let child = Fixture::new("CPO", Some("2015-01-01"))
        .placement("2021-03-15", None, PlacementCategory::Foster, Some("Carer"))
        .legal(
            "2021-03-15",
            Some("2021-03-16"),
            LegalCategory::Emergency,
            "Child protection order",
        )
        .legal("2021-03-17", None, LegalCategory::Compulsory, "CSO")
        .build();
    let stages = chart_fixtures::brackets(&child);
    let t = timeline(
        &child,
        &stages,
        &TimelineOptions::new(as_at()),
        &BundledMetrics,
    );
    let layout = &t.layout;
    let region = layout
        .hits
        .iter()
        .find(|h| {
            h.hit.target == HitTarget::Legal { index: 0 } && !layout.label_boxes.contains(&h.rect)
        })
        .expect("the order's bar");
    assert!(region.rect.w >= 4.0, "{:?}", region.rect);
    let (pos, stroke) = layout
        .items
        .iter()
        .enumerate()
        .find_map(|(i, item)| match item {
            Item::Rect { rect, stroke, .. } if *rect == region.rect => Some((i, *stroke)),
            _ => None,
        })
        .expect("the bar is drawn");
    let stroke = stroke.expect("outlined");
    assert_ne!(
        stroke.color,
        driftline::chart::palette::WHITE,
        "a light bar is outlined in grey"
    );
    // The care-start line at the bar's left edge is drawn before (under) the bar.
    let x = x_at(layout, d("2021-03-15"));
    let line = layout
        .items
        .iter()
        .position(|i| matches!(i, Item::Line { from, to, stroke } if stroke.dash.is_some() && (from.x - x).abs() < 0.6 && (to.x - x).abs() < 0.6 && to.y > region.rect.y))
        .expect("the care-start line");
    assert!(line < pos);
}

#[test]
fn within_target_is_green_apart_from_foster_blue_and_residential_apart_from_beyond_target() {
    use driftline::chart::layout::Color;
    use driftline::chart::palette;
    use driftline::model::PlacementCategory as P;
    // WCAG contrast ratio from relative luminance.
    let contrast = |a: Color, b: Color| {
        let (la, lb) = (a.luminance(), b.luminance());
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    };
    let w = palette::WITHIN;
    assert!(w.g > w.r && w.g > w.b, "within target is a green: {w:?}");
    let foster = palette::placement(P::Foster).0;
    assert!(
        i32::from(w.g) - i32::from(foster.g) > 40,
        "{w:?} vs {foster:?}"
    );
    let residential = palette::placement(P::Residential).0;
    assert!(contrast(palette::BEYOND_DEEP, residential) >= 2.5);
    // The cohort view marks time beyond target in that deep colour, never in residential's.
    let cohort_rows = synthetic_cohort(30, 5);
    let rows: Vec<CohortRow<'_>> = cohort_rows
        .iter()
        .map(|(c, s)| CohortRow {
            child: c,
            stages: s,
        })
        .collect();
    let order: Vec<usize> = (0..rows.len()).collect();
    let c = cohort(&rows, &order, &CohortOptions::new(as_at()), &BundledMetrics);
    let fills: Vec<Color> = c
        .layout
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rect { fill: Some(f), .. } => Some(*f),
            _ => None,
        })
        .collect();
    assert!(fills.contains(&palette::BEYOND_DEEP));
    assert!(!fills.contains(&palette::VERMILLION));
}

#[test]
fn xmr_lower_limits_below_zero_are_drawn_at_zero_for_days_and_the_table_keeps_them() {
    use driftline::chart::{spc, SpcOptions};
    use driftline::qi::{analyze, SpcConfig};
    // Alternating 10 and 40 days: mean 25, every moving range 30, so the limits are
    // 25 ± 2.66 × 30: 104.8 and −54.8.
    let points: Vec<_> = (0..12)
        .map(|i| {
            (
                d("2022-01-01") + chrono::Months::new(i),
                if i % 2 == 0 { 10.0 } else { 40.0 },
            )
        })
        .collect();
    let chart = analyze(&points, &SpcConfig::default()).expect("chart");
    let lower = chart.segments[0].lines.lower.expect("a lower limit");
    assert!((lower - -54.8).abs() < 1e-9, "{lower}");
    let mut options = SpcOptions::new("Days", "days");
    options.non_negative = true;
    let layout = spc(&chart, &options, &BundledMetrics);
    let all = texts(&layout);
    assert!(all.iter().any(|t| t == "lower limit 0"), "{all:?}");
    assert!(all.iter().any(|t| t == "(computed -54.8)"));
    assert!(layout
        .description
        .contains("lower limits below zero drawn at 0"));
    // No negative value on the axis.
    assert!(
        !all.iter()
            .any(|t| t.starts_with('-') && t[1..].parse::<f64>().is_ok()),
        "{all:?}"
    );
    // The table keeps the computed value, as a number.
    let table = layout.table.as_ref().expect("a table");
    let col = table
        .columns
        .iter()
        .position(|c| c == "lower")
        .expect("a lower column");
    assert!(table.rows.iter().all(|r| r[col] == "-54.8"));

    // Without the flag the limit is drawn where it was computed.
    let layout = spc(&chart, &SpcOptions::new("Days", "days"), &BundledMetrics);
    assert!(texts(&layout).iter().any(|t| t == "lower limit -54.8"));
    assert!(!layout.description.contains("drawn at 0"));
}

#[test]
fn the_rebase_label_reads_like_the_other_dates_and_keeps_clear_of_annotations() {
    use driftline::chart::{spc, SpcOptions};
    use driftline::qi::{analyze, Annotation, SpcConfig};
    let points: Vec<_> = (0..24)
        .map(|i| {
            (
                d("2022-01-01") + chrono::Months::new(i),
                100.0 - f64::from(i),
            )
        })
        .collect();
    // A test of change starting the very month the limits are rebased.
    let config = SpcConfig {
        rebase: vec![d("2023-01-01")],
        annotations: vec![Annotation {
            date: d("2023-01-01"),
            label: "PDSA 1: panel dates booked".into(),
        }],
        ..SpcConfig::default()
    };
    let chart = analyze(&points, &config).expect("chart");
    let layout = spc(&chart, &SpcOptions::new("Days", "days"), &BundledMetrics);
    let rebase = text_items(&layout)
        .into_iter()
        .find(|t| t.text.starts_with("rebased"))
        .expect("a rebase label");
    assert_eq!(rebase.text, "rebased 1 Jan 2023");
    // Every label box apart, and neither label crossed by the other's line.
    let boxes = &layout.label_boxes;
    assert_eq!(boxes.len(), 2);
    assert!(!boxes[0].intersects(&boxes[1]), "{boxes:?}");
    let (a, b) = text_span(rebase);
    for item in &layout.items {
        if let Item::Line { from, to, .. } = item {
            let vertical = (from.x - to.x).abs() < 0.01;
            let through = from.y.min(to.y) < rebase.at.y && rebase.at.y - 8.0 < from.y.max(to.y);
            if vertical && through {
                assert!(
                    !(a + 1.0 < from.x && from.x < b - 1.0),
                    "a line at {} crosses {:?}",
                    from.x,
                    rebase.text
                );
            }
        }
    }
}
