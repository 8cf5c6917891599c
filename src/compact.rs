//! Numbers that may be missing, kept in half an `Option`'s bytes and serialized exactly as
//! the `Option` was: [`Maybe`] for an `i32` or `u32` (four bytes, not eight), [`MaybeF64`]
//! for an `f64` (eight, not sixteen). A session keeps a stage row for every stage of every
//! care period (267,905 for 63,400 children), a band point for every event time of every
//! stage and group, a placement for every row of the placements table and a row of the
//! children table for every child, so the bytes of each optional field count. The model,
//! the statistics and the explorer all use them, so they live at the crate's root.

use serde::{Serialize, Serializer};
use std::fmt;

/// A whole number type with a value no figure of Driftline's can take (no stage lasts four
/// billion days, no child is two billion months old), which [`Maybe`] uses for none.
pub trait Sentinel: Copy + Eq {
    const NONE: Self;
}

impl Sentinel for i32 {
    const NONE: i32 = i32::MIN;
}

impl Sentinel for u32 {
    const NONE: u32 = u32::MAX;
}

/// An optional `i32` or `u32` in four bytes, written and read as an `Option` (`null` when
/// missing): serde sees exactly what it saw of the `Option`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Maybe<T: Sentinel>(T);

impl<T: Sentinel> Maybe<T> {
    /// No value.
    pub const NONE: Maybe<T> = Maybe(T::NONE);

    /// `value`, or none. The type's extreme value (`i32::MIN`, `u32::MAX`) cannot be kept and
    /// reads as none; no figure comes near it.
    pub fn new(value: Option<T>) -> Maybe<T> {
        Maybe(value.unwrap_or(T::NONE))
    }

    pub fn get(self) -> Option<T> {
        (self.0 != T::NONE).then_some(self.0)
    }

    pub fn is_none(&self) -> bool {
        self.0 == T::NONE
    }
}

impl<T: Sentinel> Default for Maybe<T> {
    fn default() -> Self {
        Maybe::NONE
    }
}

impl<T: Sentinel> From<Option<T>> for Maybe<T> {
    fn from(value: Option<T>) -> Self {
        Maybe::new(value)
    }
}

impl<T: Sentinel + fmt::Debug> fmt::Debug for Maybe<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl<T: Sentinel + Serialize> Serialize for Maybe<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

/// An optional `f64` in eight bytes rather than sixteen, NaN standing for none: written as
/// the `Option` was (`null` when missing; serde_json and the packer write a NaN as `null`
/// too, so a value that was NaN reads the same).
#[derive(Clone, Copy, PartialEq)]
pub struct MaybeF64(f64);

impl MaybeF64 {
    pub const NONE: MaybeF64 = MaybeF64(f64::NAN);

    pub fn new(value: Option<f64>) -> MaybeF64 {
        MaybeF64(value.unwrap_or(f64::NAN))
    }

    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }
}

impl From<Option<f64>> for MaybeF64 {
    fn from(value: Option<f64>) -> Self {
        MaybeF64::new(value)
    }
}

impl fmt::Debug for MaybeF64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl Serialize for MaybeF64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_maybe_is_four_bytes_and_reads_and_writes_as_its_option() {
        assert_eq!(std::mem::size_of::<Maybe<i32>>(), 4);
        assert_eq!(std::mem::size_of::<Option<i32>>(), 8);
        for value in [
            None,
            Some(0),
            Some(-5),
            Some(240),
            Some(i32::MAX),
            Some(i32::MIN + 1),
        ] {
            let kept = Maybe::new(value);
            assert_eq!(kept.get(), value);
            assert_eq!(kept.is_none(), value.is_none());
            assert_eq!(
                serde_json::to_string(&kept).unwrap(),
                serde_json::to_string(&value).unwrap()
            );
            assert_eq!(format!("{kept:?}"), format!("{value:?}"));
        }
        for value in [None, Some(0u32), Some(89), Some(u32::MAX - 1)] {
            let kept = Maybe::from(value);
            assert_eq!(kept.get(), value);
            assert_eq!(
                serde_json::to_string(&kept).unwrap(),
                serde_json::to_string(&value).unwrap()
            );
        }
        // The sentinels themselves cannot be kept.
        assert_eq!(Maybe::new(Some(i32::MIN)).get(), None);
        assert_eq!(Maybe::new(Some(u32::MAX)).get(), None);
        assert_eq!(Maybe::<u32>::default().get(), None);
    }

    #[test]
    fn a_maybe_f64_is_eight_bytes_and_writes_as_its_option() {
        assert_eq!(std::mem::size_of::<MaybeF64>(), 8);
        // A band's bounds: `[lower, upper]` as a tuple of options and as a pair of these.
        let pairs = [
            (None, None),
            (Some(1.0), Some(1.0)),
            (Some(0.25), None),
            (Some(-0.0), Some(0.987_654_321)),
        ];
        for (lower, upper) in pairs {
            let kept = [MaybeF64::new(lower), MaybeF64::new(upper)];
            assert_eq!((kept[0].get(), kept[1].get()), (lower, upper));
            assert_eq!(
                serde_json::to_string(&kept).unwrap(),
                serde_json::to_string(&(lower, upper)).unwrap()
            );
        }
        // A NaN was written as `null` before, and still is.
        assert_eq!(
            serde_json::to_string(&MaybeF64::new(Some(f64::NAN))).unwrap(),
            "null"
        );
        assert_eq!(serde_json::to_string(&Some(f64::NAN)).unwrap(), "null");
    }
}
