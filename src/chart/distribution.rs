//! The distribution of days in one stage: a histogram of the completed stages (bins beyond
//! the target in the "beyond target" colour), with the waits still running stacked on top
//! at their days so far (hatched), the target and the median as vertical lines, and under it,
//! on the same day axis, box plots (quartiles, median, minimum to maximum) for the cohort and
//! for each group of a breakdown, with their counts.
//!
//! This module owns that chart's layout, its binning and its table. Days come from the
//! statistics' stage rows ([`crate::stats::StageRow`]) and the box plots from
//! [`crate::stats::GroupStats`]; the chart computes only the bin counts.

use super::axis::{date_long, thousands};
use super::figure::{
    breakdown_words, fmt_days, fmt_value, group_words, legend, nice_step, nice_ticks, plot_frame,
    push_text, target_days, target_words, title_block, Key, AXIS_SIZE, LABEL_SIZE, MARGIN,
};
use super::layout::{Anchor, Color, Hit, HitRegion, HitTarget, Item, Layout, Point, Rect};
use super::layout::{Stroke, Weight};
use super::palette;
use super::text::{fit, TextMeasure};
use crate::stats::{CensoredBy, ChildStats, GroupStats, StageSummary};
use crate::table::Table;
use chrono::NaiveDate;

/// Options for [`distribution`].
#[derive(Clone, Debug, PartialEq)]
pub struct DistributionOptions {
    pub as_at: NaiveDate,
    /// A breakdown id: one box plot per group under the cohort's.
    pub breakdown: Option<String>,
    pub width: f32,
    /// The height of the histogram alone.
    pub plot_height: f32,
    pub profile: String,
    /// At most this many groups' box plots (the largest).
    pub max_groups: usize,
}

impl DistributionOptions {
    pub fn new(as_at: NaiveDate) -> DistributionOptions {
        DistributionOptions {
            as_at,
            breakdown: None,
            width: 1000.0,
            plot_height: 300.0,
            profile: String::new(),
            max_groups: 8,
        }
    }
}

/// One bin of the histogram: days `from..to` (whole days, `to` excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bin {
    pub from: u32,
    pub to: u32,
    pub completed: u32,
    /// Waits still running at the "as at" date with this many days so far.
    pub waiting: u32,
}

/// Bin widths tried, smallest first: days, weeks, months, quarters, years.
const WIDTHS: [u32; 17] = [
    1, 2, 5, 7, 14, 28, 30, 61, 91, 122, 182, 365, 730, 1095, 1461, 1826, 3652,
];

/// The histogram of a stage's days: completed stages and waits still running, in bins of a
/// round width (about 25 bins over the range).
pub fn bins(days_completed: &[u32], days_waiting: &[u32]) -> Vec<Bin> {
    let max = days_completed
        .iter()
        .chain(days_waiting)
        .copied()
        .max()
        .unwrap_or(0);
    let width = WIDTHS
        .into_iter()
        .find(|w| (max / w) < 40)
        .unwrap_or_else(|| nice_step(f64::from(max) / 40.0).ceil() as u32)
        .max(1);
    let n = (max / width + 1) as usize;
    let mut out: Vec<Bin> = (0..n as u32)
        .map(|i| Bin {
            from: i * width,
            to: (i + 1) * width,
            completed: 0,
            waiting: 0,
        })
        .collect();
    for &d in days_completed {
        if let Some(b) = out.get_mut((d / width) as usize) {
            b.completed += 1;
        }
    }
    for &d in days_waiting {
        if let Some(b) = out.get_mut((d / width) as usize) {
            b.waiting += 1;
        }
    }
    out
}

/// Lays out the distribution of days in `stage`, from the stage rows in `stats`.
pub fn distribution(
    stage: &StageSummary,
    stats: &[ChildStats],
    options: &DistributionOptions,
    measure: &dyn TextMeasure,
) -> Layout {
    let mut chart = DistributionChart::new(stage, stats, options, measure);
    chart.titles();
    chart.box_rows();
    chart.scales();
    chart.axes();
    chart.bars();
    chart.target_and_median();
    chart.day_axis();
    chart.box_plots();
    chart.legend();
    chart.finish()
}

/// The heading of the box plots' figures column.
const RIGHT_HEAD: &str = "median (IQR) · n";

