//! Fault injection, CORS and the simulator endpoints' guards.

use crate::common::*;
use serde_json::json;
use std::time::{Duration, Instant};
use volc_im_sim::Config;

#[tokio::test]
async fn envelope_faults() {
    let sim = Sim::default().await;
    sim.fault("status500", 1).await;
    sim.p2p(&body(10008, None, None))
        .await
        .expect_error(500, "InternalError", Some(100014));
    sim.fault("status503", 1).await;
    sim.p2p(&body(10008, None, None)).await.expect_error(
        503,
        "ServiceUnavailableTemp",
        Some(100019),
    );
    sim.fault("throttle", 1).await;
    let r = sim.p2p(&body(10008, None, None)).await;
    r.expect_error(429, "FlowLimitExceeded", Some(100018));
    assert_eq!(r.header("retry-after"), Some("1"));
    // The plan is used up: back to normal.
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 200);
    let s = sim.stats().await;
    assert_eq!(s["byCode"]["fault:status500"], 1);
    assert_eq!(s["byCode"]["fault:throttle"], 1);
    assert_eq!(s["throttled"], 0);
    sim.stop().await;
}

#[tokio::test]
async fn non_envelope_faults() {
    let sim = Sim::default().await;
    sim.fault("malformed", 1).await;
    let r = sim.p2p(&body(10008, None, None)).await;
    assert_eq!(
        (r.status, r.text().as_str()),
        (200, "{\"ResponseMetadata\":")
    );
    sim.fault("html", 1).await;
    let r = sim.p2p(&body(10008, None, None)).await;
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(r.text().starts_with("<html>"));
    sim.fault("empty", 1).await;
    let r = sim.p2p(&body(10008, None, None)).await;
    assert_eq!((r.status, r.body.len()), (200, 0));
    sim.fault("reset", 2).await;
    for _ in 0..2 {
        let call = Call::new(&sim, body(10008, None, None).to_string().into_bytes());
        let err = call.send(&sim).await.err().expect("no response");
        assert!(!err.is_empty());
    }
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 200);
    let s = sim.stats().await;
    assert_eq!(s["byCode"]["fault:reset"], 2);
    // Every fault still answered CORS-wise (not reset, which has no answer).
    sim.stop().await;
}

#[tokio::test]
async fn faulted_calls_deliver_nothing_but_delay_does() {
    let sim = Sim::default().await;
    let mut d = Device::connect(&sim, APP, 10001, "Web").await;
    for kind in [
        "status500",
        "status503",
        "throttle",
        "malformed",
        "html",
        "empty",
        "reset",
    ] {
        sim.fault(kind, 1).await;
        let call = Call::new(&sim, body(10008, None, None).to_string().into_bytes());
        let _ = call.send(&sim).await;
        assert!(d.next(Duration::from_millis(150)).await.is_none(), "{kind}");
    }
    assert_eq!(sim.stats().await["deliveries"], 0);
    let r = sim
        .post_json("/sim/faults", r#"{"count":1,"kind":"delay","delayMs":300}"#)
        .await;
    assert_eq!(r.json()["delayMs"], 300);
    let t = Instant::now();
    let r = sim.p2p(&body(10008, None, None)).await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.p2p_result()[0].1, "SUCCESS");
    assert!(d.next(Duration::from_secs(5)).await.is_some());
    sim.stop().await;
}

#[tokio::test]
async fn faults_count_down_and_clear() {
    let sim = Sim::default().await;
    sim.fault("html", 2).await;
    assert_eq!(sim.get("/sim/faults").await.json()["remaining"], 2);
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 502);
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 502);
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 200);
    sim.fault("status500", 5).await;
    let r = sim.delete("/sim/faults").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["kind"], json!(null));
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 200);
    for bad in [
        r#"{"count":1,"kind":"explode"}"#,
        r#"{"count":0,"kind":"html"}"#,
        "{",
    ] {
        let r = sim.post_json("/sim/faults", bad).await;
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json()["error"]["message"].is_string());
    }
    sim.stop().await;
}

#[tokio::test]
async fn faults_are_refused_without_allow_faults() {
    let sim = Sim::start(volc_im_sim::Config::default(), false).await;
    let r = sim
        .post_json("/sim/faults", r#"{"count":1,"kind":"status500"}"#)
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["code"], "FaultsDisabled");
    assert_eq!(sim.delete("/sim/faults").await.status, 403);
    assert_eq!(sim.get("/sim/faults").await.json()["enabled"], false);
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 200);
    sim.stop().await;
}

