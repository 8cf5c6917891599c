//! The Kaplan–Meier estimator with the conventions of R's survival package (3.5), so that
//! waits still in progress count as censored observations rather than being dropped.
//!
//! This module owns the estimator, its Greenwood standard errors and pointwise confidence
//! intervals (`log`, R's default; `log-log`; `plain`), quantiles with their intervals exactly
//! as R's `quantile.survfit` finds them, and the restricted mean. Times are whole days. It
//! knows nothing about stages or journeys.
//!
//! Conventions (those of R's `survfit`, checked against its output in `tests/stats_km.rs`):
//! - at each distinct time t, the number at risk is the number of subjects with time ≥ t;
//!   events at t are counted before censorings at t (a subject censored at t is at risk at t);
//! - S(t) is the product over event times ≤ t of (1 − d/n); it does not drop to 0 when the
//!   largest time is censored;
//! - Greenwood: σ²(t) = Σ d / (n (n − d)) (the variance of the cumulative hazard); the standard
//!   error of S is S σ; where every subject at risk has the event, S = 0 and the standard
//!   error and the bounds are undefined (`None`, R's `NA`);
//! - `log` interval: S exp(± z σ), the upper bound capped at 1; `log-log`: exp(−exp(log(−log S)
//!   ∓ z σ / log S)), undefined where S is 0 or 1; `plain`: S ± z S σ clipped to [0, 1];
//! - quantiles as `quantile.survfit`: the time the curve (and, for the interval, each band)
//!   first drops to 1 − p or below; where it is flat at exactly 1 − p (within R's default
//!   tolerance √ε ≈ 1.49e-8), the midpoint of the flat; where it ends flat there, the
//!   midpoint of the flat's start and the last observed time; none if it never gets there;
//! - the restricted mean is the area under S from 0 to a horizon, with the standard error
//!   √(Σ A_i² d_i / (n_i (n_i − d_i))), A_i being the area from event time i to the horizon.
//!
//! Delayed entry (left truncation), as R's `survfit(Surv(entry, time, event) ~ 1)` computes
//! it for counting-process data: a subject who entered late is at risk over (entry, time], so
//! the number at risk at t is the number with entry < t ≤ time (a subject without a late
//! entry is at risk from 0, as above). Rows are still one per distinct event or censoring
//! time (entries alone make no row, as in R); S, Greenwood's variance, the intervals,
//! the quantiles and the restricted mean are computed from those numbers at risk by the same
//! formulas. The number at risk can therefore rise between rows. R refuses a subject whose
//! time is not after its entry (`Stop time must be > start time`); such a subject is never at
//! risk, and [`KaplanMeier::fit_delayed`] leaves it out (the caller counts it). Without late
//! entries every result is exactly what it was before.

use serde::{Deserialize, Serialize};

/// The 97.5% point of the standard normal distribution, as R's `qnorm(0.975)`.
pub const Z95: f64 = 1.959963984540054;

/// The tolerance R's `quantile.survfit` uses for "equal to 1 − p": `sqrt(.Machine$double.eps)`.
pub const QUANTILE_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// One subject: the time (days) to the event or to censoring, and whether the event happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Observation {
    pub time: u32,
    pub event: bool,
}

/// One subject that may have entered the risk set late (left truncation): at risk over
/// (`entry`, `time`], or over [0, `time`] when `entry` is `None` (R's `Surv(entry, time,
/// event)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LateObservation {
    pub entry: Option<u32>,
    pub time: u32,
    pub event: bool,
}

impl LateObservation {
    /// Whether the subject is ever at risk: its time is after its entry (R refuses the rest).
    pub fn is_at_risk(&self) -> bool {
        self.entry.is_none_or(|e| self.time > e)
    }
}

/// How many subjects had the event and how many were censored at one time, and how many
/// entered the risk set just after it (a late entry at `time`: at risk from the next time on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeCount {
    pub time: u32,
    pub events: u32,
    pub censored: u32,
    /// Subjects whose late entry is at `time` (they are not at risk at `time` itself).
    pub entered: u32,
}

impl TimeCount {
    /// Counts one more subject at this time.
    pub fn add(&mut self, event: bool) {
        if event {
            self.events += 1;
        } else {
            self.censored += 1;
        }
    }
}

