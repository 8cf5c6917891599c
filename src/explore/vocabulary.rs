//! The page's words, in one answer: the tables and fields a mapping can name, the categories
//! and milestones labels map to, routes, age bands and breakdowns, the QI view's choices and
//! signal words, and the units and built-in profiles of the timescale editor.
//!
//! This module only gathers: every word is owned by the type it names (`label()` on the
//! categories, milestones, routes, age bands, breakdowns, variations and special causes), so
//! the page, the charts and the exports say the same thing, and no JavaScript file keeps a
//! copy. The mapping step's own choices ("Recognise automatically", "Ignore this sheet",
//! "Keep as its own event") are owned here.

use crate::ingest::header::{Field, TableKind};
use crate::ingest::ssda903::Table903;
use crate::model::{LegalCategory, Milestone, PlacementCategory};
use crate::qi::{SpecialCause, Variation};
use crate::stats::{AgeBand, Breakdown, Profile, Route};
use serde::Serialize;
use std::collections::BTreeMap;

/// `[id, label]`.
pub type Choice = (&'static str, &'static str);

/// Every word the page shows that is not data (see the module documentation).
#[derive(Debug, Serialize)]
pub struct Vocabulary {
    /// The mapping step's table choices, "recognise automatically" (`""`) first and "ignore
    /// this sheet" last.
    pub table_kinds: Vec<Choice>,
    /// Every kind of table a load can recognise (the template's and the SSDA903 return's),
    /// named in words for the load summary and the mapping step.
    pub table_labels: Vec<Choice>,
    /// Every field a table can have.
    pub fields: Vec<Choice>,
    /// The fields of each table kind, in the order of `fields`.
    pub table_fields: BTreeMap<&'static str, Vec<&'static str>>,
    pub placement: Vec<Choice>,
    pub legal_status: Vec<Choice>,
    /// The milestones an event label can map to; `custom` keeps the event as its own.
    pub milestones: Vec<Choice>,
    pub routes: Vec<Choice>,
    /// What an "Order granted" event must say to give a route other than "Other order".
    pub other_order_hint: &'static str,
    pub age_bands: Vec<Choice>,
    pub breakdowns: Vec<Choice>,
    /// How the QI view's points are made.
    pub aggregations: Vec<Choice>,
    /// The rule sets of a run chart and of an XmR chart.
    pub run_rules: Vec<Choice>,
    pub xmr_rules: Vec<Choice>,
    /// A point's variation, as a short label.
    pub variation: BTreeMap<&'static str, &'static str>,
    /// A special cause, in words.
    pub special_cause: BTreeMap<&'static str, &'static str>,
    /// The units a timescale can be written in.
    pub units: Vec<Choice>,
    /// The built-in timescale profiles.
    pub profiles: Vec<(&'static str, String)>,
    /// What every forecast assumes, to show wherever a forecast is shown.
    pub forecast_caveats: &'static [&'static str],
}

/// The label of a field, as the mapping step names it.
pub fn field_label(field: Field) -> &'static str {
    match field {
        Field::ChildId => "Child ID",
        Field::DateOfBirth => "Date of birth",
        Field::Sex => "Sex",
        Field::LocalAuthority => "Local authority",
        Field::Team => "Team",
        Field::StartDate => "Start date",
        Field::EndDate => "End date",
        Field::PlacementType => "Placement type",
        Field::Carer => "Carer",
        Field::LegalStatus => "Legal status",
        Field::Date => "Date",
        Field::Event => "Event",
        Field::Detail => "Detail",
    }
}

/// The label of a table kind.
pub fn table_kind_label(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Children => "Children",
        TableKind::Placements => "Placements",
        TableKind::Legal => "Legal status",
        TableKind::Events => "Events",
    }
}

