//! The backend-neutral layout every chart is turned into before it is painted: positioned
//! rectangles, lines, polygons, markers and text in logical pixels, plus the hit regions that
//! say what lies under a pixel.
//!
//! This module owns the item types, the text snapshot format that tests compare, and
//! [`hit_test`]. It knows nothing about children or statistics (the chart modules fill it) and
//! nothing about pixels, SVG or canvas (the painter reads it).

use crate::model::SourceRow;
use crate::table::Table;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// A laid-out chart: everything needed to paint it and to answer "what is under this pixel?".
/// It crosses between threads as JSON (the worker lays out, the page's main thread paints);
/// the label boxes and the table stay behind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// Width in logical (CSS) pixels.
    pub width: f32,
    /// Height in logical (CSS) pixels.
    pub height: f32,
    /// A one-line title for assistive technology (the SVG `<title>`).
    pub title: String,
    /// A longer description for assistive technology (the SVG `<desc>`).
    pub description: String,
    /// Items in paint order: later items are drawn over earlier ones.
    pub items: Vec<Item>,
    /// Hit regions; when several contain a pixel, the last one wins.
    pub hits: Vec<HitRegion>,
    /// The boxes of every placed label that must not overlap another (event labels, labels
    /// moved beside their bars, reference-line labels).
    #[serde(skip)]
    pub label_boxes: Vec<Rect>,
    /// The chart's date axis, if it has one: hit tests use it to say which date is under the
    /// pointer.
    pub date_axis: Option<DateAxis>,
    /// The numbers behind the chart (its text alternative): the chronology for a timeline,
    /// the rows in view for the cohort view, the figures of a statistical chart. Hit regions'
    /// `text_row` index its rows.
    #[serde(skip)]
    pub table: Option<Table>,
}

/// A linear date axis: `start` at `x0`, `end` at `x1`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DateAxis {
    pub x0: f32,
    pub x1: f32,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// A point in logical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

/// An axis-aligned rectangle in logical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// A colour with alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

/// How a line is stroked.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    pub color: Color,
    pub width: f32,
    /// Dash and gap lengths; `None` for a solid line.
    pub dash: Option<(f32, f32)>,
}

/// A fill pattern drawn over a rectangle's fill colour, so that colour is never the only code.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    pub kind: PatternKind,
    pub color: Color,
    /// Distance between hatch lines or dots, in logical pixels.
    pub spacing: f32,
}

/// The kinds of fill pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    /// Lines rising from left to right.
    Diagonal,
    /// Lines falling from left to right.
    BackDiagonal,
    /// Both diagonals.
    Cross,
    Horizontal,
    Vertical,
    /// Horizontal and vertical lines.
    Grid,
    Dots,
}

/// Horizontal text alignment relative to the text's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// Font weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    Regular,
    Bold,
}

/// Marker shapes for events and data points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerShape {
    Circle,
    Diamond,
    Square,
    TriangleUp,
    TriangleDown,
    /// A right-pointing triangle (an arrow head for "still going").
    TriangleRight,
}

/// One positioned item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    Rect {
        rect: Rect,
        fill: Option<Color>,
        pattern: Option<Pattern>,
        stroke: Option<Stroke>,
    },
    Line {
        from: Point,
        to: Point,
        stroke: Stroke,
    },
    Polyline {
        points: Vec<Point>,
        stroke: Stroke,
    },
    Polygon {
        points: Vec<Point>,
        fill: Color,
        stroke: Option<Stroke>,
    },
    /// A marker centred on `at`, `size` pixels across.
    Marker {
        at: Point,
        size: f32,
        shape: MarkerShape,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    Text(TextItem),
}

/// A single line of text. `at.y` is the alphabetic baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextItem {
    pub at: Point,
    pub text: String,
    /// Font size in logical pixels (the CSS `font-size`).
    pub size: f32,
    pub weight: Weight,
    pub anchor: Anchor,
    pub color: Color,
}