/// The distribution chart under construction: each method lays out one part.
struct DistributionChart<'a> {
    stage: &'a StageSummary,
    options: &'a DistributionOptions,
    measure: &'a dyn TextMeasure,
    width: f32,
    breakdown: Option<&'a str>,
    completed: Vec<u32>,
    waiting: Vec<u32>,
    left_care: usize,
    bins: Vec<Bin>,
    /// The target in days.
    target: Option<f64>,
    title: String,
    subtitle: String,
    /// Behind the data (grid, bars) and in front of it (text, frame, markers).
    items: Vec<Item>,
    front: Vec<Item>,
    hits: Vec<HitRegion>,
    top: f32,
    /// The box plot rows: label, figures and colour; how many groups are left out.
    boxes: Vec<(String, &'a GroupStats, Color)>,
    left_out: usize,
    label_w: f32,
    right_cells: Vec<String>,
    plot_x0: f32,
    plot_x1: f32,
    day_ticks: Vec<f64>,
    hi_day: f64,
    count_ticks: Vec<f64>,
    hi_count: f64,
    plot_top: f32,
    plot_bottom: f32,
    /// The bottom of the box plots.
    boxes_bottom: f32,
    table: Table,
    legend_y: f32,
}

impl<'a> DistributionChart<'a> {
    fn new(
        stage: &'a StageSummary,
        stats: &'a [ChildStats],
        options: &'a DistributionOptions,
        measure: &'a dyn TextMeasure,
    ) -> DistributionChart<'a> {
        let mut completed: Vec<u32> = Vec::new();
        let mut waiting: Vec<u32> = Vec::new();
        let mut left_care = 0usize;
        for row in stats
            .iter()
            .flat_map(|c| c.stages.iter())
            .filter(|r| *r.stage == *stage.id && !r.start_unknown && !r.before_data)
        {
            match (row.end, row.censored_by) {
                (Some(_), _) => completed.push(row.days),
                (None, Some(CensoredBy::LeftCare)) => left_care += 1,
                (None, _) => waiting.push(row.days),
            }
        }
        let bins = bins(&completed, &waiting);
        DistributionChart {
            stage,
            options,
            measure,
            width: options.width.max(560.0),
            breakdown: options.breakdown.as_deref(),
            completed,
            waiting,
            left_care,
            bins,
            target: stage.target.map(target_days),
            title: String::new(),
            subtitle: String::new(),
            items: Vec::new(),
            front: Vec::new(),
            hits: Vec::new(),
            top: 0.0,
            boxes: Vec::new(),
            left_out: 0,
            label_w: 0.0,
            right_cells: Vec::new(),
            plot_x0: 0.0,
            plot_x1: 0.0,
            day_ticks: Vec::new(),
            hi_day: 1.0,
            count_ticks: Vec::new(),
            hi_count: 1.0,
            plot_top: 0.0,
            plot_bottom: 0.0,
            boxes_bottom: 0.0,
            table: Table::new(&["days_from", "days_to", "completed", "still_waiting"]),
            legend_y: 0.0,
        }
    }

    fn x_of(&self, d: f64) -> f32 {
        self.plot_x0 + (d / self.hi_day) as f32 * (self.plot_x1 - self.plot_x0)
    }

    fn y_of(&self, c: f64) -> f32 {
        self.plot_bottom - (c / self.hi_count) as f32 * (self.plot_bottom - self.plot_top)
    }

    fn titles(&mut self) {
        self.title = format!("{}: how many days it takes", self.stage.label);
        let mut sub = vec![
            format!(
                "Completed stages by days taken ({}) and waits still running by days so far ({}, hatched)",
                thousands(self.completed.len()),
                thousands(self.waiting.len())
            ),
            format!("as at {}", date_long(self.options.as_at)),
        ];
        if self.left_care > 0 {
            sub.push(format!(
                "{} that ended by leaving care not shown",
                thousands(self.left_care)
            ));
        }
        if !self.options.profile.is_empty() {
            sub.push(format!("profile: {}", self.options.profile));
        }
        self.subtitle = sub.join(" · ");
        self.top = title_block(
            &mut self.front,
            self.width,
            &self.title,
            &self.subtitle,
            self.measure,
        );
    }

    /// The box plot rows (the whole cohort, then the largest groups) and the columns their
    /// labels and figures take, which fix the plot's sides.
    fn box_rows(&mut self) {
        let (stage, measure) = (self.stage, self.measure);
        self.boxes = vec![("All children".into(), &stage.stats, palette::KEY)];
        if let Some((b, groups)) = self
            .breakdown
            .and_then(|b| stage.groups.get(b).map(|g| (b, g)))
        {
            let mut order: Vec<usize> = (0..groups.0.len()).collect();
            crate::sort::stable_by_key(&mut order, |&i| std::cmp::Reverse(groups.0[i].1.started));
            let keep = self.options.max_groups.max(1);
            self.left_out = order.len().saturating_sub(keep);
            order.truncate(keep);
            order.sort_unstable();
            for (k, i) in order.into_iter().enumerate() {
                let (key, g) = &groups.0[i];
                self.boxes.push((
                    group_words(b, key),
                    g,
                    palette::SERIES[k % palette::SERIES.len()],
                ));
            }
        }
        self.label_w = self
            .boxes
            .iter()
            .map(|(l, _, _)| measure.width(l, LABEL_SIZE, Weight::Regular))
            .fold(40.0f32, f32::max)
            .min(200.0);
        self.right_cells = self
            .boxes
            .iter()
            .map(|(_, g, _)| match (g.median_days, g.q1_days, g.q3_days) {
                (Some(m), Some(a), Some(b)) => format!(
                    "{} ({}–{}) · {}",
                    fmt_days(m),
                    fmt_days(a),
                    fmt_days(b),
                    thousands(g.completed as usize)
                ),
                _ => format!("– · {}", thousands(g.completed as usize)),
            })
            .collect();
        let right_w = self
            .right_cells
            .iter()
            .map(|c| measure.width(c, AXIS_SIZE, Weight::Regular))
            .fold(measure.width(RIGHT_HEAD, AXIS_SIZE, Weight::Bold), f32::max);
        self.plot_x0 = MARGIN + self.label_w + 16.0;
        self.plot_x1 = self.width - MARGIN - right_w - 16.0;
    }

    /// The day scale (every bin and the target) and the count scale.
    fn scales(&mut self) {
        let max_day = self.bins.last().map_or(1, |b| b.to);
        let hi_day = f64::from(max_day)
            .max(self.target.unwrap_or(0.0) * 1.02)
            .max(1.0);
        let (day_ticks, _, hi_day) =
            nice_ticks(0.0, hi_day, f64::from((self.plot_x1 - self.plot_x0) / 80.0));
        self.day_ticks = day_ticks;
        self.hi_day = hi_day;
        let max_count = self
            .bins
            .iter()
            .map(|b| b.completed + b.waiting)
            .max()
            .unwrap_or(0)
            .max(1);
        let (count_ticks, _, hi_count) = nice_ticks(0.0, f64::from(max_count), 5.0);
        self.count_ticks = count_ticks;
        self.hi_count = hi_count.max(1.0);
        self.plot_top = self.top + 24.0;
        self.plot_bottom = self.plot_top + self.options.plot_height.max(140.0);
    }

    /// The count grid with its labels, and the plot's frame.
    fn axes(&mut self) {
        let (plot_x0, plot_x1) = (self.plot_x0, self.plot_x1);
        for t in &self.count_ticks {
            let y = self.y_of(*t);
            self.items.push(Item::Line {
                from: Point::new(plot_x0, y),
                to: Point::new(plot_x1, y),
                stroke: Stroke::solid(palette::GRID, 1.0),
            });
            push_text(
                &mut self.front,
                plot_x0 - 6.0,
                y + 4.0,
                &fmt_value(*t),
                AXIS_SIZE,
                Weight::Regular,
                Anchor::End,
                palette::MUTED,
            );
        }
        push_text(
            &mut self.front,
            plot_x0,
            self.plot_top - 10.0,
            "children",
            AXIS_SIZE,
            Weight::Bold,
            Anchor::Middle,
            palette::TEXT,
        );
        plot_frame(
            &mut self.front,
            (plot_x0, plot_x1),
            (self.plot_top, self.plot_bottom),
        );
    }

    /// A bar per bin: completed stages solid, waits still running hatched on top.
    fn bars(&mut self) {
        let target = self.target;
        let (plot_top, plot_bottom) = (self.plot_top, self.plot_bottom);
        for (i, b) in self.bins.iter().enumerate() {
            let (xa, xb) = (self.x_of(f64::from(b.from)), self.x_of(f64::from(b.to)));
            let gap = if xb - xa > 4.0 { 1.0 } else { 0.0 };
            // A bin is beyond the target when most of it is.
            let beyond = target.is_some_and(|t| f64::from(b.from + b.to) / 2.0 > t);
            let fill = match (target, beyond) {
                (None, _) => palette::BLUE,
                (Some(_), false) => palette::WITHIN,
                (Some(_), true) => palette::VERMILLION,
            };
            let y_done = self.y_of(f64::from(b.completed));
            if b.completed > 0 {
                self.items.push(Item::Rect {
                    rect: Rect::span(xa + gap / 2.0, y_done, xb - gap / 2.0, plot_bottom),
                    fill: Some(fill),
                    pattern: None,
                    stroke: None,
                });
            }
            if b.waiting > 0 {
                let y_all = self.y_of(f64::from(b.completed + b.waiting));
                self.items.push(Item::Rect {
                    rect: Rect::span(xa + gap / 2.0, y_all, xb - gap / 2.0, y_done),
                    fill: Some(fill.alpha(90)),
                    pattern: Some(super::layout::Pattern {
                        kind: super::layout::PatternKind::Diagonal,
                        color: fill,
                        spacing: 4.0,
                    }),
                    stroke: Some(Stroke::solid(fill, 1.0)),
                });
            }
            self.table.push(vec![
                b.from.to_string(),
                (b.to - 1).to_string(),
                b.completed.to_string(),
                b.waiting.to_string(),
            ]);
            let days = if b.to - b.from == 1 {
                format!("{} days", b.from)
            } else {
                format!("{}–{} days", b.from, b.to - 1)
            };
            self.hits.push(HitRegion {
                rect: Rect::span(xa, plot_top, xb, plot_bottom),
                hit: Hit {
                    target: HitTarget::Bin { index: i },
                    label: format!(
                        "{days}: {} completed, {} still waiting",
                        thousands(b.completed as usize),
                        thousands(b.waiting as usize)
                    ),
                    source: None,
                    text_row: Some(i),
                },
            });
        }
    }

    /// The target and the median as vertical lines, each named on a flag.
    fn target_and_median(&mut self) {
        let (plot_top, plot_bottom, plot_x1) = (self.plot_top, self.plot_bottom, self.plot_x1);
        if let (Some(t), Some(duration)) = (self.target, self.stage.target) {
            let x = self.x_of(t);
            self.front.push(Item::Line {
                from: Point::new(x, plot_top),
                to: Point::new(x, plot_bottom),
                stroke: Stroke::dashed(palette::TARGET, 1.8, 6.0, 3.0),
            });
            let label = format!("target {}", target_words(duration));
            flag(
                &mut self.front,
                x,
                plot_top + 12.0,
                &label,
                plot_x1,
                self.measure,
                palette::TARGET,
            );
        }
        if let Some(m) = self.stage.stats.median_days {
            let x = self.x_of(m);
            self.front.push(Item::Line {
                from: Point::new(x, plot_top + 22.0),
                to: Point::new(x, plot_bottom),
                stroke: Stroke::dashed(palette::KEY, 1.0, 2.0, 2.0),
            });
            flag(
                &mut self.front,
                x,
                plot_top + 30.0,
                &format!("median {} days (completed)", fmt_days(m)),
                plot_x1,
                self.measure,
                palette::TEXT,
            );
        }
    }

    /// The day axis that the histogram and the box plots share.
    fn day_axis(&mut self) {
        let axis_y = self.plot_bottom;
        for t in &self.day_ticks {
            let x = self.x_of(*t);
            self.front.push(Item::Line {
                from: Point::new(x, axis_y),
                to: Point::new(x, axis_y + 4.0),
                stroke: Stroke::solid(palette::REFERENCE, 1.0),
            });
            push_text(
                &mut self.front,
                x,
                axis_y + 16.0,
                &fmt_value(*t),
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::MUTED,
            );
        }
        push_text(
            &mut self.front,
            (self.plot_x0 + self.plot_x1) / 2.0,
            axis_y + 32.0,
            "days from the stage's start",
            AXIS_SIZE,
            Weight::Regular,
            Anchor::Middle,
            palette::MUTED,
        );
    }

    /// A box plot per row (quartiles, median, whiskers from shortest to longest) with its
    /// figures, and the target across them.
    fn box_plots(&mut self) {
        let (measure, width) = (self.measure, self.width);
        let mut by = self.plot_bottom + 52.0;
        let heading = match self.breakdown {
            Some(b) => format!("Completed stages by {}", breakdown_words(b)),
            None => "Completed stages".to_string(),
        };
        push_text(
            &mut self.front,
            MARGIN,
            by + 12.0,
            &heading,
            LABEL_SIZE,
            Weight::Bold,
            Anchor::Start,
            palette::TEXT,
        );
        push_text(
            &mut self.front,
            width - MARGIN,
            by + 12.0,
            RIGHT_HEAD,
            AXIS_SIZE,
            Weight::Bold,
            Anchor::End,
            palette::TEXT,
        );
        by += 20.0;
        let box_top = by;
        let boxes = std::mem::take(&mut self.boxes);
        for (k, ((label, g, color), cell)) in boxes.iter().zip(&self.right_cells).enumerate() {
            let cy = by + 12.0;
            if k % 2 == 1 {
                self.items.push(Item::Rect {
                    rect: Rect::new(MARGIN, by, width - 2.0 * MARGIN, 24.0),
                    fill: Some(palette::ZEBRA_LIGHT),
                    pattern: None,
                    stroke: None,
                });
            }
            let name = fit(measure, label, LABEL_SIZE, Weight::Regular, self.label_w);
            push_text(
                &mut self.front,
                MARGIN,
                cy + 4.0,
                &name,
                LABEL_SIZE,
                if k == 0 {
                    Weight::Bold
                } else {
                    Weight::Regular
                },
                Anchor::Start,
                palette::TEXT,
            );
            push_text(
                &mut self.front,
                width - MARGIN,
                cy + 4.0,
                cell,
                AXIS_SIZE,
                Weight::Regular,
                Anchor::End,
                palette::TEXT,
            );
            if let (Some(lo), Some(q1), Some(m), Some(q3), Some(hi)) =
                (g.min_days, g.q1_days, g.median_days, g.q3_days, g.max_days)
            {
                let whisker = Stroke::solid(*color, 1.2);
                let (xlo, xhi) = (self.x_of(f64::from(lo)), self.x_of(f64::from(hi)));
                let (xa, xb, xm) = (self.x_of(q1), self.x_of(q3), self.x_of(m));
                self.front.push(Item::Line {
                    from: Point::new(xlo, cy),
                    to: Point::new(xa, cy),
                    stroke: whisker,
                });
                self.front.push(Item::Line {
                    from: Point::new(xb, cy),
                    to: Point::new(xhi, cy),
                    stroke: whisker,
                });
                for x in [xlo, xhi] {
                    self.front.push(Item::Line {
                        from: Point::new(x, cy - 4.0),
                        to: Point::new(x, cy + 4.0),
                        stroke: whisker,
                    });
                }
                self.front.push(Item::Rect {
                    rect: Rect::new(xa, cy - 7.0, (xb - xa).max(1.0), 14.0),
                    fill: Some(color.alpha(60)),
                    pattern: None,
                    stroke: Some(Stroke::solid(*color, 1.2)),
                });
                self.front.push(Item::Line {
                    from: Point::new(xm, cy - 7.0),
                    to: Point::new(xm, cy + 7.0),
                    stroke: Stroke::solid(*color, 2.5),
                });
            }
            self.hits.push(HitRegion {
                rect: Rect::new(MARGIN, by, width - 2.0 * MARGIN, 24.0),
                hit: Hit {
                    target: HitTarget::Box { series: k },
                    label: format!("{label}: {}", five_numbers(g)),
                    source: None,
                    text_row: None,
                },
            });
            self.table
                .notes
                .push(format!("{label}: {}", five_numbers(g)));
            by += 24.0;
        }
        self.boxes = boxes;
        if let Some(t) = self.target {
            let x = self.x_of(t);
            self.items.push(Item::Line {
                from: Point::new(x, box_top),
                to: Point::new(x, by),
                stroke: Stroke::dashed(palette::TARGET, 1.2, 6.0, 3.0),
            });
        }
        if self.left_out > 0 {
            self.table.notes.push(format!(
                "{} smaller groups are not drawn; see the delay table for them.",
                self.left_out
            ));
        }
        self.boxes_bottom = by;
    }

    /// The legend (the shared legend row).
    fn legend(&mut self) {
        let mut entries: Vec<(Key, String)> = Vec::new();
        if self.target.is_some() {
            entries.push((
                Key::Box(palette::WITHIN, None),
                "completed within the target".into(),
            ));
            entries.push((
                Key::Box(palette::VERMILLION, None),
                "completed beyond the target".into(),
            ));
        } else {
            entries.push((Key::Box(palette::BLUE, None), "completed".into()));
        }
        entries.push((
            Key::Box(
                palette::NEUTRAL.alpha(90),
                Some(super::layout::Pattern {
                    kind: super::layout::PatternKind::Diagonal,
                    color: palette::MUTED,
                    spacing: 4.0,
                }),
            ),
            "still waiting (days so far)".into(),
        ));
        entries.push((
            Key::Band(palette::KEY),
            "box: quartiles and median; whiskers: shortest to longest".into(),
        ));
        self.legend_y = legend(
            &mut self.front,
            &entries,
            MARGIN,
            self.boxes_bottom + 24.0,
            self.width - MARGIN,
            self.measure,
        );
    }

    fn finish(self) -> Layout {
        Layout::statistical(
            (self.width, self.legend_y + 16.0),
            self.title,
            format!("{}. {}.", self.subtitle, five_numbers(&self.stage.stats)),
            (self.items, self.front),
            self.hits,
            self.table,
        )
    }
}

