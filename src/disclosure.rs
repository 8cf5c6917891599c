//! Statistical disclosure control: making a table of counts about children safe to share.
//!
//! Official statistics about children never publish small counts: a count of 1 to 4 in a
//! breakdown can identify a child to anyone who knows the family. This module owns the rules
//! that the "for sharing" exports apply, and nothing else: it works over plain counts and the
//! additive relations between them (a group's cells sum to the table's total), knows nothing
//! about children, stages or files, and imports nothing from the crate.
//!
//! The rules follow the Government Statistical Service's *Disclosure Control Guidance for
//! Tables Produced from Administrative Sources* (GSS/GSR, 2014), as the Department for
//! Education applies it to children looked after statistics, and the Analysis Function's
//! guidance on symbols in tables (`[c]` for a value withheld as confidential):
//!
//! 1. **Primary suppression.** A count of 1 to `min_count − 1` (1–4 by default) is withheld.
//!    Zero is shown: a zero says that nobody in the group has the attribute, which the guidance
//!    treats as disclosive only for attributes a group could be assumed to share, and none of
//!    Driftline's counts (children starting, completing or waiting in a stage) is such.
//! 2. **Secondary suppression.** A withheld cell must not be recoverable from the cells that
//!    are shown. For every relation `total = part₁ + … + partₙ` with exactly one withheld cell,
//!    a second cell of that relation is withheld too: the smallest non-zero part (a zero part
//!    cannot hide anything, and a total is kept shown where a part can be withheld instead).
//!    Single relations are not the whole story, since two relations can together pin a cell
//!    that neither pins alone; so after the greedy pass every withheld cell is checked against
//!    the whole system of relations (Gaussian elimination over the withheld cells, the test
//!    the `GaussSuppression` R package is named after), and where one is still determined,
//!    another cell of one of its relations is withheld, until none is.
//! 3. **Rounding.** Where the user chooses, every count still shown is rounded to the nearest
//!    multiple of `round_to` (5 by default; halves round up), totals independently of their
//!    parts, so rounded parts need not add up to the rounded total.
//! 4. **Statistics of small groups.** A median, mean or other figure about a group of fewer
//!    than `min_group` children (5 by default) is withheld.
//!
//! Where this departs from the guidance: the guidance leaves the choice between suppression
//! and rounding to the producer and warns that rounding alone can be undone by differencing;
//! here rounding is only ever applied on top of suppression, never instead of it.

use serde::Serialize;

/// The thresholds of the "for sharing" mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// Counts from 1 to `min_count − 1` are withheld (5: counts of 1–4).
    pub min_count: u64,
    /// Round the counts still shown to a multiple of this (`None`: shown exactly).
    pub round_to: Option<u64>,
    /// Withhold a statistic (a median, a mean) of a group of fewer children than this.
    pub min_group: u64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_count: 5,
            round_to: None,
            min_group: 5,
        }
    }
}

/// The symbol shown in place of a withheld value (the Analysis Function's "confidential").
pub const WITHHELD: &str = "[c]";

/// A table of counts with the additive relations between its cells. Cells are addressed by
/// their index in `counts`; how they are laid out on a page is the caller's business.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountTable {
    pub counts: Vec<u64>,
    pub relations: Vec<Relation>,
}

/// `counts[total] = Σ counts[parts]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// What a protected table shows in one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "shown", rename_all = "snake_case")]
pub enum Shown {
    /// The count (rounded if the rules say so).
    Count { value: u64 },
    /// Withheld because the count is small.
    Primary,
    /// Withheld so that another withheld count cannot be worked out from the totals.
    Secondary,
}

impl Shown {
    /// Whether the cell is withheld.
    pub fn is_withheld(self) -> bool {
        !matches!(self, Shown::Count { .. })
    }

    /// The count shown, if any.
    pub fn value(self) -> Option<u64> {
        match self {
            Shown::Count { value } => Some(value),
            _ => None,
        }
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Count { value } => write!(f, "{value}"),
            Shown::Primary | Shown::Secondary => f.write_str(WITHHELD),
        }
    }
}

impl CountTable {
    /// A grid of `rows × columns` counts (row-major) where, in every column, the rows
    /// `parts` sum to the row `total`: a breakdown's groups and the row for everyone.
    pub fn grid(
        counts: Vec<u64>,
        columns: usize,
        total_row: usize,
        part_rows: &[usize],
    ) -> CountTable {
        let relations = (0..columns)
            .map(|c| Relation {
                total: total_row * columns + c,
                parts: part_rows.iter().map(|&r| r * columns + c).collect(),
            })
            .collect();
        CountTable { counts, relations }
    }
}

