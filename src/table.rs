//! Tables of text cells and their one CSV form: every export (a chart's numbers, the stage
//! tables, the page's children, problems and chronology) is a [`Table`] or is streamed through
//! the same [`CsvWriter`], so one cell rule holds everywhere.
//!
//! The cell rule:
//! - A number (`-?digits`, optionally `.digits`) is written as it is, so `-3` stays a number.
//! - Any other cell is made inert for spreadsheets: a `'` goes before a leading `=`, `+`, `-`,
//!   `@`, tab or carriage return, and before a formula start (`=`, `+`, `-`, `@`) that follows
//!   a `;`, tab, carriage return or line feed inside the cell, spaces between them or not
//!   (where a reader whose list separator is `;`, as in most of Europe, or a careless import
//!   splits the cell and starts a new one).
//! - A cell containing `,`, `;`, a tab, a quote or a line break is quoted (RFC 4180: quotes
//!   doubled).
//! - Invisible characters other than tabs and line breaks (Unicode Cc and Cf: a right-to-left
//!   override, a zero-width space, a terminal's escape) are written visibly, `⟨U+202E⟩` (see
//!   [`crate::visible`]).
//!
//! A document starts with a UTF-8 byte-order mark (so that Excel reads accents) and rows end
//! with a line feed. A table's notes are not in the CSV (a `#` line would be a row to Excel):
//! [`Table::notes_text`] gives them for a file of their own. Dates are written ISO
//! (`yyyy-mm-dd`) by the callers, which Excel reads as dates whatever its locale. This module
//! knows nothing about what the tables hold.

use serde::Serialize;
use std::io;

/// The UTF-8 byte-order mark every CSV document starts with.
pub const BYTE_ORDER_MARK: &str = "\u{feff}";

/// A table: a header row, data rows of the same width, and notes about it (kept out of the
/// CSV; see [`Table::notes_text`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Sentences about the whole table (what was left out, what a blank means).
    pub notes: Vec<String>,
}

impl Table {
    /// An empty table with these column names.
    pub fn new(columns: &[&str]) -> Table {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A table from rows of cells, the first being the header (an empty table without rows).
    pub fn from_rows(rows: Vec<Vec<String>>) -> Table {
        let mut rows = rows.into_iter();
        Table {
            columns: rows.next().unwrap_or_default(),
            rows: rows.collect(),
            notes: Vec::new(),
        }
    }

    /// Adds a row (cells beyond the header's width are kept; missing ones are blank).
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// The table as a CSV document: the byte-order mark, the header and one line per row
    /// (the notes are not in it).
    pub fn to_csv(&self) -> String {
        let mut out = String::from(BYTE_ORDER_MARK);
        write_row(&mut out, &self.columns);
        for row in &self.rows {
            write_row(&mut out, row);
        }
        out
    }

    /// The notes as plain text, one line each (for a file beside the CSV); `None` without
    /// notes.
    pub fn notes_text(&self) -> Option<String> {
        if self.notes.is_empty() {
            return None;
        }
        let mut out = String::new();
        for note in &self.notes {
            out.push_str(&crate::visible::visible_text(
                &note.replace(['\n', '\r'], " "),
            ));
            out.push('\n');
        }
        Some(out)
    }
}

/// Streams a CSV document row by row (for tables too long to hold twice), with the same cell
/// rule as [`Table::to_csv`].
pub struct CsvWriter<W: io::Write> {
    out: W,
    line: String,
}

impl<W: io::Write> CsvWriter<W> {
    /// Starts a document, with the byte-order mark when `byte_order_mark` is set.
    pub fn new(mut out: W, byte_order_mark: bool) -> io::Result<CsvWriter<W>> {
        if byte_order_mark {
            out.write_all(BYTE_ORDER_MARK.as_bytes())?;
        }
        Ok(CsvWriter {
            out,
            line: String::new(),
        })
    }

