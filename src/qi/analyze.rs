//! Lays out a chart: orders the series, splits it into segments at rebase dates, computes each
//! segment's centre and limits from its baseline, applies the rule set, reads the signals with
//! the improvement direction, and sets the icons and annotations.
//!
//! This module owns the orchestration only; the arithmetic is in `limits`, the runs rules in
//! `runs`, the Making Data Count rules in `mdc`. It never panics on user data: every problem
//! becomes a [`QiError`]. Time and memory are linear in the number of points (plus a sort when
//! the input is not already in date order).

use super::chart::{
    AssuranceIcon, Icons, Lines, PlacedAnnotation, Point, Segment, SpcChart, SpecialCause,
    Variation, VariationIcon,
};
use super::config::{ChartKind, Direction, RuleSet, SpcConfig};
use super::error::QiError;
use super::limits::{self, XmrLimits};
use super::mdc::{self, RuleLimits, RuleParams};
use super::runs::{self, RunsAnalysis};
use chrono::NaiveDate;

/// Fewer baseline points than this make the limits provisional (Making Data Count).
pub const FIRM_LIMITS_POINTS: usize = 12;

/// The exponent of the T chart's transform (Nelson 1994): t^(1/3.6) is close to normal for
/// exponentially distributed times.
pub const T_EXPONENT: f64 = 3.6;

/// Lays out a chart of dated values. Points are put in date order (a stable sort, so points on
/// the same date keep their input order).
pub fn analyze(points: &[(NaiveDate, f64)], config: &SpcConfig) -> Result<SpcChart, QiError> {
    let mut sorted = true;
    let mut previous: Option<NaiveDate> = None;
    for (index, &(date, value)) in points.iter().enumerate() {
        check_value(index, Some(date), value, config.chart)?;
        sorted &= previous.is_none_or(|p| p <= date);
        previous = Some(date);
    }
    let (dates, values): (Vec<NaiveDate>, Vec<f64>) = if sorted {
        points.iter().copied().unzip()
    } else {
        let mut order: Vec<usize> = (0..points.len()).collect();
        crate::sort::stable_by_key(&mut order, |&i| points[i].0);
        order.iter().map(|&i| points[i]).unzip()
    };
    build(Some(&dates), &values, config)
}

/// Lays out a chart of values in the order given, without dates (rebase dates cannot be used;
/// annotations are carried but placed at no point).
pub fn analyze_values(values: &[f64], config: &SpcConfig) -> Result<SpcChart, QiError> {
    for (index, value) in values.iter().enumerate() {
        check_value(index, None, *value, config.chart)?;
    }
    build(None, values, config)
}

fn check_value(
    index: usize,
    date: Option<NaiveDate>,
    value: f64,
    chart: ChartKind,
) -> Result<(), QiError> {
    if !value.is_finite() {
        return Err(QiError::NonFinite { index, date });
    }
    if chart == ChartKind::T && value <= 0.0 {
        return Err(QiError::NonPositiveDuration { index, date, value });
    }
    Ok(())
}

