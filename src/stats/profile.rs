//! Timescale profiles: the stages a journey is measured in, their targets, and the checks
//! run on every child "as at" a date. Built-in profiles for Scotland (the default) and
//! England, and the JSON shape users load from a file or edit in the page.
//!
//! This module owns the profile types, their validation and the built-ins. It does not apply
//! a profile to journeys (that is `stats::stage` and `stats::child`).
//!
//! # JSON shape
//!
//! ```json
//! {
//!   "id": "scotland",
//!   "label": "Scotland (PACE)",
//!   "stages": [
//!     { "id": "first_review", "label": "Became looked after to first LAC review",
//!       "from": "became_looked_after", "to": "lac_review", "target": "6 weeks" },
//!     { "id": "time_to_permanence", "label": "Time to permanence",
//!       "from": "became_looked_after", "to": ["order_granted", "returned_home"] },
//!     { "id": "a2", "label": "A2: placement order to match",
//!       "from": "placement_order", "to": "matched", "target": "4 months",
//!       "to_before_from": "zero" }
//!   ],
//!   "checks": [
//!     { "id": "home_on_cso_over_2_years", "label": "At home on a CSO for more than 2 years",
//!       "placement": ["home_with_parents"], "legal_status": ["compulsory"],
//!       "longer_than": "2 years" }
//!   ]
//! }
//! ```
//!
//! Stage fields:
//! - `id` (unique within the profile), `label`, optional `description`.
//! - `from`: a milestone id (`crate::model::Milestone`). `became_looked_after` is the care
//!   period's start; `left_care` is the care period's end.
//! - `to`: a milestone id or a list of them; the first of any ends the stage.
//! - `target` (optional): a calendar duration such as `"14 days"`, `"6 weeks"`, `"6 months"`,
//!   `"2 years"`. Omitted or `null` means no target.
//! - `to_before_from` (optional): `"ignore"` (the default: a `to` milestone before the stage
//!   starts does not end it) or `"zero"` (a `to` milestone inside the care period before the
//!   stage starts ends the stage on its first day, 0 days: England's A2 "a match before the
//!   order counts as 0 days").
//! - `require_any` (optional): milestone ids; the stage is only measured in care periods
//!   where at least one of them happened by the "as at" date (the stage's population).
//! - `backdate_to_preceding_placement` (optional): `{ "placement_types": ["A3", "A5"],
//!   "preceding": ["foster", "kinship"], "same_carer_categories": ["prospective_adopters"],
//!   "not_placement_types": ["A4", "A6"] }`. When the stage ends on the day a placement of one
//!   of these types (as written in the input, case-insensitive) starts, or a placement of one
//!   of the `same_carer_categories` whose recorded carer is that of the placement just before
//!   it, and the placement just before it in the care period is of one of the `preceding`
//!   categories, the stage ends at the start of that preceding placement instead (going
//!   further back through earlier placements of those categories with the same recorded
//!   carer), never before the stage's start. Placements of the `not_placement_types` never
//!   count. England's A10 uses it: adoptions by the child's own foster carer (SSDA903 A3 and
//!   A5, "placed for adoption with their current foster carer"; or, in the template, a
//!   prospective adopters placement with the foster carer's name) count to the start of that
//!   foster placement.
//!
//! `scorecard` (optional): `{ "window": "3 years", "a1_threshold_days": 426,
//! "a2_threshold_days": 121, "a3_within": "14 months" }` asks for England's adoption scorecard
//! as the DfE computes it (`stats::scorecard`): A1, A2 and A10 over the children adopted in
//! the window ending on "as at". England's profile has it.
//!
//! Check fields: `id`, `label`, optional `description`, `placement` (placement category ids),
//! `legal_status` (legal category ids) and `longer_than` (a duration). A child is in the
//! check's status when, at the "as at" date, they are in care in a placement of one of the
//! categories under a legal status of one of the categories; the check flags those whose
//! current continuous spell in that status began more than `longer_than` before "as at".
//!
//! Unknown fields are errors, so that a typing mistake in a hand-edited profile is reported
//! rather than silently ignored.
//!
//! A profile is small, and one that is not is refused before it costs anything (each stage is
//! measured for every child, so 20,000 stages would take gigabytes): at most
//! [`Profile::MAX_BYTES`] of JSON, [`Profile::MAX_STAGES`] stages, [`Profile::MAX_CHECKS`]
//! checks, [`Profile::MAX_LIST`] entries in any list, ids of at most [`Profile::MAX_ID_CHARS`]
//! characters and labels and descriptions of at most [`Profile::MAX_TEXT_CHARS`].

