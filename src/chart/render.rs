//! Native output: a layout painted to an SVG string with plotters' SVG backend, and that SVG
//! rasterised to PNG bytes with resvg and the bundled fonts.
//!
//! This module owns the SVG document wrapper (size, accessible title and description) and the
//! PNG route. It adds nothing to the picture: both outputs come from [`super::paint::paint`].

use super::layout::Layout;
use super::paint::{paint, PaintOptions};
use plotters::prelude::SVGBackend;
use plotters_backend::DrawingBackend;

/// Backend pixels per logical pixel in SVG output, so that positions keep half-pixel
/// precision (plotters' backends take whole-pixel coordinates).
const SVG_SCALE: f32 = 2.0;

/// Why a chart could not be rendered.
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}

/// Paints `layout` as a standalone SVG document of the layout's logical size, with its title
/// and description for assistive technology.
pub fn render_svg(layout: &Layout) -> Result<String, RenderError> {
    let w = (layout.width * SVG_SCALE).ceil().max(1.0) as u32;
    let h = (layout.height * SVG_SCALE).ceil().max(1.0) as u32;
    let mut body = String::new();
    {
        let mut backend = SVGBackend::with_string(&mut body, (w, h));
        paint(layout, &mut backend, &PaintOptions::svg(SVG_SCALE))
            .map_err(|e| RenderError(format!("painting the SVG failed: {e}")))?;
        backend
            .present()
            .map_err(|e| RenderError(format!("finishing the SVG failed: {e}")))?;
    }
    // plotters writes `<svg width=W height=H viewBox="0 0 W H" ...>` in backend pixels: show it
    // at the logical size, and add the accessible name and description.
    let open = format!("<svg width=\"{w}\" height=\"{h}\" ");
    let Some(rest) = body.strip_prefix(&open) else {
        return Err(RenderError("unexpected SVG header from plotters".into()));
    };
    let Some(end) = rest.find('>') else {
        return Err(RenderError("unterminated SVG header from plotters".into()));
    };
    let (attrs, tail) = rest.split_at(end);
    let tail = tidy_font_sizes(tail);
    Ok(format!(
        "<svg width=\"{}\" height=\"{}\" {attrs} role=\"img\" aria-labelledby=\"chart-title chart-desc\">\n<title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">{}</desc>{}",
        fmt_px(layout.width),
        fmt_px(layout.height),
        xml_escape(&layout.title),
        xml_escape(&layout.description),
        &tail[1..]
    ))
}

/// plotters writes the font size as the given size divided by 1.24, which is not always exact
/// in floating point ("26.000000000000004"); this rounds every `font-size` to 0.01 pixel.
fn tidy_font_sizes(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find(KEY) {
        let (head, after) = rest.split_at(i + KEY.len());
        out.push_str(head);
        let Some(end) = after.find('"') else {
            rest = after;
            break;
        };
        let (value, tail) = after.split_at(end);
        match value.parse::<f64>() {
            Ok(v) => out.push_str(&format!("{}", (v * 100.0).round() / 100.0)),
            Err(_) => out.push_str(value),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn fmt_px(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    format!("{r}")
}

/// `s` as XML text: markup escaped, and invisible characters (which XML forbids or a reader
/// would not see) written visibly, `⟨U+202E⟩`.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::visible::visible_text(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Paints `layout` to PNG bytes at `scale` device pixels per logical pixel (2 for print and
/// HiDPI screens), through the SVG so that both outputs are the same picture. Text uses the
/// bundled Liberation Sans; no system font is consulted.
#[cfg(not(target_arch = "wasm32"))]
pub fn render_png(layout: &Layout, scale: f32) -> Result<Vec<u8>, RenderError> {
    use resvg::{tiny_skia, usvg};
    let svg = render_svg(layout)?;
    let mut options = usvg::Options {
        font_family: "Liberation Sans".to_string(),
        ..usvg::Options::default()
    };
    {
        let db = options.fontdb_mut();
        db.load_font_data(include_bytes!("fonts/LiberationSans-Regular.ttf").to_vec());
        db.load_font_data(include_bytes!("fonts/LiberationSans-Bold.ttf").to_vec());
        db.set_sans_serif_family("Liberation Sans");
    }
    let tree = usvg::Tree::from_str(&svg, &options)
        .map_err(|e| RenderError(format!("reading the SVG back failed: {e}")))?;
    let scale = scale.clamp(0.25, 8.0);
    let size = tree.size();
    let w = (size.width() * scale).ceil() as u32;
    let h = (size.height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1))
        .ok_or_else(|| RenderError(format!("a {w}x{h} image is too large")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError(format!("encoding the PNG failed: {e}")))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::chart::layout::{Anchor, Color, Item, Point, TextItem, Weight};

    /// A chart whose title, description and one text hold control and bidi characters (as a
    /// profile's label or a file name could).
    fn hostile() -> Layout {
        Layout {
            width: 200.0,
            height: 50.0,
            title: "Child \u{1b}]0;x\u{7} · \u{202e}timeline".into(),
            description: "two\nlines\u{0}".into(),
            items: vec![Item::Text(TextItem {
                at: Point { x: 10.0, y: 20.0 },
                text: "Bob\u{1b}[31m \u{7}\u{200b}<&>".into(),
                size: 12.0,
                weight: Weight::Regular,
                anchor: Anchor::Start,
                color: Color {
                    r: 0,
                    g: 0,
                    b: 0,
                    a: 255,
                },
            })],
            ..Layout::default()
        }
    }

    #[test]
    fn control_characters_leave_the_svg_well_formed_and_the_png_drawn() {
        let svg = render_svg(&hostile()).expect("an SVG");
        assert!(
            !svg.chars()
                .any(|c| matches!(c, '\u{0}' | '\u{7}' | '\u{1b}' | '\u{200b}' | '\u{202e}')),
            "{svg:?}"
        );
        assert!(svg.contains(
            "<title id=\"chart-title\">Child ⟨U+001B⟩]0;x⟨U+0007⟩ · ⟨U+202E⟩timeline</title>"
        ));
        assert!(
            svg.contains("Bob⟨U+001B⟩[31m ⟨U+0007⟩⟨U+200B⟩&lt;&amp;&gt;"),
            "{svg}"
        );
        // resvg's XML reader refuses a document with a control character: it reads this one.
        let png = render_png(&hostile(), 1.0).expect("a PNG");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
