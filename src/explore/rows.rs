//! One row per child for the page's children table, computed once from the report (and again
//! when the profile changes): where the child is now, days in care, the stage they wait in,
//! what is overdue, and the keys the filters, search and sort read.
//!
//! This module owns the "current stage" rule: of the stages still running in the current care
//! period, the one that started last (the first in the profile's order on a tie). Every other
//! fact comes from the journeys and `stats` (ages from [`stats::child::age_months`], bands from
//! [`AgeBand::from_months`], routes from the care period's statistics).

use super::filter::{placement_key_label, Facets, Filters, NeutralNames, NOT_IN_CARE, UNKNOWN};
use super::order::SortKey;
use super::pseudonym::{pseudonym, Neutrals};
use crate::compact::{Maybe, MaybeF64};
use crate::model::{Child, LegalCategory, PlacementCategory, Text};
use crate::report::Report;
use crate::stats::{self, AgeBand, CensoredBy, ChildStats, Profile, Route};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeSet;

/// No text: what a pseudonymised row shows for free text.
static NO_TEXT: Option<Text> = None;

/// One child's row of the children table.
#[derive(Clone, Debug)]
pub struct ChildRow {
    /// The child's position in the report's journeys.
    pub index: usize,
    pub child_id: Text,
    pub date_of_birth: Option<NaiveDate>,
    pub age_months: Maybe<i32>,
    pub age_at_entry_months: Maybe<i32>,
    pub sex: Option<Text>,
    pub local_authority: Option<Text>,
    pub team: Option<Text>,
    /// The authority and team as pseudonymised views name them ("Authority A", "Team A").
    pub neutral_authority: Option<Text>,
    pub neutral_team: Option<Text>,
    pub in_care: bool,
    pub latest_entry: Option<NaiveDate>,
    pub left_care: Option<NaiveDate>,
    pub care_periods: usize,
    pub days_in_care: Maybe<i32>,
    pub moves: u32,
    pub placement: Option<PlacementCategory>,
    pub placement_type: Option<Text>,
    pub legal_status: Option<LegalCategory>,
    pub legal_label: Option<Text>,
    /// The route to permanence of the most recent care period.
    pub route: Option<Route>,
    /// The stage the child is waiting in now, if in care (boxed: most rows have none, and a
    /// row is then smaller by the stage's size).
    pub current_stage: Option<Box<CurrentStage>>,
    /// The labels of the stages the child is waiting in beyond their target.
    pub overdue: Box<[Text]>,
    pub placements_last_12_months: u32,
    pub unstable: bool,
    /// The labels of the profile's checks the child is over (such as PACE Aim 1).
    pub checks_over: Box<[Text]>,
}

/// The profile's names as the rows hold them: each made once and shared by every row that
/// shows it, rather than copied into each (a large cohort has tens of thousands of children
/// waiting in a stage).
#[derive(Clone, Debug, Default)]
pub struct ProfileNames {
    /// Each stage's id, label and target in words, in the profile's order.
    stages: Vec<(Text, Text, Option<Text>)>,
    /// Each check's id and label.
    checks: Vec<(Text, Text)>,
}

impl ProfileNames {
    pub fn of(profile: &Profile) -> ProfileNames {
        ProfileNames {
            stages: profile
                .stages
                .iter()
                .map(|s| {
                    (
                        Text::from(s.id.as_str()),
                        Text::from(s.label.as_str()),
                        s.target.map(|t| Text::from(t.to_string())),
                    )
                })
                .collect(),
            checks: profile
                .checks
                .iter()
                .map(|c| (Text::from(c.id.as_str()), Text::from(c.label.as_str())))
                .collect(),
        }
    }

    /// A stage's label, or its id when the profile has no such stage.
    fn stage_label(&self, id: &Text) -> Text {
        self.stages
            .iter()
            .find(|s| *s.0 == **id)
            .map_or_else(|| id.clone(), |s| s.1.clone())
    }

