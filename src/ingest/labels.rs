//! Free-text labels → the product's vocabularies: placement types → placement categories
//! (labels and SSDA903 PLACE codes), legal statuses → legal categories (labels and LS codes),
//! event labels → milestones. Matching ignores case and punctuation; a user's label mapping
//! comes first. Unknown labels are kept (as `other` or as custom events) and counted so the
//! load summary can list each once.

use super::header::normalise;
use crate::model::{LegalCategory, Milestone, PlacementCategory};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// A label's reading, and whether it was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading<T> {
    pub value: T,
    pub known: bool,
}

/// Maps placement-type text to a category.
pub fn placement_category(label: &str) -> Option<PlacementCategory> {
    use PlacementCategory::*;
    let n = normalise(label);
    if let Some(c) = placement_code(&n) {
        return Some(c);
    }
    let exact = match n.as_str() {
        "homewithparents"
        | "athomewithparents"
        | "home"
        | "athome"
        | "withparents"
        | "placedwithparents"
        | "parents"
        | "parent"
        | "homesupervision"
        | "lookedafterathome"
        | "homeonsupervision"
        | "withparentorpersonwithpr"
        | "placedwithparent"
        | "homewithparent"
        | "returnedhome" => HomeWithParents,
        "kinship"
        | "kinshipcare"
        | "kinshipcarer"
        | "kinshipcarers"
        | "friendsandrelatives"
        | "friendsorrelatives"
        | "familyandfriends"
        | "familyandfriendscare"
        | "relative"
        | "relatives"
        | "withrelatives"
        | "withfriendsorrelatives"
        | "connectedperson"
        | "connectedpersons"
        | "familyfriend"
        | "kinshipfoster" => Kinship,
        "foster"
        | "fostercare"
        | "fostercarer"
        | "fostercarers"
        | "fostering"
        | "lafoster"
        | "lafostercare"
        | "inhousefoster"
        | "independentfoster"
        | "independentfostercare"
        | "ifa"
        | "agencyfoster"
        | "fosteringagency"
        | "purchasedfoster"
        | "providedfoster" => Foster,
        "prospectiveadopters"
        | "prospectiveadopter"
        | "withprospectiveadopters"
        | "adoption"
        | "adoptive"
        | "adoptiveplacement"
        | "placedforadoption"
        | "preadoptive"
        | "concurrency"
        | "concurrencycarers"
        | "fosteringforadoption"
        | "ffa" => ProspectiveAdopters,
        "residential" | "residentialcare" | "childrenshome" | "childrenhome"
        | "residentialunit" | "residentialhome" | "residentialschool" | "lahome"
        | "lachildrenshome" | "voluntaryhome" | "crisiscare" | "motherandbaby"
        | "motherandbabyunit" | "familycentre" => Residential,
        "secure"
        | "secureaccommodation"
        | "secureunit"
        | "securechildrenshome"
        | "youngoffenderinstitution"
        | "yoi"
        | "custody" => Secure,
        "independent"
        | "independentliving"
        | "supportedaccommodation"
        | "supportedlodgings"
        | "semiindependent"
        | "semiindependentliving"
        | "supportedliving"
        | "hostel"
        | "ownaccommodation" => Independent,
        "other" | "hospital" | "nhs" | "temporary" | "respite" | "shortbreak"
        | "othercommunity" | "otherplacement" => Other,
        _ => return placement_keywords(&n),
    };
    Some(exact)
}

fn placement_keywords(n: &str) -> Option<PlacementCategory> {
    use PlacementCategory::*;
    let has = |k: &str| n.contains(k);
    Some(
        if has("kinship") || has("relative") || has("friend") || has("connectedperson") {
            Kinship
        } else if has("adopt") || has("concurrency") {
            ProspectiveAdopters
        } else if has("foster") {
            Foster
        } else if has("secure") {
            Secure
        } else if has("residential") || has("childrenshome") || has("school") {
            Residential
        } else if has("independent") || has("supported") {
            Independent
        } else if has("parent") || has("athome") || has("homewith") {
            HomeWithParents
        } else {
            return None;
        },
    )
}

/// SSDA903 PLACE codes (the DfE's SSDA903 guidance).
pub fn placement_code(n: &str) -> Option<PlacementCategory> {
    use PlacementCategory::*;
    Some(match n {
        "p1" => HomeWithParents,
        "u1" | "u2" | "u3" => Kinship,
        "u4" | "u5" | "u6" => Foster,
        "a3" | "a4" | "a5" | "a6" => ProspectiveAdopters,
        "k2" | "r1" | "r3" | "s1" => Residential,
        "k1" | "r5" => Secure,
        "h5" | "k3" | "p2" | "p3" => Independent,
        "r2" | "t0" | "t1" | "t2" | "t3" | "t4" | "z1" => Other,
        _ => return None,
    })
}

