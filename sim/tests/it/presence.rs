//! Presence over real WebSockets: SUCCESS exactly when a frame arrives, NOT_ONLINE when none.

use crate::common::*;
use serde_json::json;
use std::time::Duration;
use volc_im_sim::Config;

const SHORT: Duration = Duration::from_millis(300);
const LONG: Duration = Duration::from_secs(5);

fn entry(id: i64, code: &str, platform: &str) -> (i64, String, String) {
    (id, code.to_owned(), platform.to_owned())
}

#[tokio::test]
async fn online_users_get_the_frame_and_success() {
    let sim = Sim::default().await;
    let mut a = Device::connect(&sim, APP, 10001, "Web").await;
    let mut b = Device::connect(&sim, APP, 10002, "android").await;
    let s = sim.stats().await;
    assert_eq!(
        (s["online"].as_u64(), s["connections"].as_u64()),
        (Some(2), Some(2))
    );

    let r = sim.p2p(&body(10008, None, None)).await;
    assert_eq!(
        r.p2p_result(),
        [
            entry(10001, "SUCCESS", "Web"),
            entry(10002, "SUCCESS", "Android"),
            entry(10003, "NOT_ONLINE", "Default"),
            entry(10008, "NOT_ONLINE", "Default"),
        ]
    );
    let request_id = r.json()["ResponseMetadata"]["RequestId"].clone();
    for d in [&mut a, &mut b] {
        let f = d.next(LONG).await.expect("message frame");
        assert_eq!(
            f,
            json!({
                "type": "message", "AppId": APP, "ConversationShortId": CONV.to_string(),
                "Sender": "10008", "MsgType": 10013,
                "Content": "{\"type\":1000,\"ext\":\"\",\"message_type\":10001}",
                "RequestId": request_id,
            })
        );
    }
    // Ignored: no frame, and not listed.
    let r = sim.p2p(&body(10008, None, Some(&[10002]))).await;
    assert_eq!(r.p2p_result()[0], entry(10001, "SUCCESS", "Web"));
    assert!(r.p2p_result().iter().all(|e| e.0 != 10002));
    assert!(a.next(LONG).await.is_some());
    assert!(b.next(SHORT).await.is_none());
    // ReceiverUserId: only 10002.
    let r = sim.p2p(&body(10001, Some(&[10002]), None)).await;
    assert_eq!(r.p2p_result(), [entry(10002, "SUCCESS", "Android")]);
    assert_eq!(b.next(LONG).await.unwrap()["Sender"], "10001");
    assert!(a.next(SHORT).await.is_none());
    let s = sim.stats().await;
    assert_eq!(s["deliveries"], 4);
    assert_eq!(s["frames"], 4);

    // Once the socket closes the user is offline again.
    a.close().await;
    wait_connections(&sim, 1).await;
    let r = sim.p2p(&body(10008, Some(&[10001]), None)).await;
    assert_eq!(r.p2p_result(), [entry(10001, "NOT_ONLINE", "Default")]);
    b.close().await;
    sim.stop().await;
}

#[tokio::test]
async fn several_devices_all_receive_and_the_latest_platform_is_reported() {
    let sim = Sim::default().await;
    let mut web = Device::connect(&sim, APP, 10003, "Web").await;
    let mut ios = Device::connect(&sim, APP, 10003, "IOS").await;
    assert_eq!(sim.stats().await["online"], 1);
    let r = sim.p2p(&body(10008, Some(&[10003]), None)).await;
    assert_eq!(r.p2p_result(), [entry(10003, "SUCCESS", "IOS")]);
    assert!(web.next(LONG).await.is_some());
    assert!(ios.next(LONG).await.is_some());
    assert_eq!(sim.stats().await["frames"], 2);
    ios.close().await;
    wait_connections(&sim, 1).await;
    let r = sim.p2p(&body(10008, Some(&[10003]), None)).await;
    assert_eq!(r.p2p_result(), [entry(10003, "SUCCESS", "Web")]);
    assert!(web.next(LONG).await.is_some());
    sim.stop().await;
}

