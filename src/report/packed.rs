//! Values packed for the page: what [`serde_json`] would write, as `u32` words with every
//! string and every object's keys kept once in tables beside them, so that the web boundary
//! can hand a whole report's journeys to JavaScript as a few typed arrays and the page can
//! build each journey, exactly as `JSON.parse` of its JSON would, only when it is read.
//!
//! Writing JSON spends most of its time formatting numbers, escaping strings and writing every
//! key again for every object; packing does none of that, and the words (about a third of the
//! JSON's bytes) can leave wasm memory batch by batch (see [`Packer::take_words`]).
//!
//! # The format
//!
//! A value is one word, followed by the words of what it holds. The low three bits of a word
//! are its kind, the other 29 bits its payload (`word >> 3`):
//!
//! | kind | payload | value |
//! |---|---|---|
//! | 0 `INT` | a signed 29-bit integer (`(word as i32) >> 3`) | that number |
//! | 1 `STRING` | an index into the strings | that string |
//! | 2 `NUMBER` | an index into the numbers (`f64`) | that number |
//! | 3 `LIST` | a length `n` | a list of the `n` values that follow |
//! | 4 `OBJECT` | an index into the shapes (lists of key strings) | an object whose keys are the shape's, in order, each with the value that follows, in turn |
//! | 5 `CONSTANT` | 0, 1 or 2 | `null`, `false`, `true` |
//!
//! A date is written (see [`crate::date::iso`]) as its text inside a newtype struct named
//! [`crate::date::iso::NEWTYPE`], which other serializers pass through as the text alone. The
//! packer finds such a text's string in a map keyed by its ten bytes rather than among every
//! string: a report holds hundreds of thousands of dates but a few thousand days.
//!
//! Integers outside the 29 bits go to the numbers as `f64` (rounded to nearest, as
//! `JSON.parse` rounds their digits). Floats that are not finite are `null`, and `f32`s are the
//! `f64` of their shortest digits, both as `serde_json` writes them. Map keys are strings as
//! `serde_json` writes them (integers and booleans as their digits and words).
//!
//! The strings are one UTF-8 text with, for each string, where it ends counted in UTF-16 code
//! units (the positions JavaScript's `String.prototype.slice` takes once the whole text is
//! decoded); string 0 starts at 0 and string `i` at the end of string `i - 1`.

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::ser::{self, Serialize};
use std::fmt::{self, Display, Write as _};
use std::hash::BuildHasher;
use std::rc::Rc;

/// The kind of a word that is a small integer.
pub const INT: u32 = 0;
/// The kind of a word that is an index into the strings.
pub const STRING: u32 = 1;
/// The kind of a word that is an index into the numbers.
pub const NUMBER: u32 = 2;
/// The kind of a word that starts a list (the payload is its length).
pub const LIST: u32 = 3;
/// The kind of a word that starts an object (the payload is its shape).
pub const OBJECT: u32 = 4;
/// The kind of `null`, `false` and `true`.
pub const CONSTANT: u32 = 5;
/// `null`.
pub const NULL: u32 = CONSTANT;
/// `false`.
pub const FALSE: u32 = CONSTANT | 1 << 3;
/// `true`.
pub const TRUE: u32 = CONSTANT | 2 << 3;

/// Indexes and lengths must be below this to fit a word's 29 bits.
const PAYLOAD_LIMIT: u64 = 1 << 29;
/// The integers a word holds itself: `-2^28 ..= 2^28 - 1`.
const SMALL: i64 = 1 << 28;

/// Why values could not be packed (a table passed what a word can index, or a map key is
/// not one JSON can have).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError(String);

impl Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PackError {}

