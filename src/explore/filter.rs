//! The page's global filters and the values each can take (the facets).
//!
//! A child is chosen by its most recent care period (placement now, age at entry, year of
//! entry, route) and its own details (sex, authority, team). Each filter is a value id, or
//! empty/absent for everyone; a child without a value is `unknown`. This module owns the
//! filters' names and values; the rows say what each child's values are (and gather the
//! facets).

use crate::model::{PlacementCategory, Text};
use serde::{Deserialize, Serialize};

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

/// The values each filter can take in this report, each as `[value, label]` (a value that
/// is already words is its own label; `unknown` is "Not recorded").
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Facets {
    pub placement: Vec<(&'static str, &'static str)>,
    pub age_band: Vec<(&'static str, &'static str)>,
    pub sex: Vec<(Text, String)>,
    pub local_authority: Vec<(Text, String)>,
    pub team: Vec<(Text, String)>,
    /// Latest first.
    pub year_of_entry: Vec<(String, String)>,
    pub route: Vec<(&'static str, &'static str)>,
}

/// Each team's and authority's name with its neutral name (`[name, "Team A"]`), in name order:
/// what a page needs to keep a team chosen while Pseudonymise is switched on or off.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct NeutralNames {
    pub local_authority: Vec<(Text, Text)>,
    pub team: Vec<(Text, Text)>,
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
