//! JS values in and out: translation only, no rules (the rules live in `api` and `client`).
//!
//! Both halves of the one boundary format are here and in `convert.js`. In: `convert.js`
//! copies the caller's value inside try/catch (so no JS exception can cross a Rust frame, and
//! each property is read once) onto one string, the [`Tape`], which is read here into an
//! [`Input`], keeping how numbers arrived (number vs BigInt). Out: results as JSON text (int64
//! as strings or BigInts) and signRequest's result as one frame, each unpacked by `convert.js`.

use crate::api::input::{Entries, Input, MAX_SAFE_INTEGER};
use crate::api::int64::parse_decimal;
use crate::client::sign_request::SignedRequest;
use crate::client::Int64Mode;
use js_sys::{Array, Float64Array, Reflect, Uint8Array};
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/convert.js")]
extern "C" {
    #[wasm_bindgen(js_name = snapshot)]
    fn snapshot_js(v: &JsValue) -> Array;
    #[wasm_bindgen(js_name = parseResult)]
    fn parse_result(json: &str, bigint: bool) -> JsValue;
    /// The signed result frame ([`pack_signed`]) as `{ url, headers, signedHeaders, … }`.
    #[wasm_bindgen(js_name = unpackSigned)]
    pub fn unpack_signed(packed: &str) -> JsValue;
}

/// What an unreadable value was (the character after `x` on the tape), in the words errors use
/// (`got …`).
fn other(reason: u8) -> &'static str {
    match reason {
        b'a' => "function",
        b'b' => "symbol",
        b'c' => "class instance",
        b'd' => "too deeply nested value",
        b'e' => "value too large or cyclic (over 100000 parts)",
        b'f' => "array whose length throws when read",
        b'g' => "array whose elements throw when read",
        b'h' => "object whose properties throw when read",
        b'i' => "detached ArrayBuffer",
        b'k' => "value that contains itself (cyclic)",
        _ => "value that cannot be read (a revoked Proxy?)",
    }
}

/// The deepest nesting the tape can hold (`convert.js` stops at 64 with `xd`).
const MAX_DEPTH: usize = 66;

/// A snapshot as `convert.js` writes it: one string (the tape), the numbers and the side
/// values (byte copies, strings holding a NUL or over 1 KiB) in the order the tape uses them. Read here with
/// a cursor rather than through serde-wasm-bindgen's deserializer, which walks a JS value with
/// a call per node and added 16 KB gzip to each `.wasm` (measured), for a format that is our own.
///
/// One node per value, a tag byte first:
/// `s` text `\0` a string · `S` a string beside the tape · `L` a long string beside the tape,
/// as UTF-8 bytes · `n` a number · `u` undefined ·
/// `z` null · `t` / `f` true / false · `i` digits `\0` a BigInt · `b` bytes beside the tape ·
/// `d` a Date (its milliseconds among the numbers; NaN when invalid) · `x` reason: unreadable
/// ([`other`]) · `[` nodes `]` an array · `{` (key, node)* `}` a plain object, each key a
/// string node (`s`, `S` or `L`).
struct Tape<'a> {
    text: &'a str,
    at: usize,
    numbers: std::slice::Iter<'a, f64>,
    sides: &'a Array,
    side: u32,
}