/// Protects `table` by the rules: which cells are withheld, and the (rounded) value of the rest.
/// A relation whose indices are out of range is ignored rather than trusted.
pub fn protect(table: &CountTable, rules: &Rules) -> Vec<Shown> {
    let n = table.counts.len();
    let relations: Vec<&Relation> = table
        .relations
        .iter()
        .filter(|r| r.total < n && r.parts.iter().all(|&p| p < n))
        .collect();
    let mut state: Vec<State> = table
        .counts
        .iter()
        .map(|&v| {
            if v > 0 && v < rules.min_count {
                State::Primary
            } else {
                State::Shown
            }
        })
        .collect();

    loop {
        let mut changed = false;
        // Greedy pass: no relation may have exactly one withheld cell.
        for relation in &relations {
            let cells = relation_cells(relation);
            let withheld = cells.iter().filter(|&&c| state[c] != State::Shown).count();
            if withheld == 1 {
                if let Some(c) = complement(&cells, relation.total, &table.counts, &state) {
                    state[c] = State::Secondary;
                    changed = true;
                }
            }
        }
        if changed {
            continue;
        }
        // Whole-system check: a withheld cell that the relations still pin down.
        let Some(pinned) = determined(&relations, &state).into_iter().next() else {
            break;
        };
        // Withhold another cell of a relation holding it; if all of those are withheld
        // already, the cell is pinned through other relations, so withhold the smallest cell
        // shown in any relation that holds a withheld cell.
        let candidates = |holds: &dyn Fn(&[usize]) -> bool| {
            relations
                .iter()
                .map(|r| (r, relation_cells(r)))
                .filter(|(_, cells)| holds(cells))
                .filter_map(|(r, cells)| complement(&cells, r.total, &table.counts, &state))
                .min_by_key(|&c| (table.counts[c] == 0, table.counts[c], c))
        };
        let choice = candidates(&|cells| cells.contains(&pinned))
            .or_else(|| candidates(&|cells| cells.iter().any(|&c| state[c] != State::Shown)));
        match choice {
            Some(c) => state[c] = State::Secondary,
            // Every cell of every relation is withheld: nothing can be pinned any more.
            None => break,
        }
    }

    table
        .counts
        .iter()
        .zip(&state)
        .map(|(&v, s)| match s {
            State::Primary => Shown::Primary,
            State::Secondary => Shown::Secondary,
            State::Shown => Shown::Count {
                value: round(v, rules.round_to),
            },
        })
        .collect()
}

/// Whether a statistic of a group of `children` may be shown.
pub fn statistic_allowed(children: u64, rules: &Rules) -> bool {
    children >= rules.min_group
}

/// `value` rounded to the nearest multiple of `to` (halves up); unchanged without `to`.
pub fn round(value: u64, to: Option<u64>) -> u64 {
    match to {
        Some(to) if to > 1 => (value + to / 2) / to * to,
        _ => value,
    }
}

/// The withheld cells that the shown cells and the relations determine exactly (by linear
/// algebra over the relations, ignoring that counts are non-negative whole numbers). A
/// protected table has none; exported for tests and for callers that build their own
/// relations.
pub fn recoverable(table: &CountTable, shown: &[Shown]) -> Vec<usize> {
    let n = table.counts.len();
    let relations: Vec<&Relation> = table
        .relations
        .iter()
        .filter(|r| r.total < n && r.parts.iter().all(|&p| p < n))
        .collect();
    let state: Vec<State> = shown
        .iter()
        .map(|s| {
            if s.is_withheld() {
                State::Secondary
            } else {
                State::Shown
            }
        })
        .collect();
    determined(&relations, &state)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Shown,
    Primary,
    Secondary,
}

fn relation_cells(relation: &Relation) -> Vec<usize> {
    let mut cells = Vec::with_capacity(relation.parts.len() + 1);
    cells.push(relation.total);
    cells.extend_from_slice(&relation.parts);
    cells
}

/// The cell to withhold beside a relation's one withheld cell: the smallest non-zero part
/// still shown, else the total, else a zero part.
fn complement(cells: &[usize], total: usize, counts: &[u64], state: &[State]) -> Option<usize> {
    let shown = |c: &&usize| state[**c] == State::Shown;
    cells
        .iter()
        .filter(shown)
        .filter(|&&c| c != total && counts[c] > 0)
        .min_by_key(|&&c| (counts[c], c))
        .or_else(|| cells.iter().filter(shown).find(|&&c| c == total))
        .or_else(|| cells.iter().find(|c| shown(c)))
        .copied()
}

