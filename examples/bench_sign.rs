//! The native limit for `make bench`: `volc_im::sign::sign` on the same request the JS
//! benchmarks sign (benches/fixtures.mjs), 192 B and 64 KiB bodies, same date and scope.
//! A warm-up loop first fills the signing-key cache, so — like the wasm in a long-lived
//! process — each signature costs body hash + canonical request + final HMAC, not the key chain.
//!
//! ```text
//! cargo run --release -p volc-im --example bench_sign            # prints one JSON line
//! BENCH_ROUNDS=9 cargo run --release -p volc-im --example bench_sign
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};
use volc_im::api::input::{Entries, Input};
use volc_im::client::sign_request::sign_request;
use volc_im::sign::key::derive_signing_key;
use volc_im::sign::{sign, Credentials, Scope, SignableRequest, SigningTime};

const SMALL_BODY: &str = concat!(
    r#"{"AppId":666675,"Sender":10008,"ConversationShortId":7221856821303361536,"MsgType":10013,"#,
    r#""Content":"{\"type\":1000,\"text\":\"hello from the benchmark\"}","ReceiverUserId":[10001,10002,10003]}"#
);
const BIG_PREFIX: &str = r#"{"AppId":666675,"Sender":10008,"ConversationShortId":7221856821303361536,"MsgType":10013,"Content":""#;
const BIG_SUFFIX: &str = r#""}"#;
const BIG_LEN: usize = 65536;
/// 2024-06-07T10:33:44Z, as in the JS fixtures.
const DATE: SigningTime = SigningTime::from_unix_seconds(1_717_756_424);

fn big_body() -> String {
    let fill = BIG_LEN - BIG_PREFIX.len() - BIG_SUFFIX.len();
    [BIG_PREFIX, &"x".repeat(fill), BIG_SUFFIX].concat()
}

fn sign_once(creds: &Credentials, body: &[u8]) -> String {
    let out = sign(
        &SignableRequest {
            method: "POST",
            host: "rtc.volcengineapi.com",
            path: "/",
            query: &[("Action", "P2PSendMessage"), ("Version", "2020-12-01")],
            headers: &[("Content-Type", "application/json")],
            body,
        },
        creds,
        Scope {
            region: "cn-north-1",
            service: "rtc",
        },
        DATE,
    )
    .expect("the benchmark request signs");
    out.signature
}

/// The same request through `client::sign_request`, the function the wasm `signRequest` runs
/// after reading the JS options: URL parsing, option checks, header merging, the result's
/// strings. (Not the target's "limit" row; it shows how much of the wasm figure is the
/// JS↔wasm boundary and wasm itself.)
fn sign_request_once(body: &str) -> String {
    let s = |v: &str| Input::Str(v.to_owned());
    let entries: Entries = vec![
        ("method".into(), s("POST")),
        (
            "url".into(),
            s("https://rtc.volcengineapi.com/?Action=P2PSendMessage&Version=2020-12-01"),
        ),
        (
            "headers".into(),
            Input::Object(vec![("Content-Type".into(), s("application/json"))]),
        ),
        ("body".into(), s(body)),
        ("accessKeyId".into(), s("AKLTsimulator")),
        ("secretAccessKey".into(), s("c2ltdWxhdG9yLXNlY3JldC1rZXk=")),
        ("region".into(), s("cn-north-1")),
        ("service".into(), s("rtc")),
        ("date".into(), Input::Date(1_717_756_424_000.0)),
    ];
    let out = sign_request(&entries, 0.0).expect("the benchmark request signs");
    // What the wasm export frames for JS (src/wasm/convert.rs `pack_signed`): the parts joined once.
    let mut parts = vec![
        out.url,
        out.signing.signed_headers,
        out.signing.canonical_request,
        out.signing.string_to_sign,
        out.signing.signature,
    ];
    for (k, v) in out.headers {
        parts.push(k);
        parts.push(v);
    }
    parts.join("\0")
}

/// µs per call of `f`, run for about `budget`.
fn time_for(budget: Duration, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..16 {
            f();
        }
        n += 16;
    }
    start.elapsed().as_secs_f64() * 1e6 / n as f64
}

fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn summary(xs: &[f64]) -> String {
    let m = median(xs);
    let min = xs.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let runs: Vec<String> = xs.iter().map(|x| format!("{x:.4}")).collect();
    format!(
        r#"{{"median":{m:.4},"min":{min:.4},"max":{max:.4},"spreadPct":{:.2},"n":{},"runs":[{}]}}"#,
        (max - min) / m * 100.0,
        xs.len(),
        runs.join(",")
    )
}

fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let creds = Credentials {
        access_key_id: "AKLTsimulator".into(),
        secret_access_key: "c2ltdWxhdG9yLXNlY3JldC1rZXk=".into(),
        session_token: None,
    };
    let big = big_body();
    let bodies: [(&str, &[u8]); 2] = [("small", SMALL_BODY.as_bytes()), ("big", big.as_bytes())];

    // Warm-up: fills the key cache (and the CPU caches), as a long-lived client would be.
    for _ in 0..2000 {
        black_box(sign_once(&creds, black_box(SMALL_BODY.as_bytes())));
    }
    for _ in 0..50 {
        black_box(sign_once(&creds, black_box(big.as_bytes())));
    }

    let run = Duration::from_millis(100);
    let mut runs: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut derive = Vec::new();
    let mut whole: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let texts = [SMALL_BODY.to_owned(), big.clone()];
    for r in 0..rounds {
        let order: [usize; 2] = if r % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let body = bodies[i].1;
            runs[i].push(time_for(run, || {
                black_box(sign_once(&creds, black_box(body)));
            }));
        }
        for i in order {
            let body = texts[i].as_str();
            whole[i].push(time_for(run, || {
                black_box(sign_request_once(black_box(body)));
            }));
        }
        // What the cache saves: the 4-HMAC key chain on its own.
        derive.push(time_for(Duration::from_millis(30), || {
            black_box(derive_signing_key(
                black_box("c2ltdWxhdG9yLXNlY3JldC1rZXk="),
                "20240607",
                "cn-north-1",
                "rtc",
            ));
        }));
    }
    println!(
        r#"{{"rounds":{rounds},"small":{},"big":{},"signRequest":{{"small":{},"big":{}}},"keyDerivation":{},"bodyBytes":{{"small":{},"big":{}}},"signatures":{{"small":"{}","big":"{}"}}}}"#,
        summary(&runs[0]),
        summary(&runs[1]),
        summary(&whole[0]),
        summary(&whole[1]),
        summary(&derive),
        SMALL_BODY.len(),
        big.len(),
        sign_once(&creds, SMALL_BODY.as_bytes()),
        sign_once(&creds, big.as_bytes()),
    );
}
