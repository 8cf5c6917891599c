//! Timescale profiles at the web boundary: reading the `profile` option (a built-in name, a
//! profile object or its JSON text) and the helpers the Timescales view calls to fetch a
//! built-in profile, check an edited one and list the milestones a stage can start or end at.
//!
//! This module owns only the conversion between JavaScript values and
//! [`crate::stats::Profile`]; validation and the messages are `Profile::from_json`'s, so the
//! page reports exactly what the command line reports for the same file. It stores nothing:
//! saving a profile is a download the page offers.

use super::convert::{js_error, to_js};
use crate::model::Milestone;
use crate::stats::{Profile, ProfileError};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Reads the `profile` option: `undefined` or `null` for the default (Scotland), a built-in
/// name (`"scotland"`, `"england"`), a profile object, or a profile's JSON text.
pub fn read_profile(value: Option<JsValue>) -> Result<Profile, ProfileError> {
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(Profile::default());
    };
    if let Some(text) = value.as_string() {
        if text.trim_start().starts_with('{') {
            return Profile::from_json(&text);
        }
        return Profile::built_in(&text).ok_or_else(|| ProfileError {
            message: format!(
                "There is no built-in profile called \"{}\": use \"scotland\", \"england\", or a profile object.",
                text.trim()
            ),
        });
    }
    if value.is_object() {
        let text: String = js_sys::JSON::stringify(&value)
            .map(String::from)
            .map_err(|_| ProfileError {
                message: "The profile cannot be written as JSON.".into(),
            })?;
        // The text is our own serialisation of the object, so a position in it would mean
        // nothing to the person who wrote the object: leave it out.
        return Profile::from_json(&text).map_err(|err| ProfileError {
            message: without_position(&err.message),
        });
    }
    Err(ProfileError {
        message:
            "The profile must be \"scotland\", \"england\", a profile object or its JSON text."
                .into(),
    })
}

/// A JSON error message without its trailing " at line L column C" (keeping the final full
/// stop).
fn without_position(message: &str) -> String {
    let Some(at) = message.rfind(" at line ") else {
        return message.to_string();
    };
    let tail = message[at + " at line ".len()..].trim_end_matches('.');
    let mut words = tail.split(' ');
    let is_position = matches!(
        (words.next(), words.next(), words.next(), words.next()),
        (Some(line), Some("column"), Some(column), None)
            if line.bytes().all(|b| b.is_ascii_digit()) && column.bytes().all(|b| b.is_ascii_digit())
    );
    if is_position {
        format!("{}.", &message[..at])
    } else {
        message.to_string()
    }
}

/// A built-in profile (`scotland` or `england`) as a plain object, in the JSON shape a saved
/// profile has.
#[wasm_bindgen(js_name = builtInProfile)]
pub fn built_in_profile(name: &str) -> Result<JsValue, JsValue> {
    let profile = Profile::built_in(name)
        .ok_or_else(|| js_error(&format!("there is no built-in profile called {name}"), &[]))?;
    to_js(&profile)
}

/// Checks a profile (an object or JSON text) without using it: `{ ok: true, profile }` with
/// the profile as read back (targets written out in full), or `{ ok: false, message }` with
/// the plain-English message the command line would print.
#[wasm_bindgen(js_name = checkProfile)]
pub fn check_profile(profile: JsValue) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Checked {
        ok: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        profile: Option<Profile>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    }
    let checked = match read_profile(Some(profile)) {
        Ok(profile) => Checked {
            ok: true,
            profile: Some(profile),
            message: None,
        },
        Err(err) => Checked {
            ok: false,
            profile: None,
            message: Some(err.message),
        },
    };
    to_js(&checked)
}

/// The milestones a stage can start or end at, as `[id, label]` pairs in the usual order of a
/// journey (without the catch-all `custom`, which a profile cannot use).
#[wasm_bindgen]
pub fn milestones() -> Result<JsValue, JsValue> {
    let list: Vec<(&str, &str)> = Milestone::ALL
        .iter()
        .filter(|m| **m != Milestone::Custom)
        .map(|m| (m.id(), m.label()))
        .collect();
    to_js(&list)
}
