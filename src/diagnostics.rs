//! Diagnostics: every problem found in the input, located as precisely as the input allows
//! (file, sheet, the row number the user sees, column) with a stable code and a plain-English
//! message.
//!
//! This module owns the diagnostic type and its codes. It does not decide what is a problem;
//! the loaders and the model builder do. Messages may quote cell values: they are shown to the
//! user who loaded the file and are never logged or sent anywhere.

use serde::Serialize;
use std::borrow::Cow;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A whole file or table could not be used.
    Fatal,
    /// A row was rejected: it is counted in `rows_rejected` and is not in the model.
    Rejected,
    /// The row or child was used, but something looks wrong (a data-quality check).
    Warning,
    /// Worth knowing, nothing wrong (e.g. labels kept as custom events).
    Info,
}

/// The stable code of a diagnostic (serialised in snake_case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    // Whole-file problems.
    EmptyFile,
    NotASpreadsheet,
    CorruptWorkbook,
    EncryptedWorkbook,
    UnsupportedFormat,
    TooLarge,
    NoTableRecognised,
    /// Tables were recognised, but not one holds a row of data (an empty template).
    NoDataRows,
    TableIgnored,
    HiddenSheetRead,
    MappingInvalid,
    // Row rejections.
    MissingValue,
    InvalidDate,
    MonthFirstDate,
    InvalidValue,
    // Column-level notes.
    MonthFirstColumn,
    UnknownLabel,
    CellTruncated,
    UnclosedQuote,
    /// An ID or label holds invisible characters (Unicode Cc or Cf, see `crate::visible`).
    HiddenCharacters,
    ProblemsNotListed,
    // Data-quality checks on the model.
    EndBeforeStart,
    OverlappingPlacements,
    EventBeforeBirth,
    EventsWithoutPlacements,
    EventOutsideCare,
    DuplicateRow,
    /// Two children's IDs differ only by invisible characters or by how an accent is encoded.
    LookAlikeIds,
    FutureDate,
    // SSDA903-specific.
    EpisodeOverlap,
    PeriodWithoutStart,
    UnknownCode,
    UnknownChild,
    RepeatedAcrossReturns,
    EpisodeSuperseded,
    EpisodeWithdrawn,
    EpisodeEndedBetweenReturns,
    CensoredAtReturnEnd,
    GapAfterX1Closed,
}

impl Code {
    /// The code as it appears in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::EmptyFile => "empty_file",
            Code::NotASpreadsheet => "not_a_spreadsheet",
            Code::CorruptWorkbook => "corrupt_workbook",
            Code::EncryptedWorkbook => "encrypted_workbook",
            Code::UnsupportedFormat => "unsupported_format",
            Code::TooLarge => "too_large",
            Code::NoTableRecognised => "no_table_recognised",
            Code::NoDataRows => "no_data_rows",
            Code::TableIgnored => "table_ignored",
            Code::HiddenSheetRead => "hidden_sheet_read",
            Code::MappingInvalid => "mapping_invalid",
            Code::MissingValue => "missing_value",
            Code::InvalidDate => "invalid_date",
            Code::MonthFirstDate => "month_first_date",
            Code::InvalidValue => "invalid_value",
            Code::MonthFirstColumn => "month_first_column",
            Code::UnknownLabel => "unknown_label",
            Code::CellTruncated => "cell_truncated",
            Code::UnclosedQuote => "unclosed_quote",
            Code::HiddenCharacters => "hidden_characters",
            Code::ProblemsNotListed => "problems_not_listed",
            Code::EndBeforeStart => "end_before_start",
            Code::OverlappingPlacements => "overlapping_placements",
            Code::EventBeforeBirth => "event_before_birth",
            Code::EventsWithoutPlacements => "events_without_placements",
            Code::EventOutsideCare => "event_outside_care",
            Code::DuplicateRow => "duplicate_row",
            Code::LookAlikeIds => "look_alike_ids",
            Code::FutureDate => "future_date",
            Code::EpisodeOverlap => "episode_overlap",
            Code::PeriodWithoutStart => "period_without_start",
            Code::UnknownCode => "unknown_code",
            Code::UnknownChild => "unknown_child",
            Code::RepeatedAcrossReturns => "repeated_across_returns",
            Code::EpisodeSuperseded => "episode_superseded",
            Code::EpisodeWithdrawn => "episode_withdrawn",
            Code::EpisodeEndedBetweenReturns => "episode_ended_between_returns",
            Code::CensoredAtReturnEnd => "censored_at_return_end",
            Code::GapAfterX1Closed => "gap_after_x1_closed",
        }
    }
}

