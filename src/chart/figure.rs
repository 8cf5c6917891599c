//! What the statistical charts (delay, survival, distribution, SPC) share: the title block,
//! round axis ticks, value wording, the words for breakdowns and their groups, targets in
//! days, word wrapping, and the legend row.
//!
//! This module owns those small layout conventions so that every statistical chart reads
//! alike. It holds no chart of its own and computes no statistics.

use super::layout::Weight;
use super::layout::{Anchor, Color, Item, MarkerShape, Pattern, Point, Rect, Stroke, TextItem};
use super::palette;
use super::text::TextMeasure;
use crate::stats::{group_label, Breakdown, CalendarDuration, DurationUnit};

/// The left edge of titles and plots.
pub const MARGIN: f32 = 24.0;
pub const TITLE_SIZE: f32 = 18.0;
pub const SUBTITLE_SIZE: f32 = 12.0;
pub const AXIS_SIZE: f32 = 11.0;
pub const LABEL_SIZE: f32 = 12.0;

/// The plot's frame, drawn over the data (`front`): its bottom edge from `x0` to `x1` and its
/// left edge from `top` to `bottom`, in the reference colour.
pub fn plot_frame(front: &mut Vec<Item>, (x0, x1): (f32, f32), (top, bottom): (f32, f32)) {
    front.push(Item::Line {
        from: Point::new(x0, bottom),
        to: Point::new(x1, bottom),
        stroke: Stroke::solid(palette::REFERENCE, 1.0),
    });
    front.push(Item::Line {
        from: Point::new(x0, top),
        to: Point::new(x0, bottom),
        stroke: Stroke::solid(palette::REFERENCE, 1.0),
    });
}

/// Adds a single line of text.
#[allow(clippy::too_many_arguments)]
pub fn push_text(
    items: &mut Vec<Item>,
    x: f32,
    y: f32,
    text: &str,
    size: f32,
    weight: Weight,
    anchor: Anchor,
    color: Color,
) {
    items.push(Item::Text(TextItem {
        at: Point::new(x, y),
        text: text.to_string(),
        size,
        weight,
        anchor,
        color,
    }));
}

/// Lays out the title and a subtitle wrapped to the chart's width; returns the y below them.
pub fn title_block(
    items: &mut Vec<Item>,
    width: f32,
    title: &str,
    subtitle: &str,
    measure: &dyn TextMeasure,
) -> f32 {
    let max = width - 2.0 * MARGIN;
    let mut y = 30.0;
    for line in wrap(measure, title, TITLE_SIZE, Weight::Bold, max, 2) {
        push_text(
            items,
            MARGIN,
            y,
            &line,
            TITLE_SIZE,
            Weight::Bold,
            Anchor::Start,
            palette::TEXT,
        );
        y += TITLE_SIZE * 1.25;
    }
    y -= TITLE_SIZE * 1.25;
    y += 20.0;
    for line in wrap(measure, subtitle, SUBTITLE_SIZE, Weight::Regular, max, 3) {
        push_text(
            items,
            MARGIN,
            y,
            &line,
            SUBTITLE_SIZE,
            Weight::Regular,
            Anchor::Start,
            palette::MUTED,
        );
        y += SUBTITLE_SIZE * 1.4;
    }
    y + 4.0
}

/// Round tick values covering `lo..hi` (about `count` of them) and the range they span.
pub fn nice_ticks(lo: f64, hi: f64, count: f64) -> (Vec<f64>, f64, f64) {
    let (lo, hi) = if (hi - lo).is_nan() || hi - lo < 1e-9 {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let step = nice_step((hi - lo) / count.max(1.0));
    let start = (lo / step).floor() * step;
    let end = (hi / step).ceil() * step;
    let mut ticks = Vec::new();
    let mut t = start;
    while t <= end + step * 0.5 && ticks.len() < 60 {
        ticks.push(t);
        t += step;
    }
    (ticks, start, end.max(start + step))
}

/// The smallest of 1, 2, 2.5, 5 and 10 times a power of ten that is at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 {
        raw
    } else {
        1.0
    };
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag)
}

