//! The JavaScript API (`#[wasm_bindgen]` exports) — the only code that names `wasm_bindgen`,
//! `js_sys` or `web_sys`. It translates: JS values in and out ([`convert`], one string
//! each way where it can), a JS runtime for the call loop ([`transport`], [`credentials`]), results
//! and `VolcError`s out ([`errors`]). The rules live in `client` and `api`.

pub mod convert;
#[cfg(feature = "client")]
pub mod credentials;
pub mod errors;
#[cfg(feature = "client")]
pub mod im_client;
#[cfg(feature = "client")]
pub mod limiter;
#[cfg(feature = "client")]
pub mod transport;

use crate::api::input::{Entries, Input};
use crate::client::sign_request;
use crate::Error;
use errors::reject;
use wasm_bindgen::prelude::*;

// Talc instead of std's dlmalloc: a few KB less `.wasm` and faster small allocations, which
// signing and JSON are made of (measured in docs/benchmarks.md).
#[cfg(not(any(target_feature = "atomics", feature = "count-allocs")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(feature = "count-allocs")]
mod counted {
    //! The same allocator, counting allocations and reallocations (the measuring build).
    use std::alloc::{GlobalAlloc, Layout};
    use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

    pub struct Counted(talc::wasm::WasmDynamicTalc);
    pub static COUNT: AtomicU32 = AtomicU32::new(0);

    // SAFETY: every call is passed through unchanged to talc's own GlobalAlloc.
    unsafe impl GlobalAlloc for Counted {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            COUNT.fetch_add(1, Relaxed);
            unsafe { self.0.alloc(l) }
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            unsafe { self.0.dealloc(p, l) }
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
            COUNT.fetch_add(1, Relaxed);
            unsafe { self.0.realloc(p, l, n) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counted = Counted(talc::wasm::new_wasm_dynamic_allocator());
}

/// Heap allocations (and reallocations) so far: only in the measuring build.
#[cfg(feature = "count-allocs")]
#[wasm_bindgen]
pub fn allocations() -> u32 {
    counted::COUNT.load(std::sync::atomic::Ordering::Relaxed)
}

/// An options object of `what` (`undefined`/`null`: none), snapshotted once: its entries, and
/// its top-level functions and objects.
pub(crate) fn options_of(v: &JsValue, what: &str) -> Result<(Entries, convert::Snapshot), Error> {
    let mut snap = convert::snapshot(v);
    match std::mem::replace(&mut snap.input, Input::Absent) {
        Input::Object(entries) => Ok((entries, snap)),
        i if i.is_absent() => Ok((Vec::new(), snap)),
        other => Err(Error::invalid_argument(
            [
                what,
                ": expected an options object, got ",
                other.type_name(),
            ]
            .concat(),
        )),
    }
}

/// `signRequest` (the entries wrap it in a Promise): the headers to add and the URL to send.
#[wasm_bindgen(js_name = signRequestSync)]
pub fn sign_request(options: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue, Error> {
        let entries = options_of(&options, "options")?.0;
        let signed = sign_request::sign_request(&entries, js_sys::Date::now())?;
        // Every signed part is NUL-free (header values, key ids and tokens refuse NUL; URL parts
        // are percent-encoded), so the frame always holds; `None` would be a signer bug.
        let packed = convert::pack_signed(&signed)
            .ok_or_else(|| Error::invalid_argument("a signed part contains NUL"))?;
        let out = convert::unpack_signed(&packed);
        if let Some(body) = &signed.body {
            let _ = js_sys::Reflect::set(&out, &"body".into(), &JsValue::from_str(body));
        }
        Ok(out)
    };
    run().map_err(|e| reject(e.into()))
}
