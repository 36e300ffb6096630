//! Body validation, the spec's delivery rules, and the per-app QPS window.

use crate::common::*;
use serde_json::json;
use std::time::Duration;
use volc_im_sim::Config;

async fn raw_body(sim: &Sim, body: &[u8]) -> Resp {
    Call::new(sim, body.to_vec()).send(sim).await.unwrap()
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_are_json_parsing_error() {
    let sim = Sim::default().await;
    for b in [
        &b"not json"[..],
        b"",
        b"{\"AppId\":",
        b"[1,2]",
        b"\"str\"",
        b"null",
    ] {
        raw_body(&sim, b)
            .await
            .expect_error(400, "JsonParsingError", Some(200001));
    }
    sim.stop().await;
}

#[tokio::test]
async fn wrong_types_or_missing_fields_are_invalid_param() {
    let sim = Sim::default().await;
    let mut cases = Vec::new();
    for (field, value) in [
        ("AppId", json!("666675")),
        ("Sender", json!("10008")),
        ("ConversationShortId", json!(1.5)),
        ("MsgType", json!(null)),
        ("Content", json!({"type": 1})),
        ("ReceiverUserId", json!("10001")),
        ("IgnoreUserIds", json!(["10001"])),
        ("ConversationShortId", json!(9223372036854775808u64)),
    ] {
        let mut b = body(10008, None, None);
        b[field] = value;
        cases.push(b);
    }
    let mut missing = body(10008, None, None);
    missing.as_object_mut().unwrap().remove("Content");
    cases.push(missing);
    for b in cases {
        let r = sim.p2p(&b).await;
        r.expect_error(400, "InvalidParam", Some(200002));
    }
    sim.stop().await;
}

#[tokio::test]
async fn unknown_app_conversation_or_sender() {
    let sim = Sim::default().await;
    let mut b = body(10008, None, None);
    b["AppId"] = json!(1);
    sim.p2p(&b)
        .await
        .expect_error(404, "AppNotFound", Some(200003));
    let mut b = body(10008, None, None);
    b["ConversationShortId"] = json!(7221856821303361537i64);
    sim.p2p(&b)
        .await
        .expect_error(404, "ConversationNotFound", Some(200004));
    sim.p2p(&body(10009, None, None)).await.expect_error(
        403,
        "ParticipantNotInConversation",
        Some(200005),
    );
    sim.stop().await;
}

fn offline(ids: &[i64]) -> Vec<(i64, String, String)> {
    ids.iter()
        .map(|&i| (i, "NOT_ONLINE".to_owned(), "Default".to_owned()))
        .collect()
}

#[tokio::test]
async fn delivery_rules_default_receivers_and_ignore() {
    let sim = Sim::default().await;
    // Default: every member, sender included, in configuration order.
    let r = sim.p2p(&body(10008, None, None)).await;
    assert_eq!(r.p2p_result(), offline(&[10001, 10002, 10003, 10008]));
    // Empty lists are "not given".
    let r = sim.p2p(&body(10008, Some(&[]), Some(&[]))).await;
    assert_eq!(r.p2p_result(), offline(&[10001, 10002, 10003, 10008]));
    // IgnoreUserIds removes members (ids not in the conversation are harmless).
    let r = sim
        .p2p(&body(10008, None, Some(&[10001, 10008, 424242])))
        .await;
    assert_eq!(r.p2p_result(), offline(&[10002, 10003]));
    // ReceiverUserId: only those, in request order; IgnoreUserIds not applied; non-members listed.
    let r = sim
        .p2p(&body(10008, Some(&[10003, 10001, 99999]), Some(&[10003])))
        .await;
    assert_eq!(r.p2p_result(), offline(&[10003, 10001, 99999]));
    sim.stop().await;
}

fn qps_config(qps: u32) -> Config {
    Config::from_json(&format!(
        r#"{{"credentials":[{{"accessKeyId":"AKLTsimulator","secretAccessKey":"c2ltdWxhdG9yLXNlY3JldC1rZXk="}}],
            "region":"cn-north-1","service":"rtc",
            "apps":[{{"AppId":666675,"qps":{qps},"conversations":[{{"ConversationShortId":7221856821303361536,"members":[10001,10008]}}]}},
                    {{"AppId":7,"qps":{qps},"conversations":[{{"ConversationShortId":1,"members":[1]}}]}}]}}"#
    ))
    .unwrap()
}

#[tokio::test]
async fn qps_window_throttles_the_sixth_call_and_recovers() {
    let sim = Sim::start(qps_config(5), false).await;
    // Invalid calls do not count against the limit.
    for _ in 0..8 {
        sim.p2p(&body(555, None, None)).await.expect_error(
            403,
            "ParticipantNotInConversation",
            Some(200005),
        );
    }
    let mut statuses = Vec::new();
    let mut throttled = None;
    for _ in 0..6 {
        let r = sim.p2p(&body(10008, None, None)).await;
        statuses.push(r.status);
        if r.status == 429 {
            throttled = Some(r);
        }
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);
    let r = throttled.unwrap();
    r.expect_error(429, "FlowLimitExceeded", Some(100018));
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(retry >= 1);
    // Another app has its own window.
    let other = json!({"AppId":7,"Sender":1,"ConversationShortId":1,"MsgType":1,"Content":""});
    assert_eq!(sim.p2p(&other).await.status, 200);
    // After the window slides past, calls pass again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 200);
    let stats = sim.stats().await;
    assert_eq!(stats["throttled"], 1);
    assert_eq!(stats["byCode"]["FlowLimitExceeded"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn stats_count_and_reset() {
    let sim = Sim::default().await;
    sim.p2p(&body(10008, None, None)).await;
    sim.p2p(&body(10009, None, None)).await;
    let mut call = Call::new(&sim, body(10008, None, None).to_string().into_bytes());
    call.creds.secret_access_key = "wrong".into();
    call.send(&sim).await.unwrap();
    let s = sim.stats().await;
    assert_eq!(s["requests"], 3);
    assert_eq!(s["byCode"]["SUCCESS"], 1);
    assert_eq!(s["byCode"]["ParticipantNotInConversation"], 1);
    assert_eq!(s["byCode"]["SignatureDoesNotMatch"], 1);
    assert_eq!(s["deliveries"], 0);
    assert_eq!(s["online"], 0);
    let r = send(
        sim.addr,
        "POST",
        "/sim/stats/reset",
        &[("Host".into(), sim.host())],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    let s = sim.stats().await;
    assert_eq!(s["requests"], 0);
    assert_eq!(s["byCode"], json!({}));
    assert_eq!(s["throttled"], 0);
    sim.stop().await;
}
