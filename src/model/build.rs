//! Building journeys from parsed rows: group by child, sort, split placements into care
//! periods, count moves, attach events, and run the data-quality checks.
//!
//! Input is format-neutral [`Records`] (the template loader and the SSDA903 importer both
//! produce them). Nothing here parses text or reads the clock: the "as at" date is a
//! parameter.

use super::{
    CarePeriod, Child, Dataset, Event, LegalCategory, LegalSpell, Milestone, Observed, Placement,
    PlacementCategory, SourceRow, Text,
};
use crate::diagnostics::{
    shorten, Code, Diagnostic, Listing, Severity, DEFAULT_MAX_LISTED, QUOTE_CHARS,
};
use chrono::{Days, NaiveDate};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

/// A row of the children table.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildRecord {
    pub child_id: Text,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: Option<Text>,
    pub local_authority: Option<Text>,
    pub team: Option<Text>,
    pub attributes: BTreeMap<Text, Text>,
    pub source: SourceRow,
}

/// A row of the placements table (or an SSDA903 episode that changes placement).
#[derive(Clone, Debug, PartialEq)]
pub struct PlacementRecord {
    pub child_id: Text,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub category: PlacementCategory,
    pub placement_type: Text,
    pub carer: Option<Text>,
    pub legal_status: Option<Text>,
    /// Temporary placements are shown but never counted as moves.
    pub temporary: bool,
    /// Set by importers that know where care periods begin (SSDA903 RNE = S): this placement
    /// starts a new care period even if it follows the previous one without a gap.
    pub starts_period: bool,
    /// Set by importers that know the end of a placement also ends the care period (SSDA903
    /// REC other than X1): the next placement starts a new period even without a gap.
    pub ends_period: bool,
    pub source: SourceRow,
}

/// A row of the legal status table.
#[derive(Clone, Debug, PartialEq)]
pub struct LegalRecord {
    pub child_id: Text,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub category: LegalCategory,
    pub legal_status: Text,
    pub source: SourceRow,
}

/// A row of the events table (or an event an importer derived from other rows).
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub child_id: Text,
    pub date: NaiveDate,
    pub milestone: Milestone,
    pub label: Text,
    pub detail: Option<Text>,
    pub source: SourceRow,
}

/// What an importer knows about a child beyond a children-table row (the SSDA903 importer:
/// which authority's returns the child is in and which days they cover). The template gives
/// none.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildFacts {
    pub child_id: Text,
    /// Used when the child has no children-table row, or one without a local authority.
    pub local_authority: Option<Text>,
    /// The days the input covers for this child (see [`super::Child::observed`]).
    pub observed: Option<Observed>,
    /// The placements (by source row) that begin a care period whose real start is not in the
    /// data: [`super::CarePeriod::start_unknown`].
    pub unknown_starts: Vec<SourceRow>,
}

/// Every usable row of a load, in input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Records {
    pub children: Vec<ChildRecord>,
    pub placements: Vec<PlacementRecord>,
    pub legal: Vec<LegalRecord>,
    pub events: Vec<EventRecord>,
    /// At most one per child.
    pub facts: Vec<ChildFacts>,
}

impl Records {
    /// The last day the input says it covers (an SSDA903 return's 31 March), if it says so
    /// and that day is not after `limit`.
    pub fn covered_until(&self, limit: NaiveDate) -> Option<NaiveDate> {
        self.facts
            .iter()
            .filter_map(|f| f.observed.map(|o| o.to))
            .filter(|&d| d <= limit)
            .max()
    }

    /// The latest date in the records (a placement or legal status starting or ending, an
    /// event) that is not after `limit`; dates of birth are not evidence of an extract's date.
    pub fn latest_date_up_to(&self, limit: NaiveDate) -> Option<NaiveDate> {
        let placements = self
            .placements
            .iter()
            .flat_map(|p| std::iter::once(p.start).chain(p.end));
        let legal = self
            .legal
            .iter()
            .flat_map(|l| std::iter::once(l.start).chain(l.end));
        let events = self.events.iter().map(|e| e.date);
        placements
            .chain(legal)
            .chain(events)
            .filter(|&d| d <= limit)
            .max()
    }
}

/// Resolves a source row to the file and sheet names shown in diagnostics.
pub type Locate<'a> = &'a dyn Fn(SourceRow) -> (String, Option<String>);

