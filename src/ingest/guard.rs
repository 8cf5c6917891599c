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
                break Tag::new(&e).attr("uniqueCount").map(str::to_string);
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
/// against the limits, and that calamine's reader will finish.
///
/// The walk follows calamine's own (`parse_content`, `read_table`, `read_row`,
/// `get_datatype`) event for event, with the same reader settings, so it sees the document
/// as calamine will. Where calamine stops with an error, the walk stops and leaves the error
/// to calamine. Where calamine would wait for an end tag past the end of the file, it loops
/// for ever: a sheet or a cell comment (`office:annotation`) left open hung it (found by the
/// `ods_content_xml` fuzz target). The walk refuses those files instead.
pub fn check_ods<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    limits: &Limits,
) -> Result<(), Box<Diagnostic>> {
    let Ok(file) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(file));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut walk = OdsWalk {
        reader,
        budget: Budget::new(limits),
        buf: Vec::new(),
    };
    match walk.content() {
        Ok(()) | Err(Stop::CalamineErrs) => Ok(()),
        Err(Stop::Refuse(d)) => Err(d),
    }
}

/// Why the walk stopped early.
enum Stop {
    /// calamine stops here with an error of its own.
    CalamineErrs,
    /// Over a limit, or calamine would never stop.
    Refuse(Box<Diagnostic>),
}

impl From<Box<Diagnostic>> for Stop {
    fn from(d: Box<Diagnostic>) -> Self {
        Stop::Refuse(d)
    }
}

struct OdsWalk<'l, B: std::io::BufRead> {
    reader: quick_xml::Reader<B>,
    budget: Budget<'l>,
    buf: Vec<u8>,
}

/// A start tag's name and the attributes the walk needs, copied out of the read buffer.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    /// Attributes the XML reader cannot parse are skipped rather than taken as the point
    /// where calamine stops: calamine has its own attribute parser, and the walk must never
    /// stop counting before calamine stops reading.
    fn new(e: &BytesStart<'_>) -> Tag {
        let attrs = e
            .attributes()
            .with_checks(false)
            .flatten()
            .map(|a| (a.key.as_ref().to_string(), a.value.into_owned()))
            .collect();
        Tag {
            name: e.name().as_ref().to_string(),
            attrs,
        }
    }

    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A whole-number attribute as calamine parses it (1 when absent).
    fn number(&self, key: &str) -> Result<u64, Stop> {
        match self.attr(key) {
            None => Ok(1),
            Some(v) => v.parse::<u64>().map_err(|_| Stop::CalamineErrs),
        }
    }
}

/// What the walk reads next.
enum Next {
    Start(Tag),
    End(String),
    Text(u64),
    /// An entity or character reference (`&amp;`): at most four bytes of text.
    Reference,
    Eof,
    Other,
}

fn never_ends(what: &str) -> Stop {
    Stop::Refuse(fatal(
        Code::CorruptWorkbook,
        format!("The workbook could not be read: its content ends inside {what} that is never closed, so it is damaged (perhaps cut short). Open it in LibreOffice or Excel, save a new copy and load that."),
    ))
}

