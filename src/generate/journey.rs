//! The simulation of one child's journey through care, format-neutral: dates, kinds of
//! placement, legal statuses, events and how each care period ended.
//!
//! This module owns the story (what happens when, drawn from [`Parameters`]). It knows
//! nothing about labels, messy values or file layouts: [`super::records`] turns a journey
//! into template rows and [`super::ssda903`] into SSDA903 rows. Every child draws from its
//! own random streams, so a journey depends only on the seed, the child's index and the
//! parameters, never on the other children.

use super::rng::{Rng, Spread};
use super::{GenerateConfig, Parameters};
use crate::model::Text;
use chrono::{Months, NaiveDate, TimeDelta};

/// The random stream of the simulation itself (the projections use their own streams).
pub(crate) const STREAM_JOURNEY: u64 = 1;

/// One child's simulated journey, already cut at the "as at" date.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    pub(crate) index: u64,
    pub(crate) id: Text,
    pub(crate) dob: NaiveDate,
    pub(crate) female: bool,
    pub(crate) la: usize,
    pub(crate) team: usize,
    /// A pre-birth planning meeting, for some children looked after from birth.
    pub(crate) prebirth_meeting: Option<NaiveDate>,
    pub(crate) periods: Vec<Period>,
}

impl Journey {
    /// The child's id (`C` and seven digits, from 1).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The child's date of birth.
    pub fn date_of_birth(&self) -> NaiveDate {
        self.dob
    }

    /// How many care periods the child has (started on or before the "as at" date).
    pub fn care_periods(&self) -> usize {
        self.periods.len()
    }
}

/// One care period.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Period {
    pub start: NaiveDate,
    /// `None` while the child is still looked after at the "as at" date.
    pub end: Option<NaiveDate>,
    /// How the period ended; `None` when it is still open.
    pub exit: Option<Exit>,
    pub stays: Vec<Stay>,
    pub legal: Vec<Spell>,
    pub events: Vec<Ev>,
    pub adoption: Option<Adoption>,
    /// The category of need (SSDA903 CIN N1–N8), as an index 0–7.
    pub need: u8,
}

/// One placement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Stay {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub place: Place,
    /// The carer, unique within the child; 0 means the child's parents.
    pub carer: u32,
}

/// Kinds of placement the simulation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    Home,
    Kinship,
    Foster,
    /// Foster carers approved as adopters (concurrency planning).
    Concurrency,
    Residential,
    Secure,
    Supported,
    Adopters,
}

/// One legal status spell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Spell {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub status: Status,
}

/// Legal statuses the simulation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// A child protection order (England: emergency protection order).
    Emergency,
    /// Accommodated with the parents' agreement (s25; England s20).
    Voluntary,
    /// An interim compulsory supervision order (England: interim care order).
    Interim,
    /// A compulsory supervision order (England: care order).
    Compulsory,
    /// A permanence order with authority to adopt (England: placement order).
    AuthorityToAdopt,
    /// A permanence order.
    PermanenceOrder,
}

/// Routes to permanence and the plans that lead to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    ReturnHome,
    Adoption,
    KinshipOrder,
    PermanenceOrder,
    /// No permanence plan: long-term care until 18.
    NoPlan,
}

/// Orders a court can grant in the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    AuthorityToAdopt,
    Adoption,
    KinshipCare,
    Permanence,
}

/// One dated event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ev {
    pub date: NaiveDate,
    pub kind: EvKind,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum EvKind {
    BecameLookedAfter,
    LacReview,
    PlanningMeeting,
    LegalAdvice,
    /// A permanence recommendation (made at a LAC review) for this route.
    Recommendation(Route),
    /// A custom event: the recommendation was withdrawn.
    RecommendationWithdrawn,
    /// A panel; `deferred` when it asked for more information and will hear the case again.
    Panel {
        deferred: bool,
    },
    Adm(Route),
    Lodged(Order),
    OrderGranted(Order),
    Matched,
    PlacedForAdoption,
    ReturnedHome,
    /// A Children's Hearing (the one that made an interim order).
    Hearing,
    CsoMade,
    CsoReviewed,
    /// Missing from placement until `end` (`absent`: away without authorisation rather
    /// than missing).
    Missing {
        end: Option<NaiveDate>,
        absent: bool,
    },
    LeftCare,
    /// A custom event: a family group decision making meeting.
    FamilyGroup,
}

