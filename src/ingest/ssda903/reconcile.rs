//! Many returns, one history: one child's episodes from every return of one authority are
//! reconciled into the one account their journey is built from.
//!
//! The general rule: for each child, the latest return that covers a date is the account of
//! that date. In detail, with the returns ranked (see `returns`):
//! 1. An episode is one (CHILD, DECOM). Of its copies in different returns, a closed copy
//!    beats an open one, and a later return's copy beats an earlier one's (`Superseded`).
//!    Copies that say the same thing are counted once without a note.
//! 2. An episode that, by its own dates, was open during a later return's year, which does not
//!    have it, is `Withdrawn` when that return holds the child: it is the account of those
//!    days and says the episode was not there.
//! 3. When a later year's return does not hold the child at all, the child was not looked
//!    after in its year (a later return of the same year without the child says nothing about
//!    them: it may be another authority's, or partial). An open episode then ended by the end of its own return: if the child comes
//!    back in a later return, it is read as ending then (`EndedBetweenReturns`, reason
//!    unknown); if not, the journey is followed to that day only (`Censored`), not taken as
//!    "in care today".
//! 4. An episode ending with REC X1 (a new episode the same day) before the next episode
//!    starts is read as ending when the next starts (`GapClosed`), unless the next one starts
//!    a new period (RNE S).
//!
//! Open episodes followed by a later one, and overlaps, are cut where the next episode starts
//! when journeys are built (`episodes`), within a return or across returns alike.
//!
//! Regional pipelines apply rules to the same end, which this follows and extends: Social
//! Finance's LIIA tools ("fix episodes", `docs/fix_episodes.md` and
//! `liiatools/ssda903_pipeline/fix_episodes.py` in `SocialFinanceDigitalLabs/liia-tools-pipeline`)
//! delete an open episode repeated in a later year (RULE_3, 3A), end an open episode at the
//! next one (RULE_1), close a child's last open episode on 31 March of the return's YEAR with
//! an invented reason E99 (RULE_1A, RULE_2), and close overlaps and gaps after X1 (RULE_4, 5);
//! the demand model of `data-to-insight/cs-demand-model` (`csdmpy/datacontainer.py`) keeps one
//! copy per (CHILD, DECOM), the latest closed one. Driftline differs where they guess: the year
//! a return covers is read from its dates, not from a `YEAR` label whose meaning varies; a
//! child who leaves the returns is censored, not given an end; an episode a later return no
//! longer has is withdrawn even when it was closed; and every correction is reported.

use super::returns::Coverage;
use super::Episode;
use crate::model::SourceRow;
use chrono::{Days, NaiveDate};
use std::collections::BTreeSet;

/// What was corrected, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A copy lost to the closed copy of the same episode.
    ClosedCopy,
    /// A copy lost to a later return's copy of the same episode.
    LaterReturn,
    /// A later return covering the episode's days has the child but not the episode.
    Withdrawn,
    /// The child is not in the next return: the open episode ended by the end of its own.
    EndedBetweenReturns,
    /// The child's last return leaves them open and later returns do not have them.
    Censored,
    /// A gap after REC X1 closed.
    GapClosed,
}

/// One correction: the row corrected, the row or return that decided it, and the day set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    pub rule: Rule,
    pub row: SourceRow,
    /// The winning copy or the next episode, for rules decided by another row.
    pub by_row: Option<SourceRow>,
    /// The return (rank) that decided it, for rules decided by a return.
    pub by_return: Option<usize>,
    /// The episode's end as read (for `EndedBetweenReturns`, `Censored`, `GapClosed`).
    pub date: Option<NaiveDate>,
}

/// One child's reconciled episodes.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The episodes used, by start.
    pub episodes: Vec<Episode>,
    pub corrections: Vec<Correction>,
    /// The last day the child's journey is followed to, when censored before the end of
    /// their authority's returns.
    pub censored: Option<NaiveDate>,
    /// Copies that repeated another copy exactly and were counted once.
    pub repeats: u64,
}

