//! Rows of a recognised template table → records. Each non-blank data row is either turned
//! into a record (used) or rejected with a located diagnostic; nothing is dropped silently.

use super::header::{Field, Recognised, TableKind};
use super::labels::LabelReader;
use super::sheet::{column_letters, Cell, SheetData};
use crate::date::{DateCache, DateError};
use crate::diagnostics::{shorten, Code, Diagnostic, Listing, Severity, QUOTE_CHARS};
use crate::model::{
    ChildRecord, EventRecord, LegalRecord, Milestone, PlacementRecord, Records, SourceRow, Text,
};
use crate::visible;
use chrono::NaiveDate;
use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What a warning about an unreadable date of birth ends with.
pub const KEPT_WITHOUT_BIRTH: &str = " The child is kept without a date of birth.";

/// Shared state while reading every table of a load.
#[derive(Default)]
pub struct Sink {
    pub records: Records,
    pub diagnostics: Vec<Diagnostic>,
    pub labels: LabelReader,
    /// Longer cells are cut to this many characters, with a warning (0: no limit). See
    /// [`super::Limits::max_cell_chars`].
    pub max_cell_chars: usize,
    /// Caps the row-level problems listed (see [`super::Limits::max_listed_problems`]).
    pub listing: Listing,
    interner: FxHashSet<Text>,
    /// The last child id interned: consecutive rows usually repeat it.
    last_child: Option<Text>,
}

impl Sink {
    pub fn new(labels: LabelReader) -> Self {
        Sink {
            labels,
            max_cell_chars: super::Limits::default().max_cell_chars,
            listing: Listing::new(crate::diagnostics::DEFAULT_MAX_LISTED),
            ..Default::default()
        }
    }

    /// Records a problem with one row, within the listing cap.
    pub fn row_problem(&mut self, d: Diagnostic) {
        self.listing.push(&mut self.diagnostics, d);
    }

    /// Returns shared text equal to `s`, allocating only the first time it is seen.
    pub fn intern(&mut self, s: &str) -> Text {
        match self.interner.get(s) {
            Some(t) => t.clone(),
            None => {
                let t: Text = Text::from(s);
                self.interner.insert(t.clone());
                t
            }
        }
    }

    /// Records an event an importer derives from a code (an SSDA903 review, decision or
    /// reason for leaving care): labelled as its milestone, the label held once.
    pub fn milestone_event(
        &mut self,
        child_id: Text,
        date: NaiveDate,
        milestone: Milestone,
        detail: Option<Text>,
        source: SourceRow,
    ) {
        let label = self.intern(milestone.label());
        self.records.events.push(EventRecord {
            child_id,
            date,
            milestone,
            label,
            detail,
            source,
        });
    }

    /// A date of birth, or `None` with a warning when it could not be read: an unreadable date
    /// of birth does not lose the child, whose row is used without it.
    pub fn date_of_birth(
        &mut self,
        read: Result<Option<NaiveDate>, Box<Diagnostic>>,
    ) -> Option<NaiveDate> {
        match read {
            Ok(d) => d,
            Err(mut d) => {
                d.severity = Severity::Warning;
                d.message.push_str(KEPT_WITHOUT_BIRTH);
                self.row_problem(*d);
                None
            }
        }
    }

    /// Interns a child id, remembering the last one (rows usually come grouped by child). The
    /// id is composed (NFC, see [`visible::nfc`]) first, so that an accent typed either way
    /// is the same child.
    pub fn intern_child(&mut self, s: &str) -> Text {
        if let Some(last) = &self.last_child {
            if **last == *s {
                return last.clone();
            }
        }
        let s = visible::nfc(s);
        let t = self.intern(&s);
        self.last_child = Some(t.clone());
        t
    }
}

/// Where a table is, for diagnostics.
pub struct TableContext<'a> {
    pub index: u32,
    pub file: &'a str,
    pub sheet: Option<&'a str>,
}

/// Row counts of one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub read: u64,
    pub used: u64,
    pub rejected: u64,
}

