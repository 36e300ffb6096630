//! The OpenAPI endpoint `POST /?Action=P2PSendMessage&Version=2020-12-01`: faults, signature,
//! body validation, QPS, delivery, and the vendor's response envelope.
//!
//! Order matters and follows the gateway: an injected fault pre-empts everything; then
//! authentication (verify.rs); then the body; then the app's QPS window, so only authenticated,
//! valid calls count against the limit and a throttled call delivers nothing.

use crate::errors::{self, ApiError};
use crate::faults::Fault;
use crate::model::{
    P2PResult, P2PSendMessageRequest, P2PSendMessageResult, ResponseMetadata, VendorError,
};
use crate::signature::format_x_date;
use crate::verify::{verify, Target};
use crate::State;
use axum::body::Body;
use axum::extract::ws::Utf8Bytes;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use serde::Serialize;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The largest body read; the vendor's limit is not documented, messages are small.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Marks a response that must not be sent: the connection is dropped instead (fault `reset`).
#[derive(Clone, Copy, Debug)]
pub struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ResetConnection {}

/// Seconds since the epoch, the server clock that `X-Date` is checked against.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Unique request ids shaped like the vendor's (`20240604150611EC00A9D1A0E4F0DF98AB`): UTC
/// date-time, then 20 uppercase hex digits from a per-process random tag and a mixed counter.
#[derive(Debug)]
pub struct RequestIds {
    seed: u64,
    counter: AtomicU64,
}

impl Default for RequestIds {
    fn default() -> Self {
        Self {
            seed: RandomState::new().hash_one(SystemTime::now()),
            counter: AtomicU64::new(0),
        }
    }
}

/// SplitMix64's finaliser: a bijection on u64, so distinct counters give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl RequestIds {
    /// The next id, dated `now`.
    pub fn next(&self, now: i64) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let x = format_x_date(now);
        format!(
            "{}{}{:04X}{:016X}",
            &x[..8],
            &x[9..15],
            (self.seed >> 48) as u16,
            mix(self.seed.wrapping_add(n))
        )
    }
}

#[derive(Serialize)]
struct Metadata<'a> {
    #[serde(flatten)]
    base: &'a ResponseMetadata,
    #[serde(rename = "Error", skip_serializing_if = "Option::is_none")]
    error: Option<VendorError>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "ResponseMetadata")]
    metadata: Metadata<'a>,
    #[serde(rename = "Result", skip_serializing_if = "Option::is_none")]
    result: Option<&'a P2PSendMessageResult>,
}

/// A JSON response with the vendor's envelope.
pub fn envelope(
    meta: &ResponseMetadata,
    error: Option<&ApiError>,
    result: Option<&P2PSendMessageResult>,
) -> Response<Body> {
    let body = serde_json::to_vec(&Envelope {
        metadata: Metadata {
            base: meta,
            error: error.map(|e| VendorError {
                code: e.kind.code,
                code_n: e.kind.code_n,
                message: e.message.clone(),
            }),
        },
        result,
    })
    .expect("the envelope serialises");
    let status = error.map_or(200, |e| e.kind.status);
    envelope_response(body, status, error.and_then(|e| e.retry_after))
}

