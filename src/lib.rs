//! Driftline: drift and delay in children's journeys through care.
//!
//! The pipeline is bytes → tables (`ingest`) → typed journeys (`model`) → timescale
//! statistics → a [`report::Report`]. The core is plain Rust: it never touches JavaScript,
//! never reads the clock (the "as at" date is always a parameter), and never performs I/O
//! beyond the bytes it is given. Only `web` (compiled for wasm32 only) talks to the browser.

// Cold paths sort through `sort` (see clippy.toml); hot sorts allow the standard library's.
#![warn(clippy::disallowed_methods)]

pub mod chart;
pub mod compact;
pub mod date;
pub mod diagnostics;
pub mod disclosure;
pub mod error;
pub mod explore;
pub mod generate;
pub mod ingest;
pub mod model;
pub mod qi;
pub mod report;
pub mod sort;
pub mod stats;
pub mod table;
pub mod visible;

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
    /// Ignored when `as_at_from_data` is set.
    pub as_at: NaiveDate,
    /// Take the "as at" date from the data instead: the latest date in the files that is not
    /// after this one (the caller's today). An extract is as at the day it was taken, and the
    /// latest date in it is the best evidence of that day; see [`AsAtBasis`].
    pub as_at_from_data: Option<NaiveDate>,
    /// A user's column and label mapping, overriding automatic recognition.
    pub mapping: Option<Mapping>,
    /// Resource limits for hostile or huge input.
    pub limits: Limits,
    /// The timescale profile the statistics apply (Scotland's by default). Ignored when
    /// `profile_from_data` is set.
    pub profile: stats::Profile,
    /// Choose the profile from the data instead: England's timescales for SSDA903 returns
    /// (England's own collection), Scotland's for everything else; see [`ProfileBasis`].
    pub profile_from_data: bool,
    /// The first adoption date the adoption scorecard counts (to "as at"); `None` for the
    /// profile's window (three years to "as at" for England's).
    pub scorecard_from: Option<NaiveDate>,
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
            as_at_from_data: None,
            profile_from_data: false,
            mapping: None,
            limits: Limits::default(),
            profile: stats::Profile::default(),
            scorecard_from: None,
            breakdown: None,
        }
    }
}

impl Options {
    /// Default options "as at" the latest date in the data, not after `today`.
    pub fn as_at_latest_in_data(today: NaiveDate) -> Self {
        Options {
            as_at_from_data: Some(today),
            ..Options::new(today)
        }
    }
}

/// Why the report is "as at" the date it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsAtBasis {
    /// The caller gave the date.
    Given,
    /// The latest date in the files (a placement, legal status or event starting or ending),
    /// ignoring dates after the caller's today.
    LatestDateInData,
    /// The files say which days they cover (SSDA903 returns cover 1 April to 31 March): the
    /// last day covered, ignoring stray dates after it.
    EndOfData,
    /// The files hold no date up to the caller's today, so today.
    Today,
}

impl AsAtBasis {
    /// The reason in words, for a message beside the date.
    pub fn words(self) -> &'static str {
        match self {
            AsAtBasis::Given => "the date given",
            AsAtBasis::LatestDateInData => "the latest date in your files",
            AsAtBasis::EndOfData => "the last day your returns cover",
            AsAtBasis::Today => "today: your files hold no date up to today",
        }
    }
}

/// Why the statistics use the timescale profile they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileBasis {
    /// The caller chose it.
    Given,
    /// The input is an SSDA903 return, so England's timescales.
    Ssda903Input,
    /// The input is not an SSDA903 return, so Scotland's timescales (the default).
    OtherInput,
}

impl ProfileBasis {
    /// The reason in words, for a message beside the profile's name.
    pub fn words(self) -> &'static str {
        match self {
            ProfileBasis::Given => "the profile chosen",
            ProfileBasis::Ssda903Input => "your files are an SSDA903 return (England)",
            ProfileBasis::OtherInput => "your files are not an SSDA903 return",
        }
    }
}

/// The profile an analysis of tables of these kinds uses with `options`, and why.
pub fn resolve_profile(table_kinds: &[&str], options: &Options) -> (stats::Profile, ProfileBasis) {
    if !options.profile_from_data {
        return (options.profile.clone(), ProfileBasis::Given);
    }
    if table_kinds.iter().any(|k| k.starts_with("ssda903")) {
        (stats::Profile::england(), ProfileBasis::Ssda903Input)
    } else {
        (stats::Profile::scotland(), ProfileBasis::OtherInput)
    }
}

/// The "as at" date of an analysis of `records` with `options`, and why.
pub fn resolve_as_at(records: &model::Records, options: &Options) -> (NaiveDate, AsAtBasis) {
    let Some(today) = options.as_at_from_data else {
        return (options.as_at, AsAtBasis::Given);
    };
    if let Some(date) = records.covered_until(today) {
        return (date, AsAtBasis::EndOfData);
    }
    match records.latest_date_up_to(today) {
        Some(date) => (date, AsAtBasis::LatestDateInData),
        None => (today, AsAtBasis::Today),
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
    let (as_at, as_at_basis) = resolve_as_at(&loaded.records, options);
    let kinds: Vec<&str> = loaded
        .summary
        .tables
        .iter()
        .map(|t| t.kind.as_str())
        .collect();
    let (profile, profile_basis) = resolve_profile(&kinds, options);
    let mut input = loaded.summary;
    let tables = input.tables.clone();
    let locate = move |src: model::SourceRow| {
        let t = &tables[src.table as usize];
        (t.file.clone(), t.sheet.clone())
    };
    let (dataset, quality) = model::build_children_listing(
        loaded.records,
        as_at,
        &locate,
        options.limits.max_listed_problems,
    );
    input.diagnostics.extend(quality);
    let config = stats::Config {
        scorecard_from: options.scorecard_from,
        forecast: Some(stats::ForecastConfig {
            breakdown: options.breakdown.clone(),
            ..stats::ForecastConfig::default()
        }),
        ..stats::Config::default()
    };
    let statistics = stats::compute(&dataset.children, &profile, as_at, &config);
    let mut report = Report::new(as_at, input, dataset).with_statistics(statistics);
    report.as_at_basis = as_at_basis;
    report.profile_basis = profile_basis;
    report
}
