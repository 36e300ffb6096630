//! Signature verification as a SigV4-style gateway does it, with the simulator's own code
//! ([`crate::signature`]), never the SDK's: parse `Authorization`, rebuild the canonical request
//! from exactly the headers listed in `SignedHeaders` (in the listed order, with the values
//! received), hash the body, derive the key, compare in constant time.
//!
//! A header is verified iff it is listed; only `x-date` must be (the official Node SDK signs
//! `x-content-sha256;x-date` and no `host`, and the real service accepts it). The checks run in
//! the gateway's order, so each mistake yields the code the real service would give:
//! parameters, authentication presence, request info, access key, service, region, time, STS
//! token, body hash, signature, and only then action, version and the key's policy.

use crate::config::{Config, Credential};
use crate::errors::{self, ApiError};
use crate::model;
use crate::signature::{self, Signed};
use axum::http::HeaderMap;
use subtle::ConstantTimeEq;

/// How far `X-Date` may be from the server clock (docs/spec/signing.md §11: 900 s).
pub const MAX_SKEW_SECONDS: i64 = 15 * 60;

/// The request target: the raw path (still encoded, as signed) and the decoded query.
#[derive(Clone, Debug)]
pub struct Target {
    /// The raw path.
    pub raw_path: String,
    /// Decoded query pairs in request order (`+` is a space).
    pub query: Vec<(String, String)>,
}

impl Target {
    /// Parses an origin-form request target (`/path?query`).
    pub fn parse(path_and_query: &str) -> Result<Self, ApiError> {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        if !path.starts_with('/') {
            return Err(errors::MISSING_PARAMETER.with("the request target cannot be decoded"));
        }
        Ok(Self {
            raw_path: path.to_owned(),
            query: signature::query_pairs(query),
        })
    }

    /// The first value of query parameter `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// What a verified request was signed with.
#[derive(Debug)]
pub struct Verified<'c> {
    /// The credential whose secret produced the signature.
    pub credential: &'c Credential,
}

/// The parts of an `Authorization` header.
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

/// `HMAC-SHA256 Credential=AK/date/region/service/request, SignedHeaders=a;b, Signature=hex`;
/// separators may be `,` or `, `. `None` when it is not of that shape.
fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value
        .strip_prefix(signature::ALGORITHM)?
        .strip_prefix(' ')?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim_matches(' ').split_once('=')?;
        let slot = match k {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return None,
        };
        if slot.replace(v).is_some() {
            return None;
        }
    }
    let mut scope = credential?.split('/');
    let (ak, date, region, service, term) = (
        scope.next()?,
        scope.next()?,
        scope.next()?,
        scope.next()?,
        scope.next()?,
    );
    let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    if scope.next().is_some() || term != "request" || ak.is_empty() || !date_ok {
        return None;
    }
    Some(Authorization {
        access_key_id: ak,
        date,
        region,
        service,
        signed_headers: signed_headers?,
        signature: signature.unwrap_or(""),
    })
}

/// Equality whose time does not depend on where the strings first differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    bool::from(a.ct_eq(b))
}

/// A header's value as text; repeated headers are joined with `,` as HTTP allows.
fn header_text(headers: &HeaderMap, name: &str) -> Result<Option<String>, ()> {
    let mut out: Option<String> = None;
    for v in headers.get_all(name) {
        let v = v.to_str().map_err(|_| ())?;
        match &mut out {
            None => out = Some(v.to_owned()),
            Some(s) => {
                s.push(',');
                s.push_str(v);
            }
        }
    }
    Ok(out)
}

