//! Ingest: bytes → tables → [`crate::model::Records`], with every data row either used or
//! reported.
//!
//! This module owns format detection, text decoding, CSV and workbook reading, header and
//! table recognition, date and label parsing. It knows nothing about care periods or
//! statistics.

pub mod file;
pub mod guard;
pub mod header;
pub mod labels;
pub mod mapping;
pub mod preview;
pub mod series;
pub mod sheet;
pub mod ssda903;
pub mod summary;
pub mod template;
pub mod text;
pub mod xls_clean;

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::error::Error;
use crate::model::{LegalRecord, PlacementRecord, Records};
use file::{Format, Sheet};
use header::{Recognised, TableKind};
use labels::LabelReader;
use mapping::{KindChoice, TableMapping};
use serde::{Deserialize, Serialize};
use sheet::SheetData;
use std::borrow::Cow;
use summary::{ColumnMatch, FileSummary, InputSummary, SheetSummary, TableSummary, UnknownLabel};
use template::{Sink, TableContext};

/// One input file: its name (used only in messages) and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Resource limits with defaults that fit a browser tab. Every limit is checked before the
/// memory it protects is allocated (or, for a streamed sheet, as it is read), and a file over
/// a limit is refused with one message naming the limit and what to do.
///
/// The defaults are sized for the browser: wasm32 memory cannot exceed 4 GB, and a tab is
/// often stopped well before that (2–4 GB in practice, less on a council laptop with 8 GB of
/// RAM). The file's bytes are held twice (in JavaScript and in wasm memory), and a workbook
/// sheet is laid out as a dense rectangle of cells at about 24 bytes a cell in wasm32 (32
/// natively), after a sparse list of its values at about 32 bytes a value. So the defaults
/// add up to roughly 256 MB (file) + 16 M × 56 B ≈ 900 MB (cells at the peak of laying out a
/// sheet) + 256 MB (text) + 256 MB (an xlsx's shared strings): under 2 GB at worst, while a
/// 1,000,000-row table of 16 columns still loads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest accepted file, in bytes (default 256 MiB).
    pub max_file_bytes: u64,
    /// Largest total uncompressed size of a workbook's zip entries, in bytes, as declared in
    /// the zip's directory (default 1 GiB). The zip reader stops any entry that expands past
    /// its declared size, so this bounds the XML parsed even when the declared sizes lie.
    pub max_uncompressed_bytes: u64,
    /// Most cells in one workbook, all sheets together (default 16,000,000): both the cells
    /// with values and the dense rectangle each sheet is laid out in, from its first to its
    /// last used cell. A CSV file is read row by row straight from its bytes, so
    /// `max_file_bytes` bounds it instead.
    pub max_cells: u64,
    /// Most bytes of cell text in one workbook, all sheets together, counting every copy (a
    /// long shared string used in many cells is counted each time), and the largest
    /// shared-strings part of an xlsx (default 256 MiB).
    pub max_text_bytes: u64,
    /// Longest cell Driftline reads, in characters (default 32,767: Excel's own limit). Longer
    /// cells are cut to this length with a warning.
    pub max_cell_chars: usize,
    /// Most row-level problems (rejected rows, and warnings about rows) listed one by one in
    /// a report, for reading the files and again for the data-quality checks (default
    /// 10,000; 0: no limit). The rest are counted, one note per code, and the row counts stay
    /// exact. Each listed problem costs about 400 bytes: without a cap, a file whose every
    /// row is wrong needed 18 times its own size in messages.
    pub max_listed_problems: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_uncompressed_bytes: 1024 * 1024 * 1024,
            max_cells: 16_000_000,
            max_text_bytes: 256 * 1024 * 1024,
            max_cell_chars: 32_767,
            max_listed_problems: crate::diagnostics::DEFAULT_MAX_LISTED,
        }
    }
}

pub use mapping::Mapping;

/// The result of reading every input file.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub records: Records,
    pub summary: InputSummary,
}

/// Reads every file. A file that cannot be read at all becomes a fatal diagnostic and the
/// others are still read; `Err` only when no file held a recognisable table.
pub fn load(
    files: &[InputFile<'_>],
    mapping: Option<&Mapping>,
    limits: &Limits,
) -> Result<Loaded, Error> {
    let mut loader = Loader::new(mapping, limits);
    for file in files {
        loader.add(file);
    }
    loader.finish()
}

/// Reads files one at a time, so that a caller holding many large files can let each one go
/// as soon as it has been read (the web boundary copies a file into wasm memory, reads it and
/// frees it before copying the next). [`load`] is this over a slice; the answer is the same.
pub struct Loader<'a> {
    mapping: Cow<'a, Mapping>,
    limits: &'a Limits,
    sink: Sink,
    summary: InputSummary,
    ssda903_rows: ssda903::Collector,
    /// How many files were added, and the name of the first (named in the message when it
    /// was the only one and held no table).
    files: usize,
    first_name: Option<String>,
}

