//! Small hand-written children for the chart tests, built through the public model builder
//! so that care periods, moves and event attachment are the real ones.
#![allow(dead_code)]

use chrono::NaiveDate;
use driftline::chart::{cohort_brackets, stage_brackets, ChartInput, StageBracket};
use driftline::model::{
    build_children, Child, ChildRecord, EventRecord, LegalCategory, LegalRecord, Milestone,
    PlacementCategory, PlacementRecord, Records, SourceRow,
};
use driftline::stats::{compute, Config, Profile, Statistics};
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("fixture dates are valid")
}

/// The "as at" date of every fixture.
pub fn as_at() -> NaiveDate {
    d("2023-11-30")
}

fn src(table: u32, row: u32) -> SourceRow {
    SourceRow { table, row }
}

/// A builder for one child's rows.
pub struct Fixture {
    id: Arc<str>,
    records: Records,
    rows: [u32; 4],
}

impl Fixture {
    pub fn new(id: &str, dob: Option<&str>) -> Fixture {
        let mut f = Fixture {
            id: id.into(),
            records: Records::default(),
            rows: [1; 4],
        };
        f.rows[0] += 1;
        f.records.children.push(ChildRecord {
            child_id: f.id.clone(),
            date_of_birth: dob.map(d),
            sex: None,
            local_authority: None,
            team: None,
            attributes: BTreeMap::new(),
            source: src(0, 2),
        });
        f
    }

    fn next(&mut self, table: usize) -> SourceRow {
        self.rows[table] += 1;
        src(table as u32, self.rows[table])
    }

    pub fn placement(
        mut self,
        start: &str,
        end: Option<&str>,
        category: PlacementCategory,
        carer: Option<&str>,
    ) -> Self {
        let source = self.next(1);
        self.records.placements.push(PlacementRecord {
            child_id: self.id.clone(),
            start: d(start),
            end: end.map(d),
            category,
            placement_type: category.label().into(),
            carer: carer.map(Into::into),
            legal_status: None,
            temporary: false,
            starts_period: false,
            ends_period: false,
            source,
        });
        self
    }

    pub fn temporary(mut self) -> Self {
        if let Some(p) = self.records.placements.last_mut() {
            p.temporary = true;
        }
        self
    }

    pub fn legal(
        mut self,
        start: &str,
        end: Option<&str>,
        category: LegalCategory,
        label: &str,
    ) -> Self {
        let source = self.next(2);
        self.records.legal.push(LegalRecord {
            child_id: self.id.clone(),
            start: d(start),
            end: end.map(d),
            category,
            legal_status: label.into(),
            source,
        });
        self
    }

    pub fn event(mut self, date: &str, milestone: Milestone, label: Option<&str>) -> Self {
        let source = self.next(3);
        self.records.events.push(EventRecord {
            child_id: self.id.clone(),
            date: d(date),
            milestone,
            label: label.unwrap_or(milestone.label()).into(),
            detail: None,
            source,
        });
        self
    }

    pub fn detail(mut self, detail: &str) -> Self {
        if let Some(e) = self.records.events.last_mut() {
            e.detail = Some(detail.into());
        }
        self
    }

    pub fn build(self) -> Child {
        let locate = |_: SourceRow| ("fixture.xlsx".to_string(), None);
        let (mut data, _) = build_children(self.records, as_at(), &locate);
        data.children.remove(0)
    }
}

/// The statistics of `children` (the Scotland profile "as at" the fixtures' date).
pub fn statistics(children: &[Child]) -> Statistics {
    compute(children, &Profile::scotland(), as_at(), &Config::default())
}

/// Chart input over `children` and their statistics.
pub fn input<'a>(children: &'a [Child], stats: &'a Statistics) -> ChartInput<'a> {
    ChartInput {
        children,
        stats: &stats.children,
        profile: Some(&stats.profile),
        stages: &stats.stages,
    }
}

/// The child's stage brackets from the real statistics: the Scotland profile applied "as at"
/// the fixtures' date.
pub fn brackets(child: &Child) -> Vec<StageBracket> {
    let stats = compute(
        std::slice::from_ref(child),
        &Profile::scotland(),
        as_at(),
        &Config::default(),
    );
    match stats.children.first() {
        Some(s) => stage_brackets(child, s, &stats.profile),
        None => Vec::new(),
    }
}

