//! `signRequest({...})` for callers with their own transport: validates the options, signs,
//! and says what to send (URL with the canonical query, the headers to add). Time comes in as
//! an argument; the JS framing of its result lives in `wasm`.

use crate::api::input::{get, reject_unknown, to_json_text, Entries, Input};
use crate::client::options::{credentials_from, read_str, MAX_NAME_BYTES};
use crate::sign::url::Url;
use crate::sign::{self, canonical, quote, Scope, SignableRequest, SigningTime};
use crate::Error;

/// `signRequest`'s option names.
pub const SIGN_REQUEST_OPTIONS: [&str; 10] = [
    "method",
    "url",
    "headers",
    "body",
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "region",
    "service",
    "date",
];

/// What `signRequest` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest {
    /// The URL to send (canonical path and query).
    pub url: String,
    /// The caller's headers plus `X-Date`, `X-Content-Sha256`, `Authorization` and
    /// `X-Security-Token` (a caller's value for any of these is replaced).
    pub headers: Vec<(String, String)>,
    /// The signer's intermediates.
    pub signing: sign::SigningOutput,
    /// The JSON text that was signed, when the body was given as an object or array.
    pub body: Option<String>,
}

fn invalid(field: &str, what: &str) -> Error {
    Error::invalid_argument([field, ": ", what].concat())
}

/// A required string option of `signRequest` (bounded like the client's names).
fn required(entries: &Entries, name: &'static str, max_len: usize) -> Result<String, Error> {
    match read_str(get(entries, name), None, max_len, name)? {
        crate::client::options::Value::Str(s) => Ok(s),
        _ => Err(invalid(name, "is required (a string)")),
    }
}

