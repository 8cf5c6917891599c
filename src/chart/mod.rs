//! Charts: the child's journey timeline, the cohort view and the statistical charts, laid out
//! once and painted by one painter on any plotters backend (SVG and PNG natively, the HTML
//! canvas in the browser).
//!
//! The pipeline is model → layout → paint, in the manner of typst and usvg:
//! - the chart modules ([`timeline`], [`cohort`], [`spc`]) turn the model into a [`Layout`]: a
//!   backend-neutral list of positioned items in logical pixels, plus hit regions and the
//!   chart's text alternative. Text is measured only through [`TextMeasure`], whose default
//!   reads embedded advance widths, so layouts are identical natively, in the browser and in
//!   tests;
//! - [`paint()`] draws a layout on any `DrawingBackend`, making no decisions of its own;
//! - [`render_svg`] and `render_png` (native only) produce files.
//!
//! This module knows nothing about file formats, JavaScript or the clock: the "as at" date is
//! always a parameter. The wasm canvas entry points live in `web::charts`.

pub mod axis;
pub mod chronology;
pub mod cohort;
pub mod decomposition;
pub mod delay;
pub mod distribution;
pub mod figure;
#[rustfmt::skip]
mod font_metrics;
pub mod labels;
pub mod layout;
pub mod paint;
pub mod palette;
mod render;
pub mod request;
pub mod spc;
pub mod stage;
pub mod survival;

pub mod text;
pub mod timeline;

pub use crate::table::Table;
pub use chronology::{chronology, Chronology, ChronologyOptions, ChronologyRef, ChronologyRow};
pub use cohort::{cohort, cohort_order, Cohort, CohortOptions, CohortRow, CohortSort, Viewport};
pub use decomposition::{decomposition, DecompositionChart, DecompositionOptions};
pub use delay::{delay, DelayOptions};
pub use distribution::{distribution, DistributionOptions};
pub use layout::{hit_test, Hit, HitRegion, HitTarget, Item, Layout, Rect};
pub use paint::{paint, PaintOptions, PaintTarget};
#[cfg(not(target_arch = "wasm32"))]
pub use render::render_png;
pub use render::{render_svg, RenderError};
#[cfg(not(target_arch = "wasm32"))]
pub use request::render_chart;
pub use request::{
    layout_chart, ChartError, ChartInput, ChartKind, ChartRequest, OutputFormat, SpcSpec,
};
pub use spc::{spc, spc_table, SpcOptions};
pub use stage::{cohort_brackets, stage_brackets, StageBracket, StageTarget};
pub use survival::{survival, SurvivalOptions};
pub use text::{BundledMetrics, TextMeasure, FONT_STACK};
pub use timeline::{timeline, Timeline, TimelineOptions};