/// Reconciles one child's episodes. Each episode's `rank` is its return's rank among its
/// authority's returns, and `returns[rank]` is that return's coverage (`None` for a return
/// whose year could not be read, which never decides anything).
pub fn reconcile(mut copies: Vec<Episode>, returns: &[Option<Coverage>]) -> Outcome {
    let mut out = Outcome::default();
    // Hot: run for every child (see `crate::sort`).
    #[allow(clippy::disallowed_methods)]
    copies.sort_by_key(|e| (e.decom, e.rank, e.source));
    let present: BTreeSet<usize> = copies.iter().map(|e| e.rank).collect();
    // The copies used, each with the returns (by rank) holding a copy of its start date.
    let mut kept: Vec<(Episode, BTreeSet<usize>)> = Vec::new();
    let mut rest = copies.into_iter().peekable();
    while let Some(first) = rest.next() {
        let decom = first.decom;
        let mut group = vec![first];
        while let Some(e) = rest.next_if(|e| e.decom == decom) {
            group.push(e);
        }
        let holders: BTreeSet<usize> = group.iter().map(|e| e.rank).collect();
        let winner = group
            .iter()
            .enumerate()
            .max_by_key(|(_, e)| (e.dec.is_some(), e.rank, std::cmp::Reverse(e.source)))
            .map_or(0, |(k, _)| k);
        let w = group.remove(winner);
        let mut own_return = Vec::new();
        for e in group {
            if e.rank == w.rank {
                // Repeats within one return are reported when journeys are built.
                own_return.push(e);
            } else if e.same_as(&w) {
                out.repeats += 1;
            } else {
                out.corrections.push(Correction {
                    rule: if w.dec.is_some() && e.dec.is_none() {
                        Rule::ClosedCopy
                    } else {
                        Rule::LaterReturn
                    },
                    row: e.source,
                    by_row: Some(w.source),
                    by_return: None,
                    date: None,
                });
            }
        }
        kept.push((w, holders.clone()));
        kept.extend(own_return.into_iter().map(|e| (e, holders.clone())));
    }

    // Withdrawn, ended between returns, censored.
    let mut episodes: Vec<Episode> = Vec::with_capacity(kept.len());
    let last_start = kept.last().map(|(e, _)| e.decom);
    for (mut e, holders) in kept {
        let end = e.dec;
        let open_during = |c: &Coverage| e.decom <= c.to && end.is_none_or(|d| d > c.from);
        // A later return of the same years that does not hold the child says nothing about
        // them (it may be another authority's, or a partial one); a later year's return does.
        let own_to = returns
            .get(e.rank)
            .copied()
            .flatten()
            .map_or(e.decom, |c| c.to);
        let later = returns
            .iter()
            .enumerate()
            .skip(e.rank + 1)
            .filter_map(|(rank, c)| c.map(|c| (rank, c)))
            .filter(|(rank, c)| present.contains(rank) || c.from > own_to)
            .find(|(rank, c)| !holders.contains(rank) && open_during(c));
        let Some((by, by_cover)) = later else {
            episodes.push(e);
            continue;
        };
        if present.contains(&by) {
            out.corrections.push(Correction {
                rule: Rule::Withdrawn,
                row: e.source,
                by_row: None,
                by_return: Some(by),
                date: None,
            });
            continue;
        }
        if e.dec.is_some() {
            // A closed episode whose end strays into a year the child is not in: kept.
            episodes.push(e);
            continue;
        }
        let own_end = returns.get(e.rank).copied().flatten().map(|c| c.to);
        let day_before = by_cover.from.checked_sub_days(Days::new(1));
        let left_by = match (own_end, day_before) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b).unwrap_or(by_cover.from),
        };
        let left_by = left_by.max(e.decom);
        if Some(e.decom) == last_start && !present.iter().any(|r| *r > by) {
            out.censored = Some(left_by);
            out.corrections.push(Correction {
                rule: Rule::Censored,
                row: e.source,
                by_row: None,
                by_return: Some(by),
                date: Some(left_by),
            });
        } else {
            e.dec = Some(left_by);
            e.ended = true;
            out.corrections.push(Correction {
                rule: Rule::EndedBetweenReturns,
                row: e.source,
                by_row: None,
                by_return: Some(by),
                date: Some(left_by),
            });
        }
        episodes.push(e);
    }

    // Gaps after X1.
    for k in 1..episodes.len() {
        let (before, after) = episodes.split_at_mut(k);
        let (a, b) = (&mut before[k - 1], &after[0]);
        let gap = a.dec.is_some_and(|d| d < b.decom);
        if gap && a.rec.as_deref() == Some("X1") && &*b.rne != "S" && a.decom != b.decom {
            out.corrections.push(Correction {
                rule: Rule::GapClosed,
                row: a.source,
                by_row: Some(b.source),
                by_return: None,
                date: a.dec,
            });
            a.dec = Some(b.decom);
        }
    }
    out.episodes = episodes;
    out
}
