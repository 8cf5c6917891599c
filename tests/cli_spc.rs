//! `driftline spc` prints the chart the library computes for the same column.

use chrono::NaiveDate;
use driftline::qi::{self, ChartKind, SpcConfig};
use std::process::Command;

fn d(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap()
}

#[test]
fn spc_prints_the_librarys_chart_and_reports_bad_rows() {
    let dir = std::env::temp_dir().join(format!("driftline-spc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("measure.csv");
    let values = [
        120.0, 100.0, 130.0, 90.0, 95.0, 60.0, 58.0, 55.0, 50.0, 52.0, 49.0, 45.0,
    ];
    let mut text = String::from("Monthly measure\nMonth,Team,Days to panel\n");
    for (i, v) in values.iter().enumerate() {
        text.push_str(&format!(
            "{},North,{v}\n",
            d(2024, i as u32 + 1).format("%d/%m/%Y")
        ));
    }
    text.push_str("01/01/2025,North,not recorded\n");
    std::fs::write(&path, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args([
            "spc",
            &path.to_string_lossy(),
            "--chart",
            "xmr",
            "--target",
            "60",
            "--annotate",
            "2024-06-01=PDSA 1",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("row 15") && stderr.contains("not a number"),
        "{stderr}"
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let points: Vec<(NaiveDate, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (d(2024, i as u32 + 1), *v))
        .collect();
    let mut config = SpcConfig::new(ChartKind::Xmr);
    config.target = Some(60.0);
    config.annotations = vec![qi::Annotation {
        date: d(2024, 6),
        label: "PDSA 1".into(),
    }];
    let expected = serde_json::to_value(qi::analyze(&points, &config).unwrap()).unwrap();
    assert_eq!(printed, expected);
    assert_eq!(printed["points"].as_array().unwrap().len(), 12);
    // A bad option is a usage error, not a panic.
    let bad = Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args(["spc", &path.to_string_lossy(), "--chart", "pie"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// A measure that can be negative (days ahead of or behind a plan) takes a negative target:
/// `--target -3` is the option's value, not an unknown option.
#[test]
fn a_negative_target_is_a_value_not_an_option() {
    let dir = std::env::temp_dir().join(format!("driftline-spc-neg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("slippage.csv");
    let values = [-5.0, 2.0, -1.0, 4.0, -3.0, 0.0, 1.0, -2.0];
    let mut text = String::from("Month,Days behind plan\n");
    for (i, v) in values.iter().enumerate() {
        text.push_str(&format!(
            "{},{v}\n",
            d(2024, i as u32 + 1).format("%d/%m/%Y")
        ));
    }
    std::fs::write(&path, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args(["spc", &path.to_string_lossy(), "--target", "-3"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let points: Vec<(NaiveDate, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (d(2024, i as u32 + 1), *v))
        .collect();
    let mut config = SpcConfig::new(ChartKind::Xmr);
    config.target = Some(-3.0);
    let expected = serde_json::to_value(qi::analyze(&points, &config).unwrap()).unwrap();
    assert_eq!(printed, expected);
}
