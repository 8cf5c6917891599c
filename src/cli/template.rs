//! `driftline template --out PATH.xlsx`: writes the Driftline template workbook, the layout the
//! page and the command line recognise best, with a "Read me" sheet explaining every column.
//!
//! This file owns the workbook's presentation (sheets, bold headers, date formats, the read-me
//! text). Which headers and labels are *recognised* is decided by `driftline::ingest`; the
//! lists here describe that behaviour for people, using the model's own labels.

use super::files::Output;
use super::Failure;
use driftline::ingest::labels;
use driftline::model::{LegalCategory, Milestone, PlacementCategory};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use std::path::PathBuf;

/// `driftline template --out PATH.xlsx`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the workbook (a name ending in .xlsx). It is created new: an existing
    /// file is left alone unless --force.
    #[arg(long, value_name = "PATH.xlsx")]
    out: PathBuf,
    /// Replace the --out file if it exists (never through a link).
    #[arg(long)]
    force: bool,
}

/// Runs the subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let output = Output::check(&args.out, args.force, &[], &["xlsx"])?;
    let bytes = workbook_bytes()
        .map_err(|err| Failure::new(format!("cannot build the template workbook: {err}")))?;
    output.write(&bytes)
}

/// One column of a template table.
struct Column {
    name: &'static str,
    required: bool,
    date: bool,
    help: &'static str,
}

/// One table of the template: a sheet of its own.
struct Table {
    sheet: &'static str,
    about: &'static str,
    columns: &'static [Column],
}

const fn col(name: &'static str, required: bool, date: bool, help: &'static str) -> Column {
    Column {
        name,
        required,
        date,
        help,
    }
}

/// The four tables, in the order they appear in the workbook.
const TABLES: [Table; 4] = [
    Table {
        sheet: "Children",
        about: "One row per child. Any extra column you add is kept and can be used to \
                break the figures down.",
        columns: &[
            col(
                "child_id",
                true,
                false,
                "The child's identifier, the same in every sheet.",
            ),
            col("date_of_birth", false, true, "Date of birth."),
            col("sex", false, false, "Sex as recorded."),
            col(
                "local_authority",
                false,
                false,
                "The responsible authority.",
            ),
            col("team", false, false, "The social work team."),
        ],
    },
    Table {
        sheet: "Placements",
        about: "One row per placement: where and with whom the child lived.",
        columns: &[
            col("child_id", true, false, "The child's identifier."),
            col("start_date", true, true, "The day the placement started."),
            col(
                "end_date",
                false,
                true,
                "The day it ended; leave blank if it is ongoing.",
            ),
            col(
                "placement_type",
                true,
                false,
                "The kind of placement (see the list below).",
            ),
            col("carer", false, false, "The carer or home, as you name it."),
            col(
                "legal_status",
                false,
                false,
                "The legal status during the placement.",
            ),
        ],
    },
    Table {
        sheet: "Legal",
        about: "One row per spell under a legal status (orders, voluntary care, and so on).",
        columns: &[
            col("child_id", true, false, "The child's identifier."),
            col("start_date", true, true, "The day the status started."),
            col(
                "end_date",
                false,
                true,
                "The day it ended; leave blank if it is current.",
            ),
            col(
                "legal_status",
                true,
                false,
                "The legal status (see the list below).",
            ),
        ],
    },
    Table {
        sheet: "Events",
        about: "One row per dated event: reviews, meetings, panels, decisions, orders.",
        columns: &[
            col("child_id", true, false, "The child's identifier."),
            col("date", true, true, "The day of the event."),
            col(
                "event",
                true,
                false,
                "What happened (see the list below; other text is kept as a custom event).",
            ),
            col("detail", false, false, "Any note to show beside the event."),
        ],
    },
];

/// Every code of the SSDA903 shape (a letter and a digit), in order.
fn ssda903_codes() -> impl Iterator<Item = String> {
    ('a'..='z').flat_map(|l| ('0'..='9').map(move |d| format!("{l}{d}")))
}

/// The SSDA903 codes `maps` takes to `category`, upper case and comma separated. The codes
/// are read from the importer's own table (`driftline::ingest::labels`), so the template
/// cannot list a code the importer reads otherwise.
fn codes_of<C: PartialEq>(maps: fn(&str) -> Option<C>, category: C) -> String {
    ssda903_codes()
        .filter(|code| maps(code).as_ref() == Some(&category))
        .map(|code| code.to_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}

/// SSDA903 PLACE codes that map to each placement category.
fn place_codes(category: PlacementCategory) -> String {
    codes_of(labels::placement_code, category)
}

/// SSDA903 LS codes that map to each legal category.
fn legal_codes(category: LegalCategory) -> String {
    codes_of(labels::legal_code, category)
}

/// Other common wordings for some events.
fn event_synonyms(milestone: Milestone) -> &'static str {
    match milestone {
        Milestone::BecameLookedAfter => "Accommodated",
        Milestone::LacReview => "Looked after review",
        Milestone::Panel => "Adoption and permanence panel",
        Milestone::AdmDecision => "Agency decision maker",
        Milestone::ApplicationLodged => "Petition lodged",
        _ => "",
    }
}