    /// A check's label, or its id when the profile has no such check.
    fn check_label(&self, id: &Text) -> Text {
        self.checks
            .iter()
            .find(|c| *c.0 == **id)
            .map_or_else(|| id.clone(), |c| c.1.clone())
    }
}

/// The stage a child in care is waiting in now (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurrentStage {
    pub id: Text,
    pub label: Text,
    pub start: NaiveDate,
    pub days: u32,
    pub target: Option<Text>,
    pub target_date: Option<NaiveDate>,
    pub overdue: bool,
    /// The forecast's likely end date (`explore::forecast`), if it has one.
    pub expected_date: Option<NaiveDate>,
    /// The forecast's chance of ending by the target date, if the target is still ahead.
    pub chance_by_target: MaybeF64,
}

/// A row as a view shows it: pseudonymised (no ID, no date of birth) or not.
#[derive(Debug, Serialize)]
pub struct ShownRow<'a> {
    pub index: usize,
    pub child: String,
    pub date_of_birth: Option<NaiveDate>,
    pub age_months: Option<i32>,
    /// The age in words ("7 years 3 months").
    pub age: Option<String>,
    pub sex: &'a Option<Text>,
    pub local_authority: Option<Text>,
    pub team: Option<Text>,
    pub in_care: bool,
    pub latest_entry: Option<NaiveDate>,
    pub left_care: Option<NaiveDate>,
    pub care_periods: usize,
    pub days_in_care: Option<i64>,
    pub moves: u32,
    pub placement: Option<PlacementCategory>,
    pub placement_label: Option<&'static str>,
    pub placement_type: &'a Option<Text>,
    pub legal_status: Option<LegalCategory>,
    pub legal_status_label: Option<&'static str>,
    pub legal_label: &'a Option<Text>,
    pub route: Option<Route>,
    pub route_label: Option<&'static str>,
    pub current_stage: Option<&'a CurrentStage>,
    pub overdue: &'a [Text],
    pub placements_last_12_months: u32,
    pub unstable: bool,
    pub checks_over: &'a [Text],
}

/// How many rows each block of [`Rows`] holds (about 135 kB of rows in wasm).
const BLOCK: usize = 1024;

/// Every child's row, in the report's order, kept in blocks of [`BLOCK`] rows rather than in
/// one allocation. The rows are built last, after the journeys and the statistics: one block
/// of every row (8.4 MB for 63,400 children) only fits at the top of wasm memory, which never
/// shrinks, while blocks of 135 kB fit in the room the earlier phases freed.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    blocks: Vec<Vec<ChildRow>>,
    len: usize,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The row of the child at `index` in the report's journeys.
    pub fn get(&self, index: usize) -> Option<&ChildRow> {
        self.blocks.get(index / BLOCK)?.get(index % BLOCK)
    }

    /// Every row, in order.
    pub fn iter(&self) -> std::iter::Flatten<std::slice::Iter<'_, Vec<ChildRow>>> {
        self.into_iter()
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = ChildRow;

    /// The row at `index`; panics when there is none, as a slice does.
    fn index(&self, index: usize) -> &ChildRow {
        self.get(index)
            .unwrap_or_else(|| panic!("no row {index} of {}", self.len))
    }
}

impl FromIterator<ChildRow> for Rows {
    fn from_iter<I: IntoIterator<Item = ChildRow>>(rows: I) -> Rows {
        let mut out = Rows::default();
        for row in rows {
            match out.blocks.last_mut() {
                Some(block) if block.len() < BLOCK => block.push(row),
                _ => {
                    let mut block = Vec::with_capacity(BLOCK);
                    block.push(row);
                    out.blocks.push(block);
                }
            }
            out.len += 1;
        }
        if let Some(last) = out.blocks.last_mut() {
            last.shrink_to_fit();
        }
        out
    }
}

impl<'a> IntoIterator for &'a Rows {
    type Item = &'a ChildRow;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<ChildRow>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.blocks.iter().flatten()
    }
}