/// The envelope bytes as an HTTP response with `status` and, when given, `Retry-After`.
fn envelope_response(body: Vec<u8>, status: u16, retry_after: Option<u64>) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(secs) = retry_after {
        h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

/// The metadata of a response to this request.
fn metadata(target: Option<&Target>, request_id: String) -> ResponseMetadata {
    let param = |k: &str| {
        target
            .and_then(|t| t.param(k))
            .unwrap_or_default()
            .to_owned()
    };
    ResponseMetadata {
        request_id,
        action: param("Action"),
        version: param("Version"),
        // As in the vendor's example response: both empty.
        service: String::new(),
        region: String::new(),
    }
}

/// A request to a path the gateway does not serve: 404 `InvalidActionOrVersion`.
pub fn not_found(state: &State, path_and_query: &str) -> Response<Body> {
    let target = Target::parse(path_and_query).ok();
    let meta = metadata(target.as_ref(), state.ids.next(now_unix()));
    let err = errors::INVALID_ACTION_OR_VERSION.with("no API is served at this path; use /");
    envelope(&meta, Some(&err), None)
}

fn fault_response(fault: Fault, meta: &ResponseMetadata) -> Response<Body> {
    let raw = |status: u16, content_type: &'static str, body: &'static str| {
        let mut r = Response::new(Body::from(body));
        *r.status_mut() = StatusCode::from_u16(status).expect("valid status");
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    match fault {
        Fault::Status500 => envelope(
            meta,
            Some(&errors::INTERNAL_ERROR.with("injected fault: internal error")),
            None,
        ),
        Fault::Status503 => envelope(
            meta,
            Some(&errors::SERVICE_UNAVAILABLE_TEMP.with("injected fault: service unavailable")),
            None,
        ),
        Fault::FailToConnect => envelope(
            meta,
            Some(&errors::FAIL_TO_CONNECT.with("injected fault: the gateway could not reach the service")),
            None,
        ),
        Fault::InternalServiceTimeout => envelope(
            meta,
            Some(&errors::INTERNAL_SERVICE_TIMEOUT.with("injected fault: the service did not answer in time")),
            None,
        ),
        Fault::ErrorOn200 => {
            // The spec's warning made concrete: HTTP 200, yet the envelope carries an Error.
            let mut r = envelope(
                meta,
                Some(&errors::INTERNAL_ERROR.with("injected fault: an error inside an HTTP 200")),
                None,
            );
            *r.status_mut() = StatusCode::OK;
            r
        }
        Fault::Throttle => {
            let mut e = errors::FLOW_LIMIT_EXCEEDED.with("injected fault: flow limit exceeded");
            e.retry_after = Some(1);
            envelope(meta, Some(&e), None)
        }
        Fault::Malformed => raw(200, "application/json", "{\"ResponseMetadata\":"),
        Fault::Html => raw(
            502,
            "text/html",
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
        ),
        Fault::Empty => raw(200, "application/json", ""),
        Fault::Reset => {
            let mut r = Response::new(Body::empty());
            r.extensions_mut().insert(ResetConnection);
            r
        }
        Fault::Delay(_) => unreachable!("delay is not a response"),
    }
}

/// Handles one call to the OpenAPI endpoint.
pub async fn handle(state: &State, req: Request<Incoming>) -> Response<Body> {
    let started = Instant::now();
    state.stats.request();
    let (parts, body) = req.into_parts();
    let target = Target::parse(parts.uri.path_and_query().map_or("/", |p| p.as_str()));
    let request_id = state.ids.next(now_unix());
    let meta = metadata(target.as_ref().ok(), request_id);

    let fault = state.faults.take();
    let (response, code) = match fault {
        Some(f) if !matches!(f, Fault::Delay(_)) => {
            (fault_response(f, &meta), ["fault:", f.name()].concat())
        }
        _ => {
            if let Some(Fault::Delay(ms)) = fault {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            let outcome = match target {
                Ok(t) => process(state, &parts, &t, body, &meta.request_id).await,
                Err(e) => Err(e),
            };
            match outcome {
                Ok(result) => (envelope(&meta, None, Some(&result)), "SUCCESS".to_owned()),
                Err(e) => (envelope(&meta, Some(&e), None), e.kind.code.to_owned()),
            }
        }
    };
    // `throttled` counts the limiter's refusals; an injected throttle is `fault:throttle`.
    state.stats.outcome(&code);
    if state.options.log {
        let status = if response.extensions().get::<ResetConnection>().is_some() {
            "reset".to_owned()
        } else {
            response.status().as_u16().to_string()
        };
        crate::log_line!(
            "volc-im-sim: action={:?} status={status} code={code} latency_ms={:.3} request_id={}",
            meta.action,
            started.elapsed().as_secs_f64() * 1000.0,
            meta.request_id
        );
    }
    response
}

/// Everything after the fault check: authentication, validation, limit, delivery.
async fn process(
    state: &State,
    parts: &axum::http::request::Parts,
    target: &Target,
    body: Incoming,
    request_id: &str,
) -> Result<P2PSendMessageResult, ApiError> {
    let body = axum::body::to_bytes(Body::new(body), MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            errors::INVALID_PARAM.with(format!(
                "the body could not be read or is larger than {MAX_BODY_BYTES} bytes"
            ))
        })?;
    let verified = verify(
        &state.config,
        parts.method.as_str(),
        target,
        &parts.headers,
        &body,
        now_unix(),
    )?;
    if parts.method != Method::POST {
        return Err(errors::INVALID_ACTION_OR_VERSION.with("P2PSendMessage is called with POST"));
    }

    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| errors::JSON_PARSING_ERROR.with(format!("the body is not JSON: {e}")))?;
    if !value.is_object() {
        return Err(errors::JSON_PARSING_ERROR.with("the body must be a JSON object"));
    }
    // Numbers only for ids, as the real server: serde reads JSON integers exactly.
    let req: P2PSendMessageRequest = serde_json::from_value(value)
        .map_err(|e| errors::INVALID_PARAM.with(format!("invalid body: {e}")))?;

    if let Some(allowed) = &verified.credential.allowed_app_ids {
        if !allowed.contains(&req.app_id) {
            return Err(errors::ACCESS_DENIED.with(format!(
                "access key {} may not use AppId {}",
                verified.credential.access_key_id, req.app_id
            )));
        }
    }
    let app = state.config.apps.get(&req.app_id).ok_or_else(|| {
        errors::APP_NOT_FOUND.with(format!("AppId {} does not exist", req.app_id))
    })?;
    if app.disabled {
        return Err(errors::APP_STATUS_EXCEPTION.with(format!("app {} is disabled", req.app_id)));
    }
    let conversation = app
        .conversations
        .get(&req.conversation_short_id)
        .ok_or_else(|| {
            errors::CONVERSATION_NOT_FOUND.with(format!(
                "conversation {} does not exist in app {}",
                req.conversation_short_id, req.app_id
            ))
        })?;
    if !conversation.has_member(req.sender) {
        return Err(errors::PARTICIPANT_NOT_IN_CONVERSATION.with(format!(
            "sender {} is not a member of conversation {}",
            req.sender, req.conversation_short_id
        )));
    }
    if app.deny_senders.contains(&req.sender) {
        return Err(errors::NO_AUTH.with(format!(
            "sender {} is not allowed to send in app {}",
            req.sender, req.app_id
        )));
    }
    if let Err(secs) = state.limiter.admit(app.app_id, app.qps, Instant::now()) {
        let mut e = errors::FLOW_LIMIT_EXCEEDED.with(format!(
            "app {} is over its limit of {} requests per second",
            app.app_id, app.qps
        ));
        e.retry_after = Some(secs);
        return Err(e);
    }

    let frame = message_frame(&req, request_id);
    let mut users = 0;
    let mut frames = 0;
    let p2p_result = targets(&req, &conversation.members)
        .into_iter()
        .map(|user| {
            // A receiver outside the conversation is listed but never delivered to.
            let delivered = if conversation.has_member(user) {
                state.presence.deliver(req.app_id, user, &frame)
            } else {
                None
            };
            let (code, platform) = match delivered {
                Some((platform, n)) => {
                    users += 1;
                    frames += n;
                    ("SUCCESS", platform.as_str())
                }
                None => ("NOT_ONLINE", "Default"),
            };
            P2PResult {
                user_id: user,
                code,
                device_platform: platform,
            }
        })
        .collect();
    state.stats.delivered(users, frames);
    Ok(P2PSendMessageResult { p2p_result })
}

/// The spec's delivery targets: `ReceiverUserId` when non-empty (without `IgnoreUserIds`), else
/// every member in configuration order, sender included, minus `IgnoreUserIds`. Repeated
/// receivers are listed once.
pub fn targets(req: &P2PSendMessageRequest, members: &[i64]) -> Vec<i64> {
    match req.receiver_user_id.as_deref() {
        Some(receivers) if !receivers.is_empty() => {
            let mut out: Vec<i64> = Vec::with_capacity(receivers.len());
            for &r in receivers {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
            out
        }
        _ => {
            let ignore = req.ignore_user_ids.as_deref().unwrap_or_default();
            members
                .iter()
                .copied()
                .filter(|m| !ignore.contains(m))
                .collect()
        }
    }
}

#[derive(Serialize)]
struct MessageFrame<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "AppId")]
    app_id: i32,
    #[serde(rename = "ConversationShortId")]
    conversation_short_id: String,
    #[serde(rename = "Sender")]
    sender: String,
    #[serde(rename = "MsgType")]
    msg_type: i32,
    #[serde(rename = "Content")]
    content: &'a str,
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

