//! The "for sharing" mode (statistical disclosure control of the page's shared tables): a
//! hand-worked stage table, then every breakdown of a generated cohort, checked from the
//! exported table's text: no count of 1–4 survives, no withheld cell can be worked out from
//! the totals, statistics of groups under 5 are withheld, and rounding gives multiples of 5.

use chrono::NaiveDate;
use driftline::disclosure::{protect, recoverable, Rules, Shown};
use driftline::explore::sharing::{
    protect_columns, protect_stage_rows, stage_count_table, Sharing, StageRow, COUNTS,
};
use driftline::explore::{ChartQuery, Explorer, StageQuery};
use driftline::generate::{template, DateStyle, GenerateConfig};
use driftline::stats::GroupStats;
use driftline::table::Table;
use driftline::{analyze, InputFile, Options};

fn group(started: u32, completed: u32, censored: u32, overdue: u32) -> GroupStats {
    GroupStats {
        started,
        completed,
        censored,
        waiting_overdue: overdue,
        median_days: Some(40.0),
        ..GroupStats::default()
    }
}

/// One stage, three groups (started = completed + not completed; no target):
///
/// ```text
///            started  completed  not completed  waiting beyond target
///   all         20        12           8                 6
///   A            3         2           1                 1
///   B            9         5           4                 3
///   C            8         5           3                 2
/// ```
/// Primary: A's 3, 2, 1, 1; B's 4 and 3; C's 3 and 2.
/// Row B: 9 = 5 + [c] would give the 4 back, so B's completed 5 goes too; row C likewise
/// its completed 5. Column "started": 20 = [c] + 9 + 8 gives A's 3, so the smallest other
/// group, C's 8, goes. Then every relation has two or more cells withheld, and none is
/// determined by the system (A's started and completed and B's completed can be chosen
/// freely: with a = A completed, b = A not completed, c = B completed, A started = a + b,
/// C started = 11 − a − b, B not completed = 9 − c, C completed = 12 − a − c, C not completed
/// = c − b − 1). Shown: the whole "all" row and B's started 9.
#[test]
fn a_hand_worked_stage_table() {
    let stats = [
        group(20, 12, 8, 6),
        group(3, 2, 1, 1),
        group(9, 5, 4, 3),
        group(8, 5, 3, 2),
    ];
    let rows: Vec<StageRow<'_>> = stats
        .iter()
        .enumerate()
        .map(|(i, g)| StageRow {
            stage: 0,
            total: i == 0,
            stats: g,
        })
        .collect();
    let shown = protect_stage_rows(&rows, &Rules::default());
    let text: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            r.counts
                .iter()
                .map(|c| c.map_or("–".to_string(), |s| s.to_string()))
                .collect()
        })
        .collect();
    assert_eq!(
        text,
        [
            ["20", "12", "8", "–", "6"],
            ["[c]", "[c]", "[c]", "–", "[c]"],
            ["9", "[c]", "[c]", "–", "[c]"],
            ["[c]", "[c]", "[c]", "–", "[c]"],
        ]
    );
    // Medians of those who completed: A (2 completed) withheld, B and C (5 each) shown.
    let completed: Vec<bool> = shown.iter().map(|r| r.completed_statistics).collect();
    assert_eq!(completed, [true, false, true, true]);
    // Kaplan–Meier figures over those who started: A (3) withheld.
    let km: Vec<bool> = shown.iter().map(|r| r.km_statistics).collect();
    assert_eq!(km, [true, false, true, true]);
    let table = stage_count_table(&rows);
    let cells: Vec<Shown> = protect(&table, &Rules::default());
    assert!(recoverable(&table, &cells).is_empty());
}

/// Groups that do not add up to the total (children in no group shown): the difference is a
/// cell of its own. 10 = 4 + 4 + (2 unshown): without the difference cell, 10 − 8 = 2 would
/// be a count of 2 anyone could work out.
#[test]
fn a_small_remainder_is_protected_too() {
    let stats = [group(10, 10, 0, 0), group(4, 4, 0, 0), group(4, 4, 0, 0)];
    let rows: Vec<StageRow<'_>> = stats
        .iter()
        .enumerate()
        .map(|(i, g)| StageRow {
            stage: 0,
            total: i == 0,
            stats: g,
        })
        .collect();
    let table = stage_count_table(&rows);
    // 3 rows × 5 counts, then the remainders: started and completed (2 each).
    assert_eq!(table.counts[15..], [2, 2]);
    let shown = protect(&table, &Rules::default());
    assert!(shown[15].is_withheld() && shown[16].is_withheld());
    assert!(recoverable(&table, &shown).is_empty());
}

