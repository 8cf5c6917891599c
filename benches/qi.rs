//! Benchmarks of the QI charts on a 1,000,000-point series: an XmR chart with the Making
//! Data Count rules and a run chart with Anhøj's rules (target: under 100 ms each).
//!
//! The series is synthetic: dated daily, values from a fixed-seed xorshift generator with a
//! slow drift, so every rule has work to do. Run with `cargo bench --bench qi`.

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use driftline::qi::{self, ChartKind, RuleSet, SpcConfig};
use std::hint::black_box;

const N: usize = 1_000_000;

fn series(n: usize) -> Vec<(NaiveDate, f64)> {
    let start = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state >> 11) as f64 / (1u64 << 53) as f64;
            let drift = ((i as f64) / 5000.0).sin() * 20.0;
            (start + Days::new(i as u64), 100.0 + drift + noise * 60.0)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = series(N);
    let mut group = c.benchmark_group("qi_1m");
    group.sample_size(10);

    let xmr = SpcConfig {
        rules: Some(RuleSet::Mdc),
        ..SpcConfig::new(ChartKind::Xmr)
    };
    group.bench_function("xmr_mdc", |b| {
        b.iter(|| qi::analyze(black_box(&data), black_box(&xmr)).map(|c| c.points.len()))
    });

    let run = SpcConfig {
        rules: Some(RuleSet::Anhoej),
        ..SpcConfig::new(ChartKind::Run)
    };
    group.bench_function("run_anhoej", |b| {
        b.iter(|| qi::analyze(black_box(&data), black_box(&run)).map(|c| c.points.len()))
    });

    let xmr_baseline = SpcConfig {
        baseline: Some(20),
        rules: Some(RuleSet::Nhse2024),
        ..SpcConfig::new(ChartKind::Xmr)
    };
    group.bench_function("xmr_nhse_2024_baseline_20", |b| {
        b.iter(|| qi::analyze(black_box(&data), black_box(&xmr_baseline)).map(|c| c.points.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
