//! A sheet as rows of cells, whatever file it came from: a workbook's cells (xlsx streamed
//! from calamine's cell reader; xls and ods from calamine's range) kept compactly in a
//! [`Grid`], or delimited text. Consumers visit rows with their user-visible row numbers and
//! never see the file format.

use super::text::{self, Dialect};
use crate::date::{self, DateError};
use calamine::{CellErrorType, Data, DataRef, ExcelDateTime, ExcelDateTimeType, Range};
use chrono::NaiveDate;
use rustc_hash::FxHasher;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::BuildHasherDefault;

/// One cell's value, borrowed from the sheet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Bool(bool),
    /// A date-formatted cell (its serial and date system are inside).
    ExcelDate(ExcelDateTime),
    /// A date from an OpenDocument file, as ISO text.
    IsoDate(&'a str),
    /// A formula error such as `#N/A` or `#REF!`.
    Error(&'a calamine::CellErrorType),
}

impl<'a> Cell<'a> {
    /// The cell as trimmed text; numbers are written without a trailing `.0`.
    pub fn text(&self) -> Cow<'a, str> {
        match *self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) | Cell::IsoDate(s) => Cow::Borrowed(trim(s)),
            Cell::Number(n) => Cow::Owned(format_number(n)),
            Cell::Bool(b) => Cow::Borrowed(if b { "TRUE" } else { "FALSE" }),
            Cell::ExcelDate(d) => Cow::Owned(format_number(d.as_f64())),
            Cell::Error(e) => Cow::Owned(e.to_string()),
        }
    }

    /// Whether the cell holds nothing (blank or only whitespace).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => trim(s).is_empty(),
            _ => false,
        }
    }

    /// Reads the cell as a date. `is_1904` is the workbook's date system, applied to plain
    /// numbers (date-formatted cells carry their own).
    pub fn date(&self, is_1904: bool) -> Result<NaiveDate, DateError> {
        self.date_parsed(is_1904, date::parse_date_text)
    }

    /// [`Cell::date`], with text parsed through `dates` (which remembers recent dates).
    pub fn date_with(
        &self,
        is_1904: bool,
        dates: &mut date::DateCache,
    ) -> Result<NaiveDate, DateError> {
        self.date_parsed(is_1904, |t| dates.parse(t))
    }

    fn date_parsed(
        &self,
        is_1904: bool,
        mut parse: impl FnMut(&str) -> Result<NaiveDate, DateError>,
    ) -> Result<NaiveDate, DateError> {
        match self {
            Cell::ExcelDate(d) => excel_date(d),
            Cell::Number(n) => date::from_excel_serial(*n, is_1904),
            Cell::Text(s) | Cell::IsoDate(s) => {
                let t = trim(s);
                // A whole number in text (a CSV of serials) is read as a 1900-system serial
                // when it is in the range of plausible dates (1927–2173).
                if (5..=5).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
                    if let Ok(n) = t.parse::<f64>() {
                        if n >= 10_000.0 {
                            return date::from_excel_serial(n, false);
                        }
                    }
                }
                parse(t)
            }
            Cell::Empty | Cell::Bool(_) | Cell::Error(_) => Err(DateError::NotADate),
        }
    }
}

fn excel_date(d: &ExcelDateTime) -> Result<NaiveDate, DateError> {
    if d.is_duration() {
        return Err(DateError::NotADate);
    }
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    if (y, m, day) == (1900, 2, 29) {
        return Err(DateError::Excel1900LeapBug);
    }
    let v = d.as_f64();
    if !(0.0..2_958_466.0).contains(&v) {
        return Err(DateError::SerialOutOfRange(v));
    }
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
        .ok_or(DateError::SerialOutOfRange(v))
}

/// Empties a vector and returns its allocation as a vector of another lifetime (the standard
/// library collects an empty vector in place when the element layouts match).
fn reuse<'b>(mut v: Vec<Cell<'_>>) -> Vec<Cell<'b>> {
    v.clear();
    v.into_iter().map(|_| Cell::Empty).collect()
}

