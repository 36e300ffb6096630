//! Differential fuzz of the signer, half one: generates random requests from a seed, signs each
//! with `volc_im::sign`, and prints one JSON line per request (inputs and our `Authorization`).
//! Half two, `tests/fuzz/check_python.py`, signs the same inputs with the official Python SDK's
//! `SignerV4.sign_only` (an independent implementation) and compares. `tests/fuzz/run.sh` pipes
//! one into the other.
//!
//! ```text
//! cargo run --release -p volc-im --example sign_fuzz -- [--count 10000] [--seed N]
//! ```
//!
//! Only what the Python signer can express is generated (docs/spec/signing.md says where the
//! official signers differ):
//! - header names spelt `X-Foo-Bar`, `Content-Type`, `Content-Md5`, `Host` (Python signs those
//!   exact spellings; other casings it leaves unsigned) and unsigned ones (`Accept`, `User-Agent`);
//! - header values without surrounding spaces or tabs (Python does not trim; we trim as the Go
//!   signer and the spec do — covered by the unit tests and the vectors);
//! - repeated query keys (Python groups them in one list; the canonical form is the same);
//! - query keys and values from unicode (BMP, astral, RTL), reserved characters, spaces, `+`,
//!   `%`, `=`, `&`, empty values; paths with unicode, spaces and reserved characters;
//! - bodies, session tokens, regions, services and times at random.

use std::fmt::Write as _;
use volc_im::sign::{sign, Credentials, Scope, SignableRequest, SigningTime};

const QUERY_ALPHABET: &[&str] = &[
    "a", "Z", "0", "9", "-", "_", ".", "~", " ", "+", "%", "=", "&", "/", "?", "#", "!", "*", "'",
    "(", ")", ";", ":", "@", "$", ",", "[", "]", "\"", "<", ">", "中", "文", "ü", "€", "😀", "𝄞",
    "\u{FF21}", "\u{E000}", "\u{05D0}", "é",
];
const VALUE_ALPHABET: &[u8] = b"abcXYZ019-_.~ !#$%&'()*+,/:;<=>?@[]^`{|}\"";

fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}

fn text(rng: &mut fastrand::Rng, max: usize) -> String {
    (0..rng.usize(..=max))
        .map(|_| pick(rng, QUERY_ALPHABET))
        .collect()
}

fn word(rng: &mut fastrand::Rng, min: usize, max: usize) -> String {
    (0..rng.usize(min..=max))
        .map(|_| rng.alphanumeric())
        .collect()
}

/// A header value: printable ASCII, no surrounding spaces.
fn header_value(rng: &mut fastrand::Rng) -> String {
    let mut v: String = (0..rng.usize(1..=40))
        .map(|_| VALUE_ALPHABET[rng.usize(..VALUE_ALPHABET.len())] as char)
        .collect();
    v = v.trim_matches(|c| c == ' ' || c == '\t').to_owned();
    if v.is_empty() {
        v.push('v');
    }
    v
}

/// `X-Foo-Bar` casing.
fn x_name(rng: &mut fastrand::Rng) -> String {
    let mut name = String::from("X");
    for _ in 0..rng.usize(1..=3) {
        let w = word(rng, 1, 8).to_ascii_lowercase();
        let mut c = w.chars();
        let first = c.next().unwrap().to_ascii_uppercase();
        let _ = write!(name, "-{first}{}", c.as_str());
    }
    name
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn main() {
    let mut count = 10_000usize;
    let mut seed = 0x5eed_u64;
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--count" => count = args[i + 1].parse().expect("--count N"),
            "--seed" => seed = args[i + 1].parse().expect("--seed N"),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for n in 0..count {
        let method = pick(&mut rng, &["POST", "GET", "PUT", "DELETE"]);
        let host = {
            let base = pick(
                &mut rng,
                &[
                    "rtc.volcengineapi.com",
                    "open-ap-singapore-1.volcengineapi.com",
                    "127.0.0.1",
                ],
            );
            match rng.u8(..4) {
                0 => format!("{base}:443"),
                1 => format!("{base}:80"),
                2 => format!("{base}:{}", rng.u16(1..)),
                _ => base.to_owned(),
            }
        };
        let path = if rng.bool() {
            "/".to_owned()
        } else {
            (0..rng.usize(1..=3))
                .map(|_| ["/", &text(&mut rng, 6).replace(['/', '?', '#'], "")].concat())
                .collect()
        };
        // Query: distinct keys, some repeated (values in request order).
        let mut query: Vec<(String, String)> = Vec::new();
        for _ in 0..rng.usize(..=6) {
            let key = text(&mut rng, 6);
            for _ in 0..if rng.u8(..5) == 0 {
                rng.usize(2..=3)
            } else {
                1
            } {
                query.push((key.clone(), text(&mut rng, 8)));
            }
        }
        // Headers: unique names (case-insensitively), Python-expressible casing.
        let mut headers: Vec<(String, String)> = Vec::new();
        for _ in 0..rng.usize(..=5) {
            let name = match rng.u8(..6) {
                0 => "Content-Type".to_owned(),
                1 => "Content-Md5".to_owned(),
                2 => "Accept".to_owned(),
                3 => "User-Agent".to_owned(),
                _ => x_name(&mut rng),
            };
            let reserved = ["x-date", "x-content-sha256", "x-security-token"];
            if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name))
                || reserved.contains(&name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            headers.push((name, header_value(&mut rng)));
        }
        let body = if rng.u8(..4) == 0 {
            String::new()
        } else {
            text(&mut rng, 200)
        };
        let region = word(&mut rng, 1, 16);
        let service = word(&mut rng, 1, 8);
        let token = (rng.u8(..3) == 0).then(|| format!("STS2{}", word(&mut rng, 8, 120)));
        let creds = Credentials {
            access_key_id: format!("AKLT{}", word(&mut rng, 4, 30)),
            secret_access_key: text(&mut rng, 40).replace(' ', "s") + "k",
            session_token: token,
        };
        // 1970..2100, whole seconds.
        let time = rng.i64(0..4_102_444_800);

        let q: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let signed = sign(
            &SignableRequest {
                method,
                host: &host,
                path: &path,
                query: &q,
                headers: &h,
                body: body.as_bytes(),
            },
            &creds,
            Scope {
                region: &region,
                service: &service,
            },
            SigningTime::from_unix_seconds(time),
        )
        .unwrap_or_else(|e| panic!("case {n} (seed {seed}) did not sign: {e}"));

        let pairs = |v: &[(String, String)]| {
            v.iter()
                .map(|(a, b)| format!("[{},{}]", json_string(a), json_string(b)))
                .collect::<Vec<_>>()
                .join(",")
        };
        let _ = std::io::Write::write_fmt(
            &mut out,
            format_args!(
                "{{\"n\":{n},\"seed\":{seed},\"method\":\"{method}\",\"host\":{},\"path\":{},\"query\":[{}],\"headers\":[{}],\"body\":{},\"ak\":{},\"sk\":{},\"token\":{},\"region\":\"{region}\",\"service\":\"{service}\",\"x_date\":\"{}\",\"authorization\":{}}}\n",
                json_string(&host),
                json_string(&path),
                pairs(&query),
                pairs(&headers),
                json_string(&body),
                json_string(&creds.access_key_id),
                json_string(&creds.secret_access_key),
                creds.session_token.as_deref().map_or("null".to_owned(), json_string),
                signed.x_date,
                json_string(&signed.authorization),
            ),
        );
    }
}