/// How the pointwise confidence interval is formed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfType {
    /// R's default `conf.type = "log"`.
    #[default]
    Log,
    /// `conf.type = "log-log"`.
    LogLog,
    /// `conf.type = "plain"`.
    Plain,
}

/// Settings for a fit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct KmConfig {
    pub conf_type: ConfType,
    /// The normal quantile for the interval (1.959963984540054 for 95%).
    pub z: f64,
}

impl Default for KmConfig {
    fn default() -> Self {
        KmConfig {
            conf_type: ConfType::Log,
            z: Z95,
        }
    }
}

/// One row of the survival table: a distinct observed time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KmRow {
    pub time: u32,
    pub n_risk: u32,
    pub n_event: u32,
    pub n_censor: u32,
    /// S(t).
    pub surv: f64,
    /// The standard error of S(t) (Greenwood), `None` where S is 0.
    pub std_err: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// A fitted survival curve: one row per distinct observed time (events or censorings).
#[derive(Clone, Debug, PartialEq)]
pub struct KaplanMeier {
    pub rows: Vec<KmRow>,
    /// The number of subjects.
    pub n: u32,
    pub config: KmConfig,
    /// σ² (Greenwood) after each row, kept for the restricted mean's standard error.
    hazard_var: Vec<f64>,
}

/// A quantile of the survival time with its confidence interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Quantile {
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// The mean survival time restricted to `[0, horizon]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RestrictedMean {
    pub horizon: u32,
    pub mean: f64,
    pub se: f64,
}

impl KaplanMeier {
    /// Fits the curve to observations in any order.
    pub fn fit(observations: &[Observation], config: &KmConfig) -> KaplanMeier {
        if observations.is_sorted_by_key(|o| o.time) {
            KaplanMeier::fit_sorted(observations, config)
        } else {
            let mut sorted = observations.to_vec();
            sorted.sort_unstable_by_key(|o| o.time);
            KaplanMeier::fit_sorted(&sorted, config)
        }
    }

    /// Fits the curve to observations already in ascending order of time (the order of
    /// events and censorings within a time does not matter).
    pub fn fit_sorted(observations: &[Observation], config: &KmConfig) -> KaplanMeier {
        debug_assert!(observations.is_sorted_by_key(|o| o.time));
        let mut counts: Vec<TimeCount> = Vec::new();
        for o in observations {
            match counts.last_mut() {
                Some(last) if last.time == o.time => last.add(o.event),
                _ => {
                    let mut c = TimeCount {
                        time: o.time,
                        ..TimeCount::default()
                    };
                    c.add(o.event);
                    counts.push(c);
                }
            }
        }
        KaplanMeier::fit_counts(&counts, config)
    }

    /// Fits the curve to subjects with delayed entry, in any order. Subjects never at risk
    /// (time not after entry) are left out; see [`LateObservation::is_at_risk`].
    pub fn fit_delayed(observations: &[LateObservation], config: &KmConfig) -> KaplanMeier {
        let mut exits: Vec<(u32, bool)> = Vec::with_capacity(observations.len());
        let mut entries: Vec<u32> = Vec::new();
        for o in observations.iter().filter(|o| o.is_at_risk()) {
            exits.push((o.time, o.event));
            entries.extend(o.entry);
        }
        exits.sort_unstable_by_key(|e| e.0);
        entries.sort_unstable();
        let mut counts: Vec<TimeCount> = Vec::new();
        for (time, event) in exits {
            match counts.last_mut() {
                Some(last) if last.time == time => last.add(event),
                _ => {
                    let mut c = TimeCount {
                        time,
                        ..TimeCount::default()
                    };
                    c.add(event);
                    counts.push(c);
                }
            }
        }
        KaplanMeier::fit_counts(&with_entries(&counts, &entries), config)
    }

