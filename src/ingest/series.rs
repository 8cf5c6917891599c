//! A user's own measure: one value column (and usually a date column) from any sheet or CSV
//! file, for teams who track something other than stage durations on run and SPC charts.
//! Rows whose value or date cannot be read are reported, never dropped silently.

use super::header::{head_rows, normalise, HEADER_SEARCH_ROWS};
use super::sheet::{Cell, SheetData};
use super::{open_file, InputFile, Limits};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::error::Error;
use chrono::NaiveDate;

/// The points read, in file order, with what was rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct UserSeries {
    pub sheet: Option<String>,
    pub value_column: String,
    pub date_column: Option<String>,
    /// `(date, value)`; the date is `None` when there is no date column.
    pub points: Vec<(Option<NaiveDate>, f64)>,
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub diagnostics: Vec<Diagnostic>,
}

/// Which columns to read. Unnamed columns are chosen automatically: the first column whose
/// values are mostly dates, and the first other column whose values are mostly numbers.
#[derive(Clone, Debug, Default)]
pub struct SeriesColumns<'a> {
    pub value: Option<&'a str>,
    pub date: Option<&'a str>,
}

/// Reads a series from the first sheet that has the requested columns.
pub fn read_series(
    file: &InputFile<'_>,
    columns: &SeriesColumns<'_>,
    limits: &Limits,
) -> Result<UserSeries, Error> {
    let fatal = |code: Code, msg: String| {
        Error::new(vec![
            Diagnostic::new(Severity::Fatal, code, msg).file(file.name)
        ])
    };
    let (_, sheets) = open_file(file, limits).map_err(|d| Error::new(vec![d.file(file.name)]))?;
    for sheet in &sheets {
        let head = head_rows(&sheet.data, HEADER_SEARCH_ROWS);
        let Some(found) = find_columns(&sheet.data, &head, columns) else {
            continue;
        };
        return Ok(read(file.name, sheet.name.as_deref(), &sheet.data, found));
    }
    let wanted = match (columns.value, columns.date) {
        (Some(v), Some(d)) => format!("columns \"{v}\" and \"{d}\""),
        (Some(v), None) => format!("a column \"{v}\""),
        (None, Some(d)) => format!("a date column \"{d}\" and a column of numbers"),
        (None, None) => "a column of numbers under a header row".to_string(),
    };
    Err(fatal(
        Code::NoTableRecognised,
        format!("No sheet has {wanted}. Name the columns with --column and --date-column."),
    ))
}

struct Found {
    header_row: u32,
    value: (usize, String),
    date: Option<(usize, String)>,
}

fn find_columns(
    data: &SheetData<'_>,
    head: &[(u32, Vec<String>)],
    wanted: &SeriesColumns<'_>,
) -> Option<Found> {
    let is_1904 = data.is_1904();
    for (i, (row, headers)) in head.iter().enumerate() {
        let by_name = |name: &str| {
            let n = normalise(name);
            headers.iter().position(|h| normalise(h) == n)
        };
        // Sample the rows below this candidate header to judge column types.
        let sample: Vec<&Vec<String>> = head[i + 1..].iter().map(|(_, r)| r).collect();
        let mostly = |col: usize, test: &dyn Fn(&str) -> bool| {
            let filled: Vec<&str> = sample
                .iter()
                .filter_map(|r| r.get(col).map(String::as_str))
                .filter(|s| !s.trim().is_empty())
                .collect();
            !filled.is_empty() && filled.iter().filter(|s| test(s)).count() * 2 > filled.len()
        };
        let is_date = |s: &str| Cell::Text(s).date(is_1904).is_ok();
        let is_number = |s: &str| s.trim().parse::<f64>().is_ok();
        let date = match wanted.date {
            Some(name) => match by_name(name) {
                Some(c) => Some(c),
                None => continue,
            },
            None => {
                (0..headers.len()).find(|&c| !headers[c].trim().is_empty() && mostly(c, &is_date))
            }
        };
        let value = match wanted.value {
            Some(name) => match by_name(name) {
                Some(c) => c,
                None => continue,
            },
            None => match (0..headers.len()).find(|&c| {
                Some(c) != date && !headers[c].trim().is_empty() && mostly(c, &is_number)
            }) {
                Some(c) => c,
                None => continue,
            },
        };
        return Some(Found {
            header_row: *row,
            value: (value, headers[value].clone()),
            date: date.map(|c| (c, headers[c].clone())),
        });
    }
    None
}

