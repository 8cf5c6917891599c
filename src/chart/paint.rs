//! The one painter: turns a [`Layout`] into drawing calls on any plotters `DrawingBackend`
//! (SVG natively, the HTML canvas in the browser).
//!
//! This module owns the translation of layout items into backend primitives: scaling for
//! HiDPI, dashes, hatch and dot patterns, marker shapes, and the per-backend text baseline
//! correction. It makes no layout decisions and never measures text: everything it draws was
//! positioned by the chart modules.

use super::layout::{Anchor, Color, Item, Layout, MarkerShape, Pattern, PatternKind, Point};
use super::layout::{Rect, Stroke, TextItem, Weight};
use super::text::{BundledMetrics, TextMeasure, FONT_STACK};
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontFamily, FontStyle, FontTransform,
};

/// How to paint: the scale from logical to backend pixels and which backend's text
/// conventions apply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaintOptions {
    /// Backend pixels per logical pixel (the canvas's `devicePixelRatio`; 2 for SVG so that
    /// positions keep half-pixel precision).
    pub scale: f32,
    pub target: PaintTarget,
}

/// The backends differ in how they read a font size and where they put the baseline of
/// vertically centred text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaintTarget {
    /// plotters' SVG backend: writes `font-size` as the given size divided by 1.24 and
    /// centres text with `dy="0.5ex"`.
    Svg,
    /// plotters-canvas: uses the size as CSS pixels and `textBaseline = "middle"` (the middle
    /// of the em box).
    Canvas,
}

impl PaintOptions {
    pub fn svg(scale: f32) -> PaintOptions {
        PaintOptions {
            scale,
            target: PaintTarget::Svg,
        }
    }

    pub fn canvas(device_pixel_ratio: f32) -> PaintOptions {
        PaintOptions {
            scale: device_pixel_ratio,
            target: PaintTarget::Canvas,
        }
    }
}

/// Paints `layout` on `backend`: a white background, then every item in order.
pub fn paint<DB: DrawingBackend>(
    layout: &Layout,
    backend: &mut DB,
    options: &PaintOptions,
) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
    let p = Painter {
        scale: options.scale,
        target: options.target,
    };
    backend.ensure_prepared()?;
    p.fill_rect(
        backend,
        &Rect::new(0.0, 0.0, layout.width, layout.height),
        super::palette::WHITE,
    )?;
    for item in &layout.items {
        p.item(backend, item)?;
    }
    backend.present()
}

struct Painter {
    scale: f32,
    target: PaintTarget,
}

struct Style {
    color: BackendColor,
    width: u32,
}

impl BackendStyle for Style {
    fn color(&self) -> BackendColor {
        self.color
    }
    fn stroke_width(&self) -> u32 {
        self.width
    }
}

fn backend_color(c: Color) -> BackendColor {
    BackendColor {
        alpha: f64::from(c.a) / 255.0,
        rgb: (c.r, c.g, c.b),
    }
}

type Res<DB> = Result<(), DrawingErrorKind<<DB as DrawingBackend>::ErrorType>>;

impl Painter {
    fn c(&self, v: f32) -> i32 {
        (v * self.scale).round() as i32
    }

    fn pt(&self, p: Point) -> BackendCoord {
        (self.c(p.x), self.c(p.y))
    }

    fn style(&self, color: Color, width: f32) -> Style {
        Style {
            color: backend_color(color),
            width: ((width * self.scale).round() as u32).max(1),
        }
    }

    fn item<DB: DrawingBackend>(&self, b: &mut DB, item: &Item) -> Res<DB> {
        match item {
            Item::Rect {
                rect,
                fill,
                pattern,
                stroke,
            } => {
                if let Some(f) = fill {
                    self.fill_rect(b, rect, *f)?;
                }
                if let Some(p) = pattern {
                    self.pattern(b, rect, p)?;
                }
                if let Some(s) = stroke {
                    let (x0, y0, x1, y1) = (rect.x, rect.y, rect.right(), rect.bottom());
                    let pts = [
                        Point::new(x0, y0),
                        Point::new(x1, y0),
                        Point::new(x1, y1),
                        Point::new(x0, y1),
                        Point::new(x0, y0),
                    ];
                    self.polyline(b, &pts, s)?;
                }
                Ok(())
            }
            Item::Line { from, to, stroke } => self.polyline(b, &[*from, *to], stroke),
            Item::Polyline { points, stroke } => self.polyline(b, points, stroke),
            Item::Polygon {
                points,
                fill,
                stroke,
            } => self.polygon(b, points, Some(*fill), stroke.as_ref()),
            Item::Marker {
                at,
                size,
                shape,
                fill,
                stroke,
            } => self.marker(b, *at, *size, *shape, *fill, stroke.as_ref()),
            Item::Text(t) => self.text(b, t),
        }
    }

