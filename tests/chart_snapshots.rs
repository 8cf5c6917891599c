//! Snapshot tests for the charts: each chart kind's layout as text and its rendered SVG, and
//! the chronology's text and CSV, on small hand-written fixtures. Run with
//! `UPDATE_SNAPSHOTS=1` to rewrite the files under `tests/snapshots/` after a deliberate
//! change, and read the diff before committing it.

mod chart_fixtures;

use chart_fixtures::{as_at, child_17, child_returns, Fixture};
use driftline::chart::{
    chronology, cohort, cohort_order, layout_chart, render_svg, timeline, BundledMetrics,
    ChartKind, ChartRequest, ChronologyOptions, CohortOptions, CohortRow, CohortSort,
    TimelineOptions,
};
use driftline::model::{LegalCategory, Milestone, PlacementCategory};

/// Compares `actual` with the snapshot file `name`, or rewrites it under `UPDATE_SNAPSHOTS`.
fn check(name: &str, actual: &str) {
    let path = format!("{}/tests/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {path}; run with UPDATE_SNAPSHOTS=1"));
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "snapshot {name} differs from line {}:\n  expected: {:?}\n  actual:   {:?}\n(rerun with UPDATE_SNAPSHOTS=1 if the change is intended)",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

fn timeline_options() -> TimelineOptions {
    TimelineOptions::new(as_at())
}

#[test]
fn timeline_of_the_reference_child() {
    let (child, stages) = child_17();
    let t = timeline(&child, &stages, &timeline_options(), &BundledMetrics);
    check("timeline_child_17.layout.txt", &t.layout.to_snapshot());
    check("timeline_child_17.svg", &render_svg(&t.layout).unwrap());
}

#[test]
fn timeline_of_a_child_who_returned_to_care() {
    let (child, stages) = child_returns();
    let t = timeline(&child, &stages, &timeline_options(), &BundledMetrics);
    check("timeline_returns.layout.txt", &t.layout.to_snapshot());
}

#[test]
fn pseudonymised_timeline() {
    let (child, stages) = child_returns();
    let options = TimelineOptions {
        pseudonymise: true,
        ..timeline_options()
    };
    let t = timeline(&child, &stages, &options, &BundledMetrics);
    check(
        "timeline_returns_pseudonymised.layout.txt",
        &t.layout.to_snapshot(),
    );
    check(
        "timeline_returns_pseudonymised.svg",
        &render_svg(&t.layout).unwrap(),
    );
}

#[test]
fn chronology_text_and_csv() {
    let (child, _) = child_returns();
    let c = chronology(
        &child,
        &ChronologyOptions {
            as_at: as_at(),
            pseudonymise: false,
        },
    );
    check("chronology_returns.txt", &c.to_text());
    check("chronology_returns.csv", &c.to_csv());
}

/// Three small children for the cohort view: the two timeline fixtures and a child with no
/// stages who left care.
fn small_cohort() -> Vec<(driftline::model::Child, Vec<driftline::chart::StageBracket>)> {
    let short = Fixture::new("C-3", Some("2016-01-20"))
        .placement(
            "2022-02-01",
            Some("2022-12-31"),
            PlacementCategory::Residential,
            Some("Home"),
        )
        .legal(
            "2022-02-01",
            Some("2022-12-31"),
            LegalCategory::Voluntary,
            "s25",
        )
        .event("2022-03-15", Milestone::LacReview, None)
        .build();
    vec![child_17(), child_returns(), (short, Vec::new())]
}

#[test]
fn cohort_view() {
    let data = small_cohort();
    let rows: Vec<CohortRow> = data
        .iter()
        .map(|(c, s)| CohortRow {
            child: c,
            stages: s,
        })
        .collect();
    let sort = CohortSort::LongestCurrentWait;
    let order = cohort_order(&rows, &sort);
    let options = CohortOptions {
        sort,
        width: 900.0,
        ..CohortOptions::new(as_at())
    };
    let c = cohort(&rows, &order, &options, &BundledMetrics);
    check("cohort_small.layout.txt", &c.layout.to_snapshot());
    check("cohort_small.svg", &render_svg(&c.layout).unwrap());
}