/// A histogram's bins against their column total: 30 = 12 + 3 + 15 withholds 3 and, so that
/// 30 − 12 − 15 does not give it back, the smaller other bin, 12.
#[test]
fn histogram_bins_are_protected_against_their_total() {
    let mut t = Table::new(&["days_from", "days_to", "completed", "still_waiting"]);
    t.push(vec!["0".into(), "30".into(), "12".into(), "0".into()]);
    t.push(vec!["30".into(), "60".into(), "3".into(), "5".into()]);
    t.push(vec!["60".into(), "90".into(), "15".into(), "6".into()]);
    let out = protect_columns(&t, &["completed", "still_waiting"], &Rules::default());
    let col = |i: usize| out.rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>();
    assert_eq!(col(2), ["[c]", "[c]", "15"]);
    assert_eq!(col(3), ["0", "5", "6"]);
}

const AS_AT: (i32, u32, u32) = (2024, 3, 31);

fn generated(children: usize, seed: u64) -> Explorer {
    let as_at = NaiveDate::from_ymd_opt(AS_AT.0, AS_AT.1, AS_AT.2).expect("a date");
    let config = GenerateConfig::new(children, seed, as_at);
    let [c, p, l, e] = template::template_csv_bytes(&config, DateStyle::Uk).expect("generates");
    let files = [
        InputFile {
            name: "children.csv",
            bytes: &c,
        },
        InputFile {
            name: "placements.csv",
            bytes: &p,
        },
        InputFile {
            name: "legal.csv",
            bytes: &l,
        },
        InputFile {
            name: "events.csv",
            bytes: &e,
        },
    ];
    Explorer::new(analyze(&files, &Options::new(as_at)).expect("loads"))
}