/// A region of the chart and what it shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HitRegion {
    pub rect: Rect,
    pub hit: Hit,
}

/// What lies under a pixel: enough for a tooltip and for opening the chronology row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub target: HitTarget,
    /// Tooltip text.
    pub label: String,
    /// The spreadsheet row the item came from, if it came from one.
    pub source: Option<SourceRow>,
    /// The index of the matching row of the chart's text alternative (the chronology for a
    /// timeline), if there is one.
    pub text_row: Option<usize>,
}

/// The kinds of thing a chart shows. In JSON an object with its `kind` and its fields
/// (`{"kind": "placement", "period": 0, "index": 3}`), the shape hit tests answer in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "TargetFields")]
pub enum HitTarget {
    /// A placement: the care period and the placement's index within it.
    Placement { period: usize, index: usize },
    /// A legal spell (index into [`crate::model::Child::legal`]).
    Legal { index: usize },
    /// An event (index into the child's events in date order, as
    /// [`crate::model::Child::all_events`] yields them).
    Event { index: usize },
    /// A stage bracket (index into the stages given to the chart).
    Stage { index: usize },
    /// A gap between two care periods (index of the period before the gap).
    CareGap { period: usize },
    /// A child's row in the cohort view (index into the cohort's rows), with the date under
    /// the pointer.
    CohortRow { row: usize, date: NaiveDate },
    /// A data point of a statistical chart: the series (group) and the point's index.
    Point { series: usize, index: usize },
    /// A bar of the delay chart: the series (0 for the whole cohort, 1 + k for the k-th group
    /// drawn) and the stage (index into the stages given to the chart).
    Bar { series: usize, index: usize },
    /// A step of a survival curve: the series (group) and the index of the step's starting
    /// point in the curve.
    Curve { series: usize, index: usize },
    /// A bin of a histogram.
    Bin { index: usize },
    /// A box plot's row: 0 for the whole cohort, 1 + k for the k-th group drawn.
    Box { series: usize },
}

/// A [`HitTarget`] as its JSON reads, with every variant's fields: read as one flat object
/// rather than through serde's reading of a tagged enum, which buffers the object first and
/// so keeps a second reader of every type inside it (36 kB of the page's wasm, for the
/// main-thread painter that reads a layout back).
#[derive(Deserialize)]
struct TargetFields {
    kind: TargetKind,
    period: Option<usize>,
    index: Option<usize>,
    row: Option<usize>,
    date: Option<NaiveDate>,
    series: Option<usize>,
}

/// [`HitTarget`]'s variants by name.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum TargetKind {
    Placement,
    Legal,
    Event,
    Stage,
    CareGap,
    CohortRow,
    Point,
    Bar,
    Curve,
    Bin,
    Box,
}

impl TryFrom<TargetFields> for HitTarget {
    type Error = String;

    fn try_from(f: TargetFields) -> Result<HitTarget, String> {
        fn need<T>(kind: TargetKind, value: Option<T>, field: &str) -> Result<T, String> {
            value.ok_or_else(|| format!("a hit target of kind {kind:?} needs its {field}"))
        }
        let kind = f.kind;
        let period = || need(kind, f.period, "period");
        let index = || need(kind, f.index, "index");
        let series = || need(kind, f.series, "series");
        Ok(match kind {
            TargetKind::Placement => HitTarget::Placement {
                period: period()?,
                index: index()?,
            },
            TargetKind::Legal => HitTarget::Legal { index: index()? },
            TargetKind::Event => HitTarget::Event { index: index()? },
            TargetKind::Stage => HitTarget::Stage { index: index()? },
            TargetKind::CareGap => HitTarget::CareGap { period: period()? },
            TargetKind::CohortRow => HitTarget::CohortRow {
                row: need(kind, f.row, "row")?,
                date: need(kind, f.date, "date")?,
            },
            TargetKind::Point => HitTarget::Point {
                series: series()?,
                index: index()?,
            },
            TargetKind::Bar => HitTarget::Bar {
                series: series()?,
                index: index()?,
            },
            TargetKind::Curve => HitTarget::Curve {
                series: series()?,
                index: index()?,
            },
            TargetKind::Bin => HitTarget::Bin { index: index()? },
            TargetKind::Box => HitTarget::Box { series: series()? },
        })
    }
}

