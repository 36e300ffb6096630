//! `QpsLimiter` for JS: one client-side QPS limit that several `ImClient`s share through their
//! `limiter` option. A client finds the limiter's Rust state through a small registry, by the
//! key its `__volcImKey()` method answers: a JS object cannot hand Rust a reference to the
//! struct behind it without giving it up.

use super::errors::reject;
use crate::client::QpsLimiter as Limiter;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// Every limiter made here, by key (single-threaded wasm; a limiter lives as long as the
    /// page or process, so entries are never removed).
    static REGISTRY: RefCell<Vec<Limiter>> = const { RefCell::new(Vec::new()) };
}

/// A QPS limit shared by several clients of one process: `new QpsLimiter({ qps: 100 })`, then
/// `new ImClient({ ..., limiter })` for each.
#[wasm_bindgen(js_name = QpsLimiter)]
pub struct QpsLimiter {
    key: u32,
}

#[wasm_bindgen(js_class = QpsLimiter)]
impl QpsLimiter {
    /// `new QpsLimiter({ qps })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<QpsLimiter, JsValue> {
        let (entries, _) = super::options_of(&options, "options").map_err(|e| reject(e.into()))?;
        crate::api::input::reject_unknown(&entries, "options", &["qps"])
            .map_err(|e| reject(e.into()))?;
        let qps = match crate::api::input::get(&entries, "qps") {
            crate::api::input::Input::Number(n) => *n,
            _ => f64::NAN,
        };
        let limiter = Limiter::new(qps).map_err(|e| reject(e.into()))?;
        let key = REGISTRY.with(|r| {
            let mut r = r.borrow_mut();
            r.push(limiter);
            r.len() as u32 - 1
        });
        Ok(QpsLimiter { key })
    }

    /// The registry key (for `ImClient`; not part of the API).
    #[wasm_bindgen(js_name = __volcImKey)]
    pub fn volc_im_key(&self) -> u32 {
        self.key
    }
}

/// The limiter behind a `limiter` option value, if it is one of ours.
pub fn from_js(value: &JsValue) -> Option<Limiter> {
    let method: js_sys::Function = js_sys::Reflect::get(value, &"__volcImKey".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let key = method.call0(value).ok()?.as_f64()? as usize;
    REGISTRY.with(|r| r.borrow().get(key).cloned())
}
