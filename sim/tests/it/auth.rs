//! Signature verification: every gateway error code from a real signed (or mis-signed) request.

use crate::common::*;

fn ok_body() -> Vec<u8> {
    body(10008, None, None).to_string().into_bytes()
}

async fn tampered(
    sim: &Sim,
    call: &Call,
    edit: impl FnOnce(&mut String, &mut Vec<(String, String)>),
) -> Resp {
    let (mut target, mut headers) = call.sign();
    edit(&mut target, &mut headers);
    send(sim.addr, &call.method, &target, &headers, &call.body)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_correctly_signed_call_succeeds_with_the_vendor_envelope() {
    let sim = Sim::default().await;
    let r = sim.p2p(&body(10008, None, None)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.expect_envelope_basics();
    let v = r.json();
    let m = &v["ResponseMetadata"];
    assert_eq!(m["Action"], "P2PSendMessage");
    assert_eq!(m["Version"], "2020-12-01");
    let id = m["RequestId"].as_str().unwrap();
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()),
        "{id}"
    );
    let second = sim.p2p(&body(10008, None, None)).await.json();
    assert_ne!(second["ResponseMetadata"]["RequestId"], id);
    assert_eq!(r.p2p_result().len(), 4);
    sim.stop().await;
}

#[tokio::test]
async fn missing_action_or_version_is_missing_parameter() {
    let sim = Sim::default().await;
    for drop in ["Action", "Version"] {
        let mut call = Call::new(&sim, ok_body());
        call.query.retain(|(k, _)| k != drop);
        let r = call.send(&sim).await.unwrap();
        r.expect_error(400, "MissingParameter", Some(100002));
    }
    // Parameters come first: even an unsigned request without them gets MissingParameter.
    let r = send(sim.addr, "POST", "/", &[("Host".into(), sim.host())], b"{}")
        .await
        .unwrap();
    r.expect_error(400, "MissingParameter", Some(100002));
    sim.stop().await;
}

#[tokio::test]
async fn no_authorization_is_missing_authentication_token() {
    let sim = Sim::default().await;
    let call = Call::new(&sim, ok_body());
    let r = tampered(&sim, &call, |_, h| set_header(h, "Authorization", None)).await;
    r.expect_error(401, "MissingAuthenticationToken", Some(100003));
    sim.stop().await;
}

#[tokio::test]
async fn malformed_authorization_or_missing_x_date_is_missing_request_info() {
    let sim = Sim::default().await;
    let call = Call::new(&sim, ok_body());
    for bad in [
        "Bearer abc",
        "HMAC-SHA256 Credential=AKLTsimulator/20240607/cn-north-1/rtc, SignedHeaders=host;x-date, Signature=00",
        "HMAC-SHA256 SignedHeaders=host;x-date, Signature=00",
    ] {
        let r = tampered(&sim, &call, |_, h| set_header(h, "Authorization", Some(bad))).await;
        r.expect_error(400, "MissingRequestInfo", Some(100004));
    }
    let r = tampered(&sim, &call, |_, h| set_header(h, "X-Date", None)).await;
    r.expect_error(400, "MissingRequestInfo", Some(100004));
    let r = tampered(&sim, &call, |_, h| {
        set_header(h, "X-Date", Some("2024-06-07T10:33:44Z"))
    })
    .await;
    r.expect_error(400, "MissingRequestInfo", Some(100004));
    // SignedHeaders must name x-date (and only x-date must be named).
    let r = tampered(&sim, &call, |_, h| {
        let a = get_header(h, "Authorization").replace(";x-date", "");
        set_header(h, "Authorization", Some(&a));
    })
    .await;
    r.expect_error(400, "MissingRequestInfo", Some(100004));
    // No Signature at all: the vendor's MissingSignature.
    let r = tampered(&sim, &call, |_, h| {
        let a = get_header(h, "Authorization");
        let a = a[..a.find(", Signature=").unwrap()].to_owned();
        set_header(h, "Authorization", Some(&a));
    })
    .await;
    r.expect_error(401, "MissingSignature", Some(100005));
    sim.stop().await;
}

