//! The product's vocabularies: placement categories, legal categories and milestones
//! (the SSDA903 and Scottish looked-after-children categories), with their stable snake_case
//! ids.
//!
//! This module owns the ids and human labels only. Mapping free-text spreadsheet labels
//! and SSDA903 codes onto these vocabularies lives in `ingest::labels`.

use serde::{Deserialize, Serialize};

/// Where a child lives during a placement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementCategory {
    HomeWithParents,
    Kinship,
    Foster,
    ProspectiveAdopters,
    Residential,
    Secure,
    Independent,
    Other,
}

impl PlacementCategory {
    /// Every category, in the order used by legends and breakdowns.
    pub const ALL: [PlacementCategory; 8] = [
        PlacementCategory::HomeWithParents,
        PlacementCategory::Kinship,
        PlacementCategory::Foster,
        PlacementCategory::ProspectiveAdopters,
        PlacementCategory::Residential,
        PlacementCategory::Secure,
        PlacementCategory::Independent,
        PlacementCategory::Other,
    ];

    /// The stable id used in JSON, CSV and profiles.
    pub fn id(self) -> &'static str {
        match self {
            PlacementCategory::HomeWithParents => "home_with_parents",
            PlacementCategory::Kinship => "kinship",
            PlacementCategory::Foster => "foster",
            PlacementCategory::ProspectiveAdopters => "prospective_adopters",
            PlacementCategory::Residential => "residential",
            PlacementCategory::Secure => "secure",
            PlacementCategory::Independent => "independent",
            PlacementCategory::Other => "other",
        }
    }

    /// A label a practitioner would recognise.
    pub fn label(self) -> &'static str {
        match self {
            PlacementCategory::HomeWithParents => "At home with parents",
            PlacementCategory::Kinship => "Kinship care",
            PlacementCategory::Foster => "Foster care",
            PlacementCategory::ProspectiveAdopters => "With prospective adopters",
            PlacementCategory::Residential => "Residential care",
            PlacementCategory::Secure => "Secure accommodation",
            PlacementCategory::Independent => "Independent / supported",
            PlacementCategory::Other => "Other",
        }
    }

    /// Parses a stable id (as produced by [`PlacementCategory::id`]).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// The legal basis on which a child is looked after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalCategory {
    Emergency,
    Voluntary,
    Interim,
    Compulsory,
    AdoptionAuthority,
    PermanenceOrder,
    KinshipCareOrder,
    AdoptionOrder,
    YouthJustice,
    Other,
}

impl LegalCategory {
    /// Every category, in the order used by legends and breakdowns.
    pub const ALL: [LegalCategory; 10] = [
        LegalCategory::Emergency,
        LegalCategory::Voluntary,
        LegalCategory::Interim,
        LegalCategory::Compulsory,
        LegalCategory::AdoptionAuthority,
        LegalCategory::PermanenceOrder,
        LegalCategory::KinshipCareOrder,
        LegalCategory::AdoptionOrder,
        LegalCategory::YouthJustice,
        LegalCategory::Other,
    ];

    /// The stable id used in JSON, CSV and profiles.
    pub fn id(self) -> &'static str {
        match self {
            LegalCategory::Emergency => "emergency",
            LegalCategory::Voluntary => "voluntary",
            LegalCategory::Interim => "interim",
            LegalCategory::Compulsory => "compulsory",
            LegalCategory::AdoptionAuthority => "adoption_authority",
            LegalCategory::PermanenceOrder => "permanence_order",
            LegalCategory::KinshipCareOrder => "kinship_care_order",
            LegalCategory::AdoptionOrder => "adoption_order",
            LegalCategory::YouthJustice => "youth_justice",
            LegalCategory::Other => "other",
        }
    }

    /// A label a practitioner would recognise.
    pub fn label(self) -> &'static str {
        match self {
            LegalCategory::Emergency => "Emergency (CPO / EPO)",
            LegalCategory::Voluntary => "Voluntary (s25 / s20)",
            LegalCategory::Interim => "Interim order",
            LegalCategory::Compulsory => "Compulsory Supervision Order / care order",
            LegalCategory::AdoptionAuthority => "Authority to adopt / placement order",
            LegalCategory::PermanenceOrder => "Permanence Order",
            LegalCategory::KinshipCareOrder => "Kinship Care Order",
            LegalCategory::AdoptionOrder => "Adoption order",
            LegalCategory::YouthJustice => "Youth justice",
            LegalCategory::Other => "Other",
        }
    }

    /// The label in England's words, for a legal status written as an SSDA903 code (C2 is a
    /// full care order, not a Compulsory Supervision Order); the usual label otherwise.
    pub fn label_as_written(self, written: &str) -> &'static str {
        if !is_ssda903_legal_code(written) {
            return self.label();
        }
        match self {
            LegalCategory::Emergency => "Emergency protection (L1–L3)",
            LegalCategory::Voluntary => "Accommodated, section 20 (V2–V4)",
            LegalCategory::Interim => "Interim care order (C1)",
            LegalCategory::Compulsory => "Full care order (C2)",
            LegalCategory::AdoptionAuthority => "Placement order (E1 / D1)",
            LegalCategory::YouthJustice => "Youth justice (J1–J3)",
            other => other.label(),
        }
    }

    /// Parses a stable id (as produced by [`LegalCategory::id`]).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// A key event in a child's journey. `Custom` holds events whose label matched no known
/// milestone; the original label is kept on the [`crate::model::Event`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    BecameLookedAfter,
    LacReview,
    PermanencePlanningMeeting,
    LegalAdviceMeeting,
    PermanenceRecommendation,
    Panel,
    AdmDecision,
    ApplicationLodged,
    OrderGranted,
    PlacementOrder,
    Matched,
    PlacedForAdoption,
    ReturnedHome,
    Hearing,
    CsoMade,
    CsoReviewed,
    Missing,
    LeftCare,
    Custom,
}

