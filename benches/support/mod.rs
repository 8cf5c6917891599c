//! Shared set-up of the pipeline benchmarks: generated cohorts in the Driftline template
//! (children, placements and events, as the browser benchmark loads them), sized by their
//! number of data rows, made in memory from the project's generator with a fixed seed.
//!
//! Nothing here is committed as data: every benchmark makes its own input.

#![allow(dead_code)]

use chrono::NaiveDate;
use driftline::generate::template::{template_csv_bytes, template_xlsx_bytes};
use driftline::generate::{DateStyle, GenerateConfig};
use driftline::InputFile;

/// The seed of every benchmark cohort.
pub const SEED: u64 = 1;

/// The "as at" date of every benchmark cohort.
pub fn as_at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 31).expect("valid date")
}

/// Data rows of the three tables per child, as the generator makes them (about 12.6):
/// used to pick the number of children for a wanted number of rows.
const ROWS_PER_CHILD_X100: usize = 1263;

/// The number of children whose three tables hold about `rows` data rows.
pub fn children_for_rows(rows: usize) -> usize {
    (rows * 100 / ROWS_PER_CHILD_X100).max(1)
}

/// A clean (messy rate 0) cohort's configuration.
pub fn config(children: usize) -> GenerateConfig {
    GenerateConfig::new(children, SEED, as_at())
}

/// The template tables the benchmarks load: children, placements and events (no legal
/// table: legal status then comes from the placements, as in BENCHMARKS.md's cohort).
pub struct CsvCohort {
    pub children: usize,
    /// `(file name, bytes)` for children.csv, placements.csv and events.csv.
    pub files: Vec<(String, Vec<u8>)>,
}

impl CsvCohort {
    /// Generates the CSV files of `children` children.
    pub fn new(children: usize) -> CsvCohort {
        let [kids, placements, _legal, events] =
            template_csv_bytes(&config(children), DateStyle::Uk).expect("in-memory CSV");
        CsvCohort {
            children,
            files: vec![
                ("children.csv".to_string(), kids),
                ("placements.csv".to_string(), placements),
                ("events.csv".to_string(), events),
            ],
        }
    }

    /// Data rows in all files (lines other than the header; the generator writes no blank
    /// lines and no line breaks inside cells).
    pub fn rows(&self) -> u64 {
        self.files
            .iter()
            .map(|(_, b)| b.iter().filter(|&&c| c == b'\n').count() as u64 - 1)
            .sum()
    }

    /// Total bytes.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|(_, b)| b.len() as u64).sum()
    }

    /// The files as the library takes them.
    pub fn inputs(&self) -> Vec<InputFile<'_>> {
        self.files
            .iter()
            .map(|(name, bytes)| InputFile { name, bytes })
            .collect()
    }
}

/// The template workbook of `children` children (four sheets, real date cells).
pub fn xlsx(children: usize) -> Vec<u8> {
    template_xlsx_bytes(&config(children)).expect("in-memory workbook")
}