/// A value as shown: whole numbers plainly, others to at most two decimals.
pub fn fmt_value(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

/// Days as shown on delay charts: whole days, or halves for an even count's median.
pub fn fmt_days(v: f64) -> String {
    let r = (v * 2.0).round() / 2.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// The length of a target in days: exact for days and weeks, the average calendar length for
/// months (30.44 days) and years (365.25 days), since those vary with the start date.
pub fn target_days(d: CalendarDuration) -> f64 {
    let n = f64::from(d.count);
    match d.unit {
        DurationUnit::Days => n,
        DurationUnit::Weeks => 7.0 * n,
        DurationUnit::Months => 30.4375 * n,
        DurationUnit::Years => 365.25 * n,
    }
}

/// "6 weeks (42 days)", "6 months (about 183 days)".
pub fn target_words(d: CalendarDuration) -> String {
    let days = target_days(d);
    match d.unit {
        DurationUnit::Days => d.to_string(),
        DurationUnit::Weeks => format!("{d} ({} days)", days as i64),
        DurationUnit::Months | DurationUnit::Years => {
            format!("{d} (about {} days)", days.round() as i64)
        }
    }
}

/// What a breakdown is, in words ("placement on the stage's first day"); an attribute by its
/// name.
pub fn breakdown_words(id: &str) -> String {
    match (Breakdown::from_id(id), id.strip_prefix("attribute:")) {
        (Some(b), _) => b.words().to_string(),
        (None, Some(name)) => name.to_string(),
        (None, None) => id.replace('_', " "),
    }
}

/// A group of a breakdown, in words ("Foster care", "1 to 4"): the label the page's tables
/// give it ([`crate::stats::group_label`]).
pub fn group_words(breakdown: &str, value: &str) -> String {
    group_label(breakdown, value)
}

/// Splits `text` into at most `max_lines` lines no wider than `max_width`, breaking at spaces;
/// the last line is shortened with an ellipsis if the text does not fit.
pub fn wrap(
    measure: &dyn TextMeasure,
    text: &str,
    size: f32,
    weight: Weight,
    max_width: f32,
    max_lines: usize,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let candidate = if current.is_empty() {
            words[i].to_string()
        } else {
            format!("{current} {}", words[i])
        };
        if measure.width(&candidate, size, weight) <= max_width || current.is_empty() {
            current = candidate;
            i += 1;
        } else {
            // The last allowed line takes the rest of the text and is shortened below.
            if lines.len() + 1 >= max_lines.max(1) {
                break;
            }
            lines.push(std::mem::take(&mut current));
        }
    }
    if i < words.len() {
        let rest = words[i..].join(" ");
        current = if current.is_empty() {
            rest
        } else {
            format!("{current} {rest}")
        };
    }
    if !current.is_empty() {
        lines.push(super::text::fit(measure, &current, size, weight, max_width));
    }
    lines
}

/// One entry of a legend row.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// A filled box, optionally patterned.
    Box(Color, Option<Pattern>),
    /// A short line.
    Line(Stroke),
    /// A marker shape.
    Marker(MarkerShape, Color),
    /// A box with a line across its middle (a box plot).
    Band(Color),
    /// A horizontal line with end caps (an interval).
    Whisker(Color),
    /// A vertical target line with a marker on top.
    Target(Color),
}

