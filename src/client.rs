//! Everything about a call that is not I/O: validated client options, the request to send
//! (URL, headers, body — signed), and `signRequest`'s inputs. Time comes in as an argument.

use crate::api::input::show_number;
use crate::api::input::{get, reject_unknown, Entries, Input};
use crate::api::IM_SERVICE;
use crate::error::quote;
use crate::policy::RetryPolicy;
use crate::sign::{self, Credentials, Scope, SignableRequest, SigningTime};
use crate::url::Url;
use crate::Error;

/// How int64 values come back to JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Int64Mode {
    /// As decimal strings (default: survives `JSON.stringify`).
    String,
    /// As `BigInt`.
    BigInt,
}

/// Default per-attempt timeout, as the official clients use.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Default region.
pub const DEFAULT_REGION: &str = "cn-north-1";

/// The IM endpoint for a region (docs/spec/signing.md, "IM endpoints").
pub fn default_endpoint(region: &str) -> Option<&'static str> {
    match region {
        "cn-north-1" => Some("https://rtc.volcengineapi.com"),
        "ap-southeast-1" => Some("https://open-ap-singapore-1.volcengineapi.com"),
        _ => None,
    }
}

/// Client options (`new ImClient({...})`), validated.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Fixed credentials (Debug redacts the secret); `None` when a `credentials` function
    /// supplies them instead.
    pub credentials: Option<Credentials>,
    /// The region the endpoint belongs to.
    pub region: String,
    /// The region put into the credential scope.
    pub signing_region: String,
    /// Where requests go.
    pub endpoint: Url,
    /// Per-attempt timeout.
    pub timeout_ms: u32,
    /// How int64 comes back.
    pub int64: Int64Mode,
    /// Overall limit across attempts, queueing and backoff included.
    pub deadline_ms: Option<u32>,
    /// Client-side QPS limit; 0 = off.
    pub qps: f64,
    /// Which failures are retried, and how often.
    pub retry: RetryPolicy,
    /// Added to the local clock when signing.
    pub clock_offset_ms: f64,
    /// On `InvalidTimestamp`, learn the offset from the server's `Date` and retry once.
    pub auto_clock_skew: bool,
}

/// Option names `ImClient` takes.
pub const CLIENT_OPTIONS: [&str; 17] = [
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "credentials",
    "region",
    "endpoint",
    "signingRegion",
    "timeoutMs",
    "deadlineMs",
    "qps",
    "retries",
    "retryUnsafe",
    "clockOffsetMs",
    "autoClockSkew",
    "fetch",
    "onEvent",
    "int64",
];

/// Default client-side QPS limit: the vendor's per-app limit.
pub const DEFAULT_QPS: f64 = 100.0;

/// Fixed credentials from `accessKeyId`/`secretAccessKey`/`sessionToken` (of the options, or of
/// what a `credentials()` function returned; `what` names which in errors).
pub fn credentials_from(entries: &Entries, what: &str) -> Result<Credentials, Error> {
    let field = |f: &str| {
        if what.is_empty() {
            f.to_owned()
        } else {
            [what, ".", f].concat()
        }
    };
    let credentials = Credentials {
        access_key_id: required_string_as(entries, "accessKeyId", &field("accessKeyId"))?,
        secret_access_key: required_string_as(
            entries,
            "secretAccessKey",
            &field("secretAccessKey"),
        )?,
        session_token: match get(entries, "sessionToken") {
            v if v.is_absent() => None,
            _ => Some(required_string_as(
                entries,
                "sessionToken",
                &field("sessionToken"),
            )?),
        },
    };
    if credentials
        .access_key_id
        .bytes()
        .any(|b| b <= b' ' || b >= 0x7f || b == b'/' || b == b',')
    {
        return Err(invalid(
            &field("accessKeyId"),
            "must not contain spaces, control or non-ASCII characters, '/' or ','",
        ));
    }
    Ok(credentials)
}