/// How a care period ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Went home (`planned`: as part of the care plan).
    ReturnedHome { planned: bool },
    /// Already at home; the supervision order ended.
    Discharged,
    /// Adopted (`opposed`: the application was contested).
    Adopted { opposed: bool },
    /// A kinship care order (`arrangements`: England's child arrangements order rather than
    /// special guardianship).
    KinshipOrder { arrangements: bool },
    /// Turned 18 (`supported`: into supported accommodation).
    AgedOut { supported: bool },
}

/// What the adoption part of a journey needs beyond events (SSDA903 AD1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Adoption {
    /// The agency decision that the child should be placed for adoption.
    pub decision: NaiveDate,
    pub matched: Option<NaiveDate>,
    /// The adopters are the child's foster (concurrency) carers.
    pub foster_carers: bool,
    /// One or two adopters.
    pub adopters: u8,
}

/// Every child's journey, in index order, generated lazily.
pub fn journeys(config: &GenerateConfig) -> impl Iterator<Item = Journey> + '_ {
    (0..config.children as u64).map(move |i| simulate(config, i))
}

/// Adds whole days, saturating at the input date if the result would be out of range.
pub(crate) fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    TimeDelta::try_days(days)
        .and_then(|t| d.checked_add_signed(t))
        .unwrap_or(d)
}

/// Days from `a` to `b`.
pub(crate) fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// The age band (index into `Parameters::age_at_entry`) of an age in days.
pub(crate) fn age_band(age_days: i64) -> usize {
    match age_days / 365 {
        0 => 0,
        1..=4 => 1,
        5..=9 => 2,
        10..=15 => 3,
        _ => 4,
    }
}

/// Simulates child number `index` (0-based).
pub(crate) fn simulate(config: &GenerateConfig, index: u64) -> Journey {
    let p = &config.params;
    let mut r = Rng::new(config.seed, STREAM_JOURNEY, index);
    let window = i64::from(p.history_years.max(1)) * 365;
    let first = plus(config.as_at, -1 - r.below(window as u64) as i64);
    let band = r.pick(&p.age_at_entry);
    let newborn = band == 0 && r.chance(p.newborn_share);
    let age_days = match band {
        0 if newborn => r.below(7) as i64,
        0 => 7 + r.below(358) as i64,
        1 => 365 + r.below(4 * 365) as i64,
        2 => 5 * 365 + r.below(5 * 365) as i64,
        3 => 10 * 365 + r.below(6 * 365) as i64,
        _ => 16 * 365 + r.below(2 * 365 - 40) as i64,
    };
    let dob = plus(first, -age_days);
    let eighteen = dob
        .checked_add_months(Months::new(216))
        .unwrap_or(plus(dob, 18 * 365));
    let female = r.chance(0.47);
    let la = {
        let total: f64 = p.local_authorities.iter().map(|l| l.1).sum();
        let mut x = r.unit() * total;
        let mut la = p.local_authorities.len().saturating_sub(1);
        for (i, l) in p.local_authorities.iter().enumerate() {
            if x < l.1 {
                la = i;
                break;
            }
            x -= l.1;
        }
        la
    };
    let team = r.below(p.teams.len() as u64) as usize;
    let prebirth_meeting = (newborn && r.chance(p.prebirth_meeting_share)).then(|| {
        let before = Spread::days(14.0, 40.0, 70.0, 100.0).sample(&mut r, 1.0);
        plus(dob, -before)
    });
    let improve_from = p
        .improvement_months_before_as_at
        .and_then(|m| config.as_at.checked_sub_months(Months::new(m)));

    let mut sim = Sim {
        r,
        p,
        dob,
        eighteen,
        improve_from,
        next_carer: 1,
    };
    let mut periods = Vec::new();
    let mut start = first;
    let mut reentry = p.reentry_share;
    loop {
        let period = sim.period(start);
        let next = match (period.end, period.exit) {
            (Some(end), Some(Exit::ReturnedHome { .. } | Exit::Discharged))
                if sim.r.chance(reentry) =>
            {
                Some(plus(
                    end,
                    p.reentry_gap_days.sample(&mut sim.r, 1.0).max(14),
                ))
            }
            _ => None,
        };
        periods.push(period);
        match next {
            Some(n) if n <= config.as_at && days_between(n, eighteen) > 60 => {
                start = n;
                reentry /= 2.0;
            }
            _ => break,
        }
    }
    for period in &mut periods {
        cut_at(period, config.as_at);
    }
    periods.retain(|p| p.start <= config.as_at);

    let digits = config.children.max(1).to_string().len().max(7);
    Journey {
        index,
        id: Text::from(format!("C{:0digits$}", index + 1)),
        dob,
        female,
        la,
        team,
        prebirth_meeting: prebirth_meeting.filter(|d| *d <= config.as_at),
        periods,
    }
}

