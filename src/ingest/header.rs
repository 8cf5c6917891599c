//! Table recognition: find the header row, decide which table a sheet holds from its columns
//! (never from sheet or file names), and map each column to a field.
//!
//! Header matching ignores case, spaces, underscores and punctuation ("Child ID" =
//! `child_id`) and accepts common synonyms ("DOB", "Placement start"). A user's mapping can
//! override the table kind, the header row and any column.

use super::sheet::{trim, Cell, SheetData};
use rustc_hash::FxHashMap;

/// The tables of the Driftline template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableKind {
    Children,
    Placements,
    Legal,
    Events,
}

impl TableKind {
    pub const ALL: [TableKind; 4] = [
        TableKind::Placements,
        TableKind::Events,
        TableKind::Legal,
        TableKind::Children,
    ];

    pub fn id(self) -> &'static str {
        match self {
            TableKind::Children => "children",
            TableKind::Placements => "placements",
            TableKind::Legal => "legal",
            TableKind::Events => "events",
        }
    }

    pub fn from_id(id: &str) -> Option<TableKind> {
        TableKind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The fields of this table, required ones first.
    pub fn fields(self) -> &'static [Field] {
        match self {
            TableKind::Children => &[
                Field::ChildId,
                Field::DateOfBirth,
                Field::Sex,
                Field::LocalAuthority,
                Field::Team,
            ],
            TableKind::Placements => &[
                Field::ChildId,
                Field::StartDate,
                Field::PlacementType,
                Field::EndDate,
                Field::Carer,
                Field::LegalStatus,
            ],
            TableKind::Legal => &[
                Field::ChildId,
                Field::StartDate,
                Field::LegalStatus,
                Field::EndDate,
            ],
            TableKind::Events => &[Field::ChildId, Field::Date, Field::Event, Field::Detail],
        }
    }

    /// The fields a table must have to be recognised and a row must fill to be used.
    pub fn required(self) -> &'static [Field] {
        match self {
            TableKind::Children => &[Field::ChildId],
            TableKind::Placements => &[Field::ChildId, Field::StartDate, Field::PlacementType],
            TableKind::Legal => &[Field::ChildId, Field::StartDate, Field::LegalStatus],
            TableKind::Events => &[Field::ChildId, Field::Date, Field::Event],
        }
    }
}

/// A column's meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    ChildId,
    DateOfBirth,
    Sex,
    LocalAuthority,
    Team,
    StartDate,
    EndDate,
    PlacementType,
    Carer,
    LegalStatus,
    Date,
    Event,
    Detail,
}

