//! Where the time and the memory of one load go: 36.7 MB of template CSV (63,400
//! generated children: children, placements and events) or a workbook, read and analysed
//! phase by phase, with the wall time of each phase, the heap it leaves behind and the peak
//! heap reached (counted by a global allocator that tallies every allocation).
//!
//! The peak heap plus the input bytes is a close native stand-in for the browser's peak wasm
//! memory (`memory.buffer.byteLength`), which the browser benchmark measures itself.
//!
//! Run with `cargo bench --bench phases` (the CSV cohort), or
//! `cargo bench --bench phases -- --xlsx 28700` for a workbook of that many children, or
//! `-- --children N` for another CSV cohort. It ends with what the forecasts and the delay
//! decomposition add to the analysis (the statistics with and without them). Also a convenient target for `perf record` and
//! `valgrind --tool=callgrind` (build it with `cargo bench --no-run --profile profiling`).

use driftline::ingest::{self, Limits};
use driftline::model::{build_children, SourceRow};
use driftline::stats::{self, Config, Profile};
use driftline::{InputFile, Options, Report};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

mod support;
use support::{as_at, xlsx, CsvCohort};

/// Counts live and peak heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grow(new_size);
        }
        p
    }
}

fn grow(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// Times a phase and reports the heap it leaves and the peak reached during it, relative to
/// the heap before it.
fn phase<T>(name: &str, input_bytes: usize, f: impl FnOnce() -> T) -> T {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    let after = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    println!(
        "{name:<28} {:>8.1} ms   heap {:>7.1} MB ({:+7.1} MB)   peak {:>7.1} MB = {:.2}× input",
        took.as_secs_f64() * 1e3,
        mb(after),
        mb(after) - mb(before),
        mb(peak),
        peak as f64 / input_bytes as f64,
    );
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<usize>().ok())
    };
    let repeat = value("--repeat").unwrap_or(1);
    let (files, label): (Vec<(String, Vec<u8>)>, String) = match value("--xlsx") {
        Some(children) => (
            vec![("driftline.xlsx".to_string(), xlsx(children))],
            format!("workbook of {children} children"),
        ),
        None => {
            let children = value("--children").unwrap_or(63_400);
            let cohort = CsvCohort::new(children);
            let rows = cohort.rows();
            (
                cohort.files,
                format!("CSV of {children} children, {rows} rows"),
            )
        }
    };
    let input_bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!("{label}: {:.1} MB of input", mb(input_bytes));
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let limits = Limits::default();
    let profile = Profile::scotland();
    for _ in 0..repeat {
        let loaded = phase("ingest::load", input_bytes, || {
            ingest::load(&inputs, None, &limits).expect("the cohort loads")
        });
        let (dataset, quality) = phase("model::build_children", input_bytes, || {
            let no_location = |_: SourceRow| (String::new(), None);
            build_children(loaded.records, as_at(), &no_location)
        });
        let statistics = phase("stats::compute", input_bytes, || {
            stats::compute(&dataset.children, &profile, as_at(), &Config::default())
        });
        let mut summary = loaded.summary;
        summary.diagnostics.extend(quality);
        let report = phase("Report", input_bytes, || {
            Report::new(as_at(), summary, dataset).with_statistics(statistics)
        });
        phase("drop", input_bytes, || drop(report));
        let report = phase("analyze (whole)", input_bytes, || {
            driftline::analyze(&inputs, &Options::new(as_at())).expect("the cohort loads")
        });
        // What the web boundary does for `analyze()` on the page: the journeys as JSON text
        // (the path before), then packed, each batch's words copied out as the page's are.
        let json = phase("Journeys::json_pieces", input_bytes, || {
            report
                .journeys
                .json_pieces()
                .expect("the journeys' JSON")
                .bytes
                .len()
        });
        let mut words = 0;
        phase("Journeys::pack", input_bytes, || {
            report
                .journeys
                .pack(4096, |batch| words += batch.len())
                .expect("the journeys pack")
        });
        println!(
            "  journeys: {:.1} MB of JSON, {:.1} MB of packed words",
            mb(json),
            mb(words * 4)
        );
        println!(
            "  {} children, {} diagnostics, permanence_recommendation median {:?} days",
            report.children,
            report.input.diagnostics.len(),
            report
                .stages
                .iter()
                .find(|s| s.id == "permanence_recommendation")
                .and_then(|s| s.stats.median_days)
        );
        forecast_cost(&inputs, &report);
    }
}

/// What the forecasts (and the delay decomposition) add to the analysis: the statistics
/// computed with and without them on the same journeys (best of five each), as a share of
/// `analyze` (whole) on the same input (best of three).
fn forecast_cost(inputs: &[InputFile<'_>], report: &Report) {
    let best = |runs: usize, f: &dyn Fn()| {
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                f();
                started.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::INFINITY, f64::min)
    };
    let children = &report.journeys.children;
    let profile = Profile::scotland();
    let without = Config {
        forecast: None,
        decomposition: false,
        ..Config::default()
    };
    let forecasts_only = Config {
        decomposition: false,
        ..Config::default()
    };
    let with = Config::default();
    let time = |config: &Config| {
        best(5, &|| {
            drop(stats::compute(children, &profile, as_at(), config));
        })
    };
    let (plain, forecasts, full) = (time(&without), time(&forecasts_only), time(&with));
    let whole = best(3, &|| {
        drop(driftline::analyze(inputs, &Options::new(as_at())).expect("the cohort loads"));
    });
    let waiting = report
        .journeys
        .stats
        .iter()
        .flat_map(|c| c.stages.iter())
        .filter(|r| r.forecast.is_some())
        .count();
    // Shares of the analysis without the new work (`whole` includes it).
    let base = whole - (full - plain);
    println!(
        "forecasts: {waiting} waiting rows; stats::compute {plain:.1} ms without forecasts and decomposition, {forecasts:.1} ms with the forecasts (+{:.1} ms = {:.1}% of the analysis), {full:.1} ms with both (+{:.1} ms = {:.1}%); analyze (whole) {whole:.1} ms with both",
        forecasts - plain,
        100.0 * (forecasts - plain) / base,
        full - plain,
        100.0 * (full - plain) / base,
    );
}