/// Cuts a fully simulated period at the "as at" date: later starts and events go, later
/// ends become open.
fn cut_at(period: &mut Period, as_at: NaiveDate) {
    if period.end.is_none_or(|e| e > as_at) {
        period.end = None;
        period.exit = None;
    }
    period.stays.retain(|s| s.start <= as_at);
    for s in &mut period.stays {
        if s.end.is_none_or(|e| e > as_at) {
            s.end = None;
        }
    }
    period.legal.retain(|s| s.start <= as_at);
    for s in &mut period.legal {
        if s.end.is_none_or(|e| e > as_at) {
            s.end = None;
        }
    }
    period.events.retain(|e| e.date <= as_at);
    for e in &mut period.events {
        if let EvKind::Missing { end, .. } = &mut e.kind {
            if end.is_none_or(|d| d > as_at) {
                *end = None;
            }
        }
    }
    if let Some(a) = &mut period.adoption {
        if a.matched.is_some_and(|m| m > as_at) {
            a.matched = None;
        }
    }
    if period.adoption.is_some_and(|a| a.decision > as_at) {
        period.adoption = None;
    }
}

struct Sim<'a> {
    r: Rng,
    p: &'a Parameters,
    dob: NaiveDate,
    eighteen: NaiveDate,
    improve_from: Option<NaiveDate>,
    next_carer: u32,
}

/// A period being drafted: starts only; ends are filled in when it is finished.
struct Draft {
    start: NaiveDate,
    stays: Vec<(NaiveDate, Place, u32)>,
    legal: Vec<(NaiveDate, Status)>,
    events: Vec<Ev>,
    adoption: Option<Adoption>,
    /// Dates of LAC reviews that made a recommendation (the review schedule restarts there).
    recommendation_reviews: Vec<NaiveDate>,
}

impl Draft {
    fn event(&mut self, date: NaiveDate, kind: EvKind) {
        self.events.push(Ev { date, kind });
    }

    fn stay(&mut self, date: NaiveDate, place: Place, carer: u32) {
        self.stays.push((date, place, carer));
    }

    /// The placement in force on `date` (the last one starting on or before it).
    fn place_on(&self, date: NaiveDate) -> Option<(Place, u32)> {
        self.stays
            .iter()
            .rev()
            .find(|s| s.0 <= date)
            .map(|s| (s.1, s.2))
    }

    fn legal_on(&self, date: NaiveDate) -> Option<Status> {
        self.legal.iter().rev().find(|s| s.0 <= date).map(|s| s.1)
    }
}