fn number(
    entries: &Entries,
    field: &str,
    default: f64,
    range: std::ops::RangeInclusive<f64>,
    integer: bool,
) -> Result<f64, Error> {
    match get(entries, field) {
        v if v.is_absent() => Ok(default),
        Input::Number(n) if range.contains(n) && (!integer || n.fract() == 0.0) => Ok(*n),
        Input::Number(_) => Err(invalid(
            field,
            &[
                if integer {
                    "must be an integer from "
                } else {
                    "must be a number from "
                },
                &show_number(*range.start()),
                " to ",
                &show_number(*range.end()),
            ]
            .concat(),
        )),
        other => Err(invalid(
            field,
            &["expected a number, got ", other.type_name()].concat(),
        )),
    }
}

fn boolean(entries: &Entries, field: &str, default: bool) -> Result<bool, Error> {
    match get(entries, field) {
        v if v.is_absent() => Ok(default),
        Input::Bool(b) => Ok(*b),
        other => Err(invalid(
            field,
            &["expected a boolean, got ", other.type_name()].concat(),
        )),
    }
}

fn function(entries: &Entries, field: &str) -> Result<bool, Error> {
    match get(entries, field) {
        v if v.is_absent() => Ok(false),
        Input::Other("function") => Ok(true),
        other => Err(invalid(
            field,
            &["expected a function, got ", other.type_name()].concat(),
        )),
    }
}

fn invalid(field: &str, what: &str) -> Error {
    Error::invalid_argument([field, ": ", what].concat())
}

/// A required non-empty string; the message never quotes the value (it may be a secret).
fn required_string(entries: &Entries, field: &str) -> Result<String, Error> {
    required_string_as(entries, field, field)
}

/// `key` read from `entries`, named `field` in errors (e.g. `credentials().accessKeyId`).
fn required_string_as(entries: &Entries, key: &str, field: &str) -> Result<String, Error> {
    match get(entries, key) {
        Input::Str(s) if !s.is_empty() => Ok(s.clone()),
        Input::Str(_) => Err(invalid(field, "must not be empty")),
        other if other.is_absent() => Err(invalid(field, "is required (a string)")),
        other => Err(invalid(
            field,
            &["expected a string, got ", other.type_name()].concat(),
        )),
    }
}

fn optional_string(entries: &Entries, field: &str) -> Result<Option<String>, Error> {
    match get(entries, field) {
        other if other.is_absent() => Ok(None),
        _ => required_string(entries, field).map(Some),
    }
}

/// `timeoutMs`-like options: an integer number of milliseconds in `1..=max`.
pub fn millis(entries: &Entries, field: &str, default: u32, max: u32) -> Result<u32, Error> {
    match get(entries, field) {
        other if other.is_absent() => Ok(default),
        Input::Number(n) if n.fract() == 0.0 && *n >= 1.0 && *n <= f64::from(max) => Ok(*n as u32),
        Input::Number(_) => Err(invalid(
            field,
            &[
                "must be an integer number of milliseconds from 1 to ",
                &max.to_string(),
            ]
            .concat(),
        )),
        other => Err(invalid(
            field,
            &["expected a number, got ", other.type_name()].concat(),
        )),
    }
}

