//! The chart model every renderer draws from: points with their centre, limits, special cause
//! and variation, the segments, the runs analysis, the icons and the annotations.
//!
//! This module owns the output types and their JSON shape (serde, snake_case). It computes
//! nothing; `analyze` fills it in.

use super::config::{Annotation, ChartKind, Direction, LimitsConvention, RuleSet};
use super::runs::RunsAnalysis;
use chrono::NaiveDate;
use serde::Serialize;

/// A laid-out chart: everything a renderer needs, with no decisions left.
///
/// Each point refers to its segment, which holds the centre line and limits; serialised, every
/// point carries them too (`centre`, `lower`, `upper`, `lower_2sigma`, `upper_2sigma`), as the
/// CLI contract shows. Keeping them once per segment in memory keeps a million-point chart
/// small.
#[derive(Clone, Debug, PartialEq)]
pub struct SpcChart {
    pub chart: ChartKind,
    /// The rule set in force.
    pub rules: RuleSet,
    /// How limits were derived from the AMR (`None` for run charts).
    pub limits_convention: Option<LimitsConvention>,
    pub direction: Direction,
    /// Whether moving ranges were screened.
    pub screen: bool,
    /// The baseline length asked for, if any.
    pub baseline: Option<usize>,
    pub target: Option<f64>,
    /// The runs analysis of the most recent segment (`None` for the Making Data Count rule
    /// sets and for moving-range charts, which do not use it). Each segment carries its own.
    pub runs: Option<RunsAnalysis>,
    pub points: Vec<Point>,
    pub segments: Vec<Segment>,
    pub icons: Icons,
    /// Whether the most recent segment's centre and limits rest on fewer than 12 points.
    pub provisional: bool,
    /// The annotations, in date order.
    pub annotations: Vec<PlacedAnnotation>,
}

/// One point of the chart. Its centre line and limits are its segment's
/// ([`SpcChart::lines_of`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The point's date (`None` for a series given without dates).
    pub date: Option<NaiveDate>,
    /// The value plotted: the input value (a moving range on an MR chart, the time between
    /// events, not transformed, on a T chart).
    pub value: f64,
    pub special_cause: Option<SpecialCause>,
    pub variation: Variation,
    /// The index of the point's segment in [`SpcChart::segments`].
    pub segment: usize,
    /// Whether the point is part of its segment's baseline (used for the centre and limits).
    pub baseline: bool,
    /// On an XmR or T chart, the moving range from the previous point of the same segment (on
    /// the transformed scale for a T chart).
    pub moving_range: Option<f64>,
    /// Whether that moving range was screened out of the AMR.
    pub screened: bool,
}

/// The centre line, process limits and 2-sigma lines in force over a segment (`None` where
/// the chart has no such line: run charts have no limits, and a T chart's negative lower
/// 2-sigma line has no back-transform).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Lines {
    pub centre: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub lower_2sigma: Option<f64>,
    pub upper_2sigma: Option<f64>,
}

impl SpcChart {
    /// The lines in force at a point (its segment's).
    pub fn lines_of(&self, point: &Point) -> Option<Lines> {
        self.segments.get(point.segment).map(|s| s.lines)
    }
}

/// A stretch of the chart with its own centre and limits (the whole chart unless rebased).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Segment {
    /// Index of the segment's first point.
    pub start: usize,
    /// Index of the segment's last point (inclusive).
    pub end: usize,
    pub start_date: Option<NaiveDate>,
    /// How many points the centre and limits were computed from.
    pub baseline_points: usize,
    /// Fewer than 12 baseline points: the limits are provisional.
    pub provisional: bool,
    /// The segment's centre line and limits (serialised inline).
    #[serde(flatten)]
    pub lines: Lines,
    /// The AMR the limits use (transformed scale for a T chart).
    pub amr: Option<f64>,
    /// The AMR before screening.
    pub amr_unscreened: Option<f64>,
    /// The moving-range upper limit, `3.267 × amr_unscreened`.
    pub mr_upper: Option<f64>,
    /// How many baseline moving ranges were screened out.
    pub screened_moving_ranges: usize,
    /// The segment's runs analysis, where the rule set uses one.
    pub runs: Option<RunsAnalysis>,
}