/// Reads every data row below the header.
pub fn read_table(
    data: &SheetData<'_>,
    table: &Recognised,
    ctx: &TableContext<'_>,
    sink: &mut Sink,
) -> Counts {
    let mut reader = RowReader {
        table,
        columns: Field::ALL.map(|f| table.column_of(f)),
        ctx,
        is_1904: data.is_1904(),
        first_column: data.first_column(),
        counts: Counts::default(),
        month_first: BTreeMap::new(),
        dates: DateCache::default(),
    };
    // The record list of this table's kind is sized once for every row below the header
    // (the lists otherwise double as they grow, and up to half of the memory they hold is
    // unused when the journeys are built). A reservation that cannot be had is skipped: the
    // list then grows as before.
    let rows = data
        .row_hint()
        .saturating_sub(usize::try_from(table.header_row).unwrap_or(0));
    let _ = match table.kind {
        TableKind::Children => sink.records.children.try_reserve(rows),
        TableKind::Placements => sink.records.placements.try_reserve(rows),
        TableKind::Legal => sink.records.legal.try_reserve(rows),
        TableKind::Events => sink.records.events.try_reserve(rows),
    };
    let cap = sink.max_cell_chars;
    // (cells cut, first row, first column) of cells longer than `cap`.
    let mut cut: Option<(u64, u32, usize)> = None;
    data.for_each_row(&mut |row, cells| {
        if row <= table.header_row || cells.iter().all(Cell::is_blank) {
            return true;
        }
        // A cell longer than Excel allows (a 10 MB note in a CSV) is cut before it is copied
        // into records and messages.
        let capped: Vec<Cell<'_>>;
        // Only a cell of more than `cap` bytes can have more than `cap` characters: that
        // length test is all most rows need.
        let may_be_long =
            |c: &Cell<'_>| matches!(c, Cell::Text(s) | Cell::IsoDate(s) if s.len() > cap);
        let cells = if cap > 0 && cells.iter().any(may_be_long) {
            capped = cells
                .iter()
                .enumerate()
                .map(|(col, c)| match long_text(c, cap) {
                    Some(short) => {
                        let entry = cut.get_or_insert((0, row, col));
                        entry.0 += 1;
                        Cell::Text(short)
                    }
                    None => *c,
                })
                .collect();
            &capped[..]
        } else {
            cells
        };
        reader.counts.read += 1;
        match reader.row(row, cells, sink) {
            Ok(()) => reader.counts.used += 1,
            Err(d) => {
                reader.counts.rejected += 1;
                sink.row_problem(*d);
            }
        }
        true
    });
    if let Some((n, row, col)) = cut {
        let column = reader.column_name(col);
        sink.diagnostics.push(
            Diagnostic::new(
                Severity::Warning,
                Code::CellTruncated,
                format!(
                    "{n} cell(s) are longer than {cap} characters (Excel's own limit for one cell) and were cut to that length, the first in row {row}, column \"{column}\". Check the export: such long cells usually mean a column of notes, or a stray quote mark that joined many lines into one cell."
                ),
            )
            .file(ctx.file)
            .sheet(ctx.sheet)
            .row(row)
            .column(column),
        );
    }
    for (col, (n, example)) in std::mem::take(&mut reader.month_first) {
        let column = reader.column_name(col);
        sink.diagnostics.push(
            Diagnostic::new(
                Severity::Warning,
                Code::MonthFirstColumn,
                format!(
                    "{n} date(s) in column \"{column}\" only make sense month-first (for example \"{}\"). Driftline reads dates day-first and never swaps them silently, so those rows were rejected. If the column was exported month-first, export it again as dd/mm/yyyy or yyyy-mm-dd.",
                    shorten(&example, QUOTE_CHARS)
                ),
            )
            .file(ctx.file)
            .sheet(ctx.sheet)
            .column(column),
        );
    }
    reader.counts
}

struct RowReader<'a> {
    table: &'a Recognised,
    /// The column of each field (indexed by `Field as usize`), looked up once per table
    /// rather than for every cell.
    columns: [Option<usize>; Field::ALL.len()],
    ctx: &'a TableContext<'a>,
    is_1904: bool,
    first_column: usize,
    counts: Counts,
    /// Column → (count, first example) of month-first dates.
    month_first: BTreeMap<usize, (u64, String)>,
    /// The dates of recent date texts, each parsed once.
    dates: DateCache,
}

