//! The breakdowns the cohort's statistics are split by, with their ids, their labels and the
//! labels of their groups: the one vocabulary the page's tables, the charts and the exports
//! read.
//!
//! This module owns the words only; which group a child falls in is `summary`'s.

use super::child::{AgeBand, Route};
use crate::model::{LegalCategory, PlacementCategory};

/// A fixed breakdown. A child attribute `NAME` is the breakdown `attribute:NAME`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Breakdown {
    Placement,
    LegalStatus,
    AgeAtEntry,
    Sex,
    LocalAuthority,
    Team,
    YearOfEntry,
    Route,
}

impl Breakdown {
    /// Every fixed breakdown, in display order.
    pub const ALL: [Breakdown; 8] = [
        Breakdown::Placement,
        Breakdown::LegalStatus,
        Breakdown::AgeAtEntry,
        Breakdown::Sex,
        Breakdown::LocalAuthority,
        Breakdown::Team,
        Breakdown::YearOfEntry,
        Breakdown::Route,
    ];

    /// The id used in JSON, CSV and requests.
    pub fn id(self) -> &'static str {
        match self {
            Breakdown::Placement => "placement",
            Breakdown::LegalStatus => "legal_status",
            Breakdown::AgeAtEntry => "age_at_entry",
            Breakdown::Sex => "sex",
            Breakdown::LocalAuthority => "local_authority",
            Breakdown::Team => "team",
            Breakdown::YearOfEntry => "year_of_entry",
            Breakdown::Route => "route",
        }
    }

    /// The breakdown's label, as a heading.
    pub fn label(self) -> &'static str {
        match self {
            Breakdown::Placement => "Placement when the stage started",
            Breakdown::LegalStatus => "Legal status when the stage started",
            Breakdown::AgeAtEntry => "Age at entry",
            Breakdown::Sex => "Sex",
            Breakdown::LocalAuthority => "Authority",
            Breakdown::Team => "Team",
            Breakdown::YearOfEntry => "Year of entry",
            Breakdown::Route => "Route to permanence",
        }
    }

    /// What the breakdown is, in words within a sentence ("placement on the stage's first
    /// day").
    pub fn words(self) -> &'static str {
        match self {
            Breakdown::Placement => "placement on the stage's first day",
            Breakdown::LegalStatus => "legal status on the stage's first day",
            Breakdown::AgeAtEntry => "age on entering care",
            Breakdown::Sex => "sex",
            Breakdown::LocalAuthority => "local authority",
            Breakdown::Team => "team",
            Breakdown::YearOfEntry => "year of entering care",
            Breakdown::Route => "route to permanence",
        }
    }

    /// The breakdown with this id.
    pub fn from_id(id: &str) -> Option<Breakdown> {
        Breakdown::ALL.into_iter().find(|b| b.id() == id)
    }

    /// The label of one of this breakdown's groups (its value when the value is already
    /// words, such as a team's name).
    pub fn group_label(self, value: &str) -> Option<&'static str> {
        match self {
            Breakdown::Placement => PlacementCategory::from_id(value).map(|c| c.label()),
            Breakdown::LegalStatus => LegalCategory::from_id(value).map(|c| c.label()),
            Breakdown::AgeAtEntry => AgeBand::from_id(value).map(AgeBand::label),
            Breakdown::Route => Route::from_id(value).map(Route::label),
            _ => None,
        }
    }
}

/// The label of a breakdown id (`attribute:NAME` is labelled by its name).
pub fn breakdown_label(id: &str) -> String {
    if let Some(name) = id.strip_prefix("attribute:") {
        return name.to_string();
    }
    Breakdown::from_id(id).map_or_else(|| id.to_string(), |b| b.label().to_string())
}

/// The label of one group of a breakdown id: its words, "Not recorded" for `unknown`, or the
/// value itself.
pub fn group_label(breakdown: &str, value: &str) -> String {
    match Breakdown::from_id(breakdown).and_then(|b| b.group_label(value)) {
        Some(label) => label.to_string(),
        None if value == "unknown" => "Not recorded".to_string(),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_groups_have_words() {
        for b in Breakdown::ALL {
            assert_eq!(Breakdown::from_id(b.id()), Some(b));
        }
        assert_eq!(breakdown_label("attribute:Ethnicity"), "Ethnicity");
        assert_eq!(breakdown_label("age_at_entry"), "Age at entry");
        assert_eq!(group_label("age_at_entry", "1_to_4"), "1 to 4");
        assert_eq!(group_label("age_at_entry", "unknown"), "Age not known");
        assert_eq!(group_label("route", "home"), "Home (remained or returned)");
        assert_eq!(group_label("team", "unknown"), "Not recorded");
        assert_eq!(group_label("team", "North"), "North");
    }
}
