//! The SSDA903 writer: a simulated journey as the English children-looked-after return's CSV
//! tables (`Header`, `Episodes`, `Reviews`, `AD1`, `PlacedAdoption`, `Missing`) with the
//! exact column names of the DfE's SSDA903 specification and dates `dd/mm/yyyy`.
//!
//! This module owns the coding of a journey: an episode per change of placement or legal
//! status, RNE S at a period's start and P/T/B/U/L after it, DEC = the next DECOM with REC X1
//! while care continues, REC for how the period ended (E11/E12 adopted, E41 child
//! arrangements order, E43/E45 special guardianship, E4A/E4B returned home, E5/E17/E8
//! otherwise), PLACE and LS codes matching the placement and legal status, AD1 and
//! PlacedAdoption for the adoption route, and Missing episodes. Scottish-only steps (panels,
//! Children's Hearings, kinship care orders as such) have no 903 field and are not written.
//! It knows nothing about reading 903 files (that is `ingest`).

use super::journey::{EvKind, Exit, Journey, Period, Place, Status, STREAM_JOURNEY};
use super::rng::Rng;
use super::template::{Cell, RowSink};
use super::GenerateConfig;
use chrono::NaiveDate;
use std::io;

/// The file names, in table order.
pub const FILES: [&str; 6] = [
    "header.csv",
    "episodes.csv",
    "reviews.csv",
    "ad1.csv",
    "placed_for_adoption.csv",
    "missing.csv",
];

