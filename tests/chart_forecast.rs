//! Forecast points on a run chart (`chart::spc` with `SpcOptions::forecast`): drawn after the
//! data on a scale that reaches them, told apart in the legend, the tooltips and the table,
//! and never read by the chart's rules.

use chrono::NaiveDate;
use driftline::chart::spc::ForecastPoint;
use driftline::chart::{spc, BundledMetrics, HitTarget, Item, SpcOptions};
use driftline::qi::{analyze, ChartKind, SpcConfig};

fn d(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).expect("a date")
}

/// Twelve months of completions, January to December 2023: 3, 5, 4, 6, 2, 5, 4, 3, 6, 5, 4, 3.
fn chart() -> driftline::qi::SpcChart {
    let values = [3.0, 5.0, 4.0, 6.0, 2.0, 5.0, 4.0, 3.0, 6.0, 5.0, 4.0, 3.0];
    let points: Vec<(NaiveDate, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (d(2023, i as u32 + 1), *v))
        .collect();
    let config = SpcConfig {
        chart: ChartKind::Run,
        ..SpcConfig::default()
    };
    analyze(&points, &config).expect("a run chart")
}

fn forecast() -> Vec<ForecastPoint> {
    vec![
        ForecastPoint {
            date: d(2024, 1),
            expected: 4.5,
            interval: [1.0, 8.0],
            note: String::new(),
        },
        ForecastPoint {
            date: d(2024, 2),
            expected: 12.0,
            interval: [9.0, 15.0],
            note: "from the chances of 20 children waiting".into(),
        },
    ]
}

#[test]
fn forecast_points_are_drawn_after_the_data_and_marked_apart() {
    let chart = chart();
    let plain = spc(
        &chart,
        &SpcOptions::new("Completions", "completions"),
        &BundledMetrics,
    );
    let options = SpcOptions {
        forecast: forecast(),
        ..SpcOptions::new("Completions", "completions")
    };
    let with = spc(&chart, &options, &BundledMetrics);

    // The rules read the twelve months only: the chart model is the same either way.
    assert_eq!(chart.points.len(), 12);
    // The date scale reaches the last forecast month (February 2024) only with a forecast.
    let end = |l: &driftline::chart::Layout| l.date_axis.as_ref().expect("dated").end;
    assert!(end(&plain) < d(2024, 1));
    assert!(end(&with) >= d(2024, 2));
    // Two forecast points to hover, as series 1, their tooltips saying what they are.
    let hits: Vec<&str> = with
        .hits
        .iter()
        .filter(|h| matches!(h.hit.target, HitTarget::Point { series: 1, .. }))
        .map(|h| h.hit.label.as_str())
        .collect();
    assert_eq!(
        hits,
        [
            "1 Jan 2024: forecast 4.5 completions (95% interval 1 to 8)",
            "1 Feb 2024: forecast 12 completions (95% interval 9 to 15) · from the chances of 20 children waiting",
        ]
    );
    // The value scale reaches the upper end of the last interval (15), above every month.
    let texts: Vec<&str> = with
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
        .collect();
    assert!(texts.contains(&"forecast"));
    assert!(texts.contains(&"forecast (95% interval)"));
    assert!(!plain
        .items
        .iter()
        .any(|i| matches!(i, Item::Text(t) if t.text == "forecast")));
    assert!(texts.iter().any(|t| *t == "15" || *t == "16"), "{texts:?}");
    assert!(with
        .description
        .contains("2 forecast points after the data, outside the rules"));
    // The table: the twelve months, then the forecast rows with their intervals.
    let table = with.table.as_ref().expect("a table");
    assert_eq!(table.rows.len(), 14);
    assert_eq!(
        table.columns.last().map(String::as_str),
        Some("forecast_interval")
    );
    assert_eq!(table.rows[12][6], "forecast");
    assert_eq!(table.rows[12][1], "4.5");
    assert_eq!(table.rows[13].last().map(String::as_str), Some("9 to 15"));
    assert!(table.rows[..12].iter().all(|r| r[6] != "forecast"));
}