impl ClientConfig {
    /// Validates `new ImClient(options)`.
    pub fn from_entries(entries: &Entries) -> Result<Self, Error> {
        reject_unknown(entries, "options", &CLIENT_OPTIONS)?;
        let credentials = if function(entries, "credentials")? {
            if ["accessKeyId", "secretAccessKey", "sessionToken"]
                .iter()
                .any(|k| !get(entries, k).is_absent())
            {
                return Err(invalid(
                    "credentials",
                    "give either a credentials function or accessKeyId/secretAccessKey, not both",
                ));
            }
            None
        } else if get(entries, "accessKeyId").is_absent() {
            return Err(invalid(
                "accessKeyId",
                "is required: give accessKeyId and secretAccessKey, or credentials: a function \
                 that returns them (in Node, Deno and Bun: credentials: fromEnv())",
            ));
        } else {
            Some(credentials_from(entries, "")?)
        };
        let region =
            optional_string(entries, "region")?.unwrap_or_else(|| DEFAULT_REGION.to_owned());
        let signing_region =
            optional_string(entries, "signingRegion")?.unwrap_or_else(|| region.clone());
        for (field, value) in [("region", &region), ("signingRegion", &signing_region)] {
            if !sign::is_scope_part(value) {
                return Err(invalid(
                    field,
                    "must be a region name of letters, digits, '-', '_', '.'",
                ));
            }
        }
        let endpoint_text = match optional_string(entries, "endpoint")? {
            Some(e) => e,
            None => default_endpoint(&region)
                .ok_or_else(|| {
                    invalid(
                        "endpoint",
                        &[
                            "is required for region ",
                            &quote(&region),
                            " (known regions: cn-north-1, ap-southeast-1)",
                        ]
                        .concat(),
                    )
                })?
                .to_owned(),
        };
        let endpoint = Url::parse("endpoint", &endpoint_text)?;
        if !(endpoint.path.is_empty() || endpoint.path == "/") || !endpoint.query.is_empty() {
            return Err(invalid(
                "endpoint",
                "must be a base URL with no path or query, e.g. http://127.0.0.1:8780",
            ));
        }
        let timeout_ms = millis(entries, "timeoutMs", DEFAULT_TIMEOUT_MS, i32::MAX as u32)?;
        let int64 = match get(entries, "int64") {
            v if v.is_absent() => Int64Mode::String,
            Input::Str(s) if s == "string" => Int64Mode::String,
            Input::Str(s) if s == "bigint" => Int64Mode::BigInt,
            _ => return Err(invalid("int64", "must be \"string\" or \"bigint\"")),
        };
        function(entries, "fetch")?;
        function(entries, "onEvent")?;
        let deadline_ms = match get(entries, "deadlineMs") {
            v if v.is_absent() => None,
            _ => Some(millis(entries, "deadlineMs", 0, i32::MAX as u32)?),
        };
        let qps = number(entries, "qps", DEFAULT_QPS, 0.0..=100_000.0, false)?;
        let retry = RetryPolicy {
            retries: number(entries, "retries", 2.0, 0.0..=10.0, true)? as u32,
            retry_unsafe: boolean(entries, "retryUnsafe", false)?,
            ..RetryPolicy::default()
        };
        let clock_offset_ms = number(entries, "clockOffsetMs", 0.0, -8.64e10..=8.64e10, false)?;
        let auto_clock_skew = boolean(entries, "autoClockSkew", true)?;
        let config = Self {
            credentials,
            region,
            signing_region,
            endpoint,
            timeout_ms,
            int64,
            deadline_ms,
            qps,
            retry,
            clock_offset_ms,
            auto_clock_skew,
        };
        // Sign a dummy request once so bad regions/keys fail here, not on the first call.
        let probe = config.credentials.clone().unwrap_or_else(|| Credentials {
            access_key_id: "probe".into(),
            secret_access_key: "probe".into(),
            session_token: None,
        });
        config.prepare(
            &probe,
            "P2PSendMessage",
            crate::api::IM_VERSION,
            Vec::new(),
            SigningTime::from_unix_seconds(0),
        )?;
        Ok(config)
    }

