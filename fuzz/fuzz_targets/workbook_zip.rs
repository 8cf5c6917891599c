//! cargo-fuzz target `workbook_zip`: runs [`bodies::workbook_zip`] (see `fuzz/bodies.rs`, shared with the
//! stable `tests/fuzz_corpus.rs`).
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::workbook_zip(data));
