//! A sheet as rows of cells, whatever file it came from: a calamine range (xlsx, xlsm, xlsb,
//! xls, ods) or delimited text. Consumers visit rows with their user-visible row numbers and
//! never see the file format.

use super::text::{self, Dialect};
use crate::date::{self, DateError};
use calamine::{Data, ExcelDateTime, Range};
use chrono::NaiveDate;
use std::borrow::Cow;

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
    Range {
        range: Range<Data>,
        is_1904: bool,
    },
}

impl SheetData<'_> {
    /// The workbook's date system (false for text files).
    pub fn is_1904(&self) -> bool {
        matches!(self, SheetData::Range { is_1904: true, .. })
    }

    /// The 0-based column offset of the first cell (a range may not start at column A).
    pub fn first_column(&self) -> usize {
        match self {
            SheetData::Text { .. } => 0,
            SheetData::Range { range, .. } => range.start().map_or(0, |(_, c)| c as usize),
        }
    }

    /// Number of cells (rows × columns) in a workbook sheet; 0 for text (unknown upfront).
    pub fn cell_count(&self) -> u64 {
        match self {
            SheetData::Text { .. } => 0,
            SheetData::Range { range, .. } => {
                let (h, w) = range.get_size();
                h as u64 * w as u64
            }
        }
    }

    /// At least the number of non-blank rows (cheap: a count of lines that are not empty for
    /// text, the height of a range), so readers can size their record lists once instead of
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
            SheetData::Range { range, .. } => range.height(),
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
            SheetData::Range { range, .. } => {
                let first_row = range.start().map_or(0, |(r, _)| r);
                let mut cells = Vec::with_capacity(range.width());
                for (i, row) in range.rows().enumerate() {
                    cells.clear();
                    cells.extend(row.iter().map(cell));
                    // Saturating: a row number past u32 cannot be shown anyway (the loaders
                    // refuse cells beyond Excel's last row before this).
                    let row = first_row.saturating_add(i as u32).saturating_add(1);
                    if !f(row, &cells) {
                        break;
                    }
                }
            }
        }
    }
}

fn cell(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::ExcelDate(*dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::IsoDate(s),
        Data::Error(e) => Cell::Error(e),
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
}