    fn fill_rect<DB: DrawingBackend>(&self, b: &mut DB, r: &Rect, color: Color) -> Res<DB> {
        let ul = (self.c(r.x), self.c(r.y));
        let br = (self.c(r.right()), self.c(r.bottom()));
        if br.0 <= ul.0 || br.1 <= ul.1 {
            return Ok(());
        }
        b.draw_rect(ul, br, &self.style(color, 1.0), true)
    }

    fn polyline<DB: DrawingBackend>(&self, b: &mut DB, points: &[Point], s: &Stroke) -> Res<DB> {
        let style = self.style(s.color, s.width);
        match s.dash {
            None => {
                if points.len() == 2 {
                    b.draw_line(self.pt(points[0]), self.pt(points[1]), &style)
                } else {
                    b.draw_path(points.iter().map(|p| self.pt(*p)), &style)
                }
            }
            Some((dash, gap)) => {
                for w in points.windows(2) {
                    for (from, to) in dashes(w[0], w[1], dash, gap) {
                        b.draw_line(self.pt(from), self.pt(to), &style)?;
                    }
                }
                Ok(())
            }
        }
    }

    fn polygon<DB: DrawingBackend>(
        &self,
        b: &mut DB,
        points: &[Point],
        fill: Option<Color>,
        stroke: Option<&Stroke>,
    ) -> Res<DB> {
        if let Some(f) = fill {
            b.fill_polygon(points.iter().map(|p| self.pt(*p)), &self.style(f, 1.0))?;
        }
        if let (Some(s), Some(first)) = (stroke, points.first()) {
            let mut closed = points.to_vec();
            closed.push(*first);
            self.polyline(b, &closed, s)?;
        }
        Ok(())
    }

    fn marker<DB: DrawingBackend>(
        &self,
        b: &mut DB,
        at: Point,
        size: f32,
        shape: MarkerShape,
        fill: Option<Color>,
        stroke: Option<&Stroke>,
    ) -> Res<DB> {
        let r = size / 2.0;
        let (x, y) = (at.x, at.y);
        let points = match shape {
            MarkerShape::Circle => {
                let radius = ((r * self.scale).round() as u32).max(1);
                if let Some(f) = fill {
                    b.draw_circle(self.pt(at), radius, &self.style(f, 1.0), true)?;
                }
                if let Some(s) = stroke {
                    b.draw_circle(self.pt(at), radius, &self.style(s.color, s.width), false)?;
                }
                return Ok(());
            }
            MarkerShape::Diamond => vec![
                Point::new(x, y - r),
                Point::new(x + r, y),
                Point::new(x, y + r),
                Point::new(x - r, y),
            ],
            MarkerShape::Square => {
                let r = r * 0.85;
                vec![
                    Point::new(x - r, y - r),
                    Point::new(x + r, y - r),
                    Point::new(x + r, y + r),
                    Point::new(x - r, y + r),
                ]
            }
            MarkerShape::TriangleUp => vec![
                Point::new(x, y - r),
                Point::new(x + r, y + r * 0.8),
                Point::new(x - r, y + r * 0.8),
            ],
            MarkerShape::TriangleDown => vec![
                Point::new(x - r, y - r * 0.8),
                Point::new(x + r, y - r * 0.8),
                Point::new(x, y + r),
            ],
            MarkerShape::TriangleRight => vec![
                Point::new(x - r * 0.8, y - r),
                Point::new(x + r, y),
                Point::new(x - r * 0.8, y + r),
            ],
        };
        self.polygon(b, &points, fill, stroke)
    }

