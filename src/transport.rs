//! The only place that touches the network: one `fetch` of a prepared request, with a
//! per-attempt timeout and the caller's `AbortSignal`. Uses the *global* `fetch`, looked up
//! at call time (never `window()`, which does not exist in Node or Workers), or an injected one.

use crate::client::PreparedRequest;
use crate::js::errors::Failure;
use crate::Error;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchResponse) -> FetchHeaders;
    #[wasm_bindgen(method, catch, js_name = arrayBuffer)]
    fn array_buffer(this: &FetchResponse) -> Result<Promise, JsValue>;

    type FetchHeaders;
    #[wasm_bindgen(method, catch)]
    fn get(this: &FetchHeaders, name: &str) -> Result<Option<String>, JsValue>;

    #[derive(Clone)]
    type AbortController;
    #[wasm_bindgen(constructor)]
    fn new() -> AbortController;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> AbortSignal;
    #[wasm_bindgen(method)]
    fn abort(this: &AbortController);

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
        && has("addEventListener").is_some_and(|f| f.is_function());
    ok.then(|| v.clone().unchecked_into())
}

/// Sends `req` once. Settles within `timeout_ms` (body included); leaves no timer or
/// listener behind.
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
    let controller = AbortController::new();
    let timed_out = Rc::new(Cell::new(false));
    // A promise that rejects when the timeout or the caller's signal fires. Each await races
    // against it, so the call settles even with a `fetch` that ignores its signal.
    let mut reject_guard: Option<Function> = None;
    let guard = Promise::new(&mut |_, reject| reject_guard = Some(reject));
    let reject_guard = reject_guard.expect("the Promise executor runs synchronously");
    let on_timeout = {
        let (controller, timed_out, reject) =
            (controller.clone(), timed_out.clone(), reject_guard.clone());
        Closure::<dyn FnMut()>::new(move || {
            timed_out.set(true);
            controller.abort();
            let _ = reject.call0(&JsValue::UNDEFINED);
        })
    };
    let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), timeout_ms);
    let on_abort = {
        let (controller, reject) = (controller.clone(), reject_guard.clone());
        Closure::<dyn FnMut()>::new(move || {
            controller.abort();
            let _ = reject.call0(&JsValue::UNDEFINED);
        })
    };
    if let Some(s) = signal {
        s.add_event_listener("abort", on_abort.as_ref().unchecked_ref());
    }

    let result = attempt(&fetch, req, &controller.signal(), &guard).await;
    // No unhandled rejection from the guard: `race` attached a reaction to it before the
    // first await, and the guard can only reject after that (timer or abort event).

    clear_timeout(&timer);
    if let Some(s) = signal {
        s.remove_event_listener("abort", on_abort.as_ref().unchecked_ref());
    }
    drop((on_timeout, on_abort));

    result.map_err(|cause| {
        let error = if timed_out.get() {
            Error::timeout(timeout_ms)
        } else if signal.is_some_and(|s| s.aborted()) {
            Error::aborted()
        } else {
            let detail = Reflect::get(&cause, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "fetch failed".into());
            let mut e = Error::network(&detail);
            // Node/undici, Deno and Bun name refused or unresolvable connections in a `code`
            // on the error or its cause: then nothing was sent, and a retry is safe.
            e.retryable = [&cause, &prop(&cause, "cause")]
                .iter()
                .filter_map(|v| prop(v, "code").as_string())
                .any(|code| crate::policy::failed_before_sending(&code));
            e
        };
        Failure { error, cause }
    })
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

/// Awaits `p`, or the guard's rejection if that comes first.
async fn race(p: &Promise, guard: &Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::race(&js_sys::Array::of2(p, guard))).await
}

async fn attempt(
    fetch: &Function,
    req: &PreparedRequest,
    signal: &AbortSignal,
    guard: &Promise,
) -> Result<Reply, JsValue> {
    let headers = Object::new();
    for (k, v) in &req.headers {
        Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v))?;
    }
    let init = Object::new();
    Reflect::set(&init, &"method".into(), &"POST".into())?;
    Reflect::set(&init, &"headers".into(), &headers)?;
    Reflect::set(
        &init,
        &"body".into(),
        &Uint8Array::from(req.body.as_slice()),
    )?;
    Reflect::set(&init, &"signal".into(), signal)?;
    let returned = fetch.call2(&js_sys::global(), &JsValue::from_str(&req.url), &init)?;
    let response = race(&Promise::resolve(&returned), guard).await?;
    // Read through Reflect: an injected fetch may resolve to something that is not a Response.
    let status = prop(&response, "status")
        .as_f64()
        .filter(|s| (100.0..=599.0).contains(s))
        .ok_or_else(|| js_sys::Error::new("fetch resolved to something that is not a Response"))?
        as u16;
    let response: FetchResponse = response.unchecked_into();
    let response_headers = response.headers();
    let date = response_headers.get("Date").ok().flatten();
    let retry_after = response_headers.get("Retry-After").ok().flatten();
    let body = race(&response.array_buffer()?, guard).await?;
    Ok(Reply {
        status,
        date,
        retry_after,
        body: Uint8Array::new(&body).to_vec(),
    })
}