/// The statistical charts of seven hand-worked children (see `chart_fixtures::seven_reviews`):
/// the delay chart for everyone and by placement, the Kaplan–Meier chart and the distribution
/// of days to the first review, each as layout text, SVG and its table as CSV.
#[test]
fn statistical_charts_of_seven_children() {
    let children = chart_fixtures::seven_reviews();
    let stats = chart_fixtures::statistics(&children);
    let input = chart_fixtures::input(&children, &stats);
    let charts = [
        ("delay_seven", ChartKind::Delay, None, None),
        (
            "delay_seven_by_placement",
            ChartKind::Delay,
            Some("first_review"),
            Some("placement"),
        ),
        ("km_seven", ChartKind::Km, Some("first_review"), None),
        (
            "histogram_seven",
            ChartKind::Histogram,
            Some("first_review"),
            None,
        ),
    ];
    for (name, kind, stage, breakdown) in charts {
        let mut request = ChartRequest::new(kind, as_at());
        request.width = 900.0;
        request.stage = stage.map(String::from);
        request.breakdown = breakdown.map(String::from);
        let layout = layout_chart(input, &request).expect("lays out");
        check(&format!("{name}.layout.txt"), &layout.to_snapshot());
        check(&format!("{name}.svg"), &render_svg(&layout).unwrap());
        let table = layout.table.as_ref().expect("a table");
        check(&format!("{name}.csv"), &table.to_csv());
    }
}

/// Renders the README's pictures as PNG and checks each is a PNG of twice the chart's logical
/// size; `UPDATE_DOCS=1` also writes them to `docs/`.
#[test]
fn readme_pictures() {
    let (c17, s17) = child_17();
    let (ret, sret) = child_returns();
    let cohort_data = chart_fixtures::synthetic_cohort(2000, 7);
    let rows: Vec<CohortRow> = cohort_data
        .iter()
        .map(|(c, s)| CohortRow {
            child: c,
            stages: s,
        })
        .collect();
    let sort = CohortSort::LongestCurrentWait;
    let order = cohort_order(&rows, &sort);
    let screen = CohortOptions {
        sort: sort.clone(),
        viewport: driftline::chart::Viewport {
            dates: None,
            first_row: 0,
            rows: Some(36),
        },
        ..CohortOptions::new(as_at())
    };
    let overview = CohortOptions {
        sort: CohortSort::EntryDate,
        row_height: 0.35,
        ..CohortOptions::new(as_at())
    };
    let overview_order = cohort_order(&rows, &CohortSort::EntryDate);
    let pictures = [
        (
            "timeline.png",
            timeline(&c17, &s17, &timeline_options(), &BundledMetrics).layout,
        ),
        (
            "timeline-pseudonymised.png",
            timeline(
                &ret,
                &sret,
                &TimelineOptions {
                    pseudonymise: true,
                    ..timeline_options()
                },
                &BundledMetrics,
            )
            .layout,
        ),
        (
            "cohort.png",
            cohort(&rows, &order, &screen, &BundledMetrics).layout,
        ),
        (
            "cohort-overview.png",
            cohort(&rows, &overview_order, &overview, &BundledMetrics).layout,
        ),
        (
            "xmr.png",
            driftline::chart::spc(
                &xmr_chart(),
                &driftline::chart::SpcOptions::new(
                    "Days from recommendation to panel (median per month)",
                    "days",
                ),
                &BundledMetrics,
            ),
        ),
    ];
    let (gen_children, gen_stats) = chart_fixtures::generated(800, 2024);
    let gen = chart_fixtures::input(&gen_children, &gen_stats);
    let request = |kind: ChartKind, stage: Option<&str>, breakdown: Option<&str>| {
        let mut r = ChartRequest::new(kind, as_at());
        r.width = 1000.0;
        r.stage = stage.map(String::from);
        r.breakdown = breakdown.map(String::from);
        r
    };
    let mut run = request(ChartKind::Run, Some("permanence_recommendation"), None);
    run.aggregate = driftline::stats::Aggregate::Month;
    let stats_pictures = [
        ("delay.png", request(ChartKind::Delay, None, None)),
        (
            "delay-by-age.png",
            request(ChartKind::Delay, None, Some("age_at_entry")),
        ),
        (
            "km.png",
            request(
                ChartKind::Km,
                Some("time_to_permanence"),
                Some("age_at_entry"),
            ),
        ),
        (
            "km-recommendation.png",
            request(
                ChartKind::Km,
                Some("permanence_recommendation"),
                Some("placement"),
            ),
        ),
        (
            "histogram.png",
            request(
                ChartKind::Histogram,
                Some("permanence_recommendation"),
                Some("placement"),
            ),
        ),
        ("run.png", run),
    ];
    let pictures: Vec<(&str, driftline::chart::Layout)> = pictures
        .into_iter()
        .chain(stats_pictures.into_iter().map(|(name, r)| {
            (
                name,
                layout_chart(gen, &r).unwrap_or_else(|e| panic!("{name}: {e}")),
            )
        }))
        .collect();
    for (name, layout) in pictures {
        let png = driftline::chart::render_png(&layout, 2.0).expect("renders");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name} is a PNG");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert_eq!(
            (width, height),
            (
                (layout.width * 2.0).ceil() as u32,
                (layout.height * 2.0).ceil() as u32
            )
        );
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let dir = format!("{}/docs", env!("CARGO_MANIFEST_DIR"));
            std::fs::create_dir_all(&dir).expect("docs folder");
            std::fs::write(format!("{dir}/{name}"), png).expect("write picture");
        }
    }
}