    fn pattern<DB: DrawingBackend>(&self, b: &mut DB, r: &Rect, p: &Pattern) -> Res<DB> {
        let stroke = Stroke::solid(p.color, 1.2);
        let s = p.spacing.max(2.0);
        let (x0, y0, x1, y1) = (r.x, r.y, r.right(), r.bottom());
        let mut lines: Vec<(Point, Point)> = Vec::new();
        let diagonal = |lines: &mut Vec<(Point, Point)>| {
            // Lines x + y = c, phased on absolute coordinates so neighbouring bars line up.
            let d = s * std::f32::consts::SQRT_2;
            let mut c = ((x0 + y0) / d).floor() * d;
            while c <= x1 + y1 {
                let xa = x0.max(c - y1);
                let xb = x1.min(c - y0);
                if xb > xa {
                    lines.push((Point::new(xa, c - xa), Point::new(xb, c - xb)));
                }
                c += d;
            }
        };
        let back = |lines: &mut Vec<(Point, Point)>| {
            // Lines x - y = c.
            let d = s * std::f32::consts::SQRT_2;
            let mut c = ((x0 - y1) / d).floor() * d;
            while c <= x1 - y0 {
                let xa = x0.max(c + y0);
                let xb = x1.min(c + y1);
                if xb > xa {
                    lines.push((Point::new(xa, xa - c), Point::new(xb, xb - c)));
                }
                c += d;
            }
        };
        let vertical = |lines: &mut Vec<(Point, Point)>| {
            let mut x = (x0 / s).floor() * s + s / 2.0;
            while x < x1 {
                if x > x0 {
                    lines.push((Point::new(x, y0), Point::new(x, y1)));
                }
                x += s;
            }
        };
        match p.kind {
            PatternKind::Diagonal => diagonal(&mut lines),
            PatternKind::BackDiagonal => back(&mut lines),
            PatternKind::Cross => {
                diagonal(&mut lines);
                back(&mut lines);
            }
            PatternKind::Horizontal | PatternKind::Grid => {
                let mut y = (y0 / s).floor() * s + s / 2.0;
                while y < y1 {
                    if y > y0 {
                        lines.push((Point::new(x0, y), Point::new(x1, y)));
                    }
                    y += s;
                }
                if p.kind == PatternKind::Grid {
                    vertical(&mut lines);
                }
            }
            PatternKind::Vertical => vertical(&mut lines),
            PatternKind::Dots => {
                let style = self.style(p.color, 1.0);
                let radius = ((1.3 * self.scale).round() as u32).max(1);
                let mut row = (y0 / s).floor() as i64;
                loop {
                    let y = row as f32 * s + s / 2.0;
                    if y > y1 - 1.0 {
                        break;
                    }
                    let offset = if row % 2 == 0 { 0.0 } else { s / 2.0 };
                    let mut x = (x0 / s).floor() * s + s / 2.0 + offset;
                    while x < x1 - 1.0 {
                        if x > x0 + 1.0 && y > y0 + 1.0 {
                            b.draw_circle(self.pt(Point::new(x, y)), radius, &style, true)?;
                        }
                        x += s;
                    }
                    row += 1;
                }
                return Ok(());
            }
        }
        for (a, z) in lines {
            self.polyline(b, &[a, z], &stroke)?;
        }
        Ok(())
    }

    fn text<DB: DrawingBackend>(&self, b: &mut DB, t: &TextItem) -> Res<DB> {
        if t.text.is_empty() {
            return Ok(());
        }
        // Both backends can centre text vertically; the baseline then sits this far below the
        // anchor, as a fraction of the font size.
        let (size, baseline_below_centre) = match self.target {
            // The SVG backend divides the size by 1.24 and shifts by 0.5ex (x-height 0.519em in
            // browsers, 0.5em in resvg).
            PaintTarget::Svg => (svg_size(t.size * self.scale), 0.255),
            // The canvas's "middle" is the middle of the em box: (ascent - descent) / 2.
            PaintTarget::Canvas => (f64::from(t.size * self.scale), 0.3465),
        };
        let y = t.at.y - baseline_below_centre * t.size;
        let style = TextStyle {
            color: backend_color(t.color),
            size,
            bold: t.weight == Weight::Bold,
            anchor: Pos::new(
                match t.anchor {
                    Anchor::Start => HPos::Left,
                    Anchor::Middle => HPos::Center,
                    Anchor::End => HPos::Right,
                },
                VPos::Center,
            ),
            layout_size: t.size * self.scale,
            weight: t.weight,
        };
        // Invisible characters are drawn visibly (`⟨U+202E⟩`): a control character would make
        // the SVG malformed, and a bidi override would reverse the rest of the line.
        let text = crate::visible::visible(&t.text);
        b.draw_text(&text, &style, self.pt(Point::new(t.at.x, y)))
    }
}