fn build(
    dates: Option<&[NaiveDate]>,
    values: &[f64],
    config: &SpcConfig,
) -> Result<SpcChart, QiError> {
    let rules = config.resolved_rules();
    validate(config, rules, dates.is_some())?;
    if values.is_empty() {
        return Err(QiError::Empty);
    }
    let bounds = segment_bounds(dates, &config.rebase, values.len());
    // An MR chart's signals are read as neutral: a large moving range is neither better nor
    // worse in itself.
    let direction = match config.chart {
        ChartKind::Mr => Direction::Neutral,
        _ => config.direction,
    };
    let mut out = Layout::with_capacity(values.len(), direction);
    for &(start, end) in &bounds {
        let seg = Seg {
            start,
            values: &values[start..end],
            dates: dates.map(|d| &d[start..end]),
        };
        match config.chart {
            ChartKind::Run => run_segment(&seg, config, rules, &mut out)?,
            ChartKind::Xmr | ChartKind::T => xmr_segment(&seg, config, rules, &mut out)?,
            ChartKind::Mr => mr_segment(&seg, config, &mut out)?,
        }
    }
    let last = out.segments.last();
    let icons = Icons {
        variation: out
            .points
            .last()
            .map(|p| variation_icon(p.variation, config.direction)),
        assurance: match config.chart {
            ChartKind::Xmr | ChartKind::T => {
                last.and_then(|s| assurance(config.target, config.direction, s))
            }
            ChartKind::Run | ChartKind::Mr => None,
        },
    };
    let annotations = place_annotations(config, &out.points);
    Ok(SpcChart {
        chart: config.chart,
        rules,
        limits_convention: match config.chart {
            ChartKind::Run => None,
            ChartKind::Mr => None,
            ChartKind::Xmr | ChartKind::T => Some(rules.limits_convention()),
        },
        direction: config.direction,
        screen: config.screen,
        baseline: config.baseline,
        target: config.target,
        runs: last.and_then(|s| s.runs.clone()),
        provisional: last.is_some_and(|s| s.provisional),
        points: out.points,
        segments: out.segments,
        icons,
        annotations,
    })
}

fn validate(config: &SpcConfig, rules: RuleSet, has_dates: bool) -> Result<(), QiError> {
    if let Some(target) = config.target {
        if !target.is_finite() {
            return Err(QiError::InvalidTarget { target });
        }
    }
    let needed = match config.chart {
        ChartKind::Run => 1,
        ChartKind::Xmr | ChartKind::Mr | ChartKind::T => 2,
    };
    if let Some(baseline) = config.baseline {
        if baseline < needed {
            return Err(QiError::InvalidBaseline { baseline, needed });
        }
    }
    if config.chart == ChartKind::Run && matches!(rules, RuleSet::Mdc | RuleSet::Nhse2024) {
        return Err(QiError::RulesNotForChart {
            rules: rules.as_str(),
            chart: config.chart.as_str(),
            allowed: "anhoej or ihi",
        });
    }
    if !has_dates && !config.rebase.is_empty() {
        return Err(QiError::RebaseWithoutDates);
    }
    Ok(())
}

/// Half-open `[start, end)` index ranges of the segments: a new segment starts at the first
/// point dated on or after each rebase date, unless that is the first point or there is none.
fn segment_bounds(
    dates: Option<&[NaiveDate]>,
    rebase: &[NaiveDate],
    n: usize,
) -> Vec<(usize, usize)> {
    let mut starts: Vec<usize> = vec![0];
    if let Some(dates) = dates {
        let mut cuts: Vec<usize> = rebase
            .iter()
            .map(|r| dates.partition_point(|d| d < r))
            .filter(|&i| i > 0 && i < n)
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        starts.extend(cuts);
    }
    let mut bounds = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(n);
        bounds.push((s, e));
    }
    bounds
}

/// One segment of the input.
struct Seg<'a> {
    /// Index of its first value in the whole series.
    start: usize,
    values: &'a [f64],
    dates: Option<&'a [NaiveDate]>,
}

impl Seg<'_> {
    fn start_date(&self) -> Option<NaiveDate> {
        self.dates.and_then(|d| d.first().copied())
    }

    fn date(&self, i: usize) -> Option<NaiveDate> {
        self.dates.and_then(|d| d.get(i).copied())
    }

    fn baseline_len(&self, config: &SpcConfig) -> usize {
        config
            .baseline
            .map_or(self.values.len(), |b| b.min(self.values.len()))
    }

    fn too_few(&self, needed: usize, got: usize) -> QiError {
        QiError::TooFewPoints {
            segment_start: self.start_date(),
            needed,
            got,
        }
    }
}

/// The chart under construction.
struct Layout {
    points: Vec<Point>,
    segments: Vec<Segment>,
    /// The direction signals are read with.
    direction: Direction,
}

impl Layout {
    fn with_capacity(n: usize, direction: Direction) -> Self {
        Layout {
            points: Vec::with_capacity(n),
            segments: Vec::new(),
            direction,
        }
    }

