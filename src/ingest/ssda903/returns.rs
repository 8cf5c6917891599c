//! Which return each 903 row belongs to, which year each return covers, and in which order the
//! returns of one authority stand.
//!
//! A return is the rows of one authority (`LA` column, if any) and one label: the `YEAR`
//! column's value, else a year in the file's name (`2019-episodes.csv`), else the file itself.
//! Labels only group and order returns: pipelines label a return by the year it ends or the
//! year it begins, so the year a return covers is read from its own dates. A return covers
//! 1 April to 31 March; its episodes' end dates (DEC) all fall in the year it covers, but for a
//! few stray dates (synthetic returns carry some), so the covered years are the years holding
//! at least a fortieth as many DECs as the busiest year. A table holding many years' history
//! at once therefore covers all of them. A return whose episodes are all open covers the year
//! of its latest start.

use crate::model::Text;
use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// A return's identity: authority and label (or, without a label, the file it came from).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub la: Option<Text>,
    pub label: Label,
}

/// What tells one return of an authority from another.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// A `YEAR` value or a year in the file name (compared as numbers when both are).
    Year(Text),
    /// No label: every file is a return of its own (the file's name).
    File(Text),
}

/// The first and last day a return covers (1 April and 31 March).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coverage {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One return, as its rows are read.
#[derive(Clone, Debug)]
pub struct Return {
    pub key: Key,
    /// The order the return was first seen in (input order).
    pub seen: u32,
    /// Episodes read, closed episodes' end dates counted by the year (1 April) they fall in.
    pub episodes: u64,
    dec_years: BTreeMap<i32, u64>,
    latest_decom: Option<NaiveDate>,
    /// The years covered, worked out once every row is read.
    pub coverage: Option<Coverage>,
    /// The return's place among its authority's returns (0 = earliest), once ordered.
    pub rank: u32,
}

/// Every return of a load.
#[derive(Default)]
pub struct Returns {
    pub list: Vec<Return>,
    index: HashMap<Key, u32>,
}

impl Returns {
    /// The return of a row, made on first sight.
    pub fn of(&mut self, key: Key) -> u32 {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(Return {
            key: key.clone(),
            seen: i,
            episodes: 0,
            dec_years: BTreeMap::new(),
            latest_decom: None,
            coverage: None,
            rank: 0,
        });
        self.index.insert(key, i);
        i
    }

    /// Counts an episode's dates towards its return's year.
    pub fn episode(&mut self, ret: u32, decom: NaiveDate, dec: Option<NaiveDate>) {
        let Some(r) = self.list.get_mut(ret as usize) else {
            return;
        };
        r.episodes += 1;
        if let Some(dec) = dec {
            *r.dec_years.entry(year_of(dec)).or_default() += 1;
        }
        r.latest_decom = r.latest_decom.max(Some(decom));
    }

    /// Works out every return's coverage and ranks each authority's returns: by the years they
    /// cover, then by label, then by input order.
    pub fn settle(&mut self) {
        for r in &mut self.list {
            r.coverage = coverage(&r.dec_years, r.latest_decom);
        }
        let mut order: Vec<u32> = (0..self.list.len() as u32).collect();
        crate::sort::stable_by(&mut order, |&a, &b| {
            let (x, y) = (&self.list[a as usize], &self.list[b as usize]);
            (&x.key.la, x.coverage.map(|c| (c.to, c.from)))
                .cmp(&(&y.key.la, y.coverage.map(|c| (c.to, c.from))))
                .then_with(|| label_order(&x.key.label, &y.key.label))
                .then(x.seen.cmp(&y.seen))
        });
        let mut rank = 0;
        let mut last_la: Option<&Option<Text>> = None;
        let mut ranks = vec![0u32; self.list.len()];
        for &i in &order {
            let la = &self.list[i as usize].key.la;
            if last_la != Some(la) {
                rank = 0;
                last_la = Some(la);
            }
            ranks[i as usize] = rank;
            rank += 1;
        }
        for (r, rank) in self.list.iter_mut().zip(ranks) {
            r.rank = rank;
        }
    }

