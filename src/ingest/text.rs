//! Text files: decoding (UTF-8 with or without BOM, UTF-16 with BOM or detectably without,
//! Windows-1252 as Excel's "CSV" export writes it, and files mixing UTF-8 and Windows-1252),
//! delimiter sniffing (`,` `;` tab, and Excel's `sep=` line), and reading records with the
//! csv crate.
//!
//! This module turns bytes into rows of text cells. It knows nothing about which table a
//! file holds.

use super::sheet::Cell;
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
///
/// Counts the breaks in `bytes[from..to]`, looking one byte past `to` so that a `\r\n` split
/// across two ranges is counted once.
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> u32 {
    let mut n = 0u32;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes.get(from..to).unwrap_or_default()) {
        let at = from + i;
        if bytes.get(at) == Some(&b'\n') || bytes.get(at + 1) != Some(&b'\n') {
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
    if memchr::memchr_iter(b'"', text.as_bytes())
        .count()
        .is_multiple_of(2)
    {
        return None;
    }
    let mut last = None;
    for_each_record(text, dialect, &mut |row, fields| {
        last = Some((
            row,
            fields
                .iter()
                .any(|f| matches!(f, Cell::Text(t) if t.contains(['\n', '\r']))),
        ));
        true
    });
    match last {
        Some((row, true)) => Some(row),
        _ => None,
    }
}

/// Calls `f` with each record's user-visible row number and its fields, until `f` returns
/// `false`. Row numbers are line numbers as Excel shows them (the `sep=` line excluded).
///
/// Records are read as the csv crate reads them (RFC 4180 quoting with doubled quotes, `\n`,
/// `\r\n` or a lone `\r` ending a record, blank lines skipped, a UTF-8 BOM at the start
/// dropped), in two ways: a line without any quote mark is split at the delimiter in place,
/// its fields borrowed from `text`, and only a record that starts on a line holding a quote
/// mark goes through csv-core's state machine (which copies its fields out). Most exports
/// quote few fields, so most lines never reach the state machine.
pub fn for_each_record(text: &str, dialect: Dialect, f: &mut dyn FnMut(u32, &[Cell<'_>]) -> bool) {
    let bytes = text.as_bytes();
    let delimiter = dialect.delimiter;
    let mut quoted = QuotedRecords::new(delimiter);
    let classes = byte_classes(delimiter);
    let delimiter_pattern = u64::from(delimiter) * ONES;
    let mut skip_first = dialect.sep_line;
    // The csv reader drops a byte-order mark at the very start (a file saved with two).
    let mut pos = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut line = 1u32;
    let mut plain: Vec<Cell<'_>> = Vec::new();
    let mut buffer: Vec<Cell<'static>> = Vec::new();
    // Blank lines (line breaks at the start of a record) are skipped, and counted.
    while let Some(start) = bytes
        .get(pos..)
        .and_then(|rest| rest.iter().position(|&b| b != b'\n' && b != b'\r'))
        .map(|skip| pos + skip)
    {
        line = line.saturating_add(line_breaks(bytes, pos, start));
        let row = if dialect.sep_line {
            line.saturating_sub(1)
        } else {
            line
        };
        let rest = bytes.get(start..).unwrap_or_default();
        // One pass over the line: split at each delimiter until the line break, or stop at a
        // quote mark, which sends the record to csv-core. Eight bytes are checked at a time
        // for candidates (see `candidates`); only those are looked up in the class table.
        plain.clear();
        let mut from = start;
        let mut line_end = bytes.len();
        let mut has_quote = false;
        let mut i = 0;
        loop {
            let at = match rest.get(i..i + 8).map(<[u8; 8]>::try_from) {
                Some(Ok(chunk)) => {
                    let mask = candidates(u64::from_le_bytes(chunk), delimiter_pattern);
                    if mask == 0 {
                        i += 8;
                        continue;
                    }
                    i + (mask.trailing_zeros() / 8) as usize
                }
                // Fewer than eight bytes left: one at a time.
                _ if i < rest.len() => i,
                _ => break,
            };
            let Some(&b) = rest.get(at) else { break };
            i = at + 1;
            match classes[usize::from(b)] {
                ByteClass::Plain => {}
                ByteClass::Delimiter => {
                    let at = start + at;
                    plain.push(field(text.get(from..at).unwrap_or_default()));
                    from = at + 1;
                }
                ByteClass::LineBreak => {
                    line_end = start + at;
                    break;
                }
                ByteClass::Quote => {
                    has_quote = true;
                    break;
                }
            }
        }
        let go_on = if !has_quote {
            // No quote mark: the record is this line. Every split is at an ASCII byte, so
            // every field is a slice of `text`.
            plain.push(field(text.get(from..line_end).unwrap_or_default()));
            pos = line_end;
            if skip_first {
                skip_first = false;
                continue;
            }
            f(row, &plain)
        } else {
            let consumed = quoted.read(rest);
            let end = start + consumed.max(1);
            line = line.saturating_add(line_breaks(bytes, start, end));
            pos = end;
            if skip_first {
                skip_first = false;
                continue;
            }
            // One buffer serves every quoted record: it is emptied and handed back each time.
            let mut cells: Vec<Cell<'_>> = reuse(std::mem::take(&mut buffer));
            quoted.fields(&mut cells);
            let go_on = f(row, &cells);
            buffer = reuse(cells);
            go_on
        };
        if !go_on {
            break;
        }
    }
}

/// What a byte means to the line splitter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    Plain,
    Delimiter,
    LineBreak,
    /// A quote mark: the record goes to csv-core.
    Quote,
}

/// Every byte's class. A delimiter that is itself a quote mark or a line break (only an odd
/// `sep=` line can ask for one) counts as a quote mark, so such files are read by csv-core
/// alone.
fn byte_classes(delimiter: u8) -> [ByteClass; 256] {
    let mut classes = [ByteClass::Plain; 256];
    classes[usize::from(delimiter)] = ByteClass::Delimiter;
    classes[usize::from(b'\n')] = ByteClass::LineBreak;
    classes[usize::from(b'\r')] = ByteClass::LineBreak;
    classes[usize::from(b'"')] = ByteClass::Quote;
    if matches!(delimiter, b'\n' | b'\r') {
        classes[usize::from(delimiter)] = ByteClass::Quote;
    }
    classes
}

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit set in each byte of `word` (eight bytes of text) that may matter to the
/// line splitter: every byte equal to the delimiter (`delimiter_pattern` holds it in every
/// byte) and every byte below `#`, which covers the line breaks and the quote mark (and
/// also spaces, tabs and other controls, which the class table then passes over). Exact
/// per byte: no carry crosses from one byte to the next.
fn candidates(word: u64, delimiter_pattern: u64) -> u64 {
    // Below `#`: a clear high bit and (low seven bits + 0x80 − 0x23) without its high bit.
    let below = !(((word & !HIGH) + (0x80 - 0x23) * ONES) | word) & HIGH;
    // Equal to the delimiter: a zero byte in the difference.
    let diff = word ^ delimiter_pattern;
    let equal = !(((diff & !HIGH) + !HIGH) | diff) & HIGH;
    below | equal
}

/// A field's cell: empty text is an empty cell.
fn field(s: &str) -> Cell<'_> {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

/// csv-core's reader for records holding quote marks, with the buffers of the last record.
struct QuotedRecords {
    reader: csv_core::Reader,
    /// The last record's fields, unquoted and one after another.
    out: Vec<u8>,
    /// The end of each field in `out`.
    ends: Vec<usize>,
    fields: usize,
}

impl QuotedRecords {
    fn new(delimiter: u8) -> Self {
        let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // csv-core drops a byte-order mark at the start of the first input it is given; that
        // is handled above for the file's start, so a blank line is read first to mark the
        // reader as started (a record in the middle of the file keeps its bytes).
        let _ = reader.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        QuotedRecords {
            reader,
            out: vec![0; 1024],
            ends: vec![0; 64],
            fields: 0,
        }
    }

    /// Reads the record that starts at `input[0]`; returns the bytes it took (with the line
    /// break that ends it).
    fn read(&mut self, input: &[u8]) -> usize {
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        let mut ended = 0;
        loop {
            let (result, i, o, e) = self.reader.read_record(
                input.get(nin..).unwrap_or_default(),
                self.out.get_mut(nout..).unwrap_or_default(),
                self.ends.get_mut(nend..).unwrap_or_default(),
            );
            nin += i;
            nout += o;
            nend += e;
            match result {
                csv_core::ReadRecordResult::OutputFull => {
                    let len = self.out.len().max(1) * 2;
                    self.out.resize(len, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len().max(1) * 2;
                    self.ends.resize(len, 0);
                }
                // The input ran out inside the record: the next call, with an empty input,
                // tells the reader the file has ended, and it then ends the record (an empty
                // input always gives a record, the end, or a full output to grow).
                csv_core::ReadRecordResult::InputEmpty => {
                    if i == 0 && nin >= input.len() {
                        ended += 1;
                    }
                    // A guard, never reached: the end of the input always ends the record.
                    if ended > 2 {
                        self.fields = nend;
                        return nin;
                    }
                }
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => {
                    self.fields = nend;
                    return nin;
                }
            }
        }
    }

    /// The last record's fields as cells.
    fn fields<'a>(&'a self, cells: &mut Vec<Cell<'a>>) {
        let mut from = 0;
        for &end in self.ends.get(..self.fields).unwrap_or_default() {
            // The input is UTF-8 and csv-core removes only ASCII bytes (quote marks,
            // delimiters and line breaks), so every field is UTF-8.
            let bytes = self.out.get(from..end).unwrap_or_default();
            cells.push(field(std::str::from_utf8(bytes).unwrap_or_default()));
            from = end;
        }
    }
}

/// Empties a vector and returns its allocation as a vector of another lifetime (the standard
/// library collects an empty vector in place when the element layouts match).
fn reuse<'b>(mut v: Vec<Cell<'_>>) -> Vec<Cell<'b>> {
    v.clear();
    v.into_iter().map(|_| Cell::Empty).collect()
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

    /// The records as the csv crate reads them, with line numbers counted from each record's
    /// first byte: the reader as it was before unquoted lines were split in place.
    fn csv_crate_records(text: &str, dialect: Dialect) -> Vec<(u32, Vec<String>)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(dialect.delimiter)
            .from_reader(text.as_bytes());
        let bytes = text.as_bytes();
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        let mut skip_first = dialect.sep_line;
        while let Ok(true) = reader.read_record(&mut record) {
            if skip_first {
                skip_first = false;
                continue;
            }
            let mut start = record.position().map_or(0, |p| p.byte() as usize);
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            let line = 1 + line_breaks(bytes, 0, start) - u32::from(dialect.sep_line);
            out.push((line, record.iter().map(str::to_string).collect()));
        }
        out
    }

    fn records(text: &str, dialect: Dialect) -> Vec<(u32, Vec<String>)> {
        let mut out = Vec::new();
        for_each_record(text, dialect, &mut |row, fields| {
            let texts = fields
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => t.to_string(),
                    _ => String::new(),
                })
                .collect();
            out.push((row, texts));
            true
        });
        out
    }

    #[test]
    fn records_match_the_csv_crate() {
        let comma = Dialect {
            delimiter: b',',
            sep_line: false,
        };
        let cases = [
            "a,b\n1,2\n",
            "a,b\r\n1,2\r\n\r\n3,4",
            "a,b\r1,2\r\r3,4\n",
            "\u{FEFF}a,b\n1,2",
            "\n\n\na\n",
            "a,\"b\"\n\"1\",\"2,3\"\n",
            "a,\"b\nc\",d\ne,f\n",
            "a,\"b\r\nc\r\n\",d\r\ne,f\r\n",
            "a,5\" bed,c\nd,e\n",
            "\"a\"\"b\",c\n",
            "\"a\"b,c\n",
            "\"unclosed,x\ny,z\n",
            ",\n,,\n\"\"\n",
            "caf\u{e9},\"na\u{ef}ve\"\n\u{20ac},\u{1F600}\n",
            "a,b\n \n  ,\n",
            "x,\"\"",
        ];
        for case in cases {
            assert_eq!(
                records(case, comma),
                csv_crate_records(case, comma),
                "{case:?}"
            );
        }
        let sep = "sep=;\na;b\n\"1;2\";3\n";
        let d = sniff(sep);
        assert!(d.sep_line);
        assert_eq!(records(sep, d), csv_crate_records(sep, d));
        let quoted_sep = "\"sep\";x\na;b\n";
        let d = Dialect {
            delimiter: b';',
            sep_line: true,
        };
        assert_eq!(records(quoted_sep, d), csv_crate_records(quoted_sep, d));
    }

    #[test]
    fn random_records_match_the_csv_crate() {
        // Random texts over an alphabet rich in the bytes that matter: delimiters, quotes,
        // every kind of line break, spaces and a multi-byte character.
        let alphabet = [
            ",", ";", "\"", "\n", "\r", "\r\n", " ", "a", "b", "\u{e9}", "\t",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for case in 0..3000 {
            // Some long texts, so that lines span several eight-byte words.
            let len = next(if case % 4 == 0 { 160 } else { 40 });
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            for delimiter in [b',', b';', b'\t', b'"', b'\n'] {
                for sep_line in [false, true] {
                    let d = Dialect {
                        delimiter,
                        sep_line,
                    };
                    assert_eq!(
                        records(&text, d),
                        csv_crate_records(&text, d),
                        "case {case}: {text:?} with {d:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn candidates_are_exactly_the_delimiter_and_bytes_below_hash() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        for delimiter in [b',', b';', b'\t', b'|'] {
            let pattern = u64::from(delimiter) * ONES;
            for chunk in bytes.chunks(8) {
                for shift in 0..8 {
                    let mut word = [0u8; 8];
                    for (k, w) in word.iter_mut().enumerate() {
                        *w = chunk[(k + shift) % 8];
                    }
                    let mask = candidates(u64::from_le_bytes(word), pattern);
                    for (k, &b) in word.iter().enumerate() {
                        let flagged = mask & (0x80 << (8 * k)) != 0;
                        assert_eq!(flagged, b == delimiter || b < b'#', "{b:#x} in {word:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn records_carry_line_numbers() {
        let mut rows = Vec::new();
        for_each_record(
            "a,b\n1,2\n\n3,\"x\ny\"\n",
            sniff("a,b"),
            &mut |row, fields| {
                let texts: Vec<String> = fields.iter().map(|c| c.text().into_owned()).collect();
                rows.push((row, texts.join("|")));
                true
            },
        );
        assert_eq!(
            rows,
            vec![(1, "a|b".into()), (2, "1|2".into()), (4, "3|x\ny".into())]
        );
    }
}
