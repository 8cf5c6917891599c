//! The synthetic cohort generator: realistic, reproducible journeys of looked-after children,
//! as [`Records`] for tests and as files (the Driftline template as CSV or xlsx, or SSDA903
//! CSV tables) for benchmarks and the bundled demo.
//!
//! This module owns the simulation ([`journey`]), its documented parameters ([`Parameters`]),
//! the projection of a journey onto template rows with messy values ([`records`]), and the
//! writers ([`template`], [`ssda903`]). It never reads the clock (the "as at" date is in the
//! [`GenerateConfig`]) and never touches thread-local randomness: the same configuration
//! gives byte-identical output. It knows nothing about reading files back (that is
//! `ingest`) or about statistics.
//!
//! How a cohort is made: each child gets first-entry date spread uniformly over
//! [`Parameters::history_years`] before the "as at" date and an age at entry from
//! [`Parameters::age_at_entry`]. Each care period follows one of three courses (looked after
//! at home on a supervision order, a short stay away from home, or a longer stay that goes
//! through the permanence chain) and ends by a route to permanence (return home, permanence
//! order, kinship care order, adoption) or by the child turning 18. Some children who go home
//! come back. The whole future is simulated and then cut at the "as at" date, so children
//! still waiting at that date appear naturally, with open placements and no order yet.

// The generator runs natively (the command line, tests, benchmarks): the page's wasm never
// links it, so it sorts with the standard library (see `crate::sort`).
#![allow(clippy::disallowed_methods)]

pub mod journey;
pub mod records;
pub mod returns;
mod rng;
pub mod ssda903;
pub mod template;
mod text;

pub use journey::{journeys, Journey};
pub use rng::Spread;
pub use template::{CsvSink, DateStyle, RowSink, TemplateTables, TemplateWriter};

use crate::model::Records;
use chrono::NaiveDate;

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateConfig {
    /// How many children.
    pub children: usize,
    /// The seed: the same seed (and configuration) always gives the same cohort and files.
    pub seed: u64,
    /// The "as at" date: nothing is dated after it, except deliberately messy rows.
    pub as_at: NaiveDate,
    /// How messy the values are, from 0 (clean) to 1. At 0 every row is usable and every
    /// label is in its canonical form. Above 0, in proportion: label variants ("foster" for
    /// "Foster care"), blank optional cells, exact duplicate rows, overlapping placements, a
    /// review booked after the "as at" date; and in written files only, day-first short dates
    /// (`4/3/21`) and a few rows that must be rejected (a missing child id, an impossible date
    /// such as 31/02/2021). About 0.02 is a tidy local authority; 0.1 is a hard week.
    pub messy_rate: f64,
    /// The realistic shape of the journeys.
    pub params: Parameters,
}

impl GenerateConfig {
    /// A configuration with the default [`Parameters`].
    pub fn new(children: usize, seed: u64, as_at: NaiveDate) -> GenerateConfig {
        GenerateConfig {
            children,
            seed,
            as_at,
            messy_rate: 0.0,
            params: Parameters::default(),
        }
    }
}

