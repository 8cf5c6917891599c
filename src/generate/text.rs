//! Fast text formatting for the writers: dates in the three written forms, CSV fields with
//! minimal quoting, and Excel date serial numbers.
//!
//! This module owns byte-level formatting only; what goes in which cell is the writers'.

use chrono::{Datelike, NaiveDate};

/// Appends `n` as exactly `width` decimal digits (zero-padded; higher digits dropped).
fn push_digits(buf: &mut Vec<u8>, n: u32, width: usize) {
    let mut tmp = [b'0'; 10];
    let mut x = n;
    for i in (0..width.min(10)).rev() {
        tmp[i] = b'0' + (x % 10) as u8;
        x /= 10;
    }
    buf.extend_from_slice(&tmp[..width.min(10)]);
}

/// Appends `n` in decimal without padding.
pub(crate) fn push_u64(buf: &mut Vec<u8>, n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut x = n;
    loop {
        i -= 1;
        tmp[i] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

fn year4(d: NaiveDate) -> u32 {
    d.year().clamp(0, 9999) as u32
}

/// `2021-03-04`.
pub(crate) fn push_iso(buf: &mut Vec<u8>, d: NaiveDate) {
    push_digits(buf, year4(d), 4);
    buf.push(b'-');
    push_digits(buf, d.month(), 2);
    buf.push(b'-');
    push_digits(buf, d.day(), 2);
}

/// `04/03/2021`.
pub(crate) fn push_uk(buf: &mut Vec<u8>, d: NaiveDate) {
    push_digits(buf, d.day(), 2);
    buf.push(b'/');
    push_digits(buf, d.month(), 2);
    buf.push(b'/');
    push_digits(buf, year4(d), 4);
}

/// `4/3/21`: day-first with a two-digit year, as hand-typed dates often are.
pub(crate) fn push_short(buf: &mut Vec<u8>, d: NaiveDate) {
    push_u64(buf, u64::from(d.day()));
    buf.push(b'/');
    push_u64(buf, u64::from(d.month()));
    buf.push(b'/');
    push_digits(buf, year4(d) % 100, 2);
}

/// The short form as a string.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn short(d: NaiveDate) -> String {
    let mut b = Vec::with_capacity(8);
    push_short(&mut b, d);
    String::from_utf8(b).unwrap_or_default()
}

/// Appends a CSV field, quoted only when it holds a comma, a quote or a line break.
pub(crate) fn push_field(buf: &mut Vec<u8>, s: &str) {
    let needs = s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !needs {
        buf.extend_from_slice(s.as_bytes());
        return;
    }
    buf.push(b'"');
    for b in s.bytes() {
        if b == b'"' {
            buf.push(b'"');
        }
        buf.push(b);
    }
    buf.push(b'"');
}

/// The Excel (1900 date system) serial number of a date: days since 30 December 1899, which
/// is right for every date from 1 March 1900 on.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn excel_serial(d: NaiveDate) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN);
    (d - base).num_days() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn with(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn dates_match_chrono_formatting() {
        for date in [
            d(2021, 3, 4),
            d(1999, 12, 31),
            d(2024, 2, 29),
            d(2005, 10, 1),
        ] {
            assert_eq!(
                with(|b| push_iso(b, date)),
                date.format("%Y-%m-%d").to_string()
            );
            assert_eq!(
                with(|b| push_uk(b, date)),
                date.format("%d/%m/%Y").to_string()
            );
            assert_eq!(
                with(|b| push_short(b, date)),
                date.format("%-d/%-m/%y").to_string()
            );
        }
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(with(|b| push_field(b, "Foster care")), "Foster care");
        assert_eq!(with(|b| push_field(b, "a, b")), "\"a, b\"");
        assert_eq!(with(|b| push_field(b, "say \"hi\"")), "\"say \"\"hi\"\"\"");
        assert_eq!(with(|b| push_u64(b, 0)), "0");
        assert_eq!(with(|b| push_u64(b, 1_048_576)), "1048576");
    }

    #[test]
    fn excel_serials_are_the_known_values() {
        // Excel shows 44259 as 4 March 2021 and 60 as its fictitious 29 February 1900.
        assert_eq!(excel_serial(d(2021, 3, 4)), 44259.0);
        assert_eq!(excel_serial(d(1900, 3, 1)), 61.0);
    }
}
