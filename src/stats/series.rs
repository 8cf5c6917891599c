//! The time series of one stage for run and SPC charts: one point per completed stage, in the
//! order of the stage's end date (value = days), or one point per calendar month or quarter
//! (the median days of the stages that ended in it, with their number).
//!
//! This module owns turning the per-child stage rows into the `(date, value)` pairs the QI
//! module charts. Only completed stages count (a wait still running has no end date to order
//! it by, and its days are not final); their number is reported beside the series, as is the
//! number left out because their start is unknown or they ended before the data began. The
//! aggregation itself (calendar periods, medians) is `qi::series`'s. It computes no chart.

use super::child::ChildStats;
use super::profile::Profile;
use crate::qi::series::{aggregate, Period};
use crate::qi::QiError;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// How a stage series is aggregated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// One point per completed stage.
    #[default]
    None,
    /// The median per calendar month of the end date.
    Month,
    /// The median per calendar quarter (January–March, …) of the end date.
    Quarter,
}

/// One point of a stage series.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StagePoint {
    /// The stage's end date, or the first day of the period.
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub date: NaiveDate,
    /// The last day of the period (aggregated series only).
    #[serde(serialize_with = "crate::date::iso::option")]
    pub period_end: Option<NaiveDate>,
    /// Days in the stage, or the median days of the period's stages.
    pub days: f64,
    /// How many completed stages the point stands for (1 for a single stage).
    pub n: usize,
    /// For a single stage: the child (index into the children given to the statistics) and
    /// the care period (index into the child's care periods).
    pub child: Option<usize>,
    pub care_period_index: Option<usize>,
}

/// A stage's series, ready for `qi::analyze`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageSeries {
    pub stage: String,
    pub label: String,
    pub aggregate: Aggregate,
    pub points: Vec<StagePoint>,
    /// Completed stages in the series.
    pub completed: usize,
    /// Stages that had not ended (still waiting, or the child left care first): not in the
    /// series.
    pub not_ended: usize,
    /// Stages left out as the statistics leave them out: their start is unknown (the care
    /// period began before the data) or they ended before the data began.
    #[serde(skip_serializing_if = "is_zero")]
    pub left_out: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A stage the profile does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStage {
    pub stage: String,
    /// The profile's stage ids, to suggest.
    pub known: Vec<String>,
}

impl StageSeries {
    /// The `(date, value)` pairs to chart, in order.
    pub fn values(&self) -> Vec<(NaiveDate, f64)> {
        self.points.iter().map(|p| (p.date, p.days)).collect()
    }
}

/// The series of the stage with id `stage` over every child's rows (`stats` as returned by
/// [`crate::stats::compute`], aligned with the children, or any selection of them: a point's
/// `child` is the position in what `stats` yields).
pub fn stage_series<'a>(
    stats: impl IntoIterator<Item = &'a ChildStats>,
    profile: &Profile,
    stage: &str,
    how: Aggregate,
) -> Result<StageSeries, UnknownStage> {
    let Some(definition) = profile.stages.iter().find(|s| s.id == stage) else {
        return Err(UnknownStage {
            stage: stage.to_string(),
            known: profile.stages.iter().map(|s| s.id.clone()).collect(),
        });
    };
    let mut singles: Vec<StagePoint> = Vec::new();
    let mut not_ended = 0;
    let mut left_out = 0;
    for (ci, cs) in stats.into_iter().enumerate() {
        for row in cs.stages.iter().filter(|r| *r.stage == *stage) {
            if row.start_unknown || row.before_data {
                left_out += 1;
                continue;
            }
            match row.end {
                Some(end) => singles.push(StagePoint {
                    date: end,
                    period_end: None,
                    days: f64::from(row.days),
                    n: 1,
                    child: Some(ci),
                    care_period_index: Some(row.care_period_index),
                }),
                None => not_ended += 1,
            }
        }
    }
    // Stable: stages ending on the same day keep the children's order.
    crate::sort::stable_by_key(&mut singles, |p| p.date);
    let completed = singles.len();
    let points = match how {
        Aggregate::None => singles,
        Aggregate::Month | Aggregate::Quarter => {
            let period = if how == Aggregate::Month {
                Period::Month
            } else {
                Period::Quarter
            };
            let pairs: Vec<(NaiveDate, f64)> = singles.iter().map(|p| (p.date, p.days)).collect();
            aggregate(&pairs, period)
                // Days are whole numbers, so every value is finite and this cannot fail.
                .unwrap_or_else(|_: QiError| Vec::new())
                .into_iter()
                .map(|v| StagePoint {
                    date: v.period_start,
                    period_end: Some(v.period_end),
                    days: v.value,
                    n: v.n,
                    child: None,
                    care_period_index: None,
                })
                .collect()
        }
    };
    Ok(StageSeries {
        stage: definition.id.clone(),
        label: definition.label.clone(),
        aggregate: how,
        points,
        completed,
        not_ended,
        left_out,
    })
}

impl Aggregate {
    pub const ALL: [Aggregate; 3] = [Aggregate::None, Aggregate::Month, Aggregate::Quarter];

