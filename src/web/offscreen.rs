//! Painting charts inside the worker: a plotters `DrawingBackend` over an `OffscreenCanvas`,
//! so the one painter (`crate::chart::paint`) draws in the Web Worker that holds the data and
//! the page only shows the finished bitmap.
//!
//! This module owns the translation of backend primitives into `OffscreenCanvasRenderingContext2d`
//! calls (a port of plotters-canvas, which only knows the DOM canvas). It makes no layout or
//! styling decisions: everything comes from the layout and the painter.

use crate::chart::{paint, Layout, PaintOptions};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{OffscreenCanvas, OffscreenCanvasRenderingContext2d};

/// Paints `layout` on a new offscreen canvas `scale` times the layout's CSS size (pass the
/// screen's `devicePixelRatio` for display, or more for a high-resolution export).
pub fn paint_offscreen(layout: &Layout, scale: f64) -> Result<OffscreenCanvas, JsValue> {
    let scale = if scale.is_finite() && scale > 0.0 {
        scale.min(8.0)
    } else {
        1.0
    };
    let width = (f64::from(layout.width) * scale)
        .round()
        .clamp(1.0, 16384.0) as u32;
    let height = (f64::from(layout.height) * scale)
        .round()
        .clamp(1.0, 16384.0) as u32;
    let canvas = OffscreenCanvas::new(width, height)?;
    let context: OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("the canvas has no 2D context"))?
        .dyn_into()?;
    text_as_measured(&context);
    let mut backend = OffscreenBackend {
        width,
        height,
        context,
        state: State::default(),
    };
    paint(layout, &mut backend, &PaintOptions::canvas(scale as f32))
        .map_err(|e| JsValue::from_str(&format!("drawing the chart failed: {e}")))?;
    Ok(canvas)
}

/// Makes `context` (a 2D context, on or off screen) draw text exactly as wide as the layout
/// measured it: with no kerning, as the bundled metrics have none (the page registers the
/// bundled font under the family the painter asks for first, see `www/driftline.js`).
/// Resizing a canvas resets its context, so call this after setting the size.
pub(crate) fn text_as_measured(context: &JsValue) {
    // `fontKerning` is set by name: a browser without it kerns, which only narrows text.
    let _ = js_sys::Reflect::set(
        context,
        &JsValue::from_str("fontKerning"),
        &JsValue::from_str("none"),
    );
}

/// The backend: the context and the canvas's size in backend pixels.
pub struct OffscreenBackend {
    width: u32,
    height: u32,
    context: OffscreenCanvasRenderingContext2d,
    state: State,
}

/// The context's drawing state as this backend last set it. Setting a style makes the
/// browser parse a CSS colour, and a cohort view of thousands of children fills tens of
/// thousands of rectangles in a handful of colours, so a style is only set when it changes.
#[derive(Default)]
struct State {
    fill: Option<ColorKey>,
    stroke: Option<ColorKey>,
    line_width: Option<u32>,
    font: String,
}

/// A colour as a comparable key: its channels and the bits of its opacity.
type ColorKey = (u8, u8, u8, u64);

fn color_key(color: BackendColor) -> ColorKey {
    let (r, g, b) = color.rgb;
    (r, g, b, color.alpha.to_bits())
}

/// A drawing call the canvas refused.
#[derive(Debug)]
pub struct CanvasError(String);

impl std::fmt::Display for CanvasError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "canvas error: {}", self.0)
    }
}

impl std::error::Error for CanvasError {}

fn error_cast(e: JsValue) -> DrawingErrorKind<CanvasError> {
    DrawingErrorKind::DrawingError(CanvasError(
        e.as_string().unwrap_or_else(|| "unknown".to_string()),
    ))
}

fn css_color(color: BackendColor) -> String {
    let (r, g, b) = color.rgb;
    format!("rgba({r},{g},{b},{})", color.alpha)
}

impl OffscreenBackend {
    fn set_line_style(&mut self, style: &impl BackendStyle) {
        let key = color_key(style.color());
        if self.state.stroke != Some(key) {
            self.context.set_stroke_style_str(&css_color(style.color()));
            self.state.stroke = Some(key);
        }
        let width = style.stroke_width();
        if self.state.line_width != Some(width) {
            self.context.set_line_width(f64::from(width));
            self.state.line_width = Some(width);
        }
    }

