//! Generation and writing speed of the synthetic cohort generator, in rows per second
//! (every data row of every table counts as one element).
//!
//! Run with `cargo bench --bench generate`.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use driftline::generate::template::{template_csv_bytes, template_xlsx_bytes};
use driftline::generate::{cohort, journeys, ssda903, CsvSink, DateStyle, GenerateConfig};
use std::hint::black_box;
use std::time::Duration;

fn config(children: usize) -> GenerateConfig {
    let mut c = GenerateConfig::new(children, 42, NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    c.messy_rate = 0.02;
    c
}

fn template_rows(c: &GenerateConfig) -> u64 {
    let r = cohort(c);
    (r.children.len() + r.placements.len() + r.legal.len() + r.events.len()) as u64
}

fn ssda903(c: &GenerateConfig) -> Vec<Vec<u8>> {
    let sinks: [CsvSink<Vec<u8>>; 6] =
        std::array::from_fn(|_| CsvSink::new(Vec::with_capacity(1 << 20), DateStyle::Uk));
    let mut w = ssda903::Ssda903Writer::new(sinks, c).expect("headers");
    for j in journeys(c) {
        w.write(&j).expect("rows");
    }
    w.finish().1.into_iter().map(CsvSink::into_inner).collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("generate");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for children in [10_000usize, 100_000] {
        let cfg = config(children);
        let rows = template_rows(&cfg);
        g.throughput(Throughput::Elements(rows));
        g.bench_with_input(BenchmarkId::new("records", children), &cfg, |b, cfg| {
            b.iter(|| black_box(cohort(cfg)))
        });
        g.bench_with_input(
            BenchmarkId::new("template_csv", children),
            &cfg,
            |b, cfg| b.iter(|| black_box(template_csv_bytes(cfg, DateStyle::Uk).expect("csv"))),
        );
        let rows903: u64 = ssda903(&cfg)
            .iter()
            .map(|t| t.iter().filter(|b| **b == b'\n').count() as u64 - 1)
            .sum();
        g.throughput(Throughput::Elements(rows903));
        g.bench_with_input(BenchmarkId::new("ssda903", children), &cfg, |b, cfg| {
            b.iter(|| black_box(ssda903(cfg)))
        });
    }
    let cfg = config(10_000);
    g.throughput(Throughput::Elements(template_rows(&cfg)));
    g.bench_with_input(BenchmarkId::new("template_xlsx", 10_000), &cfg, |b, cfg| {
        b.iter(|| black_box(template_xlsx_bytes(cfg).expect("xlsx")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