/// Why a point is special cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialCause {
    AboveUpper,
    BelowLower,
    TrendUp,
    TrendDown,
    TwoInThreeAbove,
    TwoInThreeBelow,
    ShiftAbove,
    ShiftBelow,
}

impl SpecialCause {
    /// Every cause.
    pub const ALL: [SpecialCause; 8] = [
        SpecialCause::AboveUpper,
        SpecialCause::BelowLower,
        SpecialCause::TrendUp,
        SpecialCause::TrendDown,
        SpecialCause::TwoInThreeAbove,
        SpecialCause::TwoInThreeBelow,
        SpecialCause::ShiftAbove,
        SpecialCause::ShiftBelow,
    ];

    /// The id it serialises to.
    pub fn id(self) -> &'static str {
        match self {
            SpecialCause::AboveUpper => "above_upper",
            SpecialCause::BelowLower => "below_lower",
            SpecialCause::TrendUp => "trend_up",
            SpecialCause::TrendDown => "trend_down",
            SpecialCause::TwoInThreeAbove => "two_in_three_above",
            SpecialCause::TwoInThreeBelow => "two_in_three_below",
            SpecialCause::ShiftAbove => "shift_above",
            SpecialCause::ShiftBelow => "shift_below",
        }
    }

    /// The cause in words, within a sentence ("above the upper limit").
    pub fn words(self) -> &'static str {
        match self {
            SpecialCause::AboveUpper => "above the upper limit",
            SpecialCause::BelowLower => "below the lower limit",
            SpecialCause::TrendUp => "a run of points going up",
            SpecialCause::TrendDown => "a run of points going down",
            SpecialCause::TwoInThreeAbove => "two of three points near the upper limit",
            SpecialCause::TwoInThreeBelow => "two of three points near the lower limit",
            SpecialCause::ShiftAbove => "a run of points above the centre line",
            SpecialCause::ShiftBelow => "a run of points below the centre line",
        }
    }

    /// +1 for a cause on the high side (above, up), −1 for the low side.
    pub fn side(self) -> i8 {
        match self {
            SpecialCause::AboveUpper
            | SpecialCause::TrendUp
            | SpecialCause::TwoInThreeAbove
            | SpecialCause::ShiftAbove => 1,
            SpecialCause::BelowLower
            | SpecialCause::TrendDown
            | SpecialCause::TwoInThreeBelow
            | SpecialCause::ShiftBelow => -1,
        }
    }
}

/// A point's variation, read with the improvement direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    Improvement,
    Concern,
    Common,
    NeutralHigh,
    NeutralLow,
}

impl Variation {
    /// Every kind of variation.
    pub const ALL: [Variation; 5] = [
        Variation::Improvement,
        Variation::Concern,
        Variation::Common,
        Variation::NeutralHigh,
        Variation::NeutralLow,
    ];

    /// The id it serialises to.
    pub fn id(self) -> &'static str {
        match self {
            Variation::Improvement => "improvement",
            Variation::Concern => "concern",
            Variation::Common => "common",
            Variation::NeutralHigh => "neutral_high",
            Variation::NeutralLow => "neutral_low",
        }
    }

    /// A short label for a point's signal (empty for common cause).
    pub fn label(self) -> &'static str {
        match self {
            Variation::Improvement => "Improvement",
            Variation::Concern => "Concern",
            Variation::Common => "",
            Variation::NeutralHigh => "Unusually high",
            Variation::NeutralLow => "Unusually low",
        }
    }

    /// NHSRplotthedots' `ptd_point_type`: a high-side cause is an improvement when higher is
    /// better, a concern when lower is better, neutral high when neither.
    pub fn of(cause: Option<SpecialCause>, direction: Direction) -> Variation {
        let Some(cause) = cause else {
            return Variation::Common;
        };
        let high = cause.side() > 0;
        match (direction, high) {
            (Direction::Neutral, true) => Variation::NeutralHigh,
            (Direction::Neutral, false) => Variation::NeutralLow,
            (Direction::Higher, true) | (Direction::Lower, false) => Variation::Improvement,
            (Direction::Higher, false) | (Direction::Lower, true) => Variation::Concern,
        }
    }
}

