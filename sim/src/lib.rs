//! # volc-im-sim
//!
//! A local stand-in for the Volcengine IM OpenAPI endpoint, for testing clients end to end
//! without the vendor: it verifies signatures with its own independent verifier (it does not
//! depend on the SDK crate at all), validates `P2PSendMessage` bodies with its own models,
//! delivers pass-through messages to WebSocket "devices", enforces the per-app QPS limit, and
//! injects faults on request.
//!
//! [`serve`] runs it on a listener you bind, so tests start it in-process on port 0.
//! Endpoints and behaviour are documented in docs/simulator.md.

pub mod config;
pub mod errors;
pub mod faults;
pub mod limiter;
pub mod model;
pub mod openapi;
pub mod presence;
pub mod signature;
pub mod stats;
pub mod tracker;
pub mod verify;

/// Writes one line to stderr and ignores failure. `eprintln!` panics when stderr is a full
/// non-blocking pipe (EAGAIN) — a parent that reads the log slowly would otherwise kill the
/// request that was logging. A lost log line is the lesser harm.
#[macro_export]
macro_rules! log_line {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

use axum::body::Body;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::FromRequestParts;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::Config;
use openapi::ResetConnection;

/// How long shutdown waits for in-flight calls and sockets before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Server switches.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Whether `POST`/`DELETE /sim/faults` are allowed (`--allow-faults`).
    pub allow_faults: bool,
    /// One stderr line per OpenAPI call (off for quiet tests and load runs).
    pub log: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            allow_faults: false,
            log: true,
        }
    }
}

/// Everything a request handler needs.
pub struct State {
    /// The configuration.
    pub config: Config,
    /// The switches.
    pub options: Options,
    /// Online devices.
    pub presence: presence::Presence,
    /// Per-app QPS windows.
    pub limiter: limiter::Limiter,
    /// Pending injected faults.
    pub faults: faults::Faults,
    /// Counters.
    pub stats: stats::Stats,
    /// Request id source.
    pub ids: openapi::RequestIds,
    /// Open WebSocket tasks, awaited on shutdown.
    sockets: tracker::Tracker,
}

impl State {
    fn new(config: Config, options: Options) -> Self {
        Self {
            config,
            options,
            presence: presence::Presence::default(),
            limiter: limiter::Limiter::default(),
            faults: faults::Faults::default(),
            stats: stats::Stats::default(),
            ids: openapi::RequestIds::default(),
            sockets: tracker::Tracker::default(),
        }
    }
}