impl<'a> Loader<'a> {
    /// A loader with no files yet, reading with `mapping` (or Driftline's own recognition)
    /// within `limits`.
    pub fn new(mapping: Option<&'a Mapping>, limits: &'a Limits) -> Self {
        let mapping = mapping.map_or_else(|| Cow::Owned(Mapping::default()), Cow::Borrowed);
        let labels = LabelReader::new(
            &mapping.labels.placement_type,
            &mapping.labels.legal_status,
            &mapping.labels.event,
        );
        let mut sink = Sink::new(labels);
        sink.max_cell_chars = limits.max_cell_chars;
        sink.listing = crate::diagnostics::Listing::new(limits.max_listed_problems);
        Loader {
            mapping,
            limits,
            sink,
            summary: InputSummary::default(),
            ssda903_rows: ssda903::Collector::default(),
            files: 0,
            first_name: None,
        }
    }

    /// Reads one file. Nothing borrowed from it is kept: the caller may free it afterwards.
    pub fn add(&mut self, file: &InputFile<'_>) {
        self.files += 1;
        if self.first_name.is_none() {
            self.first_name = Some(file.name.to_string());
        }
        load_file(
            file,
            &self.mapping,
            self.limits,
            &mut self.sink,
            &mut self.summary,
            &mut self.ssda903_rows,
        );
    }

    /// Finishes the load: the SSDA903 tables are joined, legal status is derived when no file
    /// gave it, and the counts are added up. `Err` when no file held a recognisable table.
    pub fn finish(self) -> Result<Loaded, Error> {
        let Loader {
            sink,
            summary,
            ssda903_rows,
            files,
            first_name,
            ..
        } = self;
        finish_load(
            sink,
            summary,
            ssda903_rows,
            if files == 1 { first_name } else { None },
        )
    }
}

fn finish_load(
    mut sink: Sink,
    mut summary: InputSummary,
    ssda903_rows: ssda903::Collector,
    only_file: Option<String>,
) -> Result<Loaded, Error> {
    if !ssda903_rows.is_empty() {
        ssda903::finish(ssda903_rows, &mut sink, &mut summary);
    }
    if summary.tables.is_empty() {
        let mut diagnostics: Vec<Diagnostic> = sink
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Fatal)
            .collect();
        if diagnostics.is_empty() {
            let mut d = Diagnostic::new(
                Severity::Fatal,
                Code::NoTableRecognised,
                "No table of placements, legal status, events or children was recognised. Driftline looks for a header row with columns such as child_id, start_date, placement_type (placements), date and event (events). Check the header row, or map the columns yourself.",
            );
            // With one file, say which; with several, the message is about all of them.
            if let Some(only) = &only_file {
                d = d.file(only);
            }
            diagnostics.push(d);
        }
        return Err(Error::new(diagnostics));
    }
    let mut records = std::mem::take(&mut sink.records);
    if !summary
        .tables
        .iter()
        .any(|t| t.kind == TableKind::Legal.id() || t.kind == ssda903::Table903::Episodes.id())
    {
        derive_legal_from_placements(&mut records, &mut sink);
    }
    summary.unknown_labels = sink
        .labels
        .unknown
        .iter()
        .map(|((field, label), count)| UnknownLabel {
            field: field.to_string(),
            label: label.clone(),
            count: *count,
            treated_as: if *field == "event" { "custom" } else { "other" }.to_string(),
        })
        .collect();
    summary.diagnostics = sink.diagnostics;
    summary.diagnostics.extend(sink.listing.summaries());
    for t in &summary.tables {
        summary.rows_read += t.rows_read;
        summary.rows_used += t.rows_used;
        summary.rows_rejected += t.rows_rejected;
    }
    if summary.rows_read == 0 {
        return Err(no_data_rows(&summary));
    }
    Ok(Loaded { records, summary })
}

/// The answer for files whose tables hold headers and not one row of data (an empty template,
/// a CSV file of headers): nothing usable, each empty table named, with the files refused.
fn no_data_rows(summary: &InputSummary) -> Error {
    let mut diagnostics: Vec<Diagnostic> = summary
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Fatal)
        .cloned()
        .collect();
    for t in &summary.tables {
        diagnostics.push(
            Diagnostic::new(
                Severity::Fatal,
                Code::NoDataRows,
                format!(
                    "The {} table{} has a header row but no rows of data under it. Fill in the rows, or check that this is the right file.",
                    t.kind.replace('_', " "),
                    t.sheet
                        .as_deref()
                        .map(|s| format!(" (sheet {s})"))
                        .unwrap_or_default()
                ),
            )
            .file(t.file.clone())
            .sheet(t.sheet.clone()),
        );
    }
    Error::new(diagnostics)
}

