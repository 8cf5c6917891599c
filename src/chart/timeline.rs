//! The child's journey timeline (the PACE timeline, done better): one shared date axis with
//! the child's age marked along the top; lanes from the child's life down to the system's
//! decisions (placements, legal status, events, then the stages against their timescales);
//! reference lines for birth, care starts and ends, gaps in care and the "as at" date; a title
//! that states the headline; a legend. Colour is never the only code.
//!
//! This module owns the timeline's layout: positions, wording, label stacking and hit
//! regions. It measures text only through [`TextMeasure`] and paints nothing.

use super::axis::{birthday, date_long, duration_words, plural, DateScale};
use super::chronology::{chronology, CarerNames, Chronology, ChronologyOptions, ChronologyRef};
use super::labels::{place_labels, LabelRequest, PlacedLabel, PlacerConfig};
use super::layout::{
    Anchor, Color, DateAxis, Hit, HitRegion, HitTarget, Item, Layout, MarkerShape, Pattern,
    PatternKind, Point, Rect, Stroke, TextItem, Weight,
};
use super::palette;
use super::stage::StageBracket;
use super::text::{fit, TextMeasure, ASCENT, DESCENT};
use crate::model::{Child, Milestone};
use chrono::{Datelike, Days, NaiveDate};

/// Options for [`timeline`].
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineOptions {
    /// The date the chart is "as at": open placements and stages run to it.
    pub as_at: NaiveDate,
    /// Width in logical pixels.
    pub width: f32,
    /// Leave out the child's ID, date of birth, carers' names and free-text details, and
    /// round the age marks to the month.
    pub pseudonymise: bool,
    /// The date range to show (zoom); `None` shows the whole journey.
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// Event labels that fit on no lower row are left out (the chronology still lists them).
    pub max_label_rows: usize,
}

impl TimelineOptions {
    pub fn new(as_at: NaiveDate) -> TimelineOptions {
        TimelineOptions {
            as_at,
            width: 1200.0,
            pseudonymise: false,
            range: None,
            max_label_rows: 8,
        }
    }
}

/// A laid-out timeline and its text alternative (hit regions point at chronology rows).
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub layout: Layout,
    pub chronology: Chronology,
    /// Event labels left out for lack of room (their events are still marked).
    pub hidden_labels: usize,
}

/// Lays out one child's timeline. `stages` are drawn in the order given.
pub fn timeline(
    child: &Child,
    stages: &[StageBracket],
    options: &TimelineOptions,
    measure: &dyn TextMeasure,
) -> Timeline {
    let chronology = chronology(
        child,
        &ChronologyOptions {
            as_at: options.as_at,
            pseudonymise: options.pseudonymise,
        },
    );
    let mut b = Builder::new(child, stages, options, measure, &chronology);
    b.build();
    let hidden_labels = b.hidden_labels;
    let mut layout = b.finish();
    layout.table = Some(chronology.to_table());
    Timeline {
        layout,
        chronology,
        hidden_labels,
    }
}

// Geometry, in logical pixels.
const HEADER_RIGHT: f32 = 112.0;
const PLOT_LEFT: f32 = 124.0;
const RIGHT_MARGIN: f32 = 28.0;
const TITLE_SIZE: f32 = 20.0;
const SUBTITLE_SIZE: f32 = 12.5;
const LANE_SIZE: f32 = 13.0;
const LABEL_SIZE: f32 = 11.5;
const SMALL_SIZE: f32 = 11.0;
const LABEL_ROW: f32 = 18.0;
const PLACEMENT_BAR: f32 = 30.0;
const LEGAL_BAR: f32 = 20.0;
const STAGE_ROW: f32 = 26.0;
const STAGE_BAR: f32 = 12.0;
const LANE_GAP: f32 = 16.0;
const LABEL_PAD: f32 = 4.0;

struct Builder<'a> {
    child: &'a Child,
    stages: &'a [StageBracket],
    options: &'a TimelineOptions,
    measure: &'a dyn TextMeasure,
    chron: &'a Chronology,
    names: CarerNames,
    scale: DateScale,
    back: Vec<Item>,
    mid: Vec<Item>,
    lines: Vec<Item>,
    front: Vec<Item>,
    hits: Vec<HitRegion>,
    label_boxes: Vec<Rect>,
    y: f32,
    hidden_labels: usize,
    title: String,
    description: String,
    /// The top of the first lane and the bottom of the last, for reference lines.
    lanes_top: f32,
    lanes_bottom: f32,
    /// The top of the placement bars.
    placement_top: f32,
    /// Anchors and labels of reference lines, drawn once the lanes' extent is known.
    references: Vec<Reference>,
    reference_top: f32,
    reference_rows: Vec<Option<PlacedLabel>>,
}

struct Reference {
    date: NaiveDate,
    label: String,
    stroke: Stroke,
}

/// A label that could not go inside its bar and waits for a row above the lane.
struct Outside {
    anchor: f32,
    text: String,
    weight: Weight,
    hit: Option<Hit>,
    /// Move labels (1) are placed before names moved out of their bars (0).
    priority: u8,
}

