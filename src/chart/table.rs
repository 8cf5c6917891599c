//! The numbers behind a chart as a table: its text alternative for screen readers, for
//! checking and for spreadsheets, built from the same model as the picture.
//!
//! This module owns the table type and its CSV form. Cells are written as RFC 4180 CSV, and a
//! cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or
//! a carriage return, and not a plain number) gets a leading `'`, so that text taken from the
//! input (a team's name, a group value) cannot run as a formula. It knows nothing about charts.

use serde::Serialize;

/// A table: a header row, data rows of the same width, and notes printed after it (in CSV,
/// as lines starting with `#`).
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

    /// Adds a row (cells beyond the header's width are kept; missing ones are blank).
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// The table as CSV text, one line per row, then the notes.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        write_row(&mut out, &self.columns);
        for row in &self.rows {
            write_row(&mut out, row);
        }
        for note in &self.notes {
            out.push_str("# ");
            out.push_str(&note.replace(['\n', '\r'], " "));
            out.push('\n');
        }
        out
    }
}

fn write_row(out: &mut String, cells: &[String]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_cell(out, cell);
    }
    out.push('\n');
}

fn write_cell(out: &mut String, cell: &str) {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
    let cell = if risky {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if cell.contains([',', '"', '\n', '\r']) {
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

    #[test]
    fn csv_quotes_and_makes_formulas_inert() {
        let mut t = Table::new(&["group", "n"]);
        t.push(vec!["=HYPERLINK(\"x\")".into(), "-3".into()]);
        t.push(vec!["North, East".into(), "12".into()]);
        t.notes.push("Blank: no target".into());
        assert_eq!(
            t.to_csv(),
            "group,n\n\"'=HYPERLINK(\"\"x\"\")\",-3\n\"North, East\",12\n# Blank: no target\n"
        );
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
