//! Reliability decisions, as pure functions of time and inputs: which failures may be retried,
//! how long to back off, `Retry-After`, the client-side QPS pacer, the clock offset learnt from
//! a server's `Date`, and when credentials are refreshed. The loop that applies them is
//! `client::call`, for every runtime.

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
    /// [0, 1). A server's `Retry-After` is a floor. `None`: do not retry — the server asks for
    /// more than [`MAX_RETRY_AFTER_S`] (a caller should not hang that long), or its
    /// `Retry-After` cannot be read (negative, fractional, an obsolete date form), so the
    /// caller decides rather than a guess.
    pub fn backoff_ms(&self, retry: u32, random: f64, retry_after: RetryAfter) -> Option<f64> {
        let ceiling =
            (self.base_ms * 2f64.powi(retry.saturating_sub(1).min(30) as i32)).min(self.cap_ms);
        let jitter = random.clamp(0.0, 1.0) * ceiling;
        match retry_after {
            RetryAfter::Absent => Some(jitter),
            RetryAfter::WaitMs(ms) => Some(jitter.max(ms)),
            RetryAfter::TooLong | RetryAfter::Unreadable => None,
        }
    }
}

/// What a response's `Retry-After` asks for (RFC 9110 §10.2.3), judged once by [`retry_after`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RetryAfter {
    /// No header.
    Absent,
    /// Wait at least this long (0 = now), within [`MAX_RETRY_AFTER_S`].
    WaitMs(f64),
    /// Longer than [`MAX_RETRY_AFTER_S`]: returned to the caller.
    TooLong,
    /// Present but neither delta-seconds nor an IMF-fixdate: returned to the caller.
    Unreadable,
}

/// Judges a `Retry-After` value: delta-seconds of any size, or an IMF-fixdate compared with the
/// response's `Date` header when it has a readable one, else with `now_ms` (the skew-corrected
/// clock). A date in the past means now.
pub fn retry_after(value: Option<&str>, date_header: Option<&str>, now_ms: f64) -> RetryAfter {
    let Some(v) = value.map(str::trim) else {
        return RetryAfter::Absent;
    };
    let limit_ms = MAX_RETRY_AFTER_S * 1000.0;
    let wait_ms = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only, any length: a value too long for int64 is certainly over the limit.
        // (The crate's one decimal parser: `str::parse::<f64>` would bring Rust's float parser
        // and its tables into the `.wasm`, ~14 KB gzip, measured.)
        crate::api::int64::parse_decimal(v).map_or(f64::INFINITY, |s| s as f64 * 1000.0)
    } else if let Some(at) = parse_http_date(v) {
        let reference = date_header
            .and_then(parse_http_date)
            .map_or(now_ms, |d| d.unix_seconds() as f64 * 1000.0);
        (at.unix_seconds() as f64 * 1000.0 - reference).max(0.0)
    } else {
        return RetryAfter::Unreadable;
    };
    if wait_ms > limit_ms {
        RetryAfter::TooLong
    } else {
        RetryAfter::WaitMs(wait_ms)
    }
}

/// The longest `Retry-After` the client waits for before retrying on its own.
pub const MAX_RETRY_AFTER_S: f64 = 60.0;

/// Outcomes that *might* have been processed: a timeout or lost connection after sending, a
/// server error. Retried only with `retryUnsafe`.
fn may_have_been_processed(err: &Error) -> bool {
    match &err.code {
        ErrorCode::Timeout | ErrorCode::NetworkError => true,
        ErrorCode::InvalidResponse | ErrorCode::Vendor(_) => err.status.is_some_and(|s| s >= 500),
        ErrorCode::InvalidArgument | ErrorCode::Aborted | ErrorCode::CredentialsError => false,
    }
}