#[tokio::test]
async fn unknown_access_key_is_invalid_access_key() {
    let sim = Sim::default().await;
    let mut call = Call::new(&sim, ok_body());
    call.creds = Credentials {
        access_key_id: "AKLTnobody".into(),
        ..creds()
    };
    call.send(&sim)
        .await
        .unwrap()
        .expect_error(401, "InvalidAccessKey", Some(100009));
    sim.stop().await;
}

#[tokio::test]
async fn wrong_service_region_secret_are_refused() {
    let sim = Sim::default().await;
    let mut call = Call::new(&sim, ok_body());
    call.service = "iam".into();
    call.send(&sim)
        .await
        .unwrap()
        .expect_error(404, "ServiceNotFound", Some(100007));

    let mut call = Call::new(&sim, ok_body());
    call.region = "ap-singapore-1".into();
    let r = call.send(&sim).await.unwrap();
    r.expect_error(401, "SignatureDoesNotMatch", Some(100010));
    assert!(r.text().contains("region"), "{}", r.text());

    let mut call = Call::new(&sim, ok_body());
    call.creds.secret_access_key = "not-the-secret".into();
    call.send(&sim)
        .await
        .unwrap()
        .expect_error(401, "SignatureDoesNotMatch", Some(100010));
    sim.stop().await;
}

#[tokio::test]
async fn stale_future_or_misdated_requests_are_invalid_timestamp() {
    let sim = Sim::default().await;
    for offset in [-20 * 60, 20 * 60] {
        let mut call = Call::new(&sim, ok_body());
        call.time = now() + offset;
        call.send(&sim)
            .await
            .unwrap()
            .expect_error(400, "InvalidTimestamp", Some(100006));
    }
    // Ten minutes off is inside the 15-minute window.
    let mut call = Call::new(&sim, ok_body());
    call.time = now() - 10 * 60;
    assert_eq!(call.send(&sim).await.unwrap().status, 200);
    // A scope date that is not X-Date's date.
    let call = Call::new(&sim, ok_body());
    let r = tampered(&sim, &call, |_, h| {
        let a = get_header(h, "Authorization");
        let date = &get_header(h, "X-Date")[..8];
        let a = a.replace(&format!("/{date}/"), "/20200101/");
        set_header(h, "Authorization", Some(&a));
    })
    .await;
    r.expect_error(400, "InvalidTimestamp", Some(100006));
    sim.stop().await;
}

#[tokio::test]
async fn sts_tokens_are_checked() {
    let sim = Sim::default().await;
    let mut call = Call::new(&sim, ok_body());
    call.creds = sts_creds();
    let r = call.send(&sim).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text());

    let r = tampered(&sim, &call, |_, h| set_header(h, "X-Security-Token", None)).await;
    r.expect_error(401, "InvalidSecretToken", None);
    assert!(r.json()["ResponseMetadata"]["Error"].get("CodeN").is_none());

    let mut wrong = Call::new(&sim, ok_body());
    wrong.creds = Credentials {
        session_token: Some("STS2someone-else".into()),
        ..sts_creds()
    };
    wrong
        .send(&sim)
        .await
        .unwrap()
        .expect_error(401, "InvalidSecretToken", None);

    // A permanent key with a token.
    let mut perm = Call::new(&sim, ok_body());
    perm.creds.session_token = Some("STS2simulator-token".into());
    perm.send(&sim)
        .await
        .unwrap()
        .expect_error(401, "InvalidSecretToken", None);
    sim.stop().await;
}