/// Trims whitespace and the NUL and non-breaking space characters exports leave behind.
pub fn trim(s: &str) -> &str {
    // Most cells need no trimming: check the ends before scanning characters.
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (None, _) => s,
        (Some(&f), Some(&l)) if f > b' ' && f < 0x80 && l > b' ' && l < 0x80 => s,
        _ => s.trim_matches(|c: char| c.is_whitespace() || c == '\0' || c == '\u{FEFF}'),
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The rows of one sheet.
pub enum SheetData<'a> {
    /// Decoded text, borrowed from the input bytes when they were already UTF-8.
    Text {
        text: Cow<'a, str>,
        dialect: Dialect,
    },
    /// A workbook sheet's cells.
    Grid(Grid),
}

impl SheetData<'_> {
    /// The workbook's date system (false for text files).
    pub fn is_1904(&self) -> bool {
        matches!(self, SheetData::Grid(grid) if grid.is_1904)
    }

    /// The 0-based column offset of the first cell (a sheet may not start at column A).
    pub fn first_column(&self) -> usize {
        match self {
            SheetData::Text { .. } => 0,
            SheetData::Grid(grid) => grid.bounds.map_or(0, |((_, c), _)| c as usize),
        }
    }

    /// At least the number of non-blank rows (cheap: a count of lines that are not empty for
    /// text, the height of a grid), so readers can size their record lists once instead of
    /// doubling them.
    pub fn row_hint(&self) -> usize {
        match self {
            SheetData::Text { text, .. } => {
                // A line starts after each line break that is followed by neither another
                // break nor the end; a `\r\n` pair starts one line. Blank lines (a file
                // padded with them, say) are not counted.
                let bytes = text.as_bytes();
                let starts = memchr::memchr2_iter(b'\n', b'\r', bytes)
                    .filter(|&at| {
                        bytes
                            .get(at + 1)
                            .is_some_and(|&next| next != b'\n' && next != b'\r')
                    })
                    .count();
                starts + 1
            }
            SheetData::Grid(grid) => grid.height(),
        }
    }

    /// Calls `f` with each row's user-visible number (1-based) and cells until it returns
    /// `false`.
    pub fn for_each_row(&self, f: &mut dyn FnMut(u32, &[Cell<'_>]) -> bool) {
        match self {
            SheetData::Text { text, dialect } => {
                // One buffer serves every record: it is emptied and handed back each time.
                let mut buffer: Vec<Cell<'static>> = Vec::new();
                text::for_each_record(text, *dialect, &mut |row, record| {
                    let mut cells: Vec<Cell<'_>> = reuse(std::mem::take(&mut buffer));
                    cells.extend(record.iter().map(|s| {
                        if s.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(s)
                        }
                    }));
                    let go_on = f(row, &cells);
                    buffer = reuse(cells);
                    go_on
                });
            }
            SheetData::Grid(grid) => grid.for_each_row(f),
        }
    }
}

/// A workbook sheet's cells, laid out as a spreadsheet shows them: every row from the first
/// to the last that holds a value, each as wide as the widest, with blanks where no value is.
///
/// Only the cells with a value are stored, in row and column order, 12 bytes each; their text
/// lives in one string, each shared string once, and the rare number that an `f32` cannot
/// hold exactly in a list beside them. calamine's own `Range` stores every cell
/// of the rectangle at 32 bytes with a `String` for each text, and building it from streamed
/// cells held both at once.
#[derive(Debug, Default)]
pub struct Grid {
    cells: Vec<Stored>,
    /// Each text once, after its length (see [`Grid::text_at`]); a cell holds where its
    /// length starts.
    text: String,
    /// The numbers an `f32` cannot hold exactly (a time of day, a fraction of a penny).
    wide: Vec<f64>,
    /// Where each shared string's text already is in `text` (by the address calamine keeps it
    /// at), so that a label repeated down a column is kept once.
    shared: HashMap<usize, u32, BuildHasherDefault<FxHasher>>,
    /// The workbook's date system, which its date cells carry.
    is_1904: bool,
    /// The first and last row and column (0-based), or `None` when the sheet is empty.
    bounds: Option<((u32, u32), (u32, u32))>,
}

