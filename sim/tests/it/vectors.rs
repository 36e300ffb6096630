//! The official signers' vectors (tests/data/signing.json, produced by the Python, Go and Node
//! SDKs) through the simulator's own verifier: each signed request must verify, its canonical
//! request must be the official one byte for byte, and any tampering must be refused.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use volc_im_sim::config::Config;
use volc_im_sim::signature::{self, Signed};
use volc_im_sim::verify::{verify, Target};

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/signing.json");
    let text = std::fs::read_to_string(path).expect("tests/data/signing.json");
    let all: Value = serde_json::from_str(&text).unwrap();
    all["vectors"].as_array().unwrap().clone()
}

fn config_for(inputs: &Value) -> Config {
    let cred = serde_json::json!({
        "accessKeyId": inputs["ak"],
        "secretAccessKey": inputs["sk"],
        "sessionToken": inputs["session_token"],
    });
    Config::from_json(
        &serde_json::json!({
            "credentials": [cred],
            "region": inputs["region"],
            "service": inputs["service"],
        })
        .to_string(),
    )
    .unwrap()
}

/// One signed request as a client sends it: `query` is the raw query string on the wire.
struct Case {
    label: String,
    query: String,
    headers: HeaderMap,
    canonical: String,
}

fn case(v: &Value, label: &str, expected: &Value, query: String) -> Case {
    let inputs = &v["inputs"];
    let body = inputs["body"].as_str().unwrap().as_bytes();
    let mut headers = HeaderMap::new();
    let mut put = |k: &str, val: &str| {
        headers.insert(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(val).unwrap(),
        );
    };
    for (k, val) in inputs["headers"].as_object().unwrap() {
        put(k, val.as_str().unwrap());
    }
    put("X-Date", inputs["x_date"].as_str().unwrap());
    let signed = expected["signed_headers"].as_str().unwrap();
    if signed.contains("x-content-sha256") {
        put("X-Content-Sha256", &signature::sha256_hex(body));
    }
    if let Some(t) = inputs["session_token"].as_str() {
        put("X-Security-Token", t);
    }
    put("Authorization", expected["authorization"].as_str().unwrap());
    Case {
        label: format!("{} ({label})", v["name"].as_str().unwrap()),
        query,
        headers,
        canonical: expected["canonical_request"].as_str().unwrap().to_owned(),
    }
}

/// The vector's own result, with the query as a client would put it on the wire (form-encoded
/// in request order, so `+` and unsorted keys reach the verifier), and every SDK variant that
/// carries a signature, with the query it signed.
fn cases(v: &Value) -> Vec<Case> {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for pair in v["inputs"]["query"].as_array().unwrap() {
        ser.append_pair(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
    }
    let mut out = vec![case(v, "official", &v["expected"], ser.finish())];
    if let Some(variants) = v["sdk_variants"].as_object() {
        for (name, variant) in variants {
            if let (Some(_), Some(canonical)) = (
                variant["authorization"].as_str(),
                variant["canonical_request"].as_str(),
            ) {
                let query = canonical.split('\n').nth(2).unwrap().to_owned();
                out.push(case(v, name, variant, query));
            }
        }
    }
    out
}

#[test]
fn every_official_vector_verifies_byte_for_byte() {
    let vectors = vectors();
    assert!(vectors.len() >= 11, "the vector file shrank");
    let mut checked = 0;
    for v in &vectors {
        let inputs = &v["inputs"];
        let config = config_for(inputs);
        let method = inputs["method"].as_str().unwrap();
        let body = inputs["body"].as_str().unwrap().as_bytes();
        let now = signature::parse_x_date(inputs["x_date"].as_str().unwrap()).unwrap();
        for c in cases(v) {
            let target = Target::parse(&format!("/?{}", c.query)).unwrap();
            // The canonical request the verifier rebuilds is the official one.
            let auth = c.headers["authorization"].to_str().unwrap();
            let listed = auth.split("SignedHeaders=").nth(1).unwrap();
            let listed = &listed[..listed.find(',').unwrap()];
            let values: Vec<(&str, &str)> = listed
                .split(';')
                .map(|n| (n, c.headers[n].to_str().unwrap()))
                .collect();
            let canonical = signature::canonical_request(&Signed {
                method,
                raw_path: inputs["path"].as_str().unwrap(),
                query: &target.query,
                headers: &values,
                body,
            });
            assert_eq!(canonical, c.canonical, "{}", c.label);
            // And the request verifies end to end.
            let r = verify(&config, method, &target, &c.headers, body, now);
            assert!(r.is_ok(), "{}: {:?}", c.label, r.err());
            // Tampering is refused: a body byte, a signed header, the signature.
            let mut other = body.to_vec();
            other.push(b' ');
            let r = verify(&config, method, &target, &c.headers, &other, now);
            assert_eq!(
                r.unwrap_err().kind.code,
                "SignatureDoesNotMatch",
                "{}",
                c.label
            );
            let mut h = c.headers.clone();
            h.insert("x-date", HeaderValue::from_static("20240607T103345Z"));
            let r = verify(&config, method, &target, &h, body, now);
            assert!(r.is_err(), "{}", c.label);
            let mut h = c.headers.clone();
            let flipped = auth
                .replace("Signature=", "Signature=0")
                .replacen('0', "", 1);
            let flipped = if flipped == auth {
                auth.replace("Signature=", "Signature=1")
            } else {
                flipped
            };
            h.insert("authorization", HeaderValue::from_str(&flipped).unwrap());
            let r = verify(&config, method, &target, &h, body, now);
            assert!(r.is_err(), "{}: {flipped}", c.label);
            checked += 1;
        }
    }
    assert!(checked >= 13, "only {checked} cases checked");
}