/// Maps legal-status text to a category.
pub fn legal_category(label: &str) -> Option<LegalCategory> {
    use LegalCategory::*;
    let n = normalise(label);
    if let Some(c) = legal_code(&n) {
        return Some(c);
    }
    let has = |k: &str| n.contains(k);
    Some(
        if has("authoritytoadopt") || has("placementorder") || has("freeingorder") || n == "poa" {
            AdoptionAuthority
        } else if has("adoptionorder") || n == "adopted" {
            AdoptionOrder
        } else if has("kinshipcareorder") || n == "kco" || has("section11") || n == "s11" {
            KinshipCareOrder
        } else if has("permanenceorder") || n == "po" {
            PermanenceOrder
        } else if has("interim") || n == "icso" || n == "ico" {
            Interim
        } else if has("childprotectionorder")
            || has("emergency")
            || has("policeprotection")
            || has("assessmentorder")
            || n == "cpo"
            || n == "epo"
        {
            Emergency
        } else if has("voluntary")
            || has("section25")
            || has("section20")
            || n == "s25"
            || n == "s20"
            || has("accommodated")
            || has("shortbreak")
        {
            Voluntary
        } else if has("youthjustice") || has("remand") || has("custody") {
            YouthJustice
        } else if has("compulsorysupervision")
            || n == "cso"
            || has("careorder")
            || has("supervisionrequirement")
            || has("supervisionorder")
        {
            Compulsory
        } else if n == "other" {
            Other
        } else {
            return None;
        },
    )
}

/// SSDA903 LS codes (the DfE's SSDA903 guidance).
pub fn legal_code(n: &str) -> Option<LegalCategory> {
    use LegalCategory::*;
    Some(match n {
        "l1" | "l2" | "l3" => Emergency,
        "v2" | "v3" | "v4" => Voluntary,
        "c1" => Interim,
        "c2" => Compulsory,
        "e1" | "d1" => AdoptionAuthority,
        "j1" | "j2" | "j3" => YouthJustice,
        _ => return None,
    })
}

/// Event labels Driftline knows that mark no milestone of a stage: kept as events on the
/// timeline (as custom events), and not listed as unknown. Driftline's own generator writes
/// the pre-birth planning meetings, family group decision making and withdrawn
/// recommendations.
pub fn known_other_event(label: &str) -> bool {
    crate::model::is_pre_birth_event(label)
        || matches!(
            normalise(label).as_str(),
            "familygroupdecisionmaking"
                | "familygroupdecisionmakingmeeting"
                | "familygroupconference"
                | "familygroupmeeting"
                | "fgdm"
                | "fgc"
                | "recommendationwithdrawn"
                | "permanencerecommendationwithdrawn"
                | "withdrawnrecommendation"
        )
}

/// Maps an event label to a milestone.
pub fn milestone(label: &str) -> Option<Milestone> {
    use Milestone::*;
    let n = normalise(label);
    if let Some(m) = Milestone::from_id(label.trim()) {
        return (m != Custom).then_some(m);
    }
    Some(match n.as_str() {
        "becamelookedafter"
        | "accommodated"
        | "enteredcare"
        | "startedtobelookedafter"
        | "lookedafter"
        | "cameintocare"
        | "admittedtocare"
        | "startofcare"
        | "startedcare"
        | "becamelac" => BecameLookedAfter,
        "lacreview"
        | "lookedafterreview"
        | "lookedafterchildreview"
        | "lookedafterchildrenreview"
        | "lookedafterchildsreview"
        | "review"
        | "clareview"
        | "statutoryreview"
        | "childsreview"
        | "childrensreview"
        | "laacreview"
        | "firstreview"
        | "firstlacreview"
        | "ratifyingreview"
        | "lacreviewmeeting" => LacReview,
        "permanenceplanningmeeting" | "ppm" | "permanenceplanning" => PermanencePlanningMeeting,
        "legaladvicemeeting" | "lam" | "legaladvice" | "legalplanningmeeting" => LegalAdviceMeeting,
        "permanencerecommendation"
        | "recommendationforpermanence"
        | "permanencerecommendationmade"
        | "permanencedecision"
        | "lacreviewpermanencerecommendation"
        | "recommendation" => PermanenceRecommendation,
        "panel"
        | "permanencepanel"
        | "adoptionandpermanencepanel"
        | "adoptionpanel"
        | "fosteringandadoptionpanel"
        | "fosteringandpermanencepanel"
        | "permanenceandadoptionpanel"
        | "agencypanel" => Panel,
        "admdecision"
        | "agencydecisionmaker"
        | "adm"
        | "agencydecision"
        | "agencydecisionmakerdecision"
        | "decisionofagencydecisionmaker" => AdmDecision,
        "applicationlodged" | "petitionlodged" | "courtapplication" | "applicationtocourt"
        | "lodged" | "petition" | "applicationmade" => ApplicationLodged,
        "ordergranted"
        | "ordermade"
        | "permanenceordergranted"
        | "adoptionordergranted"
        | "kinshipcareordergranted"
        | "permanenceordermade"
        | "adoptionordermade"
        | "adoptionorder"
        | "permanenceorder"
        | "kinshipcareorder"
        | "specialguardianshiporder"
        | "childarrangementsorder" => OrderGranted,
        "placementorder" | "placementordergranted" | "placementordermade" => PlacementOrder,
        "matched" | "match" | "matchedwithadopters" | "matchingpanel" | "matchapproved" => Matched,
        "placedforadoption" | "adoptiveplacement" | "movedtoadopters" => PlacedForAdoption,
        "returnedhome" | "returnhome" | "rehabilitatedhome" | "wenthome" | "backhome" => {
            ReturnedHome
        }
        "childrenshearing"
        | "childrenshearings"
        | "hearing"
        | "childhearing"
        | "childrenshearingheld" => Hearing,
        "csomade" | "compulsorysupervisionordermade" | "csogranted" => CsoMade,
        "csoreviewed" | "csoreview" | "compulsorysupervisionorderreviewed" | "reviewhearing" => {
            CsoReviewed
        }
        "missing" | "missingepisode" | "wentmissing" | "missingfromcare" => Missing,
        "leftcare"
        | "ceasedtobelookedafter"
        | "discharged"
        | "endofcare"
        | "ceasedlookedafter"
        | "dischargedfromcare"
        | "leavingcare" => LeftCare,
        _ => return None,
    })
}

