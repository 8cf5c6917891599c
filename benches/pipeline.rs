//! The pipeline's speed, stage by stage, on generated cohorts of about 10,000, 100,000 and
//! 1,000,000 data rows (children, placements and events in the Driftline template): reading
//! CSV and xlsx (`ingest::load`), building the journeys (`model::build_children`), the stage
//! statistics with every breakdown and Kaplan–Meier (`stats::compute`), and the whole
//! `analyze` call. Throughput is in data rows.
//!
//! Run with `cargo bench --bench pipeline` (add `-- csv` or another filter to run a part).

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use driftline::ingest::{self, Limits};
use driftline::model::{build_children, SourceRow};
use driftline::stats::{self, Config, Profile};
use driftline::{analyze, InputFile, Options};
use std::hint::black_box;
use std::time::Duration;

mod support;
use support::{as_at, children_for_rows, xlsx, CsvCohort};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

fn no_location(_: SourceRow) -> (String, Option<String>) {
    (String::new(), None)
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let limits = Limits::default();
    let options = Options::new(as_at());
    let profile = Profile::scotland();
    let config = Config::default();
    for rows in SIZES {
        let cohort = CsvCohort::new(children_for_rows(rows));
        let inputs = cohort.inputs();
        g.throughput(Throughput::Elements(cohort.rows()));
        g.bench_with_input(
            BenchmarkId::new("ingest_csv", rows),
            &inputs,
            |b, inputs| b.iter_with_large_drop(|| ingest::load(black_box(inputs), None, &limits)),
        );
        let loaded = ingest::load(&inputs, None, &limits).expect("the cohort loads");
        g.bench_with_input(
            BenchmarkId::new("model_build", rows),
            &loaded,
            |b, loaded| {
                b.iter_batched(
                    || loaded.records.clone(),
                    |records| build_children(records, as_at(), &no_location),
                    BatchSize::PerIteration,
                )
            },
        );
        let (dataset, _) = build_children(loaded.records.clone(), as_at(), &no_location);
        g.bench_with_input(
            BenchmarkId::new("stats_compute", rows),
            &dataset.children,
            |b, kids| {
                b.iter_with_large_drop(|| {
                    stats::compute(black_box(kids), &profile, as_at(), &config)
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("analyze_csv", rows),
            &inputs,
            |b, inputs| b.iter_with_large_drop(|| analyze(black_box(inputs), &options)),
        );
    }
    for rows in SIZES {
        let children = children_for_rows(rows);
        let bytes = xlsx(children);
        let input = [InputFile {
            name: "driftline.xlsx",
            bytes: &bytes,
        }];
        // The workbook also holds the legal table: count its rows too.
        let loaded = ingest::load(&input, None, &limits).expect("the workbook loads");
        g.throughput(Throughput::Elements(loaded.summary.rows_read));
        g.bench_with_input(BenchmarkId::new("ingest_xlsx", rows), &input, |b, input| {
            b.iter_with_large_drop(|| ingest::load(black_box(input), None, &limits))
        });
    }
    g.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