    /// Writes one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> io::Result<()> {
        self.line.clear();
        write_row(&mut self.line, cells);
        self.out.write_all(self.line.as_bytes())
    }

    /// Flushes and hands back the destination.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn write_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_cell(out, cell.as_ref());
    }
    out.push('\n');
}

/// Whether a cell is a plain number: an optional minus, digits, and optionally a point and
/// more digits.
pub fn is_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// A text cell made inert (see the module documentation); numbers are left alone.
pub fn inert(cell: &str) -> String {
    if is_number(cell) {
        return cell.to_string();
    }
    let cell = &*crate::visible::visible_text(cell);
    let mut out = String::with_capacity(cell.len() + 1);
    if cell.starts_with(['\t', '\r']) {
        out.push('\'');
    }
    out.push_str(&inert_after(cell, true, |c| {
        matches!(c, ';' | '\t' | '\r' | '\n')
    }));
    out
}

/// `text` with a `'` before every formula start (`=`, `+`, `-`, `@`) that follows a
/// `separator` (or the start, when `at_start`), with or without spaces between them.
fn inert_after(text: &str, at_start: bool, separator: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    // Whether the characters since the last separator (or the start) are all spaces.
    let mut after_separator = at_start;
    for c in text.chars() {
        if after_separator && matches!(c, '=' | '+' | '-' | '@') {
            out.push('\'');
        }
        out.push(c);
        after_separator = separator(c) || (after_separator && c == ' ');
    }
    out
}

fn write_cell(out: &mut String, cell: &str) {
    let cell = inert(cell);
    if cell.contains([',', ';', '\t', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&cell);
    }
}

/// A number for a table: whole numbers plainly, others to at most `decimals` places.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            "0".to_string()
        } else {
            t.to_string()
        }
    } else {
        s
    }
}