    /// Fits the curve to counts per distinct time, in ascending order of time. Subjects
    /// counted in `entered` at a time must have their event or censoring at a later time;
    /// the others are at risk from 0.
    pub fn fit_counts(counts: &[TimeCount], config: &KmConfig) -> KaplanMeier {
        debug_assert!(counts.windows(2).all(|w| w[0].time < w[1].time));
        let n: u32 = counts.iter().map(|c| c.events + c.censored).sum();
        let late: u32 = counts.iter().map(|c| c.entered).sum();
        let mut rows = Vec::with_capacity(counts.len());
        let mut hazard_var = Vec::with_capacity(counts.len());
        let mut at_risk = n.saturating_sub(late);
        let mut surv = 1.0_f64;
        let mut var = 0.0_f64;
        let mut bounds = interval(surv, var, config);
        for c in counts {
            if c.events + c.censored == 0 {
                // Entries alone make no row: they join the risk set after this time.
                at_risk += c.entered;
                continue;
            }
            let d = c.events;
            if d > 0 {
                let (nf, df) = (f64::from(at_risk), f64::from(d));
                surv *= 1.0 - df / nf;
                var += if d < at_risk {
                    df / (nf * (nf - df))
                } else {
                    f64::INFINITY
                };
                // S and σ change only at events; censorings keep the previous bounds.
                bounds = interval(surv, var, config);
            }
            let (std_err, lower, upper) = bounds;
            rows.push(KmRow {
                time: c.time,
                n_risk: at_risk,
                n_event: d,
                n_censor: c.censored,
                surv,
                std_err,
                lower,
                upper,
            });
            hazard_var.push(var);
            at_risk = at_risk.saturating_sub(d + c.censored) + c.entered;
        }
        KaplanMeier {
            rows,
            n,
            config: *config,
            hazard_var,
        }
    }

    /// S(t): the survival probability just after time `t`.
    pub fn survival_at(&self, t: u32) -> f64 {
        let idx = self.rows.partition_point(|r| r.time <= t);
        idx.checked_sub(1).map_or(1.0, |i| self.rows[i].surv)
    }

    /// The median survival time and its interval.
    pub fn median(&self) -> Quantile {
        self.quantile(0.5)
    }

    /// The `p` quantile of the survival time (the time by which a proportion `p` have had
    /// the event) and its interval, as R's `quantile.survfit`.
    pub fn quantile(&self, p: f64) -> Quantile {
        self.quantiles(&[p])[0]
    }

    /// Several quantiles at once (cheaper than one call each).
    pub fn quantiles(&self, ps: &[f64]) -> Vec<Quantile> {
        let x: Vec<f64> = std::iter::once(0.0)
            .chain(self.rows.iter().map(|r| f64::from(r.time)))
            .collect();
        let curve = |f: fn(&KmRow) -> Option<f64>| -> StepCurve {
            let y: Vec<f64> = std::iter::once(0.0)
                .chain(self.rows.iter().map(|r| f(r).map_or(f64::NAN, |s| 1.0 - s)))
                .collect();
            StepCurve::new(&x, &y)
        };
        let est = curve(|r| Some(r.surv));
        let lower = curve(|r| r.lower);
        let upper = curve(|r| r.upper);
        ps.iter()
            .map(|&p| Quantile {
                estimate: est.quantile(&x, p, QUANTILE_TOLERANCE),
                lower: lower.quantile(&x, p, QUANTILE_TOLERANCE),
                upper: upper.quantile(&x, p, QUANTILE_TOLERANCE),
            })
            .collect()
    }

    /// The mean survival time restricted to `[0, horizon]` and its standard error.
    pub fn restricted_mean(&self, horizon: u32) -> RestrictedMean {
        // Steps of the curve up to the horizon: (time of the drop, S after it, σ² increment
        // ratio d / (n (n − d))).
        let mut steps: Vec<(u32, f64, f64)> = Vec::new();
        let mut prev_var = 0.0;
        for (r, &var) in self.rows.iter().zip(&self.hazard_var) {
            if r.time > horizon {
                break;
            }
            if r.n_event > 0 {
                steps.push((r.time, r.surv, var - prev_var));
            }
            prev_var = var;
        }
        // Area from each step to the horizon, accumulated backwards.
        let mut area_after = 0.0;
        let mut variance = 0.0;
        let mut next_time = f64::from(horizon);
        for &(time, surv, dvar) in steps.iter().rev() {
            area_after += surv * (next_time - f64::from(time));
            next_time = f64::from(time);
            if dvar.is_finite() {
                variance += area_after * area_after * dvar;
            }
        }
        let mean = area_after + next_time; // S = 1 from 0 to the first step.
        RestrictedMean {
            horizon,
            mean,
            se: variance.sqrt(),
        }
    }
}

