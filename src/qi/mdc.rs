//! The Making Data Count special-cause rules over one segment of an individuals chart, as
//! NHSRplotthedots 0.2.2 computes them (`R/ptd_calculate_point_type.R`,
//! `R/ptd_spc_standard.R`), and NHS England's 2024 variant.
//!
//! This module owns the rule helpers (ported one to one, generalised by run length so the
//! 2024 rules reuse them) and the precedence that picks one special cause per point. It does
//! not compute limits and knows nothing of improvement direction. Every function is linear in
//! the number of points.
//!
//! The rules, per point:
//! - outside the limits: strictly above the upper or below the lower limit (a point exactly on
//!   a limit is inside);
//! - trend: part of `trend` points in a row each strictly higher (or lower) than the last; an
//!   equal neighbour breaks it;
//! - 2 of 3: at least 2 of 3 points in a row strictly beyond the same 2-sigma line but inside
//!   the limits (2024 rules: beyond-limit points count too), all 3 on the same side of the
//!   mean; only the close points themselves are marked;
//! - shift: part of `shift` points in a row on the same side of the mean; a point exactly on
//!   the mean breaks it.
//!
//! Precedence when several apply: outside limits > trend > 2 of 3 > shift.

use super::chart::SpecialCause;
use super::config::RuleSet;

/// Run lengths and options of a rule set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleParams {
    /// Points in a row on one side of the mean.
    pub shift: usize,
    /// Points in a row increasing or decreasing.
    pub trend: usize,
    /// Whether points beyond the limits count towards 2 of 3.
    pub two_in_three_counts_outside: bool,
}

impl RuleParams {
    /// NHSRplotthedots 0.2.2: shift 7, trend 7, 2 of 3 inside the limits.
    pub const MDC: RuleParams = RuleParams {
        shift: 7,
        trend: 7,
        two_in_three_counts_outside: false,
    };
    /// NHS England 2024 (SQL v2.6): shift 6, trend 6, beyond-limit points count in 2 of 3.
    pub const NHSE_2024: RuleParams = RuleParams {
        shift: 6,
        trend: 6,
        two_in_three_counts_outside: true,
    };

    /// The parameters of a Making Data Count rule set; `None` for the run-chart rule sets.
    pub fn of(rules: RuleSet) -> Option<RuleParams> {
        match rules {
            RuleSet::Mdc => Some(RuleParams::MDC),
            RuleSet::Nhse2024 => Some(RuleParams::NHSE_2024),
            RuleSet::Anhoej | RuleSet::Ihi => None,
        }
    }
}

/// The limits the rules compare against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleLimits {
    pub mean: f64,
    pub lower: f64,
    pub upper: f64,
    pub lower_2sigma: f64,
    pub upper_2sigma: f64,
}

/// The special cause of each point of one segment under a Making Data Count rule set.
pub fn special_causes(
    y: &[f64],
    limits: &RuleLimits,
    params: RuleParams,
) -> Vec<Option<SpecialCause>> {
    let rtm = relative_to_mean(y, limits.mean);
    let outside = outside_limits(y, limits.lower, limits.upper);
    let close = if params.two_in_three_counts_outside {
        beyond_2sigma(y, limits.lower_2sigma, limits.upper_2sigma)
    } else {
        close_to_limits(y, limits.lower_2sigma, limits.upper_2sigma, &outside)
    };
    let part_trend = part_of_run(&monotone_run(y, params.trend), params.trend);
    let part_two_in_three = part_of_two_in_three(&two_in_three(&close, &rtm), &close);
    let part_shift = part_of_run(&run_one_side(&rtm, params.shift), params.shift);
    special_cause_type(
        y,
        &rtm,
        &outside,
        &part_trend,
        &part_two_in_three,
        &part_shift,
    )
}

/// `sign(y − mean)` for each point: +1 above, −1 below, 0 on the mean.
pub fn relative_to_mean(y: &[f64], mean: f64) -> Vec<i8> {
    y.iter().map(|v| sign(v - mean)).collect()
}

/// `y > upper || y < lower` for each point.
pub fn outside_limits(y: &[f64], lower: f64, upper: f64) -> Vec<bool> {
    y.iter().map(|&v| v > upper || v < lower).collect()
}

/// Inside the limits but strictly beyond a 2-sigma line (NHSRplotthedots' `close_to_limits`).
pub fn close_to_limits(
    y: &[f64],
    lower_2sigma: f64,
    upper_2sigma: f64,
    outside: &[bool],
) -> Vec<bool> {
    y.iter()
        .zip(outside)
        .map(|(&v, &out)| !out && (v < lower_2sigma || v > upper_2sigma))
        .collect()
}

/// Strictly beyond a 2-sigma line, whether inside the limits or not (the 2024 rules).
pub fn beyond_2sigma(y: &[f64], lower_2sigma: f64, upper_2sigma: f64) -> Vec<bool> {
    y.iter()
        .map(|&v| v < lower_2sigma || v > upper_2sigma)
        .collect()
}