use super::duration::CalendarDuration;
use super::scorecard::ScorecardSpec;
use crate::model::{LegalCategory, Milestone, PlacementCategory};
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashSet;
use std::fmt;

/// A timescale profile: a list of stages and checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub stages: Vec<Stage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// England's adoption scorecard (the DfE's figures over children adopted in a window), for
    /// profiles that want it; see `stats::scorecard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<ScorecardSpec>,
}

/// One stage of a journey, from one milestone to the first of one or more others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub from: Milestone,
    #[serde(
        serialize_with = "serialize_one_or_many",
        deserialize_with = "deserialize_one_or_many"
    )]
    pub to: Vec<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<CalendarDuration>,
    #[serde(default, skip_serializing_if = "ToBeforeFrom::is_default")]
    pub to_before_from: ToBeforeFrom,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require_any: Vec<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backdate_to_preceding_placement: Option<Backdate>,
}

/// What a `to` milestone dated before the stage's start means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToBeforeFrom {
    /// It does not end the stage; only a `to` on or after the start does.
    #[default]
    Ignore,
    /// It ends the stage on its first day (0 days).
    Zero,
}

/// Moves a stage's end back to the start of the placement that preceded a given kind of
/// placement (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backdate {
    /// Placement types as written in the input (SSDA903 PLACE codes such as `A5`),
    /// compared ignoring case and surrounding spaces.
    pub placement_types: Vec<String>,
    /// The categories the preceding placement must have.
    pub preceding: Vec<PlacementCategory>,
    /// Placements of these categories count too when their recorded carer is the preceding
    /// placement's (for input that names carers rather than giving SSDA903 codes, such as the
    /// template's `carer` column).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_carer_categories: Vec<PlacementCategory>,
    /// Placement types that never count, whatever the carer (SSDA903 A4 and A6: placed with
    /// adopters who are not the current foster carers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_placement_types: Vec<String>,
}

/// A check on every child's current status, such as PACE Aim 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub placement: Vec<PlacementCategory>,
    pub legal_status: Vec<LegalCategory>,
    pub longer_than: CalendarDuration,
}

/// A profile that could not be read or does not make sense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileError {
    /// A plain-English message naming the stage or field at fault.
    pub message: String,
}

