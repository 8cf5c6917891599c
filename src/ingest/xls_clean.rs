//! Old binary Excel files (`.xls`, BIFF5 and BIFF8) rebuilt before calamine reads them.
//!
//! calamine's `.xls` reader trusts the file: on a damaged or hostile file it can index past
//! the end of a record, follow a cyclic sector chain until memory runs out, reserve space for
//! billions of cells because a DIMENSIONS record says so, or build a dense sheet spanning
//! 65,536 × 65,536 cells from two cells far apart (found by `tests/fixtures/bad/` and the
//! `xls` fuzz target). In the browser any of these ends the tab. So this module reads the
//! compound file and the workbook stream itself, with every index checked, keeps only the
//! records Driftline needs (sheets, shared strings, number formats, cell values), checks each
//! against the lengths calamine will assume, and writes a fresh, simple compound file for
//! calamine to read. Formulas keep their cached values but not their text (Driftline never
//! uses it, and calamine's formula-text parser is the least defended part). On the way it
//! counts what calamine will allocate (cells, the dense area of each sheet, text) against the
//! [`Limits`].
//!
//! This module owns the `.xls` container and record checks only; turning cells into values
//! is calamine's, and what a sheet means is `header` and `template`'s.

use super::guard::{self, Budget};
use super::Limits;
use crate::diagnostics::{Code, Diagnostic, Severity};

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const DIFSECT: u32 = 0xFFFF_FFFC;
const RESERVED: u32 = 0xFFFF_FFFA;

// Record types (MS-XLS 2.3).
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const CODEPAGE: u16 = 0x0042;
const DATEMODE: u16 = 0x0022;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const NUMBER: u16 = 0x0203;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const BOOLERR: u16 = 0x0205;
const STRING: u16 = 0x0207;
const RK: u16 = 0x027E;
const LABELSST: u16 = 0x00FD;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;

