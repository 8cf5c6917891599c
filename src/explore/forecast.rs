//! Forecasts and England's adoption scorecard as the page shows them: the basis of every
//! waiting child's forecast (the whole cohort, or the groups of the split chosen on the
//! page), the team's expected completions in the next 3, 6 and 12 months for the children
//! in view, the QI view's monthly run chart of completions with forecast months after the
//! data, and the scorecard's measures as a table.
//!
//! This module owns those views' shapes and one rule: **a forecast is always read from the
//! curves of all the data** (the report's stage statistics, of the cohort or of the chosen
//! split's groups, as `driftline analyze --breakdown` reads them), whatever the filters; the
//! filters choose whose forecasts are summed. So the panel's expected completions are the sum
//! of exactly the chances shown for each child in view, and with no filter they are the
//! report's `expected_completions`. Every figure comes from [`crate::stats::forecast`] and
//! [`crate::stats::scorecard`]; nothing is estimated here.

use super::filter::Filters;
use super::view::{ChartInfo, ChartQuery, QiSpec};
use super::{ExploreError, Explorer};
use crate::chart::spc::ForecastPoint;
use crate::chart::{spc, BundledMetrics, Layout, SpcOptions, Table};
use crate::qi;
use crate::stats::forecast::{
    self, expected_in_windows, month_windows, Bases, ForecastConfig, HORIZONS_MONTHS,
    MIN_COMPLETIONS,
};
use crate::stats::{breakdown_label, Scorecard, FORECAST_CAVEATS};
use crate::table::{number, opt_number};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The forecast panel: `{ filters, breakdown, pseudonymise, expected }`. `breakdown` is the
/// split chosen on the page, which becomes the basis of every forecast (`null`: the whole
/// cohort); `expected: false` leaves the expected completions out (for a view that shows only
/// the scorecard).
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ForecastQuery {
    pub filters: Filters,
    pub breakdown: Option<String>,
    pub pseudonymise: bool,
    pub expected: bool,
}

impl Default for ForecastQuery {
    fn default() -> Self {
        ForecastQuery {
            filters: Filters::default(),
            breakdown: None,
            pseudonymise: false,
            expected: true,
        }
    }
}

/// What the Forecast view shows.
#[derive(Debug, Serialize)]
pub struct ForecastPanel<'a> {
    pub as_at: NaiveDate,
    /// The breakdown whose groups are the forecasts' basis (`None`: the whole cohort).
    pub breakdown: Option<String>,
    pub breakdown_label: Option<String>,
    /// A group needs this many completed stages to be a basis.
    pub min_completions: u32,
    /// 3, 6 and 12.
    pub horizons: [u32; 3],
    /// Children in view and in all.
    pub matched: usize,
    pub total: usize,
    /// Per stage of the profile, in order.
    pub expected: Vec<ExpectedRow<'a>>,
    pub caveats: &'static [&'static str],
    /// Whether the profile has a `time_to_permanence` stage to decompose.
    pub decomposition: bool,
    /// England's adoption scorecard for the children in view, when the profile has one.
    pub scorecard: Option<ScorecardView<'a>>,
    /// Why there is no scorecard, when there is none.
    pub scorecard_note: Option<String>,
}

/// One stage's expected completions.
#[derive(Debug, Serialize)]
pub struct ExpectedRow<'a> {
    pub stage: &'a str,
    pub label: &'a str,
    /// Rows waiting "as at" among the children in view.
    pub waiting: u32,
    /// Of those, rows without a forecast (too few completions).
    pub without_forecast: u32,
    /// One per horizon: months, expected, 95% interval.
    pub horizons: Vec<HorizonFigure>,
}

#[derive(Debug, Serialize)]
pub struct HorizonFigure {
    pub months: u32,
    pub expected: f64,
    pub interval: [f64; 2],
}

/// The scorecard's headline figures and its measures as a table (the page's and the CSV's).
#[derive(Debug, Serialize)]
pub struct ScorecardView<'a> {
    pub description: &'a str,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub adopted: u32,
    pub table: Table,
}

