//! The `generate` subcommand, compiled here against a stand-in for the command line's
//! `Failure` type so that it is checked before the command line wires it in.

/// The command line's failure type, as `src/cli/mod.rs` defines it.
#[derive(Debug)]
pub struct Failure(pub String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure(message.into())
    }
}

#[allow(dead_code)] // `run` is for the real command line.
#[path = "../src/cli/generate.rs"]
mod generate;

use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: generate::Args,
}

fn parse(argv: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("driftline-generate").chain(argv.iter().copied()))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("driftline-{name}-{}", std::process::id()));
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
    ] {
        let dir = temp_dir(format);
        let out = dir.to_str().unwrap();
        let cli = parse(&[
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
        ])
        .unwrap();
        let summary = generate::generate(&cli.args).unwrap();
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
    let missing_as_at = parse(&["--out", "x"]).err().unwrap().to_string();
    assert!(missing_as_at.contains("--as-at"), "{missing_as_at}");
    let bad_format = parse(&["--as-at", "2024-03-31", "--format", "pdf", "--out", "x"])
        .err()
        .unwrap()
        .to_string();
    assert!(bad_format.contains("not a format"), "{bad_format}");
    let bad_date = parse(&["--as-at", "31/03/2024", "--out", "x"])
        .err()
        .unwrap()
        .to_string();
    assert!(bad_date.contains("YYYY-MM-DD"), "{bad_date}");
    let cli = parse(&["--as-at", "2024-03-31", "--messy-rate", "2", "--out", "x"]).unwrap();
    let err = generate::generate(&cli.args).unwrap_err();
    assert!(err.0.contains("between 0 and 1"));
}
