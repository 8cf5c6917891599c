//! "Where the days go": for the whole cohort and for each group of a breakdown, the mean time
//! to permanence of the completed journeys as one horizontal bar, split into the stages of
//! the path it passes through (the rest of the journey, outside any of them, in grey), with a
//! marker at the mean the journeys would have taken had every stage over its target taken
//! exactly its target, and the figures in aligned columns: completed journeys, the mean
//! (median) days, the days had the targets been met, and the weeks that would have saved per
//! child.
//!
//! This module owns that chart's layout and its table. Every figure comes from
//! [`crate::stats::Decomposition`]; nothing is computed here but positions, sums of the bar's
//! parts and words. It is a small builder ([`DecompositionChart`]) with one method per part,
//! each adding its items.

use super::axis::{date_long, thousands};
use super::figure::{
    breakdown_words, fmt_days, group_words, legend, nice_ticks, push_text, title_block, Key,
    AXIS_SIZE, LABEL_SIZE, MARGIN,
};
use super::layout::{Anchor, Color, Hit, HitRegion, HitTarget, Item, Layout, MarkerShape};
use super::layout::{Point, Rect, Stroke, Weight};
use super::palette;
use super::text::TextMeasure;
use crate::stats::{Decomposition, DecompositionGroup, Profile};
use crate::table::{number, opt_number, Table};
use chrono::NaiveDate;

/// Options for [`decomposition`].
#[derive(Clone, Debug, PartialEq)]
pub struct DecompositionOptions {
    pub as_at: NaiveDate,
    /// A breakdown id: one bar per group under the whole cohort's. `None` for the cohort.
    pub breakdown: Option<String>,
    /// Width in logical pixels.
    pub width: f32,
    /// At most this many groups are drawn (those with the most journeys); the table has all.
    pub max_groups: usize,
}

impl DecompositionOptions {
    pub fn new(as_at: NaiveDate) -> DecompositionOptions {
        DecompositionOptions {
            as_at,
            breakdown: None,
            width: 1000.0,
            max_groups: 8,
        }
    }
}

const ROW: f32 = 30.0;
const BAR: f32 = 18.0;
const COLUMN_GAP: f32 = 14.0;
/// The part of a journey outside every stage of the path.
const REST: Color = palette::NEUTRAL;
const COLUMNS: [&str; 4] = [
    "journeys",
    "mean (median) days",
    "if targets met",
    "saved per child",
];
/// Less of the journey than this outside the path's stages is not drawn (rounding).
const REST_MIN_DAYS: f64 = 0.5;

/// Lays out the chart of `d`, with the stages' names from `profile`.
pub fn decomposition(
    d: &Decomposition,
    profile: &Profile,
    options: &DecompositionOptions,
    measure: &dyn TextMeasure,
) -> Layout {
    let mut chart = DecompositionChart::new(d, profile, options, measure);
    chart.title();
    chart.rows();
    chart.columns();
    chart.axis();
    chart.bars();
    chart.legend();
    chart.table();
    chart.finish()
}

/// One bar: the cohort or a group.
struct Row<'a> {
    /// `None` for the whole cohort.
    group: Option<&'a str>,
    figures: &'a DecompositionGroup,
}

/// The chart under construction: each method lays out one part.
pub struct DecompositionChart<'a> {
    d: &'a Decomposition,
    profile: &'a Profile,
    options: &'a DecompositionOptions,
    measure: &'a dyn TextMeasure,
    width: f32,
    title: String,
    subtitle: String,
    /// Behind the data (grid) and in front of it (text, frame, markers).
    items: Vec<Item>,
    front: Vec<Item>,
    hits: Vec<HitRegion>,
    rows: Vec<Row<'a>>,
    /// The path's stages: (id, label, colour).
    parts: Vec<(String, String, Color)>,
    top: f32,
    label_w: f32,
    plot: (f32, f32),
    col_w: Vec<f32>,
    col_right: Vec<f32>,
    /// The day scale's upper end.
    hi: f64,
    ticks: Vec<f64>,
    rows_top: f32,
    bottom: f32,
    table: Table,
}