    fn set_fill(&mut self, color: BackendColor) {
        let key = color_key(color);
        if self.state.fill != Some(key) {
            self.context.set_fill_style_str(&css_color(color));
            self.state.fill = Some(key);
        }
    }
}

type Res = Result<(), DrawingErrorKind<CanvasError>>;

impl DrawingBackend for OffscreenBackend {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn ensure_prepared(&mut self) -> Res {
        Ok(())
    }

    fn present(&mut self) -> Res {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Res {
        if color.alpha == 0.0 {
            return Ok(());
        }
        self.set_fill(color);
        self.context
            .fill_rect(f64::from(point.0), f64::from(point.1), 1.0, 1.0);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Res {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (from, to) = fine_lines(from, to);
        self.set_line_style(style);
        self.context.begin_path();
        self.context.move_to(from.0, from.1);
        self.context.line_to(to.0, to.1);
        self.context.stroke();
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Res {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (x, y) = (f64::from(upper_left.0), f64::from(upper_left.1));
        let (w, h) = (
            f64::from(bottom_right.0 - upper_left.0),
            f64::from(bottom_right.1 - upper_left.1),
        );
        if fill {
            self.set_fill(style.color());
            self.context.fill_rect(x, y, w, h);
        } else {
            self.set_line_style(style);
            self.context.stroke_rect(x, y, w, h);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Res {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let mut path = path.into_iter();
        self.context.begin_path();
        if let Some(start) = path.next() {
            self.set_line_style(style);
            self.context.move_to(f64::from(start.0), f64::from(start.1));
            for next in path {
                self.context.line_to(f64::from(next.0), f64::from(next.1));
            }
        }
        self.context.stroke();
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Res {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let mut path = path.into_iter();
        self.context.begin_path();
        if let Some(start) = path.next() {
            self.set_fill(style.color());
            self.context.move_to(f64::from(start.0), f64::from(start.1));
            for next in path {
                self.context.line_to(f64::from(next.0), f64::from(next.1));
            }
            self.context.close_path();
        }
        self.context.fill();
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Res {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        if fill {
            self.set_fill(style.color());
        } else {
            self.set_line_style(style);
        }
        self.context.begin_path();
        self.context
            .arc(
                f64::from(center.0),
                f64::from(center.1),
                f64::from(radius),
                0.0,
                std::f64::consts::PI * 2.0,
            )
            .map_err(error_cast)?;
        if fill {
            self.context.fill();
        } else {
            self.context.stroke();
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Res {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (mut x, mut y) = (pos.0, pos.1);
        let degree = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 90.0,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
        } / 180.0
            * std::f64::consts::PI;
        if degree != 0.0 {
            self.context.save();
            self.context
                .translate(f64::from(x), f64::from(y))
                .map_err(error_cast)?;
            self.context.rotate(degree).map_err(error_cast)?;
            x = 0;
            y = 0;
        }
        self.context.set_text_baseline(match style.anchor().v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        });
        self.context.set_text_align(match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "center",
        });
        self.set_fill(color);
        let font = format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str(),
        );
        if self.state.font != font {
            self.context.set_font(&font);
            self.state.font = font;
        }
        self.context
            .fill_text(text, f64::from(x), f64::from(y))
            .map_err(error_cast)?;
        if degree != 0.0 {
            // `restore` brings back every style as it was at `save`: what was set inside is
            // no longer in force, so nothing is assumed about the context any more.
            self.context.restore();
            self.state = State::default();
        }
        Ok(())
    }
}

/// Moves horizontal and vertical lines onto half pixels so they are not blurred.
fn fine_lines(from: BackendCoord, to: BackendCoord) -> ((f64, f64), (f64, f64)) {
    let mut from = (f64::from(from.0), f64::from(from.1));
    let mut to = (f64::from(to.0), f64::from(to.1));
    if from.0 == to.0 {
        from.0 -= 0.5;
        to.0 -= 0.5;
    }
    if from.1 == to.1 {
        from.1 -= 0.5;
        to.1 -= 0.5;
    }
    (from, to)
}