impl Color {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b, a: 255 }
    }

    /// The same colour with the given alpha (0 transparent, 255 opaque).
    pub const fn alpha(self, a: u8) -> Color {
        Color { a, ..self }
    }

    /// `#rrggbb`, or `#rrggbbaa` when not opaque.
    pub fn hex(self) -> String {
        if self.a == 255 {
            format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
        } else {
            format!("#{:02x}{:02x}{:02x}{:02x}", self.r, self.g, self.b, self.a)
        }
    }

    /// Relative luminance (sRGB, 0 to 1), used to choose readable text colours.
    pub fn luminance(self) -> f32 {
        fn lin(c: u8) -> f32 {
            let c = f32::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }
}

impl Point {
    pub const fn new(x: f32, y: f32) -> Point {
        Point { x, y }
    }
}

impl Rect {
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    /// The rectangle spanning two x positions and two y positions, in any order.
    pub fn span(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect {
            x: x0.min(x1),
            y: y0.min(y1),
            w: (x1 - x0).abs(),
            h: (y1 - y0).abs(),
        }
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// Whether the point lies inside (edges included).
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
    }

    /// Whether the two rectangles share interior area (touching edges do not count).
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    /// The rectangle grown by `d` on every side.
    pub fn inflate(&self, d: f32) -> Rect {
        Rect::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }
}

impl Stroke {
    pub const fn solid(color: Color, width: f32) -> Stroke {
        Stroke {
            color,
            width,
            dash: None,
        }
    }

    pub const fn dashed(color: Color, width: f32, dash: f32, gap: f32) -> Stroke {
        Stroke {
            color,
            width,
            dash: Some((dash, gap)),
        }
    }
}

/// Returns what lies under the pixel `(x, y)` (logical pixels), if anything. When regions
/// overlap, the one added last (drawn on top) wins. For a cohort row, the date under the
/// pointer is filled in from the chart's date axis.
pub fn hit_test(layout: &Layout, x: f32, y: f32) -> Option<Hit> {
    let mut hit = layout
        .hits
        .iter()
        .rev()
        .find(|h| h.rect.contains(x, y))
        .map(|h| h.hit.clone())?;
    if let (HitTarget::CohortRow { date, .. }, Some(axis)) = (&mut hit.target, layout.date_axis) {
        let scale = crate::chart::axis::DateScale::new(axis.start, axis.end, axis.x0, axis.x1);
        *date = scale.date_at(x);
    }
    Some(hit)
}

impl Layout {
    /// A statistical chart's layout: no date axis and no labels that others must avoid, the
    /// `front` items (labels) painted over `items`, and the numbers behind it as its table.
    pub fn statistical(
        (width, height): (f32, f32),
        title: String,
        description: String,
        (mut items, front): (Vec<Item>, Vec<Item>),
        hits: Vec<HitRegion>,
        table: Table,
    ) -> Layout {
        items.extend(front);
        Layout {
            width,
            height: height.ceil(),
            title,
            description,
            items,
            hits,
            label_boxes: Vec::new(),
            date_axis: None,
            table: Some(table),
        }
    }

    /// The layout as text, one item per line, with positions rounded to a tenth of a pixel:
    /// the form layout snapshot tests compare.
    pub fn to_snapshot(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "size {} x {}", n(self.width), n(self.height));
        let _ = writeln!(out, "title {:?}", self.title);
        let _ = writeln!(out, "desc {:?}", self.description);
        for item in &self.items {
            item.snapshot(&mut out);
        }
        for h in &self.hits {
            let _ = write!(out, "hit {} -> {}", rect(&h.rect), target(&h.hit.target));
            if let Some(s) = h.hit.source {
                let _ = write!(out, " source {}:{}", s.table, s.row);
            }
            if let Some(r) = h.hit.text_row {
                let _ = write!(out, " text_row {r}");
            }
            let _ = writeln!(out, " {:?}", h.hit.label);
        }
        out
    }

    /// Every text item's string, in paint order (for tests and for searching).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|i| match i {
            Item::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
    }
}

