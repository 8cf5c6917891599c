//! Colours and patterns. Placement categories use the Okabe–Ito colour-blind-safe palette and
//! each also has its own pattern (or none), so they stay apart in greyscale print; legal
//! status uses a light-to-dark ramp in the order of legal security; delay uses vermillion
//! (reserved for "beyond target" and "concern") with a hatch.
//!
//! This module owns the visual vocabulary only; the chart modules decide what gets which.

use super::layout::{Color, Pattern, PatternKind};
use crate::model::{LegalCategory, Milestone, PlacementCategory};

pub const WHITE: Color = Color::rgb(255, 255, 255);
/// Body text (contrast 16:1 on white).
pub const TEXT: Color = Color::rgb(0x22, 0x22, 0x22);
/// Secondary text (contrast 7:1 on white).
pub const MUTED: Color = Color::rgb(0x59, 0x59, 0x59);
/// Text that reports delay (a darker vermillion, contrast 5.9:1 on white).
pub const OVER_TEXT: Color = Color::rgb(0xA6, 0x42, 0x00);
/// Faint grid and age lines.
pub const GRID: Color = Color::rgb(0xDD, 0xDD, 0xDD);
/// Reference lines (care starts and ends, "as at").
pub const REFERENCE: Color = Color::rgb(0x33, 0x33, 0x33);
/// The events lane's background band.
pub const BAND: Color = Color::rgb(0xF4, 0xF4, 0xF4);
/// Okabe–Ito vermillion: beyond target, concern.
pub const VERMILLION: Color = Color::rgb(0xD5, 0x5E, 0x00);
/// Okabe–Ito blue: improvement.
pub const BLUE: Color = Color::rgb(0x00, 0x72, 0xB2);
/// Okabe–Ito orange.
pub const ORANGE: Color = Color::rgb(0xE6, 0x9F, 0x00);
/// Okabe–Ito sky blue.
pub const SKY: Color = Color::rgb(0x56, 0xB4, 0xE9);
/// Okabe–Ito bluish green.
pub const GREEN: Color = Color::rgb(0x00, 0x9E, 0x73);
/// Okabe–Ito reddish purple.
pub const PURPLE: Color = Color::rgb(0xCC, 0x79, 0xA7);
/// Okabe–Ito yellow.
pub const YELLOW: Color = Color::rgb(0xF0, 0xE4, 0x42);
/// Targets on statistical charts (a dark reddish purple, apart from the series colours and
/// from vermillion).
pub const TARGET: Color = Color::rgb(0x7A, 0x1F, 0x5C);
/// Common-cause variation and "no target set".
pub const NEUTRAL: Color = Color::rgb(0xA8, 0xA8, 0xA8);
/// A stage's time within its target: a light bluish green (Okabe–Ito's, lightened), apart
/// from foster care's blue and from vermillion's "beyond target".
pub const WITHIN: Color = Color::rgb(0x33, 0xB1, 0x8F);
/// Time beyond target where it sits beside placement bars (the cohort view): a deep
/// vermillion, apart from residential care's amber.
pub const BEYOND_DEEP: Color = Color::rgb(0xA6, 0x32, 0x00);
/// Key decisions on timelines.
pub const KEY: Color = Color::rgb(0x1A, 0x1A, 0x1A);
/// Routine events on timelines.
pub const ROUTINE: Color = Color::rgb(0x6B, 0x6B, 0x6B);

/// A pale shade behind an area (gaps in care, the legend box).
pub const SHADE: Color = Color::rgb(0xF7, 0xF7, 0xF7);
/// The lightest row band (alternate rows of a long list).
pub const ZEBRA_LIGHT: Color = Color::rgb(0xF6, 0xF6, 0xF6);
/// A scroll track or an empty bar.
pub const TRACK: Color = Color::rgb(0xEE, 0xEE, 0xEE);
/// A faint line or an unavailable mark.
pub const FAINT: Color = Color::rgb(0xCC, 0xCC, 0xCC);
/// A soft dotted or dashed guide line.
pub const SOFT_LINE: Color = Color::rgb(0xC8, 0xC8, 0xC8);
/// Lines joining points.
pub const CONNECTOR: Color = Color::rgb(0xB5, 0xB5, 0xB5);
/// Points of common-cause variation.
pub const COMMON_CAUSE: Color = Color::rgb(0x9A, 0x9A, 0x9A);
/// A mid-grey outline or thumb.
pub const OUTLINE: Color = Color::rgb(0x99, 0x99, 0x99);
/// The age silhouettes.
pub const SILHOUETTE: Color = Color::rgb(0x8C, 0x8C, 0x8C);
/// Tick marks of a secondary scale.
pub const TICK: Color = Color::rgb(0x88, 0x88, 0x88);
/// Leader lines from a label to its mark.
pub const LEADER: Color = Color::rgb(0x77, 0x77, 0x77);
/// Special cause where neither direction is better.
pub const NEUTRAL_SIGNAL: Color = Color::rgb(0x6A, 0x3D, 0x9A);

