//! Run and XmR charts in the "Making Data Count" style, drawn from the QI module's chart model:
//! grey common-cause points, blue improvement and vermillion concern (each with its own marker
//! shape, so colour is never the only code), the centre line, dashed process limits per
//! segment, rebased segments, provisional limits, the target, annotations for tests of change,
//! and the variation and assurance icons. Also the numbers behind the chart as a table.
//!
//! This module owns the SPC chart's layout and text alternative. All statistics come from
//! [`crate::qi::SpcChart`]; nothing is computed here but positions and words.

use super::axis::{date_long, DateScale};
use super::figure::{fmt_value, legend, nice_ticks, push_text, title_block, Key, MARGIN};
use super::labels::{place_labels, LabelRequest, PlacedLabel, PlacerConfig};
use super::layout::{
    Anchor, Color, DateAxis, Hit, HitRegion, HitTarget, Item, Layout, MarkerShape, Point, Rect,
    Stroke, Weight,
};
use super::palette;
use super::text::{TextMeasure, ASCENT, DESCENT};
use crate::qi::{
    AssuranceIcon, ChartKind, Direction, Lines, RuleSet, Segment, SpcChart, SpecialCause,
    Variation, VariationIcon,
};
use crate::table::Table;
use chrono::NaiveDate;
use std::fmt::Write as _;

/// Options for [`spc`].
#[derive(Clone, Debug, PartialEq)]
pub struct SpcOptions {
    /// What is measured, e.g. "Days from recommendation to panel, median per month".
    pub title: String,
    /// The unit of the values, for the axis and tooltips ("days").
    pub unit: String,
    pub width: f32,
    pub height: f32,
    /// Words about each point, aligned with the chart's points, added to its tooltip ("median
    /// of 12 stages", "child C00012"). Empty for none.
    pub point_notes: Vec<String>,
    /// Further columns of the table, each a header and one cell per point ("n", "child").
    pub extra_columns: Vec<(String, Vec<String>)>,
    /// A sentence under the title about what the series leaves out, if anything.
    pub note: Option<String>,
    /// The measure cannot be negative (days, counts): a lower limit below zero is drawn at
    /// zero, and the chart says so; its table keeps the computed value.
    pub non_negative: bool,
    /// Forecast points after the last point (an expected value with its 95% interval, such as
    /// the completions expected in each coming month), drawn apart from the data: after a
    /// divider labelled "forecast", as hollow markers on a dashed line over a shaded
    /// interval, with their own legend entry and table rows. They are not points of the
    /// chart: no rule, centre line or limit reads them. Empty for none.
    pub forecast: Vec<ForecastPoint>,
}

/// One forecast point (see [`SpcOptions::forecast`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastPoint {
    pub date: NaiveDate,
    pub expected: f64,
    /// The 95% interval.
    pub interval: [f64; 2],
    /// Words for its tooltip ("month of June 2026").
    pub note: String,
}

impl SpcOptions {
    pub fn new(title: &str, unit: &str) -> SpcOptions {
        SpcOptions {
            title: title.to_string(),
            unit: unit.to_string(),
            width: 1000.0,
            height: 520.0,
            point_notes: Vec::new(),
            extra_columns: Vec::new(),
            note: None,
            non_negative: false,
            forecast: Vec::new(),
        }
    }
}

/// Purple for neutral signals (neither better nor worse).
const NEUTRAL_SIGNAL: Color = palette::NEUTRAL_SIGNAL;
const COMMON: Color = palette::COMMON_CAUSE;

/// Lays out a run, XmR, MR or T chart.
pub fn spc(chart: &SpcChart, options: &SpcOptions, measure: &dyn TextMeasure) -> Layout {
    let mut b = Spc::new(chart, options, measure);
    b.titles();
    b.plot_area();
    b.axes();
    b.limits();
    b.target();
    b.annotations();
    b.marks();
    b.legend();
    b.finish()
}

/// The SPC chart's builder: one method per part, in drawing order.
struct Spc<'a> {
    chart: &'a SpcChart,
    options: &'a SpcOptions,
    measure: &'a dyn TextMeasure,
    width: f32,
    /// Drawn under everything else (grid, lines), then `front` over them.
    items: Vec<Item>,
    front: Vec<Item>,
    hits: Vec<HitRegion>,
    label_boxes: Vec<Rect>,
    subtitle: String,
    /// The bottom of the title block and the width the icons take.
    text_bottom: f32,
    icon_w: f32,
    /// The plot's left and right edges (the right margin holds the last segment's line names).
    left: f32,
    right: f32,
    dates: Option<DateScale>,
    /// The x of each annotation and where its label went in the band above the plot.
    ann_x: Vec<f32>,
    /// Where each later segment starts and its label ("rebased 1 Sep 2023").
    rebases: Vec<(f32, String)>,
    placed: Vec<Option<PlacedLabel>>,
    top: f32,
    bottom: f32,
    /// The value scale's round ticks and the range they span.
    ticks: Vec<f64>,
    lo: f64,
    hi: f64,
    /// The baseline of the legend row.
    legend_y: f32,
    /// Whether forecast points were drawn after the data (see [`SpcOptions::forecast`]).
    forecast_drawn: bool,
}

