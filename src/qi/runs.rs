//! Runs analysis of points around a centre line: Anhøj's rules as qicharts2 computes them, and
//! the IHI shift and trend rules as the R package `runchart` (jsphdms) computes them.
//!
//! This module owns the run-chart statistics over plain slices of values. It does not choose
//! the centre line (the caller passes it) and knows nothing about dates or segments. Every
//! function is linear in the number of points. NaN values are treated as missing (R's `NA`):
//! they neither count nor break a run.

use super::binom;
use serde::Serialize;

/// An inclusive range of point indices (0-based, into the points of the chart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IndexRange {
    pub start: usize,
    pub end: usize,
}

/// A rule of a runs analysis that can fire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunsRule {
    /// Anhøj: the longest run is longer than its limit.
    LongestRun,
    /// Anhøj: fewer crossings than their minimum.
    Crossings,
    /// IHI: 6 or more useful points in a row on one side of the median.
    Shift,
    /// IHI: 5 or more points in a row all going up or all going down.
    Trend,
}

/// The figures of a runs analysis, as qicharts2 reports them, plus where the runs lie.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunsAnalysis {
    /// The number of points analysed.
    pub n_obs: usize,
    /// Points not on the centre line (and not missing).
    pub n_useful: usize,
    /// The length of the longest run of useful points on one side of the centre line.
    pub longest_run: Option<usize>,
    /// A run longer than this signals (Anhøj: `round(log2(n_useful)) + 3`; IHI: 5, so that a
    /// run of 6 signals).
    pub longest_run_max: Option<usize>,
    /// The number of times the useful points cross the centre line.
    pub crossings: Option<usize>,
    /// Fewer crossings than this signal (Anhøj: `qbinom(0.05, n_useful - 1, 0.5)`; not an IHI
    /// rule, so `None` under IHI).
    pub crossings_min: Option<usize>,
    /// Whether any rule fired.
    pub signal: bool,
    /// The rules that fired, in the order longest run, crossings, shift, trend.
    pub fired: Vec<RunsRule>,
    /// Where the (first) longest run lies: from its first to its last useful point.
    pub longest_run_at: Option<IndexRange>,
    /// Every run longer than `longest_run_max`, from first to last useful point, with its
    /// side (+1 above, −1 below the centre line).
    pub long_runs: Vec<SidedRange>,
    /// IHI only: the trends found (each a sorted list of point indices), with direction.
    pub trends: Vec<Trend>,
}

/// A range of points on one side of the centre line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SidedRange {
    pub start: usize,
    pub end: usize,
    /// +1 above the centre line, −1 below.
    pub side: i8,
    /// The number of useful points in the run.
    pub length: usize,
}

/// An IHI trend: the indices it flags and its direction (+1 up, −1 down).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trend {
    pub indices: Vec<usize>,
    pub direction: i8,
}

/// `round(log2(n)) + 3`, the Anhøj longest-run limit (Schilling 2012).
pub fn longest_run_max(n_useful: usize) -> usize {
    if n_useful == 0 {
        return 3;
    }
    // log2(n) is never exactly x.5 for whole n, so half-way rounding rules do not matter.
    libm::round(libm::log2(n_useful as f64)) as usize + 3
}

/// `qbinom(0.05, n_useful - 1, 0.5)`, the Anhøj minimum number of crossings (Chen 2010).
pub fn crossings_min(n_useful: usize) -> usize {
    binom::crossings_min(n_useful.saturating_sub(1) as u64) as usize
}

/// Anhøj's runs analysis of `values` around `centre`, as qicharts2's `runs.analysis`: points
/// exactly on the centre line (and NaN) are dropped, a run longer than
/// `round(log2(n_useful)) + 3` or fewer than `qbinom(0.05, n_useful - 1, 0.5)` crossings
/// signal (strictly: a run equal to the limit, or crossings equal to the minimum, do not).
pub fn anhoej(values: &[f64], centre: f64) -> RunsAnalysis {
    let runs = useful_runs(values, centre, longest_run_max);
    let n_useful = runs.n_useful;
    if n_useful == 0 {
        return RunsAnalysis::empty(values.len());
    }
    let max = runs.max;
    let min = crossings_min(n_useful);
    let mut fired = Vec::new();
    if runs.longest > max {
        fired.push(RunsRule::LongestRun);
    }
    if runs.crossings < min {
        fired.push(RunsRule::Crossings);
    }
    RunsAnalysis {
        n_obs: values.len(),
        n_useful,
        longest_run: Some(runs.longest),
        longest_run_max: Some(max),
        crossings: Some(runs.crossings),
        crossings_min: Some(min),
        signal: !fired.is_empty(),
        fired,
        longest_run_at: runs.longest_at,
        long_runs: runs.long_runs,
        trends: Vec::new(),
    }
}

