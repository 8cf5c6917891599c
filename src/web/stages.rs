//! The stage statistics as the page shows them: the stage table (for everyone or by a
//! breakdown) with its wording, its CSV export, and the QI view's series and charts per stage.
//!
//! This module owns the page's *presentation* of [`crate::stats`] results: labels for
//! breakdowns and their groups, a compact form of each group's figures (the Kaplan–Meier
//! curve left in the worker, where the charts are drawn), the stage table's CSV columns, and
//! turning a stage's completed waits into the series a run or XmR chart plots. Every figure
//! comes from `stats::compute` or `qi::analyze`; nothing here is computed twice. It does not
//! filter children (the session does) and never reads the clock.

use super::session::Csv;
use crate::model::{LegalCategory, PlacementCategory};
use crate::qi::{self, Annotation, ChartKind, RuleSet, SpcChart, SpcConfig};
use crate::stats::series::StageSeries;
use crate::stats::{CheckSummary, GroupStats, Profile, RestrictedMean, Route, StageSummary};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The breakdowns a stage table can be split by, with their labels, in display order.
pub const BREAKDOWNS: [(&str, &str); 8] = [
    ("placement", "Placement when the stage started"),
    ("legal_status", "Legal status when the stage started"),
    ("age_at_entry", "Age at entry"),
    ("sex", "Sex"),
    ("local_authority", "Authority"),
    ("team", "Team"),
    ("year_of_entry", "Year of entry"),
    ("route", "Route to permanence"),
];

/// Age bands at entry, with their labels.
pub const AGE_BANDS: [(&str, &str); 5] = [
    ("under_1", "Under 1"),
    ("1_to_4", "1 to 4"),
    ("5_to_11", "5 to 11"),
    ("12_and_over", "12 and over"),
    ("unknown", "Age not known"),
];

/// The label of a breakdown (`attribute:<name>` is labelled by its name).
pub fn breakdown_label(id: &str) -> String {
    if let Some(name) = id.strip_prefix("attribute:") {
        return name.to_string();
    }
    BREAKDOWNS
        .iter()
        .find(|(b, _)| *b == id)
        .map_or_else(|| id.to_string(), |(_, label)| (*label).to_string())
}

/// The label of one group of a breakdown.
pub fn group_label(breakdown: &str, value: &str) -> String {
    let known = match breakdown {
        "placement" => PlacementCategory::from_id(value).map(|c| c.label()),
        "legal_status" => LegalCategory::from_id(value).map(|c| c.label()),
        "age_at_entry" => AGE_BANDS
            .iter()
            .find(|(id, _)| *id == value)
            .map(|(_, l)| *l),
        "route" => Route::ALL
            .iter()
            .find(|r| r.id() == value)
            .map(|r| route_label(*r)),
        _ => None,
    };
    match known {
        Some(label) => label.to_string(),
        None if value == "unknown" => "Not recorded".to_string(),
        None => value.to_string(),
    }
}

/// How a route to permanence is said on the page.
pub fn route_label(route: Route) -> &'static str {
    match route {
        Route::Home => "Home (remained or returned)",
        Route::PermanenceOrder => "Permanence Order",
        Route::KinshipCareOrder => "Kinship Care Order or similar",
        Route::Adoption => "Adoption",
        Route::OtherOrder => "Other order",
        Route::LeftCareOther => "Left care another way",
        Route::StillLookedAfter => "Still looked after",
    }
}

/// The stage table the Overview shows: every stage for the children in view, and, with a
/// breakdown, every group of it.
#[derive(Serialize)]
pub struct StageTable<'a> {
    pub profile_id: &'a str,
    pub profile_label: &'a str,
    /// Children the figures are for (after the filters) and in all.
    pub matched: usize,
    pub total: usize,
    /// Counts of the children in view.
    pub counts: CohortCounts,
    /// The breakdown shown, if any, with its label.
    pub breakdown: Option<(String, String)>,
    /// The breakdowns that have groups for at least one stage, as `[id, label]`.
    pub breakdowns: Vec<(String, String)>,
    pub stages: Vec<StageView<'a>>,
    pub checks: Vec<CheckView>,
}

/// How many of the children in view are in care, waiting beyond a target, and moved three or
/// more times in the last 12 months.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct CohortCounts {
    pub in_care: usize,
    pub overdue: usize,
    pub unstable: usize,
}

/// One stage row of the table, with its groups under the breakdown shown.
#[derive(Serialize)]
pub struct StageView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub description: &'a str,
    /// The target as written ("6 weeks"), if any.
    pub target: Option<String>,
    #[serde(flatten)]
    pub figures: Figures<'a>,
    /// `[value, label, figures]` for each group of the breakdown shown.
    pub groups: Vec<(String, String, Figures<'a>)>,
}

