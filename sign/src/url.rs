//! Just enough URL parsing for signing: `http(s)://host[:port][/path][?query][#fragment]`.
//!
//! Hand-written because the `url` crate (with IDNA tables) would triple the `.wasm`, and the
//! signer needs the *raw* path and query pairs (percent-decoded) anyway, which it re-encodes.

use super::{quote, SignError};

/// A parsed absolute http(s) URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// `http` or `https`.
    pub scheme: &'static str,
    /// `host[:port]`, host lower-cased, default port dropped.
    pub authority: String,
    /// The percent-decoded path (empty for none).
    pub path: String,
    /// Percent-decoded query pairs in order (`+` is a space, as form encoding and Go read it).
    pub query: Vec<(String, String)>,
}

fn bad(field: &str, url: &str, why: &str) -> SignError {
    // Never quote credentials that were put in the URL (`https://AK:SECRET@host`).
    let scheme_end = url.as_bytes().windows(3).position(|w| w == b"://");
    let shown = match (scheme_end, url.find('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            // `get`, not indexing: no index here can panic (nor carry core's panic formatting,
            // several KB of the `.wasm`, into the build).
            let head = url.get(..scheme_end + 3).unwrap_or_default();
            [head, "***", url.get(at..).unwrap_or_default()].concat()
        }
        _ => url.to_owned(),
    };
    SignError::InvalidUrl([field, ": ", &quote(&shown), " is not a valid URL: ", why].concat())
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes; an invalid `%` escape stays as it is (as WHATWG and Go's lenient paths do).
fn decode(s: &str, plus_is_space: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => match (
                b.get(i + 1).copied().and_then(hex_val),
                b.get(i + 2).copied().and_then(hex_val),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

impl Url {
    /// Parses `input`; `field` names the option in errors.
    pub fn parse(field: &str, input: &str) -> Result<Self, SignError> {
        if input.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(bad(
                field,
                input,
                "it contains spaces or control characters",
            ));
        }
        let (scheme, rest) = if let Some(r) = strip_prefix_ci(input, "https://") {
            ("https", r)
        } else if let Some(r) = strip_prefix_ci(input, "http://") {
            ("http", r)
        } else {
            return Err(bad(field, input, "it must start with https:// or http://"));
        };
        let rest = rest.split('#').next().unwrap_or_default();
        let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at_checked(auth_end).unwrap_or((rest, ""));
        if authority.contains('@') {
            return Err(bad(
                field,
                input,
                "credentials in the URL are not supported",
            ));
        }
        let (host, port) = split_port(authority);
        let host_ok = if let Some(v6) = host.strip_prefix('[') {
            v6.strip_suffix(']').is_some_and(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            })
        } else {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        };
        if !host_ok {
            return Err(bad(
                field,
                input,
                "the host is missing or has characters a host cannot have",
            ));
        }
        let default_port = if scheme == "https" { "443" } else { "80" };
        let mut authority = host.to_ascii_lowercase();
        match port {
            None | Some("") => {}
            Some(p)
                if p.len() <= 5
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && p.parse::<u32>().is_ok_and(|n| n <= 65535) =>
            {
                // As WHATWG URL (and so fetch) writes it: no leading zeros, no default port.
                let port = p.parse::<u32>().map(|n| n.to_string()).unwrap_or_default();
                if port != default_port {
                    authority.push(':');
                    authority.push_str(&port);
                }
            }
            Some(_) => {
                return Err(bad(
                    field,
                    input,
                    "the port is not a number from 0 to 65535",
                ))
            }
        }
        let (raw_path, raw_query) = match tail.split_once('?') {
            Some((p, q)) => (p, q),
            None => (tail, ""),
        };
        let path = decode(raw_path, false)
            .ok_or_else(|| bad(field, input, "its path is not UTF-8 once percent-decoded"))?;
        let mut query = Vec::new();
        for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match (decode(k, true), decode(v, true)) {
                (Some(k), Some(v)) => query.push((k, v)),
                _ => {
                    return Err(bad(
                        field,
                        input,
                        "its query is not UTF-8 once percent-decoded",
                    ))
                }
            }
        }
        Ok(Self {
            scheme,
            authority,
            path,
            query,
        })
    }

    /// The URL to send: the canonical path and query the signer produced, so that what is
    /// signed is exactly what is sent.
    pub fn with_canonical(&self, canonical_path: &str, canonical_query: &str) -> String {
        let mut out = String::with_capacity(
            16 + self.authority.len() + canonical_path.len() + canonical_query.len(),
        );
        out.push_str(self.scheme);
        out.push_str("://");
        out.push_str(&self.authority);
        out.push_str(canonical_path);
        if !canonical_query.is_empty() {
            out.push('?');
            out.push_str(canonical_query);
        }
        out
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let (head, rest) = s.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(rest)
}

fn split_port(authority: &str) -> (&str, Option<&str>) {
    let after_v6 = authority.rfind(']').map_or(0, |i| i + 1);
    let colon = authority
        .get(after_v6..)
        .and_then(|tail| tail.rfind(':'))
        .map(|i| after_v6 + i);
    match colon.and_then(|c| Some((authority.get(..c)?, authority.get(c + 1..)?))) {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_parts_signing_needs() {
        let u = Url::parse(
            "url",
            "HTTPS://RTC.volcengineapi.com:443/a%20b/c?Action=X&Version=1&q=a+b%2B&e#frag",
        )
        .unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.authority, "rtc.volcengineapi.com");
        assert_eq!(u.path, "/a b/c");
        assert_eq!(
            u.query,
            vec![
                ("Action".into(), "X".into()),
                ("Version".into(), "1".into()),
                ("q".into(), "a b+".into()),
                ("e".into(), "".into())
            ]
        );
        let u = Url::parse("endpoint", "http://127.0.0.1:8780").unwrap();
        assert_eq!(
            (u.authority.as_str(), u.path.as_str()),
            ("127.0.0.1:8780", "")
        );
        let u = Url::parse("endpoint", "http://[::1]:80/").unwrap();
        assert_eq!(u.authority, "[::1]");
        assert_eq!(Url::parse("u", "http://h/%zz").unwrap().path, "/%zz");
        assert_eq!(
            Url::parse("u", "http://127.0.0.1:08780").unwrap().authority,
            "127.0.0.1:8780"
        );
        assert_eq!(Url::parse("u", "https://h:0443").unwrap().authority, "h");
        let e = Url::parse("endpoint", "https://AKLT:TOPSECRET@h/")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("TOPSECRET") && e.contains("***"), "{}", e);
    }

    #[test]
    fn rejects_what_cannot_be_signed() {
        for bad in [
            "",
            "rtc.volcengineapi.com",
            "ftp://h/",
            "http://",
            "http://u:p@h/",
            "http://h:99999/",
            "http://h:x/",
            "http://h h/",
            "http://h/\n",
            "http://h/%FF",
            "http://[zz]/",
        ] {
            let e = Url::parse("endpoint", bad).unwrap_err().to_string();
            assert!(e.starts_with("endpoint: "), "{bad}: {e}");
        }
    }

    #[test]
    fn rebuilds_with_canonical_parts() {
        let u = Url::parse("url", "http://h:8/x").unwrap();
        assert_eq!(u.with_canonical("/x", "A=1"), "http://h:8/x?A=1");
        assert_eq!(u.with_canonical("/", ""), "http://h:8/");
    }
}