/// Lays out a legend from `x` along one or more rows starting at baseline `y`, wrapping at
/// `max_x`; returns the baseline of the last row.
pub fn legend(
    items: &mut Vec<Item>,
    entries: &[(Key, String)],
    x: f32,
    y: f32,
    max_x: f32,
    measure: &dyn TextMeasure,
) -> f32 {
    let mut cx = x;
    let mut y = y;
    for (key, label) in entries {
        let w = 24.0 + measure.width(label, AXIS_SIZE, Weight::Regular) + 18.0;
        if cx > x && cx + w > max_x {
            cx = x;
            y += 18.0;
        }
        let mid = y - 4.0;
        match key {
            Key::Box(fill, pattern) => items.push(Item::Rect {
                rect: Rect::new(cx, mid - 6.0, 18.0, 12.0),
                fill: Some(*fill),
                pattern: *pattern,
                stroke: None,
            }),
            Key::Line(stroke) => items.push(Item::Line {
                from: Point::new(cx, mid),
                to: Point::new(cx + 18.0, mid),
                stroke: *stroke,
            }),
            Key::Marker(shape, color) => items.push(Item::Marker {
                at: Point::new(cx + 9.0, mid),
                size: 9.0,
                shape: *shape,
                fill: Some(*color),
                stroke: None,
            }),
            Key::Whisker(color) => {
                let stroke = Stroke::solid(*color, 1.2);
                items.push(Item::Line {
                    from: Point::new(cx, mid),
                    to: Point::new(cx + 18.0, mid),
                    stroke,
                });
                for x in [cx, cx + 18.0] {
                    items.push(Item::Line {
                        from: Point::new(x, mid - 3.5),
                        to: Point::new(x, mid + 3.5),
                        stroke,
                    });
                }
            }
            Key::Target(color) => {
                items.push(Item::Line {
                    from: Point::new(cx + 9.0, mid - 4.0),
                    to: Point::new(cx + 9.0, mid + 7.0),
                    stroke: Stroke::solid(*color, 2.0),
                });
                items.push(Item::Marker {
                    at: Point::new(cx + 9.0, mid - 6.0),
                    size: 8.0,
                    shape: MarkerShape::TriangleDown,
                    fill: Some(*color),
                    stroke: None,
                });
            }
            Key::Band(color) => {
                items.push(Item::Rect {
                    rect: Rect::new(cx, mid - 6.0, 18.0, 12.0),
                    fill: Some(color.alpha(70)),
                    pattern: None,
                    stroke: Some(Stroke::solid(*color, 1.0)),
                });
            }
        }
        push_text(
            items,
            cx + 24.0,
            y,
            label,
            AXIS_SIZE,
            Weight::Regular,
            Anchor::Start,
            palette::TEXT,
        );
        cx += w;
    }
    y
}

/// `n` with a singular or plural noun: "1 child", "12 children".
pub fn count(n: usize, one: &str, many: &str) -> String {
    let word = if n == 1 { one } else { many };
    format!("{} {word}", super::axis::thousands(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::text::BundledMetrics;

    #[test]
    fn values_print_plainly() {
        assert_eq!(fmt_value(84.0), "84");
        assert_eq!(fmt_value(12.345), "12.35");
        assert_eq!(fmt_value(0.5), "0.5");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let (t, lo, hi) = nice_ticks(13.0, 187.0, 6.0);
        assert_eq!(t, vec![0.0, 50.0, 100.0, 150.0, 200.0]);
        assert_eq!((lo, hi), (0.0, 200.0));
        let (t, _, _) = nice_ticks(5.0, 5.0, 6.0);
        assert!(t.first().is_some_and(|f| *f <= 4.0) && t.last().is_some_and(|l| *l >= 6.0));
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(20.0), 20.0);
    }

    #[test]
    fn targets_in_days() {
        assert_eq!(target_days(CalendarDuration::weeks(6)), 42.0);
        assert_eq!(
            target_words(CalendarDuration::weeks(12)),
            "12 weeks (84 days)"
        );
        assert_eq!(
            target_words(CalendarDuration::months(6)),
            "6 months (about 183 days)"
        );
        assert_eq!(target_words(CalendarDuration::days(14)), "14 days");
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let m = BundledMetrics;
        let text = "Became looked after to permanence recommendation";
        let lines = wrap(&m, text, 12.0, Weight::Regular, 150.0, 3);
        assert!(lines.len() >= 2);
        assert_eq!(lines.join(" "), text);
        for l in &lines {
            assert!(m.width(l, 12.0, Weight::Regular) <= 150.0);
        }
        let cut = wrap(&m, text, 12.0, Weight::Regular, 150.0, 1);
        assert_eq!(cut.len(), 1);
        assert!(cut[0].ends_with('…'));
    }

    #[test]
    fn groups_read_as_words() {
        assert_eq!(group_words("placement", "foster"), "Foster care");
        assert_eq!(group_words("age_at_entry", "1_to_4"), "1 to 4");
        assert_eq!(group_words("team", "unknown"), "Not recorded");
        assert_eq!(breakdown_words("attribute:ethnicity"), "ethnicity");
    }
}