/// The parameters of the simulation, with defaults chosen to be of the order of published
/// looked-after children statistics (Scottish CLAS and English SSDA903 returns, PACE reports)
/// and the gaps practitioners describe. They make realistic synthetic data; they are not
/// estimates of any real population.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameters {
    /// First entries to care are spread uniformly over this many years before "as at".
    /// Default 6.
    pub history_years: u32,
    /// Shares of ages at first entry: under 1, 1–4, 5–9, 10–15, 16–17. Default
    /// 22%, 16%, 17%, 33%, 12% (infants are the largest single year of age).
    pub age_at_entry: [f64; 5],
    /// Of the infants, the share who become looked after within a week of birth (most after
    /// pre-birth planning). Default 45%.
    pub newborn_share: f64,
    /// Of the newborns, the share with a pre-birth planning meeting recorded (a custom event
    /// before the date of birth). Default 60%.
    pub prebirth_meeting_share: f64,
    /// Share of care periods looked after at home on a compulsory supervision order (from
    /// the start; infants half as often). Default 18%.
    pub at_home_share: f64,
    /// Of those at home, the share whose placement at home breaks down and who move away from
    /// home within the same period. Default 15%.
    pub at_home_breakdown_share: f64,
    /// How long a period looked after at home lasts, in days. Default min 120, median 540,
    /// 90th percentile 1100, max 2400: about a third last more than two years.
    pub at_home_days: Spread,
    /// Of the periods away from home, the share that are short stays ending in a return home
    /// without a permanence plan, by age band (as `age_at_entry`). Default 15%, 25%, 30%,
    /// 40%, 50%.
    pub short_stay_share: [f64; 5],
    /// Length of a short stay, in days. Default 2, 30, 140, 330.
    pub short_stay_days: Spread,
    /// Share of first placements away from home with kinship carers (relatives or friends).
    /// Default 32%.
    pub kinship_share: f64,
    /// Share of teenagers (12+) whose first placement is residential. Default 18%.
    pub teen_residential_share: f64,
    /// Of infants (under 2) whose plan is adoption, the share placed with concurrency
    /// carers (foster carers approved as adopters) from the start. Default 35%.
    pub concurrency_share: f64,
    /// Routes for longer stays away from home, by age band: return home, adoption, kinship
    /// care order, permanence order, no permanence plan (long-term care until 18).
    pub routes: [[f64; 5]; 5],
    /// How long a placement lasts before a move (days); the last placement of a period lasts
    /// to its end. Default 20, 300, 1000, 2500.
    pub placement_days: Spread,
    /// Gaps in the permanence chain, in days.
    pub chain: ChainGaps,
    /// Kinship children's permanence decisions are slower (PACE): their chain gaps are
    /// multiplied by this. Default 1.35.
    pub kinship_delay_factor: f64,
    /// A test of change: recommendations made from this many months before "as at" reach
    /// panel faster (their gap is multiplied by `improvement_factor`), so run and SPC charts
    /// show a shift. `None` for no change. Default 18 months, factor 0.6.
    pub improvement_months_before_as_at: Option<u32>,
    /// See `improvement_months_before_as_at`. Default 0.6.
    pub improvement_factor: f64,
    /// Share of recommendations later withdrawn (the plan is reconsidered and a new
    /// recommendation made, or the child returns home). Default 5%.
    pub recommendation_withdrawn_share: f64,
    /// Share of panels that defer and hear the case again. Default 10%.
    pub panel_deferred_share: f64,
    /// Of children who return home, the share who come back into care later (each later
    /// return halves it). Default 25%.
    pub reentry_share: f64,
    /// Gap between leaving care and coming back, in days. Default 21, 200, 700, 1500.
    pub reentry_gap_days: Spread,
    /// Share of teenagers (12+) away from home with missing episodes. Default 20%.
    pub missing_share: f64,
    /// Share of periods whose start is also recorded as a "Became looked after" event.
    /// Default 60%.
    pub became_looked_after_event_share: f64,
    /// Local authority names (fictional) and their weights.
    pub local_authorities: Vec<(String, f64)>,
    /// Team names within each authority.
    pub teams: Vec<String>,
}

/// Gaps between the steps of the permanence chain, in days. The defaults give medians of
/// about 4 months from becoming looked after to the permanence planning meeting, 10 weeks
/// from recommendation to panel (target 12 weeks: most but not all within it), 11 days from
/// panel to the agency decision maker (target 14), and months to a year or more in court.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainGaps {
    /// Becoming looked after → permanence planning meeting. Default 30, 120, 300, 730.
    pub to_planning_meeting: Spread,
    /// Planning meeting → legal advice meeting. Default 7, 30, 80, 240.
    pub to_legal_advice: Spread,
    /// Legal advice meeting → permanence recommendation (at a LAC review). Default 7, 45,
    /// 130, 400.
    pub to_recommendation: Spread,
    /// Recommendation → panel. Default 21, 70, 170, 420.
    pub to_panel: Spread,
    /// A deferred panel → the panel that hears the case again. Default 28, 56, 100, 200.
    pub to_second_panel: Spread,
    /// Panel → ADM decision. Default 2, 11, 30, 110.
    pub to_adm: Spread,
    /// ADM decision → application lodged in court. Default 10, 60, 180, 450.
    pub to_lodged: Spread,
    /// Application lodged → order granted. Default 40, 170, 380, 800.
    pub to_order: Spread,
    /// Authority to adopt → matched with adopters (when not already matched). Default 14,
    /// 100, 260, 600.
    pub to_matched: Spread,
    /// Matched → placed with the adopters. Default 7, 21, 50, 120.
    pub to_placed: Spread,
    /// Placed with adopters → adoption order. Default 90, 250, 480, 1000.
    pub to_adoption_order: Spread,
    /// Becoming looked after → return home, for children whose plan is to go home.
    /// Default 60, 300, 700, 1200.
    pub to_return_home: Spread,
}

