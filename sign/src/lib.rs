//! The Volcengine OpenAPI request signer (HMAC-SHA256, V4 style; `docs/spec/signing.md`).
//!
//! Pure and synchronous: the signing time is an input, nothing here reads a clock or does I/O,
//! so the same function runs natively and in wasm. It returns *instructions* — the headers to
//! add — plus every intermediate for tests. The bottom layer of volc-im (`volc_im::sign`): it
//! depends on nothing of the crate above it, nor on serde.
#![warn(missing_docs)]

pub mod canonical;
pub mod key;
pub mod time;
pub mod url;

use sha2::{Digest, Sha256};
use std::fmt;

pub use time::SigningTime;

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "HMAC-SHA256";

/// What is signed: the request exactly as it will be sent.
#[derive(Clone, Copy, Debug)]
pub struct SignableRequest<'a> {
    /// HTTP method; `get`/`post`/... are upper-cased as `fetch` does.
    pub method: &'a str,
    /// The URL's authority (`host[:port]`); a `Host` header, if given, takes precedence.
    pub host: &'a str,
    /// The raw (percent-decoded) path; each segment is encoded when canonicalised.
    pub path: &'a str,
    /// Raw query pairs in request order.
    pub query: &'a [(&'a str, &'a str)],
    /// Headers that will be sent (signed or not, by the rule in [`canonical::is_signed_header`]).
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes that will be sent.
    pub body: &'a [u8],
}

/// Access key pair, optionally with an STS session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id (`AKLT…`, or `AKTP…` for STS).
    pub access_key_id: String,
    /// The secret key; never printed.
    pub secret_access_key: String,
    /// The STS token, sent and signed as `X-Security-Token`.
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** REDACTED **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** REDACTED **"),
            )
            .finish()
    }
}

/// Where the signature is valid: `{date}/{region}/{service}/request`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope<'a> {
    /// Signing region, e.g. `cn-north-1`.
    pub region: &'a str,
    /// Service name, `rtc` for IM.
    pub service: &'a str,
}

/// A request that cannot be signed as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignError {
    /// `accessKeyId` is empty.
    EmptyAccessKeyId,
    /// `secretAccessKey` is empty.
    EmptySecretAccessKey,
    /// The session token is empty or has characters a header cannot carry.
    InvalidSessionToken,
    /// `region` is empty or has characters outside `A-Za-z0-9-_.`.
    InvalidRegion,
    /// `service` is empty or has characters outside `A-Za-z0-9-_.`.
    InvalidService,
    /// The signing time is outside the years 0000–9999, which `X-Date` cannot write.
    DateOutOfRange,
    /// The method is not an HTTP token.
    InvalidMethod(String),
    /// The host is empty or has characters no URL authority has.
    InvalidHost(String),
    /// A header name is not an HTTP token.
    InvalidHeaderName(String),
    /// A header value holds CR, LF, NUL or a non-ASCII character.
    InvalidHeaderValue(String),
    /// The same header is given twice (names compare case-insensitively).
    DuplicateHeader(String),
    /// A URL that cannot be signed; the whole message (field, URL with any password hidden, why).
    InvalidUrl(String),
}

/// `s` as a JSON string literal, for quoting a caller's input in a message. Written here, not
/// taken from serde_json: the signer is the bottom layer and stays free of serde (and of the
/// Unicode tables `{:?}` would add to the `.wasm`). Every layer above quotes with this one.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyAccessKeyId => f.write_str("accessKeyId: must be a non-empty string"),
            Self::InvalidUrl(message) => f.write_str(message),
            Self::EmptySecretAccessKey => {
                f.write_str("secretAccessKey: must be a non-empty string")
            }
            Self::InvalidSessionToken => f.write_str(
                "sessionToken: must be a non-empty string without line breaks, or undefined",
            ),
            Self::InvalidRegion => {
                f.write_str("region: must be a non-empty string of letters, digits, '-', '_', '.'")
            }
            Self::DateOutOfRange => f.write_str(
                "date: must be within the years 0000 to 9999 (X-Date has four digits for the year)",
            ),
            Self::InvalidService => {
                f.write_str("service: must be a non-empty string of letters, digits, '-', '_', '.'")
            }
            Self::InvalidMethod(m) => {
                f.write_str(&["method: ", &quote(m), " is not an HTTP method"].concat())
            }
            Self::InvalidHost(h) => {
                f.write_str(&["url: host ", &quote(h), " is not valid"].concat())
            }
            Self::InvalidHeaderName(n) => {
                f.write_str(&["headers: ", &quote(n), " is not a valid header name"].concat())
            }
            Self::InvalidHeaderValue(n) => f.write_str(
                &[
                    "headers: the value of ",
                    &quote(n),
                    " contains a line break or NUL",
                ]
                .concat(),
            ),
            Self::DuplicateHeader(n) => f.write_str(
                &[
                    "headers: ",
                    &quote(n),
                    " is given more than once (names ignore case)",
                ]
                .concat(),
            ),
        }
    }
}

