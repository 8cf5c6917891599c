//! The user's mapping: a small JSON document, savable and reusable, that overrides how tables,
//! header rows, columns and labels are understood. It holds no data, only names.
//!
//! ```json
//! { "version": 1,
//!   "tables": [ { "file": "export.xlsx", "sheet": "Moves", "kind": "placements",
//!                 "header_row": 3, "columns": { "start_date": "Date in", "carer": "D" } },
//!               { "sheet": "Lookups", "kind": "ignore" } ],
//!   "labels": { "placement_type": { "Gran's house": "kinship" },
//!               "legal_status": { "S83 PO": "adoption_authority" },
//!               "event": { "Looked After Review (2nd)": "lac_review" } } }
//! ```
//!
//! A column is named by its header text (matched ignoring case and punctuation) or by its
//! Excel letter (`"D"`).

use super::header::{normalise, Field, TableKind};
use crate::model::{LegalCategory, Milestone, PlacementCategory};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// See the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default = "version_one")]
    pub version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableMapping>,
    #[serde(default)]
    pub labels: LabelMapping,
}

fn version_one() -> u32 {
    1
}

/// Overrides for the tables matching `file` and `sheet` (both optional, matched ignoring case).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableMapping {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// `children`, `placements`, `legal`, `events`, or `ignore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The header row as the user sees it (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u32>,
    /// Field id → header text or column letter.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
}

/// Label → category or milestone id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelMapping {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub placement_type: BTreeMap<String, PlacementCategory>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub legal_status: BTreeMap<String, LegalCategory>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event: BTreeMap<String, Milestone>,
}

/// What a table mapping asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindChoice {
    Auto,
    Ignore,
    Kind(TableKind),
}

impl Mapping {
    /// Parses and validates a mapping document.
    pub fn from_json(json: &str) -> Result<Mapping, String> {
        let mapping: Mapping =
            serde_json::from_str(json).map_err(|e| format!("The mapping is not valid: {e}."))?;
        mapping.validate()?;
        Ok(mapping)
    }

    /// Checks ids that serde cannot: table kinds and field names.
    pub fn validate(&self) -> Result<(), String> {
        if self.version != 1 {
            return Err(format!(
                "The mapping has version {}, but this Driftline reads version 1.",
                self.version
            ));
        }
        for (i, t) in self.tables.iter().enumerate() {
            let kind = t.kind_choice().map_err(|k| {
                format!(
                    "Mapping table {}: \"{k}\" is not a table kind (use children, placements, legal, events or ignore).",
                    i + 1
                )
            })?;
            for field in t.columns.keys() {
                let f = Field::from_id(field).ok_or_else(|| {
                    format!(
                        "Mapping table {}: \"{field}\" is not a column name Driftline knows.",
                        i + 1
                    )
                })?;
                if let KindChoice::Kind(k) = kind {
                    if !k.fields().contains(&f) {
                        return Err(format!(
                            "Mapping table {}: a {} table has no \"{field}\" column.",
                            i + 1,
                            k.id()
                        ));
                    }
                }
            }
            if t.header_row == Some(0) {
                return Err(format!(
                    "Mapping table {}: header_row counts from 1, as in Excel.",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    /// The table mapping that applies to a file's sheet, if any (the last match wins, so a
    /// later, more specific entry can refine an earlier one).
    pub fn table_for(&self, file: &str, sheet: Option<&str>) -> Option<&TableMapping> {
        self.tables.iter().rev().find(|t| {
            t.file
                .as_deref()
                .is_none_or(|f| f.eq_ignore_ascii_case(file))
                && t.sheet
                    .as_deref()
                    .is_none_or(|s| sheet.is_some_and(|name| normalise(name) == normalise(s)))
        })
    }
}

impl TableMapping {
    /// The kind this mapping asks for; `Err` holds an unknown kind id.
    pub fn kind_choice(&self) -> Result<KindChoice, String> {
        match self.kind.as_deref() {
            None => Ok(KindChoice::Auto),
            Some("ignore") => Ok(KindChoice::Ignore),
            Some(k) => TableKind::from_id(k)
                .map(KindChoice::Kind)
                .ok_or_else(|| k.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let json = r#"{ "version": 1,
          "tables": [ { "file": "export.xlsx", "sheet": "Moves", "kind": "placements",
                        "header_row": 3, "columns": { "start_date": "Date in", "carer": "D" } },
                      { "sheet": "Lookups", "kind": "ignore" } ],
          "labels": { "placement_type": { "Gran's house": "kinship" },
                      "legal_status": { "S83 PO": "adoption_authority" },
                      "event": { "Looked After Review (2nd)": "lac_review" } } }"#;
        let m = Mapping::from_json(json).unwrap();
        assert_eq!(m.tables.len(), 2);
        assert_eq!(
            m.table_for("EXPORT.xlsx", Some("moves"))
                .unwrap()
                .header_row,
            Some(3)
        );
        assert_eq!(
            m.table_for("other.xlsx", Some("Lookups"))
                .unwrap()
                .kind_choice(),
            Ok(KindChoice::Ignore)
        );
        assert!(m.table_for("other.xlsx", Some("Moves")).is_none());
        // Round trip.
        let again = Mapping::from_json(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(again, m);
    }

    #[test]
    fn rejects_unknown_ids_with_a_reason() {
        for (json, needle) in [
            (r#"{"tables":[{"kind":"moves"}]}"#, "not a table kind"),
            (
                r#"{"tables":[{"columns":{"start":"A"}}]}"#,
                "not a column name",
            ),
            (
                r#"{"tables":[{"kind":"events","columns":{"carer":"A"}}]}"#,
                "has no \"carer\"",
            ),
            (
                r#"{"labels":{"placement_type":{"x":"castle"}}}"#,
                "not valid",
            ),
            (r#"{"tables":[{"header_row":0}]}"#, "counts from 1"),
            (r#"{"version":2}"#, "version 2"),
            (r#"{"colour":"red"}"#, "not valid"),
            ("not json", "not valid"),
        ] {
            let err = Mapping::from_json(json).unwrap_err();
            assert!(err.contains(needle), "{json}: {err}");
        }
    }
}