/// Reads a `.xls` compound file, checks it, and returns a rebuilt compound file holding only
/// what calamine needs to read the cell values, or one plain-English diagnostic.
pub fn clean(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, Box<Diagnostic>> {
    let stream = workbook_stream(bytes)?;
    let cleaned = clean_stream(&stream, limits)?;
    Ok(write_compound_file(&cleaned))
}

// --- The compound file (MS-CFB) --------------------------------------------------------

/// The bytes of the `Workbook` (BIFF8) or `Book` (BIFF5) stream, found the way calamine finds
/// it, with every sector chain checked: in range, acyclic, and no longer than the file.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, Box<Diagnostic>> {
    let bad = |what: &str| damaged(&format!("its container is broken ({what})"));
    if bytes.len() < 512 {
        return Err(bad("shorter than its header"));
    }
    let sector_size = match u16_at(bytes, 30) {
        Some(9) => 512usize,
        Some(12) => 4096,
        _ => return Err(bad("unknown sector size")),
    };
    if u16_at(bytes, 32) != Some(6) {
        return Err(bad("unknown mini sector size"));
    }
    // Sector n starts after the header block; only whole sectors inside the file are valid.
    let data = bytes.get(sector_size..).unwrap_or_default();
    let n_sectors = data.len() / sector_size;
    let sector = |id: u32| -> Option<&[u8]> {
        let id = id as usize;
        (id < n_sectors).then(|| &data[id * sector_size..(id + 1) * sector_size])
    };
    let words = |s: &[u8]| -> Vec<u32> {
        s.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };

    // The sector allocation table (FAT), through the DIFAT.
    let mut difat = words(&bytes[76..512]);
    let mut next = u32_at(bytes, 68).unwrap_or(ENDOFCHAIN);
    let mut hops = 0usize;
    while next < RESERVED {
        hops += 1;
        if hops > n_sectors {
            return Err(bad("the sector index loops"));
        }
        let s = sector(next).ok_or_else(|| bad("a sector index points past the end"))?;
        difat.extend(words(s));
        next = difat.pop().unwrap_or(ENDOFCHAIN);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    if fat_sectors.len() > n_sectors {
        return Err(bad("more allocation sectors than sectors"));
    }
    let mut fat = Vec::with_capacity(fat_sectors.len() * sector_size / 4);
    for id in fat_sectors {
        let s = sector(id).ok_or_else(|| bad("an allocation sector is past the end"))?;
        fat.extend(words(s));
    }

    // Follows a chain of `unit`-byte sectors, as calamine's `get_chain` does, for at most
    // `len` bytes.
    let chain = |start: u32,
                 len: usize,
                 unit: usize,
                 table: &[u32],
                 get: &dyn Fn(u32) -> Option<Vec<u8>>|
     -> Result<Vec<u8>, Box<Diagnostic>> {
        let mut out = Vec::new();
        let mut id = start;
        let mut hops = 0usize;
        while id != ENDOFCHAIN {
            let s = get(id).ok_or_else(|| bad("a stream runs past the end of the file"))?;
            let take = s.len().min(len - out.len());
            out.extend_from_slice(&s[..take]);
            if out.len() >= len {
                break;
            }
            hops += 1;
            if hops > bytes.len() / unit + 1 {
                return Err(bad("a stream's sectors loop"));
            }
            id = *table
                .get(id as usize)
                .ok_or_else(|| bad("a stream's sector chain is broken"))?;
        }
        Ok(out)
    };
    let big = |id: u32| sector(id).map(<[u8]>::to_vec);

    let dir_start = u32_at(bytes, 48).unwrap_or(ENDOFCHAIN);
    let dirs = chain(dir_start, usize::MAX, sector_size, &fat, &big)?;
    struct Entry {
        name: String,
        start: u32,
        len: u64,
    }
    let entries: Vec<Entry> = dirs
        .chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = e[..64]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|u| *u != 0)
                .collect();
            let len = if sector_size == 512 {
                u64::from(u32_at(e, 120).unwrap_or(0))
            } else {
                u64_at(e, 120).unwrap_or(0)
            };
            Entry {
                name: String::from_utf16_lossy(&units),
                start: u32_at(e, 116).unwrap_or(ENDOFCHAIN),
                len,
            }
        })
        .collect();
    let root = entries.first().ok_or_else(|| bad("no root directory"))?;
    let max_len = bytes.len() as u64;

    // The mini stream, for streams under 4,096 bytes.
    let mini_fat_len = u32_at(bytes, 64).unwrap_or(0) as usize;
    let (mini_stream, mini_fat) = if mini_fat_len > 0 {
        if mini_fat_len > n_sectors || root.len > max_len {
            return Err(bad("the mini stream is larger than the file"));
        }
        let mini = chain(root.start, root.len as usize, sector_size, &fat, &big)?;
        let mini_fat_start = u32_at(bytes, 60).unwrap_or(ENDOFCHAIN);
        let table = chain(
            mini_fat_start,
            mini_fat_len * sector_size,
            sector_size,
            &fat,
            &big,
        )?;
        (mini, words(&table))
    } else {
        (Vec::new(), Vec::new())
    };

    let found = ["Workbook", "Book"]
        .iter()
        .find_map(|want| entries.iter().find(|e| e.name.eq_ignore_ascii_case(want)));
    let Some(entry) = found else {
        return Err(not_excel());
    };
    if entry.len > max_len {
        return Err(bad("the workbook stream is larger than the file"));
    }
    let len = entry.len as usize;
    if len < 4096 {
        let mini_sector = |id: u32| -> Option<Vec<u8>> {
            let start = (id as usize).checked_mul(64)?;
            mini_stream
                .get(start..start.checked_add(64)?)
                .map(<[u8]>::to_vec)
        };
        chain(entry.start, len, 64, &mini_fat, &mini_sector)
    } else {
        chain(entry.start, len, sector_size, &fat, &big)
    }
}

