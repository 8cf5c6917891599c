//! Resource guards: what a workbook will cost to read, counted before (or while) it is read,
//! against the [`Limits`], so a hostile or huge file is refused with one plain-English message
//! instead of exhausting the browser tab's memory.
//!
//! [`Budget`] counts, per file: cells with values, the dense area calamine allocates for each
//! sheet (a sheet is stored as a full rectangle from its first to its last used cell), and
//! cell text. [`check_ods`] streams an OpenDocument `content.xml` and works out what
//! calamine's reader would expand it to (`number-rows-repeated`, `number-columns-repeated`
//! and `text:s` multiply a few bytes of XML into millions of cells or characters), because
//! calamine reads every sheet of an `.ods` file as soon as it is opened.
//!
//! [`check_shared_strings`] reads just the start of an xlsx's shared-strings part, whose
//! declared count calamine trusts.
//!
//! This module owns the counting and the messages. The zip container's own checks are in
//! `file`; `.xls` files are rebuilt by `xls_clean`, which counts with the same [`Budget`].

use super::sheet::column_letters;
use super::Limits;
use crate::diagnostics::{Code, Diagnostic, Severity};
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Read, Seek};

/// What reading one file has cost so far.
pub struct Budget<'l> {
    limits: &'l Limits,
    cells: u64,
    area: u64,
    text: u64,
}

impl<'l> Budget<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        Budget {
            limits,
            cells: 0,
            area: 0,
            text: 0,
        }
    }

    /// Counts cells read (each costs memory before the sheet is laid out).
    pub fn add_cells(&mut self, n: u64) -> Result<(), Box<Diagnostic>> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > self.limits.max_cells {
            return Err(fatal(
                Code::TooLarge,
                format!(
                    "The workbook has more than {} cells with values. Driftline reads at most {} cells from one file, so that the browser tab does not run out of memory. Delete the columns and rows Driftline does not need, or split the file, and load it again.",
                    thousands(self.limits.max_cells),
                    thousands(self.limits.max_cells)
                ),
            ));
        }
        Ok(())
    }

    /// Counts the dense rectangle a sheet occupies, `(first row, first column)` to
    /// `(last row, last column)`, 0-based.
    pub fn add_area(
        &mut self,
        bounds: Option<((u32, u32), (u32, u32))>,
        sheet: Option<&str>,
    ) -> Result<(), Box<Diagnostic>> {
        let Some(((r0, c0), (r1, c1))) = bounds else {
            return Ok(());
        };
        let rows = u64::from(r1.saturating_sub(r0)) + 1;
        let cols = u64::from(c1.saturating_sub(c0)) + 1;
        let area = rows.saturating_mul(cols);
        self.area = self.area.saturating_add(area);
        if self.area > self.limits.max_cells {
            let which = match sheet {
                Some(name) => format!("The sheet \"{name}\""),
                None => "A sheet".to_string(),
            };
            return Err(fatal(
                Code::TooLarge,
                format!(
                    "{which} reaches from cell {} to cell {}: read as a table that is {} cells, more than the {} cells Driftline reads from one file. A stray value or formatting far below or to the right of the table usually causes this. Delete the empty rows and columns after the table (or copy the table into a new workbook), save, and load it again.",
                    cell_name(r0, c0),
                    cell_name(r1, c1),
                    thousands(area),
                    thousands(self.limits.max_cells)
                ),
            ));
        }
        Ok(())
    }

    /// Counts bytes of cell text (`what` says where it comes from, for the message).
    pub fn add_text(&mut self, n: u64, what: &str) -> Result<(), Box<Diagnostic>> {
        self.text = self.text.saturating_add(n);
        if self.text > self.limits.max_text_bytes {
            return Err(fatal(
                Code::TooLarge,
                format!(
                    "The workbook holds more than {} MB of text in its cells ({what}), more than Driftline reads from one file, so that the browser tab does not run out of memory. Often one long text is repeated in many cells. Remove the text columns Driftline does not need (notes, comments), or split the file, and load it again.",
                    mb(self.limits.max_text_bytes)
                ),
            ));
        }
        Ok(())
    }
}

/// A spreadsheet cell name such as `XFD1048576` for 0-based coordinates.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col as usize), u64::from(row) + 1)
}

