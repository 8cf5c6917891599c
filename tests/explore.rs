//! The page's exploration layer natively: sorting (natural order for IDs, missing values
//! last), filters and facets, search, paging, pseudonymisation (no ID or date of birth in any
//! answer or export, messages included), every export, per-filter statistics and profile
//! switching.
//!
//! The cohort is four hand-written children, analysed "as at" 2024-06-30:
//!
//! | index | ID  | born       | team  | care                          | entry age    |
//! |-------|-----|------------|-------|-------------------------------|--------------|
//! | 0     | Q10 | 2015-04-03 | North | foster since 2024-03-01       | 106 months   |
//! | 1     | Q2  | 2020-02-14 | South | kinship 2023-06-01–2023-09-01 | 39 months    |
//! | 2     | Q1  | 2023-06-25 | North | foster since 2023-07-01       | 0 months     |
//! | 3     | Q3  | 2010-01-01 | —     | none (one event, before birth)| —            |
//!
//! Days in care: Q10 1 Mar → 30 Jun 2024 = 31 + 30 + 31 + 29 = 121; Q2 1 Jun → 1 Sep 2023
//! = 30 + 31 + 31 = 92; Q1 1 Jul 2023 → 30 Jun 2024 = 366 − 1 = 365 (2024 is a leap year).
//! First LAC reviews (Scotland's first stage, target 6 weeks = 42 days): Q2 after 19 days,
//! Q1 after 31, Q10 after 31.

use driftline::explore::{
    ChartQuery, ChildQuery, Explorer, Filters, ProblemQuery, StageQuery, StageRowsQuery,
};
use driftline::stats::Profile;
use driftline::{analyze, InputFile, Options};

const CHILDREN: &str = "child_id,date_of_birth,sex,local_authority,team
Q10,03/04/2015,Female,Aldmoor,North
Q2,14/02/2020,Male,Aldmoor,South
Q1,25/06/2023,Female,Benholm,North
Q3,01/01/2010,Male,Benholm,
";
const PLACEMENTS: &str = "child_id,start_date,end_date,placement_type,carer,legal_status
Q10,01/03/2024,,Foster care,Smith,Voluntary (section 25)
Q2,01/06/2023,01/09/2023,Kinship care,Jones,Interim CSO
Q1,01/07/2023,,Foster care,Brown,Interim CSO
";
const EVENTS: &str = "child_id,date,event,detail
Q10,01/03/2024,Became looked after,
Q3,01/06/2009,LAC review,
Q2,20/06/2023,LAC review,
Q1,01/08/2023,LAC review,
Q10,01/04/2024,LAC review,
";

const IDS: [&str; 4] = ["Q10", "Q2", "Q1", "Q3"];
/// Each date of birth as the input wrote it, as ISO, and as the page's other forms.
const BIRTHS: [&str; 8] = [
    "03/04/2015",
    "2015-04-03",
    "14/02/2020",
    "2020-02-14",
    "25/06/2023",
    "2023-06-25",
    "01/01/2010",
    "2010-01-01",
];

fn options() -> Options {
    Options::new(chrono::NaiveDate::from_ymd_opt(2024, 6, 30).expect("a date"))
}

/// An explorer of the CSV files given as (name, text), analysed under `options`.
fn explorer_of(files: &[(&str, &str)], options: &Options) -> Explorer {
    let files: Vec<InputFile<'_>> = files
        .iter()
        .map(|&(name, text)| InputFile {
            name,
            bytes: text.as_bytes(),
        })
        .collect();
    Explorer::new(analyze(&files, options).expect("the cohort loads"))
}

fn explorer_with(options: &Options) -> Explorer {
    explorer_of(
        &[
            ("children.csv", CHILDREN),
            ("placements.csv", PLACEMENTS),
            ("events.csv", EVENTS),
        ],
        options,
    )
}

fn explorer() -> Explorer {
    explorer_with(&options())
}

fn children_query(json: &str) -> ChildQuery {
    serde_json::from_str(json).expect("a valid query")
}

/// The indices of the children a query's page shows.
fn page_indices(e: &Explorer, json: &str) -> Vec<usize> {
    e.children(&children_query(json))
        .rows
        .iter()
        .map(|r| r.index)
        .collect()
}