/// The child of the design reference: one care period, four moves, the full permanence
/// route to an order.
pub fn child_17() -> (Child, Vec<StageBracket>) {
    use LegalCategory as L;
    use Milestone as M;
    use PlacementCategory as P;
    let child = Fixture::new("17", Some("2020-10-02"))
        .placement("2021-02-15", Some("2021-02-28"), P::Foster, Some("Carer A"))
        .placement("2021-03-01", Some("2021-08-31"), P::Foster, Some("Carer B"))
        .placement(
            "2021-09-01",
            Some("2022-06-14"),
            P::Kinship,
            Some("Maternal aunt"),
        )
        .placement("2022-06-15", Some("2022-11-14"), P::Foster, Some("Carer D"))
        .placement("2022-11-15", None, P::ProspectiveAdopters, Some("Family E"))
        .legal(
            "2021-02-15",
            Some("2021-03-14"),
            L::Voluntary,
            "Voluntary (s25)",
        )
        .legal("2021-03-15", Some("2021-05-19"), L::Interim, "Interim CSO")
        .legal("2021-05-20", Some("2023-08-07"), L::Compulsory, "CSO")
        .legal(
            "2023-08-08",
            None,
            L::AdoptionAuthority,
            "PO with authority to adopt",
        )
        .event("2021-03-01", M::Custom, Some("Two-week planning meeting"))
        .event("2021-03-15", M::Hearing, None)
        .event("2021-03-29", M::LacReview, None)
        .event("2021-06-28", M::LacReview, None)
        .event("2021-12-20", M::LacReview, None)
        .event("2022-02-07", M::PermanencePlanningMeeting, None)
        .event("2022-03-16", M::PermanenceRecommendation, None)
        .event("2022-07-27", M::Panel, None)
        .event("2022-08-10", M::AdmDecision, None)
        .event("2023-01-18", M::ApplicationLodged, None)
        .event("2023-08-08", M::OrderGranted, None)
        .build();
    let stages = brackets(&child);
    (child, stages)
}

/// A child who left care, went home, and came back: two care periods with a gap, events
/// outside care, a temporary placement, a missing episode, the child's own words, and a stage
/// still running beyond its target.
pub fn child_returns() -> (Child, Vec<StageBracket>) {
    use LegalCategory as L;
    use Milestone as M;
    use PlacementCategory as P;
    let child = Fixture::new("B-204", Some("2011-05-10"))
        .placement(
            "2019-01-10",
            Some("2019-03-31"),
            P::Residential,
            Some("Oakfield House"),
        )
        .placement(
            "2019-04-01",
            Some("2019-09-30"),
            P::Foster,
            Some("Mr and Mrs Khan"),
        )
        .event("2019-01-10", M::BecameLookedAfter, None)
        .event("2019-02-20", M::LacReview, None)
        .event("2019-05-14", M::LacReview, None)
        .event("2019-09-30", M::ReturnedHome, None)
        .event("2020-02-03", M::Custom, Some("Child protection review"))
        .placement(
            "2020-06-01",
            Some("2020-06-20"),
            P::Other,
            Some("Emergency carers"),
        )
        .temporary()
        .placement(
            "2020-06-21",
            Some("2021-04-30"),
            P::Kinship,
            Some("Grandmother"),
        )
        .placement("2021-05-01", None, P::Foster, Some("Carer F"))
        .legal("2019-01-10", Some("2019-09-30"), L::Voluntary, "s25")
        .legal("2020-06-01", Some("2020-07-30"), L::Interim, "Interim CSO")
        .legal("2020-07-31", None, L::Compulsory, "CSO")
        .event("2020-07-13", M::LacReview, None)
        .event("2020-10-12", M::LacReview, None)
        .event("2021-03-02", M::Missing, Some("Missing overnight"))
        .event("2021-04-12", M::LacReview, None)
        .event("2021-10-11", M::LacReview, None)
        .event(
            "2022-01-20",
            M::Custom,
            Some("Said she wants to stay with her gran"),
        )
        .detail("In her own words at the review")
        .event("2022-04-11", M::LacReview, None)
        .event("2022-10-10", M::LacReview, None)
        .event("2023-04-11", M::LacReview, None)
        .event("2023-10-09", M::LacReview, None)
        .build();
    let stages = brackets(&child);
    (child, stages)
}

/// A deterministic pseudo-random generator (64-bit LCG), so synthetic cohorts are the same on
/// every run.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407))
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(chrono::Days::new(days))
        .unwrap_or(date)
}