impl Field {
    pub const ALL: [Field; 13] = [
        Field::ChildId,
        Field::DateOfBirth,
        Field::Sex,
        Field::LocalAuthority,
        Field::Team,
        Field::StartDate,
        Field::EndDate,
        Field::PlacementType,
        Field::Carer,
        Field::LegalStatus,
        Field::Date,
        Field::Event,
        Field::Detail,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Field::ChildId => "child_id",
            Field::DateOfBirth => "date_of_birth",
            Field::Sex => "sex",
            Field::LocalAuthority => "local_authority",
            Field::Team => "team",
            Field::StartDate => "start_date",
            Field::EndDate => "end_date",
            Field::PlacementType => "placement_type",
            Field::Carer => "carer",
            Field::LegalStatus => "legal_status",
            Field::Date => "date",
            Field::Event => "event",
            Field::Detail => "detail",
        }
    }

    pub fn from_id(id: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.id() == id)
    }

    /// Whether the field holds a date.
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Field::DateOfBirth | Field::StartDate | Field::EndDate | Field::Date
        )
    }

    /// Header spellings accepted for this field, normalised (see [`normalise`]).
    pub(crate) fn synonyms(self, kind: TableKind) -> &'static [&'static str] {
        match self {
            Field::ChildId => &[
                "childid",
                "id",
                "childref",
                "childreference",
                "childno",
                "childnumber",
                "child",
                "childidentifier",
                "childuniqueid",
                "reference",
                "ref",
                "clientid",
                "clientref",
                "personid",
                "personref",
                "personreference",
                "caseid",
                "caseref",
                "casereference",
                "lacid",
                "uniqueid",
                "identifier",
                "youngpersonid",
                "childpersonid",
                "pupilid",
                "recordid",
            ],
            Field::DateOfBirth => &[
                "dateofbirth",
                "dob",
                "birthdate",
                "datebirth",
                "born",
                "birthday",
                "childdob",
                "childdateofbirth",
                "dobchild",
            ],
            Field::Sex => &["sex", "gender", "childsex", "childgender", "sexgender"],
            Field::LocalAuthority => &[
                "localauthority",
                "la",
                "authority",
                "council",
                "laname",
                "localauthorityname",
                "lacode",
                "responsibleauthority",
                "responsiblela",
            ],
            Field::Team => &[
                "team",
                "teamname",
                "socialworkteam",
                "swteam",
                "locality",
                "area",
                "office",
                "service",
                "allocatedteam",
            ],
            Field::StartDate => match kind {
                TableKind::Legal => &[
                    "startdate",
                    "start",
                    "datestarted",
                    "from",
                    "datefrom",
                    "fromdate",
                    "begin",
                    "legalstart",
                    "legalstartdate",
                    "legalstatusstart",
                    "legalstatusstartdate",
                    "orderstart",
                    "orderdate",
                    "dateofstart",
                    "effectivefrom",
                    "effectivedate",
                    "datemade",
                    "ordermade",
                ],
                _ => &[
                    "startdate",
                    "start",
                    "datestarted",
                    "from",
                    "datefrom",
                    "fromdate",
                    "begin",
                    "placementstart",
                    "placementstartdate",
                    "placementdate",
                    "dateplaced",
                    "placedon",
                    "datestartedplacement",
                    "placementfrom",
                    "dateofplacement",
                    "startofplacement",
                    "entrydate",
                    "movedin",
                    "decom",
                ],
            },
            Field::EndDate => match kind {
                TableKind::Legal => &[
                    "enddate",
                    "end",
                    "dateended",
                    "to",
                    "dateto",
                    "todate",
                    "finish",
                    "ended",
                    "legalend",
                    "legalenddate",
                    "legalstatusend",
                    "legalstatusenddate",
                    "orderend",
                    "dateofend",
                    "effectiveto",
                    "ceased",
                    "dateceased",
                ],
                _ => &[
                    "enddate",
                    "end",
                    "dateended",
                    "to",
                    "dateto",
                    "todate",
                    "finish",
                    "ended",
                    "placementend",
                    "placementenddate",
                    "placementto",
                    "dateofleaving",
                    "endofplacement",
                    "ceased",
                    "dateceased",
                    "movedout",
                    "leftdate",
                    "dec",
                ],
            },
            Field::PlacementType => &[
                "placementtype",
                "placement",
                "type",
                "placementcategory",
                "category",
                "setting",
                "placementsetting",
                "typeofplacement",
                "placementkind",
                "livingsituation",
                "accommodationtype",
                "placementdescription",
            ],
            Field::Carer => &[
                "carer",
                "carername",
                "carers",
                "carersname",
                "provider",
                "placementprovider",
                "providername",
                "placedwith",
                "with",
                "household",
                "carerdetails",
                "fostercarer",
                "placementname",
            ],
            Field::LegalStatus => &[
                "legalstatus",
                "legal",
                "legalbasis",
                "status",
                "ls",
                "legalreason",
                "legalorder",
                "order",
                "ordertype",
                "legalstatusorder",
            ],
            Field::Date => &[
                "date",
                "eventdate",
                "dateofevent",
                "meetingdate",
                "when",
                "eventdt",
                "dateofmeeting",
                "datecompleted",
                "decisiondate",
                "dateheld",
            ],
            Field::Event => &[
                "event",
                "eventtype",
                "type",
                "milestone",
                "activity",
                "eventname",
                "what",
                "eventdescription",
                "meeting",
                "meetingtype",
                "decision",
                "keyevent",
                "keydecision",
            ],
            Field::Detail => &[
                "detail",
                "details",
                "notes",
                "note",
                "comment",
                "comments",
                "description",
                "outcome",
                "summary",
                "narrative",
                "eventdetail",
                "eventdetails",
            ],
        }
    }
}

