//! Date axes: the mapping from calendar dates to x positions, tick choice, and the date and
//! duration wording used on charts ("30 Nov 2023", "2 years 10 months").
//!
//! This module owns calendar arithmetic for charts. It never reads the clock.

use chrono::{Datelike, Days, Months, NaiveDate};

/// A linear map from dates to x positions (whole days).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DateScale {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub x0: f32,
    pub x1: f32,
}

/// One tick of a date axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub date: NaiveDate,
    pub x: f32,
    pub label: String,
}

/// The ticks of a two-tier date axis: months (or years) on the first tier, and the year on
/// the second tier where the first tier names months.
#[derive(Clone, Debug, PartialEq)]
pub struct DateTicks {
    pub ticks: Vec<Tick>,
    pub years: Vec<Tick>,
}

impl DateScale {
    /// A scale from `start` to `end` over `x0..x1`; an empty or reversed range is widened to
    /// one day so that positions stay finite.
    pub fn new(start: NaiveDate, end: NaiveDate, x0: f32, x1: f32) -> DateScale {
        let end = if end > start {
            end
        } else {
            start.checked_add_days(Days::new(1)).unwrap_or(start)
        };
        DateScale { start, end, x0, x1 }
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days().max(1)
    }

    /// The x position of the start of `date`.
    pub fn x(&self, date: NaiveDate) -> f32 {
        let d = (date - self.start).num_days() as f32;
        self.x0 + d / self.days() as f32 * (self.x1 - self.x0)
    }

    /// The x position of `date`, clamped to the scale's range.
    pub fn x_clamped(&self, date: NaiveDate) -> f32 {
        self.x(date).clamp(self.x0, self.x1)
    }

    /// The date at position `x` (clamped to the range).
    pub fn date_at(&self, x: f32) -> NaiveDate {
        let f = ((x - self.x0) / (self.x1 - self.x0)).clamp(0.0, 1.0);
        let d = (f * self.days() as f32).round() as u64;
        self.start
            .checked_add_days(Days::new(d))
            .unwrap_or(self.end)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.start && date <= self.end
    }