/// The scorecard table's columns.
pub const SCORECARD_COLUMNS: [&str; 14] = [
    "measure",
    "label",
    "children",
    "mean_days",
    "mean_days_published",
    "median_days",
    "threshold_days",
    "within_threshold",
    "share_within_pct",
    "children_within",
    "left_out_start_unknown",
    "left_out_not_placed_for_adoption",
    "left_out_no_placement_order",
    "left_out_no_match",
];

/// The scorecard's measures as a table: A1, A2, A10 (means, medians, thresholds and the
/// children left out) and A3 (the share within 14 months), with the window in a note.
pub fn scorecard_table(s: &Scorecard) -> Table {
    let mut table = Table::new(&SCORECARD_COLUMNS);
    for m in [&s.a1, &s.a2, &s.a10] {
        table.push(vec![
            m.id.to_uppercase(),
            m.label.clone(),
            m.children.to_string(),
            opt_number(m.mean_days, 1),
            m.mean_days_rounded
                .map(|d| d.to_string())
                .unwrap_or_default(),
            opt_number(m.median_days, 1),
            m.threshold_days.to_string(),
            match m.within_threshold {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            String::new(),
            String::new(),
            m.excluded.start_unknown.to_string(),
            m.excluded.not_placed_for_adoption.to_string(),
            m.excluded.no_placement_order.to_string(),
            m.excluded.no_match.to_string(),
        ]);
    }
    let a3 = &s.a3;
    let mut row = vec![
        a3.id.to_uppercase(),
        a3.label.clone(),
        a3.children.to_string(),
    ];
    row.resize(8, String::new());
    row.push(opt_number(a3.pct, 1));
    row.push(a3.moved_in_within.to_string());
    row.resize(SCORECARD_COLUMNS.len(), String::new());
    table.push(row);
    table.notes.push(format!(
        "Children adopted from {} to {} ({} in all). Means over the children adopted, as the DfE's adoption scorecards compute them; the children still waiting are in the stages a1, a2 and a10 (Kaplan-Meier, counting waits still running).",
        s.window_from, s.window_to, s.adopted
    ));
    table
}

impl Explorer {
    /// Makes `breakdown` the basis of every forecast (the whole cohort for `None`), as
    /// `driftline analyze --breakdown` does: each waiting stage row's forecast and the
    /// report's expected completions are recomputed from the report's stage statistics, and
    /// the children's rows rebuilt. Nothing happens when it is already the basis. A
    /// breakdown that no stage has is the whole cohort.
    pub fn set_forecast_basis(&mut self, breakdown: Option<&str>) {
        let breakdown = breakdown
            .filter(|b| self.report.stages.iter().any(|s| s.groups.get(b).is_some()))
            .map(str::to_string);
        if breakdown == self.forecast_breakdown {
            return;
        }
        let config = ForecastConfig {
            breakdown: breakdown.clone(),
            ..ForecastConfig::default()
        };
        let report = &mut self.report;
        report.expected_completions = forecast::forecast_rows(
            &report.journeys.children,
            &mut report.journeys.stats,
            &report.stages,
            report.as_at,
            &config,
        );
        self.forecast_breakdown = breakdown;
        self.rows = super::rows::build_rows(&self.report);
    }

    /// The basis of the forecasts now (see [`Explorer::set_forecast_basis`]).
    pub fn forecast_basis(&self) -> Option<&str> {
        self.forecast_breakdown.as_deref()
    }

    fn forecast_config(&self) -> ForecastConfig {
        ForecastConfig {
            breakdown: self.forecast_breakdown.clone(),
            ..ForecastConfig::default()
        }
    }

    /// The Forecast view for `query`: its split becomes the forecasts' basis, then the
    /// expected completions of the children the filters choose, the caveats and the
    /// scorecard (of the children in view, as the stage table is).
    pub fn forecast(&mut self, query: &ForecastQuery) -> ForecastPanel<'_> {
        self.set_forecast_basis(query.breakdown.as_deref());
        self.filter_statistics(&query.filters);
        let chosen = self.chosen(&query.filters);
        let expected = if query.expected {
            forecast::expected_completions_of(
                &self.report.journeys.children,
                &self.report.journeys.stats,
                &chosen,
                &self.report.stages,
                self.report.as_at,
                &self.forecast_config(),
            )
        } else {
            Vec::new()
        };
        let profile = self.profile();
        let rows = profile
            .stages
            .iter()
            .map(|s| {
                let mine: Vec<_> = expected.iter().filter(|e| e.stage == s.id).collect();
                ExpectedRow {
                    stage: &s.id,
                    label: &s.label,
                    waiting: mine.first().map_or(0, |e| e.waiting),
                    without_forecast: mine.first().map_or(0, |e| e.without_forecast),
                    horizons: mine
                        .iter()
                        .map(|e| HorizonFigure {
                            months: e.months,
                            expected: e.expected,
                            interval: e.interval,
                        })
                        .collect(),
                }
            })
            .collect();
        let scorecard = match self.filtered_for(&query.filters) {
            Some(f) => f.statistics.scorecard.as_ref(),
            None => self.report.adoption_scorecard.as_ref(),
        };
        let scorecard_note = scorecard.is_none().then(|| {
            format!(
                "The adoption scorecard (the DfE's A1, A2, A10 and A3) is England's, and the timescales in force, {}, do not ask for it. Choose England's timescales on the Timescales tab to see it.",
                profile.label
            )
        });
        ForecastPanel {
            as_at: self.report.as_at,
            breakdown_label: self.forecast_breakdown.as_deref().map(breakdown_label),
            breakdown: self.forecast_breakdown.clone(),
            min_completions: MIN_COMPLETIONS,
            horizons: HORIZONS_MONTHS,
            matched: chosen.len(),
            total: self.rows.len(),
            expected: rows,
            caveats: &FORECAST_CAVEATS,
            decomposition: profile
                .stages
                .iter()
                .any(|s| s.id == crate::stats::decompose::PERMANENCE_STAGE),
            scorecard: scorecard.map(|s| ScorecardView {
                description: &s.description,
                window_from: s.window_from,
                window_to: s.window_to,
                adopted: s.adopted,
                table: scorecard_table(s),
            }),
            scorecard_note,
        }
    }

    /// The scorecard table of the children the filters choose (empty without a scorecard).
    pub fn scorecard_table(&mut self, filters: &Filters) -> Table {
        self.filter_statistics(filters);
        let scorecard = match self.filtered_for(filters) {
            Some(f) => f.statistics.scorecard.as_ref(),
            None => self.report.adoption_scorecard.as_ref(),
        };
        scorecard.map(scorecard_table).unwrap_or_default()
    }

    /// The QI view's monthly run chart of a stage's completions (see [`completions_layout`]).
    pub(super) fn completions_chart(
        &self,
        spec: &QiSpec,
        query: &ChartQuery,
        info: &mut ChartInfo,
    ) -> Result<Layout, ExploreError> {
        let profile = self.profile();
        let (stage_index, stage) = profile
            .stages
            .iter()
            .enumerate()
            .find(|(_, s)| s.id == spec.stage)
            .ok_or_else(|| ExploreError(format!("there is no stage {}", spec.stage)))?;
        let chosen = self.chosen(&query.filters);
        let as_at = self.report.as_at;
        let stats = &self.report.journeys.stats;
        let counts = monthly_completions(
            chosen.iter().filter_map(|&i| stats.get(i)),
            stage_index,
            as_at,
        );
        if counts.is_empty() {
            return Err(ExploreError(format!(
                "No child in view has completed \"{}\" yet, so there is nothing to chart.",
                stage.label
            )));
        }
        let values: Vec<(NaiveDate, f64)> = counts.iter().map(|&(d, n)| (d, n as f64)).collect();
        let mut config = spec.spc.config()?;
        config.chart = qi::ChartKind::Run;
        // The stage's target is in days; a count has none.
        config.target = None;
        config.direction = qi::Direction::Neutral;
        let chart = qi::analyze(&values, &config).map_err(|e| ExploreError(e.to_string()))?;
        let months = spec.forecast_months.min(24);
        let windows = month_windows(as_at, months);
        let forecast_config = self.forecast_config();
        let bases = Bases::new(&self.report.stages, &forecast_config);
        let expected = expected_in_windows(
            &self.report.journeys.children,
            stats,
            chosen.iter().copied(),
            &bases,
            stage_index,
            &windows.iter().map(|w| w.1).collect::<Vec<_>>(),
        );
        let forecast: Vec<ForecastPoint> = windows
            .iter()
            .zip(&expected)
            .map(|((first, _), e)| ForecastPoint {
                date: *first,
                expected: e.expected,
                interval: e.interval,
                note: format!("from the chances of {} children waiting", e.rows),
            })
            .collect();
        let options = SpcOptions {
            width: query.width(),
            height: match query.height {
                Some(h) if h.is_finite() => h.clamp(240.0, 2000.0),
                _ => 440.0,
            },
            note: Some(format!("the last month ends {}", as_at.format("%-d %b %Y"))),
            forecast: forecast.clone(),
            ..SpcOptions::new(
                &format!("{}: completions per month", stage.label),
                "completions",
            )
        };
        let mut layout = spc(&chart, &options, &BundledMetrics);
        layout.table = Some(completions_table(&chart, &forecast));
        info.table.clone_from(&layout.table);
        info.qi = Some(super::view::QiInfo {
            stage: stage.id.clone(),
            stage_label: stage.label.clone(),
            counts: counts.iter().map(|&(_, n)| n).collect(),
            chart,
        });
        info.forecast = forecast
            .iter()
            .zip(&expected)
            .map(|(f, e)| super::view::ForecastMonth {
                month: f.date,
                expected: f.expected,
                interval: f.interval,
                waiting: e.rows,
            })
            .collect();
        Ok(layout)
    }
}

