//! Canonical forms of the request parts that are signed (docs/spec/signing.md §3–5).
//!
//! Everything here is byte-exact with the official Go and Python signers: RFC 3986 percent
//! encoding with uppercase hex, a stable sort of query pairs by their raw key, lowercase sorted
//! header names with trimmed values.

use super::SignError;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `bytes` percent-encoded: `A-Z a-z 0-9 - _ . ~` stay, every other byte is `%XX`.
pub fn percent_encode_into(out: &mut String, bytes: &[u8]) {
    // Runs of unreserved bytes are copied whole (they are ASCII, so always valid UTF-8).
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            continue;
        }
        out.push_str(std::str::from_utf8(&bytes[run..i]).unwrap_or_default());
        let hex = [
            b'%',
            HEX_UPPER[(b >> 4) as usize],
            HEX_UPPER[(b & 15) as usize],
        ];
        out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
        run = i + 1;
    }
    out.push_str(std::str::from_utf8(&bytes[run..]).unwrap_or_default());
}

/// `/` for an empty or root path; otherwise every segment encoded, `/` kept.
pub fn canonical_path(raw_path: &str) -> String {
    if raw_path.is_empty() || raw_path == "/" {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(raw_path.len() + 8);
    for (i, segment) in raw_path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        percent_encode_into(&mut out, segment.as_bytes());
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// Pairs sorted by raw key in byte order; the sort is stable, so repeated keys keep the order
/// in which the request lists them (the Node SDK sorts their values — a bug we do not copy).
pub fn canonical_query(pairs: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = pairs.iter().collect();
    sort_small(&mut sorted, |a, b| a.0.as_bytes() > b.0.as_bytes());
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode_into(&mut out, k.as_bytes());
        out.push('=');
        percent_encode_into(&mut out, v.as_bytes());
    }
    out
}

/// A stable insertion sort: requests have a handful of query pairs and headers, and std's
/// general-purpose sorts would add ~8 KB to the `.wasm` for no measurable gain here.
pub fn sort_small<T>(items: &mut [T], greater: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && greater(&items[j - 1], &items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Whether a header (by lowercase name) takes part in the signature.
pub fn is_signed_header(lower_name: &str) -> bool {
    matches!(lower_name, "host" | "content-type" | "content-md5") || lower_name.starts_with("x-")
}

/// Drops a default port (`:443`, `:80`) from a Host value, as the official signers do.
pub fn host_without_default_port(host: &str) -> &str {
    host.strip_suffix(":443")
        .or_else(|| host.strip_suffix(":80"))
        .unwrap_or(host)
}

/// A header name is an RFC 9110 token.
pub fn check_header_name(name: &str) -> Result<(), SignError> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(SignError::InvalidHeaderName(name.to_owned()))
    }
}

/// A header value may not hold CR, LF or NUL (they would split the canonical request), nor
/// non-ASCII characters (fetch would send other bytes than those signed).
pub fn check_header_value(name: &str, value: &str) -> Result<(), SignError> {
    // Also non-ASCII: fetch sends header values as Latin-1 bytes, not the UTF-8 we would sign.
    if value
        .bytes()
        .any(|b| matches!(b, b'\r' | b'\n' | 0) || b >= 0x80)
    {
        Err(SignError::InvalidHeaderValue(name.to_owned()))
    } else {
        Ok(())
    }
}

/// Header values are trimmed of surrounding spaces and tabs before signing.
pub fn trim_value(value: &str) -> &str {
    value.trim_matches(|c| c == ' ' || c == '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        let mut o = String::new();
        percent_encode_into(&mut o, s.as_bytes());
        o
    }

    #[test]
    fn rfc3986_unreserved_stay_everything_else_uppercase_hex() {
        assert_eq!(enc("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(enc(" "), "%20");
        assert_eq!(enc("+"), "%2B");
        assert_eq!(enc("*"), "%2A");
        assert_eq!(enc("/"), "%2F");
        assert_eq!(enc("!'()"), "%21%27%28%29");
        assert_eq!(enc("ü"), "%C3%BC");
        assert_eq!(enc("€"), "%E2%82%AC");
        assert_eq!(enc("\u{1F600}"), "%F0%9F%98%80");
    }

    #[test]
    fn path_rules() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/"), "/");
        assert_eq!(canonical_path("/a b/c+d/"), "/a%20b/c%2Bd/");
        assert_eq!(canonical_path("/中"), "/%E4%B8%AD");
        assert_eq!(canonical_path("x/y"), "/x/y");
        assert_eq!(canonical_path("/a//b"), "/a//b");
    }

    #[test]
    fn query_sorted_by_raw_key_stable() {
        let q = [("b", "2"), ("a", "z"), ("a", "y"), ("A", "1"), ("a b", "")];
        assert_eq!(canonical_query(&q), "A=1&a=z&a=y&a%20b=&b=2");
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn raw_key_sort_not_encoded_key_sort() {
        // Raw '.' (0x2E) < '/' (0x2F), but encoded "%2F" would sort before ".".
        assert_eq!(canonical_query(&[("k/", "1"), ("k.", "2")]), "k.=2&k%2F=1");
        // Raw 'z' < 'é' (0xC3 0xA9), but encoded "%C3%A9" would sort before "z".
        assert_eq!(canonical_query(&[("é", "1"), ("z", "2")]), "z=2&%C3%A9=1");
    }

    #[test]
    fn sort_small_is_stable_and_sorts() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        sort_small(&mut v, |a, b| a.0 > b.0);
        assert_eq!(
            v,
            vec![(0, 'f'), (1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]
        );
        let mut big: Vec<u32> = (0..500).map(|i| (i * 7919) % 501).collect();
        sort_small(&mut big, |a, b| a > b);
        assert!(big.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn signed_header_rule() {
        for n in [
            "host",
            "content-type",
            "content-md5",
            "x-date",
            "x-anything",
        ] {
            assert!(is_signed_header(n), "{n}");
        }
        for n in [
            "accept",
            "user-agent",
            "content-length",
            "authorization",
            "xdate",
        ] {
            assert!(!is_signed_header(n), "{n}");
        }
    }

    #[test]
    fn default_ports_dropped() {
        assert_eq!(host_without_default_port("a.com:443"), "a.com");
        assert_eq!(host_without_default_port("a.com:80"), "a.com");
        assert_eq!(host_without_default_port("a.com:8080"), "a.com:8080");
        assert_eq!(
            host_without_default_port("127.0.0.1:8780"),
            "127.0.0.1:8780"
        );
    }

    #[test]
    fn header_checks() {
        assert!(check_header_name("X-Custom").is_ok());
        assert!(check_header_name("").is_err());
        assert!(check_header_name("Bad Name").is_err());
        assert!(check_header_name("a:b").is_err());
        assert!(check_header_value("X", "a\r\nb").is_err());
        assert!(check_header_value("X", "ok value").is_ok());
        assert_eq!(trim_value("  v \t"), "v");
    }

    /// Non-ASCII keys sort by UTF-8 bytes, i.e. by code point, as the Python and Go signers
    /// sort (Python compares code points, Go compares UTF-8 bytes). The Node SDK compares UTF-16
    /// units and would put U+1F600 before U+FF21; the differential fuzz against Python covers
    /// such keys (tests/fuzz/).
    #[test]
    fn non_ascii_keys_sort_by_code_point() {
        assert_eq!(
            canonical_query(&[
                ("\u{1F600}", "1"),
                ("\u{FF21}", "2"),
                ("\u{E000}", "3"),
                ("z", "4")
            ]),
            "z=4&%EE%80%80=3&%EF%BC%A1=2&%F0%9F%98%80=1"
        );
    }
}