    /// Builds and signs `POST /?Action={action}&Version={version}` with a JSON `body`.
    pub fn prepare(
        &self,
        credentials: &Credentials,
        action: &str,
        version: &str,
        body: Vec<u8>,
        now: SigningTime,
    ) -> Result<PreparedRequest, Error> {
        check_word("action", action, false)?;
        check_word("version", version, true)?;
        let query = [("Action", action), ("Version", version)];
        let content_headers = [
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
        ];
        let out = sign::sign(
            &SignableRequest {
                method: "POST",
                host: &self.endpoint.authority,
                path: "/",
                query: &query,
                headers: &content_headers,
                body: &body,
            },
            credentials,
            Scope {
                region: &self.signing_region,
                service: IM_SERVICE,
            },
            now,
        )?;
        let mut headers: Vec<(&'static str, String)> = content_headers
            .iter()
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect();
        headers.extend(out.headers().map(|(k, v)| (k, v.to_owned())));
        Ok(PreparedRequest {
            url: self.endpoint.with_canonical("/", &out.canonical_query),
            headers,
            body,
        })
    }
}

fn check_word(field: &str, value: &str, dashes: bool) -> Result<(), Error> {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || (dashes && b == b'-'))
    {
        Ok(())
    } else {
        Err(invalid(
            field,
            &[
                quote(value).as_str(),
                if dashes {
                    " must be letters, digits and '-', e.g. \"2020-12-01\""
                } else {
                    " must be an action name of letters and digits, e.g. \"P2PSendMessage\""
                },
            ]
            .concat(),
        ))
    }
}

/// Per-call options: `p2pSendMessage(body, { signal })`, `call(action, body, { version,
/// signal, int64Fields })`. The signal itself stays in the JS layer; here it is only allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOptions {
    /// API version, default `2020-12-01`.
    pub version: String,
    /// Response fields whose integers always come back as strings (or `BigInt`).
    pub int64_fields: Vec<String>,
}