impl std::error::Error for SignError {}

/// The result of signing: headers to add, and the intermediates. `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    /// `X-Date` value.
    pub x_date: String,
    /// `X-Content-Sha256` value: lowercase hex SHA-256 of the body.
    pub content_sha256: String,
    /// `X-Security-Token` value, when credentials carry a session token.
    pub security_token: Option<String>,
    /// `Authorization` value.
    pub authorization: String,
    /// The canonical query; send it as the URL's query so what is signed is what is sent.
    pub canonical_query: String,
    /// `a;b;c`: the lowercase names that were signed.
    pub signed_headers: String,
    /// The canonical request (for tests and debugging).
    pub canonical_request: String,
    /// The string to sign (for tests and debugging).
    pub string_to_sign: String,
    /// Lowercase hex signature.
    pub signature: String,
}

impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("x_date", &self.x_date)
            .field("content_sha256", &self.content_sha256)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** REDACTED **"),
            )
            .field("authorization", &self.authorization)
            .field("canonical_request", &"…")
            .field("signature", &self.signature)
            .finish()
    }
}

impl SigningOutput {
    /// The headers the signer adds, in a stable order, with their canonical capitalisation.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            Some(("X-Date", self.x_date.as_str())),
            Some(("X-Content-Sha256", self.content_sha256.as_str())),
            self.security_token
                .as_deref()
                .map(|t| ("X-Security-Token", t)),
            Some(("Authorization", self.authorization.as_str())),
        ]
        .into_iter()
        .flatten()
    }
}

/// Names the signer sets itself; a caller's value for them is replaced, not signed twice.
pub const SIGNER_OWNED: [&str; 4] = [
    "x-date",
    "x-content-sha256",
    "x-security-token",
    "authorization",
];

/// Lowercase hex of a byte string, without `format!` (this is the hot path).
pub fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Bytes, not `String::push(char)`: no UTF-8 encoding step per digit (a hot path in wasm).
    let mut out = vec![0u8; bytes.len() * 2];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[(b >> 4) as usize];
        pair[1] = HEX[(b & 15) as usize];
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Whether `s` can be a region or service in the credential scope.
pub fn is_scope_part(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:[]%!$&'()*+,;=".contains(&b))
}

/// Methods `fetch` upper-cases; signing them upper-cased keeps signature and wire equal.
fn normalise_method(method: &str) -> std::borrow::Cow<'_, str> {
    const FETCH_NORMALISED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    match FETCH_NORMALISED
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
    {
        Some(m) => std::borrow::Cow::Borrowed(m),
        None => std::borrow::Cow::Borrowed(method),
    }
}