/// The completions of stage `stage_index` per calendar month, from the month of the first
/// to the month of `as_at` (months without one count 0). A completion is a stage row that
/// ended on or before `as_at`, counted as the stage series count them (rows whose start is
/// unknown or that ended before the data are left out). Each month is dated by its first day.
pub fn monthly_completions<'a>(
    stats: impl IntoIterator<Item = &'a crate::stats::ChildStats>,
    stage_index: usize,
    as_at: NaiveDate,
) -> Vec<(NaiveDate, usize)> {
    let month = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    let mut ends: Vec<i32> = Vec::new();
    for cs in stats {
        for r in cs.stages.iter().filter(|r| r.stage_index == stage_index) {
            if r.start_unknown || r.before_data {
                continue;
            }
            if let Some(end) = r.end.filter(|e| *e <= as_at) {
                ends.push(month(end));
            }
        }
    }
    let Some(&first) = ends.iter().min() else {
        return Vec::new();
    };
    let last = month(as_at);
    let mut counts = vec![0usize; (last - first + 1).max(0) as usize];
    for m in ends {
        if let Some(c) = counts.get_mut((m - first) as usize) {
            *c += 1;
        }
    }
    counts
        .into_iter()
        .enumerate()
        .filter_map(|(k, n)| {
            let m = first + k as i32;
            let date = NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)?;
            Some((date, n))
        })
        .collect()
}