impl ser::Error for PackError {
    fn custom<T: Display>(msg: T) -> Self {
        PackError(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, PackError>;

fn too_many(what: &str) -> PackError {
    PackError(format!("too many {what} to pack (at most {PAYLOAD_LIMIT})"))
}

/// The tables every packed value refers to: see the [module's documentation](self).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PackedTables {
    /// Numbers that are not small integers. From a packer made by [`Packer::spilling`], only
    /// the last, those not handed to its [`Spill`].
    pub numbers: Vec<f64>,
    /// Every string, one after another, in UTF-8.
    pub strings: String,
    /// Where each string ends in `strings`, counted in UTF-16 code units. From a packer made
    /// by [`Packer::spilling`], only the last, those not handed to its [`Spill`].
    pub string_ends: Vec<u32>,
    /// Each shape's keys, as indexes into the strings.
    pub shapes: Vec<Vec<u32>>,
    /// Where each string ends in `strings`, in bytes.
    byte_ends: Vec<u32>,
}

impl PackedTables {
    /// String `index`.
    pub fn string(&self, index: u32) -> Option<&str> {
        let index = index as usize;
        let end = *self.byte_ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            _ => self.byte_ends[index - 1] as usize,
        };
        self.strings.get(start..end)
    }

    /// The shapes' keys as a JSON list of lists of strings (what the page parses once).
    pub fn shapes_json(&self) -> String {
        let keys: Vec<Vec<&str>> = self
            .shapes
            .iter()
            .map(|shape| {
                shape
                    .iter()
                    .map(|&k| self.string(k).unwrap_or_default())
                    .collect()
            })
            .collect();
        serde_json::to_string(&keys).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// The hash `Packer::string_ids` finds a string by (the same for the text looked up and for
/// the table's copy of it when the table grows).
fn text_hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// Where a packer's words, numbers and strings' ends go as they fill, so that they leave its
/// memory while it packs instead of at the end (see [`Packer::spilling`]). The web boundary
/// copies them out of wasm memory at once: wasm memory never shrinks, and the report's summary
/// alone is 4 MB of words and 2.7 MB of numbers for the benchmark's cohort, which grew in two
/// lists by doubling.
pub trait Spill {
    /// The next words of the value being packed ([`Packer::spill_words`]), in order.
    fn words(&mut self, words: &[u32]);
    /// Word `at` of the value being packed, counted from its first and among those already
    /// handed to [`Spill::words`], is `word`: a list's or object's first word, known only at
    /// its end.
    fn patch(&mut self, at: usize, word: u32);
    /// The next numbers of the tables, in order: a number's index counts every number before
    /// it, handed over or not.
    fn numbers(&mut self, numbers: &[f64]);
    /// Where the next strings end ([`PackedTables::string_ends`]), in order. The packer
    /// itself never reads them: it finds strings by their bytes.
    fn string_ends(&mut self, ends: &[u32]);
}

/// Packs values one after another into words, keeping the tables they share.
#[derive(Default)]
pub struct Packer<'s> {
    words: Vec<u32>,
    /// How many words of the value being packed were handed to `spill` before `words[0]`.
    words_left: usize,
    /// How many numbers were handed to `spill` before `tables.numbers[0]`.
    numbers_left: usize,
    /// Where numbers, and words while `words_spill` is set, go as they fill.
    spill: Option<&'s mut dyn Spill>,
    /// Whether words go to `spill` (see [`Packer::spill_words`]).
    words_spill: bool,
    /// Words handed to `spill` at a time.
    words_chunk: usize,
    /// Numbers, and strings' ends, handed to `spill` at a time.
    numbers_chunk: usize,
    tables: PackedTables,
    /// UTF-16 length of `tables.strings`.
    units: u64,
    /// Each string's id, found by the string's hash and compared with the text in
    /// `tables.strings` (so each string is held once, not again as a key).
    string_ids: HashTable<u32>,
    shape_ids: FxHashMap<Box<[u32]>, u32>,
    /// The keys of the objects being packed, innermost last.
    keys: Vec<u32>,
    /// Reused for `f32`s' digits.
    scratch: String,
    /// Reused for `collect_str` (dates and other values written with `Display`).
    written: Vec<u8>,
    /// Recently met strings by where they are in memory (see [`Packer::known`]).
    recent: Vec<Recent>,
    /// Each struct's last shape, by where its name is in memory.
    struct_shapes: FxHashMap<usize, StructShape>,
    /// Where the keys of the structs being packed are in memory (address and length), each
    /// struct's from its first key on, as `keys` holds their ids.
    key_places: Vec<(usize, usize)>,
    /// Set while a date's newtype struct is packed (its text is then looked up in `days`).
    date_next: bool,
    /// The string of each day met, by its text.
    days: FxHashMap<[u8; 10], u32>,
}

/// A struct's last shape, with where each of its keys is in memory and each key's id, in
/// order: a struct packed again with the same keys finds them, and its shape, without
/// looking anything up (see [`Compound::key`]).
#[derive(Clone, Debug)]
struct StructShape {
    shape: u32,
    keys: Rc<[(usize, usize, u32)]>,
}

/// A string met before: where it was, its length and its id.
#[derive(Clone, Copy, Debug, Default)]
struct Recent {
    at: usize,
    len: usize,
    id: u32,
}

/// Text written with `Display` into reused bytes: one byte at a time for ASCII, where
/// `String` would encode each character (dates are written a character or two at a time).
struct Written<'a>(&'a mut Vec<u8>);

impl fmt::Write for Written<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn write_char(&mut self, c: char) -> fmt::Result {
        if c.is_ascii() {
            self.0.push(c as u8);
        } else {
            self.0
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
        Ok(())
    }
}

/// The slots of `Packer::recent`, a power of two.
const RECENT: usize = 4096;

/// The slot of `Packer::recent` for a string at `at` of `len` bytes.
fn slot(at: usize, len: usize) -> usize {
    let mixed = (at as u64 ^ (len as u64).rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - RECENT.trailing_zeros())) as usize
}

impl fmt::Debug for Packer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Packer")
            .field("words", &self.words.len())
            .field("words_left", &self.words_left)
            .field("numbers_left", &self.numbers_left)
            .field("spills", &self.spill.is_some())
            .finish_non_exhaustive()
    }
}

impl Packer<'static> {
    pub fn new() -> Packer<'static> {
        Packer::default()
    }
}

