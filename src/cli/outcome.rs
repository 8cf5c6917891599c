//! What a command did with the files it was given, said to the person at the terminal.
//!
//! After every command that reads files, a short summary goes to standard error: each file
//! and the tables recognised in it, the rows used and rejected, each file not used and why.
//! The exit status follows from it ([`Status`]), and `--problems FILE` writes every problem
//! as CSV through the one writer (`driftline::table`). Nothing the user gave is dropped
//! without a word: a file that is refused, or in which no table is recognised, is named here
//! and makes the exit code 2.
//!
//! This file owns the wording of the summary and the exit status; the counts come from the
//! library's `InputSummary` (or, for `spc` of a column, its `UserSeries`).

use super::files::Output;
use super::Failure;
use driftline::diagnostics::{Diagnostic, Severity};
use driftline::ingest::series::UserSeries;
use driftline::report::InputSummary;

/// The exit codes, for `--help` (a macro, so that each command's help can add it to its
/// examples with `concat!`).
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  done: every file given was read (rejected rows, if any, are counted on standard error)
  1  done, but rows were rejected and --strict was given
  2  a usage error; a file that could not be read or was not used (the output, if written,
     holds the other files only); or nothing usable in the files (nothing is written)"
    };
}
pub(crate) use exit_codes;

/// How a command that did its job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Exit code 0.
    Done,
    /// Exit code 1: rows were rejected and `--strict` was given.
    RowsRejected,
    /// Exit code 2: a file given was not used; the output holds the others.
    FileNotUsed,
}

impl Status {
    pub fn code(self) -> u8 {
        match self {
            Status::Done => 0,
            Status::RowsRejected => 1,
            Status::FileNotUsed => 2,
        }
    }
}

/// A file the command line refused before the library saw it (larger than the limit).
#[derive(Clone, Debug)]
pub struct Refusal {
    pub name: String,
    pub reason: String,
}

/// How the summary is finished: the flags that change the exit status and where the
/// problems go.
pub struct Reporting<'a> {
    pub strict: bool,
    pub problems: Option<&'a Output>,
    /// The name of the --problems file as given (for the summary).
    pub problems_name: String,
}

/// What became of the files a command read.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One line per file read (or one line for many files), then one per file not used.
    lines: Vec<String>,
    /// The files not used, by name.
    not_used: Vec<String>,
    rows_read: u64,
    rows_used: u64,
    rows_rejected: u64,
    warnings: usize,
    notes: usize,
    /// What a row is called in the counts ("rows", "values").
    unit: &'static str,
    /// Why nothing in the files can be used, if so.
    unusable: Option<String>,
    /// Every problem, for --problems.
    problems: Vec<Diagnostic>,
}

/// More files than this are summarised by table kind rather than one line each.
const FILES_LISTED: usize = 12;

