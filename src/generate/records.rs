//! Template rows from a simulated journey: labels in the forms practitioners write them,
//! carers, and the messy values a real export has (label variants, blank optional cells,
//! duplicate rows, an overlapping placement, a review booked after the "as at" date).
//!
//! This module owns the vocabulary of the template labels the generator writes and the
//! row-level messiness that [`Records`] can hold. Messiness that only a file can hold (short
//! dates, rows that must be rejected) is the writers'. Messy choices draw from their own
//! random stream, so the journeys are the same at every `messy_rate`.

use super::journey::{plus, EvKind, Journey, Order, Place, Route, Status, STREAM_JOURNEY};
use super::rng::Rng;
use super::GenerateConfig;
use crate::model::{
    ChildRecord, EventRecord, LegalCategory, LegalRecord, Milestone, PlacementCategory,
    PlacementRecord, Records, SourceRow, Text,
};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// The random stream of the row-level messiness.
const STREAM_MESS: u64 = STREAM_JOURNEY + 1;

/// The local authority (by index) that records a placement's end as the day before the next
/// placement starts; the others use the changeover day itself. Both conventions are common.
const DAY_BEFORE_LA: usize = 1;

/// Turns journeys into template rows, numbering the rows of the four tables as it goes
/// (the header is row 1, so the first data row is 2).
#[derive(Debug)]
pub struct Projector<'a> {
    config: &'a GenerateConfig,
    rows: [u32; 4],
    authorities: Vec<Text>,
    teams: Vec<Text>,
}

impl<'a> Projector<'a> {
    pub fn new(config: &'a GenerateConfig) -> Self {
        let p = &config.params;
        Projector {
            config,
            rows: [1; 4],
            authorities: p
                .local_authorities
                .iter()
                .map(|l| Text::from(l.0.as_str()))
                .collect(),
            teams: p.teams.iter().map(|t| Text::from(t.as_str())).collect(),
        }
    }

    fn next(&mut self, table: usize) -> SourceRow {
        self.rows[table] += 1;
        SourceRow {
            table: table as u32,
            row: self.rows[table],
        }
    }

    /// The template rows of one journey.
    pub fn project(&mut self, j: &Journey) -> Records {
        project(self, j)
    }
}

