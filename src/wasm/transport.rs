//! The JS runtime of one call: the network (`fetch`, global or injected, looked up at call
//! time — never `window()`, which Node and Workers lack), timers of the global scope, the
//! caller's `AbortSignal`, `Math.random`, the `onEvent` hook and the `credentials()` provider.
//! It implements the call loop's traits (`client::call`); what each outcome means is decided
//! here or there, the promise plumbing is `transport.js`.

use super::credentials::Provider;
use super::errors::JsFailure;
use crate::client::call::{
    Clock, CredentialsSource, Event, Observer, ProviderWait, Random, Reply, Transport,
};
use crate::client::PreparedRequest;
use crate::sign::Credentials;
use crate::Error;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, WorkerGlobalScope};

#[wasm_bindgen(module = "/src/wasm/transport.js")]
extern "C" {
    #[wasm_bindgen(js_name = sendOnce)]
    fn send_once(
        fetch: &Function,
        url: &str,
        headers: &str,
        body: &[u8],
        timeout_ms: u32,
        max_bytes: u32,
        signal: Option<&AbortSignal>,
    ) -> Promise;
    #[wasm_bindgen(js_name = waitFor)]
    fn wait_for_js(promise: &Promise, timeout_ms: u32, signal: Option<&AbortSignal>) -> Promise;
}

/// How a guarded wait ended when it did not resolve (`transport.js`).
pub enum Interrupted {
    /// The time limit passed.
    Timeout,
    /// The caller's signal fired.
    Aborted,
    /// The caller's signal threw when given a listener.
    BadSignal(JsValue),
    /// The response body passed the size cap (the response's status).
    TooLarge(u16),
    /// The awaited work threw or rejected.
    Failed(JsValue),
}

async fn guarded(pending: Promise) -> Result<JsValue, Interrupted> {
    JsFuture::from(pending).await.map_err(|outcome| {
        let outcome: js_sys::Array = outcome.unchecked_into();
        match outcome.get(0).as_string().as_deref() {
            Some("timeout") => Interrupted::Timeout,
            Some("aborted") => Interrupted::Aborted,
            Some("signal") => Interrupted::BadSignal(outcome.get(1)),
            Some("tooLarge") => {
                Interrupted::TooLarge(outcome.get(1).as_f64().unwrap_or(0.0) as u16)
            }
            _ => Interrupted::Failed(outcome.get(1)),
        }
    })
}

/// Waits for `promise` (shared with other calls, left running) at most `timeout_ms`, and no
/// longer than the caller's signal allows.
pub async fn wait_for(
    promise: &Promise,
    timeout_ms: u32,
    signal: Option<&AbortSignal>,
) -> Result<JsValue, Interrupted> {
    guarded(wait_for_js(promise, timeout_ms, signal)).await
}

/// The error for a signal that threw when given a listener.
pub fn bad_signal() -> Error {
    Error::invalid_argument("signal: its addEventListener threw; pass an AbortSignal")
}

/// Whether `v` can serve as an `AbortSignal` (duck-typed: `aborted` + the listener methods,
/// as in every runtime's own and in polyfills).
pub fn as_abort_signal(v: &JsValue) -> Option<AbortSignal> {
    let has = |k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
    let ok = v.is_object()
        && has("aborted").is_some_and(|a| a.as_bool().is_some())
        && has("addEventListener").is_some_and(|f| f.is_function())
        && has("removeEventListener").is_some_and(|f| f.is_function());
    ok.then(|| v.clone().unchecked_into())
}