    /// The word used on the command line and in the page's specs.
    pub fn id(self) -> &'static str {
        match self {
            Aggregate::None => "none",
            Aggregate::Month => "month",
            Aggregate::Quarter => "quarter",
        }
    }
}

impl FromStr for Aggregate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Aggregate::ALL
            .into_iter()
            .find(|a| a.id().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown aggregation \"{s}\"; choose none, month or quarter"))
    }
}

impl fmt::Display for UnknownStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the profile has no stage \"{}\"; its stages are {}",
            self.stage,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownStage {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compact::Maybe;
    use crate::model::Text;
    use crate::stats::StageRow;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    /// A stage row of the given stage: started on `start`, ended `days` later or not at all.
    fn row(stage: &str, start: NaiveDate, days: u32, ended: bool) -> StageRow {
        let end = start.checked_add_days(chrono::Days::new(u64::from(days)));
        StageRow {
            stage: Text::from(stage),
            stage_index: 0,
            care_period_index: 0,
            start,
            end: if ended { end } else { None },
            days,
            censored: !ended,
            censored_by: None,
            ended_by: None,
            backdated: false,
            target_date: None,
            within_target: None,
            overdue: false,
            start_unknown: false,
            entry_days: Maybe::NONE,
            before_data: false,
            placement: None,
            legal_status: None,
            age_months_at_start: Maybe::NONE,
            age_months_at_end: Maybe::NONE,
            forecast: None,
        }
    }

    fn child(rows: Vec<StageRow>) -> ChildStats {
        ChildStats {
            stages: rows,
            ..ChildStats::default()
        }
    }

    /// Three children: the recommendation-to-panel stage ends on 10 Mar (40 days), 2 Jan
    /// (20 days), 25 Mar (90 days) and 10 Jan 2024 (61 days); one more is still waiting and
    /// one row belongs to another stage.
    fn cohort() -> Vec<ChildStats> {
        let s = "recommendation_to_panel";
        vec![
            child(vec![
                row(s, d(2024, 1, 30), 40, true),
                row("first_review", d(2023, 1, 1), 7, true),
            ]),
            child(vec![
                row(s, d(2023, 12, 13), 20, true),
                row(s, d(2024, 1, 1), 300, false),
            ]),
            child(vec![
                row(s, d(2023, 12, 26), 90, true),
                row(s, d(2023, 11, 10), 61, true),
            ]),
        ]
    }

    #[test]
    fn single_points_follow_the_end_dates_and_leave_out_waits_still_running() {
        let series = stage_series(
            &cohort(),
            &Profile::scotland(),
            "recommendation_to_panel",
            Aggregate::None,
        )
        .expect("a known stage");
        let got: Vec<(NaiveDate, f64, Option<usize>)> = series
            .points
            .iter()
            .map(|p| (p.date, p.days, p.child))
            .collect();
        assert_eq!(
            got,
            vec![
                (d(2024, 1, 2), 20.0, Some(1)),
                (d(2024, 1, 10), 61.0, Some(2)),
                (d(2024, 3, 10), 40.0, Some(0)),
                (d(2024, 3, 25), 90.0, Some(2)),
            ]
        );
        assert_eq!((series.completed, series.not_ended), (4, 1));
        assert_eq!(series.label, "Permanence recommendation to panel");
    }

    #[test]
    fn months_and_quarters_take_the_median_with_its_count() {
        let monthly = stage_series(
            &cohort(),
            &Profile::scotland(),
            "recommendation_to_panel",
            Aggregate::Month,
        )
        .expect("a known stage");
        let got: Vec<(NaiveDate, f64, usize)> = monthly
            .points
            .iter()
            .map(|p| (p.date, p.days, p.n))
            .collect();
        // January: 20 and 61 → 40.5; no February point; March: 40 and 90 → 65.
        assert_eq!(
            got,
            vec![(d(2024, 1, 1), 40.5, 2), (d(2024, 3, 1), 65.0, 2)]
        );
        assert_eq!(monthly.points[0].period_end, Some(d(2024, 1, 31)));
        let quarterly = stage_series(
            &cohort(),
            &Profile::scotland(),
            "recommendation_to_panel",
            Aggregate::Quarter,
        )
        .expect("a known stage");
        // The first quarter of 2024 holds 20, 40, 61, 90: median (40 + 61) / 2.
        assert_eq!(quarterly.values(), vec![(d(2024, 1, 1), 50.5)]);
        assert_eq!(quarterly.points[0].n, 4);
        assert_eq!(quarterly.points[0].period_end, Some(d(2024, 3, 31)));
    }

    #[test]
    fn an_unknown_stage_names_the_known_ones() {
        let err = stage_series(&cohort(), &Profile::scotland(), "nope", Aggregate::None)
            .expect_err("unknown");
        assert!(err.to_string().contains("no stage \"nope\""));
        assert!(err.known.contains(&"panel_to_adm".to_string()));
        assert_eq!("Quarter".parse::<Aggregate>(), Ok(Aggregate::Quarter));
        assert!("weekly".parse::<Aggregate>().is_err());
    }
}
