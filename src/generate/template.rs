//! Writers for the Driftline template: four CSV files or one workbook with four sheets
//! (`Children`, `Placements`, `Legal`, `Events`), with the template's headers.
//!
//! This module owns the cell layout of the template tables, the row sinks (CSV into any
//! `Write`; xlsx through `rust_xlsxwriter`, native only), and the messiness only a file can
//! hold: day-first short dates (`4/3/21`) and rows that must be rejected (a missing child id,
//! an impossible or unreadable date), written *in addition to* the real rows so the usable
//! rows are exactly the [`Records`] given. It knows nothing about how journeys are simulated.

use super::rng::Rng;
use super::text;
use super::GenerateConfig;
use crate::model::Records;
use chrono::{Datelike, NaiveDate};
use std::io::{self, Write};

/// The CSV file names, in table order.
pub const CSV_FILES: [&str; 4] = ["children.csv", "placements.csv", "legal.csv", "events.csv"];
/// The sheet names, in table order.
pub const SHEETS: [&str; 4] = ["Children", "Placements", "Legal", "Events"];
/// The workbook's file name.
pub const XLSX_FILE: &str = "driftline.xlsx";

/// The template headers, in table order.
pub const HEADERS: [&[&str]; 4] = [
    &[
        "child_id",
        "date_of_birth",
        "sex",
        "local_authority",
        "team",
    ],
    &[
        "child_id",
        "start_date",
        "end_date",
        "placement_type",
        "carer",
        "legal_status",
    ],
    &["child_id", "start_date", "end_date", "legal_status"],
    &["child_id", "date", "event", "detail"],
];

/// The random stream of the file-level messiness.
const STREAM_FILE_MESS: u64 = 7;

/// How dates are written in CSV files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DateStyle {
    /// `04/03/2021`.
    #[default]
    Uk,
    /// `2021-03-04`.
    Iso,
}

/// One cell of a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    /// A date, written in the sink's style (a real date cell in a workbook).
    Date(NaiveDate),
    /// A date written as short day-first text (`4/3/21`), in any sink.
    ShortDate(NaiveDate),
    Blank,
}

/// Where the rows of one table go.
pub trait RowSink {
    /// Writes one row.
    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()>;
}

/// A CSV table written to any `Write` (pass a `BufWriter` for files, or `&mut Vec<u8>`).
#[derive(Debug)]
pub struct CsvSink<W: Write> {
    out: W,
    style: DateStyle,
    line: Vec<u8>,
    bytes: u64,
}

impl<W: Write> CsvSink<W> {
    pub fn new(out: W, style: DateStyle) -> Self {
        CsvSink {
            out,
            style,
            line: Vec::with_capacity(128),
            bytes: 0,
        }
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.bytes
    }

    /// The underlying writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> RowSink for CsvSink<W> {
    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        let line = &mut self.line;
        line.clear();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            match *c {
                Cell::Text(s) => text::push_field(line, s),
                Cell::Date(d) => match self.style {
                    DateStyle::Uk => text::push_uk(line, d),
                    DateStyle::Iso => text::push_iso(line, d),
                },
                Cell::ShortDate(d) => text::push_short(line, d),
                Cell::Blank => {}
            }
        }
        line.push(b'\n');
        self.bytes += line.len() as u64;
        self.out.write_all(line)
    }
}

/// One value per template table, in table order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TemplateTables<S> {
    pub children: S,
    pub placements: S,
    pub legal: S,
    pub events: S,
}

impl<S> TemplateTables<S> {
    /// The four values in table order.
    pub fn into_array(self) -> [S; 4] {
        [self.children, self.placements, self.legal, self.events]
    }

    fn get(&mut self, table: usize) -> &mut S {
        match table {
            0 => &mut self.children,
            1 => &mut self.placements,
            2 => &mut self.legal,
            _ => &mut self.events,
        }
    }
}

/// Writes [`Records`] as template tables, in as many chunks as wanted, adding the
/// file-level messiness of the configuration.
#[derive(Debug)]
pub struct TemplateWriter<S: RowSink> {
    tables: TemplateTables<S>,
    rng: Rng,
    rate: f64,
    rows: [u64; 4],
}

impl<S: RowSink> TemplateWriter<S> {
    /// Writes the four headers. Messiness follows `config.messy_rate` and `config.seed`.
    pub fn new(tables: TemplateTables<S>, config: &GenerateConfig) -> io::Result<Self> {
        let mut w = TemplateWriter {
            tables,
            rng: Rng::new(config.seed, STREAM_FILE_MESS, 0),
            rate: config.messy_rate.clamp(0.0, 1.0),
            rows: [0; 4],
        };
        for (t, header) in HEADERS.iter().enumerate() {
            let cells: Vec<Cell<'_>> = header.iter().map(|h| Cell::Text(h)).collect();
            w.tables.get(t).row(&cells)?;
        }
        Ok(w)
    }