/// A group's figures without the Kaplan–Meier curve (which stays in the worker).
#[derive(Serialize)]
pub struct Figures<'a> {
    pub started: u32,
    pub completed: u32,
    pub censored: u32,
    pub median_days: Option<f64>,
    pub q1_days: Option<f64>,
    pub q3_days: Option<f64>,
    pub min_days: Option<u32>,
    pub max_days: Option<u32>,
    pub within_target: Option<u32>,
    pub within_target_pct: Option<f64>,
    pub waiting_overdue: u32,
    pub km: KmFigures<'a>,
}

/// The Kaplan–Meier figures of a group.
#[derive(Serialize)]
pub struct KmFigures<'a> {
    pub median_days: Option<f64>,
    pub median_ci: [Option<f64>; 2],
    pub q1_days: Option<f64>,
    pub q3_days: Option<f64>,
    pub restricted_mean: &'a Option<RestrictedMean>,
}

/// A check's count, with the children over its limit (as indices into the session's children,
/// and as the page names them).
#[derive(Serialize)]
pub struct CheckView {
    pub id: String,
    pub label: String,
    pub longer_than: String,
    pub current: u32,
    pub over: u32,
    /// `[index, name]` of the first children over, longest first.
    pub children_over: Vec<(usize, String)>,
}

impl<'a> Figures<'a> {
    /// The compact form of a group's statistics.
    pub fn of(g: &'a GroupStats) -> Figures<'a> {
        Figures {
            started: g.started,
            completed: g.completed,
            censored: g.censored,
            median_days: g.median_days,
            q1_days: g.q1_days,
            q3_days: g.q3_days,
            min_days: g.min_days,
            max_days: g.max_days,
            within_target: g.within_target,
            within_target_pct: g.within_target_pct,
            waiting_overdue: g.waiting_overdue,
            km: KmFigures {
                median_days: g.km.median_days,
                median_ci: g.km.median_ci,
                q1_days: g.km.q1_days,
                q3_days: g.km.q3_days,
                restricted_mean: &g.km.restricted_mean,
            },
        }
    }
}

/// Everything [`stage_table`] needs.
pub struct TableInput<'a> {
    pub profile: &'a Profile,
    pub stages: &'a [StageSummary],
    pub checks: &'a [CheckSummary],
    pub matched: usize,
    pub total: usize,
    pub counts: CohortCounts,
    pub breakdown: Option<&'a str>,
    /// Turns a child ID into `(index, name as shown)`, or `None` if it is not in view.
    pub name_of: &'a dyn Fn(&str) -> Option<(usize, String)>,
}

/// The most children listed under a check.
const CHECK_CHILDREN: usize = 200;