impl<'s> Packer<'s> {
    /// A packer that hands its numbers and where its strings end to `spill` `numbers` at a
    /// time, and, between [`Packer::spill_words`] and [`Packer::stop_spilling_words`], its
    /// words `words` at a time. [`PackedTables::numbers`] and [`PackedTables::string_ends`]
    /// then hold only the last, those not handed over.
    pub fn spilling(spill: &'s mut dyn Spill, words: usize, numbers: usize) -> Packer<'s> {
        Packer {
            spill: Some(spill),
            words_chunk: words.max(1),
            numbers_chunk: numbers.max(1),
            ..Packer::default()
        }
    }

    /// Packs `value` after the words already packed and returns where its words start.
    pub fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<u32> {
        let start =
            u32::try_from(self.words_left + self.words.len()).map_err(|_| too_many("words"))?;
        value.serialize(&mut *self)?;
        Ok(start)
    }

    /// The words packed since the last [`Packer::take_words`], [`Packer::clear_words`] or
    /// [`Packer::spill_words`], less those handed to the spill.
    pub fn words(&self) -> &[u32] {
        &self.words
    }

    /// Empties the words (keeping their room and the tables), for the next batch of values:
    /// positions that [`Packer::push`] returns start again from 0.
    pub fn clear_words(&mut self) {
        self.words.clear();
        self.words_left = 0;
    }

    /// The words packed so far, leaving none.
    pub fn take_words(&mut self) -> Vec<u32> {
        self.words_left = 0;
        std::mem::take(&mut self.words)
    }

    /// From here on the words too go to the spill (of a packer made by [`Packer::spilling`])
    /// as they fill, from an empty start: positions that [`Packer::push`] returns start again
    /// from 0.
    pub fn spill_words(&mut self) {
        self.clear_words();
        self.words_spill = self.spill.is_some();
    }

    /// Hands the words not yet handed over to the spill, so that it holds all the words
    /// since [`Packer::spill_words`], then keeps the words again, from an empty start.
    pub fn stop_spilling_words(&mut self) {
        if self.words_spill {
            if let Some(spill) = self.spill.as_deref_mut() {
                spill.words(&self.words);
            }
        }
        self.words_spill = false;
        self.clear_words();
    }

    /// The tables of every value packed.
    pub fn finish(self) -> PackedTables {
        self.tables
    }

    /// Hands the words so far to the spill, while words spill and a chunk has filled.
    fn maybe_spill_words(&mut self) {
        if !self.words_spill || self.words.len() < self.words_chunk {
            return;
        }
        if let Some(spill) = self.spill.as_deref_mut() {
            spill.words(&self.words);
            self.words_left += self.words.len();
            self.words.clear();
        }
    }

    /// Sets word `at` of the value being packed (a list's or object's first), which may
    /// already have been handed to the spill. Run once for every list and object, so kept
    /// inline with its rare case out of line: a word that has left is below `words_left`,
    /// where the subtraction wraps to an index past the words.
    #[inline(always)]
    fn set_word(&mut self, at: usize, word: u32) {
        match self.words.get_mut(at.wrapping_sub(self.words_left)) {
            Some(w) => *w = word,
            None => self.patch(at, word),
        }
    }

    /// Word `at`, which has already left, follows it as a patch.
    #[cold]
    #[inline(never)]
    fn patch(&mut self, at: usize, word: u32) {
        if let Some(spill) = self.spill.as_deref_mut() {
            spill.patch(at, word);
        }
    }

    fn word(&mut self, kind: u32, payload: u64) -> Result<()> {
        if payload >= PAYLOAD_LIMIT {
            return Err(too_many(match kind {
                STRING => "strings",
                NUMBER => "numbers",
                LIST => "list elements",
                _ => "shapes",
            }));
        }
        self.words.push(kind | (payload as u32) << 3);
        Ok(())
    }

    /// Whether string `id` is `s`.
    fn same(&self, id: u32, s: &str) -> bool {
        self.tables.string(id) == Some(s)
    }

    fn string_id(&mut self, s: &str) -> Result<u32> {
        let hash = text_hash(s);
        if let Some(&id) = self.string_ids.find(hash, |&id| self.same(id, s)) {
            return Ok(id);
        }
        let id = self.tables.byte_ends.len() as u64;
        let units = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        self.units += units as u64;
        if id >= PAYLOAD_LIMIT || self.units > u64::from(u32::MAX) {
            return Err(too_many("strings"));
        }
        self.tables.strings.push_str(s);
        let bytes = u32::try_from(self.tables.strings.len()).map_err(|_| too_many("strings"))?;
        self.tables.byte_ends.push(bytes);
        self.tables.string_ends.push(self.units as u32);
        if self.tables.string_ends.len() >= self.numbers_chunk {
            if let Some(spill) = self.spill.as_deref_mut() {
                spill.string_ends(&self.tables.string_ends);
                self.tables.string_ends.clear();
            }
        }
        let tables = &self.tables;
        self.string_ids.insert_unique(hash, id as u32, |&id| {
            text_hash(tables.string(id).unwrap_or_default())
        });
        Ok(id as u32)
    }

    /// The id of `s`, from where it is in memory when it was met there before: keys, labels
    /// and IDs shared by many values are not hashed again. The text is compared, so a string
    /// now where another was before is still found by its text.
    fn known(&mut self, s: &str) -> Result<u32> {
        if self.recent.is_empty() {
            self.recent = vec![Recent::default(); RECENT];
        }
        let (at, len) = (s.as_ptr() as usize, s.len());
        let slot = slot(at, len);
        let recent = self.recent[slot];
        if recent.at == at && recent.len == len && self.same(recent.id, s) {
            return Ok(recent.id);
        }
        let id = self.string_id(s)?;
        self.recent[slot] = Recent { at, len, id };
        Ok(id)
    }

    /// The id of `s`, a string that lives as long as the program (a field's name, a
    /// variant's): where it is in memory says which string it is, with no need to compare.
    fn fixed(&mut self, s: &'static str) -> Result<u32> {
        if self.recent.is_empty() {
            self.recent = vec![Recent::default(); RECENT];
        }
        let (at, len) = (s.as_ptr() as usize, s.len());
        let slot = slot(at, len);
        let recent = self.recent[slot];
        // A string of the program's own is never where a string of the heap was, so an
        // entry for this place is for this text.
        if recent.at == at && recent.len == len {
            return Ok(recent.id);
        }
        let id = self.string_id(s)?;
        self.recent[slot] = Recent { at, len, id };
        Ok(id)
    }

    /// The id of a string written with `Display` (`value`): a date, mostly.
    fn by_text<T: Display + ?Sized>(&mut self, value: &T) -> Result<u32> {
        let mut bytes = std::mem::take(&mut self.written);
        bytes.clear();
        let _ = fmt::write(&mut Written(&mut bytes), format_args!("{value}"));
        let found = match std::str::from_utf8(&bytes) {
            Ok(text) => self.string_id(text),
            // Not possible (`Display` writes `str`s), but never trusted blindly.
            Err(_) => Err(PackError("a value wrote text that is not UTF-8".to_owned())),
        };
        self.written = bytes;
        found
    }

    fn string(&mut self, s: &str) -> Result<()> {
        let id = self.known(s)?;
        self.word(STRING, u64::from(id))
    }

    fn integer(&mut self, n: i128) -> Result<()> {
        if (-i128::from(SMALL)..i128::from(SMALL)).contains(&n) {
            self.words.push(INT | ((n as i32) << 3) as u32);
            Ok(())
        } else {
            self.number(n as f64)
        }
    }

    fn number(&mut self, x: f64) -> Result<()> {
        if !x.is_finite() {
            self.words.push(NULL);
            return Ok(());
        }
        let id = (self.numbers_left + self.tables.numbers.len()) as u64;
        self.tables.numbers.push(x);
        if self.tables.numbers.len() >= self.numbers_chunk {
            if let Some(spill) = self.spill.as_deref_mut() {
                spill.numbers(&self.tables.numbers);
                self.numbers_left += self.tables.numbers.len();
                self.tables.numbers.clear();
            }
        }
        self.word(NUMBER, id)
    }

    /// A placeholder for a list's or object's first word, filled in at its end.
    #[inline(always)]
    fn open(&mut self) -> usize {
        if self.words_spill {
            self.maybe_spill_words();
        }
        self.words.push(0);
        self.words_left + self.words.len() - 1
    }

    /// Closes the map or struct variant at `at`, whose keys start at `keys_from`.
    fn close_object(&mut self, at: usize, keys_from: usize) -> Result<()> {
        let shape = self.shape_id(keys_from)?;
        self.keys.truncate(keys_from);
        self.set_word(at, OBJECT | shape << 3);
        Ok(())
    }

    fn shape_id(&mut self, keys_from: usize) -> Result<u32> {
        let keys = &self.keys[keys_from..];
        if let Some(&id) = self.shape_ids.get(keys) {
            return Ok(id);
        }
        let id = self.tables.shapes.len() as u64;
        if id >= PAYLOAD_LIMIT {
            return Err(too_many("shapes"));
        }
        self.tables.shapes.push(keys.to_vec());
        self.shape_ids.insert(keys.into(), id as u32);
        Ok(id as u32)
    }

    /// An object of one key (an enum variant's name) whose value follows.
    fn variant_object(&mut self, variant: &'static str) -> Result<()> {
        let from = self.keys.len();
        let key = self.fixed(variant)?;
        self.keys.push(key);
        let shape = self.shape_id(from)?;
        self.keys.truncate(from);
        self.words.push(OBJECT | shape << 3);
        Ok(())
    }
}

/// A list or object being packed.
pub struct Compound<'a, 's> {
    packer: &'a mut Packer<'s>,
    /// The index of its first word.
    at: usize,
    /// A list's length so far; for an object, where its keys start in `Packer::keys`.
    count: usize,
    /// Where a struct's name is in memory; 0 for anything else.
    name: usize,
    /// For a struct: its last shape, while each key so far has been that shape's, in turn
    /// (those keys are then not pushed to `Packer::keys` and `Packer::key_places`).
    expected: Option<StructShape>,
    /// For a struct or struct variant: the keys so far.
    position: usize,
    /// For a struct: where its keys' places start in `Packer::key_places`.
    places_from: usize,
}

impl Compound<'_, '_> {
    fn close_list(self) -> Result<()> {
        if self.count as u64 >= PAYLOAD_LIMIT {
            return Err(too_many("list elements"));
        }
        self.packer
            .set_word(self.at, LIST | (self.count as u32) << 3);
        Ok(())
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.count += 1;
        value.serialize(&mut *self.packer)
    }