    /// Adds a point of the segment about to be pushed.
    fn push_point(&mut self, draft: Draft) {
        self.points.push(Point {
            date: draft.date,
            value: draft.value,
            special_cause: draft.cause,
            variation: Variation::of(draft.cause, self.direction),
            segment: self.segments.len(),
            baseline: draft.baseline,
            moving_range: draft.moving_range,
            screened: draft.screened,
        });
    }
}

/// What a segment function knows about one of its points.
struct Draft {
    date: Option<NaiveDate>,
    value: f64,
    cause: Option<SpecialCause>,
    baseline: bool,
    moving_range: Option<f64>,
    screened: bool,
}

fn run_segment(
    seg: &Seg<'_>,
    config: &SpcConfig,
    rules: RuleSet,
    out: &mut Layout,
) -> Result<(), QiError> {
    let base_len = seg.baseline_len(config);
    let centre = limits::median(&seg.values[..base_len]).ok_or_else(|| seg.too_few(1, 0))?;
    let runs = runs_of(seg.values, centre, rules);
    let causes = runs_causes(seg.values, &runs, rules, centre);
    let first_point = out.points.len();
    for (i, (&value, cause)) in seg.values.iter().zip(causes).enumerate() {
        out.push_point(Draft {
            date: seg.date(i),
            value,
            cause,
            baseline: i < base_len,
            moving_range: None,
            screened: false,
        });
    }
    out.segments.push(Segment {
        start: first_point,
        end: out.points.len() - 1,
        start_date: seg.start_date(),
        baseline_points: base_len,
        provisional: base_len < FIRM_LIMITS_POINTS,
        lines: Lines {
            centre,
            lower: None,
            upper: None,
            lower_2sigma: None,
            upper_2sigma: None,
        },
        amr: None,
        amr_unscreened: None,
        mr_upper: None,
        screened_moving_ranges: 0,
        runs: Some(shift_runs(runs, seg.start)),
    });
    Ok(())
}

fn xmr_segment(
    seg: &Seg<'_>,
    config: &SpcConfig,
    rules: RuleSet,
    out: &mut Layout,
) -> Result<(), QiError> {
    let t_chart = config.chart == ChartKind::T;
    // A T chart works on t^(1/3.6); the values were checked to be positive.
    let transformed: Vec<f64>;
    let y: &[f64] = if t_chart {
        transformed = seg
            .values
            .iter()
            .map(|&v| libm::pow(v, 1.0 / T_EXPONENT))
            .collect();
        &transformed
    } else {
        seg.values
    };
    let base_len = seg.baseline_len(config);
    let convention = rules.limits_convention();
    let lim = limits::xmr_limits(&y[..base_len], config.screen, convention)
        .ok_or_else(|| seg.too_few(2, base_len))?;
    let rule_limits = RuleLimits {
        mean: lim.centre,
        lower: lim.lower,
        upper: lim.upper,
        lower_2sigma: lim.lower_2sigma,
        upper_2sigma: lim.upper_2sigma,
    };
    let (causes, runs) = match RuleParams::of(rules) {
        // The Making Data Count rules have their own shift rule; the Anhøj runs analysis is
        // still reported around the centre line, as qicharts2 does for every chart.
        Some(params) => (
            mdc::special_causes(y, &rule_limits, params),
            Some(shift_runs(runs::anhoej(y, lim.centre), seg.start)),
        ),
        None => {
            let runs = runs_of(y, lim.centre, rules);
            let mut causes = runs_causes(y, &runs, rules, lim.centre);
            // Points outside the limits (qicharts2's sigma signal, strict) take precedence.
            for (cause, &v) in causes.iter_mut().zip(y) {
                if v > lim.upper {
                    *cause = Some(SpecialCause::AboveUpper);
                } else if v < lim.lower {
                    *cause = Some(SpecialCause::BelowLower);
                }
            }
            (causes, Some(shift_runs(runs, seg.start)))
        }
    };
    let lines = if t_chart {
        back_transform(&lim)
    } else {
        plain_lines(&lim)
    };
    let screening = config.screen && lim.amr_unscreened > 0.0;
    let first_point = out.points.len();
    for (i, (&value, cause)) in seg.values.iter().zip(causes).enumerate() {
        let moving_range = (i > 0).then(|| (y[i] - y[i - 1]).abs());
        let in_baseline = i < base_len;
        out.push_point(Draft {
            date: seg.date(i),
            value,
            cause,
            baseline: in_baseline,
            moving_range,
            screened: screening && in_baseline && moving_range.is_some_and(|m| m >= lim.mr_upper),
        });
    }
    out.segments.push(Segment {
        start: first_point,
        end: out.points.len() - 1,
        start_date: seg.start_date(),
        baseline_points: base_len,
        provisional: base_len < FIRM_LIMITS_POINTS,
        lines,
        amr: Some(lim.amr),
        amr_unscreened: Some(lim.amr_unscreened),
        mr_upper: Some(lim.mr_upper),
        screened_moving_ranges: lim.screened,
        runs,
    });
    Ok(())
}

