//! `driftline generate`: each format writes its files; bad arguments exit 2 with a message.

use std::process::{Command, Output};

fn driftline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_driftline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("generate-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn writes_each_format_into_the_folder() {
    for (format, files) in [
        (
            "template-csv",
            &["children.csv", "placements.csv", "legal.csv", "events.csv"][..],
        ),
        ("template-xlsx", &["driftline.xlsx"][..]),
        (
            "ssda903",
            &[
                "header.csv",
                "episodes.csv",
                "reviews.csv",
                "ad1.csv",
                "placed_for_adoption.csv",
                "missing.csv",
            ][..],
        ),
        // Yearly returns up to the one holding the "as at" date (1 April 2023 - 31 March 2024).
        (
            "ssda903-returns",
            &["2023-header.csv", "2023-episodes.csv", "2023-reviews.csv"][..],
        ),
        ("ssda903-xml", &["ssda903.xml"][..]),
        ("ssda903-returns-xml", &["2023-ssda903.xml"][..]),
    ] {
        let dir = temp_dir(format);
        let out = dir.to_str().unwrap();
        let output = driftline(&[
            "generate",
            "--children",
            "25",
            "--seed",
            "3",
            "--as-at",
            "2024-03-31",
            "--format",
            format,
            "--out",
            out,
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary = String::from_utf8_lossy(&output.stderr);
        assert!(summary.contains("25 children"), "{summary}");
        for f in files {
            let bytes = std::fs::read(dir.join(f)).unwrap();
            assert!(!bytes.is_empty(), "{format}: {f}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn rejects_bad_arguments_with_a_message() {
    let cases: [(&[&str], &str); 4] = [
        (&["generate", "--out", "x"], "--as-at"),
        (
            &[
                "generate",
                "--as-at",
                "2024-03-31",
                "--format",
                "pdf",
                "--out",
                "x",
            ],
            "not a format",
        ),
        (
            &["generate", "--as-at", "31/03/2024", "--out", "x"],
            "YYYY-MM-DD",
        ),
        (
            &[
                "generate",
                "--as-at",
                "2024-03-31",
                "--messy-rate",
                "2",
                "--out",
                "x",
            ],
            "between 0 and 1",
        ),
    ];
    for (args, words) in cases {
        let output = driftline(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
}