/// The Making Data Count icons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Icons {
    pub variation: Option<VariationIcon>,
    pub assurance: Option<AssuranceIcon>,
}

/// The variation icon, from the most recent point (NHSRplotthedots `geom_ptd_icon`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VariationIcon {
    CommonCause,
    ImprovementHigh,
    ImprovementLow,
    ConcernHigh,
    ConcernLow,
    NeutralHigh,
    NeutralLow,
}

/// The assurance icon: where the target lies against the most recent process limits
/// (NHSRplotthedots `ptd_calculate_assurance_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssuranceIcon {
    /// Both limits are on the good side of the target (lower is better and the target is
    /// above the upper limit, or higher is better and it is below the lower limit): the
    /// process will consistently pass.
    ConsistentPass,
    /// Both limits are on the bad side of the target: the process will consistently fail.
    ConsistentFail,
    /// The target lies between the limits, or exactly on one: hit and miss.
    HitAndMiss,
}

/// An annotation placed on the chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlacedAnnotation {
    pub date: NaiveDate,
    pub label: String,
    /// The first point dated on or after the annotation (`None` if it is after every point).
    pub point: Option<usize>,
}

impl From<&Annotation> for PlacedAnnotation {
    fn from(a: &Annotation) -> Self {
        PlacedAnnotation {
            date: a.date,
            label: a.label.clone(),
            point: None,
        }
    }
}

impl Serialize for SpcChart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ChartView {
            chart: self.chart,
            rules: self.rules,
            limits_convention: self.limits_convention,
            direction: self.direction,
            screen: self.screen,
            baseline: self.baseline,
            target: self.target,
            runs: &self.runs,
            points: PointsView {
                points: &self.points,
                segments: &self.segments,
            },
            segments: &self.segments,
            icons: self.icons,
            provisional: self.provisional,
            annotations: &self.annotations,
        }
        .serialize(serializer)
    }
}

/// The serialised shape of [`SpcChart`].
#[derive(Serialize)]
struct ChartView<'a> {
    chart: ChartKind,
    rules: RuleSet,
    limits_convention: Option<LimitsConvention>,
    direction: Direction,
    screen: bool,
    baseline: Option<usize>,
    target: Option<f64>,
    runs: &'a Option<RunsAnalysis>,
    points: PointsView<'a>,
    segments: &'a [Segment],
    icons: Icons,
    provisional: bool,
    annotations: &'a [PlacedAnnotation],
}

/// The points, each serialised with its segment's lines.
struct PointsView<'a> {
    points: &'a [Point],
    segments: &'a [Segment],
}

/// The serialised shape of one [`Point`].
#[derive(Serialize)]
struct PointView<'a> {
    date: Option<NaiveDate>,
    value: f64,
    centre: Option<f64>,
    lower: Option<f64>,
    upper: Option<f64>,
    lower_2sigma: Option<f64>,
    upper_2sigma: Option<f64>,
    special_cause: &'a Option<SpecialCause>,
    variation: Variation,
    segment: usize,
    baseline: bool,
    moving_range: Option<f64>,
    screened: bool,
}

impl Serialize for PointsView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.points.iter().map(|p| {
            let lines = self.segments.get(p.segment).map(|s| s.lines);
            PointView {
                date: p.date,
                value: p.value,
                centre: lines.map(|l| l.centre),
                lower: lines.and_then(|l| l.lower),
                upper: lines.and_then(|l| l.upper),
                lower_2sigma: lines.and_then(|l| l.lower_2sigma),
                upper_2sigma: lines.and_then(|l| l.upper_2sigma),
                special_cause: &p.special_cause,
                variation: p.variation,
                segment: p.segment,
                baseline: p.baseline,
                moving_range: p.moving_range,
                screened: p.screened,
            }
        }))
    }
}
