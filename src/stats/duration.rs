//! Calendar durations such as `"14 days"`, `"6 weeks"`, `"6 months"` or `"2 years"`: the
//! targets of timescale stages.
//!
//! This module owns parsing, display and calendar arithmetic. Months and years are calendar
//! months, not a fixed number of days: adding months keeps the day of the month and clamps it
//! to the last day of a shorter month (31 January + 1 month = 28 or 29 February), as chrono
//! does. A year is twelve months. It knows nothing about stages or statistics.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A whole number of days, weeks, months or years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CalendarDuration {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: DurationUnit,
}

/// The unit of a [`CalendarDuration`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DurationUnit {
    Days,
    Weeks,
    Months,
    Years,
}

/// Why a text is not a calendar duration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationError {
    /// The text that was given.
    pub text: String,
}

impl CalendarDuration {
    /// A number of days.
    pub const fn days(count: u32) -> Self {
        CalendarDuration {
            count,
            unit: DurationUnit::Days,
        }
    }

    /// A number of weeks.
    pub const fn weeks(count: u32) -> Self {
        CalendarDuration {
            count,
            unit: DurationUnit::Weeks,
        }
    }

    /// A number of calendar months.
    pub const fn months(count: u32) -> Self {
        CalendarDuration {
            count,
            unit: DurationUnit::Months,
        }
    }

    /// A number of calendar years.
    pub const fn years(count: u32) -> Self {
        CalendarDuration {
            count,
            unit: DurationUnit::Years,
        }
    }

    /// The date this duration after `date`, or `None` beyond chrono's date range.
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            DurationUnit::Days => date.checked_add_days(Days::new(u64::from(self.count))),
            DurationUnit::Weeks => date.checked_add_days(Days::new(u64::from(self.count) * 7)),
            DurationUnit::Months => date.checked_add_months(Months::new(self.count)),
            DurationUnit::Years => {
                date.checked_add_months(Months::new(self.count.checked_mul(12)?))
            }
        }
    }

    /// The date this duration before `date`, or `None` beyond chrono's date range. Month-end
    /// days clamp the same way (31 March − 1 month = 28 or 29 February).
    pub fn before(self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            DurationUnit::Days => date.checked_sub_days(Days::new(u64::from(self.count))),
            DurationUnit::Weeks => date.checked_sub_days(Days::new(u64::from(self.count) * 7)),
            DurationUnit::Months => date.checked_sub_months(Months::new(self.count)),
            DurationUnit::Years => {
                date.checked_sub_months(Months::new(self.count.checked_mul(12)?))
            }
        }
    }
}

impl DurationUnit {
    /// The unit's name for a count (singular for 1).
    pub fn name(self, count: u32) -> &'static str {
        let one = count == 1;
        match self {
            DurationUnit::Days if one => "day",
            DurationUnit::Days => "days",
            DurationUnit::Weeks if one => "week",
            DurationUnit::Weeks => "weeks",
            DurationUnit::Months if one => "month",
            DurationUnit::Months => "months",
            DurationUnit::Years if one => "year",
            DurationUnit::Years => "years",
        }
    }

    fn parse(word: &str) -> Option<DurationUnit> {
        let unit = match word.to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => DurationUnit::Days,
            "w" | "wk" | "wks" | "week" | "weeks" => DurationUnit::Weeks,
            "m" | "mo" | "mos" | "month" | "months" => DurationUnit::Months,
            "y" | "yr" | "yrs" | "year" | "years" => DurationUnit::Years,
            _ => return None,
        };
        Some(unit)
    }
}

impl fmt::Display for CalendarDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.count, self.unit.name(self.count))
    }
}

impl FromStr for CalendarDuration {
    type Err = DurationError;

    /// Parses `"<whole number> <unit>"`, where the unit is days, weeks, months or years
    /// (singular, plural or abbreviated: `d`, `w`/`wk`, `m`/`mo`, `y`/`yr`), in any case,
    /// with or without a space: `"14 days"`, `"6 Weeks"`, `"1 month"`, `"2y"`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || DurationError {
            text: text.to_string(),
        };
        let trimmed = text.trim();
        let digits = trimmed
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(trimmed.len());
        let (number, rest) = trimmed.split_at(digits);
        let count: u32 = number.parse().map_err(|_| err())?;
        let unit = DurationUnit::parse(rest.trim()).ok_or_else(err)?;
        Ok(CalendarDuration { count, unit })
    }
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\" is not a duration; write a whole number and a unit, such as \"14 days\", \"6 weeks\", \"6 months\" or \"2 years\".",
            self.text
        )
    }
}

impl std::error::Error for DurationError {}

impl Serialize for CalendarDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CalendarDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn parses_and_displays_the_documented_forms() {
        let cases = [
            ("14 days", CalendarDuration::days(14), "14 days"),
            ("6 weeks", CalendarDuration::weeks(6), "6 weeks"),
            ("6 months", CalendarDuration::months(6), "6 months"),
            ("14 months", CalendarDuration::months(14), "14 months"),
            ("2 years", CalendarDuration::years(2), "2 years"),
            ("1 day", CalendarDuration::days(1), "1 day"),
            (" 1 Month ", CalendarDuration::months(1), "1 month"),
            ("12 WEEKS", CalendarDuration::weeks(12), "12 weeks"),
            ("2y", CalendarDuration::years(2), "2 years"),
            ("0 days", CalendarDuration::days(0), "0 days"),
        ];
        for (text, expected, shown) in cases {
            let parsed: CalendarDuration = text.parse().expect(text);
            assert_eq!(parsed, expected, "{text}");
            assert_eq!(parsed.to_string(), shown, "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for text in [
            "",
            "days",
            "6",
            "six weeks",
            "6 fortnights",
            "-3 days",
            "1.5 months",
        ] {
            let err = text.parse::<CalendarDuration>().unwrap_err();
            assert_eq!(err.text, text);
        }
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        let one_month = CalendarDuration::months(1);
        assert_eq!(one_month.after(d(2021, 1, 31)), Some(d(2021, 2, 28)));
        assert_eq!(one_month.after(d(2024, 1, 31)), Some(d(2024, 2, 29)));
        assert_eq!(one_month.after(d(2024, 3, 31)), Some(d(2024, 4, 30)));
        assert_eq!(one_month.before(d(2023, 3, 31)), Some(d(2023, 2, 28)));
        assert_eq!(
            CalendarDuration::years(1).after(d(2024, 2, 29)),
            Some(d(2025, 2, 28))
        );
        assert_eq!(
            CalendarDuration::months(14).after(d(2022, 12, 31)),
            Some(d(2024, 2, 29))
        );
        assert_eq!(
            CalendarDuration::weeks(6).after(d(2024, 1, 1)),
            Some(d(2024, 2, 12))
        );
        assert_eq!(
            CalendarDuration::days(14).after(d(2024, 2, 20)),
            Some(d(2024, 3, 5))
        );
    }

    #[test]
    fn serde_uses_the_display_text() {
        let json = serde_json::to_string(&CalendarDuration::weeks(12)).expect("serialises");
        assert_eq!(json, "\"12 weeks\"");
        let back: CalendarDuration = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, CalendarDuration::weeks(12));
        assert!(serde_json::from_str::<CalendarDuration>("\"soon\"").is_err());
    }
}