fn prop(v: &JsValue, key: &str) -> JsValue {
    if v.is_object() {
        Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// One call's JS runtime.
pub struct JsCall<'a> {
    /// The client's `fetch` option, if any.
    pub fetch: Option<&'a Function>,
    /// The client's `onEvent` option, if any.
    pub on_event: Option<&'a Function>,
    /// The client's `credentials()` provider state, if any.
    pub provider: Option<&'a Provider>,
    /// The call's signal.
    pub signal: Option<&'a AbortSignal>,
}

impl Transport for JsCall<'_> {
    type Cause = JsValue;

    /// Sends `req` once. Settles within `timeout_ms` (body included); leaves no timer or
    /// listener behind; reads at most `max_response_bytes` of the body.
    async fn send(
        &self,
        req: &PreparedRequest,
        timeout_ms: u32,
        max_response_bytes: u32,
    ) -> Result<Reply, JsFailure> {
        if self.aborted() {
            return Err(Error::aborted().into());
        }
        let fetch = match self.fetch {
            Some(f) => f.clone(),
            None => Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .ok_or_else(|| {
                    Error::network("this runtime has no global fetch; pass options.fetch")
                })?,
        };
        // The headers as one NUL-joined string, the body as a view that `sendOnce` copies at
        // once: two crossings, not one per header and per `init` field.
        let tokens: Vec<&str> = req.headers.iter().flat_map(|(k, v)| [*k, v]).collect();
        let headers = super::convert::nul_joined(&tokens)
            .ok_or_else(|| Error::invalid_argument("a header contains NUL"))?;
        let pending = send_once(
            &fetch,
            &req.url,
            &headers,
            &req.body,
            timeout_ms,
            max_response_bytes,
            self.signal,
        );
        match guarded(pending).await {
            Ok(reply) => {
                let reply: js_sys::Array = reply.unchecked_into();
                Ok(Reply {
                    status: reply.get(0).as_f64().unwrap_or(0.0) as u16,
                    date: reply.get(1).as_string(),
                    retry_after: reply.get(2).as_string(),
                    body: reply.get(3).unchecked_into::<Uint8Array>().to_vec(),
                })
            }
            Err(Interrupted::Timeout) => Err(Error::timeout(timeout_ms).into()),
            Err(Interrupted::Aborted) => Err(Error::aborted().into()),
            Err(Interrupted::TooLarge(status)) => Err(Error::invalid_response(
                status,
                [
                    "the response body is larger than maxResponseBytes = ",
                    &max_response_bytes.to_string(),
                    "; it was not read further",
                ]
                .concat(),
            )
            .into()),
            Err(Interrupted::BadSignal(cause)) => Err(JsFailure {
                error: bad_signal(),
                cause: Some(cause),
            }),
            Err(Interrupted::Failed(cause)) => {
                let mut detail = prop(&cause, "message")
                    .as_string()
                    .unwrap_or_else(|| "fetch failed".into());
                // Node and Deno say only "fetch failed"; what happened is in the cause's message.
                if let Some(inner) = prop(&prop(&cause, "cause"), "message").as_string() {
                    if !inner.is_empty() && inner != detail {
                        detail = [&detail, ": ", &inner].concat();
                    }
                }
                // Node/undici, Deno and Bun name refused or unresolvable connections in a `code`
                // on the error or its cause: then nothing was sent, and a retry is safe.
                let code = [&cause, &prop(&cause, "cause")]
                    .iter()
                    .find_map(|v| prop(v, "code").as_string().filter(|c| !c.is_empty()));
                let mut error = Error::network_to(&req.url, code.as_deref(), &detail);
                error.retryable = code
                    .as_deref()
                    .is_some_and(crate::api::error::failed_before_sending);
                Err(JsFailure {
                    error,
                    cause: Some(cause),
                })
            }
        }
    }
}

impl Clock for JsCall<'_> {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    /// Waits `ms` on the global scope's timer; the caller's signal cuts it short.
    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        if self.aborted() {
            return Err(Error::aborted());
        }
        if ms <= 0.0 {
            return Ok(());
        }
        // `setTimeout` of whatever global scope this is (window, worker, Node, Deno, Bun,
        // workerd): called structurally, so WorkerGlobalScope's binding serves them all.
        let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
        let mut timer = None;
        let mut listener: Option<Closure<dyn FnMut()>> = None;
        let promise = Promise::new(&mut |resolve, reject| {
            let ms = ms.ceil().min(2_147_483_647.0) as i32;
            timer = scope
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .ok();
            if let Some(s) = self.signal {
                let on_abort = Closure::<dyn FnMut()>::new(move || {
                    let _ = reject.call0(&JsValue::UNDEFINED);
                });
                let _ =
                    s.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
                listener = Some(on_abort);
            }
        });
        let result = JsFuture::from(promise).await;
        if let Some(t) = timer {
            scope.clear_timeout_with_handle(t);
        }
        if let (Some(s), Some(l)) = (self.signal, &listener) {
            let _ = s.remove_event_listener_with_callback("abort", l.as_ref().unchecked_ref());
        }
        drop(listener);
        result.map(|_| ()).map_err(|_| Error::aborted())
    }

    /// Read through `Reflect.get` (a caught call), not web-sys's getter: a signal-like object
    /// whose `aborted` getter throws must not throw through Rust.
    fn aborted(&self) -> bool {
        self.signal.is_some_and(|s| {
            Reflect::get(s, &JsValue::from_str("aborted")).is_ok_and(|a| a.as_bool() == Some(true))
        })
    }
}