impl Default for ChainGaps {
    fn default() -> Self {
        ChainGaps {
            to_planning_meeting: Spread::days(30.0, 120.0, 300.0, 730.0),
            to_legal_advice: Spread::days(7.0, 30.0, 80.0, 240.0),
            to_recommendation: Spread::days(7.0, 45.0, 130.0, 400.0),
            to_panel: Spread::days(21.0, 70.0, 170.0, 420.0),
            to_second_panel: Spread::days(28.0, 56.0, 100.0, 200.0),
            to_adm: Spread::days(2.0, 11.0, 30.0, 110.0),
            to_lodged: Spread::days(10.0, 60.0, 180.0, 450.0),
            to_order: Spread::days(40.0, 170.0, 380.0, 800.0),
            to_matched: Spread::days(14.0, 100.0, 260.0, 600.0),
            to_placed: Spread::days(7.0, 21.0, 50.0, 120.0),
            to_adoption_order: Spread::days(90.0, 250.0, 480.0, 1000.0),
            to_return_home: Spread::days(60.0, 300.0, 700.0, 1200.0),
        }
    }
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            history_years: 6,
            age_at_entry: [0.22, 0.16, 0.17, 0.33, 0.12],
            newborn_share: 0.45,
            prebirth_meeting_share: 0.6,
            at_home_share: 0.18,
            at_home_breakdown_share: 0.15,
            at_home_days: Spread::days(120.0, 540.0, 1100.0, 2400.0),
            short_stay_share: [0.15, 0.25, 0.30, 0.40, 0.50],
            short_stay_days: Spread::days(2.0, 30.0, 140.0, 330.0),
            kinship_share: 0.32,
            teen_residential_share: 0.18,
            concurrency_share: 0.35,
            //        return home, adoption, kinship order, permanence order, none
            routes: [
                [0.30, 0.40, 0.12, 0.13, 0.05], // under 1
                [0.35, 0.25, 0.15, 0.20, 0.05], // 1–4
                [0.40, 0.05, 0.20, 0.25, 0.10], // 5–9
                [0.40, 0.00, 0.10, 0.15, 0.35], // 10–15
                [0.40, 0.00, 0.05, 0.00, 0.55], // 16–17
            ],
            placement_days: Spread::days(20.0, 300.0, 1000.0, 2500.0),
            chain: ChainGaps::default(),
            kinship_delay_factor: 1.35,
            improvement_months_before_as_at: Some(18),
            improvement_factor: 0.6,
            recommendation_withdrawn_share: 0.05,
            panel_deferred_share: 0.10,
            reentry_share: 0.25,
            reentry_gap_days: Spread::days(21.0, 200.0, 700.0, 1500.0),
            missing_share: 0.20,
            became_looked_after_event_share: 0.6,
            local_authorities: vec![
                ("Aldmoor".to_string(), 0.5),
                ("Benholm".to_string(), 0.3),
                ("Carrick Vale".to_string(), 0.2),
            ],
            teams: vec![
                "North".to_string(),
                "South".to_string(),
                "East".to_string(),
                "West".to_string(),
                "Family Placement".to_string(),
            ],
        }
    }
}

/// The output formats of [`write_dir`] and the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `children.csv`, `placements.csv`, `legal.csv`, `events.csv` in the template layout.
    TemplateCsv,
    /// One workbook `driftline.xlsx` with the four template sheets and real date cells.
    TemplateXlsx,
    /// SSDA903 CSV tables: `header.csv`, `episodes.csv`, `reviews.csv`, `ad1.csv`,
    /// `placed_for_adoption.csv`, `missing.csv`.
    Ssda903,
    /// The same as yearly returns (see [`returns`]): `<year>-header.csv` and so on for each
    /// year (1 April to 31 March, named by the year it begins) up to the "as at" date.
    Ssda903Returns,
    /// The whole history as one XML return, `ssda903.xml`.
    Ssda903Xml,
    /// Yearly returns as XML, `<year>-ssda903.xml`.
    Ssda903ReturnsXml,
}

impl Format {
    /// Parses `template-csv`, `template-xlsx`, `ssda903`, `ssda903-returns`, `ssda903-xml`
    /// or `ssda903-returns-xml`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "template-csv" => Some(Format::TemplateCsv),
            "template-xlsx" => Some(Format::TemplateXlsx),
            "ssda903" => Some(Format::Ssda903),
            "ssda903-returns" => Some(Format::Ssda903Returns),
            "ssda903-xml" => Some(Format::Ssda903Xml),
            "ssda903-returns-xml" => Some(Format::Ssda903ReturnsXml),
            _ => None,
        }
    }
}

/// Generates the whole cohort as template rows (with the configured messy values, except
/// the rows that only a file can hold: short dates and rows that must be rejected). Source
/// rows number the rows as [`template::TemplateWriter`] writes them at `messy_rate` 0 (table
/// 0 = children, 1 = placements, 2 = legal, 3 = events; header row = 1).
pub fn cohort(config: &GenerateConfig) -> Records {
    let mut all = Records::default();
    let mut proj = records::Projector::new(config);
    for j in journeys(config) {
        let part = proj.project(&j);
        all.children.extend(part.children);
        all.placements.extend(part.placements);
        all.legal.extend(part.legal);
        all.events.extend(part.events);
    }
    all
}