impl<'a> Spc<'a> {
    fn new(chart: &'a SpcChart, options: &'a SpcOptions, measure: &'a dyn TextMeasure) -> Self {
        let width = options.width.max(400.0);
        let left = 72.0;
        let right = width - 112.0;
        let n = chart.points.len();
        let dated: Vec<_> = chart.points.iter().filter_map(|p| p.date).collect();
        let dates = if dated.len() == n && n > 0 {
            let first = dated[0];
            // Forecast points extend the scale beyond the last point.
            let last = options
                .forecast
                .iter()
                .map(|f| f.date)
                .fold(dated[n - 1], NaiveDate::max);
            let pad = ((last - first).num_days() / 40).max(3) as u64;
            Some(DateScale::new(
                first
                    .checked_sub_days(chrono::Days::new(pad))
                    .unwrap_or(first),
                last.checked_add_days(chrono::Days::new(pad))
                    .unwrap_or(last),
                left,
                right,
            ))
        } else {
            None
        };
        Spc {
            chart,
            options,
            measure,
            width,
            items: Vec::new(),
            front: Vec::new(),
            hits: Vec::new(),
            label_boxes: Vec::new(),
            subtitle: String::new(),
            text_bottom: 0.0,
            icon_w: 0.0,
            left,
            right,
            dates,
            ann_x: Vec::new(),
            rebases: Vec::new(),
            placed: Vec::new(),
            top: 0.0,
            bottom: 0.0,
            forecast_drawn: false,
            ticks: Vec::new(),
            lo: 0.0,
            hi: 1.0,
            legend_y: 0.0,
        }
    }

    fn n(&self) -> usize {
        self.chart.points.len()
    }

    /// Whether some lower limit is drawn at zero rather than at its computed value.
    fn floored(&self) -> bool {
        self.options.non_negative
            && self
                .chart
                .segments
                .iter()
                .any(|s| s.lines.lower.is_some_and(|l| l < 0.0))
    }

    /// A segment's lines as drawn: for a measure that cannot be negative, a lower limit below
    /// zero at zero and a lower 2-sigma line below zero left out.
    fn drawn_lines(&self, seg: &Segment) -> Lines {
        let mut lines = seg.lines;
        if self.options.non_negative {
            lines.lower = lines.lower.map(|l| l.max(0.0));
            lines.lower_2sigma = lines.lower_2sigma.filter(|l| *l >= 0.0);
        }
        lines
    }

    /// Half the space between two points (the segments' lines reach that far past their
    /// first and last points).
    fn half_step(&self) -> f32 {
        if self.n() > 1 {
            (self.x_of(1) - self.x_of(0)).abs().min(20.0) / 2.0
        } else {
            10.0
        }
    }

    /// The x of the `i`th point: by its date, or evenly spaced when points are undated.
    fn x_of(&self, i: usize) -> f32 {
        match (&self.dates, self.chart.points.get(i).and_then(|p| p.date)) {
            (Some(s), Some(d)) => s.x(d),
            _ => self.left + (i as f32 + 0.5) / self.n().max(1) as f32 * (self.right - self.left),
        }
    }

    fn y_of(&self, v: f64) -> f32 {
        self.bottom - ((v - self.lo) / (self.hi - self.lo)) as f32 * (self.bottom - self.top)
    }

