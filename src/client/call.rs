//! One API call from start to finish, for every runtime: limiter slot → credentials → sign →
//! send → decode → retry or result. Every decision comes from [`policy`]; the runtime enters
//! only through the small traits below (the network, time and randomness, the credentials
//! provider, the event hook), so the whole loop runs natively under a virtual clock in tests,
//! in wasm over JS `fetch` and timers, and natively over an HTTP client.

use crate::api::envelope::{self, Success};
use crate::client::options::{ClientConfig, PreparedRequest};
use crate::client::policy::{self, Pacer};
use crate::sign::{Credentials, SigningTime};
use crate::{Error, ErrorCode};
use std::future::Future;
use std::sync::{Arc, Mutex};

/// `Send` where futures may move between threads (native), nothing in single-threaded wasm,
/// whose JS values are not `Send`.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send> MaybeSend for T {}
/// `Send` where futures may move between threads (native), nothing in single-threaded wasm,
/// whose JS values are not `Send`.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T> MaybeSend for T {}

/// An error plus the runtime's own value behind it (a JS `fetch` rejection, an HTTP client
/// error), kept as the error's `cause`.
#[derive(Debug)]
pub struct Failure<C> {
    /// What went wrong.
    pub error: Error,
    /// The runtime's value behind it, if any.
    pub cause: Option<C>,
}

impl<C> From<Error> for Failure<C> {
    fn from(error: Error) -> Self {
        Self { error, cause: None }
    }
}

/// What came back from one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The `Date` header, when readable (clock-skew correction, `Retry-After` dates).
    pub date: Option<String>,
    /// The `Retry-After` header.
    pub retry_after: Option<String>,
    /// The body, at most `max_response_bytes` of it.
    pub body: Vec<u8>,
}

/// The network: one attempt.
pub trait Transport {
    /// The runtime's error value.
    type Cause;
    /// Sends `req` once. Settles within `timeout_ms`, body included, and never buffers more
    /// than `max_response_bytes` of the body (past it: `InvalidResponse`, the rest unread).
    fn send(
        &self,
        req: &PreparedRequest,
        timeout_ms: u32,
        max_response_bytes: u32,
    ) -> impl Future<Output = Result<Reply, Failure<Self::Cause>>> + MaybeSend;
}

/// Time, as this call sees it (the caller's abort signal included).
pub trait Clock {
    /// Milliseconds since the epoch, by the local clock.
    fn now_ms(&self) -> f64;
    /// Waits `ms`; `Err(Aborted)` when the call's signal fires first.
    fn sleep(&self, ms: f64) -> impl Future<Output = Result<(), Error>> + MaybeSend;
    /// Whether the call's signal has fired.
    fn aborted(&self) -> bool;
}

/// A random number in [0, 1), for backoff jitter.
pub trait Random {
    /// The next number.
    fn random(&self) -> f64;
}

/// How waiting for a credentials provider ended, when it did not answer.
#[derive(Debug)]
pub enum ProviderWait<C> {
    /// It did not settle within the limit it was given.
    TimedOut,
    /// The call's signal fired.
    Aborted,
    /// It failed, or answered something that is not credentials.
    Failed(Failure<C>),
}

/// Where credentials come from when the client was not given fixed ones.
pub trait CredentialsSource {
    /// The runtime's error value.
    type Cause;
    /// Whether there is a provider at all (without one, a client has fixed credentials).
    fn has_provider(&self) -> bool;
    /// The current credentials and their generation: fetched once and shared by concurrent
    /// calls, refreshed when expiring or when `stale` names the generation the server refused.
    /// Waits at most `limit_ms`; tells the observer ([`Event::Credentials`]) when it asks.
    fn credentials(
        &self,
        action: &str,
        stale: Option<u64>,
        limit_ms: f64,
    ) -> impl Future<Output = Result<(Arc<Credentials>, u64), ProviderWait<Self::Cause>>> + MaybeSend;
}

