//! Calendar dates from spreadsheet cells: Excel serial numbers (1900 and 1904 systems, with
//! Excel's 1900 leap-year bug), ISO text, UK day-first text (`04/03/2021`, `4/3/21`), and
//! month names (`4 Mar 2021`, `04-Mar-2021`). Times of day are dropped.
//!
//! Day-first is the rule. A value that only makes sense month-first (`03/25/2021`) is an
//! error of its own kind so the caller can report it, never a silent swap. This module owns
//! parsing only; it never reads the clock.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Why a value is not a date.
#[derive(Clone, Debug, PartialEq)]
pub enum DateError {
    /// The text is not in any date form we read.
    NotADate,
    /// The parts are in a date form but name no real day (31/02/2021, 29/02/2023).
    Impossible { day: u32, month: u32, year: i32 },
    /// Day-first gives no real date, but month-first would: `03/25/2021`.
    MonthFirst { month_first: NaiveDate },
    /// An Excel serial number outside the calendar (negative, zero, or past 9999).
    SerialOutOfRange(f64),
    /// Excel serial 60 in the 1900 system: 29 February 1900, a day that never existed.
    Excel1900LeapBug,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::NotADate => write!(f, "is not a date Driftline can read (use dd/mm/yyyy or yyyy-mm-dd)"),
            DateError::Impossible { day, month, year } => {
                write!(f, "is not a real date: ")?;
                match days_in_month(*year, *month) {
                    Some(n) => write!(
                        f,
                        "{} {} has {n} days, not {day}",
                        month_name(*month),
                        year
                    ),
                    None => write!(f, "there is no month {month}"),
                }
            }
            DateError::MonthFirst { month_first } => write!(
                f,
                "only makes sense month-first (as {}); Driftline reads dates day-first (dd/mm/yyyy), so please correct the column or re-export it day-first",
                month_first.format("%-d %B %Y")
            ),
            DateError::SerialOutOfRange(v) => {
                write!(f, "is the number {v}, which is not an Excel date")
            }
            DateError::Excel1900LeapBug => write!(
                f,
                "is Excel's 29/02/1900, a day that never existed (Excel's 1900 leap-year bug)"
            ),
        }
    }
}

/// Converts an Excel serial number to a date. Fractions (times of day) are dropped.
///
/// In the 1900 system serial 1 is 1 January 1900 and Excel counts a fictitious 29 February
/// 1900 as serial 60, so serials from 61 on are one day ahead of a true count. In the 1904
/// system serial 0 is 1 January 1904.
pub fn from_excel_serial(serial: f64, is_1904: bool) -> Result<NaiveDate, DateError> {
    if !serial.is_finite() {
        return Err(DateError::SerialOutOfRange(serial));
    }
    let days = serial.floor();
    // 2958465 is 31/12/9999 in the 1900 system, Excel's last day.
    let (min, max) = if is_1904 {
        (0.0, 2_957_003.0)
    } else {
        (1.0, 2_958_465.0)
    };
    if days < min || days > max {
        return Err(DateError::SerialOutOfRange(serial));
    }
    let days = days as i64;
    let (base, offset) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1), days)
    } else if days == 60 {
        return Err(DateError::Excel1900LeapBug);
    } else if days < 60 {
        (NaiveDate::from_ymd_opt(1899, 12, 31), days)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30), days)
    };
    base.and_then(|b| b.checked_add_signed(chrono::Duration::days(offset)))
        .ok_or(DateError::SerialOutOfRange(serial))
}

/// Parses date text in any of the accepted forms (see the module documentation).
pub fn parse_date_text(text: &str) -> Result<NaiveDate, DateError> {
    // Fast path for the commonest forms, dd/mm/yyyy and yyyy-mm-dd, before any scanning.
    let bytes = text.as_bytes();
    if bytes.len() == 10 {
        if bytes[2] == b'/' && bytes[5] == b'/' {
            if let (Some(d), Some(m), Some(y)) =
                (num(&bytes[0..2]), num(&bytes[3..5]), num(&bytes[6..10]))
            {
                return day_first(d, m, y as i32);
            }
        } else if bytes[4] == b'-' && bytes[7] == b'-' {
            if let (Some(y), Some(m), Some(d)) =
                (num(&bytes[0..4]), num(&bytes[5..7]), num(&bytes[8..10]))
            {
                return ymd(y as i32, m, d);
            }
        }
    }
    let s = strip_time(text.trim());
    if s.is_empty() {
        return Err(DateError::NotADate);
    }
    let parts = split_parts(s);
    match parts.as_slice() {
        [Part::Num(a, la), Part::Num(b, _), Part::Num(c, lc)] => {
            if *la == 4 {
                // yyyy-mm-dd or yyyy/mm/dd.
                ymd(*a as i32, *b, *c)
            } else if *lc == 4 || *lc == 2 {
                day_first(*a, *b, expand_year(*c, *lc))
            } else {
                Err(DateError::NotADate)
            }
        }
        [Part::Num(n, 8)] => {
            // yyyymmdd.
            ymd((n / 10_000) as i32, (n / 100) % 100, n % 100)
        }
        [Part::Num(d, _), Part::Month(m), Part::Num(y, ly)] => ymd(expand_year(*y, *ly), *m, *d),
        [Part::Month(m), Part::Num(d, ld), Part::Num(y, ly)] if *ld <= 2 => {
            ymd(expand_year(*y, *ly), *m, *d)
        }
        _ => Err(DateError::NotADate),
    }
}