fn load_file(
    file: &InputFile<'_>,
    mapping: &Mapping,
    limits: &Limits,
    sink: &mut Sink,
    summary: &mut InputSummary,
    ssda903_rows: &mut ssda903::Collector,
) {
    if file.bytes.len() as u64 <= limits.max_file_bytes
        && matches!(file::detect(file.bytes), Ok(Format::Ssda903Xml))
    {
        return load_xml_return(file, sink, summary, ssda903_rows);
    }
    let (mut file_summary, sheets) = match open_file(file, limits) {
        Ok(opened) => opened,
        Err(d) => return sink.diagnostics.push(d.file(file.name)),
    };
    // Each sheet is dropped once read, so that its cells and the records read so far are not
    // all held at once.
    for owned in sheets {
        let sheet = &owned;
        sink.diagnostics.extend(sheet.notes.iter().cloned());
        // SSDA903 tables are recognised by their exact columns, unless the user mapped the sheet.
        if mapping
            .table_for(file.name, sheet.name.as_deref())
            .is_none()
        {
            if let Some(found) = ssda903::detect(sheet) {
                let index =
                    ssda903::read_sheet(file.name, sheet, found, ssda903_rows, sink, summary);
                file_summary.sheets.push(SheetSummary {
                    name: sheet.name.clone(),
                    hidden: sheet.hidden,
                    table: Some(index),
                });
                continue;
            }
        }
        let table = resolve_table(file.name, sheet, mapping, &mut sink.diagnostics)
            .map(|recognised| read_sheet(file.name, sheet, recognised, sink, summary));
        file_summary.sheets.push(SheetSummary {
            name: sheet.name.clone(),
            hidden: sheet.hidden,
            table,
        });
    }
    summary.files.push(file_summary);
}

/// Reads an SSDA903 return in its XML form (within the size limit, checked by the caller).
fn load_xml_return(
    file: &InputFile<'_>,
    sink: &mut Sink,
    summary: &mut InputSummary,
    ssda903_rows: &mut ssda903::Collector,
) {
    let decoded = match file::decode_text(file.bytes) {
        Ok(d) => d,
        Err(d) => return sink.diagnostics.push(d.file(file.name)),
    };
    let mut file_summary = FileSummary {
        name: file.name.to_string(),
        format: Format::Ssda903Xml.name().to_string(),
        encoding: Some(decoded.encoding.name().to_string()),
        delimiter: None,
        sheets: Vec::new(),
    };
    file_summary.sheets = ssda903::xml::read(file.name, &decoded.text, ssda903_rows, sink, summary);
    summary.files.push(file_summary);
}

/// The message for a file of `size` bytes over the `limit`: the page says it before reading
/// the file, the command line before reading it, and the core if it is handed one.
pub fn too_large_message(size: u64, limit: u64) -> String {
    format!(
        "The file is {} MB, more than the limit of {} MB. Split it, or remove columns and rows that are not needed.",
        guard::mb(size),
        guard::mb(limit)
    )
}

/// Checks the limits, detects the format and opens the file's sheets.
fn open_file<'a>(
    file: &InputFile<'a>,
    limits: &Limits,
) -> Result<(FileSummary, Vec<Sheet<'a>>), Box<Diagnostic>> {
    if file.bytes.len() as u64 > limits.max_file_bytes {
        return Err(Box::new(Diagnostic::new(
            Severity::Fatal,
            Code::TooLarge,
            too_large_message(file.bytes.len() as u64, limits.max_file_bytes),
        )));
    }
    let format = file::detect(file.bytes)?;
    let mut summary = FileSummary {
        name: file.name.to_string(),
        format: format.name().to_string(),
        encoding: None,
        delimiter: None,
        sheets: Vec::new(),
    };
    let sheets = if format == Format::Ssda903Xml {
        // Read by `load_xml_return`; it has no sheets to preview.
        Vec::new()
    } else if format == Format::Csv {
        let decoded = file::decode_text(file.bytes)?;
        let dialect = text::sniff(&decoded.text);
        summary.encoding = Some(decoded.encoding.name().to_string());
        summary.delimiter = Some(match dialect.delimiter {
            b'\t' => "tab".to_string(),
            d => (d as char).to_string(),
        });
        // A quote mark that never closes makes the rest of the file one cell: say so.
        let notes = text::unclosed_quote_row(&decoded.text, dialect)
            .map(|row| {
                Diagnostic::new(
                    Severity::Warning,
                    Code::UnclosedQuote,
                    format!("A quote mark (\") in row {row} is never closed, so everything from there to the end of the file was read as part of one cell: the rows after row {row} are not in the data. Open the file in a text editor, remove or close the stray quote mark in row {row}, and load the file again."),
                )
                .file(file.name)
                .row(row)
            })
            .into_iter()
            .collect();
        vec![Sheet {
            name: None,
            hidden: false,
            data: SheetData::Text {
                text: decoded.text,
                dialect,
            },
            notes,
        }]
    } else {
        let (format, sheets) = file::open_workbook(file.bytes, format, limits)?;
        summary.format = format.name().to_string();
        sheets
    };
    Ok((summary, sheets))
}