/// Per-load label reader: a user's mapping first, then the built-in tables, with a cache
/// (labels repeat on many rows) and a count of unknown labels.
#[derive(Debug, Default)]
pub struct LabelReader {
    user_placement: HashMap<String, PlacementCategory>,
    user_legal: HashMap<String, LegalCategory>,
    user_event: HashMap<String, Milestone>,
    placement_cache: HashMap<String, Reading<PlacementCategory>>,
    legal_cache: HashMap<String, Reading<LegalCategory>>,
    event_cache: HashMap<String, Reading<Milestone>>,
    /// (field, label as first written) → count, for labels that matched nothing.
    pub unknown: BTreeMap<(&'static str, String), u64>,
}

impl LabelReader {
    /// A reader with a user's label mapping (labels are normalised before lookup).
    pub fn new(
        placement: &BTreeMap<String, PlacementCategory>,
        legal: &BTreeMap<String, LegalCategory>,
        event: &BTreeMap<String, Milestone>,
    ) -> Self {
        LabelReader {
            user_placement: placement.iter().map(|(k, v)| (normalise(k), *v)).collect(),
            user_legal: legal.iter().map(|(k, v)| (normalise(k), *v)).collect(),
            user_event: event.iter().map(|(k, v)| (normalise(k), *v)).collect(),
            ..Default::default()
        }
    }

    pub fn placement(&mut self, label: &str) -> Reading<PlacementCategory> {
        if let Some(r) = self.placement_cache.get(label) {
            let r = *r;
            self.count_unknown("placement_type", label, r.known);
            return r;
        }
        let r = match self.user_placement.get(&normalise(label)) {
            Some(c) => Reading {
                value: *c,
                known: true,
            },
            None => match placement_category(label) {
                Some(c) => Reading {
                    value: c,
                    known: true,
                },
                None => Reading {
                    value: PlacementCategory::Other,
                    known: false,
                },
            },
        };
        self.placement_cache.insert(label.to_string(), r);
        self.count_unknown("placement_type", label, r.known);
        r
    }

    pub fn legal(&mut self, label: &str) -> Reading<LegalCategory> {
        if let Some(r) = self.legal_cache.get(label) {
            let r = *r;
            self.count_unknown("legal_status", label, r.known);
            return r;
        }
        let r = match self.user_legal.get(&normalise(label)) {
            Some(c) => Reading {
                value: *c,
                known: true,
            },
            None => match legal_category(label) {
                Some(c) => Reading {
                    value: c,
                    known: true,
                },
                None => Reading {
                    value: LegalCategory::Other,
                    known: false,
                },
            },
        };
        self.legal_cache.insert(label.to_string(), r);
        self.count_unknown("legal_status", label, r.known);
        r
    }

    pub fn event(&mut self, label: &str) -> Reading<Milestone> {
        if let Some(r) = self.event_cache.get(label) {
            let r = *r;
            self.count_unknown("event", label, r.known);
            return r;
        }
        let r = match self.user_event.get(&normalise(label)) {
            Some(m) => Reading {
                value: *m,
                known: true,
            },
            None => match milestone(label) {
                Some(m) => Reading {
                    value: m,
                    known: true,
                },
                None => Reading {
                    value: Milestone::Custom,
                    known: known_other_event(label),
                },
            },
        };
        self.event_cache.insert(label.to_string(), r);
        self.count_unknown("event", label, r.known);
        r
    }