impl Sim<'_> {
    fn carer(&mut self) -> u32 {
        let c = self.next_carer;
        self.next_carer += 1;
        c
    }

    fn gap(&mut self, s: Spread, factor: f64) -> i64 {
        s.sample(&mut self.r, factor)
    }

    fn period(&mut self, start: NaiveDate) -> Period {
        let p = self.p;
        let band = age_band(days_between(self.dob, start));
        let mut d = Draft {
            start,
            stays: Vec::new(),
            legal: Vec::new(),
            events: Vec::new(),
            adoption: None,
            recommendation_reviews: Vec::new(),
        };
        let need = self
            .r
            .pick(&[0.62, 0.03, 0.04, 0.08, 0.14, 0.03, 0.01, 0.05]) as u8;
        if self.r.chance(p.became_looked_after_event_share) {
            d.event(start, EvKind::BecameLookedAfter);
        }
        let home_share = p.at_home_share * if band == 0 { 0.5 } else { 1.0 };
        let (end, exit) = if self.r.chance(home_share) {
            self.at_home(&mut d, band)
        } else if self.r.chance(p.short_stay_share[band]) {
            self.short(&mut d, band)
        } else {
            self.long(&mut d, band, start, None)
        };
        self.finish(d, end, exit, need)
    }

    /// The initial legal status of a stay away from home; returns whether it began with an
    /// emergency order.
    fn legal_start(&mut self, d: &mut Draft, from: NaiveDate, band: usize, court: bool) -> bool {
        match self.r.pick(&[0.30, 0.45, 0.25]) {
            0 => {
                d.legal.push((from, Status::Emergency));
                let interim = plus(from, self.gap(Spread::days(2.0, 5.0, 8.0, 10.0), 1.0));
                self.interim_then_compulsory(d, interim);
                true
            }
            1 => {
                d.legal.push((from, Status::Voluntary));
                if court || band <= 2 || self.r.chance(0.5) {
                    let interim = plus(from, self.gap(Spread::days(14.0, 60.0, 200.0, 400.0), 1.0));
                    self.interim_then_compulsory(d, interim);
                }
                false
            }
            _ => {
                self.interim_then_compulsory(d, from);
                false
            }
        }
    }

    fn interim_then_compulsory(&mut self, d: &mut Draft, interim: NaiveDate) {
        d.legal.push((interim, Status::Interim));
        d.event(interim, EvKind::Hearing);
        let cso = plus(
            interim,
            self.gap(Spread::days(22.0, 66.0, 180.0, 400.0), 1.0),
        );
        d.legal.push((cso, Status::Compulsory));
        d.event(cso, EvKind::CsoMade);
    }

    fn first_place(&mut self, band: usize) -> Place {
        let p = self.p;
        if self.r.chance(p.kinship_share) {
            Place::Kinship
        } else if band >= 3 && self.r.chance(p.teen_residential_share) {
            Place::Residential
        } else {
            Place::Foster
        }
    }

    fn at_home(&mut self, d: &mut Draft, band: usize) -> (NaiveDate, Exit) {
        let start = d.start;
        d.stay(start, Place::Home, 0);
        if self.r.chance(0.6) {
            self.interim_then_compulsory(d, start);
        } else {
            d.legal.push((start, Status::Compulsory));
            d.event(start, EvKind::CsoMade);
        }
        let end = plus(start, self.gap(self.p.at_home_days, 1.0));
        if self.r.chance(self.p.at_home_breakdown_share) {
            let away = plus(
                start,
                self.gap(Spread::days(30.0, 200.0, 500.0, 900.0), 1.0),
            );
            if away < end {
                return self.long(d, band, away, Some(Status::Compulsory));
            }
        }
        if self.r.chance(0.5) {
            d.event(end, EvKind::LeftCare);
        }
        (end, Exit::Discharged)
    }

    fn short(&mut self, d: &mut Draft, band: usize) -> (NaiveDate, Exit) {
        let start = d.start;
        let emergency = if self.r.chance(0.7) {
            d.legal.push((start, Status::Voluntary));
            false
        } else {
            d.legal.push((start, Status::Emergency));
            let interim = plus(start, self.gap(Spread::days(2.0, 5.0, 8.0, 10.0), 1.0));
            d.legal.push((interim, Status::Interim));
            d.event(interim, EvKind::Hearing);
            true
        };
        let place = self.first_place(band);
        let mut at = start;
        if emergency && place != Place::Foster && self.r.chance(0.4) {
            let carer = self.carer();
            d.stay(start, Place::Foster, carer);
            at = plus(start, self.gap(Spread::days(1.0, 3.0, 10.0, 21.0), 1.0));
        }
        let carer = self.carer();
        d.stay(at, place, carer);
        let end = plus(start, self.gap(self.p.short_stay_days, 1.0).max(1));
        if self.r.chance(0.15) {
            let moved = plus(start, days_between(start, end) / 2);
            if moved > at {
                let carer = self.carer();
                d.stay(moved, Place::Foster, carer);
            }
        }
        d.event(end, EvKind::ReturnedHome);
        (
            end,
            Exit::ReturnedHome {
                planned: self.r.chance(0.8),
            },
        )
    }

    /// A longer stay away from home from `from` (the period's start, or the day an at-home
    /// placement broke down, when the legal status is already `legal_now`).
    fn long(
        &mut self,
        d: &mut Draft,
        band: usize,
        from: NaiveDate,
        legal_now: Option<Status>,
    ) -> (NaiveDate, Exit) {
        let p = self.p;
        let route = match self.r.pick(&p.routes[band]) {
            0 => Route::ReturnHome,
            1 => Route::Adoption,
            2 => Route::KinshipOrder,
            3 => Route::PermanenceOrder,
            _ => Route::NoPlan,
        };
        // A permanence order (with or without authority to adopt) follows compulsory
        // measures, so those routes never stay voluntary.
        let court = matches!(route, Route::Adoption | Route::PermanenceOrder);
        let emergency = match legal_now {
            Some(_) => false,
            None => self.legal_start(d, from, band, court),
        };
        let infant = days_between(self.dob, from) < 2 * 365;
        let first = if infant && route == Route::Adoption && self.r.chance(p.concurrency_share) {
            Place::Concurrency
        } else {
            let mut f = self.first_place(band);
            if route == Route::Adoption && f == Place::Kinship && self.r.chance(0.7) {
                // Kinship carers rarely adopt: most children on this route are fostered.
                f = Place::Foster;
            }
            f
        };
        let kf = if first == Place::Kinship {
            p.kinship_delay_factor
        } else {
            1.0
        };
        let mut main_start = from;
        if emergency && first != Place::Concurrency && self.r.chance(0.4) {
            let carer = self.carer();
            d.stay(from, Place::Foster, carer);
            main_start = plus(from, self.gap(Spread::days(1.0, 3.0, 10.0, 21.0), 1.0));
        }
        let first_carer = self.carer();
        d.stay(main_start, first, first_carer);
        if self.r.chance(0.15) {
            let fg = plus(from, self.gap(Spread::days(7.0, 30.0, 60.0, 120.0), 1.0));
            d.event(fg, EvKind::FamilyGroup);
        }

        // The plan, its key dates, and the date after which placements no longer move at
        // random (`settled`).
        let (end, exit, settled) = match route {
            Route::ReturnHome => {
                if self.r.chance(0.4) {
                    let ppm = plus(from, self.gap(p.chain.to_planning_meeting, kf));
                    d.event(ppm, EvKind::PlanningMeeting);
                }
                let back = plus(from, self.gap(p.chain.to_return_home, 1.0));
                let (end, exit) = self.go_home(d, back);
                (end, exit, back)
            }
            Route::NoPlan => {
                let end = self.eighteen;
                (end, Exit::AgedOut { supported: false }, end)
            }
            _ => self.chain(d, route, from, kf, first == Place::Concurrency, first_carer),
        };

        // Random moves between the main placement's start and `settled`.
        let teen = band >= 3;
        let mut t = main_start;
        let mut place = first;
        let can_move = !(first == Place::Concurrency
            || (route == Route::KinshipOrder && first == Place::Kinship));
        if can_move {
            loop {
                let dur = self.gap(p.placement_days, if teen { 0.6 } else { 1.0 });
                let next = plus(t, dur.max(1));
                if next >= settled || next >= end {
                    break;
                }
                place = self.next_place(place, teen);
                let carer = self.carer();
                d.stay(next, place, carer);
                t = next;
            }
        }
        d.stays.sort_by_key(|s| s.0);
        if matches!(exit, Exit::AgedOut { .. }) && band >= 3 && self.r.chance(0.5) {
            let moved = plus(end, -self.gap(Spread::days(30.0, 180.0, 400.0, 700.0), 1.0));
            if d.stays.last().is_some_and(|s| s.0 < moved) && moved > from {
                let carer = self.carer();
                d.stay(moved, Place::Supported, carer);
                return (end, Exit::AgedOut { supported: true });
            }
        }
        if matches!(exit, Exit::AgedOut { .. }) {
            d.event(end, EvKind::LeftCare);
        }
        (end, exit)
    }

    /// Returns home on `back`: straight out of care, or (under a supervision order) to a
    /// placement at home first.
    fn go_home(&mut self, d: &mut Draft, back: NaiveDate) -> (NaiveDate, Exit) {
        d.event(back, EvKind::ReturnedHome);
        let compulsory = matches!(d.legal_on(back), Some(Status::Interim | Status::Compulsory));
        if compulsory && self.r.chance(0.5) {
            d.stay(back, Place::Home, 0);
            let end = plus(back, self.gap(Spread::days(60.0, 180.0, 400.0, 800.0), 1.0));
            if self.r.chance(0.5) {
                d.event(end, EvKind::LeftCare);
            }
            (end, Exit::Discharged)
        } else {
            (
                back,
                Exit::ReturnedHome {
                    planned: self.r.chance(0.8),
                },
            )
        }
    }

    /// The permanence chain for the adoption, kinship order and permanence order routes.
    /// Returns the period's end, how it ends, and when placements settle.
    fn chain(
        &mut self,
        d: &mut Draft,
        route: Route,
        from: NaiveDate,
        kf: f64,
        concurrency: bool,
        first_carer: u32,
    ) -> (NaiveDate, Exit, NaiveDate) {
        let p = self.p;
        let c = &p.chain;
        let ppm = plus(from, self.gap(c.to_planning_meeting, kf));
        d.event(ppm, EvKind::PlanningMeeting);
        let lam = plus(ppm, self.gap(c.to_legal_advice, kf));
        d.event(lam, EvKind::LegalAdvice);
        let mut rec = plus(lam, self.gap(c.to_recommendation, kf));
        d.event(rec, EvKind::Recommendation(route));
        d.recommendation_reviews.push(rec);
        if self.r.chance(p.recommendation_withdrawn_share) {
            let withdrawn = plus(rec, self.gap(Spread::days(14.0, 40.0, 90.0, 180.0), 1.0));
            d.event(withdrawn, EvKind::RecommendationWithdrawn);
            if self.r.chance(0.4) {
                let back = plus(
                    withdrawn,
                    self.gap(Spread::days(30.0, 90.0, 200.0, 400.0), 1.0),
                );
                let (end, exit) = self.go_home(d, back);
                return (end, exit, back);
            }
            rec = plus(
                withdrawn,
                self.gap(Spread::days(60.0, 120.0, 250.0, 500.0), kf),
            );
            d.event(rec, EvKind::Recommendation(route));
            d.recommendation_reviews.push(rec);
        }
        // Kinship care orders need the child with kinship carers: move there if not already.
        let mut settled = rec;
        if route == Route::KinshipOrder
            && d.place_on(rec).is_some_and(|(pl, _)| pl != Place::Kinship)
        {
            let moved = plus(ppm, self.gap(Spread::days(7.0, 30.0, 90.0, 180.0), 1.0));
            let carer = self.carer();
            d.stay(moved, Place::Kinship, carer);
            settled = moved;
        }
        let improved = self.improve_from.is_some_and(|f| rec >= f);
        let factor = kf * if improved { p.improvement_factor } else { 1.0 };
        let mut panel = plus(rec, self.gap(c.to_panel, factor));
        if self.r.chance(p.panel_deferred_share) {
            d.event(panel, EvKind::Panel { deferred: true });
            panel = plus(panel, self.gap(c.to_second_panel, 1.0));
        }
        d.event(panel, EvKind::Panel { deferred: false });
        let adm = plus(panel, self.gap(c.to_adm, 1.0));
        d.event(adm, EvKind::Adm(route));
        let lodged = plus(adm, self.gap(c.to_lodged, kf));
        let order_kind = match route {
            Route::Adoption => Order::AuthorityToAdopt,
            Route::KinshipOrder => Order::KinshipCare,
            _ => Order::Permanence,
        };
        d.event(lodged, EvKind::Lodged(order_kind));
        let order = plus(lodged, self.gap(c.to_order, 1.0));
        d.event(order, EvKind::OrderGranted(order_kind));
        match route {
            Route::KinshipOrder => (
                order,
                Exit::KinshipOrder {
                    arrangements: self.r.chance(0.2),
                },
                settled,
            ),
            Route::Adoption => {
                d.legal.push((order, Status::AuthorityToAdopt));
                let matched = if concurrency {
                    plus(adm, self.gap(Spread::days(7.0, 30.0, 90.0, 200.0), 1.0))
                } else {
                    plus(order, self.gap(c.to_matched, 1.0))
                };
                d.event(matched, EvKind::Matched);
                let placed = if concurrency {
                    plus(
                        matched.max(order),
                        self.gap(Spread::days(0.0, 7.0, 30.0, 60.0), 1.0),
                    )
                } else {
                    plus(matched, self.gap(c.to_placed, 1.0))
                };
                d.event(placed, EvKind::PlacedForAdoption);
                let carer = if concurrency {
                    first_carer
                } else {
                    self.carer()
                };
                d.stay(placed, Place::Adopters, carer);
                let adopted = plus(placed, self.gap(c.to_adoption_order, 1.0));
                d.event(adopted, EvKind::OrderGranted(Order::Adoption));
                d.adoption = Some(Adoption {
                    decision: adm,
                    matched: Some(matched),
                    foster_carers: concurrency,
                    adopters: if self.r.chance(0.75) { 2 } else { 1 },
                });
                (
                    adopted,
                    Exit::Adopted {
                        opposed: self.r.chance(0.25),
                    },
                    placed,
                )
            }
            _ => {
                d.legal.push((order, Status::PermanenceOrder));
                (self.eighteen, Exit::AgedOut { supported: false }, order)
            }
        }
    }

    fn next_place(&mut self, from: Place, teen: bool) -> Place {
        let w: [f64; 4] = match from {
            // Kinship, foster, residential, secure.
            Place::Kinship => [0.3, 0.7, 0.0, 0.0],
            Place::Residential | Place::Secure => [0.0, 0.3, 0.5, if teen { 0.2 } else { 0.0 }],
            _ => [0.15, 0.75, if teen { 0.3 } else { 0.1 }, 0.0],
        };
        match self.r.pick(&w) {
            0 => Place::Kinship,
            1 => Place::Foster,
            2 => Place::Residential,
            _ => Place::Secure,
        }
    }

    /// Finishes a draft: caps it at the 18th birthday, adds reviews, hearings and missing
    /// episodes, and fills in every end date.
    fn finish(&mut self, mut d: Draft, end: NaiveDate, exit: Exit, need: u8) -> Period {
        let (end, exit) = if self.eighteen <= end {
            let aged = Exit::AgedOut {
                supported: d.stays.last().is_some_and(|s| s.1 == Place::Supported),
            };
            if !d
                .events
                .iter()
                .any(|e| e.kind == EvKind::LeftCare && e.date == self.eighteen)
            {
                d.event(self.eighteen, EvKind::LeftCare);
            }
            (self.eighteen, aged)
        } else {
            (end, exit)
        };
        let start = d.start;
        self.reviews(&mut d, end);
        self.cso_reviews(&mut d, end);
        self.missing(&mut d, end);

        d.stays.sort_by_key(|s| s.0);
        let mut stays: Vec<Stay> = Vec::with_capacity(d.stays.len());
        for (i, (s, place, carer)) in d.stays.iter().enumerate() {
            if i > 0 && *s >= end {
                continue;
            }
            // A later placement starting the same day replaces the earlier one.
            if stays.last().is_some_and(|prev| *s <= prev.start) {
                stays.pop();
            }
            stays.push(Stay {
                start: (*s).max(start),
                end: None,
                place: *place,
                carer: *carer,
            });
        }
        close(&mut stays, end, |s| s.start, |s, e| s.end = Some(e));

        d.legal.sort_by_key(|s| s.0);
        let mut legal: Vec<Spell> = Vec::with_capacity(d.legal.len());
        for (i, (s, status)) in d.legal.iter().enumerate() {
            if i > 0 && *s >= end {
                continue;
            }
            if legal.last().is_some_and(|prev| *s <= prev.start) {
                legal.pop();
            }
            if legal.last().is_some_and(|prev| prev.status == *status) {
                continue;
            }
            legal.push(Spell {
                start: (*s).max(start),
                end: None,
                status: *status,
            });
        }
        close(&mut legal, end, |s| s.start, |s, e| s.end = Some(e));

        let mut events: Vec<Ev> = d
            .events
            .into_iter()
            .filter(|e| e.date >= start && e.date <= end)
            .collect();
        events.sort_by_key(|e| (e.date, order_key(e.kind)));
        let adoption = d.adoption.filter(|a| a.decision <= end);
        Period {
            start,
            end: Some(end),
            exit: Some(exit),
            stays,
            legal,
            events,
            adoption,
            need,
        }
    }

    /// LAC reviews: the first within about six weeks, the second about three months later,
    /// then about every six months; a recommendation is made at a review and the schedule
    /// restarts from it.
    fn reviews(&mut self, d: &mut Draft, end: NaiveDate) {
        let first = Spread::days(21.0, 42.0, 63.0, 120.0);
        let second = Spread::days(50.0, 91.0, 115.0, 180.0);
        let later = Spread::days(100.0, 182.0, 205.0, 300.0);
        let mut recs = d.recommendation_reviews.clone();
        recs.sort();
        let mut last = d.start;
        let mut n = 0;
        let mut ri = 0;
        loop {
            let gap = match n {
                0 => self.gap(first, 1.0),
                1 => self.gap(second, 1.0),
                _ => self.gap(later, 1.0),
            };
            let mut next = plus(last, gap.max(1));
            while ri < recs.len() && recs[ri] <= last {
                ri += 1;
            }
            if ri < recs.len() && recs[ri] <= next {
                next = recs[ri];
                ri += 1;
            }
            if next > end {
                break;
            }
            d.event(next, EvKind::LacReview);
            last = next;
            n += 1;
        }
    }

    /// A yearly review of a compulsory supervision order by a Children's Hearing.
    fn cso_reviews(&mut self, d: &mut Draft, end: NaiveDate) {
        let Some(made) = d
            .legal
            .iter()
            .find(|s| s.1 == Status::Compulsory)
            .map(|s| s.0)
        else {
            return;
        };
        let mut t = made;
        loop {
            t = plus(t, self.gap(Spread::days(300.0, 350.0, 365.0, 380.0), 1.0));
            let replaced = d.legal.iter().any(|s| {
                s.0 <= t && matches!(s.1, Status::PermanenceOrder | Status::AuthorityToAdopt)
            });
            if t > end || replaced {
                break;
            }
            d.event(t, EvKind::CsoReviewed);
        }
    }

    /// Missing episodes for some teenagers away from home.
    fn missing(&mut self, d: &mut Draft, end: NaiveDate) {
        let twelve = plus(self.dob, 12 * 365);
        let from = d.start.max(twelve);
        if from >= end || !self.r.chance(self.p.missing_share) {
            return;
        }
        let span = days_between(from, end).max(1) as u64;
        // Episodes do not overlap, and short stays have fewer of them.
        let most = 1 + (span / 60) as usize;
        let count = (1 + self.r.pick(&[0.45, 0.25, 0.15, 0.1, 0.05])).min(most);
        let mut dates: Vec<NaiveDate> = (0..count)
            .map(|_| plus(from, self.r.below(span) as i64))
            .collect();
        dates.sort();
        let mut free_from = from;
        for date in dates {
            if date < free_from || matches!(d.place_on(date), Some((Place::Home, _)) | None) {
                continue;
            }
            let days = self.gap(Spread::days(0.0, 1.0, 5.0, 20.0), 1.0);
            let absent = self.r.chance(0.3);
            let back = plus(date, days);
            d.event(
                date,
                EvKind::Missing {
                    end: Some(back),
                    absent,
                },
            );
            free_from = plus(back, 1);
        }
    }
}

/// Fills in end dates: each item ends when the next starts, the last at `end`.
fn close<T>(
    items: &mut [T],
    end: NaiveDate,
    start_of: impl Fn(&T) -> NaiveDate,
    set_end: impl Fn(&mut T, NaiveDate),
) {
    let starts: Vec<NaiveDate> = items.iter().map(&start_of).collect();
    for (i, item) in items.iter_mut().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(end);
        set_end(item, e);
    }
}

/// Orders events on the same day the way a chronology would read them.
fn order_key(kind: EvKind) -> u8 {
    match kind {
        EvKind::BecameLookedAfter => 0,
        EvKind::Hearing => 1,
        EvKind::CsoMade => 2,
        EvKind::LacReview => 3,
        EvKind::Recommendation(_) => 4,
        EvKind::PlanningMeeting => 5,
        EvKind::LegalAdvice => 6,
        EvKind::Panel { .. } => 7,
        EvKind::Adm(_) => 8,
        EvKind::Lodged(_) => 9,
        EvKind::OrderGranted(_) => 10,
        EvKind::Matched => 11,
        EvKind::PlacedForAdoption => 12,
        EvKind::ReturnedHome => 13,
        _ => 14,
    }
}
