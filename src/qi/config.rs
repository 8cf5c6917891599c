//! Chart options: which chart, which special-cause rules, the baseline, rebase dates, MR
//! screening, the improvement direction, a target and annotations.
//!
//! This module owns [`SpcConfig`] and its enums, with `FromStr` so that the CLI and the page
//! can build them from the strings users type. It does not compute anything.

use super::error::QiError;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Everything [`super::analyze`] needs besides the series.
#[derive(Clone, Debug, PartialEq)]
pub struct SpcConfig {
    /// The kind of chart.
    pub chart: ChartKind,
    /// The special-cause rule set; `None` picks the chart kind's default
    /// ([`RuleSet::default_for`]).
    pub rules: Option<RuleSet>,
    /// Compute the centre and limits from the first `baseline` points of each segment and
    /// extend them over the rest (NHSRplotthedots' `fix_after_n_points`, qicharts2's
    /// `freeze`). `None` uses every point of the segment. Limits from fewer than 12 points are
    /// flagged provisional; a baseline shorter than the chart can use (1 point for a run chart,
    /// 2 for the others) is an error.
    pub baseline: Option<usize>,
    /// Start a new segment (its own centre and limits) at the first point dated on or after
    /// each of these dates. A date on or before the first point, or after the last, changes
    /// nothing.
    pub rebase: Vec<NaiveDate>,
    /// Screen moving ranges of 3.267 × AMR or more out of the AMR before computing the limits
    /// (NHSRplotthedots and qicharts2 default; the Making Data Count Excel tool does not).
    pub screen: bool,
    /// Which way is better.
    pub direction: Direction,
    /// An optional target in the units of the values, for the assurance icon.
    pub target: Option<f64>,
    /// Dated labels (tests of change, PDSA cycles) carried into the chart.
    pub annotations: Vec<Annotation>,
}

impl Default for SpcConfig {
    /// An XmR chart with the Making Data Count rules, screening on, lower is better.
    fn default() -> Self {
        SpcConfig {
            chart: ChartKind::Xmr,
            rules: None,
            baseline: None,
            rebase: Vec::new(),
            screen: true,
            direction: Direction::Lower,
            target: None,
            annotations: Vec::new(),
        }
    }
}

impl SpcConfig {
    /// A default configuration for the given chart kind.
    pub fn new(chart: ChartKind) -> Self {
        SpcConfig {
            chart,
            ..SpcConfig::default()
        }
    }

    /// The rule set in force: the one asked for, or the chart kind's default.
    pub fn resolved_rules(&self) -> RuleSet {
        self.rules.unwrap_or(RuleSet::default_for(self.chart))
    }
}

/// A dated label shown on the chart, such as the start of a PDSA cycle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Annotation {
    pub date: NaiveDate,
    pub label: String,
}

/// The kind of chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// A run chart: the values around their median.
    Run,
    /// An individuals (I) chart with limits from the average moving range.
    Xmr,
    /// The moving-range chart on its own.
    Mr,
    /// A T chart: time between rare events, charted on the scale t^(1/3.6).
    T,
}

/// The special-cause rule set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum RuleSet {
    /// Anhøj's runs rules as qicharts2 applies them (longest run and crossings); on an I or
    /// T chart also points outside the 3-sigma limits, with qicharts2's sigma = AMR / 1.128.
    #[serde(rename = "anhoej")]
    Anhoej,
    /// IHI run-chart rules as the R package `runchart` applies them: a shift of 6 and a trend
    /// of 5; on an I or T chart also points outside the limits (qicharts2's sigma).
    #[serde(rename = "ihi")]
    Ihi,
    /// NHSRplotthedots 0.2.2 (Making Data Count): outside limits, 7-point trend, 2 of 3
    /// close to a limit, 7-point shift; limits at mean ± 2.66 AMR.
    #[serde(rename = "mdc")]
    Mdc,
    /// NHS England's 2024 SQL rules (v2.6): outside limits, 6-point trend, 2 of 3 beyond
    /// the 2-sigma line (beyond-limit points counted), 6-point shift.
    #[serde(rename = "nhse-2024")]
    Nhse2024,
}

impl RuleSet {
    /// The default rule set of a chart kind: Anhøj for run charts, Making Data Count for the
    /// others.
    pub fn default_for(chart: ChartKind) -> RuleSet {
        match chart {
            ChartKind::Run => RuleSet::Anhoej,
            ChartKind::Xmr | ChartKind::Mr | ChartKind::T => RuleSet::Mdc,
        }
    }

