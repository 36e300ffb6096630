//! A caller's input value as it arrived — JS value or JSON text — before validation.
//!
//! Validation rules depend on *how* a number arrived (a JS `number` loses digits above 2^53,
//! a `BigInt` or a JSON integer literal does not), which `serde_json::Value` cannot tell;
//! this enum keeps that, so one set of rules serves both the JS and the JSON-text paths.

/// 2^53 − 1, the largest integer a JS `number` holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JS number as JS would print it, for error messages. Avoids `f64`'s `Display`, whose
/// float-formatting tables would add ~17 KB to the `.wasm`.
pub fn show_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n.fract() == 0.0 && n.abs() < 1e21 {
        // JS prints the shortest round-trip digits padded with zeros: 7221856821303362000,
        // not the exact binary value 7221856821303361536.
        let short = serde_json::to_string(&n).unwrap_or_default();
        let (mantissa, exp) = short.split_once(['e', 'E']).unwrap_or((&short, "0"));
        let exp = crate::api::int64::parse_decimal(exp.trim_start_matches('+')).unwrap_or(0) as i32;
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let frac_part = frac_part.trim_end_matches('0');
        let mut digits = [int_part, frac_part].concat();
        let zeros = exp - frac_part.len() as i32;
        for _ in 0..zeros.max(0) {
            digits.push('0');
        }
        digits
    } else {
        serde_json::to_string(&n).unwrap_or_default()
    }
}

/// One input value.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// `undefined`, or not present.
    Absent,
    /// `null`.
    Null,
    /// A JS `number` (any, including NaN), or a JSON number that a JS `number` holds exactly.
    Number(f64),
    /// A JS `BigInt` within the int64 range.
    BigInt(i64),
    /// A JSON integer literal beyond 2^53 that fits int64: exact.
    ExactInt(i64),
    /// A JSON number literal written with a fraction or an exponent (`1.5`, `1e4`,
    /// `666675.0`): never accepted where an integer belongs, whatever its value.
    JsonFloat(f64),
    /// A `BigInt` or JSON integer outside int64, as decimal text.
    OutOfRange(String),
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// An array.
    List(Vec<Input>),
    /// Bytes: a `Uint8Array` or `ArrayBuffer`.
    Bytes(Vec<u8>),
    /// A JS `Date`, as milliseconds since the epoch (NaN for an invalid date).
    Date(f64),
    /// A plain object's entries, in order.
    Object(Entries),
    /// Anything else (function, symbol, class instance...), by its type name.
    Other(&'static str),
}

impl Input {
    /// What this is, in JS words, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Absent => "undefined",
            Self::Null => "null",
            Self::Bytes(_) => "Uint8Array",
            Self::Date(_) => "Date",
            Self::Object(_) => "object",
            Self::Number(_) => "number",
            Self::BigInt(_) | Self::OutOfRange(_) => "bigint",
            Self::ExactInt(_) | Self::JsonFloat(_) => "number",
            Self::Str(_) => "string",
            Self::Bool(_) => "boolean",
            Self::List(_) => "array",
            Self::Other(t) => t,
        }
    }

    /// Whether this is `undefined` or `null` (an optional field left out).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent | Self::Null)
    }

    /// An integer literal of JSON text, by how exactly a JS `number` would hold it.
    fn json_int(i: i64) -> Self {
        if (i as f64).abs() <= MAX_SAFE_INTEGER {
            Self::Number(i as f64)
        } else {
            Self::ExactInt(i)
        }
    }
}