/// What the event hook is told (never a secret or a header).
#[derive(Clone, Debug, PartialEq)]
pub enum Event<'a> {
    /// An attempt starts.
    Request {
        /// 1-based.
        attempt: u32,
    },
    /// An attempt succeeded.
    Response {
        /// 1-based.
        attempt: u32,
        /// HTTP status.
        status: u16,
        /// The server's RequestId.
        request_id: &'a str,
        /// How long the attempt took.
        duration_ms: f64,
    },
    /// An attempt failed.
    Failed {
        /// 1-based.
        attempt: u32,
        /// The error code.
        code: &'a str,
        /// The HTTP status, if a response came.
        status: Option<u16>,
    },
    /// A retry is scheduled.
    Retry {
        /// The attempt that failed.
        attempt: u32,
        /// Its code.
        code: &'a str,
        /// The wait before the next attempt.
        delay_ms: f64,
    },
    /// The call waits for the QPS limiter.
    Throttle {
        /// How long, at first estimate.
        delay_ms: f64,
    },
    /// The clock offset was corrected from the server's `Date`.
    ClockSkew {
        /// The offset now in use.
        offset_ms: f64,
        /// The change just made.
        correction_ms: f64,
    },
    /// The credentials provider is asked.
    Credentials,
}

/// Receives [`Event`]s; must not fail (observing a call must not break it).
pub trait Observer {
    /// One event of `action`.
    fn event(&self, action: &str, event: Event<'_>);
}

/// Everything one call needs from its runtime.
pub trait Runtime:
    Transport + Clock + Random + Observer + CredentialsSource<Cause = <Self as Transport>::Cause>
{
}
impl<T> Runtime for T where
    T: Transport + Clock + Random + Observer + CredentialsSource<Cause = <T as Transport>::Cause>
{
}

/// A client-side QPS limit that several clients of one process share (`QpsLimiter` in JS,
/// the `limiter` option): each client's own `qps` limit knows nothing of the others, so two
/// clients on one AppId would each send up to the vendor's limit. Across processes or
/// isolates, the relay Worker's gate holds the limit.
#[derive(Clone, Debug)]
pub struct QpsLimiter(Arc<Mutex<Pacer>>);

impl QpsLimiter {
    /// A limiter of `qps` requests per second (more than 0, at most 100000).
    pub fn new(qps: f64) -> Result<Self, Error> {
        if !(qps > 0.0 && qps <= 100_000.0) {
            return Err(Error::invalid_argument(
                "qps: must be a number above 0 and at most 100000",
            ));
        }
        Ok(Self(Arc::new(Mutex::new(Pacer::new(qps)))))
    }
}

/// A client's state shared by its calls: settings, the limiter and the learnt clock offset.
#[derive(Debug)]
pub struct Session {
    /// Validated options.
    pub config: ClientConfig,
    pacer: Option<QpsLimiter>,
    clock_offset_ms: Mutex<f64>,
}

/// A `Timeout` for `deadlineMs`, saying where the time ran out.
fn deadline_error(action: &str, deadline_ms: Option<u32>, what: &str) -> Error {
    let ms = deadline_ms.unwrap_or(0);
    let mut e = Error::timeout(ms);
    e.message = ["deadlineMs = ", &ms.to_string(), " ms passed ", what].concat();
    e.action = Some(action.to_owned());
    e
}

fn with_attempts<C>(mut f: Failure<C>, attempts: u32) -> Failure<C> {
    f.error.attempts = attempts;
    f
}

impl Session {
    /// A session for `config`, with its own limiter of `config.qps` (0: none).
    pub fn new(config: ClientConfig) -> Self {
        let own =
            (config.qps > 0.0).then(|| QpsLimiter(Arc::new(Mutex::new(Pacer::new(config.qps)))));
        Self::with_limiter(config, own)
    }

