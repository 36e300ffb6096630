//! The call loop (`client::call`) driven natively: a scripted mock transport (named as such:
//! it stands for the network), a virtual clock that advances only when the loop sleeps or an
//! attempt takes time, and a seeded random source. Every reliability rule is checked
//! deterministically, with no real sleeps.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use volc_im::api::input::{Entries, Input};
use volc_im::client::call::{
    Clock, CredentialsSource, Event, Failure, Observer, ProviderWait, Random, Reply, Transport,
};
use volc_im::client::{ClientConfig, PreparedRequest, Session};
use volc_im::sign::Credentials;
use volc_im::{Error, ErrorCode};

const START_MS: f64 = 1_717_756_424_000.0; // Fri, 07 Jun 2024 10:33:44 GMT

/// What the mock network answers, in order.
enum Scripted {
    /// A reply after `latency_ms` of virtual time.
    Reply { latency_ms: f64, reply: Reply },
    /// A failure after `latency_ms`.
    Fail { latency_ms: f64, error: Error },
}

fn envelope_ok() -> Vec<u8> {
    br#"{"ResponseMetadata":{"RequestId":"R1","Action":"P2PSendMessage","Version":"2020-12-01"},"Result":{"P2PResult":[]}}"#.to_vec()
}

fn envelope_err(code: &str, code_n: i64) -> Vec<u8> {
    format!(r#"{{"ResponseMetadata":{{"RequestId":"RE","Error":{{"Code":"{code}","CodeN":{code_n},"Message":"m"}}}}}}"#).into_bytes()
}

fn ok() -> Scripted {
    Scripted::Reply {
        latency_ms: 20.0,
        reply: Reply {
            status: 200,
            date: None,
            retry_after: None,
            body: envelope_ok(),
        },
    }
}

fn err(
    status: u16,
    code: &str,
    code_n: i64,
    retry_after: Option<&str>,
    date: Option<&str>,
) -> Scripted {
    Scripted::Reply {
        latency_ms: 20.0,
        reply: Reply {
            status,
            date: date.map(str::to_owned),
            retry_after: retry_after.map(str::to_owned),
            body: envelope_err(code, code_n),
        },
    }
}

/// The mock runtime: scripted network, virtual clock, credentials provider, recorded events.
#[derive(Default)]
struct Mock {
    now: Mutex<f64>,
    script: Mutex<VecDeque<Scripted>>,
    /// (virtual time sent, the request) per attempt.
    sent: Mutex<Vec<(f64, PreparedRequest)>>,
    events: Mutex<Vec<String>>,
    aborted: AtomicBool,
    /// With a provider: how often it was asked, and the generation it hands out.
    provider: Option<Mutex<u64>>,
}

impl Mock {
    fn new(script: Vec<Scripted>) -> Self {
        Self {
            now: Mutex::new(START_MS),
            script: Mutex::new(script.into()),
            ..Self::default()
        }
    }
    fn with_provider(mut self) -> Self {
        self.provider = Some(Mutex::new(0));
        self
    }
    fn advance(&self, ms: f64) {
        *self.now.lock().unwrap() += ms;
    }
    fn elapsed(&self) -> f64 {
        *self.now.lock().unwrap() - START_MS
    }
    fn sent_times(&self) -> Vec<f64> {
        self.sent
            .lock()
            .unwrap()
            .iter()
            .map(|(t, _)| t - START_MS)
            .collect()
    }
    fn events(&self) -> Vec<String> {
        self.events.lock().unwrap().clone()
    }
}

impl Transport for Mock {
    type Cause = ();
    async fn send(
        &self,
        req: &PreparedRequest,
        timeout_ms: u32,
        _max: u32,
    ) -> Result<Reply, Failure<()>> {
        self.sent
            .lock()
            .unwrap()
            .push((*self.now.lock().unwrap(), req.clone()));
        let next = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .expect("the script has an answer");
        let (latency, outcome) = match next {
            Scripted::Reply { latency_ms, reply } => (latency_ms, Ok(reply)),
            Scripted::Fail { latency_ms, error } => (latency_ms, Err(error.into())),
        };
        if latency > f64::from(timeout_ms) {
            self.advance(f64::from(timeout_ms));
            return Err(Error::timeout(timeout_ms).into());
        }
        self.advance(latency);
        outcome
    }
}

impl Clock for Mock {
    fn now_ms(&self) -> f64 {
        *self.now.lock().unwrap()
    }
    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        if self.aborted() {
            return Err(Error::aborted());
        }
        self.advance(ms.max(0.0));
        Ok(())
    }
    fn aborted(&self) -> bool {
        self.aborted.load(Ordering::SeqCst)
    }
}

