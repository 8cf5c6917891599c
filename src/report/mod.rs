//! The report: what a load and analysis produced, in the one shape that the CLI prints as
//! JSON and the wasm API returns, so native and browser answers can be compared.
//!
//! This module owns the report types and their serialisation. It computes nothing itself.
//! `packed.rs` packs values as the page receives the journeys (see [`Journeys::pack`]).

pub mod packed;

pub use crate::ingest::summary::{
    ColumnMatch, FileSummary, InputSummary, SheetSummary, TableSummary, UnknownLabel,
};
use crate::model::{Child, Dataset};
use crate::stats::child::StatsJson;
use crate::stats::{
    CheckSummary, ChildStats, Decomposition, ExpectedCompletions, OmittedBreakdown, Profile,
    Scorecard, StageSummary, Statistics, TableOptions, FORECAST_CAVEATS,
};
use crate::{AsAtBasis, ProfileBasis};
use chrono::NaiveDate;
use packed::{PackError, PackedTables, Packer, Spill};
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use std::io;
use std::ops::Deref;

/// The full answer for one load.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub as_at: NaiveDate,
    /// Why the report is as at that date (not written when the caller gave it).
    #[serde(skip_serializing_if = "is_given")]
    pub as_at_basis: AsAtBasis,
    /// Why the statistics use the profile they do (not written when the caller chose it).
    #[serde(skip_serializing_if = "is_chosen")]
    pub profile_basis: ProfileBasis,
    pub input: InputSummary,
    pub children: usize,
    pub care_periods: usize,
    pub placements: usize,
    pub events: usize,
    pub moves: usize,
    pub journeys: Journeys,
    /// The timescale profile the statistics used (`None` until they are computed).
    pub profile: Option<Profile>,
    /// Per-stage statistics for the cohort and each breakdown group.
    pub stages: Vec<StageSummary>,
    /// The profile's checks on every child "as at" (such as PACE Aim 1).
    pub checks: Vec<CheckSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breakdowns_omitted: Vec<OmittedBreakdown>,
    /// England's adoption scorecard as the DfE computes it (means over the children adopted
    /// in a window), when the profile asks for it. The children still waiting are in the
    /// profile's `a1`, `a2` and `a10` stages (`stages`), censored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoption_scorecard: Option<Scorecard>,
    /// Per stage and horizon (3, 6, 12 months), how many of the children waiting "as at" are
    /// expected to finish it (see `stats::forecast`).
    pub expected_completions: Vec<ExpectedCompletions>,
    /// Where the days of time to permanence go (see `stats::decompose`).
    pub decomposition: Option<Decomposition>,
    /// What every forecast assumes, in plain words, to show wherever a forecast is shown.
    pub forecast_caveats: &'static [&'static str],
}

/// The report without the journeys: everything else, in the same shape and order, for a
/// cohort too large to print child by child (`driftline analyze --format json-summary`).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ReportSummary<'a> {
    #[serde(serialize_with = "crate::date::iso::serialize")]
    pub as_at: NaiveDate,
    #[serde(skip_serializing_if = "is_given")]
    pub as_at_basis: AsAtBasis,
    #[serde(skip_serializing_if = "is_chosen")]
    pub profile_basis: ProfileBasis,
    pub input: &'a InputSummary,
    pub children: usize,
    pub care_periods: usize,
    pub placements: usize,
    pub events: usize,
    pub moves: usize,
    pub profile: Option<&'a Profile>,
    pub stages: &'a [StageSummary],
    pub checks: &'a [CheckSummary],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub breakdowns_omitted: &'a [OmittedBreakdown],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoption_scorecard: Option<&'a Scorecard>,
    pub expected_completions: &'a [ExpectedCompletions],
    pub decomposition: Option<&'a Decomposition>,
    pub forecast_caveats: &'static [&'static str],
}

/// Every child's journey and, beside it, what the statistics found for the child (stage rows,
/// per-care-period facts, current status).
///
/// It dereferences to `[Child]`, so it reads like the plain list of journeys. In JSON it is a
/// list with one object per child: the child's fields followed by the statistics' fields.
#[derive(Clone, Debug, Default)]
pub struct Journeys {
    pub children: Vec<Child>,
    /// Aligned with `children`; empty until the statistics are computed.
    pub stats: Vec<ChildStats>,
}

impl Journeys {
    /// The statistics computed for the child at `index`, if any.
    pub fn stats_of(&self, index: usize) -> Option<&ChildStats> {
        self.stats.get(index)
    }

    /// The child at `index` as its element of the JSON list: with its statistics, or `none`'s
    /// (empty) before they are computed.
    fn merged<'a>(&'a self, index: usize, none: &'a ChildStats) -> Merged<'a> {
        let child = &self.children[index];
        Merged {
            child,
            stats: StatsJson::new(child, self.stats.get(index).unwrap_or(none)),
        }
    }
}

impl Deref for Journeys {
    type Target = [Child];

    fn deref(&self) -> &[Child] {
        &self.children
    }
}

impl<'a> IntoIterator for &'a Journeys {
    type Item = &'a Child;
    type IntoIter = std::slice::Iter<'a, Child>;