/// Decides whether a sheet is a table, of which kind, with which header row and columns,
/// applying the user's mapping. Notes why a sheet is not read.
fn resolve_table(
    file: &str,
    sheet: &Sheet<'_>,
    mapping: &Mapping,
    notes: &mut Vec<Diagnostic>,
) -> Option<Recognised> {
    let sheet_name = sheet.name.as_deref();
    let mut note = |severity: Severity, code: Code, msg: String| {
        notes.push(
            Diagnostic::new(severity, code, msg)
                .file(file)
                .sheet(sheet_name),
        );
    };
    let table_mapping = mapping.table_for(file, sheet_name);
    let choice = table_mapping
        .map(|t| t.kind_choice().unwrap_or(KindChoice::Auto))
        .unwrap_or(KindChoice::Auto);
    if choice == KindChoice::Ignore {
        note(
            Severity::Info,
            Code::TableIgnored,
            "Ignored, as the mapping asks.".into(),
        );
        return None;
    }
    let forced_header = table_mapping.and_then(|t| t.header_row);
    let head = match forced_header {
        Some(row) => row_at(&sheet.data, row).into_iter().collect(),
        None => header::head_rows(&sheet.data, header::HEADER_SEARCH_ROWS),
    };
    let Some((first_row, first_headers)) = head.first().cloned() else {
        // An empty sheet is not a problem worth reporting unless the user pointed at it.
        if table_mapping.is_some() {
            note(
                Severity::Warning,
                Code::TableIgnored,
                "The sheet the mapping names is empty (or has no such header row).".into(),
            );
        }
        return None;
    };
    let forced = |kind: TableKind| Recognised {
        kind,
        header_row: first_row,
        columns: header::map_columns(kind, &first_headers),
        headers: first_headers.clone(),
    };
    let auto = header::recognise(&head);
    let mut recognised = match (choice, auto) {
        // With a forced kind and no header row given, use the best row for that kind.
        (KindChoice::Kind(kind), Some(r)) if r.kind == kind => r,
        (KindChoice::Kind(kind), _) => forced(kind),
        (_, Some(r)) => r,
        (_, None) => match (forced_header, kind_from_mapped_columns(table_mapping)) {
            (Some(_), Some(kind)) => forced(kind),
            (Some(row), None) => {
                note(Severity::Warning, Code::TableIgnored, format!("Row {row} does not look like a header of placements, legal status, events or children. Choose the table kind in the mapping."));
                return None;
            }
            (None, _) => {
                let what = if sheet_name.is_some() {
                    "This sheet"
                } else {
                    "This file"
                };
                note(Severity::Info, Code::TableIgnored, format!("{what} has no header row Driftline recognises (looked at the first {} rows), so it was not read. If it holds data, map its columns.", header::HEADER_SEARCH_ROWS));
                return None;
            }
        },
    };
    if let Some(t) = table_mapping {
        for (field_id, name) in &t.columns {
            let Some(field) = header::Field::from_id(field_id) else {
                continue;
            };
            match find_column(&recognised.headers, name) {
                Some(col) => {
                    for c in recognised.columns.iter_mut() {
                        if *c == Some(field) {
                            *c = None;
                        }
                    }
                    if col >= recognised.columns.len() {
                        recognised.columns.resize(col + 1, None);
                        recognised.headers.resize(col + 1, String::new());
                    }
                    recognised.columns[col] = Some(field);
                }
                None => note(Severity::Warning, Code::MappingInvalid, format!("The mapping names column \"{name}\" for {field_id}, but the header row has no such column.")),
            }
        }
    }
    let missing: Vec<&str> = recognised
        .kind
        .required()
        .iter()
        .filter(|f| recognised.column_of(**f).is_none())
        .map(|f| f.id())
        .collect();
    if !missing.is_empty() {
        note(Severity::Warning, Code::TableIgnored, format!("This {} table has no {} column, so it was not read. Map the column in the mapping step.", recognised.kind.id(), missing.join(" or ")));
        return None;
    }
    Some(recognised)
}