impl<'a> Builder<'a> {
    fn new(
        child: &'a Child,
        stages: &'a [StageBracket],
        options: &'a TimelineOptions,
        measure: &'a dyn TextMeasure,
        chron: &'a Chronology,
    ) -> Builder<'a> {
        let (start, end) = options
            .range
            .unwrap_or_else(|| full_range(child, stages, options));
        let x1 = options.width - RIGHT_MARGIN;
        Builder {
            child,
            stages,
            options,
            measure,
            chron,
            names: CarerNames::new(child, options.pseudonymise),
            scale: DateScale::new(start, end, PLOT_LEFT, x1.max(PLOT_LEFT + 10.0)),
            back: Vec::new(),
            mid: Vec::new(),
            lines: Vec::new(),
            front: Vec::new(),
            hits: Vec::new(),
            label_boxes: Vec::new(),
            y: 0.0,
            hidden_labels: 0,
            title: String::new(),
            description: String::new(),
            lanes_top: 0.0,
            lanes_bottom: 0.0,
            placement_top: 0.0,
            references: Vec::new(),
            reference_top: 0.0,
            reference_rows: Vec::new(),
        }
    }

    fn build(&mut self) {
        self.titles();
        self.reference_band();
        self.age_band();
        self.lanes_top = self.y;
        self.placements();
        self.y += LANE_GAP;
        self.legal();
        self.y += LANE_GAP;
        self.events();
        self.y += LANE_GAP * 0.75;
        self.stage_lane();
        self.lanes_bottom = self.y;
        self.care_gaps();
        self.reference_lines();
        self.axis();
        self.legend();
    }

    fn finish(self) -> Layout {
        let mut items = self.back;
        items.extend(self.mid);
        items.extend(self.lines);
        items.extend(self.front);
        Layout {
            width: self.options.width,
            height: (self.y + 12.0).ceil(),
            title: self.title,
            description: self.description,
            items,
            hits: self.hits,
            label_boxes: self.label_boxes,
            date_axis: Some(DateAxis {
                x0: self.scale.x0,
                x1: self.scale.x1,
                start: self.scale.start,
                end: self.scale.end,
            }),
            table: None,
        }
    }

    fn text(&mut self, x: f32, y: f32, text: &str, size: f32, weight: Weight) {
        self.text_styled(x, y, text, size, weight, Anchor::Start, palette::TEXT);
    }

    #[allow(clippy::too_many_arguments)]
    fn text_styled(
        &mut self,
        x: f32,
        y: f32,
        text: &str,
        size: f32,
        weight: Weight,
        anchor: Anchor,
        color: Color,
    ) {
        let item = Item::Text(TextItem {
            at: Point::new(x, y),
            text: text.to_string(),
            size,
            weight,
            anchor,
            color,
        });
        self.front.push(item);
    }

    fn name(&self) -> String {
        if self.options.pseudonymise {
            "Child 1".to_string()
        } else {
            format!("Child {}", self.child.id)
        }
    }

    fn titles(&mut self) {
        let as_at = self.options.as_at;
        let periods = &self.child.care_periods;
        let moves: u32 = periods.iter().map(|p| p.moves).sum();
        let days: i64 = periods
            .iter()
            .map(|p| {
                (p.end.unwrap_or(as_at).min(as_at) - p.start)
                    .num_days()
                    .max(0)
            })
            .sum();
        let looked_after = match periods.as_slice() {
            [] => None,
            [p] => Some(duration_words(p.start, p.end.unwrap_or(as_at).min(as_at))),
            _ => Some(days_words(days)),
        };
        let mut title = self.name();
        match looked_after {
            Some(words) => {
                title.push_str(&format!(
                    " · {words} looked after · {}",
                    plural(i64::from(moves), "move")
                ));
                if periods.len() > 1 {
                    title.push_str(&format!(" · {} care periods", periods.len()));
                }
            }
            None => title.push_str(" · no care period recorded"),
        }
        let mut sub: Vec<String> = Vec::new();
        match self.child.date_of_birth {
            Some(dob) if dob <= as_at => {
                let age = duration_words(dob, as_at);
                if self.options.pseudonymise {
                    sub.push(format!("Aged {age} on {}", date_long(as_at)));
                } else {
                    sub.push(format!(
                        "Born {} · aged {age} on {}",
                        date_long(dob),
                        date_long(as_at)
                    ));
                }
            }
            _ => sub.push(format!("As at {}", date_long(as_at))),
        }
        if let (Some(dob), Some(first)) = (self.child.date_of_birth, periods.first()) {
            if dob <= first.start {
                sub.push(format!(
                    "first looked after aged {}",
                    duration_words(dob, first.start)
                ));
            }
        }
        match periods.last() {
            Some(p) if p.end.is_some_and(|e| e <= as_at) => {
                sub.push(format!("left care {}", date_long(p.end.unwrap_or(as_at))))
            }
            Some(_) => sub.push("still looked after".to_string()),
            None => {}
        }
        if self.options.pseudonymise {
            sub.push("pseudonymised".to_string());
        }
        let subtitle = sub.join(" · ");
        self.y = 30.0;
        let t = title.clone();
        self.text(24.0, self.y, &t, TITLE_SIZE, Weight::Bold);
        self.y += 20.0;
        self.text_styled(
            24.0,
            self.y,
            &subtitle,
            SUBTITLE_SIZE,
            Weight::Regular,
            Anchor::Start,
            palette::MUTED,
        );
        self.y += 14.0;
        self.description = format!(
            "{subtitle}. Placements, legal status, {} events and {} timescale stages on one date axis from {} to {}. The chronology table lists every entry.",
            self.child.all_events().count(),
            self.stages.len(),
            date_long(self.scale.start),
            date_long(self.scale.end)
        );
        self.title = title;
    }

    /// Collects the reference lines and stacks their labels in a band above the lanes.
    fn reference_band(&mut self) {
        let as_at = self.options.as_at;
        let dash = |c: Color| Stroke::dashed(c, 1.2, 5.0, 3.0);
        let mut refs: Vec<Reference> = Vec::new();
        if let (Some(dob), false) = (self.child.date_of_birth, self.options.pseudonymise) {
            refs.push(Reference {
                date: dob,
                label: "birth".into(),
                stroke: Stroke::solid(palette::MUTED, 1.0),
            });
        }
        let n = self.child.care_periods.len();
        for (i, p) in self.child.care_periods.iter().enumerate() {
            let label = if n > 1 && i > 0 {
                format!("looked after again {}", date_long(p.start))
            } else {
                format!("became looked after {}", date_long(p.start))
            };
            refs.push(Reference {
                date: p.start,
                label,
                stroke: dash(palette::REFERENCE),
            });
            if let Some(e) = p.end.filter(|e| *e <= as_at) {
                refs.push(Reference {
                    date: e,
                    label: format!("left care {}", date_long(e)),
                    stroke: dash(palette::REFERENCE),
                });
            }
        }
        refs.push(Reference {
            date: as_at,
            label: format!("as at {}", date_long(as_at)),
            stroke: Stroke::dashed(palette::VERMILLION, 1.2, 2.0, 3.0),
        });
        refs.retain(|r| self.scale.contains(r.date));
        let requests: Vec<LabelRequest> = refs
            .iter()
            .map(|r| LabelRequest {
                anchor: self.scale.x(r.date),
                width: self.measure.width(&r.label, SMALL_SIZE, Weight::Regular),
                priority: 0,
            })
            .collect();
        let config = PlacerConfig {
            max_rows: 4,
            min_x: PLOT_LEFT - 20.0,
            max_x: self.options.width - 6.0,
            gap: 10.0,
            leader_clearance: 4.0,
        };
        let placed = place_labels(&requests, &config);
        let rows = placed
            .iter()
            .flatten()
            .map(|p| p.row + 1)
            .max()
            .unwrap_or(0);
        self.y += 6.0;
        self.reference_top = self.y + rows as f32 * 16.0;
        self.references = refs;
        self.reference_rows = placed;
        self.y = self.reference_top + 2.0;
    }

    /// Draws the reference lines and their labels, from the label band to the axis.
    fn reference_lines(&mut self) {
        let refs = std::mem::take(&mut self.references);
        let placed = std::mem::take(&mut self.reference_rows);
        for (r, p) in refs.iter().zip(&placed) {
            let x = self.scale.x(r.date);
            let top = match p {
                Some(p) => {
                    let baseline = self.reference_top - p.row as f32 * 16.0 - 4.0;
                    let mid = (p.x0 + p.x1) / 2.0;
                    let color = if r.stroke.color == palette::VERMILLION {
                        palette::OVER_TEXT
                    } else {
                        palette::TEXT
                    };
                    self.text_styled(
                        mid,
                        baseline,
                        &r.label,
                        SMALL_SIZE,
                        Weight::Regular,
                        Anchor::Middle,
                        color,
                    );
                    let b = text_box(p.x0, p.x1, baseline, SMALL_SIZE, 0.0);
                    self.label_boxes.push(b);
                    b.bottom() + 1.0
                }
                None => self.reference_top,
            };
            self.lines.push(Item::Line {
                from: Point::new(x, top),
                to: Point::new(x, self.lanes_bottom),
                stroke: r.stroke,
            });
        }
        self.references = refs;
    }

    /// Marks the child's birthdays along the top, with silhouettes that grow with age.
    fn age_band(&mut self) {
        let Some(dob) = self.child.date_of_birth else {
            return;
        };
        let mut marks: Vec<(u32, NaiveDate)> = Vec::new();
        for n in 1..=25u32 {
            let Some(mut d) = birthday(dob, n) else { break };
            if self.options.pseudonymise {
                d = d.with_day(1).unwrap_or(d);
            }
            if d > self.scale.end {
                break;
            }
            if d >= self.scale.start {
                marks.push((n, d));
            }
        }
        let top = self.y;
        let tallest = marks
            .iter()
            .map(|(n, _)| figure_height(*n))
            .fold(0.0, f32::max);
        let band = if marks.is_empty() { 0.0 } else { tallest + 8.0 };
        let base = top + band - 2.0;
        // Label every birthday, or every second or fifth one when they crowd.
        let spacing = 365.25 / self.scale.days() as f32 * (self.scale.x1 - self.scale.x0);
        let every = [1u32, 2, 5]
            .into_iter()
            .find(|k| spacing * *k as f32 >= 64.0)
            .unwrap_or(10);
        for (n, d) in marks {
            let x = self.scale.x(d);
            self.back.push(Item::Line {
                from: Point::new(x, top + 2.0),
                to: Point::new(x, f32::MAX),
                stroke: Stroke::solid(palette::GRID, 1.0),
            });
            if n % every != 0 && every > 1 {
                continue;
            }
            let h = figure_height(n);
            silhouette(&mut self.front, x + 4.0 + h * 0.22, base, h, n);
            let label = if n == 1 {
                "age 1".to_string()
            } else {
                format!("age {n}")
            };
            self.text_styled(
                x + 8.0 + h * 0.45,
                base - 1.0,
                &label,
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::MUTED,
            );
        }
        self.y = top + band + 4.0;
    }

    fn lane_header(&mut self, label: &str, mid_y: f32) {
        self.text_styled(
            HEADER_RIGHT,
            mid_y + LANE_SIZE * 0.35,
            label,
            LANE_SIZE,
            Weight::Bold,
            Anchor::End,
            palette::TEXT,
        );
    }

    fn chron_row(&self, what: ChronologyRef) -> Option<usize> {
        self.chron.row_of(what)
    }

    fn placements(&mut self) {
        let as_at = self.options.as_at;
        struct Bar {
            rect: Rect,
            fill: Color,
            pattern: Option<Pattern>,
            text_color: Color,
            label: String,
            long_label: String,
            temporary: bool,
            hit: Hit,
        }
        let mut bars: Vec<Bar> = Vec::new();
        let mut outside: Vec<Outside> = Vec::new();
        for (pi, period) in self.child.care_periods.iter().enumerate() {
            for (i, p) in period.placements.iter().enumerate() {
                let end = p.end.unwrap_or(as_at).max(p.start);
                let (x0, x1) = (self.scale.x_clamped(p.start), self.scale.x_clamped(end));
                if x1 <= x0 && !(self.scale.contains(p.start)) {
                    continue;
                }
                let (fill, pattern, text_color) = palette::placement(p.category);
                let label = self.names.bar_label(p);
                let length = duration_words(p.start, end);
                let hit = Hit {
                    target: HitTarget::Placement {
                        period: pi,
                        index: i,
                    },
                    label: format!(
                        "{} · {} · {} to {} ({})",
                        label,
                        p.category.label(),
                        date_long(p.start),
                        p.end.map(date_long).unwrap_or_else(|| "now".into()),
                        length
                    ),
                    source: Some(p.source),
                    text_row: self.chron_row(ChronologyRef::Placement {
                        period: pi,
                        index: i,
                    }),
                };
                bars.push(Bar {
                    rect: Rect::new(x0, 0.0, (x1 - x0).max(1.5), PLACEMENT_BAR),
                    fill,
                    pattern,
                    text_color,
                    long_label: format!("{label} · {length}"),
                    label,
                    temporary: p.temporary,
                    hit,
                });
                if let Some(n) = p.move_number {
                    if self.scale.contains(p.start) {
                        outside.push(Outside {
                            anchor: x0,
                            text: format!("move {n}"),
                            weight: Weight::Regular,
                            hit: None,
                            priority: 1,
                        });
                    }
                }
            }
        }
        // Decide which labels fit inside their bars.
        let mut inside: Vec<Option<String>> = Vec::new();
        for bar in &bars {
            let room = bar.rect.w - 2.0 * 6.0;
            let long = self
                .measure
                .width(&bar.long_label, LABEL_SIZE, Weight::Bold);
            let short = self.measure.width(&bar.label, LABEL_SIZE, Weight::Bold);
            if long <= room {
                inside.push(Some(bar.long_label.clone()));
            } else if short <= room {
                inside.push(Some(bar.label.clone()));
            } else {
                inside.push(None);
                outside.push(Outside {
                    anchor: bar.rect.x + bar.rect.w / 2.0,
                    text: bar.label.clone(),
                    weight: Weight::Bold,
                    hit: Some(bar.hit.clone()),
                    priority: 0,
                });
            }
        }
        let bar_top = self.outside_labels(&outside, 3, Color::rgb(0x77, 0x77, 0x77));
        self.placement_top = bar_top;
        self.lane_header("Placements", bar_top + PLACEMENT_BAR / 2.0);
        for (bar, label) in bars.iter().zip(inside) {
            let mut r = bar.rect;
            r.y = bar_top;
            if bar.temporary {
                r.y += PLACEMENT_BAR * 0.2;
                r.h = PLACEMENT_BAR * 0.6;
            }
            self.mid.push(Item::Rect {
                rect: r,
                fill: Some(bar.fill),
                pattern: bar.pattern,
                stroke: Some(Stroke::solid(palette::WHITE, 1.0)),
            });
            if let Some(text) = label {
                let cx = r.x + r.w / 2.0;
                let baseline = r.y + r.h / 2.0 + LABEL_SIZE * 0.35;
                let mut color = bar.text_color;
                if bar.pattern.is_some() {
                    let w = self.measure.width(&text, LABEL_SIZE, Weight::Bold);
                    let b = text_box(cx - w / 2.0, cx + w / 2.0, baseline, LABEL_SIZE, 3.0);
                    self.mid.push(Item::Rect {
                        rect: b,
                        fill: Some(palette::WHITE.alpha(225)),
                        pattern: None,
                        stroke: None,
                    });
                    color = palette::TEXT;
                }
                self.mid.push(Item::Text(TextItem {
                    at: Point::new(cx, baseline),
                    text,
                    size: LABEL_SIZE,
                    weight: Weight::Bold,
                    anchor: Anchor::Middle,
                    color,
                }));
            }
            self.hits.push(HitRegion {
                rect: r,
                hit: bar.hit.clone(),
            });
        }
        self.y = bar_top + PLACEMENT_BAR;
    }

    /// Stacks labels that sit above a lane (moves, names that do not fit their bars) and
    /// returns the y where the lane's bars start.
    fn outside_labels(&mut self, labels: &[Outside], max_rows: usize, leader: Color) -> f32 {
        let requests: Vec<LabelRequest> = labels
            .iter()
            .map(|l| LabelRequest {
                anchor: l.anchor,
                width: self.measure.width(&l.text, SMALL_SIZE, l.weight) + 2.0 * LABEL_PAD,
                priority: l.priority,
            })
            .collect();
        let config = PlacerConfig {
            max_rows,
            min_x: PLOT_LEFT - 10.0,
            max_x: self.options.width - 4.0,
            gap: 4.0,
            leader_clearance: 3.0,
        };
        let placed = place_labels(&requests, &config);
        let rows = placed
            .iter()
            .flatten()
            .map(|p| p.row + 1)
            .max()
            .unwrap_or(0);
        let row_h = 16.0;
        let bar_top = self.y + rows as f32 * row_h + if rows > 0 { 4.0 } else { 0.0 };
        for (l, p) in labels.iter().zip(&placed) {
            let Some(p) = p else { continue };
            let baseline = bar_top - 4.0 - p.row as f32 * row_h - 3.0;
            let b = text_box(
                p.x0 + LABEL_PAD,
                p.x1 - LABEL_PAD,
                baseline,
                SMALL_SIZE,
                1.0,
            );
            self.front.push(Item::Line {
                from: Point::new(l.anchor, b.bottom()),
                to: Point::new(l.anchor, bar_top),
                stroke: Stroke::solid(leader, 1.0),
            });
            self.front.push(Item::Text(TextItem {
                at: Point::new((p.x0 + p.x1) / 2.0, baseline),
                text: l.text.clone(),
                size: SMALL_SIZE,
                weight: l.weight,
                anchor: Anchor::Middle,
                color: palette::TEXT,
            }));
            self.label_boxes.push(b);
            if let Some(h) = &l.hit {
                self.hits.push(HitRegion {
                    rect: b,
                    hit: h.clone(),
                });
            }
        }
        bar_top
    }

    fn legal(&mut self) {
        struct Bar {
            rect: Rect,
            fill: Color,
            pattern: Option<Pattern>,
            text_color: Color,
            label: String,
            hit: Hit,
        }
        let as_at = self.options.as_at;
        let mut bars = Vec::new();
        let mut outside = Vec::new();
        for (i, l) in self.child.legal.iter().enumerate() {
            let end = l.end.unwrap_or(as_at).max(l.start);
            let (x0, x1) = (self.scale.x_clamped(l.start), self.scale.x_clamped(end));
            if x1 <= x0 && !self.scale.contains(l.start) {
                continue;
            }
            let (fill, pattern, text_color) = palette::legal(l.category);
            let label = l.legal_status.to_string();
            let hit = Hit {
                target: HitTarget::Legal { index: i },
                label: format!(
                    "{} · {} · {} to {}",
                    label,
                    l.category.label(),
                    date_long(l.start),
                    l.end.map(date_long).unwrap_or_else(|| "now".into())
                ),
                source: Some(l.source),
                text_row: self.chron_row(ChronologyRef::Legal { index: i }),
            };
            let rect = Rect::new(x0, 0.0, (x1 - x0).max(1.5), LEGAL_BAR);
            let fits = self.measure.width(&label, SMALL_SIZE, Weight::Regular) <= rect.w - 10.0;
            if !fits {
                outside.push(Outside {
                    anchor: x0 + rect.w / 2.0,
                    text: label.clone(),
                    weight: Weight::Regular,
                    hit: Some(hit.clone()),
                    priority: 0,
                });
            }
            bars.push((
                Bar {
                    rect,
                    fill,
                    pattern,
                    text_color,
                    label,
                    hit,
                },
                fits,
            ));
        }
        if bars.is_empty() {
            let mid = self.y + LEGAL_BAR / 2.0;
            self.lane_header("Legal status", mid);
            self.text_styled(
                PLOT_LEFT,
                mid + SMALL_SIZE * 0.35,
                "no legal status recorded",
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::MUTED,
            );
            self.y += LEGAL_BAR;
            return;
        }
        let top = self.outside_labels(&outside, 3, Color::rgb(0x77, 0x77, 0x77));
        self.lane_header("Legal status", top + LEGAL_BAR / 2.0);
        for (bar, fits) in bars {
            let mut r = bar.rect;
            r.y = top;
            self.mid.push(Item::Rect {
                rect: r,
                fill: Some(bar.fill),
                pattern: bar.pattern,
                stroke: Some(Stroke::solid(palette::WHITE, 1.0)),
            });
            if fits {
                self.mid.push(Item::Text(TextItem {
                    at: Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0 + SMALL_SIZE * 0.35),
                    text: bar.label,
                    size: SMALL_SIZE,
                    weight: Weight::Regular,
                    anchor: Anchor::Middle,
                    color: bar.text_color,
                }));
            }
            self.hits.push(HitRegion {
                rect: r,
                hit: bar.hit,
            });
        }
        self.y = top + LEGAL_BAR;
    }

    fn events(&mut self) {
        let events: Vec<_> = self.child.all_events().collect();
        struct Ev {
            x: f32,
            label: String,
            key: bool,
            outside_care: bool,
            shape: MarkerShape,
            size: f32,
            color: Color,
            hit: Hit,
        }
        let mut evs: Vec<Ev> = Vec::new();
        for (i, e) in events.iter().enumerate() {
            if !self.scale.contains(e.date) {
                continue;
            }
            let key = e.milestone.is_key_decision();
            let label = if self.options.pseudonymise && e.milestone == Milestone::Custom {
                Milestone::Custom.label().to_string()
            } else {
                e.label.to_string()
            };
            let outside_care = !self.child.care_periods.iter().any(|p| p.contains(e.date));
            let (shape, size, color) = palette::event_marker(e.milestone);
            let detail = match (&e.detail, self.options.pseudonymise) {
                (Some(d), false) => format!(" · {d}"),
                _ => String::new(),
            };
            evs.push(Ev {
                x: self.scale.x(e.date),
                hit: Hit {
                    target: HitTarget::Event { index: i },
                    label: format!(
                        "{label} · {}{}{detail}",
                        date_long(e.date),
                        if outside_care { " · outside care" } else { "" }
                    ),
                    source: Some(e.source),
                    text_row: self.chron_row(ChronologyRef::Event { index: i }),
                },
                label: fit(self.measure, &label, LABEL_SIZE, weight(key), 220.0),
                key,
                outside_care,
                shape,
                size,
                color,
            });
        }
        let requests: Vec<LabelRequest> = evs
            .iter()
            .map(|e| LabelRequest {
                anchor: e.x,
                width: self.measure.width(&e.label, LABEL_SIZE, weight(e.key)) + 2.0 * LABEL_PAD,
                priority: u8::from(e.key),
            })
            .collect();
        let config = PlacerConfig {
            max_rows: self.options.max_label_rows.max(1),
            min_x: PLOT_LEFT - 4.0,
            max_x: self.options.width - 4.0,
            gap: 5.0,
            leader_clearance: 3.0,
        };
        let placed = place_labels(&requests, &config);
        self.hidden_labels = placed.iter().filter(|p| p.is_none()).count();
        let rows = placed
            .iter()
            .flatten()
            .map(|p| p.row + 1)
            .max()
            .unwrap_or(0);
        let top = self.y;
        let marker_y = top + 10.0 + rows as f32 * LABEL_ROW + 12.0;
        let bottom = marker_y + 12.0 + if self.hidden_labels > 0 { 12.0 } else { 0.0 };
        self.back.push(Item::Rect {
            rect: Rect::new(
                PLOT_LEFT - 8.0,
                top,
                self.options.width - PLOT_LEFT + 4.0,
                bottom - top,
            ),
            fill: Some(palette::BAND),
            pattern: None,
            stroke: None,
        });
        self.lane_header("Events", (top + bottom) / 2.0);
        if evs.is_empty() {
            self.text_styled(
                PLOT_LEFT,
                marker_y + 4.0,
                "no events recorded",
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::MUTED,
            );
        }
        // Leaders first, then label boxes over them, then markers.
        let mut leaders = Vec::new();
        let mut labels = Vec::new();
        for (e, p) in evs.iter().zip(&placed) {
            let Some(p) = p else { continue };
            let baseline = marker_y - 12.0 - p.row as f32 * LABEL_ROW - 4.0;
            let b = text_box(
                p.x0 + LABEL_PAD,
                p.x1 - LABEL_PAD,
                baseline,
                LABEL_SIZE,
                LABEL_PAD,
            );
            let b = Rect::new(p.x0, b.y, p.x1 - p.x0, b.h);
            leaders.push(Item::Line {
                from: Point::new(e.x, b.bottom()),
                to: Point::new(e.x, marker_y - e.size / 2.0),
                stroke: Stroke::solid(Color::rgb(0x88, 0x88, 0x88), 1.0),
            });
            labels.push(Item::Rect {
                rect: b,
                fill: Some(palette::WHITE),
                pattern: None,
                stroke: Some(Stroke::solid(
                    if e.key {
                        palette::KEY
                    } else {
                        Color::rgb(0xC8, 0xC8, 0xC8)
                    },
                    if e.key { 1.2 } else { 1.0 },
                )),
            });
            labels.push(Item::Text(TextItem {
                at: Point::new((p.x0 + p.x1) / 2.0, baseline),
                text: e.label.clone(),
                size: LABEL_SIZE,
                weight: weight(e.key),
                anchor: Anchor::Middle,
                color: if e.key {
                    palette::TEXT
                } else {
                    Color::rgb(0x33, 0x33, 0x33)
                },
            }));
            self.label_boxes.push(b);
            self.hits.push(HitRegion {
                rect: b,
                hit: e.hit.clone(),
            });
        }
        self.front.extend(leaders);
        self.front.extend(labels);
        for e in &evs {
            let (fill, stroke) = if e.outside_care {
                (Some(palette::WHITE), Some(Stroke::solid(e.color, 1.5)))
            } else {
                (Some(e.color), Some(Stroke::solid(palette::WHITE, 1.0)))
            };
            self.front.push(Item::Marker {
                at: Point::new(e.x, marker_y),
                size: e.size,
                shape: e.shape,
                fill,
                stroke,
            });
            self.hits.push(HitRegion {
                rect: Rect::new(e.x - e.size / 2.0, marker_y - e.size / 2.0, e.size, e.size)
                    .inflate(3.0),
                hit: e.hit.clone(),
            });
        }
        if self.hidden_labels > 0 {
            let note = format!(
                "{} not shown for lack of room: the chronology lists every event",
                plural(self.hidden_labels as i64, "label")
            );
            self.text_styled(
                self.options.width - RIGHT_MARGIN,
                bottom - 5.0,
                &note,
                SMALL_SIZE - 1.0,
                Weight::Regular,
                Anchor::End,
                palette::MUTED,
            );
        }
        self.y = bottom;
    }

    fn stage_lane(&mut self) {
        let as_at = self.options.as_at;
        if self.stages.is_empty() {
            return;
        }
        let top = self.y;
        let right_limit = self.options.width - 8.0;
        for (i, s) in self.stages.iter().enumerate() {
            let until = s.until();
            let days = s.days();
            let over = s.days_over();
            let xs = self.scale.x_clamped(s.start);
            let xe = self.scale.x_clamped(until).max(xs + 1.5);
            let y = self.y + (STAGE_ROW - STAGE_BAR) / 2.0;
            let bar = Rect::new(xs, y, xe - xs, STAGE_BAR);
            let target_x = s.target.as_ref().map(|t| self.scale.x(t.date));
            match (&s.target, target_x) {
                (Some(_), Some(tx)) => {
                    let split = tx.clamp(xs, xe);
                    if split > xs {
                        self.mid.push(Item::Rect {
                            rect: Rect::new(xs, y, split - xs, STAGE_BAR),
                            fill: Some(palette::WITHIN),
                            pattern: None,
                            stroke: None,
                        });
                    }
                    if xe > split {
                        self.mid.push(Item::Rect {
                            rect: Rect::new(split, y, xe - split, STAGE_BAR),
                            fill: Some(palette::VERMILLION),
                            pattern: Some(palette::over_pattern()),
                            stroke: None,
                        });
                    }
                    if tx >= self.scale.x0 && tx <= self.scale.x1 {
                        let strong = over > 0;
                        self.mid.push(Item::Line {
                            from: Point::new(tx, y - 5.0),
                            to: Point::new(tx, y + STAGE_BAR + 5.0),
                            stroke: Stroke::solid(
                                if strong { palette::KEY } else { palette::MUTED },
                                if strong { 2.0 } else { 1.5 },
                            ),
                        });
                        if tx > xe {
                            self.mid.push(Item::Line {
                                from: Point::new(xe, y + STAGE_BAR / 2.0),
                                to: Point::new(tx, y + STAGE_BAR / 2.0),
                                stroke: Stroke::dashed(palette::MUTED, 1.0, 2.0, 2.0),
                            });
                        }
                    }
                }
                _ => self.mid.push(Item::Rect {
                    rect: bar,
                    fill: Some(palette::NEUTRAL),
                    pattern: None,
                    stroke: None,
                }),
            }
            // Bracket ends: a cap at the start, and a cap or an arrow ("still running").
            let cap = |x: f32| Item::Line {
                from: Point::new(x, y - 3.0),
                to: Point::new(x, y + STAGE_BAR + 3.0),
                stroke: Stroke::solid(palette::REFERENCE, 1.5),
            };
            self.mid.push(cap(xs));
            if s.is_open() {
                self.mid.push(Item::Marker {
                    at: Point::new(xe + 4.0, y + STAGE_BAR / 2.0),
                    size: 10.0,
                    shape: MarkerShape::TriangleRight,
                    fill: Some(if over > 0 {
                        palette::VERMILLION
                    } else {
                        palette::WITHIN
                    }),
                    stroke: None,
                });
            } else {
                self.mid.push(cap(xe));
            }
            // The words: days, target, how far over.
            let so_far = if s.is_open() { " so far" } else { "" };
            let main = match &s.target {
                Some(t) => format!(
                    "{}: {}{so_far} · target {}",
                    s.label,
                    plural(days, "day"),
                    t.label
                ),
                None => format!(
                    "{}: {}{so_far} · no target set",
                    s.label,
                    plural(days, "day")
                ),
            };
            let tail = match &s.target {
                Some(_) if s.left_care() && over > 0 => Some((
                    format!("· {} over, then left care", plural(over, "day")),
                    true,
                )),
                Some(_) if over > 0 => Some((format!("· {} over", plural(over, "day")), true)),
                Some(_) if s.left_care() => Some(("· left care first".to_string(), false)),
                Some(t) if s.is_open() => {
                    let left = (t.date - as_at).num_days();
                    Some((format!("· due in {}", plural(left, "day")), false))
                }
                Some(_) => Some(("· within target".to_string(), false)),
                None if s.left_care() => Some(("· left care first".to_string(), false)),
                None => None,
            };
            // SVG drops leading spaces, so the tail starts after the main text plus a space.
            let main_w = self
                .measure
                .width(&format!("{main} "), SMALL_SIZE, Weight::Regular);
            let tail_w = tail
                .as_ref()
                .map(|(t, strong)| self.measure.width(t, SMALL_SIZE, weight(*strong)))
                .unwrap_or(0.0);
            let total = main_w + tail_w;
            let after = target_x
                .filter(|tx| *tx > xe && *tx <= self.scale.x1)
                .unwrap_or(xe)
                + if s.is_open() { 14.0 } else { 8.0 };
            let before = xs - 8.0;
            let baseline = y + STAGE_BAR / 2.0 + SMALL_SIZE * 0.35;
            let (tx0, row_extra) = if after + total <= right_limit {
                (after, 0.0)
            } else if before - total >= 8.0 {
                (before - total, 0.0)
            } else {
                ((xs + 2.0).min(right_limit - total).max(8.0), 16.0)
            };
            let baseline = baseline + row_extra;
            self.text_styled(
                tx0,
                baseline,
                &main,
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::TEXT,
            );
            if let Some((t, strong)) = &tail {
                self.text_styled(
                    tx0 + main_w,
                    baseline,
                    t,
                    SMALL_SIZE,
                    weight(*strong),
                    Anchor::Start,
                    if *strong {
                        palette::OVER_TEXT
                    } else {
                        palette::MUTED
                    },
                );
            }
            let hit = Hit {
                target: HitTarget::Stage { index: i },
                label: format!(
                    "{main} {} · {} to {}",
                    tail.as_ref().map(|(t, _)| t.as_str()).unwrap_or(""),
                    date_long(s.start),
                    match (s.end, s.left_care()) {
                        (Some(end), _) => date_long(end),
                        (None, true) => format!("leaving care {}", date_long(s.until())),
                        (None, false) => "still running".into(),
                    }
                ),
                source: s.source,
                text_row: None,
            };
            self.hits.push(HitRegion {
                rect: Rect::new(xs, self.y, (xe - xs).max(4.0), STAGE_ROW),
                hit: hit.clone(),
            });
            self.hits.push(HitRegion {
                rect: text_box(tx0, tx0 + total, baseline, SMALL_SIZE, 1.0),
                hit,
            });
            self.y += STAGE_ROW + row_extra;
        }
        self.lane_header("Timescales", (top + self.y) / 2.0);
    }

    /// Shades the time between care periods, from the top lane to the bottom.
    fn care_gaps(&mut self) {
        let periods = &self.child.care_periods;
        let mut gaps = Vec::new();
        for (i, w) in periods.windows(2).enumerate() {
            if let Some(end) = w[0].end {
                if w[1].start > end {
                    gaps.push((i, end, w[1].start));
                }
            }
        }
        for (i, from, to) in gaps {
            let (x0, x1) = (self.scale.x_clamped(from), self.scale.x_clamped(to));
            if x1 - x0 < 1.0 {
                continue;
            }
            let rect = Rect::new(
                x0,
                self.lanes_top,
                x1 - x0,
                self.lanes_bottom - self.lanes_top,
            );
            self.back.push(Item::Rect {
                rect,
                fill: Some(Color::rgb(0xF7, 0xF7, 0xF7)),
                pattern: Some(Pattern {
                    kind: PatternKind::BackDiagonal,
                    color: Color::rgb(0xDD, 0xDD, 0xDD),
                    spacing: 8.0,
                }),
                stroke: None,
            });
            let length = duration_words(from, to);
            let room = x1 - x0 - 8.0;
            let label = [
                format!("not looked after · {length}"),
                "not looked after".into(),
                length,
            ]
            .into_iter()
            .find(|t| self.measure.width(t, SMALL_SIZE, Weight::Regular) <= room)
            .unwrap_or_default();
            if !label.is_empty() {
                self.back.push(Item::Text(TextItem {
                    at: Point::new(
                        (x0 + x1) / 2.0,
                        self.placement_top + PLACEMENT_BAR / 2.0 + SMALL_SIZE * 0.35,
                    ),
                    text: label,
                    size: SMALL_SIZE,
                    weight: Weight::Regular,
                    anchor: Anchor::Middle,
                    color: palette::MUTED,
                }));
            }
            self.hits.push(HitRegion {
                rect,
                hit: Hit {
                    target: HitTarget::CareGap { period: i },
                    label: format!(
                        "Not looked after from {} to {} ({})",
                        date_long(from),
                        date_long(to),
                        duration_words(from, to)
                    ),
                    source: None,
                    text_row: self.chron_row(ChronologyRef::CareEnd { period: i }),
                },
            });
        }
    }

    fn axis(&mut self) {
        let y = self.lanes_bottom + 6.0;
        // Age lines run down to the axis.
        for item in &mut self.back {
            if let Item::Line { to, .. } = item {
                if to.y == f32::MAX {
                    to.y = y;
                }
            }
        }
        self.mid.push(Item::Line {
            from: Point::new(self.scale.x0, y),
            to: Point::new(self.scale.x1, y),
            stroke: Stroke::solid(palette::REFERENCE, 1.0),
        });
        let ticks = self.scale.ticks(56.0);
        let two_tier = !ticks.years.is_empty();
        for t in &ticks.ticks {
            let major = t.date.month0() == 0;
            self.mid.push(Item::Line {
                from: Point::new(t.x, y),
                to: Point::new(t.x, y + if major { 8.0 } else { 5.0 }),
                stroke: Stroke::solid(palette::REFERENCE, 1.0),
            });
            self.text_styled(
                t.x,
                y + 19.0,
                &t.label,
                SMALL_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::MUTED,
            );
        }
        if two_tier {
            for t in &ticks.years {
                self.text_styled(
                    t.x,
                    y + 34.0,
                    &t.label,
                    SMALL_SIZE,
                    Weight::Bold,
                    Anchor::Middle,
                    palette::TEXT,
                );
            }
        }
        self.y = y + if two_tier { 46.0 } else { 30.0 };
    }

    fn legend(&mut self) {
        let mut groups: Vec<(&str, Vec<Swatch>)> = Vec::new();
        let mut cats: Vec<_> = self
            .child
            .care_periods
            .iter()
            .flat_map(|p| p.placements.iter().map(|p| p.category))
            .collect();
        cats.sort();
        cats.dedup();
        if !cats.is_empty() {
            groups.push((
                "Placements",
                cats.iter()
                    .map(|c| {
                        let (fill, pattern, _) = palette::placement(*c);
                        Swatch::Bar(fill, pattern, c.label().to_string())
                    })
                    .collect(),
            ));
        }
        let mut legal: Vec<_> = self.child.legal.iter().map(|l| l.category).collect();
        legal.sort();
        legal.dedup();
        if !legal.is_empty() {
            groups.push((
                "Legal status",
                legal
                    .iter()
                    .map(|c| {
                        let (fill, pattern, _) = palette::legal(*c);
                        Swatch::Bar(fill, pattern, c.label().to_string())
                    })
                    .collect(),
            ));
        }
        let events: Vec<_> = self.child.all_events().collect();
        let mut ev = Vec::new();
        if events.iter().any(|e| e.milestone.is_key_decision()) {
            ev.push(Swatch::Marker(
                MarkerShape::Diamond,
                palette::KEY,
                false,
                "key decision".into(),
            ));
        }
        if events.iter().any(|e| {
            !e.milestone.is_key_decision()
                && !matches!(e.milestone, Milestone::Missing | Milestone::Custom)
        }) {
            ev.push(Swatch::Marker(
                MarkerShape::Circle,
                palette::ROUTINE,
                false,
                "review, meeting or hearing".into(),
            ));
        }
        if events.iter().any(|e| e.milestone == Milestone::Missing) {
            ev.push(Swatch::Marker(
                MarkerShape::TriangleDown,
                palette::ROUTINE,
                false,
                "missing".into(),
            ));
        }
        if events.iter().any(|e| e.milestone == Milestone::Custom) {
            ev.push(Swatch::Marker(
                MarkerShape::Square,
                palette::ROUTINE,
                false,
                "other event".into(),
            ));
        }
        if events
            .iter()
            .any(|e| !self.child.care_periods.iter().any(|p| p.contains(e.date)))
        {
            ev.push(Swatch::Marker(
                MarkerShape::Circle,
                palette::ROUTINE,
                true,
                "hollow: outside care".into(),
            ));
        }
        if !ev.is_empty() {
            groups.push(("Events", ev));
        }
        if !self.stages.is_empty() {
            let mut st = vec![Swatch::Bar(palette::WITHIN, None, "within target".into())];
            st.push(Swatch::Bar(
                palette::VERMILLION,
                Some(palette::over_pattern()),
                "beyond target".into(),
            ));
            st.push(Swatch::Tick("target date".into()));
            if self.stages.iter().any(|s| s.target.is_none()) {
                st.push(Swatch::Bar(palette::NEUTRAL, None, "no target set".into()));
            }
            if self.stages.iter().any(|s| s.is_open()) {
                st.push(Swatch::Marker(
                    MarkerShape::TriangleRight,
                    palette::WITHIN,
                    false,
                    "still running".into(),
                ));
            }
            groups.push(("Timescales", st));
        }
        let mut lines = vec![
            Swatch::Line(
                Stroke::dashed(palette::REFERENCE, 1.2, 5.0, 3.0),
                "care starts and ends".into(),
            ),
            Swatch::Line(
                Stroke::dashed(palette::VERMILLION, 1.2, 2.0, 3.0),
                "\"as at\" date".into(),
            ),
        ];
        if self.child.date_of_birth.is_some() {
            lines.push(Swatch::Line(
                Stroke::solid(palette::GRID, 1.0),
                "birthdays".into(),
            ));
        }
        if self
            .child
            .care_periods
            .windows(2)
            .any(|w| w[0].end.is_some_and(|e| w[1].start > e))
        {
            lines.push(Swatch::Bar(
                Color::rgb(0xF7, 0xF7, 0xF7),
                Some(Pattern {
                    kind: PatternKind::BackDiagonal,
                    color: Color::rgb(0xCC, 0xCC, 0xCC),
                    spacing: 5.0,
                }),
                "not looked after".into(),
            ));
        }
        groups.push(("Lines", lines));

        self.y += 4.0;
        let right = self.options.width - RIGHT_MARGIN;
        for (name, swatches) in groups {
            let mut x = PLOT_LEFT;
            let row_h = 18.0;
            let baseline = |y: f32| y + 12.0;
            self.text_styled(
                HEADER_RIGHT,
                baseline(self.y),
                name,
                SMALL_SIZE,
                Weight::Bold,
                Anchor::End,
                palette::TEXT,
            );
            for s in swatches {
                let label = s.label().to_string();
                let w = 22.0 + 5.0 + self.measure.width(&label, SMALL_SIZE, Weight::Regular);
                if x + w > right && x > PLOT_LEFT {
                    x = PLOT_LEFT;
                    self.y += row_h;
                }
                let cy = self.y + 8.0;
                match &s {
                    Swatch::Bar(fill, pattern, _) => self.front.push(Item::Rect {
                        rect: Rect::new(x, cy - 6.0, 22.0, 12.0),
                        fill: Some(*fill),
                        pattern: *pattern,
                        stroke: Some(Stroke::solid(Color::rgb(0x99, 0x99, 0x99), 0.8)),
                    }),
                    Swatch::Marker(shape, color, hollow, _) => self.front.push(Item::Marker {
                        at: Point::new(x + 11.0, cy),
                        size: 10.0,
                        shape: *shape,
                        fill: Some(if *hollow { palette::WHITE } else { *color }),
                        stroke: hollow.then_some(Stroke::solid(*color, 1.5)),
                    }),
                    Swatch::Line(stroke, _) => self.front.push(Item::Line {
                        from: Point::new(x + 11.0, cy - 8.0),
                        to: Point::new(x + 11.0, cy + 8.0),
                        stroke: *stroke,
                    }),
                    Swatch::Tick(_) => {
                        self.front.push(Item::Rect {
                            rect: Rect::new(x, cy - 4.0, 22.0, 8.0),
                            fill: Some(palette::WITHIN),
                            pattern: None,
                            stroke: None,
                        });
                        self.front.push(Item::Line {
                            from: Point::new(x + 14.0, cy - 8.0),
                            to: Point::new(x + 14.0, cy + 8.0),
                            stroke: Stroke::solid(palette::KEY, 2.0),
                        });
                    }
                }
                self.text_styled(
                    x + 27.0,
                    baseline(self.y),
                    &label,
                    SMALL_SIZE,
                    Weight::Regular,
                    Anchor::Start,
                    palette::TEXT,
                );
                x += w + 18.0;
            }
            self.y += row_h + 2.0;
        }
    }
}