/// Normalises a header or label: lower case, letters and digits only. An invisible character
/// as the readers show it (`⟨U+0000⟩`, see [`crate::visible`]) is left out like any other
/// mark, so that "Fos⟨U+0000⟩ter" is still read as foster care (and reported for the
/// character).
pub fn normalise(s: &str) -> String {
    let mut shown_character = false;
    trim(s)
        .chars()
        .filter(|&c| match c {
            '⟨' => {
                shown_character = true;
                false
            }
            '⟩' => {
                shown_character = false;
                false
            }
            _ => !shown_character && c.is_alphanumeric(),
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// How a sheet's columns were understood.
#[derive(Clone, Debug, PartialEq)]
pub struct Recognised {
    pub kind: TableKind,
    /// The header row as the user sees it (1-based).
    pub header_row: u32,
    /// The header texts as written, by column.
    pub headers: Vec<String>,
    /// The field of each column, if any.
    pub columns: Vec<Option<Field>>,
}

impl Recognised {
    /// The column holding `field`.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }
}

/// How many rows from the top are searched for the header.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// The first rows of a sheet as text, for header search and previews.
pub fn head_rows(data: &SheetData<'_>, n: usize) -> Vec<(u32, Vec<String>)> {
    let mut rows = Vec::new();
    data.for_each_row(&mut |row, cells: &[Cell<'_>]| {
        if cells.iter().all(Cell::is_blank) {
            return true;
        }
        rows.push((row, cells.iter().map(|c| c.text().into_owned()).collect()));
        rows.len() < n
    });
    rows
}

/// Maps header texts to fields for a given table kind. Each field is used at most once (the
/// leftmost matching column wins).
pub fn map_columns(kind: TableKind, headers: &[String]) -> Vec<Option<Field>> {
    // No header Driftline knows is anywhere near this long; a longer cell (a 10 MB note in
    // the first rows) is not normalised at all, which kept header search from walking it
    // for every row and table kind (found by `tests/fixtures/bad/cell_10mb.xlsx`).
    const LONGEST_HEADER: usize = 256;
    let normalised: Vec<String> = headers
        .iter()
        .map(|h| {
            if h.len() > LONGEST_HEADER {
                String::new()
            } else {
                normalise(h)
            }
        })
        .collect();
    // Where each header text stands, left to right: a lookup per synonym instead of a walk
    // along the row (a row of 20,000 columns took seconds per row and table kind in a debug
    // build when every field's synonyms walked it; found by the `workbook_zip` fuzz target).
    let mut positions: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, h) in normalised.iter().enumerate() {
        if !h.is_empty() {
            positions.entry(h.as_str()).or_default().push(i);
        }
    }
    let mut columns = vec![None; headers.len()];
    for &field in kind.fields() {
        let synonyms = field.synonyms(kind);
        // Exact synonym matches first, in synonym order (so "childid" beats "id"); among
        // equal headers, the leftmost column not already taken.
        let found = synonyms.iter().find_map(|syn| {
            positions
                .get(syn)
                .and_then(|at| at.iter().copied().find(|&i| columns[i].is_none()))
        });
        if let Some(i) = found {
            columns[i] = Some(field);
        }
    }
    columns
}

/// Finds the header row and table kind: the row among the first [`HEADER_SEARCH_ROWS`]
/// where a kind's required fields are all present and the most fields are recognised.
pub fn recognise(rows: &[(u32, Vec<String>)]) -> Option<Recognised> {
    let mut best: Option<(usize, Recognised)> = None;
    for (row, headers) in rows {
        for kind in TableKind::ALL {
            let columns = map_columns(kind, headers);
            let has = |f: Field| columns.contains(&Some(f));
            if !kind.required().iter().all(|&f| has(f)) {
                continue;
            }
            // A children table needs something about the child besides the id.
            if kind == TableKind::Children
                && ![
                    Field::DateOfBirth,
                    Field::Sex,
                    Field::LocalAuthority,
                    Field::Team,
                ]
                .into_iter()
                .any(has)
            {
                continue;
            }
            let score = columns.iter().filter(|c| c.is_some()).count() * 10 + kind.required().len();
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((
                    score,
                    Recognised {
                        kind,
                        header_row: *row,
                        headers: headers.clone(),
                        columns,
                    },
                ));
            }
        }
    }
    best.map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn normalises_headers() {
        assert_eq!(normalise(" Child ID "), "childid");
        assert_eq!(normalise("child_id*"), "childid");
        assert_eq!(normalise("Start-Date"), "startdate");
        assert_eq!(normalise("D.O.B."), "dob");
    }

    #[test]
    fn recognises_each_template_table() {
        let cases: [(&[&str], TableKind); 8] = [
            (
                &[
                    "child_id",
                    "date_of_birth",
                    "sex",
                    "local_authority",
                    "team",
                ],
                TableKind::Children,
            ),
            (&["Child ID", "DOB", "Gender"], TableKind::Children),
            (
                &[
                    "child_id",
                    "start_date",
                    "end_date",
                    "placement_type",
                    "carer",
                    "legal_status",
                ],
                TableKind::Placements,
            ),
            (
                &[
                    "Child ref",
                    "Placement start",
                    "Placement end",
                    "Type of placement",
                ],
                TableKind::Placements,
            ),
            (
                &["child_id", "start_date", "end_date", "legal_status"],
                TableKind::Legal,
            ),
            (&["ID", "From", "To", "Legal basis"], TableKind::Legal),
            (&["child_id", "date", "event", "detail"], TableKind::Events),
            (
                &["Child Id", "Event date", "Event type", "Notes"],
                TableKind::Events,
            ),
        ];
        for (headers, kind) in cases {
            let r = recognise(&[(1, strings(headers))]).unwrap_or_else(|| panic!("{headers:?}"));
            assert_eq!(r.kind, kind, "{headers:?}");
            for &f in kind.required() {
                assert!(r.column_of(f).is_some(), "{headers:?} lacks {f:?}");
            }
        }
    }

    #[test]
    fn finds_a_header_below_title_rows() {
        let rows = vec![
            (1, strings(&["Placements report", "", ""])),
            (2, strings(&["Produced 01/04/2024"])),
            (
                4,
                strings(&["Child ID", "Start date", "End date", "Placement type"]),
            ),
            (5, strings(&["C1", "01/01/2020", "", "Foster care"])),
        ];
        let r = recognise(&rows).unwrap();
        assert_eq!((r.kind, r.header_row), (TableKind::Placements, 4));
    }

    #[test]
    fn unrelated_sheets_are_not_tables() {
        assert_eq!(recognise(&[(1, strings(&["Name", "Value"]))]), None);
        assert_eq!(recognise(&[(1, strings(&["child_id", "notes"]))]), None);
        assert_eq!(recognise(&[]), None);
    }

    #[test]
    fn shown_invisible_characters_are_left_out_of_a_label() {
        assert_eq!(normalise("Fos⟨U+0000⟩ter care"), "fostercare");
        assert_eq!(normalise("⟨U+202E⟩Kinship"), "kinship");
        assert_eq!(normalise("Placement Type"), "placementtype");
    }
}