/// An optional number, blank when absent.
pub fn opt_number(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| number(v, decimals)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One data row written by the table, without the byte-order mark and header.
    fn written(cell: &str) -> String {
        let mut t = Table::new(&["x"]);
        t.push(vec![cell.to_string()]);
        let csv = t.to_csv();
        csv.strip_prefix("\u{feff}x\n")
            .expect("the mark and header come first")
            .trim_end_matches('\n')
            .to_string()
    }

    #[test]
    fn every_cell_follows_the_one_rule() {
        let cases = [
            // Numbers stay numbers, negative ones included.
            ("-3", "-3"),
            ("-12.3", "-12.3"),
            ("84", "84"),
            ("0.5", "0.5"),
            // Not plain numbers: text, made inert where a formula could start.
            ("-2+3", "'-2+3"),
            ("+44 1234", "'+44 1234"),
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-", "'-"),
            ("1.", "1."),
            ("\tx", "\"'\tx\""),
            ("\rx", "\"'\rx\""),
            (" =1", " '=1"),
            // A formula start after a separator inside the cell.
            ("a;=cmd", "\"a;'=cmd\""),
            ("line\n@x", "\"line\n'@x\""),
            ("a\t+1", "\"a\t'+1\""),
            ("a; =1", "\"a; '=1\""),
            ("a;\t-x", "\"a;\t'-x\""),
            ("a = b; c", "\"a = b; c\""),
            // Text that is safe as it is, and quoting.
            ("C-123", "C-123"),
            ("2024-01-31", "2024-01-31"),
            ("North, East", "\"North, East\""),
            ("a;b", "\"a;b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            // Invisible characters are written visibly.
            ("K02-\u{202e}05000", "K02-⟨U+202E⟩05000"),
            ("a\u{1b}]0;x\u{7}", "\"a⟨U+001B⟩]0;x⟨U+0007⟩\""),
            ("000\u{200b}51", "000⟨U+200B⟩51"),
            ("", ""),
        ];
        for (cell, expected) in cases {
            assert_eq!(written(cell), expected, "{cell:?}");
        }
    }

    /// Every field a reader finds in `csv`, splitting on `delimiter` (as Excel does where
    /// the list separator is `;`, or a tab-separated import).
    fn fields(csv: &str, delimiter: u8) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(csv.as_bytes());
        let mut out = Vec::new();
        for record in reader.records() {
            let record = record.expect("the writer's CSV reads back");
            out.extend(record.iter().map(str::to_string));
        }
        out
    }

    #[test]
    fn no_reader_finds_a_formula_whatever_its_separator() {
        let hostile = [
            "x;=cmd|' /C calc'!A0",
            "note\t+HYPERLINK(\"http://x\")",
            "a; @SUM(A1)",
            "two\nlines\r\n-2+3",
            "=1",
            " -cmd",
            "Foster care; with Gran",
            "a,=b",
        ];
        let mut t = Table::new(&["id", "note", "n"]);
        for (i, cell) in hostile.iter().enumerate() {
            t.push(vec![format!("C{i}"), cell.to_string(), format!("-{i}")]);
            t.push(vec![cell.to_string(), "-3".into(), "4.5".into()]);
        }
        t.push(vec!["-3".into(), "North".into(), "-12.5".into()]);
        t.notes.push("Left out: a;=cmd, b,+1 and c\t@x".into());
        let csv = t.to_csv();
        let csv = csv.strip_prefix(BYTE_ORDER_MARK).expect("the mark first");
        // A number in either locale (a point or a comma before the decimals).
        let number = |f: &str| is_number(f) || is_number(&f.replacen(',', ".", 1));
        for delimiter in [b',', b';', b'\t'] {
            let found = fields(csv, delimiter);
            assert!(found.len() > t.rows.len(), "{}", delimiter as char);
            for field in found {
                let start = field.trim_start_matches([' ', '\r', '\n']);
                // A field that starts with a number then runs on into the next cells (a `;`
                // reader reading "-3,North") is that number, as text: no formula.
                let first = start.split(',').next().unwrap_or_default();
                let formula = start.starts_with(['=', '+', '-', '@']);
                assert!(
                    !formula || number(start) || is_number(first),
                    "a reader splitting on {:?} finds the formula {field:?}",
                    delimiter as char
                );
            }
        }
        // The numbers are still numbers for a reader splitting on commas.
        let plain = fields(csv, b',');
        assert!(plain.contains(&"-12.5".to_string()));
        assert!(plain.contains(&"-3".to_string()));
        assert!(plain.contains(&"x;'=cmd|' /C calc'!A0".to_string()));
    }

    #[test]
    fn a_table_has_the_mark_then_rows_and_its_notes_apart() {
        let mut t = Table::new(&["group", "n"]);
        t.push(vec!["North".into(), "-3".into()]);
        assert_eq!(t.notes_text(), None);
        t.notes.push("Blank: no\ntarget".into());
        assert_eq!(t.to_csv(), "\u{feff}group,n\nNorth,-3\n");
        assert_eq!(t.notes_text().as_deref(), Some("Blank: no target\n"));
    }

    #[test]
    fn the_stream_writes_what_the_table_writes() {
        let mut t = Table::new(&["a", "b"]);
        t.push(vec!["=1".into(), "2".into()]);
        let mut w = CsvWriter::new(Vec::new(), true).expect("writes");
        w.row(&["a", "b"]).expect("writes");
        w.row(&["=1", "2"]).expect("writes");
        let bytes = w.finish().expect("flushes");
        assert_eq!(String::from_utf8(bytes).expect("UTF-8"), t.to_csv());
    }

    #[test]
    fn numbers_lose_trailing_zeros() {
        assert_eq!(number(84.0, 1), "84");
        assert_eq!(number(12.25, 1), "12.2");
        assert_eq!(number(0.5, 3), "0.5");
        assert_eq!(number(-0.0001, 2), "0");
        assert_eq!(number(f64::NAN, 2), "");
    }
}