enum Swatch {
    Bar(Color, Option<Pattern>, String),
    Marker(MarkerShape, Color, bool, String),
    Line(Stroke, String),
    Tick(String),
}

impl Swatch {
    fn label(&self) -> &str {
        match self {
            Swatch::Bar(_, _, l)
            | Swatch::Marker(_, _, _, l)
            | Swatch::Line(_, l)
            | Swatch::Tick(l) => l,
        }
    }
}

fn weight(strong: bool) -> Weight {
    if strong {
        Weight::Bold
    } else {
        Weight::Regular
    }
}

/// The box of a single line of text between `x0` and `x1` with its baseline at `baseline`,
/// grown by `pad`.
fn text_box(x0: f32, x1: f32, baseline: f32, size: f32, pad: f32) -> Rect {
    Rect::new(
        x0 - pad,
        baseline - ASCENT * size - pad * 0.5,
        x1 - x0 + 2.0 * pad,
        (ASCENT + DESCENT) * size + pad,
    )
}

/// The height of the figure drawn at the `n`th birthday: it grows with the child.
fn figure_height(n: u32) -> f32 {
    18.0 + n.min(16) as f32 * 1.4
}

/// A small standing figure (a pictogram) whose feet are at `(x, base)`, `h` pixels tall, with
/// a child's proportions at `age`: a larger head and shorter legs when young.
fn silhouette(items: &mut Vec<Item>, x: f32, base: f32, h: f32, age: u32) {
    let color = Color::rgb(0x8C, 0x8C, 0x8C);
    let t = age.min(16) as f32 / 16.0;
    let head = h * (0.24 - 0.09 * t);
    let r = head / 2.0;
    items.push(Item::Marker {
        at: Point::new(x, base - h + r),
        size: head,
        shape: MarkerShape::Circle,
        fill: Some(color),
        stroke: None,
    });
    let shoulder = base - h + head + h * 0.04;
    let legs = h * (0.30 + 0.12 * t);
    let hip = base - legs;
    let tw = h * (0.15 - 0.03 * t);
    let arm = h * 0.065;
    let arm_end = hip + h * 0.06;
    let gap = h * 0.025;
    let crotch = hip + h * 0.03;
    items.push(Item::Polygon {
        points: vec![
            Point::new(x - tw - arm, shoulder + arm * 0.8),
            Point::new(x - tw + arm * 0.3, shoulder),
            Point::new(x + tw - arm * 0.3, shoulder),
            Point::new(x + tw + arm, shoulder + arm * 0.8),
            Point::new(x + tw + arm, arm_end),
            Point::new(x + tw + 0.5, arm_end),
            Point::new(x + tw * 0.85, base),
            Point::new(x + gap, base),
            Point::new(x + gap, crotch),
            Point::new(x - gap, crotch),
            Point::new(x - gap, base),
            Point::new(x - tw * 0.85, base),
            Point::new(x - tw - 0.5, arm_end),
            Point::new(x - tw - arm, arm_end),
        ],
        fill: color,
        stroke: None,
    });
}