impl Random for Mock {
    fn random(&self) -> f64 {
        0.5
    }
}

impl Observer for Mock {
    fn event(&self, _action: &str, event: Event<'_>) {
        let name = match event {
            Event::Request { .. } => "request".to_owned(),
            Event::Response { .. } => "response".to_owned(),
            Event::Failed { code, .. } => format!("failed:{code}"),
            Event::Retry { delay_ms, .. } => format!("retry:{delay_ms}"),
            Event::Throttle { .. } => "throttle".to_owned(),
            Event::ClockSkew { correction_ms, .. } => format!("skew:{correction_ms}"),
            Event::Credentials => "credentials".to_owned(),
        };
        self.events.lock().unwrap().push(name);
    }
}

impl CredentialsSource for Mock {
    type Cause = ();
    fn has_provider(&self) -> bool {
        self.provider.is_some()
    }
    async fn credentials(
        &self,
        action: &str,
        stale: Option<u64>,
        _limit: f64,
    ) -> Result<(Arc<Credentials>, u64), ProviderWait<()>> {
        let mut generation = self.provider.as_ref().unwrap().lock().unwrap();
        if *generation == 0 || stale == Some(*generation) {
            *generation += 1;
            self.event(action, Event::Credentials);
        }
        let creds = Credentials {
            access_key_id: format!("AKTPgeneration{}", *generation),
            secret_access_key: "sk".into(),
            session_token: Some(format!("token{}", *generation)),
        };
        Ok((Arc::new(creds), *generation))
    }
}

fn config(extra: &[(&str, Input)]) -> ClientConfig {
    let mut e: Entries = vec![
        ("accessKeyId".into(), Input::Str("AKLTtest".into())),
        ("secretAccessKey".into(), Input::Str("secret".into())),
        (
            "endpoint".into(),
            Input::Str("http://127.0.0.1:8780".into()),
        ),
        ("qps".into(), Input::Number(0.0)),
    ];
    for (k, v) in extra {
        e.retain(|(key, _)| key != k);
        e.push(((*k).into(), v.clone()));
    }
    ClientConfig::from_entries(&e).unwrap()
}

async fn run(
    session: &Session,
    mock: &Mock,
) -> Result<volc_im::api::envelope::Success, Failure<()>> {
    session
        .execute(mock, "P2PSendMessage", "2020-12-01", b"{}".to_vec())
        .await
}

fn header<'a>(req: &'a PreparedRequest, name: &str) -> &'a str {
    &req.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .unwrap()
        .1
}

#[tokio::test]
async fn throttled_429_waits_for_retry_after_then_succeeds() {
    let mock = Mock::new(vec![
        err(429, "FlowLimitExceeded", 100018, Some("2"), None),
        ok(),
    ]);
    let session = Session::new(config(&[]));
    let ok = run(&session, &mock).await.unwrap();
    assert_eq!(ok.attempts, 2);
    // The retry left no earlier than Retry-After (2 s) after the answer (at 20 ms).
    assert_eq!(mock.sent_times(), [0.0, 2020.0]);
    assert_eq!(
        mock.events(),
        [
            "request",
            "failed:FlowLimitExceeded",
            "retry:2000",
            "request",
            "response"
        ]
    );
}

#[tokio::test]
async fn retry_after_past_the_ceiling_or_unreadable_is_returned_not_retried() {
    for value in ["3600", "-1", "1.5", "Fri, 07 Jun 2024 11:33:44 GMT"] {
        let mock = Mock::new(vec![
            err(429, "FlowLimitExceeded", 100018, Some(value), None),
            ok(),
        ]);
        let e = run(&Session::new(config(&[])), &mock)
            .await
            .unwrap_err()
            .error;
        assert_eq!(
            (e.code.as_str(), e.attempts),
            ("FlowLimitExceeded", 1),
            "{value}"
        );
        assert_eq!(mock.elapsed(), 20.0, "{value}: no wait");
    }
}