/// Writes a compound file (version 4, 4,096-byte sectors) holding one `Workbook` stream.
fn write_compound_file(stream: &[u8]) -> Vec<u8> {
    const SECTOR: usize = 4096;
    const PER_FAT: usize = SECTOR / 4;
    // At least 4,096 bytes, so the stream lives in regular sectors, not the mini stream.
    let len = stream.len().max(4096);
    let n_stream = len.div_ceil(SECTOR);
    let mut n_fat = 1;
    while n_fat * PER_FAT < n_fat + 1 + n_stream {
        n_fat += 1;
    }
    // The header's DIFAT holds 109 FAT sectors: 446 MB of stream, more than the file limit
    // allows. A larger stream cannot be written, so nothing is written: calamine then reports
    // the file as unreadable instead of reading a truncated stream.
    if n_fat > 109 {
        return Vec::new();
    }
    let dir = n_fat as u32;
    let first = dir + 1;
    let mut out = Vec::with_capacity((2 + n_fat + n_stream) * SECTOR);
    out.extend_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    out.extend_from_slice(&[0; 16]);
    for v in [0x3Eu16, 4, 0xFFFE, 12, 6] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&[0; 6]);
    for v in [
        0u32,
        n_fat as u32,
        dir,
        0,
        0x1000,
        ENDOFCHAIN,
        0,
        ENDOFCHAIN,
        0,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for i in 0..109u32 {
        let v = if (i as usize) < n_fat { i } else { 0xFFFF_FFFF };
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.resize(SECTOR, 0);
    // The FAT: its own sectors, the directory, then the stream's chain.
    let mut fat: Vec<u32> = vec![0xFFFF_FFFD; n_fat];
    fat.push(ENDOFCHAIN);
    for i in 0..n_stream as u32 {
        fat.push(if (i as usize) + 1 < n_stream {
            first + i + 1
        } else {
            ENDOFCHAIN
        });
    }
    fat.resize(n_fat * PER_FAT, 0xFFFF_FFFF);
    for v in fat {
        out.extend_from_slice(&v.to_le_bytes());
    }
    // The directory: the root and the stream.
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u64| {
        let mut e = Vec::with_capacity(128);
        let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
        for u in &units {
            e.extend_from_slice(&u.to_le_bytes());
        }
        e.resize(64, 0);
        e.extend_from_slice(&((units.len() * 2) as u16).to_le_bytes());
        e.push(typ);
        e.push(1);
        for v in [0xFFFF_FFFFu32, 0xFFFF_FFFF, child] {
            e.extend_from_slice(&v.to_le_bytes());
        }
        e.resize(116, 0);
        e.extend_from_slice(&start.to_le_bytes());
        e.extend_from_slice(&size.to_le_bytes());
        e
    };
    let dir_start = out.len();
    // No mini stream. calamine reads a version-4 file whose root starts at ENDOFCHAIN as
    // empty, so the root names sector 0; with no mini FAT it is never followed.
    out.extend(entry("Root Entry", 5, 1, 0, 0));
    out.extend(entry("Workbook", 2, 0xFFFF_FFFF, first, len as u64));
    out.resize(dir_start + SECTOR, 0);
    out.extend_from_slice(stream);
    out.resize(out.len() + (n_stream * SECTOR - stream.len()), 0);
    out
}

// --- The workbook stream (BIFF) ----------------------------------------------------------

/// One record and the CONTINUE records after it (calamine reads them together).
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    conts: Vec<&'a [u8]>,
    /// The record and its CONTINUE records, as written.
    raw: &'a [u8],
}