/// The text frame a receiving device gets; int64 ids as strings so JavaScript keeps them exact.
fn message_frame(req: &P2PSendMessageRequest, request_id: &str) -> Utf8Bytes {
    serde_json::to_string(&MessageFrame {
        kind: "message",
        app_id: req.app_id,
        conversation_short_id: req.conversation_short_id.to_string(),
        sender: req.sender.to_string(),
        msg_type: req.msg_type,
        content: &req.content,
        request_id,
    })
    .expect("the frame serialises")
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(receivers: Option<Vec<i64>>, ignore: Option<Vec<i64>>) -> P2PSendMessageRequest {
        P2PSendMessageRequest {
            app_id: 1,
            sender: 1,
            conversation_short_id: 1,
            msg_type: 1,
            content: String::new(),
            receiver_user_id: receivers,
            ignore_user_ids: ignore,
        }
    }

    #[test]
    fn delivery_targets() {
        let members = [4, 3, 2, 1];
        assert_eq!(targets(&req(None, None), &members), [4, 3, 2, 1]);
        assert_eq!(
            targets(&req(Some(vec![]), Some(vec![3])), &members),
            [4, 2, 1]
        );
        assert_eq!(
            targets(&req(Some(vec![9, 3, 9]), Some(vec![3])), &members),
            [9, 3]
        );
    }

    #[test]
    fn request_ids_are_vendor_shaped_and_unique() {
        let ids = RequestIds::default();
        let a = ids.next(1_717_513_571);
        let b = ids.next(1_717_513_571);
        assert_eq!(a.len(), 34);
        assert!(a.starts_with("20240604150611"), "{a}");
        assert!(a[14..]
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