/// Builds the stage table.
pub fn stage_table<'a>(input: &TableInput<'a>) -> StageTable<'a> {
    let breakdown = input
        .breakdown
        .filter(|b| !b.is_empty())
        .map(|b| (b.to_string(), breakdown_label(b)));
    let mut available: Vec<String> = Vec::new();
    for s in input.stages {
        for key in s.groups.keys() {
            if !available.iter().any(|a| a == key) {
                available.push(key.to_string());
            }
        }
    }
    // The fixed breakdowns first, in their order, then the attributes as found.
    let mut breakdowns: Vec<(String, String)> = BREAKDOWNS
        .iter()
        .filter(|(id, _)| available.iter().any(|a| a == id))
        .map(|(id, label)| ((*id).to_string(), (*label).to_string()))
        .collect();
    for a in &available {
        if !BREAKDOWNS.iter().any(|(id, _)| id == a) {
            breakdowns.push((a.clone(), breakdown_label(a)));
        }
    }
    let stages = input
        .stages
        .iter()
        .map(|s| {
            let description = input
                .profile
                .stages
                .iter()
                .find(|p| p.id == s.id)
                .map_or("", |p| p.description.as_str());
            let groups = match &breakdown {
                Some((b, _)) => s
                    .groups
                    .get(b)
                    .map(|g| {
                        g.0.iter()
                            .map(|(value, stats)| {
                                (value.clone(), group_label(b, value), Figures::of(stats))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            StageView {
                id: &s.id,
                label: &s.label,
                description,
                target: s.target.map(|t| t.to_string()),
                figures: Figures::of(&s.stats),
                groups,
            }
        })
        .collect();
    let checks = input
        .checks
        .iter()
        .map(|c| CheckView {
            id: c.id.clone(),
            label: c.label.clone(),
            longer_than: c.longer_than.to_string(),
            current: c.current,
            over: c.over,
            children_over: c
                .children_over
                .iter()
                .filter_map(|id| (input.name_of)(id))
                .take(CHECK_CHILDREN)
                .collect(),
        })
        .collect();
    StageTable {
        profile_id: &input.profile.id,
        profile_label: &input.profile.label,
        matched: input.matched,
        total: input.total,
        counts: input.counts,
        breakdown,
        breakdowns,
        stages,
        checks,
    }
}

/// The stage table as CSV: one row per stage, and one per stage and group under `breakdown`.
pub fn stage_table_csv(stages: &[StageSummary], breakdown: Option<&str>) -> String {
    let mut csv = Csv::new(&[
        "stage",
        "stage_label",
        "target",
        "breakdown",
        "group",
        "started",
        "completed",
        "censored",
        "median_days",
        "q1_days",
        "q3_days",
        "within_target",
        "within_target_pct",
        "waiting_overdue",
        "km_median_days",
        "km_median_lower",
        "km_median_upper",
    ]);
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut row = |s: &StageSummary, b: &str, group: &str, g: &GroupStats| {
        csv.row(&[
            &s.id,
            &s.label,
            &s.target.map(|t| t.to_string()).unwrap_or_default(),
            b,
            group,
            &g.started.to_string(),
            &g.completed.to_string(),
            &g.censored.to_string(),
            &num(g.median_days),
            &num(g.q1_days),
            &num(g.q3_days),
            &g.within_target.map(|n| n.to_string()).unwrap_or_default(),
            &num(g.within_target_pct),
            &g.waiting_overdue.to_string(),
            &num(g.km.median_days),
            &num(g.km.median_ci[0]),
            &num(g.km.median_ci[1]),
        ]);
    };
    for s in stages {
        row(s, "", "", &s.stats);
        if let Some(groups) = breakdown.and_then(|b| s.groups.get(b).map(|g| (b, g))) {
            for (value, g) in &groups.1 .0 {
                row(s, groups.0, value, g);
            }
        }
    }
    csv.finish()
}

/// What the QI view asks for: a chart of one stage's completed waits.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct QiSpec {
    /// The stage id.
    pub stage: String,
    /// `run` or `xmr`.
    pub chart: String,
    /// `none` (one point per completed wait, dated when it ended), `month` or `quarter`
    /// (the median of the waits that ended in each).
    pub aggregation: String,
    /// `anhoej`, `ihi`, `mdc`, `nhse-2024`, or empty for the chart's default.
    pub rules: String,
    /// Fix the centre and limits after this many points.
    pub baseline: Option<usize>,
    /// Dates (`YYYY-MM-DD`) where a new segment starts.
    pub rebase: Vec<String>,
    /// Tests of change: `{ date, label }`.
    pub annotations: Vec<AnnotationSpec>,
    /// A target in days, for the target line and the assurance icon.
    pub target: Option<f64>,
}

/// A test of change as the page sends it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnnotationSpec {
    pub date: String,
    pub label: String,
}

impl Default for QiSpec {
    fn default() -> Self {
        QiSpec {
            stage: String::new(),
            chart: "run".into(),
            aggregation: "none".into(),
            rules: String::new(),
            baseline: None,
            rebase: Vec::new(),
            annotations: Vec::new(),
            target: None,
        }
    }
}

/// The chart configuration a QI spec describes.
pub fn qi_config(spec: &QiSpec) -> Result<SpcConfig, String> {
    let chart = match spec.chart.as_str() {
        "run" => ChartKind::Run,
        "xmr" => ChartKind::Xmr,
        other => return Err(format!("unknown chart {other}: use run or xmr")),
    };
    let rules = match spec.rules.trim() {
        "" => None,
        text => Some(text.parse::<RuleSet>().map_err(|e| e.to_string())?),
    };
    let date = |text: &str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{text} is not a date written YYYY-MM-DD"))
    };
    let mut rebase = spec
        .rebase
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| date(t))
        .collect::<Result<Vec<_>, _>>()?;
    rebase.sort();
    rebase.dedup();
    let annotations = spec
        .annotations
        .iter()
        .filter(|a| !a.date.trim().is_empty())
        .map(|a| {
            Ok(Annotation {
                date: date(&a.date)?,
                label: a.label.trim().to_string(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(SpcConfig {
        rules,
        baseline: spec.baseline.filter(|&n| n > 0),
        rebase,
        target: spec.target.filter(|t| t.is_finite()),
        annotations,
        ..SpcConfig::new(chart)
    })
}

/// Analyses a stage series under a QI spec.
pub fn qi_chart(series: &StageSeries, spec: &QiSpec) -> Result<SpcChart, String> {
    let config = qi_config(spec)?;
    qi::analyze(&series.values(), &config).map_err(|e| e.to_string())
}
