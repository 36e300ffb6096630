//! Rust errors as JS `VolcError`s (the class lives in `errors.js`, so `instanceof` and
//! `cause` behave as JS users expect).

use crate::Error;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeVolcError)]
    fn make_volc_error(code: &str, message: &str, props: &JsValue, cause: &JsValue) -> JsValue;
}

/// An error plus the JS value that caused it (a `fetch` rejection), if any.
pub struct Failure {
    /// What went wrong.
    pub error: Error,
    /// The JS value behind it (kept as the `VolcError`'s `cause`), or `undefined`.
    pub cause: JsValue,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            error,
            cause: JsValue::UNDEFINED,
        }
    }
}

fn set(obj: &Object, key: &str, value: JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value);
}

/// Builds the `VolcError`. Properties hold no BigInt, so `JSON.stringify(err)` works.
pub fn to_js(f: &Failure) -> JsValue {
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
    make_volc_error(e.code.as_str(), &e.message, &props, &f.cause)
}
