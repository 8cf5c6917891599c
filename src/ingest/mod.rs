//! Ingest: bytes → tables → [`crate::model::Records`], with every data row either used or
//! reported.
//!
//! This module owns format detection, text decoding, CSV and workbook reading, header and
//! table recognition, date and label parsing. It knows nothing about care periods or
//! statistics.

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::error::Error;
use crate::model::Records;
use crate::report::InputSummary;
use serde::{Deserialize, Serialize};

/// One input file: its name (used only in messages) and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Resource limits with defaults that fit a browser tab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest accepted file, in bytes.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 * 1024 * 1024,
        }
    }
}

/// A user's mapping of columns and labels (holds no data).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapping {}

/// The result of reading every input file.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub records: Records,
    pub summary: InputSummary,
}

/// Reads every file. See the module documentation.
pub fn load(
    files: &[InputFile<'_>],
    mapping: Option<&Mapping>,
    limits: &Limits,
) -> Result<Loaded, Error> {
    let _ = (mapping, limits);
    Err(Error::new(
        files
            .iter()
            .map(|f| {
                Diagnostic::new(
                    Severity::Fatal,
                    Code::NoTableRecognised,
                    "Reading files is not implemented yet.",
                )
                .file(f.name)
            })
            .collect(),
    ))
}