impl Profile {
    /// The names of the built-in profiles, default first.
    pub const BUILT_IN: [&'static str; 2] = ["scotland", "england"];

    /// A built-in profile by name (`scotland` or `england`, ignoring case).
    pub fn built_in(name: &str) -> Option<Profile> {
        match name.trim().to_ascii_lowercase().as_str() {
            "scotland" => Some(Profile::scotland()),
            "england" => Some(Profile::england()),
            _ => None,
        }
    }

    /// Scotland's PACE stages, time to permanence, and the PACE Aim 1
    /// check. The default profile.
    pub fn scotland() -> Profile {
        use Milestone::*;
        Profile {
            id: "scotland".into(),
            label: "Scotland (PACE)".into(),
            description: "Stages and timescales from the Looked After Children (Scotland) Regulations 2009, the Adoption Agencies (Scotland) Regulations 2009 and PACE local aims.".into(),
            stages: vec![
                stage(
                    "first_review",
                    "Became looked after to first LAC review",
                    "Looked After Children (Scotland) Regulations 2009, reg 45(2): the first review within 6 weeks of the placement.",
                    BecameLookedAfter,
                    &[LacReview],
                    Some(CalendarDuration::weeks(6)),
                ),
                stage(
                    "permanence_recommendation",
                    "Became looked after to permanence recommendation",
                    "PACE Aim 2: a permanence recommendation within 6 months of becoming looked after.",
                    BecameLookedAfter,
                    &[PermanenceRecommendation],
                    Some(CalendarDuration::months(6)),
                ),
                stage(
                    "recommendation_to_panel",
                    "Permanence recommendation to panel",
                    "A local PACE aim: the permanence panel within 12 weeks of the recommendation.",
                    PermanenceRecommendation,
                    &[Panel],
                    Some(CalendarDuration::weeks(12)),
                ),
                stage(
                    "panel_to_adm",
                    "Panel to agency decision maker",
                    "Adoption Agencies (Scotland) Regulations 2009, reg 13: the ADM decides within 14 days of the panel's recommendation.",
                    Panel,
                    &[AdmDecision],
                    Some(CalendarDuration::days(14)),
                ),
                stage(
                    "adm_to_lodging",
                    "ADM decision to application lodged",
                    "No national target; set one locally.",
                    AdmDecision,
                    &[ApplicationLodged],
                    None,
                ),
                stage(
                    "lodging_to_order",
                    "Application lodged to order granted",
                    "No national target; set one locally.",
                    ApplicationLodged,
                    &[OrderGranted],
                    None,
                ),
                stage(
                    "time_to_permanence",
                    "Time to permanence",
                    "From becoming looked after to the first order granted or return home.",
                    BecameLookedAfter,
                    &[OrderGranted, ReturnedHome],
                    None,
                ),
            ],
            checks: vec![Check {
                id: "home_on_cso_over_2_years".into(),
                label: "Looked after at home on a CSO for more than 2 years".into(),
                description: "PACE Aim 1: the plan of a child looked after at home on a Compulsory Supervision Order is reviewed at 2 years.".into(),
                placement: vec![PlacementCategory::HomeWithParents],
                legal_status: vec![LegalCategory::Compulsory],
                longer_than: CalendarDuration::years(2),
            }],
            scorecard: None,
        }
    }

    /// England's adoption scorecard measures A1, A2 and A10, and
    /// time to permanence.
    ///
    /// Two views of the same measures. The scorecard itself (`scorecard`, computed by
    /// `stats::scorecard`) is the DfE's: means over the children adopted in a three-year
    /// window, against the thresholds. The stages `a1`, `a2` and `a10` are the waiting view:
    /// they follow every care period with an adoption decision, a placement order, a match or
    /// a placement for adoption (`require_any`) and count those not yet placed as still
    /// waiting (censored, Kaplan–Meier), so the children waiting longest are not left out.
    /// The waiting view ends at the first placement for adoption (a child whose placement
    /// disrupted is not counted as waiting again), and it recognises foster-carer adoptions by
    /// the placement codes and carers only; the scorecard also reads the AD1 flag.
    pub fn england() -> Profile {
        use Milestone::*;
        let adoption_plan = vec![AdmDecision, PlacementOrder, Matched, PlacedForAdoption];
        let mut a1 = stage(
            "a1",
            "A1: entering care to moving in with the adoptive family",
            "Adoption scorecard A1 (threshold 14 months), for every care period with an adoption decision, placement order, match or placement for adoption; children still waiting are censored. The scorecard's A1 is the mean over children adopted.",
            BecameLookedAfter,
            &[PlacedForAdoption],
            Some(CalendarDuration::months(14)),
        );
        a1.require_any.clone_from(&adoption_plan);
        let mut a2 = stage(
            "a2",
            "A2: placement order to match with adopters",
            "Adoption scorecard A2 (threshold 4 months): a match before the order counts as 0 days; children without a placement order are not counted; children still waiting for a match are censored. The scorecard's A2 is the mean over children adopted.",
            PlacementOrder,
            &[Matched],
            Some(CalendarDuration::months(4)),
        );
        a2.to_before_from = ToBeforeFrom::Zero;
        let mut a10 = stage(
            "a10",
            "A10: entering care to moving in with the adoptive family (foster carer adoptions from the foster placement)",
            "Adoption scorecard A10 (threshold 14 months): as A1, but a child placed for adoption with their own foster carer (SSDA903 placement A3 or A5, or a prospective adopters placement with the same carer as the foster placement before it) counts to the start of that foster placement.",
            BecameLookedAfter,
            &[PlacedForAdoption],
            Some(CalendarDuration::months(14)),
        );
        a10.require_any = adoption_plan;
        a10.backdate_to_preceding_placement = Some(Backdate {
            placement_types: vec!["A3".into(), "A5".into()],
            preceding: vec![PlacementCategory::Foster, PlacementCategory::Kinship],
            same_carer_categories: vec![PlacementCategory::ProspectiveAdopters],
            not_placement_types: vec!["A4".into(), "A6".into()],
        });
        let permanence = stage(
            "time_to_permanence",
            "Time to permanence",
            "From entering care to the first order granted (adoption, special guardianship, child arrangements) or return home.",
            BecameLookedAfter,
            &[OrderGranted, ReturnedHome],
            None,
        );
        Profile {
            id: "england".into(),
            label: "England (adoption scorecard)".into(),
            description: "Adoption scorecard measures A1, A2 and A10 from the SSDA903 return."
                .into(),
            stages: vec![a1, a2, a10, permanence],
            checks: Vec::new(),
            scorecard: Some(ScorecardSpec::dfe()),
        }
    }

    /// The most JSON a profile may be (1 MiB; the built-ins are 3 kB).
    pub const MAX_BYTES: usize = 1024 * 1024;
    /// The most stages a profile may have.
    pub const MAX_STAGES: usize = 100;
    /// The most checks a profile may have.
    pub const MAX_CHECKS: usize = 100;
    /// The most entries in any list of a stage or check (milestones, categories, types).
    pub const MAX_LIST: usize = 200;
    /// The longest id (of the profile, a stage or a check), in characters.
    pub const MAX_ID_CHARS: usize = 100;
    /// The longest label, description or placement type, in characters.
    pub const MAX_TEXT_CHARS: usize = 2000;

    /// Reads a profile from JSON and validates it.
    pub fn from_json(json: &str) -> Result<Profile, ProfileError> {
        if json.len() > Profile::MAX_BYTES {
            return Err(ProfileError {
                message: format!(
                    "The profile is {} kB; a profile is at most {} kB (a few stages and checks). Is this the right file?",
                    json.len().div_ceil(1024),
                    Profile::MAX_BYTES / 1024
                ),
            });
        }
        let profile: Profile = serde_json::from_str(json).map_err(|e| ProfileError {
            message: format!("The profile is not valid: {e}."),
        })?;
        profile.validate()?;
        Ok(profile)
    }

    /// The profile as pretty-printed JSON (what [`Profile::from_json`] reads back).
    pub fn to_json(&self) -> String {
        // A profile holds only strings, ids and lists: serialising it cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks what serde cannot: ids present and unique, every stage has an end milestone,
    /// no stage uses the catch-all `custom` milestone, checks name at least one category.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let fail = |message: String| Err(ProfileError { message });
        if self.id.trim().is_empty() {
            return fail("The profile has no id.".into());
        }
        self.within_caps()?;
        let mut ids = HashSet::new();
        for (i, s) in self.stages.iter().enumerate() {
            let n = i + 1;
            if s.id.trim().is_empty() {
                return fail(format!("Stage {n} has no id."));
            }
            if !ids.insert(s.id.as_str()) {
                return fail(format!("The stage id \"{}\" is used twice.", s.id));
            }
            if s.to.is_empty() {
                return fail(format!(
                    "Stage \"{}\" has no \"to\" milestone: give one or a list.",
                    s.id
                ));
            }
            let uses_custom = s.from == Milestone::Custom
                || s.to.contains(&Milestone::Custom)
                || s.require_any.contains(&Milestone::Custom);
            if uses_custom {
                return fail(format!(
                    "Stage \"{}\" uses the \"custom\" milestone, which stands for any unrecognised event; name a specific milestone.",
                    s.id
                ));
            }
            if let Some(b) = &s.backdate_to_preceding_placement {
                let counts_nothing =
                    b.placement_types.is_empty() && b.same_carer_categories.is_empty();
                if counts_nothing || b.preceding.is_empty() {
                    return fail(format!(
                        "Stage \"{}\": backdate_to_preceding_placement needs at least one placement type (or same-carer category) and one preceding category.",
                        s.id
                    ));
                }
            }
        }
        let mut check_ids = HashSet::new();
        for c in &self.checks {
            if c.id.trim().is_empty() {
                return fail("A check has no id.".into());
            }
            if !check_ids.insert(c.id.as_str()) {
                return fail(format!("The check id \"{}\" is used twice.", c.id));
            }
            if c.placement.is_empty() || c.legal_status.is_empty() {
                return fail(format!(
                    "Check \"{}\" needs at least one placement category and one legal status.",
                    c.id
                ));
            }
        }
        Ok(())
    }
}

impl Profile {
    /// Checks the caps in the module documentation.
    fn within_caps(&self) -> Result<(), ProfileError> {
        let fail = |message: String| Err(ProfileError { message });
        let (stages, checks) = (self.stages.len(), self.checks.len());
        if stages > Profile::MAX_STAGES {
            return fail(format!(
                "The profile has {stages} stages; a profile has at most {} (each is measured for every child).",
                Profile::MAX_STAGES
            ));
        }
        if checks > Profile::MAX_CHECKS {
            return fail(format!(
                "The profile has {checks} checks; a profile has at most {}.",
                Profile::MAX_CHECKS
            ));
        }
        let long = |what: &str, text: &str, max: usize| {
            let n = text.chars().count();
            if n > max {
                return Some(ProfileError {
                    message: format!("{what} is {n} characters long; at most {max} are allowed."),
                });
            }
            // A bidi override or a control character would make a label read as another
            // (tabs and line breaks are let be).
            let hidden = crate::visible::hidden_in(text, crate::visible::is_hidden_in_text);
            (!hidden.is_empty()).then(|| ProfileError {
                message: format!(
                    "{what} holds invisible characters ({}); remove them.",
                    crate::visible::describe(&hidden)
                ),
            })
        };
        let many = |what: &str, n: usize| {
            (n > Profile::MAX_LIST).then(|| ProfileError {
                message: format!(
                    "{what} has {n} entries; a list has at most {}.",
                    Profile::MAX_LIST
                ),
            })
        };
        let id = |id: &str| crate::diagnostics::shorten(id, 40).into_owned();
        let mut problems = vec![
            long("The profile's id", &self.id, Profile::MAX_ID_CHARS),
            long("The profile's label", &self.label, Profile::MAX_TEXT_CHARS),
            long(
                "The profile's description",
                &self.description,
                Profile::MAX_TEXT_CHARS,
            ),
        ];
        for (i, s) in self.stages.iter().enumerate() {
            let name = format!("Stage {} (\"{}\")", i + 1, id(&s.id));
            problems.push(long(
                &format!("{name}: the id"),
                &s.id,
                Profile::MAX_ID_CHARS,
            ));
            problems.push(long(
                &format!("{name}: the label"),
                &s.label,
                Profile::MAX_TEXT_CHARS,
            ));
            problems.push(long(
                &format!("{name}: the description"),
                &s.description,
                Profile::MAX_TEXT_CHARS,
            ));
            problems.push(many(&format!("{name}: \"to\""), s.to.len()));
            problems.push(many(
                &format!("{name}: \"require_any\""),
                s.require_any.len(),
            ));
            if let Some(b) = &s.backdate_to_preceding_placement {
                let lists = [
                    ("placement_types", b.placement_types.len()),
                    ("preceding", b.preceding.len()),
                    ("same_carer_categories", b.same_carer_categories.len()),
                    ("not_placement_types", b.not_placement_types.len()),
                ];
                for (list, n) in lists {
                    problems.push(many(&format!("{name}: \"{list}\""), n));
                }
                for t in b.placement_types.iter().chain(&b.not_placement_types) {
                    problems.push(long(
                        &format!("{name}: a placement type"),
                        t,
                        Profile::MAX_TEXT_CHARS,
                    ));
                }
            }
        }
        for (i, c) in self.checks.iter().enumerate() {
            let name = format!("Check {} (\"{}\")", i + 1, id(&c.id));
            problems.push(long(
                &format!("{name}: the id"),
                &c.id,
                Profile::MAX_ID_CHARS,
            ));
            problems.push(long(
                &format!("{name}: the label"),
                &c.label,
                Profile::MAX_TEXT_CHARS,
            ));
            problems.push(long(
                &format!("{name}: the description"),
                &c.description,
                Profile::MAX_TEXT_CHARS,
            ));
            problems.push(many(&format!("{name}: \"placement\""), c.placement.len()));
            problems.push(many(
                &format!("{name}: \"legal_status\""),
                c.legal_status.len(),
            ));
        }
        match problems.into_iter().flatten().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::scotland()
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProfileError {}

impl ToBeforeFrom {
    fn is_default(&self) -> bool {
        *self == ToBeforeFrom::Ignore
    }
}

fn stage(
    id: &str,
    label: &str,
    description: &str,
    from: Milestone,
    to: &[Milestone],
    target: Option<CalendarDuration>,
) -> Stage {
    Stage {
        id: id.into(),
        label: label.into(),
        description: description.into(),
        from,
        to: to.to_vec(),
        target,
        to_before_from: ToBeforeFrom::Ignore,
        require_any: Vec::new(),
        backdate_to_preceding_placement: None,
    }
}

/// Writes one milestone as a string and several as a list.
fn serialize_one_or_many<S: Serializer>(to: &[Milestone], s: S) -> Result<S::Ok, S::Error> {
    match to {
        [one] => one.serialize(s),
        many => many.serialize(s),
    }
}

/// Reads a milestone id or a list of them.
fn deserialize_one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Milestone>, D::Error> {
    struct OneOrMany;

    impl<'de> Visitor<'de> for OneOrMany {
        type Value = Vec<Milestone>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a milestone id or a list of milestone ids")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let one = Milestone::deserialize(de::value::StrDeserializer::<E>::new(v))?;
            Ok(vec![one])
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut all = Vec::new();
            while let Some(m) = seq.next_element::<Milestone>()? {
                all.push(m);
            }
            Ok(all)
        }
    }

    d.deserialize_any(OneOrMany)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_round_trip_through_json() {
        for name in Profile::BUILT_IN {
            let profile = Profile::built_in(name).expect("built in");
            profile.validate().expect("built-ins are valid");
            let json = profile.to_json();
            let back = Profile::from_json(&json).expect("reads back");
            assert_eq!(back, profile, "{name}");
        }
    }

    #[test]
    fn scotland_lists_the_issue_stages_in_order() {
        let p = Profile::scotland();
        let ids: Vec<&str> = p.stages.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "first_review",
                "permanence_recommendation",
                "recommendation_to_panel",
                "panel_to_adm",
                "adm_to_lodging",
                "lodging_to_order",
                "time_to_permanence"
            ]
        );
        let targets: Vec<Option<String>> = p
            .stages
            .iter()
            .map(|s| s.target.map(|t| t.to_string()))
            .collect();
        let expected = [
            Some("6 weeks"),
            Some("6 months"),
            Some("12 weeks"),
            Some("14 days"),
            None,
            None,
            None,
        ];
        assert_eq!(
            targets,
            expected.map(|t| t.map(String::from)).to_vec(),
            "targets"
        );
        assert_eq!(
            p.stages[6].to,
            [Milestone::OrderGranted, Milestone::ReturnedHome]
        );
        assert_eq!(p.checks[0].longer_than, CalendarDuration::years(2));
    }

