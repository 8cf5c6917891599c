//! The page's global filters and the values each can take (the facets).
//!
//! A child is chosen by its most recent care period (placement now, age at entry, year of
//! entry, route) and its own details (sex, authority, team). Each filter is a value id, or
//! empty/absent for everyone; a child without a value is `unknown`. This module owns the
//! filters' names and values; the rows say what each child's values are.

use super::rows::ChildRow;
use crate::model::{PlacementCategory, Text};
use crate::stats::{AgeBand, Route};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The value of a child without one (no sex, team, route …).
pub const UNKNOWN: &str = "unknown";
/// The placement filter's value for a child not in care.
pub const NOT_IN_CARE: &str = "not_in_care";

/// The global filters (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub placement: Option<String>,
    pub age_band: Option<String>,
    pub sex: Option<String>,
    pub local_authority: Option<String>,
    pub team: Option<String>,
    pub year_of_entry: Option<String>,
    pub route: Option<String>,
}

/// The values each filter can take in this report, as `[id, label]` where the id is not
/// already words.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Facets {
    pub placement: Vec<(&'static str, &'static str)>,
    pub age_band: Vec<(&'static str, &'static str)>,
    pub sex: Vec<Text>,
    pub local_authority: Vec<Text>,
    pub team: Vec<Text>,
    /// Latest first.
    pub year_of_entry: Vec<i32>,
    pub route: Vec<(&'static str, &'static str)>,
}

impl Filters {
    fn values(&self) -> [&Option<String>; 7] {
        [
            &self.placement,
            &self.age_band,
            &self.sex,
            &self.local_authority,
            &self.team,
            &self.year_of_entry,
            &self.route,
        ]
    }

    /// Whether no filter is set (everyone is chosen).
    pub fn is_empty(&self) -> bool {
        self.values()
            .iter()
            .all(|v| v.as_deref().is_none_or(str::is_empty))
    }

    /// The filters written canonically, to tell whether they changed.
    pub fn key(&self) -> String {
        let mut key = String::new();
        for v in self.values() {
            key.push_str(v.as_deref().unwrap_or(""));
            key.push('\u{1f}');
        }
        key
    }
}

/// The label of a placement filter value.
pub fn placement_key_label(id: &str) -> &'static str {
    PlacementCategory::from_id(id).map_or("Not in care", |c| c.label())
}

/// The values the filters can take among `rows`, in display order.
pub fn facets(rows: &[ChildRow]) -> Facets {
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
        authority.insert(or_unknown(&r.local_authority));
        team.insert(or_unknown(&r.team));
        if let Some(d) = r.latest_entry {
            years.insert(d.year());
        }
        placements.insert(r.placement_key());
        bands.insert(r.age_band());
        routes.insert(r.route_key());
    }
    Facets {
        sex: sex.into_iter().collect(),
        local_authority: authority.into_iter().collect(),
        team: team.into_iter().collect(),
        year_of_entry: years.into_iter().rev().collect(),
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
