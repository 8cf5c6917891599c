//! Time in a stage as survival curves: the Kaplan–Meier estimate of the share of children
//! still waiting, day by day since the stage began, as step curves with their 95% confidence
//! bands, censoring ticks where a wait was still running (or the child left care), each
//! curve's median, the stage's target as a vertical line, one curve per group of a breakdown,
//! and the number still waiting (at risk) under the axis, as published survival plots show it.
//!
//! This module owns that chart's layout and its table. The estimate, its bands and the
//! censoring counts come from [`crate::stats::StageSummary`]'s Kaplan–Meier summaries; the
//! numbers at risk are recovered from them exactly (at each event time the curve falls by the
//! factor 1 − d/n, so d = n (1 − S/S₋)), not estimated; stages that entered the risk set late
//! (a journey that started before the data) join it after their entry day.

use super::axis::{date_long, thousands};
use super::figure::{
    breakdown_words, fmt_days, fmt_value, group_words, nice_step, plot_frame, push_text,
    target_days, target_words, title_block, AXIS_SIZE, LABEL_SIZE, MARGIN,
};
use super::layout::{Anchor, Color, Hit, HitRegion, HitTarget, Item, Layout, MarkerShape};
use super::layout::{Point, Rect, Stroke, Weight};
use super::palette;
use super::text::{fit, TextMeasure};
use crate::stats::{GroupStats, StageSummary};
use crate::table::{number, Table};
use chrono::NaiveDate;

/// Options for [`survival`].
#[derive(Clone, Debug, PartialEq)]
pub struct SurvivalOptions {
    pub as_at: NaiveDate,
    /// A breakdown id: one curve per group. `None` for the whole cohort.
    pub breakdown: Option<String>,
    pub width: f32,
    /// The height of the plot area alone.
    pub plot_height: f32,
    /// The profile's name, for the subtitle.
    pub profile: String,
    /// At most this many curves (the largest groups); the table has every group.
    pub max_groups: usize,
}

impl SurvivalOptions {
    pub fn new(as_at: NaiveDate) -> SurvivalOptions {
        SurvivalOptions {
            as_at,
            breakdown: None,
            width: 1000.0,
            plot_height: 340.0,
            profile: String::new(),
            max_groups: 6,
        }
    }
}

/// One distinct time of a group's survival table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub time: u32,
    /// The share still waiting after the events at `time`.
    pub surv: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Stages still running at the start of `time` (time ≥ `time`).
    pub at_risk: u32,
    pub events: u32,
    pub censored: u32,
}

/// A group's survival table: a row at time 0 and at every event or censoring time, with the
/// numbers at risk.
pub fn steps(g: &GroupStats) -> Vec<Step> {
    let km = &g.km;
    // The curve's points with their events (`at_risk` and `censored` unused here).
    let mut events_at: Vec<Step> = Vec::new();
    let point = |time, surv, (lower, upper), events| Step {
        time,
        surv,
        lower,
        upper,
        at_risk: 0,
        events,
        censored: 0,
    };
    let late: u32 = km.entered.iter().map(|e| e.1).sum();
    let mut at_risk = g.started.saturating_sub(late);
    let mut censored = km.censored.iter().peekable();
    let mut entered = km.entered.iter().peekable();
    let mut prev = 1.0f64;
    // Events at each curve time, from the fall of the curve and the number at risk then.
    for (i, &(time, surv)) in km.curve.iter().enumerate() {
        let band = km
            .band
            .get(i)
            .map_or((None, None), |[lower, upper]| (lower.get(), upper.get()));
        if i == 0 {
            events_at.push(point(time, surv, band, 0));
            continue;
        }
        while let Some(&(_, n)) = entered.next_if(|e| e.0 < time) {
            at_risk += n;
        }
        while let Some(&&(ct, c)) = censored.peek() {
            if ct < time {
                at_risk = at_risk.saturating_sub(c);
                censored.next();
            } else {
                break;
            }
        }
        let d = if prev > 0.0 {
            (f64::from(at_risk) * (1.0 - surv / prev)).round().max(0.0) as u32
        } else {
            0
        };
        events_at.push(point(time, surv, band, d));
        at_risk = at_risk.saturating_sub(d);
        prev = surv;
    }
    // Merge with the censoring times into one row per distinct time.
    let mut times: Vec<u32> = events_at
        .iter()
        .map(|e| e.time)
        .chain(km.censored.iter().map(|c| c.0))
        .collect();
    times.sort_unstable();
    times.dedup();
    let mut out = Vec::with_capacity(times.len());
    let mut remaining = g.started.saturating_sub(late);
    let mut entered = km.entered.iter().peekable();
    let (mut surv, mut lower, mut upper) = (1.0, Some(1.0), Some(1.0));
    if let Some(first) = events_at.first() {
        (surv, lower, upper) = (first.surv, first.lower, first.upper);
    }
    let mut ev = events_at.iter().skip(1).peekable();
    let mut cens = km.censored.iter().peekable();
    for t in times {
        let mut events = 0;
        while let Some(e) = ev.next_if(|e| e.time == t) {
            events += e.events;
            (surv, lower, upper) = (e.surv, e.lower, e.upper);
        }
        let mut c = 0;
        while let Some(k) = cens.next_if(|k| k.0 == t) {
            c += k.1;
        }
        while let Some(&(_, n)) = entered.next_if(|e| e.0 < t) {
            remaining += n;
        }
        out.push(Step {
            time: t,
            surv,
            lower,
            upper,
            at_risk: remaining,
            events,
            censored: c,
        });
        remaining = remaining.saturating_sub(events + c);
    }
    out
}