/// The column names, in table order.
pub const HEADERS: [&[&str]; 6] = [
    &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    &[
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    &[
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    &[
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ],
    &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
];

/// The random stream of the 903-only details (ethnicity, postcodes, review codes, …).
const STREAM_903: u64 = STREAM_JOURNEY + 2;
/// The random stream of the file-level messiness.
const STREAM_903_MESS: u64 = STREAM_JOURNEY + 3;

/// The LS code of a legal status.
pub(crate) fn ls_code(s: Status) -> &'static str {
    match s {
        Status::Emergency => "L2",
        Status::Voluntary => "V2",
        Status::Interim => "C1",
        Status::Compulsory | Status::PermanenceOrder => "C2",
        Status::AuthorityToAdopt => "E1",
    }
}

/// Writes journeys as the six 903 tables (sinks in [`FILES`] order).
#[derive(Debug)]
pub struct Ssda903Writer<S: RowSink> {
    sinks: [S; 6],
    seed: u64,
    mess: Rng,
    rate: f64,
    rows: [u64; 6],
}

/// One episode being coded.
struct Episode {
    decom: NaiveDate,
    stay: usize,
    ls: &'static str,
}

impl<S: RowSink> Ssda903Writer<S> {
    /// Writes the six headers.
    pub fn new(mut sinks: [S; 6], config: &GenerateConfig) -> io::Result<Self> {
        for (sink, header) in sinks.iter_mut().zip(HEADERS) {
            let cells: Vec<Cell<'_>> = header.iter().map(|h| Cell::Text(h)).collect();
            sink.row(&cells)?;
        }
        Ok(Ssda903Writer {
            sinks,
            seed: config.seed,
            mess: Rng::new(config.seed, STREAM_903_MESS, 0),
            rate: config.messy_rate.clamp(0.0, 1.0),
            rows: [0; 6],
        })
    }

    /// Data rows written per table and the sinks.
    pub fn finish(self) -> ([u64; 6], [S; 6]) {
        (self.rows, self.sinks)
    }

    /// Writes a row, first writing (now and then, when messy) a broken copy that must be
    /// rejected: CHILD blank, or the date in `date_col` impossible.
    fn emit(&mut self, table: usize, cells: &[Cell<'_>], date_col: usize) -> io::Result<()> {
        if self.rate > 0.0 && self.mess.chance(self.rate * 0.1) {
            let mut broken = cells.to_vec();
            let impossible;
            if self.mess.chance(0.5) {
                broken[0] = Cell::Blank;
            } else {
                let d = match cells[date_col] {
                    Cell::Date(d) => d,
                    _ => NaiveDate::default(),
                };
                impossible = super::records::impossible_date(d);
                broken[date_col] = Cell::Text(&impossible);
            }
            self.sinks[table].row(&broken)?;
            self.rows[table] += 1;
        }
        self.sinks[table].row(cells)?;
        self.rows[table] += 1;
        Ok(())
    }

    /// Appends one child's rows to every table.
    pub fn write(&mut self, j: &Journey) -> io::Result<()> {
        let mut r = Rng::new(self.seed, STREAM_903, j.index);
        let id: &str = &j.id;
        let dob = Cell::Date(j.dob);
        let ethnic = r.choose(&ETHNIC).to_string();
        let upn = format!(
            "{}{:012}",
            (b'A' + r.below(26) as u8) as char,
            r.below(1_000_000_000_000)
        );
        let home_post = postcode(&mut r);
        let mother = if j.female && r.chance(0.03) { "1" } else { "" };
        self.emit(
            0,
            &[
                Cell::Text(id),
                Cell::Text(if j.female { "2" } else { "1" }),
                dob,
                Cell::Text(&ethnic),
                Cell::Text(&upn),
                text_or_blank(mother),
                Cell::Blank,
            ],
            2,
        )?;

        for period in &j.periods {
            self.episodes(j, period, &mut r, &home_post)?;
        }

        for period in &j.periods {
            for e in &period.events {
                match e.kind {
                    EvKind::LacReview => {
                        let under4 = (e.date - j.dob).num_days() < 4 * 365;
                        let code = if under4 {
                            "PN0"
                        } else {
                            ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]
                                [r.pick(&[0.45, 0.2, 0.1, 0.1, 0.05, 0.05, 0.05])]
                        };
                        self.emit(
                            2,
                            &[Cell::Text(id), dob, Cell::Date(e.date), Cell::Text(code)],
                            2,
                        )?;
                    }
                    EvKind::Missing { end, absent } => {
                        self.emit(
                            5,
                            &[
                                Cell::Text(id),
                                dob,
                                Cell::Text(if absent { "A" } else { "M" }),
                                Cell::Date(e.date),
                                end.map_or(Cell::Blank, Cell::Date),
                            ],
                            3,
                        )?;
                    }
                    _ => {}
                }
            }
        }

        for period in &j.periods {
            let Some(a) = period.adoption else { continue };
            let adopted = match (period.exit, period.end) {
                (Some(Exit::Adopted { .. }), Some(end)) => Some(end),
                _ => None,
            };
            if let Some(_end) = adopted {
                let (sex, ls) = if a.adopters == 2 {
                    match r.pick(&[0.8, 0.1, 0.1]) {
                        0 => ("MF", if r.chance(0.8) { "L0" } else { "L12" }),
                        1 => ("MM", if r.chance(0.7) { "L11" } else { "L13" }),
                        _ => ("FF", if r.chance(0.7) { "L11" } else { "L13" }),
                    }
                } else if r.chance(0.8) {
                    ("F1", "L3")
                } else {
                    ("M1", "L3")
                };
                self.emit(
                    3,
                    &[
                        Cell::Text(id),
                        dob,
                        Cell::Date(a.decision),
                        a.matched.map_or(Cell::Blank, Cell::Date),
                        Cell::Text(if a.foster_carers { "1" } else { "0" }),
                        Cell::Text(if a.adopters == 2 { "2" } else { "1" }),
                        Cell::Text(sex),
                        Cell::Text(ls),
                    ],
                    2,
                )?;
            }
            self.emit(
                4,
                &[
                    Cell::Text(id),
                    dob,
                    Cell::Date(a.decision),
                    adopted.map_or(Cell::Blank, Cell::Date),
                    text_or_blank(if adopted.is_some() { "RD1" } else { "" }),
                ],
                2,
            )?;
        }
        Ok(())
    }

    fn episodes(
        &mut self,
        j: &Journey,
        period: &Period,
        r: &mut Rng,
        home_post: &str,
    ) -> io::Result<()> {
        if period.stays.is_empty() {
            return Ok(());
        }
        let mut points: Vec<NaiveDate> = period
            .stays
            .iter()
            .map(|s| s.start)
            .chain(period.legal.iter().map(|l| l.start))
            .filter(|d| *d >= period.start && period.end.is_none_or(|e| *d < e))
            .collect();
        points.push(period.start);
        points.sort();
        points.dedup();
        let mut eps: Vec<Episode> = Vec::with_capacity(points.len());
        for d in points {
            let stay = period.stays.iter().rposition(|s| s.start <= d).unwrap_or(0);
            let ls = period
                .legal
                .iter()
                .rev()
                .find(|l| l.start <= d)
                .or(period.legal.first())
                .map_or("V2", |l| ls_code(l.status));
            if eps.last().is_some_and(|e| e.stay == stay && e.ls == ls) {
                continue;
            }
            eps.push(Episode { decom: d, stay, ls });
        }
        let cin = ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"]
            .get(period.need as usize)
            .copied()
            .unwrap_or("N1");
        let n = eps.len();
        for i in 0..n {
            let e = &eps[i];
            let stay = &period.stays[e.stay];
            let rne = match i.checked_sub(1).map(|p| &eps[p]) {
                None => "S",
                Some(prev) => {
                    let moved = prev.stay != e.stay;
                    let same_carer = period.stays[prev.stay].carer == stay.carer;
                    let legal = prev.ls != e.ls;
                    match (moved, legal, same_carer) {
                        (true, true, true) => "U",
                        (true, true, false) => "B",
                        (true, false, true) => "T",
                        (true, false, false) => "P",
                        _ => "L",
                    }
                }
            };
            let next = eps.get(i + 1);
            let dec = next.map(|x| x.decom).or(period.end);
            let rec: &str = match next {
                Some(_) => "X1",
                None => match period.exit {
                    Some(exit) if period.end.is_some() => exit_code(exit, stay.place, r),
                    _ => "",
                },
            };
            let reason = match next {
                Some(x) if x.stay != e.stay => *r.choose(&[
                    "CARPL", "CARPL", "CARPL", "CLOSE", "STAND", "CREQB", "CHRES", "LAREQ",
                    "PLACE", "OTHER",
                ]),
                _ => "",
            };
            let earlier_carer = period.stays[..e.stay]
                .iter()
                .any(|s| s.carer == stay.carer && s.place != Place::Adopters);
            // Coded once per placement, as at its start: a placement that becomes long-term
            // keeps its code, so that only real changes of placement are new episodes.
            let long_term = period
                .legal
                .iter()
                .any(|l| l.status == Status::PermanenceOrder && l.start <= stay.start);
            let has_e1 = period
                .legal
                .iter()
                .rev()
                .find(|l| l.start <= stay.start)
                .is_some_and(|l| l.status == Status::AuthorityToAdopt);
            let place = place_code(stay.place, has_e1, earlier_carer, long_term);
            let private = (j.index + u64::from(stay.carer)) % 10 < 3;
            let provider = match stay.place {
                Place::Home => "PR0",
                Place::Foster | Place::Residential if private => "PR4",
                Place::Supported => "PR4",
                _ => "PR1",
            };
            let pl_post = if stay.place == Place::Home {
                home_post.to_string()
            } else {
                let mut pr = Rng::new(
                    self.seed,
                    STREAM_903,
                    j.index ^ (u64::from(stay.carer) << 40),
                );
                postcode(&mut pr)
            };
            let urn = match stay.place {
                Place::Residential | Place::Secure => {
                    format!(
                        "SC{:06}",
                        (j.index * 7919 + u64::from(stay.carer) * 104_729) % 1_000_000
                    )
                }
                _ => "XXXXXXX".to_string(),
            };
            let cells = [
                Cell::Text(&j.id),
                Cell::Date(e.decom),
                Cell::Text(rne),
                Cell::Text(e.ls),
                Cell::Text(cin),
                Cell::Text(place),
                Cell::Text(provider),
                dec.map_or(Cell::Blank, Cell::Date),
                text_or_blank(rec),
                text_or_blank(reason),
                Cell::Text(home_post),
                Cell::Text(&pl_post),
                Cell::Text(&urn),
            ];
            self.emit(1, &cells, 1)?;
        }
        Ok(())
    }
}

fn text_or_blank(s: &str) -> Cell<'_> {
    if s.is_empty() {
        Cell::Blank
    } else {
        Cell::Text(s)
    }
}

