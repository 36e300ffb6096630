//! Tests run inside wasm in every JS runtime (Node, Chromium window, dedicated worker): the
//! shared vectors through the JS-facing `signRequestSync`, and int64 across the boundary.

use js_sys::{Array, BigInt, Date, Object, Reflect};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn set(o: &Object, k: &str, v: impl Into<JsValue>) {
    Reflect::set(o, &k.into(), &v.into()).unwrap();
}

fn get_str(o: &JsValue, k: &str) -> String {
    Reflect::get(o, &k.into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn every_vector_signs_byte_for_byte_in_this_runtime() {
    let doc: Value = serde_json::from_str(include_str!("../data/signing.json")).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 11);
    for v in vectors {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let mut url = String::from("https://");
        url.push_str(i["host"].as_str().unwrap());
        url.push_str(i["path"].as_str().unwrap());
        // Put the raw pairs into the URL percent-encoded, in their order.
        for (n, pair) in i["query"].as_array().unwrap().iter().enumerate() {
            url.push(if n == 0 { '?' } else { '&' });
            url.push_str(&String::from(js_sys::encode_uri_component(
                pair[0].as_str().unwrap(),
            )));
            url.push('=');
            url.push_str(&String::from(js_sys::encode_uri_component(
                pair[1].as_str().unwrap(),
            )));
        }
        let headers = Object::new();
        for (k, val) in i["headers"].as_object().unwrap() {
            set(&headers, k, val.as_str().unwrap());
        }
        let x_date = i["x_date"].as_str().unwrap();
        let iso = [
            &x_date[0..4],
            "-",
            &x_date[4..6],
            "-",
            &x_date[6..8],
            "T",
            &x_date[9..11],
            ":",
            &x_date[11..13],
            ":",
            &x_date[13..15],
            "Z",
        ]
        .concat();
        let opts = Object::new();
        set(&opts, "method", i["method"].as_str().unwrap());
        set(&opts, "url", url.as_str());
        set(&opts, "headers", headers);
        set(&opts, "body", i["body"].as_str().unwrap());
        set(&opts, "accessKeyId", i["ak"].as_str().unwrap());
        set(&opts, "secretAccessKey", i["sk"].as_str().unwrap());
        if let Some(t) = i.get("session_token").and_then(Value::as_str) {
            set(&opts, "sessionToken", t);
        }
        set(&opts, "region", i["region"].as_str().unwrap());
        set(&opts, "service", i["service"].as_str().unwrap());
        set(&opts, "date", Date::new(&JsValue::from_str(&iso)));
        let out = volc_im::wasm::sign_request(opts.into())
            .map_err(|e| format!("{e:?}"))
            .unwrap();
        let name = v["name"].as_str().unwrap();
        assert_eq!(
            get_str(&out, "canonicalRequest"),
            e["canonical_request"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            get_str(&out, "stringToSign"),
            e["string_to_sign"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            get_str(&out, "signature"),
            e["signature"].as_str().unwrap(),
            "{name}"
        );
        let hdrs = Reflect::get(&out, &"headers".into()).unwrap();
        assert_eq!(
            get_str(&hdrs, "Authorization"),
            e["authorization"].as_str().unwrap(),
            "{name}"
        );
    }
}

fn p2p_body(conv: JsValue) -> Object {
    let b = Object::new();
    set(&b, "AppId", 666675);
    set(&b, "Sender", JsValue::from_str("10008"));
    set(&b, "ConversationShortId", conv);
    set(&b, "MsgType", 10013);
    set(&b, "Content", "x");
    b
}

fn entries(o: &Object) -> volc_im::api::input::Entries {
    volc_im::wasm::convert::to_entries(o).unwrap()
}

#[wasm_bindgen_test]
fn int64_inputs_cross_the_boundary_exactly() {
    use volc_im::api::p2p::P2PSendMessageRequest;
    let max = BigInt::new(&JsValue::from_str("9223372036854775807")).unwrap();
    let r = P2PSendMessageRequest::from_entries(&entries(&p2p_body(max.into()))).unwrap();
    assert_eq!(r.conversation_short_id, i64::MAX);
    let r = P2PSendMessageRequest::from_entries(&entries(&p2p_body("-9223372036854775808".into())))
        .unwrap();
    assert_eq!(r.conversation_short_id, i64::MIN);
    let r = P2PSendMessageRequest::from_entries(&entries(&p2p_body(JsValue::from_f64(
        9007199254740991.0,
    ))))
    .unwrap();
    assert_eq!(r.conversation_short_id, 9007199254740991);
    // 2^53 + 1 as a number has already been rounded by JS: refused.
    let e = P2PSendMessageRequest::from_entries(&entries(&p2p_body(JsValue::from_f64(
        9007199254740993.0,
    ))))
    .unwrap_err();
    assert!(
        e.message
            .starts_with("ConversationShortId: 9007199254740992 is not a safe integer"),
        "{}",
        e.message
    );
    let too_big = BigInt::new(&JsValue::from_str("9223372036854775808")).unwrap();
    let e = P2PSendMessageRequest::from_entries(&entries(&p2p_body(too_big.into()))).unwrap_err();
    assert!(
        e.message
            .contains("9223372036854775808 is outside the int64 range"),
        "{}",
        e.message
    );
    let ids = Array::of2(
        &JsValue::from_str("9007199254740993"),
        &BigInt::from(-5i64).into(),
    );
    let b = p2p_body("1".into());
    set(&b, "ReceiverUserId", ids);
    let r = P2PSendMessageRequest::from_entries(&entries(&b)).unwrap();
    assert_eq!(r.receiver_user_id, Some(vec![9007199254740993, -5]));
}

#[wasm_bindgen_test]
fn int64_outputs_are_strings_or_bigints_never_rounded() {
    use volc_im::client::Int64Mode;
    let v: Value =
        serde_json::from_str(r#"{"UserId":10001,"Big":9223372036854775807,"Small":5,"F":1.5}"#)
            .unwrap();
    let s = volc_im::wasm::convert::to_js(v.clone(), &["UserId"], Int64Mode::String);
    assert_eq!(
        Reflect::get(&s, &"UserId".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("10001")
    );
    assert_eq!(
        Reflect::get(&s, &"Big".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("9223372036854775807")
    );
    assert_eq!(
        Reflect::get(&s, &"Small".into()).unwrap().as_f64(),
        Some(5.0)
    );
    assert_eq!(Reflect::get(&s, &"F".into()).unwrap().as_f64(), Some(1.5));
    let b = volc_im::wasm::convert::to_js(v.clone(), &["UserId"], Int64Mode::BigInt);
    let big = Reflect::get(&b, &"Big".into()).unwrap();
    assert!(big.is_bigint());
    assert_eq!(
        String::from(big.unchecked_into::<BigInt>().to_string(10).unwrap()),
        "9223372036854775807"
    );
}

#[wasm_bindgen_test]
fn errors_are_volc_errors_without_the_secret() {
    let opts = Object::new();
    set(&opts, "accessKeyId", "AK");
    set(&opts, "secretAccessKey", "wasm-test-secret");
    set(&opts, "timeoutMs", -1);
    let err = volc_im::wasm::im_client::ImClient::new(opts.into())
        .err()
        .unwrap();
    assert_eq!(get_str(&err, "name"), "VolcError");
    assert_eq!(get_str(&err, "code"), "InvalidArgument");
    assert!(get_str(&err, "message").starts_with("timeoutMs:"));
    let json = String::from(js_sys::JSON::stringify(&err).unwrap());
    assert!(!json.contains("wasm-test-secret"));
}