#[tokio::test]
async fn receivers_outside_the_conversation_get_nothing() {
    let sim = Sim::default().await;
    let mut stranger = Device::connect(&sim, APP, 55555, "Web").await;
    let r = sim.p2p(&body(10008, Some(&[55555]), None)).await;
    assert_eq!(r.p2p_result(), [entry(55555, "NOT_ONLINE", "Default")]);
    assert!(stranger.next(SHORT).await.is_none());
    sim.stop().await;
}

#[tokio::test]
async fn int64_ids_above_2_pow_53_survive_both_ways() {
    let config = Config::from_json(
        r#"{"credentials":[{"accessKeyId":"AKLTsimulator","secretAccessKey":"c2ltdWxhdG9yLXNlY3JldC1rZXk="}],
            "region":"cn-north-1","service":"rtc",
            "apps":[{"AppId":666675,"conversations":[{"ConversationShortId":9223372036854775807,
              "members":["9007199254740993","9223372036854775806",-9223372036854775808]}]}]}"#,
    )
    .unwrap();
    let sim = Sim::start(config, false).await;
    let mut d = Device::connect(&sim, APP, 9007199254740993, "Android").await;
    let b = json!({"AppId": APP, "Sender": 9223372036854775806i64,
        "ConversationShortId": i64::MAX, "MsgType": 1, "Content": "x"});
    let r = sim.p2p(&b).await;
    let text = r.text();
    assert!(
        text.contains(r#"{"UserId":9007199254740993,"Code":"SUCCESS","DevicePlatform":"Android"}"#),
        "{text}"
    );
    assert_eq!(
        r.p2p_result(),
        [
            entry(9007199254740993, "SUCCESS", "Android"),
            entry(9223372036854775806, "NOT_ONLINE", "Default"),
            entry(i64::MIN, "NOT_ONLINE", "Default"),
        ]
    );
    let f = d.next(LONG).await.unwrap();
    assert_eq!(f["Sender"], "9223372036854775806");
    assert_eq!(f["ConversationShortId"], "9223372036854775807");
    // A neighbour id that a JS Number would round to the same value is another user.
    let b = json!({"AppId": APP, "Sender": 9223372036854775806i64,
        "ConversationShortId": i64::MAX, "MsgType": 1, "Content": "x",
        "ReceiverUserId": [9007199254740992i64]});
    let r = sim.p2p(&b).await;
    assert_eq!(
        r.p2p_result(),
        [entry(9007199254740992, "NOT_ONLINE", "Default")]
    );
    assert!(d.next(SHORT).await.is_none());
    sim.stop().await;
}

#[tokio::test]
async fn bad_connect_parameters_are_400_before_upgrade() {
    let sim = Sim::default().await;
    for q in [
        "UserId=10001&Platform=Web",
        "AppId=666675&Platform=Web",
        "AppId=666675&UserId=10001",
        "AppId=666675&UserId=10001&Platform=Mac",
        "AppId=1&UserId=10001&Platform=Web",
        "AppId=666675&UserId=1e3&Platform=Web",
    ] {
        let url = format!("ws://{}/sim/connect?{q}", sim.addr);
        match tokio_tungstenite::connect_async(url).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
                assert_eq!(resp.status(), 400, "{q}");
            }
            other => panic!("{q}: expected HTTP 400, got {:?}", other.map(|_| ())),
        }
    }
    // Good parameters without an upgrade are not a socket either.
    let r = sim
        .get("/sim/connect?AppId=666675&UserId=10001&Platform=Web")
        .await;
    assert!(r.status >= 400, "{}", r.status);
    assert_eq!(sim.stats().await["connections"], 0);
    sim.stop().await;
}

#[tokio::test]
async fn shutdown_closes_sockets() {
    let sim = Sim::default().await;
    let mut d = Device::connect(&sim, APP, 10001, "Web").await;
    let stop = tokio::spawn(sim.stop());
    // The server says goodbye (close frame) and the stream ends.
    assert!(d.next(LONG).await.is_none());
    tokio::time::timeout(LONG, stop).await.unwrap().unwrap();
}