/// The PLACE code of a placement.
pub(crate) fn place_code(
    place: Place,
    has_e1: bool,
    earlier_carer: bool,
    long_term: bool,
) -> &'static str {
    match place {
        Place::Home => "P1",
        Place::Kinship => {
            if long_term {
                "U1"
            } else {
                "U3"
            }
        }
        Place::Foster => {
            if long_term {
                "U4"
            } else {
                "U6"
            }
        }
        Place::Concurrency => "U5",
        Place::Residential => "K2",
        Place::Secure => "K1",
        Place::Supported => "H5",
        Place::Adopters => match (has_e1, earlier_carer) {
            (true, true) => "A5",
            (true, false) => "A6",
            (false, true) => "A3",
            (false, false) => "A4",
        },
    }
}

/// The REC code of how a period ended.
fn exit_code(exit: Exit, last: Place, r: &mut Rng) -> &'static str {
    match exit {
        Exit::ReturnedHome { planned: true } => "E4A",
        Exit::ReturnedHome { planned: false } => "E4B",
        Exit::Discharged => "E8",
        Exit::Adopted { opposed: false } => "E11",
        Exit::Adopted { opposed: true } => "E12",
        Exit::KinshipOrder { arrangements: true } => "E41",
        Exit::KinshipOrder {
            arrangements: false,
        } => {
            if r.chance(0.7) {
                "E45"
            } else {
                "E43"
            }
        }
        Exit::AgedOut { supported: true } => "E5",
        Exit::AgedOut { supported: false } => match last {
            Place::Foster | Place::Kinship if r.chance(0.5) => "E17",
            _ => "E8",
        },
    }
}

/// Ethnicity codes, repeated roughly in proportion to how often they occur.
const ETHNIC: [&str; 20] = [
    "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI",
    "WOTH", "MWBC", "MOTH", "AOTH", "BAFR", "ABAN", "APKN", "OOTH",
];

/// A made-up postcode of the usual shape (`AB1 2CD`).
fn postcode(r: &mut Rng) -> String {
    let letter = |r: &mut Rng| (b'A' + r.below(26) as u8) as char;
    let (a, b) = (letter(r), letter(r));
    let d1 = r.below(20) + 1;
    let d2 = r.below(10);
    let (c, d) = (letter(r), letter(r));
    format!("{a}{b}{d1} {d2}{c}{d}")
}
