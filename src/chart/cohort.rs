//! The cohort view: one row per child (thousands of rows) on a shared date axis, coloured by
//! placement category, with key decisions ticked and the time beyond target highlighted;
//! sorted by entry date, by longest current wait or by days in a given stage; zoomed and
//! scrolled through a [`Viewport`] so that only the visible rows are laid out.
//!
//! This module owns the cohort's sort order and its layout. It measures text only through
//! [`TextMeasure`] and paints nothing.

use super::axis::{date_long, thousands, DateScale};
use super::figure::push_text;
use super::layout::{
    Anchor, DateAxis, Hit, HitRegion, HitTarget, Item, Layout, Point, Rect, Stroke, Weight,
};
use super::palette;
use super::stage::StageBracket;
use super::text::{fit, TextMeasure};
use crate::model::{Child, PlacementCategory};
use crate::table::Table;
use chrono::{Datelike, Days, NaiveDate};
use std::cmp::Reverse;

/// One child of the cohort and the stages computed for them.
#[derive(Clone, Copy, Debug)]
pub struct CohortRow<'a> {
    pub child: &'a Child,
    pub stages: &'a [StageBracket],
}

/// How rows are ordered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CohortSort {
    /// Earliest first entry to care first.
    EntryDate,
    /// The longest wait in a stage still running at the "as at" date first.
    LongestCurrentWait,
    /// Most days in the stage with this id first (running or finished); children without it
    /// last.
    Stage(String),
}

/// The part of the cohort in view: a date range (zoom) and a range of rows (scroll).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewport {
    /// `None` fits the rows in view (first entry to care to the "as at" date).
    pub dates: Option<(NaiveDate, NaiveDate)>,
    pub first_row: usize,
    /// How many rows to show; `None` shows every row from `first_row`.
    pub rows: Option<usize>,
}

/// Options for [`cohort`].
#[derive(Clone, Debug, PartialEq)]
pub struct CohortOptions {
    pub as_at: NaiveDate,
    pub width: f32,
    /// Height of one row in logical pixels (fractions allowed: at under 3 pixels rows are
    /// drawn as a dense band without labels).
    pub row_height: f32,
    pub sort: CohortSort,
    pub viewport: Viewport,
    /// Show "Child 1", "Child 2"… instead of IDs: by `positions` when given, else by rank in
    /// the sort order.
    pub pseudonymise: bool,
    /// Each row's position among all the children (aligned with the rows), so that a
    /// pseudonymised row is named "Child {position + 1}", as every other view names that
    /// child. Empty: rows are named by their rank in the sort order.
    pub positions: Vec<usize>,
}

impl CohortOptions {
    pub fn new(as_at: NaiveDate) -> CohortOptions {
        CohortOptions {
            as_at,
            width: 1200.0,
            row_height: 14.0,
            sort: CohortSort::EntryDate,
            viewport: Viewport {
                dates: None,
                first_row: 0,
                rows: None,
            },
            pseudonymise: false,
            positions: Vec::new(),
        }
    }
}

/// A laid-out cohort view.
#[derive(Clone, Debug, PartialEq)]
pub struct Cohort {
    pub layout: Layout,
    /// The rows shown, as positions in the sort order.
    pub shown: std::ops::Range<usize>,
    /// The dates shown.
    pub dates: (NaiveDate, NaiveDate),
}

/// The display order of `rows` (indices into `rows`). Sorting once and laying out many
/// viewports is the intended use.
pub fn cohort_order(rows: &[CohortRow<'_>], sort: &CohortSort) -> Vec<usize> {
    let entry = |r: &CohortRow<'_>| r.child.care_periods.first().map(|p| p.start);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    match sort {
        CohortSort::EntryDate => crate::sort::stable_by_cached_key(&mut order, |&i| {
            let r = &rows[i];
            (entry(r).is_none(), entry(r), r.child.id.clone())
        }),
        CohortSort::LongestCurrentWait => crate::sort::stable_by_cached_key(&mut order, |&i| {
            let r = &rows[i];
            let wait = longest_open(r.stages).map(|(_, d)| d);
            (wait.is_none(), Reverse(wait), entry(r), r.child.id.clone())
        }),
        CohortSort::Stage(id) => crate::sort::stable_by_cached_key(&mut order, |&i| {
            let r = &rows[i];
            let days = r
                .stages
                .iter()
                .filter(|s| s.id == *id)
                .map(StageBracket::days)
                .max();
            (days.is_none(), Reverse(days), entry(r), r.child.id.clone())
        }),
    }
    order
}

