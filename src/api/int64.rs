//! Exact int64 and int32 inputs (the official Node SDK rounds ids above 2^53; we never do).
//!
//! int64: a `BigInt`, a decimal string matching `^-?[0-9]{1,19}$` within i64, a JSON integer
//! literal, or a `number` only when `Number.isSafeInteger`. int32: only an integral `number`
//! in [−2^31, 2^31).

use super::input::{show_number, Input, MAX_SAFE_INTEGER};
use crate::Error;

fn err(field: &str, what: &str) -> Error {
    Error::invalid_argument([field, ": ", what].concat())
}

/// Parses a decimal int64 string: `^-?[0-9]{1,19}$` and within range, nothing else.
pub fn parse_decimal(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A JS number as int64, when it is a safe integer.
pub fn from_safe_number(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER).then_some(n as i64)
}

/// Validates an int64 field; `field` names it in the error.
pub fn int64(field: &str, v: &Input) -> Result<i64, Error> {
    match v {
        Input::BigInt(i) | Input::ExactInt(i) => Ok(*i),
        Input::Number(n) => from_safe_number(*n).ok_or_else(|| {
            let shown = show_number(*n);
            if n.is_finite() && n.fract() == 0.0 {
                err(field, &[&shown, " is not a safe integer; pass a BigInt or a decimal string"].concat())
            } else {
                err(field, &[&shown, " is not an integer"].concat())
            }
        }),
        Input::Str(s) => parse_decimal(s).ok_or_else(|| {
            let why = if s.strip_prefix('-').unwrap_or(s).bytes().all(|b| b.is_ascii_digit())
                && !s.is_empty()
                && s != "-"
            {
                " is outside the int64 range"
            } else {
                " is not a decimal integer (digits with an optional leading '-', no '+', spaces or exponent)"
            };
            err(field, &[&crate::sign::quote(s), why].concat())
        }),
        Input::OutOfRange(text) => Err(err(
            field,
            &[text, " is outside the int64 range [-9223372036854775808, 9223372036854775807]"].concat(),
        )),
        Input::JsonFloat(n) => Err(err(
            field,
            &[&show_number(*n), " is written with a fraction or an exponent; write the integer's digits"].concat(),
        )),
        Input::Absent | Input::Null => Err(err(field, "is required (a BigInt, a decimal string or a safe integer)")),
        other => Err(err(
            field,
            &["expected a BigInt, a decimal string or a safe integer, got ", other.type_name()].concat(),
        )),
    }
}

/// Validates an int32 field: only an integral `number` in [−2^31, 2^31).
pub fn int32(field: &str, v: &Input) -> Result<i32, Error> {
    match v {
        Input::Number(n) if n.fract() == 0.0 && *n >= -2_147_483_648.0 && *n < 2_147_483_648.0 => {
            Ok(*n as i32)
        }
        Input::Number(n) if n.is_finite() && n.fract() == 0.0 => Err(err(
            field,
            &[&show_number(*n), " is outside the int32 range"].concat(),
        )),
        Input::Number(n) => {
            let shown = show_number(*n);
            Err(err(field, &[&shown, " is not an integer"].concat()))
        }
        Input::ExactInt(i) => Err(err(
            field,
            &[&i.to_string(), " is outside the int32 range"].concat(),
        )),
        Input::JsonFloat(n) => Err(err(
            field,
            &[
                &show_number(*n),
                " is written with a fraction or an exponent; write the integer's digits",
            ]
            .concat(),
        )),
        Input::Absent | Input::Null => Err(err(field, "is required (an integer number)")),
        other => Err(err(
            field,
            &["expected an integer number, got ", other.type_name()].concat(),
        )),
    }
}

