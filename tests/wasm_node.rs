//! The wasm tests in Node (the runner's default environment).
#![cfg(target_arch = "wasm32")]
mod wasm_common;