/// For each point, whether it ends `len` points in a row on the same side of the mean
/// (`ptd_seven_point_one_side_mean` with 7 generalised to `len`).
pub fn run_one_side(rtm: &[i8], len: usize) -> Vec<bool> {
    let mut out = Vec::with_capacity(rtm.len());
    let mut count = 0usize;
    let mut prev = 0i8;
    for &r in rtm {
        count = if r != 0 && r == prev { count + 1 } else { 1 };
        prev = r;
        out.push(r != 0 && len > 0 && count >= len);
    }
    out
}

/// For each point, +1 if it ends `len` points in a row each higher than the last, −1 if each
/// lower, else 0 (`ptd_seven_point_trend` generalised). Shorter series give all zeros.
pub fn monotone_run(y: &[f64], len: usize) -> Vec<i8> {
    let mut out = vec![0i8; y.len()];
    if len == 0 || y.len() < len {
        return out;
    }
    // The number of consecutive same-signed differences ending at each point.
    let mut count = 0usize;
    let mut prev = 0i8;
    for i in 1..y.len() {
        let d = sign(y[i] - y[i - 1]);
        count = if d != 0 && d == prev { count + 1 } else { 1 };
        prev = d;
        if d != 0 && count + 1 >= len {
            out[i] = d;
        }
    }
    out
}

/// For each point, whether any of it and the next `len − 1` points is flagged (non-zero, or
/// `true`): the point belongs to a run of `len` that ends at a flagged point
/// (`ptd_part_of_seven_trend`).
pub fn part_of_run<F: Flag>(flags: &[F], len: usize) -> Vec<bool> {
    let mut out = vec![false; flags.len()];
    if len == 0 {
        return out;
    }
    // Scan backwards, remembering the nearest flagged point at or after each index.
    let mut next_flag: Option<usize> = None;
    for (i, (flag, o)) in flags.iter().zip(out.iter_mut()).enumerate().rev() {
        if flag.is_set() {
            next_flag = Some(i);
        }
        *o = next_flag.is_some_and(|j| j - i < len);
    }
    out
}

/// A rule flag: `true`, or a non-zero direction (±1).
pub trait Flag: Copy {
    fn is_set(self) -> bool;
}

impl Flag for bool {
    fn is_set(self) -> bool {
        self
    }
}

impl Flag for i8 {
    fn is_set(self) -> bool {
        self != 0
    }
}

/// `ptd_two_in_three`: every point of any window of 3 consecutive points with at least 2
/// close points and all 3 on the same side of the mean.
pub fn two_in_three(close: &[bool], rtm: &[i8]) -> Vec<bool> {
    let n = close.len().min(rtm.len());
    let mut out = vec![false; n];
    for (j, (c, r)) in close.windows(3).zip(rtm.windows(3)).enumerate() {
        let close_count = u8::from(c[0]) + u8::from(c[1]) + u8::from(c[2]);
        let side = i16::from(r[0]) + i16::from(r[1]) + i16::from(r[2]);
        if close_count >= 2 && side.abs() == 3 {
            out[j..j + 3].fill(true);
        }
    }
    out
}

/// `ptd_part_of_two_in_three`: of the points `two_in_three` marked, the close ones.
pub fn part_of_two_in_three(marks: &[bool], close: &[bool]) -> Vec<bool> {
    marks.iter().zip(close).map(|(m, c)| *m && *c).collect()
}

/// `ptd_special_cause_type`: one special cause per point by precedence, from the rule
/// vectors. A trend point takes the direction of the step to the next point when that point
/// is part of a trend too (the turning point belongs to the later trend), else of the step
/// from the previous point; where the step to the next point is flat, the step from the
/// previous point is used (NHSRplotthedots would call a flat step "decreasing").
pub fn special_cause_type(
    y: &[f64],
    rtm: &[i8],
    outside: &[bool],
    part_trend: &[bool],
    part_two_in_three: &[bool],
    part_shift: &[bool],
) -> Vec<Option<SpecialCause>> {
    let n = y.len();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let above = rtm.get(i).copied().unwrap_or(0) > 0;
        let at = |v: &[bool]| v.get(i).copied().unwrap_or(false);
        let cause = if at(outside) {
            Some(if above {
                SpecialCause::AboveUpper
            } else {
                SpecialCause::BelowLower
            })
        } else if at(part_trend) {
            let right = if i + 1 < n && at_index(part_trend, i + 1) {
                sign(y[i + 1] - y[i])
            } else {
                0
            };
            let step = if right != 0 {
                right
            } else if i > 0 {
                sign(y[i] - y[i - 1])
            } else {
                0
            };
            Some(if step == 1 {
                SpecialCause::TrendUp
            } else {
                SpecialCause::TrendDown
            })
        } else if at(part_two_in_three) {
            Some(if above {
                SpecialCause::TwoInThreeAbove
            } else {
                SpecialCause::TwoInThreeBelow
            })
        } else if at(part_shift) {
            Some(if above {
                SpecialCause::ShiftAbove
            } else {
                SpecialCause::ShiftBelow
            })
        } else {
            None
        };
        out.push(cause);
    }
    out
}

fn at_index(v: &[bool], i: usize) -> bool {
    v.get(i).copied().unwrap_or(false)
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}