/// The running stage with the most days so far, and its days. Among equally long waits the
/// one furthest beyond its target wins, then the earliest in the profile's order (so a stage
/// with a target is named before the overall time to permanence that spans it).
fn longest_open(stages: &[StageBracket]) -> Option<(&StageBracket, i64)> {
    stages
        .iter()
        .rev()
        .filter(|s| s.is_open())
        .map(|s| (s, s.days()))
        .max_by_key(|(s, d)| (*d, s.days_over()))
}

const LEFT: f32 = 96.0;
const RIGHT_COLUMN: f32 = 112.0;
const SCROLL: f32 = 10.0;

/// Lays out the rows of `order` that fall in the viewport.
pub fn cohort(
    rows: &[CohortRow<'_>],
    order: &[usize],
    options: &CohortOptions,
    measure: &dyn TextMeasure,
) -> Cohort {
    let mut chart = CohortChart::new(rows, order, options, measure);
    chart.titles();
    chart.axis();
    chart.rows();
    chart.ruler();
    chart.as_at_line();
    chart.scroll_indicator();
    chart.legend();
    chart.finish()
}

/// The cohort view under construction: each method lays out one part.
struct CohortChart<'r, 'a> {
    rows: &'r [CohortRow<'a>],
    order: &'r [usize],
    options: &'r CohortOptions,
    measure: &'r dyn TextMeasure,
    total: usize,
    first: usize,
    count: usize,
    shown: std::ops::Range<usize>,
    start: NaiveDate,
    end: NaiveDate,
    width: f32,
    /// The plot's right edge.
    x1: f32,
    scale: DateScale,
    /// The row height.
    rh: f32,
    title: String,
    subtitle: String,
    /// Behind the data (grid, bars) and in front of it (text, lines).
    items: Vec<Item>,
    front: Vec<Item>,
    hits: Vec<HitRegion>,
    table: Table,
    /// The legend's last row.
    bottom: f32,
}

/// The date axis's baseline; the rows start just below it.
const AXIS_Y: f32 = 84.0;
const TOP: f32 = AXIS_Y + 8.0;