/// Every child's row, in the report's order.
pub fn build_rows(report: &Report) -> Rows {
    let fallback = Profile::default();
    let profile = report.profile.as_ref().unwrap_or(&fallback);
    let neutral = Neutrals::of(report);
    let names = ProfileNames::of(profile);
    report
        .journeys
        .iter()
        .enumerate()
        .map(|(i, child)| {
            let mut row =
                ChildRow::new(i, child, report.journeys.stats_of(i), &names, report.as_at);
            let name = |n: &super::pseudonym::Neutral, t: &Option<Text>| {
                t.as_deref().and_then(|t| n.name(t)).cloned()
            };
            row.neutral_team = name(&neutral.team, &row.team);
            row.neutral_authority = name(&neutral.local_authority, &row.local_authority);
            row
        })
        .collect()
}

impl ChildRow {
    /// The row of the child at `index` in the report, "as at" `as_at`.
    pub fn new(
        index: usize,
        child: &Child,
        stats: Option<&ChildStats>,
        names: &ProfileNames,
        as_at: NaiveDate,
    ) -> ChildRow {
        let latest_index = child.care_periods.iter().rposition(|p| p.start <= as_at);
        let latest = latest_index.and_then(|i| child.care_periods.get(i));
        let current = latest.filter(|p| p.contains(as_at));
        let placement = current.and_then(|p| p.placement_on(as_at));
        let legal = current.and_then(|_| child.legal_on(as_at));
        let days_in_care = latest.map(|p| {
            let until = p.end.map_or(as_at, |e| e.min(as_at));
            // Whole days between two dates always fit in an `i32` (chrono's years are).
            i32::try_from((until - p.start).num_days().max(0)).unwrap_or(i32::MAX)
        });
        let route = latest_index
            .and_then(|i| stats?.care_period_stats.get(i))
            .map(|p| p.route);
        let waiting: Vec<&stats::StageRow> = match (stats, current) {
            (Some(s), Some(_)) => s
                .stages
                .iter()
                .filter(|r| {
                    Some(r.care_period_index) == latest_index
                        && r.end.is_none()
                        && r.censored_by == Some(CensoredBy::AsAt)
                })
                .collect(),
            _ => Vec::new(),
        };
        let current_stage = waiting
            .iter()
            .max_by(|a, b| {
                a.start
                    .cmp(&b.start)
                    .then_with(|| b.stage_index.cmp(&a.stage_index))
            })
            .map(|r| CurrentStage {
                id: r.stage.clone(),
                label: names.stage_label(&r.stage),
                start: r.start,
                days: r.days,
                target: names.stages.get(r.stage_index).and_then(|s| s.2.clone()),
                target_date: r.target_date,
                overdue: r.overdue,
                expected_date: r.forecast.as_ref().and_then(|f| f.expected_date),
                chance_by_target: r
                    .forecast
                    .as_ref()
                    .map_or(MaybeF64::NONE, |f| f.chance_by_target),
            });
        let overdue = waiting
            .iter()
            .filter(|r| r.overdue)
            .map(|r| names.stage_label(&r.stage))
            .collect();
        let checks_over = stats
            .map(|s| {
                s.checks
                    .iter()
                    .filter(|h| h.over)
                    .map(|h| names.check_label(&h.check))
                    .collect()
            })
            .unwrap_or_default();
        let dob = child.date_of_birth;
        ChildRow {
            index,
            child_id: child.id.clone(),
            date_of_birth: dob,
            age_months: dob.map(|d| stats::child::age_months(d, as_at)).into(),
            age_at_entry_months: match (dob, latest) {
                (Some(d), Some(p)) => Some(stats::child::age_months(d, p.start)),
                _ => None,
            }
            .into(),
            sex: child.sex.clone(),
            local_authority: child.local_authority.clone(),
            team: child.team.clone(),
            neutral_authority: None,
            neutral_team: None,
            in_care: current.is_some(),
            latest_entry: latest.map(|p| p.start),
            left_care: latest.and_then(|p| p.end).filter(|e| *e <= as_at),
            care_periods: child.care_periods.len(),
            days_in_care: days_in_care.into(),
            moves: child.care_periods.iter().map(|p| p.moves).sum(),
            placement: placement.map(|p| p.category),
            placement_type: placement.map(|p| p.placement_type.clone()),
            legal_status: legal.map(|l| l.category),
            legal_label: legal.map(|l| l.legal_status.clone()),
            route,
            current_stage: current_stage.map(Box::new),
            overdue,
            placements_last_12_months: stats.map_or(0, |s| s.placements_last_12_months),
            unstable: stats.is_some_and(|s| s.unstable),
            checks_over,
        }
    }

