//! The crate's one error type: a load that produced nothing usable. It carries the fatal
//! diagnostics (each with its file and a plain-English message).

use crate::diagnostics::Diagnostic;
use std::fmt;

/// Nothing usable could be read. Partial problems are diagnostics in the report instead.
#[derive(Clone, Debug)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Error { diagnostics }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match &d.file {
                Some(file) => write!(f, "{file}: {}", d.message)?,
                None => write!(f, "{}", d.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
