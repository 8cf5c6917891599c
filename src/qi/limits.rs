//! Centre lines and process limits: the mean and average moving range (AMR) of an XmR chart
//! with NHSRplotthedots' and qicharts2's moving-range screening, the moving-range chart's own
//! centre and limit, and the median of a run chart.
//!
//! This module owns the arithmetic over one segment's baseline values. It does not decide
//! which points form the baseline, nor apply any special-cause rule.

use super::config::LimitsConvention;
use serde::Serialize;

/// The moving-range upper limit factor (D4 for n = 2).
pub const MR_LIMIT: f64 = 3.267;

/// Limits of an individuals chart computed from a baseline.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct XmrLimits {
    pub centre: f64,
    pub lower: f64,
    pub upper: f64,
    pub lower_2sigma: f64,
    pub upper_2sigma: f64,
    /// The AMR the limits use (after screening, if screening is on).
    pub amr: f64,
    /// The AMR of every baseline moving range.
    pub amr_unscreened: f64,
    /// `3.267 × amr_unscreened`: the upper limit of the moving-range chart, and the screening
    /// threshold (moving ranges at or above it are screened out).
    pub mr_upper: f64,
    /// How many baseline moving ranges screening removed.
    pub screened: usize,
}

/// The XmR limits of a baseline: centre = mean; AMR = mean of the baseline's moving ranges,
/// recomputed once without those `>= 3.267 × AMR` when `screen` is on (the mean is not
/// changed); limits and 2-sigma lines from the AMR by `convention`. `None` when the baseline
/// has fewer than 2 points (no moving range).
///
/// When every moving range is zero there is nothing to screen, so a constant baseline gets
/// zero-width limits (both reference packages would divide 0 by 0 here).
pub fn xmr_limits(
    baseline: &[f64],
    screen: bool,
    convention: LimitsConvention,
) -> Option<XmrLimits> {
    if baseline.len() < 2 {
        return None;
    }
    let centre = mean(baseline)?;
    let mut sum = 0.0;
    for w in baseline.windows(2) {
        sum += (w[1] - w[0]).abs();
    }
    let count = baseline.len() - 1;
    let amr_unscreened = sum / count as f64;
    let threshold = MR_LIMIT * amr_unscreened;
    let (amr, screened) = if screen && amr_unscreened > 0.0 {
        let mut kept_sum = 0.0;
        let mut kept = 0usize;
        for w in baseline.windows(2) {
            let mr = (w[1] - w[0]).abs();
            if mr < threshold {
                kept_sum += mr;
                kept += 1;
            }
        }
        // At least the smallest moving range is below 3.267 × their mean, so `kept > 0`.
        (kept_sum / kept.max(1) as f64, count - kept)
    } else {
        (amr_unscreened, 0)
    };
    let limit = convention.limit_factor() * amr;
    let two_sigma = convention.two_sigma_factor() * amr;
    Some(XmrLimits {
        centre,
        lower: centre - limit,
        upper: centre + limit,
        lower_2sigma: centre - two_sigma,
        upper_2sigma: centre + two_sigma,
        amr,
        amr_unscreened,
        mr_upper: threshold,
        screened,
    })
}

/// The limits of a moving-range chart, as qicharts2's `qic.mr`: centre = mean of the
/// baseline's moving ranges (unscreened), upper limit 3.267 × centre, upper 2-sigma line
/// (3.267 / 3) × 2 × centre, lower limit and line 0. `None` with fewer than 2 points.
pub fn mr_limits(baseline: &[f64]) -> Option<XmrLimits> {
    if baseline.len() < 2 {
        return None;
    }
    let mrs = moving_ranges(baseline);
    let amr = mean(&mrs)?;
    Some(XmrLimits {
        centre: amr,
        lower: 0.0,
        upper: MR_LIMIT * amr,
        lower_2sigma: 0.0,
        upper_2sigma: (MR_LIMIT / 3.0) * 2.0 * amr,
        amr,
        amr_unscreened: amr,
        mr_upper: MR_LIMIT * amr,
        screened: 0,
    })
}

/// `|x_i − x_(i−1)|` for each consecutive pair (one fewer than the values).
pub fn moving_ranges(values: &[f64]) -> Vec<f64> {
    values.windows(2).map(|w| (w[1] - w[0]).abs()).collect()
}

/// The arithmetic mean, with R's second pass that corrects the rounding of the first, kept
/// within the smallest and largest value (so the mean of a constant series is that constant
/// exactly and no point of it lies off its own mean through rounding).
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let m = values.iter().sum::<f64>() / n;
    let correction = values.iter().map(|v| v - m).sum::<f64>() / n;
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    Some((m + correction).clamp(lo, hi))
}

/// The median (the mean of the two middle values for an even count), in linear time.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    let n = v.len();
    let mid = n / 2;
    let (lower, upper, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        return Some(upper);
    }
    // The largest of the lower half is the other middle value.
    let below = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some((below + upper) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn screening_leaves_a_constant_baseline_alone() {
        let l = xmr_limits(&[5.0; 4], true, LimitsConvention::Mdc).expect("limits");
        assert_eq!((l.lower, l.centre, l.upper), (5.0, 5.0, 5.0));
        assert_eq!(l.screened, 0);
    }

    #[test]
    fn the_mean_of_a_constant_is_that_constant() {
        for n in 1..50 {
            assert_eq!(mean(&vec![0.1; n]), Some(0.1), "n = {n}");
        }
    }

    #[test]
    fn one_point_has_no_limits() {
        assert_eq!(xmr_limits(&[1.0], true, LimitsConvention::Mdc), None);
        assert_eq!(mr_limits(&[1.0]), None);
    }
}
