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
//!
//! A mapping is small, and one that is not is refused: at most [`Mapping::MAX_BYTES`] of JSON,
//! [`Mapping::MAX_TABLES`] tables, [`Mapping::MAX_LABELS`] labels of each kind, and names
//! (files, sheets, columns, labels) of at most [`Mapping::MAX_NAME_CHARS`] characters.

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
    /// The most JSON a mapping may be (1 MiB).
    pub const MAX_BYTES: usize = 1024 * 1024;
    /// The most table entries.
    pub const MAX_TABLES: usize = 1000;
    /// The most labels of each kind (placement types, legal statuses, events).
    pub const MAX_LABELS: usize = 10_000;
    /// The longest file, sheet, column or label name, in characters.
    pub const MAX_NAME_CHARS: usize = 1000;

    /// Parses and validates a mapping document.
    pub fn from_json(json: &str) -> Result<Mapping, String> {
        if json.len() > Mapping::MAX_BYTES {
            return Err(format!(
                "The mapping is {} kB; a mapping is at most {} kB (it holds names, not data). Is this the right file?",
                json.len().div_ceil(1024),
                Mapping::MAX_BYTES / 1024
            ));
        }
        let mapping: Mapping =
            serde_json::from_str(json).map_err(|e| format!("The mapping is not valid: {e}."))?;
        mapping.validate()?;
        Ok(mapping)
    }

    /// Checks ids that serde cannot (table kinds and field names) and the caps.
    pub fn validate(&self) -> Result<(), String> {
        if self.version != 1 {
            return Err(format!(
                "The mapping has version {}, but this Driftline reads version 1.",
                self.version
            ));
        }
        self.within_caps()?;
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

    /// Checks the caps in the module documentation.
    fn within_caps(&self) -> Result<(), String> {
        if self.tables.len() > Mapping::MAX_TABLES {
            return Err(format!(
                "The mapping has {} tables; a mapping has at most {}.",
                self.tables.len(),
                Mapping::MAX_TABLES
            ));
        }
        let long = |what: String, name: &str| {
            let n = name.chars().count();
            if n > Mapping::MAX_NAME_CHARS {
                Err(format!(
                    "{what} is {n} characters long; a name is at most {} characters.",
                    Mapping::MAX_NAME_CHARS
                ))
            } else {
                Ok(())
            }
        };
        for (i, t) in self.tables.iter().enumerate() {
            let n = i + 1;
            for (what, name) in [("file", &t.file), ("sheet", &t.sheet), ("kind", &t.kind)] {
                if let Some(name) = name {
                    long(format!("Mapping table {n}: the {what}"), name)?;
                }
            }
            for (field, column) in &t.columns {
                long(format!("Mapping table {n}: a column name"), field)?;
                long(format!("Mapping table {n}: the column for {field}"), column)?;
            }
        }
        let kinds = [
            (
                "placement_type",
                self.labels.placement_type.keys().collect::<Vec<_>>(),
            ),
            ("legal_status", self.labels.legal_status.keys().collect()),
            ("event", self.labels.event.keys().collect()),
        ];
        for (kind, labels) in kinds {
            if labels.len() > Mapping::MAX_LABELS {
                return Err(format!(
                    "The mapping has {} {kind} labels; a mapping has at most {} of each kind.",
                    labels.len(),
                    Mapping::MAX_LABELS
                ));
            }
            for label in labels {
                long(format!("A label in the mapping's {kind} list"), label)?;
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

    #[test]
    fn an_oversized_mapping_is_refused_with_its_size() {
        let big = format!(
            r#"{{"tables":[{{"sheet":"{}"}}]}}"#,
            "x".repeat(1024 * 1024)
        );
        assert_eq!(
            Mapping::from_json(&big).unwrap_err(),
            "The mapping is 1025 kB; a mapping is at most 1024 kB (it holds names, not data). Is this the right file?"
        );
        let tables = vec![r#"{"kind":"ignore"}"#; 1001].join(",");
        assert_eq!(
            Mapping::from_json(&format!(r#"{{"tables":[{tables}]}}"#)).unwrap_err(),
            "The mapping has 1001 tables; a mapping has at most 1000."
        );
        let labels: Vec<String> = (0..10_001).map(|i| format!(r#""L{i}":"foster""#)).collect();
        let json = format!(
            r#"{{"labels":{{"placement_type":{{{}}}}}}}"#,
            labels.join(",")
        );
        assert_eq!(
            Mapping::from_json(&json).unwrap_err(),
            "The mapping has 10001 placement_type labels; a mapping has at most 10000 of each kind."
        );
        let json = format!(
            r#"{{"labels":{{"event":{{"{}":"panel"}}}}}}"#,
            "é".repeat(1001)
        );
        assert_eq!(
            Mapping::from_json(&json).unwrap_err(),
            "A label in the mapping's event list is 1001 characters long; a name is at most 1000 characters."
        );
    }
}