impl<'a> DecompositionChart<'a> {
    pub fn new(
        d: &'a Decomposition,
        profile: &'a Profile,
        options: &'a DecompositionOptions,
        measure: &'a dyn TextMeasure,
    ) -> DecompositionChart<'a> {
        let parts = d
            .path
            .iter()
            .enumerate()
            .map(|(k, id)| {
                let label = profile
                    .stages
                    .iter()
                    .find(|s| s.id == *id)
                    .map_or_else(|| id.clone(), |s| s.label.clone());
                (
                    id.clone(),
                    label,
                    palette::SERIES[k % palette::SERIES.len()],
                )
            })
            .collect();
        DecompositionChart {
            d,
            profile,
            options,
            measure,
            width: options.width.max(560.0),
            title: String::new(),
            subtitle: String::new(),
            items: Vec::new(),
            front: Vec::new(),
            hits: Vec::new(),
            rows: Vec::new(),
            parts,
            top: 0.0,
            label_w: 0.0,
            plot: (0.0, 0.0),
            col_w: Vec::new(),
            col_right: Vec::new(),
            hi: 1.0,
            ticks: Vec::new(),
            rows_top: 0.0,
            bottom: 0.0,
            table: Table::new(&[
                "group",
                "part",
                "part_label",
                "on_path",
                "journeys",
                "median_days",
                "mean_days",
                "days_over_target",
                "children_over_target",
            ]),
        }
    }

    /// The title and the subtitle.
    pub fn title(&mut self) {
        self.title = match &self.options.breakdown {
            Some(b) => format!("Where the days go, by {}", breakdown_words(b)),
            None => "Where the days go".to_string(),
        };
        let mut sub = vec![
            "Mean days of the completed journeys to permanence, split into the stages they passed through; the marker is the mean had every stage over its target taken its target".to_string(),
            format!("as at {}", date_long(self.options.as_at)),
        ];
        if !self.profile.label.is_empty() {
            sub.push(format!("profile: {}", self.profile.label));
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

    /// The bars drawn: the cohort, then the groups with the most journeys in their order.
    pub fn rows(&mut self) {
        self.rows.push(Row {
            group: None,
            figures: &self.d.all,
        });
        let Some(groups) = self
            .options
            .breakdown
            .as_deref()
            .and_then(|b| self.d.groups.get(b))
        else {
            return;
        };
        let mut by_size: Vec<usize> = (0..groups.0.len()).collect();
        crate::sort::stable_by_key(&mut by_size, |&i| std::cmp::Reverse(groups.0[i].1.journeys));
        by_size.truncate(self.options.max_groups.max(1));
        by_size.sort_unstable();
        for i in by_size {
            let (key, figures) = &groups.0[i];
            self.rows.push(Row {
                group: Some(key.as_str()),
                figures,
            });
        }
    }

    /// The label column, the plot's extent, the figure columns and the day scale.
    pub fn columns(&mut self) {
        let measure = self.measure;
        let label_max = (self.width * 0.25).clamp(120.0, 260.0);
        self.label_w = self
            .rows
            .iter()
            .map(|r| measure.width(&self.row_label(r), LABEL_SIZE, row_weight(r)))
            .fold(0.0f32, f32::max)
            .min(label_max);
        let cells: Vec<[String; 4]> = self.rows.iter().map(|r| figures(r.figures)).collect();
        self.col_w = (0..COLUMNS.len())
            .map(|c| {
                cells
                    .iter()
                    .map(|row| measure.width(&row[c], AXIS_SIZE, Weight::Regular))
                    .fold(measure.width(COLUMNS[c], AXIS_SIZE, Weight::Bold), f32::max)
            })
            .collect();
        let figures_w: f32 = self.col_w.iter().sum::<f32>() + COLUMN_GAP * COLUMNS.len() as f32;
        let x0 = MARGIN + self.label_w + 16.0;
        let x1 = (self.width - MARGIN - figures_w).max(x0 + 120.0);
        self.plot = (x0, x1);
        let mut hi = 1.0f64;
        for r in &self.rows {
            let g = r.figures;
            for v in [g.time_to_permanence.mean_days, g.counterfactual.mean_days]
                .into_iter()
                .flatten()
            {
                hi = hi.max(v);
            }
            hi = hi.max(self.path_sum(g));
        }
        let (ticks, _, hi) = nice_ticks(0.0, hi, f64::from((x1 - x0) / 80.0));
        self.ticks = ticks;
        self.hi = hi;
        self.rows_top = self.top + 30.0;
        self.bottom = self.rows_top + ROW * self.rows.len() as f32 + 8.0;
        // The column headings.
        let mut cx = x1 + COLUMN_GAP;
        for (c, w) in self.col_w.iter().enumerate() {
            cx += w;
            self.col_right.push(cx);
            push_text(
                &mut self.front,
                cx,
                self.top + 18.0,
                COLUMNS[c],
                AXIS_SIZE,
                Weight::Bold,
                Anchor::End,
                palette::TEXT,
            );
            cx += COLUMN_GAP;
        }
    }

    /// The grid, the day axis and its words.
    pub fn axis(&mut self) {
        let (x0, x1) = self.plot;
        for t in self.ticks.clone() {
            let x = self.x_of(t);
            self.items.push(Item::Line {
                from: Point::new(x, self.rows_top),
                to: Point::new(x, self.bottom),
                stroke: Stroke::solid(palette::GRID, 1.0),
            });
            push_text(
                &mut self.front,
                x,
                self.bottom + 16.0,
                &super::figure::fmt_value(t),
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::MUTED,
            );
        }
        super::figure::plot_frame(&mut self.front, (x0, x1), (self.rows_top, self.bottom));
        push_text(
            &mut self.front,
            (x0 + x1) / 2.0,
            self.bottom + 32.0,
            "days from becoming looked after to permanence (mean of completed journeys)",
            AXIS_SIZE,
            Weight::Regular,
            Anchor::Middle,
            palette::MUTED,
        );
    }

    /// Each row's label, stacked bar, counterfactual marker and figures.
    pub fn bars(&mut self) {
        let measure = self.measure;
        let (x0, _) = self.plot;
        for ri in 0..self.rows.len() {
            let g = self.rows[ri].figures;
            let label = self.row_label(&self.rows[ri]);
            let ry = self.rows_top + ROW * ri as f32;
            let cy = ry + ROW / 2.0;
            let weight = row_weight(&self.rows[ri]);
            let fitted = super::text::fit(measure, &label, LABEL_SIZE, weight, self.label_w);
            push_text(
                &mut self.front,
                MARGIN,
                cy + 4.0,
                &fitted,
                LABEL_SIZE,
                weight,
                Anchor::Start,
                palette::TEXT,
            );
            if g.journeys == 0 {
                push_text(
                    &mut self.front,
                    x0 + 6.0,
                    cy + 4.0,
                    "no completed journeys yet",
                    AXIS_SIZE,
                    Weight::Regular,
                    Anchor::Start,
                    palette::MUTED,
                );
            }
            // The path's stages, then the rest of the journey.
            let mut at = 0.0f64;
            let mut segments: Vec<(f64, Color)> = Vec::new();
            for (id, _, color) in &self.parts {
                let mean = g
                    .stages
                    .iter()
                    .find(|s| s.stage == *id)
                    .and_then(|s| s.mean_days)
                    .unwrap_or(0.0);
                segments.push((mean, *color));
            }
            let rest = self.rest(g);
            if rest >= REST_MIN_DAYS {
                segments.push((rest, REST));
            }
            for (days, color) in segments {
                let (a, b) = (self.x_of(at), self.x_of(at + days));
                if b - a > 0.0 {
                    self.items.push(Item::Rect {
                        rect: Rect::new(a, cy - BAR / 2.0, b - a, BAR),
                        fill: Some(color),
                        pattern: None,
                        stroke: Some(Stroke::solid(palette::WHITE, 0.5)),
                    });
                }
                at += days;
            }
            if let Some(cf) = g.counterfactual.mean_days {
                let x = self.x_of(cf);
                self.front.push(Item::Line {
                    from: Point::new(x, cy - BAR / 2.0 - 2.0),
                    to: Point::new(x, cy + BAR / 2.0 + 2.0),
                    stroke: Stroke::solid(palette::TARGET, 2.0),
                });
                self.front.push(Item::Marker {
                    at: Point::new(x, cy - BAR / 2.0 - 4.0),
                    size: 8.0,
                    shape: MarkerShape::TriangleDown,
                    fill: Some(palette::TARGET),
                    stroke: None,
                });
            }
            for (c, cell) in figures(g).iter().enumerate() {
                push_text(
                    &mut self.front,
                    self.col_right[c],
                    cy + 4.0,
                    cell,
                    AXIS_SIZE,
                    if c == 1 {
                        Weight::Bold
                    } else {
                        Weight::Regular
                    },
                    Anchor::End,
                    palette::TEXT,
                );
            }
            self.hits.push(HitRegion {
                rect: Rect::new(MARGIN, ry, self.width - 2.0 * MARGIN, ROW),
                hit: Hit {
                    target: HitTarget::Bar {
                        series: ri,
                        index: 0,
                    },
                    label: format!("{label}: {}", hit_words(g)),
                    source: None,
                    text_row: None,
                },
            });
        }
    }

    /// The key to the colours and the marker.
    pub fn legend(&mut self) {
        let mut entries: Vec<(Key, String)> = self
            .parts
            .iter()
            .map(|(_, label, color)| (Key::Box(*color, None), label.clone()))
            .collect();
        if self
            .rows
            .iter()
            .any(|r| self.rest(r.figures) >= REST_MIN_DAYS)
        {
            entries.push((
                Key::Box(REST, None),
                "rest of the journey (outside these stages)".into(),
            ));
        }
        entries.push((
            Key::Target(palette::TARGET),
            "mean had every stage over its target taken its target".into(),
        ));
        self.bottom = legend(
            &mut self.front,
            &entries,
            MARGIN,
            self.bottom + 58.0,
            self.width - MARGIN,
            self.measure,
        );
    }

    /// The chart's numbers: every group (drawn or not), every stage, the journey and the
    /// counterfactual.
    pub fn table(&mut self) {
        let mut groups: Vec<(String, &DecompositionGroup)> = vec![("all".into(), &self.d.all)];
        if let Some(b) = self.options.breakdown.as_deref() {
            for (key, g) in self.d.groups.get(b).map(|m| m.0.as_slice()).unwrap_or(&[]) {
                groups.push((key.clone(), g));
            }
        }
        for (group, g) in groups {
            let journeys = g.journeys.to_string();
            for s in &g.stages {
                let label = self
                    .profile
                    .stages
                    .iter()
                    .find(|p| p.id == s.stage)
                    .map_or_else(String::new, |p| p.label.clone());
                self.table.push(vec![
                    group.clone(),
                    s.stage.clone(),
                    label,
                    s.on_path.to_string(),
                    journeys.clone(),
                    opt_number(s.median_days, 1),
                    opt_number(s.mean_days, 2),
                    s.days_over_target
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    s.children_over_target
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                ]);
            }
            for (part, label, days) in [
                (
                    self.d.permanence_stage.as_str(),
                    "Time to permanence",
                    g.time_to_permanence,
                ),
                (
                    "counterfactual",
                    "Time to permanence had every stage over its target taken its target",
                    g.counterfactual,
                ),
            ] {
                self.table.push(vec![
                    group.clone(),
                    part.to_string(),
                    label.to_string(),
                    String::new(),
                    journeys.clone(),
                    opt_number(days.median_days, 1),
                    opt_number(days.mean_days, 2),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        self.table.notes.push(
            "Medians and means are over the completed journeys, counting 0 days for a stage a journey did not pass through. Days over target add up every child's days beyond the stage's target date: to the stage's end, or to the \"as at\" date for children still waiting; children_over_target counts the children with any. The counterfactual takes away the days the path's completed stages spent beyond their targets.".into(),
        );
    }

    /// The finished layout.
    pub fn finish(self) -> Layout {
        let described = match (
            self.d.all.time_to_permanence.mean_days,
            self.d.all.counterfactual.mean_days,
        ) {
            (Some(m), Some(c)) => format!(
                "{} completed journeys took {} days on average; {} had every stage over its target taken its target",
                thousands(self.d.all.journeys as usize),
                fmt_days(m),
                fmt_days(c)
            ),
            _ => "no completed journeys".to_string(),
        };
        Layout::statistical(
            (self.width, self.bottom + 16.0),
            self.title,
            format!("{}. {described}.", self.subtitle),
            (self.items, self.front),
            self.hits,
            self.table,
        )
    }

    fn x_of(&self, v: f64) -> f32 {
        let (x0, x1) = self.plot;
        x0 + (v / self.hi) as f32 * (x1 - x0)
    }

    /// The sum of the path's mean days in a group.
    fn path_sum(&self, g: &DecompositionGroup) -> f64 {
        g.stages
            .iter()
            .filter(|s| s.on_path)
            .filter_map(|s| s.mean_days)
            .sum()
    }

    /// The mean days of a group's journeys outside the path's stages.
    fn rest(&self, g: &DecompositionGroup) -> f64 {
        g.time_to_permanence.mean_days.unwrap_or(0.0) - self.path_sum(g)
    }

    fn row_label(&self, r: &Row<'_>) -> String {
        match (r.group, self.options.breakdown.as_deref()) {
            (Some(key), Some(b)) => group_words(b, key),
            _ => "All children".to_string(),
        }
    }
}

/// The whole cohort's label is bold.
fn row_weight(r: &Row<'_>) -> Weight {
    if r.group.is_none() {
        Weight::Bold
    } else {
        Weight::Regular
    }
}

/// The four figure columns of a row.
fn figures(g: &DecompositionGroup) -> [String; 4] {
    let mean = match (
        g.time_to_permanence.mean_days,
        g.time_to_permanence.median_days,
    ) {
        (Some(m), Some(md)) => format!("{} ({})", fmt_days(m), fmt_days(md)),
        _ => "–".into(),
    };
    let met = g
        .counterfactual
        .mean_days
        .map_or_else(|| "–".into(), fmt_days);
    let saved = match (g.time_to_permanence.mean_days, g.counterfactual.mean_days) {
        (Some(m), Some(c)) => format!("{} weeks", number((m - c) / 7.0, 1)),
        _ => "–".into(),
    };
    [thousands(g.journeys as usize), mean, met, saved]
}

fn hit_words(g: &DecompositionGroup) -> String {
    let [journeys, mean, met, saved] = figures(g);
    format!(
        "{journeys} completed journeys · mean (median) {mean} days · {met} days had the targets been met · {saved} saved per child"
    )
}