    /// The days an authority's returns cover together (from the first's start to the last's
    /// end), if any of its returns holds episodes.
    pub fn observed(&self, la: &Option<Text>) -> Option<Coverage> {
        self.list
            .iter()
            .filter(|r| &r.key.la == la && r.episodes > 0)
            .filter_map(|r| r.coverage)
            .reduce(|a, b| Coverage {
                from: a.from.min(b.from),
                to: a.to.max(b.to),
            })
    }
}

fn label_order(a: &Label, b: &Label) -> std::cmp::Ordering {
    match (a, b) {
        (Label::Year(x), Label::Year(y)) => match (x.parse::<i64>(), y.parse::<i64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        },
        _ => std::cmp::Ordering::Equal,
    }
}

/// The year (1 April to 31 March) a date falls in, named by the calendar year it begins.
pub fn year_of(d: NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// 1 April of `year` to 31 March of the next.
pub fn year_span(year: i32) -> Option<Coverage> {
    Some(Coverage {
        from: NaiveDate::from_ymd_opt(year, 4, 1)?,
        to: NaiveDate::from_ymd_opt(year + 1, 3, 31)?,
    })
}

/// The years a return covers, from its episodes' end dates (see the module comment).
fn coverage(dec_years: &BTreeMap<i32, u64>, latest_decom: Option<NaiveDate>) -> Option<Coverage> {
    let busiest = dec_years.values().copied().max().unwrap_or(0);
    let held = || {
        dec_years
            .iter()
            .filter(move |(_, n)| **n * 40 >= busiest)
            .map(|(y, _)| *y)
    };
    match (held().next(), held().next_back()) {
        (Some(first), Some(last)) => Some(Coverage {
            from: year_span(first)?.from,
            to: year_span(last)?.to,
        }),
        _ => year_span(year_of(latest_decom?)),
    }
}

/// A year in a file's name (`2019-episodes.csv`, `SSDA903_2020_header.csv`): the first run of
/// exactly four digits between 1990 and 2099.
pub fn year_in_name(name: &str) -> Option<&str> {
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &name[start..i];
            if run.len() == 4 && matches!(run.parse::<u32>(), Ok(1990..=2099)) {
                return Some(run);
            }
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn years_begin_on_the_first_of_april() {
        assert_eq!(year_of(d(2018, 3, 31)), 2017);
        assert_eq!(year_of(d(2018, 4, 1)), 2018);
    }

    #[test]
    fn a_stray_date_does_not_widen_a_return() {
        // 80 episodes ended in 2017-18 and one on 1 April 2018 (a stray): 1 × 40 < 80, so the
        // return covers 2017-18 only.
        let years = BTreeMap::from([(2017, 80), (2018, 1)]);
        assert_eq!(
            coverage(&years, None),
            Some(Coverage {
                from: d(2017, 4, 1),
                to: d(2018, 3, 31)
            })
        );
        // A history of three years, each with many ends, covers all three.
        let years = BTreeMap::from([(2015, 30), (2016, 50), (2017, 40)]);
        assert_eq!(
            coverage(&years, None),
            Some(Coverage {
                from: d(2015, 4, 1),
                to: d(2018, 3, 31)
            })
        );
        // Only open episodes: the year of the latest start.
        assert_eq!(
            coverage(&BTreeMap::new(), Some(d(2020, 2, 1))),
            Some(Coverage {
                from: d(2019, 4, 1),
                to: d(2020, 3, 31)
            })
        );
    }

    #[test]
    fn years_in_file_names() {
        assert_eq!(year_in_name("2019-episodes.csv"), Some("2019"));
        assert_eq!(year_in_name("SSDA903_2020_header.csv"), Some("2020"));
        assert_eq!(year_in_name("episodes.csv"), None);
        assert_eq!(year_in_name("903_1718_header.csv"), None);
        assert_eq!(year_in_name("export_12345.csv"), None);
    }
}
