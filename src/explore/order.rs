//! The order and paging of the page's tables: sort keys with missing values last in either
//! direction, natural order for IDs ("C2" before "C10"), and pages of at most [`MAX_PAGE`]
//! rows.
//!
//! This module owns those rules and nothing else: which column maps to which key is the
//! caller's (`rows.rs` for the children, `mod.rs` for the problems).

use std::cmp::Ordering;

/// The most rows one page of a table may hold.
pub const MAX_PAGE: usize = 1000;

/// A sortable value; missing values sort last in either direction.
#[derive(Clone, Debug, PartialEq)]
pub enum SortKey {
    Num(i64),
    Text(String),
    /// Text compared with runs of digits as numbers.
    Natural(String),
    Missing,
}

impl SortKey {
    /// Text compared without regard to case, or missing.
    pub fn text(value: Option<&str>) -> SortKey {
        value.map_or(SortKey::Missing, |t| SortKey::Text(t.to_lowercase()))
    }

    fn compare(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Natural(a), SortKey::Natural(b)) => natural_cmp(a, b),
            (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
            (SortKey::Missing, _) => Ordering::Greater,
            (_, SortKey::Missing) => Ordering::Less,
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortKey::Num(_) => 0,
            SortKey::Text(_) => 1,
            SortKey::Natural(_) => 2,
            SortKey::Missing => 3,
        }
    }
}

/// Sorts `order` (indices into `keys`) stably by `keys[index]`, missing values last either
/// way. An empty `column` keeps the input order (reversed when `descending`).
pub fn sort_indices(order: &mut [usize], keys: &[SortKey], column: &str, descending: bool) {
    if !column.is_empty() {
        sort_by_keys(order, keys, descending);
    } else if descending {
        order.reverse();
    }
}

/// A stable sort of `order` by `keys[index]`, missing values last either way.
pub fn sort_by_keys(order: &mut [usize], keys: &[SortKey], descending: bool) {
    let missing = SortKey::Missing;
    crate::sort::stable_by(order, |&a, &b| {
        let (ka, kb) = (
            keys.get(a).unwrap_or(&missing),
            keys.get(b).unwrap_or(&missing),
        );
        match (ka, kb) {
            (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
            (SortKey::Missing, _) => Ordering::Greater,
            (_, SortKey::Missing) => Ordering::Less,
            _ if descending => kb.compare(ka),
            _ => ka.compare(kb),
        }
    });
}

/// Compares text with each run of ASCII digits read as a number ("c2" < "c10"; "c02" and
/// "c2" are equal as numbers, and then compare by what follows).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[zeros.min(digits.len().saturating_sub(1))..]
}

/// The part of `order` one page shows: from `offset` (clamped to the end), at least one and
/// at most [`MAX_PAGE`] rows.
pub fn page(order: &[usize], offset: usize, limit: usize) -> &[usize] {
    let start = offset.min(order.len());
    let end = start
        .saturating_add(limit.clamp(1, MAX_PAGE))
        .min(order.len());
    &order[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_reads_digit_runs_as_numbers() {
        // Each pair is in order: digits compare by value, then letters by byte.
        let ordered = [
            ("c2", "c10"),
            ("c9", "c10"),
            ("c10", "c10a"),
            ("a", "b"),
            ("c1x", "c2"),
            ("c010", "c11"),
            ("", "0"),
        ];
        for (a, b) in ordered {
            assert_eq!(natural_cmp(a, b), Ordering::Less, "{a} < {b}");
            assert_eq!(natural_cmp(b, a), Ordering::Greater, "{b} > {a}");
        }
        assert_eq!(natural_cmp("c02", "c2"), Ordering::Equal);
        let mut ids = ["c10", "c1", "c2", "c100", "b7"];
        #[allow(clippy::disallowed_methods)]
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["b7", "c1", "c2", "c10", "c100"]);
    }

    #[test]
    fn missing_values_sort_last_in_either_direction() {
        // Rows 0..4 with keys 5, missing, 1, 3: ascending 2 (1), 3 (3), 0 (5), then 1;
        // descending 0, 3, 2, then 1 still last.
        let keys = [
            SortKey::Num(5),
            SortKey::Missing,
            SortKey::Num(1),
            SortKey::Num(3),
        ];
        let mut order = vec![0, 1, 2, 3];
        sort_indices(&mut order, &keys, "col", false);
        assert_eq!(order, [2, 3, 0, 1]);
        sort_indices(&mut order, &keys, "col", true);
        assert_eq!(order, [0, 3, 2, 1]);
        // No column: the input order, or its reverse.
        let mut order = vec![0, 1, 2, 3];
        sort_indices(&mut order, &keys, "", true);
        assert_eq!(order, [3, 2, 1, 0]);
    }

    #[test]
    fn sorting_is_stable_among_equal_keys() {
        let keys = [
            SortKey::text(Some("North")),
            SortKey::text(Some("south")),
            SortKey::text(Some("north")),
        ];
        let mut order = vec![0, 1, 2];
        sort_by_keys(&mut order, &keys, false);
        assert_eq!(order, [0, 2, 1], "case is ignored; 0 stays before 2");
    }

    #[test]
    fn pages_are_clamped() {
        let order: Vec<usize> = (0..2500).collect();
        let cases = [
            // (offset, limit) → (first, length)
            ((0, 10), (0, 10)),
            ((2495, 10), (2495, 5)),
            ((9999, 10), (2500, 0)),
            ((0, 0), (0, 1)),
            ((0, 5000), (0, MAX_PAGE)),
        ];
        for ((offset, limit), (first, len)) in cases {
            let p = page(&order, offset, limit);
            assert_eq!(p.len(), len, "{offset} {limit}");
            if len > 0 {
                assert_eq!(p[0], first);
            }
        }
    }
}