/// Builds every child's journey from `records`. Returns the dataset and the data-quality
/// diagnostics (warnings and notes: no row is rejected here, and duplicate rows are reported
/// and counted once).
pub fn build_children(
    records: Records,
    as_at: NaiveDate,
    locate: Locate<'_>,
) -> (Dataset, Vec<Diagnostic>) {
    build_children_listing(records, as_at, locate, DEFAULT_MAX_LISTED)
}

/// [`build_children`], listing at most `max_listed` data-quality problems one by one (0: no
/// limit); the rest are counted in one note per code.
pub fn build_children_listing(
    records: Records,
    as_at: NaiveDate,
    locate: Locate<'_>,
    max_listed: usize,
) -> (Dataset, Vec<Diagnostic>) {
    let mut out = Builder {
        as_at,
        locate,
        diagnostics: Vec::new(),
        listing: Listing::new(max_listed),
    };
    let dataset = out.build(records);
    out.diagnostics.extend(out.listing.summaries());
    (dataset, out.diagnostics)
}

struct Builder<'a> {
    as_at: NaiveDate,
    locate: Locate<'a>,
    diagnostics: Vec<Diagnostic>,
    listing: Listing,
}

/// Rows grouped by child, children numbered by first appearance.
#[derive(Default)]
struct Groups {
    index: HashMap<Text, usize>,
    pending: Vec<Pending>,
    /// Each child's id, aligned with `pending`.
    ids: Vec<Text>,
    /// The last child looked up: rows usually come grouped by child, and the loaders share
    /// one allocation per distinct id, so a pointer comparison usually finds the slot
    /// without hashing the id.
    last: Option<(Text, usize)>,
}

impl Groups {
    /// The slot of the child `id`, made on first sight.
    fn slot(&mut self, id: &Text) -> usize {
        if let Some((last, i)) = &self.last {
            if std::sync::Arc::ptr_eq(last, id) {
                return *i;
            }
        }
        let i = match self.index.get(id) {
            Some(&i) => i,
            None => {
                let i = self.pending.len();
                self.index.insert(id.clone(), i);
                self.pending.push(Pending::default());
                self.ids.push(id.clone());
                i
            }
        };
        self.last = Some((id.clone(), i));
        i
    }
}

#[derive(Default)]
struct Pending {
    record: Option<ChildRecord>,
    placements: Vec<PlacementRecord>,
    legal: Vec<LegalRecord>,
    events: Vec<EventRecord>,
    facts: Option<ChildFacts>,
}