/// Signs `req` for `scope` at `time` with `creds` (docs/spec/signing.md §1–10).
pub fn sign(
    req: &SignableRequest<'_>,
    creds: &Credentials,
    scope: Scope<'_>,
    time: SigningTime,
) -> Result<SigningOutput, SignError> {
    if creds.access_key_id.is_empty() {
        return Err(SignError::EmptyAccessKeyId);
    }
    if creds.secret_access_key.is_empty() {
        return Err(SignError::EmptySecretAccessKey);
    }
    if let Some(t) = &creds.session_token {
        if t.is_empty() || canonical::check_header_value("X-Security-Token", t).is_err() {
            return Err(SignError::InvalidSessionToken);
        }
    }
    if !is_scope_part(scope.region) {
        return Err(SignError::InvalidRegion);
    }
    if !is_scope_part(scope.service) {
        return Err(SignError::InvalidService);
    }
    let method = normalise_method(req.method);
    if canonical::check_header_name(&method).is_err() {
        return Err(SignError::InvalidMethod(req.method.to_owned()));
    }

    if !time.is_writable() {
        return Err(SignError::DateOutOfRange);
    }
    let x_date = time.x_date();
    let short_date = x_date.get(..8).unwrap_or_default();
    let content_sha256 = hex_lower(&Sha256::digest(req.body));

    // Collect the signed headers: (lowercase name, trimmed value).
    let mut signed: Vec<(String, &str)> = Vec::with_capacity(req.headers.len() + 4);
    let mut seen: Vec<String> = Vec::with_capacity(req.headers.len());
    for &(name, value) in req.headers {
        canonical::check_header_name(name)?;
        canonical::check_header_value(name, value)?;
        let lower = name.to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(SignError::DuplicateHeader(name.to_owned()));
        }
        seen.push(lower.clone());
        if SIGNER_OWNED.contains(&lower.as_str()) || !canonical::is_signed_header(&lower) {
            continue;
        }
        let value = canonical::trim_value(value);
        let value = if lower == "host" {
            canonical::host_without_default_port(value)
        } else {
            value
        };
        signed.push((lower, value));
    }
    if !seen.iter().any(|n| n == "host") {
        if !is_host(req.host) {
            return Err(SignError::InvalidHost(req.host.to_owned()));
        }
        signed.push((
            "host".to_owned(),
            canonical::host_without_default_port(req.host),
        ));
    }
    signed.push(("x-date".to_owned(), &x_date));
    signed.push(("x-content-sha256".to_owned(), &content_sha256));
    // Trimmed, as fetch sends header values and the server reads them.
    let token = creds.session_token.as_deref().map(canonical::trim_value);
    if let Some(token) = token {
        signed.push(("x-security-token".to_owned(), token));
    }
    canonical::sort_small(&mut signed, |a, b| a.0 > b.0);

    let canonical_query = canonical::canonical_query(req.query);
    let canonical_path = canonical::canonical_path(req.path);
    let mut signed_headers = String::with_capacity(64);
    let mut cr = String::with_capacity(256 + canonical_query.len() + canonical_path.len());
    cr.push_str(&method);
    cr.push('\n');
    cr.push_str(&canonical_path);
    cr.push('\n');
    cr.push_str(&canonical_query);
    cr.push('\n');
    for (i, (name, value)) in signed.iter().enumerate() {
        cr.push_str(name);
        cr.push(':');
        cr.push_str(value);
        cr.push('\n');
        if i > 0 {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    cr.push('\n');
    cr.push_str(&signed_headers);
    cr.push('\n');
    cr.push_str(&content_sha256);

    let scope_str = [short_date, scope.region, scope.service, "request"].join("/");
    let mut sts = String::with_capacity(128);
    sts.push_str(ALGORITHM);
    sts.push('\n');
    sts.push_str(&x_date);
    sts.push('\n');
    sts.push_str(&scope_str);
    sts.push('\n');
    sts.push_str(&hex_lower(&Sha256::digest(cr.as_bytes())));

    let signature = hex_lower(&key::sign_with_cached_key(
        &creds.secret_access_key,
        short_date,
        scope.region,
        scope.service,
        sts.as_bytes(),
    ));

    let mut authorization = String::with_capacity(200);
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(&creds.access_key_id);
    authorization.push('/');
    authorization.push_str(&scope_str);
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(&signed_headers);
    authorization.push_str(", Signature=");
    authorization.push_str(&signature);

    Ok(SigningOutput {
        x_date,
        content_sha256,
        security_token: token.map(str::to_owned),
        authorization,
        canonical_query,
        signed_headers,
        canonical_request: cr,
        string_to_sign: sts,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "AK".into(),
            secret_access_key: "super-secret-value".into(),
            session_token: None,
        }
    }

    fn req<'a>(headers: &'a [(&'a str, &'a str)]) -> SignableRequest<'a> {
        SignableRequest {
            method: "POST",
            host: "h.example",
            path: "/",
            query: &[],
            headers,
            body: b"",
        }
    }

    const SCOPE: Scope<'static> = Scope {
        region: "cn-north-1",
        service: "rtc",
    };
    const T: SigningTime = SigningTime::from_unix_seconds(1_717_756_424);

    #[test]
    fn debug_never_shows_the_secret() {
        let mut c = creds();
        c.session_token = Some("tok-secret".into());
        let s = format!("{c:?}");
        assert!(
            !s.contains("super-secret-value") && !s.contains("tok-secret"),
            "{s}"
        );
        assert!(s.contains("REDACTED"));
    }

    #[test]
    fn host_from_url_when_no_host_header_and_default_port_dropped() {
        let r = SignableRequest {
            host: "h.example:443",
            ..req(&[])
        };
        let out = sign(&r, &creds(), SCOPE, T).unwrap();
        assert!(out.canonical_request.contains("\nhost:h.example\n"));
        let r = SignableRequest {
            host: "127.0.0.1:8780",
            ..req(&[])
        };
        let out = sign(&r, &creds(), SCOPE, T).unwrap();
        assert!(out.canonical_request.contains("\nhost:127.0.0.1:8780\n"));
        assert_eq!(out.signed_headers, "host;x-content-sha256;x-date");
    }

    #[test]
    fn unsigned_headers_are_left_out_and_values_trimmed() {
        let h = [
            ("Accept", "application/json"),
            ("User-Agent", "x"),
            ("X-Custom", "  v  "),
            ("Content-MD5", "abc"),
            ("Content-Type", "application/json"),
        ];
        let out = sign(&req(&h), &creds(), SCOPE, T).unwrap();
        assert_eq!(
            out.signed_headers,
            "content-md5;content-type;host;x-content-sha256;x-custom;x-date"
        );
        assert!(out.canonical_request.contains("\nx-custom:v\n"));
    }

    #[test]
    fn caller_values_for_signer_owned_headers_are_replaced() {
        let h = [("X-Date", "19990101T000000Z"), ("Authorization", "junk")];
        let out = sign(&req(&h), &creds(), SCOPE, T).unwrap();
        assert_eq!(out.x_date, "20240607T103344Z");
        assert!(!out.canonical_request.contains("1999"));
    }

    #[test]
    fn session_token_is_signed_and_returned() {
        let mut c = creds();
        c.session_token = Some("STS2tok".into());
        let out = sign(&req(&[]), &c, SCOPE, T).unwrap();
        assert!(out.signed_headers.ends_with(";x-security-token"));
        assert_eq!(
            out.headers().find(|h| h.0 == "X-Security-Token").unwrap().1,
            "STS2tok"
        );
    }

    #[test]
    fn method_normalised_like_fetch() {
        let a = sign(
            &SignableRequest {
                method: "post",
                ..req(&[])
            },
            &creds(),
            SCOPE,
            T,
        )
        .unwrap();
        let b = sign(&req(&[]), &creds(), SCOPE, T).unwrap();
        assert_eq!(a.signature, b.signature);
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let mut c = creds();
        c.access_key_id.clear();
        assert_eq!(
            sign(&req(&[]), &c, SCOPE, T),
            Err(SignError::EmptyAccessKeyId)
        );
        let mut c = creds();
        c.secret_access_key.clear();
        assert_eq!(
            sign(&req(&[]), &c, SCOPE, T),
            Err(SignError::EmptySecretAccessKey)
        );
        let mut c = creds();
        c.session_token = Some(String::new());
        assert_eq!(
            sign(&req(&[]), &c, SCOPE, T),
            Err(SignError::InvalidSessionToken)
        );
        let s = Scope {
            region: "",
            service: "rtc",
        };
        assert_eq!(
            sign(&req(&[]), &creds(), s, T),
            Err(SignError::InvalidRegion)
        );
        let s = Scope {
            region: "cn-north-1",
            service: "r/tc",
        };
        assert_eq!(
            sign(&req(&[]), &creds(), s, T),
            Err(SignError::InvalidService)
        );
        let r = SignableRequest {
            method: "PO ST",
            ..req(&[])
        };
        assert!(matches!(
            sign(&r, &creds(), SCOPE, T),
            Err(SignError::InvalidMethod(_))
        ));
        let r = SignableRequest {
            host: "",
            ..req(&[])
        };
        assert!(matches!(
            sign(&r, &creds(), SCOPE, T),
            Err(SignError::InvalidHost(_))
        ));
        let h = [("X-A", "1"), ("x-a", "2")];
        assert!(matches!(
            sign(&req(&h), &creds(), SCOPE, T),
            Err(SignError::DuplicateHeader(_))
        ));
        let h = [("X-A", "1\r\nX-B: 2")];
        assert!(matches!(
            sign(&req(&h), &creds(), SCOPE, T),
            Err(SignError::InvalidHeaderValue(_))
        ));
        let h = [("X A", "1")];
        assert!(matches!(
            sign(&req(&h), &creds(), SCOPE, T),
            Err(SignError::InvalidHeaderName(_))
        ));
    }

    #[test]
    fn errors_never_carry_the_secret() {
        let h = [("X-A", "super-secret-value\n")];
        let e = sign(&req(&h), &creds(), SCOPE, T).unwrap_err();
        assert!(!e.to_string().contains("super-secret-value"));
    }
}