impl Milestone {
    /// Every milestone, in the usual order of a journey.
    pub const ALL: [Milestone; 19] = [
        Milestone::BecameLookedAfter,
        Milestone::LacReview,
        Milestone::PermanencePlanningMeeting,
        Milestone::LegalAdviceMeeting,
        Milestone::PermanenceRecommendation,
        Milestone::Panel,
        Milestone::AdmDecision,
        Milestone::ApplicationLodged,
        Milestone::OrderGranted,
        Milestone::PlacementOrder,
        Milestone::Matched,
        Milestone::PlacedForAdoption,
        Milestone::ReturnedHome,
        Milestone::Hearing,
        Milestone::CsoMade,
        Milestone::CsoReviewed,
        Milestone::Missing,
        Milestone::LeftCare,
        Milestone::Custom,
    ];

    /// The stable id used in JSON, CSV and profiles.
    pub fn id(self) -> &'static str {
        match self {
            Milestone::BecameLookedAfter => "became_looked_after",
            Milestone::LacReview => "lac_review",
            Milestone::PermanencePlanningMeeting => "permanence_planning_meeting",
            Milestone::LegalAdviceMeeting => "legal_advice_meeting",
            Milestone::PermanenceRecommendation => "permanence_recommendation",
            Milestone::Panel => "panel",
            Milestone::AdmDecision => "adm_decision",
            Milestone::ApplicationLodged => "application_lodged",
            Milestone::OrderGranted => "order_granted",
            Milestone::PlacementOrder => "placement_order",
            Milestone::Matched => "matched",
            Milestone::PlacedForAdoption => "placed_for_adoption",
            Milestone::ReturnedHome => "returned_home",
            Milestone::Hearing => "hearing",
            Milestone::CsoMade => "cso_made",
            Milestone::CsoReviewed => "cso_reviewed",
            Milestone::Missing => "missing",
            Milestone::LeftCare => "left_care",
            Milestone::Custom => "custom",
        }
    }

    /// The default label shown on timelines and in chronologies.
    pub fn label(self) -> &'static str {
        match self {
            Milestone::BecameLookedAfter => "Became looked after",
            Milestone::LacReview => "LAC review",
            Milestone::PermanencePlanningMeeting => "Permanence planning meeting",
            Milestone::LegalAdviceMeeting => "Legal advice meeting",
            Milestone::PermanenceRecommendation => "Permanence recommendation",
            Milestone::Panel => "Permanence panel",
            Milestone::AdmDecision => "ADM decision",
            Milestone::ApplicationLodged => "Application lodged",
            Milestone::OrderGranted => "Order granted",
            Milestone::PlacementOrder => "Placement order",
            Milestone::Matched => "Matched",
            Milestone::PlacedForAdoption => "Placed for adoption",
            Milestone::ReturnedHome => "Returned home",
            Milestone::Hearing => "Children's hearing",
            Milestone::CsoMade => "CSO made",
            Milestone::CsoReviewed => "CSO reviewed",
            Milestone::Missing => "Missing",
            Milestone::LeftCare => "Left care",
            Milestone::Custom => "Other event",
        }
    }

    /// Key decisions stand out from routine events on timelines.
    pub fn is_key_decision(self) -> bool {
        matches!(
            self,
            Milestone::PermanenceRecommendation
                | Milestone::Panel
                | Milestone::AdmDecision
                | Milestone::ApplicationLodged
                | Milestone::OrderGranted
                | Milestone::PlacementOrder
                | Milestone::Matched
                | Milestone::PlacedForAdoption
        )
    }

    /// Parses a stable id (as produced by [`Milestone::id`]).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.id() == id)
    }
}

/// Whether an event, by its label, is planning for a child not yet born (a pre-birth planning
/// meeting or conference, an unborn baby's meeting): such events are expected before the date
/// of birth and outside care.
pub fn is_pre_birth_event(label: &str) -> bool {
    let n: String = label
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    n.starts_with("prebirth") || n.starts_with("antenatal") || n.contains("unborn")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_serde() {
        for c in PlacementCategory::ALL {
            assert_eq!(PlacementCategory::from_id(c.id()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.id())
            );
        }
        for c in LegalCategory::ALL {
            assert_eq!(LegalCategory::from_id(c.id()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.id())
            );
        }
        for m in Milestone::ALL {
            assert_eq!(Milestone::from_id(m.id()), Some(m));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.id())
            );
        }
    }
}

/// Whether a legal status is written as one of SSDA903's codes (L1–L3, V2–V4, C1, C2, E1,
/// D1, J1–J3), as an English return writes it.
pub fn is_ssda903_legal_code(written: &str) -> bool {
    let code = written.trim().to_ascii_uppercase();
    matches!(
        code.as_str(),
        "L1" | "L2" | "L3" | "V2" | "V3" | "V4" | "C1" | "C2" | "E1" | "D1" | "J1" | "J2" | "J3"
    )
}

#[cfg(test)]
mod england_words {
    use super::*;

    #[test]
    fn ssda903_codes_take_englands_words() {
        assert_eq!(
            LegalCategory::Compulsory.label_as_written("C2"),
            "Full care order (C2)"
        );
        assert_eq!(
            LegalCategory::Compulsory.label_as_written("CSO"),
            LegalCategory::Compulsory.label()
        );
        assert_eq!(
            LegalCategory::Interim.label_as_written(" c1 "),
            "Interim care order (C1)"
        );
    }
}
