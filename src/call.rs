//! One API call from start to finish (wasm): limiter slot → credentials → sign → send →
//! decode → retry or result. The decisions come from `policy` (pure, tested natively); this
//! loop only applies them with real time, and `transport` is its only way to the network.

use crate::api::envelope::{self, Success};
use crate::api::input::Input;
use crate::client::{credentials_from, ClientConfig};
use crate::js::convert;
use crate::js::errors::Failure;
use crate::policy::{self, Pacer};
use crate::sign::{Credentials, SigningTime};
use crate::transport::{self, AbortSignal, Interrupted};
use crate::{Error, ErrorCode};
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Refresh provider credentials this long before they expire.
const EXPIRY_MARGIN_MS: f64 = 60_000.0;

struct Provided {
    credentials: Rc<Credentials>,
    generation: u64,
    expires_at_ms: Option<f64>,
}

/// A client's state shared by its calls: settings, the limiter, the learnt clock offset and
/// the credentials a `credentials()` function supplied.
pub struct Session {
    /// Validated options.
    pub config: ClientConfig,
    fetch: Option<Function>,
    provider: Option<Function>,
    on_event: Option<Function>,
    pacer: RefCell<Option<Pacer>>,
    clock_offset_ms: Cell<f64>,
    provided: RefCell<Option<Provided>>,
    refreshing: RefCell<Option<Promise>>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl Session {
    /// A session for `config`; the functions are the caller's `fetch`, `credentials` and
    /// `onEvent` options.
    pub fn new(
        config: ClientConfig,
        fetch: Option<Function>,
        provider: Option<Function>,
        on_event: Option<Function>,
    ) -> Self {
        Self {
            pacer: RefCell::new((config.qps > 0.0).then(|| Pacer::new(config.qps))),
            clock_offset_ms: Cell::new(config.clock_offset_ms),
            config,
            fetch,
            provider,
            on_event,
            provided: RefCell::new(None),
            refreshing: RefCell::new(None),
        }
    }

    /// Tells `onEvent` (if any) what happened; never includes a secret. Its exceptions are
    /// ignored: observing a call must not break it.
    fn emit(&self, kind: &str, action: &str, fields: &[(&str, JsValue)]) {
        let Some(f) = &self.on_event else { return };
        let event = Object::new();
        let _ = Reflect::set(&event, &"type".into(), &kind.into());
        let _ = Reflect::set(&event, &"action".into(), &action.into());
        for (k, v) in fields {
            let _ = Reflect::set(&event, &(*k).into(), v);
        }
        let _ = f.call1(&JsValue::UNDEFINED, &event);
    }

    /// Fixed credentials, or the provider's (fetched once, shared by concurrent calls, and
    /// refreshed when expiring or when `stale` names the generation the server refused).
    /// Waiting for the provider is bounded like an attempt: `timeoutMs`, what is left of the
    /// deadline, and the caller's signal.
    async fn credentials(
        &self,
        action: &str,
        stale: Option<u64>,
        deadline_at: Option<f64>,
        signal: Option<&AbortSignal>,
    ) -> Result<(Rc<Credentials>, u64), Failure> {
        if let Some(c) = &self.config.credentials {
            return Ok((Rc::new(c.clone()), 0));
        }
        let Some(provider) = self.provider.as_ref() else {
            // The options said "credentials function" but it could not be read back.
            return Err(Error::invalid_argument("credentials: expected a function").into());
        };
        let mut refreshed = false;
        loop {
            if let Some(p) = self.provided.borrow().as_ref() {
                let fresh = p
                    .expires_at_ms
                    .is_none_or(|e| e - now_ms() > EXPIRY_MARGIN_MS);
                if refreshed || (Some(p.generation) != stale && fresh) {
                    return Ok((p.credentials.clone(), p.generation));
                }
            }
            let promise = {
                let mut pending = self.refreshing.borrow_mut();
                match pending.as_ref() {
                    Some(p) => p.clone(),
                    None => {
                        self.emit("credentials", action, &[]);
                        let p = match provider.call0(&JsValue::UNDEFINED) {
                            Ok(v) => Promise::resolve(&v),
                            Err(e) => Promise::reject(&e),
                        };
                        *pending = Some(p.clone());
                        p
                    }
                }
            };
            let mut limit = f64::from(self.config.timeout_ms);
            if let Some(d) = deadline_at {
                limit = limit.min((d - now_ms()).max(0.0));
            }
            let by_deadline = limit < f64::from(self.config.timeout_ms);
            let outcome = match transport::wait_for(&promise, limit as u32, signal).await {
                Ok(value) => Ok(value),
                Err(Interrupted::Failed(cause)) => Err(cause),
                Err(interrupted) => {
                    let mut error = match interrupted {
                        Interrupted::Aborted => Error::aborted(),
                        Interrupted::BadSignal(_) => transport::bad_signal(),
                        _ => {
                            // A provider that never answers must not hold every later call:
                            // the next one asks it again.
                            self.forget_refresh(&promise);
                            let mut e = Error::timeout(limit as u32);
                            e.message = if by_deadline {
                                deadline_error(
                                    action,
                                    self.config.deadline_ms,
                                    "waiting for credentials()",
                                )
                                .message
                            } else {
                                [
                                    "credentials() did not settle within timeoutMs = ",
                                    &(limit as u32).to_string(),
                                    " ms",
                                ]
                                .concat()
                            };
                            e
                        }
                    };
                    error.action = Some(action.to_owned());
                    return Err(error.into());
                }
            };
            if self
                .refreshing
                .borrow()
                .as_ref()
                .is_some_and(|p| JsValue::from(p) == JsValue::from(&promise))
            {
                *self.refreshing.borrow_mut() = None;
                if let Ok(value) = &outcome {
                    let entries = convert::to_entries(value).ok_or_else(|| {
                        Error::invalid_argument("credentials(): must resolve to { accessKeyId, secretAccessKey, sessionToken? }")
                    })?;
                    let credentials = credentials_from(&entries, "credentials()")?;
                    let expires_at_ms = match crate::api::input::get(&entries, "expiration") {
                        Input::Date(ms) | Input::Number(ms) if ms.is_finite() => Some(*ms),
                        _ => None,
                    };
                    let generation = self
                        .provided
                        .borrow()
                        .as_ref()
                        .map_or(1, |p| p.generation + 1);
                    *self.provided.borrow_mut() = Some(Provided {
                        credentials: Rc::new(credentials),
                        generation,
                        expires_at_ms,
                    });
                }
            }
            if let Err(cause) = outcome {
                let mut error = Error::invalid_argument(
                    [
                        "credentials(): the credentials function failed: ",
                        &convert::describe_thrown(&cause),
                    ]
                    .concat(),
                );
                error.code = ErrorCode::CredentialsError;
                error.action = Some(action.to_owned());
                return Err(Failure { error, cause });
            }
            refreshed = true;
        }
    }

    /// Drops `promise` as the refresh in flight, if it still is.
    fn forget_refresh(&self, promise: &Promise) {
        let mut pending = self.refreshing.borrow_mut();
        if pending
            .as_ref()
            .is_some_and(|p| JsValue::from(p) == JsValue::from(promise))
        {
            *pending = None;
        }
    }

    /// Runs `action` with `body` to completion under the client's limiter, retry, skew and
    /// deadline rules; every error reports how many attempts were made.
    pub async fn execute(
        &self,
        action: &str,
        version: &str,
        body: Vec<u8>,
        signal: Option<&AbortSignal>,
    ) -> Result<Success, Failure> {
        let started = now_ms();
        let deadline_at = self.config.deadline_ms.map(|d| started + f64::from(d));
        let past_deadline = |what: &str| deadline_error(action, self.config.deadline_ms, what);
        let (mut attempts, mut retries_used) = (0u32, 0u32);
        let (mut skew_retried, mut token_retried) = (false, false);
        let mut stale_generation = None;
        loop {
            // 1. A limiter slot. Waiting here never counts toward timeoutMs.
            self.wait_for_slot(action, deadline_at, signal)
                .await
                .map_err(|f| with_attempts(f, attempts))?;
            // 2. Credentials and a signature at the (corrected) current time.
            let (credentials, generation) = self
                .credentials(action, stale_generation.take(), deadline_at, signal)
                .await
                .map_err(|f| with_attempts(f, attempts))?;
            let signing_now = SigningTime::from_unix_millis(now_ms() + self.clock_offset_ms.get());
            let prepared = self
                .config
                .prepare(&credentials, action, version, body.clone(), signing_now)
                .map_err(|e| with_attempts(e.into(), attempts))?;
            // 3. One attempt, bounded by timeoutMs and what is left of the deadline.
            let mut timeout = f64::from(self.config.timeout_ms);
            let by_deadline = deadline_at.is_some_and(|d| d - now_ms() < timeout);
            if let Some(d) = deadline_at {
                timeout = timeout.min(d - now_ms());
                if timeout < 1.0 {
                    return Err(with_attempts(
                        past_deadline("before the next attempt").into(),
                        attempts,
                    ));
                }
            }
            if signal.is_some_and(|s| s.aborted()) {
                return Err(with_attempts(Error::aborted().into(), attempts));
            }
            attempts += 1;
            self.emit("request", action, &[("attempt", attempts.into())]);
            let sent_at = now_ms();
            let reply =
                transport::send(self.fetch.as_ref(), &prepared, timeout as u32, signal).await;
            if let Some(p) = self.pacer.borrow_mut().as_mut() {
                let now = now_ms();
                p.observe_latency(now, now - sent_at);
            }
            let (failure, date, retry_after) = match reply {
                Ok(reply) => match envelope::decode(action, reply.status, &reply.body) {
                    Ok(ok) => {
                        self.emit(
                            "response",
                            action,
                            &[
                                ("attempt", attempts.into()),
                                ("status", reply.status.into()),
                                ("requestId", ok.metadata.request_id.as_str().into()),
                                ("durationMs", (now_ms() - sent_at).into()),
                            ],
                        );
                        return Ok(ok);
                    }
                    Err(error) => (Failure::from(error), reply.date, reply.retry_after),
                },
                Err(mut failure) => {
                    // The attempt had only what was left of the deadline: say which limit.
                    if by_deadline && failure.error.code == ErrorCode::Timeout {
                        failure.error.message = past_deadline("waiting for a response").message;
                    }
                    (failure, None, None)
                }
            };
            let mut failure = with_attempts(failure, attempts);
            failure.error.action = Some(action.to_owned());
            let code = failure.error.code.as_str().to_owned();
            let mut event: Vec<(&str, JsValue)> =
                vec![("attempt", attempts.into()), ("code", code.as_str().into())];
            if let Some(s) = failure.error.status {
                event.push(("status", s.into()));
            }
            self.emit("response", action, &event);
            // 4. Retry what the rules allow.
            if code.eq_ignore_ascii_case("InvalidTimestamp")
                && self.config.auto_clock_skew
                && !skew_retried
            {
                // Compare with the clock we signed with: local time plus the offset in use.
                let signing_clock = now_ms() + self.clock_offset_ms.get();
                if let Some(correction) = date
                    .as_deref()
                    .and_then(|d| policy::clock_offset_from(d, signing_clock))
                {
                    skew_retried = true;
                    let offset = self.clock_offset_ms.get() + correction;
                    self.clock_offset_ms.set(offset);
                    self.emit(
                        "clockSkew",
                        action,
                        &[
                            ("offsetMs", offset.into()),
                            ("correctionMs", correction.into()),
                        ],
                    );
                    continue;
                }
            }
            if code.eq_ignore_ascii_case("InvalidSecretToken")
                && self.provider.is_some()
                && !token_retried
            {
                token_retried = true;
                stale_generation = Some(generation);
                continue;
            }
            if !self
                .config
                .retry
                .should_retry(&failure.error, retries_used + 1)
            {
                return Err(failure);
            }
            let asked = policy::retry_after(
                retry_after.as_deref(),
                date.as_deref(),
                now_ms() + self.clock_offset_ms.get(),
            );
            let Some(delay) =
                self.config
                    .retry
                    .backoff_ms(retries_used + 1, js_sys::Math::random(), asked)
            else {
                // Longer than we wait, or unreadable: the caller decides, not a guess.
                return Err(failure);
            };
            if deadline_at.is_some_and(|d| now_ms() + delay >= d) {
                return Err(failure);
            }
            retries_used += 1;
            self.emit(
                "retry",
                action,
                &[
                    ("attempt", attempts.into()),
                    ("code", code.as_str().into()),
                    ("delayMs", delay.into()),
                ],
            );
            transport::sleep(delay, signal)
                .await
                .map_err(|f| with_attempts(f, attempts))?;
        }
    }
}

impl Session {
    /// Waits in the limiter's queue (FIFO) until a slot is free; gives the place back when
    /// aborted or when the slot would come after the deadline.
    async fn wait_for_slot(
        &self,
        action: &str,
        deadline_at: Option<f64>,
        signal: Option<&AbortSignal>,
    ) -> Result<(), Failure> {
        let Some(ticket) = self.pacer.borrow_mut().as_mut().map(Pacer::enqueue) else {
            return Ok(());
        };
        let mut throttled = false;
        loop {
            let wait = self
                .pacer
                .borrow_mut()
                .as_mut()
                .and_then(|p| p.poll(ticket, now_ms()));
            let Some(wait) = wait else { return Ok(()) };
            let give_up = if deadline_at.is_some_and(|d| now_ms() + wait >= d) {
                Some(
                    deadline_error(
                        action,
                        self.config.deadline_ms,
                        "while queued for the qps limit",
                    )
                    .into(),
                )
            } else {
                if !throttled {
                    throttled = true;
                    self.emit("throttle", action, &[("delayMs", wait.into())]);
                }
                transport::sleep(wait, signal).await.err()
            };
            if let Some(f) = give_up {
                if let Some(p) = self.pacer.borrow_mut().as_mut() {
                    p.leave(ticket);
                }
                return Err(f);
            }
        }
    }
}

/// A `Timeout` for `deadlineMs`, saying where the time ran out.
fn deadline_error(action: &str, deadline_ms: Option<u32>, what: &str) -> Error {
    let ms = deadline_ms.unwrap_or(0);
    let mut e = Error::timeout(ms);
    e.message = ["deadlineMs = ", &ms.to_string(), " ms passed ", what].concat();
    e.action = Some(action.to_owned());
    e
}

fn with_attempts(mut f: Failure, attempts: u32) -> Failure {
    f.error.attempts = attempts;
    f
}