/// JSON text read straight into [`Input`] (no `serde_json::Value` in between, which cannot
/// tell `10000` from `1e4` and keeps only the last of two equal keys): integer literals stay
/// integers, other literals become [`Input::JsonFloat`], and a repeated key is an error.
impl<'de> serde::Deserialize<'de> for Input {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Input;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<Input, E> {
        Ok(Input::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Input, E> {
        Ok(Input::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Input, E> {
        Ok(Input::json_int(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Input, E> {
        Ok(i64::try_from(u).map_or_else(|_| Input::OutOfRange(u.to_string()), Input::json_int))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Input, E> {
        // serde_json calls this for literals with a fraction or exponent, and for integer
        // literals beyond u64 (keeping their digits would cost ~16 KB of .wasm): an integral
        // one that large is out of int64 range either way.
        Ok(
            if f.fract() == 0.0 && f.abs() >= 9_223_372_036_854_775_808.0 {
                Input::OutOfRange(show_number(f))
            } else {
                Input::JsonFloat(f)
            },
        )
    }
    fn visit_str<E>(self, s: &str) -> Result<Input, E> {
        Ok(Input::Str(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Input, E> {
        Ok(Input::Str(s))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Input, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Input::List(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Input, A::Error> {
        let mut entries: Entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(serde::de::Error::custom(
                    ["duplicate key ", &crate::sign::quote(&key)].concat(),
                ));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Input::Object(entries))
    }
}

/// An object's entries in order, ready for validation.
pub type Entries = Vec<(String, Input)>;

/// The value under `key`, or [`Input::Absent`].
pub fn get<'a>(entries: &'a Entries, key: &str) -> &'a Input {
    entries
        .iter()
        .find(|(k, _)| k == key)
        .map_or(&Input::Absent, |(_, v)| v)
}

/// Refuses keys not in `known`, naming the first unknown one and listing the known ones.
pub fn reject_unknown(entries: &Entries, what: &str, known: &[&str]) -> Result<(), crate::Error> {
    match entries.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some((k, _)) => Err(crate::Error::invalid_argument(
            [
                what,
                ": unknown field ",
                &crate::sign::quote(k),
                "; known fields are ",
                &known.join(", "),
            ]
            .concat(),
        )),
    }
}

/// The entries of a JSON object; `Err` names what the text held instead.
pub fn entries_from_json_text(text: &[u8]) -> Result<Entries, String> {
    match serde_json::from_slice::<Input>(text).map_err(|e| e.to_string())? {
        Input::Object(entries) => Ok(entries),
        other => Err(["a JSON object is required, got ", json_type(&other)].concat()),
    }
}

fn json_type(v: &Input) -> &'static str {
    match v {
        Input::Null => "null",
        Input::Bool(_) => "a boolean",
        Input::Str(_) => "a string",
        Input::List(_) => "an array",
        Input::Object(_) => "an object",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_keep_how_exact_they_are() {
        let e = entries_from_json_text(
            br#"{"a":5,"b":7221856821303361536,"c":18446744073709551615,"d":1.5,"e":"7","f":null}"#,
        )
        .unwrap();
        assert_eq!(e[0].1, Input::Number(5.0));
        assert_eq!(e[1].1, Input::ExactInt(7_221_856_821_303_361_536));
        assert_eq!(e[2].1, Input::OutOfRange("18446744073709551615".into()));
        assert_eq!(e[3].1, Input::JsonFloat(1.5));
        let big = entries_from_json_text(
            br#"{"a":99999999999999999999,"b":-9223372036854775809,"c":1e3}"#,
        )
        .unwrap();
        assert_eq!(big[0].1, Input::OutOfRange("100000000000000000000".into()));
        assert_eq!(big[1].1, Input::OutOfRange("-9223372036854776000".into()));
        assert_eq!(big[2].1, Input::JsonFloat(1000.0));
        assert_eq!(e[4].1, Input::Str("7".into()));
        assert_eq!(e[5].1, Input::Null);
    }

    #[test]
    fn numbers_shown_as_js_shows_them() {
        assert_eq!(show_number(7221856821303362000.0), "7221856821303362000");
        assert_eq!(show_number(1.5), "1.5");
        assert_eq!(show_number(-0.25), "-0.25");
        assert_eq!(show_number(-9007199254740992.0), "-9007199254740992");
        assert_eq!(show_number(5.0), "5");
        assert_eq!(show_number(1e20), "100000000000000000000");
        assert_eq!(show_number(f64::NAN), "NaN");
        assert_eq!(show_number(f64::NEG_INFINITY), "-Infinity");
    }

    /// Hardening finding 6: the last of two equal keys used to win, and `1e4` / `666675.0`
    /// were taken as integers.
    #[test]
    fn duplicate_keys_and_non_integer_literals_are_refused() {
        let e = entries_from_json_text(br#"{"AppId":1,"Sender":2,"AppId":3}"#).unwrap_err();
        assert!(e.contains("duplicate key \"AppId\""), "{e}");
        assert!(entries_from_json_text(br#"{"a":{"b":1,"b":2}}"#).is_err());
        let e = entries_from_json_text(br#"{"a":1e4,"b":666675.0,"c":-0.0}"#).unwrap();
        assert_eq!(e[0].1, Input::JsonFloat(10000.0));
        assert_eq!(e[1].1, Input::JsonFloat(666675.0));
        for v in [&e[0].1, &e[1].1, &e[2].1] {
            let m = crate::api::int64::int32("AppId", v).unwrap_err().message;
            assert!(m.contains("fraction or an exponent"), "{m}");
            assert!(crate::api::int64::int64("Sender", v).is_err());
        }
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(entries_from_json_text(b"[1]")
            .unwrap_err()
            .contains("an array"));
        assert!(entries_from_json_text(b"{").is_err());
    }
}

/// A generic body (`call()`, an object body of `signRequest`) as JSON text: like
/// `JSON.stringify` (keys in the given order, `undefined` members left out), but `BigInt`s
/// become exact JSON integers, and values that cannot be sent faithfully are refused (`path`
/// names where). Written directly rather than through `serde_json::Value`, whose sorted map and
/// number types cost the signer-only `.wasm` ~3 KB gzip (measured) for no gain here.
pub fn to_json_text(v: &Input, path: &str) -> Result<String, crate::Error> {
    let mut out = String::new();
    write_json(&mut out, v, path)?;
    Ok(out)
}

fn write_json(out: &mut String, v: &Input, path: &str) -> Result<(), crate::Error> {
    let bad = |what: &str| crate::Error::invalid_argument([path, ": ", what].concat());
    match v {
        Input::Absent | Input::Null => out.push_str("null"),
        Input::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Input::Str(s) => out.push_str(&crate::sign::quote(s)),
        Input::BigInt(i) | Input::ExactInt(i) => out.push_str(&i.to_string()),
        Input::OutOfRange(t) => return Err(bad(&[t, " is outside the int64 range"].concat())),
        Input::Number(n) | Input::JsonFloat(n) if !n.is_finite() => {
            return Err(bad(&[&show_number(*n), " cannot be sent as JSON"].concat()))
        }
        Input::Number(n) if n.fract() == 0.0 && n.abs() > MAX_SAFE_INTEGER => {
            return Err(bad(&[
                &show_number(*n),
                " is not a safe integer; pass a BigInt or a decimal string",
            ]
            .concat()))
        }
        Input::Number(n) if n.fract() == 0.0 => out.push_str(&(*n as i64).to_string()),
        Input::Number(n) | Input::JsonFloat(n) => out.push_str(&show_number(*n)),
        Input::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item, &[path, "[", &i.to_string(), "]"].concat())?;
            }
            out.push(']');
        }
        Input::Object(entries) => {
            out.push('{');
            let mut first = true;
            for (k, item) in entries {
                if matches!(item, Input::Absent) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                out.push_str(&crate::sign::quote(k));
                out.push(':');
                write_json(out, item, &[path, ".", k].concat())?;
            }
            out.push('}');
        }
        other => {
            return Err(bad(
                &["a ", other.type_name(), " cannot be sent as JSON"].concat()
            ))
        }
    }
    Ok(())
}

#[cfg(test)]
mod json_tests {
    use super::*;

    #[test]
    fn bigint_exact_unsafe_refused_undefined_dropped_order_kept() {
        let v = Input::Object(vec![
            ("z".into(), Input::BigInt(i64::MAX)),
            ("b".into(), Input::Absent),
            (
                "c".into(),
                Input::List(vec![Input::Number(1.5), Input::Absent, Input::Number(2.0)]),
            ),
            ("s".into(), Input::Str("q\"\\\n\u{1}é".into())),
            ("o".into(), Input::Object(vec![])),
        ]);
        let text = to_json_text(&v, "body").unwrap();
        assert_eq!(
            text,
            r#"{"z":9223372036854775807,"c":[1.5,null,2],"s":"q\"\\\n\u0001é","o":{}}"#
        );
        // What it writes is JSON that reads back to the same values.
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["s"], "q\"\\\n\u{1}é");
        assert_eq!(back["z"].as_i64(), Some(i64::MAX));
        let v = Input::Object(vec![("Id".into(), Input::Number(7221856821303362000.0))]);
        assert!(to_json_text(&v, "body")
            .unwrap_err()
            .message
            .starts_with("body.Id: 7221856821303362000 is not a safe"));
        assert!(to_json_text(&Input::Number(f64::NAN), "body").is_err());
        assert!(to_json_text(&Input::Other("function"), "body").is_err());
    }
}