/// One problem, located.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub file: Option<String>,
    pub sheet: Option<String>,
    /// The row number the user sees in their spreadsheet (1-based, header row included).
    pub row: Option<u32>,
    pub column: Option<String>,
    pub child_id: Option<String>,
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic with no location; use the builder methods to locate it.
    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            file: None,
            sheet: None,
            row: None,
            column: None,
            child_id: None,
            message: message.into(),
        }
    }

    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn sheet(mut self, sheet: Option<impl Into<String>>) -> Self {
        self.sheet = sheet.map(Into::into);
        self
    }

    pub fn row(mut self, row: u32) -> Self {
        self.row = Some(row);
        self
    }

    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    pub fn child(mut self, child_id: impl Into<String>) -> Self {
        self.child_id = Some(child_id.into());
        self
    }

    /// Whether this diagnostic means a row was not used.
    pub fn is_rejection(&self) -> bool {
        self.severity == Severity::Rejected
    }
}

/// A cell value as quoted in a message: at most `max_chars` characters, cut with an ellipsis,
/// so a long cell (a 10 MB note) does not make every message about its row as long.
pub fn shorten(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
        None => Cow::Borrowed(text),
    }
}

/// How many row-level problems a load lists one by one by default (see
/// `ingest::Limits::max_listed_problems`).
pub const DEFAULT_MAX_LISTED: usize = 10_000;

/// Row-level problems beyond a cap: kept as counts by severity and code, so that a file whose
/// every row is wrong (a million rows of impossible dates) cannot fill memory with messages
/// (each costs some 400 bytes: 18 times the row it describes).
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// At most this many are listed (0: no limit).
    pub max: usize,
    listed: usize,
    unlisted: std::collections::BTreeMap<(Severity, Code), u64>,
}

impl Listing {
    pub fn new(max: usize) -> Self {
        Listing {
            max,
            ..Default::default()
        }
    }

    /// Pushes `d` onto `list` while under the cap; counts it otherwise.
    pub fn push(&mut self, list: &mut Vec<Diagnostic>, d: Diagnostic) {
        if self.max == 0 || self.listed < self.max {
            self.listed += 1;
            list.push(d);
        } else {
            *self.unlisted.entry((d.severity, d.code)).or_default() += 1;
        }
    }

    /// One note per severity and code that went unlisted, saying how many.
    pub fn summaries(&self) -> Vec<Diagnostic> {
        self.unlisted
            .iter()
            .map(|((severity, code), n)| {
                let what = match severity {
                    Severity::Rejected => "rejected rows",
                    _ => "row warnings",
                };
                Diagnostic::new(
                    Severity::Info,
                    Code::ProblemsNotListed,
                    format!(
                        "{n} more {what} with code {} are not listed: only the first {} problems are listed one by one. The counts of rows read, used and rejected include them all. Fix the problems listed and load the file again to see the rest.",
                        code.as_str(),
                        self.max
                    ),
                )
            })
            .collect()
    }
}

/// How many characters of a cell value a message quotes.
pub const QUOTE_CHARS: usize = 80;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_on_character_boundaries() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "abc…");
        assert_eq!(shorten("ééé", 2), "éé…");
        assert_eq!(shorten("", 0), "");
    }
}
