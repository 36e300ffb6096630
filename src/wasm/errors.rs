//! Rust errors as JS `VolcError`s (the class lives in `errors.js`, so `instanceof` and
//! `cause` behave as JS users expect).

use crate::client::Failure;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeVolcError)]
    fn make_volc_error(code: &str, message: &str, props: &JsValue, cause: &JsValue) -> JsValue;
}

/// A failure whose cause is a JS value (a `fetch` rejection, what a provider threw).
pub type JsFailure = Failure<JsValue>;

fn set(obj: &Object, key: &str, value: JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value);
}

/// Builds the `VolcError`. Properties hold no BigInt (`codeN` is a number), so
/// `JSON.stringify(err)` works. Built with six direct sets rather than serde-wasm-bindgen:
/// its object serializer (a cache of field names in a thread-local hash map) added ~2 KB gzip to
/// the signer-only `.wasm`, which has no other use for it (measured).
pub fn to_js(f: &JsFailure) -> JsValue {
    let e = &f.error;
    let props = Object::new();
    if let Some(n) = e.code_n {
        set(&props, "codeN", JsValue::from_f64(n as f64));
    }
    if let Some(id) = &e.request_id {
        set(&props, "requestId", JsValue::from_str(id));
    }
    if let Some(s) = e.status {
        set(&props, "status", JsValue::from(s));
    }
    if let Some(a) = &e.action {
        set(&props, "action", JsValue::from_str(a));
    }
    set(&props, "retryable", JsValue::from_bool(e.retryable));
    set(&props, "attempts", JsValue::from(e.attempts));
    let cause = f.cause.clone().unwrap_or(JsValue::UNDEFINED);
    make_volc_error(e.code.as_str(), &e.message, &props, &cause)
}

/// The rejection value for a failure.
pub fn reject(f: JsFailure) -> JsValue {
    to_js(&f)
}