impl Outcome {
    /// The outcome of loading `names` (the files given, in order; `refused` were never read)
    /// as the library summarised it.
    pub fn of_load(names: &[String], refused: &[Refusal], input: &InputSummary) -> Outcome {
        let mut outcome = Outcome {
            unit: "rows",
            ..Outcome::default()
        };
        let mut summaries = input.files.iter().peekable();
        let mut read_lines = Vec::new();
        let mut kinds: Vec<(String, usize)> = Vec::new();
        let mut read_files = 0;
        for name in names {
            if let Some(r) = refused.iter().find(|r| &r.name == name) {
                outcome.not_used(name, &r.reason);
                continue;
            }
            // The library lists the files it could open, in the order given.
            let file = match summaries.peek() {
                Some(f) if &f.name == name => summaries.next(),
                _ => None,
            };
            let tables: Vec<usize> = file
                .map(|f| f.sheets.iter().filter_map(|s| s.table).collect())
                .unwrap_or_default();
            if tables.is_empty() {
                let reason = why_not_used(name, input);
                outcome.not_used(name, &reason);
                continue;
            }
            read_files += 1;
            let several = tables.len() > 1;
            let parts: Vec<String> = tables
                .iter()
                .filter_map(|&i| input.tables.get(i))
                .map(|t| {
                    match kinds.iter_mut().find(|(k, _)| *k == t.kind) {
                        Some((_, n)) => *n += 1,
                        None => kinds.push((t.kind.clone(), 1)),
                    }
                    let sheet = match (&t.sheet, several) {
                        (Some(s), true) => format!(" (sheet {s})"),
                        _ => String::new(),
                    };
                    format!(
                        "{}{sheet}, {}",
                        table_words(&t.kind),
                        row_counts(t.rows_read, t.rows_used, t.rows_rejected, "rows")
                    )
                })
                .collect();
            read_lines.push(format!("{name}: {}", parts.join("; ")));
        }
        if read_files > FILES_LISTED {
            let kinds: Vec<String> = kinds
                .iter()
                .map(|(k, n)| format!("{} ×{n}", table_words(k)))
                .collect();
            read_lines = vec![format!("{read_files} files read: {}", kinds.join(", "))];
        }
        // Files read first, then those not used.
        read_lines.append(&mut outcome.lines);
        outcome.lines = read_lines;
        outcome.rows_read = input.rows_read;
        outcome.rows_used = input.rows_used;
        outcome.rows_rejected = input.rows_rejected;
        outcome.count_problems(&input.diagnostics);
        outcome.problems = refused
            .iter()
            .map(|r| {
                Diagnostic::new(
                    Severity::Fatal,
                    driftline::diagnostics::Code::TooLarge,
                    r.reason.clone(),
                )
                .file(r.name.clone())
            })
            .chain(input.diagnostics.iter().cloned())
            .collect();
        // (A load without a single data row is the library's error: see `ingest::load`.)
        if read_files > 0 && input.rows_used == 0 {
            outcome.unusable = Some(format!(
                "nothing usable was read: every one of the {} rows was rejected (--problems FILE lists why, by file, row and column).",
                input.rows_read
            ));
        }
        outcome
    }

    /// The outcome of reading a user's series from the file `name`.
    pub fn of_series(name: &str, series: &UserSeries) -> Outcome {
        let mut outcome = Outcome {
            unit: "values",
            rows_read: series.rows_read,
            rows_used: series.points.len() as u64,
            rows_rejected: series.rows_rejected,
            problems: series.diagnostics.clone(),
            ..Outcome::default()
        };
        let date = series
            .date_column
            .as_deref()
            .map(|d| format!(" dated by \"{d}\""))
            .unwrap_or_else(|| " in file order (no date column)".to_string());
        outcome.lines.push(format!(
            "{name}: the column \"{}\"{date}, {}",
            series.value_column,
            row_counts(
                series.rows_read,
                series.points.len() as u64,
                series.rows_rejected,
                "rows"
            )
        ));
        outcome.count_problems(&series.diagnostics);
        if series.points.is_empty() {
            outcome.unusable = Some(format!(
                "nothing usable was read: {name} has no value that could be charted"
            ));
        }
        outcome
    }

    /// Says, among the files' lines, when the journeys hold no care period: the stage
    /// statistics are then empty (the page shows the same report).
    pub fn note_care_periods(&mut self, report: &driftline::Report) {
        if self.unusable.is_some() || report.care_periods > 0 {
            return;
        }
        let kinds: Vec<&str> = report
            .input
            .tables
            .iter()
            .map(|t| t.kind.as_str())
            .collect();
        let has_placements = kinds
            .iter()
            .any(|k| *k == "placements" || k.contains("episodes"));
        self.lines.push(if has_placements {
            "NO JOURNEYS: no child has a care period (no placement row could be used), so every stage is empty. See the problems (--problems FILE).".to_string()
        } else {
            format!(
                "NO JOURNEYS: no child has a care period, because no placements were given (tables read: {}), so every stage is empty. A care period starts with a placement: give the placements table (or the SSDA903 episodes) too.",
                kinds.join(", ")
            )
        });
    }

    /// Fails, after saying what was read (and writing the problems), when nothing in the
    /// files can be used.
    pub fn check_usable(&self, reporting: &Reporting<'_>) -> Result<(), Failure> {
        match &self.unusable {
            Some(why) => {
                self.say_files();
                self.write_problems(reporting)?;
                Err(Failure::new(why.clone()))
            }
            None => Ok(()),
        }
    }