/// Builds the workbook in memory.
fn workbook_bytes() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    write_read_me(workbook.add_worksheet(), &bold, &wrap)?;
    for table in &TABLES {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.sheet)?;
        for (index, column) in table.columns.iter().enumerate() {
            let index = u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)?;
            if column.date {
                sheet.set_column_format(index, &date)?;
            }
            sheet.set_column_width(index, (column.name.len() + 6).max(14) as f64)?;
            sheet.write_string_with_format(0, index, column.name, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    workbook.save_to_buffer()
}

/// The "Read me" sheet: what each column means, which are required, and the accepted labels.
fn write_read_me(sheet: &mut Worksheet, bold: &Format, wrap: &Format) -> Result<(), XlsxError> {
    sheet.set_name("Read me")?;
    sheet.set_column_width(0, 18)?;
    sheet.set_column_width(1, 34)?;
    sheet.set_column_width(2, 12)?;
    sheet.set_column_width(3, 70)?;
    let title = Format::new().set_bold().set_font_size(14);
    let mut row = 0u32;
    sheet.write_string_with_format(row, 0, "Driftline template", &title)?;
    row += 2;
    for line in [
        "Fill in one sheet per table. Sheet names and column order do not matter: Driftline \
         recognises each table by its column headers.",
        "Headers are matched forgivingly: case, spaces, underscores and punctuation are ignored \
         (\"Child ID\" is child_id, \"Start date\" is start_date), and common synonyms such as \
         \"DOB\" are accepted.",
        "Write dates as dates (shown dd/mm/yyyy). Day-first is assumed for text dates such as \
         04/03/2021.",
        "Columns marked Required must have a value in every row; a row without one is reported \
         and not used. Every other problem is listed on the page with its sheet, row and column.",
        "Your data stays on your computer: the Driftline page reads it in your browser and sends \
         nothing anywhere.",
    ] {
        sheet.merge_range(row, 0, row, 3, line, wrap)?;
        sheet.set_row_height(row, 32)?;
        row += 1;
    }
    row += 1;
    for (col, header) in ["Sheet", "Column", "Required", "What to enter"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(row, col as u16, *header, bold)?;
    }
    row += 1;
    for table in &TABLES {
        sheet.write_string_with_format(row, 0, table.sheet, bold)?;
        sheet.write_string(row, 3, table.about)?;
        row += 1;
        for column in table.columns {
            sheet.write_string(row, 1, column.name)?;
            sheet.write_string(row, 2, if column.required { "Required" } else { "" })?;
            sheet.write_string(row, 3, column.help)?;
            row += 1;
        }
    }

    row += 1;
    row = write_labels(
        sheet,
        row,
        bold,
        "Placement types (placement_type)",
        PlacementCategory::ALL
            .iter()
            .map(|c| (c.label(), place_codes(*c))),
    )?;
    row = write_labels(
        sheet,
        row,
        bold,
        "Legal statuses (legal_status)",
        LegalCategory::ALL
            .iter()
            .map(|c| (c.label(), legal_codes(*c))),
    )?;
    write_labels(
        sheet,
        row,
        bold,
        "Events (event)",
        Milestone::ALL
            .iter()
            .filter(|m| **m != Milestone::Custom)
            .map(|m| (m.label(), event_synonyms(*m))),
    )?;
    Ok(())
}

/// Writes one list of accepted labels and returns the next free row.
fn write_labels<'a, S: AsRef<str>>(
    sheet: &mut Worksheet,
    mut row: u32,
    bold: &Format,
    title: &str,
    labels: impl Iterator<Item = (&'a str, S)>,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(row, 0, title, bold)?;
    sheet.write_string_with_format(row, 3, "Also accepted", bold)?;
    row += 1;
    for (label, also) in labels {
        sheet.write_string(row, 1, label)?;
        sheet.write_string(row, 3, also.as_ref())?;
        row += 1;
    }
    Ok(row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The template lists the codes the importer reads, in order.
    #[test]
    fn code_lists_come_from_the_importers_table() {
        assert_eq!(place_codes(PlacementCategory::Foster), "U4, U5, U6");
        assert_eq!(
            place_codes(PlacementCategory::Other),
            "R2, T0, T1, T2, T3, T4, Z1"
        );
        assert_eq!(legal_codes(LegalCategory::AdoptionAuthority), "D1, E1");
        assert_eq!(legal_codes(LegalCategory::PermanenceOrder), "");
    }
}
