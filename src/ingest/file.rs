//! One input file → its sheets. Detects the format from the bytes (never the file name),
//! refuses what is not a spreadsheet with one plain-English message, and checks the resource
//! limits before any expensive work (zip entries' uncompressed sizes, sheet cell counts).

use super::guard::{self, Budget};
use super::sheet::{Grid, GridFull, SheetData};
use super::text::{self, Encoding};
use super::{xls_clean, Limits};
use crate::diagnostics::{Code, Diagnostic, Severity};
use calamine::{DataRef, Reader, SheetType, SheetVisible};
use std::borrow::Cow;
use std::io::Cursor;

/// A file's detected format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Csv,
    /// The SSDA903 return as submitted: XML whose first element is `EXPSSDA903`.
    Ssda903Xml,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Ssda903Xml => "ssda903-xml",
        }
    }
}

/// A sheet of a file, ready to be visited.
pub struct Sheet<'a> {
    pub name: Option<String>,
    pub hidden: bool,
    pub data: SheetData<'a>,
    /// Problems found while opening the sheet that do not stop it being read.
    pub notes: Vec<Diagnostic>,
}

/// A decoded text file (kept alive while its sheet borrows it).
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
}

/// Sniffs the container format.
pub fn detect(bytes: &[u8]) -> Result<Format, Box<Diagnostic>> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(fatal(
            Code::EmptyFile,
            "The file is empty: there is nothing to read.",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Format::Xlsx); // Refined by `zip_kind` when opened.
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
            return Err(fatal(
                Code::EncryptedWorkbook,
                "The workbook is protected with a password, so it cannot be read. Open it in Excel, remove the password (File › Info › Protect Workbook), save a copy and load that copy.",
            ));
        }
        return Ok(Format::Xls);
    }
    // Excel 2, 3 and 4 wrote a bare BIFF stream (no compound-file container): a BOF record
    // first (type 0x0009, 0x0209 or 0x0409; 4 or 6 bytes long) naming a sheet, chart, macro
    // sheet or workbook.
    if let [0x09, 0x00 | 0x02 | 0x04, 4 | 6, 0x00, _, _, 0x00 | 0x10 | 0x20 | 0x40, 0x00 | 0x01, ..] =
        bytes
    {
        return Err(fatal(
            Code::UnsupportedFormat,
            "This is a very old Excel file (Excel 4 or earlier) that Driftline cannot read. Open it in Excel or LibreOffice and save it as .xlsx, then load the saved file.",
        ));
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head_raw = String::from_utf8_lossy(head);
    if super::ssda903::xml::is_return(&head_raw) {
        return Ok(Format::Ssda903Xml);
    }
    let head_text = head_raw.to_ascii_lowercase();
    let trimmed = head_text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    // XML first: an Excel 2003 XML spreadsheet has a `<Table>` element, which is not HTML.
    let xhtml = trimmed.contains("<html") || trimmed.contains("<!doctype html");
    if trimmed.starts_with("<?xml") && !xhtml {
        return Err(fatal(
            Code::NotASpreadsheet,
            "This file is XML, but neither an SSDA903 return (whose first element is EXPSSDA903) nor a spreadsheet Driftline can read. An SSDA903 return is read as it is; an XML Spreadsheet 2003 file can be opened in Excel and saved as .xlsx or CSV.",
        ));
    }
    if trimmed.starts_with('<')
        && (xhtml || trimmed.contains("<table") || trimmed.contains("<!doctype"))
    {
        return Err(fatal(
            Code::NotASpreadsheet,
            "This file is a web page (HTML), not a spreadsheet, although its name may end in .xls: some case-management systems export reports this way. Open it in Excel and use File › Save As › Excel Workbook (.xlsx) or CSV, then load the saved file.",
        ));
    }
    if bytes.starts_with(b"%PDF") {
        return Err(fatal(
            Code::NotASpreadsheet,
            "This file is a PDF, not a spreadsheet. Load the spreadsheet or CSV export the report was made from.",
        ));
    }
    Ok(Format::Csv)
}