impl CallOptions {
    /// Validates per-call options; `generic` is true for `call()` (which takes more keys).
    pub fn from_entries(entries: &Entries, generic: bool) -> Result<Self, Error> {
        let known: &[&str] = if generic {
            &["version", "signal", "int64Fields"]
        } else {
            &["signal"]
        };
        reject_unknown(entries, "callOptions", known)?;
        let version = optional_string(entries, "version")?
            .unwrap_or_else(|| crate::api::IM_VERSION.to_owned());
        check_word("version", &version, true)?;
        let int64_fields = match get(entries, "int64Fields") {
            v if v.is_absent() => Vec::new(),
            Input::List(items) => items
                .iter()
                .map(|i| match i {
                    Input::Str(s) if !s.is_empty() => Ok(s.clone()),
                    _ => Err(invalid(
                        "int64Fields",
                        "must be an array of field names (strings)",
                    )),
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err(invalid(
                    "int64Fields",
                    "must be an array of field names (strings)",
                ))
            }
        };
        match get(entries, "signal") {
            v if v.is_absent() => {}
            Input::Other(_) => {}
            other => {
                return Err(invalid(
                    "signal",
                    &["expected an AbortSignal, got ", other.type_name()].concat(),
                ))
            }
        }
        Ok(Self {
            version,
            int64_fields,
        })
    }
}

/// A signed request, ready for `fetch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedRequest {
    /// Absolute URL whose query is the canonical query that was signed.
    pub url: String,
    /// Every header to send.
    pub headers: Vec<(&'static str, String)>,
    /// The exact body bytes that were signed.
    pub body: Vec<u8>,
}

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

impl SignedRequest {
    /// The result framed for the JS side as one string (`src/js/marshal.js` unpacks it): url,
    /// signedHeaders, canonicalRequest, stringToSign, signature, then header name/value pairs.
    /// `None` if a part holds a NUL, which the frame cannot carry.
    pub fn packed(&self) -> Option<String> {
        let s = &self.signing;
        let mut parts: Vec<&str> = vec![
            &self.url,
            &s.signed_headers,
            &s.canonical_request,
            &s.string_to_sign,
            &s.signature,
        ];
        for (k, v) in &self.headers {
            parts.push(k);
            parts.push(v);
        }
        (!parts.iter().any(|p| p.as_bytes().contains(&0))).then(|| parts.join("\0"))
    }
}

/// `signRequest({...})`: validates and signs; `now_ms` is used when `date` is absent.
pub fn sign_request(entries: &Entries, now_ms: f64) -> Result<SignedRequest, Error> {
    reject_unknown(entries, "options", &SIGN_REQUEST_OPTIONS)?;
    let method = required_string(entries, "method")?;
    let url = Url::parse("url", &required_string(entries, "url")?)?;
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
    // An object or array body is written as JSON here (BigInts as exact integers, like
    // `call()`), and that text is returned to be sent as it was signed.
    let mut json_body = None;
    let body: &[u8] = match get(entries, "body") {
        v if v.is_absent() => &[],
        Input::Str(s) => s.as_bytes(),
        Input::Bytes(b) => b,
        v @ (Input::Object(_) | Input::List(_)) => {
            let value = crate::api::input::to_json_value(v, "body")?;
            json_body
                .insert(serde_json::to_string(&value).unwrap_or_default())
                .as_bytes()
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
    let region = required_string(entries, "region")?;
    let service = required_string(entries, "service")?;
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
        &sign::canonical::canonical_path(&url.path),
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

    fn base() -> Entries {
        vec![
            ("accessKeyId".into(), s("AKLTx")),
            ("secretAccessKey".into(), s("top-secret-sk")),
        ]
    }

    #[test]
    fn defaults() {
        let c = ClientConfig::from_entries(&base()).unwrap();
        assert_eq!(c.region, "cn-north-1");
        assert_eq!(c.signing_region, "cn-north-1");
        assert_eq!(c.endpoint.authority, "rtc.volcengineapi.com");
        assert_eq!(c.timeout_ms, 10_000);
        assert_eq!(c.int64, Int64Mode::String);
        assert_eq!(
            (c.qps, c.retry.retries, c.retry.retry_unsafe, c.deadline_ms),
            (100.0, 2, false, None)
        );
        assert!(c.auto_clock_skew);
        let provider: Entries = vec![("credentials".into(), Input::Other("function"))];
        assert!(ClientConfig::from_entries(&provider)
            .unwrap()
            .credentials
            .is_none());
        let mut e = base();
        e.push(("region".into(), s("ap-southeast-1")));
        let c = ClientConfig::from_entries(&e).unwrap();
        assert_eq!(
            c.endpoint.authority,
            "open-ap-singapore-1.volcengineapi.com"
        );
    }

    #[test]
    fn prepared_request_is_signed_and_exact() {
        let mut e = base();
        e.push(("endpoint".into(), s("http://127.0.0.1:8780")));
        let c = ClientConfig::from_entries(&e).unwrap();
        let creds = c.credentials.clone().unwrap();
        let p = c
            .prepare(
                &creds,
                "P2PSendMessage",
                "2020-12-01",
                b"{}".to_vec(),
                SigningTime::from_unix_seconds(1_717_756_424),
            )
            .unwrap();
        assert_eq!(
            p.url,
            "http://127.0.0.1:8780/?Action=P2PSendMessage&Version=2020-12-01"
        );
        let names: Vec<&str> = p.headers.iter().map(|h| h.0).collect();
        assert_eq!(
            names,
            [
                "Accept",
                "Content-Type",
                "X-Date",
                "X-Content-Sha256",
                "Authorization"
            ]
        );
        assert!(p.headers[4]
            .1
            .contains("SignedHeaders=content-type;host;x-content-sha256;x-date,"));
        assert!(c
            .prepare(
                &creds,
                "Bad Action",
                "2020-12-01",
                vec![],
                SigningTime::from_unix_seconds(0)
            )
            .is_err());
        assert!(c
            .prepare(
                &creds,
                "A",
                "2020/12",
                vec![],
                SigningTime::from_unix_seconds(0)
            )
            .is_err());
    }

    #[test]
    fn option_errors_name_the_field_and_never_the_secret() {
        let cases: Vec<(Entries, &str)> = vec![
            (vec![], "accessKeyId: is required"),
            (
                vec![("accessKeyId".into(), s(""))],
                "accessKeyId: must not be empty",
            ),
            (
                vec![("accessKeyId".into(), Input::Number(1.0))],
                "accessKeyId: expected a string, got number",
            ),
            (
                vec![
                    ("accessKeyId".into(), s("a b")),
                    ("secretAccessKey".into(), s("x")),
                ],
                "accessKeyId: must not contain",
            ),
            (
                vec![("accessKeyId".into(), s("a"))],
                "secretAccessKey: is required",
            ),
            (
                [base(), vec![("timeoutMs".into(), Input::Number(0.0))]].concat(),
                "timeoutMs: must be an integer",
            ),
            (
                [base(), vec![("timeoutMs".into(), s("5"))]].concat(),
                "timeoutMs: expected a number",
            ),
            (
                [base(), vec![("region".into(), s("eu-west-9"))]].concat(),
                "endpoint: is required for region",
            ),
            (
                [base(), vec![("endpoint".into(), s("ftp://x"))]].concat(),
                "endpoint: ",
            ),
            (
                [base(), vec![("endpoint".into(), s("http://x/path"))]].concat(),
                "endpoint: must be a base URL",
            ),
            (
                [base(), vec![("int64".into(), s("number"))]].concat(),
                "int64: must be",
            ),
            (
                [base(), vec![("fetch".into(), s("x"))]].concat(),
                "fetch: expected a function",
            ),
            (
                [base(), vec![("timeout".into(), Input::Number(5.0))]].concat(),
                "options: unknown field \"timeout\"",
            ),
            (
                [base(), vec![("signingRegion".into(), s("a/b"))]].concat(),
                "signingRegion: must be",
            ),
            (
                [base(), vec![("sessionToken".into(), s(""))]].concat(),
                "sessionToken: must not be empty",
            ),
            (
                [
                    base(),
                    vec![("credentials".into(), Input::Other("function"))],
                ]
                .concat(),
                "credentials: give either",
            ),
            (
                vec![("credentials".into(), s("x"))],
                "credentials: expected a function",
            ),
            (
                [base(), vec![("qps".into(), Input::Number(-1.0))]].concat(),
                "qps: must be a number from 0",
            ),
            (
                [base(), vec![("retries".into(), Input::Number(1.5))]].concat(),
                "retries: must be an integer from 0 to 10",
            ),
            (
                [base(), vec![("retryUnsafe".into(), s("yes"))]].concat(),
                "retryUnsafe: expected a boolean",
            ),
            (
                [base(), vec![("deadlineMs".into(), Input::Number(0.0))]].concat(),
                "deadlineMs: must be an integer",
            ),
            (
                [
                    base(),
                    vec![("clockOffsetMs".into(), Input::Number(f64::NAN))],
                ]
                .concat(),
                "clockOffsetMs: must be a number",
            ),
            (
                [base(), vec![("autoClockSkew".into(), Input::Number(1.0))]].concat(),
                "autoClockSkew: expected a boolean",
            ),
            (
                [base(), vec![("onEvent".into(), Input::Bool(true))]].concat(),
                "onEvent: expected a function",
            ),
        ];
        for (entries, want) in cases {
            let e = ClientConfig::from_entries(&entries).unwrap_err();
            assert!(
                e.message.starts_with(want),
                "want {want:?}, got {:?}",
                e.message
            );
            assert!(!e.message.contains("top-secret-sk"));
        }
        assert!(
            !format!("{:?}", ClientConfig::from_entries(&base()).unwrap())
                .contains("top-secret-sk")
        );
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

    #[test]
    fn missing_access_key_id_points_at_credentials() {
        let e = ClientConfig::from_entries(&vec![]).unwrap_err();
        assert!(e.message.contains("credentials: "), "{}", e.message);
        assert!(e.message.contains("fromEnv()"), "{}", e.message);
    }
}