/// The canonical template label of a placement kind, its variants, and its category.
pub(crate) fn place_label(
    place: Place,
) -> (&'static str, &'static [&'static str], PlacementCategory) {
    match place {
        Place::Home => (
            "Home with parents",
            &[
                "home with parents",
                "Home With Parents",
                "HOME WITH PARENTS",
            ],
            PlacementCategory::HomeWithParents,
        ),
        Place::Kinship => (
            "Kinship care",
            &["Kinship Care", "kinship care", "KINSHIP CARE", "Kinship"],
            PlacementCategory::Kinship,
        ),
        Place::Foster | Place::Concurrency => (
            "Foster care",
            &["Foster Care", "foster care", "FOSTER CARE", "foster"],
            PlacementCategory::Foster,
        ),
        Place::Residential => (
            "Residential",
            &["residential", "RESIDENTIAL", "Residential care"],
            PlacementCategory::Residential,
        ),
        Place::Secure => (
            "Secure",
            &["secure", "Secure accommodation"],
            PlacementCategory::Secure,
        ),
        Place::Supported => (
            "Supported accommodation",
            &["supported accommodation", "Supported Accommodation"],
            PlacementCategory::Independent,
        ),
        Place::Adopters => (
            "Prospective adopters",
            &[
                "prospective adopters",
                "Prospective Adopters",
                "With prospective adopters",
            ],
            PlacementCategory::ProspectiveAdopters,
        ),
    }
}

/// A placement label no loader knows, used now and then for a young person in supported
/// accommodation (it is read as `other` and listed as an unknown label).
pub(crate) const UNKNOWN_PLACEMENT_LABEL: &str = "Bed and breakfast";

/// The canonical template label of a legal status, its variants, and its category.
pub(crate) fn status_label(s: Status) -> (&'static str, &'static [&'static str], LegalCategory) {
    match s {
        Status::Emergency => (
            "Child protection order",
            &["child protection order", "CPO"],
            LegalCategory::Emergency,
        ),
        Status::Voluntary => (
            "Voluntary (section 25)",
            &["voluntary (section 25)", "Section 25"],
            LegalCategory::Voluntary,
        ),
        Status::Interim => (
            "Interim CSO",
            &["interim CSO", "Interim compulsory supervision order"],
            LegalCategory::Interim,
        ),
        Status::Compulsory => (
            "Compulsory supervision order",
            &["compulsory supervision order", "CSO"],
            LegalCategory::Compulsory,
        ),
        Status::AuthorityToAdopt => (
            "Permanence order with authority to adopt",
            &["permanence order with authority to adopt"],
            LegalCategory::AdoptionAuthority,
        ),
        Status::PermanenceOrder => (
            "Permanence order",
            &["permanence order", "PERMANENCE ORDER"],
            LegalCategory::PermanenceOrder,
        ),
    }
}

/// The canonical template label of an event kind, its variants, its milestone and its
/// detail.
pub(crate) fn event_label(
    kind: EvKind,
) -> (
    &'static str,
    &'static [&'static str],
    Milestone,
    Option<&'static str>,
) {
    match kind {
        EvKind::BecameLookedAfter => (
            "Became looked after",
            &["Accommodated", "became looked after"],
            Milestone::BecameLookedAfter,
            None,
        ),
        EvKind::LacReview => (
            "LAC review",
            &["Looked after review", "LAC Review", "lac review"],
            Milestone::LacReview,
            None,
        ),
        EvKind::PlanningMeeting => (
            "Permanence planning meeting",
            &["Permanence Planning Meeting", "permanence planning meeting"],
            Milestone::PermanencePlanningMeeting,
            None,
        ),
        EvKind::LegalAdvice => (
            "Legal advice meeting",
            &["Legal Advice Meeting", "legal advice meeting"],
            Milestone::LegalAdviceMeeting,
            None,
        ),
        EvKind::Recommendation(route) => (
            "Permanence recommendation",
            &["Permanence Recommendation", "permanence recommendation"],
            Milestone::PermanenceRecommendation,
            Some(route_detail(route)),
        ),
        EvKind::RecommendationWithdrawn => (
            "Recommendation withdrawn",
            &[],
            Milestone::Custom,
            Some("Plan to be reconsidered"),
        ),
        EvKind::Panel { deferred } => (
            "Permanence panel",
            &["Adoption and permanence panel", "permanence panel"],
            Milestone::Panel,
            Some(if deferred {
                "Deferred for further information"
            } else {
                "Recommendation agreed"
            }),
        ),
        EvKind::Adm(route) => (
            "ADM decision",
            &["Agency decision maker", "ADM Decision"],
            Milestone::AdmDecision,
            Some(route_detail(route)),
        ),
        EvKind::Lodged(order) => (
            "Application lodged",
            &["Petition lodged", "application lodged"],
            Milestone::ApplicationLodged,
            Some(order_detail(order)),
        ),
        EvKind::OrderGranted(order) => (
            "Order granted",
            &["order granted", "Order Granted"],
            Milestone::OrderGranted,
            Some(order_detail(order)),
        ),
        EvKind::Matched => (
            "Matched",
            &["matched", "MATCHED"],
            Milestone::Matched,
            Some("Matched with adopters"),
        ),
        EvKind::PlacedForAdoption => (
            "Placed for adoption",
            &["placed for adoption"],
            Milestone::PlacedForAdoption,
            None,
        ),
        EvKind::ReturnedHome => (
            "Returned home",
            &["returned home", "Returned Home"],
            Milestone::ReturnedHome,
            None,
        ),
        EvKind::Hearing => (
            "Children's hearing",
            &["Childrens hearing", "Children's Hearing"],
            Milestone::Hearing,
            Some("Interim CSO made"),
        ),
        EvKind::CsoMade => ("CSO made", &["cso made"], Milestone::CsoMade, None),
        EvKind::CsoReviewed => (
            "CSO reviewed",
            &["cso reviewed", "CSO Reviewed"],
            Milestone::CsoReviewed,
            None,
        ),
        EvKind::Missing { absent, .. } => (
            "Missing",
            &["missing"],
            Milestone::Missing,
            Some(if absent {
                "Away without authorisation"
            } else {
                "Missing from placement"
            }),
        ),
        EvKind::LeftCare => ("Left care", &["left care"], Milestone::LeftCare, None),
        EvKind::FamilyGroup => ("Family group decision making", &[], Milestone::Custom, None),
    }
}

/// The custom event label of a pre-birth planning meeting.
pub(crate) const PREBIRTH_LABEL: &str = "Pre-birth planning meeting";

fn route_detail(route: Route) -> &'static str {
    match route {
        Route::Adoption => "Adoption",
        Route::KinshipOrder => "Kinship care order",
        Route::PermanenceOrder => "Permanence order",
        Route::ReturnHome => "Return home",
        Route::NoPlan => "Long-term care",
    }
}

