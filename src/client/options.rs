//! Client options: ONE table says what each option is (name, kind, default, bounds, doc), and
//! every check reads it, so an option is added in one place here (plus its field in
//! [`ClientConfig`] and its type in `index.d.ts`). Per-call options and the credential fields
//! shared with `signRequest` live here too.

use crate::api::input::{get, reject_unknown, show_number, Entries, Input};
use crate::api::{IM_SERVICE, IM_VERSION};
use crate::client::policy::RetryPolicy;
use crate::sign::url::Url;
use crate::sign::{self, quote, Credentials, SigningTime};
use crate::Error;

/// How int64 values come back to JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Int64Mode {
    /// As decimal strings (default: survives `JSON.stringify`).
    String,
    /// As `BigInt`.
    BigInt,
}

/// What kind of value an option takes, with its default and bounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A non-empty string of at most `max_len` bytes; absent means `default` (if any).
    Str {
        /// Used when absent (`None`: required or computed).
        default: Option<&'static str>,
        /// Longest accepted value in bytes.
        max_len: usize,
    },
    /// A whole number of milliseconds in `1..=max`.
    Millis {
        /// Used when absent (`None`: no limit).
        default: Option<u32>,
        /// Largest accepted value.
        max: u32,
    },
    /// A number in `min..=max` (whole when `integer`).
    Number {
        /// Used when absent.
        default: f64,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
        /// Whether fractions are refused.
        integer: bool,
    },
    /// `true` or `false`.
    Bool {
        /// Used when absent.
        default: bool,
    },
    /// One of a few strings.
    Choice {
        /// Used when absent.
        default: &'static str,
        /// The accepted values.
        choices: &'static [&'static str],
    },
    /// A JS function (kept by the JS layer; here only checked).
    Function,
    /// An object the JS layer reads (a `QpsLimiter`); here only checked to be an object.
    Object,
}

/// One option of `new ImClient({...})`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    /// The option's name, as JS spells it.
    pub name: &'static str,
    /// Its kind, default and bounds.
    pub kind: Kind,
    /// One line for people.
    pub doc: &'static str,
}

/// Longest key id, region, action or version accepted (hardening: a 10 MB key id used to be
/// sent, and the server answered 431).
pub const MAX_NAME_BYTES: usize = 256;
/// Longest session token accepted (STS tokens are a few KB).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Default cap on a response body: every IM result fits with room to spare.
pub const DEFAULT_MAX_RESPONSE_BYTES: u32 = 1024 * 1024;
/// Default per-attempt timeout, as the official clients use.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Default region.
pub const DEFAULT_REGION: &str = "cn-north-1";
/// Default client-side QPS limit: the vendor's per-app limit.
pub const DEFAULT_QPS: f64 = 100.0;

const fn s(
    name: &'static str,
    max_len: usize,
    default: Option<&'static str>,
    doc: &'static str,
) -> Spec {
    Spec {
        name,
        kind: Kind::Str { default, max_len },
        doc,
    }
}

