//! The command line's own file handling: reading inputs without reading more than the size
//! limit allows, and writing outputs without ever destroying a file the user has.
//!
//! Rules for every file a command writes:
//! - it is created new; a file already there is replaced only with `--force`;
//! - a symbolic link is never written through, with or without `--force`;
//! - an output that is one of the command's inputs is refused, with or without `--force`;
//! - its name must end in an extension of the format written, so that a workbook is never
//!   saved as `children.csv`.
//!
//! The library performs no I/O; this module is the only place the CLI touches the file system
//! for data.

use super::Failure;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Reads an input file of at most `max_bytes`, checking the size before reading and never
/// reading more than one byte past the limit (a file can grow, and `/dev/zero` never ends).
pub(crate) fn read_input(path: &Path, max_bytes: u64, option: &str) -> Result<Vec<u8>, Failure> {
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|err| cannot_read(path, &err))?;
    if metadata.is_dir() {
        return Err(Failure::new(format!(
            "{shown} is a folder, not a file: give the files in it (such as {}) instead",
            path.join("*.csv").display()
        )));
    }
    // The core's words, so that the page and the command line say the same; then what was
    // done and how to change the limit.
    let too_big = |size: u64| {
        Failure::too_large(format!(
            "{}: {} Nothing was read ({option} changes the limit).",
            display_name(path),
            driftline::ingest::too_large_message(size, max_bytes)
        ))
    };
    if metadata.is_file() && metadata.len() > max_bytes {
        return Err(too_big(metadata.len()));
    }
    let file = File::open(path).map_err(|err| cannot_read(path, &err))?;
    let mut bytes = Vec::with_capacity(if metadata.is_file() {
        metadata.len().min(max_bytes) as usize
    } else {
        0
    });
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| cannot_read(path, &err))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a small text file the user wrote (a mapping or a profile), refusing one over
/// `max_bytes`: such files hold settings, never data, so a large one is a mistake.
pub(crate) fn read_settings(path: &Path, what: &str, max_bytes: u64) -> Result<String, Failure> {
    // A settings file's own words (the data files' advice, to split the file, is no help).
    if let Ok(metadata) = std::fs::metadata(path) {
        if metadata.is_file() && metadata.len() > max_bytes {
            return Err(Failure::new(format!(
                "{what} {}: the file is {} kB, and a profile or mapping is at most {} kB (it holds settings, never data). Nothing was read. Is this the right file?",
                path.display(),
                metadata.len().div_ceil(1024),
                max_bytes / 1024
            )));
        }
    }
    let bytes = read_input(path, max_bytes, "a smaller file")
        .map_err(|failure| Failure::new(format!("{what} {}: {}", path.display(), failure)))?;
    String::from_utf8(bytes).map_err(|_| {
        Failure::new(format!(
            "{what} {} is not UTF-8 text (it should be the JSON file Driftline saved)",
            path.display()
        ))
    })
}

/// An output file that has been checked against the rules and may be written.
#[derive(Debug)]
pub(crate) struct Output {
    path: PathBuf,
    force: bool,
}

impl Output {
    /// Checks `path` as an output of a command reading `inputs`, which writes a format whose
    /// file names end in one of `extensions` (lower case, without the dot).
    pub(crate) fn check(
        path: &Path,
        force: bool,
        inputs: &[PathBuf],
        extensions: &[&str],
    ) -> Result<Output, Failure> {
        let shown = path.display();
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if !extension
            .as_deref()
            .is_some_and(|e| extensions.contains(&e))
        {
            let list: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
            return Err(Failure::new(format!(
                "--out {shown}: the file name must end in {} for what this command writes",
                list.join(" or ")
            )));
        }
        check_not_link_or_input(path, inputs)?;
        if !force && path.symlink_metadata().is_ok() {
            return Err(Failure::new(format!(
                "{shown} already exists and was left as it is; choose another name, or add \
                 --force to replace it"
            )));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(Failure::new(format!(
                    "--out {shown}: the folder {} does not exist; create it first",
                    parent.display()
                )));
            }
        }
        Ok(Output {
            path: path.to_path_buf(),
            force,
        })
    }

    /// Writes the whole file and says so on standard error: created new unless `--force` was
    /// given (and even then never through a link, checked again just before writing).
    pub(crate) fn write(&self, bytes: &[u8]) -> Result<(), Failure> {
        self.write_quietly(bytes)?;
        eprintln!(
            "driftline: wrote {} ({} bytes)",
            self.path.display(),
            bytes.len()
        );
        Ok(())
    }

    /// Writes the whole file without a word (for a file the summary names).
    pub(crate) fn write_quietly(&self, bytes: &[u8]) -> Result<(), Failure> {
        let mut file = open_new(&self.path, self.force)?;
        file.write_all(bytes)
            .and_then(|()| file.flush())
            .map_err(|err| cannot_write(&self.path, &err))
    }
}