/// The withheld cells that the relations determine: cell `i` is determined exactly when the
/// unit vector `eᵢ` lies in the row space of the relations restricted to the withheld cells,
/// which in reduced row echelon form means some row is exactly `eᵢ`.
fn determined(relations: &[&Relation], state: &[State]) -> Vec<usize> {
    let withheld: Vec<usize> = (0..state.len())
        .filter(|&c| state[c] != State::Shown)
        .collect();
    if withheld.is_empty() {
        return Vec::new();
    }
    let column_of = |cell: usize| withheld.binary_search(&cell).ok();
    let width = withheld.len();
    // Each relation as a row over the withheld cells: total − Σ parts = (shown terms).
    let mut rows: Vec<Vec<i64>> = Vec::new();
    for relation in relations {
        let mut row = vec![0i64; width];
        if let Some(c) = column_of(relation.total) {
            row[c] += 1;
        }
        for &p in &relation.parts {
            if let Some(c) = column_of(p) {
                row[c] -= 1;
            }
        }
        if row.iter().any(|&x| x != 0) {
            rows.push(row);
        }
    }
    let rref = reduced_row_echelon(rows, width);
    let mut pinned: Vec<usize> = rref
        .iter()
        .filter_map(|row| {
            let mut nonzero = row.iter().enumerate().filter(|(_, x)| !x.is_zero());
            let (c, _) = nonzero.next()?;
            nonzero.next().is_none().then_some(withheld[c])
        })
        .collect();
    pinned.sort_unstable();
    pinned
}

/// An exact rational (numerator, positive denominator), enough for elimination over small
/// integer matrices without rounding error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ratio(i128, i128);

