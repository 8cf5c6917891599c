//! Checks that the advance-width tables embedded in `src/chart/font_metrics.rs` are exactly
//! the advance widths of the bundled Liberation Sans fonts, and regenerates the file when
//! `UPDATE_SNAPSHOTS=1` is set.
//!
//! The chart layout measures text with those tables (native and browser layouts must agree and
//! tests must be deterministic), so the tables and the fonts that paint the PNGs must not drift
//! apart.

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

const GENERATED: &str = "src/chart/font_metrics.rs";

/// The characters measured: printable ASCII, Latin-1, Latin Extended-A, general punctuation,
/// arrows, a few mathematical signs and geometric shapes. Characters the font lacks are left
/// out (the measurer falls back to an average width for them).
fn covered() -> impl Iterator<Item = u32> {
    (0x20..=0x7E)
        .chain(0xA0..=0x17F)
        .chain(0x2010..=0x2044)
        .chain(0x2190..=0x2195)
        .chain([0x2212, 0x2264, 0x2265, 0x20AC])
        .chain(0x25A0..=0x25CF)
}

fn table(bytes: &[u8]) -> (u16, Vec<(u32, Vec<u16>)>) {
    let font = FontRef::new(bytes).expect("the bundled font parses");
    let upem = font.head().map(|h| h.units_per_em()).expect("head table");
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let mut runs: Vec<(u32, Vec<u16>)> = Vec::new();
    let mut last: Option<u32> = None;
    let mut points: Vec<u32> = covered().collect();
    points.sort_unstable();
    points.dedup();
    for cp in points {
        let Some(gid) = charmap.map(cp) else {
            continue;
        };
        if gid.to_u32() == 0 {
            continue;
        }
        let adv = metrics.advance_width(gid).expect("advance width") as u16;
        match runs.last_mut() {
            Some((_, widths)) if last == Some(cp - 1) => widths.push(adv),
            _ => runs.push((cp, vec![adv])),
        }
        last = Some(cp);
    }
    (upem, runs)
}

fn render(name: &str, runs: &[(u32, Vec<u16>)], out: &mut String) {
    out.push_str(&format!(
        "pub(crate) static {name}: &[(u32, &[u16])] = &[\n"
    ));
    for (start, widths) in runs {
        out.push_str(&format!("    (0x{start:04X}, &["));
        for (i, w) in widths.iter().enumerate() {
            if i % 16 == 0 {
                out.push_str("\n        ");
            } else {
                out.push(' ');
            }
            out.push_str(&format!("{w},"));
        }
        out.push_str("\n    ]),\n");
    }
    out.push_str("];\n");
}

fn generate() -> String {
    let regular = include_bytes!("../src/chart/fonts/LiberationSans-Regular.ttf");
    let bold = include_bytes!("../src/chart/fonts/LiberationSans-Bold.ttf");
    let (upem_r, runs_r) = table(regular);
    let (upem_b, runs_b) = table(bold);
    assert_eq!(upem_r, upem_b, "both weights share one em size");
    let mut out = String::new();
    out.push_str(
        "//! GENERATED FILE, do not edit: `UPDATE_SNAPSHOTS=1 cargo test --test chart_font_metrics`\n\
         //! writes it from `src/chart/fonts/LiberationSans-{Regular,Bold}.ttf` (SIL OFL 1.1).\n\
         //!\n\
         //! Advance widths in font units, in runs of consecutive code points. Liberation Sans is\n\
         //! metric-compatible with Arial, so the same widths hold for the browser's font stack.\n\n",
    );
    out.push_str(&format!(
        "pub(crate) const UNITS_PER_EM: f32 = {upem_r}.0;\n\n"
    ));
    render("REGULAR", &runs_r, &mut out);
    out.push('\n');
    render("BOLD", &runs_b, &mut out);
    out
}

#[test]
fn embedded_advance_widths_match_the_bundled_fonts() {
    let expected = generate();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(GENERATED, &expected).expect("write the generated table");
    }
    let actual = std::fs::read_to_string(GENERATED).unwrap_or_default();
    assert!(
        actual == expected,
        "{GENERATED} is out of date with the bundled fonts; rerun with UPDATE_SNAPSHOTS=1"
    );
}

/// The page draws charts with the bundled font registered under the painters' first family
/// (`www/driftline.js` and `www/worker.js`), so the browser test's expected width of
/// "Permanence" (worked here from the font's advance widths) is what the canvas draws.
#[test]
fn the_page_registers_the_bundled_font_under_the_painters_first_family() {
    use driftline::chart::layout::Weight;
    use driftline::chart::{BundledMetrics, TextMeasure, FONT_STACK};
    let first = FONT_STACK.split(',').next().unwrap_or_default().trim();
    assert_eq!(first, "Liberation Sans");
    let page = std::fs::read_to_string("www/driftline.js").expect("www/driftline.js");
    assert!(
        page.contains(&format!("const CHART_FONT_FAMILY = '{first}';")),
        "www/driftline.js registers the chart font under another name than {first}"
    );
    // Regular: P 1366, e 1139 ×3, r 682, m 1706, a 1139, n 1139 ×2, c 1024 = 11612 units;
    // bold: P 1366, e 1139 ×3, r 797, m 1821, a 1139, n 1251 ×2, c 1139 = 12181 units (2048 per em).
    let regular = BundledMetrics.width("Permanence", 12.0, Weight::Regular);
    let bold = BundledMetrics.width("Permanence", 12.0, Weight::Bold);
    assert!(
        (regular - 11612.0 / 2048.0 * 12.0).abs() < 1e-4,
        "{regular}"
    );
    assert!((bold - 12181.0 / 2048.0 * 12.0).abs() < 1e-4, "{bold}");
}
