//! cargo-fuzz target `mapping`: runs [`bodies::mapping`] (see `fuzz/bodies.rs`, shared with the
//! stable `tests/fuzz_corpus.rs`).
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::mapping(data));
