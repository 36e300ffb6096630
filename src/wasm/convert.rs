//! JS values in and out: translation only, no rules (the rules live in `api` and `client`).

use crate::api::input::{Entries, Input, MAX_SAFE_INTEGER};
use crate::client::Int64Mode;
use js_sys::{Array, BigInt, Date, Object, Reflect, Uint8Array};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

const MAX_DEPTH: u32 = 64;
/// Values read from one input at most: a cyclic or heavily shared structure (`a.push(a, a)`)
/// would otherwise be walked exponentially often.
const MAX_NODES: u32 = 100_000;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    // `catch` variants: a throwing getter or Proxy trap must become an error, not an exception
    // crossing the wasm future (which would leave the call's promise pending).
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn object_entries(v: &JsValue) -> Result<Array, JsValue>;
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/wasm/marshal.js")]
extern "C" {
    #[wasm_bindgen(js_name = kindOf)]
    fn kind_of(v: &JsValue) -> u32;
}

/// A JS value as an [`Input`], keeping how numbers arrived (number vs BigInt).
pub fn to_input(v: &JsValue) -> Input {
    to_input_at(v, 0, &mut 0)
}

fn to_input_at(v: &JsValue, depth: u32, nodes: &mut u32) -> Input {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return Input::Other("value too large or cyclic (over 100000 parts)");
    }
    // One call says what `v` is (marshal.js `kindOf`); one more reads it.
    let kind = kind_of(v);
    match kind {
        0 => return Input::Str(v.as_string().unwrap_or_default()),
        1 => return Input::Number(v.as_f64().unwrap_or(f64::NAN)),
        2 => return Input::Absent,
        3 => return Input::Null,
        4 => return Input::Bool(v.as_bool().unwrap_or_default()),
        5 => {
            return match i64::try_from(v.clone()) {
                Ok(i) => Input::BigInt(i),
                Err(_) => Input::OutOfRange(
                    v.unchecked_ref::<BigInt>()
                        .to_string(10)
                        .map(String::from)
                        .unwrap_or_default(),
                ),
            }
        }
        6 => return Input::Other("function"),
        7 => return Input::Other("symbol"),
        _ => {}
    }
    if depth >= MAX_DEPTH {
        return Input::Other("too deeply nested value");
    }
    match kind {
        8 => {
            let arr: &Array = v.unchecked_ref();
            let mut items = Vec::with_capacity(arr.length() as usize);
            for i in 0..arr.length() {
                match Reflect::get_u32(arr, i) {
                    Ok(item) => items.push(to_input_at(&item, depth + 1, nodes)),
                    Err(_) => return Input::Other("array whose elements throw when read"),
                }
                if *nodes > MAX_NODES {
                    return Input::Other("value too large or cyclic (over 100000 parts)");
                }
            }
            Input::List(items)
        }
        9 => Input::Bytes(v.unchecked_ref::<Uint8Array>().to_vec()),
        10 => Input::Bytes(Uint8Array::new(v).to_vec()),
        11 => Input::Date(v.unchecked_ref::<Date>().get_time()),
        12 => match entries_at(v, depth, nodes) {
            Some(_) if *nodes > MAX_NODES => {
                Input::Other("value too large or cyclic (over 100000 parts)")
            }
            Some(entries) => Input::Object(entries),
            None => Input::Other("object whose properties throw when read"),
        },
        _ => Input::Other("class instance"),
    }
}

fn entries_at(v: &JsValue, depth: u32, nodes: &mut u32) -> Option<Entries> {
    let pairs = object_entries(v).ok()?;
    let mut out = Vec::with_capacity(pairs.length() as usize);
    for pair in pairs.iter() {
        let pair: Array = pair.unchecked_into();
        let value = to_input_at(&pair.get(1), depth + 1, nodes);
        out.push((pair.get(0).as_string().unwrap_or_default(), value));
        if *nodes > MAX_NODES {
            break;
        }
    }
    Some(out)
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
