//! `driftline chart` end to end: the template CSV fixtures in, an SVG or PNG file out, and the
//! usage errors a person would make.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture_files() -> Vec<String> {
    let dir = format!("{}/tests/fixtures/csv_utf8", env!("CARGO_MANIFEST_DIR"));
    ["children", "placements", "legal", "events"]
        .iter()
        .map(|t| format!("{dir}/{t}.csv"))
        .collect()
}

fn chart(extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["chart".into()];
    args.extend(fixture_files());
    args.extend(["--as-at".into(), "2023-11-30".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args(&args)
        .output()
        .expect("run driftline")
}

/// A scratch folder for one test under Cargo's per-build temporary folder, emptied first, so
/// that nothing left by an earlier run (refused by the CLI without `--force`) can collide.
fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("chart-cli-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

#[test]
fn a_timeline_is_written_as_svg_and_png() {
    let dir = scratch("a_timeline_is_written_as_svg_and_png");
    let svg = dir.join("c001.svg");
    let out = chart(&[
        "--kind",
        "timeline",
        "--child",
        "C001",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).expect("svg written");
    assert!(text.starts_with("<svg width=\"1200\""));
    assert!(text.contains("<title id=\"chart-title\">Child C001 · "));
    assert!(text.contains("Maternal aunt"));

    let png = dir.join("c001.png");
    let out = chart(&[
        "--kind",
        "timeline",
        "--child",
        "C001",
        "--pseudonymise",
        "--width",
        "800",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).expect("png written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]),
        1600
    );
}

#[test]
fn usage_errors_exit_with_code_2_and_say_why() {
    let dir = scratch("usage_errors_exit_with_code_2_and_say_why");
    let out = chart(&[
        "--kind",
        "timeline",
        "--out",
        dir.join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a timeline needs --child ID"));
    let out = chart(&[
        "--kind",
        "timeline",
        "--child",
        "NOPE",
        "--out",
        dir.join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no child with ID \"NOPE\""));
    let out = chart(&[
        "--kind",
        "cohort",
        "--out",
        dir.join("x.gif").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must end in .svg, .png or .csv"));
    let out = chart(&[
        "--kind",
        "pie",
        "--out",
        dir.join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown chart kind"));
}

#[test]
fn the_statistical_kinds_write_svg_png_and_their_numbers() {
    let dir = scratch("the_statistical_kinds_write_svg_png_and_their_numbers");
    for kind in ["delay", "km", "histogram", "run"] {
        let svg = dir.join(format!("{kind}.svg"));
        let out = chart(&[
            "--kind",
            kind,
            "--stage",
            "first_review",
            "--out",
            svg.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&svg).expect("svg written");
        assert!(text.starts_with("<svg width=\"1200\""), "{kind}");
        assert!(
            text.contains("Became looked after to first LAC review"),
            "{kind} names its stage"
        );
        let png = dir.join(format!("{kind}.png"));
        let out = chart(&[
            "--kind",
            kind,
            "--stage",
            "first_review",
            "--width",
            "700",
            "--out",
            png.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{kind} png");
        let bytes = std::fs::read(&png).expect("png written");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(
            u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]),
            1400
        );
    }
    // The delay chart's numbers as CSV, split by placement: one row per stage for everyone.
    let csv = dir.join("delay.csv");
    let out = chart(&[
        "--kind",
        "delay",
        "--breakdown",
        "placement",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).expect("csv written");
    // One CSV rule for every export: a byte-order mark first (for Excel).
    assert!(text.starts_with("\u{feff}stage,stage_label,group,started,completed,"));
    let everyone = text.lines().filter(|l| l.contains(",all,")).count();
    assert_eq!(everyone, 7, "seven stages in the Scotland profile:\n{text}");
    // A breakdown the statistics do not have is a usage error that lists the known ones.
    let out = chart(&[
        "--kind",
        "km",
        "--breakdown",
        "nope",
        "--out",
        dir.join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no breakdown \"nope\"; choose one of"));
}

#[test]
fn the_decomposition_chart_is_written_with_its_numbers() {
    let dir = scratch("the_decomposition_chart_is_written_with_its_numbers");
    let svg = dir.join("decomposition.svg");
    let out = chart(&[
        "--kind",
        "decomposition",
        "--breakdown",
        "placement",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).expect("svg written");
    assert!(text.contains("Where the days go"));
    let csv = dir.join("decomposition.csv");
    let out = chart(&["--kind", "decomposition", "--out", csv.to_str().unwrap()]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).expect("csv written");
    // Every CSV starts with a byte-order mark, so that Excel reads it as UTF-8.
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    assert!(text.starts_with("group,part,part_label,on_path,journeys,"));
    // Six stages besides time to permanence, then the journey and its counterfactual.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("all,")).count(),
        8,
        "{text}"
    );
}
