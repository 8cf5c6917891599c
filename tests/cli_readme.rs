//! README's command-line section works when copied as it stands: its `sh` blocks are run, in
//! order, by `sh` in a folder holding a copy of the demo data (`www/demo`), with `driftline`
//! the binary under test. Every command must succeed, and every file the section says it
//! writes must be there.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

#[test]
fn the_readme_command_line_section_runs_on_the_demo_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let start = readme
        .find("## The command line\n")
        .expect("a command-line section");
    let section = &readme[start..];
    let end = section[3..].find("\n## ").map_or(section.len(), |e| e + 3);
    let section = &section[..end];
    let mut script = String::from("set -e\n");
    let mut rest = section;
    while let Some(open) = rest.find("```sh\n") {
        let body = &rest[open + 6..];
        let close = body.find("```").expect("a closed block");
        script.push_str(&body[..close]);
        rest = &body[close + 3..];
    }
    assert!(script.lines().count() > 20, "{script}");

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-cli");
    let _ = std::fs::remove_dir_all(&dir);
    let demo = dir.join("www/demo");
    std::fs::create_dir_all(&demo).expect("scratch");
    for entry in std::fs::read_dir(root.join("www/demo")).expect("the demo") {
        let entry = entry.expect("an entry");
        std::fs::copy(entry.path(), demo.join(entry.file_name())).expect("copy");
    }
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_driftline"), bin.join("driftline"))
        .expect("link the binary");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(&dir)
        .env("PATH", path)
        .output()
        .expect("run sh");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the README's commands failed:\n{stderr}"
    );
    for written in [
        "report.json",
        "stages.csv",
        "problems.csv",
        "child.svg",
        "delay.csv",
        "reviews.png",
        "days.svg",
        "reviews.json",
        "template.xlsx",
        "cohort/children.csv",
        "waits-xmr.json",
        "waits-run.csv",
    ] {
        assert!(dir.join(written).is_file(), "{written} was not written");
    }
    // The summaries are tables, and the profile file's stages are the ones used.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Driftline summary as at 2024-03-31 · timescales: Our local timescales"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Became looked after to first review  4 weeks"),
        "{stdout}"
    );
    // Only the generated cohort, read without --as-at, has its "as at" found in the data.
    assert_eq!(
        stderr.matches("the latest date in your files").count(),
        1,
        "{stderr}"
    );
}
