//! Fault injection: `POST /sim/faults {"count":N,"kind":...}` makes the next N OpenAPI calls
//! fail that way *before* any processing, so a faulted call never delivers (except `delay`,
//! which only waits). This is how client retry, timeout and error-decoding paths get tested
//! against real sockets rather than mocks.

use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Mutex;

/// Longest `delayMs` accepted (a test must not hang for minutes by mistake).
pub const MAX_DELAY_MS: u64 = 120_000;
/// `delayMs` when the request leaves it out.
pub const DEFAULT_DELAY_MS: u64 = 1_000;

/// How a call fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500, envelope `InternalError`/100014.
    Status500,
    /// HTTP 503, envelope `ServiceUnavailableTemp`/100019.
    Status503,
    /// HTTP 429, envelope `FlowLimitExceeded`/100018, `Retry-After: 1`.
    Throttle,
    /// Waits this many milliseconds, then processes the call normally.
    Delay(u64),
    /// HTTP 200 with the truncated body `{"ResponseMetadata":`.
    Malformed,
    /// HTTP 502 with an HTML page, as a load balancer sends.
    Html,
    /// HTTP 200 with an empty body.
    Empty,
    /// The connection is closed with no response at all.
    Reset,
    /// HTTP 502, envelope `FailToConnect`/100015.
    FailToConnect,
    /// HTTP 504, envelope `InternalServiceTimeout`/100016.
    InternalServiceTimeout,
    /// HTTP 200 whose envelope carries `Error` (`InternalError`/100014) and no `Result`.
    ErrorOn200,
}

impl Fault {
    /// The name used in requests, stats and logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Status500 => "status500",
            Self::Status503 => "status503",
            Self::Throttle => "throttle",
            Self::Delay(_) => "delay",
            Self::Malformed => "malformed",
            Self::Html => "html",
            Self::Empty => "empty",
            Self::Reset => "reset",
            Self::FailToConnect => "failToConnect",
            Self::InternalServiceTimeout => "internalServiceTimeout",
            Self::ErrorOn200 => "errorOn200",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    count: u64,
    kind: String,
    #[serde(rename = "delayMs", default)]
    delay_ms: Option<u64>,
}

/// Parses a `POST /sim/faults` body into (fault, count).
pub fn parse_request(body: &[u8]) -> Result<(Fault, u64), String> {
    let r: FaultRequest = serde_json::from_slice(body)
        .map_err(|e| format!("expected {{\"count\": N, \"kind\": KIND, \"delayMs\"?: n}}: {e}"))?;
    if r.count == 0 {
        return Err("count must be at least 1 (DELETE /sim/faults clears)".into());
    }
    let fault = match r.kind.as_str() {
        "status500" => Fault::Status500,
        "status503" => Fault::Status503,
        "throttle" => Fault::Throttle,
        "delay" => {
            let ms = r.delay_ms.unwrap_or(DEFAULT_DELAY_MS);
            if ms > MAX_DELAY_MS {
                return Err(format!("delayMs must be at most {MAX_DELAY_MS}"));
            }
            Fault::Delay(ms)
        }
        "malformed" => Fault::Malformed,
        "html" => Fault::Html,
        "empty" => Fault::Empty,
        "reset" => Fault::Reset,
        "failToConnect" => Fault::FailToConnect,
        "internalServiceTimeout" => Fault::InternalServiceTimeout,
        "errorOn200" => Fault::ErrorOn200,
        other => {
            return Err(format!(
                "kind {other:?} is not one of status500, status503, throttle, delay, malformed, html, empty, reset, failToConnect, internalServiceTimeout, errorOn200"
            ))
        }
    };
    if r.delay_ms.is_some() && !matches!(fault, Fault::Delay(_)) {
        return Err("delayMs applies to kind \"delay\" only".into());
    }
    Ok((fault, r.count))
}

/// The pending plan: one fault kind for the next `remaining` calls.
#[derive(Debug, Default)]
pub struct Faults {
    plan: Mutex<Option<(Fault, u64)>>,
}

impl Faults {
    /// Replaces the plan.
    pub fn set(&self, fault: Fault, count: u64) {
        *self.plan.lock().unwrap_or_else(|e| e.into_inner()) = Some((fault, count));
    }

    /// Drops the plan.
    pub fn clear(&self) {
        *self.plan.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The fault for the call now arriving, if any (uses one from the plan).
    pub fn take(&self) -> Option<Fault> {
        let mut plan = self.plan.lock().unwrap_or_else(|e| e.into_inner());
        let (fault, remaining) = plan.as_mut()?;
        let fault = *fault;
        *remaining -= 1;
        if *remaining == 0 {
            *plan = None;
        }
        Some(fault)
    }

    /// The plan as JSON for `GET /sim/faults`.
    pub fn describe(&self, enabled: bool) -> Value {
        let plan = *self.plan.lock().unwrap_or_else(|e| e.into_inner());
        match plan {
            None => json!({"enabled": enabled, "kind": null, "remaining": 0}),
            Some((f, n)) => {
                let mut v = json!({"enabled": enabled, "kind": f.name(), "remaining": n});
                if let Fault::Delay(ms) = f {
                    v["delayMs"] = ms.into();
                }
                v
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_and_plans_count_down() {
        assert_eq!(
            parse_request(br#"{"count":2,"kind":"delay","delayMs":50}"#),
            Ok((Fault::Delay(50), 2))
        );
        assert_eq!(
            parse_request(br#"{"count":1,"kind":"reset"}"#),
            Ok((Fault::Reset, 1))
        );
        for bad in [
            &br#"{"count":0,"kind":"reset"}"#[..],
            br#"{"count":1,"kind":"boom"}"#,
            br#"{"count":1,"kind":"html","delayMs":5}"#,
            br#"{"kind":"html"}"#,
            br#"{"count":1,"kind":"delay","delayMs":999999}"#,
            b"nope",
        ] {
            assert!(parse_request(bad).is_err());
        }
        let f = Faults::default();
        f.set(Fault::Html, 2);
        assert_eq!(f.take(), Some(Fault::Html));
        assert_eq!(f.take(), Some(Fault::Html));
        assert_eq!(f.take(), None);
        f.set(Fault::Empty, 5);
        f.clear();
        assert_eq!(f.take(), None);
    }
}