/// Row counts of what [`write_dir`] or the writers wrote, per table, in write order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// (file or sheet name, data rows written, bytes written or 0 for sheets).
    pub tables: Vec<(String, u64, u64)>,
}

impl Written {
    /// All data rows written.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.1).sum()
    }

    /// All bytes written (CSV only).
    pub fn bytes(&self) -> u64 {
        self.tables.iter().map(|t| t.2).sum()
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::write_dir;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::{journeys, records, returns, ssda903, template, Format, GenerateConfig, Written};
    use std::fs::File;
    use std::io::{self, BufWriter, Write};
    use std::path::Path;

    /// Generates the cohort and writes it into `dir` (created if missing) in `format`.
    /// Returns what was written.
    pub fn write_dir(
        config: &GenerateConfig,
        format: Format,
        date_style: template::DateStyle,
        dir: &Path,
    ) -> io::Result<Written> {
        std::fs::create_dir_all(dir)?;
        match format {
            Format::TemplateCsv => {
                let names = template::CSV_FILES;
                let [a, b, c, d] = open_all(dir, names, date_style)?;
                let sinks = template::TemplateTables {
                    children: a,
                    placements: b,
                    legal: c,
                    events: d,
                };
                let mut w = template::TemplateWriter::new(sinks, config)?;
                let mut proj = records::Projector::new(config);
                for j in journeys(config) {
                    w.write(&proj.project(&j))?;
                }
                let (counts, sinks) = w.finish();
                finish_all(names, counts, sinks.into_array())
            }
            Format::TemplateXlsx => {
                let path = dir.join(template::XLSX_FILE);
                let mut file = BufWriter::new(File::create(path)?);
                let written = template::write_xlsx(config, &mut file)?;
                file.flush()?;
                Ok(written)
            }
            Format::Ssda903 => {
                let names = ssda903::FILES;
                let sinks = open_all(dir, names, template::DateStyle::Uk)?;
                let mut w = ssda903::Ssda903Writer::new(sinks, config)?;
                for j in journeys(config) {
                    w.write(&j)?;
                }
                let (counts, sinks) = w.finish();
                finish_all(names, counts, sinks)
            }
            Format::Ssda903Returns => {
                let history = returns::history(config)?;
                let mut written = Written::default();
                for r in returns::yearly(&history, config.as_at) {
                    let names = ssda903::FILES.map(|n| format!("{}-{n}", r.year));
                    let mut sinks = open_all(
                        dir,
                        names.each_ref().map(String::as_str),
                        template::DateStyle::Uk,
                    )?;
                    let counts = r.tables.write(&mut sinks)?;
                    let part = finish_all(names.each_ref().map(String::as_str), counts, sinks)?;
                    written.tables.extend(part.tables);
                }
                Ok(written)
            }
            Format::Ssda903Xml => {
                let history = returns::history(config)?;
                let name = "ssda903.xml";
                xml_file(dir, name, &history).map(|t| Written { tables: vec![t] })
            }
            Format::Ssda903ReturnsXml => {
                let history = returns::history(config)?;
                let mut written = Written::default();
                for r in returns::yearly(&history, config.as_at) {
                    let name = format!("{}-ssda903.xml", r.year);
                    written.tables.push(xml_file(dir, &name, &r.tables)?);
                }
                Ok(written)
            }
        }
    }

    /// Writes one XML return; (name, children, bytes).
    fn xml_file(
        dir: &Path,
        name: &str,
        tables: &returns::Tables,
    ) -> io::Result<(String, u64, u64)> {
        let bytes = returns::xml_bytes(tables)?;
        std::fs::write(dir.join(name), &bytes)?;
        Ok((
            name.to_string(),
            tables.rows[0].len() as u64,
            bytes.len() as u64,
        ))
    }

    type FileSink = template::CsvSink<BufWriter<File>>;

    fn open_all<const N: usize>(
        dir: &Path,
        names: [&str; N],
        style: template::DateStyle,
    ) -> io::Result<[FileSink; N]> {
        let mut sinks = Vec::with_capacity(N);
        for name in names {
            let file = BufWriter::with_capacity(1 << 16, File::create(dir.join(name))?);
            sinks.push(template::CsvSink::new(file, style));
        }
        sinks
            .try_into()
            .map_err(|_| io::Error::other("could not open every file"))
    }

    fn finish_all<const N: usize>(
        names: [&str; N],
        counts: [u64; N],
        sinks: [FileSink; N],
    ) -> io::Result<Written> {
        let mut written = Written::default();
        for ((name, n), sink) in names.iter().zip(counts).zip(sinks) {
            let bytes = sink.bytes_written();
            sink.into_inner().flush()?;
            written.tables.push((name.to_string(), n, bytes));
        }
        Ok(written)
    }
}