/// A label beside a vertical line, on a white flag so that bars behind it do not hide it.
fn flag(
    items: &mut Vec<Item>,
    x: f32,
    y: f32,
    text: &str,
    max_x: f32,
    measure: &dyn TextMeasure,
    color: Color,
) {
    let w = measure.width(text, AXIS_SIZE, Weight::Bold);
    let (lx, anchor, bx) = if x + 6.0 + w <= max_x {
        (x + 6.0, Anchor::Start, x + 4.0)
    } else {
        (x - 6.0, Anchor::End, x - 8.0 - w)
    };
    items.push(Item::Rect {
        rect: Rect::new(bx, y - 11.0, w + 4.0, 15.0),
        fill: Some(palette::WHITE.alpha(225)),
        pattern: None,
        stroke: None,
    });
    push_text(items, lx, y, text, AXIS_SIZE, Weight::Bold, anchor, color);
}

/// "n 120 · shortest 3, Q1 40, median 60, Q3 95, longest 400 days".
fn five_numbers(g: &GroupStats) -> String {
    match (g.min_days, g.q1_days, g.median_days, g.q3_days, g.max_days) {
        (Some(lo), Some(q1), Some(m), Some(q3), Some(hi)) => format!(
            "{} completed · shortest {lo}, lower quartile {}, median {}, upper quartile {}, longest {hi} days",
            thousands(g.completed as usize),
            fmt_days(q1),
            fmt_days(m),
            fmt_days(q3)
        ),
        _ => "none completed".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_count_every_stage_once_in_round_widths() {
        let done = [0, 6, 7, 13, 14, 100];
        let waiting = [3, 150];
        let b = bins(&done, &waiting);
        // 150 days in fewer than 40 bins: 5 days each (0–4, 5–9, 10–14, …).
        assert_eq!(b[0].to - b[0].from, 5);
        assert_eq!(b.iter().map(|b| b.completed).sum::<u32>(), 6);
        assert_eq!(b.iter().map(|b| b.waiting).sum::<u32>(), 2);
        assert_eq!((b[0].completed, b[0].waiting), (1, 1));
        assert_eq!(b[1].completed, 2);
        assert_eq!(b[2].completed, 2);
        assert_eq!(b[20].completed, 1);
        assert_eq!(b.last().map(|l| l.waiting), Some(1));
        assert!(bins(&[], &[]).len() == 1);
    }
}