#[tokio::test]
async fn server_errors_are_not_retried_unless_unsafe_retries_are_on() {
    let mock = Mock::new(vec![err(500, "InternalError", 100014, None, None), ok()]);
    let e = run(&Session::new(config(&[])), &mock)
        .await
        .unwrap_err()
        .error;
    assert_eq!(
        (e.code.as_str(), e.status, e.attempts, e.retryable),
        ("InternalError", Some(500), 1, false)
    );
    let mock = Mock::new(vec![err(500, "InternalError", 100014, None, None), ok()]);
    let session = Session::new(config(&[("retryUnsafe", Input::Bool(true))]));
    assert_eq!(run(&session, &mock).await.unwrap().attempts, 2);
}

#[tokio::test]
async fn a_timeout_after_sending_is_not_retried() {
    let slow = Scripted::Reply {
        latency_ms: 60_000.0,
        reply: Reply {
            status: 200,
            date: None,
            retry_after: None,
            body: envelope_ok(),
        },
    };
    let mock = Mock::new(vec![slow, ok()]);
    let session = Session::new(config(&[("timeoutMs", Input::Number(1000.0))]));
    let e = run(&session, &mock).await.unwrap_err().error;
    assert_eq!((e.code, e.attempts), (ErrorCode::Timeout, 1));
    assert!(e.message.contains("timeoutMs = 1000"), "{}", e.message);
    assert_eq!(mock.elapsed(), 1000.0);
}

#[tokio::test]
async fn a_refused_connection_is_retried_with_backoff() {
    let mut refused = Error::network_to(
        "http://127.0.0.1:8780/?A=1",
        Some("ECONNREFUSED"),
        "connect",
    );
    refused.retryable = true;
    let mock = Mock::new(vec![
        Scripted::Fail {
            latency_ms: 1.0,
            error: refused,
        },
        ok(),
    ]);
    let ok = run(&Session::new(config(&[])), &mock).await.unwrap();
    assert_eq!(ok.attempts, 2);
    // Full jitter (random 0.5) of the first ceiling, 100 ms.
    assert_eq!(mock.sent_times(), [0.0, 51.0]);
}

#[tokio::test]
async fn clock_skew_is_learnt_from_date_and_the_call_is_signed_again() {
    // The server's clock is an hour ahead of ours.
    let server_date = "Fri, 07 Jun 2024 11:33:44 GMT";
    let mock = Mock::new(vec![
        err(400, "InvalidTimestamp", 100006, None, Some(server_date)),
        ok(),
    ]);
    let session = Session::new(config(&[]));
    assert_eq!(run(&session, &mock).await.unwrap().attempts, 2);
    let offset = session.clock_offset_ms();
    assert!((offset - 3_600_000.0).abs() < 1_000.0, "{offset}");
    {
        let sent = mock.sent.lock().unwrap();
        assert_eq!(header(&sent[0].1, "X-Date"), "20240607T103344Z");
        assert!(
            header(&sent[1].1, "X-Date").starts_with("20240607T1133"),
            "{}",
            header(&sent[1].1, "X-Date")
        );
    }
    assert!(mock.events().iter().any(|e| e.starts_with("skew:")));
    // Once per call: a second InvalidTimestamp is returned.
    let mock = Mock::new(vec![
        err(400, "InvalidTimestamp", 100006, None, Some(server_date)),
        err(
            400,
            "InvalidTimestamp",
            100006,
            None,
            Some("Fri, 07 Jun 2024 13:33:44 GMT"),
        ),
    ]);
    let e = run(&Session::new(config(&[])), &mock)
        .await
        .unwrap_err()
        .error;
    assert_eq!((e.code.as_str(), e.attempts), ("InvalidTimestamp", 2));
}

#[tokio::test]
async fn expired_provider_credentials_are_refreshed_once() {
    let e: Entries = vec![
        ("credentials".into(), Input::Other("function")),
        (
            "endpoint".into(),
            Input::Str("http://127.0.0.1:8780".into()),
        ),
        ("qps".into(), Input::Number(0.0)),
    ];
    let session = Session::new(ClientConfig::from_entries(&e).unwrap());
    let mock = Mock::new(vec![err(401, "InvalidSecretToken", 0, None, None), ok()]).with_provider();
    assert_eq!(run(&session, &mock).await.unwrap().attempts, 2);
    {
        let sent = mock.sent.lock().unwrap();
        assert_eq!(header(&sent[0].1, "X-Security-Token"), "token1");
        assert_eq!(header(&sent[1].1, "X-Security-Token"), "token2");
    }
    assert_eq!(
        mock.events().iter().filter(|e| *e == "credentials").count(),
        2
    );
    // Refused again: returned, not asked a third time.
    let mock = Mock::new(vec![
        err(401, "InvalidSecretToken", 0, None, None),
        err(401, "InvalidSecretToken", 0, None, None),
    ])
    .with_provider();
    let e = run(&session, &mock).await.unwrap_err().error;
    assert_eq!((e.code.as_str(), e.attempts), ("InvalidSecretToken", 2));
}