    /// The title, a subtitle saying what kind of chart under which rules, and the icons.
    fn titles(&mut self) {
        let chart = self.chart;
        let kind = match chart.chart {
            ChartKind::Run => "Run chart",
            ChartKind::Xmr => "XmR chart",
            ChartKind::Mr => "Moving-range chart",
            ChartKind::T => "T chart",
        };
        let direction = match chart.direction {
            Direction::Lower => "lower is better",
            Direction::Higher => "higher is better",
            Direction::Neutral => "no preferred direction",
        };
        let mut sub = vec![
            kind.to_string(),
            format!("{} points", chart.points.len()),
            format!("rules: {}", chart.rules.as_str()),
            direction.to_string(),
        ];
        if chart.segments.len() > 1 {
            sub.push(format!("{} segments (rebased)", chart.segments.len()));
        }
        if chart.provisional {
            sub.push("provisional limits (fewer than 12 points)".into());
        }
        // The runs analysis is the run-chart rule set's signal; under the Making Data Count
        // rules it is reported in the data but not drawn, since those rules have their own
        // shift rule.
        let runs_in_force = matches!(chart.rules, RuleSet::Anhoej | RuleSet::Ihi);
        if let Some(runs) = chart.runs.as_ref().filter(|_| runs_in_force) {
            let mut r = String::new();
            if let (Some(l), Some(max)) = (runs.longest_run, runs.longest_run_max) {
                let _ = write!(r, "longest run {l} (signal above {max})");
            }
            if let (Some(c), Some(min)) = (runs.crossings, runs.crossings_min) {
                let _ = write!(r, ", crossings {c} (signal below {min})");
            }
            r.push_str(if runs.signal {
                ": signal"
            } else {
                ": no signal"
            });
            sub.push(r);
        }
        if let Some(note) = &self.options.note {
            sub.push(note.clone());
        }
        let forecast = self.options.forecast.len();
        if forecast > 0 {
            sub.push(format!(
                "{forecast} forecast {} after the data, outside the rules",
                if forecast == 1 { "point" } else { "points" }
            ));
        }
        if self.floored() {
            sub.push(format!(
                "lower limits below zero drawn at 0, since {} cannot be negative (the table keeps the computed values)",
                if self.options.unit.is_empty() { "the measure" } else { &self.options.unit }
            ));
        }
        self.subtitle = sub.join(" · ");

        // Icons at the top right, the title and subtitle wrapped beside them.
        self.icon_w = icons(chart, self.width, &mut self.front, self.measure);
        self.text_bottom = title_block(
            &mut self.front,
            self.width - self.icon_w,
            &self.options.title,
            &self.subtitle,
            self.measure,
        );
    }

    /// Places the annotations' labels in a band above the plot, then fixes the plot's extent
    /// and its value scale (every point, line and the target in view).
    fn plot_area(&mut self) {
        let chart = self.chart;
        let ann_x: Vec<f32> = chart
            .annotations
            .iter()
            .map(|a| match (&self.dates, a.point) {
                (Some(s), _) => s.x_clamped(a.date),
                (None, Some(p)) => self.x_of(p),
                (None, None) => self.right,
            })
            .collect();
        let mut requests: Vec<LabelRequest> = chart
            .annotations
            .iter()
            .zip(&ann_x)
            .map(|(a, x)| LabelRequest {
                anchor: *x,
                width: self.measure.width(&a.label, 11.0, Weight::Regular) + 8.0,
                priority: 0,
            })
            .collect();
        // Where each later segment starts, named in the same band so that it never collides
        // with an annotation's line.
        let rebases: Vec<(f32, String)> = chart
            .segments
            .iter()
            .skip(1)
            .map(|seg| {
                let label = match seg.start_date {
                    Some(d) => format!("rebased {}", date_long(d)),
                    None => "rebased".into(),
                };
                (self.x_of(seg.start) - self.half_step(), label)
            })
            .collect();
        requests.extend(rebases.iter().map(|(x, label)| LabelRequest {
            anchor: *x,
            width: self.measure.width(label, 10.5, Weight::Regular) + 8.0,
            priority: 0,
        }));
        self.rebases = rebases;
        let placed = place_labels(
            &requests,
            &PlacerConfig {
                max_rows: 4,
                min_x: self.left,
                max_x: self.right,
                gap: 6.0,
                leader_clearance: 3.0,
            },
        );
        let rows = placed
            .iter()
            .flatten()
            .map(|p| p.row + 1)
            .max()
            .unwrap_or(0);
        let band_top = (self.text_bottom + 6.0).max(if self.icon_w > 0.0 { 78.0 } else { 0.0 });
        self.top = band_top + rows as f32 * 18.0 + 8.0;
        self.bottom = self.options.height.max(self.top + 160.0) - 70.0;
        self.ann_x = ann_x;
        self.placed = placed;

        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut take = |v: f64| {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        };
        for p in &chart.points {
            take(p.value);
        }
        let drawn: Vec<Lines> = chart.segments.iter().map(|s| self.drawn_lines(s)).collect();
        for l in &drawn {
            take(l.centre);
            l.lower.into_iter().for_each(&mut take);
            l.upper.into_iter().for_each(&mut take);
        }
        chart.target.into_iter().for_each(&mut take);
        if self.dates.is_some() {
            for f in &self.options.forecast {
                take(f.expected);
                f.interval.into_iter().for_each(&mut take);
            }
        }
        if !lo.is_finite() {
            lo = 0.0;
            hi = 1.0;
        }
        let (ticks, lo, hi) = nice_ticks(lo, hi, 6.0);
        self.ticks = ticks;
        self.lo = lo;
        self.hi = hi;
    }