    fn into_iter(self) -> Self::IntoIter {
        self.children.iter()
    }
}

/// One child in JSON: the child's fields followed by the statistics' fields.
#[derive(Serialize)]
struct Merged<'a> {
    #[serde(flatten)]
    child: &'a Child,
    #[serde(flatten)]
    stats: StatsJson<'a>,
}

impl Serialize for Journeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let none = ChildStats::default();
        let mut seq = serializer.serialize_seq(Some(self.children.len()))?;
        for i in 0..self.children.len() {
            seq.serialize_element(&self.merged(i, &none))?;
        }
        seq.end()
    }
}

/// Every journey as its own piece of compact JSON text, all in one buffer (see
/// [`Journeys::json_pieces`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JourneyPieces {
    /// The JSON texts one after another, in UTF-8, with nothing between them.
    pub bytes: Vec<u8>,
    /// Where each journey starts in `bytes`, and after the last one where it ends:
    /// journey `i` is `bytes[offsets[i]..offsets[i + 1]]`.
    pub offsets: Vec<u32>,
}

impl Journeys {
    /// Every journey as compact JSON, each exactly the element of the report's `journeys` list
    /// in JSON, in one buffer with the offsets between them. The web boundary sends this to
    /// the page, which reads a journey only when the embedder looks at it, instead of building
    /// every journey as JavaScript objects at once. Fails only if the text would pass 4 GiB.
    pub fn json_pieces(&self) -> Result<JourneyPieces, serde_json::Error> {
        let none = ChildStats::default();
        let merged = |i: usize| self.merged(i, &none);
        // Sized from the first few journeys, so the buffer does not double (and wasm memory,
        // which never shrinks, does not keep the room) for a large cohort.
        let sample = self.children.len().min(64);
        let mut bytes = Vec::new();
        for i in 0..sample {
            serde_json::to_writer(&mut bytes, &merged(i))?;
        }
        let estimate = bytes.len() / sample.max(1) * self.children.len();
        bytes.clear();
        bytes.reserve_exact(estimate + estimate / 8);
        let mut offsets = Vec::with_capacity(self.children.len() + 1);
        let too_long = || serde::ser::Error::custom("the journeys' JSON passes 4 GiB");
        for i in 0..self.children.len() {
            offsets.push(u32::try_from(bytes.len()).map_err(|_| too_long())?);
            serde_json::to_writer(&mut bytes, &merged(i))?;
        }
        offsets.push(u32::try_from(bytes.len()).map_err(|_| too_long())?);
        Ok(JourneyPieces { bytes, offsets })
    }
}

/// Every journey packed (see [`packed`]): the words of `batch` journeys at a time went to
/// the caller of [`Journeys::pack`]; this is where each journey starts in its batch's words and
/// the tables they all refer to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PackedJourneys {
    /// How many journeys each batch holds (the last may hold fewer): journey `i` is in batch
    /// `i / batch`.
    pub batch: usize,
    /// Where each journey's words start among its batch's words.
    pub starts: Vec<u32>,
    /// The numbers, strings and shapes the words refer to.
    pub tables: PackedTables,
}

impl Journeys {
    /// Every journey packed, each exactly the element of the report's `journeys` list in JSON
    /// once unpacked: `take` receives the words of `batch` journeys at a time (and may copy
    /// them out of this memory, which the next batch reuses), and the answer says where each
    /// journey starts and holds the tables. The web boundary sends this to the page, which
    /// builds a journey only when the embedder reads it. Fails only if a table would pass
    /// what a word indexes (2^29 strings, numbers or shapes).
    pub fn pack(
        &self,
        batch: usize,
        take: impl FnMut(&[u32]),
    ) -> Result<PackedJourneys, PackError> {
        self.pack_with(Packer::new(), batch, take)
    }

    /// [`Journeys::pack`] with a packer that may hold tables already.
    fn pack_with(
        &self,
        mut packer: Packer<'_>,
        batch: usize,
        mut take: impl FnMut(&[u32]),
    ) -> Result<PackedJourneys, PackError> {
        let batch = batch.max(1);
        let none = ChildStats::default();
        let mut starts = Vec::with_capacity(self.children.len());
        for first in (0..self.children.len()).step_by(batch) {
            packer.clear_words();
            for i in first..(first + batch).min(self.children.len()) {
                starts.push(packer.push(&self.merged(i, &none))?);
            }
            take(packer.words());
        }
        Ok(PackedJourneys {
            batch,
            starts,
            tables: packer.finish(),
        })
    }
}

/// A whole report packed (see [`Report::pack`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PackedReport {
    /// The words of the report without its journeys ([`Report::summary`]), one value.
    pub summary: Vec<u32>,
    /// The journeys, whose tables the summary's words refer to as well.
    pub journeys: PackedJourneys,
}

