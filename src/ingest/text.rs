//! Text files: decoding (UTF-8 with or without BOM, UTF-16 with BOM or detectably without,
//! Windows-1252 as Excel's "CSV" export writes it, and files mixing UTF-8 and Windows-1252),
//! delimiter sniffing (`,` `;` tab, and Excel's `sep=` line), and reading records with the
//! csv crate.
//!
//! This module turns bytes into rows of text cells. It knows nothing about which table a
//! file holds.

use std::borrow::Cow;

/// The encoding a text file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
    /// Mostly UTF-8 with bytes that are not: those were read as Windows-1252.
    Mixed,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8 (with BOM)",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Mixed => "utf-8 mixed with windows-1252",
        }
    }
}

/// Decodes text bytes. Never fails: bytes that are not valid in the detected encoding are read
/// as Windows-1252, which maps every byte to a character.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (utf8_or_1252(rest).0, Encoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return (decode_utf16(rest, true), Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return (decode_utf16(rest, false), Encoding::Utf16Be);
    }
    if let Some(le) = looks_like_bomless_utf16(bytes) {
        let enc = if le {
            Encoding::Utf16Le
        } else {
            Encoding::Utf16Be
        };
        return (decode_utf16(bytes, le), enc);
    }
    utf8_or_1252(bytes)
}

fn utf8_or_1252(bytes: &[u8]) -> (Cow<'_, str>, Encoding) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
        Err(_) => {
            // Walk the bytes: valid UTF-8 runs are kept, every invalid byte is read as
            // Windows-1252. Pure Windows-1252 files have (almost) no valid multi-byte runs.
            let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
            let mut rest = bytes;
            let mut saw_multibyte = false;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        saw_multibyte |= !s.is_ascii();
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (valid, after) = rest.split_at(e.valid_up_to());
                        // `valid` is valid UTF-8 by construction.
                        let s = std::str::from_utf8(valid).unwrap_or_default();
                        saw_multibyte |= !s.is_ascii();
                        out.push_str(s);
                        let bad = e.error_len().unwrap_or(after.len()).max(1);
                        let (bad_bytes, tail) = after.split_at(bad.min(after.len()));
                        for &b in bad_bytes {
                            out.push(windows_1252(b));
                        }
                        rest = tail;
                    }
                }
            }
            let enc = if saw_multibyte {
                Encoding::Mixed
            } else {
                Encoding::Windows1252
            };
            (Cow::Owned(out), enc)
        }
    }
}

fn windows_1252(b: u8) -> char {
    let byte = [b];
    let (decoded, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
    decoded.chars().next().unwrap_or('\u{FFFD}')
}

fn decode_utf16(bytes: &[u8], le: bool) -> Cow<'static, str> {
    let enc = if le {
        encoding_rs::UTF_16LE
    } else {
        encoding_rs::UTF_16BE
    };
    let (s, _) = enc.decode_without_bom_handling(bytes);
    Cow::Owned(s.into_owned())
}

/// UTF-16 without a BOM shows as NUL bytes in every other position of ASCII text.
fn looks_like_bomless_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nul * 10 >= pairs * 9 && even_nul * 10 <= pairs {
        Some(true)
    } else if even_nul * 10 >= pairs * 9 && odd_nul * 10 <= pairs {
        Some(false)
    } else {
        None
    }
}

/// Whether decoded text looks like binary data rather than a table: many control characters.
pub fn looks_binary(text: &str) -> bool {
    let sample: Vec<char> = text.chars().take(4096).collect();
    if sample.is_empty() {
        return false;
    }
    let control = sample
        .iter()
        .filter(|&&c| (c.is_control() && !matches!(c, '\t' | '\r' | '\n')) || c == '\u{FFFD}')
        .count();
    control * 10 > sample.len()
}

/// The delimiter of a delimited text file, and whether the first line was Excel's `sep=`
/// instruction (which is then not a row).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub sep_line: bool,
}

/// Sniffs the delimiter from the first lines: the candidate that appears the same, non-zero
/// number of times on the most lines wins; ties prefer comma, then semicolon, then tab.
pub fn sniff(text: &str) -> Dialect {
    let first_line = text.lines().next().unwrap_or("").trim();
    if let Some(rest) = first_line.strip_prefix("sep=") {
        if let [d] = rest.as_bytes() {
            return Dialect {
                delimiter: *d,
                sep_line: true,
            };
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(50)
        .collect();
    let mut best = (b',', 0usize, 0usize);
    for delim in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, delim))
            .collect();
        let mut freq: std::collections::HashMap<usize, usize> = Default::default();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_default() += 1;
        }
        let (mode, lines_with_mode) = freq
            .into_iter()
            .max_by_key(|&(c, n)| (n, c))
            .unwrap_or((0, 0));
        if (lines_with_mode, mode) > (best.1, best.2) {
            best = (delim, lines_with_mode, mode);
        }
    }
    Dialect {
        delimiter: best.0,
        sep_line: false,
    }
}

fn count_outside_quotes(line: &str, delim: u8) -> usize {
    let mut in_quotes = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == delim && !in_quotes {
            n += 1;
        }
    }
    n
}

/// Line breaks as the csv reader sees them: `\n`, `\r\n`, and a lone `\r` (old Mac files, and
/// files edited in several programs, mix them). Counting `\n` alone put rows after a lone `\r`
/// one row too high in messages (found by `tests/fixtures/bad/csv_mixed_line_endings.csv`).
fn line_breaks(bytes: &[u8]) -> u32 {
    let mut n = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            n = n.saturating_add(1);
        }
    }
    n
}

