//! Quality-improvement charts: run charts and statistical process control (SPC) charts that
//! agree with the reference packages practitioners already trust, qicharts2 (run charts,
//! Anhøj rules, I, MR and T charts) and NHSRplotthedots 0.2.2 (Making Data Count XmR charts),
//! with NHS England's 2024 rules and the IHI run-chart rules as options.
//!
//! This module owns the statistics and the chart model: series building (`series`), centre
//! lines and limits (`limits`), the runs rules (`runs`), the Making Data Count rules (`mdc`),
//! and [`analyze`], which lays a chart out once for every renderer. It works over plain
//! slices of `(NaiveDate, f64)`: it does not read files, does not know about children or
//! stages, never reads the clock and never draws anything. The conventions it follows are
//! those of qicharts2 and NHSRplotthedots, listed below; the reference vectors that pin them
//! are tests in `tests/qi_vectors.rs`.
//!
//! Choices where the reference packages differ or are silent:
//! - Limits follow the rule set's home package: `mdc` and `nhse-2024` use mean ± 2.66 AMR
//!   (NHSRplotthedots); `anhoej` and `ihi` on an I or T chart use sigma = AMR / 1.128 and
//!   ±3 sigma (qicharts2). The two differ in the fourth significant figure.
//! - A constant baseline (every moving range 0) is not screened, so its limits have zero
//!   width instead of the 0/0 both packages would compute.
//! - A rebase date starts a new segment at the first point dated on or after it
//!   (NHSRplotthedots needs an exact match); one on or before the first point changes nothing.
//! - The baseline (`fix_after_n_points`) applies within each segment, as NHSRplotthedots.
//! - On run charts and on I charts under `anhoej`, the points of a run longer than the limit
//!   are marked as a shift so renderers can highlight them; qicharts2 only reports the figures.
//! - An MR chart's centre is the unscreened AMR (qicharts2 `qic.mr`); its only signal is a
//!   moving range above 3.267 × AMR, read as neutral (neither improvement nor concern).
//! - The variation icon reads the most recent point's special cause, and the assurance icon
//!   compares the target with the most recent segment's limits (NHSRplotthedots
//!   `geom_ptd_icon` and `ptd_calculate_assurance_type`): a target beyond the upper limit is a
//!   consistent pass when lower is better and a consistent fail when higher is better (and the
//!   reverse below the lower limit); on or between the limits is hit and miss; no assurance
//!   icon for a neutral direction, a run chart or an MR chart.

mod analyze;
pub mod binom;
mod chart;
mod config;
mod error;
pub mod limits;
pub mod mdc;
pub mod runs;
pub mod series;

#[cfg(test)]
mod tests;

pub use analyze::{analyze, analyze_values, FIRM_LIMITS_POINTS, T_EXPONENT};
pub use chart::{
    AssuranceIcon, Icons, Lines, PlacedAnnotation, Point, Segment, SpcChart, SpecialCause,
    Variation, VariationIcon,
};
pub use config::{Annotation, ChartKind, Direction, LimitsConvention, RuleSet, SpcConfig};
pub use error::QiError;
pub use runs::{IndexRange, RunsAnalysis, RunsRule};
