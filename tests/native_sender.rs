//! The native sender over real HTTP: against the simulator binary (started here, with the
//! conformance config whose conversation has an id above 2^53), and against a hostile local
//! server that sends an endless body.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use volc_im::api::p2p::P2PSendMessageRequest;
use volc_im::{Client, Config, ErrorCode};

struct Sim {
    child: Child,
    url: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `volc-im-sim` (VOLC_IM_SIM_BIN, or the workspace's debug build, which
/// `cargo test --workspace` builds) on a free port.
fn start_sim() -> Sim {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let bin = std::env::var("VOLC_IM_SIM_BIN")
        .unwrap_or_else(|_| format!("{root}target/debug/volc-im-sim"));
    let mut child = Command::new(&bin)
        .args(["--listen", "127.0.0.1:0", "--quiet", "--config"])
        .arg(format!("{root}tests/conformance/sim-config.json"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin} ({e}): cargo build -p volc-im-sim first"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("volc-im-sim listening on ")
        .expect("the listening line")
        .to_owned();
    Sim { child, url }
}

fn request(sender: i64, to: Option<Vec<i64>>) -> P2PSendMessageRequest {
    P2PSendMessageRequest {
        app_id: 666675,
        sender,
        conversation_short_id: 7221856821303361536,
        msg_type: 10013,
        content: r#"{"type":1000}"#.into(),
        receiver_user_id: to,
        ignore_user_ids: None,
    }
}

fn config(endpoint: &str) -> Config {
    Config {
        endpoint: Some(endpoint.into()),
        ..Config::new("AKLTsimulator", "c2ltdWxhdG9yLXNlY3JldC1rZXk=")
    }
}

#[tokio::test]
async fn sends_to_the_simulator_int64_exact() {
    let sim = start_sim();
    let client = Client::new(config(&sim.url)).unwrap();
    let sent = client
        .p2p_send_message(&request(10008, Some(vec![9007199254740993, 10001])))
        .await
        .unwrap();
    let rows: Vec<(i64, &str)> = sent
        .result
        .p2p_result
        .iter()
        .map(|r| (r.user_id, r.code.as_str()))
        .collect();
    assert_eq!(
        rows,
        [(9007199254740993, "NOT_ONLINE"), (10001, "NOT_ONLINE")]
    );
    assert_eq!(sent.metadata.request_id.len(), 34);
}

#[tokio::test]
async fn vendor_errors_carry_code_code_n_status_and_request_id() {
    let sim = start_sim();
    let client = Client::new(Config {
        secret_access_key: "wrong".into(),
        ..config(&sim.url)
    })
    .unwrap();
    let e = client
        .p2p_send_message(&request(10008, None))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.code_n, e.status, e.attempts),
        ("SignatureDoesNotMatch", Some(100010), Some(401), 1)
    );
    assert!(e.request_id.as_deref().is_some_and(|id| id.len() == 34));
    assert!(
        !e.to_string().contains("wrong"),
        "the secret never appears: {e}"
    );
    let client = Client::new(config(&sim.url)).unwrap();
    let e = client
        .p2p_send_message(&request(424242, None))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.status),
        ("ParticipantNotInConversation", Some(403))
    );
}

#[tokio::test]
async fn bad_config_is_refused_with_the_js_clients_messages() {
    let e = Client::new(Config {
        endpoint: Some("ftp://x".into()),
        ..config("")
    })
    .err()
    .unwrap();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    assert!(e.message.starts_with("endpoint: "), "{}", e.message);
    let e = Client::new(Config {
        session_token: Some("\ttok".into()),
        ..config("http://127.0.0.1:1")
    })
    .err()
    .unwrap();
    assert!(e.message.starts_with("sessionToken: "), "{}", e.message);
    assert!(
        !format!("{:?}", config("x")).contains("c2ltdWxhdG9y"),
        "Debug never shows the secret"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_network_error() {
    let client = Client::new(Config {
        retries: Some(0),
        ..config("http://127.0.0.1:1")
    })
    .unwrap();
    let e = client
        .p2p_send_message(&request(10008, None))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NetworkError);
    assert!(e.retryable && e.message.contains("127.0.0.1:1"), "{e}");
}

/// A server that answers 200 with a body that never ends: the client stops at the cap.
#[tokio::test]
async fn an_endless_body_stops_at_max_response_bytes() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 65536];
        let _ = s.read(&mut buf).await;
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n").await;
        let chunk = format!("{:x}\r\n{}\r\n", 65536, "x".repeat(65536));
        // At most 256 MiB, stopped early by the client hanging up.
        for _ in 0..4096 {
            if s.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            counter.fetch_add(65536, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let client = Client::new(Config {
        max_response_bytes: Some(1 << 20),
        retries: Some(0),
        ..config(&format!("http://{addr}"))
    })
    .unwrap();
    let e = client
        .p2p_send_message(&request(10008, None))
        .await
        .unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::InvalidResponse, Some(200)));
    assert!(
        e.message.contains("maxResponseBytes = 1048576"),
        "{}",
        e.message
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let written = sent.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        written < 64 << 20,
        "the server could write {written} bytes: the client kept reading"
    );
}
