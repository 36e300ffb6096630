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
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

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
