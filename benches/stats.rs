//! Benchmarks of the delay statistics (`driftline::stats::compute`) on synthetic cohorts of
//! 10,000 and 100,000 children, built by a small deterministic generator of its own (a
//! seeded SplitMix64) that goes through `Records` and `build_children` like real input.
//!
//! The project's realistic generator will replace `cohort` here; the statistics measured
//! (every stage, KM, every breakdown, per-child rows) will not change.
//!
//! Run with `cargo bench --bench stats`.

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use driftline::model::{
    build_children, Child, ChildRecord, EventRecord, LegalCategory, LegalRecord, Milestone,
    PlacementCategory, PlacementRecord, Records, SourceRow, Text,
};
use driftline::stats::{compute, Config, Profile};
use std::collections::BTreeMap;
use std::hint::black_box;

/// SplitMix64: tiny, fast and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as u64) as usize]
    }
}

fn as_at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 31).expect("valid")
}

fn add(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap_or(d)
}

/// A deterministic synthetic cohort of `n` children.
fn cohort(n: usize, seed: u64) -> Records {
    let mut rng = Rng(seed);
    let mut r = Records::default();
    let texts = |names: &[&str]| -> Vec<Text> { names.iter().map(|s| Text::from(*s)).collect() };
    let sexes = texts(&["F", "M"]);
    let las = texts(&["Aberdeen", "Dundee", "Fife", "Highland"]);
    let teams = texts(&[
        "North", "South", "East", "West", "Central", "Infant", "Kinship",
    ]);
    let ethnicity = texts(&["White", "Mixed", "Asian", "Black", "Other"]);
    let ethnicity_key = Text::from("ethnicity");
    let categories = [
        (PlacementCategory::Foster, "Foster care", 40),
        (PlacementCategory::Kinship, "Kinship care", 30),
        (PlacementCategory::HomeWithParents, "Home with parents", 12),
        (PlacementCategory::Residential, "Residential", 10),
        (
            PlacementCategory::ProspectiveAdopters,
            "Prospective adopters",
            5,
        ),
        (PlacementCategory::Other, "Other", 3),
    ];
    let labels: Vec<Text> = categories.iter().map(|c| Text::from(c.1)).collect();
    // Labels are shared, as the loaders share them.
    let event_labels: Vec<Text> = Milestone::ALL
        .iter()
        .map(|m| Text::from(m.label()))
        .collect();
    let event_label = |m: Milestone| event_labels[m as usize].clone();
    let mut row = 1u32;
    let mut src = move || {
        row += 1;
        SourceRow { table: 0, row }
    };
    let start_2015 = NaiveDate::from_ymd_opt(2015, 1, 1).expect("valid");
    let span = (as_at() - start_2015).num_days() as u64;
    for i in 0..n {
        let id = Text::from(format!("C{i:06}").as_str());
        let entry_offset = rng.range(0, span);
        let entry = add(start_2015, entry_offset);
        let age_days = match rng.range(0, 100) {
            0..=29 => rng.range(0, 365),
            30..=54 => rng.range(365, 5 * 365),
            55..=79 => rng.range(5 * 365, 12 * 365),
            _ => rng.range(12 * 365, 17 * 365),
        };
        let dob = entry.checked_sub_days(Days::new(age_days)).unwrap_or(entry);
        let mut attributes = BTreeMap::new();
        attributes.insert(ethnicity_key.clone(), rng.pick(&ethnicity).clone());
        r.children.push(ChildRecord {
            child_id: id.clone(),
            date_of_birth: Some(dob),
            sex: Some(rng.pick(&sexes).clone()),
            local_authority: Some(rng.pick(&las).clone()),
            team: Some(rng.pick(&teams).clone()),
            attributes,
            source: src(),
        });
        let periods = if rng.chance(0.15) { 2 } else { 1 };
        let mut start = entry;
        for _ in 0..periods {
            if start >= as_at() {
                break;
            }
            // Placements.
            let count = rng.range(1, 6);
            let mut p_start = start;
            let mut period_end = None;
            for k in 0..count {
                let weight = rng.range(0, 100);
                let mut acc = 0;
                let ci = categories
                    .iter()
                    .position(|c| {
                        acc += c.2;
                        weight < acc
                    })
                    .unwrap_or(0);
                let len = rng.range(30, 700);
                let last = k + 1 == count;
                let end = add(p_start, len);
                let open = last && (end >= as_at() || rng.chance(0.4));
                let end = (!open).then_some(end).filter(|e| *e < as_at());
                r.placements.push(PlacementRecord {
                    child_id: id.clone(),
                    start: p_start,
                    end,
                    category: categories[ci].0,
                    placement_type: labels[ci].clone(),
                    carer: None,
                    legal_status: None,
                    temporary: false,
                    starts_period: false,
                    ends_period: false,
                    source: src(),
                });
                match end {
                    Some(e) if !last => p_start = add(e, 1),
                    Some(e) => period_end = Some(e),
                    None => break,
                }
                if p_start >= as_at() {
                    break;
                }
            }
            let limit = period_end.unwrap_or(as_at()).min(as_at());
            // Legal status: interim, then compulsory.
            let interim_end = add(start, rng.range(20, 120)).min(limit);
            r.legal.push(LegalRecord {
                child_id: id.clone(),
                start,
                end: Some(interim_end),
                category: LegalCategory::Interim,
                legal_status: Text::from("Interim CSO"),
                source: src(),
            });
            if interim_end < limit {
                r.legal.push(LegalRecord {
                    child_id: id.clone(),
                    start: add(interim_end, 1),
                    end: period_end,
                    category: LegalCategory::Compulsory,
                    legal_status: Text::from("CSO"),
                    source: src(),
                });
            }
            // Events: reviews, then the permanence chain with realistic gaps.
            let push = |date: NaiveDate, m: Milestone, r: &mut Records, src: SourceRow| {
                if date <= limit {
                    r.events.push(EventRecord {
                        child_id: id.clone(),
                        date,
                        milestone: m,
                        label: event_label(m),
                        detail: None,
                        source: src,
                    });
                }
            };
            let mut review = add(start, rng.range(14, 70));
            while review <= limit {
                push(review, Milestone::LacReview, &mut r, src());
                review = add(review, rng.range(90, 200));
            }
            if rng.chance(0.6) {
                let rec = add(start, rng.range(60, 500));
                push(rec, Milestone::PermanenceRecommendation, &mut r, src());
                let panel = add(rec, rng.range(20, 160));
                push(panel, Milestone::Panel, &mut r, src());
                let adm = add(panel, rng.range(3, 40));
                push(adm, Milestone::AdmDecision, &mut r, src());
                let lodged = add(adm, rng.range(20, 200));
                push(lodged, Milestone::ApplicationLodged, &mut r, src());
                let order = add(lodged, rng.range(40, 300));
                push(order, Milestone::OrderGranted, &mut r, src());
            } else if rng.chance(0.3) {
                push(
                    add(start, rng.range(30, 400)),
                    Milestone::ReturnedHome,
                    &mut r,
                    src(),
                );
            }
            start = match period_end {
                Some(e) => add(e, rng.range(60, 900)),
                None => break,
            };
        }
    }
    r
}

fn children(n: usize) -> Vec<Child> {
    let (dataset, _) = build_children(cohort(n, 2024), as_at(), &|_| (String::new(), None));
    dataset.children
}

fn bench(c: &mut Criterion) {
    let profile = Profile::scotland();
    let config = Config::default();
    let mut group = c.benchmark_group("stats");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        let kids = children(n);
        // The result's deallocation is left out of the measurement.
        group.bench_function(format!("compute/{n}"), |b| {
            b.iter_with_large_drop(|| compute(black_box(&kids), &profile, as_at(), &config))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