/// A synthetic cohort of `n` children with placements, reviews and permanence decisions, and
/// their stage brackets from the statistics (the Scotland profile).
pub fn synthetic_cohort(n: usize, seed: u64) -> Vec<(Child, Vec<StageBracket>)> {
    use Milestone as M;
    use PlacementCategory as P;
    let mut rng = Lcg::new(seed);
    let cats = [
        P::Foster,
        P::Foster,
        P::Foster,
        P::Kinship,
        P::Kinship,
        P::Residential,
        P::HomeWithParents,
        P::ProspectiveAdopters,
        P::Independent,
        P::Secure,
        P::Other,
    ];
    let first = d("2015-01-01");
    let as_at = as_at();
    let span = (as_at - first).num_days() as u64 - 60;
    let mut children = Vec::with_capacity(n);
    for i in 0..n {
        let entry = plus(first, rng.below(span));
        let age_days = if rng.below(3) == 0 {
            rng.below(700)
        } else {
            rng.below(16 * 365)
        };
        let dob = entry
            .checked_sub_days(chrono::Days::new(age_days))
            .unwrap_or(entry);
        let mut f = Fixture::new(&format!("C{:05}", i + 1), Some(&dob.to_string()));
        let mut start = entry;
        let placements = 1 + rng.below(5);
        let mut ended = None;
        for k in 0..placements {
            let cat = cats[rng.below(cats.len() as u64) as usize];
            let len = 30 + rng.below(600);
            let end = plus(start, len);
            let last = k + 1 == placements;
            let end = if end >= as_at || (last && rng.below(3) > 0) {
                None
            } else {
                Some(end)
            };
            f = f.placement(
                &start.to_string(),
                end.map(|e| e.to_string()).as_deref(),
                cat,
                Some(&format!("Carer {}", k + 1)),
            );
            match end {
                Some(e) => {
                    start = plus(e, 1);
                    if last {
                        ended = Some(e);
                    }
                }
                None => break,
            }
        }
        let until = ended.unwrap_or(as_at);
        let mut review = plus(entry, 42);
        while review < until {
            f = f.event(&review.to_string(), M::LacReview, None);
            review = plus(review, 182);
        }
        let rec = plus(entry, 90 + rng.below(500));
        if rec < until && rng.below(2) == 0 {
            f = f.event(&rec.to_string(), M::PermanenceRecommendation, None);
            let panel = plus(rec, 30 + rng.below(160));
            if panel < until {
                f = f.event(&panel.to_string(), M::Panel, None);
                let adm = plus(panel, 5 + rng.below(30));
                if adm < until {
                    f = f.event(&adm.to_string(), M::AdmDecision, None);
                }
            }
        }
        children.push(f.build());
    }
    let stats = compute(&children, &Profile::scotland(), as_at, &Config::default());
    let brackets = cohort_brackets(&children, &stats.children, &stats.profile);
    children.into_iter().zip(brackets).collect()
}

/// A realistic synthetic cohort from the project's generator (`driftline generate`), "as at"
/// the fixtures' date, with its statistics: for the statistical charts' pictures and benches.
pub fn generated(n: usize, seed: u64) -> (Vec<Child>, Statistics) {
    let config = driftline::generate::GenerateConfig::new(n, seed, as_at());
    let records = driftline::generate::cohort(&config);
    let locate = |_: SourceRow| ("generated.csv".to_string(), None);
    let (data, _) = build_children(records, as_at(), &locate);
    let stats = statistics(&data.children);
    (data.children, stats)
}

/// Seven children, all "as at" 30 Nov 2023, for the first-review stage (target 6 weeks):
/// - A: in care 1 Jan 2023, reviewed 21 Jan (20 days); recommendation 1 May (120 days);
/// - B: in care 1 Jan 2023, reviewed 20 Feb (50 days); recommendation 1 Sep (243 days);
/// - C: in care 1 Feb 2023, reviewed 3 Mar (30 days);
/// - D: in care 1 Mar 2023, reviewed 10 Apr (40 days);
/// - E: in care 1 Nov 2023, not yet reviewed (29 days so far, within the target);
/// - F: in care 1 Jun 2023, not yet reviewed (182 days so far, overdue);
/// - G: in care 1 Jan 2023, left care on 11 Jan before any review (10 days, censored).
///
/// First review, completed: 20, 30, 40, 50 days: median 35, quartiles 27.5 and 42.5 (R type
/// 7), three of four within 42 days. Kaplan–Meier: censored at 10; at 20, 6 at risk, S = 5/6;
/// censored at 29; at 30, 4 at risk, S = 5/8; at 40, 3 at risk, S = 5/12; at 50, 2 at risk,
/// S = 5/24; censored at 182.
pub fn seven_reviews() -> Vec<Child> {
    use Milestone as M;
    use PlacementCategory as P;
    let foster = P::Foster;
    vec![
        Fixture::new("A", Some("2015-05-05"))
            .placement("2023-01-01", None, foster, Some("Carer A"))
            .event("2023-01-21", M::LacReview, None)
            .event("2023-05-01", M::PermanenceRecommendation, None)
            .build(),
        Fixture::new("B", Some("2022-06-01"))
            .placement("2023-01-01", None, foster, Some("Carer B"))
            .event("2023-02-20", M::LacReview, None)
            .event("2023-09-01", M::PermanenceRecommendation, None)
            .build(),
        Fixture::new("C", Some("2016-02-02"))
            .placement("2023-02-01", None, P::Kinship, Some("Aunt"))
            .event("2023-03-03", M::LacReview, None)
            .build(),
        Fixture::new("D", Some("2019-03-03"))
            .placement("2023-03-01", None, foster, Some("Carer D"))
            .event("2023-04-10", M::LacReview, None)
            .build(),
        Fixture::new("E", Some("2010-01-01"))
            .placement("2023-11-01", None, foster, Some("Carer E"))
            .build(),
        Fixture::new("F", Some("2012-07-07"))
            .placement("2023-06-01", None, P::Kinship, Some("Grandmother"))
            .build(),
        Fixture::new("G", Some("2018-08-08"))
            .placement("2023-01-01", Some("2023-01-11"), foster, Some("Carer G"))
            .build(),
    ]
}
