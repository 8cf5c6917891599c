//! cargo-fuzz target `xlsx_sheet_xml`: runs [`bodies::xlsx_sheet_xml`] (see `fuzz/bodies.rs`, shared with the
//! stable `tests/fuzz_corpus.rs`).
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::xlsx_sheet_xml(data));