/// Reads records from `pos` the way calamine does; `None` at the end or on a record that
/// runs past the end of the stream (where calamine stops with an error).
fn next_record<'a>(stream: &'a [u8], pos: &mut usize) -> Option<Record<'a>> {
    let start = *pos;
    let head = stream.get(start..start.checked_add(4)?)?;
    let typ = u16::from_le_bytes([head[0], head[1]]);
    let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
    let data = stream.get(start + 4..start + 4 + len)?;
    let mut end = start + 4 + len;
    let mut conts = Vec::new();
    while let Some(h) = stream.get(end..end + 4) {
        if u16::from_le_bytes([h[0], h[1]]) != CONTINUE {
            break;
        }
        let l = usize::from(u16::from_le_bytes([h[2], h[3]]));
        let c = stream.get(end + 4..end + 4 + l)?;
        conts.push(c);
        end += 4 + l;
    }
    *pos = end;
    Some(Record {
        typ,
        data,
        conts,
        raw: &stream[start..end],
    })
}

/// Rebuilds the workbook stream: the globals' records Driftline needs, then each sheet's cell
/// records, with sheet positions rewritten. Counts cells, dense areas and text on the way.
fn clean_stream(stream: &[u8], limits: &Limits) -> Result<Vec<u8>, Box<Diagnostic>> {
    let mut globals: Vec<Vec<u8>> = Vec::new();
    // (index in `globals` of the BOUNDSHEET record, position of the sheet's BOF).
    let mut sheets: Vec<(usize, usize)> = Vec::new();
    let mut sst: Vec<u64> = Vec::new();
    let mut pos = 0;
    let mut seen_bof = false;
    while let Some(r) = next_record(stream, &mut pos) {
        match r.typ {
            BOF if !seen_bof => {
                need(&r, 2)?;
                seen_bof = true;
                globals.push(r.raw.to_vec());
            }
            FILEPASS => return Err(encrypted()),
            CODEPAGE | DATEMODE => {
                need(&r, 2)?;
                globals.push(r.raw.to_vec());
            }
            FORMAT | XF => globals.push(r.raw.to_vec()),
            BOUNDSHEET => {
                need(&r, 6)?;
                let at = u32_at(r.data, 0).unwrap_or(u32::MAX) as usize;
                if at >= stream.len() {
                    return Err(damaged("a sheet's position is outside the file"));
                }
                sheets.push((globals.len(), at));
                globals.push(r.raw.to_vec());
            }
            SST => {
                sst = sst_lengths(&r)?;
                globals.push(r.raw.to_vec());
            }
            EOF => break,
            _ => {}
        }
    }
    if !seen_bof {
        return Err(not_excel());
    }
    let text: u64 = sst.iter().sum();
    let mut budget = Budget::new(limits);
    budget.add_text(text, "the shared strings")?;

    // Each sheet's kept records. In a sound file sheets are separate stretches of the stream,
    // so together they are never longer than it; sheets that overlap (several sheet entries
    // pointing into the same records) could otherwise multiply the work.
    let mut bodies: Vec<Vec<u8>> = Vec::with_capacity(sheets.len());
    let mut total = 0usize;
    for &(_, at) in &sheets {
        let body = clean_sheet(stream, at, &sst, &mut budget)?;
        total += body.len();
        if total > stream.len() {
            return Err(damaged("its sheets overlap"));
        }
        bodies.push(body);
    }

    // Assemble: globals with EOF, then the sheets, each BOUNDSHEET pointing at its sheet.
    let globals_len: usize = globals.iter().map(Vec::len).sum::<usize>() + 4;
    let mut offset = globals_len;
    for (&(index, _), body) in sheets.iter().zip(&bodies) {
        let raw = &mut globals[index];
        let at = u32::try_from(offset).map_err(|_| damaged("the workbook is too large"))?;
        raw[4..8].copy_from_slice(&at.to_le_bytes());
        offset += body.len();
    }
    let mut out = Vec::with_capacity(offset);
    for g in &globals {
        out.extend_from_slice(g);
    }
    out.extend_from_slice(&EOF.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    for body in bodies {
        out.extend(body);
    }
    Ok(out)
}

/// A sheet's BOF, its cell records (formulas reduced to their cached values) and its EOF.
fn clean_sheet(
    stream: &[u8],
    at: usize,
    sst: &[u64],
    budget: &mut Budget,
) -> Result<Vec<u8>, Box<Diagnostic>> {
    let mut out = Vec::new();
    let mut pos = at;
    let first = next_record(stream, &mut pos).ok_or_else(|| damaged("a sheet is missing"))?;
    if first.typ != BOF {
        return Err(damaged("a sheet does not start where the workbook says"));
    }
    need(&first, 2)?;
    out.extend_from_slice(first.raw);
    let mut data = Area::default();
    let mut formulas = Area::default();
    let mut depth = 0usize;
    while let Some(r) = next_record(stream, &mut pos) {
        // Charts and other substreams inside a sheet are skipped, as calamine does.
        if depth > 0 {
            match r.typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let cell = |r: &Record<'_>, min: usize| -> Result<(u32, u32), Box<Diagnostic>> {
            need(r, min)?;
            Ok((
                u32::from(u16_at(r.data, 0).unwrap_or(0)),
                u32::from(u16_at(r.data, 2).unwrap_or(0)),
            ))
        };
        match r.typ {
            BOF => depth += 1,
            EOF => break,
            NUMBER | RK | BOOLERR => {
                let min = match r.typ {
                    NUMBER => 14,
                    RK => 10,
                    _ => 8,
                };
                data.add(cell(&r, min)?, budget)?;
                out.extend_from_slice(r.raw);
            }
            LABEL | RSTRING => {
                let p = cell(&r, 8)?;
                data.add(p, budget)?;
                budget.add_text(u64::from(u16_at(r.data, 6).unwrap_or(0)), "text cells")?;
                out.extend_from_slice(r.raw);
            }
            STRING => {
                budget.add_text(u64::from(u16_at(r.data, 0).unwrap_or(0)), "formula results")?;
                out.extend_from_slice(r.raw);
            }
            LABELSST => {
                let p = cell(&r, 10)?;
                let index = u32_at(r.data, 6).unwrap_or(u32::MAX) as usize;
                if let Some(len) = sst.get(index) {
                    data.add(p, budget)?;
                    budget.add_text(*len, "text cells")?;
                }
                out.extend_from_slice(r.raw);
            }
            MULRK => {
                need(&r, 6)?;
                let row = u32::from(u16_at(r.data, 0).unwrap_or(0));
                let first_col = u16_at(r.data, 2).unwrap_or(0);
                let last_col = u16_at(r.data, r.data.len() - 2).unwrap_or(0);
                // calamine computes `last - first + 1` in 16 bits.
                if last_col < first_col || last_col - first_col == u16::MAX {
                    return Err(damaged("a row of numbers has its columns reversed"));
                }
                let n = u32::from(last_col - first_col) + 1;
                if r.data.len() != 6 + 6 * n as usize {
                    return Err(damaged("a row of numbers has the wrong length"));
                }
                data.add((row, u32::from(first_col)), budget)?;
                data.add((row, u32::from(last_col)), budget)?;
                budget.add_cells(u64::from(n).saturating_sub(2))?;
                out.extend_from_slice(r.raw);
            }
            FORMULA => {
                let p = cell(&r, 20)?;
                data.add(p, budget)?;
                formulas.add(p, budget)?;
                // The cached value and flags, then a formula that is just an empty argument
                // (cce = 1, PtgMissArg): calamine reads it as an empty formula text.
                let mut rec = Vec::with_capacity(27);
                rec.extend_from_slice(&FORMULA.to_le_bytes());
                rec.extend_from_slice(&23u16.to_le_bytes());
                rec.extend_from_slice(&r.data[..20]);
                rec.extend_from_slice(&[1, 0, 0x16]);
                out.extend(rec);
            }
            _ => {}
        }
    }
    out.extend_from_slice(&EOF.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    budget.add_area(data.area(), None)?;
    budget.add_area(formulas.area(), None)?;
    Ok(out)
}

/// The bounding box of a sheet's cells, as calamine's dense range will span it.
#[derive(Default)]
struct Area {
    bounds: Option<(u32, u32, u32, u32)>,
}

impl Area {
    fn add(&mut self, (r, c): (u32, u32), budget: &mut Budget) -> Result<(), Box<Diagnostic>> {
        budget.add_cells(1)?;
        self.bounds = Some(match self.bounds {
            None => (r, r, c, c),
            Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
        });
        Ok(())
    }

    fn area(&self) -> Option<((u32, u32), (u32, u32))> {
        self.bounds.map(|(r0, r1, c0, c1)| ((r0, c0), (r1, c1)))
    }
}

/// The length in characters of each shared string, reading the SST record and its CONTINUE
/// records exactly as calamine will, and refusing what would make calamine index out of range.
fn sst_lengths(r: &Record<'_>) -> Result<Vec<u64>, Box<Diagnostic>> {
    let broken = || damaged("its table of shared text is broken");
    let mut data = r.data.get(8..).ok_or_else(broken)?;
    let mut conts = r.conts.iter().copied();
    let mut lengths = Vec::new();
    loop {
        if data.is_empty() {
            match conts.next() {
                Some(c) => data = c,
                None => break,
            }
            if data.is_empty() {
                lengths.push(0);
                continue;
            }
        }
        if data.len() < 3 {
            return Err(broken());
        }
        let cch = usize::from(u16::from_le_bytes([data[0], data[1]]));
        let flags = data[2];
        data = &data[3..];
        let mut runs = 0usize;
        if flags & 0x8 != 0 {
            runs = usize::from(u16_at(data, 0).ok_or_else(broken)?);
            data = &data[2..];
        }
        let mut ext = 0usize;
        if flags & 0x4 != 0 {
            ext = u32_at(data, 0).ok_or_else(broken)? as usize;
            data = &data[4..];
        }
        let mut high = flags & 0x1 != 0;
        let mut left = cch;
        while left > 0 {
            let l = if high {
                (data.len() / 2).min(left)
            } else {
                data.len().min(left)
            };
            data = &data[if high { 2 * l } else { l }..];
            left -= l;
            if left > 0 {
                data = conts.next().ok_or_else(broken)?;
                let flag = *data.first().ok_or_else(broken)?;
                high = flag & 0x1 != 0;
                data = &data[1..];
            }
        }
        lengths.push(cch as u64);
        // Formatting runs and phonetic data follow the characters and may cross records.
        // Saturating: `ext` is a 32-bit length, which overflows a 32-bit usize (wasm32) when
        // added to.
        let mut skip = (runs * 4).saturating_add(ext);
        while skip > 0 {
            if data.is_empty() {
                data = conts.next().ok_or_else(broken)?;
            }
            let l = skip.min(data.len());
            data = &data[l..];
            skip -= l;
        }
    }
    Ok(lengths)
}

fn need(r: &Record<'_>, min: usize) -> Result<(), Box<Diagnostic>> {
    if r.data.len() < min {
        return Err(damaged(&format!(
            "a record of type {:#06x} has the wrong length",
            r.typ
        )));
    }
    Ok(())
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

fn damaged(what: &str) -> Box<Diagnostic> {
    guard::fatal(
        Code::CorruptWorkbook,
        format!("The .xls workbook could not be read: it is damaged ({what}). Open it in Excel, save it as .xlsx and load that."),
    )
}

fn not_excel() -> Box<Diagnostic> {
    guard::fatal(
        Code::NotASpreadsheet,
        "This file is an Office compound document but not an Excel workbook (no workbook stream inside): it may be a Word or PowerPoint file saved with an .xls name. Load the spreadsheet itself.",
    )
}

fn encrypted() -> Box<Diagnostic> {
    Box::new(Diagnostic::new(
        Severity::Fatal,
        Code::EncryptedWorkbook,
        "The workbook is protected with a password, so it cannot be read. Open it in Excel, remove the password (File › Info › Protect Workbook), save a copy and load that copy.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xls};
    use std::io::Cursor;

    fn fixture(name: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        std::fs::read(p).unwrap()
    }

    fn sheets(bytes: &[u8]) -> Vec<(String, calamine::Range<calamine::Data>)> {
        let mut wb = Xls::new(Cursor::new(bytes)).unwrap();
        let names = wb.sheet_names();
        names
            .into_iter()
            .map(|n| {
                let r = wb.worksheet_range(&n).unwrap();
                (n, r)
            })
            .collect()
    }

    #[test]
    fn a_cleaned_workbook_reads_the_same_cells() {
        let original = fixture("journey.xls");
        let cleaned = clean(&original, &Limits::default()).unwrap();
        let (a, b) = (sheets(&original), sheets(&cleaned));
        assert_eq!(a.len(), 4);
        assert_eq!(a, b);
    }

    #[test]
    fn broken_containers_are_refused_not_followed() {
        let good = fixture("journey.xls");
        let sector = 512;
        // The first directory sector, and the FAT entry that continues its chain.
        let dir = u32_at(&good, 48).unwrap() as usize;
        let fat0 = u32_at(&good, 76).unwrap() as usize;
        let entry_at = sector + fat0 * sector + dir * 4;
        // A chain that loops back on itself.
        let mut looping = good.clone();
        looping[entry_at..entry_at + 4].copy_from_slice(&(dir as u32).to_le_bytes());
        // A chain that points past the end of the file.
        let mut past_end = good.clone();
        past_end[entry_at..entry_at + 4].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
        // A directory that starts past the end.
        let mut bad_start = good.clone();
        bad_start[48..52].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
        // Cut short.
        let short = good[..700].to_vec();
        for (what, bytes) in [
            ("looping", looping),
            ("past end", past_end),
            ("bad start", bad_start),
            ("short", short),
        ] {
            let err = clean(&bytes, &Limits::default()).unwrap_err();
            assert_eq!(err.code, Code::CorruptWorkbook, "{what}: {}", err.message);
        }
    }

    #[test]
    fn records_shorter_than_calamine_assumes_are_refused() {
        // A BOUNDSHEET record of 4 bytes: calamine reads bytes 4 and 5 of it.
        let mut stream = Vec::new();
        stream.extend(rec(BOF, &[0, 6, 5, 0]));
        stream.extend(rec(BOUNDSHEET, &[0, 0, 0, 0]));
        stream.extend(rec(EOF, &[]));
        let err = clean_stream(&stream, &Limits::default()).unwrap_err();
        assert_eq!(err.code, Code::CorruptWorkbook);
        // A FILEPASS record of any length: the workbook is encrypted.
        let mut stream = Vec::new();
        stream.extend(rec(BOF, &[0, 6, 5, 0]));
        stream.extend(rec(FILEPASS, &[]));
        let err = clean_stream(&stream, &Limits::default()).unwrap_err();
        assert_eq!(err.code, Code::EncryptedWorkbook);
        // A MULRK whose last column is before its first (calamine subtracts in 16 bits).
        let mut stream = Vec::new();
        stream.extend(rec(BOF, &[0, 6, 5, 0]));
        stream.extend(rec(BOUNDSHEET, &[0, 0, 0, 0, 0, 0, 1, 0, b'S']));
        stream.extend(rec(EOF, &[]));
        let at = stream.len() as u32;
        stream[12..16].copy_from_slice(&at.to_le_bytes());
        stream.extend(rec(BOF, &[0, 6, 0x10, 0]));
        stream.extend(rec(MULRK, &[0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 2, 0]));
        stream.extend(rec(EOF, &[]));
        let err = clean_stream(&stream, &Limits::default()).unwrap_err();
        assert!(err.message.contains("reversed"), "{}", err.message);
    }

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }
}