    /// "Child n": the child's name wherever the page pseudonymises, the same in every view
    /// (made from the row's place when asked for, not kept in every row).
    pub fn pseudonym(&self) -> String {
        pseudonym(self.index)
    }

    /// The child's name as shown: the ID, or the pseudonym.
    pub fn name(&self, pseudonymise: bool) -> String {
        if pseudonymise {
            self.pseudonym()
        } else {
            self.child_id.to_string()
        }
    }

    /// The row as a view shows it.
    pub fn shown(&self, pseudonymise: bool) -> ShownRow<'_> {
        ShownRow {
            index: self.index,
            child: self.name(pseudonymise),
            date_of_birth: if pseudonymise {
                None
            } else {
                self.date_of_birth
            },
            age_months: self.age_months.get(),
            age: self.age_months.get().map(age_words),
            sex: &self.sex,
            // A team's or authority's name can tell who a child is: pseudonymised, they are
            // named neutrally.
            local_authority: if pseudonymise {
                self.neutral_authority.clone()
            } else {
                self.local_authority.clone()
            },
            team: if pseudonymise {
                self.neutral_team.clone()
            } else {
                self.team.clone()
            },
            in_care: self.in_care,
            latest_entry: self.latest_entry,
            left_care: self.left_care,
            care_periods: self.care_periods,
            days_in_care: self.days_in_care.get().map(i64::from),
            moves: self.moves,
            placement: self.placement,
            placement_label: self.placement.map(|c| c.label()),
            // The placement type and legal status as written are free text ("Foster care with
            // Gran Smith"): pseudonymised, only their categories are shown.
            placement_type: if pseudonymise {
                &NO_TEXT
            } else {
                &self.placement_type
            },
            legal_status: self.legal_status,
            legal_status_label: self.legal_status.map(|c| c.label()),
            legal_label: if pseudonymise {
                &NO_TEXT
            } else {
                &self.legal_label
            },
            route: self.route,
            route_label: self.route.map(Route::label),
            current_stage: self.current_stage.as_deref(),
            overdue: &self.overdue,
            placements_last_12_months: self.placements_last_12_months,
            unstable: self.unstable,
            checks_over: &self.checks_over,
        }
    }

    /// The placement filter's value for this child: the category now, or not in care.
    pub fn placement_key(&self) -> &'static str {
        match (self.in_care, self.placement) {
            (true, Some(c)) => c.id(),
            (true, None) => PlacementCategory::Other.id(),
            (false, _) => NOT_IN_CARE,
        }
    }

    /// The age band at the latest entry to care.
    pub fn age_band(&self) -> AgeBand {
        AgeBand::from_months(self.age_at_entry_months.get())
    }

    /// The route filter's value for this child.
    pub fn route_key(&self) -> &'static str {
        self.route.map_or(UNKNOWN, Route::id)
    }

    /// Whether the filters choose this child.
    pub fn matches(&self, filters: &Filters) -> bool {
        let text = |want: &Option<String>, have: &Option<Text>| {
            want.as_deref()
                .is_none_or(|w| w.is_empty() || have.as_deref().unwrap_or(UNKNOWN) == w)
        };
        let exact = |want: &Option<String>, have: &str| {
            want.as_deref().is_none_or(|w| w.is_empty() || w == have)
        };
        // A team or authority is chosen by its name or by its pseudonymised view's name.
        let named = |want: &Option<String>, have: &Option<Text>, neutral: &Option<Text>| {
            text(want, have)
                || want
                    .as_deref()
                    .is_some_and(|w| neutral.as_deref() == Some(w))
        };
        text(&filters.sex, &self.sex)
            && named(
                &filters.local_authority,
                &self.local_authority,
                &self.neutral_authority,
            )
            && named(&filters.team, &self.team, &self.neutral_team)
            && exact(&filters.placement, self.placement_key())
            && exact(&filters.age_band, self.age_band().id())
            && exact(&filters.route, self.route_key())
            && filters.year_of_entry.as_deref().is_none_or(|y| {
                y.is_empty() || self.latest_entry.is_some_and(|d| d.year().to_string() == y)
            })
    }

    /// Whether the lower-cased `needle` is in any searchable column as shown (the pseudonym
    /// rather than the ID when pseudonymised).
    pub fn matches_search(&self, needle: &str, pseudonymise: bool) -> bool {
        if needle.is_empty() {
            return true;
        }
        let name;
        let id: &str = if pseudonymise {
            name = self.pseudonym();
            &name
        } else {
            &self.child_id
        };
        // Pseudonymised, the free text is not searched either (a search must not find a child
        // by what the view does not show).
        let (placement_type, legal_label, authority, team) = if pseudonymise {
            (
                None,
                None,
                self.neutral_authority.as_deref(),
                self.neutral_team.as_deref(),
            )
        } else {
            (
                self.placement_type.as_deref(),
                self.legal_label.as_deref(),
                self.local_authority.as_deref(),
                self.team.as_deref(),
            )
        };
        [
            Some(id),
            placement_type,
            self.placement.map(|c| c.label()),
            legal_label,
            self.legal_status.map(|c| c.label()),
            authority,
            team,
            self.current_stage.as_ref().map(|s| &*s.label),
        ]
        .iter()
        .flatten()
        .any(|t| t.to_lowercase().contains(needle))
    }

    /// The row's key for sorting by `column` (unknown columns keep the report's order).
    pub fn sort_key(&self, column: &str) -> SortKey {
        let num = |v: Option<i64>| v.map_or(SortKey::Missing, SortKey::Num);
        match column {
            // Child IDs sort as people read them: "C2" before "C10".
            "child" => SortKey::Natural(self.child_id.to_lowercase()),
            "pseudonym" => SortKey::Num(self.index as i64),
            "date_of_birth" => num(self.date_of_birth.map(|d| i64::from(d.num_days_from_ce()))),
            "age" => num(self.age_months.get().map(i64::from)),
            "sex" => SortKey::text(self.sex.as_deref()),
            "local_authority" => SortKey::text(self.local_authority.as_deref()),
            "team" => SortKey::text(self.team.as_deref()),
            // Pseudonymised, by the names shown (the real names' order would tell them).
            "local_authority_pseudonymised" => SortKey::text(self.neutral_authority.as_deref()),
            "team_pseudonymised" => SortKey::text(self.neutral_team.as_deref()),
            "placement" => SortKey::text(self.placement.map(|c| c.label())),
            "legal_status" => SortKey::text(self.legal_status.map(|c| c.label())),
            "latest_entry" => num(self.latest_entry.map(|d| i64::from(d.num_days_from_ce()))),
            "days_in_care" => num(self.days_in_care.get().map(i64::from)),
            "care_periods" => SortKey::Num(self.care_periods as i64),
            "moves" => SortKey::Num(i64::from(self.moves)),
            "current_stage" => num(self.current_stage.as_ref().map(|s| i64::from(s.days))),
            "likely_by" => num(self
                .current_stage
                .as_ref()
                .and_then(|s| s.expected_date)
                .map(|d| i64::from(d.num_days_from_ce()))),
            // In thousandths, so that the order is exact.
            "chance_by_target" => num(self
                .current_stage
                .as_ref()
                .and_then(|s| s.chance_by_target.get())
                .map(|p| (p * 1000.0).round() as i64)),
            "overdue" => SortKey::Num(self.overdue.len() as i64 + self.checks_over.len() as i64),
            "placements_last_12_months" => SortKey::Num(i64::from(self.placements_last_12_months)),
            "route" => SortKey::text(self.route.map(Route::label)),
            _ => SortKey::Num(self.index as i64),
        }
    }
}