    #[test]
    fn reads_a_hand_written_profile() {
        let json = r#"{
            "id": "local", "label": "Local aims",
            "stages": [
                { "id": "s1", "label": "Review to panel", "from": "lac_review",
                  "to": "panel", "target": "18 weeks" },
                { "id": "s2", "label": "Entry to order or home", "from": "became_looked_after",
                  "to": ["order_granted", "returned_home"], "target": null,
                  "to_before_from": "zero", "require_any": ["adm_decision"] }
            ]
        }"#;
        let p = Profile::from_json(json).expect("valid");
        assert_eq!(p.stages[0].to, [Milestone::Panel]);
        assert_eq!(p.stages[0].target, Some(CalendarDuration::weeks(18)));
        assert_eq!(p.stages[1].target, None);
        assert_eq!(p.stages[1].to_before_from, ToBeforeFrom::Zero);
        assert_eq!(p.stages[1].require_any, [Milestone::AdmDecision]);
        assert!(p.checks.is_empty());
    }

    /// `n` stages, each from one milestone to another.
    fn with_stages(n: usize) -> String {
        let stages: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"s{i}","label":"","from":"became_looked_after","to":"left_care"}}"#
                )
            })
            .collect();
        format!(
            r#"{{"id":"big","label":"Big","stages":[{}]}}"#,
            stages.join(",")
        )
    }

    #[test]
    fn a_profile_of_twenty_thousand_stages_is_refused_at_once() {
        let json = with_stages(20_000);
        assert!(json.len() > Profile::MAX_BYTES, "{}", json.len());
        let started = std::time::Instant::now();
        let err = Profile::from_json(&json).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_millis(200));
        assert!(
            err.message.contains("a profile is at most 1024 kB"),
            "{}",
            err.message
        );
        // Under the byte cap, the count is what is refused.
        let err = Profile::from_json(&with_stages(101)).unwrap_err();
        assert_eq!(
            err.message,
            "The profile has 101 stages; a profile has at most 100 (each is measured for every child)."
        );
        assert!(Profile::from_json(&with_stages(100)).is_ok());
    }

    #[test]
    fn long_labels_and_lists_are_refused_by_name() {
        let label = "x".repeat(2001);
        let json = format!(
            r#"{{"id":"p","label":"p","stages":[{{"id":"a","label":"{label}","from":"lac_review","to":"panel"}}]}}"#
        );
        assert_eq!(
            Profile::from_json(&json).unwrap_err().message,
            "Stage 1 (\"a\"): the label is 2001 characters long; at most 2000 are allowed."
        );
        let to = vec!["\"panel\""; 201].join(",");
        let json = format!(
            r#"{{"id":"p","label":"p","stages":[{{"id":"a","label":"a","from":"lac_review","to":[{to}]}}]}}"#
        );
        assert_eq!(
            Profile::from_json(&json).unwrap_err().message,
            "Stage 1 (\"a\"): \"to\" has 201 entries; a list has at most 200."
        );
        let checks: Vec<String> = (0..101)
            .map(|i| format!(r#"{{"id":"c{i}","label":"c","placement":["foster"],"legal_status":["compulsory"],"longer_than":"2 years"}}"#))
            .collect();
        let json = format!(
            r#"{{"id":"p","label":"p","stages":[],"checks":[{}]}}"#,
            checks.join(",")
        );
        assert_eq!(
            Profile::from_json(&json).unwrap_err().message,
            "The profile has 101 checks; a profile has at most 100."
        );
        let json = r#"{"id":"p","label":"p","stages":[{"id":"a","label":"To \u202epanel","from":"lac_review","to":"panel"}]}"#;
        assert_eq!(
            Profile::from_json(json).unwrap_err().message,
            "Stage 1 (\"a\"): the label holds invisible characters (U+202E (right-to-left override)); remove them."
        );
    }

    #[test]
    fn reports_mistakes_in_plain_words() {
        let cases = [
            (
                r#"{"id":"x","label":"x","stages":[{"id":"a","label":"a","from":"lac_review","to":"pannel"}]}"#,
                "pannel",
            ),
            (
                r#"{"id":"x","label":"x","stages":[{"id":"a","label":"a","from":"lac_review","to":"panel","target":"soon"}]}"#,
                "soon",
            ),
            (
                r#"{"id":"x","label":"x","stages":[{"id":"a","label":"a","from":"lac_review","to":"panel","traget":"6 weeks"}]}"#,
                "traget",
            ),
            (
                r#"{"id":"x","label":"x","stages":[{"id":"a","label":"a","from":"lac_review","to":[]}]}"#,
                "no \"to\" milestone",
            ),
            (
                r#"{"id":"x","label":"x","stages":[{"id":"a","label":"a","from":"lac_review","to":"panel"},{"id":"a","label":"b","from":"panel","to":"adm_decision"}]}"#,
                "used twice",
            ),
            (
                r#"{"id":"x","label":"x","stages":[{"id":"a","label":"a","from":"custom","to":"panel"}]}"#,
                "custom",
            ),
        ];
        for (json, needle) in cases {
            let err = Profile::from_json(json).unwrap_err();
            assert!(
                err.message.contains(needle),
                "{json}: {} should mention {needle}",
                err.message
            );
        }
    }
}
