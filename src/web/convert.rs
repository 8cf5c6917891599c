//! The boundary's two conversions that every part of it uses: a Rust value as a plain
//! JavaScript object, and an error (with its problems) as a JavaScript `Error`. A leaf module,
//! so that the boundary's modules depend on it and not on each other in a circle.

use crate::diagnostics::Diagnostic;
use js_sys::Reflect;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A serialisable value as a plain JavaScript object, in the report's conventions (maps as
/// objects, missing values as `null`).
pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value
        .serialize(&serializer)
        .map_err(|err| js_error(&format!("cannot convert the answer: {err}"), &[]))
}

/// A JavaScript `Error` with the message and, as its `diagnostics` property, the problems.
pub(super) fn js_error(message: &str, diagnostics: &[Diagnostic]) -> JsValue {
    let error = js_sys::Error::new(message);
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    if let Ok(list) = diagnostics.serialize(&serializer) {
        // Setting a property on a fresh Error cannot fail; if it somehow did, the message
        // alone still explains the problem.
        let _ = Reflect::set(&error, &JsValue::from_str("diagnostics"), &list);
    }
    error.into()
}