    /// The value grid with its labels and unit, and the date (or point number) axis.
    fn axes(&mut self) {
        let (left, right, top, bottom) = (self.left, self.right, self.top, self.bottom);
        let ticks = std::mem::take(&mut self.ticks);
        for t in &ticks {
            let y = self.y_of(*t);
            self.items.push(Item::Line {
                from: Point::new(left, y),
                to: Point::new(right, y),
                stroke: Stroke::solid(palette::GRID.alpha(160), 1.0),
            });
            push_text(
                &mut self.front,
                left - 6.0,
                y + 4.0,
                &fmt_value(*t),
                11.0,
                Weight::Regular,
                Anchor::End,
                palette::MUTED,
            );
        }
        push_text(
            &mut self.front,
            24.0,
            top - 8.0,
            &self.options.unit,
            11.0,
            Weight::Bold,
            Anchor::Start,
            palette::TEXT,
        );
        self.ticks = ticks;
        self.front.push(Item::Line {
            from: Point::new(left, bottom),
            to: Point::new(right, bottom),
            stroke: Stroke::solid(palette::REFERENCE, 1.0),
        });
        if let Some(s) = &self.dates {
            let t = s.ticks(56.0);
            for tick in &t.ticks {
                self.front.push(Item::Line {
                    from: Point::new(tick.x, bottom),
                    to: Point::new(tick.x, bottom + 5.0),
                    stroke: Stroke::solid(palette::REFERENCE, 1.0),
                });
                push_text(
                    &mut self.front,
                    tick.x,
                    bottom + 18.0,
                    &tick.label,
                    11.0,
                    Weight::Regular,
                    Anchor::Middle,
                    palette::MUTED,
                );
            }
            for y in &t.years {
                push_text(
                    &mut self.front,
                    y.x,
                    bottom + 33.0,
                    &y.label,
                    11.0,
                    Weight::Bold,
                    Anchor::Middle,
                    palette::TEXT,
                );
            }
        } else {
            let n = self.n();
            let step = (n / 10).max(1);
            for i in (0..n).step_by(step) {
                let x = self.x_of(i);
                push_text(
                    &mut self.front,
                    x,
                    bottom + 18.0,
                    &(i + 1).to_string(),
                    11.0,
                    Weight::Regular,
                    Anchor::Middle,
                    palette::MUTED,
                );
            }
        }
    }

    /// Each segment's centre line, limits and 2-sigma lines; the last segment's lines named
    /// in the right margin; a rebase marker where a later segment starts.
    fn limits(&mut self) {
        let chart = self.chart;
        for (si, seg) in chart.segments.iter().enumerate() {
            let (xa, xb) = (self.x_of(seg.start), self.x_of(seg.end));
            let half = self.half_step();
            let (xa, xb) = (xa - half, xb + half);
            let dash = |c: Color| {
                if seg.provisional {
                    Stroke::dashed(c, 1.2, 2.0, 3.0)
                } else {
                    Stroke::dashed(c, 1.2, 6.0, 4.0)
                }
            };
            let lines = self.drawn_lines(seg);
            for v in [lines.lower_2sigma, lines.upper_2sigma]
                .into_iter()
                .flatten()
            {
                self.items.push(Item::Line {
                    from: Point::new(xa, self.y_of(v)),
                    to: Point::new(xb, self.y_of(v)),
                    stroke: Stroke::dashed(palette::SOFT_LINE, 1.0, 2.0, 3.0),
                });
            }
            for v in [lines.lower, lines.upper].into_iter().flatten() {
                self.items.push(Item::Line {
                    from: Point::new(xa, self.y_of(v)),
                    to: Point::new(xb, self.y_of(v)),
                    stroke: dash(palette::ROUTINE),
                });
            }
            self.items.push(Item::Line {
                from: Point::new(xa, self.y_of(seg.lines.centre)),
                to: Point::new(xb, self.y_of(seg.lines.centre)),
                stroke: Stroke::solid(palette::KEY, 1.5),
            });
            // Label the lines at the right end of the last segment only, to keep the plot
            // clean.
            if si + 1 == chart.segments.len() {
                self.line_names(seg);
            }
            if si > 0 {
                self.front.push(Item::Line {
                    from: Point::new(xa, self.top),
                    to: Point::new(xa, self.bottom),
                    stroke: Stroke::solid(palette::MUTED, 1.0),
                });
            }
        }
    }

    /// Names the centre line, the limits and the target in the right margin, kept apart when
    /// the lines are close together.
    fn line_names(&mut self, seg: &Segment) {
        let centre_name = if self.chart.chart == ChartKind::Run {
            "median"
        } else {
            "mean"
        };
        let mut labels = vec![(
            seg.lines.centre,
            format!("{centre_name} {}", fmt_value(seg.lines.centre)),
            palette::MUTED,
            Weight::Regular,
        )];
        if let Some(u) = seg.lines.upper {
            labels.push((
                u,
                format!("upper limit {}", fmt_value(u)),
                palette::MUTED,
                Weight::Regular,
            ));
        }
        if let Some(l) = seg.lines.lower {
            let text = if self.options.non_negative && l < 0.0 {
                format!("lower limit 0\n(computed {})", fmt_value(l))
            } else {
                format!("lower limit {}", fmt_value(l))
            };
            labels.push((
                self.drawn_lines(seg).lower.unwrap_or(l),
                text,
                palette::MUTED,
                Weight::Regular,
            ));
        }
        if let Some(t) = self.chart.target {
            labels.push((
                t,
                format!("target {}", fmt_value(t)),
                palette::TARGET,
                Weight::Bold,
            ));
        }
        crate::sort::stable_by(&mut labels, |a, b| b.0.total_cmp(&a.0));
        let mut last_y = f32::MIN;
        for (v, text, color, weight) in labels {
            let mut y = (self.y_of(v) + 4.0).max(last_y + 13.0);
            for line in text.split('\n') {
                push_text(
                    &mut self.front,
                    self.right + 6.0,
                    y,
                    line,
                    10.5,
                    weight,
                    Anchor::Start,
                    color,
                );
                last_y = y;
                y += 12.0;
            }
        }
    }

