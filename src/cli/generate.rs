//! `driftline generate --children N --seed S --as-at DATE --format FORMAT --out DIR`: writes a
//! synthetic cohort (template CSV, template xlsx, SSDA903 CSV tables or XML, as one history or
//! as yearly returns) for tests, benchmarks and demonstrations.
//!
//! This file owns the subcommand's arguments and its one-line summary. The cohort itself and
//! the file layouts come from `driftline::generate`.

use super::files::check_folder;
use super::{parse_date, Failure};
use chrono::NaiveDate;
use driftline::generate::{ssda903, template, write_dir, DateStyle, Format, GenerateConfig};
use std::path::PathBuf;

/// `driftline generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many children.
    #[arg(long, default_value_t = 1000, value_parser = children, allow_negative_numbers = true)]
    children: usize,
    /// The seed: the same seed and options always write the same bytes.
    #[arg(long, default_value_t = 1, value_parser = seed, allow_negative_numbers = true)]
    seed: u64,
    /// The "as at" date (YYYY-MM-DD): nothing is dated after it except deliberately messy rows.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_at: NaiveDate,
    /// template-csv (four CSV files), template-xlsx (one workbook), ssda903 (six CSV tables),
    /// ssda903-returns (six CSV tables per year, `<year>-<table>.csv`), ssda903-xml (one XML
    /// return) or ssda903-returns-xml (an XML return per year).
    #[arg(long, default_value = "template-csv", value_parser = parse_format)]
    format: Format,
    /// How messy the values are, 0 (clean) to 1; about 0.02 looks like a tidy export.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    messy_rate: f64,
    /// How template CSV files write dates: uk (dd/mm/yyyy) or iso (yyyy-mm-dd).
    #[arg(long, default_value = "uk", value_parser = parse_style)]
    date_style: DateStyle,
    /// The folder to write into (created if missing). Files already there with the names
    /// written are left alone, and nothing is written, unless --force.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace files of the same names in the --out folder (never through a link).
    #[arg(long)]
    force: bool,
}

/// Runs the subcommand and prints what was written to standard error.
pub fn run(args: &Args) -> Result<(), Failure> {
    let summary = generate(args)?;
    eprintln!("{summary}");
    Ok(())
}

/// Writes the files and returns a summary line per file.
fn generate(args: &Args) -> Result<String, Failure> {
    if !(0.0..=1.0).contains(&args.messy_rate) {
        return Err(Failure::new("--messy-rate must be between 0 and 1"));
    }
    check_folder(
        &args.out,
        &|name| writes(args.format, name),
        args.force,
        &[],
    )?;
    let mut config = GenerateConfig::new(args.children, args.seed, args.as_at);
    config.messy_rate = args.messy_rate;
    let written = write_dir(&config, args.format, args.date_style, &args.out)
        .map_err(|err| Failure::new(format!("cannot write to {}: {err}", args.out.display())))?;
    let mut lines = Vec::new();
    for (name, rows, bytes) in &written.tables {
        let size = if *bytes > 0 {
            format!(", {bytes} bytes")
        } else {
            String::new()
        };
        lines.push(format!(
            "{}: {rows} rows{size}",
            args.out.join(name).display()
        ));
    }
    lines.push(format!(
        "{} children, {} rows in all",
        args.children,
        written.rows()
    ));
    Ok(lines.join("\n"))
}

/// Whether a format writes a file of this name into the folder.
fn writes(format: Format, name: &str) -> bool {
    // The yearly formats write `<year>-<table>`: any year counts.
    let yearly = || {
        let (year, rest) = name.split_at_checked(5)?;
        (year.ends_with('-') && year[..4].bytes().all(|b| b.is_ascii_digit())).then_some(rest)
    };
    match format {
        Format::TemplateCsv => template::CSV_FILES.contains(&name),
        Format::TemplateXlsx => name == template::XLSX_FILE,
        Format::Ssda903 => ssda903::FILES.contains(&name),
        Format::Ssda903Xml => name == "ssda903.xml",
        Format::Ssda903Returns => yearly().is_some_and(|rest| ssda903::FILES.contains(&rest)),
        Format::Ssda903ReturnsXml => yearly() == Some("ssda903.xml"),
    }
}

fn children(text: &str) -> Result<usize, String> {
    super::whole_number(text, 1).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

fn seed(text: &str) -> Result<u64, String> {
    super::whole_number(text, 0)
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        format!("\"{s}\" is not a format: use template-csv, template-xlsx, ssda903, ssda903-returns, ssda903-xml or ssda903-returns-xml")
    })
}

fn parse_style(s: &str) -> Result<DateStyle, String> {
    match s {
        "uk" => Ok(DateStyle::Uk),
        "iso" => Ok(DateStyle::Iso),
        _ => Err(format!("\"{s}\" is not a date style: use uk or iso")),
    }
}
