//! Characters that do not show: Unicode's control (Cc) and format (Cf) characters, such as
//! the right-to-left override U+202E, the zero-width space U+200B, the bell `\x07` or the
//! escape `\x1b` that starts a terminal's control sequences. In an ID they make one child's
//! ID look like another's (`K02-` U+202E `05000` displays as `K02-00050`); in a chart they reverse a
//! title or make the SVG malformed; on a terminal they run commands of its own.
//!
//! This module owns what counts as hidden, its visible form (`⟨U+202E⟩`), and the form two
//! IDs are compared in to find look-alikes. The importers make every ID and label visible as
//! they read it (and report it, naming the row and column); the CSV writer, the chart painter
//! and the command line's messages make any other text visible as a safety net.

use std::borrow::Cow;
use unicode_normalization::char::{canonical_combining_class, compose, decompose_canonical};
use unicode_normalization::{is_nfc_quick, IsNormalized};

/// Whether `c` is a control (Cc) or format (Cf) character (Unicode 15.1).
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{ad}'
        | '\u{600}'..='\u{605}'
        | '\u{61c}'
        | '\u{6dd}'
        | '\u{70f}'
        | '\u{890}'..='\u{891}'
        | '\u{8e2}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}'
        | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}'
        | '\u{e0020}'..='\u{e007f}')
}

/// Whether `c` is hidden and not a tab or line break (which free text such as a note may
/// hold).
pub fn is_hidden_in_text(c: char) -> bool {
    is_hidden(c) && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether `text` holds a hidden character; a fast test on plain ASCII.
pub fn has_hidden(text: &str) -> bool {
    let plain = |b: &u8| (0x20..0x7f).contains(b);
    !text.as_bytes().iter().all(plain) && text.chars().any(is_hidden)
}

/// `c` as it is shown: `⟨U+202E⟩`.
pub fn code_point(c: char) -> String {
    format!("⟨U+{:04X}⟩", u32::from(c))
}

/// `text` with every character for which `hidden` holds written as `⟨U+XXXX⟩`.
fn shown_by(text: &str, hidden: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&code_point(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every hidden character written visibly (`⟨U+202E⟩`): for IDs and labels.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !has_hidden(text) {
        return Cow::Borrowed(text);
    }
    shown_by(text, is_hidden)
}

/// `text` with every hidden character but tabs and line breaks written visibly: for free
/// text, and for what the command line prints to a terminal (no escape sequence gets through).
pub fn visible_text(text: &str) -> Cow<'_, str> {
    if !has_hidden(text) {
        return Cow::Borrowed(text);
    }
    shown_by(text, is_hidden_in_text)
}

/// The hidden characters in `text`, each once, in order of first appearance.
pub fn hidden_in(text: &str, hidden: impl Fn(char) -> bool) -> Vec<char> {
    let mut found: Vec<char> = Vec::new();
    for c in text.chars().filter(|&c| hidden(c)) {
        if !found.contains(&c) {
            found.push(c);
        }
    }
    found
}

/// A hidden character's name, for the common ones.
pub fn name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{0}' => "null",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\t' => "tab",
        '\n' => "line feed",
        '\r' => "carriage return",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        '\u{ad}' => "soft hyphen",
        '\u{200b}' => "zero-width space",
        '\u{200c}' => "zero-width non-joiner",
        '\u{200d}' => "zero-width joiner",
        '\u{200e}' => "left-to-right mark",
        '\u{200f}' => "right-to-left mark",
        '\u{202a}' => "left-to-right embedding",
        '\u{202b}' => "right-to-left embedding",
        '\u{202c}' => "pop directional formatting",
        '\u{202d}' => "left-to-right override",
        '\u{202e}' => "right-to-left override",
        '\u{2060}' => "word joiner",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        '\u{feff}' => "zero-width no-break space",
        _ => return None,
    })
}