#[tokio::test]
async fn tampering_after_signing_is_signature_does_not_match() {
    let sim = Sim::default().await;
    let call = Call::new(&sim, ok_body());
    let zeros = "0".repeat(64);
    // Body hash header that is not the body's.
    let r = tampered(&sim, &call, |_, h| {
        set_header(h, "X-Content-Sha256", Some(&zeros))
    })
    .await;
    r.expect_error(401, "SignatureDoesNotMatch", Some(100010));
    assert!(r.text().contains("X-Content-Sha256"), "{}", r.text());
    // Body changed (the signed hash no longer matches it).
    let (target, headers) = call.sign();
    let other = body(10001, None, None).to_string();
    send(sim.addr, "POST", &target, &headers, other.as_bytes())
        .await
        .unwrap()
        .expect_error(401, "SignatureDoesNotMatch", Some(100010));
    // Query changed.
    let r = tampered(&sim, &call, |t, _| t.push_str("&Extra=1")).await;
    r.expect_error(401, "SignatureDoesNotMatch", Some(100010));
    // Host changed.
    let r = tampered(&sim, &call, |_, h| {
        set_header(h, "Host", Some("rtc.volcengineapi.com"))
    })
    .await;
    r.expect_error(401, "SignatureDoesNotMatch", Some(100010));
    // A signed header's value changed.
    let r = tampered(&sim, &call, |_, h| {
        set_header(h, "Content-Type", Some("text/plain"))
    })
    .await;
    r.expect_error(401, "SignatureDoesNotMatch", Some(100010));
    // Signature flipped in its last digit.
    let r = tampered(&sim, &call, |_, h| {
        let mut a = get_header(h, "Authorization").to_owned();
        let last = if a.ends_with('0') { '1' } else { '0' };
        a.pop();
        a.push(last);
        set_header(h, "Authorization", Some(&a));
    })
    .await;
    r.expect_error(401, "SignatureDoesNotMatch", Some(100010));
    // Unsigned headers may change freely.
    let r = tampered(&sim, &call, |_, h| {
        set_header(h, "Accept", Some("*/*"));
        h.push(("User-Agent".into(), "test".into()));
    })
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    sim.stop().await;
}

#[tokio::test]
async fn whatever_signed_headers_lists_is_verified() {
    let sim = Sim::default().await;
    let mut call = Call::new(&sim, ok_body());
    call.headers
        .push(("X-Custom-Trace".into(), "  abc  ".into()));
    call.query.push(("Note".into(), "a b+c".into()));
    let (target, headers) = call.sign();
    assert!(get_header(&headers, "Authorization").contains("x-custom-trace"));
    let r = send(sim.addr, "POST", &target, &headers, &call.body)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    // '+' in a raw query is a space, as the client's URL parser reads it.
    let plus = target.replace("a%20b%2Bc", "a+b%2Bc");
    assert_ne!(plus, target);
    let r = send(sim.addr, "POST", &plus, &headers, &call.body)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    // A listed header that was not part of the signature breaks it; the message names no
    // "allowed set" (a gateway verifies whatever is listed).
    let mut h = headers.clone();
    let a = get_header(&h, "Authorization").replace("SignedHeaders=", "SignedHeaders=accept;");
    set_header(&mut h, "Authorization", Some(&a));
    let r = send(sim.addr, "POST", &target, &h, &call.body)
        .await
        .unwrap();
    r.expect_error(401, "SignatureDoesNotMatch", Some(100010));
    // Dropping the signed custom header breaks the signature.
    let mut h = headers.clone();
    set_header(&mut h, "X-Custom-Trace", None);
    send(sim.addr, "POST", &target, &h, &call.body)
        .await
        .unwrap()
        .expect_error(401, "SignatureDoesNotMatch", Some(100010));
    sim.stop().await;
}