#[tokio::test]
async fn the_deadline_holds_across_retries() {
    let throttled = || err(429, "FlowLimitExceeded", 100018, Some("1"), None);
    let mock = Mock::new(vec![throttled(), throttled(), throttled(), ok()]);
    let session = Session::new(config(&[
        ("deadlineMs", Input::Number(2500.0)),
        ("retries", Input::Number(5.0)),
    ]));
    let e = run(&session, &mock).await.unwrap_err().error;
    // 0 → 20 ms answer, wait 1 s, 1020 → 1040, wait 1 s, 2040 → 2060: a third wait would pass 2.5 s.
    assert_eq!((e.code.as_str(), e.attempts), ("FlowLimitExceeded", 2 + 1));
    assert!(mock.elapsed() <= 2500.0, "{}", mock.elapsed());
    // A deadline shorter than the per-attempt timeout cuts the attempt, and says deadlineMs.
    let slow = Scripted::Reply {
        latency_ms: 5_000.0,
        reply: Reply {
            status: 200,
            date: None,
            retry_after: None,
            body: envelope_ok(),
        },
    };
    let mock = Mock::new(vec![slow]);
    let session = Session::new(config(&[("deadlineMs", Input::Number(300.0))]));
    let e = run(&session, &mock).await.unwrap_err().error;
    assert_eq!(e.code, ErrorCode::Timeout);
    assert!(
        e.message.starts_with("deadlineMs = 300 ms passed"),
        "{}",
        e.message
    );
    assert_eq!(mock.elapsed(), 300.0);
}

#[tokio::test]
async fn a_call_aborted_while_queued_gives_its_place_back() {
    let session = Session::new(config(&[("qps", Input::Number(1.0))]));
    let mock = Mock::new(vec![ok(), ok()]);
    run(&session, &mock).await.unwrap(); // takes this second's slot
    mock.aborted.store(true, Ordering::SeqCst);
    let e = run(&session, &mock).await.unwrap_err().error;
    assert_eq!((e.code, e.attempts), (ErrorCode::Aborted, 0));
    assert_eq!(
        mock.sent_times().len(),
        1,
        "nothing sent for the aborted call"
    );
    mock.aborted.store(false, Ordering::SeqCst);
    // The next call waits only for the first call's window, not behind the aborted one.
    run(&session, &mock).await.unwrap();
    let times = mock.sent_times();
    assert!(times[1] >= 1000.0 && times[1] < 1400.0, "{times:?}");
}

#[tokio::test]
async fn an_error_inside_http_200_is_an_error() {
    let mock = Mock::new(vec![err(200, "InternalError", 100014, None, None)]);
    let e = run(&Session::new(config(&[])), &mock)
        .await
        .unwrap_err()
        .error;
    assert_eq!(
        (e.code.as_str(), e.status, e.code_n, e.attempts),
        ("InternalError", Some(200), Some(100014), 1)
    );
}

#[tokio::test]
async fn sessions_sharing_a_limiter_share_its_window() {
    let limiter = volc_im::QpsLimiter::new(2.0).unwrap();
    let a = Session::with_limiter(config(&[]), Some(limiter.clone()));
    let b = Session::with_limiter(config(&[]), Some(limiter));
    let mock = Mock::new(vec![ok(), ok(), ok(), ok()]);
    for session in [&a, &b, &a, &b] {
        run(session, &mock).await.unwrap();
    }
    // Two per window across both sessions: the third call waits for the next window.
    let t = mock.sent_times();
    assert!(
        t[1] < 1000.0 && t[2] >= 1000.0 && t[3] < t[2] + 1000.0,
        "{t:?}"
    );
    assert!(volc_im::QpsLimiter::new(0.0).is_err() && volc_im::QpsLimiter::new(f64::NAN).is_err());
}
