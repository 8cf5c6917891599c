//! What a load read: the files and their sheets, the tables recognised with how each column
//! was understood, row counts, every problem and the labels no category matched. The report
//! carries it as its `input`.
//!
//! This module owns those types only; `ingest` fills them in.

use crate::diagnostics::Diagnostic;
use serde::Serialize;

/// What was read: files, tables, row counts and every problem found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InputSummary {
    pub files: Vec<FileSummary>,
    pub tables: Vec<TableSummary>,
    /// Data rows of recognised tables (blank rows are not rows).
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_rejected: u64,
    pub diagnostics: Vec<Diagnostic>,
    pub unknown_labels: Vec<UnknownLabel>,
}

/// One input file.
#[derive(Clone, Debug, Serialize)]
pub struct FileSummary {
    pub name: String,
    /// The detected format: `xlsx`, `xls`, `ods`, `csv`.
    pub format: String,
    /// For text files, the detected encoding (`utf-8`, `utf-16le`, `windows-1252`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// For text files, the detected delimiter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Sheets (or, for text files, the one unnamed table) found in the file.
    pub sheets: Vec<SheetSummary>,
}

/// One sheet of a file and what became of it.
#[derive(Clone, Debug, Serialize)]
pub struct SheetSummary {
    pub name: Option<String>,
    pub hidden: bool,
    /// Index into [`InputSummary::tables`] if the sheet was recognised as a table.
    pub table: Option<usize>,
}

/// A recognised table.
#[derive(Clone, Debug, Serialize)]
pub struct TableSummary {
    pub file: String,
    pub sheet: Option<String>,
    /// `children`, `placements`, `legal`, `events`, or an SSDA903 table name.
    pub kind: String,
    /// The header row as the user sees it (1-based).
    pub header_row: u32,
    /// How each column was understood: field id → the header text it was matched to.
    pub columns: Vec<ColumnMatch>,
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_rejected: u64,
}

/// One column's mapping.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnMatch {
    /// The field id (`child_id`, `start_date`, …), or `attribute` for kept extra columns,
    /// or `ignored`.
    pub field: String,
    /// The header text as written.
    pub header: String,
    /// The 0-based column index.
    pub index: usize,
}

/// A label that matched no known category or milestone, listed once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnknownLabel {
    /// `placement_type`, `legal_status` or `event`.
    pub field: String,
    pub label: String,
    pub count: u64,
    /// What the label was treated as (`other`, `custom`).
    pub treated_as: String,
}