    /// A struct's or struct variant's key. While a struct's keys are where its last shape had
    /// them (the same `&'static str`s, in turn), nothing is looked up or kept; at the first
    /// that is not, the keys so far are kept from that shape and the rest looked up.
    fn key(&mut self, key: &'static str) -> Result<()> {
        let place = (key.as_ptr() as usize, key.len());
        if let Some(last) = &self.expected {
            if last
                .keys
                .get(self.position)
                .is_some_and(|&(at, len, _)| (at, len) == place)
            {
                self.position += 1;
                return Ok(());
            }
            self.keep_expected();
        }
        let id = self.packer.fixed(key)?;
        self.packer.keys.push(id);
        if self.name != 0 {
            self.packer.key_places.push(place);
        }
        self.position += 1;
        Ok(())
    }

    /// Stops expecting the struct's last shape, keeping the keys met so far (all that
    /// shape's, in turn) as if each had been looked up.
    fn keep_expected(&mut self) {
        if let Some(last) = self.expected.take() {
            for &(at, len, id) in &last.keys[..self.position] {
                self.packer.keys.push(id);
                self.packer.key_places.push((at, len));
            }
        }
    }

    /// Closes a struct: its last shape when every key was that shape's, in turn, and none
    /// is missing; otherwise the shape of its keys, kept as the struct's last.
    fn close_struct(mut self) -> Result<()> {
        let shape = match &self.expected {
            Some(last) if last.keys.len() == self.position => last.shape,
            _ => {
                self.keep_expected();
                let packer = &mut *self.packer;
                let shape = packer.shape_id(self.count)?;
                let keys = packer.key_places[self.places_from..]
                    .iter()
                    .zip(&packer.keys[self.count..])
                    .map(|(&(at, len), &id)| (at, len, id))
                    .collect();
                packer
                    .struct_shapes
                    .insert(self.name, StructShape { shape, keys });
                shape
            }
        };
        self.packer.keys.truncate(self.count);
        self.packer.key_places.truncate(self.places_from);
        self.packer.set_word(self.at, OBJECT | shape << 3);
        Ok(())
    }
}

impl<'s> Packer<'s> {
    fn list(&mut self) -> Compound<'_, 's> {
        let at = self.open();
        Compound {
            packer: self,
            at,
            count: 0,
            name: 0,
            expected: None,
            position: 0,
            places_from: 0,
        }
    }

