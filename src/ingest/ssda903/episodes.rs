//! One child's reconciled episodes → placements, legal spells and the events they imply
//! (the SSDA903 return's episode rules):
//! - A care period starts at an episode with RNE = S and ends at the first DEC whose REC is
//!   not X1. A period whose first episode has another RNE started before the data, or where
//!   the data lost its start: its start is unknown (`CarePeriod::start_unknown`). Before the
//!   first day the returns cover that is expected (an information note); later it is a
//!   warning (`period_without_start`). A period starting on the first day the returns cover
//!   has an unknown start too (the model's rule).
//! - An episode with RNE L (legal status change only) continues the placement; RNE P, B, T or
//!   U starts a new one, a move unless PLACE is temporary (T0–T4). An RNE L whose PLACE
//!   differs from the previous episode's is reported and read as a new placement.
//! - The carer: the 903 names no carer, so each placement gets a stable made-up one, `carer
//!   N` (per child), that follows the same-carer chain: RNE L, T and U keep the carer, RNE S,
//!   P and B (and an unknown RNE) bring a new one.
//! - Legal spells are runs of episodes with the same LS.
//! - An episode starting before the previous one ends (or while it is open) is reported
//!   (`episode_overlap`, naming both rows' files); the previous one is read as ending when the
//!   next starts.
//! - Unknown RNE, LS, PLACE or REC codes are reported once per code (`unknown_code`); the
//!   placement or legal status is read as `other`, an unknown RNE as a change of placement and
//!   carer, an unknown REC as the end of the period.
//! - Events: the start of the first LS E1/D1 episode of a period is the `placement_order`; the
//!   start of its first A3–A6 placement is `placed_for_adoption`; REC E11/E12 (adoption
//!   order), E41 (child arrangements order) and E43–E48 (special guardianship order) give
//!   `order_granted` on DEC; E4A/E4B give `returned_home`.

use super::Episode;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::ingest::header::normalise;
use crate::ingest::labels::{legal_code, placement_code};
use crate::ingest::template::Sink;
use crate::model::{
    LegalCategory, LegalRecord, Milestone, PlacementCategory, PlacementRecord, SourceRow, Text,
};
use chrono::NaiveDate;
use std::collections::HashSet;

pub(super) struct Builder<'a> {
    pub sink: &'a mut Sink,
    pub locate: &'a dyn Fn(SourceRow) -> (String, Option<String>),
    /// (column, code) already reported as unknown.
    pub reported: &'a mut HashSet<(&'static str, String)>,
}

/// What a REC code says about the end of a period.
fn rec_event(rec: &str) -> Option<(Milestone, &'static str)> {
    Some(match rec {
        "E11" | "E12" => (Milestone::OrderGranted, "Adoption order"),
        "E41" => (Milestone::OrderGranted, "Child arrangements order"),
        "E43" | "E44" | "E45" | "E46" | "E47" | "E48" => {
            (Milestone::OrderGranted, "Special guardianship order")
        }
        "E4A" | "E4B" => (Milestone::ReturnedHome, "Returned home"),
        _ => return None,
    })
}

const KNOWN_REC: [&str; 27] = [
    "X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E43", "E44", "E45",
    "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E1", "E10", "E4",
];