#[tokio::test]
async fn wrong_action_version_path_or_method_is_invalid_action_or_version() {
    let sim = Sim::default().await;
    for (k, v) in [("Action", "SendMessage"), ("Version", "2021-01-01")] {
        let mut call = Call::new(&sim, ok_body());
        call.query.retain(|(key, _)| key != k);
        call.query.push((k.into(), v.into()));
        call.send(&sim)
            .await
            .unwrap()
            .expect_error(404, "InvalidActionOrVersion", Some(100008));
    }
    // An unsigned call with a wrong action fails on authentication first.
    let r = send(
        sim.addr,
        "POST",
        "/?Action=SendMessage&Version=2020-12-01",
        &[("Host".into(), sim.host())],
        b"{}",
    )
    .await
    .unwrap();
    r.expect_error(401, "MissingAuthenticationToken", Some(100003));
    let call = Call::new(&sim, ok_body());
    let (target, headers) = call.sign();
    let r = send(
        sim.addr,
        "POST",
        &target.replacen('/', "/v1/", 1),
        &headers,
        &call.body,
    )
    .await
    .unwrap();
    r.expect_error(404, "InvalidActionOrVersion", Some(100008));
    let mut get = Call::new(&sim, Vec::new());
    get.method = "GET".into();
    get.send(&sim)
        .await
        .unwrap()
        .expect_error(404, "InvalidActionOrVersion", Some(100008));
    sim.stop().await;
}

/// The official Node SDK signs `x-content-sha256;x-date` only (no `host`); one that also signs
/// `Accept` is accepted too: the gateway verifies what is listed, not a set of its choosing.
#[tokio::test]
async fn clients_that_sign_other_header_sets_are_accepted() {
    let sim = Sim::default().await;
    // Like @volcengine/openapi: no host, no content-type.
    let mut call = Call::new(&sim, ok_body());
    call.sign_host = false;
    call.never_sign = vec!["content-type".into()];
    let (target, headers) = call.sign();
    assert!(
        get_header(&headers, "Authorization").contains("SignedHeaders=x-content-sha256;x-date,")
    );
    let r = send(sim.addr, "POST", &target, &headers, &call.body)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    // A client that signs Accept as well.
    let mut call = Call::new(&sim, ok_body());
    call.also_sign = vec!["accept".into()];
    let (target, headers) = call.sign();
    assert!(get_header(&headers, "Authorization").contains("SignedHeaders=accept;"));
    let r = send(sim.addr, "POST", &target, &headers, &call.body)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    // Changing the signed Accept value afterwards breaks the signature.
    let mut h = headers.clone();
    set_header(&mut h, "Accept", Some("text/plain"));
    send(sim.addr, "POST", &target, &h, &call.body)
        .await
        .unwrap()
        .expect_error(401, "SignatureDoesNotMatch", Some(100010));
    sim.stop().await;
}

/// The Go SDK's rules: only headers whose name starts with `X-` *case-sensitively* are signed
/// (so an `x-lower` header goes unsigned), and service/im adds a signed `X-Im-Sdk-Version`.
#[tokio::test]
async fn go_sdk_header_rules_verify() {
    let sim = Sim::default().await;
    let mut call = Call::new(&sim, ok_body());
    call.headers
        .push(("X-Im-Sdk-Version".into(), "1.0.253".into()));
    call.headers.push(("x-lower".into(), "unsigned".into()));
    call.never_sign = vec!["x-lower".into()];
    let (target, headers) = call.sign();
    let auth = get_header(&headers, "Authorization");
    assert!(auth.contains("x-im-sdk-version"), "{auth}");
    assert!(!auth.contains("x-lower"), "{auth}");
    let r = send(sim.addr, "POST", &target, &headers, &call.body)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    // The unsigned header may change freely; the signed one may not.
    let mut h = headers.clone();
    set_header(&mut h, "x-lower", Some("changed"));
    let r = send(sim.addr, "POST", &target, &h, &call.body)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    set_header(&mut h, "X-Im-Sdk-Version", Some("9.9.9"));
    send(sim.addr, "POST", &target, &h, &call.body)
        .await
        .unwrap()
        .expect_error(401, "SignatureDoesNotMatch", Some(100010));
    sim.stop().await;
}
