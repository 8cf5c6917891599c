//! The child's journey timeline (the PACE timeline, done better): one shared date axis with
//! the child's age marked along the top; lanes from the child's life down to the system's
//! decisions (placements, legal status, events, then the stages against their timescales);
//! reference lines for birth, care starts and ends, gaps in care and the "as at" date; a title
//! that states the headline; a legend. Colour is never the only code.
//!
//! This module owns the timeline's layout: positions, wording, label stacking and hit
//! regions. It measures text only through [`TextMeasure`] and paints nothing.

use super::axis::{
    birthday, date_long, duration_words, month_range, month_year, plural, DateScale,
};
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

mod frame;
mod header;
mod lanes;

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
    /// The child's position among all the children: pseudonymised, the child is named by it
    /// ([`crate::model::pseudonym`]), as every other view names the child; `None`: "Child 1".
    pub position: Option<usize>,
}

impl TimelineOptions {
    pub fn new(as_at: NaiveDate) -> TimelineOptions {
        TimelineOptions {
            as_at,
            width: 1200.0,
            pseudonymise: false,
            range: None,
            max_label_rows: 8,
            position: None,
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
const FORECAST_ROW: f32 = 18.0;
/// The narrowest a legal spell is drawn, so that a one-day order is still seen.
const MIN_SPELL: f32 = 4.0;
/// What every forecast drawn on a timeline rests on, in its tooltip.
const FORECAST_WORDS: &str = "A forecast assumes the future resembles this data's past; it is a planning aid, not a prediction about one child's life.";

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
        // Reference lines run under the lanes' bars, so that no bar is struck through.
        let mut items = self.back;
        items.extend(self.lines);
        items.extend(self.mid);
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
            crate::model::pseudonym(self.options.position.unwrap_or(0))
        } else {
            format!("Child {}", self.child.id)
        }
    }
}

enum Swatch {
    Bar(Color, Option<Pattern>, String),
    Marker(MarkerShape, Color, bool, String),
    Line(Stroke, String),
    Tick(String),
    /// A forecast bracket: a dashed box with a hollow diamond.
    Forecast(String),
}

impl Swatch {
    fn label(&self) -> &str {
        match self {
            Swatch::Bar(_, _, l)
            | Swatch::Marker(_, _, _, l)
            | Swatch::Line(_, l)
            | Swatch::Tick(l)
            | Swatch::Forecast(l) => l,
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
    let color = palette::SILHOUETTE;
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
        // A waiting stage's likely date, up to two years ahead (the rest of its range may
        // run off the right edge).
        if let Some(f) = s.forecast.as_ref().filter(|_| s.is_open()) {
            let cap = as_at.checked_add_days(Days::new(2 * 366)).unwrap_or(as_at);
            dates.extend(f.expected.map(|d| d.min(cap)));
        }
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