fn order_detail(order: Order) -> &'static str {
    match order {
        Order::AuthorityToAdopt => "Permanence order with authority to adopt",
        Order::Adoption => "Adoption order",
        Order::KinshipCare => "Kinship care order",
        Order::Permanence => "Permanence order",
    }
}

/// Static strings by address and length (cheap to hash, and right on 32-bit wasm too).
type AddressMap = rustc_hash::FxHashMap<(usize, usize), Text>;

/// Every fixed string the projection uses, interned once so that a million rows share them.
/// Looked up by the static string's address (cheap), then by its text.
fn interned(s: &'static str) -> Text {
    static TABLE: OnceLock<(AddressMap, HashMap<&'static str, Text>)> = OnceLock::new();
    let (by_address, by_text) = TABLE.get_or_init(|| {
        let mut by_text: HashMap<&'static str, Text> = HashMap::new();
        let mut by_address = AddressMap::default();
        let mut add = |s: &'static str| {
            let t = by_text.entry(s).or_insert_with(|| Text::from(s)).clone();
            by_address.insert((s.as_ptr() as usize, s.len()), t);
        };
        use Place::*;
        for p in [
            Home,
            Kinship,
            Foster,
            Residential,
            Secure,
            Supported,
            Adopters,
        ] {
            let (c, v, _) = place_label(p);
            add(c);
            v.iter().for_each(|x| add(x));
        }
        use Status::*;
        for s in [
            Emergency,
            Voluntary,
            Interim,
            Compulsory,
            AuthorityToAdopt,
            PermanenceOrder,
        ] {
            let (c, v, _) = status_label(s);
            add(c);
            v.iter().for_each(|x| add(x));
        }
        for k in all_event_kinds() {
            let (c, v, _, d) = event_label(k);
            add(c);
            v.iter().for_each(|x| add(x));
            if let Some(d) = d {
                add(d);
            }
        }
        for s in FIXED {
            add(s);
        }
        (by_address, by_text)
    });
    if let Some(t) = by_address.get(&(s.as_ptr() as usize, s.len())) {
        return t.clone();
    }
    match by_text.get(s) {
        Some(t) => t.clone(),
        None => Text::from(s),
    }
}

/// Other fixed strings of the projection.
const FIXED: [&str; 7] = [
    UNKNOWN_PLACEMENT_LABEL,
    PREBIRTH_LABEL,
    "Male",
    "Female",
    "18th birthday",
    "Supervision order ended",
    "LAC review",
];