impl Item {
    fn snapshot(&self, out: &mut String) {
        let _ = match self {
            Item::Rect {
                rect: r,
                fill,
                pattern,
                stroke,
            } => {
                let _ = write!(out, "rect {}", rect(r));
                if let Some(f) = fill {
                    let _ = write!(out, " fill {}", f.hex());
                }
                if let Some(p) = pattern {
                    let _ = write!(
                        out,
                        " pattern {:?} {} {}",
                        p.kind,
                        p.color.hex(),
                        n(p.spacing)
                    );
                }
                if let Some(s) = stroke {
                    let _ = write!(out, " stroke {}", stroke_text(s));
                }
                writeln!(out)
            }
            Item::Line { from, to, stroke } => writeln!(
                out,
                "line {} {} -> {} {} {}",
                n(from.x),
                n(from.y),
                n(to.x),
                n(to.y),
                stroke_text(stroke)
            ),
            Item::Polyline { points, stroke } => {
                let _ = write!(out, "polyline {}", stroke_text(stroke));
                for p in points {
                    let _ = write!(out, " {},{}", n(p.x), n(p.y));
                }
                writeln!(out)
            }
            Item::Polygon {
                points,
                fill,
                stroke,
            } => {
                let _ = write!(out, "polygon fill {}", fill.hex());
                if let Some(s) = stroke {
                    let _ = write!(out, " stroke {}", stroke_text(s));
                }
                for p in points {
                    let _ = write!(out, " {},{}", n(p.x), n(p.y));
                }
                writeln!(out)
            }
            Item::Marker {
                at,
                size,
                shape,
                fill,
                stroke,
            } => {
                let _ = write!(
                    out,
                    "marker {:?} {} {} size {}",
                    shape,
                    n(at.x),
                    n(at.y),
                    n(*size)
                );
                if let Some(f) = fill {
                    let _ = write!(out, " fill {}", f.hex());
                }
                if let Some(s) = stroke {
                    let _ = write!(out, " stroke {}", stroke_text(s));
                }
                writeln!(out)
            }
            Item::Text(t) => writeln!(
                out,
                "text {} {} {:?} {} {:?} {} {:?}",
                n(t.at.x),
                n(t.at.y),
                t.anchor,
                n(t.size),
                t.weight,
                t.color.hex(),
                t.text
            ),
        };
    }
}