/// The number still at risk at `t`: stages with time ≥ `t` that had entered the risk set
/// before `t`.
fn at_risk(steps: &[Step], g: &GroupStats, t: f64) -> u32 {
    let gone: u32 = steps
        .iter()
        .filter(|s| f64::from(s.time) < t)
        .map(|s| s.events + s.censored)
        .sum();
    let late: u32 = g.km.entered.iter().map(|e| e.1).sum();
    let joined: u32 =
        g.km.entered
            .iter()
            .filter(|e| f64::from(e.0) < t)
            .map(|e| e.1)
            .sum();
    (g.started.saturating_sub(late) + joined).saturating_sub(gone)
}

/// The curve's value at `t` days (after the events on that day).
fn surv_at(steps: &[Step], t: f64) -> f64 {
    steps
        .iter()
        .take_while(|s| f64::from(s.time) <= t)
        .last()
        .map_or(1.0, |s| s.surv)
}

struct Series<'a> {
    label: String,
    key: String,
    stats: &'a GroupStats,
    color: Color,
    steps: Vec<Step>,
}

/// Lays out the survival chart of one stage.
pub fn survival(
    stage: &StageSummary,
    options: &SurvivalOptions,
    measure: &dyn TextMeasure,
) -> Layout {
    let mut chart = SurvivalChart::new(stage, options, measure);
    chart.titles();
    chart.legend();
    chart.scales();
    chart.axes();
    chart.target();
    chart.curves();
    chart.at_risk();
    chart.finish()
}

/// The survival chart under construction: each method lays out one part.
struct SurvivalChart<'a> {
    stage: &'a StageSummary,
    options: &'a SurvivalOptions,
    measure: &'a dyn TextMeasure,
    width: f32,
    breakdown: Option<&'a str>,
    /// The curves drawn, and how many groups are left out.
    series: Vec<Series<'a>>,
    left_out: usize,
    /// The target in days.
    target: Option<f64>,
    title: String,
    subtitle: String,
    /// Behind the data (grid, bands) and in front of it (curves, text, frame).
    items: Vec<Item>,
    front: Vec<Item>,
    hits: Vec<HitRegion>,
    top: f32,
    /// The baseline below the legend's last line.
    legend_bottom: f32,
    risk_label_w: f32,
    plot_x0: f32,
    plot_x1: f32,
    plot_top: f32,
    plot_bottom: f32,
    /// The day scale's end and its ticks.
    x_max: f64,
    tick_days: Vec<f64>,
    table: Table,
    /// The baseline of the at-risk table's last line.
    bottom: f32,
}