    /// A session whose calls wait on `limiter` (shared with other sessions), or on none.
    pub fn with_limiter(config: ClientConfig, limiter: Option<QpsLimiter>) -> Self {
        Self {
            pacer: limiter,
            clock_offset_ms: Mutex::new(config.clock_offset_ms),
            config,
        }
    }

    fn pacer<R>(&self, f: impl FnOnce(&mut Pacer) -> R) -> Option<R> {
        let limiter = self.pacer.as_ref()?;
        let mut guard = limiter.0.lock().unwrap_or_else(|e| e.into_inner());
        Some(f(&mut guard))
    }

    /// The clock offset in use (ms added to the local clock when signing).
    pub fn clock_offset_ms(&self) -> f64 {
        *self
            .clock_offset_ms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    fn set_clock_offset_ms(&self, v: f64) {
        *self
            .clock_offset_ms
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = v;
    }

    /// Credentials for the next attempt: the fixed ones, or the provider's, waited for at most
    /// `timeoutMs` and what is left of the deadline.
    async fn credentials<R: Runtime>(
        &self,
        rt: &R,
        action: &str,
        stale: Option<u64>,
        deadline_at: Option<f64>,
    ) -> Result<(Arc<Credentials>, u64), Failure<<R as Transport>::Cause>> {
        if let Some(c) = &self.config.credentials {
            return Ok((Arc::new(c.clone()), 0));
        }
        if !rt.has_provider() {
            // The options said "credentials function" but it could not be read back.
            return Err(Error::invalid_argument("credentials: expected a function").into());
        }
        let timeout = f64::from(self.config.timeout_ms);
        let limit = deadline_at.map_or(timeout, |d| timeout.min((d - rt.now_ms()).max(0.0)));
        let by_deadline = limit < timeout;
        match rt.credentials(action, stale, limit).await {
            Ok(c) => Ok(c),
            Err(ProviderWait::Failed(mut f)) => {
                f.error.action = Some(action.to_owned());
                Err(f)
            }
            Err(ProviderWait::Aborted) => Err(Error::aborted().with_action(action).into()),
            Err(ProviderWait::TimedOut) => {
                let mut e = Error::timeout(limit as u32);
                e.message = if by_deadline {
                    deadline_error(action, self.config.deadline_ms, "waiting for credentials()")
                        .message
                } else {
                    [
                        "credentials() did not settle within timeoutMs = ",
                        &(limit as u32).to_string(),
                        " ms",
                    ]
                    .concat()
                };
                Err(e.with_action(action).into())
            }
        }
    }

    /// Runs `action` with `body` to completion under the client's limiter, retry, skew,
    /// credential and deadline rules; every error reports how many attempts were made.
    pub async fn execute<R: Runtime>(
        &self,
        rt: &R,
        action: &str,
        version: &str,
        body: Vec<u8>,
    ) -> Result<Success, Failure<<R as Transport>::Cause>> {
        let started = rt.now_ms();
        let deadline_at = self.config.deadline_ms.map(|d| started + f64::from(d));
        let past_deadline = |what: &str| deadline_error(action, self.config.deadline_ms, what);
        let (mut attempts, mut retries_used) = (0u32, 0u32);
        let (mut skew_retried, mut token_retried) = (false, false);
        let mut stale_generation = None;
        loop {
            // 1. A limiter slot. Waiting here never counts toward timeoutMs.
            self.wait_for_slot(rt, action, deadline_at)
                .await
                .map_err(|e| with_attempts(e.into(), attempts))?;
            // 2. Credentials and a signature at the (corrected) current time.
            let (credentials, generation) = self
                .credentials(rt, action, stale_generation.take(), deadline_at)
                .await
                .map_err(|f| with_attempts(f, attempts))?;
            let signing_now = SigningTime::from_unix_millis(rt.now_ms() + self.clock_offset_ms());
            let prepared = self
                .config
                .prepare(&credentials, action, version, body.clone(), signing_now)
                .map_err(|e| with_attempts(e.into(), attempts))?;
            // 3. One attempt, bounded by timeoutMs and what is left of the deadline.
            let mut timeout = f64::from(self.config.timeout_ms);
            let by_deadline = deadline_at.is_some_and(|d| d - rt.now_ms() < timeout);
            if let Some(d) = deadline_at {
                timeout = timeout.min(d - rt.now_ms());
                if timeout < 1.0 {
                    let e = past_deadline("before the next attempt");
                    return Err(with_attempts(e.into(), attempts));
                }
            }
            if rt.aborted() {
                return Err(with_attempts(Error::aborted().into(), attempts));
            }
            attempts += 1;
            rt.event(action, Event::Request { attempt: attempts });
            let sent_at = rt.now_ms();
            let reply = rt
                .send(&prepared, timeout as u32, self.config.max_response_bytes)
                .await;
            let now = rt.now_ms();
            self.pacer(|p| p.observe_latency(now, now - sent_at));
            let (failure, date, retry_after) = match reply {
                Ok(reply) => match envelope::decode(action, reply.status, &reply.body) {
                    Ok(mut ok) => {
                        ok.attempts = attempts;
                        rt.event(
                            action,
                            Event::Response {
                                attempt: attempts,
                                status: reply.status,
                                request_id: &ok.metadata.request_id,
                                duration_ms: rt.now_ms() - sent_at,
                            },
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
            rt.event(
                action,
                Event::Failed {
                    attempt: attempts,
                    code: &code,
                    status: failure.error.status,
                },
            );
            // 4. Retry what the rules allow.
            let signing_clock = rt.now_ms() + self.clock_offset_ms();
            if !skew_retried && self.config.auto_clock_skew {
                if let Some(correction) =
                    policy::skew_correction(&code, date.as_deref(), signing_clock)
                {
                    skew_retried = true;
                    let offset = self.clock_offset_ms() + correction;
                    self.set_clock_offset_ms(offset);
                    rt.event(
                        action,
                        Event::ClockSkew {
                            offset_ms: offset,
                            correction_ms: correction,
                        },
                    );
                    continue;
                }
            }
            if !token_retried && rt.has_provider() && policy::refresh_credentials_after(&code) {
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
            let asked = policy::retry_after(retry_after.as_deref(), date.as_deref(), signing_clock);
            let Some(delay) = self
                .config
                .retry
                .backoff_ms(retries_used + 1, rt.random(), asked)
            else {
                // Longer than we wait, or unreadable: the caller decides, not a guess.
                return Err(failure);
            };
            if deadline_at.is_some_and(|d| rt.now_ms() + delay >= d) {
                return Err(failure);
            }
            retries_used += 1;
            rt.event(
                action,
                Event::Retry {
                    attempt: attempts,
                    code: &code,
                    delay_ms: delay,
                },
            );
            rt.sleep(delay)
                .await
                .map_err(|e| with_attempts(e.into(), attempts))?;
        }
    }

    /// Waits in the limiter's queue (FIFO) until a slot is free; gives the place back when
    /// aborted or when the slot would come after the deadline.
    async fn wait_for_slot<R: Runtime>(
        &self,
        rt: &R,
        action: &str,
        deadline_at: Option<f64>,
    ) -> Result<(), Error> {
        let Some(ticket) = self.pacer(Pacer::enqueue) else {
            return Ok(());
        };
        let mut throttled = false;
        loop {
            let now = rt.now_ms();
            let Some(wait) = self.pacer(|p| p.poll(ticket, now)).flatten() else {
                return Ok(());
            };
            let give_up = if deadline_at.is_some_and(|d| now + wait >= d) {
                Some(deadline_error(
                    action,
                    self.config.deadline_ms,
                    "while queued for the qps limit",
                ))
            } else {
                if !throttled {
                    throttled = true;
                    rt.event(action, Event::Throttle { delay_ms: wait });
                }
                rt.sleep(wait).await.err()
            };
            if let Some(e) = give_up {
                self.pacer(|p| p.leave(ticket));
                return Err(e);
            }
        }
    }
}
