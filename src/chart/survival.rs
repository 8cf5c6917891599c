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
        let band = km.band.get(i).copied().unwrap_or((None, None));
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
    let width = options.width.max(560.0);
    let mut items: Vec<Item> = Vec::new();
    let mut front: Vec<Item> = Vec::new();
    let mut hits: Vec<HitRegion> = Vec::new();
    let breakdown = options.breakdown.as_deref();

    // The curves.
    let mut series: Vec<Series<'_>> = Vec::new();
    let mut left_out = 0;
    match breakdown.and_then(|b| stage.groups.get(b).map(|g| (b, g))) {
        Some((b, groups)) => {
            let mut order: Vec<usize> = (0..groups.0.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(groups.0[i].1.started));
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
    let several = series.len() > 1;

    // Titles.
    let title = match breakdown {
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
        format!("as at {}", date_long(options.as_at)),
    ];
    if !options.profile.is_empty() {
        sub.push(format!("profile: {}", options.profile));
    }
    if left_out > 0 {
        sub.push(format!(
            "the {} largest groups drawn, {} more in the table",
            series.len(),
            left_out
        ));
    }
    let subtitle = sub.join(" · ");
    let top = title_block(&mut front, width, &title, &subtitle, measure);

    // The legend: one line per curve with its figures.
    let target = stage.target.map(target_days);
    let mut ly = top + 14.0;
    for s in &series {
        items.push(Item::Line {
            from: Point::new(MARGIN, ly - 4.0),
            to: Point::new(MARGIN + 22.0, ly - 4.0),
            stroke: Stroke::solid(s.color, 2.5),
        });
        items.push(Item::Rect {
            rect: Rect::new(MARGIN, ly - 9.0, 22.0, 10.0),
            fill: Some(s.color.alpha(band_alpha(several))),
            pattern: None,
            stroke: None,
        });
        let name = fit(measure, &s.label, LABEL_SIZE, Weight::Bold, 220.0);
        push_text(
            &mut front,
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
            &mut front,
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

    // Geometry.
    let risk_label_w = series
        .iter()
        .map(|s| measure.width(&s.label, AXIS_SIZE, Weight::Regular))
        .fold(0.0f32, f32::max)
        .min(180.0);
    let plot_x0 = MARGIN + 16.0 + risk_label_w.max(34.0) + 30.0;
    let plot_x1 = width - MARGIN - 12.0;
    let plot_top = ly + 30.0;
    let plot_bottom = plot_top + options.plot_height.max(160.0);
    let y_of = |s: f64| plot_bottom - s.clamp(0.0, 1.0) as f32 * (plot_bottom - plot_top);

    // The time axis: days, as on every other chart, at round steps.
    let last_time = series
        .iter()
        .flat_map(|s| s.steps.last().map(|st| f64::from(st.time)))
        .fold(0.0f64, f64::max)
        .max(target.unwrap_or(0.0))
        .max(1.0);
    let want = f64::from(((plot_x1 - plot_x0) / 90.0).max(3.0));
    let step = nice_step(last_time / want);
    let x_max = (last_time / step).ceil().max(1.0) * step;
    let x_of = |days: f64| plot_x0 + (days / x_max) as f32 * (plot_x1 - plot_x0);
    let mut tick_days: Vec<f64> = Vec::new();
    let mut u = 0.0;
    while u <= x_max + 1e-9 && tick_days.len() < 40 {
        tick_days.push(u);
        u += step;
    }

    // Grid: horizontal at every 25%, vertical at the ticks.
    for k in 0..=4 {
        let v = f64::from(k) * 0.25;
        let y = y_of(v);
        items.push(Item::Line {
            from: Point::new(plot_x0, y),
            to: Point::new(plot_x1, y),
            stroke: if k == 2 {
                Stroke::dashed(palette::MUTED, 1.0, 4.0, 3.0)
            } else {
                Stroke::solid(palette::GRID, 1.0)
            },
        });
        push_text(
            &mut front,
            plot_x0 - 6.0,
            y + 4.0,
            &format!("{}%", k * 25),
            AXIS_SIZE,
            Weight::Regular,
            Anchor::End,
            palette::MUTED,
        );
    }
    for &t in &tick_days {
        let x = x_of(t);
        items.push(Item::Line {
            from: Point::new(x, plot_top),
            to: Point::new(x, plot_bottom),
            stroke: Stroke::solid(palette::GRID.alpha(150), 1.0),
        });
        front.push(Item::Line {
            from: Point::new(x, plot_bottom),
            to: Point::new(x, plot_bottom + 4.0),
            stroke: Stroke::solid(palette::REFERENCE, 1.0),
        });
        push_text(
            &mut front,
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
    plot_frame(&mut front, (plot_x0, plot_x1), (plot_top, plot_bottom));
    let unit_words = "days since the stage began";
    push_text(
        &mut front,
        (plot_x0 + plot_x1) / 2.0,
        plot_bottom + 32.0,
        unit_words,
        AXIS_SIZE,
        Weight::Regular,
        Anchor::Middle,
        palette::MUTED,
    );
    push_text(
        &mut front,
        plot_x0 - 40.0,
        plot_top - 12.0,
        "still waiting",
        AXIS_SIZE,
        Weight::Bold,
        Anchor::Start,
        palette::TEXT,
    );

    // The target: a dashed line across the plot, labelled above it (clear of the curves,
    // which start at 100% along the top edge), beside the axis title when the line is near 0.
    if let (Some(t), Some(duration)) = (target, stage.target) {
        let x = x_of(t);
        front.push(Item::Line {
            from: Point::new(x, plot_top - 14.0),
            to: Point::new(x, plot_bottom),
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
            &mut front,
            lx,
            plot_top - 8.0,
            &label,
            AXIS_SIZE,
            Weight::Bold,
            anchor,
            palette::TARGET,
        );
    }

    // Bands, then curves, censoring ticks and medians.
    let mut table = Table::new(&[
        "group",
        "days",
        "still_waiting_pct",
        "lower_95_pct",
        "upper_95_pct",
        "at_risk",
        "ended",
        "censored",
    ]);
    for (si, s) in series.iter().enumerate() {
        let st = &s.steps;
        if st.is_empty() {
            continue;
        }
        let end_time = st.last().map_or(0.0, |l| f64::from(l.time));
        // Segment i spans from step i's time to the next step's (or the last time).
        let seg_end = |i: usize| st.get(i + 1).map_or(end_time, |n| f64::from(n.time));
        let mut run: Vec<usize> = Vec::new();
        let flush = |run: &mut Vec<usize>, items: &mut Vec<Item>| {
            if run.is_empty() {
                return;
            }
            let mut upper: Vec<Point> = Vec::new();
            let mut lower: Vec<Point> = Vec::new();
            for &i in run.iter() {
                let (Some(lo), Some(hi)) = (st[i].lower, st[i].upper) else {
                    continue;
                };
                let (xa, xb) = (x_of(f64::from(st[i].time)), x_of(seg_end(i)));
                upper.push(Point::new(xa, y_of(hi)));
                upper.push(Point::new(xb.max(xa + 0.5), y_of(hi)));
                lower.push(Point::new(xa, y_of(lo)));
                lower.push(Point::new(xb.max(xa + 0.5), y_of(lo)));
            }
            lower.reverse();
            upper.extend(lower);
            if upper.len() >= 4 {
                items.push(Item::Polygon {
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
                flush(&mut run, &mut items);
            }
        }
        flush(&mut run, &mut items);

        let mut line = vec![Point::new(x_of(0.0), y_of(1.0))];
        for (i, step) in st.iter().enumerate() {
            let x = x_of(f64::from(step.time));
            let y = y_of(step.surv);
            if line.last().is_some_and(|p| (p.y - y).abs() > 0.01) {
                line.push(Point::new(x, line.last().map_or(y, |p| p.y)));
                line.push(Point::new(x, y));
            }
            let xe = x_of(seg_end(i));
            line.push(Point::new(xe, y));
            table.push(vec![
                s.key.clone(),
                step.time.to_string(),
                number(step.surv * 100.0, 2),
                step.lower.map(|v| number(v * 100.0, 2)).unwrap_or_default(),
                step.upper.map(|v| number(v * 100.0, 2)).unwrap_or_default(),
                step.at_risk.to_string(),
                step.events.to_string(),
                step.censored.to_string(),
            ]);
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
            hits.push(HitRegion {
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
                    text_row: Some(table.rows.len() - 1),
                },
            });
        }
        line.dedup();
        front.push(Item::Polyline {
            points: line,
            stroke: Stroke::solid(s.color, 2.0),
        });
        for step in st.iter().filter(|t| t.censored > 0) {
            let (x, y) = (x_of(f64::from(step.time)), y_of(step.surv));
            front.push(Item::Line {
                from: Point::new(x, y - 4.5),
                to: Point::new(x, y + 4.5),
                stroke: Stroke::solid(s.color, 1.2),
            });
        }
        if let Some(m) = s.stats.km.median_days {
            let x = x_of(m);
            front.push(Item::Line {
                from: Point::new(x, y_of(0.5)),
                to: Point::new(x, plot_bottom),
                stroke: Stroke::dashed(s.color, 1.0, 2.0, 2.0),
            });
            front.push(Item::Marker {
                at: Point::new(x, y_of(0.5)),
                size: 9.0,
                shape: MarkerShape::Circle,
                fill: Some(palette::WHITE),
                stroke: Some(Stroke::solid(s.color, 2.0)),
            });
        }
    }
    // Groups not drawn go in the table too.
    if let Some((_, groups)) = breakdown.and_then(|b| stage.groups.get(b).map(|g| (b, g))) {
        for (key, g) in &groups.0 {
            if series.iter().any(|s| s.key == *key) {
                continue;
            }
            for step in steps(g) {
                table.push(vec![
                    key.clone(),
                    step.time.to_string(),
                    number(step.surv * 100.0, 2),
                    step.lower.map(|v| number(v * 100.0, 2)).unwrap_or_default(),
                    step.upper.map(|v| number(v * 100.0, 2)).unwrap_or_default(),
                    step.at_risk.to_string(),
                    step.events.to_string(),
                    step.censored.to_string(),
                ]);
            }
        }
    }
    for s in &series {
        table
            .notes
            .push(format!("{}: {}", s.label, legend_words(s, stage)));
    }

    // The number still waiting under the axis.
    let mut ry = plot_bottom + 60.0;
    push_text(
        &mut front,
        MARGIN,
        ry,
        "Number still waiting (at risk)",
        AXIS_SIZE,
        Weight::Bold,
        Anchor::Start,
        palette::TEXT,
    );
    for s in &series {
        ry += 17.0;
        front.push(Item::Line {
            from: Point::new(MARGIN, ry - 4.0),
            to: Point::new(MARGIN + 12.0, ry - 4.0),
            stroke: Stroke::solid(s.color, 2.5),
        });
        let label = fit(measure, &s.label, AXIS_SIZE, Weight::Regular, risk_label_w);
        push_text(
            &mut front,
            MARGIN + 16.0,
            ry,
            &label,
            AXIS_SIZE,
            Weight::Regular,
            Anchor::Start,
            palette::TEXT,
        );
        for &t in &tick_days {
            push_text(
                &mut front,
                x_of(t),
                ry,
                &thousands(at_risk(&s.steps, s.stats, t) as usize),
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::TEXT,
            );
        }
    }

    let described = series
        .iter()
        .map(|s| format!("{}: {}", s.label, legend_words(s, stage)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut all = items;
    all.extend(front);
    Layout {
        width,
        height: (ry + 16.0).ceil(),
        title,
        description: format!("{subtitle}. {described}."),
        items: all,
        hits,
        label_boxes: Vec::new(),
        date_axis: None,
        table: Some(table),
    }
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