impl<'r, 'a> CohortChart<'r, 'a> {
    fn new(
        rows: &'r [CohortRow<'a>],
        order: &'r [usize],
        options: &'r CohortOptions,
        measure: &'r dyn TextMeasure,
    ) -> Self {
        let as_at = options.as_at;
        let total = order.len();
        let first = options.viewport.first_row.min(total);
        let count = options.viewport.rows.unwrap_or(total).min(total - first);
        let shown = first..first + count;
        let visible: Vec<&CohortRow<'_>> = order[shown.clone()]
            .iter()
            .filter_map(|&i| rows.get(i))
            .collect();
        let (start, end) = options
            .viewport
            .dates
            .unwrap_or_else(|| cohort_range(&visible, as_at));
        let width = options.width.max(LEFT + RIGHT_COLUMN + 100.0);
        let x1 = width - RIGHT_COLUMN - SCROLL - 8.0;
        CohortChart {
            rows,
            order,
            options,
            measure,
            total,
            first,
            count,
            shown,
            start,
            end,
            width,
            x1,
            scale: DateScale::new(start, end, LEFT, x1),
            rh: options.row_height.max(0.05),
            title: String::new(),
            subtitle: String::new(),
            items: Vec::new(),
            front: Vec::new(),
            hits: Vec::new(),
            table: Table::new(&[
                "row",
                "child",
                "entered_care",
                "moves",
                match &options.sort {
                    CohortSort::Stage(_) => "stage",
                    _ => "longest_current_wait",
                },
                "days",
                "days_beyond_target",
                "stages_overdue",
            ]),
            bottom: 0.0,
        }
    }

    /// The rows are tall enough for names and figures.
    fn labelled(&self) -> bool {
        self.rh >= 10.0
    }

    /// The rows are tall enough for ticks and stripes under the bars.
    fn detailed(&self) -> bool {
        self.rh >= 4.0
    }

    /// The rows are tall enough for the placement patterns.
    fn patterned(&self) -> bool {
        self.rh >= 12.0
    }

    fn plot_bottom(&self) -> f32 {
        TOP + self.count as f32 * self.rh
    }

    fn titles(&mut self) {
        let (rows, options) = (self.rows, self.options);
        let sort_words = match &options.sort {
            CohortSort::EntryDate => "sorted by entry to care".to_string(),
            CohortSort::LongestCurrentWait => "sorted by longest current wait".to_string(),
            CohortSort::Stage(id) => {
                let label = rows
                    .iter()
                    .flat_map(|r| r.stages.iter())
                    .find(|s| s.id == *id)
                    .map(|s| s.label.clone())
                    .unwrap_or_else(|| id.clone());
                format!("sorted by days in {label}")
            }
        };
        let overdue_now = rows
            .iter()
            .filter(|r| r.stages.iter().any(|s| s.is_open() && s.overdue))
            .count();
        self.title = format!("Cohort · {} · {sort_words}", children(self.total));
        self.subtitle = format!(
            "As at {} · {} waiting beyond target now · rows {}–{} of {} · {} to {}",
            date_long(options.as_at),
            children(overdue_now),
            thousands(if self.count == 0 { 0 } else { self.first + 1 }),
            thousands(self.first + self.count),
            thousands(self.total),
            date_long(self.start),
            date_long(self.end)
        );
        push_text(
            &mut self.front,
            24.0,
            30.0,
            &self.title,
            20.0,
            Weight::Bold,
            Anchor::Start,
            palette::TEXT,
        );
        push_text(
            &mut self.front,
            24.0,
            50.0,
            &self.subtitle,
            12.5,
            Weight::Regular,
            Anchor::Start,
            palette::MUTED,
        );
    }

    /// The date axis above the rows, its grid, and the right column's heading.
    fn axis(&mut self) {
        let axis_y = AXIS_Y;
        let bottom = self.plot_bottom();
        let ticks = self.scale.ticks(64.0);
        let two_tier = !ticks.years.is_empty();
        for t in &ticks.ticks {
            let major = t.date.month0() == 0;
            self.items.push(Item::Line {
                from: Point::new(t.x, TOP),
                to: Point::new(t.x, bottom),
                stroke: Stroke::solid(
                    if major {
                        palette::FAINT
                    } else {
                        palette::GRID.alpha(150)
                    },
                    1.0,
                ),
            });
            let label = if two_tier && major {
                t.date.year().to_string()
            } else {
                t.label.clone()
            };
            push_text(
                &mut self.front,
                t.x,
                axis_y - 4.0,
                &label,
                11.0,
                if two_tier && major {
                    Weight::Bold
                } else {
                    Weight::Regular
                },
                Anchor::Middle,
                palette::MUTED,
            );
        }
        self.front.push(Item::Line {
            from: Point::new(LEFT, axis_y),
            to: Point::new(self.x1, axis_y),
            stroke: Stroke::solid(palette::REFERENCE, 1.0),
        });
        if self.labelled() {
            push_text(
                &mut self.front,
                self.width - SCROLL - 8.0,
                axis_y - 4.0,
                match &self.options.sort {
                    CohortSort::Stage(_) => "days in stage",
                    _ => "longest wait now",
                },
                11.0,
                Weight::Bold,
                Anchor::End,
                palette::TEXT,
            );
        }
    }

    /// Each visible row: placement bars, time beyond target, key decisions, the child's name
    /// and longest wait, its hit region and its table line.
    fn rows(&mut self) {
        let (rows, order, options, measure) = (self.rows, self.order, self.options, self.measure);
        let (as_at, start, end, scale) = (options.as_at, self.start, self.end, self.scale);
        let (rh, first, x1, width) = (self.rh, self.first, self.x1, self.width);
        let (detailed, patterned, labelled) = (self.detailed(), self.patterned(), self.labelled());
        let top = TOP;
        let bar_h = if detailed { (rh * 0.62).max(2.0) } else { rh };
        for (k, &ri) in order[self.shown.clone()].iter().enumerate() {
            let Some(row) = rows.get(ri) else { continue };
            let y = top + k as f32 * rh;
            let child = row.child;
            if detailed && k % 2 == 1 {
                self.items.push(Item::Rect {
                    rect: Rect::new(LEFT, y, x1 - LEFT, rh),
                    fill: Some(palette::ZEBRA_LIGHT),
                    pattern: None,
                    stroke: None,
                });
            }
            let bar_y = y + if detailed {
                (rh - bar_h) / 2.0 - rh * 0.08
            } else {
                0.0
            };
            for p in child.care_periods.iter().flat_map(|c| c.placements.iter()) {
                let e = p.end.unwrap_or(as_at).max(p.start);
                if e < start || p.start > end {
                    continue;
                }
                let (xa, xb) = (scale.x_clamped(p.start), scale.x_clamped(e));
                let (fill, pattern, _) = palette::placement(p.category);
                self.items.push(Item::Rect {
                    rect: Rect::new(xa, bar_y, (xb - xa).max(0.8), bar_h),
                    fill: Some(fill),
                    pattern: if patterned { pattern } else { None },
                    stroke: None,
                });
            }
            // Time beyond target: a deep vermillion strip under the bar (over it in dense bands),
            // apart from residential care's amber.
            for s in row.stages {
                let Some(t) = &s.target else { continue };
                let until = s.until();
                if until <= t.date || until < start || t.date > end {
                    continue;
                }
                let (xa, xb) = (scale.x_clamped(t.date), scale.x_clamped(until));
                let (sy, sh) = if detailed {
                    (bar_y + bar_h + rh * 0.04, (rh * 0.22).max(1.5))
                } else {
                    (y, rh)
                };
                self.items.push(Item::Rect {
                    rect: Rect::new(xa, sy, (xb - xa).max(0.8), sh),
                    fill: Some(palette::BEYOND_DEEP),
                    pattern: None,
                    stroke: None,
                });
            }
            if detailed {
                let events = child
                    .care_periods
                    .iter()
                    .flat_map(|p| p.events.iter())
                    .chain(child.events_outside_care.iter());
                for e in events.filter(|e| e.milestone.is_key_decision()) {
                    if !scale.contains(e.date) {
                        continue;
                    }
                    let x = scale.x(e.date);
                    self.items.push(Item::Line {
                        from: Point::new(x, bar_y - 1.0),
                        to: Point::new(x, bar_y + bar_h + 1.0),
                        stroke: Stroke::solid(palette::KEY, 1.5),
                    });
                }
            }
            let name = if options.pseudonymise {
                let n = options.positions.get(ri).map_or(first + k, |&p| p);
                format!("Child {}", thousands(n + 1))
            } else {
                child.id.to_string()
            };
            let wait = match &options.sort {
                CohortSort::Stage(id) => row
                    .stages
                    .iter()
                    .filter(|s| s.id == *id)
                    .max_by_key(|s| s.days())
                    .map(|s| (s, s.days())),
                _ => longest_open(row.stages),
            };
            if labelled {
                let base = y + rh / 2.0 + 11.0 * 0.35;
                let label = fit(measure, &name, 11.0, Weight::Regular, LEFT - 12.0);
                push_text(
                    &mut self.front,
                    LEFT - 6.0,
                    base,
                    &label,
                    11.0,
                    Weight::Regular,
                    Anchor::End,
                    palette::TEXT,
                );
                if let Some((s, days)) = wait {
                    let over = s.days_over();
                    let text = if over > 0 {
                        format!("{days} d · {over} over")
                    } else {
                        format!("{days} d")
                    };
                    push_text(
                        &mut self.front,
                        width - SCROLL - 8.0,
                        base,
                        &text,
                        11.0,
                        if over > 0 {
                            Weight::Bold
                        } else {
                            Weight::Regular
                        },
                        Anchor::End,
                        if over > 0 {
                            palette::OVER_TEXT
                        } else {
                            palette::MUTED
                        },
                    );
                }
            }
            let entry = child
                .care_periods
                .first()
                .map(|p| date_long(p.start))
                .unwrap_or_else(|| "not looked after".into());
            let moves: u32 = child.care_periods.iter().map(|p| p.moves).sum();
            let wait_words = match wait {
                Some((s, d)) => {
                    let over = s.days_over();
                    if over > 0 {
                        format!(" · {}: {d} days, {over} beyond target", s.label)
                    } else {
                        format!(" · {}: {d} days", s.label)
                    }
                }
                None => String::new(),
            };
            self.hits.push(HitRegion {
                rect: Rect::new(LEFT, y, x1 - LEFT, rh.max(0.5)),
                hit: Hit {
                    target: HitTarget::CohortRow {
                        row: ri,
                        date: start,
                    },
                    label: format!(
                        "{name} · entered care {entry} · {}{wait_words}",
                        super::axis::plural(i64::from(moves), "move")
                    ),
                    source: child.source,
                    text_row: Some(k),
                },
            });
            let (wait_stage, wait_days, wait_over) = match wait {
                Some((s, d)) => (s.label.clone(), d.to_string(), s.days_over().to_string()),
                None => Default::default(),
            };
            self.table.push(vec![
                // A number and an ISO date, as every CSV writes them.
                (first + k + 1).to_string(),
                name.clone(),
                child
                    .care_periods
                    .first()
                    .map(|p| p.start.to_string())
                    .unwrap_or_default(),
                moves.to_string(),
                wait_stage,
                wait_days,
                wait_over,
                row.stages.iter().filter(|s| s.overdue).count().to_string(),
            ]);
        }
    }

    /// Without names, a row ruler every so many rows.
    fn ruler(&mut self) {
        let (labelled, count, first, rh) = (self.labelled(), self.count, self.first, self.rh);
        let top = TOP;
        if !labelled && count > 0 {
            // A row ruler instead of names.
            let step = [10usize, 50, 100, 500, 1000, 5000]
                .into_iter()
                .find(|s| *s as f32 * rh >= 40.0)
                .unwrap_or(10_000);
            let mut r = first.div_ceil(step) * step;
            while r < first + count {
                let y = top + (r - first) as f32 * rh;
                self.front.push(Item::Line {
                    from: Point::new(LEFT - 4.0, y),
                    to: Point::new(LEFT, y),
                    stroke: Stroke::solid(palette::MUTED, 1.0),
                });
                push_text(
                    &mut self.front,
                    LEFT - 7.0,
                    y + 4.0,
                    &format!("row {}", thousands(r + 1)),
                    10.0,
                    Weight::Regular,
                    Anchor::End,
                    palette::MUTED,
                );
                r += step;
            }
        }
    }

    /// The "as at" line.
    fn as_at_line(&mut self) {
        let (scale, as_at, axis_y, bottom) =
            (self.scale, self.options.as_at, AXIS_Y, self.plot_bottom());
        if scale.contains(as_at) {
            let x = scale.x(as_at);
            self.front.push(Item::Line {
                from: Point::new(x, axis_y),
                to: Point::new(x, bottom),
                stroke: Stroke::dashed(palette::VERMILLION, 1.2, 2.0, 3.0),
            });
        }
    }

    /// The scroll indicator: where the visible rows sit in the whole cohort.
    fn scroll_indicator(&mut self) {
        let (width, top, total, first, count) =
            (self.width, TOP, self.total, self.first, self.count);
        let plot_h = count as f32 * self.rh;
        let track = Rect::new(width - SCROLL - 2.0, top, SCROLL - 4.0, plot_h.max(20.0));
        self.front.push(Item::Rect {
            rect: track,
            fill: Some(palette::TRACK),
            pattern: None,
            stroke: None,
        });
        if total > 0 {
            let t0 = track.y + track.h * first as f32 / total as f32;
            let th = (track.h * count as f32 / total as f32).max(4.0);
            self.front.push(Item::Rect {
                rect: Rect::new(track.x, t0, track.w, th),
                fill: Some(palette::OUTLINE),
                pattern: None,
                stroke: None,
            });
        }
    }

    /// The legend: the placements shown, time beyond target, key decisions, "as at".
    fn legend(&mut self) {
        let (rows, order, measure, width) = (self.rows, self.order, self.measure, self.width);
        let (bottom, top, shown) = (self.plot_bottom(), TOP, self.shown.clone());
        let (detailed, patterned) = (self.detailed(), self.patterned());
        let mut y = bottom.max(top + 20.0) + 22.0;
        let mut x = LEFT;
        let mut cats: Vec<PlacementCategory> = order[shown.clone()]
            .iter()
            .filter_map(|&i| rows.get(i))
            .flat_map(|r| {
                r.child
                    .care_periods
                    .iter()
                    .flat_map(|p| p.placements.iter().map(|p| p.category))
            })
            .collect();
        crate::sort::stable(&mut cats);
        cats.dedup();
        let right = width - 24.0;
        let mut entries: Vec<(Item, String)> = cats
            .iter()
            .map(|c| {
                let (fill, pattern, _) = palette::placement(*c);
                (
                    Item::Rect {
                        rect: Rect::new(0.0, -6.0, 22.0, 12.0),
                        fill: Some(fill),
                        pattern: if patterned { pattern } else { None },
                        stroke: None,
                    },
                    c.label().to_string(),
                )
            })
            .collect();
        entries.push((
            Item::Rect {
                rect: Rect::new(0.0, -2.0, 22.0, 4.0),
                fill: Some(palette::BEYOND_DEEP),
                pattern: None,
                stroke: None,
            },
            "time beyond a stage's target".into(),
        ));
        if detailed {
            entries.push((
                Item::Line {
                    from: Point::new(11.0, -7.0),
                    to: Point::new(11.0, 7.0),
                    stroke: Stroke::solid(palette::KEY, 1.5),
                },
                "key decision".into(),
            ));
        }
        entries.push((
            Item::Line {
                from: Point::new(11.0, -8.0),
                to: Point::new(11.0, 8.0),
                stroke: Stroke::dashed(palette::VERMILLION, 1.2, 2.0, 3.0),
            },
            "\"as at\" date".into(),
        ));
        for (item, label) in entries {
            let w = 27.0 + measure.width(&label, 11.0, Weight::Regular);
            if x + w > right && x > LEFT {
                x = LEFT;
                y += 18.0;
            }
            self.front.push(shift(item, x, y));
            push_text(
                &mut self.front,
                x + 27.0,
                y + 4.0,
                &label,
                11.0,
                Weight::Regular,
                Anchor::Start,
                palette::TEXT,
            );
            x += w + 18.0;
        }
        self.bottom = y;
    }

    fn finish(self) -> Cohort {
        let height = self.bottom + 16.0;
        let mut all = self.items;
        all.extend(self.front);
        Cohort {
            layout: Layout {
                width: self.width,
                height: height.ceil(),
                title: self.title,
                description: self.subtitle,
                items: all,
                hits: self.hits,
                label_boxes: Vec::new(),
                date_axis: Some(DateAxis {
                    x0: self.scale.x0,
                    x1: self.scale.x1,
                    start: self.scale.start,
                    end: self.scale.end,
                }),
                table: Some(self.table),
            },
            shown: self.shown,
            dates: (self.start, self.end),
        }
    }
}