/// "7 years 3 months", "11 months", "Not yet born".
pub fn age_words(months: i32) -> String {
    if months < 0 {
        return "Not yet born".into();
    }
    let (y, m) = (months / 12, months % 12);
    let unit = |n: i32, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (y, m) {
        (0, m) => unit(m, "month"),
        (y, 0) => unit(y, "year"),
        (y, m) => format!("{} {}", unit(y, "year"), unit(m, "month")),
    }
}

/// The values the filters can take among `rows`, in display order; pseudonymised, teams and
/// authorities by their neutral names (which the filters take too).
/// Each team's and authority's name beside its neutral name (see [`NeutralNames`]); a child
/// with none recorded is under "unknown" in both.
pub fn neutral_names(rows: &Rows) -> NeutralNames {
    let or_unknown = |t: &Option<Text>| t.clone().unwrap_or_else(|| Text::from(UNKNOWN));
    let mut authority = std::collections::BTreeMap::new();
    let mut team = std::collections::BTreeMap::new();
    for r in rows {
        authority.insert(
            or_unknown(&r.local_authority),
            or_unknown(&r.neutral_authority),
        );
        team.insert(or_unknown(&r.team), or_unknown(&r.neutral_team));
    }
    NeutralNames {
        local_authority: authority.into_iter().collect(),
        team: team.into_iter().collect(),
    }
}