/// Remembers the dates of the ten-character texts parsed lately (`dd/mm/yyyy`,
/// `yyyy-mm-dd`), so that the same date on many rows of a file is parsed once: a table of
/// 8,192 slots, each text in the slot its bytes hash to. Gives exactly what
/// [`parse_date_text`] gives.
pub struct DateCache {
    slots: Vec<(u128, NaiveDate)>,
}

impl Default for DateCache {
    fn default() -> Self {
        DateCache {
            slots: vec![(0, NaiveDate::MIN); 1 << DateCache::BITS],
        }
    }
}

impl DateCache {
    const BITS: u32 = 13;

    /// [`parse_date_text`], remembered for ten-character texts that are dates.
    pub fn parse(&mut self, text: &str) -> Result<NaiveDate, DateError> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 {
            return parse_date_text(text);
        }
        let mut key = [0u8; 16];
        key[..10].copy_from_slice(bytes);
        // The top bit marks a slot in use: no text's key is 0.
        key[15] = 0x80;
        let key = u128::from_le_bytes(key);
        let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        let slot = (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - DateCache::BITS)) as usize;
        let (known, date) = self.slots[slot];
        if known == key {
            return Ok(date);
        }
        let parsed = parse_date_text(text);
        if let Ok(date) = parsed {
            self.slots[slot] = (key, date);
        }
        parsed
    }
}

/// Formats a date the way UK users write it: `04/03/2021`.
pub fn format_uk(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

fn num(b: &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, DateError> {
    if !(1..=9999).contains(&y) {
        return Err(DateError::NotADate);
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::Impossible {
        day: d,
        month: m,
        year: y,
    })
}

fn day_first(d: u32, m: u32, y: i32) -> Result<NaiveDate, DateError> {
    match ymd(y, m, d) {
        Ok(date) => Ok(date),
        Err(e) => {
            // Month-first is only worth mentioning when day-first fails because the second
            // part cannot be a month.
            if m > 12 && d <= 12 {
                if let Ok(month_first) = ymd(y, d, m) {
                    return Err(DateError::MonthFirst { month_first });
                }
            }
            Err(e)
        }
    }
}

/// Two-digit years follow Excel's rule: 00–29 are 2000–2029, 30–99 are 1930–1999.
fn expand_year(y: u32, len: usize) -> i32 {
    if len <= 2 {
        if y < 30 {
            2000 + y as i32
        } else {
            1900 + y as i32
        }
    } else {
        y as i32
    }
}

/// Drops a time of day: `2021-03-04T10:00:00`, `04/03/2021 00:00`, `04/03/2021 12:30:00 PM`.
fn strip_time(s: &str) -> &str {
    if let Some(i) = s.find('T') {
        if i == 10 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            return &s[..i];
        }
    }
    if let Some(i) = s.find(':') {
        // Cut at the last space before the first colon.
        if let Some(sp) = s[..i].rfind(' ') {
            return s[..sp].trim_end();
        }
    }
    s
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Part {
    Num(u32, usize),
    Month(u32),
}

fn split_parts(s: &str) -> Vec<Part> {
    let mut parts = Vec::with_capacity(3);
    for token in s.split(['/', '-', '.', ' ', ',']).filter(|t| !t.is_empty()) {
        if token.len() <= 8 && token.bytes().all(|b| b.is_ascii_digit()) {
            match token.parse::<u32>() {
                Ok(n) => parts.push(Part::Num(n, token.len())),
                Err(_) => return Vec::new(),
            }
        } else if let Some(m) = month_from_name(token) {
            parts.push(Part::Month(m));
        } else if is_weekday(token) || is_ordinal_suffix_only(token) {
            continue;
        } else if let Some(n) = ordinal(token) {
            parts.push(Part::Num(n, 2));
        } else {
            return Vec::new();
        }
        if parts.len() > 3 {
            return Vec::new();
        }
    }
    parts
}

fn month_from_name(token: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if token.len() < 3 || !token.is_ascii() {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    let lower = lower.as_str();
    if lower == "sept" {
        return Some(9);
    }
    NAMES
        .iter()
        .position(|n| *n == lower || (lower.len() == 3 && n.starts_with(lower)))
        .map(|i| i as u32 + 1)
}

fn is_weekday(token: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let lower = token.to_ascii_lowercase();
    lower.len() >= 3 && DAYS.iter().any(|d| d.starts_with(lower.as_str()))
}

fn is_ordinal_suffix_only(token: &str) -> bool {
    matches!(token.to_ascii_lowercase().as_str(), "of")
}

/// `4th`, `21st`, `2nd`, `3rd`.
fn ordinal(token: &str) -> Option<u32> {
    let lower = token.to_ascii_lowercase();
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(n) = lower.strip_suffix(suffix) {
            if !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()) {
                return n.parse().ok();
            }
        }
    }
    None
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((next - first).num_days() as u32).filter(|_| first.day() == 1)
}

/// "March" for 3: a month (1–12) in words; "?" for any other number.
pub fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(month.wrapping_sub(1) as usize)
        .copied()
        .unwrap_or("?")
}