impl Tape<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.text.as_bytes().get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// Text up to the next NUL, which is consumed.
    fn text(&mut self) -> Option<String> {
        let rest = self.text.get(self.at..)?;
        let len = rest.find('\0')?;
        self.at += len + 1;
        rest.get(..len).map(str::to_owned)
    }

    fn side(&mut self) -> JsValue {
        self.side += 1;
        self.sides.get(self.side - 1)
    }

    fn string(&mut self, tag: u8) -> Option<String> {
        match tag {
            b's' => self.text(),
            b'S' => self.side().as_string(),
            b'L' => String::from_utf8(self.side().dyn_into::<Uint8Array>().ok()?.to_vec()).ok(),
            _ => None,
        }
    }

    /// One node; `None` for a malformed tape, which only a bug could write.
    fn node(&mut self, depth: usize) -> Option<Input> {
        if depth > MAX_DEPTH {
            return None;
        }
        let tag = self.byte()?;
        Some(match tag {
            b's' | b'S' | b'L' => Input::Str(self.string(tag)?),
            b'n' => Input::Number(*self.numbers.next()?),
            b'u' => Input::Absent,
            b'z' => Input::Null,
            b't' => Input::Bool(true),
            b'f' => Input::Bool(false),
            b'i' => {
                let text = self.text()?;
                parse_decimal(&text).map_or(Input::OutOfRange(text), Input::BigInt)
            }
            b'b' => Input::Bytes(self.side().dyn_into::<Uint8Array>().ok()?.to_vec()),
            b'd' => Input::Date(*self.numbers.next()?),
            b'x' => Input::Other(other(self.byte()?)),
            b'[' => {
                let mut items = Vec::new();
                while self.text.as_bytes().get(self.at) != Some(&b']') {
                    items.push(self.node(depth + 1)?);
                }
                self.at += 1;
                Input::List(items)
            }
            b'{' => {
                let mut entries = Vec::new();
                loop {
                    match self.byte()? {
                        b'}' => break,
                        tag => {
                            let key = self.string(tag)?;
                            entries.push((key, self.node(depth + 1)?));
                        }
                    }
                }
                Input::Object(entries)
            }
            _ => return None,
        })
    }
}

/// A caller's value, and its top-level objects and functions by key (`fetch`, `signal`, …).
pub struct Snapshot {
    /// The value.
    pub input: Input,
    /// A plain null-prototype object of this crate's: safe to read.
    pub refs: JsValue,
}

impl Snapshot {
    /// The top-level function `key`, if the value had one.
    pub fn function(&self, key: &str) -> Option<js_sys::Function> {
        Reflect::get(&self.refs, &JsValue::from_str(key))
            .ok()?
            .dyn_into()
            .ok()
    }

    /// The top-level object or function `key`, if the value had one.
    pub fn object(&self, key: &str) -> Option<JsValue> {
        Reflect::get(&self.refs, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }
}

/// A JS value as an [`Input`], through the guarded snapshot.
pub fn snapshot(v: &JsValue) -> Snapshot {
    let parts = snapshot_js(v);
    let text =
        String::from_utf8(parts.get(0).unchecked_into::<Uint8Array>().to_vec()).unwrap_or_default();
    let numbers = parts.get(1).unchecked_into::<Float64Array>().to_vec();
    let sides: Array = parts.get(2).unchecked_into();
    let mut tape = Tape {
        text: &text,
        at: 0,
        numbers: numbers.iter(),
        sides: &sides,
        side: 0,
    };
    let input = tape
        .node(0)
        .filter(|_| tape.at == tape.text.len())
        .unwrap_or(Input::Other(other(b'j')));
    Snapshot {
        input,
        refs: parts.get(3),
    }
}

/// A JS value as an [`Input`].
pub fn to_input(v: &JsValue) -> Input {
    snapshot(v).input
}

/// A plain object's entries, or `None` when `v` is not a plain object.
pub fn to_entries(v: &JsValue) -> Option<Entries> {
    match to_input(v) {
        Input::Object(entries) => Some(entries),
        _ => None,
    }
}

/// JSON to a JS value, as one string that `convert.js` parses with `JSON.parse` (one crossing
/// instead of one per property; `JSON.parse` also keeps a `"__proto__"` key a plain property).
/// Integers named in `int64_fields` (and inside arrays under them), and any integer beyond
/// ±2^53, come back as strings or `BigInt`s instead of being rounded.
pub fn to_js(mut v: Value, int64_fields: &[&str], mode: Int64Mode) -> JsValue {
    let bigint = matches!(mode, Int64Mode::BigInt);
    mark_exact(&mut v, false, int64_fields, bigint);
    let text = serde_json::to_string(&v).unwrap_or_default();
    parse_result(&text, bigint)
}

/// Rewrites exact integers as strings. For `BigInt` mode each is marked with a leading NUL
/// (`convert.js` revives it), and a server's own string that starts with a NUL gets a second
/// one, so the two can never be confused.
fn mark_exact(v: &mut Value, int64_here: bool, fields: &[&str], bigint: bool) {
    let marker = if bigint { "\0" } else { "" };
    match v {
        Value::Number(n) => {
            let exact = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) if int64_here || (i as f64).abs() > MAX_SAFE_INTEGER => {
                    Some(i.to_string())
                }
                (None, Some(u)) => Some(u.to_string()),
                _ => None,
            };
            if let Some(digits) = exact {
                *v = Value::String([marker, &digits].concat());
            }
        }
        Value::String(s) if bigint && s.starts_with('\0') => s.insert(0, '\0'),
        Value::Array(items) => {
            for item in items {
                mark_exact(item, int64_here, fields, bigint);
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                mark_exact(item, fields.contains(&k.as_str()), fields, bigint);
            }
        }
        _ => {}
    }
}