    fn hit(&mut self, scale: f64) -> bool {
        self.rate > 0.0 && self.rng.chance(self.rate * scale)
    }

    /// A date cell: now and then written short (only where a two-digit year is read back
    /// unambiguously, 1930–2029).
    fn date(&mut self, d: NaiveDate) -> Cell<'static> {
        if (1930..=2029).contains(&d.year()) && self.hit(0.5) {
            Cell::ShortDate(d)
        } else {
            Cell::Date(d)
        }
    }

    fn opt_date(&mut self, d: Option<NaiveDate>) -> Cell<'static> {
        match d {
            Some(d) => self.date(d),
            None => Cell::Blank,
        }
    }

    /// Writes a row, first writing (now and then) a broken copy that must be rejected: the
    /// child id blanked, or the required date (cell `date_col`) impossible or unreadable.
    fn emit(
        &mut self,
        table: usize,
        cells: &[Cell<'_>],
        date_col: Option<usize>,
    ) -> io::Result<()> {
        if self.hit(0.1) {
            let mut broken: Vec<Cell<'_>> = cells.to_vec();
            let impossible;
            match (date_col, self.rng.below(3)) {
                (Some(c), 1) => {
                    let year = match cells[c] {
                        Cell::Date(d) | Cell::ShortDate(d) => d,
                        _ => NaiveDate::default(),
                    };
                    impossible = super::records::impossible_date(year);
                    broken[c] = Cell::Text(&impossible);
                }
                (Some(c), 2) => broken[c] = Cell::Text("not known"),
                _ => broken[0] = Cell::Blank,
            }
            self.tables.get(table).row(&broken)?;
            self.rows[table] += 1;
        }
        self.tables.get(table).row(cells)?;
        self.rows[table] += 1;
        Ok(())
    }

    /// Appends every row of `records`.
    pub fn write(&mut self, records: &Records) -> io::Result<()> {
        for c in &records.children {
            let dob = self.opt_date(c.date_of_birth);
            let sex = match c.sex.as_deref() {
                Some(s) if self.hit(1.0) => Cell::Text(sex_variant(s, self.rng.below(3))),
                other => opt_text(other),
            };
            let cells = [
                Cell::Text(&c.child_id),
                dob,
                sex,
                opt_text(c.local_authority.as_deref()),
                opt_text(c.team.as_deref()),
            ];
            self.emit(0, &cells, None)?;
        }
        for p in &records.placements {
            let start = self.date(p.start);
            let end = self.opt_date(p.end);
            let cells = [
                Cell::Text(&p.child_id),
                start,
                end,
                Cell::Text(&p.placement_type),
                opt_text(p.carer.as_deref()),
                opt_text(p.legal_status.as_deref()),
            ];
            self.emit(1, &cells, Some(1))?;
        }
        for l in &records.legal {
            let start = self.date(l.start);
            let end = self.opt_date(l.end);
            let cells = [
                Cell::Text(&l.child_id),
                start,
                end,
                Cell::Text(&l.legal_status),
            ];
            self.emit(2, &cells, Some(1))?;
        }
        for e in &records.events {
            let date = self.date(e.date);
            let cells = [
                Cell::Text(&e.child_id),
                date,
                Cell::Text(&e.label),
                opt_text(e.detail.as_deref()),
            ];
            self.emit(3, &cells, Some(1))?;
        }
        Ok(())
    }

    /// The data rows written per table (rejected copies included) and the sinks.
    pub fn finish(self) -> ([u64; 4], TemplateTables<S>) {
        (self.rows, self.tables)
    }
}

/// Other spellings of `Male` and `Female` that loaders read back as those.
fn sex_variant(s: &str, k: u64) -> &str {
    match (s, k) {
        ("Male", 0) => "M",
        ("Male", 1) => "male",
        ("Male", _) => "MALE",
        ("Female", 0) => "F",
        ("Female", 1) => "female",
        ("Female", _) => "FEMALE",
        _ => s,
    }
}

fn opt_text(s: Option<&str>) -> Cell<'_> {
    match s {
        Some(s) => Cell::Text(s),
        None => Cell::Blank,
    }
}