/// Words for a number of days when periods are added up: "2 years 10 months".
fn days_words(days: i64) -> String {
    let start = NaiveDate::from_ymd_opt(2001, 1, 1).unwrap_or_default();
    let end = start
        .checked_add_days(Days::new(days.max(0) as u64))
        .unwrap_or(start);
    duration_words(start, end)
}

/// The dates the timeline spans: every placement, legal spell, event and stage, the "as at"
/// date, and birth when it is not too far before the rest; padded a little on both sides.
fn full_range(
    child: &Child,
    stages: &[StageBracket],
    options: &TimelineOptions,
) -> (NaiveDate, NaiveDate) {
    let as_at = options.as_at;
    let mut dates: Vec<NaiveDate> = vec![as_at];
    for p in &child.care_periods {
        dates.push(p.start);
        dates.extend(p.end);
        for pl in &p.placements {
            dates.push(pl.start);
            dates.extend(pl.end);
        }
    }
    for l in &child.legal {
        dates.push(l.start);
        dates.extend(l.end);
    }
    dates.extend(child.all_events().map(|e| e.date));
    for s in stages {
        dates.push(s.start);
        dates.push(s.until());
    }
    let mut start = dates.iter().copied().min().unwrap_or(as_at);
    let end = dates.iter().copied().max().unwrap_or(as_at);
    if let Some(dob) = child.date_of_birth {
        let span = (end - start).num_days().max(30);
        if dob < start && (start - dob).num_days() * 2 <= span {
            start = dob;
        }
    }
    let pad = ((end - start).num_days() / 40).max(10) as u64;
    (
        start.checked_sub_days(Days::new(pad)).unwrap_or(start),
        end.checked_add_days(Days::new(pad)).unwrap_or(end),
    )
}
