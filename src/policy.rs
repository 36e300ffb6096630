//! Reliability decisions, as pure functions of time and inputs: which failures may be retried,
//! how long to back off, the client-side QPS pacer, and the clock offset learnt from a server's
//! `Date`. The async loop that applies them lives in `call` (wasm); these are tested natively.

use crate::sign::SigningTime;
use crate::{Error, ErrorCode};

/// Retry settings (`retries`, `retryUnsafe`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// Also retry outcomes that may have been processed (timeouts after sending, 5xx): a
    /// P2P message has no idempotency key, so this can deliver it twice.
    pub retry_unsafe: bool,
    /// First backoff ceiling, doubled per retry.
    pub base_ms: f64,
    /// Largest backoff ceiling.
    pub cap_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: 2,
            retry_unsafe: false,
            base_ms: 100.0,
            cap_ms: 2_000.0,
        }
    }
}

impl RetryPolicy {
    /// Whether `err`, after `attempts` attempts, is retried.
    pub fn should_retry(&self, err: &Error, attempts: u32) -> bool {
        attempts <= self.retries
            && (err.retryable || (self.retry_unsafe && may_have_been_processed(err)))
    }

    /// Full-jitter exponential backoff before retry number `retry` (1-based); `random` is in
    /// [0, 1). A server's `Retry-After` (seconds) is a floor.
    pub fn backoff_ms(&self, retry: u32, random: f64, retry_after: Option<&str>) -> f64 {
        let ceiling =
            (self.base_ms * 2f64.powi(retry.saturating_sub(1).min(30) as i32)).min(self.cap_ms);
        let jitter = random.clamp(0.0, 1.0) * ceiling;
        match retry_after.and_then(parse_retry_after_seconds) {
            Some(s) => jitter.max(s * 1000.0),
            None => jitter,
        }
    }
}

/// Outcomes that *might* have been processed: a timeout or lost connection after sending, a
/// server error. Retried only with `retryUnsafe`.
fn may_have_been_processed(err: &Error) -> bool {
    match &err.code {
        ErrorCode::Timeout | ErrorCode::NetworkError => true,
        ErrorCode::InvalidResponse | ErrorCode::Vendor(_) => err.status.is_some_and(|s| s >= 500),
        ErrorCode::InvalidArgument | ErrorCode::Aborted | ErrorCode::CredentialsError => false,
    }
}

/// Connection failures (by the runtime's error code) that happen before any byte of the
/// request is sent — refused, no DNS answer, connect timeout — so a retry cannot duplicate.
pub fn failed_before_sending(code: &str) -> bool {
    matches!(
        code,
        "ECONNREFUSED"
            | "ConnectionRefused"
            | "ENOTFOUND"
            | "EAI_AGAIN"
            | "UND_ERR_CONNECT_TIMEOUT"
    )
}

/// `Retry-After` as delta-seconds (the HTTP-date form is not used by the vendor).
pub fn parse_retry_after_seconds(v: &str) -> Option<f64> {
    let v = v.trim();
    (!v.is_empty() && v.len() <= 6 && v.bytes().all(|b| b.is_ascii_digit()))
        .then(|| v.parse().ok())
        .flatten()
}

/// A client-side QPS limiter that spaces requests evenly, 1 % slower than `qps`, so that no
/// 1 s window *at the server* sees more than `qps` even with ~10 ms of network jitter. (A
/// token bucket with a full burst lets 2×qps through one window.)
#[derive(Clone, Debug, PartialEq)]
pub struct Pacer {
    interval_ms: f64,
    next_free_ms: f64,
}

impl Pacer {
    /// A pacer for `qps` requests per second (> 0).
    pub fn new(qps: f64) -> Self {
        Self {
            interval_ms: 1000.0 / qps * 1.01,
            next_free_ms: f64::MIN,
        }
    }

    /// Reserves the next slot at or after `now_ms`; returns how long to wait for it.
    pub fn reserve(&mut self, now_ms: f64) -> f64 {
        let slot = self.next_free_ms.max(now_ms);
        self.next_free_ms = slot + self.interval_ms;
        slot - now_ms
    }
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the `Date` header's form.
pub fn parse_http_date(v: &str) -> Option<SigningTime> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = MONTHS.iter().position(|x| x == month)? + 1;
    let day: u32 = day.parse().ok()?;
    let hms: Vec<&str> = time.split(':').collect();
    let [h, mi, s] = hms.as_slice() else {
        return None;
    };
    let x_date = [*year, &two(m as u32), &two(day), "T", h, mi, s, "Z"].concat();
    SigningTime::parse_x_date(&x_date)
}

fn two(n: u32) -> String {
    [
        char::from(b'0' + (n / 10 % 10) as u8),
        char::from(b'0' + (n % 10) as u8),
    ]
    .iter()
    .collect()
}

