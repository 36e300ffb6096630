//! Every code of the error table (docs/spec/signing.md "Common error codes" and the IM codes),
//! each produced by a real request over HTTP, with its CodeN and status. The test fails if a
//! kind in `errors::ALL` is never produced, so a new code cannot be added untested.

use crate::common::*;
use serde_json::json;
use std::collections::BTreeSet;
use volc_im_sim::config::{Config, DEFAULT_CONFIG_JSON};
use volc_im_sim::errors::ALL;

/// The default config plus a key limited to another action, a key limited to another app, a
/// disabled app and a denied sender.
fn config() -> Config {
    let mut v: serde_json::Value = serde_json::from_str(DEFAULT_CONFIG_JSON).unwrap();
    let creds = v["credentials"].as_array_mut().unwrap();
    creds.push(
        json!({"accessKeyId": "AKLTpolicy", "secretAccessKey": "cG9saWN5",
                      "allowedActions": ["SendMessage"]}),
    );
    creds.push(
        json!({"accessKeyId": "AKLTapps", "secretAccessKey": "YXBwcw==",
                      "allowedAppIds": [1]}),
    );
    let apps = v["apps"].as_array_mut().unwrap();
    apps[0]["denySenders"] = json!(["10003"]);
    apps.push(json!({"AppId": 2, "status": "disabled"}));
    Config::from_json(&v.to_string()).unwrap()
}

fn key(ak: &str, sk: &str) -> Credentials {
    Credentials {
        access_key_id: ak.into(),
        secret_access_key: sk.into(),
        session_token: None,
    }
}

#[tokio::test]
async fn every_code_in_the_table_is_produced_with_its_code_n_and_status() {
    let sim = Sim::start(config(), true).await;
    let ok = || body(10008, None, None);
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut b = ok();
        f(&mut b);
        b.to_string().into_bytes()
    };
    let mut seen = BTreeSet::new();
    let mut check = |r: Resp| {
        let v = r.json();
        let code = v["ResponseMetadata"]["Error"]["Code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error: {}", r.text()))
            .to_owned();
        let kind = ALL.iter().find(|k| k.code == code).expect("a listed code");
        r.expect_error(kind.status, kind.code, kind.code_n);
        seen.insert(code);
    };

    // Request and authentication.
    let base = || Call::new(&sim, ok().to_string().into_bytes());
    let mut c = base();
    c.query.retain(|(k, _)| k != "Action");
    check(c.send(&sim).await.unwrap());
    let (t, mut h) = base().sign();
    set_header(&mut h, "Authorization", None);
    check(send(sim.addr, "POST", &t, &h, &base().body).await.unwrap());
    let (t, mut h) = base().sign();
    set_header(&mut h, "Authorization", Some("HMAC-SHA256 nonsense"));
    check(send(sim.addr, "POST", &t, &h, &base().body).await.unwrap());
    let (t, mut h) = base().sign();
    let a = get_header(&h, "Authorization");
    let a = a[..a.find(", Signature=").unwrap()].to_owned();
    set_header(&mut h, "Authorization", Some(&a));
    check(send(sim.addr, "POST", &t, &h, &base().body).await.unwrap());
    let mut c = base();
    c.time -= 3600;
    check(c.send(&sim).await.unwrap());
    let mut c = base();
    c.service = "vod".into();
    check(c.send(&sim).await.unwrap());
    let mut c = base();
    c.query.retain(|(k, _)| k != "Version");
    c.query.push(("Version".into(), "2021-01-01".into()));
    check(c.send(&sim).await.unwrap());
    let mut c = base();
    c.creds = key("AKLTnobody", "x");
    check(c.send(&sim).await.unwrap());
    let mut c = base();
    c.creds = key("AKLTsimulator", "wrong");
    check(c.send(&sim).await.unwrap());
    let mut c = base();
    c.creds = Credentials {
        session_token: None,
        ..sts_creds()
    };
    check(c.send(&sim).await.unwrap());
    // The key's policy.
    let mut c = base();
    c.creds = key("AKLTpolicy", "cG9saWN5");
    check(c.send(&sim).await.unwrap());
    let mut c = base();
    c.creds = key("AKLTapps", "YXBwcw==");
    check(c.send(&sim).await.unwrap());

    // The body and the IM service.
    for b in [
        b"not json".to_vec(),
        b"{}".to_vec(),
        with(&|b| b["AppId"] = json!(999)),
        with(&|b| b["ConversationShortId"] = json!(1)),
        with(&|b| b["Sender"] = json!(5)),
        with(&|b| b["AppId"] = json!(2)),
        with(&|b| b["Sender"] = json!(10003)),
    ] {
        check(Call::new(&sim, b).send(&sim).await.unwrap());
    }

    // The server's own failures, as faults.
    for fault in [
        "status500",
        "status503",
        "throttle",
        "failToConnect",
        "internalServiceTimeout",
    ] {
        sim.fault(fault, 1).await;
        check(base().send(&sim).await.unwrap());
    }

    let all: BTreeSet<String> = ALL.iter().map(|k| k.code.to_owned()).collect();
    assert_eq!(
        seen,
        all,
        "codes never produced: {:?}",
        all.difference(&seen)
    );
    sim.stop().await;
}

/// HTTP 200 can still carry `ResponseMetadata.Error` (the spec says clients must handle it).
#[tokio::test]
async fn error_inside_http_200_fault() {
    let sim = Sim::default().await;
    sim.fault("errorOn200", 1).await;
    let r = sim.p2p(&body(10008, None, None)).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["ResponseMetadata"]["Error"]["Code"], "InternalError");
    assert_eq!(v["ResponseMetadata"]["Error"]["CodeN"], 100014);
    assert!(v.get("Result").is_none());
    // The next call is normal again.
    assert_eq!(sim.p2p(&body(10008, None, None)).await.status, 200);
    sim.stop().await;
}

/// The keys' limits let everything else through.
#[tokio::test]
async fn limited_keys_still_send_what_they_may() {
    let mut cfg: serde_json::Value = serde_json::from_str(DEFAULT_CONFIG_JSON).unwrap();
    cfg["credentials"].as_array_mut().unwrap().push(json!({
        "accessKeyId": "AKLTlimited", "secretAccessKey": "bGltaXRlZA==",
        "allowedActions": ["P2PSendMessage"], "allowedAppIds": [666675]}));
    let sim = Sim::start(Config::from_json(&cfg.to_string()).unwrap(), false).await;
    let mut c = Call::new(&sim, body(10008, None, None).to_string().into_bytes());
    c.creds = key("AKLTlimited", "bGltaXRlZA==");
    let r = c.send(&sim).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    sim.stop().await;
}