/// Bytes as whole megabytes (MiB, as operating systems show file sizes), rounded down.
pub fn mb(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

pub fn fatal(code: Code, message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(Diagnostic::new(Severity::Fatal, code, message))
}

// --- Shared strings (xlsx) ---------------------------------------------------------------

/// The smallest XML a shared string can take: `<si/>`.
const SMALLEST_SHARED_STRING: u64 = 5;
/// What calamine reserves for each shared string before reading any (a `String`, natively).
const BYTES_PER_SHARED_STRING: u64 = 24;

/// Checks an xlsx's shared-strings part before calamine reads it: its size against the text
/// limit, and the `uniqueCount` its `<sst>` element declares, for which calamine reserves
/// room before reading a single string. A 200-byte file declaring 100 billion strings made
/// it ask for 2.4 TB and abort; one declaring 2⁶⁴ − 1 made it panic.
pub fn check_shared_strings<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    limits: &Limits,
) -> Result<(), Box<Diagnostic>> {
    let Ok(file) = archive.by_name(name) else {
        return Ok(());
    };
    let size = file.size();
    let too_much_text = || {
        fatal(
            Code::TooLarge,
            format!(
                "The workbook's table of shared text is too large: more than the {} MB of text Driftline reads from one file, so that the browser tab does not run out of memory. Remove the text columns Driftline does not need (notes, comments), or split the file, and load it again.",
                mb(limits.max_text_bytes)
            ),
        )
    };
    if size > limits.max_text_bytes {
        return Err(too_much_text());
    }
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(file));
    let mut buf = Vec::new();
    let declared = loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                break attr(&e, "uniqueCount");
            }
            Ok(Event::Start(_)) | Ok(Event::Empty(_)) | Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    };
    let Some(declared) = declared else {
        return Ok(());
    };
    let digits = declared.trim().trim_start_matches('+');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let count = digits.parse::<u64>().unwrap_or(u64::MAX);
    if count > size / SMALLEST_SHARED_STRING + 1 {
        return Err(fatal(
            Code::CorruptWorkbook,
            format!(
                "The workbook could not be read: its table of shared text says it holds {} entries, more than its {} bytes can hold, so it is damaged (or built to exhaust memory). Open it in Excel, save a new copy and load that.",
                thousands(count),
                thousands(size)
            ),
        ));
    }
    if count.saturating_mul(BYTES_PER_SHARED_STRING) > limits.max_text_bytes {
        return Err(too_much_text());
    }
    Ok(())
}

// --- OpenDocument ------------------------------------------------------------------------

/// calamine's caps on an `.ods` sheet (its `MAX_ROWS` and `MAX_COLUMNS`).
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// Works out what calamine will build from an `.ods` file's `content.xml` and checks it
/// against the limits.
pub fn check_ods<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    limits: &Limits,
) -> Result<(), Box<Diagnostic>> {
    let Ok(file) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(file));
    // As calamine reads it: `<a/>` is a start and an end.
    reader.config_mut().check_end_names = false;
    reader.config_mut().expand_empty_elements = true;
    let mut budget = Budget::new(limits);
    let mut buf = Vec::new();
    let mut inner = Vec::new();
    let mut table: Option<OdsTable> = None;
    loop {
        buf.clear();
        let e = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => return Ok(()),
            Err(e) => return Err(ods_xml_error(&e)),
            Ok(Event::End(e)) => {
                match (e.name().as_ref(), table.as_mut()) {
                    ("table:table", _) => {
                        if let Some(t) = table.take() {
                            t.finish(&mut budget)?;
                        }
                    }
                    ("table:table-row", Some(t)) => t.end_row(&mut budget)?,
                    _ => {}
                }
                continue;
            }
            Ok(Event::Start(e)) => e,
            Ok(_) => continue,
        };
        match e.name().as_ref() {
            "table:table" => table = Some(OdsTable::new(attr(&e, "table:name"))),
            "table:table-row" => {
                if let Some(t) = table.as_mut() {
                    t.start_row(number(&e, "table:number-rows-repeated"), &mut budget)?;
                }
            }
            name @ ("table:table-cell" | "table:covered-table-cell") => {
                let Some(t) = table.as_mut() else {
                    continue;
                };
                let name = name.to_string();
                let repeats = number(&e, "table:number-columns-repeated");
                let mut has_value = false;
                let mut text = 0u64;
                for a in e.attributes().flatten() {
                    match a.key.as_ref() {
                        "office:value"
                        | "office:boolean-value"
                        | "office:value-type"
                        | "calcext:value-type" => has_value = true,
                        "office:string-value"
                        | "office:date-value"
                        | "office:time-value"
                        | "table:formula" => {
                            has_value = true;
                            text += a.value.len() as u64;
                        }
                        _ => {}
                    }
                }
                // The cell's content: its text, with `text:s` runs of spaces expanded.
                loop {
                    inner.clear();
                    match reader.read_event_into(&mut inner) {
                        Ok(Event::Text(t)) => text += t.len() as u64,
                        Ok(Event::GeneralRef(_)) => text += 4,
                        Ok(Event::Start(s)) if s.name().as_ref() == "text:s" => {
                            text = text.saturating_add(number(&s, "text:c"));
                        }
                        Ok(Event::Start(_)) => text += 1,
                        Ok(Event::End(end)) if end.name().as_ref() == name => break,
                        Ok(Event::Eof) => return Ok(()),
                        Err(e) => return Err(ods_xml_error(&e)),
                        Ok(_) => {}
                    }
                }
                t.cell(repeats, has_value, text);
            }
            _ => {}
        }
    }
}