fn read(file: &str, sheet: Option<&str>, data: &SheetData<'_>, found: Found) -> UserSeries {
    let is_1904 = data.is_1904();
    let mut series = UserSeries {
        sheet: sheet.map(str::to_string),
        value_column: found.value.1.clone(),
        date_column: found.date.as_ref().map(|d| d.1.clone()),
        points: Vec::new(),
        rows_read: 0,
        rows_rejected: 0,
        diagnostics: Vec::new(),
    };
    data.for_each_row(&mut |row, cells| {
        if row <= found.header_row || cells.iter().all(Cell::is_blank) {
            return true;
        }
        series.rows_read += 1;
        let reject = |column: &str, msg: String| {
            Diagnostic::new(Severity::Rejected, Code::InvalidValue, msg)
                .file(file)
                .sheet(sheet)
                .row(row)
                .column(column)
        };
        let value_cell = cells.get(found.value.0).copied().unwrap_or(Cell::Empty);
        let value = match value_cell {
            Cell::Number(n) => Some(n),
            other => other.text().trim().parse::<f64>().ok(),
        }
        .filter(|v| v.is_finite());
        let Some(value) = value else {
            series.rows_rejected += 1;
            let shown = value_cell.text();
            series.diagnostics.push(reject(
                &found.value.1,
                format!("The value \"{shown}\" is not a number."),
            ));
            return true;
        };
        let date = match &found.date {
            None => None,
            Some((col, name)) => {
                let cell = cells.get(*col).copied().unwrap_or(Cell::Empty);
                match cell.date(is_1904) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        series.rows_rejected += 1;
                        let shown = cell.text();
                        let mut d = reject(name, format!("The date \"{shown}\" {e}."));
                        d.code = Code::InvalidDate;
                        series.diagnostics.push(d);
                        return true;
                    }
                }
            }
        };
        series.points.push((date, value));
        true
    });
    series
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str, columns: SeriesColumns<'_>) -> Result<UserSeries, Error> {
        let file = InputFile {
            name: "m.csv",
            bytes: text.as_bytes(),
        };
        read_series(&file, &columns, &Limits::default())
    }

    #[test]
    fn finds_date_and_value_columns_automatically() {
        let s = read_text(
            "Team measure\nMonth,Team,Days to panel\n01/01/2024,North,120\n01/02/2024,North,n/a\nsoon,North,90\n01/04/2024,North,80.5\n",
            SeriesColumns::default(),
        )
        .unwrap();
        assert_eq!(
            (s.value_column.as_str(), s.date_column.as_deref()),
            ("Days to panel", Some("Month"))
        );
        let d = |m| NaiveDate::from_ymd_opt(2024, m, 1);
        assert_eq!(s.points, vec![(d(1), 120.0), (d(4), 80.5)]);
        assert_eq!((s.rows_read, s.rows_rejected), (4, 2));
        assert_eq!(s.diagnostics[0].row, Some(4));
        assert_eq!(s.diagnostics[1].code, Code::InvalidDate);
    }

    #[test]
    fn named_columns_and_missing_ones() {
        let s = read_text(
            "a,b\n1,2\n3,4\n",
            SeriesColumns {
                value: Some("B"),
                date: None,
            },
        )
        .unwrap();
        assert_eq!(s.points, vec![(None, 2.0), (None, 4.0)]);
        let err = read_text(
            "a,b\n1,2\n",
            SeriesColumns {
                value: Some("c"),
                date: None,
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"c\""), "{err}");
    }
}