/// Verifies the signature of a request to the OpenAPI endpoint at server time `now`
/// (seconds since the epoch). Action and Version are checked too, after the signature.
pub fn verify<'c>(
    config: &'c Config,
    method: &str,
    target: &Target,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<Verified<'c>, ApiError> {
    let (Some(action), Some(version)) = (
        target.param("Action").filter(|v| !v.is_empty()),
        target.param("Version").filter(|v| !v.is_empty()),
    ) else {
        return Err(
            errors::MISSING_PARAMETER.with("the query parameters Action and Version are required")
        );
    };

    let Some(auth_value) = headers.get("authorization") else {
        return Err(
            errors::MISSING_AUTHENTICATION_TOKEN.with("the Authorization header is missing")
        );
    };
    let auth = auth_value
        .to_str()
        .ok()
        .and_then(parse_authorization)
        .ok_or_else(|| {
            errors::MISSING_REQUEST_INFO.with(
                "the Authorization header is not \"HMAC-SHA256 Credential=AK/YYYYMMDD/region/service/request, SignedHeaders=..., Signature=...\"",
            )
        })?;
    if auth.signature.is_empty() {
        return Err(errors::MISSING_SIGNATURE.with("the Authorization header has no Signature"));
    }
    let signed_names: Vec<&str> = auth.signed_headers.split(';').collect();
    if !signed_names
        .iter()
        .any(|n| n.eq_ignore_ascii_case("x-date"))
    {
        return Err(errors::MISSING_REQUEST_INFO.with("SignedHeaders must include x-date"));
    }
    let x_date = match header_text(headers, "x-date") {
        Ok(Some(v)) => v,
        _ => return Err(errors::MISSING_REQUEST_INFO.with("the X-Date header is missing")),
    };
    let time = signature::parse_x_date(&x_date).ok_or_else(|| {
        errors::MISSING_REQUEST_INFO.with("X-Date is not of the form YYYYMMDD'T'HHMMSS'Z'")
    })?;

    let credential = config.credential(auth.access_key_id).ok_or_else(|| {
        errors::INVALID_ACCESS_KEY.with(format!(
            "the access key {:?} is not known",
            auth.access_key_id
        ))
    })?;
    if auth.service != config.service {
        return Err(errors::SERVICE_NOT_FOUND.with(format!(
            "the credential scope names service {:?}; this endpoint is {:?}",
            auth.service, config.service
        )));
    }
    if auth.region != config.region {
        return Err(errors::SIGNATURE_DOES_NOT_MATCH.with(format!(
            "the credential scope names region {:?}, but this endpoint's region is {:?}",
            auth.region, config.region
        )));
    }
    let skew = now - time;
    if skew.abs() > MAX_SKEW_SECONDS {
        return Err(errors::INVALID_TIMESTAMP.with(format!(
            "X-Date {x_date} is {}s {} the server clock; at most {MAX_SKEW_SECONDS}s is accepted",
            skew.abs(),
            if skew > 0 { "behind" } else { "ahead of" }
        )));
    }
    if auth.date != &x_date[..8] {
        return Err(errors::INVALID_TIMESTAMP.with(format!(
            "the credential scope date {} is not the date of X-Date {x_date}",
            auth.date
        )));
    }

    let token = header_text(headers, "x-security-token").map_err(|_| {
        errors::INVALID_SECRET_TOKEN.with("X-Security-Token is not a valid header value")
    })?;
    match (&credential.session_token, &token) {
        (Some(_), None) => {
            return Err(errors::INVALID_SECRET_TOKEN
                .with("this access key is temporary (STS): X-Security-Token is required"))
        }
        (Some(expected), Some(got)) if !constant_time_eq(expected.as_bytes(), got.as_bytes()) => {
            return Err(errors::INVALID_SECRET_TOKEN
                .with("X-Security-Token is not the token of this access key"))
        }
        (None, Some(_)) => {
            return Err(errors::INVALID_SECRET_TOKEN
                .with("this access key is permanent: it takes no X-Security-Token"))
        }
        _ => {}
    }

    // Exactly the listed headers, in the listed order, with the values received.
    let mismatch = |why: String| errors::SIGNATURE_DOES_NOT_MATCH.with(why);
    let mut values: Vec<String> = Vec::with_capacity(signed_names.len());
    for &name in &signed_names {
        let value = header_text(headers, name)
            .map_err(|_| mismatch(format!("the signed header {name} is not valid text")))?
            .ok_or_else(|| {
                mismatch(format!(
                    "SignedHeaders lists {name}, which the request does not carry"
                ))
            })?;
        values.push(value);
    }
    let listed: Vec<(&str, &str)> = signed_names
        .iter()
        .zip(&values)
        .map(|(n, v)| (*n, v.as_str()))
        .collect();

    if let Ok(Some(sent)) = header_text(headers, "x-content-sha256") {
        if !sent.eq_ignore_ascii_case(&signature::sha256_hex(body)) {
            return Err(mismatch(
                "X-Content-Sha256 is not the SHA-256 of the body received".into(),
            ));
        }
    }
    let canonical = signature::canonical_request(&Signed {
        method,
        raw_path: &target.raw_path,
        query: &target.query,
        headers: &listed,
        body,
    });
    let expected = signature::signature(
        &credential.secret_access_key,
        &x_date,
        &config.region,
        &config.service,
        &canonical,
    );
    if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(mismatch(
            "the request signature we calculated does not match the signature you provided; \
             check the secret key and signing method"
                .into(),
        ));
    }

    if action != model::ACTION || version != model::VERSION {
        return Err(errors::INVALID_ACTION_OR_VERSION.with(format!(
            "Action {action:?} with Version {version:?} is not served; this simulator serves {} {}",
            model::ACTION,
            model::VERSION
        )));
    }
    if let Some(allowed) = &credential.allowed_actions {
        if !allowed.iter().any(|a| a == action) {
            return Err(errors::LACK_POLICY.with(format!(
                "access key {} has no policy allowing {action}",
                credential.access_key_id
            )));
        }
    }
    Ok(Verified { credential })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_shapes() {
        let a = parse_authorization(
            "HMAC-SHA256 Credential=AK/20240607/cn-north-1/rtc/request, SignedHeaders=host;x-date, Signature=ab",
        )
        .unwrap();
        assert_eq!(
            (
                a.access_key_id,
                a.date,
                a.region,
                a.service,
                a.signed_headers,
                a.signature
            ),
            ("AK", "20240607", "cn-north-1", "rtc", "host;x-date", "ab")
        );
        assert!(parse_authorization(
            "HMAC-SHA256 Credential=AK/20240607/cn-north-1/rtc/request,SignedHeaders=host,Signature=ab"
        )
        .is_some());
        for bad in [
            "",
            "AWS4-HMAC-SHA256 Credential=AK/20240607/r/s/request, SignedHeaders=host, Signature=ab",
            "HMAC-SHA256 Credential=AK/20240607/r/s/aws4_request, SignedHeaders=host, Signature=ab",
            "HMAC-SHA256 Credential=AK/2024067/r/s/request, SignedHeaders=host, Signature=ab",
            "HMAC-SHA256 Credential=/20240607/r/s/request, SignedHeaders=host, Signature=ab",
            "HMAC-SHA256 Credential=AK/20240607/r/s/request, Signature=ab",
            "HMAC-SHA256 Credential=AK/20240607/r/s/request, SignedHeaders=host, Foo=1",
        ] {
            assert!(parse_authorization(bad).is_none(), "{bad}");
        }
        let a = parse_authorization(
            "HMAC-SHA256 Credential=AK/20240607/r/s/request, SignedHeaders=host",
        )
        .unwrap();
        assert_eq!(a.signature, "");
    }

    #[test]
    fn constant_time_eq_is_eq() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn target_decodes_form_style() {
        let t = Target::parse("/?Action=P2PSendMessage&Version=2020-12-01&N=a+b%20c&E").unwrap();
        assert_eq!(t.raw_path, "/");
        assert_eq!(t.param("N"), Some("a b c"));
        assert_eq!(t.param("E"), Some(""));
        assert_eq!(t.param("X"), None);
    }
}