fn n(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

fn rect(r: &Rect) -> String {
    format!("{} {} {}x{}", n(r.x), n(r.y), n(r.w), n(r.h))
}

fn stroke_text(s: &Stroke) -> String {
    match s.dash {
        Some((d, g)) => format!("{} {} dash {} {}", s.color.hex(), n(s.width), n(d), n(g)),
        None => format!("{} {}", s.color.hex(), n(s.width)),
    }
}

fn target(t: &HitTarget) -> String {
    match t {
        HitTarget::Placement { period, index } => format!("placement {period}.{index}"),
        HitTarget::Legal { index } => format!("legal {index}"),
        HitTarget::Event { index } => format!("event {index}"),
        HitTarget::Stage { index } => format!("stage {index}"),
        HitTarget::CareGap { period } => format!("care_gap {period}"),
        HitTarget::CohortRow { row, date } => format!("cohort_row {row} {date}"),
        HitTarget::Point { series, index } => format!("point {series}.{index}"),
        HitTarget::Bar { series, index } => format!("bar {series}.{index}"),
        HitTarget::Curve { series, index } => format!("curve {series}.{index}"),
        HitTarget::Bin { index } => format!("bin {index}"),
        HitTarget::Box { series } => format!("box {series}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of hit target reads back from the JSON it writes (the shape hit tests
    /// answer in, `kind` beside the fields), as the main-thread painter reads a layout.
    #[test]
    fn every_hit_target_reads_back_from_its_json() {
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).expect("a date");
        let all = [
            HitTarget::Placement {
                period: 1,
                index: 2,
            },
            HitTarget::Legal { index: 3 },
            HitTarget::Event { index: 4 },
            HitTarget::Stage { index: 5 },
            HitTarget::CareGap { period: 6 },
            HitTarget::CohortRow { row: 7, date },
            HitTarget::Point {
                series: 8,
                index: 9,
            },
            HitTarget::Bar {
                series: 10,
                index: 11,
            },
            HitTarget::Curve {
                series: 12,
                index: 13,
            },
            HitTarget::Bin { index: 14 },
            HitTarget::Box { series: 15 },
        ];
        for t in &all {
            // Every variant is in `all`: a new one must be added there too.
            match t {
                HitTarget::Placement { .. }
                | HitTarget::Legal { .. }
                | HitTarget::Event { .. }
                | HitTarget::Stage { .. }
                | HitTarget::CareGap { .. }
                | HitTarget::CohortRow { .. }
                | HitTarget::Point { .. }
                | HitTarget::Bar { .. }
                | HitTarget::Curve { .. }
                | HitTarget::Bin { .. }
                | HitTarget::Box { .. } => {}
            }
            let json = serde_json::to_string(t).expect("writes");
            let back: HitTarget = serde_json::from_str(&json).expect("reads back");
            assert_eq!(&back, t, "{json}");
        }
        let read = |json: &str| serde_json::from_str::<HitTarget>(json);
        assert_eq!(
            serde_json::to_string(&all[0]).expect("writes"),
            r#"{"kind":"placement","period":1,"index":2}"#
        );
        assert_eq!(
            read(r#"{"kind":"cohort_row","row":7,"date":"2024-02-29"}"#).expect("reads"),
            HitTarget::CohortRow { row: 7, date }
        );
        // A field of another kind is ignored; a missing one is named.
        assert_eq!(
            read(r#"{"kind":"bin","index":1,"series":2}"#).expect("reads"),
            HitTarget::Bin { index: 1 }
        );
        let missing = read(r#"{"kind":"bar","series":1}"#).expect_err("no index");
        assert!(missing.to_string().contains("needs its index"), "{missing}");
        let no_date = read(r#"{"kind":"cohort_row","row":1}"#).expect_err("no date");
        assert!(no_date.to_string().contains("needs its date"), "{no_date}");
        assert!(read(r#"{"kind":"sofa","index":1}"#).is_err());
        assert!(read(r#"{"index":1}"#).is_err());
    }

    fn region(x: f32, label: &str) -> HitRegion {
        HitRegion {
            rect: Rect::new(x, 0.0, 10.0, 10.0),
            hit: Hit {
                target: HitTarget::Stage { index: 0 },
                label: label.to_string(),
                source: None,
                text_row: None,
            },
        }
    }

    #[test]
    fn the_last_region_added_wins_and_misses_are_none() {
        let layout = Layout {
            hits: vec![region(0.0, "under"), region(5.0, "over")],
            ..Layout::default()
        };
        assert_eq!(
            hit_test(&layout, 2.0, 2.0).map(|h| h.label),
            Some("under".into())
        );
        assert_eq!(
            hit_test(&layout, 7.0, 2.0).map(|h| h.label),
            Some("over".into())
        );
        assert_eq!(hit_test(&layout, 20.0, 2.0), None);
    }

    #[test]
    fn touching_rectangles_do_not_intersect() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert!(!a.intersects(&Rect::new(10.0, 0.0, 5.0, 5.0)));
        assert!(a.intersects(&Rect::new(9.5, 9.5, 5.0, 5.0)));
    }
}