impl Builder<'_> {
    /// A row as a message cites it: its file (and sheet) and row, so that a row of another
    /// file than the one the message is about is found.
    fn at(&self, src: SourceRow) -> String {
        let (file, sheet) = (self.locate)(src);
        match (file.is_empty(), sheet) {
            (true, _) => format!("row {}", src.row),
            (false, Some(s)) => format!("{file}, sheet {s}, row {}", src.row),
            (false, None) => format!("{file} row {}", src.row),
        }
    }

    fn warn(&mut self, code: Code, src: SourceRow, child: &str, message: String) {
        self.note(Severity::Warning, code, Some(src), child, message);
    }

    fn note(
        &mut self,
        severity: Severity,
        code: Code,
        src: Option<SourceRow>,
        child: &str,
        message: String,
    ) {
        let mut d = Diagnostic::new(severity, code, message).child(child);
        if let Some(src) = src {
            let (file, sheet) = (self.locate)(src);
            d = d.file(file).sheet(sheet).row(src.row);
        }
        self.listing.push(&mut self.diagnostics, d);
    }

    fn build(&mut self, records: Records) -> Dataset {
        let mut groups = Groups::default();
        let Records {
            children,
            placements,
            legal,
            events,
            facts,
        } = records;
        // First each row's child (tables in the same order as ever, so children are numbered
        // by first appearance across the tables in turn), then each child's lists sized
        // exactly, then each row moved straight into its child's list.
        let mut slots = |ids: &mut dyn Iterator<Item = &Text>| -> Vec<u32> {
            ids.map(|id| u32::try_from(groups.slot(id)).unwrap_or(u32::MAX))
                .collect()
        };
        let child_slots = slots(&mut children.iter().map(|c| &c.child_id));
        let placement_slots = slots(&mut placements.iter().map(|p| &p.child_id));
        let legal_slots = slots(&mut legal.iter().map(|l| &l.child_id));
        let event_slots = slots(&mut events.iter().map(|e| &e.child_id));
        let fact_slots = slots(&mut facts.iter().map(|f| &f.child_id));
        let mut sizes = vec![[0usize; 3]; groups.pending.len()];
        for (k, table) in [&placement_slots, &legal_slots, &event_slots]
            .into_iter()
            .enumerate()
        {
            for &i in table {
                if let Some(size) = sizes.get_mut(i as usize).and_then(|s| s.get_mut(k)) {
                    *size += 1;
                }
            }
        }
        // A slot past u32 (more than four billion children) cannot be held in memory anyway;
        // `get_mut` would skip it rather than fail.
        let pending = &mut groups.pending;
        for (c, i) in children.into_iter().zip(child_slots) {
            let Some(slot) = pending.get_mut(i as usize) else {
                continue;
            };
            match &slot.record {
                Some(first) => {
                    let (src, id) = (c.source, c.child_id.clone());
                    let first_row = self.at(first.source);
                    self.warn(
                        Code::DuplicateRow,
                        src,
                        &id,
                        format!(
                            "Child {id} appears more than once in the children table; the first row ({first_row}) is used."
                        ),
                    );
                }
                None => slot.record = Some(c),
            }
        }
        // Each table's lists are made just before its rows move into them, once the table
        // before has been moved and freed: the rows are then held about once, not twice.
        for (slot, size) in pending.iter_mut().zip(&sizes) {
            slot.placements.reserve_exact(size[0]);
        }
        for (p, i) in placements.into_iter().zip(placement_slots) {
            if let Some(slot) = pending.get_mut(i as usize) {
                slot.placements.push(p);
            }
        }
        for (slot, size) in pending.iter_mut().zip(&sizes) {
            slot.legal.reserve_exact(size[1]);
        }
        for (l, i) in legal.into_iter().zip(legal_slots) {
            if let Some(slot) = pending.get_mut(i as usize) {
                slot.legal.push(l);
            }
        }
        // The events, the largest table, move from its end: the table is shrunk as it
        // empties, giving its room back for the children's lists, each made when its first
        // row arrives (and reversed at the end into the input's order).
        let (mut events, mut event_slots) = (events, event_slots);
        const STEP: usize = 1 << 14;
        while let (Some(e), Some(i)) = (events.pop(), event_slots.pop()) {
            if let Some(slot) = pending.get_mut(i as usize) {
                if slot.events.capacity() == 0 {
                    slot.events
                        .reserve_exact(sizes.get(i as usize).map_or(1, |s| s[2]));
                }
                slot.events.push(e);
            }
            if events.len() % STEP == 0 {
                events.shrink_to_fit();
                event_slots.shrink_to_fit();
            }
        }
        drop((events, event_slots, sizes));
        for slot in pending.iter_mut() {
            slot.events.reverse();
        }
        for (f, i) in facts.into_iter().zip(fact_slots) {
            if let Some(slot) = pending.get_mut(i as usize) {
                slot.facts = Some(f);
            }
        }

        let Groups {
            pending,
            ids,
            index,
            last,
        } = groups;
        // The index is not needed once every row has its child: free it before the
        // journeys are built.
        drop((index, last));
        self.look_alikes(&ids, &pending);
        let mut children: Vec<Child> = pending
            .into_iter()
            .zip(ids)
            .map(|(p, id)| self.child(id, p))
            .collect();
        // Collected in place, the journeys keep the pending rows' larger allocation (room for
        // 80,659 children for 63,400): the room left over is given back.
        children.shrink_to_fit();
        Dataset { children }
    }

    /// Reports children whose IDs differ but look the same: only by invisible characters
    /// (`K02-000⟨U+200B⟩51` and `K02-00051`), by a right-to-left character that makes one
    /// show as the other (`K02-⟨U+202E⟩05000` is displayed as `K02-00050`), or by how an
    /// accent is encoded. They are kept apart (they may be two children) but flagged as a
    /// possible duplicate.
    fn look_alikes(&mut self, ids: &[Text], pending: &[Pending]) {
        let plain = |id: &str| id.is_ascii();
        // Each child's group, as the smallest index in it (a union-find: an ID compared in two
        // forms may join two groups).
        let mut parent: Vec<usize> = (0..ids.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        fn join(parent: &mut [usize], a: usize, b: usize) {
            let (ra, rb) = (root(parent, a), root(parent, b));
            let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[high] = low;
        }
        // Only IDs with something beyond ASCII can look like another: most loads have none.
        let mut looks: HashMap<String, usize> = HashMap::default();
        for (i, id) in ids.iter().enumerate() {
            if !plain(id) {
                for look in crate::visible::looks(id) {
                    match looks.get(&look) {
                        Some(&other) => join(&mut parent, i, other),
                        None => {
                            looks.insert(look, i);
                        }
                    }
                }
            }
        }
        if looks.is_empty() {
            return;
        }
        for (i, id) in ids.iter().enumerate() {
            if plain(id) {
                if let Some(&other) = looks.get(&**id) {
                    join(&mut parent, i, other);
                }
            }
        }
        let first_row = |p: &Pending| {
            p.record
                .as_ref()
                .map(|r| r.source)
                .or_else(|| p.placements.iter().map(|x| x.source).min())
                .or_else(|| p.legal.iter().map(|x| x.source).min())
                .or_else(|| p.events.iter().map(|x| x.source).min())
        };
        // Each group of look-alikes, by the first of them.
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..ids.len() {
            let r = root(&mut parent, i);
            if r != i {
                groups.entry(r).or_insert_with(|| vec![r]).push(i);
            }
        }
        for (_, mut group) in groups {
            if group.len() < 2 {
                continue;
            }
            group.sort_unstable();
            let first = group[0];
            for &other in &group[1..] {
                let (a, b) = (&ids[first], &ids[other]);
                let at = |i: usize| pending.get(i).and_then(first_row);
                let cite = |i: usize| {
                    at(i)
                        .map(|s| format!(" ({})", self.at(s)))
                        .unwrap_or_default()
                };
                let message = format!(
                    "Children \"{a}\"{} and \"{b}\"{} have IDs that look the same but differ by invisible characters (which may change the order an ID is shown in) or by how a letter is encoded. They are kept as two children; if they are one, correct the ID in the export.",
                    cite(first),
                    cite(other)
                );
                self.note(Severity::Warning, Code::LookAlikeIds, at(other), b, message);
            }
        }
    }

    fn child(&mut self, id: Text, p: Pending) -> Child {
        let Pending {
            record,
            mut placements,
            mut legal,
            mut events,
            facts,
        } = p;
        let dob = record.as_ref().and_then(|r| r.date_of_birth);

        // Hot: every child's records; the standard library's own sorts (see `crate::sort`).
        #[allow(clippy::disallowed_methods)]
        placements.sort_by_key(|a| (a.start, a.end, a.source));
        #[allow(clippy::disallowed_methods)]
        legal.sort_by_key(|a| (a.start, a.end, a.source));
        #[allow(clippy::disallowed_methods)]
        events.sort_by_key(|a| (a.date, a.source));

        self.drop_duplicate_placements(&id, &mut placements);
        self.drop_duplicate_events(&id, &mut events);
        self.drop_duplicate_legal(&id, &mut legal);

        for pl in &mut placements {
            if let Some(end) = pl.end {
                if end < pl.start {
                    self.warn(
                        Code::EndBeforeStart,
                        pl.source,
                        &id,
                        format!(
                            "The placement ends ({}) before it starts ({}); it is shown as lasting one day.",
                            fmt_date(end),
                            fmt_date(pl.start)
                        ),
                    );
                    pl.end = Some(pl.start);
                }
            }
            if pl.start > self.as_at {
                self.warn(
                    Code::FutureDate,
                    pl.source,
                    &id,
                    format!(
                        "The placement starts on {}, after the \"as at\" date {}.",
                        fmt_date(pl.start),
                        fmt_date(self.as_at)
                    ),
                );
            }
        }
        for l in &mut legal {
            if let Some(end) = l.end {
                if end < l.start {
                    self.warn(
                        Code::EndBeforeStart,
                        l.source,
                        &id,
                        format!(
                            "The legal status ends ({}) before it starts ({}); it is shown as lasting one day.",
                            fmt_date(end),
                            fmt_date(l.start)
                        ),
                    );
                    l.end = Some(l.start);
                }
            }
        }
        for e in &events {
            if e.date > self.as_at {
                self.warn(
                    Code::FutureDate,
                    e.source,
                    &id,
                    format!(
                        "The event \"{}\" is dated {}, after the \"as at\" date {}.",
                        shorten(&e.label, QUOTE_CHARS),
                        fmt_date(e.date),
                        fmt_date(self.as_at)
                    ),
                );
            }
            if let Some(dob) = dob {
                // Planning for a child not yet born is before the birth by nature.
                if e.date < dob && !super::is_pre_birth_event(&e.label) {
                    self.warn(
                        Code::EventBeforeBirth,
                        e.source,
                        &id,
                        format!(
                            "The event \"{}\" is dated {}, before the child's date of birth {}.",
                            shorten(&e.label, QUOTE_CHARS),
                            fmt_date(e.date),
                            fmt_date(dob)
                        ),
                    );
                }
            }
        }
        if placements.is_empty() && !events.is_empty() {
            let first = events[0].source;
            self.warn(
                Code::EventsWithoutPlacements,
                first,
                &id,
                format!(
                    "Child {id} has {} event(s) but no placements, so no care period can be built; the events are shown on the timeline only.",
                    events.len()
                ),
            );
        }

        let mut care_periods = self.periods(&id, placements);
        let observed = facts.as_ref().and_then(|f| f.observed);
        if let Some(f) = &facts {
            for period in &mut care_periods {
                let first = period.placements[0].source;
                period.start_unknown = f.unknown_starts.contains(&first)
                    || observed.is_some_and(|o| period.start == o.from);
            }
        }
        let events_outside_care = self.attach_events(&id, &mut care_periods, events);
        // The journeys outlive the load (the report holds them): the lists give back the
        // room they grew into (up to half of each, from doubling as items were pushed). The
        // events' lists were made at their size (`attach_events`).
        for period in &mut care_periods {
            period.placements.shrink_to_fit();
        }
        care_periods.shrink_to_fit();

        let mut legal: Vec<LegalSpell> = legal
            .into_iter()
            .map(|l| LegalSpell {
                start: l.start,
                end: l.end,
                category: l.category,
                legal_status: l.legal_status,
                source: l.source,
            })
            .collect();
        legal.shrink_to_fit();

        let (sex, local_authority, team, attributes, source) = match record {
            Some(r) => (
                r.sex,
                r.local_authority,
                r.team,
                r.attributes,
                Some(r.source),
            ),
            None => (None, None, None, BTreeMap::new(), None),
        };
        let local_authority = local_authority.or_else(|| facts.and_then(|f| f.local_authority));
        Child {
            id,
            date_of_birth: dob,
            sex,
            local_authority,
            team,
            attributes,
            care_periods,
            legal,
            events_outside_care,
            source,
            observed,
        }
    }

    fn drop_duplicate_placements(&mut self, id: &str, placements: &mut Vec<PlacementRecord>) {
        let dups = remove_repeats(
            placements,
            |p| (p.start, p.end),
            |p| {
                (
                    p.start,
                    p.end,
                    p.placement_type.clone(),
                    p.carer.clone(),
                    p.legal_status.clone(),
                )
            },
            |p| p.source,
        );
        for src in dups {
            self.warn(
                Code::DuplicateRow,
                src,
                id,
                "This placement row repeats an earlier row exactly; it is counted once.".into(),
            );
        }
    }

    fn drop_duplicate_events(&mut self, id: &str, events: &mut Vec<EventRecord>) {
        let dups = remove_repeats(
            events,
            |e| e.date,
            |e| (e.date, e.milestone, e.label.clone(), e.detail.clone()),
            |e| e.source,
        );
        for src in dups {
            self.warn(
                Code::DuplicateRow,
                src,
                id,
                "This event row repeats an earlier row exactly; it is counted once.".into(),
            );
        }
    }

    fn drop_duplicate_legal(&mut self, id: &str, legal: &mut Vec<LegalRecord>) {
        let dups = remove_repeats(
            legal,
            |l| (l.start, l.end),
            |l| (l.start, l.end, l.legal_status.clone()),
            |l| l.source,
        );
        for src in dups {
            self.warn(
                Code::DuplicateRow,
                src,
                id,
                "This legal status row repeats an earlier row exactly; it is counted once.".into(),
            );
        }
    }

    /// Splits sorted placements into care periods and numbers the moves.
    fn periods(&mut self, id: &str, placements: Vec<PlacementRecord>) -> Vec<CarePeriod> {
        let mut periods: Vec<CarePeriod> = Vec::new();
        // The latest end so far in the current period; `None` while some placement is open.
        let mut reach: Option<NaiveDate> = None;
        let mut forced_break = false;
        for p in placements {
            let ends_period = p.ends_period;
            let continues = match periods.last() {
                None => false,
                Some(_) if p.starts_period || forced_break => false,
                Some(_) => match reach {
                    None => true,
                    Some(r) => p.start <= r.checked_add_days(Days::new(1)).unwrap_or(r),
                },
            };
            if continues {
                let period = periods.last_mut().expect("continues implies a period");
                let prev = period.placements.last().expect("periods are never empty");
                let overlaps = match reach {
                    None => true,
                    Some(r) => p.start < r,
                };
                if overlaps {
                    let prev_desc = match prev.end {
                        Some(e) => format!("which ends on {}", fmt_date(e)),
                        None => "which has no end date".to_string(),
                    };
                    let msg = format!(
                        "This placement starts on {} while the placement from {} ({}, {}) is still running, {prev_desc}.",
                        fmt_date(p.start),
                        fmt_date(prev.start),
                        shorten(&prev.placement_type, QUOTE_CHARS),
                        self.at(prev.source),
                    );
                    self.warn(Code::OverlappingPlacements, p.source, id, msg);
                }
                reach = match (reach, p.end) {
                    (Some(r), Some(e)) => Some(r.max(e)),
                    _ => None,
                };
                let is_move = !p.temporary;
                if is_move {
                    period.moves += 1;
                }
                let move_number = is_move.then_some(period.moves);
                period.placements.push(placement(p, move_number));
            } else {
                reach = p.end;
                periods.push(CarePeriod {
                    start: p.start,
                    end: None,
                    placements: vec![placement(p, None)],
                    events: Vec::new(),
                    moves: 0,
                    start_unknown: false,
                });
            }
            if let Some(period) = periods.last_mut() {
                period.end = reach;
            }
            // An importer-declared end of care closes the period after this placement.
            forced_break = ends_period;
        }
        periods
    }

    /// Puts each event in the care period that contains it; applies explicit
    /// `became_looked_after` and `left_care` events to the periods' bounds. Returns the events
    /// outside every period.
    fn attach_events(
        &mut self,
        id: &str,
        periods: &mut [CarePeriod],
        events: Vec<EventRecord>,
    ) -> Vec<Event> {
        // Explicit starts: a `became_looked_after` event after the previous period's end and
        // no later than the period's first placement sets the start.
        for i in 0..periods.len() {
            let floor = if i == 0 { None } else { periods[i - 1].end };
            let first_start = periods[i].placements[0].start;
            let explicit = events
                .iter()
                .filter(|e| e.milestone == Milestone::BecameLookedAfter)
                .filter(|e| floor.is_none_or(|f| e.date > f))
                .filter(|e| e.date <= first_start)
                .map(|e| e.date)
                .next();
            if let Some(d) = explicit {
                periods[i].start = d;
            }
        }
        // Explicit ends: the first `left_care` event on or after the period's start and before
        // the next period's start ends the period.
        for i in 0..periods.len() {
            let start = periods[i].start;
            let ceiling = periods.get(i + 1).map(|p| p.start);
            let explicit = events
                .iter()
                .filter(|e| e.milestone == Milestone::LeftCare)
                .filter(|e| e.date >= start && ceiling.is_none_or(|c| e.date < c))
                .map(|e| e.date)
                .next();
            if let Some(d) = explicit {
                periods[i].end = Some(d);
            }
        }
        // Each period's list made once at its size: pushed one by one, the lists grew by
        // doubling and were shrunk, every step a move in memory. An event belongs to the
        // first period that contains it, counted and placed by the one rule.
        fn home(periods: &[CarePeriod], date: NaiveDate) -> Option<usize> {
            periods.iter().position(|p| p.contains(date))
        }
        let mut counts = vec![0usize; periods.len() + 1];
        for e in &events {
            counts[home(periods, e.date).unwrap_or(periods.len())] += 1;
        }
        for (p, n) in periods.iter_mut().zip(&counts) {
            p.events.reserve_exact(*n);
        }
        let mut outside = Vec::with_capacity(counts[periods.len()]);
        for e in events {
            let event = Event {
                date: e.date,
                milestone: e.milestone,
                label: e.label,
                detail: e.detail,
                source: e.source,
            };
            match home(periods, event.date) {
                Some(i) => periods[i].events.push(event),
                None => {
                    // Pre-birth planning is outside care by nature: no note.
                    if !periods.is_empty() && !super::is_pre_birth_event(&event.label) {
                        self.note(
                            Severity::Info,
                            Code::EventOutsideCare,
                            Some(event.source),
                            id,
                            format!(
                                "The event \"{}\" on {} falls outside every care period; it stays on the child's timeline.",
                                shorten(&event.label, QUOTE_CHARS),
                                fmt_date(event.date)
                            ),
                        );
                    }
                    outside.push(event);
                }
            }
        }
        outside
    }
}

