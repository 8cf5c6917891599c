//! Stable sorts for the cold paths (charts, tables, breakdowns, importers' rare lists), all
//! through one sort.
//!
//! Each `slice::sort_by` call site with its own comparator is its own copy of the standard
//! library's stable sort in the wasm, about 5 kB each (the page's wasm held 38 of them before
//! this module; with their unstable cousins, 234 kB). These functions sort a list of places (`usize`) instead, with
//! the comparator behind a `dyn` reference, so that every caller shares one copy, and then
//! move the elements to their places. The order is exactly `slice::sort_by`'s: a stable sort
//! of the places by their elements keeps equal elements in the order they were in.
//!
//! Each comparison is an indirect call, and the places take a `usize` per element, so the
//! hot sorts (a child's records, the load's grouping by child, a sheet's cells) keep the
//! standard library's own. `clippy.toml` disallows the standard library's stable sorts in the
//! library, so that a new call site comes here unless it says why it should not.

use std::cmp::Ordering;

/// Sorts `v` stably by `compare`, exactly as `v.sort_by(compare)` does.
pub fn stable_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut places = sorted_places(v.len(), &mut |a, b| compare(&v[a], &v[b]));
    permute(v, &mut places);
}

/// Sorts `v` stably by the key `key` gives each element, exactly as `v.sort_by_key(key)`.
pub fn stable_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    stable_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably by the key `key` gives each element, each key worked out once, exactly as
/// `v.sort_by_cached_key(key)` (which sorts equal keys stably too).
pub fn stable_by_cached_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    if v.len() < 2 {
        return;
    }
    let keys: Vec<K> = v.iter().map(key).collect();
    let mut places = sorted_places(v.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    drop(keys);
    permute(v, &mut places);
}

/// Sorts `v` stably, exactly as `v.sort()`.
pub fn stable<T: Ord>(v: &mut [T]) {
    stable_by(v, T::cmp);
}

/// The places `0..len` in the order `compare` gives them, equal places in their first order:
/// the one stable sort every caller shares.
#[inline(never)]
fn sorted_places(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut places: Vec<usize> = (0..len).collect();
    #[allow(clippy::disallowed_methods)]
    places.sort_by(|&a, &b| compare(a, b));
    places
}

/// Moves the elements so that place `i` holds what was at `places[i]`, cycle by cycle;
/// `places` is left as `0, 1, 2, …`.
fn permute<T>(v: &mut [T], places: &mut [usize]) {
    for start in 0..places.len() {
        let mut current = start;
        while places[current] != start {
            let next = places[current];
            v.swap(current, next);
            places[current] = current;
            current = next;
        }
        places[current] = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs sorted by their first value only: equal firsts must keep their order.
    #[test]
    fn equal_keys_keep_their_order_as_the_standard_sort_does() {
        let v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (3, 'f')];
        let mut ours = v.clone();
        stable_by_key(&mut ours, |p| p.0);
        assert_eq!(
            ours,
            vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c'), (3, 'f')]
        );
        let mut descending = v;
        stable_by(&mut descending, |a, b| b.0.cmp(&a.0));
        assert_eq!(
            descending,
            vec![(3, 'a'), (3, 'c'), (3, 'f'), (2, 'd'), (1, 'b'), (1, 'e')]
        );
    }

    /// Every arrangement of a list with repeats, against `sort_by`: a permutation with
    /// cycles of every length (and fixed points) is moved correctly.
    #[test]
    fn every_arrangement_of_six_sorts_as_sort_by_does() {
        let items = [(2, 0), (0, 1), (2, 2), (1, 3), (0, 4), (5, 5)];
        let mut arrangement: Vec<usize> = (0..items.len()).collect();
        let mut count = 0;
        loop {
            let v: Vec<(i32, i32)> = arrangement.iter().map(|&i| items[i]).collect();
            let mut expected = v.clone();
            #[allow(clippy::disallowed_methods)]
            expected.sort_by_key(|p| p.0);
            let mut ours = v;
            stable_by_key(&mut ours, |p| p.0);
            assert_eq!(ours, expected, "arrangement {arrangement:?}");
            count += 1;
            if !next_arrangement(&mut arrangement) {
                break;
            }
        }
        assert_eq!(count, 720);
    }

    /// Keys worked out once each, and equal keys in their first order, as
    /// `sort_by_cached_key` gives.
    #[test]
    fn cached_keys_are_worked_out_once_and_sort_as_sort_by_cached_key_does() {
        let words = [
            "delta", "Alpha", "charlie", "bravo", "alpha", "Charlie", "echo",
        ];
        let mut calls = 0;
        let mut ours = words.to_vec();
        stable_by_cached_key(&mut ours, |w| {
            calls += 1;
            w.to_lowercase()
        });
        assert_eq!(calls, words.len());
        assert_eq!(
            ours,
            ["Alpha", "alpha", "bravo", "charlie", "Charlie", "delta", "echo"]
        );
    }

    #[test]
    fn strings_sort_as_sort_does_and_short_lists_are_left_alone() {
        let mut names = vec![
            "pear".to_owned(),
            "apple".into(),
            "fig".into(),
            "apple".into(),
        ];
        stable(&mut names);
        assert_eq!(names, ["apple", "apple", "fig", "pear"]);
        let mut one = vec![7];
        stable(&mut one);
        assert_eq!(one, [7]);
        let mut none: Vec<u8> = Vec::new();
        stable(&mut none);
        assert!(none.is_empty());
    }

    /// The next arrangement in lexicographic order, or `false` after the last.
    fn next_arrangement(a: &mut [usize]) -> bool {
        let Some(i) = (1..a.len()).rev().find(|&i| a[i - 1] < a[i]) else {
            return false;
        };
        let j = (i..a.len()).rev().find(|&j| a[j] > a[i - 1]).unwrap_or(i);
        a.swap(i - 1, j);
        a[i..].reverse();
        true
    }
}