impl Report {
    /// The whole report packed: the summary's words (one value, unpacking to exactly
    /// `driftline analyze --format json-summary`), then the journeys as [`Journeys::pack`]
    /// packs them, all with the same tables. Packed words take less memory than the JSON
    /// (most numbers fit a word, every key is kept once), and need no second pass to size.
    pub fn pack(&self, batch: usize, take: impl FnMut(&[u32])) -> Result<PackedReport, PackError> {
        let mut packer = Packer::new();
        packer.push(&self.summary())?;
        let summary = packer.take_words();
        let journeys = self.journeys.pack_with(packer, batch, take)?;
        Ok(PackedReport { summary, journeys })
    }

    /// [`Report::pack`], with the summary's words, every number and where each string ends
    /// handed to `spill` `chunk` at a time as they are packed, rather than kept to the end (see
    /// [`Packer::spilling`]): the web boundary copies them out of wasm memory at once, so that
    /// this memory never holds them whole (for the benchmark's cohort the summary is 1,013,798
    /// words and 334,556 numbers, 6.7 MB, which wasm memory, never shrinking, kept room for
    /// however it was freed). The answer's [`PackedTables::numbers`] and
    /// [`PackedTables::string_ends`] hold only what was not handed over, the last.
    pub fn pack_parts(
        &self,
        batch: usize,
        chunk: usize,
        spill: &mut dyn Spill,
        take: impl FnMut(&[u32]),
    ) -> Result<PackedJourneys, PackError> {
        let mut packer = Packer::spilling(spill, chunk, chunk);
        packer.spill_words();
        packer.push(&self.summary())?;
        packer.stop_spilling_words();
        self.journeys.pack_with(packer, batch, take)
    }

    /// Everything but the journeys.
    pub fn summary(&self) -> ReportSummary<'_> {
        ReportSummary {
            as_at: self.as_at,
            as_at_basis: self.as_at_basis,
            profile_basis: self.profile_basis,
            input: &self.input,
            children: self.children,
            care_periods: self.care_periods,
            placements: self.placements,
            events: self.events,
            moves: self.moves,
            profile: self.profile.as_ref(),
            stages: &self.stages,
            checks: &self.checks,
            breakdowns_omitted: &self.breakdowns_omitted,
            adoption_scorecard: self.adoption_scorecard.as_ref(),
            expected_completions: &self.expected_completions,
            decomposition: self.decomposition.as_ref(),
            forecast_caveats: self.forecast_caveats,
        }
    }

    /// Assembles a report from a built dataset, computing the headline counts.
    pub fn new(as_at: NaiveDate, input: InputSummary, dataset: Dataset) -> Report {
        let journeys = Journeys {
            children: dataset.children,
            stats: Vec::new(),
        };
        let periods = journeys.iter().flat_map(|c| c.care_periods.iter());
        let care_periods = periods.clone().count();
        let placements = periods.clone().map(|p| p.placements.len()).sum();
        let moves = periods.clone().map(|p| p.moves as usize).sum();
        let events = journeys
            .iter()
            .map(|c| {
                c.events_outside_care.len()
                    + c.care_periods.iter().map(|p| p.events.len()).sum::<usize>()
            })
            .sum();
        Report {
            as_at,
            as_at_basis: AsAtBasis::Given,
            profile_basis: ProfileBasis::Given,
            input,
            children: journeys.len(),
            care_periods,
            placements,
            events,
            moves,
            journeys,
            profile: None,
            stages: Vec::new(),
            checks: Vec::new(),
            breakdowns_omitted: Vec::new(),
            adoption_scorecard: None,
            expected_completions: Vec::new(),
            decomposition: None,
            forecast_caveats: &FORECAST_CAVEATS,
        }
    }

    /// The children's journeys without the statistics beside them.
    pub fn into_children(self) -> Vec<Child> {
        self.journeys.children
    }

    /// Adds the statistics computed (by [`crate::stats::compute`]) for this report's children,
    /// in the same order.
    pub fn with_statistics(mut self, statistics: Statistics) -> Report {
        self.set_statistics(statistics);
        self
    }

    /// Replaces the statistics with others computed for this report's children, in the same
    /// order (another profile's, say).
    pub fn set_statistics(&mut self, statistics: Statistics) {
        let Statistics {
            profile,
            stages,
            checks,
            breakdowns_omitted,
            children,
            scorecard,
            expected_completions,
            decomposition,
        } = statistics;
        self.journeys.stats = children;
        self.profile = Some(profile);
        self.stages = stages;
        self.checks = checks;
        self.breakdowns_omitted = breakdowns_omitted;
        self.adoption_scorecard = scorecard;
        self.expected_completions = expected_completions;
        self.decomposition = decomposition;
    }

    /// Writes the per-child stage table as CSV (`--format csv`); see
    /// [`crate::stats::table`]. Empty (a header only) before the statistics are computed.
    pub fn write_stage_csv<W: io::Write>(&self, out: W, options: &TableOptions) -> io::Result<()> {
        let fallback = Profile::default();
        let profile = self.profile.as_ref().unwrap_or(&fallback);
        let journeys = self.journeys.children.iter().zip(&self.journeys.stats);
        crate::stats::write_stage_csv(out, profile, journeys, options)
    }
}

fn is_given(basis: &AsAtBasis) -> bool {
    *basis == AsAtBasis::Given
}

fn is_chosen(basis: &ProfileBasis) -> bool {
    *basis == ProfileBasis::Given
}