/// The offset to add to the local clock, learnt from a server's `Date` header. The header has
/// whole seconds, so the offset is only applied when it is larger than the rounding (2 s).
pub fn clock_offset_from(date_header: &str, local_now_ms: f64) -> Option<f64> {
    let server_ms = parse_http_date(date_header)?.unix_seconds() as f64 * 1000.0 + 500.0;
    let offset = server_ms - local_now_ms;
    (offset.abs() > 2_000.0).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: ErrorCode, status: Option<u16>, retryable: bool) -> Error {
        let mut e = Error::invalid_argument("x");
        e.code = code;
        e.status = status;
        e.retryable = retryable;
        e
    }

    #[test]
    fn only_certainly_unprocessed_failures_are_retried_by_default() {
        let p = RetryPolicy::default();
        assert!(p.should_retry(&Error::vendor("FlowLimitExceeded", Some(100018), "m"), 1));
        assert!(p.should_retry(&Error::vendor("ServiceUnavailableTemp", None, "m"), 2));
        assert!(
            !p.should_retry(&Error::vendor("ServiceUnavailableTemp", None, "m"), 3),
            "retries = 2"
        );
        assert!(!p.should_retry(&err(ErrorCode::Timeout, None, false), 1));
        assert!(!p.should_retry(
            &err(ErrorCode::Vendor("InternalError".into()), Some(500), false),
            1
        ));
        assert!(!p.should_retry(&err(ErrorCode::InvalidResponse, Some(502), false), 1));
        assert!(!p.should_retry(&err(ErrorCode::NetworkError, None, false), 1));
        assert!(
            p.should_retry(&err(ErrorCode::NetworkError, None, true), 1),
            "refused before sending"
        );
        assert!(!p.should_retry(&err(ErrorCode::InvalidArgument, None, false), 1));
    }

    #[test]
    fn retry_unsafe_adds_what_may_have_been_processed() {
        let p = RetryPolicy {
            retry_unsafe: true,
            ..RetryPolicy::default()
        };
        assert!(p.should_retry(&err(ErrorCode::Timeout, None, false), 1));
        assert!(p.should_retry(
            &err(ErrorCode::Vendor("InternalError".into()), Some(500), false),
            1
        ));
        assert!(p.should_retry(&err(ErrorCode::InvalidResponse, Some(502), false), 1));
        assert!(!p.should_retry(
            &err(
                ErrorCode::Vendor("SignatureDoesNotMatch".into()),
                Some(401),
                false
            ),
            1
        ));
        assert!(!p.should_retry(&err(ErrorCode::Aborted, None, false), 1));
    }

    #[test]
    fn backoff_is_full_jitter_exponential_capped_with_retry_after_floor() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ms(1, 0.5, None), 50.0);
        assert_eq!(p.backoff_ms(2, 0.5, None), 100.0);
        assert_eq!(p.backoff_ms(3, 1.0, None), 400.0);
        assert_eq!(p.backoff_ms(20, 1.0, None), 2000.0);
        assert_eq!(p.backoff_ms(1, 0.0, None), 0.0);
        assert_eq!(p.backoff_ms(1, 0.1, Some("2")), 2000.0);
        assert_eq!(p.backoff_ms(1, 0.1, Some("soon")), 10.0);
    }

    #[test]
    fn pacer_never_lets_more_than_qps_into_any_second() {
        let mut pacer = Pacer::new(100.0);
        let mut now = 0.0;
        let mut times = Vec::new();
        for i in 0..1000 {
            if i % 250 == 0 {
                now += 3000.0; // idle, then a burst
            }
            times.push(now + pacer.reserve(now));
            now += 0.5;
        }
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..].iter().take_while(|&&u| u < t + 1000.0).count();
            assert!(in_window <= 100, "{in_window} in the second after {t}");
        }
        // Sustained: 250 requests of one burst take about 2.5 s, i.e. ~99 per second.
        let span = times[249] - times[0];
        assert!((2500.0..2550.0).contains(&span), "{span}");
    }

    #[test]
    fn http_dates_and_clock_offsets() {
        let t = parse_http_date("Fri, 07 Jun 2024 10:33:44 GMT").unwrap();
        assert_eq!(t.x_date(), "20240607T103344Z");
        assert_eq!(parse_http_date("Fri, 07 Jun 2024 10:33:44 UTC"), None);
        assert_eq!(parse_http_date("garbage"), None);
        let server = 1_717_756_424_000.0;
        assert_eq!(
            clock_offset_from("Fri, 07 Jun 2024 10:33:44 GMT", server + 500.0),
            None
        );
        let off =
            clock_offset_from("Fri, 07 Jun 2024 10:33:44 GMT", server - 20.0 * 60_000.0).unwrap();
        assert!((off - 1_200_500.0).abs() < 1.0, "{off}");
    }
}