fn placement(p: PlacementRecord, move_number: Option<u32>) -> Placement {
    Placement {
        start: p.start,
        end: p.end,
        category: p.category,
        placement_type: p.placement_type,
        carer: p.carer,
        legal_status: p.legal_status,
        move_number: move_number.into(),
        temporary: p.temporary,
        source: p.source,
    }
}

/// Formats a date the way users write it (en-GB).
pub(crate) fn fmt_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Runs longer than this (rows of one child sharing the dates the list is sorted by) are
/// checked for repeats through a hash set rather than row by row.
const SHORT_RUN: usize = 16;

/// Removes every row that repeats an earlier row exactly (the same `key`), keeping the first,
/// and returns the removed rows' sources in order.
///
/// `items` must be sorted so that rows with equal keys lie in one run of equal `run` keys (the
/// dates each list is sorted by, which are part of its key). Only rows of one run are
/// compared: most runs are one row long and cost nothing, short runs are compared row by row,
/// and long runs (many rows on one day) go through a hash set, so no input is quadratic.
fn remove_repeats<T, R, K>(
    items: &mut Vec<T>,
    run: impl Fn(&T) -> R,
    key: impl Fn(&T) -> K,
    source: impl Fn(&T) -> SourceRow,
) -> Vec<SourceRow>
where
    R: PartialEq,
    K: Eq + std::hash::Hash,
{
    let mut dups = Vec::new();
    // `items[..kept]` are kept so far; `items[run_start..kept]` are the current run's.
    let mut kept = 0;
    let mut run_start = 0;
    let mut long_run: HashSet<K> = HashSet::default();
    for i in 0..items.len() {
        let (done, rest) = items.split_at_mut(i);
        let Some(item) = rest.first() else { break };
        let same_run = kept > 0 && done.get(kept - 1).is_some_and(|k| run(k) == run(item));
        let repeat = if !same_run {
            run_start = kept;
            long_run.clear();
            false
        } else if kept - run_start < SHORT_RUN {
            let k = key(item);
            done.get(run_start..kept)
                .is_some_and(|run| run.iter().any(|other| key(other) == k))
        } else {
            if long_run.is_empty() {
                long_run.extend(done.get(run_start..kept).into_iter().flatten().map(&key));
            }
            !long_run.insert(key(item))
        };
        if repeat {
            dups.push(source(item));
        } else {
            items.swap(kept, i);
            kept += 1;
        }
    }
    items.truncate(kept);
    dups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `days` after 1 January 2020.
    fn day(days: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 1, 1)
            .and_then(|d| d.checked_add_days(Days::new(days)))
            .expect("a date")
    }

    /// A foster placement of child `id`, row `row` of table 0.
    fn foster(id: &Text, row: u32, start: NaiveDate, end: Option<NaiveDate>) -> PlacementRecord {
        PlacementRecord {
            child_id: id.clone(),
            start,
            end,
            category: PlacementCategory::Foster,
            placement_type: Text::from("Foster"),
            carer: None,
            legal_status: None,
            temporary: false,
            starts_period: false,
            ends_period: false,
            source: SourceRow { table: 0, row },
        }
    }

    /// The plain way: a set of every key seen so far.
    fn reference(items: &mut Vec<(u8, u8, u32)>) -> Vec<u32> {
        let mut seen = HashSet::default();
        let mut dups = Vec::new();
        items.retain(|&(day, value, row)| {
            let keep = seen.insert((day, value));
            if !keep {
                dups.push(row);
            }
            keep
        });
        dups
    }

    #[test]
    fn every_event_reaches_its_child_in_the_order_of_the_input() {
        // 40,000 events for two children, two rows for one and then two for the other (more
        // than two of the steps at which the table is shrunk as it empties), eight to a day
        // and each named by its place in the input. Each pair comes from one source row, as
        // an importer derives two events from one row: same day, same row, so only the order
        // the rows reach the child decides theirs. Child A has events 0, 1, 4, 5, 8, 9, ...
        // and child B 2, 3, 6, 7, ..., in that order, with nothing lost and nothing repeated.
        let (a, b) = (Text::from("A"), Text::from("B"));
        let src = |row: u32| SourceRow { table: 1, row };
        let placement = |id: &Text, row: u32| foster(id, row, day(0), None);
        let n = 40_000u32;
        let events = (0..n)
            .map(|i| EventRecord {
                child_id: if i % 4 < 2 { a.clone() } else { b.clone() },
                date: day(u64::from(i / 8)),
                milestone: Milestone::LacReview,
                label: Text::from(format!("E{i}")),
                detail: None,
                source: src(i / 2),
            })
            .collect();
        let records = Records {
            placements: vec![placement(&a, 0), placement(&b, 1)],
            events,
            ..Records::default()
        };
        let locate = |_: SourceRow| (String::new(), None);
        let (dataset, _) = build_children(records, day(20_000), &locate);
        assert_eq!(dataset.children.len(), 2);
        for (child, turn) in dataset.children.iter().zip([0u32, 2]) {
            let labels: Vec<&str> = child.all_events().map(|e| &*e.label).collect();
            let expected: Vec<String> = (0..n)
                .filter(|i| i % 4 / 2 == turn / 2)
                .map(|i| format!("E{i}"))
                .collect();
            assert_eq!(labels, expected, "child {}", child.id);
        }
    }

    #[test]
    fn each_periods_events_and_those_outside_care_are_kept_in_lists_of_their_size() {
        // Two periods: days 0-10 and 20-30 (ten days apart, so not one). Seven events, given
        // out of date order: days 1, 5 and 10 (its last day) fall in the first, 25 and 30 in
        // the second, 15 (between them) and 40 (after both) outside care.
        let a = Text::from("A");
        let placement =
            |row: u32, start: u64, end: u64| foster(&a, row, day(start), Some(day(end)));
        let events = [40, 1, 25, 15, 5, 30, 10]
            .into_iter()
            .enumerate()
            .map(|(row, n)| EventRecord {
                child_id: a.clone(),
                date: day(n),
                milestone: Milestone::LacReview,
                label: Text::from(format!("day {n}")),
                detail: None,
                source: SourceRow {
                    table: 1,
                    row: row as u32,
                },
            })
            .collect();
        let records = Records {
            placements: vec![placement(0, 0, 10), placement(1, 20, 30)],
            events,
            ..Records::default()
        };
        let locate = |_: SourceRow| (String::new(), None);
        let (dataset, _) = build_children(records, day(100), &locate);
        let child = &dataset.children[0];
        let days = |events: &[Event]| -> Vec<String> {
            events.iter().map(|e| e.label.to_string()).collect()
        };
        let periods = &child.care_periods;
        assert_eq!(periods.len(), 2);
        assert_eq!(days(&periods[0].events), ["day 1", "day 5", "day 10"]);
        assert_eq!(days(&periods[1].events), ["day 25", "day 30"]);
        assert_eq!(days(&child.events_outside_care), ["day 15", "day 40"]);
        // No room left over in any of the three lists.
        for list in [
            &periods[0].events,
            &periods[1].events,
            &child.events_outside_care,
        ] {
            assert_eq!(list.capacity(), list.len(), "{:?}", days(list));
        }
    }

    #[test]
    fn repeats_are_removed_as_a_set_of_every_key_would() {
        // Rows (day, value, row number), sorted by day then row as the builder sorts them;
        // small value ranges make repeats common, and some days hold long runs.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as u8
        };
        for case in 0..200 {
            let len = 1 + usize::from(next(120));
            let days = 1 + u64::from(next(if case % 4 == 0 { 2 } else { 40 }));
            let values = 1 + u64::from(next(if case % 3 == 0 { 40 } else { 5 }));
            let mut rows: Vec<(u8, u8, u32)> = (0..len)
                .map(|row| (next(days), next(values), row as u32))
                .collect();
            #[allow(clippy::disallowed_methods)]
            rows.sort_by_key(|&(day, _, row)| (day, row));
            let mut expected_rows = rows.clone();
            let expected_dups = reference(&mut expected_rows);
            let dups = remove_repeats(
                &mut rows,
                |r| r.0,
                |r| (r.0, r.1),
                |r| SourceRow { table: 0, row: r.2 },
            );
            assert_eq!(rows, expected_rows, "case {case}: the rows kept");
            let dup_rows: Vec<u32> = dups.iter().map(|s| s.row).collect();
            assert_eq!(dup_rows, expected_dups, "case {case}: the repeats reported");
        }
    }
}
