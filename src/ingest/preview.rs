//! The mapping step's view of the input: for each file and sheet, the first rows as text and
//! how Driftline would read them (table kind, header row, column fields), so the user can
//! check it, choose another sheet or header row, and override columns before loading.

use super::header::{Field, Recognised, TableKind};
use super::sheet::{Cell, SheetData};
use super::{open_file, resolve_table, InputFile, Limits, Mapping};
use crate::diagnostics::Diagnostic;
use serde::Serialize;

/// How many rows a preview shows, and how many columns at most.
pub const PREVIEW_ROWS: usize = 30;
pub const PREVIEW_COLUMNS: usize = 60;

/// The preview of every input file.
#[derive(Clone, Debug, Serialize)]
pub struct Preview {
    pub files: Vec<FilePreview>,
}

/// One file: its format and sheets, or the problem that stops it being read.
#[derive(Clone, Debug, Serialize)]
pub struct FilePreview {
    pub name: String,
    pub format: Option<String>,
    pub problem: Option<Diagnostic>,
    pub sheets: Vec<SheetPreview>,
}

/// One sheet: its first rows and how it would be read.
#[derive(Clone, Debug, Serialize)]
pub struct SheetPreview {
    pub name: Option<String>,
    pub hidden: bool,
    /// `(row number as the user sees it, cell texts)`, blank rows left out.
    pub rows: Vec<(u32, Vec<String>)>,
    /// The table Driftline recognised, if any.
    pub table: Option<TablePreview>,
    /// Why the sheet would not be read, or what the mapping could not apply.
    pub notes: Vec<Diagnostic>,
}

/// A recognised table.
#[derive(Clone, Debug, Serialize)]
pub struct TablePreview {
    pub kind: String,
    pub header_row: u32,
    /// For each column of the header row: its field id, or null.
    pub columns: Vec<Option<String>>,
    /// Required fields of this kind that no column provides.
    pub missing: Vec<String>,
}