/// Every option `ImClient` takes.
pub const CLIENT_OPTIONS: [Spec; 19] = [
    s(
        "accessKeyId",
        MAX_NAME_BYTES,
        None,
        "access key id (AKLT…, or AKTP… with a session token)",
    ),
    s(
        "secretAccessKey",
        MAX_NAME_BYTES,
        None,
        "secret access key; never printed",
    ),
    s(
        "sessionToken",
        MAX_TOKEN_BYTES,
        None,
        "STS token, sent and signed as X-Security-Token",
    ),
    Spec {
        name: "credentials",
        kind: Kind::Function,
        doc: "a function returning credentials, instead of the three above",
    },
    s(
        "region",
        MAX_NAME_BYTES,
        Some(DEFAULT_REGION),
        "cn-north-1 or ap-southeast-1 (any with endpoint)",
    ),
    s(
        "endpoint",
        2048,
        None,
        "base URL; default: the region's IM endpoint",
    ),
    s(
        "signingRegion",
        MAX_NAME_BYTES,
        None,
        "region in the credential scope; default: region",
    ),
    Spec {
        name: "timeoutMs",
        kind: Kind::Millis {
            default: Some(DEFAULT_TIMEOUT_MS),
            max: i32::MAX as u32,
        },
        doc: "per-attempt timeout",
    },
    Spec {
        name: "deadlineMs",
        kind: Kind::Millis {
            default: None,
            max: i32::MAX as u32,
        },
        doc: "limit over all attempts, queueing and backoff",
    },
    Spec {
        name: "qps",
        kind: Kind::Number {
            default: DEFAULT_QPS,
            min: 0.0,
            max: 100_000.0,
            integer: false,
        },
        doc: "client-side requests per second; 0 = off",
    },
    Spec {
        name: "limiter",
        kind: Kind::Object,
        doc: "a QpsLimiter shared with other clients, instead of qps",
    },
    Spec {
        name: "retries",
        kind: Kind::Number {
            default: 2.0,
            min: 0.0,
            max: 10.0,
            integer: true,
        },
        doc: "retries of failures that certainly were not processed",
    },
    Spec {
        name: "retryUnsafe",
        kind: Kind::Bool { default: false },
        doc: "also retry what may have been processed",
    },
    Spec {
        name: "clockOffsetMs",
        kind: Kind::Number {
            default: 0.0,
            min: -8.64e10,
            max: 8.64e10,
            integer: false,
        },
        doc: "added to the local clock when signing",
    },
    Spec {
        name: "autoClockSkew",
        kind: Kind::Bool { default: true },
        doc: "learn the clock offset from the server on InvalidTimestamp",
    },
    Spec {
        name: "maxResponseBytes",
        kind: Kind::Number {
            default: DEFAULT_MAX_RESPONSE_BYTES as f64,
            min: 1024.0,
            max: 67_108_864.0,
            integer: true,
        },
        doc: "largest response body read; past it: InvalidResponse",
    },
    Spec {
        name: "fetch",
        kind: Kind::Function,
        doc: "fetch to use; default: the global fetch",
    },
    Spec {
        name: "onEvent",
        kind: Kind::Function,
        doc: "observability hook",
    },
    Spec {
        name: "int64",
        kind: Kind::Choice {
            default: "string",
            choices: &["string", "bigint"],
        },
        doc: "how int64 comes back",
    },
];

/// The table's entry for `name` (a name not in a table is a bug, caught by the tests).
fn spec(table: &'static [Spec], name: &str) -> &'static Spec {
    table
        .iter()
        .find(|s| s.name == name)
        .expect("the option is in its table")
}

/// A checked option value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Absent, with no default.
    Absent,
    /// A string.
    Str(String),
    /// A number (milliseconds included).
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A function was given.
    Function,
    /// An object was given (kept by the runtime layer).
    Object,
}

impl Value {
    fn str(self) -> Option<String> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
    fn number(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n),
            _ => None,
        }
    }
}

fn invalid(field: &str, what: &str) -> Error {
    Error::invalid_argument([field, ": ", what].concat())
}

fn got(field: &str, expected: &str, v: &Input) -> Error {
    invalid(
        field,
        &["expected ", expected, ", got ", v.type_name()].concat(),
    )
}

/// A string option (apart from [`read_as`] so that the signer-only build, which reads only
/// strings, carries no number formatting).
pub fn read_str(
    v: &Input,
    default: Option<&'static str>,
    max_len: usize,
    field: &str,
) -> Result<Value, Error> {
    match v {
        v if v.is_absent() => Ok(default.map_or(Value::Absent, |d| Value::Str(d.into()))),
        Input::Str(s) if s.is_empty() => Err(invalid(field, "must not be empty")),
        Input::Str(s) if s.len() > max_len => Err(invalid(
            field,
            &["is longer than ", &max_len.to_string(), " bytes"].concat(),
        )),
        Input::Str(s) => Ok(Value::Str(s.clone())),
        other => Err(got(field, "a string", other)),
    }
}

