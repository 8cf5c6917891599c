//! The one error type of the QI charts: input a chart cannot be built from, and option strings
//! that name no known chart, rule set or direction.
//!
//! This module owns [`QiError`] only. Problems are returned, never panicked on; the caller (the
//! CLI or the page) turns them into messages for the user.

use chrono::NaiveDate;
use std::fmt;

/// Why a series could not be charted, or why an option string was not understood.
#[derive(Clone, Debug, PartialEq)]
pub enum QiError {
    /// The series has no points at all.
    Empty,
    /// A value is NaN or infinite. `index` is the position in the input as given.
    NonFinite {
        index: usize,
        date: Option<NaiveDate>,
    },
    /// A T chart was asked for, but a time between events is zero or negative.
    NonPositiveDuration {
        index: usize,
        date: Option<NaiveDate>,
        value: f64,
    },
    /// A segment (the whole series, or the part after a rebase date) has too few points to
    /// compute its centre and limits.
    TooFewPoints {
        segment_start: Option<NaiveDate>,
        needed: usize,
        got: usize,
    },
    /// The baseline length must be at least 1 (and at least 2 for charts that need moving
    /// ranges).
    InvalidBaseline { baseline: usize, needed: usize },
    /// A target must be a finite number.
    InvalidTarget { target: f64 },
    /// Rebase dates were given for a series that has no dates.
    RebaseWithoutDates,
    /// The rule set does not apply to the chart kind (for example `mdc` on a run chart).
    RulesNotForChart {
        rules: &'static str,
        chart: &'static str,
        allowed: &'static str,
    },
    /// An option string was not recognised.
    UnknownOption {
        option: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl fmt::Display for QiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |index: usize, date: &Option<NaiveDate>| match date {
            Some(d) => format!("point {} (dated {d})", index + 1),
            None => format!("point {}", index + 1),
        };
        match self {
            QiError::Empty => write!(f, "the series has no points to chart"),
            QiError::NonFinite { index, date } => {
                write!(f, "{} is not a finite number", at(*index, date))
            }
            QiError::NonPositiveDuration { index, date, value } => write!(
                f,
                "{} is {value}: a T chart needs every time between events to be greater \
                 than zero (events on the same day give 0)",
                at(*index, date)
            ),
            QiError::TooFewPoints {
                segment_start,
                needed,
                got,
            } => {
                let seg = match segment_start {
                    Some(d) => format!("the segment starting {d}"),
                    None => "the series".to_string(),
                };
                write!(
                    f,
                    "{seg} has {got} point(s) for its centre and limits; at least {needed} \
                     are needed"
                )
            }
            QiError::InvalidBaseline { baseline, needed } => write!(
                f,
                "a baseline of {baseline} point(s) is too short; at least {needed} are needed \
                 (12 or more for firm limits)"
            ),
            QiError::InvalidTarget { target } => {
                write!(f, "the target {target} is not a finite number")
            }
            QiError::RebaseWithoutDates => {
                write!(f, "rebase dates need a series with dates")
            }
            QiError::RulesNotForChart {
                rules,
                chart,
                allowed,
            } => write!(
                f,
                "the {rules} rules do not apply to a {chart} chart; use {allowed}"
            ),
            QiError::UnknownOption {
                option,
                value,
                expected,
            } => write!(f, "unknown {option} '{value}': expected {expected}"),
        }
    }
}

impl std::error::Error for QiError {}