    /// The name used on the command line and in the chart output.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSet::Anhoej => "anhoej",
            RuleSet::Ihi => "ihi",
            RuleSet::Mdc => "mdc",
            RuleSet::Nhse2024 => "nhse-2024",
        }
    }

    /// How this rule set's home package turns the AMR into limits.
    pub fn limits_convention(self) -> LimitsConvention {
        match self {
            RuleSet::Anhoej | RuleSet::Ihi => LimitsConvention::Qicharts2,
            RuleSet::Mdc | RuleSet::Nhse2024 => LimitsConvention::Mdc,
        }
    }
}

/// How process limits are derived from the average moving range (AMR).
///
/// The two reference packages differ in the fourth significant figure, so each rule set keeps
/// its own package's constants: qicharts2 estimates sigma as AMR / 1.128 and draws limits at
/// ±3 sigma (±2.6596 AMR); NHSRplotthedots and the Making Data Count tools use ±2.66 AMR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitsConvention {
    /// Limits mean ± 2.66 AMR, 2-sigma lines mean ± (2 × 2.66 / 3) AMR.
    Mdc,
    /// Sigma = AMR / 1.128, limits mean ± 3 sigma, 2-sigma lines mean ± 2 sigma.
    Qicharts2,
}

impl LimitsConvention {
    /// The multiple of the AMR from the centre to a process limit.
    pub fn limit_factor(self) -> f64 {
        match self {
            LimitsConvention::Mdc => 2.66,
            LimitsConvention::Qicharts2 => 3.0 / 1.128,
        }
    }

    /// The multiple of the AMR from the centre to a 2-sigma line.
    pub fn two_sigma_factor(self) -> f64 {
        match self {
            LimitsConvention::Mdc => 2.0 * (2.66 / 3.0),
            LimitsConvention::Qicharts2 => 2.0 / 1.128,
        }
    }
}

/// Which way is better.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Lower is better (delay, days waiting): the default.
    #[default]
    Lower,
    /// Higher is better.
    Higher,
    /// Neither: signals are reported as neutral high or low.
    Neutral,
}

impl Direction {
    /// The same measure read the other way (neutral stays neutral).
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Lower => Direction::Higher,
            Direction::Higher => Direction::Lower,
            Direction::Neutral => Direction::Neutral,
        }
    }
}

impl ChartKind {
    /// The name used on the command line and in the chart output.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Run => "run",
            ChartKind::Xmr => "xmr",
            ChartKind::Mr => "mr",
            ChartKind::T => "t",
        }
    }
}

impl fmt::Display for ChartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Lower => "lower",
            Direction::Higher => "higher",
            Direction::Neutral => "neutral",
        })
    }
}

/// Lower-cases and trims an option string, and folds `_` and spaces into `-`.
fn normalise(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == '_' || c == ' ' { '-' } else { c })
        .collect()
}

impl FromStr for ChartKind {
    type Err = QiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalise(s).as_str() {
            "run" | "run-chart" => Ok(ChartKind::Run),
            "xmr" | "i" | "i-mr" | "imr" => Ok(ChartKind::Xmr),
            "mr" => Ok(ChartKind::Mr),
            "t" => Ok(ChartKind::T),
            _ => Err(QiError::UnknownOption {
                option: "chart",
                value: s.to_string(),
                expected: "run, xmr, mr or t",
            }),
        }
    }
}

impl FromStr for RuleSet {
    type Err = QiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalise(s).as_str() {
            "anhoej" | "anhøj" | "anhoj" => Ok(RuleSet::Anhoej),
            "ihi" => Ok(RuleSet::Ihi),
            "mdc" | "nhsrplotthedots" | "plot-the-dots" => Ok(RuleSet::Mdc),
            "nhse-2024" | "nhse2024" | "nhse" => Ok(RuleSet::Nhse2024),
            _ => Err(QiError::UnknownOption {
                option: "rule set",
                value: s.to_string(),
                expected: "anhoej, ihi, mdc or nhse-2024",
            }),
        }
    }
}

impl FromStr for Direction {
    type Err = QiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalise(s).as_str() {
            "lower" | "decrease" | "down" => Ok(Direction::Lower),
            "higher" | "increase" | "up" => Ok(Direction::Higher),
            "neutral" | "none" => Ok(Direction::Neutral),
            _ => Err(QiError::UnknownOption {
                option: "direction",
                value: s.to_string(),
                expected: "lower, higher or neutral",
            }),
        }
    }
}