fn all_event_kinds() -> Vec<EvKind> {
    use EvKind::*;
    let mut v = vec![
        BecameLookedAfter,
        LacReview,
        PlanningMeeting,
        LegalAdvice,
        RecommendationWithdrawn,
        Panel { deferred: true },
        Panel { deferred: false },
        Matched,
        PlacedForAdoption,
        ReturnedHome,
        Hearing,
        CsoMade,
        CsoReviewed,
        Missing {
            end: None,
            absent: true,
        },
        Missing {
            end: None,
            absent: false,
        },
        LeftCare,
        FamilyGroup,
    ];
    for r in [
        Route::Adoption,
        Route::KinshipOrder,
        Route::PermanenceOrder,
        Route::ReturnHome,
        Route::NoPlan,
    ] {
        v.push(Recommendation(r));
        v.push(Adm(r));
    }
    for o in [
        Order::AuthorityToAdopt,
        Order::Adoption,
        Order::KinshipCare,
        Order::Permanence,
    ] {
        v.push(Lodged(o));
        v.push(OrderGranted(o));
    }
    v
}

/// A carer's pseudonymous reference, stable for the child and carer.
fn carer_ref(index: u64, carer: u32, place: Place) -> Option<String> {
    let n = 1000
        + (index
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(u64::from(carer).wrapping_mul(0xBF58_476D_1CE4_E5B9))
            >> 40)
            % 9000;
    const UNITS: [&str; 6] = [
        "Oakfield House",
        "Birchwood",
        "Rowan Lodge",
        "Hawthorn Unit",
        "Elm Court",
        "Larch View",
    ];
    match place {
        Place::Home => None,
        Place::Kinship => Some(format!("KC{n}")),
        Place::Foster => Some(format!("FC{n}")),
        Place::Concurrency => Some(format!("CC{n}")),
        Place::Residential => Some(UNITS[(n % 6) as usize].to_string()),
        Place::Secure => Some(format!("Secure unit {}", (b'A' + (n % 4) as u8) as char)),
        Place::Supported => Some(format!("SA{n}")),
        Place::Adopters => Some(format!("AD{n}")),
    }
}

struct Mess {
    rng: Rng,
    rate: f64,
}

impl Mess {
    /// True with probability `rate × scale` (never when the rate is 0).
    fn hit(&mut self, scale: f64) -> bool {
        self.rate > 0.0 && self.rng.chance(self.rate * scale)
    }

