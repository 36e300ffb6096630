//! The simulator's own implementation of Volcengine's HMAC-SHA256 request signature
//! (docs/spec/signing.md), written apart from the SDK crate's signer on purpose: a verifier
//! that re-signed with the client's code could never catch a bug the two share. It is checked
//! against the official signers' vectors (`tests/data/signing.json`) and by the official SDKs
//! used as clients.
//!
//! It works as a gateway does: it trusts nothing about *which* headers a client should sign,
//! and rebuilds the canonical request from exactly the headers listed in `SignedHeaders`.

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// The algorithm name at the start of `Authorization` and of the string to sign.
pub const ALGORITHM: &str = "HMAC-SHA256";

/// RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~` becomes `%XX` (uppercase hex).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

const X_DATE: &[FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// Parses `YYYYMMDD'T'HHMMSS'Z'` into seconds since the epoch.
pub fn parse_x_date(s: &str) -> Option<i64> {
    // `time` accepts a sign or more digits in a year; X-Date has exactly 16 ASCII characters.
    if s.len() != 16 || !s.is_ascii() {
        return None;
    }
    PrimitiveDateTime::parse(s, X_DATE)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// Formats seconds since the epoch as `YYYYMMDD'T'HHMMSS'Z'`.
pub fn format_x_date(unix_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|t| t.format(X_DATE).ok())
        .unwrap_or_default()
}

/// Lowercase hex of SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// The canonical path: `/` for an empty path, else each segment decoded and re-encoded.
pub fn canonical_path(raw_path: &str) -> String {
    if raw_path.is_empty() {
        return "/".to_owned();
    }
    raw_path
        .split('/')
        .map(|seg| {
            let decoded = percent_decode_str(seg).collect::<Vec<u8>>();
            percent_encoding::percent_encode(&decoded, RFC3986).to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The query as decoded pairs in request order (`+` is a space, as in form encoding).
pub fn query_pairs(raw_query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(raw_query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The canonical query: pairs sorted by raw key bytes (stable, so repeated keys keep request
/// order), each side RFC 3986-encoded, `k=v` joined with `&`.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    sorted
        .iter()
        .map(|(k, v)| {
            [
                utf8_percent_encode(k, RFC3986).to_string(),
                utf8_percent_encode(v, RFC3986).to_string(),
            ]
            .join("=")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// What a signature covers, as the server received it.
pub struct Signed<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The raw (still encoded) request path.
    pub raw_path: &'a str,
    /// The decoded query pairs.
    pub query: &'a [(String, String)],
    /// `(name as listed in SignedHeaders, value as received)`, in the listed order.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body bytes.
    pub body: &'a [u8],
}

/// The canonical request (docs/spec/signing.md §3): method, path, query, one `name:value` line per signed
/// header (values trimmed), an empty line, the signed-header list, the body's SHA-256.
pub fn canonical_request(r: &Signed<'_>) -> String {
    let mut out = String::new();
    out.push_str(r.method);
    out.push('\n');
    out.push_str(&canonical_path(r.raw_path));
    out.push('\n');
    out.push_str(&canonical_query(r.query));
    out.push('\n');
    for (name, value) in r.headers {
        out.push_str(name);
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
    }
    out.push('\n');
    let names: Vec<&str> = r.headers.iter().map(|(n, _)| *n).collect();
    out.push_str(&names.join(";"));
    out.push('\n');
    out.push_str(&sha256_hex(r.body));
    out
}

/// The signature (docs/spec/signing.md §6–§8) of `canonical` for this secret, date, region and service.
pub fn signature(
    secret: &str,
    x_date: &str,
    region: &str,
    service: &str,
    canonical: &str,
) -> String {
    let date = &x_date[..8.min(x_date.len())];
    let scope = [date, region, service, "request"].join("/");
    let to_sign = [ALGORITHM, x_date, &scope, &sha256_hex(canonical.as_bytes())].join("\n");
    let k_date = hmac(secret.as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    let k_signing = hmac(&k_service, b"request");
    hex(&hmac(&k_signing, to_sign.as_bytes()))
}

/// A minimal client-side signer for the simulator's own tests and load example: signs
/// `host`, `content-type` (when given), `x-content-sha256`, `x-date` and `x-security-token`
/// (when given), and returns every header to send, `Authorization` included.
#[allow(clippy::too_many_arguments)]
pub fn client_headers(
    access_key_id: &str,
    secret: &str,
    session_token: Option<&str>,
    region: &str,
    service: &str,
    method: &str,
    host: &str,
    path_and_query: &str,
    content_type: Option<&str>,
    body: &[u8],
    unix_seconds: i64,
) -> Vec<(String, String)> {
    let (raw_path, raw_query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let x_date = format_x_date(unix_seconds);
    let body_hash = sha256_hex(body);
    let mut headers: Vec<(&str, &str)> = Vec::new();
    if let Some(ct) = content_type {
        headers.push(("content-type", ct));
    }
    headers.push(("host", host));
    headers.push(("x-content-sha256", &body_hash));
    headers.push(("x-date", &x_date));
    if let Some(token) = session_token {
        headers.push(("x-security-token", token));
    }
    let query = query_pairs(raw_query);
    let canonical = canonical_request(&Signed {
        method,
        raw_path,
        query: &query,
        headers: &headers,
        body,
    });
    let sig = signature(secret, &x_date, region, service, &canonical);
    let names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
    let authorization = format!(
        "{ALGORITHM} Credential={access_key_id}/{}/{region}/{service}/request, SignedHeaders={}, Signature={sig}",
        &x_date[..8],
        names.join(";")
    );
    let mut out: Vec<(String, String)> = headers
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    out.push(("authorization".into(), authorization));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_date_round_trips_and_refuses_nonsense() {
        assert_eq!(parse_x_date("20240607T103344Z"), Some(1_717_756_424));
        assert_eq!(format_x_date(1_717_756_424), "20240607T103344Z");
        for bad in [
            "",
            "20240607T103344",
            "20230230T000000Z",
            "2024-06-07T10:33Z",
            "+2024067T103344Z",
            "20240607T246000Z",
        ] {
            assert_eq!(parse_x_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn query_is_decoded_then_encoded_rfc3986() {
        let pairs = query_pairs("b=a+b%2Fc&a=%E4%B8%AD&b=~x&E");
        assert_eq!(canonical_query(&pairs), "E=&a=%E4%B8%AD&b=a%20b%2Fc&b=~x");
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/a%20b/c"), "/a%20b/c");
    }
}