    fn count_unknown(&mut self, field: &'static str, label: &str, known: bool) {
        if !known {
            *self.unknown.entry((field, label.to_string())).or_default() += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_labels_and_codes() {
        use PlacementCategory::*;
        let cases = [
            ("Kinship care", Kinship),
            ("Foster care", Foster),
            ("foster", Foster),
            ("Residential", Residential),
            ("Prospective adopters", ProspectiveAdopters),
            ("Home with parents", HomeWithParents),
            ("Friends & relatives", Kinship),
            ("Independent Fostering Agency", Foster),
            ("Secure unit", Secure),
            ("Supported lodgings", Independent),
            ("U1", Kinship),
            ("u5", Foster),
            ("A4", ProspectiveAdopters),
            ("K2", Residential),
            ("K1", Secure),
            ("H5", Independent),
            ("P1", HomeWithParents),
            ("T2", Other),
            ("Z1", Other),
        ];
        for (label, want) in cases {
            assert_eq!(placement_category(label), Some(want), "{label}");
        }
        assert_eq!(placement_category("Narnia"), None);
    }

    #[test]
    fn legal_labels_and_codes() {
        use LegalCategory::*;
        let cases = [
            ("Voluntary (s25)", Voluntary),
            ("Section 20", Voluntary),
            ("Interim CSO", Interim),
            ("CSO", Compulsory),
            ("Compulsory Supervision Order", Compulsory),
            ("PO with authority to adopt", AdoptionAuthority),
            ("Permanence Order", PermanenceOrder),
            ("Kinship Care Order", KinshipCareOrder),
            ("Adoption order", AdoptionOrder),
            ("Child Protection Order", Emergency),
            ("Full care order", Compulsory),
            ("Interim care order", Interim),
            ("C1", Interim),
            ("C2", Compulsory),
            ("E1", AdoptionAuthority),
            ("V2", Voluntary),
            ("L2", Emergency),
            ("J2", YouthJustice),
        ];
        for (label, want) in cases {
            assert_eq!(legal_category(label), Some(want), "{label}");
        }
        assert_eq!(legal_category("Unclear"), None);
    }

    #[test]
    fn event_labels() {
        use Milestone::*;
        let cases = [
            ("Became looked after", BecameLookedAfter),
            ("Accommodated", BecameLookedAfter),
            ("LAC review", LacReview),
            ("Looked after review", LacReview),
            ("Permanence planning meeting", PermanencePlanningMeeting),
            ("PPM", PermanencePlanningMeeting),
            ("Legal advice meeting", LegalAdviceMeeting),
            ("Permanence recommendation", PermanenceRecommendation),
            ("Permanence panel", Panel),
            ("Adoption and permanence panel", Panel),
            ("ADM decision", AdmDecision),
            ("Agency decision maker", AdmDecision),
            ("Application lodged", ApplicationLodged),
            ("Petition lodged", ApplicationLodged),
            ("Order granted", OrderGranted),
            ("matched", Matched),
            ("placed_for_adoption", PlacedForAdoption),
            ("Returned home", ReturnedHome),
            ("Children's hearing", Hearing),
            ("cso_made", CsoMade),
            ("CSO reviewed", CsoReviewed),
            ("Left care", LeftCare),
            ("L.A.C. Review", LacReview),
        ];
        for (label, want) in cases {
            assert_eq!(milestone(label), Some(want), "{label}");
        }
        assert_eq!(milestone("Sibling born"), None);
        assert_eq!(milestone("custom"), None);
    }

    #[test]
    fn reader_prefers_the_user_mapping_and_counts_unknowns() {
        let mut user = BTreeMap::new();
        user.insert("Gran's".to_string(), PlacementCategory::Kinship);
        let mut r = LabelReader::new(&user, &BTreeMap::new(), &BTreeMap::new());
        assert_eq!(r.placement("grans").value, PlacementCategory::Kinship);
        assert!(!r.placement("Narnia").known);
        assert!(!r.placement("Narnia").known);
        assert_eq!(r.event("Sibling born").value, Milestone::Custom);
        // Events Driftline knows that end no stage: custom, and not unknown.
        for label in [
            "Pre-birth planning meeting",
            "Family group decision making",
            "Recommendation withdrawn",
        ] {
            let read = r.event(label);
            assert_eq!(
                (read.value, read.known),
                (Milestone::Custom, true),
                "{label}"
            );
        }
        assert_eq!(
            r.unknown.get(&("placement_type", "Narnia".to_string())),
            Some(&2)
        );
        assert_eq!(
            r.unknown.get(&("event", "Sibling born".to_string())),
            Some(&1)
        );
    }
}
