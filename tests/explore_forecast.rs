//! The page's forecasts natively (`explore::forecast`): the basis follows the split, the
//! panel's expected completions sum the chances of the children in view, the children table
//! sorts by the likely date, a child's detail carries each waiting stage's forecast, the QI
//! view's run chart of completions has forecast months after the data, and the scorecard is
//! England's only.
//!
//! The cohort is `tests/stats_forecast.rs`'s, written as template CSV and analysed "as at"
//! 31 March 2024 with Scotland's timescales: twenty children C01…C20 placed in foster care on
//! 2 January 2023 whose first LAC reviews came after 10, 20, …, 200 days, and W1, W2 and W3
//! placed 25, 55 and 205 days before "as at" and still waiting for it. Teams: W1 and the odd
//! C's are North, the rest South.
//!
//! The first review's Kaplan–Meier curve (23 waits), as worked there: relative to S(25),
//! R(30) = 19/20, R(40) = 18/20, R(50) = 17/20, R(60 + 10j) = 17/20 · (15 − j)/16; relative to
//! S(55), Q(60 + 10j) = (15 − j)/16; flat after day 200.

use chrono::{Days, NaiveDate};
use driftline::explore::forecast::{monthly_completions, ForecastQuery};
use driftline::explore::{ChartQuery, ChildQuery, Explorer};
use driftline::stats::Profile;
use driftline::{analyze, InputFile, Options, Report};

const Z: f64 = 1.959963984540054;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn as_at() -> NaiveDate {
    d("2024-03-31")
}

/// The cohort's three files.
fn files() -> [String; 3] {
    let mut children = String::from("child_id,sex,team\n");
    let mut placements =
        String::from("child_id,start_date,end_date,placement_type,carer,legal_status\n");
    let mut events = String::from("child_id,date,event,detail\n");
    let uk = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    for k in 1..=20u64 {
        let id = format!("C{k:02}");
        let sex = if k % 2 == 0 { "F" } else { "M" };
        let team = if k % 2 == 0 { "South" } else { "North" };
        children.push_str(&format!("{id},{sex},{team}\n"));
        placements.push_str(&format!(
            "{id},02/01/2023,,Foster care,Carer{k},Interim CSO\n"
        ));
        let review = d("2023-01-02") + Days::new(10 * k);
        events.push_str(&format!("{id},{},LAC review,\n", uk(review)));
    }
    for (id, waited, team) in [
        ("W1", 25u64, "North"),
        ("W2", 55, "South"),
        ("W3", 205, "South"),
    ] {
        children.push_str(&format!("{id},F,{team}\n"));
        let start = as_at() - Days::new(waited);
        placements.push_str(&format!(
            "{id},{},,Foster care,Carer{id},Interim CSO\n",
            uk(start)
        ));
    }
    [children, placements, events]
}

fn report(breakdown: Option<&str>) -> Report {
    let [c, p, e] = files();
    let inputs = [
        InputFile {
            name: "children.csv",
            bytes: c.as_bytes(),
        },
        InputFile {
            name: "placements.csv",
            bytes: p.as_bytes(),
        },
        InputFile {
            name: "events.csv",
            bytes: e.as_bytes(),
        },
    ];
    let mut options = Options::new(as_at());
    options.profile = Profile::scotland();
    options.breakdown = breakdown.map(str::to_string);
    analyze(&inputs, &options).expect("the cohort loads")
}

fn explorer() -> Explorer {
    Explorer::new(report(None))
}

fn query(json: &str) -> ForecastQuery {
    serde_json::from_str(json).expect("a valid query")
}

fn index_of(e: &Explorer, id: &str) -> usize {
    e.find_child(id).expect("the child")
}