/// Adds late entries (their entry times, ascending) to counts per distinct time (ascending),
/// as `entered` at each entry time, keeping the times in ascending order.
pub fn with_entries(counts: &[TimeCount], entries: &[u32]) -> Vec<TimeCount> {
    if entries.is_empty() {
        return counts.to_vec();
    }
    let mut out: Vec<TimeCount> = Vec::with_capacity(counts.len() + entries.len());
    let mut exits = counts.iter().peekable();
    let mut entries = entries.iter().peekable();
    loop {
        let next_exit = exits.peek().map(|c| c.time);
        let next_entry = entries.peek().map(|&&e| e);
        let time = match (next_exit, next_entry) {
            (None, None) => break,
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
        };
        let mut c = exits
            .next_if(|c| c.time == time)
            .copied()
            .unwrap_or(TimeCount {
                time,
                ..TimeCount::default()
            });
        while entries.next_if(|&&e| e == time).is_some() {
            c.entered += 1;
        }
        out.push(c);
    }
    out
}

/// The standard error of S and the interval at one time.
fn interval(surv: f64, var: f64, config: &KmConfig) -> (Option<f64>, Option<f64>, Option<f64>) {
    if surv <= 0.0 || !var.is_finite() {
        return (None, None, None);
    }
    let sigma = var.sqrt();
    let z = config.z;
    let se = surv * sigma;
    let (lower, upper) = match config.conf_type {
        ConfType::Log => {
            let ls = libm::log(surv);
            (
                Some(libm::exp(ls - z * sigma)),
                Some(libm::exp(ls + z * sigma).min(1.0)),
            )
        }
        ConfType::LogLog => {
            if surv >= 1.0 {
                (None, None)
            } else {
                let ls = libm::log(surv);
                let loglog = libm::log(-ls);
                let shift = z * sigma / ls;
                let a = libm::exp(-libm::exp(loglog - shift));
                let b = libm::exp(-libm::exp(loglog + shift));
                (Some(a.min(b)), Some(a.max(b)))
            }
        }
        ConfType::Plain => (
            Some((surv - z * se).max(0.0)),
            Some((surv + z * se).min(1.0)),
        ),
    };
    (Some(se), lower, upper)
}

/// A distribution-function step curve (1 − S, or 1 − a band) prepared as R's `findq` in
/// `quantile.survfit` prepares it, so that several quantiles can be read off.
struct StepCurve {
    /// The last value after dropping repeats (`NaN` if undefined).
    last_y: f64,
    /// The largest time before dropping repeats.
    xmax: f64,
    /// Defined values after dropping repeats, sorted ascending, with their index into the
    /// times.
    knots: Vec<(f64, usize)>,
}

impl StepCurve {
    /// `x` are times, `y` the curve's values there (`NaN` where undefined).
    fn new(x: &[f64], y: &[f64]) -> StepCurve {
        let xmax = x.last().copied().unwrap_or(f64::NAN);
        // R drops repeated values (censorings, and undefined points after the first),
        // keeping the first occurrence (`duplicated`), then `approx` drops the undefined
        // points and sorts the rest by value. The curve and its lower band never fall, so
        // their repeats are neighbours (ignoring undefined points) and they are already
        // sorted; an upper band capped at 1 can rise and fall, and is sorted first.
        let first_nan = y.iter().position(|v| v.is_nan());
        let mut knots: Vec<(f64, usize)> = Vec::with_capacity(y.len());
        let rising = y.iter().filter(|v| !v.is_nan()).is_sorted_by(|a, b| a <= b);
        if rising {
            for (i, &v) in y.iter().enumerate() {
                if !v.is_nan() && knots.last().is_none_or(|&(last, _)| last != v) {
                    knots.push((v, i));
                }
            }
        } else {
            let mut all: Vec<(f64, usize)> = y
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_nan())
                .map(|(i, &v)| (v, i))
                .collect();
            crate::sort::stable_by(&mut all, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (v, i) in all {
                if knots.last().is_none_or(|&(last, _)| last != v) {
                    knots.push((v, i));
                }
            }
        }
        // The last value left after dropping repeats: the kept point with the largest index.
        let last_kept = knots.iter().max_by_key(|k| k.1).copied();
        let last_y = match (last_kept, first_nan) {
            (Some((_, i)), Some(n)) if n > i => f64::NAN,
            (Some((v, _)), _) => v,
            (None, _) => f64::NAN,
        };
        StepCurve {
            last_y,
            xmax,
            knots,
        }
    }

