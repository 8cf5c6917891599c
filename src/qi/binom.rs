//! The binomial quantile behind Anhøj's crossings rule: `qbinom(0.05, m, 0.5)`, the smallest
//! `x` with `P(X <= x) >= 0.05` for `X ~ Binomial(m, 1/2)`.
//!
//! This module owns that one computation. Up to `m = 123` it is exact integer arithmetic
//! (`20 · Σ C(m, k) >= 2^m` fits in a `u128`). Beyond that it sums probabilities computed with
//! Loader's saddle-point formula (the method of R's `dbinom`), accurate to about 1e-13
//! relative, near a normal-approximation start: a tie within that accuracy cannot occur,
//! because `2^m / 20` is never an integer. Time is O(√m).

/// `qbinom(0.05, m, 0.5)` as R computes it: the smallest `x` with `P(X <= x) >= 0.05`.
pub fn crossings_min(m: u64) -> u64 {
    if m <= EXACT_MAX {
        exact_q05(m)
    } else {
        float_q05(m)
    }
}

/// The largest `m` handled by exact integer arithmetic.
pub const EXACT_MAX: u64 = 123;

/// Exact: the smallest `x` with `20 · Σ_{k<=x} C(m, k) >= 2^m`.
pub fn exact_q05(m: u64) -> u64 {
    debug_assert!(m <= EXACT_MAX);
    let total: u128 = 1u128 << m;
    let mut c: u128 = 1; // C(m, 0)
    let mut sum: u128 = 0;
    for k in 0..=m {
        sum += c;
        if 20 * sum >= total {
            return k;
        }
        // C(m, k + 1) = C(m, k) · (m − k) / (k + 1); the product stays below 2^127.
        c = c * u128::from(m - k) / u128::from(k + 1);
    }
    m
}

/// Floating-point search for the same quantile (used for `m > 123`; public so that tests can
/// compare it with the exact path on small `m`).
pub fn float_q05(m: u64) -> u64 {
    if m == 0 {
        return 0;
    }
    let mf = m as f64;
    // Normal approximation to the 5% quantile, then step to the exact boundary.
    let start = (mf / 2.0 - 1.644_853_626_951_472_2 * mf.sqrt() / 2.0).floor();
    let mut x = start.clamp(0.0, mf) as u64;
    if cdf_half(x, m) >= 0.05 {
        while x > 0 && cdf_half(x - 1, m) >= 0.05 {
            x -= 1;
        }
    } else {
        while x < m && cdf_half(x, m) < 0.05 {
            x += 1;
        }
    }
    x
}

/// `P(X <= x)` for `X ~ Binomial(m, 1/2)`, summed downwards from `x` until the terms no
/// longer change the sum.
fn cdf_half(x: u64, m: u64) -> f64 {
    if x >= m {
        return 1.0;
    }
    let mf = m as f64;
    let mut term = pmf_half(x, m);
    let mut sum = term;
    let mut k = x;
    while k > 0 {
        // P(k − 1) = P(k) · k / (m − k + 1).
        term *= k as f64 / (mf - k as f64 + 1.0);
        let next = sum + term;
        if next == sum {
            break;
        }
        sum = next;
        k -= 1;
    }
    sum
}

/// `P(X = x)` for `X ~ Binomial(m, 1/2)` by Loader's saddle-point expansion
/// (C. Loader, "Fast and accurate computation of binomial probabilities", 2000).
fn pmf_half(x: u64, m: u64) -> f64 {
    let n = m as f64;
    if x == 0 || x == m {
        return libm::exp(-n * std::f64::consts::LN_2);
    }
    let xf = x as f64;
    let half = n / 2.0;
    let lc = stirlerr(n) - stirlerr(xf) - stirlerr(n - xf) - bd0(xf, half) - bd0(n - xf, half);
    let lf = libm::log(2.0 * std::f64::consts::PI) + libm::log(xf) + libm::log1p(-xf / n);
    libm::exp(lc - 0.5 * lf)
}

/// `ln(n!) − ((n + 1/2) ln n − n + ln √(2π))`, the error of Stirling's formula, for whole
/// numbers `n >= 1`.
fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        // n! is exact in f64 up to 15!, so the direct formula loses only a few ulps of ln n!.
        let mut fact = 1.0f64;
        let mut i = 2.0;
        while i <= n {
            fact *= i;
            i += 1.0;
        }
        return libm::log(fact) - (n + 0.5) * libm::log(n) + n
            - 0.5 * libm::log(2.0 * std::f64::consts::PI);
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// The deviance term `x ln(x / np) + np − x`, computed without cancellation when `x ≈ np`.
fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        s
    } else {
        x * libm::log(x / np) + np - x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_path_agrees_with_exact_path() {
        for m in 1..=EXACT_MAX {
            assert_eq!(float_q05(m), exact_q05(m), "m = {m}");
        }
    }

    #[test]
    fn large_sizes_match_exact_integer_arithmetic() {
        // Computed independently with Python's unbounded integers (the smallest x with
        // 20 * sum(C(m, k), k <= x) >= 2^m); every m from 124 to 3000 was compared too.
        let table: [(u64, u64); 20] = [
            (124, 53),
            (125, 53),
            (150, 65),
            (200, 88),
            (255, 114),
            (256, 115),
            (257, 115),
            (300, 136),
            (500, 232),
            (777, 366),
            (1000, 474),
            (1001, 474),
            (2047, 986),
            (2048, 987),
            (4096, 1995),
            (5000, 2442),
            (9999, 4917),
            (10000, 4918),
            (20000, 9884),
            (30001, 14858),
        ];
        for (m, x) in table {
            assert_eq!(crossings_min(m), x, "m = {m}");
        }
    }

    #[test]
    fn small_sizes() {
        // qbinom(0.05, 0, 0.5) = 0; for m = 4, P(X <= 0) = 1/16 >= 0.05.
        assert_eq!(crossings_min(0), 0);
        assert_eq!(crossings_min(4), 0);
        // m = 5: P(X <= 0) = 1/32 < 0.05 <= P(X <= 1) = 6/32.
        assert_eq!(crossings_min(5), 1);
    }
}
