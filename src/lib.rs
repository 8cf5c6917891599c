//! Driftline: drift and delay in children's journeys through care.
//!
//! The pipeline is bytes → tables (`ingest`) → typed journeys (`model`) → timescale
//! statistics → a [`report::Report`]. The core is plain Rust: it never touches JavaScript,
//! never reads the clock (the "as at" date is always a parameter), and never performs I/O
//! beyond the bytes it is given. Only `web` (compiled for wasm32 only) talks to the browser.

pub mod chart;
pub mod date;
pub mod diagnostics;
pub mod error;
pub mod generate;
pub mod ingest;
pub mod model;
pub mod qi;
pub mod report;
pub mod stats;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::Error;
pub use ingest::{InputFile, Limits, Mapping};
pub use report::Report;

use chrono::NaiveDate;

/// Everything an analysis needs besides the input bytes.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date the analysis is "as at": waits are measured up to it, later dates are flagged.
    pub as_at: NaiveDate,
    /// A user's column and label mapping, overriding automatic recognition.
    pub mapping: Option<Mapping>,
    /// Resource limits for hostile or huge input.
    pub limits: Limits,
    /// The timescale profile the statistics apply (Scotland's by default).
    pub profile: stats::Profile,
    /// A breakdown id (`age_at_entry`, `placement`, …) whose groups the forecasts of waiting
    /// children are based on, where a group has enough completions; `None` for the whole
    /// cohort.
    pub breakdown: Option<String>,
}

impl Options {
    /// Default options for the given "as at" date.
    pub fn new(as_at: NaiveDate) -> Self {
        Options {
            as_at,
            mapping: None,
            limits: Limits::default(),
            profile: stats::Profile::default(),
            breakdown: None,
        }
    }
}

/// Reads the files, builds every child's journey and computes the report.
///
/// Problems with single rows or single files become diagnostics in the report; an `Err` means
/// nothing usable was found (every file unreadable, or no recognisable table).
pub fn analyze(files: &[InputFile<'_>], options: &Options) -> Result<Report, Error> {
    let loaded = ingest::load(files, options.mapping.as_ref(), &options.limits)?;
    Ok(analyze_loaded(loaded, options))
}

/// The rest of [`analyze`] after the files were read (with [`ingest::load`] or an
/// [`ingest::Loader`], given the same mapping and limits as `options`): builds every child's
/// journey and computes the report. The files themselves are no longer needed.
pub fn analyze_loaded(loaded: ingest::Loaded, options: &Options) -> Report {
    let mut input = loaded.summary;
    let tables = input.tables.clone();
    let locate = move |src: model::SourceRow| {
        let t = &tables[src.table as usize];
        (t.file.clone(), t.sheet.clone())
    };
    let (dataset, quality) = model::build_children_listing(
        loaded.records,
        options.as_at,
        &locate,
        options.limits.max_listed_problems,
    );
    input.diagnostics.extend(quality);
    let config = stats::Config {
        forecast: Some(stats::ForecastConfig {
            breakdown: options.breakdown.clone(),
            ..stats::ForecastConfig::default()
        }),
        ..stats::Config::default()
    };
    let statistics = stats::compute(&dataset.children, &options.profile, options.as_at, &config);
    Report::new(options.as_at, input, dataset).with_statistics(statistics)
}