    /// Where a horizontal line at `p` meets the curve over times `x` (R's `findq`).
    fn quantile(&self, x: &[f64], p: f64, tol: f64) -> Option<f64> {
        let max_y = self.knots.last()?.0;
        if max_y < p {
            return None;
        }
        if p == 0.0 {
            return x.first().copied();
        }
        // `approx(y ± tol, 1:n, p, method = "constant", f = 1)`: the index of the first knot
        // at or above p, none outside the knots' range.
        let index_at = |shift: f64| -> Option<usize> {
            let first = self.knots.first()?.0 + shift;
            let last = self.knots.last()?.0 + shift;
            if p < first || p > last {
                return None;
            }
            let k = self.knots.partition_point(|(v, _)| v + shift < p);
            self.knots.get(k).map(|&(_, i)| i)
        };
        let i1 = index_at(tol);
        if !self.last_y.is_nan() && (p - self.last_y).abs() < tol {
            return i1.map(|i| (x[i] + self.xmax) / 2.0);
        }
        match (i1, index_at(-tol)) {
            (Some(a), Some(b)) => Some((x[a] + x[b]) / 2.0),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(pairs: &[(u32, bool)]) -> Vec<Observation> {
        pairs
            .iter()
            .map(|&(time, event)| Observation { time, event })
            .collect()
    }

    #[test]
    fn a_single_event_drops_to_zero_and_leaves_the_interval_undefined() {
        let km = KaplanMeier::fit(&obs(&[(5, true)]), &KmConfig::default());
        assert_eq!(km.rows.len(), 1);
        assert_eq!(km.rows[0].surv, 0.0);
        assert_eq!(km.rows[0].std_err, None);
        assert_eq!(km.median().estimate, Some(5.0));
    }

    #[test]
    fn all_censored_never_reaches_the_median() {
        let km = KaplanMeier::fit(&obs(&[(5, false), (9, false)]), &KmConfig::default());
        assert!(km.rows.iter().all(|r| r.surv == 1.0));
        assert_eq!(km.median(), Quantile::default());
        assert_eq!(km.restricted_mean(9).mean, 9.0);
    }

    #[test]
    fn a_band_that_rises_and_falls_is_read_as_r_reads_it() {
        // R's findq drops the repeated 0.6 (keeping its first time, 1), sorts the rest by value
        // (0 at 0, 0.3 at 2, 0.6 at 1, 0.8 at 4) and reads off the first value at or above p.
        let x = [0.0, 1.0, 2.0, 3.0, 4.0];
        let y = [0.0, 0.6, 0.3, 0.6, 0.8];
        let c = StepCurve::new(&x, &y);
        let tol = QUANTILE_TOLERANCE;
        assert_eq!(c.quantile(&x, 0.5, tol), Some(1.0));
        // 0.3 is met exactly: the midpoint of its time (2) and the next knot's (1).
        assert_eq!(c.quantile(&x, 0.3, tol), Some(1.5));
        assert_eq!(c.quantile(&x, 0.9, tol), None);
        // Undefined points are skipped; one after the last defined point leaves no "last value"
        // flat, so a p equal to the last defined value takes the ordinary midpoint rule.
        let y = [0.0, 0.2, 0.5, f64::NAN, f64::NAN];
        let c = StepCurve::new(&x, &y);
        assert_eq!(c.quantile(&x, 0.5, tol), None);
        assert_eq!(c.quantile(&x, 0.2, tol), Some(1.5));
    }

    #[test]
    fn curve_ending_flat_at_one_half_takes_the_midpoint_to_the_last_time() {
        // S drops to 0.5 at 4 and stays there to the censored time 10.
        let km = KaplanMeier::fit(&obs(&[(4, true), (10, false)]), &KmConfig::default());
        assert_eq!(km.median().estimate, Some(7.0));
    }
}
