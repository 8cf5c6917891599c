//! Small builders for hand-written journeys, shared by the statistics tests. Journeys go
//! through `Records` and `build_children`, as real input does.

#![allow(dead_code)]

use chrono::NaiveDate;
use driftline::model::{
    build_children, Child, ChildRecord, EventRecord, LegalCategory, LegalRecord, Milestone,
    PlacementCategory, PlacementRecord, Records, SourceRow, Text,
};
use std::collections::BTreeMap;

/// Parses an ISO date.
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("ISO test date")
}

/// One child's rows.
pub struct Kid {
    records: Records,
    id: Text,
    row: u32,
}

impl Kid {
    pub fn new(id: &str) -> Kid {
        let mut k = Kid {
            records: Records::default(),
            id: Text::from(id),
            row: 1,
        };
        let source = k.next_row();
        k.records.children.push(ChildRecord {
            child_id: k.id.clone(),
            date_of_birth: None,
            sex: None,
            local_authority: None,
            team: None,
            attributes: BTreeMap::new(),
            source,
        });
        k
    }

    fn next_row(&mut self) -> SourceRow {
        self.row += 1;
        SourceRow {
            table: 0,
            row: self.row,
        }
    }

    fn record(&mut self) -> &mut ChildRecord {
        &mut self.records.children[0]
    }

    pub fn born(mut self, dob: &str) -> Kid {
        self.record().date_of_birth = Some(d(dob));
        self
    }

    pub fn sex(mut self, sex: &str) -> Kid {
        self.record().sex = Some(Text::from(sex));
        self
    }

    pub fn team(mut self, team: &str) -> Kid {
        self.record().team = Some(Text::from(team));
        self
    }

    pub fn authority(mut self, la: &str) -> Kid {
        self.record().local_authority = Some(Text::from(la));
        self
    }

    pub fn attribute(mut self, name: &str, value: &str) -> Kid {
        self.record()
            .attributes
            .insert(Text::from(name), Text::from(value));
        self
    }

    /// A placement; `end` of "" means ongoing. The placement type is the category's id
    /// unless `placement_typed` is used.
    pub fn placement(self, start: &str, end: &str, category: PlacementCategory) -> Kid {
        self.placement_typed(start, end, category, category.id(), None)
    }

    pub fn placement_typed(
        mut self,
        start: &str,
        end: &str,
        category: PlacementCategory,
        placement_type: &str,
        carer: Option<&str>,
    ) -> Kid {
        let source = self.next_row();
        self.records.placements.push(PlacementRecord {
            child_id: self.id.clone(),
            start: d(start),
            end: (!end.is_empty()).then(|| d(end)),
            category,
            placement_type: Text::from(placement_type),
            carer: carer.map(Text::from),
            legal_status: None,
            temporary: false,
            starts_period: false,
            ends_period: false,
            source,
        });
        self
    }

    pub fn legal(mut self, start: &str, end: &str, category: LegalCategory) -> Kid {
        let source = self.next_row();
        self.records.legal.push(LegalRecord {
            child_id: self.id.clone(),
            start: d(start),
            end: (!end.is_empty()).then(|| d(end)),
            category,
            legal_status: Text::from(category.id()),
            source,
        });
        self
    }

    pub fn event(self, date: &str, milestone: Milestone) -> Kid {
        self.event_labelled(date, milestone, milestone.label(), None)
    }

    pub fn event_labelled(
        mut self,
        date: &str,
        milestone: Milestone,
        label: &str,
        detail: Option<&str>,
    ) -> Kid {
        let source = self.next_row();
        self.records.events.push(EventRecord {
            child_id: self.id.clone(),
            date: d(date),
            milestone,
            label: Text::from(label),
            detail: detail.map(Text::from),
            source,
        });
        self
    }
}

/// Builds every kid's journey "as at" `as_at`, in the order given.
pub fn build(kids: Vec<Kid>, as_at: NaiveDate) -> Vec<Child> {
    let mut all = Records::default();
    for k in kids {
        all.children.extend(k.records.children);
        all.placements.extend(k.records.placements);
        all.legal.extend(k.records.legal);
        all.events.extend(k.records.events);
    }
    let (dataset, _diagnostics) = build_children(all, as_at, &|_| (String::new(), None));
    dataset.children
}
