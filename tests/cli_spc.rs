//! `driftline spc` prints the chart the library computes for the same column.

use chrono::NaiveDate;
use driftline::qi::{self, ChartKind, SpcConfig};
use std::process::Command;

fn d(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap()
}

/// A scratch folder under Cargo's per-build temporary folder, emptied first.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn spc_prints_the_librarys_chart_and_reports_bad_rows() {
    let dir = scratch("spc");
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
    let dir = scratch("spc-neg");
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

/// A stage's chart has the stage's own target unless `--target` is given: Scotland's first
/// review is due within 6 weeks, 42 days. The input flags are the ones `analyze` takes, so a
/// mapping is accepted here too; journey flags without `--stage` are refused.
#[test]
fn a_stage_chart_has_the_stages_own_target_and_the_shared_input_flags() {
    let demo = ["children.csv", "placements.csv", "legal.csv", "events.csv"]
        .map(|f| format!("{}/www/demo/{f}", env!("CARGO_MANIFEST_DIR")));
    let dir = scratch("spc-stage");
    let mapping = dir.join("mapping.json");
    std::fs::write(&mapping, "{}").unwrap();
    let run = |extra: &[&str]| {
        let mut args: Vec<String> = vec!["spc".into()];
        args.extend(demo.iter().cloned());
        args.extend(
            [
                "--stage",
                "first_review",
                "--chart",
                "run",
                "--as-at",
                "2025-03-31",
            ]
            .map(String::from),
        );
        args.extend(extra.iter().map(|s| s.to_string()));
        let output = Command::new(env!("CARGO_BIN_EXE_driftline"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    assert_eq!(run(&[])["target"], 42.0);
    assert_eq!(run(&["--target", "30"])["target"], 30.0);
    assert_eq!(
        run(&["--mapping", &mapping.to_string_lossy()])["target"],
        42.0
    );
    let refused = Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args(["spc", &demo[0], "--as-at", "2025-03-31"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("use them with --stage"));
}