impl Random for JsCall<'_> {
    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}

/// An `onEvent` event as JS sees it (`ClientEvent` in index.d.ts): `type`, `action`, then the
/// fields the event has, written as a map so that serde-wasm-bindgen builds a plain object
/// without its struct path (whose field-name cache, a thread-local hash map, cost ~1 KB gzip).
struct JsEvent<'a> {
    kind: &'static str,
    action: &'a str,
    fields: Vec<(&'static str, Field<'a>)>,
}

enum Field<'a> {
    Num(f64),
    Str(&'a str),
}

impl serde::Serialize for JsEvent<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(2 + self.fields.len()))?;
        m.serialize_entry("type", self.kind)?;
        m.serialize_entry("action", self.action)?;
        for (k, v) in &self.fields {
            match v {
                Field::Num(n) => m.serialize_entry(k, n)?,
                Field::Str(t) => m.serialize_entry(k, t)?,
            }
        }
        m.end()
    }
}

impl Observer for JsCall<'_> {
    /// Tells `onEvent` (if any) what happened; never includes a secret. Its exceptions are
    /// ignored: observing a call must not break it.
    fn event(&self, action: &str, event: Event<'_>) {
        let Some(f) = self.on_event else { return };
        use Field::{Num, Str};
        let (kind, fields) = match event {
            Event::Request { attempt } => ("request", vec![("attempt", Num(attempt.into()))]),
            Event::Response {
                attempt,
                status,
                request_id,
                duration_ms,
            } => (
                "response",
                vec![
                    ("attempt", Num(attempt.into())),
                    ("status", Num(status.into())),
                    ("requestId", Str(request_id)),
                    ("durationMs", Num(duration_ms)),
                ],
            ),
            Event::Failed {
                attempt,
                code,
                status,
            } => {
                let mut v = vec![("attempt", Num(attempt.into())), ("code", Str(code))];
                if let Some(s) = status {
                    v.push(("status", Num(s.into())));
                }
                ("response", v)
            }
            Event::Retry {
                attempt,
                code,
                delay_ms,
            } => (
                "retry",
                vec![
                    ("attempt", Num(attempt.into())),
                    ("code", Str(code)),
                    ("delayMs", Num(delay_ms)),
                ],
            ),
            Event::Throttle { delay_ms } => ("throttle", vec![("delayMs", Num(delay_ms))]),
            Event::ClockSkew {
                offset_ms,
                correction_ms,
            } => (
                "clockSkew",
                vec![
                    ("offsetMs", Num(offset_ms)),
                    ("correctionMs", Num(correction_ms)),
                ],
            ),
            Event::Credentials => ("credentials", vec![]),
        };
        let e = JsEvent {
            kind,
            action,
            fields,
        };
        let to_js = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        if let Ok(e) = serde::Serialize::serialize(&e, &to_js) {
            let _ = f.call1(&JsValue::UNDEFINED, &e);
        }
    }
}

impl CredentialsSource for JsCall<'_> {
    type Cause = JsValue;

    fn has_provider(&self) -> bool {
        self.provider.is_some()
    }

    async fn credentials(
        &self,
        action: &str,
        stale: Option<u64>,
        limit_ms: f64,
    ) -> Result<(Arc<Credentials>, u64), ProviderWait<JsValue>> {
        match self.provider {
            Some(p) => p.credentials(self, action, stale, limit_ms).await,
            None => Err(ProviderWait::Failed(
                Error::invalid_argument("credentials: expected a function").into(),
            )),
        }
    }
}