/// Dates written as chrono's `Serialize` writes them (`YYYY-MM-DD`), without going through
/// `fmt`: the report has several dates per stage and period, and chrono's `Display` was a
/// third of the time spent packing the journeys. For `#[serde(serialize_with = ...)]` on the
/// model's date fields; a year outside 0–9999 is left to chrono (`+10000-01-01`).
pub mod iso {
    use chrono::{Datelike, NaiveDate};
    use serde::{Serialize, Serializer};

    /// The date as ten bytes of text, or `None` for a year outside 0–9999.
    pub fn text(date: NaiveDate, out: &mut [u8; 10]) -> Option<&str> {
        let year = u32::try_from(date.year()).ok().filter(|&y| y <= 9999)?;
        let (month, day) = (date.month(), date.day());
        let digit = |n: u32| b'0' + (n % 10) as u8;
        *out = [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
            b'-',
            digit(day / 10),
            digit(day),
        ];
        std::str::from_utf8(out).ok()
    }

    /// The name of the newtype struct a date's text is written in. Serializers that do not
    /// look at names (serde_json, serde-wasm-bindgen, csv) write the text alone, exactly as a
    /// string; the page's packer ([`crate::report::packed`]) knows by it that the text is a
    /// date and finds its string among the days met rather than among every string.
    pub const NEWTYPE: &str = "$driftline::date";

