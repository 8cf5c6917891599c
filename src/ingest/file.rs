//! One input file → its sheets. Detects the format from the bytes (never the file name),
//! refuses what is not a spreadsheet with one plain-English message, and checks the resource
//! limits before any expensive work (zip entries' uncompressed sizes, sheet cell counts).

use super::sheet::SheetData;
use super::text::{self, Encoding};
use super::Limits;
use crate::diagnostics::{Code, Diagnostic, Severity};
use calamine::{Data, Range, Reader, SheetType, SheetVisible};
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
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

/// A sheet of a file, ready to be visited.
pub struct Sheet<'a> {
    pub name: Option<String>,
    pub hidden: bool,
    pub data: SheetData<'a>,
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
    let head = &bytes[..bytes.len().min(2048)];
    let head_text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let trimmed = head_text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with('<')
        && (trimmed.contains("<html")
            || trimmed.contains("<table")
            || trimmed.contains("<!doctype"))
    {
        return Err(fatal(
            Code::NotASpreadsheet,
            "This file is a web page (HTML), not a spreadsheet, although its name may end in .xls: some case-management systems export reports this way. Open it in Excel and use File › Save As › Excel Workbook (.xlsx) or CSV, then load the saved file.",
        ));
    }
    if trimmed.starts_with("<?xml") {
        return Err(fatal(
            Code::NotASpreadsheet,
            "This file is XML, not a spreadsheet Driftline can read (XML Spreadsheet 2003 files included). Open it in Excel and save it as .xlsx or CSV, then load the saved file.",
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
    let format = if format == Format::Xlsx {
        zip_kind(bytes, limits)?
    } else {
        format
    };
    let cursor = Cursor::new(bytes);
    let (sheets, is_1904) = match format {
        Format::Xlsx => {
            let mut wb = calamine::Xlsx::new(cursor).map_err(|e| workbook_error(&e.to_string()))?;
            let is_1904 = wb.has_1904_epoch();
            (read_sheets(&mut wb, limits)?, is_1904)
        }
        Format::Xlsb => {
            let mut wb = calamine::Xlsb::new(cursor).map_err(|e| workbook_error(&e.to_string()))?;
            let is_1904 = wb.has_1904_epoch();
            (read_sheets(&mut wb, limits)?, is_1904)
        }
        Format::Xls => {
            let mut wb = calamine::Xls::new(cursor).map_err(|e| xls_error(&e))?;
            let is_1904 = wb.has_1904_epoch();
            (read_sheets(&mut wb, limits)?, is_1904)
        }
        Format::Ods => {
            let mut wb = calamine::Ods::new(cursor).map_err(|e| workbook_error(&e.to_string()))?;
            (read_sheets(&mut wb, limits)?, false)
        }
        Format::Csv => unreachable_csv()?,
    };
    let sheets = sheets
        .into_iter()
        .map(|(name, hidden, range)| Sheet {
            name: Some(name),
            hidden,
            data: SheetData::Range { range, is_1904 },
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

type RawSheet = (String, bool, Range<Data>);

fn read_sheets<RS, R>(wb: &mut R, limits: &Limits) -> Result<Vec<RawSheet>, Box<Diagnostic>>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let metas: Vec<_> = wb.sheets_metadata().to_vec();
    let mut out = Vec::new();
    for meta in metas {
        if meta.typ != SheetType::WorkSheet {
            continue;
        }
        let range = wb.worksheet_range(&meta.name).map_err(|e| {
            fatal(
                Code::CorruptWorkbook,
                format!(
                    "The sheet \"{}\" could not be read: the workbook looks damaged ({e}). Open it in Excel, save a new copy and load that.",
                    meta.name
                ),
            )
        })?;
        let (h, w) = range.get_size();
        let cells = h as u64 * w as u64;
        if cells > limits.max_cells {
            return Err(fatal(
                Code::TooLarge,
                format!(
                    "The sheet \"{}\" has {h} rows × {w} columns ({cells} cells), more than the limit of {} cells. Remove unused columns or rows, or split the file.",
                    meta.name, limits.max_cells
                ),
            ));
        }
        out.push((meta.name, meta.visible != SheetVisible::Visible, range));
    }
    Ok(out)
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
                        limits.max_uncompressed_bytes / 1_000_000,
                        bytes.len() / 1024
                    ),
                ));
            }
        }
    }
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("content.xml") {
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