/// Monthly median days from recommendation to panel: a year with one very slow month, a test
/// of change in December 2022 and lower values after it, rebased in September 2023.
pub fn monthly_days() -> Vec<(chrono::NaiveDate, f64)> {
    let values = [
        118.0, 131.0, 109.0, 142.0, 125.0, 119.0, 137.0, 128.0, 205.0, 122.0, 133.0, 127.0, 96.0,
        88.0, 101.0, 84.0, 92.0, 79.0, 86.0, 90.0, 75.0, 71.0, 69.0, 66.0,
    ];
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let date = chart_fixtures::d("2022-01-01")
                .checked_add_months(chrono::Months::new(i as u32))
                .expect("valid month");
            (date, *v)
        })
        .collect()
}

pub fn xmr_chart() -> driftline::qi::SpcChart {
    use driftline::qi::{analyze, Annotation, SpcConfig};
    let config = SpcConfig {
        rebase: vec![chart_fixtures::d("2023-09-01")],
        target: Some(84.0),
        annotations: vec![
            Annotation {
                date: chart_fixtures::d("2022-12-12"),
                label: "PDSA 1: panel dates booked at recommendation".into(),
            },
            Annotation {
                date: chart_fixtures::d("2023-06-05"),
                label: "PDSA 2: weekly tracker".into(),
            },
        ],
        ..SpcConfig::default()
    };
    analyze(&monthly_days(), &config).expect("a valid chart")
}

#[test]
fn xmr_chart_in_making_data_count_style() {
    let chart = xmr_chart();
    let options = driftline::chart::SpcOptions::new(
        "Days from recommendation to panel (median per month)",
        "days",
    );
    let layout = driftline::chart::spc(&chart, &options, &BundledMetrics);
    check("spc_xmr.layout.txt", &layout.to_snapshot());
    check("spc_xmr.svg", &render_svg(&layout).unwrap());
    check("spc_xmr.csv", &driftline::chart::spc_table(&chart));
}

#[test]
fn run_chart() {
    use driftline::qi::{analyze, ChartKind, SpcConfig};
    let config = SpcConfig {
        chart: ChartKind::Run,
        ..SpcConfig::default()
    };
    let chart = analyze(&monthly_days(), &config).expect("a valid chart");
    let options = driftline::chart::SpcOptions::new(
        "Days from recommendation to panel (median per month)",
        "days",
    );
    let layout = driftline::chart::spc(&chart, &options, &BundledMetrics);
    check("spc_run.layout.txt", &layout.to_snapshot());
    check("spc_run.svg", &render_svg(&layout).unwrap());
}

/// "Where the days go" for a generated cohort, split by age on entering care: the layout, the
/// SVG and the table, whose figures are the statistics' own.
#[test]
fn where_the_days_go_by_age() {
    let (children, stats) = chart_fixtures::generated(300, 7);
    let input = chart_fixtures::input(&children, &stats);
    let mut request = ChartRequest::new(ChartKind::Decomposition, as_at());
    request.width = 900.0;
    request.breakdown = Some("age_at_entry".into());
    let layout = layout_chart(input, &request).expect("lays out");
    check(
        "decomposition_generated_by_age.layout.txt",
        &layout.to_snapshot(),
    );
    check(
        "decomposition_generated_by_age.svg",
        &render_svg(&layout).unwrap(),
    );
    let table = layout.table.as_ref().expect("a table");
    check("decomposition_generated_by_age.csv", &table.to_csv());
    let d = stats.decomposition.as_ref().expect("a decomposition");
    let row = table
        .rows
        .iter()
        .find(|r| r[0] == "all" && r[1] == "counterfactual")
        .expect("the cohort's counterfactual");
    assert_eq!(
        row[6],
        driftline::table::opt_number(d.all.counterfactual.mean_days, 2)
    );
    assert!(layout.title.starts_with("Where the days go, by age"));
}
