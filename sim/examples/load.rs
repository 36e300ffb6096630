//! Rough throughput of the simulator: N keep-alive connections each sending signed
//! P2PSendMessage calls back to back for a few seconds (every call signed anew with the
//! simulator's own `signature::client_headers`, as a real client signs each call).
//!
//! ```text
//! cargo run --release -p volc-im-sim --example load -- [--connections 32] [--seconds 5] [--addr HOST:PORT]
//! ```
//! Without `--addr` it starts a simulator in-process (qps 1000000, no request log) on port 0;
//! with `--addr`, point it at a `volc-im-sim --quiet --config FILE` whose app allows that QPS.

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use volc_im_sim::{serve, Config, Options};

const LOAD_CONFIG: &str = r#"{"credentials":[{"accessKeyId":"AKLTsimulator","secretAccessKey":"c2ltdWxhdG9yLXNlY3JldC1rZXk="}],
  "region":"cn-north-1","service":"rtc",
  "apps":[{"AppId":666675,"qps":1000000,"conversations":[{"ConversationShortId":"7221856821303361536","members":["10001","10002","10003","10008"]}]}]}"#;

struct Args {
    addr: Option<SocketAddr>,
    connections: usize,
    seconds: u64,
}

fn parse_args() -> Args {
    let mut a = Args {
        addr: None,
        connections: 32,
        seconds: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => a.addr = Some(v.parse().expect("--addr HOST:PORT")),
            "--connections" => a.connections = v.parse().expect("--connections N"),
            "--seconds" => a.seconds = v.parse().expect("--seconds N"),
            _ => panic!("unknown flag {flag}"),
        }
    }
    a
}

/// One connection's loop; returns (ok, failed, latencies in µs).
async fn worker(addr: SocketAddr, until: Instant) -> (u64, u64, Vec<u32>) {
    let host = addr.to_string();
    let body = br#"{"AppId":666675,"Sender":10008,"ConversationShortId":7221856821303361536,"MsgType":10013,"Content":"{\"type\":1000}"}"#;
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).ok();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let (mut ok, mut failed, mut lat) = (0, 0, Vec::with_capacity(100_000));
    while Instant::now() < until {
        let started = Instant::now();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let target = "/?Action=P2PSendMessage&Version=2020-12-01";
        let headers = volc_im_sim::signature::client_headers(
            "AKLTsimulator",
            "c2ltdWxhdG9yLXNlY3JldC1rZXk=",
            None,
            "cn-north-1",
            "rtc",
            "POST",
            &host,
            target,
            Some("application/json"),
            body,
            now,
        );
        let mut req = Request::builder().method("POST").uri(target);
        for (k, v) in &headers {
            req = req.header(k, v);
        }
        let req = req.body(Full::new(Bytes::from_static(body))).unwrap();
        if sender.ready().await.is_err() {
            failed += 1;
            break;
        }
        match sender.send_request(req).await {
            Ok(resp) => {
                let status = resp.status();
                let _ = resp.into_body().collect().await;
                if status == 200 {
                    ok += 1;
                } else {
                    failed += 1;
                }
            }
            Err(_) => {
                failed += 1;
                break;
            }
        }
        lat.push(started.elapsed().as_micros() as u32);
    }
    (ok, failed, lat)
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let (addr, stop) = match args.addr {
        Some(a) => (a, None),
        None => {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            let options = Options {
                allow_faults: false,
                log: false,
            };
            let config = Config::from_json(LOAD_CONFIG).unwrap();
            let task = tokio::spawn(serve(listener, config, options, async {
                let _ = rx.await;
            }));
            (addr, Some((tx, task)))
        }
    };
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let workers: Vec<_> = (0..args.connections)
        .map(|_| tokio::spawn(worker(addr, until)))
        .collect();
    let (mut ok, mut failed, mut lat) = (0, 0, Vec::new());
    for w in workers {
        let (o, f, l) = w.await.unwrap();
        ok += o;
        failed += f;
        lat.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    println!(
        "{} connections, {:.1}s: {ok} ok, {failed} failed, {:.0} req/s; latency p50 {}µs p99 {}µs",
        args.connections,
        elapsed,
        ok as f64 / elapsed,
        pct(0.5),
        pct(0.99)
    );
    if let Some((tx, task)) = stop {
        let _ = tx.send(());
        let _ = task.await;
    }
}