/// The client-side QPS limiter: no more than `limit` requests leave in any window of
/// `span + margin` ms, where `limit / span` is the configured qps, and consecutive requests
/// leave at least half an average interval apart, so a burst is spread over half a window
/// instead of arriving at once. The margin covers what can reorder requests between the
/// client and the server's clock (connection set-up, TLS, a browser's per-host connection
/// queue): it follows the slowest recent response time, between 10 and 250 ms. (A token
/// bucket with a full burst would let 2×qps through one window; a fixed 1 % margin absorbs
/// only ~10 ms of such jitter.)
///
/// Calls leave in arrival order, and take their slot only when they actually leave: a call
/// that is aborted or refused for its deadline while queued gives its place back.
#[derive(Clone, Debug)]
pub struct Pacer {
    limit: usize,
    span_ms: f64,
    /// (when observed, response time) for the last two windows.
    latencies: std::collections::VecDeque<(f64, f64)>,
    sent: std::collections::VecDeque<f64>,
    queue: std::collections::VecDeque<u64>,
    next_ticket: u64,
}

/// Smallest and largest margin added to the window.
const MARGIN_MS: (f64, f64) = (10.0, 250.0);

impl Pacer {
    /// A limiter for `qps` requests per second (> 0).
    pub fn new(qps: f64) -> Self {
        let limit = qps.floor().max(1.0);
        Self {
            limit: limit as usize,
            span_ms: limit / qps * 1000.0,
            latencies: Default::default(),
            sent: Default::default(),
            queue: Default::default(),
            next_ticket: 0,
        }
    }

    fn window_ms(&self) -> f64 {
        let slowest = self.latencies.iter().map(|l| l.1).fold(0.0, f64::max);
        self.span_ms + slowest.clamp(MARGIN_MS.0, MARGIN_MS.1)
    }

    fn gap_ms(&self) -> f64 {
        self.span_ms / self.limit as f64 * 0.5
    }

    /// A place in the queue; pass it to [`Pacer::poll`] until it says go, or to
    /// [`Pacer::leave`] when the call gives up.
    pub fn enqueue(&mut self) -> u64 {
        self.next_ticket += 1;
        self.queue.push_back(self.next_ticket);
        self.next_ticket
    }

    /// `None`: go now (the slot is taken). `Some(ms)`: ask again in about `ms`.
    pub fn poll(&mut self, ticket: u64, now_ms: f64) -> Option<f64> {
        let window = self.window_ms();
        while self.sent.front().is_some_and(|&t| t <= now_ms - window) {
            self.sent.pop_front();
        }
        let position = self.queue.iter().position(|&t| t == ticket)?;
        let free = self.limit.saturating_sub(self.sent.len());
        // When this ticket's window slot frees: an earlier send leaves the window.
        let window_wait = if position < free {
            0.0
        } else {
            let k = position - free;
            let rounds = (k / self.limit) as f64;
            let base = self.sent.get(k % self.limit).copied().unwrap_or(now_ms);
            base + window * (1.0 + rounds) - now_ms
        };
        // And the spacing after the previous send, one gap per call ahead in the queue.
        let last = self.sent.back().copied().unwrap_or(f64::MIN);
        let gap_wait = last + self.gap_ms() * (position + 1) as f64 - now_ms;
        let wait = window_wait.max(gap_wait);
        if position == 0 && wait <= 0.0 {
            self.queue.pop_front();
            self.sent.push_back(now_ms);
            return None;
        }
        Some(wait.max(1.0))
    }

    /// Gives a queued place back (aborted, or refused for its deadline).
    pub fn leave(&mut self, ticket: u64) {
        self.queue.retain(|&t| t != ticket);
    }

    /// Feeds a response time seen at `now_ms`, so the margin follows the slowest response of
    /// the last two windows (a slow first request must still be covered a window later).
    pub fn observe_latency(&mut self, now_ms: f64, ms: f64) {
        if !(ms.is_finite() && ms >= 0.0) {
            return;
        }
        let horizon = now_ms - 2.0 * (self.span_ms + MARGIN_MS.1);
        while self.latencies.front().is_some_and(|l| l.0 < horizon) {
            self.latencies.pop_front();
        }
        // Keep only what can still be the maximum: drop older, smaller entries.
        while self.latencies.back().is_some_and(|l| l.1 <= ms) {
            self.latencies.pop_back();
        }
        self.latencies.push_back((now_ms, ms));
    }
}