impl Builder<'_> {
    fn note(
        &mut self,
        severity: Severity,
        code: Code,
        src: SourceRow,
        child: &str,
        column: &str,
        message: String,
    ) {
        let (file, sheet) = (self.locate)(src);
        self.sink.row_problem(
            Diagnostic::new(severity, code, message)
                .file(file)
                .sheet(sheet)
                .row(src.row)
                .column(column)
                .child(child),
        );
    }

    fn warn(&mut self, code: Code, src: SourceRow, child: &str, column: &str, message: String) {
        self.note(Severity::Warning, code, src, child, column, message);
    }

    /// A row as a message names it: its file (and sheet) and row.
    fn at(&self, src: SourceRow) -> String {
        let (file, sheet) = (self.locate)(src);
        match sheet {
            Some(s) => format!("{file} ({s}) row {}", src.row),
            None => format!("{file} row {}", src.row),
        }
    }

    /// Reports an unknown code once per column and code.
    fn unknown(
        &mut self,
        column: &'static str,
        value: &str,
        src: SourceRow,
        child: &str,
        treated: &str,
    ) {
        if self.reported.insert((column, value.to_string())) {
            let shown = if value.is_empty() { "(blank)" } else { value };
            self.warn(
                Code::UnknownCode,
                src,
                child,
                column,
                format!("{column} {shown} is not a code Driftline knows; it is read as {treated}. Other rows with this code are read the same way and not listed again."),
            );
        }
    }

    fn event(
        &mut self,
        child: &Text,
        date: NaiveDate,
        milestone: Milestone,
        detail: Option<Text>,
        source: SourceRow,
    ) {
        self.sink
            .milestone_event(child.clone(), date, milestone, detail, source);
    }

    /// One child's episodes, sorted by start, shown as `child`. `observed_from` is the first
    /// day the child's authority's returns cover; `known` what else bounds an unknown start
    /// (the date of birth, a previous permanence), for the messages. Returns the placements
    /// that begin a period whose start is unknown.
    pub fn child_episodes(
        &mut self,
        child: &Text,
        eps: &[Episode],
        observed_from: Option<NaiveDate>,
        known: &str,
    ) -> Vec<SourceRow> {
        let mut unknown_starts = Vec::new();
        let mut in_period = false;
        let mut placement_order_seen = false;
        let mut adopters_seen = false;
        let mut carers = 0u32;
        let mut carer: Option<Text> = None;
        // Index into records.placements of the current placement.
        let mut current: Option<usize> = None;
        let mut legal: Option<usize> = None;
        let mut prev: Option<&Episode> = None;
        for (i, e) in eps.iter().enumerate() {
            // Exact repeats are reported and counted once.
            if let Some(p) = prev {
                if p.same_as(e) {
                    let at = self.at(p.source);
                    self.warn(
                        Code::DuplicateRow,
                        e.source,
                        child,
                        "DECOM",
                        format!(
                            "This episode repeats the one in {at} exactly; it is counted once."
                        ),
                    );
                    continue;
                }
            }
            let rne = &*e.rne;
            let known_rne = matches!(rne, "S" | "L" | "P" | "T" | "B" | "U");
            if !known_rne {
                self.unknown("RNE", rne, e.source, child, "a change of placement");
            }
            // Does the previous episode's end say care continues?
            let continues = match prev {
                Some(p) => in_period && !p.ended && p.rec.as_deref().is_none_or(|r| r == "X1"),
                None => false,
            };
            if let Some(p) = prev {
                let overlaps = match p.dec {
                    Some(d) => e.decom < d,
                    None => true,
                };
                if overlaps {
                    let ends = match p.dec {
                        Some(d) => format!("ends on {}", crate::date::format_uk(d)),
                        None => "has no end date".to_string(),
                    };
                    let at = self.at(p.source);
                    self.warn(
                        Code::EpisodeOverlap,
                        e.source,
                        child,
                        "DECOM",
                        format!(
                            "This episode starts on {} but the previous one ({at}) {ends}; the previous one is read as ending when this one starts.",
                            crate::date::format_uk(e.decom),
                        ),
                    );
                    if let Some(ci) = current {
                        self.sink.records.placements[ci].end = Some(e.decom);
                    }
                    if let Some(li) = legal {
                        self.sink.records.legal[li].end = Some(e.decom);
                    }
                }
            }
            let starts = rne == "S" || !continues;
            if starts && rne != "S" {
                let shown = if rne.is_empty() { "blank" } else { rne };
                let ls = if e.ls.is_empty() { "blank" } else { &*e.ls };
                let mut what = format!(
                    "first seen on {} under legal status {ls}",
                    crate::date::format_uk(e.decom)
                );
                if !known.is_empty() {
                    what = format!("{what}; {known}");
                }
                let before_data = observed_from.is_some_and(|f| e.decom <= f);
                if before_data {
                    self.note(
                        Severity::Info,
                        Code::PeriodWithoutStart,
                        e.source,
                        child,
                        "RNE",
                        format!("This period of care began before the returns (its first episode here, RNE {shown}, is not a start of care): the day the child became looked after is not known ({what}), and the period is not timed from its first day seen."),
                    );
                } else {
                    self.warn(
                        Code::PeriodWithoutStart,
                        e.source,
                        child,
                        "RNE",
                        format!(
                            "This episode begins a period of care (no earlier episode continues into it) but its RNE is {shown}, not S; the period is read as starting here, and its real start is not known ({what})."
                        ),
                    );
                }
            }
            if starts {
                placement_order_seen = false;
                adopters_seen = false;
            }
            let place_changed = prev.is_none_or(|p| p.place != e.place);
            let new_placement = starts || rne != "L" || place_changed;
            if !starts && rne == "L" && place_changed {
                let before = prev.map_or("", |p| &*p.place);
                self.warn(
                    Code::InvalidValue,
                    e.source,
                    child,
                    "RNE",
                    format!("RNE L says only the legal status changed, but PLACE changed from {before} to {}; read as a change of placement.", e.place),
                );
            }
            let same_carer = !starts && matches!(rne, "L" | "T" | "U");
            if !same_carer || carer.is_none() {
                carers += 1;
                carer = Some(self.sink.intern(&format!("carer {carers}")));
            }

            // The placement.
            let category = match placement_code(&normalise(&e.place)) {
                Some(c) => c,
                None => {
                    self.unknown("PLACE", &e.place, e.source, child, "other");
                    PlacementCategory::Other
                }
            };
            // Counted so unknown codes are listed in the load summary.
            if !e.place.is_empty() {
                let _ = self.sink.labels.placement(&e.place);
            }
            let temporary = matches!(&*e.place, "T0" | "T1" | "T2" | "T3" | "T4");
            if new_placement {
                self.sink.records.placements.push(PlacementRecord {
                    child_id: child.clone(),
                    start: e.decom,
                    end: e.dec,
                    category,
                    placement_type: e.place.clone(),
                    carer: carer.clone(),
                    legal_status: (!e.ls.is_empty()).then(|| e.ls.clone()),
                    temporary,
                    starts_period: starts,
                    ends_period: false,
                    source: e.source,
                });
                current = Some(self.sink.records.placements.len() - 1);
                if starts && (rne != "S" || observed_from == Some(e.decom)) {
                    unknown_starts.push(e.source);
                }
            } else if let Some(ci) = current {
                self.sink.records.placements[ci].end = e.dec;
            }

            // The legal status.
            let ls_category = match legal_code(&normalise(&e.ls)) {
                Some(c) => c,
                None => {
                    self.unknown("LS", &e.ls, e.source, child, "other");
                    LegalCategory::Other
                }
            };
            if !e.ls.is_empty() {
                let _ = self.sink.labels.legal(&e.ls);
            }
            let same_ls =
                !starts && legal.is_some_and(|li| self.sink.records.legal[li].legal_status == e.ls);
            if same_ls {
                if let Some(li) = legal {
                    self.sink.records.legal[li].end = e.dec;
                }
            } else {
                self.sink.records.legal.push(LegalRecord {
                    child_id: child.clone(),
                    start: e.decom,
                    end: e.dec,
                    category: ls_category,
                    legal_status: e.ls.clone(),
                    source: e.source,
                });
                legal = Some(self.sink.records.legal.len() - 1);
            }

            // Derived events.
            if !placement_order_seen && matches!(&*e.ls, "E1" | "D1") {
                placement_order_seen = true;
                self.event(child, e.decom, Milestone::PlacementOrder, None, e.source);
            }
            if !adopters_seen && new_placement && matches!(&*e.place, "A3" | "A4" | "A5" | "A6") {
                adopters_seen = true;
                self.event(child, e.decom, Milestone::PlacedForAdoption, None, e.source);
            }

            // The end of the period.
            in_period = true;
            if e.ended {
                if let Some(ci) = current {
                    self.sink.records.placements[ci].ends_period = true;
                }
                in_period = false;
            } else if let (Some(dec), Some(rec)) = (e.dec, e.rec.as_deref()) {
                if rec != "X1" {
                    if !KNOWN_REC.contains(&rec) {
                        self.unknown("REC", rec, e.source, child, "the end of the period of care");
                    }
                    if let Some(ci) = current {
                        self.sink.records.placements[ci].ends_period = true;
                    }
                    if let Some((m, detail)) = rec_event(rec) {
                        let detail = self.sink.intern(detail);
                        self.event(child, dec, m, Some(detail), e.source);
                    }
                    in_period = false;
                } else if eps.get(i + 1).is_none() {
                    self.warn(
                        Code::InvalidValue,
                        e.source,
                        child,
                        "REC",
                        "REC X1 says a new episode starts the day this one ends, but there is no later episode; the period is read as ending here.".into(),
                    );
                }
            }
            prev = Some(e);
        }
        unknown_starts
    }
}