/// Previews every file under the given mapping.
pub fn preview(files: &[InputFile<'_>], mapping: Option<&Mapping>, limits: &Limits) -> Preview {
    preview_shown(files, mapping, limits, false)
}

/// What a pseudonymised preview shows in place of an identifying cell.
pub const HIDDEN: &str = "(hidden)";

/// Headers (normalised) of the columns a pseudonymised preview hides below its header row,
/// besides those read as the child's ID or date of birth: SSDA903's own (`CHILD`, `DOB`,
/// `UPN`, `FORMER_UPN`, `MC_DOB`) and the template's synonyms of the two fields.
fn identifying(header: &str) -> bool {
    let h = super::header::normalise(header);
    ["child", "upn", "formerupn", "mcdob"].contains(&h.as_str())
        || [Field::ChildId, Field::DateOfBirth]
            .iter()
            .any(|f| f.synonyms(TableKind::Children).contains(&h.as_str()))
}

/// [`preview`], with the children's IDs and dates of birth (and SSDA903's other identifying
/// columns) shown as "(hidden)" when `pseudonymise` is set, as every other view hides them.
pub fn preview_shown(
    files: &[InputFile<'_>],
    mapping: Option<&Mapping>,
    limits: &Limits,
    pseudonymise: bool,
) -> Preview {
    let mut shown = preview_all(files, mapping, limits);
    if pseudonymise {
        for sheet in shown.files.iter_mut().flat_map(|f| f.sheets.iter_mut()) {
            hide_identities(sheet);
        }
    }
    shown
}

/// Hides, below the header row, every cell of a column that identifies a child: read as
/// the ID or date of birth, or headed as one (the header row found, or any earlier row).
fn hide_identities(sheet: &mut SheetPreview) {
    let width = sheet.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let mut hidden_from: Vec<Option<u32>> = vec![None; width];
    if let Some(t) = &sheet.table {
        for (c, field) in t.columns.iter().enumerate().take(width) {
            if matches!(field.as_deref(), Some("child_id" | "date_of_birth")) {
                hidden_from[c] = Some(t.header_row);
            }
        }
    }
    for (row, cells) in &sheet.rows {
        for (c, text) in cells.iter().enumerate() {
            if hidden_from[c].is_none() && identifying(text) {
                hidden_from[c] = Some(*row);
            }
        }
    }
    for (row, cells) in &mut sheet.rows {
        for (c, text) in cells.iter_mut().enumerate() {
            if hidden_from[c].is_some_and(|from| *row > from) && !text.is_empty() {
                *text = HIDDEN.to_string();
            }
        }
    }
}

fn preview_all(files: &[InputFile<'_>], mapping: Option<&Mapping>, limits: &Limits) -> Preview {
    let empty = Mapping::default();
    let mapping = mapping.unwrap_or(&empty);
    let files = files
        .iter()
        .map(|file| match open_file(file, limits) {
            Err(d) => FilePreview {
                name: file.name.to_string(),
                format: None,
                problem: Some(d.file(file.name)),
                sheets: Vec::new(),
            },
            Ok((summary, sheets)) => FilePreview {
                name: file.name.to_string(),
                format: Some(summary.format),
                problem: None,
                sheets: sheets
                    .iter()
                    .map(|sheet| {
                        let mut notes = sheet.notes.clone();
                        let table = resolve_table(file.name, sheet, mapping, &mut notes)
                            .map(|r| table_preview(&r));
                        let rows = preview_rows(&sheet.data);
                        SheetPreview {
                            name: sheet.name.clone(),
                            hidden: sheet.hidden,
                            rows,
                            table,
                            notes,
                        }
                    })
                    .collect(),
            },
        })
        .collect();
    Preview { files }
}

/// The first rows of a sheet as text, as the user sees them in the spreadsheet: a
/// date-formatted cell as its date (day first), not the serial number it is stored as.
fn preview_rows(data: &SheetData<'_>) -> Vec<(u32, Vec<String>)> {
    let mut rows = Vec::new();
    data.for_each_row(&mut |row, cells: &[Cell<'_>]| {
        if cells.iter().all(Cell::is_blank) {
            return true;
        }
        let shown = cells
            .iter()
            .take(PREVIEW_COLUMNS)
            .map(|c| match c {
                Cell::ExcelDate(_) => c
                    .date(false)
                    .map(crate::date::format_uk)
                    .unwrap_or_else(|_| c.text().into_owned()),
                // Shown as the IDs and labels are: invisible characters written visibly
                // (`⟨U+202E⟩`).
                _ => crate::visible::visible(&c.text()).into_owned(),
            })
            .collect();
        rows.push((row, shown));
        rows.len() < PREVIEW_ROWS
    });
    rows
}

fn table_preview(r: &Recognised) -> TablePreview {
    TablePreview {
        kind: r.kind.id().to_string(),
        header_row: r.header_row,
        columns: r
            .columns
            .iter()
            .map(|c| c.map(|f| f.id().to_string()))
            .collect(),
        missing: r
            .kind
            .required()
            .iter()
            .filter(|f| r.column_of(**f).is_none())
            .map(|f| f.id().to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_rows_and_recognition() {
        let text = "Report title\n\nChild ID,Start date,Placement type\nC1,01/01/2020,Foster\n";
        let files = [
            InputFile {
                name: "p.csv",
                bytes: text.as_bytes(),
            },
            InputFile {
                name: "bad.csv",
                bytes: b"",
            },
        ];
        let p = preview(&files, None, &Limits::default());
        let sheet = &p.files[0].sheets[0];
        assert_eq!(sheet.rows.len(), 3);
        assert_eq!(sheet.rows[1].0, 3);
        let table = sheet.table.as_ref().unwrap();
        assert_eq!((table.kind.as_str(), table.header_row), ("placements", 3));
        assert_eq!(
            table.columns,
            vec![
                Some("child_id".to_string()),
                Some("start_date".to_string()),
                Some("placement_type".to_string())
            ]
        );
        assert!(p.files[1].problem.is_some());
        // A mapping pointing at another header row changes the reading.
        let mapping =
            Mapping::from_json(r#"{"tables":[{"header_row":1,"kind":"events"}]}"#).unwrap();
        let p = preview(&files[..1], Some(&mapping), &Limits::default());
        let table = p.files[0].sheets[0].table.as_ref();
        assert!(
            table.is_none(),
            "an events table without its columns is not read"
        );
        assert!(!p.files[0].sheets[0].notes.is_empty());
    }

    /// A date-formatted cell shows as its date: 43831 is 1 January 2020 in the 1900 system,
    /// and 43981 is 150 days later: 1 February is day 31, 1 March day 60 (2020 is a leap
    /// year), 1 April day 91, 1 May day 121, so day 150 is 30 May 2020. A plain number stays
    /// a number.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn dates_show_as_dates_not_serials() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        for (c, h) in ["child_id", "start_date", "placement_type", "days"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "C1").unwrap();
        let when = ExcelDateTime::from_serial_datetime(43981.0).unwrap();
        sheet
            .write_datetime_with_format(1, 1, &when, &date)
            .unwrap();
        sheet.write_string(1, 2, "Foster").unwrap();
        sheet.write_number(1, 3, 43981.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let files = [InputFile {
            name: "p.xlsx",
            bytes: &bytes,
        }];
        let p = preview(&files, None, &Limits::default());
        let row = &p.files[0].sheets[0].rows[1].1;
        assert_eq!(row, &["C1", "30/05/2020", "Foster", "43981"]);
    }

    /// Pseudonymised, the ID and date-of-birth columns (by field, or by an SSDA903 header)
    /// show "(hidden)" below their headers; other cells are untouched.
    #[test]
    fn a_pseudonymised_preview_hides_ids_and_dates_of_birth() {
        let template = "Child ID,Date of birth,Sex\nC1,01/02/2015,Female\n";
        let header = "CHILD,SEX,DOB,UPN,ETHNIC\n77,1,03/04/2016,A123,WBRI\n";
        let files = [
            InputFile {
                name: "children.csv",
                bytes: template.as_bytes(),
            },
            InputFile {
                name: "header.csv",
                bytes: header.as_bytes(),
            },
        ];
        let p = preview_shown(&files, None, &Limits::default(), true);
        let rows = |f: usize| p.files[f].sheets[0].rows.clone();
        assert_eq!(rows(0)[0].1, ["Child ID", "Date of birth", "Sex"]);
        assert_eq!(rows(0)[1].1, ["(hidden)", "(hidden)", "Female"]);
        assert_eq!(
            rows(1)[1].1,
            ["(hidden)", "1", "(hidden)", "(hidden)", "WBRI"]
        );
        let plain = preview(&files, None, &Limits::default());
        assert_eq!(plain.files[0].sheets[0].rows[1].1[0], "C1");
    }
}