    /// An object; `name` is a struct's name, `""` for a map or a struct variant.
    fn object(&mut self, name: &'static str) -> Compound<'_, 's> {
        let at = self.open();
        let count = self.keys.len();
        let name = if name.is_empty() {
            0
        } else {
            name.as_ptr() as usize
        };
        let expected = match name {
            0 => None,
            _ => self.struct_shapes.get(&name).cloned(),
        };
        let places_from = self.key_places.len();
        Compound {
            packer: self,
            at,
            count,
            name,
            expected,
            position: 0,
            places_from,
        }
    }
}

impl<'a, 's> ser::Serializer for &'a mut Packer<'s> {
    type Ok = ();
    type Error = PackError;
    type SerializeSeq = Compound<'a, 's>;
    type SerializeTuple = Compound<'a, 's>;
    type SerializeTupleStruct = Compound<'a, 's>;
    type SerializeTupleVariant = Compound<'a, 's>;
    type SerializeMap = Compound<'a, 's>;
    type SerializeStruct = Compound<'a, 's>;
    type SerializeStructVariant = Compound<'a, 's>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.words.push(if v { TRUE } else { FALSE });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<()> {
        self.integer(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<()> {
        self.integer(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<()> {
        self.integer(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<()> {
        self.integer(v.into())
    }

    fn serialize_i128(self, v: i128) -> Result<()> {
        self.integer(v)
    }

    fn serialize_u8(self, v: u8) -> Result<()> {
        self.integer(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<()> {
        self.integer(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<()> {
        self.integer(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<()> {
        self.integer(v.into())
    }

    fn serialize_u128(self, v: u128) -> Result<()> {
        match i128::try_from(v) {
            Ok(n) => self.integer(n),
            Err(_) => self.number(v as f64),
        }
    }

    fn serialize_f32(self, v: f32) -> Result<()> {
        if !v.is_finite() {
            return self.number(f64::NAN);
        }
        // serde_json writes an f32's shortest digits, which JSON.parse reads as an f64.
        let mut digits = std::mem::take(&mut self.scratch);
        digits.clear();
        let _ = write!(digits, "{v}");
        let x = digits.parse::<f64>().unwrap_or(f64::from(v));
        self.scratch = digits;
        self.number(x)
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        self.number(v)
    }

    fn serialize_char(self, v: char) -> Result<()> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<()> {
        if std::mem::take(&mut self.date_next) {
            if let Ok(key) = <[u8; 10]>::try_from(v.as_bytes()) {
                let id = match self.days.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = self.string_id(v)?;
                        self.days.insert(key, id);
                        id
                    }
                };
                return self.word(STRING, u64::from(id));
            }
        }
        self.string(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.word(LIST, v.len() as u64)?;
        self.words
            .extend(v.iter().map(|&b| INT | u32::from(b) << 3));
        Ok(())
    }

    fn serialize_none(self) -> Result<()> {
        self.words.push(NULL);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<()> {
        self.words.push(NULL);
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.words.push(NULL);
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        let id = self.fixed(variant)?;
        self.word(STRING, u64::from(id))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        if name == crate::date::iso::NEWTYPE {
            self.date_next = true;
            let packed = value.serialize(&mut *self);
            self.date_next = false;
            return packed;
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.variant_object(variant)?;
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 's>> {
        Ok(self.list())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, 's>> {
        Ok(self.list())
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, 's>> {
        Ok(self.list())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 's>> {
        self.variant_object(variant)?;
        Ok(self.list())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 's>> {
        Ok(self.object(""))
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'a, 's>> {
        Ok(self.object(name))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 's>> {
        self.variant_object(variant)?;
        Ok(self.object(""))
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<()> {
        let id = self.by_text(value)?;
        self.word(STRING, u64::from(id))
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.close_list()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.close_list()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.close_list()
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(self) -> Result<()> {
        self.close_list()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        let id = key.serialize(KeyPacker(self.packer))?;
        self.packer.keys.push(id);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.packer)
    }

    fn end(self) -> Result<()> {
        self.packer.close_object(self.at, self.count)
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.key(key)?;
        value.serialize(&mut *self.packer)
    }

    fn end(self) -> Result<()> {
        self.close_struct()
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.key(key)?;
        value.serialize(&mut *self.packer)
    }

    fn end(self) -> Result<()> {
        self.packer.close_object(self.at, self.count)
    }
}

/// A map key, which becomes a string as `serde_json` writes it: the string id.
struct KeyPacker<'a, 's>(&'a mut Packer<'s>);

fn key_must_be_a_string() -> PackError {
    PackError("a map key must be a string".to_owned())
}

impl KeyPacker<'_, '_> {
    fn display<T: Display>(self, value: T) -> Result<u32> {
        self.0.by_text(&value)
    }
}

impl ser::Serializer for KeyPacker<'_, '_> {
    type Ok = u32;
    type Error = PackError;
    type SerializeSeq = ser::Impossible<u32, PackError>;
    type SerializeTuple = ser::Impossible<u32, PackError>;
    type SerializeTupleStruct = ser::Impossible<u32, PackError>;
    type SerializeTupleVariant = ser::Impossible<u32, PackError>;
    type SerializeMap = ser::Impossible<u32, PackError>;
    type SerializeStruct = ser::Impossible<u32, PackError>;
    type SerializeStructVariant = ser::Impossible<u32, PackError>;

    fn serialize_bool(self, v: bool) -> Result<u32> {
        self.display(v)
    }

    fn serialize_i8(self, v: i8) -> Result<u32> {
        self.display(v)
    }

    fn serialize_i16(self, v: i16) -> Result<u32> {
        self.display(v)
    }

    fn serialize_i32(self, v: i32) -> Result<u32> {
        self.display(v)
    }

    fn serialize_i64(self, v: i64) -> Result<u32> {
        self.display(v)
    }

    fn serialize_i128(self, v: i128) -> Result<u32> {
        self.display(v)
    }

    fn serialize_u8(self, v: u8) -> Result<u32> {
        self.display(v)
    }

    fn serialize_u16(self, v: u16) -> Result<u32> {
        self.display(v)
    }

    fn serialize_u32(self, v: u32) -> Result<u32> {
        self.display(v)
    }

    fn serialize_u64(self, v: u64) -> Result<u32> {
        self.display(v)
    }

    fn serialize_u128(self, v: u128) -> Result<u32> {
        self.display(v)
    }

    fn serialize_f32(self, _v: f32) -> Result<u32> {
        Err(key_must_be_a_string())
    }

    fn serialize_f64(self, _v: f64) -> Result<u32> {
        Err(key_must_be_a_string())
    }

    fn serialize_char(self, v: char) -> Result<u32> {
        self.0.string_id(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<u32> {
        self.0.known(v)
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<u32> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<u32> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<u32> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<u32> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<u32> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<u32> {
        self.0.fixed(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<u32> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<u32> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<u32> {
        self.display(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Row {
        a: u8,
        b: &'static str,
        c: Vec<Option<bool>>,
        d: f64,
        e: i64,
        f: u64,
    }

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Wrapped(i32),
        Pair(u8, u8),
        Named { x: bool },
    }

    #[derive(Serialize)]
    struct Dated {
        #[serde(serialize_with = "crate::date::iso::serialize")]
        start: chrono::NaiveDate,
        #[serde(serialize_with = "crate::date::iso::option")]
        end: Option<chrono::NaiveDate>,
        text: &'static str,
    }

    #[test]
    fn dates_pack_as_the_strings_json_has() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a day");
        let mut packer = Packer::new();
        let dated = |start, end| Dated {
            start,
            end,
            // Text that reads as a date but is not one of the model's dates.
            text: "2021-03-04",
        };
        packer
            .push(&dated(day(2021, 3, 4), Some(day(9999, 12, 31))))
            .expect("packs");
        packer
            .push(&dated(day(0, 1, 1), Some(day(2021, 3, 4))))
            .expect("packs");
        // A year past 9999 is written by chrono ("+10000-01-01"), not among the days.
        packer.push(&dated(day(10_000, 1, 1), None)).expect("packs");
        // Strings in the order first met, a key then its value: start "2021-03-04" end
        // "9999-12-31" text, then "0000-01-01" and "+10000-01-01"; a day met again (as a
        // date or as the same text) is the same string.
        assert_eq!(
            packer.words(),
            &[
                4,          // object, shape 0 (start end text)
                1 | 1 << 3, // start: 2021-03-04
                1 | 3 << 3, // end: 9999-12-31
                1 | 1 << 3, // text: "2021-03-04", the same string
                4,
                1 | 5 << 3, // start: 0000-01-01
                1 | 1 << 3, // end: 2021-03-04 again
                1 | 1 << 3,
                4,
                1 | 6 << 3, // start: +10000-01-01
                5,          // end: null
                1 | 1 << 3,
            ]
        );
        let tables = packer.finish();
        assert_eq!(
            (0..7)
                .map(|i| tables.string(i).expect("a string"))
                .collect::<Vec<_>>(),
            [
                "start",
                "2021-03-04",
                "end",
                "9999-12-31",
                "text",
                "0000-01-01",
                "+10000-01-01"
            ]
        );
        // The same values as JSON: the dates are plain strings there.
        assert_eq!(
            serde_json::to_string(&dated(day(2021, 3, 4), None)).expect("JSON"),
            r#"{"start":"2021-03-04","end":null,"text":"2021-03-04"}"#
        );
    }

    #[derive(Serialize)]
    struct Sometimes {
        a: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        c: Option<Inner>,
    }

    #[derive(Serialize)]
    struct Inner {
        x: u8,
    }

    #[test]
    fn a_struct_whose_fields_come_and_go_has_the_shape_of_each_value() {
        let value = |b: Option<u8>, c: Option<u8>| Sometimes {
            a: 1,
            b,
            c: c.map(|x| Inner { x }),
        };
        let mut packer = Packer::new();
        // Keys by first meeting: a 0, b 1, c 2, x 3. Shapes are numbered as objects close,
        // so c's value (x) is shape 0 and the first a b c shape 1.
        for v in [
            value(Some(2), Some(3)), // a b c: shape 1 (c's value: shape 0, x)
            value(Some(2), Some(3)), // the same, found by the keys' places
            value(None, Some(3)),    // a c: shape 2 (a new key at the second place)
            value(Some(2), None),    // a b: shape 3 (the last shape's first key, then another)
            value(Some(2), None),    // a b again
            value(None, None),       // a: shape 4 (a key fewer than the last)
            value(Some(2), Some(3)), // a b c: shape 1 again
        ] {
            packer.push(&v).expect("packs");
        }
        let object = |shape: u32| 4 | shape << 3;
        let int = |n: u32| n << 3;
        let all = [object(1), int(1), int(2), object(0), int(3)];
        let a_b = [object(3), int(1), int(2)];
        let expected: Vec<u32> = [
            &all[..],
            &all,
            &[object(2), int(1), object(0), int(3)],
            &a_b,
            &a_b,
            &[object(4), int(1)],
            &all,
        ]
        .concat();
        assert_eq!(packer.words(), expected);
        let tables = packer.finish();
        assert_eq!(
            tables.shapes,
            [vec![3], vec![0, 1, 2], vec![0, 2], vec![0, 1], vec![0]]
        );
        assert_eq!(
            tables.shapes_json(),
            r#"[["x"],["a","b","c"],["a","c"],["a","b"],["a"]]"#
        );
    }

    #[test]
    fn a_struct_packs_as_worked_by_hand() {
        let row = Row {
            a: 1,
            b: "x",
            c: vec![Some(true), None],
            d: 2.5,
            e: -3,
            f: 1 << 28,
        };
        let mut packer = Packer::new();
        assert_eq!(packer.push(&row), Ok(0));
        // Strings in the order first met: a b x c d e f (a key, then its value).
        // Shape 0 is the keys a b c d e f = strings 0 1 3 4 5 6.
        let minus_three = (-3i32 << 3) as u32;
        assert_eq!(minus_three, 0xFFFF_FFE8);
        assert_eq!(
            packer.words(),
            &[
                4,           // object, shape 0
                1 << 3,      // a: the integer 1
                1 | 2 << 3,  // b: string 2 ("x")
                3 | 2 << 3,  // c: a list of 2
                5 | 2 << 3,  //    true
                5,           //    null
                2,           // d: number 0 (2.5)
                minus_three, // e: the integer -3
                2 | 1 << 3,  // f: 2^28 does not fit 29 signed bits: number 1
            ]
        );
        // The same shape again, after the first value's words.
        assert_eq!(packer.push(&row), Ok(9));
        assert_eq!(packer.words()[9], 4);
        let tables = packer.finish();
        assert_eq!(tables.numbers, [2.5, 268_435_456.0, 2.5, 268_435_456.0]);
        assert_eq!(tables.strings, "abxcdef");
        assert_eq!(tables.string_ends, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(tables.shapes, [vec![0, 1, 3, 4, 5, 6]]);
        assert_eq!(tables.string(2), Some("x"));
        assert_eq!(tables.shapes_json(), r#"[["a","b","c","d","e","f"]]"#);
    }

    #[test]
    fn the_largest_small_integers_stay_in_their_word() {
        let mut packer = Packer::new();
        packer
            .push(&[(1i64 << 28) - 1, -(1i64 << 28), -(1i64 << 28) - 1])
            .unwrap();
        // 2^28 - 1 shifted left by 3 is 0x7FFF_FFF8; -2^28 is 0x8000_0000.
        assert_eq!(packer.words(), &[3 | 3 << 3, 0x7FFF_FFF8, 0x8000_0000, 2]);
        assert_eq!(packer.finish().numbers, [-268_435_457.0]);
    }

    #[test]
    fn strings_end_where_javascript_counts_and_repeat_as_one() {
        let mut packer = Packer::new();
        // "é" is 2 bytes and 1 UTF-16 unit, "😀" 4 bytes and 2 units (a surrogate pair).
        packer.push(&["é", "😀", "é", "z"]).unwrap();
        assert_eq!(packer.words(), &[3 | 4 << 3, 1, 1 | 1 << 3, 1, 1 | 2 << 3]);
        let tables = packer.finish();
        assert_eq!(tables.string_ends, [1, 3, 4]);
        assert_eq!(tables.strings.len(), 7);
        assert_eq!(tables.string(1), Some("😀"));
        assert_eq!(tables.string(2), Some("z"));
        assert_eq!(tables.string(3), None);
    }

    #[test]
    fn numbers_follow_what_serde_json_writes() {
        let mut packer = Packer::new();
        // Not finite: null. An f32 is the f64 of its shortest digits (0.1, not 0.100000001…).
        packer
            .push(&(f64::NAN, f64::INFINITY, 0.1f32, -0.0f64, u64::MAX))
            .unwrap();
        assert_eq!(
            packer.words(),
            &[3 | 5 << 3, 5, 5, 2, 2 | 1 << 3, 2 | 2 << 3]
        );
        let numbers = packer.finish().numbers;
        assert_eq!(numbers[0], 0.1f64);
        assert!(numbers[1] == 0.0 && numbers[1].is_sign_negative());
        assert_eq!(numbers[2], 18_446_744_073_709_551_616.0);
    }

    #[test]
    fn variants_and_map_keys_are_as_in_json() {
        let mut packer = Packer::new();
        let kinds = [
            Kind::Plain,
            Kind::Wrapped(7),
            Kind::Pair(1, 2),
            Kind::Named { x: false },
        ];
        packer.push(&kinds).unwrap();
        // "Plain"; {"Wrapped": 7}; {"Pair": [1, 2]}; {"Named": {"x": false}}.
        assert_eq!(
            packer.words(),
            &[
                3 | 4 << 3,
                1, // string 0, "Plain"
                4, // shape 0: ["Wrapped"]
                7 << 3,
                4 | 1 << 3, // shape 1: ["Pair"]
                3 | 2 << 3,
                1 << 3,
                2 << 3,
                4 | 2 << 3, // shape 2: ["Named"]
                4 | 3 << 3, // shape 3: ["x"]
                5 | 1 << 3, // false
            ]
        );
        packer.clear_words();
        let mut map = BTreeMap::new();
        map.insert(10u32, "ten");
        map.insert(2u32, "two");
        assert_eq!(packer.push(&map), Ok(0));
        // Integer keys are their digits; BTreeMap order is numeric (2 before 10).
        let tables_words = packer.words().to_vec();
        let tables = packer.finish();
        let shape = (tables_words[0] >> 3) as usize;
        let keys: Vec<_> = tables.shapes[shape]
            .iter()
            .map(|&k| tables.string(k).unwrap())
            .collect();
        assert_eq!(keys, ["2", "10"]);
        assert_eq!(tables.string(tables_words[1] >> 3), Some("two"));
        assert_eq!(tables.string(tables_words[2] >> 3), Some("ten"));
    }

    #[test]
    fn a_float_map_key_is_refused() {
        let mut map = BTreeMap::new();
        map.insert(1u8, 2u8);
        let mut packer = Packer::new();
        assert!(packer.push(&map).is_ok());
        #[derive(Serialize)]
        struct Odd(#[serde(serialize_with = "float_key")] ());
        fn float_key<S: serde::Serializer>(_: &(), s: S) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = s.serialize_map(Some(1))?;
            map.serialize_entry(&1.5f64, &1)?;
            map.end()
        }
        assert_eq!(
            packer.push(&Odd(())),
            Err(PackError("a map key must be a string".to_owned()))
        );
    }

    /// What a spill is handed, in the order it is handed.
    #[derive(Debug, Default, PartialEq)]
    struct Handed {
        words: Vec<Vec<u32>>,
        patches: Vec<(usize, u32)>,
        numbers: Vec<Vec<f64>>,
        string_ends: Vec<Vec<u32>>,
    }

    impl Spill for Handed {
        fn words(&mut self, words: &[u32]) {
            self.words.push(words.to_vec());
        }
        fn patch(&mut self, at: usize, word: u32) {
            self.patches.push((at, word));
        }
        fn numbers(&mut self, numbers: &[f64]) {
            self.numbers.push(numbers.to_vec());
        }
        fn string_ends(&mut self, ends: &[u32]) {
            self.string_ends.push(ends.to_vec());
        }
    }

    #[test]
    fn spilled_words_leave_a_chunk_at_a_time_and_their_heads_follow_as_patches() {
        // [[1, 2], [3]] is LIST 2, LIST 2, 1, 2, LIST 1, 3. A chunk of one word: the packer
        // looks at each list's start, so the outer list's placeholder leaves alone (before
        // the first inner list), then the first inner list whole (before the second), then
        // the second (before the tuple below), then the tuple when spilling stops. Only the
        // outer list's head had left before its end.
        let list = |n: u32| LIST | n << 3;
        let int = |n: u32| INT | n << 3;
        let mut handed = Handed::default();
        let mut packer = Packer::spilling(&mut handed, 1, 3);
        packer.spill_words();
        assert_eq!(packer.push(&vec![vec![1u8, 2], vec![3]]).unwrap(), 0);
        // Numbers leave three at a time: 0.5, 1.5 and 2.5 together; 3.5, below, stays.
        let second = packer.push(&(0.5f64, 1.5f64, 2.5f64)).unwrap();
        assert_eq!(second, 6, "positions count the words handed over");
        packer.stop_spilling_words();
        assert!(packer.words().is_empty());
        // After spilling stops the words are kept again, counted from 0.
        assert_eq!(packer.push(&3.5f64).unwrap(), 0);
        assert_eq!(packer.words(), &[NUMBER | 3 << 3]);
        let tables = packer.finish();
        assert_eq!(tables.numbers, vec![3.5], "only the numbers kept");
        let number = |i: u32| NUMBER | i << 3;
        assert_eq!(
            handed,
            Handed {
                words: vec![
                    vec![0],
                    vec![list(2), int(1), int(2)],
                    vec![list(1), int(3)],
                    vec![list(3), number(0), number(1), number(2)],
                ],
                patches: vec![(0, list(2))],
                numbers: vec![vec![0.5, 1.5, 2.5]],
                string_ends: vec![],
            }
        );
    }

    #[test]
    fn strings_ends_leave_a_chunk_at_a_time_and_their_strings_are_still_found() {
        // Chunks of two: "x" ends at 1 and "yy" at 3, which leave together; "x" again is
        // found by its bytes (still kept) as string 0; "zzz" ends at 6 and "é" (one UTF-16
        // unit) at 7, and leave together.
        let mut handed = Handed::default();
        let mut packer = Packer::spilling(&mut handed, 100, 2);
        packer.push(&["x", "yy", "x", "zzz", "é"]).unwrap();
        let string = |i: u32| STRING | i << 3;
        assert_eq!(
            packer.words(),
            &[
                LIST | 5 << 3,
                string(0),
                string(1),
                string(0),
                string(2),
                string(3)
            ]
        );
        let tables = packer.finish();
        assert!(tables.string_ends.is_empty(), "every end handed over");
        assert_eq!(
            tables.strings, "xyyzzzé",
            "the bytes stay for finding strings"
        );
        assert_eq!(tables.string(3), Some("é"));
        assert_eq!(handed.string_ends, vec![vec![1, 3], vec![6, 7]]);
        assert!(handed.words.is_empty(), "words spill only when asked");
    }

    #[test]
    fn a_packer_that_spills_nothing_keeps_its_words_and_numbers() {
        // A spilling packer whose chunks never fill hands nothing over until spilling stops,
        // and its numbers stay in its tables. Chunks are not made ahead, so the largest size
        // costs nothing.
        let mut handed = Handed::default();
        let mut packer = Packer::spilling(&mut handed, usize::MAX, usize::MAX);
        packer.spill_words();
        packer.push(&(1u8, 0.25f64)).unwrap();
        packer.stop_spilling_words();
        let tables = packer.finish();
        assert_eq!(tables.numbers, vec![0.25]);
        assert_eq!(
            handed.words,
            vec![vec![LIST | 2 << 3, INT | 1 << 3, NUMBER]]
        );
        assert!(handed.patches.is_empty() && handed.numbers.is_empty());
    }
}
