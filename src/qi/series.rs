//! Series to chart: individual dated values in date order, values aggregated per month or
//! quarter (median with its count), and the days between successive events for a T chart.
//!
//! This module owns turning `(date, value)` pairs into the points a chart plots. It is generic
//! over where the pairs come from (stage durations, a user's own measure); it knows nothing of
//! children or stages, and does not chart anything.

use super::error::QiError;
use super::limits;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A calendar period for aggregation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
}

/// One aggregated point: the median of the values dated within a period, with their count.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PeriodValue {
    /// The first day of the period (the date the point is plotted at).
    pub period_start: NaiveDate,
    /// The last day of the period.
    pub period_end: NaiveDate,
    /// The median of the values in the period (the mean of the two middle ones for an even
    /// count).
    pub value: f64,
    /// How many values the period holds.
    pub n: usize,
}

impl PeriodValue {
    /// The point to chart: the period's first day and its median.
    pub fn point(&self) -> (NaiveDate, f64) {
        (self.period_start, self.value)
    }
}

/// Individual points in date order (stable: values on the same date keep their input order).
/// Every value must be finite.
pub fn individual(points: &[(NaiveDate, f64)]) -> Result<Vec<(NaiveDate, f64)>, QiError> {
    check_finite(points)?;
    let mut out = points.to_vec();
    crate::sort::stable_by_key(&mut out, |p| p.0);
    Ok(out)
}

/// One point per period that holds at least one value: the median of the values dated in it,
/// with their count, in date order. Periods without values are left out (a gap, not a zero).
pub fn aggregate(points: &[(NaiveDate, f64)], period: Period) -> Result<Vec<PeriodValue>, QiError> {
    let sorted = individual(points)?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = period_start(sorted[i].0, period);
        let mut j = i;
        while j < sorted.len() && period_start(sorted[j].0, period) == start {
            j += 1;
        }
        let values: Vec<f64> = sorted[i..j].iter().map(|p| p.1).collect();
        if let (Some(value), Some(end)) = (limits::median(&values), period_end(start, period)) {
            out.push(PeriodValue {
                period_start: start,
                period_end: end,
                value,
                n: j - i,
            });
        }
        i = j;
    }
    Ok(out)
}

/// The days between successive events, dated at the later event, for a T chart. The events
/// are put in date order first; fewer than two events give no intervals. Two events on the
/// same day give an interval of 0, which a T chart rejects.
pub fn days_between(events: &[NaiveDate]) -> Vec<(NaiveDate, f64)> {
    let mut sorted = events.to_vec();
    sorted.sort_unstable();
    sorted
        .windows(2)
        .map(|w| (w[1], (w[1] - w[0]).num_days() as f64))
        .collect()
}

/// The first day of the period containing `date`.
pub fn period_start(date: NaiveDate, period: Period) -> NaiveDate {
    let month = match period {
        Period::Month => date.month(),
        Period::Quarter => (date.month0() / 3) * 3 + 1,
    };
    // Day 1 of a month of a valid date always exists.
    NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
}

/// The last day of the period starting on `start`.
fn period_end(start: NaiveDate, period: Period) -> Option<NaiveDate> {
    let months = match period {
        Period::Month => 1,
        Period::Quarter => 3,
    };
    start
        .checked_add_months(chrono::Months::new(months))
        .and_then(|d| d.pred_opt())
}

fn check_finite(points: &[(NaiveDate, f64)]) -> Result<(), QiError> {
    match points.iter().position(|p| !p.1.is_finite()) {
        Some(index) => Err(QiError::NonFinite {
            index,
            date: points.get(index).map(|p| p.0),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn monthly_median_with_counts_and_gaps() {
        let points = [
            (d(2024, 3, 31), 10.0),
            (d(2024, 1, 5), 4.0),
            (d(2024, 1, 20), 8.0),
            (d(2024, 1, 31), 6.0),
            (d(2024, 3, 1), 20.0),
        ];
        let got = aggregate(&points, Period::Month).expect("aggregate");
        assert_eq!(got.len(), 2, "February has no values and no point");
        assert_eq!(got[0].period_start, d(2024, 1, 1));
        assert_eq!(got[0].period_end, d(2024, 1, 31));
        assert_eq!((got[0].value, got[0].n), (6.0, 3));
        assert_eq!(got[1].period_start, d(2024, 3, 1));
        assert_eq!((got[1].value, got[1].n), (15.0, 2));
    }

    #[test]
    fn quarters_end_on_the_right_day() {
        let got = aggregate(
            &[(d(2024, 2, 29), 1.0), (d(2024, 12, 31), 2.0)],
            Period::Quarter,
        )
        .expect("aggregate");
        assert_eq!(
            (got[0].period_start, got[0].period_end),
            (d(2024, 1, 1), d(2024, 3, 31))
        );
        assert_eq!(
            (got[1].period_start, got[1].period_end),
            (d(2024, 10, 1), d(2024, 12, 31))
        );
    }

    #[test]
    fn days_between_sorts_and_dates_at_the_later_event() {
        let got = days_between(&[d(2024, 3, 1), d(2024, 1, 1), d(2024, 1, 11)]);
        assert_eq!(got, vec![(d(2024, 1, 11), 10.0), (d(2024, 3, 1), 50.0)]);
        assert!(days_between(&[d(2024, 1, 1)]).is_empty());
    }

    #[test]
    fn individual_orders_stably_and_rejects_nan() {
        let got = individual(&[
            (d(2024, 2, 1), 2.0),
            (d(2024, 1, 1), 1.0),
            (d(2024, 2, 1), 3.0),
        ])
        .expect("series");
        assert_eq!(
            got.iter().map(|p| p.1).collect::<Vec<_>>(),
            vec![1.0, 2.0, 3.0]
        );
        assert_eq!(
            individual(&[(d(2024, 1, 1), f64::NAN)]),
            Err(QiError::NonFinite {
                index: 0,
                date: Some(d(2024, 1, 1))
            })
        );
    }
}
