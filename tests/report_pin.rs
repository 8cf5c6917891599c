//! Pins the whole report of generated cohorts, so that performance work (which must not
//! change a single answer) is checked against the answers from before it.
//!
//! Each case generates a messy cohort (duplicates, rejected rows, overlaps, late events,
//! label variants), analyses it, and compares with `tests/snapshots/report_pin_<case>.txt`:
//! a readable summary (counts, problems by code, every stage's cohort figures) followed by a
//! 64-bit FNV-1a digest of the report's full JSON (every journey, every diagnostic in order,
//! every group), with the forecasts' counts, the expected completions and the delay
//! decomposition in words. Run with `UPDATE_SNAPSHOTS=1` to rewrite the files after a deliberate change
//! of behaviour, and say why in the commit.

use chrono::NaiveDate;
use driftline::generate::template::{template_csv_bytes, template_xlsx_bytes, CSV_FILES};
use driftline::generate::{journeys, ssda903, CsvSink, DateStyle, GenerateConfig};
use driftline::{analyze, InputFile, Options, Report};
use std::collections::BTreeMap;
use std::fmt::Write;

fn config() -> GenerateConfig {
    let mut c = GenerateConfig::new(1500, 8, NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    c.messy_rate = 0.05;
    c
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn summary(report: &Report) -> String {
    let mut out = String::new();
    let r = report;
    let _ = writeln!(
        out,
        "children {} care_periods {} placements {} events {} moves {}",
        r.children, r.care_periods, r.placements, r.events, r.moves
    );
    let i = &r.input;
    let _ = writeln!(
        out,
        "rows read {} used {} rejected {}; {} unknown labels",
        i.rows_read,
        i.rows_used,
        i.rows_rejected,
        i.unknown_labels.len()
    );
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &i.diagnostics {
        *codes.entry(d.code.as_str()).or_default() += 1;
    }
    for (code, n) in codes {
        let _ = writeln!(out, "problem {code}: {n}");
    }
    for s in &r.stages {
        let g = &s.stats;
        let _ = writeln!(
            out,
            "stage {}: started {} completed {} median {:?} q1 {:?} q3 {:?} within {:?} overdue {} km median {:?}; {} breakdowns",
            s.id,
            g.started,
            g.completed,
            g.median_days,
            g.q1_days,
            g.q3_days,
            g.within_target,
            g.waiting_overdue,
            g.km.median_days,
            s.groups.0.len()
        );
    }
    for c in &r.checks {
        let _ = writeln!(out, "check {}: current {} over {}", c.id, c.current, c.over);
    }
    let forecasts: Vec<_> = r
        .journeys
        .stats
        .iter()
        .flat_map(|c| c.stages.iter())
        .filter_map(|s| s.forecast.as_deref())
        .collect();
    let _ = writeln!(
        out,
        "forecasts {}: {} with a date, {} beyond the data, {} none",
        forecasts.len(),
        forecasts
            .iter()
            .filter(|f| f.expected_date.is_some())
            .count(),
        forecasts
            .iter()
            .filter(|f| f.expected_date.is_none() && f.chance_30_days.is_some())
            .count(),
        forecasts
            .iter()
            .filter(|f| f.chance_30_days.is_none())
            .count()
    );
    for e in &r.expected_completions {
        let _ = writeln!(
            out,
            "expected {} in {} months: {:.4} [{:.4}, {:.4}] of {} waiting ({} without a forecast)",
            e.stage,
            e.months,
            e.expected,
            e.interval[0],
            e.interval[1],
            e.waiting,
            e.without_forecast
        );
    }
    if let Some(d) = &r.decomposition {
        let _ = writeln!(
            out,
            "decomposition: {} journeys, time to permanence {:?} / {:?}, counterfactual {:?} / {:?}; {} breakdowns",
            d.all.journeys,
            d.all.time_to_permanence.median_days,
            d.all.time_to_permanence.mean_days,
            d.all.counterfactual.median_days,
            d.all.counterfactual.mean_days,
            d.groups.0.len()
        );
        for s in &d.all.stages {
            let _ = writeln!(
                out,
                "  {}{}: median {:?} mean {:?} over target {:?} days, {:?} children",
                s.stage,
                if s.on_path { " (path)" } else { "" },
                s.median_days,
                s.mean_days,
                s.days_over_target,
                s.children_over_target
            );
        }
    }
    let json = serde_json::to_string(report).expect("the report serialises");
    let _ = writeln!(
        out,
        "json {} bytes, fnv1a {:016x}",
        json.len(),
        fnv1a(json.as_bytes())
    );
    out
}

fn check(case: &str, files: &[(String, Vec<u8>)]) {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let options = Options::new(config().as_at);
    let report = analyze(&inputs, &options).expect("the cohort loads");
    let actual = summary(&report);
    let path = format!(
        "{}/tests/snapshots/report_pin_{case}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "the {case} report changed; if that is deliberate, rerun with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn template_csv_report_is_unchanged() {
    let tables = template_csv_bytes(&config(), DateStyle::Uk).expect("CSV");
    let files: Vec<(String, Vec<u8>)> = CSV_FILES
        .iter()
        .map(|n| n.to_string())
        .zip(tables)
        .collect();
    check("csv", &files);
}

#[test]
fn template_xlsx_report_is_unchanged() {
    let bytes = template_xlsx_bytes(&config()).expect("xlsx");
    check("xlsx", &[("driftline.xlsx".to_string(), bytes)]);
}

#[test]
fn ssda903_report_is_unchanged() {
    let c = config();
    let sinks: [CsvSink<Vec<u8>>; 6] =
        std::array::from_fn(|_| CsvSink::new(Vec::new(), DateStyle::Uk));
    let mut w = ssda903::Ssda903Writer::new(sinks, &c).expect("headers");
    for j in journeys(&c) {
        w.write(&j).expect("rows");
    }
    let files: Vec<(String, Vec<u8>)> = ssda903::FILES
        .iter()
        .map(|n| n.to_string())
        .zip(w.finish().1.into_iter().map(CsvSink::into_inner))
        .collect();
    check("ssda903", &files);
}