/// The IHI run-chart rules: a shift (6 or more useful points in a row on one side of
/// `centre`) and a trend (5 or more points in a row going the same way), as `runchart`'s
/// `basic_shift` and `basic_trend`. The longest run and crossings are reported too; the
/// longest-run limit is 5 (a run of 6 is a shift) and there is no crossings rule.
pub fn ihi(values: &[f64], centre: f64) -> RunsAnalysis {
    let runs = useful_runs(values, centre, |_| IHI_SHIFT - 1);
    let trends = ihi_trends(values, IHI_TREND);
    if runs.n_useful == 0 {
        let mut empty = RunsAnalysis::empty(values.len());
        empty.signal = !trends.is_empty();
        if empty.signal {
            empty.fired.push(RunsRule::Trend);
        }
        empty.trends = trends;
        return empty;
    }
    let max = runs.max;
    let mut fired = Vec::new();
    if runs.longest > max {
        fired.push(RunsRule::Shift);
    }
    if !trends.is_empty() {
        fired.push(RunsRule::Trend);
    }
    RunsAnalysis {
        n_obs: values.len(),
        n_useful: runs.n_useful,
        longest_run: Some(runs.longest),
        longest_run_max: Some(max),
        crossings: Some(runs.crossings),
        crossings_min: None,
        signal: !fired.is_empty(),
        fired,
        longest_run_at: runs.longest_at,
        long_runs: runs.long_runs,
        trends,
    }
}

/// The IHI shift length.
pub const IHI_SHIFT: usize = 6;
/// The IHI trend length.
pub const IHI_TREND: usize = 5;

/// The indices `runchart::basic_shift(base, val, trigger)` flags: every run of at least
/// `trigger` useful points on one side of `base`, together with the points exactly on `base`
/// that follow the run's first point up to the next point on the other side (or the end).
/// Missing points (NaN) are never flagged. Sorted, 0-based.
pub fn ihi_shift(values: &[f64], base: f64, trigger: usize) -> Vec<usize> {
    let mut flagged = Vec::new();
    let useful = values.iter().filter(|v| !v.is_nan() && **v != base).count();
    if useful < trigger || trigger == 0 {
        return flagged;
    }
    // The current run: its side, its useful points, and the on-base points since its start.
    let mut side = 0i8;
    let mut run: Vec<usize> = Vec::new();
    let mut on_base: Vec<usize> = Vec::new();
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            continue;
        }
        if side == 0 {
            // Before the first useful point nothing is collected.
            if v != base {
                side = sign(v - base);
                run.push(i);
            }
            continue;
        }
        if v == base {
            on_base.push(i);
        } else if sign(v - base) == side {
            run.push(i);
        } else {
            if run.len() >= trigger {
                flagged.extend_from_slice(&run);
                flagged.extend_from_slice(&on_base);
            }
            run.clear();
            on_base.clear();
            run.push(i);
            side = -side;
        }
    }
    if run.len() >= trigger {
        flagged.extend_from_slice(&run);
        flagged.extend_from_slice(&on_base);
    }
    flagged.sort_unstable();
    flagged.dedup();
    flagged
}