/// The page's words.
pub fn vocabulary() -> Vocabulary {
    let kinds = [
        TableKind::Children,
        TableKind::Placements,
        TableKind::Legal,
        TableKind::Events,
    ];
    let table_kinds = std::iter::once(("", "Recognise automatically"))
        .chain(kinds.iter().map(|k| (k.id(), table_kind_label(*k))))
        .chain(std::iter::once(("ignore", "Ignore this sheet")))
        .collect();
    let table_fields = kinds
        .iter()
        .map(|k| {
            let fields = Field::ALL
                .iter()
                .filter(|f| k.fields().contains(f))
                .map(|f| f.id())
                .collect();
            (k.id(), fields)
        })
        .collect();
    let table_labels = kinds
        .iter()
        .map(|k| (k.id(), table_kind_label(*k)))
        .chain(Table903::ALL.iter().map(|t| (t.id(), t.label())))
        .collect();
    Vocabulary {
        table_kinds,
        table_labels,
        fields: Field::ALL
            .iter()
            .map(|f| (f.id(), field_label(*f)))
            .collect(),
        table_fields,
        placement: PlacementCategory::ALL
            .iter()
            .map(|c| (c.id(), c.label()))
            .collect(),
        legal_status: LegalCategory::ALL
            .iter()
            .map(|c| (c.id(), c.label()))
            .collect(),
        milestones: Milestone::ALL
            .iter()
            .map(|m| match m {
                Milestone::Custom => (m.id(), "Keep as its own event"),
                _ => (m.id(), m.label()),
            })
            .collect(),
        routes: Route::ALL.iter().map(|r| (r.id(), r.label())).collect(),
        other_order_hint: Route::ORDER_WORDS,
        age_bands: AgeBand::ALL.iter().map(|b| (b.id(), b.label())).collect(),
        breakdowns: Breakdown::ALL.iter().map(|b| (b.id(), b.label())).collect(),
        aggregations: vec![
            ("none", "One point per child"),
            ("month", "Median per month"),
            ("quarter", "Median per quarter"),
        ],
        run_rules: vec![
            ("anhoej", "Anhøj (longest run and crossings)"),
            ("ihi", "IHI (shift of 6, trend of 5)"),
        ],
        xmr_rules: vec![
            ("mdc", "Making Data Count (NHSRplotthedots)"),
            ("nhse-2024", "NHS England 2024"),
        ],
        variation: Variation::ALL.iter().map(|v| (v.id(), v.label())).collect(),
        special_cause: SpecialCause::ALL
            .iter()
            .map(|c| (c.id(), c.words()))
            .collect(),
        units: ["days", "weeks", "months", "years"]
            .into_iter()
            .map(|u| (u, u))
            .collect(),
        profiles: Profile::BUILT_IN
            .iter()
            .filter_map(|name| Some((*name, Profile::built_in(name)?.label)))
            .collect(),
        forecast_caveats: &crate::stats::FORECAST_CAVEATS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_an_id_the_core_reads_back() {
        let v = vocabulary();
        for (id, _) in &v.placement {
            assert!(PlacementCategory::from_id(id).is_some(), "{id}");
        }
        for (id, _) in &v.legal_status {
            assert!(LegalCategory::from_id(id).is_some(), "{id}");
        }
        for (id, _) in &v.routes {
            assert!(Route::from_id(id).is_some(), "{id}");
        }
        for (id, _) in &v.breakdowns {
            assert!(Breakdown::from_id(id).is_some(), "{id}");
        }
        for (id, _) in &v.aggregations {
            assert!(id.parse::<crate::stats::Aggregate>().is_ok(), "{id}");
        }
        for (id, _) in v.run_rules.iter().chain(&v.xmr_rules) {
            assert!(id.parse::<crate::qi::RuleSet>().is_ok(), "{id}");
        }
        // The ids are what the chart model serialises.
        for c in SpecialCause::ALL {
            assert_eq!(serde_json::to_value(c).expect("json"), c.id());
        }
        for x in Variation::ALL {
            assert_eq!(serde_json::to_value(x).expect("json"), x.id());
        }
        assert_eq!(
            v.table_fields["placements"],
            [
                "child_id",
                "start_date",
                "end_date",
                "placement_type",
                "carer",
                "legal_status"
            ]
        );
    }
}