#[test]
fn the_cohort_is_in_input_order() {
    let e = explorer();
    let ids: Vec<&str> = e.rows().iter().map(|r| &*r.child_id).collect();
    assert_eq!(ids, IDS);
}

/// 2,500 children, K0001 to K2500, child `i` (from 0) placed in foster care on day
/// `i % 300` of 2023 and still there: more rows than one block of the explorer's rows holds.
fn many_children() -> Explorer {
    let mut children = String::from("child_id,date_of_birth\n");
    let mut placements = String::from("child_id,start_date,end_date,placement_type\n");
    let first = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("a date");
    for i in 0..2500u64 {
        children.push_str(&format!("K{:04},01/01/2015\n", i + 1));
        let start = first + chrono::Days::new(i % 300);
        placements.push_str(&format!(
            "K{:04},{},,Foster care\n",
            i + 1,
            start.format("%d/%m/%Y")
        ));
    }
    explorer_of(
        &[("children.csv", &children), ("placements.csv", &placements)],
        &options(),
    )
}

#[test]
fn every_row_of_a_large_cohort_is_its_own_child() {
    let e = many_children();
    let rows = e.rows();
    assert_eq!(rows.len(), 2500);
    for i in 0..2500 {
        let row = rows.get(i).expect("a row per child");
        assert_eq!(
            (row.index, &*row.child_id),
            (i, format!("K{:04}", i + 1).as_str())
        );
    }
    assert!(rows.get(2500).is_none());
    let ids: Vec<&str> = rows.iter().map(|r| &*r.child_id).collect();
    assert_eq!((ids.len(), ids[0], ids[2499]), (2500, "K0001", "K2500"));
    assert_eq!(rows.iter().next_back().map(|r| r.index), Some(2499));
    // K1025 (index 1024) was placed on day 124 of 2023, 5 May: to 30 June 2024 is 366 days
    // (29 February 2024 included) and then 26 + 30.
    assert_eq!(rows[1024].days_in_care.get(), Some(422));
    // Found by search and opened, K2049 is the child at index 2048.
    assert_eq!(page_indices(&e, r#"{"search":"K2049"}"#), vec![2048]);
    let detail = e.child(2048, false).expect("the child opens");
    assert_eq!(detail.row.child, "K2049");
    // Sorted by ID, last first.
    assert_eq!(
        page_indices(&e, r#"{"sort":"child","descending":true,"limit":2}"#),
        vec![2499, 2498]
    );
}

#[test]
fn sorting_is_natural_for_ids_and_puts_missing_values_last() {
    let e = explorer();
    let cases = [
        // Q1 < Q2 < Q3 < Q10 as people read them (byte order would put Q10 second).
        (r#"{"sort":"child"}"#, vec![2, 1, 3, 0]),
        (r#"{"sort":"child","descending":true}"#, vec![0, 3, 1, 2]),
        // 92 (Q2) < 121 (Q10) < 365 (Q1), Q3 never in care: last both ways.
        (r#"{"sort":"days_in_care"}"#, vec![1, 0, 2, 3]),
        (
            r#"{"sort":"days_in_care","descending":true}"#,
            vec![2, 0, 1, 3],
        ),
        // Ages on 30 June 2024: Q1 12, Q2 52, Q10 110, Q3 173 months.
        (r#"{"sort":"age"}"#, vec![2, 1, 0, 3]),
        // Teams North, South, North, none: "north" twice in input order, then "south".
        (r#"{"sort":"team"}"#, vec![0, 2, 1, 3]),
        // No column: input order, or reversed.
        (r#"{}"#, vec![0, 1, 2, 3]),
        (r#"{"descending":true}"#, vec![3, 2, 1, 0]),
    ];
    for (query, expected) in cases {
        assert_eq!(page_indices(&e, query), expected, "{query}");
    }
}

#[test]
fn filters_choose_children_by_their_latest_care_period_and_details() {
    let e = explorer();
    let cases = [
        (r#"{"team":"North"}"#, vec![0, 2]),
        (r#"{"team":"unknown"}"#, vec![3]),
        (r#"{"placement":"not_in_care"}"#, vec![1, 3]),
        (r#"{"placement":"foster"}"#, vec![0, 2]),
        // Entry ages 106, 39 and 0 months; Q3 never entered care.
        (r#"{"age_band":"under_1"}"#, vec![2]),
        (r#"{"age_band":"1_to_4"}"#, vec![1]),
        (r#"{"age_band":"5_to_11"}"#, vec![0]),
        (r#"{"age_band":"unknown"}"#, vec![3]),
        (r#"{"year_of_entry":"2023"}"#, vec![1, 2]),
        (r#"{"sex":"Female","team":"North"}"#, vec![0, 2]),
        (r#"{"sex":"Male","team":"North"}"#, vec![]),
        (r#"{"team":""}"#, vec![0, 1, 2, 3]),
    ];
    for (filters, expected) in cases {
        let f: Filters = serde_json::from_str(filters).expect("filters");
        assert_eq!(e.chosen(&f), expected, "{filters}");
        let query = format!(r#"{{"filters":{filters}}}"#);
        assert_eq!(page_indices(&e, &query), expected, "{query}");
    }
}

#[test]
fn facets_list_the_values_present() {
    let e = explorer();
    let facets = serde_json::to_value(e.summary().facets).expect("serialises");
    // Each value with its label; a child without a team is "Not recorded".
    assert_eq!(
        facets["team"],
        serde_json::json!([
            ["North", "North"],
            ["South", "South"],
            ["unknown", "Not recorded"]
        ])
    );
    assert_eq!(
        facets["year_of_entry"],
        serde_json::json!([["2024", "2024"], ["2023", "2023"]])
    );
    assert_eq!(
        facets["age_band"],
        serde_json::json!([
            ["under_1", "Under 1"],
            ["1_to_4", "1 to 4"],
            ["5_to_11", "5 to 11"],
            ["unknown", "Age not known"]
        ])
    );
    let placements: Vec<&str> = facets["placement"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p[0].as_str())
        .collect();
    assert_eq!(placements, ["foster", "not_in_care"]);
}

#[test]
fn search_reads_what_is_shown_and_pages_are_clamped() {
    let e = explorer();
    // "q1" is in Q10 and Q1; pseudonymised, the IDs are not searched, the names are.
    assert_eq!(page_indices(&e, r#"{"search":" Q1 "}"#), vec![0, 2]);
    assert_eq!(
        page_indices(&e, r#"{"search":"q1","pseudonymise":true}"#),
        Vec::<usize>::new()
    );
    assert_eq!(
        page_indices(&e, r#"{"search":"child 2","pseudonymise":true}"#),
        vec![1]
    );
    // Natural order, two rows from the second: Q2, Q3.
    let page = e.children(&children_query(r#"{"sort":"child","offset":1,"limit":2}"#));
    let shown: Vec<&str> = page.rows.iter().map(|r| r.child.as_str()).collect();
    assert_eq!(shown, ["Q2", "Q3"]);
    assert_eq!((page.total, page.matched, page.offset), (4, 4, 1));
    let past = e.children(&children_query(r#"{"offset":99}"#));
    assert_eq!((past.rows.len(), past.offset), (0, 4));
}

#[test]
fn problems_are_filtered_searched_and_sorted() {
    let e = explorer();
    let all = e.problems(&ProblemQuery::default());
    assert!(
        all.total >= 2,
        "the event before birth and the events without placements"
    );
    let before_birth: ProblemQuery =
        serde_json::from_str(r#"{"search":"before the child's date of birth"}"#).expect("query");
    let page = e.problems(&before_birth);
    assert_eq!(page.matched, 1);
    assert_eq!(
        page.rows[0].message,
        "The event \"LAC review\" is dated 01/06/2009, before the child's date of birth 01/01/2010."
    );
    assert_eq!(page.rows[0].child_id.as_deref(), Some("Q3"));
    let warnings: ProblemQuery =
        serde_json::from_str(r#"{"severity":"warning","sort":"message"}"#).expect("query");
    let page = e.problems(&warnings);
    let messages: Vec<String> = page.rows.iter().map(|d| d.message.to_lowercase()).collect();
    let mut sorted = messages.clone();
    sorted.sort();
    assert_eq!(messages, sorted);
    assert!(page
        .rows
        .iter()
        .all(|d| d.severity == driftline::diagnostics::Severity::Warning));
}

/// Every answer and export of a pseudonymised view, as text.
fn pseudonymised_outputs(e: &mut Explorer) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let json = |v: &dyn erased::Json| v.json();
    let problems: ProblemQuery = serde_json::from_str(r#"{"pseudonymise":true}"#).expect("q");
    out.push(("problems".into(), json(&e.problems(&problems))));
    out.push(("problems.csv".into(), e.problems_table(&problems).to_csv()));
    let children = children_query(r#"{"pseudonymise":true}"#);
    out.push(("children".into(), json(&e.children(&children))));
    out.push(("children.csv".into(), e.children_table(&children).to_csv()));
    for i in 0..IDS.len() {
        out.push((
            format!("child {i}"),
            json(&e.child(i, true).expect("a child")),
        ));
        out.push((
            format!("chronology {i}.csv"),
            e.chronology_table(i, true).expect("a child").to_csv(),
        ));
        let one: StageRowsQuery =
            serde_json::from_str(&format!(r#"{{"child":{i},"pseudonymise":true}}"#)).expect("q");
        out.push((
            format!("stage rows {i}.csv"),
            e.stage_rows_csv(&one).expect("rows"),
        ));
        let chart: ChartQuery = serde_json::from_str(&format!(
            r#"{{"kind":"timeline","slot":"t","child":{i},"pseudonymise":true}}"#
        ))
        .expect("q");
        e.draw(&chart).expect("a timeline");
        out.push((format!("timeline {i}.svg"), e.chart_svg("t").expect("svg")));
    }
    let all: StageRowsQuery = serde_json::from_str(r#"{"pseudonymise":true}"#).expect("q");
    out.push((
        "stage rows.csv".into(),
        e.stage_rows_csv(&all).expect("rows"),
    ));
    let stages: StageQuery = serde_json::from_str(r#"{"pseudonymise":true}"#).expect("q");
    out.push(("stages".into(), json(&e.stages(&stages))));
    out.push(("stages.csv".into(), e.stages_table(&stages).to_csv()));
    let cohort: ChartQuery =
        serde_json::from_str(r#"{"kind":"cohort","slot":"c","pseudonymise":true}"#).expect("q");
    let (_, info) = e.draw(&cohort).expect("the cohort view");
    out.push(("cohort info".into(), json(&info)));
    out.push(("cohort.svg".into(), e.chart_svg("c").expect("svg")));
    out.push((
        "cohort.csv".into(),
        e.chart_table("c").expect("a table").to_csv(),
    ));
    out
}

/// Serialising any answer to JSON text.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("serialises")
        }
    }
}

#[test]
fn no_id_or_date_of_birth_survives_pseudonymisation() {
    let mut e = explorer();
    for (what, text) in pseudonymised_outputs(&mut e) {
        for secret in IDS.iter().chain(&BIRTHS) {
            assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
        }
    }
}

#[test]
fn a_pseudonym_is_the_childs_position_in_every_view() {
    let e = explorer();
    // Sorted and filtered, each child keeps the name of its position in the report.
    let page = e.children(&children_query(
        r#"{"sort":"child","pseudonymise":true,"filters":{"team":"North"}}"#,
    ));
    let shown: Vec<(usize, &str)> = page
        .rows
        .iter()
        .map(|r| (r.index, r.child.as_str()))
        .collect();
    assert_eq!(shown, [(2, "Child 3"), (0, "Child 1")]);
    assert!(page.rows.iter().all(|r| r.date_of_birth.is_none()));
    // The problem about Q3 (index 3) names "Child 4" and hides the date of birth, and the
    // event's label as written (quoted values are hidden: a label may be free text).
    let q: ProblemQuery = serde_json::from_str(
        r#"{"search":"before the child's date of birth","pseudonymise":true}"#,
    )
    .expect("query");
    let page = e.problems(&q);
    assert_eq!(page.rows[0].child_id.as_deref(), Some("Child 4"));
    assert_eq!(
        page.rows[0].message,
        "The event \"(hidden)\" is dated 01/06/2009, before the child's date of birth (hidden)."
    );
}

#[test]
fn the_children_export_has_the_tables_columns() {
    let e = explorer();
    let table = e.children_table(&children_query(r#"{"sort":"child"}"#));
    let col = |name: &str| {
        table
            .columns
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    // Natural order: Q1, Q2, Q3, Q10.
    let ids: Vec<&str> = table
        .rows
        .iter()
        .map(|r| r[col("child")].as_str())
        .collect();
    assert_eq!(ids, ["Q1", "Q2", "Q3", "Q10"]);
    let q10 = &table.rows[3];
    assert_eq!(q10[col("date_of_birth")], "2015-04-03");
    // 3 April 2015 to 30 June 2024: 9 years and 2 months.
    assert_eq!(q10[col("age")], "9 years 2 months");
    assert_eq!(q10[col("in_care")], "yes");
    assert_eq!(q10[col("became_looked_after")], "2024-03-01");
    assert_eq!(q10[col("days_in_care")], "121");
    assert_eq!(q10[col("team")], "North");
    let q2 = &table.rows[1];
    assert_eq!(
        (
            q2[col("in_care")].as_str(),
            q2[col("days_in_care")].as_str()
        ),
        ("no", "92")
    );
    // Q1 is 12 months old: "1 year".
    assert_eq!(table.rows[0][col("age")], "1 year");
    let csv = table.to_csv();
    assert!(csv.starts_with("\u{feff}child,date_of_birth,age,"), "{csv}");
}

#[test]
fn the_problems_and_chronology_exports_are_what_the_views_show() {
    let e = explorer();
    let q: ProblemQuery =
        serde_json::from_str(r#"{"search":"before the child's date of birth"}"#).expect("q");
    let table = e.problems_table(&q);
    assert_eq!(
        table.columns,
        ["severity", "code", "file", "sheet", "row", "column", "child_id", "message"]
    );
    // The event is on row 3 of events.csv (the header is row 1).
    assert_eq!(
        table.rows,
        [vec![
            "warning".to_string(),
            "event_before_birth".into(),
            "events.csv".into(),
            String::new(),
            "3".into(),
            String::new(),
            "Q3".into(),
            "The event \"LAC review\" is dated 01/06/2009, before the child's date of birth 01/01/2010."
                .into(),
        ]]
    );
    // Q10's chronology opens with the birth (3 April 2015), and has becoming looked after on
    // 1 March 2024 from its row of events.csv (row 2).
    let chronology = e.chronology_table(0, false).expect("a child");
    assert_eq!(
        chronology.columns,
        ["date", "age", "event", "detail", "key_decision", "source"]
    );
    let first = &chronology.rows[0];
    assert_eq!(first[0], "2015-04-03");
    assert!(
        chronology
            .rows
            .iter()
            .any(|r| r[0] == "2024-03-01" && r[5] == "events.csv, row 2"),
        "{chronology:?}"
    );
    assert!(
        e.chronology_table(4, false).is_err(),
        "there is no fifth child"
    );
}

#[test]
fn statistics_follow_the_filters_and_profile_switching_is_the_librarys() {
    // As the page opens files: no profile chosen, so the timescales follow the data.
    let mut from_data = options();
    from_data.profile_from_data = true;
    let mut e = explorer_with(&from_data);
    assert_eq!(
        e.report().profile_basis,
        driftline::ProfileBasis::OtherInput
    );
    let north: StageQuery = serde_json::from_str(r#"{"filters":{"team":"North"}}"#).expect("query");
    assert_eq!(e.stages(&north).matched, 2);
    assert_eq!(e.stages(&StageQuery::default()).matched, 4);
    let csv = e.stages_table(&north).to_csv();
    assert!(
        csv.starts_with("\u{feff}stage,stage_label,target,"),
        "{csv}"
    );
    // Switching to England's profile gives exactly the report analysed under it.
    let england = Profile::built_in("england").expect("a built-in");
    e.set_profile(&england);
    let mut options = options();
    options.profile = england;
    let expected = explorer_with(&options);
    assert_eq!(
        serde_json::to_string(e.report()).expect("json"),
        serde_json::to_string(expected.report()).expect("json")
    );
    assert_eq!(e.summary().profile.id, "england");
}

#[test]
fn charts_are_kept_by_slot_with_their_tables() {
    let mut e = explorer();
    let q: ChartQuery =
        serde_json::from_str(r#"{"kind":"cohort","slot":"c","filters":{"team":"North"}}"#)
            .expect("query");
    let (_, info) = e.draw(&q).expect("draws");
    // Two children in North, in entry order: Q1 (2023) then Q10 (2024).
    assert_eq!(info.total_rows, 2);
    assert_eq!(info.children, [2, 0]);
    assert!(e.chart_svg("c").expect("svg").starts_with("<svg"));
    assert!(e.chart_svg("nothing").is_err());
    let bad: ChartQuery = serde_json::from_str(r#"{"kind":"km","stage":"nope"}"#).expect("q");
    let message = e.draw(&bad).expect_err("refused").to_string();
    assert!(message.contains("no stage \"nope\""), "{message}");
}

#[test]
fn a_qi_chart_has_the_stages_own_target_unless_given_one() {
    let mut e = explorer();
    let cases = [
        // No target: the stage's own, 6 weeks = 42 days.
        (r#"{"stage":"first_review","chart":"run"}"#, Some(42.0)),
        (
            r#"{"stage":"first_review","chart":"run","target":30}"#,
            Some(30.0),
        ),
    ];
    for (spec, target) in cases {
        let q: ChartQuery =
            serde_json::from_str(&format!(r#"{{"kind":"qi","slot":"q","qi":{spec}}}"#))
                .expect("query");
        let (_, info) = e.draw(&q).expect("draws");
        // The page's table under the chart is the chart's own table (one producer).
        let shown = info.table.clone().expect("the QI view's numbers");
        assert_eq!(shown.columns[..3], ["date", "waits", "days"]);
        assert_eq!(shown.rows.len(), 3);
        assert_eq!(Some(&shown), e.chart_table("q").ok().as_ref());
        let qi = info.qi.expect("a QI chart");
        assert_eq!(qi.chart.target, target, "{spec}");
        // Three completed reviews, in the order they ended: 19 (Q2), 31 (Q1), 31 (Q10).
        let values: Vec<f64> = qi.chart.points.iter().map(|p| p.value).collect();
        assert_eq!(values, [19.0, 31.0, 31.0]);
        assert_eq!(qi.counts, [1, 1, 1]);
    }
    // The chart's numbers are the QI view's export.
    let numbers = e.chart_table("q").expect("drawn");
    assert_eq!(numbers.columns[..3], ["date", "waits", "days"]);
    assert_eq!(numbers.rows[0][..3], ["2023-06-20", "1", "19"]);
}

#[test]
fn a_qi_charts_numbers_carry_the_command_lines_notes() {
    let query: ChartQuery = serde_json::from_str(
        r#"{"kind":"qi","slot":"q","qi":{"stage":"first_review","chart":"run"}}"#,
    )
    .expect("query");
    // As at 30 June 2024 every first review has happened (Q2 on 20 June 2023, Q1 on 1 August
    // 2023, Q10 on 1 April 2024): the notes say the variation and assurance, and nothing was
    // left out.
    let mut e = explorer();
    e.draw(&query).expect("draws");
    let notes = e.chart_table("q").expect("drawn").notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("Variation: ") && notes[0].contains("; assurance: "));
    // As at 15 July 2023, Q1 (in care since 1 July 2023) still waits for a first review, so
    // one stage is left out; Q10 is not yet in care, and Q2's review is the one point.
    let mut e = explorer_with(&Options::new(
        chrono::NaiveDate::from_ymd_opt(2023, 7, 15).expect("a date"),
    ));
    e.draw(&query).expect("draws");
    let table = e.chart_table("q").expect("drawn");
    assert_eq!(table.rows.len(), 1);
    assert_eq!(
        table.notes[1..],
        ["1 stage not ended by 15 Jul 2023 left out"]
    );
}

#[test]
fn pseudonymised_charts_name_each_child_as_the_tables_do() {
    let mut e = explorer();
    // North holds Q10 (position 0, "Child 1") and Q1 (position 2, "Child 3"): the cohort
    // view names them so, not by their rank in it.
    let q: ChartQuery = serde_json::from_str(
        r#"{"kind":"cohort","slot":"c","pseudonymise":true,"filters":{"team":"North"}}"#,
    )
    .expect("query");
    e.draw(&q).expect("draws");
    let names: Vec<String> = e
        .chart_table("c")
        .expect("a table")
        .rows
        .iter()
        .map(|r| r[1].clone())
        .collect();
    // In entry order: Q1 (2023) then Q10 (2024).
    assert_eq!(names, ["Child 3", "Child 1"]);
    // Q1's timeline is titled with the same name.
    let q: ChartQuery =
        serde_json::from_str(r#"{"kind":"timeline","slot":"t","child":2,"pseudonymise":true}"#)
            .expect("query");
    let (_, info) = e.draw(&q).expect("draws");
    assert!(info.title.contains("Child 3"), "{}", info.title);
}

/// A click on a row of the cohort view names the child of that row. North holds Q10 (index
/// 0, entered 1 March 2024) and Q1 (index 2, entered 1 July 2023); by date of entry Q1's row
/// comes first. The hit's `child` is the index in the report, never the row's position on
/// screen or among the children chosen (Q1 is second among them, first on screen).
#[test]
fn a_cohort_row_names_its_own_child() {
    let mut e = explorer();
    let rows_of = |e: &Explorer, slot: &str| -> Vec<Option<usize>> {
        let layout = e.drawn(slot).expect("drawn");
        layout
            .hits
            .iter()
            .filter(|h| matches!(h.hit.target, driftline::chart::HitTarget::CohortRow { .. }))
            .map(|h| {
                let (x, y) = (h.rect.x + h.rect.w / 2.0, h.rect.y + h.rect.h / 2.0);
                e.hit_test(slot, x, y)
                    .expect("a row is under its centre")
                    .child
            })
            .collect()
    };
    let q: ChartQuery = serde_json::from_str(
        r#"{"kind":"cohort","slot":"c","sort":"entry","filters":{"team":"North"}}"#,
    )
    .expect("query");
    e.draw(&q).expect("draws");
    assert_eq!(rows_of(&e, "c"), [Some(2), Some(0)]);
    // Scrolled to the second row, the one row in view is Q10's.
    let q: ChartQuery = serde_json::from_str(
        r#"{"kind":"cohort","slot":"c","sort":"entry","first_row":1,"rows":1,"filters":{"team":"North"}}"#,
    )
    .expect("query");
    e.draw(&q).expect("draws");
    assert_eq!(rows_of(&e, "c"), [Some(0)]);
    // Everyone, by entry: Q2 (June 2023, index 1), Q1 (July 2023, 2), Q10 (March 2024, 0);
    // Q3 was never looked after and comes last (index 3).
    let q: ChartQuery =
        serde_json::from_str(r#"{"kind":"cohort","slot":"c","sort":"entry"}"#).expect("query");
    e.draw(&q).expect("draws");
    assert_eq!(rows_of(&e, "c"), [Some(1), Some(2), Some(0), Some(3)]);
    // Another chart drawn in the slot names no child.
    let q: ChartQuery =
        serde_json::from_str(r#"{"kind":"timeline","slot":"c","child":0}"#).expect("query");
    e.draw(&q).expect("draws");
    let layout = e.drawn("c").expect("drawn");
    let h = &layout.hits[0];
    let hit = e
        .hit_test("c", h.rect.x + h.rect.w / 2.0, h.rect.y + h.rect.h / 2.0)
        .expect("a hit");
    assert_eq!(hit.child, None);
}

/// A legal status written as an SSDA903 code takes England's words in the timeline's legend,
/// its tooltip, the chronology and the legal status table: C2 is a full care order, not a
/// Compulsory Supervision Order.
#[test]
fn an_ssda903_legal_code_is_named_in_englands_words() {
    let children = "child_id,date_of_birth\nE1,01/05/2015\n";
    let placements =
        "child_id,start_date,end_date,placement_type,legal_status\nE1,01/02/2023,,Foster care,C2\n";
    let mut e = explorer_of(
        &[("children.csv", children), ("placements.csv", placements)],
        &options(),
    );
    let q: ChartQuery =
        serde_json::from_str(r#"{"kind":"timeline","slot":"t","child":0}"#).expect("query");
    e.draw(&q).expect("draws");
    let svg = e.chart_svg("t").expect("svg");
    assert!(svg.contains("Full care order (C2)"), "{svg}");
    assert!(!svg.contains("Compulsory Supervision Order"));
    let chronology = e.chronology_table(0, false).expect("a child").to_csv();
    assert!(chronology.contains("Full care order (C2)"), "{chronology}");
    let detail = serde_json::to_string(&e.child(0, false).expect("a child")).expect("json");
    assert!(detail.contains("Full care order (C2)"));
}