fn children(n: usize) -> String {
    if n == 1 {
        "1 child".to_string()
    } else {
        format!("{} children", thousands(n))
    }
}

/// Moves a legend item drawn around the origin to `(x, y)`.
fn shift(item: Item, x: f32, y: f32) -> Item {
    let p = |pt: Point| Point::new(pt.x + x, pt.y + y);
    match item {
        Item::Rect {
            rect,
            fill,
            pattern,
            stroke,
        } => Item::Rect {
            rect: Rect::new(rect.x + x, rect.y + y, rect.w, rect.h),
            fill,
            pattern,
            stroke,
        },
        Item::Line { from, to, stroke } => Item::Line {
            from: p(from),
            to: p(to),
            stroke,
        },
        Item::Marker {
            at,
            size,
            shape,
            fill,
            stroke,
        } => Item::Marker {
            at: p(at),
            size,
            shape,
            fill,
            stroke,
        },
        other => other,
    }
}

/// The dates the visible rows span: first entry to care to the "as at" date, padded.
fn cohort_range(rows: &[&CohortRow<'_>], as_at: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = rows
        .iter()
        .filter_map(|r| r.child.care_periods.first().map(|p| p.start))
        .min()
        .unwrap_or(as_at);
    let end = as_at.max(start);
    let pad = ((end - start).num_days() / 50).max(7) as u64;
    (
        start.checked_sub_days(Days::new(pad)).unwrap_or(start),
        end.checked_add_days(Days::new(pad)).unwrap_or(end),
    )
}