    /// Writes the problems to the --problems file, if one was given.
    fn write_problems(&self, reporting: &Reporting<'_>) -> Result<(), Failure> {
        if let Some(output) = reporting.problems {
            let table = driftline::explore::export::problems_table(self.problems.clone());
            output.write_quietly(table.to_csv().as_bytes())?;
        }
        Ok(())
    }

    /// Says what was read on standard error, writes the problems file, and returns the exit
    /// status.
    pub fn finish(&self, reporting: &Reporting<'_>) -> Result<Status, Failure> {
        self.say_files();
        let mut totals = row_counts(
            self.rows_read,
            self.rows_used,
            self.rows_rejected,
            self.unit,
        );
        let mut extra = Vec::new();
        if self.warnings > 0 {
            extra.push(plural(self.warnings, "warning", "warnings"));
        }
        if self.notes > 0 {
            extra.push(plural(self.notes, "note", "notes"));
        }
        if !extra.is_empty() {
            totals.push_str(&format!("; {}", extra.join(", ")));
        }
        let listed = self.problems.len();
        match reporting.problems {
            Some(_) => {
                self.write_problems(reporting)?;
                totals.push_str(&format!(
                    " ({} written to {})",
                    plural(listed, "problem", "problems"),
                    reporting.problems_name
                ));
            }
            None if listed > 0 => totals.push_str(" (--problems FILE lists them as CSV)"),
            None => {}
        }
        say(&format!("in all: {totals}"));
        let mut status = Status::Done;
        if reporting.strict && self.rows_rejected > 0 {
            say(&format!(
                "{} rejected and --strict was given: exit code 1",
                plural(self.rows_rejected as usize, "row was", "rows were")
            ));
            status = Status::RowsRejected;
        }
        if !self.not_used.is_empty() {
            say(&format!(
                "{} not used, so the output is of the other files only: exit code 2",
                self.not_used.join(", ")
            ));
            status = Status::FileNotUsed;
        }
        Ok(status)
    }

    fn not_used(&mut self, name: &str, reason: &str) {
        self.lines.push(format!("{name}: NOT USED: {reason}"));
        self.not_used.push(name.to_string());
    }

    fn count_problems(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            match d.severity {
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.notes += 1,
                Severity::Fatal | Severity::Rejected => {}
            }
        }
    }

    fn say_files(&self) {
        for line in &self.lines {
            say(line);
        }
    }
}

/// Why a file the library opened (or could not open) gave no table: its own words.
fn why_not_used(name: &str, input: &InputSummary) -> String {
    let about = |severity: Severity| {
        input
            .diagnostics
            .iter()
            .find(|d| d.severity == severity && d.file.as_deref() == Some(name))
            .map(|d| d.message.clone())
    };
    about(Severity::Fatal)
        .or_else(|| about(Severity::Info))
        .unwrap_or_else(|| "no table was recognised in it.".to_string())
}

/// A table kind in words ("children", "SSDA903 episodes").
fn table_words(kind: &str) -> String {
    match kind.strip_prefix("ssda903_") {
        Some(rest) => format!("SSDA903 {}", rest.replace('_', " ")),
        None => kind.replace('_', " "),
    }
}

/// "150 rows, all used", "312 rows: 310 used, 2 rejected".
fn row_counts(read: u64, used: u64, rejected: u64, unit: &str) -> String {
    let n = format!(
        "{read} {}",
        if read == 1 {
            &unit[..unit.len() - 1]
        } else {
            unit
        }
    );
    if read == 0 {
        return n;
    }
    if rejected == 0 && used == read {
        return format!("{n}, all used");
    }
    format!("{n}: {used} used, {rejected} rejected")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn say(line: &str) {
    eprintln!("driftline: {line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_words() {
        assert_eq!(row_counts(150, 150, 0, "rows"), "150 rows, all used");
        assert_eq!(row_counts(1, 1, 0, "rows"), "1 row, all used");
        assert_eq!(
            row_counts(312, 310, 2, "rows"),
            "312 rows: 310 used, 2 rejected"
        );
        assert_eq!(row_counts(0, 0, 0, "values"), "0 values");
        assert_eq!(table_words("ssda903_episodes"), "SSDA903 episodes");
    }
}