/// One cell with a value, in 12 bytes (a sheet of a million cells holds 12 MB, not 16): what
/// `kind` says `payload` holds.
#[derive(Debug)]
struct Stored {
    /// Text and ISO dates: where the text's length starts in `Grid::text`; numbers, dates and
    /// durations: the `f32`'s bits when an `f32` holds the value exactly (a date's serial
    /// always), else its place in `Grid::wide`; booleans: 0 or 1; errors: their place in
    /// [`ERRORS`].
    payload: u32,
    row: u32,
    column: u16,
    kind: Kind,
    /// The number is in `Grid::wide`.
    wide: bool,
}

/// The first character of a text's length in `Grid::text` that says eight hexadecimal digits
/// follow; below it, the character is the length.
const LONG: u8 = 0x7F;

/// A value as a cell keeps it: its kind, what its payload holds, and whether a number is in
/// `Grid::wide`.
type Packed = (Kind, u32, bool);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Text,
    /// An OpenDocument date or duration as ISO text.
    Iso,
    Number,
    Bool,
    /// A date-formatted number (its serial in the workbook's date system).
    Date,
    /// A duration-formatted number.
    Duration,
    Error,
}

/// Every formula error, so that a cell can point at one.
static ERRORS: [CellErrorType; 8] = [
    CellErrorType::Div0,
    CellErrorType::NA,
    CellErrorType::Name,
    CellErrorType::Null,
    CellErrorType::Num,
    CellErrorType::Ref,
    CellErrorType::Value,
    CellErrorType::GettingData,
];

/// Why a cell could not be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridFull {
    /// The sheet's text is past what a `u32` offset can address (4 GiB; the resource limits
    /// stop a sheet long before).
    Text,
    /// A value lies past column 65,536 (a spreadsheet has at most 16,384).
    Column(u32),
}

impl Grid {
    /// An empty grid for a workbook with the given date system.
    pub fn new(is_1904: bool) -> Self {
        Grid {
            is_1904,
            ..Grid::default()
        }
    }