    /// The target's dashed line across the plot.
    fn target(&mut self) {
        if let Some(t) = self.chart.target {
            let y = self.y_of(t);
            self.items.push(Item::Line {
                from: Point::new(self.left, y),
                to: Point::new(self.right, y),
                stroke: target_stroke(),
            });
        }
    }

    /// Annotations: a dotted line with its label stacked above the plot.
    fn annotations(&mut self) {
        let chart = self.chart;
        let placed = std::mem::take(&mut self.placed);
        for ((a, x), p) in chart.annotations.iter().zip(&self.ann_x).zip(&placed) {
            let Some(p) = p else { continue };
            let baseline = self.top - 8.0 - p.row as f32 * 18.0 - 4.0;
            let b = Rect::new(
                p.x0,
                baseline - ASCENT * 11.0 - 2.0,
                p.x1 - p.x0,
                (ASCENT + DESCENT) * 11.0 + 4.0,
            );
            self.front.push(Item::Line {
                from: Point::new(*x, b.bottom()),
                to: Point::new(*x, self.bottom),
                stroke: Stroke::dashed(palette::REFERENCE, 1.0, 1.5, 2.5),
            });
            self.front.push(Item::Rect {
                rect: b,
                fill: Some(palette::WHITE),
                pattern: None,
                stroke: Some(Stroke::solid(palette::REFERENCE, 1.0)),
            });
            push_text(
                &mut self.front,
                (p.x0 + p.x1) / 2.0,
                baseline,
                &a.label,
                11.0,
                Weight::Regular,
                Anchor::Middle,
                palette::TEXT,
            );
            self.label_boxes.push(b);
        }
        // The rebase labels, joined to their lines.
        let n = chart.annotations.len();
        for ((x, label), p) in self.rebases.iter().zip(placed.iter().skip(n)) {
            let Some(p) = p else { continue };
            let baseline = self.top - 8.0 - p.row as f32 * 18.0 - 4.0;
            let b = Rect::new(
                p.x0,
                baseline - ASCENT * 10.5 - 2.0,
                p.x1 - p.x0,
                (ASCENT + DESCENT) * 10.5 + 4.0,
            );
            self.front.push(Item::Line {
                from: Point::new(*x, b.bottom()),
                to: Point::new(*x, self.top),
                stroke: Stroke::solid(palette::MUTED, 1.0),
            });
            push_text(
                &mut self.front,
                (p.x0 + p.x1) / 2.0,
                baseline,
                label,
                10.5,
                Weight::Regular,
                Anchor::Middle,
                palette::MUTED,
            );
            self.label_boxes.push(b);
        }
        self.placed = placed;
    }

    /// The value line, then the points, shaped and coloured by their variation, with their
    /// hit regions.
    fn marks(&mut self) {
        let chart = self.chart;
        let options = self.options;
        let n = self.n();
        let line: Vec<Point> = (0..n)
            .map(|i| Point::new(self.x_of(i), self.y_of(chart.points[i].value)))
            .collect();
        if line.len() > 1 {
            self.items.push(Item::Polyline {
                points: line.clone(),
                stroke: Stroke::solid(palette::CONNECTOR, 1.5),
            });
        }
        let size = if n > 150 { 5.0 } else { 8.0 };
        for (i, (p, at)) in chart.points.iter().zip(&line).enumerate() {
            let (shape, color, s) = point_style(p.variation, size);
            self.front.push(Item::Marker {
                at: *at,
                size: s,
                shape,
                fill: Some(color),
                stroke: Some(Stroke::solid(palette::WHITE, 0.8)),
            });
            let when = p
                .date
                .map(date_long)
                .unwrap_or_else(|| format!("point {}", i + 1));
            let why = match p.special_cause {
                Some(c) => format!(" · {} ({})", variation_words(p.variation), cause_words(c)),
                None => " · common cause".to_string(),
            };
            self.hits.push(HitRegion {
                rect: Rect::new(at.x - 6.0, at.y - 6.0, 12.0, 12.0),
                hit: Hit {
                    target: HitTarget::Point {
                        series: 0,
                        index: i,
                    },
                    label: match options.point_notes.get(i).filter(|n| !n.is_empty()) {
                        Some(note) => format!(
                            "{when}: {} {} · {note}{why}",
                            fmt_value(p.value),
                            options.unit
                        ),
                        None => format!("{when}: {} {}{why}", fmt_value(p.value), options.unit),
                    },
                    source: None,
                    text_row: Some(i),
                },
            });
        }
        if let (Some(scale), Some(last)) = (self.dates.as_ref(), line.last()) {
            if !options.forecast.is_empty() {
                let (lo, hi, top, bottom) = (self.lo, self.hi, self.top, self.bottom);
                let y_of = |v: f64| bottom - ((v - lo) / (hi - lo)) as f32 * (bottom - top);
                forecast_marks(
                    &options.forecast,
                    &ForecastFrame {
                        scale,
                        y_of: &y_of,
                        last: *last,
                        top: self.top,
                        bottom: self.bottom,
                        unit: &options.unit,
                        first_row: n,
                    },
                    &mut self.items,
                    &mut self.front,
                    &mut self.hits,
                );
                self.forecast_drawn = true;
            }
        }
    }