/// The characters as a message lists them: `U+202E (right-to-left override)`.
pub fn describe(chars: &[char]) -> String {
    chars
        .iter()
        .map(|&c| match name(c) {
            Some(n) => format!("U+{:04X} ({n})", u32::from(c)),
            None => format!("U+{:04X}", u32::from(c)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` in Unicode's composed form (NFC), so that an accented letter typed as one character
/// or as a letter and an accent is the same. Plain ASCII is returned as it is, at once.
pub fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(text);
    }
    Cow::Owned(compose_canonical(text))
}

/// NFC built from the crate's canonical character functions, as its `nfc()` iterator builds
/// it: each character decomposed canonically, each run of combining marks put in canonical
/// order (stably, by combining class), then each mark composed with the last starter unless
/// a mark of the same or a higher class, or a starter, stands between them. The iterator
/// chooses canonical or compatibility decomposition at run time, so it brought the
/// compatibility tables (about 55 kB of the page's wasm) that NFC never reads.
fn compose_canonical(text: &str) -> String {
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        decompose_canonical(c, |d| chars.push(d));
    }
    let mut i = 0;
    while i < chars.len() {
        if canonical_combining_class(chars[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && canonical_combining_class(chars[i]) != 0 {
            i += 1;
        }
        crate::sort::stable_by_key(&mut chars[start..i], |&c| canonical_combining_class(c));
    }
    let mut out = String::with_capacity(text.len());
    // The last starter (as composed so far), the marks after it that did not compose, and
    // the class of the last of them.
    let mut starter: Option<char> = None;
    let mut marks: Vec<char> = Vec::new();
    let mut last_class: Option<u8> = None;
    for c in chars {
        let class = canonical_combining_class(c);
        let Some(base) = starter else {
            if class == 0 {
                starter = Some(c);
            } else {
                out.push(c);
            }
            continue;
        };
        let blocked = last_class.is_some_and(|last| last >= class);
        if let Some(composed) = compose(base, c).filter(|_| !blocked) {
            starter = Some(composed);
        } else if class == 0 {
            out.push(base);
            out.extend(marks.drain(..));
            starter = Some(c);
            last_class = None;
        } else {
            marks.push(c);
            last_class = Some(class);
        }
    }
    out.extend(starter);
    out.extend(marks);
    out
}

/// `text` with every `⟨U+XXXX⟩` that writes a hidden character turned back into the
/// character; other text that only resembles the form is kept as it is.
fn unshown(text: &str) -> Cow<'_, str> {
    if !text.contains("⟨U+") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("⟨U+") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "⟨U+".len()..];
        let hidden = after.find('⟩').and_then(|end| {
            let hex = &after[..end];
            let ok = (4..=6).contains(&end) && hex.bytes().all(|b| b.is_ascii_hexdigit());
            let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
            c.filter(|&c| ok && is_hidden(c)).map(|c| (c, end))
        });
        match hidden {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + '⟩'.len_utf8()..];
            }
            None => {
                out.push_str("⟨U+");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `text` composed (NFC) and without its hidden characters.
fn plain_look(text: &str) -> String {
    let mut out = text.to_string();
    out.retain(|c| !is_hidden(c));
    nfc(&out).into_owned()
}

/// What an ID looks like: composed (NFC), without its hidden characters, whether raw or
/// already written visibly as `⟨U+XXXX⟩`. Two different IDs that look alike are reported.
pub fn look(text: &str) -> String {
    plain_look(&unshown(text))
}

/// Whether `c` opens a right-to-left run: the override (RLO), the embedding (RLE) or the
/// isolate (RLI).
fn opens_rtl(c: char) -> bool {
    matches!(c, '\u{202e}' | '\u{202b}' | '\u{2067}')
}

/// Whether `c` closes a run: pop directional formatting (PDF) or isolate (PDI).
fn closes_run(c: char) -> bool {
    matches!(c, '\u{202c}' | '\u{2069}')
}

/// `run` as a right-to-left run shows it. Under an override (RLO) every character is shown
/// right to left, so the run is reversed. Under an embedding or isolate (RLE, RLI), Latin
/// letters and digits keep their own left-to-right order within a word or number, but the
/// words, numbers and the characters between them are shown right to left: the order of
/// those pieces is reversed. (A simplification of Unicode's bidirectional algorithm for
/// IDs, which hold no right-to-left letters of their own; it errs towards reporting.)
fn shown_rtl(run: &[char], overridden: bool) -> Vec<char> {
    if overridden {
        return run.iter().rev().copied().collect();
    }
    let mut pieces: Vec<&[char]> = Vec::new();
    let mut start = 0;
    for i in 1..=run.len() {
        let split = i == run.len() || !(run[i].is_alphanumeric() && run[i - 1].is_alphanumeric());
        if split {
            pieces.push(&run[start..i]);
            start = i;
        }
    }
    pieces.into_iter().rev().flatten().copied().collect()
}

/// `text` in the order it is displayed, when a right-to-left override, embedding or
/// isolate (RLO, RLE, RLI) makes the run after it, up to its PDF or PDI or the end, show in
/// another order than it is written; `None` when nothing changes the order.
/// `K02-` U+202E `05000` is displayed as `K02-00050`.
fn displayed(text: &str) -> Option<String> {
    if !text.chars().any(opens_rtl) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !opens_rtl(c) {
            out.push(c);
            i += 1;
            continue;
        }
        // The run up to the matching close: openers inside it nest.
        let mut depth = 0usize;
        let mut end = chars.len();
        for (j, &d) in chars.iter().enumerate().skip(i + 1) {
            if opens_rtl(d) || matches!(d, '\u{202a}' | '\u{202d}' | '\u{2066}' | '\u{2068}') {
                depth += 1;
            } else if closes_run(d) {
                if depth == 0 {
                    end = j;
                    break;
                }
                depth -= 1;
            }
        }
        let run = &chars[i + 1..end];
        out.extend(shown_rtl(run, c == '\u{202e}'));
        i = end;
    }
    Some(out.into_iter().collect())
}

/// The forms two IDs are compared in to find look-alikes: [`look`], and, when a
/// right-to-left character changes the order the ID is displayed in, the displayed form as
/// well (so `K02-⟨U+202E⟩05000` is compared both as `K02-05000` and as `K02-00050`).
pub fn looks(text: &str) -> Vec<String> {
    let raw = unshown(text);
    let mut out = vec![plain_look(&raw)];
    if let Some(shown) = displayed(&raw) {
        let shown = plain_look(&shown);
        if !out.contains(&shown) {
            out.push(shown);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn nfc_composes_accents_hangul_and_marks_in_canonical_order() {
        // e + combining acute is é (U+00E9); already composed text is kept.
        assert_eq!(nfc("Ame\u{301}lie"), "Am\u{e9}lie");
        assert_eq!(nfc("Am\u{e9}lie"), "Am\u{e9}lie");
        // Hangul jamo ᄀ ᅡ ᆨ compose to the syllable 각 (U+AC01).
        assert_eq!(nfc("\u{1100}\u{1161}\u{11a8}"), "\u{ac01}");
        // a, dot below (class 220) and circumflex (class 230) in either order is ậ (U+1EAD):
        // the marks are ordered by class, then a + dot below is ạ (U+1EA1), then ậ.
        assert_eq!(nfc("a\u{302}\u{323}"), "\u{1ead}");
        assert_eq!(nfc("a\u{323}\u{302}"), "\u{1ead}");
        // Two acutes (both class 230): the first composes with a (á, U+00E1); á has no
        // composition with an acute, so the second stays a mark.
        assert_eq!(nfc("a\u{301}\u{301}"), "\u{e1}\u{301}");
        // A mark with no starter before it stays where it is.
        assert_eq!(nfc("\u{301}e\u{301}"), "\u{301}\u{e9}");
        // Ångström sign (U+212B) is canonically Å (U+00C5): a singleton, decomposed and
        // recomposed to the letter.
        assert_eq!(nfc("\u{212b}"), "\u{c5}");
        // A compatibility character is not changed by NFC: ﬁ (U+FB01) stays a ligature.
        assert_eq!(nfc("\u{fb01}"), "\u{fb01}");
    }

    proptest! {
        /// The same as the crate's own `nfc()` iterator on text mixing letters, combining
        /// marks of several classes, Hangul jamo and syllables, and singletons.
        #[test]
        fn nfc_is_the_crates_nfc(chars in proptest::collection::vec(prop_oneof![
            proptest::char::range('a', 'z'),
            proptest::char::range('\u{c0}', '\u{17f}'),
            proptest::char::range('\u{300}', '\u{36f}'),
            proptest::char::range('\u{591}', '\u{5c7}'),
            proptest::char::range('\u{1100}', '\u{11ff}'),
            proptest::char::range('\u{ac00}', '\u{ac40}'),
            proptest::char::range('\u{1e00}', '\u{1eff}'),
            proptest::char::range('\u{2000}', '\u{2200}'),
            proptest::char::range('\u{f900}', '\u{fb4f}'),
            proptest::char::any(),
        ], 0..12)) {
            let text: String = chars.into_iter().collect();
            let expected: String = text.nfc().collect();
            prop_assert_eq!(nfc(&text).into_owned(), expected);
        }
    }

    #[test]
    fn hidden_characters_are_shown_by_their_code_point() {
        assert_eq!(visible("K02-\u{202e}05000"), "K02-⟨U+202E⟩05000");
        assert_eq!(visible("K02-000\u{200b}51"), "K02-000⟨U+200B⟩51");
        assert_eq!(visible("a\u{7}b\u{1b}]0;x"), "a⟨U+0007⟩b⟨U+001B⟩]0;x");
        assert_eq!(visible("tab\there"), "tab⟨U+0009⟩here");
        assert_eq!(
            visible_text("two\nlines\t\u{1b}[31m"),
            "two\nlines\t⟨U+001B⟩[31m"
        );
        assert_eq!(visible("\u{e0041}"), "⟨U+E0041⟩");
        // Nothing hidden: the same text, not copied.
        assert!(matches!(visible("Foster care é"), Cow::Borrowed(_)));
        // Visible characters that are not Cc or Cf stay: a no-break space, Arabic, emoji.
        assert_eq!(visible("a\u{a0}b ق 😀"), "a\u{a0}b ق 😀");
    }

    #[test]
    fn look_alikes_look_the_same() {
        assert_eq!(look("K02-000\u{200b}51"), "K02-00051");
        assert_eq!(look(&visible("K02-000\u{200b}51")), "K02-00051");
        assert_eq!(look("K02-⟨U+202E⟩05000"), "K02-05000");
        // A decomposed é (e and a combining accent) looks like the composed one.
        assert_eq!(look("Ame\u{301}lie"), "Amélie");
        // Text that only resembles the visible form is kept.
        assert_eq!(look("⟨U+XYZ⟩"), "⟨U+XYZ⟩");
        assert_eq!(look("⟨U+"), "⟨U+");
    }

    #[test]
    fn a_right_to_left_override_is_compared_as_displayed() {
        // K, 0, 2, -, then U+202E: "05000" after it is shown right to left, "00050".
        assert_eq!(looks("K02-\u{202e}05000"), ["K02-05000", "K02-00050"]);
        assert_eq!(looks("K02-⟨U+202E⟩05000"), ["K02-05000", "K02-00050"]);
        // Up to the PDF (U+202C) only: "12" reversed is "21", "x" after it stays.
        assert_eq!(looks("A\u{202e}12\u{202c}x"), ["A12x", "A21x"]);
        // An embedding (RLE) keeps a number's digits in order but reverses the pieces:
        // "05-7" is shown "7-05".
        assert_eq!(looks("K\u{202b}05-7"), ["K05-7", "K7-05"]);
        // A zero-width space changes nothing's order: one form only.
        assert_eq!(looks("K02-000\u{200b}51"), ["K02-00051"]);
        assert_eq!(looks("K02-00050"), ["K02-00050"]);
        // A left-to-right override changes nothing either.
        assert_eq!(looks("K02-\u{202d}05000"), ["K02-05000"]);
        // An override whose run reads the same both ways: one form.
        assert_eq!(looks("K\u{202e}010"), ["K010"]);
    }

    #[test]
    fn describes_the_characters() {
        assert_eq!(
            describe(&hidden_in("a\u{202e}b\u{202e}\u{1b}", is_hidden)),
            "U+202E (right-to-left override), U+001B (escape)"
        );
    }
}
