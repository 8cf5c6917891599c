//! Delay statistics: timescale profiles applied to every child's journey "as at" a date,
//! with the cohort's figures per stage (counts, medians, share within target, who is waiting
//! overdue, Kaplan–Meier), the same for every breakdown group, and per-child rows.
//!
//! This module owns the statistics and the per-child stage table. It never reads the clock
//! (the "as at" date is a parameter) and does no I/O beyond the writer it is given. It does
//! not read files (`ingest`) or build journeys (`model`).
//!
//! - `breakdown`: the breakdowns' ids and labels, and their groups' labels.
//! - `duration`: calendar durations (`"6 weeks"`, `"6 months"`) and their arithmetic.
//! - `profile`: timescale profiles, their JSON shape and the built-ins.
//! - `stage`: one stage in one care period (the exact semantics).
//! - `child`: per-child facts (stage rows, ages, route, stability, current status, checks).
//! - `km`: the Kaplan–Meier estimator with R's conventions.
//! - `summary`: cohort and group statistics.
//! - `table`: the per-child stage table as CSV.
//! - `series`: one stage's durations as a time series for run and SPC charts.
//! - `scorecard`: England's adoption scorecard as the DfE computes it (means over children
//!   adopted in a window), for profiles that ask for it.
//! - `forecast`: when each waiting stage is likely to end, and the team's expected completions.
//! - `decompose`: where the days of time to permanence go, and what meeting the targets would
//!   have saved.

pub mod breakdown;
pub mod child;
pub mod decompose;
pub mod duration;
pub mod forecast;
pub mod km;
pub mod profile;
pub mod scorecard;
pub mod series;
pub mod stage;
pub mod summary;
pub mod table;

pub use breakdown::{breakdown_label, group_label, Breakdown};
pub use child::{AgeBand, CheckHit, ChildStats, CurrentStatus, PeriodStats, Route, StageRow};
pub use decompose::{Decomposition, DecompositionGroup, StageDays};
pub use duration::{CalendarDuration, DurationError, DurationUnit};
pub use forecast::{ExpectedCompletions, Forecast, ForecastConfig, CAVEATS as FORECAST_CAVEATS};
pub use km::{
    ConfType, KaplanMeier, KmConfig, LateObservation, Observation, Quantile, RestrictedMean,
    TimeCount, Z95,
};
pub use profile::{Backdate, Check, Profile, ProfileError, Stage, ToBeforeFrom};
pub use scorecard::{Scorecard, ScorecardRow, ScorecardSpec};
pub use series::{stage_series, Aggregate, StagePoint, StageSeries, UnknownStage};
pub use stage::{CensoredBy, StageOutcome};
pub use summary::{
    CheckSummary, GroupStats, KmSummary, OmittedBreakdown, OrderedMap, StageSummary,
};
pub use table::{write_stage_csv, TableOptions};

use crate::model::{Child, Text};
use chrono::NaiveDate;

/// Settings for [`compute`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The Kaplan–Meier interval (R's default: `log`, 95%).
    pub km: KmConfig,
    /// Breakdowns with more distinct values than this (an id-like column, say) are left out
    /// of the groups and listed in [`Statistics::breakdowns_omitted`].
    pub max_groups: usize,
    /// The first adoption date the scorecard counts (to "as at"); `None`: the profile's
    /// window (three years for England's).
    pub scorecard_from: Option<NaiveDate>,
    /// Forecasts for the waiting stage rows and the expected completions (`None`: none).
    pub forecast: Option<ForecastConfig>,
    /// Whether to decompose time to permanence ([`Statistics::decomposition`]).
    pub decomposition: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            km: KmConfig::default(),
            max_groups: 100,
            scorecard_from: None,
            forecast: Some(ForecastConfig::default()),
            decomposition: true,
        }
    }
}

/// Everything the statistics produce for one cohort.
#[derive(Clone, Debug, PartialEq)]
pub struct Statistics {
    pub profile: Profile,
    pub stages: Vec<StageSummary>,
    pub checks: Vec<CheckSummary>,
    pub breakdowns_omitted: Vec<OmittedBreakdown>,
    /// Per child, aligned with the children given to [`compute`].
    pub children: Vec<ChildStats>,
    /// The adoption scorecard, for a profile that asks for it.
    pub scorecard: Option<Scorecard>,
    /// Per stage and horizon (3, 6, 12 months), the waiting rows expected to end (empty
    /// without forecasts).
    pub expected_completions: Vec<ExpectedCompletions>,
    /// Where the days of time to permanence go (`None` without a `time_to_permanence` stage).
    pub decomposition: Option<Decomposition>,
}

/// Applies `profile` to every child "as at" `as_at` and computes the cohort statistics.
pub fn compute(
    children: &[Child],
    profile: &Profile,
    as_at: NaiveDate,
    config: &Config,
) -> Statistics {
    let stage_ids: Vec<Text> = profile
        .stages
        .iter()
        .map(|s| Text::from(s.id.as_str()))
        .collect();
    let check_ids: Vec<Text> = profile
        .checks
        .iter()
        .map(|c| Text::from(c.id.as_str()))
        .collect();
    let mut routes = child::RouteCache::default();
    let mut per_child: Vec<ChildStats> = children
        .iter()
        .map(|c| child::child_stats_cached(c, profile, &stage_ids, &check_ids, as_at, &mut routes))
        .collect();
    let summary_config = summary::SummaryConfig {
        km: config.km,
        max_groups: config.max_groups,
    };
    let (stages, breakdowns_omitted) =
        summary::summarise(children, &per_child, profile, &summary_config);
    let checks = summary::summarise_checks(children, &per_child, &profile.checks);
    let scorecard = profile
        .scorecard
        .as_ref()
        .map(|spec| scorecard::scorecard(children, profile, spec, as_at, config.scorecard_from));
    let expected_completions = match &config.forecast {
        Some(f) => forecast::forecast_rows(children, &mut per_child, &stages, as_at, f),
        None => Vec::new(),
    };
    let decomposition = config
        .decomposition
        .then(|| {
            decompose::decompose(
                children,
                &per_child,
                profile,
                &stages,
                as_at,
                decompose::Groups::All,
            )
        })
        .flatten();
    Statistics {
        profile: profile.clone(),
        stages,
        checks,
        breakdowns_omitted,
        children: per_child,
        scorecard,
        expected_completions,
        decomposition,
    }
}