/// Opens a file's sheets. Returns the format, the sheets and any non-fatal notes (skipped
/// chart sheets); a fatal diagnostic if nothing in the file can be read.
pub fn open_workbook<'a>(
    bytes: &'a [u8],
    format: Format,
    limits: &Limits,
) -> Result<(Format, Vec<Sheet<'a>>), Box<Diagnostic>> {
    // Every zip goes through `zip_kind`: it holds the zip-bomb and .ods checks.
    let format = match format {
        Format::Xlsx | Format::Xlsb | Format::Ods => zip_kind(bytes, limits)?,
        _ => format,
    };
    let cursor = Cursor::new(bytes);
    let mut budget = Budget::new(limits);
    let sheets = match format {
        Format::Xlsx => {
            let mut wb = calamine::Xlsx::new(cursor).map_err(|e| workbook_error(&e.to_string()))?;
            let is_1904 = wb.has_1904_epoch();
            let mut sheets = Vec::new();
            for (name, hidden) in worksheets(&wb) {
                let mut cells = wb
                    .worksheet_cells_reader(&name)
                    .map_err(|e| sheet_error(&name, &e))?;
                // Room for the cells the sheet says it spans (most exports fill them), so that
                // the list is not grown by doubling; at most 2^20 cells (16 MB), as a sheet
                // may declare a span its values do not fill (formatted empty rows).
                let d = cells.dimensions();
                let declared = (u64::from(d.end.0.saturating_sub(d.start.0)) + 1)
                    * (u64::from(d.end.1.saturating_sub(d.start.1)) + 1);
                let room = declared.min(limits.max_cells).min(1 << 20) as usize;
                let grid =
                    read_streamed(&name, is_1904, room, || cells.next_cell(), &mut budget)?;
                sheets.push((name, hidden, grid));
            }
            sheets
        }
        // calamine's .xlsb reader indexes records without checking their length (a 3-byte
        // shared-strings part made it panic) and sizes buffers from lengths in the file.
        // .xlsb is rare in exports; it is refused with what to do rather than guarded.
        Format::Xlsb => {
            return Err(fatal(
                Code::UnsupportedFormat,
                "This is an Excel binary workbook (.xlsb), which Driftline does not read. Open it in Excel, use File › Save As › Excel Workbook (.xlsx), and load the saved file.",
            ))
        }
        Format::Xls => {
            // calamine reads the whole .xls at once and trusts it: it reads a rebuilt copy
            // holding only checked records (see `xls_clean`).
            let cleaned = xls_clean::clean(bytes, limits)?;
            let mut wb =
                calamine::Xls::new(Cursor::new(cleaned.as_slice())).map_err(|e| xls_error(&e))?;
            let is_1904 = wb.has_1904_epoch();
            read_sheets(&mut wb, is_1904, limits)?
        }
        Format::Ods => {
            // Checked by `guard::check_ods` when the zip was opened.
            let mut wb = calamine::Ods::new(cursor).map_err(|e| workbook_error(&e.to_string()))?;
            read_sheets(&mut wb, false, limits)?
        }
        Format::Csv | Format::Ssda903Xml => unreachable_csv()?,
    };
    let sheets = sheets
        .into_iter()
        .map(|(name, hidden, grid)| Sheet {
            name: Some(name),
            hidden,
            data: SheetData::Grid(grid),
            notes: Vec::new(),
        })
        .collect();
    Ok((format, sheets))
}

fn unreachable_csv<T>() -> Result<T, Box<Diagnostic>> {
    Err(fatal(
        Code::UnsupportedFormat,
        "Internal: a text file was passed to the workbook reader.",
    ))
}

/// Decodes a text file and checks that it looks like a table.
pub fn decode_text(bytes: &[u8]) -> Result<Decoded<'_>, Box<Diagnostic>> {
    let (text, encoding) = text::decode(bytes);
    if text::looks_binary(&text) {
        return Err(fatal(
            Code::NotASpreadsheet,
            "This file is not a spreadsheet or a CSV file: its contents are binary data Driftline cannot read. Load an .xlsx, .xls, .ods or .csv file.",
        ));
    }
    Ok(Decoded { text, encoding })
}

type RawSheet = (String, bool, Grid);

/// Reads every worksheet of a workbook that calamine has already read in full (.xls, .ods),
/// after the guards have counted what it would cost.
fn read_sheets<RS, R>(
    wb: &mut R,
    is_1904: bool,
    limits: &Limits,
) -> Result<Vec<RawSheet>, Box<Diagnostic>>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let mut budget = Budget::new(limits);
    let mut out = Vec::new();
    for (name, hidden) in worksheets(wb) {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| sheet_error(&name, &e))?;
        budget.add_area(range.start().zip(range.end()), Some(&name))?;
        let grid = Grid::from_range(&range, is_1904).map_err(|full| grid_full(&name, full))?;
        drop(range);
        out.push((name, hidden, grid));
    }
    Ok(out)
}

