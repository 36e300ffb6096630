//! The JavaScript API (`#[wasm_bindgen]` exports): converts JS values, delegates to the Rust
//! core, and turns Rust errors into `VolcError`s. No rules live here.

pub mod convert;
pub mod errors;
#[cfg(feature = "client")]
pub mod im_client;
#[cfg(feature = "client")]
pub use im_client::ImClient;

/// `marshal.js`: flat options and the signed result as one string each way.
mod marshal {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/js/marshal.js")]
    extern "C" {
        #[wasm_bindgen(js_name = packFlat)]
        pub fn pack_flat(options: &JsValue) -> Option<js_sys::Uint8Array>;
        #[wasm_bindgen(js_name = unpackSigned)]
        pub fn unpack_signed(packed: &str) -> JsValue;
        #[wasm_bindgen(js_name = takeSide)]
        pub fn take_side(index: u32) -> JsValue;
    }
}
use crate::api::input::{entries_from_packed, Entries, Input};
use crate::client;
use crate::Error;
use errors::Failure;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

pub(crate) fn reject(f: Failure) -> JsValue {
    errors::to_js(&f)
}

pub(crate) fn options_entries(v: &JsValue, what: &str) -> Result<Entries, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    convert::to_entries(v).ok_or_else(|| {
        Error::invalid_argument(
            [
                what,
                ": expected an options object, got ",
                convert::to_input(v).type_name(),
            ]
            .concat(),
        )
    })
}

/// `signRequest` (the entries wrap it in a Promise): the headers to add and the URL to send.
#[wasm_bindgen(js_name = signRequestSync)]
pub fn sign_request(options: JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<JsValue, Error> {
        // One string across the boundary when the options are flat (the usual case).
        let packed =
            marshal::pack_flat(&options).and_then(|bytes| String::from_utf8(bytes.to_vec()).ok());
        let entries = match packed.and_then(|p| {
            entries_from_packed(&p, |tag, index| {
                let bytes = marshal::take_side(index).dyn_into::<Uint8Array>().ok()?;
                match tag {
                    "b" => Some(Input::Bytes(bytes.to_vec())),
                    _ => String::from_utf8(bytes.to_vec()).ok().map(Input::Str),
                }
            })
        }) {
            Some(entries) => entries,
            None => options_entries(&options, "options")?,
        };
        let signed = client::sign_request(&entries, js_sys::Date::now())?;
        // Every signed part is NUL-free (header values, key ids and tokens refuse NUL; URL parts
        // are percent-encoded), so the frame always holds; `None` would be a signer bug.
        let packed = signed
            .packed()
            .ok_or_else(|| Error::invalid_argument("a signed part contains NUL"))?;
        let out = marshal::unpack_signed(&packed);
        if let Some(body) = &signed.body {
            let _ = js_sys::Reflect::set(&out, &"body".into(), &JsValue::from_str(body));
        }
        Ok(out)
    };
    run().map_err(|e| reject(e.into()))
}