/// The trends `runchart::basic_trend(val, trigger)` finds: runs of at least `trigger` points
/// each higher (or each lower) than the last, where a point equal to the last trend point
/// neither counts nor breaks the trend but is carried inside it, and the turning point belongs
/// to both adjacent trends. Needs at least `trigger` distinct values. Missing points (NaN) are
/// skipped and never flagged. Indices are 0-based.
pub fn ihi_trends(values: &[f64], trigger: usize) -> Vec<Trend> {
    let mut trends = Vec::new();
    if trigger == 0 || !distinct_at_least(values, trigger) {
        return trends;
    }
    let Some(start) = values.iter().position(|v| !v.is_nan()) else {
        return trends;
    };
    let first = values[start];
    // The first point that differs from the first value, and the last point before it that
    // differs from it (the last repeat of the first value).
    let Some(second) = values.iter().position(|v| !v.is_nan() && *v != first) else {
        return trends;
    };
    let Some(before) = values[..second]
        .iter()
        .rposition(|v| !v.is_nan() && *v != values[second])
    else {
        return trends;
    };
    let mut trend: Vec<usize> = vec![before, second];
    let mut direction = sign(values[second] - values[before]);
    let mut equal: Vec<usize> = Vec::new();
    for (i, &v) in values.iter().enumerate().skip(second + 1) {
        if v.is_nan() {
            continue;
        }
        let last = trend[trend.len() - 1];
        let last_value = values[last];
        if v == last_value {
            equal.push(i);
        } else if sign(v - last_value) == direction {
            trend.push(i);
        } else {
            if trend.len() >= trigger {
                trends.push(collect_trend(&trend, &equal, direction));
            }
            trend.clear();
            trend.push(last);
            trend.push(i);
            equal.retain(|&e| e > last);
            direction = -direction;
        }
    }
    if trend.len() >= trigger {
        let lo = trend[0];
        equal.retain(|&e| e > lo);
        trends.push(collect_trend(&trend, &equal, direction));
    }
    trends
}

impl RunsAnalysis {
    fn empty(n_obs: usize) -> Self {
        RunsAnalysis {
            n_obs,
            n_useful: 0,
            longest_run: None,
            longest_run_max: None,
            crossings: None,
            crossings_min: None,
            signal: false,
            fired: Vec::new(),
            longest_run_at: None,
            long_runs: Vec::new(),
            trends: Vec::new(),
        }
    }
}

/// The runs of useful points around a centre line.
struct UsefulRuns {
    n_useful: usize,
    /// The longest-run limit the long runs were selected with.
    max: usize,
    longest: usize,
    crossings: usize,
    longest_at: Option<IndexRange>,
    /// The runs longer than `max`.
    long_runs: Vec<SidedRange>,
}

/// Splits the useful points (not NaN, not on `centre`) into runs on one side of the centre,
/// keeping only the figures and the runs longer than `limit(n_useful)`: two passes, no
/// allocation per run.
fn useful_runs(values: &[f64], centre: f64, limit: impl Fn(usize) -> usize) -> UsefulRuns {
    let side_of = |v: f64| if v.is_nan() { 0 } else { sign(v - centre) };
    let n_useful = values.iter().filter(|v| side_of(**v) != 0).count();
    let max = limit(n_useful);
    let mut out = UsefulRuns {
        n_useful,
        max,
        longest: 0,
        crossings: 0,
        longest_at: None,
        long_runs: Vec::new(),
    };
    let mut current: Option<SidedRange> = None;
    let close = |run: SidedRange, out: &mut UsefulRuns| {
        // The first of the longest runs is kept, as `which.max` would pick.
        if run.length > out.longest {
            out.longest = run.length;
            out.longest_at = Some(IndexRange {
                start: run.start,
                end: run.end,
            });
        }
        if run.length > out.max {
            out.long_runs.push(run);
        }
    };
    for (i, &v) in values.iter().enumerate() {
        let side = side_of(v);
        if side == 0 {
            continue;
        }
        match current.as_mut() {
            Some(run) if run.side == side => {
                run.end = i;
                run.length += 1;
            }
            _ => {
                if let Some(run) = current.take() {
                    close(run, &mut out);
                    out.crossings += 1;
                }
                current = Some(SidedRange {
                    start: i,
                    end: i,
                    side,
                    length: 1,
                });
            }
        }
    }
    if let Some(run) = current {
        close(run, &mut out);
    }
    out
}

fn collect_trend(trend: &[usize], equal: &[usize], direction: i8) -> Trend {
    let mut indices: Vec<usize> = trend.to_vec();
    indices.extend_from_slice(equal);
    indices.sort_unstable();
    indices.dedup();
    Trend { indices, direction }
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

/// Whether `values` holds at least `k` distinct non-missing values (stops early).
fn distinct_at_least(values: &[f64], k: usize) -> bool {
    let mut seen: Vec<u64> = Vec::with_capacity(k);
    for v in values.iter().filter(|v| !v.is_nan()) {
        // +0.0 and −0.0 compare equal, as in R's unique().
        let bits = if *v == 0.0 { 0 } else { v.to_bits() };
        if !seen.contains(&bits) {
            seen.push(bits);
            if seen.len() >= k {
                return true;
            }
        }
    }
    false
}
