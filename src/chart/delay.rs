//! "Where delay builds up": for each stage of the profile, the median days of the completed
//! stages as a bar with the interquartile range as a whisker, against the stage's target,
//! for the whole cohort or for each group of a breakdown (grouped bars), in the manner of a
//! forest plot with the figures in aligned columns: median (IQR), the number of completed
//! stages behind each bar, the share within target and how many are waiting overdue now.
//!
//! This module owns that chart's layout and its table. Every figure comes from
//! [`crate::stats::StageSummary`]; nothing is computed here but positions and words. Targets
//! in months or years are drawn at their average length in days (30.44 days a month), since
//! the statistics measure them in calendar months from each start.

use super::axis::{date_long, thousands};
use super::figure::{
    breakdown_words, count, fmt_days, group_words, legend, nice_ticks, push_text, target_days,
    target_words, title_block, wrap, Key, AXIS_SIZE, LABEL_SIZE, MARGIN,
};
use super::layout::{Anchor, Color, Hit, HitRegion, HitTarget, Item, Layout, MarkerShape};
use super::layout::{Point, Rect};
use super::layout::{Stroke, Weight};
use super::palette;
use super::text::TextMeasure;
use crate::stats::{GroupStats, StageSummary};
use crate::table::{number, opt_number, Table};
use chrono::NaiveDate;

/// Options for [`delay`].
#[derive(Clone, Debug, PartialEq)]
pub struct DelayOptions {
    pub as_at: NaiveDate,
    /// A breakdown id (`placement`, `age_at_entry`, `team`, …): one bar per group under each
    /// stage. `None` for the whole cohort.
    pub breakdown: Option<String>,
    /// Width in logical pixels.
    pub width: f32,
    /// The profile's name, for the subtitle ("Scotland (PACE)").
    pub profile: String,
    /// At most this many groups are drawn (the largest); the table has them all.
    pub max_groups: usize,
}

impl DelayOptions {
    pub fn new(as_at: NaiveDate) -> DelayOptions {
        DelayOptions {
            as_at,
            breakdown: None,
            width: 1000.0,
            profile: String::new(),
            max_groups: 6,
        }
    }
}

/// The colour of the whole-cohort bar beside the groups.
const ALL_COLOR: Color = palette::MUTED;
const ROW: f32 = 24.0;
const BAR: f32 = 14.0;
const GROUP_BAR: f32 = 12.0;
const COLUMN_GAP: f32 = 14.0;
/// How far group rows are indented under their stage's header.
const GROUP_INDENT: f32 = 12.0;

/// One drawn row: a stage (and a group) with its figures.
struct RowSpec<'a> {
    stage: usize,
    /// 0 for the whole cohort, 1 + k for the k-th drawn group.
    series: usize,
    label: Vec<String>,
    stats: &'a GroupStats,
    color: Option<Color>,
}

/// Lays out the chart for `stages` (in profile order).
pub fn delay(stages: &[StageSummary], options: &DelayOptions, measure: &dyn TextMeasure) -> Layout {
    let mut chart = DelayChart::new(stages, options, measure);
    chart.titles();
    chart.rows();
    chart.columns();
    chart.axes();
    chart.stage_headers();
    chart.marks();
    chart.legend();
    chart.finish()
}

/// The delay chart under construction: each method lays out one part.
struct DelayChart<'a> {
    stages: &'a [StageSummary],
    options: &'a DelayOptions,
    measure: &'a dyn TextMeasure,
    width: f32,
    breakdown: Option<&'a str>,
    /// The groups drawn, each with its colour.
    groups: Vec<(String, Color)>,
    title: String,
    subtitle: String,
    /// Behind the data (grid, bars) and in front of it (text, frame, markers).
    items: Vec<Item>,
    front: Vec<Item>,
    hits: Vec<HitRegion>,
    /// The bottom of the title block.
    top: f32,
    rows: Vec<RowSpec<'a>>,
    /// (stage, index of its first row) for grouped charts.
    headers: Vec<(usize, usize)>,
    label_w: f32,
    indent: f32,
    cells: Vec<[String; 4]>,
    col_w: Vec<f32>,
    col_right: Vec<f32>,
    plot_x0: f32,
    plot_x1: f32,
    ticks: Vec<f64>,
    /// The day scale's upper end.
    hi: f64,
    header_y: f32,
    plot_top: f32,
    plot_bottom: f32,
    /// Each row's top and height.
    row_y: Vec<(f32, f32)>,
    /// Each stage header's stage and top (grouped charts).
    header_at: Vec<(usize, f32)>,
    table: Table,
    legend_y: f32,
}