/// The column of `table` named `name`.
fn column(table: &Table, name: &str) -> usize {
    table
        .columns
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// Every breakdown of a generated cohort, exported for sharing: each count cell is `[c]`,
/// 0 or at least 5 (and a multiple of 5 when rounding); what the export shows, read back as
/// text, leaves no withheld count that the relations between the counts determine; and every
/// median of a group with fewer than 5 completed is withheld.
#[test]
fn no_small_count_survives_and_nothing_can_be_worked_back_in_any_breakdown() {
    let (mut withheld, mut shown) = (0, 0);
    for (children, seed) in [(120, 7), (400, 21)] {
        let mut e = generated(children, seed);
        let plain: StageQuery = serde_json::from_str("{}").expect("query");
        let breakdowns: Vec<String> = e
            .stages(&plain)
            .breakdowns
            .iter()
            .map(|(id, _)| id.clone())
            .collect();
        assert!(breakdowns.len() >= 4, "{breakdowns:?}");
        for breakdown in std::iter::once(None).chain(breakdowns.iter().map(Some)) {
            for round in [false, true] {
                let q = StageQuery {
                    breakdown: breakdown.cloned(),
                    sharing: Some(Sharing { round }),
                    ..StageQuery::default()
                };
                let shared = e.stages_table(&q);
                let exact = e.stages_table(&StageQuery {
                    sharing: None,
                    ..q.clone()
                });
                check_export(
                    &shared,
                    &exact,
                    round,
                    &format!("{breakdown:?} round {round}"),
                );
                // The same protection as the rows themselves, with its relations.
                let report = e.report();
                let stages = &report.stages;
                let rows: Vec<StageRow<'_>> = stages
                    .iter()
                    .enumerate()
                    .flat_map(|(k, s)| {
                        let groups = breakdown
                            .and_then(|b| s.groups.get(b))
                            .map(|g| g.0.iter().map(|(_, g)| g).collect::<Vec<_>>())
                            .unwrap_or_default();
                        std::iter::once(StageRow {
                            stage: k,
                            total: true,
                            stats: &s.stats,
                        })
                        .chain(groups.into_iter().map(move |g| {
                            StageRow {
                                stage: k,
                                total: false,
                                stats: g,
                            }
                        }))
                    })
                    .collect();
                assert_eq!(rows.len(), shared.rows.len());
                let counts = stage_count_table(&rows);
                // What the export shows, cell by cell (a difference cell is never shown).
                let mut seen: Vec<Shown> = Vec::new();
                for row in &shared.rows {
                    for name in COUNTS {
                        let cell = &row[column(&shared, name)];
                        seen.push(match cell.as_str() {
                            "[c]" | "" => Shown::Secondary,
                            v => Shown::Count {
                                value: v.parse().expect("a count"),
                            },
                        });
                    }
                }
                withheld += seen.iter().filter(|s| s.is_withheld()).count();
                shown += seen.iter().filter(|s| !s.is_withheld()).count();
                seen.resize(counts.counts.len(), Shown::Secondary);
                if !round {
                    assert!(
                        recoverable(&counts, &seen).is_empty(),
                        "{breakdown:?}: a withheld count can be worked out"
                    );
                }
            }
        }
    }
    // The cohorts have small groups and large ones: the test saw both kinds of cell.
    assert!(
        withheld > 100 && shown > 100,
        "{withheld} withheld, {shown} shown"
    );
}

fn check_export(shared: &Table, exact: &Table, round: bool, what: &str) {
    assert_eq!(shared.columns, exact.columns);
    let completed = column(exact, "completed");
    let started = column(exact, "started");
    for (s, x) in shared.rows.iter().zip(&exact.rows) {
        for name in COUNTS {
            let c = column(shared, name);
            let cell = s[c].as_str();
            if cell.is_empty() || cell == "[c]" {
                continue;
            }
            let v: u64 = cell.parse().expect("a count");
            assert!(v == 0 || v >= 5, "{what}: {name} {v} shown in {s:?}");
            if round {
                assert_eq!(v % 5, 0, "{what}: {v} not rounded");
            } else {
                assert_eq!(cell, x[c], "{what}: a count changed");
            }
        }
        let n_completed: u64 = x[completed].parse().expect("a count");
        if n_completed < 5 {
            for name in ["median_days", "q1_days", "q3_days"] {
                let c = column(shared, name);
                assert!(
                    x[c].is_empty() || s[c] == "[c]",
                    "{what}: {name} of {n_completed} children shown"
                );
            }
        }
        let n_started: u64 = x[started].parse().expect("a count");
        if n_started < 5 {
            let c = column(shared, "km_median_days");
            assert_eq!(s[c], "[c]", "{what}: KM median of {n_started} shown");
        }
    }
}

/// For sharing, the delay chart's numbers are the protected stage table, and the chart is
/// drawn only when that table withholds and rounds nothing; the Kaplan–Meier chart is never
/// drawn and gives no table; a QI chart of one point per child is refused.
#[test]
fn charts_for_sharing_show_only_what_their_tables_show() {
    let mut e = generated(400, 21);
    let draw = |e: &mut Explorer, json: &str| {
        let q: ChartQuery = serde_json::from_str(json).expect("query");
        e.draw(&q).map(|(layout, info)| (layout.clone(), info))
    };
    let (layout, info) = draw(
        &mut e,
        r#"{"kind":"delay","slot":"d","breakdown":"age_at_entry","sharing":{}}"#,
    )
    .expect("drawn");
    let table = info.table.expect("a table");
    assert!(table.rows.iter().flatten().any(|c| c == "[c]"));
    assert!(
        layout.title.ends_with("(not drawn for sharing)"),
        "{}",
        layout.title
    );
    assert_eq!(e.chart_table("d").expect("kept"), table);
    let (layout, info) = draw(&mut e, r#"{"kind":"km","slot":"k","sharing":{}}"#).expect("drawn");
    assert!(layout.title.ends_with("(not drawn for sharing)"));
    assert!(info.table.expect("a table").rows.is_empty());
    let refused = draw(
        &mut e,
        r#"{"kind":"qi","slot":"q","qi":{"stage":"time_to_permanence","aggregation":"none"},"sharing":{}}"#,
    );
    assert!(refused.is_err());
    let (_, info) = draw(
        &mut e,
        r#"{"kind":"qi","slot":"q","qi":{"stage":"time_to_permanence","aggregation":"quarter"},"sharing":{}}"#,
    )
    .expect("drawn");
    let table = info.table.expect("a table");
    let waits = column(&table, "waits");
    let days = column(&table, "days");
    for row in &table.rows {
        match row[waits].as_str() {
            "[c]" => assert_eq!(row[days], "[c]"),
            n => assert!(n.parse::<u64>().expect("a count") >= 5),
        }
    }
}