/// The numbers behind the completions chart: one row per month, then the forecast months.
pub fn completions_table(chart: &qi::SpcChart, forecast: &[ForecastPoint]) -> Table {
    let mut table = Table::new(&[
        "month",
        "kind",
        "completions",
        "centre",
        "variation",
        "special_cause",
        "forecast_lower_95",
        "forecast_upper_95",
    ]);
    for p in &chart.points {
        let lines = chart.lines_of(p);
        table.push(vec![
            p.date.map(|d| d.to_string()).unwrap_or_default(),
            "observed".into(),
            number(p.value, 0),
            opt_number(lines.map(|l| l.centre), 2),
            p.variation.id().to_string(),
            p.special_cause
                .map_or(String::new(), |c| c.id().to_string()),
            String::new(),
            String::new(),
        ]);
    }
    for f in forecast {
        table.push(vec![
            f.date.to_string(),
            "forecast".into(),
            number(f.expected, 2),
            String::new(),
            String::new(),
            String::new(),
            number(f.interval[0], 2),
            number(f.interval[1], 2),
        ]);
    }
    if !forecast.is_empty() {
        table.notes.push(
            "Forecast months: the sum of each waiting child's chance of completing in that month, with a 95% interval from the variance of that sum; they are not points of the run chart and no rule reads them.".into(),
        );
    }
    table
}