/// Reads `key` of `entries` by the rule of `spec`; `field` names it in errors (e.g.
/// `credentials().accessKeyId`). A string value is never quoted back: it may be a secret.
pub fn read_as(entries: &Entries, key: &str, spec: &Spec, field: &str) -> Result<Value, Error> {
    let v = get(entries, key);
    match spec.kind {
        Kind::Str { default, max_len } => read_str(v, default, max_len, field),
        Kind::Millis { default, max } => match v {
            v if v.is_absent() => {
                Ok(default.map_or(Value::Absent, |d| Value::Number(f64::from(d))))
            }
            Input::Number(n) if n.fract() == 0.0 && *n >= 1.0 && *n <= f64::from(max) => {
                Ok(Value::Number(*n))
            }
            Input::Number(_) => Err(invalid(
                field,
                &[
                    "must be an integer number of milliseconds from 1 to ",
                    &max.to_string(),
                ]
                .concat(),
            )),
            other => Err(got(field, "a number", other)),
        },
        Kind::Number {
            default,
            min,
            max,
            integer,
        } => match v {
            v if v.is_absent() => Ok(Value::Number(default)),
            Input::Number(n) if (min..=max).contains(n) && (!integer || n.fract() == 0.0) => {
                Ok(Value::Number(*n))
            }
            Input::Number(_) => Err(invalid(
                field,
                &[
                    if integer {
                        "must be an integer from "
                    } else {
                        "must be a number from "
                    },
                    &show_number(min),
                    " to ",
                    &show_number(max),
                ]
                .concat(),
            )),
            other => Err(got(field, "a number", other)),
        },
        Kind::Bool { default } => match v {
            v if v.is_absent() => Ok(Value::Bool(default)),
            Input::Bool(b) => Ok(Value::Bool(*b)),
            other => Err(got(field, "a boolean", other)),
        },
        Kind::Choice { default, choices } => match v {
            v if v.is_absent() => Ok(Value::Str(default.into())),
            Input::Str(s) if choices.contains(&s.as_str()) => Ok(Value::Str(s.clone())),
            _ => Err(invalid(
                field,
                &[
                    "must be ",
                    &choices
                        .iter()
                        .map(|c| quote(c))
                        .collect::<Vec<_>>()
                        .join(" or "),
                ]
                .concat(),
            )),
        },
        Kind::Function => match v {
            v if v.is_absent() => Ok(Value::Absent),
            Input::Other("function") => Ok(Value::Function),
            other => Err(got(field, "a function", other)),
        },
        Kind::Object => match v {
            v if v.is_absent() => Ok(Value::Absent),
            Input::Other("class instance") | Input::Object(_) => Ok(Value::Object),
            other => Err(got(field, "a QpsLimiter", other)),
        },
    }
}

/// [`read_as`] with the option's own name.
fn read(entries: &Entries, table: &'static [Spec], name: &str) -> Result<Value, Error> {
    read_as(entries, name, spec(table, name), name)
}

/// Fixed credentials from `accessKeyId`/`secretAccessKey`/`sessionToken` (of the options, of
/// `signRequest`'s options, or of what a `credentials()` function returned; `what` names which
/// in errors). Bounds come from [`CLIENT_OPTIONS`].
pub fn credentials_from(entries: &Entries, what: &str) -> Result<Credentials, Error> {
    let field = |f: &str| {
        if what.is_empty() {
            f.to_owned()
        } else {
            [what, ".", f].concat()
        }
    };
    // The bounds of CLIENT_OPTIONS, named directly: the signer-only build then carries no copy
    // of the option table (a test checks that they agree).
    let string = |name: &str| -> Result<Value, Error> {
        let max_len = if name == "sessionToken" {
            MAX_TOKEN_BYTES
        } else {
            MAX_NAME_BYTES
        };
        read_str(get(entries, name), None, max_len, &field(name))
    };
    let required = |name: &str| -> Result<String, Error> {
        string(name)?
            .str()
            .ok_or_else(|| invalid(&field(name), "is required (a string)"))
    };
    let access_key_id = required("accessKeyId")?;
    let secret_access_key = required("secretAccessKey")?;
    let session_token = string("sessionToken")?.str();
    if access_key_id
        .bytes()
        .any(|b| b <= b' ' || b >= 0x7f || b == b'/' || b == b',')
    {
        return Err(invalid(
            &field("accessKeyId"),
            "must not contain spaces, control or non-ASCII characters, '/' or ','",
        ));
    }
    // Sent as a header value, trimmed of spaces as header values are: what remains must be
    // printable ASCII (no tab, line break or NUL), and something must remain.
    let session_token =
        match session_token.as_deref().map(|t| t.trim_matches(' ')) {
            None => None,
            Some("") => {
                return Err(invalid(
                    &field("sessionToken"),
                    "must not be empty or only spaces",
                ))
            }
            Some(t) if t.bytes().any(|b| !(b' '..=b'~').contains(&b)) => return Err(invalid(
                &field("sessionToken"),
                "must be printable ASCII: no tabs, line breaks, control or non-ASCII characters",
            )),
            Some(t) => Some(t.to_owned()),
        };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
    })
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
    /// Largest response body read.
    pub max_response_bytes: u32,
}