#[test]
fn the_panel_without_filters_is_the_reports_expected_completions() {
    let mut e = explorer();
    let reported = e.report().expected_completions.clone();
    let panel = e.forecast(&query("{}"));
    assert_eq!((panel.matched, panel.total), (23, 23));
    assert_eq!(panel.breakdown, None);
    let first = panel
        .expected
        .iter()
        .find(|r| r.stage == "first_review")
        .expect("the first review");
    // Worked in tests/stats_forecast.rs: 3 months (91 days) W1 0.46875 + W2 9/16 + W3 0 =
    // 1.03125; 6 and 12 months 0.946875 + 15/16 = 1.884375.
    assert_eq!((first.waiting, first.without_forecast), (3, 0));
    let expected: Vec<(u32, f64)> = first
        .horizons
        .iter()
        .map(|h| (h.months, h.expected))
        .collect();
    assert_eq!(expected.len(), 3);
    for ((months, value), want) in expected.iter().zip([1.03125, 1.884375, 1.884375]) {
        assert!(close(*value, want), "{months} months: {value}");
    }
    // Every figure equals the report's (what `driftline analyze --format json` prints).
    for row in &panel.expected {
        for h in &row.horizons {
            let r = reported
                .iter()
                .find(|x| x.stage == row.stage && x.months == h.months)
                .expect("the report has it");
            assert!(close(h.expected, r.expected), "{} {}", row.stage, h.months);
            assert!(close(h.interval[0], r.interval[0]) && close(h.interval[1], r.interval[1]));
            assert_eq!(
                (row.waiting, row.without_forecast),
                (r.waiting, r.without_forecast)
            );
        }
    }
    assert_eq!(panel.caveats.len(), 4);
    assert!(panel.decomposition);
}

