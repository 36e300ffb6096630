//! The wasm tests in a Chromium dedicated worker (no `window` there).
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);
mod wasm_common;
