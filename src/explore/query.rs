//! The page's queries as the worker receives them (plain objects, every field optional) and
//! the pages of rows they answer with.
//!
//! This module owns the queries' fields and defaults, and [`QUERIES`], the one list of the
//! session methods the page may call through the worker (tests check `www/worker.js`'s copy
//! against it, and that `www/driftline.js` asks each and `www/driftline.d.ts` declares it).

use super::filter::Filters;
use serde::{Deserialize, Serialize};

/// The session methods the page may call through the worker's `query` message.
pub const QUERIES: [&str; 23] = [
    "report",
    "reportPacked",
    "reportParts",
    "summary",
    "problems",
    "problemsCsv",
    "children",
    "childrenCsv",
    "child",
    "chronologyCsv",
    "findChild",
    "profile",
    "stages",
    "stagesCsv",
    "stagesNotes",
    "stageRowsCsv",
    "qiCsv",
    "chartTable",
    "chartNotes",
    "forecast",
    "forecastBasis",
    "scorecardCsv",
    "scorecardNotes",
];

/// The rows of a table a page shows by default.
const DEFAULT_LIMIT: usize = 100;

/// A page of the problems: `{ search, severity, sort, descending, offset, limit,
/// pseudonymise }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ProblemQuery {
    pub search: String,
    /// `fatal`, `rejected`, `warning`, `info`, or empty for all.
    pub severity: Option<String>,
    pub sort: String,
    pub descending: bool,
    pub offset: usize,
    pub limit: usize,
    pub pseudonymise: bool,
}

impl Default for ProblemQuery {
    fn default() -> Self {
        ProblemQuery {
            search: String::new(),
            severity: None,
            sort: String::new(),
            descending: false,
            offset: 0,
            limit: DEFAULT_LIMIT,
            pseudonymise: false,
        }
    }
}

/// A page of the children: `{ search, sort, descending, offset, limit, filters,
/// pseudonymise, likely_within_months }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ChildQuery {
    pub search: String,
    /// Only the children whose current stage is likely to end (its forecast's likely date)
    /// within this many calendar months of "as at"; `None` for every child.
    pub likely_within_months: Option<u32>,
    pub sort: String,
    pub descending: bool,
    pub offset: usize,
    pub limit: usize,
    pub pseudonymise: bool,
    pub filters: Filters,
}

impl Default for ChildQuery {
    fn default() -> Self {
        ChildQuery {
            search: String::new(),
            likely_within_months: None,
            sort: String::new(),
            descending: false,
            offset: 0,
            limit: DEFAULT_LIMIT,
            pseudonymise: false,
            filters: Filters::default(),
        }
    }
}

/// The stage table: `{ filters, breakdown, pseudonymise, sharing }`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StageQuery {
    pub filters: Filters,
    pub breakdown: Option<String>,
    pub pseudonymise: bool,
    /// The "for sharing" mode (`{ round }`), if on.
    pub sharing: Option<super::sharing::Sharing>,
}

/// The per-child stage rows of the children the filters choose, or of one child: `{ filters,
/// child, pseudonymise }`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StageRowsQuery {
    pub filters: Filters,
    pub child: Option<u32>,
    pub pseudonymise: bool,
}

/// One page of a table's rows.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// Rows in the whole table.
    pub total: usize,
    /// Rows the search and filters chose.
    pub matched: usize,
    /// The first row's position among those chosen.
    pub offset: usize,
    pub rows: Vec<T>,
}

#[cfg(test)]
mod tests {
    use super::QUERIES;

    /// The worker allows exactly the queries declared here.
    #[test]
    fn the_workers_list_is_this_list() {
        let worker = include_str!("../../www/worker.js");
        let start = worker
            .find("const QUERIES = new Set([")
            .expect("the worker declares its queries");
        let end = start + worker[start..].find("]);").expect("the list ends");
        let listed: Vec<&str> = worker[start..end]
            .lines()
            .skip(1)
            .map(|l| l.trim().trim_end_matches(',').trim_matches('\''))
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(listed, QUERIES);
    }

    /// Each query but the summary (which `open` and `rerun` answer) is asked by a method of
    /// the ES module's `Session`, and the type declarations declare that method.
    #[test]
    fn the_module_asks_each_query_and_declares_it() {
        let module = include_str!("../../www/driftline.js");
        let types = include_str!("../../www/driftline.d.ts");
        let class = types
            .split("export class Session {")
            .nth(1)
            .and_then(|rest| rest.split("\n}").next())
            .expect("the declarations have a Session class");
        for query in QUERIES.iter().filter(|q| **q != "summary") {
            let call = format!("#query('{query}'");
            let at = module
                .find(&call)
                .unwrap_or_else(|| panic!("driftline.js never asks {query}"));
            // The method that asks it: the last "  name(" line before the call.
            let method = module[..at]
                .lines()
                .rev()
                .filter_map(|l| l.strip_prefix("  "))
                .filter(|l| !l.starts_with(' ') && !l.starts_with('*') && !l.starts_with('/'))
                .find_map(|l| {
                    l.split_once('(')
                        .map(|(name, _)| name.trim_start_matches("async "))
                })
                .unwrap_or_else(|| panic!("no method asks {query}"));
            assert!(
                class.contains(&format!("  {method}(")),
                "driftline.d.ts does not declare Session.{method} (the {query} query)"
            );
        }
    }
}