/// The signed result framed as one string for [`unpack_signed`]: url, signedHeaders,
/// canonicalRequest, stringToSign, signature, then header name/value tokens, joined by NUL;
/// `None` if a part holds a NUL, which the frame cannot carry.
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
    nul_joined(&parts)
}

/// Tokens joined by NUL, the frame `convert.js` splits (`unpackSigned`, `headersFrom`); `None`
/// if a token holds a NUL itself (never for signed parts and headers: the signer refuses NUL in
/// both).
pub fn nul_joined(tokens: &[&str]) -> Option<String> {
    (!tokens.iter().any(|t| t.as_bytes().contains(&0))).then(|| tokens.join("\0"))
}

/// What a thrown value says, for a message: an error's `message`, a string itself, or its
/// type. Cut at 300 characters (a provider may throw a whole HTTP body).
pub fn describe_thrown(v: &JsValue) -> String {
    let text = match v.as_string() {
        Some(s) => s,
        None if v.is_object() => Reflect::get(v, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "(an object without a message)".into()),
        None => ["(a thrown ", to_input(v).type_name(), ")"].concat(),
    };
    match text.char_indices().nth(300) {
        Some((i, _)) => [text.get(..i).unwrap_or_default(), "…"].concat(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn read(text: &str, numbers: &[f64], sides: &Array) -> Option<Input> {
        let mut tape = Tape {
            text,
            at: 0,
            numbers: numbers.iter(),
            sides,
            side: 0,
        };
        tape.node(0).filter(|_| tape.at == text.len())
    }

    #[wasm_bindgen_test]
    fn every_tag_reads_back() {
        let sides = Array::of3(
            &JsValue::from_str("a\0b"),
            &Uint8Array::from(&b"hi"[..]),
            &Uint8Array::from("long é".as_bytes()),
        );
        let got = read(
            "{smethod\0sPOST\0sn\0nsu\0us\0zsb\0tsS\0Ssbig\0i123\0shuge\0i99999999999999999999\0sbytes\0bsdate\0dsfn\0xasl\0[tf]slong\0L}",
            &[1.5, -2.0],
            &sides,
        );
        let entries = |pairs: &[(&str, Input)]| {
            Input::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            )
        };
        assert_eq!(
            got,
            Some(entries(&[
                ("method", Input::Str("POST".into())),
                ("n", Input::Number(1.5)),
                ("u", Input::Absent),
                ("", Input::Null),
                ("b", Input::Bool(true)),
                ("S", Input::Str("a\0b".into())),
                ("big", Input::BigInt(123)),
                ("huge", Input::OutOfRange("99999999999999999999".into())),
                ("bytes", Input::Bytes(b"hi".to_vec())),
                ("date", Input::Date(-2.0)),
                ("fn", Input::Other("function")),
                (
                    "l",
                    Input::List(vec![Input::Bool(true), Input::Bool(false)])
                ),
                ("long", Input::Str("long é".into())),
            ]))
        );
    }

    #[wasm_bindgen_test]
    fn malformed_tapes_are_none() {
        let none = Array::new();
        for bad in ["", "s", "q", "[", "{s", "{sk\0", "n", "b", "su\0u", "]"] {
            assert_eq!(read(bad, &[], &none), None, "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert_eq!(read(&deep, &[], &none), None);
    }
}