impl<'a> SurvivalChart<'a> {
    fn new(
        stage: &'a StageSummary,
        options: &'a SurvivalOptions,
        measure: &'a dyn TextMeasure,
    ) -> SurvivalChart<'a> {
        let breakdown = options.breakdown.as_deref();
        let mut series: Vec<Series<'a>> = Vec::new();
        let mut left_out = 0;
        match breakdown.and_then(|b| stage.groups.get(b).map(|g| (b, g))) {
            Some((b, groups)) => {
                let mut order: Vec<usize> = (0..groups.0.len()).collect();
                crate::sort::stable_by_key(&mut order, |&i| {
                    std::cmp::Reverse(groups.0[i].1.started)
                });
                let keep = options.max_groups.clamp(1, palette::SERIES.len());
                left_out = order.len().saturating_sub(keep);
                order.truncate(keep);
                order.sort_unstable();
                for (k, i) in order.into_iter().enumerate() {
                    let (key, g) = &groups.0[i];
                    series.push(Series {
                        label: group_words(b, key),
                        key: key.clone(),
                        stats: g,
                        color: palette::SERIES[k % palette::SERIES.len()],
                        steps: steps(g),
                    });
                }
            }
            None => series.push(Series {
                label: "All children".into(),
                key: "all".into(),
                stats: &stage.stats,
                color: palette::BLUE,
                steps: steps(&stage.stats),
            }),
        }
        SurvivalChart {
            stage,
            options,
            measure,
            width: options.width.max(560.0),
            breakdown,
            series,
            left_out,
            target: stage.target.map(target_days),
            title: String::new(),
            subtitle: String::new(),
            items: Vec::new(),
            front: Vec::new(),
            hits: Vec::new(),
            top: 0.0,
            legend_bottom: 0.0,
            risk_label_w: 0.0,
            plot_x0: 0.0,
            plot_x1: 0.0,
            plot_top: 0.0,
            plot_bottom: 0.0,
            x_max: 1.0,
            tick_days: Vec::new(),
            table: Table::new(&[
                "group",
                "days",
                "still_waiting_pct",
                "lower_95_pct",
                "upper_95_pct",
                "at_risk",
                "ended",
                "censored",
            ]),
            bottom: 0.0,
        }
    }

    fn several(&self) -> bool {
        self.series.len() > 1
    }

    fn x_of(&self, days: f64) -> f32 {
        self.plot_x0 + (days / self.x_max) as f32 * (self.plot_x1 - self.plot_x0)
    }

    fn y_of(&self, s: f64) -> f32 {
        self.plot_bottom - s.clamp(0.0, 1.0) as f32 * (self.plot_bottom - self.plot_top)
    }

    fn titles(&mut self) {
        let stage = self.stage;
        self.title = match self.breakdown {
            Some(b) => format!("{}: still waiting, by {}", stage.label, breakdown_words(b)),
            None => format!("{}: still waiting", stage.label),
        };
        let mut sub = vec![
            "Kaplan–Meier estimate of the share whose stage had not yet ended, with 95% confidence bands; ticks mark waits still running or ended by leaving care (censored)".to_string(),
            format!(
                "{} started, {} completed",
                thousands(stage.stats.started as usize),
                thousands(stage.stats.completed as usize)
            ),
            format!("as at {}", date_long(self.options.as_at)),
        ];
        if !self.options.profile.is_empty() {
            sub.push(format!("profile: {}", self.options.profile));
        }
        if self.left_out > 0 {
            sub.push(format!(
                "the {} largest groups drawn, {} more in the table",
                self.series.len(),
                self.left_out
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

    /// The legend: one line per curve with its figures.
    fn legend(&mut self) {
        let (stage, measure) = (self.stage, self.measure);
        let alpha = band_alpha(self.several());
        let mut ly = self.top + 14.0;
        for s in &self.series {
            self.items.push(Item::Line {
                from: Point::new(MARGIN, ly - 4.0),
                to: Point::new(MARGIN + 22.0, ly - 4.0),
                stroke: Stroke::solid(s.color, 2.5),
            });
            self.items.push(Item::Rect {
                rect: Rect::new(MARGIN, ly - 9.0, 22.0, 10.0),
                fill: Some(s.color.alpha(alpha)),
                pattern: None,
                stroke: None,
            });
            let name = fit(measure, &s.label, LABEL_SIZE, Weight::Bold, 220.0);
            push_text(
                &mut self.front,
                MARGIN + 30.0,
                ly,
                &name,
                LABEL_SIZE,
                Weight::Bold,
                Anchor::Start,
                palette::TEXT,
            );
            let nx = MARGIN + 36.0 + measure.width(&name, LABEL_SIZE, Weight::Bold);
            push_text(
                &mut self.front,
                nx,
                ly,
                &legend_words(s, stage),
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::MUTED,
            );
            ly += 18.0;
        }
        self.legend_bottom = ly;
    }

    /// The plot's geometry and its time axis: days, as on every other chart, at round steps.
    fn scales(&mut self) {
        let measure = self.measure;
        self.risk_label_w = self
            .series
            .iter()
            .map(|s| measure.width(&s.label, AXIS_SIZE, Weight::Regular))
            .fold(0.0f32, f32::max)
            .min(180.0);
        self.plot_x0 = MARGIN + 16.0 + self.risk_label_w.max(34.0) + 30.0;
        self.plot_x1 = self.width - MARGIN - 12.0;
        self.plot_top = self.legend_bottom + 30.0;
        self.plot_bottom = self.plot_top + self.options.plot_height.max(160.0);
        let last_time = self
            .series
            .iter()
            .flat_map(|s| s.steps.last().map(|st| f64::from(st.time)))
            .fold(0.0f64, f64::max)
            .max(self.target.unwrap_or(0.0))
            .max(1.0);
        let want = f64::from(((self.plot_x1 - self.plot_x0) / 90.0).max(3.0));
        let step = nice_step(last_time / want);
        self.x_max = (last_time / step).ceil().max(1.0) * step;
        let mut u = 0.0;
        while u <= self.x_max + 1e-9 && self.tick_days.len() < 40 {
            self.tick_days.push(u);
            u += step;
        }
    }

    /// The grid (every 25%, and at the day ticks), the day labels, the frame and the axis
    /// titles.
    fn axes(&mut self) {
        let (plot_x0, plot_x1) = (self.plot_x0, self.plot_x1);
        let (plot_top, plot_bottom) = (self.plot_top, self.plot_bottom);
        for k in 0..=4 {
            let v = f64::from(k) * 0.25;
            let y = self.y_of(v);
            self.items.push(Item::Line {
                from: Point::new(plot_x0, y),
                to: Point::new(plot_x1, y),
                stroke: if k == 2 {
                    Stroke::dashed(palette::MUTED, 1.0, 4.0, 3.0)
                } else {
                    Stroke::solid(palette::GRID, 1.0)
                },
            });
            push_text(
                &mut self.front,
                plot_x0 - 6.0,
                y + 4.0,
                &format!("{}%", k * 25),
                AXIS_SIZE,
                Weight::Regular,
                Anchor::End,
                palette::MUTED,
            );
        }
        for &t in &self.tick_days {
            let x = self.x_of(t);
            self.items.push(Item::Line {
                from: Point::new(x, plot_top),
                to: Point::new(x, plot_bottom),
                stroke: Stroke::solid(palette::GRID.alpha(150), 1.0),
            });
            self.front.push(Item::Line {
                from: Point::new(x, plot_bottom),
                to: Point::new(x, plot_bottom + 4.0),
                stroke: Stroke::solid(palette::REFERENCE, 1.0),
            });
            push_text(
                &mut self.front,
                x,
                plot_bottom + 16.0,
                &if t >= 1000.0 {
                    thousands(t.round() as usize)
                } else {
                    fmt_value(t)
                },
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::MUTED,
            );
        }
        plot_frame(&mut self.front, (plot_x0, plot_x1), (plot_top, plot_bottom));
        push_text(
            &mut self.front,
            (plot_x0 + plot_x1) / 2.0,
            plot_bottom + 32.0,
            "days since the stage began",
            AXIS_SIZE,
            Weight::Regular,
            Anchor::Middle,
            palette::MUTED,
        );
        push_text(
            &mut self.front,
            plot_x0 - 40.0,
            plot_top - 12.0,
            "still waiting",
            AXIS_SIZE,
            Weight::Bold,
            Anchor::Start,
            palette::TEXT,
        );
    }

    /// The target: a dashed line across the plot, labelled above it (clear of the curves,
    /// which start at 100% along the top edge), beside the axis title when the line is near 0.
    fn target(&mut self) {
        let measure = self.measure;
        let (plot_x0, plot_x1) = (self.plot_x0, self.plot_x1);
        if let (Some(t), Some(duration)) = (self.target, self.stage.target) {
            let x = self.x_of(t);
            self.front.push(Item::Line {
                from: Point::new(x, self.plot_top - 14.0),
                to: Point::new(x, self.plot_bottom),
                stroke: Stroke::dashed(palette::TARGET, 1.8, 6.0, 3.0),
            });
            let label = format!("target {}", target_words(duration));
            let w = measure.width(&label, AXIS_SIZE, Weight::Bold);
            let axis_title_end =
                plot_x0 - 40.0 + measure.width("still waiting", AXIS_SIZE, Weight::Bold) + 10.0;
            let (lx, anchor) = if x + 6.0 + w <= plot_x1 {
                ((x + 6.0).max(axis_title_end), Anchor::Start)
            } else {
                (x - 6.0, Anchor::End)
            };
            push_text(
                &mut self.front,
                lx,
                self.plot_top - 8.0,
                &label,
                AXIS_SIZE,
                Weight::Bold,
                anchor,
                palette::TARGET,
            );
        }
    }

    /// Per curve: its confidence band, the steps, censoring ticks and the median, with hit
    /// regions and table lines; groups not drawn go in the table too.
    fn curves(&mut self) {
        let (stage, several) = (self.stage, self.several());
        let series = std::mem::take(&mut self.series);
        for (si, s) in series.iter().enumerate() {
            let st = &s.steps;
            if st.is_empty() {
                continue;
            }
            let end_time = st.last().map_or(0.0, |l| f64::from(l.time));
            // Segment i spans from step i's time to the next step's (or the last time).
            let seg_end = |i: usize| st.get(i + 1).map_or(end_time, |n| f64::from(n.time));
            let mut run: Vec<usize> = Vec::new();
            let flush = |run: &mut Vec<usize>, chart: &mut Self| {
                if run.is_empty() {
                    return;
                }
                let mut upper: Vec<Point> = Vec::new();
                let mut lower: Vec<Point> = Vec::new();
                for &i in run.iter() {
                    let (Some(lo), Some(hi)) = (st[i].lower, st[i].upper) else {
                        continue;
                    };
                    let (xa, xb) = (chart.x_of(f64::from(st[i].time)), chart.x_of(seg_end(i)));
                    upper.push(Point::new(xa, chart.y_of(hi)));
                    upper.push(Point::new(xb.max(xa + 0.5), chart.y_of(hi)));
                    lower.push(Point::new(xa, chart.y_of(lo)));
                    lower.push(Point::new(xb.max(xa + 0.5), chart.y_of(lo)));
                }
                lower.reverse();
                upper.extend(lower);
                if upper.len() >= 4 {
                    chart.items.push(Item::Polygon {
                        points: upper,
                        fill: s.color.alpha(band_alpha(several)),
                        stroke: None,
                    });
                }
                run.clear();
            };
            for (i, step) in st.iter().enumerate() {
                if step.lower.is_some() && step.upper.is_some() {
                    run.push(i);
                } else {
                    flush(&mut run, self);
                }
            }
            flush(&mut run, self);

            let mut line = vec![Point::new(self.x_of(0.0), self.y_of(1.0))];
            for (i, step) in st.iter().enumerate() {
                let x = self.x_of(f64::from(step.time));
                let y = self.y_of(step.surv);
                if line.last().is_some_and(|p| (p.y - y).abs() > 0.01) {
                    line.push(Point::new(x, line.last().map_or(y, |p| p.y)));
                    line.push(Point::new(x, y));
                }
                let xe = self.x_of(seg_end(i));
                line.push(Point::new(xe, y));
                self.table.push(step_cells(&s.key, step));
                let ci = match (step.lower, step.upper) {
                    (Some(lo), Some(hi)) => format!(
                        " (95% CI {}–{}%)",
                        number(lo * 100.0, 0),
                        number(hi * 100.0, 0)
                    ),
                    _ => String::new(),
                };
                let who = if several {
                    format!("{}: ", s.label)
                } else {
                    String::new()
                };
                self.hits.push(HitRegion {
                    rect: Rect::new(x, y - 5.0, (xe - x).max(3.0), 10.0),
                    hit: Hit {
                        target: HitTarget::Curve {
                            series: si,
                            index: i,
                        },
                        label: format!(
                            "{who}{}% still waiting at {} days{ci} · {} still waiting then",
                            number(step.surv * 100.0, 1),
                            step.time,
                            thousands(step.at_risk as usize)
                        ),
                        source: None,
                        text_row: Some(self.table.rows.len() - 1),
                    },
                });
            }
            line.dedup();
            self.front.push(Item::Polyline {
                points: line,
                stroke: Stroke::solid(s.color, 2.0),
            });
            for step in st.iter().filter(|t| t.censored > 0) {
                let (x, y) = (self.x_of(f64::from(step.time)), self.y_of(step.surv));
                self.front.push(Item::Line {
                    from: Point::new(x, y - 4.5),
                    to: Point::new(x, y + 4.5),
                    stroke: Stroke::solid(s.color, 1.2),
                });
            }
            if let Some(m) = s.stats.km.median_days {
                let x = self.x_of(m);
                self.front.push(Item::Line {
                    from: Point::new(x, self.y_of(0.5)),
                    to: Point::new(x, self.plot_bottom),
                    stroke: Stroke::dashed(s.color, 1.0, 2.0, 2.0),
                });
                self.front.push(Item::Marker {
                    at: Point::new(x, self.y_of(0.5)),
                    size: 9.0,
                    shape: MarkerShape::Circle,
                    fill: Some(palette::WHITE),
                    stroke: Some(Stroke::solid(s.color, 2.0)),
                });
            }
        }
        // Groups not drawn go in the table too.
        if let Some((_, groups)) = self
            .breakdown
            .and_then(|b| stage.groups.get(b).map(|g| (b, g)))
        {
            for (key, g) in &groups.0 {
                if series.iter().any(|s| s.key == *key) {
                    continue;
                }
                for step in steps(g) {
                    self.table.push(step_cells(key, &step));
                }
            }
        }
        for s in &series {
            self.table
                .notes
                .push(format!("{}: {}", s.label, legend_words(s, stage)));
        }
        self.series = series;
    }

    /// The number still waiting under the axis, at each day tick.
    fn at_risk(&mut self) {
        let measure = self.measure;
        let mut ry = self.plot_bottom + 60.0;
        push_text(
            &mut self.front,
            MARGIN,
            ry,
            "Number still waiting (at risk)",
            AXIS_SIZE,
            Weight::Bold,
            Anchor::Start,
            palette::TEXT,
        );
        for s in &self.series {
            ry += 17.0;
            self.front.push(Item::Line {
                from: Point::new(MARGIN, ry - 4.0),
                to: Point::new(MARGIN + 12.0, ry - 4.0),
                stroke: Stroke::solid(s.color, 2.5),
            });
            let label = fit(
                measure,
                &s.label,
                AXIS_SIZE,
                Weight::Regular,
                self.risk_label_w,
            );
            push_text(
                &mut self.front,
                MARGIN + 16.0,
                ry,
                &label,
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::TEXT,
            );
            for &t in &self.tick_days {
                let x = self.x_of(t);
                push_text(
                    &mut self.front,
                    x,
                    ry,
                    &thousands(at_risk(&s.steps, s.stats, t) as usize),
                    AXIS_SIZE,
                    Weight::Regular,
                    Anchor::Middle,
                    palette::TEXT,
                );
            }
        }
        self.bottom = ry;
    }

    fn finish(self) -> Layout {
        let described = self
            .series
            .iter()
            .map(|s| format!("{}: {}", s.label, legend_words(s, self.stage)))
            .collect::<Vec<_>>()
            .join("; ");
        Layout::statistical(
            (self.width, self.bottom + 16.0),
            self.title,
            format!("{}. {described}.", self.subtitle),
            (self.items, self.front),
            self.hits,
            self.table,
        )
    }
}

/// A step's line of the table.
fn step_cells(group: &str, step: &Step) -> Vec<String> {
    vec![
        group.to_string(),
        step.time.to_string(),
        number(step.surv * 100.0, 2),
        step.lower.map(|v| number(v * 100.0, 2)).unwrap_or_default(),
        step.upper.map(|v| number(v * 100.0, 2)).unwrap_or_default(),
        step.at_risk.to_string(),
        step.events.to_string(),
        step.censored.to_string(),
    ]
}

fn band_alpha(several: bool) -> u8 {
    if several {
        30
    } else {
        56
    }
}

/// "n 120 · median 412 days (95% CI 380–455) · 62% still waiting at the target".
fn legend_words(s: &Series<'_>, stage: &StageSummary) -> String {
    let g = s.stats;
    let mut parts = vec![format!(
        "{} started, {} ended",
        thousands(g.started as usize),
        thousands(g.completed as usize)
    )];
    let km = &g.km;
    parts.push(match km.median_days {
        Some(m) => {
            let ci = match km.median_ci {
                [Some(a), Some(b)] => format!(" (95% CI {}–{})", fmt_days(a), fmt_days(b)),
                [Some(a), None] => format!(" (95% CI from {})", fmt_days(a)),
                _ => String::new(),
            };
            format!("median {} days{ci}", fmt_days(m))
        }
        None => "median not reached".into(),
    });
    if let Some(t) = stage.target {
        let still = surv_at(&s.steps, target_days(t).floor());
        parts.push(format!(
            "{}% still waiting at the target",
            number(still * 100.0, 0)
        ));
    }
    parts.join(" · ")
}
