//! The `X-Date` format, `YYYYMMDD'T'HHMMSS'Z'` in UTC, from a Unix time.
//!
//! Time is an input to signing (never read from a clock here), so this only formats.
//! Hand-written (a dozen lines) rather than a date crate, to keep the `.wasm` small.

/// A signing time: whole seconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningTime {
    unix_seconds: i64,
}

impl SigningTime {
    /// From seconds since 1970-01-01T00:00:00Z.
    pub const fn from_unix_seconds(unix_seconds: i64) -> Self {
        Self { unix_seconds }
    }

    /// From milliseconds since the epoch (what `Date.now()` gives); rounds down.
    pub fn from_unix_millis(millis: f64) -> Self {
        Self::from_unix_seconds((millis / 1000.0).floor() as i64)
    }

    /// Seconds since the epoch.
    pub fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }

    /// Whether `x_date` can write this time: years 0000 to 9999.
    pub fn is_writable(self) -> bool {
        // 0000-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z
        (-62_167_219_200..=253_402_300_799).contains(&self.unix_seconds)
    }

    /// `YYYYMMDDTHHMMSSZ` (meaningful when [`is_writable`](Self::is_writable)).
    pub fn x_date(self) -> String {
        let days = self.unix_seconds.div_euclid(86_400);
        let secs = self.unix_seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut out = String::with_capacity(16);
        push_digits(&mut out, y, 4);
        push_digits(&mut out, m, 2);
        push_digits(&mut out, d, 2);
        out.push('T');
        push_digits(&mut out, secs / 3600, 2);
        push_digits(&mut out, secs / 60 % 60, 2);
        push_digits(&mut out, secs % 60, 2);
        out.push('Z');
        out
    }

    /// Parses `YYYYMMDDTHHMMSSZ` (used by a verifier to check the validity window).
    pub fn parse_x_date(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
        let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 59 {
            return None;
        }
        let days = days_from_civil(y, mo, d);
        if civil_from_days(days) != (y, mo, d) {
            return None; // e.g. 20230230
        }
        Some(Self::from_unix_seconds(
            days * 86_400 + h * 3600 + mi * 60 + se,
        ))
    }
}

/// Appends `value` zero-padded to `width` digits (the low `width` digits).
pub fn push_digits(out: &mut String, value: i64, width: u32) {
    let mut div = 10_i64.pow(width - 1);
    let v = value.rem_euclid(10_i64.pow(width));
    while div > 0 {
        out.push((b'0' + (v / div % 10) as u8) as char);
        div /= 10;
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writable_range_is_years_0000_to_9999() {
        let first = SigningTime::from_unix_seconds(-62_167_219_200);
        let last = SigningTime::from_unix_seconds(253_402_300_799);
        assert!(first.is_writable() && last.is_writable());
        assert_eq!(first.x_date(), "00000101T000000Z");
        assert_eq!(last.x_date(), "99991231T235959Z");
        assert!(!SigningTime::from_unix_seconds(-62_167_219_201).is_writable());
        assert!(!SigningTime::from_unix_seconds(253_402_300_800).is_writable());
        assert!(!SigningTime::from_unix_millis(8.64e15).is_writable());
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(
            SigningTime::from_unix_seconds(0).x_date(),
            "19700101T000000Z"
        );
        assert_eq!(
            SigningTime::from_unix_seconds(1_717_756_424).x_date(),
            "20240607T103344Z"
        );
        assert_eq!(
            SigningTime::from_unix_seconds(1_709_164_800).x_date(),
            "20240229T000000Z"
        );
        assert_eq!(
            SigningTime::from_unix_seconds(1_704_067_199).x_date(),
            "20231231T235959Z"
        );
        assert_eq!(
            SigningTime::from_unix_millis(1_717_756_424_999.0).x_date(),
            "20240607T103344Z"
        );
    }

    #[test]
    fn parse_round_trips_every_day_for_years() {
        let mut t = 946_684_800; // 2000-01-01
        while t < 4_102_444_800 {
            let st = SigningTime::from_unix_seconds(t + 45_296);
            assert_eq!(SigningTime::parse_x_date(&st.x_date()), Some(st));
            t += 86_400 * 7 + 3;
        }
    }

    #[test]
    fn parse_rejects_malformed() {
        for s in [
            "",
            "20240607T103344",
            "20240607 103344Z",
            "20241307T000000Z",
            "20230229T000000Z",
            "2024060aT103344Z",
            "20240607T246000Z",
        ] {
            assert_eq!(SigningTime::parse_x_date(s), None, "{s}");
        }
    }
}