#[tokio::test]
async fn cors_preflight_and_headers() {
    let sim = Sim::default().await;
    let origin = "http://localhost:5173";
    let r = send(
        sim.addr,
        "OPTIONS",
        "/?Action=P2PSendMessage&Version=2020-12-01",
        &[
            ("Host".into(), sim.host()),
            ("Origin".into(), origin.into()),
            ("Access-Control-Request-Method".into(), "POST".into()),
            (
                "Access-Control-Request-Headers".into(),
                "authorization,content-type,x-date,x-content-sha256,x-security-token".into(),
            ),
        ],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some(origin));
    let methods = r.header("access-control-allow-methods").unwrap();
    for m in ["POST", "GET", "DELETE", "OPTIONS"] {
        assert!(methods.contains(m));
    }
    let allowed = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "authorization",
        "content-type",
        "x-date",
        "x-content-sha256",
        "x-security-token",
        "accept",
    ] {
        assert!(allowed.contains(h), "{h}");
    }
    assert!(r.header("access-control-max-age").is_some());
    assert_eq!(
        sim.stats().await["requests"],
        0,
        "a preflight is not an API call"
    );

    // Actual responses: origin echoed, Date and Retry-After exposed.
    let mut call = Call::new(&sim, body(10008, None, None).to_string().into_bytes());
    call.headers.push(("Origin".into(), origin.into()));
    let r = call.send(&sim).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some(origin));
    assert_eq!(
        r.header("access-control-expose-headers"),
        Some("Date, Retry-After")
    );
    // No Origin: no CORS headers at all (was `*`).
    let r = sim.get("/sim/stats").await;
    assert_eq!(r.header("access-control-allow-origin"), None);

    // Loopback origins on any port pass by default; anything else gets no CORS headers.
    for (o, allowed) in [
        ("http://127.0.0.1:8080", true),
        ("http://[::1]:1", true),
        ("http://localhost", true),
        ("https://localhost:5173", false),
        ("http://localhost.evil.com", false),
        ("http://127.0.0.1:80x", false),
        ("https://example.com", false),
        ("null", false),
    ] {
        let r = send(
            sim.addr,
            "GET",
            "/sim/stats",
            &[("Host".into(), sim.host()), ("Origin".into(), o.into())],
            b"",
        )
        .await
        .unwrap();
        assert_eq!(
            r.header("access-control-allow-origin"),
            allowed.then_some(o),
            "{o}"
        );
        let pre = send(
            sim.addr,
            "OPTIONS",
            "/",
            &[
                ("Host".into(), sim.host()),
                ("Origin".into(), o.into()),
                ("Access-Control-Request-Method".into(), "POST".into()),
            ],
            b"",
        )
        .await
        .unwrap();
        assert_eq!(pre.status, if allowed { 204 } else { 403 }, "{o}");
    }
    sim.stop().await;
}

#[tokio::test]
async fn cors_origins_configured_replace_the_default() {
    let with = |origins: &str| {
        Config::from_json(&volc_im_sim::config::DEFAULT_CONFIG_JSON.replacen(
            "\"region\"",
            &format!("\"corsOrigins\": {origins}, \"region\""),
            1,
        ))
        .unwrap()
    };
    let ask = |sim: &Sim, origin: &'static str| {
        let addr = sim.addr;
        let host = sim.host();
        async move {
            send(
                addr,
                "GET",
                "/sim/stats",
                &[("Host".into(), host), ("Origin".into(), origin.into())],
                b"",
            )
            .await
            .unwrap()
            .header("access-control-allow-origin")
            .map(str::to_owned)
        }
    };
    let sim = Sim::start(with(r#"["https://app.example"]"#), false).await;
    assert_eq!(
        ask(&sim, "https://app.example").await.as_deref(),
        Some("https://app.example")
    );
    assert_eq!(ask(&sim, "http://127.0.0.1:8080").await, None);
    sim.stop().await;
    let sim = Sim::start(with("[]"), false).await;
    assert_eq!(ask(&sim, "http://127.0.0.1:8080").await, None);
    sim.stop().await;
    let sim = Sim::start(with(r#"["*"]"#), false).await;
    assert_eq!(
        ask(&sim, "https://anything.example").await.as_deref(),
        Some("https://anything.example")
    );
    sim.stop().await;
}

#[tokio::test]
async fn other_paths() {
    let sim = Sim::default().await;
    let r = sim.get("/favicon.ico").await;
    r.expect_error(404, "InvalidActionOrVersion", Some(100008));
    let r = sim.get("/sim/nope").await;
    assert_eq!(r.status, 404);
    let r = sim.delete("/sim/stats").await;
    assert_eq!(r.status, 405);
    assert_eq!(sim.stats().await["requests"], 0);
    sim.stop().await;
}
