//! The web boundary: the only module that touches wasm-bindgen and JavaScript. Compiled for
//! wasm32 only.
pub mod charts;