/// Reads a recognised sheet's rows; returns its table index.
fn read_sheet(
    file: &str,
    sheet: &Sheet<'_>,
    recognised: Recognised,
    sink: &mut Sink,
    summary: &mut InputSummary,
) -> usize {
    let sheet_name = sheet.name.as_deref();
    let index = summary.tables.len();
    let ctx = TableContext {
        index: index as u32,
        file,
        sheet: sheet_name,
    };
    let counts = template::read_table(&sheet.data, &recognised, &ctx, sink);
    if sheet.hidden {
        sink.diagnostics.push(
            Diagnostic::new(
                Severity::Info,
                Code::HiddenSheetRead,
                format!(
                    "This sheet is hidden in the workbook; it was read as a {} table.",
                    recognised.kind.id()
                ),
            )
            .file(file)
            .sheet(sheet_name),
        );
    }
    let first_column = sheet.data.first_column();
    summary.tables.push(TableSummary {
        file: file.to_string(),
        sheet: sheet.name.clone(),
        kind: recognised.kind.id().to_string(),
        header_row: recognised.header_row,
        columns: recognised
            .headers
            .iter()
            .enumerate()
            .map(|(i, h)| ColumnMatch {
                field: match recognised.columns.get(i).copied().flatten() {
                    Some(f) => f.id().to_string(),
                    None if recognised.kind == TableKind::Children && !h.trim().is_empty() => {
                        "attribute".to_string()
                    }
                    None => "ignored".to_string(),
                },
                header: h.clone(),
                index: i + first_column,
            })
            .collect(),
        rows_read: counts.read,
        rows_used: counts.used,
        rows_rejected: counts.rejected,
    });
    index
}

/// The kind whose required columns the mapping's explicit columns cover.
fn kind_from_mapped_columns(table_mapping: Option<&TableMapping>) -> Option<TableKind> {
    let t = table_mapping?;
    TableKind::ALL
        .into_iter()
        .find(|k| k.required().iter().all(|f| t.columns.contains_key(f.id())))
}

/// The texts of the row with the given user-visible number.
fn row_at(data: &SheetData<'_>, wanted: u32) -> Option<(u32, Vec<String>)> {
    let mut found = None;
    data.for_each_row(&mut |row, cells| {
        if row == wanted {
            found = Some((row, cells.iter().map(|c| c.text().into_owned()).collect()));
        }
        row < wanted
    });
    found
}

/// A column by header text (ignoring case and punctuation) or by Excel letter.
fn find_column(headers: &[String], name: &str) -> Option<usize> {
    let n = header::normalise(name);
    if let Some(i) = headers.iter().position(|h| header::normalise(h) == n) {
        return Some(i);
    }
    let letters = name.trim();
    if !letters.is_empty() && letters.len() <= 3 && letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        let mut index = 0usize;
        for b in letters.bytes() {
            index = index * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1);
        }
        return Some(index - 1);
    }
    None
}

/// Without a legal status table, legal spells come from the placements' legal status column:
/// consecutive placements with the same status become one spell.
fn derive_legal_from_placements(records: &mut Records, sink: &mut Sink) {
    let mut by_child: Vec<&PlacementRecord> = records
        .placements
        .iter()
        .filter(|p| p.legal_status.is_some())
        .collect();
    // Hot: every placement with a legal status (see `crate::sort`).
    #[allow(clippy::disallowed_methods)]
    by_child.sort_by(|a, b| (&a.child_id, a.start).cmp(&(&b.child_id, b.start)));
    let mut spells: Vec<LegalRecord> = Vec::new();
    for p in by_child {
        let Some(status) = &p.legal_status else {
            continue;
        };
        if let Some(last) = spells.last_mut() {
            let adjoining = last
                .end
                .is_none_or(|e| p.start <= e.checked_add_days(chrono::Days::new(1)).unwrap_or(e));
            if last.child_id == p.child_id && last.legal_status == *status && adjoining {
                last.end = match (last.end, p.end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                continue;
            }
        }
        spells.push(LegalRecord {
            child_id: p.child_id.clone(),
            start: p.start,
            end: p.end,
            category: sink.labels.legal(status).value,
            legal_status: status.clone(),
            source: p.source,
        });
    }
    records.legal = spells;
}