    /// A date field.
    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = [0; 10];
        match text(*date, &mut out) {
            Some(text) => serializer.serialize_newtype_struct(NEWTYPE, text),
            None => date.serialize(serializer),
        }
    }

    /// An optional date field (`None` as chrono's `Option<NaiveDate>` writes it).
    pub fn option<S: Serializer>(
        date: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.serialize_some(&Iso(*date)),
            None => serializer.serialize_none(),
        }
    }

    struct Iso(NaiveDate);

    impl Serialize for Iso {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(&self.0, serializer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_gives_what_parsing_gives() {
        // Every day of 1990-2030 in both ten-character forms (more texts than slots, so
        // slots are reused), errors of each kind, and other lengths; each text twice, so
        // the second answer comes from the cache when there is one.
        let mut texts: Vec<String> = Vec::new();
        let mut day = d(1990, 1, 1);
        while day <= d(2030, 12, 31) {
            texts.push(day.format("%d/%m/%Y").to_string());
            texts.push(day.format("%Y-%m-%d").to_string());
            day = day.succ_opt().unwrap();
        }
        for bad in [
            "31/02/2021",
            "03/25/2021",
            "2021-13-01",
            "ab/cd/efgh",
            "",
            "4/3/21",
            "04/03/2021 10:00",
        ] {
            texts.push(bad.to_string());
        }
        let mut cache = DateCache::default();
        for round in 0..2 {
            for text in &texts {
                assert_eq!(
                    cache.parse(text),
                    parse_date_text(text),
                    "{text} in round {round}"
                );
            }
        }
        // A text whose slot another text took is parsed again, not answered with the other.
        assert_eq!(cache.parse("01/01/1990"), Ok(d(1990, 1, 1)));
        assert_eq!(cache.parse("1990-01-01"), Ok(d(1990, 1, 1)));
        assert_eq!(cache.parse("02/01/1990"), Ok(d(1990, 1, 2)));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_forms() {
        let cases = [
            ("2021-03-04", d(2021, 3, 4)),
            ("2021/03/04", d(2021, 3, 4)),
            ("2021-3-4", d(2021, 3, 4)),
            ("2021-03-04T13:45:00", d(2021, 3, 4)),
            ("2021-03-04 00:00:00", d(2021, 3, 4)),
            ("04/03/2021", d(2021, 3, 4)),
            ("4/3/2021", d(2021, 3, 4)),
            ("4/3/21", d(2021, 3, 4)),
            ("04/03/99", d(1999, 3, 4)),
            ("04/03/2021 00:00", d(2021, 3, 4)),
            ("04/03/2021 12:30:00 PM", d(2021, 3, 4)),
            ("04-03-2021", d(2021, 3, 4)),
            ("04.03.2021", d(2021, 3, 4)),
            ("4 Mar 2021", d(2021, 3, 4)),
            ("4 March 2021", d(2021, 3, 4)),
            ("04-Mar-2021", d(2021, 3, 4)),
            ("04-MAR-21", d(2021, 3, 4)),
            ("4-Sept-2021", d(2021, 9, 4)),
            ("Thursday 4 March 2021", d(2021, 3, 4)),
            ("4th March 2021", d(2021, 3, 4)),
            ("March 4, 2021", d(2021, 3, 4)),
            ("20210304", d(2021, 3, 4)),
            ("  04/03/2021  ", d(2021, 3, 4)),
            ("29/02/2024", d(2024, 2, 29)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date_text(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn impossible_dates_are_errors_with_reasons() {
        assert_eq!(
            parse_date_text("31/02/2021"),
            Err(DateError::Impossible {
                day: 31,
                month: 2,
                year: 2021
            })
        );
        let msg = parse_date_text("29/02/2023").unwrap_err().to_string();
        assert!(msg.contains("February 2023 has 28 days"), "{msg}");
        assert_eq!(
            parse_date_text("4/13/2021").unwrap_err(),
            DateError::MonthFirst {
                month_first: d(2021, 4, 13)
            }
        );
        assert!(parse_date_text("13/13/2021").is_err());
        for bad in [
            "",
            "tomorrow",
            "2021",
            "04/03",
            "1/2/3/4",
            "32 Mar 2021",
            "0/0/0",
            "abc-def-ghi",
        ] {
            assert!(parse_date_text(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn excel_serials_in_both_systems() {
        // 1900 system.
        assert_eq!(from_excel_serial(1.0, false), Ok(d(1900, 1, 1)));
        assert_eq!(from_excel_serial(59.0, false), Ok(d(1900, 2, 28)));
        assert_eq!(
            from_excel_serial(60.0, false),
            Err(DateError::Excel1900LeapBug)
        );
        assert_eq!(from_excel_serial(61.0, false), Ok(d(1900, 3, 1)));
        assert_eq!(from_excel_serial(44259.0, false), Ok(d(2021, 3, 4)));
        assert_eq!(from_excel_serial(44259.75, false), Ok(d(2021, 3, 4)));
        assert_eq!(from_excel_serial(2_958_465.0, false), Ok(d(9999, 12, 31)));
        // 1904 system: the same day is 1462 lower.
        assert_eq!(from_excel_serial(0.0, true), Ok(d(1904, 1, 1)));
        assert_eq!(from_excel_serial(44259.0 - 1462.0, true), Ok(d(2021, 3, 4)));
        for bad in [-1.0, 0.0, 2_958_466.0, f64::NAN, f64::INFINITY] {
            assert!(from_excel_serial(bad, false).is_err(), "{bad}");
        }
        assert!(from_excel_serial(-1.0, true).is_err());
    }

    #[test]
    fn iso_dates_are_written_as_chrono_writes_them() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let mut out = [0; 10];
        assert_eq!(iso::text(d(2021, 3, 4), &mut out), Some("2021-03-04"));
        assert_eq!(iso::text(d(999, 12, 31), &mut out), Some("0999-12-31"));
        assert_eq!(iso::text(d(0, 1, 1), &mut out), Some("0000-01-01"));
        assert_eq!(iso::text(d(10_000, 1, 1), &mut out), None);
        assert_eq!(iso::text(d(-1, 1, 1), &mut out), None);

        #[derive(serde::Serialize)]
        struct Ours {
            #[serde(serialize_with = "iso::serialize")]
            date: NaiveDate,
            #[serde(serialize_with = "iso::option")]
            end: Option<NaiveDate>,
        }
        #[derive(serde::Serialize)]
        struct Chronos {
            date: NaiveDate,
            end: Option<NaiveDate>,
        }
        // Every day of 1899–2101 and years at and past the edges, with and without an end.
        let mut dates: Vec<NaiveDate> = d(1899, 1, 1)
            .iter_days()
            .take_while(|&x| x <= d(2101, 12, 31))
            .collect();
        dates.extend([
            d(0, 1, 1),
            d(1, 2, 3),
            d(999, 9, 9),
            d(9999, 12, 31),
            d(10_000, 1, 1),
            d(-5, 6, 7),
            d(-10_000, 1, 1),
        ]);
        for date in dates {
            for end in [None, Some(date)] {
                assert_eq!(
                    serde_json::to_string(&Ours { date, end }).unwrap(),
                    serde_json::to_string(&Chronos { date, end }).unwrap(),
                    "{date}"
                );
            }
        }
    }
}