#[test]
fn with_filters_the_panel_sums_the_chances_of_the_children_in_view() {
    let mut e = explorer();
    let panel = e.forecast(&query(r#"{"filters":{"team":"North"}}"#));
    // North: C01, C03, …, C19 (10) and W1. Only W1 waits for the first review; its chances
    // come from the whole cohort's curve: 3 months 0.46875, variance 0.46875 · 0.53125,
    // interval clipped to [0, 1] (one child); 6 and 12 months 0.946875.
    assert_eq!(panel.matched, 11);
    let first = panel
        .expected
        .iter()
        .find(|r| r.stage == "first_review")
        .expect("the first review");
    assert_eq!(first.waiting, 1);
    let three = &first.horizons[0];
    assert_eq!(three.months, 3);
    assert!(close(three.expected, 0.46875));
    // 0.46875 ± 1.96 · √0.2490234375 = 0.46875 ± 0.978...: clipped to [0, 1].
    let half = Z * (0.46875f64 * 0.53125).sqrt();
    assert!(half > 0.97 && half < 0.98);
    assert_eq!(three.interval, [0.0, 1.0]);
    let twelve = &first.horizons[2];
    assert!(close(twelve.expected, 0.946875));
    assert_eq!(twelve.interval[1], 1.0, "one child: at most one completion");
}

#[test]
fn the_split_becomes_the_basis_as_the_command_lines_breakdown() {
    let mut e = explorer();
    e.forecast(&query(r#"{"breakdown":"sex"}"#));
    assert_eq!(e.forecast_basis(), Some("sex"));
    let cli = report(Some("sex"));
    let page = e.report();
    // Every stage row's forecast, and the expected completions, as `analyze --breakdown sex`.
    assert_eq!(
        serde_json::to_value(&page.journeys).expect("json"),
        serde_json::to_value(&cli.journeys).expect("json")
    );
    assert_eq!(page.expected_completions, cli.expected_completions);
    // The F group (read as "Female") has 10 completions (C02, C04, …, C20), fewer than 20:
    // W1's forecast is the cohort's, and says why.
    let w1 = index_of(&e, "W1");
    let detail = e.child(w1, false).expect("W1");
    let f = detail
        .stages
        .iter()
        .find(|s| s.stage == "first_review")
        .and_then(|s| s.forecast)
        .expect("a forecast");
    assert_eq!(&*f.basis, "cohort");
    assert!(
        f.note
            .starts_with("The group sex: Female has only 10 completed stages (fewer than 20)"),
        "{}",
        f.note
    );
    // Back to the whole cohort: the report's forecasts again.
    e.forecast(&query("{}"));
    assert_eq!(e.forecast_basis(), None);
    assert_eq!(
        serde_json::to_value(&e.report().journeys).expect("json"),
        serde_json::to_value(&report(None).journeys).expect("json")
    );
    // A breakdown the data does not have is the whole cohort.
    e.forecast(&query(r#"{"breakdown":"no_such_thing"}"#));
    assert_eq!(e.forecast_basis(), None);
}

#[test]
fn a_childs_detail_and_row_carry_the_forecast() {
    let e = explorer();
    // W1 started 6 March 2024, waited 25 days: likely on day 120 (4 July 2024), range days 70
    // to 170 (15 May to 23 August 2024), 10% by the target (day 42).
    let w1 = index_of(&e, "W1");
    let detail = e.child(w1, true).expect("W1");
    let row = detail
        .stages
        .iter()
        .find(|s| s.stage == "first_review")
        .expect("the first review");
    let f = row.forecast.expect("a forecast");
    assert_eq!(f.expected_date, Some(d("2024-07-04")));
    assert_eq!(f.range, Some([d("2024-05-15"), d("2024-08-23")]));
    assert!(close(f.chance_by_target.get().expect("target ahead"), 0.1));
    // A completed stage has none.
    let c01 = e.child(index_of(&e, "C01"), false).expect("C01");
    let done = c01
        .stages
        .iter()
        .find(|s| s.stage == "first_review")
        .expect("a row");
    assert!(done.forecast.is_none());
    // The row the children table shows: the stage waited in now, with its likely date.
    let current = e.rows()[w1].current_stage.as_ref().expect("waiting");
    assert_eq!(&*current.id, "first_review");
    assert_eq!(current.expected_date, Some(d("2024-07-04")));
}

#[test]
fn the_children_table_sorts_by_the_likely_date_missing_last() {
    let e = explorer();
    let q: ChildQuery = serde_json::from_str(r#"{"sort":"likely_by","limit":3}"#).expect("query");
    // W2 (started 5 February 2024, likely day 130: 14 June 2024) before W1 (4 July 2024);
    // W3 (beyond what the data has seen) and the C's (waiting for stages nobody completed)
    // have no likely date and come after.
    let names: Vec<String> = e
        .children(&q)
        .rows
        .iter()
        .map(|r| r.child.clone())
        .collect();
    assert_eq!(&names[..2], ["W2", "W1"]);
    assert_ne!(names[2], "W2");
    let w2 = &e.rows()[index_of(&e, "W2")];
    assert_eq!(
        w2.current_stage.as_ref().and_then(|s| s.expected_date),
        Some(d("2024-06-14"))
    );
    // By chance by the target: only W1's target (day 42, 17 April) is ahead: 0.1.
    let q: ChildQuery =
        serde_json::from_str(r#"{"sort":"chance_by_target","descending":true,"limit":1}"#)
            .expect("query");
    assert_eq!(e.children(&q).rows[0].child, "W1");
    // Filtered by the likely date: within 3 months of 31 March 2024 (to 30 June) only W2;
    // within 4 months (to 31 July) W2 and W1.
    let within = |months: u32| -> Vec<String> {
        let q: ChildQuery = serde_json::from_str(&format!(
            r#"{{"sort":"likely_by","likely_within_months":{months}}}"#
        ))
        .expect("query");
        e.children(&q)
            .rows
            .iter()
            .map(|r| r.child.clone())
            .collect()
    };
    assert_eq!(within(3), ["W2"]);
    assert_eq!(within(4), ["W2", "W1"]);
}

#[test]
fn the_run_chart_of_completions_has_forecast_months_after_the_data() {
    // First reviews ended 2 January 2023 + 10k days: January 12, 22; February 1, 11, 21;
    // March 3, 13, 23; April 2, 12, 22; May 2, 12, 22; June 1, 11, 21; July 1, 11, 21 (2023).
    // Months January 2023 to March 2024 (the month of "as at"): 2, 3, 3, 3, 3, 3, 3, then
    // eight months of 0.
    let e = explorer();
    let counts: Vec<usize> = monthly_completions(e.report().journeys.stats.iter(), 0, as_at())
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(counts, [2, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0]);

    let mut e = explorer();
    let spec: ChartQuery = serde_json::from_str(
        r#"{"kind":"qi","slot":"qi","qi":{"stage":"first_review","chart":"run","measure":"completions","forecast_months":3}}"#,
    )
    .expect("a spec");
    let (layout, info) = e.draw(&spec).expect("drawn");
    let qi = info.qi.as_ref().expect("the QI numbers");
    assert_eq!(
        qi.chart.points.len(),
        15,
        "the forecast is not a point of the chart"
    );
    // April 2024 is days 1–30 after "as at": W1 1 − R(55) = 0.15; W2 1 − Q(85) = 3/16; sum
    // 0.3375. May (days 31–61): W1 R(55) − R(86) = 17/20 · 3/16 = 0.159375, W2 Q(85) − Q(116)
    // = 3/16; June (62–91): W1 R(86) − R(116) = 0.159375, W2 Q(116) − Q(146) = 3/16. The
    // three add up to the 3-month expectation, 1.03125.
    let months: Vec<(NaiveDate, f64)> = info
        .forecast
        .iter()
        .map(|f| (f.month, f.expected))
        .collect();
    assert_eq!(months.len(), 3);
    assert_eq!(
        months.iter().map(|m| m.0).collect::<Vec<_>>(),
        [d("2024-04-01"), d("2024-05-01"), d("2024-06-01")]
    );
    for ((_, got), want) in months.iter().zip([0.3375, 0.346875, 0.346875]) {
        assert!(close(*got, want), "{got} ≠ {want}");
    }
    // April's interval: variance 0.15 · 0.85 + 3/16 · 13/16 = 0.27984375.
    let half = Z * 0.27984375f64.sqrt();
    assert!(close(info.forecast[0].interval[1], 0.3375 + half));
    // The table marks them as forecast rows after the 15 observed months.
    let table = layout.table.as_ref().expect("a table");
    assert_eq!(
        info.table.as_ref(),
        Some(table),
        "the page is given the same table"
    );
    assert_eq!(table.rows.len(), 18);
    assert!(table.rows[..15].iter().all(|r| r[1] == "observed"));
    assert!(table.rows[15..].iter().all(|r| r[1] == "forecast"));
    assert_eq!(table.rows[15][2], "0.34");
    // Drawn apart: the divider's label and hollow markers.
    let words: Vec<String> = layout
        .items
        .iter()
        .filter_map(|i| match i {
            driftline::chart::Item::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect();
    assert!(words.iter().any(|w| w == "forecast"));
    assert!(words.iter().any(|w| w == "forecast (95% interval)"));
}

#[test]
fn the_scorecard_is_englands_only() {
    let mut e = explorer();
    let panel = e.forecast(&query("{}"));
    assert!(panel.scorecard.is_none());
    // It names the timescales in force (the fixture's, Scotland's) and where to change them.
    assert_eq!(
        panel.scorecard_note.as_deref(),
        Some(
            "The adoption scorecard (the DfE's A1, A2, A10 and A3) is England's, and the \
             timescales in force, Scotland (PACE), do not ask for it. Choose England's \
             timescales on the Timescales tab to see it."
        )
    );
    e.set_profile(&Profile::england());
    // Asked for the scorecard alone, the expected completions are left out.
    let alone = e.forecast(&query(r#"{"expected":false}"#));
    assert!(alone.expected.iter().all(|r| r.horizons.is_empty()));
    assert!(alone.scorecard.is_some());
    let panel = e.forecast(&query("{}"));
    let s = panel.scorecard.expect("England's scorecard");
    // Nobody was adopted: no child counted; the window is three years to "as at".
    assert_eq!(s.adopted, 0);
    assert_eq!((s.window_from, s.window_to), (d("2021-04-01"), as_at()));
    let measures: Vec<&str> = s.table.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(measures, ["A1", "A2", "A10", "A3"]);
    assert!(s.table.rows.iter().all(|r| r[2] == "0"));
    assert_eq!(s.table.rows[0][6], "426");
    assert_eq!(s.table.rows[1][6], "121");
}
