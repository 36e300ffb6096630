//! The only place that touches the network: one `fetch` of a prepared request, with a
//! per-attempt timeout and the caller's `AbortSignal`. Uses the *global* `fetch`, looked up
//! at call time (never `window()`, which does not exist in Node or Workers), or an injected one.

use crate::client::PreparedRequest;
use crate::js::errors::Failure;
use crate::Error;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/js/transport.js")]
extern "C" {
    #[wasm_bindgen(js_name = sendOnce)]
    fn send_once(
        fetch: &Function,
        url: &str,
        init: &Object,
        timeout_ms: u32,
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

#[wasm_bindgen]
extern "C" {
    /// A caller's `AbortSignal` (duck-typed: `aborted` + `addEventListener`).
    pub type AbortSignal;
    #[wasm_bindgen(method, getter)]
    /// Whether the signal has fired.
    pub fn aborted(this: &AbortSignal) -> bool;
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &AbortSignal, kind: &str, f: &Function);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_event_listener(this: &AbortSignal, kind: &str, f: &Function);

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// What came back: status, the headers the client reads, and the body bytes.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The `Date` header, when the runtime lets us read it (clock-skew correction).
    pub date: Option<String>,
    /// The `Retry-After` header (throttling back-off).
    pub retry_after: Option<String>,
    /// The whole body.
    pub body: Vec<u8>,
}

/// Whether `v` can serve as an `AbortSignal`.
pub fn as_abort_signal(v: &JsValue) -> Option<AbortSignal> {
    let has = |k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
    let ok = v.is_object()
        && has("aborted").is_some_and(|a| a.as_bool().is_some())
        && has("addEventListener").is_some_and(|f| f.is_function())
        && has("removeEventListener").is_some_and(|f| f.is_function());
    ok.then(|| v.clone().unchecked_into())
}

/// Sends `req` once. Settles within `timeout_ms` (body included); leaves no timer or
/// listener behind. The promise plumbing is `transport.js`; what each outcome means is here.
pub async fn send(
    fetch: Option<&Function>,
    req: &PreparedRequest,
    timeout_ms: u32,
    signal: Option<&AbortSignal>,
) -> Result<Reply, Failure> {
    if signal.is_some_and(|s| s.aborted()) {
        return Err(Error::aborted().into());
    }
    let fetch = match fetch {
        Some(f) => f.clone(),
        None => Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                Error::network("this runtime has no global fetch; pass options.fetch")
            })?,
    };
    let headers = Object::new();
    for (k, v) in &req.headers {
        let _ = Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    let init = Object::new();
    let _ = Reflect::set(&init, &"method".into(), &"POST".into());
    let _ = Reflect::set(&init, &"headers".into(), &headers);
    let _ = Reflect::set(
        &init,
        &"body".into(),
        &Uint8Array::from(req.body.as_slice()),
    );
    let pending = send_once(&fetch, &req.url, &init, timeout_ms, signal);
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
        Err(Interrupted::BadSignal(cause)) => Err(Failure {
            error: bad_signal(),
            cause,
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
                .is_some_and(crate::policy::failed_before_sending);
            Err(Failure { error, cause })
        }
    }
}

fn prop(v: &JsValue, key: &str) -> JsValue {
    if v.is_object() {
        Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// Waits `ms` (a limiter slot or a backoff); the caller's signal cuts it short with `Aborted`.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), Failure> {
    if signal.is_some_and(|s| s.aborted()) {
        return Err(Error::aborted().into());
    }
    if ms <= 0.0 {
        return Ok(());
    }
    let mut timer = JsValue::UNDEFINED;
    let mut listener: Option<Closure<dyn FnMut()>> = None;
    let promise = Promise::new(&mut |resolve, reject| {
        timer = set_timeout(&resolve, ms.ceil().min(2_147_483_647.0) as u32);
        if let Some(s) = signal {
            let on_abort = Closure::<dyn FnMut()>::new(move || {
                let _ = reject.call0(&JsValue::UNDEFINED);
            });
            s.add_event_listener("abort", on_abort.as_ref().unchecked_ref());
            listener = Some(on_abort);
        }
    });
    let result = JsFuture::from(promise).await;
    clear_timeout(&timer);
    if let (Some(s), Some(l)) = (signal, &listener) {
        s.remove_event_listener("abort", l.as_ref().unchecked_ref());
    }
    drop(listener);
    result.map(|_| ()).map_err(|_| Error::aborted().into())
}
