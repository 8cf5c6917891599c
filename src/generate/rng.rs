//! Seeded pseudo-random numbers and the one distribution shape the generator uses.
//!
//! This module owns the PRNG (xoshiro256++ seeded through SplitMix64) and [`Spread`], a
//! piecewise-linear distribution given by a few quantiles. It knows nothing about children.
//! Nothing here reads the clock or any thread-local state, and no transcendental function is
//! used, so a seed gives the same numbers on every platform (native and wasm alike).

/// One SplitMix64 step: advances `state` and returns a well-mixed 64-bit value.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small, fast, seedable generator (xoshiro256++).
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// An independent stream for one (`seed`, `stream`, `index`) triple: each child gets its
    /// own streams, so a child's journey does not depend on how many children come before it.
    pub(crate) fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut state = seed;
        let base = splitmix64(&mut state);
        let mut state = base
            ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03)
            ^ index.wrapping_mul(0xA24B_AED4_963E_E407);
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = splitmix64(&mut state);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform number in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in [0, n); 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `p` (clamped to [0, 1]).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index chosen with the given (not necessarily normalised) weights.
    pub(crate) fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// One item of a non-empty slice, uniformly.
    pub(crate) fn choose<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u64) as usize;
        &items[i.min(items.len() - 1)]
    }
}

/// A duration distribution in days, given by its minimum, median, 90th percentile and
/// maximum: the quantile function is linear between those points, so half the values lie
/// between `min` and `p50`, 40% between `p50` and `p90`, and the long tail up to `max` holds
/// the last 10%. Easy to read, easy to document, and exactly reproducible.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub min: f64,
    pub p50: f64,
    pub p90: f64,
    pub max: f64,
}

impl Spread {
    /// A spread from its four quantiles in days.
    pub const fn days(min: f64, p50: f64, p90: f64, max: f64) -> Spread {
        Spread { min, p50, p90, max }
    }

    /// The value at quantile `u` in [0, 1].
    pub fn quantile(&self, u: f64) -> f64 {
        if u < 0.5 {
            self.min + (self.p50 - self.min) * (u / 0.5)
        } else if u < 0.9 {
            self.p50 + (self.p90 - self.p50) * ((u - 0.5) / 0.4)
        } else {
            self.p90 + (self.max - self.p90) * ((u - 0.9) / 0.1)
        }
    }

    /// A draw in whole days, scaled by `factor` (1.0 for none), never negative.
    pub(crate) fn sample(&self, rng: &mut Rng, factor: f64) -> i64 {
        let x = self.quantile(rng.unit()) * factor;
        // Non-negative, so truncation rounds to nearest.
        (x.max(0.0) + 0.5) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_and_repeat() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(1, 0, 0).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = Rng::new(1, 0, 0);
        let mut y = Rng::new(1, 0, 1);
        let mut z = Rng::new(2, 0, 0);
        let (xs, ys, zs): (Vec<_>, Vec<_>, Vec<_>) = (0..8)
            .map(|_| (x.next_u64(), y.next_u64(), z.next_u64()))
            .fold((vec![], vec![], vec![]), |mut acc, (a, b, c)| {
                acc.0.push(a);
                acc.1.push(b);
                acc.2.push(c);
                acc
            });
        assert_ne!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn unit_and_below_stay_in_range_and_look_uniform() {
        let mut r = Rng::new(42, 1, 2);
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let b = r.below(10);
            assert!(b < 10);
            counts[b as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "bucket count {c}");
        }
    }

    #[test]
    fn spread_quantiles_are_the_given_points() {
        let s = Spread::days(10.0, 50.0, 90.0, 200.0);
        assert_eq!(s.quantile(0.0), 10.0);
        assert_eq!(s.quantile(0.5), 50.0);
        assert_eq!(s.quantile(0.9), 90.0);
        assert!((s.quantile(1.0) - 200.0).abs() < 1e-9);
        let mut r = Rng::new(3, 0, 0);
        let mut draws: Vec<i64> = (0..20_001).map(|_| s.sample(&mut r, 1.0)).collect();
        draws.sort_unstable();
        let median = draws[10_000];
        assert!((47..=53).contains(&median), "median {median}");
        let p90 = draws[18_000];
        assert!((86..=94).contains(&p90), "p90 {p90}");
    }
}