/// Validates an optional list of distinct int64 ids.
pub fn int64_list(field: &str, v: &Input) -> Result<Option<Vec<i64>>, Error> {
    let items = match v {
        Input::Absent | Input::Null => return Ok(None),
        Input::List(items) => items,
        other => {
            return Err(err(
                field,
                &["expected an array of ids, got ", other.type_name()].concat(),
            ))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let name = [field, "[", &i.to_string(), "]"].concat();
        let id = int64(&name, item)?;
        if out.contains(&id) {
            return Err(err(&name, &[&id.to_string(), " is listed twice"].concat()));
        }
        out.push(id);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_grammar_and_range() {
        assert_eq!(parse_decimal("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_decimal("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_decimal("0"), Some(0));
        assert_eq!(parse_decimal("-0"), Some(0));
        for bad in [
            "",
            "-",
            "+1",
            " 1",
            "1 ",
            "1e3",
            "0x10",
            "9223372036854775808",
            "-9223372036854775809",
            "12345678901234567890",
            "1.0",
            "１",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn int64_accepts_exact_forms_only() {
        assert_eq!(int64("f", &Input::BigInt(i64::MAX)).unwrap(), i64::MAX);
        assert_eq!(
            int64("f", &Input::Str("7221856821303361536".into())).unwrap(),
            7221856821303361536
        );
        assert_eq!(
            int64("f", &Input::Number(9007199254740991.0)).unwrap(),
            9007199254740991
        );
        let e = int64("ConversationShortId", &Input::Number(7221856821303362000.0)).unwrap_err();
        assert_eq!(
            e.message,
            "ConversationShortId: 7221856821303362000 is not a safe integer; pass a BigInt or a decimal string"
        );
        assert!(int64("f", &Input::Number(9007199254740992.0)).is_err());
        assert!(int64("f", &Input::Number(1.5))
            .unwrap_err()
            .message
            .contains("1.5 is not an integer"));
        assert!(int64("f", &Input::Number(f64::NAN))
            .unwrap_err()
            .message
            .contains("NaN"));
        assert!(int64("f", &Input::Str("+5".into()))
            .unwrap_err()
            .message
            .contains("not a decimal"));
        assert!(int64("f", &Input::Str("9223372036854775808".into()))
            .unwrap_err()
            .message
            .contains("int64 range"));
        assert!(int64("f", &Input::OutOfRange("99999999999999999999".into())).is_err());
        assert!(int64("f", &Input::Absent)
            .unwrap_err()
            .message
            .contains("required"));
        assert!(int64("f", &Input::Bool(true))
            .unwrap_err()
            .message
            .contains("boolean"));
    }

    #[test]
    fn int32_is_a_number_only() {
        assert_eq!(int32("AppId", &Input::Number(666675.0)).unwrap(), 666675);
        assert_eq!(
            int32("AppId", &Input::Number(-2147483648.0)).unwrap(),
            i32::MIN
        );
        assert!(int32("AppId", &Input::Number(2147483648.0))
            .unwrap_err()
            .message
            .contains("int32"));
        assert!(int32("AppId", &Input::Str("5".into()))
            .unwrap_err()
            .message
            .contains("string"));
        assert!(int32("AppId", &Input::BigInt(5))
            .unwrap_err()
            .message
            .contains("bigint"));
        assert!(int32("AppId", &Input::Number(1.5)).is_err());
        assert!(int32("AppId", &Input::Number(f64::INFINITY))
            .unwrap_err()
            .message
            .contains("Infinity"));
    }

    #[test]
    fn lists_name_the_bad_element_and_refuse_duplicates() {
        let v = Input::List(vec![Input::Number(1.0), Input::Str("x".into())]);
        assert!(int64_list("ReceiverUserId", &v)
            .unwrap_err()
            .message
            .starts_with("ReceiverUserId[1]:"));
        let v = Input::List(vec![Input::Number(1.0), Input::BigInt(1)]);
        assert!(int64_list("IgnoreUserIds", &v)
            .unwrap_err()
            .message
            .contains("twice"));
        assert_eq!(int64_list("x", &Input::Absent).unwrap(), None);
        assert!(int64_list("x", &Input::Number(1.0)).is_err());
    }
}