fn mr_segment(seg: &Seg<'_>, config: &SpcConfig, out: &mut Layout) -> Result<(), QiError> {
    let base_len = seg.baseline_len(config);
    let lim = limits::mr_limits(&seg.values[..base_len]).ok_or_else(|| seg.too_few(2, base_len))?;
    let first_point = out.points.len();
    for i in 1..seg.values.len() {
        let mr = (seg.values[i] - seg.values[i - 1]).abs();
        out.push_point(Draft {
            date: seg.date(i),
            value: mr,
            cause: (mr > lim.upper).then_some(SpecialCause::AboveUpper),
            baseline: i < base_len,
            moving_range: None,
            screened: false,
        });
    }
    out.segments.push(Segment {
        start: first_point,
        end: out.points.len() - 1,
        start_date: seg.start_date(),
        baseline_points: base_len,
        provisional: base_len < FIRM_LIMITS_POINTS,
        lines: plain_lines(&lim),
        amr: Some(lim.amr),
        amr_unscreened: Some(lim.amr_unscreened),
        mr_upper: Some(lim.mr_upper),
        screened_moving_ranges: 0,
        runs: None,
    });
    Ok(())
}

/// The lines of computed limits, drawn as they are.
fn plain_lines(lim: &XmrLimits) -> Lines {
    Lines {
        centre: lim.centre,
        lower: Some(lim.lower),
        upper: Some(lim.upper),
        lower_2sigma: Some(lim.lower_2sigma),
        upper_2sigma: Some(lim.upper_2sigma),
    }
}

/// Back-transforms T-chart lines with ^3.6, as qicharts2's `qic.t`: a negative lower limit
/// becomes 0; a negative lower 2-sigma line has no back-transform and is left out (qicharts2
/// drops it too).
fn back_transform(lim: &XmrLimits) -> Lines {
    let up = |v: f64| libm::pow(v, T_EXPONENT);
    Lines {
        centre: up(lim.centre),
        lower: Some(if lim.lower < 0.0 { 0.0 } else { up(lim.lower) }),
        upper: Some(up(lim.upper)),
        lower_2sigma: (lim.lower_2sigma >= 0.0).then(|| up(lim.lower_2sigma)),
        upper_2sigma: Some(up(lim.upper_2sigma)),
    }
}

fn runs_of(values: &[f64], centre: f64, rules: RuleSet) -> RunsAnalysis {
    match rules {
        RuleSet::Ihi => runs::ihi(values, centre),
        _ => runs::anhoej(values, centre),
    }
}