/// Writes a table as CSV to `output`, and its notes, if any, beside it in `NAME.notes.txt`
/// (notes in the CSV would be rows to a spreadsheet).
pub(crate) fn write_table(
    output: &Output,
    path: &Path,
    table: &driftline::table::Table,
    force: bool,
    inputs: &[PathBuf],
) -> Result<(), Failure> {
    let notes = table
        .notes_text()
        .map(|text| {
            let notes_path = notes_path(path);
            Output::check(&notes_path, force, inputs, &["txt"]).map(|o| (o, text))
        })
        .transpose()?;
    output.write(table.to_csv().as_bytes())?;
    if let Some((notes_output, text)) = notes {
        notes_output.write(text.as_bytes())?;
    }
    Ok(())
}

/// `x.csv` → `x.notes.txt`.
pub(crate) fn notes_path(path: &Path) -> PathBuf {
    path.with_extension("notes.txt")
}

/// Checks the files a command will write into `dir` (the names for which `writes` is true):
/// none may exist unless `force`, none may be a link or one of `inputs`.
pub(crate) fn check_folder(
    dir: &Path,
    writes: &dyn Fn(&str) -> bool,
    force: bool,
    inputs: &[PathBuf],
) -> Result<(), Failure> {
    if dir
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(Failure::new(format!(
            "--out {}: is a link; give the folder itself",
            dir.display()
        )));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::new(format!(
            "--out {}: is a file, not a folder",
            dir.display()
        )));
    }
    let mut existing = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if writes(&name) {
                check_not_link_or_input(&entry.path(), inputs)?;
                existing.push(name);
            }
        }
    }
    existing.sort();
    if !force && !existing.is_empty() {
        return Err(Failure::new(format!(
            "{} already holds {}, which would be replaced; nothing was written. Choose an \
             empty folder, or add --force to replace them",
            dir.display(),
            existing.join(", ")
        )));
    }
    Ok(())
}

/// Opens `path` for writing: created new, or (with `force`) truncated, never through a link.
pub(crate) fn open_new(path: &Path, force: bool) -> Result<File, Failure> {
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(link_refused(path));
    }
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    options.open(path).map_err(|err| {
        if err.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::new(format!(
                "{} already exists and was left as it is; add --force to replace it",
                path.display()
            ))
        } else {
            cannot_write(path, &err)
        }
    })
}

fn check_not_link_or_input(path: &Path, inputs: &[PathBuf]) -> Result<(), Failure> {
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(link_refused(path));
    }
    let Some(target) = canonical(path) else {
        return Ok(());
    };
    if inputs
        .iter()
        .filter_map(|input| std::fs::canonicalize(input).ok())
        .any(|input| input == target)
    {
        return Err(Failure::new(format!(
            "--out {} is one of the files being read; it was left as it is. Choose another name",
            path.display()
        )));
    }
    Ok(())
}

/// The canonical path `path` names, whether or not it exists yet (its folder must).
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(path.file_name()?))
}

fn link_refused(path: &Path) -> Failure {
    Failure::new(format!(
        "{} is a symbolic link; Driftline does not write through links. Give the real path",
        path.display()
    ))
}

fn cannot_read(path: &Path, err: &std::io::Error) -> Failure {
    let reason = match err.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    };
    Failure::new(format!("cannot read {}: {reason}", path.display()))
}

fn cannot_write(path: &Path, err: &std::io::Error) -> Failure {
    let reason = match err.kind() {
        std::io::ErrorKind::NotFound => "its folder does not exist".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    };
    Failure::new(format!("cannot write {}: {reason}", path.display()))
}