/// The IM endpoint for a region (docs/spec/signing.md, "IM endpoints").
pub fn default_endpoint(region: &str) -> Option<&'static str> {
    match region {
        "cn-north-1" => Some("https://rtc.volcengineapi.com"),
        "ap-southeast-1" => Some("https://open-ap-singapore-1.volcengineapi.com"),
        _ => None,
    }
}

impl ClientConfig {
    /// Validates `new ImClient(options)`.
    pub fn from_entries(entries: &Entries) -> Result<Self, Error> {
        let names: Vec<&str> = CLIENT_OPTIONS.iter().map(|s| s.name).collect();
        reject_unknown(entries, "options", &names)?;
        let opt = |name: &str| read(entries, &CLIENT_OPTIONS, name);
        let credentials = if opt("credentials")? == Value::Function {
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
        let region = opt("region")?
            .str()
            .unwrap_or_else(|| DEFAULT_REGION.into());
        let signing_region = opt("signingRegion")?
            .str()
            .unwrap_or_else(|| region.clone());
        for (field, value) in [("region", &region), ("signingRegion", &signing_region)] {
            if !sign::is_scope_part(value) {
                return Err(invalid(
                    field,
                    "must be a region name of letters, digits, '-', '_', '.'",
                ));
            }
        }
        let endpoint_text = match opt("endpoint")?.str() {
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
        opt("fetch")?;
        opt("onEvent")?;
        let shared_limiter = opt("limiter")? != Value::Absent;
        if shared_limiter && !get(entries, "qps").is_absent() {
            return Err(invalid(
                "limiter",
                "give either qps (this client's own limit) or limiter (one shared by several clients), not both",
            ));
        }
        let number = |name: &str| -> Result<f64, Error> { Ok(opt(name)?.number().unwrap_or(0.0)) };
        let config = Self {
            credentials,
            region,
            signing_region,
            endpoint,
            timeout_ms: number("timeoutMs")? as u32,
            int64: match opt("int64")?.str().as_deref() {
                Some("bigint") => Int64Mode::BigInt,
                _ => Int64Mode::String,
            },
            deadline_ms: opt("deadlineMs")?.number().map(|n| n as u32),
            // A shared limiter replaces this client's own (the wasm and native layers pass it
            // to the session).
            qps: if shared_limiter { 0.0 } else { number("qps")? },
            retry: RetryPolicy {
                retries: number("retries")? as u32,
                retry_unsafe: opt("retryUnsafe")? == Value::Bool(true),
                ..RetryPolicy::default()
            },
            clock_offset_ms: number("clockOffsetMs")?,
            auto_clock_skew: opt("autoClockSkew")? == Value::Bool(true),
            max_response_bytes: number("maxResponseBytes")? as u32,
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
            IM_VERSION,
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
            &sign::SignableRequest {
                method: "POST",
                host: &self.endpoint.authority,
                path: "/",
                query: &query,
                headers: &content_headers,
                body: &body,
            },
            credentials,
            sign::Scope {
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

/// An action or version: letters and digits (and `-` for versions), at most
/// [`MAX_NAME_BYTES`].
fn check_word(field: &str, value: &str, dashes: bool) -> Result<(), Error> {
    let ok = !value.is_empty()
        && value.len() <= MAX_NAME_BYTES
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || (dashes && b == b'-'));
    if ok {
        return Ok(());
    }
    if value.len() > MAX_NAME_BYTES {
        return Err(invalid(
            field,
            &["is longer than ", &MAX_NAME_BYTES.to_string(), " bytes"].concat(),
        ));
    }
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
        const VERSION: Spec = s("version", MAX_NAME_BYTES, Some(IM_VERSION), "API version");
        let version = read_as(entries, "version", &VERSION, "version")?
            .str()
            .unwrap_or_else(|| IM_VERSION.to_owned());
        check_word("version", &version, true)?;
        let not_names = || invalid("int64Fields", "must be an array of field names (strings)");
        let int64_fields = match get(entries, "int64Fields") {
            v if v.is_absent() => Vec::new(),
            Input::List(items) => items
                .iter()
                .map(|i| match i {
                    Input::Str(s) if !s.is_empty() => Ok(s.clone()),
                    _ => Err(not_names()),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(not_names()),
        };
        match get(entries, "signal") {
            v if v.is_absent() => {}
            Input::Other(_) => {}
            other => return Err(got("signal", "an AbortSignal", other)),
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
    fn missing_access_key_id_points_at_credentials() {
        let e = ClientConfig::from_entries(&vec![]).unwrap_err();
        assert!(e.message.contains("credentials: "), "{}", e.message);
        assert!(e.message.contains("fromEnv()"), "{}", e.message);
    }

    /// Hardening finding 6: 10 MB key ids, regions, actions and versions were sent (the
    /// server answered 431), and tokens of only spaces or with a tab were accepted.
    #[test]
    fn oversized_names_and_unsendable_tokens_are_refused() {
        let long = "a".repeat(MAX_NAME_BYTES + 1);
        for (k, v) in [
            ("accessKeyId", &long),
            ("region", &long),
            ("signingRegion", &long),
        ] {
            let mut entries = base();
            entries.retain(|(key, _)| key != k);
            entries.push((k.into(), s(v)));
            let e = ClientConfig::from_entries(&entries);
            let e = e.unwrap_err().message;
            assert!(
                e.starts_with(k) && e.contains("longer than 256 bytes"),
                "{e}"
            );
        }
        let token = "t".repeat(MAX_TOKEN_BYTES + 1);
        let e = ClientConfig::from_entries(
            &[base(), vec![("sessionToken".into(), s(&token))]].concat(),
        );
        assert!(e.unwrap_err().message.contains("longer than 8192 bytes"));
        for bad in ["   ", "a\tb", "\ttok", "a\nb", "tök"] {
            let e = ClientConfig::from_entries(
                &[base(), vec![("sessionToken".into(), s(bad))]].concat(),
            );
            assert!(
                e.unwrap_err().message.starts_with("sessionToken: "),
                "{bad:?}"
            );
        }
        let c = ClientConfig::from_entries(
            &[base(), vec![("sessionToken".into(), s(" tok "))]].concat(),
        );
        assert_eq!(
            c.unwrap().credentials.unwrap().session_token.as_deref(),
            Some("tok")
        );
        let c = ClientConfig::from_entries(&base()).unwrap();
        let creds = c.credentials.clone().unwrap();
        let now = SigningTime::from_unix_seconds(0);
        for (action, version) in [
            (long.as_str(), "2020-12-01"),
            ("P2PSendMessage", long.as_str()),
        ] {
            let e = c
                .prepare(&creds, action, version, vec![], now)
                .unwrap_err()
                .message;
            assert!(e.contains("longer than 256 bytes"), "{e}");
        }
    }

    /// Every option the table lists has a kind the readers handle, and the table has no twins;
    /// the credential bounds `credentials_from` names directly are the table's.
    #[test]
    fn the_option_table_is_consistent() {
        for (name, max) in [
            ("accessKeyId", MAX_NAME_BYTES),
            ("secretAccessKey", MAX_NAME_BYTES),
            ("sessionToken", MAX_TOKEN_BYTES),
        ] {
            assert!(
                matches!(spec(&CLIENT_OPTIONS, name).kind, Kind::Str { max_len, .. } if max_len == max),
                "{name}"
            );
        }
        let mut names: Vec<&str> = CLIENT_OPTIONS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
        assert!(CLIENT_OPTIONS.iter().all(|s| !s.doc.is_empty()));
    }
}
