//! Every shared signing vector (produced by the official signers), every intermediate.

use serde_json::Value;
use volc_im::sign::{key, sign, Credentials, Scope, SignableRequest, SigningTime};

fn vectors() -> Vec<Value> {
    let text = include_str!("data/signing.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    doc["vectors"].as_array().unwrap().clone()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn every_vector_matches_byte_for_byte() {
    let all = vectors();
    assert!(
        all.len() >= 11,
        "expected the full vector set, got {}",
        all.len()
    );
    for v in &all {
        let name = s(&v["name"]);
        let i = &v["inputs"];
        let e = &v["expected"];
        let query: Vec<(&str, &str)> = i["query"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (s(&p[0]), s(&p[1])))
            .collect();
        let headers: Vec<(&str, &str)> = i["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), s(v)))
            .collect();
        let creds = Credentials {
            access_key_id: s(&i["ak"]).into(),
            secret_access_key: s(&i["sk"]).into(),
            session_token: i
                .get("session_token")
                .and_then(Value::as_str)
                .map(Into::into),
        };
        let time = SigningTime::parse_x_date(s(&i["x_date"])).unwrap();
        let out = sign(
            &SignableRequest {
                method: s(&i["method"]),
                host: s(&i["host"]),
                path: s(&i["path"]),
                query: &query,
                headers: &headers,
                body: s(&i["body"]).as_bytes(),
            },
            &creds,
            Scope {
                region: s(&i["region"]),
                service: s(&i["service"]),
            },
            time,
        )
        .unwrap();
        assert_eq!(
            out.canonical_request,
            s(&e["canonical_request"]),
            "{name}: canonical request"
        );
        assert_eq!(
            out.string_to_sign,
            s(&e["string_to_sign"]),
            "{name}: string to sign"
        );
        assert_eq!(out.signature, s(&e["signature"]), "{name}: signature");
        assert_eq!(
            out.authorization,
            s(&e["authorization"]),
            "{name}: authorization"
        );
        assert_eq!(
            out.content_sha256,
            s(&e["x_content_sha256"]),
            "{name}: body hash"
        );
        assert_eq!(
            out.signed_headers,
            s(&e["signed_headers"]),
            "{name}: signed headers"
        );
        let key = key::derive_signing_key(
            &creds.secret_access_key,
            &s(&i["x_date"])[..8],
            s(&i["region"]),
            s(&i["service"]),
        );
        assert_eq!(
            volc_im::sign::hex_lower(&key),
            s(&e["signing_key_hex"]),
            "{name}: key"
        );
        let added: Vec<(&str, &str)> = out.headers().collect();
        let want = e["headers_added_by_signer"].as_object().unwrap();
        assert_eq!(added.len(), want.len(), "{name}: headers added");
        for (k, v) in added {
            assert_eq!(want[k].as_str(), Some(v), "{name}: header {k}");
        }
    }
}

#[test]
fn without_content_type_variant_matches_the_node_aligned_signature() {
    // The vectors' "without_content_type" variant: same inputs, Content-Type not sent.
    for v in vectors() {
        let Some(var) = v["sdk_variants"].get("without_content_type") else {
            continue;
        };
        let i = &v["inputs"];
        let query: Vec<(&str, &str)> = i["query"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (s(&p[0]), s(&p[1])))
            .collect();
        let headers: Vec<(&str, &str)> = i["headers"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("content-type"))
            .map(|(k, v)| (k.as_str(), s(v)))
            .collect();
        let out = sign(
            &SignableRequest {
                method: s(&i["method"]),
                host: s(&i["host"]),
                path: s(&i["path"]),
                query: &query,
                headers: &headers,
                body: s(&i["body"]).as_bytes(),
            },
            &Credentials {
                access_key_id: s(&i["ak"]).into(),
                secret_access_key: s(&i["sk"]).into(),
                session_token: i
                    .get("session_token")
                    .and_then(Value::as_str)
                    .map(Into::into),
            },
            Scope {
                region: s(&i["region"]),
                service: s(&i["service"]),
            },
            SigningTime::parse_x_date(s(&i["x_date"])).unwrap(),
        )
        .unwrap();
        assert_eq!(
            out.canonical_request,
            s(&var["canonical_request"]),
            "{}",
            s(&v["name"])
        );
        assert_eq!(out.signature, s(&var["signature"]), "{}", s(&v["name"]));
    }
}
