//! The bundled demo dataset (`www/demo/`): it is exactly what the documented generator
//! command writes, and it shows every feature the page has to show.
//!
//! To regenerate it after a change to the generator, run
//! `UPDATE_SNAPSHOTS=1 cargo test --test generate_demo` (or the `driftline generate` line in
//! `www/demo/README.md`) and commit the files.

use chrono::NaiveDate;
use driftline::diagnostics::Code;
use driftline::generate::template::{self, DateStyle};
use driftline::generate::GenerateConfig;
use driftline::model::{Milestone, PlacementCategory};
use driftline::{analyze, InputFile, Options};
use std::path::PathBuf;

/// The demo's configuration, as `www/demo/README.md` documents it.
fn demo_config() -> GenerateConfig {
    let mut c = GenerateConfig::new(150, 8, NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    c.messy_rate = 0.03;
    c
}

fn demo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("www")
        .join("demo")
}

#[test]
fn the_demo_files_are_what_the_generator_writes() {
    let generated = template::template_csv_bytes(&demo_config(), DateStyle::Uk).unwrap();
    let bless = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    for (name, bytes) in template::CSV_FILES.iter().zip(&generated) {
        let path = demo_dir().join(name);
        if bless {
            std::fs::write(&path, bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == *bytes,
            "{} differs from the generator's output; run UPDATE_SNAPSHOTS=1 cargo test --test generate_demo",
            path.display()
        );
    }
}

#[test]
fn the_demo_shows_every_feature() {
    let c = demo_config();
    let files: Vec<(String, Vec<u8>)> = template::CSV_FILES
        .iter()
        .map(|n| (n.to_string(), std::fs::read(demo_dir().join(n)).unwrap()))
        .collect();
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let report = analyze(&inputs, &Options::new(c.as_at)).unwrap();
    let input = &report.input;
    assert_eq!(report.children, 150);
    assert!(
        (2..=20).contains(&input.rows_rejected),
        "{}",
        input.rows_rejected
    );
    for label in [
        "Pre-birth planning meeting",
        "Recommendation withdrawn",
        "Family group decision making",
    ] {
        // Labels Driftline's own generator writes are known to its reader.
        assert!(
            !input.unknown_labels.iter().any(|u| u.label == label),
            "{label} is listed as unknown"
        );
    }
    for code in [
        Code::DuplicateRow,
        Code::FutureDate,
        Code::InvalidDate,
        Code::MissingValue,
        Code::OverlappingPlacements,
    ] {
        assert!(
            input.diagnostics.iter().any(|d| d.code == code),
            "diagnostic {code:?}"
        );
    }

    let periods: Vec<_> = report
        .journeys
        .iter()
        .flat_map(|c| &c.care_periods)
        .collect();
    let has = |m: Milestone, detail: Option<&str>| {
        periods
            .iter()
            .flat_map(|p| &p.events)
            .any(|e| e.milestone == m && detail.is_none_or(|d| e.detail.as_deref() == Some(d)))
    };
    // Every route to permanence.
    assert!(has(Milestone::ReturnedHome, None));
    for order in [
        "Adoption order",
        "Kinship care order",
        "Permanence order",
        "Permanence order with authority to adopt",
    ] {
        assert!(has(Milestone::OrderGranted, Some(order)), "{order}");
    }
    // Kinship and foster care, at home on a supervision order, prospective adopters.
    for cat in [
        PlacementCategory::Kinship,
        PlacementCategory::Foster,
        PlacementCategory::HomeWithParents,
        PlacementCategory::ProspectiveAdopters,
        PlacementCategory::Residential,
    ] {
        assert!(
            periods
                .iter()
                .flat_map(|p| &p.placements)
                .any(|x| x.category == cat),
            "{cat:?}"
        );
    }
    // Infants, repeated care periods, several moves.
    let infants = report
        .journeys
        .iter()
        .filter(|c| {
            c.date_of_birth
                .is_some_and(|d| (c.care_periods[0].start - d).num_days() < 365)
        })
        .count();
    assert!(infants >= 20, "{infants}");
    assert!(report.journeys.iter().any(|c| c.care_periods.len() >= 2));
    assert!(periods.iter().any(|p| p.moves >= 3));
    // Overdue waits at the "as at" date: a recommendation more than 12 weeks ago with no
    // panel since, and a child looked after for more than 6 months with no recommendation.
    let overdue_panel = periods.iter().any(|p| {
        p.end.is_none()
            && p.events.iter().any(|e| {
                e.milestone == Milestone::PermanenceRecommendation
                    && (c.as_at - e.date).num_days() > 84
            })
            && !p.events.iter().any(|e| e.milestone == Milestone::Panel)
    });
    assert!(overdue_panel);
    let drifting = periods.iter().any(|p| {
        p.end.is_none()
            && (c.as_at - p.start).num_days() > 183
            && p.placements
                .iter()
                .any(|x| x.category != PlacementCategory::HomeWithParents)
            && !p
                .events
                .iter()
                .any(|e| e.milestone == Milestone::PermanenceRecommendation)
    });
    assert!(drifting);
}