/// One table's running counts, mirroring calamine's `read_table`, `read_row` and `get_range`.
struct OdsTable {
    name: Option<String>,
    /// Rows so far, repeats included (capped as calamine caps them).
    rows: u64,
    first_used_row: Option<u64>,
    /// The row after the last row with a value.
    used_rows_end: u64,
    /// The widest row with a value (its last value's column + 1).
    width: u64,
    /// Cells pushed for rows before the dense layout (calamine keeps them all).
    raw_cells: u64,
    // The current row.
    row_repeats: u64,
    pushed: u64,
    deferred_empty: u64,
    row_width: u64,
    row_text: u64,
}

impl OdsTable {
    fn new(name: Option<String>) -> Self {
        OdsTable {
            name,
            rows: 0,
            first_used_row: None,
            used_rows_end: 0,
            width: 0,
            raw_cells: 0,
            row_repeats: 1,
            pushed: 0,
            deferred_empty: 0,
            row_width: 0,
            row_text: 0,
        }
    }

    fn start_row(&mut self, repeats: u64, budget: &mut Budget<'_>) -> Result<(), Box<Diagnostic>> {
        self.row_repeats = repeats.min(ODS_MAX_ROWS.saturating_sub(self.rows));
        self.pushed = 0;
        self.deferred_empty = 0;
        self.row_width = 0;
        self.row_text = 0;
        // Every row element costs memory even when it holds nothing.
        budget.add_cells(1)
    }

    fn cell(&mut self, repeats: u64, has_value: bool, text: u64) {
        let room = ODS_MAX_COLUMNS.saturating_sub(self.pushed);
        if has_value {
            // Empty cells before a value are pushed; trailing empty cells never are.
            self.pushed += self.deferred_empty.min(room);
            self.deferred_empty = 0;
            let n = repeats.min(ODS_MAX_COLUMNS.saturating_sub(self.pushed));
            self.pushed += n;
            self.row_width = self.pushed;
            self.row_text = self.row_text.saturating_add(text.saturating_mul(n.max(1)));
        } else {
            self.deferred_empty = repeats.min(room);
        }
    }

    fn end_row(&mut self, budget: &mut Budget<'_>) -> Result<(), Box<Diagnostic>> {
        self.raw_cells += self.pushed;
        budget.add_cells(self.pushed)?;
        // Each repeat of a row is a copy of its text.
        budget.add_text(
            self.row_text.saturating_mul(self.row_repeats.max(1)),
            "repeated cells",
        )?;
        if self.row_width > 0 {
            self.first_used_row.get_or_insert(self.rows);
            self.used_rows_end = self.rows + self.row_repeats;
            self.width = self.width.max(self.row_width);
        }
        self.rows += self.row_repeats;
        self.pushed = 0;
        self.row_width = 0;
        self.row_text = 0;
        Ok(())
    }

    fn finish(self, budget: &mut Budget<'_>) -> Result<(), Box<Diagnostic>> {
        let Some(first) = self.first_used_row else {
            return Ok(());
        };
        let rows = self.used_rows_end.saturating_sub(first);
        if rows == 0 || self.width == 0 {
            return Ok(());
        }
        // The dense layout replaces the raw cells; count it beyond what was already counted.
        let dense = rows.saturating_mul(self.width);
        budget.add_cells(dense.saturating_sub(self.raw_cells))?;
        let to_u32 = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        budget.add_area(
            Some((
                (to_u32(first), 0),
                (to_u32(first + rows - 1), to_u32(self.width - 1)),
            )),
            self.name.as_deref(),
        )
    }
}

/// The XML of an `.ods` is broken where the guard reads it: calamine, reading the same XML
/// with the same reader, would stop there too. Refused here, so that nothing past the point
/// the guard could count is ever expanded.
fn ods_xml_error(e: &quick_xml::Error) -> Box<Diagnostic> {
    fatal(
        Code::CorruptWorkbook,
        format!("The workbook could not be read: its content is damaged ({e}). Open it in LibreOffice or Excel, save a new copy and load that."),
    )
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

/// A whole-number attribute; 1 when absent or unreadable (calamine stops on unreadable ones).
fn number(e: &BytesStart<'_>, key: &str) -> u64 {
    attr(e, key)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_cell_names_read_as_in_excel() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(17_179_869_184), "17,179,869,184");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(u32::MAX, 0), "A4294967296");
    }

    #[test]
    fn the_budget_counts_area_across_sheets() {
        let limits = Limits {
            max_cells: 100,
            ..Limits::default()
        };
        let mut b = Budget::new(&limits);
        assert!(b.add_area(Some(((0, 0), (9, 4))), Some("A")).is_ok());
        assert!(b.add_area(Some(((0, 0), (9, 4))), Some("B")).is_ok());
        let err = b.add_area(Some(((0, 0), (0, 0))), Some("C")).unwrap_err();
        assert_eq!(err.code, Code::TooLarge);
        assert!(
            err.message
                .contains("\"C\" reaches from cell A1 to cell A1"),
            "{}",
            err.message
        );
    }
}