    /// The legend (the shared legend row): the point shapes present, then the lines.
    fn legend(&mut self) {
        let chart = self.chart;
        let mut entries: Vec<(Key, String)> = vec![(
            Key::Marker(MarkerShape::Circle, COMMON),
            "common cause".into(),
        )];
        let present = |v: Variation| chart.points.iter().any(|p| p.variation == v);
        if present(Variation::Improvement) {
            entries.push((
                Key::Marker(MarkerShape::Diamond, palette::BLUE),
                "special cause: improvement".into(),
            ));
        }
        if present(Variation::Concern) {
            entries.push((
                Key::Marker(MarkerShape::Square, palette::VERMILLION),
                "special cause: concern".into(),
            ));
        }
        if present(Variation::NeutralHigh) || present(Variation::NeutralLow) {
            entries.push((
                Key::Marker(MarkerShape::TriangleUp, NEUTRAL_SIGNAL),
                "special cause: neutral".into(),
            ));
        }
        if chart.chart == ChartKind::Run {
            entries.push((Key::Line(Stroke::solid(palette::KEY, 1.5)), "median".into()));
        } else {
            entries.push((Key::Line(Stroke::solid(palette::KEY, 1.5)), "mean".into()));
            entries.push((
                Key::Line(Stroke::dashed(palette::ROUTINE, 1.2, 6.0, 4.0)),
                "process limits".into(),
            ));
        }
        if chart.target.is_some() {
            entries.push((Key::Line(target_stroke()), "target".into()));
        }
        if self.forecast_drawn {
            entries.push((
                Key::Line(Stroke::dashed(FORECAST, 1.5, 5.0, 3.0)),
                "forecast (95% interval)".into(),
            ));
        }
        self.legend_y = legend(
            &mut self.front,
            &entries,
            self.left,
            self.bottom + 52.0,
            self.width - MARGIN,
            self.measure,
        );
    }

    fn finish(self) -> Layout {
        let mut all = self.items;
        all.extend(self.front);
        Layout {
            width: self.width,
            height: (self.legend_y + 14.0).ceil(),
            title: self.options.title.clone(),
            description: format!("{}. {}", self.subtitle, icon_words(self.chart)),
            items: all,
            hits: self.hits,
            label_boxes: self.label_boxes,
            date_axis: self.dates.map(|s| DateAxis {
                x0: s.x0,
                x1: s.x1,
                start: s.start,
                end: s.end,
            }),
            table: Some(spc_data(self.chart, self.options)),
        }
    }
}

/// The forecast's colour and the shade of its interval.
const FORECAST: Color = palette::BLUE;
const FORECAST_BAND: Color = Color::rgb(0xDC, 0xEB, 0xF5);

/// Where the forecast is drawn: the date scale, the value scale and the last data point.
struct ForecastFrame<'a> {
    scale: &'a DateScale,
    y_of: &'a dyn Fn(f64) -> f32,
    last: Point,
    top: f32,
    bottom: f32,
    unit: &'a str,
    /// The table row of the first forecast point (after the chart's points).
    first_row: usize,
}