/// The size to hand plotters' SVG backend so that it writes exactly `css` as the font size
/// (it divides by 1.24).
fn svg_size(css: f32) -> f64 {
    let css = f64::from(css);
    let mut v = css * 1.24;
    // Nudge by a few ulps until the division lands exactly on the wanted size (not always
    // possible; the SVG writer rounds what is left).
    for _ in 0..8 {
        let back = v / 1.24;
        if back == css {
            break;
        }
        v = if back < css {
            f64::from_bits(v.to_bits() + 1)
        } else {
            f64::from_bits(v.to_bits() - 1)
        };
    }
    v
}

/// Splits the segment `a`–`b` into dashes.
fn dashes(a: Point, b: Point, dash: f32, gap: f32) -> Vec<(Point, Point)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt();
    let period = dash + gap;
    if len <= 0.0 || dash <= 0.0 || period <= 0.0 {
        return vec![(a, b)];
    }
    let (ux, uy) = (dx / len, dy / len);
    let mut out = Vec::new();
    let mut t = 0.0;
    while t < len {
        let e = (t + dash).min(len);
        out.push((
            Point::new(a.x + ux * t, a.y + uy * t),
            Point::new(a.x + ux * e, a.y + uy * e),
        ));
        t += period;
    }
    out
}

struct TextStyle {
    color: BackendColor,
    size: f64,
    bold: bool,
    anchor: Pos,
    layout_size: f32,
    weight: Weight,
}

/// Text measurement is never needed to paint a layout; this error reports a backend that
/// rasterises text itself (such as plotters' bitmap backend), which this painter does not
/// support.
#[derive(Debug)]
pub struct NoGlyphs;

impl std::fmt::Display for NoGlyphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("this painter draws text only on backends that render text themselves")
    }
}

impl std::error::Error for NoGlyphs {}

impl BackendTextStyle for TextStyle {
    type FontError = NoGlyphs;

    fn color(&self) -> BackendColor {
        self.color
    }

    fn size(&self) -> f64 {
        self.size
    }

    fn transform(&self) -> FontTransform {
        FontTransform::None
    }

    fn style(&self) -> FontStyle {
        if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        }
    }

    fn anchor(&self) -> Pos {
        self.anchor
    }

    fn family(&self) -> FontFamily<'_> {
        FontFamily::Name(FONT_STACK)
    }

    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        let w = BundledMetrics.width(text, self.layout_size, self.weight);
        Ok(((0, 0), (w.round() as i32, self.layout_size.round() as i32)))
    }

    fn draw<E, DrawFunc: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        _text: &str,
        _pos: BackendCoord,
        _draw: DrawFunc,
    ) -> Result<Result<(), E>, Self::FontError> {
        Err(NoGlyphs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes_round_trip_to_within_rounding() {
        for css in [9.0f32, 10.5, 11.0, 12.0, 13.0, 18.0, 22.0, 24.0, 36.0] {
            assert!(
                (svg_size(css) / 1.24 - f64::from(css)).abs() < 1e-12,
                "size {css}"
            );
        }
    }

    #[test]
    fn dashes_cover_the_segment_in_periods() {
        let d = dashes(Point::new(0.0, 0.0), Point::new(10.0, 0.0), 3.0, 2.0);
        let starts: Vec<f32> = d.iter().map(|(a, _)| a.x).collect();
        let ends: Vec<f32> = d.iter().map(|(_, b)| b.x).collect();
        assert_eq!(starts, vec![0.0, 5.0]);
        assert_eq!(ends, vec![3.0, 8.0]);
    }
}
