//! Chart speed: a child's timeline laid out and painted to SVG, the cohort view of 5,000
//! children (a screenful of rows, and every row at once), laid out alone and laid out and
//! painted to SVG, and the statistical charts of 5,000 generated children (delay by a
//! breakdown, Kaplan–Meier by a breakdown, a run chart of single stages) from their
//! statistics. The browser canvas figures are measured separately in the browser.

use criterion::{criterion_group, criterion_main, Criterion};
use driftline::chart::{
    cohort, cohort_order, layout_chart, render_svg, timeline, BundledMetrics, ChartKind,
    ChartRequest, CohortOptions, CohortRow, CohortSort, TimelineOptions, Viewport,
};
use std::hint::black_box;

#[path = "../tests/chart_fixtures/mod.rs"]
mod chart_fixtures;

fn timeline_bench(c: &mut Criterion) {
    let (child, stages) = chart_fixtures::child_17();
    let options = TimelineOptions::new(chart_fixtures::as_at());
    c.bench_function("timeline layout (child 17)", |b| {
        b.iter(|| timeline(black_box(&child), &stages, &options, &BundledMetrics))
    });
    c.bench_function("timeline layout + SVG (child 17)", |b| {
        b.iter(|| {
            let t = timeline(black_box(&child), &stages, &options, &BundledMetrics);
            render_svg(&t.layout).map(|s| s.len())
        })
    });
}

fn cohort_bench(c: &mut Criterion) {
    let data = chart_fixtures::synthetic_cohort(5000, 7);
    let rows: Vec<CohortRow> = data
        .iter()
        .map(|(c, s)| CohortRow {
            child: c,
            stages: s,
        })
        .collect();
    let as_at = chart_fixtures::as_at();
    c.bench_function("cohort sort by longest wait (5,000)", |b| {
        b.iter(|| cohort_order(black_box(&rows), &CohortSort::LongestCurrentWait))
    });
    let order = cohort_order(&rows, &CohortSort::LongestCurrentWait);
    let screen = CohortOptions {
        viewport: Viewport {
            dates: None,
            first_row: 1200,
            rows: Some(60),
        },
        ..CohortOptions::new(as_at)
    };
    let everything = CohortOptions {
        row_height: 0.2,
        ..CohortOptions::new(as_at)
    };
    for (name, options) in [("60 rows", &screen), ("all 5,000 rows", &everything)] {
        c.bench_function(&format!("cohort layout, {name} of 5,000"), |b| {
            b.iter(|| cohort(black_box(&rows), &order, options, &BundledMetrics))
        });
        c.bench_function(&format!("cohort layout + SVG, {name} of 5,000"), |b| {
            b.iter(|| {
                let v = cohort(black_box(&rows), &order, options, &BundledMetrics);
                render_svg(&v.layout).map(|s| s.len())
            })
        });
    }
}

fn statistical_bench(c: &mut Criterion) {
    let (children, stats) = chart_fixtures::generated(5000, 7);
    let input = chart_fixtures::input(&children, &stats);
    let charts = [
        (
            "delay by age at entry",
            ChartKind::Delay,
            None,
            Some("age_at_entry"),
        ),
        (
            "km by placement",
            ChartKind::Km,
            Some("permanence_recommendation"),
            Some("placement"),
        ),
        (
            "run chart of single stages",
            ChartKind::Run,
            Some("first_review"),
            None,
        ),
    ];
    for (name, kind, stage, breakdown) in charts {
        let mut request = ChartRequest::new(kind, chart_fixtures::as_at());
        request.stage = stage.map(String::from);
        request.breakdown = breakdown.map(String::from);
        c.bench_function(&format!("{name} layout (5,000 children)"), |b| {
            b.iter(|| layout_chart(black_box(input), &request).map(|l| l.items.len()))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = timeline_bench, cohort_bench, statistical_bench
}
criterion_main!(benches);