/// The forecast points after the data (see [`SpcOptions::forecast`]).
fn forecast_marks(
    forecast: &[ForecastPoint],
    f: &ForecastFrame<'_>,
    items: &mut Vec<Item>,
    front: &mut Vec<Item>,
    hits: &mut Vec<HitRegion>,
) {
    let xs: Vec<f32> = forecast.iter().map(|p| f.scale.x(p.date)).collect();
    // The interval as a shaded band from the last point through every forecast point.
    let mut band: Vec<Point> = std::iter::once(f.last)
        .chain(
            forecast
                .iter()
                .zip(&xs)
                .map(|(p, x)| Point::new(*x, (f.y_of)(p.interval[1]))),
        )
        .collect();
    band.extend(
        forecast
            .iter()
            .zip(&xs)
            .rev()
            .map(|(p, x)| Point::new(*x, (f.y_of)(p.interval[0]))),
    );
    items.push(Item::Polygon {
        points: band,
        fill: FORECAST_BAND,
        stroke: None,
    });
    // The divider between the data and the forecast, with its label.
    let divider = match xs.first() {
        Some(x0) => (f.last.x + x0) / 2.0,
        None => f.last.x,
    };
    front.push(Item::Line {
        from: Point::new(divider, f.top),
        to: Point::new(divider, f.bottom),
        stroke: Stroke::dashed(FORECAST, 1.0, 3.0, 3.0),
    });
    push_text(
        front,
        divider + 4.0,
        f.top + 12.0,
        "forecast",
        11.0,
        Weight::Bold,
        Anchor::Start,
        FORECAST,
    );
    let line: Vec<Point> = std::iter::once(f.last)
        .chain(
            forecast
                .iter()
                .zip(&xs)
                .map(|(p, x)| Point::new(*x, (f.y_of)(p.expected))),
        )
        .collect();
    front.push(Item::Polyline {
        points: line.clone(),
        stroke: Stroke::dashed(FORECAST, 1.5, 5.0, 3.0),
    });
    for (i, (p, at)) in forecast.iter().zip(line.iter().skip(1)).enumerate() {
        front.push(Item::Marker {
            at: *at,
            size: 8.0,
            shape: MarkerShape::Circle,
            fill: Some(palette::WHITE),
            stroke: Some(Stroke::solid(FORECAST, 1.5)),
        });
        let note = if p.note.is_empty() {
            String::new()
        } else {
            format!(" · {}", p.note)
        };
        hits.push(HitRegion {
            rect: Rect::new(at.x - 6.0, at.y - 6.0, 12.0, 12.0),
            hit: Hit {
                target: HitTarget::Point {
                    series: 1,
                    index: i,
                },
                label: format!(
                    "{}: forecast {} {} (95% interval {} to {}){note}",
                    date_long(p.date),
                    fmt_value(p.expected),
                    f.unit,
                    fmt_value(p.interval[0]),
                    fmt_value(p.interval[1]),
                ),
                source: None,
                text_row: Some(f.first_row + i),
            },
        });
    }
}

/// The numbers behind an SPC chart as CSV, one line per point: date, value, centre, limits,
/// variation and the rule that fired, then the icons' reading.
pub fn spc_table(chart: &SpcChart) -> String {
    spc_data(chart, &SpcOptions::new("", "")).to_csv()
}

/// The numbers behind an SPC chart, with `options.extra_columns` after the standard ones.
pub fn spc_data(chart: &SpcChart, options: &SpcOptions) -> Table {
    let mut columns = vec![
        "date",
        "value",
        "centre",
        "lower",
        "upper",
        "segment",
        "variation",
        "special_cause",
    ];
    columns.extend(options.extra_columns.iter().map(|(h, _)| h.as_str()));
    let mut table = Table::new(&columns);
    for (i, p) in chart.points.iter().enumerate() {
        let lines = chart.lines_of(p);
        let opt = |v: Option<f64>| v.map(fmt_value).unwrap_or_default();
        let mut row = vec![
            // ISO, as every CSV writes dates.
            p.date
                .map(|d| d.to_string())
                .unwrap_or_else(|| (i + 1).to_string()),
            fmt_value(p.value),
            opt(lines.map(|l| l.centre)),
            opt(lines.and_then(|l| l.lower)),
            opt(lines.and_then(|l| l.upper)),
            (p.segment + 1).to_string(),
            variation_words(p.variation).to_string(),
            p.special_cause.map(cause_words).unwrap_or("").to_string(),
        ];
        for (_, cells) in &options.extra_columns {
            row.push(cells.get(i).cloned().unwrap_or_default());
        }
        table.push(row);
    }
    if !options.forecast.is_empty() {
        table.columns.push("forecast_interval".into());
        let width = table.columns.len();
        for row in &mut table.rows {
            row.resize(width, String::new());
        }
        for p in &options.forecast {
            let mut row = vec![
                p.date.to_string(),
                fmt_value(p.expected),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "forecast".to_string(),
                String::new(),
            ];
            row.resize(width - 1, String::new());
            row.push(format!(
                "{} to {}",
                fmt_value(p.interval[0]),
                fmt_value(p.interval[1])
            ));
            table.push(row);
        }
        table.notes.push(
            "Rows marked forecast are expected values after the data, not points of the chart."
                .into(),
        );
    }
    table.notes.push(icon_words(chart));
    if let Some(note) = &options.note {
        table.notes.push(note.clone());
    }
    table
}

