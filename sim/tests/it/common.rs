//! Test helpers: start/stop a simulator, sign with the simulator's own signing primitives (the
//! header selection of an official client is written here, in test code), send raw HTTP/1.1
//! with hyper's client, open WebSocket devices.

#![allow(dead_code)]

use axum::body::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::http::{HeaderMap, Request};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use volc_im_sim::signature::{self, Signed};
use volc_im_sim::{serve, Config, Options};

/// A key pair to sign test requests with.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

pub const APP: i32 = 666675;
pub const CONV: i64 = 7221856821303361536;

pub struct Sim {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Sim {
    pub async fn start(config: Config, allow_faults: bool) -> Sim {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel();
        let options = Options {
            allow_faults,
            log: false,
        };
        let task = tokio::spawn(serve(listener, config, options, async {
            let _ = rx.await;
        }));
        Sim {
            addr,
            stop: Some(tx),
            task: Some(task),
        }
    }

    pub async fn default() -> Sim {
        Sim::start(Config::default(), true).await
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Stops the server and waits for it to return.
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
    }

    pub async fn get(&self, path: &str) -> Resp {
        send(self.addr, "GET", path, &[("Host".into(), self.host())], b"")
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &str) -> Resp {
        let h = [
            ("Host".to_owned(), self.host()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ];
        send(self.addr, "POST", path, &h, body.as_bytes())
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str) -> Resp {
        send(
            self.addr,
            "DELETE",
            path,
            &[("Host".into(), self.host())],
            b"",
        )
        .await
        .unwrap()
    }

    pub async fn stats(&self) -> Value {
        self.get("/sim/stats").await.json()
    }

    pub async fn fault(&self, kind: &str, count: u64) {
        let r = self
            .post_json(
                "/sim/faults",
                &json!({"count": count, "kind": kind}).to_string(),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }

    /// A correctly signed P2PSendMessage with the default credentials, now.
    pub async fn p2p(&self, body: &Value) -> Resp {
        let call = Call::new(self, body.to_string().into_bytes());
        call.send(self).await.unwrap()
    }
}

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
    /// `(Code, CodeN)` of the envelope's error.
    pub fn error(&self) -> (String, Option<i64>) {
        let v = self.json();
        let e = &v["ResponseMetadata"]["Error"];
        assert!(e.is_object(), "no error in {}", self.text());
        (e["Code"].as_str().unwrap().to_owned(), e["CodeN"].as_i64())
    }
    /// Asserts an error response of this status, code and CodeN.
    pub fn expect_error(&self, status: u16, code: &str, code_n: Option<i64>) {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.error(), (code.to_owned(), code_n), "{}", self.text());
        self.expect_envelope_basics();
    }
    pub fn expect_envelope_basics(&self) {
        let v = self.json();
        let m = &v["ResponseMetadata"];
        // The vendor's example response has both empty.
        assert_eq!(m["Service"], "");
        assert_eq!(m["Region"], "");
        assert_eq!(
            m["RequestId"].as_str().unwrap().len(),
            34,
            "{}",
            self.text()
        );
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert!(self.header("date").is_some_and(|d| d.ends_with(" GMT")));
    }
    /// `[(UserId, Code, DevicePlatform)]` of a success, ids exact.
    pub fn p2p_result(&self) -> Vec<(i64, String, String)> {
        assert_eq!(self.status, 200, "{}", self.text());
        let v = self.json();
        assert!(v["ResponseMetadata"].get("Error").is_none());
        v["Result"]["P2PResult"]
            .as_array()
            .expect("Result.P2PResult is an array")
            .iter()
            .map(|e| {
                (
                    e["UserId"].as_i64().expect("UserId is a bare JSON integer"),
                    e["Code"].as_str().unwrap().to_owned(),
                    e["DevicePlatform"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

/// One HTTP/1.1 request on a fresh connection. `Err` when no response arrives.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Resp, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let mut b = Request::builder().method(method).uri(target);
    for (k, v) in headers {
        b = b.header(k, v);
    }
    let req = b.body(Full::new(Bytes::copy_from_slice(body))).unwrap();
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok(Resp {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: body.to_vec(),
    })
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn creds() -> Credentials {
    Credentials {
        access_key_id: "AKLTsimulator".into(),
        secret_access_key: "c2ltdWxhdG9yLXNlY3JldC1rZXk=".into(),
        session_token: None,
    }
}

pub fn sts_creds() -> Credentials {
    Credentials {
        access_key_id: "AKTPsimulator".into(),
        secret_access_key: "c2ltdWxhdG9yLXN0cy1zZWNyZXQ=".into(),
        session_token: Some("STS2simulator-token".into()),
    }
}

/// A request to sign; tests change a field, sign, then maybe tamper with the result.
pub struct Call {
    pub method: String,
    pub creds: Credentials,
    pub region: String,
    pub service: String,
    pub time: i64,
    pub host: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether `host` is signed (the official Node SDK does not sign it).
    pub sign_host: bool,
    /// Lowercase names signed besides the usual set (e.g. `accept`).
    pub also_sign: Vec<String>,
    /// Lowercase names left unsigned although the usual rule would sign them.
    pub never_sign: Vec<String>,
}

impl Call {
    pub fn new(sim: &Sim, body: Vec<u8>) -> Call {
        Call {
            method: "POST".into(),
            creds: creds(),
            region: "cn-north-1".into(),
            service: "rtc".into(),
            time: now(),
            host: sim.host(),
            query: vec![
                ("Action".into(), "P2PSendMessage".into()),
                ("Version".into(), "2020-12-01".into()),
            ],
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Accept".into(), "application/json".into()),
            ],
            body,
            sign_host: true,
            also_sign: Vec::new(),
            never_sign: Vec::new(),
        }
    }

    /// Signs as the official signers do (docs/spec/signing.md §5): `host`, `content-type`,
    /// `content-md5` and `x-*` headers, lowercased and sorted, plus `x-date`,
    /// `x-content-sha256` and `x-security-token`. Returns the request target (the canonical
    /// query) and every header to send, Host included.
    pub fn sign(&self) -> (String, Vec<(String, String)>) {
        let x_date = signature::format_x_date(self.time);
        let mut signed: Vec<(String, String)> = Vec::new();
        if self.sign_host {
            signed.push(("host".into(), self.host.clone()));
        }
        for (k, v) in &self.headers {
            let k = k.to_ascii_lowercase();
            let usual = k == "content-type" || k == "content-md5" || k.starts_with("x-");
            if (usual || self.also_sign.contains(&k)) && !self.never_sign.contains(&k) {
                signed.push((k, v.trim().to_owned()));
            }
        }
        signed.push(("x-date".into(), x_date.clone()));
        signed.push(("x-content-sha256".into(), signature::sha256_hex(&self.body)));
        if let Some(t) = &self.creds.session_token {
            signed.push(("x-security-token".into(), t.clone()));
        }
        signed.sort();
        let pairs: Vec<(&str, &str)> = signed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let canonical = signature::canonical_request(&Signed {
            method: &self.method,
            raw_path: "/",
            query: &self.query,
            headers: &pairs,
            body: &self.body,
        });
        let sig = signature::signature(
            &self.creds.secret_access_key,
            &x_date,
            &self.region,
            &self.service,
            &canonical,
        );
        let names: Vec<&str> = signed.iter().map(|(k, _)| k.as_str()).collect();
        let mut all = vec![("Host".to_owned(), self.host.clone())];
        all.extend(self.headers.iter().cloned());
        all.push(("X-Date".into(), x_date.clone()));
        all.push(("X-Content-Sha256".into(), signature::sha256_hex(&self.body)));
        if let Some(t) = &self.creds.session_token {
            all.push(("X-Security-Token".into(), t.clone()));
        }
        all.push((
            "Authorization".into(),
            format!(
                "HMAC-SHA256 Credential={}/{}/{}/{}/request, SignedHeaders={}, Signature={sig}",
                self.creds.access_key_id,
                &x_date[..8],
                self.region,
                self.service,
                names.join(";")
            ),
        ));
        (
            ["/?", &signature::canonical_query(&self.query)].concat(),
            all,
        )
    }

    pub async fn send(&self, sim: &Sim) -> Result<Resp, String> {
        let (target, headers) = self.sign();
        send(sim.addr, &self.method, &target, &headers, &self.body).await
    }
}

/// Replaces (or removes, with `None`) a header by name, ignoring case.
pub fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: Option<&str>) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    if let Some(v) = value {
        headers.push((name.to_owned(), v.to_owned()));
    }
}

pub fn get_header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    &headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .unwrap()
        .1
}

/// A P2PSendMessage body from the default conversation.
pub fn body(sender: i64, receivers: Option<&[i64]>, ignore: Option<&[i64]>) -> Value {
    let mut v = json!({
        "AppId": APP,
        "Sender": sender,
        "ConversationShortId": CONV,
        "MsgType": 10013,
        "Content": "{\"type\":1000,\"ext\":\"\",\"message_type\":10001}",
    });
    if let Some(r) = receivers {
        v["ReceiverUserId"] = json!(r);
    }
    if let Some(i) = ignore {
        v["IgnoreUserIds"] = json!(i);
    }
    v
}

/// One WebSocket device.
pub struct Device {
    ws: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>,
}

impl Device {
    /// Connects and waits for the hello frame (after which the device is online).
    pub async fn connect(sim: &Sim, app: i32, user: i64, platform: &str) -> Device {
        let url = format!(
            "ws://{}/sim/connect?AppId={app}&UserId={user}&Platform={platform}",
            sim.addr
        );
        let (ws, resp) = tokio_tungstenite::connect_async(url).await.unwrap();
        assert_eq!(resp.status(), 101);
        let mut d = Device { ws };
        let hello = d.next(Duration::from_secs(5)).await.expect("hello frame");
        assert_eq!(hello["type"], "hello");
        assert_eq!(hello["AppId"], app);
        assert_eq!(hello["UserId"], user.to_string());
        d
    }

    /// The next text frame as JSON, or `None` if none arrives within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Value> {
        loop {
            match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => return None,
                Ok(None) => return None,
                Ok(Some(Err(e))) => panic!("websocket error: {e}"),
                Ok(Some(Ok(Message::Text(t)))) => return Some(serde_json::from_str(&t).unwrap()),
                Ok(Some(Ok(Message::Close(_)))) => return None,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.send(Message::Close(None)).await;
        // Drain until the server's close arrives.
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }
}

/// Waits until `/sim/stats` says `connections` is `n`.
pub async fn wait_connections(sim: &Sim, n: u64) {
    for _ in 0..200 {
        if sim.stats().await["connections"] == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("connections never reached {n}");
}
