//! Text measurement for chart layout: one trait, and a deterministic default that reads
//! advance widths from tables embedded from the bundled Liberation Sans fonts.
//!
//! This module owns how wide a label is. It does not draw text (the painter does) and never
//! asks a browser or the operating system for fonts, so the same input gives the same layout
//! natively, in the browser and in tests. Liberation Sans is metric-compatible with Arial, and
//! the painters ask for [`FONT_STACK`], so what is painted matches what was measured.

use super::font_metrics::{BOLD, REGULAR, UNITS_PER_EM};
use super::layout::Weight;

/// The CSS font stack the painters use. The page registers the bundled Liberation Sans under
/// its first name (`www/driftline.js`, in each worker and on the page) and the canvas painters
/// turn kerning off, so drawn text is exactly as wide as measured; Arial shares its advance
/// widths and Helvetica is close to both, for SVG files opened elsewhere.
pub const FONT_STACK: &str = "Liberation Sans, Arial, Helvetica, sans-serif";

/// The ascent of the font above the baseline, as a fraction of the font size.
pub const ASCENT: f32 = 0.905;
/// The descent of the font below the baseline, as a fraction of the font size.
pub const DESCENT: f32 = 0.212;
/// The height of capital letters above the baseline, as a fraction of the font size.
pub const CAP_HEIGHT: f32 = 0.716;

/// Measures single lines of text for layout.
pub trait TextMeasure {
    /// The advance width of `text` at `size` logical pixels.
    fn width(&self, text: &str, size: f32, weight: Weight) -> f32;
}

/// The default measurer: Liberation Sans advance widths, no kerning (kerning only narrows
/// text, so labels measured this way never come out too small).
#[derive(Clone, Copy, Debug, Default)]
pub struct BundledMetrics;

impl TextMeasure for BundledMetrics {
    fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        let table = match weight {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        };
        let units: u32 = text.chars().map(|c| u32::from(advance(table, c))).sum();
        units as f32 / UNITS_PER_EM * size
    }
}

/// The advance of one character in font units; characters outside the tables get the width
/// of a digit (most Latin text), or a full em for wide scripts.
fn advance(table: &[(u32, &[u16])], c: char) -> u16 {
    let cp = u32::from(c);
    let idx = table.partition_point(|(start, _)| *start <= cp);
    if idx > 0 {
        if let Some((start, widths)) = table.get(idx - 1) {
            if let Some(w) = widths.get((cp - start) as usize) {
                return *w;
            }
        }
    }
    if cp >= 0x2E80 {
        UNITS_PER_EM as u16
    } else {
        1139
    }
}

/// Shortens `text` with an ellipsis so that it fits in `max_width`; returns it unchanged if
/// it fits, and an empty string if not even the ellipsis fits.
pub fn fit(
    measure: &dyn TextMeasure,
    text: &str,
    size: f32,
    weight: Weight,
    max_width: f32,
) -> String {
    if measure.width(text, size, weight) <= max_width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let candidate: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if measure.width(&candidate, size, weight) <= max_width {
            return candidate;
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font_tables() {
        let m = BundledMetrics;
        // "i" is 455 units and "W" 1933 units in Liberation Sans Regular (2048 per em).
        assert!((m.width("i", 2048.0, Weight::Regular) - 455.0).abs() < 1e-3);
        assert!((m.width("W", 2048.0, Weight::Regular) - 1933.0).abs() < 1e-3);
        assert!(m.width("Panel", 12.0, Weight::Bold) > m.width("Panel", 12.0, Weight::Regular));
        // An arrow is in the tables; a character outside them falls back to a digit's width.
        assert!(m.width("→", 12.0, Weight::Regular) > 0.0);
        assert_eq!(
            m.width("\u{0400}", 2048.0, Weight::Regular),
            m.width("0", 2048.0, Weight::Regular)
        );
    }

    #[test]
    fn fit_shortens_with_an_ellipsis() {
        let m = BundledMetrics;
        let long = "Permanence planning meeting";
        let max = m.width("Permanence", 12.0, Weight::Regular);
        let short = fit(&m, long, 12.0, Weight::Regular, max);
        assert!(short.ends_with('…'));
        assert!(m.width(&short, 12.0, Weight::Regular) <= max);
        assert_eq!(fit(&m, "LAC", 12.0, Weight::Regular, 100.0), "LAC");
        assert_eq!(fit(&m, "LAC", 12.0, Weight::Regular, 1.0), "");
    }
}
