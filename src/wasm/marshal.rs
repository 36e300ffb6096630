//! The signRequest fast path: flat options cross the boundary as ONE UTF-8 frame each way
//! instead of a call per property and per type test. Both halves are in this folder
//! (`marshal.js` writes the frame, this file reads it; this file writes the result frame,
//! `marshal.js` unpacks it). Measured: signRequest 40 → 21 µs for a 192 B body in Node
//! (docs/benchmarks.md); anything unusual takes the general path (`convert`), which also words
//! the errors.
//!
//! Frame format (the one description; `marshal.js` points here): tokens joined by `\0`, per
//! entry `key`, [`Tag`], payload. Long strings and bytes travel beside the frame (payload: the
//! index for `takeSide`). The result frame: url, signedHeaders, canonicalRequest,
//! stringToSign, signature, then header name/value tokens.

use crate::api::input::{Entries, Input};
use crate::api::int64::parse_decimal;
use crate::client::sign_request::SignedRequest;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/marshal.js")]
extern "C" {
    #[wasm_bindgen(js_name = packFlat)]
    fn pack_flat(options: &JsValue) -> Option<js_sys::Uint8Array>;
    /// The result frame as `{ url, headers, signedHeaders, … }`.
    #[wasm_bindgen(js_name = unpackSigned)]
    pub fn unpack_signed(packed: &str) -> JsValue;
    #[wasm_bindgen(js_name = takeSide)]
    fn take_side(index: u32) -> JsValue;
}

/// An entry's tag in the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    /// `s`: a short string, inline.
    Str,
    /// `u`: undefined.
    Undefined,
    /// `d`: a Date, integer milliseconds (empty for an Invalid Date).
    Date,
    /// `h`: an object of strings: count, then key/value tokens.
    Strings,
    /// `b`: a Uint8Array, beside the frame.
    Bytes,
    /// `t`: a long string as UTF-8 bytes, beside the frame.
    LongStr,
}

impl Tag {
    fn parse(t: &str) -> Option<Self> {
        Some(match t {
            "s" => Self::Str,
            "u" => Self::Undefined,
            "d" => Self::Date,
            "h" => Self::Strings,
            "b" => Self::Bytes,
            "t" => Self::LongStr,
            _ => return None,
        })
    }
}

/// Entries framed by `marshal.js`; `side(tag, index)` returns a value passed beside the frame.
/// `None` for a malformed frame, which only a bug could produce.
fn entries_from_packed(
    packed: &str,
    mut side: impl FnMut(Tag, u32) -> Option<Input>,
) -> Option<Entries> {
    let mut out = Vec::new();
    if packed.is_empty() {
        return Some(out);
    }
    let mut t = packed.split('\0');
    while let Some(key) = t.next() {
        let (tag, payload) = (Tag::parse(t.next()?)?, t.next()?);
        let value = match tag {
            Tag::Str => Input::Str(payload.to_owned()),
            Tag::Undefined => Input::Absent,
            Tag::Bytes | Tag::LongStr => side(tag, u32::try_from(parse_decimal(payload)?).ok()?)?,
            Tag::Date if payload.is_empty() => Input::Date(f64::NAN),
            Tag::Date => Input::Date(parse_decimal(payload)? as f64),
            Tag::Strings => {
                let n = parse_decimal(payload)?;
                let mut pairs = Vec::new();
                for _ in 0..n {
                    let (k, v) = (t.next()?, t.next()?);
                    pairs.push((k.to_owned(), Input::Str(v.to_owned())));
                }
                Input::Object(pairs)
            }
        };
        out.push((key.to_owned(), value));
    }
    Some(out)
}

/// `options` through the fast path, when they are flat; `None` sends them the general way.
pub fn entries(options: &JsValue) -> Option<Entries> {
    let packed = pack_flat(options).and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())?;
    entries_from_packed(&packed, |tag, index| {
        let bytes = take_side(index)
            .dyn_into::<js_sys::Uint8Array>()
            .ok()?
            .to_vec();
        match tag {
            Tag::Bytes => Some(Input::Bytes(bytes)),
            _ => String::from_utf8(bytes).ok().map(Input::Str),
        }
    })
}

/// The signed result framed as one string; `None` if a part holds a NUL, which the frame
/// cannot carry.
pub fn pack_signed(r: &SignedRequest) -> Option<String> {
    let s = &r.signing;
    let mut parts: Vec<&str> = vec![
        &r.url,
        &s.signed_headers,
        &s.canonical_request,
        &s.string_to_sign,
        &s.signature,
    ];
    for (k, v) in &r.headers {
        parts.push(k);
        parts.push(v);
    }
    (!parts.iter().any(|p| p.as_bytes().contains(&0))).then(|| parts.join("\0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn packed_entries_round_trip_every_tag() {
        let packed = "method\0s\0POST\0sessionToken\0u\0\0body\0b\x000\0date\0d\0-1500\0bad\0d\0\0headers\0h\x002\0A\0x\0B\0\0tail\0s\0";
        let e = entries_from_packed(packed, |tag, i| {
            (tag == Tag::Bytes && i == 0).then(|| Input::Bytes(b"hi".to_vec()))
        })
        .unwrap();
        assert_eq!(e[0], ("method".into(), Input::Str("POST".into())));
        assert_eq!(e[1].1, Input::Absent);
        assert_eq!(e[2].1, Input::Bytes(b"hi".to_vec()));
        assert_eq!(e[3].1, Input::Date(-1500.0));
        assert!(matches!(e[4].1, Input::Date(ms) if ms.is_nan()));
        assert_eq!(
            e[5].1,
            Input::Object(vec![
                ("A".into(), Input::Str("x".into())),
                ("B".into(), Input::Str("".into()))
            ])
        );
        assert_eq!(e[6], ("tail".into(), Input::Str("".into())));
        assert_eq!(entries_from_packed("", |_, _| None), Some(vec![]));
    }

    #[wasm_bindgen_test]
    fn malformed_frames_are_none() {
        for bad in [
            "k",
            "k\0s",
            "k\0x\0v",
            "k\0h\x003\0a\0b",
            "k\0d\x001.5",
            "k\0b\0",
            "k\0t\0-1",
        ] {
            assert_eq!(entries_from_packed(bad, |_, _| None), None, "{bad:?}");
        }
    }
}