/// Serves HTTP/1.1 on `listener` until `shutdown` completes, then stops accepting, lets
/// in-flight calls finish, closes WebSockets (1001) and returns.
pub async fn serve<F>(
    listener: TcpListener,
    config: Config,
    options: Options,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send,
{
    let state = Arc::new(State::new(config, options));
    let connections = tracker::Tracker::default();
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors and the like: back off instead of spinning.
                    log_line!("volc-im-sim: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let guard = connections.guard();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _guard = guard;
            let service = service_fn(move |req| {
                let state = state.clone();
                async move { dispatch(&state, req).await }
            });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    state.presence.close_all();
    let drained = async {
        connections.wait_idle().await;
        state.sockets.wait_idle().await;
    };
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
    Ok(())
}

/// Routes a request, answers CORS, and turns the `reset` fault into a dropped connection.
async fn dispatch(
    state: &Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Body>, ResetConnection> {
    // CORS headers only for an origin the configuration allows (loopback by default).
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .filter(|o| {
            o.to_str()
                .is_ok_and(|o| state.config.cors_origins.allows(o))
        })
        .cloned();
    let mut resp = if req.method() == Method::OPTIONS {
        match origin {
            Some(_) => preflight(req.headers()),
            None => sim_error(
                StatusCode::FORBIDDEN,
                "CorsOriginNotAllowed",
                "this origin is not in the simulator's corsOrigins (default: http://127.0.0.1, http://localhost and http://[::1] on any port)",
            ),
        }
    } else {
        match req.uri().path() {
            // In its own task: a call the client hangs up on (a timeout) is still processed and
            // delivered, as by the real gateway — what makes unsafe retries duplicate.
            "/" => {
                let state = state.clone();
                match tokio::spawn(async move { openapi::handle(&state, req).await }).await {
                    Ok(resp) => resp,
                    Err(_) => return Err(ResetConnection),
                }
            }
            "/sim/connect" => connect(state, req).await,
            "/sim/stats" => match *req.method() {
                Method::GET => sim_json(
                    StatusCode::OK,
                    state
                        .stats
                        .snapshot(state.presence.online_users(), state.presence.connections()),
                ),
                _ => method_not_allowed("GET"),
            },
            "/sim/stats/reset" => match *req.method() {
                Method::POST => {
                    state.stats.reset();
                    sim_json(StatusCode::OK, json!({"ok": true}))
                }
                _ => method_not_allowed("POST"),
            },
            "/sim/faults" => faults(state, req).await,
            p if p.starts_with("/sim/") => sim_error(
                StatusCode::NOT_FOUND,
                "NotFound",
                "unknown simulator endpoint; see docs/simulator.md",
            ),
            _ => {
                let pq = req.uri().path_and_query().map_or("/", |p| p.as_str());
                openapi::not_found(state, pq)
            }
        }
    };
    if resp.extensions().get::<ResetConnection>().is_some() {
        return Err(ResetConnection);
    }
    let h = resp.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(o) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Date, Retry-After"),
        );
    }
    Ok(resp)
}

/// Answers a CORS preflight (from an allowed origin) for the headers a signed call sends.
fn preflight(req_headers: &HeaderMap) -> Response<Body> {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, GET, DELETE, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(
            "Authorization, Content-Type, X-Date, X-Content-Sha256, X-Security-Token, Accept",
        ),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    // Chrome's Private Network Access: a public page may call this loopback server.
    if req_headers
        .get("access-control-request-private-network")
        .is_some_and(|v| v == "true")
    {
        h.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
    resp
}

fn sim_json(status: StatusCode, value: Value) -> Response<Body> {
    let mut resp = Response::new(Body::from(value.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn sim_error(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    sim_json(status, json!({"error": {"code": code, "message": message}}))
}

fn method_not_allowed(allow: &'static str) -> Response<Body> {
    let mut resp = sim_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        &["use ", allow].concat(),
    );
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    resp
}

/// `GET` shows the plan, `POST` sets it, `DELETE` clears it; changes need `--allow-faults`.
async fn faults(state: &State, req: Request<Incoming>) -> Response<Body> {
    let method = req.method().clone();
    if method == Method::GET {
        return sim_json(
            StatusCode::OK,
            state.faults.describe(state.options.allow_faults),
        );
    }
    if method != Method::POST && method != Method::DELETE {
        return method_not_allowed("GET, POST, DELETE");
    }
    if !state.options.allow_faults {
        return sim_error(
            StatusCode::FORBIDDEN,
            "FaultsDisabled",
            "fault injection is off; start volc-im-sim with --allow-faults",
        );
    }
    if method == Method::DELETE {
        state.faults.clear();
        return sim_json(StatusCode::OK, state.faults.describe(true));
    }
    let body = match axum::body::to_bytes(Body::new(req.into_body()), 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return sim_error(StatusCode::BAD_REQUEST, "InvalidFault", "unreadable body"),
    };
    match faults::parse_request(&body) {
        Ok((fault, count)) => {
            state.faults.set(fault, count);
            sim_json(StatusCode::OK, state.faults.describe(true))
        }
        Err(why) => sim_error(StatusCode::BAD_REQUEST, "InvalidFault", &why),
    }
}

/// `GET /sim/connect?AppId=..&UserId=..&Platform=Android|IOS|Web`: a device comes online.
async fn connect(state: &Arc<State>, req: Request<Incoming>) -> Response<Body> {
    if req.method() != Method::GET {
        return method_not_allowed("GET");
    }
    let bad = |msg: String| sim_error(StatusCode::BAD_REQUEST, "InvalidParam", &msg);
    let pq = req.uri().path_and_query().map_or("", |p| p.as_str());
    let Ok(target) = verify::Target::parse(pq) else {
        return bad("the query cannot be decoded".into());
    };
    let int = |k: &str| target.param(k).and_then(model::parse_int64);
    let app = match int("AppId").and_then(|a| i32::try_from(a).ok()) {
        Some(a) if state.config.apps.contains_key(&a) => a,
        Some(a) => return bad(format!("AppId {a} is not configured")),
        None => return bad("AppId is required (a decimal int32)".into()),
    };
    let Some(user) = int("UserId") else {
        return bad("UserId is required (a decimal int64)".into());
    };
    let Some(platform) = target.param("Platform").and_then(presence::Platform::parse) else {
        return bad("Platform is required: Android, IOS or Web".into());
    };
    let (mut parts, _) = req.into_parts();
    let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let tracker = state.sockets.clone();
    let state = state.clone();
    ws.on_upgrade(move |socket| async move {
        state
            .presence
            .run_socket(socket, app, user, platform, tracker)
            .await;
    })
}