type RowResult = Result<(), Box<Diagnostic>>;

impl RowReader<'_> {
    fn column_name(&self, col: usize) -> String {
        match self.table.headers.get(col).map(|h| h.trim()) {
            Some(h) if !h.is_empty() => visible::visible(h).into_owned(),
            _ => format!("column {}", column_letters(col + self.first_column)),
        }
    }

    fn reject(
        &self,
        row: u32,
        col: usize,
        code: Code,
        child: Option<&str>,
        msg: String,
    ) -> Box<Diagnostic> {
        let mut d = Diagnostic::new(Severity::Rejected, code, msg)
            .file(self.ctx.file)
            .sheet(self.ctx.sheet)
            .row(row)
            .column(self.column_name(col));
        if let Some(c) = child {
            d = d.child(c);
        }
        Box::new(d)
    }

    /// The column holding `field`.
    fn column_of(&self, field: Field) -> Option<usize> {
        self.columns.get(field as usize).copied().flatten()
    }

    fn cell<'c>(&self, cells: &'c [Cell<'c>], field: Field) -> Option<(usize, Cell<'c>)> {
        let col = self.column_of(field)?;
        Some((col, cells.get(col).copied().unwrap_or(Cell::Empty)))
    }

    /// A field's text, with invisible characters written visibly (see [`shown`]).
    fn text<'c>(&self, cells: &'c [Cell<'c>], field: Field) -> Option<Cow<'c, str>> {
        let (_, c) = self.cell(cells, field)?;
        let t = c.text();
        (!t.is_empty()).then(|| shown(t, field == Field::Detail))
    }

    /// Reports each cell of the row whose text holds invisible characters (an ID or label that
    /// could pass for another), naming the row and column.
    fn report_hidden(&self, row: u32, cells: &[Cell<'_>], child: Option<&str>, sink: &mut Sink) {
        for (col, cell) in cells.iter().enumerate() {
            let (Cell::Text(raw) | Cell::IsoDate(raw)) = *cell else {
                continue;
            };
            if !visible::has_hidden(raw) {
                continue;
            }
            let field = self.table.columns.get(col).copied().flatten();
            let attribute = field.is_none()
                && self
                    .table
                    .headers
                    .get(col)
                    .is_some_and(|h| !h.trim().is_empty());
            if field.is_none() && !attribute {
                continue;
            }
            let what = match field {
                Some(f) => f.id().replace('_', " "),
                None => "value".to_string(),
            };
            let column = self.column_name(col);
            if let Some(d) = hidden_problem(&what, &column, raw, field == Some(Field::Detail)) {
                let mut d = d
                    .file(self.ctx.file)
                    .sheet(self.ctx.sheet)
                    .row(row)
                    .column(column);
                if let Some(c) = child {
                    d = d.child(c);
                }
                sink.row_problem(d);
            }
        }
    }

    fn required_text<'c>(
        &self,
        row: u32,
        cells: &'c [Cell<'c>],
        field: Field,
        child: Option<&str>,
        why: &str,
    ) -> Result<std::borrow::Cow<'c, str>, Box<Diagnostic>> {
        let col = self.column_of(field).unwrap_or(0);
        if let Some((col, Cell::Error(e))) = self.cell(cells, field) {
            return Err(self.reject(
                row,
                col,
                Code::InvalidValue,
                child,
                format!(
                    "The {} is the spreadsheet error {e} (a formula that could not be worked out), not a value; {why}",
                    field.id().replace('_', " ")
                ),
            ));
        }
        self.text(cells, field).ok_or_else(|| {
            self.reject(
                row,
                col,
                Code::MissingValue,
                child,
                format!("The {} is blank; {why}", field.id().replace('_', " ")),
            )
        })
    }

    /// Reads a date; `Ok(None)` when blank.
    fn date(
        &mut self,
        row: u32,
        cells: &[Cell<'_>],
        field: Field,
        child: Option<&str>,
    ) -> Result<Option<NaiveDate>, Box<Diagnostic>> {
        let Some((col, cell)) = self.cell(cells, field) else {
            return Ok(None);
        };
        if cell.is_blank() {
            return Ok(None);
        }
        if let Cell::Error(e) = cell {
            return Err(self.reject(
                row,
                col,
                Code::InvalidDate,
                child,
                format!(
                    "The {} is the spreadsheet error {e} (a formula that could not be worked out), not a date. Fix the formula in the spreadsheet, or type the date.",
                    field.id().replace('_', " ")
                ),
            ));
        }
        match cell.date_with(self.is_1904, &mut self.dates) {
            Ok(d) => Ok(Some(d)),
            Err(e) => {
                let shown = shown(cell.text(), false).into_owned();
                let code = match e {
                    DateError::MonthFirst { .. } => {
                        let entry = self.month_first.entry(col).or_insert((0, shown.clone()));
                        entry.0 += 1;
                        Code::MonthFirstDate
                    }
                    _ => Code::InvalidDate,
                };
                Err(self.reject(
                    row,
                    col,
                    code,
                    child,
                    format!(
                        "The {} \"{}\" {e}.",
                        field.id().replace('_', " "),
                        shorten(&shown, QUOTE_CHARS)
                    ),
                ))
            }
        }
    }

    fn required_date(
        &mut self,
        row: u32,
        cells: &[Cell<'_>],
        field: Field,
        child: Option<&str>,
        why: &str,
    ) -> Result<NaiveDate, Box<Diagnostic>> {
        match self.date(row, cells, field, child)? {
            Some(d) => Ok(d),
            None => {
                let col = self.column_of(field).unwrap_or(0);
                Err(self.reject(
                    row,
                    col,
                    Code::MissingValue,
                    child,
                    format!("The {} is blank; {why}", field.id().replace('_', " ")),
                ))
            }
        }
    }

    fn source(&self, row: u32) -> SourceRow {
        SourceRow {
            table: self.ctx.index,
            row,
        }
    }

    fn row(&mut self, row: u32, cells: &[Cell<'_>], sink: &mut Sink) -> RowResult {
        let id = self.required_text(
            row,
            cells,
            Field::ChildId,
            None,
            "every row must say which child it is about.",
        )?;
        let child_id = sink.intern_child(&id);
        let child = Some(&*child_id);
        self.report_hidden(row, cells, child, sink);
        match self.table.kind {
            TableKind::Children => self.children_row(row, cells, child_id, sink),
            TableKind::Placements => {
                let start = self.required_date(
                    row,
                    cells,
                    Field::StartDate,
                    child,
                    "a placement needs the date it started.",
                )?;
                let end = self.date(row, cells, Field::EndDate, child)?;
                let ptype = self.required_text(
                    row,
                    cells,
                    Field::PlacementType,
                    child,
                    "a placement needs its type (for example \"Foster care\" or \"Kinship care\").",
                )?;
                let category = sink.labels.placement(&ptype).value;
                let placement_type = sink.intern(&ptype);
                let carer = self.text(cells, Field::Carer).map(|c| sink.intern(&c));
                let legal_status = self
                    .text(cells, Field::LegalStatus)
                    .map(|c| sink.intern(&c));
                if let Some(ls) = &legal_status {
                    // Counted so unknown legal labels are listed even without a Legal table.
                    sink.labels.legal(ls);
                }
                sink.records.placements.push(PlacementRecord {
                    child_id,
                    start,
                    end,
                    category,
                    placement_type,
                    carer,
                    legal_status,
                    temporary: false,
                    starts_period: false,
                    ends_period: false,
                    source: self.source(row),
                });
                Ok(())
            }
            TableKind::Legal => {
                let start = self.required_date(
                    row,
                    cells,
                    Field::StartDate,
                    child,
                    "a legal status needs the date it started.",
                )?;
                let end = self.date(row, cells, Field::EndDate, child)?;
                let status = self.required_text(
                    row,
                    cells,
                    Field::LegalStatus,
                    child,
                    "a legal status row needs the status (for example \"CSO\").",
                )?;
                let category = sink.labels.legal(&status).value;
                let legal_status = sink.intern(&status);
                sink.records.legal.push(LegalRecord {
                    child_id,
                    start,
                    end,
                    category,
                    legal_status,
                    source: self.source(row),
                });
                Ok(())
            }
            TableKind::Events => {
                let date =
                    self.required_date(row, cells, Field::Date, child, "an event needs its date.")?;
                let label = self.required_text(
                    row,
                    cells,
                    Field::Event,
                    child,
                    "an event row needs the event (for example \"LAC review\").",
                )?;
                let milestone = sink.labels.event(&label).value;
                let label = sink.intern(&label);
                // Details repeat ("Interim CSO made"): each kept once, as the labels are.
                let detail = self.text(cells, Field::Detail).map(|d| sink.intern(&d));
                sink.records.events.push(EventRecord {
                    child_id,
                    date,
                    milestone,
                    label,
                    detail,
                    source: self.source(row),
                });
                Ok(())
            }
        }
    }

    fn children_row(
        &mut self,
        row: u32,
        cells: &[Cell<'_>],
        child_id: Text,
        sink: &mut Sink,
    ) -> RowResult {
        let date_of_birth =
            sink.date_of_birth(self.date(row, cells, Field::DateOfBirth, Some(&child_id)));
        let sex = self
            .text(cells, Field::Sex)
            .map(|s| sink.intern(normalise_sex(&s)));
        let local_authority = self
            .text(cells, Field::LocalAuthority)
            .map(|s| sink.intern(&s));
        let team = self.text(cells, Field::Team).map(|s| sink.intern(&s));
        let mut attributes = BTreeMap::new();
        for (col, field) in self.table.columns.iter().enumerate() {
            if field.is_some() {
                continue;
            }
            let header = match self.table.headers.get(col).map(|h| h.trim()) {
                Some(h) if !h.is_empty() => h,
                _ => continue,
            };
            let value = cells
                .get(col)
                .map(|c| shown(c.text(), false))
                .unwrap_or_default();
            if !value.is_empty() {
                attributes.insert(sink.intern(header), sink.intern(&value));
            }
        }
        sink.records.children.push(ChildRecord {
            child_id,
            date_of_birth,
            sex,
            local_authority,
            team,
            attributes,
            source: self.source(row),
        });
        Ok(())
    }
}

/// A cell's text as records keep it: invisible characters written visibly (`⟨U+202E⟩`), but
/// for the tabs and line breaks of free text (`free_text`).
fn shown(text: Cow<'_, str>, free_text: bool) -> Cow<'_, str> {
    let shown = if free_text {
        visible::visible_text(&text)
    } else {
        visible::visible(&text)
    };
    match shown {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

/// The warning for a cell whose text holds invisible characters (Unicode Cc or Cf; for
/// `free_text`, tabs and line breaks are allowed), unlocated; `None` when it holds none.
pub(crate) fn hidden_problem(
    what: &str,
    column: &str,
    raw: &str,
    free_text: bool,
) -> Option<Diagnostic> {
    let hidden = if free_text {
        visible::is_hidden_in_text
    } else {
        visible::is_hidden
    };
    let found = visible::hidden_in(raw, hidden);
    if found.is_empty() {
        return None;
    }
    let shown = if free_text {
        visible::visible_text(raw)
    } else {
        visible::visible(raw)
    };
    let shown = shorten(shown.trim(), QUOTE_CHARS);
    Some(Diagnostic::new(
        Severity::Warning,
        Code::HiddenCharacters,
        format!(
            "The {what} \"{shown}\" in column \"{column}\" holds invisible characters: {}. They can make it look like another value (another child's ID), so they are shown as {} and kept as part of it. Check the export.",
            visible::describe(&found),
            found.iter().map(|&c| visible::code_point(c)).collect::<Vec<_>>().join(" ")
        ),
    ))
}

/// The text of a text cell longer than `cap` characters, cut to `cap`.
fn long_text<'c>(cell: &Cell<'c>, cap: usize) -> Option<&'c str> {
    match *cell {
        // Bytes are at least characters: only long texts are walked.
        Cell::Text(s) | Cell::IsoDate(s) if s.len() > cap => {
            s.char_indices().nth(cap).map(|(at, _)| &s[..at])
        }
        _ => None,
    }
}

/// Common spellings of sex become `Male`/`Female`; anything else is kept as written.
fn normalise_sex(s: &str) -> &str {
    match s.trim().to_ascii_lowercase().as_str() {
        "m" | "male" | "boy" => "Male",
        "f" | "female" | "girl" => "Female",
        _ => s,
    }
}