/// Validates and signs; `now_ms` is used when `date` is absent.
pub fn sign_request(entries: &Entries, now_ms: f64) -> Result<SignedRequest, Error> {
    reject_unknown(entries, "options", &SIGN_REQUEST_OPTIONS)?;
    let method = required(entries, "method", 32)?;
    let url = Url::parse("url", &required(entries, "url", 16 * 1024)?)?;
    let mut headers: Vec<(String, String)> = Vec::new();
    match get(entries, "headers") {
        v if v.is_absent() => {}
        Input::Object(pairs) => {
            for (k, v) in pairs {
                match v {
                    Input::Str(s) => headers.push((k.clone(), s.clone())),
                    other => {
                        return Err(invalid(
                            &["headers[", &quote(k), "]"].concat(),
                            &["expected a string, got ", other.type_name()].concat(),
                        ))
                    }
                }
            }
        }
        other => {
            return Err(invalid(
                "headers",
                &["expected an object of strings, got ", other.type_name()].concat(),
            ))
        }
    }
    // A Host header must name the URL's host: the signature covers what fetch will send, and
    // a script cannot set Host anyway (hardening finding 7: `evil.com` or "" was signed).
    if let Some((_, host)) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("host")) {
        let bare = |h: &str| {
            let h = h.to_ascii_lowercase();
            h.strip_suffix(":443")
                .or_else(|| h.strip_suffix(":80"))
                .map_or(h.clone(), str::to_owned)
        };
        if bare(host) != bare(&url.authority) {
            return Err(invalid(
                "headers[\"Host\"]",
                &[
                    &quote(host),
                    " differs from the URL's host ",
                    &quote(&url.authority),
                    "; leave Host out (the URL's host is signed)",
                ]
                .concat(),
            ));
        }
    }
    // The same host: the URL's spelling is what fetch sends, so that is what is signed (and
    // returned).
    for (k, v) in headers.iter_mut() {
        if k.eq_ignore_ascii_case("host") {
            *v = url.authority.clone();
        }
    }
    // An object or array body is written as JSON here (BigInts as exact integers, like
    // `call()`), and that text is returned to be sent as it was signed.
    let mut json_body = None;
    let body: &[u8] = match get(entries, "body") {
        v if v.is_absent() => &[],
        Input::Str(s) => s.as_bytes(),
        Input::Bytes(b) => b,
        v @ (Input::Object(_) | Input::List(_)) => {
            json_body.insert(to_json_text(v, "body")?).as_bytes()
        }
        other => {
            return Err(invalid(
                "body",
                &[
                    "expected a string, a Uint8Array, an ArrayBuffer or a JSON object, got ",
                    other.type_name(),
                ]
                .concat(),
            ))
        }
    };
    let credentials = credentials_from(entries, "")?;
    let region = required(entries, "region", MAX_NAME_BYTES)?;
    let service = required(entries, "service", MAX_NAME_BYTES)?;
    let time = match get(entries, "date") {
        v if v.is_absent() => SigningTime::from_unix_millis(now_ms),
        Input::Date(ms) if ms.is_finite() => SigningTime::from_unix_millis(*ms),
        Input::Date(_) => return Err(invalid("date", "is an Invalid Date")),
        other => {
            return Err(invalid(
                "date",
                &["expected a Date, got ", other.type_name()].concat(),
            ))
        }
    };
    let query: Vec<(&str, &str)> = url
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signing = sign::sign(
        &SignableRequest {
            method: &method,
            host: &url.authority,
            path: &url.path,
            query: &query,
            headers: &header_refs,
            body,
        },
        &credentials,
        Scope {
            region: &region,
            service: &service,
        },
        time,
    )?;
    let sent_url = url.with_canonical(
        &canonical::canonical_path(&url.path),
        &signing.canonical_query,
    );
    headers.retain(|(k, _)| !sign::SIGNER_OWNED.contains(&k.to_ascii_lowercase().as_str()));
    headers.extend(signing.headers().map(|(k, v)| (k.to_owned(), v.to_owned())));
    Ok(SignedRequest {
        url: sent_url,
        headers,
        signing,
        body: json_body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Input {
        Input::Str(v.into())
    }

    #[test]
    fn sign_request_rewrites_url_and_merges_headers() {
        let entries: Entries = vec![
            ("method".into(), s("post")),
            ("url".into(), s("https://rtc.volcengineapi.com/?Version=2020-12-01&Action=P2PSendMessage&Note=a+b")),
            ("headers".into(), Input::Object(vec![("Content-Type".into(), s("application/json")), ("x-date".into(), s("old"))])),
            ("body".into(), Input::Bytes(b"{}".to_vec())),
            ("accessKeyId".into(), s("AK")),
            ("secretAccessKey".into(), s("SK")),
            ("sessionToken".into(), Input::Absent),
            ("region".into(), s("cn-north-1")),
            ("service".into(), s("rtc")),
            ("date".into(), Input::Date(1_717_756_424_000.0)),
        ];
        let r = sign_request(&entries, 0.0).unwrap();
        assert_eq!(
            r.url,
            "https://rtc.volcengineapi.com/?Action=P2PSendMessage&Note=a%20b&Version=2020-12-01"
        );
        let names: Vec<&str> = r.headers.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Date",
                "X-Content-Sha256",
                "Authorization"
            ]
        );
        assert_eq!(r.signing.x_date, "20240607T103344Z");
        assert_eq!(r.body, None);
    }

    #[test]
    fn sign_request_writes_an_object_body_as_exact_json() {
        let mut entries: Entries = vec![
            ("method".into(), s("POST")),
            ("url".into(), s("https://rtc.volcengineapi.com/")),
            ("accessKeyId".into(), s("AK")),
            ("secretAccessKey".into(), s("SK")),
            ("region".into(), s("cn-north-1")),
            ("service".into(), s("rtc")),
            (
                "body".into(),
                Input::Object(vec![
                    ("AppId".into(), Input::Number(666675.0)),
                    ("Sender".into(), Input::BigInt(7221856821303361536)),
                ]),
            ),
        ];
        let r = sign_request(&entries, 0.0).unwrap();
        let text = r#"{"AppId":666675,"Sender":7221856821303361536}"#;
        assert_eq!(r.body.as_deref(), Some(text));
        {
            use sha2::Digest;
            assert_eq!(
                r.signing.content_sha256,
                crate::sign::hex_lower(&sha2::Sha256::digest(text.as_bytes()))
            );
        }

        entries[6].1 = Input::Object(vec![("Sender".into(), Input::Number(2f64.powi(60)))]);
        let e = sign_request(&entries, 0.0).unwrap_err();
        assert!(e.message.starts_with("body.Sender: "), "{}", e.message);
        entries[6].1 = Input::Number(1.0);
        let e = sign_request(&entries, 0.0).unwrap_err();
        assert!(e.message.contains("an ArrayBuffer"), "{}", e.message);
    }

    /// Hardening finding 7: a Host header other than the URL's was signed.
    #[test]
    fn a_host_header_must_be_the_urls() {
        let base = |host: &str| -> Entries {
            vec![
                ("method".into(), s("POST")),
                ("url".into(), s("https://rtc.volcengineapi.com/")),
                (
                    "headers".into(),
                    Input::Object(vec![("Host".into(), s(host))]),
                ),
                ("accessKeyId".into(), s("AK")),
                ("secretAccessKey".into(), s("SK")),
                ("region".into(), s("cn-north-1")),
                ("service".into(), s("rtc")),
            ]
        };
        for bad in ["evil.com", "", "rtc.volcengineapi.com.evil.com"] {
            let e = sign_request(&base(bad), 0.0).unwrap_err();
            assert!(
                e.message.starts_with("headers[\"Host\"]: "),
                "{}",
                e.message
            );
        }
        for ok in ["rtc.volcengineapi.com", "RTC.volcengineapi.com:443"] {
            let r = sign_request(&base(ok), 0.0).unwrap();
            assert!(r
                .signing
                .canonical_request
                .contains("\nhost:rtc.volcengineapi.com\n"));
        }
    }
}