impl Ratio {
    fn new(n: i128, d: i128) -> Ratio {
        let g = gcd(n.unsigned_abs(), d.unsigned_abs()).max(1) as i128;
        let s = if d < 0 { -1 } else { 1 };
        Ratio(s * n / g, s * d / g)
    }
    fn is_zero(&self) -> bool {
        self.0 == 0
    }
    fn sub(self, o: Ratio) -> Ratio {
        Ratio::new(self.0 * o.1 - o.0 * self.1, self.1 * o.1)
    }
    fn mul(self, o: Ratio) -> Ratio {
        Ratio::new(self.0 * o.0, self.1 * o.1)
    }
    fn div(self, o: Ratio) -> Ratio {
        Ratio::new(self.0 * o.1, self.1 * o.0)
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn reduced_row_echelon(rows: Vec<Vec<i64>>, width: usize) -> Vec<Vec<Ratio>> {
    let mut m: Vec<Vec<Ratio>> = rows
        .into_iter()
        .map(|r| r.into_iter().map(|x| Ratio::new(x as i128, 1)).collect())
        .collect();
    let mut lead = 0;
    for col in 0..width {
        let Some(pivot) = (lead..m.len()).find(|&r| !m[r][col].is_zero()) else {
            continue;
        };
        m.swap(lead, pivot);
        let p = m[lead][col];
        for x in m[lead].iter_mut() {
            *x = x.div(p);
        }
        let pivot_row = m[lead].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != lead && !row[col].is_zero() {
                let f = row[col];
                for (x, &v) in row.iter_mut().zip(&pivot_row) {
                    *x = x.sub(f.mul(v));
                }
            }
        }
        lead += 1;
        if lead == m.len() {
            break;
        }
    }
    m.truncate(lead);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn withheld(shown: &[Shown]) -> Vec<usize> {
        (0..shown.len())
            .filter(|&i| shown[i].is_withheld())
            .collect()
    }

    /// One column: three groups and their total (cell 0).
    ///   total 20 = 3 + 9 + 8
    /// 3 is withheld (primary). With only it withheld, 20 − 9 − 8 = 3 gives it away, so the
    /// smallest non-zero other part, 8 (cell 3), is withheld too. Now 3 + 8 = 11 is all that
    /// can be worked out.
    #[test]
    fn one_small_group_takes_the_next_smallest_with_it() {
        let table = CountTable::grid(vec![20, 3, 9, 8], 1, 0, &[1, 2, 3]);
        let shown = protect(&table, &Rules::default());
        assert_eq!(
            shown,
            vec![
                Shown::Count { value: 20 },
                Shown::Primary,
                Shown::Count { value: 9 },
                Shown::Secondary,
            ]
        );
        assert!(recoverable(&table, &shown).is_empty());
    }

    /// Two small groups in one column protect each other: 12 = 2 + 4 + 6 withholds 2 and 4
    /// (both primary), and 12 − 6 = 6 only gives their sum.
    #[test]
    fn two_small_groups_protect_each_other() {
        let table = CountTable::grid(vec![12, 2, 4, 6], 1, 0, &[1, 2, 3]);
        let shown = protect(&table, &Rules::default());
        assert_eq!(withheld(&shown), vec![1, 2]);
        assert_eq!(shown[1], Shown::Primary);
        assert_eq!(shown[2], Shown::Primary);
        assert_eq!(shown[3], Shown::Count { value: 6 });
    }

    /// A zero is shown, and is never the second cell withheld: 10 = 0 + 3 + 7 withholds 3
    /// (primary) and 7 (the smallest non-zero part). Withholding the 0 instead would protect
    /// little: it would leave [c] + [c] = 3, and anyone who knows that group is empty (an
    /// empty group is often common knowledge) has the 3 back.
    #[test]
    fn zeros_are_shown_and_never_the_complement() {
        let table = CountTable::grid(vec![10, 0, 3, 7], 1, 0, &[1, 2, 3]);
        let shown = protect(&table, &Rules::default());
        assert_eq!(shown[1], Shown::Count { value: 0 });
        assert_eq!(withheld(&shown), vec![2, 3]);
    }

    /// A small total: 4 = 0 + 4. The total and the part are both 4, both primary; nothing
    /// else is needed.
    #[test]
    fn a_small_total_is_withheld_with_its_part() {
        let table = CountTable::grid(vec![4, 0, 4], 1, 0, &[1, 2]);
        let shown = protect(&table, &Rules::default());
        assert_eq!(
            shown,
            vec![Shown::Primary, Shown::Count { value: 0 }, Shown::Primary]
        );
    }

    /// Two columns (started, completed) of the same three groups. Row 0 is everyone.
    ///
    /// ```text
    ///            started  completed
    ///   all         30        16
    ///   infants      6         2     <- 2 is primary
    ///   1–4         10         6
    ///   5+          14         8
    /// ```
    /// Column "completed": 16 = 2 + 6 + 8, so 6 (the smallest non-zero other part) goes too.
    /// Column "started" has nothing withheld and is shown whole.
    #[test]
    fn each_column_is_protected_by_its_own_total() {
        let counts = vec![30, 16, 6, 2, 10, 6, 14, 8];
        let table = CountTable::grid(counts, 2, 0, &[1, 2, 3]);
        let shown = protect(&table, &Rules::default());
        assert_eq!(withheld(&shown), vec![3, 5]);
        assert!(recoverable(&table, &shown).is_empty());
    }

    /// Three relations that together pin a cell although none does alone:
    ///   r1: 0 = 1 + 2,   r2: 1 = 3 + 4,   r3: 5 = 3 + 2
    /// with counts 0:20, 1:12, 2:8, 3:3, 4:9, 5:11. Cell 3 (3) is primary.
    /// Greedy: r2 has only cell 3 withheld → its smallest other part, cell 4 (9). r3 has only
    /// cell 3 → cell 2 (8). r1 then has only cell 2 → cell 1 (12). Every relation now has two
    /// or more withheld cells, yet r1 − r3 gives x1 − x3 = 20 − 11 = 9 and r2 gives
    /// x1 − x3 − x4 = 0, so x4 = 9: cell 4 is pinned. Its only relation, r2, is withheld
    /// whole, so a shown cell of another relation goes: the smaller of 20 and 11, cell 5.
    /// With cell 5 withheld, x4 = x1 − x3 and x1 = 20 − x2 pin nothing.
    #[test]
    fn the_whole_system_is_checked_not_only_each_relation() {
        let table = CountTable {
            counts: vec![20, 12, 8, 3, 9, 11],
            relations: vec![
                Relation {
                    total: 0,
                    parts: vec![1, 2],
                },
                Relation {
                    total: 1,
                    parts: vec![3, 4],
                },
                Relation {
                    total: 5,
                    parts: vec![3, 2],
                },
            ],
        };
        let shown = protect(&table, &Rules::default());
        assert_eq!(withheld(&shown), vec![1, 2, 3, 4, 5]);
        assert_eq!(shown[0], Shown::Count { value: 20 });
        assert!(recoverable(&table, &shown).is_empty(), "{shown:?}");
    }

    /// The linear-algebra check itself, on a case the greedy check misses: a 2 × 2 block of
    /// withheld cells in a table with row and column totals is safe, but withholding three
    /// cells of a 2 × 2 table whose fourth is shown pins all three.
    ///
    /// ```text
    ///   a b | a+b        cells: a0 b1 r2
    ///   c d | c+d               c3 d4 r5
    ///   ----+----               s6 t7 g8
    /// ```
    #[test]
    fn recoverable_finds_cells_pinned_by_two_relations() {
        let counts = vec![3, 7, 10, 6, 4, 10, 9, 11, 20];
        let relations = vec![
            Relation {
                total: 2,
                parts: vec![0, 1],
            },
            Relation {
                total: 5,
                parts: vec![3, 4],
            },
            Relation {
                total: 6,
                parts: vec![0, 3],
            },
            Relation {
                total: 7,
                parts: vec![1, 4],
            },
            Relation {
                total: 8,
                parts: vec![2, 5],
            },
            Relation {
                total: 8,
                parts: vec![6, 7],
            },
        ];
        let table = CountTable { counts, relations };
        let count = |v| Shown::Count { value: v };
        // a, b, c, d all withheld: every relation has two withheld cells or none; safe.
        let block = vec![
            Shown::Primary,
            Shown::Secondary,
            count(10),
            Shown::Secondary,
            Shown::Primary,
            count(10),
            count(9),
            count(11),
            count(20),
        ];
        assert!(recoverable(&table, &block).is_empty());
        // a, b and c withheld, d shown: a+b=10, a+c=9, b+d=11 → b = 7, a = 3, c = 6.
        let three = vec![
            Shown::Primary,
            Shown::Secondary,
            count(10),
            Shown::Secondary,
            count(4),
            count(10),
            count(9),
            count(11),
            count(20),
        ];
        assert_eq!(recoverable(&table, &three), vec![0, 1, 3]);
        // And protect() finds a safe pattern for the same table by itself.
        let shown = protect(&table, &Rules::default());
        assert!(shown[0].is_withheld());
        assert!(recoverable(&table, &shown).is_empty(), "{shown:?}");
    }

    /// Rounding to 5, halves up: 0 → 0, 7 → 5, 8 → 10, 12 → 10, 13 → 15, 22 → 20, 25 → 25.
    /// Totals are rounded on their own: 7 + 8 + 12 = 27 rounds to 25, not 5 + 10 + 10.
    #[test]
    fn rounding_to_five() {
        for (v, r) in [
            (0, 0),
            (7, 5),
            (8, 10),
            (12, 10),
            (13, 15),
            (22, 20),
            (25, 25),
        ] {
            assert_eq!(round(v, Some(5)), r, "{v}");
        }
        let table = CountTable::grid(vec![27, 7, 8, 12], 1, 0, &[1, 2, 3]);
        let rules = Rules {
            round_to: Some(5),
            ..Rules::default()
        };
        let shown: Vec<Option<u64>> = protect(&table, &rules)
            .into_iter()
            .map(Shown::value)
            .collect();
        assert_eq!(shown, vec![Some(25), Some(5), Some(10), Some(10)]);
    }

    #[test]
    fn statistics_of_groups_under_five_are_withheld() {
        let rules = Rules::default();
        assert!(!statistic_allowed(4, &rules));
        assert!(statistic_allowed(5, &rules));
        assert_eq!(Shown::Primary.to_string(), "[c]");
        assert_eq!(Shown::Count { value: 15 }.to_string(), "15");
    }

    /// Any table of groups and totals, protected, shows no count from 1 to 4 and leaves no
    /// withheld cell that the relations determine. Counts come from a fixed pseudo-random
    /// sequence so the test is repeatable.
    #[test]
    fn no_small_count_survives_and_nothing_can_be_worked_back() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for _ in 0..300 {
            let groups = 2 + next(6) as usize;
            let columns = 1 + next(4) as usize;
            let mut counts = vec![0u64; (groups + 1) * columns];
            for g in 1..=groups {
                for c in 0..columns {
                    let v = if next(3) == 0 { next(5) } else { next(40) };
                    counts[g * columns + c] = v;
                    counts[c] += v;
                }
            }
            let parts: Vec<usize> = (1..=groups).collect();
            let table = CountTable::grid(counts.clone(), columns, 0, &parts);
            let shown = protect(&table, &Rules::default());
            for (i, s) in shown.iter().enumerate() {
                if let Some(v) = s.value() {
                    assert!(v == 0 || v >= 5, "count {v} shown in {counts:?}");
                    assert_eq!(v, counts[i]);
                } else {
                    assert!(counts[i] > 0, "a zero withheld in {counts:?}: {shown:?}");
                }
            }
            assert!(
                recoverable(&table, &shown).is_empty(),
                "{counts:?} → {shown:?}"
            );
        }
    }
}