    /// Adds a cell at (row, column), 0-based; empty cells are not stored. A later value at
    /// the same place replaces an earlier one, as in calamine's range.
    pub fn push(&mut self, row: u32, column: u32, value: &DataRef<'_>) -> Result<(), GridFull> {
        let packed = match value {
            // An empty text still counts (its place sets the grid's bounds, as in calamine's
            // range); it reads as a blank cell.
            DataRef::Empty => return Ok(()),
            DataRef::String(s) => (Kind::Text, self.text_at(s)?, false),
            DataRef::SharedString(s) => (Kind::Text, self.shared_text_at(s)?, false),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                (Kind::Iso, self.text_at(s)?, false)
            }
            DataRef::Float(f) => self.number(Kind::Number, *f),
            DataRef::Int(i) => self.number(Kind::Number, *i as f64),
            DataRef::Bool(b) => (Kind::Bool, u32::from(*b), false),
            DataRef::DateTime(d) => self.date_cell(d),
            DataRef::Error(e) => (Kind::Error, error_at(e), false),
        };
        self.place(row, column, packed)
    }

    /// Adds a cell from calamine's owned value (the .xls and .ods readers).
    fn push_data(&mut self, row: u32, column: u32, value: &Data) -> Result<(), GridFull> {
        let packed = match value {
            Data::Empty => return Ok(()),
            Data::String(s) => (Kind::Text, self.text_at(s)?, false),
            Data::DateTimeIso(s) | Data::DurationIso(s) => (Kind::Iso, self.text_at(s)?, false),
            Data::Float(f) => self.number(Kind::Number, *f),
            Data::Int(i) => self.number(Kind::Number, *i as f64),
            Data::Bool(b) => (Kind::Bool, u32::from(*b), false),
            Data::DateTime(d) => self.date_cell(d),
            Data::Error(e) => (Kind::Error, error_at(e), false),
        };
        self.place(row, column, packed)
    }

    /// Room for about `cells` values, when a file says how many to expect.
    pub fn reserve(&mut self, cells: usize) {
        self.cells.reserve(cells);
    }

    /// A grid of a range calamine has read in full, keeping the range's own bounds (which
    /// may take in blank cells at its edges).
    pub fn from_range(range: &Range<Data>, is_1904: bool) -> Result<Self, GridFull> {
        let mut grid = Grid::new(is_1904);
        if let (Some(start), Some(_)) = (range.start(), range.end()) {
            for (r, c, value) in range.used_cells() {
                grid.push_data(start.0 + r as u32, start.1 + c as u32, value)?;
            }
        }
        grid.bounds = range.start().zip(range.end());
        grid.finish();
        Ok(grid)
    }

    /// Keeps `s` after its length and returns where the length starts: one character for a
    /// text shorter than [`LONG`] bytes (its byte length as an ASCII code), else [`LONG`]
    /// followed by the length in eight hexadecimal digits. Either way `text` stays UTF-8, so
    /// a cell's text is a slice of it, checked for nothing but its bounds.
    fn text_at(&mut self, s: &str) -> Result<u32, GridFull> {
        let at = u32::try_from(self.text.len()).map_err(|_| GridFull::Text)?;
        let len = u32::try_from(s.len()).map_err(|_| GridFull::Text)?;
        // Nine characters at most for the length; the whole must stay addressable by a u32.
        at.checked_add(len)
            .and_then(|end| end.checked_add(9))
            .ok_or(GridFull::Text)?;
        match u8::try_from(len) {
            Ok(short) if short < LONG => self.text.push(char::from(short)),
            _ => {
                self.text.push(char::from(LONG));
                let _ = write!(self.text, "{len:08x}");
            }
        }
        self.text.push_str(s);
        Ok(at)
    }

    /// The text kept at `at` (see [`Grid::text_at`]).
    #[inline]
    fn text_from(&self, at: u32) -> &str {
        let at = at as usize;
        let (from, len) = match self.text.as_bytes().get(at) {
            Some(&LONG) => {
                let digits = self.text.get(at + 1..at + 9).unwrap_or_default();
                (at + 9, usize::from_str_radix(digits, 16).unwrap_or(0))
            }
            Some(&short) => (at + 1, usize::from(short)),
            None => (at, 0),
        };
        // What `text_at` wrote: whole `str`s after their lengths.
        self.text.get(from..from + len).unwrap_or_default()
    }

    /// A number as a cell keeps it: in its payload when an `f32` holds it exactly, else in
    /// `wide`.
    #[inline]
    fn number(&mut self, kind: Kind, x: f64) -> Packed {
        let narrow = x as f32;
        if f64::from(narrow).to_bits() == x.to_bits() {
            return (kind, narrow.to_bits(), false);
        }
        match u32::try_from(self.wide.len()) {
            Ok(at) => {
                self.wide.push(x);
                (kind, at, true)
            }
            // Past four billion cells of one sheet: kept as near as an `f32` comes.
            Err(_) => (kind, narrow.to_bits(), false),
        }
    }

    /// A date or duration cell: its serial, and which it is. The workbook's date system is the
    /// grid's (calamine gives every date of a workbook the workbook's).
    fn date_cell(&mut self, d: &ExcelDateTime) -> Packed {
        let kind = if d.is_duration() {
            Kind::Duration
        } else {
            Kind::Date
        };
        self.number(kind, d.as_f64())
    }

    fn shared_text_at(&mut self, s: &str) -> Result<u32, GridFull> {
        let key = s.as_ptr() as usize;
        if let Some(&at) = self.shared.get(&key) {
            return Ok(at);
        }
        let at = self.text_at(s)?;
        self.shared.insert(key, at);
        Ok(at)
    }

    fn place(&mut self, row: u32, column: u32, packed: Packed) -> Result<(), GridFull> {
        let (kind, payload, wide) = packed;
        let narrow = u16::try_from(column).map_err(|_| GridFull::Column(column))?;
        self.bounds = Some(match self.bounds {
            None => ((row, column), (row, column)),
            Some(((r0, c0), (r1, c1))) => {
                ((r0.min(row), c0.min(column)), (r1.max(row), c1.max(column)))
            }
        });
        self.cells.push(Stored {
            payload,
            row,
            column: narrow,
            kind,
            wide,
        });
        Ok(())
    }

    /// Puts the cells in row and column order, when a file listed them otherwise (stable, so
    /// a later value at the same place still comes later and wins), and gives back spare room.
    pub fn finish(&mut self) {
        let place = |c: &Stored| (c.row, c.column);
        if !self.cells.is_sorted_by_key(place) {
            // Hot: every cell of a sheet (see `crate::sort`).
            #[allow(clippy::disallowed_methods)]
            self.cells.sort_by_key(place);
        }
        self.cells.shrink_to_fit();
        self.text.shrink_to_fit();
        self.wide.shrink_to_fit();
        self.shared = HashMap::default();
    }

    /// The first and last row and column (0-based) of the values, if any.
    pub fn bounds(&self) -> Option<((u32, u32), (u32, u32))> {
        self.bounds
    }

    /// The number of rows from the first to the last.
    pub fn height(&self) -> usize {
        self.bounds
            .map_or(0, |((r0, _), (r1, _))| (r1 - r0) as usize + 1)
    }

    #[inline]
    fn cell(&self, stored: &Stored) -> Cell<'_> {
        let p = stored.payload;
        let number = || {
            if stored.wide {
                self.wide.get(p as usize).copied().unwrap_or(f64::NAN)
            } else {
                f64::from(f32::from_bits(p))
            }
        };
        match stored.kind {
            Kind::Text => Cell::Text(self.text_from(p)),
            Kind::Iso => Cell::IsoDate(self.text_from(p)),
            Kind::Number => Cell::Number(number()),
            Kind::Bool => Cell::Bool(p != 0),
            Kind::Date | Kind::Duration => {
                let kind = if stored.kind == Kind::Date {
                    ExcelDateTimeType::DateTime
                } else {
                    ExcelDateTimeType::TimeDelta
                };
                Cell::ExcelDate(ExcelDateTime::new(number(), kind, self.is_1904))
            }
            Kind::Error => Cell::Error(&ERRORS[p as usize % ERRORS.len()]),
        }
    }

    fn for_each_row(&self, f: &mut dyn FnMut(u32, &[Cell<'_>]) -> bool) {
        debug_assert!(
            self.cells.is_sorted_by_key(|c| (c.row, c.column)),
            "Grid::finish was not called"
        );
        let Some(((r0, c0), (r1, c1))) = self.bounds else {
            return;
        };
        let mut cells = vec![Cell::Empty; (c1 - c0) as usize + 1];
        let mut next = self.cells.iter().peekable();
        for row in r0..=r1 {
            cells.fill(Cell::Empty);
            while let Some(stored) = next.next_if(|c| c.row == row) {
                cells[(u32::from(stored.column) - c0) as usize] = self.cell(stored);
            }
            // Saturating: a row number past u32 cannot be shown anyway (the loaders refuse
            // cells beyond Excel's last row before this).
            if !f(row.saturating_add(1), &cells) {
                break;
            }
        }
    }
}

/// The place of an error in [`ERRORS`] (a match, so that a new kind of error fails to build).
fn error_at(e: &CellErrorType) -> u32 {
    match e {
        CellErrorType::Div0 => 0,
        CellErrorType::NA => 1,
        CellErrorType::Name => 2,
        CellErrorType::Null => 3,
        CellErrorType::Num => 4,
        CellErrorType::Ref => 5,
        CellErrorType::Value => 6,
        CellErrorType::GettingData => 7,
    }
}

/// The Excel column letters for a 0-based column index (0 → A, 26 → AA).
pub fn column_letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_match_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(19_999), "ACOF");
    }

    #[test]
    fn row_hint_bounds_the_rows_and_skips_blank_lines() {
        // (text, rows the reader yields, the hint): exact without line breaks in cells.
        let cases = [
            ("a,b\n1,2\n", 2, 2),
            ("a,b\r\n1,2\r\n\r\n\r\n3,4", 3, 3),
            ("a\r1\r\r2", 3, 3),
            ("\n\n\n\n\n\n", 0, 1),
            ("x,\"two\nlines\"\ny,z\n", 2, 3),
            ("", 0, 1),
        ];
        for (text, rows, hint) in cases {
            let data = SheetData::Text {
                text: Cow::Borrowed(text),
                dialect: text::sniff(text),
            };
            let mut n = 0;
            data.for_each_row(&mut |_, _| {
                n += 1;
                true
            });
            assert_eq!((n, data.row_hint()), (rows, hint), "{text:?}");
        }
    }

    #[test]
    fn cells_read_as_dates() {
        let d = NaiveDate::from_ymd_opt(2021, 3, 4).unwrap();
        assert_eq!(Cell::Number(44259.0).date(false), Ok(d));
        assert_eq!(Cell::Number(44259.0 - 1462.0).date(true), Ok(d));
        assert_eq!(Cell::Text("44259").date(false), Ok(d));
        assert_eq!(Cell::Text(" 04/03/2021 ").date(false), Ok(d));
        assert_eq!(Cell::IsoDate("2021-03-04T00:00:00").date(false), Ok(d));
        let dt = ExcelDateTime::new(44259.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(Cell::ExcelDate(dt).date(false), Ok(d));
        let dt = ExcelDateTime::new(
            44259.0 - 1462.0,
            calamine::ExcelDateTimeType::DateTime,
            true,
        );
        assert_eq!(Cell::ExcelDate(dt).date(false), Ok(d));
        let bug = ExcelDateTime::new(60.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(
            Cell::ExcelDate(bug).date(false),
            Err(DateError::Excel1900LeapBug)
        );
        assert!(Cell::Bool(true).date(false).is_err());
    }

    /// Every row a grid yields: its number and its cells as text ("" for a blank).
    /// Owned cell texts, to compare with `rows_of`.
    fn s(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|x| x.to_string()).collect()
    }

    fn rows_of(grid: Grid) -> Vec<(u32, Vec<String>)> {
        let data = SheetData::Grid(grid);
        let mut out = Vec::new();
        data.for_each_row(&mut |row, cells| {
            out.push((row, cells.iter().map(|c| c.text().into_owned()).collect()));
            true
        });
        out
    }

    #[test]
    fn a_grid_lays_out_the_cells_as_the_sheet_shows_them() {
        // Values at B2, D2, C4 and (out of order, then again) B4: rows 2 to 4, columns B to D,
        // row 3 blank, and the second value at B4 replacing the first.
        let mut grid = Grid::new(false);
        grid.push(1, 1, &DataRef::SharedString("id")).unwrap();
        grid.push(1, 3, &DataRef::Float(2.5)).unwrap();
        grid.push(3, 2, &DataRef::Int(7)).unwrap();
        grid.push(3, 1, &DataRef::String("first".into())).unwrap();
        grid.push(3, 1, &DataRef::Bool(true)).unwrap();
        grid.finish();
        assert_eq!(grid.bounds(), Some(((1, 1), (3, 3))));
        assert_eq!(grid.height(), 3);
        let rows = rows_of(grid);
        assert_eq!(
            rows,
            vec![
                (2, s(&["id", "", "2.5"])),
                (3, s(&["", "", ""])),
                (4, s(&["TRUE", "7", ""])),
            ]
        );
    }

    #[test]
    fn a_grid_gives_back_every_number_and_text_exactly() {
        // Whole serials, halves, a tenth, nine digits, a time of day and the extremes, with
        // the sign of zero kept.
        let numbers = [
            0.0,
            -0.0,
            44259.0,
            44259.5,
            0.1,
            123_456_789.0,
            44_259.123_456_789,
            1e300,
            f64::MIN_POSITIVE,
            -2.5,
        ];
        // Texts of 0 to 20,003 bytes, with letters of two and three bytes.
        let texts = [
            String::new(),
            "a".repeat(126),
            "b".repeat(127),
            "é".repeat(150),
            "€".repeat(6_667) + "xy",
            "Tree Tops".to_owned(),
        ];
        let mut grid = Grid::new(false);
        for (c, &x) in numbers.iter().enumerate() {
            grid.push(0, c as u32, &DataRef::Float(x)).unwrap();
            let date = ExcelDateTime::new(x, calamine::ExcelDateTimeType::TimeDelta, false);
            grid.push(1, c as u32, &DataRef::DateTime(date)).unwrap();
        }
        for (c, t) in texts.iter().enumerate() {
            grid.push(2, c as u32, &DataRef::String(t.clone())).unwrap();
        }
        grid.push(3, 0, &DataRef::Int(-7)).unwrap();
        grid.push(3, 1, &DataRef::Int(i64::MAX)).unwrap();
        grid.finish();
        // Each cell as the bits of its number (a duration's serial) or its text.
        let mut rows: Vec<Vec<(Option<u64>, Option<String>)>> = Vec::new();
        SheetData::Grid(grid).for_each_row(&mut |_, cells| {
            rows.push(
                cells
                    .iter()
                    .map(|cell| match cell {
                        Cell::Number(x) => (Some(x.to_bits()), None),
                        Cell::ExcelDate(d) if d.is_duration() => (Some(d.as_f64().to_bits()), None),
                        Cell::Text(t) => (None, Some(t.to_string())),
                        _ => (None, None),
                    })
                    .collect(),
            );
            true
        });
        let bits = |row: &[(Option<u64>, Option<String>)]| -> Vec<Option<u64>> {
            row.iter().map(|c| c.0).collect()
        };
        let want: Vec<Option<u64>> = numbers.iter().map(|x| Some(x.to_bits())).collect();
        assert_eq!(bits(&rows[0]), want);
        assert_eq!(bits(&rows[1]), want);
        let shown: Vec<Option<String>> = rows[2].iter().map(|c| c.1.clone()).collect();
        let mut want_texts: Vec<Option<String>> = texts.iter().cloned().map(Some).collect();
        want_texts.resize(numbers.len(), None);
        assert_eq!(shown, want_texts);
        assert_eq!(
            bits(&rows[3])[..2],
            [Some((-7.0f64).to_bits()), Some((i64::MAX as f64).to_bits())]
        );
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn a_grid_keeps_dates_errors_and_empty_text_in_place() {
        let mut grid = Grid::new(false);
        let date = ExcelDateTime::new(44259.0, calamine::ExcelDateTimeType::DateTime, false);
        grid.push(0, 0, &DataRef::DateTime(date)).unwrap();
        grid.push(0, 1, &DataRef::Error(CellErrorType::NA)).unwrap();
        grid.push(0, 2, &DataRef::DateTimeIso("2021-03-04".into()))
            .unwrap();
        // An empty text widens the grid to column E but reads as blank; an empty cell does
        // neither.
        grid.push(0, 4, &DataRef::String(String::new())).unwrap();
        grid.push(0, 6, &DataRef::Empty).unwrap();
        grid.finish();
        assert_eq!(grid.bounds(), Some(((0, 0), (0, 4))));
        let data = SheetData::Grid(grid);
        let d = NaiveDate::from_ymd_opt(2021, 3, 4).unwrap();
        let mut rows = 0;
        data.for_each_row(&mut |row, cells| {
            rows += 1;
            assert_eq!(row, 1);
            assert_eq!(cells.len(), 5);
            assert_eq!(cells[0].date(false), Ok(d));
            assert_eq!(cells[1], Cell::Error(&CellErrorType::NA));
            assert_eq!(cells[2], Cell::IsoDate("2021-03-04"));
            assert_eq!(cells[2].date(false), Ok(d));
            assert_eq!(cells[3], Cell::Empty);
            assert_eq!(cells[4], Cell::Text(""));
            assert!(cells[4].is_blank());
            true
        });
        assert_eq!(rows, 1);
    }

    #[test]
    fn a_grid_from_a_range_keeps_the_ranges_bounds() {
        // calamine's range for C3:E5 with values only at D4 and E5: the rows and columns
        // blank at its edges are still there, from row 3 and column C.
        let range = Range::from_sparse(vec![
            calamine::Cell::new((2, 2), Data::Empty),
            calamine::Cell::new((3, 3), Data::String("x".into())),
            calamine::Cell::new((4, 4), Data::Float(1.0)),
        ]);
        let grid = Grid::from_range(&range, false).unwrap();
        assert_eq!(grid.bounds(), Some(((2, 2), (4, 4))));
        let data = SheetData::Grid(grid);
        assert_eq!(data.first_column(), 2);
        assert_eq!(data.row_hint(), 3);
        let SheetData::Grid(grid) = data else {
            unreachable!()
        };
        assert_eq!(
            rows_of(grid),
            vec![
                (3, s(&["", "", ""])),
                (4, s(&["", "x", ""])),
                (5, s(&["", "", "1"])),
            ]
        );
    }

    #[test]
    fn a_grid_keeps_the_workbooks_date_system_and_each_shared_string_once() {
        // 1904 system: serial 42,797 is 4 March 2021 (44,259 − 1,462 days). A duration is not
        // a date. The same shared string in two cells is stored once; an equal inline string
        // is stored again.
        let mut grid = Grid::new(true);
        let date = ExcelDateTime::new(42_797.0, calamine::ExcelDateTimeType::DateTime, true);
        let span = ExcelDateTime::new(1.5, calamine::ExcelDateTimeType::TimeDelta, true);
        let label = String::from("Foster care");
        grid.push(0, 0, &DataRef::DateTime(date)).unwrap();
        grid.push(0, 1, &DataRef::DateTime(span)).unwrap();
        grid.push(0, 2, &DataRef::SharedString(&label)).unwrap();
        grid.push(1, 2, &DataRef::SharedString(&label)).unwrap();
        grid.push(2, 2, &DataRef::String(label.clone())).unwrap();
        grid.finish();
        // Twice: one byte of length (11), then the 11 bytes.
        assert_eq!(grid.text.len(), 2 * (1 + "Foster care".len()));
        let data = SheetData::Grid(grid);
        assert!(data.is_1904());
        let d = NaiveDate::from_ymd_opt(2021, 3, 4).unwrap();
        let mut texts = Vec::new();
        data.for_each_row(&mut |row, cells| {
            if row == 1 {
                assert_eq!(cells[0].date(true), Ok(d));
                assert_eq!(cells[1].date(true), Err(DateError::NotADate));
            }
            texts.push(cells[2].text().into_owned());
            true
        });
        assert_eq!(texts, ["Foster care"; 3]);
    }

    #[test]
    fn an_empty_grid_has_no_rows() {
        let mut grid = Grid::new(false);
        grid.push(5, 5, &DataRef::Empty).unwrap();
        grid.finish();
        assert_eq!(grid.bounds(), None);
        assert_eq!(grid.height(), 0);
        assert!(rows_of(grid).is_empty());
    }
}