impl<B: std::io::BufRead> OdsWalk<'_, B> {
    fn next(&mut self) -> Result<Next, Stop> {
        self.buf.clear();
        Ok(match self.reader.read_event_into(&mut self.buf) {
            Ok(Event::Start(e)) => Next::Start(Tag::new(&e)),
            Ok(Event::End(e)) => Next::End(e.name().as_ref().to_string()),
            Ok(Event::Text(t)) => Next::Text(t.len() as u64),
            Ok(Event::GeneralRef(_)) => Next::Reference,
            Ok(Event::Eof) => Next::Eof,
            Ok(_) => Next::Other,
            Err(_) => return Err(Stop::CalamineErrs),
        })
    }

    /// calamine's `parse_content`: sheets are the named `table:table` elements.
    fn content(&mut self) -> Result<(), Stop> {
        loop {
            match self.next()? {
                Next::Start(t) if t.name == "table:table" => {
                    if let Some(name) = t.attr("table:name") {
                        let name = name.to_string();
                        self.table(name)?;
                    }
                }
                Next::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// calamine's `read_table`: rows until the first `</table:table>`, which it waits for
    /// without regard to the end of the file.
    fn table(&mut self, name: String) -> Result<(), Stop> {
        let mut table = OdsTable::new(Some(name));
        loop {
            match self.next()? {
                Next::Start(t) if t.name == "table:table-row" => {
                    table.start_row(t.number("table:number-rows-repeated")?, &mut self.budget)?;
                    self.row(&mut table)?;
                    table.end_row(&mut self.budget)?;
                }
                Next::End(n) if n == "table:table" => break,
                Next::Eof => return Err(never_ends("a sheet")),
                _ => {}
            }
        }
        table.finish(&mut self.budget)?;
        Ok(())
    }

    /// calamine's `read_row`: cells until `</table:table-row>`; anything else is an error.
    fn row(&mut self, table: &mut OdsTable) -> Result<(), Stop> {
        loop {
            match self.next()? {
                Next::Start(t)
                    if t.name == "table:table-cell" || t.name == "table:covered-table-cell" =>
                {
                    let repeats = t.number("table:number-columns-repeated")?;
                    let (has_value, text) = self.cell(&t)?;
                    table.cell(repeats, has_value, text);
                }
                Next::End(n) if n == "table:table-row" => return Ok(()),
                _ => return Err(Stop::CalamineErrs),
            }
        }
    }

    /// calamine's `get_datatype` and the skip after it: whether the cell holds a value, and
    /// the bytes of text each copy of it costs.
    fn cell(&mut self, t: &Tag) -> Result<(bool, u64), Stop> {
        let (mut is_string, mut is_error, mut value_set, mut string_value_empty) =
            (false, false, false, false);
        let mut text = 0u64;
        let mut has_formula = false;
        for (key, value) in &t.attrs {
            match key.as_str() {
                "office:value" if !value_set => value_set = true,
                "office:string-value" | "office:date-value" | "office:time-value" if !value_set => {
                    text += value.len() as u64;
                    string_value_empty = key == "office:string-value" && value.is_empty();
                    value_set = true;
                }
                "office:boolean-value" if !value_set => value_set = true,
                "office:value-type" if !value_set => is_string = value == "string",
                "calcext:value-type" => is_error = value == "error",
                "table:formula" => {
                    text += value.len() as u64;
                    has_formula = !value.is_empty();
                }
                _ => {}
            }
        }
        if (!value_set && is_string) || (is_error && string_value_empty) {
            // The content is the value: read to the first cell end tag.
            loop {
                match self.next()? {
                    Next::Text(n) => text += n,
                    Next::Reference => text += 4,
                    Next::End(n) if n == "table:table-cell" || n == "table:covered-table-cell" => {
                        return Ok((true, text));
                    }
                    Next::Start(s) if s.name == "office:annotation" => loop {
                        match self.next()? {
                            Next::End(n) if n == "office:annotation" => break,
                            Next::Eof => return Err(never_ends("a cell comment")),
                            _ => {}
                        }
                    },
                    Next::Start(s) if s.name == "text:s" => {
                        text = text.saturating_add(s.number("text:c")?);
                    }
                    Next::Start(_) => text += 1,
                    Next::Eof => return Err(Stop::CalamineErrs),
                    _ => {}
                }
            }
        }
        // Otherwise calamine skips to the matching end tag (an error at the end of the file).
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Next::Start(s) if s.name == t.name => depth += 1,
                Next::End(n) if n == t.name => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Next::Eof => return Err(Stop::CalamineErrs),
                _ => {}
            }
        }
        Ok((value_set || has_formula, text))
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