const COLUMNS: [&str; 4] = [
    "median (IQR)",
    "completed",
    "within target",
    "waiting overdue",
];

impl<'a> DelayChart<'a> {
    fn new(
        stages: &'a [StageSummary],
        options: &'a DelayOptions,
        measure: &'a dyn TextMeasure,
    ) -> DelayChart<'a> {
        let breakdown = options.breakdown.as_deref();
        DelayChart {
            stages,
            options,
            measure,
            width: options.width.max(560.0),
            breakdown,
            groups: drawn_groups(stages, breakdown, options.max_groups),
            title: String::new(),
            subtitle: String::new(),
            items: Vec::new(),
            front: Vec::new(),
            hits: Vec::new(),
            top: 0.0,
            rows: Vec::new(),
            headers: Vec::new(),
            label_w: 0.0,
            indent: 0.0,
            cells: Vec::new(),
            col_w: Vec::new(),
            col_right: Vec::new(),
            plot_x0: 0.0,
            plot_x1: 0.0,
            ticks: Vec::new(),
            hi: 1.0,
            header_y: 0.0,
            plot_top: 0.0,
            plot_bottom: 0.0,
            row_y: Vec::new(),
            header_at: Vec::new(),
            table: Table::new(&[
                "stage",
                "stage_label",
                "group",
                "started",
                "completed",
                "not_ended",
                "median_days",
                "q1_days",
                "q3_days",
                "min_days",
                "max_days",
                "target",
                "target_days",
                "within_target",
                "within_target_pct",
                "waiting_overdue",
            ]),
            legend_y: 0.0,
        }
    }

    fn x_of(&self, v: f64) -> f32 {
        self.plot_x0 + (v / self.hi) as f32 * (self.plot_x1 - self.plot_x0)
    }

    /// The title (with the breakdown) and a subtitle of what is drawn.
    fn titles(&mut self) {
        let breakdown = self.breakdown;
        let all_groups = breakdown.map_or(0, |b| {
            let mut seen: Vec<&str> = Vec::new();
            for s in self.stages {
                for k in s.groups.get(b).into_iter().flat_map(|g| g.keys()) {
                    if !seen.contains(&k) {
                        seen.push(k);
                    }
                }
            }
            seen.len()
        });
        self.title = match breakdown {
            Some(b) => format!("Where delay builds up, by {}", breakdown_words(b)),
            None => "Where delay builds up".to_string(),
        };
        let mut sub = vec![
            "Median days in each stage (bar) with the interquartile range (whisker), completed stages only"
                .to_string(),
            format!("as at {}", date_long(self.options.as_at)),
        ];
        if !self.options.profile.is_empty() {
            sub.push(format!("profile: {}", self.options.profile));
        }
        if all_groups > self.groups.len() {
            sub.push(format!(
                "the {} largest of {} groups drawn; the table has them all",
                self.groups.len(),
                all_groups
            ));
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

    /// One row per stage, or per stage and group (the whole cohort's first).
    fn rows(&mut self) {
        let measure = self.measure;
        let label_max = self.label_max();
        for (si, stage) in self.stages.iter().enumerate() {
            match self.breakdown {
                None => {
                    let mut label = wrap(
                        measure,
                        &stage.label,
                        LABEL_SIZE,
                        Weight::Bold,
                        label_max,
                        2,
                    );
                    label.push(match stage.target {
                        Some(t) => format!("target {t}"),
                        None => "no target set".into(),
                    });
                    self.rows.push(RowSpec {
                        stage: si,
                        series: 0,
                        label,
                        stats: &stage.stats,
                        color: None,
                    });
                }
                Some(b) => {
                    self.headers.push((si, self.rows.len()));
                    self.rows.push(RowSpec {
                        stage: si,
                        series: 0,
                        label: vec!["All children".into()],
                        stats: &stage.stats,
                        color: Some(ALL_COLOR),
                    });
                    let in_stage = stage.groups.get(b);
                    for (gi, (key, color)) in self.groups.iter().enumerate() {
                        if let Some(g) = in_stage.and_then(|m| m.get(key)) {
                            self.rows.push(RowSpec {
                                stage: si,
                                series: gi + 1,
                                label: vec![group_words(b, key)],
                                stats: g,
                                color: Some(*color),
                            });
                        }
                    }
                }
            }
        }
    }

    fn label_max(&self) -> f32 {
        (self.width * 0.3).clamp(150.0, 300.0)
    }

    /// The label column, the plot and the figures' columns; the day scale covers every bar,
    /// whisker and target.
    fn columns(&mut self) {
        let measure = self.measure;
        let breakdown = self.breakdown;
        // Group rows are indented under their stage's header, and the whole cohort's is bold.
        self.indent = if breakdown.is_some() {
            GROUP_INDENT
        } else {
            0.0
        };
        self.label_w = self
            .rows
            .iter()
            .flat_map(|r| {
                r.label.iter().enumerate().map(|(i, l)| {
                    let bold = match breakdown {
                        None => i + 1 < r.label.len(),
                        Some(_) => r.series == 0,
                    };
                    let weight = if bold { Weight::Bold } else { Weight::Regular };
                    measure.width(l, LABEL_SIZE, weight)
                })
            })
            .fold(0.0f32, f32::max)
            .min(self.label_max() - self.indent)
            + self.indent;
        self.plot_x0 = MARGIN + self.label_w + 16.0;
        self.cells = self.rows.iter().map(|r| figures(r.stats)).collect();
        self.col_w = (0..4)
            .map(|c| {
                let head = measure.width(COLUMNS[c], AXIS_SIZE, Weight::Bold);
                self.cells
                    .iter()
                    .map(|row| measure.width(&row[c], AXIS_SIZE, Weight::Regular))
                    .fold(head, f32::max)
            })
            .collect();
        let figures_w: f32 = self.col_w.iter().sum::<f32>() + COLUMN_GAP * 4.0;
        self.plot_x1 = (self.width - MARGIN - figures_w).max(self.plot_x0 + 120.0);

        let mut hi = 0.0f64;
        for r in &self.rows {
            for v in [r.stats.median_days, r.stats.q3_days].into_iter().flatten() {
                hi = hi.max(v);
            }
        }
        for s in self.stages {
            if let Some(t) = s.target {
                hi = hi.max(target_days(t));
            }
        }
        let (ticks, _, hi) = nice_ticks(
            0.0,
            hi.max(1.0),
            ((self.plot_x1 - self.plot_x0) / 80.0).into(),
        );
        self.ticks = ticks;
        self.hi = hi;
    }

    /// The column headers, the day labels above and below the plot, the grid and the axis
    /// lines; fixes each row's position.
    fn axes(&mut self) {
        self.header_y = self.top + 18.0;
        let header_y = self.header_y;
        let mut cx = self.plot_x1 + COLUMN_GAP;
        for (c, w) in self.col_w.iter().enumerate() {
            cx += w;
            self.col_right.push(cx);
            push_text(
                &mut self.front,
                cx,
                header_y,
                COLUMNS[c],
                AXIS_SIZE,
                Weight::Bold,
                Anchor::End,
                palette::TEXT,
            );
            cx += COLUMN_GAP;
        }
        // Day labels above the plot too, so that a tall chart reads without looking down.
        for t in &self.ticks {
            let x = self.x_of(*t);
            push_text(
                &mut self.front,
                x,
                header_y,
                &super::figure::fmt_value(*t),
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::MUTED,
            );
        }

        // Row positions.
        let mut y = header_y + 12.0;
        self.plot_top = y;
        for (ri, r) in self.rows.iter().enumerate() {
            if let Some(&(si, _)) = self.headers.iter().find(|(_, first)| *first == ri) {
                y += if ri == 0 { 4.0 } else { 12.0 };
                self.header_at.push((si, y));
                y += 22.0;
            }
            let h = if self.breakdown.is_none() {
                (r.label.len() as f32 * 15.0 + 8.0).max(ROW + 8.0)
            } else {
                ROW
            };
            self.row_y.push((y, h));
            y += h;
        }
        self.plot_bottom = y + 6.0;
        let (plot_x0, plot_x1) = (self.plot_x0, self.plot_x1);
        let (plot_top, plot_bottom) = (self.plot_top, self.plot_bottom);

        // Grid.
        for t in &self.ticks {
            let x = self.x_of(*t);
            self.items.push(Item::Line {
                from: Point::new(x, plot_top),
                to: Point::new(x, plot_bottom),
                stroke: Stroke::solid(palette::GRID, 1.0),
            });
            push_text(
                &mut self.front,
                x,
                plot_bottom + 16.0,
                &super::figure::fmt_value(*t),
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::MUTED,
            );
        }
        self.front.push(Item::Line {
            from: Point::new(plot_x0, plot_bottom),
            to: Point::new(plot_x1, plot_bottom),
            stroke: Stroke::solid(palette::REFERENCE, 1.0),
        });
        // The day axis's zero line goes under the stage headers, which blank it out.
        self.items.push(Item::Line {
            from: Point::new(plot_x0, plot_top),
            to: Point::new(plot_x0, plot_bottom),
            stroke: Stroke::solid(palette::REFERENCE, 1.0),
        });
        push_text(
            &mut self.front,
            (plot_x0 + plot_x1) / 2.0,
            plot_bottom + 32.0,
            "days from the stage's start to its end (median of completed stages)",
            AXIS_SIZE,
            Weight::Regular,
            Anchor::Middle,
            palette::MUTED,
        );
    }

    /// Stage headers (grouped): the stage's name across the row, its target after it.
    fn stage_headers(&mut self) {
        let (measure, width) = (self.measure, self.width);
        for &(si, hy) in &self.header_at {
            let stage = &self.stages[si];
            let target = match stage.target {
                Some(t) => format!("target {}", target_words(t)),
                None => "no target set".into(),
            };
            // The name, then its target after it, across the whole width (the header row has
            // no figures), on white so that the grid does not run through the words.
            self.items.push(Item::Rect {
                rect: Rect::new(MARGIN, hy, width - 2.0 * MARGIN, 20.0),
                fill: Some(palette::WHITE),
                pattern: None,
                stroke: None,
            });
            let tw = measure.width(&target, AXIS_SIZE, Weight::Regular);
            let name = super::text::fit(
                measure,
                &stage.label,
                LABEL_SIZE,
                Weight::Bold,
                width - 2.0 * MARGIN - tw - 12.0,
            );
            push_text(
                &mut self.front,
                MARGIN,
                hy + 15.0,
                &name,
                LABEL_SIZE,
                Weight::Bold,
                Anchor::Start,
                palette::TEXT,
            );
            push_text(
                &mut self.front,
                MARGIN + measure.width(&name, LABEL_SIZE, Weight::Bold) + 12.0,
                hy + 15.0,
                &target,
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::MUTED,
            );
            self.items.push(Item::Line {
                from: Point::new(MARGIN, hy + 21.0),
                to: Point::new(width - MARGIN, hy + 21.0),
                stroke: Stroke::solid(palette::GRID, 1.0),
            });
        }
    }

    /// Each row's label, bar (the part beyond the target hatched), whisker, target and
    /// figures, with its hit region and table line; groups not drawn still go in the table.
    fn marks(&mut self) {
        let stages = self.stages;
        let breakdown = self.breakdown;
        let (measure, width) = (self.measure, self.width);
        let rows = std::mem::take(&mut self.rows);
        for (ri, (r, &(ry, rh))) in rows.iter().zip(&self.row_y).enumerate() {
            let stage = &stages[r.stage];
            let cy = ry + rh / 2.0;
            let bar_h = if breakdown.is_none() { BAR } else { GROUP_BAR };
            // The label.
            if breakdown.is_none() {
                let n = r.label.len();
                let first = cy - (n as f32 - 1.0) * 15.0 / 2.0 + 4.0;
                for (i, line) in r.label.iter().enumerate() {
                    let last = i + 1 == n;
                    push_text(
                        &mut self.front,
                        MARGIN,
                        first + i as f32 * 15.0,
                        line,
                        if last { AXIS_SIZE } else { LABEL_SIZE },
                        if last { Weight::Regular } else { Weight::Bold },
                        Anchor::Start,
                        if last { palette::MUTED } else { palette::TEXT },
                    );
                }
                if ri > 0 {
                    self.items.push(Item::Line {
                        from: Point::new(MARGIN, ry),
                        to: Point::new(width - MARGIN, ry),
                        stroke: Stroke::solid(palette::GRID, 1.0),
                    });
                }
            } else {
                let weight = if r.series == 0 {
                    Weight::Bold
                } else {
                    Weight::Regular
                };
                let label = super::text::fit(
                    measure,
                    &r.label[0],
                    LABEL_SIZE,
                    weight,
                    self.label_w - self.indent,
                );
                push_text(
                    &mut self.front,
                    MARGIN + self.indent,
                    cy + 4.0,
                    &label,
                    LABEL_SIZE,
                    weight,
                    Anchor::Start,
                    palette::TEXT,
                );
            }
            let target = stage.target.map(target_days);
            // The bar: to the median, the part beyond the target hatched.
            match r.stats.median_days {
                Some(m) => {
                    let (x0, xm) = (self.plot_x0, self.x_of(m));
                    let split = target.map(|t| self.x_of(t).min(xm)).unwrap_or(xm);
                    let (within, beyond) = match (r.color, target) {
                        (None, Some(_)) => (palette::WITHIN, palette::VERMILLION),
                        (None, None) => (palette::NEUTRAL, palette::NEUTRAL),
                        (Some(c), _) => (c, c),
                    };
                    if split > x0 {
                        self.items.push(Item::Rect {
                            rect: Rect::new(x0, cy - bar_h / 2.0, split - x0, bar_h),
                            fill: Some(within),
                            pattern: None,
                            stroke: None,
                        });
                    }
                    if xm > split {
                        self.items.push(Item::Rect {
                            rect: Rect::new(split, cy - bar_h / 2.0, xm - split, bar_h),
                            fill: Some(beyond),
                            pattern: Some(palette::over_pattern()),
                            stroke: None,
                        });
                    }
                    // The interquartile range.
                    if let (Some(q1), Some(q3)) = (r.stats.q1_days, r.stats.q3_days) {
                        let (a, b) = (self.x_of(q1), self.x_of(q3));
                        let whisker = Stroke::solid(palette::KEY, 1.2);
                        self.items.push(Item::Line {
                            from: Point::new(a, cy),
                            to: Point::new(b, cy),
                            stroke: whisker,
                        });
                        for x in [a, b] {
                            self.items.push(Item::Line {
                                from: Point::new(x, cy - 3.5),
                                to: Point::new(x, cy + 3.5),
                                stroke: whisker,
                            });
                        }
                    }
                }
                None => push_text(
                    &mut self.front,
                    self.plot_x0 + 6.0,
                    cy + 4.0,
                    if r.stats.started == 0 {
                        "none started"
                    } else {
                        "none completed yet"
                    },
                    AXIS_SIZE,
                    Weight::Regular,
                    Anchor::Start,
                    palette::MUTED,
                ),
            }
            // The target: a line across the row with a marker on top.
            if let Some(t) = target {
                let x = self.x_of(t);
                let reach = (rh / 2.0 - 3.0).min(13.0);
                self.front.push(Item::Line {
                    from: Point::new(x, cy - reach),
                    to: Point::new(x, cy + reach),
                    stroke: Stroke::solid(palette::TARGET, 2.0),
                });
                self.front.push(Item::Marker {
                    at: Point::new(x, cy - reach - 2.0),
                    size: 8.0,
                    shape: MarkerShape::TriangleDown,
                    fill: Some(palette::TARGET),
                    stroke: None,
                });
            }
            // The figures.
            for (c, cell) in self.cells[ri].iter().enumerate() {
                let strong = c == 3 && r.stats.waiting_overdue > 0;
                push_text(
                    &mut self.front,
                    self.col_right[c],
                    cy + 4.0,
                    cell,
                    AXIS_SIZE,
                    if strong || c == 0 {
                        Weight::Bold
                    } else {
                        Weight::Regular
                    },
                    Anchor::End,
                    if strong {
                        palette::OVER_TEXT
                    } else {
                        palette::TEXT
                    },
                );
            }
            let group = match (breakdown, r.series) {
                (Some(_), 0) | (None, _) => "all".to_string(),
                (Some(_), k) => self
                    .groups
                    .get(k - 1)
                    .map(|(key, _)| key.clone())
                    .unwrap_or_default(),
            };
            self.table.push(row_cells(stage, &group, r.stats));
            let who = match (breakdown, r.series) {
                (Some(b), k) if k > 0 => format!(" · {}", group_words(b, &group)),
                _ => String::new(),
            };
            self.hits.push(HitRegion {
                rect: Rect::new(MARGIN, ry, width - 2.0 * MARGIN, rh),
                hit: Hit {
                    target: HitTarget::Bar {
                        series: r.series,
                        index: r.stage,
                    },
                    label: format!("{}{who}: {}", stage.label, hit_words(r.stats, stage)),
                    source: None,
                    text_row: Some(self.table.rows.len() - 1),
                },
            });
        }
        self.rows = rows;
        // Groups not drawn still go in the table.
        if let Some(b) = breakdown {
            for stage in stages {
                for (key, g) in stage.groups.get(b).map(|m| m.0.as_slice()).unwrap_or(&[]) {
                    if !self.groups.iter().any(|(k, _)| k == key) {
                        self.table.push(row_cells(stage, key, g));
                    }
                }
            }
        }
        self.table.notes.push(
            "Days are of completed stages; medians and quartiles by linear interpolation (R type 7). Targets in months are drawn at 30.44 days a month.".into(),
        );
    }

    /// The legend (the shared legend row).
    fn legend(&mut self) {
        let stages = self.stages;
        let mut entries: Vec<(Key, String)> = Vec::new();
        match self.breakdown {
            None => {
                entries.push((
                    Key::Box(palette::WITHIN, None),
                    "median, up to the target".into(),
                ));
                entries.push((
                    Key::Box(palette::VERMILLION, Some(palette::over_pattern())),
                    "median, beyond the target".into(),
                ));
                if stages.iter().any(|s| s.target.is_none()) {
                    entries.push((Key::Box(palette::NEUTRAL, None), "no target set".into()));
                }
            }
            Some(b) => {
                entries.push((Key::Box(ALL_COLOR, None), "All children".into()));
                for (key, color) in &self.groups {
                    entries.push((Key::Box(*color, None), group_words(b, key)));
                }
                entries.push((
                    Key::Box(ALL_COLOR, Some(palette::over_pattern())),
                    "hatched: beyond the target".into(),
                ));
            }
        }
        entries.push((
            Key::Line(Stroke::solid(palette::KEY, 1.5)),
            "interquartile range".into(),
        ));
        if stages.iter().any(|s| s.target.is_some()) {
            entries.push((Key::Target(palette::TARGET), "target".into()));
        }
        self.legend_y = legend(
            &mut self.front,
            &entries,
            MARGIN,
            self.plot_bottom + 58.0,
            self.width - MARGIN,
            self.measure,
        );
    }

    fn finish(self) -> Layout {
        let described = self
            .stages
            .iter()
            .map(|s| match s.stats.median_days {
                Some(m) => format!(
                    "{}: median {} days, {}",
                    s.label,
                    fmt_days(m),
                    count(s.stats.completed as usize, "completed", "completed")
                ),
                None => format!("{}: none completed", s.label),
            })
            .collect::<Vec<_>>()
            .join("; ");
        Layout::statistical(
            (self.width, self.legend_y + 16.0),
            self.title,
            format!("{}. {described}.", self.subtitle),
            (self.items, self.front),
            self.hits,
            self.table,
        )
    }
}

/// The groups drawn: the largest `max` of the breakdown's groups over every stage (by stages
/// started), in the breakdown's own order, each with its colour.
fn drawn_groups(
    stages: &[StageSummary],
    breakdown: Option<&str>,
    max: usize,
) -> Vec<(String, Color)> {
    let Some(b) = breakdown else {
        return Vec::new();
    };
    let mut totals: Vec<(String, u64)> = Vec::new();
    for s in stages {
        for (key, g) in s.groups.get(b).map(|m| m.0.as_slice()).unwrap_or(&[]) {
            match totals.iter_mut().find(|(k, _)| k == key) {
                Some((_, n)) => *n += u64::from(g.started),
                None => totals.push((key.clone(), u64::from(g.started))),
            }
        }
    }
    let mut by_size: Vec<usize> = (0..totals.len()).collect();
    crate::sort::stable_by_key(&mut by_size, |&i| std::cmp::Reverse(totals[i].1));
    by_size.truncate(max.clamp(1, palette::SERIES.len()));
    by_size.sort_unstable();
    by_size
        .into_iter()
        .enumerate()
        .map(|(k, i)| {
            (
                totals[i].0.clone(),
                palette::SERIES[k % palette::SERIES.len()],
            )
        })
        .collect()
}

/// The four figure columns of a row.
fn figures(g: &GroupStats) -> [String; 4] {
    let median = match (g.median_days, g.q1_days, g.q3_days) {
        (Some(m), Some(a), Some(b)) => format!("{} ({}–{})", fmt_days(m), fmt_days(a), fmt_days(b)),
        (Some(m), _, _) => fmt_days(m),
        _ => "–".into(),
    };
    [
        median,
        thousands(g.completed as usize),
        g.within_target_pct
            .map(|p| format!("{}%", number(p, 1)))
            .unwrap_or_else(|| "–".into()),
        thousands(g.waiting_overdue as usize),
    ]
}

fn row_cells(stage: &StageSummary, group: &str, g: &GroupStats) -> Vec<String> {
    vec![
        stage.id.clone(),
        stage.label.clone(),
        group.to_string(),
        g.started.to_string(),
        g.completed.to_string(),
        g.censored.to_string(),
        opt_number(g.median_days, 1),
        opt_number(g.q1_days, 2),
        opt_number(g.q3_days, 2),
        g.min_days.map(|v| v.to_string()).unwrap_or_default(),
        g.max_days.map(|v| v.to_string()).unwrap_or_default(),
        stage.target.map(|t| t.to_string()).unwrap_or_default(),
        stage
            .target
            .map(|t| number(target_days(t), 2))
            .unwrap_or_default(),
        g.within_target.map(|v| v.to_string()).unwrap_or_default(),
        opt_number(g.within_target_pct, 1),
        g.waiting_overdue.to_string(),
    ]
}

fn hit_words(g: &GroupStats, stage: &StageSummary) -> String {
    let mut parts = Vec::new();
    match (g.median_days, g.q1_days, g.q3_days) {
        (Some(m), Some(a), Some(b)) => parts.push(format!(
            "median {} days (IQR {}–{})",
            fmt_days(m),
            fmt_days(a),
            fmt_days(b)
        )),
        _ => parts.push("no completed stages".into()),
    }
    parts.push(format!(
        "{} of {} started",
        count(g.completed as usize, "completed", "completed"),
        thousands(g.started as usize)
    ));
    if let (Some(p), Some(t)) = (g.within_target_pct, stage.target) {
        parts.push(format!("{}% within {t}", number(p, 1)));
    }
    if g.waiting_overdue > 0 {
        parts.push(format!(
            "{} waiting overdue now",
            thousands(g.waiting_overdue as usize)
        ));
    }
    parts.join(" · ")
}