fn point_style(v: Variation, size: f32) -> (MarkerShape, Color, f32) {
    match v {
        Variation::Common => (MarkerShape::Circle, COMMON, size),
        Variation::Improvement => (MarkerShape::Diamond, palette::BLUE, size * 1.45),
        Variation::Concern => (MarkerShape::Square, palette::VERMILLION, size * 1.15),
        Variation::NeutralHigh => (MarkerShape::TriangleUp, NEUTRAL_SIGNAL, size * 1.3),
        Variation::NeutralLow => (MarkerShape::TriangleDown, NEUTRAL_SIGNAL, size * 1.3),
    }
}

fn variation_words(v: Variation) -> &'static str {
    match v {
        Variation::Common => "common cause",
        Variation::Improvement => "special cause improvement",
        Variation::Concern => "special cause concern",
        Variation::NeutralHigh => "special cause (high, neutral)",
        Variation::NeutralLow => "special cause (low, neutral)",
    }
}

fn cause_words(c: SpecialCause) -> &'static str {
    c.words()
}

/// The target's dashed line, on the chart and in its legend.
fn target_stroke() -> Stroke {
    Stroke::dashed(palette::TARGET, 1.5, 10.0, 3.0)
}

/// "Variation: common cause; assurance: no target assessed.": the chart's two icons in words,
/// the first note of its table.
pub fn icon_words(chart: &SpcChart) -> String {
    let variation = match chart.icons.variation {
        Some(VariationIcon::CommonCause) => "Variation: common cause",
        Some(VariationIcon::ImprovementHigh) => "Variation: special cause improvement (higher)",
        Some(VariationIcon::ImprovementLow) => "Variation: special cause improvement (lower)",
        Some(VariationIcon::ConcernHigh) => "Variation: special cause concern (higher)",
        Some(VariationIcon::ConcernLow) => "Variation: special cause concern (lower)",
        Some(VariationIcon::NeutralHigh) => "Variation: special cause, neutral (higher)",
        Some(VariationIcon::NeutralLow) => "Variation: special cause, neutral (lower)",
        None => "Variation: not assessed",
    };
    let assurance = match chart.icons.assurance {
        Some(AssuranceIcon::ConsistentPass) => {
            "assurance: the process will consistently meet the target"
        }
        Some(AssuranceIcon::ConsistentFail) => {
            "assurance: the process will consistently miss the target"
        }
        Some(AssuranceIcon::HitAndMiss) => "assurance: the process will hit and miss the target",
        None => "assurance: no target assessed",
    };
    format!("{variation}; {assurance}.")
}

/// Draws the variation and assurance icons at the top right; returns the width they take.
fn icons(chart: &SpcChart, width: f32, items: &mut Vec<Item>, measure: &dyn TextMeasure) -> f32 {
    let half = |caption: &str| (measure.width(caption, 9.5, Weight::Regular) / 2.0).max(20.0);
    let mut right_edge = width - 20.0;
    let mut x;
    let y = 34.0;
    let mut used = 0.0;
    let icon = |items: &mut Vec<Item>, x: f32, color: Color, letter: &str, caption: &str| {
        items.push(Item::Marker {
            at: Point::new(x, y),
            size: 34.0,
            shape: MarkerShape::Circle,
            fill: Some(palette::WHITE),
            stroke: Some(Stroke::solid(color, 3.0)),
        });
        push_text(
            items,
            x,
            y + 6.0,
            letter,
            17.0,
            Weight::Bold,
            Anchor::Middle,
            color,
        );
        push_text(
            items,
            x,
            y + 31.0,
            caption,
            9.5,
            Weight::Regular,
            Anchor::Middle,
            palette::MUTED,
        );
    };
    if let Some(a) = chart.icons.assurance {
        let (color, letter, caption) = match a {
            AssuranceIcon::ConsistentPass => (palette::BLUE, "P", "passes"),
            AssuranceIcon::ConsistentFail => (palette::VERMILLION, "F", "fails"),
            AssuranceIcon::HitAndMiss => (COMMON, "?", "hit and miss"),
        };
        x = right_edge - half(caption);
        icon(items, x, color, letter, caption);
        right_edge = x - half(caption) - 10.0;
        used = width - right_edge;
    }
    if let Some(v) = chart.icons.variation {
        let (color, letter, caption) = match v {
            VariationIcon::CommonCause => (COMMON, "~", "common cause"),
            VariationIcon::ImprovementHigh => (palette::BLUE, "H", "improving"),
            VariationIcon::ImprovementLow => (palette::BLUE, "L", "improving"),
            VariationIcon::ConcernHigh => (palette::VERMILLION, "H", "concern"),
            VariationIcon::ConcernLow => (palette::VERMILLION, "L", "concern"),
            VariationIcon::NeutralHigh => (NEUTRAL_SIGNAL, "H", "neutral"),
            VariationIcon::NeutralLow => (NEUTRAL_SIGNAL, "L", "neutral"),
        };
        x = right_edge - half(caption);
        icon(items, x, color, letter, caption);
        used = width - (x - half(caption));
    }
    used
}