/// Generates `config`'s cohort into four CSV buffers (children, placements, legal, events).
pub fn template_csv_bytes(config: &GenerateConfig, style: DateStyle) -> io::Result<[Vec<u8>; 4]> {
    let tables = TemplateTables {
        children: CsvSink::new(Vec::new(), style),
        placements: CsvSink::new(Vec::new(), style),
        legal: CsvSink::new(Vec::new(), style),
        events: CsvSink::new(Vec::new(), style),
    };
    let mut w = TemplateWriter::new(tables, config)?;
    let mut proj = super::records::Projector::new(config);
    for j in super::journeys(config) {
        w.write(&proj.project(&j))?;
    }
    let (_, tables) = w.finish();
    Ok(tables.into_array().map(CsvSink::into_inner))
}

#[cfg(not(target_arch = "wasm32"))]
pub use xlsx::{template_xlsx_bytes, write_xlsx, XlsxSink};

#[cfg(not(target_arch = "wasm32"))]
mod xlsx {
    use super::{text, Cell, RowSink, TemplateTables, TemplateWriter, HEADERS, SHEETS};
    use crate::generate::{journeys, records, GenerateConfig, Written};
    use chrono::Datelike;
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
    use std::io::{self, Write};

    /// Excel's row limit per sheet.
    const MAX_ROWS: u32 = 1_048_576;

    fn io_err(e: XlsxError) -> io::Error {
        io::Error::other(e.to_string())
    }

    /// A worksheet being filled row by row, with real date cells.
    pub struct XlsxSink {
        sheet: Worksheet,
        row: u32,
        date: Format,
    }

    impl XlsxSink {
        /// A new sheet with the given name.
        pub fn new(name: &str) -> io::Result<Self> {
            let mut sheet = Worksheet::new();
            sheet.set_name(name).map_err(io_err)?;
            Ok(XlsxSink {
                sheet,
                row: 0,
                date: Format::new().set_num_format("dd/mm/yyyy"),
            })
        }

        /// The finished worksheet.
        pub fn into_sheet(self) -> Worksheet {
            self.sheet
        }
    }

    impl RowSink for XlsxSink {
        fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
            if self.row >= MAX_ROWS {
                return Err(io::Error::other(
                    "more rows than an Excel worksheet holds (1,048,576); generate fewer children or use CSV",
                ));
            }
            for (c, cell) in cells.iter().enumerate() {
                let c = c as u16;
                match *cell {
                    Cell::Text(s) => {
                        self.sheet.write_string(self.row, c, s).map_err(io_err)?;
                    }
                    Cell::Date(d) => {
                        self.sheet
                            .write_number_with_format(
                                self.row,
                                c,
                                text::excel_serial(d),
                                &self.date,
                            )
                            .map_err(io_err)?;
                    }
                    Cell::ShortDate(d) => {
                        self.sheet
                            .write_string(self.row, c, text::short(d))
                            .map_err(io_err)?;
                    }
                    Cell::Blank => {}
                }
            }
            self.row += 1;
            Ok(())
        }
    }

    /// Generates `config`'s cohort as one template workbook written to `out`.
    pub fn write_xlsx<W: Write + Send>(config: &GenerateConfig, out: W) -> io::Result<Written> {
        let sinks = TemplateTables {
            children: XlsxSink::new(SHEETS[0])?,
            placements: XlsxSink::new(SHEETS[1])?,
            legal: XlsxSink::new(SHEETS[2])?,
            events: XlsxSink::new(SHEETS[3])?,
        };
        let mut w = TemplateWriter::new(sinks, config)?;
        let mut proj = records::Projector::new(config);
        for j in journeys(config) {
            w.write(&proj.project(&j))?;
        }
        let (counts, sinks) = w.finish();
        let mut book = Workbook::new();
        // The creation time would otherwise be the clock's: use the "as at" date so that the
        // same configuration gives the same bytes.
        let a = config.as_at;
        let created = ExcelDateTime::from_ymd(
            u16::try_from(a.year()).unwrap_or(2000),
            a.month() as u8,
            a.day() as u8,
        )
        .map_err(io_err)?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let mut written = Written::default();
        for ((sink, name), (n, header)) in sinks
            .into_array()
            .into_iter()
            .zip(SHEETS)
            .zip(counts.into_iter().zip(HEADERS))
        {
            let mut sheet = sink.into_sheet();
            for c in 0..header.len() {
                sheet.set_column_width(c as u16, 16).map_err(io_err)?;
            }
            book.push_worksheet(sheet);
            written.tables.push((name.to_string(), n, 0));
        }
        book.save_to_writer(out).map_err(io_err)?;
        Ok(written)
    }

    /// Generates `config`'s cohort as one template workbook in memory.
    pub fn template_xlsx_bytes(config: &GenerateConfig) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        write_xlsx(config, &mut buf)?;
        Ok(buf)
    }
}