/// The row where a quote mark opens and never closes, if one does: then the csv reader reads
/// everything from there to the end of the file as one field. Detected as an odd number of
/// quote marks in the file and a last record holding a line break (a lone quote inside an
/// unquoted field, as in `5" bed`, is read literally and leaves the records intact).
pub fn unclosed_quote_row(text: &str, dialect: Dialect) -> Option<u32> {
    if text
        .bytes()
        .filter(|&b| b == b'"')
        .count()
        .is_multiple_of(2)
    {
        return None;
    }
    let mut last = None;
    for_each_record(text, dialect, &mut |row, fields| {
        last = Some((row, fields.iter().any(|t| t.contains(['\n', '\r']))));
        true
    });
    match last {
        Some((row, true)) => Some(row),
        _ => None,
    }
}

/// Calls `f` with each record's user-visible row number and its fields, until `f` returns
/// `false`. Row numbers are line numbers as Excel shows them (the `sep=` line excluded).
pub fn for_each_record(
    text: &str,
    dialect: Dialect,
    f: &mut dyn FnMut(u32, &csv::StringRecord) -> bool,
) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(dialect.delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut skip_first = dialect.sep_line;
    let bytes = text.as_bytes();
    // The csv crate reports a record's position before any blank lines it skipped, so the
    // line number is counted here from the record's first byte.
    let (mut counted_to, mut line) = (0usize, 1u32);
    // Reading from valid UTF-8 text cannot fail on encoding; any other error (none are
    // possible from an in-memory slice) ends the table.
    while let Ok(true) = reader.read_record(&mut record) {
        if skip_first {
            skip_first = false;
            continue;
        }
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            line = line.saturating_add(line_breaks(&bytes[counted_to..start]));
            counted_to = start;
        }
        let row = if dialect.sep_line {
            line.saturating_sub(1)
        } else {
            line
        };
        if !f(row, &record) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_encoding() {
        assert_eq!(decode(b"a,b").1, Encoding::Utf8);
        let (s, e) = decode(b"\xEF\xBB\xBFchild_id,na\xC3\xAFve");
        assert_eq!((s.as_ref(), e), ("child_id,naïve", Encoding::Utf8Bom));
        let (s, e) = decode(b"caf\xE9 \x80");
        assert_eq!((s.as_ref(), e), ("café €", Encoding::Windows1252));
        let (s, e) = decode(b"caf\xC3\xA9 and caf\xE9");
        assert_eq!((s.as_ref(), e), ("café and café", Encoding::Mixed));
        let utf16le: Vec<u8> = "\u{FEFF}id,é"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&utf16le), (Cow::from("id,é"), Encoding::Utf16Le));
        let utf16be: Vec<u8> = "\u{FEFF}id,é"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode(&utf16be), (Cow::from("id,é"), Encoding::Utf16Be));
        let bomless: Vec<u8> = "child_id,start_date\n1,2021-01-01\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&bomless).1, Encoding::Utf16Le);
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff("a,b,c\n1,2,3\n").delimiter, b',');
        assert_eq!(sniff("a;b;c\n1;2,5;3\n").delimiter, b';');
        assert_eq!(sniff("a\tb\tc\n1\t2\t3\n").delimiter, b'\t');
        assert_eq!(sniff("\"a,x\";b\n\"1,y\";2\n").delimiter, b';');
        let d = sniff("sep=;\na;b\n");
        assert_eq!(
            d,
            Dialect {
                delimiter: b';',
                sep_line: true
            }
        );
    }

    /// Each record with its row, for the tests.
    fn rows_read(text: &str) -> Vec<(u32, String)> {
        let mut rows = Vec::new();
        for_each_record(text, sniff(text), &mut |row, fields| {
            rows.push((row, fields.iter().collect::<Vec<_>>().join("|")));
            true
        });
        rows
    }

    #[test]
    fn rows_are_lines_as_a_spreadsheet_counts_them_whatever_ends_them() {
        // Windows line ends: line 2 is blank, the quoted field spans lines 3 and 4, lines 5
        // and 6 are blank, so "2,3" is line 7.
        assert_eq!(
            rows_read("a,b\r\n\r\n1,\"x\r\ny\"\r\n\r\n\r\n2,3\r\n"),
            vec![(1, "a|b".into()), (3, "1|x\r\ny".into()), (7, "2|3".into())]
        );
        // A lone carriage return ends line 1; line 3 is blank.
        assert_eq!(
            rows_read("a,b\r1,2\n\n3,4\r\n5,6"),
            vec![
                (1, "a|b".into()),
                (2, "1|2".into()),
                (4, "3|4".into()),
                (5, "5|6".into())
            ]
        );
        // A lone carriage return inside a quoted field is a line break too: "1,2" is line 3.
        assert_eq!(
            rows_read("a,\"x\ry\"\n1,2\n"),
            vec![(1, "a|x\ry".into()), (3, "1|2".into())]
        );
        // Excel's `sep=` line is not a row: "a;b" is row 1, row 2 is blank.
        assert_eq!(
            rows_read("sep=;\na;b\n\n1;2\n"),
            vec![(1, "a|b".into()), (3, "1|2".into())]
        );
    }

    #[test]
    fn records_carry_line_numbers() {
        assert_eq!(
            rows_read("a,b\n1,2\n\n3,\"x\ny\"\n"),
            vec![(1, "a|b".into()), (2, "1|2".into()), (4, "3|x\ny".into())]
        );
    }
}