/// Per-point special causes from a runs analysis: the points of every run longer than its
/// limit are a shift (for IHI with the points on the centre line that `runchart` carries in
/// the shift), and, for IHI, the points of every trend are a trend, which takes precedence;
/// where two trends share a turning point, the later one labels it.
fn runs_causes(
    values: &[f64],
    runs: &RunsAnalysis,
    rules: RuleSet,
    centre: f64,
) -> Vec<Option<SpecialCause>> {
    let mut causes: Vec<Option<SpecialCause>> = vec![None; values.len()];
    let shift = |side: i8| {
        if side > 0 {
            SpecialCause::ShiftAbove
        } else {
            SpecialCause::ShiftBelow
        }
    };
    if rules == RuleSet::Ihi {
        // Each flagged index belongs to the last long run starting at or before it.
        let flagged = runs::ihi_shift(values, centre, runs::IHI_SHIFT);
        let mut k = 0;
        for i in flagged {
            while k + 1 < runs.long_runs.len() && runs.long_runs[k + 1].start <= i {
                k += 1;
            }
            if let Some(run) = runs.long_runs.get(k) {
                causes[i] = Some(shift(run.side));
            }
        }
        for trend in &runs.trends {
            let cause = if trend.direction > 0 {
                SpecialCause::TrendUp
            } else {
                SpecialCause::TrendDown
            };
            for &i in &trend.indices {
                causes[i] = Some(cause);
            }
        }
    } else {
        for run in &runs.long_runs {
            for i in run.start..=run.end {
                let v = values[i];
                let side = if v > centre {
                    1
                } else if v < centre {
                    -1
                } else {
                    0
                };
                if side == run.side {
                    causes[i] = Some(shift(run.side));
                }
            }
        }
    }
    causes
}

/// Moves a segment's runs analysis from segment-relative to chart-wide point indices.
fn shift_runs(mut runs: RunsAnalysis, offset: usize) -> RunsAnalysis {
    if let Some(at) = runs.longest_run_at.as_mut() {
        at.start += offset;
        at.end += offset;
    }
    for r in &mut runs.long_runs {
        r.start += offset;
        r.end += offset;
    }
    for t in &mut runs.trends {
        for i in &mut t.indices {
            *i += offset;
        }
    }
    runs
}

/// The Making Data Count variation icon of the most recent point.
fn variation_icon(variation: Variation, direction: Direction) -> VariationIcon {
    match (variation, direction) {
        (Variation::Common, _) => VariationIcon::CommonCause,
        (Variation::NeutralHigh, _) => VariationIcon::NeutralHigh,
        (Variation::NeutralLow, _) => VariationIcon::NeutralLow,
        (Variation::Improvement, Direction::Higher) => VariationIcon::ImprovementHigh,
        (Variation::Improvement, _) => VariationIcon::ImprovementLow,
        (Variation::Concern, Direction::Higher) => VariationIcon::ConcernLow,
        (Variation::Concern, _) => VariationIcon::ConcernHigh,
    }
}

/// The assurance icon against the most recent segment's process limits.
fn assurance(target: Option<f64>, direction: Direction, seg: &Segment) -> Option<AssuranceIcon> {
    let target = target?;
    let (lower, upper) = (seg.lines.lower?, seg.lines.upper?);
    let higher_better = match direction {
        Direction::Neutral => return None,
        Direction::Higher => true,
        Direction::Lower => false,
    };
    Some(if target > upper {
        if higher_better {
            AssuranceIcon::ConsistentFail
        } else {
            AssuranceIcon::ConsistentPass
        }
    } else if target < lower {
        if higher_better {
            AssuranceIcon::ConsistentPass
        } else {
            AssuranceIcon::ConsistentFail
        }
    } else {
        AssuranceIcon::HitAndMiss
    })
}

fn place_annotations(config: &SpcConfig, points: &[Point]) -> Vec<PlacedAnnotation> {
    let mut placed: Vec<PlacedAnnotation> = config.annotations.iter().map(Into::into).collect();
    crate::sort::stable_by_key(&mut placed, |a| a.date);
    let dated = points.iter().all(|p| p.date.is_some());
    if dated {
        for a in &mut placed {
            let i = points.partition_point(|p| p.date.is_some_and(|d| d < a.date));
            a.point = (i < points.len()).then_some(i);
        }
    }
    placed
}