    /// Month or year ticks at least `min_spacing` pixels apart.
    pub fn ticks(&self, min_spacing: f32) -> DateTicks {
        let px_per_month = (self.x1 - self.x0) / (self.days() as f32 / 30.44);
        let step = [1u32, 2, 3, 6, 12, 24, 60, 120]
            .into_iter()
            .find(|s| *s as f32 * px_per_month >= min_spacing)
            .unwrap_or(240);
        let mut ticks = Vec::new();
        let mut years = Vec::new();
        let first = NaiveDate::from_ymd_opt(self.start.year(), 1, 1).unwrap_or(self.start);
        let mut d = first;
        let mut guard = 0;
        while d <= self.end && guard < 10_000 {
            guard += 1;
            let month_index = d.month0();
            let on_step = if step < 12 {
                month_index.is_multiple_of(step)
            } else {
                month_index == 0 && d.year().rem_euclid((step / 12) as i32) == 0
            };
            if on_step && d >= self.start {
                let label = if step < 12 {
                    MONTHS[month_index as usize].to_string()
                } else {
                    d.year().to_string()
                };
                ticks.push(Tick {
                    date: d,
                    x: self.x(d),
                    label,
                });
                if step < 12 && month_index == 0 {
                    years.push(Tick {
                        date: d,
                        x: self.x(d),
                        label: d.year().to_string(),
                    });
                }
            }
            match d.checked_add_months(Months::new(1)) {
                Some(n) => d = n,
                None => break,
            }
        }
        if step < 12 {
            // Name the year of the first ticks too when they come before any January.
            let first_tick = ticks.first().map(|t| t.date);
            if let Some(ft) = first_tick {
                if years.first().is_none_or(|y| y.date > ft) && ft.month0() != 0 {
                    years.insert(
                        0,
                        Tick {
                            date: ft,
                            x: self.x(ft),
                            label: ft.year().to_string(),
                        },
                    );
                }
            }
        }
        DateTicks { ticks, years }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "30 Nov 2023".
pub fn date_long(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// "March 2026": a month as words.
pub fn month_year(d: NaiveDate) -> String {
    format!("{} {}", crate::date::month_name(d.month()), d.year())
}

/// "January–June 2026", "November 2025–February 2026", "March 2026": the months from `a` to
/// `b`, the year said once when it is the same.
pub fn month_range(a: NaiveDate, b: NaiveDate) -> String {
    let (ma, mb) = (month_year(a), month_year(b));
    if ma == mb {
        ma
    } else if a.year() == b.year() {
        let first = ma.split(' ').next().unwrap_or_default();
        format!("{first}–{mb}")
    } else {
        format!("{ma}–{mb}")
    }
}

/// "30/11/2023", as users write dates.
pub fn date_short(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Whole calendar months from `from` to `to` (0 if `to` is earlier).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    if to <= from {
        return 0;
    }
    let mut m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        m -= 1;
    }
    m.max(0) as u32
}

/// The time from `from` to `to` in words: "2 years 10 months", "5 months", "3 weeks",
/// "1 day".
pub fn duration_words(from: NaiveDate, to: NaiveDate) -> String {
    let months = whole_months(from, to);
    if months == 0 {
        let days = (to - from).num_days().max(0);
        return if days >= 14 {
            plural(days / 7, "week")
        } else {
            plural(days, "day")
        };
    }
    let (y, m) = (months / 12, months % 12);
    match (y, m) {
        (0, m) => plural(i64::from(m), "month"),
        (y, 0) => plural(i64::from(y), "year"),
        (y, m) => format!(
            "{} {}",
            plural(i64::from(y), "year"),
            plural(i64::from(m), "month")
        ),
    }
}

/// A child's age on `date` in whole years (0 before the first birthday).
pub fn age_years(dob: NaiveDate, date: NaiveDate) -> u32 {
    whole_months(dob, date) / 12
}

/// The date of the `n`th birthday (29 February birthdays fall on 28 February in other
/// years).
pub fn birthday(dob: NaiveDate, n: u32) -> Option<NaiveDate> {
    dob.checked_add_months(Months::new(n.checked_mul(12)?))
}

/// "1 day", "3 days".
pub fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// Formats a count with thousands separators ("5,000").
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn durations_read_as_a_person_would_say_them() {
        assert_eq!(
            duration_words(d(2021, 2, 12), d(2023, 11, 30)),
            "2 years 9 months"
        );
        assert_eq!(
            duration_words(d(2021, 2, 12), d(2023, 12, 12)),
            "2 years 10 months"
        );
        assert_eq!(duration_words(d(2021, 1, 31), d(2021, 2, 28)), "4 weeks");
        assert_eq!(duration_words(d(2021, 1, 1), d(2022, 1, 1)), "1 year");
        assert_eq!(duration_words(d(2021, 1, 1), d(2021, 1, 2)), "1 day");
        assert_eq!(duration_words(d(2021, 1, 2), d(2021, 1, 1)), "0 days");
    }

    #[test]
    fn ages_and_birthdays() {
        assert_eq!(age_years(d(2020, 3, 1), d(2021, 2, 28)), 0);
        assert_eq!(age_years(d(2020, 3, 1), d(2021, 3, 1)), 1);
        assert_eq!(birthday(d(2020, 2, 29), 1), Some(d(2021, 2, 28)));
    }

    #[test]
    fn scale_maps_both_ways() {
        let s = DateScale::new(d(2021, 1, 1), d(2021, 1, 11), 100.0, 200.0);
        assert_eq!(s.x(d(2021, 1, 6)), 150.0);
        assert_eq!(s.date_at(150.0), d(2021, 1, 6));
        assert_eq!(s.date_at(-5.0), d(2021, 1, 1));
    }

    #[test]
    fn ticks_step_up_with_density() {
        let s = DateScale::new(d(2021, 2, 12), d(2023, 11, 30), 0.0, 1000.0);
        let t = s.ticks(60.0);
        let labels: Vec<&str> = t.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels[..4], ["Apr", "Jul", "Oct", "Jan"]);
        let years: Vec<&str> = t.years.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(years, ["2021", "2022", "2023"]);
        let wide = DateScale::new(d(2000, 1, 1), d(2020, 1, 1), 0.0, 400.0).ticks(60.0);
        assert!(wide.years.is_empty());
        assert_eq!(wide.ticks.first().map(|t| t.label.as_str()), Some("2000"));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(5000), "5,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