pub fn facets(rows: &Rows, pseudonymise: bool) -> Facets {
    let mut sex = BTreeSet::new();
    let mut authority = BTreeSet::new();
    let mut team = BTreeSet::new();
    let mut years = BTreeSet::new();
    let mut placements = BTreeSet::new();
    let mut bands = BTreeSet::new();
    let mut routes = BTreeSet::new();
    let or_unknown = |t: &Option<Text>| t.clone().unwrap_or_else(|| Text::from(UNKNOWN));
    for r in rows {
        sex.insert(or_unknown(&r.sex));
        if pseudonymise {
            authority.insert(or_unknown(&r.neutral_authority));
            team.insert(or_unknown(&r.neutral_team));
        } else {
            authority.insert(or_unknown(&r.local_authority));
            team.insert(or_unknown(&r.team));
        }
        if let Some(d) = r.latest_entry {
            years.insert(d.year());
        }
        placements.insert(r.placement_key());
        bands.insert(r.age_band());
        routes.insert(r.route_key());
    }
    let labelled = |breakdown: &str, values: BTreeSet<Text>| {
        values
            .into_iter()
            .map(|v| {
                let label = crate::stats::group_label(breakdown, &v);
                (v, label)
            })
            .collect()
    };
    Facets {
        sex: labelled("sex", sex),
        local_authority: labelled("local_authority", authority),
        team: labelled("team", team),
        year_of_entry: years
            .into_iter()
            .rev()
            .map(|y| (y.to_string(), y.to_string()))
            .collect(),
        placement: PlacementCategory::ALL
            .iter()
            .map(|c| c.id())
            .chain(std::iter::once(NOT_IN_CARE))
            .filter(|id| placements.contains(id))
            .map(|id| (id, placement_key_label(id)))
            .collect(),
        route: Route::ALL
            .iter()
            .filter(|r| routes.contains(r.id()))
            .map(|r| (r.id(), r.label()))
            .chain(
                routes
                    .contains(UNKNOWN)
                    .then_some((UNKNOWN, "Never looked after")),
            )
            .collect(),
        age_band: AgeBand::ALL
            .iter()
            .filter(|b| bands.contains(b))
            .map(|b| (b.id(), b.label()))
            .collect(),
    }
}