/// The worksheets of a workbook (chart sheets and the like left out), with whether each is
/// hidden.
fn worksheets<RS, R: Reader<RS>>(wb: &R) -> Vec<(String, bool)>
where
    RS: std::io::Read + std::io::Seek,
{
    wb.sheets_metadata()
        .iter()
        .filter(|m| m.typ == SheetType::WorkSheet)
        .map(|m| (m.name.clone(), m.visible != SheetVisible::Visible))
        .collect()
}

/// The last row and column of Excel's grid (0-based): 1,048,576 rows × 16,384 columns.
const LAST_ROW: u32 = 1_048_575;
const LAST_COLUMN: u32 = 16_383;

/// Reads a sheet cell by cell (xlsx is streamed), counting against the budget as it goes, into
/// a compact [`Grid`] (never a rectangle of every cell). calamine's own `worksheet_range` lays
/// out the rectangle from the first to the last cell whatever its size: one stray value in
/// cell XFD1048576 made it ask for 17 billion cells (found by
/// `tests/fixtures/bad/sparse_huge_range.xlsx`; the process aborted).
fn read_streamed<'a, E: std::fmt::Display>(
    sheet: &str,
    is_1904: bool,
    room: usize,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
    budget: &mut Budget<'_>,
) -> Result<Grid, Box<Diagnostic>> {
    let mut grid = Grid::new(is_1904);
    grid.reserve(room);
    loop {
        let cell = match next() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => return Err(sheet_error(sheet, &e)),
        };
        let (r, c) = cell.get_position();
        let value = cell.get_value();
        let text = match value {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
            DataRef::SharedString(s) => s.len(),
            _ => 0,
        };
        if r > LAST_ROW || c > LAST_COLUMN {
            return Err(fatal(
                Code::CorruptWorkbook,
                format!(
                    "The sheet \"{sheet}\" has a value in cell {}, beyond the last row or column a spreadsheet can have, so the workbook is damaged or was not written by a spreadsheet program. Open it in Excel, save a new copy and load that.",
                    guard::cell_name(r, c)
                ),
            ));
        }
        budget.add_cells(1)?;
        budget.add_text(text as u64, "text cells")?;
        grid.push(r, c, value)
            .map_err(|full| grid_full(sheet, full))?;
    }
    budget.add_area(grid.bounds(), Some(sheet))?;
    grid.finish();
    Ok(grid)
}

fn grid_full(sheet: &str, full: GridFull) -> Box<Diagnostic> {
    match full {
        GridFull::Text => fatal(
            Code::TooLarge,
            format!(
                "The sheet \"{sheet}\" holds more text than a browser tab can read (over 4 GB). Split the workbook, or export each table to its own CSV file."
            ),
        ),
        GridFull::Column(c) => fatal(
            Code::CorruptWorkbook,
            format!(
                "The sheet \"{sheet}\" has a value in column {}, beyond the last column a spreadsheet can have, so the workbook is damaged or was not written by a spreadsheet program. Open it in Excel, save a new copy and load that.",
                c as u64 + 1
            ),
        ),
    }
}

fn sheet_error(sheet: &str, e: &dyn std::fmt::Display) -> Box<Diagnostic> {
    if let Some(d) = xml_entity_error(&e.to_string()) {
        return d;
    }
    fatal(
        Code::CorruptWorkbook,
        format!(
            "The sheet \"{sheet}\" could not be read: the workbook looks damaged ({e}). Open it in Excel, save a new copy and load that."
        ),
    )
}

