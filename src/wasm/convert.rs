//! JS values in and out: translation only, no rules (the rules live in `api` and `client`).
//!
//! In: `snapshot.js` copies the caller's value into plain `[kind, payload]` arrays inside
//! try/catch (so no JS exception can cross a Rust frame, and each property is read once), and
//! [`read_node`] reads that copy into an [`Input`], keeping how numbers arrived (number vs
//! BigInt). Out: JSON results back to JS values, with int64 as strings or BigInts.

use crate::api::input::{Entries, Input, MAX_SAFE_INTEGER};
use crate::api::int64::parse_decimal;
use crate::client::Int64Mode;
use js_sys::{Array, Object, Reflect, Uint8Array};
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/snapshot.js")]
extern "C" {
    #[wasm_bindgen(js_name = snapshot)]
    fn snapshot_js(v: &JsValue) -> Array;
}

/// A node's kind in a snapshot (`snapshot.js` writes the same numbers).
mod kind {
    pub const STR: u8 = 0;
    pub const NUM: u8 = 1;
    pub const UNDEF: u8 = 2;
    pub const NULL: u8 = 3;
    pub const BOOL: u8 = 4;
    /// Payload: the BigInt's decimal text.
    pub const BIGINT: u8 = 5;
    /// Payload: a reason, below.
    pub const OTHER: u8 = 6;
    pub const LIST: u8 = 7;
    /// Payload: a copy of the bytes.
    pub const BYTES: u8 = 8;
    /// Payload: milliseconds (NaN for an Invalid Date).
    pub const DATE: u8 = 9;
    /// Payload: `[key, node]` pairs in order.
    pub const OBJECT: u8 = 10;
}

/// What an `OTHER` node was, in the words errors use (`got …`).
fn other(reason: u8) -> &'static str {
    match reason {
        0 => "function",
        1 => "symbol",
        2 => "class instance",
        3 => "too deeply nested value",
        4 => "value too large or cyclic (over 100000 parts)",
        5 => "array whose length throws when read",
        6 => "array whose elements throw when read",
        7 => "object whose properties throw when read",
        8 => "detached ArrayBuffer",
        10 => "value that contains itself (cyclic)",
        _ => "value that cannot be read (a revoked Proxy?)",
    }
}

/// One snapshot node as an [`Input`]. Read with a few direct calls per node rather than
/// through serde-wasm-bindgen's deserializer: that generic path added 16 KB gzip to both
/// `.wasm` files (measured: whole client 103 → 119 KB, signer 45 → 62 KB), past the size budget,
/// for a format that is our own and fixed. serde-wasm-bindgen carries errors and events.
fn read_node(node: &JsValue) -> Input {
    let node: &Array = node.unchecked_ref();
    let payload = node.get(1);
    match node.get(0).as_f64().map_or(u8::MAX, |k| k as u8) {
        kind::STR => Input::Str(payload.as_string().unwrap_or_default()),
        kind::NUM => Input::Number(payload.as_f64().unwrap_or(f64::NAN)),
        kind::UNDEF => Input::Absent,
        kind::NULL => Input::Null,
        kind::BOOL => Input::Bool(payload.as_bool().unwrap_or_default()),
        kind::BIGINT => {
            let text = payload.as_string().unwrap_or_default();
            parse_decimal(&text).map_or(Input::OutOfRange(text), Input::BigInt)
        }
        kind::LIST => Input::List(
            payload
                .unchecked_ref::<Array>()
                .iter()
                .map(|n| read_node(&n))
                .collect(),
        ),
        kind::BYTES => Input::Bytes(payload.unchecked_ref::<Uint8Array>().to_vec()),
        kind::DATE => Input::Date(payload.as_f64().unwrap_or(f64::NAN)),
        kind::OBJECT => Input::Object(
            payload
                .unchecked_ref::<Array>()
                .iter()
                .map(|pair| {
                    let pair: Array = pair.unchecked_into();
                    (
                        pair.get(0).as_string().unwrap_or_default(),
                        read_node(&pair.get(1)),
                    )
                })
                .collect(),
        ),
        kind::OTHER => Input::Other(other(payload.as_f64().map_or(u8::MAX, |r| r as u8))),
        _ => Input::Other(other(u8::MAX)),
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
    let pair = snapshot_js(v);
    Snapshot {
        input: read_node(&pair.get(0)),
        refs: pair.get(1),
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

/// JSON to a JS value. Integers named in `int64_fields` (and inside arrays under them), and any
/// integer beyond ±2^53, come back as strings or `BigInt`s instead of being rounded.
pub fn to_js(v: &Value, int64_fields: &[&str], mode: Int64Mode) -> JsValue {
    to_js_at(v, false, int64_fields, mode)
}

fn to_js_at(v: &Value, int64_here: bool, fields: &[&str], mode: Int64Mode) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::String(s) => JsValue::from_str(s),
        Value::Number(n) => {
            let exact = |text: String, big: JsValue| match mode {
                Int64Mode::String => JsValue::from_str(&text),
                Int64Mode::BigInt => big,
            };
            if let Some(i) = n.as_i64() {
                if int64_here || (i as f64).abs() > MAX_SAFE_INTEGER {
                    return exact(i.to_string(), JsValue::from(i));
                }
                JsValue::from_f64(i as f64)
            } else if let Some(u) = n.as_u64() {
                exact(u.to_string(), JsValue::from(u))
            } else {
                JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::Array(items) => items
            .iter()
            .map(|i| to_js_at(i, int64_here, fields, mode))
            .collect::<Array>()
            .into(),
        Value::Object(map) => {
            let obj = Object::new();
            for (k, item) in map {
                let js = to_js_at(item, fields.contains(&k.as_str()), fields, mode);
                if k == "__proto__" {
                    // A plain set would replace the object's prototype instead.
                    let d = Object::new();
                    for flag in ["writable", "enumerable", "configurable"] {
                        let _ = Reflect::set(&d, &flag.into(), &JsValue::TRUE);
                    }
                    let _ = Reflect::set(&d, &"value".into(), &js);
                    let _ = Reflect::define_property(&obj, &JsValue::from_str(k), &d);
                } else {
                    let _ = Reflect::set(&obj, &JsValue::from_str(k), &js);
                }
            }
            obj.into()
        }
    }
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
        Some((i, _)) => [&text[..i], "…"].concat(),
        None => text,
    }
}