/// The clock-skew rule: after `InvalidTimestamp`, the offset to add to the clock we signed
/// with (`signing_clock_ms`), learnt from the response's `Date`; `None` when there is nothing
/// to correct (another code, no readable `Date`, or within its rounding).
pub fn skew_correction(
    code: &str,
    date_header: Option<&str>,
    signing_clock_ms: f64,
) -> Option<f64> {
    if !code.eq_ignore_ascii_case("InvalidTimestamp") {
        return None;
    }
    clock_offset_from(date_header?, signing_clock_ms)
}

/// The credentials rule: after `InvalidSecretToken` a provider's credentials are asked for
/// again (once per call), since an STS token may have expired early.
pub fn refresh_credentials_after(code: &str) -> bool {
    code.eq_ignore_ascii_case("InvalidSecretToken")
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
    let day = u32::try_from(crate::api::int64::parse_decimal(day)?).ok()?;
    let hms: Vec<&str> = time.split(':').collect();
    let [h, mi, s] = hms.as_slice() else {
        return None;
    };
    let mut date = String::with_capacity(8);
    crate::sign::time::push_digits(&mut date, m as i64, 2);
    crate::sign::time::push_digits(&mut date, i64::from(day), 2);
    let x_date = [*year, &date, "T", h, mi, s, "Z"].concat();
    SigningTime::parse_x_date(&x_date)
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
        let none = RetryAfter::Absent;
        assert_eq!(p.backoff_ms(1, 0.5, none), Some(50.0));
        assert_eq!(p.backoff_ms(2, 0.5, none), Some(100.0));
        assert_eq!(p.backoff_ms(3, 1.0, none), Some(400.0));
        assert_eq!(p.backoff_ms(20, 1.0, none), Some(2000.0));
        assert_eq!(p.backoff_ms(1, 0.0, none), Some(0.0));
        assert_eq!(
            p.backoff_ms(1, 0.1, RetryAfter::WaitMs(2000.0)),
            Some(2000.0)
        );
        assert_eq!(p.backoff_ms(1, 0.1, RetryAfter::WaitMs(0.0)), Some(10.0));
        assert_eq!(
            p.backoff_ms(1, 0.1, RetryAfter::TooLong),
            None,
            "not an hour's silent wait"
        );
        assert_eq!(
            p.backoff_ms(1, 0.1, RetryAfter::Unreadable),
            None,
            "no guess on jitter"
        );
    }

    /// One rule for every form (hardening finding 4: `1000000`, an HTTP-date an hour ahead,
    /// `-1` and `1.5` were retried on jitter within 300 ms; `3600` was returned).
    #[test]
    fn retry_after_every_form() {
        let now = 1_717_756_424_000.0; // Fri, 07 Jun 2024 10:33:44 GMT
        let ra = |v: &str| retry_after(Some(v), None, now);
        assert_eq!(retry_after(None, None, now), RetryAfter::Absent);
        assert_eq!(ra("0"), RetryAfter::WaitMs(0.0), "0 stays retryable");
        assert_eq!(ra(" 2 "), RetryAfter::WaitMs(2000.0));
        assert_eq!(ra("60"), RetryAfter::WaitMs(60_000.0));
        assert_eq!(ra("61"), RetryAfter::TooLong);
        assert_eq!(ra("3600"), RetryAfter::TooLong);
        assert_eq!(ra("1000000"), RetryAfter::TooLong);
        assert_eq!(ra("99999999999999999999999"), RetryAfter::TooLong);
        for bad in [
            "-1",
            "1.5",
            "",
            "soon",
            "+5",
            "0x10",
            "1e3",
            "Friday, 07-Jun-24 10:33:54 GMT", // RFC 850: obsolete
            "Fri Jun  7 10:33:54 2024",       // asctime: obsolete
            "Fri, 07 Jun 2024 10:33:54 UTC",
        ] {
            assert_eq!(ra(bad), RetryAfter::Unreadable, "{bad:?}");
        }
        // IMF-fixdate against the clock…
        assert_eq!(
            ra("Fri, 07 Jun 2024 10:33:54 GMT"),
            RetryAfter::WaitMs(10_000.0)
        );
        assert_eq!(
            ra("Fri, 07 Jun 2024 11:33:44 GMT"),
            RetryAfter::TooLong,
            "an hour ahead"
        );
        assert_eq!(
            ra("Fri, 07 Jun 2024 10:00:00 GMT"),
            RetryAfter::WaitMs(0.0),
            "past = now"
        );
        // …or against the response's own Date, whatever the local clock says.
        let date = Some("Fri, 07 Jun 2024 10:33:44 GMT");
        let skewed = now - 3_600_000.0;
        assert_eq!(
            retry_after(Some("Fri, 07 Jun 2024 10:33:47 GMT"), date, skewed),
            RetryAfter::WaitMs(3000.0)
        );
        assert_eq!(
            retry_after(Some("Fri, 07 Jun 2024 10:33:47 GMT"), Some("garbage"), now),
            RetryAfter::WaitMs(3000.0)
        );
    }

    /// Drives a pacer the way the call loop does: `arrivals` calls join the queue at the given
    /// times; each polls until it goes. Returns the send times.
    fn simulate(pacer: &mut Pacer, arrivals: &[f64]) -> Vec<f64> {
        let mut waiting: Vec<(u64, f64)> = Vec::new();
        let mut sent = Vec::new();
        let mut next = 0;
        let mut now = 0.0;
        while sent.len() < arrivals.len() {
            while next < arrivals.len() && arrivals[next] <= now {
                waiting.push((pacer.enqueue(), now));
                next += 1;
            }
            let mut still = Vec::new();
            for (ticket, at) in waiting {
                if at > now {
                    still.push((ticket, at));
                    continue;
                }
                match pacer.poll(ticket, now) {
                    None => sent.push(now),
                    Some(ms) => still.push((ticket, now + ms)),
                }
            }
            waiting = still;
            now += 0.5;
        }
        sent
    }

    fn max_in_any(times: &[f64], window: f64) -> usize {
        let mut sorted = times.to_vec();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (0..sorted.len())
            .map(|i| {
                sorted[i..]
                    .iter()
                    .take_while(|&&t| t < sorted[i] + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn pacer_never_lets_more_than_qps_into_any_second_and_keeps_up() {
        let mut pacer = Pacer::new(100.0);
        let burst: Vec<f64> = (0..600)
            .map(|i| if i < 300 { 0.0 } else { 4000.0 })
            .collect();
        let sent = simulate(&mut pacer, &burst);
        assert!(max_in_any(&sent, 1000.0) <= 100);
        // 300 calls of one burst take about three windows of 1010 ms: ~99 per second...
        let first: Vec<f64> = sent[..300].to_vec();
        let span = first.iter().cloned().fold(0.0, f64::max);
        assert!((2020.0..2600.0).contains(&span), "{span}");
        // ...and leave at least 5 ms apart, not all at once.
        assert!(first.windows(2).all(|w| w[1] - w[0] >= 4.9), "bursty");
    }

    #[test]
    fn the_margin_follows_slow_responses() {
        let mut pacer = Pacer::new(5.0);
        pacer.observe_latency(0.0, 120.0);
        let sent = simulate(&mut pacer, &[0.0; 12]);
        // A request that arrives 120 ms late cannot share a server second with the sixth.
        assert!(sent[5] - sent[0] >= 1120.0, "{sent:?}");
        // Still covered a window later, forgotten after two.
        pacer.observe_latency(1_500.0, 1.0);
        assert!(pacer.window_ms() >= 1120.0);
        pacer.observe_latency(2_600.0, 1.0);
        assert!(pacer.window_ms() < 1011.0);
    }

    #[test]
    fn a_place_given_back_is_not_kept() {
        let mut pacer = Pacer::new(1.0);
        let a = pacer.enqueue();
        assert_eq!(pacer.poll(a, 0.0), None);
        let queued: Vec<u64> = (0..5).map(|_| pacer.enqueue()).collect();
        for t in &queued {
            assert!(pacer.poll(*t, 10.0).is_some());
        }
        for t in queued {
            pacer.leave(t);
        }
        let late = pacer.enqueue();
        assert_eq!(
            pacer.poll(late, 1100.0),
            None,
            "aborted calls must not hold slots"
        );
    }

    #[test]
    fn fractional_qps() {
        let mut pacer = Pacer::new(0.5);
        let sent = simulate(&mut pacer, &[0.0, 0.0, 0.0]);
        assert!(
            sent[1] - sent[0] >= 2000.0 && sent[2] - sent[1] >= 2000.0,
            "{sent:?}"
        );
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
