//! Properties of the whole pipeline on generated cohorts of any seed, size and messiness:
//! every written row is used or rejected, the journeys are well formed, and the statistics add
//! up. The generator makes the inputs; nothing here knows what it generated beyond the bytes.

use chrono::NaiveDate;
use driftline::generate::{ssda903, template, CsvSink, DateStyle, GenerateConfig};
use driftline::{analyze, InputFile, Options, Report};
use proptest::prelude::*;

fn as_at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()
}

fn records_in(csv_bytes: &[u8]) -> u64 {
    // Data records, as a spreadsheet would count them: the header and blank lines are not rows.
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(csv_bytes)
        .records()
        .filter_map(Result::ok)
        .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
        .count() as u64
}

fn run(files: &[(&str, &[u8])]) -> Report {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    analyze(&inputs, &Options::new(as_at())).expect("a generated cohort always loads")
}

fn check_report(report: &Report, written_rows: u64) -> Result<(), TestCaseError> {
    let i = &report.input;
    prop_assert_eq!(i.rows_read, written_rows, "every written row is read");
    prop_assert_eq!(i.rows_read, i.rows_used + i.rows_rejected);
    let rejected = i.diagnostics.iter().filter(|d| d.is_rejection()).count() as u64;
    prop_assert_eq!(
        rejected,
        i.rows_rejected,
        "one rejection diagnostic per rejected row"
    );
    for child in &report.journeys {
        for pair in child.care_periods.windows(2) {
            let end = pair[0].end;
            prop_assert!(end.is_some(), "only the last care period may be open");
            prop_assert!(
                end.unwrap() < pair[1].start,
                "care periods are ordered and apart"
            );
        }
        for period in &child.care_periods {
            prop_assert!(!period.placements.is_empty());
            let moves = period
                .placements
                .iter()
                .filter(|p| !p.move_number.is_none())
                .count();
            prop_assert_eq!(moves as u32, period.moves);
            for e in &period.events {
                prop_assert!(period.contains(e.date), "an event sits in its care period");
            }
        }
    }
    for stage in &report.stages {
        let s = &stage.stats;
        prop_assert_eq!(s.started, s.completed + s.censored, "{}", stage.id);
        if let (Some(q1), Some(m), Some(q3)) = (s.q1_days, s.median_days, s.q3_days) {
            prop_assert!(q1 <= m && m <= q3, "{}: quartiles ordered", stage.id);
        }
        for (breakdown, groups) in &stage.groups.0 {
            let started: u32 = groups.0.iter().map(|(_, g)| g.started).sum();
            prop_assert_eq!(started, s.started, "{} by {}", stage.id, breakdown);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn template_csv_cohorts_load_completely(seed in any::<u64>(), children in 1usize..40, messy in 0.0f64..0.3) {
        let mut config = GenerateConfig::new(children, seed, as_at());
        config.messy_rate = messy;
        let tables = template::template_csv_bytes(&config, DateStyle::Uk).expect("generate");
        let names = ["children.csv", "placements.csv", "legal.csv", "events.csv"];
        let written: u64 = tables.iter().map(|t| records_in(t)).sum();
        let files: Vec<(&str, &[u8])> = names.iter().copied().zip(tables.iter().map(Vec::as_slice)).collect();
        let report = run(&files);
        prop_assert_eq!(report.children, children, "every generated child appears");
        check_report(&report, written)?;
    }

    #[test]
    fn ssda903_cohorts_load_completely(seed in any::<u64>(), children in 1usize..30, messy in 0.0f64..0.2) {
        let mut config = GenerateConfig::new(children, seed, as_at());
        config.messy_rate = messy;
        let sinks: [CsvSink<Vec<u8>>; 6] = std::array::from_fn(|_| CsvSink::new(Vec::new(), DateStyle::Uk));
        let mut writer = ssda903::Ssda903Writer::new(sinks, &config).expect("writer");
        for journey in driftline::generate::journeys(&config) {
            writer.write(&journey).expect("write");
        }
        let tables: Vec<Vec<u8>> = writer.finish().1.into_iter().map(CsvSink::into_inner).collect();
        let names = ["header.csv", "episodes.csv", "reviews.csv", "ad1.csv", "placed_for_adoption.csv", "missing.csv"];
        let written: u64 = tables.iter().map(|t| records_in(t)).sum();
        let files: Vec<(&str, &[u8])> = names.iter().copied().zip(tables.iter().map(Vec::as_slice)).collect();
        let report = run(&files);
        check_report(&report, written)?;
    }
}