/// The name the file is known by in messages (its file name, as the page shows it).
fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("driftline-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn an_input_over_the_limit_is_refused_before_it_is_read() {
        const MIB: u64 = 1024 * 1024;
        let dir = scratch("limit");
        let path = dir.join("big.csv");
        std::fs::write(&path, vec![b'x'; 2 * MIB as usize]).unwrap();
        assert_eq!(
            read_input(&path, 2 * MIB, "--max").unwrap().len() as u64,
            2 * MIB
        );
        let err = read_input(&path, MIB, "--max-file-mb").unwrap_err();
        assert!(
            err.message
                .starts_with("big.csv: The file is 2 MB, more than the limit of 1 MB. Split it"),
            "{}",
            err.message
        );
        assert!(
            err.message
                .ends_with("Nothing was read (--max-file-mb changes the limit)."),
            "{}",
            err.message
        );
    }

    /// `/dev/zero` has no length and never ends: at most the limit plus one byte is read.
    #[cfg(unix)]
    #[test]
    fn an_endless_input_stops_one_byte_past_the_limit() {
        let err = read_input(Path::new("/dev/zero"), 1 << 20, "--max-file-mb").unwrap_err();
        assert!(
            err.message.contains("more than the limit of 1 MB"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_folder_as_input_says_what_to_give_instead() {
        let dir = scratch("folder");
        let err = read_input(&dir, 1 << 20, "--max").unwrap_err();
        assert!(
            err.message.contains("is a folder, not a file"),
            "{}",
            err.message
        );
    }

    #[test]
    fn outputs_are_created_new_unless_forced() {
        let dir = scratch("force");
        let path = dir.join("chart.svg");
        Output::check(&path, false, &[], &["svg"])
            .unwrap()
            .write(b"one")
            .unwrap();
        let err = Output::check(&path, false, &[], &["svg"]).unwrap_err();
        assert!(err.message.contains("already exists"), "{}", err.message);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        Output::check(&path, true, &[], &["svg"])
            .unwrap()
            .write(b"two")
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_even_with_force() {
        let dir = scratch("input");
        let input = dir.join("placements.csv");
        std::fs::write(&input, "child_id\n").unwrap();
        // The same file named another way.
        let other_name = dir.join(".").join("placements.csv");
        let err =
            Output::check(&other_name, true, std::slice::from_ref(&input), &["csv"]).unwrap_err();
        assert!(
            err.message.contains("one of the files being read"),
            "{}",
            err.message
        );
        assert_eq!(std::fs::read(&input).unwrap(), b"child_id\n");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_written_through() {
        let dir = scratch("link");
        let target = dir.join("precious.csv");
        std::fs::write(&target, "keep me").unwrap();
        let link = dir.join("out.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for force in [false, true] {
            let err = Output::check(&link, force, &[], &["csv"]).unwrap_err();
            assert!(err.message.contains("symbolic link"), "{}", err.message);
            assert!(open_new(&link, force).is_err());
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    }

    #[test]
    fn the_extension_must_match_the_format() {
        let dir = scratch("ext");
        let err = Output::check(&dir.join("t.csv"), false, &[], &["xlsx"]).unwrap_err();
        assert!(err.message.contains("must end in .xlsx"), "{}", err.message);
        assert!(Output::check(&dir.join("T.XLSX"), false, &[], &["xlsx"]).is_ok());
    }

    #[test]
    fn a_missing_output_folder_is_named() {
        let dir = scratch("nofolder");
        let err = Output::check(&dir.join("no/such/x.svg"), false, &[], &["svg"]).unwrap_err();
        assert!(err.message.contains("does not exist"), "{}", err.message);
    }

    #[test]
    fn a_folder_of_files_is_not_overwritten() {
        let dir = scratch("gen");
        std::fs::write(dir.join("children.csv"), "real").unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let writes = |name: &str| ["children.csv", "placements.csv"].contains(&name);
        let err = check_folder(&dir, &writes, false, &[]).unwrap_err();
        assert!(err.message.contains("children.csv"), "{}", err.message);
        assert!(!err.message.contains("placements.csv"), "{}", err.message);
        assert!(!err.message.contains("notes.txt"), "{}", err.message);
        assert!(check_folder(&dir, &writes, true, &[]).is_ok());
        assert!(check_folder(&dir.join("new"), &writes, false, &[]).is_ok());
    }
}