    /// The canonical label, or now and then one of its variants.
    fn label(&mut self, canonical: &'static str, variants: &'static [&'static str]) -> Text {
        if !variants.is_empty() && self.hit(1.0) {
            let i = self.rng.below(variants.len() as u64) as usize;
            interned(variants.get(i).copied().unwrap_or(canonical))
        } else {
            interned(canonical)
        }
    }
}

fn project(proj: &mut Projector<'_>, j: &Journey) -> Records {
    let config = proj.config;
    let mut m = Mess {
        rng: Rng::new(config.seed, STREAM_MESS, j.index),
        rate: config.messy_rate.clamp(0.0, 1.0),
    };
    let id = j.id.clone();
    let mut out = Records::default();

    // Children.
    // Sex is given as loaders normalise it; the writers vary the spelling.
    let sex = (!m.hit(0.5)).then(|| interned(if j.female { "Female" } else { "Male" }));
    let la = proj.authorities.get(j.la).cloned();
    let team = proj.teams.get(j.team).cloned();
    out.children.push(ChildRecord {
        child_id: id.clone(),
        date_of_birth: (!m.hit(0.25)).then_some(j.dob),
        sex,
        local_authority: if m.hit(0.25) { None } else { la },
        team: if m.hit(1.0) { None } else { team },
        attributes: BTreeMap::new(),
        source: proj.next(0),
    });

    // Placements, in date order.
    let mut carers: Vec<(u32, Text)> = Vec::new();
    for period in &j.periods {
        let n = period.stays.len();
        for (i, s) in period.stays.iter().enumerate() {
            let (canonical, variants, mut category) = place_label(s.place);
            let placement_type = if s.place == Place::Supported && m.hit(2.0) {
                category = PlacementCategory::Other;
                interned(UNKNOWN_PLACEMENT_LABEL)
            } else {
                m.label(canonical, variants)
            };
            let carer = match carers.iter().find(|c| c.0 == s.carer) {
                Some(c) => Some(c.1.clone()),
                None => {
                    let c = carer_ref(j.index, s.carer, s.place).map(Text::from);
                    if let Some(c) = &c {
                        carers.push((s.carer, c.clone()));
                    }
                    c
                }
            };
            let legal = period
                .legal
                .iter()
                .rev()
                .find(|l| l.start <= s.start)
                .or(period.legal.first())
                .map(|l| {
                    let (c, v, _) = status_label(l.status);
                    m.label(c, v)
                });
            let mut end = s.end;
            if i + 1 < n {
                if let Some(e) = end {
                    if j.la == DAY_BEFORE_LA && e > s.start {
                        end = Some(plus(e, -1));
                    } else if m.hit(0.3) {
                        // A data-entry slip: the old placement ends after the next began.
                        end = Some(plus(e, 1 + m.rng.below(10) as i64));
                    }
                }
            }
            let record = PlacementRecord {
                child_id: id.clone(),
                start: s.start,
                end,
                category,
                placement_type,
                carer: if m.hit(1.0) { None } else { carer },
                legal_status: if m.hit(2.0) { None } else { legal },
                temporary: false,
                starts_period: false,
                ends_period: false,
                source: proj.next(1),
            };
            let dup = m.hit(0.3);
            out.placements.push(record);
            if dup {
                let mut again = out.placements[out.placements.len() - 1].clone();
                again.source = proj.next(1);
                out.placements.push(again);
            }
        }
    }

    // Legal statuses.
    for period in &j.periods {
        for l in &period.legal {
            let (c, v, category) = status_label(l.status);
            let record = LegalRecord {
                child_id: id.clone(),
                start: l.start,
                end: l.end,
                category,
                legal_status: m.label(c, v),
                source: proj.next(2),
            };
            let dup = m.hit(0.2);
            out.legal.push(record);
            if dup {
                let mut again = out.legal[out.legal.len() - 1].clone();
                again.source = proj.next(2);
                out.legal.push(again);
            }
        }
    }

    // Events, in date order.
    if let Some(d) = j.prebirth_meeting {
        out.events.push(EventRecord {
            child_id: id.clone(),
            date: d,
            milestone: Milestone::Custom,
            label: interned(PREBIRTH_LABEL),
            detail: None,
            source: proj.next(3),
        });
    }
    for period in &j.periods {
        for e in &period.events {
            let (c, v, milestone, detail) = event_label(e.kind);
            let detail = match e.kind {
                EvKind::LeftCare => match period.exit {
                    Some(super::journey::Exit::AgedOut { .. }) => Some("18th birthday"),
                    Some(super::journey::Exit::Discharged) => Some("Supervision order ended"),
                    _ => detail,
                },
                _ => detail,
            };
            // Details that carry the route or the order are kept; the rest may be blank.
            let essential = matches!(
                e.kind,
                EvKind::Adm(_) | EvKind::Lodged(_) | EvKind::OrderGranted(_) | EvKind::Panel { .. }
            );
            let detail = match detail {
                Some(d) if essential || !m.hit(1.0) => Some(interned(d)),
                _ => None,
            };
            let record = EventRecord {
                child_id: id.clone(),
                date: e.date,
                milestone,
                label: m.label(c, v),
                detail,
                source: proj.next(3),
            };
            let dup = m.hit(0.3);
            out.events.push(record);
            if dup {
                let mut again = out.events[out.events.len() - 1].clone();
                again.source = proj.next(3);
                out.events.push(again);
            }
        }
    }
    // A review already booked after the "as at" date.
    if j.periods.last().is_some_and(|p| p.end.is_none()) && m.hit(1.0) {
        let date = plus(config.as_at, 10 + m.rng.below(50) as i64);
        out.events.push(EventRecord {
            child_id: id.clone(),
            date,
            milestone: Milestone::LacReview,
            label: interned("LAC review"),
            detail: None,
            source: proj.next(3),
        });
    }
    out
}

/// The label written for an unknown date, used by the writers' rejected rows.
pub(crate) fn impossible_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("31/02/{}", d.year())
}