/// Looks inside a zip: which workbook format it is, and whether it would decompress to more
/// than the limit (a zip bomb).
fn zip_kind(bytes: &[u8], limits: &Limits) -> Result<Format, Box<Diagnostic>> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        fatal(
            Code::CorruptWorkbook,
            "The file looks like an Excel or OpenDocument workbook (a zip archive) but it is damaged or incomplete, perhaps cut short while copying. Open it in Excel and save a new copy, or export it again.",
        )
    })?;
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        // Metadata from the central directory; nothing is decompressed here.
        if let Some(Ok(name)) = archive.name_for_index(i) {
            names.push(name.to_string());
        }
    }
    let mut archive = archive;
    for i in 0..archive.len() {
        if let Ok(f) = archive.by_index_raw(i) {
            total = total.saturating_add(f.size());
            let ratio = f.size() / f.compressed_size().max(1);
            if total > limits.max_uncompressed_bytes || (f.size() > 50_000_000 && ratio > 1000) {
                return Err(fatal(
                    Code::TooLarge,
                    format!(
                        "The workbook would expand to more than {} MB when opened (it is {} KB on disk): it is too large for a browser tab, or it is built to exhaust memory (a \"zip bomb\"). Nothing was read.",
                        guard::mb(limits.max_uncompressed_bytes),
                        bytes.len() / 1024
                    ),
                ));
            }
        }
    }
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    // An xlsx's shared strings are all held in memory as soon as it is opened. calamine
    // finds them next to the workbook part, wherever the package puts it, matching names
    // without regard to case: every such entry is checked.
    let shared: Vec<String> = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .cloned()
        .collect();
    for name in shared {
        guard::check_shared_strings(&mut archive, &name, limits)?;
    }
    if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("content.xml") {
        // calamine expands every sheet of an .ods as soon as it is opened: count first.
        guard::check_ods(&mut archive, limits)?;
        Ok(Format::Ods)
    } else if has("word/document.xml") {
        Err(fatal(
            Code::NotASpreadsheet,
            "This is a Word document, not a spreadsheet. Load the spreadsheet or CSV export instead.",
        ))
    } else {
        Err(fatal(
            Code::NotASpreadsheet,
            "This file is a zip archive, not a workbook. If it holds spreadsheets, unzip it and load the .xlsx or .csv files inside.",
        ))
    }
}

fn workbook_error(detail: &str) -> Box<Diagnostic> {
    if let Some(d) = xml_entity_error(detail) {
        return d;
    }
    if detail.contains("password") {
        return fatal(
            Code::EncryptedWorkbook,
            "The workbook is protected with a password, so it cannot be read. Open it in Excel, remove the password, save a copy and load that copy.",
        );
    }
    fatal(
        Code::CorruptWorkbook,
        format!("The workbook could not be opened: it looks damaged ({detail}). Open it in Excel, save a new copy and load that."),
    )
}

/// Plain messages for two attacks the readers stop by themselves. Spreadsheets never define
/// their own XML entities; a file that does is built to expand (the "billion laughs" attack).
/// The XML reader does not expand them: it stops. And a zip entry that expands past its
/// declared size is stopped by the zip reader.
fn xml_entity_error(detail: &str) -> Option<Box<Diagnostic>> {
    if detail.contains("larger than its declared uncompressed size") {
        // The zip reader stops an entry that expands past the size the zip's directory
        // declares (a zip bomb that lies about its sizes): say so plainly.
        return Some(fatal(
            Code::CorruptWorkbook,
            "The workbook could not be read: part of it expands to more than the zip archive says it should (it is damaged, or built to exhaust memory: a \"zip bomb\"). Reading stopped there and nothing was read. Open it in Excel, save a new copy and load that.",
        ));
    }
    detail.contains("unrecognized entity").then(|| {
        fatal(
            Code::CorruptWorkbook,
            "The workbook could not be read: its XML uses entity definitions, which spreadsheet programs never write (it is damaged, or built to expand to an enormous size when read). Nothing was read. Open it in Excel, save a new copy and load that.",
        )
    })
}

fn xls_error(e: &calamine::XlsError) -> Box<Diagnostic> {
    let detail = e.to_string();
    let lower = detail.to_ascii_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        return workbook_error("password");
    }
    if lower.contains("biff") || lower.contains("version") {
        return fatal(
            Code::UnsupportedFormat,
            format!("This is an old Excel file format (Excel 95 or earlier) that Driftline cannot read ({detail}). Open it in Excel and save it as .xlsx, then load the saved file."),
        );
    }
    fatal(
        Code::CorruptWorkbook,
        format!("The .xls workbook could not be opened: it looks damaged or is not really an Excel file ({detail}). Open it in Excel, save it as .xlsx and load that."),
    )
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

fn fatal(code: Code, message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(Diagnostic::new(Severity::Fatal, code, message))
}
