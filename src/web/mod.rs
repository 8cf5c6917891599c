//! The web boundary: the only module that touches wasm-bindgen and JavaScript. Compiled for
//! wasm32 only.
//!
//! It owns converting JavaScript values into library inputs (file bytes, the "as at" date, a
//! mapping) and the library's answers back into JavaScript (the report as a plain object, a
//! load error as an `Error`). It computes nothing itself: every answer comes from
//! [`crate::analyze`], so the page and the command line agree by construction. It never reads
//! the clock (the page passes today's date) and never touches the network or storage.

pub mod charts;
mod convert;
pub mod offscreen;
pub mod profiles;
pub mod session;

use crate::{InputFile, Mapping, Options};
use chrono::NaiveDate;
use convert::{js_error, to_js};
use js_sys::{Array, ArrayBuffer, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Reads the files and analyses them, returning the report as a plain JavaScript object with
/// the same shape as the command line's JSON (`null` where the JSON has `null`).
///
/// `files` is an array of `{ name: string, bytes: Uint8Array | ArrayBuffer }`; `options` is
/// `{ asAt?: "YYYY-MM-DD", today?: "YYYY-MM-DD", mapping?: object | string, profile?: string |
/// object, limits?: object }`: without `asAt`, the analysis is as at the latest date in the
/// files not after `today` (the report's `as_at_basis` says which); `profile` is a
/// built-in name (`"scotland"` or `"england"`; without one, England's for an
/// SSDA903 return and Scotland's otherwise), a profile object
/// or its JSON text (see [`crate::stats::profile`]). Throws an `Error` whose message lists every fatal problem, with
/// the problems themselves in its `diagnostics` property.
#[wasm_bindgen]
pub fn analyze(files: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let report = run(files, options)?;
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    report
        .serialize(&serializer)
        .map_err(|err| js_error(&format!("cannot convert the report: {err}"), &[]))
}

/// The same as [`analyze`], but returns the report as JSON text (for callers that parse it
/// themselves or pass it on as text).
#[wasm_bindgen(js_name = analyzeJson)]
pub fn analyze_json(files: &JsValue, options: &JsValue) -> Result<String, JsValue> {
    let report = run(files, options)?;
    serde_json::to_string(&report)
        .map_err(|err| js_error(&format!("cannot convert the report: {err}"), &[]))
}

/// A table's rows of cell texts (the header first) as CSV text, written by the core's one
/// CSV writer ([`crate::table`]), for a table the page shows as it is.
#[wasm_bindgen(js_name = tableCsv)]
pub fn table_csv(rows: &JsValue) -> Result<String, JsValue> {
    let rows: Vec<Vec<String>> = serde_wasm_bindgen::from_value(rows.clone())
        .map_err(|err| js_error(&format!("the rows must be lists of text: {err}"), &[]))?;
    Ok(crate::table::Table::from_rows(rows).to_csv())
}

/// Every word the page shows that is not data (see [`crate::explore::vocabulary`]): fields,
/// categories, milestones, routes, age bands, breakdowns, QI choices and signal words, units.
#[wasm_bindgen]
pub fn vocabulary() -> Result<JsValue, JsValue> {
    to_js(&crate::explore::vocabulary::vocabulary())
}

fn run(files: &JsValue, options: &JsValue) -> Result<crate::Report, JsValue> {
    let options = read_options(options)?;
    // One file at a time is copied into wasm memory, read and freed, so that the memory's
    // peak holds one file's bytes rather than all of them (wasm memory never shrinks).
    let mut loader = crate::ingest::Loader::new(options.mapping.as_ref(), &options.limits);
    for_each_file(files, |file| loader.add(&file))?;
    let loaded = loader
        .finish()
        .map_err(|err| js_error(&err.to_string(), &err.diagnostics))?;
    Ok(crate::analyze_loaded(loaded, &options))
}

/// Copies each file's bytes into wasm memory (the only copy the boundary makes) and hands it
/// to `visit`, one file at a time; each copy is freed before the next is made.
fn for_each_file(files: &JsValue, mut visit: impl FnMut(InputFile<'_>)) -> Result<(), JsValue> {
    let files = file_array(files)?;
    for (index, file) in files.iter().enumerate() {
        let (name, bytes) = read_file(&file, index + 1)?;
        visit(InputFile {
            name: &name,
            bytes: &bytes,
        });
    }
    Ok(())
}

/// Copies every file's bytes into wasm memory at once (for the preview, which reads only the
/// first rows of each).
fn read_files(files: &JsValue) -> Result<Vec<(String, Vec<u8>)>, JsValue> {
    let files = file_array(files)?;
    files
        .iter()
        .enumerate()
        .map(|(index, file)| read_file(&file, index + 1))
        .collect()
}

/// The `files` argument as the array of `{ name, bytes }` it must be.
fn file_array(files: &JsValue) -> Result<&Array, JsValue> {
    files
        .dyn_ref()
        .ok_or_else(|| js_error("files must be an array of { name, bytes }", &[]))
}

/// One `{ name, bytes }` as its name and a copy of its bytes; `position` (from 1) names a
/// file that has no name.
fn read_file(file: &JsValue, position: usize) -> Result<(String, Vec<u8>), JsValue> {
    let name = get(file, "name")
        .and_then(|name| name.as_string())
        .unwrap_or_else(|| format!("file {position}"));
    let bytes = get(file, "bytes").unwrap_or(JsValue::UNDEFINED);
    let bytes = if let Some(array) = bytes.dyn_ref::<Uint8Array>() {
        array.to_vec()
    } else if let Some(buffer) = bytes.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(buffer).to_vec()
    } else {
        return Err(js_error(
            &format!("{name}: bytes must be a Uint8Array or an ArrayBuffer"),
            &[],
        ));
    };
    Ok((name, bytes))
}

fn read_options(options: &JsValue) -> Result<Options, JsValue> {
    let date = |key: &str| -> Result<Option<NaiveDate>, JsValue> {
        match get(options, key).filter(|v| !v.is_null()) {
            None => Ok(None),
            Some(value) => value
                .as_string()
                .and_then(|text| parse_date(&text))
                .map(Some)
                .ok_or_else(|| {
                    js_error(
                        &format!("options.{key} must be a date written YYYY-MM-DD"),
                        &[],
                    )
                }),
        }
    };
    // Without an "as at" date, the latest date in the files not after the caller's today
    // (the core never reads the clock: the page passes today).
    let mut parsed = match (date("asAt")?, date("today")?) {
        (Some(as_at), _) => Options::new(as_at),
        (None, Some(today)) => Options::as_at_latest_in_data(today),
        (None, None) => {
            return Err(js_error(
                "options.asAt (the \"as at\" date) or options.today (to take it from the files) must be a date written YYYY-MM-DD",
                &[],
            ))
        }
    };
    if let Some(mapping) = get(options, "mapping").filter(|m| !m.is_undefined() && !m.is_null()) {
        // A mapping object goes through its JSON text so that it is validated exactly as a
        // saved mapping file is.
        let text = match mapping.as_string() {
            Some(text) => Ok(text),
            None => js_sys::JSON::stringify(&mapping)
                .map(String::from)
                .map_err(|_| "it cannot be written as JSON".to_string()),
        };
        parsed.mapping = Some(
            text.and_then(|text| Mapping::from_json(&text))
                .map_err(|err| {
                    js_error(
                        &format!("options.mapping is not a valid Driftline mapping: {err}"),
                        &[],
                    )
                })?,
        );
    }
    // Without a profile the timescales follow the data, as on the command line.
    let profile = get(options, "profile").filter(|p| !p.is_undefined() && !p.is_null());
    parsed.profile_from_data = profile.is_none();
    parsed.profile = profiles::read_profile(profile)
        .map_err(|err| js_error(&format!("options.profile: {err}"), &[]))?;
    // The forecasts' basis, as `driftline analyze --breakdown`.
    if let Some(b) = get(options, "breakdown").filter(|b| !b.is_undefined() && !b.is_null()) {
        parsed.breakdown = Some(b.as_string().ok_or_else(|| {
            js_error(
                "options.breakdown must be a breakdown id such as \"age_at_entry\"",
                &[],
            )
        })?);
    }
    if let Some(limits) = get(options, "limits").filter(|l| !l.is_null()) {
        read_limits(&limits, &mut parsed.limits)?;
    }
    Ok(parsed)
}

/// Reads `options.limits`: `{ maxFileBytes, maxUncompressedBytes, maxCells, maxTextBytes,
/// maxCellChars, maxListedProblems }`, each optional, each a whole number of at least 1.
/// Those left out keep their defaults (see [`crate::ingest::Limits`]).
fn read_limits(limits: &JsValue, into: &mut crate::ingest::Limits) -> Result<(), JsValue> {
    if !limits.is_object() {
        return Err(js_error(
            "options.limits must be an object such as { maxFileBytes: 104857600 }",
            &[],
        ));
    }
    for (key, set) in LIMITS {
        let Some(value) = get(limits, key) else {
            continue;
        };
        match value.as_f64() {
            Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => {
                set(into, n as u64);
            }
            _ => {
                return Err(js_error(
                    &format!("options.limits.{key} must be a whole number of at least 1"),
                    &[],
                ))
            }
        }
    }
    let keys = js_sys::Object::keys(limits.unchecked_ref::<js_sys::Object>());
    let unknown: Vec<String> = keys
        .iter()
        .filter_map(|k| k.as_string())
        .filter(|k| !LIMITS.iter().any(|(known, _)| known == k))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = LIMITS.iter().map(|(key, _)| *key).collect();
        return Err(js_error(
            &format!(
                "options.limits has unknown field(s) {}; the known ones are {}",
                unknown.join(", "),
                known.join(", ")
            ),
            &[],
        ));
    }
    Ok(())
}

/// Each field of `options.limits` and how it sets the core's [`crate::ingest::Limits`].
type SetLimit = fn(&mut crate::ingest::Limits, u64);
const LIMITS: [(&str, SetLimit); 6] = [
    ("maxFileBytes", |l, n| l.max_file_bytes = n),
    ("maxUncompressedBytes", |l, n| l.max_uncompressed_bytes = n),
    ("maxCells", |l, n| l.max_cells = n),
    ("maxTextBytes", |l, n| l.max_text_bytes = n),
    ("maxCellChars", |l, n| {
        l.max_cell_chars = usize::try_from(n).unwrap_or(usize::MAX)
    }),
    ("maxListedProblems", |l, n| {
        l.max_listed_problems = usize::try_from(n).unwrap_or(usize::MAX)
    }),
];

fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let well_formed = bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-';
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| well_formed)
}

/// A property of a JavaScript object, or `None` if the value is not an object or lacks it.
pub(crate) fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .filter(|value| !value.is_undefined())
}
