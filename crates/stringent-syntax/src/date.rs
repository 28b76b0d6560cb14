//! Calendar dates (`YYYY-MM-DD`), the only notion of time in the language.

use std::fmt;

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parse `YYYY-MM-DD`, refusing dates that do not exist (`2025-02-30`).
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date { year: y.parse().ok()?, month: m.parse().ok()?, day: d.parse().ok()? };
        (date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= date.days_in_month()).then_some(date)
    }

    /// Whether `text` has the shape `YYYY-MM-DD` (four, two and two digits), whatever the
    /// numbers: a date of that shape that `parse` refuses names no real day.
    pub fn is_well_formed(text: &str) -> bool {
        let b = text.as_bytes();
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
    }

    /// A date written in year, month, day order in another layout (`2020/1/1`,
    /// `2020.01.01`), read as the real day it names, to suggest `YYYY-MM-DD`.
    pub fn parse_loose(text: &str) -> Option<Date> {
        let mut parts = text.split(['-', '/', '.']);
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return None;
        }
        Date::parse(&format!("{y}-{m:0>2}-{d:0>2}"))
    }

    fn days_in_month(self) -> u8 {
        let leap = (self.year.is_multiple_of(4) && !self.year.is_multiple_of(100)) || self.year.is_multiple_of(400);
        match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// The date `days` days after 1970-01-01 (civil-from-days, H. Hinnant).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Date::from_unix_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_and_refuses_impossible_ones() {
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()), Some("2024-02-29".into()));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2024-13-01"), None);
        assert_eq!(Date::parse("24-01-01"), None);
        assert_eq!(Date::parse("2024/01/01"), None);
    }

    #[test]
    fn tells_a_misformatted_date_from_an_impossible_one() {
        assert!(Date::is_well_formed("2024-13-45"));
        assert!(!Date::is_well_formed("2024/01/01"));
        assert!(!Date::is_well_formed("2024-1-1"));
        assert_eq!(Date::parse_loose("2024/1/2").map(|d| d.to_string()), Some("2024-01-02".into()));
        assert_eq!(Date::parse_loose("2024.01.02").map(|d| d.to_string()), Some("2024-01-02".into()));
        assert_eq!(Date::parse_loose("01/02/2024"), None);
        assert_eq!(Date::parse_loose("2024/02/30"), None);
    }

    #[test]
    fn unix_days_round_trip_known_dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(19_723).to_string(), "2024-01-01");
    }
}