/// Series colours for charts with several groups, in order (Okabe–Ito, skipping the colours
/// that mean "beyond target" and "concern").
pub const SERIES: [Color; 6] = [
    BLUE,
    ORANGE,
    GREEN,
    PURPLE,
    SKY,
    Color::rgb(0x33, 0x33, 0x33),
];

/// The hatch that marks time beyond target.
pub fn over_pattern() -> Pattern {
    Pattern {
        kind: PatternKind::Diagonal,
        color: WHITE.alpha(200),
        spacing: 5.0,
    }
}

/// A placement category's fill, pattern and the text colour that reads on it.
pub fn placement(category: PlacementCategory) -> (Color, Option<Pattern>, Color) {
    let light = Color::rgb(0, 0, 0).alpha(80);
    let white = WHITE.alpha(190);
    let pat = |kind, color| {
        Some(Pattern {
            kind,
            color,
            spacing: 7.0,
        })
    };
    match category {
        PlacementCategory::HomeWithParents => (YELLOW, pat(PatternKind::Horizontal, light), TEXT),
        PlacementCategory::Kinship => (GREEN, pat(PatternKind::Diagonal, white), TEXT),
        PlacementCategory::Foster => (BLUE, None, WHITE),
        PlacementCategory::ProspectiveAdopters => (PURPLE, pat(PatternKind::Dots, white), TEXT),
        PlacementCategory::Residential => (ORANGE, pat(PatternKind::Cross, light), TEXT),
        PlacementCategory::Secure => (
            Color::rgb(0x4D, 0x4D, 0x4D),
            pat(PatternKind::BackDiagonal, white),
            WHITE,
        ),
        PlacementCategory::Independent => (SKY, pat(PatternKind::Vertical, light), TEXT),
        PlacementCategory::Other => (
            Color::rgb(0xC4, 0xC4, 0xC4),
            pat(PatternKind::Grid, light),
            TEXT,
        ),
    }
}

/// A short label for a placement category, for bars and legends.
pub fn placement_short(category: PlacementCategory) -> &'static str {
    match category {
        PlacementCategory::HomeWithParents => "At home",
        PlacementCategory::Kinship => "Kinship",
        PlacementCategory::Foster => "Foster",
        PlacementCategory::ProspectiveAdopters => "Prospective adopters",
        PlacementCategory::Residential => "Residential",
        PlacementCategory::Secure => "Secure",
        PlacementCategory::Independent => "Independent",
        PlacementCategory::Other => "Other",
    }
}

/// A legal category's fill, pattern and the text colour that reads on it: lighter for less
/// legal security, darker for more.
pub fn legal(category: LegalCategory) -> (Color, Option<Pattern>, Color) {
    let grey = |v: u8| Color::rgb(v, v, v);
    let pat = |kind, color| {
        Some(Pattern {
            kind,
            color,
            spacing: 6.0,
        })
    };
    let (fill, pattern) = match category {
        LegalCategory::Emergency => (grey(0xE4), None),
        LegalCategory::Voluntary => (grey(0xCF), None),
        LegalCategory::Interim => (grey(0xAD), None),
        LegalCategory::Compulsory => (grey(0x86), None),
        LegalCategory::YouthJustice => (grey(0x9A), pat(PatternKind::Vertical, WHITE.alpha(150))),
        LegalCategory::AdoptionAuthority => (grey(0x5E), None),
        LegalCategory::PermanenceOrder => (grey(0x40), None),
        LegalCategory::KinshipCareOrder => {
            (grey(0x40), pat(PatternKind::Diagonal, WHITE.alpha(120)))
        }
        LegalCategory::AdoptionOrder => (grey(0x22), None),
        LegalCategory::Other => (
            grey(0xC8),
            pat(PatternKind::BackDiagonal, Color::rgb(0, 0, 0).alpha(60)),
        ),
    };
    (fill, pattern, text_on(fill))
}

/// Dark or white text, whichever reads better on `fill`.
pub fn text_on(fill: Color) -> Color {
    if fill.luminance() < 0.3 {
        WHITE
    } else {
        TEXT
    }
}

/// How an event is marked: key decisions are dark diamonds, missing episodes triangles,
/// custom events (a practitioner's own rows, the child's words) squares, the rest circles.
pub fn event_marker(milestone: Milestone) -> (super::layout::MarkerShape, f32, Color) {
    use super::layout::MarkerShape;
    if milestone.is_key_decision() {
        (MarkerShape::Diamond, 12.0, KEY)
    } else {
        match milestone {
            Milestone::Missing => (MarkerShape::TriangleDown, 10.0, ROUTINE),
            Milestone::Custom => (MarkerShape::Square, 9.0, ROUTINE),
            _ => (MarkerShape::Circle, 8.0, ROUTINE),
        }
    }
}
